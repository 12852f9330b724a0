/* test-onnx-reader.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of the bounded ONNX protobuf decoder (fm-onnx-proto.c): models
 * built byte by byte with the independent writer in fm-test-pb.c, whose
 * decoded fields are compared with the values written, and one real file
 * from Debian's libonnx-testdata, compared with protoc's decoding of it,
 * then truncated at every offset and corrupted byte by byte. Malformed
 * input is in test-onnx-malformed.c, tensor conversion in
 * test-onnx-convert.c; all three make one program.
 */
#include "config.h"

#include <string.h>

#include "fm-error.h"
#include "fm-test-onnx.h"
#include "test-onnx-reader.h"

#define CONV_DIR "/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding"

/* ---- helpers ------------------------------------------------------------ */

static const char *
pstr (GPtrArray *arr,
      guint      i)
{
  g_assert_nonnull (arr);
  g_assert_cmpuint (i, <, arr->len);
  return g_ptr_array_index (arr, i);
}

/* Appends one unknown field of every wire type (0, 1, 2, 5) with field
 * numbers no message of ours uses. */
static void
add_unknown_fields (GByteArray *b)
{
  fm_pb_int (b, 1000, -1);                      /* varint, 10 bytes */
  fm_pb_fixed64 (b, 1001, 0x0123456789abcdefULL);
  fm_pb_string (b, 1002, "ignored");
  fm_pb_fixed32 (b, 1003, 0xdeadbeef);
}

/* Opset import @i of @m is @domain, @version. */
static void
assert_opset (const FmOnnxModel *m,
              guint              i,
              const char        *domain,
              gint64             version)
{
  const FmOnnxOpset *o;

  g_assert_cmpuint (i, <, m->opset_imports->len);
  o = g_ptr_array_index (m->opset_imports, i);
  g_assert_cmpstr (o->domain, ==, domain);
  g_assert_cmpint (o->version, ==, version);
}

/* ---- decoding a hand-built model ---------------------------------------- */

/* Builds a model touching every decoded field. With @unknown, unknown
 * fields of every wire type are sprinkled into every message; with
 * @packed, repeated numbers are written packed. */
