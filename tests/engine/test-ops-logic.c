/* test-ops-logic.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of the comparison, logic and index ops (fm-op-logic.c,
 * fm-op-index.c, fm-op-einsum.c): tiny graphs built in memory
 * (fm-test-graph.c), loaded and run, with expected values worked out by
 * hand in the comments, and the refusals of bad attributes and shapes.
 * BOOL values are int64 0 or 1 in the engine. Graphs whose inputs are all
 * initializers are folded at load; the value read back is then the
 * constant.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-op.h"
#include "fm-run.h"
#include "fm-test-graph.h"

/* Runs @model on @x and checks int64 value @name against the rest. */
#define CHECK_I(model, x, name, ...) \
  fm_test_check_int64s (model, FM_INPUTS (x), name, FM_INT64S (__VA_ARGS__))

/* The same for float values, within @tol. */
#define CHECK_F(model, x, name, tol, ...) \
  fm_test_check_floats (model, FM_INPUTS (x), name, tol, 0, FM_FLOATS (__VA_ARGS__))

/* Comparisons */

static void
test_compare_float_nan (void)
{
  static const char *const ops[] = {
    "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"
  };
  /* x [2, 3] against c [3] = { 1, NaN, 3 }, broadcast over rows:
   *   x = 1   2   3  |  NaN  0   4
   *   c = 1  NaN  3  |   1  NaN  3
   * NaN on either side makes every comparison false. */
  static const gint64 want[5][6] = {
    { 1, 0, 1, 0, 0, 0 },   /* Equal */
    { 0, 0, 0, 0, 0, 0 },   /* Less */
    { 0, 0, 0, 0, 0, 1 },   /* Greater */
    { 1, 0, 1, 0, 0, 0 },   /* LessOrEqual */
    { 1, 0, 1, 0, 0, 1 },   /* GreaterOrEqual */
  };
  const float c[] = { 1, NAN, 3 };
  const float x[] = { 1, 2, 3, NAN, 0, 4 };

  for (guint k = 0; k < G_N_ELEMENTS (ops); k++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (16);
      g_autoptr(FmModel) m = NULL;

      g_test_message ("%s", ops[k]);
      fm_test_graph_float (g, "c", FM_DIMS (3), c);
      fm_test_graph_one_node (g, ops[k], "x,c", FM_DIMS (2, 3));
      m = fm_test_graph_build_ok (g);
      fm_test_assert_shape (m, "y", FM_DIMS (2, 3));
      fm_test_check_int64s (m, FM_INPUTS (x), "y", want[k], 6);
    }
}

static void
test_compare_int64_folded (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 a[] = { 1, 5, -2 };
  static const gint64 b[] = { 1 };

  fm_test_graph_int64 (g, "a", FM_DIMS (3), a);
  fm_test_graph_int64 (g, "b", FM_DIMS (1), b);
  fm_test_graph_node (g, "Equal", "a,b", "eq");
  fm_test_graph_node (g, "Less", "a,b", "lt");
  fm_test_graph_node (g, "GreaterOrEqual", "a,b", "ge");
  fm_test_graph_outputs (g, "eq,lt,ge");
  m = fm_test_graph_build_ok (g);
  /* { 1, 5, -2 } against 1 */
  CHECK_I (m, NULL, "eq", 1, 0, 0);
  CHECK_I (m, NULL, "lt", 0, 0, 1);
  CHECK_I (m, NULL, "ge", 1, 1, 0);
  g_assert_false (fm_test_model_in_plan (m, fm_test_model_producer (m, "eq")));
}

static void
test_compare_refusals (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (13);
  static const gint64 a[] = { 1, 2 };
  static const gint64 b[] = { 1, 2, 3 };

  /* float against int64 */
  fm_test_graph_int64 (g, "a", FM_DIMS (2), a);
  fm_test_graph_one_node (g, "Equal", "x,a", FM_DIMS (2));
  fm_test_graph_build_fails (g, FM_ERROR_INVALID_MODEL, "different types");

  /* [2] and [3] do not broadcast */
  fm_test_graph_int64 (g2, "a", FM_DIMS (2), a);
  fm_test_graph_int64 (g2, "b", FM_DIMS (3), b);
  fm_test_graph_node (g2, "Greater", "a,b", "y");
  fm_test_graph_output (g2, "y");
  fm_test_graph_build_fails (g2, FM_ERROR_SHAPE, "do not broadcast");
}

/* Not, And, Or, Xor */

