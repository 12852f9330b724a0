/* fm-op-reduce.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reductions over a set of axes: ReduceSum, ReduceMean, ReduceMax,
 * ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum
 * and ReduceLogSumExp (axes as attribute before opset 13 for ReduceSum and
 * 18 for the others, as constant input from then; keepdims;
 * noop_with_empty_axes), ArgMax and ArgMin along one axis (keepdims,
 * select_last_index; int64 output), CumSum along one constant axis
 * (exclusive, reverse) and LRN across channels (size, alpha, beta, bias).
 * Sums and products are accumulated in double. An empty reduction gives
 * the identity of the op (0, 1, -inf, +inf); ReduceMean and ArgMax / ArgMin
 * over an empty axis are refused. Float input only.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

typedef struct
{
  FmOpType op;
  FmWalk   outer;     /* the kept dims, in input strides; one output each */
  FmWalk   inner;     /* the reduced dims, in input strides */
  gint64   out_numel;
  gint64   count;     /* elements reduced into each output */
} FmReduceParams;

/* Reads the axes of a Reduce* node (attribute before @input_opset, constant
 * input 1 from it) and noop_with_empty_axes into @reduce, one flag per dim
 * of a rank @rank input. */
static gboolean
reduce_axes (FmOpContext  *ctx,
             gint64        input_opset,
             int           rank,
             gboolean     *reduce,
             GError      **error)
{
  gint64 axes[FM_MAX_RANK], noop;
  guint n_axes = 0;

  if (!fm_op_attr_int (ctx, "noop_with_empty_axes", 0, &noop, error))
    return FALSE;
  if (ctx->node->opset < input_opset)
    {
      if (!fm_op_check_n_inputs (ctx, 1, 1, error) ||
          !fm_op_attr_ints (ctx, "axes", axes, FM_MAX_RANK, &n_axes, error))
        return FALSE;
    }
  else
    {
      if (fm_op_attr (ctx, "axes") != NULL)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           /* Translators: the number is an ONNX opset version. */
                           _("axes is an input from opset %" PRId64 ", not an attribute"),
                           input_opset);
      if (!fm_op_check_n_inputs (ctx, 1, 2, error) ||
          (fm_op_input (ctx, 1) != NULL &&
           !fm_op_const_ints (ctx, 1, "axes", axes, FM_MAX_RANK, &n_axes, error)))
        return FALSE;
    }
  for (int d = 0; d < rank; d++)
    reduce[d] = n_axes == 0 && !noop;
  for (guint i = 0; i < n_axes; i++)
    {
      int ax;

      if (!fm_op_norm_axis (ctx, axes[i], rank, "axes value", &ax, error))
        return FALSE;
      reduce[ax] = TRUE;
    }
  return TRUE;
}

/* The output shape of reducing @x over @reduce (kept as 1 with @keepdims),
 * and the walks over the kept and the reduced dims. */
static void
reduce_plan (const FmValue  *x,
             const gboolean *reduce,
             gboolean        keepdims,
             FmReduceParams *p,
             FmShape        *out)
{
  FmShape kept = x->shape, gone = x->shape;
  gint64 strides[1][FM_MAX_RANK], kept_strides[1][FM_MAX_RANK];

  fm_shape_strides (&x->shape, strides[0]);
  out->rank = 0;
  p->count = 1;
  for (int d = 0; d < x->shape.rank; d++)
    {
      kept_strides[0][d] = reduce[d] ? 0 : strides[0][d];
      if (reduce[d])
        {
          kept.dims[d] = 1;
          p->count *= x->shape.dims[d];
        }
      else
        gone.dims[d] = 1;
      if (!reduce[d] || keepdims)
        out->dims[out->rank++] = kept.dims[d];
    }
  fm_walk_init (&p->outer, &kept, 1, kept_strides);
  fm_walk_init (&p->inner, &gone, 1, strides);
  p->out_numel = p->outer.numel;
}

static gboolean
reduce_prepare (FmOpContext  *ctx,
                GError      **error)
{
  FmOpType op = ctx->node->op;
  FmValue *x;
  FmReduceParams *p;
  FmShape out;
  gboolean reduce[FM_MAX_RANK];
  gint64 keepdims;

  if (!fm_op_check_input (ctx, 0, FM_DTYPE_FLOAT, -1, error) ||
      !fm_op_attr_int (ctx, "keepdims", 1, &keepdims, error))
    return FALSE;
  x = fm_op_input (ctx, 0);
  if (!reduce_axes (ctx, op == FM_OP_ReduceSum ? 13 : 18, x->shape.rank, reduce, error))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->op = op;
  reduce_plan (x, reduce, keepdims != 0, p, &out);
  if (p->count == 0 && op == FM_OP_ReduceMean)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE, _("cannot average over an empty axis"));
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

