/* test-cli-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps scan`, run as a user would: the built binary (argv[1]) in
 * a subprocess with its own XDG_CACHE_HOME. Checks the --json object
 * against the documented format and against the dead channels PyTorch
 * found (tests/fixtures/mnist/mnist-cnn-dying/dead.json), --csv, the text
 * report, --limit, the cache (a second run reads it, also with the same
 * files under other names), a folder dataset
 * with a broken picture, the text table's columns with long and non-ASCII
 * layer names, bad datasets (exit 1 naming the file), bad
 * flags (exit 2), and writes that fail (a file-size limit set in the child,
 * a path under a regular file): a --csv file that cannot be written is
 * exit 1, a cache file a warning; both name the file and the reason and
 * keep the previous file whole with no temporary left.
 */
#include "config.h"

#include "fm-test-cli.h"
#include "fm-test-files.h"
#include "fm-test-onnx.h"

#include <errno.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>

#include <json-glib/json-glib.h>

static const char *binary;
static const char *cache_dir;

/* Runs `BINARY scan ARGS...` (NULL-terminated) with the cache in
 * cache_dir; returns the exit status. */
#define run_scan(out, err, ...) \
  fm_test_cli_run (binary, "scan", (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL }, \
                   out, err, NULL, FM_TEST_CLI_ARGS (__VA_ARGS__))

/* The bundled dying model over the bundled digits: the documented members,
 * and the dead ReLU channels PyTorch found. */
static void
test_json_bundled (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *fixture = g_build_filename (FM_TEST_SRCDIR, "fixtures", "mnist",
                                               "mnist-cnn-dying", "dead.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) want_parser = json_parser_new ();
  GError *error = NULL;
  JsonObject *o;
  JsonArray *layers, *want_layers;

  g_assert_cmpint (run_scan (&out, &err, "mnist-cnn-dying", "mnist-heldout", "--json",
                             "--no-cache", NULL), ==, 0);
  o = fm_test_cli_parse_object (parser, out);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "model"),
                                   "mnist-cnn-dying.onnx"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "dataset"),
                                   "mnist-heldout-images-idx3-ubyte.gz"));
  g_assert_cmpint (json_object_get_int_member (o, "images"), ==, 2000);
  g_assert_false (json_object_get_boolean_member (o, "partial"));
  layers = json_object_get_array_member (o, "layers");
  /* Conv, Relu, MaxPool, Conv, Relu, MaxPool, Conv, Relu */
  g_assert_cmpuint (json_array_get_length (layers), ==, 8);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      gint64 C = json_object_get_int_member (l, "channels");
      const char *arrays[] = { "zero_count", "fire_count", "max", "mean", "top" };

      g_assert_cmpint (C, ==, 32);
      for (guint a = 0; a < G_N_ELEMENTS (arrays); a++)
        g_assert_cmpuint (json_array_get_length (json_object_get_array_member (l, arrays[a])),
                          ==, 32);
      for (guint c = 0; c < 32; c++)
        g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (l, "zero_count"), c)
                         + json_array_get_int_element (json_object_get_array_member (l, "fire_count"), c),
                         ==, 2000);
      /* pre_activation_max: an array after Conv (the ReLUs), else null. */
      if (g_strcmp0 (json_object_get_string_member (l, "op"), "Relu") == 0)
        g_assert_cmpuint (json_array_get_length (json_object_get_array_member (l, "pre_activation_max")),
                          ==, 32);
      else
        g_assert_true (json_object_get_null_member (l, "pre_activation_max"));
    }

  g_assert_true (json_parser_load_from_file (want_parser, fixture, &error));
  g_assert_no_error (error);
  want_layers = json_object_get_array_member (json_node_get_object (json_parser_get_root (want_parser)),
                                              "layers");
  for (guint i = 0; i < json_array_get_length (want_layers); i++)
    {
      JsonObject *w = json_array_get_object_element (want_layers, i);
      JsonArray *want = json_object_get_array_member (w, "dead");
      JsonObject *layer = fm_test_cli_find_layer (o, json_object_get_string_member (w, "name"));
      JsonArray *got = json_object_get_array_member (layer, "dead");

      g_assert_cmpuint (json_array_get_length (got), ==, json_array_get_length (want));
      for (guint j = 0; j < json_array_get_length (want); j++)
        g_assert_cmpint (json_array_get_int_element (got, j), ==,
                         json_array_get_int_element (want, j));
    }
}

/* One layer of --json's measures against its own counts: APoZ is
 * zero_cells / (images * cells), every image has one label so the class
 * counts add up to fire_count, near-dead channels stand above mean + std,
 * the warning is 10 % dead. */
