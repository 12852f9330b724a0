/* fm-worker-thread.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The worker thread's side of FmWorker: each pass from the pending input
 * to a result or a failure posted to the main context, and the automatic
 * thread count.
 */
#include "config.h"

#include <string.h>

#include "fm-worker-private.h"

/* Thread count */

/* The automatic thread count (fm-worker.h), and why its two numbers. A
 * pass of the bundled MNIST model is about 5 MFLOP (counted by
 * fm_model_multiply_add_flops) and takes 0.07 ms on one thread of the
 * development machine, but 0.14 ms on two: waking the
 * pool's sleeping thread costs tens of microseconds, more than the split
 * saves (README, Performance, measured 2026-11-27). ResNet-18 (3.6 GFLOP,
 * 44 ms) gains a third on two threads. That puts one thread near 75 MFLOP
 * per millisecond: below 50 MFLOP a pass takes well under a millisecond,
 * where a few wake-ups would eat much of the gain; past 8 threads a pass of
 * a few tens of milliseconds gets shares too small for the hand-offs, and
 * the window and the desktop keep the other cores. Both are reasoned from
 * those figures, not measured on their own.
 *
 * One processor is left to the window: while the user draws, the main
 * thread (and a software renderer's threads) paint every frame, and a pass
 * spread over every core waits for the one the painting holds. Measured
 * with `build-aux/bench-live.sh` on ResNet-18, 2 cores, cairo renderer,
 * three alternating rounds (2026-12-05): stroke to tiles p50 64.7 ms, p95
 * 85.8 ms on one thread against 71.5 and 94.7 ms on two, although a pass
 * alone takes 26 ms on one thread and 17 ms on two. */
guint
_fm_worker_auto_threads (const FmModel *model,
                         guint         *first)
{
  guint processors = g_get_num_processors ();

  if (model == NULL || fm_model_multiply_add_flops (model) < FM_WORKER_PARALLEL_MIN_FLOPS)
    {
      *first = 1;
      return 1;
    }
  *first = CLAMP (processors, 1, FM_WORKER_MAX_THREADS);
  return CLAMP (processors > 1 ? processors - 1 : 1, 1, FM_WORKER_MAX_THREADS);
}

/* Worker thread */

/* One pass as the worker thread runs it. */
typedef struct
{
  FmModel           *model;
  guint64            model_generation;
  guint64            input_generation;
  FmRun             *run;
  guint              threads;          /* set on run */
  guint              needed;           /* fm_worker_set_needed (), taken at the start */
  guint              n_done;           /* planned nodes whose values the result offers */
  gboolean           cut;              /* stopped for newer input after its partial result */
  gint64             start;
  gint64             duration;
  FmWorkerFinishFunc finish;           /* taken from the shared state at the start */
  gpointer           finish_data;
  GDestroyNotify     finish_data_unref;
  GDestroyNotify     extra_free;
  gpointer           extra;            /* what finish made */
} Pass;

/* The kernel threads belong to each FmRun: the pass sets the count on the
 * run it takes (fm_run_set_threads () only rebuilds the run's thread pool
 * when the count changes, and before the pass is timed), and a run keeps
 * its kernel threads, asleep, while it waits in the pool or in a result.
 * A run that could not start every thread keeps the ones it has. Returns
 * @run, or a new run when it is NULL (NULL when that fails), with
 * @input copied in. */
static FmRun *
pass_prepare_run (Pass         *pass,
                  FmRun        *run,
                  guint         run_threads,
                  const float  *input,
                  gboolean     *created,
                  GError      **error)
{
  FmModel *model = pass->model;

  *created = FALSE;
  if (run == NULL)
    {
      run = fm_run_new (model, error);
      if (run == NULL)
        return NULL;
      *created = TRUE;
      run_threads = 1;
    }
  if (run_threads != pass->threads)
    fm_run_set_threads (run, pass->threads);
  memcpy (fm_run_input_data (run, 0), input,
          model->values[model->inputs[0]].numel * sizeof (float));
  return run;
}

/* Under the mutex as the pass starts: counts a new run, takes the finish
 * function, and gives @input back for the next submit unless the model
 * changed. Returns @input when it is still the pass's to free. */
