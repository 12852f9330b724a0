/* test-cli-errors.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `feature-maps` says when it cannot go on, run as a user would: the
 * built binary (argv[1]) in a subprocess. A file that is no model, an
 * empty one and a truncated one get the same two lines from every
 * subcommand that loads a model: "feature-maps: SENTENCE" and
 * "  detail: DETAIL". The window, started without a display, with or
 * without GSETTINGS_SCHEMA_DIR, and from outside its build folder where
 * its settings schema is not installed, says so in one line and exits 1,
 * never with a GLib trap or a Gtk-WARNING.
 */
#include "config.h"

#include "fm-test-cli.h"
#include "fm-test-files.h"
#include "fm-test-pb.h"

#include <string.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

/* It named 5 of the 10 subcommands that need no display. */
#define NO_DISPLAY_LINE "feature-maps: cannot open a display; the window needs one (no " \
                        "subcommand does: “feature-maps --help” lists them)\n"
#define NO_SCHEMA_LINE "feature-maps: the settings schema " APP_ID " is not installed; run " \
                       "“meson install” or set GSETTINGS_SCHEMA_DIR\n"

static const char *binary;

/* Runs `BINARY SUBCOMMAND ARGS...` (NULL-terminated); returns the exit
 * status. */
#define run(subcommand, env, out, err, ...) \
  fm_test_cli_run (binary, subcommand, env, out, err, NULL, FM_TEST_CLI_ARGS (__VA_ARGS__))
/* `BINARY ARGS...` is refused: fm_test_cli_assert_refused (). */
#define refused(path, what, ...) \
  fm_test_cli_assert_refused (binary, path, what, FM_TEST_CLI_ARGS (__VA_ARGS__))

/* Every subcommand that loads MODEL fails on @model with exit status 1,
 * nothing on stdout, and exactly "feature-maps: @sentence" then one line
 * "  detail: " followed by @detail_prefix on stderr. */
static void
assert_model_error (const char *model,
                    const char *sentence,
                    const char *detail_prefix)
{
  g_autofree char *png = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-7.png", NULL);
  g_autofree char *out_png = g_build_filename (fm_test_scratch (), "out.png", NULL);
  g_autofree char *want_first = g_strconcat ("feature-maps: ", sentence, NULL);
  g_autofree char *want_detail = g_strconcat ("  detail: ", detail_prefix, NULL);
  const char *commands[] = { "inspect", "run", "export", "scan", "bench" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_auto(GStrv) lines = NULL;
      int status;

      if (i == 0)
        status = run ("inspect", NULL, &out, &err, model, NULL);
      else if (i == 1)
        status = run ("run", NULL, &out, &err, model, png, NULL);
      else if (i == 2)
        status = run ("export", NULL, &out, &err, model, png, "-o", out_png, NULL);
      else if (i == 3)
        status = run ("scan", NULL, &out, &err, model, "mnist-heldout", "--no-cache", NULL);
      else
        status = run ("bench", NULL, &out, &err, model, NULL);

      g_test_message ("%s: %s", commands[i], err);
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      lines = g_strsplit (err, "\n", -1);
      /* Two lines, each ending in a newline. */
      g_assert_cmpuint (g_strv_length (lines), ==, 3);
      g_assert_cmpstr (lines[0], ==, want_first);
      if (!g_str_has_prefix (lines[1], want_detail))
        g_error ("%s: the detail line \"%s\" does not start with \"%s\"", commands[i],
                 lines[1], want_detail);
      g_assert_cmpstr (lines[2], ==, "");
      g_assert_false (g_file_test (out_png, G_FILE_TEST_EXISTS));
    }
}

static void
test_not_a_model (void)
{
  g_autofree char *text = g_build_filename (fm_test_scratch (), "notes.onnx", NULL);
  g_autofree char *sentence = g_strdup_printf ("%s is not an ONNX model", text);

  g_assert_true (g_file_set_contents (text, "These are notes, not a model.\n", -1, NULL));
  assert_model_error (text, sentence, "model: ");
}

static void
test_empty (void)
{
  g_autofree char *empty = g_build_filename (fm_test_scratch (), "empty.onnx", NULL);
  g_autofree char *sentence = g_strdup_printf ("%s is not an ONNX model", empty);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  assert_model_error (empty, sentence, "the file is empty");
}

/* The bundled model cut in half: its size, and the size that the length of
 * the field it ends in gives (read here from the whole file). */
