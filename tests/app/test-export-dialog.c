/* test-export-dialog.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Export dialog's choices checked as they are made, before any file
 * chooser: the channel list in the layer's own channel range, a PNG too
 * tall for one picture; its options scrolling on a small screen; its
 * drop-downs' items shown whole; the file name it suggests.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fm-export-dialog.h"
#include "fm-test-files.h"
#include "fm-test-window.h"
#include "fm-window.h"

static GtkWidget *
dialog_child (GtkWindow  *dialog,
              const char *id)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (dialog), FM_TYPE_EXPORT_DIALOG, id);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* The reason shown in the label @id, or NULL when it is hidden. */
static const char *
reason (GtkWindow  *dialog,
        const char *id)
{
  GtkWidget *label = dialog_child (dialog, id);

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static guint
n_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      n += gtk_widget_get_visible (w);
    }
  return n;
}

/* Export… is off, and pressing it (or Enter) shows no file chooser. */
static void
assert_export_refused (GtkWindow *dialog)
{
  guint before = n_toplevels ();

  g_assert_false (gtk_widget_is_sensitive (dialog_child (dialog, "export_button")));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "export.choose", NULL);
  fm_test_settle ();
  g_assert_cmpuint (n_toplevels (), ==, before);
}

static void
set_channels (GtkWindow  *dialog,
              const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "select_row")), text);
  fm_test_settle ();
}

/* Forgets the Export dialog's choices a test made. */
static void
reset_export_settings (GSettings *settings)
{
  g_settings_reset (settings, "export-tile-size");
  g_settings_reset (settings, "export-columns");
  g_settings_reset (settings, "export-format");
  g_settings_reset (settings, "export-scope");
}

/* The channel list is checked as it is typed, with the layer's own
 * channels: "zz" on relu1 (32 channels) says 0 to 31, and Export… is off
 * until it is mended. It used to be read only after the file chooser, and
 * its message quoted the parser's limit, 0 to 1048575. */
static void
test_channels_checked_as_typed (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  /* relu1 of the bundled model has 32 channels (its Conv's 32 filters) */
  const char *range = "0 to 31";
  const char *past = "40";
  GtkWindow *dialog;
  const char *text;

  fm_window_select_layer (window, 0);
  fm_test_settle ();
  dialog = fm_window_open_export (window);
  gtk_window_present (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "scope_row")), 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "format_row")), 0);
  fm_test_settle ();
  g_assert_true (gtk_widget_is_sensitive (dialog_child (dialog, "export_button")));

  set_channels (dialog, "zz");
  assert_export_refused (dialog);
  text = reason (dialog, "channels_problem");
  g_assert_nonnull (text);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "“zz”"));
  g_assert_nonnull (strstr (text, range));
  g_assert_null (strstr (text, "1048575"));

  /* past the layer's last channel */
  set_channels (dialog, past);
  assert_export_refused (dialog);
  text = reason (dialog, "channels_problem");
  g_assert_nonnull (text);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, past));
  g_assert_nonnull (strstr (text, range));

  set_channels (dialog, "3-5, 12");
  g_assert_null (reason (dialog, "channels_problem"));
  g_assert_true (gtk_widget_is_sensitive (dialog_child (dialog, "export_button")));

  /* CSV takes every channel: the list does not hold it back. */
  set_channels (dialog, "zz");
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "format_row")), 3);
  fm_test_settle ();
  g_assert_null (reason (dialog, "channels_problem"));
  g_assert_true (gtk_widget_is_sensitive (dialog_child (dialog, "export_button")));

  gtk_window_destroy (dialog);
  fm_test_close_window (window);
}

/* All layers as one PNG taller than a PNG may be (512-pixel tiles, one
 * column): said beside the format, with PDF offered, before any file
 * chooser; PDF can be exported. It used to fail only after a file name was
 * chosen. */
