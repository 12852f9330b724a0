/* fm-tile-detail.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The detail of one channel: its map enlarged (the same fm_tile_render as
 * the tiles) with the value under the pointer; min, max, mean and the
 * share of active cells; for a channel computed from a Conv or Gemm, its
 * largest pre-activation and its bias; and for an all-zero map a sentence
 * that explains it in those terms. It keeps the frame it was opened on, so
 * later strokes do not change what it explains.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fm-tile-detail.h"
#include "fm-tile-render.h"

struct _FmTileDetail
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkDrawingArea *map_area;
  GtkLabel       *hover_label;
  GtkListBox     *stats_list;
  GtkLabel       *explanation;

  FmFrame        *frame;
  guint           layer;
  guint           channel;
  FmViewOptions   options;
  int             height;
  int             width;
};

G_DEFINE_FINAL_TYPE (FmTileDetail, fm_tile_detail, ADW_TYPE_WINDOW)

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

  style.colormap = self->options.colormap;
  fm_view_options_range (&self->options, self->frame, self->layer, (int) self->channel,
                         &style.vmin, &style.vmax);
  style.all_zero = self->frame->stats[self->layer][self->channel].all_zero;
  style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  fm_tile_render (cr, channel_map (self), self->height, self->width, side, side, &style);
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

  if (col < 0 || row < 0 || col >= self->width || row >= self->height)
    return;
  /* TRANSLATORS: row, column and the activation value there */
  text = g_strdup_printf (_("Row %d, column %d: %.4f"), row, col,
                          channel_map (self)[(gsize) row * self->width + col]);
  gtk_label_set_text (self->hover_label, text);
}

static void
add_stat (FmTileDetail *self,
          const char   *title,
          const char   *value)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (label, "numeric");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  adw_action_row_add_suffix (row, label);
  gtk_list_box_append (self->stats_list, GTK_WIDGET (row));
}

static void
fm_tile_detail_dispose (GObject *object)
{
  FmTileDetail *self = FM_TILE_DETAIL (object);

  g_clear_pointer (&self->frame, fm_frame_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_TILE_DETAIL);
  G_OBJECT_CLASS (fm_tile_detail_parent_class)->dispose (object);
}

static void
fm_tile_detail_class_init (FmTileDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_tile_detail_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/featuremaps/FeatureMaps/fm-tile-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, window_title);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, map_area);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, hover_label);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, stats_list);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, explanation);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fm_tile_detail_init (FmTileDetail *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->map_area), motion);
  gtk_drawing_area_set_draw_func (self->map_area, map_draw, self, NULL);
}

GtkWindow *
fm_tile_detail_new (GtkWindow           *parent,
                    FmFrame             *frame,
                    guint                layer,
                    guint                channel,
                    const FmViewOptions *options)
{
  FmTileDetail *self = g_object_new (FM_TYPE_TILE_DETAIL, "transient-for", parent, NULL);
  const FmLayer *l = fm_frame_layer (frame, layer);
  const FmValue *v = &frame->model->values[l->value_id];
  const FmChannelStats *st = &frame->stats[layer][channel];
  g_autofree char *title = g_strdup_printf (_("Channel %u"), channel);
  g_autofree char *text = NULL;
  float pre = frame->pre_max[layer][channel];

  self->frame = fm_frame_ref (frame);
  self->layer = layer;
  self->channel = channel;
  self->options = *options;
  self->height = (int) v->shape.dims[2];
  self->width = (int) v->shape.dims[3];

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, v->name);
  gtk_window_set_title (GTK_WINDOW (self), title);

#define ADD_NUMBER(label, value) \
  G_STMT_START { \
    g_autofree char *s_ = g_strdup_printf ("%.4f", (double) (value)); \
    add_stat (self, label, s_); \
  } G_STMT_END

  ADD_NUMBER (_("Minimum"), st->min);
  ADD_NUMBER (_("Maximum"), st->max);
  ADD_NUMBER (_("Mean"), st->mean);
  {
    g_autofree char *share = g_strdup_printf ("%.1f %%", 100.0 * st->active_share);
    add_stat (self, _("Active cells"), share);
  }
  if (l->pre_value_id >= 0 && !isnan (pre))
    ADD_NUMBER (_("Largest pre-activation"), pre);
  if (l->bias_value_id >= 0)
    ADD_NUMBER (_("Bias"), fm_layer_bias (frame->model, l, channel));
#undef ADD_NUMBER

  if (st->all_zero)
    {
      g_autofree char *why = fm_layer_explain_zero (frame->model, l, channel, pre,
                                                    l->pre_value_id >= 0 && !isnan (pre));
      /* Until a dataset scan says otherwise, one zero input proves nothing. */
      text = g_strconcat (why, " ",
                          _("Zero for one input is normal: the channel’s pattern may simply be "
                            "absent here. Only a channel that is zero for every input of a "
                            "dataset is dead."), NULL);
    }
  else
    text = g_strdup_printf (_("This channel is active on %.1f %% of the positions for this "
                              "input."), 100.0 * st->active_share);
  gtk_label_set_text (self->explanation, text);
  return GTK_WINDOW (self);
}

const char *
fm_tile_detail_get_explanation (FmTileDetail *self)
{
  return gtk_label_get_text (self->explanation);
}
