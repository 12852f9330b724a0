/* test-tile-render.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-tile-render by drawing into cairo image surfaces and reading
 * the pixels back: value-to-colour mapping, NEAREST upscaling into exact
 * blocks, the zero mark's veil, hatching and badge in both styles and
 * every colormap, and the legend's bar.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-test-png.h"
#include "fm-tile-render.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

/* Pixel (x, y) of an ARGB32 surface, as cairo stores it (premultiplied). */
static cairo_surface_t *
new_surface (int width,
             int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

static int
max_channel_diff (guint32 a,
                  guint32 b)
{
  int d = 0;

  for (int shift = 0; shift <= 16; shift += 8)
    d = MAX (d, ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)));
  return d;
}

/* t = (x - vmin) / (vmax - vmin) with vmin = -2, vmax = 2, entry =
 * floor (t * 256) clamped:
 *   -2 -> t 0 -> 0;   2 -> t 1 -> 255;   0 -> t 0.5 -> 128;
 *   -1 -> t 0.25 -> 64;   1.5 -> t 0.875 -> 224;   9 -> clamped 255;
 *   -7 -> clamped 0;   NaN -> FM_TILE_NAN_RGB. */
static void
test_colorize (void)
{
  static const float map[2][4] = { /* [2, 4] */
    { -2.0f, 2.0f, 0.0f, -1.0f },
    { 1.5f, 9.0f, -7.0f, NAN },
  };
  static const int expected_entry[8] = { 0, 255, 128, 64, 224, 255, 0, -1 };
  const FmColormap *viridis = fm_colormap_lookup ("viridis");
  FmTileStyle style = { viridis, -2.0f, 2.0f, FALSE, FALSE };
  guint32 out[8]; /* [2, 4] */

  fm_tile_colorize (&map[0][0], 2, 4, &style, out);
  for (int i = 0; i < 8; i++)
    {
      guint32 want = expected_entry[i] < 0 ? FM_TILE_NAN_RGB
                                           : fm_colormap_get_entry (viridis, expected_entry[i]);
      g_assert_cmphex (out[i], ==, 0xff000000u | want);
    }
  g_assert_cmphex (out[0], ==, 0xff440154u);
  g_assert_cmphex (out[1], ==, 0xfffde725u);

  /* Gray, where entry i is (i, i, i): vmin 10, vmax 20, x = 12.5 -> t
   * 0.25 -> entry 64 = 0x40; x = 15 -> 128 = 0x80. */
  {
    static const float g[2] = { 12.5f, 15.0f };
    FmTileStyle gs = { fm_colormap_lookup ("gray"), 10.0f, 20.0f, FALSE, FALSE };
    guint32 go[2];

    fm_tile_colorize (g, 1, 2, &gs, go);
    g_assert_cmphex (go[0], ==, 0xff404040u);
    g_assert_cmphex (go[1], ==, 0xff808080u);
  }

  /* A NULL colormap means the default, viridis. */
  style.colormap = NULL;
  fm_tile_colorize (&map[0][0], 1, 2, &style, out);
  g_assert_cmphex (out[0], ==, 0xff440154u);
  g_assert_cmphex (out[1], ==, 0xfffde725u);
}

/* A map of 16 x 32 cells (more than the 256 entries, the table path) in
 * the gray map, where entry i is (i, i, i): vmin 0, vmax 512, cell k
 * holds k, so t = k / 512 and the entry is floor (k / 2); the last cell,
 * 511, is entry 255. The same cells as test_colorize's at the corners:
 * NaN -> grey, below the range -> 0, above it -> 255. */
static void
test_colorize_large (void)
{
  enum { H = 16, W = 32 };
  float map[H * W];
  guint32 out[H * W];
  FmTileStyle style = { fm_colormap_lookup ("gray"), 0.0f, 512.0f, FALSE, FALSE };

  for (int k = 0; k < H * W; k++)
    map[k] = (float) k;
  map[3] = NAN;
  map[4] = -7.0f;
  map[5] = 9999.0f;
  fm_tile_colorize (map, H, W, &style, out);
  for (int k = 0; k < H * W; k++)
    {
      guint32 v = (guint32) (k / 2);

      if (k == 3)
        g_assert_cmphex (out[k], ==, 0xff000000u | FM_TILE_NAN_RGB);
      else if (k == 4)
        g_assert_cmphex (out[k], ==, 0xff000000u);
      else if (k == 5)
        g_assert_cmphex (out[k], ==, 0xffffffffu);
      else
        g_assert_cmphex (out[k], ==, 0xff000000u | v << 16 | v << 8 | v);
    }
}

