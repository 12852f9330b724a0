/* test-ops-elementwise.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-op tests of the element-wise ops added for transformer-era models:
 * the attribute-free math of fm-op-unary.c, the activations Elu ... Gelu,
 * Pow and the variadic Min, Max, Sum, Mean. Expected values are worked out
 * by hand (with a pocket calculator for the transcendental ones) in the
 * comments; x^2 and sqrt are checked bit for bit, because PyTorch's
 * decomposed LayerNorm and GELU below opsets 17 and 20 rely on them.
 */
#include "config.h"

#include <math.h>

#include "fm-test-graph.h"

/* Builds @g and checks its output "y" on input @x against @want, within
 * @rtol, or @rtol relative to |want| where that is more. */
static void
assert_y (FmTestGraph *g,
          const float *x,
          const float *want,
          gsize        n_want,
          float        rtol)
{
  g_autoptr(FmModel) m = fm_test_graph_build_ok (g);

  fm_test_check_floats (m, FM_INPUTS (x), "y", rtol, rtol, want, n_want);
}

/* One op on x [n], with at most one float or string attribute. */
typedef struct
{
  const char *op;
  gint64      opset;
  const char *attr;       /* a float attribute, or NULL */
  float       value;
  const char *sattr;      /* a string attribute, or NULL */
  const char *svalue;
  float       rtol;
  guint       n;
  float       x[8];
  float       want[8];
} UnaryCase;

