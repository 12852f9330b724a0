/* fm-op-binary.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Add, Sub, Mul, Div with numpy broadcasting (float and int64; int64 is
 * what folded shape arithmetic uses) and PRelu (float, slope broadcast to
 * X; before opset 7, a slope [C] per channel). Before opset 7, Add, Sub,
 * Mul, Div and Pow broadcast only as their attributes broadcast and axis
 * say. Integer division truncates toward zero and gives 0 for a zero
 * divisor instead of trapping. Mixed dtypes are refused, except by Pow,
 * whose base and exponent may each be float or int64 (the output has the
 * base's type; x^2 is x * x exactly, as PyTorch's decomposed LayerNorm
 * needs). The variadic Min, Max, Sum (float and int64) and Mean (float)
 * take 1 to N inputs broadcast together (before opset 8, of one shape);
 * Min and Max propagate NaN as numpy does. Add, Sub, Mul, Div and PRelu
 * split large outputs across the run's threads.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

typedef struct
{
  FmOpType op;         /* the node's: FM_OP_Add ... FM_OP_PRelu */
  FmDType  dtype;      /* of A and Y */
  FmDType  b_dtype;    /* of B: A's, or Pow's exponent's */
  FmWalk   walk;
} FmBinaryParams;

/* Before opset 7, a PRelu slope of one dim the size of X's channels
 * applies per channel (PyTorch's nn.PReLU(C) at opset 6); from opset 7 the
 * slope broadcasts as numpy says. */
static void
prelu_slope_shape (FmOpContext   *ctx,
                   const FmShape *x,
                   const FmShape *slope,
                   FmShape       *view)
{
  *view = *slope;
  if (ctx->node->opset < 7 && slope->rank == 1 && x->rank >= 2 && slope->dims[0] == x->dims[1])
    {
      view->rank = x->rank - 1;
      for (int d = 0; d < view->rank; d++)
        view->dims[d] = d == 0 ? slope->dims[0] : 1;
    }
}

static gboolean
binary_prepare (FmOpContext  *ctx,
                GError      **error)
{
  FmOpType op = ctx->node->op;
  FmValue *a, *b;
  FmBinaryParams *p;
  FmShape out, b_shape;
  FmDType dtype;
  gint64 strides[2][FM_MAX_RANK];

  a = fm_op_numeric_x (ctx, 2, 2, error);
  if (a == NULL)
    return FALSE;
  dtype = a->dtype;
  b = fm_op_input (ctx, 1);
  if (op == FM_OP_PRelu && dtype != FM_DTYPE_FLOAT)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_OP,
                       _("input X has type %s; only float is supported"),
                       fm_dtype_name (dtype));
  if (op == FM_OP_Pow && !fm_op_check_numeric (ctx, 1, &(FmDType) { 0 }, error))
    return FALSE;
  if (b->dtype != dtype && op != FM_OP_Pow)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("inputs have different types %s and %s"),
                       fm_dtype_name (dtype), fm_dtype_name (b->dtype));
  if (op == FM_OP_PRelu)
    prelu_slope_shape (ctx, &a->shape, &b->shape, &b_shape);
  else if (!fm_op_legacy_broadcast (ctx, &a->shape, &b->shape, &b_shape, error))
    return FALSE;
  if (!fm_shape_broadcast (&a->shape, &b_shape, &out) ||
      (op == FM_OP_PRelu && !fm_shape_equal (&out, &a->shape)))
    {
      g_autofree char *as = fm_shape_to_string (&a->shape);
      g_autofree char *bs = fm_shape_to_string (&b->shape);
      if (op == FM_OP_PRelu)
        return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                           /* Translators: the shapes of the PRelu inputs X and slope; X is
                              the input's name, not translated. */
                           _("input shapes %s and %s do not broadcast to X"), as, bs);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input shapes %s and %s do not broadcast"), as, bs);
    }
  if (!fm_op_numel (ctx, &out, &(gsize) { 0 }, error))
    return FALSE;

  p = fm_op_new_params (ctx, sizeof *p);
  p->op = op;
  p->dtype = dtype;
  p->b_dtype = b->dtype;
  fm_broadcast_strides (&a->shape, &out, strides[0]);
  fm_broadcast_strides (&b_shape, &out, strides[1]);
  fm_walk_init (&p->walk, &out, 2, strides);
  fm_op_set_output (ctx, 0, dtype, &out);
  return TRUE;
}

/* Where element @e of walk @w's output is: the index of its row (all
 * dims but the last) in @idx and the inputs' offsets of that row's first
 * element in @off. */