static void
check_json_measures_layer (JsonObject *l,
                           gint64      images,
                           guint       n_classes)
{
  gint64 C = json_object_get_int_member (l, "channels");
  gint64 cells = json_object_get_int_member (l, "cells_per_image");
  JsonArray *apoz = json_object_get_array_member (l, "apoz");
  JsonArray *zero_cells = json_object_get_array_member (l, "zero_cells");
  JsonArray *fire = json_object_get_array_member (l, "fire_count");
  JsonArray *classes = json_object_get_array_member (l, "class_fire_count");
  JsonArray *near = json_object_get_array_member (l, "near_dead");
  JsonArray *dead = json_object_get_array_member (l, "dead");
  double bar = json_object_get_double_member (l, "apoz_mean") +
               json_object_get_double_member (l, "apoz_std");

  g_assert_cmpint (cells, >, 0);
  g_assert_cmpuint (json_array_get_length (apoz), ==, C);
  g_assert_cmpuint (json_array_get_length (classes), ==, C);
  for (guint c = 0; c < C; c++)
    {
      JsonArray *row = json_array_get_array_element (classes, c);
      gint64 sum = 0;

      g_assert_cmpfloat (json_array_get_double_element (apoz, c), ==,
                         (double) json_array_get_int_element (zero_cells, c) /
                         ((double) images * cells));
      g_assert_cmpuint (json_array_get_length (row), ==, n_classes);
      for (guint k = 0; k < n_classes; k++)
        sum += json_array_get_int_element (row, k);
      g_assert_cmpint (sum, ==, json_array_get_int_element (fire, c));
    }
  for (guint i = 0; i < json_array_get_length (near); i++)
    g_assert_cmpfloat (json_array_get_double_element (apoz, json_array_get_int_element (near, i)),
                       >, bar);
  g_assert_cmpint (json_object_get_boolean_member (l, "dead_warning"), ==,
                   json_array_get_length (dead) * 10 >= C);
}

/* The measures in --json and in the text, for both bundled models. */
static void
test_measures (void)
{
  const char *models[] = { "mnist-cnn-dying", "mnist-cnn" };
  guint near = 0, warned = 0;

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autofree char *out = NULL, *err = NULL, *text = NULL, *err2 = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o, *bound;
      JsonArray *classes, *layers;

      g_assert_cmpint (run_scan (&out, &err, models[m], "mnist-heldout", "--json", "--limit",
                                 "200", "--no-cache", NULL), ==, 0);
      o = fm_test_cli_parse_object (parser, out);
      classes = json_object_get_array_member (o, "classes");
      g_assert_cmpuint (json_array_get_length (classes), ==, 10);
      g_assert_cmpstr (json_array_get_string_element (classes, 7), ==, "7");
      bound = json_object_get_object_member (o, "dead_bound");
      g_assert_cmpint (json_object_get_int_member (bound, "images"), ==, 200);
      g_assert_cmpfloat (json_object_get_double_member (bound, "rule_of_three"), ==, 3.0 / 200);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (bound, "exact_95"),
                                      1 - pow (0.05, 1.0 / 200), 1e-15);
      layers = json_object_get_array_member (o, "layers");
      for (guint i = 0; i < json_array_get_length (layers); i++)
        {
          JsonObject *l = json_array_get_object_element (layers, i);

          check_json_measures_layer (l, 200, 10);
          near += json_array_get_length (json_object_get_array_member (l, "near_dead"));
          warned += json_object_get_boolean_member (l, "dead_warning");
        }

      g_assert_cmpint (run_scan (&text, &err2, models[m], "mnist-heldout", "--limit", "200",
                                 NULL), ==, 0);
      g_test_message ("%s", text);
      fm_test_assert_contains (text, "Near-dead", "APoZ", NULL);
      if (m == 0)
        fm_test_assert_contains (text, "!: 10 % or more of the layer's channels are dead",
                                 "Dead means unseen in 200 images: a channel firing on more "
                                 "than 1.49 % of such inputs (3/N = 1.5 %) would have shown "
                                 "with 95 % confidence.", NULL);
      else
        fm_test_assert_contains (text, "Near-dead channels (APoZ above the layer's mean + 1 "
                                 "standard deviation):",
                                 "Classes the rare and near-dead channels fire for most", NULL);
    }
  g_assert_cmpuint (near, >, 0);
  g_assert_cmpuint (warned, >, 0);
}

/* The bound on what "dead" promises, for few images: 1 image is singular,
 * and the rule of three (3/N), which approximates the bound only from
 * about 30 images on, is left out below that (it said "unseen in 1
 * images ... (3/N = 300 %)"). The percentages by hand: 1 - 0.05^(1/N)
 * is 95 % for N = 1, 9.81 % for 29, 9.50 % for 30, where 3/N is 10 %.
 * scan --help says that --limit 0 means all. */
