/* fm-bench-live.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Live-drawing latency probes for build-aux/bench-live.sh, active only
 * when FM_BENCH_LIVE is set in the environment (otherwise every call
 * returns at once).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean fm_bench_live_enabled (void);
/* A model was asked for now. */
void     fm_bench_live_open    (void);
/* An input of @generation was submitted now (a pointer motion). */
void     fm_bench_live_input   (guint64    generation);
/* The tiles of @widget now show input @generation; measured at the next
 * paint of its frame clock. */
void     fm_bench_live_shown   (GtkWidget *widget,
                                guint64    generation);
/* The model being opened reached @phase now ("model set" once it is the
 * window's; results shown after that are its tiles); the report lists the
 * phases with their times from the open. Any thread. */
void     fm_bench_live_mark    (const char *phase);
/* The page of tiles scrolled now: frame times while scrolling are
 * reported apart. */
void     fm_bench_live_scrolled (void);
/* Prints the figures to stdout (at window close). */
void     fm_bench_live_report  (void);

G_END_DECLS
