/* test-limits.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One test per row of DESIGN.md's table "Limits checked before
 * allocating", each at its boundary: the value exactly at the limit is
 * accepted (or gets past that check and fails later for another, named
 * reason), and the value one over it fails with the documented error code
 * and a message naming the file, field or tensor. Where the caller can set
 * the limit (FmOnnxLimits, FmModelOptions.memory_budget, max_pixels,
 * max_bytes) it is set small; where it is a constant, a header DECLARES
 * the size (an IDX header of 100,000,001 items, a PNG IHDR over 64
 * megapixels, an npy shape of 1 GiB) so that nothing large is allocated.
 * The expected numbers are worked out by hand in the comments, not taken
 * from the code's output.
 *
 * This file holds the decoder's rows; test-limits-model.c the model's,
 * test-limits-io.c those of the input files; they make one program. It
 * does not test the export sheet limits (src/render, not linked here; see
 * tests/render/test-sheet.c).
 */
#include "config.h"

#include <string.h>
#include <sys/mman.h>

#include "fm-error.h"
#include "fm-test-onnx.h"
#include "test-limits.h"


/* fm_run_new() must see a failed allocation of a petabyte as NULL, not as
 * an ASan report. */
#if defined(__SANITIZE_ADDRESS__)
#define FM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FM_TEST_ASAN 1
#endif
#endif
#ifdef FM_TEST_ASAN
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "allocator_may_return_null=1";
}
#endif

/* ---- helpers ------------------------------------------------------------ */

void
fm_test_expect_error (const GError *error,
                      int           code,
                      const char   *fragment)
{
  g_assert_nonnull (error);
  if (error->domain != FM_ERROR || error->code != code)
    g_test_fail_printf ("expected FM_ERROR code %d, got %s code %d: \"%s\"",
                        code, g_quark_to_string (error->domain), error->code,
                        error->message);
  else if (strstr (error->message, fragment) == NULL)
    g_test_fail_printf ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

void
fm_test_expect_past_limit (const GError *error,
                           int           code,
                           const char   *fragment)
{
  g_assert_nonnull (error);
  g_assert_true (error->code != FM_ERROR_LIMIT || error->domain != FM_ERROR);
  fm_test_expect_error (error, code, fragment);
}

void
fm_test_expect_limit_or_past (const GError *error,
                              int           code,
                              const char   *fragment)
{
  if (code == FM_ERROR_LIMIT)
    fm_test_expect_error (error, code, fragment);
  else
    fm_test_expect_past_limit (error, code, fragment);
}

char *
fm_test_write_file (const char   *dir,
                    const char   *name,
                    const guint8 *data,
                    gsize         len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, (const char *) data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- fm-onnx-proto.c ---------------------------------------------------- */

static void
test_onnx_depth (void)
{
  g_autoptr(GByteArray) model = fm_test_relu_model (2, 2, FALSE, NULL);
  g_autoptr(GByteArray) tensor = g_byte_array_new ();
  g_autoptr(GByteArray) entry = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  FmOnnxLimits limits = { 0 };

  /* The deepest message is a dim: model 1 > graph 2 > input 3 > type 4 >
   * tensor_type 5 > shape 6 > dim 7. */
  limits.max_depth = 7;
  fm_onnx_model_free (fm_test_decode_ok (model, &limits));
  limits.max_depth = 6;
  fm_test_decode_fails (model, &limits, FM_ERROR_LIMIT,
                        "graph.input[0].type.tensor_type.shape.dim[0]: messages nested"
                        " deeper than 6");

  /* The model loader passes its options' limits on, and names the file. */
  {
    g_autoptr(FmModel) m = fm_test_load (model, 0, &limits, &error);

    g_assert_null (m);
    fm_test_expect_error (error, FM_ERROR_LIMIT, "nested deeper than 6");
    g_assert_nonnull (strstr (error->message, "limits.onnx"));
    g_clear_error (&error);
  }
  limits.max_depth = 7;
  {
    g_autoptr(FmModel) m = fm_test_load (model, 0, &limits, &error);

    g_assert_no_error (error);
    g_assert_nonnull (m);
  }

  /* A lone tensor: tensor 1 > external_data 2. */
  fm_pb_string (entry, FM_ONNX_ENTRY_KEY, "location");
  fm_pb_string (entry, FM_ONNX_ENTRY_VALUE, "w.bin");
  fm_pb_string (tensor, FM_ONNX_TENSOR_NAME, "w");
  fm_pb_message (tensor, FM_ONNX_TENSOR_EXTERNAL_DATA, entry);
  limits.max_depth = 2;
  {
    g_autoptr(FmOnnxTensor) t = fm_onnx_tensor_decode (tensor->data, tensor->len,
                                                       &limits, &error);
    g_assert_no_error (error);
    g_assert_nonnull (t);
  }
  limits.max_depth = 1;
  {
    g_autoptr(FmOnnxTensor) t = fm_onnx_tensor_decode (tensor->data, tensor->len,
                                                       &limits, &error);
    g_assert_null (t);
    fm_test_expect_error (error, FM_ERROR_LIMIT,
                          "tensor.external_data[0]: messages nested deeper than 1");
  }
}

static GByteArray *
node_model (GByteArray *node)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();

  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
  return fm_test_model_bytes (graph, NULL);
}

/* @b has 3 entries of a field: it decodes with the FmOnnxLimits member at
 * @limit set to 3 (the others at their defaults) and fails naming
 * @fragment at 2. */
static void
check_count (GByteArray *b,
             gsize       limit,
             const char *fragment)
{
  FmOnnxLimits limits = { 0 };

  G_STRUCT_MEMBER (guint, &limits, limit) = 3;
  fm_onnx_model_free (fm_test_decode_ok (b, &limits));
  G_STRUCT_MEMBER (guint, &limits, limit) = 2;
  fm_test_decode_fails (b, &limits, FM_ERROR_LIMIT, fragment);
}

/* The same for a model whose graph holds 3 copies of @item in @field. */
static void
check_graph_count (guint       field,
                   GByteArray *item,
                   gsize       limit,
                   const char *fragment)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) m = NULL;

  for (guint i = 0; i < 3; i++)
    fm_pb_message (graph, field, item);
  m = fm_test_model_bytes (graph, NULL);
  check_count (m, limit, fragment);
}

