/* fm-cli-timeline.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps timeline CHECKPOINT... --dataset DATASET`: the dataset
 * scan of each checkpoint of one training (through the scan's cache, with
 * the scan's flags), so one sees at which step channels died and whether
 * any came back. A CHECKPOINT is an .onnx file or a folder of them; all
 * are taken in natural order of their file names (epoch-2 before
 * epoch-10). A checkpoint that cannot be loaded or scanned is reported by
 * name and the others are still scanned; Ctrl+C stops after the
 * checkpoints already finished, which are reported. Text, --json, and a
 * figure (-o, PNG or PDF; fm-timeline-figure.c).
 */
#include "config.h"

#include <inttypes.h>

#include "fm-cli.h"
#include "fm-cli-scan.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "fm-channel-list.h"
#include "fm-checkpoints.h"
#include "fm-timeline-figure.h"

typedef struct
{
  FmCliScanFlags flags;
  char          *dataset_arg;
  gboolean       json;
  char          *output;
  /* state */
  GPtrArray     *paths;       /* char *: the checkpoints, in order */
  char         **labels;      /* what to call each (fm_checkpoints_labels ()) */
  GPtrArray     *results;     /* FmScanResult * or NULL, one per path scanned */
  GPtrArray     *errors;      /* char *: why, or NULL, one per path scanned */
  gboolean       cancelled;
} TimelineState;

static void
timeline_state_clear (TimelineState *s)
{
  fm_cli_scan_flags_clear (&s->flags);
  g_free (s->dataset_arg);
  g_free (s->output);
  g_clear_pointer (&s->paths, g_ptr_array_unref);
  g_clear_pointer (&s->labels, g_strfreev);
  g_clear_pointer (&s->results, g_ptr_array_unref);
  g_clear_pointer (&s->errors, g_ptr_array_unref);
}

/* ---- scanning --------------------------------------------------------- */

/* Scans checkpoint @k; its result or NULL and @error. A dataset is read
 * once (fm-dataset.h): each checkpoint opens its own. */
static FmScanResult *
scan_checkpoint (TimelineState   *s,
                 GOptionContext  *context,
                 guint            k,
                 int             *status,
                 GError         **error)
{
  const char *path = g_ptr_array_index (s->paths, k);
  g_autofree char *label = g_strdup_printf ("%s (%u/%u): ", s->labels[k], k + 1, s->paths->len);
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(FmModel) model = NULL;
  FmScanOptions options;
  gboolean from_cache = FALSE;
  FmScanResult *result;

  *status = fm_cli_scan_open_dataset (&s->flags, s->dataset_arg, &dataset);
  if (*status != FM_CLI_EXIT_OK)
    return NULL;
  *status = fm_cli_scan_load_model (&s->flags, context, "timeline", path, dataset, &model,
                                    &options, error);
  if (*status == FM_CLI_EXIT_OK)
    *status = fm_cli_check_found_inputs (context, "timeline", NULL, model,
                                         (const char *[]) { s->output }, NULL, 1);
  if (*status != FM_CLI_EXIT_OK)
    return NULL;
  s->flags.progress_label = label;
  result = fm_cli_scan_run (&s->flags, model, dataset, &options, &from_cache, error);
  s->flags.progress_label = NULL;
  if (result != NULL && result->partial)
    g_clear_pointer (&result, fm_scan_result_unref);
  return result;
}

/* Scans every checkpoint in order; a usage error stops at once (returned),
 * a failing checkpoint (unreadable, or not the network of the first one
 * scanned) is reported and skipped, Ctrl+C stops after the finished ones. */
