/* test-cli-compare.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps compare`, run as a user would.
 *
 * Pairing, on two tiny models whose answers are worked by hand. Both take
 * x [1, 1, 4, 4] = 1..16 and compute Conv 1x1 with two filters (w0, w1)
 * -> conv [1, 2, 4, 4] -> Relu -> relu:
 *   A: filters (1, -1), tensors "a_conv", "a_relu";
 *   B: filters (2, -1), tensors "b_conv", "b_relu", and before them a
 *      3-filter Conv of x whose output is named "a_relu" (A's name, other
 *      maps: never paired by name).
 * So A's two layers pair in order with b_conv and b_relu, B's "a_relu" is
 * left over; channel 1 (-x) is zero after Relu in both; channel 0 differs
 * by |x - 2x| = x, at most 16, channel 1 by 0.
 *
 * On the bundled healthy and dying models and three bundled digits:
 * zero_a and zero_b equal what `run --json` lists for each model alone
 * and the channels that are 0 everywhere in the models' `run --dump`
 * files, and max_abs_diff equals the largest |a - b| computed here over
 * those files. The channels zero in one model only, each side on its
 * own row, as each model's `run --json` lists differ. Refusals: models with different inputs, models with no
 * layer of the same maps, a missing argument, a negative threshold.
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
#include "fm-test-onnx.h"

static const char *binary;

/* ---- the tiny models -------------------------------------------------- */

static void
add_conv (GByteArray  *graph,
          const char  *weight,
          const float *w,
          gint64       filters,
          const char  *output)
{
  const gint64 dims[4] = { filters, 1, 1, 1 };
  g_autoptr(GByteArray) conv = fm_test_node ("Conv", output, (const char *[]) { "x", weight, NULL },
                                             output);

  fm_test_initializer (graph, weight, dims, 4, w);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, conv);
}

/* x -> [extra Conv of 3 filters -> @extra] -> Conv (w0, w1) -> @conv_out
 * -> Relu -> @relu_out; @relu_out (and @extra) are graph outputs. */
static char *
write_model (const char *file,
             float       w0,
             const char *conv_out,
             const char *relu_out,
             const char *extra)
{
  const gint64 dims[4] = { 1, 1, 4, 4 }, extra_dims[4] = { 1, 3, 4, 4 };
  const float w[2] = { w0, -1.0f }, ones[3] = { 1.0f, 1.0f, 1.0f };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) relu = fm_test_node ("Relu", "relu", (const char *[]) { conv_out, NULL },
                                             relu_out);
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info (relu_out, dims, 4);
  g_autoptr(GByteArray) m = NULL;
  char *path = g_build_filename (fm_test_scratch (), file, NULL);

  if (extra != NULL)
    {
      g_autoptr(GByteArray) extra_out = fm_test_value_info (extra, extra_dims, 4);

      add_conv (graph, "W3", ones, 3, extra);
      fm_pb_message (graph, FM_ONNX_GRAPH_OUTPUT, extra_out);
    }
  add_conv (graph, "W", w, 2, conv_out);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, relu);
  m = fm_test_graph_model_bytes (graph, file, in, out);
  g_assert_true (g_file_set_contents (path, (const char *) m->data, m->len, NULL));
  return path;
}

/* x = 1..16 as [1, 1, 4, 4]. */
static char *
write_input (void)
{
  FmShape shape = { .rank = 4, .dims = { 1, 1, 4, 4 } };
  float x[16];
  char *path = g_build_filename (fm_test_scratch (), "x.npy", NULL);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 16; i++)
    x[i] = (float) (i + 1);
  g_assert_true (fm_npy_write (path, &shape, x, &error));
  g_assert_no_error (error);
  return path;
}

/* ---- JSON helpers ----------------------------------------------------- */

static JsonObject *
run_json (JsonParser         *parser,
          const char         *subcommand,
          const char * const *args)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = fm_test_cli_run (binary, subcommand, NULL, &out, &err, NULL, args);

  if (status != 0)
    g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 0);
  return fm_test_cli_parse_object (parser, out);
}

static void
assert_ints (JsonArray *array,
             const int *want,
             guint      n)
{
  g_assert_cmpuint (json_array_get_length (array), ==, n);
  for (guint k = 0; k < n; k++)
    g_assert_cmpint (json_array_get_int_element (array, k), ==, want[k]);
}