static void
test_dead_bound_few_images (void)
{
  const struct { const char *limit; const char *line; } cases[] = {
    { "1", "Dead means unseen in 1 image: a channel firing on more than 95 % of such inputs "
           "would have shown with 95 % confidence.\n" },
    { "29", "Dead means unseen in 29 images: a channel firing on more than 9.81 % of such "
            "inputs would have shown with 95 % confidence.\n" },
    { "30", "Dead means unseen in 30 images: a channel firing on more than 9.5 % of such "
            "inputs (3/N = 10 %) would have shown with 95 % confidence.\n" },
  };
  g_autofree char *help = NULL, *help_err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;

      g_assert_cmpint (run_scan (&out, &err, "mnist-cnn-dying", "mnist-heldout", "--limit",
                                 cases[i].limit, "--no-cache", NULL), ==, 0);
      g_test_message ("%s", out);
      fm_test_assert_contains (out, cases[i].line, NULL);
    }
  g_assert_cmpint (run_scan (&help, &help_err, "--help", NULL), ==, 0);
  fm_test_assert_contains (help, "Scan only the first N images (0, the default: all)", NULL);
}

/* Text, --limit, --csv, --rare-below and the cache. */
static void
test_text_csv_cache (void)
{
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *csv = g_build_filename (fm_test_scratch (), "scan.csv", NULL);
  g_autofree char *csv_text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run_scan (&out, &err, "mnist-cnn-dying", "mnist-heldout", "--limit", "200",
                             "--rare-below", "0.05", "--csv", csv, NULL), ==, 0);
  g_test_message ("%s", out);
  fm_test_assert_contains (out, "Scanned 200 images in", "/relu1/Relu_output_0",
                           "the bias keeps it negative", "Usual remedies",
                           "fewer than 5 % of the images", NULL);

  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  lines = g_strsplit (csv_text, "\n", -1);
  /* header + 8 layers * 32 channels + the empty string after the last \n */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 8 * 32 + 1);
  g_assert_cmpstr (lines[0], ==,
                   "layer,channel,zero_count,fire_count,max,mean,pre_activation_max,dead,rare,"
                   "apoz,near_dead");
  /* relu1 channel 0 is dead over the first 200 digits as over all 2000:
   * zero 200 times, fired 0 times. */
  g_assert_true (g_str_has_prefix (lines[1 + 32 + 0], "/relu1/Relu_output_0,0,200,0,0,"));
  g_assert_true (g_str_has_suffix (lines[1 + 32 + 0], ",true,false,1,false"));

  /* The same scan again comes from the cache. */
  g_assert_cmpint (run_scan (&out2, &err2, "mnist-cnn-dying", "mnist-heldout", "--limit", "200",
                             "--rare-below", "0.05", NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "Scanned 200 images (result from the cache)"));
  /* ... but not with --no-cache, nor with another limit. */
  g_clear_pointer (&out2, g_free);
  g_clear_pointer (&err2, g_free);
  g_assert_cmpint (run_scan (&out2, &err2, "mnist-cnn-dying", "mnist-heldout", "--limit", "201",
                             "--rare-below", "0.05", NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "Scanned 201 images in"));
}

/* A copy of @src named @name in the test folder. */
static char *
copy_file (const char *src,
           const char *name)
{
  char *path = g_build_filename (fm_test_scratch (), name, NULL);

  fm_test_copy_file (src, path);
  return path;
}

/* The cache is keyed by the model's bytes and the dataset's contents:
 * the same model and digits under other names come from the cache, and
 * the report names the files given this time. */
static void
test_cache_other_names (void)
{
  g_autofree char *data = g_build_filename (FM_TEST_SRCDIR, "..", "data", NULL);
  g_autofree char *model_src = g_build_filename (data, "models", "mnist-cnn-dying.onnx", NULL);
  g_autofree char *images_src = g_build_filename (data, "digits",
                                                  "mnist-heldout-images-idx3-ubyte.gz", NULL);
  g_autofree char *labels_src = g_build_filename (data, "digits",
                                                  "mnist-heldout-labels-idx1-ubyte.gz", NULL);
  g_autofree char *model = copy_file (model_src, "my-dying-model.onnx");
  g_autofree char *images = copy_file (images_src, "my-images-idx3-ubyte.gz");
  g_autofree char *labels = copy_file (labels_src, "my-labels-idx1-ubyte.gz");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *model_line = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  /* Beside the images under the usual name, so the copy is labelled too. */
  g_assert_true (g_file_test (labels, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (run_scan (&out, &err, "mnist-cnn-dying", "mnist-heldout", "--limit", "60",
                             NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scanned 60 images in"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_scan (&out, &err, model, images, "--limit", "60", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Scanned 60 images (result from the cache)"));
  model_line = g_strdup_printf ("%s\n", model);
  g_assert_nonnull (strstr (out, model_line));
  g_assert_nonnull (strstr (out, images));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_scan (&out, &err, model, images, "--limit", "60", "--json", NULL), ==, 0);
  o = fm_test_cli_parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "model"), ==, model);
  g_assert_cmpstr (json_object_get_string_member (o, "dataset"), ==, images);
  g_assert_cmpint (json_object_get_int_member (o, "images"), ==, 60);
}