static void
test_logic_bool (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 a[] = { 0, 1, 1, 0 };   /* [2, 2] */
  static const gint64 b[] = { 1, 0 };         /* [2], broadcast to rows */

  fm_test_graph_int64 (g, "a", FM_DIMS (2, 2), a);
  fm_test_graph_int64 (g, "b", FM_DIMS (2), b);
  fm_test_graph_node (g, "And", "a,b", "and");
  fm_test_graph_node (g, "Or", "a,b", "or");
  fm_test_graph_node (g, "Xor", "a,b", "xor");
  fm_test_graph_node (g, "Not", "a", "not");
  fm_test_graph_outputs (g, "and,or,xor,not");
  m = fm_test_graph_build_ok (g);
  /* a = 0 1 / 1 0, b = 1 0 / 1 0 */
  fm_test_assert_shape (m, "and", FM_DIMS (2, 2));
  CHECK_I (m, NULL, "and", 0, 0, 1, 0);
  CHECK_I (m, NULL, "or", 1, 1, 1, 0);
  CHECK_I (m, NULL, "xor", 1, 1, 0, 0);
  CHECK_I (m, NULL, "not", 1, 0, 0, 1);
}

static void
test_logic_float_refused (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (13);

  fm_test_graph_one_node (g, "And", "x,x", FM_DIMS (2));
  fm_test_graph_build_fails (g, FM_ERROR_INVALID_MODEL, "expected BOOL");

  fm_test_graph_one_node (g2, "Not", "x", FM_DIMS (2));
  fm_test_graph_build_fails (g2, FM_ERROR_INVALID_MODEL, "expected BOOL");
}

/* Where */

static void
test_where_broadcast (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (16);
  static const gint64 cond[] = { 1, 0 };      /* [2, 1] */
  static const float other[] = { -1 };        /* [] */
  static const float x[] = { 10, 20, 30 };    /* [1, 3] */

  fm_test_graph_int64 (g, "c", FM_DIMS (2, 1), cond);
  fm_test_graph_float (g, "o", 0, NULL, other);
  fm_test_graph_one_node (g, "Where", "c,x,o", FM_DIMS (1, 3));
  /* [2, 1], [1, 3] and [] broadcast to [2, 3]: row 0 takes x, row 1 -1 */
  fm_test_graph_check_y (g, FM_INPUTS (x), FM_DIMS (2, 3), 0.0f,
                         FM_FLOATS (10, 20, 30, -1, -1, -1));
}

static void
test_where_mask_in_plan (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (16);
  g_autoptr(FmModel) m = NULL;
  static const float zero[] = { 0 };
  static const float x[] = { -2, 0, 3, NAN };

  /* Where (x > 0, x, 0) is a Relu whose mask is an int64 activation;
   * NaN > 0 is false, so NaN gives 0 */
  fm_test_graph_input (g, "x", FM_DIMS (4));
  fm_test_graph_float (g, "z", 0, NULL, zero);
  fm_test_graph_node (g, "Greater", "x,z", "mask");
  fm_test_graph_node (g, "Where", "mask,x,z", "y");
  fm_test_graph_output (g, "y");
  m = fm_test_graph_build_ok (g);
  g_assert_true (fm_test_model_in_plan (m, fm_test_model_producer (m, "mask")));
  CHECK_I (m, x, "mask", 0, 0, 1, 0);
  CHECK_F (m, x, "y", 0.0f, 0, 0, 3, 0);
}

static void
test_where_refusals (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (16);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (16);
  static const gint64 cond[] = { 1, 0, 1 };
  static const gint64 iv[] = { 1, 2 };

  /* X float, Y int64 */
  fm_test_graph_int64 (g, "c", FM_DIMS (2), cond);
  fm_test_graph_int64 (g, "i", FM_DIMS (2), iv);
  fm_test_graph_one_node (g, "Where", "c,x,i", FM_DIMS (2));
  fm_test_graph_build_fails (g, FM_ERROR_INVALID_MODEL, "different types");

  /* condition [3] against X [2] */
  fm_test_graph_int64 (g2, "c", FM_DIMS (3), cond);
  fm_test_graph_one_node (g2, "Where", "c,x,x", FM_DIMS (2));
  fm_test_graph_build_fails (g2, FM_ERROR_SHAPE, "do not broadcast");
}

/* Mod */