static void
test_png_too_tall_refused (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *dialog = fm_window_open_export (window);
  const char *text;

  gtk_window_present (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "scope_row")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "format_row")), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (dialog_child (dialog, "tile_size")), 512);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (dialog_child (dialog, "columns")), 1);
  fm_test_settle ();
  assert_export_refused (dialog);
  text = reason (dialog, "format_problem");
  g_assert_nonnull (text);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "PDF"));

  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "format_row")), 1);
  fm_test_settle ();
  g_assert_null (reason (dialog, "format_problem"));
  g_assert_true (gtk_widget_is_sensitive (dialog_child (dialog, "export_button")));

  gtk_window_destroy (dialog);
  reset_export_settings (settings);
  fm_test_close_window (window);
}

/* With a failed write's reason shown, the dialog still fits a 1024 x 600
 * screen (its least height is under 540 pixels, room for a top bar): the
 * options scroll. It used to grow past the screen's bottom, the reason cut
 * off. */
static void
test_fits_small_screen (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *blocker = fm_test_plain_file (fm_test_scratch (), "export-blocked", "x");
  g_autofree char *bad = g_build_filename (blocker, "a folder that cannot be made",
                                           "and another below it", "relu1.png", NULL);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  GtkWindow *dialog = fm_window_open_export (window);
  GtkAdjustment *adj;
  int min, nat, width;

  /* small enough that the options scroll, and scrolled to their end */
  gtk_window_set_default_size (dialog, 480, 300);
  gtk_window_present (dialog);
  fm_test_settle ();
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (dialog_child (dialog,
                                                                                "scroller")));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);
  fm_export_dialog_export_to (FM_EXPORT_DIALOG (dialog), bad_file);
  WAIT_FOR (!fm_export_dialog_is_busy (FM_EXPORT_DIALOG (dialog))
            && fm_export_dialog_get_status (FM_EXPORT_DIALOG (dialog)) != NULL);
  fm_test_settle ();
  width = gtk_widget_get_width (GTK_WIDGET (dialog));
  gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_VERTICAL, width, &min, &nat, NULL,
                      NULL);
  g_test_message ("at %d px wide: at least %d px high, %d px natural", width, min, nat);
  g_assert_cmpint (min, <=, 540);
  /* it shows the reason, at the top */
  g_assert_true (gtk_widget_get_mapped (dialog_child (dialog, "status_label")));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
  gtk_window_destroy (dialog);
  fm_test_close_window (window);
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
      && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    g_ptr_array_add (labels, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_labels (c, labels);
}

static gboolean
is_popover (GtkWidget     *widget,
            gconstpointer  data)
{
  return GTK_IS_POPOVER (widget);
}

/* The texts of @row's items as its list shows them, each checked whole
 * (not ellipsized); the row's own line too. */
static void
assert_items_whole (GtkWindow  *dialog,
                    const char *id)
{
  AdwComboRow *row = ADW_COMBO_ROW (dialog_child (dialog, id));
  GListModel *model = adw_combo_row_get_model (row);
  GtkWidget *popover = fm_test_find (GTK_WIDGET (row), is_popover, NULL);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (model);

  g_assert_nonnull (popover);
  adw_action_row_activate (ADW_ACTION_ROW (row));
  WAIT_FOR (gtk_widget_get_mapped (popover));
  fm_test_settle ();
  collect_labels (popover, labels);
  g_assert_cmpuint (labels->len, ==, n);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      g_test_message ("%s: “%s”", id, gtk_label_get_text (label));
      g_assert_cmpstr (gtk_label_get_text (label), ==, gtk_string_object_get_string (item));
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
    }
  gtk_popover_popdown (GTK_POPOVER (popover));
  fm_test_settle ();

  /* the row's own line, outside the popover */
  g_ptr_array_set_size (labels, 0);
  collect_labels (GTK_WIDGET (row), labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);
      const char *selected = gtk_string_object_get_string (
        GTK_STRING_OBJECT (adw_combo_row_get_selected_item (row)));

      if (gtk_widget_is_ancestor (GTK_WIDGET (label), popover)
          || !g_str_equal (gtk_label_get_text (label), selected))
        continue;
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
      return;
    }
  g_assert_not_reached ();
}

