/* test-ops-conv.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ConvTranspose (1-D to 3-D), 3-D Conv and 3-D MaxPool / AveragePool:
 * tiny graphs (fm-test-graph.c) with results worked out by hand in the
 * comments, and the refusals. The im2col + GEMM kernels of fm-op-conv-nd.c
 * are checked on random shapes against naive loops: Conv against the 2-D
 * reference of fm-op-conv.c and its own 3-D one, ConvTranspose against its
 * scatter loop and, through the adjoint identity <conv (r), x> = <r,
 * conv_transpose (x)>, against the Conv reference.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-test-conv.h"
#include "fm-test-graph.h"
#include "fm-threads.h"
#include "ops/fm-op-conv-nd.h"

/* Builds @g (input x, and w when @w_in is set, output y), checks y's shape
 * and its values against @want within 1e-5. */
static void
check_y (FmTestGraph  *g,
         const float  *x,
         const float  *w_in,
         int           rank,
         const gint64 *dims,
         const float  *want,
         gsize         n_want)
{
  fm_test_graph_check_y (g, FM_INPUTS (x, w_in), rank, dims, 1e-5f, want, n_want);
}

/* ConvTranspose */

static void
test_conv_transpose_2d (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (11);
  static const float x[] = { 1, 2, 3, 4 };   /* [1, 1, 2, 2] */
  static const float w[] = { 1, 2, 3, 4 };   /* [1, 1, 2, 2] */
  static const float b[] = { 0.5f };

  fm_test_graph_float (g, "w", FM_DIMS (1, 1, 2, 2), w);
  fm_test_graph_float (g, "b", FM_DIMS (1), b);
  fm_test_graph_one_node (g, "ConvTranspose", "x,w,b", FM_DIMS (1, 1, 2, 2));
  /* y[o] = sum over i + k = o of x[i] w[k], + 0.5:
   * y00 = 1*1 = 1;  y01 = 1*2 + 2*1 = 4;  y02 = 2*2 = 4
   * y10 = 1*3 + 3*1 = 6;  y11 = 1*4 + 2*3 + 3*2 + 4*1 = 20;  y12 = 2*4 + 4*2 = 16
   * y20 = 3*3 = 9;  y21 = 3*4 + 4*3 = 24;  y22 = 4*4 = 16 */
  check_y (g, x, NULL, FM_DIMS (1, 1, 3, 3),
           FM_FLOATS (1.5f, 4.5f, 4.5f, 6.5f, 20.5f, 16.5f, 9.5f, 24.5f, 16.5f));
}

/* A 1-D ConvTranspose of x = 1 2 3 by w with stride 2 and the given
 * attributes (NULL / negative: absent). */
static FmTestGraph *
ct_1d (const float *w,
       gint64       k,
       const char  *auto_pad,
       gint64       output_shape,
       gint64       pad_begin,
       gint64       output_padding)
{
  FmTestGraph *g = fm_test_graph_new (13);
  FmOnnxNode *node;

  fm_test_graph_float (g, "w", 3, (const gint64[]) { 1, 1, k }, w);
  node = fm_test_graph_one_node (g, "ConvTranspose", "x,w", FM_DIMS (1, 1, 3));
  fm_test_node_ints (node, "strides", FM_DIMS (2));
  if (auto_pad != NULL)
    fm_test_node_string (node, "auto_pad", auto_pad);
  if (output_shape >= 0)
    fm_test_node_ints (node, "output_shape", FM_DIMS (output_shape));
  if (pad_begin >= 0)
    fm_test_node_ints (node, "pads", FM_DIMS (pad_begin, 1));
  if (output_padding >= 0)
    fm_test_node_ints (node, "output_padding", FM_DIMS (output_padding));
  return g;
}

