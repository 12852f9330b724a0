/* fm-op-binary.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Add, Sub, Mul, Div with numpy broadcasting (float and int64; int64 is
 * what folded shape arithmetic uses; before opset 7, the attributes
 * broadcast and axis) and PRelu (float, slope broadcast to X; before
 * opset 7, a slope [C] per channel). Integer division truncates toward zero and gives 0 for a zero
 * divisor instead of trapping. Mixed dtypes are refused.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

typedef struct
{
  FmOpType op;         /* the node's: FM_OP_Add ... FM_OP_PRelu */
  FmDType  dtype;
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
  if (b->dtype != dtype)
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
  fm_broadcast_strides (&a->shape, &out, strides[0]);
  fm_broadcast_strides (&b_shape, &out, strides[1]);
  fm_walk_init (&p->walk, &out, 2, strides);
  fm_op_set_output (ctx, 0, dtype, &out);
  return TRUE;
}

#define BINARY_LOOP(T, EXPR)                                            \
  G_STMT_START                                                          \
  {                                                                     \
    const T *A = rc->ptrs[node->inputs[0]];                             \
    const T *B = rc->ptrs[node->inputs[1]];                             \
    T *Y = rc->ptrs[node->outputs[0]];                                  \
    int last = w->rank - 1;                                             \
    gint64 n = w->dims[last];                                           \
    gint64 sa = w->strides[0][last], sb = w->strides[1][last];          \
    do                                                                  \
      {                                                                 \
        const T *pa = A + off[0], *pb = B + off[1];                     \
        if (sa == 1 && sb == 1)                                         \
          for (gint64 i = 0; i < n; i++)                                \
            {                                                           \
              T x = pa[i], y = pb[i];                                   \
              Y[i] = (EXPR);                                            \
            }                                                           \
        else if (sa == 1 && sb == 0)                                    \
          for (gint64 i = 0; i < n; i++)                                \
            {                                                           \
              T x = pa[i], y = pb[0];                                   \
              Y[i] = (EXPR);                                            \
            }                                                           \
        else                                                            \
          for (gint64 i = 0; i < n; i++)                                \
            {                                                           \
              T x = pa[i * sa], y = pb[i * sb];                         \
              Y[i] = (EXPR);                                            \
            }                                                           \
        Y += n;                                                         \
      }                                                                 \
    while (fm_walk_next (w, idx, off, 2));                              \
  }                                                                     \
  G_STMT_END

static void
binary_run (const FmNode *node,
            FmRunCtx     *rc)
{
  const FmBinaryParams *p = node->params;
  const FmWalk *w = &p->walk;
  gint64 idx[FM_MAX_RANK] = { 0 };
  gint64 off[2] = { 0, 0 };

  if (w->numel == 0)
    return;
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

static const char * const no_attributes[] = { NULL };
/* broadcast and axis: opset 6 and older only */
static const char * const legacy_attributes[] = { "broadcast", "axis", NULL };

/* One prepare and one run for all: the node's op says which. */
const FmOpInfo fm_op_add = { "Add", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_sub = { "Sub", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_mul = { "Mul", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_div = { "Div", legacy_attributes, binary_prepare, binary_run };
const FmOpInfo fm_op_prelu = { "PRelu", no_attributes, binary_prepare, binary_run };