static int
scan_all (TimelineState  *s,
          GOptionContext *context)
{
  int first = -1;   /* the first checkpoint scanned: the others have its layers */

  s->results = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_scan_result_unref);
  s->errors = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < s->paths->len; k++)
    {
      g_autoptr(GError) error = NULL;
      FmScanResult *result;
      int status;

      if (fm_cli_scan_interrupted ())
        {
          s->cancelled = TRUE;
          break;
        }
      result = scan_checkpoint (s, context, k, &status, &error);
      if (result == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          s->cancelled = TRUE;
          break;
        }
      if (result == NULL && error == NULL)
        return status;  /* a usage error or the dataset's, already printed */
      if (result != NULL && first >= 0
          && !fm_scan_result_check_same_layers (result, s->labels[k],
                                                g_ptr_array_index (s->results, first),
                                                s->labels[first], &error))
        g_clear_pointer (&result, fm_scan_result_unref);
      if (result != NULL && first < 0)
        first = (int) k;
      if (result == NULL)
        fm_cli_fail (error);
      else
        {
          guint dead = fm_scan_result_count_dead (result);

          /* Translators: one line per checkpoint scanned, e.g.
           * "epoch-3.onnx: 2000 images, 45 dead channels" */
          fprintf (stderr, g_dngettext (GETTEXT_PACKAGE,
                                        "%s: %" PRIu64 " images, %u dead channel\n",
                                        "%s: %" PRIu64 " images, %u dead channels\n", dead),
                   (const char *) g_ptr_array_index (s->paths, k), result->images, dead);
        }
      g_ptr_array_add (s->results, result);
      g_ptr_array_add (s->errors, error != NULL ? g_strdup (error->message) : NULL);
    }
  return FM_CLI_EXIT_OK;
}

/* ---- output ----------------------------------------------------------- */

/* The dataset's warnings (pictures skipped, values clamped): every
 * checkpoint's scan read the same dataset and has them, so each is kept
 * once, in the order found. The strings belong to the results. */
static GPtrArray *
dataset_warnings (TimelineState *s)
{
  GPtrArray *warnings = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint k = 0; k < s->results->len; k++)
    {
      const FmScanResult *r = g_ptr_array_index (s->results, k);

      for (guint i = 0; r != NULL && r->warnings != NULL && r->warnings[i] != NULL; i++)
        if (g_hash_table_add (seen, r->warnings[i]))
          g_ptr_array_add (warnings, r->warnings[i]);
    }
  return warnings;
}

