/* fm-wrap-label.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FM_TYPE_WRAP_LABEL (fm_wrap_label_get_type ())

G_DECLARE_FINAL_TYPE (FmWrapLabel, fm_wrap_label, FM, WRAP_LABEL, GtkWidget)

GtkWidget  *fm_wrap_label_new      (const char  *text);
void        fm_wrap_label_set_text (FmWrapLabel *self,
                                    const char  *text);
const char *fm_wrap_label_get_text (FmWrapLabel *self);

/* The layout of the text as last measured or drawn (tests). */
PangoLayout *fm_wrap_label_get_layout (FmWrapLabel *self);

/* Attributes that keep Pango from adding a hyphen where it breaks a line
 * inside a word: a layer's name ("features.denseblock1.denselayer1") is
 * one word to Pango, and "features.denseblock1.denselay-" "er1" shows a
 * name that no layer has. For any text that is or holds such a name. */
PangoAttrList *fm_attrs_no_hyphens (void);
/* @label (its other attributes kept) never gets such a hyphen. */
void        fm_label_keep_names_whole  (GtkLabel  *label);

/* For a widget that draws its own text (this label, the tile's caption):
 * *@layout, made with @text from @widget's fonts when NULL, and told when
 * those fonts changed since *@serial (a CSS class, the theme or the
 * desktop's font settings: GTK updates the widget's pango context, whose
 * serial then moves, and queues the resize itself). */
PangoLayout *fm_widget_kept_layout   (GtkWidget    *widget,
                                      PangoLayout **layout,
                                      guint        *serial,
                                      const char   *text);
/* @widget's text colour from CSS. */
void         fm_widget_get_text_color (GtkWidget  *widget,
                                       GdkRGBA    *color);

G_END_DECLS
