/* test-sheet.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-sheet on the bundled model's run on a committed digit: the PNG
 * written by fm_sheet_write_png, decoded with libpng's own reader, has
 * the size fm_sheet_get_size says, the text chunks (zero channels found
 * by scanning the data here, not by fm-stats), and every tile equal pixel
 * for pixel to fm_tile_render of the same channel drawn alone at the
 * same side, as the window draws it; a few cells are checked against
 * fm_colormap_map of the activation itself. Also the layout of a
 * 512-channel layer (sizes by hand), the size limit, the tile side
 * range, the dark style and a failed write keeping the old file. The
 * figure (issue 18): the columns closest to 4:3 worked out by hand, a
 * scan's dead and rare frames equal to a tile drawn alone as FmTile draws
 * it (and red or amber on the frame's own pixels), channel selection and
 * the channel list parser.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-layers.h"
#include "fm-png-writer.h"
#include "fm-run.h"
#include "fm-sheet-select.h"
#include "fm-sheet.h"
#include "fm-stats.h"
#include "fm-test-digit.h"
#include "fm-test-files.h"
#include "fm-test-png.h"


/* ---- the bundled model on digit-7.png ----------------------------------- */

static FmTestDigitRun fx;
static FmSheetLayer *sheet_layers;

/* The run with its layers as the sheet takes them. */
static void
fixture_setup (void)
{
  if (sheet_layers != NULL)
    return;
  fm_test_digit_run_init (&fx);
  sheet_layers = g_new0 (FmSheetLayer, fx.layers->len);
  for (guint i = 0; i < fx.layers->len; i++)
    {
      const FmLayer *l = &g_array_index (fx.layers, FmLayer, i);
      const FmValue *v = &fx.model->values[l->value_id];
      FmSheetLayer *s = &sheet_layers[i];

      s->name = v->name;
      s->op_label = fm_layer_op_label (fx.model, l);
      s->batch = 1;
      s->channels = (int) v->shape.dims[1];
      s->height = (int) v->shape.dims[2];
      s->width = (int) v->shape.dims[3];
      s->data = fm_run_value_data (fx.run, l->value_id);
      s->stats = fx.stats[i];
    }
}

static void
fixture_free (void)
{
  g_free (sheet_layers);
  fm_test_digit_run_clear (&fx);
}

static void
fixture_spec (FmSheetSpec *spec)
{
  const FmValue *in;

  fixture_setup ();
  in = &fx.model->values[fx.model->inputs[0]];
  memset (spec, 0, sizeof *spec);
  spec->model_name = fx.model->display_name;
  spec->model_file = fx.model->path;
  spec->input_name = "digit-7.png";
  spec->input = fm_run_input_data (fx.run, 0);
  spec->input_channels = (int) in->shape.dims[1];
  spec->input_height = (int) in->shape.dims[2];
  spec->input_width = (int) in->shape.dims[3];
  spec->layers = sheet_layers;
  spec->n_layers = fx.layers->len;
  spec->colormap = fm_colormap_lookup ("viridis");
  spec->normalize = FM_NORMALIZE_LAYER;
  spec->tile_side = 28;
}

/* ---- tiles equal the window's rendering ---------------------------------- */

/* The range the window uses for a tile, computed here from the data:
 * LAYER the min and max over every cell of the layer, TILE over the
 * channel's cells, FIXED as given. */
static void
expected_range (const FmSheetSpec  *spec,
                const FmSheetLayer *l,
                int                 c,
                float              *lo,
                float              *hi)
{
  gsize plane = (gsize) l->height * l->width;
  gsize from = spec->normalize == FM_NORMALIZE_TILE ? (gsize) c * plane : 0;
  gsize to = spec->normalize == FM_NORMALIZE_TILE ? from + plane : (gsize) l->channels * plane;

  if (spec->normalize == FM_NORMALIZE_FIXED)
    {
      *lo = spec->fixed_min;
      *hi = spec->fixed_max;
      return;
    }
  *lo = INFINITY;
  *hi = -INFINITY;
  for (gsize i = from; i < to; i++)
    {
      *lo = MIN (*lo, l->data[i]);
      *hi = MAX (*hi, l->data[i]);
    }
}

