/* fm-cli-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps scan MODEL DATASET`: runs a whole dataset through a model
 * (fm-scan.c) and reports, for every channel of every feature-map layer,
 * how often it fires, which channels are dead (zero for every image) or
 * rarely active, and why each dead channel is dead. DATASET is an IDX
 * images file (plain or gzip, labels found next to it or given with
 * --labels), a folder of PNG/JPEG pictures, or `mnist-heldout` (the
 * bundled 2,000 held-out digits). Text by default, --json for one object,
 * --csv for one line per channel. Progress goes to stderr when it is a
 * terminal; Ctrl+C stops the scan and prints the partial result. Complete
 * results are kept in the user cache and reused (--no-cache skips it).
 * It does not draw tiles or show the top images (the window does).
 */
#include "config.h"

#include <inttypes.h>

#include "fm-cli.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "fm-data.h"
#include "fm-dataset.h"
#include "fm-scan.h"

#define BUNDLED_DATASET "mnist-heldout"
#define BUNDLED_IMAGES  "digits/mnist-heldout-images-idx3-ubyte.gz"

typedef struct
{
  /* options */
  gboolean   json;
  char      *csv;
  char      *labels;
  gint64     limit;
  int        top_k;
  double     rare_below;
  FmCliPreprocessFlags preprocess;
  int        threads;
  gboolean   no_cache;
  /* state */
  gboolean   tty;
  GCancellable *cancellable;
} ScanState;

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

static void
scan_state_clear (ScanState *s)
{
  g_free (s->csv);
  g_free (s->labels);
  fm_cli_preprocess_flags_clear (&s->preprocess);
  g_clear_object (&s->cancellable);
}

/* Called from the scan's worker threads, at most ~20 times a second. */
static void
on_progress (guint64  done,
             guint64  total,
             double   elapsed,
             gpointer user_data)
{
  ScanState *s = user_data;

  if (interrupted)
    g_cancellable_cancel (s->cancellable);
  if (s->tty)
    fprintf (stderr, _("\rScanning: %" PRIu64 " / %" PRIu64
                       " images (%.0f images/s)   "),
             done, total, elapsed > 0 ? done / elapsed : 0.0);
}

static char *
resolve_dataset (const char  *arg,
                 GError     **error)
{
  if (g_strcmp0 (arg, BUNDLED_DATASET) == 0)
    return fm_data_find (BUNDLED_IMAGES, error);
  return g_strdup (arg);
}

#define TABLE_COLUMNS 5

/* Appends @text padded with spaces to @width characters (not bytes). */
static void
append_cell (GString    *line,
             const char *text,
             glong       width,
             gboolean    align_right)
{
  glong pad = MAX (width - g_utf8_strlen (text, -1), 0);

  if (!align_right)
    g_string_append (line, text);
  for (glong i = 0; i < pad; i++)
    g_string_append_c (line, ' ');
  if (align_right)
    g_string_append (line, text);
}

/* Layer, op, channels, dead and rare per layer, each column as wide as its
 * widest cell, counted in characters so any name lines up. */
static void
print_layer_table (const FmScanResult *r)
{
  const gboolean align_right[TABLE_COLUMNS] = { FALSE, FALSE, TRUE, TRUE, TRUE };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  glong width[TABLE_COLUMNS] = { 0 };
  guint n_rows = r->n_layers + 1;

  g_ptr_array_add (cells, g_strdup (_("Layer")));
  g_ptr_array_add (cells, g_strdup (_("Op")));
  g_ptr_array_add (cells, g_strdup (_("Channels")));
  g_ptr_array_add (cells, g_strdup (_("Dead")));
  g_ptr_array_add (cells, g_strdup (_("Rare")));
  for (guint l = 0; l < r->n_layers; l++)
    {
      const FmScanLayer *L = &r->layers[l];

      g_ptr_array_add (cells, g_strdup (L->name));
      g_ptr_array_add (cells, g_strdup (L->op));
      g_ptr_array_add (cells, g_strdup_printf ("%u", L->channels));
      g_ptr_array_add (cells, g_strdup_printf ("%u", L->n_dead));
      g_ptr_array_add (cells, g_strdup_printf ("%u", L->n_rare));
    }

  for (guint i = 0; i < cells->len; i++)
    width[i % TABLE_COLUMNS] = MAX (width[i % TABLE_COLUMNS],
                                    g_utf8_strlen (g_ptr_array_index (cells, i), -1));

  for (guint row = 0; row < n_rows; row++)
    {
      g_autoptr(GString) line = g_string_new ("  ");

      for (guint c = 0; c < TABLE_COLUMNS; c++)
        {
          const char *text = g_ptr_array_index (cells, row * TABLE_COLUMNS + c);
          /* No spaces after a left-aligned last column. */
          glong w = c + 1 == TABLE_COLUMNS && !align_right[c] ? 0 : width[c];

          if (c > 0)
            g_string_append_c (line, ' ');
          append_cell (line, text, w, align_right[c]);
        }
      g_print ("%s\n", line->str);
    }
}