static void
test_conv_transpose_1d_pads (void)
{
  static const float x[] = { 1, 2, 3 };
  static const float w2[] = { 1, 10 };
  static const float w3[] = { 1, 10, 100 };

  /* k = 2, stride 2: each x[i] writes x[i] * (1, 10) at 2i: full output
   * 1 10 2 20 3 30 (length 2 * 2 + 2 = 6). */
  {
    g_autoptr(FmTestGraph) g = ct_1d (w2, 2, NULL, -1, -1, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 6), FM_FLOATS (1, 10, 2, 20, 3, 30));
  }
  /* pads 1, 1 drop one at each end. */
  {
    g_autoptr(FmTestGraph) g = ct_1d (w2, 2, NULL, -1, 1, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 4), FM_FLOATS (10, 2, 20, 3));
  }
  /* pads 1, 1 and output_padding 1: one more at the end, which nothing
   * reaches but the pad end: 10 2 20 3 30. */
  {
    g_autoptr(FmTestGraph) g = ct_1d (w2, 2, NULL, -1, 1, 1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 5), FM_FLOATS (10, 2, 20, 3, 30));
  }
  /* k = 3: taps 2i, 2i + 1, 2i + 2: full 1 10 102 20 203 30 300 (7).
   * SAME_* make 3 * 2 = 6: total pad 1, at the end for SAME_UPPER, at the
   * begin for SAME_LOWER. */
  {
    g_autoptr(FmTestGraph) g = ct_1d (w3, 3, "SAME_UPPER", -1, -1, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 6), FM_FLOATS (1, 10, 102, 20, 203, 30));
  }
  {
    g_autoptr(FmTestGraph) g = ct_1d (w3, 3, "SAME_LOWER", -1, -1, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 6), FM_FLOATS (10, 102, 20, 203, 30, 300));
  }
  {
    g_autoptr(FmTestGraph) g = ct_1d (w3, 3, "VALID", -1, -1, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 7), FM_FLOATS (1, 10, 102, 20, 203, 30, 300));
  }
  /* output_shape 5 overrides the pads given: total pad 2, 1 at the begin
   * and 1 at the end (the odd one would go first without SAME_UPPER). */
  {
    g_autoptr(FmTestGraph) g = ct_1d (w3, 3, NULL, 5, 0, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 5), FM_FLOATS (10, 102, 20, 203, 30));
  }
  /* output_shape 6: total pad 1 goes to the begin; with SAME_UPPER to the
   * end. */
  {
    g_autoptr(FmTestGraph) g = ct_1d (w3, 3, NULL, 6, -1, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 6), FM_FLOATS (10, 102, 20, 203, 30, 300));
  }
  {
    g_autoptr(FmTestGraph) g = ct_1d (w3, 3, "SAME_UPPER", 6, -1, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 6), FM_FLOATS (1, 10, 102, 20, 203, 30));
  }
  /* output_shape 8, one more than the taps reach: zero at the end. */
  {
    g_autoptr(FmTestGraph) g = ct_1d (w3, 3, NULL, 8, -1, -1);
    check_y (g, x, NULL, FM_DIMS (1, 1, 8), FM_FLOATS (1, 10, 102, 20, 203, 30, 300, 0));
  }
}

static void
test_conv_transpose_groups_dilations (void)
{
  /* group 2, k = 1: channel c of x scaled by w[c]: x = (1 2, 3 4), w =
   * (2, 3) -> (2 4, 9 12); bias (1, -1). */
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    static const float x[] = { 1, 2, 3, 4 };
    static const float w[] = { 2, 3 };
    static const float b[] = { 1, -1 };

    fm_test_graph_float (g, "w", FM_DIMS (2, 1, 1), w);
    fm_test_graph_float (g, "b", FM_DIMS (2), b);
    fm_test_node_int (fm_test_graph_one_node (g, "ConvTranspose", "x,w,b", FM_DIMS (1, 2, 2)),
                      "group", 2);
    check_y (g, x, NULL, FM_DIMS (1, 2, 2), FM_FLOATS (3, 5, 8, 11));
  }
  /* dilation 2, k = 2: x[i] writes at i and i + 2: x = 1 2, w = 1 10 ->
   * 1 2 10 20 (length 1 + (2 - 1) * 2 + 1 = 4). One input channel to two
   * output channels: w [1, 2, 2] = (1 10, -1 -10). */
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
    static const float x[] = { 1, 2 };
    static const float w[] = { 1, 10, -1, -10 };

    fm_test_graph_float (g, "w", FM_DIMS (1, 2, 2), w);
    fm_test_node_ints (fm_test_graph_one_node (g, "ConvTranspose", "x,w", FM_DIMS (1, 1, 2)),
                       "dilations", FM_DIMS (2));
    check_y (g, x, NULL, FM_DIMS (1, 2, 4), FM_FLOATS (1, 2, 10, 20, -1, -2, -10, -20));
  }
}

