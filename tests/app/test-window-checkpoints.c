/* test-window-checkpoints.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's Open Checkpoints on the bundled series of the dying
 * model (data/models/mnist-cnn-dying-checkpoints/), under a real display:
 *  - the slider opens each checkpoint and the picture on the canvas stays
 *    (the tensor the model gets is the same before and after), and so do
 *    the selected layer and the scroll position (a new model's do not);
 *  - "Scan Each Checkpoint" with the bundled digits finds, per checkpoint
 *    and ReLU layer, as many dead channels as PyTorch did (the training
 *    script's fixture), and a checkpoint the slider reaches shows its own
 *    verdicts, the same channels;
 *  - opening another model leaves the mode; a folder without .onnx files
 *    is refused with its name;
 *  - checkpoints without metadata of ours: the first asks for its input
 *    settings, the next ones take those of the one before instead of
 *    asking at every step.
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "fm-application.h"
#include "fm-image.h"
#include "fm-test-files.h"
#include "fm-test-onnx.h"
#include "fm-test-window.h"
#include "fm-window.h"

static char *
series_dir (void)
{
  return g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn-dying-checkpoints", NULL);
}

static gboolean
model_is (FmWindow   *window,
          const char *file)
{
  FmModel *model = fm_window_get_model (window);

  return model != NULL && g_str_has_suffix (model->path, file);
}

static gboolean
is_scale (GtkWidget     *widget,
          gconstpointer  data)
{
  return GTK_IS_SCALE (widget);
}

static FmWindow *
open_series (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = series_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (fm_window_open_checkpoints (window, folder, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fm_window_get_n_checkpoints (window), ==, 9);
  WAIT_FOR (model_is (window, "epoch-0.onnx"));
  return window;
}

static void
test_slider_keeps_input (void)
{
  FmWindow *window = open_series ();
  g_autofree char *png = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-7.png", NULL);
  g_autoptr(GError) error = NULL;
  FmImage *image = fm_image_load (png, 0, &error);
  g_autofree float *before = NULL;
  gsize numel = 28 * 28;

  g_assert_no_error (error);
  fm_window_load_image (window, image, "digit-7.png");
  fm_image_free (image);
  fm_test_settle ();
  before = g_memdup2 (fm_window_get_input_tensor (window), numel * sizeof (float));

  for (guint k = 8; k > 0; k -= 4)
    {
      g_autofree char *file = g_strdup_printf ("epoch-%u.onnx", k);
      GtkRange *slider = GTK_RANGE (fm_test_find (GTK_WIDGET (window), is_scale, NULL));

      fm_window_set_checkpoint (window, k);
      WAIT_FOR (model_is (window, file));
      g_assert_cmpuint (fm_window_get_checkpoint (window), ==, k);
      /* The slider counts as its label does ("Checkpoint 9 of 9"), which
       * is what a screen reader says of it. */
      g_assert_cmpfloat (gtk_range_get_value (slider), ==, k + 1);
      g_assert_cmpmem (fm_window_get_input_tensor (window), numel * sizeof (float), before,
                       numel * sizeof (float));
    }
  fm_test_close_window (window);
}

/* A step of the slider keeps the place, unlike a new model: All Layers
 * scrolled down stays scrolled, one layer selected stays selected. The
 * series itself, opened after another model, opens at the top. */
static void
test_slider_keeps_place (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = series_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (fm_window_get_layers_scroller (window)));

  fm_test_settle ();
  gtk_adjustment_set_value (adj, 120);
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 120);
  g_assert_true (fm_window_open_checkpoints (window, folder, NULL));
  WAIT_FOR (model_is (window, "epoch-0.onnx"));
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);

  gtk_adjustment_set_value (adj, 120);
  fm_test_settle ();
  fm_window_set_checkpoint (window, 4);
  WAIT_FOR (model_is (window, "epoch-4.onnx"));
  for (int i = 0; i < 3; i++)
    fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 120);

  fm_window_select_layer (window, 2);
  fm_test_settle ();
  fm_window_set_checkpoint (window, 8);
  WAIT_FOR (model_is (window, "epoch-8.onnx"));
  fm_test_settle ();
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 2)));
  g_assert_false (gtk_widget_get_visible (fm_window_get_section (window, 0)));
  fm_test_close_window (window);
}

