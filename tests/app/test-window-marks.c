/* test-window-marks.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The marks a dataset scan leaves in the window, under a real display:
 * scanning the bundled digits marks exactly PyTorch's dead channels (and
 * the "dead" filter shows them), a second scan comes from the cache, Stop
 * keeps a partial result, a cache that cannot be written still shows the
 * result and says why, the key to the marks, and a new zero threshold
 * drops marks made under the old one.
 */
#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fm-data.h"
#include "fm-dataset.h"
#include "fm-layer-section.h"
#include "fm-test-files.h"
#include "fm-test-window.h"
#include "fm-tile.h"
#include "fm-window.h"

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

/* The section of the layer whose tensor is @name, or NULL. */
static FmLayerSection *
section_named (FmWindow   *window,
               const char *name)
{
  FmFrame *frame = fm_window_get_frame (window);

  for (guint k = 0; k < fm_frame_n_layers (frame); k++)
    if (g_str_equal (frame->model->values[fm_frame_layer (frame, k)->value_id].name, name))
      return FM_LAYER_SECTION (fm_window_get_section (window, k));
  return NULL;
}

/* Scanning the bundled digits marks exactly PyTorch's dead channels on the
 * tiles; scanning again comes from the cache; Stop keeps a partial result. */
static void
test_scan (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *digits = fm_test_heldout_digits ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  FmScanResult *scan;
  JsonArray *layers;
  guint total_dead = 0;
  gint64 start;

  fm_test_fresh_scan_cache ();
  fm_window_start_scan (window, digits);
  g_assert_true (fm_window_is_scanning (window));
  WAIT_FOR (!fm_window_is_scanning (window));
  scan = fm_window_get_scan (window);
  g_assert_nonnull (scan);
  g_assert_false (scan->partial);
  g_assert_cmpuint (scan->images, ==, 2000);

  layers = load_dead_layers (parser);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    total_dead += json_array_get_length (
      json_object_get_array_member (json_array_get_object_element (layers, i), "dead"));
  /* The bar counts each dead ReLU channel once, not again in its pool. */
  {
    g_autofree char *want = g_strdup_printf (" %u dead channels", total_dead);

    g_test_message ("%s", fm_window_get_scan_status (window));
    g_assert_nonnull (strstr (fm_window_get_scan_status (window), want));
  }
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *expected = json_object_get_array_member (l, "dead");
      const char *name = json_object_get_string_member (l, "name");
      FmLayerSection *section = section_named (window, name);
      guint n_dead = 0;

      g_assert_nonnull (section);
      for (guint c = 0; c < 32; c++)
        {
          FmTileScan state = fm_tile_get_scan (FM_TILE (fm_layer_section_get_tile (section, c)));
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
  fm_test_scan_digits (window);
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
  FmScanResult *scan;

  if (!g_file_test (fashion, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("Fashion-MNIST is not installed (dataset-fashion-mnist)");
      fm_test_close_window (window);
      return;
    }
  fm_test_fresh_scan_cache ();
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
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "scan-cache-write");
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
  fm_test_close_window (window);
}

/* The key to the marks: hatching before a scan, with the offer to scan;
 * after one, what the red and amber frames mean on that dataset. */
static void
test_key_to_marks (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  fm_test_fresh_scan_cache ();
  before = fm_window_dup_key_text (window);
  g_test_message ("%s", before);
  g_assert_nonnull (strstr (before, "zero for this input"));
  g_assert_null (strstr (before, "dead"));
  g_assert_true (fm_window_get_scan_offered (window));

  fm_test_scan_digits (window);
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
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, 0));

  fm_test_fresh_scan_cache ();
  g_settings_set_double (settings, "zero-threshold", 0.0);
  fm_test_scan_digits (window);
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

/* Each section's shown channels under "Dead" are PyTorch's dead channels. */
static void
assert_dead_shown (FmWindow  *window,
                   JsonArray *layers)
{
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *expected = json_object_get_array_member (l, "dead");
      FmLayerSection *section = section_named (window,
                                               json_object_get_string_member (l, "name"));
      g_autoptr(GArray) shown = NULL;

      g_assert_nonnull (section);
      fm_layer_section_ensure_tiles (section);
      fm_test_settle ();
      shown = fm_layer_section_dup_shown (section);
      g_assert_cmpuint (shown->len, ==, json_array_get_length (expected));
      for (guint c = 0; c < shown->len; c++)
        g_assert_cmpuint (g_array_index (shown, guint, c), ==,
                          (guint) json_array_get_int_element (expected, c));
    }
}

/* After a scan, "Dead" shows exactly PyTorch's dead channels, and still
 * does after another input (a new frame leaves the scan's filter as it
 * was: it is not redone per frame). */
static void
test_filter_dead (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *image = fm_data_find ("digits/digit-7.png", NULL);
  g_autoptr(GFile) file = NULL;
  JsonArray *layers;
  guint frames;

  fm_test_fresh_scan_cache ();
  fm_test_scan_digits (window);
  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_DEAD);
  fm_test_settle ();
  layers = load_dead_layers (parser);
  assert_dead_shown (window, layers);

  g_assert_nonnull (image);
  file = g_file_new_for_path (image);
  frames = fm_window_get_n_frames (window);
  fm_window_open_image (window, file);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  fm_test_settle ();
  assert_dead_shown (window, layers);
  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

/* After a scan: "rare" shows exactly the scan's rare channels of each
 * layer, the count above the tiles says how many of all pass, and "fire
 * rate" orders every channel from the least firing. */