static void
test_conv_transpose_3d (void)
{
  /* Along D only: x = 1 2, w = 1 10, stride (2, 1, 1) -> 1 10 2 20. The
   * weights are a graph input, so they are packed per run. */
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float x[] = { 1, 2 };
  static const float w[] = { 1, 10 };

  fm_test_graph_input (g, "x", FM_DIMS (1, 1, 2, 1, 1));
  fm_test_graph_input (g, "w", FM_DIMS (1, 1, 2, 1, 1));
  fm_test_node_ints (fm_test_graph_node (g, "ConvTranspose", "x,w", "y"), "strides",
                     FM_DIMS (2, 1, 1));
  fm_test_graph_output (g, "y");
  check_y (g, x, w, FM_DIMS (1, 1, 4, 1, 1), FM_FLOATS (1, 10, 2, 20));
}

/* All-zero weights, for graphs refused at load. */
static const float zeros[8] = { 0 };

/* Adds to @g one @op node reading input x of @x_rank / @x_dims and zero
 * weights w of @w_rank / @w_dims (8 values at most), writing output y. */
static FmOnnxNode *
zero_weights_node (FmTestGraph  *g,
                   const char   *op,
                   int           x_rank,
                   const gint64 *x_dims,
                   int           w_rank,
                   const gint64 *w_dims)
{
  fm_test_graph_float (g, "w", w_rank, w_dims, zeros);
  return fm_test_graph_one_node (g, op, "x,w", x_rank, x_dims);
}

/* Weights with no output channel are said to be that (the message was "0
 * output channels are not divisible by group 1"); a count that group
 * does not divide still says so. */
static void
test_conv_no_output_channel (void)
{
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    zero_weights_node (g, "Conv", FM_DIMS (1, 1, 3, 3), FM_DIMS (0, 1, 3, 3));
    fm_test_graph_build_fails (g, FM_ERROR_SHAPE,
                               "weights W of shape [0, 1, 3, 3] have no output channel");
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_node_int (zero_weights_node (g, "Conv", FM_DIMS (1, 2, 3, 3), FM_DIMS (3, 1, 1, 1)),
                      "group", 2);
    fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "3 output channels are not divisible by group 2");
  }
}

