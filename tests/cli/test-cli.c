/* test-cli.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the built `feature-maps` binary (path in $FM_CLI_BINARY or the
 * first argument) as a child process and checks exit statuses, stderr and
 * the JSON it prints. The model is a tiny ONNX file encoded here with
 * fm-test-onnx.h (so the test needs no Python and no bundled file),
 * small enough to compute its answers by hand:
 *
 *   image [1,1,4,4] -> Conv (2 filters 3x3, pads 1) -> "a/b" [1,2,4,4]
 *     filter 0: 1 at the centre, 0 elsewhere, bias 0   (copies the input)
 *     filter 1: all 0, bias -1                         (-1 everywhere)
 *   -> Relu -> "a:b" [1,2,4,4]: channel 0 = input (>= 0), channel 1 = 0
 *   -> Flatten -> "flat" [1,32]
 *   -> Gemm (transB) W [3,32], C [3] -> "logits" [1,3]
 *     W row 0 = +1 on channel 0 (elements 0..15), row 1 = 0,
 *     row 2 = -1 on channel 0; C = [0, 0.5, 0]
 *
 * So an input of all v gives logits [16 v, 0.5, -16 v]. The bundled
 * mnist-cnn model is exercised too when it is present.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "fm-npy.h"
#include "fm-test-cli.h"
#include "fm-test-files.h"
#include "fm-test-image.h"
#include "fm-test-onnx.h"

static const char *binary;
static char *model_path;
static char *npy_path;
static char *png_path;

/* ---- the model -------------------------------------------------------- */

/* Appends @sub as a length-delimited field and frees it. */
static void
put_msg (GByteArray *b,
         guint       field,
         GByteArray *sub)
{
  fm_pb_message (b, field, sub);
  g_byte_array_unref (sub);
}

/* With @softmax, a Softmax node turns "logits" into the graph output
 * "probs", which the CLI must not soften a second time. */
static GByteArray *
build_model (gboolean softmax)
{
  GByteArray *model = g_byte_array_new ();
  GByteArray *graph = g_byte_array_new ();
  GByteArray *opset = g_byte_array_new ();
  GByteArray *meta = g_byte_array_new ();
  GByteArray *n;
  const gint64 in_dims[4] = { 1, 1, 4, 4 }, w_dims[4] = { 2, 1, 3, 3 };
  const gint64 b_dims[1] = { 2 }, g_dims[2] = { 3, 32 }, c_dims[1] = { 3 };
  const gint64 out_dims[2] = { 1, 3 };
  const gint64 pads[4] = { 1, 1, 1, 1 }, kernel[2] = { 3, 3 };
  float w[18] = { 0 }, bias[2] = { 0.0f, -1.0f }, gw[96] = { 0 }, gc[3] = { 0.0f, 0.5f, 0.0f };
  const char *conv_in[] = { "image", "W", "B", NULL };
  const char *relu_in[] = { "a/b", NULL };
  const char *flat_in[] = { "a:b", NULL };
  const char *gemm_in[] = { "flat", "GW", "GC", NULL };

  w[4] = 1.0f;   /* filter 0, centre */
  for (int i = 0; i < 16; i++)
    {
      gw[i] = 1.0f;         /* row 0, channel 0 */
      gw[64 + i] = -1.0f;   /* row 2, channel 0 */
    }

  n = fm_test_node ("Conv", "conv", conv_in, "a/b");
  fm_test_attr_ints (n, "pads", pads, 4);
  fm_test_attr_ints (n, "kernel_shape", kernel, 2);
  put_msg (graph, FM_ONNX_GRAPH_NODE, n);
  put_msg (graph, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", "relu", relu_in, "a:b"));
  n = fm_test_node ("Flatten", "flatten", flat_in, "flat");
  fm_test_attr_int (n, "axis", 1);
  put_msg (graph, FM_ONNX_GRAPH_NODE, n);
  n = fm_test_node ("Gemm", "fc", gemm_in, "logits");
  fm_test_attr_int (n, "transB", 1);
  put_msg (graph, FM_ONNX_GRAPH_NODE, n);
  if (softmax)
    {
      const char *sm_in[] = { "logits", NULL };
      put_msg (graph, FM_ONNX_GRAPH_NODE, fm_test_node ("Softmax", "softmax", sm_in, "probs"));
    }
  fm_pb_string (graph, FM_ONNX_GRAPH_NAME, "tiny");
  fm_test_initializer (graph, "W", w_dims, 4, w);
  fm_test_initializer (graph, "B", b_dims, 1, bias);
  fm_test_initializer (graph, "GW", g_dims, 2, gw);
  fm_test_initializer (graph, "GC", c_dims, 1, gc);
  put_msg (graph, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("image", in_dims, 4));
  put_msg (graph, FM_ONNX_GRAPH_OUTPUT,
           fm_test_value_info (softmax ? "probs" : "logits", out_dims, 2));

  fm_pb_int (model, FM_ONNX_MODEL_IR_VERSION, 7);
  fm_pb_string (model, FM_ONNX_MODEL_PRODUCER_NAME, "test-cli");
  put_msg (model, FM_ONNX_MODEL_GRAPH, graph);
  fm_pb_string (opset, FM_ONNX_OPSET_DOMAIN, "");
  fm_pb_int (opset, FM_ONNX_OPSET_VERSION, 13);
  put_msg (model, FM_ONNX_MODEL_OPSET_IMPORT, opset);
  fm_pb_string (meta, FM_ONNX_ENTRY_KEY, "feature_maps.labels");
  fm_pb_string (meta, FM_ONNX_ENTRY_VALUE, "cat, dog ,bird");
  put_msg (model, FM_ONNX_MODEL_METADATA_PROPS, meta);
  return model;
}

/* A 4 x 4 gray PNG, every pixel 51 (0.2 after / 255). */
static GByteArray *
build_png (void)
{
  guint8 pixels[4 * 4];

  memset (pixels, 51, sizeof pixels);
  return fm_test_encode_png (4, 4, PNG_COLOR_TYPE_GRAY, 8, pixels, NULL, 0, NULL, 0);
}

/* ---- running the binary ----------------------------------------------- */

/* argv ends with NULL; @env is "KEY", "VALUE" pairs (fm-test-cli.h) or
 * NULL. */
static FmTestCliResult
run_cli_args (const char * const *env,
              const char * const *args)
{
  FmTestCliResult r = { 0 };

  r.status = fm_test_cli_run (binary, NULL, env, &r.out, &r.err, NULL, args);
  g_assert_cmpint (r.status, !=, -1);   /* not killed by a signal */
  return r;
}
#define run_cli(env, ...) run_cli_args (env, FM_TEST_CLI_ARGS (__VA_ARGS__))

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_shape (JsonArray    *a,
              const gint64 *dims,
              guint         rank)
{
  g_assert_nonnull (a);
  g_assert_cmpuint (json_array_get_length (a), ==, rank);
  for (guint i = 0; i < rank; i++)
    g_assert_cmpint (json_array_get_int_element (a, i), ==, dims[i]);
}

/* Softmax of logits [16 v, 0.5, -16 v], computed here independently. */
static void
assert_prediction_full (JsonObject *root,
                        double      v,
                        const char *output)
{
  JsonObject *pred = json_object_get_object_member (root, "prediction");
  JsonArray *top = json_object_get_array_member (pred, "top");
  const double logits[3] = { 16 * v, 0.5, -16 * v };
  const char *labels[3] = { "cat", "dog", "bird" };
  double sum = exp (logits[0]) + exp (logits[1]) + exp (logits[2]);

  g_assert_cmpstr (json_object_get_string_member (pred, "output"), ==, output);
  g_assert_cmpuint (json_array_get_length (top), ==, 3);
  for (guint k = 0; k < 3; k++)
    {
      JsonObject *t = json_array_get_object_element (top, k);

      /* 16 v > 0.5 > -16 v for the inputs used, so the order is 0, 1, 2. */
      g_assert_cmpint (json_object_get_int_member (t, "index"), ==, k);
      g_assert_cmpstr (json_object_get_string_member (t, "label"), ==, labels[k]);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (t, "probability"),
                                      exp (logits[k]) / sum, 1e-5);
    }
}

