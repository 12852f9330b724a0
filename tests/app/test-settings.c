/* test-settings.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Settings writes that fail. The app writes its settings (last-model, the
 * window size, the preferences) through GSettings, so the write itself is
 * the GSettings backend's, not ours. Each case runs in a subprocess with
 * GSETTINGS_BACKEND=keyfile and its own XDG_CONFIG_HOME, where
 * glib-2.0/settings/keyfile already holds known values, and sets keys of
 * the app's own schema (GSETTINGS_SCHEMA_DIR from the build folder): once
 * normally (the keyfile is rewritten: the control), once under a file-size
 * limit and once with the settings folder replaced by a regular file
 * (ENOTDIR, which stops root too). A failed write must keep the previous
 * keyfile byte for byte, leave nothing else in the folder and not crash.
 *
 * What GSettings tells the app: a failed write makes g_settings_set_*()
 * return FALSE, and GIO prints the reason as a warning on stderr; there is
 * no GError and no signal. So the app can know that a write it made
 * itself failed, but not why, and g_settings_bind() (the preferences)
 * ignores the result; a toast with the reason cannot be done from here.
 *
 * What GLib 2.74 (Debian 12) does under a file-size limit: the keyfile
 * backend writes with g_file_replace_contents(), whose temporary is renamed
 * over the keyfile even though writing it failed, so the previous keyfile
 * is replaced by a truncated one. That is a GLib bug, not ours; the test
 * recognises exactly that damage and reports it as TODO (an expected
 * failure) instead of passing it off; anything else still fails. No
 * display needed.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "fm-test-files.h"

#define OLD_KEYFILE \
  "[io/github/featuremaps/FeatureMaps]\n" \
  "last-model='/old/model.onnx'\n" \
  "window-width=1000\n"

static char *tmp_dir;

/* ---- folder helpers ----------------------------------------------------- */

/* A fresh XDG_CONFIG_HOME for one case; the subprocess inherits it and
 * the keyfile backend. */
static char *
fresh_config_home (const char *name)
{
  char *home = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *glib_dir = g_build_filename (home, "glib-2.0", NULL);

  g_assert_cmpint (g_mkdir_with_parents (glib_dir, 0700), ==, 0);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  return home;
}

/* ---- in the subprocess -------------------------------------------------- */

/* A last-model path long enough that the new keyfile is over 128 bytes. */
static char *
long_model_path (void)
{
  g_autoptr(GString) s = g_string_new ("/new");

  while (s->len < 300)
    g_string_append (s, "/folder");
  g_string_append (s, "/model.onnx");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* What the app writes: last-model and the window size (fm-window.c), a
 * preference (fm-preferences-window.c binds tile-size and colormap).
 * Every g_settings_set_*() returns @ok: TRUE when the keyfile was
 * written, FALSE when it was not. */
static void
set_app_keys (GSettings  *settings,
              const char *model,
              gboolean    ok)
{
  g_assert_cmpint (g_settings_set_string (settings, "last-model", model), ==, ok);
  g_assert_cmpint (g_settings_set_int (settings, "window-width", 1111), ==, ok);
  g_assert_cmpint (g_settings_set_int (settings, "window-height", 777), ==, ok);
  g_assert_cmpint (g_settings_set_boolean (settings, "window-maximized", TRUE), ==, ok);
  g_assert_cmpint (g_settings_set_int (settings, "tile-size", 96), ==, ok);
  g_assert_cmpint (g_settings_set_string (settings, "colormap", "magma"), ==, ok);
  g_settings_sync ();
}

/* The values the app reads back for the rest of the session. */
static void
assert_app_keys (GSettings  *settings,
                 const char *model,
                 int         width,
                 int         tile_size)
{
  g_autofree char *got = g_settings_get_string (settings, "last-model");

  g_assert_cmpstr (got, ==, model);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, width);
  g_assert_cmpint (g_settings_get_int (settings, "tile-size"), ==, tile_size);
}

/* GIO reports a failed keyfile write as a warning on stderr, and only
 * there. The app does not run with fatal warnings, so neither do the
 * failing cases: the parent checks the warning's text instead. */
static void
warnings_not_fatal (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
}

/* The keyfile backend really is in use and read the old file. */
static GSettings *
open_settings (const char *expect_model,
               int         expect_width)
{
  GSettings *settings = g_settings_new (APP_ID);
  g_autofree char *model = g_settings_get_string (settings, "last-model");
  g_autoptr(GSettingsBackend) backend = NULL;

  g_object_get (settings, "backend", &backend, NULL);
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (backend), ==, "GKeyfileSettingsBackend");
  g_assert_cmpstr (model, ==, expect_model);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, expect_width);
  return settings;
}

/* ---- tests -------------------------------------------------------------- */

/* The control: without a fault the keyfile is rewritten with the values,
 * so an unchanged keyfile below means the write failed, not that it went
 * elsewhere. */
