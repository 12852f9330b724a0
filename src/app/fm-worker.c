/* fm-worker.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The live forward pass off the main thread (see fm-worker.h): the object
 * and the main context's side; fm-worker-thread.c runs the passes. All state
 * the worker thread touches lives in a reference-counted FmWorkerShared
 * guarded by one mutex. The thread, every result and every queued
 * main-context callback hold a reference to the shared state, never to the
 * GObject, so the last reference to the FmWorker is always dropped by its
 * owner on the main thread; callbacks reach it through shared->owner,
 * which dispose clears under the mutex.
 */
#include "config.h"

#include <string.h>

#include "fm-worker-private.h"

typedef struct
{
  FmWorkerShared *shared;
  GError         *error;
  guint64         model_generation;
} FmWorkerFailure;

struct _FmWorker
{
  GObject         parent_instance;

  FmWorkerShared *shared;
};

G_DEFINE_FINAL_TYPE (FmWorker, fm_worker, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (FmWorkerResult, fm_worker_result,
                     fm_worker_result_ref, fm_worker_result_unref)

enum
{
  SIGNAL_RESULT,
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Shared state */

static FmWorkerShared *
shared_new (void)
{
  FmWorkerShared *s = g_new0 (FmWorkerShared, 1);

  g_atomic_ref_count_init (&s->ref_count);
  g_mutex_init (&s->mutex);
  g_cond_init (&s->cond);
  s->context = g_main_context_ref_thread_default ();
  return s;
}

FmWorkerShared *
_fm_worker_shared_ref (FmWorkerShared *s)
{
  g_atomic_ref_count_inc (&s->ref_count);
  return s;
}

/* Takes the pooled runs out; the caller frees them outside the mutex. */
static guint
shared_steal_pool (FmWorkerShared *s,
                   FmRun         **out)
{
  guint n = s->n_pool;

  memcpy (out, s->pool, n * sizeof (FmRun *));
  s->n_pool = 0;
  return n;
}

static void
free_runs (FmRun **runs,
           guint   n)
{
  for (guint i = 0; i < n; i++)
    fm_run_free (runs[i]);
}

void
_fm_worker_shared_unref (FmWorkerShared *s)
{
  if (!g_atomic_ref_count_dec (&s->ref_count))
    return;
  /* The thread holds a reference until it exits, so it is gone. */
  for (guint i = 0; i < s->n_pool; i++)
    fm_run_free (s->pool[i]);
  g_clear_object (&s->in_flight);
  g_free (s->pending);
  g_free (s->spare);
  g_clear_pointer (&s->model, fm_model_unref);
  if (s->finish_data_unref != NULL)
    s->finish_data_unref (s->finish_data);
  g_clear_pointer (&s->context, g_main_context_unref);
  g_mutex_clear (&s->mutex);
  g_cond_clear (&s->cond);
  g_free (s);
}

void
_fm_worker_shared_recycle_run (FmWorkerShared *s,
                               FmRun          *run,
                               guint           threads,
                               guint64         model_generation)
{
  if (run == NULL)
    return;
  g_mutex_lock (&s->mutex);
  if (!s->quit && model_generation == s->model_generation &&
      s->n_pool < FM_WORKER_POOL_SIZE)
    {
      s->pool_threads[s->n_pool] = threads;
      s->pool[s->n_pool++] = run;
      run = NULL;
    }
  g_mutex_unlock (&s->mutex);
  g_clear_pointer (&run, fm_run_free);
}

/* Results */

FmWorkerResult *
fm_worker_result_ref (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  g_atomic_ref_count_inc (&result->ref_count);
  return result;
}

void
fm_worker_result_unref (FmWorkerResult *result)
{
  g_return_if_fail (result != NULL);

  if (!g_atomic_ref_count_dec (&result->ref_count))
    return;
  if (result->extra_free != NULL)
    result->extra_free (result->extra);
  _fm_worker_shared_recycle_run (result->shared, result->run, result->threads, result->model_generation);
  fm_model_unref (result->model);
  _fm_worker_shared_unref (result->shared);
  g_free (result);
}

guint
fm_worker_result_get_n_done (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->n_done;
}

gboolean
fm_worker_result_is_complete (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);

  return result->n_done >= result->model->n_plan;
}

gpointer
fm_worker_result_get_extra (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->extra;
}

FmModel *
fm_worker_result_get_model (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->model;
}

FmRun *
fm_worker_result_get_run (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->run;
}

guint64
fm_worker_result_get_input_generation (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->input_generation;
}

guint64
fm_worker_result_get_model_generation (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->model_generation;
}

gint64
fm_worker_result_get_duration (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->duration;
}

guint
fm_worker_result_get_threads (FmWorkerResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return result->threads;
}

/* Main-context side */

/* A strong reference to the owner if it may still hear from us. */
static FmWorker *
shared_dup_owner (FmWorkerShared *s)
{
  if (s->owner == NULL || s->quit)
    return NULL;
  return g_object_ref (s->owner);
}

/* Whether @result is news: of a newer input than the last result
 * delivered, or the complete result of the same input after its partial
 * one. Under the mutex. */
static gboolean
shared_result_is_news (FmWorkerShared *s,
                       FmWorkerResult *result)
{
  if (result->input_generation != s->delivered_generation)
    return result->input_generation > s->delivered_generation;
  return !s->delivered_complete && fm_worker_result_is_complete (result);
}

static void
shared_mark_delivered (FmWorkerShared *s,
                       FmWorkerResult *result)
{
  s->delivered_generation = result->input_generation;
  s->delivered_complete = fm_worker_result_is_complete (result);
}

/* A result is delivered if its model generation is current and it is
 * news (shared_result_is_news ()). It is not held back
 * because a newer input is pending: while someone draws there always is
 * one, and the view would never update. */
static gboolean
dispatch_result (gpointer data)
{
  FmWorkerResult *result = data;
  FmWorkerShared *s = result->shared;
  g_autoptr(FmWorker) owner = NULL;

  FmWorkerResult *latest = NULL;

  g_mutex_lock (&s->mutex);
  if (s->latest == result)
    latest = g_steal_pointer (&s->latest);
  if (result->delivered)
    {
      /* fm_worker_wait () delivered it already. */
      g_mutex_unlock (&s->mutex);
      g_clear_pointer (&latest, fm_worker_result_unref);
      return G_SOURCE_REMOVE;
    }
  owner = shared_dup_owner (s);
  if (owner != NULL &&
      result->model_generation == s->model_generation &&
      shared_result_is_news (s, result))
    {
      shared_mark_delivered (s, result);
      s->stats.n_delivered++;
    }
  else
    {
      s->stats.n_stale++;
      g_clear_object (&owner);
    }
  g_mutex_unlock (&s->mutex);
  g_clear_pointer (&latest, fm_worker_result_unref);

  if (owner != NULL)
    g_signal_emit (owner, signals[SIGNAL_RESULT], 0, result);
  return G_SOURCE_REMOVE;
}

static void
failure_free (gpointer data)
{
  FmWorkerFailure *f = data;

  g_clear_error (&f->error);
  _fm_worker_shared_unref (f->shared);
  g_free (f);
}

static gboolean
dispatch_failure (gpointer data)
{
  FmWorkerFailure *f = data;
  FmWorkerShared *s = f->shared;
  g_autoptr(FmWorker) owner = NULL;

  g_mutex_lock (&s->mutex);
  owner = shared_dup_owner (s);
  if (owner != NULL && f->model_generation != s->model_generation)
    g_clear_object (&owner);
  g_mutex_unlock (&s->mutex);

  if (owner != NULL)
    g_signal_emit (owner, signals[SIGNAL_ERROR], 0, f->error);
  return G_SOURCE_REMOVE;
}

/* An idle source rather than g_main_context_invoke(): invoke runs the
 * callback right here, on the worker thread, when nobody owns the
 * context. */
static void
shared_post (FmWorkerShared *s,
             GSourceFunc     func,
             gpointer        data,
             GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[fm-worker] deliver");
  g_source_attach (source, s->context);
  g_source_unref (source);
}

void
_fm_worker_shared_post_result (FmWorkerShared *s,
                               FmWorkerResult *result)
{
  shared_post (s, dispatch_result, result, (GDestroyNotify) fm_worker_result_unref);
}

void
_fm_worker_shared_post_failure (FmWorkerShared *s,
                                guint64         model_generation,
                                GError         *error)
{
  FmWorkerFailure *f = g_new0 (FmWorkerFailure, 1);

  f->shared = _fm_worker_shared_ref (s);
  f->error = error;
  f->model_generation = model_generation;
  shared_post (s, dispatch_failure, f, failure_free);
}

/* GObject */

static void
fm_worker_dispose (GObject *object)
{
  FmWorker *self = FM_WORKER (object);

  fm_worker_shutdown (self);
  g_mutex_lock (&self->shared->mutex);
  self->shared->owner = NULL;
  g_mutex_unlock (&self->shared->mutex);

  G_OBJECT_CLASS (fm_worker_parent_class)->dispose (object);
}

static void
fm_worker_finalize (GObject *object)
{
  FmWorker *self = FM_WORKER (object);

  /* Queued callbacks and live results may keep the shared state a while. */
  g_clear_pointer (&self->shared, _fm_worker_shared_unref);

  G_OBJECT_CLASS (fm_worker_parent_class)->finalize (object);
}

static void
fm_worker_class_init (FmWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fm_worker_dispose;
  object_class->finalize = fm_worker_finalize;

  /**
   * FmWorker::result:
   * @result: the finished pass; take a reference to keep it
   *
   * A pass for the current model finished, newer than any delivered so
   * far. Emitted in the worker's main context.
   */
  signals[SIGNAL_RESULT] =
    g_signal_new ("result",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1, FM_TYPE_WORKER_RESULT);

  /**
   * FmWorker::error:
   * @error: why the pass failed (never a cancellation)
   *
   * A pass for the current model could not run, e.g. its arena could not
   * be allocated.
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
fm_worker_init (FmWorker *self)
{
  const char *env = g_getenv ("FM_LIVE_THREADS");
  guint64 n = 0;

  self->shared = shared_new ();
  self->shared->owner = self;
  self->shared->auto_threads = 1;
  self->shared->needed = G_MAXUINT;
  /* For benchmarks of the window, which has no other way in. */
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT, &n, NULL))
    self->shared->threads_request = (guint) MIN (n, FM_WORKER_THREADS_LIMIT);
}

