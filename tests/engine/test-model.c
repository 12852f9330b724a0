/* test-model.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Model loading from bytes: graph-level checks (sorting, cycles, missing
 * producers, unknown ops and domains, old opsets, unknown attributes,
 * inputs, budgets) and running one model from several threads. The bytes
 * are built with the test protobuf writer, so each case is a real file.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fm-model.h"
#include "fm-run.h"
#include "fm-test-onnx.h"

/* ---- a few ONNX messages (fm-onnx-fields.h) --------------------------- */

static GByteArray *
float_tensor (const char   *name,
              const gint64 *dims,
              guint         rank,
              const float  *values,
              gsize         n_values)
{
  GByteArray *t = g_byte_array_new ();

  fm_pb_packed_ints (t, FM_ONNX_TENSOR_DIMS, dims, rank);
  fm_pb_int (t, FM_ONNX_TENSOR_DATA_TYPE, 1); /* FLOAT */
  fm_pb_packed_floats (t, FM_ONNX_TENSOR_FLOAT_DATA, values, n_values);
  fm_pb_string (t, FM_ONNX_TENSOR_NAME, name);
  return t;
}

/* Wraps a graph into a ModelProto importing @opset; frees @graph. */
static GBytes *
model_bytes (GByteArray *graph,
             gint64      opset)
{
  g_autoptr(GByteArray) m = g_byte_array_new ();
  g_autoptr(GByteArray) imp = g_byte_array_new ();

  fm_pb_int (m, FM_ONNX_MODEL_IR_VERSION, 8);
  fm_pb_string (m, FM_ONNX_MODEL_PRODUCER_NAME, "test-model.c");
  fm_pb_message (m, FM_ONNX_MODEL_GRAPH, graph);
  fm_pb_string (imp, FM_ONNX_OPSET_DOMAIN, "");
  fm_pb_int (imp, FM_ONNX_OPSET_VERSION, opset);
  fm_pb_message (m, FM_ONNX_MODEL_OPSET_IMPORT, imp);
  g_byte_array_unref (graph);
  return g_bytes_new (m->data, m->len);
}

static void
graph_add (GByteArray *graph,
           guint       field,
           GByteArray *child)
{
  fm_pb_message (graph, field, child);
  g_byte_array_unref (child);
}

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

static const gint64 dims_1144[] = { -1, 1, 4, 4 };

/* @g with graph input x and output y, [batch, 1, 4, 4], as the bytes of
 * an opset 13 model. */
static GBytes *
xy_model_bytes (GByteArray *g)
{
  graph_add (g, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("x", dims_1144, 4));
  graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("y", dims_1144, 4));
  return model_bytes (g, 13);
}

/* x [batch, 1, 4, 4] -> Relu -> y */
static GByteArray *
relu_graph (void)
{
  GByteArray *g = g_byte_array_new ();

  graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", "relu", STRV ("x"), "y"));
  fm_pb_string (g, FM_ONNX_GRAPH_NAME, "relu-graph");
  graph_add (g, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("x", dims_1144, 4));
  graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("y", dims_1144, 4));
  return g;
}

static FmModel *
load (GBytes               *bytes,
      const FmModelOptions *options,
      GError              **error)
{
  return fm_model_load_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              "test.onnx", NULL, options, error);
}

static void
assert_error (GBytes     *bytes,
              FmError     code,
              const char *fragment1,
              const char *fragment2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = load (bytes, NULL, &error);

  g_assert_null (model);
  g_assert_error (error, FM_ERROR, (int) code);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "test.onnx: "));
  g_assert_nonnull (strstr (error->message, fragment1));
  if (fragment2 != NULL)
    g_assert_nonnull (strstr (error->message, fragment2));
}

/* x -> Relu (node "r") -> y, both of shape @dims, as an opset 13 model. */
static GBytes *
relu_dims_bytes (const gint64 *dims)
{
  GByteArray *g = g_byte_array_new ();

  graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", "r", STRV ("x"), "y"));
  graph_add (g, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("x", dims, 4));
  graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("y", dims, 4));
  return model_bytes (g, 13);
}

/* y = Add (x, w) with the @n_values weights @w, x, w and y all of shape
 * @dims (@rank), as an opset 13 model. */
