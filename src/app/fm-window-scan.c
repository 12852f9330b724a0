/* fm-window-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's dataset scan: choosing a dataset, fm_scan_run_cached in
 * a thread while the window stays usable, the bar with progress and Stop
 * (a stopped scan keeps its partial result), toasts that say why a scan
 * stopped early or could not be kept, the marks on the tiles and in the
 * sidebar, and Export Atlas (exporting the result as JSON or CSV and
 * opening one are in fm-window-scan-result.c).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "fm-atlas.h"
#include "fm-data.h"
#include "fm-dataset.h"
#include "fm-file.h"
#include "fm-file-chooser.h"
#include "fm-window-private.h"
#include "fm-window-measures.h"
#include "fm-wrap-label.h"

/* ---- the bar's jobs ----------------------------------------------------- */

/* The bar's jobs (fm-window-private.h): the scan and the atlas here, the
 * pruning in fm-window-prune.c. */
void
_fm_window_bar_job_init (FmBarJob *job,
                         char   *(*status) (FmBarJob *, guint64, guint64, double))
{
  g_mutex_init (&job->lock);
  job->status = status;
}

void
_fm_window_bar_job_progress (guint64  done,
                             guint64  total,
                             double   elapsed,
                             gpointer user_data)
{
  FmBarJob *job = user_data;

  g_mutex_lock (&job->lock);
  job->done = done;
  job->total = total;
  job->elapsed = elapsed;
  g_mutex_unlock (&job->lock);
}

static gboolean
poll_bar (gpointer user_data)
{
  GTask *task = user_data;
  FmWindow *self = g_task_get_source_object (task);
  FmBarJob *job = g_task_get_task_data (task);
  g_autofree char *text = NULL;
  guint64 done, total;
  double elapsed;

  if (g_task_get_completed (task))
    return G_SOURCE_REMOVE;
  g_mutex_lock (&job->lock);
  done = job->done;
  total = job->total;
  elapsed = job->elapsed;
  g_mutex_unlock (&job->lock);
  text = job->status (job, done, total, elapsed);
  gtk_label_set_text (self->scan_label, text);
  gtk_progress_bar_set_fraction (self->scan_progress, total > 0 ? (double) done / total : 0);
  return G_SOURCE_CONTINUE;
}

static void
show_bar (FmWindow *self,
          gboolean  running)
{
  gboolean exports = !running && self->scan != NULL;

  gtk_revealer_set_reveal_child (self->scan_revealer, TRUE);
  gtk_widget_set_visible (self->scan_cancel, running);
  gtk_widget_set_visible (gtk_widget_get_parent (self->scan_export), exports);
  gtk_widget_set_visible (self->scan_export, exports);
  gtk_widget_set_visible (self->scan_export_atlas, exports);
  gtk_widget_set_visible (self->scan_export_pruned, exports);
  gtk_widget_set_visible (self->scan_close, !running);
  gtk_widget_set_visible (GTK_WIDGET (self->scan_progress), running);
}

/* Export Atlas… and Export Pruned Model… need a scan of this model, and
 * nothing running; Scan Dataset… nothing running (its button did nothing
 * during a scan while it looked as if it would). */
static void
update_bar_actions (FmWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.scan",
                                 self->model != NULL && self->scan_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.scan-export-atlas",
                                 self->scan != NULL && self->scan_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.scan-export-pruned",
                                 self->scan != NULL && self->scan_cancellable == NULL);
}

