/* test-ops.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-op tests: tiny graphs built in memory (fm-test-graph.c), loaded with
 * fm_model_build() and run. Expected values are worked out by hand in the
 * comments. The fast Conv kernels are checked against the naive reference
 * on random shapes. Whole models are tested elsewhere (test-reference.c).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fm-model-private.h"
#include "fm-op.h"
#include "fm-run.h"
#include "fm-test-conv.h"
#include "fm-test-graph.h"

/* Runs @model on float inputs @in0, @in1 and checks float value @name
 * against the rest, within @tol. */
#define CHECK(model, in0, in1, name, tol, ...) \
  fm_test_check_floats (model, FM_INPUTS (in0, in1), name, tol, 0, FM_FLOATS (__VA_ARGS__))

static const float x9[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }; /* [1, 1, 3, 3] */
static const float ones9[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };

/* Conv */

static void
test_conv_basic (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float w[] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  static const float b[] = { 0.5f };

  fm_test_graph_float (g, "w", FM_DIMS (1, 1, 3, 3), w);
  fm_test_graph_float (g, "b", FM_DIMS (1), b);
  fm_test_graph_one_node (g, "Conv", "x,w,b", FM_DIMS (1, 1, 3, 3));
  /* diagonal kernel: 1 + 5 + 9 + bias 0.5 */
  fm_test_graph_check_y (g, FM_INPUTS (x9), FM_DIMS (1, 1, 1, 1), 1e-6f, FM_FLOATS (15.5f));
}

static void
test_conv_pads (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

  fm_test_graph_float (g, "w", FM_DIMS (1, 1, 3, 3), ones9);
  fm_test_node_ints (fm_test_graph_one_node (g, "Conv", "x,w", FM_DIMS (1, 1, 3, 3)), "pads",
                     FM_DIMS (1, 1, 1, 1));
  /* all-ones 3x3 with zero padding: sum of each 3x3 neighbourhood of
   * 1 2 3 / 4 5 6 / 7 8 9:
   * 1+2+4+5=12, 1+..+6=21, 2+3+5+6=16,
   * 1+2+4+5+7+8=27, 45, 2+3+5+6+8+9=33,
   * 4+5+7+8=24, 4+..+9=39, 5+6+8+9=28 */
  fm_test_graph_check_y (g, FM_INPUTS (x9), FM_DIMS (1, 1, 3, 3), 1e-5f,
                         FM_FLOATS (12, 21, 16, 27, 45, 33, 24, 39, 28));
}

static void
test_conv_strides (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  FmOnnxNode *n;

  fm_test_graph_float (g, "w", FM_DIMS (1, 1, 3, 3), ones9);
  n = fm_test_graph_one_node (g, "Conv", "x,w", FM_DIMS (1, 1, 3, 3));
  fm_test_node_ints (n, "pads", FM_DIMS (1, 1, 1, 1));
  fm_test_node_ints (n, "strides", FM_DIMS (2, 2));
  fm_test_node_ints (n, "kernel_shape", FM_DIMS (3, 3));
  /* (3 + 2 - 3) / 2 + 1 = 2; the corners of the padded case above */
  fm_test_graph_check_y (g, FM_INPUTS (x9), FM_DIMS (1, 1, 2, 2), 1e-5f,
                         FM_FLOATS (12, 16, 24, 28));
}

static void
test_conv_dilations (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float w[] = { 1, 1, 1, 1 };
  float x[25];

  for (int i = 0; i < 25; i++)
    x[i] = i; /* x[r][c] = 5r + c */
  fm_test_graph_float (g, "w", FM_DIMS (1, 1, 2, 2), w);
  fm_test_node_ints (fm_test_graph_one_node (g, "Conv", "x,w", FM_DIMS (1, 1, 5, 5)), "dilations",
                     FM_DIMS (2, 2));
  /* effective kernel 3: out 3x3, y[i][j] = x[i][j] + x[i][j+2] + x[i+2][j]
   * + x[i+2][j+2] = 4 (5i + j) + 2 + 10 + 12 = 20i + 4j + 24 */
  fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 1, 3, 3), 1e-5f,
                         FM_FLOATS (24, 28, 32, 44, 48, 52, 64, 68, 72));
}

static void
conv_same (const char *auto_pad,
           const float *want)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float x[] = { 1, 2, 3, 4 };
  static const float w[] = { 1, 10 };

  /* A 1-D conv with an even kernel. */
  fm_test_graph_float (g, "w", FM_DIMS (1, 1, 2), w);
  fm_test_node_string (fm_test_graph_one_node (g, "Conv", "x,w", FM_DIMS (1, 1, 4)),
                       "auto_pad", auto_pad);
  fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 1, 4), 1e-6f, want, 4);
}

static void
test_conv_same (void)
{
  /* out = ceil(4 / 1) = 4, total pad = 3 * 1 + 2 - 4 = 1.
   * SAME_UPPER puts it at the end: y[i] = x[i] + 10 x[i+1]
   *   = 1+20, 2+30, 3+40, 4+0
   * SAME_LOWER at the begin:     y[i] = x[i-1] + 10 x[i]
   *   = 0+10, 1+20, 2+30, 3+40 */
  static const float upper[] = { 21, 32, 43, 4 };
  static const float lower[] = { 10, 21, 32, 43 };

  conv_same ("SAME_UPPER", upper);
  conv_same ("SAME_LOWER", lower);
}

static void
test_conv_depthwise (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 1, 2, 3, 4, 10, 20, 30, 40 };   /* [1, 2, 2, 2] */
  static const float w[] = { 1, 1, 1, 1, 1, 0, 0, -1 };      /* [2, 1, 2, 2] */
  static const float b[] = { 0.5f, -1 };

  fm_test_graph_float (g, "w", FM_DIMS (2, 1, 2, 2), w);
  fm_test_graph_float (g, "b", FM_DIMS (2), b);
  fm_test_node_int (fm_test_graph_one_node (g, "Conv", "x,w,b", FM_DIMS (1, 2, 2, 2)), "group", 2);
  m = fm_test_graph_build_ok (g);
  /* channel 0: 1+2+3+4 + 0.5 = 10.5; channel 1: 10 - 40 - 1 = -31 */
  CHECK (m, x, NULL, "y", 1e-5f, 10.5f, -31);
}

/* The largest |w| of channels longer than the vector lanes (36 weights
 * each: 32 in lanes, 4 after): found in a lane and in the tail; a NaN
 * weight never wins. */
static void
test_conv_weight_max_abs_long (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  float w[2 * 36];   /* [2, 4, 3, 3] */

  for (int i = 0; i < 72; i++)
    w[i] = (i % 2 ? -0.25f : 0.5f);
  w[5] = -7.5f;        /* channel 0, lane 5 of the first block */
  w[34] = 7.75f;       /* channel 0, in the tail: the largest */
  w[36 + 31] = -6.25f; /* channel 1, lane 15 of the second block */
  w[36 + 35] = NAN;    /* channel 1, its last weight */
  fm_test_graph_float (g, "w", FM_DIMS (2, 4, 3, 3), w);
  fm_test_graph_one_node (g, "Conv", "x,w", FM_DIMS (1, 4, 3, 3));
  m = fm_test_graph_build_ok (g);
  {
    const FmNode *conv = &m->nodes[fm_test_model_producer (m, "y")];

    g_assert_cmpfloat (fm_op_conv_weight_max_abs (conv, 0), ==, 7.75f);
    g_assert_cmpfloat (fm_op_conv_weight_max_abs (conv, 1), ==, 6.25f);
  }
}

