/* fm-sheet.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lays out and draws a sheet of feature maps (see fm-sheet.h) on a cairo
 * image surface, and writes it as a PNG with text chunks. This file does
 * not compute statistics, ranges other than the window's rule, or file
 * names.
 */
#include "config.h"

#include "fm-sheet.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "fm-error.h"
#include "fm-png-writer.h"

/* Layout, in pixels, all integers so every tile starts on a pixel:
 *
 *   MARGIN
 *   header: the input thumbnail (THUMB_SIDE square, the tensor fitted in
 *           it keeping its aspect) and, right of it, the model name, the
 *           input, colormap and normalisation, and the prediction
 *   HEADER_GAP
 *   per layer: title line, subtitle line (op, shape, zero count), the
 *           legend (LEGEND_H high, as wide as the grid within
 *           LEGEND_MIN_W..LEGEND_MAX_W), then rows of cells; a cell is
 *           the tile (tile_side square, centred in the cell) over its
 *           channel index, columns = min (C, FM_SHEET_MAX_COLUMNS)
 *   LAYER_GAP between layers, MARGIN at the bottom */
#define MARGIN        16
#define THUMB_SIDE    64
#define HEADER_GAP    20
#define TITLE_PX      16
#define TITLE_LINE    22
#define TEXT_PX       12
#define TEXT_LINE     17
#define LAYER_PX      14
#define LAYER_LINE    20
#define INDEX_PX      10
#define INDEX_H       14
#define CELL_GAP      4
#define MIN_CELL_W    24
#define LEGEND_H      28
#define LEGEND_MIN_W  160
#define LEGEND_MAX_W  320
#define LEGEND_GAP    8
#define LAYER_GAP     16
#define MIN_CONTENT_W 420

/* ---- layout ------------------------------------------------------------- */

static int
layer_columns (const FmSheetLayer *l)
{
  return MAX (1, MIN (l->channels, FM_SHEET_MAX_COLUMNS));
}

static int
cell_width (const FmSheetSpec *spec)
{
  return MAX (spec->tile_side, MIN_CELL_W) + CELL_GAP;
}

static int
cell_height (const FmSheetSpec *spec)
{
  return spec->tile_side + INDEX_H + CELL_GAP;
}

static gint64
layer_rows (const FmSheetLayer *l)
{
  int cols = layer_columns (l);

  return ((gint64) MAX (l->channels, 0) + cols - 1) / cols;
}

static gint64
grid_width (const FmSheetSpec  *spec,
            const FmSheetLayer *l)
{
  return (gint64) layer_columns (l) * cell_width (spec) - CELL_GAP;
}

static int
header_lines (const FmSheetSpec *spec)
{
  return 2 + (spec->n_top > 0 ? 1 : 0);
}

static gint64
header_height (const FmSheetSpec *spec)
{
  return MAX (THUMB_SIDE, TITLE_LINE + header_lines (spec) * TEXT_LINE);
}

/* Height of a layer block before its grid. */
static int
layer_head_height (void)
{
  return LAYER_LINE + TEXT_LINE + LEGEND_H + LEGEND_GAP;
}

static gint64
layer_block_height (const FmSheetSpec  *spec,
                    const FmSheetLayer *l)
{
  return layer_head_height () + layer_rows (l) * cell_height (spec) - CELL_GAP;
}

/* Top of layer @index's block. */
static gint64
layer_top (const FmSheetSpec *spec,
           guint              index)
{
  gint64 y = MARGIN + header_height (spec) + HEADER_GAP;

  for (guint i = 0; i < index && i < spec->n_layers; i++)
    y += layer_block_height (spec, &spec->layers[i]) + LAYER_GAP;
  return y;
}