static void
print_json (TimelineState *s,
            FmDataset     *dataset)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) warnings = dataset_warnings (s);
  guint64 images = 0;

  for (guint k = 0; k < s->results->len && images == 0; k++)
    if (g_ptr_array_index (s->results, k) != NULL)
      images = ((FmScanResult *) g_ptr_array_index (s->results, k))->images;

  json_builder_begin_object (b);
  fm_cli_json_add_string (b, "dataset", fm_dataset_get_path (dataset));
  fm_cli_json_add_int (b, "images", (gint64) images);
  fm_cli_json_add_boolean (b, "cancelled", s->cancelled);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; i < warnings->len; i++)
    fm_json_add_text (b, g_ptr_array_index (warnings, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "checkpoints");
  json_builder_begin_array (b);
  for (guint k = 0; k < s->results->len; k++)
    {
      const FmScanResult *r = g_ptr_array_index (s->results, k);

      json_builder_begin_object (b);
      fm_cli_json_add_string (b, "model", g_ptr_array_index (s->paths, k));
      if (r == NULL)
        {
          fm_cli_json_add_string (b, "error", g_ptr_array_index (s->errors, k));
          json_builder_end_object (b);
          continue;
        }
      json_builder_set_member_name (b, "layers");
      json_builder_begin_array (b);
      for (guint l = 0; l < r->n_layers; l++)
        {
          const FmScanLayer *L = &r->layers[l];

          json_builder_begin_object (b);
          fm_cli_json_add_string (b, "name", L->name);
          fm_cli_json_add_int (b, "channels", L->channels);
          fm_json_add_ints (b, "dead", NULL, L->dead, L->n_dead);
          fm_json_add_ints (b, "rare", NULL, L->rare, L->n_rare);
          fm_json_add_ints (b, "fire_count", L->fire_count, NULL, L->channels);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  fm_cli_print_json (json_builder_get_root (b));
}

/* ---- since when ------------------------------------------------------- */

/* Layer @name's channels through the scanned checkpoints, in order:
 * @since[c] the first checkpoint of the run of dead ones that lasts to the
 * last scanned (-1: not dead there), @last_dead[c] the last checkpoint
 * where c was dead (-1: never). A checkpoint not scanned breaks no run. */
static void
layer_history (TimelineState *s,
               const char    *name,
               guint          channels,
               int           *since,
               int           *last_dead)
{
  g_autofree gboolean *dead = g_new0 (gboolean, MAX (channels, 1));

  for (guint c = 0; c < channels; c++)
    since[c] = last_dead[c] = -1;
  for (guint k = 0; k < s->results->len; k++)
    {
      const FmScanResult *r = g_ptr_array_index (s->results, k);
      int i = r != NULL ? fm_scan_result_find_layer (r, name) : -1;

      if (i < 0)
        continue;
      memset (dead, 0, sizeof (gboolean) * MAX (channels, 1));
      for (guint d = 0; d < r->layers[i].n_dead; d++)
        if (r->layers[i].dead[d] < channels)
          dead[r->layers[i].dead[d]] = TRUE;
      for (guint c = 0; c < channels; c++)
        {
          if (dead[c] && since[c] < 0)
            since[c] = (int) k;
          if (!dead[c])
            since[c] = -1;
          if (dead[c])
            last_dead[c] = (int) k;
        }
    }
}

/* "0-9 since epoch-6.onnx; 26 since epoch-10.onnx": the channels c with
 * @by[c] >= 0, grouped by the checkpoint @by[c], in order; NULL for none.
 * With @skip, only the channels c whose @skip[c] < 0, and "last dead at"
 * instead of "since". */
static char *
grouped_channels (TimelineState *s,
                  guint          channels,
                  const int     *by,
                  const int     *skip)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint k = 0; k < s->results->len; k++)
    {
      g_autoptr(GArray) group = g_array_new (FALSE, FALSE, sizeof (int));
      g_autofree char *list = NULL;

      for (guint c = 0; c < channels; c++)
        if (by[c] == (int) k && (skip == NULL || skip[c] < 0))
          {
            int ci = (int) c;

            g_array_append_val (group, ci);
          }
      if (group->len == 0)
        continue;
      list = fm_channel_list_indexes_to_string ((const int *) group->data, group->len);
      if (line->len > 0)
        g_string_append (line, "; ");
      if (skip == NULL)
        /* Translators: channels dead since a checkpoint, e.g.
         * "0-9 since epoch-6.onnx" */
        g_string_append_printf (line, _("%s since %s"), list, s->labels[k]);
      else
        /* Translators: channels that came back to life, and the last
         * checkpoint where they were dead, e.g. "20 last dead at epoch-8.onnx" */
        g_string_append_printf (line, _("%s last dead at %s"), list, s->labels[k]);
    }
  return line->len > 0 ? g_string_free (g_steal_pointer (&line), FALSE) : NULL;
}

/* Under the table: per layer, the channels dead at the last checkpoint
 * scanned with the checkpoint since which they are, and those that were
 * dead before and came back, with the last checkpoint they were dead at.
 * Counts alone hide channels that die while others come back. Only the
 * activation layers (as the dead count on stderr) when there are any. */