static void
assert_same_ints (JsonArray *a,
                  JsonArray *b)
{
  g_assert_cmpuint (json_array_get_length (a), ==, json_array_get_length (b));
  for (guint k = 0; k < json_array_get_length (a); k++)
    g_assert_cmpint (json_array_get_int_element (a, k), ==, json_array_get_int_element (b, k));
}

/* ---- tests ------------------------------------------------------------ */

static void
test_pairing (void)
{
  g_autofree char *a = write_model ("a.onnx", 1.0f, "a_conv", "a_relu", NULL);
  g_autofree char *b = write_model ("b.onnx", 2.0f, "b_conv", "b_relu", "a_relu");
  g_autofree char *x = write_input ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = run_json (parser, "compare", FM_TEST_CLI_ARGS (a, b, x, "--json", NULL));
  JsonArray *layers = json_object_get_array_member (root, "layers");
  static const char *const names[2][2] = { { "a_conv", "b_conv" }, { "a_relu", "b_relu" } };
  static const int one[] = { 1 };

  g_assert_true (g_str_has_suffix (json_object_get_string_member (root, "a"), "a.onnx"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (root, "b"), "b.onnx"));
  g_assert_cmpuint (json_array_get_length (layers), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *diff = json_object_get_array_member (l, "max_abs_diff");

      g_assert_cmpstr (json_object_get_string_member (l, "name"), ==, names[i][0]);
      g_assert_cmpstr (json_object_get_string_member (l, "a_name"), ==, names[i][0]);
      g_assert_cmpstr (json_object_get_string_member (l, "b_name"), ==, names[i][1]);
      g_assert_cmpstr (json_object_get_string_member (l, "matched_by"), ==, "order");
      g_assert_cmpint (json_object_get_int_member (l, "channels"), ==, 2);
      /* Conv: -x is not zero; Relu (-x) is, on both sides. */
      assert_ints (json_object_get_array_member (l, "zero_a"), one, i);
      assert_ints (json_object_get_array_member (l, "zero_b"), one, i);
      g_assert_cmpuint (json_array_get_length (diff), ==, 2);
      g_assert_cmpfloat (json_array_get_double_element (diff, 0), ==, 16.0);
      g_assert_cmpfloat (json_array_get_double_element (diff, 1), ==, 0.0);
    }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "unmatched_a")),
                    ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "unmatched_b")),
                    ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root,
                                                                                "unmatched_b"),
                                                  0), ==, "a_relu");

  /* A against itself: every layer by name, no difference. */
  {
    g_autoptr(JsonParser) self_parser = json_parser_new ();
    JsonObject *same = run_json (self_parser, "compare", FM_TEST_CLI_ARGS (a, a, x, "--json",
                                                                           NULL));
    JsonArray *same_layers = json_object_get_array_member (same, "layers");

    g_assert_cmpuint (json_array_get_length (same_layers), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *l = json_array_get_object_element (same_layers, i);
        JsonArray *diff = json_object_get_array_member (l, "max_abs_diff");

        g_assert_cmpstr (json_object_get_string_member (l, "matched_by"), ==, "name");
        g_assert_cmpfloat (json_array_get_double_element (diff, 0), ==, 0.0);
        g_assert_cmpfloat (json_array_get_double_element (diff, 1), ==, 0.0);
      }
  }

  /* The text says the same in words. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (fm_test_cli_run (binary, "compare", NULL, &out, &err, NULL,
                                      FM_TEST_CLI_ARGS (a, b, x, NULL)), ==, 0);
    g_assert_nonnull (strstr (out, "a_relu (B: b_relu, paired in order), 2 channels"));
    g_assert_nonnull (strstr (out, "largest difference:    16 (channel 0)"));
    g_assert_nonnull (strstr (out, "Layers of B with no counterpart in A:\n  a_relu"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    /* A against itself: no difference anywhere, and no channel named as
     * where the largest one is (it said "0 (channel 0)" for every layer). */
    g_assert_cmpint (fm_test_cli_run (binary, "compare", NULL, &out, &err, NULL,
                                      FM_TEST_CLI_ARGS (a, a, x, NULL)), ==, 0);
    g_assert_nonnull (strstr (out, "a_conv, 2 channels\n"));
    g_assert_nonnull (strstr (out, "a_relu, 2 channels\n"));
    g_assert_null (strstr (out, "(channel"));
    {
      const char *at = out;
      guint rows = 0;

      while ((at = strstr (at, "largest difference:    0 (the same maps)\n")) != NULL)
        {
          rows++;
          at++;
        }
      g_assert_cmpuint (rows, ==, 2);
    }
  }
}

