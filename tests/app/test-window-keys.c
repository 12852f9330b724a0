/* test-window-keys.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window from the keyboard, keys pressed as GTK delivers them
 * (fm-test-keys.c): F8 and F9 take the focus into the panel they open and
 * give it back to a visible widget when it closes; a layer chosen in the
 * list laid over the tiles closes the list; Escape closes the topmost
 * thing first, then stops a scan, then a comparison; F10 and a letter run
 * one menu item.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fm-data.h"
#include "fm-draw-pad.h"
#include "fm-scan.h"
#include "fm-test-files.h"
#include "fm-test-keys.h"
#include "fm-test-window.h"
#include "fm-window.h"

/* A window @width x @height on the bundled @model showing @picture
 * (NULL: the empty canvas), laid out. */
static FmWindow *
open_sized_window (const char *model,
                   const char *picture,
                   int         width,
                   int         height)
{
  FmWindow *window = fm_test_open_window_sized (model, width, height);

  if (picture != NULL)
    {
      g_autofree char *image = fm_data_find (picture, NULL);
      g_autoptr(GFile) image_file = g_file_new_for_path (image);
      guint frames = fm_window_get_n_frames (window);

      fm_window_open_image (window, image_file);
      WAIT_FOR (fm_window_get_n_frames (window) > frames
                && !fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));
    }
  fm_test_settle ();
  return window;
}

static GtkWidget *
focus_of (FmWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static gboolean
focus_inside (FmWindow  *window,
              GtkWidget *area)
{
  GtkWidget *focus = focus_of (window);

  return focus != NULL && (focus == area || gtk_widget_is_ancestor (focus, area));
}

/* The focus is on a widget one can see: mapped, and not in a panel that
 * is closed or closing. */
static void
assert_focus_visible (FmWindow *window)
{
  GtkWidget *focus = focus_of (window);
  const char *flaps[] = { "input_flap", "layers_flap" };

  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_get_mapped (focus));
  for (guint i = 0; i < G_N_ELEMENTS (flaps); i++)
    {
      AdwFlap *flap = ADW_FLAP (fm_test_window_child (window, flaps[i]));

      if (!adw_flap_get_reveal_flap (flap))
        g_assert_false (focus_inside (window, adw_flap_get_flap (flap)));
    }
}

static int
selected_row (FmWindow *window)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (GTK_LIST_BOX (fm_window_get_layer_list (window)));

  return row != NULL ? gtk_list_box_row_get_index (row) : -1;
}

/* At 1024 x 600 the layer list folds away. F9 lays it over the tiles
 * with the focus on the selected layer; Down, Down, Enter chooses the
 * second layer, as one would expect, and the list makes way for its tiles,
 * which take the focus. The keys used to go to the input pane, where
 * Down, Down, Enter pressed Clear and the picture was gone. */
static void
test_layers_panel_focus (void)
{
  FmWindow *window = open_sized_window ("mnist-cnn", "digits/digit-7.png", 1024, 600);
  AdwFlap *layers = ADW_FLAP (fm_test_window_child (window, "layers_flap"));
  GtkWidget *list = fm_window_get_layer_list (window);
  FmDrawPad *pad = fm_window_get_draw_pad (window);

  g_assert_true (adw_flap_get_folded (layers));
  g_assert_false (adw_flap_get_reveal_flap (layers));
  g_assert_cmpint (selected_row (window), ==, 0);

  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F9, 0));
  g_assert_true (adw_flap_get_reveal_flap (layers));
  WAIT_FOR (focus_inside (window, list));
  g_assert_true (focus_of (window)
                 == GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0)));

  fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Down, 0);
  fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Down, 0);
  fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Return, 0);
  fm_test_settle ();
  g_assert_cmpint (selected_row (window), ==, 2);
  g_assert_false (adw_flap_get_reveal_flap (layers));
  g_assert_false (fm_draw_pad_is_empty (pad));
  /* on a tile of the chosen layer */
  g_assert_true (focus_inside (window, fm_window_get_section (window, 1)));
  assert_focus_visible (window);

  /* F9 again, and F9 to close: the focus comes back to that tile. */
  {
    GtkWidget *tile = focus_of (window);

    g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F9, 0));
    WAIT_FOR (focus_inside (window, list));
    g_assert_true (focus_of (window)
                   == GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 2)));
    g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F9, 0));
    g_assert_false (adw_flap_get_reveal_flap (layers));
    g_assert_true (focus_of (window) == tile);
  }
  fm_test_close_window (window);
}