/* Packed Conv weights are freed once every reader keeps its own copy; a
 * weight that anything else reads (another op, the graph's outputs) stays.
 * Either way the outputs and the per-channel largest |w| (for the scan's
 * diagnosis) are the same. */
static const float released_w[] = { 1, -2, 3, 0.5f, -4, 1, 0, 2 };  /* [2, 1, 2, 2] */

static FmModel *
conv_with_reader (const char *extra)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

  fm_test_graph_float (g, "w", FM_DIMS (2, 1, 2, 2), released_w);
  fm_test_graph_one_node (g, "Conv", "x,w", FM_DIMS (1, 1, 3, 3));
  if (g_strcmp0 (extra, "relu") == 0)
    {
      fm_test_graph_node (g, "Relu", "w", "r");
      fm_test_graph_output (g, "r");
    }
  else if (g_strcmp0 (extra, "output") == 0)
    fm_test_graph_output (g, "w");
  else if (g_strcmp0 (extra, "second-conv") == 0)
    {
      fm_test_graph_node (g, "Conv", "x,w", "y2");
      fm_test_graph_output (g, "y2");
    }
  return fm_test_graph_build_ok (g);
}

static void
test_conv_weights_released (void)
{
  const char *extras[] = { NULL, "second-conv", "relu", "output" };

  for (guint e = 0; e < G_N_ELEMENTS (extras); e++)
    {
      g_autoptr(FmModel) m = conv_with_reader (extras[e]);
      const FmValue *w = &m->values[fm_model_find_value (m, "w")];
      const FmNode *conv = &m->nodes[fm_test_model_producer (m, "y")];
      gboolean kept = extras[e] != NULL && strcmp (extras[e], "second-conv") != 0;

      g_test_message ("Conv weights with %s", extras[e] != NULL ? extras[e] : "no other reader");
      g_assert_true (w->kind == FM_VALUE_CONST);
      g_assert_cmpuint (w->numel, ==, 8);
      if (kept)
        g_assert_nonnull (w->constant->data);
      else
        g_assert_null (w->constant->data);
      /* channel 0: max(|1|, |-2|, |3|, |0.5|) = 3; channel 1: |-4| = 4 */
      g_assert_cmpfloat (fm_op_conv_weight_max_abs (conv, 0), ==, 3.0f);
      g_assert_cmpfloat (fm_op_conv_weight_max_abs (conv, 1), ==, 4.0f);
      g_assert_true (isnan (fm_op_conv_weight_max_abs (conv, 2)));
      /* x9 = 1..9 as [3, 3]; output (0, 0) of channel 0: 1*1 - 2*2 + 3*4 +
       * 0.5*5 = 11.5, (0, 1): 2 - 6 + 15 + 3 = 14, (1, 0): 4 - 10 + 21 + 4
       * = 19, (1, 1): 5 - 12 + 24 + 4.5 = 21.5; channel 1: -4 * x(i, j) +
       * x(i, j+1) + 2 * x(i+1, j+1): -4 + 2 + 10 = 8, -8 + 3 + 12 = 7,
       * -16 + 5 + 16 = 5, -20 + 6 + 18 = 4. */
      CHECK (m, x9, NULL, "y", 1e-5f, 11.5f, 14, 19, 21.5f, 8, 7, 5, 4);
      if (g_strcmp0 (extras[e], "second-conv") == 0)
        CHECK (m, x9, NULL, "y2", 1e-5f, 11.5f, 14, 19, 21.5f, 8, 7, 5, 4);
      if (g_strcmp0 (extras[e], "relu") == 0)
        CHECK (m, x9, NULL, "r", 0.0f, 1, 0, 3, 0.5f, 0, 1, 0, 2);
    }
  /* Not a Conv: no weights to report. */
  {
    g_autoptr(FmModel) m = conv_with_reader ("relu");

    g_assert_true (isnan (fm_op_conv_weight_max_abs (&m->nodes[fm_test_model_producer (m, "r")],
                                                     0)));
  }
}

/* Pools and activations split their planes or elements across a run's
 * threads: two threads give exactly the one-thread result, for windows
 * inside the input and at every border (pads, ceil_mode, dilation). */
static void
test_threads_split (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autofree float *x = g_new (float, 64 * 37 * 37);
  const char *outputs[] = { "mp", "ap", "dp", "r", "s", "m2" };
  FmOnnxNode *node;

  for (gsize i = 0; i < 64 * 37 * 37; i++)
    x[i] = (float) ((i * 7919) % 1000) / 100.0f - 5.0f;
  fm_test_graph_input (g, "x", FM_DIMS (1, 64, 37, 37));
  node = fm_test_graph_node (g, "MaxPool", "x", "mp");
  fm_test_node_ints (node, "kernel_shape", 2, (const gint64[]) { 3, 3 });
  fm_test_node_ints (node, "strides", 2, (const gint64[]) { 2, 2 });
  fm_test_node_ints (node, "pads", 4, (const gint64[]) { 1, 1, 1, 1 });
  node = fm_test_graph_node (g, "AveragePool", "x", "ap");
  fm_test_node_ints (node, "kernel_shape", 2, (const gint64[]) { 3, 2 });
  fm_test_node_ints (node, "pads", 4, (const gint64[]) { 1, 0, 2, 1 });
  fm_test_node_int (node, "ceil_mode", 1);
  fm_test_node_ints (node, "strides", 2, (const gint64[]) { 2, 3 });
  node = fm_test_graph_node (g, "MaxPool", "x", "dp");
  fm_test_node_ints (node, "kernel_shape", 2, (const gint64[]) { 2, 3 });
  fm_test_node_ints (node, "dilations", 2, (const gint64[]) { 2, 2 });
  fm_test_node_ints (node, "pads", 4, (const gint64[]) { 0, 2, 1, 0 });
  fm_test_graph_node (g, "Relu", "x", "r");
  fm_test_graph_node (g, "Sigmoid", "x", "s");
  node = fm_test_graph_node (g, "MaxPool", "x", "m2");
  fm_test_node_ints (node, "kernel_shape", 2, (const gint64[]) { 2, 2 });
  fm_test_node_ints (node, "strides", 2, (const gint64[]) { 2, 2 });
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    fm_test_graph_output (g, outputs[i]);
  m = fm_test_graph_build_ok (g);

  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      const float *inputs[] = { x };
      gsize n1 = 0, n2 = 0;
      g_autofree float *one = fm_test_run_threads_ok (m, inputs, outputs[i], 1, &n1);
      g_autofree float *two = fm_test_run_threads_ok (m, inputs, outputs[i], 2, &n2);

      g_assert_cmpuint (n1, ==, n2);
      g_assert_cmpuint (n1, >, 0);
      g_assert_cmpmem (one, n1 * sizeof (float), two, n2 * sizeof (float));
    }
  /* A hand check that the split pool is a pool: x is -5 + (i * 7919 mod
   * 1000) / 100, so plane 0's (0, 0) 2x2 window holds i = 0, 1, 37, 38:
   * -5, -5 + 9.19 = 4.19, -5 + (293003 mod 1000 = 3) / 100 = -4.97 and
   * -5 + (300922 mod 1000 = 922) / 100 = 4.22; the max is 4.22. */
  {
    const float *inputs[] = { x };
    gsize n = 0;
    g_autofree float *m2 = fm_test_run_threads_ok (m, inputs, "m2", 2, &n);

    g_assert_cmpuint (n, ==, 64 * 18 * 18);
    g_assert_cmpfloat_with_epsilon (m2[0], 4.22f, 1e-5f);
  }
}

