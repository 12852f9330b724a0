/* fm-onnx-proto.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A bounded decoder for the protobuf wire format of the onnx.proto subset
 * in fm-onnx-proto.h, and the conversion of a decoded TensorProto into a
 * runtime constant (fm_onnx_tensor_to_const). Every length prefix is
 * checked against the bytes that remain before it is used, every count
 * against its limit before anything is allocated for it, and every error
 * names the field path and the byte offset. raw_data is not copied.
 *
 * It does not check graphs, know about ops, or keep sub-graphs,
 * functions, training info, sparse tensors or string tensor data: those
 * are counted and skipped. Strings absent from the file stay NULL.
 *
 * Growth of the repeated numeric arrays is bounded by the input itself
 * (each element needs at least one byte of it), so those use plain GArray
 * allocation; every message struct is behind a count limit. Besides the
 * FmOnnxLimits documented in the header, opset_import, metadata_props,
 * attribute strings and external_data entries are bounded by max_strings,
 * graph inputs and outputs by max_tensors, and value_info by max_nodes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-onnx-proto.h"

enum
{
  WIRE_VARINT = 0,
  WIRE_FIXED64 = 1,
  WIRE_LEN = 2,
  WIRE_FIXED32 = 5,
};

typedef struct
{
  const guint8 *buf;       /* [len] the whole input */
  gsize         len;
  FmOnnxLimits  limits;
  GString      *path;      /* "graph.node[3].attribute[1]" */
  const char   *root;      /* used when path is empty */
  guint         depth;
  FmOnnxDecodeInfo *info;  /* what a failure says about the whole input */
} Decoder;

/* A message's bytes: absolute offsets into Decoder.buf. */
typedef struct
{
  gsize pos;
  gsize end;
} Span;

void
fm_onnx_limits_init_default (FmOnnxLimits *limits)
{
  limits->max_depth = 32;
  limits->max_nodes = 100000;
  limits->max_tensors = 100000;
  limits->max_attributes = 1000;
  limits->max_strings = 10000;
}

static void
limits_merge (FmOnnxLimits       *out,
              const FmOnnxLimits *in)
{
  fm_onnx_limits_init_default (out);
  if (in == NULL)
    return;
  if (in->max_depth != 0)
    out->max_depth = in->max_depth;
  if (in->max_nodes != 0)
    out->max_nodes = in->max_nodes;
  if (in->max_tensors != 0)
    out->max_tensors = in->max_tensors;
  if (in->max_attributes != 0)
    out->max_attributes = in->max_attributes;
  if (in->max_strings != 0)
    out->max_strings = in->max_strings;
}

/* Sets "<path>[.<field>]: <reason> at byte <offset>". */
static void G_GNUC_PRINTF (6, 7)
fail (Decoder     *d,
      GError     **error,
      int          code,
      const char  *field,
      gsize        offset,
      const char  *format,
      ...)
{
  g_autofree char *reason = NULL;
  g_autoptr(GString) where = g_string_new (d->path->str);
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL)
    {
      if (where->len > 0)
        g_string_append_c (where, '.');
      g_string_append (where, field);
    }
  if (where->len == 0)
    g_string_append (where, d->root);

  /* Translators: the first %s is where in the file, like “model.graph.node[3].attribute[0]”;
     the second is the reason (one of the messages below); %zu is the byte offset in the file. */
  g_set_error (error, FM_ERROR, code, _("%s: %s at byte %zu"),
               where->str, reason, offset);
}

/* Notes that the input ends inside a top-level field: a read at the root
 * message (depth 1, whose span is the whole input) ran past the end.
 * @needed is the size the field's declared length implies, or 0 when the
 * input ends inside a number. Deeper spans lie inside a length already
 * checked against the input, so running past them is damage, not a cut. */
static void
note_truncated (Decoder *d,
                Span    *s,
                guint64  needed)
{
  if (d->depth == 1 && s->end == d->len)
    {
      d->info->truncated = TRUE;
      d->info->needed = needed;
    }
}

/* ---- wire primitives ---------------------------------------------------- */

static gboolean
read_varint (Decoder     *d,
             Span        *s,
             const char  *field,
             guint64     *out,
             GError     **error)
{
  gsize start = s->pos;
  guint64 v = 0;

  for (int i = 0; i < 10; i++)
    {
      guint8 b;

      if (s->pos >= s->end)
        {
          note_truncated (d, s, 0);
          fail (d, error, FM_ERROR_INVALID_MODEL, field, start,
                /* Translators: a reason for the “%s: %s at byte %zu” message. A varint is
                   protobuf's variable-length integer encoding. */
                _("truncated varint"));
          return FALSE;
        }
      b = d->buf[s->pos++];
      v |= (guint64) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0)
        {
          *out = v;
          return TRUE;
        }
    }

  fail (d, error, FM_ERROR_INVALID_MODEL, field, start,
        /* Translators: a reason for the “%s: %s at byte %zu” message. A varint is protobuf's
           variable-length integer encoding. */
        _("varint longer than 10 bytes"));
  return FALSE;
}

static gboolean
read_tag (Decoder  *d,
          Span     *s,
          guint32  *field_number,
          int      *wire,
          GError  **error)
{
  gsize start = s->pos;
  guint64 tag;

  if (!read_varint (d, s, NULL, &tag, error))
    return FALSE;

  if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
    {
      fail (d, error, FM_ERROR_INVALID_MODEL, NULL, start,
            /* Translators: a reason for the “%s: %s at byte %zu” message; the number is a
               protobuf field number. */
            _("invalid field number %" PRIu64), tag >> 3);
      return FALSE;
    }

  *field_number = (guint32) (tag >> 3);
  *wire = (int) (tag & 7);

  switch (*wire)
    {
    case WIRE_VARINT:
    case WIRE_FIXED64:
    case WIRE_LEN:
    case WIRE_FIXED32:
      return TRUE;
    case 3:
    case 4:
      fail (d, error, FM_ERROR_INVALID_MODEL, NULL, start,
            /* Translators: a reason for the “%s: %s at byte %zu” message; a protobuf field number
               and its wire type (how the value is encoded). */
            _("field %u has unsupported wire type %d (group)"),
            *field_number, *wire);
      return FALSE;
    default:
      fail (d, error, FM_ERROR_INVALID_MODEL, NULL, start,
            /* Translators: a reason for the “%s: %s at byte %zu” message; a protobuf field number
               and its wire type (how the value is encoded). */
            _("field %u has invalid wire type %d"), *field_number, *wire);
      return FALSE;
    }
}

static gboolean
read_length (Decoder     *d,
             Span        *s,
             const char  *field,
             Span        *out,
             GError     **error)
{
  gsize start = s->pos;
  guint64 n;

  if (!read_varint (d, s, field, &n, error))
    return FALSE;

  if (n > s->end - s->pos)
    {
      note_truncated (d, s, n > G_MAXUINT64 - s->pos ? G_MAXUINT64 : s->pos + n);
      fail (d, error, FM_ERROR_INVALID_MODEL, field, start,
            /* Translators: a reason for the “%s: %s at byte %zu” message: a length-delimited
               field claims more bytes than are left in the enclosing message. */
            _("length %" PRIu64 " past end (%zu"
              " bytes remain)"), n, s->end - s->pos);
      return FALSE;
    }

  out->pos = s->pos;
  out->end = s->pos + (gsize) n;
  s->pos = out->end;
  return TRUE;
}

