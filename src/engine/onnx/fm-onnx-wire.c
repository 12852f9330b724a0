/* fm-onnx-wire.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The protobuf wire format, bounded (fm-onnx-private.h): varints, tags,
 * lengths, fixed values, strings and repeated numbers, read within the
 * span of the enclosing message. The schema is fm-onnx-proto.c's.
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
  gsize mark = d->path->len;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL)
    g_string_append_printf (d->path, "%s%s", mark > 0 ? "." : "", field);
  /* Translators: the first %s is where in the file, like “model.graph.node[3].attribute[0]”;
     the second is the reason (one of the messages below); %zu is the byte offset in the file. */
  g_set_error (d->error, FM_ERROR, code, _("%s: %s at byte %zu"),
               d->path->len > 0 ? d->path->str : d->root, reason, offset);
  g_string_truncate (d->path, mark);
  return FALSE;
}

/* FmOnnxDecodeInfo.truncated and needed, when a read at the root message
 * (depth 1, whose span is the whole input) ran past the end. Deeper spans
 * lie inside a length already checked, so that is damage, not a cut. */
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
  int i;

  *out = 0;
  for (i = 0; i < 10 && s->pos < s->end; i++)
    {
      guint8 b = d->buf[s->pos++];

      *out |= (guint64) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0)
        return TRUE;
    }

  if (i < 10)
    note_truncated (d, s, 0);
  return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, start,
                      /* Translators: a reason for the “%s: %s at byte %zu” message. A
                         varint is protobuf's variable-length integer encoding. */
                      i < 10 ? _("truncated varint")
                      /* Translators: a reason for the “%s: %s at byte %zu” message. A varint is
                         protobuf's variable-length integer encoding. */
                      : _("varint longer than 10 bytes"));
}

gboolean
_fm_pb_read_tag (FmPbDecoder *d,
                 FmPbSpan    *s,
                 FmPbTag     *tag)
{
  gboolean group;
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
  group = tag->wire == 3 || tag->wire == 4;
  if (group || (tag->wire > FM_PB_WIRE_LEN && tag->wire != FM_PB_WIRE_FIXED32))
    return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, NULL, tag->at,
                        /* Translators: a reason for the “%s: %s at byte %zu” message; a protobuf
                           field number and its wire type (how the value is encoded). */
                        group ? _("field %u has unsupported wire type %d (group)")
                        /* Translators: a reason for the “%s: %s at byte %zu” message; a protobuf
                           field number and its wire type (how the value is encoded). */
                        : _("field %u has invalid wire type %d"), tag->number, tag->wire);
  return TRUE;
}

/* The value after a tag: only the four wire types _fm_pb_read_tag() lets
 * through get here. A length-delimited field's bytes must lie within @s;
 * a fixed32 or fixed64 is little-endian. */
gboolean
_fm_pb_read_value (FmPbDecoder *d,
                   FmPbSpan    *s,
                   int          wire,
                   const char  *field,
                   guint64     *v,
                   FmPbSpan    *bytes)
{
  gsize start = s->pos;
  gsize size = wire == FM_PB_WIRE_FIXED64 ? 8 : 4;
  guint64 n;

  if (wire == FM_PB_WIRE_VARINT)
    return _fm_pb_read_varint (d, s, field, v);
  if (wire == FM_PB_WIRE_LEN)
    {
      if (!_fm_pb_read_varint (d, s, field, &n))
        return FALSE;
      if (n > s->end - s->pos)
        {
          note_truncated (d, s, n > G_MAXUINT64 - s->pos ? G_MAXUINT64 : s->pos + n);
          return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, start,
                              /* Translators: a reason for the “%s: %s at byte %zu” message: a
                                 length-delimited field claims more bytes than are left in the
                                 enclosing message. */
                              _("length %" PRIu64 " past end (%zu"
                                " bytes remain)"), n, s->end - s->pos);
        }
      bytes->pos = s->pos;
      bytes->end = s->pos + (gsize) n;
      s->pos = bytes->end;
      return TRUE;
    }

  if (s->end - s->pos < size)
    {
      note_truncated (d, s, 0);
      return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, s->pos,
                          /* Translators: a reason for the “%s: %s at byte %zu” message; “fixed32” /
                             “fixed64” are protobuf's fixed-size number encodings, keep them as they
                             are. */
                          _("truncated fixed%d"), (int) size * 8);
    }
  *v = 0;
  for (gsize i = size; i-- > 0;)
    *v = *v << 8 | d->buf[s->pos + i];
  s->pos += size;
  return TRUE;
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
  memcpy (*out, d->buf + str.pos, n);
  (*out)[n] = '\0';
  return TRUE;
}