static void
test_conv_channel_mismatch (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  float w[8 * 9] = { 0 };

  fm_test_graph_float (g, "w", FM_DIMS (8, 1, 3, 3), w);
  fm_test_graph_one_node (g, "Conv", "x,w", FM_DIMS (1, 3, 28, 28));
  fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "expect 1 channel");
}

static void
test_conv_fast_vs_naive (void)
{
  int n_checked = 0;

  for (int iter = 0; iter < 300; iter++)
    {
      FmConvParams p = { 0 };
      gint64 peh, pew;
      g_auto(FmTestConvBuffers) t = { 0 };
      g_autofree float *scratch = NULL;
      float max_diff = 0.0f;

      p.n = g_test_rand_int_range (1, 3);
      p.group = g_test_rand_int_range (1, 4);
      p.c = p.group * g_test_rand_int_range (1, 5);
      if (iter % 4 == 0)
        {
          p.group = p.c;          /* depthwise */
          p.m = p.c;
        }
      else
        p.m = p.group * g_test_rand_int_range (1, 5);
      p.h = iter % 5 == 0 ? 1 : g_test_rand_int_range (1, 12); /* h = 1: 1-D */
      p.w = g_test_rand_int_range (1, 12);
      p.kh = p.h == 1 ? 1 : g_test_rand_int_range (1, 5);
      p.kw = g_test_rand_int_range (1, 5);
      p.sh = g_test_rand_int_range (1, 4);
      p.sw = g_test_rand_int_range (1, 4);
      p.dh = g_test_rand_int_range (1, 3);
      p.dw = g_test_rand_int_range (1, 3);
      p.ph = p.h == 1 ? 0 : g_test_rand_int_range (0, 3);
      p.pw = g_test_rand_int_range (0, 3);
      peh = p.h == 1 ? 0 : g_test_rand_int_range (0, 3);
      pew = g_test_rand_int_range (0, 3);
      p.has_bias = g_test_rand_bit ();
      if (!fm_conv_params_finish (&p, peh, pew))
        continue;

      fm_test_conv_buffers_init (&t, &p);
      scratch = g_malloc (MAX (fm_conv_scratch_size (&p), 4));
      for (gsize i = 0; i < t.ny; i++)
        t.y1[i] = NAN; /* every output must be written */

      fm_conv_reference (&p, t.x, t.w, t.b, t.y0);
      fm_conv_fast (&p, t.x, t.w, t.b, t.y1, scratch);
      for (gsize i = 0; i < t.ny; i++)
        max_diff = MAX (max_diff, isnan (t.y1[i]) ? INFINITY : fabsf (t.y0[i] - t.y1[i]));
      if (max_diff > 1e-4f)
        {
          g_autofree char *conv = fm_test_conv_describe (&p);

          g_error ("%s: max diff %g", conv, max_diff);
        }
      n_checked++;
    }
  g_test_message ("%d random convs match the reference", n_checked);
  g_assert_cmpint (n_checked, >, 100);
}

/* Pools */

static void
test_max_pool_ceil_mode (void)
{
  for (int ceil = 0; ceil <= 1; ceil++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
      g_autoptr(FmModel) m = NULL;
      FmOnnxNode *n;

      n = fm_test_graph_one_node (g, "MaxPool", "x", FM_DIMS (1, 1, 3, 3));
      fm_test_node_ints (n, "kernel_shape", FM_DIMS (2, 2));
      fm_test_node_ints (n, "strides", FM_DIMS (2, 2));
      fm_test_node_int (n, "ceil_mode", ceil);
      m = fm_test_graph_build_ok (g);
      /* floor((3 - 2) / 2) + 1 = 1; ceil gives 2 and the second window
       * (starting at 2 < 3) is partly outside: max(3, 6), max(7, 8), 9 */
      if (ceil)
        CHECK (m, x9, NULL, "y", 0, 5, 6, 8, 9);
      else
        CHECK (m, x9, NULL, "y", 0, 5);
    }
}

static void
test_max_pool_ceil_drop (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float x[] = { 1, 2, 3 };
  FmOnnxNode *n;

  n = fm_test_graph_one_node (g, "MaxPool", "x", FM_DIMS (1, 1, 3));
  fm_test_node_ints (n, "kernel_shape", FM_DIMS (1));
  fm_test_node_ints (n, "strides", FM_DIMS (2));
  fm_test_node_ints (n, "pads", FM_DIMS (0, 1));
  fm_test_node_int (n, "ceil_mode", 1);
  /* ceil((3 + 1 - 1) / 2) + 1 = 3 windows at 0, 2, 4; the one at 4 starts
   * in the end padding (4 >= 3) and is dropped: [x0, x2] */
  fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 1, 2), 0, FM_FLOATS (1, 3));
}

static void
test_max_pool_pads (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { -1, -2, -3, -4 };
  FmOnnxNode *n;

  n = fm_test_graph_one_node (g, "MaxPool", "x", FM_DIMS (1, 1, 2, 2));
  fm_test_node_ints (n, "kernel_shape", FM_DIMS (2, 2));
  fm_test_node_ints (n, "pads", FM_DIMS (1, 1, 1, 1));
  m = fm_test_graph_build_ok (g);
  /* all values negative: a zero from padding must never win.
   * windows of -1 -2 / -3 -4 with one pad all round, 3x3 out:
   * {-1}, {-1,-2}, {-2} / {-1,-3}, all, {-2,-4} / {-3}, {-3,-4}, {-4} */
  CHECK (m, x, NULL, "y", 0, -1, -1, -2, -1, -1, -2, -3, -3, -4);
}

static void
test_max_pool_indices_refused (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 3, 3));
  fm_test_node_ints (fm_test_graph_node (g, "MaxPool", "x", "y,idx"), "kernel_shape",
                     FM_DIMS (2, 2));
  fm_test_graph_output (g, "y");
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "Indices");
}

static void
average_pool (gint64       cip,
              const float *want)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float x[] = { 1, 2, 3, 4 };
  FmOnnxNode *n;

  n = fm_test_graph_one_node (g, "AveragePool", "x", FM_DIMS (1, 1, 2, 2));
  fm_test_node_ints (n, "kernel_shape", FM_DIMS (2, 2));
  fm_test_node_ints (n, "pads", FM_DIMS (1, 1, 1, 1));
  fm_test_node_int (n, "count_include_pad", cip);
  /* (2 + 1 + 1 - 2) / 1 + 1 = 3 */
  fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 1, 3, 3), 1e-6f, want, 9);
}

static void
test_average_pool_count_include_pad (void)
{
  /* x = 1 2 / 3 4, kernel 2, pads 1: windows hold
   * {1} {1,2} {2} / {1,3} {1,2,3,4} {2,4} / {3} {3,4} {4}.
   * count_include_pad 0 divides by the real count, 1 by 4. */
  static const float excl[] = { 1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4 };
  static const float incl[] = { 0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1 };

  average_pool (0, excl);
  average_pool (1, incl);
}

