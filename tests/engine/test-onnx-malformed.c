/* test-onnx-malformed.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Malformed input for the ONNX decoder (part of test-onnx-reader): bad
 * varints, wire types and lengths, ranks and counts over their limits, a
 * NUL in a string. Each must fail with a message naming the field path
 * and the byte.
 */
#include "config.h"

#include <string.h>

#include "fm-error.h"
#include "fm-test-files.h"
#include "fm-test-onnx.h"
#include "test-onnx-reader.h"

/* Decoding the lone TensorProto @t must fail with @code and a message
 * containing @fragment. */
static void
expect_tensor_error (GByteArray *t,
                     int         code,
                     const char *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (fm_onnx_tensor_decode (t->data, t->len, NULL, &error));
  fm_test_assert_error_holds (error, FM_ERROR, code, fragment);
}

/* ---- malformed input ---------------------------------------------------- */

static void
test_bad_varints (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;
  g_autofree char *expected = NULL;
  const gint64 ints[] = { 1, 2 };
  guint8 eleven[11];

  /* ir_version tag then a varint whose continuation bit runs off the end;
   * the varint starts at byte 1 */
  fm_pb_tag (b, FM_ONNX_MODEL_IR_VERSION, FM_PB_VARINT);
  fm_pb_raw (b, "\x80\x80", 2);
  fm_test_decode_fails (b, NULL, FM_ERROR_INVALID_MODEL,
                        "ir_version: truncated varint at byte 1");

  /* 10 continuation bytes and a terminator: 11 bytes */
  g_byte_array_set_size (b, 0);
  memset (eleven, 0xff, 10);
  eleven[10] = 0x01;
  fm_pb_tag (b, FM_ONNX_MODEL_IR_VERSION, FM_PB_VARINT);
  fm_pb_raw (b, eleven, 11);
  fm_test_decode_fails (b, NULL, FM_ERROR_INVALID_MODEL,
                        "ir_version: varint longer than 10 bytes at byte 1");

  /* exactly 10 bytes is fine: -1 as int64 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, FM_ONNX_MODEL_IR_VERSION, -1);
  g_assert_cmpuint (b->len, ==, 11);
  {
    g_autoptr(FmOnnxModel) m = fm_test_decode_ok (b, NULL);

    g_assert_cmpint (m->ir_version, ==, -1);
  }

  /* graph.node[0].attribute[1].ints: a packed run [1, 2, <0x80>] whose
   * last varint is cut off inside the run */
  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, "first");
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, attr);
  g_byte_array_set_size (attr, 0);
  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, "pads");
  fm_pb_packed_ints (attr, FM_ONNX_ATTRIBUTE_INTS, ints, 2);
  /* patch the run length from 2 to 3 and add the dangling byte */
  attr->data[attr->len - 3] = 3;
  fm_pb_raw (attr, "\x80", 1);
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, attr);
  model = fm_test_wrap_node (node);
  /* the dangling byte is the last byte of the model */
  expected = g_strdup_printf ("graph.node[0].attribute[1].ints: truncated"
                              " varint at byte %u", model->len - 1);
  fm_test_decode_fails (model, NULL, FM_ERROR_INVALID_MODEL, expected);
}

static void
test_bad_wire_types (void)
{
  const struct
  {
    guint wire;
    const char *fragment;
  } cases[] = {
    { 3, "graph.node[0]: field 9 has unsupported wire type 3" },
    { 4, "graph.node[0]: field 9 has unsupported wire type 4" },
    { 6, "graph.node[0]: field 9 has invalid wire type 6" },
    { 7, "graph.node[0]: field 9 has invalid wire type 7" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) node = g_byte_array_new ();
      g_autoptr(GByteArray) model = NULL;

      fm_pb_string (node, FM_ONNX_NODE_OP_TYPE, "Relu");
      fm_pb_tag (node, 9, cases[i].wire); /* no NodeProto field 9 */
      fm_pb_raw (node, "\x00\x00\x00\x00\x00\x00\x00\x00", 8);
      model = fm_test_wrap_node (node);
      fm_test_decode_fails (model, NULL, FM_ERROR_INVALID_MODEL,
                            cases[i].fragment);
    }

  /* a known field with the wrong wire type */
  {
    g_autoptr(GByteArray) node = g_byte_array_new ();
    g_autoptr(GByteArray) model = NULL;

    fm_pb_int (node, FM_ONNX_NODE_OP_TYPE, 5);
    model = fm_test_wrap_node (node);
    fm_test_decode_fails (model, NULL, FM_ERROR_INVALID_MODEL,
                          "graph.node[0].op_type: wire type 0, expected 2");
  }
}

