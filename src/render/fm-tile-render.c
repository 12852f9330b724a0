/* fm-tile-render.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Colorizes a [H, W] feature map through a colormap into one ARGB32
 * pixel per cell, and paints that image scaled to a tile with NEAREST
 * filtering, so each cell is a flat block and nothing is smoothed. Also
 * draws the zero mark and the legend. Everything is drawn through cairo
 * (text through pangocairo), so the same calls give the same pixels on
 * the window's context and on an image surface being exported.
 */
#include "config.h"

#include "fm-tile-render.h"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

/* The zero mark, drawn over a tile whose map is all zeros (the caller
 * decides, via FmTileStyle.all_zero), is built so that it cannot be
 * mistaken for a real map of low values in any colormap:
 *   - a veil of the UI background colour at 75 % opacity (white in the
 *     light style, #242424 in the dark style) dims the tile towards the
 *     background, so it reads as "empty" rather than "dark";
 *   - diagonal hatching ("/" lines, 1.5 units wide, 6 units apart
 *     horizontally) in a neutral grey that contrasts with that veil
 *     (#6e6e6e in the light style, #c0c0c0 in the dark style); no
 *     colormap has stripes, and stripes survive any veiled colour;
 *   - when the tile is at least 28 units on its short side, a small
 *     rounded badge with a bold "0" in the top-right corner (background
 *     colour filled, grey border, text #303030 or #f0f0f0). */
#define VEIL_ALPHA       0.75
#define HATCH_SPACING    6.0
#define HATCH_WIDTH      1.5
#define BADGE_MIN_TILE   28.0

#define LEGEND_LABEL_GAP 2.0

static const FmTileColours light_colours = {
  { 1.0, 1.0, 1.0 },
  { 0x6e / 255.0, 0x6e / 255.0, 0x6e / 255.0 },
  { 0x30 / 255.0, 0x30 / 255.0, 0x30 / 255.0 },
};

static const FmTileColours dark_colours = {
  { 0x24 / 255.0, 0x24 / 255.0, 0x24 / 255.0 },
  { 0xc0 / 255.0, 0xc0 / 255.0, 0xc0 / 255.0 },
  { 0xf0 / 255.0, 0xf0 / 255.0, 0xf0 / 255.0 },
};

const FmTileColours *
fm_tile_colours (gboolean dark)
{
  return dark ? &dark_colours : &light_colours;
}

