/* test-window-prune.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's Export Pruned Model… under a real display: the scan bar's
 * button is there but hidden and disabled before a scan, usable after
 * one; the pruning runs on the bar, then a dialog reports what went (the
 * scan's dead channels of relu1) and the file loads as a model with
 * fewer channels; Stop writes nothing.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fm-test-files.h"
#include "fm-test-window.h"
#include "fm-window.h"

/* The report dialog's text, or NULL while there is none. */
static GtkWidget *
report_dialog (void)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (tops, i);

      if (g_strcmp0 (gtk_widget_get_name (w), "prune_report") == 0)
        return w;
    }
  return NULL;
}

static const char *
dialog_text (GtkWidget *dialog)
{
  GtkWidget *scroller = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  GtkWidget *label = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));

  if (GTK_IS_VIEWPORT (label))
    label = gtk_viewport_get_child (GTK_VIEWPORT (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
test_written (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  GtkWidget *button = fm_test_find_named (GTK_WIDGET (window), "scan_export_pruned");
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "window-prune");
  g_autofree char *path = g_build_filename (dir, "pruned.onnx", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FmModel) pruned = NULL;
  g_autofree char *want = NULL;
  const FmScanResult *scan;
  GtkWidget *dialog;
  GError *error = NULL;
  int relu1;

  g_assert_nonnull (button);
  fm_test_settle ();
  g_assert_false (gtk_widget_get_visible (button));
  g_assert_false (gtk_widget_get_sensitive (button));
  fm_test_scan_digits (window);
  fm_test_settle ();
  scan = fm_window_get_scan (window);
  g_assert_nonnull (scan);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_get_sensitive (button));
  relu1 = fm_scan_result_find_layer (scan, "/relu1/Relu_output_0");
  g_assert_cmpint (relu1, >=, 0);
  want = g_strdup_printf ("relu1: removed %u of 32 channels", scan->layers[relu1].n_dead);

  fm_window_export_pruned (window, file);
  g_assert_true (fm_window_is_scanning (window));
  g_assert_false (gtk_widget_get_sensitive (button));
  WAIT_FOR (!fm_window_is_scanning (window));
  WAIT_FOR (report_dialog () != NULL);
  dialog = report_dialog ();
  g_test_message ("%s", dialog_text (dialog));
  g_assert_nonnull (strstr (dialog_text (dialog), want));
  g_assert_nonnull (strstr (dialog_text (dialog), "Outputs agree on 2000 images."));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "pruned.onnx"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  pruned = fm_model_load_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pruned->producer_name, ==, "feature-maps prune (from pytorch 1.13.0)");
  fm_test_close_window (window);
}

static void
test_stopped (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "window-prune-stop");
  g_autofree char *path = g_build_filename (dir, "pruned.onnx", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  fm_test_scan_digits (window);
  fm_window_export_pruned (window, file);
  g_assert_true (fm_window_is_scanning (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.scan-cancel", NULL);
  WAIT_FOR (!fm_window_is_scanning (window));
  fm_test_settle ();
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "nothing was written"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);
  fm_test_fresh_scan_cache ();

  g_test_add_func ("/app/window-prune/written", test_written);
  g_test_add_func ("/app/window-prune/stopped", test_stopped);
  return g_test_run ();
}
