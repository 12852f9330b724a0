/* fm-tile-detail.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The detail of one channel: its map enlarged (the same fm_tile_render as
 * the tiles) with the value under the pointer, and under it the colour bar
 * (fm_legend_render) with the colormap and the range the map is drawn
 * with; min, max, mean and the share of active cells; for a channel
 * computed from a Conv or Gemm, its largest pre-activation and its bias;
 * and for an all-zero map a sentence that explains it in those terms.
 * After a dataset scan it also says how many images the channel fires on,
 * the scan's diagnosis and remedies for a dead one, and shows the images
 * that excite it most (read back from the dataset in a thread); activating
 * one loads it into the main window's canvas. Previous and Next (header
 * bar, Page Up / Page Down, Alt+Left / Alt+Right) move to the neighbouring
 * channels of the same layer, in the order the grid shows them
 * (fm_tile_detail_set_order), and refresh all of it; the window follows
 * the "channel" property with the grid's focus. Export Channel…
 * (Ctrl+E) writes the channel's card (fm-card.h) as PDF, SVG or PNG, in a
 * thread. It keeps the frame it was opened on, so later strokes do not
 * change what it explains.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fm-focus-keeper.h"
#include "fm-tile-detail-private.h"
#include "fm-card.h"
#include "fm-file-chooser.h"
#include "fm-tile-render.h"
#include "fm-window.h"

G_DEFINE_FINAL_TYPE (FmTileDetail, fm_tile_detail, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const float *
channel_map (FmTileDetail *self)
{
  return fm_frame_data (self->frame, self->layer) + (gsize) self->channel * self->height * self->width;
}

static void
map_draw (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  FmTileDetail *self = user_data;
  FmTileStyle style = { 0 };
  double side = MIN (width, height);

  if (self->frame == NULL)
    return;
  style.colormap = self->options.colormap;
  style.vmin = self->vmin;
  style.vmax = self->vmax;
  style.all_zero = self->frame->stats[self->layer][self->channel].all_zero;
  style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  style.device_scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  fm_tile_render (cr, channel_map (self), self->height, self->width, side, side, &style);
}

/* The colour bar, as wide as the map (the template gives both 320). */
static void
legend_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  FmTileDetail *self = user_data;

  if (self->frame == NULL)
    return;
  fm_legend_render (cr, self->options.colormap, self->vmin, self->vmax, width, height,
                    adw_style_manager_get_dark (adw_style_manager_get_default ()));
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           FmTileDetail             *self)
{
  double side = MIN (gtk_widget_get_width (GTK_WIDGET (self->map_area)),
                     gtk_widget_get_height (GTK_WIDGET (self->map_area)));
  int col = (int) floor (x / side * self->width);
  int row = (int) floor (y / side * self->height);
  g_autofree char *text = NULL;

  if (self->frame == NULL || col < 0 || row < 0 || col >= self->width || row >= self->height)
    return;
  /* Translators: row, column and the activation value there */
  text = g_strdup_printf (_("Row %d, column %d: %.4f"), row, col,
                          channel_map (self)[(gsize) row * self->width + col]);
  gtk_label_set_text (self->hover_label, text);
}

/* The statistics rows, in the order they are shown. */
static const char * const stat_keys[] = {
  "min", "max", "mean", "active", "pre-activation", "bias", "fires-on", "apoz", "top-classes",
  "dataset-pre-activation",
};

static guint
stat_order (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (stat_keys); i++)
    if (g_str_equal (stat_keys[i], key))
      return i;
  g_return_val_if_reached (G_N_ELEMENTS (stat_keys));
}

static GtkWidget *
find_stat_row (FmTileDetail *self,
               const char   *key)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->stats_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_str_equal (gtk_widget_get_name (row), key))
      return row;
  return NULL;
}

/* Shows the statistics row @key (its name for fm_tile_detail_get_stat ())
 * with @value. Rows are made once and then updated in place, so moving to
 * another channel keeps the keyboard focus where it was. */
