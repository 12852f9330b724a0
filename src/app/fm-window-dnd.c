/* fm-window-dnd.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files into the window: the file choosers of Open Model and Open Image,
 * and files dropped on the window (a PNG or JPEG picture by its first
 * bytes, else a model).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fm-file-chooser.h"
#include "fm-window-private.h"

static void
model_chosen_cb (GFile    *file,
                 gpointer  self)
{
  fm_window_open_model (self, file);
}

static void
image_chosen_cb (GFile    *file,
                 gpointer  self)
{
  fm_window_open_image (self, file);
}

/* The chooser of a model or a picture, titled @title. */
static void
show_chooser (FmWindow         *self,
              const char       *title,
              gboolean          model,
              FmFileChosenFunc  func)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  if (model)
    filter = fm_file_filter_new (_("ONNX Models"), "*.onnx", "*.ONNX", NULL);
  else
    {
      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("PNG and JPEG Images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      gtk_file_filter_add_mime_type (filter, "image/jpeg");
    }
  fm_file_chooser_add_filter (dialog, filter);
  fm_file_chooser_show (dialog, func, self);
}

void
_fm_window_open_chooser (FmWindow *self,
                         gboolean  model)
{
  if (model)
    show_chooser (self, _("Open Model"), TRUE, model_chosen_cb);
  else
    show_chooser (self, _("Open Image"), FALSE, image_chosen_cb);
}

void
_fm_window_model_chooser (FmWindow         *self,
                          const char       *title,
                          FmFileChosenFunc  func)
{
  show_chooser (self, title, TRUE, func);
}

static gboolean
looks_like_image (GFile *file)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  guint8 magic[8] = { 0 };

  if (in == NULL ||
      g_input_stream_read (G_INPUT_STREAM (in), magic, sizeof magic, NULL, NULL) < 3)
    return FALSE;
  return memcmp (magic, "\x89PNG", 4) == 0 || memcmp (magic, "\xff\xd8\xff", 3) == 0;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         FmWindow      *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      if (looks_like_image (l->data))
        fm_window_open_image (self, l->data);
      else
        fm_window_open_model (self, l->data);
    }
  g_slist_free (files);
  return TRUE;
}

void
_fm_window_dnd_init (FmWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
