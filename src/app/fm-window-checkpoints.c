/* fm-window-checkpoints.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's Open Checkpoints (issue "When did they die?"): a bar
 * above the grid with a slider over a training's checkpoints (a folder of
 * .onnx files in natural order, fm-checkpoints.h). Moving the slider
 * opens that checkpoint under the same drawing, and, unlike any other
 * model opened, the same selected layer and scroll position
 * (_fm_window_checkpoints_is_step ()). "Scan Each Checkpoint"
 * scans the dataset of the window's last scan with every checkpoint (in
 * a thread, through the scan cache, with progress and Stop); afterwards
 * the bar plots the dead channels per layer across the checkpoints, and
 * each checkpoint the slider reaches shows its own verdicts (looked up in
 * the cache). Opening a model that is not one of the checkpoints leaves
 * the mode.
 */
#include "config.h"

#include "fm-window-private.h"

#include <glib/gi18n.h>

#include "fm-checkpoints.h"
#include "fm-dataset.h"
#include "fm-file-chooser.h"
#include "fm-layers.h"
#include "fm-wrap-label.h"

struct _FmWindowCheckpoints
{
  GtkRevealer    *revealer;
  GtkLabel       *label;
  GtkScale       *scale;
  GtkWidget      *scan_button;
  GtkWidget      *stop_button;
  GtkProgressBar *progress;
  GtkDrawingArea *plot;
  GtkLabel       *legend;
  GPtrArray      *paths;        /* char *, natural order; NULL: not in the mode */
  char          **labels;       /* what to call each (fm_checkpoints_labels ()) */
  guint           current;
  char           *dataset;      /* the dataset the checkpoints were scanned with */
  GPtrArray      *layer_names;  /* char *: the layers counted (the first result's) */
  GPtrArray      *layer_labels; /* char *: their friendly names */
  GArray         *plotted;      /* guint: the layers plotted, in the order of their colours */
  GArray         *dead;         /* guint [n_checkpoints * n_layers], G_MAXUINT: no result */
  GCancellable   *cancellable;  /* the running scan of every checkpoint */
  guint           poll_source;
  /* written by the scanning thread, read under the lock */
  GMutex          lock;
  guint           scanning;     /* the checkpoint being scanned (from 1) */
  double          fraction;     /* of that checkpoint's images */
};

/* ---- the bar ------------------------------------------------------------- */

static void
update_label (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autofree char *text = NULL;

  if (cp->paths == NULL)
    return;
  /* Translators: the checkpoint bar, e.g. "Checkpoint 3 of 9: epoch-2.onnx" */
  text = g_strdup_printf (_("Checkpoint %u of %u: %s"), cp->current + 1, cp->paths->len,
                          cp->labels[cp->current]);
  gtk_label_set_text (cp->label, text);
}

static guint
n_layers (FmWindowCheckpoints *cp)
{
  return cp->layer_names != NULL ? cp->layer_names->len : 0;
}

/* The plotted layers' colours (GNOME's palette). */
static const char *const line_colours[] = {
  "#e01b24", "#3584e4", "#33d17a", "#ff7800", "#9141ac", "#986a44", "#f6d32d",
};

/* Whether layer @l is worth a line: it has dead channels at some
 * checkpoint, and its counts are not those of the layer before it at
 * every checkpoint (a pooling layer repeats its activation's). */
static gboolean
worth_plotting (FmWindowCheckpoints *cp,
                guint                l)
{
  guint n = cp->paths->len, L = n_layers (cp);
  gboolean any = FALSE, same = l > 0;

  for (guint k = 0; k < n; k++)
    {
      guint d = g_array_index (cp->dead, guint, k * L + l);

      any |= d != G_MAXUINT && d > 0;
      if (l > 0)
        same &= d == g_array_index (cp->dead, guint, k * L + l - 1);
    }
  return any && !same;
}

/* The plot's top: the largest dead count of a plotted layer (at least 1);
 * its bottom is 0. The legend says so. */
