/* test-window-compare.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Compare With… under a real display: the bundled healthy model (A)
 * beside the bundled dying one (B) on a bundled digit. Each side's tiles
 * show what a direct run of that model on the picture gives (maps and
 * zero marks), the highlighted cells are the channels
 * fm_layer_zero_channels () gives for one model and not the other, the
 * difference tiles hold |A - B| of the two direct runs, a model with
 * another input shape is refused in words, and Stop Comparing gives back
 * the single view with the input kept.
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "fm-compare.h"
#include "fm-data.h"
#include "fm-layer-section.h"
#include "fm-layers.h"
#include "fm-test-files.h"
#include "fm-test-model.h"
#include "fm-test-onnx.h"
#include "fm-test-window.h"
#include "fm-tile.h"
#include "fm-window.h"

/* A direct run of @model on @image through the model's own input
 * settings, as `feature-maps run` prepares it. */
static FmRun *
direct_run (FmModel    *model,
            const char *image)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmImage) picture = fm_image_load (image, 0, &error);
  g_autofree float *tensor = NULL;
  FmPreprocess pp;
  FmRun *run;

  g_assert_no_error (error);
  g_assert_true (fm_preprocess_init_from_model (&pp, model, &error));
  tensor = g_new (float, (gsize) pp.channels * pp.height * pp.width);
  g_assert_true (fm_preprocess_image (&pp, picture, tensor, &error));
  g_assert_no_error (error);
  run = fm_run_new (model, &error);
  g_assert_no_error (error);
  memcpy (fm_run_input_data (run, 0), tensor, sizeof (float) * pp.channels * pp.height * pp.width);
  g_assert_true (fm_run_execute (run, NULL, &error));
  g_assert_no_error (error);
  return run;
}

static gboolean
in_list (GArray *list,
         guint   c)
{
  for (guint k = 0; k < list->len; k++)
    if ((guint) g_array_index (list, int, k) == c)
      return TRUE;
  return FALSE;
}

static void
open_compare (FmWindow   *window,
              const char *model_name)
{
  g_autofree char *path = fm_data_resolve_model (model_name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  fm_window_compare_with (window, file);
  WAIT_FOR (fm_window_get_compare_model (window) != NULL &&
            fm_window_get_compare_frame (window) != NULL);
}

/* Opens @image into the canvas and waits for both models' results of it. */
static void
show_picture (FmWindow   *window,
              const char *image)
{
  g_autoptr(GFile) file = g_file_new_for_path (image);
  guint frames_a = fm_window_get_n_frames (window);
  guint frames_b = fm_window_get_compare_n_frames (window);

  fm_window_open_image (window, file);
  WAIT_FOR (fm_window_get_n_frames (window) > frames_a &&
            fm_window_get_compare_n_frames (window) > frames_b);
  fm_test_settle ();
}

static void
test_compare_bundled (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *image = fm_data_find ("digits/digit-7.png", NULL);
  g_autofree char *path_b = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model_b = fm_model_load_file (path_b, NULL, &error);
  FmModel *model_a = fm_window_get_model (window);
  g_autoptr(FmRun) run_a = NULL;
  g_autoptr(FmRun) run_b = NULL;
  g_autoptr(GArray) layers_a = fm_layers_list (model_a, TRUE);
  g_autoptr(GArray) layers_b = NULL;
  g_autoptr(GArray) matches = NULL;
  float epsilon;
  guint n_differ = 0, n_compared = 0;

  g_assert_no_error (error);
  layers_b = fm_layers_list (model_b, TRUE);
  matches = fm_compare_match_layers (model_a, layers_a, model_b, layers_b, NULL, NULL);
  run_a = direct_run (model_a, image);
  run_b = direct_run (model_b, image);

  open_compare (window, "mnist-cnn-dying");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (fm_window_get_compare_banner (window))));
  fm_window_set_compare_difference (window, TRUE);
  show_picture (window, image);
  epsilon = fm_window_get_frame (window)->epsilon;

  g_assert_cmpuint (matches->len, >, 0);
  for (guint k = 0; k < matches->len; k++)
    {
      FmLayerMatch m = g_array_index (matches, FmLayerMatch, k);
      const FmLayer *la = &g_array_index (layers_a, FmLayer, m.a);
      const FmLayer *lb = &g_array_index (layers_b, FmLayer, m.b);
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, m.a));
      g_autoptr(GArray) zero_a = fm_layer_zero_channels (model_a, la, run_a, epsilon);
      g_autoptr(GArray) zero_b = fm_layer_zero_channels (model_b, lb, run_b, epsilon);
      g_autofree float *buf_a = g_new (float, MAX (fm_layer_copy_size (la), 1));
      g_autofree float *buf_b = g_new (float, MAX (fm_layer_copy_size (lb), 1));
      const float *maps_a = fm_layer_planes (model_a, la, run_a, 0, buf_a);
      const float *maps_b = fm_layer_planes (model_b, lb, run_b, 0, buf_b);
      gsize plane = (gsize) la->height * la->width;
      const float *diff;
      float most = 0, shown_max;

      g_assert_true (fm_layer_section_get_compare (section));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (section)));
      for (guint c = 0; c < la->channels; c++)
        {
          FmTile *ta = FM_TILE (fm_layer_section_get_tile (section, c));
          FmTile *tb = FM_TILE (fm_layer_section_get_compare_tile (section, c, FALSE));
          FmTile *td = FM_TILE (fm_layer_section_get_compare_tile (section, c, TRUE));
          gboolean za = in_list (zero_a, c), zb = in_list (zero_b, c);

          /* Each side's tile: the direct run's map and zero verdict. */
          g_assert_nonnull (fm_tile_get_map (ta));
          g_assert_nonnull (fm_tile_get_map (tb));
          g_assert_true (memcmp (fm_tile_get_map (ta), maps_a + c * plane,
                                 plane * sizeof (float)) == 0);
          g_assert_true (memcmp (fm_tile_get_map (tb), maps_b + c * plane,
                                 plane * sizeof (float)) == 0);
          g_assert_cmpint (fm_tile_get_all_zero (ta), ==, za);
          g_assert_cmpint (fm_tile_get_all_zero (tb), ==, zb);
          /* The highlight: zero in one model and not in the other. */
          g_assert_cmpint (fm_layer_section_get_verdict_differs (section, c), ==, za != zb);
          n_differ += za != zb;
          /* The difference tile: |A - B| of the two direct runs. */
          for (gsize i = 0; i < plane; i++)
            {
              float d = fabsf (maps_a[c * plane + i] - maps_b[c * plane + i]);

              g_assert_cmpfloat (fm_tile_get_map (td)[i], ==, d);
              most = MAX (most, d);
            }
        }
      diff = fm_layer_section_get_difference (section, &shown_max);
      g_assert_nonnull (diff);
      g_assert_cmpfloat (shown_max, ==, most);
      n_compared++;
    }
  g_test_message ("%u layers compared, %u channels zero in one model only", n_compared, n_differ);
  /* The dying model has dead channels the healthy one does not. */
  g_assert_cmpuint (n_differ, >, 0);
  fm_test_close_window (window);
}

