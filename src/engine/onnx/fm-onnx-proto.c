/* fm-onnx-proto.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bounded protobuf decoder of fm-onnx-proto.h (DESIGN.md): a table of
 * fields per message, read by one loop, decode_message(), that checks every
 * count against its limit before anything is allocated for it. Repeated
 * numbers need a byte of input each, so the input bounds them.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-onnx-fields.h"
#include "fm-onnx-private.h"

void
fm_onnx_limits_init_default (FmOnnxLimits *limits)
{
  limits->max_depth = 32;
  limits->max_nodes = 100000;
  limits->max_tensors = 100000;
  limits->max_attributes = 1000;
  limits->max_strings = 10000;
}

/* ---- field tables ------------------------------------------------------- */

typedef enum
{
  KIND_INT,        /* varint -> gint64; a singular field keeps the last value */
  KIND_ENUM,       /* varint -> int */
  KIND_FLOAT,      /* fixed32 -> float */
  KIND_STRING,     /* char *, NUL-terminated copy */
  KIND_BYTES,      /* FmPbBytes pointing into the input */
  KIND_COUNT,      /* guint: a length-delimited field counted, not kept */
  KIND_STRINGS,    /* GPtrArray of char *, bounded by Field.limit */
  KIND_NUMBERS,    /* GArray of Field.num, packed or not */
  KIND_MESSAGE,    /* a pointer to a sub-message; the last one wins */
  KIND_MESSAGES,   /* GPtrArray of sub-messages, bounded by Field.limit */
  KIND_INLINE,     /* a sub-message whose fields fill the same struct */
  KIND_DIMS,       /* TensorProto.dims: FmOnnxTensor.dims and rank */
  KIND_SHAPE_DIM,  /* TensorShapeProto.dim: one more dim of FmOnnxValueInfo */
} Kind;

typedef struct _Message Message;

typedef struct
{
  guint32          number;
  Kind             kind;
  gsize            offset;   /* of the member in the message's struct */
  const char      *name;     /* in error paths */
  gsize            limit;    /* KIND_STRINGS, KIND_MESSAGES: the offset of the
                              * FmOnnxLimits member that bounds the count */
  FmPbNum          num;      /* KIND_NUMBERS */
  const Message   *message;  /* KIND_MESSAGE(S), KIND_INLINE, KIND_SHAPE_DIM */
  gsize            seen;     /* if not 0, the offset of a gboolean member set
                              * when the field is read, cleared with it */
  /* Called after a value was read into @obj. */
  void           (*then) (FmPbDecoder *d, gpointer obj, gsize tag_at);
} Field;

struct _Message
{
  const Field *fields;
  guint        n_fields;
  gsize        size;       /* of the struct allocated for it */
  gboolean     arrays;     /* its repeated fields are never NULL */
};

static gpointer
message_new (const Message *msg)
{
  gpointer obj = g_malloc0 (msg->size);

  for (guint i = 0; msg->arrays && i < msg->n_fields; i++)
    {
      const Field *f = &msg->fields[i];

      if (f->kind == KIND_STRINGS || f->kind == KIND_MESSAGES)
        G_STRUCT_MEMBER (GPtrArray *, obj, f->offset) =
          g_ptr_array_new_with_free_func (f->kind == KIND_STRINGS ? g_free : NULL);
    }
  return obj;
}

static void message_free (const Message *msg,
                          gpointer       obj);

/* Frees what @obj's fields hold, walking the tables down, and resets
 * what a KIND_INLINE message read again replaces: seen flags, enums and
 * the shape. */