static void
print_text (const FmScanResult *r,
            gboolean            from_cache)
{
  guint total_dead = 0, total_rare = 0;

  g_print ("%-9s %s\n", _("Model:"), r->model_path);
  g_print ("%-9s %s\n", _("Dataset:"), r->dataset_path);
  if (from_cache)
    g_print (_("Scanned %" PRIu64 " images (result from the cache)\n"), r->images);
  else
    g_print (_("Scanned %" PRIu64 " images in %.1f s (%.0f images/s)\n"),
             r->images, r->elapsed, r->elapsed > 0 ? r->images / r->elapsed : 0.0);
  if (r->partial)
    g_print (_("PARTIAL: the scan stopped after %" PRIu64 " of %" PRIu64
               " images; the counts cover those only.\n"), r->images, r->total);
  for (guint i = 0; r->warnings != NULL && r->warnings[i] != NULL; i++)
    g_print (_("Skipped: %s\n"), r->warnings[i]);

  g_print ("\n");
  print_layer_table (r);
  for (guint l = 0; l < r->n_layers; l++)
    {
      total_dead += r->layers[l].n_dead;
      total_rare += r->layers[l].n_rare;
    }

  if (total_dead > 0)
    {
      g_print ("\n%s\n", _("Dead channels (zero for every scanned image):"));
      for (guint l = 0; l < r->n_layers; l++)
        {
          const FmScanLayer *L = &r->layers[l];

          if (L->n_dead == 0)
            continue;
          g_print ("  %s\n", L->name);
          for (guint i = 0; i < L->n_dead; i++)
            {
              guint c = L->dead[i];
              float bias = L->bias != NULL ? L->bias[c] : NAN;

              g_print ("    %3u  ", c);
              switch (L->diagnosis[c])
                {
                case FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED:
                  g_print (_("weights collapsed to near zero (largest |w| %.2g)"),
                           (double) L->weight_max_abs[c]);
                  break;
                case FM_SCAN_DIAGNOSIS_INPUTS_DEAD:
                  g_print ("%s", _("every input channel it reads is dead"));
                  break;
                case FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE:
                  g_print (_("the bias keeps it negative: largest pre-activation %.2f"),
                           (double) L->pre_activation_max[c]);
                  break;
                default:
                  g_print (_("never above the zero threshold (%g)"), (double) r->epsilon);
                  break;
                }
              if (!isnan (bias))
                g_print (_(", bias %.2f"), (double) bias);
              g_print ("\n");
            }
        }
      g_print ("\n%s\n", _("Usual remedies: a lower learning rate, batch normalisation before "
                           "the activation, LeakyReLU instead of ReLU, and better "
                           "initialisation (He/Kaiming)."));
    }
  else if (r->images > 0)
    g_print ("\n%s\n", _("No dead channels."));

  if (total_rare > 0)
    {
      g_print ("\n");
      g_print (_("Rarely active channels (fire on fewer than %g %% of the images):\n"),
               100.0 * r->rare_below);
      for (guint l = 0; l < r->n_layers; l++)
        {
          const FmScanLayer *L = &r->layers[l];
          g_autoptr(GString) list = g_string_new (NULL);

          if (L->n_rare == 0)
            continue;
          for (guint i = 0; i < L->n_rare; i++)
            g_string_append_printf (list, "%s%u (%" G_GUINT64_FORMAT ")", i > 0 ? ", " : "",
                                    L->rare[i], L->fire_count[L->rare[i]]);
          g_print ("  %s: %s\n", L->name, list->str);
        }
    }
}