/* A folder: a broken picture is reported, the rest is scanned. */
static void
test_folder (void)
{
  g_autofree char *dir = g_build_filename (fm_test_scratch (), "pictures", "sub", NULL);
  g_autofree char *top = g_build_filename (fm_test_scratch (), "pictures", NULL);
  g_autofree char *src = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits", "digit-7.png",
                                           NULL);
  g_autofree char *a = g_build_filename (top, "a.png", NULL);
  g_autofree char *b = g_build_filename (dir, "b.png", NULL);
  g_autofree char *bad = g_build_filename (top, "broken.png", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonArray *warnings;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  fm_test_copy_file (src, a);
  fm_test_copy_file (src, b);
  g_assert_true (g_file_set_contents (bad, "\x89PNG\r\n\x1a\n nope", 13, NULL));

  g_assert_cmpint (run_scan (&out, &err, "mnist-cnn", top, "--json", NULL), ==, 0);
  o = fm_test_cli_parse_object (parser, out);
  g_assert_cmpint (json_object_get_int_member (o, "images"), ==, 2);
  warnings = json_object_get_array_member (o, "warnings");
  g_assert_cmpuint (json_array_get_length (warnings), ==, 1);
  g_assert_nonnull (strstr (json_array_get_string_element (warnings, 0), "broken.png"));
}

/* The text says how the pictures were prepared, which decides what is
 * dead: the bundled model's MNIST mean and std from its metadata; for a
 * PyTorch export of RGB pictures without metadata (tiny_resnet),
 * torchvision's ImageNet mean, std and centre crop, as the window starts
 * (the command line used mean 0, std 1 and fit). */
static void
test_preprocessing_said (void)
{
  g_autofree char *top = g_build_filename (fm_test_scratch (), "prepared", NULL);
  g_autofree char *src = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits", "digit-7.png",
                                           NULL);
  g_autofree char *a = g_build_filename (top, "a.png", NULL);
  g_autofree char *tiny = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", "tiny_resnet",
                                            "model.onnx", NULL);
  g_autofree char *out = NULL, *err = NULL, *json = NULL, *err2 = NULL;
  g_autofree char *mnist = NULL, *err3 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *settings;

  g_assert_cmpint (g_mkdir_with_parents (top, 0755), ==, 0);
  fm_test_copy_file (src, a);
  g_assert_cmpint (run_scan (&out, &err, tiny, top, "--no-cache", NULL), ==, 0);
  g_test_message ("%s", out);
  fm_test_assert_contains (out, "Preprocessing:", "RGB", "ImageNet", "centre cropped", NULL);
  g_assert_cmpint (run_scan (&json, &err2, tiny, top, "--no-cache", "--json", NULL), ==, 0);
  settings = json_object_get_string_member (fm_test_cli_parse_object (parser, json),
                                            "preprocess");
  fm_test_assert_contains (settings, "preset=imagenet", "resize=crop", NULL);

  g_assert_cmpint (run_scan (&mnist, &err3, "mnist-cnn", top, "--no-cache", NULL), ==, 0);
  fm_test_assert_contains (mnist, "Preprocessing:", "gray", "mean 0.1307 and std 0.3081", NULL);
}

static void
test_errors (void)
{
  g_autofree char *missing = g_build_filename (fm_test_scratch (), "missing-images-idx3-ubyte",
                                               NULL);
  g_autofree char *junk = g_build_filename (fm_test_scratch (), "junk.idx", NULL);
  g_autofree char *out = NULL, *err = NULL;
  /* The arguments (NULL-terminated) and what stderr must name. */
  static const struct
  {
    const char *args[5];
    const char *says;
  } usage[] = {
    { { "mnist-cnn", NULL }, "missing DATASET" },
    { { "mnist-cnn", "mnist-heldout", "--rare-below", "2", NULL }, "--rare-below" },
    { { "mnist-cnn", "mnist-heldout", "--std", "0", NULL }, "--std" },
    { { "mnist-cnn", "mnist-heldout", "--threads", "0", NULL }, "--threads" },
  };

  g_assert_cmpint (run_scan (&out, &err, "mnist-cnn", missing, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "feature-maps: "));
  g_assert_nonnull (strstr (err, "missing-images-idx3-ubyte"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (junk, "not an idx file at all....", -1, NULL));
  g_assert_cmpint (run_scan (&out, &err, "mnist-cnn", junk, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "junk.idx"));

  /* Command-line mistakes: exit 2, naming what is wrong. */
  for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run_scan (&out, &err, usage[i].args[0], usage[i].args[1],
                                 usage[i].args[2], usage[i].args[3], NULL), ==, 2);
      g_assert_nonnull (strstr (err, usage[i].says));
    }
}