/* Public API */

FmWorker *
fm_worker_new (void)
{
  return g_object_new (FM_TYPE_WORKER, NULL);
}

gboolean
fm_worker_set_model (FmWorker  *self,
                     FmModel   *model,
                     GError   **error)
{
  FmWorkerShared *s;
  FmModel *old_model;
  FmRun *old_runs[FM_WORKER_POOL_SIZE];
  guint n_old_runs;
  float *old_pending, *old_spare;
  FmWorkerResult *old_latest;
  gsize numel = 0;
  guint auto_threads, first_threads;
  gboolean ok = TRUE;
  gboolean partial_ok;

  g_return_val_if_fail (FM_IS_WORKER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (model != NULL)
    {
      if (model->n_inputs != 1 ||
          model->values[model->inputs[0]].dtype != FM_DTYPE_FLOAT)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       "%s: the live view needs exactly one float input; "
                       "this model has %u input(s)%s",
                       model->path, model->n_inputs,
                       model->n_inputs == 1 ? " of integer type" : "");
          model = NULL;
          ok = FALSE;
        }
      else
        numel = model->values[model->inputs[0]].numel;
    }
  /* The model is immutable: estimated here, outside the mutex. */
  auto_threads = _fm_worker_auto_threads (model, &first_threads);
  partial_ok = model != NULL &&
               fm_model_multiply_add_flops (model) >= FM_WORKER_PARALLEL_MIN_FLOPS;

  s = self->shared;
  g_mutex_lock (&s->mutex);
  s->model_generation++;
  old_model = g_steal_pointer (&s->model);
  s->model = model != NULL ? fm_model_ref (model) : NULL;
  s->input_numel = numel;
  s->auto_threads = auto_threads;
  s->first_threads = first_threads;
  s->first_pass = TRUE;
  s->needed = G_MAXUINT;
  s->partial_ok = partial_ok;
  old_pending = g_steal_pointer (&s->pending);
  old_spare = g_steal_pointer (&s->spare);
  if (s->in_flight != NULL)
    g_cancellable_cancel (s->in_flight);
  n_old_runs = shared_steal_pool (s, old_runs);
  old_latest = g_steal_pointer (&s->latest);
  g_mutex_unlock (&s->mutex);

  g_clear_pointer (&old_latest, fm_worker_result_unref);
  free_runs (old_runs, n_old_runs);
  g_free (old_pending);
  g_free (old_spare);
  g_clear_pointer (&old_model, fm_model_unref);
  return ok;
}