/* The fixture's checkpoints, as PyTorch found them. */
static JsonArray *
fixture_checkpoints (JsonParser *parser)
{
  g_autofree char *path = g_build_filename (FM_TEST_SRCDIR, "fixtures", "mnist",
                                            "mnist-cnn-dying-checkpoints", "dead.json", NULL);

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "checkpoints");
}

static void
test_scan_each (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *want = fixture_checkpoints (parser);
  FmWindow *window;
  FmScanResult *scan;
  JsonArray *want_layers;
  g_autofree char *legend = NULL;
  guint most = 0;

  fm_test_fresh_scan_cache ();
  window = open_series ();
  /* Nothing to scan with yet: said, nothing started. */
  fm_window_scan_checkpoints (window);
  g_assert_false (fm_window_is_scanning_checkpoints (window));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "Scan a dataset first"));

  fm_test_scan_digits (window);
  fm_window_scan_checkpoints (window);
  g_assert_true (fm_window_is_scanning_checkpoints (window));
  WAIT_FOR (!fm_window_is_scanning_checkpoints (window));

  g_assert_cmpuint (json_array_get_length (want), ==, 9);
  for (guint k = 0; k < 9; k++)
    {
      JsonArray *layers = json_object_get_array_member (json_array_get_object_element (want, k),
                                                        "layers");

      for (guint l = 0; l < json_array_get_length (layers); l++)
        {
          JsonObject *wl = json_array_get_object_element (layers, l);

          most = MAX (most, json_array_get_length (json_object_get_array_member (wl, "dead")));

          g_assert_cmpuint (fm_window_get_checkpoint_dead (window, k,
                                                           json_object_get_string_member (wl,
                                                                                          "name")),
                            ==, json_array_get_length (json_object_get_array_member (wl, "dead")));
        }
    }

  /* The legend gives the plot's scale: 0 up to the most dead channels
   * PyTorch found in one layer at one checkpoint. */
  legend = g_strdup_printf ("plotted from 0 to %u:", most);
  g_assert_cmpuint (most, >, 1);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (fm_test_find_named (
                              GTK_WIDGET (window), "checkpoint_legend"))), legend));

  /* Checkpoint 3's own verdicts, from the cache. */
  fm_window_set_checkpoint (window, 3);
  WAIT_FOR (model_is (window, "epoch-3.onnx") && fm_window_get_scan (window) != NULL
            && !fm_window_is_scanning (window));
  scan = fm_window_get_scan (window);
  want_layers = json_object_get_array_member (json_array_get_object_element (want, 3),
                                              "layers");
  for (guint l = 0; l < json_array_get_length (want_layers); l++)
    {
      JsonObject *wl = json_array_get_object_element (want_layers, l);
      JsonArray *dead = json_object_get_array_member (wl, "dead");
      int i = fm_scan_result_find_layer (scan, json_object_get_string_member (wl, "name"));

      g_assert_cmpint (i, >=, 0);
      g_assert_cmpuint (scan->layers[i].n_dead, ==, json_array_get_length (dead));
      for (guint j = 0; j < json_array_get_length (dead); j++)
        g_assert_cmpint (scan->layers[i].dead[j], ==, json_array_get_int_element (dead, j));
    }
  fm_test_close_window (window);
}

/* Opens the checkpoints of @folder (the first is epoch-1.onnx), scans the
 * bundled digits, then every checkpoint; returns the toast that ends it. */
static const char *
scan_series (FmWindow *window,
             GFile    *folder)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fm_window_open_checkpoints (window, folder, &error));
  g_assert_no_error (error);
  WAIT_FOR (model_is (window, "epoch-1.onnx"));
  fm_test_fresh_scan_cache ();
  fm_test_scan_digits (window);
  fm_window_scan_checkpoints (window);
  WAIT_FOR (!fm_window_is_scanning_checkpoints (window));
  return fm_window_get_last_toast (window);
}

/* A checkpoint that cannot be read: the scan of the others goes on, and
 * the toast says which and why, not only how many. */