static gboolean
channel_is_zero (const FmSheetLayer *l,
                 int                 c)
{
  gsize plane = (gsize) l->height * l->width;

  for (gsize i = 0; i < plane; i++)
    if (l->data[(gsize) c * plane + i] != 0.0f)
      return FALSE;
  return TRUE;
}

/* Renders each tile alone with fm_tile_render, as FmTile does, and
 * compares it with the decoded PNG's tile rectangle, pixel by pixel. */
static void
check_tiles (const FmSheetSpec *spec,
             const FmTestPng     *png)
{
  int side = spec->tile_side;
  guint checked_cells = 0;

  for (guint i = 0; i < spec->n_layers; i++)
    {
      const FmSheetLayer *l = &spec->layers[i];
      gsize plane = (gsize) l->height * l->width;

      for (int c = 0; c < l->channels; c++)
        {
          cairo_rectangle_int_t r;
          FmTileStyle style = { 0 };
          cairo_surface_t *alone;
          cairo_t *cr;
          const guint8 *data;
          gboolean framed;
          int stride;

          if (!fm_sheet_tile_rect (spec, i, c, &r))
            {
              /* Only a channel left out by the selection has no tile. */
              g_assert_nonnull (l->shown);
              for (guint k = 0; k < l->n_shown; k++)
                g_assert_cmpuint (l->shown[k], !=, c);
              continue;
            }
          g_assert_cmpint (r.width, ==, side);
          g_assert_cmpint (r.height, ==, side);
          g_assert_cmpint (r.x + r.width, <=, png->width);
          g_assert_cmpint (r.y + r.height, <=, png->height);

          style.colormap = spec->colormap;
          expected_range (spec, l, c, &style.vmin, &style.vmax);
          style.all_zero = channel_is_zero (l, c);
          style.dark = spec->dark;

          alone = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, side, side);
          cr = cairo_create (alone);
          fm_tile_render (cr, l->data + c * plane, l->height, l->width, side, side, &style);
          /* FmTile's frame of a dead (never fired) or rare channel. */
          framed = spec->scan_dataset != NULL && l->fire_count != NULL
                   && (l->fire_count[c] == 0
                       || l->fire_count[c] < spec->rare_below * spec->scan_images)
                   && spec->scan_images > 0;
          if (framed)
            fm_tile_render_scan_mark (cr, l->fire_count[c] == 0, side, FM_TILE_SCAN_MARK_WIDTH,
                                      fm_tile_scan_mark_dash);
          cairo_destroy (cr);
          cairo_surface_flush (alone);
          data = cairo_image_surface_get_data (alone);
          stride = cairo_image_surface_get_stride (alone);
          for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
              {
                guint32 want = *(const guint32 *) (data + y * stride + x * 4) & 0xffffff;
                guint32 got = fm_test_png_rgb (png, r.x + x, r.y + y);

                if (want != got)
                  g_error ("layer %u channel %d pixel (%d, %d): sheet %06x, alone %06x",
                           i, c, x, y, got, want);
              }
          cairo_surface_destroy (alone);

          /* Independently: cell (row, col)'s block centre has the colormap's
           * colour of that activation (a frame may cover an edge cell). */
          if (!style.all_zero && !framed && style.vmax > style.vmin)
            for (int k = 0; k < 3; k++)
              {
                int row = (k * 5 + c) % l->height, col = (k * 3 + 2 * c) % l->width;
                float v = l->data[c * plane + (gsize) row * l->width + col];
                int px = (int) floor ((col + 0.5) * side / l->width);
                int py = (int) floor ((row + 0.5) * side / l->height);
                double t = ((double) v - style.vmin) / ((double) style.vmax - style.vmin);

                g_assert_cmphex (fm_test_png_rgb (png, r.x + px, r.y + py), ==,
                                 fm_colormap_map (spec->colormap, CLAMP (t, 0.0, 1.0)));
                checked_cells++;
              }
        }
    }
  g_assert_cmpuint (checked_cells, >, 0);
}

static char *
expected_zero_text (const FmSheetSpec *spec)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < spec->n_layers; i++)
    {
      gboolean any = FALSE;

      g_string_append_printf (s, "%s%s:", i > 0 ? "; " : "", spec->layers[i].name);
      for (int c = 0; c < spec->layers[i].channels; c++)
        if (channel_is_zero (&spec->layers[i], c))
          {
            g_string_append_printf (s, "%s %d", any ? "," : "", c);
            any = TRUE;
          }
      if (!any)
        g_string_append (s, " none");
    }
  return g_string_free (s, FALSE);
}