static void
test_conv_transpose_refused (void)
{
  /* X has 2 channels, W's first dim says 1 */
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    zero_weights_node (g, "ConvTranspose", FM_DIMS (1, 2, 3, 3), FM_DIMS (1, 1, 2, 2));
    fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "does not fit weights W");
  }
  /* rank 6: 4 spatial dims */
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    zero_weights_node (g, "ConvTranspose", FM_DIMS (1, 1, 1, 1, 1, 1),
                       FM_DIMS (1, 1, 1, 1, 1, 1));
    fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "1 to 3 spatial dims");
  }
  /* unknown auto_pad, output_shape of the wrong length, negative
   * output_padding, a stride past the limit, a bias of the wrong size,
   * auto_pad with pads */
  {
    const char *attr[] = { "auto_pad", "output_shape", "output_padding", "strides", "bias",
                           "auto_pad and pads" };
    FmError codes[] = { FM_ERROR_UNSUPPORTED_ATTRIBUTE, FM_ERROR_INVALID_MODEL,
                        FM_ERROR_LIMIT, FM_ERROR_LIMIT, FM_ERROR_SHAPE, FM_ERROR_INVALID_MODEL };
    const char *fragments[] = { "auto_pad 'SAME'", "must have 2 values",
                                "negative or too large", "too large", "bias B",
                                "cannot be combined with explicit pads" };

    for (guint i = 0; i < G_N_ELEMENTS (attr); i++)
      {
        g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
        FmOnnxNode *node;

        fm_test_graph_float (g, "w", FM_DIMS (1, 1, 2, 2), zeros);
        fm_test_graph_float (g, "b", FM_DIMS (2), zeros);
        node = fm_test_graph_one_node (g, "ConvTranspose", i == 4 ? "x,w,b" : "x,w",
                                       FM_DIMS (1, 1, 3, 3));
        if (i == 0)
          fm_test_node_string (node, "auto_pad", "SAME");
        else if (i == 1)
          fm_test_node_ints (node, "output_shape", FM_DIMS (4));
        else if (i == 2)
          fm_test_node_ints (node, "output_padding", FM_DIMS (-1, 0));
        else if (i == 3)
          fm_test_node_ints (node, "strides", FM_DIMS (G_GINT64_CONSTANT (1) << 40, 1));
        else if (i == 5)
          {
            fm_test_node_string (node, "auto_pad", "SAME_UPPER");
            fm_test_node_ints (node, "pads", FM_DIMS (0, 1, 0, 0));
          }
        fm_test_graph_build_fails (g, codes[i], fragments[i]);
      }
  }
}

/* Conv 3-D */

static void
test_conv_3d (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  static const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8 };   /* [1, 1, 2, 2, 2] */
  static const float w[] = { 1, -1 };                    /* [1, 1, 2, 1, 1] */
  static const float b[] = { 0.25f };
  FmOnnxNode *node;

  fm_test_graph_float (g, "w", FM_DIMS (1, 1, 2, 1, 1), w);
  fm_test_graph_float (g, "b", FM_DIMS (1), b);
  node = fm_test_graph_one_node (g, "Conv", "x,w,b", FM_DIMS (1, 1, 2, 2, 2));
  fm_test_node_ints (node, "kernel_shape", FM_DIMS (2, 1, 1));
  fm_test_node_ints (node, "pads", FM_DIMS (0, 0, 1, 0, 0, 0));
  /* y[0, h, w] = x[0, h, w] - x[1, h, w] + 0.25 = -4 + 0.25; W padded by
   * one column at the begin, so y[.., 0] = 0.25 there. */
  check_y (g, x, NULL, FM_DIMS (1, 1, 1, 2, 3),
           FM_FLOATS (0.25f, -3.75f, -3.75f, 0.25f, -3.75f, -3.75f));
}

static void
test_conv_3d_refused (void)
{
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_node_ints (zero_weights_node (g, "Conv", FM_DIMS (1, 1, 2, 2, 2),
                                          FM_DIMS (1, 1, 2, 2, 2)),
                       "kernel_shape", FM_DIMS (2, 2, 1));
    fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "kernel_shape does not match");
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    zero_weights_node (g, "Conv", FM_DIMS (1, 1, 2, 2, 2), FM_DIMS (1, 1, 2, 2));
    fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "input X is 3-D");
  }
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_node_ints (zero_weights_node (g, "Conv", FM_DIMS (1, 1, 2, 2, 2),
                                          FM_DIMS (1, 1, 2, 2, 2)),
                       "pads", FM_DIMS (0, 0, 0, 0));
    fm_test_graph_build_fails (g, FM_ERROR_INVALID_MODEL, "must have 3, 3 and 6 values");
  }
}

/* Pools 3-D */

static const float x8[] = { 1, 2, 3, 4, 5, 6, 7, 8 };   /* [1, 1, 2, 2, 2] */

