/* test-ops-norm.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-op tests of the reductions (fm-op-reduce.c: Reduce*, ArgMax, ArgMin,
 * CumSum) and the normalisations (fm-op-norm.c: InstanceNormalization,
 * GroupNormalization, LayerNormalization): tiny graphs built in memory
 * (fm-test-graph.c), loaded and run. Expected values are worked out by
 * hand in the comments; refusals check the error code and message.
 */
#include "config.h"

#include <math.h>

#include "fm-test-graph.h"

/* Builds @g and checks its output "y" on input @x: its shape @dims, then
 * its values, the rest, within @tol. */
#define EXPECT_Y(g, x, dims, tol, ...) \
  fm_test_graph_check_y (g, FM_INPUTS (x), dims, tol, FM_FLOATS (__VA_ARGS__))

/* Builds @g and checks int64 value @name on input @x against @want. */
static void
expect_ints (FmTestGraph  *g,
             const float  *x,
             const char   *name,
             const gint64 *want,
             gsize         n_want)
{
  g_autoptr(FmModel) m = fm_test_graph_build_ok (g);

  fm_test_check_int64s (m, FM_INPUTS (x), name, want, n_want);
}

static const float x6[] = { 1, 2, 3, 4, 5, 6 };  /* [2, 3] */

/* ReduceSum: the axes attribute before opset 13, the input from 13. */
static void
test_reduce_sum_axes (void)
{
  static const gint64 ax1[] = { 1 };

  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (11);

    fm_test_node_ints (fm_test_graph_one_node (g, "ReduceSum", "x", FM_DIMS (2, 3)),
                       "axes", FM_DIMS (0));
    /* columns: 1+4, 2+5, 3+6 */
    EXPECT_Y (g, x6, FM_DIMS (1, 3), 0, 5, 7, 9);
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_graph_int64 (g, "axes", FM_DIMS (1), ax1);
    fm_test_node_int (fm_test_graph_one_node (g, "ReduceSum", "x,axes", FM_DIMS (2, 3)),
                      "keepdims", 0);
    /* rows: 1+2+3, 4+5+6 */
    EXPECT_Y (g, x6, FM_DIMS (2), 0, 6, 15);
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_graph_one_node (g, "ReduceSum", "x", FM_DIMS (2, 3));
    /* no axes: everything, 21 */
    EXPECT_Y (g, x6, FM_DIMS (1, 1), 0, 21);
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_node_int (fm_test_graph_one_node (g, "ReduceSum", "x", FM_DIMS (2, 3)),
                      "noop_with_empty_axes", 1);
    /* no axes and noop: x itself */
    EXPECT_Y (g, x6, FM_DIMS (2, 3), 0, 1, 2, 3, 4, 5, 6);
  }
}

/* Every Reduce* op over axis 1 of [2, 2], axes as input (opset 18),
 * without keepdims. */
