/* fm-op-index.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ops that make or follow indices, on float and int64 tensors: Range and
 * NonZero (their output shape depends on their input values, so those
 * must be known at load: the output is made in prepare), Trilu (upper or
 * lower, k a constant input), ScatterND (reduction none, add and mul from
 * opset 16, max and min from 18), GatherElements and OneHot (depth known
 * at load, values [off, on], axis). Indices of ScatterND and
 * GatherElements that are known at load are checked then; ones computed
 * by the run that fall outside the data are skipped (ScatterND) or give 0
 * (GatherElements), since run has no error path.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

/* A constant scalar input @i (@what in errors) of either dtype, as a
 * double and as an int64 (float values truncated toward zero). */
static gboolean
const_scalar (FmOpContext  *ctx,
              guint         i,
              const char   *what,
              double       *f,
              gint64       *n,
              GError      **error)
{
  FmValue *v = fm_op_input (ctx, i);
  const FmConstTensor *t;

  if (v == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("%s (input %u) is missing"),
                       what, i);
  t = fm_op_const_input (ctx, i, v->dtype, what, error);
  if (t == NULL)
    return FALSE;
  if (t->numel != 1 || t->shape.rank > 1)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       /* Translators: an input name (“k”, “depth”, “start”..., not
                          translated) and its element count. */
                       _("%s must hold one value, it has %zu"), what, t->numel);
  if (t->dtype == FM_DTYPE_FLOAT)
    {
      *f = ((const float *) t->data)[0];
      *n = isfinite (*f) && fabs (*f) < 9.2e18 ? (gint64) *f : 0;
    }
  else
    {
      *n = ((const gint64 *) t->data)[0];
      *f = (double) *n;
    }
  return TRUE;
}

/* A new constant of @dtype and @shape that fits what one constant may
 * take; NULL with @error set. */
static FmConstTensor *
new_output_const (FmOpContext    *ctx,
                  FmDType         dtype,
                  const FmShape  *shape,
                  GError        **error)
{
  gsize numel;

  if (!fm_op_numel (ctx, shape, &numel, error))
    return NULL;
  if (numel > ctx->max_bytes / fm_dtype_size (dtype))
    {
      g_autofree char *s = fm_shape_to_string (shape);
      fm_op_fail (ctx, error, FM_ERROR_LIMIT,
                  _("output of shape %s needs more than the %zu bytes left"), s,
                  ctx->max_bytes);
      return NULL;
    }
  return fm_const_tensor_new (dtype, shape, error);
}

/* Range: made in prepare. */

/* The number of values of an int64 range, without overflow. */
static guint64
range_count_int64 (gint64 start,
                   gint64 limit,
                   gint64 delta)
{
  guint64 span, step;

  if (delta > 0 && limit > start)
    {
      span = (guint64) limit - (guint64) start;
      step = (guint64) delta;
    }
  else if (delta < 0 && limit < start)
    {
      span = (guint64) start - (guint64) limit;
      step = -(guint64) delta;
    }
  else
    return 0;
  return span / step + (span % step != 0);
}

static gboolean
range_prepare (FmOpContext  *ctx,
               GError      **error)
{
  FmValue *x;
  FmConstTensor *t;
  FmShape out = { 1, { 0 } };
  double fs, fl, fd;
  gint64 is, il, id;

  x = fm_op_numeric_x (ctx, 3, 3, error);
  if (x == NULL ||
      !const_scalar (ctx, 0, "start", &fs, &is, error) ||
      !const_scalar (ctx, 1, "limit", &fl, &il, error) ||
      !const_scalar (ctx, 2, "delta", &fd, &id, error))
    return FALSE;
  for (guint i = 1; i < 3; i++)
    if (fm_op_input (ctx, i)->dtype != x->dtype)
      return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                         _("start, limit and delta must have one type"));
  if (x->dtype == FM_DTYPE_FLOAT)
    {
      double n = ceil ((fl - fs) / fd);

      if (fd == 0.0 || isnan (n))
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("delta %g gives no range from %g to %g"), fd, fs, fl);
      out.dims[0] = n <= 0.0 ? 0 : n < (double) G_MAXINT64 ? (gint64) n : G_MAXINT64;
    }
  else
    {
      guint64 n;

      if (id == 0)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("delta must not be 0"));
      n = range_count_int64 (is, il, id);
      out.dims[0] = n > G_MAXINT64 ? G_MAXINT64 : (gint64) n;
    }
  t = new_output_const (ctx, x->dtype, &out, error);
  if (t == NULL)
    return FALSE;
  for (gint64 i = 0; i < out.dims[0]; i++)
    if (x->dtype == FM_DTYPE_FLOAT)
      ((float *) t->data)[i] = (float) (fs + (double) i * fd);
    else
      ((gint64 *) t->data)[i] = (gint64) ((guint64) is + (guint64) i * (guint64) id);
  fm_op_set_output_const (ctx, 0, t);
  return TRUE;
}