static void
test_global_pools (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 1, 2, 3, 6, -1, -5, -2, -4 }; /* [1, 2, 2, 2] */

  fm_test_graph_input (g, "x", FM_DIMS (1, 2, 2, 2));
  fm_test_graph_node (g, "GlobalAveragePool", "x", "a");
  fm_test_graph_node (g, "GlobalMaxPool", "x", "b");
  fm_test_graph_outputs (g, "a,b");
  m = fm_test_graph_build_ok (g);
  fm_test_assert_shape (m, "a", FM_DIMS (1, 2, 1, 1));
  /* means 12/4 = 3 and -12/4 = -3; maxima 6 and -1 */
  CHECK (m, x, NULL, "a", 1e-6f, 3, -3);
  CHECK (m, x, NULL, "b", 0, 6, -1);
}

/* Dense */

static void
test_gemm_trans_b (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float a[] = { 1, 2, 3, 4, 5, 6 };  /* [2, 3] */
  static const float b[] = { 1, 0, 1, 0, 1, 0 };  /* [2, 3], used as B^T */
  static const float c[] = { 10, 20 };            /* [2], broadcast to [2, 2] */
  FmOnnxNode *n;

  fm_test_graph_input (g, "a", FM_DIMS (2, 3));
  fm_test_graph_float (g, "b", FM_DIMS (2, 3), b);
  fm_test_graph_float (g, "c", FM_DIMS (2), c);
  n = fm_test_graph_node (g, "Gemm", "a,b,c", "y");
  fm_test_node_int (n, "transB", 1);
  fm_test_node_float (n, "alpha", 2.0f);
  fm_test_node_float (n, "beta", 0.5f);
  fm_test_graph_output (g, "y");
  m = fm_test_graph_build_ok (g);
  /* A B^T = [1+3, 2; 4+6, 5] = [4, 2; 10, 5]; x2 = [8, 4; 20, 10];
   * + 0.5 [10, 20] per row = [13, 14; 25, 20] */
  CHECK (m, a, NULL, "y", 1e-5f, 13, 14, 25, 20);
}

static void
test_mat_mul_batched (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float a[] = { 1, 2, 3, 4, 1, 0, 0, 1 };  /* [2, 2, 2] */
  static const float b[] = { 1, 1, 0, 1, 2, 3, 4, 5 };  /* [2, 2, 2] */
  static const float v[] = { 1, 1 };                    /* [2] */
  static const float s[] = { 1, 0, 0, 2 };              /* [1, 2, 2] */

  fm_test_graph_input (g, "a", FM_DIMS (2, 2, 2));
  fm_test_graph_float (g, "b", FM_DIMS (2, 2, 2), b);
  fm_test_graph_float (g, "v", FM_DIMS (2), v);
  fm_test_graph_float (g, "s", FM_DIMS (1, 2, 2), s);
  fm_test_graph_node (g, "MatMul", "a,b", "y");
  fm_test_graph_node (g, "MatMul", "a,v", "z");
  fm_test_graph_node (g, "MatMul", "s,a", "u");
  fm_test_graph_outputs (g, "y,z,u");
  m = fm_test_graph_build_ok (g);
  /* [1 2; 3 4] [1 1; 0 1] = [1, 3; 3, 7]; I [2 3; 4 5] = [2, 3; 4, 5] */
  CHECK (m, a, NULL, "y", 1e-5f, 1, 3, 3, 7, 2, 3, 4, 5);
  /* 1-D b: row sums, the appended dim removed: [2, 2] */
  fm_test_assert_shape (m, "z", FM_DIMS (2, 2));
  CHECK (m, a, NULL, "z", 1e-5f, 3, 7, 1, 1);
  /* s broadcast over the batch: diag(1, 2) a doubles the second row */
  CHECK (m, a, NULL, "u", 1e-5f, 1, 2, 6, 8, 1, 0, 0, 2);
}

/* The graph of one BatchNormalization of input "x" (@rank / @dims) into
 * "y" over @c channels, its four parameters initializers of [@c]; the
 * node, for its attributes. */
static FmOnnxNode *
add_batch_norm (FmTestGraph  *g,
                int           rank,
                const gint64 *dims,
                gint64        c,
                const float  *scale,
                const float  *bias,
                const float  *mean,
                const float  *var)
{
  fm_test_graph_batch_norm_params (g, FM_DIMS (c), scale, bias, mean, var);
  return fm_test_graph_one_node (g, "BatchNormalization", "x,scale,shift,mean,var", rank, dims);
}

static void
test_batch_norm (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 1, 2, 3, 4 };   /* [1, 2, 1, 2] */
  static const float scale[] = { 1, 2 }, bias[] = { 0, 1 };
  static const float mean[] = { 1, 3 }, var[] = { 4, 0.25f };

  fm_test_node_float (add_batch_norm (g, FM_DIMS (1, 2, 1, 2), 2, scale, bias, mean, var),
                      "momentum", 0.9f);
  m = fm_test_graph_build_ok (g);
  /* ch0: (x - 1) / 2 * 1 + 0 -> 0, 0.5; ch1: (x - 3) / 0.5 * 2 + 1 -> 1, 5
   * (epsilon 1e-5 moves these by < 1e-4) */
  CHECK (m, x, NULL, "y", 1e-4f, 0, 0.5f, 1, 5);
}

static void
test_batch_norm_training_refused (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (15);
  static const float one[] = { 1 };

  fm_test_node_int (add_batch_norm (g, FM_DIMS (1, 1, 2, 2), 1, one, one, one, one),
                    "training_mode", 1);
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "training_mode");
}

/* Element-wise */

static void
test_add_broadcast (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float a[] = { 1, 2 };             /* [2, 1] */
  static const float b[] = { 10, 20, 30 };       /* [1, 3] */
  static const float x[] = { 1, 2, 3, 4, 5, 6 }; /* [2, 3] */

  fm_test_graph_input (g, "a", FM_DIMS (2, 1));
  fm_test_graph_input (g, "x", FM_DIMS (2, 3));
  fm_test_graph_float (g, "b", FM_DIMS (1, 3), b);
  fm_test_graph_node (g, "Add", "a,b", "y");
  fm_test_graph_node (g, "Sub", "x,a", "z");
  fm_test_graph_node (g, "Div", "x,b", "q");
  fm_test_graph_outputs (g, "y,z,q");
  m = fm_test_graph_build_ok (g);
  fm_test_assert_shape (m, "y", FM_DIMS (2, 3));
  /* [1; 2] + [10 20 30] = [11 21 31; 12 22 32] */
  CHECK (m, a, x, "y", 0, 11, 21, 31, 12, 22, 32);
  /* [1 2 3; 4 5 6] - [1; 2] = [0 1 2; 2 3 4] */
  CHECK (m, a, x, "z", 0, 0, 1, 2, 2, 3, 4);
  /* [1 2 3; 4 5 6] / [10 20 30] */
  CHECK (m, a, x, "q", 1e-6f, 0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f);
}

