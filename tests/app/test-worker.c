/* test-worker.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of FmWorker, the latest-wins live forward pass, and of the
 * FmFrame the window makes of its results, without a display. Models are built in memory: a small Conv -> Relu whose output
 * is worked out by hand, and a chain of identity convs (the kernel is 1 at
 * the centre of channel o -> o and 0 elsewhere, padding 1) that is slow but
 * returns its input exactly, so a result tells which input it came from.
 * The tests wait on conditions with a timeout, iterating the default main
 * context only where the test says so; no sleep is an assertion.
 *
 * Threads: the automatic count on both sides of its threshold, the setter
 * and FM_LIVE_THREADS, passes on 2 threads bit-identical to 1 thread, and
 * that the runs, pooled ones included, really have the kernel threads
 * asked for: those are named "fm-kernel" (fm-threads.c), so the test
 * counts the process's threads of that name in /proc/self/task (Linux).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fm-test-graph.h"
#include "fm-frame.h"
#include "fm-worker.h"

#define TIMEOUT_S 60

/* Slow model: [1, 32, 64, 64], each conv 2 * 32 * 32 * 9 * 4096 = 75 MFLOP. */
#define SLOW_C 32
#define SLOW_HW 64

typedef struct
{
  GPtrArray *results;      /* FmWorkerResult*, in delivery order */
  guint      n_errors;
  gboolean   out_of_order; /* a result not newer than the one before */
  gboolean   keep;         /* keep results (else only the last one) */
} Sink;

static void
on_result (FmWorker       *worker,
           FmWorkerResult *result,
           Sink           *sink)
{
  if (sink->results->len > 0)
    {
      FmWorkerResult *last = g_ptr_array_index (sink->results, sink->results->len - 1);
      if (fm_worker_result_get_input_generation (result) <=
          fm_worker_result_get_input_generation (last))
        sink->out_of_order = TRUE;
    }
  if (!sink->keep)
    g_ptr_array_set_size (sink->results, 0);
  g_ptr_array_add (sink->results, fm_worker_result_ref (result));
}

static void
on_error (FmWorker     *worker,
          const GError *error,
          Sink         *sink)
{
  g_test_message ("error: %s", error->message);
  sink->n_errors++;
}

static void
sink_init (Sink     *sink,
           FmWorker *worker,
           gboolean  keep)
{
  sink->results = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_worker_result_unref);
  sink->n_errors = 0;
  sink->out_of_order = FALSE;
  sink->keep = keep;
  g_signal_connect (worker, "result", G_CALLBACK (on_result), sink);
  g_signal_connect (worker, "error", G_CALLBACK (on_error), sink);
}

static void
sink_clear (Sink *sink)
{
  g_clear_pointer (&sink->results, g_ptr_array_unref);
}

/* Waits until @cond (which may use the stats snapshot `st`) holds, failing
 * after TIMEOUT_S. Iterates the default main context only if @iterate. */
#define WAIT_FOR(worker, iterate, cond)                                     \
  G_STMT_START                                                              \
  {                                                                         \
    gint64 deadline_ = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC; \
    for (;;)                                                                \
      {                                                                     \
        FmWorkerStats st;                                                   \
        fm_worker_get_stats ((worker), &st);                                \
        if (cond)                                                           \
          break;                                                            \
        if (g_get_monotonic_time () > deadline_)                            \
          g_error ("timed out waiting for %s", #cond);                      \
        if (!(iterate) || !g_main_context_iteration (NULL, FALSE))          \
          g_usleep (200);                                                   \
      }                                                                     \
  }                                                                         \
  G_STMT_END

/* Runs whatever the main context has queued, for @ms milliseconds. */
static void
drain_main_context (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

static int
model_refs (FmModel *model)
{
  return g_atomic_int_get (&model->ref_count);
}

/* x [1, 1, 28, 28] -> Conv (3x3 of ones, bias @bias) -> y [1, 1, 26, 26]
 * -> Relu -> z. */
static FmModel *
build_small (float bias)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float ones[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 28, 28));
  fm_test_graph_float (g, "w", FM_DIMS (1, 1, 3, 3), ones);
  fm_test_graph_float (g, "b", FM_DIMS (1), &bias);
  fm_test_graph_node (g, "Conv", "x,w,b", "y");
  fm_test_graph_node (g, "Relu", "y", "z");
  fm_test_graph_output (g, "z");
  return fm_test_graph_build_ok (g);
}

/* x [1, SLOW_C, SLOW_HW, SLOW_HW] -> @n_convs identity convs -> v<n>. */
static FmModel *
build_slow (guint n_convs)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autofree float *w = g_new0 (float, SLOW_C * SLOW_C * 9); /* [C, C, 3, 3] */
  static const gint64 pads[] = { 1, 1, 1, 1 };
  g_autofree char *out = NULL;

  for (guint o = 0; o < SLOW_C; o++)
    w[(o * SLOW_C + o) * 9 + 4] = 1.0f;
  fm_test_graph_input (g, "v0", FM_DIMS (1, SLOW_C, SLOW_HW, SLOW_HW));
  fm_test_graph_float (g, "w", FM_DIMS (SLOW_C, SLOW_C, 3, 3), w);
  for (guint i = 0; i < n_convs; i++)
    {
      g_autofree char *io = g_strdup_printf ("v%u,w", i);
      g_autofree char *o = g_strdup_printf ("v%u", i + 1);
      fm_test_node_ints (fm_test_graph_node (g, "Conv", io, o), "pads", 4, pads);
    }
  out = g_strdup_printf ("v%u", n_convs);
  fm_test_graph_output (g, out);
  return fm_test_graph_build_ok (g);
}

#define SLOW_NUMEL ((gsize) SLOW_C * SLOW_HW * SLOW_HW)

static float *
filled (gsize n,
        float value)
{
  float *data = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    data[i] = value;
  return data;
}

/* Every element of value @name in @result's run equals @want. */
static void
assert_result_filled (FmWorkerResult *result,
                      const char     *name,
                      float           want)
{
  FmModel *model = fm_worker_result_get_model (result);
  int id = fm_model_find_value (model, name);
  const float *data;

  g_assert_cmpint (id, >=, 0);
  data = fm_run_value_data (fm_worker_result_get_run (result), id);
  for (gsize i = 0; i < model->values[id].numel; i++)
    if (data[i] != want)
      g_error ("%s[%" G_GSIZE_FORMAT "] = %g, want %g", name, i, data[i], want);
}

/* The small model (bias -4.5) set on a worker whose results a Sink keeps,
 * and an input of ones for it. */
typedef struct
{
  FmModel  *model;
  FmWorker *worker;   /* NULL once a test has disposed of it */
  float    *ones;     /* [1, 1, 28, 28] */
  Sink      sink;
} SmallFixture;

static void
small_set_up (SmallFixture  *f,
              gconstpointer  user_data)
{
  f->model = build_small (-4.5f);
  f->worker = fm_worker_new ();
  f->ones = filled (28 * 28, 1.0f);
  sink_init (&f->sink, f->worker, TRUE);
  g_assert_true (fm_worker_set_model (f->worker, f->model, NULL));
}

static void
small_tear_down (SmallFixture  *f,
                 gconstpointer  user_data)
{
  sink_clear (&f->sink);
  g_clear_object (&f->worker);
  g_clear_pointer (&f->model, fm_model_unref);
  g_clear_pointer (&f->ones, g_free);
}

