/* fm-test-image.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <zlib.h>

#include "fm-test-image.h"

void
fm_test_put_be32 (guint8  *p,
                  guint32  v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

void
fm_test_png_chunk (GByteArray   *png,
                   const char   *type,
                   const guint8 *data,
                   gsize         len)
{
  guint8 be[4];
  uLong crc;

  fm_test_put_be32 (be, (guint32) len);
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (png, data, (guint) len);
  crc = crc32 (0, (const Bytef *) type, 4);
  if (len > 0)
    crc = crc32 (crc, data, (uInt) len);
  fm_test_put_be32 (be, (guint32) crc);
  g_byte_array_append (png, be, 4);
}

GByteArray *
fm_test_gray_png_head (guint32 w,
                       guint32 h)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };

  /* width, height, depth 8, colour type 0 (gray), compression 0,
   * filter 0, interlace 0 */
  g_byte_array_append (png, sig, 8);
  fm_test_put_be32 (ihdr, w);
  fm_test_put_be32 (ihdr + 4, h);
  ihdr[8] = 8;
  fm_test_png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  return png;
}

static void
png_write_cb (png_structp png,
              png_bytep   data,
              png_size_t  len)
{
  g_byte_array_append (png_get_io_ptr (png), data, len);
}

static void
png_flush_cb (png_structp png)
{
}

GByteArray *
fm_test_encode_png (int              width,
                    int              height,
                    int              color_type,
                    int              bit_depth,
                    const guint8    *pixels,
                    const png_color *palette,
                    int              n_palette,
                    const guint8    *trans,
                    int              n_trans)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  gsize rowbytes;

  g_assert_nonnull (png);
  if (setjmp (png_jmpbuf (png)))
    g_assert_not_reached ();
  png_set_write_fn (png, out, png_write_cb, png_flush_cb);
  png_set_IHDR (png, info, width, height, bit_depth, color_type,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                PNG_FILTER_TYPE_DEFAULT);
  if (palette != NULL)
    png_set_PLTE (png, info, palette, n_palette);
  if (trans != NULL)
    png_set_tRNS (png, info, trans, n_trans, NULL);
  png_write_info (png, info);
  if (bit_depth == 16)
    png_set_swap (png);   /* our buffers hold host-order (LE) 16-bit samples */
  rowbytes = png_get_rowbytes (png, info);
  for (int y = 0; y < height; y++)
    png_write_row (png, pixels + (gsize) y * rowbytes);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return out;
}
