/* fm-onnx-wire.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The protobuf wire format, bounded (fm-onnx-private.h): varints, tags,
 * lengths, fixed values, strings and repeated numbers, read within the
 * span of the enclosing message, and the path and depth of nested
 * messages. It knows no schema: fm-onnx-proto.c's field tables do.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-error.h"
#include "fm-onnx-private.h"

gboolean
_fm_pb_fail (FmPbDecoder *d,
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
  g_set_error (d->error, FM_ERROR, code, _("%s: %s at byte %zu"),
               where->str, reason, offset);
  return FALSE;
}

/* Notes that the input ends inside a top-level field: a read at the root
 * message (depth 1, whose span is the whole input) ran past the end.
 * @needed is the size the field's declared length implies, or 0 when the
 * input ends inside a number. Deeper spans lie inside a length already
 * checked against the input, so running past them is damage, not a cut. */
static void
note_truncated (FmPbDecoder *d,
                FmPbSpan    *s,
                guint64      needed)
{
  if (d->depth == 1 && s->end == d->len)
    {
      d->info->truncated = TRUE;
      d->info->needed = needed;
    }
}

/* ---- wire primitives ---------------------------------------------------- */

gboolean
_fm_pb_read_varint (FmPbDecoder *d,
                    FmPbSpan    *s,
                    const char  *field,
                    guint64     *out)
{
  gsize start = s->pos;
  guint64 v = 0;

  for (int i = 0; i < 10; i++)
    {
      guint8 b;

      if (s->pos >= s->end)
        {
          note_truncated (d, s, 0);
          return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, start,
                              /* Translators: a reason for the “%s: %s at byte %zu” message. A
                                 varint is protobuf's variable-length integer encoding. */
                              _("truncated varint"));
        }
      b = d->buf[s->pos++];
      v |= (guint64) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0)
        {
          *out = v;
          return TRUE;
        }
    }

  return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, start,
                      /* Translators: a reason for the “%s: %s at byte %zu” message. A varint is
                         protobuf's variable-length integer encoding. */
                      _("varint longer than 10 bytes"));
}

gboolean
_fm_pb_read_tag (FmPbDecoder *d,
                 FmPbSpan    *s,
                 FmPbTag     *tag)
{
  guint64 v;

  tag->at = s->pos;
  if (!_fm_pb_read_varint (d, s, NULL, &v))
    return FALSE;
  if ((v >> 3) == 0 || (v >> 3) > 0x1fffffff)
    return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, NULL, tag->at,
                        /* Translators: a reason for the “%s: %s at byte %zu” message; the number is
                           a protobuf field number. */
                        _("invalid field number %" PRIu64), v >> 3);

  tag->number = (guint32) (v >> 3);
  tag->wire = (int) (v & 7);
  if (tag->wire == 3 || tag->wire == 4)
    return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, NULL, tag->at,
                        /* Translators: a reason for the “%s: %s at byte %zu” message; a protobuf
                           field number and its wire type (how the value is encoded). */
                        _("field %u has unsupported wire type %d (group)"),
                        tag->number, tag->wire);
  if (tag->wire > FM_PB_WIRE_LEN && tag->wire != FM_PB_WIRE_FIXED32)
    return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, NULL, tag->at,
                        /* Translators: a reason for the “%s: %s at byte %zu” message; a protobuf
                           field number and its wire type (how the value is encoded). */
                        _("field %u has invalid wire type %d"), tag->number, tag->wire);
  return TRUE;
}

gboolean
_fm_pb_read_length (FmPbDecoder *d,
                    FmPbSpan    *s,
                    const char  *field,
                    FmPbSpan    *out)
{
  gsize start = s->pos;
  guint64 n;

  if (!_fm_pb_read_varint (d, s, field, &n))
    return FALSE;

  if (n > s->end - s->pos)
    {
      note_truncated (d, s, n > G_MAXUINT64 - s->pos ? G_MAXUINT64 : s->pos + n);
      return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, start,
                          /* Translators: a reason for the “%s: %s at byte %zu” message: a
                             length-delimited field claims more bytes than are left in the enclosing
                             message. */
                          _("length %" PRIu64 " past end (%zu"
                            " bytes remain)"), n, s->end - s->pos);
    }

  out->pos = s->pos;
  out->end = s->pos + (gsize) n;
  s->pos = out->end;
  return TRUE;
}

