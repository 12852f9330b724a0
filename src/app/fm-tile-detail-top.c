/* fm-tile-detail-top.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tile detail's images that excite the channel most (from the scan's
 * top lists): read back from the dataset in a thread, shown as a flow box
 * whose items load the image into the main window's canvas.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "fm-dataset.h"
#include "fm-tile-detail-private.h"

void
_fm_tile_detail_top_item_free (TopItem *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->image, fm_image_free);
  g_free (item->name);
  g_free (item);
}

typedef struct
{
  char     *dataset_path;
  guint     channel;
  gint64   *indexes;     /* [n] */
  float    *maxima;      /* [n] the channel's largest value on each */
  guint     n;
} TopJob;

static void
top_job_free (TopJob *job)
{
  g_free (job->dataset_path);
  g_free (job->indexes);
  g_free (job->maxima);
  g_free (job);
}

/* Reads the wanted items of the dataset (IDX files are read in order;
 * folder items are opened by name). Returns a GPtrArray of TopItem* in
 * the order of the indexes (NULL where one could not be read), named
 * after their file for a folder (NULL for IDX). */
static void
top_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TopJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) dataset = fm_dataset_open (job->dataset_path, NULL, &error);
  GPtrArray *items;
  guint found = 0;

  if (dataset == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  items = g_ptr_array_new_full (job->n, (GDestroyNotify) _fm_tile_detail_top_item_free);
  g_ptr_array_set_size (items, job->n);
  if (fm_dataset_get_kind (dataset) == FM_DATASET_FOLDER)
    {
      for (guint i = 0; i < job->n && !g_cancellable_is_cancelled (cancellable); i++)
        {
          g_autofree char *name = fm_dataset_dup_item_name (dataset, job->indexes[i]);
          g_autofree char *path = name != NULL ? g_build_filename (job->dataset_path, name, NULL)
                                               : NULL;
          FmImage *image = path != NULL ? fm_image_load (path, 0, NULL) : NULL;

          if (image != NULL)
            {
              TopItem *item = g_new0 (TopItem, 1);

              item->image = image;
              item->index = job->indexes[i];
              item->name = g_steal_pointer (&name);
              g_ptr_array_index (items, i) = item;
            }
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
            if ((guint64) job->indexes[i] == index && g_ptr_array_index (items, i) == NULL)
              {
                TopItem *item = g_new0 (TopItem, 1);

                item->image = image;
                item->index = job->indexes[i];
                g_ptr_array_index (items, i) = item;
                kept = TRUE;
                found++;
                break;
              }
          if (!kept)
            fm_image_free (image);
        }
    }
  g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
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
  g_autoptr(GPtrArray) items = g_task_propagate_pointer (G_TASK (res), NULL);
  g_autofree char *dataset = NULL;

  /* Cancelled: another channel is shown, or the window closed. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (res))) ||
      self->scan == NULL || self->frame == NULL || job->channel != self->channel)
    return;
  dataset = g_filename_display_basename (self->scan->dataset_path);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      TopItem *item = g_ptr_array_index (items, i);
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree char *label = NULL;
      g_autofree char *largest = NULL;
      g_autofree char *tip = NULL;
      GtkWidget *picture;
      GtkWidget *child;

      if (item == NULL)
        continue;
      if (item->name != NULL)
        {
          /* Translators: a picture file of a dataset folder */
          label = g_strdup_printf (_("Load %s into the canvas"), item->name);
        }
      else
        {
          /* Translators: the name a loaded IDX dataset item gets: its
           * index and the dataset's file name */
          item->name = g_strdup_printf (_("item %" PRId64 " of %s"), item->index, dataset);
          label = g_strdup_printf (_("Load item %" PRId64 " into the canvas"), item->index);
        }
      /* Translators: this channel's largest value on a dataset image */
      largest = g_strdup_printf (_("Largest activation: %.3f"), (double) job->maxima[i]);
      tip = g_strconcat (label, "\n", largest, NULL);

      texture = texture_for (item->image);
      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_widget_set_size_request (picture, 56, 56);
      child = gtk_flow_box_child_new ();
      gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), picture);
      gtk_widget_set_tooltip_text (child, tip);
      gtk_widget_set_cursor_from_name (child, "pointer");
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, largest,
                                      -1);
      gtk_flow_box_append (self->top_flow, child);
      g_ptr_array_index (items, i) = NULL;
      g_ptr_array_add (self->top_items, item);
    }
  /* None could be read (the dataset moved, say): no empty heading. */
  gtk_widget_set_visible (self->top_box, self->top_items->len > 0);
}

void
_fm_tile_detail_load_top_images (FmTileDetail *self)
{
  const FmScanLayer *sl;
  g_autoptr(GTask) task = NULL;
  GtkWidget *child;
  TopJob *job;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->top_flow))) != NULL)
    gtk_flow_box_remove (self->top_flow, child);
  g_ptr_array_set_size (self->top_items, 0);
  gtk_widget_set_visible (self->top_box, FALSE);

  if (self->scan == NULL)
    return;
  sl = &self->scan->layers[self->scan_layer];
  if (self->channel >= sl->channels || sl->fire_count[self->channel] == 0)
    return;
  job = g_new0 (TopJob, 1);
  job->dataset_path = g_strdup (self->scan->dataset_path);
  job->channel = self->channel;
  job->indexes = g_new (gint64, MAX (self->scan->top_k, 1));
  job->maxima = g_new (float, MAX (self->scan->top_k, 1));
  for (guint k = 0; k < self->scan->top_k; k++)
    {
      gsize at = (gsize) self->channel * self->scan->top_k + k;

      if (sl->top_index[at] >= 0)
        {
          job->indexes[job->n] = sl->top_index[at];
          job->maxima[job->n] = sl->top_max[at];
          job->n++;
        }
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