FmModel *
fm_worker_get_model (FmWorker *self)
{
  FmModel *model;

  g_return_val_if_fail (FM_IS_WORKER (self), NULL);

  /* Only the main thread changes it, so it stays valid for the caller. */
  g_mutex_lock (&self->shared->mutex);
  model = self->shared->model;
  g_mutex_unlock (&self->shared->mutex);
  return model;
}

guint64
fm_worker_get_model_generation (FmWorker *self)
{
  guint64 generation;

  g_return_val_if_fail (FM_IS_WORKER (self), 0);

  g_mutex_lock (&self->shared->mutex);
  generation = self->shared->model_generation;
  g_mutex_unlock (&self->shared->mutex);
  return generation;
}

guint64
fm_worker_submit (FmWorker    *self,
                  const float *input,
                  gsize        n_values)
{
  g_autoptr(GError) error = NULL;
  FmWorkerShared *s;
  FmWorkerShared *unstarted = NULL;
  guint64 generation = 0;

  g_return_val_if_fail (FM_IS_WORKER (self), 0);
  g_return_val_if_fail (input != NULL, 0);

  s = self->shared;
  g_mutex_lock (&s->mutex);
  if (s->model == NULL || s->quit)
    goto out;
  if (n_values != s->input_numel)
    {
      g_critical ("%s: %s: submitted %" G_GSIZE_FORMAT " values, the input "
                  "of %s has %" G_GSIZE_FORMAT,
                  G_STRLOC, G_STRFUNC, n_values, s->model->path, s->input_numel);
      goto out;
    }
  if (s->pending == NULL)
    {
      /* The buffer is allocated once per model; see shared_start_pass (). */
      s->pending = g_steal_pointer (&s->spare);
      if (s->pending == NULL)
        s->pending = g_try_new (float, n_values);
      if (s->pending == NULL)
        goto out;
    }
  memcpy (s->pending, input, n_values * sizeof (float));
  generation = ++s->input_generation;
  s->pending_generation = generation;

  if (s->thread == NULL)
    {
      s->thread = g_thread_try_new ("fm-worker", _fm_worker_thread, _fm_worker_shared_ref (s), &error);
      if (s->thread == NULL)
        {
          /* Its reference, dropped once the mutex is released. */
          unstarted = s;
          g_clear_pointer (&s->pending, g_free);
          s->stats.n_failed++;
          g_prefix_error (&error, "Cannot start the live view's worker thread: ");
          _fm_worker_shared_post_failure (s, s->model_generation, g_steal_pointer (&error));
          generation = 0;
          goto out;
        }
    }
  g_cond_signal (&s->cond);

out:
  g_mutex_unlock (&s->mutex);
  g_clear_pointer (&unstarted, _fm_worker_shared_unref);
  return generation;
}