/* An empty or inverted range maps every cell to entry 0; NaN stays grey. */
static void
test_flat_range (void)
{
  static const float zeros[3] = { 0.0f, 0.0f, 0.0f };
  static const float mixed[3] = { 3.0f, -5.0f, NAN };
  const FmColormap *magma = fm_colormap_lookup ("magma");
  FmTileStyle style = { magma, 0.0f, 0.0f, TRUE, FALSE };
  guint32 out[3];

  fm_tile_colorize (zeros, 1, 3, &style, out);
  for (int i = 0; i < 3; i++)
    g_assert_cmphex (out[i], ==, 0xff000004u);

  style.vmin = 3.0f;
  style.vmax = 1.0f;
  fm_tile_colorize (mixed, 1, 3, &style, out);
  g_assert_cmphex (out[0], ==, 0xff000004u);
  g_assert_cmphex (out[1], ==, 0xff000004u);
  g_assert_cmphex (out[2], ==, 0xff000000u | FM_TILE_NAN_RGB);

  style.vmin = -INFINITY;
  style.vmax = 1.0f;
  fm_tile_colorize (mixed, 1, 3, &style, out);
  g_assert_cmphex (out[0], ==, 0xff000004u);
}

/* A 2x2 map drawn at 8x8 is four uniform 4x4 blocks; a [2, 3] map drawn
 * at 9x4 is six 3x2 blocks; drawing honours the current transform and
 * touches nothing outside the tile. */
