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
#include "fm-cli-scan.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "fm-data.h"
#include "fm-dataset.h"
#include "fm-file.h"
#include "fm-scan.h"

#define BUNDLED_DATASET "mnist-heldout"
#define BUNDLED_IMAGES  "digits/mnist-heldout-images-idx3-ubyte.gz"

typedef struct
{
  FmCliScanFlags  flags;
  /* scan's own options */
  FmCliScanOutput output;
  char           *shard;
  guint           shard_index;
  guint           shard_count;
} ScanState;

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
}

void
fm_cli_scan_catch_interrupt (gboolean catch)
{
  static struct sigaction old_sa;
  static gboolean caught;
  struct sigaction sa = { 0 };

  if (catch && !caught)
    {
      sa.sa_handler = on_sigint;
      sigemptyset (&sa.sa_mask);
      sigaction (SIGINT, &sa, &old_sa);
    }
  else if (!catch && caught)
    sigaction (SIGINT, &old_sa, NULL);
  caught = catch;
}

gboolean
fm_cli_scan_interrupted (void)
{
  return interrupted != 0;
}

void
fm_cli_scan_flags_init (FmCliScanFlags *f)
{
  memset (f, 0, sizeof *f);
  f->top_k = 9;
  f->rare_below = 0.01;
  f->threads = 2;
}

void
fm_cli_scan_flags_clear (FmCliScanFlags *f)
{
  g_free (f->labels);
  fm_cli_preprocess_flags_clear (&f->preprocess);
  g_clear_object (&f->cancellable);
}