void
fm_worker_set_threads (FmWorker *self,
                       guint     n_threads)
{
  g_return_if_fail (FM_IS_WORKER (self));

  g_mutex_lock (&self->shared->mutex);
  self->shared->threads_request = MIN (n_threads, FM_WORKER_THREADS_LIMIT);
  g_mutex_unlock (&self->shared->mutex);
}

guint
fm_worker_get_threads (FmWorker *self)
{
  guint n;

  g_return_val_if_fail (FM_IS_WORKER (self), 1);

  g_mutex_lock (&self->shared->mutex);
  n = _fm_worker_shared_threads (self->shared);
  g_mutex_unlock (&self->shared->mutex);
  return n;
}

void
fm_worker_set_needed (FmWorker *self,
                      guint     n_nodes)
{
  g_return_if_fail (FM_IS_WORKER (self));

  g_mutex_lock (&self->shared->mutex);
  self->shared->needed = n_nodes;
  g_mutex_unlock (&self->shared->mutex);
}

guint
fm_worker_get_needed (FmWorker *self)
{
  guint n;

  g_return_val_if_fail (FM_IS_WORKER (self), G_MAXUINT);

  g_mutex_lock (&self->shared->mutex);
  n = self->shared->needed;
  g_mutex_unlock (&self->shared->mutex);
  return n;
}