static const UnaryCase unary_cases[] = {
  /* NaN kept (ONNX's reference np.clip (x, 0, inf), PyTorch), -0 and 0 give 0 */
  { "Relu", 14, NULL, 0, NULL, NULL, 0, 6, { -2, -0.0f, 0, 0.5f, 3, NAN }, { 0, 0, 0, 0.5f, 3, NAN } },
  /* e^x */
  { "Exp", 13, NULL, 0, NULL, NULL, 1e-6f, 7, { -2, -1, -0.5f, 0, 0.5f, 1, 2.5f },
    { 0.13533528f, 0.36787944f, 0.60653066f, 1, 1.6487213f, 2.7182818f, 12.182494f } },
  /* ln 1, ln e (as a float), ln 0.5, ln 4; ln 0 = -inf, ln -1 = NaN */
  { "Log", 13, NULL, 0, NULL, NULL, 1e-6f, 6, { 1, 2.7182817f, 0.5f, 4, 0, -1 },
    { 0, 1, -0.69314718f, 1.3862944f, -INFINITY, NAN } },
  /* exact: sqrt 2 rounds to 1.41421354 (1.41421366 is 9.5e-8 away) */
  { "Sqrt", 13, NULL, 0, NULL, NULL, 0, 6, { 0, 1, 2, 4, 0.25f, -1 },
    { 0, 1, 1.41421354f, 2, 0.5f, NAN } },
  { "Reciprocal", 13, NULL, 0, NULL, NULL, 0, 4, { 2, -4, 0.5f, 0 }, { 0.5f, -0.25f, 2, INFINITY } },
  /* sin 0, sin pi/2, sin -pi/6, sin 1 */
  { "Sin", 7, NULL, 0, NULL, NULL, 1e-6f, 4, { 0, 1.5707964f, -0.52359879f, 1 },
    { 0, 1, -0.5f, 0.84147098f } },
  /* cos 0, cos pi/3, cos pi, cos 1 */
  { "Cos", 7, NULL, 0, NULL, NULL, 1e-6f, 4, { 0, 1.0471976f, 3.1415927f, 1 },
    { 1, 0.5f, -1, 0.54030231f } },
  { "Erf", 13, NULL, 0, NULL, NULL, 1e-6f, 6, { 0, 0.5f, 1, -1, 2, 3 },
    { 0, 0.52049988f, 0.84270079f, -0.84270079f, 0.99532227f, 0.99997791f } },
  { "Floor", 13, NULL, 0, NULL, NULL, 0, 7, { -1.5f, -0.5f, 0, 0.5f, 1.5f, 2.7f, -2 },
    { -2, -1, 0, 0, 1, 2, -2 } },
  { "Ceil", 13, NULL, 0, NULL, NULL, 0, 7, { -1.5f, -0.5f, 0, 0.5f, 1.5f, 2.7f, -2 },
    { -1, 0, 0, 1, 2, 3, -2 } },
  /* halves go to the even neighbour */
  { "Round", 11, NULL, 0, NULL, NULL, 0, 8, { 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.3f, -2.7f },
    { 0, 2, 2, 0, -2, -2, 2, -3 } },
  { "Abs", 13, NULL, 0, NULL, NULL, 0, 4, { -2, -0.5f, 0, 3 }, { 2, 0.5f, 0, 3 } },
  { "Neg", 13, NULL, 0, NULL, NULL, 0, 4, { -2, -0.5f, 0, 3 }, { 2, 0.5f, 0, -3 } },
  { "Sign", 13, NULL, 0, NULL, NULL, 0, 5, { -2, -0.5f, 0, 3, NAN }, { -1, -1, 0, 1, NAN } },
  /* x < 0: alpha (e^x - 1): e^-2 - 1 = -0.86466472, e^-1 - 1 = -0.63212056 */
  { "Elu", 7, NULL, 0, NULL, NULL, 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -0.86466472f, -0.63212056f, 0, 1, 2 } },
  { "Elu", 13, "alpha", 2, NULL, NULL, 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -1.7293294f, -1.2642411f, 0, 1, 2 } },
  /* gamma x, or gamma alpha (e^x - 1) with gamma alpha = 1.7580993 */
  { "Selu", 7, NULL, 0, NULL, NULL, 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -1.5201665f, -1.1113307f, 0, 1.0507010f, 2.1014020f } },
  /* x < 0: 2 (e^(x / 2) - 1): 2 (e^-1 - 1), 2 (e^-0.5 - 1) */
  { "Celu", 12, "alpha", 2, NULL, NULL, 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -1.2642411f, -0.78693868f, 0, 1, 2 } },
  /* x > alpha ? x : 0 (alpha 1: 1 is not above it) */
  { "ThresholdedRelu", 10, NULL, 0, NULL, NULL, 0, 5, { -2, -1, 0, 1, 2 }, { 0, 0, 0, 0, 2 } },
  { "ThresholdedRelu", 10, "alpha", 0.5f, NULL, NULL, 0, 5, { -2, -1, 0, 1, 2 }, { 0, 0, 0, 1, 2 } },
  /* ln (1 + e^x); 100 does not overflow, ln (1 + e^-100) = 3.7e-44 */
  { "Softplus", 7, NULL, 0, NULL, NULL, 1e-6f, 7, { -2, -1, 0, 1, 2, 100, -100 },
    { 0.12692801f, 0.31326169f, 0.69314718f, 1.3132617f, 2.1269280f, 100, 0 } },
  /* x / (1 + |x|) */
  { "Softsign", 7, NULL, 0, NULL, NULL, 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -2.0f / 3, -0.5f, 0, 0.5f, 2.0f / 3 } },
  /* x tanh (ln (1 + e^x)) */
  { "Mish", 18, NULL, 0, NULL, NULL, 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -0.25250148f, -0.30340146f, 0, 0.86509839f, 1.9439590f } },
  /* x / 2 (1 + erf (x / sqrt 2)) */
  { "Gelu", 20, NULL, 0, NULL, NULL, 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -0.045500264f, -0.15865525f, 0, 0.84134475f, 1.9544997f } },
  { "Gelu", 20, NULL, 0, "approximate", "none", 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -0.045500264f, -0.15865525f, 0, 0.84134475f, 1.9544997f } },
  /* x / 2 (1 + tanh (sqrt (2 / pi) (x + 0.044715 x^3))) */
  { "Gelu", 20, NULL, 0, "approximate", "tanh", 1e-6f, 5, { -2, -1, 0, 1, 2 },
    { -0.045402306f, -0.15880801f, 0, 0.84119199f, 1.9545977f } },
};

static void
test_unary_case (gconstpointer data)
{
  const UnaryCase *c = data;
  g_autoptr(FmTestGraph) g = fm_test_graph_new (c->opset);
  FmOnnxNode *node;

  node = fm_test_graph_one_node (g, c->op, "x", FM_DIMS ((gint64) c->n));
  if (c->attr != NULL)
    fm_test_node_float (node, c->attr, c->value);
  if (c->sattr != NULL)
    fm_test_node_string (node, c->sattr, c->svalue);
  assert_y (g, c->x, c->want, c->n, c->rtol);
}