static void
test_reduce_kinds (void)
{
  static const float xs[] = { 1, -2, 3, -4 };  /* [2, 2] */
  static const float xp[] = { 1, 2, 3, 4 };    /* [2, 2] */
  static const gint64 ax1[] = { 1 };
  static const struct
  {
    const char  *op;
    const float *x;
    float        want[2];
  } cases[] = {
    { "ReduceSum", xs, { -1, -1 } },
    { "ReduceMean", xs, { -0.5f, -0.5f } },
    { "ReduceMax", xs, { 1, 3 } },
    { "ReduceMin", xs, { -2, -4 } },
    { "ReduceProd", xs, { -2, -12 } },
    { "ReduceL1", xs, { 3, 7 } },
    /* sqrt (1 + 4), sqrt (9 + 16) */
    { "ReduceL2", xs, { 2.23606798f, 5 } },
    { "ReduceSumSquare", xs, { 5, 25 } },
    /* log 3, log 7 */
    { "ReduceLogSum", xp, { 1.09861229f, 1.94591015f } },
    /* log (e + e^2) = 2 + log (1 + 1/e) = 2 + 0.31326169; and 4 + the same */
    { "ReduceLogSumExp", xp, { 2.31326169f, 4.31326169f } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (18);

      g_test_message ("%s", cases[i].op);
      fm_test_graph_int64 (g, "axes", FM_DIMS (1), ax1);
      fm_test_node_int (fm_test_graph_one_node (g, cases[i].op, "x,axes", FM_DIMS (2, 2)),
                        "keepdims", 0);
      fm_test_graph_check_y (g, FM_INPUTS (cases[i].x), FM_DIMS (2), 1e-6f, cases[i].want, 2);
    }
}

/* Reducing the middle axis, and the outer and inner ones, of [2, 3, 2]. */
static void
test_reduce_strided (void)
{
  static const gint64 ax[] = { 0, -1 };
  float x[12];

  for (int i = 0; i < 12; i++)
    x[i] = i;  /* x[o][i][j] = 6o + 2i + j */
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    FmOnnxNode *n;

    n = fm_test_graph_one_node (g, "ReduceMax", "x", FM_DIMS (2, 3, 2));
    fm_test_node_ints (n, "axes", FM_DIMS (1));
    fm_test_node_int (n, "keepdims", 0);
    /* the largest i is 2: 6o + 4 + j */
    EXPECT_Y (g, x, FM_DIMS (2, 2), 0, 4, 5, 10, 11);
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_graph_int64 (g, "axes", FM_DIMS (2), ax);
    fm_test_graph_one_node (g, "ReduceSum", "x,axes", FM_DIMS (2, 3, 2));
    /* sum over o, j of 6o + 2i + j = (0 + 1 + 6 + 7) + 4 * 2i = 14 + 8i */
    EXPECT_Y (g, x, FM_DIMS (1, 3, 1), 0, 14, 22, 30);
  }
}

/* Reducing an empty axis gives the op's identity; an empty mean is
 * refused. */
static void
test_reduce_empty (void)
{
  static const gint64 ax1[] = { 1 };
  static const struct
  {
    const char *op;
    float       want;
  } cases[] = {
    { "ReduceSum", 0 }, { "ReduceProd", 1 }, { "ReduceMax", -INFINITY },
    { "ReduceMin", INFINITY }, { "ReduceL2", 0 }, { "ReduceLogSumExp", -INFINITY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (18);
      const float want[2] = { cases[i].want, cases[i].want };

      fm_test_graph_int64 (g, "axes", FM_DIMS (1), ax1);
      fm_test_graph_one_node (g, cases[i].op, "x,axes", FM_DIMS (2, 0));
      fm_test_graph_check_y (g, FM_INPUTS (NULL), FM_DIMS (2, 1), 0, want, 2);
    }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (18);

    fm_test_graph_int64 (g, "axes", FM_DIMS (1), ax1);
    fm_test_graph_one_node (g, "ReduceMean", "x,axes", FM_DIMS (2, 0));
    fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "cannot average over an empty axis");
  }
}

static void
test_reduce_refused (void)
{
  static const gint64 ax1[] = { 1 };
  /* An axes attribute on x [2, 3]: not from the opset where axes became
   * an input, and never out of range. */
  static const struct
  {
    gint64      opset;
    const char *op;
    gint64      axis;
    const char *fragment;
  } attr_cases[] = {
    { 13, "ReduceSum", 1, "input from opset 13" },
    { 18, "ReduceMax", 1, "input from opset 18" },
    { 13, "ReduceMin", 2, "axes value 2 is out of range for rank 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (attr_cases); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (attr_cases[i].opset);
      FmOnnxNode *n = fm_test_graph_one_node (g, attr_cases[i].op, "x", FM_DIMS (2, 3));

      fm_test_node_ints (n, "axes", 1, &attr_cases[i].axis);
      fm_test_graph_build_fails (g, FM_ERROR_INVALID_MODEL, attr_cases[i].fragment);
    }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (18);

    /* axes must be known at load */
    fm_test_graph_input (g, "x", FM_DIMS (2, 3));
    fm_test_graph_input (g, "axes", FM_DIMS (1));
    fm_test_graph_node (g, "ReduceL2", "x,axes", "y");
    fm_test_graph_output (g, "y");
    fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                               "must be known when the model loads");
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (18);

    fm_test_graph_int64 (g, "axes", FM_DIMS (1), ax1);
    fm_test_graph_one_node (g, "ReduceProd", "x,axes,x", FM_DIMS (2, 3));
    fm_test_graph_build_fails (g, FM_ERROR_INVALID_MODEL, "at most 2 allowed");
  }
}

