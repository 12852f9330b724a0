/* fm-window-actions.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's actions (win.*) and their shortcuts.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fm-data.h"
#include "fm-export-dialog.h"
#include "fm-tile-detail.h"
#include "fm-window-private.h"
#include "fm-wrap-label.h"

/* win.open-model and win.open-image. */
static void
open_file_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  _fm_window_open_chooser (FM_WINDOW (widget), g_str_equal (name, "win.open-model"));
}

static void
open_bundled_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fm_data_resolve_model (g_variant_get_string (param, NULL), &error);
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    {
      _fm_window_show_error (self, error);
      return;
    }
  file = g_file_new_for_path (path);
  self->submenu_item_chosen = TRUE;
  fm_window_open_model (self, file);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  g_autofree char *path = fm_window_path_from_setting (g_variant_get_string (param, NULL));
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  FM_WINDOW (widget)->submenu_item_chosen = TRUE;
  fm_window_open_model (FM_WINDOW (widget), file);
}

static void
clear_action (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);

  g_free (self->input_name);
  self->input_name = g_strdup (_("canvas"));
  self->input_inverted = FALSE;
  fm_draw_pad_clear (self->draw_pad);
  _fm_window_update_input_caption (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  fm_draw_pad_undo (FM_WINDOW (widget)->draw_pad);
}

static void
input_settings_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  _fm_window_open_input_settings (FM_WINDOW (widget), NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  GtkWindow *dialog = fm_window_open_export (FM_WINDOW (widget));

  if (dialog != NULL)
    gtk_window_present (dialog);
}

GtkWindow *
fm_window_open_export (FmWindow *self)
{
  g_autofree float *planes = NULL;

  if (self->frame == NULL)
    return NULL;
  /* The report's thumbnail wants [C, H, W]: a channels-last tensor is reordered. */
  planes = g_new (float, self->input_len);
  fm_preprocess_tensor_planes (&self->pp, self->input, planes);
  return fm_export_dialog_new (self, self->frame, self->selected, self->input_name, planes,
                               self->pp.channels, self->pp.height, self->pp.width);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (param, NULL), GDK_CURRENT_TIME);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
error_details_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  AdwMessageDialog *dialog;
  const char *heading, *text, *detail;

  /* The toast's whole text, and an error's technical detail when it has
   * one (fm-window-toast.c). */
  g_variant_get (param, "(&s&s&s)", &heading, &text, &detail);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       *heading != '\0' ? heading : NULL, text));
  gtk_widget_set_name (GTK_WIDGET (dialog), "toast_details");
  if (*detail != '\0')
    {
      GtkWidget *label = gtk_label_new (detail);
      GtkWidget *expander = gtk_expander_new_with_mnemonic (_("_Technical Details"));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      fm_label_keep_names_whole (GTK_LABEL (label));
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "monospace");
      gtk_expander_set_child (GTK_EXPANDER (expander), label);
      adw_message_dialog_set_extra_child (dialog, expander);
    }
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The detail of a tile stepped to another channel: the grid's focus goes
 * to that tile (scrolled to), as if the user had moved there. */
static void
detail_channel_cb (FmTileDetail *detail,
                   GParamSpec   *pspec,
                   FmWindow     *self)
{
  guint layer = fm_tile_detail_get_layer (detail);
  FmLayerSection *section;

  if (fm_tile_detail_get_frame (detail)->model != self->model || layer >= self->sections->len)
    return;
  section = g_ptr_array_index (self->sections, layer);
  fm_layer_section_focus_channel (section, fm_tile_detail_get_channel (detail));
}

/* Opens the detail of @channel of layer @layer, or, while no pass has
 * made that layer yet (a model's first pass shows the layers in sight
 * first), as soon as one has: the detail is a snapshot, and would show
 * zeros. */
