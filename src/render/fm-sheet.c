/* fm-sheet.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lays out and draws a sheet of feature maps (see fm-sheet.h) on a cairo
 * image surface; fm-sheet-text.c says what it shows (ranges, verdicts,
 * texts, PNG text chunks), fm-sheet-output.c writes it.
 * This file does not compute statistics, ranges other than the window's
 * rule, or file names.
 */
#include "config.h"

#include "fm-sheet.h"
#include "fm-sheet-private.h"

#include "fm-figure.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"

/* Layout, in pixels, all integers so every tile starts on a pixel:
 *
 *   MARGIN
 *   header: the input thumbnail (THUMB_SIDE square, the tensor fitted in
 *           it keeping its aspect) and, right of it, the model name, the
 *           input and its preprocessing, colormap and normalisation, and
 *           the prediction; under them the key, one entry a line (a
 *           KEY_SWATCH square drawn as the tiles are, and its meaning)
 *   HEADER_GAP
 *   per layer: title line, subtitle line (op, shape, zero count), the
 *           legend (LEGEND_H high, as wide as the grid within
 *           LEGEND_MIN_W..LEGEND_MAX_W), then rows of cells; a cell is
 *           the tile (tile_side square, centred in the cell) over its
 *           channel index, fm_sheet_layer_columns () to a row
 *   LAYER_GAP between layers, MARGIN at the bottom */
#define MARGIN        16
#define THUMB_SIDE    64
#define HEADER_GAP    20
#define TITLE_PX      16
#define TITLE_LINE    22
#define TEXT_PX       12
#define TEXT_LINE     17
#define KEY_LINE      20
#define KEY_SWATCH    14
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
#define MIN_CONTENT_W 600

/* ---- layout ------------------------------------------------------------- */

static int
tile_cell_width (int tile_side)
{
  return MAX (tile_side, MIN_CELL_W) + CELL_GAP;
}

static int
tile_cell_height (int tile_side)
{
  return tile_side + INDEX_H + CELL_GAP;
}

static int
cell_width (const FmSheetSpec *spec)
{
  return tile_cell_width (spec->tile_side);
}

static int
cell_height (const FmSheetSpec *spec)
{
  return tile_cell_height (spec->tile_side);
}

int
_fm_sheet_layer_count (const FmSheetLayer *l)
{
  return l->shown != NULL ? (int) l->n_shown : MAX (l->channels, 0);
}

int
fm_sheet_auto_columns (int n,
                       int tile_side)
{
  const double target = 4.0 / 3.0;
  double best_full = G_MAXDOUBLE, best_any = G_MAXDOUBLE;
  int full = 0, any = 1;

  for (int c = 1; c <= MIN (n, FM_SHEET_MAX_COLUMNS); c++)
    {
      int rows = (n + c - 1) / c;
      double w = (double) c * tile_cell_width (tile_side) - CELL_GAP;
      double h = (double) rows * tile_cell_height (tile_side) - CELL_GAP;
      double off = fabs (log (w / h / target));

      if (off < best_any)
        {
          best_any = off;
          any = c;
        }
      if (n % c == 0 && off < best_full)
        {
          best_full = off;
          full = c;
        }
    }
  return full > 0 && best_full <= log (2.0) ? full : any;
}

static int
layer_columns (const FmSheetSpec  *spec,
               const FmSheetLayer *l)
{
  int n = _fm_sheet_layer_count (l);

  if (spec->columns > 0)
    return MAX (1, MIN (spec->columns, n));
  return MAX (1, fm_sheet_auto_columns (n, spec->tile_side));
}

int
fm_sheet_layer_columns (const FmSheetSpec *spec,
                        guint              layer)
{
  g_return_val_if_fail (spec != NULL && layer < spec->n_layers, 1);

  return layer_columns (spec, &spec->layers[layer]);
}

static gint64
layer_rows (const FmSheetSpec  *spec,
            const FmSheetLayer *l)
{
  int cols = layer_columns (spec, l);

  return ((gint64) _fm_sheet_layer_count (l) + cols - 1) / cols;
}

static gint64
grid_width (const FmSheetSpec  *spec,
            const FmSheetLayer *l)
{
  return (gint64) layer_columns (spec, l) * cell_width (spec) - CELL_GAP;
}