static void
test_mod (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 a[] = { 7, -7, 7, -7, 5 };
  static const gint64 b[] = { 3, 3, -3, -3, 0 };
  static const float d[] = { 3 };
  static const float x[] = { 7.5f, -7.5f };

  fm_test_graph_int64 (g, "a", FM_DIMS (5), a);
  fm_test_graph_int64 (g, "b", FM_DIMS (5), b);
  fm_test_graph_input (g, "x", FM_DIMS (2));
  fm_test_graph_float (g, "d", FM_DIMS (1), d);
  fm_test_graph_node (g, "Mod", "a,b", "py");
  fm_test_node_int (fm_test_graph_node (g, "Mod", "a,b", "c"), "fmod", 1);
  fm_test_node_int (fm_test_graph_node (g, "Mod", "x,d", "f"), "fmod", 1);
  fm_test_graph_outputs (g, "py,c,f");
  m = fm_test_graph_build_ok (g);
  /* fmod 0 takes the divisor's sign: 7 mod 3 = 1, -7 mod 3 = 2,
   * 7 mod -3 = -2, -7 mod -3 = -1; a zero divisor gives 0 */
  CHECK_I (m, x, "py", 1, 2, -2, -1, 0);
  /* fmod 1 takes the dividend's sign: 1, -1, 1, -1 */
  CHECK_I (m, x, "c", 1, -1, 1, -1, 0);
  /* fmodf: 7.5 - 2 * 3 = 1.5, -7.5 + 2 * 3 = -1.5 */
  CHECK_F (m, x, "f", 0.0f, 1.5f, -1.5f);
}

static void
test_mod_refusals (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (13);
  static const gint64 a[] = { 1, 2 };

  fm_test_graph_one_node (g, "Mod", "x,x", FM_DIMS (2));
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "fmod 1");

  fm_test_graph_int64 (g2, "a", FM_DIMS (2), a);
  fm_test_node_int (fm_test_graph_node (g2, "Mod", "a,a", "y"), "fmod", 2);
  fm_test_graph_output (g2, "y");
  fm_test_graph_build_fails (g2, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "'fmod' is 2");
}

/* Range */

static void
test_range (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (11);
  g_autoptr(FmModel) m = NULL;
  static const gint64 s[] = { 10 }, l[] = { 4 }, d[] = { -3 };
  static const float fs[] = { 1.0f }, fl[] = { 2.0f }, fd[] = { 0.25f };

  fm_test_graph_int64 (g, "s", 0, NULL, s);
  fm_test_graph_int64 (g, "l", 0, NULL, l);
  fm_test_graph_int64 (g, "d", 0, NULL, d);
  fm_test_graph_float (g, "fs", 0, NULL, fs);
  fm_test_graph_float (g, "fl", 0, NULL, fl);
  fm_test_graph_float (g, "fd", 0, NULL, fd);
  fm_test_graph_node (g, "Range", "s,l,d", "r");
  fm_test_graph_node (g, "Range", "fs,fl,fd", "f");
  fm_test_graph_node (g, "Range", "l,s,d", "empty");
  fm_test_graph_outputs (g, "r,f,empty");
  m = fm_test_graph_build_ok (g);
  /* 10, 7, 4 stops before 4: ceil ((4 - 10) / -3) = 2 values */
  fm_test_assert_shape (m, "r", FM_DIMS (2));
  CHECK_I (m, NULL, "r", 10, 7);
  /* ceil ((2 - 1) / 0.25) = 4 values */
  CHECK_F (m, NULL, "f", 0.0f, 1.0f, 1.25f, 1.5f, 1.75f);
  /* from 4 down to 10: nothing */
  fm_test_assert_shape (m, "empty", FM_DIMS (0));
}

static void
test_range_refusals (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (11);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (11);
  g_autoptr(FmTestGraph) g3 = fm_test_graph_new (11);
  static const gint64 zero[] = { 0 }, big[] = { G_MAXINT64 }, one[] = { 1 };
  static const float fone[] = { 1 };

  fm_test_graph_int64 (g, "s", 0, NULL, zero);
  fm_test_graph_int64 (g, "l", 0, NULL, one);
  fm_test_graph_node (g, "Range", "s,l,s", "r");
  fm_test_graph_output (g, "r");
  fm_test_graph_build_fails (g, FM_ERROR_INVALID_MODEL, "delta must not be 0");

  /* 2^63 - 1 values: far beyond any budget */
  fm_test_graph_int64 (g2, "s", 0, NULL, zero);
  fm_test_graph_int64 (g2, "l", 0, NULL, big);
  fm_test_graph_int64 (g2, "d", 0, NULL, one);
  fm_test_graph_node (g2, "Range", "s,l,d", "r");
  fm_test_graph_output (g2, "r");
  fm_test_graph_build_fails (g2, FM_ERROR_LIMIT, NULL);

  /* a limit computed from the input */
  fm_test_graph_input (g3, "x", 0, NULL);
  fm_test_graph_float (g3, "s", 0, NULL, fone);
  fm_test_graph_node (g3, "Range", "s,x,s", "r");
  fm_test_graph_output (g3, "r");
  fm_test_graph_build_fails (g3, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "known when the model loads");
}