/* F8 opens the input pane with the focus on the canvas and closes it with
 * the focus back where it was; at 1024 x 600 the pane is beside the tiles,
 * and the focus must not stay in it while it slides away. */
static void
test_input_panel_focus (void)
{
  FmWindow *window = open_sized_window ("mnist-cnn", NULL, 1024, 600);
  AdwFlap *input = ADW_FLAP (fm_test_window_child (window, "input_flap"));
  GtkWidget *pane = adw_flap_get_flap (input);
  GtkWidget *before = GTK_WIDGET (fm_test_window_child (window, "filter_dropdown"));

  g_assert_false (adw_flap_get_folded (input));
  g_assert_true (adw_flap_get_reveal_flap (input));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (fm_window_get_draw_pad (window))));

  /* Closing with the focus inside: not left on the hidden canvas. */
  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F8, 0));
  g_assert_false (adw_flap_get_reveal_flap (input));
  assert_focus_visible (window);
  WAIT_FOR (!gtk_widget_get_mapped (pane));
  assert_focus_visible (window);

  g_assert_true (gtk_widget_grab_focus (before));
  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F8, 0));
  WAIT_FOR (focus_inside (window, pane));
  g_assert_true (focus_of (window) == GTK_WIDGET (fm_window_get_draw_pad (window)));
  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F8, 0));
  g_assert_true (focus_inside (window, before));
  fm_test_close_window (window);
}

/* Escape closes the topmost thing first. At 800 x 600 both panels fold
 * away: with the input pane laid over the layer list laid over a
 * comparison, Escape closes the input pane, then the layer list, and only
 * then stops comparing. It used to stop the comparison at once and leave
 * the panels open. */
static void
test_escape_topmost_first (void)
{
  FmWindow *window = open_sized_window ("mnist-cnn", NULL, 800, 600);
  AdwFlap *input = ADW_FLAP (fm_test_window_child (window, "input_flap"));
  AdwFlap *layers = ADW_FLAP (fm_test_window_child (window, "layers_flap"));
  g_autofree char *path_b = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autoptr(GFile) file_b = g_file_new_for_path (path_b);

  fm_window_compare_with (window, file_b);
  WAIT_FOR (fm_window_get_compare_model (window) != NULL);
  fm_test_settle ();
  g_assert_true (adw_flap_get_folded (input));
  g_assert_true (adw_flap_get_folded (layers));

  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F9, 0));
  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F8, 0));
  WAIT_FOR (focus_inside (window, adw_flap_get_flap (input)));

  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  g_assert_false (adw_flap_get_reveal_flap (input));
  g_assert_true (adw_flap_get_reveal_flap (layers));
  g_assert_nonnull (fm_window_get_compare_model (window));
  assert_focus_visible (window);

  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  g_assert_false (adw_flap_get_reveal_flap (layers));
  g_assert_nonnull (fm_window_get_compare_model (window));
  assert_focus_visible (window);

  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  g_assert_null (fm_window_get_compare_model (window));
  /* Nothing left for it (once the panels have slid away: AdwFlap takes
   * Escape while one still slides). */
  WAIT_FOR (adw_flap_get_reveal_progress (input) == 0 && adw_flap_get_reveal_progress (layers) == 0);
  g_assert_false (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  fm_test_close_window (window);
}

/* @n images of noise in an IDX file in the scratch folder, new every run
 * (no earlier scan in the cache fits), enough for a scan that lasts. */
