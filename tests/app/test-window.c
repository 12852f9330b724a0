/* test-window.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window under a real display (meson runs it under xvfb-run and
 * dbus-run-session): it opens on the bundled model, strokes change the
 * tiles, the zero marks shown for a digit are exactly the zero channels
 * `feature-maps run --json` reports for the same picture, a bad model
 * leaves the previous one loaded and says why, a zero tile's detail
 * explains it with its pre-activation, and a scan whose cache file cannot
 * be written (a file-size limit) still shows its result and says why.
 */
#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "fm-application.h"
#include "fm-data.h"
#include "fm-dataset.h"
#include "fm-draw-pad.h"
#include "fm-export-dialog.h"
#include "fm-input-dialog.h"
#include "fm-predict.h"
#include "fm-layer-section.h"
#include "fm-test-files.h"
#include "fm-test-window.h"
#include "fm-tile.h"
#include "fm-tile-detail.h"
#include "fm-window.h"

static const char *cli_binary;

static void
test_opens_bundled (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmFrame *frame = fm_window_get_frame (window);

  /* relu1, pool1, relu2, pool2, relu3: each Conv folded into its Relu. */
  g_assert_cmpuint (fm_frame_n_layers (frame), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (fm_layer_channels (frame->model, fm_frame_layer (frame, i)), ==, 32);
  g_assert_cmpstr (frame->model->values[fm_frame_layer (frame, 0)->value_id].name, ==,
                   "/relu1/Relu_output_0");
  /* Headings use the module names PyTorch gave; the tensor's own name is
   * the heading's tooltip. */
  {
    static const char *friendly[] = { "relu1", "pool1", "relu2", "pool2", "relu3" };

    for (guint i = 0; i < 5; i++)
      g_assert_cmpstr (fm_layer_section_get_title (FM_LAYER_SECTION (fm_window_get_section (window, i))),
                       ==, friendly[i]);
  }
  fm_test_close_window (window);
}

static void
test_stroke_changes_tiles (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  FmFrame *before = fm_frame_ref (fm_window_get_frame (window));
  guint frames = fm_window_get_n_frames (window);
  /* A vertical bar down the middle, like a "1". */
  static const double stroke[] = { 14, 5, 14, 10, 14, 15, 14, 20, 14, 23 };
  FmFrame *after;
  gboolean differs = FALSE;

  g_assert_true (fm_draw_pad_is_empty (pad));
  fm_draw_pad_stroke (pad, stroke, G_N_ELEMENTS (stroke) / 2);
  g_assert_false (fm_draw_pad_is_empty (pad));
  WAIT_FOR (fm_window_get_n_frames (window) > frames &&
            fm_window_get_frame (window) != before);
  after = fm_window_get_frame (window);
  for (guint c = 0; c < 32; c++)
    if (after->stats[0][c].max != before->stats[0][c].max)
      differs = TRUE;
  g_assert_true (differs);

  /* Undo brings back the empty canvas and, once more, its statistics. */
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_is_empty (pad));
  frames = fm_window_get_n_frames (window);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  after = fm_window_get_frame (window);
  for (guint c = 0; c < 32; c++)
    g_assert_cmpfloat (after->stats[0][c].max, ==, before->stats[0][c].max);

  fm_frame_unref (before);
  fm_test_close_window (window);
}

/* Zero channels per layer name from `feature-maps run --json`. */
static GHashTable *
cli_zero_channels (const char *model,
                   const char *image)
{
  const char *argv[] = { cli_binary, "run", model, image, "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GHashTable *zeros = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_array_unref);
  JsonArray *layers;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("feature-maps run failed: %s", err);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  layers = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *z = json_object_get_array_member (l, "zero_channels");
      GArray *channels = g_array_new (FALSE, FALSE, sizeof (guint));

      for (guint k = 0; k < json_array_get_length (z); k++)
        {
          guint c = (guint) json_array_get_int_element (z, k);
          g_array_append_val (channels, c);
        }
      g_hash_table_insert (zeros, g_strdup (json_object_get_string_member (l, "name")), channels);
    }
  return zeros;
}

static void
check_marks_match_cli (const char *model_name,
                       const char *digit)
{
  FmWindow *window = fm_test_open_window (model_name);
  g_autofree char *relative = g_strconcat ("digits/", digit, NULL);
  g_autofree char *image = fm_data_find (relative, NULL);
  g_autofree char *model_path = fm_data_resolve_model (model_name, NULL);
  g_autoptr(GHashTable) cli = NULL;
  g_autoptr(GFile) file = NULL;
  guint frames = fm_window_get_n_frames (window);
  FmFrame *frame;
  guint total = 0;

  g_assert_nonnull (image);
  file = g_file_new_for_path (image);
  fm_window_open_image (window, file);
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)) &&
            fm_window_get_n_frames (window) > frames);
  /* Let the last submitted input's result arrive. */
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);

  cli = cli_zero_channels (model_path, image);
  frame = fm_window_get_frame (window);
  for (guint i = 0; i < fm_frame_n_layers (frame); i++)
    {
      const char *name = frame->model->values[fm_frame_layer (frame, i)->value_id].name;
      GArray *expected = g_hash_table_lookup (cli, name);
      g_autoptr(GArray) shown = fm_window_dup_marked_zero (window, i);

      g_assert_nonnull (expected);
      g_test_message ("%s: %u zero channels", name, shown->len);
      g_assert_cmpuint (shown->len, ==, expected->len);
      for (guint k = 0; k < shown->len; k++)
        g_assert_cmpuint (g_array_index (shown, guint, k), ==, g_array_index (expected, guint, k));
      total += shown->len;
    }
  if (g_str_equal (model_name, "mnist-cnn-dying"))
    g_assert_cmpuint (total, >, 0);  /* the comparison is not vacuous */
  fm_test_close_window (window);
}

static void
test_marks_match_cli (void)
{
  check_marks_match_cli ("mnist-cnn", "digit-7.png");
  check_marks_match_cli ("mnist-cnn-dying", "digit-2.png");
}

/* `feature-maps MODEL IMAGE`: the image is asked for before the model has
 * loaded, and must be shown once it has. */
static void
test_model_then_image (void)
{
  FmWindow *window = fm_window_new (NULL);
  g_autofree char *model = fm_data_resolve_model ("mnist-cnn", NULL);
  g_autofree char *image = fm_data_find ("digits/digit-7.png", NULL);
  g_autoptr(GFile) model_file = g_file_new_for_path (model);
  g_autoptr(GFile) image_file = g_file_new_for_path (image);
  FmPrediction p;

  fm_window_open_model (window, model_file);
  fm_window_open_image (window, image_file);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  fm_predict (fm_window_get_model (window),
              fm_worker_result_get_run (fm_window_get_frame (window)->result), 1, &p);
  g_assert_cmpuint (p.index[0], ==, 7);
  fm_test_close_window (window);
}

static void
test_bad_model_keeps_old (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmModel *old = fm_window_get_model (window);
  g_autofree char *dir = g_dir_make_tmp ("fm-test-window-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "broken.onnx", NULL);
  g_autoptr(GFile) file = NULL;

  /* A truncated varint: field 1, wire type 0, then a continuation byte. */
  g_assert_true (g_file_set_contents (bad, "\x08\xff", 2, NULL));
  file = g_file_new_for_path (bad);
  fm_window_open_model (window, file);
  WAIT_FOR (fm_window_get_last_toast (window) != NULL);
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), bad));
  g_assert_true (fm_window_get_model (window) == old);
  g_assert_nonnull (fm_window_get_frame (window));

  /* A text file named .onnx: the toast says it in plain words, the
   * decoder's detail is behind Details. */
  {
    g_autofree char *text = g_build_filename (dir, "notes.onnx", NULL);
    g_autofree char *want = NULL;
    g_autoptr(GFile) text_file = g_file_new_for_path (text);

    g_assert_true (g_file_set_contents (text, "These are my notes, not a model.\n", -1, NULL));
    fm_window_open_model (window, text_file);
    want = g_strdup_printf ("Could not open: %s is not an ONNX model", text);
    WAIT_FOR (g_strcmp0 (fm_window_get_last_toast (window), want) == 0);
    g_assert_nonnull (fm_window_get_error_detail (window));
    g_assert_null (strchr (fm_window_get_last_toast (window), '\n'));
    g_test_message ("%s / %s", fm_window_get_last_toast (window),
                    fm_window_get_error_detail (window));
    g_assert_true (fm_window_get_model (window) == old);
    g_unlink (text);
  }

  g_unlink (bad);
  g_rmdir (dir);
  fm_test_close_window (window);
}

