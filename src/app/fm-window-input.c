/* fm-window-input.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's input: the canvas and the pictures opened into it, the
 * input settings, the tensor submitted to the worker and its preview, and
 * the prediction. A picture becomes the canvas ([0, 1], steps 1-3 of
 * fm-preprocess.h) and the canvas becomes the tensor (steps 4-6) once per
 * change, as fm_preprocess_image () does for the command line.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "fm-bench-live.h"
#include "fm-input-dialog.h"
#include "fm-input-settings.h"
#include "fm-file.h"
#include "fm-npy.h"
#include "fm-tile.h"
#include "fm-window-private.h"

char *
_fm_window_display_basename (GFile *file)
{
  const char *path = g_file_peek_path (file);
  g_autofree char *base = NULL;

  if (path != NULL)
    return g_filename_display_basename (path);
  base = g_file_get_basename (file);
  return g_utf8_make_valid (base, -1);
}

static void
update_undo_action (FmWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 fm_draw_pad_can_undo (self->draw_pad));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear",
                                 !fm_draw_pad_is_empty (self->draw_pad));
}

/* ---- the tensor and the prediction ----------------------------------------- */

void
_fm_window_update_prediction (FmWindow *self)
{
  const FmPrediction *p = &self->frame->prediction;
  /* An empty canvas has nothing to predict: no bars that suggest a "1". */
  gboolean empty = fm_draw_pad_is_empty (self->draw_pad);

  gtk_widget_set_visible (self->prediction_empty, empty);
  for (guint k = 0; k < FM_PREDICT_TOP_K; k++)
    {
      gboolean shown = k < p->n_top && !empty;

      gtk_widget_set_visible (self->top_labels[k], shown);
      gtk_widget_set_visible (self->top_bars[k], shown);
      gtk_widget_set_visible (self->top_values[k], shown);
      if (shown)
        {
          const char *label = fm_labels_get (self->labels, p->index[k]);
          g_autofree char *index = g_strdup_printf ("%u", p->index[k]);
          g_autofree char *percent = g_strdup_printf ("%.1f %%", 100.0 * p->probability[k]);
          g_autofree char *a11y = g_strdup_printf (_("Class %s: %.1f percent"),
                                                   label != NULL ? label : index,
                                                   100.0 * p->probability[k]);

          gtk_label_set_text (GTK_LABEL (self->top_labels[k]), label != NULL ? label : index);
          gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->top_bars[k]), p->probability[k]);
          gtk_label_set_text (GTK_LABEL (self->top_values[k]), percent);
          gtk_accessible_update_property (GTK_ACCESSIBLE (self->top_bars[k]),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
        }
    }
}

/* The frame that handles a pointer motion paints right after it: without
 * this, the tiles would always show the stroke one frame after the canvas
 * does. When passes are quick (the bundled model takes well under a
 * millisecond), the start of that frame waits a little for the result of
 * its own input, never longer than a small share of the frame; a slow model
 * (a pass longer than 2 ms) is not waited for at all, and its results come
 * as they come, newest first. */
#define WAIT_MAX_US   3000
#define WAIT_QUICK_US 2000

static gboolean
wait_for_result_tick (GtkWidget     *widget,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  FmWindow *self = FM_WINDOW (widget);
  FmWorkerStats stats;

  self->wait_tick = 0;
  fm_worker_get_stats (self->worker, &stats);
  if (stats.last_duration > 0 && stats.last_duration < WAIT_QUICK_US)
    fm_worker_wait (self->worker, MIN (WAIT_MAX_US, 3 * stats.last_duration + 500));
  return G_SOURCE_REMOVE;
}