/* Trilu */

static void
test_trilu (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (14);
  g_autoptr(FmModel) m = NULL;
  static const gint64 k1[] = { 1 }, km1[] = { -1 };
  float x[12];

  for (int i = 0; i < 12; i++)
    x[i] = i + 1;  /* [3, 4]: 1 2 3 4 / 5 6 7 8 / 9 10 11 12 */
  fm_test_graph_input (g, "x", FM_DIMS (3, 4));
  fm_test_graph_int64 (g, "k1", 0, NULL, k1);
  fm_test_graph_int64 (g, "km1", 0, NULL, km1);
  fm_test_graph_node (g, "Trilu", "x,k1", "up");
  fm_test_node_int (fm_test_graph_node (g, "Trilu", "x,km1", "low"), "upper", 0);
  fm_test_graph_node (g, "Trilu", "x", "up0");
  fm_test_graph_outputs (g, "up,low,up0");
  m = fm_test_graph_build_ok (g);
  /* upper, k 1: keep j >= i + 1 */
  CHECK_F (m, x, "up", 0.0f, 0, 2, 3, 4, 0, 0, 7, 8, 0, 0, 0, 12);
  /* lower, k -1: keep j <= i - 1 */
  CHECK_F (m, x, "low", 0.0f, 0, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0);
  /* upper, k 0: keep j >= i */
  CHECK_F (m, x, "up0", 0.0f, 1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12);
}

static void
test_trilu_refusals (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (14);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (14);

  fm_test_graph_one_node (g, "Trilu", "x", FM_DIMS (4));
  fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "rank 2 or more");

  fm_test_node_int (fm_test_graph_one_node (g2, "Trilu", "x", FM_DIMS (2, 2)), "upper", 2);
  fm_test_graph_build_fails (g2, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "'upper' is 2");
}

/* ScatterND */

static void
test_scatter_nd (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (16);
  g_autoptr(FmModel) m = NULL;
  static const gint64 idx[] = { 2, -4 };       /* [2, 1]: rows 2 and 0 */
  static const float upd[] = { 1, 2, 3, 4 };   /* [2, 2] */
  static const float x[] = { 10, 10, 20, 20, 30, 30, 40, 40 }; /* [4, 2] */

  fm_test_graph_input (g, "x", FM_DIMS (4, 2));
  fm_test_graph_int64 (g, "i", FM_DIMS (2, 1), idx);
  fm_test_graph_float (g, "u", FM_DIMS (2, 2), upd);
  fm_test_graph_node (g, "ScatterND", "x,i,u", "set");
  fm_test_node_string (fm_test_graph_node (g, "ScatterND", "x,i,u", "add"), "reduction", "add");
  fm_test_node_string (fm_test_graph_node (g, "ScatterND", "x,i,u", "mul"), "reduction", "mul");
  fm_test_graph_outputs (g, "set,add,mul");
  m = fm_test_graph_build_ok (g);
  /* row 2 <- [1, 2], row -4 = 0 <- [3, 4] */
  CHECK_F (m, x, "set", 0.0f, 3, 4, 20, 20, 1, 2, 40, 40);
  CHECK_F (m, x, "add", 0.0f, 13, 14, 20, 20, 31, 32, 40, 40);
  CHECK_F (m, x, "mul", 0.0f, 30, 40, 20, 20, 30, 60, 40, 40);
}

static void
test_scatter_nd_max_int64 (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (18);
  g_autoptr(FmModel) m = NULL;
  static const gint64 data[] = { 1, 2, 3, 4 };   /* [2, 2] */
  static const gint64 idx[] = { 0, 1, 1, 0 };    /* [2, 2]: (0, 1), (1, 0) */
  static const gint64 upd[] = { 5, -5 };

  fm_test_graph_int64 (g, "d", FM_DIMS (2, 2), data);
  fm_test_graph_int64 (g, "i", FM_DIMS (2, 2), idx);
  fm_test_graph_int64 (g, "u", FM_DIMS (2), upd);
  fm_test_node_string (fm_test_graph_node (g, "ScatterND", "d,i,u", "mx"), "reduction", "max");
  fm_test_node_string (fm_test_graph_node (g, "ScatterND", "d,i,u", "mn"), "reduction", "min");
  fm_test_graph_outputs (g, "mx,mn");
  m = fm_test_graph_build_ok (g);
  /* (0, 1): max (2, 5) = 5, min 2; (1, 0): max (3, -5) = 3, min -5 */
  CHECK_I (m, NULL, "mx", 1, 5, 3, 4);
  CHECK_I (m, NULL, "mn", 1, 2, -5, 4);
}

