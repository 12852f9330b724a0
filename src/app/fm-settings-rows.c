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
#include "fm-wrap-label.h"

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

/* ---- items shown whole --------------------------------------------------- */

static const char *
item_text (GtkListItem *item)
{
  GObject *object = gtk_list_item_get_item (item);

  return GTK_IS_STRING_OBJECT (object) ? gtk_string_object_get_string (GTK_STRING_OBJECT (object))
                                       : "";
}

/* The row's own line: the whole item, cut at its end only when the row
 * has less room than it takes. */
static void
row_item_setup (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_list_item_set_child (item, label);
}

static void
row_item_bind (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), item_text (item));
}

/* An item of the list: its text on as many lines as it takes, and the
 * check mark of the chosen one. */
static void
list_item_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  fm_label_keep_names_whole (GTK_LABEL (label));  /* "Only those dead on data_set-1.idx" */
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (item, box);
}

static void
selected_changed_cb (AdwComboRow *row,
                     GParamSpec  *pspec,
                     GtkListItem *item)
{
  GtkWidget *check = gtk_widget_get_last_child (gtk_list_item_get_child (item));

  gtk_widget_set_opacity (check, adw_combo_row_get_selected_item (row)
                                 == gtk_list_item_get_item (item) ? 1.0 : 0.0);
}

static void
list_item_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                AdwComboRow              *row)
{
  GtkWidget *label = gtk_widget_get_first_child (gtk_list_item_get_child (item));

  gtk_label_set_label (GTK_LABEL (label), item_text (item));
  g_signal_connect (row, "notify::selected-item", G_CALLBACK (selected_changed_cb), item);
  selected_changed_cb (row, NULL, item);
}

static void
list_item_unbind (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  AdwComboRow              *row)
{
  g_signal_handlers_disconnect_by_func (row, selected_changed_cb, item);
}

void
fm_combo_row_show_whole_items (AdwComboRow *row)
{
  g_autoptr(GtkListItemFactory) shown = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list = gtk_signal_list_item_factory_new ();

  g_signal_connect (shown, "setup", G_CALLBACK (row_item_setup), NULL);
  g_signal_connect (shown, "bind", G_CALLBACK (row_item_bind), NULL);
  /* The row outlives its factories' items: no reference to it is held. */
  g_signal_connect (list, "setup", G_CALLBACK (list_item_setup), NULL);
  g_signal_connect (list, "bind", G_CALLBACK (list_item_bind), row);
  g_signal_connect (list, "unbind", G_CALLBACK (list_item_unbind), row);
  adw_combo_row_set_factory (row, shown);
  adw_combo_row_set_list_factory (row, list);
}