static gboolean
check_spec (const FmSheetSpec  *spec,
            GError            **error)
{
  if (spec->tile_side < FM_SHEET_MIN_TILE_SIDE || spec->tile_side > FM_SHEET_MAX_TILE_SIDE)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("tile size %d is outside %d..%d pixels"), spec->tile_side,
                   FM_SHEET_MIN_TILE_SIDE, FM_SHEET_MAX_TILE_SIDE);
      return FALSE;
    }
  for (guint i = 0; i < spec->n_layers; i++)
    {
      const FmSheetLayer *l = &spec->layers[i];

      if (l->channels <= 0 || l->height <= 0 || l->width <= 0
          || l->data == NULL || l->stats == NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("layer “%s”: no feature maps to draw"), l->name ? l->name : "?");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
fm_sheet_get_size (const FmSheetSpec *spec,
                   int               *width,
                   int               *height,
                   GError           **error)
{
  gint64 content_w = MIN_CONTENT_W, w, h;

  g_return_val_if_fail (spec != NULL, FALSE);

  if (!check_spec (spec, error))
    return FALSE;
  for (guint i = 0; i < spec->n_layers; i++)
    content_w = MAX (content_w, grid_width (spec, &spec->layers[i]));
  w = 2 * MARGIN + content_w;
  h = layer_top (spec, spec->n_layers) + MARGIN;
  if (spec->n_layers > 0)
    h -= LAYER_GAP;
  if (w > FM_SHEET_MAX_SIDE || h > FM_SHEET_MAX_SIDE
      || (guint64) w * (guint64) h > FM_SHEET_MAX_PIXELS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("the picture would be %" PRId64 " × %" PRId64
                     " pixels, more than the %d × %d and %zu"
                     " megapixels an export may have; choose a smaller tile size "
                     "or fewer layers"), w, h, FM_SHEET_MAX_SIDE, FM_SHEET_MAX_SIDE,
                   FM_SHEET_MAX_PIXELS / (1024 * 1024));
      return FALSE;
    }
  *width = (int) w;
  *height = (int) h;
  return TRUE;
}

gboolean
fm_sheet_tile_rect (const FmSheetSpec     *spec,
                    guint                  layer,
                    guint                  channel,
                    cairo_rectangle_int_t *rect)
{
  const FmSheetLayer *l;
  int cols;

  g_return_val_if_fail (spec != NULL && rect != NULL, FALSE);

  if (layer >= spec->n_layers || channel >= (guint) MAX (spec->layers[layer].channels, 0))
    return FALSE;
  l = &spec->layers[layer];
  cols = layer_columns (l);
  rect->x = MARGIN + (int) (channel % cols) * cell_width (spec)
            + (cell_width (spec) - CELL_GAP - spec->tile_side) / 2;
  rect->y = (int) (layer_top (spec, layer) + layer_head_height ()
                   + (gint64) (channel / cols) * cell_height (spec));
  rect->width = spec->tile_side;
  rect->height = spec->tile_side;
  return TRUE;
}

gboolean
fm_sheet_legend_rect (const FmSheetSpec     *spec,
                      guint                  layer,
                      cairo_rectangle_int_t *rect)
{
  g_return_val_if_fail (spec != NULL && rect != NULL, FALSE);

  if (layer >= spec->n_layers)
    return FALSE;
  rect->x = MARGIN;
  rect->y = (int) (layer_top (spec, layer) + LAYER_LINE + TEXT_LINE);
  rect->width = (int) CLAMP (grid_width (spec, &spec->layers[layer]),
                             LEGEND_MIN_W, LEGEND_MAX_W);
  rect->height = LEGEND_H;
  return TRUE;
}

/* ---- ranges and text ---------------------------------------------------- */

void
fm_sheet_tile_range (const FmSheetSpec *spec,
                     guint              layer,
                     int                channel,
                     float             *vmin,
                     float             *vmax)
{
  const FmSheetLayer *l;

  g_return_if_fail (spec != NULL && layer < spec->n_layers);

  l = &spec->layers[layer];
  switch (spec->normalize)
    {
    case FM_NORMALIZE_FIXED:
      *vmin = spec->fixed_min;
      *vmax = spec->fixed_max;
      return;
    case FM_NORMALIZE_TILE:
      if (channel >= 0 && channel < l->channels)
        {
          *vmin = l->stats[channel].min;
          *vmax = l->stats[channel].max;
          return;
        }
      G_GNUC_FALLTHROUGH;
    case FM_NORMALIZE_LAYER:
    default:
      fm_channel_stats_range (l->stats, (guint) l->channels, vmin, vmax);
      return;
    }
}

void
fm_sheet_tile_style (const FmSheetSpec *spec,
                     guint              layer,
                     guint              channel,
                     FmTileStyle       *style)
{
  g_return_if_fail (spec != NULL && layer < spec->n_layers);
  g_return_if_fail (channel < (guint) spec->layers[layer].channels);

  memset (style, 0, sizeof *style);
  style->colormap = spec->colormap;
  fm_sheet_tile_range (spec, layer, (int) channel, &style->vmin, &style->vmax);
  style->all_zero = spec->layers[layer].stats[channel].all_zero;
  style->dark = spec->dark;
}