/* ---- the text table with long names ----------------------------------- */

/* x [1, 1, 4, 4] -> Conv (2 filters 3 x 3, pads 1) -> @conv_out -> Relu ->
 * @relu_out, the graph output. */
static GByteArray *
conv_relu_model (const char *conv_out,
                 const char *relu_out)
{
  const gint64 dims[4] = { 1, 1, 4, 4 };
  const gint64 w_dims[4] = { 2, 1, 3, 3 };
  const gint64 pad[4] = { 1, 1, 1, 1 };
  float weights[18] = { 0 };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) conv = fm_test_node ("Conv", "conv", (const char *[]) { "x", "W", NULL },
                                             conv_out);
  g_autoptr(GByteArray) relu = fm_test_node ("Relu", "relu", (const char *[]) { conv_out, NULL },
                                             relu_out);
  g_autoptr(GByteArray) w = g_byte_array_new ();
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info (relu_out, dims, 4);

  weights[4] = 1.0f;                      /* filter 0 copies the input */
  fm_test_attr_ints (conv, "pads", pad, 4);
  fm_pb_packed_ints (w, FM_ONNX_TENSOR_DIMS, w_dims, 4);
  fm_pb_int (w, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_FLOAT);
  fm_pb_packed_floats (w, FM_ONNX_TENSOR_FLOAT_DATA, weights, 18);
  fm_pb_string (w, FM_ONNX_TENSOR_NAME, "W");

  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, conv);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, relu);
  fm_pb_string (graph, FM_ONNX_GRAPH_NAME, "long-names");
  fm_pb_message (graph, FM_ONNX_GRAPH_INITIALIZER, w);
  fm_pb_message (graph, FM_ONNX_GRAPH_INPUT, in);
  fm_pb_message (graph, FM_ONNX_GRAPH_OUTPUT, out);
  return fm_test_model_bytes (graph, NULL);
}

typedef struct
{
  glong start;  /* in characters */
  glong end;
} Token;

/* The space-separated words of @line, as character offsets. */
static GArray *
tokens (const char *line)
{
  GArray *t = g_array_new (FALSE, FALSE, sizeof (Token));
  glong i = 0;
  Token tok = { -1, -1 };

  for (const char *p = line; *p != '\0'; p = g_utf8_next_char (p), i++)
    {
      if (*p != ' ' && tok.start < 0)
        tok.start = i;
      else if (*p == ' ' && tok.start >= 0)
        {
          tok.end = i;
          g_array_append_val (t, tok);
          tok.start = -1;
        }
    }
  if (tok.start >= 0)
    {
      tok.end = i;
      g_array_append_val (t, tok);
    }
  return t;
}

/* A layer name far wider than the old 28 columns and one with two-byte
 * characters: the table's columns still line up, each as wide as its
 * widest cell, with characters counted, not bytes. */