/* Abs, Neg and Sign on int64 constants, folded at load; the smallest
 * int64 has no positive counterpart and wraps to itself. */
static void
test_unary_int64 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 d[] = { -3, 0, 5, G_MININT64 };

  fm_test_graph_int64 (g, "d", FM_DIMS (4), d);
  fm_test_graph_node (g, "Abs", "d", "abs");
  fm_test_graph_node (g, "Neg", "d", "neg");
  fm_test_graph_node (g, "Sign", "d", "sign");
  fm_test_graph_output (g, "abs");
  m = fm_test_graph_build_ok (g);
  fm_test_check_int64s (m, NULL, "abs", FM_INT64S (3, 0, 5, G_MININT64));
  fm_test_check_int64s (m, NULL, "neg", FM_INT64S (3, 0, -5, G_MININT64));
  fm_test_check_int64s (m, NULL, "sign", FM_INT64S (-1, 0, 1, -1));
}

/* 100,000 elements split across 3 threads: every part is computed.
 * x = (i mod 1000)^2, so Sqrt gives i mod 1000 exactly. */
static void
test_unary_threads (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  g_autofree float *x = g_new (float, 100000);
  const float *inputs[1];
  g_autofree float *y = NULL;
  gsize n;

  for (gsize i = 0; i < 100000; i++)
    x[i] = (float) ((i % 1000) * (i % 1000));
  inputs[0] = x;
  fm_test_graph_one_node (g, "Sqrt", "x", FM_DIMS (100000));
  m = fm_test_graph_build_ok (g);
  y = fm_test_run_threads_ok (m, inputs, "y", 3, &n);
  g_assert_cmpuint (n, ==, 100000);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (y[i], ==, (float) (i % 1000));
}

/* Pow */

/* x [2, 3] ^ y [3]: 1^2, 2^0.5, 3^-1; 4^2, 5^0.5, 6^-1 */
static void
test_pow_broadcast (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (7);
  static const float x[] = { 1, 2, 3, 4, 5, 6 };
  static const float e[] = { 2, 0.5f, -1 };
  static const float want[] = { 1, 1.4142135f, 0.33333333f, 16, 2.2360680f, 0.16666667f };

  fm_test_graph_float (g, "e", FM_DIMS (3), e);
  fm_test_graph_one_node (g, "Pow", "x,e", FM_DIMS (2, 3));
  assert_y (g, x, want, G_N_ELEMENTS (want), 1e-6f);
}

/* Pow (x, 2) is x * x to the bit, with the exponent a float or an int64
 * constant; an int64 exponent 3 cubes: (-2)^3, 0.5^3. */
static void
test_pow_square_exact (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float two[] = { 2 };
  static const gint64 itwo[] = { 2 }, three[] = { 3 };
  float x[64];
  g_autofree float *y = NULL, *yi = NULL, *c = NULL;
  gsize n, ni, nc;

  for (int i = 0; i < 64; i++)
    x[i] = (i - 32) * 0.3719f + i * i * 1e-3f;
  x[0] = -2;
  x[1] = 0.5f;
  fm_test_graph_input (g, "x", FM_DIMS (64));
  fm_test_graph_float (g, "two", 0, NULL, two);
  fm_test_graph_int64 (g, "itwo", 0, NULL, itwo);
  fm_test_graph_int64 (g, "three", FM_DIMS (1), three);
  fm_test_graph_node (g, "Pow", "x,two", "y");
  fm_test_graph_node (g, "Pow", "x,itwo", "yi");
  fm_test_graph_node (g, "Pow", "x,three", "c");
  fm_test_graph_output (g, "y");
  m = fm_test_graph_build_ok (g);
  y = fm_test_run_ok (m, FM_INPUTS (x), "y", &n);
  yi = fm_test_run_ok (m, FM_INPUTS (x), "yi", &ni);
  c = fm_test_run_ok (m, FM_INPUTS (x), "c", &nc);
  g_assert_cmpuint (n, ==, 64);
  g_assert_cmpuint (ni, ==, 64);
  for (int i = 0; i < 64; i++)
    {
      volatile float sq = x[i] * x[i];

      g_assert_cmpmem (&y[i], sizeof (float), (const float *) &sq, sizeof (float));
      g_assert_cmpmem (&yi[i], sizeof (float), (const float *) &sq, sizeof (float));
    }
  g_assert_cmpfloat (c[0], ==, -8);
  g_assert_cmpfloat (c[1], ==, 0.125f);
}

