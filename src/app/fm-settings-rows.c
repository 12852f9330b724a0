/* fm-settings-rows.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GSettings string/enum keys <-> AdwComboRow:selected (fm-settings-rows.h).
 */
#include "config.h"

#include "fm-colormap.h"
#include "fm-settings-rows.h"

static gboolean
choice_get (GValue   *value,
            GVariant *variant,
            gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, 0);
  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
choice_set (const GValue       *value,
            const GVariantType *type,
            gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint n = g_strv_length ((char **) nicks);

  return g_variant_new_string (nicks[MIN (g_value_get_uint (value), n - 1)]);
}

void
fm_settings_bind_choice_row (GSettings          *settings,
                             const char         *key,
                             AdwComboRow        *row,
                             const char * const *nicks)
{
  g_settings_bind_with_mapping (settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get, choice_set, (gpointer) nicks, NULL);
}

void
fm_settings_bind_colormap_row (GSettings   *settings,
                               AdwComboRow *row)
{
  static const char *names[16];
  g_autoptr(GtkStringList) display = gtk_string_list_new (NULL);
  guint n;
  const FmColormap * const *list = fm_colormap_list (&n);

  n = MIN (n, G_N_ELEMENTS (names) - 1);
  for (guint i = 0; i < n; i++)
    {
      names[i] = fm_colormap_get_name (list[i]);
      gtk_string_list_append (display, fm_colormap_get_display_name (list[i]));
    }
  names[n] = NULL;
  adw_combo_row_set_model (row, G_LIST_MODEL (display));
  fm_settings_bind_choice_row (settings, "colormap", row, names);
}

void
fm_settings_bind_normalize_row (GSettings   *settings,
                                AdwComboRow *row)
{
  static const char * const nicks[] = { "layer", "tile", "fixed", NULL };

  fm_settings_bind_choice_row (settings, "normalize", row, nicks);
}

void
fm_settings_name_spin_button (GtkWidget *spin)
{
  GtkWidget *row = gtk_widget_get_ancestor (spin, ADW_TYPE_ACTION_ROW);
  g_autofree char *name = NULL;

  g_return_if_fail (row != NULL);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  /* The title (markup, as the row shows it) without its mnemonic's
   * underscore: "_Tile size" is "Tile size". */
  if (!pango_parse_markup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), -1, '_',
                           NULL, &name, NULL, NULL))
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}
