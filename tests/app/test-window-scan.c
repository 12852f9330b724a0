/* test-window-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's dataset scan under a real display (meson runs it under
 * xvfb-run and dbus-run-session): a dataset that breaks mid-way (a gzip
 * IDX file whose header promises more digits than it holds) keeps the
 * partial result, labelled partial, and a toast says why, naming the
 * file; a .tar shard and an .npy array are scanned whole, and a truncated
 * shard is refused in a toast naming it.
 * file. Open Scan Result… shows the merge of two shards scanned here as
 * the window's scan, and refuses it, saying why, for another model or
 * a scan made with other input settings.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <zlib.h>

#include "fm-application.h"
#include "fm-test-archive.h"
#include "fm-data.h"
#include "fm-test-files.h"
#include "fm-test-image.h"
#include "fm-test-window.h"
#include "fm-window.h"

static const char *tmp_dir;

/* A gzip idx3-ubyte file whose header promises @promised 28 x 28 digits
 * of noise but which holds @held. */
static char *
write_short_idx (const char *name,
                 guint       promised,
                 guint       held)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  const guint8 header[16] = { 0, 0, 8, 3, 0, 0, 0, promised, 0, 0, 0, 28, 0, 0, 0, 28 };
  g_autofree guint8 *pixels = g_new (guint8, held * 28 * 28);
  gzFile f;

  g_assert_cmpuint (promised, <, 256);
  for (guint i = 0; i < held * 28 * 28; i++)
    pixels[i] = (guint8) g_random_int_range (0, 256);
  f = gzopen (path, "wb");
  g_assert_nonnull (f);
  g_assert_cmpint (gzwrite (f, header, sizeof header), ==, (int) sizeof header);
  g_assert_cmpint (gzwrite (f, pixels, held * 28 * 28), ==, (int) (held * 28 * 28));
  g_assert_cmpint (gzclose (f), ==, Z_OK);
  return path;
}

/* The reader's error used to go to the log only: now the toast says it. */
static void
test_dataset_breaks_mid_scan (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *idx = write_short_idx ("short-images-idx3-ubyte.gz", 50, 20);
  FmScanResult *scan;
  const char *toast;

  fm_window_start_scan (window, idx);
  WAIT_FOR (!fm_window_is_scanning (window));

  scan = fm_window_get_scan (window);
  g_assert_nonnull (scan);
  g_assert_true (scan->partial);
  g_assert_cmpuint (scan->images, ==, 20);
  g_assert_cmpuint (scan->total, ==, 50);
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), "Partial"));

  toast = fm_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_test_message ("%s", toast);
  g_assert_true (g_str_has_prefix (toast, "Could not scan: "));
  g_assert_nonnull (strstr (toast, "short-images-idx3-ubyte.gz"));
  fm_test_close_window (window);
}

/* The first button in @widget's tree that activates @action. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_action_button (c, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Opening another model while a scan runs stops it and says so: the bar
 * used to vanish without a word (on ResNet-18 a scan runs for minutes).
 * Scan Dataset… is off while it runs. */
static void
test_model_switch_stops_scan (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(GByteArray) npy = fm_test_npy_header ("|u1", "(20000, 28, 28)", FALSE);
  g_autofree char *path = g_build_filename (tmp_dir, "zeros.npy", NULL);
  g_autofree char *dying = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dying);

  g_byte_array_set_size (npy, npy->len + 20000 * 28 * 28);   /* zeros after the header */
  memset (npy->data + npy->len - 20000 * 28 * 28, 0, 20000 * 28 * 28);
  fm_test_write_bytes (path, npy->data, npy->len);
  fm_window_start_scan (window, path);
  g_assert_true (fm_window_is_scanning (window));
  /* Scan Dataset… cannot be pressed while it runs (it did nothing) */
  g_assert_false (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (window), "win.scan")));
  fm_window_open_model (window, file);
  WAIT_FOR (g_str_equal (fm_window_get_model (window)->path, dying));
  g_assert_cmpstr (fm_window_get_last_toast (window), ==,
                   "The scan stopped: another model was opened");
  WAIT_FOR (!fm_window_is_scanning (window));
  g_assert_null (fm_window_get_scan (window));
  g_assert_true (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (window), "win.scan")));
  fm_test_close_window (window);
}

/* The Scan a Dataset dialog open on top of @window, or NULL. */
static AdwMessageDialog *
scan_dialog (FmWindow *window)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      return l->data;
  return NULL;
}

/* Scan Dataset… suggests the bundled digits to a gray model (MNIST's
 * own) and a folder to a model of colour pictures (the PyTorch RGB
 * fixture), for which 28 x 28 gray digits mean nothing. */