static void
test_written (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GSettings) settings = open_settings ("/old/model.onnx", 1000);

      set_app_keys (settings, "/new/model.onnx", TRUE);
      assert_app_keys (settings, "/new/model.onnx", 1111, 96);
      return;
    }
  else
    {
      g_autofree char *home = fresh_config_home ("written");
      g_autofree char *dir = g_build_filename (home, "glib-2.0", "settings", NULL);
      g_autofree char *keyfile = g_build_filename (dir, "keyfile", NULL);
      g_autofree char *contents = NULL;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (keyfile, OLD_KEYFILE, -1, NULL));
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_assert_true (g_file_get_contents (keyfile, &contents, NULL, NULL));
      g_test_message ("%s", contents);
      g_assert_nonnull (strstr (contents, "last-model='/new/model.onnx'"));
      g_assert_nonnull (strstr (contents, "window-width=1111"));
      g_assert_nonnull (strstr (contents, "colormap='magma'"));
      fm_test_assert_listing (dir, "keyfile");
    }
}

/* A 128-byte file-size limit (SIGXFSZ ignored, so write () fails with
 * EFBIG): the new keyfile, over 300 bytes, cannot be written. */
static void
test_fsize_limit (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GSettings) settings = open_settings ("/old/model.onnx", 1000);
      g_autofree char *model = long_model_path ();

      fm_test_fsize_limit (128, NULL);
      warnings_not_fatal ();
      /* FALSE, but no reason: see the top of the file. The values are
       * kept for the session all the same. */
      set_app_keys (settings, model, FALSE);
      assert_app_keys (settings, model, 1111, 96);
      return;
    }
  else
    {
      g_autofree char *home = fresh_config_home ("fsize");
      g_autofree char *dir = g_build_filename (home, "glib-2.0", "settings", NULL);
      g_autofree char *keyfile = g_build_filename (dir, "keyfile", NULL);
      g_autofree char *pattern = g_strdup_printf ("*Failed to write keyfile to %s: *%s*",
                                                  keyfile, g_strerror (EFBIG));
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (keyfile, OLD_KEYFILE, -1, NULL));
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr (pattern);
      /* No temporary is left in any case. */
      fm_test_assert_listing (dir, "keyfile");
      g_assert_true (g_file_get_contents (keyfile, &contents, &len, NULL));
      if (len == 128 && g_str_has_prefix (contents, "[io/github/featuremaps/FeatureMaps]\n") &&
          strstr (contents, "/new/folder/folder") != NULL)
        {
          /* GLib's damage: the first 128 bytes of the new keyfile. */
          g_test_message ("the keyfile is now the first %" G_GSIZE_FORMAT " bytes of the new "
                          "one: %s", len, contents);
          g_test_incomplete ("GLib's keyfile settings backend replaces the keyfile with a "
                             "truncated one when writing it fails "
                             "(g_file_replace_contents renames the partial temporary)");
          return;
        }
      fm_test_assert_file_is (keyfile, OLD_KEYFILE);
    }
}

/* The settings folder is a regular file: nothing under it can be made or
 * written (ENOTDIR), and the file stays as it was. */
static void
test_not_a_directory (void)
{
  if (g_test_subprocess ())
    {
      /* Nothing readable: the schema's defaults. */
      g_autoptr(GSettings) settings = NULL;

      warnings_not_fatal ();
      settings = open_settings ("", 1280);
      /* The backend cannot make its folder, so it refuses every write and
       * the defaults stay. */
      set_app_keys (settings, "/new/model.onnx", FALSE);
      assert_app_keys (settings, "", 1280, 72);
      return;
    }
  else
    {
      g_autofree char *home = fresh_config_home ("notdir");
      g_autofree char *glib_dir = g_build_filename (home, "glib-2.0", NULL);
      g_autofree char *blocker = g_build_filename (glib_dir, "settings", NULL);

      g_autofree char *pattern = g_strdup_printf ("*Failed to create %s: %s*", blocker,
                                                  g_strerror (ENOTDIR));

      g_assert_true (g_file_set_contents (blocker, OLD_KEYFILE, -1, NULL));
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr (pattern);
      fm_test_assert_file_is (blocker, OLD_KEYFILE);
      fm_test_assert_listing (glib_dir, "settings");
    }
}

int
main (int   argc,
      char *argv[])
{
  GError *error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/settings/written", test_written);
  g_test_add_func ("/app/settings/fsize-limit", test_fsize_limit);
  g_test_add_func ("/app/settings/not-a-directory", test_not_a_directory);
  /* A subprocess runs in the XDG_CONFIG_HOME its parent set up. */
  if (g_test_subprocess ())
    return g_test_run ();

  tmp_dir = g_dir_make_tmp ("fm-test-settings-XXXXXX", &error);
  g_assert_no_error (error);
  status = g_test_run ();

  fm_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
