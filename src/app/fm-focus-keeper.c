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

static gboolean refocus_idle (gpointer data);

/* Whether @widget can no longer hold the focus. */
static gboolean
is_lost (GtkWidget *widget)
{
  return !gtk_widget_is_sensitive (widget) || !gtk_widget_get_mapped (widget);
}

static void
queue_refocus (FocusKeeper *k)
{
  if (k->idle == 0)
    k->idle = g_idle_add (refocus_idle, k);
}

/* The focus widget turned insensitive or was hidden: GTK 4.8 drops the
 * focus (an active window) or leaves it there (an inactive one). */
static void
last_unmapped_cb (GtkWidget   *widget,
                  FocusKeeper *k)
{
  if (widget == k->last && is_lost (widget))
    queue_refocus (k);
}

static void
last_state_cb (GtkWidget     *widget,
               GtkStateFlags  previous,
               FocusKeeper   *k)
{
  last_unmapped_cb (widget, k);
}

static void
keeper_set_last (FocusKeeper *k,
                 GtkWidget   *widget)
{
  if (k->last == widget)
    return;
  if (k->last != NULL)
    {
      g_signal_handlers_disconnect_by_data (k->last, k);
      g_object_remove_weak_pointer (G_OBJECT (k->last), (gpointer *) &k->last);
    }
  k->last = widget;
  if (widget != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &k->last);
      g_signal_connect (widget, "state-flags-changed", G_CALLBACK (last_state_cb), k);
      g_signal_connect (widget, "unmap", G_CALLBACK (last_unmapped_cb), k);
    }
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
  GtkWidget *focus = gtk_window_get_focus (k->window);

  k->idle = 0;
  if (lost == NULL || (focus != NULL && focus != lost) || !is_lost (lost)
      || gtk_widget_get_root (lost) != GTK_ROOT (k->window)
      || !gtk_widget_get_mapped (GTK_WIDGET (k->window)))
    return G_SOURCE_REMOVE;
  for (GtkWidget *p = gtk_widget_get_parent (lost); p != NULL; p = gtk_widget_get_parent (p))
    if (gtk_widget_get_mapped (p) && gtk_widget_child_focus (p, GTK_DIR_TAB_FORWARD)
        && gtk_window_get_focus (k->window) != lost)
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
    keeper_set_last (k, focus);
  else if (k->last != NULL && is_lost (k->last))
    queue_refocus (k);
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