void
fm_tile_colours_set_source (cairo_t      *cr,
                            const double  rgb[3])
{
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

/**
 * fm_tile_colorize:
 * @map: the feature map, [h, w] row-major
 * @h: rows
 * @w: columns
 * @style: colormap and range; the mark fields are not used here
 * @argb_out: (out caller-allocates): [h, w] opaque pixels 0xAARRGGBB, the
 *   layout of a cairo ARGB32 surface whose stride is w * 4
 *
 * Maps each cell to its colour: t = (x - vmin) / (vmax - vmin), clamped
 * to [0, 1], then fm_colormap_map (). When the range is empty (vmax <=
 * vmin) or not finite, every non-NaN cell maps to t = 0, so an all-zero
 * layer is uniformly the lowest colour. NaN cells are FM_TILE_NAN_RGB.
 */
void
fm_tile_colorize (const float       *map,
                  int                h,
                  int                w,
                  const FmTileStyle *style,
                  guint32           *argb_out)
{
  const FmColormap *cm;
  double lo, hi, scale;
  gboolean flat;
  guint32 lowest;
  gsize n;

  g_return_if_fail (map != NULL || h == 0 || w == 0);
  g_return_if_fail (style != NULL);
  g_return_if_fail (argb_out != NULL || h == 0 || w == 0);

  if (h <= 0 || w <= 0)
    return;

  cm = style->colormap != NULL ? style->colormap : fm_colormap_get_default ();
  lo = style->vmin;
  hi = style->vmax;
  flat = !(hi > lo) || !isfinite (lo) || !isfinite (hi);
  scale = flat ? 0.0 : 1.0 / (hi - lo);
  lowest = 0xff000000u | fm_colormap_get_entry (cm, 0);
  n = (gsize) h * (gsize) w;

  if (n < FM_COLORMAP_SIZE || flat)
    {
      for (gsize i = 0; i < n; i++)
        {
          float x = map[i];

          if (isnan (x))
            argb_out[i] = 0xff000000u | FM_TILE_NAN_RGB;
          else if (flat)
            argb_out[i] = lowest;
          else
            argb_out[i] = 0xff000000u | fm_colormap_map (cm, (x - lo) * scale);
        }
      return;
    }

  /* A large map (the live window colours every tile in sight each frame):
   * the entries once, then fm_colormap_map's binning inline. */
  {
    guint32 argb[FM_COLORMAP_SIZE];

    for (guint k = 0; k < FM_COLORMAP_SIZE; k++)
      argb[k] = 0xff000000u | fm_colormap_get_entry (cm, k);
    for (gsize i = 0; i < n; i++)
      {
        float x = map[i];

        argb_out[i] = isnan (x) ? 0xff000000u | FM_TILE_NAN_RGB
                                : argb[fm_colormap_index ((x - lo) * scale)];
      }
  }
}

/* An image surface of the colorized map, or NULL when cairo cannot make
 * one that size (sides above 32767). */
static cairo_surface_t *
colorize_to_surface (const float       *map,
                     int                h,
                     int                w,
                     const FmTileStyle *style)
{
  cairo_surface_t *surface;
  guint8 *data;
  int stride;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  if ((gsize) stride == (gsize) w * 4)
    fm_tile_colorize (map, h, w, style, (guint32 *) data);
  else
    {
      g_autofree guint32 *pixels = g_new (guint32, (gsize) h * (gsize) w); /* [h, w] */

      fm_tile_colorize (map, h, w, style, pixels);
      for (int y = 0; y < h; y++)
        memcpy (data + (gsize) y * stride, pixels + (gsize) y * w, (gsize) w * 4);
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* Paints @surface ([h, w] pixels) over the rectangle (0, 0, width,
 * height) of @cr with NEAREST filtering, its edge pixels padded outwards
 * unless @pad is FALSE (a PDF embeds a padded picture anew at each
 * place, so a picture meant to be embedded once is not padded). */
static void
paint_scaled (cairo_t         *cr,
              cairo_surface_t *surface,
              int              h,
              int              w,
              double           width,
              double           height,
              gboolean         pad)
{
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;

  pattern = cairo_pattern_create_for_surface (surface);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (pattern, pad ? CAIRO_EXTEND_PAD : CAIRO_EXTEND_NONE);
  /* The pattern matrix maps user space to pattern space. */
  cairo_matrix_init_scale (&matrix, w / width, h / height);
  cairo_pattern_set_matrix (pattern, &matrix);

  cairo_save (cr);
  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_pattern_destroy (pattern);
}

/* @map [h, w] reduced to [rh, rw] (rh <= h, rw <= w): each cell the
 * largest value of the cells it covers (NaN if any is), so that no
 * activation falls between the samples of a map drawn smaller than it
 * is (one active cell of a ReLU map stays in sight). */
static float *
reduce_max (const float *map,
            int          h,
            int          w,
            int          rh,
            int          rw)
{
  float *out = g_new (float, (gsize) rh * (gsize) rw);

  for (int y = 0; y < rh; y++)
    {
      int y0 = (int) ((gint64) y * h / rh);
      int y1 = MAX ((int) (((gint64) (y + 1) * h + rh - 1) / rh), y0 + 1);

      for (int x = 0; x < rw; x++)
        {
          int x0 = (int) ((gint64) x * w / rw);
          int x1 = MAX ((int) (((gint64) (x + 1) * w + rw - 1) / rw), x0 + 1);
          float m = map[(gsize) y0 * w + x0];

          for (int sy = y0; sy < y1 && !isnan (m); sy++)
            for (int sx = x0; sx < x1; sx++)
              {
                float v = map[(gsize) sy * w + sx];

                if (isnan (v))
                  {
                    m = v;
                    break;
                  }
                if (v > m)
                  m = v;
              }
          out[(gsize) y * rw + x] = m;
        }
    }
  return out;
}

/**
 * fm_tile_render:
 * @cr: the context to draw on
 * @map: the feature map, [h, w] row-major
 * @h: rows
 * @w: columns
 * @width: tile width in user units of @cr
 * @height: tile height in user units of @cr
 * @style: colormap, range and mark
 *
 * Draws the map scaled to @width x @height at (0, 0) of @cr's current
 * transform with NEAREST filtering, then the zero mark when
 * @style->all_zero is set. Maps too large for a cairo image surface
 * (a side above 32767 cells) are drawn as NaN grey. The state of @cr is
 * preserved.
 */
void
fm_tile_render (cairo_t           *cr,
                const float       *map,
                int                h,
                int                w,
                double             width,
                double             height,
                const FmTileStyle *style)
{
  fm_tile_render_keyed (cr, map, h, w, width, height, style, NULL);
}

void
fm_tile_render_keyed (cairo_t           *cr,
                      const float       *map,
                      int                h,
                      int                w,
                      double             width,
                      double             height,
                      const FmTileStyle *style,
                      const char        *key)
{
  g_autofree float *reduced = NULL;
  cairo_surface_t *surface;
  cairo_surface_type_t target;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (map != NULL);
  g_return_if_fail (style != NULL);

  if (h <= 0 || w <= 0 || !(width > 0) || !(height > 0))
    return;

  /* Only PDF and SVG keep an image once per key, and only unpadded: on
   * other targets (a PNG card) the key changes nothing. */
  target = cairo_surface_get_type (cairo_get_target (cr));
  if (target != CAIRO_SURFACE_TYPE_PDF && target != CAIRO_SURFACE_TYPE_SVG)
    {
      double dw = width, dh = height;
      int rw, rh;

      key = NULL;
      /* Drawn in fewer pixels than it has cells (ResNet's 112 x 112 maps
       * on a 72-pixel tile): each pixel shows the largest value it
       * covers, not the one cell NEAREST would pick. PDF and SVG keep
       * every cell for the viewer to zoom into. */
      double scale = style->device_scale > 0 ? style->device_scale : 1.0;

      cairo_user_to_device_distance (cr, &dw, &dh);
      rw = (int) MIN (ceil (fabs (dw) * scale - 1e-6), (double) w);
      rh = (int) MIN (ceil (fabs (dh) * scale - 1e-6), (double) h);
      if (!style->picture && (rw < w || rh < h) && rw > 0 && rh > 0)
        {
          reduced = reduce_max (map, h, w, rh, rw);
          map = reduced;
          h = rh;
          w = rw;
        }
    }
  surface = colorize_to_surface (map, h, w, style);
  if (surface != NULL && key != NULL)
    {
      char *id = g_strdup (key);

      /* cairo's PDF and SVG backends emit one image per unique id */
      cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_UNIQUE_ID, (const guchar *) id,
                                   strlen (id), g_free, id);
    }
  if (surface != NULL)
    {
      paint_scaled (cr, surface, h, w, width, height, key == NULL);
      cairo_surface_destroy (surface);
    }
  else
    {
      cairo_save (cr);
      cairo_set_source_rgb (cr,
                            ((FM_TILE_NAN_RGB >> 16) & 0xff) / 255.0,
                            ((FM_TILE_NAN_RGB >> 8) & 0xff) / 255.0,
                            (FM_TILE_NAN_RGB & 0xff) / 255.0);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
      cairo_restore (cr);
    }

  if (style->all_zero)
    fm_tile_render_zero_mark (cr, width, height, style->dark);
}

static inline guint32
unit_to_byte (float v)
{
  return (guint32) (CLAMP (v, 0.0f, 1.0f) * 255 + 0.5f);
}

void
fm_planes_to_rgb24 (const float *planes,
                    int          channels,
                    int          h,
                    int          w,
                    guint8      *data,
                    int          stride)
{
  gsize plane = (gsize) h * w;
  const float *g = channels == 3 ? planes + plane : planes;
  const float *b = channels == 3 ? planes + 2 * plane : planes;

  for (int y = 0; y < h; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < w; x++)
        {
          gsize i = (gsize) y * w + x;

          row[x] = unit_to_byte (planes[i]) << 16 | unit_to_byte (g[i]) << 8 | unit_to_byte (b[i]);
        }
    }
}

void
fm_tile_style_gray_input (FmTileStyle *style,
                          const float *map,
                          gsize        n)
{
  style->colormap = fm_colormap_lookup ("gray");
  style->picture = TRUE;
  style->vmin = G_MAXFLOAT;
  style->vmax = -G_MAXFLOAT;
  for (gsize i = 0; i < n; i++)
    {
      style->vmin = MIN (style->vmin, map[i]);
      style->vmax = MAX (style->vmax, map[i]);
    }
}

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   w,
                   double   h,
                   double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Centres @text in the box (x, y, w, h) in bold sans of @px units. */
static void
show_centred_text (cairo_t    *cr,
                   const char *text,
                   double      px,
                   double      x,
                   double      y,
                   double      w,
                   double      h)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Sans Bold");
  PangoRectangle ink;

  pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  /* Centre the glyph's ink, not its line box, so a digit sits in the
   * middle of the badge whatever the font's ascent and descent. */
  pango_layout_get_pixel_extents (layout, &ink, NULL);
  cairo_move_to (cr, x + (w - ink.width) / 2 - ink.x, y + (h - ink.height) / 2 - ink.y);
  pango_cairo_show_layout (cr, layout);

  pango_font_description_free (desc);
  g_object_unref (layout);
}

