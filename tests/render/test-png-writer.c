/* test-png-writer.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-png-writer: files read back with libpng's own reader have the
 * pixels (un-premultiplied by hand) and the text chunks that were
 * written; a rendered tile survives export unchanged; failures name the
 * file and the reason, keep the previous file's bytes and leave no
 * temporary file. Runs in a fresh temporary folder.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <png.h>

#include "fm-error.h"
#include "fm-png-writer.h"
#include "fm-test-files.h"
#include "fm-test-png.h"
#include "fm-tile-render.h"

#include <pango/pangocairo.h>


static void
clear_dir (void)
{
  g_autoptr (GDir) dir = g_dir_open (fm_test_scratch (), 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (fm_test_scratch (), name, NULL);
      g_assert_cmpint (g_remove (p), ==, 0);
    }
}

static void
set_pixel (cairo_surface_t *surface,
           int              x,
           int              y,
           guint32          argb)
{
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  ((guint32 *) (data + (gsize) y * stride))[x] = argb;
}

/* An opaque surface becomes an RGB PNG with the same bytes; text
 * chunks come back with their values, ASCII as tEXt, other UTF-8 as
 * iTXt. */
/* fm_png_write_surface() of a @width x @height ARGB32 surface holding
 * @px (rows of 0xAARRGGBB, premultiplied as cairo stores it) to @path,
 * with @text; it must succeed. */
static void
write_argb32 (const char         *path,
              const guint32      *px,
              int                 width,
              int                 height,
              const char * const *text)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  cairo_surface_flush (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      set_pixel (surface, x, y, px[y * width + x]);
  cairo_surface_mark_dirty (surface);
  g_assert_true (fm_png_write_surface (path, surface, text, &error));
  g_assert_no_error (error);
  cairo_surface_destroy (surface);
}

static void
test_round_trip_opaque (void)
{
  static const guint32 px[3][5] = { /* [3, 5] 0xAARRGGBB, all opaque */
    { 0xff000000, 0xffffffff, 0xff440154, 0xfffde725, 0xff123456 },
    { 0xffff0000, 0xff00ff00, 0xff0000ff, 0xff808080, 0xff010203 },
    { 0xfffefdfc, 0xff7f7f7f, 0xff00007f, 0xff3b4cc0, 0xffb40426 },
  };
  const char *text[] = {
    "Software", "Feature Maps 0.1.0",
    "Source", "models/mnist.onnx",
    "Description", "Layer “conv1”, channel 3 — µ ✓",
    "Channel", "3",
    NULL,
  };
  g_autofree char *path = g_build_filename (fm_test_scratch (), "opaque.png", NULL);
  FmTestPng r;

  write_argb32 (path, &px[0][0], 5, 3, text);
  fm_test_png_read (path, &r);
  g_assert_cmpint (r.width, ==, 5);
  g_assert_cmpint (r.height, ==, 3);
  g_assert_cmpint (r.color_type, ==, PNG_COLOR_TYPE_RGB);
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 5; x++)
      {
        const guint8 *p = r.rgba + (y * 5 + x) * 4;
        guint32 got = (guint32) p[3] << 24 | p[0] << 16 | p[1] << 8 | p[2];
        g_assert_cmphex (got, ==, px[y][x]);
      }
  g_assert_cmpuint (g_hash_table_size (r.text), ==, 4);
  for (int i = 0; text[i] != NULL; i += 2)
    g_assert_cmpstr (g_hash_table_lookup (r.text, text[i]), ==, text[i + 1]);
  g_assert_cmpstr (g_hash_table_lookup (r.text_kind, "Software"), ==, "tEXt");
  g_assert_cmpstr (g_hash_table_lookup (r.text_kind, "Description"), ==, "iTXt");
  fm_test_png_clear (&r);

  fm_test_assert_listing (fm_test_scratch (), "opaque.png");
  clear_dir ();
}

/* Translucent pixels: cairo stores colour premultiplied; the file holds
 * straight colour c = round (p * 255 / a):
 *   a 128, p 64 -> 64 * 255 / 128 = 127.5 -> 128 (rounds half up)
 *   a 51,  p 51 -> 255;   a 3, p 1 -> 85;   a 255, p 200 -> 200
 *   a 0 -> all zero;   a 200, p 199 -> 253.7 -> 254 */