/* x = [[1, 3, 3], [5, 2, 5]] */
static const float xa[] = { 1, 3, 3, 5, 2, 5 };

static void
test_arg_max_min (void)
{
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    static const gint64 want[] = { 1, 0 };

    fm_test_node_int (fm_test_graph_one_node (g, "ArgMax", "x", FM_DIMS (2, 3)), "axis", 1);
    /* first of the equal maxima: 3 at 1, 5 at 0; shape [2, 1] */
    expect_ints (g, xa, "y", want, 2);
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    static const gint64 want[] = { 2, 2 };
    FmOnnxNode *n;

    n = fm_test_graph_one_node (g, "ArgMax", "x", FM_DIMS (2, 3));
    fm_test_node_int (n, "axis", -1);
    fm_test_node_int (n, "select_last_index", 1);
    /* the last of the equal maxima: 3 at 2, 5 at 2 */
    expect_ints (g, xa, "y", want, 2);
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (11);
    g_autoptr(FmModel) m = NULL;

    fm_test_node_int (fm_test_graph_one_node (g, "ArgMin", "x", FM_DIMS (2, 3)), "keepdims", 0);
    m = fm_test_graph_build_ok (g);
    /* default axis 0: columns (1, 5), (3, 2), (3, 5) */
    fm_test_assert_shape (m, "y", FM_DIMS (3));
    fm_test_check_int64s (m, FM_INPUTS (xa), "y", FM_INT64S (0, 1, 0));
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_node_int (fm_test_graph_one_node (g, "ArgMin", "x", FM_DIMS (2, 3)), "axis", 2);
    fm_test_graph_build_fails (g, FM_ERROR_INVALID_MODEL, "axis 2 is out of range for rank 2");
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_node_ints (fm_test_graph_one_node (g, "ArgMax", "x", FM_DIMS (2, 3)),
                       "axes", FM_DIMS (1));
    fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "axes");
  }
}

static void
test_cum_sum (void)
{
  static const gint64 one = 1, zero = 0, two[] = { 0, 1 };
  static const struct
  {
    gint64 exclusive, reverse;
    float  want[6];
  } cases[] = {
    /* along rows of [[1, 2, 3], [4, 5, 6]] */
    { 0, 0, { 1, 3, 6, 4, 9, 15 } },
    { 1, 0, { 0, 1, 3, 0, 4, 9 } },
    { 0, 1, { 6, 5, 3, 15, 11, 6 } },
    { 1, 1, { 5, 3, 0, 11, 6, 0 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (14);
      FmOnnxNode *n;

      fm_test_graph_int64 (g, "axis", 0, NULL, &one);
      n = fm_test_graph_one_node (g, "CumSum", "x,axis", FM_DIMS (2, 3));
      fm_test_node_int (n, "exclusive", cases[i].exclusive);
      fm_test_node_int (n, "reverse", cases[i].reverse);
      fm_test_graph_check_y (g, FM_INPUTS (x6), FM_DIMS (2, 3), 0, cases[i].want, 6);
    }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (11);

    fm_test_graph_int64 (g, "axis", 0, NULL, &zero);
    fm_test_graph_one_node (g, "CumSum", "x,axis", FM_DIMS (2, 3));
    /* down the columns: 1, 2, 3, 1+4, 2+5, 3+6 */
    EXPECT_Y (g, x6, FM_DIMS (2, 3), 0, 1, 2, 3, 5, 7, 9);
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (14);

    fm_test_graph_int64 (g, "axis", FM_DIMS (2), two);
    fm_test_graph_one_node (g, "CumSum", "x,axis", FM_DIMS (2, 3));
    fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "axis must be a scalar");
  }
}