static char *
fixture (const char *name)
{
  return g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", name, "model.onnx", NULL);
}

/* Compare With… @path in a window on the bundled CNN: refused with a
 * toast that holds each of @expected, and the single view stays. */
static void
assert_refused (const char         *path,
                const char * const *expected)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const char *toast;

  fm_window_compare_with (window, file);
  WAIT_FOR (fm_window_get_last_toast (window) != NULL);
  toast = fm_window_get_last_toast (window);
  g_test_message ("%s", toast);
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_nonnull (strstr (toast, expected[i]));
  g_assert_null (fm_window_get_compare_model (window));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (fm_window_get_compare_banner (window))));
  g_assert_false (fm_layer_section_get_compare (FM_LAYER_SECTION (fm_window_get_section (window, 0))));
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 0)));
  fm_test_close_window (window);
}

/* A model whose input has another shape is refused in words naming both
 * shapes. */
static void
test_other_shape_refused (void)
{
  g_autofree char *tiny = fixture ("tiny_resnet");
  static const char * const expected[] = { "[1, 1, 28, 28]", "[1, 3, 16, 16]", "model.onnx",
                                           NULL };

  assert_refused (tiny, expected);
}

/* The toplevel named @name, or NULL. */
static GtkWidget *
toplevel_named (const char *name)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (tops, i);

      if (g_strcmp0 (gtk_widget_get_name (w), name) == 0)
        return w;
    }
  return NULL;
}

/* A comparison shown stays when the next model cannot be compared (LeNet
 * has no layer of the same maps); the toast, longer than a toast shows,
 * is whole behind Details. */
