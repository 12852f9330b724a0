/* fm-test-cli.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running the built `feature-maps` binary from the command-line tests.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <stdarg.h>

G_BEGIN_DECLS

/* What a run of the binary gave. */
typedef struct
{
  int   status;   /* exit status, or -1 when killed */
  char *out;
  char *err;
} FmTestCliResult;

void        fm_test_cli_result_clear (FmTestCliResult    *r);
/* After g_test_init(): the binary under test, from $FM_CLI_BINARY or the
 * first argument (without either, prints a usage line and exits with 1),
 * and a new scratch folder from @tmpl in *@tmp_dir (g_free() it). */
const char *fm_test_cli_setup        (int                 argc,
                                      char              **argv,
                                      const char         *tmpl,
                                      char              **tmp_dir);
/* Runs `BINARY SUBCOMMAND ARGS...` (the va_list ends with NULL; no
 * SUBCOMMAND when it is NULL) with LC_ALL=C and the extra "KEY", "VALUE"
 * pairs of @env (NULL-terminated, may be NULL; a NULL VALUE unsets KEY);
 * stores stdout and stderr, and the wall time in @seconds when not NULL.
 * Returns the exit status, -1 for a signal. */
int         fm_test_cli_runv         (const char         *binary,
                                      const char         *subcommand,
                                      const char * const *env,
                                      char              **out,
                                      char              **err,
                                      double             *seconds,
                                      const char         *first,
                                      va_list             ap);
/* Parses @text and asserts it is one JSON object. */
JsonObject *fm_test_cli_parse_object (JsonParser         *parser,
                                      const char         *text);

G_END_DECLS