static void
test_activations (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { -4, -1, 0, 2, 7 };
  static const float lo[] = { 0 }, hi[] = { 6 }, slope[] = { 0.5f };

  fm_test_graph_input (g, "x", FM_DIMS (5));
  fm_test_graph_float (g, "lo", 0, NULL, lo);
  fm_test_graph_float (g, "hi", 0, NULL, hi);
  fm_test_graph_float (g, "slope", FM_DIMS (1), slope);
  fm_test_graph_node (g, "Relu", "x", "relu");
  fm_test_graph_node (g, "LeakyRelu", "x", "leaky");
  fm_test_graph_node (g, "Clip", "x,lo,hi", "relu6");
  fm_test_graph_node (g, "Clip", "x,,hi", "max6");
  fm_test_graph_node (g, "HardSigmoid", "x", "hsig");
  fm_test_graph_node (g, "HardSwish", "x", "hswish");
  fm_test_graph_node (g, "PRelu", "x,slope", "prelu");
  fm_test_graph_node (g, "Sigmoid", "x", "sig");
  fm_test_graph_output (g, "relu");
  m = fm_test_graph_build_ok (g);
  CHECK (m, x, NULL, "relu", 0, 0, 0, 0, 2, 7);
  /* alpha 0.01 */
  CHECK (m, x, NULL, "leaky", 1e-7f, -0.04f, -0.01f, 0, 2, 7);
  CHECK (m, x, NULL, "relu6", 0, 0, 0, 0, 2, 6);
  CHECK (m, x, NULL, "max6", 0, -4, -1, 0, 2, 6);
  /* clamp(0.2 x + 0.5, 0, 1): -0.3 -> 0, 0.3, 0.5, 0.9, 1.9 -> 1 */
  CHECK (m, x, NULL, "hsig", 1e-6f, 0, 0.3f, 0.5f, 0.9f, 1);
  /* x * clamp(x / 6 + 0.5, 0, 1): 0, -1 * 1/3, 0, 2 * 5/6, 7 */
  CHECK (m, x, NULL, "hswish", 1e-6f, 0, -1.0f / 3, 0, 5.0f / 3, 7);
  CHECK (m, x, NULL, "prelu", 0, -2, -0.5f, 0, 2, 7);
  /* 1 / (1 + e^4) = 0.0179862, 1 / (1 + e) = 0.2689414, 0.5,
   * 1 / (1 + e^-2) = 0.8807971, 1 / (1 + e^-7) = 0.9990889 */
  CHECK (m, x, NULL, "sig", 1e-6f, 0.0179862f, 0.2689414f, 0.5f, 0.8807971f, 0.9990889f);
}

static void
test_clip_attributes (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (9);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { -4, -1, 0, 2, 7 };
  FmOnnxNode *n;

  n = fm_test_graph_one_node (g, "Clip", "x", FM_DIMS (5));
  fm_test_node_float (n, "min", -1.5f);
  fm_test_node_float (n, "max", 1.5f);
  m = fm_test_graph_build_ok (g);
  CHECK (m, x, NULL, "y", 0, -1.5f, -1, 0, 1.5f, 1.5f);
}

static void
softmax_case (gint64      opset,
              const char *op,
              gint64      axis,
              const float *want)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (opset);
  float l3 = logf (3.0f);
  float x[] = { 0, l3, l3, 0 }; /* [1, 2, 2] */

  fm_test_node_int (fm_test_graph_one_node (g, op, "x", FM_DIMS (1, 2, 2)), "axis", axis);
  fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 2, 2), 1e-6f, want, 4);
}

static void
test_softmax_axis (void)
{
  /* x = [[0, ln 3], [ln 3, 0]], e^x = [[1, 3], [3, 1]].
   * opset 11, axis 1: coerced to [1, 4], one softmax over 1 3 3 1 (sum 8).
   * opset 13, axis 1: per column: 1/4, 3/4 and 3/4, 1/4.
   * opset 13, axis 0 (size 1): all ones. */
  static const float v11[] = { 0.125f, 0.375f, 0.375f, 0.125f };
  static const float v13[] = { 0.25f, 0.75f, 0.75f, 0.25f };
  static const float v13a0[] = { 1, 1, 1, 1 };
  float log11[4];

  for (int i = 0; i < 4; i++)
    log11[i] = logf (v11[i]);
  softmax_case (11, "Softmax", 1, v11);
  softmax_case (13, "Softmax", 1, v13);
  softmax_case (13, "Softmax", 0, v13a0);
  softmax_case (11, "LogSoftmax", 1, log11);
}

/* Layout and glue */

static void
test_reshape_zero_minus_one (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 s1[] = { 0, -1 }, s2[] = { -1, 0, 2 };
  float x[24];

  for (int i = 0; i < 24; i++)
    x[i] = i;
  fm_test_graph_input (g, "x", FM_DIMS (2, 3, 4));
  fm_test_graph_int64 (g, "s1", FM_DIMS (2), s1);
  fm_test_graph_int64 (g, "s2", FM_DIMS (3), s2);
  fm_test_graph_node (g, "Reshape", "x,s1", "y1");
  fm_test_graph_node (g, "Reshape", "x,s2", "y2");
  fm_test_graph_outputs (g, "y1,y2");
  m = fm_test_graph_build_ok (g);
  /* [0, -1]: keep 2, infer 24 / 2 = 12. [-1, 0, 2]: copy 3, 24 / 6 = 4 */
  fm_test_assert_shape (m, "y1", FM_DIMS (2, 12));
  fm_test_assert_shape (m, "y2", FM_DIMS (4, 3, 2));
  fm_test_check_floats (m, FM_INPUTS (x), "y2", 0, 0, x, 24);
}

static void
test_reshape_allowzero (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (14);
  static const gint64 s[] = { 0, -1 };

  fm_test_graph_int64 (g, "s", FM_DIMS (2), s);
  fm_test_node_int (fm_test_graph_one_node (g, "Reshape", "x,s", FM_DIMS (2, 3)), "allowzero", 1);
  /* with allowzero the 0 is a real 0 and -1 cannot be inferred */
  fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "-1");
}

/* Negative steps, and steps past the axis (found by the CI fuzz smoke:
 * UBSan saw 4 - (-2^63 + 1) and 2 * (-2^63 + 1) overflow, and the axis
 * came out empty): those take one element, the start. */
