/* fm-sheet-text.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a sheet says (see fm-sheet.h): each tile's range and style, a
 * channel's verdict from a scan, the header's texts and the PNG text
 * chunks. fm-sheet.c lays the sheet out and draws it.
 */
#include "config.h"

#include "fm-sheet.h"
#include "fm-sheet-private.h"

#include <string.h>

#include <glib/gi18n-lib.h>

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

FmSheetVerdict
fm_sheet_verdict (const FmSheetSpec  *spec,
                  const FmSheetLayer *layer,
                  guint               channel)
{
  g_return_val_if_fail (spec != NULL && layer != NULL, FM_SHEET_VERDICT_NONE);

  /* A scan stopped before its first image says nothing of any channel. */
  if (spec->scan_dataset == NULL || layer->fire_count == NULL || spec->scan_images == 0
      || channel >= (guint) MAX (layer->channels, 0))
    return FM_SHEET_VERDICT_NONE;
  /* The window's rule (fm-layer-section.c), and the engine's (fm-scan-result.c). */
  if (layer->fire_count[channel] == 0)
    return FM_SHEET_VERDICT_DEAD;
  if (layer->fire_count[channel] < spec->rare_below * spec->scan_images)
    return FM_SHEET_VERDICT_RARE;
  return FM_SHEET_VERDICT_LIVE;
}

void
fm_sheet_spec_set_scan (FmSheetSpec        *spec,
                        FmSheetLayer       *layers,
                        const FmScanResult *scan,
                        double              rare_below)
{
  g_return_if_fail (spec != NULL && scan != NULL);

  spec->scan_dataset = scan->dataset_path;
  spec->scan_images = scan->images;
  spec->scan_partial = scan->partial;
  spec->rare_below = rare_below;
  for (guint i = 0; i < spec->n_layers; i++)
    {
      int index = fm_scan_result_find_layer (scan, layers[i].name);

      layers[i].fire_count = NULL;
      layers[i].near_dead = NULL;
      layers[i].n_near_dead = 0;
      if (index >= 0 && scan->layers[index].channels == (guint) layers[i].channels)
        {
          layers[i].fire_count = scan->layers[index].fire_count;
          layers[i].near_dead = scan->layers[index].near_dead;
          layers[i].n_near_dead = scan->layers[index].n_near_dead;
          spec->scan_near_dead |= layers[i].n_near_dead > 0;
        }
    }
}

guint
_fm_sheet_count_verdict (const FmSheetSpec  *spec,
               const FmSheetLayer *l,
               FmSheetVerdict      verdict)
{
  guint n = 0;

  for (int c = 0; c < l->channels; c++)
    n += fm_sheet_verdict (spec, l, (guint) c) == verdict ? 1 : 0;
  return n;
}

guint
_fm_sheet_count_zero (const FmSheetLayer *l)
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

const char *
_fm_sheet_colormap_name (const FmSheetSpec *spec)
{
  return fm_colormap_get_name (spec->colormap != NULL ? spec->colormap
                                                      : fm_colormap_get_default ());
}

/* @v in the C locale with the fewest digits that read back as the same
 * float: 0.1, not 0.100000001. */
static void
format_float (char  *buf,
              gsize  len,
              float  v)
{
  for (int digits = 1; digits <= 9; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, len, format, v);
      if ((float) g_ascii_strtod (buf, NULL) == v)
        return;
    }
}

/* "layer", "tile" or "fixed MIN:MAX" (C locale, read back as the same
 * float32 values). */
char *
_fm_sheet_normalisation_text (const FmSheetSpec *spec)
{
  char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

  switch (spec->normalize)
    {
    case FM_NORMALIZE_TILE:
      return g_strdup ("tile");
    case FM_NORMALIZE_FIXED:
      format_float (lo, sizeof lo, spec->fixed_min);
      format_float (hi, sizeof hi, spec->fixed_max);
      return g_strdup_printf ("fixed %s:%s", lo, hi);
    case FM_NORMALIZE_LAYER:
    default:
      return g_strdup ("layer");
    }
}

/* The chunk's: "digit-7.png" or "three.png (inverted)", untranslated. */
static char *
input_text (const FmSheetSpec *spec)
{
  const char *name = spec->input_name != NULL ? spec->input_name : "";

  return spec->inverted ? g_strdup_printf ("%s (inverted)", name) : g_strdup (name);
}