static void
test_refused_keeps_comparison (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *lenet = fixture ("lenet");
  g_autoptr(GFile) file = g_file_new_for_path (lenet);
  FmModel *b;
  GtkWidget *dialog, *details;
  g_autofree char *want = NULL;
  const char *toast;

  open_compare (window, "mnist-cnn-dying");
  b = fm_window_get_compare_model (window);
  fm_window_compare_with (window, file);
  WAIT_FOR (fm_window_get_last_toast (window) != NULL);
  toast = fm_window_get_last_toast (window);
  g_test_message ("%s", toast);
  g_assert_nonnull (strstr (toast, "no layer of mnist-cnn.onnx"));
  g_assert_true (fm_window_get_compare_model (window) == b);
  g_assert_true (gtk_revealer_get_reveal_child (
    GTK_REVEALER (fm_window_get_compare_banner (window))));
  g_assert_true (fm_layer_section_get_compare (
    FM_LAYER_SECTION (fm_window_get_section (window, 0))));

  /* Details shows this toast's text even when another toast came after
   * it (it waits in the queue while this one shows). */
  g_assert_cmpuint (g_utf8_strlen (toast, -1), >, 80);
  want = g_strdup (toast);
  fm_window_show_exported (window, file);
  fm_test_settle ();
  details = fm_test_find_button (GTK_WIDGET (window), "win.error-details");
  g_assert_nonnull (details);
  gtk_widget_activate (details);   /* a button clicks after a short press */
  WAIT_FOR (toplevel_named ("toast_details") != NULL);
  dialog = toplevel_named ("toast_details");
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, want);
  gtk_window_destroy (GTK_WINDOW (dialog));
  fm_test_close_window (window);
}

/* LeNet has no layer of the maps of the bundled CNN's: refused in words. */
static void
test_no_pair_refused (void)
{
  g_autofree char *lenet = fixture ("lenet");
  static const char * const expected[] = { "no layer of mnist-cnn.onnx", NULL };

  assert_refused (lenet, expected);
}

/* x [1, 1, 8, 8] -> Conv (@c1 channels, 3 x 3, padded) -> Relu "r1" ->
 * Conv (2 channels, 1 x 1) -> Relu "r2", with MNIST's input settings in
 * its metadata, written to @name in the scratch folder; returns the path. */
static char *
write_two_relu_model (const char *name,
                      gint64      c1)
{
  const gint64 x_dims[] = { 1, 1, 8, 8 }, w1_dims[] = { c1, 1, 3, 3 }, w2_dims[] = { 2, c1, 1, 1 };
  const gint64 pads[] = { 1, 1, 1, 1 };
  static const char *meta[] = { "feature_maps.mean", "0.5", "feature_maps.std", "0.5", NULL };
  g_autofree float *w1 = g_new (float, c1 * 9);
  g_autofree float *w2 = g_new (float, 2 * c1);
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) conv1 = fm_test_node ("Conv", "conv1", (const char *[]) { "x", "w1", NULL },
                                              "c1");
  g_autoptr(GByteArray) relu1 = fm_test_node ("Relu", "relu1", (const char *[]) { "c1", NULL },
                                              "r1");
  g_autoptr(GByteArray) conv2 = fm_test_node ("Conv", "conv2", (const char *[]) { "r1", "w2",
                                                                                   NULL }, "c2");
  g_autoptr(GByteArray) relu2 = fm_test_node ("Relu", "relu2", (const char *[]) { "c2", NULL },
                                              "r2");
  g_autoptr(GByteArray) in = fm_test_value_info ("x", x_dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info ("r2", NULL, -1);

  for (gint64 i = 0; i < c1 * 9; i++)
    w1[i] = (float) ((i * 5) % 7) / 7.0f - 0.3f;
  for (gint64 i = 0; i < 2 * c1; i++)
    w2[i] = (float) ((i * 3) % 5) / 5.0f - 0.2f;
  fm_test_attr_ints (conv1, "pads", pads, 4);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, conv1);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, relu1);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, conv2);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, relu2);
  fm_test_initializer (graph, "w1", w1_dims, 4, w1);
  fm_test_initializer (graph, "w2", w2_dims, 4, w2);
  return fm_test_write_model (name, graph, "g", in, out, meta);
}

/* A copy with fewer channels in a layer (as prune makes): that layer,
 * of the same name in both, is said to have other maps, not to be only in
 * A and only in B. */
static void
test_same_name_other_maps (void)
{
  g_autofree char *a = write_two_relu_model ("two-relu-4.onnx", 4);
  g_autofree char *b = write_two_relu_model ("two-relu-3.onnx", 3);
  FmWindow *window = fm_test_open_window (a);
  g_autoptr(GFile) file = g_file_new_for_path (b);
  const char *text;

  fm_window_compare_with (window, file);
  WAIT_FOR (fm_window_get_compare_model (window) != NULL);
  fm_test_settle ();
  text = fm_window_get_compare_unpaired_text (window);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, "Not the same maps in A and B: r1");
  fm_test_close_window (window);
}

/* A small ResNet and a small U-Net of the same input share two layers'
 * maps: those compare, the others of A are hidden, and both sides'
 * unpaired layers are named apart. */