/* int64 bases, folded at load: 2^10, (-3)^3, 5^0; negative exponents
 * give the integer part of 1 / x^n (2^-1 = 0, (-1)^-3 = -1, 1^-5 = 1);
 * 3^41 wraps modulo 2^64; a float exponent truncates: 2^0.5 = 1, 3^2 = 9. */
static void
test_pow_int64 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (15);
  g_autoptr(FmModel) m = NULL;
  static const gint64 b[] = { 2, -3, 5, 2, -1, 1, 3 };
  static const gint64 e[] = { 10, 3, 0, -1, -3, -5, 41 };
  static const gint64 fb[] = { 2, 3 };
  static const float fe[] = { 0.5f, 2 };

  fm_test_graph_int64 (g, "b", FM_DIMS (7), b);
  fm_test_graph_int64 (g, "e", FM_DIMS (7), e);
  fm_test_graph_int64 (g, "fb", FM_DIMS (2), fb);
  fm_test_graph_float (g, "fe", FM_DIMS (2), fe);
  fm_test_graph_node (g, "Pow", "b,e", "y");
  fm_test_graph_node (g, "Pow", "fb,fe", "z");
  fm_test_graph_output (g, "y");
  m = fm_test_graph_build_ok (g);
  /* 3^41 = 36472996377170786403 = 2^64 + 18026252303461234787, which as
   * int64 is 18026252303461234787 - 2^64 = -420491770248316829 */
  fm_test_check_int64s (m, NULL, "y", FM_INT64S (1024, -27, 1, 0, -1, 1,
                                                 G_GINT64_CONSTANT (-420491770248316829)));
  fm_test_check_int64s (m, NULL, "z", FM_INT64S (1, 9));
}

/* Min, Max, Sum, Mean */

/* a [2, 2] = [1 5; 3 -1] (the input), b [2] = [2 0], c [2, 1] = [0; 10] */
static void
test_variadic_broadcast (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float a[] = { 1, 5, 3, -1 };
  static const float b[] = { 2, 0 }, c[] = { 0, 10 };
  static const char *const ops[] = { "Max", "Min", "Sum", "Mean" };
  static const float want[][4] = {
    /* max (a, b) = [2 5; 3 0]; with c: [2 5; 10 10] */
    { 2, 5, 10, 10 },
    /* min (a, b) = [1 0; 2 -1]; with c: [0 0; 2 -1] */
    { 0, 0, 2, -1 },
    /* a + b = [3 5; 5 -1]; + c: [3 5; 15 9] */
    { 3, 5, 15, 9 },
    /* the sum / 3 */
    { 1, 5.0f / 3, 5, 3 },
  };

  fm_test_graph_input (g, "a", FM_DIMS (2, 2));
  fm_test_graph_float (g, "b", FM_DIMS (2), b);
  fm_test_graph_float (g, "c", FM_DIMS (2, 1), c);
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autofree char *out = g_ascii_strdown (ops[i], -1);
      g_autofree char *one = g_strconcat (out, "1", NULL);

      fm_test_graph_node (g, ops[i], "a,b,c", out);
      fm_test_graph_node (g, ops[i], "a", one);
    }
  fm_test_graph_output (g, "max");
  m = fm_test_graph_build_ok (g);
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autofree char *out = g_ascii_strdown (ops[i], -1);
      g_autofree char *one = g_strconcat (out, "1", NULL);

      fm_test_check_floats (m, FM_INPUTS (a), out, 1e-6f, 1e-6f, want[i], 4);
      /* one input: itself */
      fm_test_check_floats (m, FM_INPUTS (a), one, 0, 0, a, 4);
    }
}

/* NaN wins either way round, as numpy's maximum and minimum say. */
static void
test_variadic_nan (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { NAN, 1, 2 };
  static const float r[] = { 1, NAN, 3 };

  fm_test_graph_input (g, "x", FM_DIMS (3));
  fm_test_graph_float (g, "r", FM_DIMS (3), r);
  fm_test_graph_node (g, "Max", "x,r", "max");
  fm_test_graph_node (g, "Min", "x,r", "min");
  fm_test_graph_output (g, "max");
  m = fm_test_graph_build_ok (g);
  fm_test_check_floats (m, FM_INPUTS (x), "max", 0, 0, FM_FLOATS (NAN, NAN, 3));
  fm_test_check_floats (m, FM_INPUTS (x), "min", 0, 0, FM_FLOATS (NAN, NAN, 2));
}