/* "7 99.6 %, 3 0.2 %, …": the first @n classes. */
static char *
prediction_classes_text (const FmSheetSpec *spec,
                         guint              n)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < MIN (n, spec->n_top); k++)
    {
      const FmSheetClass *t = &spec->top[k];
      char prob[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (prob, sizeof prob, "%.1f", 100.0 * t->probability);
      if (t->label != NULL)
        g_string_append_printf (s, "%s%s %s %%", k > 0 ? ", " : "", t->label, prob);
      else
        g_string_append_printf (s, "%s#%u %s %%", k > 0 ? ", " : "", t->index, prob);
    }
  return g_string_free (s, FALSE);
}

/* The header's: probabilities, saying whether we applied the softmax. */
char *
_fm_sheet_prediction_text (const FmSheetSpec *spec)
{
  g_autofree char *classes = prediction_classes_text (spec, FM_SHEET_HEADER_TOP);
  const char *output = spec->output_name != NULL ? spec->output_name : "?";

  if (spec->softmax_applied)
    /* Translators: the sheet's prediction line: the output "logits" went
     * through a softmax, then the top classes "7 99.6 %, 3 0.2 %" */
    return g_strdup_printf (_("Probabilities (softmax of “%s”): %s"), output, classes);
  /* Translators: the sheet's prediction line for an output that already
   * holds probabilities */
  return g_strdup_printf (_("Probabilities (output “%s”): %s"), output, classes);
}

static char *
scan_text (const FmSheetSpec *spec)
{
  g_autofree char *dataset = g_filename_display_basename (spec->scan_dataset);

  return g_strdup_printf ("%s, %" G_GUINT64_FORMAT " images%s", dataset, spec->scan_images,
                          spec->scan_partial ? " (partial)" : "");
}

/* "conv1: 0, 5; conv2: 3" when some layer shows only some channels. */
static gboolean
shown_text (const FmSheetSpec *spec,
            GString           *s)
{
  gboolean some = FALSE;

  for (guint i = 0; i < spec->n_layers; i++)
    {
      const FmSheetLayer *l = &spec->layers[i];

      some |= l->shown != NULL;
      g_string_append_printf (s, "%s%s:", i > 0 ? "; " : "", l->name);
      for (int k = 0; k < _fm_sheet_layer_count (l); k++)
        g_string_append_printf (s, "%s %u", k > 0 ? "," : "",
                                l->shown != NULL ? l->shown[k] : (guint) k);
    }
  return some;
}

GStrv
fm_sheet_png_text (const FmSheetSpec *spec)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autoptr(GString) layers = g_string_new (NULL);
  g_autofree char *zeros = NULL;
  g_autofree char *norm = NULL;
  g_autofree char *input = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  for (guint i = 0; i < spec->n_layers; i++)
    g_string_append_printf (layers, "%s%s", i > 0 ? ", " : "", spec->layers[i].name);
  zeros = fm_sheet_zero_channels_text (spec);
  norm = _fm_sheet_normalisation_text (spec);
  input = input_text (spec);

  g_strv_builder_add_many (b, "Software", PACKAGE_NAME " " PACKAGE_VERSION, NULL);
  if (spec->model_file != NULL)
    {
      g_autofree char *source = g_filename_display_name (spec->model_file);

      g_strv_builder_add_many (b, "Source", source, NULL);
    }
  g_strv_builder_add_many (b, "Layer", layers->str, "Input", input, NULL);
  if (spec->preprocess != NULL)
    g_strv_builder_add_many (b, "Preprocessing", spec->preprocess, NULL);
  g_strv_builder_add_many (b, "Normalisation", norm,
                           "Colormap", _fm_sheet_colormap_name (spec),
                           "Zero channels", zeros,
                           NULL);
  if (spec->n_top > 0)
    {
      g_autofree char *prediction = prediction_classes_text (spec, spec->n_top);

      g_strv_builder_add_many (b, "Prediction", prediction, NULL);
    }
  if (spec->scan_dataset != NULL)
    {
      g_autofree char *scan = scan_text (spec);

      g_strv_builder_add_many (b, "Scan", scan, NULL);
    }
  if (shown_text (spec, shown))
    g_strv_builder_add_many (b, "Channels shown", shown->str, NULL);
  return g_strv_builder_end (b);
}