void
_fm_window_run_bar_job (FmWindow            *self,
                        FmBarJob            *job,
                        GDestroyNotify       free_job,
                        gboolean             check_cancellable,
                        const char          *label,
                        const char          *stopped,
                        GTaskThreadFunc      thread,
                        GAsyncReadyCallback  done)
{
  g_autoptr(GTask) task = NULL;

  g_free (self->bar_job_stopped);
  self->bar_job_stopped = g_strdup (stopped);

  self->scan_cancellable = g_cancellable_new ();
  self->bar_job_scans = FALSE;
  task = g_task_new (self, self->scan_cancellable, done, NULL);
  g_task_set_check_cancellable (task, check_cancellable);
  g_task_set_task_data (task, job, free_job);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 100, poll_bar, g_object_ref (task), g_object_unref);
  gtk_label_set_text (self->scan_label, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->scan_label), NULL);
  gtk_progress_bar_set_fraction (self->scan_progress, 0);
  show_bar (self, TRUE);
  update_bar_actions (self);
  g_task_run_in_thread (task, thread);
}

/* A job of the bar ended: nothing runs now. */
static void
bar_job_ended (FmWindow *self)
{
  g_clear_object (&self->scan_cancellable);
  self->bar_job_scans = FALSE;
  update_bar_actions (self);
}

/* ---- the scan -------------------------------------------------------------- */

typedef struct
{
  FmBarJob      bar;
  FmModel      *model;
  char         *dataset_path;
  FmScanOptions options;
  gboolean      from_cache;
  gboolean      cache_only;   /* look the result up in the cache, never scan */
  gboolean      quiet;        /* cache_only: a result found is not announced */
  float         old_epsilon;  /* cache_only: the threshold of the result replaced */
  GError       *cache_error;  /* the result could not be kept in the cache */
  GError       *scan_error;   /* why a partial result stopped early, not Stop */
} ScanJob;

static void
scan_job_free (ScanJob *job)
{
  fm_model_unref (job->model);
  g_free (job->dataset_path);
  g_clear_error (&job->cache_error);
  g_clear_error (&job->scan_error);
  g_mutex_clear (&job->bar.lock);
  g_free (job);
}

static void
scan_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = NULL;
  FmScanResult *result;

  dataset = fm_dataset_open (job->dataset_path, NULL, &error);
  if (dataset == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  _fm_window_bar_job_progress (0, fm_dataset_get_n_items (dataset), 0, &job->bar);

  result = fm_scan_run_cached (job->model, dataset, &job->options,
                               job->cache_only ? FM_SCAN_CACHE_LOOK_ONLY : FM_SCAN_CACHE_USE,
                               _fm_window_bar_job_progress, &job->bar, cancellable,
                               &job->from_cache, &job->cache_error, &error);
  if (result == NULL && error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A dataset that breaks mid-way: keep what was scanned, say why. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    job->scan_error = g_steal_pointer (&error);
  g_task_return_pointer (task, result, (GDestroyNotify) fm_scan_result_unref);
}

static char *
format_count (guint64 n)
{
  /* "60,000" in English, "60.000" in German: the locale's grouping. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

static char *
scan_status (FmBarJob *job,
             guint64   done,
             guint64   total,
             double    elapsed)
{
  g_autofree char *done_s = format_count (done);
  g_autofree char *total_s = format_count (total);

  if (done > 0 && elapsed > 0)
    {
      double rate = done / elapsed;
      double left = total > done ? (total - done) / rate : 0;

      /* Translators: "1,200 of 60,000 images · 850 images/s · about 70 s left" */
      return g_strdup_printf (_("%s of %s images · %.0f images/s · about %.0f s left"),
                              done_s, total_s, rate, left);
    }
  return g_strdup_printf (_("Preparing to scan %s images…"), total_s);
}

/* A look in the cache after the settings changed found nothing. */
static void
cache_only_missed (FmWindow *self,
                   ScanJob  *job)
{
  g_autofree char *old_eps = NULL;
  g_autofree char *new_eps = NULL;
  g_autofree char *msg = NULL;

  gtk_revealer_set_reveal_child (self->scan_revealer, FALSE);
  /* Nothing was shown, and nothing is found: nothing to say. */
  if (isnan (job->old_epsilon))
    return;
  /* No scan under the new settings: the marks are gone, say so. */
  old_eps = g_strdup_printf ("%g", job->old_epsilon);
  new_eps = g_strdup_printf ("%g", job->options.epsilon);
  if (job->old_epsilon != job->options.epsilon)
    /* Translators: the two zero thresholds, old and new */
    msg = g_strdup_printf (_("The scan's marks are removed: they were made with zero "
                             "threshold %s, and it is now %s. Scan again to see them."),
                           old_eps, new_eps);
  else
    msg = g_strdup (_("The scan's marks are removed: they were made with other input "
                      "settings. Scan again to see them."));
  _fm_window_toast (self, msg);
}