static void
assert_prediction (JsonObject *root,
                   double      v)
{
  assert_prediction_full (root, v, "logits");
}

/* ---- tests ------------------------------------------------------------ */

static void
test_run_probabilities (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "tiny-softmax.onnx", NULL);
  g_autoptr(GByteArray) model = build_model (TRUE);
  g_autoptr(JsonNode) node = NULL;
  FmTestCliResult r;

  g_assert_true (g_file_set_contents (path, (const char *) model->data, model->len, NULL));
  r = run_cli (NULL, "run", path, npy_path, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  /* The same probabilities as softmax (logits): not softmax applied twice. */
  assert_prediction_full (json_node_get_object (node), 0.1, "probs");
  g_assert_false (json_object_get_boolean_member (
                    json_object_get_object_member (json_node_get_object (node), "prediction"),
                    "softmax_applied"));
  fm_test_cli_result_clear (&r);
}

static void
test_run_npy_json (void)
{
  FmTestCliResult r = run_cli (NULL, "run", model_path, npy_path, "--json", NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root, *input, *l0, *l1;
  JsonArray *layers, *zeros;
  const gint64 in_dims[4] = { 1, 1, 4, 4 }, fm_dims[4] = { 1, 2, 4, 4 };

  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  node = parse_json (r.out);
  root = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, model_path);
  input = json_object_get_object_member (root, "input");
  g_assert_cmpstr (json_object_get_string_member (input, "name"), ==, "image");
  assert_shape (json_object_get_array_member (input, "shape"), in_dims, 4);
  /* An .npy is fed as it is: no preprocessing to tell. */
  g_assert_true (json_object_get_null_member (input, "preprocess"));

  /* The .npy is all 0.1. */
  assert_prediction (root, 0.1);

  layers = json_object_get_array_member (root, "layers");
  g_assert_cmpuint (json_array_get_length (layers), ==, 2);
  l0 = json_array_get_object_element (layers, 0);
  l1 = json_array_get_object_element (layers, 1);
  g_assert_cmpstr (json_object_get_string_member (l0, "name"), ==, "a/b");
  g_assert_cmpstr (json_object_get_string_member (l0, "op"), ==, "Conv");
  g_assert_cmpint (json_object_get_int_member (l0, "channels"), ==, 2);
  assert_shape (json_object_get_array_member (l0, "shape"), fm_dims, 4);
  /* Conv channel 1 is -1 everywhere: not zero. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (l0, "zero_channels")),
                    ==, 0);
  g_assert_cmpstr (json_object_get_string_member (l1, "name"), ==, "a:b");
  g_assert_cmpstr (json_object_get_string_member (l1, "op"), ==, "Relu");
  zeros = json_object_get_array_member (l1, "zero_channels");
  g_assert_cmpuint (json_array_get_length (zeros), ==, 1);
  g_assert_cmpint (json_array_get_int_element (zeros, 0), ==, 1);

  fm_test_cli_result_clear (&r);
}

static void
test_run_png (void)
{
  FmTestCliResult r = run_cli (NULL, "run", model_path, png_path, "--json", NULL);
  FmTestCliResult t = run_cli (NULL, "run", model_path, png_path, NULL);
  FmTestCliResult m = run_cli (NULL, "run", model_path, png_path, "--json", "--mean", "0.1", NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) mnode = NULL;

  /* No metadata: mean 0, std 1, white background, no inversion: every
   * input value is 51 / 255 = 0.2. */
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  assert_prediction (json_node_get_object (node), 0.2);

  /* --mean 0.1: 0.2 - 0.1 = 0.1. */
  g_assert_cmpint (m.status, ==, 0);
  mnode = parse_json (m.out);
  assert_prediction (json_node_get_object (mnode), 0.1);

  /* Text: the top label and the dead channel of "a:b". */
  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "cat"));
  g_assert_nonnull (strstr (t.out, "all zero: 1"));

  fm_test_cli_result_clear (&r);
  fm_test_cli_result_clear (&t);
  fm_test_cli_result_clear (&m);
}