/* The drop-downs' items are shown whole: "PDF document, a page per layer",
 * not "PDF document, a page…"; in the row too, at the dialog's width. */
static void
test_items_whole (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *dialog = fm_window_open_export (window);

  gtk_window_present (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "format_row")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_child (dialog, "only_row")), 1);
  fm_test_settle ();
  assert_items_whole (dialog, "format_row");
  assert_items_whole (dialog, "only_row");
  gtk_window_destroy (dialog);
  g_settings_reset (settings, "export-format");
  fm_test_close_window (window);
}

/* A layer's file is named as the grid names the layer, "relu1", not
 * after its tensor: the bundled model's first layer is the tensor
 * "/relu1/Relu_output_0", which used to give
 * "mnist-cnn-_relu1_Relu_output_0.png". */
static void
test_suggested_name (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *one = NULL;
  g_autofree char *all = NULL;

  fm_window_select_layer (window, 0);
  fm_test_settle ();
  one = fm_test_export_suggested_name (window, 0);
  all = fm_test_export_suggested_name (window, 1);
  g_assert_cmpstr (one, ==, "mnist-cnn-relu1.png");
  g_assert_cmpstr (all, ==, "mnist-cnn-all-layers.png");
  fm_test_close_window (window);
}

static gboolean
is_text (GtkWidget     *widget,
         gconstpointer  data)
{
  return GTK_IS_TEXT (widget);
}

/* Enter exports: the dialog opens with Export… focused (it opened on
 * Cancel, so Enter closed it), and Enter in the channel list opens the
 * file chooser too. */
static void
test_enter_exports (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  GtkWindow *dialog;
  GtkWidget *text;
  GtkWindow *chooser;

  dialog = fm_window_open_export (window);
  gtk_window_present (dialog);
  fm_test_settle ();
  g_assert_true (gtk_window_get_focus (dialog) == dialog_child (dialog, "export_button"));

  set_channels (dialog, "0-3");
  text = fm_test_find (dialog_child (dialog, "select_row"), is_text, NULL);
  g_assert_nonnull (text);
  g_assert_null (fm_test_find_chooser ());
  g_signal_emit_by_name (text, "activate");
  fm_test_settle ();
  chooser = fm_test_find_chooser ();
  g_assert_nonnull (chooser);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  fm_test_settle ();
  gtk_window_destroy (dialog);
  fm_test_close_window (window);
}

/* A dialog that opens on choices it cannot export (every layer as one
 * PNG too tall) starts on the Format row, beside its reason, not on
 * Cancel, which Enter would press. */
static void
test_refused_focus (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *dialog;

  g_settings_set_string (settings, "export-scope", "all");
  g_settings_set_string (settings, "export-format", "png");
  g_settings_set_int (settings, "export-tile-size", 512);
  g_settings_set_int (settings, "export-columns", 1);
  dialog = fm_window_open_export (window);
  gtk_window_present (dialog);
  fm_test_settle ();
  g_assert_false (gtk_widget_is_sensitive (dialog_child (dialog, "export_button")));
  g_assert_nonnull (reason (dialog, "format_problem"));
  g_assert_true (gtk_window_get_focus (dialog) == dialog_child (dialog, "format_row"));
  gtk_window_destroy (dialog);
  reset_export_settings (settings);
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);

  g_test_add_func ("/app/export-dialog/channels-checked-as-typed", test_channels_checked_as_typed);
  g_test_add_func ("/app/export-dialog/png-too-tall-refused", test_png_too_tall_refused);
  g_test_add_func ("/app/export-dialog/fits-small-screen", test_fits_small_screen);
  g_test_add_func ("/app/export-dialog/items-whole", test_items_whole);
  g_test_add_func ("/app/export-dialog/suggested-name", test_suggested_name);
  g_test_add_func ("/app/export-dialog/enter-exports", test_enter_exports);
  g_test_add_func ("/app/export-dialog/refused-focus", test_refused_focus);

  return g_test_run ();
}
