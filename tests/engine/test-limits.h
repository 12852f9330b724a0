/* test-limits.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the parts of the test-limits program share (test-limits.c): the
 * checks of an error, and the parts' test cases.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @error must be set, in FM_ERROR with @code, and hold @fragment. A
 * mismatch fails the test case but lets the next cases run. */
void  fm_test_expect_error      (const GError *error,
                                 int           code,
                                 const char   *fragment);
/* @error is set but is not an FM_ERROR_LIMIT: the value passed the limit
 * and something later (a missing payload) stopped it. */
void  fm_test_expect_past_limit (const GError *error,
                                 int           code,
                                 const char   *fragment);
/* fm_test_expect_error () when @code is FM_ERROR_LIMIT (the value was
 * over the limit), otherwise fm_test_expect_past_limit (). */
void  fm_test_expect_limit_or_past (const GError *error,
                                    int           code,
                                    const char   *fragment);
/* Writes @data to @dir/@name; returns the path. */
char *fm_test_write_file        (const char   *dir,
                                 const char   *name,
                                 const guint8 *data,
                                 gsize         len);

void  fm_test_limits_model_add  (void);
void  fm_test_limits_io_add     (void);

G_END_DECLS