/* The "Preprocessing:" line's lines: two where it does not fit the width
 * beside the thumbnail on one (it was cut with "…", and the figure is the
 * report's record of how the input was made). Measured once per text and
 * width: the layout asks for it at every layer. */
static int
preprocess_lines (const FmSheetSpec *spec)
{
  /* no heap: a thread that exits leaves nothing behind */
  static _Thread_local char last_text[512];
  static _Thread_local gint64 last_w;
  static _Thread_local int last_lines;
  gint64 content_w = MIN_CONTENT_W;
  gint64 text_w;
  g_autofree char *line = NULL;
  int lines;

  if (spec->preprocess == NULL)
    return 0;
  for (guint i = 0; i < spec->n_layers; i++)
    content_w = MAX (content_w, grid_width (spec, &spec->layers[i]));
  text_w = content_w - (spec->input != NULL && spec->input_height > 0 && spec->input_width > 0
                        ? THUMB_SIDE + 12 : 0);
  line = g_strdup_printf (_("Preprocessing: %s"), spec->preprocess);
  if (last_lines > 0 && last_w == text_w && strcmp (last_text, line) == 0)
    return last_lines;
  lines = fm_figure_text_width (line, TEXT_PX, FALSE) > text_w ? 2 : 1;
  if (strlen (line) < sizeof last_text)
    {
      g_strlcpy (last_text, line, sizeof last_text);
      last_w = text_w;
      last_lines = lines;
    }
  return lines;
}

static int
header_lines (const FmSheetSpec *spec)
{
  return 2 + preprocess_lines (spec) + (spec->n_top > 0 ? 1 : 0);
}

/* The key: the zero mark; with a scan the dead, rare (and near-dead) marks. */
static int
key_entries (const FmSheetSpec *spec)
{
  return spec->scan_dataset != NULL ? 3 + (spec->scan_near_dead ? 1 : 0) : 1;
}

static gboolean
is_near_dead (const FmSheetLayer *l,
              guint               c)
{
  for (guint i = 0; l->near_dead != NULL && i < l->n_near_dead; i++)
    if (l->near_dead[i] == c)
      return TRUE;
  return FALSE;
}

static gint64
header_height (const FmSheetSpec *spec)
{
  return MAX (THUMB_SIDE, TITLE_LINE + header_lines (spec) * TEXT_LINE)
         + LEGEND_GAP + key_entries (spec) * KEY_LINE;
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
  return layer_head_height () + layer_rows (spec, l) * cell_height (spec) - CELL_GAP;
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

/* The position of channel @channel in layer @l's grid, or -1 when it is
 * not shown. */
static int
tile_position (const FmSheetLayer *l,
               guint               channel)
{
  guint lo = 0, hi;

  if (channel >= (guint) MAX (l->channels, 0))
    return -1;
  if (l->shown == NULL)
    return (int) channel;
  hi = l->n_shown;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (l->shown[mid] < channel)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < l->n_shown && l->shown[lo] == channel ? (int) lo : -1;
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
      for (guint k = 0; l->shown != NULL && k < l->n_shown; k++)
        if (l->shown[k] >= (guint) l->channels || (k > 0 && l->shown[k] <= l->shown[k - 1]))
          {
            g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                         _("layer “%s”: the channels to show are out of order or range"),
                         l->name ? l->name : "?");
            return FALSE;
          }
    }
  if (spec->columns < 0 || spec->columns > FM_SHEET_MAX_COLUMNS_GIVEN)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%d columns is outside 1..%d"), spec->columns, FM_SHEET_MAX_COLUMNS_GIVEN);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_sheet_measure (const FmSheetSpec *spec,
                  gint64            *width,
                  gint64            *height,
                  GError           **error)
{
  gint64 content_w = MIN_CONTENT_W;

  g_return_val_if_fail (spec != NULL, FALSE);

  if (!check_spec (spec, error))
    return FALSE;
  for (guint i = 0; i < spec->n_layers; i++)
    content_w = MAX (content_w, grid_width (spec, &spec->layers[i]));
  *width = 2 * MARGIN + content_w;
  *height = layer_top (spec, spec->n_layers) + MARGIN;
  if (spec->n_layers > 0)
    *height -= LAYER_GAP;
  return TRUE;
}

