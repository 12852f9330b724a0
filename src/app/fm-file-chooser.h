/* fm-file-chooser.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one way the window and the export dialog run a GtkFileChooserNative.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called with the file accepted in a chooser shown by fm_file_chooser_show(). */
typedef void (*FmFileChosenFunc) (GFile    *file,
                                  gpointer  user_data);

/* A filter named @name of @first_pattern and the patterns that follow,
 * NULL-terminated. */
GtkFileFilter *fm_file_filter_new (const char *name,
                                   const char *first_pattern,
                                   ...) G_GNUC_NULL_TERMINATED;
/* Adds @filter (taken) and then "All Files" to @chooser. */
void fm_file_chooser_add_filter (GtkFileChooserNative *chooser,
                                 GtkFileFilter        *filter);
/* Shows @chooser (taken) modal; @func gets the file when one is
 * accepted. The chooser is destroyed after its response. */
void fm_file_chooser_show       (GtkFileChooserNative *chooser,
                                 FmFileChosenFunc      func,
                                 gpointer              user_data);
/* Shows a chooser that saves one file, titled @title over @parent, with
 * @filter (taken) as its only filter and @suggested as the name; then as
 * fm_file_chooser_show (). */
void fm_file_chooser_save       (GtkWindow            *parent,
                                 const char           *title,
                                 GtkFileFilter        *filter,
                                 const char           *suggested,
                                 FmFileChosenFunc      func,
                                 gpointer              user_data);

G_END_DECLS