static const char * const no_attributes[] = { NULL };

const FmOpInfo fm_op_range = { "Range", no_attributes, range_prepare, fm_op_nothing_run };

/* NonZero: made in prepare. */

static gboolean
non_zero_prepare (FmOpContext  *ctx,
                  GError      **error)
{
  FmValue *x;
  const FmConstTensor *c;
  FmConstTensor *t;
  FmShape out = { 2, { 0 } };
  gint64 strides[FM_MAX_RANK], *y;
  gsize nnz = 0;
  int rank;

  x = fm_op_numeric_x (ctx, 1, 1, error);
  if (x == NULL)
    return FALSE;
  if (x->kind != FM_VALUE_CONST)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_OP,
                       _("input '%s' is computed from the model's input, and the output "
                         "shape would depend on its values; a data-dependent shape is "
                         "not supported"), x->name);
  c = x->constant;
  for (gsize i = 0; i < c->numel; i++)
    if (c->dtype == FM_DTYPE_FLOAT ? ((const float *) c->data)[i] != 0.0f
                                   : ((const gint64 *) c->data)[i] != 0)
      nnz++;
  /* A scalar counts as one element of a 1-D tensor, as numpy had it. */
  rank = MAX (c->shape.rank, 1);
  out.dims[0] = rank;
  out.dims[1] = (gint64) nnz;
  t = new_output_const (ctx, FM_DTYPE_INT64, &out, error);
  if (t == NULL)
    return FALSE;
  y = t->data;                                 /* [rank, nnz] */
  fm_shape_strides (&c->shape, strides);
  if (c->shape.rank == 0)
    strides[0] = 1;
  for (gsize i = 0, j = 0; i < c->numel; i++)
    {
      gint64 rest = (gint64) i;

      if (c->dtype == FM_DTYPE_FLOAT ? ((const float *) c->data)[i] == 0.0f
                                     : ((const gint64 *) c->data)[i] == 0)
        continue;
      for (int d = 0; d < rank; d++)
        {
          y[d * nnz + j] = rest / strides[d];
          rest %= strides[d];
        }
      j++;
    }
  fm_op_set_output_const (ctx, 0, t);
  return TRUE;
}

const FmOpInfo fm_op_non_zero = { "NonZero", no_attributes, non_zero_prepare, fm_op_nothing_run };

/* Trilu */

typedef struct
{
  gint64   batch, rows, cols, k;
  gboolean upper;
  gsize    elem_size;
} FmTriluParams;

static gboolean
trilu_prepare (FmOpContext  *ctx,
               GError      **error)
{
  FmValue *x;
  FmTriluParams *p;
  gint64 upper, k = 0;
  double unused;
  int r;

  x = fm_op_numeric_x (ctx, 1, 2, error);
  if (x == NULL || !fm_op_attr_int (ctx, "upper", 1, &upper, error))
    return FALSE;
  if (fm_op_input (ctx, 1) != NULL)
    {
      if (fm_op_input (ctx, 1)->dtype != FM_DTYPE_INT64)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("k must be int64"));
      if (!const_scalar (ctx, 1, "k", &unused, &k, error))
        return FALSE;
    }
  if (upper != 0 && upper != 1)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("attribute 'upper' is %" PRId64 "; only 0 and 1 are defined"),
                       upper);
  r = x->shape.rank;
  if (r < 2)
    {
      g_autofree char *s = fm_shape_to_string (&x->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input has shape %s; expected rank 2 or more"), s);
    }
  p = fm_op_new_params (ctx, sizeof *p);
  if (!fm_op_numel (ctx, &x->shape, &(gsize) { 0 }, error))
    return FALSE;
  p->rows = x->shape.dims[r - 2];
  p->cols = x->shape.dims[r - 1];
  p->batch = 1;
  for (int d = 0; d < r - 2; d++)
    p->batch *= x->shape.dims[d];
  /* Beyond +-(rows + cols) every k keeps all or nothing. */
  p->k = CLAMP (k, -(p->rows + p->cols), p->rows + p->cols);
  p->upper = upper == 1;
  p->elem_size = fm_dtype_size (x->dtype);
  fm_op_set_output (ctx, 0, x->dtype, &x->shape);
  return TRUE;
}

