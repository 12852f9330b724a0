/* fm-input-settings.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-model input settings on disk (the format is in fm-input-settings.h):
 * the path from a SHA-256 of the model file, a bounded and checked load
 * that changes nothing unless the whole file is good, and an atomic save.
 * Parsing the values is fm-preprocess.c's (the names and number lists
 * are the command line's); this file only maps keys to fields.
 */
#include "config.h"

#include "fm-input-settings.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-file.h"
#include "fm-sha256.h"

#define GROUP "Input"
/* No value we write is longer; longer ones are not ours. */
#define MAX_VALUE_BYTES 256

char *
fm_input_settings_path (const FmModel  *model,
                        GError        **error)
{
  g_return_val_if_fail (model != NULL && model->path != NULL, NULL);

  return fm_input_settings_path_for_file (model->path, error);
}

char *
fm_input_settings_path_for_file (const char  *path,
                                 GError     **error)
{
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  digest = fm_sha256_file (path, error);
  if (digest == NULL)
    return NULL;
  name = g_strconcat (digest, ".ini", NULL);
  return g_build_filename (g_get_user_data_dir (), "feature-maps", "input-settings", name,
                           NULL);
}

/* ---- load ----------------------------------------------------------------- */

/* The value of @key, NULL with no error when it is absent. */
static char *
get_value (GKeyFile    *file,
           const char  *name,
           const char  *key,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *value = g_key_file_get_string (file, GROUP, key, &local_error);

  if (value != NULL && strlen (value) > MAX_VALUE_BYTES)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: key %s: the value is longer than %d bytes"), name, key,
                   MAX_VALUE_BYTES);
      g_free (value);
      return NULL;
    }
  if (value == NULL && !g_error_matches (local_error, G_KEY_FILE_ERROR,
                                         G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: key %s: the value is not UTF-8 text"), name, key);
  return value;
}

/* mean or std: 1 value, or one per channel; a std is never 0. */
static gboolean
load_floats (const char   *name,
             const char   *key,
             const char   *text,
             int           channels,
             float        *values,
             int          *n_values,
             GError      **error)
{
  g_autofree char *what = g_strdup_printf (_("%s: key %s"), name, key);
  float v[FM_PREPROCESS_MAX_CHANNELS];
  int n = 0;

  if (!fm_preprocess_parse_floats (text, what, v, FM_PREPROCESS_MAX_CHANNELS, &n, error))
    return FALSE;
  if (n != 1 && n != channels)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: %d values for the model's input of %d channel(s) (give 1, or "
                     "one per channel)"), what, n, channels);
      return FALSE;
    }
  for (int i = 0; i < n && strcmp (key, "std") == 0; i++)
    if (!(v[i] > 0.0f))
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: a std of %g is not a positive number"), what, (double) v[i]);
        return FALSE;
      }
  memcpy (values, v, sizeof (float) * n);
  *n_values = n;
  return TRUE;
}

/* One key into @pp; an absent key changes nothing. */
static gboolean
load_key (GKeyFile      *file,
          const char    *name,
          const char    *key,
          FmPreprocess  *pp,
          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = get_value (file, name, key, &local_error);
  g_autofree char *what = NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (text == NULL)
    return TRUE;

  what = g_strdup_printf (_("%s: key %s"), name, key);
  if (strcmp (key, "channels") == 0)
    {
      if (!fm_preprocess_parse_channel_order (text, what, &pp->order, error))
        return FALSE;
      if ((pp->channels == 1) != (pp->order == FM_CHANNEL_ORDER_GRAY))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: '%s' does not fit the model's input of %d channel(s)"),
                       what, text, pp->channels);
          return FALSE;
        }
      return TRUE;
    }
  if (strcmp (key, "range") == 0)
    return fm_preprocess_parse_value_range (text, what, &pp->range, error);
  if (strcmp (key, "resize") == 0)
    return fm_preprocess_parse_resize (text, what, &pp->resize, error);
  if (strcmp (key, "background") == 0)
    {
      gboolean is_auto = FALSE;
      float rgb[3];

      if (!fm_preprocess_parse_background (text, what, &is_auto, rgb, error))
        return FALSE;
      fm_preprocess_set_background (pp, is_auto, rgb);
      return TRUE;
    }
  if (strcmp (key, "mean") == 0)
    return load_floats (name, key, text, pp->channels, pp->mean, &pp->n_mean, error);
  if (strcmp (key, "std") == 0)
    return load_floats (name, key, text, pp->channels, pp->std, &pp->n_std, error);

  g_assert (strcmp (key, "invert") == 0);
  for (int v = FM_INVERT_AUTO; v <= FM_INVERT_NO; v++)
    if (strcmp (text, fm_preprocess_invert_name (v)) == 0)
      {
        pp->invert = (FmInvert) v;
        return TRUE;
      }
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               _("%s: '%s' is not one of auto, yes, no"), what, text);
  return FALSE;
}

static gboolean
too_large (const char  *name,
           GError     **error)
{
  g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
               _("%s: larger than %d bytes; not an input settings file"), name,
               FM_INPUT_SETTINGS_MAX_BYTES);
  return FALSE;
}