static FmTestGraph *
pool_3d (const char   *op,
         const gint64 *x_dims,
         const gint64 *kernel,
         FmOnnxNode  **node)
{
  FmTestGraph *g = fm_test_graph_new (13);

  *node = fm_test_graph_one_node (g, op, "x", 5, x_dims);
  fm_test_node_ints (*node, "kernel_shape", 3, kernel);
  return g;
}

static void
test_average_pool_3d (void)
{
  static const gint64 k2[] = { 2, 2, 2 }, dims8[] = { 1, 1, 2, 2, 2 };

  for (int cip = 0; cip <= 1; cip++)
    {
      FmOnnxNode *node;
      g_autoptr(FmTestGraph) g = pool_3d ("AveragePool", dims8, k2, &node);
      g_autoptr(FmModel) m = NULL;
      g_autofree float *y = NULL;
      const float *inputs[1] = { x8 };
      gsize n;

      fm_test_node_ints (node, "pads", FM_DIMS (1, 1, 1, 1, 1, 1));
      fm_test_node_int (node, "count_include_pad", cip);
      m = fm_test_graph_build_ok (g);
      y = fm_test_run_ok (m, inputs, "y", &n);
      g_assert_cmpuint (n, ==, 27);
      /* [3, 3, 3] outputs; the corner window holds only x = 1 of its 8
       * taps, the next one x = 1, 2, the centre all 8 (mean 4.5), the far
       * corner only 8. With count_include_pad every window counts 8. */
      g_assert_cmpfloat_with_epsilon (y[0], cip ? 0.125f : 1.0f, 1e-6f);
      g_assert_cmpfloat_with_epsilon (y[1], cip ? 0.375f : 1.5f, 1e-6f);
      g_assert_cmpfloat_with_epsilon (y[13], 4.5f, 1e-6f);
      g_assert_cmpfloat_with_epsilon (y[26], cip ? 1.0f : 8.0f, 1e-6f);
    }
  /* SAME_UPPER / SAME_LOWER along W of x = 1 2 3, kernel 2: one pad at the
   * end (1.5 2.5 3) or at the begin (1 1.5 2.5). */
  for (int lower = 0; lower <= 1; lower++)
    {
      static const gint64 dims3[] = { 1, 1, 1, 1, 3 }, k12[] = { 1, 1, 2 };
      static const float x3[] = { 1, 2, 3 };
      FmOnnxNode *node;
      g_autoptr(FmTestGraph) g = pool_3d ("AveragePool", dims3, k12, &node);

      fm_test_node_string (node, "auto_pad", lower ? "SAME_LOWER" : "SAME_UPPER");
      if (lower)
        check_y (g, x3, NULL, FM_DIMS (1, 1, 1, 1, 3), FM_FLOATS (1, 1.5f, 2.5f));
      else
        check_y (g, x3, NULL, FM_DIMS (1, 1, 1, 1, 3), FM_FLOATS (1.5f, 2.5f, 3));
    }
}