static gboolean
read_fixed (Decoder     *d,
            Span        *s,
            const char  *field,
            gsize        size,
            guint64     *out,
            GError     **error)
{
  if (s->end - s->pos < size)
    {
      note_truncated (d, s, 0);
      fail (d, error, FM_ERROR_INVALID_MODEL, field, s->pos,
            /* Translators: a reason for the “%s: %s at byte %zu” message; “fixed32” / “fixed64”
               are protobuf's fixed-size number encodings, keep them as they are. */
            _("truncated fixed%d"), (int) size * 8);
      return FALSE;
    }

  if (size == 4)
    {
      guint32 v;

      memcpy (&v, d->buf + s->pos, 4);
      *out = GUINT32_FROM_LE (v);
    }
  else
    {
      guint64 v;

      memcpy (&v, d->buf + s->pos, 8);
      *out = GUINT64_FROM_LE (v);
    }
  s->pos += size;
  return TRUE;
}

static gboolean
skip_field (Decoder  *d,
            Span     *s,
            int       wire,
            GError  **error)
{
  guint64 dummy;
  Span sub;

  switch (wire)
    {
    case WIRE_VARINT:
      return read_varint (d, s, NULL, &dummy, error);
    case WIRE_FIXED64:
      return read_fixed (d, s, NULL, 8, &dummy, error);
    case WIRE_FIXED32:
      return read_fixed (d, s, NULL, 4, &dummy, error);
    case WIRE_LEN:
      return read_length (d, s, NULL, &sub, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

static gboolean
expect_wire (Decoder     *d,
             const char  *field,
             int          wire,
             int          want,
             gsize        tag_at,
             GError     **error)
{
  if (wire == want)
    return TRUE;
  fail (d, error, FM_ERROR_INVALID_MODEL, field, tag_at,
        /* Translators: a reason for the “%s: %s at byte %zu” message; protobuf wire types (how a
           value is encoded), found and expected. */
        _("wire type %d, expected %d"), wire, want);
  return FALSE;
}

/* A singular varint field (int32/int64/enum); last value wins. */
static gboolean
read_int_field (Decoder     *d,
                Span        *s,
                int          wire,
                gsize        tag_at,
                const char  *field,
                gint64      *out,
                GError     **error)
{
  guint64 v;

  if (!expect_wire (d, field, wire, WIRE_VARINT, tag_at, error)
      || !read_varint (d, s, field, &v, error))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

/* A length-delimited string, copied NUL-terminated. NUL inside is an
 * error since every consumer treats these as C strings, and so is text
 * that is not UTF-8. */
static char *
read_string (Decoder     *d,
             Span        *s,
             int          wire,
             gsize        tag_at,
             const char  *field,
             gsize       *out_len,
             GError     **error)
{
  Span str;
  gsize n;
  char *copy;

  if (!expect_wire (d, field, wire, WIRE_LEN, tag_at, error)
      || !read_length (d, s, field, &str, error))
    return NULL;

  n = str.end - str.pos;
  if (memchr (d->buf + str.pos, '\0', n) != NULL)
    {
      fail (d, error, FM_ERROR_INVALID_MODEL, field, str.pos,
            _("string contains a NUL byte"));
      return NULL;
    }

  /* Names end up in messages the window shows: they must be text. */
  if (!g_utf8_validate ((const char *) d->buf + str.pos, (gssize) n, NULL))
    {
      fail (d, error, FM_ERROR_INVALID_MODEL, field, str.pos,
            _("string is not valid UTF-8"));
      return NULL;
    }

  copy = g_try_malloc (n + 1);
  if (copy == NULL)
    {
      fail (d, error, FM_ERROR_LIMIT, field, str.pos,
            _("out of memory for a string of %zu bytes"), n);
      return NULL;
    }
  if (n > 0)
    memcpy (copy, d->buf + str.pos, n);
  copy[n] = '\0';

  if (out_len != NULL)
    *out_len = n;
  return copy;
}

static gboolean
read_string_field (Decoder     *d,
                   Span        *s,
                   int          wire,
                   gsize        tag_at,
                   const char  *field,
                   char       **dst,
                   GError     **error)
{
  char *str = read_string (d, s, wire, tag_at, field, NULL, error);

  if (str == NULL)
    return FALSE;
  g_free (*dst);
  *dst = str;
  return TRUE;
}

static gboolean
append_string (Decoder     *d,
               Span        *s,
               int          wire,
               gsize        tag_at,
               const char  *field,
               GPtrArray  **arr,
               guint        limit,
               GError     **error)
{
  char *str;

  if (*arr != NULL && (*arr)->len >= limit)
    {
      fail (d, error, FM_ERROR_LIMIT, field, tag_at,
            _("more than %u entries"), limit);
      return FALSE;
    }

  str = read_string (d, s, wire, tag_at, field, NULL, error);
  if (str == NULL)
    return FALSE;

  if (*arr == NULL)
    *arr = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*arr, str);
  return TRUE;
}

/* A length-delimited field that is only counted. */
static gboolean
count_field (Decoder     *d,
             Span        *s,
             int          wire,
             gsize        tag_at,
             const char  *field,
             guint       *counter,
             GError     **error)
{
  Span sub;

  if (!expect_wire (d, field, wire, WIRE_LEN, tag_at, error)
      || !read_length (d, s, field, &sub, error))
    return FALSE;
  if (*counter < G_MAXUINT)
    (*counter)++;
  return TRUE;
}

/* ---- repeated numbers, packed or not ------------------------------------ */

typedef enum
{
  NUM_INT64,   /* varint -> gint64 */
  NUM_INT32,   /* varint -> gint32 */
  NUM_UINT64,  /* varint -> guint64 */
  NUM_FLOAT,   /* fixed32 -> float */
  NUM_DOUBLE,  /* fixed64 -> double */
} NumKind;

static gsize
num_elem_size (NumKind kind)
{
  switch (kind)
    {
    case NUM_INT32:
    case NUM_FLOAT:
      return 4;
    default:
      return 8;
    }
}

static int
num_wire (NumKind kind)
{
  switch (kind)
    {
    case NUM_FLOAT:
      return WIRE_FIXED32;
    case NUM_DOUBLE:
      return WIRE_FIXED64;
    default:
      return WIRE_VARINT;
    }
}

static gboolean
read_one_number (Decoder     *d,
                 Span        *s,
                 NumKind      kind,
                 const char  *field,
                 GArray      *arr,
                 GError     **error)
{
  guint64 v;

  switch (kind)
    {
    case NUM_INT64:
    case NUM_UINT64:
      if (!read_varint (d, s, field, &v, error))
        return FALSE;
      g_array_append_val (arr, v);
      return TRUE;
    case NUM_INT32:
      {
        gint32 v32;

        if (!read_varint (d, s, field, &v, error))
          return FALSE;
        v32 = (gint32) (guint32) v;
        g_array_append_val (arr, v32);
        return TRUE;
      }
    case NUM_FLOAT:
      {
        guint32 bits;
        float f;

        if (!read_fixed (d, s, field, 4, &v, error))
          return FALSE;
        bits = (guint32) v;
        memcpy (&f, &bits, 4);
        g_array_append_val (arr, f);
        return TRUE;
      }
    case NUM_DOUBLE:
      {
        double f;

        if (!read_fixed (d, s, field, 8, &v, error))
          return FALSE;
        memcpy (&f, &v, 8);
        g_array_append_val (arr, f);
        return TRUE;
      }
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* Number of values in a packed run, computed without allocating: one per
 * varint terminator byte, or length / size for fixed-width values. */
static gboolean
packed_count (Decoder     *d,
              Span         run,
              NumKind      kind,
              const char  *field,
              gsize       *count,
              GError     **error)
{
  gsize n = 0;

  if (num_wire (kind) == WIRE_VARINT)
    {
      for (gsize i = run.pos; i < run.end; i++)
        if ((d->buf[i] & 0x80) == 0)
          n++;
    }
  else
    {
      gsize size = kind == NUM_FLOAT ? 4 : 8;

      if ((run.end - run.pos) % size != 0)
        {
          fail (d, error, FM_ERROR_INVALID_MODEL, field, run.pos,
                /* Translators: a reason for the “%s: %s at byte %zu” message: a packed array of
                   numbers whose byte length is not a multiple of the size of one number. */
                _("packed run of %zu bytes is not a multiple"
                  " of %zu"), run.end - run.pos, size);
          return FALSE;
        }
      n = (run.end - run.pos) / size;
    }

  *count = n;
  return TRUE;
}

/* GArray lengths are guint; stay well below that (4 GiB of int64). */
#define MAX_ARRAY_LEN (G_MAXUINT / 8)

static gboolean
check_array_room (Decoder     *d,
                  GArray      *arr,
                  gsize        count,
                  const char  *field,
                  gsize        tag_at,
                  GError     **error)
{
  gsize len = arr != NULL ? arr->len : 0;

  if (count <= MAX_ARRAY_LEN - len)
    return TRUE;
  fail (d, error, FM_ERROR_LIMIT, field, tag_at,
        /* Translators: a reason for the “%s: %s at byte %zu” message; %u is the limit on the
           length of one array. */
        _("more than %u values"), MAX_ARRAY_LEN);
  return FALSE;
}

static gboolean
read_repeated (Decoder     *d,
               Span        *s,
               int          wire,
               gsize        tag_at,
               NumKind      kind,
               const char  *field,
               GArray     **arr,
               GError     **error)
{
  if (wire == WIRE_LEN)
    {
      Span run;
      gsize count;

      if (!read_length (d, s, field, &run, error)
          || !packed_count (d, run, kind, field, &count, error))
        return FALSE;

      /* count <= run length, so this is bounded by the input */
      if (!check_array_room (d, *arr, count, field, tag_at, error))
        return FALSE;
      if (*arr == NULL)
        *arr = g_array_sized_new (FALSE, FALSE, num_elem_size (kind),
                                  (guint) count);
      while (run.pos < run.end)
        if (!read_one_number (d, &run, kind, field, *arr, error))
          return FALSE;
      return TRUE;
    }

  if (!expect_wire (d, field, wire, num_wire (kind), tag_at, error)
      || !check_array_room (d, *arr, 1, field, tag_at, error))
    return FALSE;
  if (*arr == NULL)
    *arr = g_array_new (FALSE, FALSE, num_elem_size (kind));
  return read_one_number (d, s, kind, field, *arr, error);
}

/* ---- nested messages ---------------------------------------------------- */

/* Enters a length-delimited sub-message: pushes its name onto the path,
 * checks the wire type, the length and the depth. On success the caller
 * must call leave_message (d, *mark). */
static gboolean G_GNUC_PRINTF (8, 9)
enter_message (Decoder     *d,
               Span        *s,
               int          wire,
               gsize        tag_at,
               Span        *sub,
               gsize       *mark,
               GError     **error,
               const char  *format,
               ...)
{
  va_list args;

  *mark = d->path->len;
  if (d->path->len > 0)
    g_string_append_c (d->path, '.');
  va_start (args, format);
  g_string_append_vprintf (d->path, format, args);
  va_end (args);

  if (!expect_wire (d, NULL, wire, WIRE_LEN, tag_at, error)
      || !read_length (d, s, NULL, sub, error))
    goto failed;

  if (d->depth >= d->limits.max_depth)
    {
      fail (d, error, FM_ERROR_LIMIT, NULL, tag_at,
            _("messages nested deeper than %u"), d->limits.max_depth);
      goto failed;
    }

  d->depth++;
  return TRUE;

failed:
  g_string_truncate (d->path, *mark);
  return FALSE;
}

static void
leave_message (Decoder *d,
               gsize    mark)
{
  d->depth--;
  g_string_truncate (d->path, mark);
}

/* Checks a repeated message count before its struct is allocated. */
static gboolean
check_count (Decoder     *d,
             GPtrArray   *arr,
             guint        limit,
             const char  *field,
             gsize        tag_at,
             GError     **error)
{
  if (arr->len < limit)
    return TRUE;
  fail (d, error, FM_ERROR_LIMIT, field, tag_at,
        _("more than %u entries"), limit);
  return FALSE;
}

/* ---- freeing ------------------------------------------------------------ */

static void
string_pair_free (gpointer data)
{
  FmOnnxStringPair *p = data;

  g_free (p->key);
  g_free (p->value);
  g_free (p);
}

void
fm_onnx_tensor_free (FmOnnxTensor *t)
{
  if (t == NULL)
    return;
  g_free (t->name);
  g_clear_pointer (&t->float_data, g_array_unref);
  g_clear_pointer (&t->int32_data, g_array_unref);
  g_clear_pointer (&t->int64_data, g_array_unref);
  g_clear_pointer (&t->double_data, g_array_unref);
  g_clear_pointer (&t->uint64_data, g_array_unref);
  g_clear_pointer (&t->external_data, g_ptr_array_unref);
  g_free (t);
}

static void
attribute_free (gpointer data)
{
  FmOnnxAttribute *a = data;

  g_free (a->name);
  g_free (a->s);
  fm_onnx_tensor_free (a->t);
  g_clear_pointer (&a->floats, g_array_unref);
  g_clear_pointer (&a->ints, g_array_unref);
  g_clear_pointer (&a->strings, g_ptr_array_unref);
  g_free (a);
}

static void
node_free (gpointer data)
{
  FmOnnxNode *n = data;

  g_clear_pointer (&n->inputs, g_ptr_array_unref);
  g_clear_pointer (&n->outputs, g_ptr_array_unref);
  g_free (n->name);
  g_free (n->op_type);
  g_free (n->domain);
  g_clear_pointer (&n->attributes, g_ptr_array_unref);
  g_free (n);
}

static void
value_info_clear_shape (FmOnnxValueInfo *v)
{
  for (int i = 0; i < FM_MAX_RANK; i++)
    g_clear_pointer (&v->dim_params[i], g_free);
  v->rank = 0;
  memset (v->dims, 0, sizeof v->dims);
  v->has_shape = FALSE;
}

static void
value_info_free (gpointer data)
{
  FmOnnxValueInfo *v = data;

  g_free (v->name);
  value_info_clear_shape (v);
  g_free (v);
}

static void
tensor_free_cb (gpointer data)
{
  fm_onnx_tensor_free (data);
}

static void
graph_free (FmOnnxGraph *g)
{
  if (g == NULL)
    return;
  g_free (g->name);
  g_clear_pointer (&g->nodes, g_ptr_array_unref);
  g_clear_pointer (&g->initializers, g_ptr_array_unref);
  g_clear_pointer (&g->inputs, g_ptr_array_unref);
  g_clear_pointer (&g->outputs, g_ptr_array_unref);
  g_clear_pointer (&g->value_infos, g_ptr_array_unref);
  g_free (g);
}

static void
opset_free (gpointer data)
{
  FmOnnxOpset *o = data;

  g_free (o->domain);
  g_free (o);
}

void
fm_onnx_model_free (FmOnnxModel *model)
{
  if (model == NULL)
    return;
  g_free (model->producer_name);
  g_free (model->producer_version);
  g_free (model->domain);
  g_free (model->doc_string);
  graph_free (model->graph);
  g_clear_pointer (&model->opset_imports, g_ptr_array_unref);
  g_clear_pointer (&model->metadata_props, g_ptr_array_unref);
  g_free (model);
}

/* ---- messages ----------------------------------------------------------- */

static gboolean
decode_string_pair (Decoder          *d,
                    Span              s,
                    FmOnnxStringPair *p,
                    GError          **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1:
          ok = read_string_field (d, &s, wire, tag_at, "key", &p->key, error);
          break;
        case 2:
          ok = read_string_field (d, &s, wire, tag_at, "value", &p->value,
                                  error);
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* Appends a StringStringEntryProto to *arr (created on first use). */
static gboolean
append_string_pair (Decoder     *d,
                    Span        *s,
                    int          wire,
                    gsize        tag_at,
                    const char  *field,
                    GPtrArray  **arr,
                    GError     **error)
{
  FmOnnxStringPair *p;
  Span sub;
  gsize mark;
  gboolean ok;
  guint index = *arr != NULL ? (*arr)->len : 0;

  if (index >= d->limits.max_strings)
    {
      fail (d, error, FM_ERROR_LIMIT, field, tag_at,
            _("more than %u entries"), d->limits.max_strings);
      return FALSE;
    }
  if (!enter_message (d, s, wire, tag_at, &sub, &mark, error,
                      "%s[%u]", field, index))
    return FALSE;

  if (*arr == NULL)
    *arr = g_ptr_array_new_with_free_func (string_pair_free);
  p = g_new0 (FmOnnxStringPair, 1);
  g_ptr_array_add (*arr, p);
  ok = decode_string_pair (d, sub, p, error);

  leave_message (d, mark);
  return ok;
}

static gboolean
decode_tensor (Decoder      *d,
               Span          s,
               FmOnnxTensor *t,
               GError      **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;
      gint64 v;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1: /* dims: repeated int64, stored in a fixed array */
          if (wire == WIRE_LEN)
            {
              Span run;
              gsize count;

              ok = read_length (d, &s, "dims", &run, error)
                   && packed_count (d, run, NUM_INT64, "dims", &count, error);
              if (ok && count > (gsize) (FM_MAX_RANK - t->rank))
                {
                  fail (d, error, FM_ERROR_LIMIT, "dims", tag_at,
                        /* Translators: a reason for the “%s: %s at byte %zu” message; the rank
                           (number of dimensions) of a tensor and the largest rank supported. */
                        _("rank %zu exceeds %d"),
                        (gsize) t->rank + count, FM_MAX_RANK);
                  ok = FALSE;
                }
              while (ok && run.pos < run.end)
                {
                  guint64 u;

                  ok = read_varint (d, &run, "dims", &u, error);
                  if (ok)
                    t->dims[t->rank++] = (gint64) u;
                }
            }
          else
            {
              ok = read_int_field (d, &s, wire, tag_at, "dims", &v, error);
              if (ok && t->rank >= FM_MAX_RANK)
                {
                  fail (d, error, FM_ERROR_LIMIT, "dims", tag_at,
                        _("rank %d exceeds %d"), t->rank + 1, FM_MAX_RANK);
                  ok = FALSE;
                }
              if (ok)
                t->dims[t->rank++] = v;
            }
          break;
        case 2:
          ok = read_int_field (d, &s, wire, tag_at, "data_type", &v, error);
          t->data_type = (int) v;
          break;
        case 4:
          ok = read_repeated (d, &s, wire, tag_at, NUM_FLOAT, "float_data",
                              &t->float_data, error);
          break;
        case 5:
          ok = read_repeated (d, &s, wire, tag_at, NUM_INT32, "int32_data",
                              &t->int32_data, error);
          break;
        case 6:
          ok = count_field (d, &s, wire, tag_at, "string_data",
                            &t->n_string_data, error);
          break;
        case 7:
          ok = read_repeated (d, &s, wire, tag_at, NUM_INT64, "int64_data",
                              &t->int64_data, error);
          break;
        case 8:
          ok = read_string_field (d, &s, wire, tag_at, "name", &t->name,
                                  error);
          break;
        case 9:
          {
            Span raw;

            ok = expect_wire (d, "raw_data", wire, WIRE_LEN, tag_at, error)
                 && read_length (d, &s, "raw_data", &raw, error);
            if (ok)
              {
                t->raw_data.data = d->buf + raw.pos;
                t->raw_data.len = raw.end - raw.pos;
                t->has_raw_data = TRUE;
              }
          }
          break;
        case 10:
          ok = read_repeated (d, &s, wire, tag_at, NUM_DOUBLE, "double_data",
                              &t->double_data, error);
          break;
        case 11:
          ok = read_repeated (d, &s, wire, tag_at, NUM_UINT64, "uint64_data",
                              &t->uint64_data, error);
          break;
        case 13:
          ok = append_string_pair (d, &s, wire, tag_at, "external_data",
                                   &t->external_data, error);
          break;
        case 14:
          ok = read_int_field (d, &s, wire, tag_at, "data_location", &v,
                               error);
          t->data_location = (int) v;
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* A singular TensorProto field: last one wins. */
static gboolean
read_tensor_field (Decoder       *d,
                   Span          *s,
                   int            wire,
                   gsize          tag_at,
                   const char    *field,
                   FmOnnxTensor **dst,
                   GError       **error)
{
  FmOnnxTensor *t;
  Span sub;
  gsize mark;
  gboolean ok;

  if (!enter_message (d, s, wire, tag_at, &sub, &mark, error, "%s", field))
    return FALSE;

  g_clear_pointer (dst, fm_onnx_tensor_free);
  t = *dst = g_new0 (FmOnnxTensor, 1);
  ok = decode_tensor (d, sub, t, error);

  leave_message (d, mark);
  return ok;
}

static gboolean
decode_attribute (Decoder         *d,
                  Span             s,
                  FmOnnxAttribute *a,
                  GError         **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;
      gint64 v;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1:
          ok = read_string_field (d, &s, wire, tag_at, "name", &a->name,
                                  error);
          break;
        case 2:
          {
            guint64 bits;

            ok = expect_wire (d, "f", wire, WIRE_FIXED32, tag_at, error)
                 && read_fixed (d, &s, "f", 4, &bits, error);
            if (ok)
              {
                guint32 b32 = (guint32) bits;

                memcpy (&a->f, &b32, 4);
              }
          }
          break;
        case 3:
          ok = read_int_field (d, &s, wire, tag_at, "i", &a->i, error);
          break;
        case 4:
          {
            gsize len = 0;
            char *str = read_string (d, &s, wire, tag_at, "s", &len, error);

            ok = str != NULL;
            if (ok)
              {
                g_free (a->s);
                a->s = str;
                a->s_len = len;
              }
          }
          break;
        case 5:
          ok = read_tensor_field (d, &s, wire, tag_at, "t", &a->t, error);
          break;
        case 6:
          ok = count_field (d, &s, wire, tag_at, "g", &a->n_graphs, error);
          break;
        case 7:
          ok = read_repeated (d, &s, wire, tag_at, NUM_FLOAT, "floats",
                              &a->floats, error);
          break;
        case 8:
          ok = read_repeated (d, &s, wire, tag_at, NUM_INT64, "ints",
                              &a->ints, error);
          break;
        case 9:
          ok = append_string (d, &s, wire, tag_at, "strings", &a->strings,
                              d->limits.max_strings, error);
          break;
        case 10:
          ok = count_field (d, &s, wire, tag_at, "tensors", &a->n_tensors,
                            error);
          break;
        case 11:
          ok = count_field (d, &s, wire, tag_at, "graphs", &a->n_graphs,
                            error);
          break;
        case 20:
          ok = read_int_field (d, &s, wire, tag_at, "type", &v, error);
          a->type = (int) v;
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_node (Decoder     *d,
             Span         s,
             FmOnnxNode  *n,
             GError     **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1:
          ok = append_string (d, &s, wire, tag_at, "input", &n->inputs,
                              d->limits.max_strings, error);
          break;
        case 2:
          ok = append_string (d, &s, wire, tag_at, "output", &n->outputs,
                              d->limits.max_strings, error);
          break;
        case 3:
          ok = read_string_field (d, &s, wire, tag_at, "name", &n->name,
                                  error);
          break;
        case 4:
          ok = read_string_field (d, &s, wire, tag_at, "op_type",
                                  &n->op_type, error);
          break;
        case 5:
          {
            FmOnnxAttribute *a;
            Span sub;
            gsize mark;

            ok = check_count (d, n->attributes, d->limits.max_attributes,
                              "attribute", tag_at, error)
                 && enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                                   "attribute[%u]", n->attributes->len);
            if (!ok)
              break;
            a = g_new0 (FmOnnxAttribute, 1);
            g_ptr_array_add (n->attributes, a);
            ok = decode_attribute (d, sub, a, error);
            leave_message (d, mark);
          }
          break;
        case 7:
          ok = read_string_field (d, &s, wire, tag_at, "domain", &n->domain,
                                  error);
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_dimension (Decoder         *d,
                  Span             s,
                  FmOnnxValueInfo *v,
                  int              i,
                  GError         **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1: /* oneof with dim_param: the last one wins */
          ok = read_int_field (d, &s, wire, tag_at, "dim_value", &v->dims[i],
                               error);
          g_clear_pointer (&v->dim_params[i], g_free);
          break;
        case 2:
          ok = read_string_field (d, &s, wire, tag_at, "dim_param",
                                  &v->dim_params[i], error);
          v->dims[i] = -1;
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_shape (Decoder         *d,
              Span             s,
              FmOnnxValueInfo *v,
              GError         **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      if (field == 1)
        {
          Span sub;
          gsize mark;
          int i = v->rank;

          if (i >= FM_MAX_RANK)
            {
              fail (d, error, FM_ERROR_LIMIT, "dim", tag_at,
                    _("rank %d exceeds %d"), i + 1, FM_MAX_RANK);
              return FALSE;
            }
          if (!enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                              "dim[%d]", i))
            return FALSE;
          v->rank++;
          v->dims[i] = -1; /* neither dim_value nor dim_param */
          ok = decode_dimension (d, sub, v, i, error);
          leave_message (d, mark);
        }
      else
        ok = skip_field (d, &s, wire, error);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_type_tensor (Decoder         *d,
                    Span             s,
                    FmOnnxValueInfo *v,
                    GError         **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;
      gint64 e;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1:
          ok = read_int_field (d, &s, wire, tag_at, "elem_type", &e, error);
          v->elem_type = (int) e;
          break;
        case 2:
          {
            Span sub;
            gsize mark;

            ok = enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                                "shape");
            if (!ok)
              break;
            value_info_clear_shape (v); /* last one wins */
            v->has_shape = TRUE;
            ok = decode_shape (d, sub, v, error);
            leave_message (d, mark);
          }
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_type (Decoder         *d,
             Span             s,
             FmOnnxValueInfo *v,
             GError         **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      if (field == 1) /* tensor_type; sequences, maps... are skipped */
        {
          Span sub;
          gsize mark;

          if (!enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                              "tensor_type"))
            return FALSE;
          value_info_clear_shape (v);
          v->elem_type = 0;
          v->has_type = TRUE;
          ok = decode_type_tensor (d, sub, v, error);
          leave_message (d, mark);
        }
      else
        ok = skip_field (d, &s, wire, error);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_value_info (Decoder         *d,
                   Span             s,
                   FmOnnxValueInfo *v,
                   GError         **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1:
          ok = read_string_field (d, &s, wire, tag_at, "name", &v->name,
                                  error);
          break;
        case 2:
          {
            Span sub;
            gsize mark;

            ok = enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                                "type");
            if (!ok)
              break;
            /* last one wins */
            value_info_clear_shape (v);
            v->has_type = FALSE;
            v->elem_type = 0;
            ok = decode_type (d, sub, v, error);
            leave_message (d, mark);
          }
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
append_value_info (Decoder     *d,
                   Span        *s,
                   int          wire,
                   gsize        tag_at,
                   const char  *field,
                   GPtrArray   *arr,
                   guint        limit,
                   GError     **error)
{
  FmOnnxValueInfo *v;
  Span sub;
  gsize mark;
  gboolean ok;

  if (!check_count (d, arr, limit, field, tag_at, error)
      || !enter_message (d, s, wire, tag_at, &sub, &mark, error,
                         "%s[%u]", field, arr->len))
    return FALSE;

  v = g_new0 (FmOnnxValueInfo, 1);
  g_ptr_array_add (arr, v);
  ok = decode_value_info (d, sub, v, error);

  leave_message (d, mark);
  return ok;
}

static gboolean
decode_graph (Decoder      *d,
              Span          s,
              FmOnnxGraph  *g,
              GError      **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;
      Span sub;
      gsize mark;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1:
          {
            FmOnnxNode *n;

            ok = check_count (d, g->nodes, d->limits.max_nodes, "node",
                              tag_at, error)
                 && enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                                   "node[%u]", g->nodes->len);
            if (!ok)
              break;
            n = g_new0 (FmOnnxNode, 1);
            n->inputs = g_ptr_array_new_with_free_func (g_free);
            n->outputs = g_ptr_array_new_with_free_func (g_free);
            n->attributes = g_ptr_array_new_with_free_func (attribute_free);
            g_ptr_array_add (g->nodes, n);
            ok = decode_node (d, sub, n, error);
            leave_message (d, mark);
          }
          break;
        case 2:
          ok = read_string_field (d, &s, wire, tag_at, "name", &g->name,
                                  error);
          break;
        case 5:
          {
            FmOnnxTensor *t;

            ok = check_count (d, g->initializers, d->limits.max_tensors,
                              "initializer", tag_at, error)
                 && enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                                   "initializer[%u]", g->initializers->len);
            if (!ok)
              break;
            t = g_new0 (FmOnnxTensor, 1);
            g_ptr_array_add (g->initializers, t);
            ok = decode_tensor (d, sub, t, error);
            leave_message (d, mark);
          }
          break;
        case 11:
          ok = append_value_info (d, &s, wire, tag_at, "input", g->inputs,
                                  d->limits.max_tensors, error);
          break;
        case 12:
          ok = append_value_info (d, &s, wire, tag_at, "output", g->outputs,
                                  d->limits.max_tensors, error);
          break;
        case 13:
          ok = append_value_info (d, &s, wire, tag_at, "value_info",
                                  g->value_infos, d->limits.max_nodes, error);
          break;
        case 15:
          ok = count_field (d, &s, wire, tag_at, "sparse_initializer",
                            &g->n_sparse_initializers, error);
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
decode_opset (Decoder      *d,
              Span          s,
              FmOnnxOpset  *o,
              GError      **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1:
          ok = read_string_field (d, &s, wire, tag_at, "domain", &o->domain,
                                  error);
          break;
        case 2:
          ok = read_int_field (d, &s, wire, tag_at, "version", &o->version,
                               error);
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static FmOnnxGraph *
graph_new (void)
{
  FmOnnxGraph *g = g_new0 (FmOnnxGraph, 1);

  g->nodes = g_ptr_array_new_with_free_func (node_free);
  g->initializers = g_ptr_array_new_with_free_func (tensor_free_cb);
  g->inputs = g_ptr_array_new_with_free_func (value_info_free);
  g->outputs = g_ptr_array_new_with_free_func (value_info_free);
  g->value_infos = g_ptr_array_new_with_free_func (value_info_free);
  return g;
}

static gboolean
decode_model (Decoder      *d,
              Span          s,
              FmOnnxModel  *m,
              GError      **error)
{
  while (s.pos < s.end)
    {
      gsize tag_at = s.pos;
      guint32 field;
      int wire;
      gboolean ok;
      Span sub;
      gsize mark;

      if (!read_tag (d, &s, &field, &wire, error))
        return FALSE;

      switch (field)
        {
        case 1:
          ok = read_int_field (d, &s, wire, tag_at, "ir_version",
                               &m->ir_version, error);
          /* Every ONNX writer puts ir_version first (fields in number
           * order); no text file starts with its tag byte 0x08. */
          if (ok && tag_at == 0 && m->ir_version >= 1
              && m->ir_version <= FM_ONNX_MAX_PLAUSIBLE_IR_VERSION)
            d->info->looks_like_model = TRUE;
          break;
        case 2:
          ok = read_string_field (d, &s, wire, tag_at, "producer_name",
                                  &m->producer_name, error);
          break;
        case 3:
          ok = read_string_field (d, &s, wire, tag_at, "producer_version",
                                  &m->producer_version, error);
          break;
        case 4:
          ok = read_string_field (d, &s, wire, tag_at, "domain", &m->domain,
                                  error);
          break;
        case 5:
          ok = read_int_field (d, &s, wire, tag_at, "model_version",
                               &m->model_version, error);
          break;
        case 6:
          ok = read_string_field (d, &s, wire, tag_at, "doc_string",
                                  &m->doc_string, error);
          break;
        case 7:
          ok = enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                              "graph");
          if (!ok)
            break;
          g_clear_pointer (&m->graph, graph_free); /* last one wins */
          m->graph = graph_new ();
          ok = decode_graph (d, sub, m->graph, error);
          leave_message (d, mark);
          break;
        case 8:
          {
            FmOnnxOpset *o;

            ok = check_count (d, m->opset_imports, d->limits.max_strings,
                              "opset_import", tag_at, error)
                 && enter_message (d, &s, wire, tag_at, &sub, &mark, error,
                                   "opset_import[%u]",
                                   m->opset_imports->len);
            if (!ok)
              break;
            o = g_new0 (FmOnnxOpset, 1);
            g_ptr_array_add (m->opset_imports, o);
            ok = decode_opset (d, sub, o, error);
            leave_message (d, mark);
          }
          break;
        case 14:
          ok = append_string_pair (d, &s, wire, tag_at, "metadata_props",
                                   &m->metadata_props, error);
          break;
        case 20:
          ok = count_field (d, &s, wire, tag_at, "training_info",
                            &m->n_training_info, error);
          break;
        case 25:
          ok = count_field (d, &s, wire, tag_at, "functions",
                            &m->n_functions, error);
          break;
        default:
          ok = skip_field (d, &s, wire, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static void
decoder_init (Decoder            *d,
              const guint8       *data,
              gsize               len,
              const FmOnnxLimits *limits,
              const char         *root,
              FmOnnxDecodeInfo   *info)
{
  static const guint8 empty[1] = { 0 };

  d->buf = data != NULL ? data : empty;
  d->len = data != NULL ? len : 0;
  limits_merge (&d->limits, limits);
  /* A model's fields are named from its top ("graph.node[3]"); a lone
   * tensor's from "tensor" ("tensor.dims"). */
  d->path = g_string_new (strcmp (root, "tensor") == 0 ? root : NULL);
  d->root = root;
  d->depth = 1; /* the root message itself */
  d->info = info;
  memset (info, 0, sizeof *info);
}

FmOnnxModel *
fm_onnx_model_decode (const guint8       *data,
                      gsize               len,
                      const FmOnnxLimits *limits,
                      GError            **error)
{
  FmOnnxDecodeInfo info;

  return fm_onnx_model_decode_full (data, len, limits, &info, error);
}

FmOnnxModel *
fm_onnx_model_decode_full (const guint8       *data,
                           gsize               len,
                           const FmOnnxLimits *limits,
                           FmOnnxDecodeInfo   *info,
                           GError            **error)
{
  g_autoptr(FmOnnxModel) m = g_new0 (FmOnnxModel, 1);
  Decoder d;
  Span s;
  gboolean ok;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  decoder_init (&d, data, len, limits, "model", info);
  s.pos = 0;
  s.end = d.len;

  /* metadata_props is created here, not lazily, so it is never NULL */
  m->opset_imports = g_ptr_array_new_with_free_func (opset_free);
  m->metadata_props = g_ptr_array_new_with_free_func (string_pair_free);
  ok = decode_model (&d, s, m, error);
  g_string_free (d.path, TRUE);

  if (!ok)
    return NULL;
  return g_steal_pointer (&m);
}

FmOnnxTensor *
fm_onnx_tensor_decode (const guint8       *data,
                       gsize               len,
                       const FmOnnxLimits *limits,
                       GError            **error)
{
  g_autoptr(FmOnnxTensor) t = g_new0 (FmOnnxTensor, 1);
  FmOnnxDecodeInfo info;
  Decoder d;
  Span s;
  gboolean ok;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  decoder_init (&d, data, len, limits, "tensor", &info);
  s.pos = 0;
  s.end = d.len;
  ok = decode_tensor (&d, s, t, error);
  g_string_free (d.path, TRUE);

  if (!ok)
    return NULL;
  return g_steal_pointer (&t);
}

/* ---- TensorProto -> FmConstTensor --------------------------------------- */

static const char *
data_type_name (int data_type)
{
  static const char *const names[] = {
    "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
    "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64",
    "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ",
    "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
  };

  if (data_type >= 0 && data_type < (int) G_N_ELEMENTS (names))
    return names[data_type];
  return NULL;
}

/* Size of one element in raw_data, and the runtime type it becomes. */
static gsize
raw_size (int      data_type,
          FmDType *dtype)
{
  *dtype = FM_DTYPE_FLOAT;
  switch (data_type)
    {
    case FM_ONNX_FLOAT:
      return 4;
    case FM_ONNX_FLOAT16:
    case FM_ONNX_BFLOAT16:
      return 2;
    case FM_ONNX_DOUBLE:
      return 8;
    default:
      break;
    }

  *dtype = FM_DTYPE_INT64;
  switch (data_type)
    {
    case FM_ONNX_INT8:
    case FM_ONNX_UINT8:
    case FM_ONNX_BOOL:
      return 1;
    case FM_ONNX_INT16:
    case FM_ONNX_UINT16:
      return 2;
    case FM_ONNX_INT32:
    case FM_ONNX_UINT32:
      return 4;
    case FM_ONNX_INT64:
    case FM_ONNX_UINT64:
      return 8;
    default:
      return 0;
    }
}

/* The typed array that holds the values when there is no raw_data. */
static const GArray *
typed_array (const FmOnnxTensor *t)
{
  switch (t->data_type)
    {
    case FM_ONNX_FLOAT:
      return t->float_data;
    case FM_ONNX_DOUBLE:
      return t->double_data;
    case FM_ONNX_INT64:
      return t->int64_data;
    case FM_ONNX_UINT32:
    case FM_ONNX_UINT64:
      return t->uint64_data;
    default: /* FLOAT16, BFLOAT16 bits, BOOL and the small integers */
      return t->int32_data;
    }
}

static void
convert_raw (int           data_type,
             const guint8 *src,   /* [numel * raw size], little-endian */
             gsize         numel,
             gpointer      dst)   /* [numel] float or gint64 */
{
  float *f = dst;
  gint64 *q = dst;

  if (data_type == FM_ONNX_FLOAT && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    {
      memcpy (dst, src, numel * 4);
      return;
    }

  for (gsize i = 0; i < numel; i++)
    {
      guint16 u16;
      guint32 u32;
      guint64 u64;

      switch (data_type)
        {
        case FM_ONNX_FLOAT:
          memcpy (&u32, src + 4 * i, 4);
          u32 = GUINT32_FROM_LE (u32);
          memcpy (&f[i], &u32, 4);
          break;
        case FM_ONNX_FLOAT16:
          memcpy (&u16, src + 2 * i, 2);
          f[i] = fm_half_to_float (GUINT16_FROM_LE (u16));
          break;
        case FM_ONNX_BFLOAT16:
          memcpy (&u16, src + 2 * i, 2);
          f[i] = fm_bfloat16_to_float (GUINT16_FROM_LE (u16));
          break;
        case FM_ONNX_DOUBLE:
          {
            double v;

            memcpy (&u64, src + 8 * i, 8);
            u64 = GUINT64_FROM_LE (u64);
            memcpy (&v, &u64, 8);
            f[i] = (float) v;
          }
          break;
        case FM_ONNX_INT8:
          q[i] = (gint8) src[i];
          break;
        case FM_ONNX_UINT8:
          q[i] = src[i];
          break;
        case FM_ONNX_BOOL:
          q[i] = src[i] != 0;
          break;
        case FM_ONNX_INT16:
          memcpy (&u16, src + 2 * i, 2);
          q[i] = (gint16) GUINT16_FROM_LE (u16);
          break;
        case FM_ONNX_UINT16:
          memcpy (&u16, src + 2 * i, 2);
          q[i] = GUINT16_FROM_LE (u16);
          break;
        case FM_ONNX_INT32:
          memcpy (&u32, src + 4 * i, 4);
          q[i] = (gint32) GUINT32_FROM_LE (u32);
          break;
        case FM_ONNX_UINT32:
          memcpy (&u32, src + 4 * i, 4);
          q[i] = GUINT32_FROM_LE (u32);
          break;
        case FM_ONNX_INT64:
        case FM_ONNX_UINT64:
          memcpy (&u64, src + 8 * i, 8);
          q[i] = (gint64) GUINT64_FROM_LE (u64);
          break;
        default:
          break;
        }
    }
}

static void
convert_typed (const FmOnnxTensor *t,
               const GArray       *arr,
               gpointer            dst)  /* [arr->len] float or gint64 */
{
  float *f = dst;
  gint64 *q = dst;

  for (guint i = 0; i < arr->len; i++)
    switch (t->data_type)
      {
      case FM_ONNX_FLOAT:
        f[i] = g_array_index (arr, float, i);
        break;
      case FM_ONNX_DOUBLE:
        f[i] = (float) g_array_index (arr, double, i);
        break;
      case FM_ONNX_FLOAT16:
        f[i] = fm_half_to_float ((guint16) g_array_index (arr, gint32, i));
        break;
      case FM_ONNX_BFLOAT16:
        f[i] = fm_bfloat16_to_float ((guint16) g_array_index (arr, gint32, i));
        break;
      case FM_ONNX_INT64:
        q[i] = g_array_index (arr, gint64, i);
        break;
      case FM_ONNX_UINT32:
      case FM_ONNX_UINT64:
        q[i] = (gint64) g_array_index (arr, guint64, i);
        break;
      case FM_ONNX_BOOL:
        q[i] = g_array_index (arr, gint32, i) != 0;
        break;
      default:
        q[i] = g_array_index (arr, gint32, i);
        break;
      }
}

static const char *
find_external_key (const FmOnnxTensor *t,
                   const char         *key)
{
  const char *value = NULL;

  for (guint i = 0; t->external_data != NULL && i < t->external_data->len;
       i++)
    {
      const FmOnnxStringPair *p = g_ptr_array_index (t->external_data, i);

      if (p->key != NULL && strcmp (p->key, key) == 0)
        value = p->value; /* the last one wins */
    }
  return value;
}

static gboolean
parse_external_number (const char  *tname,
                       const char  *key,
                       const char  *value,
                       guint64     *out,
                       GError     **error)
{
  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64,
                                                    out, NULL))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data %s '%s' is not a number"),
                   tname, key, value != NULL ? value : "");
      return FALSE;
    }
  return TRUE;
}

/* Maps @want bytes of the tensor's external file. The location must be a
 * relative path without "..", not a symlink, and resolve inside @base. */
static GMappedFile *
map_external (const FmOnnxTensor  *t,
              const char          *tname,
              const char          *base,
              gsize                want,
              const guint8       **out_data,
              GError             **error)
{
  const char *location = find_external_key (t, "location");
  const char *offset_str = find_external_key (t, "offset");
  const char *length_str = find_external_key (t, "length");
  g_autofree char *path = NULL;
  g_autofree char *canon_base = NULL;
  g_autofree char *canon = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GError) local_error = NULL;
  GMappedFile *map;
  guint64 offset = 0;
  guint64 length;
  guint64 end;
  struct stat st;
  int fd;

  if (location == NULL || *location == '\0')
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data has no location"), tname);
      return NULL;
    }
  if (g_path_is_absolute (location) || location[0] == '/'
      || location[0] == '\\')
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data location '%s' is an absolute"
                     " path"), tname, location);
      return NULL;
    }
  /* Split on both separators, so "a\\..\\b" is refused too. */
  for (const char *c = location; *c != '\0';)
    {
      gsize n = strcspn (c, "/\\");

      if (n == 2 && c[0] == '.' && c[1] == '.')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("tensor '%s': external data location '%s' contains"
                         " '..'"), tname, location);
          return NULL;
        }
      c += n;
      if (*c != '\0')
        c++;
    }

  path = g_build_filename (base, location, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data file '%s' is a symbolic link"),
                   tname, location);
      return NULL;
    }

  canon_base = realpath (base, NULL);
  canon = realpath (path, NULL);
  if (canon_base == NULL || canon == NULL)
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   _("tensor '%s': cannot open external data file '%s': %s"),
                   tname, location, g_strerror (saved));
      return NULL;
    }
  prefix = g_str_has_suffix (canon_base, "/") ? g_strdup (canon_base)
                                              : g_strconcat (canon_base, "/",
                                                             NULL);
  if (!g_str_has_prefix (canon, prefix))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data file '%s' is outside the"
                     " model's folder"), tname, location);
      return NULL;
    }

  fd = g_open (canon, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   _("tensor '%s': cannot open external data file '%s': %s"),
                   tname, location, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   _("tensor '%s': external data file '%s' is not a regular"
                     " file"), tname, location);
      close (fd);
      return NULL;
    }

  if (offset_str != NULL
      && !parse_external_number (tname, "offset", offset_str, &offset, error))
    {
      close (fd);
      return NULL;
    }
  length = want;
  if (length_str != NULL
      && !parse_external_number (tname, "length", length_str, &length, error))
    {
      close (fd);
      return NULL;
    }

  if (!g_uint64_checked_add (&end, offset, length)
      || end > (guint64) st.st_size)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data offset %" PRIu64
                     " + length %" PRIu64 " is past the end of '%s'"
                     " (%" PRIu64 " bytes)"), tname, offset, length,
                   location, (guint64) st.st_size);
      close (fd);
      return NULL;
    }
  if (length != want)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data length %" PRIu64
                     " does not match the %zu bytes its shape"
                     " needs"), tname, length, want);
      close (fd);
      return NULL;
    }

  map = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
  close (fd); /* the mapping stays valid */
  if (map == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   _("tensor '%s': cannot map external data file '%s': %s"),
                   tname, location, local_error->message);
      return NULL;
    }

  *out_data = (const guint8 *) g_mapped_file_get_contents (map) + offset;
  return map;
}