static void
add_stat (FmTileDetail *self,
          const char   *key,
          const char   *title,
          const char   *value)
{
  GtkWidget *row = find_stat_row (self, key);
  GtkWidget *label;

  if (row == NULL)
    {
      int position = 0;

      for (GtkWidget *r = gtk_widget_get_first_child (GTK_WIDGET (self->stats_list));
           r != NULL; r = gtk_widget_get_next_sibling (r))
        position += stat_order (gtk_widget_get_name (r)) < stat_order (key);
      row = adw_action_row_new ();
      label = gtk_label_new (NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_widget_set_name (row, key);
      gtk_widget_add_css_class (label, "numeric");
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      g_object_set_data (G_OBJECT (row), "fm-value", label);
      gtk_list_box_insert (self->stats_list, row, position);
    }
  label = g_object_get_data (G_OBJECT (row), "fm-value");
  gtk_label_set_text (GTK_LABEL (label), value);
  gtk_widget_set_visible (row, TRUE);
}

static void
add_number (FmTileDetail *self,
            const char   *key,
            const char   *title,
            double        value)
{
  g_autofree char *text = g_strdup_printf ("%.4f", value);

  add_stat (self, key, title, text);
}

static void
parent_destroy_cb (GtkWidget    *parent,
                   FmTileDetail *self)
{
  /* Its canvas is gone: nothing left to load the images into. */
  g_signal_handlers_disconnect_by_func (parent, parent_destroy_cb, self);
  g_clear_weak_pointer (&self->parent);
  gtk_widget_set_sensitive (GTK_WIDGET (self->top_flow), FALSE);
}

static void
top_activated_cb (GtkFlowBox      *flow,
                  GtkFlowBoxChild *child,
                  FmTileDetail    *self)
{
  int index = gtk_flow_box_child_get_index (child);
  const TopItem *item;

  if (index < 0 || (guint) index >= self->top_items->len)
    return;
  item = g_ptr_array_index (self->top_items, index);
  if (self->parent == NULL || !FM_IS_WINDOW (self->parent) ||
      gtk_widget_in_destruction (GTK_WIDGET (self->parent)))
    return;
  fm_window_load_image (FM_WINDOW (self->parent), item->image, item->name);
}

/* The channel before (@step -1) or after (+1) the one shown, in the
 * grid's order; by number without one, or for a channel it leaves out.
 * FALSE at the ends. */
static gboolean
neighbour (FmTileDetail *self,
           int           step,
           guint        *channel)
{
  for (guint k = 0; self->order != NULL && k < self->order->len; k++)
    if (g_array_index (self->order, guint, k) == self->channel)
      {
        if (step < 0 ? k == 0 : k + 1 >= self->order->len)
          return FALSE;
        *channel = g_array_index (self->order, guint, k + step);
        return TRUE;
      }
  if (step < 0 ? self->channel == 0 : self->channel + 1 >= self->channels)
    return FALSE;
  *channel = self->channel + step;
  return TRUE;
}

static void
step_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  FmTileDetail *self = FM_TILE_DETAIL (widget);
  guint channel;

  if (neighbour (self, g_str_equal (name, "detail.previous") ? -1 : 1, &channel))
    fm_tile_detail_set_channel (self, channel);
}

/* Page Up and Alt+Left (or Page Down and Alt+Right), also on the keypad.
 * Handled before the focused widget sees them, so that they mean the same
 * wherever the focus is (Page Up would otherwise scroll the details when
 * they do not fit); plain Left and Right stay for moving the focus and the
 * text cursor. */
static void
add_step_shortcut (GtkShortcutController *controller,
                   guint                  page_key,
                   guint                  kp_page_key,
                   guint                  arrow_key,
                   guint                  kp_arrow_key,
                   const char            *action)
{
  GtkShortcutTrigger *pages, *arrows;

  pages = gtk_alternative_trigger_new (gtk_keyval_trigger_new (page_key, 0),
                                       gtk_keyval_trigger_new (kp_page_key, 0));
  arrows = gtk_alternative_trigger_new (gtk_keyval_trigger_new (arrow_key, GDK_ALT_MASK),
                                        gtk_keyval_trigger_new (kp_arrow_key, GDK_ALT_MASK));
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_alternative_trigger_new (pages, arrows),
                                                          gtk_named_action_new (action)));
}

/* ---- Export Channel… (the card) ------------------------------------------- */

typedef struct
{
  FmFrame        *frame;
  FmScanResult   *scan;      /* or NULL */
  FmCardSpec      spec;
  FmPreprocess    pp;        /* the window's, which the scan shown was made with */
  char           *friendly;
  char           *path;
  FmTopImage      tops[FM_SCAN_MAX_TOP_K];
} CardJob;

static void
card_job_free (CardJob *job)
{
  fm_top_images_clear (job->tops, job->spec.n_tops);
  fm_frame_unref (job->frame);
  g_clear_pointer (&job->scan, fm_scan_result_unref);
  g_free (job->friendly);
  g_free (job->path);
  g_free (job);
}