static void
print_since (TimelineState      *s,
             const FmScanResult *first)
{
  g_autoptr(GPtrArray) dead_lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) back_lines = g_ptr_array_new_with_free_func (g_free);
  const char *last = NULL;   /* the last checkpoint scanned */
  gboolean activations = fm_scan_result_has_activations (first);
  guint scanned = 0;

  for (guint k = 0; k < s->results->len; k++)
    if (g_ptr_array_index (s->results, k) != NULL)
      {
        scanned++;
        last = s->labels[k];
      }
  if (scanned < 2)
    return;
  for (guint l = 0; l < first->n_layers; l++)
    {
      const FmScanLayer *L = &first->layers[l];
      g_autofree int *since = g_new (int, MAX (L->channels, 1));
      g_autofree int *last_dead = g_new (int, MAX (L->channels, 1));
      g_autofree char *name = fm_cli_escape_controls (L->name);
      char *dead, *back;

      /* A pool after a ReLU only repeats its dead channels. */
      if (activations && !fm_scan_layer_is_activation (L))
        continue;
      layer_history (s, L->name, L->channels, since, last_dead);
      dead = grouped_channels (s, L->channels, since, NULL);
      back = grouped_channels (s, L->channels, last_dead, since);
      if (dead != NULL)
        g_ptr_array_add (dead_lines, g_strdup_printf ("  %s: %s\n", name, dead));
      if (back != NULL)
        g_ptr_array_add (back_lines, g_strdup_printf ("  %s: %s\n", name, back));
      g_free (dead);
      g_free (back);
    }
  g_print ("\n");
  /* Translators: the heading of the list of dead channels, with the last
   * checkpoint scanned, e.g. "Dead at the last checkpoint (epoch-9.onnx)…" */
  g_print (_("Dead at the last checkpoint (%s), and since when:\n"), last);
  if (dead_lines->len == 0)
    g_print ("  %s\n", C_("channels", "none"));
  for (guint i = 0; i < dead_lines->len; i++)
    g_print ("%s", (const char *) g_ptr_array_index (dead_lines, i));
  if (back_lines->len == 0)
    return;
  g_print ("\n");
  /* Translators: the heading of the list of channels that were dead at an
   * earlier checkpoint and fire at the last one scanned */
  g_print (_("Came back (dead at an earlier checkpoint, firing at %s):\n"), last);
  for (guint i = 0; i < back_lines->len; i++)
    g_print ("%s", (const char *) g_ptr_array_index (back_lines, i));
}

/* The letters of column @l as a spreadsheet names its columns: A ... Z,
 * AA ... AZ, BA ..., so each of a network's layers (ResNet-18 has 47) has
 * its own. */
static void
column_label (guint l,
              char  out[8])
{
  char reversed[8];
  guint n = 0;

  for (guint64 v = (guint64) l + 1; v > 0 && n < 7; v = (v - 1) / 26)
    reversed[n++] = (char) ('A' + (v - 1) % 26);
  for (guint i = 0; i < n; i++)
    out[i] = reversed[n - 1 - i];
  out[n] = '\0';
}

/* One cell of the table: the dead channels of layer @name in @r, "-"
 * when it was not scanned or has no such layer. */
static void
print_dead_cell (const FmScanResult *r,
                 const char         *name)
{
  int i = r != NULL ? fm_scan_result_find_layer (r, name) : -1;

  if (i < 0)
    g_print (" %5s", "-");
  else
    g_print (" %5u", r->layers[i].n_dead);
}

/* The table with one row per checkpoint and one column per layer of
 * @first, lettered (a network of fewer layers than checkpoints). */
static void
print_by_checkpoint (TimelineState      *s,
                     const FmScanResult *first)
{
  glong name_width = 0;

  for (guint k = 0; k < s->results->len; k++)
    name_width = MAX (name_width, fm_cli_display_width (s->labels[k]));
  for (guint l = 0; l < first->n_layers; l++)
    {
      g_autofree char *name = fm_cli_escape_controls (first->layers[l].name);
      char column[8];

      column_label (l, column);
      g_print ("  %-*s  %s (%u)\n", first->n_layers > 26 ? 2 : 1, column, name,
               first->layers[l].channels);
    }
  g_print ("\n  %*s", (int) name_width, "");
  for (guint l = 0; l < first->n_layers; l++)
    {
      char column[8];

      column_label (l, column);
      g_print (" %5s", column);
    }
  g_print ("\n");
  for (guint k = 0; k < s->results->len; k++)
    {
      const FmScanResult *r = g_ptr_array_index (s->results, k);
      glong pad = name_width - fm_cli_display_width (s->labels[k]);

      g_print ("  %s%*s", s->labels[k], (int) pad, "");
      if (r == NULL)
        {
          g_print ("  %s\n", _("(not scanned)"));
          continue;
        }
      for (guint l = 0; l < first->n_layers; l++)
        print_dead_cell (r, first->layers[l].name);
      g_print ("\n");
    }
}