/* A ScatterND of x [4, 2] at row @row (indices [1, 1]) by updates u
 * (1, 2) of shape @u_rank / @u_dims; the node, for its reduction. */
static FmOnnxNode *
scatter_nd_row (FmTestGraph  *g,
                gint64        row,
                int           u_rank,
                const gint64 *u_dims)
{
  static const float upd[] = { 1, 2 };

  fm_test_graph_int64 (g, "i", FM_DIMS (1, 1), &row);
  fm_test_graph_float (g, "u", u_rank, u_dims, upd);
  return fm_test_graph_one_node (g, "ScatterND", "x,i,u", FM_DIMS (4, 2));
}

static void
test_scatter_nd_refusals (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (16);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (16);
  g_autoptr(FmTestGraph) g3 = fm_test_graph_new (16);

  /* max needs opset 18 */
  fm_test_node_string (scatter_nd_row (g, 0, FM_DIMS (1, 2)), "reduction", "max");
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_ATTRIBUTE, "reduction 'max'");

  /* row 4 of 4 */
  scatter_nd_row (g2, 4, FM_DIMS (1, 2));
  fm_test_graph_build_fails (g2, FM_ERROR_SHAPE, "out of range");

  /* updates should be [1, 2] */
  scatter_nd_row (g3, 0, FM_DIMS (2));
  fm_test_graph_build_fails (g3, FM_ERROR_SHAPE, "expected [1, 2]");
}

/* GatherElements */

static void
test_gather_elements (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const gint64 i1[] = { 2, 0, -1, 1 };   /* [2, 2] on axis 1 */
  static const gint64 i0[] = { 1, 0, 0 };       /* [1, 3] on axis 0 */
  static const float x[] = { 1, 2, 3, 4, 5, 6 }; /* [2, 3] */
  FmOnnxNode *n;

  fm_test_graph_input (g, "x", FM_DIMS (2, 3));
  fm_test_graph_int64 (g, "i1", FM_DIMS (2, 2), i1);
  fm_test_graph_int64 (g, "i0", FM_DIMS (1, 3), i0);
  n = fm_test_graph_node (g, "GatherElements", "x,i1", "a1");
  fm_test_node_int (n, "axis", -1);
  fm_test_graph_node (g, "GatherElements", "x,i0", "a0");
  fm_test_graph_outputs (g, "a1,a0");
  m = fm_test_graph_build_ok (g);
  /* a1[r][c] = x[r][i1[r][c]]: x[0][2] = 3, x[0][0] = 1, x[1][2] = 6,
   * x[1][1] = 5 */
  fm_test_assert_shape (m, "a1", FM_DIMS (2, 2));
  CHECK_F (m, x, "a1", 0.0f, 3, 1, 6, 5);
  /* a0[0][c] = x[i0[0][c]][c]: x[1][0] = 4, x[0][1] = 2, x[0][2] = 3 */
  CHECK_F (m, x, "a0", 0.0f, 4, 2, 3);
}

static void
test_gather_elements_refusals (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmTestGraph) g2 = fm_test_graph_new (13);
  static const gint64 bad[] = { 3 };
  static const gint64 flat[] = { 0, 1 };

  fm_test_graph_int64 (g, "i", FM_DIMS (1, 1), bad);
  fm_test_node_int (fm_test_graph_one_node (g, "GatherElements", "x,i", FM_DIMS (1, 3)), "axis", 1);
  fm_test_graph_build_fails (g, FM_ERROR_SHAPE, "out of range");

  fm_test_graph_int64 (g2, "i", FM_DIMS (2), flat);
  fm_test_graph_one_node (g2, "GatherElements", "x,i", FM_DIMS (1, 3));
  fm_test_graph_build_fails (g2, FM_ERROR_SHAPE, "rank of data");
}

/* OneHot */