/* A little-endian fixed32 or fixed64. */
static gboolean
read_fixed (FmPbDecoder *d,
            FmPbSpan    *s,
            const char  *field,
            gsize        size,
            guint64     *out)
{
  if (s->end - s->pos < size)
    {
      note_truncated (d, s, 0);
      return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, s->pos,
                          /* Translators: a reason for the “%s: %s at byte %zu” message; “fixed32” /
                             “fixed64” are protobuf's fixed-size number encodings, keep them as they
                             are. */
                          _("truncated fixed%d"), (int) size * 8);
    }

  *out = 0;
  for (gsize i = size; i-- > 0;)
    *out = *out << 8 | d->buf[s->pos + i];
  s->pos += size;
  return TRUE;
}

gboolean
_fm_pb_read_value (FmPbDecoder *d,
                   FmPbSpan    *s,
                   int          wire,
                   const char  *field,
                   guint64     *v,
                   FmPbSpan    *bytes)
{
  switch (wire)
    {
    case FM_PB_WIRE_VARINT:
      return _fm_pb_read_varint (d, s, field, v);
    case FM_PB_WIRE_FIXED64:
      return read_fixed (d, s, field, 8, v);
    case FM_PB_WIRE_FIXED32:
      return read_fixed (d, s, field, 4, v);
    default:
      return _fm_pb_read_length (d, s, field, bytes);
    }
}

gboolean
_fm_pb_expect_wire (FmPbDecoder   *d,
                    const char    *field,
                    const FmPbTag *tag,
                    int            want)
{
  if (tag->wire == want)
    return TRUE;
  return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, tag->at,
                      /* Translators: a reason for the “%s: %s at byte %zu” message; protobuf wire
                         types (how a value is encoded), found and expected. */
                      _("wire type %d, expected %d"), tag->wire, want);
}

/* NUL inside is an error since every consumer treats these as C strings,
 * and so is text that is not UTF-8: names end up in messages the window
 * shows. */
gboolean
_fm_pb_string_copy (FmPbDecoder  *d,
                    FmPbSpan      str,
                    const char   *field,
                    char        **out)
{
  gsize n = str.end - str.pos;

  if (memchr (d->buf + str.pos, '\0', n) != NULL)
    return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, str.pos,
                        _("string contains a NUL byte"));
  if (!g_utf8_validate ((const char *) d->buf + str.pos, (gssize) n, NULL))
    return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, str.pos,
                        _("string is not valid UTF-8"));

  *out = g_try_malloc (n + 1);
  if (*out == NULL)
    return _fm_pb_fail (d, FM_ERROR_LIMIT, field, str.pos,
                        _("out of memory for a string of %zu bytes"), n);
  if (n > 0)
    memcpy (*out, d->buf + str.pos, n);
  (*out)[n] = '\0';
  return TRUE;
}

/* ---- repeated numbers, packed or not ------------------------------------ */

static gsize
num_elem_size (FmPbNum kind)
{
  return kind == FM_PB_NUM_INT32 || kind == FM_PB_NUM_FLOAT ? 4 : 8;
}

static int
num_wire (FmPbNum kind)
{
  return kind == FM_PB_NUM_FLOAT ? FM_PB_WIRE_FIXED32
         : kind == FM_PB_NUM_DOUBLE ? FM_PB_WIRE_FIXED64 : FM_PB_WIRE_VARINT;
}

/* One per varint terminator byte, or length / size for fixed-width
 * values. */
