/* fm-window.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: the input pane, the layer sidebar and the tiles of every
 * feature-map layer. This file holds the live results, loading models off
 * the main thread and the window's life; the input, the layers, the
 * actions, the file choosers and drops, the recent models, the toasts
 * and the scan are in fm-window-*.c.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "fm-bench-live.h"
#include "fm-focus-keeper.h"
#include "fm-input-settings.h"
#include "fm-layer-section.h"
#include "fm-window-private.h"
#include "fm-wrap-label.h"

G_DEFINE_FINAL_TYPE (FmWindow, fm_window, ADW_TYPE_APPLICATION_WINDOW)

/* The header's spinner shows only for a load that lasts (after
 * BUSY_DELAY_MS): a quick open does not flash it, and its animation does
 * not repaint the window while the model loads beside it. */
#define BUSY_DELAY_MS 300

static gboolean
show_spinner (gpointer data)
{
  FmWindow *self = data;

  self->busy_source = 0;
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  return G_SOURCE_REMOVE;
}

static void
set_busy (FmWindow *self,
          gboolean  busy)
{
  g_clear_handle_id (&self->busy_source, g_source_remove);
  if (busy)
    {
      self->busy_source = g_timeout_add (BUSY_DELAY_MS, show_spinner, self);
      return;
    }
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
}

static void
read_view_options (FmWindow *self)
{
  g_autofree char *cm = g_settings_get_string (self->settings, "colormap");

  self->options.colormap = fm_colormap_lookup (cm);
  if (self->options.colormap == NULL)
    self->options.colormap = fm_colormap_get_default ();
  self->options.normalize = g_settings_get_enum (self->settings, "normalize");
  self->options.fixed_min = (float) g_settings_get_double (self->settings, "fixed-min");
  self->options.fixed_max = (float) g_settings_get_double (self->settings, "fixed-max");
  self->options.tile_size = g_settings_get_int (self->settings, "tile-size");
}

/* ---- live results --------------------------------------------------------- */

/* Whether @index shows the same in self->frame as in @previous: taken
 * from the same frame, under the same threshold. */
static gboolean
layer_unchanged (FmWindow *self,
                 FmFrame  *previous,
                 guint     index)
{
  return previous != NULL && previous->epsilon == self->frame->epsilon &&
         fm_frame_layer_origin (previous, index) == fm_frame_layer_origin (self->frame, index);
}

/* Shows self->frame. @previous (NULL: the view options changed, redraw
 * all) is the frame it replaces: a section whose layer the new frame took
 * from the same frame as @previous did, under the same threshold, already
 * shows it (a partial result changes only the layers in sight). A layer
 * no pass has made yet (the model's first pass showed the layers in
 * sight first) keeps its tiles and count as they are. */
static void
refresh_frame (FmWindow *self,
               FmFrame  *previous)
{
  if (self->frame == NULL)
    return;
  for (guint i = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);
      guint index = fm_layer_section_get_index (section);

      if (fm_frame_layer_pending (self->frame, index) || layer_unchanged (self, previous, index))
        continue;
      fm_layer_section_update (section, self->frame, &self->options);
    }
  for (guint i = 0; i < self->zero_labels->len; i++)
    {
      guint channels;

      if (fm_frame_layer_pending (self->frame, i) || layer_unchanged (self, previous, i))
        continue;
      channels = fm_layer_channels (self->model, fm_frame_layer (self->frame, i));
      /* Translators: channels that are all zero for this input, e.g. "5 / 32 zero" */
      g_autofree char *text = g_strdup_printf (_("%u / %u zero"), self->frame->n_zero[i],
                                               channels);
      gtk_label_set_text (g_ptr_array_index (self->zero_labels, i), text);
    }
  /* a partial result's prediction is @previous's, already shown */
  if (previous == NULL || self->frame->complete)
    _fm_window_update_prediction (self);
  _fm_window_apply_view (self);
}