static void
test_scan_says_why (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "broken-series");
  g_autofree char *series = series_dir ();
  g_autofree char *good = g_build_filename (series, "epoch-0.onnx", NULL);
  g_autofree char *copy = g_build_filename (dir, "epoch-1.onnx", NULL);
  g_autofree char *broken = g_build_filename (dir, "epoch-2.onnx", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *bytes = NULL;
  gsize len;
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  const char *toast;

  g_assert_true (g_file_get_contents (good, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, len, NULL));
  g_assert_true (g_file_set_contents (broken, bytes, len / 2, NULL));
  toast = scan_series (window, folder);
  g_assert_nonnull (toast);
  g_assert_nonnull (strstr (toast, "1 of 2 checkpoints could not be scanned"));
  g_assert_nonnull (strstr (toast, "epoch-2.onnx"));
  g_assert_nonnull (strstr (toast, "truncated"));
  g_assert_null (strchr (toast, '\n'));
  fm_test_close_window (window);
}

/* Whether column @x of @surface (an RGB image) holds a saturated pixel:
 * one of the plot's coloured lines or dots. */
static gboolean
column_has_colour (cairo_surface_t *surface,
                   int              x)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    {
      const guint8 *px = data + (gsize) y * stride + 4 * x;   /* B, G, R, A */
      int hi = MAX (MAX (px[0], px[1]), px[2]), lo = MIN (MIN (px[0], px[1]), px[2]);

      if (px[3] > 200 && hi - lo > 100)
        return TRUE;
    }
  return FALSE;
}

/* A series with a damaged checkpoint and one of another network (the
 * LeNet fixture): Scan Each Checkpoint scans the rest and counts both as
 * not scanned; a checkpoint scanned between the two has a dot on the plot
 * (no line reaches it); and the slider on the damaged one says that it
 * could not be opened and whose maps are still shown. */
static void
test_broken_in_series (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "broken-in-series");
  g_autofree char *series = series_dir ();
  g_autofree char *lenet = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", "lenet",
                                             "model.onnx", NULL);
  static const char *const from[] = { "epoch-0.onnx", "epoch-8.onnx", "epoch-8.onnx",
                                      "epoch-4.onnx", NULL };
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  GtkWidget *plot;
  cairo_surface_t *surface;
  const char *toast;
  int width, x;

  for (guint k = 0; k < 5; k++)
    {
      g_autofree char *src = from[k] != NULL ? g_build_filename (series, from[k], NULL)
                                             : g_strdup (lenet);
      g_autofree char *name = g_strdup_printf ("epoch-%u.onnx", k + 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *bytes = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (src, &bytes, &len, NULL));
      g_assert_true (g_file_set_contents (path, bytes, k == 2 ? len / 2 : len, NULL));
    }
  toast = scan_series (window, folder);
  g_test_message ("%s", toast);
  g_assert_nonnull (strstr (toast, "2 of 5 checkpoints could not be scanned"));
  g_assert_cmpuint (fm_window_get_checkpoint_dead (window, 3, "/relu1/Relu_output_0"),
                    !=, G_MAXUINT);
  g_assert_cmpuint (fm_window_get_checkpoint_dead (window, 2, "/relu1/Relu_output_0"),
                    ==, G_MAXUINT);
  g_assert_cmpuint (fm_window_get_checkpoint_dead (window, 4, "/relu1/Relu_output_0"),
                    ==, G_MAXUINT);

  /* The fourth checkpoint's dot, where no line passes. */
  plot = fm_test_find_named (GTK_WIDGET (window), "checkpoint_plot");
  g_assert_nonnull (plot);
  fm_test_settle ();
  surface = fm_test_render_widget (plot);
  width = cairo_image_surface_get_width (surface);
  x = (int) lround (8 + (width - 16) * 3 / 4.0);
  g_assert_true (column_has_colour (surface, x));
  cairo_surface_destroy (surface);

  /* The slider on the damaged checkpoint. */
  fm_window_set_checkpoint (window, 2);
  WAIT_FOR (strstr (fm_window_get_checkpoint_label (window), "could not be opened") != NULL);
  g_test_message ("%s", fm_window_get_checkpoint_label (window));
  g_assert_nonnull (strstr (fm_window_get_checkpoint_label (window), "epoch-3.onnx"));
  g_assert_nonnull (strstr (fm_window_get_checkpoint_label (window), "epoch-1.onnx’s"));
  g_assert_true (model_is (window, "epoch-1.onnx"));
  fm_test_close_window (window);
}

