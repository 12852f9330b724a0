/* fm-onnx-write.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The encoder of fm-onnx-write.h: one function per message, each writing
 * its fields in number order into a GByteArray; a sub-message is written
 * into its own array first, then appended with its length.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-onnx-fields.h"
#include "fm-onnx-write.h"

enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5 };

/* The length of an array that a hand-made struct may leave NULL. */
static guint
len_of (const GPtrArray *a)
{
  return a != NULL ? a->len : 0;
}

static void
put_varint (GByteArray *b,
            guint64     v)
{
  guint8 buf[10];
  guint n = 0;

  do
    {
      buf[n] = (guint8) (v & 0x7f);
      v >>= 7;
      if (v != 0)
        buf[n] |= 0x80;
      n++;
    }
  while (v != 0);
  g_byte_array_append (b, buf, n);
}

static void
put_tag (GByteArray *b,
         guint32     number,
         guint       wire)
{
  put_varint (b, ((guint64) number << 3) | wire);
}

static void
put_int (GByteArray *b,
         guint32     number,
         gint64      v)
{
  put_tag (b, number, WIRE_VARINT);
  put_varint (b, (guint64) v);
}

static void
put_bytes (GByteArray *b,
           guint32     number,
           const void *data,
           gsize       len)
{
  put_tag (b, number, WIRE_LEN);
  put_varint (b, len);
  if (len > 0)
    g_byte_array_append (b, data, (guint) len);
}

/* A string field, left out when NULL. */
static void
put_string (GByteArray *b,
            guint32     number,
            const char *s)
{
  if (s != NULL)
    put_bytes (b, number, s, strlen (s));
}

/* Each string of @strings (may be NULL) as field @number. */
static void
put_strings (GByteArray      *b,
             guint32          number,
             const GPtrArray *strings)
{
  for (guint i = 0; i < len_of (strings); i++)
    put_string (b, number, g_ptr_array_index (strings, i));
}

/* Appends @sub as field @number and frees it. */
static void
put_message (GByteArray *b,
             guint32     number,
             GByteArray *sub)
{
  put_bytes (b, number, sub->data, sub->len);
  g_byte_array_unref (sub);
}

/* The low @size bytes of @bits, little-endian on any host. */
static void
put_le (GByteArray *b,
        guint64     bits,
        guint       size)
{
  guint8 le[8];

  for (guint k = 0; k < size; k++)
    le[k] = (guint8) (bits >> (8 * k));
  g_byte_array_append (b, le, size);
}

/* Packed numbers of @size bytes each: little-endian fixed-width (floats,
 * doubles), or with @varint varints of gint32 (@size 4) or 64-bit
 * elements. */
static void
put_packed (GByteArray   *b,
            guint32       number,
            const GArray *a,
            guint         size,
            gboolean      varint)
{
  g_autoptr(GByteArray) run = g_byte_array_new ();

  if (a == NULL)
    return;
  for (guint i = 0; i < a->len; i++)
    {
      guint64 bits = 0;

      if (varint)
        {
          put_varint (run, size == 4 ? (guint64) (gint64) g_array_index (a, gint32, i)
                                     : g_array_index (a, guint64, i));
          continue;
        }
      memcpy (&bits, a->data + (gsize) i * size, size);
      put_le (run, bits, size);
    }
  put_bytes (b, number, run->data, run->len);
}

static void
put_float (GByteArray *b,
           guint32     number,
           float       f)
{
  guint32 bits;

  memcpy (&bits, &f, 4);
  put_tag (b, number, WIRE_FIXED32);
  put_le (b, bits, 4);
}

static GByteArray *
encode_tensor (const FmOnnxTensor *t)
{
  GByteArray *b = g_byte_array_new ();
  g_autoptr(GArray) dims = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_vals (dims, t->dims, t->rank);
  if (t->rank > 0)
    put_packed (b, FM_ONNX_TENSOR_DIMS, dims, 8, TRUE);
  put_int (b, FM_ONNX_TENSOR_DATA_TYPE, t->data_type);
  put_packed (b, FM_ONNX_TENSOR_FLOAT_DATA, t->float_data, 4, FALSE);
  put_packed (b, FM_ONNX_TENSOR_INT32_DATA, t->int32_data, 4, TRUE);
  put_packed (b, FM_ONNX_TENSOR_INT64_DATA, t->int64_data, 8, TRUE);
  put_string (b, FM_ONNX_TENSOR_NAME, t->name);
  if (t->has_raw_data)
    put_bytes (b, FM_ONNX_TENSOR_RAW_DATA, t->raw_data.data, t->raw_data.len);
  put_packed (b, FM_ONNX_TENSOR_DOUBLE_DATA, t->double_data, 8, FALSE);
  put_packed (b, FM_ONNX_TENSOR_UINT64_DATA, t->uint64_data, 8, TRUE);
  return b;
}