void
fm_cli_scan_progress (FmCliScanFlags *f,
                      const char     *format,
                      ...)
{
  va_list args;

  if (interrupted)
    g_cancellable_cancel (f->cancellable);
  if (!f->tty)
    return;
  fputc ('\r', stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputs ("   ", stderr);
}

void
fm_cli_scan_progress_clear (const FmCliScanFlags *f)
{
  if (f->tty)
    fprintf (stderr, "\r%80s\r", "");
}

/* Called from the scan's worker threads, at most ~20 times a second. */
static void
on_progress (guint64  done,
             guint64  total,
             double   elapsed,
             gpointer user_data)
{
  FmCliScanFlags *s = user_data;

  if (interrupted)
    g_cancellable_cancel (s->cancellable);
  if (s->tty)
    {
      fprintf (stderr, "\r%s", s->progress_label != NULL ? s->progress_label : "");
      fprintf (stderr, _("Scanning: %" PRIu64 " / %" PRIu64 " images (%.0f images/s)   "),
               done, total, elapsed > 0 ? done / elapsed : 0.0);
    }
}

static char *
resolve_dataset (const char  *arg,
                 GError     **error)
{
  if (g_strcmp0 (arg, BUNDLED_DATASET) == 0)
    return fm_data_find (BUNDLED_IMAGES, error);
  return g_strdup (arg);
}

#define TABLE_COLUMNS 8
#define TOP_CLASSES   3

/* "12.3 %", or "-" when unknown (a result of before APoZ). */
static char *
percent_cell (double share)
{
  /* Translators: a percentage in the scan's table. */
  return isnan (share) ? g_strdup ("-") : g_strdup_printf (_("%.1f %%"), 100.0 * share);
}

/* Layer, op, channels, dead, near-dead and rare counts, mean APoZ and the
 * dead warning per layer, each column as wide as its widest cell,
 * counted in characters so any name lines up. */
static void
print_layer_table (const FmScanResult *r)
{
  const gboolean align_right[TABLE_COLUMNS] = { FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE,
                                                FALSE };
  gboolean warned = FALSE;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (cells, g_strdup (_("Layer")));
  g_ptr_array_add (cells, g_strdup (_("Op")));
  g_ptr_array_add (cells, g_strdup (_("Channels")));
  g_ptr_array_add (cells, g_strdup (_("Dead")));
  /* Translators: a column of the scan's table: channels whose APoZ is
   * above the layer's mean + 1 standard deviation. */
  g_ptr_array_add (cells, g_strdup (_("Near-dead")));
  g_ptr_array_add (cells, g_strdup (_("Rare")));
  /* Translators: a column: the layer's mean APoZ ("Average Percentage of
   * Zeros"); keep the abbreviation. */
  g_ptr_array_add (cells, g_strdup (_("APoZ")));
  g_ptr_array_add (cells, g_strdup (""));
  for (guint l = 0; l < r->n_layers; l++)
    {
      const FmScanLayer *L = &r->layers[l];

      g_ptr_array_add (cells, g_strdup (L->name));
      g_ptr_array_add (cells, g_strdup (L->op));
      g_ptr_array_add (cells, g_strdup_printf ("%u", L->channels));
      g_ptr_array_add (cells, g_strdup_printf ("%u", L->n_dead));
      g_ptr_array_add (cells, isnan (L->apoz_mean) ? g_strdup ("-")
                                                   : g_strdup_printf ("%u", L->n_near_dead));
      g_ptr_array_add (cells, g_strdup_printf ("%u", L->n_rare));
      g_ptr_array_add (cells, percent_cell (L->apoz_mean));
      g_ptr_array_add (cells, g_strdup (L->dead_warning ? "!" : ""));
      warned |= L->dead_warning;
    }

  fm_cli_print_table (cells, TABLE_COLUMNS, align_right, 1);
  if (warned)
    /* xgettext:no-c-format */
    g_print ("\n  %s\n", _("!: 10 % or more of the layer's channels are dead (the threshold "
                         "of Keras's dead-ReLU detector)."));
}

static void
print_header (const FmScanResult *r,
              const FmPreprocess *pp,
              gboolean            from_cache)
{
  /* The dead channels depend on how the pictures were prepared, and the
   * defaults on the model. */
  g_autofree char *prepared = pp != NULL ? fm_preprocess_describe (pp) : NULL;

  fm_cli_print_fields (_("Model:"), r->model_path, _("Dataset:"), r->dataset_path,
                       prepared != NULL ? _("Preprocessing:") : NULL, prepared, NULL);
  if (r->shard_count > 0 && r->range_end > r->range_begin)
    /* Translators: "Shard 2 of 4: items 500 to 999 of 2000" (item indexes from 0) */
    g_print (_("Shard %u of %u: items %" PRIu64 " to %" PRIu64 " of %" PRIu64 "\n"),
             r->shard_index, r->shard_count, r->range_begin, r->range_end - 1,
             r->limit > 0 ? MIN (r->limit, r->dataset_items) : r->dataset_items);
  else if (r->shard_count > 0)
    /* Translators: more shards than items left this one none */
    g_print (_("Shard %u of %u: no items (there are more shards than items)\n"),
             r->shard_index, r->shard_count);
  if (r->parts > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "Merged %" PRIu64 " images from %u part "
                          "(their scans took %.1f s in all)\n",
                          "Merged %" PRIu64 " images from %u parts "
                          "(their scans took %.1f s in all)\n", r->parts),
             r->images, r->parts, r->elapsed);
  else if (from_cache)
    g_print (_("Scanned %" PRIu64 " images (result from the cache)\n"), r->images);
  else
    g_print (_("Scanned %" PRIu64 " images in %.1f s (%.0f images/s)\n"),
             r->images, r->elapsed, r->elapsed > 0 ? r->images / r->elapsed : 0.0);
  if (r->partial)
    g_print (_("PARTIAL: the scan stopped after %" PRIu64 " of %" PRIu64
               " images; the counts cover those only.\n"), r->images, r->total);
  fm_cli_scan_print_warnings (r);
}

void
fm_cli_scan_print_warnings (const FmScanResult *r)
{
  /* Translators: a file the dataset could not read and why, or values it
   * clamped; the scan's counts cover the rest */
  for (guint i = 0; r->warnings != NULL && r->warnings[i] != NULL; i++)
    g_print (_("Warning: %s\n"), r->warnings[i]);
}

