/* fuzz-export.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the PNG export round trip: activations -> sheet (fm-sheet.c,
 * fm-tile-render.c) -> PNG file (fm-png-writer.c) -> decoded again
 * (fm-image.c) -> compared pixel by pixel with the rendered surface. The
 * input picks the layout and holds the activations' raw float bits, so
 * NaN, infinities, denormals and constant maps all occur:
 *
 *   byte 0: bits 0-1 channels - 1, bits 2-3 normalisation (3 = layer),
 *           bit 4 dark, bit 5 input thumbnail, bit 6 prediction, bit 7
 *           a second layer
 *   byte 1: bits 0-2 H - 1, bits 3-5 W - 1
 *   byte 2: bits 0-3 tile side - 8 (8..23), bits 4-7 colormap index
 *   bytes 3-10: fixed min and max (float bits)
 *   the rest: the activations, [C, H, W] floats per layer, zero-padded
 *
 * Checked: fm_sheet_get_size() matches the surface, the written file
 * decodes to exactly the surface's RGB values, and each channel's
 * statistics agree with a direct pass over its data. It does not check
 * colours against the colormap (tests/render does).
 */
#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "fm-fuzz.h"
#include "fm-image.h"
#include "fm-sheet.h"
#include "fm-stats.h"

static const char *png_path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  png_path = fm_fuzz_scratch_file ("fm-fuzz-export-XXXXXX", "sheet.png");
  return 0;
}

static float
read_float (const uint8_t *data,
            size_t         size,
            size_t         at)
{
  guint8 bytes[4] = { 0 };
  float f;

  for (int i = 0; i < 4; i++)
    if (at + i < size)
      bytes[i] = data[at + i];
  memcpy (&f, bytes, 4);
  return f;
}

/* Each channel's stats against a direct pass: min <= mean <= max over the
 * finite cells, and all_zero exactly when every cell is 0 (epsilon 0). */
static void
check_stats (const float          *map,
             int                   channels,
             gsize                 plane,
             const FmChannelStats *stats)
{
  for (int c = 0; c < channels; c++)
    {
      gboolean all_zero = TRUE;

      for (gsize i = 0; i < plane; i++)
        if (map[c * plane + i] != 0.0f)
          all_zero = FALSE;
      FM_FUZZ_CHECK (stats[c].all_zero == all_zero);
      FM_FUZZ_CHECK (stats[c].active_share >= 0.0f && stats[c].active_share <= 1.0f);
      if (!isnan (stats[c].min) && !isnan (stats[c].max))
        FM_FUZZ_CHECK (stats[c].min <= stats[c].max);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint n_colormaps = 0;
  const FmColormap * const *colormaps = fm_colormap_list (&n_colormaps);
  FmSheetSpec spec = { 0 };
  FmSheetLayer layers[2] = { { 0 } };
  FmChannelStats stats[2][4];
  FmSheetClass top[2] = { { "seven", 7, 0.75 }, { NULL, 1, 0.25 } };
  float maps[2][4 * 8 * 8];
  float thumb[8 * 8];
  cairo_surface_t *surface;
  GError *error = NULL;
  int channels, h, w, width = 0, height = 0;
  size_t at = 11;
  gboolean ok;

  if (size < 3)
    return 0;
  channels = (data[0] & 3) + 1;
  h = (data[1] & 7) + 1;
  w = ((data[1] >> 3) & 7) + 1;

  spec.model_name = "fuzz.onnx";
  spec.model_file = "/tmp/fuzz.onnx";
  spec.input_name = "canvas";
  spec.inverted = (data[0] >> 4) & 1;
  spec.normalize = ((data[0] >> 2) & 3) == 3 ? FM_NORMALIZE_LAYER : (FmNormalize) ((data[0] >> 2) & 3);
  spec.dark = (data[0] >> 4) & 1;
  spec.tile_side = FM_SHEET_MIN_TILE_SIDE + (data[2] & 15);
  spec.colormap = n_colormaps > 0 ? colormaps[(data[2] >> 4) % n_colormaps] : NULL;
  spec.fixed_min = read_float (data, size, 3);
  spec.fixed_max = read_float (data, size, 7);
  spec.n_layers = (data[0] & 128) ? 2 : 1;
  spec.layers = layers;
  if (data[0] & 64)
    {
      spec.top = top;
      spec.n_top = 2;
      spec.output_name = "logits";
    }

  for (guint l = 0; l < spec.n_layers; l++)
    {
      gsize plane = (gsize) h * w;

      for (gsize i = 0; i < channels * plane; i++, at += 4)
        maps[l][i] = read_float (data, size, at);
      fm_channel_stats_compute (maps[l], channels, plane, 0.0f, stats[l]);
      check_stats (maps[l], channels, plane, stats[l]);
      layers[l].name = l == 0 ? "/conv1/Conv_output_0" : "/relu2/Relu_output_0 ünïcode";
      layers[l].op_label = "Conv + Relu";
      layers[l].batch = 1;
      layers[l].channels = channels;
      layers[l].height = h;
      layers[l].width = w;
      layers[l].data = maps[l];
      layers[l].stats = stats[l];
    }
  if (data[0] & 32)
    {
      for (int i = 0; i < h * w; i++, at += 4)
        thumb[i] = read_float (data, size, at);
      spec.input = thumb;
      spec.input_channels = 1;
      spec.input_height = h;
      spec.input_width = w;
    }

  ok = fm_sheet_get_size (&spec, &width, &height, &error);
  fm_fuzz_check_result (ok, error);
  error = NULL;
  surface = fm_sheet_render (&spec, &error);
  fm_fuzz_check_result (surface != NULL, error);
  FM_FUZZ_CHECK ((surface != NULL) == ok);
  if (surface == NULL)
    return 0;
  FM_FUZZ_CHECK (cairo_image_surface_get_width (surface) == width);
  FM_FUZZ_CHECK (cairo_image_surface_get_height (surface) == height);

  error = NULL;
  ok = fm_sheet_write_png (&spec, png_path, &error);
  fm_fuzz_check_result (ok, error);
  if (ok)
    {
      FmImage *image;
      const guint8 *pixels;
      int stride;

      error = NULL;
      image = fm_image_load (png_path, (gsize) width * height, &error);
      fm_fuzz_check_result (image != NULL, error);
      FM_FUZZ_CHECK (image != NULL);
      FM_FUZZ_CHECK (image->width == width && image->height == height);
      FM_FUZZ_CHECK (image->channels == 3);
      cairo_surface_flush (surface);
      pixels = cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            guint32 argb = *(const guint32 *) (pixels + (gsize) y * stride + (gsize) x * 4);
            const guint8 *rgb = image->pixels + ((gsize) y * width + x) * 3;

            /* An opaque sheet: premultiplied equals straight RGB. */
            FM_FUZZ_CHECK ((argb >> 24) == 0xff);
            if (rgb[0] != ((argb >> 16) & 0xff) || rgb[1] != ((argb >> 8) & 0xff)
                || rgb[2] != (argb & 0xff))
              {
                fprintf (stderr, "pixel %d,%d: png %02x%02x%02x, surface %06x\n",
                         x, y, rgb[0], rgb[1], rgb[2], argb & 0xffffff);
                abort ();
              }
          }
      fm_image_free (image);
    }
  cairo_surface_destroy (surface);
  return 0;
}