static void
test_bad_lengths (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) t = g_byte_array_new ();

  /* graph tag at 0, length 100 at 1, 3 bytes after it */
  fm_pb_tag (b, FM_ONNX_MODEL_GRAPH, FM_PB_LEN);
  fm_pb_varint (b, 100);
  fm_pb_raw (b, "\x0a\x00\x12", 3);
  fm_test_decode_fails (b, NULL, FM_ERROR_INVALID_MODEL,
                        "graph: length 100 past end (3 bytes remain) at byte 1");

  /* a huge length must fail before anything is allocated */
  g_byte_array_set_size (b, 0);
  fm_pb_tag (b, FM_ONNX_MODEL_PRODUCER_NAME, FM_PB_LEN);
  fm_pb_varint (b, G_MAXUINT64 - 3);
  fm_test_decode_fails (b, NULL, FM_ERROR_INVALID_MODEL,
                        "producer_name: length 18446744073709551612 past end");

  /* packed floats must be a multiple of 4 bytes */
  fm_pb_bytes (t, FM_ONNX_TENSOR_FLOAT_DATA, "\x00\x00\x80\x3f\x00", 5);
  expect_tensor_error (t, FM_ERROR_INVALID_MODEL, "tensor.float_data: packed run of 5 bytes");

  /* a fixed32 cut short */
  g_byte_array_set_size (t, 0);
  fm_pb_tag (t, FM_ONNX_TENSOR_FLOAT_DATA, FM_PB_FIXED32);
  fm_pb_raw (t, "\x00\x00", 2);
  expect_tensor_error (t, FM_ERROR_INVALID_MODEL,
                       "tensor.float_data: truncated fixed32 at byte 1");
}

