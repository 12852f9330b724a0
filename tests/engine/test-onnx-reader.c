/* test-onnx-reader.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of the bounded ONNX protobuf decoder (fm-onnx-proto.c) and the
 * basic tensor utilities (fm-tensor.c). Models are built byte by byte with
 * the independent writer in fm-test-pb.c, and the decoded fields are
 * compared with the values written; malformed inputs must fail with a
 * message naming the field and the byte. One real file from Debian's
 * libonnx-testdata is compared with protoc's decoding of it, then
 * truncated at every offset and corrupted byte by byte.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-onnx-proto.h"
#include "fm-tensor.h"
#include "fm-test-pb.h"

#define CONV_DIR "/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding"

/* ---- helpers ------------------------------------------------------------ */

static FmOnnxModel *
decode (GByteArray         *b,
        const FmOnnxLimits *limits,
        GError            **error)
{
  return fm_onnx_model_decode (b->data, b->len, limits, error);
}

/* Decoding must fail with @code and a message containing @fragment. */
static void
expect_model_error (GByteArray         *b,
                    const FmOnnxLimits *limits,
                    int                 code,
                    const char         *fragment)
{
  g_autoptr(GError) error = NULL;
  FmOnnxModel *m = decode (b, limits, &error);

  g_assert_null (m);
  g_assert_error (error, FM_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

static void
expect_tensor_error (const FmOnnxTensor *t,
                     const char         *base,
                     gsize               max_bytes,
                     int                 code,
                     const char         *fragment)
{
  g_autoptr(GError) error = NULL;
  FmConstTensor *c = fm_onnx_tensor_to_const (t, base, max_bytes, &error);

  g_assert_null (c);
  g_assert_error (error, FM_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

static GByteArray *
wrap_graph (GByteArray *graph)
{
  GByteArray *model = g_byte_array_new ();

  fm_pb_int (model, 1, 8);          /* ir_version */
  fm_pb_message (model, 7, graph);  /* graph */
  return model;
}

static GByteArray *
wrap_node (GByteArray *node)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();

  fm_pb_message (graph, 1, node);
  return wrap_graph (graph);
}

static FmOnnxTensor *
decode_tensor_bytes (GByteArray *b)
{
  g_autoptr(GError) error = NULL;
  FmOnnxTensor *t = fm_onnx_tensor_decode (b->data, b->len, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

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

/* ---- fm-tensor.c -------------------------------------------------------- */

static void
test_shape_utils (void)
{
  FmShape a = { 4, { 2, 3, 4, 5 } };
  FmShape b = { 2, { 4, 1 } };
  FmShape c = { 3, { 3, 1, 5 } };
  FmShape bad = { 2, { 2, 3 } };
  FmShape huge = { 2, { (gint64) 1 << 40, (gint64) 1 << 40 } };
  FmShape neg = { 2, { 2, -1 } };
  FmShape scalar = { 0, { 0 } };
  FmShape out;
  gint64 strides[FM_MAX_RANK];
  gsize numel = 0;
  g_autofree char *str = NULL;
  g_autofree char *str0 = NULL;

  /* 2 * 3 * 4 * 5 = 120 */
  g_assert_true (fm_shape_numel (&a, G_MAXSIZE, &numel));
  g_assert_cmpuint (numel, ==, 120);
  g_assert_false (fm_shape_numel (&a, 119, &numel));
  g_assert_true (fm_shape_numel (&scalar, G_MAXSIZE, &numel));
  g_assert_cmpuint (numel, ==, 1);
  /* 2^40 * 2^40 = 2^80 overflows 64 bits */
  g_assert_false (fm_shape_numel (&huge, G_MAXSIZE, &numel));
  g_assert_false (fm_shape_numel (&neg, G_MAXSIZE, &numel));

  str = fm_shape_to_string (&a);
  g_assert_cmpstr (str, ==, "[2, 3, 4, 5]");
  str0 = fm_shape_to_string (&scalar);
  g_assert_cmpstr (str0, ==, "[]");

  /* row-major: [3*4*5, 4*5, 5, 1] */
  fm_shape_strides (&a, strides);
  g_assert_cmpint (strides[0], ==, 60);
  g_assert_cmpint (strides[1], ==, 20);
  g_assert_cmpint (strides[2], ==, 5);
  g_assert_cmpint (strides[3], ==, 1);

  /* [2,3,4,5] with [4,1] -> [2,3,4,5] */
  g_assert_true (fm_shape_broadcast (&a, &b, &out));
  g_assert_true (fm_shape_equal (&out, &a));
  /* [4,1] with [3,1,5] -> [3,4,5] */
  g_assert_true (fm_shape_broadcast (&b, &c, &out));
  g_assert_cmpint (out.rank, ==, 3);
  g_assert_cmpint (out.dims[0], ==, 3);
  g_assert_cmpint (out.dims[1], ==, 4);
  g_assert_cmpint (out.dims[2], ==, 5);
  /* [2,3] with [4,1]: 3 vs 1 fine, 2 vs 4 incompatible */
  g_assert_false (fm_shape_broadcast (&bad, &b, &out));
  /* scalar broadcasts to anything */
  g_assert_true (fm_shape_broadcast (&scalar, &c, &out));
  g_assert_true (fm_shape_equal (&out, &c));
  g_assert_false (fm_shape_equal (&a, &b));
}

static void
test_aligned_alloc (void)
{
  FmShape s = { 2, { 3, 5 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(FmConstTensor) t = fm_const_tensor_new (FM_DTYPE_FLOAT, &s,
                                                    &error);
  FmShape huge = { 2, { (gint64) 1 << 40, (gint64) 1 << 40 } };
  gpointer p;

  g_assert_no_error (error);
  g_assert_cmpuint (t->numel, ==, 15);
  g_assert_cmpuint ((guintptr) t->data % 64, ==, 0);
  for (gsize i = 0; i < t->numel; i++)
    g_assert_cmpfloat (((float *) t->data)[i], ==, 0.0f);

  p = fm_aligned_alloc0 (0);
  g_assert_nonnull (p);
  g_assert_cmpuint ((guintptr) p % 64, ==, 0);
  fm_aligned_free (p);
  g_assert_null (fm_aligned_alloc0 (G_MAXSIZE));
  g_assert_null (fm_aligned_alloc0 (G_MAXSIZE - 10));

  g_assert_null (fm_const_tensor_new (FM_DTYPE_INT64, &huge, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);

  g_assert_cmpuint (fm_dtype_size (FM_DTYPE_FLOAT), ==, 4);
  g_assert_cmpuint (fm_dtype_size (FM_DTYPE_INT64), ==, 8);
  g_assert_cmpstr (fm_dtype_name (FM_DTYPE_INT64), ==, "int64");
}

static void
test_half (void)
{
  /* sign 0, exp 15 (bias 15), mantissa 0: 1.0 */
  g_assert_cmpfloat (fm_half_to_float (0x3C00), ==, 1.0f);
  /* sign 1, exp 16: -2.0 */
  g_assert_cmpfloat (fm_half_to_float (0xC000), ==, -2.0f);
  /* smallest subnormal: 2^-14 * 1/1024 = 2^-24 */
  g_assert_cmpfloat (fm_half_to_float (0x0001), ==, ldexpf (1.0f, -24));
  /* largest subnormal: 1023 * 2^-24 */
  g_assert_cmpfloat (fm_half_to_float (0x03FF), ==, 1023.0f * ldexpf (1.0f, -24));
  /* largest normal: (2 - 2^-10) * 2^15 = 65504 */
  g_assert_cmpfloat (fm_half_to_float (0x7BFF), ==, 65504.0f);
  /* 0x3555: exp 13, mantissa 0x155 = 341: (1 + 341/1024) * 2^-2 */
  g_assert_cmpfloat (fm_half_to_float (0x3555), ==, (1.0f + 341.0f / 1024.0f) / 4.0f);
  g_assert_true (isinf (fm_half_to_float (0x7C00)) && fm_half_to_float (0x7C00) > 0);
  g_assert_true (isinf (fm_half_to_float (0xFC00)) && fm_half_to_float (0xFC00) < 0);
  g_assert_true (isnan (fm_half_to_float (0x7E00)));
  g_assert_true (isnan (fm_half_to_float (0xFC01)));
  g_assert_cmpfloat (fm_half_to_float (0x8000), ==, 0.0f);
  g_assert_true (signbit (fm_half_to_float (0x8000)));

  /* bfloat16 is the top half of a float: 0x3F80 -> 0x3F800000 = 1.0,
   * 0xC040 -> 0xC0400000 = -(1.5 * 2) = -3.0 */
  g_assert_cmpfloat (fm_bfloat16_to_float (0x3F80), ==, 1.0f);
  g_assert_cmpfloat (fm_bfloat16_to_float (0xC040), ==, -3.0f);
  g_assert_true (isinf (fm_bfloat16_to_float (0x7F80)));
  g_assert_true (isnan (fm_bfloat16_to_float (0x7FC0)));
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
  fm_pb_string (a_ints, 1, "ints");
  if (unknown)
    add_unknown_fields (a_ints);
  if (packed)
    fm_pb_packed_ints (a_ints, 8, ints, 4);
  else
    for (int i = 0; i < 4; i++)
      fm_pb_int (a_ints, 8, ints[i]);
  fm_pb_int (a_ints, 20, FM_ONNX_ATTR_INTS);

  fm_pb_string (a_f, 1, "alpha");
  fm_pb_float (a_f, 2, 0.25f);
  fm_pb_int (a_f, 20, FM_ONNX_ATTR_FLOAT);

  fm_pb_string (a_s, 1, "auto_pad");
  fm_pb_string (a_s, 4, "SAME_UPPER");
  fm_pb_int (a_s, 20, FM_ONNX_ATTR_STRING);
  fm_pb_int (a_s, 3, -7); /* an i next to the s: both kept */

  /* attribute t: an INT64 tensor [2] = {-2, 5} */
  fm_pb_int (t_val, 1, 2);
  fm_pb_int (t_val, 2, FM_ONNX_INT64);
  fm_pb_int (t_val, 7, -2);
  fm_pb_int (t_val, 7, 5);
  fm_pb_string (a_t, 1, "value");
  fm_pb_message (a_t, 5, t_val);
  fm_pb_int (a_t, 20, FM_ONNX_ATTR_TENSOR);

  fm_pb_string (a_strs, 1, "names");
  fm_pb_string (a_strs, 9, "a");
  fm_pb_string (a_strs, 9, "");
  fm_pb_string (a_strs, 9, "ccc");
  fm_pb_message (a_strs, 10, t_val); /* tensors: counted */
  fm_pb_int (a_strs, 20, FM_ONNX_ATTR_STRINGS);

  /* g and graphs: counted only; the bytes inside are not parsed */
  fm_pb_string (a_g, 1, "body");
  fm_pb_bytes (a_g, 6, "\xff\xff\xff", 3);
  fm_pb_bytes (a_g, 11, "\x0b", 1);
  fm_pb_bytes (a_g, 11, "", 0);

  fm_pb_string (node, 1, "x");
  fm_pb_string (node, 1, "W");
  fm_pb_string (node, 1, "");
  fm_pb_string (node, 2, "y");
  fm_pb_string (node, 3, "conv1");
  if (unknown)
    add_unknown_fields (node);
  fm_pb_string (node, 4, "Conv");
  fm_pb_string (node, 6, "doc");
  fm_pb_string (node, 7, "");
  fm_pb_message (node, 5, a_ints);
  fm_pb_message (node, 5, a_f);
  fm_pb_message (node, 5, a_s);
  fm_pb_message (node, 5, a_t);
  fm_pb_message (node, 5, a_strs);
  fm_pb_message (node, 5, a_g);

  /* initializer W [2, 3] float */
  fm_pb_string (init, 8, "W");
  if (packed)
    fm_pb_packed_ints (init, 1, wdims, 2);
  else
    for (int i = 0; i < 2; i++)
      fm_pb_int (init, 1, wdims[i]);
  if (unknown)
    add_unknown_fields (init);
  fm_pb_int (init, 2, FM_ONNX_FLOAT);
  if (packed)
    fm_pb_packed_floats (init, 4, w, 6);
  else
    for (int i = 0; i < 6; i++)
      fm_pb_float (init, 4, w[i]);

  /* input x: float [1, "batch", ?, 0] */
  fm_pb_int (dim0, 1, 1);
  fm_pb_string (dim1, 2, "batch");
  if (unknown)
    add_unknown_fields (dim2);
  fm_pb_int (dim3, 1, 0);
  fm_pb_message (shape, 1, dim0);
  fm_pb_message (shape, 1, dim1);
  fm_pb_message (shape, 1, dim2);
  if (unknown)
    add_unknown_fields (shape);
  fm_pb_message (shape, 1, dim3);
  fm_pb_int (ttype, 1, FM_ONNX_FLOAT);
  if (unknown)
    add_unknown_fields (ttype);
  fm_pb_message (ttype, 2, shape);
  if (unknown)
    add_unknown_fields (type);
  fm_pb_message (type, 1, ttype);
  fm_pb_string (type, 6, "denotation");
  fm_pb_string (vi, 1, "x");
  if (unknown)
    add_unknown_fields (vi);
  fm_pb_message (vi, 2, type);
  fm_pb_string (vi, 3, "doc");

  /* output y: no type at all */
  fm_pb_string (out, 1, "y");

  fm_pb_message (graph, 1, node);
  fm_pb_string (graph, 2, "main");
  fm_pb_message (graph, 5, init);
  fm_pb_string (graph, 10, "graph doc");
  if (unknown)
    add_unknown_fields (graph);
  fm_pb_message (graph, 11, vi);
  fm_pb_message (graph, 12, out);
  fm_pb_message (graph, 13, out);
  fm_pb_bytes (graph, 15, "\x01\x02", 2);

  fm_pb_string (opset1, 1, "");
  fm_pb_int (opset1, 2, 13);
  fm_pb_string (opset2, 1, "ai.onnx.ml");
  fm_pb_int (opset2, 2, 2);
  fm_pb_string (meta, 1, "author");
  fm_pb_string (meta, 2, "me");

  fm_pb_int (model, 1, 7);
  if (unknown)
    add_unknown_fields (model);
  fm_pb_string (model, 2, "pytorch");
  fm_pb_string (model, 3, "1.13");
  fm_pb_string (model, 4, "org.example");
  fm_pb_int (model, 5, 42);
  fm_pb_string (model, 6, "a model");
  fm_pb_message (model, 7, graph);
  fm_pb_message (model, 8, opset1);
  fm_pb_message (model, 8, opset2);
  fm_pb_message (model, 14, meta);
  fm_pb_bytes (model, 20, "\x0a\x00", 2);
  fm_pb_bytes (model, 25, "", 0);
  fm_pb_bytes (model, 25, "\x0a\x01x", 3);
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
  const FmOnnxOpset *o;
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
  o = g_ptr_array_index (m->opset_imports, 0);
  g_assert_cmpstr (o->domain, ==, "");
  g_assert_cmpint (o->version, ==, 13);
  o = g_ptr_array_index (m->opset_imports, 1);
  g_assert_cmpstr (o->domain, ==, "ai.onnx.ml");
  g_assert_cmpint (o->version, ==, 2);

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
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) m = decode (b, NULL, &error);

  g_assert_no_error (error);
  check_full_model (m);
}

static void
test_packed_unpacked (void)
{
  g_autoptr(GByteArray) b = build_full_model (FALSE, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) m = decode (b, NULL, &error);
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;
  g_autoptr(FmOnnxModel) mixed = NULL;
  const gint64 first[] = { 1, 2 };
  const gint64 last[] = { 5 };
  const FmOnnxAttribute *a;

  g_assert_no_error (error);
  check_full_model (m);

  /* packed [1, 2], then unpacked 3, 4, then packed [5]: [1, 2, 3, 4, 5] */
  fm_pb_string (attr, 1, "mixed");
  fm_pb_packed_ints (attr, 8, first, 2);
  fm_pb_int (attr, 8, 3);
  fm_pb_int (attr, 8, 4);
  fm_pb_packed_ints (attr, 8, last, 1);
  fm_pb_packed_ints (attr, 8, NULL, 0); /* an empty run adds nothing */
  {
    g_autoptr(GByteArray) node = g_byte_array_new ();

    fm_pb_message (node, 5, attr);
    model = wrap_node (node);
  }
  mixed = decode (model, NULL, &error);
  g_assert_no_error (error);
  a = g_ptr_array_index (((FmOnnxNode *) g_ptr_array_index (mixed->graph->nodes, 0))->attributes, 0);
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
  g_autoptr(FmOnnxModel) m = decode (b, NULL, &error);

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
  g_autoptr(GError) error = NULL;
  g_autoptr(FmOnnxModel) m = NULL;
  const FmOnnxNode *n;
  const FmOnnxAttribute *a;
  const FmOnnxTensor *t;
  const FmOnnxValueInfo *v;

  fm_pb_string (graph1, 2, "first");
  fm_pb_message (graph1, 1, node);

  fm_pb_int (t1, 2, FM_ONNX_INT32);
  fm_pb_bytes (t1, 9, "\x01\x02", 2);
  fm_pb_int (t2, 2, FM_ONNX_UINT8);
  fm_pb_int (t2, 2, FM_ONNX_INT8);      /* data_type twice */
  fm_pb_bytes (t2, 9, "\x05", 1);
  fm_pb_bytes (t2, 9, "\x06\x07\x08", 3); /* raw_data twice */
  fm_pb_string (t2, 8, "t");

  fm_pb_string (attr, 1, "old");
  fm_pb_string (attr, 1, "new");
  fm_pb_int (attr, 3, 1);
  fm_pb_int (attr, 3, 2);
  fm_pb_float (attr, 2, 1.0f);
  fm_pb_float (attr, 2, 2.0f);
  fm_pb_string (attr, 4, "s1");
  fm_pb_string (attr, 4, "s22");
  fm_pb_message (attr, 5, t1);
  fm_pb_message (attr, 5, t2);
  fm_pb_int (attr, 20, FM_ONNX_ATTR_FLOAT);
  fm_pb_int (attr, 20, FM_ONNX_ATTR_INT);

  g_byte_array_set_size (node, 0);
  fm_pb_string (node, 4, "Relu");
  fm_pb_string (node, 4, "Sigmoid");
  fm_pb_message (node, 5, attr);

  /* dim_param then dim_value: the oneof keeps the last */
  fm_pb_string (dim, 2, "N");
  fm_pb_int (dim, 1, 9);
  fm_pb_message (shape, 1, dim);
  fm_pb_int (ttype, 1, FM_ONNX_FLOAT);
  fm_pb_message (ttype, 2, shape);
  fm_pb_int (ttype, 1, FM_ONNX_INT64);
  fm_pb_message (type, 1, ttype);
  fm_pb_string (vi, 1, "in");
  fm_pb_message (vi, 2, type);

  fm_pb_string (graph2, 2, "second");
  fm_pb_message (graph2, 1, node);
  fm_pb_message (graph2, 11, vi);

  fm_pb_int (model, 1, 3);
  fm_pb_int (model, 1, 8);
  fm_pb_string (model, 2, "a");
  fm_pb_string (model, 2, "b");
  fm_pb_message (model, 7, graph1);
  fm_pb_message (model, 7, graph2);

  m = decode (model, NULL, &error);
  g_assert_no_error (error);
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

/* ---- malformed input ---------------------------------------------------- */

static void
test_bad_varints (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  const gint64 ints[] = { 1, 2 };
  guint8 eleven[11];

  /* ir_version tag then a varint whose continuation bit runs off the end;
   * the varint starts at byte 1 */
  fm_pb_tag (b, 1, FM_PB_VARINT);
  fm_pb_raw (b, "\x80\x80", 2);
  expect_model_error (b, NULL, FM_ERROR_INVALID_MODEL,
                      "ir_version: truncated varint at byte 1");

  /* 10 continuation bytes and a terminator: 11 bytes */
  g_byte_array_set_size (b, 0);
  memset (eleven, 0xff, 10);
  eleven[10] = 0x01;
  fm_pb_tag (b, 1, FM_PB_VARINT);
  fm_pb_raw (b, eleven, 11);
  expect_model_error (b, NULL, FM_ERROR_INVALID_MODEL,
                      "ir_version: varint longer than 10 bytes at byte 1");

  /* exactly 10 bytes is fine: -1 as int64 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, -1);
  g_assert_cmpuint (b->len, ==, 11);
  {
    g_autoptr(FmOnnxModel) m = decode (b, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (m->ir_version, ==, -1);
  }

  /* graph.node[0].attribute[1].ints: a packed run [1, 2, <0x80>] whose
   * last varint is cut off inside the run */
  fm_pb_string (attr, 1, "first");
  fm_pb_message (node, 5, attr);
  g_byte_array_set_size (attr, 0);
  fm_pb_string (attr, 1, "pads");
  fm_pb_packed_ints (attr, 8, ints, 2);
  /* patch the run length from 2 to 3 and add the dangling byte */
  attr->data[attr->len - 3] = 3;
  fm_pb_raw (attr, "\x80", 1);
  fm_pb_message (node, 5, attr);
  model = wrap_node (node);
  /* the dangling byte is the last byte of the model */
  expected = g_strdup_printf ("graph.node[0].attribute[1].ints: truncated"
                              " varint at byte %u", model->len - 1);
  expect_model_error (model, NULL, FM_ERROR_INVALID_MODEL, expected);
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

      fm_pb_string (node, 4, "Relu");
      fm_pb_tag (node, 9, cases[i].wire);
      fm_pb_raw (node, "\x00\x00\x00\x00\x00\x00\x00\x00", 8);
      model = wrap_node (node);
      expect_model_error (model, NULL, FM_ERROR_INVALID_MODEL,
                          cases[i].fragment);
    }

  /* a known field with the wrong wire type */
  {
    g_autoptr(GByteArray) node = g_byte_array_new ();
    g_autoptr(GByteArray) model = NULL;

    fm_pb_int (node, 4, 5);
    model = wrap_node (node);
    expect_model_error (model, NULL, FM_ERROR_INVALID_MODEL,
                        "graph.node[0].op_type: wire type 0, expected 2");
  }
}

static void
test_bad_lengths (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) t = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  /* graph tag at 0, length 100 at 1, 3 bytes after it */
  fm_pb_tag (b, 7, FM_PB_LEN);
  fm_pb_varint (b, 100);
  fm_pb_raw (b, "\x0a\x00\x12", 3);
  expect_model_error (b, NULL, FM_ERROR_INVALID_MODEL,
                      "graph: length 100 past end (3 bytes remain) at byte 1");

  /* a huge length must fail before anything is allocated */
  g_byte_array_set_size (b, 0);
  fm_pb_tag (b, 2, FM_PB_LEN);
  fm_pb_varint (b, G_MAXUINT64 - 3);
  expect_model_error (b, NULL, FM_ERROR_INVALID_MODEL,
                      "producer_name: length 18446744073709551612 past end");

  /* packed floats must be a multiple of 4 bytes */
  fm_pb_bytes (t, 4, "\x00\x00\x80\x3f\x00", 5);
  g_assert_null (fm_onnx_tensor_decode (t->data, t->len, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message,
                            "tensor.float_data: packed run of 5 bytes"));
  g_clear_error (&error);

  /* a fixed32 cut short */
  g_byte_array_set_size (t, 0);
  fm_pb_tag (t, 4, FM_PB_FIXED32);
  fm_pb_raw (t, "\x00\x00", 2);
  g_assert_null (fm_onnx_tensor_decode (t->data, t->len, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message,
                            "tensor.float_data: truncated fixed32 at byte 1"));
}

static void
test_rank_limit (void)
{
  const gint64 nine[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  g_autoptr(GByteArray) init = g_byte_array_new ();
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;
  g_autoptr(GByteArray) shape = g_byte_array_new ();
  g_autoptr(GByteArray) dim = g_byte_array_new ();
  g_autoptr(GByteArray) ttype = g_byte_array_new ();
  g_autoptr(GByteArray) type = g_byte_array_new ();
  g_autoptr(GByteArray) vi = g_byte_array_new ();
  g_autoptr(GByteArray) graph2 = g_byte_array_new ();
  g_autoptr(GByteArray) model2 = NULL;
  g_autoptr(GByteArray) t = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  /* 9 unpacked dims */
  for (int i = 0; i < 9; i++)
    fm_pb_int (init, 1, 1);
  fm_pb_message (graph, 5, init);
  model = wrap_graph (graph);
  expect_model_error (model, NULL, FM_ERROR_LIMIT,
                      "graph.initializer[0].dims: rank 9 exceeds 8");

  /* 8 packed + 1 packed */
  fm_pb_packed_ints (t, 1, nine, 8);
  fm_pb_packed_ints (t, 1, nine, 1);
  g_assert_null (fm_onnx_tensor_decode (t->data, t->len, NULL, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "tensor.dims: rank 9 exceeds 8"));

  /* value info with 9 dims */
  fm_pb_int (dim, 1, 2);
  for (int i = 0; i < 9; i++)
    fm_pb_message (shape, 1, dim);
  fm_pb_message (ttype, 2, shape);
  fm_pb_message (type, 1, ttype);
  fm_pb_string (vi, 1, "x");
  fm_pb_message (vi, 2, type);
  fm_pb_message (graph2, 11, vi);
  model2 = wrap_graph (graph2);
  expect_model_error (model2, NULL, FM_ERROR_LIMIT,
                      "graph.input[0].type.tensor_type.shape.dim: rank 9"
                      " exceeds 8");
}

static void
test_count_limits (void)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;
  g_autoptr(GByteArray) node2 = g_byte_array_new ();
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) model2 = NULL;
  g_autoptr(GByteArray) init = g_byte_array_new ();
  g_autoptr(GByteArray) graph3 = g_byte_array_new ();
  g_autoptr(GByteArray) model3 = NULL;
  g_autoptr(GError) error = NULL;
  FmOnnxLimits limits = { 0 };

  fm_pb_string (node, 4, "Relu");
  for (int i = 0; i < 3; i++)
    fm_pb_message (graph, 1, node);
  model = wrap_graph (graph);

  /* zero fields mean defaults: 3 nodes pass */
  {
    g_autoptr(FmOnnxModel) m = decode (model, &limits, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (m->graph->nodes->len, ==, 3);
  }
  limits.max_nodes = 3;
  {
    g_autoptr(FmOnnxModel) m = decode (model, &limits, &error);

    g_assert_no_error (error);
  }
  limits.max_nodes = 2;
  expect_model_error (model, &limits, FM_ERROR_LIMIT,
                      "graph.node: more than 2 entries");

  /* attributes per node, inputs per node */
  memset (&limits, 0, sizeof limits);
  limits.max_attributes = 1;
  limits.max_strings = 2;
  fm_pb_string (attr, 1, "a");
  fm_pb_message (node2, 5, attr);
  fm_pb_message (node2, 5, attr);
  model2 = wrap_node (node2);
  expect_model_error (model2, &limits, FM_ERROR_LIMIT,
                      "graph.node[0].attribute: more than 1 entries");
  g_byte_array_set_size (node2, 0);
  for (int i = 0; i < 3; i++)
    fm_pb_string (node2, 1, "x");
  g_clear_pointer (&model2, g_byte_array_unref);
  model2 = wrap_node (node2);
  expect_model_error (model2, &limits, FM_ERROR_LIMIT,
                      "graph.node[0].input: more than 2 entries");

  /* initializers */
  memset (&limits, 0, sizeof limits);
  limits.max_tensors = 1;
  fm_pb_string (init, 8, "w");
  fm_pb_message (graph3, 5, init);
  fm_pb_message (graph3, 5, init);
  model3 = wrap_graph (graph3);
  expect_model_error (model3, &limits, FM_ERROR_LIMIT,
                      "graph.initializer: more than 1 entries");

  /* nesting depth: model (1) > graph (2) > node (3) > attribute (4) */
  memset (&limits, 0, sizeof limits);
  limits.max_depth = 2;
  expect_model_error (model2, &limits, FM_ERROR_LIMIT,
                      "graph.node[0]: messages nested deeper than 2");
  limits.max_depth = 3;
  g_clear_pointer (&model2, g_byte_array_unref);
  g_byte_array_set_size (node2, 0);
  fm_pb_message (node2, 5, attr);
  model2 = wrap_node (node2);
  expect_model_error (model2, &limits, FM_ERROR_LIMIT,
                      "graph.node[0].attribute[0]: messages nested deeper"
                      " than 3");
  limits.max_depth = 4;
  {
    g_autoptr(FmOnnxModel) m = decode (model2, &limits, &error);

    g_assert_no_error (error);
  }
}

static void
test_nul_string (void)
{
  g_autoptr(GByteArray) node = g_byte_array_new ();
  g_autoptr(GByteArray) model = NULL;

  fm_pb_string (node, 1, "x");
  fm_pb_bytes (node, 4, "Co\0nv", 5);
  model = wrap_node (node);
  expect_model_error (model, NULL, FM_ERROR_INVALID_MODEL,
                      "graph.node[0].op_type: string contains a NUL byte");
}

/* ---- tensor conversion -------------------------------------------------- */

static FmConstTensor *
to_const_ok (GByteArray *b)
{
  g_autoptr(FmOnnxTensor) t = decode_tensor_bytes (b);
  g_autoptr(GError) error = NULL;
  FmConstTensor *c = fm_onnx_tensor_to_const (t, NULL, G_MAXSIZE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

static void
test_convert_float_types (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  const double dv[] = { 0.5, -2.25, 1e10 };
  float *f;

  /* FLOAT16 bits in int32_data: 1.0, -2.0, 2^-24 */
  fm_pb_int (b, 1, 3);
  fm_pb_int (b, 2, FM_ONNX_FLOAT16);
  fm_pb_int (b, 5, 0x3C00);
  fm_pb_int (b, 5, 0xC000);
  fm_pb_int (b, 5, 0x0001);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpint (c->dtype, ==, FM_DTYPE_FLOAT);
    g_assert_cmpuint (c->numel, ==, 3);
    f = c->data;
    g_assert_cmpfloat (f[0], ==, 1.0f);
    g_assert_cmpfloat (f[1], ==, -2.0f);
    g_assert_cmpfloat (f[2], ==, ldexpf (1.0f, -24));
  }

  /* FLOAT16 raw little-endian: 0x3C00 -> 00 3C; 0xC000 -> 00 C0 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 2, FM_ONNX_FLOAT16);
  fm_pb_bytes (b, 9, "\x00\x3c\x00\xc0", 4);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    f = c->data;
    g_assert_cmpfloat (f[0], ==, 1.0f);
    g_assert_cmpfloat (f[1], ==, -2.0f);
  }

  /* BFLOAT16 raw: 0x3F80 = 1.0, 0xC040 = -3.0 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 2, FM_ONNX_BFLOAT16);
  fm_pb_bytes (b, 9, "\x80\x3f\x40\xc0", 4);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    f = c->data;
    g_assert_cmpfloat (f[0], ==, 1.0f);
    g_assert_cmpfloat (f[1], ==, -3.0f);
  }

  /* BFLOAT16 bits in int32_data: 0xBF00 -> 0xBF000000 = -0.5 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 1);
  fm_pb_int (b, 2, FM_ONNX_BFLOAT16);
  fm_pb_int (b, 5, 0xBF00);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpfloat (((float *) c->data)[0], ==, -0.5f);
  }

  /* DOUBLE in double_data, packed */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 3);
  fm_pb_int (b, 2, FM_ONNX_DOUBLE);
  fm_pb_packed_doubles (b, 10, dv, 3);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    f = c->data;
    g_assert_cmpfloat (f[0], ==, 0.5f);
    g_assert_cmpfloat (f[1], ==, -2.25f);
    g_assert_cmpfloat (f[2], ==, 1e10f);
  }

  /* DOUBLE raw: 1.5 = 0x3FF8000000000000, little-endian */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 1);
  fm_pb_int (b, 2, FM_ONNX_DOUBLE);
  fm_pb_bytes (b, 9, "\x00\x00\x00\x00\x00\x00\xf8\x3f", 8);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpfloat (((float *) c->data)[0], ==, 1.5f);
  }

  /* FLOAT raw: 0x40490FDB is pi in float32 (3.14159274...) */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 2, FM_ONNX_FLOAT);
  fm_pb_bytes (b, 9, "\xdb\x0f\x49\x40", 4);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpint (c->shape.rank, ==, 0);
    g_assert_cmpuint (c->numel, ==, 1);
    g_assert_cmpfloat (((float *) c->data)[0], ==, 3.14159274101257324f);
  }
}

static void
test_convert_int_types (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  gint64 *q;

  /* INT32 in int32_data: -5 takes a 10-byte varint */
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 2, FM_ONNX_INT32);
  fm_pb_int (b, 5, -5);
  fm_pb_int (b, 5, 7);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpint (c->dtype, ==, FM_DTYPE_INT64);
    q = c->data;
    g_assert_cmpint (q[0], ==, -5);
    g_assert_cmpint (q[1], ==, 7);
  }

  /* INT32 raw: 0xFFFFFFFE = -2, 0x00000100 = 256 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 2, FM_ONNX_INT32);
  fm_pb_bytes (b, 9, "\xfe\xff\xff\xff\x00\x01\x00\x00", 8);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    q = c->data;
    g_assert_cmpint (q[0], ==, -2);
    g_assert_cmpint (q[1], ==, 256);
  }

  /* INT8 raw 0xff = -1, 0x7f = 127; UINT8 raw 0xff = 255 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 2, FM_ONNX_INT8);
  fm_pb_bytes (b, 9, "\xff\x7f", 2);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    q = c->data;
    g_assert_cmpint (q[0], ==, -1);
    g_assert_cmpint (q[1], ==, 127);
  }
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 1);
  fm_pb_int (b, 2, FM_ONNX_UINT8);
  fm_pb_bytes (b, 9, "\xff", 1);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpint (((gint64 *) c->data)[0], ==, 255);
  }

  /* INT16 raw 0x8000 = -32768; UINT16 raw 0x8000 = 32768 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 1);
  fm_pb_int (b, 2, FM_ONNX_INT16);
  fm_pb_bytes (b, 9, "\x00\x80", 2);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpint (((gint64 *) c->data)[0], ==, -32768);
  }
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 1);
  fm_pb_int (b, 2, FM_ONNX_UINT16);
  fm_pb_bytes (b, 9, "\x00\x80", 2);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpint (((gint64 *) c->data)[0], ==, 32768);
  }

  /* BOOL in int32_data: 0, 3 -> 0, 1; BOOL raw 00 02 -> 0, 1 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 2, FM_ONNX_BOOL);
  fm_pb_int (b, 5, 0);
  fm_pb_int (b, 5, 3);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    q = c->data;
    g_assert_cmpint (q[0], ==, 0);
    g_assert_cmpint (q[1], ==, 1);
  }
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 2, FM_ONNX_BOOL);
  fm_pb_bytes (b, 9, "\x00\x02", 2);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    q = c->data;
    g_assert_cmpint (q[0], ==, 0);
    g_assert_cmpint (q[1], ==, 1);
  }

  /* INT64 in int64_data; raw 0x0000010000000000 = 2^40 */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 2, FM_ONNX_INT64);
  fm_pb_int (b, 7, -((gint64) 1 << 40));
  fm_pb_int (b, 7, 9);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    q = c->data;
    g_assert_cmpint (q[0], ==, -((gint64) 1 << 40));
    g_assert_cmpint (q[1], ==, 9);
  }
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 1);
  fm_pb_int (b, 2, FM_ONNX_INT64);
  fm_pb_bytes (b, 9, "\x00\x00\x00\x00\x00\x01\x00\x00", 8);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpint (((gint64 *) c->data)[0], ==, (gint64) 1 << 40);
  }

  /* UINT64 in uint64_data */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 1);
  fm_pb_int (b, 2, FM_ONNX_UINT64);
  fm_pb_int (b, 11, 123456789);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpint (((gint64 *) c->data)[0], ==, 123456789);
  }

  /* an empty tensor with no data at all: dims [0, 3] */
  g_byte_array_set_size (b, 0);
  fm_pb_int (b, 1, 0);
  fm_pb_int (b, 1, 3);
  fm_pb_int (b, 2, FM_ONNX_INT64);
  {
    g_autoptr(FmConstTensor) c = to_const_ok (b);

    g_assert_cmpuint (c->numel, ==, 0);
    g_assert_cmpint (c->shape.rank, ==, 2);
    g_assert_nonnull (c->data);
  }
}

