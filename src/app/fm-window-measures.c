/* fm-window-measures.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan's counts and measures in the window's sidebar and scan bar
 * (fm-window-measures.h).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fm-window-measures.h"

static void
show_warning (GtkWidget         *label,
              const FmScanLayer *sl)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (label), "fm-warning-icon");
  const char *why = NULL;

  if (sl != NULL && sl->dead_warning)
    /* xgettext:no-c-format */
    why = _("10 % or more of this layer’s channels are dead (the threshold of Keras’s "
            "dead-ReLU detector)");
  if (icon != NULL)
    {
      gtk_widget_set_visible (icon, why != NULL);
      gtk_widget_set_tooltip_text (icon, why);
    }
  gtk_widget_set_tooltip_text (label, why);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  why != NULL ? why : "", -1);
}

void
_fm_window_show_layer_marks (GtkWidget         *label,
                             const FmScanLayer *sl,
                             guint              dead,
                             guint              rare)
{
  g_autofree char *dead_text = NULL, *rare_text = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  show_warning (label, sl);
  gtk_widget_set_visible (label, sl != NULL);
  if (sl == NULL)
    return;
  /* Translators: from a dataset scan, the first half of "5 dead, 2
     rarely active" */
  dead_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u dead", "%u dead", dead), dead);
  /* Translators: from a dataset scan, the second half of "5 dead, 2
     rarely active" */
  rare_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u rarely active",
                                            "%u rarely active", rare), rare);
  /* Translators: "5 dead" and "2 rarely active" */
  g_string_printf (text, _("%s, %s"), dead_text, rare_text);
  if (sl->n_near_dead > 0)
    /* Translators: added to "5 dead, 2 rarely active" in the sidebar:
       channels whose APoZ is above the layer's mean + 1 standard deviation */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, ", %u near-dead",
                                               ", %u near-dead", sl->n_near_dead),
                            sl->n_near_dead);
  gtk_label_set_text (GTK_LABEL (label), text->str);
  /* Only what is bad is coloured. */
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, dead > 0 ? "error" : rare > 0 ? "warning" : "dim-label");
}

char *
_fm_window_measures_status (guint near,
                            guint warned)
{
  GString *text = g_string_new (NULL);

  if (near > 0)
    /* Translators: in the scan bar after "2 rarely active": channels whose
       APoZ is above their layer's mean + 1 standard deviation */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " · %u near-dead",
                                               " · %u near-dead", near), near);
  if (warned > 0)
    /* Translators: in the scan bar: layers with 10 % or more of their
       channels dead (the threshold of Keras's dead-ReLU detector) */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                               " · %u layer at least 10 %% dead",
                                               " · %u layers at least 10 %% dead", warned),
                            warned);
  return g_string_free (text, FALSE);
}