static GByteArray *
build_full_model (gboolean unknown,
                  gboolean packed)
{
  GByteArray *model = g_byte_array_new ();
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) a_ints = g_byte_array_new ();
  g_autoptr(GByteArray) a_f = g_byte_array_new ();
  g_autoptr(GByteArray) a_s = g_byte_array_new ();
  g_autoptr(GByteArray) a_t = g_byte_array_new ();
  g_autoptr(GByteArray) a_strs = g_byte_array_new ();
  g_autoptr(GByteArray) a_g = g_byte_array_new ();
  g_autoptr(GByteArray) t_val = g_byte_array_new ();
  g_autoptr(GByteArray) init = g_byte_array_new ();
  g_autoptr(GByteArray) vi = g_byte_array_new ();
  g_autoptr(GByteArray) type = g_byte_array_new ();
  g_autoptr(GByteArray) ttype = g_byte_array_new ();
  g_autoptr(GByteArray) shape = g_byte_array_new ();
  g_autoptr(GByteArray) dim0 = g_byte_array_new ();
  g_autoptr(GByteArray) dim1 = g_byte_array_new ();
  g_autoptr(GByteArray) dim2 = g_byte_array_new ();
  g_autoptr(GByteArray) dim3 = g_byte_array_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) opset1 = g_byte_array_new ();
  g_autoptr(GByteArray) opset2 = g_byte_array_new ();
  g_autoptr(GByteArray) meta = g_byte_array_new ();
  const gint64 ints[] = { 3, -1, 300, G_MININT64 };
  const float w[] = { 0.5f, -1.25f, 3.0f, 1e-3f, -0.0f, 1e20f };
  const gint64 wdims[] = { 2, 3 };

  /* attribute ints: [3, -1, 300, INT64_MIN] */
  fm_pb_string (a_ints, FM_ONNX_ATTRIBUTE_NAME, "ints");
  if (unknown)
    add_unknown_fields (a_ints);
  if (packed)
    fm_pb_packed_ints (a_ints, FM_ONNX_ATTRIBUTE_INTS, ints, 4);
  else
    for (int i = 0; i < 4; i++)
      fm_pb_int (a_ints, FM_ONNX_ATTRIBUTE_INTS, ints[i]);
  fm_pb_int (a_ints, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_INTS);

  fm_pb_string (a_f, FM_ONNX_ATTRIBUTE_NAME, "alpha");
  fm_pb_float (a_f, FM_ONNX_ATTRIBUTE_F, 0.25f);
  fm_pb_int (a_f, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_FLOAT);

  fm_pb_string (a_s, FM_ONNX_ATTRIBUTE_NAME, "auto_pad");
  fm_pb_string (a_s, FM_ONNX_ATTRIBUTE_S, "SAME_UPPER");
  fm_pb_int (a_s, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_STRING);
  fm_pb_int (a_s, FM_ONNX_ATTRIBUTE_I, -7); /* an i next to the s: both kept */

  /* attribute t: an INT64 tensor [2] = {-2, 5} */
  fm_pb_int (t_val, FM_ONNX_TENSOR_DIMS, 2);
  fm_pb_int (t_val, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_INT64);
  fm_pb_int (t_val, FM_ONNX_TENSOR_INT64_DATA, -2);
  fm_pb_int (t_val, FM_ONNX_TENSOR_INT64_DATA, 5);
  fm_pb_string (a_t, FM_ONNX_ATTRIBUTE_NAME, "value");
  fm_pb_message (a_t, FM_ONNX_ATTRIBUTE_T, t_val);
  fm_pb_int (a_t, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_TENSOR);

  fm_pb_string (a_strs, FM_ONNX_ATTRIBUTE_NAME, "names");
  fm_pb_string (a_strs, FM_ONNX_ATTRIBUTE_STRINGS, "a");
  fm_pb_string (a_strs, FM_ONNX_ATTRIBUTE_STRINGS, "");
  fm_pb_string (a_strs, FM_ONNX_ATTRIBUTE_STRINGS, "ccc");
  fm_pb_message (a_strs, FM_ONNX_ATTRIBUTE_TENSORS, t_val); /* tensors: counted */
  fm_pb_int (a_strs, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_STRINGS);

  /* g and graphs: counted only; the bytes inside are not parsed */
  fm_pb_string (a_g, FM_ONNX_ATTRIBUTE_NAME, "body");
  fm_pb_bytes (a_g, FM_ONNX_ATTRIBUTE_G, "\xff\xff\xff", 3);
  fm_pb_bytes (a_g, FM_ONNX_ATTRIBUTE_GRAPHS, "\x0b", 1);
  fm_pb_bytes (a_g, FM_ONNX_ATTRIBUTE_GRAPHS, "", 0);

  fm_pb_string (node, FM_ONNX_NODE_INPUT, "x");
  fm_pb_string (node, FM_ONNX_NODE_INPUT, "W");
  fm_pb_string (node, FM_ONNX_NODE_INPUT, "");
  fm_pb_string (node, FM_ONNX_NODE_OUTPUT, "y");
  fm_pb_string (node, FM_ONNX_NODE_NAME, "conv1");
  if (unknown)
    add_unknown_fields (node);
  fm_pb_string (node, FM_ONNX_NODE_OP_TYPE, "Conv");
  fm_pb_string (node, FM_ONNX_NODE_DOC_STRING, "doc");
  fm_pb_string (node, FM_ONNX_NODE_DOMAIN, "");
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, a_ints);
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, a_f);
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, a_s);
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, a_t);
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, a_strs);
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, a_g);

  /* initializer W [2, 3] float */
  fm_pb_string (init, FM_ONNX_TENSOR_NAME, "W");
  if (packed)
    fm_pb_packed_ints (init, FM_ONNX_TENSOR_DIMS, wdims, 2);
  else
    for (int i = 0; i < 2; i++)
      fm_pb_int (init, FM_ONNX_TENSOR_DIMS, wdims[i]);
  if (unknown)
    add_unknown_fields (init);
  fm_pb_int (init, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_FLOAT);
  if (packed)
    fm_pb_packed_floats (init, FM_ONNX_TENSOR_FLOAT_DATA, w, 6);
  else
    for (int i = 0; i < 6; i++)
      fm_pb_float (init, FM_ONNX_TENSOR_FLOAT_DATA, w[i]);

  /* input x: float [1, "batch", ?, 0] */
  fm_pb_int (dim0, FM_ONNX_DIM_VALUE, 1);
  fm_pb_string (dim1, FM_ONNX_DIM_PARAM, "batch");
  if (unknown)
    add_unknown_fields (dim2);
  fm_pb_int (dim3, FM_ONNX_DIM_VALUE, 0);
  fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim0);
  fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim1);
  fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim2);
  if (unknown)
    add_unknown_fields (shape);
  fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim3);
  fm_pb_int (ttype, FM_ONNX_TENSOR_TYPE_ELEM_TYPE, FM_ONNX_FLOAT);
  if (unknown)
    add_unknown_fields (ttype);
  fm_pb_message (ttype, FM_ONNX_TENSOR_TYPE_SHAPE, shape);
  if (unknown)
    add_unknown_fields (type);
  fm_pb_message (type, FM_ONNX_TYPE_TENSOR_TYPE, ttype);
  fm_pb_string (type, FM_ONNX_TYPE_DENOTATION, "denotation");
  fm_pb_string (vi, FM_ONNX_VALUE_INFO_NAME, "x");
  if (unknown)
    add_unknown_fields (vi);
  fm_pb_message (vi, FM_ONNX_VALUE_INFO_TYPE, type);
  fm_pb_string (vi, FM_ONNX_VALUE_INFO_DOC_STRING, "doc");

  /* output y: no type at all */
  fm_pb_string (out, FM_ONNX_VALUE_INFO_NAME, "y");

  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
  fm_pb_string (graph, FM_ONNX_GRAPH_NAME, "main");
  fm_pb_message (graph, FM_ONNX_GRAPH_INITIALIZER, init);
  fm_pb_string (graph, FM_ONNX_GRAPH_DOC_STRING, "graph doc");
  if (unknown)
    add_unknown_fields (graph);
  fm_pb_message (graph, FM_ONNX_GRAPH_INPUT, vi);
  fm_pb_message (graph, FM_ONNX_GRAPH_OUTPUT, out);
  fm_pb_message (graph, FM_ONNX_GRAPH_VALUE_INFO, out);
  fm_pb_bytes (graph, FM_ONNX_GRAPH_SPARSE_INITIALIZER, "\x01\x02", 2);

  fm_pb_string (opset1, FM_ONNX_OPSET_DOMAIN, "");
  fm_pb_int (opset1, FM_ONNX_OPSET_VERSION, 13);
  fm_pb_string (opset2, FM_ONNX_OPSET_DOMAIN, "ai.onnx.ml");
  fm_pb_int (opset2, FM_ONNX_OPSET_VERSION, 2);
  fm_pb_string (meta, FM_ONNX_ENTRY_KEY, "author");
  fm_pb_string (meta, FM_ONNX_ENTRY_VALUE, "me");

  fm_pb_int (model, FM_ONNX_MODEL_IR_VERSION, 7);
  if (unknown)
    add_unknown_fields (model);
  fm_pb_string (model, FM_ONNX_MODEL_PRODUCER_NAME, "pytorch");
  fm_pb_string (model, FM_ONNX_MODEL_PRODUCER_VERSION, "1.13");
  fm_pb_string (model, FM_ONNX_MODEL_DOMAIN, "org.example");
  fm_pb_int (model, FM_ONNX_MODEL_MODEL_VERSION, 42);
  fm_pb_string (model, FM_ONNX_MODEL_DOC_STRING, "a model");
  fm_pb_message (model, FM_ONNX_MODEL_GRAPH, graph);
  fm_pb_message (model, FM_ONNX_MODEL_OPSET_IMPORT, opset1);
  fm_pb_message (model, FM_ONNX_MODEL_OPSET_IMPORT, opset2);
  fm_pb_message (model, FM_ONNX_MODEL_METADATA_PROPS, meta);
  fm_pb_bytes (model, FM_ONNX_MODEL_TRAINING_INFO, "\x0a\x00", 2);
  fm_pb_bytes (model, FM_ONNX_MODEL_FUNCTIONS, "", 0);
  fm_pb_bytes (model, FM_ONNX_MODEL_FUNCTIONS, "\x0a\x01x", 3);
  if (unknown)
    add_unknown_fields (model);

  return model;
}