/* The "top" array of @out, run's --json, as text: what the predictions
 * of two runs are compared by. */
static char *
top_text (const char *out)
{
  g_autoptr(JsonNode) node = parse_json (out);
  JsonObject *prediction = json_object_get_object_member (json_node_get_object (node),
                                                          "prediction");
  g_autoptr(JsonNode) top = json_node_copy (json_object_get_member (prediction, "top"));

  return json_to_string (top, FALSE);
}

/* A PyTorch export of RGB pictures without our metadata (tiny_resnet)
 * starts from what the window starts from: torchvision's ImageNet mean
 * and std and a centre crop; the command line used mean 0, std 1 and
 * fit, so a scan there and one in the window disagreed. The defaults
 * give what those flags given by hand give, not what mean 0, std 1 and
 * fit give, and `run` says how the picture was prepared. */
static void
test_run_pytorch_rgb (void)
{
  g_autofree char *model = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch",
                                             "tiny_resnet", "model.onnx", NULL);
  g_autofree char *digit = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits",
                                             "digit-3-paper.png", NULL);
  FmTestCliResult d = run_cli (NULL, "run", model, digit, "--json", NULL);
  FmTestCliResult i = run_cli (NULL, "run", model, digit, "--json", "--mean", "0.485,0.456,0.406",
                               "--std", "0.229,0.224,0.225", "--resize", "crop", NULL);
  FmTestCliResult z = run_cli (NULL, "run", model, digit, "--json", "--mean", "0", "--std", "1",
                               "--resize", "fit", NULL);
  FmTestCliResult t = run_cli (NULL, "run", model, digit, NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *top_d = NULL, *top_i = NULL, *top_z = NULL;
  const char *settings;

  g_assert_cmpint (d.status, ==, 0);
  g_assert_cmpint (i.status, ==, 0);
  g_assert_cmpint (z.status, ==, 0);
  g_assert_cmpint (t.status, ==, 0);
  node = parse_json (d.out);
  settings = json_object_get_string_member (
    json_object_get_object_member (json_node_get_object (node), "input"), "preprocess");
  g_assert_nonnull (settings);
  fm_test_assert_contains (settings, "preset=imagenet", "resize=crop", NULL);
  top_d = top_text (d.out);
  top_i = top_text (i.out);
  top_z = top_text (z.out);
  g_assert_cmpstr (top_d, ==, top_i);
  g_assert_cmpstr (top_d, !=, top_z);
  fm_test_assert_contains (t.out, "ImageNet", "centre cropped", NULL);
  fm_test_cli_result_clear (&d);
  fm_test_cli_result_clear (&i);
  fm_test_cli_result_clear (&z);
  fm_test_cli_result_clear (&t);
}

static void
test_dump (void)
{
  g_autofree char *dir = g_build_filename (fm_test_scratch (), "dump", "sub", NULL);
  g_autofree char *manifest = g_build_filename (dir, "manifest.json", NULL);
  FmTestCliResult r = run_cli (NULL, "run", model_path, npy_path, "--dump", dir, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *tensors;
  const char *names[4] = { "a/b", "a:b", "flat", "logits" };
  /* "a/b" and "a:b" both become "a_b": the second gets _2. */
  const char *files[4] = { "a_b.npy", "a_b_2.npy", "flat.npy", "logits.npy" };
  const char *ops[4] = { "Conv", "Relu", "Flatten", "Gemm" };

  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_file (parser, manifest, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "input"), ==, "input.npy");
  tensors = json_object_get_array_member (root, "tensors");
  g_assert_cmpuint (json_array_get_length (tensors), ==, 4);

  for (guint i = 0; i < 4; i++)
    {
      JsonObject *t = json_array_get_object_element (tensors, i);
      JsonArray *shape = json_object_get_array_member (t, "shape");
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_autofree float *data = NULL;
      FmShape fs;

      g_assert_cmpstr (json_object_get_string_member (t, "name"), ==, names[i]);
      g_assert_cmpstr (json_object_get_string_member (t, "file"), ==, files[i]);
      g_assert_cmpstr (json_object_get_string_member (t, "op"), ==, ops[i]);
      g_assert_true (json_object_has_member (t, "node"));
      data = fm_npy_read (path, &fs, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (json_array_get_length (shape), ==, fs.rank);
      for (int d = 0; d < fs.rank; d++)
        g_assert_cmpint (json_array_get_int_element (shape, d), ==, fs.dims[d]);

      if (i == 1)
        {
          /* Relu: channel 0 = 0.1 (the input), channel 1 = 0. */
          for (int k = 0; k < 16; k++)
            {
              g_assert_cmpfloat (data[k], ==, 0.1f);
              g_assert_cmpfloat (data[16 + k], ==, 0.0f);
            }
        }
      if (i == 3)
        {
          /* logits = [16 * 0.1, 0.5, -16 * 0.1] */
          g_assert_cmpfloat_with_epsilon (data[0], 1.6, 1e-5);
          g_assert_cmpfloat_with_epsilon (data[1], 0.5, 1e-6);
          g_assert_cmpfloat_with_epsilon (data[2], -1.6, 1e-5);
        }
    }

  {
    g_autofree char *path = g_build_filename (dir, "input.npy", NULL);
    g_autofree float *data = NULL;
    FmShape fs;

    data = fm_npy_read (path, &fs, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpint (fs.rank, ==, 4);
    g_assert_cmpint (fs.dims[3], ==, 4);
    g_assert_cmpfloat (data[5], ==, 0.1f);
  }
  fm_test_cli_result_clear (&r);
}

static void
test_inspect (void)
{
  FmTestCliResult r = run_cli (NULL, "inspect", model_path, "--json", NULL);
  FmTestCliResult t = run_cli (NULL, "inspect", model_path, NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root;
  JsonArray *nodes, *maps;
  /* Parameters: Conv 2*1*3*3 + 2 = 20, Relu 0, Flatten 0,
   * Gemm 3*32 + 3 = 99. */
  const gint64 params[4] = { 20, 0, 0, 99 };
  const char *ops[4] = { "Conv", "Relu", "Flatten", "Gemm" };

  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  root = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (root, "opset"), ==, 13);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (root, "producer"), "name"), ==, "test-cli");
  nodes = json_object_get_array_member (root, "nodes");
  g_assert_cmpuint (json_array_get_length (nodes), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *n = json_array_get_object_element (nodes, i);

      g_assert_cmpstr (json_object_get_string_member (n, "op"), ==, ops[i]);
      g_assert_cmpint (json_object_get_int_member (n, "parameters"), ==, params[i]);
    }
  maps = json_object_get_array_member (root, "feature_maps");
  g_assert_cmpuint (json_array_get_length (maps), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (maps, 0), ==, "a/b");
  g_assert_cmpstr (json_array_get_string_element (maps, 1), ==, "a:b");

  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "feature map"));
  fm_test_cli_result_clear (&r);
  fm_test_cli_result_clear (&t);
}

