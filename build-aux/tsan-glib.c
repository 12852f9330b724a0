/* tsan-glib.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An LD_PRELOAD shim for ThreadSanitizer runs (build-aux/dev.sh tsan).
 * GLib's GMutex and GCond are built on raw futexes on Linux, which TSan
 * does not see, so every access that a GMutex protects looks like a race.
 * This shim wraps the GMutex, GRecMutex and GCond calls that our code
 * makes (GLib calls them internally without the PLT, so its own locks
 * stay invisible) and tells TSan about the happens-before edges: unlock
 * releases the mutex address, lock acquires it, a condition wait releases
 * before sleeping and acquires after waking. Results posted to a main
 * context with an idle or timeout source (g_source_set_callback) cross
 * GMainContext's own invisible lock, so the callback is wrapped: setting
 * it releases, running or freeing it acquires. g_once_init_leave () and
 * g_atomic_ref_count_dec () are GLib functions whose barriers TSan does not
 * see either: annotated the same way. GTask hands its task data,
 * result and source object between the main thread and a GLib pool
 * thread through GLib's own queues and sources, so g_task_run_in_thread ()
 * releases and the thread function acquires, g_task_return_* release and
 * the ready callback acquires (and, like the thread function, releases
 * when it returns), and the thread that finalizes the task (either one)
 * acquires before the task data is freed. Each edge is one
 * GLib really provides. It changes no behaviour and is never linked into
 * the app.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#include <gio/gio.h>

/* Weak: LD_PRELOAD reaches child processes (D-Bus, at-spi) too, which
 * have no TSan runtime; there the shim only forwards. */
void __tsan_acquire (void *addr) __attribute__ ((weak));
void __tsan_release (void *addr) __attribute__ ((weak));

#define ACQUIRE(addr) G_STMT_START { if (__tsan_acquire != NULL) __tsan_acquire (addr); } G_STMT_END
#define RELEASE(addr) G_STMT_START { if (__tsan_release != NULL) __tsan_release (addr); } G_STMT_END