static void
check_png (FmSheetSpec *spec,
           const char  *name,
           const char  *normalisation)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), name, NULL);
  g_autofree char *zeros = expected_zero_text (spec);
  g_autoptr(GError) error = NULL;
  int w = 0, h = 0;
  FmTestPng png;

  g_assert_true (fm_sheet_get_size (spec, &w, &h, &error));
  g_assert_true (fm_sheet_write_png (spec, path, &error));
  g_assert_no_error (error);
  fm_test_png_read (path, &png);
  fm_test_png_assert_opaque (&png);
  g_assert_cmpint (png.width, ==, w);
  g_assert_cmpint (png.height, ==, h);

  g_assert_cmpstr (g_hash_table_lookup (png.text, "Software"), ==, "Feature Maps " PACKAGE_VERSION);
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Source"), ==, fx.model->path);
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Input"), ==, "digit-7.png");
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Normalisation"), ==, normalisation);
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Colormap"), ==, "viridis");
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Zero channels"), ==, zeros);
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Layer"), ==,
                   "/relu1/Relu_output_0, /pool1/MaxPool_output_0, /relu2/Relu_output_0, "
                   "/pool2/MaxPool_output_0, /relu3/Relu_output_0");
  /* The light style's background at the top-left corner. */
  g_assert_cmphex (fm_test_png_rgb (&png, 0, 0), ==, spec->dark ? 0x242424 : 0xffffff);
  check_tiles (spec, &png);
  fm_test_png_clear (&png);
}

/* A sheet of the fixture's layers written with these settings (the rest
 * fixture_spec ()'s), checked by check_png () as @file with the
 * Normalisation text @normalisation. */
typedef struct
{
  const char  *file;
  const char  *normalisation;
  FmNormalize  normalize;
  int          tile_side;
  float        fixed_min, fixed_max;
  gboolean     dark;
} PngCase;

static const PngCase png_layer = { "layer.png", "layer", FM_NORMALIZE_LAYER, 28 };
/* 40 is not a multiple of 28, 14 or 7: nearest sampling of uneven blocks. */
static const PngCase png_tile_scale = { "tile.png", "tile", FM_NORMALIZE_TILE, 40 };
static const PngCase png_fixed_dark = {
  "fixed.png", "fixed -1:2.5", FM_NORMALIZE_FIXED, 28, -1.0f, 2.5f, TRUE
};

static void
test_png (gconstpointer data)
{
  const PngCase *c = data;
  FmSheetSpec spec;

  fixture_spec (&spec);
  spec.normalize = c->normalize;
  spec.tile_side = c->tile_side;
  spec.fixed_min = c->fixed_min;
  spec.fixed_max = c->fixed_max;
  spec.dark = c->dark;
  check_png (&spec, c->file, c->normalisation);
}

/* A layer with zero channels: the zero mark is in the sheet's tiles
 * (check_tiles renders them with all_zero from the data). */
static void
test_zero_channels (void)
{
  enum { C = 4, H = 3, W = 3 };
  float data[C * H * W] = { 0 };  /* [C, H, W]; channels 1 and 3 stay zero */
  FmChannelStats stats[C];
  FmSheetLayer layers[2];
  FmSheetSpec spec = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (fm_test_scratch (), "zeros.png", NULL);
  g_autoptr(GError) error = NULL;
  FmTestPng png;

  for (int i = 0; i < H * W; i++)
    {
      data[0 * H * W + i] = (float) i;
      data[2 * H * W + i] = -(float) i;
    }
  fm_channel_stats_compute (data, C, H * W, 0.0f, stats);
  layers[0] = (FmSheetLayer) { "a", "Relu", 1, C, H, W, data, stats };
  layers[1] = (FmSheetLayer) { "b", "Conv", 1, 1, H, W, data, stats };
  spec.model_name = "synthetic";
  spec.input_name = "none";
  spec.layers = layers;
  spec.n_layers = 2;
  spec.colormap = fm_colormap_lookup ("viridis");
  spec.tile_side = 32;
  text = fm_sheet_zero_channels_text (&spec);
  g_assert_cmpstr (text, ==, "a: 1, 3; b: none");

  g_assert_true (fm_sheet_write_png (&spec, path, &error));
  g_assert_no_error (error);
  fm_test_png_read (path, &png);
  fm_test_png_assert_opaque (&png);
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Zero channels"), ==, "a: 1, 3; b: none");
  g_assert_null (g_hash_table_lookup (png.text, "Source"));
  check_tiles (&spec, &png);
  fm_test_png_clear (&png);
}