static void
check_full_model (const FmOnnxModel *m)
{
  const FmOnnxGraph *g;
  const FmOnnxNode *n;
  const FmOnnxAttribute *a;
  const FmOnnxTensor *t;
  const FmOnnxValueInfo *v;
  const FmOnnxStringPair *p;
  const float w[] = { 0.5f, -1.25f, 3.0f, 1e-3f, -0.0f, 1e20f };

  g_assert_cmpint (m->ir_version, ==, 7);
  g_assert_cmpstr (m->producer_name, ==, "pytorch");
  g_assert_cmpstr (m->producer_version, ==, "1.13");
  g_assert_cmpstr (m->domain, ==, "org.example");
  g_assert_cmpint (m->model_version, ==, 42);
  g_assert_cmpstr (m->doc_string, ==, "a model");
  g_assert_cmpuint (m->n_training_info, ==, 1);
  g_assert_cmpuint (m->n_functions, ==, 2);

  g_assert_cmpuint (m->opset_imports->len, ==, 2);
  assert_opset (m, 0, "", 13);
  assert_opset (m, 1, "ai.onnx.ml", 2);

  g_assert_cmpuint (m->metadata_props->len, ==, 1);
  p = g_ptr_array_index (m->metadata_props, 0);
  g_assert_cmpstr (p->key, ==, "author");
  g_assert_cmpstr (p->value, ==, "me");

  g = m->graph;
  g_assert_nonnull (g);
  g_assert_cmpstr (g->name, ==, "main");
  g_assert_cmpuint (g->n_sparse_initializers, ==, 1);
  g_assert_cmpuint (g->nodes->len, ==, 1);

  n = g_ptr_array_index (g->nodes, 0);
  g_assert_cmpuint (n->inputs->len, ==, 3);
  g_assert_cmpstr (pstr (n->inputs, 0), ==, "x");
  g_assert_cmpstr (pstr (n->inputs, 1), ==, "W");
  g_assert_cmpstr (pstr (n->inputs, 2), ==, "");
  g_assert_cmpuint (n->outputs->len, ==, 1);
  g_assert_cmpstr (pstr (n->outputs, 0), ==, "y");
  g_assert_cmpstr (n->name, ==, "conv1");
  g_assert_cmpstr (n->op_type, ==, "Conv");
  g_assert_cmpstr (n->domain, ==, "");
  g_assert_cmpuint (n->attributes->len, ==, 6);

  a = g_ptr_array_index (n->attributes, 0);
  g_assert_cmpstr (a->name, ==, "ints");
  g_assert_cmpint (a->type, ==, FM_ONNX_ATTR_INTS);
  g_assert_nonnull (a->ints);
  g_assert_cmpuint (a->ints->len, ==, 4);
  g_assert_cmpint (g_array_index (a->ints, gint64, 0), ==, 3);
  g_assert_cmpint (g_array_index (a->ints, gint64, 1), ==, -1);
  g_assert_cmpint (g_array_index (a->ints, gint64, 2), ==, 300);
  g_assert_cmpint (g_array_index (a->ints, gint64, 3), ==, G_MININT64);
  g_assert_null (a->floats);

  a = g_ptr_array_index (n->attributes, 1);
  g_assert_cmpstr (a->name, ==, "alpha");
  g_assert_cmpint (a->type, ==, FM_ONNX_ATTR_FLOAT);
  g_assert_cmpfloat (a->f, ==, 0.25f);

  a = g_ptr_array_index (n->attributes, 2);
  g_assert_cmpstr (a->name, ==, "auto_pad");
  g_assert_cmpint (a->type, ==, FM_ONNX_ATTR_STRING);
  g_assert_cmpstr (a->s, ==, "SAME_UPPER");
  g_assert_cmpuint (a->s_len, ==, 10);
  g_assert_cmpint (a->i, ==, -7);

  a = g_ptr_array_index (n->attributes, 3);
  g_assert_cmpstr (a->name, ==, "value");
  g_assert_cmpint (a->type, ==, FM_ONNX_ATTR_TENSOR);
  g_assert_nonnull (a->t);
  g_assert_cmpint (a->t->data_type, ==, FM_ONNX_INT64);
  g_assert_cmpint (a->t->rank, ==, 1);
  g_assert_cmpint (a->t->dims[0], ==, 2);
  g_assert_cmpuint (a->t->int64_data->len, ==, 2);
  g_assert_cmpint (g_array_index (a->t->int64_data, gint64, 0), ==, -2);
  g_assert_cmpint (g_array_index (a->t->int64_data, gint64, 1), ==, 5);

  a = g_ptr_array_index (n->attributes, 4);
  g_assert_cmpint (a->type, ==, FM_ONNX_ATTR_STRINGS);
  g_assert_cmpuint (a->strings->len, ==, 3);
  g_assert_cmpstr (pstr (a->strings, 0), ==, "a");
  g_assert_cmpstr (pstr (a->strings, 1), ==, "");
  g_assert_cmpstr (pstr (a->strings, 2), ==, "ccc");
  g_assert_cmpuint (a->n_tensors, ==, 1);

  a = g_ptr_array_index (n->attributes, 5);
  g_assert_cmpstr (a->name, ==, "body");
  g_assert_cmpint (a->type, ==, 0);
  g_assert_cmpuint (a->n_graphs, ==, 3);

  g_assert_cmpuint (g->initializers->len, ==, 1);
  t = g_ptr_array_index (g->initializers, 0);
  g_assert_cmpstr (t->name, ==, "W");
  g_assert_cmpint (t->data_type, ==, FM_ONNX_FLOAT);
  g_assert_cmpint (t->rank, ==, 2);
  g_assert_cmpint (t->dims[0], ==, 2);
  g_assert_cmpint (t->dims[1], ==, 3);
  g_assert_false (t->has_raw_data);
  g_assert_cmpuint (t->float_data->len, ==, 6);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat (g_array_index (t->float_data, float, i), ==, w[i]);

  g_assert_cmpuint (g->inputs->len, ==, 1);
  v = g_ptr_array_index (g->inputs, 0);
  g_assert_cmpstr (v->name, ==, "x");
  g_assert_true (v->has_type);
  g_assert_cmpint (v->elem_type, ==, FM_ONNX_FLOAT);
  g_assert_true (v->has_shape);
  g_assert_cmpint (v->rank, ==, 4);
  g_assert_cmpint (v->dims[0], ==, 1);
  g_assert_null (v->dim_params[0]);
  g_assert_cmpint (v->dims[1], ==, -1);
  g_assert_cmpstr (v->dim_params[1], ==, "batch");
  g_assert_cmpint (v->dims[2], ==, -1);
  g_assert_null (v->dim_params[2]);
  g_assert_cmpint (v->dims[3], ==, 0);

  g_assert_cmpuint (g->outputs->len, ==, 1);
  v = g_ptr_array_index (g->outputs, 0);
  g_assert_cmpstr (v->name, ==, "y");
  g_assert_false (v->has_type);
  g_assert_false (v->has_shape);
  g_assert_cmpuint (g->value_infos->len, ==, 1);
}