/* `inspect`'s tables line up whatever the names' lengths: in tiny_resnet
 * (names from 5 to 32 characters) every node row's shape starts in the
 * same column, and so does every row's parameter count end. */
static void
test_inspect_columns (void)
{
  g_autofree char *model = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch",
                                             "tiny_resnet", "model.onnx", NULL);
  FmTestCliResult t = run_cli (NULL, "inspect", model, NULL);
  g_auto(GStrv) lines = NULL;
  const char *nodes;
  glong shape_at = -1, params_end = -1;
  guint rows = 0;

  g_assert_cmpint (t.status, ==, 0);
  nodes = strstr (t.out, "Nodes:\n");
  g_assert_nonnull (nodes);
  lines = g_strsplit (nodes, "\n", -1);
  for (guint i = 2; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *bracket = strchr (lines[i], '[');
      const char *after;
      const char *digits;

      g_assert_nonnull (bracket);
      after = strchr (bracket, ']');
      g_assert_nonnull (after);
      /* the shape's column */
      if (shape_at < 0)
        shape_at = bracket - lines[i];
      g_assert_cmpint (bracket - lines[i], ==, shape_at);
      /* the parameter count, right-aligned: its last digit in one column */
      digits = after + 1;
      while (*digits == ' ')
        digits++;
      g_assert_true (g_ascii_isdigit (*digits));
      while (g_ascii_isdigit (*digits))
        digits++;
      if (params_end < 0)
        params_end = digits - lines[i];
      g_assert_cmpint (digits - lines[i], ==, params_end);
      rows++;
    }
  g_assert_cmpuint (rows, >, 20);
  /* the header's values in one column after its longest label, "IR version:" */
  g_assert_true (g_str_has_prefix (t.out, "Model:      "));
  g_assert_nonnull (strstr (t.out, "\nProducer:   pytorch"));
  g_assert_nonnull (strstr (t.out, "\nIR version: 6, opset 11\n"));
  g_assert_nonnull (strstr (t.out, "\nMemory:     weights"));
  /* the longest output name does not run into its shape */
  g_assert_nonnull (strstr (t.out, "/bn0/BatchNormalization_output_0  [1, 8, 16, 16]"));
  fm_test_cli_result_clear (&t);
}

/* Names of any script line up in `inspect`'s node table: "relu", "特征"
 * (two wide characters) and "cafe" + a combining acute accent all take
 * four columns, so the output names after them start after the same
 * number of spaces (counted in characters, the two others would get two
 * more and one less). */
static void
test_inspect_wide_names (void)
{
  const gint64 dims[4] = { 1, 1, 2, 2 };
  const char *nodes[3] = { "relu", "\u7279\u5f81", "cafe\u0301" };
  const char *outs[3] = { "r1", "r2", "r3" };
  const char *ins[3] = { "x", "r1", "r2" };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info ("r3", dims, 4);
  g_autoptr(GByteArray) m = NULL;
  g_autofree char *path = g_build_filename (fm_test_scratch (), "wide-names.onnx", NULL);
  FmTestCliResult t;
  int gap = -1;

  for (int i = 0; i < 3; i++)
    put_msg (graph, FM_ONNX_GRAPH_NODE,
             fm_test_node ("Relu", nodes[i], (const char *[]) { ins[i], NULL }, outs[i]));
  m = fm_test_graph_model_bytes (graph, "wide", in, out);
  g_assert_true (g_file_set_contents (path, (const char *) m->data, m->len, NULL));
  /* In the C locale, g_print () would print each non-ASCII character as "?" */
  t = run_cli (((const char *[]) { "LC_ALL", "C.UTF-8", NULL }), "inspect", path, NULL);
  g_assert_cmpint (t.status, ==, 0);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *row_start = g_strdup_printf ("Relu  %s ", nodes[i]);
      const char *row = strstr (t.out, row_start);
      const char *name_end, *o;

      g_assert_nonnull (row);
      name_end = row + strlen ("Relu  ") + strlen (nodes[i]);
      o = name_end;
      while (*o == ' ')
        o++;
      g_assert_true (g_str_has_prefix (o, outs[i]));
      if (gap < 0)
        gap = (int) (o - name_end);
      g_assert_cmpint ((int) (o - name_end), ==, gap);
    }
  g_assert_cmpint (gap, ==, 2);   /* the column's widest name: 4 columns, then 2 */
  fm_test_cli_result_clear (&t);
}

/* A model's names reach the terminal with their control characters
 * escaped: an ESC sequence in a node's name once set the terminal's
 * colours and a newline broke the table. */