static guint
plot_top (FmWindowCheckpoints *cp)
{
  guint n = cp->paths != NULL ? cp->paths->len : 0, L = n_layers (cp), top = 1;

  for (guint p = 0; p < cp->plotted->len; p++)
    for (guint k = 0; k < n; k++)
      {
        guint d = g_array_index (cp->dead, guint, k * L + g_array_index (cp->plotted, guint, p));

        if (d != G_MAXUINT)
          top = MAX (top, d);
      }
  return top;
}

/* The dead count of each plotted layer across the checkpoints, one
 * coloured line a layer; the current checkpoint as a vertical line. */
static void
plot_draw (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  FmWindowCheckpoints *cp = data;
  guint n = cp->paths != NULL ? cp->paths->len : 0, L = n_layers (cp), max_dead;
  double left = 8, right = width - 8, top = 6, bottom = height - 6;
  GdkRGBA fg;

  if (n == 0 || L == 0)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  max_dead = plot_top (cp);
#define PX(k) (n > 1 ? left + (right - left) * (k) / (double) (n - 1) : (left + right) / 2)
#define PY(v) (bottom - (bottom - top) * (v) / (double) max_dead)
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, PX (cp->current) + 0.5, top);
  cairo_line_to (cr, PX (cp->current) + 0.5, bottom);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 2);
  for (guint p = 0; p < cp->plotted->len; p++)
    {
      guint l = g_array_index (cp->plotted, guint, p);
      gboolean drawing = FALSE;
      GdkRGBA rgba;

      gdk_rgba_parse (&rgba, line_colours[p % G_N_ELEMENTS (line_colours)]);
      gdk_cairo_set_source_rgba (cr, &rgba);
      for (guint k = 0; k < n; k++)
        {
          guint d = g_array_index (cp->dead, guint, k * L + l);

          if (d == G_MAXUINT)
            {
              drawing = FALSE;
              continue;
            }
          if (drawing)
            cairo_line_to (cr, PX (k), PY (d));
          else
            cairo_move_to (cr, PX (k), PY (d));
          drawing = TRUE;
        }
      cairo_stroke (cr);
      /* A dot at each checkpoint scanned: one between two that could not
       * be has no line to show it. */
      for (guint k = 0; k < n; k++)
        {
          guint d = g_array_index (cp->dead, guint, k * L + l);

          if (d == G_MAXUINT)
            continue;
          cairo_new_sub_path (cr);
          cairo_arc (cr, PX (k), PY (d), 2.5, 0, 2 * G_PI);
        }
      cairo_fill (cr);
    }
#undef PX
#undef PY
}

/* The plotted layers' names in their colours with their dead channels
 * at the current checkpoint: the plot's legend. */
static void
update_legend (FmWindowCheckpoints *cp)
{
  g_autoptr(GString) markup = g_string_new (NULL);
  guint L = n_layers (cp);

  /* Translators: the checkpoint plot's legend; the plot's height spans
   * 0 to this many dead channels */
  g_string_append_printf (markup, _("Dead channels per layer, plotted from 0 to %u:"),
                          plot_top (cp));
  for (guint p = 0; p < cp->plotted->len; p++)
    {
      guint l = g_array_index (cp->plotted, guint, p);
      guint d = g_array_index (cp->dead, guint, cp->current * L + l);
      g_autofree char *escaped = g_markup_escape_text (g_ptr_array_index (cp->layer_labels, l),
                                                       -1);

      g_string_append_printf (markup, "   <span foreground=\"%s\">\u2501</span> %s ",
                              line_colours[p % G_N_ELEMENTS (line_colours)], escaped);
      if (d == G_MAXUINT)
        g_string_append (markup, "–");
      else
        g_string_append_printf (markup, "%u", d);
    }
  gtk_label_set_markup (cp->legend, markup->str);
}