/**
 * fm_tile_render_zero_mark:
 * @cr: the context to draw on
 * @width: tile width in user units
 * @height: tile height in user units
 * @dark: use the dark style's colours
 *
 * Draws the zero mark described at the top of this file over the tile
 * rectangle (0, 0, @width, @height). fm_tile_render() calls it; it is
 * public for callers that draw a placeholder without a map.
 */
void
fm_tile_render_zero_mark (cairo_t *cr,
                          double   width,
                          double   height,
                          gboolean dark)
{
  const FmTileColours *c = fm_tile_colours (dark);
  double side = MIN (width, height);

  g_return_if_fail (cr != NULL);

  if (!(width > 0) || !(height > 0))
    return;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);

  /* Veil. */
  cairo_set_source_rgba (cr, c->bg[0], c->bg[1], c->bg[2], VEIL_ALPHA);
  cairo_paint (cr);

  /* Hatching: lines x - y = k * spacing, drawn from the bottom edge to
   * the top edge, starting far enough left to cover the corner. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
  cairo_set_line_width (cr, HATCH_WIDTH);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  for (double x0 = -height; x0 < width + HATCH_SPACING; x0 += HATCH_SPACING)
    {
      cairo_move_to (cr, x0, height);
      cairo_line_to (cr, x0 + height, 0);
    }
  fm_tile_colours_set_source (cr, c->grey);
  cairo_stroke (cr);

  /* Badge. */
  if (side >= BADGE_MIN_TILE)
    {
      double size = MIN (side * 0.3, 20.0);
      double margin = MAX (2.0, size * 0.15);
      double bx = width - size - margin, by = margin;

      rounded_rectangle (cr, bx, by, size, size, size * 0.25);
      fm_tile_colours_set_source (cr, c->bg);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 1.0);
      fm_tile_colours_set_source (cr, c->grey);
      cairo_stroke (cr);

      fm_tile_colours_set_source (cr, c->text);
      show_centred_text (cr, "0", size * 0.75, bx, by, size, size);
    }

  cairo_restore (cr);
}