static void
test_zero_tile_detail (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  FmFrame *frame = fm_window_get_frame (window);
  GtkWindow *detail = NULL;
  const char *text;

  /* On the empty canvas, find a zero channel of the first layer. */
  for (guint c = 0; c < 32 && detail == NULL; c++)
    if (frame->stats[0][c].all_zero)
      {
        FmViewOptions options = { 0 };
        options.colormap = fm_colormap_get_default ();
        detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 0, c, &options, NULL, -1);
        g_test_message ("channel %u, pre-activation max %g", c, frame->pre_max[0][c]);
        g_assert_cmpfloat (frame->pre_max[0][c], <=, 0.0f);
      }
  g_assert_nonnull (detail);
  text = fm_tile_detail_get_explanation (FM_TILE_DETAIL (detail));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "pre-activation"));
  gtk_window_destroy (detail);
  fm_test_close_window (window);
}

/* Export from the window: a PNG that is a PNG; a failed export leaves the
 * old file alone, says why and keeps the dialog open for another try. */
static void
test_export (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = g_dir_make_tmp ("fm-test-export-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "relu1.png", NULL);
  g_autofree char *blocker = g_build_filename (dir, "not-a-folder", NULL);
  g_autofree char *bad = g_build_filename (blocker, "out.png", NULL);
  g_autoptr(GFile) png_file = g_file_new_for_path (png);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  g_autofree char *contents = NULL;
  gsize len;
  GtkWindow *dialog;

  dialog = fm_window_open_export (window);
  g_assert_nonnull (dialog);
  gtk_window_present (dialog);
  fm_export_dialog_export_to (FM_EXPORT_DIALOG (dialog), png_file);
  /* Success closes the dialog and shows a toast naming the file. */
  WAIT_FOR (fm_window_get_last_toast (window) != NULL &&
            strstr (fm_window_get_last_toast (window), "relu1.png") != NULL);
  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_true (memcmp (contents, "\x89PNG\r\n\x1a\n", 8) == 0);

  /* A path whose parent is a file cannot be written, even as root. */
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  dialog = fm_window_open_export (window);
  gtk_window_present (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  fm_export_dialog_export_to (FM_EXPORT_DIALOG (dialog), bad_file);
  WAIT_FOR (!fm_export_dialog_is_busy (FM_EXPORT_DIALOG (dialog)) &&
            fm_export_dialog_get_status (FM_EXPORT_DIALOG (dialog)) != NULL);
  g_test_message ("%s", fm_export_dialog_get_status (FM_EXPORT_DIALOG (dialog)));
  g_assert_nonnull (strstr (fm_export_dialog_get_status (FM_EXPORT_DIALOG (dialog)), bad));
  g_assert_nonnull (dialog);
  gtk_window_destroy (dialog);

  g_unlink (png);
  g_unlink (blocker);
  g_rmdir (dir);
  fm_test_close_window (window);
}

/* The layers of PyTorch's dead channels for the bundled dying model
 * (tests/fixtures/mnist/mnist-cnn-dying/dead.json), owned by @parser. */
static JsonArray *
load_dead_layers (JsonParser *parser)
{
  g_autofree char *path = g_build_filename (FM_TEST_SRCDIR, "fixtures", "mnist",
                                            "mnist-cnn-dying", "dead.json", NULL);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "layers");
}

/* Scanning the bundled digits marks exactly PyTorch's dead channels on the
 * tiles; scanning again comes from the cache; Stop keeps a partial result. */
static void
test_scan (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *cache = g_dir_make_tmp ("fm-test-cache-XXXXXX", NULL);
  g_autofree char *digits = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  FmScanResult *scan;
  JsonArray *layers;
  FmFrame *frame;
  gint64 start;

  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  fm_window_start_scan (window, digits);
  g_assert_true (fm_window_is_scanning (window));
  WAIT_FOR (!fm_window_is_scanning (window));
  scan = fm_window_get_scan (window);
  g_assert_nonnull (scan);
  g_assert_false (scan->partial);
  g_assert_cmpuint (scan->images, ==, 2000);

  layers = load_dead_layers (parser);
  frame = fm_window_get_frame (window);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *expected = json_object_get_array_member (l, "dead");
      const char *name = json_object_get_string_member (l, "name");
      GtkWidget *section = NULL;
      guint n_dead = 0;

      for (guint k = 0; k < fm_frame_n_layers (frame); k++)
        if (g_str_equal (frame->model->values[fm_frame_layer (frame, k)->value_id].name, name))
          section = fm_window_get_section (window, k);
      g_assert_nonnull (section);
      for (guint c = 0; c < 32; c++)
        {
          FmTileScan state = fm_tile_get_scan (FM_TILE (fm_layer_section_get_tile (FM_LAYER_SECTION (section), c)));
          gboolean listed = FALSE;

          for (guint k = 0; k < json_array_get_length (expected); k++)
            listed |= (guint) json_array_get_int_element (expected, k) == c;
          g_assert_cmpint (state == FM_TILE_SCAN_DEAD, ==, listed);
          g_assert_cmpint (state, !=, FM_TILE_SCAN_NONE);
          n_dead += state == FM_TILE_SCAN_DEAD;
        }
      g_test_message ("%s: %u dead tiles, as PyTorch found", name, n_dead);
    }

  /* The same model and dataset again: from the cache, at once. */
  start = g_get_monotonic_time ();
  fm_window_start_scan (window, digits);
  WAIT_FOR (!fm_window_is_scanning (window));
  g_test_message ("second scan took %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (fm_window_get_scan (window)->images, ==, 2000);
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), "earlier scan"));

  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