static void
test_single (SmallFixture  *f,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  float x[28 * 28]; /* [1, 1, 28, 28] */
  const float *inputs[] = { x };
  const char *names[] = { "x", "y", "z" };
  FmWorkerResult *result;
  FmWorkerStats stats;
  guint64 gen;

  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) (i % 7) - 3.0f;

  g_assert_true (fm_worker_get_model (f->worker) == f->model);
  gen = fm_worker_submit (f->worker, x, G_N_ELEMENTS (x));
  g_assert_cmpuint (gen, >, 0);
  WAIT_FOR (f->worker, TRUE, f->sink.results->len >= 1);
  drain_main_context (20);

  g_assert_cmpuint (f->sink.results->len, ==, 1);
  g_assert_cmpuint (f->sink.n_errors, ==, 0);
  result = g_ptr_array_index (f->sink.results, 0);
  g_assert_true (fm_worker_result_get_model (result) == f->model);
  g_assert_cmpuint (fm_worker_result_get_input_generation (result), ==, gen);
  g_assert_cmpuint (fm_worker_result_get_model_generation (result), ==,
                    fm_worker_get_model_generation (f->worker));
  g_assert_cmpint (fm_worker_result_get_duration (result), >=, 0);
  /* A model this small runs on one thread. */
  g_assert_cmpuint (fm_worker_result_get_threads (result), ==, 1);

  /* Every value equals a direct run on the same input, bit for bit. */
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree float *want = NULL;
      gsize n = 0;
      int id = fm_model_find_value (f->model, names[k]);
      const float *got = fm_run_value_data (fm_worker_result_get_run (result), id);

      want = fm_test_run (f->model, inputs, names[k], &n, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, f->model->values[id].numel);
      g_assert_cmpmem (got, n * sizeof (float), want, n * sizeof (float));
    }

  /* By hand: x[r][c] = (r * 28 + c) % 7 - 3 and 28 % 7 = 0, so every row
   * starts the same. y[0][4] sums columns 4..6 of rows 0..2: 3 * (1 + 2 + 3)
   * = 18, plus bias -4.5 = 13.5; Relu keeps it. y[0][0] sums columns 0..2:
   * 3 * (-3 - 2 - 1) - 4.5 = -22.5, and Relu makes it 0. */
  {
    FmRun *run = fm_worker_result_get_run (result);
    const float *y = fm_run_value_data (run, fm_model_find_value (f->model, "y"));
    const float *z = fm_run_value_data (run, fm_model_find_value (f->model, "z"));

    g_assert_cmpfloat (y[4], ==, 13.5f);
    g_assert_cmpfloat (z[4], ==, 13.5f);
    g_assert_cmpfloat (y[0], ==, -22.5f);
    g_assert_cmpfloat (z[0], ==, 0.0f);
  }

  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_started, ==, 1);
  g_assert_cmpuint (stats.n_completed, ==, 1);
  g_assert_cmpuint (stats.n_delivered, ==, 1);
  g_assert_cmpuint (stats.n_stale, ==, 0);
  g_assert_cmpuint (stats.n_cancelled, ==, 0);
  g_assert_cmpint (stats.last_duration, ==, fm_worker_result_get_duration (result));

}

/* The finish function of fm_worker_set_finish (): its data is counted
 * (references taken and dropped), its extras too (made and freed). */
typedef struct
{
  gint      refs;        /* references held, the caller's included */
  gint      made;
  gint      freed;
  GThread  *main_thread;
} FinishData;

typedef struct
{
  float       z4;        /* z[4] of the pass, read on the worker thread */
  gboolean    off_main;  /* it ran off the main thread */
  FinishData *data;
} FinishExtra;

static gpointer
finish_data_ref (gpointer data)
{
  g_atomic_int_inc (&((FinishData *) data)->refs);
  return data;
}

static void
finish_data_unref (gpointer data)
{
  g_atomic_int_add (&((FinishData *) data)->refs, -1);
}

static void
finish_extra_free (gpointer extra)
{
  g_atomic_int_inc (&((FinishExtra *) extra)->data->freed);
  g_free (extra);
}

static gpointer
finish_pass (FmModel  *model,
             FmRun    *run,
             guint     n_done,
             gpointer  data)
{
  FinishData *d = data;
  FinishExtra *e = g_new0 (FinishExtra, 1);

  e->z4 = ((const float *) fm_run_value_data (run, fm_model_find_value (model, "z")))[4];
  e->off_main = g_thread_self () != d->main_thread;
  e->data = d;
  g_atomic_int_inc (&d->made);
  return e;
}

static void
test_finish (SmallFixture  *f,
             gconstpointer  user_data)
{
  FinishData data = { 1, 0, 0, g_thread_self () };
  float x[28 * 28];
  FinishExtra *extra;

  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) (i % 7) - 3.0f;
  fm_worker_set_finish (f->worker, finish_pass, finish_data_ref (&data), finish_data_ref,
                        finish_data_unref, finish_extra_free);
  fm_worker_submit (f->worker, x, G_N_ELEMENTS (x));
  WAIT_FOR (f->worker, TRUE, f->sink.results->len >= 1);

  /* Made on the worker thread from the pass: z[4] = 13.5 by hand (see
   * test_single). */
  extra = fm_worker_result_get_extra (g_ptr_array_index (f->sink.results, 0));
  g_assert_nonnull (extra);
  g_assert_cmpfloat (extra->z4, ==, 13.5f);
  g_assert_true (extra->off_main);

  /* Without a finish function, no extra; the data given is released. */
  fm_worker_set_finish (f->worker, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpint (g_atomic_int_get (&data.refs), ==, 1);
  x[0] = 5.0f;
  fm_worker_submit (f->worker, x, G_N_ELEMENTS (x));
  WAIT_FOR (f->worker, TRUE, f->sink.results->len >= 2);
  g_assert_null (fm_worker_result_get_extra (g_ptr_array_index (f->sink.results, 1)));

  /* Every extra made is freed with its result. */
  sink_clear (&f->sink);
  g_clear_object (&f->worker);
  g_assert_cmpint (g_atomic_int_get (&data.made), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&data.freed), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&data.refs), ==, 1);
}

/* Partial results (fm_worker_set_needed ()): the finish function of the
 * first partial result holds the pass until the test has submitted a
 * newer input, so the order of events does not depend on timing. */
typedef struct
{
  gint     entered;      /* finish calls begun */
  gint     release;      /* set by the test: the first call may return */
  guint    n_done[4];    /* of each call */
  float    first[4];     /* element 0 of the last value of the result, per call */
} NeededData;

typedef struct
{
  guint n_done;
  float first;           /* element 0 of the deepest value the result holds */
} NeededExtra;

static gpointer
needed_finish (FmModel  *model,
               FmRun    *run,
               guint     n_done,
               gpointer  data)
{
  NeededData *d = data;
  NeededExtra *e = g_new0 (NeededExtra, 1);
  /* The slow model's plan is its convs in order: node k makes v<k + 1>. */
  g_autofree char *name = g_strdup_printf ("v%u", n_done);
  gint call = g_atomic_int_add (&d->entered, 1);

  e->n_done = n_done;
  e->first = ((const float *) fm_run_value_data (run, fm_model_find_value (model, name)))[0];
  if (call < (gint) G_N_ELEMENTS (d->n_done))
    {
      d->n_done[call] = n_done;
      d->first[call] = e->first;
    }
  if (call == 0)
    while (!g_atomic_int_get (&d->release))
      g_usleep (100);
  return e;
}