static void
update_plot (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autoptr(GString) tip = g_string_new (NULL);
  guint L = n_layers (cp);

  gtk_widget_set_visible (GTK_WIDGET (cp->plot), L > 0);
  gtk_widget_set_visible (GTK_WIDGET (cp->legend), L > 0);
  if (L == 0)
    return;
  update_legend (cp);
  /* The figures in words, for the tooltip and screen readers. */
  g_string_append (tip, _("Dead channels at this checkpoint:"));
  for (guint l = 0; l < L; l++)
    {
      guint d = g_array_index (cp->dead, guint, cp->current * L + l);

      if (d == G_MAXUINT)
        g_string_append_printf (tip, "\n%s: %s", (char *) g_ptr_array_index (cp->layer_names, l),
                                _("not scanned"));
      else
        g_string_append_printf (tip, "\n%s: %u", (char *) g_ptr_array_index (cp->layer_names, l),
                                d);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (cp->plot), tip->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cp->plot), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  tip->str, -1);
  gtk_widget_queue_draw (GTK_WIDGET (cp->plot));
}

static void
update_buttons (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  gboolean running = cp->cancellable != NULL;

  gtk_widget_set_visible (cp->scan_button, !running);
  gtk_widget_set_visible (cp->stop_button, running);
  gtk_widget_set_visible (GTK_WIDGET (cp->progress), running);
}

static void
scale_changed (GtkRange *range,
               FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  /* The slider counts from 1, as the label does ("Checkpoint 3 of 9"),
   * so a screen reader says the same number. */
  guint k = (guint) CLAMP (lround (gtk_range_get_value (range)) - 1, 0,
                           cp->paths != NULL ? (long) cp->paths->len - 1 : 0);

  if (cp->paths == NULL || k == cp->current)
    return;
  fm_window_set_checkpoint (self, k);
}

/* ---- scanning every checkpoint ------------------------------------------- */

typedef struct
{
  FmWindowCheckpoints *cp;
  GPtrArray           *paths;    /* char * */
  char               **labels;   /* what to call each */
  char                *dataset;
  FmScanOptions        options;
  GPtrArray           *results;  /* FmScanResult * or NULL, per checkpoint */
  GError              *error;    /* why the first checkpoint that failed did */
  GError              *cache_error;  /* the first result the cache could not keep */
} ScanAllJob;

static void
scan_all_job_free (ScanAllJob *job)
{
  g_ptr_array_unref (job->paths);
  g_strfreev (job->labels);
  g_ptr_array_unref (job->results);
  g_clear_error (&job->error);
  g_clear_error (&job->cache_error);
  g_free (job->dataset);
  g_free (job);
}

static void
scan_all_progress (guint64  done,
                   guint64  total,
                   double   elapsed,
                   gpointer user_data)
{
  ScanAllJob *job = user_data;

  g_mutex_lock (&job->cp->lock);
  job->cp->fraction = total > 0 ? (double) done / (double) total : 0.0;
  g_mutex_unlock (&job->cp->lock);
}