static void
test_convert_errors (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(FmOnnxTensor) t = NULL;
  const float ten[10] = { 0 };
  gint64 big = (gint64) 1 << 40;

  /* 10 floats for [3, 4] */
  fm_pb_string (b, 8, "W");
  fm_pb_int (b, 1, 3);
  fm_pb_int (b, 1, 4);
  fm_pb_int (b, 2, FM_ONNX_FLOAT);
  fm_pb_packed_floats (b, 4, ten, 10);
  t = decode_tensor_bytes (b);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                       "tensor 'W': 10 values for shape [3, 4] (12)");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* the same with raw_data: 40 bytes = 10 floats */
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, 8, "W");
  fm_pb_int (b, 1, 3);
  fm_pb_int (b, 1, 4);
  fm_pb_int (b, 2, FM_ONNX_FLOAT);
  fm_pb_bytes (b, 9, ten, 40);
  t = decode_tensor_bytes (b);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                       "tensor 'W': 10 values for shape [3, 4] (12)");
  /* 12 floats = 48 bytes: with max_bytes 47 the limit hits first */
  g_clear_pointer (&t, fm_onnx_tensor_free);
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, 8, "W");
  fm_pb_int (b, 1, 3);
  fm_pb_int (b, 1, 4);
  fm_pb_int (b, 2, FM_ONNX_FLOAT);
  fm_pb_bytes (b, 9, "0123456789012345678901234567890123456789012345678", 48);
  t = decode_tensor_bytes (b);
  expect_tensor_error (t, NULL, 47, FM_ERROR_LIMIT,
                       "tensor 'W': shape [3, 4] needs 48 bytes, more than"
                       " the limit of 47");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, NULL, 48,
                                                          &error);

    g_assert_no_error (error);
    g_assert_cmpuint (c->numel, ==, 12);
  }
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* negative dim */
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, 8, "B");
  fm_pb_int (b, 1, 2);
  fm_pb_int (b, 1, -3);
  fm_pb_int (b, 2, FM_ONNX_FLOAT);
  t = decode_tensor_bytes (b);
  g_assert_cmpint (t->dims[1], ==, -3);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                       "tensor 'B': negative dimension in shape [2, -3]");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* [2^40, 2^40]: 2^80 elements overflow */
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, 8, "H");
  fm_pb_packed_ints (b, 1, (gint64[]) { big, big }, 2);
  fm_pb_int (b, 2, FM_ONNX_FLOAT);
  t = decode_tensor_bytes (b);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_LIMIT,
                       "tensor 'H': shape [1099511627776, 1099511627776] has"
                       " too many elements");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* 2^40 x 2^20 doubles: fits in size_t as elements and as float bytes
   * (2^62), but is far over the byte limit given */
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, 8, "D");
  fm_pb_int (b, 1, big);
  fm_pb_int (b, 1, 1 << 20);
  fm_pb_int (b, 2, FM_ONNX_DOUBLE);
  t = decode_tensor_bytes (b);
  expect_tensor_error (t, NULL, (gsize) 1 << 30, FM_ERROR_LIMIT,
                       "tensor 'D': shape [1099511627776, 1048576] needs");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* STRING */
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, 8, "S");
  fm_pb_int (b, 1, 1);
  fm_pb_int (b, 2, FM_ONNX_STRING);
  fm_pb_string (b, 6, "hello");
  t = decode_tensor_bytes (b);
  g_assert_cmpuint (t->n_string_data, ==, 1);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       "tensor 'S': data type STRING is not supported");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* an unknown type number */
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, 8, "U");
  fm_pb_int (b, 2, 99);
  t = decode_tensor_bytes (b);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                       "tensor 'U': invalid data type 99");
  g_clear_pointer (&t, fm_onnx_tensor_free);

  /* external data without a base folder */
  g_byte_array_set_size (b, 0);
  fm_pb_string (b, 8, "E");
  fm_pb_int (b, 2, FM_ONNX_FLOAT);
  fm_pb_int (b, 14, 1);
  t = decode_tensor_bytes (b);
  expect_tensor_error (t, NULL, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                       "tensor 'E': external data is not allowed");
}