static void
card_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CardJob *job = task_data;
  GError *error = NULL;

  if (job->scan != NULL)
    {
      g_autofree char *name = g_filename_display_basename (job->scan->dataset_path);

      if (!fm_card_fetch_tops (job->frame->model, job->scan, name, job->spec.scan_layer,
                               job->spec.channel, &job->pp, 1, job->tops, &job->spec.n_tops,
                               &job->spec.input_h, &job->spec.input_w, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      job->spec.scan = job->scan;
      job->spec.tops = job->tops;
    }
  if (fm_card_write (&job->spec, job->path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
card_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(FmTileDetail) self = user_data;
  CardJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (res), &error))
    {
      g_autoptr(GFile) file = g_file_new_for_path (job->path);

      if (self->parent != NULL && FM_IS_WINDOW (self->parent))
        fm_window_show_exported (FM_WINDOW (self->parent), file);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           !gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  _("Could Not Export the Channel"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
card_chosen_cb (GFile    *file,
                gpointer  user_data)
{
  FmTileDetail *self = user_data;
  const FmLayer *l = fm_frame_layer (self->frame, self->layer);
  g_autoptr(GTask) task = NULL;
  CardJob *job;

  job = g_new0 (CardJob, 1);
  job->path = g_file_get_path (file);
  if (job->path == NULL)
    {
      card_job_free (job);
      return;
    }
  job->frame = fm_frame_ref (self->frame);
  job->friendly = fm_layer_friendly_name (self->frame->model->values[l->value_id].name,
                                          fm_op_type_name (self->frame->model->nodes[l->node].op));
  job->spec.model = self->frame->model;
  job->spec.entry = l;
  job->spec.friendly = job->friendly;
  job->spec.channel = self->channel;
  job->spec.input_name = _("the window's input");
  job->spec.map = channel_map (self);
  job->spec.stats = self->frame->stats[self->layer][self->channel];
  job->spec.vmin = self->vmin;
  job->spec.vmax = self->vmax;
  job->spec.colormap = self->options.colormap;
  if (self->scan != NULL && self->parent != NULL && FM_IS_WINDOW (self->parent))
    {
      job->scan = fm_scan_result_ref (self->scan);
      job->spec.scan_layer = (guint) self->scan_layer;
      job->pp = *fm_window_get_preprocess (FM_WINDOW (self->parent));
    }
  task = g_task_new (NULL, NULL, card_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) card_job_free);
  g_task_run_in_thread (task, card_thread);
}

static void
export_channel_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  FmTileDetail *self = FM_TILE_DETAIL (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *current = g_strdup_printf ("channel-%u.pdf", self->channel);

  if (self->frame == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Channel"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  fm_file_chooser_add_filter (chooser, fm_file_filter_new (_("PDF, SVG or PNG"), "*.pdf",
                                                           "*.svg", "*.png", NULL));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), current);
  fm_file_chooser_show (chooser, card_chosen_cb, self);
}

static void
fm_tile_detail_dispose (GObject *object)
{
  FmTileDetail *self = FM_TILE_DETAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->parent != NULL)
    g_signal_handlers_disconnect_by_func (self->parent, parent_destroy_cb, self);
  g_clear_weak_pointer (&self->parent);
  g_clear_pointer (&self->frame, fm_frame_unref);
  g_clear_pointer (&self->scan, fm_scan_result_unref);
  g_clear_pointer (&self->top_items, g_ptr_array_unref);
  g_clear_pointer (&self->order, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_TILE_DETAIL);
  G_OBJECT_CLASS (fm_tile_detail_parent_class)->dispose (object);
}

