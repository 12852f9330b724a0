/* fm-test-keys.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How GTK 4.8 delivers a key press (gtk_propagate_event ()), without the
 * event: the widgets from the window to the focus; the capture phase
 * down, the target phase at the focus, the bubble phase back up. A widget
 * runs its controllers newest first (the order gtk_widget_observe_controllers ()
 * lists them in): a key controller gets "key-pressed"; a shortcut
 * controller of local scope activates its shortcuts whose trigger is the
 * key until one action says it was done. The window's two shortcut
 * manager controllers stand for the managed-scope controllers of the
 * widgets inside it (AdwFlap's Escape), each activated on its own widget
 * while that widget is mapped. Not done: mnemonics, key releases, input
 * methods.
 */
#include "config.h"

#include "fm-test-keys.h"

static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 guint               keyval,
                 GdkModifierType     state)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    {
      GtkAlternativeTrigger *alt = GTK_ALTERNATIVE_TRIGGER (trigger);

      return trigger_matches (gtk_alternative_trigger_get_first (alt), keyval, state)
             || trigger_matches (gtk_alternative_trigger_get_second (alt), keyval, state);
    }
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    {
      GtkKeyvalTrigger *kt = GTK_KEYVAL_TRIGGER (trigger);

      return gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (kt)) == gdk_keyval_to_lower (keyval)
             && gtk_keyval_trigger_get_modifiers (kt)
                == (state & gtk_accelerator_get_default_mod_mask ());
    }
  return FALSE;
}

/* The shortcuts of @controller for the key, activated on @widget. */
static gboolean
run_shortcuts (GListModel      *shortcuts,
               GtkWidget       *widget,
               guint            keyval,
               GdkModifierType  state)
{
  for (guint i = 0; i < g_list_model_get_n_items (shortcuts); i++)
    {
      g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (shortcuts, i);

      if (trigger_matches (gtk_shortcut_get_trigger (shortcut), keyval, state)
          && gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                           GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                           gtk_shortcut_get_arguments (shortcut)))
        return TRUE;
    }
  return FALSE;
}

/* The managed-scope shortcut controllers of @phase under @widget, in tree
 * order, each on its own widget. */
static gboolean
run_managed (GtkWidget           *widget,
             GtkPropagationPhase  phase,
             guint                keyval,
             GdkModifierType      state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  if (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_SHORTCUT_CONTROLLER (c)
          && gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (c))
             == GTK_SHORTCUT_SCOPE_MANAGED
          && gtk_event_controller_get_propagation_phase (c) == phase
          && run_shortcuts (G_LIST_MODEL (c), widget, keyval, state))
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (run_managed (child, phase, keyval, state))
      return TRUE;
  return FALSE;
}

static gboolean
run_controllers (GtkWidget           *widget,
                 GtkPropagationPhase  phase,
                 guint                keyval,
                 GdkModifierType      state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  if (!gtk_widget_is_sensitive (widget))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      const char *name = gtk_event_controller_get_name (c);
      gboolean handled = FALSE;

      if (gtk_event_controller_get_propagation_phase (c) != phase)
        continue;
      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, state, &handled);
      else if (GTK_IS_SHORTCUT_CONTROLLER (c) && name != NULL
               && g_str_has_prefix (name, "gtk-shortcut-manager-"))
        handled = run_managed (widget, phase, keyval, state);
      else if (GTK_IS_SHORTCUT_CONTROLLER (c)
               && gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (c))
                  == GTK_SHORTCUT_SCOPE_LOCAL)
        handled = run_shortcuts (G_LIST_MODEL (c), widget, keyval, state);
      if (handled)
        return TRUE;
    }
  return FALSE;
}

gboolean
fm_test_press_key (GtkWindow       *window,
                   guint            keyval,
                   GdkModifierType  state)
{
  GtkWidget *target = gtk_window_get_focus (window);
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func (g_object_unref);

  if (target == NULL)
    target = GTK_WIDGET (window);
  /* Held: a handler may destroy what the key reached. */
  for (GtkWidget *w = target; w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_insert (path, 0, g_object_ref (w));
  for (guint i = 0; i < path->len; i++)
    if (run_controllers (g_ptr_array_index (path, i), GTK_PHASE_CAPTURE, keyval, state))
      return TRUE;
  if (run_controllers (target, GTK_PHASE_TARGET, keyval, state))
    return TRUE;
  for (guint i = path->len; i-- > 0;)
    if (run_controllers (g_ptr_array_index (path, i), GTK_PHASE_BUBBLE, keyval, state))
      return TRUE;
  return FALSE;
}