/* ---- external data ------------------------------------------------------ */

static FmOnnxTensor *
external_tensor (const char *location,
                 const char *offset,
                 const char *length,
                 gint64      n)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();

  fm_pb_string (b, 8, "ext");
  fm_pb_int (b, 1, n);
  fm_pb_int (b, 2, FM_ONNX_FLOAT);
  if (location != NULL)
    {
      g_autoptr(GByteArray) e = g_byte_array_new ();

      fm_pb_string (e, 1, "location");
      fm_pb_string (e, 2, location);
      fm_pb_message (b, 13, e);
    }
  if (offset != NULL)
    {
      g_autoptr(GByteArray) e = g_byte_array_new ();

      fm_pb_string (e, 1, "offset");
      fm_pb_string (e, 2, offset);
      fm_pb_message (b, 13, e);
    }
  if (length != NULL)
    {
      g_autoptr(GByteArray) e = g_byte_array_new ();

      fm_pb_string (e, 1, "length");
      fm_pb_string (e, 2, length);
      fm_pb_message (b, 13, e);
    }
  fm_pb_int (b, 14, 1);
  return decode_tensor_bytes (b);
}

static void
test_external_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fm-test-onnx-XXXXXX", &error);
  g_autofree char *sub = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *sub_path = NULL;
  g_autofree char *link_path = NULL;
  g_autofree char *outside = NULL;
  /* 8 bytes of padding, then 1.0, 2.0, -0.5, 4.0 little-endian */
  static const guint8 file[] = {
    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40,
    0x00, 0x00, 0x00, 0xbf, 0x00, 0x00, 0x80, 0x40,
  };
  const float expect[] = { 1.0f, 2.0f, -0.5f, 4.0f };

  g_assert_no_error (error);
  data_path = g_build_filename (dir, "weights.bin", NULL);
  sub = g_build_filename (dir, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  sub_path = g_build_filename (sub, "w.bin", NULL);
  link_path = g_build_filename (dir, "link.bin", NULL);
  g_file_set_contents (data_path, (const char *) file, sizeof file, &error);
  g_assert_no_error (error);
  g_file_set_contents (sub_path, (const char *) file + 8, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("weights.bin", link_path), ==, 0);

  /* good: offset 8, length 16 */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("weights.bin", "8", "16", 4);
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, dir, G_MAXSIZE,
                                                          &error);

    g_assert_no_error (error);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (((float *) c->data)[i], ==, expect[i]);
  }
  /* good: a sub-folder, no offset or length */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("sub/w.bin", NULL, NULL, 4);
    g_autoptr(FmConstTensor) c = fm_onnx_tensor_to_const (t, dir, G_MAXSIZE,
                                                          &error);

    g_assert_no_error (error);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (((float *) c->data)[i], ==, expect[i]);
  }
  /* ".." even when it would stay inside */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("sub/../weights.bin", "8",
                                                 NULL, 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "tensor 'ext': external data location"
                         " 'sub/../weights.bin' contains '..'");
  }
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("..", NULL, NULL, 4);

    expect_tensor_error (t, sub, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "contains '..'");
  }
  /* absolute */
  outside = g_strdup (data_path);
  {
    g_autoptr(FmOnnxTensor) t = external_tensor (outside, "8", "16", 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "is an absolute path");
  }
  /* symlink, even to a file inside */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("link.bin", "8", "16", 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "tensor 'ext': external data file 'link.bin' is a"
                         " symbolic link");
  }
  /* offset 16 + length 16 = 32 > 24 bytes */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("weights.bin", "16", "16",
                                                 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "tensor 'ext': external data offset 16 + length 16"
                         " is past the end of 'weights.bin' (24 bytes)");
  }
  /* offset + length overflows 64 bits */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("weights.bin",
                                                 "18446744073709551615",
                                                 "16", 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "is past the end");
  }
  /* no length: 24 - 8 = 16 bytes are there but 5 floats need 20 */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("weights.bin", "8", NULL,
                                                 5);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "is past the end");
  }
  /* length that does not match the shape */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("weights.bin", "8", "12",
                                                 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "length 12 does not match the 16 bytes");
  }
  /* missing file, missing location, bad number */
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("nope.bin", NULL, NULL, 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_IO, "'nope.bin'");
  }
  {
    g_autoptr(FmOnnxTensor) t = external_tensor (NULL, NULL, NULL, 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "has no location");
  }
  {
    g_autoptr(FmOnnxTensor) t = external_tensor ("weights.bin", "-8", NULL,
                                                 4);

    expect_tensor_error (t, dir, G_MAXSIZE, FM_ERROR_INVALID_MODEL,
                         "offset '-8' is not a number");
  }

  g_unlink (link_path);
  g_unlink (sub_path);
  g_unlink (data_path);
  g_rmdir (sub);
  g_rmdir (dir);
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
  const FmOnnxOpset *o;
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
  o = g_ptr_array_index (m->opset_imports, 0);
  g_assert_cmpstr (o->domain, ==, "");
  g_assert_cmpint (o->version, ==, 11);

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

