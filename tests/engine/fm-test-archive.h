/* fm-test-archive.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test helper: tar archives and .npy files written byte by byte, as the
 * POSIX ustar format and numpy's format 1.0 describe them, without the
 * libraries the engine reads them with.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends a ustar header for a regular file @name (under 100 bytes) of
 * @len bytes, then @data padded to 512 bytes. */
void        fm_test_tar_add     (GByteArray   *tar,
                                 const char   *name,
                                 const void   *data,
                                 gsize         len);
/* Appends the two zero blocks that end an archive. */
void        fm_test_tar_end     (GByteArray   *tar);

/* An npy 1.0 header for @descr ("|u1", "<f4", ...) and @shape (a Python
 * tuple: "(2, 3, 4)"), C order unless @fortran, padded to 64 bytes. */
GByteArray *fm_test_npy_header  (const char   *descr,
                                 const char   *shape,
                                 gboolean      fortran);

/* Writes @len bytes to @path, asserting success. */
void        fm_test_write_bytes (const char   *path,
                                 const void   *data,
                                 gsize         len);

G_END_DECLS