#define REAL(ret, name, ...) \
  static ret (*real_##name) (__VA_ARGS__); \
  if (real_##name == NULL) \
    real_##name = (ret (*) (__VA_ARGS__)) dlsym (RTLD_NEXT, #name); \
  if (real_##name == NULL) \
    abort ()

void
g_mutex_lock (GMutex *mutex)
{
  REAL (void, g_mutex_lock, GMutex *);
  real_g_mutex_lock (mutex);
  ACQUIRE (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  gboolean ok;
  REAL (gboolean, g_mutex_trylock, GMutex *);
  ok = real_g_mutex_trylock (mutex);
  if (ok)
    ACQUIRE (mutex);
  return ok;
}

void
g_mutex_unlock (GMutex *mutex)
{
  REAL (void, g_mutex_unlock, GMutex *);
  RELEASE (mutex);
  real_g_mutex_unlock (mutex);
}

void
g_rec_mutex_lock (GRecMutex *mutex)
{
  REAL (void, g_rec_mutex_lock, GRecMutex *);
  real_g_rec_mutex_lock (mutex);
  ACQUIRE (mutex);
}

void
g_rec_mutex_unlock (GRecMutex *mutex)
{
  REAL (void, g_rec_mutex_unlock, GRecMutex *);
  RELEASE (mutex);
  real_g_rec_mutex_unlock (mutex);
}

void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  REAL (void, g_cond_wait, GCond *, GMutex *);
  RELEASE (mutex);
  real_g_cond_wait (cond, mutex);
  ACQUIRE (mutex);
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  gboolean ok;
  REAL (gboolean, g_cond_wait_until, GCond *, GMutex *, gint64);
  RELEASE (mutex);
  ok = real_g_cond_wait_until (cond, mutex, end_time);
  ACQUIRE (mutex);
  return ok;
}

/* g_once_init_enter () is a macro whose fast path is an inline atomic load
 * (instrumented, an acquire); the slow path and g_once_init_leave () are
 * GLib functions whose release store TSan does not see. Without these, a
 * thread that finds the value already initialised (fm-gemm.c's kernel
 * table) appears to race with the thread that initialised it. */
gboolean
(g_once_init_enter) (volatile void *location)
{
  gboolean first;
  REAL (gboolean, g_once_init_enter, volatile void *);
  first = real_g_once_init_enter (location);
  if (!first)
    ACQUIRE ((void *) location);
  return first;
}

void
(g_once_init_leave) (volatile void *location,
                     gsize          result)
{
  REAL (void, g_once_init_leave, volatile void *, gsize);
  RELEASE ((void *) location);
  real_g_once_init_leave (location, result);
}

/* gatomicrefcount's decrement is a GLib function (unless G_DISABLE_CHECKS):
 * its full barrier is invisible, so the thread that drops the last
 * reference and frees would appear to race with every other holder's
 * earlier accesses. Release before the decrement, acquire after the one
 * that reaches zero: exactly the real ordering. */
gboolean
(g_atomic_ref_count_dec) (gatomicrefcount *arc)
{
  gboolean last;
  REAL (gboolean, g_atomic_ref_count_dec, gatomicrefcount *);
  RELEASE (arc);
  last = real_g_atomic_ref_count_dec (arc);
  if (last)
    ACQUIRE (arc);
  return last;
}

typedef struct
{
  GSourceFunc    func;
  gpointer       data;
  GDestroyNotify notify;
} Posted;

static gboolean
posted_func (gpointer user_data)
{
  Posted *p = user_data;

  ACQUIRE (p);
  return p->func (p->data);
}

static void
posted_notify (gpointer user_data)
{
  Posted *p = user_data;

  ACQUIRE (p);
  if (p->notify != NULL)
    p->notify (p->data);
  g_free (p);
}

void
g_source_set_callback (GSource        *source,
                       GSourceFunc     func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  REAL (void, g_source_set_callback, GSource *, GSourceFunc, gpointer, GDestroyNotify);
  /* Only idle and timeout sources call a plain GSourceFunc. */
  if (__tsan_release != NULL && func != NULL
      && (source->source_funcs == &g_idle_funcs || source->source_funcs == &g_timeout_funcs))
    {
      Posted *p = g_new (Posted, 1);

      p->func = func;
      p->data = data;
      p->notify = notify;
      RELEASE (p);
      real_g_source_set_callback (source, posted_func, p, posted_notify);
      /* Again after: GLib allocates its GSourceCallback in there, and the
       * main thread frees it right after posted_notify (). Releasing only
       * before, that free raced with the malloc whenever no later mutex
       * happened to order them: the worker test's false report in about
       * one run in five under load. (ignore_noninstrumented_modules now
       * hides GLib's own malloc and free too.) Our code sets the callback
       * before attaching the source, so nothing runs in between. */
      RELEASE (p);
      return;
    }
  real_g_source_set_callback (source, func, data, notify);
}

/* GTask */

static GQuark
task_func_quark (void)
{
  return g_quark_from_static_string ("fm-tsan-task-func");
}

static GQuark
task_callback_quark (void)
{
  return g_quark_from_static_string ("fm-tsan-task-callback");
}

/* A weak reference: runs in the thread that drops the last reference,
 * before the task data's destroy notify. */
static void
task_finalizing (gpointer  data,
                 GObject  *where_the_object_was)
{
  ACQUIRE (where_the_object_was);
}

static void
task_ready (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  GAsyncReadyCallback callback = (GAsyncReadyCallback) g_object_get_qdata (G_OBJECT (res), task_callback_quark ());

  ACQUIRE (res);
  callback (source, res, data);
  RELEASE (res);
}

GTask *
g_task_new (gpointer             source_object,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             callback_data)
{
  GTask *task;
  REAL (GTask *, g_task_new, gpointer, GCancellable *, GAsyncReadyCallback, gpointer);

  if (__tsan_release == NULL)
    return real_g_task_new (source_object, cancellable, callback, callback_data);
  task = real_g_task_new (source_object, cancellable, callback != NULL ? task_ready : NULL,
                          callback_data);
  if (callback != NULL)
    g_object_set_qdata (G_OBJECT (task), task_callback_quark (), (gpointer) callback);
  g_object_weak_ref (G_OBJECT (task), task_finalizing, NULL);
  return task;
}

static void
task_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GTaskThreadFunc func = (GTaskThreadFunc) g_object_get_qdata (G_OBJECT (task), task_func_quark ());

  ACQUIRE (task);
  func (task, source_object, task_data, cancellable);
  RELEASE (task);
}

void
g_task_run_in_thread (GTask           *task,
                      GTaskThreadFunc  task_func)
{
  REAL (void, g_task_run_in_thread, GTask *, GTaskThreadFunc);
  if (__tsan_release == NULL)
    {
      real_g_task_run_in_thread (task, task_func);
      return;
    }
  g_object_set_qdata (G_OBJECT (task), task_func_quark (), (gpointer) task_func);
  RELEASE (task);
  real_g_task_run_in_thread (task, task_thread);
}

void
g_task_return_pointer (GTask          *task,
                       gpointer        result,
                       GDestroyNotify  result_destroy)
{
  REAL (void, g_task_return_pointer, GTask *, gpointer, GDestroyNotify);
  RELEASE (task);
  real_g_task_return_pointer (task, result, result_destroy);
}

void
g_task_return_boolean (GTask    *task,
                       gboolean  result)
{
  REAL (void, g_task_return_boolean, GTask *, gboolean);
  RELEASE (task);
  real_g_task_return_boolean (task, result);
}

void
g_task_return_int (GTask  *task,
                   gssize  result)
{
  REAL (void, g_task_return_int, GTask *, gssize);
  RELEASE (task);
  real_g_task_return_int (task, result);
}

void
g_task_return_value (GTask  *task,
                     GValue *result)
{
  REAL (void, g_task_return_value, GTask *, GValue *);
  RELEASE (task);
  real_g_task_return_value (task, result);
}

void
g_task_return_error (GTask  *task,
                     GError *error)
{
  REAL (void, g_task_return_error, GTask *, GError *);
  RELEASE (task);
  real_g_task_return_error (task, error);
}

/* What GLib's own does: format the error, then return it. */
void
g_task_return_new_error (GTask       *task,
                         GQuark       domain,
                         gint         code,
                         const char  *format,
                         ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (domain, code, format, args);
  va_end (args);
  g_task_return_error (task, error);
}

gboolean
g_task_return_error_if_cancelled (GTask *task)
{
  REAL (gboolean, g_task_return_error_if_cancelled, GTask *);
  RELEASE (task);
  return real_g_task_return_error_if_cancelled (task);
}