static void
test_scan_stop (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  const char *fashion = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
  g_autofree char *cache = g_dir_make_tmp ("fm-test-cache-XXXXXX", NULL);
  FmScanResult *scan;

  if (!g_file_test (fashion, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("Fashion-MNIST is not installed (dataset-fashion-mnist)");
      fm_test_close_window (window);
      return;
    }
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  fm_window_start_scan (window, fashion);
  /* Stop (win.scan-cancel) as soon as the bar shows progress: the whole
   * of Fashion-MNIST takes under a second on an idle machine, so waiting
   * a fixed time could let it finish. */
  WAIT_FOR (!fm_window_is_scanning (window) ||
            strstr (fm_window_get_scan_status (window), " images/s") != NULL);
  g_assert_true (fm_window_is_scanning (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.scan-cancel", NULL);
  WAIT_FOR (!fm_window_is_scanning (window));
  scan = fm_window_get_scan (window);
  g_assert_nonnull (scan);
  g_assert_true (scan->partial);
  g_assert_cmpuint (scan->images, <, 60000);
  g_test_message ("stopped after %" G_GUINT64_FORMAT " images", scan->images);
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), "Partial"));
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

/* A scan whose result cannot be kept in the cache (a file-size limit on
 * the process while it scans) still shows its result; a toast names the
 * cache file and the reason; the previous cache file keeps its bytes and
 * no temporary is left next to it. A failed export of the result says
 * which file and why and leaves the old file whole too. */
#define OLD_CACHE_BYTES "old cache file: must survive a failed write\n"

static void
test_scan_cache_write_fails (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = g_dir_make_tmp ("fm-test-scan-cache-XXXXXX", NULL);
  g_autofree char *idx = g_build_filename (dir, "noise-images-idx3-ubyte", NULL);
  g_autofree char *blocker = g_build_filename (dir, "not-a-folder", NULL);
  g_autofree char *json_bad = g_build_filename (blocker, "scan.json", NULL);
  g_autofree char *csv_old = g_build_filename (dir, "old.csv", NULL);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(FmDataset) dataset = NULL;
  g_autoptr(FmScanResult) cached = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *cache_name = NULL;
  g_autofree char *want_images = NULL;
  const guint8 header[16] = { 0, 0, 8, 3, 0, 0, 0, 30, 0, 0, 0, 28, 0, 0, 0, 28 };
  const char *toast;
  const char *name;
  FmScanOptions options;
  FmTestFsize saved;

  /* 30 digits of noise, new every run, so no earlier run's cache fits. */
  g_byte_array_append (bytes, header, sizeof header);
  for (guint i = 0; i < 30 * 28 * 28; i++)
    {
      guint8 b = (guint8) g_random_int_range (0, 256);

      g_byte_array_append (bytes, &b, 1);
    }
  g_assert_true (g_file_set_contents (idx, (const char *) bytes->data, bytes->len, NULL));

  /* The cache file the window uses: the options as fm_window_start_scan
   * sets them. The toast naming this path below checks it is the one. */
  dataset = fm_dataset_open (idx, NULL, &error);
  g_assert_no_error (error);
  key = fm_dataset_dup_content_key (dataset, NULL, &error);
  g_assert_no_error (error);
  fm_scan_options_init (&options);
  g_assert_true (fm_preprocess_init_from_model (&options.preprocess,
                                                fm_window_get_model (window), NULL));
  options.rare_below = g_settings_get_double (settings, "rare-threshold");
  options.epsilon = (float) g_settings_get_double (settings, "zero-threshold");
  cache = fm_scan_cache_path (fm_window_get_model (window)->path, key, &options, &error);
  g_assert_no_error (error);
  cache_dir = g_path_get_dirname (cache);
  cache_name = g_path_get_basename (cache);
  g_assert_cmpint (g_mkdir_with_parents (cache_dir, 0700), ==, 0);
  /* Not a valid cache, so the window scans and then tries to replace it. */
  g_assert_true (g_file_set_contents (cache, OLD_CACHE_BYTES, -1, NULL));

  /* 4096 bytes at most per file (the cache is well over that), SIGXFSZ
   * ignored so write () fails with EFBIG; only the soft limit, so it can
   * be raised again without privileges. */
  fm_test_fsize_limit (4096, &saved);
  fm_window_start_scan (window, idx);
  WAIT_FOR (!fm_window_is_scanning (window));
  fm_test_fsize_restore (&saved);

  /* The result is shown all the same. */
  g_assert_nonnull (fm_window_get_scan (window));
  g_assert_false (fm_window_get_scan (window)->partial);
  g_assert_cmpuint (fm_window_get_scan (window)->images, ==, 30);
  want_images = g_strdup_printf ("%d images", 30);
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), want_images));
  toast = fm_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_test_message ("%s", toast);
  g_assert_nonnull (strstr (toast, cache));
  g_assert_nonnull (strstr (toast, g_strerror (EFBIG)));

  /* The old file is whole, and no NAME.XXXXXX is left beside it (the
   * folder is shared with other tests: only this file's names count). */
  fm_test_assert_file_is (cache, OLD_CACHE_BYTES);
  listing = g_dir_open (cache_dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, cache_name))
      g_assert_cmpstr (name, ==, cache_name);

  /* Exporting the result to a path under a regular file fails, even as
   * root, naming the file and the reason; so does a CSV over the limit,
   * and the old CSV keeps its bytes. */
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  g_assert_false (fm_window_export_scan (window, json_bad, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, json_bad));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOTDIR)));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (csv_old, OLD_CACHE_BYTES, -1, NULL));
  fm_test_fsize_limit (4096, &saved);
  g_assert_false (fm_window_export_scan (window, csv_old, &error));
  fm_test_fsize_restore (&saved);
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, csv_old));
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_clear_error (&error);
  fm_test_assert_file_is (csv_old, OLD_CACHE_BYTES);
  fm_test_assert_listing (dir, "noise-images-idx3-ubyte not-a-folder old.csv");

  /* Without the limit the same scan replaces the old file with a cache
   * that loads: so the path above is the one the window writes. */
  fm_window_start_scan (window, idx);
  WAIT_FOR (!fm_window_is_scanning (window));
  cached = fm_scan_cache_load (cache, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cached->images, ==, 30);

  g_unlink (cache);
  g_unlink (idx);
  g_unlink (blocker);
  g_unlink (csv_old);
  g_rmdir (dir);
  fm_test_close_window (window);
}

/* ---- what the window shows, in pixels and layout (issue 13) -------------- */

/* The layer view as it is on screen: the scroller's render node (built
 * from each widget's cached node, as the window paints it), rendered by
 * cairo into a texture of its size. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GskRenderNode *node;
  GskRenderer *renderer = gsk_cairo_renderer_new ();
  GdkTexture *texture;

  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_render_node_unref (node);
  gsk_renderer_unrealize (renderer);
  g_object_unref (renderer);
  g_object_unref (paintable);
  return texture;
}

static guint32
texture_pixel (const guint8 *data,
               gsize         stride,
               int           x,
               int           y)
{
  const guint8 *p = data + (gsize) y * stride + (gsize) x * 4;

  /* GDK_MEMORY_DEFAULT: B, G, R, A on little-endian machines. */
  return (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static gboolean
close_rgb (guint32 a,
           guint32 b)
{
  for (int shift = 0; shift <= 16; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 24)
      return FALSE;
  return TRUE;
}

/* Every tile of layer @index wholly in sight shows its current map: the
 * pixels at the centres of a few of its cells are those fm_tile_render
 * draws for that map, not the page's background. Returns the tiles
 * checked. */
static guint
check_tiles_in_sight (FmWindow *window,
                      guint     index)
{
  GtkWidget *scroller = fm_window_get_layers_scroller (window);
  FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, index));
  FmFrame *frame = fm_window_get_frame (window);
  const FmLayer *layer = fm_frame_layer (frame, index);
  const FmValue *v = &frame->model->values[layer->value_id];
  int mh = (int) v->shape.dims[2], mw = (int) v->shape.dims[3];
  g_autoptr(GdkTexture) texture = render_widget (scroller);
  int tw = gdk_texture_get_width (texture), th = gdk_texture_get_height (texture);
  gsize stride = (gsize) tw * 4;
  g_autofree guint8 *data = g_malloc (stride * th);
  guint checked = 0;
  FmViewOptions options = { 0 };

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *cm = g_settings_get_string (settings, "colormap");

    options.colormap = fm_colormap_lookup (cm);
    options.normalize = FM_NORMALIZE_LAYER;
    g_assert_nonnull (options.colormap);
  }
  gdk_texture_download (texture, data, stride);
  for (guint c = 0; c < fm_layer_section_n_tiles (section); c++)
    {
      GtkWidget *tile = fm_layer_section_get_tile (section, c);
      graphene_rect_t b;
      int side;
      FmTileStyle style = { 0 };
      cairo_surface_t *ref;
      cairo_t *cr;
      const float *map = fm_frame_data (frame, index) + (gsize) c * mh * mw;

      if (!gtk_widget_compute_bounds (tile, scroller, &b) || b.origin.y < 0 ||
          b.origin.x < 0 || b.origin.y + b.size.height > th || b.origin.x + b.size.width > tw)
        continue;
      /* The map is the square above the index label, centred. */
      side = (int) MIN (b.size.width, b.size.height - 16);
      style.colormap = options.colormap;
      fm_view_options_range (&options, frame, index, (int) c, &style.vmin, &style.vmax);
      style.all_zero = frame->stats[index][c].all_zero;
      style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
      ref = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
      cr = cairo_create (ref);
      fm_tile_render (cr, map, mh, mw, side, side, &style);
      cairo_destroy (cr);
      cairo_surface_flush (ref);
      for (int k = 1; k <= 3; k++)
        {
          /* Cells at a quarter, half and three quarters down the diagonal. */
          int cx = (int) ((floor (mw * k / 4.0) + 0.5) * side / mw);
          int cy = (int) ((floor (mh * k / 4.0) + 0.5) * side / mh);
          guint32 want = ((guint32 *) (cairo_image_surface_get_data (ref) +
                                       cy * cairo_image_surface_get_stride (ref)))[cx] & 0xffffff;
          int x0 = (int) (b.origin.x + floor ((b.size.width - side) / 2));
          guint32 got = texture_pixel (data, stride, x0 + cx, (int) b.origin.y + cy);

          if (!close_rgb (got, want))
            g_error ("layer %u channel %u: pixel (%d, %d) is %06x, its map draws %06x",
                     index, c, cx, cy, got, want);
        }
      cairo_surface_destroy (ref);
      checked++;
    }
  return checked;
}

