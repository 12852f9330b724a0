/* fm-worker-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What fm-worker.c (the object and the main context's side) and
 * fm-worker-thread.c (the worker thread's side) share.
 */
#pragma once

#include "fm-worker.h"

G_BEGIN_DECLS

#define FM_WORKER_POOL_SIZE 4
#define FM_WORKER_THREADS_LIMIT 64   /* fm_run_set_threads ()'s own limit */

/* Steady drawing allocates no arenas and no input buffers: runs come from
 * the pool and go back when their result is released; the pending input
 * buffer is overwritten in place and reused once the thread has copied it.
 * What remains per pass is small bookkeeping (a cancellable, a result, an
 * idle source). */
typedef struct
{
  gatomicrefcount ref_count;
  GMutex          mutex;
  GCond           cond;
  GMainContext   *context;          /* results are dispatched here */
  FmWorker       *owner;            /* cleared by dispose */

  FmModel        *model;
  guint64         model_generation;
  gsize           input_numel;      /* elements of the model's input */

  float          *pending;          /* [input_numel] or NULL: nothing to do */
  guint64         pending_generation;
  float          *spare;            /* [input_numel], a free input buffer */
  guint64         input_generation; /* last one handed out by submit */
  guint64         delivered_generation;
  gboolean        delivered_complete; /* the result of delivered_generation was complete */
  FmWorkerResult *latest;           /* the newest finished pass, for fm_worker_wait () */

  GCancellable   *in_flight;        /* the running pass's, or NULL */
  gboolean        quit;
  GThread        *thread;

  FmRun          *pool[FM_WORKER_POOL_SIZE]; /* runs of the current model */
  guint           pool_threads[FM_WORKER_POOL_SIZE]; /* the count set on each */
  guint           n_pool;

  FmWorkerFinishFunc finish;        /* fm_worker_set_finish () */
  gpointer        finish_data;
  GBoxedCopyFunc  finish_data_ref;
  GDestroyNotify  finish_data_unref;
  GDestroyNotify  extra_free;

  guint           needed;           /* fm_worker_set_needed () */
  gboolean        partial_ok;       /* the current model is slow enough for partial results */
  guint           threads_request;  /* fm_worker_set_threads (); 0: automatic */
  guint           auto_threads;     /* the automatic count for the current model */
  guint           first_threads;    /* the same for its first pass */
  gboolean        first_pass;       /* no pass of the current model taken yet */

  FmWorkerStats   stats;
} FmWorkerShared;

struct _FmWorkerResult
{
  gatomicrefcount  ref_count;
  FmWorkerShared  *shared;
  FmModel         *model;
  FmRun           *run;
  guint64          input_generation;
  guint64          model_generation;
  gint64           duration;
  guint            threads;         /* set on run for this pass */
  guint            n_done;          /* planned nodes run */
  gpointer         extra;           /* made by the finish function */
  GDestroyNotify   extra_free;
  gboolean         delivered;       /* by fm_worker_wait (); the idle source skips it */
};

/* The thread count of the next pass. Under the mutex. */
static inline guint
_fm_worker_shared_threads (FmWorkerShared *s)
{
  if (s->threads_request > 0)
    return s->threads_request;
  return s->first_pass ? s->first_threads : s->auto_threads;
}

/* fm-worker.c */
FmWorkerShared *_fm_worker_shared_ref         (FmWorkerShared *s);
void            _fm_worker_shared_unref       (FmWorkerShared *s);
/* Keeps @run (whose thread count was set to @threads) for the next pass
 * if it belongs to the current model and the pool has room; frees it
 * otherwise. Any thread. */
void            _fm_worker_shared_recycle_run (FmWorkerShared *s,
                                               FmRun          *run,
                                               guint           threads,
                                               guint64         model_generation);
/* Hand @result (taken) or @error (taken) to the main context. */
void            _fm_worker_shared_post_result  (FmWorkerShared *s,
                                                FmWorkerResult *result);
void            _fm_worker_shared_post_failure (FmWorkerShared *s,
                                                guint64         model_generation,
                                                GError         *error);

/* fm-worker-thread.c */
/* The automatic thread count for @model (NULL: 1) for its passes while
 * the window draws, and in @first the one for its first pass, which the
 * window waits for. */
guint           _fm_worker_auto_threads       (const FmModel  *model,
                                               guint          *first);
/* The worker thread; @shared is its reference. */
gpointer        _fm_worker_thread             (gpointer        shared);

G_END_DECLS