static void
scan_all_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ScanAllJob *job = task_data;
  int first = -1;   /* the first checkpoint scanned: the others have its layers */

  for (guint k = 0; k < job->paths->len && !g_cancellable_is_cancelled (cancellable); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) cache_error = NULL;
      g_autoptr(FmModel) model = NULL;
      g_autoptr(FmDataset) dataset = NULL;
      FmScanResult *result = NULL;
      FmModelOptions load_options;
      gboolean from_cache = FALSE;

      g_mutex_lock (&job->cp->lock);
      job->cp->scanning = k + 1;
      job->cp->fraction = 0;
      g_mutex_unlock (&job->cp->lock);
      _fm_window_model_options (&load_options);
      model = fm_model_load_file (g_ptr_array_index (job->paths, k), &load_options, &error);
      if (model != NULL)
        dataset = fm_dataset_open (job->dataset, NULL, &error);
      if (model != NULL && dataset != NULL)
        result = fm_scan_run_cached (model, dataset, &job->options, FM_SCAN_CACHE_USE,
                                     scan_all_progress, job, cancellable, &from_cache,
                                     &cache_error, &error);
      /* Only whole scans count: a stopped one is dropped. */
      if (result != NULL && result->partial)
        g_clear_pointer (&result, fm_scan_result_unref);
      if (result != NULL && first >= 0)
        {
          if (!fm_scan_result_check_same_layers (result, job->labels[k],
                                                 g_ptr_array_index (job->results, first),
                                                 job->labels[first], &error))
            g_clear_pointer (&result, fm_scan_result_unref);
        }
      if (result != NULL && first < 0)
        first = (int) k;
      g_ptr_array_add (job->results, result);
      /* The first reason of each kind is what the toast says (the job's
       * fields are read on the main thread only after the task returns). */
      if (job->error == NULL && error != NULL &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        job->error = g_steal_pointer (&error);
      if (job->cache_error == NULL && cache_error != NULL)
        job->cache_error = g_steal_pointer (&cache_error);
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
scan_all_poll (gpointer data)
{
  FmWindow *self = data;
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autofree char *text = NULL;
  guint k;
  double fraction;

  g_mutex_lock (&cp->lock);
  k = cp->scanning;
  fraction = cp->fraction;
  g_mutex_unlock (&cp->lock);
  if (k == 0 || cp->paths == NULL)
    return G_SOURCE_CONTINUE;
  /* Translators: progress of the scan of every checkpoint */
  text = g_strdup_printf (_("Scanning checkpoint %u of %u…"), k, cp->paths->len);
  gtk_label_set_text (cp->label, text);
  gtk_progress_bar_set_fraction (cp->progress, ((k - 1) + fraction) / cp->paths->len);
  return G_SOURCE_CONTINUE;
}

static void
clear_dead_counts (FmWindowCheckpoints *cp)
{
  g_clear_pointer (&cp->layer_names, g_ptr_array_unref);
  g_clear_pointer (&cp->layer_labels, g_ptr_array_unref);
  g_clear_pointer (&cp->plotted, g_array_unref);
  g_clear_pointer (&cp->dead, g_array_unref);
}

/* Keeps the dead count of every layer of the first result, by name, for
 * every checkpoint scanned, and which layers are plotted. */
static void
keep_dead_counts (FmWindowCheckpoints *cp,
                  GPtrArray           *results)
{
  const FmScanResult *first = NULL;
  guint L;

  for (guint k = 0; k < results->len && first == NULL; k++)
    first = g_ptr_array_index (results, k);
  clear_dead_counts (cp);
  if (first == NULL)
    return;
  cp->layer_names = g_ptr_array_new_with_free_func (g_free);
  cp->layer_labels = g_ptr_array_new_with_free_func (g_free);
  for (guint l = 0; l < first->n_layers; l++)
    {
      g_ptr_array_add (cp->layer_names, g_strdup (first->layers[l].name));
      g_ptr_array_add (cp->layer_labels, fm_layer_friendly_name (first->layers[l].name,
                                                                 first->layers[l].op));
    }
  L = first->n_layers;
  cp->dead = g_array_sized_new (FALSE, FALSE, sizeof (guint), cp->paths->len * L);
  for (guint k = 0; k < cp->paths->len; k++)
    for (guint l = 0; l < L; l++)
      {
        const FmScanResult *r = k < results->len ? g_ptr_array_index (results, k) : NULL;
        int i = r != NULL ? fm_scan_result_find_layer (r, first->layers[l].name) : -1;
        guint d = i >= 0 ? r->layers[i].n_dead : G_MAXUINT;

        g_array_append_val (cp->dead, d);
      }
  cp->plotted = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint l = 0; l < L; l++)
    if (worth_plotting (cp, l))
      g_array_append_val (cp->plotted, l);
}