static void
test_needed (void)
{
  g_autoptr(FmModel) model = build_slow (6);
  g_autoptr(FmWorker) worker = fm_worker_new ();
  g_autofree float *a = filled (SLOW_NUMEL, 1.0f);
  g_autofree float *b = filled (SLOW_NUMEL, 2.0f);
  NeededData data = { 0 };
  FmWorkerResult *r;
  FmWorkerStats stats;
  guint64 gen_a, gen_b;
  Sink sink;

  g_assert_cmpuint (model->n_plan, ==, 6);
  sink_init (&sink, worker, TRUE);
  g_assert_true (fm_worker_set_model (worker, model, NULL));
  fm_worker_set_finish (worker, needed_finish, &data, NULL, NULL, g_free);
  fm_worker_set_needed (worker, 2);

  /* A's pass posts its first two nodes, then waits in the finish
   * function until B is pending: past that, it stops for B. */
  gen_a = fm_worker_submit (worker, a, SLOW_NUMEL);
  WAIT_FOR (worker, FALSE, g_atomic_int_get (&data.entered) == 1);
  gen_b = fm_worker_submit (worker, b, SLOW_NUMEL);
  g_atomic_int_set (&data.release, 1);
  WAIT_FOR (worker, TRUE, sink.results->len >= 3);
  drain_main_context (50);

  /* Delivered: A's partial result, B's partial one, B's complete one. */
  g_assert_cmpuint (sink.results->len, ==, 3);
  g_assert_cmpuint (sink.n_errors, ==, 0);
  r = g_ptr_array_index (sink.results, 0);
  g_assert_cmpuint (fm_worker_result_get_input_generation (r), ==, gen_a);
  g_assert_cmpuint (fm_worker_result_get_n_done (r), ==, 2);
  g_assert_false (fm_worker_result_is_complete (r));
  g_assert_null (fm_worker_result_get_run (r));
  g_assert_cmpfloat (((NeededExtra *) fm_worker_result_get_extra (r))->first, ==, 1.0f);
  r = g_ptr_array_index (sink.results, 1);
  g_assert_cmpuint (fm_worker_result_get_input_generation (r), ==, gen_b);
  g_assert_cmpuint (fm_worker_result_get_n_done (r), ==, 2);
  g_assert_null (fm_worker_result_get_run (r));
  g_assert_cmpfloat (((NeededExtra *) fm_worker_result_get_extra (r))->first, ==, 2.0f);
  r = g_ptr_array_index (sink.results, 2);
  g_assert_cmpuint (fm_worker_result_get_input_generation (r), ==, gen_b);
  g_assert_cmpuint (fm_worker_result_get_n_done (r), ==, 6);
  g_assert_true (fm_worker_result_is_complete (r));
  /* Identity convs: the complete pass of B returns B. */
  assert_result_filled (r, "v6", 2.0f);
  g_assert_cmpuint (((NeededExtra *) fm_worker_result_get_extra (r))->n_done, ==, 6);

  /* A's pass made no complete result: its finish ran once. */
  g_assert_cmpint (g_atomic_int_get (&data.entered), ==, 3);
  g_assert_cmpuint (data.n_done[0], ==, 2);
  g_assert_cmpfloat (data.first[0], ==, 1.0f);
  g_assert_cmpuint (data.n_done[1], ==, 2);
  g_assert_cmpuint (data.n_done[2], ==, 6);
  fm_worker_get_stats (worker, &stats);
  g_assert_cmpuint (stats.n_started, ==, 2);
  g_assert_cmpuint (stats.n_partial, ==, 2);
  g_assert_cmpuint (stats.n_cut, ==, 1);
  g_assert_cmpuint (stats.n_completed, ==, 1);
  g_assert_cmpuint (stats.n_delivered, ==, 3);
  g_assert_cmpuint (stats.n_stale, ==, 0);

  /* Setting the model again goes back to complete passes only. */
  g_assert_true (fm_worker_set_model (worker, model, NULL));
  g_ptr_array_set_size (sink.results, 0);
  fm_worker_submit (worker, a, SLOW_NUMEL);
  WAIT_FOR (worker, TRUE, sink.results->len >= 1);
  drain_main_context (50);
  g_assert_cmpuint (sink.results->len, ==, 1);
  g_assert_true (fm_worker_result_is_complete (g_ptr_array_index (sink.results, 0)));
  fm_worker_get_stats (worker, &stats);
  g_assert_cmpuint (stats.n_partial, ==, 2);

  /* A model of well under 50 MFLOP has complete passes only. */
  {
    g_autoptr(FmModel) small = build_small (-4.5f);
    g_autofree float *ones = filled (28 * 28, 1.0f);

    g_assert_true (fm_worker_set_model (worker, small, NULL));
    fm_worker_set_finish (worker, NULL, NULL, NULL, NULL, NULL);
    fm_worker_set_needed (worker, 1);
    g_assert_cmpuint (fm_worker_get_needed (worker), ==, 1);
    g_ptr_array_set_size (sink.results, 0);
    fm_worker_submit (worker, ones, 28 * 28);
    WAIT_FOR (worker, TRUE, sink.results->len >= 1);
    drain_main_context (50);
    g_assert_cmpuint (sink.results->len, ==, 1);
    g_assert_true (fm_worker_result_is_complete (g_ptr_array_index (sink.results, 0)));
    fm_worker_get_stats (worker, &stats);
    g_assert_cmpuint (stats.n_partial, ==, 2);
  }

  sink_clear (&sink);
  fm_worker_shutdown (worker);
}

/* The index in @layers of the layer showing value @name. */
static guint
layer_of (FmModel    *model,
          GArray     *layers,
          const char *name)
{
  int id = fm_model_find_value (model, name);

  for (guint i = 0; i < layers->len; i++)
    if (g_array_index (layers, FmLayer, i).value_id == id)
      return i;
  g_error ("no layer shows %s", name);
}

static void
assert_plane_filled (FmFrame *frame,
                     guint    layer,
                     float    want)
{
  const float *data = fm_frame_data (frame, layer);

  for (gsize i = 0; i < SLOW_NUMEL; i++)
    if (data[i] != want)
      g_error ("layer %u [%" G_GSIZE_FORMAT "] = %g, want %g", layer, i, data[i], want);
}

/* FmFrame of a partial result: the layers in sight that the pass made
 * are its own, every other layer is the frame before's, and a frame made
 * from it later takes those from the frame that computed them. */
