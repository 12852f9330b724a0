/* fm-test-onnx.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ONNX test builders of fm-test-onnx.h.
 */
#include "config.h"

#include "fm-error.h"
#include "fm-test-files.h"
#include "fm-test-onnx.h"

FmOnnxModel *
fm_test_decode (GByteArray         *b,
                const FmOnnxLimits *limits,
                GError            **error)
{
  return fm_onnx_model_decode (b->data, b->len, limits, error);
}

FmOnnxModel *
fm_test_decode_ok (GByteArray         *b,
                   const FmOnnxLimits *limits)
{
  GError *error = NULL;
  FmOnnxModel *m = fm_test_decode (b, limits, &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

void
fm_test_decode_fails (GByteArray         *b,
                      const FmOnnxLimits *limits,
                      int                 code,
                      const char         *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (fm_test_decode (b, limits, &error));
  fm_test_assert_error_holds (error, FM_ERROR, code, fragment);
}

FmOnnxTensor *
fm_test_decode_tensor (GByteArray *b)
{
  g_autoptr(GError) error = NULL;
  FmOnnxTensor *t = fm_onnx_tensor_decode (b->data, b->len, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

GByteArray *
fm_test_wrap_graph (GByteArray *graph)
{
  GByteArray *model = g_byte_array_new ();

  fm_pb_int (model, FM_ONNX_MODEL_IR_VERSION, 8);
  fm_pb_message (model, FM_ONNX_MODEL_GRAPH, graph);
  return model;
}

GByteArray *
fm_test_wrap_node (GByteArray *node)
{
  g_autoptr(GByteArray) graph = g_byte_array_new ();

  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
  return fm_test_wrap_graph (graph);
}

GByteArray *
fm_test_value_info (const char   *name,
                    const gint64 *dims,
                    int           rank)
{
  GByteArray *vi = g_byte_array_new ();
  g_autoptr(GByteArray) shape = g_byte_array_new ();
  g_autoptr(GByteArray) ttype = g_byte_array_new ();
  g_autoptr(GByteArray) type = g_byte_array_new ();

  fm_pb_string (vi, FM_ONNX_VALUE_INFO_NAME, name);
  if (rank < 0)
    return vi;
  for (int i = 0; i < rank; i++)
    {
      g_autoptr(GByteArray) dim = g_byte_array_new ();

      if (dims[i] >= 0)
        fm_pb_int (dim, FM_ONNX_DIM_VALUE, dims[i]);
      else
        fm_pb_string (dim, FM_ONNX_DIM_PARAM, i == 0 ? "batch" : "size");
      fm_pb_message (shape, FM_ONNX_SHAPE_DIM, dim);
    }
  fm_pb_int (ttype, FM_ONNX_TENSOR_TYPE_ELEM_TYPE, FM_ONNX_FLOAT);
  fm_pb_message (ttype, FM_ONNX_TENSOR_TYPE_SHAPE, shape);
  fm_pb_message (type, FM_ONNX_TYPE_TENSOR_TYPE, ttype);
  fm_pb_message (vi, FM_ONNX_VALUE_INFO_TYPE, type);
  return vi;
}

GByteArray *
fm_test_model_bytes (GByteArray  *graph,
                     const char **meta)
{
  GByteArray *m = g_byte_array_new ();
  g_autoptr(GByteArray) opset = g_byte_array_new ();

  fm_pb_int (m, FM_ONNX_MODEL_IR_VERSION, 8);
  fm_pb_string (opset, FM_ONNX_OPSET_DOMAIN, "");
  fm_pb_int (opset, FM_ONNX_OPSET_VERSION, 13);
  fm_pb_message (m, FM_ONNX_MODEL_OPSET_IMPORT, opset);
  fm_pb_message (m, FM_ONNX_MODEL_GRAPH, graph);
  for (int i = 0; meta != NULL && meta[i] != NULL; i += 2)
    {
      g_autoptr(GByteArray) kv = g_byte_array_new ();

      fm_pb_string (kv, FM_ONNX_ENTRY_KEY, meta[i]);
      fm_pb_string (kv, FM_ONNX_ENTRY_VALUE, meta[i + 1]);
      fm_pb_message (m, FM_ONNX_MODEL_METADATA_PROPS, kv);
    }
  return m;
}

GByteArray *
fm_test_node (const char        *op_type,
              const char        *name,
              const char *const *inputs,
              const char        *output)
{
  GByteArray *node = g_byte_array_new ();

  for (int i = 0; inputs[i] != NULL; i++)
    fm_pb_string (node, FM_ONNX_NODE_INPUT, inputs[i]);
  fm_pb_string (node, FM_ONNX_NODE_OUTPUT, output);
  fm_pb_string (node, FM_ONNX_NODE_NAME, name);
  fm_pb_string (node, FM_ONNX_NODE_OP_TYPE, op_type);
  return node;
}

void
fm_test_attr_ints (GByteArray   *node,
                   const char   *name,
                   const gint64 *v,
                   gsize         n)
{
  g_autoptr(GByteArray) attr = g_byte_array_new ();

  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, name);
  fm_pb_packed_ints (attr, FM_ONNX_ATTRIBUTE_INTS, v, n);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_INTS);
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, attr);
}

void
fm_test_attr_int (GByteArray *node,
                  const char *name,
                  gint64      v)
{
  g_autoptr(GByteArray) attr = g_byte_array_new ();

  fm_pb_string (attr, FM_ONNX_ATTRIBUTE_NAME, name);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_I, v);
  fm_pb_int (attr, FM_ONNX_ATTRIBUTE_TYPE, FM_ONNX_ATTR_INT);
  fm_pb_message (node, FM_ONNX_NODE_ATTRIBUTE, attr);
}