static void
test_full_model (void)
{
  g_autoptr(GByteArray) b = build_full_model (FALSE, FALSE);
  g_autoptr(FmOnnxModel) m = fm_test_decode_ok (b, NULL);

  check_full_model (m);
}

static void
test_packed_unpacked (void)
{
  g_autoptr(GByteArray) b = build_full_model (FALSE, TRUE);
  g_autoptr(FmOnnxModel) m = fm_test_decode_ok (b, NULL);
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;
  g_autoptr(FmOnnxModel) mixed = NULL;
  const gint64 first[] = { 1, 2 };
  const gint64 last[] = { 5 };
  const FmOnnxAttribute *a;

  check_full_model (m);

  /* packed [1, 2], then unpacked 3, 4, then packed [5]: [1, 2, 3, 4, 5] */
  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, "mixed");
  fm_pb_packed_ints (attr, FM_ONNX_ATTRIBUTE_INTS, first, 2);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_INTS, 3);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_INTS, 4);
  fm_pb_packed_ints (attr, FM_ONNX_ATTRIBUTE_INTS, last, 1);
  fm_pb_packed_ints (attr, FM_ONNX_ATTRIBUTE_INTS, NULL, 0); /* an empty run adds nothing */
  {
    g_autoptr(GByteArray) node = g_byte_array_new ();

    fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, attr);
    model = fm_test_wrap_node (node);
  }
  mixed = fm_test_decode_ok (model, NULL);
  a = g_ptr_array_index (((FmOnnxNode *) g_ptr_array_index (mixed->graph->nodes, 0))->attributes,
                         0);
  g_assert_cmpuint (a->ints->len, ==, 5);
  for (int i = 0; i < 5; i++)
    g_assert_cmpint (g_array_index (a->ints, gint64, i), ==, i + 1);
}