static void
test_filter_rare_and_fire_rate (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  GtkLabel *count = GTK_LABEL (fm_test_window_child (window, "view_count"));
  FmFrame *frame;
  FmScanResult *scan;
  guint n_rare = 0, n_channels = 0, n_layers_with_rare = 0;
  g_autofree char *want = NULL;

  fm_test_fresh_scan_cache ();
  fm_test_scan_digits (window);
  scan = fm_window_get_scan (window);
  frame = fm_window_get_frame (window);
  g_assert_nonnull (scan);

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_RARE);
  fm_test_settle ();
  for (guint k = 0; k < fm_frame_n_layers (frame); k++)
    {
      const char *name = frame->model->values[fm_frame_layer (frame, k)->value_id].name;
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, k));
      int l = fm_scan_result_find_layer (scan, name);
      g_autoptr(GArray) shown = NULL;

      g_assert_cmpint (l, >=, 0);
      fm_layer_section_ensure_tiles (section);
      fm_test_settle ();
      shown = fm_layer_section_dup_shown (section);
      g_assert_cmpuint (shown->len, ==, scan->layers[l].n_rare);
      /* Both ascending by channel: the same list. */
      for (guint j = 0; j < shown->len; j++)
        g_assert_cmpuint (g_array_index (shown, guint, j), ==, scan->layers[l].rare[j]);
      n_rare += scan->layers[l].n_rare;
      n_layers_with_rare += scan->layers[l].n_rare > 0;
      n_channels += fm_layer_section_n_tiles (section);
    }
  /* The fixture's scan has rare channels, or the filter shows nothing. */
  g_assert_cmpuint (n_layers_with_rare, >, 0);
  want = g_strdup_printf ("%u of %u shown", n_rare, n_channels);
  g_assert_cmpstr (gtk_label_get_text (count), ==, want);

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_set_dropdown (window, "sort_dropdown", FM_TILE_SORT_FIRE_RATE);
  fm_test_settle ();
  for (guint k = 0; k < fm_frame_n_layers (frame); k++)
    {
      const char *name = frame->model->values[fm_frame_layer (frame, k)->value_id].name;
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, k));
      const FmScanLayer *L = &scan->layers[fm_scan_result_find_layer (scan, name)];
      g_autoptr(GArray) shown = fm_layer_section_dup_shown (section);
      g_autofree gboolean *seen = g_new0 (gboolean, L->channels);

      g_assert_cmpuint (shown->len, ==, L->channels);
      for (guint j = 0; j < shown->len; j++)
        {
          guint c = g_array_index (shown, guint, j);

          g_assert_cmpuint (c, <, L->channels);
          g_assert_false (seen[c]);
          seen[c] = TRUE;
          if (j > 0)
            g_assert_cmpuint (L->fire_count[g_array_index (shown, guint, j - 1)], <=,
                              L->fire_count[c]);
        }
    }
  fm_test_set_dropdown (window, "sort_dropdown", FM_TILE_SORT_CHANNEL);
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

/* A filter that leaves a layer without a tile says why in the count ("No
 * channel is dead in the scan"), not "0 of 32 shown" over a blank grid;
 * a filter that leaves some says how many. Every layer and filter of the
 * dying model after a scan of the bundled digits, on the empty canvas. */
static void
test_empty_filter_says_why (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  GtkLabel *count = GTK_LABEL (fm_test_window_child (window, "view_count"));
  static const struct { FmTileFilter filter; const char *why; } filters[] = {
    { FM_TILE_FILTER_ZERO, "No channel is zero for this input" },
    { FM_TILE_FILTER_FIRING, "No channel fires for this input" },
    { FM_TILE_FILTER_DEAD, "No channel is dead in the scan" },
    { FM_TILE_FILTER_RARE, "No channel is rarely active in the scan" },
    { FM_TILE_FILTER_NEAR_DEAD, "No channel is near-dead in the scan" },
  };
  guint n_empty = 0, n_some = 0;

  fm_test_fresh_scan_cache ();
  fm_test_scan_digits (window);
  for (guint k = 0; k < fm_frame_n_layers (fm_window_get_frame (window)); k++)
    {
      fm_window_select_layer (window, (int) k);
      for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
        {
          FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, k));
          guint shown;

          fm_test_set_dropdown (window, "filter_dropdown", filters[f].filter);
          fm_test_settle ();
          shown = fm_layer_section_count_shown (section);
          if (shown == 0)
            {
              g_assert_cmpstr (gtk_label_get_text (count), ==, filters[f].why);
              n_empty++;
            }
          else
            {
              g_autofree char *want = g_strdup_printf ("%u of %u shown", shown,
                                                       fm_layer_section_n_tiles (section));

              g_assert_cmpstr (gtk_label_get_text (count), ==, want);
              n_some++;
            }
        }
    }
  g_test_message ("%u empty, %u not", n_empty, n_some);
  g_assert_cmpuint (n_empty, >, 0);
  g_assert_cmpuint (n_some, >, 0);
  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);

  g_test_add_func ("/app/window/scan", test_scan);
  g_test_add_func ("/app/window/scan-stop", test_scan_stop);
  g_test_add_func ("/app/window/scan-cache-write-fails", test_scan_cache_write_fails);
  g_test_add_func ("/app/window/key-to-marks", test_key_to_marks);
  g_test_add_func ("/app/window/threshold-change-drops-marks", test_threshold_change_drops_marks);
  g_test_add_func ("/app/window/filter-dead", test_filter_dead);
  g_test_add_func ("/app/window/filter-rare-and-fire-rate", test_filter_rare_and_fire_rate);
  g_test_add_func ("/app/window/empty-filter-says-why", test_empty_filter_says_why);

  return g_test_run ();
}
