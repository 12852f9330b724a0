/* fm-export.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The statistics CSV and export file names (see fm-export.h).
 */
#include "config.h"

#include "fm-export.h"

#include <math.h>
#include <string.h>

#include "fm-csv.h"
#include "fm-file.h"
#include "fm-npy.h"

#define MAX_NAME_CHARS 200

/* ---- CSV ---------------------------------------------------------------- */

char *
fm_export_stats_csv (const FmExportStats *layers,
                     guint                n_layers)
{
  GString *s = g_string_new ("layer,channel,min,max,mean,active_share,all_zero\n");

  g_return_val_if_fail (layers != NULL || n_layers == 0, NULL);

  for (guint i = 0; i < n_layers; i++)
    for (guint c = 0; c < layers[i].channels; c++)
      {
        const FmChannelStats *st = &layers[i].stats[c];
        const float numbers[] = { st->min, st->max, st->mean, st->active_share };

        fm_csv_append_text (s, layers[i].name);
        g_string_append_printf (s, ",%u", c);
        fm_csv_append_floats (s, numbers, G_N_ELEMENTS (numbers));
        g_string_append (s, st->all_zero ? ",true\n" : ",false\n");
      }
  return g_string_free (s, FALSE);
}

gboolean
fm_export_write_stats_csv (const char          *path,
                           const FmExportStats *layers,
                           guint                n_layers,
                           GError             **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  text = fm_export_stats_csv (layers, n_layers);
  return fm_file_write_atomic (path, (const guint8 *) text, strlen (text), error);
}

/* ---- names -------------------------------------------------------------- */

char *
fm_export_file_name (const char *tensor,
                     const char *suffix,
                     GHashTable *used)
{
  g_autoptr(GString) base = g_string_new (NULL);
  char *name;

  g_return_val_if_fail (tensor != NULL && suffix != NULL && used != NULL, NULL);

  for (const char *p = tensor; *p != '\0' && base->len < MAX_NAME_CHARS; p++)
    {
      char c = *p;

      g_string_append_c (base, (g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-')
                                 ? c : '_');
    }
  if (base->len == 0)
    g_string_assign (base, "tensor");

  name = g_strdup_printf ("%s%s", base->str, suffix);
  for (int k = 2; ; k++)
    {
      g_autofree char *key = g_ascii_strdown (name, -1);

      if (!g_hash_table_contains (used, key))
        {
          g_hash_table_add (used, g_steal_pointer (&key));
          return name;
        }
      g_free (name);
      name = g_strdup_printf ("%s_%d%s", base->str, k, suffix);
    }
}

char *
fm_export_write_npy (const char     *dir,
                     GHashTable     *used,
                     const char     *tensor,
                     const FmShape  *shape,
                     const float    *data,
                     GError        **error)
{
  g_autofree char *file = fm_export_file_name (tensor, ".npy", used);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  if (!fm_npy_write (path, shape, data, error))
    return NULL;
  return g_steal_pointer (&path);
}