/* What "dead" can promise after these images. */
static void
print_bound (const FmScanResult *r)
{
  double rule, exact;

  if (!fm_scan_result_dead_bound (r, &rule, &exact))
    return;
  g_print ("\n");
  /* The rule of three approximates the bound from about 30 images on (as
   * the explanation of fm-scan-explain.c says it); below, 3/N is far off
   * and from 3 images down above 100 %. */
  if (r->images >= 30)
    /* Translators: "3/N" is the rule of three; the numbers are percentages. */
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Dead means unseen in %" PRIu64 " image: a channel firing on more "
                          "than %.3g %% of such inputs (3/N = %.3g %%) would have shown with "
                          "95 %% confidence.\n",
                          "Dead means unseen in %" PRIu64 " images: a channel firing on more "
                          "than %.3g %% of such inputs (3/N = %.3g %%) would have shown with "
                          "95 %% confidence.\n", r->images),
             r->images, 100.0 * exact, 100.0 * rule);
  else
    /* Translators: the number is a percentage. */
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Dead means unseen in %" PRIu64 " image: a channel firing on more "
                          "than %.3g %% of such inputs would have shown with 95 %% "
                          "confidence.\n",
                          "Dead means unseen in %" PRIu64 " images: a channel firing on more "
                          "than %.3g %% of such inputs would have shown with 95 %% "
                          "confidence.\n", r->images),
             r->images, 100.0 * exact);
}

static void
print_dead (const FmScanResult *r)
{
  g_print ("\n%s\n", _("Dead channels (zero for every scanned image):"));
  for (guint l = 0; l < r->n_layers; l++)
    {
      const FmScanLayer *L = &r->layers[l];

      g_autofree char *name = NULL;

      if (L->n_dead == 0)
        continue;
      name = fm_cli_escape_controls (L->name);   /* a model's name drives no terminal */
      g_print ("  %s\n", name);
      for (guint i = 0; i < L->n_dead; i++)
        {
          g_autofree char *why = fm_scan_result_dead_reason (r, l, L->dead[i]);

          g_print ("    %3u  %s\n", L->dead[i], why);
        }
    }
  g_print ("\n%s\n", _("Usual remedies: a lower learning rate, batch normalisation before "
                       "the activation, LeakyReLU instead of ReLU, and better "
                       "initialisation (He/Kaiming)."));
  print_bound (r);
}

/* "  LAYER: C (NOTE), C (NOTE)…" for the @n channels @channels of @L,
 * each noted with its APoZ (@apoz) or else its fire count; nothing when
 * @n is 0. */
static void
print_channel_line (const FmScanLayer *L,
                    const guint       *channels,
                    guint              n,
                    gboolean           apoz)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *name = NULL;

  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      guint c = channels[i];
      g_autofree char *note = apoz ? percent_cell (L->apoz[c])
                                   : g_strdup_printf ("%" G_GUINT64_FORMAT, L->fire_count[c]);

      g_string_append_printf (list, "%s%u (%s)", i > 0 ? ", " : "", c, note);
    }
  name = fm_cli_escape_controls (L->name);
  g_print ("  %s: %s\n", name, list->str);
}

static void
print_rare (const FmScanResult *r)
{
  g_print ("\n");
  g_print (_("Rarely active channels (fire on fewer than %g %% of the images):\n"),
           100.0 * r->rare_below);
  for (guint l = 0; l < r->n_layers; l++)
    print_channel_line (&r->layers[l], r->layers[l].rare, r->layers[l].n_rare, FALSE);
}

static void
print_near_dead (const FmScanResult *r)
{
  g_print ("\n%s\n", _("Near-dead channels (APoZ above the layer's mean + 1 standard "
                       "deviation):"));
  for (guint l = 0; l < r->n_layers; l++)
    print_channel_line (&r->layers[l], r->layers[l].near_dead, r->layers[l].n_near_dead, TRUE);
}

/* For a labelled dataset: the classes each rare or near-dead channel
 * fires for most, which tell a specialist from a dying channel. */
static void
print_classes (const FmScanResult *r)
{
  gboolean any = FALSE;

  for (guint l = 0; l < r->n_layers; l++)
    {
      const FmScanLayer *L = &r->layers[l];

      for (guint c = 0; L->class_fire_count != NULL && c < L->channels; c++)
        {
          g_autofree char *text = NULL;
          gboolean rare = FALSE;

          for (guint i = 0; i < L->n_rare; i++)
            rare |= L->rare[i] == c;
          if (!rare && !fm_scan_result_is_near_dead (r, l, c))
            continue;
          text = fm_scan_result_top_classes_text (r, l, c, TOP_CLASSES);
          if (!any)
            g_print ("\n%s\n", r->class_images != NULL
                     ? _("Classes the rare and near-dead channels fire for most "
                         "(class: share of its images):")
                     : _("Classes the rare and near-dead channels fire for most "
                         "(class: images):"));
          any = TRUE;
          g_autofree char *name = fm_cli_escape_controls (L->name);
          g_autofree char *shown = fm_cli_escape_controls (text != NULL ? text : "-");

          g_print ("  %s %u: %s\n", name, c, shown);
        }
    }
}