static void
trilu_run (const FmNode *node,
           FmRunCtx     *rc)
{
  const FmTriluParams *p = node->params;
  const guint8 *x = rc->ptrs[node->inputs[0]];   /* [batch, rows, cols] */
  guint8 *y = rc->ptrs[node->outputs[0]];
  gsize es = p->elem_size;

  for (gint64 b = 0; b < p->batch; b++)
    for (gint64 i = 0; i < p->rows; i++)
      {
        gsize row = (gsize) ((b * p->rows + i) * p->cols) * es;
        /* upper keeps j >= i + k, lower keeps j <= i + k */
        gint64 cut = CLAMP (p->upper ? i + p->k : i + p->k + 1, 0, p->cols);
        gsize head = (gsize) cut * es, tail = (gsize) (p->cols - cut) * es;

        if (p->upper)
          {
            memset (y + row, 0, head);
            memmove (y + row + head, x + row + head, tail);
          }
        else
          {
            memmove (y + row, x + row, head);
            memset (y + row + head, 0, tail);
          }
      }
}

static const char * const trilu_attributes[] = { "upper", NULL };

const FmOpInfo fm_op_trilu = { "Trilu", trilu_attributes, trilu_prepare, trilu_run };

/* Checks that every index of the constant int64 tensor @t is in range:
 * with @k > 0 (ScatterND) value i indexes dim i % k of @dims, with @k 0
 * (GatherElements) every value indexes dims[0]. */
static gboolean
check_const_indices (FmOpContext          *ctx,
                     const FmConstTensor  *t,
                     const gint64         *dims,
                     gint64                k,
                     GError              **error)
{
  const gint64 *v = t->data;

  if (v == NULL)
    return TRUE;
  for (gsize i = 0; i < t->numel; i++)
    {
      gint64 dim = dims[k > 0 ? (gint64) i % k : 0];

      if (v[i] < -dim || v[i] >= dim)
        return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                           _("index %" PRId64 " is out of range for a dim of size %" PRId64),
                           v[i], dim);
    }
  return TRUE;
}

/* ScatterND */

typedef enum
{
  REDUCE_NONE,
  REDUCE_ADD,
  REDUCE_MUL,
  REDUCE_MAX,
  REDUCE_MIN,
} FmReduction;

typedef struct
{
  FmDType     dtype;
  FmReduction reduction;
  gsize       data_numel;
  gint64      n_idx, k, slice;     /* k: index length; slice: elements per index */
  gint64      dims[FM_MAX_RANK];   /* data's first k dims */
  gint64      strides[FM_MAX_RANK];
} FmScatterParams;

static gboolean
scatter_reduction (FmOpContext  *ctx,
                   FmReduction  *out,
                   GError      **error)
{
  static const char * const names[] = { "none", "add", "mul", "max", "min" };
  const char *r;
  int opset = ctx->node->opset;

  if (!fm_op_attr_string (ctx, "reduction", "none", &r, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (r, names[i]) == 0 && (i == 0 || opset >= (i < 3 ? 16 : 18)))
      {
        *out = (FmReduction) i;
        return TRUE;
      }
  return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                     _("reduction '%s' is not supported at opset %d (none; add and mul "
                       "from opset 16; max and min from 18)"), r, opset);
}

