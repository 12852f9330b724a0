/* fm-worker.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The live forward pass, off the main thread. One worker thread runs one
 * pass at a time; a single pending slot holds the newest input, and each
 * submit overwrites it (latest wins, never a queue). Results come back to
 * the main context the worker was created in, as the "result" signal,
 * only while they belong to the current model and are newer than the last
 * result delivered (or sooner, through fm_worker_wait ()). Changing the
 * model or shutting down cancels the pass
 * in flight; submitting does not, so continuous drawing keeps showing
 * results. Everything here is called from the thread that owns that main
 * context; only results may be released from any thread.
 *
 * Threads. Each pass runs on the worker thread plus the kernel threads of
 * its FmRun (fm_run_set_threads ()). By default the count follows the
 * model: one thread for a model whose estimated cost is below
 * FM_WORKER_PARALLEL_MIN_FLOPS (there the pool's wake-up costs more than
 * it saves), else the processors but one (kept for the window's drawing;
 * at least one thread) capped at FM_WORKER_MAX_THREADS. The first pass of
 * a model, which nothing is drawn beside (the window waits for its
 * tiles), takes every processor instead.
 * fm_worker_set_threads () or the environment variable FM_LIVE_THREADS (a
 * positive integer, read when the worker is made) fix the count instead,
 * for tests and benchmarks. Every pass sets the count on its run, pooled
 * runs included.
 *
 * Layers in sight first. A pass of a slow model outlasts several pointer
 * motions, and each motion would wait for the pass in flight and then its
 * own. With fm_worker_set_needed (), a pass posts the nodes the caller
 * needs as soon as they have run, as a partial result
 * (fm_worker_result_get_n_done ()) whose later values the caller takes
 * from an earlier complete one, then goes on, and stops between two nodes
 * as soon as newer input waits. The pass of the last input of a stroke
 * always completes and is delivered after its partial result.
 *
 * It does not preprocess (the caller submits the model's input tensor) or
 * draw.
 */
#pragma once

#include <glib-object.h>

#include "fm-model.h"
#include "fm-run.h"

G_BEGIN_DECLS

/* FmWorkerResult: one finished pass. It holds the model and the FmRun
 * whose arena has every activation; releasing the last reference hands
 * the run back to the worker's pool when the model is still current. */
typedef struct _FmWorkerResult FmWorkerResult;

#define FM_TYPE_WORKER_RESULT (fm_worker_result_get_type ())

GType           fm_worker_result_get_type             (void) G_GNUC_CONST;
FmWorkerResult *fm_worker_result_ref                  (FmWorkerResult *result);
void            fm_worker_result_unref                (FmWorkerResult *result);
FmModel        *fm_worker_result_get_model            (FmWorkerResult *result);
FmRun          *fm_worker_result_get_run              (FmWorkerResult *result);
/* What fm_worker_submit() returned for the input of this pass. */
guint64         fm_worker_result_get_input_generation (FmWorkerResult *result);
guint64         fm_worker_result_get_model_generation (FmWorkerResult *result);
/* Time spent running its nodes, in microseconds (for a partial result:
 * up to its last needed node). */
gint64          fm_worker_result_get_duration         (FmWorkerResult *result);
/* The thread count set on the run for this pass (fm_run_set_threads ());
 * the run may have started fewer if threads could not start. */
guint           fm_worker_result_get_threads          (FmWorkerResult *result);
/* The planned nodes whose values this result holds: the first n_done of
 * model->plan. All of them (model->n_plan) for a complete pass; for a
 * partial result (fm_worker_set_needed ()) only the needed ones, and then
 * fm_worker_result_get_run () is NULL: the finish function's extra has
 * to hold copies of what it keeps. */
guint           fm_worker_result_get_n_done           (FmWorkerResult *result);
gboolean        fm_worker_result_is_complete          (FmWorkerResult *result);
/* What the finish function (fm_worker_set_finish ()) made of this pass on
 * the worker thread, or NULL. Owned by the result. */
gpointer        fm_worker_result_get_extra            (FmWorkerResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmWorkerResult, fm_worker_result_unref)

/* Counters since the worker was made, for benchmarks and tests. Every
 * started pass ends as exactly one of completed, cut, cancelled or failed;
 * each result (a completed pass's, a partial one) is then delivered or
 * dropped as stale (or is still on its way to the main context). */
typedef struct
{
  guint64 n_started;
  guint64 n_completed;
  guint64 n_cut;           /* posted their partial result, then stopped for newer input */
  guint64 n_partial;       /* partial results posted (fm_worker_set_needed ()) */
  guint64 n_delivered;     /* "result" emitted */
  guint64 n_stale;         /* completed, then dropped: model changed or older */
  guint64 n_cancelled;
  guint64 n_failed;        /* "error" emitted or due */
  guint64 n_runs_created;  /* FmRun arenas allocated; the rest were reused */
  gint64  last_duration;   /* microseconds of the last completed pass */
} FmWorkerStats;