static GByteArray *
encode_attribute (const FmOnnxAttribute *a)
{
  GByteArray *b = g_byte_array_new ();
  int type = a->type;

  put_string (b, FM_ONNX_ATTRIBUTE_NAME, a->name);
  if (type == FM_ONNX_ATTR_FLOAT || (type == 0 && a->f != 0.0f))
    put_float (b, FM_ONNX_ATTRIBUTE_F, a->f);
  if (type == FM_ONNX_ATTR_INT || (type == 0 && a->i != 0))
    put_int (b, FM_ONNX_ATTRIBUTE_I, a->i);
  if (a->s != NULL)
    put_bytes (b, FM_ONNX_ATTRIBUTE_S, a->s, a->s_len);
  if (a->t != NULL)
    put_message (b, FM_ONNX_ATTRIBUTE_T, encode_tensor (a->t));
  put_packed (b, FM_ONNX_ATTRIBUTE_FLOATS, a->floats, 4, FALSE);
  put_packed (b, FM_ONNX_ATTRIBUTE_INTS, a->ints, 8, TRUE);
  put_strings (b, FM_ONNX_ATTRIBUTE_STRINGS, a->strings);
  if (type != 0)
    put_int (b, FM_ONNX_ATTRIBUTE_TYPE, type);
  return b;
}

static GByteArray *
encode_node (const FmOnnxNode *n)
{
  GByteArray *b = g_byte_array_new ();

  put_strings (b, FM_ONNX_NODE_INPUT, n->inputs);
  put_strings (b, FM_ONNX_NODE_OUTPUT, n->outputs);
  put_string (b, FM_ONNX_NODE_NAME, n->name);
  put_string (b, FM_ONNX_NODE_OP_TYPE, n->op_type);
  for (guint i = 0; i < len_of (n->attributes); i++)
    put_message (b, FM_ONNX_NODE_ATTRIBUTE, encode_attribute (g_ptr_array_index (n->attributes, i)));
  put_string (b, FM_ONNX_NODE_DOC_STRING, n->doc_string);
  put_string (b, FM_ONNX_NODE_DOMAIN, n->domain);
  return b;
}

/* ValueInfoProto {name, type {tensor_type {elem_type, shape {dim...}}}}. */
static GByteArray *
encode_value_info (const FmOnnxValueInfo *v)
{
  GByteArray *b = g_byte_array_new ();
  GByteArray *tensor_type, *type;

  put_string (b, FM_ONNX_VALUE_INFO_NAME, v->name);
  if (!v->has_type)
    return b;
  tensor_type = g_byte_array_new ();
  type = g_byte_array_new ();
  if (v->elem_type != 0)
    put_int (tensor_type, FM_ONNX_TENSOR_TYPE_ELEM_TYPE, v->elem_type);
  if (v->has_shape)
    {
      GByteArray *shape = g_byte_array_new ();

      for (int i = 0; i < v->rank; i++)
        {
          GByteArray *dim = g_byte_array_new ();

          if (v->dim_params[i] != NULL)
            put_string (dim, FM_ONNX_DIM_PARAM, v->dim_params[i]);
          else if (v->dims[i] >= 0)
            put_int (dim, FM_ONNX_DIM_VALUE, v->dims[i]);
          put_message (shape, FM_ONNX_SHAPE_DIM, dim);
        }
      put_message (tensor_type, FM_ONNX_TENSOR_TYPE_SHAPE, shape);
    }
  put_message (type, FM_ONNX_TYPE_TENSOR_TYPE, tensor_type);
  put_message (b, FM_ONNX_VALUE_INFO_TYPE, type);
  return b;
}

static void
put_value_infos (GByteArray      *b,
                 guint32          number,
                 const GPtrArray *values)
{
  for (guint i = 0; i < len_of (values); i++)
    put_message (b, number, encode_value_info (g_ptr_array_index (values, i)));
}

static GByteArray *
encode_graph (const FmOnnxGraph *g)
{
  GByteArray *b = g_byte_array_new ();

  for (guint i = 0; i < len_of (g->nodes); i++)
    put_message (b, FM_ONNX_GRAPH_NODE, encode_node (g_ptr_array_index (g->nodes, i)));
  put_string (b, FM_ONNX_GRAPH_NAME, g->name);
  for (guint i = 0; i < len_of (g->initializers); i++)
    put_message (b, FM_ONNX_GRAPH_INITIALIZER,
                 encode_tensor (g_ptr_array_index (g->initializers, i)));
  put_string (b, FM_ONNX_GRAPH_DOC_STRING, g->doc_string);
  put_value_infos (b, FM_ONNX_GRAPH_INPUT, g->inputs);
  put_value_infos (b, FM_ONNX_GRAPH_OUTPUT, g->outputs);
  put_value_infos (b, FM_ONNX_GRAPH_VALUE_INFO, g->value_infos);
  return b;
}