static gboolean
scatter_nd_prepare (FmOpContext  *ctx,
                    GError      **error)
{
  FmValue *data, *ind, *upd;
  FmScatterParams *p;
  FmShape want;
  gint64 k, strides[FM_MAX_RANK];
  int q, r;

  data = fm_op_numeric_x (ctx, 3, 3, error);
  if (data == NULL || !fm_op_check_input (ctx, 1, FM_DTYPE_INT64, -1, error))
    return FALSE;
  ind = fm_op_input (ctx, 1);
  upd = fm_op_input (ctx, 2);
  p = fm_op_new_params (ctx, sizeof *p);
  if (!scatter_reduction (ctx, &p->reduction, error))
    return FALSE;
  if (upd->dtype != data->dtype)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("inputs data and updates have different types %s and %s"),
                       fm_dtype_name (data->dtype), fm_dtype_name (upd->dtype));
  r = data->shape.rank;
  q = ind->shape.rank;
  k = q > 0 ? ind->shape.dims[q - 1] : -1;
  if (r < 1 || q < 1 || k < 1 || k > r || q - 1 + r - k > FM_MAX_RANK)
    {
      g_autofree char *ds = fm_shape_to_string (&data->shape);
      g_autofree char *is = fm_shape_to_string (&ind->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("indices of shape %s do not index data of shape %s"), is, ds);
    }
  /* updates: indices.shape[:-1] + data.shape[k:] */
  want.rank = 0;
  for (int d = 0; d < q - 1; d++)
    want.dims[want.rank++] = ind->shape.dims[d];
  for (int d = (int) k; d < r; d++)
    want.dims[want.rank++] = data->shape.dims[d];
  if (!fm_shape_equal (&want, &upd->shape))
    {
      g_autofree char *us = fm_shape_to_string (&upd->shape);
      g_autofree char *ws = fm_shape_to_string (&want);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("updates have shape %s, expected %s"), us, ws);
    }
  if (!fm_op_numel (ctx, &data->shape, &p->data_numel, error) ||
      !fm_op_numel (ctx, &ind->shape, &(gsize) { 0 }, error) ||
      (ind->kind == FM_VALUE_CONST &&
       !check_const_indices (ctx, ind->constant, data->shape.dims, k, error)))
    return FALSE;
  fm_shape_strides (&data->shape, strides);
  p->dtype = data->dtype;
  p->k = k;
  p->slice = strides[k - 1];
  p->n_idx = 1;
  for (int d = 0; d < q - 1; d++)
    p->n_idx *= ind->shape.dims[d];
  for (int d = 0; d < k; d++)
    {
      p->dims[d] = data->shape.dims[d];
      p->strides[d] = strides[d];
    }
  fm_op_set_output (ctx, 0, data->dtype, &data->shape);
  return TRUE;
}

#define SCATTER_SLICE(T)                                                \
  G_STMT_START                                                          \
  {                                                                     \
    T *o = (T *) y + off;                                               \
    const T *u = (const T *) upd + i * p->slice;                        \
    switch (p->reduction)                                               \
      {                                                                 \
      case REDUCE_NONE: memcpy (o, u, p->slice * sizeof (T)); break;    \
      case REDUCE_ADD: for (gint64 j = 0; j < p->slice; j++) o[j] += u[j]; break; \
      case REDUCE_MUL: for (gint64 j = 0; j < p->slice; j++) o[j] *= u[j]; break; \
      case REDUCE_MAX: for (gint64 j = 0; j < p->slice; j++) o[j] = MAX (o[j], u[j]); break; \
      case REDUCE_MIN: for (gint64 j = 0; j < p->slice; j++) o[j] = MIN (o[j], u[j]); break; \
      default: break;                                                   \
      }                                                                 \
  }                                                                     \
  G_STMT_END

static void
scatter_nd_run (const FmNode *node,
                FmRunCtx     *rc)
{
  const FmScatterParams *p = node->params;
  gsize es = fm_dtype_size (p->dtype);
  gconstpointer data = rc->ptrs[node->inputs[0]];
  const gint64 *ind = FM_IN_I (rc, node, 1);     /* [n_idx, k] */
  gconstpointer upd = rc->ptrs[node->inputs[2]]; /* [n_idx, slice] */
  gpointer y = rc->ptrs[node->outputs[0]];

  if (y != data)
    memmove (y, data, p->data_numel * es);
  for (gint64 i = 0; i < p->n_idx; i++)
    {
      gint64 off = 0;
      gboolean ok = TRUE;

      for (gint64 d = 0; d < p->k; d++)
        {
          gint64 v = ind[i * p->k + d];

          if (v < 0)
            v += p->dims[d];
          ok = ok && v >= 0 && v < p->dims[d];
          off += v * p->strides[d];
        }
      if (!ok)
        continue;
      if (p->dtype == FM_DTYPE_FLOAT)
        SCATTER_SLICE (float);
      else
        SCATTER_SLICE (gint64);
    }
}

