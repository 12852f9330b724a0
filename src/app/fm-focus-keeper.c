/* fm-focus-keeper.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-focus-keeper.h"

typedef struct
{
  GtkWindow *window;   /* not owned: the keeper lives on it */
  GtkWidget *last;     /* weak: the last widget with the focus */
  guint      idle;
} FocusKeeper;

static void
keeper_set_last (FocusKeeper *k,
                 GtkWidget   *widget)
{
  if (k->last != NULL)
    g_object_remove_weak_pointer (G_OBJECT (k->last), (gpointer *) &k->last);
  k->last = widget;
  if (widget != NULL)
    g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &k->last);
}

static void
keeper_free (FocusKeeper *k)
{
  g_clear_handle_id (&k->idle, g_source_remove);
  keeper_set_last (k, NULL);
  g_free (k);
}

static gboolean
refocus_idle (gpointer data)
{
  FocusKeeper *k = data;
  GtkWidget *lost = k->last;

  k->idle = 0;
  if (lost == NULL || gtk_window_get_focus (k->window) != NULL
      || gtk_widget_get_root (lost) != GTK_ROOT (k->window)
      || !gtk_widget_get_mapped (GTK_WIDGET (k->window)))
    return G_SOURCE_REMOVE;
  for (GtkWidget *p = gtk_widget_get_parent (lost); p != NULL; p = gtk_widget_get_parent (p))
    if (gtk_widget_get_mapped (p) && gtk_widget_child_focus (p, GTK_DIR_TAB_FORWARD))
      break;
  return G_SOURCE_REMOVE;
}

static void
focus_changed_cb (GtkWindow   *window,
                  GParamSpec  *pspec,
                  FocusKeeper *k)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  if (focus != NULL)
    {
      keeper_set_last (k, focus);
      return;
    }
  if (k->last != NULL && k->idle == 0
      && (!gtk_widget_is_sensitive (k->last) || !gtk_widget_get_mapped (k->last)))
    k->idle = g_idle_add (refocus_idle, k);
}

void
fm_focus_keeper_attach (GtkWindow *window)
{
  FocusKeeper *k = g_new0 (FocusKeeper, 1);

  g_return_if_fail (GTK_IS_WINDOW (window));
  k->window = window;
  g_object_set_data_full (G_OBJECT (window), "fm-focus-keeper", k,
                          (GDestroyNotify) keeper_free);
  g_signal_connect (window, "notify::focus-widget", G_CALLBACK (focus_changed_cb), k);
}