static void
print_text (const FmScanResult *r,
            const FmPreprocess *pp,
            gboolean            from_cache)
{
  guint total_dead = 0, total_rare = 0, total_near = 0;

  print_header (r, pp, from_cache);
  g_print ("\n");
  print_layer_table (r);
  for (guint l = 0; l < r->n_layers; l++)
    {
      total_dead += r->layers[l].n_dead;
      total_rare += r->layers[l].n_rare;
      total_near += r->layers[l].n_near_dead;
    }
  if (total_dead > 0)
    print_dead (r);
  else if (r->images > 0)
    g_print ("\n%s\n", _("No dead channels."));
  if (total_near > 0)
    print_near_dead (r);
  if (total_rare > 0)
    print_rare (r);
  if (r->n_classes > 0)
    print_classes (r);
}

/* ---- the command ------------------------------------------------------ */

void
fm_cli_scan_flags_add_options (FmCliScanFlags *f,
                               GOptionContext *context)
{
  const GOptionEntry entries[] = {
    { "labels", 0, 0, G_OPTION_ARG_FILENAME, &f->labels,
      N_("IDX or 1-D integer .npy labels file (default: found next to the images)"),
      N_("FILE") },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &f->limit,
      N_("Scan only the first N images (0, the default: all)"), N_("N") },
    { "top-k", 0, 0, G_OPTION_ARG_INT, &f->top_k,
      N_("Keep the K images with the largest activation per channel (default 9)"), N_("K") },
    { "rare-below", 0, 0, G_OPTION_ARG_DOUBLE, &f->rare_below,
      N_("A channel firing on fewer than this share of images is rare (default 0.01)"),
      N_("F") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &f->threads,
      N_("Number of scan threads (default 2)"), N_("N") },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &f->no_cache,
      N_("Neither read nor write the result cache"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  fm_cli_preprocess_flags_add_options (&f->preprocess, context,
                                       N_("Invert pictures: auto (default; IDX images are "
                                          "never inverted), yes or no"));
}

void
fm_cli_scan_output_add_options (FmCliScanOutput *o,
                                GOptionContext  *context)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json,
      N_("Print one JSON object instead of text"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o->csv,
      N_("Also write one line per channel to FILE"), N_("FILE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output,
      N_("Also write the JSON object to FILE"), N_("FILE") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

void
fm_cli_scan_output_clear (FmCliScanOutput *o)
{
  g_clear_pointer (&o->csv, g_free);
  g_clear_pointer (&o->output, g_free);
}

int
fm_cli_scan_output_write (const FmCliScanOutput *o,
                          const FmScanResult    *result,
                          gboolean               from_cache)
{
  g_autoptr(JsonNode) root = fm_scan_result_to_json (result);
  g_autoptr(GError) error = NULL;

  if (o->json)
    fm_cli_print_json (root);
  else
    print_text (result, o->pp, from_cache);
  /* A CSV has no place to say that it is partial: a partial result
   * neither makes one nor replaces a complete one. */
  if (o->csv != NULL && result->partial)
    fprintf (stderr, _("feature-maps: %s not written: the scan is partial, and a CSV cannot "
                       "say so (-o FILE writes it as JSON marked \"partial\": true)\n"),
             o->csv);
  else if (o->csv != NULL && !fm_scan_result_write_csv (result, o->csv, &error))
    return fm_cli_fail (error);
  if (o->output != NULL)
    {
      g_autofree char *text = fm_cli_json_to_text (root);

      if (!fm_file_write_atomic (o->output, text, strlen (text), &error))
        return fm_cli_fail (error);
    }
  return FM_CLI_EXIT_OK;
}

static GOptionContext *
scan_context_new (ScanState *s)
{
  const GOptionEntry entries[] = {
    { "shard", 0, 0, G_OPTION_ARG_STRING, &s->shard,
      N_("Scan only the K-th of N equal parts of the images, K from 1 to N "
         "(merge the parts with “feature-maps merge”)"), N_("K/N") },
    { NULL }
  };
  GOptionContext *context;

  context = fm_cli_option_context_new ("scan", _("MODEL DATASET"),
                                       _("Run every image of DATASET through MODEL and report, "
                                         "for every channel of every feature-map layer, how "
                                         "often it fires, which channels are dead and why.\n"
                                         "MODEL is an .onnx file or a bundled model name. "
                                         "DATASET is an IDX images file (plain or .gz); a "
                                         "folder of PNG/JPEG pictures (searched recursively; "
                                         "labelled by class folder when its top holds only "
                                         "folders, as ImageNet's); a WebDataset .tar shard, a "
                                         "folder of shards or “shard-{000000..000099}.tar” "
                                         "(pictures with .cls labels); an .npy array [N, H, W] "
                                         "or [N, C, H, W] of uint8 (0 to 255) or float (0 to "
                                         "1); or “mnist-heldout” for the bundled digits."));
  fm_cli_scan_output_add_options (&s->output, context);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

/* --shard K/N: 1 <= K <= N <= FM_SCAN_MAX_SHARDS. */
static int
parse_shard (ScanState      *s,
             GOptionContext *context)
{
  const char *spec = s->shard;
  g_auto(GStrv) parts = spec != NULL ? g_strsplit (spec, "/", 3) : NULL;
  guint64 k = 0, n = 0;

  if (spec == NULL)
    return FM_CLI_EXIT_OK;
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, FM_SCAN_MAX_SHARDS, &k, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, FM_SCAN_MAX_SHARDS, &n, NULL) || k > n)
    return fm_cli_usage_error (context, "scan",
                               _("--shard must be K/N with 1 <= K <= N <= %d (shards are "
                                 "numbered from 1), not “%s”"), FM_SCAN_MAX_SHARDS, spec);
  s->shard_index = (guint) k;
  s->shard_count = (guint) n;
  return FM_CLI_EXIT_OK;
}

int
fm_cli_scan_parse (FmCliScanFlags   *f,
                   GOptionContext   *context,
                   const char       *subcommand,
                   int              *argc,
                   char           ***argv)
{
  static const char *const missing[] = { N_("missing MODEL and DATASET"),
                                         N_("missing DATASET"), NULL };

  fm_cli_scan_flags_add_options (f, context);
  return fm_cli_parse_arguments (context, subcommand, argc, argv, missing, 2);
}

int
fm_cli_scan_flags_check (const FmCliScanFlags *s,
                         GOptionContext       *context,
                         const char           *subcommand)
{
  if (s->threads < 1 || s->threads > FM_SCAN_MAX_THREADS)
    return fm_cli_usage_error (context, subcommand, _("--threads must be 1 to %d, not %d"),
                               FM_SCAN_MAX_THREADS, s->threads);
  if (s->limit < 0)
    return fm_cli_usage_error (context, subcommand, _("--limit must be 0 (all) or more, not %"
                                                      PRId64), s->limit);
  if (s->top_k < 0 || s->top_k > FM_SCAN_MAX_TOP_K)
    return fm_cli_usage_error (context, subcommand, _("--top-k must be 0 to %d, not %d"),
                               FM_SCAN_MAX_TOP_K, s->top_k);
  if (!(s->rare_below >= 0.0 && s->rare_below <= 1.0))
    return fm_cli_usage_error (context, subcommand,
                               _("--rare-below must be a share between 0 and 1, not %g"),
                               s->rare_below);
  return fm_cli_preprocess_flags_check (&s->preprocess, context, subcommand);
}

int
fm_cli_scan_open_dataset (const FmCliScanFlags  *s,
                          const char            *dataset_arg,
                          FmDataset            **dataset)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dataset_path = resolve_dataset (dataset_arg, &error);

  if (dataset_path == NULL ||
      (*dataset = fm_dataset_open (dataset_path, s->labels, &error)) == NULL)
    return fm_cli_fail (error);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_scan_load_model (const FmCliScanFlags  *s,
                        GOptionContext        *context,
                        const char            *subcommand,
                        const char            *model_arg,
                        FmDataset             *dataset,
                        FmModel              **model,
                        FmScanOptions         *options,
                        GError               **error)
{
  FmModelOptions model_options;

  /* An IDX or .npy file's item size fills in symbolic model dims. */
  fm_model_options_init (&model_options);
  if (fm_dataset_get_width (dataset) > 0)
    {
      model_options.default_height = fm_dataset_get_height (dataset);
      model_options.default_width = fm_dataset_get_width (dataset);
    }
  *model = fm_cli_load_model (model_arg, &model_options, error);
  if (*model == NULL)
    return FM_CLI_EXIT_FAILURE;

  fm_scan_options_init (options);
  options->threads = (guint) s->threads;
  options->limit = (guint64) s->limit;
  options->top_k = (guint) s->top_k;
  options->rare_below = s->rare_below;
  if ((*model)->n_inputs == 1)
    return fm_cli_preprocess_flags_apply (&s->preprocess, context, subcommand, *model,
                                          &options->preprocess);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_scan_open (const FmCliScanFlags  *f,
                  GOptionContext        *context,
                  const char            *subcommand,
                  char                 **argv,
                  const char            *extra_input,
                  const char * const    *outputs,
                  guint                  n_outputs,
                  FmDataset            **dataset,
                  FmModel              **model,
                  FmScanOptions         *options)
{
  g_autoptr(GError) error = NULL;
  int status;

  status = fm_cli_check_outputs (context, subcommand,
                                 (const char *[]) { argv[1], argv[2], f->labels, extra_input }, 4,
                                 outputs, n_outputs);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_output_folders (outputs, n_outputs);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_open_dataset (f, argv[2], dataset);
  if (status == FM_CLI_EXIT_OK)
    {
      status = fm_cli_scan_load_model (f, context, subcommand, argv[1], *dataset, model,
                                       options, &error);
      if (error != NULL)
        status = fm_cli_fail (error);
    }
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_found_inputs (context, subcommand, *dataset, *model, outputs, NULL,
                                        n_outputs);
  return status;
}

/* The settings that differ between two fm_scan_preprocess_text () lines
 * (same keys, same order): "invert=auto (here invert=no)". */
static char *
settings_difference (const char *scan,
                     const char *here)
{
  g_auto(GStrv) a = g_strsplit (scan, "; ", -1);
  g_auto(GStrv) b = g_strsplit (here, "; ", -1);
  GString *s = g_string_new (NULL);

  for (guint i = 0; a[i] != NULL && b[i] != NULL; i++)
    if (strcmp (a[i], b[i]) != 0)
      /* Translators: a setting of the scan, then this command's */
      g_string_append_printf (s, _("%s%s (here %s)"), s->len > 0 ? ", " : "", a[i], b[i]);
  if (s->len == 0)
    g_string_append (s, scan);
  return g_string_free (s, FALSE);
}

/* Whether @r is a scan of @model: FM_ERROR_INVALID_INPUT naming @display
 * if not. */
static gboolean
check_scan_model (const FmScanResult *r,
                  FmModel            *model,
                  const char         *display,
                  GError            **error)
{
  g_autofree char *digest = fm_scan_model_sha256 (model, error);

  if (digest == NULL)
    return FALSE;
  if (r->model_sha256 == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s does not say which model it was made with (an older Feature Maps "
                     "wrote it); scan again with “feature-maps scan MODEL DATASET --json”"),
                   display);
      return FALSE;
    }
  if (strcmp (r->model_sha256, digest) != 0)
    {
      g_autofree char *theirs = g_path_get_basename (r->model_path);

      /* Translators: "scan.json is a scan of another model (mnist-cnn-dying.onnx,
       * by its contents), not of mnist-cnn.onnx" */
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s is a scan of another model (%s, by its contents), not of %s"),
                   display, theirs, model->display_name);
      return FALSE;
    }
  return TRUE;
}

FmScanResult *
fm_cli_scan_load_result (const char         *path,
                         FmModel            *model,
                         const FmPreprocess *pp,
                         float               epsilon,
                         const char         *subcommand,
                         GError            **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *settings = NULL;
  g_autoptr(FmScanResult) r = fm_scan_result_load_json (path, error);

  if (r == NULL || !check_scan_model (r, model, display, error))
    return NULL;
  settings = pp != NULL ? fm_scan_preprocess_text (pp) : NULL;
  if (settings != NULL && r->preprocess != NULL && strcmp (r->preprocess, settings) != 0)
    {
      g_autofree char *difference = settings_difference (r->preprocess, settings);

      /* Translators: the last %s is the command ("export", "prune") */
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s was made with other input settings: %s; give %s the scan's "
                     "flags or scan again"), display, difference, subcommand);
      return NULL;
    }
  if (r->epsilon != epsilon)
    {
      /* Translators: "scan.json was made with zero threshold 0.1, export uses 0" */
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s was made with zero threshold %g, %s uses %g"),
                   display, (double) r->epsilon, subcommand, (double) epsilon);
      return NULL;
    }
  return g_steal_pointer (&r);
}

