/* fm-test-digit.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test helper: the bundled model run on the committed digit-7.png, with
 * the statistics of every layer, as the window shows them; shared by the
 * export and sheet tests. Any failure aborts the test.
 */
#pragma once

#include <glib.h>

#include "fm-model.h"
#include "fm-run.h"
#include "fm-stats.h"

G_BEGIN_DECLS

typedef struct
{
  FmModel         *model;
  FmRun           *run;
  GArray          *layers;   /* FmLayer, merged as the window shows them */
  FmChannelStats **stats;    /* [n_layers][C] */
} FmTestDigitRun;

/* Loads, runs and computes the statistics into @r, unless @r holds them
 * already (a model set). */
void fm_test_digit_run_init  (FmTestDigitRun *r);
/* Frees what fm_test_digit_run_init() made; nothing if it made nothing. */
void fm_test_digit_run_clear (FmTestDigitRun *r);

G_END_DECLS