static void
test_inspect_controls (void)
{
  const gint64 dims[4] = { 1, 1, 2, 2 };
  static const char out_name[] = "y\x1b[31mZ";
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info (out_name, dims, 4);
  g_autoptr(GByteArray) m = NULL;
  g_autofree char *path = g_build_filename (fm_test_scratch (), "controls.onnx", NULL);
  g_autofree char *npy = g_build_filename (fm_test_scratch (), "controls.npy", NULL);
  FmShape shape = { 4, { 1, 1, 2, 2 } };
  const float ones[4] = { 1, 1, 1, 1 };
  FmTestCliResult t;

  put_msg (graph, FM_ONNX_GRAPH_NODE,
           fm_test_node ("Relu", "a\x1b[31mb\nc\xc2\x9b", (const char *[]) { "x", NULL },
                         out_name));
  m = fm_test_graph_model_bytes (graph, "controls", in, out);
  g_assert_true (g_file_set_contents (path, (const char *) m->data, m->len, NULL));
  g_assert_true (fm_npy_write (npy, &shape, ones, NULL));
  t = run_cli (((const char *[]) { "LC_ALL", "C.UTF-8", NULL }), "inspect", path, NULL);
  g_assert_cmpint (t.status, ==, 0);
  g_assert_null (strchr (t.out, '\x1b'));
  g_assert_null (strstr (t.out, "\xc2\x9b"));
  g_assert_nonnull (strstr (t.out, "Relu  a\\x1b[31mb\\x0ac\\u009b  y\\x1b[31mZ "));
  fm_test_cli_result_clear (&t);
  /* run's prediction and layer lines too */
  t = run_cli (((const char *[]) { "LC_ALL", "C.UTF-8", NULL }), "run", path, npy, NULL);
  g_assert_cmpint (t.status, ==, 0);
  g_assert_null (strchr (t.out, '\x1b'));
  g_assert_nonnull (strstr (t.out, "y\\x1b[31mZ"));
  fm_test_cli_result_clear (&t);
}

/* An input of symbolic height and width (an export with dynamic axes) is
 * shown at 224 x 224 and said to be (inspect refused it while run took
 * the picture's size); a negative declared size is called that, not
 * "symbolic". */
static void
test_inspect_symbolic_size (void)
{
  const gint64 dims[4] = { -1, 1, -1, -1 };
  g_autoptr(GByteArray) m = fm_test_dynamic_relu_model ("dynamic");
  g_autofree char *path = g_build_filename (fm_test_scratch (), "dynamic.onnx", NULL);
  g_autofree char *neg_path = g_build_filename (fm_test_scratch (), "negative.onnx", NULL);
  FmTestCliResult t;

  g_assert_true (g_file_set_contents (path, (const char *) m->data, m->len, NULL));
  t = run_cli (NULL, "inspect", path, NULL);
  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "  x  float32  [1, 1, 224, 224]\n"));
  g_assert_nonnull (strstr (t.out, "height and width are not fixed: shown for 224 x 224"));
  fm_test_cli_result_clear (&t);
  t = run_cli (NULL, "inspect", path, "--json", NULL);
  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "\"default_size\" : true"));
  fm_test_cli_result_clear (&t);
  /* bench without an input measures it at that size, and says so; with a
   * picture, at the picture's. */
  t = run_cli (NULL, "bench", path, "--runs", "2", NULL);
  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "not fixed by the model: measured at 224 x 224"));
  /* 224 x 224 floats of the input and as many of the Relu's output */
  g_assert_nonnull (strstr (t.out, "activations 0.4 MB"));
  fm_test_cli_result_clear (&t);
  t = run_cli (NULL, "bench", path, "--runs", "2", "--json", NULL);
  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "\"default_size\" : true"));
  fm_test_cli_result_clear (&t);
  /* with a picture, at the picture's size: not the default */
  {
    g_autofree char *seven = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-7.png", NULL);

    t = run_cli (NULL, "bench", path, seven, "--runs", "2", "--json", NULL);
    g_assert_cmpint (t.status, ==, 0);
    g_assert_nonnull (strstr (t.out, "\"default_size\" : false"));
    /* 28 x 28 floats in and out */
    g_assert_nonnull (strstr (t.out, "\"activations_mb\" : 0.005981"));
    fm_test_cli_result_clear (&t);
  }

  /* x [1, 1, -5, 4]: -5 as a dim_value */
  {
    g_autoptr(GByteArray) g2 = g_byte_array_new ();
    g_autoptr(GByteArray) vi = g_byte_array_new ();
    g_autoptr(GByteArray) shape = g_byte_array_new ();
    g_autoptr(GByteArray) ttype = g_byte_array_new ();
    g_autoptr(GByteArray) type = g_byte_array_new ();
    g_autoptr(GByteArray) out2 = fm_test_value_info ("y", dims, 4);
    g_autoptr(GByteArray) m2 = NULL;
    const gint64 neg[4] = { 1, 1, -5, 4 };

    for (int i = 0; i < 4; i++)
      {
        g_autoptr(GByteArray) dim = g_byte_array_new ();

        fm_pb_int (dim, FM_ONNX_DIM_VALUE, neg[i]);
        fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim);
      }
    fm_pb_string (vi, FM_ONNX_VALUE_INFO_NAME, "x");
    fm_pb_int (ttype, FM_ONNX_TENSOR_TYPE_ELEM_TYPE, FM_ONNX_FLOAT);
    fm_pb_message (ttype, FM_ONNX_TENSOR_TYPE_SHAPE, shape);
    fm_pb_message (type, FM_ONNX_TYPE_TENSOR_TYPE, ttype);
    fm_pb_message (vi, FM_ONNX_VALUE_INFO_TYPE, type);
    put_msg (g2, FM_ONNX_GRAPH_NODE,
             fm_test_node ("Relu", "relu", (const char *[]) { "x", NULL }, "y"));
    m2 = fm_test_graph_model_bytes (g2, "negative", vi, out2);
    g_assert_true (g_file_set_contents (neg_path, (const char *) m2->data, m2->len, NULL));
    t = run_cli (NULL, "inspect", neg_path, NULL);
    g_assert_cmpint (t.status, ==, 1);
    g_assert_nonnull (strstr (t.err, "input 'x' declares dimension 2 as -5, a negative size"));
    fm_test_cli_result_clear (&t);
  }
}

