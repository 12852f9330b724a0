/* fm-op-unary.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Element-wise math without attributes: Exp, Log, Sqrt, Reciprocal, Sin,
 * Cos and Erf (libm's float functions: sqrtf is correctly rounded, erff
 * within about one ulp, so PyTorch's decomposed LayerNorm and GELU come
 * out as the fused ops would), Floor, Ceil, Round (half to even) on float
 * tensors, and Abs, Neg, Sign on float and int64 tensors (int64 wraps:
 * Abs and Neg of the smallest int64 give it back). Large tensors are split
 * across the run's threads. Activations with attributes live in
 * fm-op-activation.c.
 */
#include "config.h"

#include <math.h>

#include "fm-op-common.h"

typedef struct
{
  FmOpType op;         /* the node's: FM_OP_Exp ... FM_OP_Erf */
  FmDType  dtype;
  gsize    numel;
} FmUnaryParams;

static gboolean
unary_prepare (FmOpContext  *ctx,
               GError      **error)
{
  FmOpType op = ctx->node->op;
  FmValue *x;
  FmUnaryParams *p;

  x = fm_op_numeric_x (ctx, 1, 1, error);
  if (x == NULL)
    return FALSE;
  if (op != FM_OP_Abs && op != FM_OP_Neg && op != FM_OP_Sign &&
      !fm_op_check_input (ctx, 0, FM_DTYPE_FLOAT, -1, error))
    return FALSE;

  p = fm_op_new_params (ctx, sizeof *p);
  if (!fm_op_numel (ctx, &x->shape, &p->numel, error))
    return FALSE;
  p->op = op;
  p->dtype = x->dtype;
  fm_op_set_output (ctx, 0, x->dtype, &x->shape);
  return TRUE;
}

typedef struct
{
  const FmUnaryParams *p;
  gconstpointer        x;
  gpointer             y;
} UnaryJob;

#define UNARY_LOOP(T, EXPR)                     \
  G_STMT_START                                  \
  {                                             \
    const T *X = (const T *) job->x + begin;    \
    T *Y = (T *) job->y + begin;                \
    for (gint64 i = 0; i < end - begin; i++)    \
      {                                         \
        T x = X[i];                             \
        Y[i] = (EXPR);                          \
      }                                         \
  }                                             \
  G_STMT_END

/* Elements [begin, end) of int64 Abs, Neg or Sign; negation goes through
 * guint64 so that the smallest int64 wraps instead of overflowing. */
static void
unary_range_int64 (const UnaryJob *job,
                   gint64          begin,
                   gint64          end)
{
  switch (job->p->op)
    {
    case FM_OP_Abs:
      UNARY_LOOP (gint64, x < 0 ? (gint64) (0 - (guint64) x) : x);
      break;
    case FM_OP_Neg:
      UNARY_LOOP (gint64, (gint64) (0 - (guint64) x));
      break;
    case FM_OP_Sign:
      UNARY_LOOP (gint64, (x > 0) - (x < 0));
      break;
    default: /* refused in prepare */
      break;
    }
}

/* Elements [begin, end) of one op. */
static void
unary_range (gpointer data,
             gint64   begin,
             gint64   end)
{
  const UnaryJob *job = data;

  if (job->p->dtype == FM_DTYPE_INT64)
    {
      unary_range_int64 (job, begin, end);
      return;
    }
  switch (job->p->op)
    {
    case FM_OP_Exp: UNARY_LOOP (float, expf (x)); break;
    case FM_OP_Log: UNARY_LOOP (float, logf (x)); break;
    case FM_OP_Sqrt: UNARY_LOOP (float, sqrtf (x)); break;
    case FM_OP_Reciprocal: UNARY_LOOP (float, 1.0f / x); break;
    case FM_OP_Sin: UNARY_LOOP (float, sinf (x)); break;
    case FM_OP_Cos: UNARY_LOOP (float, cosf (x)); break;
    case FM_OP_Erf: UNARY_LOOP (float, erff (x)); break;
    case FM_OP_Floor: UNARY_LOOP (float, floorf (x)); break;
    case FM_OP_Ceil: UNARY_LOOP (float, ceilf (x)); break;
    /* the default rounding mode is to nearest, ties to even */
    case FM_OP_Round: UNARY_LOOP (float, nearbyintf (x)); break;
    case FM_OP_Abs: UNARY_LOOP (float, fabsf (x)); break;
    case FM_OP_Neg: UNARY_LOOP (float, -x); break;
    /* zeros and NaN are their own sign */
    case FM_OP_Sign: UNARY_LOOP (float, x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x); break;
    default: break;
    }
}

/* Split across the run's threads above 32k elements, as the activations
 * are. */
static void
unary_run (const FmNode *node,
           FmRunCtx     *rc)
{
  const FmUnaryParams *p = node->params;
  UnaryJob job = { p, rc->ptrs[node->inputs[0]], rc->ptrs[node->outputs[0]] };

  fm_threads_parallel_for (rc->threads, (gint64) p->numel, 32768, unary_range, &job);
}

static const char * const no_attributes[] = { NULL };

/* One prepare and one run for all: the node's op says which. */
const FmOpInfo fm_op_exp = { "Exp", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_log = { "Log", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_sqrt = { "Sqrt", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_reciprocal = { "Reciprocal", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_sin = { "Sin", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_cos = { "Cos", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_erf = { "Erf", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_floor = { "Floor", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_ceil = { "Ceil", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_round = { "Round", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_abs = { "Abs", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_neg = { "Neg", no_attributes, unary_prepare, unary_run };
const FmOpInfo fm_op_sign = { "Sign", no_attributes, unary_prepare, unary_run };