const double fm_tile_scan_mark_dash[2] = { 4, 3 };
const double fm_tile_scan_dead_rgb[3] = { 0.88, 0.11, 0.14 };
const double fm_tile_scan_rare_rgb[3] = { 0.90, 0.57, 0.04 };

void
fm_tile_render_scan_frame (cairo_t      *cr,
                           gboolean      dead,
                           double        x,
                           double        y,
                           double        width,
                           double        height,
                           double        line_width,
                           const double  dash[2])
{
  g_return_if_fail (cr != NULL);

  cairo_save (cr);
  fm_tile_colours_set_source (cr, dead ? fm_tile_scan_dead_rgb : fm_tile_scan_rare_rgb);
  if (!dead)
    cairo_set_dash (cr, dash, 2, 0);
  cairo_set_line_width (cr, line_width);
  cairo_rectangle (cr, x, y, width, height);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
fm_tile_render_scan_mark (cairo_t      *cr,
                          gboolean      dead,
                          double        side,
                          double        line_width,
                          const double  dash[2])
{
  fm_tile_render_scan_frame (cr, dead, line_width / 2, line_width / 2, side - line_width,
                             side - line_width, line_width, dash);
}

/* Okabe-Ito's sky blue: apart from red, amber and the compare purple for
 * every common colour vision. */
const double fm_tile_scan_near_dead_rgb[3] = { 0.34, 0.71, 0.91 };

double
fm_tile_near_dead_mark_size (double side)
{
  return CLAMP (side * 0.3, 7.0, 18.0);
}

void
fm_tile_render_near_dead_mark (cairo_t *cr,
                               double   x,
                               double   y,
                               double   size)
{
  g_return_if_fail (cr != NULL);

  cairo_save (cr);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + size, y);
  cairo_line_to (cr, x, y + size);
  cairo_close_path (cr);
  fm_tile_colours_set_source (cr, fm_tile_scan_near_dead_rgb);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0.05, 0.1, 0.2, 0.9);
  cairo_set_line_width (cr, 1.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Formats a legend label: 3 significant digits, in the locale's style. */
static char *
format_value (float v)
{
  return g_strdup_printf ("%.3g", (double) v);
}

/**
 * fm_legend_render:
 * @cr: the context to draw on
 * @cm: (nullable): the colormap; %NULL for the default
 * @vmin: the value at the left end
 * @vmax: the value at the right end
 * @width: legend width in user units
 * @height: legend height in user units
 * @dark: use the dark style's text colour
 *
 * Draws a horizontal colour bar across the full @width, left = entry 0,
 * right = entry 255, with the @vmin label under its left end and the
 * @vmax label under its right end. The labels take a line of
 * clamp (height / 3, 8, 13) units; when @height leaves less than 4 units
 * for the bar, only the bar is drawn, over the full height. The bar is
 * the 256-entry table scaled with NEAREST filtering, like the tiles.
 * fm_legend_render_text () is the same with the labels @lo and @hi as
 * given (tiles normalised each to its own range have no one scale).
 */
void
fm_legend_render_text (cairo_t          *cr,
                       const FmColormap *cm,
                       const char       *lo,
                       const char       *hi,
                       double            width,
                       double            height,
                       gboolean          dark)
{
  const FmTileColours *c = fm_tile_colours (dark);
  float ramp[FM_COLORMAP_SIZE]; /* [1, 256] */
  FmTileStyle ramp_style = { 0 };
  cairo_surface_t *surface;
  double font_px = CLAMP (height / 3, 8.0, 13.0);
  double bar_h = height - font_px * 1.3 - LEGEND_LABEL_GAP;
  gboolean labels = bar_h >= 4.0;

  g_return_if_fail (cr != NULL);

  if (!(width > 0) || !(height > 0))
    return;
  if (!labels)
    bar_h = height;

  /* Entry i sits at t = (i + 0.5) / 256, the middle of its bin. */
  for (int i = 0; i < FM_COLORMAP_SIZE; i++)
    ramp[i] = (i + 0.5f) / FM_COLORMAP_SIZE;
  ramp_style.colormap = cm;
  ramp_style.vmin = 0.0f;
  ramp_style.vmax = 1.0f;
  surface = colorize_to_surface (ramp, 1, FM_COLORMAP_SIZE, &ramp_style);
  if (surface != NULL)
    {
      paint_scaled (cr, surface, 1, FM_COLORMAP_SIZE, width, bar_h, TRUE);
      cairo_surface_destroy (surface);
    }

  if (labels)
    {
      PangoLayout *layout;
      PangoFontDescription *desc;
      int text_w, text_h;

      cairo_save (cr);
      layout = pango_cairo_create_layout (cr);
      desc = pango_font_description_from_string ("Sans");
      pango_font_description_set_absolute_size (desc, font_px * PANGO_SCALE);
      pango_layout_set_font_description (layout, desc);
      fm_tile_colours_set_source (cr, c->text);

      pango_layout_set_text (layout, lo, -1);
      cairo_move_to (cr, 0, bar_h + LEGEND_LABEL_GAP);
      pango_cairo_show_layout (cr, layout);

      pango_layout_set_text (layout, hi, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      cairo_move_to (cr, width - text_w, bar_h + LEGEND_LABEL_GAP);
      pango_cairo_show_layout (cr, layout);

      pango_font_description_free (desc);
      g_object_unref (layout);
      cairo_restore (cr);
    }
}

void
fm_legend_render (cairo_t          *cr,
                  const FmColormap *cm,
                  float             vmin,
                  float             vmax,
                  double            width,
                  double            height,
                  gboolean          dark)
{
  g_autofree char *lo = format_value (vmin);
  g_autofree char *hi = format_value (vmax);

  fm_legend_render_text (cr, cm, lo, hi, width, height, dark);
}