static void
test_round_trip_alpha (void)
{
  static const guint32 px[6] = { /* [1, 6] premultiplied 0xAARRGGBB */
    0x80402000, 0x33333333, 0x03010001, 0xffc80a14, 0x00000000, 0xc8c76400,
  };
  static const guint8 want[6][4] = { /* straight RGBA */
    { 128, 64, 0, 128 },   /* 0x20 = 32 -> 32 * 255 / 128 = 63.75 -> 64 */
    { 255, 255, 255, 51 },
    { 85, 0, 85, 3 },
    { 200, 10, 20, 255 },
    { 0, 0, 0, 0 },
    { 254, 128, 0, 200 },  /* 0x64 = 100 -> 127.5 -> 128 */
  };
  g_autofree char *path = g_build_filename (fm_test_scratch (), "alpha.png", NULL);
  FmTestPng r;

  write_argb32 (path, px, 6, 1, NULL);
  fm_test_png_read (path, &r);
  g_assert_cmpint (r.color_type, ==, PNG_COLOR_TYPE_RGB_ALPHA);
  for (int x = 0; x < 6; x++)
    for (int k = 0; k < 4; k++)
      g_assert_cmpuint (r.rgba[x * 4 + k], ==, want[x][k]);
  g_assert_cmpuint (g_hash_table_size (r.text), ==, 0);
  fm_test_png_clear (&r);
  clear_dir ();
}

/* A straight RGBA buffer with padded rows is written as is. */
static void
test_rgba (void)
{
  static const guint8 buf[2][12] = { /* [2, stride 12]: 2 pixels + 4 padding bytes */
    { 1, 2, 3, 255, 4, 5, 6, 128, 0xee, 0xee, 0xee, 0xee },
    { 7, 8, 9, 0, 10, 11, 12, 255, 0xee, 0xee, 0xee, 0xee },
  };
  const char *text[] = { "Source", "digits/7.png", NULL };
  g_autofree char *path = g_build_filename (fm_test_scratch (), "rgba.png", NULL);
  g_autoptr (GError) error = NULL;
  FmTestPng r;

  g_assert_true (fm_png_write_rgba (path, &buf[0][0], 2, 2, 12, text, &error));
  g_assert_no_error (error);
  fm_test_png_read (path, &r);
  g_assert_cmpint (r.width, ==, 2);
  g_assert_cmpint (r.height, ==, 2);
  g_assert_cmpint (r.color_type, ==, PNG_COLOR_TYPE_RGB_ALPHA);
  for (int y = 0; y < 2; y++)
    g_assert_cmpmem (r.rgba + y * 8, 8, buf[y], 8);
  g_assert_cmpstr (g_hash_table_lookup (r.text, "Source"), ==, "digits/7.png");
  fm_test_png_clear (&r);
  clear_dir ();
}

/* What the window draws is what the file holds: a tile with the zero
 * mark and a legend, drawn on an image surface, exported, read back. */
static void
test_export_matches_render (void)
{
  static const float map[3][3] = { { 0, 1, 2 }, { 3, NAN, 5 }, { 6, 7, 8 } }; /* [3, 3] */
  static const float zeros[2][2] = { { 0 } };
  FmTileStyle style = { fm_colormap_lookup ("inferno"), 0.0f, 8.0f, FALSE, TRUE };
  g_autofree char *path = g_build_filename (fm_test_scratch (), "export.png", NULL);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 100, 90);
  cairo_t *cr = cairo_create (surface);
  const guint8 *data;
  int stride;
  FmTestPng r;

  cairo_set_source_rgb (cr, 0.14, 0.14, 0.14);
  cairo_paint (cr);
  fm_tile_render (cr, &map[0][0], 3, 3, 45, 45, &style);
  cairo_translate (cr, 50, 0);
  style.all_zero = TRUE;
  style.vmax = 0.0f;
  fm_tile_render (cr, &zeros[0][0], 2, 2, 45, 45, &style);
  cairo_translate (cr, -50, 50);
  fm_legend_render (cr, style.colormap, 0.0f, 8.0f, 100, 40, TRUE);
  cairo_destroy (cr);

  g_assert_true (fm_png_write_surface (path, surface, NULL, &error));
  g_assert_no_error (error);
  fm_test_png_read (path, &r);
  g_assert_cmpint (r.color_type, ==, PNG_COLOR_TYPE_RGB);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < 90; y++)
    for (int x = 0; x < 100; x++)
      {
        guint32 p = ((const guint32 *) (data + y * stride))[x];
        const guint8 *q = r.rgba + (y * 100 + x) * 4;
        g_assert_cmphex (p, ==, (guint32) q[3] << 24 | q[0] << 16 | q[1] << 8 | q[2]);
      }
  fm_test_png_clear (&r);
  cairo_surface_destroy (surface);
  clear_dir ();
}

static cairo_surface_t *
solid_surface (int    size,
               double grey)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, size, size);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_paint (cr);
  cairo_destroy (cr);
  return surface;
}

/* A write that fails midway (the test hook fails the file with ENOSPC
 * after 100 bytes, or at once) reports FM_ERROR_IO naming the file and
 * the reason, keeps the earlier file's bytes and leaves no temporary
 * file. The next write without the hook replaces the file. */