int
fm_cli_scan (int    argc,
             char **argv)
{
  ScanState s = { 0 };
  const GOptionEntry entries[] = {
    { "labels", 0, 0, G_OPTION_ARG_FILENAME, &s.labels,
      N_("IDX labels file (default: found next to the images)"), N_("FILE") },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &s.limit,
      N_("Scan only the first N images"), N_("N") },
    { "top-k", 0, 0, G_OPTION_ARG_INT, &s.top_k,
      N_("Keep the K images with the largest activation per channel (default 9)"), N_("K") },
    { "rare-below", 0, 0, G_OPTION_ARG_DOUBLE, &s.rare_below,
      N_("A channel firing on fewer than this share of images is rare (default 0.01)"),
      N_("F") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &s.json,
      N_("Print one JSON object instead of text"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &s.csv,
      N_("Also write one line per channel to FILE"), N_("FILE") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &s.threads,
      N_("Number of scan threads (default 2)"), N_("N") },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &s.no_cache,
      N_("Neither read nor write the result cache"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmScan) scan = NULL;
  g_autoptr(FmScanResult) result = NULL;
  g_autofree char *dataset_path = NULL;
  g_autofree char *cache_path = NULL;
  FmModelOptions model_options;
  FmScanOptions options;
  struct sigaction sa = { 0 }, old_sa;
  gboolean from_cache = FALSE;
  gboolean cancelled = FALSE;
  int status = FM_CLI_EXIT_OK;

  s.top_k = 9;
  s.rare_below = 0.01;
  s.threads = 2;
  context = fm_cli_option_context_new ("scan", _("MODEL DATASET"),
                                       _("Run every image of DATASET through MODEL and report, "
                                         "for every channel of every feature-map layer, how "
                                         "often it fires, which channels are dead and why.\n"
                                         "MODEL is an .onnx file or a bundled model name. "
                                         "DATASET is an IDX images file (plain or .gz), a "
                                         "folder of PNG/JPEG pictures (searched recursively), "
                                         "or “mnist-heldout” for the bundled digits."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  fm_cli_preprocess_flags_add_options (&s.preprocess, context,
                                       N_("Invert pictures: auto (default; IDX images are "
                                          "never inverted), yes or no"));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = fm_cli_usage_error (context, "scan", "%s", error->message);
      goto out;
    }
  if (argc < 3)
    {
      status = fm_cli_usage_error (context, "scan", "%s",
                                   argc < 2 ? _("missing MODEL and DATASET")
                                            : _("missing DATASET"));
      goto out;
    }
  if (argc > 3)
    {
      status = fm_cli_usage_error (context, "scan", _("unexpected argument “%s”"), argv[3]);
      goto out;
    }
  if (s.threads < 1 || s.threads > FM_SCAN_MAX_THREADS)
    {
      status = fm_cli_usage_error (context, "scan", _("--threads must be 1 to %d, not %d"),
                                   FM_SCAN_MAX_THREADS, s.threads);
      goto out;
    }
  if (s.limit < 0)
    {
      status = fm_cli_usage_error (context, "scan", _("--limit must be 0 (all) or more, not %"
                                                      PRId64), s.limit);
      goto out;
    }
  if (s.top_k < 0 || s.top_k > FM_SCAN_MAX_TOP_K)
    {
      status = fm_cli_usage_error (context, "scan", _("--top-k must be 0 to %d, not %d"),
                                   FM_SCAN_MAX_TOP_K, s.top_k);
      goto out;
    }
  if (!(s.rare_below >= 0.0 && s.rare_below <= 1.0))
    {
      status = fm_cli_usage_error (context, "scan",
                                   _("--rare-below must be a share between 0 and 1, not %g"),
                                   s.rare_below);
      goto out;
    }
  status = fm_cli_preprocess_flags_check (&s.preprocess, context, "scan");
  if (status != FM_CLI_EXIT_OK)
    goto out;

  /* The dataset first: an IDX file's size fills in symbolic model dims. */
  dataset_path = resolve_dataset (argv[2], &error);
  if (dataset_path == NULL)
    goto fail;
  dataset = fm_dataset_open (dataset_path, s.labels, &error);
  if (dataset == NULL)
    goto fail;
  fm_model_options_init (&model_options);
  if (fm_dataset_get_kind (dataset) == FM_DATASET_IDX)
    {
      model_options.default_height = fm_dataset_get_height (dataset);
      model_options.default_width = fm_dataset_get_width (dataset);
    }
  model = fm_cli_load_model (argv[1], &model_options, &error);
  if (model == NULL)
    goto fail;

  fm_scan_options_init (&options);
  options.threads = (guint) s.threads;
  options.limit = (guint64) s.limit;
  options.top_k = (guint) s.top_k;
  options.rare_below = s.rare_below;
  if (model->n_inputs == 1)
    {
      status = fm_cli_preprocess_flags_apply (&s.preprocess, context, "scan", model,
                                              &options.preprocess);
      if (status != FM_CLI_EXIT_OK)
        goto out;
    }

  if (!s.no_cache)
    {
      g_autofree char *key = fm_dataset_dup_content_key (dataset, NULL, &error);

      if (key == NULL)
        goto fail;
      cache_path = fm_scan_cache_path (model->path, key, &options, &error);
      if (cache_path == NULL)
        goto fail;
      result = fm_scan_cache_load (cache_path, NULL);
      if (result != NULL && (g_strcmp0 (result->model_path, model->path) != 0 ||
                             g_strcmp0 (result->dataset_path, dataset_path) != 0))
        {
          /* Same contents under another name: rescanning is cheaper to
           * explain than a report that names other files. */
          g_clear_pointer (&result, fm_scan_result_unref);
        }
      from_cache = result != NULL;
    }

  if (result == NULL)
    {
      s.tty = isatty (STDERR_FILENO);
      s.cancellable = g_cancellable_new ();
      sa.sa_handler = on_sigint;
      sigemptyset (&sa.sa_mask);
      sigaction (SIGINT, &sa, &old_sa);
      scan = fm_scan_new (model, dataset, &options);
      if (!fm_scan_run (scan, on_progress, &s, s.cancellable, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            cancelled = TRUE;
          else if (fm_scan_get_result (scan) == NULL)
            {
              sigaction (SIGINT, &old_sa, NULL);
              goto fail;
            }
        }
      sigaction (SIGINT, &old_sa, NULL);
      if (s.tty)
        fprintf (stderr, "\r%80s\r", "");
      result = fm_scan_result_ref (fm_scan_get_result (scan));
      if (s.tty)
        fprintf (stderr, _("Scanned %" PRIu64 " images in %.2f s (%.0f images/s)\n"),
                 result->images, result->elapsed,
                 result->elapsed > 0 ? result->images / result->elapsed : 0.0);
      if (!result->partial && cache_path != NULL)
        {
          g_autoptr(GError) cache_error = NULL;

          /* The cache is a convenience: failing to write it is not fatal. */
          if (!fm_scan_cache_save (result, cache_path, &cache_error))
            fprintf (stderr, _("feature-maps: warning: %s\n"), cache_error->message);
        }
    }

  if (s.json)
    {
      g_autoptr(JsonNode) root = fm_scan_result_to_json (result);

      fm_cli_print_json (root);
    }
  else
    print_text (result, from_cache);

  if (s.csv != NULL)
    {
      g_autoptr(GError) csv_error = NULL;

      /* @error may already hold why the scan stopped early: report both. */
      if (!fm_scan_result_write_csv (result, s.csv, &csv_error))
        {
          if (error != NULL && !cancelled)
            fm_cli_fail (error);
          status = fm_cli_fail (csv_error);
          goto out;
        }
    }

  if (cancelled)
    {
      fprintf (stderr, _("feature-maps: the scan was cancelled after %" PRIu64
                         " images; the result is partial\n"), result->images);
      status = FM_CLI_EXIT_FAILURE;
    }
  else if (error != NULL)
    {
      /* A dataset error after some images: the partial result is printed,
       * then the error. */
      status = fm_cli_fail (error);
    }
  goto out;

fail:
  status = fm_cli_fail (error);
out:
  scan_state_clear (&s);
  return status;
}
