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
 * reading the FIFO from a thread and by lstat () of the paths. And the
 * hook told of the temporary file, for the command line's signal handler.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-file.h"
#include "fm-threads.h"
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

/* What the temporary-file hook saw: each call's path (NULL as ""), and
 * whether the file was there when it was told of it. */
static GPtrArray *hook_calls;
static gboolean hook_file_existed;

static void
record_temp (const char *tmp_path)
{
  g_ptr_array_add (hook_calls, g_strdup (tmp_path != NULL ? tmp_path : ""));
  if (tmp_path != NULL)
    hook_file_existed = g_file_test (tmp_path, G_FILE_TEST_IS_REGULAR);
}

static gboolean
write_nothing (int       fd,
               gpointer  user_data,
               GError  **error)
{
  g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, "No space left on device");
  return FALSE;
}

/* The hook is told of the temporary file ".out.csv.XXXXXX" beside the
 * output once it exists, then NULL once it is renamed (a success) or
 * removed (a failure), so that a signal handler can remove it between
 * (the command line does). */
static void
test_temp_hook (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-test-file-write-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *prefix = g_build_filename (dir, ".out.csv.", NULL);
  g_autoptr(GError) error = NULL;

  hook_calls = g_ptr_array_new_with_free_func (g_free);
  fm_file_set_temp_hook (record_temp);
  for (int fail = 0; fail < 2; fail++)
    {
      const char *tmp;

      g_ptr_array_set_size (hook_calls, 0);
      hook_file_existed = FALSE;
      if (fail)
        g_assert_false (fm_file_write_atomic_with (path, write_nothing, NULL, &error));
      else
        g_assert_true (fm_file_write_atomic (path, text, strlen (text), NULL));
      g_assert_cmpuint (hook_calls->len, ==, 2);
      tmp = g_ptr_array_index (hook_calls, 0);
      g_assert_true (g_str_has_prefix (tmp, prefix));
      g_assert_cmpuint (strlen (tmp), ==, strlen (prefix) + 6);
      g_assert_true (hook_file_existed);
      g_assert_cmpstr (g_ptr_array_index (hook_calls, 1), ==, "");
      g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
    }
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  fm_file_set_temp_hook (NULL);
  g_clear_pointer (&hook_calls, g_ptr_array_unref);
  fm_test_remove_tree (dir);
}

static gpointer
blocked_here (gpointer data)
{
  sigset_t now;

  pthread_sigmask (SIG_BLOCK, NULL, &now);
  return GINT_TO_POINTER (sigismember (&now, SIGINT) == 1 && sigismember (&now, SIGTERM) == 1);
}

/* The engine's worker threads leave SIGINT and SIGTERM to the thread that
 * started them: the command line's handler, run on a worker, could come
 * between a temporary file's creation and the hook being told of it. The
 * starting thread's own mask is as before. */
static void
test_workers_leave_signals (void)
{
  sigset_t before, after;
  GThread *thread;

  pthread_sigmask (SIG_BLOCK, NULL, &before);
  g_assert_false (sigismember (&before, SIGINT));
  thread = fm_thread_spawn ("test", blocked_here, NULL, NULL);
  g_assert_nonnull (thread);
  g_assert_true (GPOINTER_TO_INT (g_thread_join (thread)));
  pthread_sigmask (SIG_BLOCK, NULL, &after);
  g_assert_false (sigismember (&after, SIGINT));
  g_assert_false (sigismember (&after, SIGTERM));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/file-write/fifo", test_fifo);
  g_test_add_func ("/engine/file-write/links", test_links);
  g_test_add_func ("/engine/file-write/temp-hook", test_temp_hook);

  g_test_add_func ("/engine/file-write/workers-leave-signals", test_workers_leave_signals);

  return g_test_run ();
}