gboolean
_fm_pb_packed_count (FmPbDecoder *d,
                     FmPbSpan     run,
                     FmPbNum      kind,
                     const char  *field,
                     gsize       *count)
{
  gsize size = num_elem_size (kind);

  *count = 0;
  if (num_wire (kind) == FM_PB_WIRE_VARINT)
    {
      for (gsize i = run.pos; i < run.end; i++)
        if ((d->buf[i] & 0x80) == 0)
          (*count)++;
      return TRUE;
    }

  if ((run.end - run.pos) % size != 0)
    return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, run.pos,
                        /* Translators: a reason for the “%s: %s at byte %zu” message: a packed
                           array of numbers whose byte length is not a multiple of the size of one
                           number. */
                        _("packed run of %zu bytes is not a multiple"
                          " of %zu"), run.end - run.pos, size);
  *count = (run.end - run.pos) / size;
  return TRUE;
}

/* GArray lengths are guint; stay well below that (4 GiB of int64). */
#define MAX_ARRAY_LEN (G_MAXUINT / 8)

/* Elements of 4 bytes keep the low 32 bits (an int32 or a float's bits),
 * of 8 bytes all 64 (an int64 or a double's bits). */
gboolean
_fm_pb_read_numbers (FmPbDecoder    *d,
                     FmPbSpan       *s,
                     const FmPbTag  *tag,
                     FmPbNum         kind,
                     const char     *field,
                     GArray        **arr)
{
  gboolean packed = tag->wire == FM_PB_WIRE_LEN;
  FmPbSpan run;
  gsize count = 1;
  guint64 v;

  /* count <= run length, so this is bounded by the input */
  if (packed ? !_fm_pb_read_length (d, s, field, &run)
               || !_fm_pb_packed_count (d, run, kind, field, &count)
             : !_fm_pb_expect_wire (d, field, tag, num_wire (kind)))
    return FALSE;
  if (count > MAX_ARRAY_LEN - (*arr != NULL ? (*arr)->len : 0))
    return _fm_pb_fail (d, FM_ERROR_LIMIT, field, tag->at,
                        /* Translators: a reason for the “%s: %s at byte %zu” message; %u is the
                           limit on the length of one array. */
                        _("more than %u values"), MAX_ARRAY_LEN);

  if (*arr == NULL)
    *arr = g_array_sized_new (FALSE, FALSE, num_elem_size (kind), (guint) count);
  while (packed ? run.pos < run.end : count-- > 0)
    {
      if (!_fm_pb_read_value (d, packed ? &run : s, num_wire (kind), field, &v, NULL))
        return FALSE;
      if (num_elem_size (kind) == 4)
        {
          guint32 v32 = (guint32) v;

          g_array_append_val (*arr, v32);
        }
      else
        g_array_append_val (*arr, v);
    }
  return TRUE;
}

/* ---- nested messages ---------------------------------------------------- */

gboolean
_fm_pb_enter (FmPbDecoder   *d,
              FmPbSpan      *s,
              const FmPbTag *tag,
              FmPbSpan      *sub,
              gsize         *mark,
              const char    *format,
              ...)
{
  va_list args;

  *mark = d->path->len;
  if (d->path->len > 0)
    g_string_append_c (d->path, '.');
  va_start (args, format);
  g_string_append_vprintf (d->path, format, args);
  va_end (args);

  if (_fm_pb_expect_wire (d, NULL, tag, FM_PB_WIRE_LEN) && _fm_pb_read_length (d, s, NULL, sub))
    {
      if (d->depth < d->limits.max_depth)
        {
          d->depth++;
          return TRUE;
        }
      _fm_pb_fail (d, FM_ERROR_LIMIT, NULL, tag->at,
                   _("messages nested deeper than %u"), d->limits.max_depth);
    }
  g_string_truncate (d->path, *mark);
  return FALSE;
}

void
_fm_pb_leave (FmPbDecoder *d,
              gsize        mark)
{
  d->depth--;
  g_string_truncate (d->path, mark);
}

gboolean
_fm_pb_check_count (FmPbDecoder *d,
                    GPtrArray   *arr,
                    guint        limit,
                    const char  *field,
                    gsize        tag_at)
{
  if (arr == NULL || arr->len < limit)
    return TRUE;
  return _fm_pb_fail (d, FM_ERROR_LIMIT, field, tag_at,
                      _("more than %u entries"), limit);
}
