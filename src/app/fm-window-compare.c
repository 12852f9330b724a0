/* fm-window-compare.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Compare With…: a second model B beside the window's model A, on the same
 * input. B is loaded off the main thread as Open Model loads A, refused
 * when its input has another shape, and run by a second FmWorker (latest
 * input wins, as for A) fed the canvas through B's own input settings on
 * every submit. The layers are paired by fm_compare_match_layers () (by
 * tensor name, else in order among layers of the same maps); each paired
 * section shows both models' tiles (fm_layer_section_set_compare ()), A's
 * unpaired layers are hidden and both sides' unpaired layers are named in
 * the banner, which also has the difference view and Stop Comparing
 * (Escape). Leaving compare mode gives back the single view, input kept.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fm-compare.h"
#include "fm-file-chooser.h"
#include "fm-window-private.h"
#include "fm-wrap-label.h"

/* ---- B's live results ------------------------------------------------------- */

/* pair_layers () set each section: a section of A's that is not in
 * compare mode has no partner. */
gboolean
_fm_window_compare_hides (FmWindow *self,
                          guint     layer)
{
  return self->model_b != NULL &&
         !fm_layer_section_get_compare (g_ptr_array_index (self->sections, layer));
}

static void
apply_frame_b (FmWindow *self)
{
  for (guint i = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);

      if (fm_layer_section_get_compare (section))
        fm_layer_section_set_compare_frame (section, self->frame_b);
    }
}

static void
worker_b_result_cb (FmWorker       *worker,
                    FmWorkerResult *result,
                    FmWindow       *self)
{
  float epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");

  if (self->model_b == NULL || fm_worker_result_get_model (result) != self->model_b)
    return;
  g_clear_pointer (&self->frame_b, fm_frame_unref);
  self->frame_b = fm_frame_new (result, self->layers_b, epsilon, NULL);
  self->n_frames_b++;
  apply_frame_b (self);
}

static void
worker_b_error_cb (FmWorker     *worker,
                   const GError *error,
                   FmWindow     *self)
{
  _fm_window_toast (self, error->message);
}

void
_fm_window_compare_submit (FmWindow    *self,
                           const float *pixels)
{
  /* A model of another input shape is on its way in: the canvas no
   * longer fits B (_fm_window_compare_layers_rebuilt () stops). */
  if (self->model_b == NULL || self->pp.channels != self->pp_b.channels ||
      self->pp.height != self->pp_b.height || self->pp.width != self->pp_b.width)
    return;
  fm_preprocess_canvas_to_tensor (&self->pp_b, pixels, self->input_b);
  fm_worker_submit (self->worker_b, self->input_b, self->input_len);
}

/* B's statistics for B's layers and the zero threshold of now; B's frame
 * on screen made again under them. */
void
_fm_window_compare_update_finish (FmWindow *self)
{
  float epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");

  if (self->model_b == NULL)
    return;
  fm_worker_set_finish (self->worker_b, fm_frame_finish_pass,
                        fm_frame_spec_new (self->model_b, self->layers_b, epsilon, NULL),
                        (GBoxedCopyFunc) fm_frame_spec_ref,
                        (GDestroyNotify) fm_frame_spec_unref, fm_frame_stats_release);
  if (self->frame_b != NULL)
    {
      g_autoptr(FmWorkerResult) result = fm_worker_result_ref (self->frame_b->result);

      worker_b_result_cb (self->worker_b, result, self);
    }
}

/* ---- pairing the layers ------------------------------------------------------ */

/* "conv1, conv2 and 3 more": the friendly names of @indices in @names. */
static char *
list_names (GArray *indices,
            char  **names)
{
  GString *text = g_string_new (NULL);
  guint shown = MIN (indices->len, 6);

  for (guint k = 0; k < shown; k++)
    {
      if (k > 0)
        g_string_append (text, ", ");
      g_string_append (text, names[g_array_index (indices, guint, k)]);
    }
  if (indices->len > shown)
    {
      /* Translators: after a list of layer names, e.g. "conv1, conv2 and 3 more" */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " and %u more",
                                                 " and %u more", indices->len - shown),
                              indices->len - shown);
    }
  return g_string_free (text, FALSE);
}

/* Moves the layers of @only_a named as one of @only_b (a pruned copy's,
 * with fewer channels) from both into a new array of A's indices. */
static GArray *
take_same_names (GArray *only_a,
                 GArray *only_b,
                 char  **names_a,
                 char  **names_b)
{
  GArray *both = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < only_a->len;)
    {
      guint a = g_array_index (only_a, guint, i);
      gboolean found = FALSE;

      for (guint j = 0; j < only_b->len && !found; j++)
        if (g_str_equal (names_a[a], names_b[g_array_index (only_b, guint, j)]))
          {
            g_array_remove_index (only_b, j);
            found = TRUE;
          }
      if (found)
        {
          g_array_append_val (both, a);
          g_array_remove_index (only_a, i);
        }
      else
        i++;
    }
  return both;
}