static void
test_slice_negative_steps (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 starts[] = { -1 }, ends[] = { G_MININT64 }, axes[] = { 1 };
  static const gint64 steps[] = { -2 };
  static const gint64 s2[] = { 1 }, e2[] = { 100 };
  static const gint64 huge_down[] = { -G_MAXINT64 }, huge_up[] = { G_MAXINT64 };
  static const gint64 lowest[] = { G_MININT64 }, e3[] = { G_MAXINT64 };
  float x[10];

  for (int i = 0; i < 10; i++)
    x[i] = i; /* [2, 5] */
  fm_test_graph_input (g, "x", FM_DIMS (2, 5));
  fm_test_graph_int64 (g, "starts", FM_DIMS (1), starts);
  fm_test_graph_int64 (g, "ends", FM_DIMS (1), ends);
  fm_test_graph_int64 (g, "axes", FM_DIMS (1), axes);
  fm_test_graph_int64 (g, "steps", FM_DIMS (1), steps);
  fm_test_graph_int64 (g, "s2", FM_DIMS (1), s2);
  fm_test_graph_int64 (g, "e2", FM_DIMS (1), e2);
  fm_test_graph_int64 (g, "huge_down", FM_DIMS (1), huge_down);
  fm_test_graph_int64 (g, "huge_up", FM_DIMS (1), huge_up);
  fm_test_graph_int64 (g, "lowest", FM_DIMS (1), lowest);
  fm_test_graph_int64 (g, "e3", FM_DIMS (1), e3);
  fm_test_graph_node (g, "Slice", "x,starts,ends,axes,steps", "y");
  fm_test_graph_node (g, "Slice", "x,s2,e2", "z");
  fm_test_graph_node (g, "Slice", "x,starts,ends,axes,huge_down", "down");
  fm_test_graph_node (g, "Slice", "x,s2,e3,axes,huge_up", "up");
  fm_test_graph_node (g, "Slice", "x,starts,ends,axes,lowest", "low");
  fm_test_graph_outputs (g, "y,z,down,up,low");
  m = fm_test_graph_build_ok (g);
  /* column 4 down (or 1 up), the next step far past the axis */
  fm_test_assert_shape (m, "down", FM_DIMS (2, 1));
  CHECK (m, x, NULL, "down", 0, 4, 9);
  fm_test_assert_shape (m, "up", FM_DIMS (2, 1));
  CHECK (m, x, NULL, "up", 0, 1, 6);
  /* a step of -2^63, whose magnitude int64 cannot hold */
  fm_test_assert_shape (m, "low", FM_DIMS (2, 1));
  CHECK (m, x, NULL, "low", 0, 4, 9);
  /* axis 1 from -1 (= 4) down to the clamped start, step -2: cols 4, 2, 0 */
  fm_test_assert_shape (m, "y", FM_DIMS (2, 3));
  CHECK (m, x, NULL, "y", 0, 4, 2, 0, 9, 7, 5);
  /* axis 0 (default axes) from 1 to 100 clamped to 2: the second row */
  fm_test_assert_shape (m, "z", FM_DIMS (1, 5));
  CHECK (m, x, NULL, "z", 0, 5, 6, 7, 8, 9);
}

static void
test_slice_opset9 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (9);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 0, 1, 2, 3, 4, 5 }; /* [2, 3] */
  FmOnnxNode *n;

  n = fm_test_graph_one_node (g, "Slice", "x", FM_DIMS (2, 3));
  fm_test_node_ints (n, "starts", FM_DIMS (1));
  fm_test_node_ints (n, "ends", FM_DIMS (-1));
  fm_test_node_ints (n, "axes", FM_DIMS (-1));
  m = fm_test_graph_build_ok (g);
  /* last axis [1, 3 - 1): column 1 only */
  CHECK (m, x, NULL, "y", 0, 1, 4);
}

static void
test_pad (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float x[] = { 1, 2, 3, 4 };                       /* [1, 1, 2, 2] */
  static const gint64 pads[] = { 0, 0, 1, 0, 0, 0, 0, -1 };
  static const float value[] = { 9 };

  fm_test_graph_int64 (g, "pads", FM_DIMS (8), pads);
  fm_test_graph_float (g, "value", 0, NULL, value);
  fm_test_graph_one_node (g, "Pad", "x,pads,value", FM_DIMS (1, 1, 2, 2));
  /* one row of 9 on top, the last column cropped: [9; 1; 3] */
  fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 1, 3, 1), 0, FM_FLOATS (9, 1, 3));
}

static void
test_pad_opset2 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (9);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 1, 2 };
  FmOnnxNode *n;

  n = fm_test_graph_one_node (g, "Pad", "x", FM_DIMS (1, 2));
  fm_test_node_ints (n, "pads", FM_DIMS (0, 1, 0, 2));
  fm_test_node_float (n, "value", -1);
  m = fm_test_graph_build_ok (g);
  CHECK (m, x, NULL, "y", 0, -1, 1, 2, -1, -1);
}

static void
test_pad_wrap_before_19_refused (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const gint64 pads[] = { 0, 0, 1, 1, 0, 0, 1, 1 };

  fm_test_graph_int64 (g, "pads", FM_DIMS (8), pads);
  fm_test_node_string (fm_test_graph_one_node (g, "Pad", "x,pads", FM_DIMS (1, 1, 2, 2)),
                       "mode", "wrap");
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "wrap");
}

static void
test_unknown_attribute_refused (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

  fm_test_node_int (fm_test_graph_one_node (g, "Relu", "x", FM_DIMS (1, 4)), "inplace", 1);
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "inplace");
}

static void
test_transpose_flatten (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 0, 1, 2, 3, 4, 5 }; /* [1, 2, 3] */

  fm_test_graph_input (g, "x", FM_DIMS (1, 2, 3));
  fm_test_node_ints (fm_test_graph_node (g, "Transpose", "x", "t"), "perm",
                     FM_DIMS (0, 2, 1));
  fm_test_graph_node (g, "Transpose", "x", "r");
  fm_test_node_int (fm_test_graph_node (g, "Flatten", "x", "f"), "axis", -1);
  fm_test_graph_output (g, "t");
  m = fm_test_graph_build_ok (g);
  /* [[0 1 2] [3 4 5]] transposed: [[0 3] [1 4] [2 5]] */
  fm_test_assert_shape (m, "t", FM_DIMS (1, 3, 2));
  CHECK (m, x, NULL, "t", 0, 0, 3, 1, 4, 2, 5);
  /* default perm reverses: [3, 2, 1], same data order here */
  fm_test_assert_shape (m, "r", FM_DIMS (3, 2, 1));
  CHECK (m, x, NULL, "r", 0, 0, 3, 1, 4, 2, 5);
  /* axis -1 = 2: [1 * 2, 3] */
  fm_test_assert_shape (m, "f", FM_DIMS (2, 3));
}

/* Shape -> Gather -> Unsqueeze -> Concat -> Reshape, as PyTorch's
 * x.view(x.size(0), -1) exports it: everything before the Reshape is
 * folded at load. */
static void
test_view_glue_folded (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 zero = 0, axes0[] = { 0 }, minus1[] = { -1 };
  FmOnnxNode *n;
  const char *glue[] = { "s", "n", "n1", "shape" };
  float x[24];

  for (int i = 0; i < 24; i++)
    x[i] = i * 0.5f;
  fm_test_graph_input (g, "x", FM_DIMS (2, 3, 4));
  fm_test_graph_int64 (g, "idx", 0, NULL, &zero);
  fm_test_graph_int64 (g, "axes", FM_DIMS (1), axes0);
  fm_test_graph_node (g, "Shape", "x", "s");
  fm_test_graph_node (g, "Gather", "s,idx", "n");
  fm_test_graph_node (g, "Unsqueeze", "n,axes", "n1");
  n = fm_test_graph_node (g, "Constant", "", "m1");
  fm_test_node_int64_tensor (n, "value", FM_DIMS (1), minus1);
  fm_test_node_int (fm_test_graph_node (g, "Concat", "n1,m1", "shape"), "axis", 0);
  fm_test_graph_node (g, "Reshape", "x,shape", "y");
  fm_test_graph_output (g, "y");
  m = fm_test_graph_build_ok (g);

  for (guint i = 0; i < G_N_ELEMENTS (glue); i++)
    {
      int p = fm_test_model_producer (m, glue[i]);
      g_assert_cmpint (p, >=, 0);
      g_assert_true (m->nodes[p].folded);
      g_assert_false (fm_test_model_in_plan (m, p));
    }
  g_assert_true (fm_test_model_in_plan (m, fm_test_model_producer (m, "y")));
  g_assert_cmpuint (m->n_plan, ==, 1);
  /* shape = [dims[0]] ++ [-1] = [2, -1] */
  fm_test_check_int64s (m, FM_INPUTS (x), "shape", FM_INT64S (2, -1));
  fm_test_assert_shape (m, "y", FM_DIMS (2, 12));
  fm_test_check_floats (m, FM_INPUTS (x), "y", 0, 0, x, 24);
}