/* What a graph can hold 3 of: a Relu node, a value_info "v" (no type), an
 * initializer "w" (no data). */
typedef enum
{
  ITEM_NODE,
  ITEM_VALUE_INFO,
  ITEM_INITIALIZER,
} GraphItem;

static GByteArray *
graph_item (GraphItem item)
{
  GByteArray *b;

  if (item == ITEM_VALUE_INFO)
    return fm_test_value_info ("v", NULL, -1);
  b = g_byte_array_new ();
  if (item == ITEM_NODE)
    fm_pb_string (b, FM_ONNX_NODE_OP_TYPE, "Relu");
  else
    fm_pb_string (b, FM_ONNX_TENSOR_NAME, "w");
  return b;
}

/* check_graph_count () cases; a list of them ends with a NULL @fragment. */
typedef struct
{
  guint       field;
  GraphItem   item;
  gsize       limit;
  const char *fragment;
} GraphCount;

static void
test_graph_counts (gconstpointer data)
{
  for (const GraphCount *c = data; c->fragment != NULL; c++)
    {
      g_autoptr(GByteArray) item = graph_item (c->item);

      check_graph_count (c->field, item, c->limit, c->fragment);
    }
}

/* Nodes; value_info is bounded by max_nodes too. */
static const GraphCount node_counts[] = {
  { FM_ONNX_GRAPH_NODE, ITEM_NODE, G_STRUCT_OFFSET (FmOnnxLimits, max_nodes),
    "graph.node: more than 2 entries" },
  { FM_ONNX_GRAPH_VALUE_INFO, ITEM_VALUE_INFO, G_STRUCT_OFFSET (FmOnnxLimits, max_nodes),
    "graph.value_info: more than 2 entries" },
  { 0 },
};

/* Initializers; graph inputs and outputs are bounded by max_tensors too. */
static const GraphCount tensor_counts[] = {
  { FM_ONNX_GRAPH_INITIALIZER, ITEM_INITIALIZER, G_STRUCT_OFFSET (FmOnnxLimits, max_tensors),
    "graph.initializer: more than 2 entries" },
  { FM_ONNX_GRAPH_INPUT, ITEM_VALUE_INFO, G_STRUCT_OFFSET (FmOnnxLimits, max_tensors),
    "graph.input: more than 2 entries" },
  { FM_ONNX_GRAPH_OUTPUT, ITEM_VALUE_INFO, G_STRUCT_OFFSET (FmOnnxLimits, max_tensors),
    "graph.output: more than 2 entries" },
  { 0 },
};