static guint
count_zero (const FmSheetLayer *l)
{
  guint n = 0;

  for (int c = 0; c < l->channels; c++)
    n += l->stats[c].all_zero ? 1 : 0;
  return n;
}

char *
fm_sheet_zero_channels_text (const FmSheetSpec *spec)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (spec != NULL, NULL);

  for (guint i = 0; i < spec->n_layers; i++)
    {
      const FmSheetLayer *l = &spec->layers[i];
      gboolean any = FALSE;

      g_string_append_printf (s, "%s%s:", i > 0 ? "; " : "", l->name);
      for (int c = 0; c < l->channels; c++)
        if (l->stats[c].all_zero)
          {
            g_string_append_printf (s, "%s %d", any ? "," : "", c);
            any = TRUE;
          }
      if (!any)
        g_string_append (s, " none");
    }
  return g_string_free (s, FALSE);
}

static const char *
colormap_name (const FmSheetSpec *spec)
{
  return fm_colormap_get_name (spec->colormap != NULL ? spec->colormap
                                                      : fm_colormap_get_default ());
}

/* "layer", "tile" or "fixed MIN:MAX" (C locale, float32 round-trip). */
static char *
normalisation_text (const FmSheetSpec *spec)
{
  char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

  switch (spec->normalize)
    {
    case FM_NORMALIZE_TILE:
      return g_strdup ("tile");
    case FM_NORMALIZE_FIXED:
      g_ascii_formatd (lo, sizeof lo, "%.9g", spec->fixed_min);
      g_ascii_formatd (hi, sizeof hi, "%.9g", spec->fixed_max);
      return g_strdup_printf ("fixed %s:%s", lo, hi);
    case FM_NORMALIZE_LAYER:
    default:
      return g_strdup ("layer");
    }
}

static char *
input_text (const FmSheetSpec *spec)
{
  const char *name = spec->input_name != NULL ? spec->input_name : "";

  return spec->inverted ? g_strdup_printf ("%s (inverted)", name) : g_strdup (name);
}

GStrv
fm_sheet_png_text (const FmSheetSpec *spec)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr(GString) layers = g_string_new (NULL);
  g_autofree char *zeros = NULL;
  g_autofree char *norm = NULL;
  g_autofree char *input = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  for (guint i = 0; i < spec->n_layers; i++)
    g_string_append_printf (layers, "%s%s", i > 0 ? ", " : "", spec->layers[i].name);
  zeros = fm_sheet_zero_channels_text (spec);
  norm = normalisation_text (spec);
  input = input_text (spec);

  g_strv_builder_add_many (b, "Software", PACKAGE_NAME " " PACKAGE_VERSION, NULL);
  if (spec->model_file != NULL)
    g_strv_builder_add_many (b, "Source", spec->model_file, NULL);
  g_strv_builder_add_many (b, "Layer", layers->str,
                           "Input", input,
                           "Normalisation", norm,
                           "Colormap", colormap_name (spec),
                           "Zero channels", zeros,
                           NULL);
  return g_strv_builder_end (b);
}

/* ---- drawing ------------------------------------------------------------ */

/* Draws @text with its top-left at (x, y), at most @max_w wide (ellipsized),
 * or centred in @max_w when @centre. Text is pango "Sans" at absolute
 * pixel sizes with fixed font options (grayscale antialiasing, no hinting,
 * unhinted metrics), so the same sheet comes out the same whatever the
 * desktop's font settings; those options are set on the sheet's own text
 * only, never on the tiles, which fm_tile_render() draws exactly as it
 * does in the window. */
static void
draw_text (cairo_t      *cr,
           const char   *text,
           double        x,
           double        y,
           int           max_w,
           int           px,
           gboolean      bold,
           gboolean      centre,
           const double  rgb[3])
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoContext *context = pango_layout_get_context (layout);
  PangoFontDescription *desc = pango_font_description_from_string (bold ? "Sans Bold" : "Sans");
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (context, options);
  pango_layout_context_changed (layout);

  pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, max_w * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (centre)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);

  cairo_save (cr);
  fm_tile_colours_set_source (cr, rgb);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);

  cairo_font_options_destroy (options);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

/* The input's first channel in gray, scaled to its own range, fitted in
 * the thumbnail square, as the window's input preview draws it. */