/* InstanceNormalization: x [1, 2, 2]; channel 0 is (1, 3): mean 2,
 * variance 1, so (x - mean) / sqrt (1 + 1e-5) = -+0.99999500; times
 * scale 2 plus B 0.5: -1.49999000, 2.49999000. Channel 1 is (10, 10):
 * variance 0, so y = B = -1. */
static void
test_instance_norm (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float x[] = { 1, 3, 10, 10 };
  static const float scale[] = { 2, 1 }, b[] = { 0.5f, -1 };

  fm_test_graph_float (g, "scale", FM_DIMS (2), scale);
  fm_test_graph_float (g, "b", FM_DIMS (2), b);
  fm_test_graph_one_node (g, "InstanceNormalization", "x,scale,b", FM_DIMS (1, 2, 2));
  EXPECT_Y (g, x, FM_DIMS (1, 2, 2), 1e-6f, -1.49999000f, 2.49999000f, -1, -1);
}

/* A GroupNormalization graph with epsilon 0, x of [1, C, S], scale and
 * bias of @n values. */
static FmTestGraph *
group_norm_graph (gint64       opset,
                  gint64       c,
                  gint64       s,
                  const float *scale,
                  const float *bias,
                  gint64       n,
                  gint64       groups)
{
  FmTestGraph *g = fm_test_graph_new (opset);
  FmOnnxNode *node;

  fm_test_graph_float (g, "s", FM_DIMS (n), scale);
  fm_test_graph_float (g, "b", FM_DIMS (n), bias);
  node = fm_test_graph_one_node (g, "GroupNormalization", "x,s,b", FM_DIMS (1, c, s));
  fm_test_node_int (node, "num_groups", groups);
  fm_test_node_float (node, "epsilon", 0);
  return g;
}

/* x [1, 4, 1] = 1, 3, 5, 7 in two groups, (1, 3) and (5, 7): each has
 * variance 1, so normalised to -1, 1, -1, 1. */
static void
test_group_norm (void)
{
  static const float x[] = { 1, 3, 5, 7 };
  static const float scale_g[] = { 2, 3 }, bias_g[] = { 0, 1 };
  static const float scale_c[] = { 1, 2, 3, 4 }, bias_c[] = { 0, 0, 1, 1 };
  static const float x4[] = { 1, 2, 3, 4 };
  static const float scale2[] = { 1, 2 }, bias2[] = { 0, 1 };

  {
    g_autoptr(FmTestGraph) g = group_norm_graph (18, 4, 1, scale_g, bias_g, 2, 2);

    /* opset 18, per group: 2 * (-1, 1), 3 * (-1, 1) + 1 */
    EXPECT_Y (g, x, FM_DIMS (1, 4, 1), 1e-6f, -2, 2, -2, 4);
  }
  {
    g_autoptr(FmTestGraph) g = group_norm_graph (21, 4, 1, scale_c, bias_c, 4, 2);

    /* opset 21, per channel: -1 * 1, 1 * 2, -1 * 3 + 1, 1 * 4 + 1 */
    EXPECT_Y (g, x, FM_DIMS (1, 4, 1), 1e-6f, -1, 2, -2, 5);
  }
  {
    g_autoptr(FmTestGraph) g = group_norm_graph (21, 2, 2, scale2, bias2, 2, 1);

    /* one group of 1, 2, 3, 4: mean 2.5, variance 1.25, 1 / sqrt 1.25 =
     * 0.894427191: -1.34164079, -0.44721360 (channel 0, scale 1, bias 0),
     * 2 * 0.44721360 + 1 = 1.89442719, 2 * 1.34164079 + 1 = 3.68328157 */
    EXPECT_Y (g, x4, FM_DIMS (1, 2, 2), 1e-6f,
              -1.34164079f, -0.44721360f, 1.89442719f, 3.68328157f);
  }
}