static void
test_truncated (void)
{
  g_autofree char *mnist = g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn.onnx",
                                             NULL);
  g_autofree char *half = g_build_filename (fm_test_scratch (), "half.onnx", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *have = NULL, *need = NULL, *sentence = NULL;
  guint64 end;
  gsize len, cut;

  if (!g_file_get_contents (mnist, &contents, &len, NULL))
    {
      g_test_skip ("data/models/mnist-cnn.onnx is not there");
      return;
    }
  cut = len / 2;
  end = fm_pb_field_end_at ((const guint8 *) contents, len, cut);
  g_assert_cmpuint (end, >, cut);
  g_assert_cmpuint (end, <=, len);
  have = g_format_size (cut);
  need = g_format_size (end);
  g_assert_cmpstr (have, !=, need);
  sentence = g_strdup_printf ("%s is truncated: %s of at least %s", half, have, need);
  g_assert_true (g_file_set_contents (half, contents, cut, NULL));
  assert_model_error (half, sentence, "graph: length ");
}

/* The window, no display, and no GSETTINGS_SCHEMA_DIR: the binary in its
 * build folder finds its schema there (it does not stop on it), then says
 * that it needs a display. */
static void
test_window_schema_uninstalled (void)
{
  const char *env[] = { "GSETTINGS_SCHEMA_DIR", NULL, "DISPLAY", NULL,
                        "WAYLAND_DISPLAY", NULL, NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run (NULL, env, &out, &err, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, NO_DISPLAY_LINE);
}

/* Whether the schema is installed where GIO looks by default. */
static gboolean
schema_installed (void)
{
  const char * const *system_dirs = g_get_system_data_dirs ();
  g_autoptr(GPtrArray) dirs = g_ptr_array_new ();

  g_ptr_array_add (dirs, (gpointer) g_get_user_data_dir ());
  for (guint i = 0; system_dirs[i] != NULL; i++)
    g_ptr_array_add (dirs, (gpointer) system_dirs[i]);
  for (guint i = 0; i < dirs->len; i++)
    {
      g_autofree char *path = g_build_filename (dirs->pdata[i], "glib-2.0", "schemas", NULL);
      g_autoptr(GSettingsSchemaSource) source = NULL;
      g_autoptr(GSettingsSchema) schema = NULL;

      source = g_settings_schema_source_new_from_directory (path, NULL, FALSE, NULL);
      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);
      if (schema != NULL)
        return TRUE;
    }
  return FALSE;
}

/* A copy of the binary outside its build folder counts as installed: with
 * the schema nowhere, one sentence and exit status 1. */
static void
test_window_schema_missing (void)
{
  const char *env[] = { "GSETTINGS_SCHEMA_DIR", NULL, "DISPLAY", NULL,
                        "WAYLAND_DISPLAY", NULL, NULL };
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "bin");
  g_autofree char *copy = g_build_filename (dir, "feature-maps", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *saved = binary;
  int status;

  if (schema_installed ())
    {
      g_test_skip ("the settings schema is installed on this machine");
      return;
    }
  fm_test_copy_file (binary, copy);
  g_assert_cmpint (g_chmod (copy, 0755), ==, 0);

  binary = copy;
  status = run (NULL, env, &out, &err, NULL);
  binary = saved;
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, NO_SCHEMA_LINE);
}

/* No display: one line, no Gtk-WARNING, exit status 1, with or without a
 * model to open. */
static void
test_window_no_display (void)
{
  const char *env[] = { "DISPLAY", NULL, "WAYLAND_DISPLAY", NULL, NULL };

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status;

      if (i == 0)
        status = run (NULL, env, &out, &err, NULL);
      else
        status = run (NULL, env, &out, &err, "mnist-cnn", NULL);
      g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_null (strstr (err, "Gtk-WARNING"));
      g_assert_null (strstr (err, "Gtk-CRITICAL"));
      g_assert_cmpstr (err, ==, NO_DISPLAY_LINE);
    }
}

/* An output that is one of the command's inputs, or another output, is
 * refused before anything is written: it once replaced a picture, a
 * model, a dataset or a scan part with the output, and wrote a PNG and a
 * CSV over each other. */
static void
test_output_is_input (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "output-is-input");
  g_autofree char *digits = g_build_filename (FM_SOURCE_DATADIR, "digits", NULL);
  g_autofree char *src_model = g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn.onnx",
                                                 NULL);
  g_autofree char *src_png = g_build_filename (digits, "digit-7.png", NULL);
  g_autofree char *model = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *png = g_build_filename (dir, "seven.png", NULL);
  g_autofree char *part = g_build_filename (dir, "part.json", NULL);
  g_autofree char *two = g_build_filename (dir, "two.png", NULL);
  g_autofree char *other = g_build_filename (dir, "other.png", NULL);
  static const char input[] = "is also an input";
  static const char twice[] = "is given for two outputs";

  fm_test_copy_file (src_model, model);
  fm_test_copy_file (src_png, png);
  g_assert_true (g_file_set_contents (part, "{}", -1, NULL));

  refused (png, input, "export", model, png, "-o", png, NULL);
  refused (png, input, "export", model, png, "-o", other, "--csv", png, NULL);
  refused (model, input, "scan", model, digits, "--csv", model, NULL);
  refused (model, input, "prune", model, digits, "-o", model, NULL);
  refused (part, input, "merge", part, "-o", part, NULL);
  refused (two, twice, "export", model, png, "-o", two, "--csv", two, NULL);
  refused (two, twice, "scan", model, digits, "-o", two, "--csv", two, NULL);
}

