/* fm-bench-live.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Measures what a person drawing feels. For every pointer motion: the time
 * until a painted frame shows tiles computed from that input or a newer
 * one (a skipped stale input is answered by the newer frame), and how many
 * frames the tiles lag behind the canvas, which shows the stroke in the
 * frame that handled the motion. Also the time from the motion to its
 * result reaching the main thread, and the longest stall of the main loop,
 * seen by a 1 ms timer that should fire on time; and for every model opened,
 * the time from asking for it to the first painted frame with its tiles,
 * with the phases in between; and while the page of tiles scrolls, the time
 * from one painted frame to the next (or from a scroll of a page at rest to
 * its frame). Off unless FM_BENCH_LIVE
 * is set; the figures go to stdout when the window closes. It changes
 * nothing in what the app does.
 */
#include "config.h"

#include <stdio.h>

#include "fm-bench-live.h"

typedef struct
{
  guint64 generation;
  gint64  time;
  guint64 frame;      /* frames painted before the motion was handled */
} Pending;

static int enabled = -1;
static GArray *pending;      /* Pending, oldest first */
static GArray *latencies;    /* double, ms */
static GArray *lags;         /* double, frames */
static GArray *compute;      /* double, ms: motion to result on the main thread */
static GArray *to_paint;     /* double, ms: a newer result to the end of the frame painting it */
static gint64 shown_time;    /* a newer result reached the main thread; 0 once painted */
static guint64 shown_generation;
static guint64 frames_painted;
static gint64 last_tick;
static gint64 longest_stall;
static GdkFrameClock *frame_clock_used;
static gint64 open_time;        /* a model was asked for; 0 once its tiles painted */
static gboolean model_set;      /* that model is the window's now */
static gboolean tiles_shown;    /* and its first tiles wait for a paint */
static GArray *opens;           /* double, ms: each open to its first tiles painted */
static GPtrArray *marks;        /* "phase: ms" strings, for the first model only */
static gint64 last_scroll;      /* the page of tiles last scrolled */
static gint64 scroll_since;     /* first scroll since the last paint, or 0 */
static gint64 last_paint;
static GArray *scroll_frames;   /* double, ms: painted frame to the next, while scrolling */
static gint64 scroll_stall;     /* the longest main-thread stall while scrolling */
G_LOCK_DEFINE_STATIC (marks);   /* marks come from the loading thread too */

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0 && now - last_tick - 1000 > longest_stall)
    longest_stall = now - last_tick - 1000;
  if (last_tick != 0 && last_scroll != 0 && now - last_scroll < 100000 &&
      now - last_tick - 1000 > scroll_stall)
    scroll_stall = now - last_tick - 1000;
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

gboolean
fm_bench_live_enabled (void)
{
  if (enabled < 0)
    {
      enabled = g_getenv ("FM_BENCH_LIVE") != NULL;
      if (enabled)
        {
          pending = g_array_new (FALSE, FALSE, sizeof (Pending));
          latencies = g_array_new (FALSE, FALSE, sizeof (double));
          lags = g_array_new (FALSE, FALSE, sizeof (double));
          compute = g_array_new (FALSE, FALSE, sizeof (double));
          to_paint = g_array_new (FALSE, FALSE, sizeof (double));
          opens = g_array_new (FALSE, FALSE, sizeof (double));
          scroll_frames = g_array_new (FALSE, FALSE, sizeof (double));
          g_timeout_add_full (G_PRIORITY_HIGH, 1, tick_cb, NULL, NULL);
        }
    }
  return enabled;
}

void
fm_bench_live_input (guint64 generation)
{
  Pending p = { generation, g_get_monotonic_time (), frames_painted };

  if (!fm_bench_live_enabled () || generation == 0)
    return;
  g_array_append_val (pending, p);
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                gpointer       data)
{
  gint64 now = g_get_monotonic_time ();
  guint n = 0;

  frames_painted++;
  /* Results reach the main thread between frames or in a frame's update
   * (the wait for a fast pass): either way this frame paints it. */
  if (shown_time != 0)
    {
      double ms = (now - shown_time) / 1000.0;

      g_array_append_val (to_paint, ms);
      shown_time = 0;
    }
  /* While scrolling, the time from the previous frame, or from the first
   * scroll after it when the page was still before (a frame of a page at
   * rest is not late). */
  if (scroll_since != 0)
    {
      double ms = (now - MAX (last_paint, scroll_since)) / 1000.0;

      g_array_append_val (scroll_frames, ms);
      scroll_since = 0;
    }
  last_paint = now;
  if (open_time != 0 && tiles_shown)
    {
      double ms = (now - open_time) / 1000.0;

      g_array_append_val (opens, ms);
      open_time = 0;
    }
  while (n < pending->len && g_array_index (pending, Pending, n).generation <= shown_generation)
    {
      const Pending *p = &g_array_index (pending, Pending, n);
      double ms = (now - p->time) / 1000.0;
      /* The canvas showed the motion in frame p->frame + 1. */
      double lag = (double) (frames_painted - (p->frame + 1));

      g_array_append_val (latencies, ms);
      g_array_append_val (lags, lag);
      n++;
    }
  g_array_remove_range (pending, 0, n);
}