static void
test_group_norm_refused (void)
{
  static const float s4[] = { 1, 1, 1, 1 }, s2[] = { 1, 1 }, s3[] = { 1, 1, 1 };
  static const struct
  {
    gint64       opset, groups, stash_type;
    const float *scale;
    gint64       n_scale;
    FmError      code;
    const char  *fragment;
  } cases[] = {
    { 18, 3, 1, s3, 3, FM_ERROR_SHAPE, "num_groups 3 does not divide the 4 channels" },
    { 18, 0, 1, s2, 2, FM_ERROR_INVALID_MODEL, "'num_groups' is required" },
    { 21, 2, 1, s2, 2, FM_ERROR_SHAPE, "scale has shape [2]; expected [4]" },
    { 18, 2, 1, s4, 4, FM_ERROR_SHAPE, "scale has shape [4]; expected [2]" },
    { 21, 2, 16, s4, 4, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "stash_type 16 is not supported" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (cases[i].opset);
      FmOnnxNode *n;

      fm_test_graph_float (g, "s", FM_DIMS (cases[i].n_scale), cases[i].scale);
      n = fm_test_graph_one_node (g, "GroupNormalization", "x,s,s", FM_DIMS (1, 4, 2));
      if (cases[i].groups > 0)
        fm_test_node_int (n, "num_groups", cases[i].groups);
      if (cases[i].stash_type != 1)
        fm_test_node_int (n, "stash_type", cases[i].stash_type);
      fm_test_graph_build_fails (g, cases[i].code, cases[i].fragment);
    }
}

/* x = [[1, 2, 3], [2, 4, 6]] */
static const float xl[] = { 1, 2, 3, 2, 4, 6 };

static void
test_layer_norm (void)
{
  static const float scale3[] = { 1, 2, 3 }, b3[] = { 0, 1, 0 };
  static const float scale1[] = { 2 }, b21[] = { 0, 10 };

  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (17);
    g_autoptr(FmModel) m = NULL;

    fm_test_graph_input (g, "x", FM_DIMS (2, 3));
    fm_test_graph_float (g, "s", FM_DIMS (3), scale3);
    fm_test_graph_float (g, "b", FM_DIMS (3), b3);
    fm_test_node_float (fm_test_graph_node (g, "LayerNormalization", "x,s,b", "y,mean,inv"),
                        "epsilon", 0);
    fm_test_graph_output (g, "y");
    /* default axis -1. Row 0: mean 2, variance 2/3, 1 / sqrt (2/3) =
     * 1.22474487; row 1: mean 4, variance 8/3, 0.61237244. Both rows
     * normalise to -1.22474487, 0, 1.22474487; times (1, 2, 3) plus
     * (0, 1, 0): -1.22474487, 1, 3.67423461. */
    EXPECT_Y (g, xl, FM_DIMS (2, 3), 1e-6f,
              -1.22474487f, 1, 3.67423461f, -1.22474487f, 1, 3.67423461f);
    m = fm_test_graph_build_ok (g);
    fm_test_assert_shape (m, "mean", FM_DIMS (2, 1));
    fm_test_check_floats (m, FM_INPUTS (xl), "mean", 1e-6f, 0, FM_FLOATS (2, 4));
    fm_test_assert_shape (m, "inv", FM_DIMS (2, 1));
    fm_test_check_floats (m, FM_INPUTS (xl), "inv", 1e-6f, 0,
                          FM_FLOATS (1.22474487f, 0.61237244f));
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (17);
    FmOnnxNode *n;

    fm_test_graph_float (g, "s", FM_DIMS (1), scale1);
    n = fm_test_graph_one_node (g, "LayerNormalization", "x,s", FM_DIMS (2, 3));
    fm_test_node_int (n, "axis", 0);
    fm_test_node_float (n, "epsilon", 0);
    /* axis 0, all six: mean 3, variance (4 + 1 + 0 + 1 + 1 + 9) / 6 = 8/3,
     * 1 / sqrt (8/3) = 0.61237244; y = 2 * (x - 3) * 0.61237244, no B */
    EXPECT_Y (g, xl, FM_DIMS (2, 3), 1e-6f,
              -2.44948974f, -1.22474487f, 0, -1.22474487f, 1.22474487f, 3.67423461f);
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (17);
    FmOnnxNode *n;

    fm_test_graph_float (g, "s", FM_DIMS (3), scale3);
    fm_test_graph_float (g, "b", FM_DIMS (2, 1), b21);
    n = fm_test_graph_one_node (g, "LayerNormalization", "x,s,b", FM_DIMS (2, 3));
    fm_test_node_int (n, "axis", -2);
    fm_test_node_float (n, "epsilon", 0);
    /* as above, normalised: -1.22474487, -0.61237244, 0, -0.61237244,
     * 0.61237244, 1.83711731; Scale (1, 2, 3) along the columns, B (0, 10)
     * along the rows */
    EXPECT_Y (g, xl, FM_DIMS (2, 3), 1e-5f,
              -1.22474487f, -1.22474487f, 0, 9.38762756f, 11.22474487f, 15.51135193f);
  }
}