/* The canvas holds the picture in [0, 1]; the model gets it normalised. */
void
_fm_window_submit_input (FmWindow *self)
{
  const float *pixels = fm_draw_pad_get_pixels (self->draw_pad);

  if (self->model == NULL)
    return;
  fm_preprocess_canvas_to_tensor (&self->pp, pixels, self->input);
  fm_bench_live_mark ("input submitted");
  fm_bench_live_input (fm_worker_submit (self->worker, self->input, self->input_len));
  _fm_window_compare_submit (self, pixels);
  gtk_widget_queue_draw (GTK_WIDGET (self->preview));
  if (self->wait_tick == 0)
    self->wait_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), wait_for_result_tick,
                                                    NULL, NULL);
}

static void
draw_pad_changed_cb (FmDrawPad *pad,
                     FmWindow  *self)
{
  /* Drawn on, cleared or undone: no longer the picture as opened. */
  g_clear_pointer (&self->picture, fm_image_free);
  update_undo_action (self);
  _fm_window_submit_input (self);
}

/* The tensor the model receives: a gray model's channel scaled to its own
 * range (so normalisation is visible); for an RGB or BGR model the picture
 * in colour, as the canvas holds it before the channel order, range and
 * mean/std are applied. */
static void
preview_draw (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  FmWindow *self = user_data;
  FmTileStyle style = { 0 };
  gsize plane;

  if (self->model == NULL || self->input == NULL)
    return;
  plane = (gsize) self->pp.height * self->pp.width;
  if (self->pp.channels == 3 && fm_draw_pad_get_channels (self->draw_pad) == 3)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, self->pp.width,
                                                             self->pp.height);

      cairo_surface_flush (surface);
      fm_planes_to_rgb24 (fm_draw_pad_get_pixels (self->draw_pad), 3, self->pp.height,
                          self->pp.width, cairo_image_surface_get_data (surface),
                          cairo_image_surface_get_stride (surface));
      cairo_surface_mark_dirty (surface);
      cairo_scale (cr, (double) width / self->pp.width, (double) height / self->pp.height);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_surface_destroy (surface);
      return;
    }
  fm_tile_style_gray_input (&style, self->input, plane);
  /* A uniform tensor (the empty canvas) has no range of its own: show it
   * as the canvas does. */
  if (style.vmin == style.vmax)
    {
      double v = fm_draw_pad_get_pixels (self->draw_pad)[0];

      cairo_set_source_rgb (cr, v, v, v);
      cairo_paint (cr);
      return;
    }
  fm_tile_render (cr, self->input, self->pp.height, self->pp.width, width, height, &style);
}

/* ---- input settings -------------------------------------------------------- */

/* Under the model input's preview: its shape, the settings in a line, and
 * whether the picture shown was inverted. */
void
_fm_window_update_input_caption (FmWindow *self)
{
  g_autofree char *how = fm_preprocess_describe (&self->pp);
  g_autofree char *text = NULL;

  if (self->input_inverted)
    /* Translators: the input's shape, its settings, then why it looks inverted */
    text = g_strdup_printf (_("%s, %s. Inverted: dark ink on light paper."),
                            self->input_shape != NULL ? self->input_shape : "", how);
  else
    text = g_strdup_printf ("%s, %s", self->input_shape != NULL ? self->input_shape : "", how);
  gtk_label_set_text (self->input_caption, text);
}

/* A picture as the canvas holds it: [C, H, W] in [0, 1], not yet the
 * tensor (_fm_window_submit_input () makes that of the canvas). */
static float *
image_to_canvas (const FmPreprocess *pp,
                 const FmImage      *image,
                 GError            **error)
{
  float *pixels = g_new (float, (gsize) pp->channels * pp->height * pp->width);

  if (!fm_preprocess_image_to_canvas (pp, image, pixels, error))
    g_clear_pointer (&pixels, g_free);
  return pixels;
}

/* After the canvas was resampled for @pp: a picture opened and not drawn
 * on since is read again from its pixels, at the new size, channels and
 * resize mode, rather than kept resampled (a 28 x 28 gray canvas is no
 * way to give a photo to an RGB model). The undo history stays as it
 * was resampled. Call with the canvas's "changed" handler blocked. */