static void
fm_tile_detail_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FmTileDetail *self = FM_TILE_DETAIL (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_uint (value, self->channel);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fm_tile_detail_class_init (FmTileDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_tile_detail_dispose;
  object_class->get_property = fm_tile_detail_get_property;

  /* The channel shown (fm_tile_detail_set_channel () changes it). */
  properties[PROP_CHANNEL] =
    g_param_spec_uint ("channel", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/featuremaps/FeatureMaps/fm-tile-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, window_title);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, map_area);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, legend_area);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, range_label);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, hover_label);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, stats_list);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, explanation);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, top_box);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, top_title);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, top_flow);
  gtk_widget_class_install_action (widget_class, "detail.previous", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "detail.next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "detail.export-channel", NULL,
                                   export_channel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "detail.export-channel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fm_tile_detail_init (FmTileDetail *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  fm_focus_keeper_attach (GTK_WINDOW (self));
  self->scan_layer = -1;
  self->top_items = g_ptr_array_new_with_free_func ((GDestroyNotify) _fm_tile_detail_top_item_free);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->map_area), motion);
  gtk_drawing_area_set_draw_func (self->map_area, map_draw, self, NULL);
  gtk_drawing_area_set_draw_func (self->legend_area, legend_draw, self, NULL);
  g_signal_connect (self->top_flow, "child-activated", G_CALLBACK (top_activated_cb), self);

  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  add_step_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Page_Up, GDK_KEY_KP_Page_Up,
                     GDK_KEY_Left, GDK_KEY_KP_Left, "detail.previous");
  add_step_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Page_Down, GDK_KEY_KP_Page_Down,
                     GDK_KEY_Right, GDK_KEY_KP_Right, "detail.next");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  /* Export Channel… at the end of the header bar (Ctrl+E). */
  {
    GtkWidget *header = gtk_widget_get_first_child (adw_window_get_content (ADW_WINDOW (self)));
    GtkWidget *button = gtk_button_new_from_icon_name ("document-save-as-symbolic");

    gtk_widget_set_name (button, "export_channel");
    gtk_widget_set_tooltip_text (button, _("Export Channel… (Ctrl+E)"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Export Channel"), -1);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "detail.export-channel");
    if (ADW_IS_HEADER_BAR (header))
      adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
  }
}

/* ---- one channel ------------------------------------------------------- */

static gboolean
has_scan_channel (FmTileDetail *self)
{
  return self->scan != NULL && self->channel < self->scan->layers[self->scan_layer].channels;
}

static void
update_range (FmTileDetail *self)
{
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;
  g_autofree char *scale = NULL;

  fm_view_options_range (&self->options, self->frame, self->layer, (int) self->channel,
                         &self->vmin, &self->vmax);
  lo = g_strdup_printf ("%.4g", (double) self->vmin);
  hi = g_strdup_printf ("%.4g", (double) self->vmax);
  /* Translators: the colour bar's accessible name and tooltip; the values
   * at its two ends */
  scale = g_strdup_printf (_("Colour scale from %s to %s"), lo, hi);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->legend_area), scale);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->legend_area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, scale, -1);
  if (self->options.normalize == FM_NORMALIZE_TILE)
    {
      g_autofree char *own = g_strdup_printf (_("Scaled to this channel’s own range: %s to %s"),
                                              lo, hi);
      gtk_label_set_text (self->range_label, own);
      gtk_widget_set_visible (GTK_WIDGET (self->range_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->range_label), FALSE);
}

/* After a scan: APoZ and, with labels, the classes it fires for most. */
static void
add_scan_measures (FmTileDetail *self)
{
  g_autofree char *classes = fm_scan_result_top_classes_text (self->scan, self->scan_layer,
                                                               self->channel, 3);
  g_autofree char *apoz = fm_scan_result_apoz_text (self->scan, self->scan_layer, self->channel);

  if (apoz != NULL)
    /* Translators: "Average Percentage of Zeros" (Hu et al. 2016); keep APoZ */
    add_stat (self, "apoz", _("APoZ"), apoz);
  if (classes != NULL)
    {
      /* lines break between classes and words, not inside "7: 41.2 %"
       * (no-break spaces after the class and before the per cent sign) */
      GString *text = g_string_new (classes);
      g_autofree char *value = NULL;
      GtkLabel *label;

      g_string_replace (text, ": ", ":\u00a0", 0);
      g_string_replace (text, " %", "\u00a0%", 0);
      value = g_string_free (text, FALSE);
      /* Translators: the classes it fires on most, "7: 41.2 % · 1: 38.0 %" (class: share of
         its images) */
      add_stat (self, "top-classes", _("Fires most for"), value);
      /* a long list wraps rather than squeezing the title letter by letter */
      label = g_object_get_data (G_OBJECT (find_stat_row (self, "top-classes")), "fm-value");
      gtk_label_set_wrap (label, TRUE);
      gtk_label_set_width_chars (label, 24);
      gtk_label_set_max_width_chars (label, 28);
      gtk_label_set_justify (label, GTK_JUSTIFY_RIGHT);
      gtk_label_set_xalign (label, 1.0f);
    }
}