static void
test_frame_partial (void)
{
  g_autoptr(FmModel) model = build_slow (6);
  g_autoptr(FmWorker) worker = fm_worker_new ();
  g_autoptr(GArray) layers = fm_layers_list (model, TRUE);
  g_autofree float *a = filled (SLOW_NUMEL, 1.0f);
  g_autofree float *b = filled (SLOW_NUMEL, 2.0f);
  g_autofree guint8 *sight = NULL;
  FmFrame *f1, *f2, *f3, *f4;
  FmWorkerResult *partial;
  guint l1, l2, l6;
  Sink sink;

  l1 = layer_of (model, layers, "v1");
  l2 = layer_of (model, layers, "v2");
  l6 = layer_of (model, layers, "v6");
  /* In sight: v2 only; v1 is made by the partial pass but out of sight. */
  sight = g_new0 (guint8, layers->len);
  sight[l2] = TRUE;
  sink_init (&sink, worker, TRUE);
  g_assert_true (fm_worker_set_model (worker, model, NULL));
  fm_worker_set_finish (worker, fm_frame_finish_pass, fm_frame_spec_new (model, layers, 0, sight),
                        (GBoxedCopyFunc) fm_frame_spec_ref, (GDestroyNotify) fm_frame_spec_unref,
                        fm_frame_stats_release);

  fm_worker_submit (worker, a, SLOW_NUMEL);
  WAIT_FOR (worker, TRUE, sink.results->len >= 1);
  f1 = fm_frame_new (g_ptr_array_index (sink.results, 0), layers, 0, NULL);
  g_assert_true (f1->complete);
  assert_plane_filled (f1, l6, 1.0f);

  fm_worker_set_needed (worker, 2);
  fm_worker_submit (worker, b, SLOW_NUMEL);
  WAIT_FOR (worker, TRUE, sink.results->len >= 2);
  partial = g_ptr_array_index (sink.results, 1);
  g_assert_cmpuint (fm_worker_result_get_n_done (partial), ==, 2);

  /* Made for other layers than its pass copied, none; on a frame before
   * of other layers, none either. */
  {
    g_autoptr(GArray) other = fm_layers_list (model, TRUE);
    FmFrame *f_other = fm_frame_new (g_ptr_array_index (sink.results, 0), other, 0, NULL);

    g_assert_null (fm_frame_new (partial, other, 0, f1));
    g_assert_nonnull (f_other);
    g_assert_null (fm_frame_new (partial, layers, 0, f_other));
    fm_frame_unref (f_other);
  }

  /* Without a frame before (a model's first pass), the layers it did not
   * carry are pending: zeros, no prediction; and they stay pending in a
   * frame made on that one. */
  {
    FmFrame *f0 = fm_frame_new (partial, layers, 0, NULL);
    FmFrame *f0b;

    g_assert_nonnull (f0);
    g_assert_false (fm_frame_layer_pending (f0, l2));
    assert_plane_filled (f0, l2, 2.0f);
    g_assert_true (fm_frame_layer_pending (f0, l1));
    g_assert_true (fm_frame_layer_pending (f0, l6));
    assert_plane_filled (f0, l6, 0.0f);
    g_assert_cmpfloat (f0->stats[l6][0].max, ==, 0.0f);
    g_assert_false (f0->stats[l6][0].all_zero);
    g_assert_cmpuint (f0->n_zero[l6], ==, 0);
    g_assert_cmpuint (f0->prediction.n_top, ==, 0);
    g_assert_true (isnan (fm_frame_pre_max (f0, l6, 0)));
    f0b = fm_frame_new (partial, layers, 0, f0);
    g_assert_true (fm_frame_layer_pending (f0b, l6));
    g_assert_false (fm_frame_layer_pending (f0b, l2));
    g_assert_false (fm_frame_layer_pending (f1, l6));
    fm_frame_unref (f0);
    assert_plane_filled (f0b, l6, 0.0f);
    fm_frame_unref (f0b);
  }

  f2 = fm_frame_new (partial, layers, 0, f1);
  g_assert_nonnull (f2);
  g_assert_false (f2->complete);
  assert_plane_filled (f2, l2, 2.0f);
  g_assert_cmpfloat (f2->stats[l2][0].max, ==, 2.0f);
  g_assert_null (f2->source[l2]);
  assert_plane_filled (f2, l1, 1.0f);
  g_assert_true (f2->source[l1] == f1);
  assert_plane_filled (f2, l6, 1.0f);
  g_assert_cmpfloat (f2->stats[l6][SLOW_C - 1].max, ==, 1.0f);
  g_assert_true (f2->source[l6] == f1);
  g_assert_cmpmem (&f2->prediction, sizeof f2->prediction, &f1->prediction, sizeof f1->prediction);

  /* Another threshold: every layer's statistics again, its own and the
   * ones it takes (|x| <= 1.5 holds for v6's ones, not for v2's twos). */
  f3 = fm_frame_new (partial, layers, 1.5f, f2);
  g_assert_cmpuint (f3->n_zero[l2], ==, 0);
  g_assert_cmpuint (f3->n_zero[l6], ==, SLOW_C);
  g_assert_true (f3->stats[l6][0].all_zero);
  g_assert_cmpuint (f2->n_zero[l6], ==, 0);

  /* Made on a partial frame, a frame takes v6 from the frame that
   * computed it, which it keeps after the others go. */
  f4 = fm_frame_new (partial, layers, 0, f2);
  g_assert_true (f4->source[l6] == f1);
  fm_frame_unref (f1);
  fm_frame_unref (f2);
  fm_frame_unref (f3);
  assert_plane_filled (f4, l6, 1.0f);
  assert_plane_filled (f4, l2, 2.0f);
  fm_frame_unref (f4);

  sink_clear (&sink);
  fm_worker_shutdown (worker);
}

/* The latest-wins tests' set-up: a pass of a 40-conv identity chain
 * (~0.1 s here) on a worker whose results @sink keeps, and inputs
 * numbered 1 to 100, input k filled with k (in @x), whose generations
 * go in @gens[k]. */
typedef struct
{
  FmModel  *model;
  FmWorker *worker;
  float    *x;        /* SLOW_NUMEL */
  guint64   gens[101];
  Sink      sink;
} Burst;

static void
burst_init (Burst *b)
{
  b->model = build_slow (40);
  b->worker = fm_worker_new ();
  b->x = g_new (float, SLOW_NUMEL);
  memset (b->gens, 0, sizeof b->gens);
  sink_init (&b->sink, b->worker, TRUE);
  g_assert_true (fm_worker_set_model (b->worker, b->model, NULL));
}

static void
burst_clear (Burst *b)
{
  sink_clear (&b->sink);
  g_free (b->x);
  g_object_unref (b->worker);
  fm_model_unref (b->model);
}

/* Submits input @k; returns its generation, also kept in @b->gens[k]. */
static guint64
burst_submit (Burst *b,
              guint  k)
{
  for (gsize i = 0; i < SLOW_NUMEL; i++)
    b->x[i] = (float) k;
  b->gens[k] = fm_worker_submit (b->worker, b->x, SLOW_NUMEL);
  return b->gens[k];
}

/* The number k (1 to 100) of the input whose generation is @gen; fails
 * the test when no input has it. */
static guint
burst_input_number (const Burst *b,
                    guint64      gen)
{
  guint k = 1;

  while (k <= 100 && b->gens[k] != gen)
    k++;
  g_assert_cmpuint (k, <=, 100);
  return k;
}

static void
test_latest_wins (void)
{
  /* A pass outlasts the burst of submits. */
  FmWorkerStats stats;
  FmWorkerResult *first, *last;
  Burst b;

  burst_init (&b);

  /* Input k is filled with k; the identity chain returns it unchanged. */
  for (guint k = 1; k <= 100; k++)
    {
      g_assert_cmpuint (burst_submit (&b, k), >, b.gens[k - 1]);
      if (k == 1)
        WAIT_FOR (b.worker, FALSE, st.n_started == 1);
    }

  WAIT_FOR (b.worker, TRUE,
            b.sink.results->len > 0 &&
            fm_worker_result_get_input_generation (
              g_ptr_array_index (b.sink.results, b.sink.results->len - 1)) == b.gens[100]);
  drain_main_context (50);
  fm_worker_get_stats (b.worker, &stats);
  g_test_message ("%u results, %" G_GUINT64_FORMAT " passes, last took %.1f ms",
                  b.sink.results->len, stats.n_started, stats.last_duration / 1000.0);

  /* The first pass, in flight during the burst, is not cancelled by it and
   * is shown; then at most the pass that took whatever was pending when it
   * finished, then the last input. */
  g_assert_cmpuint (b.sink.results->len, >=, 2);
  g_assert_cmpuint (b.sink.results->len, <=, 3);
  g_assert_false (b.sink.out_of_order);
  g_assert_cmpuint (b.sink.n_errors, ==, 0);
  first = g_ptr_array_index (b.sink.results, 0);
  last = g_ptr_array_index (b.sink.results, b.sink.results->len - 1);
  g_assert_cmpuint (fm_worker_result_get_input_generation (first), ==, b.gens[1]);
  assert_result_filled (first, "v40", 1.0f);
  assert_result_filled (last, "v0", 100.0f);
  assert_result_filled (last, "v40", 100.0f);
  for (guint r = 0; r < b.sink.results->len; r++)
    {
      FmWorkerResult *result = g_ptr_array_index (b.sink.results, r);
      guint k = burst_input_number (&b, fm_worker_result_get_input_generation (result));

      assert_result_filled (result, "v40", (float) k);
    }

  g_assert_cmpuint (stats.n_started, ==, b.sink.results->len);
  g_assert_cmpuint (stats.n_cancelled, ==, 0);
  g_assert_cmpuint (stats.n_stale, ==, 0);

  burst_clear (&b);
}