static GBytes *
add_weights_bytes (const gint64 *dims,
                   guint         rank,
                   const float  *w,
                   gsize         n_values)
{
  GByteArray *g = g_byte_array_new ();

  graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Add", "add", STRV ("x", "w"), "y"));
  graph_add (g, FM_ONNX_GRAPH_INITIALIZER, float_tensor ("w", dims, rank, w, n_values));
  graph_add (g, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("x", dims, rank));
  graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("y", dims, rank));
  return model_bytes (g, 13);
}

/* relu_graph () as an opset 13 model, loaded. */
static FmModel *
load_relu (void)
{
  g_autoptr(GBytes) bytes = model_bytes (relu_graph (), 13);
  GError *error = NULL;
  FmModel *model = load (bytes, NULL, &error);

  g_assert_no_error (error);
  return model;
}

/* Loading the file @path fails with FM_ERROR @code: the error. */
static GError *
file_error (const char *path,
            FmError     code)
{
  GError *error = NULL;
  g_autoptr(FmModel) model = fm_model_load_file (path, NULL, &error);

  g_assert_null (model);
  g_assert_error (error, FM_ERROR, (int) code);
  return error;
}

/* The same for @len bytes of @data, named "test.onnx", with @options. */
static GError *
bytes_error (const guint8         *data,
             gsize                 len,
             const FmModelOptions *options,
             FmError               code)
{
  GError *error = NULL;
  g_autoptr(FmModel) model = fm_model_load_bytes (data, len, "test.onnx", NULL, options,
                                                  &error);

  g_assert_null (model);
  g_assert_error (error, FM_ERROR, (int) code);
  return error;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_relu_runs (void)
{
  g_autoptr(FmModel) model = load_relu ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FmRun) run = NULL;
  const FmValue *x;
  const float *y;
  float *in;

  g_assert_cmpuint (model->n_inputs, ==, 1);
  x = &model->values[model->inputs[0]];
  /* The symbolic batch dim becomes 1. */
  g_assert_cmpint (x->shape.rank, ==, 4);
  g_assert_cmpint (x->shape.dims[0], ==, 1);
  g_assert_cmpint (x->shape.dims[3], ==, 4);
  g_assert_cmpuint (model->n_plan, ==, 1);

  run = fm_run_new (model, &error);
  g_assert_no_error (error);
  in = fm_run_input_data (run, 0);
  for (int i = 0; i < 16; i++)
    in[i] = (float) (i - 8) * 0.5f;  /* -4.0 .. 3.5 */
  g_assert_true (fm_run_execute (run, NULL, &error));
  g_assert_no_error (error);
  y = fm_run_value_data (run, fm_model_find_value (model, "y"));
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat (y[i], ==, i < 8 ? 0.0f : (float) (i - 8) * 0.5f);
}

static void
test_unsorted (void)
{
  /* t = Relu (x); y = Add (t, b) with b = 1 everywhere, nodes listed in
   * reverse order: the loader must sort them. */
  GByteArray *g = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmRun) run = NULL;
  static const gint64 one[] = { 1 };
  static const float bias[] = { 1.0f };
  const float *y;
  float *in;

  graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Add", "add", STRV ("t", "b"), "y"));
  graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", "relu", STRV ("x"), "t"));
  graph_add (g, FM_ONNX_GRAPH_INITIALIZER, float_tensor ("b", one, 1, bias, 1));
  graph_add (g, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("x", dims_1144, 4));
  /* Before IR v4 initializers were also listed as inputs. */
  graph_add (g, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("b", one, 1));
  graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("y", dims_1144, 4));
  bytes = model_bytes (g, 13);

  model = load (bytes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->n_inputs, ==, 1);
  g_assert_cmpstr (model->values[model->inputs[0]].name, ==, "x");
  g_assert_cmpuint (model->n_plan, ==, 2);
  g_assert_cmpstr (model->nodes[model->plan[0]].name, ==, "relu");
  g_assert_cmpstr (model->nodes[model->plan[1]].name, ==, "add");

  run = fm_run_new (model, &error);
  g_assert_no_error (error);
  in = fm_run_input_data (run, 0);
  for (int i = 0; i < 16; i++)
    in[i] = (float) (i - 8);
  g_assert_true (fm_run_execute (run, NULL, &error));
  y = fm_run_value_data (run, fm_model_find_value (model, "y"));
  /* max (x, 0) + 1 */
  g_assert_cmpfloat (y[0], ==, 1.0f);
  g_assert_cmpfloat (y[8], ==, 1.0f);
  g_assert_cmpfloat (y[15], ==, 8.0f);
}