/* The manifest of a `run --dump` folder: tensor name -> file path. */
static GHashTable *
dump_files (const char *model,
            const char *digit,
            const char *dir)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *manifest = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonArray *tensors;

  g_assert_cmpint (fm_test_cli_run (binary, "run", NULL, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS (model, digit, "--dump", dir, NULL)), ==, 0);
  g_assert_true (json_parser_load_from_file (parser, manifest, NULL));
  tensors = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "tensors");
  for (guint k = 0; k < json_array_get_length (tensors); k++)
    {
      JsonObject *t = json_array_get_object_element (tensors, k);

      g_hash_table_insert (files, g_strdup (json_object_get_string_member (t, "name")),
                           g_build_filename (dir, json_object_get_string_member (t, "file"),
                                             NULL));
    }
  return files;
}

/* The zero_channels `run --json` lists for layer @name. */
static JsonArray *
run_zero_channels (JsonObject *run,
                   const char *name)
{
  return json_object_get_array_member (fm_test_cli_find_layer (run, name), "zero_channels");
}

/* @zero lists exactly the channels of the [1, C, H, W] map @x that are
 * 0 everywhere (the default --zero-threshold). */
static void
assert_zero_from_dump (JsonArray   *zero,
                       const float *x,
                       gsize        channels,
                       gsize        plane)
{
  guint listed = 0;

  for (gsize c = 0; c < channels; c++)
    {
      gboolean all_zero = TRUE;

      for (gsize k = 0; k < plane && all_zero; k++)
        all_zero = x[c * plane + k] == 0.0f;
      if (!all_zero)
        continue;
      g_assert_cmpuint (listed, <, json_array_get_length (zero));
      g_assert_cmpint (json_array_get_int_element (zero, listed), ==, (gint64) c);
      listed++;
    }
  g_assert_cmpuint (listed, ==, json_array_get_length (zero));
}

/* max_abs_diff, zero_a and zero_b of layer @l against the dumps, channel
 * by channel ([1, C, H, W]). */
static void
assert_layer_from_dumps (JsonObject *l,
                         const char *file_a,
                         const char *file_b)
{
  JsonArray *diff = json_object_get_array_member (l, "max_abs_diff");
  g_autoptr(GError) error = NULL;
  FmShape sa, sb;
  g_autofree float *a = fm_npy_read (file_a, &sa, 0, &error);
  g_autofree float *b = fm_npy_read (file_b, &sb, 0, &error);
  gsize channels, plane;

  g_assert_no_error (error);
  g_assert_cmpint (sa.rank, ==, 4);
  g_assert_true (fm_shape_equal (&sa, &sb));
  channels = (gsize) sa.dims[1];
  plane = (gsize) sa.dims[2] * sa.dims[3];
  g_assert_cmpuint (json_array_get_length (diff), ==, channels);
  for (gsize c = 0; c < channels; c++)
    {
      double want = 0.0, got = json_array_get_double_element (diff, c);

      for (gsize k = 0; k < plane; k++)
        want = MAX (want, fabs ((double) a[c * plane + k] - (double) b[c * plane + k]));
      g_assert_cmpfloat_with_epsilon (got, want, 1e-6 * MAX (1.0, want));
    }
  assert_zero_from_dump (json_object_get_array_member (l, "zero_a"), a, channels, plane);
  assert_zero_from_dump (json_object_get_array_member (l, "zero_b"), b, channels, plane);
}