static void
worker_result_cb (FmWorker       *worker,
                  FmWorkerResult *result,
                  FmWindow       *self)
{
  float epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");
  g_autoptr(FmFrame) previous = NULL;
  FmFrame *frame;

  if (fm_worker_result_get_model (result) != self->model)
    return;
  if (fm_bench_live_enabled ())
    {
      g_autofree char *phase = g_strdup_printf ("first result (its pass %.1f ms on %u threads)",
                                                fm_worker_result_get_duration (result) / 1000.0,
                                                fm_worker_result_get_threads (result));
      fm_bench_live_mark (phase);
    }
  /* A partial result takes the layers out of sight from the frame before;
   * one whose statistics were made for the layers before a rebuild is
   * dropped, and the stroke's last pass, which completes, shows them. */
  frame = fm_frame_new (result, self->layers, epsilon, self->frame);
  if (frame == NULL)
    return;
  previous = g_steal_pointer (&self->frame);
  self->frame = frame;
  self->n_frames++;
  refresh_frame (self, previous);
  if (self->tile_wanted_layer >= 0
      && !fm_frame_layer_pending (self->frame, (guint) self->tile_wanted_layer))
    _fm_window_open_tile (self, (guint) self->tile_wanted_layer, self->tile_wanted_channel);
  fm_bench_live_mark ("first result shown");
  fm_bench_live_shown (GTK_WIDGET (self->sections_box),
                       fm_worker_result_get_input_generation (result));
}

static void
worker_error_cb (FmWorker     *worker,
                 const GError *error,
                 FmWindow     *self)
{
  _fm_window_toast (self, error->message);
}

static void
settings_changed_cb (GSettings  *settings,
                     const char *key,
                     FmWindow   *self)
{
  if (g_str_equal (key, "show-all-nodes"))
    {
      if (self->model != NULL)
        _fm_window_rebuild_layers (self);
      return;
    }
  if (g_str_equal (key, "tile-size"))
    {
      read_view_options (self);
      if (self->model != NULL)
        _fm_window_rebuild_layers (self);
      return;
    }
  if (g_str_equal (key, "rare-threshold"))
    {
      _fm_window_scan_apply (self);
      return;
    }
  if (g_str_equal (key, "zero-threshold"))
    {
      _fm_window_update_worker_finish (self);
      _fm_window_compare_update_finish (self);
      /* Recompute the statistics of the frame on screen; a scan made
       * under the old threshold no longer holds. */
      if (self->frame != NULL)
        {
          g_autoptr(FmWorkerResult) result = fm_worker_result_ref (self->frame->result);
          worker_result_cb (self->worker, result, self);
        }
      _fm_window_scan_settings_changed (self);
      return;
    }
  read_view_options (self);
  refresh_frame (self, NULL);
}

/* ---- models --------------------------------------------------------------- */

/* Scrolls the page to @value once the new sections are laid out (their
 * height is known only after a frame or two), giving up after 30 frames. */
static gboolean
restore_scroll_tick (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  FmWindow *self = FM_WINDOW (widget);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->layers_scroller);

  gtk_adjustment_set_value (adj, self->scroll_wanted);
  if (gtk_adjustment_get_value (adj) >= self->scroll_wanted - 0.5 || ++self->scroll_frames > 30)
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
restore_scroll (FmWindow *self,
                double    value)
{
  self->scroll_wanted = value;
  self->scroll_frames = 0;
  if (value <= 0 || self->scroll_tick != 0)
    return;
  self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), restore_scroll_tick,
                                                    NULL, NULL);
}

/* The input settings for @model: its metadata's, overridden by those kept
 * for these model bytes in @settings_path (*@kept TRUE); without either, a
 * PyTorch model of RGB pictures gets torchvision's ImageNet mean, std and
 * centre crop. A kept file that cannot be used is said so, and the
 * metadata's settings hold. */
gboolean
_fm_window_model_input_settings (FmWindow      *self,
                                 FmModel       *model,
                                 const char    *settings_path,
                                 FmPreprocess  *pp,
                                 gboolean      *kept,
                                 GError       **error)
{
  g_autoptr(GError) local = NULL;
  FmPreprocess saved;

  *kept = FALSE;
  if (!fm_preprocess_init_defaults (pp, model, error))
    return FALSE;
  if (settings_path == NULL)
    return TRUE;
  saved = *pp;
  if (fm_input_settings_load (settings_path, &saved, &local))
    {
      *pp = saved;
      *kept = TRUE;
    }
  else if (local != NULL)
    _fm_window_toast (self, local->message);
  return TRUE;
}