/* Gives back the whole pages of [data, data + len) (see
 * fm_onnx_tensor_to_const_full). */
static void
drop_pages (const guint8 *data,
            gsize         len)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guintptr start = ((guintptr) data + page - 1) & ~(guintptr) (page - 1);
  guintptr end = ((guintptr) data + len) & ~(guintptr) (page - 1);

  if (end > start)
    madvise ((void *) start, end - start, MADV_DONTNEED);
}

FmConstTensor *
fm_onnx_tensor_to_const (const FmOnnxTensor *tensor,
                         const char         *external_base,
                         gsize               max_bytes,
                         GError            **error)
{
  return fm_onnx_tensor_to_const_full (tensor, external_base, max_bytes, FALSE, error);
}

FmConstTensor *
fm_onnx_tensor_to_const_full (const FmOnnxTensor *tensor,
                              const char         *external_base,
                              gsize               max_bytes,
                              gboolean            drop_source,
                              GError            **error)
{
  const char *tname = tensor->name != NULL ? tensor->name : "";
  const char *type_name = data_type_name (tensor->data_type);
  g_autofree char *shape_str = NULL;
  g_autoptr(FmConstTensor) out = NULL;
  g_autoptr(GMappedFile) map = NULL;
  FmShape shape;
  FmDType dtype;
  gsize esize;
  gsize numel;
  gsize out_bytes;
  gsize raw_bytes;
  const guint8 *raw = NULL;
  gboolean have_raw = FALSE;

  esize = raw_size (tensor->data_type, &dtype);
  if (esize == 0)
    {
      if (type_name != NULL && tensor->data_type != 0)
        g_set_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                     _("tensor '%s': data type %s is not supported"), tname,
                     type_name);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                     _("tensor '%s': invalid data type %d"), tname,
                     tensor->data_type);
      return NULL;
    }

  if (tensor->rank < 0 || tensor->rank > FM_MAX_RANK)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("tensor '%s': rank %d exceeds %d"), tname, tensor->rank,
                   FM_MAX_RANK);
      return NULL;
    }
  shape.rank = tensor->rank;
  memcpy (shape.dims, tensor->dims, sizeof shape.dims);
  shape_str = fm_shape_to_string (&shape);

  for (int i = 0; i < shape.rank; i++)
    if (shape.dims[i] < 0)
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                     _("tensor '%s': negative dimension in shape %s"), tname,
                     shape_str);
        return NULL;
      }

  if (!fm_shape_numel (&shape, G_MAXSIZE, &numel)
      || !g_size_checked_mul (&out_bytes, numel, fm_dtype_size (dtype))
      || !g_size_checked_mul (&raw_bytes, numel, esize))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("tensor '%s': shape %s has too many elements"), tname,
                   shape_str);
      return NULL;
    }
  if (out_bytes > max_bytes)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("tensor '%s': shape %s needs %zu bytes,"
                     " more than the limit of %zu"), tname,
                   shape_str, out_bytes, max_bytes);
      return NULL;
    }

  if (tensor->data_location == 1)
    {
      if (external_base == NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("tensor '%s': external data is not allowed here"),
                       tname);
          return NULL;
        }
      map = map_external (tensor, tname, external_base, raw_bytes, &raw,
                          error);
      if (map == NULL)
        return NULL;
      have_raw = TRUE;
    }
  else if (tensor->has_raw_data)
    {
      if (tensor->raw_data.len != raw_bytes)
        {
          if (tensor->raw_data.len % esize == 0)
            g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                         /* Translators: a tensor name, how many values it stores, its shape like
                            “[1, 3, 28, 28]” and how many values that shape needs. */
                         _("tensor '%s': %zu values for shape"
                           " %s (%zu)"), tname,
                         tensor->raw_data.len / esize, shape_str, numel);
          else
            g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                         _("tensor '%s': raw_data of %zu bytes"
                           " for shape %s (%zu values of %zu bytes)"),
                         tname, tensor->raw_data.len, shape_str, numel, esize);
          return NULL;
        }
      raw = tensor->raw_data.data;
      have_raw = TRUE;
    }
  else
    {
      const GArray *arr = typed_array (tensor);
      gsize count = arr != NULL ? arr->len : 0;

      if (count != numel)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("tensor '%s': %zu values for shape"
                         " %s (%zu)"), tname, count, shape_str,
                       numel);
          return NULL;
        }
    }

  out = fm_const_tensor_new (dtype, &shape, error);
  if (out == NULL)
    return NULL;

  if (numel > 0)
    {
      if (have_raw && drop_source && raw == tensor->raw_data.data)
        {
          /* In slices, giving each slice's pages back as soon as it is
           * converted, so a 400 MB weight never sits in memory twice. */
          gsize slice = (gsize) 4 << 20;  /* values */

          for (gsize i = 0; i < numel; i += slice)
            {
              gsize n = MIN (slice, numel - i);
              convert_raw (tensor->data_type, raw + i * esize, n,
                           (guint8 *) out->data + i * fm_dtype_size (dtype));
              drop_pages (raw + i * esize, n * esize);
            }
        }
      else if (have_raw)
        convert_raw (tensor->data_type, raw, numel, out->data);
      else
        convert_typed (tensor, typed_array (tensor), out->data);
    }

  return g_steal_pointer (&out);
}
