/* fm-test-cli.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the command-line tests (fm-test-cli.h).
 */
#include "config.h"

#include <stdarg.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "fm-test-cli.h"
#include "fm-test-files.h"

void
fm_test_cli_result_clear (FmTestCliResult *r)
{
  g_free (r->out);
  g_free (r->err);
}

const char *
fm_test_cli_init (int    *argc,
                  char ***argv)
{
  const char *binary = g_getenv ("FM_CLI_BINARY");

  g_test_init (argc, argv, NULL);
  if (binary == NULL && *argc > 1)
    binary = (*argv)[1];
  if (binary == NULL)
    {
      g_printerr ("usage: FM_CLI_BINARY=path/to/feature-maps %s\n", (*argv)[0]);
      exit (1);
    }
  return binary;
}

const char *
fm_test_cli_init_cached (int          *argc,
                         char       ***argv,
                         const char  **cache_dir)
{
  const char *binary = fm_test_cli_init (argc, argv);

  *cache_dir = fm_test_fresh_dir (fm_test_scratch (), "cache");
  return binary;
}

/* Fills @argv with `BINARY SUBCOMMAND ARGS...` (no SUBCOMMAND when it is
 * NULL) and its NULL; returns the environment to run it in: ours with
 * LC_ALL=C, then the "KEY", "VALUE" pairs of @env (a NULL VALUE unsets
 * KEY). Free it with g_strfreev (). */
static char **
command_line (const char         *binary,
              const char         *subcommand,
              const char * const *env,
              const char * const *args,
              GPtrArray          *argv)
{
  char **envp = g_get_environ ();

  g_ptr_array_add (argv, (gpointer) binary);
  if (subcommand != NULL)
    g_ptr_array_add (argv, (gpointer) subcommand);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* Untranslated, unless @env says otherwise. */
  envp = g_environ_setenv (envp, "LC_ALL", "C", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    envp = env[i + 1] != NULL ? g_environ_setenv (envp, env[i], env[i + 1], TRUE)
                              : g_environ_unsetenv (envp, env[i]);
  return envp;
}

int
fm_test_cli_run (const char         *binary,
                 const char         *subcommand,
                 const char * const *env,
                 char              **out,
                 char              **err,
                 double             *seconds,
                 const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = command_line (binary, subcommand, env, args, argv);
  GError *error = NULL;
  int status = 0;
  gint64 t0;

  t0 = g_get_monotonic_time ();
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, &status, &error);
  if (seconds != NULL)
    *seconds = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_no_error (error);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

void
fm_test_cli_assert_refused (const char         *binary,
                            const char         *path,
                            const char         *what,
                            const char * const *args)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *want = g_strdup_printf ("feature-maps %s: %s %s", args[0], path, what);
  gsize before_len = 0, after_len = 0;
  gboolean existed = g_file_get_contents (path, &before, &before_len, NULL);
  int status = fm_test_cli_run (binary, args[0], NULL, &out, &err, NULL, args + 1);
  gboolean exists = g_file_get_contents (path, &after, &after_len, NULL);

  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 2);
  g_assert_true (g_str_has_prefix (err, want));
  g_assert_cmpint (exists, ==, existed);
  if (existed)
    g_assert_true (after_len == before_len && memcmp (after, before, before_len) == 0);
}

/* Whether @dir holds a file whose name starts with @prefix. */
static gboolean
has_file_starting (const char *dir,
                   const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      return TRUE;
  return FALSE;
}

/* One run for fm_test_cli_assert_signal_cleans (): TRUE once it was
 * signalled while writing. */
static gboolean
signal_during_write (char       **argv,
                     char       **envp,
                     const char  *dir,
                     const char  *prefix,
                     int          sig)
{
  GError *error = NULL;
  GPid pid;
  int status = 0;
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_spawn_async (NULL, argv, envp, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                 | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  while (!has_file_starting (dir, prefix))
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          g_test_message ("%s ended before its temporary file was seen", argv[1]);
          return FALSE;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, until);
      g_usleep (500);
    }
  g_assert_cmpint (kill (pid, sig), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, sig);
  return TRUE;
}

