/* fm-window-scan-result.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan result as a file: Export Results… (JSON or CSV) and
 * Open Scan Result…: a `scan --json` file, or one `feature-maps merge`
 * made of the shards of a scan run elsewhere, becomes the window's scan
 * as if it had been scanned here (marks on the tiles, the scan bar, the
 * atlas and the export), when it is a scan of the model shown, made with
 * the window's input settings and zero threshold. Otherwise a toast says
 * what differs (its Details give the numbers) and nothing changes. The
 * file is read and the model's SHA-256 worked out in a thread.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fm-file.h"
#include "fm-window-private.h"

typedef struct
{
  FmModel      *model;       /* the model shown when the file was chosen */
  char         *path;
  FmScanResult *result;
  char         *model_sha256;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  fm_model_unref (job->model);
  g_free (job->path);
  g_clear_pointer (&job->result, fm_scan_result_unref);
  g_free (job->model_sha256);
  g_free (job);
}

/* ---- opening one ---------------------------------------------------------- */

static void
open_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenJob *job = task_data;
  GError *error = NULL;

  job->result = fm_scan_result_load_json (job->path, &error);
  if (job->result != NULL)
    job->model_sha256 = fm_scan_model_sha256 (job->model, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* "invert=yes, not invert=auto": the settings of @a that @b does not
 * have, against @b's of the same keys. */
static char *
settings_differ (const char *a,
                 const char *b)
{
  g_auto(GStrv) as = g_strsplit (a != NULL ? a : "", "; ", -1);
  g_auto(GStrv) bs = g_strsplit (b != NULL ? b : "", "; ", -1);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; as[i] != NULL; i++)
    {
      const char *eq = strchr (as[i], '=');
      const char *other = NULL;

      if (g_strv_contains ((const char *const *) bs, as[i]))
        continue;
      for (guint j = 0; eq != NULL && bs[j] != NULL && other == NULL; j++)
        if (strncmp (bs[j], as[i], (gsize) (eq - as[i] + 1)) == 0)
          other = bs[j];
      if (s->len > 0)
        g_string_append (s, "; ");
      if (other != NULL)
        /* Translators: an input setting of the file, then the window's
           ("invert=yes, not invert=auto") */
        g_string_append_printf (s, _("%s, not %s"), as[i], other);
      else
        g_string_append (s, as[i]);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Whether @r can be the scan of the window's model (@sha256): else
 * @error says why in a sentence, with the numbers as its detail. */
static gboolean
check_result (FmWindow           *self,
              const FmScanResult *r,
              const char         *name,
              const char         *sha256,
              GError            **error)
{
  g_autofree char *pp = fm_scan_preprocess_text (&self->pp);
  float epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");

  if (r->model_sha256 == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   /* Translators: %s is the file's name */
                   _("“%s” does not say which model it is a scan of"), name);
      return FALSE;
    }
  if (sha256 == NULL || strcmp (r->model_sha256, sha256) != 0)
    {
      g_autofree char *model = g_filename_display_basename (r->model_path);

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   /* Translators: the file's name and the model it was made
                      with ("mnist-cnn.onnx"); then the detail: the SHA-256 of
                      that model and of the one shown */
                   _("“%s” is a scan of another model, %s\nIts model’s SHA-256 is %s, the "
                     "model shown’s %s."), name, model, r->model_sha256,
                   sha256 != NULL ? sha256 : "?");
      return FALSE;
    }
  if (g_strcmp0 (r->preprocess, pp) != 0)
    {
      g_autofree char *differ = settings_differ (r->preprocess, pp);

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   /* Translators: the file's name, how its input settings
                      differ from the window's ("invert=yes, not
                      invert=auto"); then the detail: all of its settings and
                      of the window's */
                   _("“%s” was made with other input settings: %s\nIts settings: %s\nThe "
                     "window’s: %s"), name, differ, r->preprocess, pp);
      return FALSE;
    }
  if (r->epsilon != epsilon)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   /* Translators: the file's name, its zero threshold, the
                      window's */
                   _("“%s” was made with zero threshold %g; the window uses %g "
                     "(Preferences)"), name, (double) r->epsilon, (double) epsilon);
      return FALSE;
    }
  return TRUE;
}

static void
open_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  FmWindow *self = FM_WINDOW (source);
  OpenJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _fm_window_show_error (self, error);
      return;
    }
  if (job->model != self->model)
    return;  /* another model now: the file was for the one before */
  name = g_filename_display_basename (job->path);
  if (self->scan_cancellable != NULL)
    _fm_window_toast (self, _("A scan or an atlas is running: stop it, then open the scan "
                              "result again."));
  else if (!check_result (self, job->result, name, job->model_sha256, &error))
    _fm_window_show_error (self, error);
  else
    _fm_window_scan_show (self, job->result, FALSE, name);
}

void
fm_window_open_scan_result (FmWindow *self,
                            GFile    *file)
{
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_return_if_fail (FM_IS_WINDOW (self));

  if (self->model == NULL)
    return;
  g_cancellable_cancel (self->scan_result_cancellable);
  g_clear_object (&self->scan_result_cancellable);
  self->scan_result_cancellable = g_cancellable_new ();
  job = g_new0 (OpenJob, 1);
  job->model = fm_model_ref (self->model);
  job->path = g_file_get_path (file);
  task = g_task_new (self, self->scan_result_cancellable, open_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) open_job_free);
  if (job->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("only local files can be opened"));
      return;
    }
  g_task_run_in_thread (task, open_thread);
}

static void
chosen_cb (GFile    *file,
           gpointer  self)
{
  fm_window_open_scan_result (self, file);
}

static void
open_scan_result_action (GtkWidget  *widget,
                         const char *name,
                         GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (self->model == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Open Scan Result"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                         _("_Cancel"));
  fm_file_chooser_add_filter (chooser, fm_file_filter_new (_("Scan Results (JSON)"), "*.json",
                                                           NULL));
  fm_file_chooser_show (chooser, chosen_cb, self);
}

/* ---- exporting the result ---------------------------------------------- */

gboolean
fm_window_export_scan (FmWindow    *self,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  if (self->scan == NULL)
    return TRUE;
  if (g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV"))
    return fm_scan_result_write_csv (self->scan, path, error);

  root = fm_scan_result_to_json (self->scan);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return fm_file_write_atomic (path, text, len, error);
}

static void
export_chosen_cb (GFile    *file,
                  gpointer  user_data)
{
  FmWindow *self = user_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;

  if (path != NULL && fm_window_export_scan (self, path, &error))
    fm_window_show_exported (self, file);
  else if (error != NULL)
    _fm_window_toast (self, error->message);
}

static void
scan_export_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) json = NULL;
  g_autoptr(GtkFileFilter) csv = NULL;

  if (self->scan == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Scan Results"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  json = fm_file_filter_new (_("JSON (every number)"), "*.json", NULL);
  csv = fm_file_filter_new (_("CSV (one line per channel)"), "*.csv", NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "scan.json");
  fm_file_chooser_show (chooser, export_chosen_cb, self);
}

/* ---- set-up ------------------------------------------------------------ */

void
_fm_window_scan_result_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.scan-export", NULL, scan_export_action);
  gtk_widget_class_install_action (widget_class, "win.open-scan-result", NULL,
                                   open_scan_result_action);
}