static gboolean
load_conv (char  **contents,
           gsize  *len)
{
  if (!g_file_get_contents (CONV_DIR "/model.onnx", contents, len, NULL))
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

  if (!load_conv (&contents, &len))
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

  if (!g_file_get_contents (CONV_DIR "/test_data_set_0/output_0.pb",
                            &contents, &len, NULL))
    {
      g_test_skip ("libonnx-testdata is not installed");
      return;
    }
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

  if (!load_conv (&contents, &len))
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

  if (!load_conv (&contents, &len))
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

  g_test_add_func ("/engine/onnx-reader/shape-utils", test_shape_utils);
  g_test_add_func ("/engine/onnx-reader/aligned-alloc", test_aligned_alloc);
  g_test_add_func ("/engine/onnx-reader/half", test_half);
  g_test_add_func ("/engine/onnx-reader/full-model", test_full_model);
  g_test_add_func ("/engine/onnx-reader/packed-unpacked", test_packed_unpacked);
  g_test_add_func ("/engine/onnx-reader/unknown-fields", test_unknown_fields);
  g_test_add_func ("/engine/onnx-reader/last-wins", test_last_wins);
  g_test_add_func ("/engine/onnx-reader/empty-model", test_empty_model);
  g_test_add_func ("/engine/onnx-reader/malformed/varint", test_bad_varints);
  g_test_add_func ("/engine/onnx-reader/malformed/wire-type", test_bad_wire_types);
  g_test_add_func ("/engine/onnx-reader/malformed/length", test_bad_lengths);
  g_test_add_func ("/engine/onnx-reader/malformed/rank", test_rank_limit);
  g_test_add_func ("/engine/onnx-reader/malformed/limits", test_count_limits);
  g_test_add_func ("/engine/onnx-reader/malformed/nul-string", test_nul_string);
  g_test_add_func ("/engine/onnx-reader/convert/float-types", test_convert_float_types);
  g_test_add_func ("/engine/onnx-reader/convert/int-types", test_convert_int_types);
  g_test_add_func ("/engine/onnx-reader/convert/errors", test_convert_errors);
  g_test_add_func ("/engine/onnx-reader/external-data", test_external_data);
  g_test_add_func ("/engine/onnx-reader/real/model", test_real_file);
  g_test_add_func ("/engine/onnx-reader/real/tensor", test_real_tensor);
  g_test_add_func ("/engine/onnx-reader/real/truncated", test_real_file_truncated);
  g_test_add_func ("/engine/onnx-reader/real/flipped", test_real_file_flipped);

  return g_test_run ();
}