/* From All Layers straight to each layer in turn, from the sidebar. */
static void
check_each_layer (FmWindow *window,
                  guint     n_layers)
{
  for (guint i = 0; i < n_layers; i++)
    {
      fm_window_select_layer (window, -1);
      fm_test_settle ();
      fm_window_select_layer (window, (int) i);
      fm_test_settle ();
      g_assert_cmpuint (check_tiles_in_sight (window, i), >, 0);
    }
}

/* Draw, clear, undo, then show each layer in turn (from the sidebar and
 * with the keyboard's Down arrow): every tile in sight shows its map. */
static void
test_tiles_drawn_after_layer_change (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  GtkWidget *list = fm_window_get_layer_list (window);
  static const double stroke[] = { 8, 6, 12, 10, 16, 14, 20, 20, 20, 24 };
  guint n_layers, frames;

  fm_draw_pad_stroke (pad, stroke, G_N_ELEMENTS (stroke) / 2);
  fm_test_settle ();
  frames = fm_window_get_n_frames (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  fm_test_settle ();
  frames = fm_window_get_n_frames (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  fm_test_settle ();
  n_layers = fm_frame_n_layers (fm_window_get_frame (window));
  g_assert_cmpuint (check_tiles_in_sight (window, 0), >, 0);

  /* From All Layers, where the lower layers' tiles were out of sight when
   * the input last changed, straight to each layer. */
  check_each_layer (window, n_layers);
  /* The same with the keyboard: Home, then the Down arrow. */
  gtk_widget_grab_focus (gtk_widget_get_first_child (list));
  for (guint i = 0; i < n_layers; i++)
    {
      fm_window_select_layer (window, -1);
      fm_test_settle ();
      g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_BUFFER_ENDS, -1, FALSE, FALSE);
      for (guint k = 0; k <= i; k++)
        g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE, FALSE);
      fm_test_settle ();
      g_assert_cmpuint (check_tiles_in_sight (window, i), >, 0);
    }

  /* After a scan has marked the tiles, and after a new colormap. */
  {
    g_autofree char *cache = g_dir_make_tmp ("fm-test-cache-XXXXXX", NULL);
    g_autofree char *digits = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", NULL);
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
    fm_window_select_layer (window, -1);
    fm_window_start_scan (window, digits);
    WAIT_FOR (!fm_window_is_scanning (window));
    g_assert_nonnull (fm_window_get_scan (window));
    check_each_layer (window, n_layers);
    fm_window_select_layer (window, -1);
    fm_test_settle ();
    g_settings_set_string (settings, "colormap", "magma");
    fm_test_settle ();
    check_each_layer (window, n_layers);
    g_settings_reset (settings, "colormap");
    g_unsetenv ("XDG_CACHE_HOME");
  }
  fm_test_close_window (window);
}

/* The window fits a 1024 x 600 screen at every moment: before a scan,
 * while one runs and after it, with each layer selected; the panes do not
 * move when the layer changes or the scan ends. */
static void
check_fits (FmWindow *window)
{
  int min_w, nat_w, min_h, nat_h;

  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w,
                      NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, 1024, &min_h, &nat_h,
                      NULL, NULL);
  g_test_message ("minimum size %d x %d", min_w, min_h);
  g_assert_cmpint (min_w, <=, 1024);
  g_assert_cmpint (min_h, <=, 600);
}

static void
test_fits_small_screen (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *cache = g_dir_make_tmp ("fm-test-cache-XXXXXX", NULL);
  g_autofree char *digits = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", NULL);
  GtkWidget *pad = GTK_WIDGET (fm_window_get_draw_pad (window));
  GtkWidget *list = fm_window_get_layer_list (window);
  graphene_rect_t pad0, list0, b;
  guint n_layers = fm_frame_n_layers (fm_window_get_frame (window));

  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  fm_test_settle ();
  check_fits (window);
  /* A stroke shows the prediction's bars, which expand: the input pane
   * must keep its width all the same (it once took half the window). */
  {
    static const double stroke[] = { 14, 5, 14, 23 };
    GtkWidget *pane = gtk_widget_get_ancestor (pad, GTK_TYPE_SCROLLED_WINDOW);
    int before = gtk_widget_get_width (pane);

    fm_draw_pad_stroke (FM_DRAW_PAD (pad), stroke, 2);
    fm_test_settle ();
    g_test_message ("input pane %d px wide, then %d in a window %d px wide", before,
                    gtk_widget_get_width (pane), gtk_widget_get_width (GTK_WIDGET (window)));
    g_assert_cmpint (gtk_widget_get_width (pane), ==, before);
    g_assert_cmpint (before, <=, 300);
  }
  g_assert_true (gtk_widget_compute_bounds (pad, GTK_WIDGET (window), &pad0));
  g_assert_true (gtk_widget_compute_bounds (list, GTK_WIDGET (window), &list0));
  for (int i = -1; i < (int) n_layers; i++)
    {
      fm_window_select_layer (window, i);
      fm_test_settle ();
      check_fits (window);
      g_assert_true (gtk_widget_compute_bounds (pad, GTK_WIDGET (window), &b));
      g_assert_true (graphene_rect_equal (&b, &pad0));
      g_assert_true (gtk_widget_compute_bounds (list, GTK_WIDGET (window), &b));
      g_assert_cmpfloat (b.origin.x, ==, list0.origin.x);
      g_assert_cmpfloat (b.size.width, ==, list0.size.width);
    }
  fm_window_start_scan (window, digits);
  check_fits (window);
  WAIT_FOR (!fm_window_is_scanning (window));
  g_assert_nonnull (fm_window_get_scan (window));
  for (int i = -1; i < (int) n_layers; i++)
    {
      fm_window_select_layer (window, i);
      fm_test_settle ();
      check_fits (window);
      g_assert_true (gtk_widget_compute_bounds (pad, GTK_WIDGET (window), &b));
      g_assert_true (graphene_rect_equal (&b, &pad0));
    }
  /* The scan summary is never cut: its label wraps, it does not ellipsize. */
  {
    const char *status = fm_window_get_scan_status (window);
    g_assert_nonnull (strstr (status, "dead channel"));
  }
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

/* The key to the marks: hatching before a scan, with the offer to scan;
 * after one, what the red and amber frames mean on that dataset. */
static void
test_key_to_marks (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *cache = g_dir_make_tmp ("fm-test-cache-XXXXXX", NULL);
  g_autofree char *digits = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  before = fm_window_dup_key_text (window);
  g_test_message ("%s", before);
  g_assert_nonnull (strstr (before, "zero for this input"));
  g_assert_null (strstr (before, "dead"));
  g_assert_true (fm_window_get_scan_offered (window));

  fm_window_start_scan (window, digits);
  WAIT_FOR (!fm_window_is_scanning (window));
  after = fm_window_dup_key_text (window);
  g_test_message ("%s", after);
  g_assert_nonnull (strstr (after, "zero for this input"));
  g_assert_nonnull (strstr (after, "never fires on mnist-heldout-images-idx3-ubyte.gz (dead)"));
  g_assert_nonnull (strstr (after, "under 1 % of mnist-heldout-images-idx3-ubyte.gz"));
  g_assert_false (fm_window_get_scan_offered (window));
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

static guint
count_dead_tiles (FmLayerSection *section)
{
  guint dead = 0;

  for (guint c = 0; c < fm_layer_section_n_tiles (section); c++)
    dead += fm_tile_get_scan (FM_TILE (fm_layer_section_get_tile (section, c))) == FM_TILE_SCAN_DEAD;
  return dead;
}

/* A scan's marks hold for the zero threshold it was made with: changing
 * it removes them and says so; changing it back brings the cached scan
 * back, and says that too. */
static void
test_threshold_change_drops_marks (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *cache = g_dir_make_tmp ("fm-test-cache-XXXXXX", NULL);
  g_autofree char *digits = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, 0));

  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_settings_set_double (settings, "zero-threshold", 0.0);
  fm_window_start_scan (window, digits);
  WAIT_FOR (!fm_window_is_scanning (window));
  g_assert_cmpuint (count_dead_tiles (section), >, 0);

  g_settings_set_double (settings, "zero-threshold", 0.5);
  g_assert_null (fm_window_get_scan (window));
  for (guint c = 0; c < fm_layer_section_n_tiles (section); c++)
    g_assert_cmpint (fm_tile_get_scan (FM_TILE (fm_layer_section_get_tile (section, c))), ==,
                     FM_TILE_SCAN_NONE);
  WAIT_FOR (!fm_window_is_scanning (window));
  g_assert_null (fm_window_get_scan (window));
  g_test_message ("%s", fm_window_get_last_toast (window));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "marks are removed"));
  g_assert_true (fm_window_get_scan_offered (window));

  g_settings_set_double (settings, "zero-threshold", 0.0);
  WAIT_FOR (!fm_window_is_scanning (window) && fm_window_get_scan (window) != NULL);
  g_assert_cmpfloat (fm_window_get_scan (window)->epsilon, ==, 0.0f);
  g_test_message ("%s", fm_window_get_last_toast (window));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "earlier scan"));
  g_assert_cmpuint (count_dead_tiles (section), >, 0);
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