/* Offset in the input of output element @o of @outer. */
static gint64
walk_offset (const FmWalk *walk,
             gint64        o)
{
  gint64 off = 0;

  for (int d = walk->rank - 1; d >= 0; d--)
    {
      off += (o % walk->dims[d]) * walk->strides[0][d];
      o /= walk->dims[d];
    }
  return off;
}

typedef enum
{
  ACC_SUM,
  ACC_ABS,
  ACC_SQUARE,
  ACC_PROD,
  ACC_MAX,
  ACC_MIN,
  ACC_EXP,     /* sum of exp (x - shift) */
} FmAcc;

/* Accumulates @kind over the reduced elements of one output, starting at
 * @x, from @init. */
static double
reduce_one (const FmWalk *inner,
            const float  *x,
            FmAcc         kind,
            double        init,
            double        shift)
{
  gint64 idx[FM_MAX_RANK] = { 0 }, off = 0;
  gint64 n = inner->dims[inner->rank - 1], st = inner->strides[0][inner->rank - 1];
  double acc = init;

  if (inner->numel == 0)
    return init;
  do
    {
      const float *r = x + off;

      switch (kind)
        {
        case ACC_SUM:
          for (gint64 i = 0; i < n; i++)
            acc += r[i * st];
          break;
        case ACC_ABS:
          for (gint64 i = 0; i < n; i++)
            acc += fabs ((double) r[i * st]);
          break;
        case ACC_SQUARE:
          for (gint64 i = 0; i < n; i++)
            acc += (double) r[i * st] * r[i * st];
          break;
        case ACC_PROD:
          for (gint64 i = 0; i < n; i++)
            acc *= r[i * st];
          break;
        case ACC_MAX:
          /* NaN wins and stays, as numpy's max */
          for (gint64 i = 0; i < n && acc == acc; i++)
            if (!(r[i * st] <= acc))
              acc = r[i * st];
          break;
        case ACC_MIN:
          for (gint64 i = 0; i < n && acc == acc; i++)
            if (!(r[i * st] >= acc))
              acc = r[i * st];
          break;
        case ACC_EXP:
          for (gint64 i = 0; i < n; i++)
            acc += exp (r[i * st] - shift);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  while (fm_walk_next (inner, idx, &off, 1));
  return acc;
}

static float
reduce_value (const FmReduceParams *p,
              const float          *x)
{
  const FmWalk *in = &p->inner;
  double m;

  switch (p->op)
    {
    case FM_OP_ReduceSum:
      return reduce_one (in, x, ACC_SUM, 0.0, 0.0);
    case FM_OP_ReduceMean:
      return reduce_one (in, x, ACC_SUM, 0.0, 0.0) / (double) p->count;
    case FM_OP_ReduceL1:
      return reduce_one (in, x, ACC_ABS, 0.0, 0.0);
    case FM_OP_ReduceL2:
      return sqrt (reduce_one (in, x, ACC_SQUARE, 0.0, 0.0));
    case FM_OP_ReduceSumSquare:
      return reduce_one (in, x, ACC_SQUARE, 0.0, 0.0);
    case FM_OP_ReduceLogSum:
      return log (reduce_one (in, x, ACC_SUM, 0.0, 0.0));
    case FM_OP_ReduceProd:
      return reduce_one (in, x, ACC_PROD, 1.0, 0.0);
    case FM_OP_ReduceMax:
      return reduce_one (in, x, ACC_MAX, -INFINITY, 0.0);
    case FM_OP_ReduceMin:
      return reduce_one (in, x, ACC_MIN, INFINITY, 0.0);
    case FM_OP_ReduceLogSumExp:
      /* shifted by the maximum; an infinite or NaN maximum is the result */
      m = reduce_one (in, x, ACC_MAX, -INFINITY, 0.0);
      if (!isfinite (m))
        return m;
      return m + log (reduce_one (in, x, ACC_EXP, 0.0, m));
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  const FmReduceParams *p;
  const float          *x;
  float                *y;
} ReduceJob;

static void
reduce_range (gpointer data,
              gint64   begin,
              gint64   end)
{
  const ReduceJob *job = data;

  for (gint64 o = begin; o < end; o++)
    job->y[o] = reduce_value (job->p, job->x + walk_offset (&job->p->outer, o));
}

static void
reduce_run (const FmNode *node,
            FmRunCtx     *rc)
{
  const FmReduceParams *p = node->params;
  ReduceJob job = { p, FM_IN_F (rc, node, 0), FM_OUT_F (rc, node, 0) };

  fm_threads_parallel_for (rc->threads, p->out_numel, MAX (32768 / MAX (p->count, 1), 1),
                           reduce_range, &job);
}

static const char * const reduce_attributes[] = {
  "axes", "keepdims", "noop_with_empty_axes", NULL
};

/* One prepare and one run for all: the node's op says which. */
#define REDUCE_OP(name) { name, reduce_attributes, reduce_prepare, reduce_run }

const FmOpInfo fm_op_reduce_sum = REDUCE_OP ("ReduceSum");
const FmOpInfo fm_op_reduce_mean = REDUCE_OP ("ReduceMean");
const FmOpInfo fm_op_reduce_max = REDUCE_OP ("ReduceMax");
const FmOpInfo fm_op_reduce_min = REDUCE_OP ("ReduceMin");
const FmOpInfo fm_op_reduce_prod = REDUCE_OP ("ReduceProd");
const FmOpInfo fm_op_reduce_l1 = REDUCE_OP ("ReduceL1");
const FmOpInfo fm_op_reduce_l2 = REDUCE_OP ("ReduceL2");
const FmOpInfo fm_op_reduce_sum_square = REDUCE_OP ("ReduceSumSquare");
const FmOpInfo fm_op_reduce_log_sum = REDUCE_OP ("ReduceLogSum");
const FmOpInfo fm_op_reduce_log_sum_exp = REDUCE_OP ("ReduceLogSumExp");

/* ArgMax, ArgMin and CumSum: along one axis of x seen as [outer, n, inner] */

typedef struct
{
  gint64   outer, n, inner;
  gboolean last;      /* ArgMax / ArgMin: select_last_index */
  gboolean exclusive; /* CumSum */
  gboolean reverse;   /* CumSum */
} FmAxisParams;

/* Splits @x at axis @ax into params' [outer, n, inner]. */
static FmAxisParams *
axis_params (FmOpContext   *ctx,
             const FmValue *x,
             int            ax)
{
  FmAxisParams *p = fm_op_new_params (ctx, sizeof *p);

  fm_op_split_axis (&x->shape, ax, &p->outer, &p->n, &p->inner);
  return p;
}

static gboolean
arg_prepare (FmOpContext  *ctx,
             GError      **error)
{
  FmValue *x;
  FmAxisParams *p;
  FmShape out;
  gint64 axis, keepdims, last;
  int ax;

  x = fm_op_float_x (ctx, 1, 1, -1, error);
  if (x == NULL ||
      !fm_op_attr_int (ctx, "axis", 0, &axis, error) ||
      !fm_op_attr_int (ctx, "keepdims", 1, &keepdims, error) ||
      !fm_op_attr_int (ctx, "select_last_index", 0, &last, error) ||
      !fm_op_norm_axis (ctx, axis, x->shape.rank, "axis", &ax, error))
    return FALSE;
  if (x->shape.dims[ax] == 0)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("cannot take the index of an extreme over an empty axis"));
  p = axis_params (ctx, x, ax);
  p->last = last != 0;
  out = x->shape;
  if (keepdims)
    out.dims[ax] = 1;
  else
    {
      memmove (out.dims + ax, out.dims + ax + 1, (out.rank - ax - 1) * sizeof (gint64));
      out.rank--;
    }
  fm_op_set_output (ctx, 0, FM_DTYPE_INT64, &out);
  return TRUE;
}

/* Index along n of the largest (@max) or smallest element of each
 * [outer, inner] column; the first of equal ones unless p->last, and the
 * first NaN if any, as numpy. */
static void
arg_run (const FmNode *node,
         FmRunCtx     *rc)
{
  const FmAxisParams *p = node->params;
  const float *x = FM_IN_F (rc, node, 0);  /* [outer, n, inner] */
  gint64 *y = FM_OUT_I (rc, node, 0);      /* [outer, inner] */
  gboolean max = node->op == FM_OP_ArgMax;

  for (gint64 o = 0; o < p->outer; o++)
    for (gint64 j = 0; j < p->inner; j++)
      {
        const float *xs = x + o * p->n * p->inner + j;
        float best = xs[0];
        gint64 at = 0;

        for (gint64 i = 1; i < p->n && !isnan (best); i++)
          {
            float v = xs[i * p->inner];
            gboolean better = max ? v > best : v < best;

            if (better || isnan (v) || (p->last && v == best))
              {
                best = v;
                at = i;
              }
          }
        y[o * p->inner + j] = at;
      }
}

static const char * const arg_attributes[] = {
  "axis", "keepdims", "select_last_index", NULL
};

const FmOpInfo fm_op_arg_max = { "ArgMax", arg_attributes, arg_prepare, arg_run };
const FmOpInfo fm_op_arg_min = { "ArgMin", arg_attributes, arg_prepare, arg_run };

static gboolean
cum_sum_prepare (FmOpContext  *ctx,
                 GError      **error)
{
  const FmConstTensor *t;
  FmValue *x;
  FmAxisParams *p;
  gint64 exclusive, reverse;
  int ax;

  x = fm_op_float_x (ctx, 2, 2, -1, error);
  if (x == NULL ||
      !fm_op_attr_int (ctx, "exclusive", 0, &exclusive, error) ||
      !fm_op_attr_int (ctx, "reverse", 0, &reverse, error))
    return FALSE;
  t = fm_op_const_input (ctx, 1, FM_DTYPE_INT64, "axis", error);
  if (t == NULL)
    return FALSE;
  if (t->numel != 1 || t->shape.rank > 1)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("axis must be a scalar, it has %zu elements"), t->numel);
  if (!fm_op_norm_axis (ctx, ((const gint64 *) t->data)[0], x->shape.rank, "axis", &ax,
                        error))
    return FALSE;
  p = axis_params (ctx, x, ax);
  p->exclusive = exclusive != 0;
  p->reverse = reverse != 0;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &x->shape);
  return TRUE;
}

