/* fm-window-panels.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's two panels, the input pane and the layer list (AdwFlap,
 * shown and hidden by F8 and F9 or the header's toggles, and laid over the
 * tiles when the window is narrow), and the keyboard focus around them:
 * a panel that opens takes the focus, one that closes gives it back to a
 * visible widget, and a layer chosen in the list laid over the tiles
 * closes the list and puts the focus on the chosen layer's tiles. Escape
 * is here too, as it starts with the panels: it closes the topmost thing
 * first, then stops a scan, then a comparison. It does not lay the panels out (fm-window.ui).
 */
#include "config.h"

#include "fm-window-private.h"

enum { PANEL_INPUT, PANEL_LAYERS };

static AdwFlap *
panel_flap (FmWindow *self,
            guint     panel)
{
  return panel == PANEL_INPUT ? self->input_flap : self->layers_flap;
}

static gboolean
focus_within (FmWindow  *self,
              GtkWidget *area)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus != NULL && (focus == area || gtk_widget_is_ancestor (focus, area));
}

/* Whether the focus may go back to @widget: still in this window, shown,
 * sensitive, and not in a panel that is closed or closing. */
static gboolean
can_take_focus (FmWindow  *self,
                GtkWidget *widget)
{
  if (widget == NULL || gtk_widget_get_root (widget) != GTK_ROOT (self)
      || !gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget))
    return FALSE;
  for (guint p = PANEL_INPUT; p <= PANEL_LAYERS; p++)
    {
      AdwFlap *flap = panel_flap (self, p);

      if (!adw_flap_get_reveal_flap (flap)
          && gtk_widget_is_ancestor (widget, adw_flap_get_flap (flap)))
        return FALSE;
    }
  return TRUE;
}

static void
set_focus_before (FmWindow  *self,
                  guint      panel,
                  GtkWidget *widget)
{
  GtkWidget **slot = &self->panel_focus_before[panel];

  if (*slot != NULL)
    g_object_remove_weak_pointer (G_OBJECT (*slot), (gpointer *) slot);
  *slot = widget;
  if (widget != NULL)
    g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) slot);
}

/* The tiles in sight (the first of the layer shown when one was just
 * chosen), else the first control above them. */
static gboolean
focus_content (FmWindow *self)
{
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);

  return (gtk_widget_get_mapped (scroller)
          && gtk_widget_child_focus (scroller, GTK_DIR_TAB_FORWARD))
         || gtk_widget_child_focus (gtk_widget_get_parent (GTK_WIDGET (self->content_stack)),
                                    GTK_DIR_TAB_FORWARD);
}

/* @panel closed with the focus inside: back to where it was before the
 * panel opened, else to the tiles, else to the panel's toggle, which is
 * always in sight. */
static void
give_focus_back (FmWindow *self,
                 guint     panel)
{
  GtkWidget *before = self->panel_focus_before[panel];

  if (can_take_focus (self, before) && gtk_widget_grab_focus (before))
    return;
  if (focus_content (self) && !focus_within (self, adw_flap_get_flap (panel_flap (self, panel))))
    return;
  gtk_widget_grab_focus (panel == PANEL_INPUT ? self->input_toggle : self->layers_toggle);
}

/* Into an open panel: the selected layer's row (the arrow keys go on from
 * there), or the input pane's first control. */
static void
focus_into (FmWindow *self,
            guint     panel)
{
  GtkWidget *child = adw_flap_get_flap (panel_flap (self, panel));

  if (panel == PANEL_LAYERS)
    {
      GtkListBoxRow *row = gtk_list_box_get_selected_row (self->layer_list);

      if (row != NULL && gtk_widget_get_visible (GTK_WIDGET (row))
          && gtk_widget_grab_focus (GTK_WIDGET (row)))
        return;
    }
  gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD);
}

/* The panel's child is shown from the first frame of its slide on (AdwFlap
 * keeps it unmapped while closed): the focus can go in now. */
static void
panel_mapped_cb (GtkWidget *child,
                 FmWindow  *self)
{
  guint panel = child == adw_flap_get_flap (self->input_flap) ? PANEL_INPUT : PANEL_LAYERS;

  g_signal_handlers_disconnect_by_func (child, panel_mapped_cb, self);
  if (adw_flap_get_reveal_flap (panel_flap (self, panel)) && !focus_within (self, child))
    focus_into (self, panel);
}

static void
open_panel (FmWindow  *self,
            guint      panel,
            GtkWidget *focus_before)
{
  AdwFlap *flap = panel_flap (self, panel);
  GtkWidget *child = adw_flap_get_flap (flap);

  set_focus_before (self, panel, focus_before);
  adw_flap_set_reveal_flap (flap, TRUE);
  g_signal_handlers_disconnect_by_func (child, panel_mapped_cb, self);
  if (gtk_widget_get_mapped (child))
    focus_into (self, panel);
  else
    g_signal_connect (child, "map", G_CALLBACK (panel_mapped_cb), self);
}