FmScanResult *
fm_cli_scan_run (FmCliScanFlags       *s,
                 FmModel              *model,
                 FmDataset            *dataset,
                 const FmScanOptions  *options,
                 gboolean             *from_cache,
                 GError              **error)
{
  g_autoptr(GError) cache_error = NULL;
  struct sigaction sa = { 0 }, old_sa;
  FmScanResult *result;

  s->tty = isatty (STDERR_FILENO);
  if (s->cancellable == NULL)
    s->cancellable = g_cancellable_new ();
  if (interrupted)
    g_cancellable_cancel (s->cancellable);
  sa.sa_handler = on_sigint;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, &old_sa);
  result = fm_scan_run_cached (model, dataset, options,
                               s->no_cache ? FM_SCAN_CACHE_SKIP : FM_SCAN_CACHE_USE,
                               on_progress, s, s->cancellable, from_cache, &cache_error, error);
  sigaction (SIGINT, &old_sa, NULL);
  if (result != NULL && !*from_cache && s->tty)
    {
      fprintf (stderr, "\r%80s\r", "");
      fprintf (stderr, "%s", s->progress_label != NULL ? s->progress_label : "");
      fprintf (stderr, _("Scanned %" PRIu64 " images in %.2f s (%.0f images/s)\n"),
               result->images, result->elapsed,
               result->elapsed > 0 ? result->images / result->elapsed : 0.0);
    }
  /* The cache is a convenience: failing to write it is not fatal. */
  if (cache_error != NULL)
    fprintf (stderr, _("feature-maps: warning: %s\n"), cache_error->message);
  return result;
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
  int status;

  /* Nothing scanned (no item could be read): the error alone. */
  if (error != NULL && !cancelled && result->images == 0)
    return fm_cli_fail (error);
  status = fm_cli_scan_output_write (&s->output, result, from_cache);
  if (cancelled)
    {
      fprintf (stderr, _("feature-maps: the scan was cancelled after %" PRIu64
                         " images; the result is partial\n"), result->images);
      return FM_CLI_EXIT_FAILURE;
    }
  /* A dataset error after some images: the partial result is printed,
   * then the error. */
  return error != NULL ? fm_cli_fail (error) : status;
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
  int status;

  fm_cli_scan_flags_init (&s.flags);
  context = scan_context_new (&s);
  status = fm_cli_scan_parse (&s.flags, context, "scan", &argc, &argv);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_flags_check (&s.flags, context, "scan");
  if (status == FM_CLI_EXIT_OK)
    status = parse_shard (&s, context);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_open (&s.flags, context, "scan", argv, NULL,
                               (const char *[]) { s.output.output, s.output.csv }, 2,
                               &dataset, &model, &options);
  if (status == FM_CLI_EXIT_OK)
    {
      options.shard_index = s.shard_index;
      options.shard_count = s.shard_count;
      if (options.preprocess.channels != 0)   /* set from the model and the flags */
        s.output.pp = &options.preprocess;
      result = fm_cli_scan_run (&s.flags, model, dataset, &options, &from_cache, &error);
      status = result != NULL ? report (&s, result, from_cache, error) : fm_cli_fail (error);
    }
  fm_cli_scan_flags_clear (&s.flags);
  fm_cli_scan_output_clear (&s.output);
  g_free (s.shard);
  return status;
}
