/* fm-test-pb.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The protobuf writer of fm-test-pb.h. Little-endian output on any host.
 * Test-only: written independently of the decoder so that the two check
 * each other.
 */
#include "config.h"

#include <string.h>

#include "fm-test-pb.h"

void
fm_pb_raw (GByteArray *b,
           const void *data,
           gsize       len)
{
  g_byte_array_append (b, data, (guint) len);
}

void
fm_pb_varint (GByteArray *b,
              guint64     v)
{
  do
    {
      guint8 byte = v & 0x7f;

      v >>= 7;
      if (v != 0)
        byte |= 0x80;
      g_byte_array_append (b, &byte, 1);
    }
  while (v != 0);
}

void
fm_pb_tag (GByteArray *b,
           guint       field,
           guint       wire)
{
  fm_pb_varint (b, ((guint64) field << 3) | (wire & 7));
}

void
fm_pb_int (GByteArray *b,
           guint       field,
           gint64      v)
{
  fm_pb_tag (b, field, FM_PB_VARINT);
  fm_pb_varint (b, (guint64) v);
}

/* The low @size bytes of @v, little-endian. */
static void
append_le (GByteArray *b,
           guint64     v,
           guint       size)
{
  for (guint i = 0; i < size; i++)
    {
      guint8 byte = (v >> (8 * i)) & 0xff;

      g_byte_array_append (b, &byte, 1);
    }
}

void
fm_pb_fixed32 (GByteArray *b,
               guint       field,
               guint32     v)
{
  fm_pb_tag (b, field, FM_PB_FIXED32);
  append_le (b, v, 4);
}

void
fm_pb_fixed64 (GByteArray *b,
               guint       field,
               guint64     v)
{
  fm_pb_tag (b, field, FM_PB_FIXED64);
  append_le (b, v, 8);
}

void
fm_pb_float (GByteArray *b,
             guint       field,
             float       v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  fm_pb_fixed32 (b, field, bits);
}

void
fm_pb_double (GByteArray *b,
              guint       field,
              double      v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  fm_pb_fixed64 (b, field, bits);
}

void
fm_pb_bytes (GByteArray *b,
             guint       field,
             const void *data,
             gsize       len)
{
  fm_pb_tag (b, field, FM_PB_LEN);
  fm_pb_varint (b, len);
  if (len > 0)
    fm_pb_raw (b, data, len);
}

void
fm_pb_string (GByteArray *b,
              guint       field,
              const char *s)
{
  fm_pb_bytes (b, field, s, strlen (s));
}

void
fm_pb_message (GByteArray *b,
               guint       field,
               GByteArray *child)
{
  fm_pb_bytes (b, field, child->data, child->len);
}

void
fm_pb_packed_ints (GByteArray   *b,
                   guint         field,
                   const gint64 *v,
                   gsize         n)
{
  g_autoptr(GByteArray) run = g_byte_array_new ();

  for (gsize i = 0; i < n; i++)
    fm_pb_varint (run, (guint64) v[i]);
  fm_pb_message (b, field, run);
}

/* @n values of @size bytes each (floats or doubles), their bits
 * little-endian in one run. */
static void
packed_fixed (GByteArray *b,
              guint       field,
              const void *v,
              gsize       n,
              guint       size)
{
  g_autoptr(GByteArray) run = g_byte_array_new ();

  for (gsize i = 0; i < n; i++)
    {
      guint64 bits = 0;
      guint32 bits32;

      if (size == 4)
        {
          memcpy (&bits32, (const guint8 *) v + 4 * i, 4);
          bits = bits32;
        }
      else
        memcpy (&bits, (const guint8 *) v + 8 * i, 8);
      append_le (run, bits, size);
    }
  fm_pb_message (b, field, run);
}

void
fm_pb_packed_floats (GByteArray  *b,
                     guint        field,
                     const float *v,
                     gsize        n)
{
  packed_fixed (b, field, v, n, 4);
}

void
fm_pb_packed_doubles (GByteArray   *b,
                      guint         field,
                      const double *v,
                      gsize         n)
{
  packed_fixed (b, field, v, n, 8);
}

static guint64
read_varint (const guint8 *data,
             gsize         len,
             gsize        *pos)
{
  guint64 v = 0;

  for (int shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      g_assert_cmpuint (*pos, <, len);
      byte = data[(*pos)++];
      v |= (guint64) (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        return v;
    }
  g_assert_not_reached ();
}

guint64
fm_pb_field_end_at (const guint8 *data,
                    gsize         len,
                    gsize         offset)
{
  gsize pos = 0;

  while (pos <= offset)
    {
      guint64 tag = read_varint (data, len, &pos);
      guint64 end;

      switch (tag & 7)
        {
        case FM_PB_VARINT:
          read_varint (data, len, &pos);
          end = pos;
          break;
        case FM_PB_FIXED64:
          end = pos + 8;
          break;
        case FM_PB_LEN:
          end = read_varint (data, len, &pos);
          end += pos;
          break;
        case FM_PB_FIXED32:
          end = pos + 4;
          break;
        default:
          g_assert_not_reached ();
        }
      if (offset < end)
        return end;
      pos = end;
    }
  g_assert_not_reached ();
}