static void
test_text_long_names (void)
{
  const char *long_name = "features.block4.expand_conv/Conv_output_0_with_a_long_name";
  const char *utf8_name = "résumé_ünïcødé";
  g_autoptr(GByteArray) model = conv_relu_model (long_name, utf8_name);
  g_autofree char *model_path = g_build_filename (fm_test_scratch (), "long-names.onnx", NULL);
  g_autofree char *pictures = fm_test_fresh_dir (fm_test_scratch (), "long-names-pictures");
  g_autofree char *src = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits", "digit-7.png",
                                           NULL);
  g_autofree char *a = g_build_filename (pictures, "a.png", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GArray) header = NULL;
  guint first = 0, n_rows = 0;

  g_assert_true (g_file_set_contents (model_path, (const char *) model->data, model->len, NULL));
  fm_test_copy_file (src, a);

  g_assert_cmpint (run_scan (&out, &err, model_path, pictures, "--no-cache", NULL), ==, 0);
  g_test_message ("%s", out);
  lines = g_strsplit (out, "\n", -1);
  while (lines[first] != NULL && !g_str_has_prefix (lines[first], "  Layer "))
    first++;
  g_assert_nonnull (lines[first]);
  header = tokens (lines[first]);
  /* Layer Op Channels Dead Near-dead Rare APoZ */
  g_assert_cmpuint (header->len, ==, 7);

  for (guint r = first + 1; lines[r] != NULL && lines[r][0] != '\0'; r++, n_rows++)
    {
      g_autoptr(GArray) row = tokens (lines[r]);
      const char *name = n_rows == 0 ? long_name : utf8_name;

      /* the APoZ is two words ("12.5 %"), then maybe the warning "!" */
      g_assert_cmpuint (row->len, >=, 8);
      g_assert_cmpuint (row->len, <=, 9);
      g_assert_true (g_str_has_prefix (lines[r], "  "));
      /* Under LC_ALL=C, g_print writes each non-ASCII character as one
       * '?': the name keeps its length in characters. */
      g_assert_cmpint (g_array_index (row, Token, 0).end - g_array_index (row, Token, 0).start,
                       ==, g_utf8_strlen (name, -1));
      if (n_rows == 0)
        g_assert_true (g_str_has_prefix (lines[r] + 2, name));
      /* Name and op start where their headers do; the numbers end where
       * theirs do; nothing trails. */
      for (guint c = 0; c < 2; c++)
        g_assert_cmpint (g_array_index (row, Token, c).start, ==,
                         g_array_index (header, Token, c).start);
      for (guint c = 2; c < 6; c++)
        g_assert_cmpint (g_array_index (row, Token, c).end, ==,
                         g_array_index (header, Token, c).end);
      g_assert_cmpint (g_array_index (row, Token, 7).end, ==,
                       g_array_index (header, Token, 6).end);
      g_assert_cmpint (g_utf8_strlen (lines[r], -1), ==,
                       g_array_index (row, Token, row->len - 1).end);
    }
  g_assert_cmpuint (n_rows, ==, 2);
  /* The name column is as wide as the longest name, plus one space. */
  g_assert_cmpint (g_array_index (header, Token, 1).start, ==,
                   2 + g_utf8_strlen (long_name, -1) + 1);
}

/* ---- failed writes ---------------------------------------------------- */

#define OLD_BYTES "old scan result: must survive a failed write\n"

/* Like run_scan() with the cache in @cache, and when @limit_fsize a
 * 4096-byte file-size limit, so a write fails with EFBIG. The child
 * inherits the limit and the ignored SIGXFSZ; this process writes no
 * file while it runs. */
static int
scan_in (const char         *cache,
         gboolean            limit_fsize,
         char              **out,
         char              **err,
         const char * const *args)
{
  const char *env[] = { "XDG_CACHE_HOME", cache, NULL };
  FmTestFsize saved;
  int status;

  if (limit_fsize)
    fm_test_fsize_limit (4096, &saved);
  status = fm_test_cli_run (binary, "scan", env, out, err, NULL, args);
  if (limit_fsize)
    fm_test_fsize_restore (&saved);
  return status;
}
#define run_scan_in(cache, limit_fsize, out, err, ...) \
  scan_in (cache, limit_fsize, out, err, FM_TEST_CLI_ARGS (__VA_ARGS__))

/* --csv under a file-size limit: exit 1 naming the file and the reason,
 * after the report; the old CSV is whole and nothing else is left. */
static void
test_csv_fsize_limit (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "csv-fsize");
  g_autofree char *csv = g_build_filename (dir, "scan.csv", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_true (g_file_set_contents (csv, OLD_BYTES, -1, NULL));
  /* 1 + 8 x 32 lines, about 15 KB */
  g_assert_cmpint (run_scan_in (cache_dir, TRUE, &out, &err, "mnist-cnn-dying", "mnist-heldout",
                                "--limit", "100", "--no-cache", "--csv", csv, NULL), ==, 1);
  fm_test_assert_names_failure (err, csv, EFBIG);
  g_assert_nonnull (strstr (out, "Scanned 100 images in"));
  g_assert_nonnull (strstr (err, "feature-maps: "));
  fm_test_assert_file_is (csv, OLD_BYTES);
  fm_test_assert_listing (dir, "scan.csv");
}

static void
test_csv_not_a_directory (void)
{
  g_autofree char *file = fm_test_plain_file (fm_test_scratch (), "csv-notdir", OLD_BYTES);
  g_autofree char *csv = g_build_filename (file, "scan.csv", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_scan_in (cache_dir, FALSE, &out, &err, "mnist-cnn-dying", "mnist-heldout",
                                "--limit", "20", "--no-cache", "--csv", csv, NULL), ==, 1);
  fm_test_assert_names_failure (err, csv, ENOTDIR);
  fm_test_assert_plain_file (file, OLD_BYTES);
}

/* A scan whose cache write failed with @errnum: the report (@out) says it
 * scanned, then stderr (@err) warns, naming @path and the reason. */
static void
assert_cache_warning (const char *out,
                      const char *err,
                      const char *scanned,
                      const char *path,
                      int         errnum)
{
  fm_test_assert_names_failure (err, path, errnum);
  fm_test_assert_contains (out, scanned, NULL);
  fm_test_assert_contains (err, "warning", NULL);
}