static void
walk_seek (const FmWalk *w,
           gint64        e,
           gint64       *idx,
           gint64       *off)
{
  gint64 row = e / w->dims[w->rank - 1];

  off[0] = off[1] = 0;
  for (int d = w->rank - 2; d >= 0; d--)
    {
      idx[d] = row % w->dims[d];
      row /= w->dims[d];
      off[0] += idx[d] * w->strides[0][d];
      off[1] += idx[d] * w->strides[1][d];
    }
}

/* Y = EXPR (x, y) for output elements [E0, E1) of walk @w, x read from A
 * (TA), y from B (TB), Y of TA contiguous; A may be Y itself (the
 * variadic ops accumulate in Y). */
#define WALK_LOOP(TA, TB, A_, B_, Y_, E0, E1, EXPR)                     \
  G_STMT_START                                                          \
  {                                                                     \
    const TA *A = (A_);                                                 \
    const TB *B = (B_);                                                 \
    gint64 idx[FM_MAX_RANK] = { 0 };                                    \
    gint64 off[2] = { 0, 0 };                                           \
    int last = w->rank - 1;                                             \
    gint64 n = w->dims[last], e = (E0), e1 = (E1);                      \
    gint64 sa = w->strides[0][last], sb = w->strides[1][last];          \
    gint64 col = e % n;                                                 \
    TA *Y = (TA *) (Y_) + e;                                            \
    walk_seek (w, e, idx, off);                                         \
    while (e < e1)                                                      \
      {                                                                 \
        gint64 len = MIN (n - col, e1 - e);                             \
        const TA *pa = A + off[0] + col * sa;                           \
        const TB *pb = B + off[1] + col * sb;                           \
        if (sa == 1 && sb == 1)                                         \
          for (gint64 i = 0; i < len; i++)                              \
            {                                                           \
              TA x = pa[i];                                             \
              TB y = pb[i];                                             \
              Y[i] = (EXPR);                                            \
            }                                                           \
        else if (sa == 1 && sb == 0)                                    \
          for (gint64 i = 0; i < len; i++)                              \
            {                                                           \
              TA x = pa[i];                                             \
              TB y = pb[0];                                             \
              Y[i] = (EXPR);                                            \
            }                                                           \
        else                                                            \
          for (gint64 i = 0; i < len; i++)                              \
            {                                                           \
              TA x = pa[i * sa];                                        \
              TB y = pb[i * sb];                                        \
              Y[i] = (EXPR);                                            \
            }                                                           \
        Y += len;                                                       \
        e += len;                                                       \
        col = 0;                                                        \
        if (e < e1)                                                     \
          fm_walk_next (w, idx, off, 2);                                \
      }                                                                 \
  }                                                                     \
  G_STMT_END

#define BINARY_LOOP(T, EXPR) \
  WALK_LOOP (T, T, job->a, job->b, job->y, begin, end, EXPR)
#define POW_LOOP(TA, TB, EXPR) \
  WALK_LOOP (TA, TB, rc->ptrs[node->inputs[0]], rc->ptrs[node->inputs[1]], \
             rc->ptrs[node->outputs[0]], 0, w->numel, EXPR)

/* x^y in float; x^2 is x * x, exactly as PyTorch computes it. */
static inline float
pow_float (float x,
           float y)
{
  return y == 2.0f ? x * x : powf (x, y);
}

/* x^y for an integer exponent (exactly held by a double). */
static inline float
pow_float_int (float  x,
               gint64 y)
{
  return y == 2 ? x * x : (float) pow (x, (double) y);
}

/* x^y in int64, wrapping as the int64 arithmetic here does; a negative
 * exponent gives the integer part of 1 / x^-y. */
static gint64
pow_int (gint64 x,
         gint64 y)
{
  guint64 r = 1, b = (guint64) x;

  if (y < 0)
    return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
  for (; y > 0; y >>= 1)
    {
      if (y & 1)
        r *= b;
      b *= b;
    }
  return (gint64) r;
}

/* An int64 base with a float exponent: the double result truncated and
 * clamped to int64 (NaN gives 0). */
static gint64
pow_int_float (gint64 x,
               float  y)
{
  double r = pow ((double) x, (double) y);

  if (isnan (r))
    return 0;
  if (r >= 0x1p63)
    return G_MAXINT64;
  if (r < -0x1p63)
    return G_MININT64;
  return (gint64) r;
}