static void
scan_all_done (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  FmWindow *self = FM_WINDOW (source);
  FmWindowCheckpoints *cp = self->checkpoints;
  ScanAllJob *job = g_task_get_task_data (G_TASK (res));
  gboolean stopped = g_cancellable_is_cancelled (cp->cancellable);
  guint n_ok = 0;

  g_clear_handle_id (&cp->poll_source, g_source_remove);
  g_clear_object (&cp->cancellable);
  if (cp->paths != job->paths)
    return;  /* the mode was left (or another folder opened) meanwhile */
  keep_dead_counts (cp, job->results);
  for (guint k = 0; k < job->results->len; k++)
    n_ok += g_ptr_array_index (job->results, k) != NULL;
  update_label (self);
  update_buttons (self);
  update_plot (self);
  if (stopped)
    {
      g_autofree char *msg = g_strdup_printf (_("Stopped after %u of %u checkpoints"), n_ok,
                                              cp->paths->len);
      _fm_window_toast (self, msg);
    }
  else if (n_ok < cp->paths->len && job->error != NULL)
    {
      /* The reason's first line (a model's load error has the technical
       * detail after a line break). */
      g_autofree char *reason = g_strndup (job->error->message,
                                           strcspn (job->error->message, "\n"));
      /* Translators: the first two %u count checkpoints; %s is why the
       * first of them failed, e.g. "ep3.onnx is truncated: 1.2 MB of at
       * least 3.4 MB" */
      g_autofree char *msg = g_strdup_printf (_("%u of %u checkpoints could not be scanned: %s"),
                                              cp->paths->len - n_ok, cp->paths->len, reason);
      _fm_window_toast (self, msg);
    }
  else if (n_ok < cp->paths->len)
    {
      g_autofree char *msg = g_strdup_printf (_("%u of %u checkpoints could not be scanned"),
                                              cp->paths->len - n_ok, cp->paths->len);
      _fm_window_toast (self, msg);
    }
  if (job->cache_error != NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not keep the scan result for next "
                                                "time: %s"), job->cache_error->message);
      _fm_window_toast (self, msg);
    }
  /* The verdicts of the checkpoint on show, now in the cache. */
  if (self->model != NULL)
    _fm_window_scan_look_up (self, cp->dataset);
}

void
fm_window_scan_checkpoints (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autoptr(GTask) task = NULL;
  ScanAllJob *job;
  const char *dataset = self->scan_dataset != NULL ? self->scan_dataset : cp->dataset;

  g_return_if_fail (FM_IS_WINDOW (self));

  if (cp->paths == NULL || cp->cancellable != NULL)
    return;
  if (dataset == NULL)
    {
      _fm_window_toast (self, _("Scan a dataset first (Is It Dead? Scan a Dataset…); every "
                                "checkpoint is then scanned with the same one"));
      return;
    }
  /* dataset may be cp->dataset itself: copied before it is freed */
  dataset = g_strdup (dataset);
  g_free (cp->dataset);
  cp->dataset = (char *) dataset;
  job = g_new0 (ScanAllJob, 1);
  job->cp = cp;
  job->paths = g_ptr_array_ref (cp->paths);
  job->labels = g_strdupv (cp->labels);
  job->dataset = g_strdup (dataset);
  job->results = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_scan_result_unref);
  /* The window's settings, as its own scan takes them, so the cache
   * serves the same results to both. */
  fm_scan_options_init (&job->options);
  job->options.preprocess = self->pp;
  job->options.rare_below = g_settings_get_double (self->settings, "rare-threshold");
  job->options.epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");
  cp->scanning = 0;
  cp->cancellable = g_cancellable_new ();
  task = g_task_new (self, cp->cancellable, scan_all_done, NULL);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) scan_all_job_free);
  cp->poll_source = g_timeout_add (100, scan_all_poll, self);
  gtk_progress_bar_set_fraction (cp->progress, 0);
  update_buttons (self);
  g_task_run_in_thread (task, scan_all_thread);
}

gboolean
fm_window_is_scanning_checkpoints (FmWindow *self)
{
  g_return_val_if_fail (FM_IS_WINDOW (self), FALSE);

  return self->checkpoints->cancellable != NULL;
}

/* ---- the mode ------------------------------------------------------------ */

void
fm_window_set_checkpoint (FmWindow *self,
                          guint     index)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autoptr(GFile) file = NULL;

  g_return_if_fail (FM_IS_WINDOW (self));
  if (cp->paths == NULL || index >= cp->paths->len)
    return;
  cp->current = index;
  if ((guint) lround (gtk_range_get_value (GTK_RANGE (cp->scale))) != index + 1)
    gtk_range_set_value (GTK_RANGE (cp->scale), index + 1);
  update_label (self);
  update_plot (self);
  file = g_file_new_for_path (g_ptr_array_index (cp->paths, index));
  fm_window_open_model (self, file);
}