static void
test_one_hot (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (11);
  g_autoptr(FmModel) m = NULL;
  static const gint64 idx[] = { 1, -1, 5 };
  static const gint64 depth[] = { 3 };
  static const float values[] = { 0, 2 };
  static const float fidx[] = { 0.0f, 2.0f };

  fm_test_graph_int64 (g, "i", FM_DIMS (3), idx);
  fm_test_graph_int64 (g, "d", 0, NULL, depth);
  fm_test_graph_float (g, "v", FM_DIMS (2), values);
  fm_test_graph_float (g, "fi", FM_DIMS (2), fidx);
  fm_test_graph_node (g, "OneHot", "i,d,v", "last");
  fm_test_node_int (fm_test_graph_node (g, "OneHot", "i,d,v", "first"), "axis", 0);
  fm_test_graph_node (g, "OneHot", "fi,d,v", "f");
  fm_test_graph_outputs (g, "last,first,f");
  m = fm_test_graph_build_ok (g);
  /* 1 -> [0 2 0], -1 = 2 -> [0 0 2], 5 is out of range -> [0 0 0] */
  fm_test_assert_shape (m, "last", FM_DIMS (3, 3));
  CHECK_F (m, NULL, "last", 0.0f, 0, 2, 0, 0, 0, 2, 0, 0, 0);
  /* axis 0: the transpose */
  CHECK_F (m, NULL, "first", 0.0f, 0, 0, 0, 2, 0, 0, 0, 2, 0);
  /* float indices 0 and 2 */
  CHECK_F (m, NULL, "f", 0.0f, 2, 0, 0, 0, 0, 2);
}

/* A OneHot of index 1 at @depth with the @n_values @values is refused
 * with @code and a message containing @fragment. */
static void
one_hot_refused (gint64       depth,
                 const float *values,
                 gsize        n_values,
                 FmError      code,
                 const char  *fragment)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (11);
  static const gint64 idx[] = { 1 };

  fm_test_graph_int64 (g, "i", FM_DIMS (1), idx);
  fm_test_graph_int64 (g, "d", 0, NULL, &depth);
  fm_test_graph_float (g, "v", 1, (const gint64[]) { (gint64) n_values }, values);
  fm_test_graph_node (g, "OneHot", "i,d,v", "y");
  fm_test_graph_output (g, "y");
  fm_test_graph_build_fails (g, code, fragment);
}

static void
test_one_hot_refusals (void)
{
  one_hot_refused (0, FM_FLOATS (0, 1), FM_ERROR_INVALID_MODEL, "depth is 0");
  one_hot_refused (3, FM_FLOATS (0, 1, 2), FM_ERROR_SHAPE, "two elements");
}

/* NonZero */

static void
test_non_zero (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);
  g_autoptr(FmModel) m = NULL;
  static const float c[] = { 0, 3, 0, -1, NAN, 0 };  /* [2, 3] */

  fm_test_graph_float (g, "c", FM_DIMS (2, 3), c);
  fm_test_graph_node (g, "NonZero", "c", "y");
  fm_test_graph_output (g, "y");
  m = fm_test_graph_build_ok (g);
  /* non-zero at (0, 1), (1, 0), (1, 1) (NaN is not zero) */
  fm_test_assert_shape (m, "y", FM_DIMS (2, 3));
  CHECK_I (m, NULL, "y", 0, 1, 1, 1, 0, 1);
}

static void
test_non_zero_refused (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (13);

  fm_test_graph_one_node (g, "NonZero", "x", FM_DIMS (2, 3));
  fm_test_graph_build_fails (g, FM_ERROR_UNSUPPORTED_OP, "data-dependent shape");
}

/* Einsum */