static void
pow_run (const FmNode         *node,
         FmRunCtx             *rc,
         const FmBinaryParams *p)
{
  const FmWalk *w = &p->walk;
  gboolean float_b = p->b_dtype == FM_DTYPE_FLOAT;

  if (p->dtype == FM_DTYPE_FLOAT && float_b)
    POW_LOOP (float, float, pow_float (x, y));
  else if (p->dtype == FM_DTYPE_FLOAT)
    POW_LOOP (float, gint64, pow_float_int (x, y));
  else if (float_b)
    POW_LOOP (gint64, float, pow_int_float (x, y));
  else
    POW_LOOP (gint64, gint64, pow_int (x, y));
}

typedef struct
{
  const FmBinaryParams *p;
  gconstpointer         a, b;
  gpointer              y;
} BinaryJob;

/* Output elements [begin, end) of Add, Sub, Mul, Div or PRelu. */
static void
binary_range (gpointer data,
              gint64   begin,
              gint64   end)
{
  const BinaryJob *job = data;
  const FmBinaryParams *p = job->p;
  const FmWalk *w = &p->walk;

  if (p->dtype == FM_DTYPE_FLOAT)
    {
      switch (p->op)
        {
        case FM_OP_Add: BINARY_LOOP (float, x + y); break;
        case FM_OP_Sub: BINARY_LOOP (float, x - y); break;
        case FM_OP_Mul: BINARY_LOOP (float, x * y); break;
        case FM_OP_Div: BINARY_LOOP (float, x / y); break;
        case FM_OP_PRelu: BINARY_LOOP (float, x < 0.0f ? x * y : x); break;
        default: break;
        }
    }
  else
    {
      /* Wrapping arithmetic through guint64 avoids signed overflow. */
      switch (p->op)
        {
        case FM_OP_Add: BINARY_LOOP (gint64, (gint64) ((guint64) x + (guint64) y)); break;
        case FM_OP_Sub: BINARY_LOOP (gint64, (gint64) ((guint64) x - (guint64) y)); break;
        case FM_OP_Mul: BINARY_LOOP (gint64, (gint64) ((guint64) x * (guint64) y)); break;
        case FM_OP_Div:
          BINARY_LOOP (gint64, y == 0 || (y == -1 && x == G_MININT64) ? 0 : x / y);
          break;
        default: break; /* PRelu is float only */
        }
    }
}

/* Large outputs are split across the run's threads (each element is
 * one operation, so the shares do not change any result). */
static void
binary_run (const FmNode *node,
            FmRunCtx     *rc)
{
  const FmBinaryParams *p = node->params;
  BinaryJob job = { p, rc->ptrs[node->inputs[0]], rc->ptrs[node->inputs[1]],
                    rc->ptrs[node->outputs[0]] };
  const FmWalk *w = &p->walk;

  if (w->numel == 0)
    return;
  if (p->op == FM_OP_Pow)
    pow_run (node, rc, p);
  else
    fm_threads_parallel_for (rc->threads, w->numel,
                             fm_threads_grain (1.0, 3.0 * fm_dtype_size (p->dtype)),
                             binary_range, &job);
}

/* Min, Max, Sum, Mean: Y is input 0 broadcast to the output shape, then
 * each further input is folded into it in place. */
typedef struct
{
  FmOpType op;         /* the node's: FM_OP_Min ... FM_OP_Mean */
  FmDType  dtype;
  guint    n_in;
  FmWalk   walks[];    /* [0]: input 0 to Y (one input); [k]: Y and input k */
} FmVariadicParams;

/* The output shape of the inputs broadcast together; before opset 8 they
 * must have one shape. */
static gboolean
variadic_shape (FmOpContext  *ctx,
                FmDType       dtype,
                FmShape      *out,
                GError      **error)
{
  *out = fm_op_input (ctx, 0)->shape;
  for (guint k = 1; k < ctx->node->n_inputs; k++)
    {
      FmValue *v = fm_op_input (ctx, k);
      FmShape prev = *out;

      if (v->dtype != dtype)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("inputs have different types %s and %s"),
                           fm_dtype_name (dtype), fm_dtype_name (v->dtype));
      if (ctx->node->opset < 8 ? !fm_shape_equal (&prev, &v->shape)
                               : !fm_shape_broadcast (&prev, &v->shape, out))
        {
          g_autofree char *as = fm_shape_to_string (&prev);
          g_autofree char *bs = fm_shape_to_string (&v->shape);
          if (ctx->node->opset < 8)
            return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                               _("input shapes %s and %s differ; before opset 8 "
                                 "they must be the same"), as, bs);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             _("input shapes %s and %s do not broadcast"), as, bs);
        }
    }
  return fm_op_numel (ctx, out, &(gsize) { 0 }, error);
}