static float *
shared_start_pass (FmWorkerShared *s,
                   Pass           *pass,
                   gboolean        created,
                   float          *input)
{
  g_mutex_lock (&s->mutex);
  if (created)
    s->stats.n_runs_created++;
  pass->finish = s->finish;
  if (pass->finish != NULL)
    pass->finish_data = s->finish_data_ref != NULL ? s->finish_data_ref (s->finish_data)
                                                   : s->finish_data;
  pass->finish_data_unref = s->finish_data_unref;
  pass->extra_free = s->extra_free;
  pass->needed = s->partial_ok ? s->needed : G_MAXUINT;
  if (pass->model_generation == s->model_generation && s->spare == NULL && !s->quit)
    {
      s->spare = input;
      input = NULL;
    }
  g_mutex_unlock (&s->mutex);
  return input;
}

/* Whether an input newer than the pass's waits. Taken between nodes,
 * about a hundred times a pass of ResNet-18: an uncontended lock. */
static gboolean
newer_input_waits (FmWorkerShared *s,
                   Pass           *pass)
{
  gboolean waits;

  g_mutex_lock (&s->mutex);
  waits = s->pending != NULL && !s->quit && s->model_generation == pass->model_generation;
  g_mutex_unlock (&s->mutex);
  return waits;
}

static FmWorkerResult *result_new (FmWorkerShared *s,
                                   Pass           *pass,
                                   FmRun          *run);

/* Posts the first @n_done nodes of the pass as a partial result: the
 * finish function's copies, no run (the pass goes on with it). */
static void
post_partial (FmWorkerShared *s,
              Pass           *pass,
              guint           n_done)
{
  FmWorkerResult *result = NULL, *old_latest = NULL;
  gpointer extra = NULL;

  if (pass->finish != NULL)
    extra = pass->finish (pass->model, pass->run, n_done, pass->finish_data);
  g_mutex_lock (&s->mutex);
  if (!s->quit && pass->model_generation == s->model_generation)
    {
      s->stats.n_partial++;
      pass->n_done = n_done;
      pass->extra = g_steal_pointer (&extra);
      pass->duration = g_get_monotonic_time () - pass->start;
      result = result_new (s, pass, NULL);
      old_latest = g_steal_pointer (&s->latest);
      s->latest = fm_worker_result_ref (result);
      g_cond_broadcast (&s->cond);
    }
  g_mutex_unlock (&s->mutex);
  g_clear_pointer (&old_latest, fm_worker_result_unref);
  if (extra != NULL && pass->extra_free != NULL)
    pass->extra_free (extra);
  if (result != NULL)
    _fm_worker_shared_post_result (s, result);
}

/* The nodes the caller needs (fm_worker_set_needed ()); when there are
 * more, those go out at once as a partial result, and the rest run one
 * by one while no newer input waits. A pass cut short that way has no
 * result of its own beyond the partial one. */
static gboolean
pass_run_nodes (FmWorkerShared  *s,
                Pass            *pass,
                GCancellable    *cancellable,
                GError         **error)
{
  guint n_plan = pass->model->n_plan;
  guint k = MIN (pass->needed, n_plan);

  if (!fm_run_execute_part (pass->run, 0, k, cancellable, error))
    return FALSE;
  if (k < n_plan)
    post_partial (s, pass, k);
  for (; k < n_plan; k++)
    {
      if (newer_input_waits (s, pass))
        {
          pass->cut = TRUE;
          return TRUE;
        }
      if (!fm_run_execute_part (pass->run, k, k + 1, cancellable, error))
        return FALSE;
    }
  pass->n_done = n_plan;
  return TRUE;
}

/* Runs the pass, then the finish function on its result; drops the
 * finish data. */
static gboolean
pass_execute (FmWorkerShared  *s,
              Pass            *pass,
              GCancellable    *cancellable,
              GError         **error)
{
  gboolean ok = FALSE;

  if (pass->run != NULL)
    {
      pass->start = g_get_monotonic_time ();
      ok = pass_run_nodes (s, pass, cancellable, error);
      pass->duration = g_get_monotonic_time () - pass->start;
      if (ok && !pass->cut && pass->finish != NULL)
        pass->extra = pass->finish (pass->model, pass->run, pass->n_done, pass->finish_data);
    }
  if (pass->finish != NULL && pass->finish_data_unref != NULL)
    pass->finish_data_unref (pass->finish_data);
  return ok;
}

/* A result of @pass, which gives it its extra, with @run (taken; NULL
 * for a partial result, whose pass goes on with its run). */
static FmWorkerResult *
result_new (FmWorkerShared *s,
            Pass           *pass,
            FmRun          *run)
{
  FmWorkerResult *result = g_new0 (FmWorkerResult, 1);

  g_atomic_ref_count_init (&result->ref_count);
  result->shared = _fm_worker_shared_ref (s);
  result->model = fm_model_ref (pass->model);
  result->run = run;
  result->input_generation = pass->input_generation;
  result->model_generation = pass->model_generation;
  result->duration = pass->duration;
  result->threads = pass->threads;
  result->n_done = pass->n_done;
  result->extra = g_steal_pointer (&pass->extra);
  result->extra_free = pass->extra_free;
  return result;
}