static void
test_nearest (void)
{
  static const float map[2][2] = { { 0.0f, 1.0f }, { 2.0f, 3.0f } }; /* [2, 2] */
  static const float map23[2][3] = { { 0, 1, 2 }, { 3, 4, 5 } };     /* [2, 3] */
  const FmColormap *gray = fm_colormap_lookup ("gray");
  /* vmin 0, vmax 3: t = 0, 1/3, 2/3, 1 -> entries 0, 85, 170, 255. */
  static const guint32 want[2][2] = { { 0xff000000, 0xff555555 }, { 0xffaaaaaa, 0xffffffff } };
  FmTileStyle style = { gray, 0.0f, 3.0f, FALSE, FALSE };
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = new_surface (8, 8);
  cr = cairo_create (surface);
  fm_tile_render (cr, &map[0][0], 2, 2, 8, 8, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      g_assert_cmphex (fm_test_pixel (surface, x, y), ==, want[y / 4][x / 4]);
  cairo_surface_destroy (surface);

  /* vmin 0, vmax 5: t = k / 5 -> entries floor (k * 51.2) = 0, 51, 102,
   * 153, 204, 255. Drawn at offset (2, 1) in a 12x6 surface. */
  style.vmax = 5.0f;
  surface = new_surface (12, 6);
  cr = cairo_create (surface);
  cairo_translate (cr, 2, 1);
  fm_tile_render (cr, &map23[0][0], 2, 3, 9, 4, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (int y = 0; y < 6; y++)
    for (int x = 0; x < 12; x++)
      {
        static const guint entries[6] = { 0, 51, 102, 153, 204, 255 };
        int tx = x - 2, ty = y - 1;
        guint32 expect = 0; /* untouched, transparent */

        if (tx >= 0 && tx < 9 && ty >= 0 && ty < 4)
          {
            guint e = entries[(ty / 2) * 3 + tx / 3];
            expect = 0xff000000u | e << 16 | e << 8 | e;
          }
        g_assert_cmphex (fm_test_pixel (surface, x, y), ==, expect);
      }
  cairo_surface_destroy (surface);
}

/* @map [28, 28] drawn at 9 x 9 pixels on a new image surface, with @style. */
static cairo_surface_t *
render_28_at_9 (const float       *map,
                const FmTileStyle *style)
{
  cairo_surface_t *surface = new_surface (9, 9);
  cairo_t *cr = cairo_create (surface);

  fm_tile_render (cr, map, 28, 28, 9, 9, style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* A map drawn in fewer pixels than it has cells shows in each pixel the
 * largest value the pixel covers: a 28 x 28 map whose one active cell is
 * (0, 0), drawn at 9 x 9, lights pixel (0, 0) (NEAREST sampled cells 1,
 * 4, 7, ... and showed nothing); cells (27, 27) and (13, 14) light the
 * pixels covering them, 27 * 9 / 28 = 8.7 -> 8 and 13 * 9 / 28 = 4.2 ->
 * 4, 14 * 9 / 28 = 4.5 -> 4. Drawn at twice the size (a 2x display),
 * the map is reduced to 18 x 18 device pixels instead. A NaN cell turns
 * its pixel grey. */
static void
test_downscale_keeps_peaks (void)
{
  const FmColormap *gray = fm_colormap_lookup ("gray");
  FmTileStyle style = { gray, 0.0f, 1.0f, FALSE, FALSE };
  g_autofree float *map = g_new0 (float, 28 * 28);
  cairo_surface_t *surface;
  cairo_t *cr;

  map[0] = 1.0f;
  map[27 * 28 + 27] = 1.0f;
  map[13 * 28 + 14] = 1.0f;
  map[20 * 28 + 5] = NAN;
  surface = render_28_at_9 (map, &style);
  for (int y = 0; y < 9; y++)
    for (int x = 0; x < 9; x++)
      {
        gboolean lit = (x == 0 && y == 0) || (x == 8 && y == 8) || (x == 4 && y == 4);
        /* NaN at row 20, column 5: 20 * 9 / 28 = 6.4, 5 * 9 / 28 = 1.6 */
        guint32 expect = x == 1 && y == 6 ? 0xff000000u | FM_TILE_NAN_RGB
                         : lit ? 0xffffffffu : 0xff000000u;

        g_assert_cmphex (fm_test_pixel (surface, x, y), ==, expect);
      }
  cairo_surface_destroy (surface);

  surface = new_surface (18, 18);
  cr = cairo_create (surface);
  cairo_scale (cr, 2, 2);
  fm_tile_render (cr, map, 28, 28, 9, 9, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  /* (0, 0) lights device pixel (0, 0) only: 28 cells over 18 pixels */
  g_assert_cmphex (fm_test_pixel (surface, 0, 0), ==, 0xffffffffu);
  g_assert_cmphex (fm_test_pixel (surface, 1, 0), ==, 0xff000000u);
  g_assert_cmphex (fm_test_pixel (surface, 17, 17), ==, 0xffffffffu);
  cairo_surface_destroy (surface);

  /* As GTK draws a widget on a 2x screen: in logical units on a
   * recording surface, replayed at twice the size. With device_scale 2
   * the map is reduced to 18 x 18, not 9 x 9 doubled (which lit pixel
   * (1, 0) too: half the detail gone for nothing). */
  {
    cairo_surface_t *rec = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);

    style.device_scale = 2;
    cr = cairo_create (rec);
    fm_tile_render (cr, map, 28, 28, 9, 9, &style);
    cairo_destroy (cr);
    surface = new_surface (18, 18);
    cr = cairo_create (surface);
    cairo_scale (cr, 2, 2);
    cairo_set_source_surface (cr, rec, 0, 0);
    cairo_paint (cr);
    cairo_destroy (cr);
    cairo_surface_flush (surface);
    g_assert_cmphex (fm_test_pixel (surface, 0, 0), ==, 0xffffffffu);
    g_assert_cmphex (fm_test_pixel (surface, 1, 0), ==, 0xff000000u);
    cairo_surface_destroy (surface);
    cairo_surface_destroy (rec);
    style.device_scale = 0;
  }

  /* An input picture is never reduced to its largest values: white paper
   * with a one-cell dark stroke at column 1, which NEAREST samples at
   * 9 pixels, keeps its stroke (the brightest of each block is white). */
  {
    g_autofree float *paper = g_new (float, 28 * 28);
    FmTileStyle picture = { 0 };

    for (int i = 0; i < 28 * 28; i++)
      paper[i] = i % 28 == 1 ? 0.0f : 1.0f;
    fm_tile_style_gray_input (&picture, paper, 28 * 28);
    g_assert_true (picture.picture);
    surface = render_28_at_9 (paper, &picture);
    for (int y = 0; y < 9; y++)
      g_assert_cmphex (fm_test_pixel (surface, 0, y), ==, 0xff000000u);
    cairo_surface_destroy (surface);
  }
}

/* The zero mark, as documented in fm-tile-render.c, on a 64x64 tile of
 * an all-zero map (vmin = vmax = 0, so the plain tile is entry 0):
 *  - hatch lines are x + y = 6k; pixel (x, y), centre (x + .5, y + .5),
 *    with (x + y + 1) % 6 == 0 lies on a line whose 1.5 width covers
 *    the whole pixel (the pixel reaches 0.71 from its centre across the
 *    line, the line 0.75), so it is exactly the hatch colour;
 *  - pixels with (x + y + 1) % 6 == 3 are 3 / sqrt 2 = 2.12 from the
 *    nearest line, out of reach (0.75 + 0.71 = 1.46): the veil only,
 *    0.25 * colour + 0.75 * background;
 *  - the badge is size min (64 * 0.3, 20) = 19.2 at x = 64 - 19.2 -
 *    2.88 = 41.92, y = 2.88; pixel (44, 12) is inside it, left of the
 *    centred "0", so it is the background colour; its "0" puts some
 *    text-coloured pixels inside the badge.
 * Hatch pixels differ from the plain colour by at least 64 in some
 * channel, in every colormap and both styles, and from the veil too, so
 * the mark cannot pass for a dark map. Pixels in the badge's bounding
 * box (x >= 41, y <= 23) are skipped in the stripe checks. */
static void
test_zero_mark (void)
{
  static const float zeros[4][4] = { { 0 } }; /* [4, 4] */
  const FmColormap * const *list = fm_colormap_list (NULL);

  for (int dark = 0; dark <= 1; dark++)
    for (guint m = 0; list[m] != NULL; m++)
      {
        FmTileStyle style = { list[m], 0.0f, 0.0f, TRUE, dark };
        guint32 plain = 0xff000000u | fm_colormap_get_entry (list[m], 0);
        guint32 bg = dark ? 0x242424 : 0xffffff;
        guint32 hatch = dark ? 0xc0c0c0 : 0x6e6e6e;
        guint32 text = dark ? 0xf0f0f0 : 0x303030;
        guint32 veil = 0;
        cairo_surface_t *surface = new_surface (64, 64);
        cairo_t *cr = cairo_create (surface);
        int n_text = 0;

        g_test_message ("%s, %s style", fm_colormap_get_name (list[m]), dark ? "dark" : "light");
        for (int shift = 0; shift <= 16; shift += 8)
          {
            double c = (plain >> shift) & 0xff, b = (bg >> shift) & 0xff;
            veil |= (guint32) lround (0.25 * c + 0.75 * b) << shift;
          }

        fm_tile_render (cr, &zeros[0][0], 4, 4, 64, 64, &style);
        cairo_destroy (cr);
        cairo_surface_flush (surface);

        for (int y = 0; y < 64; y++)
          for (int x = 0; x < 64; x++)
            {
              guint32 p = fm_test_pixel (surface, x, y);

              g_assert_cmphex (p >> 24, ==, 0xff);
              if (x >= 41 && y <= 23)
                continue;
              if ((x + y + 1) % 6 == 0)
                g_assert_cmpint (max_channel_diff (p, hatch), <=, 1);
              else if ((x + y + 1) % 6 == 3)
                g_assert_cmpint (max_channel_diff (p, veil), <=, 2);
            }

        g_assert_cmpint (max_channel_diff (hatch, plain), >=, 64);
        g_assert_cmpint (max_channel_diff (hatch, veil), >=, 64);
        /* Unmarked, the same map is plain entry 0 everywhere (checked
         * here at the hatch and veil pixels used above). */
        g_assert_cmpint (max_channel_diff (fm_test_pixel (surface, 5, 0), plain), >=, 64);

        g_assert_cmpint (max_channel_diff (fm_test_pixel (surface, 44, 12), bg), ==, 0);
        for (int y = 4; y < 22; y++)
          for (int x = 43; x < 61; x++)
            if (max_channel_diff (fm_test_pixel (surface, x, y), text) <= 16)
              n_text++;
        g_assert_cmpint (n_text, >=, 10);

        cairo_surface_destroy (surface);

        /* Without the mark: plain. */
        style.all_zero = FALSE;
        surface = new_surface (64, 64);
        cr = cairo_create (surface);
        fm_tile_render (cr, &zeros[0][0], 4, 4, 64, 64, &style);
        cairo_destroy (cr);
        cairo_surface_flush (surface);
        g_assert_cmphex (fm_test_pixel (surface, 5, 0), ==, plain);
        g_assert_cmphex (fm_test_pixel (surface, 44, 12), ==, plain);
        g_assert_cmphex (fm_test_pixel (surface, 63, 63), ==, plain);
        cairo_surface_destroy (surface);
      }
}

/* A tile smaller than 28 units gets hatching but no badge: pixel (11,
 * 3) of a 16x16 tile is off the lines ((11 + 3 + 1) % 6 == 3), so it is
 * the veil, not a badge. */
static void
test_zero_mark_small (void)
{
  static const float zeros[1] = { 0 };
  FmTileStyle style = { fm_colormap_lookup ("gray"), 0.0f, 0.0f, TRUE, FALSE };
  cairo_surface_t *surface = new_surface (16, 16);
  cairo_t *cr = cairo_create (surface);

  fm_tile_render (cr, zeros, 1, 1, 16, 16, &style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  /* veil over black: 0.75 * 255 = 191.25 */
  g_assert_cmpint (max_channel_diff (fm_test_pixel (surface, 11, 3), 0xbfbfbf), <=, 2);
  g_assert_cmpint (max_channel_diff (fm_test_pixel (surface, 14, 3), 0x6e6e6e), <=, 1);
  cairo_surface_destroy (surface);
}

/* A 256-wide legend shows entry x at column x (1:1 NEAREST) in the bar;
 * 40 high: label font clamp (40 / 3, 8, 13) = 13, bar 40 - 16.9 - 2 =
 * 21.1 high, labels below it. At 512 wide, column x shows entry x / 2.
 * At 6 high there is no room for labels and the bar fills the height. */
static void
test_legend (void)
{
  const FmColormap *viridis = fm_colormap_lookup ("viridis");
  cairo_surface_t *surface;
  cairo_t *cr;
  int left_ink = 0, right_ink = 0;

  surface = new_surface (256, 40);
  cr = cairo_create (surface);
  fm_legend_render (cr, viridis, -1.5f, 2.0f, 256, 40, FALSE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (int x = 0; x < 256; x++)
    {
      g_assert_cmphex (fm_test_pixel (surface, x, 0), ==, 0xff000000u | fm_colormap_get_entry (viridis, x));
      g_assert_cmphex (fm_test_pixel (surface, x, 20), ==, 0xff000000u | fm_colormap_get_entry (viridis, x));
    }
  /* Labels: dark text on a transparent surface, below the bar. */
  for (int y = 23; y < 40; y++)
    for (int x = 0; x < 256; x++)
      if (fm_test_pixel (surface, x, y) >> 24 > 0x80)
        {
          if (x < 64)
            left_ink++;
          else if (x >= 192)
            right_ink++;
          else
            g_assert_not_reached ();
        }
  g_assert_cmpint (left_ink, >, 10);
  g_assert_cmpint (right_ink, >, 10);
  cairo_surface_destroy (surface);

  surface = new_surface (512, 6);
  cr = cairo_create (surface);
  fm_legend_render (cr, viridis, 0.0f, 1.0f, 512, 6, TRUE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (int x = 0; x < 512; x++)
    for (int y = 0; y < 6; y++)
      g_assert_cmphex (fm_test_pixel (surface, x, y), ==,
                       0xff000000u | fm_colormap_get_entry (viridis, x / 2));
  cairo_surface_destroy (surface);
}

/* Planes in [0, 1] to 8-bit RGB24, by hand: v * 255 rounded, clamped;
 * one plane is gray, three are R, G, B. */
static void
test_planes_to_rgb24 (void)
{
  const float gray[4] = { 0.0f, 0.5f, 1.0f, -0.25f };
  const float rgb[3 * 2] = { 1.0f, 0.2f,    /* R */
                             0.0f, 2.0f,    /* G (2 clamps to 255) */
                             0.1f, 0.998f };/* B */
  guint8 data[2 * 16];

  memset (data, 0xaa, sizeof data);
  fm_planes_to_rgb24 (gray, 1, 2, 2, data, 16);
  /* 0.5 * 255 = 127.5 rounds to 128 */
  g_assert_cmphex (((guint32 *) data)[0], ==, 0x000000);
  g_assert_cmphex (((guint32 *) data)[1], ==, 0x808080);
  g_assert_cmphex (((guint32 *) (data + 16))[0], ==, 0xffffff);
  g_assert_cmphex (((guint32 *) (data + 16))[1], ==, 0x000000);
  /* the stride's padding is left alone */
  g_assert_cmphex (data[8], ==, 0xaa);

  fm_planes_to_rgb24 (rgb, 3, 1, 2, data, 16);
  /* R 255, G 0, B 0.1 * 255 = 25.5 -> 26; R 0.2 * 255 = 51, G 255, B 254.49 -> 254 */
  g_assert_cmphex (((guint32 *) data)[0], ==, 0xff001a);
  g_assert_cmphex (((guint32 *) data)[1], ==, 0x33fffe);
}

static cairo_status_t
append_to (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* How many image XObjects a one-page PDF holds after drawing one 30 x 20
 * map at 12 places, under one key or none. */
static guint
pdf_images (const char *key)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (append_to, bytes, 400, 300);
  cairo_t *cr = cairo_create (surface);
  float map[20 * 30];
  FmTileStyle style = { 0 };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    map[i] = (float) ((i * 37) % 101);   /* not flat: a real picture */
  style.vmin = 0.0f;
  style.vmax = 100.0f;
  for (int k = 0; k < 12; k++)
    {
      cairo_save (cr);
      cairo_translate (cr, 10 + 90 * (k % 4), 10 + 90 * (k / 4));
      fm_tile_render_keyed (cr, map, 20, 30, 75.3, 50.2, &style, key);
      cairo_restore (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  for (gsize i = 0; i + 15 <= bytes->len; i++)
    n += memcmp (bytes->data + i, "/Subtype /Image", 15) == 0;
  return n;
}

/* A keyed picture drawn again is embedded once (the atlas's dataset
 * images beside many channels: 78 MB became 2.9 MB on ResNet-18); without
 * a key, once per place. */
static void
test_keyed_once (void)
{
  g_assert_cmpuint (pdf_images ("fm-test-picture"), ==, 1);
  g_assert_cmpuint (pdf_images (NULL), ==, 12);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/tile/colorize", test_colorize);
  g_test_add_func ("/render/tile/colorize-large", test_colorize_large);
  g_test_add_func ("/render/tile/flat-range", test_flat_range);
  g_test_add_func ("/render/tile/nearest", test_nearest);
  g_test_add_func ("/render/tile/downscale-keeps-peaks", test_downscale_keeps_peaks);
  g_test_add_func ("/render/tile/zero-mark", test_zero_mark);
  g_test_add_func ("/render/tile/zero-mark-small", test_zero_mark_small);
  g_test_add_func ("/render/legend/bar", test_legend);
  g_test_add_func ("/render/planes-to-rgb24", test_planes_to_rgb24);
  g_test_add_func ("/render/tile/keyed-once", test_keyed_once);

  ret = g_test_run ();
  return ret;
}
