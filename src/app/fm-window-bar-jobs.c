/* fm-window-bar-jobs.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the jobs on the scan's bar that write a file (Export Atlas…,
 * Export Pruned Model…) share: their button, the model, scan and file they
 * hold while they run, the refusal to write over the model or the
 * dataset, and the toast of a job stopped or failed.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdarg.h>

#include "fm-file.h"
#include "fm-window-private.h"

void
_fm_window_bar_job_failed (FmWindow     *self,
                           const GError *error,
                           const char   *stopped,
                           const char   *format,
                           ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      _fm_window_toast (self, stopped);
      return;
    }
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  _fm_window_toast (self, msg);
}

gboolean
_fm_window_bar_job_refuses (FmWindow   *self,
                            const char *path,
                            const char *what)
{
  g_autofree char *msg = NULL;

  if ((self->model == NULL || !fm_file_same (path, self->model->path))
      && (self->scan == NULL || !fm_file_same (path, self->scan->dataset_path)))
    return FALSE;
  /* Translators: "The atlas was not written: /home/me/model.onnx is the
   * model or the dataset it is made from; choose another name" */
  msg = g_strdup_printf (_("%s: %s is the model or the dataset it is made from; choose another "
                           "name"), what, path);
  _fm_window_toast (self, msg);
  return TRUE;
}

void
_fm_window_scan_job_init (FmWindow   *self,
                          FmScanJob  *job,
                          char     *(*status) (FmBarJob *, guint64, guint64, double),
                          const char *path)
{
  _fm_window_bar_job_init (&job->bar, status);
  job->model = fm_model_ref (self->model);
  job->scan = fm_scan_result_ref (self->scan);
  job->dataset_path = g_strdup (self->scan->dataset_path);
  job->path = g_strdup (path);
}

void
_fm_window_scan_job_clear (FmScanJob *job)
{
  fm_model_unref (job->model);
  fm_scan_result_unref (job->scan);
  g_free (job->dataset_path);
  g_free (job->path);
  g_mutex_clear (&job->bar.lock);
}

GtkWidget *
_fm_window_add_bar_button (GtkWidget  *after,
                           const char *mnemonic,
                           const char *name,
                           const char *tooltip,
                           const char *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_name (button, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_insert_after (button, gtk_widget_get_parent (after), after);
  gtk_widget_set_visible (button, FALSE);
  return button;
}
