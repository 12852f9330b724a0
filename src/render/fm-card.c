/* fm-card.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The channel card (see fm-card.h): resolving LAYER:CHANNEL, checking a
 * scan against the model, fetching the scan's top images (fm-atlas.c's
 * runner) and drawing the one page. It does not parse scan files
 * (fm-scan-json.c does) or choose what to export.
 */
#include "config.h"

#include "fm-card.h"

#include "fm-figure.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"

/* ---- LAYER:CHANNEL ------------------------------------------------------- */

/* The entry of @every whose value is @value_id, or -1. */
static int
entry_of_value (GArray *every,
                int     value_id)
{
  for (guint i = 0; value_id >= 0 && i < every->len; i++)
    if (g_array_index (every, FmLayer, i).value_id == value_id)
      return (int) i;
  return -1;
}

/* The entry of @every named @name in @list's friendly names, or -1. */
static int
entry_of_friendly (const FmModel *model,
                   GArray        *every,
                   GArray        *list,
                   const char    *name)
{
  g_auto(GStrv) names = NULL;

  fm_layers_friendly_names (model, list, &names);
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return entry_of_value (every, g_array_index (list, FmLayer, i).value_id);
  return -1;
}

char *
fm_card_friendly_name (const FmModel *model,
                       guint          index)
{
  g_autoptr(GArray) every = fm_layers_list (model, FALSE);
  g_autoptr(GArray) merged = fm_layers_list (model, TRUE);
  g_auto(GStrv) names = NULL;
  int value_id;

  g_return_val_if_fail (index < every->len, NULL);

  value_id = g_array_index (every, FmLayer, index).value_id;
  fm_layers_friendly_names (model, merged, &names);
  for (guint i = 0; i < merged->len; i++)
    if (g_array_index (merged, FmLayer, i).value_id == value_id)
      return g_strdup (names[i]);
  g_strfreev (g_steal_pointer (&names));
  fm_layers_friendly_names (model, every, &names);
  return g_strdup (names[index]);
}

gboolean
fm_card_find_layer (const FmModel  *model,
                    const char     *name,
                    guint          *index,
                    GError        **error)
{
  g_autoptr(GArray) every = fm_layers_list (model, FALSE);
  g_autoptr(GArray) merged = fm_layers_list (model, TRUE);
  int i = entry_of_value (every, fm_model_find_value (model, name));

  if (i < 0)
    i = entry_of_friendly (model, every, merged, name);
  if (i < 0)
    i = entry_of_friendly (model, every, every, name);
  if (i < 0)
    {
      /* the window's names, shorter than the tensors' (both are taken) */
      g_auto(GStrv) names = NULL;
      g_autofree char *list = NULL;
      g_autofree char *shown = g_utf8_make_valid (name, -1);

      fm_layers_friendly_names (model, every, &names);
      list = g_strjoinv (", ", names);

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: no feature-map layer “%s”; the layers are: %s"), model->path, shown,
                   list[0] != '\0' ? list : _("none"));
      return FALSE;
    }
  *index = (guint) i;
  return TRUE;
}

gboolean
fm_card_parse (const char  *text,
               char       **layer,
               guint       *channel,
               GError     **error)
{
  const char *colon = strrchr (text, ':');
  /* Messages quote what was typed: in UTF-8 whatever it was. */
  g_autofree char *shown = g_utf8_make_valid (text, -1);
  guint64 c;

  if (colon == NULL || colon == text)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("“%s” is not LAYER:CHANNEL (a layer's name, a colon and a channel number)"),
                   shown);
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT, &c, NULL))
    {
      g_autofree char *number = g_utf8_make_valid (colon + 1, -1);

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("“%s”: “%s” is not a channel number"), shown, number);
      return FALSE;
    }
  *layer = g_strndup (text, colon - text);
  *channel = (guint) c;
  return TRUE;
}