/* The line under the banner's title: the layers that have no partner. */
static void
show_unpaired (FmWindow *self,
               GArray   *only_a,
               GArray   *only_b,
               char    **names_a,
               char    **names_b)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) both = take_same_names (only_a, only_b, names_a, names_b);

  if (both->len > 0)
    {
      g_autofree char *list = list_names (both, names_a);
      /* Translators: layers of the same name in models A and B whose maps
       * differ in channels, height or width (a pruned copy's), so that
       * they are not compared */
      g_string_append_printf (text, _("Not the same maps in A and B: %s"), list);
    }
  if (only_a->len > 0)
    {
      g_autofree char *list = list_names (only_a, names_a);

      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: layers of model A that model B has no partner for */
      g_string_append_printf (text, _("Only in A: %s"), list);
    }
  if (only_b->len > 0)
    {
      g_autofree char *list = list_names (only_b, names_b);

      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: layers of model B that model A has no partner for */
      g_string_append_printf (text, _("Only in B: %s"), list);
    }
  if (text->len == 0)
    g_string_append (text, _("Every layer has a partner in the other model."));
  gtk_label_set_text (self->compare_only_label, text->str);
}

/* Pairs the layers of A (as listed now) and B, and sets every section and
 * sidebar row: paired ones compare, the others hide. */
static void
pair_layers (FmWindow *self)
{
  g_autoptr(GArray) only_a = NULL;
  g_autoptr(GArray) only_b = NULL;
  g_auto(GStrv) names_a = NULL;
  g_auto(GStrv) names_b = NULL;
  gboolean diff = gtk_toggle_button_get_active (self->compare_diff_toggle);

  g_clear_pointer (&self->frame_b, fm_frame_unref);
  g_clear_pointer (&self->layers_b, g_array_unref);
  g_clear_pointer (&self->compare_matches, g_array_unref);
  self->layers_b = fm_layers_list (self->model_b,
                                   !g_settings_get_boolean (self->settings, "show-all-nodes"));
  self->compare_matches = fm_compare_match_layers (self->model, self->layers, self->model_b,
                                                   self->layers_b, &only_a, &only_b);
  fm_layers_friendly_names (self->model, self->layers, &names_a);
  fm_layers_friendly_names (self->model_b, self->layers_b, &names_b);
  /* The pairs come in A's order. */
  for (guint i = 0, k = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->layer_list, (int) i + 1);
      const FmLayerMatch *m = k < self->compare_matches->len
                              ? &g_array_index (self->compare_matches, FmLayerMatch, k) : NULL;
      gboolean paired = m != NULL && m->a == i;

      if (paired)
        {
          fm_layer_section_set_compare (section, TRUE, m->b, names_b[m->b]);
          fm_layer_section_set_show_difference (section, diff);
          k++;
        }
      else
        fm_layer_section_set_compare (section, FALSE, 0, NULL);
      if (row != NULL)
        gtk_widget_set_visible (GTK_WIDGET (row), paired);
    }
  show_unpaired (self, only_a, only_b, names_a, names_b);
  _fm_window_compare_update_finish (self);
}

/* ---- starting and stopping ----------------------------------------------------- */

static void
update_compare_actions (FmWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare", self->model != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop-comparing", self->model_b != NULL);
}

void
fm_window_stop_comparing (FmWindow *self)
{
  if (self->model_b == NULL)
    return;
  g_cancellable_cancel (self->compare_cancellable);
  fm_worker_set_finish (self->worker_b, NULL, NULL, NULL, NULL, NULL);
  fm_worker_set_model (self->worker_b, NULL, NULL);
  g_clear_pointer (&self->model_b, fm_model_unref);
  g_clear_pointer (&self->frame_b, fm_frame_unref);
  g_clear_pointer (&self->layers_b, g_array_unref);
  g_clear_pointer (&self->compare_matches, g_array_unref);
  g_clear_pointer (&self->input_b, g_free);
  for (guint i = 0; i < self->sections->len; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->layer_list, (int) i + 1);

      fm_layer_section_set_compare (g_ptr_array_index (self->sections, i), FALSE, 0, NULL);
      if (row != NULL)
        gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
    }
  gtk_revealer_set_reveal_child (self->compare_revealer, FALSE);
  gtk_widget_set_visible (self->key_differs, FALSE);
  _fm_window_show_selected (self);
  update_compare_actions (self);
}

