/* fm-export.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CSV of per-channel statistics and .npy of one layer, written
 * atomically (see fm-export.h). The atomic write is done here rather
 * than with g_file_set_contents_full() so that the message names the
 * target, not the temporary file, and says why with the system's words
 * ("File too large", "Read-only file system", "Not a directory").
 */
#include "config.h"

#include "fm-export.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fm-csv.h"
#include "fm-npy.h"

#define MAX_NAME_CHARS 200

/* ---- atomic write ------------------------------------------------------- */

static gboolean
fail_errno (GError    **error,
            const char *path,
            int         saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, FM_ERROR, FM_ERROR_IO, _("Could not write “%s”: %s"),
               display, g_strerror (saved_errno));
  return FALSE;
}

/* Writes @len bytes to a temporary file next to @path, flushes it to disk
 * and renames it over @path; every failure removes the temporary file. */
static gboolean
write_atomic (const char   *path,
              const guint8 *bytes,
              gsize         len,
              GError      **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *tmp_path = g_build_filename (dir, tmp_name, NULL);
  gsize done = 0;
  int fd;

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail_errno (error, path, errno);

  while (done < len)
    {
      gssize n = write (fd, bytes + done, MIN (len - done, (gsize) 1 << 20));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : ENOSPC;

          close (fd);
          g_unlink (tmp_path);
          return fail_errno (error, path, saved);
        }
      done += (gsize) n;
    }
  if (fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      g_unlink (tmp_path);
      return fail_errno (error, path, saved);
    }
  if (close (fd) != 0)
    {
      int saved = errno;

      g_unlink (tmp_path);
      return fail_errno (error, path, saved);
    }
  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp_path);
      return fail_errno (error, path, saved);
    }
  return TRUE;
}

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
  return write_atomic (path, (const guint8 *) text, strlen (text), error);
}

/* ---- NPY ---------------------------------------------------------------- */

gboolean
fm_export_write_npy (const char     *path,
                     const FmShape  *shape,
                     const float    *data,
                     GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *bytes = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL && shape != NULL, FALSE);

  bytes = fm_npy_encode (shape, data, &len, &local_error);
  if (bytes == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FM_ERROR, local_error->code, _("Could not write “%s”: %s"),
                   display, local_error->message);
      return FALSE;
    }
  return write_atomic (path, bytes, len, error);
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