/* ---- layout and limits -------------------------------------------------- */

static void
test_512_channels (void)
{
  enum { C = 512, H = 4, W = 4 };
  g_autofree float *data = g_new (float, C * H * W); /* [C, H, W] */
  g_autofree FmChannelStats *stats = g_new (FmChannelStats, C);
  FmSheetLayer layer;
  FmSheetSpec spec = { 0 };
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_rectangle_int_t r0, r31, r32, r511;
  int w, h;

  for (int i = 0; i < C * H * W; i++)
    data[i] = (float) (i % 37) - 5.0f;
  fm_channel_stats_compute (data, C, H * W, 0.0f, stats);
  layer = (FmSheetLayer) { "wide", "Conv", 1, C, H, W, data, stats };
  spec.model_name = "wide";
  spec.layers = &layer;
  spec.n_layers = 1;
  spec.tile_side = 64;

  surface = fm_sheet_render (&spec, &error);
  g_assert_no_error (error);
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  /* 32 columns of 64-pixel tiles 4 pixels apart and 16-pixel margins:
   * 16 + 32 * 68 - 4 + 16 = 2204. 16 rows of (64 + 14 index + 4 gap). */
  g_assert_cmpint (w, ==, 2204);
  g_assert_cmpint (h, <, 2000);
  g_assert_true (fm_sheet_tile_rect (&spec, 0, 0, &r0));
  g_assert_true (fm_sheet_tile_rect (&spec, 0, 31, &r31));
  g_assert_true (fm_sheet_tile_rect (&spec, 0, 32, &r32));
  g_assert_true (fm_sheet_tile_rect (&spec, 0, 511, &r511));
  g_assert_false (fm_sheet_tile_rect (&spec, 0, 512, &r511));
  g_assert_cmpint (r0.x, ==, 16);
  g_assert_cmpint (r31.x, ==, 16 + 31 * 68);
  g_assert_cmpint (r31.y, ==, r0.y);
  g_assert_cmpint (r32.x, ==, 16);
  g_assert_cmpint (r32.y, ==, r0.y + 64 + 14 + 4);
  g_assert_cmpint (r511.y, ==, r0.y + 15 * 82);
  g_assert_cmpint (r511.y + 64, <=, h);
  cairo_surface_destroy (surface);
}