static void
test_unknown_fields (void)
{
  g_autoptr(GByteArray) b = build_full_model (TRUE, FALSE);
  g_autoptr(GByteArray) plain = build_full_model (FALSE, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) m = fm_test_decode (b, NULL, &error);

  /* the unknown fields really are there */
  g_assert_cmpuint (b->len, >, plain->len + 10 * 20);
  g_assert_no_error (error);
  check_full_model (m);
}

static void
test_last_wins (void)
{
  g_autoptr(GByteArray) model = g_byte_array_new ();
  g_autoptr(GByteArray) graph1 = g_byte_array_new ();
  g_autoptr(GByteArray) graph2 = g_byte_array_new ();
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) t1 = g_byte_array_new ();
  g_autoptr(GByteArray) t2 = g_byte_array_new ();
  g_autoptr(GByteArray) dim = g_byte_array_new ();
  g_autoptr(GByteArray) shape = g_byte_array_new ();
  g_autoptr(GByteArray) ttype = g_byte_array_new ();
  g_autoptr(GByteArray) type = g_byte_array_new ();
  g_autoptr(GByteArray) vi = g_byte_array_new ();
  g_autoptr(FmOnnxModel) m = NULL;
  const FmOnnxNode *n;
  const FmOnnxAttribute *a;
  const FmOnnxTensor *t;
  const FmOnnxValueInfo *v;

  fm_pb_string (graph1, FM_ONNX_GRAPH_NAME, "first");
  fm_pb_message (graph1, FM_ONNX_GRAPH_NODE, node);

  fm_pb_int (t1, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_INT32);
  fm_pb_bytes (t1, FM_ONNX_TENSOR_RAW_DATA, "\x01\x02", 2);
  fm_pb_int (t2, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_UINT8);
  fm_pb_int (t2, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_INT8);      /* data_type twice */
  fm_pb_bytes (t2, FM_ONNX_TENSOR_RAW_DATA, "\x05", 1);
  fm_pb_bytes (t2, FM_ONNX_TENSOR_RAW_DATA, "\x06\x07\x08", 3); /* raw_data twice */
  fm_pb_string (t2, FM_ONNX_TENSOR_NAME, "t");

  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, "old");
  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, "new");
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_I, 1);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_I, 2);
  fm_pb_float (attr, FM_ONNX_ATTRIBUTE_F, 1.0f);
  fm_pb_float (attr, FM_ONNX_ATTRIBUTE_F, 2.0f);
  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_S, "s1");
  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_S, "s22");
  fm_pb_message (attr, FM_ONNX_ATTRIBUTE_T, t1);
  fm_pb_message (attr, FM_ONNX_ATTRIBUTE_T, t2);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_FLOAT);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_INT);

  g_byte_array_set_size (node, 0);
  fm_pb_string (node, FM_ONNX_NODE_OP_TYPE, "Relu");
  fm_pb_string (node, FM_ONNX_NODE_OP_TYPE, "Sigmoid");
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, attr);

  /* dim_param then dim_value: the oneof keeps the last */
  fm_pb_string (dim, FM_ONNX_DIM_PARAM, "N");
  fm_pb_int (dim, FM_ONNX_DIM_VALUE, 9);
  fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim);
  fm_pb_int (ttype, FM_ONNX_TENSOR_TYPE_ELEM_TYPE, FM_ONNX_FLOAT);
  fm_pb_message (ttype, FM_ONNX_TENSOR_TYPE_SHAPE, shape);
  fm_pb_int (ttype, FM_ONNX_TENSOR_TYPE_ELEM_TYPE, FM_ONNX_INT64);
  fm_pb_message (type, FM_ONNX_TYPE_TENSOR_TYPE, ttype);
  fm_pb_string (vi, FM_ONNX_VALUE_INFO_NAME, "in");
  fm_pb_message (vi, FM_ONNX_VALUE_INFO_TYPE, type);

  fm_pb_string (graph2, FM_ONNX_GRAPH_NAME, "second");
  fm_pb_message (graph2, FM_ONNX_GRAPH_NODE, node);
  fm_pb_message (graph2, FM_ONNX_GRAPH_INPUT, vi);

  fm_pb_int (model, FM_ONNX_MODEL_IR_VERSION, 3);
  fm_pb_int (model, FM_ONNX_MODEL_IR_VERSION, 8);
  fm_pb_string (model, FM_ONNX_MODEL_PRODUCER_NAME, "a");
  fm_pb_string (model, FM_ONNX_MODEL_PRODUCER_NAME, "b");
  fm_pb_message (model, FM_ONNX_MODEL_GRAPH, graph1);
  fm_pb_message (model, FM_ONNX_MODEL_GRAPH, graph2);

  m = fm_test_decode_ok (model, NULL);
  g_assert_cmpint (m->ir_version, ==, 8);
  g_assert_cmpstr (m->producer_name, ==, "b");
  g_assert_cmpstr (m->graph->name, ==, "second");
  g_assert_cmpuint (m->graph->nodes->len, ==, 1);
  n = g_ptr_array_index (m->graph->nodes, 0);
  g_assert_cmpstr (n->op_type, ==, "Sigmoid");
  a = g_ptr_array_index (n->attributes, 0);
  g_assert_cmpstr (a->name, ==, "new");
  g_assert_cmpint (a->i, ==, 2);
  g_assert_cmpfloat (a->f, ==, 2.0f);
  g_assert_cmpstr (a->s, ==, "s22");
  g_assert_cmpuint (a->s_len, ==, 3);
  g_assert_cmpint (a->type, ==, FM_ONNX_ATTR_INT);
  t = a->t;
  g_assert_cmpstr (t->name, ==, "t");
  g_assert_cmpint (t->data_type, ==, FM_ONNX_INT8);
  g_assert_true (t->has_raw_data);
  g_assert_cmpuint (t->raw_data.len, ==, 3);
  g_assert_cmpint (t->raw_data.data[0], ==, 6);
  /* raw_data points into the input, not into a copy */
  g_assert_true (t->raw_data.data > model->data
                 && t->raw_data.data < model->data + model->len);

  v = g_ptr_array_index (m->graph->inputs, 0);
  g_assert_cmpint (v->elem_type, ==, FM_ONNX_INT64);
  g_assert_cmpint (v->rank, ==, 1);
  g_assert_cmpint (v->dims[0], ==, 9);
  g_assert_null (v->dim_params[0]);
}