/* Running sums in double along n, from the end when p->reverse; an
 * exclusive sum leaves out the element itself. */
static void
cum_sum_run (const FmNode *node,
             FmRunCtx     *rc)
{
  const FmAxisParams *p = node->params;
  const float *x = FM_IN_F (rc, node, 0);  /* [outer, n, inner] */
  float *y = FM_OUT_F (rc, node, 0);       /* [outer, n, inner] */
  gint64 step = p->reverse ? -p->inner : p->inner;

  for (gint64 o = 0; o < p->outer; o++)
    for (gint64 j = 0; j < p->inner; j++)
      {
        gint64 at = o * p->n * p->inner + j + (p->reverse ? (p->n - 1) * p->inner : 0);
        double sum = 0.0;

        for (gint64 i = 0; i < p->n; i++, at += step)
          {
            if (p->exclusive)
              {
                y[at] = (float) sum;
                sum += x[at];
              }
            else
              {
                sum += x[at];
                y[at] = (float) sum;
              }
          }
      }
}

static const char * const cum_sum_attributes[] = { "exclusive", "reverse", NULL };

const FmOpInfo fm_op_cum_sum = {
  "CumSum", cum_sum_attributes, cum_sum_prepare, cum_sum_run
};

/* LRN */

typedef struct
{
  gint64 n, c, size;     /* x as [N, C, size] */
  gint64 lo, hi;         /* window [c - lo, c + hi] */
  float  alpha, beta, bias;
  gint64 window;
} FmLrnParams;

