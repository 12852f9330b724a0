/* fm-file.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files the engine reads, opened or mapped read-only (regular files only,
 * errors naming the file), and the one atomic writer for every file the
 * program writes for the user (.npy, CSV, PNG).
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

/* Opens @path read-only and fills @st (may be NULL). Returns the fd, or -1
 * with FM_ERROR_IO "PATH: cannot open: REASON" or "PATH: not a regular
 * file" (a folder, a device). */
int          fm_file_open               (const char       *path,
                                         GStatBuf         *st,
                                         GError          **error);

/* One read() of up to @size bytes from @fd (retried on EINTR): the count,
 * 0 at the end, or -1 with FM_ERROR_IO "PATH: cannot read: REASON". */
gssize       fm_file_read               (int               fd,
                                         const char       *path,
                                         guint8           *buf,
                                         gsize             size,
                                         GError          **error);

/* Reads the first bytes of @path (up to @size) into @buf, to tell its
 * format by magic bytes; *@len gets how many. fm_file_open()'s errors, or
 * FM_ERROR_IO "PATH: cannot read: REASON". */
gboolean     fm_file_read_head          (const char       *path,
                                         guint8           *buf,
                                         gsize             size,
                                         gsize            *len,
                                         GError          **error);

/* Maps @path read-only: fm_file_open()'s errors, or FM_ERROR_IO
 * "PATH: cannot read: REASON". */
GMappedFile *fm_file_map                (const char       *path,
                                         GError          **error);

/* Creates the folder @path and the missing folders above it, new ones
 * with @mode (less the umask); nothing when it is there. FALSE with
 * FM_ERROR_IO "PATH: cannot create the folder: REASON". */
gboolean     fm_file_make_folder        (const char       *path,
                                         int               mode,
                                         GError          **error);

/* Writes a file's contents to @fd. On failure it returns FALSE with
 * @error holding the reason alone ("No space left on device"). */
typedef gboolean (*FmFileWriteFunc)     (int               fd,
                                         gpointer          user_data,
                                         GError          **error);

/* Creates or replaces @path atomically: @func writes ".NAME.XXXXXX" in the
 * same folder (mode 0666 less the umask, like any new file), which is
 * flushed to disk and renamed over @path. A symbolic link stays: the file
 * it ends at is the one replaced. A @path that is neither a regular file
 * nor a folder (/dev/null, /dev/stdout, a FIFO, a shell's >(...)) is
 * written in place, never replaced. On failure the temporary file
 * is removed, an old @path keeps its bytes, and @error is FM_ERROR_IO
 * "Could not write “PATH”: REASON" in the system's words ("File too
 * large", "Read-only file system", "Not a directory"). */
gboolean     fm_file_write_atomic_with  (const char       *path,
                                         FmFileWriteFunc   func,
                                         gpointer          user_data,
                                         GError          **error);

/* Told the path of the temporary file fm_file_write_atomic_with () has
 * just made, and NULL once that file is renamed over its target or
 * removed, so that a program stopped by a signal (SIGTERM, Ctrl+C) can
 * remove it from its handler instead of leaving ".NAME.XXXXXX" behind:
 * the hook copies the path (it is freed after the write). Called on the
 * writing thread, with SIGINT and SIGTERM held back from the file's
 * creation until the hook has it; one hook for the process, NULL (the
 * default) for none, set before any thread writes. */
typedef void (*FmFileTempHook) (const char *tmp_path);

void         fm_file_set_temp_hook      (FmFileTempHook    hook);

/* The same for @len bytes held in memory. */
gboolean     fm_file_write_atomic       (const char       *path,
                                         const void       *bytes,
                                         gsize             len,
                                         GError          **error);

/* Whether the files @a and @b are one: the same file where both exist
 * (links included), the same path where neither does. */
gboolean     fm_file_same               (const char       *a,
                                         const char       *b);

G_END_DECLS