/* @text (taken) and where @result comes from: the parts it was merged
 * from, the file it was opened from. */
static char *
result_status_origin (FmWindow           *self,
                      const FmScanResult *result,
                      char               *text)
{
  g_autoptr(GString) s = g_string_new (text);

  g_free (text);
  if (result->parts > 1)
    /* Translators: appended to the scan bar's text */
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " · merged from %u part",
                                            " · merged from %u parts", result->parts),
                            result->parts);
  if (self->scan_file != NULL)
    /* Translators: appended to the scan bar's text; %s is a file name */
    g_string_append_printf (s, _(" · from %s"), self->scan_file);
  if (result->warnings != NULL && result->warnings[0] != NULL)
    {
      guint n = g_strv_length (result->warnings);

      /* Translators: appended to the scan bar's text: pictures that could
       * not be read (their list is the text's tooltip) */
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " · %u warning", " · %u warnings",
                                              n), n);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The scan bar's text for @result: dead, rarely active and near-dead
 * channels, and the layers that warn. */
static char *
result_status (FmWindow           *self,
               const FmScanResult *result,
               gboolean            from_cache)
{
  g_autofree char *images = format_count (result->images);
  g_autofree char *dataset = g_filename_display_basename (result->dataset_path);
  g_autofree char *dead_text = NULL;
  g_autofree char *rare_text = NULL;
  g_autofree char *measures = NULL;
  char *text;
  guint dead = 0, rare = 0, near = 0, warned = 0;

  /* Count the activations (a ReLU after a Conv or after a residual Add),
   * so a pool after a dead ReLU does not count its channels twice. */
  for (guint i = 0; i < self->layers->len; i++)
    {
      const FmLayer *layer = &g_array_index (self->layers, FmLayer, i);
      int l = fm_scan_result_find_layer (result, self->model->values[layer->value_id].name);

      if (l < 0 || !fm_layer_is_activation (self->model, layer))
        continue;
      dead += result->layers[l].n_dead;
      rare += result->layers[l].n_rare;
      near += result->layers[l].n_near_dead;
      warned += result->layers[l].dead_warning;
    }
  if (result->partial)
    {
      g_autofree char *total = format_count (result->total);
      /* Translators: a stopped scan; the counts hold for the images scanned */
      return result_status_origin (self, result,
                                   g_strdup_printf (_("Partial scan of %s: stopped after %s of "
                                                      "%s images · %u channels never fired so "
                                                      "far"), dataset, images, total, dead));
    }
  dead_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u dead channel",
                                            "%u dead channels", dead), dead);
  rare_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u rarely active",
                                            "%u rarely active", rare), rare);
  measures = _fm_window_measures_status (near, warned);
  /* the measures go with the rare ones, before " · from an earlier scan" */
  {
    char *with = g_strconcat (rare_text, measures, NULL);

    g_free (rare_text);
    rare_text = with;
  }
  /* Translators: the dataset's name, the number of images, "N dead
     channels", "N rarely active" and maybe " · from an earlier scan" */
  text = g_strdup_printf (_("%s: %s images · %s · %s%s"), dataset, images, dead_text,
                          rare_text, from_cache ? _(" · from an earlier scan") : "");
  return result_status_origin (self, result, text);
}

/* The scan bar says @result (result_status ()), and its tooltip the
 * dataset's warnings: the pictures that could not be read. */