/* A NaN anywhere in a max or min window wins, wherever it stands, as
 * numpy's max and min (and ONNX's reference, np.maximum.reduce) say: the
 * value after it once replaced it, so [1, NaN, 0] gave 0. */
static void
test_window_nan (void)
{
  float row[32];

  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    static const float x[] = { 1, NAN, 0, 5 };   /* [1, 1, 1, 4]: windows of 3 */

    fm_test_node_ints (fm_test_graph_one_node (g, "MaxPool", "x", FM_DIMS (1, 1, 1, 4)),
                       "kernel_shape", FM_DIMS (1, 3));
    fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 1, 1, 2), 0, FM_FLOATS (NAN, NAN));
  }
  /* 2x2 windows, stride 2, over 16 columns (the vector path): NaN in
   * column 5 of row 0 takes output 2, column 14 of row 1 output 7 */
  for (int i = 0; i < 32; i++)
    row[i] = (float) (i % 16);
  row[5] = NAN;
  row[16 + 14] = NAN;
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    FmOnnxNode *n = fm_test_graph_one_node (g, "MaxPool", "x", FM_DIMS (1, 1, 2, 16));

    fm_test_node_ints (n, "kernel_shape", FM_DIMS (2, 2));
    fm_test_node_ints (n, "strides", FM_DIMS (2, 2));
    fm_test_graph_check_y (g, FM_INPUTS (row), FM_DIMS (1, 1, 1, 8), 0,
                           FM_FLOATS (1, 3, NAN, 7, 9, 11, 13, NAN));
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    static const float x[] = { 1, NAN, 0, 2, 3, 4 };   /* [1, 2, 3]: per channel */

    fm_test_graph_one_node (g, "GlobalMaxPool", "x", FM_DIMS (1, 2, 3));
    fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (1, 2, 1), 0, FM_FLOATS (NAN, 4));
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    static const float x[] = { 1, NAN, 0, -1, NAN, -0.0f };   /* [2, 3] */
    FmOnnxNode *n;

    n = fm_test_graph_node (g, "ReduceMax", "x", "max");
    fm_test_node_ints (n, "axes", FM_DIMS (1));
    n = fm_test_graph_node (g, "ReduceMin", "x", "min");
    fm_test_node_ints (n, "axes", FM_DIMS (1));
    fm_test_graph_input (g, "x", FM_DIMS (2, 3));
    fm_test_graph_output (g, "max");
    {
      g_autoptr(FmModel) m = fm_test_graph_build_ok (g);

      fm_test_check_floats (m, FM_INPUTS (x), "max", 0, 0, FM_FLOATS (NAN, NAN));
      fm_test_check_floats (m, FM_INPUTS (x), "min", 0, 0, FM_FLOATS (NAN, NAN));
    }
  }
}

/* int64, folded at load; Sum wraps: G_MAXINT64 + 0 + 3 = G_MININT64 + 2. */
static void
test_variadic_int64 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 a[] = { 3, -7 }, b[] = { G_MAXINT64, 2 }, c[] = { 0 };

  fm_test_graph_int64 (g, "a", FM_DIMS (2), a);
  fm_test_graph_int64 (g, "b", FM_DIMS (2), b);
  fm_test_graph_int64 (g, "c", FM_DIMS (1), c);
  fm_test_graph_node (g, "Max", "a,b,c", "max");
  fm_test_graph_node (g, "Min", "a,b,c", "min");
  fm_test_graph_node (g, "Sum", "b,c,a", "sum");
  fm_test_graph_output (g, "max");
  m = fm_test_graph_build_ok (g);
  fm_test_check_int64s (m, NULL, "max", FM_INT64S (G_MAXINT64, 2));
  fm_test_check_int64s (m, NULL, "min", FM_INT64S (0, -7));
  fm_test_check_int64s (m, NULL, "sum", FM_INT64S (G_MININT64 + 2, -5));
}

/* Before opset 8 (Max-6, Sum-6...) the inputs have one shape (the
 * refusals below try another). */