static void
draw_thumbnail (cairo_t             *cr,
                const FmSheetSpec   *spec,
                const FmTileColours *colours)
{
  FmTileStyle style = { 0 };
  gsize plane = (gsize) spec->input_height * (gsize) spec->input_width;
  int longest = MAX (spec->input_height, spec->input_width);
  int tw = MAX (1, THUMB_SIDE * spec->input_width / longest);
  int th = MAX (1, THUMB_SIDE * spec->input_height / longest);

  fm_tile_style_gray_input (&style, spec->input, plane);
  cairo_save (cr);
  cairo_translate (cr, MARGIN + (THUMB_SIDE - tw) / 2, MARGIN + (THUMB_SIDE - th) / 2);
  fm_tile_render (cr, spec->input, spec->input_height, spec->input_width, tw, th, &style);
  cairo_rectangle (cr, -0.5, -0.5, tw + 1, th + 1);
  cairo_set_line_width (cr, 1);
  fm_tile_colours_set_source (cr, colours->grey);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_header (cairo_t             *cr,
             const FmSheetSpec   *spec,
             int                  sheet_w,
             const FmTileColours *colours)
{
  g_autofree char *input = input_text (spec);
  g_autofree char *norm = normalisation_text (spec);
  g_autofree char *line = NULL;
  gboolean thumb = spec->input != NULL && spec->input_height > 0 && spec->input_width > 0;
  int x = MARGIN + (thumb ? THUMB_SIDE + 12 : 0);
  int w = sheet_w - MARGIN - x;
  int y = MARGIN;

  if (thumb)
    draw_thumbnail (cr, spec, colours);

  draw_text (cr, spec->model_name != NULL ? spec->model_name : "", x, y, w, TITLE_PX,
             TRUE, FALSE, colours->text);
  y += TITLE_LINE;
  line = g_strdup_printf ("Input: %s", input);
  draw_text (cr, line, x, y, w, TEXT_PX, FALSE, FALSE, colours->text);
  y += TEXT_LINE;
  g_free (line);
  line = g_strdup_printf ("Colormap: %s · normalisation: %s", colormap_name (spec), norm);
  draw_text (cr, line, x, y, w, TEXT_PX, FALSE, FALSE, colours->grey);
  y += TEXT_LINE;

  if (spec->n_top > 0)
    {
      g_autoptr(GString) s = g_string_new ("Prediction");

      if (spec->output_name != NULL)
        g_string_append_printf (s, " (%s)", spec->output_name);
      g_string_append (s, ":");
      for (guint k = 0; k < spec->n_top; k++)
        {
          const FmSheetClass *t = &spec->top[k];
          char prob[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_formatd (prob, sizeof prob, "%.1f", 100.0 * t->probability);
          if (t->label != NULL)
            g_string_append_printf (s, "%s %s %s %%", k > 0 ? "," : "", t->label, prob);
          else
            g_string_append_printf (s, "%s #%u %s %%", k > 0 ? "," : "", t->index, prob);
        }
      draw_text (cr, s->str, x, y, w, TEXT_PX, TRUE, FALSE, colours->text);
    }
}

static void
draw_layer (cairo_t             *cr,
            const FmSheetSpec   *spec,
            guint                index,
            int                  sheet_w,
            const FmTileColours *colours)
{
  const FmSheetLayer *l = &spec->layers[index];
  int y = (int) layer_top (spec, index);
  int content_w = sheet_w - 2 * MARGIN;
  g_autofree char *subtitle = NULL;
  cairo_rectangle_int_t legend;
  float vmin, vmax;
  gsize plane = (gsize) l->height * (gsize) l->width;

  draw_text (cr, l->name, MARGIN, y, content_w, LAYER_PX, TRUE, FALSE, colours->text);
  /* The window's section subtitle: "Conv + Relu · [1, 32, 28, 28] · 5 / 32 zero",
   * or with the layout: "Transpose · [1, 7, 7, 8], channels last · 0 / 8 zero". */
  if (l->shape_text[0] != '\0')
    subtitle = g_strdup_printf ("%s · %s · %u / %d zero",
                                l->op_label != NULL ? l->op_label : "", l->shape_text,
                                count_zero (l), l->channels);
  else
    subtitle = g_strdup_printf ("%s · [%d, %d, %d, %d] · %u / %d zero",
                                l->op_label != NULL ? l->op_label : "",
                                l->batch, l->channels, l->height, l->width,
                                count_zero (l), l->channels);
  draw_text (cr, subtitle, MARGIN, y + LAYER_LINE, content_w, TEXT_PX, FALSE, FALSE,
             colours->grey);

  fm_sheet_legend_rect (spec, index, &legend);
  fm_sheet_tile_range (spec, index, -1, &vmin, &vmax);
  cairo_save (cr);
  cairo_translate (cr, legend.x, legend.y);
  fm_legend_render (cr, spec->colormap, vmin, vmax, legend.width, legend.height, spec->dark);
  cairo_restore (cr);

  for (int c = 0; c < l->channels; c++)
    {
      cairo_rectangle_int_t r;
      FmTileStyle style;
      char label[16];

      fm_sheet_tile_rect (spec, index, (guint) c, &r);
      fm_sheet_tile_style (spec, index, (guint) c, &style);
      cairo_save (cr);
      cairo_translate (cr, r.x, r.y);
      fm_tile_render (cr, l->data + (gsize) c * plane, l->height, l->width,
                      spec->tile_side, spec->tile_side, &style);
      cairo_restore (cr);

      g_snprintf (label, sizeof label, "%d", c);
      draw_text (cr, label, r.x + r.width / 2 - (cell_width (spec) - CELL_GAP) / 2,
                 r.y + r.height + 1, cell_width (spec) - CELL_GAP, INDEX_PX,
                 style.all_zero, TRUE, style.all_zero ? colours->text : colours->grey);
    }
}

cairo_surface_t *
fm_sheet_render (const FmSheetSpec *spec,
                 GError           **error)
{
  const FmTileColours *colours;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  g_return_val_if_fail (spec != NULL, NULL);

  if (!fm_sheet_get_size (spec, &width, &height, error))
    return NULL;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("cannot make a %d × %d picture: %s"), width, height,
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }

  colours = fm_tile_colours (spec->dark);
  cr = cairo_create (surface);
  fm_tile_colours_set_source (cr, colours->bg);
  cairo_paint (cr);

  draw_header (cr, spec, width, colours);
  for (guint i = 0; i < spec->n_layers; i++)
    draw_layer (cr, spec, i, width, colours);

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

gboolean
fm_sheet_write_png (const FmSheetSpec *spec,
                    const char        *path,
                    GError           **error)
{
  cairo_surface_t *surface;
  g_auto(GStrv) text = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (spec != NULL && path != NULL, FALSE);

  surface = fm_sheet_render (spec, &local_error);
  if (surface == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FM_ERROR, local_error->code, _("Could not write “%s”: %s"),
                   display, local_error->message);
      return FALSE;
    }
  text = fm_sheet_png_text (spec);
  ok = fm_png_write_surface (path, surface, (const char * const *) text, error);
  cairo_surface_destroy (surface);
  return ok;
}

void
fm_sheet_spec_init (FmSheetSpec        *spec,
                    const FmModel      *model,
                    const FmSheetLayer *layers,
                    guint               n_layers)
{
  memset (spec, 0, sizeof *spec);
  spec->model_name = model->display_name;
  spec->model_file = model->path;
  spec->layers = layers;
  spec->n_layers = n_layers;
}

void
fm_sheet_layer_init (FmSheetLayer         *layer,
                     const FmModel        *model,
                     const FmLayer        *entry,
                     const float          *data,
                     const FmChannelStats *stats)
{
  const FmValue *v = &model->values[entry->value_id];
  g_autofree char *shape_text = fm_layer_shape_text (model, entry);

  memset (layer, 0, sizeof *layer);
  layer->name = v->name;
  layer->op_label = fm_layer_op_label (model, entry);
  layer->batch = (int) v->shape.dims[0];
  if (entry->layout != FM_LAYOUT_NCHW)
    g_strlcpy (layer->shape_text, shape_text, sizeof layer->shape_text);
  layer->channels = (int) entry->channels;
  layer->height = (int) entry->height;
  layer->width = (int) entry->width;
  layer->data = data;
  layer->stats = stats;
}

void
fm_sheet_spec_set_prediction (FmSheetSpec        *spec,
                              FmSheetClass       *top,
                              const FmModel      *model,
                              const FmPrediction *p,
                              GStrv               labels)
{
  for (guint k = 0; k < p->n_top; k++)
    {
      top[k].label = fm_labels_get (labels, p->index[k]);
      top[k].index = p->index[k];
      top[k].probability = p->probability[k];
    }
  spec->top = top;
  spec->n_top = p->n_top;
  if (p->n_top > 0)
    spec->output_name = model->values[p->output_id].name;
}