static void
message_clear (const Message *msg,
               gpointer       obj)
{
  for (guint i = 0; i < msg->n_fields; i++)
    {
      const Field *f = &msg->fields[i];
      gpointer *p = G_STRUCT_MEMBER_P (obj, f->offset);
      FmOnnxValueInfo *v = obj;
      GPtrArray *arr;

      if (f->seen != 0)
        G_STRUCT_MEMBER (gboolean, obj, f->seen) = FALSE;
      switch (f->kind)
        {
        case KIND_ENUM:
          *(int *) p = 0;
          break;
        case KIND_STRING:
          g_clear_pointer (p, g_free);
          break;
        case KIND_NUMBERS:
          g_clear_pointer ((GArray **) p, g_array_unref);
          break;
        case KIND_MESSAGE:
          message_free (f->message, g_steal_pointer (p));
          break;
        case KIND_MESSAGES:
          arr = *p;
          for (guint k = 0; arr != NULL && k < arr->len; k++)
            message_free (f->message, g_ptr_array_index (arr, k));
          G_GNUC_FALLTHROUGH;
        case KIND_STRINGS:
          g_clear_pointer ((GPtrArray **) p, g_ptr_array_unref);
          break;
        case KIND_INLINE:
          message_clear (f->message, obj);
          break;
        case KIND_SHAPE_DIM:
          for (int k = 0; k < FM_MAX_RANK; k++)
            g_clear_pointer (&v->dim_params[k], g_free);
          v->rank = 0;
          memset (v->dims, 0, sizeof v->dims);
          break;
        default:
          break;
        }
    }
}

static void
message_free (const Message *msg,
              gpointer       obj)
{
  if (obj == NULL)
    return;
  message_clear (msg, obj);
  g_free (obj);
}

/* ---- the schema --------------------------------------------------------- */

/* What some fields do beyond storing a value. */

static void
attribute_s_seen (FmPbDecoder *d,
                  gpointer     obj,
                  gsize        tag_at)
{
  FmOnnxAttribute *a = obj;

  a->s_len = strlen (a->s); /* the string holds no NUL */
}

/* Every ONNX writer puts ir_version first (fields in number order); no
 * text file starts with its tag byte 0x08. */
static void
ir_version_seen (FmPbDecoder *d,
                 gpointer     obj,
                 gsize        tag_at)
{
  FmOnnxModel *m = obj;

  if (tag_at == 0 && m->ir_version >= 1
      && m->ir_version <= FM_ONNX_MAX_PLAUSIBLE_IR_VERSION)
    d->info->looks_like_model = TRUE;
}

/* A TensorShapeProto.Dimension before it becomes dims[i] and
 * dim_params[i]: dim_value and dim_param are a oneof, the last one wins. */
typedef struct
{
  gint64  value;           /* -1 for neither */
  char   *param;
} Dim;

static void
dim_value_seen (FmPbDecoder *d,
                gpointer     obj,
                gsize        tag_at)
{
  g_clear_pointer (&((Dim *) obj)->param, g_free);
}

static void
dim_param_seen (FmPbDecoder *d,
                gpointer     obj,
                gsize        tag_at)
{
  ((Dim *) obj)->value = -1;
}

/* One row: the field number's name, kind, struct and member, the name in
 * error paths, then what the kind needs (.num, .limit, .message) and what
 * else reading it does (.seen, .then). */