static void
reread_picture (FmWindow           *self,
                const FmPreprocess *pp)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *pixels = NULL;

  if (self->picture == NULL)
    return;
  pixels = image_to_canvas (pp, self->picture, &error);
  if (pixels == NULL)
    {
      /* Read once with other settings, so only a limit could refuse it:
       * the resampled picture stays. */
      g_warning ("%s", error->message);
      return;
    }
  fm_draw_pad_replace_pixels (self->draw_pad, pixels);
  self->input_inverted = fm_preprocess_will_invert (pp, self->picture);
}

/* The canvas at the size, channels and background of @pp, keeping the
 * drawing and its undo history; a picture opened is read again. */
static void
resample_canvas (FmWindow           *self,
                 const FmPreprocess *pp)
{
  g_signal_handlers_block_by_func (self->draw_pad, draw_pad_changed_cb, self);
  fm_draw_pad_resample (self->draw_pad, pp->channels, pp->height, pp->width,
                        fm_preprocess_background_is_dark (pp));
  reread_picture (self, pp);
  g_signal_handlers_unblock_by_func (self->draw_pad, draw_pad_changed_cb, self);
}

/* The canvas for a new model's input (self->pp): another model keeps the
 * picture and its undo history, resampled if its input differs; only the
 * first one (@keep FALSE) starts from a blank canvas. */
void
_fm_window_set_canvas (FmWindow *self,
                       gboolean  keep)
{
  const FmPreprocess *pp = &self->pp;

  if (keep)
    resample_canvas (self, pp);
  else
    {
      g_signal_handlers_block_by_func (self->draw_pad, draw_pad_changed_cb, self);
      fm_draw_pad_set_size (self->draw_pad, pp->channels, pp->height, pp->width,
                            fm_preprocess_background_is_dark (pp));
      g_signal_handlers_unblock_by_func (self->draw_pad, draw_pad_changed_cb, self);
    }
  fm_draw_pad_set_hint (self->draw_pad,
                        pp->channels == 1 && pp->height <= 32 && pp->width <= 32
                        ? _("Draw a digit here")
                        : _("Draw here, or open or drop a picture"));
  update_undo_action (self);
}

/* Keeps self->pp as the current model's settings (atomically); a failure
 * is said, the settings still apply. */
void
_fm_window_keep_input_settings (FmWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->settings_path != NULL &&
      !fm_input_settings_save (self->settings_path, &self->pp, &error))
    {
      /* Translators: %s names the file and the reason */
      g_autofree char *msg = g_strdup_printf (_("Input settings not kept: %s"), error->message);
      _fm_window_toast (self, msg);
    }
}

/* New settings for the current model: the canvas takes the new background,
 * the caption says them, the model gets the input anew, a scan made under
 * other settings loses its marks, and the settings are kept for the model
 * (atomically; a failure is said, the settings still apply). */
static void
apply_input_settings (FmWindow           *self,
                      const FmPreprocess *pp)
{
  self->pp = *pp;
  resample_canvas (self, pp);
  _fm_window_update_input_caption (self);
  _fm_window_submit_input (self);
  _fm_window_scan_settings_changed (self);
  _fm_window_keep_input_settings (self);
}

static void
input_dialog_changed_cb (FmInputDialog *dialog,
                         FmWindow      *self)
{
  /* Always the model shown: set_model () shows the new model's settings
   * in the dialog, and a closed one is disconnected. */
  if (self->model != NULL)
    apply_input_settings (self, fm_input_dialog_get (dialog));
}

void
_fm_window_close_input_settings (FmWindow *self)
{
  GtkWindow *old = self->input_dialog;

  /* It lets go of self->input_dialog and of self first: a reference still
   * held on it would otherwise clear that pointer (or call back) when it
   * finally goes, after a new dialog or after the window. */
  if (old == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (old), (gpointer *) &self->input_dialog);
  g_signal_handlers_disconnect_by_data (old, self);
  self->input_dialog = NULL;
  gtk_window_destroy (old);
}

