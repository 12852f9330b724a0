/* fm-application.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GtkApplication: app actions (preferences, about, quit), keyboard
 * accelerators, and what starts a window: `feature-maps` alone opens the
 * last model (or the bundled MNIST model), `feature-maps MODEL [IMAGE]`
 * opens those files; a bundled model name works as MODEL too. Before it is
 * made, fm_application_find_settings_schema() lets an uninstalled binary
 * find its build folder's settings schema.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fm-application.h"
#include "fm-data.h"
#include "fm-preferences-window.h"
#include "fm-resources.h"
#include "fm-window.h"

struct _FmApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (FmApplication, fm_application, ADW_TYPE_APPLICATION)

static FmWindow *
get_window (FmApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (fm_window_new (ADW_APPLICATION (self)));
  return FM_WINDOW (window);
}

static GFile *
default_model (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *value = g_settings_get_string (settings, "last-model");
  g_autofree char *last = fm_window_path_from_setting (value);
  g_autofree char *bundled = NULL;

  if (last != NULL && *last != '\0' && g_file_test (last, G_FILE_TEST_IS_REGULAR))
    return g_file_new_for_path (last);
  bundled = fm_data_resolve_model ("mnist-cnn", NULL);
  return bundled != NULL ? g_file_new_for_path (bundled) : NULL;
}

static void
fm_application_activate (GApplication *app)
{
  FmWindow *window = get_window (FM_APPLICATION (app));
  g_autoptr(GFile) model = NULL;

  if (fm_window_get_model (window) == NULL)
    {
      model = default_model ();
      if (model != NULL)
        fm_window_open_model (window, model);
      fm_window_restore_last_input (window);
    }
  gtk_window_present (GTK_WINDOW (window));
}

/* A bundled name given on the command line arrives as a file in the
 * current folder that does not exist. */
static GFile *
resolve_arg (GFile *file)
{
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *path = NULL;

  if (!g_file_query_exists (file, NULL) && fm_data_is_bundled_model (base))
    {
      path = fm_data_resolve_model (base, NULL);
      if (path != NULL)
        return g_file_new_for_path (path);
    }
  return g_object_ref (file);
}

static void
fm_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  FmWindow *window = get_window (FM_APPLICATION (app));
  g_autoptr(GFile) model = resolve_arg (files[0]);

  fm_window_open_model (window, model);
  if (n_files > 1)
    fm_window_open_image (window, files[1]);
  gtk_window_present (GTK_WINDOW (window));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (fm_preferences_window_new (parent));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  static const char *developers[] = { "The Feature Maps developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (parent,
                         "application-name", _("Feature Maps"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Feature Maps developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("See what every channel of a convolutional network sees, "
                                       "and tell a channel that is silent for one input from "
                                       "one that is dead for all."),
                         "website", "https://github.com/featuremaps/feature-maps",
                         "issue-url", "https://github.com/featuremaps/feature-maps/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         "copyright", "© 2026 The Feature Maps developers",
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Close windows so each shuts its worker down cleanly. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (windows->data);
      windows = next;
    }
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
fm_application_startup (GApplication *app)
{
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.open-model", { "<Control>o", NULL } },
    { "win.open-image", { "<Control><Shift>o", NULL } },
    { "win.compare", { "<Control><Shift>m", NULL } },
    { "win.clear", { "Delete", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (fm_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);
}

static void
fm_application_class_init (FmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = fm_application_activate;
  app_class->open = fm_application_open;
  app_class->startup = fm_application_startup;
}

static void
fm_application_init (FmApplication *self)
{
}

gboolean
fm_application_find_settings_schema (void)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source;

  /* GIO reads GSETTINGS_SCHEMA_DIR once, when the default source is first
   * asked for: this must run before that. Its first folder wins, so an
   * uninstalled binary uses its own build's schema even when an older one
   * is installed. */
  if (fm_data_running_uninstalled ())
    {
      const char *old = g_getenv ("GSETTINGS_SCHEMA_DIR");
      g_autofree char *dirs = NULL;

      if (old != NULL && *old != '\0')
        dirs = g_strconcat (fm_data_build_schema_dir (), G_SEARCHPATH_SEPARATOR_S, old, NULL);
      else
        dirs = g_strdup (fm_data_build_schema_dir ());
      g_setenv ("GSETTINGS_SCHEMA_DIR", dirs, TRUE);
    }

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  return schema != NULL;
}

FmApplication *
fm_application_new (void)
{
  /* The resources register themselves from a constructor; referencing
   * them keeps the linker from dropping that object out of the static
   * library. */
  g_assert (fm_get_resource () != NULL);
  return g_object_new (FM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/featuremaps/FeatureMaps",
                       NULL);
}