static gboolean
lrn_prepare (FmOpContext  *ctx,
             GError      **error)
{
  FmValue *x;
  FmLrnParams *p;
  float alpha, beta, bias;
  gint64 size, n, c, spatial;

  x = fm_op_float_x (ctx, 1, 1, -1, error);
  if (x == NULL ||
      !fm_op_attr_float (ctx, "alpha", 1e-4f, &alpha, error) ||
      !fm_op_attr_float (ctx, "beta", 0.75f, &beta, error) ||
      !fm_op_attr_float (ctx, "bias", 1.0f, &bias, error) ||
      !fm_op_attr_int (ctx, "size", 0, &size, error))
    return FALSE;
  if (fm_op_attr (ctx, "size") == NULL || size < 1)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("attribute 'size' is required and must be positive"));
  if (!fm_op_split_nc (ctx, x, 3, &n, &c, &spatial, error))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->n = n;
  p->c = c;
  p->size = spatial;
  p->lo = (size - 1) / 2;
  p->hi = size - 1 - p->lo;     /* ceil((size - 1) / 2) */
  p->alpha = alpha;
  p->beta = beta;
  p->bias = bias;
  p->window = size;
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &x->shape);
  return TRUE;
}

static void
lrn_run (const FmNode *node,
         FmRunCtx     *rc)
{
  const FmLrnParams *p = node->params;
  const float *x = FM_IN_F (rc, node, 0);  /* [N, C, size] */
  float *y = FM_OUT_F (rc, node, 0);       /* [N, C, size] */
  float k = p->alpha / (float) p->window;

  for (gint64 n = 0; n < p->n; n++)
    for (gint64 c = 0; c < p->c; c++)
      {
        gint64 c0 = MAX (0, c - p->lo), c1 = MIN (p->c - 1, c + p->hi);

        for (gint64 i = 0; i < p->size; i++)
          {
            float sum = 0.0f;

            for (gint64 cc = c0; cc <= c1; cc++)
              {
                float v = x[(n * p->c + cc) * p->size + i];
                sum += v * v;
              }
            y[(n * p->c + c) * p->size + i] =
              x[(n * p->c + c) * p->size + i] / powf (p->bias + k * sum, p->beta);
          }
      }
}

static const char * const lrn_attributes[] = { "alpha", "beta", "bias", "size", NULL };

const FmOpInfo fm_op_lrn = { "LRN", lrn_attributes, lrn_prepare, lrn_run };