static const char * const scatter_attributes[] = { "reduction", NULL };

const FmOpInfo fm_op_scatter_nd = {
  "ScatterND", scatter_attributes, scatter_nd_prepare, scatter_nd_run
};

/* GatherElements */

typedef struct
{
  gsize  elem_size;
  int    rank, axis;
  gint64 dims[FM_MAX_RANK];         /* indices' (= output's) */
  gint64 data_strides[FM_MAX_RANK];
  gint64 axis_dim;
  gint64 numel;
} FmGatherElementsParams;

static gboolean
gather_elements_prepare (FmOpContext  *ctx,
                         GError      **error)
{
  FmValue *data, *ind;
  FmGatherElementsParams *p;
  gint64 axis;
  int ax, r;
  gsize numel;

  data = fm_op_numeric_x (ctx, 2, 2, error);
  if (data == NULL || !fm_op_check_input (ctx, 1, FM_DTYPE_INT64, -1, error) ||
      !fm_op_attr_int (ctx, "axis", 0, &axis, error))
    return FALSE;
  ind = fm_op_input (ctx, 1);
  r = data->shape.rank;
  if (!fm_op_norm_axis (ctx, axis, r, "axis", &ax, error))
    return FALSE;
  if (ind->shape.rank != r)
    {
      g_autofree char *ds = fm_shape_to_string (&data->shape);
      g_autofree char *is = fm_shape_to_string (&ind->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("indices of shape %s must have the rank of data %s"), is, ds);
    }
  for (int d = 0; d < r; d++)
    if (d != ax && ind->shape.dims[d] > data->shape.dims[d])
      {
        g_autofree char *ds = fm_shape_to_string (&data->shape);
        g_autofree char *is = fm_shape_to_string (&ind->shape);
        return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                           _("indices of shape %s are larger than data %s outside axis %d"),
                           is, ds, ax);
      }
  if (!fm_op_numel (ctx, &ind->shape, &numel, error) ||
      (ind->kind == FM_VALUE_CONST &&
       !check_const_indices (ctx, ind->constant, &data->shape.dims[ax], 0, error)))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->elem_size = fm_dtype_size (data->dtype);
  p->rank = r;
  p->axis = ax;
  p->axis_dim = data->shape.dims[ax];
  p->numel = (gint64) numel;
  memcpy (p->dims, ind->shape.dims, sizeof p->dims);
  fm_shape_strides (&data->shape, p->data_strides);
  fm_op_set_output (ctx, 0, data->dtype, &ind->shape);
  return TRUE;
}

static void
gather_elements_run (const FmNode *node,
                     FmRunCtx     *rc)
{
  const FmGatherElementsParams *p = node->params;
  const guint8 *x = rc->ptrs[node->inputs[0]];
  const gint64 *ind = FM_IN_I (rc, node, 1);
  guint8 *y = rc->ptrs[node->outputs[0]];
  gsize es = p->elem_size;
  gint64 idx[FM_MAX_RANK] = { 0 };
  gint64 base = 0;   /* data offset of idx with the axis index left out */

  for (gint64 i = 0; i < p->numel; i++)
    {
      gint64 v = ind[i];

      if (v < 0)
        v += p->axis_dim;
      if (v >= 0 && v < p->axis_dim)
        memcpy (y + i * es, x + (base + v * p->data_strides[p->axis]) * es, es);
      else
        memset (y + i * es, 0, es);
      for (int d = p->rank - 1; d >= 0; d--)
        {
          gint64 s = d == p->axis ? 0 : p->data_strides[d];

          idx[d]++;
          base += s;
          if (idx[d] < p->dims[d])
            break;
          base -= s * p->dims[d];
          idx[d] = 0;
        }
    }
}