void
fm_bench_live_open (void)
{
  if (!fm_bench_live_enabled ())
    return;
  open_time = g_get_monotonic_time ();
  model_set = tiles_shown = FALSE;
  G_LOCK (marks);
  if (marks == NULL)
    marks = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (marks, g_strdup_printf ("open %u", opens->len + 1));
  G_UNLOCK (marks);
}

void
fm_bench_live_scrolled (void)
{
  if (!fm_bench_live_enabled ())
    return;
  last_scroll = g_get_monotonic_time ();
  if (scroll_since == 0)
    scroll_since = last_scroll;
}

void
fm_bench_live_mark (const char *phase)
{
  if (!fm_bench_live_enabled () || open_time == 0)
    return;
  if (g_str_equal (phase, "model set"))
    model_set = TRUE;
  G_LOCK (marks);
  g_ptr_array_add (marks, g_strdup_printf ("%s %.1f ms", phase,
                                           (g_get_monotonic_time () - open_time) / 1000.0));
  G_UNLOCK (marks);
}

void
fm_bench_live_shown (GtkWidget *widget,
                     guint64    generation)
{
  if (!fm_bench_live_enabled ())
    return;
  for (guint i = 0; i < pending->len; i++)
    if (g_array_index (pending, Pending, i).generation == generation)
      {
        double ms = (g_get_monotonic_time () - g_array_index (pending, Pending, i).time) / 1000.0;
        g_array_append_val (compute, ms);
      }
  if (generation > shown_generation && shown_time == 0)
    shown_time = g_get_monotonic_time ();
  shown_generation = MAX (shown_generation, generation);
  if (model_set)
    tiles_shown = TRUE;
  if (frame_clock_used == NULL && gtk_widget_get_frame_clock (widget) != NULL)
    {
      frame_clock_used = g_object_ref (gtk_widget_get_frame_clock (widget));
      g_signal_connect (frame_clock_used, "after-paint", G_CALLBACK (after_paint_cb), NULL);
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  g_array_sort (values, compare_doubles);
  if (values->len == 0)
    return 0;
  return g_array_index (values, double, (guint) ((values->len - 1) * p));
}

void
fm_bench_live_report (void)
{
  if (!fm_bench_live_enabled ())
    return;
  printf ("live: %u pointer motions, %u unanswered at close, %" G_GUINT64_FORMAT
          " frames painted\n", latencies->len, pending->len, frames_painted);
  printf ("live: stroke-to-tiles latency p50 %.1f ms, p95 %.1f ms, max %.1f ms\n",
          percentile (latencies, 0.5), percentile (latencies, 0.95), percentile (latencies, 1.0));
  printf ("live: tiles behind the canvas p50 %.0f frames, p95 %.0f frames, max %.0f frames\n",
          percentile (lags, 0.5), percentile (lags, 0.95), percentile (lags, 1.0));
  printf ("live: motion to result on the main thread p50 %.1f ms, p95 %.1f ms\n",
          percentile (compute, 0.5), percentile (compute, 0.95));
  printf ("live: new result to its frame painted p50 %.1f ms, p95 %.1f ms\n",
          percentile (to_paint, 0.5), percentile (to_paint, 0.95));
  printf ("live: longest main-thread stall %.1f ms\n", longest_stall / 1000.0);
  if (scroll_frames->len > 0)
    printf ("scroll: %u frames while scrolling, frame to frame p50 %.1f ms, p95 %.1f ms, "
            "max %.1f ms; longest main-thread stall %.1f ms\n", scroll_frames->len,
            percentile (scroll_frames, 0.5), percentile (scroll_frames, 0.95),
            percentile (scroll_frames, 1.0), scroll_stall / 1000.0);
  for (guint i = 0; marks != NULL && i < marks->len; i++)
    printf ("load phase: %s\n", (const char *) g_ptr_array_index (marks, i));
  /* The first open includes the start of the process and of GTK. */
  for (guint i = 0; i < opens->len; i++)
    printf ("load: open %u (%s) to first tiles painted %.1f ms\n", i + 1,
            i == 0 ? "at start" : "in the open window", g_array_index (opens, double, i));
  fflush (stdout);
}