/* x and t2 -> Add @add_name -> t1 -> Relu @relu_name -> t2, the output:
 * a cycle of two nodes, as the bytes of an opset 13 model. */
static GBytes *
cycle_model_bytes (const char *add_name,
                   const char *relu_name)
{
  GByteArray *g = g_byte_array_new ();

  graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Add", add_name, STRV ("x", "t2"), "t1"));
  graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", relu_name, STRV ("t1"), "t2"));
  graph_add (g, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("x", dims_1144, 4));
  graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("t2", dims_1144, 4));
  return model_bytes (g, 13);
}

static void
test_cycle (void)
{
  g_autoptr(GBytes) bytes = cycle_model_bytes ("a", "b");

  assert_error (bytes, FM_ERROR_INVALID_MODEL, "cycle", "node '");
}

/* An input of another element type is refused naming the type, not its
 * DataType number ("element type 7"). */
static void
test_input_type_named (void)
{
  GByteArray *g = g_byte_array_new ();
  GByteArray *vi = g_byte_array_new ();
  g_autoptr(GByteArray) shape = g_byte_array_new ();
  g_autoptr(GByteArray) ttype = g_byte_array_new ();
  g_autoptr(GByteArray) type = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;

  for (int i = 0; i < 4; i++)
    {
      g_autoptr(GByteArray) dim = g_byte_array_new ();

      fm_pb_int (dim, FM_ONNX_DIM_VALUE, dims_1144[i]);
      fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim);
    }
  fm_pb_string (vi, FM_ONNX_VALUE_INFO_NAME, "x");
  fm_pb_int (ttype, FM_ONNX_TENSOR_TYPE_ELEM_TYPE, FM_ONNX_INT64);
  fm_pb_message (ttype, FM_ONNX_TENSOR_TYPE_SHAPE, shape);
  fm_pb_message (type, FM_ONNX_TYPE_TENSOR_TYPE, ttype);
  fm_pb_message (vi, FM_ONNX_VALUE_INFO_TYPE, type);
  graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", "r", STRV ("x"), "y"));
  graph_add (g, FM_ONNX_GRAPH_INPUT, vi);
  graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("y", dims_1144, 4));
  bytes = model_bytes (g, 13);
  assert_error (bytes, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                "input 'x' has element type int64; only float32 inputs can be fed", NULL);
}

/* Graph errors name a node on the cycle, not one that only reads from it
 * (the first node left was named), and call a node without a name as the
 * built model does, "<op>_<index>" (they said ''). */
static void
test_graph_error_names (void)
{
  {
    GByteArray *g = g_byte_array_new ();
    g_autoptr(GBytes) bytes = NULL;

    graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Sigmoid", "", STRV ("t2"), "t3"));
    graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Add", "a", STRV ("x", "t2"), "t1"));
    graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", "b", STRV ("t1"), "t2"));
    graph_add (g, FM_ONNX_GRAPH_INPUT, fm_test_value_info ("x", dims_1144, 4));
    graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("t3", dims_1144, 4));
    bytes = model_bytes (g, 13);
    /* from Sigmoid_0 to its producer b, then a, then b again */
    assert_error (bytes, FM_ERROR_INVALID_MODEL, "the graph has a cycle through node 'b' (Relu)",
                  NULL);
  }
  {
    g_autoptr(GBytes) bytes = cycle_model_bytes ("", "");

    assert_error (bytes, FM_ERROR_INVALID_MODEL, "cycle through node 'Add_0' (Add)", NULL);
  }
  {
    GByteArray *g = g_byte_array_new ();
    g_autoptr(GBytes) bytes = NULL;

    graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Add", "", STRV ("x", "nope"), "y"));
    bytes = xy_model_bytes (g);
    assert_error (bytes, FM_ERROR_INVALID_MODEL, "node 'Add_0' (Add) reads tensor 'nope'", NULL);
  }
  {
    GByteArray *g = g_byte_array_new ();
    g_autoptr(GBytes) bytes = NULL;

    graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", "", STRV ("x"), "y"));
    graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Sigmoid", "", STRV ("x"), "y"));
    bytes = xy_model_bytes (g);
    assert_error (bytes, FM_ERROR_INVALID_MODEL, "again by node 1 'Sigmoid_1'", NULL);
  }
}