static const char * const axis_attributes[] = { "axis", NULL };

const FmOpInfo fm_op_gather_elements = {
  "GatherElements", axis_attributes, gather_elements_prepare, gather_elements_run
};

/* OneHot */

typedef struct
{
  FmDType  idx_dtype, dtype;
  gint64   outer, depth, inner;
} FmOneHotParams;

static gboolean
one_hot_prepare (FmOpContext  *ctx,
                 GError      **error)
{
  FmValue *ind, *values;
  FmOneHotParams *p;
  FmShape out;
  FmDType vdtype;
  double fdepth;
  gsize n_values;
  gint64 depth, axis;
  int ax, r;

  ind = fm_op_numeric_x (ctx, 3, 3, error);
  if (ind == NULL || !fm_op_check_numeric (ctx, 2, &vdtype, error) ||
      !fm_op_attr_int (ctx, "axis", -1, &axis, error) ||
      !const_scalar (ctx, 1, "depth", &fdepth, &depth, error))
    return FALSE;
  values = fm_op_input (ctx, 2);
  if (!fm_shape_numel (&values->shape, G_MAXSIZE, &n_values) || n_values != 2)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("values must hold two elements [off, on]"));
  if (depth < 1)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("depth is %" PRId64 "; it must be positive"), depth);
  r = ind->shape.rank;
  if (r + 1 > FM_MAX_RANK)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("output rank is above %d"), FM_MAX_RANK);
  if (!fm_op_norm_axis (ctx, axis, r + 1, "axis", &ax, error))
    return FALSE;
  out.rank = r + 1;
  p = fm_op_new_params (ctx, sizeof *p);
  p->outer = p->inner = 1;
  for (int d = 0, s = 0; d <= r; d++)
    {
      if (d == ax)
        {
          out.dims[d] = depth;
          continue;
        }
      out.dims[d] = ind->shape.dims[s++];
      if (d < ax)
        p->outer *= out.dims[d];
      else
        p->inner *= out.dims[d];
    }
  if (!fm_op_numel (ctx, &out, &(gsize) { 0 }, error))
    return FALSE;
  p->idx_dtype = ind->dtype;
  p->dtype = vdtype;
  p->depth = depth;
  fm_op_set_output (ctx, 0, vdtype, &out);
  return TRUE;
}

#define ONE_HOT_FILL(T)                                                 \
  G_STMT_START                                                          \
  {                                                                     \
    const T *v = rc->ptrs[node->inputs[2]];                             \
    T *y = rc->ptrs[node->outputs[0]];    /* [outer, depth, inner] */   \
    for (gint64 i = 0; i < p->outer * p->depth * p->inner; i++)         \
      y[i] = v[0];                                                      \
    for (gint64 o = 0; o < p->outer; o++)                               \
      for (gint64 i = 0; i < p->inner; i++)                             \
        {                                                               \
          gint64 h = one_hot_index (p, rc->ptrs[node->inputs[0]],       \
                                    o * p->inner + i);                  \
          if (h >= 0)                                                   \
            y[(o * p->depth + h) * p->inner + i] = v[1];                \
        }                                                               \
  }                                                                     \
  G_STMT_END

/* Index @i of @ind, in [0, depth), or -1 when outside [-depth, depth). */
static inline gint64
one_hot_index (const FmOneHotParams *p,
               gconstpointer         ind,
               gint64                i)
{
  gint64 h;

  if (p->idx_dtype == FM_DTYPE_FLOAT)
    {
      float f = ((const float *) ind)[i];

      if (!(f > -(float) p->depth - 1.0f && f < (float) p->depth + 1.0f))
        return -1;
      h = (gint64) f;
    }
  else
    h = ((const gint64 *) ind)[i];
  if (h < 0)
    h += p->depth;
  return h >= 0 && h < p->depth ? h : -1;
}

static void
one_hot_run (const FmNode *node,
             FmRunCtx     *rc)
{
  const FmOneHotParams *p = node->params;

  if (p->dtype == FM_DTYPE_FLOAT)
    ONE_HOT_FILL (float);
  else
    ONE_HOT_FILL (gint64);
}

const FmOpInfo fm_op_one_hot = { "OneHot", axis_attributes, one_hot_prepare, one_hot_run };
