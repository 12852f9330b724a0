/* fm-cli-scan-common.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `scan` and `atlas` share to get from MODEL and DATASET to a scan
 * result (fm-cli.h): the scan's flags and their checks, the bundled
 * dataset's name, the dataset and model opened together, Ctrl+C
 * cancelling, and the scan through its cache with progress on stderr
 * when that is a terminal.
 */
#include "config.h"

#include <inttypes.h>

#include "fm-cli.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "fm-data.h"

#define BUNDLED_DATASET "mnist-heldout"
#define BUNDLED_IMAGES  "digits/mnist-heldout-images-idx3-ubyte.gz"

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

void
fm_cli_scan_flags_init (FmCliScanFlags *flags)
{
  memset (flags, 0, sizeof *flags);
  flags->top_k = 9;
  flags->rare_below = 0.01;
  flags->threads = 2;
}

void
fm_cli_scan_flags_clear (FmCliScanFlags *flags)
{
  g_clear_pointer (&flags->labels, g_free);
  fm_cli_preprocess_flags_clear (&flags->preprocess);
  g_clear_object (&flags->cancellable);
}

void
fm_cli_scan_flags_add_options (FmCliScanFlags *flags,
                               GOptionContext *context)
{
  const GOptionEntry entries[] = {
    { "labels", 0, 0, G_OPTION_ARG_FILENAME, &flags->labels,
      N_("IDX labels file (default: found next to the images)"), N_("FILE") },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &flags->limit,
      N_("Scan only the first N images"), N_("N") },
    { "top-k", 0, 0, G_OPTION_ARG_INT, &flags->top_k,
      N_("Keep the K images with the largest activation per channel (default 9)"), N_("K") },
    { "rare-below", 0, 0, G_OPTION_ARG_DOUBLE, &flags->rare_below,
      N_("A channel firing on fewer than this share of images is rare (default 0.01)"),
      N_("F") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &flags->threads,
      N_("Number of scan threads (default 2)"), N_("N") },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &flags->no_cache,
      N_("Neither read nor write the result cache"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  fm_cli_preprocess_flags_add_options (&flags->preprocess, context,
                                       N_("Invert pictures: auto (default; IDX images are "
                                          "never inverted), yes or no"));
}

int
fm_cli_scan_flags_check (FmCliScanFlags *flags,
                         GOptionContext *context,
                         const char     *subcommand)
{
  if (flags->threads < 1 || flags->threads > FM_SCAN_MAX_THREADS)
    return fm_cli_usage_error (context, subcommand, _("--threads must be 1 to %d, not %d"),
                               FM_SCAN_MAX_THREADS, flags->threads);
  if (flags->limit < 0)
    return fm_cli_usage_error (context, subcommand, _("--limit must be 0 (all) or more, not %"
                                                      PRId64), flags->limit);
  if (flags->top_k < 0 || flags->top_k > FM_SCAN_MAX_TOP_K)
    return fm_cli_usage_error (context, subcommand, _("--top-k must be 0 to %d, not %d"),
                               FM_SCAN_MAX_TOP_K, flags->top_k);
  if (!(flags->rare_below >= 0.0 && flags->rare_below <= 1.0))
    return fm_cli_usage_error (context, subcommand,
                               _("--rare-below must be a share between 0 and 1, not %g"),
                               flags->rare_below);
  return fm_cli_preprocess_flags_check (&flags->preprocess, context, subcommand);
}

static char *
resolve_dataset (const char  *arg,
                 GError     **error)
{
  if (g_strcmp0 (arg, BUNDLED_DATASET) == 0)
    return fm_data_find (BUNDLED_IMAGES, error);
  return g_strdup (arg);
}

int
fm_cli_scan_open (FmCliScanFlags *flags,
                  GOptionContext *context,
                  const char     *subcommand,
                  const char     *model_arg,
                  const char     *dataset_arg,
                  FmDataset     **dataset,
                  FmModel       **model,
                  FmScanOptions  *options)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dataset_path = NULL;
  FmModelOptions model_options;

  /* The dataset first: an IDX file's size fills in symbolic model dims. */
  dataset_path = resolve_dataset (dataset_arg, &error);
  if (dataset_path == NULL ||
      (*dataset = fm_dataset_open (dataset_path, flags->labels, &error)) == NULL)
    return fm_cli_fail (error);
  fm_model_options_init (&model_options);
  if (fm_dataset_get_kind (*dataset) == FM_DATASET_IDX)
    {
      model_options.default_height = fm_dataset_get_height (*dataset);
      model_options.default_width = fm_dataset_get_width (*dataset);
    }
  *model = fm_cli_load_model (model_arg, &model_options, &error);
  if (*model == NULL)
    return fm_cli_fail (error);

  fm_scan_options_init (options);
  options->threads = (guint) flags->threads;
  options->limit = (guint64) flags->limit;
  options->top_k = (guint) flags->top_k;
  options->rare_below = flags->rare_below;
  if ((*model)->n_inputs == 1)
    return fm_cli_preprocess_flags_apply (&flags->preprocess, context, subcommand, *model,
                                          &options->preprocess);
  return FM_CLI_EXIT_OK;
}

void
fm_cli_interrupt_begin (FmCliScanFlags *flags)
{
  struct sigaction sa = { 0 };

  interrupted = 0;
  flags->tty = isatty (STDERR_FILENO);
  if (flags->cancellable == NULL)
    flags->cancellable = g_cancellable_new ();
  sa.sa_handler = on_sigint;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, &flags->old_sigint);
}

void
fm_cli_interrupt_end (FmCliScanFlags *flags)
{
  sigaction (SIGINT, &flags->old_sigint, NULL);
}

gboolean
fm_cli_interrupt_poll (FmCliScanFlags *flags)
{
  if (interrupted)
    g_cancellable_cancel (flags->cancellable);
  return interrupted != 0;
}

/* Called from the scan's worker threads, at most ~20 times a second. */
static void
on_progress (guint64  done,
             guint64  total,
             double   elapsed,
             gpointer user_data)
{
  FmCliScanFlags *flags = user_data;

  fm_cli_interrupt_poll (flags);
  if (flags->tty)
    fprintf (stderr, _("\rScanning: %" PRIu64 " / %" PRIu64
                       " images (%.0f images/s)   "),
             done, total, elapsed > 0 ? done / elapsed : 0.0);
}

FmScanResult *
fm_cli_scan_run (FmCliScanFlags      *flags,
                 FmModel             *model,
                 FmDataset           *dataset,
                 const FmScanOptions *options,
                 gboolean            *from_cache,
                 GError             **error)
{
  g_autoptr(GError) cache_error = NULL;
  FmScanResult *result;

  result = fm_scan_run_cached (model, dataset, options,
                               flags->no_cache ? FM_SCAN_CACHE_SKIP : FM_SCAN_CACHE_USE,
                               on_progress, flags, flags->cancellable, from_cache, &cache_error,
                               error);
  if (result != NULL && !*from_cache && flags->tty)
    {
      fprintf (stderr, "\r%80s\r", "");
      fprintf (stderr, _("Scanned %" PRIu64 " images in %.2f s (%.0f images/s)\n"),
               result->images, result->elapsed,
               result->elapsed > 0 ? result->images / result->elapsed : 0.0);
    }
  /* The cache is a convenience: failing to write it is not fatal. */
  if (cache_error != NULL)
    fprintf (stderr, _("feature-maps: warning: %s\n"), cache_error->message);
  return result;
}