void
fm_test_cli_assert_signal_cleans (const char         *binary,
                                  const char * const *env,
                                  const char         *output,
                                  int                 sig,
                                  const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = command_line (binary, NULL, env, args, argv);
  g_autofree char *dir = g_path_get_dirname (output);
  g_autofree char *base = g_path_get_basename (output);
  g_autofree char *prefix = g_strconcat (".", base, ".", NULL);
  gboolean caught = FALSE;

  for (int attempt = 0; attempt < 5 && !caught; attempt++)
    {
      g_unlink (output);
      caught = signal_during_write ((char **) argv->pdata, envp, dir, prefix, sig);
    }
  g_assert_true (caught);
  g_assert_false (has_file_starting (dir, prefix));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
}

JsonParser *
fm_test_cli_scan_dying (const char  *binary,
                        const char  *cache_dir,
                        char       **path)
{
  g_autofree char *out = NULL, *err = NULL;
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;

  *path = g_build_filename (fm_test_scratch (), "scan.json", NULL);
  g_assert_cmpint (fm_test_cli_run (binary, "scan",
                                    (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                                    &out, &err, NULL,
                                    FM_TEST_CLI_ARGS ("mnist-cnn-dying", "mnist-heldout", "--json",
                                                      NULL)), ==, 0);
  g_assert_true (g_file_set_contents (*path, out, -1, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return parser;
}

JsonObject *
fm_test_cli_parse_object (JsonParser *parser,
                          const char *text)
{
  GError *error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

JsonObject *
fm_test_cli_find_object (JsonArray  *array,
                         const char *key,
                         const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (o, key), value) == 0)
        return o;
    }
  return NULL;
}

JsonObject *
fm_test_cli_find_layer (JsonObject *o,
                        const char *name)
{
  JsonObject *l = fm_test_cli_find_object (json_object_get_array_member (o, "layers"), "name",
                                           name);

  if (l == NULL)
    g_error ("no layer %s", name);
  return l;
}

char *
fm_test_cli_tool_output (const char *tool,
                         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *path = g_find_program_in_path (tool);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;
  const char *arg;
  va_list args;

  if (path == NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s is not installed (build-aux/dev.sh installs "
                                              "it)", tool);
      g_test_skip (why);
      return NULL;
    }
  g_ptr_array_add (argv, path);
  va_start (args, tool);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

typedef struct
{
  FmTestCliSvg *svg;
  int           depth;
  GString      *text;
} SvgReader;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgReader *r = user_data;
  FmTestCliSvg *svg = r->svg;

  if (r->depth++ == 0)
    svg->svg_root = strcmp (element, "svg") == 0;
  svg->uses += strcmp (element, "use") == 0;
  svg->title |= strcmp (element, "title") == 0;
  svg->desc |= strcmp (element, "desc") == 0;
  if (strcmp (element, "image") != 0)
    return;
  svg->images++;
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], "style") == 0 && strstr (values[i], "pixelated") != NULL)
      svg->pixelated_images++;
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  ((SvgReader *) user_data)->depth--;
}

static void
svg_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 len,
          gpointer              user_data,
          GError              **error)
{
  const char *element = g_markup_parse_context_get_element (context);
  SvgReader *r = user_data;

  if (g_strcmp0 (element, "title") == 0 || g_strcmp0 (element, "desc") == 0)
    g_string_append_len (r->text, text, (gssize) len);
}

void
fm_test_cli_svg_read (const char   *path,
                      FmTestCliSvg *svg)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  g_autofree char *contents = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  SvgReader r = { svg, 0, g_string_new (NULL) };
  gsize len = 0;

  memset (svg, 0, sizeof *svg);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  context = g_markup_parse_context_new (&parser, 0, &r, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, (gssize) len, &error)
                 && g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  svg->text = g_string_free (r.text, FALSE);
}

void
fm_test_cli_svg_clear (FmTestCliSvg *svg)
{
  g_clear_pointer (&svg->text, g_free);
}