/* The tensor name of the selected layer, or NULL for All Layers. */
static char *
dup_selected_name (FmWindow *self)
{
  if (self->model == NULL || self->selected < 0 || (guint) self->selected >= self->layers->len)
    return NULL;
  return g_strdup (self->model->values[g_array_index (self->layers, FmLayer,
                                                      self->selected).value_id].name);
}

/* Selects the layer whose tensor is called @name, if there is one. */
static void
select_layer_named (FmWindow   *self,
                    const char *name)
{
  if (name == NULL)
    return;
  for (guint i = 0; i < self->layers->len; i++)
    if (g_str_equal (self->model->values[g_array_index (self->layers, FmLayer, i).value_id].name,
                     name))
      {
        fm_window_select_layer (self, (int) i);
        return;
      }
}

static void
show_model_title (FmWindow *self)
{
  FmModel *model = self->model;
  g_autofree char *subtitle = NULL;

  adw_window_title_set_title (self->window_title, model->display_name);
  {
    /* Translators: the window's title, for the window list and screen
       readers: the model file, then the application's name */
    g_autofree char *title = g_strdup_printf (_("%s — Feature Maps"), model->display_name);

    gtk_window_set_title (GTK_WINDOW (self), title);
  }
  if (model->producer_name != NULL && *model->producer_name != '\0')
    subtitle = g_strdup_printf (_("%s %s · opset %" PRId64), model->producer_name,
                                model->producer_version != NULL ? model->producer_version : "",
                                model->opset);
  else
    subtitle = g_strdup_printf (_("opset %" PRId64), model->opset);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* Where the layers of a model just set open. A step of the checkpoint
 * slider keeps the selected layer (@selected_name, NULL for All Layers)
 * and the scroll position (@scroll) of the checkpoint before, so one
 * layer can be followed through the training; any other model opens on
 * All Layers at its first layer, the grid and the sidebar at their tops
 * (it opened where the model before was scrolled). */
static void
place_layers (FmWindow   *self,
              gboolean    keep,
              const char *selected_name,
              double      scroll)
{
  GtkWidget *sidebar = gtk_widget_get_ancestor (GTK_WIDGET (self->layer_list),
                                                GTK_TYPE_SCROLLED_WINDOW);

  if (keep)
    {
      select_layer_named (self, selected_name);
      restore_scroll (self, scroll);
      return;
    }
  /* _fm_window_rebuild_layers () chose All Layers and scrolled the grid
   * to 0; a restore still running for the model before stops. */
  restore_scroll (self, 0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->layers_scroller), 0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (sidebar)),
                            0);
}

/* Shows @model, keeping the picture (and, for a step of the checkpoint
 * slider, the place: place_layers ()); FALSE, and the current model
 * stays, when @model cannot be fed a picture. */
