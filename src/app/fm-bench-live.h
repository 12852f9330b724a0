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
/* The first model was asked for now (later calls are ignored). */
void     fm_bench_live_open    (void);
/* An input of @generation was submitted now (a pointer motion). */
void     fm_bench_live_input   (guint64    generation);
/* The tiles of @widget now show input @generation; measured at the next
 * paint of its frame clock. */
void     fm_bench_live_shown   (GtkWidget *widget,
                                guint64    generation);
/* Prints the figures to stdout (at window close). */
void     fm_bench_live_report  (void);

G_END_DECLS
