/* fm-file-chooser.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running native file choosers (fm-file-chooser.h).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fm-file-chooser.h"

typedef struct
{
  FmFileChosenFunc func;
  gpointer         user_data;
} Chosen;

GtkFileFilter *
fm_file_filter_new (const char *name,
                    const char *first_pattern,
                    ...)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  va_list patterns;

  gtk_file_filter_set_name (filter, name);
  va_start (patterns, first_pattern);
  for (const char *p = first_pattern; p != NULL; p = va_arg (patterns, const char *))
    gtk_file_filter_add_pattern (filter, p);
  va_end (patterns);
  return filter;
}

void
fm_file_chooser_add_filter (GtkFileChooserNative *chooser,
                            GtkFileFilter        *filter)
{
  GtkFileFilter *all = fm_file_filter_new (_("All Files"), "*", NULL);

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_object_unref (filter);
  g_object_unref (all);
}

static void
response_cb (GtkNativeDialog *chooser,
             int              response,
             Chosen          *chosen)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        chosen->func (file, chosen->user_data);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser); /* frees @chosen */
}

void
fm_file_chooser_show (GtkFileChooserNative *chooser,
                      FmFileChosenFunc      func,
                      gpointer              user_data)
{
  Chosen *chosen = g_new (Chosen, 1);

  chosen->func = func;
  chosen->user_data = user_data;
  g_object_set_data_full (G_OBJECT (chooser), "fm-chosen", chosen, g_free);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (response_cb), chosen);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
fm_file_chooser_save (GtkWindow        *parent,
                      const char       *title,
                      GtkFileFilter    *filter,
                      const char       *suggested,
                      FmFileChosenFunc  func,
                      gpointer          user_data)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                         _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  fm_file_chooser_show (chooser, func, user_data);
}