gboolean
fm_card_resolve (const FmModel  *model,
                 const char     *text,
                 guint          *index,
                 guint          *channel,
                 GError        **error)
{
  g_autoptr(GArray) every = fm_layers_list (model, FALSE);
  g_autofree char *layer = NULL;
  g_autofree char *shown_layer = NULL;
  const FmLayer *entry;
  guint c;

  if (!fm_card_parse (text, &layer, &c, error))
    return FALSE;
  shown_layer = g_utf8_make_valid (layer, -1);
  if (!fm_card_find_layer (model, layer, index, error))
    return FALSE;
  entry = &g_array_index (every, FmLayer, *index);
  if (c >= entry->channels)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: layer “%s” has %u channels (0 to %u); there is no channel %"
                     PRIu64), model->path, shown_layer, entry->channels,
                   entry->channels - 1, (guint64) c);
      return FALSE;
    }
  *channel = c;
  return TRUE;
}

/* ---- the scan ------------------------------------------------------------ */

static gboolean
same_max (float a,
          float b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  /* Thread counts may round differently; other weights or inputs do not
   * come this close. */
  return fabsf (a - b) <= 1e-3f * MAX (1.0f, fabsf (b));
}

static gboolean
check_maxima (const FmModel      *model,
              const FmScanResult *scan,
              const char         *scan_name,
              guint               scan_layer,
              const FmTopImage   *tops,
              guint               n,
              GError            **error)
{
  for (guint i = 0; i < n; i++)
    if (!same_max (tops[i].max, tops[i].top_max))
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s was made with another model or other preprocessing: it says image %"
                       PRId64 " gives channel %u of “%s” a largest value of %.4g, "
                       "but %s with these settings gives %.4g; scan again with the same model "
                       "and options (--mean, --std, --invert …)"),
                     scan_name, tops[i].index, tops[i].channel, scan->layers[scan_layer].name,
                     (double) tops[i].top_max, model->display_name, (double) tops[i].max);
        return FALSE;
      }
  return TRUE;
}

/* A dead channel has no top images: the layer's first channel that has
 * one vouches for the scan instead. */
static gboolean
check_on_layer (FmTopRunner        *runner,
                const FmModel      *model,
                const FmScanResult *scan,
                const char         *scan_name,
                guint               scan_layer,
                const FmLayer      *entry,
                GCancellable       *cancellable,
                GError            **error)
{
  g_autofree FmTopImage *probe = g_new0 (FmTopImage, MAX (scan->top_k, 1));
  int h, w;
  gboolean ok = TRUE;

  for (guint c = 0; c < scan->layers[scan_layer].channels; c++)
    if (fm_top_images_from_scan (scan, scan_layer, c, probe) > 0)
      {
        ok = fm_top_images_fetch (runner, entry, probe, 1, &h, &w, cancellable, error) &&
             check_maxima (model, scan, scan_name, scan_layer, probe, 1, error);
        fm_top_images_clear (probe, 1);
        break;
      }
  return ok;
}

gboolean
fm_card_fetch_tops (FmModel            *model,
                    const FmScanResult *scan,
                    const char         *scan_name,
                    guint               scan_layer,
                    guint               channel,
                    const FmPreprocess *pp,
                    guint               threads,
                    FmTopImage         *tops,
                    guint              *n_tops,
                    int                *input_h,
                    int                *input_w,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autoptr(GArray) every = fm_layers_list (model, FALSE);
  g_autoptr(FmTopRunner) runner = NULL;
  const FmLayer *entry;
  guint n;

  *n_tops = 0;
  if (!fm_top_check_scan (model, scan, scan_name, error))
    return FALSE;
  entry = &g_array_index (every, FmLayer, scan_layer);
  runner = fm_top_runner_new (model, scan->dataset_path, pp, threads, error);
  if (runner == NULL)
    {
      g_prefix_error (error, _("%s: its dataset cannot be read: "), scan_name);
      return FALSE;
    }
  n = fm_top_images_from_scan (scan, scan_layer, channel, tops);
  if (n == 0)
    return check_on_layer (runner, model, scan, scan_name, scan_layer, entry, cancellable,
                           error);
  if (!fm_top_images_fetch (runner, entry, tops, n, input_h, input_w, cancellable, error) ||
      !check_maxima (model, scan, scan_name, scan_layer, tops, n, error))
    {
      fm_top_images_clear (tops, n);
      return FALSE;
    }
  *n_tops = n;
  return TRUE;
}

/* ---- drawing ------------------------------------------------------------- */