/* int64 glue, all folded at load: Gather with a negative index, Concat,
 * Cast, Mul, Slice, Squeeze, Expand, ConstantOfShape. */
static void
test_int64_glue (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 d[] = { 10, 20, 30, 40, 50, 60 };  /* [2, 3] */
  static const gint64 idx[] = { -1, 0 };
  static const gint64 two[] = { 2 };
  static const gint64 st[] = { 2 }, en[] = { 0 }, ax[] = { 1 }, sp[] = { -1 };
  static const gint64 eshape[] = { 2, 2 };
  static const gint64 cshape[] = { 2, 1 };
  static const gint64 val[] = { 7 };
  static const float f[] = { -1.7f, 2.9f };

  fm_test_graph_int64 (g, "d", FM_DIMS (2, 3), d);
  fm_test_graph_int64 (g, "idx", FM_DIMS (2), idx);
  fm_test_graph_int64 (g, "two", FM_DIMS (1), two);
  fm_test_graph_int64 (g, "st", FM_DIMS (1), st);
  fm_test_graph_int64 (g, "en", FM_DIMS (1), en);
  fm_test_graph_int64 (g, "ax", FM_DIMS (1), ax);
  fm_test_graph_int64 (g, "sp", FM_DIMS (1), sp);
  fm_test_graph_int64 (g, "es", FM_DIMS (2), eshape);
  fm_test_graph_int64 (g, "cs", FM_DIMS (2), cshape);
  fm_test_graph_float (g, "f", FM_DIMS (2), f);
  fm_test_node_int (fm_test_graph_node (g, "Gather", "d,idx", "g"), "axis", 1);
  fm_test_node_int (fm_test_graph_node (g, "Concat", "d,g", "c"), "axis", 1);
  fm_test_graph_node (g, "Mul", "g,two", "mul");
  fm_test_graph_node (g, "Slice", "d,st,en,ax,sp", "sl");
  fm_test_node_int (fm_test_graph_node (g, "Cast", "f", "ci"), "to", 7);
  fm_test_node_int (fm_test_graph_node (g, "Cast", "d", "cf"), "to", 1);
  fm_test_graph_node (g, "Expand", "two,es", "ex");
  fm_test_node_int64_tensor (fm_test_graph_node (g, "ConstantOfShape", "cs", "cos"),
                             "value", FM_DIMS (1), val);
  fm_test_graph_node (g, "Squeeze", "cos,ax", "sq");
  fm_test_graph_output (g, "c");
  m = fm_test_graph_build_ok (g);
  g_assert_cmpuint (m->n_plan, ==, 0);
  /* d = [10 20 30; 40 50 60]; columns -1 (= 2) and 0 */
  fm_test_check_int64s (m, NULL, "g", FM_INT64S (30, 10, 60, 40));
  /* rows of d then rows of g: [10 20 30 30 10; 40 50 60 60 40] */
  fm_test_check_int64s (m, NULL, "c", FM_INT64S (10, 20, 30, 30, 10, 40, 50, 60, 60, 40));
  fm_test_check_int64s (m, NULL, "mul", FM_INT64S (60, 20, 120, 80));
  /* axis 1 from 2 down to (not including) 0: columns 2, 1 */
  fm_test_check_int64s (m, NULL, "sl", FM_INT64S (30, 20, 60, 50));
  /* truncation toward zero: -1.7 -> -1, 2.9 -> 2 */
  fm_test_check_int64s (m, NULL, "ci", FM_INT64S (-1, 2));
  CHECK (m, NULL, NULL, "cf", 0, 10, 20, 30, 40, 50, 60);
  fm_test_assert_shape (m, "ex", FM_DIMS (2, 2));
  fm_test_check_int64s (m, NULL, "ex", FM_INT64S (2, 2, 2, 2));
  fm_test_assert_shape (m, "sq", FM_DIMS (2));
  fm_test_check_int64s (m, NULL, "sq", FM_INT64S (7, 7));
}

/* Casts to a narrower integer type wrap to its width, as numpy's astype ()
 * (ONNX's reference) does: the int64 values of
 * [300, -1, 70000, 65504, 65520, 1e-8, 2.5, -3.7] (truncated toward zero)
 * as uint8 are [44, 255, 112, 224, 240, 0, 2, 253] (300 - 256 = 44,
 * 70000 mod 256 = 112, 65504 mod 256 = 224, 65520 mod 256 = 240, -3 + 256
 * = 253), as int8 those above 127 less 256, as int16 70000 - 65536 = 4464,
 * 65504 - 65536 = -32, 65520 - 65536 = -16. They were kept as int64. */
static void
test_cast_wraps (void)
{
  static const float x[] = { 300, -1, 70000, 65504, 65520, 1e-8f, 2.5f, -3.7f };
  static const struct { int to; gint64 want[8]; } cases[] = {
    { 2 /* UINT8 */, { 44, 255, 112, 224, 240, 0, 2, 253 } },
    { 3 /* INT8 */, { 44, -1, 112, -32, -16, 0, 2, -3 } },
    { 5 /* INT16 */, { 300, -1, 4464, -32, -16, 0, 2, -3 } },
    { 4 /* UINT16 */, { 300, 65535, 4464, 65504, 65520, 0, 2, 65533 } },
    { 6 /* INT32 */, { 300, -1, 70000, 65504, 65520, 0, 2, -3 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
      g_autoptr(FmModel) m = NULL;

      g_test_message ("to %d", cases[i].to);
      fm_test_graph_float (g, "f", FM_DIMS (8), x);
      fm_test_node_int (fm_test_graph_node (g, "Cast", "f", "i64"), "to", 7);
      fm_test_node_int (fm_test_graph_node (g, "Cast", "i64", "narrow"), "to", cases[i].to);
      fm_test_node_int (fm_test_graph_node (g, "Cast", "f", "direct"), "to", cases[i].to);
      fm_test_graph_output (g, "narrow");
      m = fm_test_graph_build_ok (g);
      fm_test_check_int64s (m, NULL, "narrow", cases[i].want, 8);
      fm_test_check_int64s (m, NULL, "direct", cases[i].want, 8);
    }
}

static void
test_reduce_mean_lrn (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 1, 2, 3, 4, 5, 6 }; /* [1, 3, 1, 2] */
  FmOnnxNode *n;

  fm_test_graph_input (g, "x", FM_DIMS (1, 3, 1, 2));
  fm_test_node_ints (fm_test_graph_node (g, "ReduceMean", "x", "mc"), "axes", FM_DIMS (1));
  n = fm_test_graph_node (g, "ReduceMean", "x", "mhw");
  fm_test_node_ints (n, "axes", FM_DIMS (-1, -2));
  fm_test_node_int (n, "keepdims", 0);
  n = fm_test_graph_node (g, "LRN", "x", "lrn");
  fm_test_node_int (n, "size", 3);
  fm_test_node_float (n, "alpha", 3.0f);
  fm_test_node_float (n, "beta", 1.0f);
  fm_test_node_float (n, "bias", 1.0f);
  fm_test_graph_output (g, "mc");
  m = fm_test_graph_build_ok (g);
  /* over channels: (1+3+5)/3 = 3, (2+4+6)/3 = 4 */
  fm_test_assert_shape (m, "mc", FM_DIMS (1, 1, 1, 2));
  CHECK (m, x, NULL, "mc", 1e-6f, 3, 4);
  /* over H, W without keepdims: 1.5, 3.5, 5.5 */
  fm_test_assert_shape (m, "mhw", FM_DIMS (1, 3));
  CHECK (m, x, NULL, "mhw", 1e-6f, 1.5f, 3.5f, 5.5f);
  /* size 3, alpha / size = 1: y = x / (1 + sum of squares of c-1..c+1).
   * c0 (x=1): 1 / (1 + 1 + 9) = 1/11; (x=2): 2 / (1 + 4 + 16) = 2/21;
   * c1 (x=3): 3 / (1 + 1 + 9 + 25) = 3/36; (x=4): 4 / (1 + 4 + 16 + 36) = 4/57;
   * c2 (x=5): 5 / (1 + 9 + 25) = 5/35; (x=6): 6 / (1 + 16 + 36) = 6/53 */
  CHECK (m, x, NULL, "lrn", 1e-6f, 1.0f / 11, 2.0f / 21, 3.0f / 36, 4.0f / 57,
         5.0f / 35, 6.0f / 53);
}

static void
test_constant_and_dropout (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 1, 2 };
  static const float fl[] = { 0.5f, 4 };

  fm_test_graph_input (g, "x", FM_DIMS (2));
  fm_test_node_floats (fm_test_graph_node (g, "Constant", "", "k"), "value_floats",
                       2, fl);
  fm_test_graph_node (g, "Mul", "x,k", "y");
  fm_test_graph_node (g, "Dropout", "y", "z");
  fm_test_graph_output (g, "z");
  m = fm_test_graph_build_ok (g);
  /* [1 2] * [0.5 4] = [0.5 8], Dropout passes it through */
  CHECK (m, x, NULL, "z", 0, 0.5f, 8);
}

