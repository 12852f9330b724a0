/* fm-threads.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kernels' thread pool (see fm-threads.h): workers poll the job
 * generation for up to SPIN_USEC after their last job, then sleep on a
 * condition variable; the caller likewise polls the pending count before
 * it sleeps. So the jobs of one forward pass pass from thread to thread in
 * well under a microsecond, and a pool between passes costs nothing. It
 * does not balance load or queue jobs; the kernels split their work into
 * n equal shares themselves.
 */
#include "config.h"

#include "fm-threads.h"

#include <pthread.h>
#include <signal.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause ()
#else
#define cpu_relax() do { } while (0)
#endif

/* How long a thread keeps polling before it sleeps: a forward pass posts
 * its jobs a few to a few hundred microseconds apart, and waking a
 * sleeping thread costs tens of microseconds (more in a virtual machine);
 * a pass of ResNet-18 posts about 80 jobs. After the first YIELD_USEC a
 * polling thread yields its core at each poll, so that on a busy machine
 * it does not keep the thread it waits for (or anyone else) off the CPU. */
#define SPIN_USEC  200
#define YIELD_USEC 10

/* One poll of a wait that started at *@start (0: not yet timed); FALSE
 * once SPIN_USEC have passed. */
static inline gboolean
poll_again (guint   i,
            gint64 *start)
{
  gint64 now;

  if (i < 64)
    {
      cpu_relax ();
      return TRUE;
    }
  now = g_get_monotonic_time ();
  if (*start == 0)
    *start = now;
  if (now - *start >= SPIN_USEC)
    return FALSE;
  if (now - *start >= YIELD_USEC)
    g_thread_yield ();
  else
    cpu_relax ();
  return TRUE;
}

struct _FmThreads
{
  guint          n;          /* threads including the caller */
  GThread      **workers;    /* [n - 1] */
  GMutex         lock;
  GCond          work_cond;  /* generation changed or quit */
  GCond          done_cond;  /* pending reached 0 */
  guint          generation; /* atomic; written under lock */
  gint           pending;    /* atomic: workers still running the current job */
  gint           quit;       /* atomic; written under lock */
  guint          sleepers;   /* workers waiting on work_cond (under lock) */
  gboolean       caller_waiting; /* caller waiting on done_cond (under lock) */
  FmThreadsFunc  func;       /* written before generation is bumped */
  gpointer       data;
};

typedef struct
{
  FmThreads *pool;
  guint      index;
} Worker;

/* Polls until @gen differs from @seen or quit, for at most SPIN_USEC;
 * TRUE if it saw a change. */
static gboolean
spin_for_job (FmThreads *pool,
              guint      seen)
{
  gint64 start = 0;

  for (guint i = 0;; i++)
    {
      if ((guint) g_atomic_int_get (&pool->generation) != seen || g_atomic_int_get (&pool->quit))
        return TRUE;
      if (!poll_again (i, &start))
        return FALSE;
    }
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *w = user_data;
  FmThreads *pool = w->pool;
  guint index = w->index;
  guint seen = 0;

  g_free (w);
  for (;;)
    {
      FmThreadsFunc func;
      gpointer data;

      if (!spin_for_job (pool, seen))
        {
          g_mutex_lock (&pool->lock);
          while (!g_atomic_int_get (&pool->quit) &&
                 (guint) g_atomic_int_get (&pool->generation) == seen)
            {
              pool->sleepers++;
              g_cond_wait (&pool->work_cond, &pool->lock);
              pool->sleepers--;
            }
          g_mutex_unlock (&pool->lock);
        }
      if (g_atomic_int_get (&pool->quit))
        break;
      /* The atomic read of generation orders the reads of func and data
       * after the caller's writes (it bumps generation after them). */
      seen = (guint) g_atomic_int_get (&pool->generation);
      func = pool->func;
      data = pool->data;

      func (data, index, pool->n);

      if (g_atomic_int_dec_and_test (&pool->pending))
        {
          g_mutex_lock (&pool->lock);
          if (pool->caller_waiting)
            g_cond_signal (&pool->done_cond);
          g_mutex_unlock (&pool->lock);
        }
    }
  return NULL;
}

GThread *
fm_thread_spawn (const char  *name,
                 GThreadFunc  func,
                 gpointer     data,
                 GError     **error)
{
  sigset_t stop, old;
  GThread *thread;

  sigemptyset (&stop);
  sigaddset (&stop, SIGINT);
  sigaddset (&stop, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &stop, &old);
  thread = g_thread_try_new (name, func, data, error);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  return thread;
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
      t = fm_thread_spawn ("fm-kernel", worker_main, w, NULL);
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
  g_atomic_int_set (&pool->quit, TRUE);
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
  gint64 start = 0;

  if (pool == NULL)
    {
      func (data, 0, 1);
      return;
    }
  /* The last job's pending count reached 0 before the previous call
   * returned, so no worker still reads func or data. */
  pool->func = func;
  pool->data = data;
  g_atomic_int_set (&pool->pending, (gint) pool->n - 1);
  g_mutex_lock (&pool->lock);
  g_atomic_int_inc (&pool->generation);
  if (pool->sleepers > 0)
    g_cond_broadcast (&pool->work_cond);
  g_mutex_unlock (&pool->lock);

  func (data, 0, pool->n);

  /* Wait for the others: poll a while, then sleep. */
  for (guint i = 0; g_atomic_int_get (&pool->pending) > 0; i++)
    if (!poll_again (i, &start))
      break;
  if (g_atomic_int_get (&pool->pending) > 0)
    {
      g_mutex_lock (&pool->lock);
      pool->caller_waiting = TRUE;
      while (g_atomic_int_get (&pool->pending) > 0)
        g_cond_wait (&pool->done_cond, &pool->lock);
      pool->caller_waiting = FALSE;
      g_mutex_unlock (&pool->lock);
    }
}

typedef struct
{
  FmThreadsRangeFunc func;
  gpointer           data;
  gint64             n;
} RangeJob;

static void
range_share (gpointer data,
             guint    index,
             guint    n_threads)
{
  const RangeJob *job = data;
  gint64 begin = job->n * index / n_threads;
  gint64 end = job->n * (index + 1) / n_threads;

  if (end > begin)
    job->func (job->data, begin, end);
}

void
fm_threads_parallel_for (FmThreads          *pool,
                         gint64              n,
                         gint64              grain,
                         FmThreadsRangeFunc  func,
                         gpointer            data)
{
  RangeJob job = { func, data, n };

  if (n <= 0)
    return;
  if (pool == NULL || n < 2 * MAX (grain, 1))
    {
      func (data, 0, n);
      return;
    }
  fm_threads_run (pool, range_share, &job);
}

/* A core does about 16 floating-point operations and moves about 16
 * bytes a nanosecond in the kernels here (vectorised, data mostly in L2);
 * the estimate only has to be right within a factor of two or so. */
#define FLOPS_PER_NS 16.0
#define BYTES_PER_NS 16.0

gint64
fm_threads_grain (double flops,
                  double bytes)
{
  double ns = flops / FLOPS_PER_NS + bytes / BYTES_PER_NS;

  if (ns >= FM_THREADS_MIN_SHARE_NS)
    return 1;
  return (gint64) (FM_THREADS_MIN_SHARE_NS / MAX (ns, 1e-3)) + 1;
}
