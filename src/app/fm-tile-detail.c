/* fm-tile-detail.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The detail of one channel: its map enlarged (the same fm_tile_render as
 * the tiles) with the value under the pointer; min, max, mean and the
 * share of active cells; for a channel computed from a Conv or Gemm, its
 * largest pre-activation and its bias; and for an all-zero map a sentence
 * that explains it in those terms. After a dataset scan it also says how
 * many images the channel fires on, the scan's diagnosis and remedies for
 * a dead one, and shows the images that excite it most (read back from
 * the dataset in a thread). It keeps the frame it was opened on, so later
 * strokes do not change what it explains.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <math.h>

#include "fm-tile-detail.h"
#include "fm-dataset.h"
#include "fm-tile-render.h"

struct _FmTileDetail
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkDrawingArea *map_area;
  GtkLabel       *hover_label;
  GtkListBox     *stats_list;
  GtkLabel       *explanation;
  GtkWidget      *top_box;
  GtkLabel       *top_title;
  GtkFlowBox     *top_flow;

  FmFrame        *frame;
  guint           layer;
  guint           channel;
  FmViewOptions   options;
  int             height;
  int             width;
  FmScanResult   *scan;
  int             scan_layer;
  GCancellable   *cancellable;
  guint           n_top_images;
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
  /* Translators: row, column and the activation value there */
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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->frame, fm_frame_unref);
  g_clear_pointer (&self->scan, fm_scan_result_unref);
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
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, top_box);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, top_title);
  gtk_widget_class_bind_template_child (widget_class, FmTileDetail, top_flow);
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

/* ---- the images that excite the channel most (from the scan) ---------- */

typedef struct
{
  char    *dataset_path;
  gint64  *indexes;     /* [n] */
  guint    n;
} TopJob;

static void
top_job_free (TopJob *job)
{
  g_free (job->dataset_path);
  g_free (job->indexes);
  g_free (job);
}

/* Reads the wanted items of the dataset (IDX files are read in order;
 * folder items are opened by name). Returns a GPtrArray of FmImage* in
 * the order of the indexes (NULL where one could not be read). */
static void
top_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TopJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = fm_dataset_open (job->dataset_path, NULL, &error);
  GPtrArray *images;
  guint found = 0;

  if (dataset == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  images = g_ptr_array_new_full (job->n, (GDestroyNotify) fm_image_free);
  g_ptr_array_set_size (images, job->n);
  if (fm_dataset_get_kind (dataset) == FM_DATASET_FOLDER)
    {
      for (guint i = 0; i < job->n; i++)
        {
          g_autofree char *name = fm_dataset_dup_item_name (dataset, job->indexes[i]);
          g_autofree char *path = name != NULL ? g_build_filename (job->dataset_path, name, NULL)
                                               : NULL;
          if (path != NULL)
            g_ptr_array_index (images, i) = fm_image_load (path, 0, NULL);
        }
    }
  else
    {
      guint64 index;
      FmImage *image;
      int label;

      while (found < job->n && !g_cancellable_is_cancelled (cancellable) &&
             fm_dataset_next (dataset, &index, &image, &label, NULL))
        {
          gboolean kept = FALSE;

          for (guint i = 0; i < job->n; i++)
            if ((guint64) job->indexes[i] == index && g_ptr_array_index (images, i) == NULL)
              {
                g_ptr_array_index (images, i) = image;
                kept = TRUE;
                found++;
                break;
              }
          if (!kept)
            fm_image_free (image);
        }
    }
  g_task_return_pointer (task, images, (GDestroyNotify) g_ptr_array_unref);
}

static GdkTexture *
texture_for (const FmImage *image)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize n = (gsize) image->width * image->height;
  guint8 *rgb = g_malloc (n * 3);

  for (gsize i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      rgb[i * 3 + c] = image->pixels[i * image->channels + (image->channels == 3 ? c : 0)];
  bytes = g_bytes_new_take (rgb, n * 3);
  return gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_R8G8B8, bytes,
                                 (gsize) image->width * 3);
}