/* Layout, in points: MARGIN around; the title and two lines under it;
 * left the map (MAP_SIDE square), its colour bar and statistics; right
 * (from RIGHT_X) the verdict and a grid of TOP_COLUMNS top images, each
 * the input beside its map (TOP_SIDE) over a line naming it. */
#define MARGIN      24.0
#define TOP_Y       70.0
#define MAP_SIDE    200.0
#define LEGEND_H    28.0
#define RIGHT_X     (MARGIN + MAP_SIDE + 24.0)
#define RIGHT_W     (FM_CARD_WIDTH - MARGIN - RIGHT_X)
#define TOP_COLUMNS 3
#define TOP_SIDE    54.0
#define TOP_ROW_H   (TOP_SIDE + 18.0)

static void
draw_heading (cairo_t             *cr,
              const FmCardSpec    *spec,
              const FmTileColours *colours)
{
  const char *tensor = spec->model->values[spec->entry->value_id].name;
  g_autofree char *title = NULL;
  g_autofree char *line1 = NULL;
  g_autofree char *line2 = NULL;
  double y = MARGIN - 4;

  /* Translators: the card's title: a channel number and its layer */
  title = g_strdup_printf (_("Channel %u of %s"), spec->channel,
                           spec->friendly != NULL ? spec->friendly : tensor);
  /* Translators: under the card's title: the tensor, its op, the layer's
   * channel count and the model file */
  line1 = g_strdup_printf (_("%s · %s · %u channels · %s"), tensor,
                           fm_layer_op_label (spec->model, spec->entry), spec->entry->channels,
                           spec->model->display_name);
  /* Translators: the input the card's map is of */
  line2 = g_strdup_printf (_("Input: %s"), spec->input_name != NULL ? spec->input_name : "");
  y += fm_figure_text (cr, title, MARGIN, y, FM_CARD_WIDTH - 2 * MARGIN, 16, TRUE,
                       colours->text) + 2;
  y += fm_figure_text (cr, line1, MARGIN, y, FM_CARD_WIDTH - 2 * MARGIN, 9, FALSE,
                       colours->grey);
  fm_figure_text (cr, line2, MARGIN, y, FM_CARD_WIDTH - 2 * MARGIN, 9, FALSE, colours->grey);
}

/* The map, its colour bar and its statistics for this input. */
static void
draw_map (cairo_t             *cr,
          const FmCardSpec    *spec,
          const FmTileColours *colours)
{
  FmTileStyle style = { 0 };
  g_autofree char *line1 = NULL;
  g_autofree char *line2 = NULL;
  double y = TOP_Y + MAP_SIDE + 6;

  style.colormap = spec->colormap;
  style.vmin = spec->vmin;
  style.vmax = spec->vmax;
  style.all_zero = spec->stats.all_zero;
  style.dark = spec->dark;
  cairo_save (cr);
  cairo_translate (cr, MARGIN, TOP_Y);
  fm_tile_render (cr, spec->map, (int) spec->entry->height, (int) spec->entry->width,
                  MAP_SIDE, MAP_SIDE, &style);
  cairo_restore (cr);
  if (spec->scan != NULL)
    {
      fm_verdict_draw_frame (cr, fm_verdict_of (spec->scan, spec->scan_layer, spec->channel),
                             MARGIN - 2, TOP_Y - 2, MAP_SIDE + 4, MAP_SIDE + 4);
      /* as on the window's tile; the verdict's words say what it means */
      fm_verdict_draw_near_dead (cr, spec->scan, spec->scan_layer, spec->channel, MARGIN, TOP_Y,
                                 fm_tile_near_dead_mark_size (MAP_SIDE));
    }
  cairo_save (cr);
  cairo_translate (cr, MARGIN, y);
  fm_legend_render (cr, spec->colormap, spec->vmin, spec->vmax, MAP_SIDE, LEGEND_H, spec->dark);
  cairo_restore (cr);
  y += LEGEND_H + 8;
  /* Translators: the card's statistics of the map for this input */
  line1 = g_strdup_printf (_("Minimum %.4f · maximum %.4f"), (double) spec->stats.min,
                           (double) spec->stats.max);
  /* Translators: the mean, then the share of cells that are zero */
  line2 = g_strdup_printf (_("Mean %.4f · zero: %.1f %% of the cells"),
                           (double) spec->stats.mean,
                           100.0 * (1.0 - spec->stats.active_share));
  y += fm_figure_text (cr, line1, MARGIN, y, MAP_SIDE + 20, 9, FALSE, colours->text) + 2;
  fm_figure_text (cr, line2, MARGIN, y, MAP_SIDE + 20, 9, FALSE, colours->text);
}