/* With each tile scaled to its own range, no layer range is shown, and a
 * tile's tooltip gives its own range. */
static void
test_per_tile_scaling (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, 0));
  FmFrame *frame;
  const FmValue *v;
  gsize plane;
  g_autofree char *image = fm_data_find ("digits/digit-7.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (image);
  guint frames = fm_window_get_n_frames (window);

  fm_window_open_image (window, file);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  fm_test_settle ();
  g_assert_true (fm_layer_section_shows_layer_range (section));
  g_settings_set_enum (settings, "normalize", FM_NORMALIZE_TILE);
  fm_test_settle ();
  g_assert_false (fm_layer_section_shows_layer_range (section));
  frame = fm_window_get_frame (window);
  v = &frame->model->values[fm_frame_layer (frame, 0)->value_id];
  plane = (gsize) (v->shape.dims[2] * v->shape.dims[3]);
  for (guint c = 0; c < fm_layer_section_n_tiles (section); c++)
    {
      const float *map = fm_frame_data (frame, 0) + c * plane;
      float lo = map[0], hi = map[0];
      g_autofree char *want = NULL;
      g_autofree char *tip = fm_tile_dup_tooltip (FM_TILE (fm_layer_section_get_tile (section, c)));

      for (gsize i = 1; i < plane; i++)
        lo = MIN (lo, map[i]), hi = MAX (hi, map[i]);
      want = g_strdup_printf ("values %.3g to %.3g", lo, hi);
      g_assert_nonnull (strstr (tip, want));
    }
  g_settings_set_enum (settings, "normalize", FM_NORMALIZE_LAYER);
  fm_test_settle ();
  g_assert_true (fm_layer_section_shows_layer_range (section));
  fm_test_close_window (window);
}

/* The empty canvas says what it is for and predicts nothing; a stroke
 * brings the prediction. */
static void
test_empty_canvas (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  static const double stroke[] = { 14, 5, 14, 23 };
  guint frames;

  fm_test_settle ();
  g_assert_cmpstr (fm_draw_pad_get_hint (pad), ==, "Draw a digit here");
  g_assert_cmpuint (fm_window_get_n_prediction_rows (window), ==, 0);
  frames = fm_window_get_n_frames (window);
  fm_draw_pad_stroke (pad, stroke, 2);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  g_assert_null (fm_draw_pad_get_hint (pad));
  g_assert_cmpuint (fm_window_get_n_prediction_rows (window), ==, 5);
  fm_test_close_window (window);
}

/* The sidebar is one Tab stop: Tab from any of its rows goes to the tiles,
 * Shift+Tab to the canvas (the arrow keys move inside it). The key goes
 * to the sidebar's key controller as GTK would deliver it. */
static gboolean
send_key (GtkWidget       *widget,
          guint            keyval,
          GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, state, &handled);
    }
  return handled;
}

static void
test_sidebar_one_tab_stop (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  GtkWidget *list = fm_window_get_layer_list (window);
  GtkWidget *focus;

  fm_test_settle ();
  fm_window_select_layer (window, 2);
  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 3)));
  g_assert_true (send_key (list, GDK_KEY_Tab, 0));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, fm_window_get_section (window, 2)));

  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1)));
  g_assert_true (send_key (list, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 GTK_WIDGET (fm_window_get_draw_pad (window)));
  fm_test_close_window (window);
}

/* ---- input that survives a model switch (issue 14) ----------------------- */

static void
open_model_and_wait (FmWindow   *window,
                     const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  FmModel *old = fm_window_get_model (window);

  fm_window_open_model (window, file);
  WAIT_FOR (fm_window_get_model (window) != old && fm_window_get_frame (window) != NULL &&
            fm_window_get_frame (window)->model == fm_window_get_model (window));
}

/* From the healthy bundled model to the dying one (the same input): the
 * drawing, its undo history, the selected layer and the scroll position
 * stay. */
static void
test_switch_keeps_input (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  g_autofree char *dying = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  static const double one[] = { 14, 5, 14, 23 };
  static const double bar[] = { 6, 14, 22, 14 };
  g_autofree float *first = NULL;
  g_autofree float *both = NULL;
  gsize n = 28 * 28;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (fm_window_get_layers_scroller (window)));

  fm_draw_pad_stroke (pad, one, 2);
  first = g_memdup2 (fm_draw_pad_get_pixels (pad), n * sizeof (float));
  fm_draw_pad_stroke (pad, bar, 2);
  both = g_memdup2 (fm_draw_pad_get_pixels (pad), n * sizeof (float));
  /* All Layers, scrolled down a little. */
  fm_test_settle ();
  gtk_adjustment_set_value (adj, 120);
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 120);
  /* Drawing does not scroll the page. */
  fm_draw_pad_stroke (pad, bar, 2);
  g_assert_true (fm_draw_pad_undo (pad));
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 120);

  open_model_and_wait (window, dying);
  fm_test_settle ();
  g_assert_cmpstr (fm_window_get_model (window)->display_name, ==, "mnist-cnn-dying.onnx");
  g_assert_true (memcmp (fm_draw_pad_get_pixels (pad), both, n * sizeof (float)) == 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 120);

  /* A selected layer, relu2, is selected again in the other model. */
  fm_window_select_layer (window, 2);
  fm_test_settle ();
  open_model_and_wait (window, healthy);
  fm_test_settle ();
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 2)));
  g_assert_false (gtk_widget_get_visible (fm_window_get_section (window, 0)));
  g_assert_true (memcmp (fm_draw_pad_get_pixels (pad), both, n * sizeof (float)) == 0);
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (memcmp (fm_draw_pad_get_pixels (pad), first, n * sizeof (float)) == 0);
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_is_empty (pad));
  fm_test_close_window (window);
}