/* Latest wins with partial results: inputs come faster than passes, so
 * passes are cut; every result holds its own input, partial ones before
 * the complete one of the same input, and the last input's pass
 * completes. */
static void
test_latest_wins_partial (void)
{
  NeededData data = { .release = 1 };
  FmWorkerStats stats;
  FmWorkerResult *last;
  guint64 prev_gen = 0;
  gboolean prev_complete = TRUE;
  Burst b;

  burst_init (&b);
  fm_worker_set_finish (b.worker, needed_finish, &data, NULL, NULL, g_free);
  fm_worker_set_needed (b.worker, 5);
  for (guint k = 1; k <= 100; k++)
    {
      burst_submit (&b, k);
      drain_main_context (2);
    }
  WAIT_FOR (b.worker, TRUE,
            b.sink.results->len > 0 &&
            fm_worker_result_is_complete (g_ptr_array_index (b.sink.results,
                                                             b.sink.results->len - 1)));
  drain_main_context (50);
  fm_worker_get_stats (b.worker, &stats);
  g_test_message ("%u results of %" G_GUINT64_FORMAT " passes: %" G_GUINT64_FORMAT
                  " partial, %" G_GUINT64_FORMAT " cut, %" G_GUINT64_FORMAT " complete",
                  b.sink.results->len, stats.n_started, stats.n_partial, stats.n_cut,
                  stats.n_completed);

  g_assert_cmpuint (b.sink.n_errors, ==, 0);
  for (guint r = 0; r < b.sink.results->len; r++)
    {
      FmWorkerResult *result = g_ptr_array_index (b.sink.results, r);
      guint64 gen = fm_worker_result_get_input_generation (result);
      gboolean complete = fm_worker_result_is_complete (result);
      guint k = burst_input_number (&b, gen);

      if (complete)
        assert_result_filled (result, "v40", (float) k);
      else
        {
          g_assert_cmpuint (fm_worker_result_get_n_done (result), ==, 5);
          g_assert_cmpfloat (((NeededExtra *) fm_worker_result_get_extra (result))->first, ==,
                             (float) k);
        }
      /* Newer inputs, or the complete result after the partial one. */
      g_assert_true (gen > prev_gen || (gen == prev_gen && !prev_complete && complete));
      prev_gen = gen;
      prev_complete = complete;
    }
  last = g_ptr_array_index (b.sink.results, b.sink.results->len - 1);
  g_assert_cmpuint (fm_worker_result_get_input_generation (last), ==, b.gens[100]);
  g_assert_true (fm_worker_result_is_complete (last));
  g_assert_cmpuint (stats.n_started, ==, stats.n_completed + stats.n_cut);
  g_assert_cmpuint (stats.n_partial, ==, stats.n_started);
  g_assert_cmpuint (stats.n_cut, >, 0);
  g_assert_cmpuint (stats.n_cancelled, ==, 0);

  fm_worker_shutdown (b.worker);
  burst_clear (&b);
}

static void
test_stale_model (SmallFixture  *f,
                  gconstpointer  user_data)
{
  g_autoptr(FmModel) model_b = build_small (100.0f);
  FmWorkerResult *result;
  FmWorkerStats stats;

  g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
  /* Finished but not dispatched: the main context is not iterated. */
  WAIT_FOR (f->worker, FALSE, st.n_completed == 1);
  g_assert_true (fm_worker_set_model (f->worker, model_b, NULL));
  WAIT_FOR (f->worker, TRUE, st.n_stale == 1);
  drain_main_context (20);
  g_assert_cmpuint (f->sink.results->len, ==, 0);

  /* The worker still delivers for the new model: a 3x3 window of ones
   * sums to 9, plus bias 100 = 109 (A would give 9 - 4.5 = 4.5). */
  g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
  WAIT_FOR (f->worker, TRUE, f->sink.results->len == 1);
  result = g_ptr_array_index (f->sink.results, 0);
  g_assert_true (fm_worker_result_get_model (result) == model_b);
  assert_result_filled (result, "z", 109.0f);

  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_delivered, ==, 1);
  g_assert_cmpuint (stats.n_stale, ==, 1);
  g_assert_cmpuint (f->sink.n_errors, ==, 0);
}

static void
test_cancel_on_model_swap (void)
{
  g_autoptr(FmModel) slow = build_slow (200);
  g_autoptr(FmModel) small = build_small (-4.5f);
  g_autoptr(FmWorker) worker = fm_worker_new ();
  g_autofree float *x = filled (SLOW_NUMEL, 7.0f);
  g_autofree float *ones = filled (28 * 28, 1.0f);
  FmWorkerStats stats;
  gint64 t0;
  Sink sink;

  sink_init (&sink, worker, TRUE);
  g_assert_true (fm_worker_set_model (worker, slow, NULL));
  g_assert_cmpuint (fm_worker_submit (worker, x, SLOW_NUMEL), >, 0);
  WAIT_FOR (worker, FALSE, st.n_started == 1);
  t0 = g_get_monotonic_time ();
  g_assert_true (fm_worker_set_model (worker, small, NULL));
  WAIT_FOR (worker, FALSE, st.n_cancelled == 1);
  g_test_message ("cancelled %.1f ms after the model swap",
                  (g_get_monotonic_time () - t0) / 1000.0);
  drain_main_context (50);

  fm_worker_get_stats (worker, &stats);
  g_assert_cmpuint (stats.n_completed, ==, 0);
  g_assert_cmpuint (stats.n_failed, ==, 0);
  g_assert_cmpuint (sink.results->len, ==, 0);
  g_assert_cmpuint (sink.n_errors, ==, 0); /* cancelling is not an error */

  /* 9 * 1 - 4.5 = 4.5 */
  g_assert_cmpuint (fm_worker_submit (worker, ones, 28 * 28), >, 0);
  WAIT_FOR (worker, TRUE, sink.results->len == 1);
  assert_result_filled (g_ptr_array_index (sink.results, 0), "z", 4.5f);
  sink_clear (&sink);
}