static void
test_variadic_opset7 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (7);
  static const float a[] = { 1, 5, 3, -1 }, bb[] = { 1, 1, 1, 1 };

  fm_test_graph_float (g, "bb", FM_DIMS (2, 2), bb);
  fm_test_graph_one_node (g, "Sum", "x,bb", FM_DIMS (2, 2));
  assert_y (g, a, (const float[]) { 2, 6, 4, 0 }, 4, 0);
}

/* Refusals at load, each of one node over x (float [2]), d (int64 [2]),
 * f (float [3]) and g (float [1]). */
typedef struct
{
  gint64      opset;
  const char *op;
  const char *inputs;
  const char *attr;       /* a float attribute, or NULL */
  float       value;
  const char *svalue;     /* Gelu's approximate, or NULL */
  FmError     code;
  const char *part;       /* of the message */
} Refusal;

static const Refusal refusals[] = {
  { 20, "Gelu", "x", NULL, 0, "fast", FM_ERROR_UNSUPPORTED_ATTRIBUTE, "approximate 'fast'" },
  /* Celu divides x by alpha */
  { 12, "Celu", "x", "alpha", 0, NULL, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "alpha 0" },
  /* Selu has alpha and gamma, no beta */
  { 13, "Selu", "x", "beta", 1, NULL, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "beta" },
  { 13, "Exp", "d", NULL, 0, NULL, FM_ERROR_UNSUPPORTED_OP, "int64" },
  { 13, "Softplus", "x,x", NULL, 0, NULL, FM_ERROR_INVALID_MODEL, "at most 1" },
  { 13, "Sqrt", "x,x", NULL, 0, NULL, FM_ERROR_INVALID_MODEL, "at most 1" },
  { 13, "Pow", "x,f", NULL, 0, NULL, FM_ERROR_SHAPE, "do not broadcast" },
  { 13, "Mean", "d,d", NULL, 0, NULL, FM_ERROR_UNSUPPORTED_OP, "only float" },
  { 13, "Sum", "x,d", NULL, 0, NULL, FM_ERROR_INVALID_MODEL, "different types" },
  { 13, "Min", "x,f", NULL, 0, NULL, FM_ERROR_SHAPE, "do not broadcast" },
  { 7, "Max", "x,g", NULL, 0, NULL, FM_ERROR_SHAPE, "before opset 8" },
  /* an omitted input in the middle; no input at all */
  { 13, "Max", "x,,x", NULL, 0, NULL, FM_ERROR_INVALID_MODEL, "missing" },
  { 13, "Sum", "", NULL, 0, NULL, FM_ERROR_INVALID_MODEL, "missing" },
};

static void
test_refused (gconstpointer data)
{
  const Refusal *r = data;
  g_autoptr(FmTestGraph) g = fm_test_graph_new (r->opset);
  static const gint64 d[] = { 1, 2 };
  static const float f[] = { 1, 2, 3 }, one[] = { 1 };
  FmOnnxNode *node;

  fm_test_graph_int64 (g, "d", FM_DIMS (2), d);
  fm_test_graph_float (g, "f", FM_DIMS (3), f);
  fm_test_graph_float (g, "g", FM_DIMS (1), one);
  node = fm_test_graph_one_node (g, r->op, r->inputs, FM_DIMS (2));
  if (r->attr != NULL)
    fm_test_node_float (node, r->attr, r->value);
  if (r->svalue != NULL)
    fm_test_node_string (node, "approximate", r->svalue);
  fm_test_graph_build_fails (g, r->code, r->part);
}

/* What PyTorch writes below opsets 17 and 20 */

/* LayerNorm over [1 2 3 4]: mean 2.5, d = [-1.5 -0.5 0.5 1.5], d^2 =
 * [2.25 0.25 0.25 2.25] exactly, variance 1.25, + 1e-5, sqrt 1.1180384,
 * d / that = [-1.3416354 -0.4472118 0.4472118 1.3416354]. The squares
 * and the standard deviation are checked to the bit. */