static void
set_status (FmWindow           *self,
            const FmScanResult *result,
            gboolean            from_cache)
{
  g_autofree char *text = result_status (self, result, from_cache);
  g_autoptr(GString) tip = g_string_new (NULL);
  guint n = result->warnings != NULL ? g_strv_length (result->warnings) : 0;

  gtk_label_set_text (self->scan_label, text);
  for (guint i = 0; i < MIN (n, 20); i++)
    g_string_append_printf (tip, "%s%s", i > 0 ? "\n" : "", result->warnings[i]);
  if (n > 20)
    /* Translators: the scan bar's tooltip after the first 20 warnings */
    g_string_append_printf (tip, "\n%s", _("…"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->scan_label), n > 0 ? tip->str : NULL);
}

void
_fm_window_scan_show (FmWindow     *self,
                      FmScanResult *result,
                      gboolean      from_cache,
                      const char   *file)
{
  g_clear_pointer (&self->scan, fm_scan_result_unref);
  self->scan = fm_scan_result_ref (result);
  self->scan_pp = self->pp;
  self->scan_from_cache = from_cache;
  g_free (self->scan_file);
  self->scan_file = g_strdup (file);
  if (file != NULL)
    {
      /* Looked up again under other settings, if it is here. */
      g_free (self->scan_dataset);
      self->scan_dataset = g_file_test (result->dataset_path, G_FILE_TEST_EXISTS)
                           ? g_strdup (result->dataset_path) : NULL;
    }
  _fm_window_scan_apply (self);
  set_status (self, result, from_cache);
  show_bar (self, FALSE);
}

/* Shows @result's marks and status, and says what the user should know
 * besides: where the marks come from, why the scan stopped early, why
 * the result could not be kept. */
static void
show_result (FmWindow     *self,
             ScanJob      *job,
             FmScanResult *result)
{
  _fm_window_scan_show (self, result, job->from_cache, NULL);
  /* Said when it replaces marks made under other settings; a plain look
   * (a checkpoint's verdicts) is quiet. */
  if (job->cache_only && !job->quiet)
    {
      g_autofree char *eps = g_strdup_printf ("%g", job->options.epsilon);
      /* Translators: %s is the new zero threshold */
      g_autofree char *msg = g_strdup_printf (_("The marks now come from an earlier scan made "
                                                "with these settings (zero threshold %s)."), eps);
      _fm_window_toast (self, msg);
    }

  if (job->scan_error != NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not scan: %s"),
                                              job->scan_error->message);
      _fm_window_toast (self, msg);
    }
  /* The cache is optional: the result stays shown, but say why the next
   * identical scan will not open at once. */
  if (job->cache_error != NULL)
    {
      /* Translators: %s names the cache file and the reason */
      g_autofree char *msg = g_strdup_printf (_("Could not keep the scan result for next "
                                                "time: %s"), job->cache_error->message);
      _fm_window_toast (self, msg);
    }
}

static void
finish_scan (FmWindow     *self,
             ScanJob      *job,
             FmScanResult *result,
             GError       *error)
{
  if (job->cache_only && result == NULL && error == NULL && job->model == self->model)
    {
      cache_only_missed (self, job);
      return;
    }
  if (result == NULL || job->model != self->model)
    {
      gtk_revealer_set_reveal_child (self->scan_revealer, FALSE);
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *msg = g_strdup_printf (_("Could not scan: %s"), error->message);
          _fm_window_toast (self, msg);
        }
      return;
    }
  if (result->epsilon != (float) g_settings_get_double (self->settings, "zero-threshold") ||
      memcmp (&job->options.preprocess, &self->pp, sizeof self->pp) != 0)
    {
      /* The threshold changed while it ran: its marks would not hold. */
      gtk_revealer_set_reveal_child (self->scan_revealer, FALSE);
      _fm_window_toast (self, _("The zero threshold or the input settings changed during the "
                                "scan, so its result is not shown. Scan again to see the marks."));
      return;
    }
  show_result (self, job, result);
}