static void
test_einsum (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (12);
  g_autoptr(FmModel) m = NULL;
  static const float w[] = { 1, 0, 1, 1, 2, -1 };    /* [3, 2] */
  static const float x[] = { 1, 2, 3, 4, 5, 6 };     /* [1, 2, 3] */

  fm_test_graph_input (g, "x", FM_DIMS (1, 2, 3));
  fm_test_graph_float (g, "w", FM_DIMS (1, 3, 2), w);
  fm_test_node_string (fm_test_graph_node (g, "Einsum", "x,w", "mm"), "equation",
                       "bij,bjk->bik");
  fm_test_node_string (fm_test_graph_node (g, "Einsum", "x,x", "dot"), "equation",
                       "bhi, bhi -> bh");
  fm_test_node_string (fm_test_graph_node (g, "Einsum", "x", "t"), "equation", "bij->bji");
  fm_test_node_string (fm_test_graph_node (g, "Einsum", "x", "sum"), "equation", "bij->j");
  fm_test_node_string (fm_test_graph_node (g, "Einsum", "x,x", "gram"), "equation",
                       "bid,bjd->bij");
  fm_test_node_string (fm_test_graph_node (g, "Einsum", "x,w", "implicit"), "equation",
                       "bij,bjk");
  fm_test_graph_outputs (g, "mm,dot,t,sum,gram,implicit");
  m = fm_test_graph_build_ok (g);
  /* x = 1 2 3 / 4 5 6, w = 1 0 / 1 1 / 2 -1:
   * row 0: 1 + 2 + 6 = 9, 0 + 2 - 3 = -1; row 1: 4 + 5 + 12 = 21, 5 - 6 = -1 */
  fm_test_assert_shape (m, "mm", FM_DIMS (1, 2, 2));
  CHECK_F (m, x, "mm", 1e-6f, 9, -1, 21, -1);
  /* squared row norms: 1 + 4 + 9 = 14, 16 + 25 + 36 = 77 */
  CHECK_F (m, x, "dot", 1e-6f, 14, 77);
  fm_test_assert_shape (m, "t", FM_DIMS (1, 3, 2));
  CHECK_F (m, x, "t", 0.0f, 1, 4, 2, 5, 3, 6);
  CHECK_F (m, x, "sum", 1e-6f, 5, 7, 9);
  /* rows dotted: 14, 1*4 + 2*5 + 3*6 = 32, 32, 77 */
  CHECK_F (m, x, "gram", 1e-6f, 14, 32, 32, 77);
  /* implicit output: b, i, k used once, in that order */
  CHECK_F (m, x, "implicit", 1e-6f, 9, -1, 21, -1);
}

/* Attention scores "bhid,bhjd->bhij" on 4 threads against plain loops. */
static void
test_einsum_attention_threads (void)
{
  enum { B = 2, H = 2, I = 40, J = 40, D = 8 };
  g_autoptr(FmTestGraph) g = fm_test_graph_new (12);
  g_autoptr(FmModel) m = NULL;
  g_autofree float *q = g_new (float, B * H * I * D);
  g_autofree float *k = g_new (float, B * H * J * D);
  g_autofree float *got = NULL;
  const float *inputs[1];
  gsize n;

  for (int i = 0; i < B * H * I * D; i++)
    q[i] = (float) ((i * 7) % 13 - 6) / 4.0f;
  for (int i = 0; i < B * H * J * D; i++)
    k[i] = (float) ((i * 5) % 11 - 5) / 4.0f;
  inputs[0] = q;
  fm_test_graph_input (g, "q", FM_DIMS (B, H, I, D));
  fm_test_graph_float (g, "k", FM_DIMS (B, H, J, D), k);
  fm_test_node_string (fm_test_graph_node (g, "Einsum", "q,k", "s"), "equation",
                       "bhid,bhjd->bhij");
  fm_test_graph_output (g, "s");
  m = fm_test_graph_build_ok (g);
  fm_test_assert_shape (m, "s", FM_DIMS (B, H, I, J));
  got = fm_test_run_threads_ok (m, inputs, "s", 4, &n);
  g_assert_cmpuint (n, ==, B * H * I * J);
  for (int b = 0; b < B * H; b++)
    for (int i = 0; i < I; i++)
      for (int j = 0; j < J; j++)
        {
          float want = 0.0f;

          for (int d = 0; d < D; d++)
            want += q[(b * I + i) * D + d] * k[(b * J + j) * D + d];
          g_assert_cmpfloat_with_epsilon (got[(b * I + i) * J + j], want, 1e-4);
        }
}

static void
test_einsum_refusals (void)
{
  static const char *const bad[] = { "...ii->...i", "ii->i", "ij,jk,kl->il", "ij->k" };
  static const char *const why[] = { "ellipses", "diagonal", "two operands", "missing" };

  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr(FmTestGraph) g = fm_test_graph_new (12);
      g_autofree char *fragment = g_strdup_printf ("'%s' is not supported: ", bad[k]);
      GError *error = NULL;
      FmModel *model;

      fm_test_node_string (fm_test_graph_one_node (g, "Einsum", k == 2 ? "x,x,x" : "x",
                                                   FM_DIMS (2, 2)),
                           "equation", bad[k]);
      model = fm_test_graph_build (g, &error);
      g_assert_null (model);
      g_assert_error (error, FM_ERROR, FM_ERROR_UNSUPPORTED_ATTRIBUTE);
      g_assert_nonnull (strstr (error->message, fragment));
      g_assert_nonnull (strstr (error->message, why[k]));
      g_error_free (error);
    }
}

