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
#include <unistd.h>

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
  g_assert_cmpstr (pruned->producer_name, ==, "pytorch");
  g_assert_nonnull (fm_model_get_metadata (pruned, "feature_maps.pruned_by"));
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

/* The open model is never the pruned model's file (the chooser asks only
 * whether to replace it), and a model whose file has changed since the
 * scan is not pruned from the new contents. */
static void
test_protects_model (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "window-prune-own");
  g_autofree char *path = g_build_filename (dir, "mine.onnx", NULL);
  g_autofree char *other = g_build_filename (dir, "other.onnx", NULL);
  g_autofree char *link = g_build_filename (dir, "link.onnx", NULL);
  g_autoptr(GFile) link_file = g_file_new_for_path (link);
  g_autofree char *dying = g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn-dying.onnx",
                                             NULL);
  g_autofree char *healthy = g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn.onnx",
                                               NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) other_file = g_file_new_for_path (other);
  g_autofree char *bytes = NULL;
  g_autofree char *after = NULL;
  gsize len, after_len;

  g_assert_true (g_file_get_contents (dying, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
  fm_window_open_model (window, file);
  WAIT_FOR (g_str_has_suffix (fm_window_get_model (window)->path, "mine.onnx"));
  fm_test_scan_digits (window);
  fm_test_settle ();

  /* Onto the open model, by its name or through a link, and an atlas
   * onto it: refused, the file untouched. */
  g_assert_cmpint (symlink (path, link), ==, 0);
  fm_window_export_pruned (window, file);
  g_assert_false (fm_window_is_scanning (window));
  g_test_message ("%s", fm_window_get_last_toast (window));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "was not written"));
  fm_window_export_pruned (window, link_file);
  g_assert_false (fm_window_is_scanning (window));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "link.onnx is the model"));
  fm_window_export_atlas (window, file);
  g_assert_false (fm_window_is_scanning (window));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "The atlas was not written"));
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, bytes, len);
  g_clear_pointer (&after, g_free);

  /* The model's file replaced by another model after the scan. */
  g_assert_true (g_file_get_contents (healthy, &after, &after_len, NULL));
  g_assert_true (g_file_set_contents (path, after, (gssize) after_len, NULL));
  fm_window_export_pruned (window, other_file);
  WAIT_FOR (!fm_window_is_scanning (window));
  fm_test_settle ();
  g_test_message ("%s", fm_window_get_last_toast (window));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "has changed since it was scanned"));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
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
  g_test_add_func ("/app/window-prune/protects-model", test_protects_model);
  return g_test_run ();
}