/* Graphs from x [batch, 1, 4, 4] to y (xy_model_bytes ()) of one or two
 * nodes that the loader refuses, and what the error says. */
typedef struct
{
  const char *name;
  const char *op;
  const char *inputs[3];
  const char *output;
} NodeSpec;

typedef struct
{
  NodeSpec    nodes[2];       /* the second one when it has a name */
  const char *domain;         /* of the first node, or NULL */
  const char *int_attribute;  /* an INT attribute (1) of the first node, or NULL */
  FmError     code;
  const char *fragments[2][2];  /* one or two assert_error () checks */
} XyErrorCase;

static const XyErrorCase xy_missing_producer = {
  { { "r", "Relu", { "nowhere" }, "y" } }, NULL, NULL,
  FM_ERROR_INVALID_MODEL, { { "'nowhere'", "node 'r'" } },
};
static const XyErrorCase xy_unknown_op = {
  { { "loop1", "Loop", { "x" }, "y" } }, NULL, NULL,
  FM_ERROR_UNSUPPORTED_OP, { { "op 'Loop'", "opset 13" }, { "node 'loop1'", "domain 'ai.onnx'" } },
};
static const XyErrorCase xy_foreign_domain = {
  { { "fused", "FusedConv", { "x" }, "y" } }, "com.microsoft", NULL,
  FM_ERROR_UNSUPPORTED_OP, { { "'com.microsoft'", "'FusedConv'" } },
};
static const XyErrorCase xy_unknown_attribute = {
  { { "r", "Relu", { "x" }, "y" } }, NULL, "sparkle",
  FM_ERROR_UNSUPPORTED_ATTRIBUTE, { { "'sparkle'", "node 'r' (Relu)" } },
};
static const XyErrorCase xy_duplicate_output = {
  { { "r1", "Relu", { "x" }, "y" }, { "r2", "Relu", { "x" }, "y" } }, NULL, NULL,
  FM_ERROR_INVALID_MODEL, { { "'y'", "more than once" } },
};

static GByteArray *
spec_node (const NodeSpec *spec)
{
  const char *inputs[G_N_ELEMENTS (spec->inputs) + 1] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (spec->inputs); i++)
    inputs[i] = spec->inputs[i];
  return fm_test_node (spec->op, spec->name, inputs, spec->output);
}

static void
test_xy_error (gconstpointer data)
{
  const XyErrorCase *c = data;
  GByteArray *g = g_byte_array_new ();
  GByteArray *first = spec_node (&c->nodes[0]);
  g_autoptr(GBytes) bytes = NULL;

  if (c->domain != NULL)
    fm_pb_string (first, FM_ONNX_NODE_DOMAIN, c->domain);
  if (c->int_attribute != NULL)
    fm_test_attr_int (first, c->int_attribute, 1);
  graph_add (g, FM_ONNX_GRAPH_NODE, first);
  if (c->nodes[1].name != NULL)
    graph_add (g, FM_ONNX_GRAPH_NODE, spec_node (&c->nodes[1]));
  bytes = xy_model_bytes (g);
  for (guint i = 0; i < G_N_ELEMENTS (c->fragments) && c->fragments[i][0] != NULL; i++)
    assert_error (bytes, c->code, c->fragments[i][0], c->fragments[i][1]);
}

/* Inputs too large for the budget, or for 64 bits: refused before
 * anything is allocated for them. */
typedef struct
{
  gint64      dims[4];
  const char *fragment;
} InputSizeCase;

/* 1 x 3 x 100000 x 100000 floats = 1.2e11 bytes */
static const InputSizeCase huge_input = { { 1, 3, 100000, 100000 }, "budget" };
/* 2^31 * 2^31 * 2^31 elements overflow 64 bits. */
static const InputSizeCase overflowing_input = {
  { 1, G_GINT64_CONSTANT (1) << 31, G_GINT64_CONSTANT (1) << 31, G_GINT64_CONSTANT (1) << 31 },
  "impossible shape"
};

static void
test_input_size (gconstpointer data)
{
  const InputSizeCase *c = data;
  g_autoptr(GBytes) bytes = relu_dims_bytes (c->dims);

  assert_error (bytes, FM_ERROR_LIMIT, "'x'", c->fragment);
}

static void
test_old_opset (void)
{
  g_autoptr(GBytes) bytes = model_bytes (relu_graph (), 5);

  assert_error (bytes, FM_ERROR_UNSUPPORTED_OP, "opset 5", "too old");
}