static void
test_max_pool_3d (void)
{
  static const gint64 k2[] = { 2, 2, 2 }, dims27[] = { 1, 1, 3, 3, 3 };
  float x27[27];

  for (int i = 0; i < 27; i++)
    x27[i] = i;   /* x[z, y, x] = 9z + 3y + x */
  /* kernel 2, stride 2 on 3: one window, two with ceil_mode (the second
   * starts at 2, inside the input). Each max is at the window's largest
   * index per dim: min (2o + 1, 2). */
  {
    FmOnnxNode *node;
    g_autoptr(FmTestGraph) g = pool_3d ("MaxPool", dims27, k2, &node);

    fm_test_node_ints (node, "strides", FM_DIMS (2, 2, 2));
    check_y (g, x27, NULL, FM_DIMS (1, 1, 1, 1, 1), FM_FLOATS (13));
  }
  {
    FmOnnxNode *node;
    g_autoptr(FmTestGraph) g = pool_3d ("MaxPool", dims27, k2, &node);

    fm_test_node_ints (node, "strides", FM_DIMS (2, 2, 2));
    fm_test_node_int (node, "ceil_mode", 1);
    check_y (g, x27, NULL, FM_DIMS (1, 1, 2, 2, 2), FM_FLOATS (13, 14, 16, 17, 22, 23, 25, 26));
  }
  /* dilation 2 along D, kernel (2, 1, 1): max of z = 0 and z = 2, so
   * 18 + 3y + x. */
  {
    static const gint64 k211[] = { 2, 1, 1 };
    FmOnnxNode *node;
    g_autoptr(FmTestGraph) g = pool_3d ("MaxPool", dims27, k211, &node);

    fm_test_node_ints (node, "dilations", FM_DIMS (2, 1, 1));
    check_y (g, x27, NULL, FM_DIMS (1, 1, 1, 3, 3),
             FM_FLOATS (18, 19, 20, 21, 22, 23, 24, 25, 26));
  }
  /* padding never wins: all-negative input, pads 1 at the begin, so the
   * one window holds x[0, 0, 0] = -1 and seven pads */
  {
    static const float neg[] = { -1, -2, -3, -4, -5, -6, -7, -8 };
    static const gint64 dims8[] = { 1, 1, 2, 2, 2 };
    FmOnnxNode *node;
    g_autoptr(FmTestGraph) g = pool_3d ("MaxPool", dims8, k2, &node);

    fm_test_node_ints (node, "pads", FM_DIMS (1, 1, 1, 0, 0, 0));
    fm_test_node_ints (node, "strides", FM_DIMS (2, 2, 2));
    check_y (g, neg, NULL, FM_DIMS (1, 1, 1, 1, 1), FM_FLOATS (-1));
  }
}

static void
test_pool_refused (void)
{
  /* 4 spatial dims */
  {
    g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

    fm_test_node_ints (fm_test_graph_one_node (g, "MaxPool", "x", FM_DIMS (1, 1, 2, 2, 2, 2)),
                       "kernel_shape", FM_DIMS (1, 1, 1));
    fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "only 1-D, 2-D and 3-D");
  }
  /* a 3-D window that does not fit */
  {
    static const gint64 k3[] = { 3, 1, 1 }, dims8[] = { 1, 1, 2, 2, 2 };
    FmOnnxNode *node;
    g_autoptr(FmTestGraph) g = pool_3d ("AveragePool", dims8, k3, &node);

    fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "does not fit");
  }
}

/* Random shapes against the naive loops */

static gint64
rand_range (gint64 lo,
            gint64 hi)
{
  return g_test_rand_int_range ((gint32) lo, (gint32) hi);
}

/* A random window over @n_spatial of the 3 slots: in, k, s, d, pb in
 * range, out from the forward formula; FALSE if empty. */
static gboolean
rand_window (FmWindowNd *w,
             int         n_spatial)
{
  memset (w, 0, sizeof *w);
  w->n_spatial = n_spatial;
  for (int j = 0; j < 3; j++)
    {
      gint64 ek;

      w->in[j] = w->k[j] = w->s[j] = w->d[j] = w->out[j] = 1;
      if (j < 3 - n_spatial)
        continue;
      w->in[j] = rand_range (1, 7);
      w->k[j] = rand_range (1, 4);
      w->s[j] = rand_range (1, 4);
      w->d[j] = rand_range (1, 3);
      w->pb[j] = rand_range (0, 3);
      w->pe[j] = rand_range (0, 3);
      ek = (w->k[j] - 1) * w->d[j] + 1;
      if (w->in[j] + w->pb[j] + w->pe[j] < ek)
        return FALSE;
      w->out[j] = (w->in[j] + w->pb[j] + w->pe[j] - ek) / w->s[j] + 1;
    }
  return TRUE;
}

static void
rand_conv (FmConvNd *p)
{
  p->n = rand_range (1, 3);
  p->group = rand_range (1, 4);
  p->c = p->group * rand_range (1, 4);
  p->m = p->group * rand_range (1, 4);
  p->has_bias = g_test_rand_bit ();
}