guint
fm_window_get_checkpoint (FmWindow *self)
{
  g_return_val_if_fail (FM_IS_WINDOW (self), 0);

  return self->checkpoints->current;
}

guint
fm_window_get_n_checkpoints (FmWindow *self)
{
  g_return_val_if_fail (FM_IS_WINDOW (self), 0);

  return self->checkpoints->paths != NULL ? self->checkpoints->paths->len : 0;
}

guint
fm_window_get_checkpoint_dead (FmWindow   *self,
                               guint       index,
                               const char *layer)
{
  FmWindowCheckpoints *cp;

  g_return_val_if_fail (FM_IS_WINDOW (self), G_MAXUINT);
  cp = self->checkpoints;
  if (index >= fm_window_get_n_checkpoints (self))
    return G_MAXUINT;
  for (guint l = 0; l < n_layers (cp); l++)
    if (g_str_equal (g_ptr_array_index (cp->layer_names, l), layer))
      return g_array_index (cp->dead, guint, index * n_layers (cp) + l);
  return G_MAXUINT;
}

static void
leave (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;

  g_cancellable_cancel (cp->cancellable);
  g_clear_pointer (&cp->paths, g_ptr_array_unref);
  g_clear_pointer (&cp->labels, g_strfreev);
  clear_dead_counts (cp);
  g_clear_pointer (&cp->dataset, g_free);
  gtk_revealer_set_reveal_child (cp->revealer, FALSE);
}

gboolean
fm_window_open_checkpoints (FmWindow  *self,
                            GFile     *folder,
                            GError   **error)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autofree char *path = g_file_get_path (folder);
  g_autofree char *dataset = NULL;
  GPtrArray *paths;

  g_return_val_if_fail (FM_IS_WINDOW (self), FALSE);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (folder);

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: not a local folder"), uri);
      return FALSE;
    }
  paths = fm_checkpoints_list ((const char * const []) { path }, 1, error);
  if (paths == NULL)
    return FALSE;
  /* The dataset scanned last stays the one each checkpoint is scanned
   * with: another run's checkpoints are checked on the same images. */
  dataset = g_strdup (self->scan_dataset != NULL ? self->scan_dataset : cp->dataset);
  leave (self);
  cp->dataset = g_steal_pointer (&dataset);
  cp->paths = paths;
  cp->labels = fm_checkpoints_labels (paths);
  cp->current = 0;
  g_signal_handlers_block_by_func (cp->scale, scale_changed, self);
  gtk_range_set_range (GTK_RANGE (cp->scale), 1, MAX (paths->len, 2));
  gtk_range_set_value (GTK_RANGE (cp->scale), 1);
  gtk_scale_clear_marks (cp->scale);
  for (guint k = 0; k < paths->len; k++)
    gtk_scale_add_mark (cp->scale, k + 1, GTK_POS_BOTTOM, NULL);
  g_signal_handlers_unblock_by_func (cp->scale, scale_changed, self);
  gtk_widget_set_sensitive (GTK_WIDGET (cp->scale), paths->len > 1);
  update_buttons (self);
  update_plot (self);
  gtk_revealer_set_reveal_child (cp->revealer, TRUE);
  fm_window_set_checkpoint (self, 0);
  return TRUE;
}

gboolean
_fm_window_checkpoints_is_current (FmWindow   *self,
                                   const char *path)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;

  if (cp == NULL || cp->paths == NULL)
    return FALSE;
  want = g_canonicalize_filename (g_ptr_array_index (cp->paths, cp->current), NULL);
  got = g_canonicalize_filename (path, NULL);
  return g_str_equal (want, got);
}

gboolean
_fm_window_checkpoints_is_step (FmWindow   *self,
                                const char *from,
                                const char *to)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autofree char *canonical = NULL;

  if (from == NULL || !_fm_window_checkpoints_is_current (self, to))
    return FALSE;
  canonical = g_canonicalize_filename (from, NULL);
  for (guint k = 0; k < cp->paths->len; k++)
    {
      g_autofree char *path = g_canonicalize_filename (g_ptr_array_index (cp->paths, k), NULL);

      if (g_str_equal (path, canonical))
        return TRUE;
    }
  return FALSE;
}