/* The cache is a convenience: a cache file that cannot be written is a
 * warning naming it and the reason, the report is printed and the exit
 * status stays 0. The previous cache file (here one that is not a valid
 * cache, so the scan runs and tries to replace it) keeps its bytes. */
static void
test_cache_fsize_limit (void)
{
  g_autofree char *cache = fm_test_fresh_dir (fm_test_scratch (), "cache-fsize");
  g_autofree char *scans = g_build_filename (cache, "feature-maps", "scans", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  /* A first run writes the cache file: its name is the key. */
  g_assert_cmpint (run_scan_in (cache, FALSE, &out, &err, "mnist-cnn-dying", "mnist-heldout",
                                "--limit", "50", NULL), ==, 0);
  name = fm_test_list_dir (scans);
  g_assert_true (g_str_has_suffix (name, ".json"));
  g_assert_null (strchr (name, ' '));
  path = g_build_filename (scans, name, NULL);
  g_assert_true (g_file_set_contents (path, OLD_BYTES, -1, NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_scan_in (cache, TRUE, &out, &err, "mnist-cnn-dying", "mnist-heldout",
                                "--limit", "50", NULL), ==, 0);
  assert_cache_warning (out, err, "Scanned 50 images in", path, EFBIG);
  fm_test_assert_file_is (path, OLD_BYTES);
  fm_test_assert_listing (scans, name);
}

/* XDG_CACHE_HOME is a regular file: the cache folder cannot be made. */
static void
test_cache_not_a_directory (void)
{
  g_autofree char *file = fm_test_plain_file (fm_test_scratch (), "cache-notdir", OLD_BYTES);
  g_autofree char *scans = g_build_filename (file, "feature-maps", "scans", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_scan_in (file, FALSE, &out, &err, "mnist-cnn-dying", "mnist-heldout",
                                "--limit", "20", NULL), ==, 0);
  assert_cache_warning (out, err, "Scanned 20 images in", scans, ENOTDIR);
  fm_test_assert_plain_file (file, OLD_BYTES);
}

/* Parses @text as one JSON object (json-glib refuses bytes that are not
 * UTF-8), failing the test with @what when it is not. */
static JsonObject *
parse_json (JsonParser *parser,
            const char *text,
            const char *what)
{
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("%s --json is not JSON: %s", what, error->message);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* File names that are not UTF-8 (Latin-1 bytes 0xe9 and 0xff) keep the
 * JSON of run, inspect and scan valid: they are written with U+FFFD for
 * those bytes (run, inspect and scan wrote the raw bytes, which no JSON
 * reader takes, so the scan could not be used by --scan either); scan's
 * "dataset_escaped" keeps the folder's bytes, so export --card --scan
 * reads the top images back from it. */
static void
test_json_non_utf8_names (void)
{
  g_autofree char *top = fm_test_fresh_dir (fm_test_scratch (), "names");
  g_autofree char *dir = g_build_filename (top, "caf\xe9", NULL);
  g_autofree char *model = g_build_filename (top, "m\xff.onnx", NULL);
  g_autofree char *picture = g_build_filename (dir, "seven\xff.png", NULL);
  g_autofree char *fake = g_build_filename (dir, "fake\xe9.png", NULL);
  g_autofree char *scan_json = g_build_filename (top, "scan.json", NULL);
  g_autofree char *card = g_build_filename (top, "card.pdf", NULL);
  g_autofree char *src_model = g_build_filename (FM_SOURCE_DATADIR, "models",
                                                 "mnist-cnn-dying.onnx", NULL);
  g_autofree char *shown_picture = g_utf8_make_valid (picture, -1);
  g_autofree char *shown_model = g_utf8_make_valid (model, -1);
  g_autofree char *shown_dir = g_utf8_make_valid (dir, -1);
  /* The scratch folder's name is ASCII letters, digits, "-" and "/". */
  g_autofree char *escaped = g_strconcat (top, "/caf%E9", NULL);
  const char *digits[] = { "digit-7.png", "digit-1.png", "digit-2.png" };

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  fm_test_copy_file (src_model, model);
  for (guint i = 0; i < G_N_ELEMENTS (digits); i++)
    {
      g_autofree char *src = g_build_filename (FM_SOURCE_DATADIR, "digits", digits[i], NULL);
      g_autofree char *dest = i == 0 ? g_strdup (picture)
                                     : g_strdup_printf ("%s/%u\xff.png", dir, i);

      fm_test_copy_file (src, dest);
    }
  g_assert_true (g_file_set_contents (fake, "no picture", -1, NULL));
  /* The names exercise what they should: not UTF-8. */
  g_assert_false (g_utf8_validate (picture, -1, NULL));
  g_assert_false (g_utf8_validate (model, -1, NULL));

  {
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o;

    g_assert_cmpint (fm_test_cli_run (binary, "run", NULL, &out, &err, NULL,
                                      FM_TEST_CLI_ARGS (model, picture, "--json", NULL)), ==, 0);
    o = parse_json (parser, out, "run");
    g_assert_cmpstr (json_object_get_string_member (o, "model"), ==, shown_model);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "input"),
                                                    "file"), ==, shown_picture);
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_cmpint (fm_test_cli_run (binary, "inspect", NULL, &out, &err, NULL,
                                      FM_TEST_CLI_ARGS (model, "--json", NULL)), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (parse_json (parser, out, "inspect"),
                                                    "model"), ==, shown_model);
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o;
    JsonArray *warnings;

    g_assert_cmpint (run_scan (&out, &err, model, dir, "--json", "--no-cache", NULL), ==, 0);
    o = parse_json (parser, out, "scan");
    g_assert_cmpstr (json_object_get_string_member (o, "dataset"), ==, shown_dir);
    g_assert_cmpstr (json_object_get_string_member (o, "dataset_escaped"), ==, escaped);
    warnings = json_object_get_array_member (o, "warnings");
    g_assert_cmpuint (json_array_get_length (warnings), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (warnings, 0), ==,
                     "fake\xef\xbf\xbd.png: not a JPEG or PNG picture");
    g_assert_true (g_file_set_contents (scan_json, out, -1, NULL));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (fm_test_cli_run (binary, "export", NULL, &out, &err, NULL,
                                      FM_TEST_CLI_ARGS (model, picture, "--card", "relu1:5",
                                                        "--scan", scan_json, "-o", card, NULL)),
                     ==, 0);
    g_assert_true (g_file_test (card, G_FILE_TEST_IS_REGULAR));
  }
}