static char *
write_noise_idx (const char *name,
                 guint       n)
{
  const guint8 header[16] = { 0, 0, 8, 3, n >> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff,
                              0, 0, 0, 28, 0, 0, 0, 28 };
  gsize size = sizeof header + (gsize) n * 28 * 28;
  g_autofree guint8 *bytes = g_malloc (size);
  guint32 x = g_random_int () | 1;
  char *path = g_build_filename (fm_test_scratch (), name, NULL);

  memcpy (bytes, header, sizeof header);
  for (gsize i = sizeof header; i < size; i++)
    {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      bytes[i] = (guint8) x;
    }
  g_assert_true (g_file_set_contents (path, (const char *) bytes, (gssize) size, NULL));
  return path;
}

/* Escape stops a running dataset scan as the bar's Stop does, and the
 * scan keeps what it found; only when nothing lies on top of it (here the
 * layer list, laid over the tiles at 800 x 600, goes first), and before a
 * comparison (the second Escape leaves it, the third stops it). Escape
 * used to stop the comparison and let the scan run. The Shortcuts window
 * lists it. */
static void
test_escape_stops_scan (void)
{
  FmWindow *window = open_sized_window ("mnist-cnn", NULL, 800, 600);
  AdwFlap *layers = ADW_FLAP (fm_test_window_child (window, "layers_flap"));
  g_autofree char *noise = write_noise_idx ("noise-60000-images-idx3-ubyte", 60000);
  g_autofree char *path_b = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autoptr(GFile) file_b = g_file_new_for_path (path_b);
  FmScanResult *scan;

  fm_window_compare_with (window, file_b);
  WAIT_FOR (fm_window_get_compare_model (window) != NULL);
  fm_test_fresh_scan_cache ();
  fm_window_start_scan (window, noise);
  WAIT_FOR (!fm_window_is_scanning (window)
            || strstr (fm_window_get_scan_status (window), " images/s") != NULL);
  g_assert_true (fm_window_is_scanning (window));

  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_F9, 0));
  g_assert_true (adw_flap_get_reveal_flap (layers));
  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  g_assert_false (adw_flap_get_reveal_flap (layers));
  g_assert_true (fm_window_is_scanning (window));

  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  g_assert_nonnull (fm_window_get_compare_model (window));
  WAIT_FOR (!fm_window_is_scanning (window));
  scan = fm_window_get_scan (window);
  g_assert_nonnull (scan);
  g_assert_true (scan->partial);
  g_assert_cmpuint (scan->images, >, 0);
  g_assert_cmpuint (scan->images, <, 60000);
  g_test_message ("stopped after %" G_GUINT64_FORMAT " images", scan->images);
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), "Partial"));

  g_assert_true (fm_test_press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  g_assert_null (fm_window_get_compare_model (window));
  /* The scan shown stays. */
  g_assert_true (fm_window_get_scan (window) == scan);
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

/* The Shortcuts window has Escape for the scan beside Escape for the
 * comparison. */
static void
test_shortcuts_list_escape (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/featuremaps/FeatureMaps/gtk/help-overlay.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  guint scan = 0, compare = 0;

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *title = NULL;
      g_autofree char *accel = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "title", &title, "accelerator", &accel, NULL);
      if (g_strcmp0 (accel, "Escape") != 0)
        continue;
      g_test_message ("Escape: %s", title);
      scan += strstr (title, "scan") != NULL;
      compare += strstr (title, "comparing") != NULL;
    }
  g_assert_cmpuint (scan, ==, 1);
  g_assert_cmpuint (compare, ==, 1);
  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
}

/* ---- the menus' mnemonics ------------------------------------------------ */

/* The mnemonic of a menu label as GTK reads it: the character after the
 * first lone '_' ("__" shows one underscore), lower-cased; 0 for none. */
static gunichar
label_mnemonic (const char *label)
{
  for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
    if (*p == '_')
      {
        p++;
        if (*p == '\0')
          return 0;
        if (*p != '_')
          return g_unichar_tolower (g_utf8_get_char (p));
      }
  return 0;
}

