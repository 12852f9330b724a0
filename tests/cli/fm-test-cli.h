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