#define FIELD(NUMBER, KIND, type, member, name, ...) \
  { FM_ONNX_##NUMBER, KIND_##KIND, offsetof (type, member), name, __VA_ARGS__ }
/* Rows whose value is not one member: it fills the struct itself. */
#define WHOLE(NUMBER, KIND, name, ...) { FM_ONNX_##NUMBER, KIND_##KIND, 0, name, __VA_ARGS__ }
#define LIMIT(member) .limit = offsetof (FmOnnxLimits, member)
#define SEEN(type, member) .seen = offsetof (type, member)
#define MESSAGE(fields, ...) { fields, G_N_ELEMENTS (fields), __VA_ARGS__ }

static const Field string_pair_fields[] = {
  FIELD (ENTRY_KEY, STRING, FmOnnxStringPair, key, "key"),
  FIELD (ENTRY_VALUE, STRING, FmOnnxStringPair, value, "value"),
};
static const Message string_pair_message = MESSAGE (string_pair_fields, sizeof (FmOnnxStringPair));

static const Field tensor_fields[] = {
  WHOLE (TENSOR_DIMS, DIMS, "dims"),
  FIELD (TENSOR_DATA_TYPE, ENUM, FmOnnxTensor, data_type, "data_type"),
  FIELD (TENSOR_FLOAT_DATA, NUMBERS, FmOnnxTensor, float_data, "float_data",
         .num = FM_PB_NUM_FLOAT),
  FIELD (TENSOR_INT32_DATA, NUMBERS, FmOnnxTensor, int32_data, "int32_data",
         .num = FM_PB_NUM_INT32),
  FIELD (TENSOR_STRING_DATA, COUNT, FmOnnxTensor, n_string_data, "string_data"),
  FIELD (TENSOR_INT64_DATA, NUMBERS, FmOnnxTensor, int64_data, "int64_data",
         .num = FM_PB_NUM_INT64),
  FIELD (TENSOR_NAME, STRING, FmOnnxTensor, name, "name"),
  FIELD (TENSOR_RAW_DATA, BYTES, FmOnnxTensor, raw_data, "raw_data",
         SEEN (FmOnnxTensor, has_raw_data)),
  FIELD (TENSOR_DOUBLE_DATA, NUMBERS, FmOnnxTensor, double_data, "double_data",
         .num = FM_PB_NUM_DOUBLE),
  FIELD (TENSOR_UINT64_DATA, NUMBERS, FmOnnxTensor, uint64_data, "uint64_data",
         .num = FM_PB_NUM_UINT64),
  FIELD (TENSOR_EXTERNAL_DATA, MESSAGES, FmOnnxTensor, external_data, "external_data",
         LIMIT (max_strings), .message = &string_pair_message),
  FIELD (TENSOR_DATA_LOCATION, ENUM, FmOnnxTensor, data_location, "data_location"),
};
static const Message tensor_message = MESSAGE (tensor_fields, sizeof (FmOnnxTensor));

static const Field attribute_fields[] = {
  FIELD (ATTRIBUTE_NAME, STRING, FmOnnxAttribute, name, "name"),
  FIELD (ATTRIBUTE_F, FLOAT, FmOnnxAttribute, f, "f"),
  FIELD (ATTRIBUTE_I, INT, FmOnnxAttribute, i, "i"),
  FIELD (ATTRIBUTE_S, STRING, FmOnnxAttribute, s, "s", .then = attribute_s_seen),
  FIELD (ATTRIBUTE_T, MESSAGE, FmOnnxAttribute, t, "t", .message = &tensor_message),
  FIELD (ATTRIBUTE_G, COUNT, FmOnnxAttribute, n_graphs, "g"),
  FIELD (ATTRIBUTE_FLOATS, NUMBERS, FmOnnxAttribute, floats, "floats", .num = FM_PB_NUM_FLOAT),
  FIELD (ATTRIBUTE_INTS, NUMBERS, FmOnnxAttribute, ints, "ints", .num = FM_PB_NUM_INT64),
  FIELD (ATTRIBUTE_STRINGS, STRINGS, FmOnnxAttribute, strings, "strings", LIMIT (max_strings)),
  FIELD (ATTRIBUTE_TENSORS, COUNT, FmOnnxAttribute, n_tensors, "tensors"),
  FIELD (ATTRIBUTE_GRAPHS, COUNT, FmOnnxAttribute, n_graphs, "graphs"),
  FIELD (ATTRIBUTE_TYPE, ENUM, FmOnnxAttribute, type, "type"),
};
static const Message attribute_message = MESSAGE (attribute_fields, sizeof (FmOnnxAttribute));

static const Field node_fields[] = {
  FIELD (NODE_INPUT, STRINGS, FmOnnxNode, inputs, "input", LIMIT (max_strings)),
  FIELD (NODE_OUTPUT, STRINGS, FmOnnxNode, outputs, "output", LIMIT (max_strings)),
  FIELD (NODE_NAME, STRING, FmOnnxNode, name, "name"),
  FIELD (NODE_OP_TYPE, STRING, FmOnnxNode, op_type, "op_type"),
  FIELD (NODE_ATTRIBUTE, MESSAGES, FmOnnxNode, attributes, "attribute",
         LIMIT (max_attributes), .message = &attribute_message),
  FIELD (NODE_DOMAIN, STRING, FmOnnxNode, domain, "domain"),
  FIELD (NODE_DOC_STRING, STRING, FmOnnxNode, doc_string, "doc_string"),
};
static const Message node_message = MESSAGE (node_fields, sizeof (FmOnnxNode), .arrays = TRUE);

/* ValueInfoProto.type, TypeProto.tensor_type and TypeProto.Tensor.shape
 * fill the one FmOnnxValueInfo (KIND_INLINE), each replacing what an
 * earlier one set; a dim goes through a Dim. */
static const Field dim_fields[] = {
  FIELD (DIM_VALUE, INT, Dim, value, "dim_value", .then = dim_value_seen),
  FIELD (DIM_PARAM, STRING, Dim, param, "dim_param", .then = dim_param_seen),
};
static const Message dim_message = MESSAGE (dim_fields);

static const Field shape_fields[] = {
  WHOLE (SHAPE_DIM, SHAPE_DIM, "dim", .message = &dim_message),
};
static const Message shape_message = MESSAGE (shape_fields);

static const Field tensor_type_fields[] = {
  FIELD (TENSOR_TYPE_ELEM_TYPE, ENUM, FmOnnxValueInfo, elem_type, "elem_type"),
  WHOLE (TENSOR_TYPE_SHAPE, INLINE, "shape", .message = &shape_message,
         SEEN (FmOnnxValueInfo, has_shape)),
};
static const Message tensor_type_message = MESSAGE (tensor_type_fields);

static const Field type_fields[] = {
  WHOLE (TYPE_TENSOR_TYPE, INLINE, "tensor_type", .message = &tensor_type_message,
         SEEN (FmOnnxValueInfo, has_type)),
};
static const Message type_message = MESSAGE (type_fields);

static const Field value_info_fields[] = {
  FIELD (VALUE_INFO_NAME, STRING, FmOnnxValueInfo, name, "name"),
  WHOLE (VALUE_INFO_TYPE, INLINE, "type", .message = &type_message),
};
static const Message value_info_message = MESSAGE (value_info_fields, sizeof (FmOnnxValueInfo));

static const Field graph_fields[] = {
  FIELD (GRAPH_NODE, MESSAGES, FmOnnxGraph, nodes, "node", LIMIT (max_nodes),
         .message = &node_message),
  FIELD (GRAPH_NAME, STRING, FmOnnxGraph, name, "name"),
  FIELD (GRAPH_INITIALIZER, MESSAGES, FmOnnxGraph, initializers, "initializer",
         LIMIT (max_tensors), .message = &tensor_message),
  FIELD (GRAPH_INPUT, MESSAGES, FmOnnxGraph, inputs, "input", LIMIT (max_tensors),
         .message = &value_info_message),
  FIELD (GRAPH_OUTPUT, MESSAGES, FmOnnxGraph, outputs, "output", LIMIT (max_tensors),
         .message = &value_info_message),
  FIELD (GRAPH_VALUE_INFO, MESSAGES, FmOnnxGraph, value_infos, "value_info", LIMIT (max_nodes),
         .message = &value_info_message),
  FIELD (GRAPH_SPARSE_INITIALIZER, COUNT, FmOnnxGraph, n_sparse_initializers,
         "sparse_initializer"),
  FIELD (GRAPH_DOC_STRING, STRING, FmOnnxGraph, doc_string, "doc_string"),
};
static const Message graph_message = MESSAGE (graph_fields, sizeof (FmOnnxGraph), .arrays = TRUE);

static const Field opset_fields[] = {
  FIELD (OPSET_DOMAIN, STRING, FmOnnxOpset, domain, "domain"),
  FIELD (OPSET_VERSION, INT, FmOnnxOpset, version, "version"),
};
static const Message opset_message = MESSAGE (opset_fields, sizeof (FmOnnxOpset));

static const Field model_fields[] = {
  FIELD (MODEL_IR_VERSION, INT, FmOnnxModel, ir_version, "ir_version",
         .then = ir_version_seen),
  FIELD (MODEL_PRODUCER_NAME, STRING, FmOnnxModel, producer_name, "producer_name"),
  FIELD (MODEL_PRODUCER_VERSION, STRING, FmOnnxModel, producer_version, "producer_version"),
  FIELD (MODEL_DOMAIN, STRING, FmOnnxModel, domain, "domain"),
  FIELD (MODEL_MODEL_VERSION, INT, FmOnnxModel, model_version, "model_version"),
  FIELD (MODEL_DOC_STRING, STRING, FmOnnxModel, doc_string, "doc_string"),
  FIELD (MODEL_GRAPH, MESSAGE, FmOnnxModel, graph, "graph", .message = &graph_message),
  FIELD (MODEL_OPSET_IMPORT, MESSAGES, FmOnnxModel, opset_imports, "opset_import",
         LIMIT (max_strings), .message = &opset_message),
  FIELD (MODEL_METADATA_PROPS, MESSAGES, FmOnnxModel, metadata_props, "metadata_props",
         LIMIT (max_strings), .message = &string_pair_message),
  FIELD (MODEL_TRAINING_INFO, COUNT, FmOnnxModel, n_training_info, "training_info"),
  FIELD (MODEL_FUNCTIONS, COUNT, FmOnnxModel, n_functions, "functions"),
};
static const Message model_message = MESSAGE (model_fields, sizeof (FmOnnxModel), .arrays = TRUE);

/* ---- the loop ----------------------------------------------------------- */

static gboolean decode_message (FmPbDecoder   *d,
                                FmPbSpan       s,
                                const Message *msg,
                                gpointer       obj);

/* KIND_STRINGS, KIND_MESSAGES: room for one more entry, checked before
 * anything is allocated for it. */
static gboolean
check_count (FmPbDecoder *d,
             const Field *f,
             gpointer     obj,
             gsize        tag_at)
{
  GPtrArray *arr = G_STRUCT_MEMBER (GPtrArray *, obj, f->offset);
  guint limit = G_STRUCT_MEMBER (guint, &d->limits, f->limit);

  if (arr == NULL || arr->len < limit)
    return TRUE;
  return _fm_pb_fail (d, FM_ERROR_LIMIT, f->name, tag_at, _("more than %u entries"), limit);
}

/* KIND_DIMS, KIND_SHAPE_DIM: room for @rank dims. */
static gboolean
check_rank (FmPbDecoder *d,
            const char  *field,
            gsize        tag_at,
            gsize        rank)
{
  if (rank <= FM_MAX_RANK)
    return TRUE;
  return _fm_pb_fail (d, FM_ERROR_LIMIT, field, tag_at,
                      /* Translators: a reason for the “%s: %s at byte %zu” message; the rank
                         (number of dimensions) of a tensor and the largest rank supported. */
                      _("rank %zu exceeds %d"), rank, FM_MAX_RANK);
}

/* Reads the length-delimited sub-message after @tag, a @msg, into @obj,
 * named @name[@index] in the path (no index when < 0); checks the wire
 * type, the length and the depth first. The loop recurses through here. */
static gboolean
read_nested (FmPbDecoder   *d,
             FmPbSpan      *s,
             const FmPbTag *tag,
             const Message *msg,
             gpointer       obj,
             const char    *name,
             gint64         index)
{
  gsize mark = d->path->len;
  FmPbSpan sub;
  gboolean ok;

  g_string_append_printf (d->path, "%s%s", mark > 0 ? "." : "", name);
  if (index >= 0)
    g_string_append_printf (d->path, "[%" G_GINT64_FORMAT "]", index);

  if (!_fm_pb_expect_wire (d, NULL, tag, FM_PB_WIRE_LEN)
      || !_fm_pb_read_value (d, s, FM_PB_WIRE_LEN, NULL, NULL, &sub))
    ok = FALSE;
  else if (d->depth >= d->limits.max_depth)
    ok = _fm_pb_fail (d, FM_ERROR_LIMIT, NULL, tag->at,
                      _("messages nested deeper than %u"), d->limits.max_depth);
  else
    {
      d->depth++;
      ok = decode_message (d, sub, msg, obj);
      d->depth--;
    }
  g_string_truncate (d->path, mark);
  return ok;
}

/* KIND_MESSAGE, KIND_MESSAGES, KIND_INLINE: a sub-message of @obj. */
static gboolean
read_message (FmPbDecoder   *d,
              FmPbSpan      *s,
              const FmPbTag *tag,
              const Field   *f,
              gpointer       obj)
{
  gpointer *slot = G_STRUCT_MEMBER_P (obj, f->offset);
  gpointer child = obj;
  gint64 index = -1;

  if (f->kind == KIND_INLINE)
    message_clear (f->message, obj);
  else
    child = message_new (f->message);
  if (f->kind == KIND_MESSAGES)
    {
      if (*slot == NULL)
        *slot = g_ptr_array_new ();
      index = ((GPtrArray *) *slot)->len;
      g_ptr_array_add (*slot, child);
    }
  else if (f->kind == KIND_MESSAGE)
    {
      message_free (f->message, *slot); /* the last one wins */
      *slot = child;
    }
  return read_nested (d, s, tag, f->message, child, f->name, index);
}

/* KIND_DIMS: repeated int64, packed or not, kept in a fixed array. */
static gboolean
read_tensor_dims (FmPbDecoder   *d,
                  FmPbSpan      *s,
                  const FmPbTag *tag,
                  const char    *field,
                  FmOnnxTensor  *t)
{
  gboolean packed = tag->wire == FM_PB_WIRE_LEN;
  FmPbSpan run;
  gsize count = 1;
  guint64 v;

  /* a packed run's rank is checked before reading it, an unpacked dim's after */
  if (packed ? !_fm_pb_read_packed (d, s, FM_PB_NUM_INT64, field, &run, &count)
               || !check_rank (d, field, tag->at, (gsize) t->rank + count)
             : !_fm_pb_expect_wire (d, field, tag, FM_PB_WIRE_VARINT))
    return FALSE;
  while (packed ? run.pos < run.end : count-- > 0)
    {
      if (!_fm_pb_read_varint (d, packed ? &run : s, field, &v)
          || (!packed && !check_rank (d, field, tag->at, (gsize) t->rank + 1)))
        return FALSE;
      t->dims[t->rank++] = (gint64) v;
    }
  return TRUE;
}

/* KIND_SHAPE_DIM: one more dim of the value's shape. */
static gboolean
read_shape_dim (FmPbDecoder     *d,
                FmPbSpan        *s,
                const FmPbTag   *tag,
                const Field     *f,
                FmOnnxValueInfo *v)
{
  Dim dim = { -1, NULL }; /* neither dim_value nor dim_param */
  int i = v->rank;
  gboolean ok;

  if (!check_rank (d, f->name, tag->at, (gsize) i + 1))
    return FALSE;
  v->rank++;
  ok = read_nested (d, s, tag, f->message, &dim, f->name, i);
  v->dims[i] = dim.value;
  v->dim_params[i] = dim.param;
  return ok;
}

/* The kinds that hold one value (or one more string): checks the wire
 * type, reads the value and stores it. */
static gboolean
read_scalar (FmPbDecoder   *d,
             FmPbSpan      *s,
             const FmPbTag *tag,
             const Field   *f,
             gpointer       obj)
{
  gpointer p = G_STRUCT_MEMBER_P (obj, f->offset);
  int want = f->kind == KIND_INT || f->kind == KIND_ENUM ? FM_PB_WIRE_VARINT
             : f->kind == KIND_FLOAT ? FM_PB_WIRE_FIXED32 : FM_PB_WIRE_LEN;
  char *str = NULL;
  guint32 bits;
  guint64 v = 0;
  FmPbSpan bytes = { 0, 0 };

  if (!_fm_pb_expect_wire (d, f->name, tag, want)
      || !_fm_pb_read_value (d, s, want, f->name, &v, &bytes)
      || ((f->kind == KIND_STRING || f->kind == KIND_STRINGS)
          && !_fm_pb_string_copy (d, bytes, f->name, &str)))
    return FALSE;

  switch (f->kind)
    {
    case KIND_INT:
      *(gint64 *) p = (gint64) v;
      break;
    case KIND_ENUM: /* an int, or a float's bits: the low 32 bits */
    case KIND_FLOAT:
      bits = (guint32) v;
      memcpy (p, &bits, 4);
      break;
    case KIND_STRING:
      g_free (*(char **) p);
      *(char **) p = str;
      break;
    case KIND_STRINGS:
      if (*(GPtrArray **) p == NULL)
        *(GPtrArray **) p = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (*(GPtrArray **) p, str);
      break;
    case KIND_BYTES:
      ((FmPbBytes *) p)->data = d->buf + bytes.pos;
      ((FmPbBytes *) p)->len = bytes.end - bytes.pos;
      break;
    default: /* KIND_COUNT */
      if (*(guint *) p < G_MAXUINT)
        (*(guint *) p)++;
      break;
    }
  return TRUE;
}

/* Reads the fields of @msg in @s into @obj; unknown fields are skipped. */
static gboolean
decode_message (FmPbDecoder   *d,
                FmPbSpan       s,
                const Message *msg,
                gpointer       obj)
{
  while (s.pos < s.end)
    {
      const Field *f = NULL;
      guint64 v;
      FmPbSpan bytes;
      FmPbTag tag;
      gboolean ok;

      if (!_fm_pb_read_tag (d, &s, &tag))
        return FALSE;
      for (guint i = 0; i < msg->n_fields && f == NULL; i++)
        if (msg->fields[i].number == tag.number)
          f = &msg->fields[i];

      if (f == NULL)
        ok = _fm_pb_read_value (d, &s, tag.wire, NULL, &v, &bytes);
      else if ((f->kind == KIND_STRINGS || f->kind == KIND_MESSAGES)
               && !check_count (d, f, obj, tag.at))
        ok = FALSE;
      else if (f->kind == KIND_NUMBERS)
        ok = _fm_pb_read_numbers (d, &s, &tag, f->num, f->name,
                                  G_STRUCT_MEMBER_P (obj, f->offset));
      else if (f->kind == KIND_DIMS)
        ok = read_tensor_dims (d, &s, &tag, f->name, obj);
      else if (f->kind == KIND_SHAPE_DIM)
        ok = read_shape_dim (d, &s, &tag, f, obj);
      else if (f->kind == KIND_MESSAGE || f->kind == KIND_MESSAGES
               || f->kind == KIND_INLINE)
        ok = read_message (d, &s, &tag, f, obj);
      else
        ok = read_scalar (d, &s, &tag, f, obj);
      if (!ok)
        return FALSE;
      if (f != NULL && f->seen != 0)
        G_STRUCT_MEMBER (gboolean, obj, f->seen) = TRUE;
      if (f != NULL && f->then != NULL)
        f->then (d, obj, tag.at);
    }
  return TRUE;
}

/* ---- public ------------------------------------------------------------- */

/* Decodes the root message @msg from @data into a new struct. */
static gpointer
decode_root (const guint8        *data,
             gsize                len,
             const FmOnnxLimits  *limits,
             const Message       *msg,
             const char          *root,
             FmOnnxDecodeInfo    *info,
             GError             **error)
{
  static const guint8 empty[1] = { 0 };
  gpointer obj = message_new (msg);
  FmPbDecoder d = { data != NULL ? data : empty, data != NULL ? len : 0 };

  /* zero fields mean the defaults */
  G_STATIC_ASSERT (sizeof (FmOnnxLimits) == 5 * sizeof (guint));
  fm_onnx_limits_init_default (&d.limits);
  for (guint i = 0; limits != NULL && i < sizeof *limits / sizeof (guint); i++)
    if (((const guint *) limits)[i] != 0)
      ((guint *) &d.limits)[i] = ((const guint *) limits)[i];
  /* Paths start at the model's top ("graph.node[3]") or at "tensor" ("tensor.dims"). */
  d.path = g_string_new (msg == &tensor_message ? root : NULL);
  d.root = root;
  d.depth = 1; /* the root message itself */
  d.info = info;
  d.error = error;
  memset (info, 0, sizeof *info);

  if (!decode_message (&d, (FmPbSpan) { 0, d.len }, msg, obj))
    {
      message_free (msg, obj);
      obj = NULL;
    }
  g_string_free (d.path, TRUE);
  return obj;
}

FmOnnxModel *
fm_onnx_model_decode (const guint8        *data,
                      gsize                len,
                      const FmOnnxLimits  *limits,
                      GError             **error)
{
  return fm_onnx_model_decode_full (data, len, limits, &(FmOnnxDecodeInfo) { 0 }, error);
}

FmOnnxModel *
fm_onnx_model_decode_full (const guint8        *data,
                           gsize                len,
                           const FmOnnxLimits  *limits,
                           FmOnnxDecodeInfo    *info,
                           GError             **error)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return decode_root (data, len, limits, &model_message, "model", info, error);
}

FmOnnxTensor *
fm_onnx_tensor_decode (const guint8        *data,
                       gsize                len,
                       const FmOnnxLimits  *limits,
                       GError             **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return decode_root (data, len, limits, &tensor_message, "tensor",
                      &(FmOnnxDecodeInfo) { 0 }, error);
}

void
fm_onnx_tensor_free (FmOnnxTensor *tensor)
{
  message_free (&tensor_message, tensor);
}

void
fm_onnx_model_free (FmOnnxModel *model)
{
  message_free (&model_message, model);
}
