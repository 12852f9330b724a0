/* fm-preferences-window.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences, every one bound to GSettings (the window follows the
 * settings' changes): colormap, normalisation and its fixed range, the
 * zero threshold and the tile size.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fm-colormap.h"
#include "fm-preferences-window.h"

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
  GtkSpinButton *tile_size;

  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (FmPreferencesWindow, fm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
colormap_get (GValue   *value,
              GVariant *variant,
              gpointer  user_data)
{
  guint n;
  const FmColormap * const *list = fm_colormap_list (&n);
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (fm_colormap_get_name (list[i]), name))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
colormap_set (const GValue       *value,
              const GVariantType *type,
              gpointer            user_data)
{
  guint n;
  const FmColormap * const *list = fm_colormap_list (&n);
  guint i = g_value_get_uint (value);

  return g_variant_new_string (fm_colormap_get_name (list[MIN (i, n - 1)]));
}

static gboolean
normalize_get (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, g_str_equal (nick, "tile") ? 1 : g_str_equal (nick, "fixed") ? 2 : 0);
  return TRUE;
}

static GVariant *
normalize_set (const GValue       *value,
               const GVariantType *type,
               gpointer            user_data)
{
  static const char * const nicks[] = { "layer", "tile", "fixed" };

  return g_variant_new_string (nicks[MIN (g_value_get_uint (value), 2)]);
}

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
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, tile_size);
}

static void
fm_preferences_window_init (FmPreferencesWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const FmColormap * const *list;
  guint n;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);

  list = fm_colormap_list (&n);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (names, fm_colormap_get_display_name (list[i]));
  adw_combo_row_set_model (self->colormap_row, G_LIST_MODEL (names));

  g_settings_bind_with_mapping (self->settings, "colormap", self->colormap_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, colormap_get, colormap_set, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "normalize", self->normalize_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, normalize_get, normalize_set, NULL, NULL);
  g_settings_bind (self->settings, "fixed-min", self->fixed_min, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fixed-max", self->fixed_max, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "zero-threshold", self->threshold, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "tile-size", self->tile_size, "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_swapped (self->normalize_row, "notify::selected",
                            G_CALLBACK (update_sensitivity), self);
  update_sensitivity (self);
}

GtkWindow *
fm_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (FM_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
}
