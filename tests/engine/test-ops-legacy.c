/* test-ops-legacy.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What opset 6 exports (PyTorch 0.3 and 0.4, Debian's pytorch-converted
 * models) say differently from opset 7: the broadcast and axis attributes
 * of Add/Sub/Mul/Div and Gemm, PRelu's per-channel slope,
 * BatchNormalization's is_test and spatial, Dropout's is_test. Tiny graphs
 * (fm-test-graph.c) with results worked out by hand in the comments, and
 * the refusals: the old attributes on a newer node, shapes that do not
 * fit, training mode.
 */
#include "config.h"

#include "fm-test-graph.h"

/* Builds @g and checks its output "y" on input @x against @want. */
static void
assert_y (FmTestGraph *g,
          const float *x,
          const float *want,
          gsize        n_want)
{
  g_autoptr(FmModel) m = fm_test_graph_build_ok (g);

  fm_test_check_floats (m, FM_INPUTS (x), "y", 1e-6f, 0, want, n_want);
}

static const float x6[] = { 1, 2, 3, 4, 5, 6 };   /* [2, 3] or [1, 3, 2] */

/* A binary op on x [1, 3, 2] and a constant b, with the attributes
 * broadcast and axis (-1: absent): its result, or its refusal. */
typedef struct
{
  const char  *path;
  gint64       opset;
  const char  *op;
  gint64       b_len;
  float        b[3];
  gint64       broadcast, axis;
  float        want[6];     /* when fragment is NULL */
  FmError      code;        /* the refusal's, when fragment is set */
  const char  *fragment;
} BroadcastCase;

static const BroadcastCase broadcast_cases[] = {
  /* axis 1: b [3] stands for [1, 3, 1], one number per channel:
   * 1+10 2+10 3+20 4+20 5+30 6+30 */
  { "/engine/ops-legacy/add-axis", 6, "Add", 3, { 10, 20, 30 }, 1, 1,
    { 11, 12, 23, 24, 35, 36 }, 0, NULL },
  /* without axis, b matches x's last dims: times { 2, -1 } */
  { "/engine/ops-legacy/mul-suffix", 6, "Mul", 2, { 2, -1 }, 1, -1,
    { 2, -2, 6, -4, 10, -6 }, 0, NULL },
  /* without broadcast, opset 6 wants equal shapes, though numpy would
   * broadcast [2] */
  { "/engine/ops-legacy/no-broadcast-refused", 6, "Sub", 2, { 2, -1 }, -1, -1,
    { 0 }, FM_ERROR_SHAPE, "broadcast 0" },
  /* b [2] at axis 1 does not line up with x's dim 3 */
  { "/engine/ops-legacy/axis-mismatch-refused", 6, "Div", 2, { 2, -1 }, 1, 1,
    { 0 }, FM_ERROR_SHAPE, "axis 1" },
  /* from opset 7 the attribute is gone: a node carrying it is refused */
  { "/engine/ops-legacy/broadcast-attribute-opset7-refused", 7, "Add", 2, { 2, -1 }, 1, -1,
    { 0 }, FM_ERROR_INVALID_MODEL, "only before opset 7" },
};

static void
test_broadcast (gconstpointer data)
{
  const BroadcastCase *c = data;
  g_autoptr(FmTestGraph) g = fm_test_graph_new (c->opset);
  FmOnnxNode *node;

  fm_test_graph_float (g, "b", 1, &c->b_len, c->b);
  node = fm_test_graph_one_node (g, c->op, "x,b", FM_DIMS (1, 3, 2));
  if (c->broadcast >= 0)
    fm_test_node_int (node, "broadcast", c->broadcast);
  if (c->axis >= 0)
    fm_test_node_int (node, "axis", c->axis);
  if (c->fragment == NULL)
    assert_y (g, x6, c->want, G_N_ELEMENTS (c->want));
  else
    fm_test_graph_build_fails (g, c->code, c->fragment);
}

/* PRelu opset 6, slope [3] on [1, 3, 2]: per channel, so
 * x = -1 -2 | 3 -4 | -5 6 with slopes 0.5, 2, 0.1 gives
 * -0.5 -1 | 3 -8 | -0.5 6. (At opset 7 the same slope would broadcast
 * along the last dim of size 2 and be refused.) */
static void
test_prelu_per_channel (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (6);
  static const float x[] = { -1, -2, 3, -4, -5, 6 };
  static const float slope[] = { 0.5f, 2, 0.1f };
  static const float want[] = { -0.5f, -1, 3, -8, -0.5f, 6 };

  fm_test_graph_float (g, "slope", FM_DIMS (3), slope);
  fm_test_graph_one_node (g, "PRelu", "x,slope", FM_DIMS (1, 3, 2));
  assert_y (g, x, want, G_N_ELEMENTS (want));
}