void
_fm_window_open_input_settings (FmWindow   *self,
                                const char *explain)
{
  if (self->model == NULL)
    return;
  _fm_window_close_input_settings (self);
  self->input_dialog = fm_input_dialog_new (GTK_WINDOW (self), self->model->display_name,
                                            &self->pp, explain);
  g_object_add_weak_pointer (G_OBJECT (self->input_dialog), (gpointer *) &self->input_dialog);
  g_signal_connect (self->input_dialog, "changed", G_CALLBACK (input_dialog_changed_cb), self);
  gtk_window_present (self->input_dialog);
}

void
_fm_window_refresh_input_settings (FmWindow   *self,
                                   const char *explain)
{
  if (self->model == NULL)
    return;
  /* In place: a new window would take the focus from the window (say,
   * from the checkpoint slider stepped with the keys). */
  if (self->input_dialog == NULL)
    _fm_window_open_input_settings (self, explain);
  else
    fm_input_dialog_show_model (FM_INPUT_DIALOG (self->input_dialog),
                                self->model->display_name, &self->pp, explain);
}

GtkWindow *
fm_window_get_input_dialog (FmWindow *self)
{
  return self->input_dialog;
}

const FmPreprocess *
fm_window_get_preprocess (FmWindow *self)
{
  return &self->pp;
}

const float *
fm_window_get_input_tensor (FmWindow *self)
{
  return self->input;
}

/* ---- pictures ------------------------------------------------------------- */

typedef struct
{
  GFile        *file;
  guint         generation;  /* self->image_generation when asked for */
  FmPreprocess  pp;
  gboolean      inverted;  /* the picture was inverted for the model */
  FmImage      *image;     /* as read */
} ImageJob;

static void
image_job_free (ImageJob *job)
{
  g_clear_pointer (&job->image, fm_image_free);
  g_object_unref (job->file);
  g_free (job);
}

/* A picture that does not decode is said in plain words, with the
 * decoder's own (libpng's, libjpeg's) behind Details: *@error becomes
 * "NAME: damaged, …\nPATH: invalid JPEG: …". A file that cannot be read
 * or is too large already says so plainly. */
static void
plain_image_error (GFile   *file,
                   GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *sentence = NULL;
  GError *plain;

  if (!g_error_matches (*error, FM_ERROR, FM_ERROR_INVALID_INPUT))
    return;
  name = _fm_window_display_basename (file);
  /* Translators: a picture file's name; the first line of an error toast,
   * the decoder's own message goes behind Details */
  sentence = g_strdup_printf (_("%s: damaged, incomplete or not a PNG or JPEG picture"), name);
  plain = g_error_new (FM_ERROR, FM_ERROR_INVALID_INPUT, "%s\n%s", sentence, (*error)->message);
  g_clear_error (error);
  *error = plain;
}