static void
test_unpaired_listed (void)
{
  FmWindow *window = fm_window_new (NULL);
  g_autofree char *tiny = fixture ("tiny_resnet");
  g_autofree char *unet = fixture ("unet");
  g_autoptr(GFile) file_a = g_file_new_for_path (tiny);
  g_autoptr(GFile) file = g_file_new_for_path (unet);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model_b = fm_model_load_file (unet, NULL, &error);
  FmModel *model_a;
  g_autoptr(GArray) layers_a = NULL;
  g_autoptr(GArray) layers_b = NULL;
  g_autoptr(GArray) only_a = NULL;
  g_autoptr(GArray) only_b = NULL;
  g_autoptr(GArray) matches = NULL;
  const char *text;

  fm_window_open_model (window, file_a);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (fm_window_get_model (window) != NULL && fm_window_get_frame (window) != NULL);
  model_a = fm_window_get_model (window);
  layers_a = fm_layers_list (model_a, TRUE);
  layers_b = fm_layers_list (model_b, TRUE);
  matches = fm_compare_match_layers (model_a, layers_a, model_b, layers_b, &only_a, &only_b);
  g_assert_cmpuint (matches->len, >, 0);
  fm_window_compare_with (window, file);
  WAIT_FOR (fm_window_get_compare_frame (window) != NULL);
  text = fm_window_get_compare_unpaired_text (window);
  g_test_message ("%u pairs; %s", matches->len, text);
  g_assert_cmpuint (only_a->len + only_b->len, >, 0);
  if (only_a->len > 0)
    g_assert_nonnull (strstr (text, "Only in A"));
  if (only_b->len > 0)
    g_assert_nonnull (strstr (text, "Only in B"));
  for (guint i = 0; i < layers_a->len; i++)
    {
      gboolean paired = FALSE;

      for (guint k = 0; k < matches->len; k++)
        paired |= g_array_index (matches, FmLayerMatch, k).a == i;
      g_assert_cmpint (gtk_widget_get_visible (fm_window_get_section (window, i)), ==, paired);
      g_assert_cmpint (fm_layer_section_get_compare (FM_LAYER_SECTION (fm_window_get_section (window, i))),
                       ==, paired);
    }
  fm_test_close_window (window);
}

/* Stop Comparing (Escape): A's tiles alone again, every layer shown, the
 * canvas and the tensor as they were. */
static void
test_stop_keeps_input (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *image = fm_data_find ("digits/digit-4.png", NULL);
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  const FmPreprocess *pp = fm_window_get_preprocess (window);
  gsize n = (gsize) pp->channels * pp->height * pp->width;
  gsize n_pixels = (gsize) fm_draw_pad_get_channels (pad) * pp->height * pp->width;
  g_autofree float *tensor = NULL;
  g_autofree float *pixels = NULL;
  FmLayerSection *section;
  guint frames;

  open_compare (window, "mnist-cnn-dying");
  show_picture (window, image);
  tensor = g_memdup2 (fm_window_get_input_tensor (window), n * sizeof (float));
  pixels = g_memdup2 (fm_draw_pad_get_pixels (pad), n_pixels * sizeof (float));
  section = FM_LAYER_SECTION (fm_window_get_section (window, 0));
  g_assert_true (fm_layer_section_get_compare (section));

  frames = fm_window_get_n_frames (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop-comparing", NULL));
  fm_test_settle ();
  g_assert_null (fm_window_get_compare_model (window));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (fm_window_get_compare_banner (window))));
  g_assert_true (memcmp (fm_draw_pad_get_pixels (pad), pixels, n_pixels * sizeof (float)) == 0);
  g_assert_true (memcmp (fm_window_get_input_tensor (window), tensor, n * sizeof (float)) == 0);
  for (guint i = 0; i < fm_frame_n_layers (fm_window_get_frame (window)); i++)
    {
      GtkWidget *s = fm_window_get_section (window, i);
      GtkWidget *tile = fm_layer_section_get_tile (FM_LAYER_SECTION (s), 0);

      g_assert_false (fm_layer_section_get_compare (FM_LAYER_SECTION (s)));
      g_assert_true (gtk_widget_get_visible (s));
      /* A tile straight in its flow box cell again, with its map. */
      g_assert_true (GTK_IS_FLOW_BOX_CHILD (gtk_widget_get_parent (tile)));
      g_assert_nonnull (fm_tile_get_map (FM_TILE (tile)));
    }
  /* The model still runs on its own. */
  g_assert_cmpuint (fm_window_get_n_frames (window), >=, frames);
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);
  g_test_add_func ("/window-compare/bundled", test_compare_bundled);
  g_test_add_func ("/window-compare/other-shape", test_other_shape_refused);
  g_test_add_func ("/window-compare/no-pair", test_no_pair_refused);
  g_test_add_func ("/window-compare/refused-keeps-comparison", test_refused_keeps_comparison);
  g_test_add_func ("/window-compare/unpaired", test_unpaired_listed);
  g_test_add_func ("/window-compare/same-name-other-maps", test_same_name_other_maps);
  g_test_add_func ("/window-compare/stop-keeps-input", test_stop_keeps_input);
  return g_test_run ();
}