/* To a model with another input ([1, 3, 16, 16], white background): the
 * drawing is resampled and inverted, values checked by hand: a canvas
 * whose left half is ink becomes one whose left half is dark, averaged
 * over the 28 -> 16 cells that straddle the middle. */
static void
test_switch_resamples_input (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  g_autofree char *tiny = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch",
                                            "tiny_resnet", "model.onnx", NULL);
  g_autofree float *left = g_new0 (float, 28 * 28);
  const float *pixels;

  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 14; x++)
      left[y * 28 + x] = 1.0f;
  fm_draw_pad_set_pixels (pad, left);
  open_model_and_wait (window, tiny);
  g_assert_cmpint (fm_draw_pad_get_channels (pad), ==, 3);
  g_assert_cmpint (fm_draw_pad_get_height (pad), ==, 16);
  g_assert_cmpint (fm_draw_pad_get_width (pad), ==, 16);
  pixels = fm_draw_pad_get_pixels (pad);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < 16; y++)
      {
        /* Target column 7 covers source columns 12.25 .. 14: 1.75 ink
         * cells of 1.75, so 0 after inversion; column 8 covers 14 .. 15.75,
         * no ink, so 1. Columns 0 and 15 are pure. */
        g_assert_cmpfloat_with_epsilon (pixels[c * 256 + y * 16 + 0], 0.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[c * 256 + y * 16 + 7], 0.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[c * 256 + y * 16 + 8], 1.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[c * 256 + y * 16 + 15], 1.0f, 1e-6);
      }
  /* The undo history was resampled too: undo gives the blank canvas of
   * this model (white). */
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_is_empty (pad));
  fm_test_close_window (window);
}

/* A picture opened on the gray 28 x 28 model is read again, in colour,
 * for the RGB 16 x 16 one: left half yellow, right half magenta (a light
 * border, so a white-background model does not invert it). 32 -> 16 is
 * exact 2 x 2 averaging, so by hand: columns 0-7 are (1, 1, 0), columns
 * 8-15 (1, 0, 1); a resampled gray canvas would have R = G = B. Undo still
 * gives the canvas before the picture. Drawn on, it is no longer read
 * again: the stroke survives a switch away and back. */
static void
test_switch_rereads_picture (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  g_autofree char *tiny = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch",
                                            "tiny_resnet", "model.onnx", NULL);
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  g_autoptr(FmImage) image = fm_image_new (32, 32, 3, 0, NULL);
  static const double line[] = { 4, 2, 4, 13 };
  const float *pixels;

  for (int y = 0; y < 32; y++)
    for (int x = 0; x < 32; x++)
      {
        guint8 *p = image->pixels + (y * 32 + x) * 3;

        p[0] = 255;
        p[1] = x < 16 ? 255 : 0;
        p[2] = x < 16 ? 0 : 255;
      }
  fm_window_load_image (window, image, "yellow-magenta");
  g_assert_cmpint (fm_draw_pad_get_channels (pad), ==, 1);
  open_model_and_wait (window, tiny);
  g_assert_cmpint (fm_draw_pad_get_channels (pad), ==, 3);
  pixels = fm_draw_pad_get_pixels (pad);
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16; x++)
      {
        g_assert_cmpfloat_with_epsilon (pixels[0 * 256 + y * 16 + x], 1.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[1 * 256 + y * 16 + x], x < 8 ? 1.0f : 0.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[2 * 256 + y * 16 + x], x < 8 ? 0.0f : 1.0f, 1e-6);
      }
  g_assert_true (fm_draw_pad_can_undo (pad));

  /* Drawn on: a dark line in column 4; away and back, it is still there. */
  fm_draw_pad_stroke (pad, line, 2);
  g_assert_cmpfloat (fm_draw_pad_get_pixels (pad)[8 * 16 + 4], <, 0.5f);
  open_model_and_wait (window, healthy);
  open_model_and_wait (window, tiny);
  g_assert_cmpfloat (fm_draw_pad_get_pixels (pad)[8 * 16 + 4], <, 0.5f);

  /* Undo: the line, then the picture, then the blank canvas. */
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_is_empty (pad));
  fm_test_close_window (window);
}

/* Recent models: the last opened first, no duplicates, at most eight. */
static void
test_recent_models (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FmWindow *window;
  g_autofree char *dying = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  g_auto(GStrv) recent = NULL;

  g_settings_reset (settings, "recent-models");
  window = fm_test_open_window ("mnist-cnn");
  open_model_and_wait (window, dying);
  open_model_and_wait (window, healthy);
  recent = g_settings_get_strv (settings, "recent-models");
  g_assert_cmpuint (g_strv_length (recent), ==, 2);
  g_assert_cmpstr (recent[0], ==, healthy);
  g_assert_cmpstr (recent[1], ==, dying);
  /* The menu's entry opens it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", dying);
  WAIT_FOR (g_str_equal (fm_window_get_model (window)->path, dying) &&
            fm_window_get_frame (window) != NULL &&
            fm_window_get_frame (window)->model == fm_window_get_model (window));
  fm_test_close_window (window);
}

/* Closing keeps the canvas; the next start shows it again. */
static void
test_last_input_restored (void)
{
  /* main () gave this program its own XDG_DATA_HOME (GLib reads it once). */
  const char *data = g_get_user_data_dir ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *kept = NULL;
  FmWindow *window;
  static const double stroke[] = { 5, 5, 22, 22 };
  g_autofree float *drawn = NULL;

  window = fm_test_open_window ("mnist-cnn");
  fm_draw_pad_stroke (fm_window_get_draw_pad (window), stroke, 2);
  drawn = g_memdup2 (fm_draw_pad_get_pixels (fm_window_get_draw_pad (window)),
                     28 * 28 * sizeof (float));
  gtk_window_close (GTK_WINDOW (window));
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  kept = g_settings_get_string (settings, "last-input");
  g_assert_true (g_str_has_prefix (kept, data));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  window = fm_window_new (NULL);
  fm_window_restore_last_input (window);
  {
    g_autofree char *path = fm_data_resolve_model ("mnist-cnn", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    fm_window_open_model (window, file);
  }
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));
  g_assert_true (memcmp (fm_draw_pad_get_pixels (fm_window_get_draw_pad (window)), drawn,
                         28 * 28 * sizeof (float)) == 0);
  fm_test_close_window (window);
}

/* A section far from the view holds only the space of its tiles, exactly
 * as tall as the tiles are once built, so nothing moves when they are. */
static void
test_tile_space_height (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmFrame *frame = fm_window_get_frame (window);
  guint n = fm_frame_n_layers (frame);

  fm_test_settle ();
  for (guint i = 0; i < n; i++)
    {
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, i));
      int built, space;

      fm_layer_section_ensure_tiles (section);
      fm_test_settle ();
      built = gtk_widget_get_height (GTK_WIDGET (section));
      fm_layer_section_release_tiles (section);
      g_assert_false (fm_layer_section_has_tiles (section));
      fm_test_settle ();
      space = gtk_widget_get_height (GTK_WIDGET (section));
      g_test_message ("layer %u: %d px built, %d px as space", i, built, space);
      g_assert_cmpint (space, ==, built);
      /* Its tiles come back with the frame's maps and marks. */
      g_assert_nonnull (fm_layer_section_get_tile (section, 0));
      g_assert_true (fm_layer_section_has_tiles (section));
    }
  fm_test_close_window (window);
}

/* ---- filter, sort and go to channel (issue 14) ------------------------- */

