/* fm-cli-prune.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps prune MODEL DATASET -o PRUNED.onnx` (README.md "Prune dead
 * channels"): the scan of DATASET (from the cache, or --scan SCAN.json of
 * the same model and settings), the exact pruning of fm-prune.h, its
 * verification over DATASET, then the file, written only when both models
 * agree. Progress goes to stderr when it is a terminal; Ctrl+C stops and
 * leaves no file.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fm-cli.h"
#include "fm-cli-scan.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fm-card.h"
#include "fm-prune.h"

typedef struct
{
  /* options */
  char          *output;
  char          *scan_path;
  gboolean       json;
  FmCliScanFlags scan;
} PruneState;

static void
prune_state_clear (PruneState *s)
{
  g_free (s->output);
  g_free (s->scan_path);
  fm_cli_scan_flags_clear (&s->scan);
}

static void
on_verify_progress (guint64  done,
                    guint64  total,
                    double   elapsed,
                    gpointer user_data)
{
  PruneState *s = user_data;

  fm_cli_scan_progress (&s->scan, _("Verifying: %" PRIu64 " / %" PRIu64 " images"), done, total);
}

static void
print_text (const PruneState *s,
            FmModel          *model,
            const FmPrune    *prune)
{
  g_autofree char *summary = fm_prune_summary (prune);

  for (guint i = 0; i < prune->layers->len; i++)
    {
      const FmPruneLayer *l = g_ptr_array_index (prune->layers, i);
      g_autofree char *name = l->scan_layer >= 0 ? fm_card_friendly_name (model, l->scan_layer)
                                                 : g_strdup (l->layer);
      g_autofree char *text = fm_prune_layer_describe (l, name);

      g_print ("%s\n", text);
    }
  if (prune->layers->len == 0)
    g_print ("%s\n", _("No dead channels: nothing to remove."));
  g_print (_("Parameters: %" PRIu64 " before, %" PRIu64 " after (elements of all weights)\n"),
           prune->params_before, prune->params_after);
  g_print (_("Multiply-adds: %" PRIu64 " before, %" PRIu64 " after (Conv, Gemm and MatMul, "
             "one image)\n"), prune->macs_before, prune->macs_after);
  g_print (ngettext ("Verified on %" PRIu64 " image: same top class, largest difference %.3g "
                     "(%.3g relative, allowed %g)\n",
                     "Verified on %" PRIu64 " images: same top class, largest difference %.3g "
                     "(%.3g relative, allowed %g)\n", (gulong) prune->images),
           prune->images, prune->max_abs_diff, prune->max_rel_diff, FM_PRUNE_TOLERANCE);
  g_print ("%s\n", summary);
  g_print (_("Wrote %s\n"), s->output);
}

/* Exit status 1 with @error, or, when it is NULL or a cancellation, with
 * words that say nothing was written. */
static int
stopped_or_failed (GError *error)
{
  g_autoptr(GError) stopped = NULL;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return fm_cli_fail (error);
  stopped = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("Stopped: nothing was written."));
  return fm_cli_fail (stopped);
}

/* Whether @path can be written (not a folder, in a folder that exists
 * and is writable): said before the scan and the verification, which
 * may take long, rather than after them. */
static gboolean
check_output (const char  *path,
              GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *dir_display = g_filename_display_name (dir);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s is a folder: give -o the file to write, such as %s/pruned.onnx"),
                 display, display);
  else if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("Cannot write %s: the folder %s does not exist"), display, dir_display);
  else if (g_access (dir, W_OK) != 0)
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("Cannot write %s: the folder %s is not writable (%s)"), display,
                 dir_display, g_strerror (errno));
  else
    return TRUE;
  return FALSE;
}

/* Whether the scan @r read from @display saw DATASET's items that the
 * verification runs (indexes below @limit, all if 0): the channels it
 * found dead may not be dead on others, and the verification would then
 * fail on an image, not saying why. */
static gboolean
check_scan_items (const FmScanResult *r,
                  const char         *display,
                  FmDataset          *dataset,
                  guint64             limit,
                  GCancellable       *cancellable,
                  GError            **error)
{
  guint64 n = fm_dataset_get_n_items (dataset);
  guint64 verified = limit > 0 ? MIN (limit, n) : n;
  g_autofree char *key = NULL;

  if (r->dataset_key == NULL)  /* written before scans kept it: all its items */
    return TRUE;
  if ((key = fm_dataset_dup_content_key (dataset, cancellable, error)) == NULL)
    return FALSE;
  if (strcmp (key, r->dataset_key) != 0)
    {
      g_autofree char *path = g_filename_display_name (fm_dataset_get_path (dataset));

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s is a scan of another dataset than %s: scan this one, or give prune "
                     "the dataset scanned"), display, path);
      return FALSE;
    }
  if (r->range_begin > 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s is a scan of items %" PRIu64 " to %" PRIu64 " only (one shard): "
                     "merge the shards with “feature-maps merge” first, or scan all the items"),
                   display, r->range_begin, r->range_end - 1);
      return FALSE;
    }
  if (r->range_end < verified)
    {
      /* Translators: "scan.json is a scan of the first 100 of 2000 items
       * only, and prune would check the pruned model on 2000: ..." */
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s is a scan of the first %" PRIu64 " of %" PRIu64 " items only, and "
                     "prune would check the pruned model on %" PRIu64 ", where the channels "
                     "the scan found dead may not be: give prune --limit %" PRIu64 " too, or "
                     "scan all the items"), display, r->range_end, n, verified, r->range_end);
      return FALSE;
    }
  return TRUE;
}