/* Shape glue: a mask made from a shape folds at load. */

static void
test_shape_glue_folds (void)
{
  g_autoptr(FmTestGraph) g = fm_test_graph_new (17);
  g_autoptr(FmModel) m = NULL;
  static const gint64 zero[] = { 0 }, one[] = { 1 }, two[] = { 2 }, minus[] = { -1 };
  float x[6] = { 0 };

  /* Shape (x) = [1, 2, 3]; Equal 1 -> [1, 0, 0]; Where -> [-1, 2, 3];
   * s[2] = 3; Range (0, 3, 1) = [0, 1, 2]; Less 2 -> [1, 1, 0] */
  fm_test_graph_input (g, "x", FM_DIMS (1, 2, 3));
  fm_test_graph_int64 (g, "zero", 0, NULL, zero);
  fm_test_graph_int64 (g, "one", 0, NULL, one);
  fm_test_graph_int64 (g, "two", 0, NULL, two);
  fm_test_graph_int64 (g, "minus", 0, NULL, minus);
  fm_test_graph_node (g, "Shape", "x", "s");
  fm_test_graph_node (g, "Equal", "s,one", "is1");
  fm_test_graph_node (g, "Where", "is1,minus,s", "w");
  fm_test_graph_node (g, "Gather", "s,two", "n");
  fm_test_graph_node (g, "Range", "zero,n,one", "r");
  fm_test_graph_node (g, "Less", "r,two", "lt");
  fm_test_graph_outputs (g, "w,lt");
  m = fm_test_graph_build_ok (g);
  CHECK_I (m, x, "w", -1, 2, 3);
  CHECK_I (m, x, "lt", 1, 1, 0);
  g_assert_false (fm_test_model_in_plan (m, fm_test_model_producer (m, "lt")));
  g_assert_false (fm_test_model_in_plan (m, fm_test_model_producer (m, "w")));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/ops-logic/compare/float-nan", test_compare_float_nan);
  g_test_add_func ("/engine/ops-logic/compare/int64-folded", test_compare_int64_folded);
  g_test_add_func ("/engine/ops-logic/compare/refusals", test_compare_refusals);
  g_test_add_func ("/engine/ops-logic/bool", test_logic_bool);
  g_test_add_func ("/engine/ops-logic/bool/float-refused", test_logic_float_refused);
  g_test_add_func ("/engine/ops-logic/where/broadcast", test_where_broadcast);
  g_test_add_func ("/engine/ops-logic/where/mask-in-plan", test_where_mask_in_plan);
  g_test_add_func ("/engine/ops-logic/where/refusals", test_where_refusals);
  g_test_add_func ("/engine/ops-logic/mod", test_mod);
  g_test_add_func ("/engine/ops-logic/mod/refusals", test_mod_refusals);
  g_test_add_func ("/engine/ops-logic/range", test_range);
  g_test_add_func ("/engine/ops-logic/range/refusals", test_range_refusals);
  g_test_add_func ("/engine/ops-logic/trilu", test_trilu);
  g_test_add_func ("/engine/ops-logic/trilu/refusals", test_trilu_refusals);
  g_test_add_func ("/engine/ops-logic/scatter-nd", test_scatter_nd);
  g_test_add_func ("/engine/ops-logic/scatter-nd/max-min-int64", test_scatter_nd_max_int64);
  g_test_add_func ("/engine/ops-logic/scatter-nd/refusals", test_scatter_nd_refusals);
  g_test_add_func ("/engine/ops-logic/gather-elements", test_gather_elements);
  g_test_add_func ("/engine/ops-logic/gather-elements/refusals", test_gather_elements_refusals);
  g_test_add_func ("/engine/ops-logic/one-hot", test_one_hot);
  g_test_add_func ("/engine/ops-logic/one-hot/refusals", test_one_hot_refusals);
  g_test_add_func ("/engine/ops-logic/non-zero", test_non_zero);
  g_test_add_func ("/engine/ops-logic/non-zero/refused", test_non_zero_refused);
  g_test_add_func ("/engine/ops-logic/einsum", test_einsum);
  g_test_add_func ("/engine/ops-logic/einsum/attention-threads", test_einsum_attention_threads);
  g_test_add_func ("/engine/ops-logic/einsum/refusals", test_einsum_refusals);
  g_test_add_func ("/engine/ops-logic/shape-glue-folds", test_shape_glue_folds);

  return g_test_run ();
}
