/* fm-window-prune.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Export Pruned Model… on the scan's bar: the exact pruning of fm-prune.h
 * by the scan shown, its verification over the scan's dataset and the
 * atomic write, in a thread on the bar (progress, Stop: nothing is
 * written), then a dialog with the summary, each layer's channels removed
 * and the reasons for the dead ones kept.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "fm-card.h"
#include "fm-file-chooser.h"
#include "fm-prune.h"
#include "fm-window-private.h"
#include "fm-wrap-label.h"

typedef struct
{
  FmScanJob     base;
  FmPreprocess  pp;
} PruneJob;

static void
prune_job_free (PruneJob *job)
{
  _fm_window_scan_job_clear (&job->base);
  g_free (job);
}

static void
prune_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  PruneJob *job = task_data;
  GError *error = NULL;
  FmPrune *prune = fm_prune_new (job->base.model, job->base.scan, NULL, &error);

  if (prune != NULL
      && (!fm_prune_verify (prune, job->base.model, job->base.dataset_path, NULL, &job->pp, 0, 1,
                            _fm_window_bar_job_progress, &job->base.bar, cancellable, &error)
          || g_cancellable_set_error_if_cancelled (cancellable, &error)
          || !fm_prune_write (prune, job->base.path, &error)))
    g_clear_pointer (&prune, fm_prune_free);
  if (prune != NULL)
    g_task_return_pointer (task, prune, (GDestroyNotify) fm_prune_free);
  else
    g_task_return_error (task, error);
}

static char *
prune_status (FmBarJob *job,
              guint64   done,
              guint64   total,
              double    elapsed)
{
  /* Translators: progress of checking the pruned model against the original */
  return g_strdup_printf (_("Verifying the pruned model: %" PRIu64 " of %" PRIu64 " images"),
                          done, total);
}

/* The report: the summary, then each layer. */
static char *
report_text (FmModel       *model,
             const FmPrune *prune)
{
  g_autofree char *summary = fm_prune_summary (prune);
  GString *s = g_string_new (summary);

  for (guint i = 0; i < prune->layers->len; i++)
    {
      const FmPruneLayer *l = g_ptr_array_index (prune->layers, i);
      g_autofree char *name = l->scan_layer >= 0 ? fm_card_friendly_name (model, l->scan_layer)
                                                 : g_strdup (l->layer);
      g_autofree char *text = fm_prune_layer_describe (l, name);

      g_string_append_printf (s, "\n\n%s", text);
    }
  if (prune->layers->len == 0)
    g_string_append_printf (s, "\n\n%s", _("No dead channels: nothing to remove."));
  return g_string_free (s, FALSE);
}

static void
show_report (FmWindow      *self,
             const char    *path,
             const FmPrune *prune)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *text = report_text (self->model, prune);
  /* Translators: the heading of the dialog after Export Pruned Model… */
  g_autofree char *heading = g_strdup_printf (_("Wrote “%s”"), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_name (dialog, "prune_report");
  /* room for a line of channel numbers */
  gtk_window_set_default_size (GTK_WINDOW (dialog), 520, -1);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  fm_label_keep_names_whole (GTK_LABEL (label));
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 200);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scroller);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  g_free (self->last_toast);
  self->last_toast = g_steal_pointer (&heading);
}

static void
prune_done (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  FmWindow *self = FM_WINDOW (source);
  PruneJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autoptr(FmPrune) prune = g_task_propagate_pointer (G_TASK (res), &error);

  _fm_window_bar_job_done (self);
  if (prune != NULL)
    show_report (self, job->base.path, prune);
  else
    _fm_window_bar_job_failed (self, error, _("The pruning was stopped; nothing was written."),
                               /* Translators: %s says why */
                               _("Could not prune the model: %s"), error->message);
}

void
fm_window_export_pruned (FmWindow *self,
                         GFile    *file)
{
  g_autofree char *path = g_file_get_path (file);
  PruneJob *job;

  if (path == NULL || self->scan == NULL || self->scan_cancellable != NULL
      || _fm_window_bar_job_refuses (self, path, _("The pruned model was not written")))
    return;
  job = g_new0 (PruneJob, 1);
  _fm_window_scan_job_init (self, &job->base, prune_status, path);
  job->pp = self->scan_pp;
  _fm_window_run_bar_job (self, &job->base.bar, (GDestroyNotify) prune_job_free, TRUE,
                          _("Pruning the model…"),
                          _("The pruned model was not written: another model was opened"),
                          prune_thread, prune_done);
}

static void
pruned_chosen_cb (GFile    *file,
                  gpointer  user_data)
{
  fm_window_export_pruned (user_data, file);
}

static void
export_pruned_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  g_autofree char *base = NULL;
  g_autofree char *suggested = NULL;

  if (self->scan == NULL || self->scan_cancellable != NULL)
    return;
  base = g_filename_display_basename (self->model->path);
  if (g_str_has_suffix (base, ".onnx"))
    base[strlen (base) - 5] = '\0';
  /* Translators: the suggested file name: "mnist-cnn-dying-pruned.onnx" */
  suggested = g_strdup_printf (_("%s-pruned.onnx"), base);
  fm_file_chooser_save (GTK_WINDOW (self), _("Export Pruned Model"),
                        fm_file_filter_new (_("ONNX model"), "*.onnx", NULL), suggested,
                        pruned_chosen_cb, self);
}

void
_fm_window_prune_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.scan-export-pruned", NULL,
                                   export_pruned_action);
}

void
_fm_window_prune_init (FmWindow *self)
{
  /* Beside Export Atlas…, shown with it. */
  self->scan_export_pruned =
    _fm_window_add_bar_button (self->scan_export_atlas, _("Export _Pruned Model…"),
                               "scan_export_pruned",
                               _("The model without its dead channels, where removing them "
                                 "changes no output, checked on the scan's images"),
                               "win.scan-export-pruned");
}