static void
test_output_not_produced (void)
{
  GByteArray *g = relu_graph ();
  g_autoptr(GBytes) bytes = NULL;

  graph_add (g, FM_ONNX_GRAPH_OUTPUT, fm_test_value_info ("ghost", dims_1144, 4));
  bytes = model_bytes (g, 13);
  assert_error (bytes, FM_ERROR_INVALID_MODEL, "'ghost'", "not produced");
}

static void
test_symbolic_spatial (void)
{
  static const gint64 dims[] = { -1, 1, -1, -1 };
  g_autoptr(GBytes) bytes = relu_dims_bytes (dims);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  FmModelOptions options;

  assert_error (bytes, FM_ERROR_SHAPE, "'x'", "symbolic");

  fm_model_options_init (&options);
  options.default_height = 28;
  options.default_width = 20;
  model = load (bytes, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (model->values[model->inputs[0]].shape.dims[2], ==, 28);
  g_assert_cmpint (model->values[model->inputs[0]].shape.dims[3], ==, 20);
}

static void
test_weights_budget (void)
{
  static const gint64 dims[] = { 1000 };
  g_autofree float *w = g_new0 (float, 1000);
  g_autoptr(GBytes) bytes = add_weights_bytes (dims, 1, w, 1000);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  FmModelOptions options;

  /* 4,000 bytes of weights do not fit a 1 KiB budget. */
  fm_model_options_init (&options);
  options.memory_budget = 1024;
  model = load (bytes, &options, &error);
  g_assert_null (model);
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "'w'"));
  g_clear_error (&error);

  /* 3 x 4,000 bytes (weights, input, output) fit in 16 KiB. */
  options.memory_budget = 16384;
  model = load (bytes, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->weights_size, ==, 4000);
}

static void
test_data_size_mismatch (void)
{
  static const gint64 dims[] = { 2, 3 };
  static const float five[5] = { 1, 2, 3, 4, 5 };
  g_autoptr(GBytes) bytes = add_weights_bytes (dims, 2, five, 5);

  assert_error (bytes, FM_ERROR_INVALID_MODEL, "'w'", NULL);
}

static void
test_file_errors (void)
{
  GError *error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fm-test-model-XXXXXX", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.onnx", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.onnx", NULL);

  error = file_error ("/nonexistent/model.onnx", FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/model.onnx"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  error = file_error (empty, FM_ERROR_INVALID_MODEL);
  g_assert_true (g_str_has_prefix (error->message, empty));
  g_clear_error (&error);

  /* A PNG signature is not a model. */
  g_assert_true (g_file_set_contents (garbage, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL));
  error = file_error (garbage, FM_ERROR_INVALID_MODEL);
  g_assert_true (g_str_has_prefix (error->message, garbage));
  g_clear_error (&error);

  g_unlink (empty);
  g_unlink (garbage);
  g_rmdir (dir);
}

/* The message's first line, alone; asserts there is a second. */
static char *
first_line (const GError *error)
{
  const char *nl = strchr (error->message, '\n');

  g_assert_nonnull (nl);
  g_assert_cmpstr (nl + 1, !=, "");
  g_assert_null (strchr (nl + 1, '\n'));
  return g_strndup (error->message, nl - error->message);
}

/* @path written with @len bytes of @contents (-1: up to its nul) fails to
 * load as an invalid model whose message's first line is @want: the
 * error. */
static GError *
written_file_error (const char *path,
                    const char *contents,
                    gssize      len,
                    const char *want)
{
  g_autofree char *line = NULL;
  GError *error;

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  error = file_error (path, FM_ERROR_INVALID_MODEL);
  line = first_line (error);
  g_assert_cmpstr (line, ==, want);
  return error;
}

/* Files that are not models, or not whole ones: a plain first line naming
 * the file, then the decoder's detail. */
static void
test_file_plain_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-test-model-XXXXXX", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.onnx", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.onnx", NULL);
  g_autofree char *half = g_build_filename (dir, "half.onnx", NULL);
  g_autofree char *mnist = g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn.onnx",
                                             NULL);
  g_autofree char *contents = NULL;
  gsize len;

  /* A text file renamed .onnx */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("%s is not an ONNX model", text);

    error = written_file_error (text, "Feature maps: notes about layer conv1.\n"
                                "It has 32 channels.\n", -1, want);
    /* The detail keeps the decoder's words: where, and at which byte. */
    g_assert_nonnull (strstr (error->message, " at byte "));
  }

  /* An empty file */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *want = g_strdup_printf ("%s is not an ONNX model\nthe file is empty", empty);

    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
    error = file_error (empty, FM_ERROR_INVALID_MODEL);
    g_assert_cmpstr (error->message, ==, want);
  }

  /* The bundled model cut in half: the file's size, and the size the
   * length of the field it ends in says it had at least (read here from
   * the whole file). */
  if (!g_file_get_contents (mnist, &contents, &len, NULL))
    g_test_skip ("data/models/mnist-cnn.onnx is not there");
  else
    {
      g_autoptr(GError) error = NULL;
      gsize cut = len / 2;
      guint64 end = fm_pb_field_end_at ((const guint8 *) contents, len, cut);
      g_autofree char *have = g_format_size (cut);
      g_autofree char *need = g_format_size (end);
      g_autofree char *want = NULL;

      g_assert_cmpuint (end, >, cut);
      g_assert_cmpuint (end, <=, len);
      g_assert_cmpstr (have, !=, need);
      want = g_strdup_printf ("%s is truncated: %s of at least %s", half, have, need);
      error = written_file_error (half, contents, cut, want);
      g_assert_nonnull (strstr (error->message, "\ngraph: length "));
    }

  /* One byte short: both sizes round to the same text, so the exact byte
   * counts are given too. */
  if (contents != NULL)
    {
      g_autoptr(GError) error = NULL;
      gsize cut = len - 1;
      guint64 end = fm_pb_field_end_at ((const guint8 *) contents, len, cut);
      g_autofree char *have = g_format_size_full (cut, G_FORMAT_SIZE_LONG_FORMAT);
      g_autofree char *need = g_format_size_full (end, G_FORMAT_SIZE_LONG_FORMAT);
      g_autofree char *want = g_strdup_printf ("%s is truncated: %s of at least %s", half, have,
                                               need);

      g_assert_cmpuint (end, ==, len);
      error = written_file_error (half, contents, cut, want);
    }

  g_unlink (text);
  g_unlink (empty);
  g_unlink (half);
  g_rmdir (dir);
}