static void
test_prelu_opset7_numpy (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (7);
  static const float slope[] = { 0.5f, 2, 0.1f };

  fm_test_graph_float (g, "slope", FM_DIMS (3), slope);
  fm_test_graph_one_node (g, "PRelu", "x,slope", FM_DIMS (1, 3, 2));
  fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "do not broadcast");
}

/* Gemm opset 6: C [2] broadcasts only with broadcast 1.
 * A [1, 3] = 1 2 3, B [3, 2] = 1 0 / 0 1 / 1 1, A B = 4 5, + C 10 20. */
static void
gemm_graph (FmTestGraph *g,
            gboolean     broadcast)
{
  static const float b[] = { 1, 0, 0, 1, 1, 1 };
  static const float c[] = { 10, 20 };
  FmOnnxNode *node;

  fm_test_graph_float (g, "b", FM_DIMS (3, 2), b);
  fm_test_graph_float (g, "c", FM_DIMS (2), c);
  node = fm_test_graph_one_node (g, "Gemm", "x,b,c", FM_DIMS (1, 3));
  if (broadcast)
    fm_test_node_int (node, "broadcast", 1);
}

static void
test_gemm_broadcast (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (6);
  g_autoptr(FmTestGraph) refused = fm_test_graph_new (6);
  static const float want[] = { 14, 25 };

  gemm_graph (g, TRUE);
  assert_y (g, x6, want, G_N_ELEMENTS (want));
  gemm_graph (refused, FALSE);
  fm_test_graph_build_fails (refused, FM_ERROR_SHAPE, "does not broadcast");
}

/* BatchNormalization opset 6 with is_test 1 and spatial 0: statistics per
 * element of [3, 2]. x = 1..6, scale 1, var 1, epsilon 0, mean 0 2 3 4 5
 * 6 and bias 0 0 0 0 0 1, so y = x - mean + bias = 1 0 0 0 0 1. */
static void
test_batch_norm_spatial0 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (6);
  static const float scale[] = { 1, 1, 1, 1, 1, 1 };
  static const float bias[] = { 0, 0, 0, 0, 0, 1 };
  static const float mean[] = { 0, 2, 3, 4, 5, 6 };
  static const float var[] = { 1, 1, 1, 1, 1, 1 };
  static const float want[] = { 1, 0, 0, 0, 0, 1 };
  FmOnnxNode *node;

  fm_test_graph_batch_norm_params (g, FM_DIMS (3, 2), scale, bias, mean, var);
  node = fm_test_graph_one_node (g, "BatchNormalization", "x,scale,shift,mean,var",
                                 FM_DIMS (1, 3, 2));
  fm_test_node_int (node, "is_test", 1);
  fm_test_node_int (node, "spatial", 0);
  fm_test_node_float (node, "epsilon", 0.0f);
  assert_y (g, x6, want, G_N_ELEMENTS (want));
}

static void
test_batch_norm_training_refused (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (6);
  static const float one3[] = { 1, 1, 1 };
  FmOnnxNode *node;

  fm_test_graph_float (g, "s", FM_DIMS (3), one3);
  node = fm_test_graph_one_node (g, "BatchNormalization", "x,s,s,s,s", FM_DIMS (1, 3, 2));
  fm_test_node_int (node, "is_test", 0);
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "is_test 0");
}

/* Dropout opset 6 with is_test 0 still runs as inference: the identity. */
static void
test_dropout_is_test (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (6);
  FmOnnxNode *node;

  node = fm_test_graph_one_node (g, "Dropout", "x", FM_DIMS (2, 3));
  fm_test_node_int (node, "is_test", 0);
  fm_test_node_float (node, "ratio", 0.5f);
  assert_y (g, x6, x6, G_N_ELEMENTS (x6));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (broadcast_cases); i++)
    g_test_add_data_func (broadcast_cases[i].path, &broadcast_cases[i], test_broadcast);
  g_test_add_func ("/engine/ops-legacy/prelu-per-channel", test_prelu_per_channel);
  g_test_add_func ("/engine/ops-legacy/prelu-opset7-numpy", test_prelu_opset7_numpy);
  g_test_add_func ("/engine/ops-legacy/gemm-broadcast", test_gemm_broadcast);
  g_test_add_func ("/engine/ops-legacy/batch-norm-spatial0", test_batch_norm_spatial0);
  g_test_add_func ("/engine/ops-legacy/batch-norm-training-refused",
                   test_batch_norm_training_refused);
  g_test_add_func ("/engine/ops-legacy/dropout-is-test", test_dropout_is_test);
  return g_test_run ();
}