/* An output whose folder does not exist (or is a file) is refused before
 * any work, as its write would be refused after it: atlas names it even
 * when the dataset is missing too, and scan writes no CSV beside a JSON
 * it cannot write (it wrote the CSV, then failed). */
static void
test_output_folder (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "output-folder");
  g_autofree char *digits = g_build_filename (FM_SOURCE_DATADIR, "digits", NULL);
  g_autofree char *nodir_pdf = g_build_filename (dir, "nodir", "atlas.pdf", NULL);
  g_autofree char *nodir_json = g_build_filename (dir, "nodir", "scan.json", NULL);
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *under_file = g_build_filename (file, "scan.json", NULL);
  g_autofree char *csv = g_build_filename (dir, "scan.csv", NULL);
  const char *jsons[2] = { nodir_json, under_file };

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run ("atlas", NULL, &out, &err, "mnist-cnn-dying", "/nonexistent/digits",
                          "-o", nodir_pdf, NULL), ==, 1);
    fm_test_assert_contains (err, "Could not write", nodir_pdf, "No such file or directory",
                             NULL);
  }
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *out = NULL, *err = NULL;

      g_assert_cmpint (run ("scan", NULL, &out, &err, "mnist-cnn-dying", digits, "--no-cache",
                            "-o", jsons[i], "--csv", csv, NULL), ==, 1);
      fm_test_assert_contains (err, "Could not write", jsons[i], NULL);
      g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
    }
}

/* A dataset none of whose items can be read is an error (exit 1, the
 * first reason), not a scan of 0 images that finds no dead channel; no
 * result is written. It once reported "Scanned 0 images", every layer
 * healthy, and exited 0. */
static void
test_nothing_readable (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "nothing-readable");
  g_autofree char *one = g_build_filename (dir, "one", NULL);
  g_autofree char *two = g_build_filename (dir, "two", NULL);
  g_autofree char *json = g_build_filename (dir, "scan.json", NULL);
  static const char png_head[] = "\x89PNG\r\n\x1a\n";   /* the signature, then nothing */
  struct { const char *folder; const char *want; } cases[] = {
    { one, "one: its 1 item could not be read (a.png: " },
    { two, "two: none of its 2 items could be read (the first: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint k = 0; k <= i; k++)
      {
        g_autofree char *name = g_strdup_printf ("%c.png", 'a' + k);
        g_autofree char *path = g_build_filename (cases[i].folder, name, NULL);

        g_assert_cmpint (g_mkdir_with_parents (cases[i].folder, 0755), ==, 0);
        g_assert_true (g_file_set_contents (path, png_head, sizeof png_head - 1, NULL));
      }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *want = g_strconcat ("feature-maps: ", cases[i].folder, NULL);
      int status = run ("scan", NULL, &out, &err, "mnist-cnn", cases[i].folder, "--no-cache",
                        "-o", json, NULL);

      g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 1);
      g_assert_true (g_str_has_prefix (err, want));
      g_assert_nonnull (strstr (err, cases[i].want + strlen (i == 0 ? "one" : "two")));
      g_assert_cmpstr (out, ==, "");
      g_assert_false (g_file_test (json, G_FILE_TEST_EXISTS));
    }
}

int
main (int    argc,
      char **argv)
{
  binary = fm_test_cli_init (&argc, &argv);

  g_test_add_func ("/cli/errors/not-a-model", test_not_a_model);
  g_test_add_func ("/cli/errors/empty", test_empty);
  g_test_add_func ("/cli/errors/truncated", test_truncated);
  g_test_add_func ("/cli/errors/output-is-input", test_output_is_input);
  g_test_add_func ("/cli/errors/output-folder", test_output_folder);
  g_test_add_func ("/cli/errors/nothing-readable", test_nothing_readable);
  g_test_add_func ("/cli/window/schema-uninstalled", test_window_schema_uninstalled);
  g_test_add_func ("/cli/window/schema-missing", test_window_schema_missing);
  g_test_add_func ("/cli/window/no-display", test_window_no_display);
  return g_test_run ();
}