static void
set_dropdown (FmWindow   *window,
              const char *id,
              guint       index)
{
  GtkWidget *w = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FM_TYPE_WINDOW,
                                                            id));
  g_assert_nonnull (w);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (w), index);
}

/* "Zero for this input" shows exactly the zero channels that
 * `feature-maps run --json` reports for the same picture, layer by layer;
 * "Firing" the others; sorting by largest value orders them by the max
 * the frame's statistics give. */
static void
test_filter_and_sort (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *image = fm_data_find ("digits/digit-2.png", NULL);
  g_autofree char *model_path = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (image);
  g_autoptr(GHashTable) cli = NULL;
  guint frames = fm_window_get_n_frames (window);
  FmFrame *frame;
  guint total_zero = 0;

  fm_window_open_image (window, file);
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)) &&
            fm_window_get_n_frames (window) > frames);
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  cli = cli_zero_channels (model_path, image);
  frame = fm_window_get_frame (window);

  set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ZERO);
  fm_test_settle ();
  for (guint i = 0; i < fm_frame_n_layers (frame); i++)
    {
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, i));
      const char *name = frame->model->values[fm_frame_layer (frame, i)->value_id].name;
      GArray *expected = g_hash_table_lookup (cli, name);
      g_autoptr(GArray) shown = NULL;

      fm_layer_section_ensure_tiles (section);
      fm_test_settle ();
      shown = fm_layer_section_dup_shown (section);
      g_assert_cmpuint (shown->len, ==, expected->len);
      g_assert_cmpuint (fm_layer_section_count_shown (section), ==, expected->len);
      for (guint k = 0; k < shown->len; k++)
        g_assert_cmpuint (g_array_index (shown, guint, k), ==, g_array_index (expected, guint, k));
      total_zero += shown->len;
    }
  g_assert_cmpuint (total_zero, >, 0);

  set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_FIRING);
  fm_test_settle ();
  {
    FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, 0));
    GArray *expected = g_hash_table_lookup (cli, frame->model->values[fm_frame_layer (frame, 0)->value_id].name);
    g_autoptr(GArray) shown = fm_layer_section_dup_shown (section);

    g_assert_cmpuint (shown->len + expected->len, ==, 32);
    for (guint k = 0; k < shown->len; k++)
      for (guint e = 0; e < expected->len; e++)
        g_assert_cmpuint (g_array_index (shown, guint, k), !=, g_array_index (expected, guint, e));
  }

  set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  set_dropdown (window, "sort_dropdown", FM_TILE_SORT_MAX);
  fm_test_settle ();
  {
    FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, 0));
    g_autoptr(GArray) shown = fm_layer_section_dup_shown (section);

    g_assert_cmpuint (shown->len, ==, 32);
    for (guint k = 1; k < shown->len; k++)
      g_assert_cmpfloat (frame->stats[0][g_array_index (shown, guint, k - 1)].max, >=,
                         frame->stats[0][g_array_index (shown, guint, k)].max);
  }
  set_dropdown (window, "sort_dropdown", FM_TILE_SORT_CHANNEL);
  fm_test_close_window (window);
}

/* After a scan, "Dead" shows exactly PyTorch's dead channels. */
static void
test_filter_dead (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *cache = g_dir_make_tmp ("fm-test-cache-XXXXXX", NULL);
  g_autofree char *digits = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *layers;
  FmFrame *frame = fm_window_get_frame (window);

  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  fm_window_start_scan (window, digits);
  WAIT_FOR (!fm_window_is_scanning (window));
  set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_DEAD);
  fm_test_settle ();
  layers = load_dead_layers (parser);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *expected = json_object_get_array_member (l, "dead");
      const char *name = json_object_get_string_member (l, "name");

      for (guint k = 0; k < fm_frame_n_layers (frame); k++)
        if (g_str_equal (frame->model->values[fm_frame_layer (frame, k)->value_id].name, name))
          {
            FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, k));
            g_autoptr(GArray) shown = NULL;

            fm_layer_section_ensure_tiles (section);
            fm_test_settle ();
            shown = fm_layer_section_dup_shown (section);
            g_assert_cmpuint (shown->len, ==, json_array_get_length (expected));
            for (guint c = 0; c < shown->len; c++)
              g_assert_cmpuint (g_array_index (shown, guint, c), ==,
                                (guint) json_array_get_int_element (expected, c));
          }
    }
  set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

/* Go to channel focuses that tile, showing every channel when the filter
 * hid it. */
static void
test_go_to_channel (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmLayerSection *section;
  FmFrame *frame = fm_window_get_frame (window);
  guint live = 32;

  fm_window_select_layer (window, 2);
  fm_test_settle ();
  section = FM_LAYER_SECTION (fm_window_get_section (window, 2));
  g_assert_true (fm_window_go_to_channel (window, 17));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (section)));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 gtk_widget_get_parent (fm_layer_section_get_tile (section, 17)));
  /* A channel that is not zero, asked for while only zero ones show. */
  for (guint c = 0; c < 32 && live == 32; c++)
    if (!frame->stats[2][c].all_zero)
      live = c;
  g_assert_cmpuint (live, <, 32);
  set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ZERO);
  fm_test_settle ();
  g_assert_true (fm_window_go_to_channel (window, live));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 gtk_widget_get_parent (fm_layer_section_get_tile (section, live)));
  g_assert_false (fm_window_go_to_channel (window, 32));
  fm_test_close_window (window);
}

/* The flow box child that has the focus, or NULL. */
static GtkWidget *
focused_cell (FmWindow *window)
{
  GtkWidget *w = gtk_root_get_focus (GTK_ROOT (window));

  return w != NULL && GTK_IS_FLOW_BOX_CHILD (w) ? w : NULL;
}

/* Page Down scrolls one page and focuses a tile in sight, in the same
 * column; Ctrl+End and Ctrl+Home focus the last tile of the last layer
 * and the first of the first, scrolled to; Page Up at the top and Page
 * Down at the bottom go to those too. */