static void
update_stats (FmTileDetail *self)
{
  const FmLayer *l = fm_frame_layer (self->frame, self->layer);
  const FmChannelStats *st = &self->frame->stats[self->layer][self->channel];
  float pre = fm_frame_pre_max (self->frame, self->layer, self->channel);
  g_autofree char *share = g_strdup_printf ("%.1f %%", 100.0 * st->active_share);
  /* Hidden unless this channel has them (below). */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->stats_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    gtk_widget_set_visible (row, FALSE);

  add_number (self, "min", _("Minimum"), st->min);
  add_number (self, "max", _("Maximum"), st->max);
  add_number (self, "mean", _("Mean"), st->mean);
  add_stat (self, "active", _("Active cells"), share);
  if (l->pre_value_id >= 0 && !isnan (pre))
    add_number (self, "pre-activation", _("Largest pre-activation"), pre);
  if (l->bias_value_id >= 0)
    add_number (self, "bias", _("Bias"), fm_layer_bias (self->frame->model, l, self->channel));

  if (has_scan_channel (self))
    {
      const FmScanLayer *sl = &self->scan->layers[self->scan_layer];
      g_autofree char *fired = g_strdup_printf ("%'" G_GUINT64_FORMAT,
                                                sl->fire_count[self->channel]);
      g_autofree char *images = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->scan->images);
      g_autofree char *value = g_strdup_printf (_("%s of %s images%s"), fired, images,
                                                self->scan->partial ? _(" (partial scan)") : "");

      add_stat (self, "fires-on", _("Fires on"), value);
      add_scan_measures (self);
      if (sl->pre_activation_max != NULL)
        add_number (self, "dataset-pre-activation", _("Largest pre-activation over the dataset"),
                    sl->pre_activation_max[self->channel]);
    }
}

static char *
explain (FmTileDetail *self)
{
  const FmLayer *l = fm_frame_layer (self->frame, self->layer);
  const FmChannelStats *st = &self->frame->stats[self->layer][self->channel];
  float pre = fm_frame_pre_max (self->frame, self->layer, self->channel);
  gboolean has_pre = l->pre_value_id >= 0 && !isnan (pre);

  if (has_scan_channel (self) &&
      self->scan->layers[self->scan_layer].fire_count[self->channel] == 0)
    {
      /* The dataset has spoken: the scan's diagnosis replaces the guess. */
      return fm_scan_result_explain (self->scan, self->scan_layer, self->channel);
    }
  else if (has_scan_channel (self))
    {
      g_autofree char *here = NULL;
      g_autofree char *over = fm_scan_result_explain (self->scan, self->scan_layer, self->channel);

      if (st->all_zero)
        here = fm_layer_explain_zero (self->frame->model, l, self->channel, pre, has_pre);
      else
        here = g_strdup_printf (_("This channel is active on %.1f %% of the positions for this "
                                  "input."), 100.0 * st->active_share);
      return g_strconcat (here, "\n\n", over, NULL);
    }
  else if (st->all_zero)
    {
      g_autofree char *why = fm_layer_explain_zero (self->frame->model, l, self->channel, pre,
                                                    has_pre);
      /* Until a dataset scan says otherwise, one zero input proves nothing. */
      return g_strconcat (why, " ",
                          _("Zero for one input is normal: the channel’s pattern may simply be "
                            "absent here. Only a channel that is zero for every input of a "
                            "dataset is dead."), NULL);
    }
  return g_strdup_printf (_("This channel is active on %.1f %% of the positions for this "
                            "input."), 100.0 * st->active_share);
}

/* Previous and Next work where there is a channel to go to. */
static void
update_steps (FmTileDetail *self)
{
  guint other;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.previous",
                                 neighbour (self, -1, &other));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.next", neighbour (self, 1, &other));
}

/* Everything that depends on the channel: title, map, colour bar, range,
 * statistics, explanation, scan diagnosis and top images. */
static void
show_channel (FmTileDetail *self)
{
  g_autofree char *title = g_strdup_printf (_("Channel %u"), self->channel);
  g_autofree char *text = NULL;

  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  update_steps (self);

  update_range (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->map_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->legend_area));
  /* The value under the pointer was the previous channel's. */
  gtk_label_set_text (self->hover_label, _("Point at a cell to see its value."));

  update_stats (self);
  text = explain (self);
  gtk_label_set_text (self->explanation, text);
  _fm_tile_detail_load_top_images (self);
}