void
_fm_window_checkpoints_model_set (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;

  if (cp->paths == NULL || self->model == NULL)
    return;
  if (!_fm_window_checkpoints_is_current (self, self->model->path))
    {
      leave (self);  /* another model was opened */
      return;
    }
  update_label (self);
  if (cp->dataset != NULL)
    _fm_window_scan_look_up (self, cp->dataset);
}

void
_fm_window_checkpoints_load_failed (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;
  g_autofree char *shown = NULL;
  g_autofree char *model = NULL;
  g_autofree char *text = NULL;

  if (cp == NULL || cp->paths == NULL || self->model == NULL
      || _fm_window_checkpoints_is_current (self, self->model->path))
    return;
  /* The maps shown are another checkpoint's, named as the bar names it. */
  model = g_canonicalize_filename (self->model->path, NULL);
  for (guint k = 0; k < cp->paths->len && shown == NULL; k++)
    {
      g_autofree char *path = g_canonicalize_filename (g_ptr_array_index (cp->paths, k), NULL);

      if (g_str_equal (path, model))
        shown = g_strdup (cp->labels[k]);
    }
  if (shown == NULL)
    shown = g_filename_display_basename (self->model->path);
  /* Translators: the checkpoint bar when the slider's checkpoint could not
   * be opened, e.g. "Checkpoint 4 of 9: epoch-3.onnx could not be opened;
   * the maps are still epoch-2.onnx's" */
  text = g_strdup_printf (_("Checkpoint %u of %u: %s could not be opened; the maps are still "
                            "%s’s"), cp->current + 1, cp->paths->len, cp->labels[cp->current],
                          shown);
  gtk_label_set_text (cp->label, text);
}

const char *
fm_window_get_checkpoint_label (FmWindow *self)
{
  g_return_val_if_fail (FM_IS_WINDOW (self), NULL);

  return gtk_label_get_text (self->checkpoints->label);
}

/* ---- actions and set-up -------------------------------------------------- */

static void
checkpoints_chosen (GFile    *file,
                    gpointer  data)
{
  FmWindow *self = data;
  g_autoptr(GError) error = NULL;

  if (!fm_window_open_checkpoints (self, file, &error))
    _fm_window_show_error (self, error);
}

static void
open_checkpoints_action (GtkWidget  *widget,
                         const char *name,
                         GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Open a Folder of Checkpoints"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"),
                                         _("_Cancel"));
  fm_file_chooser_show (chooser, checkpoints_chosen, self);
}

static void
close_checkpoints_action (GtkWidget  *widget,
                          const char *name,
                          GVariant   *param)
{
  leave (FM_WINDOW (widget));
}

static void
scan_checkpoints_action (GtkWidget  *widget,
                         const char *name,
                         GVariant   *param)
{
  fm_window_scan_checkpoints (FM_WINDOW (widget));
}

static void
stop_checkpoints_action (GtkWidget  *widget,
                         const char *name,
                         GVariant   *param)
{
  g_cancellable_cancel (FM_WINDOW (widget)->checkpoints->cancellable);
}

void
_fm_window_checkpoints_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-checkpoints", NULL,
                                   open_checkpoints_action);
  gtk_widget_class_install_action (widget_class, "win.close-checkpoints", NULL,
                                   close_checkpoints_action);
  gtk_widget_class_install_action (widget_class, "win.checkpoints-scan", NULL,
                                   scan_checkpoints_action);
  gtk_widget_class_install_action (widget_class, "win.checkpoints-stop", NULL,
                                   stop_checkpoints_action);
}