/* tests/fixtures/pytorch/keras_nhwc (tf2onnx's shape of a Keras model):
 * `run --json` lists the channels-last Transpose output as 8 channels of
 * 7 x 7, read off the graph (MaxPool [1, 8, 7, 7] -> Transpose [0, 2, 3,
 * 1]), not 7 channels of 7 x 8; `inspect` names every value's layout; a
 * picture is fed channels-last. */
static void
test_keras_nhwc (void)
{
  static const struct
  {
    const char *name, *layout;
    gint64      channels, height, width;
  } want[] = {
    { "/Transpose_output_0", "NCHW", 1, 28, 28 },
    { "/Pad_output_0", "NCHW", 1, 29, 29 },
    { "/conv/Conv_output_0", "NCHW", 8, 14, 14 },
    { "/Relu_output_0", "NCHW", 8, 14, 14 },
    { "/MaxPool_output_0", "NCHW", 8, 7, 7 },
    { "/Transpose_2_output_0", "NHWC", 8, 7, 7 },
  };
  g_autofree char *dir = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", "keras_nhwc",
                                           NULL);
  g_autofree char *model = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *input = g_build_filename (dir, "input.npy", NULL);
  FmTestCliResult r = run_cli (NULL, "run", model, input, "--json", NULL);
  FmTestCliResult i = run_cli (NULL, "inspect", model, "--json", NULL);
  FmTestCliResult t = run_cli (NULL, "run", model, input, NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) inode = NULL;
  JsonArray *layers, *nodes;
  gboolean seen_transpose = FALSE;

  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  layers = json_object_get_array_member (json_node_get_object (node), "layers");
  g_assert_cmpuint (json_array_get_length (layers), ==, G_N_ELEMENTS (want));
  for (guint k = 0; k < G_N_ELEMENTS (want); k++)
    {
      JsonObject *l = json_array_get_object_element (layers, k);

      g_assert_cmpstr (json_object_get_string_member (l, "name"), ==, want[k].name);
      g_assert_cmpstr (json_object_get_string_member (l, "layout"), ==, want[k].layout);
      g_assert_cmpint (json_object_get_int_member (l, "channels"), ==, want[k].channels);
      g_assert_cmpint (json_object_get_int_member (l, "height"), ==, want[k].height);
      g_assert_cmpint (json_object_get_int_member (l, "width"), ==, want[k].width);
    }

  g_assert_cmpint (i.status, ==, 0);
  inode = parse_json (i.out);
  nodes = json_object_get_array_member (json_node_get_object (inode), "nodes");
  for (guint k = 0; k < json_array_get_length (nodes); k++)
    {
      JsonArray *outs = json_object_get_array_member (json_array_get_object_element (nodes, k),
                                                      "outputs");
      JsonObject *v = json_array_get_object_element (outs, 0);
      const char *name = json_object_get_string_member (v, "name");

      if (g_strcmp0 (name, "/Transpose_2_output_0") == 0)
        {
          g_assert_true (json_object_get_boolean_member (v, "feature_map"));
          g_assert_cmpstr (json_object_get_string_member (v, "layout"), ==, "NHWC");
          g_assert_cmpint (json_object_get_int_member (v, "channels"), ==, 8);
          seen_transpose = TRUE;
        }
      else if (g_strcmp0 (name, "/Reshape_2_output_0") == 0)
        g_assert_true (json_object_get_null_member (v, "layout"));
    }
  g_assert_true (seen_transpose);

  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "8 channels (channels last)"));
  /* run's table lines up names of 13 to 21 characters: every shape in one
   * column */
  {
    const char *table = strstr (t.out, "Feature-map layers:\n");
    g_auto(GStrv) lines = NULL;

    g_assert_nonnull (table);
    lines = g_strsplit (table, "\n", -1);
    glong at = -1;
    guint rows = 0;

    for (guint k = 1; lines[k] != NULL && lines[k][0] != '\0'; k++)
      {
        const char *bracket = strchr (lines[k], '[');

        g_assert_nonnull (bracket);
        if (at < 0)
          at = bracket - lines[k];
        g_assert_cmpint (bracket - lines[k], ==, at);
        rows++;
      }
    g_assert_cmpuint (rows, ==, 6);
  }

  /* A picture goes in channels-last ([1, 28, 28, 1]), not refused as a
   * [1, C, H, W] input of 28 channels. */
  {
    g_autofree char *png = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-7.png", NULL);
    FmTestCliResult p = run_cli (NULL, "run", model, png, NULL);
    const char *line;

    g_assert_cmpint (p.status, ==, 0);
    /* "Input:   PATH -> 'input' [1, 28, 28, 1]", quoted as the locale does */
    line = strstr (p.out, "digit-7.png -> ");
    g_assert_nonnull (line);
    g_assert_nonnull (strstr (line, "input"));
    g_assert_true (g_str_has_prefix (strchr (line, '['), "[1, 28, 28, 1]\n"));
    fm_test_cli_result_clear (&p);
  }
  fm_test_cli_result_clear (&r);
  fm_test_cli_result_clear (&i);
  fm_test_cli_result_clear (&t);
}

static void
assert_failure (FmTestCliResult     *r,
                const char *file)
{
  g_autofree char *prefix = g_strdup_printf ("feature-maps: %s", file);

  g_assert_cmpint (r->status, ==, 1);
  g_assert_cmpstr (r->out, ==, "");
  if (strstr (r->err, prefix) == NULL)
    g_error ("stderr '%s' lacks '%s'", r->err, prefix);
  fm_test_cli_result_clear (r);
}