void
_fm_window_toggle_panel (FmWindow *self,
                         AdwFlap  *flap)
{
  guint panel = flap == self->input_flap ? PANEL_INPUT : PANEL_LAYERS;

  /* Closing gives the focus back (reveal_changed_cb). */
  if (adw_flap_get_reveal_flap (flap))
    adw_flap_set_reveal_flap (flap, FALSE);
  else
    open_panel (self, panel, gtk_root_get_focus (GTK_ROOT (self)));
}

/* The header's toggle has just opened or closed its panel (the toggle's
 * own handler ran first, and the binding to reveal-flap with it). */
static void
toggle_clicked_cb (GtkButton *toggle,
                   FmWindow  *self)
{
  guint panel = GTK_WIDGET (toggle) == self->input_toggle ? PANEL_INPUT : PANEL_LAYERS;

  if (adw_flap_get_reveal_flap (panel_flap (self, panel)))
    open_panel (self, panel, GTK_WIDGET (toggle));
}

/* However a panel closes (F8 or F9, its toggle, Escape, a click beside it,
 * the window narrowed until it folds), the focus does not stay in it. */
static void
reveal_changed_cb (AdwFlap    *flap,
                   GParamSpec *pspec,
                   FmWindow   *self)
{
  guint panel = flap == self->input_flap ? PANEL_INPUT : PANEL_LAYERS;

  if (!adw_flap_get_reveal_flap (flap) && focus_within (self, adw_flap_get_flap (flap)))
    give_focus_back (self, panel);
}

/* A layer chosen (Enter or a click) in the list laid over the tiles: the
 * list makes way for the chosen layer's tiles, which take the focus. */
static void
layer_row_activated_cb (GtkListBox    *list,
                        GtkListBoxRow *row,
                        FmWindow      *self)
{
  if (!adw_flap_get_folded (self->layers_flap) || !adw_flap_get_reveal_flap (self->layers_flap))
    return;
  focus_content (self);
  adw_flap_set_reveal_flap (self->layers_flap, FALSE);
}

/* The open panel laid over the others (the input pane lies over the
 * layer list), closed; FALSE when none is open over the tiles. */
static gboolean
close_overlay_panel (FmWindow *self)
{
  for (guint p = PANEL_INPUT; p <= PANEL_LAYERS; p++)
    {
      AdwFlap *flap = panel_flap (self, p);

      if (adw_flap_get_folded (flap) && adw_flap_get_reveal_flap (flap))
        {
          adw_flap_set_reveal_flap (flap, FALSE);
          return TRUE;
        }
    }
  return FALSE;
}

/* Escape closes the topmost thing: a panel laid over the tiles; else it
 * stops a running dataset scan, as the bar's Stop does (the scan keeps and
 * shows what it found so far); else it stops comparing. Dialogs and
 * popovers are windows of their own and take their Escape first. An
 * atlas or a pruned model being written is left to its Stop: stopping it
 * loses the work. */
static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  FmWindow *self = FM_WINDOW (widget);

  if (close_overlay_panel (self))
    return TRUE;
  if (self->scan_cancellable != NULL && self->bar_job_scans)
    return gtk_widget_activate_action (widget, "win.scan-cancel", NULL);
  if (self->model_b != NULL)
    return gtk_widget_activate_action (widget, "win.stop-comparing", NULL);
  return FALSE;
}

void
_fm_window_panels_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FmWindow, input_toggle);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, layers_toggle);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

void
_fm_window_panels_init (FmWindow *self)
{
  g_signal_connect (self->input_flap, "notify::reveal-flap", G_CALLBACK (reveal_changed_cb), self);
  g_signal_connect (self->layers_flap, "notify::reveal-flap", G_CALLBACK (reveal_changed_cb),
                    self);
  g_signal_connect (self->input_toggle, "clicked", G_CALLBACK (toggle_clicked_cb), self);
  g_signal_connect (self->layers_toggle, "clicked", G_CALLBACK (toggle_clicked_cb), self);
  g_signal_connect (self->layer_list, "row-activated", G_CALLBACK (layer_row_activated_cb), self);
}

void
_fm_window_panels_dispose (FmWindow *self)
{
  for (guint p = PANEL_INPUT; p <= PANEL_LAYERS; p++)
    {
      AdwFlap *flap = panel_flap (self, p);

      set_focus_before (self, p, NULL);
      if (flap == NULL)
        continue;
      g_signal_handlers_disconnect_by_data (flap, self);
      g_signal_handlers_disconnect_by_data (adw_flap_get_flap (flap), self);
    }
}