static void
test_dispose_during_run (void)
{
  g_autoptr(FmModel) slow = build_slow (200);
  FmWorker *worker = fm_worker_new ();
  g_autofree float *x = filled (SLOW_NUMEL, 3.0f);
  FmWorkerStats stats;
  gint64 t0;
  Sink sink;

  sink_init (&sink, worker, TRUE);
  g_object_add_weak_pointer (G_OBJECT (worker), (gpointer *) &worker);
  g_assert_true (fm_worker_set_model (worker, slow, NULL));
  g_assert_cmpuint (fm_worker_submit (worker, x, SLOW_NUMEL), >, 0);
  WAIT_FOR (worker, FALSE, st.n_started == 1);
  fm_worker_get_stats (worker, &stats);
  g_assert_cmpuint (stats.n_completed, ==, 0);

  t0 = g_get_monotonic_time ();
  g_object_unref (worker);
  g_test_message ("dispose returned after %.1f ms",
                  (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_null (worker);
  /* Thread joined, pass cancelled, pool freed: only our reference left. */
  g_assert_cmpint (model_refs (slow), ==, 1);

  drain_main_context (200);
  g_assert_cmpuint (sink.results->len, ==, 0);
  g_assert_cmpuint (sink.n_errors, ==, 0);
  g_assert_cmpint (model_refs (slow), ==, 1);
  sink_clear (&sink);
}

static void
test_dispose_queued (SmallFixture  *f,
                     gconstpointer  user_data)
{
  g_object_add_weak_pointer (G_OBJECT (f->worker), (gpointer *) &f->worker);
  g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
  WAIT_FOR (f->worker, FALSE, st.n_completed == 1);

  g_object_unref (f->worker);
  g_assert_null (f->worker);
  /* The queued result still holds the model through its run. */
  g_assert_cmpint (model_refs (f->model), >, 1);
  drain_main_context (100);
  g_assert_cmpuint (f->sink.results->len, ==, 0);
  g_assert_cmpint (model_refs (f->model), ==, 1);
}

static void
test_pool (SmallFixture  *f,
           gconstpointer  user_data)
{
  FmWorkerStats stats;

  /* Results dropped as soon as they arrive: one arena serves every pass. */
  for (guint i = 1; i <= 10; i++)
    {
      g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
      WAIT_FOR (f->worker, TRUE, f->sink.results->len == 1);
      g_ptr_array_set_size (f->sink.results, 0);
    }
  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_delivered, ==, 10);
  g_assert_cmpuint (stats.n_runs_created, ==, 1);

  /* The view holds the shown result until the next one replaces it: two
   * arenas alternate. */
  f->sink.keep = FALSE;
  for (guint i = 1; i <= 10; i++)
    {
      g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
      WAIT_FOR (f->worker, TRUE, st.n_delivered == 10 + i);
    }
  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_runs_created, ==, 2);

  /* A new model starts over. */
  g_assert_true (fm_worker_set_model (f->worker, f->model, NULL));
  g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
  WAIT_FOR (f->worker, TRUE, st.n_delivered == 21);
  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_runs_created, ==, 3);
}

static void
test_refuse_model (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmWorker) worker = fm_worker_new ();
  g_autoptr(GError) error = NULL;
  float x[4] = { 0 };

  fm_test_graph_input (g, "a", FM_DIMS (1, 4));
  fm_test_graph_input (g, "b", FM_DIMS (1, 4));
  fm_test_graph_node (g, "Add", "a,b", "c");
  fm_test_graph_output (g, "c");
  model = fm_test_graph_build (g, &error);
  g_assert_no_error (error);

  g_assert_false (fm_worker_set_model (worker, model, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "test.onnx"));
  g_assert_nonnull (strstr (error->message, "2 input"));
  g_assert_null (fm_worker_get_model (worker));
  g_assert_cmpuint (fm_worker_submit (worker, x, 4), ==, 0);
}

static void
test_wrong_size (void)
{
  g_autoptr(FmModel) model = build_small (-4.5f);
  g_autoptr(FmWorker) worker = fm_worker_new ();
  float x[3] = { 0 };
  FmWorkerStats stats;

  g_assert_true (fm_worker_set_model (worker, model, NULL));
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                         "*submitted 3 values, the input of test.onnx has 784*");
  g_assert_cmpuint (fm_worker_submit (worker, x, 3), ==, 0);
  g_test_assert_expected_messages ();
  fm_worker_get_stats (worker, &stats);
  g_assert_cmpuint (stats.n_started, ==, 0);
}

static void
test_shutdown (SmallFixture  *f,
               gconstpointer  user_data)
{
  FmWorkerStats stats;

  g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
  WAIT_FOR (f->worker, FALSE, st.n_completed == 1);
  fm_worker_shutdown (f->worker);
  fm_worker_shutdown (f->worker);
  g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), ==, 0);
  drain_main_context (50);
  g_assert_cmpuint (f->sink.results->len, ==, 0);
  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_started, ==, 1);
  g_assert_cmpuint (stats.n_stale, ==, 1);
}

/* fm_worker_wait (): the newest pass's result comes from the call itself,
 * exactly once; an older one is never delivered that way; a timeout with
 * nothing finished returns FALSE. */
static void
test_wait (SmallFixture  *f,
           gconstpointer  user_data)
{
  float x[28 * 28]; /* [1, 1, 28, 28] */
  FmWorkerStats stats;
  guint64 gen;

  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) (i % 5);

  /* Nothing submitted: nothing to wait for. */
  g_assert_false (fm_worker_wait (f->worker, 1000));
  g_assert_cmpuint (f->sink.results->len, ==, 0);

  gen = fm_worker_submit (f->worker, x, G_N_ELEMENTS (x));
  /* A generous timeout: the pass takes microseconds. */
  g_assert_true (fm_worker_wait (f->worker, 5 * G_USEC_PER_SEC));
  /* Delivered from inside the call, before the main loop ran. */
  g_assert_cmpuint (f->sink.results->len, ==, 1);
  g_assert_cmpuint (fm_worker_result_get_input_generation (g_ptr_array_index (f->sink.results, 0)),
                    ==, gen);
  /* The queued idle delivery of the same pass must not deliver it again. */
  drain_main_context (50);
  g_assert_cmpuint (f->sink.results->len, ==, 1);
  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_delivered, ==, 1);

  /* Already delivered: waiting again returns FALSE at once. */
  g_assert_false (fm_worker_wait (f->worker, 1000));
  g_assert_false (f->sink.out_of_order);
}

/* Threads */

/* x [1, @c, @h, @w] -> Conv 1x1 with @m outputs -> y. Its estimated
 * cost: 2 * @c * @m * @h * @w floating-point operations. Never run. */
static FmModel *
build_cost (gint64 c,
            gint64 m,
            gint64 h,
            gint64 w)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autofree float *weights = g_new0 (float, m * c);

  fm_test_graph_input (g, "x", FM_DIMS (1, c, h, w));
  fm_test_graph_float (g, "w", FM_DIMS (m, c, 1, 1), weights);
  fm_test_graph_node (g, "Conv", "x,w", "y");
  fm_test_graph_output (g, "y");
  return fm_test_graph_build_ok (g);
}

/* The documented automatic count for a model above the threshold: the
 * processors but one (kept for the window), at least 1, at most 8; for
 * the model's first pass every processor, at most 8. */
static guint
auto_threads_above (void)
{
  guint n = g_get_num_processors ();

  return CLAMP (n > 1 ? n - 1 : 1, 1, FM_WORKER_MAX_THREADS);
}

static guint
first_threads_above (void)
{
  return CLAMP (g_get_num_processors (), 1, FM_WORKER_MAX_THREADS);
}