/* The scan: --scan's, checked against this model and these settings, or
 * one through the cache. */
static FmScanResult *
get_scan (PruneState          *s,
          FmModel             *model,
          FmDataset           *dataset,
          const FmScanOptions *options,
          GError             **error)
{
  gboolean from_cache = FALSE;
  FmScanResult *r;

  if (s->scan_path != NULL)
    {
      g_autofree char *display = g_filename_display_name (s->scan_path);

      r = fm_cli_scan_load_result (s->scan_path, model, &options->preprocess, 0.0f, "prune",
                                   error);
      if (r != NULL && !check_scan_items (r, display, dataset, options->limit,
                                          s->scan.cancellable, error))
        g_clear_pointer (&r, fm_scan_result_unref);
      return r;
    }
  r = fm_cli_scan_run (&s->scan, model, dataset, options, &from_cache, error);
  if (r != NULL && error != NULL && *error != NULL)
    g_clear_pointer (&r, fm_scan_result_unref);
  return r;
}

/* Scan, prune, verify, write; returns an exit status. */
static int
prune_model (PruneState          *s,
             FmModel             *model,
             FmDataset           *dataset,
             const FmScanOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmScanResult) scan = NULL;
  g_autoptr(FmPrune) prune = NULL;

  if ((scan = get_scan (s, model, dataset, options, &error)) == NULL
      || (prune = fm_prune_new (model, scan, NULL, &error)) == NULL)
    return fm_cli_fail (error);
  s->scan.tty = isatty (fileno (stderr));
  if (!fm_prune_verify (prune, model, fm_dataset_get_path (dataset), s->scan.labels,
                        &options->preprocess, options->limit, options->threads,
                        on_verify_progress, s, s->scan.cancellable, &error))
    {
      fm_cli_scan_progress_clear (&s->scan);
      return stopped_or_failed (error);
    }
  fm_cli_scan_progress_clear (&s->scan);
  if (fm_cli_scan_interrupted () || !fm_prune_write (prune, s->output, &error))
    return stopped_or_failed (error);
  if (s->json)
    {
      g_autoptr(JsonNode) root = fm_prune_to_json (prune);

      g_autofree char *model_path = g_filename_display_name (model->path);
      g_autofree char *output = g_filename_display_name (s->output);

      json_object_set_string_member (json_node_get_object (root), "model", model_path);
      json_object_set_string_member (json_node_get_object (root), "output", output);
      fm_cli_print_json (root);
    }
  else
    print_text (s, model, prune);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_prune (int    argc,
              char **argv)
{
  PruneState s = { 0 };
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &s.output,
      N_("Write the pruned model to FILE (ONNX)"), N_("FILE") },
    { "scan", 0, 0, G_OPTION_ARG_FILENAME, &s.scan_path,
      N_("Take the dead channels from this scan of the model (feature-maps scan --json) "
         "instead of scanning"), N_("SCAN.json") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &s.json, N_("Print the report as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(FmModel) model = NULL;
  FmScanOptions options;
  int status;

  fm_cli_scan_flags_init (&s.scan);
  context = fm_cli_option_context_new ("prune", _("MODEL DATASET"),
                                       _("Remove the channels that are dead on DATASET (zero "
                                         "for every image) where removing them leaves every "
                                         "output unchanged, check that both models agree on "
                                         "DATASET, and write the smaller model. DATASET is as "
                                         "for “scan”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = fm_cli_scan_parse (&s.scan, context, "prune", &argc, &argv);
  if (status == FM_CLI_EXIT_OK && s.output == NULL)
    status = fm_cli_usage_error (context, "prune", "%s",
                                 _("give the model to write: -o PRUNED.onnx"));
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_flags_check (&s.scan, context, "prune");
  if (status == FM_CLI_EXIT_OK && !check_output (s.output, &error))
    status = fm_cli_fail (error);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_open (&s.scan, context, "prune", argv, s.scan_path,
                               (const char *[]) { s.output }, 1, &dataset, &model, &options);
  if (status == FM_CLI_EXIT_OK && model->n_inputs != 1)
    {
      g_set_error (&error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: prune needs a model with one input"), model->path);
      status = fm_cli_fail (error);
    }
  if (status == FM_CLI_EXIT_OK)
    {
      s.scan.cancellable = g_cancellable_new ();
      fm_cli_scan_catch_interrupt (TRUE);
      status = prune_model (&s, model, dataset, &options);
      fm_cli_scan_catch_interrupt (FALSE);
    }
  prune_state_clear (&s);
  return status;
}
