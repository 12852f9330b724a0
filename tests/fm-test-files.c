/* fm-test-files.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the engine, command-line and app tests that check what a
 * failed write leaves behind (fm-test-files.h). It makes no temporary
 * folder of its own and removes nothing: each test program owns its
 * scratch folder.
 */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fm-test-files.h"

#include <glib/gstdio.h>

char *
fm_test_make_tmp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

static char *scratch;

static void
remove_scratch (void)
{
  fm_test_remove_tree (scratch);
  g_clear_pointer (&scratch, g_free);
}

const char *
fm_test_scratch (void)
{
  if (scratch == NULL)
    {
      const char *prgname = g_get_prgname ();
      g_autofree char *program = g_path_get_basename (prgname != NULL ? prgname : "test");
      g_autofree char *tmpl = g_strdup_printf ("fm-%s-XXXXXX", program);

      scratch = fm_test_make_tmp_dir (tmpl);
      atexit (remove_scratch);
    }
  return scratch;
}

void
fm_test_remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d != NULL)
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
            !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          fm_test_remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

void
fm_test_copy_file (const char *src,
                   const char *dest)
{
  g_autofree char *bytes = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (dest, bytes, (gssize) len, NULL));
}

void
fm_test_copy_digits (const char         *dir,
                     const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *src = g_build_filename (FM_SOURCE_DATADIR, "digits", names[i], NULL);
      g_autofree char *dest = g_build_filename (dir, names[i], NULL);

      fm_test_copy_file (src, dest);
    }
}

char *
fm_test_fresh_dir (const char *parent,
                   const char *name)
{
  char *dir = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

char *
fm_test_list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

void
fm_test_assert_listing (const char *dir,
                        const char *expected)
{
  g_autofree char *listing = fm_test_list_dir (dir);

  g_assert_cmpstr (listing, ==, expected);
}

void
fm_test_assert_file_is (const char *path,
                        const char *expected)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, strlen (expected));
  g_assert_cmpmem (contents, len, expected, strlen (expected));
}

char *
fm_test_plain_file (const char *parent,
                    const char *name,
                    const char *contents)
{
  g_autofree char *dir = fm_test_fresh_dir (parent, name);
  char *file = g_build_filename (dir, "plain", NULL);

  g_assert_true (g_file_set_contents (file, contents, -1, NULL));
  return file;
}

void
fm_test_assert_plain_file (const char *file,
                           const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (file);
  g_autofree char *name = g_path_get_basename (file);

  fm_test_assert_file_is (file, contents);
  fm_test_assert_listing (dir, name);
}

void
fm_test_assert_contains (const char *text,
                         ...)
{
  va_list ap;

  va_start (ap, text);
  for (const char *s = va_arg (ap, const char *); s != NULL; s = va_arg (ap, const char *))
    if (strstr (text, s) == NULL)
      g_error ("\"%s\" lacks \"%s\"", text, s);
  va_end (ap);
}

void
fm_test_assert_error_holds (const GError *error,
                            GQuark        domain,
                            int           code,
                            const char   *fragment)
{
  g_assert_error (error, domain, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

void
fm_test_assert_names_failure (const char *message,
                              const char *path,
                              int         errnum)
{
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, path));
  g_assert_nonnull (strstr (message, g_strerror (errnum)));
}

void
fm_test_fsize_limit (rlim_t       bytes,
                     FmTestFsize *saved)
{
  struct rlimit limit;
  void (*handler) (int);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  if (saved != NULL)
    saved->limit = limit;
  limit.rlim_cur = bytes;
  handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_true (handler != SIG_ERR);
  if (saved != NULL)
    saved->handler = handler;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
}

void
fm_test_fsize_restore (const FmTestFsize *saved)
{
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved->limit), ==, 0);
  signal (SIGXFSZ, saved->handler);
}

void
fm_test_fsize_child_setup (gpointer bytes)
{
  struct rlimit limit;

  getrlimit (RLIMIT_FSIZE, &limit);
  limit.rlim_cur = (rlim_t) GPOINTER_TO_SIZE (bytes);
  setrlimit (RLIMIT_FSIZE, &limit);
  signal (SIGXFSZ, SIG_IGN);
}