void
_fm_window_open_tile (FmWindow *self,
                      guint     layer,
                      guint     channel)
{
  int scan_layer = -1;
  FmScanResult *scan;
  FmLayerSection *section;
  GtkWindow *detail;
  g_autoptr(GArray) order = NULL;

  if (self->layers == NULL || layer >= self->layers->len)
    return;
  if (self->frame == NULL || fm_frame_layer_pending (self->frame, layer))
    {
      self->tile_wanted_layer = (int) layer;
      self->tile_wanted_channel = channel;
      return;
    }
  self->tile_wanted_layer = -1;
  section = g_ptr_array_index (self->sections, layer);
  scan = fm_layer_section_get_scan (section, &scan_layer);
  detail = fm_tile_detail_new (GTK_WINDOW (self), self->frame, layer, channel, &self->options,
                               scan, scan_layer);
  /* Previous and Next go through the tiles as the grid shows them, and
   * the grid's focus follows: closing the detail leaves it on the
   * channel shown last. */
  order = fm_layer_section_dup_order (section);
  fm_tile_detail_set_order (FM_TILE_DETAIL (detail), order);
  g_signal_connect_object (detail, "notify::channel", G_CALLBACK (detail_channel_cb), self, 0);
  gtk_window_present (detail);
}

static void
open_tile_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  guint layer, channel;

  g_variant_get (param, "(uu)", &layer, &channel);
  _fm_window_open_tile (FM_WINDOW (widget), layer, channel);
}

static void
go_to_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   FmWindow         *self)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (adw_message_dialog_get_extra_child (dialog));
  guint layer = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "fm-layer"));

  if (g_str_equal (response, "go") && layer < self->sections->len)
    {
      /* The number typed, not yet taken by the spin button. */
      gtk_spin_button_update (spin);
      /* The layer the dialog names, wherever the focus went meanwhile. */
      _fm_window_go_to (self, g_ptr_array_index (self->sections, layer),
                        (guint) gtk_spin_button_get_value_as_int (spin));
    }
}

/* Enter in the spin button goes there, as the default response would.
 * GTK 4.8's spin button has no "activate": its text does. */
static void
go_to_activate_cb (GtkText          *text,
                   AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "go");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
go_to_channel_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  guint channel = 0;
  FmLayerSection *section = _fm_window_section_for_go_to (self, &channel);
  AdwMessageDialog *dialog;
  GtkWidget *spin;
  g_autofree char *body = NULL;
  guint n;

  if (section == NULL)
    return;
  n = fm_layer_section_n_tiles (section);
  /* Translators: %s is the layer, %u its last channel */
  body = g_strdup_printf (_("Channel of %s, from 0 to %u"), fm_layer_section_get_title (section),
                          n - 1);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Go to Channel"),
                                                       body));
  g_object_set_data (G_OBJECT (dialog), "fm-layer",
                     GUINT_TO_POINTER (fm_layer_section_get_index (section)));
  spin = gtk_spin_button_new_with_range (0, n - 1, 1);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  /* From the tile with the focus. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), channel);
  g_signal_connect (gtk_editable_get_delegate (GTK_EDITABLE (spin)), "activate",
                    G_CALLBACK (go_to_activate_cb), dialog);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Channel"), -1);
  adw_message_dialog_set_extra_child (dialog, spin);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "go", _("_Go"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "go", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "go");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (go_to_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (spin);
}

static void
toggle_flap_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  AdwFlap *flap = g_str_equal (name, "win.toggle-input") ? self->input_flap : self->layers_flap;

  _fm_window_toggle_panel (self, flap);
}

void
_fm_window_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-model", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "win.open-image", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "win.open-bundled", "s", open_bundled_action);
  gtk_widget_class_install_action (widget_class, "win.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.open-tile", "(uu)", open_tile_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", "s", open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.error-details", "(sss)",
                                   error_details_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.input-settings", NULL,
                                   input_settings_action);
  gtk_widget_class_install_action (widget_class, "win.go-to-channel", NULL, go_to_channel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK,
                                       "win.go-to-channel", NULL);
  gtk_widget_class_install_action (widget_class, "win.toggle-input", NULL, toggle_flap_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-layers", NULL, toggle_flap_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.toggle-input", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-layers", NULL);
}
