/* fm-test-files.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the tests of failed writes check afterwards, and the fault they
 * inject: scratch folders (made and removed), a folder's listing, a file's exact bytes, and
 * a file-size limit (RLIMIT_FSIZE with SIGXFSZ ignored, so a write past
 * it fails with EFBIG instead of killing the process), for this process
 * or for a spawned child. GLib only; every check is a g_assert.
 */
#pragma once

#include <sys/resource.h>

#include <glib.h>

G_BEGIN_DECLS

/* The old file-size limit and SIGXFSZ handler, for fm_test_fsize_restore(). */
typedef struct
{
  struct rlimit limit;
  void        (*handler) (int);
} FmTestFsize;

/* A new folder in the temporary folder from @tmpl ("fm-test-x-XXXXXX").
 * Free with g_free(). */
char *fm_test_make_tmp_dir       (const char        *tmpl);
/* The test program's scratch folder: made in the temporary folder on the
 * first call (named after the program once g_test_init () has run),
 * removed with all it holds when the program exits. */
const char *fm_test_scratch      (void);
/* Removes @path and everything below it (symbolic links are removed, not
 * followed). */
void  fm_test_remove_tree        (const char        *path);
/* Copies the file @src to @dest, byte for byte. */
void  fm_test_copy_file          (const char        *src,
                                  const char        *dest);
/* The bundled digits @names (NULL-terminated: "digit-7.png", ...) copied
 * into the folder @dir, which exists. */
void  fm_test_copy_digits        (const char        *dir,
                                  const char * const *names);
/* @parent/@name, made with its parents (0755). Free with g_free(). */
char *fm_test_fresh_dir          (const char        *parent,
                                  const char        *name);
/* The names in @dir, sorted (strcmp), joined by single spaces. */
char *fm_test_list_dir           (const char        *dir);
/* @dir holds exactly @expected (names sorted, space-separated). */
void  fm_test_assert_listing     (const char        *dir,
                                  const char        *expected);
/* The file at @path is exactly the bytes of @expected: same length, same
 * bytes. */
void  fm_test_assert_file_is     (const char        *path,
                                  const char        *expected);
/* @text holds each of the strings after it (the list ends with NULL); a
 * missing one fails the test, naming it. */
void  fm_test_assert_contains    (const char        *text,
                                  ...) G_GNUC_NULL_TERMINATED;
/* @error is set, in @domain with @code, and its message holds @fragment
 * (a mismatch fails the test, quoting the message). */
void  fm_test_assert_error_holds (const GError      *error,
                                  GQuark             domain,
                                  int                code,
                                  const char        *fragment);
/* @message, about a failed write, names @path and the reason @errnum
 * (g_strerror()). */
void  fm_test_assert_names_failure (const char      *message,
                                    const char      *path,
                                    int              errnum);

/* A fresh folder @parent/@name holding only the regular file "plain" with
 * @contents, so that no path below "plain" can be made (ENOTDIR): the
 * file's path. Free with g_free(). */
char *fm_test_plain_file         (const char        *parent,
                                  const char        *name,
                                  const char        *contents);
/* What fm_test_plain_file() made is as it was: @file alone in its folder,
 * holding @contents. */
void  fm_test_assert_plain_file  (const char        *file,
                                  const char        *contents);

/* Lowers this process's soft RLIMIT_FSIZE to @bytes (the hard limit stays,
 * so it can be raised again) and ignores SIGXFSZ; stores what was there in
 * @saved when not NULL. */
void  fm_test_fsize_limit        (rlim_t             bytes,
                                  FmTestFsize       *saved);
/* Puts back the limit and handler fm_test_fsize_limit() saved. */
void  fm_test_fsize_restore      (const FmTestFsize *saved);
/* A GSpawnChildSetupFunc doing the same in a spawned child (an ignored
 * signal stays ignored across exec); @bytes is GSIZE_TO_POINTER (limit).
 * It runs between fork and exec, so it asserts nothing: a limit that did
 * not take shows as a write that did not fail. */
void  fm_test_fsize_child_setup  (gpointer           bytes);

G_END_DECLS