/* Checkpoints exported with dynamic height and width scan as the window
 * shows them, at 224 x 224 (Scan All loaded them without the window's
 * size, and every one failed as "symbolic"). */
static void
test_scan_dynamic_size (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "dynamic-series");
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  FmWindow *window = fm_test_open_window ("mnist-cnn");

  for (int k = 1; k <= 2; k++)
    {
      g_autofree char *name = g_strdup_printf ("epoch-%d.onnx", k);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GByteArray) bytes = fm_test_dynamic_relu_model (name);

      g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
    }
  g_assert_true (fm_window_open_checkpoints (window, folder, &error));
  g_assert_no_error (error);
  WAIT_FOR (model_is (window, "epoch-1.onnx"));

  fm_test_fresh_scan_cache ();
  fm_test_scan_digits (window);
  g_assert_nonnull (fm_window_get_scan (window));
  fm_window_scan_checkpoints (window);
  WAIT_FOR (!fm_window_is_scanning_checkpoints (window));
  /* a scan of each (G_MAXUINT: none), and no failure said */
  g_assert_cmpuint (fm_window_get_checkpoint_dead (window, 0, "y"), !=, G_MAXUINT);
  g_assert_cmpuint (fm_window_get_checkpoint_dead (window, 1, "y"), !=, G_MAXUINT);
  g_assert_true (fm_window_get_last_toast (window) == NULL
                 || strstr (fm_window_get_last_toast (window), "could not be scanned") == NULL);
  fm_test_close_window (window);
}

static void
test_leave_and_refuse (void)
{
  FmWindow *window = open_series ();
  g_autofree char *empty = g_build_filename (FM_SOURCE_DATADIR, "digits", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (empty);
  g_autoptr(GError) error = NULL;
  g_autofree char *bundled = g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn.onnx",
                                               NULL);
  g_autoptr(GFile) other = g_file_new_for_path (bundled);

  /* Another model: the mode ends. */
  fm_window_open_model (window, other);
  WAIT_FOR (model_is (window, "/mnist-cnn.onnx"));
  g_assert_cmpuint (fm_window_get_n_checkpoints (window), ==, 0);

  /* A folder of digits holds no checkpoint. */
  g_assert_false (fm_window_open_checkpoints (window, folder, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, empty));
  g_assert_cmpuint (fm_window_get_n_checkpoints (window), ==, 0);
  fm_test_close_window (window);
}

static void
test_settings_carry_over (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "bare-series");
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  FmPreprocess first;

  /* Two checkpoints of other bytes (so other settings files), no metadata. */
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(GByteArray) bytes = fm_test_relu_model (2, 2, k == 1, NULL);
      g_autofree char *name = g_strdup_printf ("step-%u.onnx", k + 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
    }
  g_assert_true (fm_window_open_checkpoints (window, folder, &error));
  g_assert_no_error (error);
  WAIT_FOR (model_is (window, "step-1.onnx"));
  /* The first one says nothing of its input: the window asks. */
  WAIT_FOR (fm_window_get_input_dialog (window) != NULL);
  gtk_window_destroy (fm_window_get_input_dialog (window));
  WAIT_FOR (fm_window_get_input_dialog (window) == NULL);
  first = *fm_window_get_preprocess (window);

  fm_window_set_checkpoint (window, 1);
  WAIT_FOR (model_is (window, "step-2.onnx"));
  fm_test_settle ();
  g_assert_null (fm_window_get_input_dialog (window));
  g_assert_cmpmem (fm_window_get_preprocess (window), sizeof first, &first, sizeof first);
  fm_test_close_window (window);
}

/* Another folder of checkpoints opened after a scan: Scan Each
 * Checkpoint scans them with the same dataset at once (it asked for a
 * dataset scan again), and the counts are PyTorch's. */