static gboolean
set_model (FmWindow  *self,
           FmModel   *model,
           GError   **error)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->layers_scroller);
  double scroll = gtk_adjustment_get_value (adj);
  gboolean had_model = self->model != NULL;
  gboolean keep_place = had_model &&
                        _fm_window_checkpoints_is_step (self, self->model->path, model->path);
  g_autofree char *settings_path = g_steal_pointer (&self->next_settings_path);
  g_autofree char *selected_name = NULL;
  FmPreprocess pp;
  gboolean kept;

  if (!_fm_window_model_input_settings (self, model, settings_path, &pp, &kept, error))
    return FALSE;
  /* The checkpoints of one training take their input alike: one without
   * metadata or settings of its own takes those of the checkpoint before
   * it, rather than asking again at every step of the slider. */
  if (!kept && had_model && !fm_preprocess_model_has_metadata (model)
      && _fm_window_checkpoints_is_current (self, model->path)
      && self->pp.channels == pp.channels && self->pp.height == pp.height
      && self->pp.width == pp.width)
    {
      pp = self->pp;
      kept = TRUE;
    }
  selected_name = dup_selected_name (self);
  if (!fm_worker_set_model (self->worker, model, error))
    {
      /* The worker dropped its model; give it back the current one. */
      fm_worker_set_model (self->worker, self->model, NULL);
      return FALSE;
    }

  _fm_window_scan_reset (self);
  g_clear_pointer (&self->model, fm_model_unref);
  self->model = fm_model_ref (model);
  self->pp = pp;
  g_free (self->settings_path);
  self->settings_path = g_steal_pointer (&settings_path);
  self->input_len = (gsize) pp.channels * pp.height * pp.width;
  g_free (self->input);
  self->input = g_new0 (float, self->input_len);
  g_clear_pointer (&self->labels, g_strfreev);
  self->labels = fm_model_dup_labels (model);
  g_free (self->input_shape);
  self->input_shape = fm_shape_to_string (&model->values[model->inputs[0]].shape);
  show_model_title (self);
  _fm_window_set_canvas (self, had_model);
  /* After the canvas: a picture read again for this model says whether
   * it was inverted for it. */
  _fm_window_update_input_caption (self);

  fm_bench_live_mark ("worker and canvas set");
  _fm_window_rebuild_layers (self);
  fm_bench_live_mark ("layers built");
  place_layers (self, keep_place, selected_name, scroll);
  _fm_window_add_recent_model (self, model->path);
  /* A model without our metadata and without settings kept for it: ask,
   * rather than be silently wrong. Input Settings left open show the new
   * model's (the old model's settings never reach it). */
  if (!kept && !fm_preprocess_model_has_metadata (model))
    {
      _fm_window_refresh_input_settings (self, fm_preprocess_is_torchvision_guess (&pp, model)
        ? _("This model says nothing of how its input was prepared. As a PyTorch model of "
            "colour pictures it starts with torchvision’s ImageNet settings (mean, standard "
            "deviation and a centre crop). Check them below; they are kept for this model.")
        : _("This model says nothing of how its input was prepared. Check the settings "
            "below (a PyTorch model for photos usually wants the ImageNet preset); they are "
            "kept for this model."));
      /* Shown once: kept as they are now, so the next load does not ask
       * again (a change in the dialog keeps the new ones). A file that is
       * there but could not be used (its toast said why) is left as it is. */
      if (self->settings_path != NULL && !g_file_test (self->settings_path, G_FILE_TEST_EXISTS))
        _fm_window_keep_input_settings (self);
    }
  else if (self->input_dialog != NULL)
    _fm_window_refresh_input_settings (self, NULL);
  return TRUE;
}

char *
_fm_window_task_local_path (GTask *task,
                            GFile *file)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_task_return_new_error (task, FM_ERROR, FM_ERROR_IO, _("%s: not a local file"), uri);
    }
  return path;
}

typedef struct
{
  FmModel *model;
  char    *settings_path;  /* the model's input settings file, or NULL */
} LoadedModel;

static void
loaded_model_free (LoadedModel *loaded)
{
  g_clear_pointer (&loaded->model, fm_model_unref);
  g_free (loaded->settings_path);
  g_free (loaded);
}

/* The settings file of the model file @data (freed here); NULL when it
 * cannot be read (the load says why). */
static gpointer
hash_model_thread (gpointer data)
{
  g_autofree char *path = data;

  return fm_input_settings_path_for_file (path, NULL);
}

/* How the window loads every model. A symbolic height and width (an
 * export with dynamic axes): the canvas needs a size, ImageNet's, and
 * load_model_done () says so. */
void
_fm_window_model_options (FmModelOptions *options)
{
  fm_model_options_init (options);
  options->default_height = FM_MODEL_DEFAULT_SIDE;
  options->default_width = FM_MODEL_DEFAULT_SIDE;
}