gboolean
fm_input_settings_load_data (const char    *data,
                             gsize          len,
                             const char    *name,
                             FmPreprocess  *pp,
                             GError       **error)
{
  static const char * const keys[] = {
    "channels", "range", "resize", "background", "mean", "std", "invert",
  };
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  FmPreprocess next;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (name != NULL && pp != NULL, FALSE);

  if (len > FM_INPUT_SETTINGS_MAX_BYTES)
    return too_large (name, error);
  if (memchr (data, '\0', len) != NULL
      || !g_key_file_load_from_data (file, data, len, G_KEY_FILE_NONE, &local_error))
    {
      /* GKeyFile quotes the offending line, which may be anything. */
      g_autofree char *why = local_error != NULL
                             ? g_utf8_make_valid (local_error->message,
                                                  MIN (strlen (local_error->message), 200))
                             : g_strdup (_("it holds a NUL byte"));

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: not an input settings file: %s"), name, why);
      return FALSE;
    }
  if (!g_key_file_has_group (file, GROUP))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: not an input settings file: it has no [%s] group"), name, GROUP);
      return FALSE;
    }

  next = *pp;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!load_key (file, name, keys[i], &next, error))
      return FALSE;
  if (!fm_preprocess_check (&next, &local_error))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT, "%s: %s", name,
                   local_error->message);
      return FALSE;
    }
  *pp = next;
  return TRUE;
}

gboolean
fm_input_settings_load (const char    *path,
                        FmPreprocess  *pp,
                        GError       **error)
{
  g_autofree char *data = NULL;
  GStatBuf st;
  gsize len;
  FILE *f;

  g_return_val_if_fail (path != NULL && pp != NULL, FALSE);

  f = g_fopen (path, "rb");
  if (f == NULL)
    {
      int saved = errno;

      if (saved == ENOENT)
        return FALSE;
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode))
    {
      fclose (f);
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: not a regular file"), path);
      return FALSE;
    }
  if (st.st_size > FM_INPUT_SETTINGS_MAX_BYTES)
    {
      fclose (f);
      return too_large (path, error);
    }
  /* One byte more than the limit tells a file that grew since fstat. */
  data = g_malloc (FM_INPUT_SETTINGS_MAX_BYTES + 1);
  len = fread (data, 1, FM_INPUT_SETTINGS_MAX_BYTES + 1, f);
  if (ferror (f))
    {
      int saved = errno;

      fclose (f);
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot read: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  fclose (f);
  return fm_input_settings_load_data (data, len, path, pp, error);
}

/* ---- save ----------------------------------------------------------------- */

static char *
format_floats (const float *values,
               int          n)
{
  g_autoptr(GString) s = g_string_new (NULL);
  char d[G_ASCII_DTOSTR_BUF_SIZE];

  for (int i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "," : "",
                            g_ascii_formatd (d, sizeof d, "%.9g", values[i]));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
fm_input_settings_to_data (const FmPreprocess *pp)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *background = NULL;
  g_autofree char *mean = NULL;
  g_autofree char *std = NULL;
  const char *preset;

  g_return_val_if_fail (pp != NULL, NULL);

  preset = fm_preprocess_get_preset (pp);
  background = fm_preprocess_background_name (pp);
  mean = format_floats (pp->mean, CLAMP (pp->n_mean, 0, FM_PREPROCESS_MAX_CHANNELS));
  std = format_floats (pp->std, CLAMP (pp->n_std, 0, FM_PREPROCESS_MAX_CHANNELS));

  g_key_file_set_string (file, GROUP, "preset", preset != NULL ? preset : "custom");
  g_key_file_set_string (file, GROUP, "channels",
                         fm_preprocess_channel_order_name (pp->order));
  g_key_file_set_string (file, GROUP, "range", fm_preprocess_value_range_name (pp->range));
  g_key_file_set_string (file, GROUP, "resize", fm_preprocess_resize_name (pp->resize));
  g_key_file_set_string (file, GROUP, "background", background);
  g_key_file_set_string (file, GROUP, "mean", mean);
  g_key_file_set_string (file, GROUP, "std", std);
  g_key_file_set_string (file, GROUP, "invert", fm_preprocess_invert_name (pp->invert));
  g_key_file_set_comment (file, NULL, NULL,
                          " Feature Maps: the input preprocessing of one model", NULL);
  return g_key_file_to_data (file, NULL, NULL);
}

gboolean
fm_input_settings_save (const char          *path,
                        const FmPreprocess  *pp,
                        GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (path != NULL && pp != NULL, FALSE);

  if (!fm_preprocess_check (pp, &local_error))
    {
      g_set_error (error, FM_ERROR, local_error->code, "%s: %s", path, local_error->message);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot create the folder “%s”: %s"),
                   path, dir, g_strerror (saved));
      return FALSE;
    }
  text = fm_input_settings_to_data (pp);
  return fm_file_write_atomic (path, text, strlen (text), error);
}
