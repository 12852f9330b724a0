/* fm-data.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finds the bundled data files (fm-data.h).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fm-data.h"
#include "fm-error.h"

static const char * const bundled_models[] = { "mnist-cnn", "mnist-cnn-dying", NULL };

const char * const *
fm_data_bundled_models (void)
{
  return bundled_models;
}

gboolean
fm_data_is_bundled_model (const char *name)
{
  return name != NULL && g_strv_contains (bundled_models, name);
}

/* Returns the path, or NULL with @tried_out listing where it looked. */
static char *
find_in_data_dirs (const char  *relative,
                   char       **tried_out)
{
  const char *env = g_getenv ("FEATURE_MAPS_DATADIR");
  const char *dirs[3];
  g_autoptr(GString) tried = g_string_new (NULL);
  guint n = 0;

  if (env != NULL && *env != '\0')
    dirs[n++] = env;
  dirs[n++] = PKGDATADIR;
  dirs[n++] = FM_SOURCE_DATADIR;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], relative, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
      g_string_append_printf (tried, "%s%s", i > 0 ? ", " : "", path);
    }
  *tried_out = g_string_free (g_steal_pointer (&tried), FALSE);
  return NULL;
}

char *
fm_data_find (const char  *relative,
              GError     **error)
{
  g_autofree char *tried = NULL;
  char *path = find_in_data_dirs (relative, &tried);

  if (path == NULL)
    g_set_error (error, FM_ERROR, FM_ERROR_IO,
                 _("%s: bundled file not found (looked for %s)"), relative, tried);
  return path;
}

char *
fm_data_resolve_model (const char  *arg,
                       GError     **error)
{
  g_autofree char *relative = NULL;
  g_autofree char *tried = NULL;
  char *path;

  if (!fm_data_is_bundled_model (arg))
    return g_strdup (arg);
  relative = g_strconcat ("models/", arg, ".onnx", NULL);
  path = find_in_data_dirs (relative, &tried);
  if (path == NULL)
    g_set_error (error, FM_ERROR, FM_ERROR_IO,
                 _("%s: bundled model not found (looked for %s)"), arg, tried);
  return path;
}
