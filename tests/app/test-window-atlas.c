/* test-window-atlas.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's Export Atlas… under a real display (meson runs it under
 * xvfb-run and dbus-run-session): the scan bar's button is there but
 * cannot be used before a scan, can after one (by mouse and by keyboard:
 * it takes the focus), and not again once the model changes; the tile
 * detail has Export Channel… in its header bar.
 */
#include "config.h"

#include <adwaita.h>

#include "fm-colormap.h"
#include "fm-data.h"
#include "fm-test-window.h"
#include "fm-tile-detail.h"
#include "fm-window.h"

/* The descendant of @widget named @name, or NULL. */
static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_enabled_after_scan (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  GtkWidget *button = find_named (GTK_WIDGET (window), "scan_export_atlas");
  g_autofree char *other = fm_data_resolve_model ("mnist-cnn", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (other);

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                   "win.scan-export-atlas");
  fm_test_settle ();
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_false (gtk_widget_get_visible (button));

  fm_test_scan_digits (window);
  fm_test_settle ();
  g_assert_nonnull (fm_window_get_scan (window));
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_true (gtk_widget_get_focusable (button) || gtk_widget_get_focus_on_click (button));
  g_assert_true (gtk_widget_grab_focus (button));

  /* Another model: the scan is gone, and with it the atlas. */
  fm_window_open_model (window, file);
  WAIT_FOR (fm_window_get_scan (window) == NULL &&
            fm_window_get_model (window) != NULL &&
            g_str_has_suffix (fm_window_get_model (window)->path, "mnist-cnn.onnx"));
  fm_test_settle ();
  g_assert_false (gtk_widget_get_sensitive (button));
  fm_test_close_window (window);
}

static void
test_detail_export_channel (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  FmViewOptions options = { fm_colormap_get_default (), FM_NORMALIZE_LAYER, 0, 1, 72 };
  GtkWindow *detail = fm_tile_detail_new (GTK_WINDOW (window), fm_window_get_frame (window), 0,
                                          3, &options, NULL, -1);
  GtkWidget *button = find_named (GTK_WIDGET (detail), "export_channel");

  gtk_window_present (detail);
  fm_test_settle ();
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                   "detail.export-channel");
  g_assert_true (gtk_widget_get_sensitive (button));
  gtk_window_destroy (detail);
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);
  fm_test_fresh_scan_cache ();

  g_test_add_func ("/app/window-atlas/enabled-after-scan", test_enabled_after_scan);
  g_test_add_func ("/app/window-atlas/detail-export-channel", test_detail_export_channel);

  return g_test_run ();
}
