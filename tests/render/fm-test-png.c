/* fm-test-png.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PNG files read back for the render tests (fm-test-png.h).
 */
#include "config.h"

#include "fm-test-png.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <png.h>

static void
read_text (png_structp  png,
           png_infop    info,
           FmTestPng   *r)
{
  png_textp text = NULL;
  int n_text = 0;

  r->text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r->text_kind = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  png_get_text (png, info, &text, &n_text);
  for (int i = 0; i < n_text; i++)
    {
      const char *kind = text[i].compression == PNG_TEXT_COMPRESSION_NONE ? "tEXt"
                       : text[i].compression == PNG_TEXT_COMPRESSION_zTXt ? "zTXt"
                       : "iTXt";
      g_hash_table_insert (r->text, g_strdup (text[i].key), g_strdup (text[i].text));
      g_hash_table_insert (r->text_kind, g_strdup (text[i].key), (gpointer) kind);
    }
}

void
fm_test_png_read (const char *path,
                  FmTestPng  *r)
{
  FILE *fp = g_fopen (path, "rb");
  png_structp png;
  png_infop info;
  png_bytepp rows;

  g_assert_nonnull (fp);
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  g_assert_nonnull (png);
  info = png_create_info_struct (png);
  g_assert_nonnull (info);
  if (setjmp (png_jmpbuf (png)))
    g_assert_not_reached ();
  png_init_io (png, fp);
  png_read_png (png, info, PNG_TRANSFORM_EXPAND | PNG_TRANSFORM_STRIP_16, NULL);

  memset (r, 0, sizeof *r);
  r->width = png_get_image_width (png, info);
  r->height = png_get_image_height (png, info);
  r->color_type = png_get_color_type (png, info);
  g_assert_cmpint (png_get_bit_depth (png, info), ==, 8);
  r->rgba = g_malloc ((gsize) r->width * r->height * 4);
  rows = png_get_rows (png, info);
  for (int y = 0; y < r->height; y++)
    for (int x = 0; x < r->width; x++)
      {
        guint8 *o = r->rgba + ((gsize) y * r->width + x) * 4;
        if (r->color_type == PNG_COLOR_TYPE_RGB_ALPHA)
          memcpy (o, rows[y] + x * 4, 4);
        else
          {
            g_assert_cmpint (r->color_type, ==, PNG_COLOR_TYPE_RGB);
            memcpy (o, rows[y] + x * 3, 3);
            o[3] = 0xff;
          }
      }
  read_text (png, info, r);
  png_destroy_read_struct (&png, &info, NULL);
  fclose (fp);
}

void
fm_test_png_clear (FmTestPng *r)
{
  g_clear_pointer (&r->rgba, g_free);
  g_clear_pointer (&r->text, g_hash_table_unref);
  g_clear_pointer (&r->text_kind, g_hash_table_unref);
}

void
fm_test_png_assert_opaque (const FmTestPng *r)
{
  for (gsize i = 0; i < (gsize) r->width * r->height; i++)
    g_assert_cmpint (r->rgba[4 * i + 3], ==, 0xff);
}

guint32
fm_test_png_rgb (const FmTestPng *r,
                 int              x,
                 int              y)
{
  const guint8 *p = r->rgba + ((gsize) y * r->width + x) * 4;

  return ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
}

guint32
fm_test_pixel (cairo_surface_t *surface,
               int              x,
               int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((const guint32 *) (data + (gsize) y * stride))[x];
}
