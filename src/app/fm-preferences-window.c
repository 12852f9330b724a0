/* fm-preferences-window.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences, every one bound to GSettings (the window follows the
 * settings' changes): colormap, normalisation and its fixed range, the
 * zero threshold, the rarely-active threshold of a scan and the tile size.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fm-preferences-window.h"
#include "fm-settings-rows.h"

struct _FmPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwComboRow   *colormap_row;
  AdwComboRow   *normalize_row;
  AdwActionRow  *fixed_min_row;
  AdwActionRow  *fixed_max_row;
  GtkSpinButton *fixed_min;
  GtkSpinButton *fixed_max;
  GtkSpinButton *threshold;
  GtkSpinButton *rare;
  GtkSpinButton *tile_size;

  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (FmPreferencesWindow, fm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
update_sensitivity (FmPreferencesWindow *self)
{
  gboolean fixed = adw_combo_row_get_selected (self->normalize_row) == 2;

  gtk_widget_set_sensitive (GTK_WIDGET (self->fixed_min_row), fixed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->fixed_max_row), fixed);
}

static void
fm_preferences_window_dispose (GObject *object)
{
  FmPreferencesWindow *self = FM_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (fm_preferences_window_parent_class)->dispose (object);
}

static void
fm_preferences_window_class_init (FmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/featuremaps/FeatureMaps/fm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, colormap_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, normalize_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, fixed_min_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, fixed_max_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, fixed_min);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, fixed_max);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, threshold);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, rare);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, tile_size);
}

static void
fm_preferences_window_init (FmPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);

  fm_settings_bind_colormap_row (self->settings, self->colormap_row);
  fm_settings_bind_normalize_row (self->settings, self->normalize_row);
  g_settings_bind (self->settings, "fixed-min", self->fixed_min, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fixed-max", self->fixed_max, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "zero-threshold", self->threshold, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "rare-threshold", self->rare, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "tile-size", self->tile_size, "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_swapped (self->normalize_row, "notify::selected",
                            G_CALLBACK (update_sensitivity), self);
  update_sensitivity (self);
  fm_settings_name_spin_button (GTK_WIDGET (self->fixed_min));
  fm_settings_name_spin_button (GTK_WIDGET (self->fixed_max));
  fm_settings_name_spin_button (GTK_WIDGET (self->threshold));
  fm_settings_name_spin_button (GTK_WIDGET (self->rare));
  fm_settings_name_spin_button (GTK_WIDGET (self->tile_size));
}

GtkWindow *
fm_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (FM_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
}
