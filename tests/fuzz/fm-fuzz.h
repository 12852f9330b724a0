/* fm-fuzz.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every fuzz target shares: the libFuzzer entry points, and checks
 * that stop the process (so libFuzzer and the replay test both see a
 * crash) when a library call breaks its contract: a failure must come
 * with a GError in the FM_ERROR domain (or G_IO_ERROR) whose message is
 * not empty, a success must not set one. Not a test framework: targets
 * check invariants on whatever the input produces.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "fm-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);

#define FM_FUZZ_CHECK(cond) \
  G_STMT_START \
  { \
    if (G_UNLIKELY (!(cond))) \
      { \
        fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        abort (); \
      } \
  } \
  G_STMT_END

/* @ok: the call's result; @error: its GError (consumed). */
static inline void
fm_fuzz_check_result (gboolean  ok,
                      GError   *error)
{
  if (ok)
    {
      if (error != NULL)
        fprintf (stderr, "success with an error set: %s\n", error->message);
      FM_FUZZ_CHECK (error == NULL);
      return;
    }
  FM_FUZZ_CHECK (error != NULL);
  FM_FUZZ_CHECK (error->domain == FM_ERROR || error->domain == G_IO_ERROR);
  FM_FUZZ_CHECK (error->message != NULL && error->message[0] != '\0');
  /* Messages reach GTK labels: they must be UTF-8 whatever the input. */
  FM_FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
  g_error_free (error);
}

/* Scratch files for a target that must go through the file system: the
 * path of @name in a folder made from @tmpl on the first call (the same
 * folder after that). Each file named and the folder are removed at exit. */
typedef struct
{
  char      *dir;
  GPtrArray *files;
} FmFuzzScratch;

static inline FmFuzzScratch *
fm_fuzz_scratch (void)
{
  static FmFuzzScratch scratch;

  return &scratch;
}

static inline void
fm_fuzz_remove_scratch (void)
{
  FmFuzzScratch *s = fm_fuzz_scratch ();

  for (guint i = 0; i < s->files->len; i++)
    g_unlink (g_ptr_array_index (s->files, i));
  g_rmdir (s->dir);
}

static inline const char *
fm_fuzz_scratch_file (const char *tmpl,
                      const char *name)
{
  FmFuzzScratch *s = fm_fuzz_scratch ();
  char *path;

  if (s->dir == NULL)
    {
      s->dir = g_dir_make_tmp (tmpl, NULL);
      if (s->dir == NULL)
        abort ();
      s->files = g_ptr_array_new ();
      atexit (fm_fuzz_remove_scratch);
    }
  path = g_build_filename (s->dir, name, NULL);
  g_ptr_array_add (s->files, path);
  return path;
}

/* Writes @len bytes of @data to @path, truncating it; aborts on failure.
 * Plain stdio: no fsync (thousands of files a second), and truncated,
 * which GLib 2.74's g_file_set_contents_full() without flags is not. */
static inline void
fm_fuzz_write_file (const char   *path,
                    const guint8 *data,
                    gsize         len)
{
  FILE *file = fopen (path, "wb");

  if (file == NULL || (len > 0 && fwrite (data, 1, len, file) != len) || fclose (file) != 0)
    {
      fprintf (stderr, "%s: cannot write\n", path);
      abort ();
    }
}