static void
test_exit_1 (void)
{
  g_autofree char *missing = g_build_filename (fm_test_scratch (), "missing.onnx", NULL);
  g_autofree char *garbage = g_build_filename (fm_test_scratch (), "garbage.onnx", NULL);
  g_autofree char *bad_png = g_build_filename (fm_test_scratch (), "bad.png", NULL);
  g_autofree char *bad_npy = g_build_filename (fm_test_scratch (), "wrong-shape.npy", NULL);
  g_autofree char *text = g_build_filename (fm_test_scratch (), "notes.txt", NULL);
  const char *no_data[] = { "FEATURE_MAPS_DATADIR", "/nonexistent", NULL };
  FmShape s = { 4, { 1, 1, 2, 8 } };
  float zeros[16] = { 0 };
  FmTestCliResult r;

  g_assert_true (g_file_set_contents (garbage, "\xff\xff\xff\xff not protobuf", -1, NULL));
  g_assert_true (g_file_set_contents (bad_png, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL));
  g_assert_true (g_file_set_contents (text, "hello", -1, NULL));
  g_assert_true (fm_npy_write (bad_npy, &s, zeros, NULL));

  r = run_cli (NULL, "inspect", missing, NULL);
  assert_failure (&r, "");
  r = run_cli (NULL, "inspect", missing, NULL);
  g_assert_nonnull (strstr (r.err, missing));
  fm_test_cli_result_clear (&r);
  r = run_cli (NULL, "inspect", garbage, NULL);
  assert_failure (&r, garbage);
  r = run_cli (NULL, "run", garbage, npy_path, NULL);
  assert_failure (&r, garbage);
  r = run_cli (NULL, "run", model_path, bad_png, NULL);
  assert_failure (&r, bad_png);
  r = run_cli (NULL, "run", model_path, bad_npy, "--json", NULL);
  assert_failure (&r, bad_npy);
  r = run_cli (NULL, "run", model_path, text, NULL);
  assert_failure (&r, text);
  r = run_cli (no_data, "inspect", "mnist-cnn-dying", NULL);
  if (r.status == 0)
    fm_test_cli_result_clear (&r);   /* installed or in the source tree: fine */
  else
    assert_failure (&r, "mnist-cnn-dying");
}

/* A NaN or an infinity in an .npy input is refused, naming the element
 * (it once ran through the model and gave a made-up prediction); an
 * output that overflows to NaN is null in --json (it once wrote
 * "-nan.0", which no JSON parser reads). */
static void
test_non_finite (void)
{
  g_autofree char *nan_npy = g_build_filename (fm_test_scratch (), "nan.npy", NULL);
  g_autofree char *inf_npy = g_build_filename (fm_test_scratch (), "inf.npy", NULL);
  g_autofree char *huge_npy = g_build_filename (fm_test_scratch (), "huge.npy", NULL);
  FmShape in_shape = { 4, { 1, 1, 4, 4 } };   /* the tiny model's input */
  FmShape mnist = { 4, { 1, 1, 28, 28 } };
  float x[16], big[28 * 28];
  FmTestCliResult r;

  for (int i = 0; i < 16; i++)
    x[i] = 0.1f;
  x[3] = NAN;
  g_assert_true (fm_npy_write (nan_npy, &in_shape, x, NULL));
  x[3] = 0.1f;
  x[0] = -INFINITY;
  g_assert_true (fm_npy_write (inf_npy, &in_shape, x, NULL));
  for (int i = 0; i < 28 * 28; i++)
    big[i] = 1e38f;
  g_assert_true (fm_npy_write (huge_npy, &mnist, big, NULL));

  r = run_cli (NULL, "run", model_path, nan_npy, NULL);
  g_assert_nonnull (strstr (r.err, "element 3 is NaN"));
  assert_failure (&r, nan_npy);
  r = run_cli (NULL, "run", model_path, inf_npy, "--json", NULL);
  g_assert_nonnull (strstr (r.err, "element 0 is infinite"));
  assert_failure (&r, inf_npy);

  r = run_cli (NULL, "run", "mnist-cnn", huge_npy, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o = fm_test_cli_parse_object (parser, r.out);
    JsonArray *top = json_object_get_array_member (json_object_get_object_member (o, "prediction"),
                                                   "top");
    guint nulls = 0;

    for (guint k = 0; k < json_array_get_length (top); k++)
      nulls += json_node_is_null (json_object_get_member (json_array_get_object_element (top, k),
                                                          "probability"));
    g_assert_cmpuint (nulls, ==, json_array_get_length (top));
  }
  fm_test_cli_result_clear (&r);
}

static void
assert_usage (FmTestCliResult *r)
{
  g_assert_cmpint (r->status, ==, 2);
  g_assert_cmpstr (r->out, ==, "");
  if (strstr (r->err, "Usage") == NULL)
    g_error ("stderr '%s' lacks a usage line", r->err);
  fm_test_cli_result_clear (r);
}