/* ---- repeated numbers, packed or not ------------------------------------ */

/* Per FmPbNum: the bytes an element takes in its array, and the wire type
 * of one value written unpacked. */
static const struct { gsize size; int wire; } num_formats[] = {
  [FM_PB_NUM_INT64] = { 8, FM_PB_WIRE_VARINT },
  [FM_PB_NUM_INT32] = { 4, FM_PB_WIRE_VARINT },
  [FM_PB_NUM_UINT64] = { 8, FM_PB_WIRE_VARINT },
  [FM_PB_NUM_FLOAT] = { 4, FM_PB_WIRE_FIXED32 },
  [FM_PB_NUM_DOUBLE] = { 8, FM_PB_WIRE_FIXED64 },
};

/* The count is one per varint terminator byte, or length / size for
 * fixed-width values. */
gboolean
_fm_pb_read_packed (FmPbDecoder *d,
                    FmPbSpan    *s,
                    FmPbNum      kind,
                    const char  *field,
                    FmPbSpan    *run,
                    gsize       *count)
{
  gsize size = num_formats[kind].size;

  *count = 0;
  if (!_fm_pb_read_value (d, s, FM_PB_WIRE_LEN, field, NULL, run))
    return FALSE;
  if (num_formats[kind].wire == FM_PB_WIRE_VARINT)
    {
      for (gsize i = run->pos; i < run->end; i++)
        if ((d->buf[i] & 0x80) == 0)
          (*count)++;
      return TRUE;
    }

  if ((run->end - run->pos) % size != 0)
    return _fm_pb_fail (d, FM_ERROR_INVALID_MODEL, field, run->pos,
                        /* Translators: a reason for the “%s: %s at byte %zu” message: a packed
                           array of numbers whose byte length is not a multiple of the size of one
                           number. */
                        _("packed run of %zu bytes is not a multiple"
                          " of %zu"), run->end - run->pos, size);
  *count = (run->end - run->pos) / size;
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
  gsize size = num_formats[kind].size;
  FmPbSpan run;
  gsize count = 1;
  guint64 v;

  /* count <= run length, so this is bounded by the input */
  if (packed ? !_fm_pb_read_packed (d, s, kind, field, &run, &count)
             : !_fm_pb_expect_wire (d, field, tag, num_formats[kind].wire))
    return FALSE;
  if (count > MAX_ARRAY_LEN - (*arr != NULL ? (*arr)->len : 0))
    return _fm_pb_fail (d, FM_ERROR_LIMIT, field, tag->at,
                        /* Translators: a reason for the “%s: %s at byte %zu” message; %u is the
                           limit on the length of one array. */
                        _("more than %u values"), MAX_ARRAY_LEN);

  if (*arr == NULL)
    *arr = g_array_sized_new (FALSE, FALSE, size, (guint) count);
  while (packed ? run.pos < run.end : count-- > 0)
    {
      guint32 v32;

      if (!_fm_pb_read_value (d, packed ? &run : s, num_formats[kind].wire, field, &v, NULL))
        return FALSE;
      v32 = (guint32) v;
      g_array_append_vals (*arr, size == 4 ? (gpointer) &v32 : (gpointer) &v, 1);
    }
  return TRUE;
}