/* The verdict and the top images, each named by its item and maximum. */
static void
draw_scan (cairo_t             *cr,
           const FmCardSpec    *spec,
           const FmTileColours *colours)
{
  FmVerdict verdict = fm_verdict_of (spec->scan, spec->scan_layer, spec->channel);
  g_autofree char *words = fm_verdict_text (spec->scan, spec->scan_layer, spec->channel);
  g_autofree char *dataset = g_filename_display_basename (spec->scan->dataset_path);
  g_autofree char *heading = NULL;
  gsize plane = (gsize) spec->entry->height * spec->entry->width;
  double cell_w = RIGHT_W / TOP_COLUMNS;
  double y = TOP_Y;
  FmTileStyle style = { 0 };

  y += fm_figure_text (cr, words, RIGHT_X, y, RIGHT_W, 12, TRUE,
                       verdict == FM_VERDICT_DEAD ? fm_tile_scan_dead_rgb : colours->text) + 10;
  heading = spec->n_tops > 0
            /* Translators: over the card's top images; the dataset's name */
            ? g_strdup_printf (_("Images of %s that excite it most"), dataset)
            /* Translators: instead of the top images; the dataset's name */
            : g_strdup_printf (_("No image of %s activates it."), dataset);
  y += fm_figure_text (cr, heading, RIGHT_X, y, RIGHT_W, 10, spec->n_tops > 0,
                       spec->n_tops > 0 ? colours->text : colours->grey) + 8;

  style.colormap = spec->colormap;
  style.dark = spec->dark;
  fm_top_images_range (spec->tops, spec->n_tops, plane, &style.vmin, &style.vmax);
  for (guint i = 0; i < spec->n_tops; i++)
    {
      const FmTopImage *t = &spec->tops[i];
      double x = RIGHT_X + (i % TOP_COLUMNS) * cell_w;
      double ty = y + (i / TOP_COLUMNS) * TOP_ROW_H;
      g_autofree char *name = NULL;

      fm_top_image_draw (cr, t, spec->input_h, spec->input_w, spec->entry, &style,
                         spec->scan->epsilon, x, ty, TOP_SIDE);
      /* Translators: under a top image: its item number in the dataset
       * and the channel's largest value on it */
      name = g_strdup_printf (_("#%" PRId64 " · max %.3g"), t->index, (double) t->max);
      fm_figure_text (cr, name, x, ty + TOP_SIDE + 2, cell_w - 6, 8, FALSE, colours->grey);
    }
}

static gboolean
draw_card (cairo_t   *cr,
           gpointer   user_data,
           GError   **error)
{
  const FmCardSpec *spec = user_data;
  const FmTileColours *colours = fm_tile_colours (spec->dark);

  fm_tile_colours_set_source (cr, colours->bg);
  cairo_paint (cr);
  draw_heading (cr, spec, colours);
  draw_map (cr, spec, colours);
  if (spec->scan != NULL)
    draw_scan (cr, spec, colours);
  else
    fm_figure_text (cr, _("No dataset scan given: no verdict and no top images."), RIGHT_X,
                    TOP_Y, RIGHT_W, 10, FALSE, colours->grey);
  return TRUE;
}

gboolean
fm_card_write (const FmCardSpec  *spec,
               const char        *path,
               GError           **error)
{
  g_autofree char *title = NULL;
  FmFigureFormat format;

  g_return_val_if_fail (spec != NULL && path != NULL, FALSE);

  if (!fm_figure_format_from_path (path, &format, error))
    return FALSE;
  /* Translators: the card file's title: a channel number and its layer */
  title = g_strdup_printf (_("Channel %u of %s"), spec->channel,
                           spec->model->values[spec->entry->value_id].name);
  return fm_figure_write (path, format, FM_CARD_WIDTH, FM_CARD_HEIGHT, FM_CARD_PNG_SCALE, title,
                          draw_card, (gpointer) spec, error);
}