static GtkWidget *
bar_button (const char *label,
            const char *action,
            const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

/* The bar goes just above the scan's bar (fm-window.ui). */
void
_fm_window_checkpoints_init (FmWindow *self)
{
  FmWindowCheckpoints *cp = g_new0 (FmWindowCheckpoints, 1);
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self->scan_revealer));

  self->checkpoints = cp;
  g_mutex_init (&cp->lock);
  cp->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (cp->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_set_margin_start (outer, 18);
  gtk_widget_set_margin_end (outer, 12);
  gtk_widget_set_margin_top (outer, 8);
  gtk_widget_set_margin_bottom (outer, 8);

  cp->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (cp->label, 0);
  gtk_label_set_width_chars (cp->label, 24);
  gtk_label_set_ellipsize (cp->label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (GTK_WIDGET (cp->label), "numeric");
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (cp->label));

  cp->scale = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 1, 2, 1));
  gtk_scale_set_draw_value (cp->scale, FALSE);
  gtk_range_set_round_digits (GTK_RANGE (cp->scale), 0);
  gtk_widget_set_hexpand (GTK_WIDGET (cp->scale), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cp->scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Checkpoint"), -1);
  g_signal_connect (cp->scale, "value-changed", G_CALLBACK (scale_changed), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (cp->scale));

  cp->scan_button = bar_button (_("Scan _Each Checkpoint"), "win.checkpoints-scan",
                                _("Scan the dataset of the last scan with every checkpoint, "
                                  "to see when channels died"));
  gtk_box_append (GTK_BOX (row), cp->scan_button);
  cp->stop_button = bar_button (_("S_top"), "win.checkpoints-stop",
                                _("Stop; the checkpoints scanned so far are kept"));
  gtk_box_append (GTK_BOX (row), cp->stop_button);

  gtk_widget_set_valign (close, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (close), "win.close-checkpoints");
  gtk_widget_set_tooltip_text (close, _("Close the checkpoints; the model on show stays open"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (close), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Close the Checkpoints"), -1);
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_add_css_class (close, "circular");
  gtk_box_append (GTK_BOX (row), close);
  gtk_box_append (GTK_BOX (outer), row);

  cp->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_box_append (GTK_BOX (outer), GTK_WIDGET (cp->progress));
  cp->plot = g_object_new (GTK_TYPE_DRAWING_AREA, "accessible-role", GTK_ACCESSIBLE_ROLE_IMG,
                           NULL);
  gtk_widget_set_name (GTK_WIDGET (cp->plot), "checkpoint_plot");
  gtk_drawing_area_set_content_height (cp->plot, 64);
  gtk_drawing_area_set_draw_func (cp->plot, plot_draw, cp, NULL);
  gtk_box_append (GTK_BOX (outer), GTK_WIDGET (cp->plot));
  cp->legend = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (cp->legend), "checkpoint_legend");
  gtk_label_set_xalign (cp->legend, 0);
  gtk_label_set_wrap (cp->legend, TRUE);
  fm_label_keep_names_whole (cp->legend);
  gtk_widget_add_css_class (GTK_WIDGET (cp->legend), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (cp->legend), "numeric");
  gtk_box_append (GTK_BOX (outer), GTK_WIDGET (cp->legend));

  gtk_revealer_set_child (cp->revealer, outer);
  gtk_box_insert_child_after (GTK_BOX (parent), GTK_WIDGET (cp->revealer),
                              gtk_widget_get_prev_sibling (GTK_WIDGET (self->scan_revealer)));
  update_buttons (self);
  update_plot (self);
}

void
_fm_window_checkpoints_dispose (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;

  if (cp == NULL)
    return;
  g_cancellable_cancel (cp->cancellable);
  g_clear_handle_id (&cp->poll_source, g_source_remove);
  /* A scan finishing after this finds the mode left. */
  g_clear_pointer (&cp->paths, g_ptr_array_unref);
  g_clear_pointer (&cp->labels, g_strfreev);
}

void
_fm_window_checkpoints_finalize (FmWindow *self)
{
  FmWindowCheckpoints *cp = self->checkpoints;

  if (cp == NULL)
    return;
  g_clear_object (&cp->cancellable);
  g_clear_pointer (&cp->paths, g_ptr_array_unref);
  g_clear_pointer (&cp->labels, g_strfreev);
  clear_dead_counts (cp);
  g_free (cp->dataset);
  g_mutex_clear (&cp->lock);
  g_free (cp);
  self->checkpoints = NULL;
}