void
fm_test_initializer (GByteArray   *graph,
                     const char   *name,
                     const gint64 *dims,
                     int           rank,
                     const float  *data)
{
  g_autoptr(GByteArray) init = g_byte_array_new ();
  gsize n = 1;

  for (int d = 0; d < rank; d++)
    {
      fm_pb_int (init, FM_ONNX_TENSOR_DIMS, dims[d]);
      n *= (gsize) dims[d];
    }
  fm_pb_int (init, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_FLOAT);
  fm_pb_string (init, FM_ONNX_TENSOR_NAME, name);
  fm_pb_bytes (init, FM_ONNX_TENSOR_RAW_DATA, data, n * sizeof (float));
  fm_pb_message (graph, FM_ONNX_GRAPH_INITIALIZER, init);
}

/* fm_test_relu_model(), with the initializer w when @w_data (its fields
 * after dims, data_type and name: where its values are) is not NULL. */
static GByteArray *
relu_model (gint64            h,
            gint64            w,
            const GByteArray *w_data,
            const char      **meta)
{
  const gint64 dims[] = { 1, 1, h, w };
  gboolean with_weight = w_data != NULL;
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info ("y", NULL, -1);

  g_autoptr(GByteArray) relu = fm_test_node ("Relu", "relu", (const char *[]) { "x", NULL },
                                              with_weight ? "r" : "y");

  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, relu);
  if (with_weight)
    {
      g_autoptr(GByteArray) add = fm_test_node ("Add", "add",
                                                (const char *[]) { "r", "w", NULL }, "y");
      g_autoptr(GByteArray) init = g_byte_array_new ();

      fm_pb_message (graph, FM_ONNX_GRAPH_NODE, add);
      fm_pb_int (init, FM_ONNX_TENSOR_DIMS, 2);
      fm_pb_int (init, FM_ONNX_TENSOR_DIMS, 2);
      fm_pb_int (init, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_FLOAT);
      fm_pb_string (init, FM_ONNX_TENSOR_NAME, "w");
      fm_pb_raw (init, w_data->data, w_data->len);
      fm_pb_message (graph, FM_ONNX_GRAPH_INITIALIZER, init);
    }
  fm_pb_string (graph, FM_ONNX_GRAPH_NAME, "g");
  fm_pb_message (graph, FM_ONNX_GRAPH_INPUT, in);
  fm_pb_message (graph, FM_ONNX_GRAPH_OUTPUT, out);
  return fm_test_model_bytes (graph, meta);
}