void
fm_worker_shutdown (FmWorker *self)
{
  FmWorkerShared *s;
  FmRun *old_runs[FM_WORKER_POOL_SIZE];
  guint n_old_runs;
  GMainContext *context;
  GThread *thread;
  FmWorkerResult *latest;

  g_return_if_fail (FM_IS_WORKER (self));

  s = self->shared;
  g_mutex_lock (&s->mutex);
  s->quit = TRUE;
  if (s->in_flight != NULL)
    g_cancellable_cancel (s->in_flight);
  g_clear_pointer (&s->pending, g_free);
  g_clear_pointer (&s->spare, g_free);
  thread = g_steal_pointer (&s->thread);
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->mutex);

  /* Waits for at most one node: cancellation is checked between nodes. */
  if (thread != NULL)
    g_thread_join (thread);

  /* Nothing posts any more. Queued callbacks hold the shared state, so
   * dropping the context here keeps them from holding it in a cycle. */
  g_mutex_lock (&s->mutex);
  latest = g_steal_pointer (&s->latest);
  n_old_runs = shared_steal_pool (s, old_runs);
  context = g_steal_pointer (&s->context);
  g_mutex_unlock (&s->mutex);
  /* Its run goes back to a pool that now refuses it: freed. */
  g_clear_pointer (&latest, fm_worker_result_unref);
  free_runs (old_runs, n_old_runs);
  g_clear_pointer (&context, g_main_context_unref);
}

void
fm_worker_set_finish (FmWorker          *self,
                      FmWorkerFinishFunc func,
                      gpointer           data,
                      GBoxedCopyFunc     data_ref,
                      GDestroyNotify     data_unref,
                      GDestroyNotify     extra_free)
{
  FmWorkerShared *s;
  gpointer old_data;
  GDestroyNotify old_unref;

  g_return_if_fail (FM_IS_WORKER (self));

  s = self->shared;
  g_mutex_lock (&s->mutex);
  old_data = s->finish_data;
  old_unref = s->finish_data_unref;
  s->finish = func;
  s->finish_data = data;
  s->finish_data_ref = data_ref;
  s->finish_data_unref = data_unref;
  s->extra_free = extra_free;
  g_mutex_unlock (&s->mutex);
  if (old_unref != NULL)
    old_unref (old_data);
}

void
fm_worker_get_stats (FmWorker      *self,
                     FmWorkerStats *stats)
{
  g_return_if_fail (FM_IS_WORKER (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->shared->mutex);
  *stats = self->shared->stats;
  g_mutex_unlock (&self->shared->mutex);
}

gboolean
fm_worker_wait (FmWorker *self,
                gint64    timeout)
{
  FmWorkerShared *s;
  FmWorkerResult *take = NULL;
  g_autoptr(FmWorker) owner = NULL;
  gint64 deadline;

  g_return_val_if_fail (FM_IS_WORKER (self), FALSE);

  s = self->shared;
  deadline = g_get_monotonic_time () + MAX (timeout, 0);
  g_mutex_lock (&s->mutex);
  while (!s->quit && s->model != NULL &&
         s->input_generation > s->delivered_generation &&
         !(s->latest != NULL && s->latest->input_generation >= s->input_generation))
    if (!g_cond_wait_until (&s->cond, &s->mutex, deadline))
      break;
  if (!s->quit && s->latest != NULL &&
      s->latest->input_generation == s->input_generation &&
      s->latest->model_generation == s->model_generation &&
      shared_result_is_news (s, s->latest))
    {
      take = g_steal_pointer (&s->latest);
      take->delivered = TRUE;
      shared_mark_delivered (s, take);
      s->stats.n_delivered++;
      owner = shared_dup_owner (s);
    }
  g_mutex_unlock (&s->mutex);

  if (take == NULL)
    return FALSE;
  if (owner != NULL)
    g_signal_emit (owner, signals[SIGNAL_RESULT], 0, take);
  fm_worker_result_unref (take);
  return TRUE;
}