gboolean
fm_sheet_get_size (const FmSheetSpec *spec,
                   int               *width,
                   int               *height,
                   GError           **error)
{
  gint64 w, h;

  g_return_val_if_fail (spec != NULL, FALSE);

  if (!fm_sheet_measure (spec, &w, &h, error))
    return FALSE;
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
  int cols, k;

  g_return_val_if_fail (spec != NULL && rect != NULL, FALSE);

  if (layer >= spec->n_layers)
    return FALSE;
  l = &spec->layers[layer];
  k = tile_position (l, channel);
  if (k < 0)
    return FALSE;
  cols = layer_columns (spec, l);
  rect->x = MARGIN + (k % cols) * cell_width (spec)
            + (cell_width (spec) - CELL_GAP - spec->tile_side) / 2;
  rect->y = (int) (layer_top (spec, layer) + layer_head_height ()
                   + (gint64) (k / cols) * cell_height (spec));
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

/* ---- drawing ------------------------------------------------------------ */

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

/* One entry of the key: a swatch drawn as the tiles are (a zero map with
 * the zero mark, or a live map with a scan frame), then its meaning. */
static void
draw_key_entry (cairo_t             *cr,
                const FmSheetSpec   *spec,
                FmSheetVerdict       verdict,
                const char          *text,
                int                  y,
                int                  sheet_w,
                const FmTileColours *colours)
{
  static const float zero_map[4] = { 0, 0, 0, 0 };
  static const float live_map[4] = { 0.2f, 0.5f, 0.8f, 0.4f };
  static const double dash[] = { 3, 2 };
  FmTileStyle style = { 0 };
  int top = y + (KEY_LINE - KEY_SWATCH) / 2;

  style.colormap = spec->colormap;
  style.vmin = 0;
  style.vmax = 1;
  style.all_zero = verdict == FM_SHEET_VERDICT_NONE;
  style.dark = spec->dark;
  cairo_save (cr);
  cairo_translate (cr, MARGIN, top);
  fm_tile_render (cr, style.all_zero ? zero_map : live_map, 2, 2, KEY_SWATCH, KEY_SWATCH,
                  &style);
  if (verdict == FM_SHEET_VERDICT_LIVE)  /* the near-dead corner */
    fm_tile_render_near_dead_mark (cr, 0, 0, fm_tile_near_dead_mark_size (KEY_SWATCH));
  else if (!style.all_zero)
    fm_tile_render_scan_mark (cr, verdict == FM_SHEET_VERDICT_DEAD, KEY_SWATCH, 2, dash);
  cairo_restore (cr);
  fm_figure_text_line (cr, text, MARGIN + KEY_SWATCH + 8, top + (KEY_SWATCH - TEXT_LINE) / 2 + 1,
             sheet_w - 2 * MARGIN - KEY_SWATCH - 8, TEXT_PX, FALSE, FALSE, colours->text);
}

static void
draw_key (cairo_t             *cr,
          const FmSheetSpec   *spec,
          int                  y,
          int                  sheet_w,
          const FmTileColours *colours)
{
  g_autofree char *dead = NULL;
  g_autofree char *rare = NULL;
  g_autofree char *dataset = NULL;
  g_autofree char *percent = NULL;
  g_autofree char *images = NULL;

  draw_key_entry (cr, spec, FM_SHEET_VERDICT_NONE,
                  _("Hatched: zero everywhere for this input"), y, sheet_w, colours);
  if (spec->scan_dataset == NULL)
    return;
  dataset = g_filename_display_basename (spec->scan_dataset);
  images = g_strdup_printf ("%" G_GUINT64_FORMAT, spec->scan_images);
  percent = g_strdup_printf ("%g %%", 100.0 * spec->rare_below);
  if (spec->scan_partial)
    /* Translators: the key to the sheet's red frame: "dead on
     * digits.idx (first 500 images of a partial scan)" */
    dead = g_strdup_printf (_("Red frame: dead on %s (the first %s images, a partial scan)"),
                            dataset, images);
  else
    /* Translators: the key to the sheet's red frame: "dead on
     * digits.idx (2000 images)" */
    dead = g_strdup_printf (_("Red frame: dead on %s (%s images)"), dataset, images);
  /* Translators: the key to the sheet's dashed amber frame: "fires on
   * under 1 % of them" (the images of the dataset) */
  rare = g_strdup_printf (_("Dashed amber frame: fires on under %s of them"), percent);
  draw_key_entry (cr, spec, FM_SHEET_VERDICT_DEAD, dead, y + KEY_LINE, sheet_w, colours);
  draw_key_entry (cr, spec, FM_SHEET_VERDICT_RARE, rare, y + 2 * KEY_LINE, sheet_w, colours);
  if (spec->scan_near_dead)
    /* Translators: the key to the sheet's blue corner; keep "APoZ" */
    draw_key_entry (cr, spec, FM_SHEET_VERDICT_LIVE,
                    _("Blue corner: near-dead, APoZ above the layer’s mean + 1 standard "
                      "deviation"), y + 3 * KEY_LINE, sheet_w, colours);
}

static void
draw_header (cairo_t             *cr,
             const FmSheetSpec   *spec,
             int                  sheet_w,
             const FmTileColours *colours)
{
  g_autofree char *norm = _fm_sheet_normalisation_text (spec);
  g_autofree char *line = NULL;
  const char *input = spec->input_name != NULL ? spec->input_name : "";
  gboolean thumb = spec->input != NULL && spec->input_height > 0 && spec->input_width > 0;
  int x = MARGIN + (thumb ? THUMB_SIDE + 12 : 0);
  int w = sheet_w - MARGIN - x;
  int y = MARGIN;

  if (thumb)
    draw_thumbnail (cr, spec, colours);

  fm_figure_text_line (cr, spec->model_name != NULL ? spec->model_name : "", x, y, w, TITLE_PX,
             TRUE, FALSE, colours->text);
  y += TITLE_LINE;
  if (spec->inverted && spec->preprocess == NULL)
    line = g_strdup_printf (_("Input: %s (inverted)"), input);
  else
    line = g_strdup_printf (_("Input: %s"), input);
  fm_figure_text_line (cr, line, x, y, w, TEXT_PX, FALSE, FALSE, colours->text);
  y += TEXT_LINE;
  g_free (line);
  if (spec->preprocess != NULL)
    {
      /* Translators: the sheet's line on how the input was preprocessed
       * ("gray, 0–1, not normalised, inverted") */
      line = g_strdup_printf (_("Preprocessing: %s"), spec->preprocess);
      if (preprocess_lines (spec) == 2)
        fm_figure_text (cr, line, x, y, w, TEXT_PX, FALSE, colours->grey);
      else
        fm_figure_text_line (cr, line, x, y, w, TEXT_PX, FALSE, FALSE, colours->grey);
      y += preprocess_lines (spec) * TEXT_LINE;
      g_free (line);
    }
  /* Translators: the sheet's colour line: "Colormap: viridis ·
   * normalisation: layer" (layer, tile or fixed MIN:MAX) */
  line = g_strdup_printf (_("Colormap: %s · normalisation: %s"), _fm_sheet_colormap_name (spec), norm);
  fm_figure_text_line (cr, line, x, y, w, TEXT_PX, FALSE, FALSE, colours->grey);
  y += TEXT_LINE;

  if (spec->n_top > 0)
    {
      g_autofree char *prediction = _fm_sheet_prediction_text (spec);

      fm_figure_text_line (cr, prediction, x, y, w, TEXT_PX, TRUE, FALSE, colours->text);
    }
  draw_key (cr, spec,
            MARGIN + (int) header_height (spec) - key_entries (spec) * KEY_LINE,
            sheet_w, colours);
}

/* "Conv + Relu · [1, 32, 28, 28] · 5 / 32 zero · 3 dead, 1 rare · 8 shown" */
static char *
layer_subtitle (const FmSheetSpec  *spec,
                const FmSheetLayer *l)
{
  GString *s = g_string_new (l->op_label != NULL ? l->op_label : "");

  if (l->shape_text[0] != '\0')
    g_string_append_printf (s, " · %s", l->shape_text);
  else
    g_string_append_printf (s, " · [%d, %d, %d, %d]", l->batch, l->channels, l->height,
                            l->width);
  /* Translators: a layer's count of channels that are zero for this input */
  g_string_append_printf (s, _(" · %u / %d zero"), _fm_sheet_count_zero (l), l->channels);
  if (l->fire_count != NULL)
    /* Translators: a layer's counts from the dataset scan */
    g_string_append_printf (s, _(" · %u dead, %u rare"),
                            _fm_sheet_count_verdict (spec, l, FM_SHEET_VERDICT_DEAD),
                            _fm_sheet_count_verdict (spec, l, FM_SHEET_VERDICT_RARE));
  if (l->shown != NULL)
    /* Translators: how many of a layer's channels the sheet shows */
    g_string_append_printf (s, _(" · %u shown"), l->n_shown);
  return g_string_free (s, FALSE);
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
  g_autofree char *subtitle = layer_subtitle (spec, l);
  cairo_rectangle_int_t legend;
  float vmin, vmax;
  gsize plane = (gsize) l->height * (gsize) l->width;

  fm_figure_text_line (cr, l->name, MARGIN, y, content_w, LAYER_PX, TRUE, FALSE, colours->text);
  fm_figure_text_line (cr, subtitle, MARGIN, y + LAYER_LINE, content_w, TEXT_PX, FALSE, FALSE,
             colours->grey);

  fm_sheet_legend_rect (spec, index, &legend);
  cairo_save (cr);
  cairo_translate (cr, legend.x, legend.y);
  if (spec->normalize == FM_NORMALIZE_TILE)
    /* Translators: the ends of a colour bar when every tile is scaled
       to its own range, under its left and right ends */
    fm_legend_render_text (cr, spec->colormap, _("each tile’s min"), _("each tile’s max"),
                           legend.width, legend.height, spec->dark);
  else
    {
      fm_sheet_tile_range (spec, index, -1, &vmin, &vmax);
      fm_legend_render (cr, spec->colormap, vmin, vmax, legend.width, legend.height,
                        spec->dark);
    }
  cairo_restore (cr);

  for (int k = 0; k < _fm_sheet_layer_count (l); k++)
    {
      int c = l->shown != NULL ? (int) l->shown[k] : k;
      FmSheetVerdict verdict = fm_sheet_verdict (spec, l, (guint) c);
      cairo_rectangle_int_t r;
      FmTileStyle style;
      char label[16];

      fm_sheet_tile_rect (spec, index, (guint) c, &r);
      fm_sheet_tile_style (spec, index, (guint) c, &style);
      cairo_save (cr);
      cairo_translate (cr, r.x, r.y);
      fm_tile_render (cr, l->data + (gsize) c * plane, l->height, l->width,
                      spec->tile_side, spec->tile_side, &style);
      /* As FmTile draws it over its map. */
      if (verdict == FM_SHEET_VERDICT_DEAD || verdict == FM_SHEET_VERDICT_RARE)
        fm_tile_render_scan_mark (cr, verdict == FM_SHEET_VERDICT_DEAD, spec->tile_side,
                                  FM_TILE_SCAN_MARK_WIDTH, fm_tile_scan_mark_dash);
      if (is_near_dead (l, (guint) c))
        fm_tile_render_near_dead_mark (cr, 0, 0, fm_tile_near_dead_mark_size (spec->tile_side));
      cairo_restore (cr);

      g_snprintf (label, sizeof label, "%d", c);
      fm_figure_text_line (cr, label, r.x + r.width / 2 - (cell_width (spec) - CELL_GAP) / 2,
                 r.y + r.height + 1, cell_width (spec) - CELL_GAP, INDEX_PX,
                 style.all_zero, TRUE, style.all_zero ? colours->text : colours->grey);
    }
}

void
fm_sheet_draw (const FmSheetSpec *spec,
               cairo_t           *cr,
               int                width)
{
  const FmTileColours *colours = fm_tile_colours (spec->dark);

  fm_tile_colours_set_source (cr, colours->bg);
  cairo_paint (cr);
  draw_header (cr, spec, width, colours);
  for (guint i = 0; i < spec->n_layers; i++)
    draw_layer (cr, spec, i, width, colours);
}

cairo_surface_t *
fm_sheet_render (const FmSheetSpec *spec,
                 GError           **error)
{
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

  cr = cairo_create (surface);
  fm_sheet_draw (spec, cr, width);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
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
  spec->softmax_applied = p->softmax_applied;
  if (p->n_top > 0)
    spec->output_name = model->values[p->output_id].name;
}