/* The model A's layers were listed anew (a new model, Show Every Node, a
 * new tile size): pair them again, or stop when B no longer fits A. */
void
_fm_window_compare_layers_rebuilt (FmWindow *self)
{
  const FmShape *a, *b;

  update_compare_actions (self);
  if (self->model_b == NULL)
    return;
  a = &self->model->values[self->model->inputs[0]].shape;
  b = &self->model_b->values[self->model_b->inputs[0]].shape;
  if (!fm_shape_equal (a, b) || self->pp.channels != self->pp_b.channels ||
      self->pp.height != self->pp_b.height || self->pp.width != self->pp_b.width)
    {
      _fm_window_toast (self, _("Stopped comparing: the model opened takes another input shape "
                                "than the model compared with"));
      fm_window_stop_comparing (self);
      return;
    }
  pair_layers (self);
  _fm_window_show_selected (self);
  _fm_window_submit_input (self);
}

static void
show_banner (FmWindow *self)
{
  g_autofree char *name_a = g_filename_display_basename (self->model->path);
  g_autofree char *name_b = g_filename_display_basename (self->model_b->path);
  /* Translators: the compare banner: "Comparing mnist-cnn.onnx with mnist-cnn-dying.onnx" */
  g_autofree char *text = g_strdup_printf (_("Comparing %s (A) with %s (B)"), name_a, name_b);

  gtk_label_set_text (self->compare_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_label), self->model_b->path);
  gtk_revealer_set_reveal_child (self->compare_revealer, TRUE);
  gtk_widget_set_visible (self->key_differs, TRUE);
}

/* Whether a layer of @model has the maps of a layer of the window's model:
 * else there is nothing to compare. */
static gboolean
has_a_pair (FmWindow *self,
            FmModel  *model)
{
  g_autoptr(GArray) layers = fm_layers_list (model, !g_settings_get_boolean (self->settings,
                                                                             "show-all-nodes"));
  g_autoptr(GArray) matches = fm_compare_match_layers (self->model, self->layers, model, layers,
                                                       NULL, NULL);

  return matches->len > 0;
}

/* B as the model compared with: FALSE, and nothing changes, when it
 * cannot be. */
static gboolean
set_model_b (FmWindow   *self,
             FmModel    *model,
             const char *settings_path,
             GError    **error)
{
  const FmShape *a = &self->model->values[self->model->inputs[0]].shape;
  const FmShape *b = &model->values[model->inputs[0]].shape;
  FmPreprocess pp;
  gboolean kept;

  if (model->n_inputs != 1 || !fm_shape_equal (a, b))
    {
      g_autofree char *shape_a = fm_shape_to_string (a);
      g_autofree char *shape_b = model->n_inputs > 0 ? fm_shape_to_string (b)
                                                     : g_strdup (_("no input"));
      g_autofree char *name_a = g_filename_display_basename (self->model->path);
      g_autofree char *name_b = g_filename_display_basename (model->path);

      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   /* Translators: "Cannot compare: mnist-cnn.onnx takes an input of
                      [1, 1, 28, 28] and resnet18.onnx one of [1, 3, 224, 224]; both
                      models must take the same input." */
                   _("Cannot compare: %s takes an input of %s and %s one of %s; both models "
                     "must take the same input."), name_a, shape_a, name_b, shape_b);
      return FALSE;
    }
  if (!_fm_window_model_input_settings (self, model, settings_path, &pp, &kept, error))
    return FALSE;
  if (pp.channels != self->pp.channels || pp.height != self->pp.height ||
      pp.width != self->pp.width)
    {
      g_autofree char *name_b = g_filename_display_basename (model->path);

      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   /* Translators: %s is the model compared with */
                   _("Cannot compare: the input settings kept for %s read another picture "
                     "size than the model shown."), name_b);
      return FALSE;
    }
  if (!has_a_pair (self, model))
    {
      g_autofree char *name_a = g_filename_display_basename (self->model->path);
      g_autofree char *name_b = g_filename_display_basename (model->path);

      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   /* Translators: no layer of the two models has the same maps */
                   _("Cannot compare: no layer of %s has the same maps (channels, height and "
                     "width) as a layer of %s."), name_a, name_b);
      return FALSE;
    }
  if (!fm_worker_set_model (self->worker_b, model, error))
    return FALSE;
  fm_worker_set_finish (self->worker_b, NULL, NULL, NULL, NULL, NULL);
  g_clear_pointer (&self->model_b, fm_model_unref);
  self->model_b = fm_model_ref (model);
  self->pp_b = pp;
  g_free (self->input_b);
  self->input_b = g_new0 (float, self->input_len);
  return TRUE;
}