static void
test_dialog_suggestion (void)
{
  static const char *const models[2] = { NULL, "tiny_resnet" };
  static const char *const want[2] = { "bundled", "folder" };
  static const char *const labels[2] = { "_Bundled Digits", "_Folder…" };

  for (guint i = 0; i < 2; i++)
    {
      FmWindow *window = fm_test_open_window ("mnist-cnn");
      AdwMessageDialog *dialog;

      if (models[i] != NULL)
        {
          g_autofree char *path = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch",
                                                    models[i], "model.onnx", NULL);
          g_autoptr(GFile) file = g_file_new_for_path (path);

          fm_window_open_model (window, file);
          WAIT_FOR (g_str_equal (fm_window_get_model (window)->path, path));
        }
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.scan", NULL));
      dialog = scan_dialog (window);
      g_assert_nonnull (dialog);
      g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, want[i]);
      g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, want[i]), ==,
                       ADW_RESPONSE_SUGGESTED);
      /* Enter presses it: the focus is on its button, not on the first */
      fm_test_settle ();
      g_assert_true (GTK_IS_BUTTON (gtk_window_get_focus (GTK_WINDOW (dialog))));
      g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (gtk_window_get_focus (
                         GTK_WINDOW (dialog)))), ==, labels[i]);
      gtk_window_destroy (GTK_WINDOW (dialog));
      fm_test_close_window (window);
    }
}

/* A folder of two digits and a text file named as a picture: the bar says
 * there is a warning, and its tooltip which file and why. */
static void
test_folder_warning (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = fm_test_fresh_dir (tmp_dir, "warned");
  g_autofree char *bad = g_build_filename (dir, "bad.png", NULL);
  const char *tip;

  fm_test_copy_digits (dir, (const char *[]) { "digit-0.png", "digit-7.png", NULL });
  g_assert_true (g_file_set_contents (bad, "not a picture\n", -1, NULL));
  fm_window_start_scan (window, dir);
  WAIT_FOR (!fm_window_is_scanning (window));
  g_test_message ("%s", fm_window_get_scan_status (window));
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), "2 images"));
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), " · 1 warning"));
  tip = gtk_widget_get_tooltip_text (fm_test_find_named (GTK_WIDGET (window), "scan_label"));
  g_assert_cmpstr (tip, ==, "bad.png: not a JPEG or PNG picture");
  fm_test_close_window (window);
}

/* A .tar shard of @n 28 x 28 PNGs of noise (cut short by @cut bytes) and
 * an .npy [n, 28, 28] of the same; returns the shard's path. */
static char *
write_tar_and_npy (const char *name,
                   guint       n,
                   gsize       cut,
                   char      **npy_path)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GByteArray) npy = fm_test_npy_header ("|u1", "(30, 28, 28)", FALSE);
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_cmpuint (n, ==, 30);
  for (guint i = 0; i < n; i++)
    {
      guint8 pixels[28 * 28];
      g_autoptr(GByteArray) png = NULL;
      g_autofree char *member = g_strdup_printf ("%03u.png", i);

      for (guint p = 0; p < sizeof pixels; p++)
        pixels[p] = (guint8) g_random_int_range (0, 256);
      png = fm_test_encode_png (28, 28, PNG_COLOR_TYPE_GRAY, 8, pixels, NULL, 0, NULL, 0);
      fm_test_tar_add (tar, member, png->data, png->len);
      g_byte_array_append (npy, pixels, sizeof pixels);
    }
  fm_test_tar_end (tar);
  fm_test_write_bytes (path, tar->data, tar->len - cut);
  if (npy_path != NULL)
    {
      *npy_path = g_build_filename (tmp_dir, "noise.npy", NULL);
      fm_test_write_bytes (*npy_path, npy->data, npy->len);
    }
  return path;
}

static void
test_tar_and_npy (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *npy = NULL;
  g_autofree char *tar = write_tar_and_npy ("noise.tar", 30, 0, &npy);
  g_autofree char *cut = write_tar_and_npy ("cut.tar", 30, 1500, NULL);
  const char *datasets[2] = { tar, npy };
  const char *toast;

  for (guint i = 0; i < 2; i++)
    {
      FmScanResult *scan;

      fm_window_start_scan (window, datasets[i]);
      WAIT_FOR (!fm_window_is_scanning (window));
      scan = fm_window_get_scan (window);
      g_assert_nonnull (scan);
      g_assert_false (scan->partial);
      g_assert_cmpuint (scan->images, ==, 30);
    }

  fm_window_start_scan (window, cut);
  WAIT_FOR (!fm_window_is_scanning (window));
  toast = fm_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_test_message ("%s", toast);
  g_assert_nonnull (strstr (toast, "cut.tar"));
  fm_test_close_window (window);
}

