/* fm-csv.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-csv.h"

#include <math.h>
#include <string.h>

void
fm_csv_append_text (GString    *s,
                    const char *text)
{
  g_return_if_fail (s != NULL && text != NULL);

  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

void
fm_csv_append_float (GString *s,
                     float    v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (s != NULL);

  if (isnan (v))
    return;
  if (isinf (v))
    g_string_append (s, v > 0 ? "inf" : "-inf");
  else
    g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.9g", (double) v));
}

void
fm_csv_append_floats (GString     *s,
                      const float *v,
                      guint        n)
{
  for (guint i = 0; i < n; i++)
    {
      g_string_append_c (s, ',');
      fm_csv_append_float (s, v[i]);
    }
}