static void
test_exit_2 (void)
{
  FmTestCliResult r;

  /* No arguments at all start the window (tests/app). */
  r = run_cli (NULL, "frobnicate", NULL);
  assert_usage (&r);
  r = run_cli (NULL, "run", NULL);
  assert_usage (&r);
  r = run_cli (NULL, "run", model_path, NULL);
  assert_usage (&r);
  r = run_cli (NULL, "run", model_path, npy_path, "extra", NULL);
  assert_usage (&r);
  r = run_cli (NULL, "inspect", NULL);
  assert_usage (&r);
  r = run_cli (NULL, "inspect", model_path, "--bogus", NULL);
  assert_usage (&r);
  /* inspect has no threads to set (it runs nothing). */
  r = run_cli (NULL, "inspect", model_path, "--threads", "2", NULL);
  assert_usage (&r);
  r = run_cli (NULL, "run", model_path, npy_path, "--threads", "0", NULL);
  assert_usage (&r);
  r = run_cli (NULL, "run", model_path, png_path, "--invert", "maybe", NULL);
  assert_usage (&r);
  r = run_cli (NULL, "run", model_path, png_path, "--mean", "x", NULL);
  assert_usage (&r);
  r = run_cli (NULL, "run", model_path, png_path, "--std", "0", NULL);
  assert_usage (&r);
  /* A negative std would turn the picture over (it was taken as given,
   * then blamed on the picture with exit 1; test-cli-input.c checks every
   * subcommand). */
  r = run_cli (NULL, "run", model_path, png_path, "--std", "-1", NULL);
  g_assert_nonnull (strstr (r.err, "--std: -1 is not a positive number"));
  assert_usage (&r);
  /* Two means for a one-channel input. */
  r = run_cli (NULL, "run", model_path, png_path, "--mean", "0.1,0.2", NULL);
  assert_usage (&r);

  /* --help succeeds and prints to stdout. */
  r = run_cli (NULL, "run", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "feature-maps run"));
  g_assert_nonnull (strstr (r.out, "--dump"));
  fm_test_cli_result_clear (&r);
  r = run_cli (NULL, "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "inspect"));
  fm_test_cli_result_clear (&r);
}

static void
test_bundled_name (void)
{
  /* $FEATURE_MAPS_DATADIR/models/mnist-cnn.onnx wins. */
  g_autofree char *data = g_build_filename (fm_test_scratch (), "datadir", NULL);
  g_autofree char *models = fm_test_fresh_dir (data, "models");
  g_autofree char *copy = g_build_filename (models, "mnist-cnn.onnx", NULL);
  const char *env[] = { "FEATURE_MAPS_DATADIR", data, NULL };
  FmTestCliResult r;
  g_autoptr(JsonNode) node = NULL;

  fm_test_copy_file (model_path, copy);
  r = run_cli (env, "inspect", "mnist-cnn", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "model"),
                   ==, copy);
  fm_test_cli_result_clear (&r);
  g_remove (copy);
  g_rmdir (models);
  g_rmdir (data);
}

static void
test_bundled_mnist (void)
{
  g_autofree char *model = g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn.onnx", NULL);
  g_autofree char *digits = g_build_filename (FM_SOURCE_DATADIR, "digits", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autofree char *png = NULL;
  const char *name;
  FmTestCliResult r;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root;
  JsonArray *top;
  double sum = 0.0;

  if (!g_file_test (model, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("data/models/mnist-cnn.onnx is not there yet");
      return;
    }
  dir = g_dir_open (digits, 0, NULL);
  while (dir != NULL && png == NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".png"))
      png = g_build_filename (digits, name, NULL);
  if (png == NULL)
    {
      g_test_skip ("no PNG in data/digits");
      return;
    }

  r = run_cli (NULL, "run", model, png, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  root = json_node_get_object (node);
  top = json_object_get_array_member (json_object_get_object_member (root, "prediction"),
                                      "top");
  /* Ten classes: five shown, in decreasing probability, summing to <= 1. */
  g_assert_cmpuint (json_array_get_length (top), ==, 5);
  for (guint k = 0; k < 5; k++)
    {
      double p = json_object_get_double_member (json_array_get_object_element (top, k),
                                                "probability");
      if (k > 0)
        g_assert_cmpfloat (p, <=, json_object_get_double_member (
                             json_array_get_object_element (top, k - 1), "probability"));
      sum += p;
    }
  g_assert_cmpfloat (sum, <=, 1.0 + 1e-6);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "layers")), >, 0);
  fm_test_cli_result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GByteArray) model = NULL;
  g_autoptr(GByteArray) png = NULL;
  FmShape in_shape = { 4, { 1, 1, 4, 4 } };
  float ones[16];
  int status;

  binary = fm_test_cli_init (&argc, &argv);
  model_path = g_build_filename (fm_test_scratch (), "tiny.onnx", NULL);
  npy_path = g_build_filename (fm_test_scratch (), "in.npy", NULL);
  png_path = g_build_filename (fm_test_scratch (), "in.png", NULL);
  model = build_model (FALSE);
  png = build_png ();
  g_assert_true (g_file_set_contents (model_path, (const char *) model->data, model->len, NULL));
  g_assert_true (g_file_set_contents (png_path, (const char *) png->data, png->len, NULL));
  for (int i = 0; i < 16; i++)
    ones[i] = 0.1f;
  g_assert_true (fm_npy_write (npy_path, &in_shape, ones, NULL));

  g_test_add_func ("/cli/run/npy-json", test_run_npy_json);
  g_test_add_func ("/cli/run/png", test_run_png);
  g_test_add_func ("/cli/run/pytorch-rgb", test_run_pytorch_rgb);
  g_test_add_func ("/cli/run/probabilities", test_run_probabilities);
  g_test_add_func ("/cli/run/dump", test_dump);
  g_test_add_func ("/cli/run/non-finite", test_non_finite);
  g_test_add_func ("/cli/inspect", test_inspect);
  g_test_add_func ("/cli/inspect-columns", test_inspect_columns);
  g_test_add_func ("/cli/inspect-wide-names", test_inspect_wide_names);
  g_test_add_func ("/cli/inspect-controls", test_inspect_controls);
  g_test_add_func ("/cli/inspect-symbolic-size", test_inspect_symbolic_size);
  g_test_add_func ("/cli/run/keras-nhwc", test_keras_nhwc);
  g_test_add_func ("/cli/exit/failure", test_exit_1);
  g_test_add_func ("/cli/exit/usage", test_exit_2);
  g_test_add_func ("/cli/bundled/name", test_bundled_name);
  g_test_add_func ("/cli/bundled/mnist", test_bundled_mnist);

  status = g_test_run ();
  g_free (model_path);
  g_free (npy_path);
  g_free (png_path);
  return status;
}
