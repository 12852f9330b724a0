/* fm-threads.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kernels' thread pool (see fm-threads.h): workers wait on a condition
 * variable for the next job generation, run their share and report back
 * on a second condition variable. It does not balance load or queue jobs;
 * the kernels split their work into n equal shares themselves.
 */
#include "config.h"

#include "fm-threads.h"

struct _FmThreads
{
  guint          n;          /* threads including the caller */
  GThread      **workers;    /* [n - 1] */
  GMutex         lock;
  GCond          work_cond;  /* generation changed or quit */
  GCond          done_cond;  /* pending reached 0 */
  guint64        generation;
  guint          pending;    /* workers still running the current job */
  gboolean       quit;
  FmThreadsFunc  func;
  gpointer       data;
};

typedef struct
{
  FmThreads *pool;
  guint      index;
} Worker;

static gpointer
worker_main (gpointer user_data)
{
  Worker *w = user_data;
  FmThreads *pool = w->pool;
  guint index = w->index;
  guint64 seen = 0;

  g_free (w);
  g_mutex_lock (&pool->lock);
  for (;;)
    {
      FmThreadsFunc func;
      gpointer data;

      while (!pool->quit && pool->generation == seen)
        g_cond_wait (&pool->work_cond, &pool->lock);
      if (pool->quit)
        break;
      seen = pool->generation;
      func = pool->func;
      data = pool->data;
      g_mutex_unlock (&pool->lock);

      func (data, index, pool->n);

      g_mutex_lock (&pool->lock);
      if (--pool->pending == 0)
        g_cond_signal (&pool->done_cond);
    }
  g_mutex_unlock (&pool->lock);
  return NULL;
}

FmThreads *
fm_threads_new (guint n_threads)
{
  FmThreads *pool;

  if (n_threads <= 1)
    return NULL;
  pool = g_new0 (FmThreads, 1);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->work_cond);
  g_cond_init (&pool->done_cond);
  pool->workers = g_new0 (GThread *, n_threads - 1);
  pool->n = 1;
  for (guint i = 1; i < n_threads; i++)
    {
      Worker *w = g_new0 (Worker, 1);
      GThread *t;

      w->pool = pool;
      w->index = i;
      t = g_thread_try_new ("fm-kernel", worker_main, w, NULL);
      if (t == NULL)
        {
          g_free (w);
          break;
        }
      pool->workers[pool->n - 1] = t;
      pool->n++;
    }
  if (pool->n == 1)
    {
      fm_threads_free (pool);
      return NULL;
    }
  return pool;
}

void
fm_threads_free (FmThreads *pool)
{
  if (pool == NULL)
    return;
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->work_cond);
  g_mutex_unlock (&pool->lock);
  for (guint i = 0; i + 1 < pool->n; i++)
    g_thread_join (pool->workers[i]);
  g_free (pool->workers);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->work_cond);
  g_cond_clear (&pool->done_cond);
  g_free (pool);
}

guint
fm_threads_get_n (const FmThreads *pool)
{
  return pool == NULL ? 1 : pool->n;
}

void
fm_threads_run (FmThreads     *pool,
                FmThreadsFunc  func,
                gpointer       data)
{
  if (pool == NULL)
    {
      func (data, 0, 1);
      return;
    }
  g_mutex_lock (&pool->lock);
  pool->func = func;
  pool->data = data;
  pool->pending = pool->n - 1;
  pool->generation++;
  g_cond_broadcast (&pool->work_cond);
  g_mutex_unlock (&pool->lock);

  func (data, 0, pool->n);

  g_mutex_lock (&pool->lock);
  while (pool->pending > 0)
    g_cond_wait (&pool->done_cond, &pool->lock);
  g_mutex_unlock (&pool->lock);
}