static void
test_threads_count (void)
{
  g_autoptr(FmModel) small = build_small (-4.5f);
  g_autoptr(FmModel) slow = build_slow (1);
  /* 2 * 500 * 10 * 100 * 100 = 100 MFLOP; 2 * 250 * 10 * 100 * 100 = 50
   * MFLOP, the threshold itself (threads); 2 * 250 * 10 * 100 * 99 just
   * under it */
  g_autoptr(FmModel) above = build_cost (500, 10, 100, 100);
  g_autoptr(FmModel) at = build_cost (250, 10, 100, 100);
  g_autoptr(FmModel) below = build_cost (250, 10, 100, 99);
  g_autoptr(FmWorker) worker = fm_worker_new ();

  g_assert_cmpfloat (FM_WORKER_PARALLEL_MIN_FLOPS, ==, 50e6);

  /* Automatic: no model, a small one, the threshold, a 75 MFLOP conv */
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, 1);
  g_assert_true (fm_worker_set_model (worker, small, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, 1);
  g_assert_true (fm_worker_set_model (worker, below, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, 1);
  g_assert_true (fm_worker_set_model (worker, at, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, first_threads_above ());
  g_assert_true (fm_worker_set_model (worker, above, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, first_threads_above ());
  g_assert_true (fm_worker_set_model (worker, slow, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, first_threads_above ());
  g_assert_true (fm_worker_set_model (worker, NULL, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, 1);

  /* Fixed, whatever the model; 0 goes back to automatic */
  fm_worker_set_threads (worker, 3);
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, 3);
  g_assert_true (fm_worker_set_model (worker, small, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, 3);
  fm_worker_set_threads (worker, 1);
  g_assert_true (fm_worker_set_model (worker, slow, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, 1);
  fm_worker_set_threads (worker, 1000);
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, 64);
  fm_worker_set_threads (worker, 0);
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, first_threads_above ());
}

/* The first pass of a model takes every processor (the window waits for
 * it); the passes after it leave one to the window's drawing. */
static void
test_threads_first_pass (void)
{
  g_autoptr(FmModel) slow = build_slow (1);
  g_autoptr(FmWorker) worker = fm_worker_new ();
  gsize numel = slow->values[slow->inputs[0]].numel;
  g_autofree float *x = filled (numel, 0.5f);
  Sink sink;

  sink_init (&sink, worker, TRUE);
  g_assert_true (fm_worker_set_model (worker, slow, NULL));
  for (guint i = 0; i < 2; i++)
    {
      guint want = i == 0 ? first_threads_above () : auto_threads_above ();
      FmWorkerResult *result;

      g_assert_cmpuint (fm_worker_get_threads (worker), ==, want);
      fm_worker_submit (worker, x, numel);
      WAIT_FOR (worker, TRUE, sink.results->len == i + 1);
      result = g_ptr_array_index (sink.results, i);
      g_assert_cmpuint (fm_worker_result_get_threads (result), ==, want);
    }
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, auto_threads_above ());

  /* A new model starts with a first pass again. */
  g_assert_true (fm_worker_set_model (worker, slow, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, first_threads_above ());
  fm_worker_shutdown (worker);
  sink_clear (&sink);
}

/* FM_LIVE_THREADS, read when a worker is made; junk is ignored. In a
 * subprocess that has no threads yet, where setenv () is safe. */
static void
test_threads_env (void)
{
  static const struct { const char *value; guint want; } env[] = {
    { "2", 2 }, { "5", 5 }, { "100", 64 }, { "0", 1 }, { "-2", 1 }, { "two", 1 }, { "", 1 },
  };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (env); i++)
    {
      g_autoptr(FmModel) small = build_small (-4.5f);
      g_autoptr(FmWorker) worker = NULL;

      g_setenv ("FM_LIVE_THREADS", env[i].value, TRUE);
      worker = fm_worker_new ();
      g_unsetenv ("FM_LIVE_THREADS");
      g_assert_true (fm_worker_set_model (worker, small, NULL));
      g_test_message ("FM_LIVE_THREADS=%s", env[i].value);
      g_assert_cmpuint (fm_worker_get_threads (worker), ==, env[i].want);
    }
}

/* The process's threads named "fm-kernel": the kernel threads of every
 * FmRun alive (a run of n threads has n - 1). */
static guint
count_kernel_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      /* a thread that just ended has no file any more */
      if (g_file_get_contents (path, &comm, NULL, NULL) &&
          strcmp (g_strchomp (comm), "fm-kernel") == 0)
        n++;
    }
  return n;
}

/* A thread names itself once it runs, and a joined one leaves the list a
 * moment later: waits for the count to become @want. */
static void
wait_kernel_threads (guint want)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  guint n;

  while ((n = count_kernel_threads ()) != want && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (n, ==, want);
}

static gboolean
have_proc_tasks (void)
{
  if (g_file_test ("/proc/self/task", G_FILE_TEST_IS_DIR))
    return TRUE;
  g_test_skip ("no /proc/self/task to count threads in");
  return FALSE;
}

/* x [1, 8, 32, 32] -> Conv 3x3 (16, bias, pads 1) -> Relu -> MaxPool 2x2
 * -> Conv 3x3 (16, bias, pads 1) -> Sigmoid -> GlobalAveragePool ->
 * Flatten -> Gemm (10). Weights and input are a fixed pattern; the convs'
 * GEMMs (16 x 1024 x 72 and 16 x 256 x 144 multiply-adds) are above
 * fm-gemm.c's 100,000 below which it keeps to one thread. */
static FmModel *
build_mixed (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autofree float *w1 = g_new (float, 16 * 8 * 9);
  g_autofree float *w2 = g_new (float, 16 * 16 * 9);
  g_autofree float *fw = g_new (float, 16 * 10);
  float b1[16], b2[16], fb[10];
  static const gint64 pads[] = { 1, 1, 1, 1 };
  static const gint64 k2[] = { 2, 2 };
  FmOnnxNode *node;

  for (guint i = 0; i < 16 * 8 * 9; i++)
    w1[i] = (float) ((i * 7919) % 200) / 400.0f - 0.25f;
  for (guint i = 0; i < 16 * 16 * 9; i++)
    w2[i] = (float) ((i * 104729) % 300) / 900.0f - 0.17f;
  for (guint i = 0; i < 16 * 10; i++)
    fw[i] = (float) ((i * 31) % 17) / 8.0f - 1.0f;
  for (guint i = 0; i < 16; i++)
    {
      b1[i] = (float) i / 16.0f - 0.4f;
      b2[i] = 0.3f - (float) i / 32.0f;
    }
  for (guint i = 0; i < 10; i++)
    fb[i] = (float) i / 10.0f;

  fm_test_graph_input (g, "x", FM_DIMS (1, 8, 32, 32));
  fm_test_graph_float (g, "w1", FM_DIMS (16, 8, 3, 3), w1);
  fm_test_graph_float (g, "b1", FM_DIMS (16), b1);
  fm_test_graph_float (g, "w2", FM_DIMS (16, 16, 3, 3), w2);
  fm_test_graph_float (g, "b2", FM_DIMS (16), b2);
  fm_test_graph_float (g, "fw", FM_DIMS (16, 10), fw);
  fm_test_graph_float (g, "fb", FM_DIMS (10), fb);
  fm_test_node_ints (fm_test_graph_node (g, "Conv", "x,w1,b1", "c1"), "pads", 4, pads);
  fm_test_graph_node (g, "Relu", "c1", "r1");
  node = fm_test_graph_node (g, "MaxPool", "r1", "p1");
  fm_test_node_ints (node, "kernel_shape", 2, k2);
  fm_test_node_ints (node, "strides", 2, k2);
  fm_test_node_ints (fm_test_graph_node (g, "Conv", "p1,w2,b2", "c2"), "pads", 4, pads);
  fm_test_graph_node (g, "Sigmoid", "c2", "s2");
  fm_test_graph_node (g, "GlobalAveragePool", "s2", "gap");
  fm_test_graph_node (g, "Flatten", "gap", "f");
  fm_test_graph_node (g, "Gemm", "f,fw,fb", "y");
  fm_test_graph_output (g, "y");
  return fm_test_graph_build_ok (g);
}

#define MIXED_NUMEL (8 * 32 * 32)

/* One pass of @input on a new worker with @threads threads; the result. */
static FmWorkerResult *
run_on_threads (FmModel     *model,
                const float *input,
                guint        threads)
{
  g_autoptr(FmWorker) worker = fm_worker_new ();
  FmWorkerResult *result;
  Sink sink;

  sink_init (&sink, worker, TRUE);
  fm_worker_set_threads (worker, threads);
  g_assert_true (fm_worker_set_model (worker, model, NULL));
  g_assert_cmpuint (fm_worker_get_threads (worker), ==, threads);
  g_assert_cmpuint (fm_worker_submit (worker, input, MIXED_NUMEL), >, 0);
  WAIT_FOR (worker, TRUE, sink.results->len == 1);
  g_assert_cmpuint (sink.n_errors, ==, 0);
  result = fm_worker_result_ref (g_ptr_array_index (sink.results, 0));
  sink_clear (&sink);
  return result;
}

static void
test_threads_identical (void)
{
  g_autoptr(FmModel) model = build_mixed ();
  g_autofree float *x = g_new (float, MIXED_NUMEL);
  g_autoptr(FmWorkerResult) one = NULL;
  g_autoptr(FmWorkerResult) two = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *direct = NULL;
  const float *inputs[] = { x };
  guint baseline, n_compared = 0;
  gsize n = 0;

  if (!have_proc_tasks ())
    return;
  for (guint i = 0; i < MIXED_NUMEL; i++)
    x[i] = (float) ((i * 104729u) % 1000) / 250.0f - 2.0f;
  baseline = count_kernel_threads ();

  one = run_on_threads (model, x, 1);
  two = run_on_threads (model, x, 2);
  g_assert_cmpuint (fm_worker_result_get_threads (one), ==, 1);
  g_assert_cmpuint (fm_worker_result_get_threads (two), ==, 2);
  /* The workers are gone; their results hold the runs: the 2-thread run
   * has its second thread, the 1-thread run none. */
  wait_kernel_threads (baseline + 1);

  /* Every value of the pass, bit for bit */
  for (guint id = 0; id < model->n_values; id++)
    {
      const FmValue *v = &model->values[id];
      const float *a, *b;

      if (v->kind == FM_VALUE_CONST || v->dtype != FM_DTYPE_FLOAT)
        continue;
      a = fm_run_value_data (fm_worker_result_get_run (one), (int) id);
      b = fm_run_value_data (fm_worker_result_get_run (two), (int) id);
      g_test_message ("%s: %" G_GSIZE_FORMAT " values", v->name, v->numel);
      g_assert_cmpmem (a, v->numel * sizeof (float), b, v->numel * sizeof (float));
      n_compared++;
    }
  /* x, c1, r1, p1, c2, s2, gap, f, y */
  g_assert_cmpuint (n_compared, ==, 9);

  /* and the same as a run made directly */
  direct = fm_test_run (model, inputs, "y", &n, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (fm_run_value_data (fm_worker_result_get_run (two),
                                      fm_model_find_value (model, "y")),
                   10 * sizeof (float), direct, n * sizeof (float));

  g_clear_pointer (&two, fm_worker_result_unref);
  g_clear_pointer (&one, fm_worker_result_unref);
  wait_kernel_threads (baseline);
}

/* Pooled runs get the count of the pass that takes them. */
static void
test_threads_pool (SmallFixture  *f,
                   gconstpointer  user_data)
{
  static const guint counts[] = { 2, 3, 1, 2 };
  FmWorkerStats stats;
  guint baseline;

  if (!have_proc_tasks ())
    return;
  baseline = count_kernel_threads ();

  /* One run serves every pass (each result is dropped before the next
   * submit), and has the threads each pass asked for. */
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      FmWorkerResult *result;

      fm_worker_set_threads (f->worker, counts[i]);
      g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
      WAIT_FOR (f->worker, TRUE, f->sink.results->len == 1);
      result = g_ptr_array_index (f->sink.results, 0);
      g_assert_cmpuint (fm_worker_result_get_threads (result), ==, counts[i]);
      assert_result_filled (result, "z", 4.5f);
      wait_kernel_threads (baseline + counts[i] - 1);
      g_ptr_array_set_size (f->sink.results, 0);
    }
  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_runs_created, ==, 1);
  /* Pooled, the run keeps its threads (asleep). */
  wait_kernel_threads (baseline + 1);

  /* The view holds the shown result until the next replaces it: two runs
   * alternate, the new one set to 4 threads when it is made, the pooled
   * one when it is next taken. */
  fm_worker_set_threads (f->worker, 4);
  f->sink.keep = FALSE;
  for (guint i = 1; i <= 4; i++)
    {
      g_assert_cmpuint (fm_worker_submit (f->worker, f->ones, 28 * 28), >, 0);
      WAIT_FOR (f->worker, TRUE, st.n_delivered == G_N_ELEMENTS (counts) + i);
      g_assert_cmpuint (fm_worker_result_get_threads (g_ptr_array_index (f->sink.results, 0)),
                        ==, 4);
    }
  fm_worker_get_stats (f->worker, &stats);
  g_assert_cmpuint (stats.n_runs_created, ==, 2);
  wait_kernel_threads (baseline + 3 + 3);

  /* Gone with the worker and the last result. */
  g_clear_object (&f->worker);
  sink_clear (&f->sink);
  drain_main_context (20);
  wait_kernel_threads (baseline);
}

