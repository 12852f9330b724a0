/* fm-cli-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps scan MODEL DATASET` (README.md): the dataset scan of
 * fm-scan.h through its result cache, reported as text, --json or --csv.
 * Progress goes to stderr when it is a terminal; Ctrl+C stops the scan
 * and prints the partial result.
 */
#include "config.h"

#include <inttypes.h>

#include "fm-cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "fm-dataset.h"
#include "fm-scan.h"

typedef struct
{
  /* options */
  gboolean   json;
  char      *csv;
  FmCliScanFlags scan;
} ScanState;

static void
scan_state_clear (ScanState *s)
{
  g_free (s->csv);
  fm_cli_scan_flags_clear (&s->scan);
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
print_header (const FmScanResult *r,
              gboolean            from_cache)
{
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
}

/* One line under its layer: the channel and why it is dead. */
static void
print_dead_channel (const FmScanResult *r,
                    const FmScanLayer  *L,
                    guint               c)
{
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

static void
print_dead (const FmScanResult *r)
{
  g_print ("\n%s\n", _("Dead channels (zero for every scanned image):"));
  for (guint l = 0; l < r->n_layers; l++)
    {
      const FmScanLayer *L = &r->layers[l];

      if (L->n_dead == 0)
        continue;
      g_print ("  %s\n", L->name);
      for (guint i = 0; i < L->n_dead; i++)
        print_dead_channel (r, L, L->dead[i]);
    }
  g_print ("\n%s\n", _("Usual remedies: a lower learning rate, batch normalisation before "
                       "the activation, LeakyReLU instead of ReLU, and better "
                       "initialisation (He/Kaiming)."));
}

static void
print_rare (const FmScanResult *r)
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

static void
print_text (const FmScanResult *r,
            gboolean            from_cache)
{
  guint total_dead = 0, total_rare = 0;

  print_header (r, from_cache);
  g_print ("\n");
  print_layer_table (r);
  for (guint l = 0; l < r->n_layers; l++)
    {
      total_dead += r->layers[l].n_dead;
      total_rare += r->layers[l].n_rare;
    }
  if (total_dead > 0)
    print_dead (r);
  else if (r->images > 0)
    g_print ("\n%s\n", _("No dead channels."));
  if (total_rare > 0)
    print_rare (r);
}

/* ---- the command ------------------------------------------------------ */

static GOptionContext *
scan_context_new (ScanState *s)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &s->json,
      N_("Print one JSON object instead of text"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &s->csv,
      N_("Also write one line per channel to FILE"), N_("FILE") },
    { NULL }
  };
  GOptionContext *context;

  context = fm_cli_option_context_new ("scan", _("MODEL DATASET"),
                                       _("Run every image of DATASET through MODEL and report, "
                                         "for every channel of every feature-map layer, how "
                                         "often it fires, which channels are dead and why.\n"
                                         "MODEL is an .onnx file or a bundled model name. "
                                         "DATASET is an IDX images file (plain or .gz), a "
                                         "folder of PNG/JPEG pictures (searched recursively), "
                                         "or “mnist-heldout” for the bundled digits."));
  fm_cli_scan_flags_add_options (&s->scan, context);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

/* Prints @result, writes the CSV and says why the scan stopped early, if
 * it did (@error); returns the exit status. */
static int
report (ScanState          *s,
        const FmScanResult *result,
        gboolean            from_cache,
        const GError       *error)
{
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  if (s->json)
    {
      g_autoptr(JsonNode) root = fm_scan_result_to_json (result);

      fm_cli_print_json (root);
    }
  else
    print_text (result, from_cache);

  if (s->csv != NULL)
    {
      g_autoptr(GError) csv_error = NULL;

      /* @error may already hold why the scan stopped early: report both. */
      if (!fm_scan_result_write_csv (result, s->csv, &csv_error))
        {
          if (error != NULL && !cancelled)
            fm_cli_fail (error);
          return fm_cli_fail (csv_error);
        }
    }

  if (cancelled)
    {
      fprintf (stderr, _("feature-maps: the scan was cancelled after %" PRIu64
                         " images; the result is partial\n"), result->images);
      return FM_CLI_EXIT_FAILURE;
    }
  /* A dataset error after some images: the partial result is printed,
   * then the error. */
  return error != NULL ? fm_cli_fail (error) : FM_CLI_EXIT_OK;
}

int
fm_cli_scan (int    argc,
             char **argv)
{
  ScanState s = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmScanResult) result = NULL;
  FmScanOptions options;
  gboolean from_cache = FALSE;
  static const char *const missing[] = { N_("missing MODEL and DATASET"),
                                         N_("missing DATASET"), NULL };
  int status;

  fm_cli_scan_flags_init (&s.scan);
  context = scan_context_new (&s);
  status = fm_cli_parse_arguments (context, "scan", &argc, &argv, missing, 2);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_flags_check (&s.scan, context, "scan");
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_open (&s.scan, context, "scan", argv[1], argv[2], &dataset, &model,
                               &options);
  if (status == FM_CLI_EXIT_OK)
    {
      fm_cli_interrupt_begin (&s.scan);
      result = fm_cli_scan_run (&s.scan, model, dataset, &options, &from_cache, &error);
      fm_cli_interrupt_end (&s.scan);
      status = result != NULL ? report (&s, result, from_cache, error) : fm_cli_fail (error);
    }
  scan_state_clear (&s);
  return status;
}