static gint64
prod3 (const gint64 *v)
{
  return v[0] * v[1] * v[2];
}

/* Random X (@nx), W (M * C / group * k...: the same count for Conv and
 * ConvTranspose), B; Y twice (@ny), the second filled with NaN so that
 * every output must be written. */
static void
rand_buffers (const FmConvNd *p,
              gsize           nx,
              gsize           ny,
              float         **x,
              float         **w,
              float         **b,
              float         **y0,
              float         **y1)
{
  *x = fm_test_rand_floats (nx);
  *w = fm_test_rand_floats (p->m * (p->c / p->group) * prod3 (p->win.k));
  *b = fm_test_rand_floats (p->m);
  *y0 = g_new (float, ny);
  *y1 = g_new (float, ny);
  for (gsize i = 0; i < ny; i++)
    (*y1)[i] = NAN;
}

static void
assert_close (const float *a,
              const float *b,
              gsize        n,
              const char  *what,
              int          iter)
{
  for (gsize i = 0; i < n; i++)
    if (!(fabsf (a[i] - b[i]) <= 1e-4f))
      g_error ("%s, case %d, element %" G_GSIZE_FORMAT ": %.7g vs %.7g", what, iter, i,
               a[i], b[i]);
}

/* The fast kernel of Conv (or ConvTranspose when @transpose) into @y:
 * every other case with the weights packed beforehand, every third on a
 * thread pool. */
static void
run_fast (const FmConvNd *p,
          gboolean        transpose,
          const float    *x,
          const float    *w,
          const float    *b,
          float          *y,
          int             iter,
          FmThreads      *pool)
{
  FmColPlan plan;
  g_autofree gpointer scratch = NULL;
  g_autofree float *packed = NULL;

  if (transpose)
    fm_conv_transpose_plan (p, iter % 2 == 0, &plan);
  else
    fm_conv_nd_plan (p, iter % 2 == 0, &plan);
  scratch = g_malloc (MAX (plan.size, 4));
  if (iter % 2 == 0)
    {
      packed = g_new (float, plan.per_group * p->group);
      fm_col_plan_pack (&plan, p->group, w, packed);
    }
  (transpose ? fm_conv_transpose_run : fm_conv_nd_run) (p, x, w, packed, b, y, scratch,
                                                        iter % 3 == 0 ? pool : NULL);
}

static void
test_conv_nd_vs_naive (void)
{
  FmThreads *pool = fm_threads_new (3);
  int n_checked = 0;

  for (int iter = 0; iter < 200; iter++)
    {
      FmConvNd p = { 0 };
      gsize nx, ny;
      g_autofree float *x = NULL, *w = NULL, *b = NULL, *y0 = NULL, *y1 = NULL;

      rand_conv (&p);
      if (!rand_window (&p.win, 1 + iter % 3))
        continue;
      nx = p.n * p.c * prod3 (p.win.in);
      ny = p.n * p.m * prod3 (p.win.out);
      rand_buffers (&p, nx, ny, &x, &w, &b, &y0, &y1);

      if (p.win.n_spatial == 3)
        fm_conv_nd_reference (&p, x, w, b, y0);
      else
        {
          /* the 2-D reference of fm-op-conv.c, independent of this file */
          FmConvParams q = { p.n, p.c, p.win.in[1], p.win.in[2], p.m, p.group,
                             p.win.k[1], p.win.k[2], p.win.s[1], p.win.s[2],
                             p.win.d[1], p.win.d[2], p.win.pb[1], p.win.pb[2],
                             p.win.out[1], p.win.out[2], p.has_bias };

          fm_conv_reference (&q, x, w, b, y0);
        }
      run_fast (&p, FALSE, x, w, b, y1, iter, pool);
      assert_close (y0, y1, ny, "conv", iter);
      n_checked++;
    }
  g_test_message ("%d random convs match the reference", n_checked);
  g_assert_cmpint (n_checked, >, 80);
  g_clear_pointer (&pool, fm_threads_free);
}