/* What a menu shows of @label: mnemonic underscores gone, "__" as "_". */
static char *
label_shown (const char *label)
{
  GString *s = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    if (*p != '_' || (p[1] == '_' && p++))
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

/* The items of one menu level of @menu (its sections are shown on the
 * same level): no two share a mnemonic, and each has one unless it names a
 * file (@files, the Recent Models). A submenu is a level of its own. */
static void
check_menu_level (GMenuModel *menu,
                  GMenuModel *files,
                  GHashTable *taken,
                  guint      *n_items)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SUBMENU);
      g_autofree char *label = NULL;
      gunichar m;

      if (section != NULL)
        {
          check_menu_level (section, files, taken, n_items);
          continue;
        }
      g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s",
                                                      &label));
      (*n_items)++;
      m = label_mnemonic (label);
      g_test_message ("%s: %s", label, m != 0 ? "has a mnemonic" : "none");
      if (m == 0)
        g_assert_true (menu == files);
      else if (g_hash_table_contains (taken, GUINT_TO_POINTER (m)))
        g_error ("“%s” and “%s” share a mnemonic", label,
                 (const char *) g_hash_table_lookup (taken, GUINT_TO_POINTER (m)));
      else
        g_hash_table_insert (taken, GUINT_TO_POINTER (m), g_strdup (label));
      if (submenu != NULL)
        {
          g_autoptr(GHashTable) level = g_hash_table_new_full (NULL, NULL, NULL, g_free);

          check_menu_level (submenu, files, level, n_items);
        }
    }
}

/* F10 and a letter run one item of the main menu: no two items of a menu
 * share a letter (_Export… and Show _Every Node did, and e ran neither).
 * The Recent Models name files, whose underscores are their own: shown,
 * and no mnemonic ("x_net.onnx" showed as "xnet.onnx" with n underlined,
 * the letter of "y_net.onnx" too). */
static void
test_menu_mnemonics (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *x = g_build_filename (fm_test_scratch (), "x_net.onnx", NULL);
  g_autofree char *y = g_build_filename (fm_test_scratch (), "y_net.onnx", NULL);
  const char *recent[] = { x, y, NULL };
  FmWindow *window;
  GMenuModel *menu, *files;
  g_autoptr(GHashTable) top = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  guint n_items = 0;

  /* Only listed, never opened: any bytes do. */
  g_assert_true (g_file_set_contents (x, "x", -1, NULL));
  g_assert_true (g_file_set_contents (y, "y", -1, NULL));
  g_settings_set_strv (settings, "recent-models", recent);
  window = fm_test_open_window ("mnist-cnn");
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (fm_test_window_child (window,
                                                                                "menu_button")));
  files = G_MENU_MODEL (fm_test_window_child (window, "recent_menu"));
  g_assert_cmpint (g_menu_model_get_n_items (files), ==, 3);
  for (int i = 0; i < g_menu_model_get_n_items (files); i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *shown = NULL;

      g_menu_model_get_item_attribute (files, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      shown = label_shown (label);
      g_assert_true (g_str_equal (shown, "mnist-cnn.onnx") || g_str_equal (shown, "x_net.onnx")
                     || g_str_equal (shown, "y_net.onnx"));
    }
  check_menu_level (menu, files, top, &n_items);
  /* 14 items of the menu, 2 bundled models, 3 recent ones */
  g_assert_cmpuint (n_items, ==, 19);
  fm_test_close_window (window);
  g_settings_reset (settings, "recent-models");
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);

  g_test_add_func ("/app/window/keys/layers-panel-focus", test_layers_panel_focus);
  g_test_add_func ("/app/window/keys/input-panel-focus", test_input_panel_focus);
  g_test_add_func ("/app/window/keys/escape-topmost-first", test_escape_topmost_first);
  g_test_add_func ("/app/window/keys/escape-stops-scan", test_escape_stops_scan);
  g_test_add_func ("/app/window/keys/shortcuts-list-escape", test_shortcuts_list_escape);
  g_test_add_func ("/app/window/keys/menu-mnemonics", test_menu_mnemonics);

  return g_test_run ();
}