static void
test_empty_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) m = fm_onnx_model_decode (NULL, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_null (m->graph);
  g_assert_cmpint (m->ir_version, ==, 0);
  g_assert_cmpuint (m->opset_imports->len, ==, 0);
}

/* ---- the real file ------------------------------------------------------ */

/* Expected values from
 *   protoc --decode=onnx.ModelProto -I/usr/include onnx/onnx.proto \
 *     < test_conv_with_strides_padding/model.onnx
 * which printed (abridged):
 *   ir_version: 6
 *   producer_name: "backend-test"
 *   graph {
 *     node {
 *       input: "x"  input: "W"  output: "y"  op_type: "Conv"
 *       attribute { name: "kernel_shape" ints: 3 ints: 3 type: INTS }
 *       attribute { name: "pads" ints: 1 ints: 1 ints: 1 ints: 1 type: INTS }
 *       attribute { name: "strides" ints: 2 ints: 2 type: INTS }
 *     }
 *     name: "test_conv_with_strides_padding"
 *     input { name: "x" type { tensor_type { elem_type: 1 shape {
 *       dim { dim_value: 1 } dim { dim_value: 1 } dim { dim_value: 7 }
 *       dim { dim_value: 5 } } } } }
 *     input { name: "W" ... dims 1, 1, 3, 3 }
 *     output { name: "y" ... dims 1, 1, 4, 3 }
 *   }
 *   opset_import { domain: "" version: 11 }
 */