static double
dot (const float *a,
     const float *b,
     gsize        n)
{
  double s = 0.0;

  for (gsize i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

static void
test_conv_transpose_vs_naive (void)
{
  FmThreads *pool = fm_threads_new (3);
  int n_checked = 0;

  for (int iter = 0; iter < 200; iter++)
    {
      FmConvNd p = { 0 }, conv;
      gsize nx, ny;
      g_autofree float *x = NULL, *w = NULL, *b = NULL, *y0 = NULL, *y1 = NULL;
      g_autofree float *r = NULL, *cr = NULL;
      double lhs, rhs;

      /* win.in is Y's size, win.out X's (any, the taps past Y dropped) */
      rand_conv (&p);
      if (!rand_window (&p.win, 1 + iter % 3))
        continue;
      for (int j = 3 - p.win.n_spatial; j < 3; j++)
        p.win.out[j] = rand_range (1, 5);
      nx = p.n * p.c * prod3 (p.win.out);
      ny = p.n * p.m * prod3 (p.win.in);
      rand_buffers (&p, nx, ny, &x, &w, &b, &y0, &y1);

      fm_conv_transpose_reference (&p, x, w, b, y0);
      run_fast (&p, TRUE, x, w, b, y1, iter, pool);
      assert_close (y0, y1, ny, "conv transpose", iter);

      /* Adjoint: a Conv with the same window and weights, C and M swapped,
       * maps Y's shape to X's; <conv (r), x> = <r, y0 - bias>. */
      conv = p;
      conv.c = p.m;
      conv.m = p.c;
      conv.has_bias = FALSE;
      r = fm_test_rand_floats (ny);
      cr = g_new (float, nx);
      fm_conv_nd_reference (&conv, r, w, NULL, cr);
      for (gsize i = 0; i < ny; i++)
        y0[i] -= p.has_bias ? b[i / prod3 (p.win.in) % p.m] : 0.0f;
      lhs = dot (cr, x, nx);
      rhs = dot (r, y0, ny);
      if (!(fabs (lhs - rhs) <= 1e-3 * (1.0 + fabs (lhs))))
        g_error ("case %d: <conv (r), x> = %g but <r, conv_transpose (x)> = %g", iter, lhs,
                 rhs);
      n_checked++;
    }
  g_test_message ("%d random transposed convs match the reference", n_checked);
  g_assert_cmpint (n_checked, >, 80);
  g_clear_pointer (&pool, fm_threads_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/ops-conv/conv-transpose/2d", test_conv_transpose_2d);
  g_test_add_func ("/engine/ops-conv/conv-transpose/1d-pads", test_conv_transpose_1d_pads);
  g_test_add_func ("/engine/ops-conv/conv-transpose/groups-dilations",
                   test_conv_transpose_groups_dilations);
  g_test_add_func ("/engine/ops-conv/conv-transpose/3d", test_conv_transpose_3d);
  g_test_add_func ("/engine/ops-conv/conv-transpose/refused", test_conv_transpose_refused);
  g_test_add_func ("/engine/ops-conv/conv/no-output-channel", test_conv_no_output_channel);
  g_test_add_func ("/engine/ops-conv/conv-transpose/vs-naive", test_conv_transpose_vs_naive);
  g_test_add_func ("/engine/ops-conv/conv/3d", test_conv_3d);
  g_test_add_func ("/engine/ops-conv/conv/3d-refused", test_conv_3d_refused);
  g_test_add_func ("/engine/ops-conv/conv/nd-vs-naive", test_conv_nd_vs_naive);
  g_test_add_func ("/engine/ops-conv/pool/average-3d", test_average_pool_3d);
  g_test_add_func ("/engine/ops-conv/pool/max-3d", test_max_pool_3d);
  g_test_add_func ("/engine/ops-conv/pool/refused", test_pool_refused);

  return g_test_run ();
}
