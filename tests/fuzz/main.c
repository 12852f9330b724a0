/* main.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plain driver linked into each fuzz target when it is built without
 * libFuzzer (gcc, the ordinary test run): every argument is a file or a
 * folder (read recursively, in bytewise order of names), and each file is
 * passed once to LLVMFuzzerTestOneInput(). A target that finds a broken
 * invariant aborts, so the test fails on the input it names. It prints
 * one TAP line per folder or file argument. It does not mutate inputs:
 * fuzzing itself needs the clang build (meson -Dfuzzing=true).
 */
#include <string.h>

#include <gio/gio.h>

#include "fm-fuzz.h"

int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
collect (const char *path,
         GPtrArray  *files)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        return;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, compare_strings);
      for (guint i = 0; i < names->len; i++)
        collect (names->pdata[i], files);
    }
  else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_ptr_array_add (files, g_strdup (path));
    }
}

int
main (int    argc,
      char **argv)
{
  int n_tests = 0;

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);

  printf ("TAP version 13\n1..%d\n", argc - 1);
  for (int a = 1; a < argc; a++)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      gsize n_bytes = 0;

      collect (argv[a], files);
      for (guint i = 0; i < files->len; i++)
        {
          g_autofree char *contents = NULL;
          g_autoptr(GError) error = NULL;
          gsize len = 0;

          if (!g_file_get_contents (files->pdata[i], &contents, &len, &error))
            {
              printf ("not ok %d - %s: %s\n", a, argv[a], error->message);
              return 1;
            }
          /* Stderr names the input before it runs, so a crash points at it. */
          fprintf (stderr, "replaying %s\n", (const char *) files->pdata[i]);
          /* A copy of exactly @len bytes, so ASan sees reads past the end. */
          {
            g_autofree guint8 *copy = g_memdup2 (contents, len);

            LLVMFuzzerTestOneInput (copy, len);
          }
          n_bytes += len;
        }
      if (files->len == 0)
        {
          printf ("not ok %d - %s: no inputs\n", a, argv[a]);
          return 1;
        }
      printf ("ok %d - %s: %u inputs, %" G_GSIZE_FORMAT " bytes\n",
              a, argv[a], files->len, n_bytes);
      n_tests++;
    }
  return n_tests == argc - 1 ? 0 : 1;
}