/* The external data file of a model is an input the command finds by
 * itself: an output there is refused (exit 2, the weights as they were)
 * by scan, prune and export alike. They were written over before. */
static void
test_output_is_external_data (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "external-data");
  g_autofree char *onnx = g_build_filename (dir, "m.onnx", NULL);
  g_autofree char *bin = g_build_filename (dir, "w.bin", NULL);
  g_autofree char *digits = g_build_filename (FM_SOURCE_DATADIR, "digits", NULL);
  g_autofree char *png = g_build_filename (digits, "digit-7.png", NULL);
  g_autoptr(GByteArray) bytes = fm_test_relu_external_model ("w.bin");
  const float w[4] = { 1, 2, 3, 4 };
  static const char what[] = "is also an input (the model's external data)";

  g_assert_true (g_file_set_contents (onnx, (const char *) bytes->data, bytes->len, NULL));
  g_assert_true (g_file_set_contents (bin, (const char *) w, sizeof w, NULL));
  fm_test_cli_assert_refused (binary, bin, what,
                              FM_TEST_CLI_ARGS ("scan", onnx, digits, "--csv", bin, NULL));
  fm_test_cli_assert_refused (binary, bin, what,
                              FM_TEST_CLI_ARGS ("prune", onnx, digits, "-o", bin, NULL));
  fm_test_cli_assert_refused (binary, bin, what,
                              FM_TEST_CLI_ARGS ("export", onnx, png, "--csv", bin, NULL));
}

int
main (int    argc,
      char **argv)
{
  binary = fm_test_cli_init_cached (&argc, &argv, &cache_dir);

  g_test_add_func ("/cli/scan/json-bundled", test_json_bundled);
  g_test_add_func ("/cli/scan/text-csv-cache", test_text_csv_cache);
  g_test_add_func ("/cli/scan/measures", test_measures);
  g_test_add_func ("/cli/scan/dead-bound-few-images", test_dead_bound_few_images);
  g_test_add_func ("/cli/scan/cache-other-names", test_cache_other_names);
  g_test_add_func ("/cli/scan/folder", test_folder);
  g_test_add_func ("/cli/scan/preprocessing-said", test_preprocessing_said);
  g_test_add_func ("/cli/scan/text-long-names", test_text_long_names);
  g_test_add_func ("/cli/scan/errors", test_errors);
  g_test_add_func ("/cli/scan/csv-fsize-limit", test_csv_fsize_limit);
  g_test_add_func ("/cli/scan/csv-not-a-directory", test_csv_not_a_directory);
  g_test_add_func ("/cli/scan/cache-fsize-limit", test_cache_fsize_limit);
  g_test_add_func ("/cli/scan/cache-not-a-directory", test_cache_not_a_directory);
  g_test_add_func ("/cli/scan/output-is-external-data", test_output_is_external_data);
  g_test_add_func ("/cli/scan/json-non-utf8-names", test_json_non_utf8_names);
  return g_test_run ();
}