static void
test_rank_limit (void)
{
  const gint64 nine[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  g_autoptr(GByteArray) init = g_byte_array_new ();
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;
  g_autoptr(GByteArray) vi = fm_test_value_info ("x", nine, 9);
  g_autoptr(GByteArray) graph2 = g_byte_array_new ();
  g_autoptr(GByteArray) model2 = NULL;
  g_autoptr(GByteArray) t = g_byte_array_new ();

  /* 9 unpacked dims */
  for (int i = 0; i < 9; i++)
    fm_pb_int (init, FM_ONNX_TENSOR_DIMS, 1);
  fm_pb_message (graph, FM_ONNX_GRAPH_INITIALIZER, init);
  model = fm_test_wrap_graph (graph);
  fm_test_decode_fails (model, NULL, FM_ERROR_LIMIT,
                        "graph.initializer[0].dims: rank 9 exceeds 8");

  /* 8 packed + 1 packed */
  fm_pb_packed_ints (t, FM_ONNX_TENSOR_DIMS, nine, 8);
  fm_pb_packed_ints (t, FM_ONNX_TENSOR_DIMS, nine, 1);
  expect_tensor_error (t, FM_ERROR_LIMIT, "tensor.dims: rank 9 exceeds 8");

  /* value info with 9 dims */
  fm_pb_message (graph2, FM_ONNX_GRAPH_INPUT, vi);
  model2 = fm_test_wrap_graph (graph2);
  fm_test_decode_fails (model2, NULL, FM_ERROR_LIMIT,
                        "graph.input[0].type.tensor_type.shape.dim: rank 9"
                        " exceeds 8");
}

/* Decoding @model fails with FM_ERROR_LIMIT and @fragment when the
 * FmOnnxLimits member at @limit is @value and the others are zero (their
 * defaults). */
static void
expect_over_limit (GByteArray *model,
                   gsize       limit,
                   guint       value,
                   const char *fragment)
{
  FmOnnxLimits limits = { 0 };

  G_STRUCT_MEMBER (guint, &limits, limit) = value;
  fm_test_decode_fails (model, &limits, FM_ERROR_LIMIT, fragment);
}

/* A message holding only @s in the string field @field. */
static GByteArray *
string_message (guint       field,
                const char *s)
{
  GByteArray *b = g_byte_array_new ();

  fm_pb_string (b, field, s);
  return b;
}

/* A message of @n copies of the message @item in @field. */
static GByteArray *
repeated (guint       field,
          GByteArray *item,
          int         n)
{
  GByteArray *b = g_byte_array_new ();

  for (int i = 0; i < n; i++)
    fm_pb_message (b, field, item);
  return b;
}

static void
test_count_limits (void)
{
  g_autoptr(GByteArray) relu = string_message (FM_ONNX_NODE_OP_TYPE, "Relu");
  g_autoptr(GByteArray) attr = string_message (FM_ONNX_ATTRIBUTE_NAME, "a");
  g_autoptr(GByteArray) init = string_message (FM_ONNX_TENSOR_NAME, "w");
  g_autoptr(GByteArray) three_inputs = g_byte_array_new ();
  FmOnnxLimits limits = { 0 };

  for (int i = 0; i < 3; i++)
    fm_pb_string (three_inputs, FM_ONNX_NODE_INPUT, "x");

  /* nodes: zero fields mean defaults, so 3 nodes pass; so they do at a
   * limit of 3, not at 2 */
  {
    g_autoptr(GByteArray) graph = repeated (FM_ONNX_GRAPH_NODE, relu, 3);
    g_autoptr(GByteArray) model = fm_test_wrap_graph (graph);
    g_autoptr(FmOnnxModel) m = fm_test_decode_ok (model, &limits);

    g_assert_cmpuint (m->graph->nodes->len, ==, 3);
    limits.max_nodes = 3;
    fm_onnx_model_free (fm_test_decode_ok (model, &limits));
    expect_over_limit (model, G_STRUCT_OFFSET (FmOnnxLimits, max_nodes), 2,
                       "graph.node: more than 2 entries");
  }

  /* attributes per node, inputs per node; and the nesting depth: model
   * (1) > graph (2) > node (3) > attribute (4) */
  {
    g_autoptr(GByteArray) two_attrs = repeated (FM_ONNX_NODE_ATTRIBUTE, attr, 2);
    g_autoptr(GByteArray) one_attr = repeated (FM_ONNX_NODE_ATTRIBUTE, attr, 1);
    g_autoptr(GByteArray) with_two_attrs = fm_test_wrap_node (two_attrs);
    g_autoptr(GByteArray) with_one_attr = fm_test_wrap_node (one_attr);
    g_autoptr(GByteArray) with_inputs = fm_test_wrap_node (three_inputs);

    expect_over_limit (with_two_attrs, G_STRUCT_OFFSET (FmOnnxLimits, max_attributes), 1,
                       "graph.node[0].attribute: more than 1 entries");
    expect_over_limit (with_inputs, G_STRUCT_OFFSET (FmOnnxLimits, max_strings), 2,
                       "graph.node[0].input: more than 2 entries");
    expect_over_limit (with_inputs, G_STRUCT_OFFSET (FmOnnxLimits, max_depth), 2,
                       "graph.node[0]: messages nested deeper than 2");
    expect_over_limit (with_one_attr, G_STRUCT_OFFSET (FmOnnxLimits, max_depth), 3,
                       "graph.node[0].attribute[0]: messages nested deeper than 3");
    memset (&limits, 0, sizeof limits);
    limits.max_depth = 4;
    fm_onnx_model_free (fm_test_decode_ok (with_one_attr, &limits));
  }

  /* initializers */
  {
    g_autoptr(GByteArray) graph = repeated (FM_ONNX_GRAPH_INITIALIZER, init, 2);
    g_autoptr(GByteArray) model = fm_test_wrap_graph (graph);

    expect_over_limit (model, G_STRUCT_OFFSET (FmOnnxLimits, max_tensors), 1,
                       "graph.initializer: more than 1 entries");
  }
}

static void
test_nul_string (void)
{
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;

  fm_pb_string (node, FM_ONNX_NODE_INPUT, "x");
  fm_pb_bytes (node, FM_ONNX_NODE_OP_TYPE, "Co\0nv", 5);
  model = fm_test_wrap_node (node);
  fm_test_decode_fails (model, NULL, FM_ERROR_INVALID_MODEL,
                        "graph.node[0].op_type: string contains a NUL byte");
}

void
fm_test_onnx_malformed_add (void)
{
  g_test_add_func ("/engine/onnx-reader/malformed/varint", test_bad_varints);
  g_test_add_func ("/engine/onnx-reader/malformed/wire-type", test_bad_wire_types);
  g_test_add_func ("/engine/onnx-reader/malformed/length", test_bad_lengths);
  g_test_add_func ("/engine/onnx-reader/malformed/rank", test_rank_limit);
  g_test_add_func ("/engine/onnx-reader/malformed/limits", test_count_limits);
  g_test_add_func ("/engine/onnx-reader/malformed/nul-string", test_nul_string);
}