/* fm-ops.def lists the ops in groups headed by the file of ops/ that
 * defines them: every op in a group is defined in that file (as
 * "fm_op_NAME =" or through a DEFINE_ macro "(Name, name,"). */
static void
test_registry_groups (void)
{
  g_autofree char *runtime = g_build_filename (FM_TEST_SRCDIR, "..", "src", "engine",
                                               "runtime", NULL);
  g_autofree char *def_path = g_build_filename (runtime, "fm-ops.def", NULL);
  g_autofree char *def = NULL;
  g_autofree char *file_text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_ops = 0;

  g_assert_true (g_file_get_contents (def_path, &def, NULL, NULL));
  lines = g_strsplit (def, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char name[64], c_name[64];

      if (g_str_has_prefix (lines[i], "/* ops/"))
        {
          g_autofree char *rel = g_strndup (lines[i] + 3, strcspn (lines[i] + 3, ":* "));
          g_autofree char *path = g_build_filename (runtime, rel, NULL);

          g_clear_pointer (&file_text, g_free);
          g_assert_true (g_file_get_contents (path, &file_text, NULL, NULL));
        }
      else if (sscanf (lines[i], "FM_OP (%63[A-Za-z0-9], %63[a-z0-9_])", name, c_name) == 2)
        {
          g_autofree char *info = g_strdup_printf ("fm_op_%s =", c_name);
          g_autofree char *macro = g_strdup_printf ("(%s, %s,", name, c_name);

          g_assert_nonnull (file_text);
          if (strstr (file_text, info) == NULL && strstr (file_text, macro) == NULL)
            g_error ("fm-ops.def: %s is not defined in the file of its group", name);
          n_ops++;
        }
    }
  g_assert_cmpuint (n_ops, ==, FM_N_OPS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/ops/registry-groups", test_registry_groups);
  g_test_add_func ("/engine/ops/conv/basic", test_conv_basic);
  g_test_add_func ("/engine/ops/threads-split", test_threads_split);
  g_test_add_func ("/engine/ops/conv/weights-released", test_conv_weights_released);
  g_test_add_func ("/engine/ops/conv/weight-max-abs-long", test_conv_weight_max_abs_long);
  g_test_add_func ("/engine/ops/conv/pads", test_conv_pads);
  g_test_add_func ("/engine/ops/conv/strides", test_conv_strides);
  g_test_add_func ("/engine/ops/conv/dilations", test_conv_dilations);
  g_test_add_func ("/engine/ops/conv/same-upper-lower", test_conv_same);
  g_test_add_func ("/engine/ops/conv/depthwise", test_conv_depthwise);
  g_test_add_func ("/engine/ops/conv/channel-mismatch", test_conv_channel_mismatch);
  g_test_add_func ("/engine/ops/conv/fast-vs-naive", test_conv_fast_vs_naive);
  g_test_add_func ("/engine/ops/max-pool/ceil-mode", test_max_pool_ceil_mode);
  g_test_add_func ("/engine/ops/max-pool/ceil-drop", test_max_pool_ceil_drop);
  g_test_add_func ("/engine/ops/max-pool/pads", test_max_pool_pads);
  g_test_add_func ("/engine/ops/max-pool/indices-refused", test_max_pool_indices_refused);
  g_test_add_func ("/engine/ops/average-pool/count-include-pad",
                   test_average_pool_count_include_pad);
  g_test_add_func ("/engine/ops/global-pools", test_global_pools);
  g_test_add_func ("/engine/ops/gemm/trans-b", test_gemm_trans_b);
  g_test_add_func ("/engine/ops/mat-mul/batched", test_mat_mul_batched);
  g_test_add_func ("/engine/ops/batch-norm/basic", test_batch_norm);
  g_test_add_func ("/engine/ops/batch-norm/training-refused", test_batch_norm_training_refused);
  g_test_add_func ("/engine/ops/add/broadcast", test_add_broadcast);
  g_test_add_func ("/engine/ops/activations", test_activations);
  g_test_add_func ("/engine/ops/clip/attributes", test_clip_attributes);
  g_test_add_func ("/engine/ops/softmax/axis", test_softmax_axis);
  g_test_add_func ("/engine/ops/reshape/zero-minus-one", test_reshape_zero_minus_one);
  g_test_add_func ("/engine/ops/reshape/allowzero", test_reshape_allowzero);
  g_test_add_func ("/engine/ops/slice/negative-steps", test_slice_negative_steps);
  g_test_add_func ("/engine/ops/slice/opset9", test_slice_opset9);
  g_test_add_func ("/engine/ops/pad/constant", test_pad);
  g_test_add_func ("/engine/ops/pad/opset2", test_pad_opset2);
  g_test_add_func ("/engine/ops/pad/wrap-before-19-refused", test_pad_wrap_before_19_refused);
  g_test_add_func ("/engine/ops/unknown-attribute-refused", test_unknown_attribute_refused);
  g_test_add_func ("/engine/ops/transpose-flatten", test_transpose_flatten);
  g_test_add_func ("/engine/ops/glue/view-folded", test_view_glue_folded);
  g_test_add_func ("/engine/ops/glue/int64", test_int64_glue);
  g_test_add_func ("/engine/ops/reduce-mean-lrn", test_reduce_mean_lrn);
  g_test_add_func ("/engine/ops/cast-wraps", test_cast_wraps);
  g_test_add_func ("/engine/ops/constant-dropout", test_constant_and_dropout);

  return g_test_run ();
}