static void
test_bundled (void)
{
  static const char *const digits[] = { "digit-0.png", "digit-4.png", "digit-7.png" };
  g_autofree char *digits_dir = g_build_filename (FM_SOURCE_DATADIR, "digits", NULL);

  for (guint d = 0; d < G_N_ELEMENTS (digits); d++)
    {
      g_autofree char *digit = g_build_filename (digits_dir, digits[d], NULL);
      g_autofree char *dir_a = fm_test_fresh_dir (fm_test_scratch (), "dump-a");
      g_autofree char *dir_b = fm_test_fresh_dir (fm_test_scratch (), "dump-b");
      g_autoptr(JsonParser) pc = json_parser_new ();
      g_autoptr(JsonParser) pa = json_parser_new ();
      g_autoptr(JsonParser) pb = json_parser_new ();
      g_autoptr(GHashTable) files_a = dump_files ("mnist-cnn", digit, dir_a);
      g_autoptr(GHashTable) files_b = dump_files ("mnist-cnn-dying", digit, dir_b);
      JsonObject *cmp = run_json (pc, "compare",
                                  FM_TEST_CLI_ARGS ("mnist-cnn", "mnist-cnn-dying", digit,
                                                    "--json", NULL));
      JsonObject *run_a = run_json (pa, "run", FM_TEST_CLI_ARGS ("mnist-cnn", digit, "--json",
                                                                 NULL));
      JsonObject *run_b = run_json (pb, "run", FM_TEST_CLI_ARGS ("mnist-cnn-dying", digit,
                                                                 "--json", NULL));
      JsonArray *layers = json_object_get_array_member (cmp, "layers");
      guint n_zero_b = 0;

      /* The same architecture: every layer pairs by name. */
      g_assert_cmpuint (json_array_get_length (layers), ==,
                        json_array_get_length (json_object_get_array_member (run_a, "layers")));
      for (guint k = 0; k < json_array_get_length (layers); k++)
        {
          JsonObject *l = json_array_get_object_element (layers, k);
          const char *name = json_object_get_string_member (l, "name");

          g_assert_cmpstr (json_object_get_string_member (l, "matched_by"), ==, "name");
          assert_same_ints (json_object_get_array_member (l, "zero_a"),
                            run_zero_channels (run_a, name));
          assert_same_ints (json_object_get_array_member (l, "zero_b"),
                            run_zero_channels (run_b, name));
          n_zero_b += json_array_get_length (json_object_get_array_member (l, "zero_b"));
          assert_layer_from_dumps (l, g_hash_table_lookup (files_a, name),
                                   g_hash_table_lookup (files_b, name));
        }
      /* The dying model has channels that are zero here: the test sees some. */
      g_assert_cmpuint (n_zero_b, >, 0);
    }
}

/* "0,2-4,6" (consecutive ones as a range): the channels of @zero that
 * @other does not list, both ascending JSON arrays of ints. */
static char *
only_in (JsonArray *zero,
         JsonArray *other)
{
  GString *list = g_string_new (NULL);
  gint64 run_start = -1, previous = -2;

  for (guint k = 0; k <= json_array_get_length (zero); k++)
    {
      gint64 c = k < json_array_get_length (zero) ? json_array_get_int_element (zero, k) : -10;
      gboolean in_other = FALSE;

      for (guint j = 0; c >= 0 && j < json_array_get_length (other); j++)
        in_other |= json_array_get_int_element (other, j) == c;
      if (in_other)
        continue;
      if (c == previous + 1)
        {
          previous = c;
          continue;
        }
      if (run_start >= 0)
        {
          g_string_append_printf (list, "%s%" G_GINT64_FORMAT, list->len > 0 ? "," : "",
                                  run_start);
          if (previous > run_start)
            g_string_append_printf (list, "-%" G_GINT64_FORMAT, previous);
        }
      run_start = previous = c;
    }
  return g_string_free (list, FALSE);
}

/* The rows of channels zero in one model only name the model: "zero in A
 * only" and "zero in B only", each as `run --json` lists the zero channels
 * of each model alone, the one's less the other's. The bundled dying
 * model against its first checkpoint on a 7: relu1 and relu3 have
 * channels zero in A only and others zero in B only, which one row "zero
 * in one only" mixed, so one had to tell them apart from the lists. */
