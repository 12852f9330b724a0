/* fm-test-image.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test helper: PNG files made in memory, either with libpng's own writer
 * or chunk by chunk (for headers libpng would refuse to write).
 */
#pragma once

#include <glib.h>
#include <png.h>

G_BEGIN_DECLS

/* @v at @p, big-endian (the byte order of PNG and IDX headers). */
void        fm_test_put_be32    (guint8          *p,
                                 guint32          v);
/* Appends a PNG chunk: length, @type, @data, CRC over type and data. */
void        fm_test_png_chunk   (GByteArray      *png,
                                 const char      *type,
                                 const guint8    *data,
                                 gsize            len);
/* A PNG signature and the IHDR of an 8-bit gray @w x @h picture, for
 * fm_test_png_chunk() to go on from. */
GByteArray *fm_test_gray_png_head (guint32        w,
                                   guint32        h);
/* A PNG written by libpng; @pixels holds @height rows of
 * png_get_rowbytes() bytes each, packed (16-bit samples in host order).
 * @palette and @trans may be NULL. */
GByteArray *fm_test_encode_png  (int              width,
                                 int              height,
                                 int              color_type,
                                 int              bit_depth,
                                 const guint8    *pixels,
                                 const png_color *palette,
                                 int              n_palette,
                                 const guint8    *trans,
                                 int              n_trans);

G_END_DECLS