static void
test_grid_keys (void)
{
  FmWindow *window = fm_window_new (NULL);
  g_autofree char *path = fm_data_resolve_model ("mnist-cnn", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *scroller = fm_window_get_layers_scroller (window);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  guint n_layers;
  FmLayerSection *first, *last;
  GtkWidget *first_cell, *last_cell, *cell;
  graphene_rect_t before, after;
  double page, bottom;

  /* Low, so that a layer is taller than the page (as on ResNet-18). */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 560);
  fm_window_open_model (window, file);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (fm_window_get_frame (window) != NULL);
  fm_test_settle ();
  page = gtk_adjustment_get_page_size (adj);
  bottom = gtk_adjustment_get_upper (adj) - page;
  /* More than two pages, or the test shows nothing. */
  g_assert_cmpfloat (bottom, >, 2 * page);
  n_layers = fm_frame_n_layers (fm_window_get_frame (window));
  first = FM_LAYER_SECTION (fm_window_get_section (window, 0));
  last = FM_LAYER_SECTION (fm_window_get_section (window, n_layers - 1));
  first_cell = gtk_widget_get_parent (fm_layer_section_get_tile (first, 0));

  g_assert_true (fm_window_go_to_channel (window, 1));
  fm_test_settle ();
  cell = focused_cell (window);
  g_assert_nonnull (cell);
  g_assert_true (gtk_widget_compute_bounds (cell, scroller, &before));

  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Down, 0));
  WAIT_FOR (focused_cell (window) != NULL && focused_cell (window) != cell);
  fm_test_settle ();
  /* A page on, and as little more as shows the whole tile. */
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >=, page);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), <, page + before.size.height);
  g_assert_true (gtk_widget_compute_bounds (focused_cell (window), scroller, &after));
  g_assert_cmpfloat (after.origin.x, ==, before.origin.x);
  g_assert_cmpfloat (after.origin.y, >=, 0);
  g_assert_cmpfloat (after.origin.y + after.size.height, <=, page);

  g_assert_true (fm_window_grid_key (window, GDK_KEY_End, GDK_CONTROL_MASK));
  WAIT_FOR (fm_layer_section_has_tiles (last) &&
            focused_cell (window) ==
              gtk_widget_get_parent (fm_layer_section_get_tile (last,
                                                                fm_layer_section_n_tiles (last) - 1)));
  last_cell = focused_cell (window);
  fm_test_settle ();
  g_assert_cmpfloat (gtk_widget_get_height (GTK_WIDGET (last)), >, page);
  /* Near the bottom (the held space of the layers passed on the way is
   * not exact to the pixel), with the last tile in sight. */
  bottom = gtk_adjustment_get_upper (adj) - page;
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, bottom - page / 2);
  g_assert_true (gtk_widget_compute_bounds (last_cell, scroller, &after));
  g_assert_cmpfloat (after.origin.y, >=, 0);
  g_assert_cmpfloat (after.origin.y + after.size.height, <=, page);

  g_assert_true (fm_window_grid_key (window, GDK_KEY_Home, GDK_CONTROL_MASK));
  WAIT_FOR (fm_layer_section_has_tiles (first) &&
            focused_cell (window) == gtk_widget_get_parent (fm_layer_section_get_tile (first, 0)));
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);

  /* At the ends: Page Up from the second tile goes to the first, Page Down
   * at the bottom to the last. */
  g_assert_true (fm_window_go_to_channel (window, 1));
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Up, 0));
  first_cell = gtk_widget_get_parent (fm_layer_section_get_tile (first, 0));
  WAIT_FOR (focused_cell (window) == first_cell);
  g_assert_true (fm_window_grid_key (window, GDK_KEY_End, GDK_CONTROL_MASK));
  WAIT_FOR (focused_cell (window) != NULL && focused_cell (window) != first_cell);
  fm_test_settle ();
  last_cell = focused_cell (window);
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Up, 0));
  WAIT_FOR (focused_cell (window) != last_cell);
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Down, 0));
  WAIT_FOR (gtk_adjustment_get_value (adj) ==
            gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Down, 0));
  WAIT_FOR (focused_cell (window) == last_cell);

  /* Other keys are the flow box's. */
  g_assert_false (fm_window_grid_key (window, GDK_KEY_Home, 0));
  g_assert_false (fm_window_grid_key (window, GDK_KEY_Right, 0));
  fm_test_close_window (window);
}

/* ---- input settings (issue 14) ------------------------------------------ */

/* A model without our metadata opens the Input Settings by itself; the
 * ImageNet preset makes the empty (white) canvas the tensor computed by
 * hand, (1 - mean) / std per channel; a new window on the same model
 * finds the preset again and asks nothing. */
static void
test_input_settings_round_trip (void)
{
  g_autofree char *tiny = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch",
                                            "tiny_resnet", "model.onnx", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (tiny);
  static const float want[3] = { (1 - 0.485f) / 0.229f, (1 - 0.456f) / 0.224f,
                                 (1 - 0.406f) / 0.225f };
  FmWindow *window = fm_window_new (NULL);
  GtkWindow *dialog;
  const float *tensor;
  guint frames;

  fm_window_open_model (window, file);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (fm_window_get_frame (window) != NULL);
  dialog = fm_window_get_input_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_true (fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));

  frames = fm_window_get_n_frames (window);
  fm_input_dialog_preset (FM_INPUT_DIALOG (dialog), "imagenet");
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  g_assert_cmpstr (fm_preprocess_get_preset (fm_window_get_preprocess (window)), ==, "imagenet");
  tensor = fm_window_get_input_tensor (window);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 16 * 16; i++)
      g_assert_cmpfloat_with_epsilon (tensor[c * 256 + i], want[c], 1e-4);
  fm_test_close_window (window);

  window = fm_window_new (NULL);
  fm_window_open_model (window, file);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (fm_window_get_frame (window) != NULL);
  g_assert_null (fm_window_get_input_dialog (window));
  g_assert_cmpstr (fm_preprocess_get_preset (fm_window_get_preprocess (window)), ==, "imagenet");
  tensor = fm_window_get_input_tensor (window);
  g_assert_cmpfloat_with_epsilon (tensor[0], want[0], 1e-4);
  fm_test_close_window (window);
}

/* An opened dark-on-light picture is said to be inverted for MNIST. */
static void
test_inverted_notice (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *paper = fm_data_find ("digits/digit-3-paper.png", NULL);
  g_autofree char *seven = fm_data_find ("digits/digit-7.png", NULL);
  g_autoptr(GFile) paper_file = g_file_new_for_path (paper);
  g_autoptr(GFile) seven_file = g_file_new_for_path (seven);
  GtkWidget *caption;

  fm_window_open_image (window, paper_file);
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));
  caption = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FM_TYPE_WINDOW,
                                                      "input_caption"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (caption)), "Inverted: dark ink on light paper"));
  fm_window_open_image (window, seven_file);
  WAIT_FOR (strstr (gtk_label_get_text (GTK_LABEL (caption)), "Inverted") == NULL);
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("fm-test-window-data-XXXXXX", NULL);
  int status;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  cli_binary = argc > 1 ? argv[1] : g_getenv ("FM_CLI_BINARY");
  g_assert_nonnull (cli_binary);
  g_type_ensure (FM_TYPE_APPLICATION);

  g_test_add_func ("/app/window/opens-bundled", test_opens_bundled);
  g_test_add_func ("/app/window/stroke-changes-tiles", test_stroke_changes_tiles);
  g_test_add_func ("/app/window/marks-match-cli", test_marks_match_cli);
  g_test_add_func ("/app/window/model-then-image", test_model_then_image);
  g_test_add_func ("/app/window/bad-model-keeps-old", test_bad_model_keeps_old);
  g_test_add_func ("/app/window/zero-tile-detail", test_zero_tile_detail);
  g_test_add_func ("/app/window/export", test_export);
  g_test_add_func ("/app/window/scan", test_scan);
  g_test_add_func ("/app/window/scan-stop", test_scan_stop);
  g_test_add_func ("/app/window/scan-cache-write-fails", test_scan_cache_write_fails);
  g_test_add_func ("/app/window/tiles-drawn-after-layer-change",
                   test_tiles_drawn_after_layer_change);
  g_test_add_func ("/app/window/fits-small-screen", test_fits_small_screen);
  g_test_add_func ("/app/window/key-to-marks", test_key_to_marks);
  g_test_add_func ("/app/window/threshold-change-drops-marks", test_threshold_change_drops_marks);
  g_test_add_func ("/app/window/per-tile-scaling", test_per_tile_scaling);
  g_test_add_func ("/app/window/empty-canvas", test_empty_canvas);
  g_test_add_func ("/app/window/sidebar-one-tab-stop", test_sidebar_one_tab_stop);
  g_test_add_func ("/app/window/switch-keeps-input", test_switch_keeps_input);
  g_test_add_func ("/app/window/switch-resamples-input", test_switch_resamples_input);
  g_test_add_func ("/app/window/recent-models", test_recent_models);
  g_test_add_func ("/app/window/last-input-restored", test_last_input_restored);
  g_test_add_func ("/app/window/tile-space-height", test_tile_space_height);
  g_test_add_func ("/app/window/filter-and-sort", test_filter_and_sort);
  g_test_add_func ("/app/window/filter-dead", test_filter_dead);
  g_test_add_func ("/app/window/go-to-channel", test_go_to_channel);
  g_test_add_func ("/app/window/switch-rereads-picture", test_switch_rereads_picture);
  g_test_add_func ("/app/window/grid-keys", test_grid_keys);
  g_test_add_func ("/app/window/input-settings-round-trip", test_input_settings_round_trip);
  g_test_add_func ("/app/window/inverted-notice", test_inverted_notice);

  status = g_test_run ();
  fm_test_remove_tree (data_home);
  return status;
}