static void
top_done (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(FmTileDetail) self = user_data;
  TopJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GPtrArray) images = g_task_propagate_pointer (G_TASK (res), NULL);
  const FmScanLayer *sl;

  if (images == NULL || self->scan == NULL)
    return;
  sl = &self->scan->layers[self->scan_layer];
  for (guint i = 0; i < images->len; i++)
    {
      const FmImage *image = g_ptr_array_index (images, i);
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree char *tip = NULL;
      GtkWidget *picture;

      if (image == NULL)
        continue;
      texture = texture_for (image);
      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_widget_set_size_request (picture, 56, 56);
      /* Translators: a dataset image and this channel's largest value on it */
      tip = g_strdup_printf (_("Image %" PRId64 ": largest activation %.3f"),
                             job->indexes[i], sl->top_max[self->channel * self->scan->top_k + i]);
      gtk_widget_set_tooltip_text (picture, tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
      gtk_flow_box_append (self->top_flow, picture);
      self->n_top_images++;
    }
}

static void
load_top_images (FmTileDetail *self)
{
  const FmScanLayer *sl = &self->scan->layers[self->scan_layer];
  g_autoptr(GTask) task = NULL;
  TopJob *job = g_new0 (TopJob, 1);

  job->dataset_path = g_strdup (self->scan->dataset_path);
  job->indexes = g_new (gint64, MAX (self->scan->top_k, 1));
  for (guint k = 0; k < self->scan->top_k; k++)
    {
      gint64 index = sl->top_index[self->channel * self->scan->top_k + k];
      if (index >= 0)
        job->indexes[job->n++] = index;
    }
  if (job->n == 0)
    {
      top_job_free (job);
      return;
    }
  gtk_widget_set_visible (self->top_box, TRUE);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, top_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) top_job_free);
  g_task_run_in_thread (task, top_thread);
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

  if (scan != NULL && scan_layer >= 0 && channel < scan->layers[scan_layer].channels)
    {
      const FmScanLayer *sl = &scan->layers[scan_layer];
      g_autofree char *fired = g_strdup_printf ("%'" G_GUINT64_FORMAT, sl->fire_count[channel]);
      g_autofree char *images = g_strdup_printf ("%'" G_GUINT64_FORMAT, scan->images);
      g_autofree char *value = g_strdup_printf (_("%s of %s images%s"), fired, images,
                                                scan->partial ? _(" (partial scan)") : "");
      g_autofree char *dataset = g_path_get_basename (scan->dataset_path);
      g_autofree char *heading = g_strdup_printf (_("Images of %s that excite it most"),
                                                  dataset);

      add_stat (self, _("Fires on"), value);
      if (sl->pre_activation_max != NULL)
        {
          g_autofree char *s_ = g_strdup_printf ("%.4f", (double) sl->pre_activation_max[channel]);
          add_stat (self, _("Largest pre-activation over the dataset"), s_);
        }
      self->scan = fm_scan_result_ref (scan);
      self->scan_layer = scan_layer;
      gtk_label_set_text (self->top_title, heading);
      if (sl->fire_count[channel] > 0)
        load_top_images (self);
    }

  if (self->scan != NULL && self->scan->layers[scan_layer].fire_count[channel] == 0)
    {
      /* The dataset has spoken: the scan's diagnosis replaces the guess. */
      text = fm_scan_result_explain (self->scan, scan_layer, channel);
    }
  else if (self->scan != NULL)
    {
      g_autofree char *here = NULL;
      g_autofree char *over = fm_scan_result_explain (self->scan, scan_layer, channel);

      if (st->all_zero)
        here = fm_layer_explain_zero (frame->model, l, channel, pre,
                                      l->pre_value_id >= 0 && !isnan (pre));
      else
        here = g_strdup_printf (_("This channel is active on %.1f %% of the positions for this "
                                  "input."), 100.0 * st->active_share);
      text = g_strconcat (here, "\n\n", over, NULL);
    }
  else if (st->all_zero)
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

guint
fm_tile_detail_get_n_top_images (FmTileDetail *self)
{
  return self->n_top_images;
}