static void
load_model_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = _fm_window_task_local_path (task, file);
  g_autofree char *settings_path = NULL;
  g_autoptr(GError) error = NULL;
  GThread *hasher;
  FmModelOptions options;
  FmModel *model;

  if (path == NULL)
    return;
  /* The model's bytes are hashed for its settings file beside the load
   * (on ResNet-18 each takes ~0.2 s). */
  hasher = g_thread_new ("fm-hash-model", hash_model_thread, g_strdup (path));
  _fm_window_model_options (&options);
  model = fm_model_load_file (path, &options, &error);
  fm_bench_live_mark ("model loaded");
  settings_path = g_thread_join (hasher);
  fm_bench_live_mark ("model hashed");
  if (model == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  {
    LoadedModel *loaded = g_new0 (LoadedModel, 1);

    loaded->model = model;
    loaded->settings_path = g_steal_pointer (&settings_path);
    g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_model_free);
  }
}

typedef struct
{
  FmWindowModelLoaded func;
} LoadJob;

static void
load_job_done (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autofree LoadJob *job = user_data;
  g_autoptr(GError) error = NULL;
  LoadedModel *loaded = g_task_propagate_pointer (G_TASK (res), &error);
  g_autoptr(FmModel) model = NULL;
  char *settings_path = NULL;

  if (loaded != NULL)
    {
      model = g_steal_pointer (&loaded->model);
      settings_path = g_steal_pointer (&loaded->settings_path);
      loaded_model_free (loaded);
    }
  /* A newer load of the same kind is on its way. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  job->func (FM_WINDOW (source), model, settings_path, error);
}

void
_fm_window_load_model_async (FmWindow            *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             FmWindowModelLoaded  func)
{
  LoadJob *job = g_new0 (LoadJob, 1);
  g_autoptr(GTask) task = NULL;

  job->func = func;
  task = g_task_new (self, cancellable, load_job_done, job);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_model_thread);
}

/* What needs a model: off until one is open. */
static void
update_model_actions (FmWindow *self)
{
  static const char * const needs_model[] = {
    "win.scan", "win.export", "win.input-settings", "win.go-to-channel",
    "win.open-scan-result",
  };

  for (guint i = 0; i < G_N_ELEMENTS (needs_model); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), needs_model[i], self->model != NULL);
  /* and no scan, atlas or pruning running */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.scan",
                                 self->model != NULL && self->scan_cancellable == NULL);
}

/* A model that could not be opened leaves the previous one on show, or,
 * when there is none, a page that says so and offers Open. */
static void
show_content_after_failure (FmWindow *self)
{
  update_model_actions (self);
  if (self->model == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "no-model");
  else
    gtk_stack_set_visible_child_name (self->content_stack,
                                      self->layers->len > 0 ? "layers" : "empty");
}

static void
load_model_done (FmWindow *self,
                 FmModel  *model,
                 char     *settings_path,
                 GError   *load_error)
{
  g_autoptr(GError) error = NULL;

  fm_bench_live_mark ("back on the main thread");
  set_busy (self, FALSE);
  g_free (self->next_settings_path);
  self->next_settings_path = settings_path;
  if (model == NULL)
    {
      _fm_window_show_error (self, load_error);
      show_content_after_failure (self);
      _fm_window_checkpoints_load_failed (self);
      return;
    }
  if (!set_model (self, model, &error))
    {
      _fm_window_show_error (self, error);
      show_content_after_failure (self);
      _fm_window_checkpoints_load_failed (self);
      return;
    }
  update_model_actions (self);
  if (model->sized_by_default)
    {
      /* Translators: a model exported with dynamic axes; %s is its file name */
      g_autofree char *text = g_strdup_printf (_("%s does not fix its input’s height and "
                                                 "width: shown at %d × %d"),
                                               model->display_name, FM_MODEL_DEFAULT_SIDE,
                                               FM_MODEL_DEFAULT_SIDE);

      _fm_window_toast (self, text);
    }
  _fm_window_checkpoints_model_set (self);
  fm_bench_live_mark ("model set");
  {
    g_autofree char *value = fm_window_path_to_setting (model->path);

    if (value != NULL)
      g_settings_set_string (self->settings, "last-model", value);
  }
  if (self->restore_input && self->pending_image == NULL)
    _fm_window_restore_last_input (self);
  self->restore_input = FALSE;
  if (self->pending_image != NULL)
    {
      g_autoptr(GFile) image = g_steal_pointer (&self->pending_image);
      fm_window_open_image (self, image);
    }
}

