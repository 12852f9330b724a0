/* fm-scan-csv.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan result as CSV, one line per channel (columns in fm-scan.h,
 * fields spelled as fm-csv.h says). The per-class counts stay out: a
 * column per class would make ImageNet's 1,000 classes 1,000 columns;
 * they are in the JSON.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "fm-csv.h"
#include "fm-file.h"
#include "fm-scan-private.h"

/* Whether the ascending list @v [n] holds @c; *@pos walks along it as the
 * channels go up, so a whole layer costs one pass. */
static gboolean
list_has (const guint *v,
          guint        n,
          guint       *pos,
          guint        c)
{
  while (*pos < n && v[*pos] < c)
    (*pos)++;
  return *pos < n && v[*pos] == c;
}

static void
append_channel (GString           *s,
                const FmScanLayer *L,
                guint              c,
                gboolean           dead,
                gboolean           rare,
                gboolean           near_dead)
{
  char apoz[G_ASCII_DTOSTR_BUF_SIZE] = "";
  const float numbers[] = { L->max[c], L->mean[c],
                            L->pre_activation_max != NULL ? L->pre_activation_max[c] : NAN };

  fm_csv_append_text (s, L->name);
  g_string_append_printf (s, ",%u,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT,
                          c, L->zero_count[c], L->fire_count[c]);
  fm_csv_append_floats (s, numbers, G_N_ELEMENTS (numbers));
  if (L->apoz != NULL && isfinite (L->apoz[c]))
    g_ascii_dtostr (apoz, sizeof apoz, L->apoz[c]);
  g_string_append_printf (s, ",%s,%s,%s,%s\n", dead ? "true" : "false",
                          rare ? "true" : "false", apoz, near_dead ? "true" : "false");
}

gboolean
fm_scan_result_write_csv (const FmScanResult *result,
                          const char         *path,
                          GError            **error)
{
  g_autoptr(GString) s = g_string_new ("layer,channel,zero_count,fire_count,max,mean,"
                                       "pre_activation_max,dead,rare,apoz,near_dead\n");

  g_return_val_if_fail (result != NULL && path != NULL, FALSE);

  for (guint l = 0; l < result->n_layers; l++)
    {
      const FmScanLayer *L = &result->layers[l];
      guint di = 0, ri = 0, ni = 0;

      for (guint c = 0; c < L->channels; c++)
        append_channel (s, L, c, list_has (L->dead, L->n_dead, &di, c),
                        list_has (L->rare, L->n_rare, &ri, c),
                        list_has (L->near_dead, L->n_near_dead, &ni, c));
    }
  return fm_file_write_atomic (path, s->str, s->len, error);
}