static GByteArray *
encode_pair (guint32                 key_number,
             guint32                 value_number,
             const FmOnnxStringPair *p)
{
  GByteArray *b = g_byte_array_new ();

  put_string (b, key_number, p->key);
  put_string (b, value_number, p->value);
  return b;
}

GBytes *
fm_onnx_model_encode (const FmOnnxModel *model)
{
  GByteArray *b = g_byte_array_new ();

  g_return_val_if_fail (model != NULL, NULL);

  put_int (b, FM_ONNX_MODEL_IR_VERSION, model->ir_version);
  put_string (b, FM_ONNX_MODEL_PRODUCER_NAME, model->producer_name);
  put_string (b, FM_ONNX_MODEL_PRODUCER_VERSION, model->producer_version);
  put_string (b, FM_ONNX_MODEL_DOMAIN, model->domain);
  if (model->model_version != 0)
    put_int (b, FM_ONNX_MODEL_MODEL_VERSION, model->model_version);
  put_string (b, FM_ONNX_MODEL_DOC_STRING, model->doc_string);
  if (model->graph != NULL)
    put_message (b, FM_ONNX_MODEL_GRAPH, encode_graph (model->graph));
  for (guint i = 0; i < len_of (model->opset_imports); i++)
    {
      const FmOnnxOpset *o = g_ptr_array_index (model->opset_imports, i);
      GByteArray *sub = g_byte_array_new ();

      put_string (sub, FM_ONNX_OPSET_DOMAIN, o->domain);
      put_int (sub, FM_ONNX_OPSET_VERSION, o->version);
      put_message (b, FM_ONNX_MODEL_OPSET_IMPORT, sub);
    }
  for (guint i = 0; i < len_of (model->metadata_props); i++)
    put_message (b, FM_ONNX_MODEL_METADATA_PROPS,
                 encode_pair (FM_ONNX_ENTRY_KEY, FM_ONNX_ENTRY_VALUE,
                              g_ptr_array_index (model->metadata_props, i)));
  return g_byte_array_free_to_bytes (b);
}

/* ---- what cannot be written --------------------------------------------- */

static gboolean
refuse (GError    **error,
        const char *what,
        const char *part,
        const char *reason)
{
  g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
               /* Translators: "model.onnx: graph.initializer “w”: external data, which
                * prune cannot write back" */
               _("%s: %s: %s, which prune cannot write back"), what, part, reason);
  return FALSE;
}

static gboolean
check_tensor (const FmOnnxTensor *t,
              const char         *what,
              const char         *part,
              GError            **error)
{
  g_autofree char *where = g_strdup_printf ("%s “%s”", part, t->name != NULL ? t->name : "");

  if (t->data_location == FM_ONNX_DATA_LOCATION_EXTERNAL || t->external_data != NULL)
    return refuse (error, what, where, _("weights in an external data file"));
  if (t->n_string_data > 0)
    return refuse (error, what, where, _("string tensors"));
  return TRUE;
}

static gboolean
check_nodes (const FmOnnxGraph *g,
             const char        *what,
             GError           **error)
{
  for (guint i = 0; i < len_of (g->nodes); i++)
    {
      const FmOnnxNode *n = g_ptr_array_index (g->nodes, i);

      for (guint k = 0; k < len_of (n->attributes); k++)
        {
          const FmOnnxAttribute *a = g_ptr_array_index (n->attributes, k);
          g_autofree char *where = g_strdup_printf ("graph.node “%s”.attribute “%s”",
                                                    n->name != NULL ? n->name : "",
                                                    a->name != NULL ? a->name : "");

          if (a->n_graphs > 0)
            return refuse (error, what, where, _("a subgraph"));
          if (a->n_tensors > 0)
            return refuse (error, what, where, _("a list of tensors"));
          if (a->t != NULL && !check_tensor (a->t, what, where, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
fm_onnx_model_check_writable (const FmOnnxModel *model,
                              const char        *what,
                              GError           **error)
{
  const FmOnnxGraph *g = model->graph;

  if (model->n_functions > 0)
    return refuse (error, what, "functions", _("model-local functions"));
  if (model->n_training_info > 0)
    return refuse (error, what, "training_info", _("training information"));
  if (g == NULL)
    return refuse (error, what, "graph", _("no graph"));
  if (g->n_sparse_initializers > 0)
    return refuse (error, what, "graph.sparse_initializer", _("sparse weights"));
  for (guint i = 0; i < len_of (g->initializers); i++)
    if (!check_tensor (g_ptr_array_index (g->initializers, i), what, "graph.initializer", error))
      return FALSE;
  return check_nodes (g, what, error);
}
