/* test-window-atlas.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's Export Atlas… under a real display (meson runs it under
 * xvfb-run and dbus-run-session): the scan bar's button is there but
 * cannot be used before a scan, can after one (by mouse and by keyboard:
 * it takes the focus), and not again once the model changes; it writes
 * the model's atlas on the scan's bar and the bar shows the scan again; the tile
 * detail has Export Channel… in its header bar. The Export dialog, set to
 * PDF, writes the window's scan marks and their key into a PDF (read back
 * with poppler-utils' pdftotext when it is installed).
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fm-colormap.h"
#include "fm-data.h"
#include "fm-export-dialog.h"
#include "fm-test-files.h"
#include "fm-test-window.h"
#include "fm-tile-detail.h"
#include "fm-window.h"

static void
test_enabled_after_scan (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  GtkWidget *button = fm_test_find_named (GTK_WIDGET (window), "scan_export_atlas");
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

/* pdfinfo's line starting @key for @pdf, or NULL where poppler-utils is
 * missing. */
static char *
pdfinfo_line (const char *pdf,
              const char *key)
{
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  if (pdfinfo == NULL)
    return NULL;
  g_assert_true (g_spawn_sync (NULL, (char *[]) { pdfinfo, (char *) pdf, NULL }, NULL,
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                               NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], key))
      return g_strdup (lines[i]);
  return NULL;
}

/* Export Atlas… runs on the scan's bar: while it writes, the bar is busy
 * (no second atlas, no scan); afterwards the bar shows the scan's result
 * again, a toast names the file, and the file is the model's atlas. */
static void
test_atlas_written (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "window-atlas");
  g_autofree char *pdf = g_build_filename (dir, "atlas.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (pdf);
  g_autofree char *status = NULL;
  g_autofree char *title = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  fm_test_scan_digits (window);
  g_assert_nonnull (fm_window_get_scan (window));
  status = g_strdup (fm_window_get_scan_status (window));
  fm_window_export_atlas (window, file);
  g_assert_true (fm_window_is_scanning (window));
  g_assert_false (gtk_widget_get_sensitive (fm_test_find_named (GTK_WIDGET (window),
                                                                "scan_export_atlas")));
  WAIT_FOR (!fm_window_is_scanning (window));
  g_assert_true (gtk_widget_get_sensitive (fm_test_find_named (GTK_WIDGET (window),
                                                               "scan_export_atlas")));
  g_assert_cmpstr (fm_window_get_scan_status (window), ==, status);
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "atlas.pdf"));
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 5);
  g_assert_true (memcmp (contents, "%PDF-", 5) == 0);
  title = pdfinfo_line (pdf, "Title:");
  if (title == NULL)
    g_test_message ("pdfinfo (poppler-utils) is not installed: the PDF's title is not read");
  else
    g_assert_cmpstr (title, ==, "Title:           Channel atlas of mnist-cnn-dying.onnx");
  fm_test_close_window (window);
}

static void
test_detail_export_channel (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  FmViewOptions options = { fm_colormap_get_default (), FM_NORMALIZE_LAYER, 0, 1, 72 };
  GtkWindow *detail = fm_tile_detail_new (GTK_WINDOW (window), fm_window_get_frame (window), 0,
                                          3, &options, NULL, -1);
  GtkWidget *button = fm_test_find_named (GTK_WIDGET (detail), "export_channel");

  gtk_window_present (detail);
  fm_test_settle ();
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                   "detail.export-channel");
  g_assert_true (gtk_widget_get_sensitive (button));
  gtk_window_destroy (detail);
  fm_test_close_window (window);
}

static void
test_dialog_pdf_with_scan (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "dialog-pdf");
  g_autofree char *pdf = g_build_filename (dir, "relu1.pdf", NULL);
  g_autoptr(GFile) pdf_file = g_file_new_for_path (pdf);
  g_autofree char *contents = NULL;
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  GtkWindow *dialog;
  gsize len;

  fm_test_scan_digits (window);
  g_assert_nonnull (fm_window_get_scan (window));
  g_settings_set_string (settings, "export-format", "pdf");
  dialog = fm_window_open_export (window);
  g_assert_nonnull (dialog);
  gtk_window_present (dialog);
  fm_export_dialog_export_to (FM_EXPORT_DIALOG (dialog), pdf_file);
  WAIT_FOR (fm_window_get_last_toast (window) != NULL &&
            strstr (fm_window_get_last_toast (window), "relu1.pdf") != NULL);
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 5);
  g_assert_true (memcmp (contents, "%PDF-", 5) == 0);
  if (pdftotext == NULL)
    g_test_message ("pdftotext (poppler-utils) is not installed: the PDF's text is not read");
  else
    {
      g_autofree char *text = NULL;
      int status;

      g_assert_true (g_spawn_sync (NULL, (char *[]) { pdftotext, pdf, (char *) "-", NULL },
                                   NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &text, NULL,
                                   &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      /* The scan's key, naming the dataset, beside the hatching's. */
      g_assert_nonnull (strstr (text, "mnist-heldout-images-idx3-ubyte.gz"));
      g_assert_nonnull (strstr (text, "zero everywhere for this input"));
    }
  g_settings_reset (settings, "export-format");
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);
  fm_test_fresh_scan_cache ();

  g_test_add_func ("/app/window-atlas/enabled-after-scan", test_enabled_after_scan);
  g_test_add_func ("/app/window-atlas/written", test_atlas_written);
  g_test_add_func ("/app/window-atlas/detail-export-channel", test_detail_export_channel);
  g_test_add_func ("/app/window-atlas/dialog-pdf-with-scan", test_dialog_pdf_with_scan);

  return g_test_run ();
}