static void
test_decomposed_layer_norm (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float x[] = { 1, 2, 3, 4 };
  static const float two[] = { 2 }, eps[] = { 1e-5f };
  static const gint64 last[] = { -1 };
  FmOnnxNode *node;

  fm_test_graph_input (g, "x", FM_DIMS (1, 4));
  fm_test_graph_float (g, "two", 0, NULL, two);
  fm_test_graph_float (g, "eps", 0, NULL, eps);
  node = fm_test_graph_node (g, "ReduceMean", "x", "mean");
  fm_test_node_ints (node, "axes", 1, last);
  fm_test_graph_node (g, "Sub", "x,mean", "d");
  fm_test_graph_node (g, "Pow", "d,two", "sq");
  node = fm_test_graph_node (g, "ReduceMean", "sq", "var");
  fm_test_node_ints (node, "axes", 1, last);
  fm_test_graph_node (g, "Add", "var,eps", "ve");
  fm_test_graph_node (g, "Sqrt", "ve", "sd");
  fm_test_graph_node (g, "Div", "d,sd", "y");
  fm_test_graph_output (g, "y");
  m = fm_test_graph_build_ok (g);
  fm_test_check_floats (m, FM_INPUTS (x), "sq", 0, 0, FM_FLOATS (2.25f, 0.25f, 0.25f, 2.25f));
  /* the float nearest sqrt (1.25001) = 1.11803843... is 1.11803842 */
  fm_test_check_floats (m, FM_INPUTS (x), "sd", 0, 0, FM_FLOATS (1.11803842f));
  fm_test_check_floats (m, FM_INPUTS (x), "y", 1e-6f, 1e-6f,
                        FM_FLOATS (-1.3416354f, -0.44721180f, 0.44721180f, 1.3416354f));
}

/* GELU as x * 0.5 * (1 + Erf (x / 1.4142135)), the Gelu case's values. */
static void
test_decomposed_gelu (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float x[] = { -2, -1, 0, 1, 2 };
  static const float r2[] = { 1.4142135f }, one[] = { 1 }, half[] = { 0.5f };

  fm_test_graph_input (g, "x", FM_DIMS (5));
  fm_test_graph_float (g, "r2", 0, NULL, r2);
  fm_test_graph_float (g, "one", 0, NULL, one);
  fm_test_graph_float (g, "half", 0, NULL, half);
  fm_test_graph_node (g, "Div", "x,r2", "s");
  fm_test_graph_node (g, "Erf", "s", "e");
  fm_test_graph_node (g, "Add", "e,one", "p");
  fm_test_graph_node (g, "Mul", "x,p", "xp");
  fm_test_graph_node (g, "Mul", "xp,half", "y");
  fm_test_graph_output (g, "y");
  assert_y (g, x, (const float[]) { -0.045500264f, -0.15865525f, 0, 0.84134475f, 1.9544997f },
            5, 1e-6f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (unary_cases); i++)
    {
      const UnaryCase *c = &unary_cases[i];
      g_autofree char *path = g_strdup_printf ("/engine/ops-elementwise/unary/%s-%u",
                                               c->op, i);
      g_test_add_data_func (path, c, test_unary_case);
    }
  g_test_add_func ("/engine/ops-elementwise/unary/int64", test_unary_int64);
  g_test_add_func ("/engine/ops-elementwise/unary/threads", test_unary_threads);
  g_test_add_func ("/engine/ops-elementwise/pow/broadcast", test_pow_broadcast);
  g_test_add_func ("/engine/ops-elementwise/pow/square-exact", test_pow_square_exact);
  g_test_add_func ("/engine/ops-elementwise/pow/int64", test_pow_int64);
  g_test_add_func ("/engine/ops-elementwise/variadic/broadcast", test_variadic_broadcast);
  g_test_add_func ("/engine/ops-elementwise/variadic/nan", test_variadic_nan);
  g_test_add_func ("/engine/ops-elementwise/window-nan", test_window_nan);
  g_test_add_func ("/engine/ops-elementwise/variadic/int64", test_variadic_int64);
  g_test_add_func ("/engine/ops-elementwise/variadic/opset7", test_variadic_opset7);
  g_test_add_func ("/engine/ops-elementwise/decomposed/layer-norm", test_decomposed_layer_norm);
  g_test_add_func ("/engine/ops-elementwise/decomposed/gelu", test_decomposed_gelu);
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/ops-elementwise/refused/%s-%u",
                                               refusals[i].op, i);
      g_test_add_data_func (path, &refusals[i], test_refused);
    }

  return g_test_run ();
}