/* Bytes that start like a model and go wrong inside: a damaged model; a
 * limit of the reader: too large or too complex; a graph-level error stays
 * one line. */
static void
test_bytes_plain_errors (void)
{
  /* ir_version 8, then a graph whose node claims more bytes than the
   * graph holds. Cut after 4 bytes, the graph's length is not whole: 0x82
   * says another byte follows. */
  static const guint8 damaged[] = { 0x08, 0x08, 0x3a, 0x82, 0x00, 0x0a, 0x05 };
  g_autoptr(GBytes) two = NULL;
  g_autoptr(GBytes) unknown_op = NULL;
  g_autoptr(FmModel) model = NULL;
  GError *error = NULL;
  g_autofree char *line = NULL;
  FmModelOptions options;

  error = bytes_error (damaged, sizeof damaged, NULL, FM_ERROR_INVALID_MODEL);
  g_assert_cmpstr (error->message, ==, "test.onnx is a damaged ONNX model\n"
                   "graph.node[0]: length 5 past end (0 bytes remain) at byte 6");
  g_clear_error (&error);

  /* Cut inside the graph's length: no size to give but the file's. */
  error = bytes_error (damaged, 4, NULL, FM_ERROR_INVALID_MODEL);
  line = first_line (error);
  g_assert_cmpstr (line, ==, "test.onnx is truncated: it ends after 4 bytes, in the middle of "
                   "a value");
  g_clear_pointer (&line, g_free);
  g_clear_error (&error);

  /* Only ir_version: no graph at all. */
  error = bytes_error (damaged, 2, NULL, FM_ERROR_INVALID_MODEL);
  g_assert_cmpstr (error->message, ==, "test.onnx is a damaged ONNX model\n"
                   "the file holds no graph");
  g_clear_error (&error);

  /* A limit of the decoder: the relu graph has one node. */
  fm_model_options_init (&options);
  options.limits.max_nodes = 1;
  {
    GByteArray *g = relu_graph ();

    graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Relu", "relu2", STRV ("y"), "z"));
    two = model_bytes (g, 13);
  }
  error = bytes_error (g_bytes_get_data (two, NULL), g_bytes_get_size (two), &options,
                       FM_ERROR_LIMIT);
  line = first_line (error);
  g_assert_cmpstr (line, ==, "test.onnx is too large or too complex to open");
  g_assert_nonnull (strstr (error->message, "\ngraph.node: more than 1 entries"));
  g_clear_error (&error);

  /* The relu model with its op renamed: one line, "FILE: ...". */
  {
    GByteArray *g = g_byte_array_new ();

    graph_add (g, FM_ONNX_GRAPH_NODE, fm_test_node ("Frobnicate", "frob", STRV ("x"), "y"));
    unknown_op = xy_model_bytes (g);
  }
  error = bytes_error (g_bytes_get_data (unknown_op, NULL), g_bytes_get_size (unknown_op), NULL,
                       FM_ERROR_UNSUPPORTED_OP);
  g_assert_true (g_str_has_prefix (error->message, "test.onnx: "));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  /* And the model itself still loads. */
  model = load_relu ();
  g_assert_nonnull (model);
}