/* A test on a SmallFixture. */
#define ADD_SMALL(path, func) \
  g_test_add ((path), SmallFixture, NULL, small_set_up, (func), small_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The tests choose the thread counts themselves. */
  g_unsetenv ("FM_LIVE_THREADS");

  ADD_SMALL ("/app/worker/single", test_single);
  ADD_SMALL ("/app/worker/finish", test_finish);
  g_test_add_func ("/app/worker/latest-wins", test_latest_wins);
  g_test_add_func ("/app/worker/needed", test_needed);
  g_test_add_func ("/app/worker/latest-wins-partial", test_latest_wins_partial);
  g_test_add_func ("/app/worker/frame-partial", test_frame_partial);
  ADD_SMALL ("/app/worker/stale-model", test_stale_model);
  g_test_add_func ("/app/worker/cancel-on-model-swap", test_cancel_on_model_swap);
  g_test_add_func ("/app/worker/dispose-during-run", test_dispose_during_run);
  ADD_SMALL ("/app/worker/dispose-queued", test_dispose_queued);
  ADD_SMALL ("/app/worker/pool", test_pool);
  g_test_add_func ("/app/worker/refuse-model", test_refuse_model);
  g_test_add_func ("/app/worker/wrong-size", test_wrong_size);
  ADD_SMALL ("/app/worker/shutdown", test_shutdown);
  ADD_SMALL ("/app/worker/wait", test_wait);
  g_test_add_func ("/app/worker/threads-count", test_threads_count);
  g_test_add_func ("/app/worker/threads-first-pass", test_threads_first_pass);
  g_test_add_func ("/app/worker/threads-env", test_threads_env);
  g_test_add_func ("/app/worker/threads-identical", test_threads_identical);
  ADD_SMALL ("/app/worker/threads-pool", test_threads_pool);

  return g_test_run ();
}