/* ---- the main menu's focus ----------------------------------------------- */

static void
keep_last_focus (FmWindow  *self,
                       GtkWidget *widget)
{
  if (self->last_focus != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->last_focus),
                                  (gpointer *) &self->last_focus);
  self->last_focus = widget;
  if (widget != NULL)
    g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &self->last_focus);
}

/* The last focus outside the main menu and its button: where the focus
 * goes back when the menu closes. */
static void
focus_changed_cb (GtkWindow  *window,
                  GParamSpec *pspec,
                  FmWindow   *self)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  if (focus != NULL && focus != GTK_WIDGET (self->menu_button)
      && !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->menu_button)))
    keep_last_focus (self, focus);
}

static gboolean
restore_focus_after_menu (gpointer data)
{
  FmWindow *self = data;
  GtkWidget *target = self->last_focus;

  /* Only after a submenu's item (what GTK gets wrong): Escape leaves the
   * focus on the menu button, as GNOME's menus do. */
  if (!self->submenu_item_chosen || !gtk_widget_get_realized (GTK_WIDGET (self)))
    {
      g_object_unref (self);
      return G_SOURCE_REMOVE;
    }
  self->submenu_item_chosen = FALSE;
  if (target == NULL || gtk_widget_get_root (target) != GTK_ROOT (self)
      || !gtk_widget_get_mapped (target) || !gtk_widget_grab_focus (target))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* GTK 4.8 on X11 leaves the keyboard dead once an item of a submenu
 * (Bundled Models, Recent Models: their actions set submenu_item_chosen)
 * closed the main menu: the focus goes back to the menu button and no key
 * reaches the window until the menu is opened again with the mouse.
 * Moving the focus away after the close (back to where it was, else
 * nowhere) gives the keys back. It must wait for an idle: GTK is still
 * closing the popover when "closed" runs. */
static void
main_menu_closed_cb (GtkPopover *popover,
                     FmWindow   *self)
{
  g_idle_add (restore_focus_after_menu, g_object_ref (self));
}

void
fm_window_open_model (FmWindow *self,
                      GFile    *file)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  fm_bench_live_open ();

  set_busy (self, TRUE);
  if (self->model == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "loading");
  _fm_window_load_model_async (self, file, self->load_cancellable, load_model_done);
}

/* ---- lifecycle -------------------------------------------------------------- */

static gboolean
fm_window_close_request (GtkWindow *window)
{
  FmWindow *self = FM_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  _fm_window_save_last_input (self);
  g_cancellable_cancel (self->load_cancellable);
  fm_worker_shutdown (self->worker);
  _fm_window_compare_shutdown (self);
  fm_bench_live_report ();

  return GTK_WINDOW_CLASS (fm_window_parent_class)->close_request (window);
}

static void
fm_window_dispose (GObject *object)
{
  FmWindow *self = FM_WINDOW (object);

  keep_last_focus (self, NULL);
  _fm_window_panels_dispose (self);
  if (self->worker != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->worker, self);
      fm_worker_shutdown (self->worker);
      g_clear_object (&self->worker);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->busy_source, g_source_remove);
  g_clear_object (&self->pending_image);
  g_clear_pointer (&self->picture, fm_image_free);
  _fm_window_scan_dispose (self);
  _fm_window_checkpoints_dispose (self);
  _fm_window_compare_dispose (self);
  g_clear_pointer (&self->frame, fm_frame_unref);
  g_clear_pointer (&self->sight, g_free);
  _fm_window_close_input_settings (self);
  _fm_window_grid_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_WINDOW);

  G_OBJECT_CLASS (fm_window_parent_class)->dispose (object);
}

static void
fm_window_finalize (GObject *object)
{
  FmWindow *self = FM_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->model, fm_model_unref);
  g_clear_pointer (&self->layers, g_array_unref);
  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_pointer (&self->zero_labels, g_ptr_array_unref);
  g_clear_pointer (&self->dead_labels, g_ptr_array_unref);
  g_free (self->input);
  g_free (self->input_name);
  g_free (self->last_toast);
  g_free (self->error_detail);
  g_free (self->settings_path);
  g_free (self->next_settings_path);
  g_free (self->input_shape);
  _fm_window_checkpoints_finalize (self);
  _fm_window_compare_finalize (self);

  G_OBJECT_CLASS (fm_window_parent_class)->finalize (object);
}