static void start_scan (FmWindow *self, const char *dataset_path, gboolean cache_only,
                        float old_epsilon, gboolean quiet);

static void
scan_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  FmWindow *self = FM_WINDOW (source);
  ScanJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autoptr(FmScanResult) result = g_task_propagate_pointer (G_TASK (res), &error);
  g_autofree char *next = NULL;

  bar_job_ended (self);
  finish_scan (self, job, result, error);
  /* A look asked for while this one ran (for the model now shown). */
  next = g_steal_pointer (&self->scan_look_up_next);
  if (next != NULL)
    start_scan (self, next, TRUE, NAN, TRUE);
}

void
fm_window_start_scan (FmWindow   *self,
                      const char *dataset_path)
{
  start_scan (self, dataset_path, FALSE, 0, FALSE);
}

void
_fm_window_scan_settings_changed (FmWindow *self)
{
  float epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");
  g_autofree char *dataset = g_strdup (self->scan_dataset);
  float old = self->scan != NULL ? self->scan->epsilon : NAN;

  if (self->scan_cancellable != NULL ||
      (self->scan != NULL && self->scan->epsilon == epsilon &&
       memcmp (&self->scan_pp, &self->pp, sizeof self->pp) == 0))
    return;
  if (dataset == NULL)
    {
      /* A result opened from a file, of a dataset not here. */
      if (self->scan != NULL)
        {
          g_clear_pointer (&self->scan, fm_scan_result_unref);
          _fm_window_scan_apply (self);
          gtk_revealer_set_reveal_child (self->scan_revealer, FALSE);
          _fm_window_toast (self, _("The scan's marks are removed: they were made with other "
                                    "settings."));
        }
      return;
    }
  /* The marks go at once; a scan of the same dataset under the new
   * threshold, if the cache has one, brings them back. */
  g_clear_pointer (&self->scan, fm_scan_result_unref);
  _fm_window_scan_apply (self);
  start_scan (self, dataset, TRUE, old, FALSE);
}

static void
start_scan (FmWindow   *self,
            const char *dataset_path,
            gboolean    cache_only,
            float       old_epsilon,
            gboolean    quiet)
{
  ScanJob *job;

  if (self->model == NULL || self->scan_cancellable != NULL)
    return;
  job = g_new0 (ScanJob, 1);
  _fm_window_bar_job_init (&job->bar, scan_status);
  job->model = fm_model_ref (self->model);
  job->dataset_path = g_strdup (dataset_path);
  fm_scan_options_init (&job->options);
  /* The window's input settings, so the scan sees what the tiles see. */
  job->options.preprocess = self->pp;
  job->options.rare_below = g_settings_get_double (self->settings, "rare-threshold");
  job->options.epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");
  job->cache_only = cache_only;
  job->quiet = quiet;
  if (!cache_only)
    {
      g_free (self->scan_dataset);
      self->scan_dataset = g_strdup (dataset_path);
    }
  job->old_epsilon = old_epsilon;

  /* A stopped scan still returns its partial result: no check of the
   * cancellable. */
  _fm_window_run_bar_job (self, &job->bar, (GDestroyNotify) scan_job_free, FALSE,
               cache_only ? _("Looking for an earlier scan…") : _("Opening the dataset…"),
               /* the window's own look-ups in the cache stop without a word */
               cache_only ? NULL : _("The scan stopped: another model was opened"),
               scan_thread, scan_done);
  /* Escape stops it as Stop does; not the window's own look-ups. */
  self->bar_job_scans = !cache_only;
}

void
_fm_window_scan_look_up (FmWindow   *self,
                         const char *dataset_path)
{
  if (self->scan_cancellable != NULL)
    {
      /* After the scan that runs (or is being cancelled). */
      g_free (self->scan_look_up_next);
      self->scan_look_up_next = g_strdup (dataset_path);
      return;
    }
  start_scan (self, dataset_path, TRUE, NAN, TRUE);
}