static void
test_onnx_per_node (void)
{
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) attrs = g_byte_array_new ();
  g_autoptr(GByteArray) inputs = g_byte_array_new ();
  g_autoptr(GByteArray) outputs = g_byte_array_new ();
  g_autoptr(GByteArray) attr_strings = g_byte_array_new ();
  g_autoptr(GByteArray) strings = g_byte_array_new ();
  gsize max_strings = G_STRUCT_OFFSET (FmOnnxLimits, max_strings);

  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, "a");
  for (int i = 0; i < 3; i++)
    {
      fm_pb_message (attrs, FM_ONNX_NODE_ATTRIBUTE, attr);
      fm_pb_string (inputs, FM_ONNX_NODE_INPUT, "x");
      fm_pb_string (outputs, FM_ONNX_NODE_OUTPUT, "y");
      fm_pb_string (attr_strings, FM_ONNX_ATTRIBUTE_STRINGS, "s");
    }
  fm_pb_string (attr_strings, FM_ONNX_ATTRIBUTE_NAME, "names");
  fm_pb_message (strings, FM_ONNX_NODE_ATTRIBUTE, attr_strings);

  {
    g_autoptr(GByteArray) with_attrs = node_model (attrs);
    g_autoptr(GByteArray) with_inputs = node_model (inputs);
    g_autoptr(GByteArray) with_outputs = node_model (outputs);
    g_autoptr(GByteArray) with_strings = node_model (strings);

    check_count (with_attrs, G_STRUCT_OFFSET (FmOnnxLimits, max_attributes),
                 "graph.node[0].attribute: more than 2 entries");
    check_count (with_inputs, max_strings, "graph.node[0].input: more than 2 entries");
    check_count (with_outputs, max_strings, "graph.node[0].output: more than 2 entries");
    /* attribute strings are bounded by max_strings too */
    check_count (with_strings, max_strings,
                 "graph.node[0].attribute[0].strings: more than 2 entries");
  }
}

static void
test_onnx_model_strings (void)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) opsets = g_byte_array_new ();
  g_autoptr(GByteArray) meta = NULL;
  const char *kv[] = { "a", "1", "b", "2", "c", "3", NULL };
  gsize max_strings = G_STRUCT_OFFSET (FmOnnxLimits, max_strings);

  /* three opset_imports */
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GByteArray) o = g_byte_array_new ();

      fm_pb_string (o, FM_ONNX_OPSET_DOMAIN, i == 0 ? "" : i == 1 ? "a" : "b");
      fm_pb_int (o, FM_ONNX_OPSET_VERSION, 13);
      fm_pb_message (opsets, FM_ONNX_MODEL_OPSET_IMPORT, o);
    }
  check_count (opsets, max_strings, "opset_import: more than 2 entries");

  /* model_bytes adds one opset_import and three metadata_props */
  meta = fm_test_model_bytes (graph, kv);
  check_count (meta, max_strings, "metadata_props: more than 2 entries");
}

static void
test_onnx_length (void)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) model = g_byte_array_new ();

  /* graph = {name: "abc"} with the length 3 exactly as it is, then the
   * model goes on with producer_name, so bytes do follow the graph. */
  fm_pb_string (graph, FM_ONNX_GRAPH_NAME, "abc");
  fm_pb_message (model, FM_ONNX_MODEL_GRAPH, graph);
  fm_pb_string (model, FM_ONNX_MODEL_PRODUCER_NAME, "producer");
  {
    g_autoptr(FmOnnxModel) m = fm_test_decode_ok (model, NULL);

    g_assert_cmpstr (m->graph->name, ==, "abc");
    g_assert_cmpstr (m->producer_name, ==, "producer");
  }

  /* Byte 3 is the length of graph.name (bytes: 3a 05 12 03 'a' 'b' 'c').
   * Claiming 4 passes the end of the 5-byte graph, though not of the
   * file. */
  g_assert_cmpuint (model->data[3], ==, 3);
  model->data[3] = 4;
  fm_test_decode_fails (model, NULL, FM_ERROR_INVALID_MODEL,
                        "graph.name: length 4 past end (3 bytes remain) at byte 3");
}