static void
test_layer_norm_refused (void)
{
  static const float s4[] = { 1, 1, 1, 1 }, s3[] = { 1, 1, 1 };
  static const struct
  {
    const char  *attr;
    gint64       value;
    const float *scale;
    gint64       n_scale;
    FmError      code;
    const char  *fragment;
  } cases[] = {
    { NULL, 0, s4, 4, FM_ERROR_SHAPE, "Scale has shape [4], which does not broadcast to [3]" },
    { "axis", 2, s3, 3, FM_ERROR_INVALID_MODEL, "axis 2 is out of range for rank 2" },
    { "stash_type", 10, s3, 3, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "stash_type 10 is not supported" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (17);
      FmOnnxNode *n;

      fm_test_graph_float (g, "s", FM_DIMS (cases[i].n_scale), cases[i].scale);
      n = fm_test_graph_one_node (g, "LayerNormalization", "x,s", FM_DIMS (2, 3));
      if (cases[i].attr != NULL)
        fm_test_node_int (n, cases[i].attr, cases[i].value);
      fm_test_graph_build_fails (g, cases[i].code, cases[i].fragment);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/ops-norm/reduce-sum/axes", test_reduce_sum_axes);
  g_test_add_func ("/engine/ops-norm/reduce/kinds", test_reduce_kinds);
  g_test_add_func ("/engine/ops-norm/reduce/strided", test_reduce_strided);
  g_test_add_func ("/engine/ops-norm/reduce/empty", test_reduce_empty);
  g_test_add_func ("/engine/ops-norm/reduce/refused", test_reduce_refused);
  g_test_add_func ("/engine/ops-norm/arg-max-min", test_arg_max_min);
  g_test_add_func ("/engine/ops-norm/cum-sum", test_cum_sum);
  g_test_add_func ("/engine/ops-norm/instance-norm", test_instance_norm);
  g_test_add_func ("/engine/ops-norm/group-norm", test_group_norm);
  g_test_add_func ("/engine/ops-norm/group-norm/refused", test_group_norm_refused);
  g_test_add_func ("/engine/ops-norm/layer-norm", test_layer_norm);
  g_test_add_func ("/engine/ops-norm/layer-norm/refused", test_layer_norm_refused);

  return g_test_run ();
}