static void
test_next_folder_keeps_dataset (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "second-series");
  g_autofree char *series = series_dir ();
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *want = fixture_checkpoints (parser);
  JsonArray *layers;
  FmWindow *window;

  for (guint k = 7; k <= 8; k++)
    {
      g_autofree char *name = g_strdup_printf ("epoch-%u.onnx", k);
      g_autofree char *src = g_build_filename (series, name, NULL);
      g_autofree char *dst = g_build_filename (dir, name, NULL);

      fm_test_copy_file (src, dst);
    }
  fm_test_fresh_scan_cache ();
  window = open_series ();
  fm_test_scan_digits (window);
  g_assert_true (fm_window_open_checkpoints (window, folder, &error));
  g_assert_no_error (error);
  WAIT_FOR (model_is (window, "second-series/epoch-7.onnx"));
  fm_window_scan_checkpoints (window);
  g_assert_true (fm_window_is_scanning_checkpoints (window));
  WAIT_FOR (!fm_window_is_scanning_checkpoints (window));
  layers = json_object_get_array_member (json_array_get_object_element (want, 8), "layers");
  for (guint l = 0; l < json_array_get_length (layers); l++)
    {
      JsonObject *wl = json_array_get_object_element (layers, l);

      g_assert_cmpuint (fm_window_get_checkpoint_dead (window, 1,
                                                       json_object_get_string_member (wl, "name")),
                        ==, json_array_get_length (json_object_get_array_member (wl, "dead")));
    }

  /* On the slider's other checkpoint (a look-up in the cache, no scan of
   * its own), a second Scan Each takes the dataset the bar kept: it read
   * that string after freeing it. */
  fm_window_set_checkpoint (window, 0);
  WAIT_FOR (model_is (window, "second-series/epoch-7.onnx"));
  fm_window_scan_checkpoints (window);
  g_assert_true (fm_window_is_scanning_checkpoints (window));
  WAIT_FOR (!fm_window_is_scanning_checkpoints (window));
  g_assert_true (fm_window_get_last_toast (window) == NULL ||
                 strstr (fm_window_get_last_toast (window), "could not be scanned") == NULL);
  g_assert_cmpuint (fm_window_get_checkpoint_dead (window, 1, json_object_get_string_member (
                      json_array_get_object_element (layers, 0), "name")),
                    ==, json_array_get_length (json_object_get_array_member (
                          json_array_get_object_element (layers, 0), "dead")));
  fm_test_close_window (window);
}

static gboolean
label_shows_replacement (GtkWidget     *widget,
                         gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), data) != NULL;
}

/* Checkpoints whose file names are not UTF-8 (Latin-1 "é"): the bar names
 * them in UTF-8, the byte as U+FFFD (the raw bytes went to a GtkLabel,
 * which Pango refuses with a warning). */
static void
test_names_not_utf8 (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *series = series_dir ();
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "latin1-series");
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *name = g_strdup_printf ("epoch-%u.onnx", k);
      g_autofree char *src = g_build_filename (series, name, NULL);
      g_autofree char *latin1 = g_strdup_printf ("\xe9poque-%u.onnx", k);
      g_autofree char *dest = g_build_filename (dir, latin1, NULL);

      fm_test_copy_file (src, dest);
    }
  g_assert_true (fm_window_open_checkpoints (window, folder, &error));
  g_assert_no_error (error);
  WAIT_FOR (model_is (window, "poque-0.onnx"));
  fm_test_settle ();
  g_assert_nonnull (fm_test_find (GTK_WIDGET (window), label_shows_replacement,
                                  "\xef\xbf\xbdpoque-0.onnx"));
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);

  g_test_add_func ("/app/window-checkpoints/slider-keeps-input", test_slider_keeps_input);
  g_test_add_func ("/app/window-checkpoints/slider-keeps-place", test_slider_keeps_place);
  g_test_add_func ("/app/window-checkpoints/scan-each", test_scan_each);
  g_test_add_func ("/app/window-checkpoints/scan-says-why", test_scan_says_why);
  g_test_add_func ("/app/window-checkpoints/broken-in-series", test_broken_in_series);
  g_test_add_func ("/app/window-checkpoints/scan-dynamic-size", test_scan_dynamic_size);
  g_test_add_func ("/app/window-checkpoints/leave-and-refuse", test_leave_and_refuse);
  g_test_add_func ("/app/window-checkpoints/settings-carry-over", test_settings_carry_over);
  g_test_add_func ("/app/window-checkpoints/names-not-utf8", test_names_not_utf8);
  g_test_add_func ("/app/window-checkpoints/next-folder-keeps-dataset",
                   test_next_folder_keeps_dataset);

  return g_test_run ();
}