FmScanResult *
fm_window_get_scan (FmWindow *self)
{
  return self->scan;
}

const char *
fm_window_get_scan_status (FmWindow *self)
{
  return gtk_label_get_text (self->scan_label);
}

gboolean
fm_window_is_scanning (FmWindow *self)
{
  return self->scan_cancellable != NULL;
}

void
_fm_window_scan_apply (FmWindow *self)
{
  double rare_below = g_settings_get_double (self->settings, "rare-threshold");

  for (guint i = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);
      const FmLayer *layer = &g_array_index (self->layers, FmLayer, i);
      const char *name = self->model->values[layer->value_id].name;
      int index = self->scan != NULL ? fm_scan_result_find_layer (self->scan, name) : -1;
      GtkWidget *label = i < self->dead_labels->len ? g_ptr_array_index (self->dead_labels, i) : NULL;
      guint dead = 0, rare = 0;

      fm_layer_section_set_scan (section, index >= 0 ? self->scan : NULL, index, rare_below);
      if (label == NULL)
        continue;
      if (index >= 0)
        fm_layer_section_count_scan_marks (section, &dead, &rare);
      _fm_window_show_layer_marks (label, index >= 0 ? &self->scan->layers[index] : NULL,
                                   dead, rare);
    }
  update_bar_actions (self);
  _fm_window_update_key (self);
}

void
_fm_window_scan_reset (FmWindow *self)
{
  /* A job of the model before: say that it stopped, rather than let its
   * bar vanish (a scan may have run for minutes). */
  if (self->scan_cancellable != NULL && !g_cancellable_is_cancelled (self->scan_cancellable)
      && self->bar_job_stopped != NULL)
    _fm_window_toast (self, self->bar_job_stopped);
  g_cancellable_cancel (self->scan_cancellable);
  g_cancellable_cancel (self->scan_result_cancellable);
  g_clear_pointer (&self->scan_file, g_free);
  g_clear_pointer (&self->scan, fm_scan_result_unref);
  g_clear_pointer (&self->scan_dataset, g_free);
  g_clear_pointer (&self->scan_look_up_next, g_free);
  gtk_revealer_set_reveal_child (self->scan_revealer, FALSE);
  update_bar_actions (self);
  _fm_window_update_key (self);
}

void
_fm_window_scan_dispose (FmWindow *self)
{
  g_clear_pointer (&self->bar_job_stopped, g_free);
  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  g_cancellable_cancel (self->scan_result_cancellable);
  g_clear_object (&self->scan_result_cancellable);
  g_clear_pointer (&self->scan_file, g_free);
  g_clear_pointer (&self->scan, fm_scan_result_unref);
  g_clear_pointer (&self->scan_dataset, g_free);
  g_clear_pointer (&self->scan_look_up_next, g_free);
}

/* ---- choosing a dataset ----------------------------------------------- */

static void
dataset_chosen_cb (GFile    *file,
                   gpointer  self)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    fm_window_start_scan (self, path);
}

static void
choose_dataset (FmWindow *self,
                gboolean  folder)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (folder ? _("Choose a Folder of Images or .tar Shards")
                                                : _("Choose a Dataset File"),
                                         GTK_WINDOW (self),
                                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Scan"), _("_Cancel"));
  if (!folder)
    {
      /* The kind is found from the file's bytes; the names only filter. */
      fm_file_chooser_add_filter (chooser,
                                  fm_file_filter_new (_("Datasets (IDX, .tar Shards, .npy Arrays)"),
                                                      "*idx3*", "*-ubyte*", "*.tar", "*.tar.gz",
                                                      "*.tgz", "*.npy", NULL));
    }
  fm_file_chooser_show (chooser, dataset_chosen_cb, self);
}