static void
test_limits (void)
{
  enum { C = 20000 };
  g_autofree float *data = g_new0 (float, C);  /* [C, 1, 1] */
  g_autofree FmChannelStats *stats = g_new (FmChannelStats, C);
  FmSheetLayer layer;
  FmSheetSpec spec = { 0 };
  g_autoptr(GError) error = NULL;

  fm_channel_stats_compute (data, C, 1, 0.0f, stats);
  layer = (FmSheetLayer) { "huge", "Conv", 1, C, 1, 1, data, stats };
  spec.layers = &layer;
  spec.n_layers = 1;

  /* 20000 / 32 = 625 rows of 512 + 18 = 530 pixels: far over 32767. */
  spec.tile_side = 512;
  g_assert_null (fm_sheet_render (&spec, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "smaller tile size"));
  g_clear_error (&error);

  spec.tile_side = FM_SHEET_MIN_TILE_SIDE - 1;
  g_assert_null (fm_sheet_render (&spec, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  spec.tile_side = FM_SHEET_MAX_TILE_SIDE + 1;
  g_assert_false (fm_sheet_write_png (&spec, "/nonexistent/x.png", &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "/nonexistent/x.png"));
}

/* A write that fails half way keeps the old file and leaves no other. */
static void
test_failed_write (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "fail");
  g_autofree char *path = g_build_filename (dir, "sheet.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  FmSheetSpec spec;

  g_assert_true (g_file_set_contents (path, "old bytes", -1, NULL));
  fixture_spec (&spec);
  fm_png_writer_set_fail_after_for_testing (1000);
  g_assert_false (fm_sheet_write_png (&spec, path, &error));
  fm_png_writer_set_fail_after_for_testing (-1);
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old bytes");
  fm_test_assert_listing (dir, "sheet.png");
  g_unlink (path);
  g_rmdir (dir);
}


/* ---- the figure --------------------------------------------------------- */

/* The columns whose cell grid is closest to 4:3, by hand: a cell is
 * max (side, 24) + 4 wide and side + 18 high, a grid c * w - 4 by
 * rows * h - 4. 32 tiles of 72: 8 x 4 is 604 x 356 (1.70, within a
 * factor 2 of 4:3 and filling every row; 7 x 5 would be closer but
 * leaves a hole); 64 of 72: 8 x 8 (604 x 716); 10 of 72: 5 x 2 (376 x
 * 176, 2.14); 31 (prime) of 72: 31 or 1 column are far off, so of all
 * counts 7 x 5 (528 x 446, 1.18); 512 of 64: 32 x 16 (2172 x 1308). */
static void
test_auto_columns (void)
{
  g_assert_cmpint (fm_sheet_auto_columns (32, 72), ==, 8);
  g_assert_cmpint (fm_sheet_auto_columns (32, 28), ==, 8);
  g_assert_cmpint (fm_sheet_auto_columns (64, 72), ==, 8);
  g_assert_cmpint (fm_sheet_auto_columns (10, 72), ==, 5);
  g_assert_cmpint (fm_sheet_auto_columns (31, 72), ==, 7);
  g_assert_cmpint (fm_sheet_auto_columns (512, 64), ==, 32);
  g_assert_cmpint (fm_sheet_auto_columns (1, 72), ==, 1);
}

/* The fixture's layers with fire counts of a made-up scan of 200 images:
 * channel c fired on (c % 4) * 1 images for c % 3 == 0 (dead when 0,
 * rare below 1 % = 2 images), else on 150. Each tile must be FmTile's
 * drawing pixel for pixel; a dead tile's frame is red on its top-left
 * edge pixels, a rare one's amber where its dash starts. */
static void
test_scan_marks (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "scan.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree FmSheetLayer *layers = NULL;
  guint64 fired[32];
  FmSheetSpec spec;
  FmTestPng png;
  guint dead = 0, rare = 0;

  fixture_spec (&spec);
  spec.tile_side = 72;   /* the window's */
  layers = g_memdup2 (spec.layers, sizeof (FmSheetLayer) * spec.n_layers);
  spec.layers = layers;
  for (int c = 0; c < 32; c++)
    fired[c] = c % 3 == 0 ? (guint64) (c % 4) : 150;
  for (guint i = 0; i < spec.n_layers; i++)
    layers[i].fire_count = fired;
  spec.scan_dataset = "/data/digits.idx";
  spec.scan_images = 200;
  spec.rare_below = 0.01;

  g_assert_true (fm_sheet_write_png (&spec, path, &error));
  g_assert_no_error (error);
  fm_test_png_read (path, &png);
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Scan"), ==, "digits.idx, 200 images");
  check_tiles (&spec, &png);
  for (int c = 0; c < 32; c++)
    {
      cairo_rectangle_int_t r;
      guint32 px;

      g_assert_true (fm_sheet_tile_rect (&spec, 0, c, &r));
      px = fm_test_png_rgb (&png, r.x + 1, r.y + 1);
      if (fired[c] == 0)
        {
          /* Solid red. */
          g_assert_cmpuint (px >> 16, >, 200);
          g_assert_cmpuint ((px >> 8) & 0xff, <, 60);
          g_assert_cmpuint (px & 0xff, <, 60);
          dead++;
        }
      else if (fired[c] < 2)
        {
          /* Amber: red high, green middling, blue low. */
          g_assert_cmpuint (px >> 16, >, 200);
          g_assert_cmpuint ((px >> 8) & 0xff, >, 100);
          g_assert_cmpuint (px & 0xff, <, 60);
          rare++;
        }
    }
  /* c % 3 == 0 and c % 4 == 0: 0, 12, 24; c % 4 == 1: 9, 21. */
  g_assert_cmpuint (dead, ==, 3);
  g_assert_cmpuint (rare, ==, 2);

  /* A scan stopped before its first image: no channel is dead or rare. */
  spec.scan_images = 0;
  for (int c = 0; c < 32; c++)
    g_assert_cmpint (fm_sheet_verdict (&spec, &layers[0], (guint) c), ==, FM_SHEET_VERDICT_NONE);
  fm_test_png_clear (&png);
}

/* --select and --only on a layer: channels chosen, others left out. */
static void
test_select (void)
{
  g_autoptr(GError) error = NULL;
  /* 0-4,12 (the list itself: tests/engine/test-channel-list.c) */
  g_autoptr(GArray) ranges = fm_channel_list_parse (" 12, 0-3 ,2,4", "--select", &error);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree char *path = g_build_filename (fm_test_scratch (), "select.png", NULL);
  g_autofree FmSheetLayer *layers = NULL;
  FmSheetSpec spec;
  FmTestPng png;

  g_assert_no_error (error);
  fixture_spec (&spec);
  layers = g_memdup2 (spec.layers, sizeof (FmSheetLayer) * spec.n_layers);
  spec.layers = layers;
  spec.n_layers = 2;
  g_assert_true (fm_sheet_spec_select (&spec, layers, ranges, FM_SHEET_ONLY_ALL, keep, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (layers[0].n_shown, ==, 6);
  g_assert_cmpuint (layers[0].shown[5], ==, 12);
  g_assert_true (fm_sheet_write_png (&spec, path, &error));
  fm_test_png_read (path, &png);
  g_assert_cmpstr (g_hash_table_lookup (png.text, "Channels shown"), ==,
                   "/relu1/Relu_output_0: 0, 1, 2, 3, 4, 12; "
                   "/pool1/MaxPool_output_0: 0, 1, 2, 3, 4, 12");
  check_tiles (&spec, &png);
  fm_test_png_clear (&png);

  /* No channel of the digit's layers is all zero: nothing to draw. */
  fixture_spec (&spec);
  g_free (layers);
  layers = g_memdup2 (spec.layers, sizeof (FmSheetLayer) * spec.n_layers);
  spec.layers = layers;
  g_assert_false (fm_sheet_spec_select (&spec, layers, NULL, FM_SHEET_ONLY_ZERO, keep, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* A channel past the end. */
  g_clear_pointer (&ranges, g_array_unref);
  ranges = fm_channel_list_parse ("40", "--select", &error);
  g_assert_false (fm_sheet_spec_select (&spec, layers, ranges, FM_SHEET_ONLY_ALL, keep, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "40"));
}

/* A "Preprocessing:" line too long for the width beside the thumbnail
 * takes two lines (17 pixels more), rather than end in "…" (the window's
 * export cut "inverted when the picture is dark on light" to
 * "inverted w…"); a short one keeps one. */
static void
test_long_preprocessing (void)
{
  FmSheetSpec spec;
  gint64 w, h_none, h_short, h_long;
  g_autoptr(GError) error = NULL;

  fixture_spec (&spec);
  g_assert_true (fm_sheet_measure (&spec, &w, &h_none, &error));
  spec.preprocess = "gray, 0–1";
  g_assert_true (fm_sheet_measure (&spec, &w, &h_short, &error));
  spec.preprocess = "gray, 0–1, normalised with mean 0.1307 and std 0.3081, inverted when the "
                    "picture is dark on light, letterboxed with the picture's own border";
  g_assert_true (fm_sheet_measure (&spec, &w, &h_long, &error));
  g_assert_no_error (error);
  g_assert_cmpint (h_short, >, h_none);   /* a line, less what the thumbnail's height held */
  g_assert_cmpint (h_long, ==, h_short + 17);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/render/sheet/png-layer", &png_layer, test_png);
  g_test_add_data_func ("/render/sheet/png-tile-scale-40", &png_tile_scale, test_png);
  g_test_add_data_func ("/render/sheet/png-fixed-dark", &png_fixed_dark, test_png);
  g_test_add_func ("/render/sheet/zero-channels", test_zero_channels);
  g_test_add_func ("/render/sheet/512-channels", test_512_channels);
  g_test_add_func ("/render/sheet/limits", test_limits);
  g_test_add_func ("/render/sheet/failed-write", test_failed_write);
  g_test_add_func ("/render/sheet/auto-columns", test_auto_columns);
  g_test_add_func ("/render/sheet/scan-marks", test_scan_marks);
  g_test_add_func ("/render/sheet/select", test_select);
  g_test_add_func ("/render/sheet/long-preprocessing", test_long_preprocessing);
  status = g_test_run ();

  fixture_free ();
  return status;
}