static void
fm_window_class_init (FmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fm_window_dispose;
  object_class->finalize = fm_window_finalize;
  window_class->close_request = fm_window_close_request;

  g_type_ensure (FM_TYPE_DRAW_PAD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/featuremaps/FeatureMaps/fm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, draw_pad);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, input_caption);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, prediction_box);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, layer_list);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, layers_scroller);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, sections_box);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, input_flap);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, layers_flap);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, key_flow);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, scan_offer);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, view_count);
  _fm_window_scan_class_init (widget_class);
  _fm_window_scan_result_class_init (widget_class);
  _fm_window_checkpoints_class_init (widget_class);
  _fm_window_compare_class_init (widget_class);
  _fm_window_panels_class_init (widget_class);

  gtk_widget_class_bind_template_child_full (widget_class, "recent_menu", FALSE,
                                             G_STRUCT_OFFSET (FmWindow, recent_menu));
  _fm_window_actions_class_init (widget_class);
}

static void
fm_window_init (FmWindow *self)
{
  g_autoptr(GAction) all_nodes = NULL;
  GSimpleActionGroup *group;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_changed_cb), self);
  fm_focus_keeper_attach (GTK_WINDOW (self));
  g_signal_connect (gtk_menu_button_get_popover (self->menu_button), "closed",
                    G_CALLBACK (main_menu_closed_cb), self);

  self->settings = g_settings_new (APP_ID);
  self->sections = g_ptr_array_new ();
  self->zero_labels = g_ptr_array_new ();
  self->dead_labels = g_ptr_array_new ();
  self->selected = -1;
  self->tile_wanted_layer = -1;
  self->input_name = g_strdup (_("canvas"));
  read_view_options (self);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* A stateful toggle bound to GSettings, in the window's action group. */
  group = g_simple_action_group_new ();
  all_nodes = g_settings_create_action (self->settings, "show-all-nodes");
  g_action_map_add_action (G_ACTION_MAP (group), all_nodes);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "view", G_ACTION_GROUP (group));
  g_object_unref (group);

  self->worker = fm_worker_new ();
  g_signal_connect (self->worker, "result", G_CALLBACK (worker_result_cb), self);
  g_signal_connect (self->worker, "error", G_CALLBACK (worker_error_cb), self);
  g_signal_connect (self->settings, "changed", G_CALLBACK (settings_changed_cb), self);
  _fm_window_compare_init (self);
  _fm_window_input_init (self);
  _fm_window_grid_init (self);
  _fm_window_update_recent_menu (self);
  _fm_window_dnd_init (self);
  _fm_window_panels_init (self);

  set_busy (self, FALSE);
  /* Until a model is asked for (fm_window_open_model () shows "loading"):
   * with no bundled model found, the window offers Open. */
  gtk_stack_set_visible_child_name (self->content_stack, "no-model");
  _fm_window_scan_init (self);
  _fm_window_checkpoints_init (self);
  update_model_actions (self);
}

FmWindow *
fm_window_new (AdwApplication *application)
{
  return g_object_new (FM_TYPE_WINDOW, "application", application, NULL);
}

FmModel *
fm_window_get_model (FmWindow *self)
{
  return self->model;
}

FmDrawPad *
fm_window_get_draw_pad (FmWindow *self)
{
  return self->draw_pad;
}

FmFrame *
fm_window_get_frame (FmWindow *self)
{
  return self->frame;
}

const char *
fm_window_get_error_detail (FmWindow *self)
{
  return self->error_detail;
}

guint
fm_window_get_n_frames (FmWindow *self)
{
  return self->n_frames;
}

guint
fm_window_get_needed_nodes (FmWindow *self)
{
  return fm_worker_get_needed (self->worker);
}

const char *
fm_window_get_last_toast (FmWindow *self)
{
  return self->last_toast;
}
