/* test-file-write.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where fm_file_write_atomic () writes when the path is not a plain file:
 * a FIFO (as /dev/stdout, /dev/null or a shell's >(...) are: no regular
 * file) is written into and stays a FIFO, and a symbolic link stays a
 * link while the file it points at gets the bytes, dangling or not. The
 * old writer renamed its temporary file over each of them. Checked by
 * reading the FIFO from a thread and by lstat () of the paths.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-file.h"
#include "fm-test-files.h"

static const char text[] = "channel,dead\n5,true\n";

static gpointer
read_fifo (gpointer data)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (data, &contents, NULL, NULL));
  return contents;
}

static void
test_fifo (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-test-file-write-XXXXXX");
  g_autofree char *fifo = g_build_filename (dir, "pipe.csv", NULL);
  g_autofree char *got = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;
  GThread *reader;
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  reader = g_thread_new ("reader", read_fifo, fifo);
  g_assert_true (fm_file_write_atomic (fifo, text, strlen (text), &error));
  g_assert_no_error (error);
  /* before the join: a FIFO renamed over would leave the reader waiting */
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  got = g_thread_join (reader);
  g_assert_cmpstr (got, ==, text);
  /* and no temporary file beside it */
  listing = fm_test_list_dir (dir);
  g_assert_cmpstr (listing, ==, "pipe.csv");
  g_unlink (fifo);
  g_rmdir (dir);
}

static void
assert_link_to (const char *link,
                const char *to)
{
  GStatBuf st;
  g_autofree char *target = NULL;

  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  target = g_file_read_link (link, NULL);
  g_assert_cmpstr (target, ==, to);
}

static void
test_links (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-test-file-write-XXXXXX");
  g_autofree char *real = g_build_filename (dir, "real.csv", NULL);
  g_autofree char *link = g_build_filename (dir, "link.csv", NULL);
  g_autofree char *chain = g_build_filename (dir, "chain.csv", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.csv", NULL);
  g_autofree char *made = g_build_filename (dir, "made.csv", NULL);
  g_autofree char *loop = g_build_filename (dir, "loop.csv", NULL);
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (real, "old\n", -1, NULL));
  g_assert_cmpint (symlink ("real.csv", link), ==, 0);
  g_assert_cmpint (symlink (link, chain), ==, 0);        /* absolute, to a link */
  g_assert_cmpint (symlink ("made.csv", dangling), ==, 0);
  g_assert_cmpint (symlink ("loop.csv", loop), ==, 0);

  /* Through a link, and a link to a link: the links stay, real.csv changes. */
  g_assert_true (fm_file_write_atomic (link, text, strlen (text), &error));
  g_assert_no_error (error);
  assert_link_to (link, "real.csv");
  g_assert_true (g_file_get_contents (real, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, text);
  g_clear_pointer (&got, g_free);
  g_assert_true (fm_file_write_atomic (chain, "x\n", 2, &error));
  g_assert_no_error (error);
  assert_link_to (chain, link);
  assert_link_to (link, "real.csv");
  g_assert_true (g_file_get_contents (real, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, "x\n");
  g_clear_pointer (&got, g_free);

  /* A dangling link: the file it names is created. */
  g_assert_true (fm_file_write_atomic (dangling, text, strlen (text), &error));
  g_assert_no_error (error);
  assert_link_to (dangling, "made.csv");
  g_assert_true (g_file_get_contents (made, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, text);

  /* A link to itself: an error naming the path, the link untouched. */
  g_assert_false (fm_file_write_atomic (loop, text, strlen (text), &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "loop.csv"));
  g_assert_nonnull (strstr (error->message, g_strerror (ELOOP)));
  assert_link_to (loop, "loop.csv");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/file-write/fifo", test_fifo);
  g_test_add_func ("/engine/file-write/links", test_links);

  return g_test_run ();
}