static void
check_conv_model (const FmOnnxModel *m)
{
  const FmOnnxNode *n;
  const FmOnnxAttribute *a;
  const FmOnnxValueInfo *v;
  const struct
  {
    const char *name;
    guint n;
    gint64 value;
  } attrs[] = {
    { "kernel_shape", 2, 3 },
    { "pads", 4, 1 },
    { "strides", 2, 2 },
  };
  const gint64 in_dims[2][4] = { { 1, 1, 7, 5 }, { 1, 1, 3, 3 } };
  const gint64 out_dims[4] = { 1, 1, 4, 3 };

  g_assert_cmpint (m->ir_version, ==, 6);
  g_assert_cmpstr (m->producer_name, ==, "backend-test");
  g_assert_cmpuint (m->opset_imports->len, ==, 1);
  assert_opset (m, 0, "", 11);

  g_assert_cmpstr (m->graph->name, ==, "test_conv_with_strides_padding");
  g_assert_cmpuint (m->graph->nodes->len, ==, 1);
  n = g_ptr_array_index (m->graph->nodes, 0);
  g_assert_cmpstr (n->op_type, ==, "Conv");
  g_assert_null (n->domain);
  g_assert_cmpuint (n->inputs->len, ==, 2);
  g_assert_cmpstr (pstr (n->inputs, 0), ==, "x");
  g_assert_cmpstr (pstr (n->inputs, 1), ==, "W");
  g_assert_cmpstr (pstr (n->outputs, 0), ==, "y");
  g_assert_cmpuint (n->attributes->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      a = g_ptr_array_index (n->attributes, i);
      g_assert_cmpstr (a->name, ==, attrs[i].name);
      g_assert_cmpint (a->type, ==, FM_ONNX_ATTR_INTS);
      g_assert_cmpuint (a->ints->len, ==, attrs[i].n);
      for (guint k = 0; k < attrs[i].n; k++)
        g_assert_cmpint (g_array_index (a->ints, gint64, k), ==,
                         attrs[i].value);
    }

  g_assert_cmpuint (m->graph->inputs->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      v = g_ptr_array_index (m->graph->inputs, i);
      g_assert_cmpstr (v->name, ==, i == 0 ? "x" : "W");
      g_assert_cmpint (v->elem_type, ==, FM_ONNX_FLOAT);
      g_assert_cmpint (v->rank, ==, 4);
      for (int k = 0; k < 4; k++)
        g_assert_cmpint (v->dims[k], ==, in_dims[i][k]);
    }
  v = g_ptr_array_index (m->graph->outputs, 0);
  g_assert_cmpstr (v->name, ==, "y");
  for (int k = 0; k < 4; k++)
    g_assert_cmpint (v->dims[k], ==, out_dims[k]);
  g_assert_cmpuint (m->graph->initializers->len, ==, 0);
}

/* @name of CONV_DIR; FALSE (the test skipped) if it is not installed. */
static gboolean
load_conv (const char  *name,
           char       **contents,
           gsize       *len)
{
  g_autofree char *path = g_build_filename (CONV_DIR, name, NULL);

  if (!g_file_get_contents (path, contents, len, NULL))
    {
      g_test_skip ("libonnx-testdata is not installed");
      return FALSE;
    }
  return TRUE;
}

static void
test_real_file (void)
{
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) m = NULL;

  if (!load_conv ("model.onnx", &contents, &len))
    return;
  g_assert_cmpuint (len, ==, 221);
  m = fm_onnx_model_decode ((guint8 *) contents, len, NULL, &error);
  g_assert_no_error (error);
  check_conv_model (m);
}

/* output_0.pb, decoded by protoc --decode=onnx.TensorProto as
 *   dims: 1 dims: 1 dims: 4 dims: 3  data_type: 1  name: "y"
 *   raw_data: "\000\000@A\000\000\330A\000\000\300A\000\000|B..."
 * The raw floats by hand: 0x41400000 = 1.5 * 2^3 = 12,
 * 0x41d80000 = 1.6875 * 2^4 = 27, 0x41c00000 = 1.5 * 2^4 = 24,
 * 0x427c0000 = 1.96875 * 2^5 = 63, 0x42d80000 = 108, 0x42a20000 = 81,
 * 0x42f60000 = 123, 0x43460000 = 198, 0x430d0000 = 141, 0x42e00000 = 112,
 * 0x43310000 = 177, 0x42f80000 = 124. */
static void
test_real_tensor (void)
{
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxTensor) t = NULL;
  g_autoptr(FmConstTensor) c = NULL;
  const float expect[12] = { 12, 27, 24, 63, 108, 81, 123, 198, 141, 112,
                             177, 124 };

  if (!load_conv ("test_data_set_0/output_0.pb", &contents, &len))
    return;
  t = fm_onnx_tensor_decode ((guint8 *) contents, len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (t->name, ==, "y");
  g_assert_cmpint (t->rank, ==, 4);
  g_assert_cmpint (t->dims[2], ==, 4);
  g_assert_cmpint (t->dims[3], ==, 3);
  c = fm_onnx_tensor_to_const (t, NULL, G_MAXSIZE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->numel, ==, 12);
  for (int i = 0; i < 12; i++)
    g_assert_cmpfloat (((float *) c->data)[i], ==, expect[i]);
}