static void
load_image_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ImageJob *job = task_data;
  g_autofree char *path = _fm_window_task_local_path (task, job->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmImage) image = NULL;
  float *pixels;

  if (path == NULL)
    return;
  image = fm_image_load (path, 0, &error);
  if (image == NULL)
    {
      plain_image_error (job->file, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->inverted = fm_preprocess_will_invert (&job->pp, image);
  pixels = image_to_canvas (&job->pp, image, &error);
  if (pixels == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->image = g_steal_pointer (&image);
  g_task_return_pointer (task, pixels, g_free);
}


static void
load_image_done (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  FmWindow *self = FM_WINDOW (source);
  ImageJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autofree float *pixels = g_task_propagate_pointer (G_TASK (res), &error);

  self->image_loads--;
  /* A picture opened since (a slow photo, then a small one) wins. */
  if (job->generation != self->image_generation)
    return;
  if (pixels == NULL)
    {
      _fm_window_show_error (self, error);
      return;
    }
  /* The model or its input settings changed while the picture loaded (a
   * model and a picture dropped together): read it again for them. */
  if (memcmp (&job->pp, &self->pp, sizeof job->pp) != 0)   /* the canvas follows self->pp */
    {
      fm_window_open_image (self, job->file);
      return;
    }
  g_free (self->input_name);
  self->input_name = _fm_window_display_basename (job->file);
  self->input_inverted = job->inverted;
  fm_draw_pad_set_pixels (self->draw_pad, pixels);
  self->picture = g_steal_pointer (&job->image);
  _fm_window_update_input_caption (self);
}

void
fm_window_open_image (FmWindow *self,
                      GFile    *file)
{
  g_autoptr(GTask) task = NULL;
  ImageJob *job;

  if (self->model == NULL)
    {
      /* `feature-maps MODEL IMAGE`: the image waits for the model. */
      g_set_object (&self->pending_image, file);
      return;
    }
  job = g_new0 (ImageJob, 1);
  job->file = g_object_ref (file);
  job->generation = ++self->image_generation;
  job->pp = self->pp;
  self->image_loads++;
  task = g_task_new (self, NULL, load_image_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) image_job_free);
  g_task_run_in_thread (task, load_image_thread);
}

gboolean
fm_window_is_loading_image (FmWindow *self)
{
  return self->image_loads > 0;
}

void
fm_window_load_image (FmWindow      *self,
                      const FmImage *image,
                      const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *pixels = NULL;

  if (self->model == NULL)
    return;
  self->image_generation++;   /* a picture still loading is not wanted now */
  pixels = image_to_canvas (&self->pp, image, &error);
  if (pixels == NULL)
    {
      _fm_window_show_error (self, error);
      return;
    }
  g_free (self->input_name);
  self->input_name = g_strdup (name);
  self->input_inverted = fm_preprocess_will_invert (&self->pp, image);
  _fm_window_update_input_caption (self);
  /* The drawing stays on the undo stack. */
  fm_draw_pad_set_pixels (self->draw_pad, pixels);
  self->picture = fm_image_copy (image);
}

/* ---- the last input, kept across runs -------------------------------------- */

/* The canvas, as a [C, H, W] float32 .npy in the app's data folder, so the
 * next start shows the same picture; an empty canvas keeps nothing. A
 * failure is only logged: the window is closing. */
void
_fm_window_save_last_input (FmWindow *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "feature-maps", NULL);
  g_autofree char *path = g_build_filename (dir, "last-input.npy", NULL);
  g_autoptr(GError) error = NULL;
  FmShape shape = { 0 };

  if (self->model == NULL || fm_draw_pad_is_empty (self->draw_pad))
    {
      g_settings_set_string (self->settings, "last-input", "");
      return;
    }
  shape.rank = 3;
  shape.dims[0] = fm_draw_pad_get_channels (self->draw_pad);
  shape.dims[1] = fm_draw_pad_get_height (self->draw_pad);
  shape.dims[2] = fm_draw_pad_get_width (self->draw_pad);
  if (!fm_file_make_folder (dir, 0700, &error) ||
      !fm_npy_write (path, &shape, fm_draw_pad_get_pixels (self->draw_pad), &error))
    {
      /* The messages name the file or folder. */
      g_warning ("Could not keep the canvas: %s", error->message);
      return;
    }
  g_settings_set_string (self->settings, "last-input", path);
}

/* After the first model of a run has loaded: the canvas of the last run,
 * resampled if the model's input differs. A missing or unreadable file is
 * skipped in silence; there is nothing the user asked for. */