/* The bundled digits through the bundled dying model (its own input
 * settings but @invert), shard @k of @n (0: all), written to @name. */
static FmScanResult *
scan_digits (guint     k,
             guint     n,
             FmInvert  invert)
{
  g_autofree char *model_path = fm_data_find ("models/mnist-cnn-dying.onnx", NULL);
  g_autofree char *digits = fm_test_heldout_digits ();
  g_autoptr(FmModel) model = fm_model_load_file (model_path, NULL, NULL);
  g_autoptr(FmDataset) dataset = fm_dataset_open (digits, NULL, NULL);
  g_autoptr(FmScan) scan = NULL;
  FmScanOptions o;

  fm_scan_options_init (&o);
  g_assert_true (fm_preprocess_init_from_model (&o.preprocess, model, NULL));
  o.preprocess.invert = invert;
  o.shard_index = k;
  o.shard_count = n;
  scan = fm_scan_new (model, dataset, &o);
  g_assert_true (fm_scan_run (scan, NULL, NULL, NULL, NULL));
  return fm_scan_result_ref (fm_scan_get_result (scan));
}

static GFile *
write_result (const FmScanResult *r,
              const char         *name)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(JsonNode) root = fm_scan_result_to_json (r);
  g_autofree char *text = json_to_string (root, TRUE);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_file_new_for_path (path);
}

/* Opening @file in @window shows no scan and a toast holding @name and
 * @why. */
static void
assert_refused (FmWindow   *window,
                GFile      *file,
                const char *name,
                const char *why)
{
  const char *toast;

  fm_window_open_scan_result (window, file);
  WAIT_FOR (fm_window_get_last_toast (window) != NULL);
  toast = fm_window_get_last_toast (window);
  g_test_message ("%s", toast);
  g_assert_nonnull (strstr (toast, name));
  g_assert_nonnull (strstr (toast, why));
  g_assert_null (fm_window_get_scan (window));
}

static void
test_open_scan_result (void)
{
  g_autoptr(FmScanResult) p1 = scan_digits (1, 2, FM_INVERT_AUTO);
  g_autoptr(FmScanResult) p2 = scan_digits (2, 2, FM_INVERT_AUTO);
  g_autoptr(FmScanResult) inverted = scan_digits (0, 0, FM_INVERT_YES);
  FmScanResult *parts[] = { p1, p2 };
  g_autoptr(FmScanResult) merged = fm_scan_result_merge (parts, NULL, 2, NULL);
  g_autoptr(GFile) merged_file = write_result (merged, "merged.json");
  g_autoptr(GFile) inverted_file = write_result (inverted, "inverted.json");
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  FmScanResult *scan;
  const char *status;

  /* Settings other than the window's: refused, saying which. */
  assert_refused (window, inverted_file, "inverted.json", "invert=yes, not invert=auto");

  fm_window_open_scan_result (window, merged_file);
  WAIT_FOR (fm_window_get_scan (window) != NULL);
  scan = fm_window_get_scan (window);
  g_assert_cmpuint (scan->images, ==, 2000);
  g_assert_cmpuint (scan->parts, ==, 2);
  status = fm_window_get_scan_status (window);
  g_test_message ("%s", status);
  g_assert_nonnull (strstr (status, "merged from 2 parts"));
  g_assert_nonnull (strstr (status, "from merged.json"));
  g_assert_true (fm_window_export_scan (window, g_file_peek_path (merged_file), NULL));
  fm_test_close_window (window);

  /* Another model: refused, naming the file's. */
  window = fm_test_open_window ("mnist-cnn");
  assert_refused (window, merged_file, "merged.json", "another model, mnist-cnn-dying.onnx");
  g_assert_nonnull (strstr (fm_window_get_error_detail (window), "SHA-256"));
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  /* The datasets and the scans' cache of this run. */
  tmp_dir = fm_test_window_init (&argc, &argv);
  {
    g_autofree char *cache = g_build_filename (tmp_dir, "cache", NULL);

    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }

  g_test_add_func ("/app/window-scan/dataset-breaks-mid-scan", test_dataset_breaks_mid_scan);
  g_test_add_func ("/app/window-scan/tar-and-npy", test_tar_and_npy);
  g_test_add_func ("/app/window-scan/folder-warning", test_folder_warning);
  g_test_add_func ("/app/window-scan/dialog-suggestion", test_dialog_suggestion);
  g_test_add_func ("/app/window-scan/open-scan-result", test_open_scan_result);
  g_test_add_func ("/app/window-scan/model-switch-stops-scan", test_model_switch_stops_scan);

  return g_test_run ();
}