static void
test_onnx_packed_array (void)
{
#if GLIB_SIZEOF_SIZE_T == 8
  /* TensorProto.int64_data (field 7) packed: tag 0x3a, then the length
   * 2^29 as a varint (80 80 80 80 02), then 2^29 zero bytes, each one
   * varint 0: 2^29 = 536870912 values, one over G_MAXUINT / 8 =
   * 536870911. The zero pages are mapped, not allocated; the decoder must
   * refuse before asking for 4 GiB. */
  static const guint8 head[] = { FM_ONNX_TENSOR_INT64_DATA << 3 | FM_PB_LEN,
                                 0x80, 0x80, 0x80, 0x80, 0x02 };
  gsize n = (gsize) 1 << 29;
  gsize len = sizeof head + n;
  g_autoptr(GError) error = NULL;
  guint8 *buf;
  FmOnnxTensor *t;

  buf = mmap (NULL, len, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (buf == MAP_FAILED)
    {
      g_test_skip ("cannot map 512 MiB of address space");
      return;
    }
  memcpy (buf, head, sizeof head);
  t = fm_onnx_tensor_decode (buf, len, NULL, &error);
  g_assert_null (t);
  fm_test_expect_error (error, FM_ERROR_LIMIT,
                        "tensor.int64_data: more than 536870911 values at byte 0");
  munmap (buf, len);
#else
  g_test_skip ("needs a 64-bit address space");
#endif
}

static void
test_onnx_rank (void)
{
  const gint64 ones[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  const float one = 1.0f;
  g_autoptr(GError) error = NULL;

  for (int rank = 8; rank <= 9; rank++)
    {
      g_autoptr(GByteArray) graph = g_byte_array_new ();
      g_autoptr(GByteArray) vgraph = g_byte_array_new ();
      g_autoptr(GByteArray) vi = fm_test_value_info ("x", ones, rank);
      g_autoptr(GByteArray) m = NULL;
      g_autoptr(GByteArray) vm = NULL;
      g_autoptr(GByteArray) packed = g_byte_array_new ();

      fm_test_initializer (graph, "w", ones, rank, &one); /* dims unpacked */
      m = fm_test_model_bytes (graph, NULL);

      fm_pb_message (vgraph, FM_ONNX_GRAPH_INPUT, vi);
      vm = fm_test_model_bytes (vgraph, NULL);

      fm_pb_packed_ints (packed, FM_ONNX_TENSOR_DIMS, ones, (gsize) rank);

      if (rank == 8)
        {
          g_autoptr(FmOnnxModel) dm = fm_test_decode (m, NULL, &error);
          g_autoptr(FmOnnxModel) dvm = fm_test_decode (vm, NULL, &error);
          g_autoptr(FmOnnxTensor) t = fm_onnx_tensor_decode (packed->data,
                                                             packed->len,
                                                             NULL, &error);
          g_autoptr(FmConstTensor) c = NULL;
          const FmOnnxTensor *w;

          g_assert_no_error (error);
          w = g_ptr_array_index (dm->graph->initializers, 0);
          g_assert_cmpint (w->rank, ==, 8);
          g_assert_cmpint (((FmOnnxValueInfo *) g_ptr_array_index (dvm->graph->inputs, 0))->rank,
                           ==, 8);
          g_assert_cmpint (t->rank, ==, 8);
          /* and it converts into a runtime constant of rank 8 */
          c = fm_onnx_tensor_to_const (w, NULL, 64, &error);
          g_assert_no_error (error);
          g_assert_cmpint (c->shape.rank, ==, 8);
          g_assert_cmpfloat (((float *) c->data)[0], ==, 1.0f);
        }
      else
        {
          g_autoptr(FmOnnxTensor) t = NULL;

          fm_test_decode_fails (m, NULL, FM_ERROR_LIMIT,
                                "graph.initializer[0].dims: rank 9 exceeds 8");
          fm_test_decode_fails (vm, NULL, FM_ERROR_LIMIT,
                                "graph.input[0].type.tensor_type.shape.dim: rank 9 exceeds 8");
          t = fm_onnx_tensor_decode (packed->data, packed->len, NULL, &error);
          g_assert_null (t);
          fm_test_expect_error (error, FM_ERROR_LIMIT, "tensor.dims: rank 9 exceeds 8");
          g_clear_error (&error);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/limits/onnx/depth", test_onnx_depth);
  g_test_add_data_func ("/limits/onnx/nodes", node_counts, test_graph_counts);
  g_test_add_data_func ("/limits/onnx/tensors", tensor_counts, test_graph_counts);
  g_test_add_func ("/limits/onnx/per-node", test_onnx_per_node);
  g_test_add_func ("/limits/onnx/model-strings", test_onnx_model_strings);
  g_test_add_func ("/limits/onnx/length", test_onnx_length);
  g_test_add_func ("/limits/onnx/packed-array", test_onnx_packed_array);
  g_test_add_func ("/limits/onnx/rank", test_onnx_rank);
  fm_test_limits_model_add ();
  fm_test_limits_io_add ();

  return g_test_run ();
}