static void
test_zero_one_side (void)
{
  g_autofree char *digit = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-7.png", NULL);
  g_autofree char *epoch = g_build_filename (FM_SOURCE_DATADIR, "models",
                                             "mnist-cnn-dying-checkpoints", "epoch-1.onnx", NULL);
  static const char *const layers[] = { "/relu1/Relu_output_0", "/relu3/Relu_output_0" };
  g_autoptr(JsonParser) pa = json_parser_new ();
  g_autoptr(JsonParser) pb = json_parser_new ();
  JsonObject *run_a = run_json (pa, "run", FM_TEST_CLI_ARGS ("mnist-cnn-dying", digit, "--json",
                                                             NULL));
  JsonObject *run_b = run_json (pb, "run", FM_TEST_CLI_ARGS (epoch, digit, "--json", NULL));
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (fm_test_cli_run (binary, "compare", NULL, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS ("mnist-cnn-dying", epoch, digit, NULL)),
                   ==, 0);
  g_assert_null (strstr (out, "one only"));
  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    {
      JsonArray *za = run_zero_channels (run_a, layers[i]);
      JsonArray *zb = run_zero_channels (run_b, layers[i]);
      g_autofree char *a_only = only_in (za, zb);
      g_autofree char *b_only = only_in (zb, za);
      g_autofree char *head = g_strdup_printf ("\n%s, 32 channels\n", layers[i]);
      g_autofree char *row_a = g_strdup_printf ("\n  zero in A only:        %s\n", a_only);
      g_autofree char *row_b = g_strdup_printf ("\n  zero in B only:        %s\n", b_only);
      const char *block = strstr (out, head);
      const char *end;

      g_assert_nonnull (block);
      end = strstr (block + 1, "\n\n");
      if (end == NULL)
        end = block + strlen (block);
      /* The test has a case: both sides have channels of their own. */
      g_assert_cmpuint (strlen (a_only), >, 0);
      g_assert_cmpuint (strlen (b_only), >, 0);
      g_assert_true (strstr (block, row_a) != NULL && strstr (block, row_a) < end);
      g_assert_true (strstr (block, row_b) != NULL && strstr (block, row_b) < end);
    }
}

static void
test_refusals (void)
{
  g_autofree char *a = write_model ("a.onnx", 1.0f, "a_conv", "a_relu", NULL);
  g_autofree char *x = write_input ();
  g_autofree char *digit = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-7.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* Other input shapes: named, and said in plain words. */
  g_assert_cmpint (fm_test_cli_run (binary, "compare", NULL, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS ("mnist-cnn", a, digit, NULL)), ==, 1);
  g_assert_nonnull (strstr (err, "a.onnx: takes an input of [1, 1, 4, 4]"));
  g_assert_nonnull (strstr (err, "compare needs models with the same input"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The same input but no layer of the same maps (a's layers have two
   * channels, this Relu of x one): said in words, exit status 1. It
   * exited 0 and only listed every layer as without a counterpart. */
  {
    g_autoptr(GByteArray) bytes = fm_test_relu_model (4, 4, FALSE, NULL);
    g_autofree char *relu = g_build_filename (fm_test_scratch (), "relu.onnx", NULL);

    g_assert_true (g_file_set_contents (relu, (const char *) bytes->data, bytes->len, NULL));
    g_assert_cmpint (fm_test_cli_run (binary, "compare", NULL, &out, &err, NULL,
                                      FM_TEST_CLI_ARGS (a, relu, x, NULL)), ==, 1);
    g_assert_nonnull (strstr (out, "Layers of A with no counterpart in B:"));
    g_assert_nonnull (strstr (err, "relu.onnx have no layer of the same maps (channels, height "
                                   "and width), so no layer was compared"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  g_assert_cmpint (fm_test_cli_run (binary, "compare", NULL, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS (a, NULL)), ==, 2);
  g_assert_nonnull (strstr (err, "missing MODEL_B and INPUT"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (fm_test_cli_run (binary, "compare", NULL, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS (a, a, x, "--zero-threshold", "-1", NULL)),
                   ==, 2);
  g_assert_nonnull (strstr (err, "--zero-threshold"));
}

int
main (int   argc,
      char *argv[])
{
  binary = fm_test_cli_init (&argc, &argv);

  g_test_add_func ("/cli/compare/pairing", test_pairing);
  g_test_add_func ("/cli/compare/bundled", test_bundled);
  g_test_add_func ("/cli/compare/zero-one-side", test_zero_one_side);
  g_test_add_func ("/cli/compare/refusals", test_refusals);

  return g_test_run ();
}
