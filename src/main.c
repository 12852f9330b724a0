/* main.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `feature-maps` entry point. It sets up the locale and translations,
 * then hands a known subcommand (inspect, run, export, scan, bench) to the command line in
 * src/cli/ before anything graphical exists, so the CLI works without a
 * display. Anything else starts the window: `feature-maps [MODEL [IMAGE]]`,
 * once the settings schema is found and a display opens (each failure is
 * one sentence on stderr and exit status 1).
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "fm-application.h"
#include "fm-cli.h"
#include "fm-data.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("feature-maps");

  if (argc > 1 && fm_cli_is_subcommand (argv[1]))
    return fm_cli_main (argc, argv);

  if (argc > 1 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
                   || strcmp (argv[1], "help") == 0))
    {
      fm_cli_print_usage (stdout);
      return FM_CLI_EXIT_OK;
    }
  if (argc > 1 && strcmp (argv[1], "--version") == 0)
    {
      printf ("feature-maps %s\n", PACKAGE_VERSION);
      return FM_CLI_EXIT_OK;
    }

  /* A bare word that is no file, no bundled model and no option is a
   * mistyped subcommand, not a model to open in a window. */
  if (argc > 1 && argv[1][0] != '-' && strpbrk (argv[1], "./") == NULL &&
      !fm_data_is_bundled_model (argv[1]) && !g_file_test (argv[1], G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, _("feature-maps: unknown command “%s”\n"), argv[1]);
      fm_cli_print_usage (stderr);
      return FM_CLI_EXIT_USAGE;
    }

  /* Without these the window would stop on a GLib error (no schema) or a
   * Gtk-WARNING (no display): say so in one sentence instead. */
  if (!fm_application_find_settings_schema ())
    {
      fprintf (stderr, _("feature-maps: the settings schema %s is not installed; run "
                         "“meson install” or set GSETTINGS_SCHEMA_DIR\n"), APP_ID);
      return FM_CLI_EXIT_FAILURE;
    }
  if (!gtk_init_check ())
    {
      fprintf (stderr, "%s\n", _("feature-maps: cannot open a display; the window needs one "
                                 "(no subcommand does: “feature-maps --help” lists them)"));
      return FM_CLI_EXIT_FAILURE;
    }

  {
    g_autoptr(FmApplication) app = fm_application_new ();
    return g_application_run (G_APPLICATION (app), argc, argv);
  }
}
