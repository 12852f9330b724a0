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
 * it releases, running or freeing it acquires. It changes no behaviour and
 * is never linked into the app.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#include <glib.h>

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
      return;
    }
  real_g_source_set_callback (source, func, data, notify);
}