void
_fm_window_restore_last_input (FmWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "last-input");
  g_autofree float *pixels = NULL;
  FmShape shape = { 0 };
  int channels = fm_draw_pad_get_channels (self->draw_pad);
  int height = fm_draw_pad_get_height (self->draw_pad);
  int width = fm_draw_pad_get_width (self->draw_pad);
  gboolean ink_white = self->pp.background_black;

  if (*path == '\0')
    return;
  pixels = fm_npy_read (path, &shape, 64 << 20, NULL);
  if (pixels == NULL || shape.rank != 3 || (shape.dims[0] != 1 && shape.dims[0] != 3) ||
      shape.dims[1] < 1 || shape.dims[1] > 4096 || shape.dims[2] < 1 || shape.dims[2] > 4096)
    return;
  for (gsize i = 0; i < (gsize) (shape.dims[0] * shape.dims[1] * shape.dims[2]); i++)
    if (!(pixels[i] >= 0.0f && pixels[i] <= 1.0f))
      return;
  /* Set it at its own size, then bring it to the model's. */
  g_signal_handlers_block_by_func (self->draw_pad, draw_pad_changed_cb, self);
  fm_draw_pad_set_size (self->draw_pad, (int) shape.dims[0], (int) shape.dims[1],
                        (int) shape.dims[2], ink_white);
  fm_draw_pad_set_pixels (self->draw_pad, pixels);
  fm_draw_pad_resample (self->draw_pad, channels, height, width, ink_white);
  g_signal_handlers_unblock_by_func (self->draw_pad, draw_pad_changed_cb, self);
  draw_pad_changed_cb (self->draw_pad, self);
}

void
fm_window_restore_last_input (FmWindow *self)
{
  self->restore_input = TRUE;
  if (self->model != NULL)
    {
      self->restore_input = FALSE;
      _fm_window_restore_last_input (self);
    }
}

/* ---- set-up ---------------------------------------------------------------- */

/* The rows of the prediction, hidden until there is one. */
static void
add_prediction_rows (FmWindow *self)
{
  for (guint k = 0; k < FM_PREDICT_TOP_K; k++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

      self->top_labels[k] = gtk_label_new ("");
      gtk_label_set_width_chars (GTK_LABEL (self->top_labels[k]), 4);
      gtk_label_set_xalign (GTK_LABEL (self->top_labels[k]), 0);
      gtk_widget_add_css_class (self->top_labels[k], k == 0 ? "heading" : "body");
      self->top_bars[k] = gtk_progress_bar_new ();
      gtk_widget_set_hexpand (self->top_bars[k], TRUE);
      gtk_widget_set_valign (self->top_bars[k], GTK_ALIGN_CENTER);
      self->top_values[k] = gtk_label_new ("");
      gtk_label_set_width_chars (GTK_LABEL (self->top_values[k]), 7);
      gtk_label_set_xalign (GTK_LABEL (self->top_values[k]), 1);
      gtk_widget_add_css_class (self->top_values[k], "numeric");
      gtk_box_append (GTK_BOX (row), self->top_labels[k]);
      gtk_box_append (GTK_BOX (row), self->top_bars[k]);
      gtk_box_append (GTK_BOX (row), self->top_values[k]);
      gtk_box_append (self->prediction_box, row);
      gtk_widget_set_visible (self->top_labels[k], FALSE);
      gtk_widget_set_visible (self->top_bars[k], FALSE);
      gtk_widget_set_visible (self->top_values[k], FALSE);
    }

  self->prediction_empty = gtk_label_new (_("Draw or open a picture to see what the model "
                                            "predicts."));
  gtk_label_set_wrap (GTK_LABEL (self->prediction_empty), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->prediction_empty), 0);
  gtk_widget_add_css_class (self->prediction_empty, "dim-label");
  gtk_box_append (self->prediction_box, self->prediction_empty);
}

void
_fm_window_input_init (FmWindow *self)
{
  g_signal_connect (self->draw_pad, "changed", G_CALLBACK (draw_pad_changed_cb), self);
  gtk_drawing_area_set_draw_func (self->preview, preview_draw, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The tensor the model receives"), -1);
  add_prediction_rows (self);
  update_undo_action (self);
}

guint
fm_window_get_n_prediction_rows (FmWindow *self)
{
  guint n = 0;

  for (guint k = 0; k < FM_PREDICT_TOP_K; k++)
    n += gtk_widget_get_visible (self->top_bars[k]);
  return n;
}