GtkWindow *
fm_tile_detail_new (GtkWindow           *parent,
                    FmFrame             *frame,
                    guint                layer,
                    guint                channel,
                    const FmViewOptions *options,
                    FmScanResult        *scan,
                    int                  scan_layer)
{
  FmTileDetail *self = g_object_new (FM_TYPE_TILE_DETAIL, "transient-for", parent, NULL);
  const FmLayer *l = fm_frame_layer (frame, layer);

  if (parent != NULL)
    {
      g_set_weak_pointer (&self->parent, parent);
      g_signal_connect (parent, "destroy", G_CALLBACK (parent_destroy_cb), self);
    }
  self->frame = fm_frame_ref (frame);
  self->layer = layer;
  self->channels = fm_layer_channels (frame->model, l);
  self->channel = MIN (channel, self->channels - 1);
  self->options = *options;
  self->height = (int) l->height;
  self->width = (int) l->width;

  if (scan != NULL && scan_layer >= 0 && (guint) scan_layer < scan->n_layers)
    {
      g_autofree char *dataset = g_filename_display_basename (scan->dataset_path);
      g_autofree char *heading = g_strdup_printf (_("Images of %s that excite it most"),
                                                  dataset);

      self->scan = fm_scan_result_ref (scan);
      self->scan_layer = scan_layer;
      gtk_label_set_text (self->top_title, heading);
    }
  {
    g_auto(GStrv) names = NULL;

    /* The layer as the grid names it; its tensor (what --layer takes) on
     * hover. The layer stays; Next and Previous change the channel. */
    fm_layers_friendly_names (frame->model, frame->layers, &names);
    adw_window_title_set_subtitle (self->window_title, names[layer]);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title),
                                 frame->model->values[l->value_id].name);
  }
  show_channel (self);
  return GTK_WINDOW (self);
}

guint
fm_tile_detail_get_channel (FmTileDetail *self)
{
  g_return_val_if_fail (FM_IS_TILE_DETAIL (self), 0);

  return self->channel;
}

guint
fm_tile_detail_get_layer (FmTileDetail *self)
{
  g_return_val_if_fail (FM_IS_TILE_DETAIL (self), 0);

  return self->layer;
}

FmFrame *
fm_tile_detail_get_frame (FmTileDetail *self)
{
  g_return_val_if_fail (FM_IS_TILE_DETAIL (self), NULL);

  return self->frame;
}

void
fm_tile_detail_set_channel (FmTileDetail *self,
                            guint         channel)
{
  g_return_if_fail (FM_IS_TILE_DETAIL (self));
  g_return_if_fail (self->frame != NULL);
  g_return_if_fail (channel < self->channels);

  if (channel == self->channel)
    return;
  self->channel = channel;
  show_channel (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNEL]);
}

void
fm_tile_detail_set_order (FmTileDetail *self,
                          GArray       *order)
{
  g_return_if_fail (FM_IS_TILE_DETAIL (self));

  g_clear_pointer (&self->order, g_array_unref);
  if (order != NULL)
    self->order = g_array_ref (order);
  update_steps (self);
}

const char *
fm_tile_detail_get_explanation (FmTileDetail *self)
{
  return gtk_label_get_text (self->explanation);
}

guint
fm_tile_detail_get_n_top_images (FmTileDetail *self)
{
  return self->top_items->len;
}

const char *
fm_tile_detail_get_stat (FmTileDetail *self,
                         const char   *key)
{
  GtkWidget *row;

  g_return_val_if_fail (FM_IS_TILE_DETAIL (self), NULL);

  row = find_stat_row (self, key);
  if (row == NULL || !gtk_widget_get_visible (row))
    return NULL;
  return gtk_label_get_text (g_object_get_data (G_OBJECT (row), "fm-value"));
}

const char *
fm_tile_detail_get_range_text (FmTileDetail *self)
{
  g_return_val_if_fail (FM_IS_TILE_DETAIL (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->range_label))
    ? gtk_label_get_text (self->range_label) : NULL;
}

GtkWidget *
fm_tile_detail_get_legend (FmTileDetail *self)
{
  g_return_val_if_fail (FM_IS_TILE_DETAIL (self), NULL);

  return GTK_WIDGET (self->legend_area);
}

GtkWidget *
fm_tile_detail_get_top_image (FmTileDetail *self,
                              guint         index)
{
  g_return_val_if_fail (FM_IS_TILE_DETAIL (self), NULL);

  if (index >= self->top_items->len)
    return NULL;
  return GTK_WIDGET (gtk_flow_box_get_child_at_index (self->top_flow, (int) index));
}