static void
compare_load_done (FmWindow *self,
                   FmModel  *model,
                   char     *settings_path_taken,
                   GError   *load_error)
{
  g_autofree char *settings_path = settings_path_taken;
  g_autoptr(GError) error = NULL;

  if (model != NULL && self->model == NULL)
    return;  /* A went away meanwhile */
  if (model == NULL)
    {
      _fm_window_show_error (self, load_error);
      return;
    }
  /* B was read: what keeps it from being compared is said as it is, and a
   * comparison already shown stays. */
  if (!set_model_b (self, model, settings_path, &error))
    {
      _fm_window_toast (self, error->message);
      return;
    }
  show_banner (self);
  pair_layers (self);
  _fm_window_show_selected (self);
  _fm_window_submit_input (self);
  update_compare_actions (self);
}

void
fm_window_compare_with (FmWindow *self,
                        GFile    *file)
{
  g_return_if_fail (self->model != NULL);
  g_cancellable_cancel (self->compare_cancellable);
  g_clear_object (&self->compare_cancellable);
  self->compare_cancellable = g_cancellable_new ();
  _fm_window_load_model_async (self, file, self->compare_cancellable, compare_load_done);
}

static void
compare_chosen_cb (GFile    *file,
                   gpointer  self)
{
  fm_window_compare_with (self, file);
}

static void
compare_action (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  _fm_window_model_chooser (FM_WINDOW (widget), _("Compare With"), compare_chosen_cb);
}

static void
stop_comparing_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  fm_window_stop_comparing (FM_WINDOW (widget));
}

static void
diff_toggled_cb (GtkToggleButton *button,
                 FmWindow        *self)
{
  gboolean diff = gtk_toggle_button_get_active (button);

  for (guint i = 0; i < self->sections->len; i++)
    fm_layer_section_set_show_difference (g_ptr_array_index (self->sections, i), diff);
}

/* ---- set-up ---------------------------------------------------------------------- */

void
_fm_window_compare_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FmWindow, compare_revealer);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, compare_label);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, compare_only_label);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, compare_diff_toggle);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "win.stop-comparing", NULL,
                                   stop_comparing_action);
}

void
_fm_window_compare_init (FmWindow *self)
{
  self->worker_b = fm_worker_new ();
  g_signal_connect (self->worker_b, "result", G_CALLBACK (worker_b_result_cb), self);
  g_signal_connect (self->worker_b, "error", G_CALLBACK (worker_b_error_cb), self);
  g_signal_connect (self->compare_diff_toggle, "toggled", G_CALLBACK (diff_toggled_cb), self);
  /* the models' files and the layers of one only */
  fm_label_keep_names_whole (self->compare_label);
  fm_label_keep_names_whole (self->compare_only_label);
  update_compare_actions (self);
}

void
_fm_window_compare_shutdown (FmWindow *self)
{
  g_cancellable_cancel (self->compare_cancellable);
  if (self->worker_b != NULL)
    fm_worker_shutdown (self->worker_b);
}

void
_fm_window_compare_dispose (FmWindow *self)
{
  if (self->worker_b != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->worker_b, self);
      fm_worker_shutdown (self->worker_b);
      g_clear_object (&self->worker_b);
    }
  g_cancellable_cancel (self->compare_cancellable);
  g_clear_object (&self->compare_cancellable);
  g_clear_pointer (&self->frame_b, fm_frame_unref);
}

void
_fm_window_compare_finalize (FmWindow *self)
{
  g_clear_pointer (&self->model_b, fm_model_unref);
  g_clear_pointer (&self->layers_b, g_array_unref);
  g_clear_pointer (&self->compare_matches, g_array_unref);
  g_free (self->input_b);
}

/* ---- for tests ----------------------------------------------------------------------- */

FmModel *
fm_window_get_compare_model (FmWindow *self)
{
  return self->model_b;
}

FmFrame *
fm_window_get_compare_frame (FmWindow *self)
{
  return self->frame_b;
}

guint
fm_window_get_compare_n_frames (FmWindow *self)
{
  return self->n_frames_b;
}

const float *
fm_window_get_compare_input_tensor (FmWindow *self)
{
  return self->input_b;
}

GtkWidget *
fm_window_get_compare_banner (FmWindow *self)
{
  return GTK_WIDGET (self->compare_revealer);
}

const char *
fm_window_get_compare_unpaired_text (FmWindow *self)
{
  return gtk_label_get_text (self->compare_only_label);
}

void
fm_window_set_compare_difference (FmWindow *self,
                                  gboolean  show)
{
  gtk_toggle_button_set_active (self->compare_diff_toggle, show);
}
