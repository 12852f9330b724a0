/* fm-cli-atlas.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps atlas MODEL DATASET -o ATLAS.pdf` (README.md): the scan of
 * DATASET (from the cache when the same model, dataset and options were
 * scanned before; fm-cli-scan-common.c), then the channel atlas of
 * fm-atlas.h for the window's layers or those named by --layer. Progress
 * goes to stderr when it is a terminal; Ctrl+C stops the scan or the
 * drawing and leaves no file.
 */
#include "config.h"

#include "fm-cli.h"
#include "fm-cli-scan.h"

#include <glib/gi18n.h>

#include "fm-atlas.h"
#include "fm-card.h"
#include "fm-colormap.h"

typedef struct
{
  /* options */
  char          *output;
  char         **layer_names;
  char          *colormap;
  FmCliScanFlags scan;
  /* state */
  GArray        *layers;    /* int: scan layer indexes */
  GPtrArray     *names;     /* char*: their friendly names, NULL-terminated */
} AtlasState;

static void
atlas_state_clear (AtlasState *s)
{
  g_free (s->output);
  g_strfreev (s->layer_names);
  g_free (s->colormap);
  fm_cli_scan_flags_clear (&s->scan);
  g_clear_pointer (&s->layers, g_array_unref);
  g_clear_pointer (&s->names, g_ptr_array_unref);
}

static int
check_options (AtlasState     *s,
               GOptionContext *context)
{
  g_autofree char *lower = NULL;

  if (s->output == NULL)
    return fm_cli_usage_error (context, "atlas", "%s", _("give the PDF to write: -o ATLAS.pdf"));
  lower = g_ascii_strdown (s->output, -1);
  if (!g_str_has_suffix (lower, ".pdf"))
    return fm_cli_usage_error (context, "atlas", _("the atlas is a PDF: -o must end in .pdf, "
                                                   "not “%s”"), s->output);
  if (s->colormap != NULL && fm_colormap_lookup (s->colormap) == NULL)
    return fm_cli_usage_error (context, "atlas", _("unknown colormap “%s”"), s->colormap);
  return fm_cli_scan_flags_check (&s->scan, context, "atlas");
}

/* The layers to draw: --layer's (a tensor or the window's name each), or
 * the window's list; as indexes into the scan's list. */
static gboolean
choose_layers (AtlasState  *s,
               FmModel     *model,
               GError     **error)
{
  s->layers = g_array_new (FALSE, FALSE, sizeof (int));
  s->names = g_ptr_array_new_with_free_func (g_free);
  if (s->layer_names != NULL)
    for (char **name = s->layer_names; *name != NULL; name++)
      {
        guint index;

        if (!fm_card_find_layer (model, *name, &index, error))
          return FALSE;
        g_array_append_val (s->layers, index);
      }
  else
    {
      g_autoptr(GArray) every = fm_layers_list (model, FALSE);
      g_autoptr(GArray) merged = fm_layers_list (model, TRUE);

      for (guint i = 0; i < merged->len; i++)
        for (guint j = 0; j < every->len; j++)
          if (g_array_index (every, FmLayer, j).value_id ==
              g_array_index (merged, FmLayer, i).value_id)
            g_array_append_val (s->layers, j);
    }
  if (s->layers->len == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: the model has no feature-map layers"), model->path);
      return FALSE;
    }
  for (guint i = 0; i < s->layers->len; i++)
    g_ptr_array_add (s->names, fm_card_friendly_name (model, g_array_index (s->layers, int, i)));
  g_ptr_array_add (s->names, NULL);
  return TRUE;
}

static void
on_page (guint    done,
         guint    total,
         gpointer user_data)
{
  AtlasState *s = user_data;

  fm_cli_scan_progress (&s->scan, _("Drawing the atlas: page %u of %u"), done, total);
}

/* The scan, then the PDF; returns an exit status. */
static int
write_atlas (AtlasState          *s,
             FmModel             *model,
             FmDataset           *dataset,
             const FmScanOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmScanResult) scan = NULL;
  FmAtlasSpec spec = { 0 };
  gboolean from_cache = FALSE;
  gboolean ok;

  scan = fm_cli_scan_run (&s->scan, model, dataset, options, &from_cache, &error);
  if (scan == NULL || error != NULL)
    return fm_cli_fail (error);
  spec.model = model;
  spec.scan = scan;
  spec.dataset_path = fm_dataset_get_path (dataset);
  spec.pp = options->preprocess;
  spec.threads = 1;
  spec.layers = (const int *) s->layers->data;
  spec.n_layers = s->layers->len;
  spec.names = (char **) s->names->pdata;
  spec.colormap = s->colormap != NULL ? fm_colormap_lookup (s->colormap) : NULL;
  ok = fm_atlas_write (&spec, s->output, on_page, s, s->scan.cancellable, &error);
  fm_cli_scan_progress_clear (&s->scan);
  if (!ok)
    return fm_cli_fail (error);
  g_print (_("Wrote %s (%u pages)\n"), s->output, fm_atlas_count_pages (&spec));
  fm_cli_scan_print_warnings (scan);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_atlas (int    argc,
              char **argv)
{
  AtlasState s = { 0 };
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &s.output,
      N_("Write the atlas to FILE, a PDF"), N_("FILE") },
    { "layer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &s.layer_names,
      N_("Draw this layer (repeatable; a tensor or the window's name; default: the "
         "window's layers)"), N_("NAME") },
    { "colormap", 0, 0, G_OPTION_ARG_STRING, &s.colormap,
      N_("Colormap of the maps (default viridis)"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(FmModel) model = NULL;
  FmScanOptions options;
  int status;

  fm_cli_scan_flags_init (&s.scan);
  context = fm_cli_option_context_new ("atlas", _("MODEL DATASET"),
                                       _("Scan DATASET with MODEL (or take the scan from the "
                                         "cache) and write a PDF that shows, for every channel "
                                         "of the chosen layers, the images that excite it most "
                                         "and its map on each; dead channels are framed red, "
                                         "rarely active ones amber. DATASET is as for “scan”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = fm_cli_scan_parse (&s.scan, context, "atlas", &argc, &argv);
  if (status == FM_CLI_EXIT_OK)
    status = check_options (&s, context);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_open (&s.scan, context, "atlas", argv, NULL,
                               (const char *[]) { s.output }, 1, &dataset, &model, &options);
  if (status == FM_CLI_EXIT_OK && !choose_layers (&s, model, &error))
    status = fm_cli_fail (error);
  if (status == FM_CLI_EXIT_OK)
    {
      /* Ctrl+C stops the drawing too, after the scan. */
      s.scan.cancellable = g_cancellable_new ();
      fm_cli_scan_catch_interrupt (TRUE);
      status = write_atlas (&s, model, dataset, &options);
      fm_cli_scan_catch_interrupt (FALSE);
    }
  atlas_state_clear (&s);
  return status;
}