static void
dataset_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     FmWindow         *self)
{
  if (g_str_equal (response, "bundled"))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", &error);

      if (path == NULL)
        _fm_window_toast (self, error->message);
      else
        fm_window_start_scan (self, path);
    }
  else if (g_str_equal (response, "file"))
    choose_dataset (self, FALSE);
  else if (g_str_equal (response, "folder"))
    choose_dataset (self, TRUE);
}

static void
scan_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  AdwMessageDialog *dialog;
  const char *suggested;
  gboolean gray;

  if (self->model == NULL || self->scan_cancellable != NULL)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Scan a Dataset"),
      _("Every image of the dataset goes through the model to find the channels that never "
        "fire. A channel that is zero for one input is normal; one that is zero for every "
        "input is dead.")));
  /* The bundled digits suit a gray model (MNIST's own); a model of colour
   * pictures wants the user's folder of photos. The suggested response
   * comes last: the dialog focuses the last one added (at the end of a
   * row, at the top of a column), and Enter presses the focused button. */
  gray = self->pp.channels == 1;
  suggested = gray ? "bundled" : "folder";
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    gray ? "folder" : "bundled",
                                    gray ? _("_Folder…") : _("_Bundled Digits"),
                                    "file", _("_IDX, .tar or .npy File…"),
                                    suggested, gray ? _("_Bundled Digits") : _("_Folder…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, suggested, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, suggested);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (dataset_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
scan_cancel_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  g_cancellable_cancel (FM_WINDOW (widget)->scan_cancellable);
}

static void
scan_hide_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  gtk_revealer_set_reveal_child (FM_WINDOW (widget)->scan_revealer, FALSE);
}

/* ---- the atlas of the result ------------------------------------------- */

typedef struct
{
  FmScanJob     base;
  FmAtlasSpec   spec;
  GArray       *layers;     /* int: scan layer indexes, the window's order */
  GStrv         names;      /* their names in the window */
} AtlasJob;

static void
atlas_job_free (AtlasJob *job)
{
  _fm_window_scan_job_clear (&job->base);
  g_array_unref (job->layers);
  g_strfreev (job->names);
  g_free (job);
}

static void
atlas_progress_cb (guint    done,
                   guint    total,
                   gpointer user_data)
{
  AtlasJob *job = user_data;

  _fm_window_bar_job_progress (done, total, 0, &job->base.bar);
}