static void
test_failed_replace (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "tile.png", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len = 0, after_len = 0;
  cairo_surface_t *first = solid_surface (16, 0.2);
  cairo_surface_t *second = solid_surface (64, 0.7);
  const char *text[] = { "Software", "Feature Maps", NULL };
  GError *error = NULL;

  g_assert_true (fm_png_write_surface (path, first, text, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));
  g_assert_cmpmem (before, 8, "\x89PNG\r\n\x1a\n", 8);

  for (int i = 0; i < 2; i++)
    {
      gssize fail_at = i == 0 ? 100 : 0;

      fm_png_writer_set_fail_after_for_testing (fail_at);
      g_assert_false (fm_png_write_surface (path, second, text, &error));
      fm_png_writer_set_fail_after_for_testing (-1);
      g_assert_error (error, FM_ERROR, FM_ERROR_IO);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));
      g_clear_error (&error);

      g_clear_pointer (&after, g_free);
      g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
      g_assert_cmpmem (after, after_len, before, before_len);
      fm_test_assert_listing (fm_test_scratch (), "tile.png");
    }

  g_assert_true (fm_png_write_surface (path, second, text, &error));
  g_assert_no_error (error);
  {
    FmTestPng r;
    fm_test_png_read (path, &r);
    g_assert_cmpint (r.width, ==, 64);
    /* 0.7 * 255 = 178.5, which cairo may round either way */
    g_assert_cmpint (r.rgba[0], >=, 178);
    g_assert_cmpint (r.rgba[0], <=, 179);
    fm_test_png_clear (&r);
  }
  fm_test_assert_listing (fm_test_scratch (), "tile.png");

  cairo_surface_destroy (first);
  cairo_surface_destroy (second);
  clear_dir ();
}

/* Folders that cannot hold the file: one that does not exist, and a
 * "folder" that is a regular file. Both fail as FM_ERROR_IO with the
 * path and the system's reason; nothing is created. These fail for
 * root too, unlike a read-only folder. */
static void
test_bad_folder (void)
{
  g_autofree char *missing = g_build_filename (fm_test_scratch (), "no-such-folder", "a.png", NULL);
  g_autofree char *file = g_build_filename (fm_test_scratch (), "plain-file", NULL);
  g_autofree char *under_file = g_build_filename (file, "b.png", NULL);
  cairo_surface_t *surface = solid_surface (4, 0.5);
  GError *error = NULL;

  g_assert_false (fm_png_write_surface (missing, surface, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  fm_test_assert_names_failure (error->message, missing, ENOENT);
  g_clear_error (&error);
  fm_test_assert_listing (fm_test_scratch (), "");

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_false (fm_png_write_surface (under_file, surface, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  fm_test_assert_names_failure (error->message, under_file, ENOTDIR);
  g_clear_error (&error);
  fm_test_assert_listing (fm_test_scratch (), "plain-file");

  cairo_surface_destroy (surface);
  clear_dir ();
}

/* Text that PNG cannot hold is refused before any file is touched: a
 * key longer than 79 characters, a key with a leading space, a key with
 * no value, a value that is not UTF-8. An unsupported surface format is
 * refused too. */
static void
test_bad_input (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "t.png", NULL);
  g_autofree char *long_key = g_strnfill (80, 'k');
  const char *long_text[] = { long_key, "v", NULL };
  const char *space_text[] = { " Title", "v", NULL };
  const char *odd_text[] = { "Title", NULL };
  const char *bad_utf8[] = { "Title", "\xff\xfe", NULL };
  const char * const *cases[] = { long_text, space_text, odd_text, bad_utf8 };
  cairo_surface_t *surface = solid_surface (4, 0.5);
  cairo_surface_t *a8 = cairo_image_surface_create (CAIRO_FORMAT_A8, 4, 4);
  GError *error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_false (fm_png_write_surface (path, surface, cases[i], &error));
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, path));
      g_clear_error (&error);
    }

  g_assert_false (fm_png_write_surface (path, a8, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  fm_test_assert_listing (fm_test_scratch (), "");

  /* The longest legal key, 79 characters, is fine. */
  long_key[79] = '\0';
  g_assert_true (fm_png_write_surface (path, surface, long_text, &error));
  g_assert_no_error (error);

  cairo_surface_destroy (surface);
  cairo_surface_destroy (a8);
  clear_dir ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/png/round-trip-opaque", test_round_trip_opaque);
  g_test_add_func ("/render/png/round-trip-alpha", test_round_trip_alpha);
  g_test_add_func ("/render/png/rgba", test_rgba);
  g_test_add_func ("/render/png/export-matches-render", test_export_matches_render);
  g_test_add_func ("/render/png/failed-replace", test_failed_replace);
  g_test_add_func ("/render/png/bad-folder", test_bad_folder);
  g_test_add_func ("/render/png/bad-input", test_bad_input);

  return g_test_run ();
}