static gboolean
variadic_prepare (FmOpContext  *ctx,
                  GError      **error)
{
  FmOpType op = ctx->node->op;
  guint n_in = ctx->node->n_inputs;
  FmValue *x;
  FmVariadicParams *p;
  FmShape out;
  gint64 strides[2][FM_MAX_RANK];

  /* every input present, at least one */
  x = fm_op_numeric_x (ctx, MAX (n_in, 1), n_in, error);
  if (x == NULL)
    return FALSE;
  if (op == FM_OP_Mean && x->dtype != FM_DTYPE_FLOAT)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_OP,
                       _("input 0 has type %s; only float is supported"),
                       fm_dtype_name (x->dtype));
  if (!variadic_shape (ctx, x->dtype, &out, error))
    return FALSE;

  p = fm_op_new_params (ctx, sizeof *p + n_in * sizeof (FmWalk));
  p->op = op;
  p->dtype = x->dtype;
  p->n_in = n_in;
  fm_broadcast_strides (&x->shape, &out, strides[0]);
  fm_walk_init (&p->walks[0], &out, 1, strides);
  fm_broadcast_strides (&out, &out, strides[0]);
  for (guint k = 1; k < n_in; k++)
    {
      fm_broadcast_strides (&fm_op_input (ctx, k)->shape, &out, strides[1]);
      fm_walk_init (&p->walks[k], &out, 2, strides);
    }
  fm_op_set_output (ctx, 0, x->dtype, &out);
  return TRUE;
}

/* Max and min that return NaN when either operand is NaN (numpy's
 * maximum and minimum). */
#define MAX_NAN(x, y) ((x) > (y) || (x) != (x) ? (x) : (y))
#define MIN_NAN(x, y) ((x) < (y) || (x) != (x) ? (x) : (y))

static void
variadic_run (const FmNode *node,
              FmRunCtx     *rc)
{
  const FmVariadicParams *p = node->params;
  gpointer y0 = rc->ptrs[node->outputs[0]];

  if (p->walks[0].numel == 0)
    return;
  fm_walk_copy (&p->walks[0], rc->ptrs[node->inputs[0]], y0, fm_dtype_size (p->dtype));
  for (guint k = 1; k < p->n_in; k++)
    {
      const FmWalk *w = &p->walks[k];
      gconstpointer b = rc->ptrs[node->inputs[k]];

      if (p->dtype == FM_DTYPE_FLOAT)
        switch (p->op)
          {
          case FM_OP_Max: WALK_LOOP (float, float, y0, b, y0, 0, w->numel, MAX_NAN (x, y)); break;
          case FM_OP_Min: WALK_LOOP (float, float, y0, b, y0, 0, w->numel, MIN_NAN (x, y)); break;
          default: WALK_LOOP (float, float, y0, b, y0, 0, w->numel, x + y); break; /* Sum, Mean */
          }
      else
        switch (p->op)
          {
          case FM_OP_Max: WALK_LOOP (gint64, gint64, y0, b, y0, 0, w->numel, MAX (x, y)); break;
          case FM_OP_Min: WALK_LOOP (gint64, gint64, y0, b, y0, 0, w->numel, MIN (x, y)); break;
          default: /* Sum */
            WALK_LOOP (gint64, gint64, y0, b, y0, 0, w->numel,
                       (gint64) ((guint64) x + (guint64) y));
            break;
          }
    }
  if (p->op == FM_OP_Mean)
    {
      float *y = y0;

      for (gint64 i = 0; i < p->walks[0].numel; i++)
        y[i] /= (float) p->n_in;
    }
}

static const char * const no_attributes[] = { NULL };
/* broadcast and axis: opset 6 and older only */
static const char * const legacy_attributes[] = { "broadcast", "axis", NULL };

/* One prepare and one run for all: the node's op says which. */
const FmOpInfo fm_op_add = { "Add", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_sub = { "Sub", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_mul = { "Mul", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_div = { "Div", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_prelu = { "PRelu", no_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_pow = { "Pow", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_min = { "Min", no_attributes, variadic_prepare, variadic_run };
const FmOpInfo fm_op_max = { "Max", no_attributes, variadic_prepare, variadic_run };
const FmOpInfo fm_op_sum = { "Sum", no_attributes, variadic_prepare, variadic_run };
const FmOpInfo fm_op_mean = { "Mean", no_attributes, variadic_prepare, variadic_run };