static void
test_cancel (void)
{
  g_autoptr(FmModel) model = load_relu ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FmRun) run = fm_run_new (model, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_false (fm_run_execute (run, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  FmModel *model;
  float    offset;
  gboolean ok;
} ThreadJob;

static gpointer
thread_run (gpointer data)
{
  ThreadJob *job = data;
  g_autoptr(FmRun) run = fm_run_new (job->model, NULL);
  int y_id = fm_model_find_value (job->model, "y");

  job->ok = run != NULL;
  for (int iter = 0; iter < 2000 && job->ok; iter++)
    {
      float *in = fm_run_input_data (run, 0);
      const float *y;

      for (int i = 0; i < 16; i++)
        in[i] = job->offset + (float) (i + iter % 7);
      if (!fm_run_execute (run, NULL, NULL))
        job->ok = FALSE;
      y = fm_run_value_data (run, y_id);
      for (int i = 0; i < 16; i++)
        {
          float x = job->offset + (float) (i + iter % 7);
          if (y[i] != (x > 0 ? x : 0.0f))
            job->ok = FALSE;
        }
    }
  return NULL;
}

static void
test_threads_share_model (void)
{
  g_autoptr(FmModel) model = load_relu ();
  ThreadJob jobs[2] = { { model, -10.0f, FALSE }, { model, 3.0f, FALSE } };
  GThread *threads[2];

  for (int i = 0; i < 2; i++)
    threads[i] = g_thread_new ("run", thread_run, &jobs[i]);
  for (int i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_true (jobs[0].ok);
  g_assert_true (jobs[1].ok);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/model/relu-runs", test_relu_runs);
  g_test_add_func ("/engine/model/unsorted", test_unsorted);
  g_test_add_func ("/engine/model/cycle", test_cycle);
  g_test_add_func ("/engine/model/graph-error-names", test_graph_error_names);
  g_test_add_func ("/engine/model/input-type-named", test_input_type_named);
  g_test_add_data_func ("/engine/model/missing-producer", &xy_missing_producer, test_xy_error);
  g_test_add_data_func ("/engine/model/unknown-op", &xy_unknown_op, test_xy_error);
  g_test_add_data_func ("/engine/model/foreign-domain", &xy_foreign_domain, test_xy_error);
  g_test_add_func ("/engine/model/old-opset", test_old_opset);
  g_test_add_data_func ("/engine/model/unknown-attribute", &xy_unknown_attribute, test_xy_error);
  g_test_add_data_func ("/engine/model/duplicate-output", &xy_duplicate_output, test_xy_error);
  g_test_add_func ("/engine/model/output-not-produced", test_output_not_produced);
  g_test_add_data_func ("/engine/model/huge-input", &huge_input, test_input_size);
  g_test_add_data_func ("/engine/model/overflowing-input", &overflowing_input, test_input_size);
  g_test_add_func ("/engine/model/symbolic-spatial", test_symbolic_spatial);
  g_test_add_func ("/engine/model/weights-budget", test_weights_budget);
  g_test_add_func ("/engine/model/data-size-mismatch", test_data_size_mismatch);
  g_test_add_func ("/engine/model/file-errors", test_file_errors);
  g_test_add_func ("/engine/model/file-plain-errors", test_file_plain_errors);
  g_test_add_func ("/engine/model/bytes-plain-errors", test_bytes_plain_errors);
  g_test_add_func ("/engine/model/cancel", test_cancel);
  g_test_add_func ("/engine/model/threads-share-model", test_threads_share_model);

  return g_test_run ();
}
