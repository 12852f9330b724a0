/* fm-test-archive.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See fm-test-archive.h.
 */
#include "fm-test-archive.h"

#include <stdio.h>
#include <string.h>

void
fm_test_tar_add (GByteArray *tar,
                 const char *name,
                 const void *data,
                 gsize       len)
{
  guint8 header[512] = { 0 };
  static const guint8 zeros[512] = { 0 };
  guint sum = 0;

  g_assert_cmpuint (strlen (name), <, 100);
  memcpy (header, name, strlen (name));
  memcpy (header + 100, "0000644", 8);                 /* mode */
  memcpy (header + 108, "0001750", 8);                 /* uid */
  memcpy (header + 116, "0001750", 8);                 /* gid */
  g_snprintf ((char *) header + 124, 12, "%011" G_GINT64_MODIFIER "o", (guint64) len);
  memcpy (header + 136, "14707041000", 12);            /* mtime */
  memset (header + 148, ' ', 8);                       /* checksum, as spaces */
  header[156] = '0';                                   /* regular file */
  memcpy (header + 257, "ustar", 6);
  memcpy (header + 263, "00", 2);
  for (int i = 0; i < 512; i++)
    sum += header[i];
  g_snprintf ((char *) header + 148, 8, "%06o", sum);
  header[155] = ' ';
  g_byte_array_append (tar, header, 512);
  if (len > 0)
    g_byte_array_append (tar, data, len);
  if (len % 512 != 0)
    g_byte_array_append (tar, zeros, 512 - len % 512);
}

void
fm_test_tar_end (GByteArray *tar)
{
  static const guint8 zeros[1024] = { 0 };

  g_byte_array_append (tar, zeros, sizeof zeros);
}

GByteArray *
fm_test_npy_header (const char *descr,
                    const char *shape,
                    gboolean    fortran)
{
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GString) dict = g_string_new (NULL);
  guint16 hlen;

  g_string_printf (dict, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr,
                   fortran ? "True" : "False", shape);
  while ((10 + dict->len + 1) % 64 != 0)
    g_string_append_c (dict, ' ');
  g_string_append_c (dict, '\n');
  hlen = GUINT16_TO_LE ((guint16) dict->len);
  g_byte_array_append (out, (const guint8 *) "\x93NUMPY\x01\x00", 8);
  g_byte_array_append (out, (const guint8 *) &hlen, 2);
  g_byte_array_append (out, (const guint8 *) dict->str, dict->len);
  return out;
}

void
fm_test_write_bytes (const char *path,
                     const void *data,
                     gsize       len)
{
  FILE *file = fopen (path, "wb");

  g_assert_nonnull (file);
  g_assert_cmpuint (len == 0 ? 0 : fwrite (data, 1, len, file), ==, len);
  g_assert_cmpint (fclose (file), ==, 0);
}