/* The table with one row per layer of @first and one column per
 * checkpoint, numbered (a network of more layers than checkpoints: a
 * ResNet-18 has 47, which as columns made rows 300 characters wide). */
static void
print_by_layer (TimelineState      *s,
                const FmScanResult *first)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  int digits = 1;
  glong row_width = 0;

  for (guint n = s->results->len; n >= 10; n /= 10)
    digits++;
  for (guint k = 0; k < s->results->len; k++)
    {
      if (g_ptr_array_index (s->results, k) == NULL)
        g_print ("  %*u  %s  %s\n", digits, k + 1, s->labels[k], _("(not scanned)"));
      else
        g_print ("  %*u  %s\n", digits, k + 1, s->labels[k]);
    }
  for (guint l = 0; l < first->n_layers; l++)
    {
      g_autofree char *name = fm_cli_escape_controls (first->layers[l].name);
      char *row = g_strdup_printf ("%s (%u)", name, first->layers[l].channels);

      row_width = MAX (row_width, fm_cli_display_width (row));
      g_ptr_array_add (rows, row);
    }
  g_print ("\n  %*s", (int) row_width, "");
  for (guint k = 0; k < s->results->len; k++)
    g_print (" %5u", k + 1);
  g_print ("\n");
  for (guint l = 0; l < first->n_layers; l++)
    {
      const char *row = g_ptr_array_index (rows, l);

      g_print ("  %s%*s", row, (int) (row_width - fm_cli_display_width (row)), "");
      for (guint k = 0; k < s->results->len; k++)
        print_dead_cell (g_ptr_array_index (s->results, k), first->layers[l].name);
      g_print ("\n");
    }
}

/* The dead channels of each layer at each checkpoint: the checkpoints as
 * rows, or as columns when the network has more layers than there are
 * checkpoints, so the table grows down, not sideways; then since when. */
static void
print_text (TimelineState *s,
            FmDataset     *dataset)
{
  g_autoptr(GPtrArray) warnings = dataset_warnings (s);
  const FmScanResult *first = NULL;

  for (guint k = 0; k < s->results->len && first == NULL; k++)
    first = g_ptr_array_index (s->results, k);
  g_print ("%s %s\n", _("Dataset:"), fm_dataset_get_path (dataset));
  for (guint i = 0; i < warnings->len; i++)
    g_print (_("Warning: %s\n"), (const char *) g_ptr_array_index (warnings, i));
  if (first == NULL)
    {
      g_print ("%s\n", _("No checkpoint could be scanned."));
      return;
    }
  g_print (_("Dead channels per layer (zero for every one of %" PRIu64 " images):\n"),
           first->images);
  if (first->n_layers > s->results->len)
    print_by_layer (s, first);
  else
    print_by_checkpoint (s, first);
  print_since (s, first);
}

/* ---- the command ------------------------------------------------------ */

