/* fm-test-cli.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running the built `feature-maps` binary from the command-line tests.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What a run of the binary gave. */
typedef struct
{
  int   status;   /* exit status, or -1 when killed */
  char *out;
  char *err;
} FmTestCliResult;

void        fm_test_cli_result_clear (FmTestCliResult    *r);
/* g_test_init (), then the binary under test, from $FM_CLI_BINARY or the
 * first argument (without either, prints a usage line and exits with 1).
 * The tests' files go in fm_test_scratch () (fm-test-files.h). */
const char *fm_test_cli_init         (int                *argc,
                                      char             ***argv);
/* fm_test_cli_init (), and in @cache_dir a new, empty folder "cache" in
 * fm_test_scratch (), for the runs' XDG_CACHE_HOME (never freed). */
const char *fm_test_cli_init_cached  (int                *argc,
                                      char             ***argv,
                                      const char        **cache_dir);
/* Runs `BINARY SUBCOMMAND ARGS...` (@args ends with NULL; no SUBCOMMAND
 * when it is NULL) with LC_ALL=C, then the "KEY", "VALUE" pairs of @env
 * (NULL-terminated, may be NULL; a NULL VALUE unsets KEY); stores stdout
 * and stderr, and the wall time in @seconds when not NULL. Returns the
 * exit status, -1 for a signal. */
int         fm_test_cli_run          (const char         *binary,
                                      const char         *subcommand,
                                      const char * const *env,
                                      char              **out,
                                      char              **err,
                                      double             *seconds,
                                      const char * const *args);
/* The NULL-terminated argument list for fm_test_cli_run():
 * FM_TEST_CLI_ARGS (model, "--json", NULL). */
#define FM_TEST_CLI_ARGS(...) ((const char * const []) { __VA_ARGS__ })
/* `scan mnist-cnn-dying mnist-heldout --json` (the bundled dying model
 * on the bundled held-out digits) with XDG_CACHE_HOME @cache_dir, for the
 * tests that compare with it: its JSON written to "scan.json" in
 * fm_test_scratch () (the path in *@path, free with g_free ()) and
 * returned parsed (free with g_object_unref ()). */
JsonParser *fm_test_cli_scan_dying   (const char         *binary,
                                      const char         *cache_dir,
                                      char              **path);
/* Parses @text and asserts it is one JSON object. */
JsonObject *fm_test_cli_parse_object (JsonParser         *parser,
                                      const char         *text);
/* `BINARY SUB ARGS...` (@args: SUB first, NULL-terminated) fails with a
 * usage error (exit 2) whose message starts "feature-maps SUB: @path
 * @what", and leaves @path as it was (there or not, with its bytes). */
void        fm_test_cli_assert_refused (const char         *binary,
                                        const char         *path,
                                        const char         *what,
                                        const char * const *args);
/* Starts `BINARY SUB ARGS...` (@args: SUB first, NULL-terminated; LC_ALL=C
 * and the "KEY", "VALUE" pairs of @env), waits until the temporary file
 * of its write of @output (".NAME.XXXXXX" in @output's folder) is there,
 * sends it @sig and asserts that the signal ended it and that it left
 * neither @output nor a temporary file. A program that finishes before
 * its temporary file is seen is run again, up to 5 times, then fails the
 * test. */
void        fm_test_cli_assert_signal_cleans (const char         *binary,
                                              const char * const *env,
                                              const char         *output,
                                              int                 sig,
                                              const char * const *args);
/* The standard output of `TOOL ARGS...` (NULL-terminated), failing the
 * test when it fails; NULL, the test marked skipped and saying why, when
 * @tool is not installed (poppler-utils' pdfinfo and pdftotext, which
 * build-aux/dev.sh installs). */
char       *fm_test_cli_tool_output  (const char         *tool,
                                      ...) G_GNUC_NULL_TERMINATED;
/* The object in @array whose string member @key is @value, or NULL. */
JsonObject *fm_test_cli_find_object  (JsonArray          *array,
                                      const char         *key,
                                      const char         *value);
/* The member of @o's "layers" array whose "name" is @name (fails the
 * test when there is none). */
JsonObject *fm_test_cli_find_layer   (JsonObject         *o,
                                      const char         *name);

/* What an SVG file holds, as fm_test_cli_svg_read () counts it. */
typedef struct
{
  gboolean svg_root;          /* its root element is <svg> */
  guint    images;            /* <image> elements */
  guint    pixelated_images;  /* those whose style says "pixelated" */
  guint    uses;              /* <use> elements (glyphs) */
  gboolean title;             /* a <title> and a <desc> somewhere */
  gboolean desc;
  char    *text;              /* the text of the <title> and <desc> */
} FmTestCliSvg;

/* Reads the SVG file @path, failing the test unless it is well-formed
 * XML, and fills @svg (free its text with fm_test_cli_svg_clear ()). */
void        fm_test_cli_svg_read     (const char         *path,
                                      FmTestCliSvg       *svg);
void        fm_test_cli_svg_clear    (FmTestCliSvg       *svg);

G_END_DECLS