static void
atlas_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  AtlasJob *job = task_data;
  GError *error = NULL;

  if (fm_atlas_write (&job->spec, job->base.path, atlas_progress_cb, job, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static char *
atlas_status (FmBarJob *job,
              guint64   done,
              guint64   total,
              double    elapsed)
{
  /* Translators: progress of writing the channel atlas */
  return g_strdup_printf (_("Writing the atlas: page %u of %u"), (guint) done, (guint) total);
}

/* A toast whose button opens the atlas. */
static void
atlas_written (FmWindow   *self,
               const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *name = _fm_window_display_basename (file);
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *text = g_strdup_printf (_("Wrote the atlas “%s”"), name);

  _fm_window_toast_open (self, text, _("_Open"), uri);
}

static void
atlas_done (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  FmWindow *self = FM_WINDOW (source);
  AtlasJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;

  _fm_window_bar_job_done (self);
  if (g_task_propagate_boolean (G_TASK (res), &error))
    atlas_written (self, job->base.path);
  else
    _fm_window_bar_job_failed (self, error, _("The atlas was stopped; nothing was written."),
                               /* Translators: %s says which file and why */
                               _("Could not write the atlas: %s"), error->message);
}

void
_fm_window_bar_job_done (FmWindow *self)
{
  bar_job_ended (self);
  if (self->scan != NULL)
    {
      /* The bar shows the scan again. */
      set_status (self, self->scan, self->scan_from_cache);
      show_bar (self, FALSE);
    }
  else
    gtk_revealer_set_reveal_child (self->scan_revealer, FALSE);
}

static void
start_atlas (FmWindow   *self,
             const char *path)
{
  AtlasJob *job;

  if (self->scan == NULL || self->scan_cancellable != NULL)
    return;
  job = g_new0 (AtlasJob, 1);
  _fm_window_scan_job_init (self, &job->base, atlas_status, path);
  job->layers = g_array_new (FALSE, FALSE, sizeof (int));
  {
    g_auto(GStrv) names = NULL;
    g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();

    fm_layers_friendly_names (self->model, self->layers, &names);
    for (guint i = 0; i < self->layers->len; i++)
      {
        const FmLayer *layer = &g_array_index (self->layers, FmLayer, i);
        int l = fm_scan_result_find_layer (self->scan,
                                           self->model->values[layer->value_id].name);

        if (l < 0)
          continue;
        g_array_append_val (job->layers, l);
        g_strv_builder_add (kept, names[i]);
      }
    job->names = g_strv_builder_end (kept);
  }
  job->spec.model = job->base.model;
  job->spec.scan = job->base.scan;
  job->spec.dataset_path = job->base.dataset_path;
  job->spec.pp = self->scan_pp;
  job->spec.threads = 1;
  job->spec.layers = (const int *) job->layers->data;
  job->spec.n_layers = job->layers->len;
  job->spec.names = job->names;
  job->spec.colormap = self->options.colormap;
  /* The pages to write, known before the first is. */
  job->base.bar.total = fm_atlas_count_pages (&job->spec);

  _fm_window_run_bar_job (self, &job->base.bar, (GDestroyNotify) atlas_job_free, TRUE,
               _("Writing the atlas…"),
               _("The atlas was not written: another model was opened"), atlas_thread,
               atlas_done);
}

void
fm_window_export_atlas (FmWindow *self,
                        GFile    *file)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL && !_fm_window_bar_job_refuses (self, path, _("The atlas was not written")))
    start_atlas (self, path);
}

static void
atlas_chosen_cb (GFile    *file,
                 gpointer  user_data)
{
  fm_window_export_atlas (user_data, file);
}

static void
scan_export_atlas_action (GtkWidget  *widget,
                          const char *name,
                          GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);

  if (self->scan == NULL || self->scan_cancellable != NULL)
    return;
  fm_file_chooser_save (GTK_WINDOW (self), _("Export Atlas"),
                        fm_file_filter_new (_("PDF (one page per 16 channels)"), "*.pdf", NULL),
                        "atlas.pdf", atlas_chosen_cb, self);
}

/* ---- set-up --------------------------------------------------------------- */

void
_fm_window_scan_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FmWindow, scan_revealer);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, scan_progress);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, scan_label);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, scan_cancel);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, scan_export);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, scan_close);
  gtk_widget_class_install_action (widget_class, "win.scan", NULL, scan_action);
  gtk_widget_class_install_action (widget_class, "win.scan-cancel", NULL, scan_cancel_action);
  gtk_widget_class_install_action (widget_class, "win.scan-hide", NULL, scan_hide_action);
  gtk_widget_class_install_action (widget_class, "win.scan-export-atlas", NULL,
                                   scan_export_atlas_action);
  _fm_window_prune_class_init (widget_class);
}

void
_fm_window_scan_init (FmWindow *self)
{
  gtk_widget_set_name (GTK_WIDGET (self->scan_label), "scan_label");
  fm_label_keep_names_whole (self->scan_label);
  /* Beside Export Results…, shown with it. */
  self->scan_export_atlas =
    _fm_window_add_bar_button (self->scan_export, _("Export _Atlas…"), "scan_export_atlas",
                               _("A PDF with every channel's most exciting images and its "
                                 "maps on them"),
                               "win.scan-export-atlas");
  _fm_window_prune_init (self);
  update_bar_actions (self);
  gtk_revealer_set_reveal_child (self->scan_revealer, FALSE);
}