/* Counts how the pass ended and posts its result (kept for
 * fm_worker_wait () too) or its failure to the main context; a pass of a
 * model no longer current is dropped here rather than after a trip
 * there. */
static void
shared_end_pass (FmWorkerShared  *s,
                 Pass            *pass,
                 gboolean         ok,
                 GError         **error)
{
  FmWorkerResult *result = NULL;
  FmWorkerResult *old_latest = NULL;
  GError *failure = NULL;

  /* The result is filled in under the mutex the main context takes before
   * reading it, which also orders the arena's writes before its reads. */
  g_mutex_lock (&s->mutex);
  g_clear_object (&s->in_flight);
  if (ok && pass->cut)
    s->stats.n_cut++;
  else if (ok)
    {
      s->stats.n_completed++;
      s->stats.last_duration = pass->duration;
      if (s->quit || pass->model_generation != s->model_generation)
        s->stats.n_stale++;
      else
        {
          result = result_new (s, pass, g_steal_pointer (&pass->run));
          old_latest = g_steal_pointer (&s->latest);
          s->latest = fm_worker_result_ref (result);
          g_cond_broadcast (&s->cond);
        }
    }
  else if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    s->stats.n_cancelled++;
  else
    {
      s->stats.n_failed++;
      failure = g_steal_pointer (error);
    }
  g_mutex_unlock (&s->mutex);
  g_clear_pointer (&old_latest, fm_worker_result_unref);

  if (result != NULL)
    _fm_worker_shared_post_result (s, result);
  if (failure != NULL)
    _fm_worker_shared_post_failure (s, pass->model_generation, failure);
}

/* One pass. Called without the mutex; @input belongs to the pass. */
static void
worker_run_pass (FmWorkerShared *s,
                 FmModel        *model,
                 guint64         model_generation,
                 float          *input,        /* [input numel] */
                 guint64         input_generation,
                 FmRun          *run,          /* from the pool, or NULL */
                 guint           run_threads,  /* the count set on @run */
                 guint           threads,      /* the count this pass uses */
                 GCancellable   *cancellable)
{
  g_autoptr(GError) error = NULL;
  Pass pass = { 0 };
  gboolean created, ok;

  pass.model = model;
  pass.model_generation = model_generation;
  pass.input_generation = input_generation;
  pass.threads = threads;
  pass.run = pass_prepare_run (&pass, run, run_threads, input, &created, &error);
  g_free (shared_start_pass (s, &pass, created, input));
  ok = pass_execute (s, &pass, cancellable, &error);
  shared_end_pass (s, &pass, ok, &error);
  if (pass.extra != NULL && pass.extra_free != NULL)
    pass.extra_free (pass.extra);
  if (pass.run != NULL)
    _fm_worker_shared_recycle_run (s, pass.run, pass.threads, model_generation);
}

gpointer
_fm_worker_thread (gpointer data)
{
  FmWorkerShared *s = data;

  for (;;)
    {
      /* Released at the end of each pass, without the mutex. */
      g_autoptr(FmModel) model = NULL;
      g_autoptr(GCancellable) cancellable = NULL;
      float *input;
      guint64 model_generation, input_generation;
      FmRun *run = NULL;
      guint run_threads = 1, threads;

      g_mutex_lock (&s->mutex);
      while (!s->quit && s->pending == NULL)
        g_cond_wait (&s->cond, &s->mutex);
      if (s->quit)
        {
          g_mutex_unlock (&s->mutex);
          break;
        }
      model = fm_model_ref (s->model);
      model_generation = s->model_generation;
      input = g_steal_pointer (&s->pending);
      input_generation = s->pending_generation;
      if (s->n_pool > 0)
        {
          s->n_pool--;
          run = s->pool[s->n_pool];
          run_threads = s->pool_threads[s->n_pool];
        }
      threads = _fm_worker_shared_threads (s);
      s->first_pass = FALSE;
      cancellable = g_cancellable_new ();
      s->in_flight = g_object_ref (cancellable);
      s->stats.n_started++;
      g_mutex_unlock (&s->mutex);

      worker_run_pass (s, model, model_generation, input, input_generation,
                       run, run_threads, threads, cancellable);
    }

  _fm_worker_shared_unref (s);
  return NULL;
}