GByteArray *
fm_test_graph_model_bytes (GByteArray       *graph,
                           const char       *name,
                           GByteArray       *input,
                           GByteArray       *output)
{
  fm_pb_string (graph, FM_ONNX_GRAPH_NAME, name);
  fm_pb_message (graph, FM_ONNX_GRAPH_INPUT, input);
  fm_pb_message (graph, FM_ONNX_GRAPH_OUTPUT, output);
  return fm_test_model_bytes (graph, NULL);
}

GByteArray *
fm_test_relu_model (gint64       h,
                    gint64       w,
                    gboolean     with_weight,
                    const char **meta)
{
  const float wdata[] = { 0.5f, 0.25f, -1.0f, 2.0f };
  g_autoptr(GByteArray) raw = NULL;

  if (with_weight)
    {
      raw = g_byte_array_new ();
      fm_pb_bytes (raw, FM_ONNX_TENSOR_RAW_DATA, wdata, sizeof wdata);
    }
  return relu_model (h, w, raw, meta);
}

FmModel *
fm_test_load (GByteArray         *model,
              gsize               budget,
              const FmOnnxLimits *limits,
              GError            **error)
{
  FmModelOptions opts;

  fm_model_options_init (&opts);
  if (budget != 0)
    opts.memory_budget = budget;
  if (limits != NULL)
    opts.limits = *limits;
  return fm_model_load_bytes (model->data, model->len, "limits.onnx", NULL,
                              &opts, error);
}

static void
add_entry (GByteArray *tensor,
           const char *key,
           const char *value)
{
  g_autoptr(GByteArray) e = g_byte_array_new ();

  if (value == NULL)
    return;
  fm_pb_string (e, FM_ONNX_ENTRY_KEY, key);
  fm_pb_string (e, FM_ONNX_ENTRY_VALUE, value);
  fm_pb_message (tensor, FM_ONNX_TENSOR_EXTERNAL_DATA, e);
}

GByteArray *
fm_test_relu_external_model (const char *location)
{
  g_autoptr(GByteArray) external = g_byte_array_new ();

  add_entry (external, "location", location);
  fm_pb_int (external, FM_ONNX_TENSOR_DATA_LOCATION, FM_ONNX_DATA_LOCATION_EXTERNAL);
  return relu_model (2, 2, external, NULL);
}

FmOnnxTensor *
fm_test_external_tensor (const char *name,
                         gint64      n,
                         const char *location,
                         const char *offset,
                         const char *length)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();

  fm_pb_string (b, FM_ONNX_TENSOR_NAME, name);
  fm_pb_int (b, FM_ONNX_TENSOR_DIMS, n);
  fm_pb_int (b, FM_ONNX_TENSOR_DATA_TYPE, FM_ONNX_FLOAT);
  add_entry (b, "location", location);
  add_entry (b, "offset", offset);
  add_entry (b, "length", length);
  fm_pb_int (b, FM_ONNX_TENSOR_DATA_LOCATION, FM_ONNX_DATA_LOCATION_EXTERNAL);
  return fm_test_decode_tensor (b);
}

GByteArray *
fm_test_dynamic_relu_model (const char *name)
{
  const gint64 dims[4] = { -1, 1, -1, -1 };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info ("y", dims, 4);
  g_autoptr(GByteArray) node = fm_test_node ("Relu", "relu", (const char *[]) { "x", NULL }, "y");

  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
  return fm_test_graph_model_bytes (graph, name, in, out);
}