static GOptionContext *
timeline_context_new (TimelineState *s)
{
  const GOptionEntry entries[] = {
    { "dataset", 0, 0, G_OPTION_ARG_FILENAME, &s->dataset_arg,
      N_("The dataset to scan each checkpoint with (required)"), N_("DATASET") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &s->json,
      N_("Print one JSON object instead of text"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &s->output,
      N_("Also draw the timeline into FILE (.png or .pdf)"), N_("FILE") },
    { NULL }
  };
  GOptionContext *context;

  context = fm_cli_option_context_new ("timeline", _("CHECKPOINT…"),
                                       _("Scan DATASET with every CHECKPOINT of one training "
                                         "(an .onnx file or a folder of them, taken in natural "
                                         "order of their names: epoch-2 before epoch-10) and "
                                         "show, per layer, which channels are dead at each "
                                         "checkpoint: when they died, and whether any came "
                                         "back. Results come from the scan's cache when they "
                                         "are there. DATASET is what “scan” takes."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  fm_cli_scan_flags_add_options (&s->flags, context);
  return context;
}

static int
check_output (TimelineState  *s,
              GOptionContext *context)
{
  if (s->output == NULL || fm_timeline_figure_format_for (s->output) != FM_TIMELINE_FIGURE_NONE)
    return FM_CLI_EXIT_OK;
  return fm_cli_usage_error (context, "timeline",
                             _("-o: %s: the figure is written as .png or .pdf"), s->output);
}

static int
write_figure (TimelineState *s,
              FmDataset     *dataset)
{
  g_autoptr(GError) error = NULL;

  if (!fm_timeline_figure_write (s->output, (const char * const *) s->labels,
                                 (FmScanResult * const *) s->results->pdata, s->results->len,
                                 fm_dataset_get_path (dataset), &error))
    return fm_cli_fail (error);
  if (!s->json)
    g_print ("\n%s %s\n", _("Timeline drawn in"), s->output);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_timeline (int    argc,
                 char **argv)
{
  TimelineState s = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = NULL;
  static const char *const missing[] = { N_("missing CHECKPOINT"), NULL };
  gboolean any_failed = FALSE;
  int status;

  fm_cli_scan_flags_init (&s.flags);
  context = timeline_context_new (&s);
  status = fm_cli_parse_arguments (context, "timeline", &argc, &argv, missing, G_MAXINT);
  if (status == FM_CLI_EXIT_OK && s.dataset_arg == NULL)
    status = fm_cli_usage_error (context, "timeline", _("missing --dataset DATASET"));
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_flags_check (&s.flags, context, "timeline");
  if (status == FM_CLI_EXIT_OK)
    status = check_output (&s, context);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_outputs (context, "timeline",
                                   (const char *[]) { s.dataset_arg, s.flags.labels }, 2,
                                   (const char *[]) { s.output }, 1);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_output_folders ((const char *[]) { s.output }, 1);
  if (status == FM_CLI_EXIT_OK)
    {
      s.paths = fm_checkpoints_list ((const char * const *) argv + 1, (guint) argc - 1, &error);
      if (s.paths == NULL)
        status = fm_cli_fail (error);
      else
        s.labels = fm_checkpoints_labels (s.paths);
    }
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_outputs (context, "timeline", (const char * const *) s.paths->pdata,
                                   s.paths->len, (const char *[]) { s.output }, 1);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_scan_open_dataset (&s.flags, s.dataset_arg, &dataset);
  if (status == FM_CLI_EXIT_OK)
    {
      gboolean png = s.output != NULL
                     && fm_timeline_figure_format_for (s.output) == FM_TIMELINE_FIGURE_PNG;

      status = fm_cli_check_found_inputs (context, "timeline", dataset, NULL,
                                          (const char *[]) { s.output }, &png, 1);
    }
  if (status == FM_CLI_EXIT_OK)
    {
      fm_cli_scan_catch_interrupt (TRUE);
      status = scan_all (&s, context);
      fm_cli_scan_catch_interrupt (FALSE);
    }
  if (status != FM_CLI_EXIT_OK)
    goto out;

  if (s.json)
    print_json (&s, dataset);
  else
    print_text (&s, dataset);
  if (s.output != NULL)
    status = write_figure (&s, dataset);
  for (guint k = 0; k < s.errors->len; k++)
    any_failed |= g_ptr_array_index (s.errors, k) != NULL;
  if (s.cancelled)
    {
      fprintf (stderr, _("feature-maps: the timeline was cancelled after %u of %u checkpoints; "
                         "it shows those only\n"), s.results->len, s.paths->len);
      status = FM_CLI_EXIT_FAILURE;
    }
  else if (any_failed && status == FM_CLI_EXIT_OK)
    status = FM_CLI_EXIT_FAILURE;

out:
  timeline_state_clear (&s);
  return status;
}