static void
test_real_file_truncated (void)
{
  g_autofree char *contents = NULL;
  gsize len;
  /* Top-level field boundaries, from `xxd model.onnx`: ir_version 08 06
   * (0..2), producer_name 12 0c + 12 bytes (2..16), graph 3a c4 01 + 196
   * bytes (16..215), opset_import 42 04 + 4 bytes (215..221). */
  const gsize boundaries[] = { 0, 2, 16, 215, 221 };
  /* Where each field's bytes start after its length (0: a varint field). */
  const gsize data_at[] = { 0, 0, 4, 19, 217 };
  guint n_errors = 0;

  if (!load_conv ("model.onnx", &contents, &len))
    return;
  g_assert_cmpuint (len, ==, 221);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *prefix = g_memdup2 (contents, cut);
      FmOnnxDecodeInfo info;
      g_autoptr(FmOnnxModel) m = fm_onnx_model_decode_full (prefix, cut, NULL, &info,
                                                            &error);
      gboolean at_boundary = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (boundaries); i++)
        at_boundary |= cut == boundaries[i];

      /* ir_version 6 makes the bytes look like a model once it is whole. */
      g_assert_true (info.looks_like_model == (cut >= 2));
      /* Every cut inside a field is a truncation. The size needed is the
       * end of the field cut when its length was read (after the tag and
       * the length: producer_name from 4, graph from 19, opset_import from
       * 217), else 0 (the cut is inside a number). */
      g_assert_true (info.truncated == !at_boundary);
      if (!at_boundary)
        {
          guint64 needed = 0;

          for (guint i = 1; i < G_N_ELEMENTS (boundaries); i++)
            if (cut > boundaries[i - 1] && cut < boundaries[i] && data_at[i] != 0
                && cut >= data_at[i])
              needed = boundaries[i];
          g_assert_cmpuint (info.needed, ==, needed);
        }

      if (at_boundary)
        {
          g_assert_no_error (error);
          g_assert_nonnull (m);
          g_assert_true ((m->graph != NULL) == (cut >= 215));
          g_assert_cmpuint (m->opset_imports->len, ==, cut == 221 ? 1 : 0);
          if (cut == 221)
            check_conv_model (m);
          else if (cut == 215)
            g_assert_cmpuint (m->graph->nodes->len, ==, 1);
        }
      else
        {
          g_assert_null (m);
          g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL);
          g_assert_nonnull (strstr (error->message, " at byte "));
          if (cut > 16 && cut < 215)
            g_assert_true (g_str_has_prefix (error->message, "graph"));
          n_errors++;
        }
    }
  g_assert_cmpuint (n_errors, ==, 221 + 1 - 5);
}

static void
test_real_file_flipped (void)
{
  g_autofree char *contents = NULL;
  gsize len;
  const guint8 values[] = { 0x00, 0xff, 0x80 };
  guint n_ok = 0, n_errors = 0;

  if (!load_conv ("model.onnx", &contents, &len))
    return;

  for (gsize i = 0; i < len; i++)
    for (guint k = 0; k < G_N_ELEMENTS (values); k++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree guint8 *copy = g_memdup2 (contents, len);
        g_autoptr(FmOnnxModel) m = NULL;

        copy[i] = values[k];
        m = fm_onnx_model_decode (copy, len, NULL, &error);
        if (m != NULL)
          {
            g_assert_no_error (error);
            n_ok++;
          }
        else
          {
            g_assert_nonnull (error);
            g_assert_true (error->domain == FM_ERROR);
            g_assert_nonnull (strstr (error->message, " at byte "));
            n_errors++;
          }
      }

  /* both outcomes occur: 0xff inside a name's text still decodes, while
   * 0x00 there is a NUL in a string and 0x80 in a length runs past */
  g_assert_cmpuint (n_ok, >, 0);
  g_assert_cmpuint (n_errors, >, 0);
  g_test_message ("flipped: %u decoded, %u refused", n_ok, n_errors);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/onnx-reader/full-model", test_full_model);
  g_test_add_func ("/engine/onnx-reader/packed-unpacked", test_packed_unpacked);
  g_test_add_func ("/engine/onnx-reader/unknown-fields", test_unknown_fields);
  g_test_add_func ("/engine/onnx-reader/last-wins", test_last_wins);
  g_test_add_func ("/engine/onnx-reader/empty-model", test_empty_model);
  g_test_add_func ("/engine/onnx-reader/real/model", test_real_file);
  g_test_add_func ("/engine/onnx-reader/real/tensor", test_real_tensor);
  g_test_add_func ("/engine/onnx-reader/real/truncated", test_real_file_truncated);
  g_test_add_func ("/engine/onnx-reader/real/flipped", test_real_file_flipped);
  fm_test_onnx_malformed_add ();
  fm_test_onnx_convert_add ();

  return g_test_run ();
}