/* The automatic thread count: 1 below this many estimated floating-point
 * operations per pass (a multiply-add is 2), else the processors but one
 * (at least 1), at most FM_WORKER_MAX_THREADS. */
#define FM_WORKER_PARALLEL_MIN_FLOPS 50e6
#define FM_WORKER_MAX_THREADS        8

#define FM_TYPE_WORKER (fm_worker_get_type ())

G_DECLARE_FINAL_TYPE (FmWorker, fm_worker, FM, WORKER, GObject)

/* Results go to the thread-default main context at the time of the call. */
FmWorker *fm_worker_new                  (void);
/* Cancels the pass in flight, drops the pending input and the pooled runs
 * of the old model. @model may be NULL; otherwise it must have exactly one
 * input, of float type (else FALSE with FM_ERROR_INVALID_INPUT and the
 * worker keeps no model). */
gboolean  fm_worker_set_model            (FmWorker       *self,
                                          FmModel        *model,
                                          GError        **error);
FmModel  *fm_worker_get_model            (FmWorker       *self);
guint64   fm_worker_get_model_generation (FmWorker       *self);
/* Copies @input (@n_values floats, the model input's element count) into
 * the pending slot and returns its input generation (increasing, > 0), or
 * 0 if there is no model or the worker was shut down. */
guint64   fm_worker_submit               (FmWorker       *self,
                                          const float    *input,
                                          gsize           n_values);
/* Waits at most @timeout microseconds for the pass of the newest submitted
 * input; when it finishes in time, emits "result" for it now, from this
 * call, instead of from the main loop. Returns whether it did. The window
 * calls it at the start of a frame with a timeout far below the frame's
 * length (and none when passes are slow), so a stroke's tiles can be
 * painted in the frame that shows the stroke; otherwise results arrive as
 * usual. Call from the thread that owns the worker's main context. */
gboolean  fm_worker_wait                 (FmWorker       *self,
                                          gint64          timeout);
/* The kernel threads of each pass: 0 (the default, unless FM_LIVE_THREADS
 * is set) chooses from the model's estimated cost (see above); 1 to 64
 * fixes the count (larger values are clamped). Takes effect from the next
 * pass that starts; runs already in the pool are set when they are next
 * used. */
void      fm_worker_set_threads          (FmWorker       *self,
                                          guint           n_threads);
/* The thread count the next pass will set on its run: the fixed count, or
 * the automatic one for the current model (1 without a model). */
guint     fm_worker_get_threads          (FmWorker       *self);
/* Lets passes deliver early: a pass that has run the first @n_nodes
 * nodes of the plan, and has more to run, posts them as a partial result,
 * goes on, and stops before any further node when newer input waits.
 * G_MAXUINT (the default, and after each fm_worker_set_model ()) or
 * n_plan: only complete passes. A model below
 * FM_WORKER_PARALLEL_MIN_FLOPS, whose passes take well under a frame, has
 * only complete passes whatever is set: partial ones would double the
 * results for nothing. Takes effect from the next pass that starts. */
void      fm_worker_set_needed           (FmWorker       *self,
                                          guint           n_nodes);
/* What fm_worker_set_needed () set (G_MAXUINT: every node). */
guint     fm_worker_get_needed           (FmWorker       *self);
/* Cancels the pass in flight and joins the thread; no signal is emitted
 * afterwards and further submits are ignored. Dispose does this too. */
void      fm_worker_shutdown             (FmWorker       *self);
/* Work done on the worker thread after each completed pass and before
 * each partial result, so that the main thread does not: @func gets the
 * pass's model and run, the number of planned nodes the result holds
 * (fm_worker_result_get_n_done (); below n_plan, the run is not the
 * result's and goes on: copy what you keep) and a reference to @data (taken with @data_ref for the pass, dropped with
 * @data_unref after it) and returns the result's extra, freed with
 * @extra_free. Replaces the previous function; a pass already past its
 * start keeps the data it took. NULL @func: none. */
typedef gpointer (*FmWorkerFinishFunc) (FmModel  *model,
                                        FmRun    *run,
                                        guint     n_done,
                                        gpointer  data);
void      fm_worker_set_finish           (FmWorker          *self,
                                          FmWorkerFinishFunc func,
                                          gpointer           data,
                                          GBoxedCopyFunc     data_ref,
                                          GDestroyNotify     data_unref,
                                          GDestroyNotify     extra_free);
void      fm_worker_get_stats            (FmWorker       *self,
                                          FmWorkerStats  *stats);

G_END_DECLS
