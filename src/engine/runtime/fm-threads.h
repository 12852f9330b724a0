/* fm-threads.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small persistent thread pool for the kernels (private to the engine).
 * A pool of n threads is the caller plus n - 1 workers that poll for the
 * next job for 200 microseconds after the last one (the jobs of a forward
 * pass come that close together) and then sleep on a condition variable:
 * nothing spins between passes. One job at a
 * time: fm_threads_run() calls func (data, i, n) for every i in [0, n),
 * index 0 on the calling thread, and returns when all are done. A pool
 * belongs to one FmRun and so to one thread at a time; several runs each
 * have their own pool. A NULL pool means one thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FmThreads FmThreads;

typedef void (*FmThreadsFunc) (gpointer data,
                               guint    index,
                               guint    n);

/* g_thread_try_new () with SIGINT and SIGTERM blocked in the new thread:
 * the engine's workers leave the signals to the thread that started them
 * (the command line's handler removes a temporary file it has been told
 * of, fm_file_set_temp_hook (); run on a worker, it could come between
 * the file's creation and the telling). */
GThread   *fm_thread_spawn  (const char     *name,
                             GThreadFunc     func,
                             gpointer        data,
                             GError        **error);

/* NULL (and no error) when @n_threads <= 1 or no thread could start. */
FmThreads *fm_threads_new   (guint           n_threads);
void       fm_threads_free  (FmThreads      *pool);
/* 1 for NULL. */
guint      fm_threads_get_n (const FmThreads *pool);
/* Runs @func on every thread of @pool (just once, index 0 of 1, when
 * @pool is NULL) and waits for all of them. */
void       fm_threads_run   (FmThreads      *pool,
                             FmThreadsFunc   func,
                             gpointer        data);

/* Runs @func over [0, @n) split into one contiguous range per thread of
 * @pool (the calling thread takes the first), or once over the whole
 * range when @pool is NULL or @n < 2 * @grain. Ranges never overlap, so
 * @func may write its range without locks. */
typedef void (*FmThreadsRangeFunc) (gpointer data,
                                    gint64   begin,
                                    gint64   end);

void       fm_threads_parallel_for (FmThreads          *pool,
                                    gint64              n,
                                    gint64              grain,
                                    FmThreadsRangeFunc  func,
                                    gpointer            data);

/* The grain for fm_threads_parallel_for() over items that each take
 * about @flops floating-point operations and move @bytes of memory: the
 * number of items worth FM_THREADS_MIN_SHARE_NS of work, so that work too
 * small to pay for a second thread's start runs on the calling thread. */
#define FM_THREADS_MIN_SHARE_NS 10000.0

gint64     fm_threads_grain        (double              flops,
                                    double              bytes);

G_END_DECLS
