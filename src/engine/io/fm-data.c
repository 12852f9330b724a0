/* fm-data.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finds the bundled data files (fm-data.h). The source tree's data/ is
 * looked at only by an uninstalled build: one whose executable lies inside
 * the build folder it was configured in (FM_BUILD_ROOT), as with
 * build-aux/dev.sh, the tests and _build/src/feature-maps. An installed
 * binary never reads the checkout, so an install that lacks its data fails
 * instead of passing on the source tree's copy. The check reads
 * /proc/self/exe; where that does not exist, the binary counts as installed.
 * The same check lets the window find the GSettings schema compiled in the
 * build folder (fm_data_build_schema_dir). It does not load anything; it
 * only builds paths.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
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

/* Whether the running executable lies inside the build folder, both
 * paths with symbolic links resolved. */
gboolean
fm_data_running_uninstalled (void)
{
  static gsize once = 0;
  static gboolean uninstalled = FALSE;

  if (g_once_init_enter (&once))
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      char *root = realpath (FM_BUILD_ROOT, NULL);

      if (exe != NULL && root != NULL)
        {
          g_autofree char *prefix = g_strconcat (root, G_DIR_SEPARATOR_S, NULL);

          uninstalled = g_str_has_prefix (exe, prefix);
        }
      free (root);
      g_once_init_leave (&once, 1);
    }
  return uninstalled;
}

const char *
fm_data_build_schema_dir (void)
{
  /* data/meson.build compiles the schema into its own build folder. */
  return FM_BUILD_ROOT G_DIR_SEPARATOR_S "data";
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
  if (fm_data_running_uninstalled ())
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
