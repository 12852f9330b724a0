/* fm-cli-card.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps export MODEL INPUT --card LAYER:CHANNEL -o CARD.pdf|.svg|.png
 * [--scan SCAN.json]`: after export's forward pass (fm-cli-input.c), one
 * channel's card (fm-card.h): its map for INPUT and statistics, and with a
 * scan (`scan --json`'s output) its verdict and top images, read back from
 * the scan's dataset with export's preprocessing flags. A scan of another
 * model or made with other preprocessing is refused.
 */
#include "config.h"

#include "fm-cli.h"

#include <glib/gi18n.h>

#include "fm-card.h"
#include "fm-layers.h"
#include "fm-stats.h"

/* --card; the card takes export's --scan (the caller sets card->scan). */
void
fm_cli_card_add_options (FmCliCard      *card,
                         GOptionContext *context)
{
  const GOptionEntry entries[] = {
    { "card", 0, 0, G_OPTION_ARG_STRING, &card->spec,
      N_("Write one channel's card (map, statistics, verdict, top images) to -o "
         "(.pdf, .svg or .png)"), N_("LAYER:CHANNEL") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

void
fm_cli_card_clear (FmCliCard *card)
{
  g_clear_pointer (&card->spec, g_free);
  g_clear_pointer (&card->scan, g_free);
}

/* The range the map is drawn with, as the window's tiles: the layer's
 * for this input, the channel's own, or the fixed one. */
static void
card_range (FmCardSpec           *spec,
            const FmChannelStats *stats,
            FmNormalize           normalize,
            const FmTileStyle    *colours)
{
  switch (normalize)
    {
    case FM_NORMALIZE_FIXED:
      spec->vmin = colours->vmin;
      spec->vmax = colours->vmax;
      break;
    case FM_NORMALIZE_TILE:
      spec->vmin = spec->stats.min;
      spec->vmax = spec->stats.max;
      break;
    case FM_NORMALIZE_LAYER:
    default:
      fm_channel_stats_range (stats, spec->entry->channels, &spec->vmin, &spec->vmax);
      break;
    }
}

/* The scan's verdict and top images, read back with the input's
 * preprocessing; returns an exit status. */
static int
add_scan (FmCliCard      *card,
          FmCliInput     *in,
          GOptionContext *context,
          FmCardSpec     *spec,
          FmScanResult  **scan,
          FmTopImage     *tops)
{
  g_autoptr(GError) error = NULL;
  FmPreprocess pp = in->pp;
  int status;

  *scan = fm_scan_result_load_json (card->scan, &error);
  if (*scan == NULL)
    return fm_cli_fail (error);
  /* A .npy input had no picture to preprocess: the flags say how. */
  if (in->input_is_npy)
    {
      status = fm_cli_preprocess_flags_apply (&in->preprocess, context, "export", in->model,
                                              &pp);
      if (status != FM_CLI_EXIT_OK)
        return status;
    }
  if (!fm_card_fetch_tops (in->model, *scan, card->scan, spec->scan_layer, spec->channel, &pp,
                           (guint) in->threads, tops, &spec->n_tops, &spec->input_h,
                           &spec->input_w, NULL, &error))
    return fm_cli_fail (error);
  spec->scan = *scan;
  spec->tops = tops;
  return FM_CLI_EXIT_OK;
}

int
fm_cli_card_check (const FmCliCard *card,
                   GOptionContext  *context,
                   const char      *output,
                   gboolean         others)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *layer = NULL;
  guint channel;

  if (others || output == NULL)
    return fm_cli_usage_error (context, "export", "%s",
                               _("--card writes one file, -o CARD.pdf, .svg or .png; --layer, "
                                 "--all-layers, --csv and --npy do not go with it"));
  if (!fm_card_parse (card->spec, &layer, &channel, &error))
    return fm_cli_usage_error (context, "export", "--card: %s", error->message);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_card_export (FmCliCard         *card,
                    FmCliInput        *in,
                    GOptionContext    *context,
                    const char        *output,
                    const FmTileStyle *colours,
                    FmNormalize        normalize,
                    float              epsilon)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) every = NULL;
  g_autoptr(FmScanResult) scan = NULL;
  g_autofree FmChannelStats *stats = NULL;
  g_autofree FmTopImage *tops = NULL;
  g_autofree float *copy = NULL;
  g_autofree char *friendly = NULL;
  g_autofree char *input_name = NULL;
  FmCardSpec spec = { 0 };
  const float *planes;
  gsize plane;
  int status = FM_CLI_EXIT_OK;

  if (!fm_card_resolve (in->model, card->spec, &spec.scan_layer, &spec.channel, &error))
    return fm_cli_fail (error);
  every = fm_layers_list (in->model, FALSE);
  spec.entry = &g_array_index (every, FmLayer, spec.scan_layer);
  plane = (gsize) spec.entry->height * spec.entry->width;
  copy = g_try_new (float, fm_layer_copy_size (spec.entry));
  planes = fm_layer_planes (in->model, spec.entry, in->run, 0, copy);
  if (planes == NULL)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_LIMIT, _("%s: not enough memory for “%s”"),
                   in->model->path, in->model->values[spec.entry->value_id].name);
      return fm_cli_fail (error);
    }
  stats = g_new0 (FmChannelStats, spec.entry->channels);
  fm_channel_stats_compute (planes, spec.entry->channels, plane, epsilon, stats);

  friendly = fm_card_friendly_name (in->model, spec.scan_layer);
  input_name = g_filename_display_basename (in->input_path);
  spec.model = in->model;
  spec.friendly = friendly;
  spec.input_name = input_name;
  spec.map = planes + (gsize) spec.channel * plane;
  spec.stats = stats[spec.channel];
  spec.colormap = colours->colormap;
  spec.dark = colours->dark;
  card_range (&spec, stats, normalize, colours);

  if (card->scan != NULL)
    {
      tops = g_new0 (FmTopImage, FM_SCAN_MAX_TOP_K);
      status = add_scan (card, in, context, &spec, &scan, tops);
    }
  if (status == FM_CLI_EXIT_OK)
    {
      if (fm_card_write (&spec, output, &error))
        g_print (_("Wrote %s\n"), output);
      else
        status = fm_cli_fail (error);
    }
  if (tops != NULL)
    fm_top_images_clear (tops, spec.n_tops);
  return status;
}
