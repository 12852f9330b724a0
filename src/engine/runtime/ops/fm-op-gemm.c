/* fm-op-gemm.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gemm (alpha, beta, transA, transB, optional C broadcast to [M, N]) and
 * MatMul (numpy semantics: 1-D operands, broadcast batch dims), both on
 * fm_sgemm() (one-row products, a fully connected layer on one image, are
 * dot products split over the run's threads). Float only.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "fm-gemm.h"
#include "fm-op-common.h"

typedef struct
{
  gint64   m, n, k;
  gboolean trans_a, trans_b;
  float    alpha, beta;
  gboolean has_c;
  gint64   c_stride_m, c_stride_n;   /* C broadcast against [M, N] */
} FmGemmParams;

static gboolean
gemm_prepare (FmOpContext  *ctx,
              GError      **error)
{
  FmValue *a, *b, *c;
  FmGemmParams *p;
  gint64 trans_a, trans_b, kb, broadcast;
  float alpha, beta;
  FmShape out;

  a = fm_op_float_x (ctx, 2, 3, 2, error);
  if (a == NULL ||
      !fm_op_check_input (ctx, 1, FM_DTYPE_FLOAT, 2, error) ||
      !fm_op_attr_int (ctx, "transA", 0, &trans_a, error) ||
      !fm_op_attr_int (ctx, "transB", 0, &trans_b, error) ||
      !fm_op_attr_float (ctx, "alpha", 1.0f, &alpha, error) ||
      !fm_op_attr_float (ctx, "beta", 1.0f, &beta, error) ||
      !fm_op_legacy_attr_int (ctx, "broadcast", ctx->node->opset < 7 ? 0 : 1, &broadcast, error))
    return FALSE;
  b = fm_op_input (ctx, 1);
  c = fm_op_input (ctx, 2);

  p = fm_op_new_params (ctx, sizeof *p);
  p->trans_a = trans_a != 0;
  p->trans_b = trans_b != 0;
  p->alpha = alpha;
  p->beta = beta;
  p->m = a->shape.dims[p->trans_a ? 1 : 0];
  p->k = a->shape.dims[p->trans_a ? 0 : 1];
  kb = b->shape.dims[p->trans_b ? 1 : 0];
  p->n = b->shape.dims[p->trans_b ? 0 : 1];
  if (kb != p->k)
    {
      g_autofree char *as = fm_shape_to_string (&a->shape);
      g_autofree char *bs = fm_shape_to_string (&b->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("A has shape %s (transA %d) but B has shape %s (transB %d): "
                           "inner sizes %" PRId64 " and %" PRId64 " differ"),
                         as, p->trans_a, bs, p->trans_b, p->k, kb);
    }
  out.rank = 2;
  out.dims[0] = p->m;
  out.dims[1] = p->n;
  if (c != NULL)
    {
      FmShape bc;
      gint64 strides[2];

      /* Before opset 7, C broadcasts only with broadcast 1. */
      if (c->dtype != FM_DTYPE_FLOAT || c->shape.rank > 2 ||
          !fm_shape_broadcast (&c->shape, &out, &bc) || !fm_shape_equal (&bc, &out) ||
          (broadcast == 0 && !fm_shape_equal (&c->shape, &out)))
        {
          g_autofree char *cs = fm_shape_to_string (&c->shape);
          g_autofree char *os = fm_shape_to_string (&out);
          return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                             _("C has shape %s which does not broadcast to %s"), cs, os);
        }
      fm_broadcast_strides (&c->shape, &out, strides);
      p->has_c = beta != 0.0f;
      p->c_stride_m = strides[0];
      p->c_stride_n = strides[1];
    }
  ctx->scratch_size = fm_sgemm_scratch_size (p->trans_a, p->trans_b, p->m, p->n, p->k);
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

static void
gemm_run (const FmNode *node,
          FmRunCtx     *rc)
{
  const FmGemmParams *p = node->params;
  const float *a = FM_IN_F (rc, node, 0);
  const float *b = FM_IN_F (rc, node, 1);
  float *y = FM_OUT_F (rc, node, 0);        /* [M, N] */

  if (p->m == 0 || p->n == 0)
    return;
  if (p->has_c)
    {
      const float *c = FM_IN_F (rc, node, 2);

      for (gint64 i = 0; i < p->m; i++)
        for (gint64 j = 0; j < p->n; j++)
          y[i * p->n + j] = p->beta * c[i * p->c_stride_m + j * p->c_stride_n];
    }
  if (p->k == 0)
    {
      if (!p->has_c)
        for (gint64 i = 0; i < p->m * p->n; i++)
          y[i] = 0.0f;
      return;
    }
  fm_sgemm (p->trans_a, p->trans_b, p->m, p->n, p->k,
            p->alpha, a, p->trans_a ? p->m : p->k,
            b, p->trans_b ? p->k : p->n,
            p->has_c ? 1.0f : 0.0f, y, p->n, rc->scratch, rc->threads);
}

static const char * const gemm_attributes[] = {
  "alpha", "beta", "transA", "transB", "broadcast", NULL
};

const FmOpInfo fm_op_gemm = { "Gemm", gemm_attributes, gemm_prepare, gemm_run };

/* MatMul: out [batch..., M, N] = a [batch_a..., M, K] x b [batch_b..., K, N] */
typedef struct
{
  gint64 m, n, k;
  FmWalk batch;          /* over the broadcast batch dims; strides in matrices */
} FmMatMulParams;

static gboolean
mat_mul_prepare (FmOpContext  *ctx,
                 GError      **error)
{
  FmValue *a, *b;
  FmMatMulParams *p;
  FmShape sa, sb, ba, bb, bo, out;
  gint64 strides[2][FM_MAX_RANK];

  a = fm_op_float_x (ctx, 2, 2, -1, error);
  if (a == NULL || !fm_op_check_input (ctx, 1, FM_DTYPE_FLOAT, -1, error))
    return FALSE;
  b = fm_op_input (ctx, 1);
  if (a->shape.rank < 1 || b->shape.rank < 1)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE, _("MatMul operands must not be scalars"));

  /* Promote 1-D operands: a [K] -> [1, K], b [K] -> [K, 1]. */
  sa = a->shape;
  sb = b->shape;
  if (sa.rank == 1)
    {
      sa.rank = 2;
      sa.dims[1] = sa.dims[0];
      sa.dims[0] = 1;
    }
  if (sb.rank == 1)
    {
      sb.rank = 2;
      sb.dims[1] = 1;
    }
  if (sa.dims[sa.rank - 1] != sb.dims[sb.rank - 2])
    {
      g_autofree char *as = fm_shape_to_string (&a->shape);
      g_autofree char *bs = fm_shape_to_string (&b->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("A has shape %s and B has shape %s: inner sizes differ"), as, bs);
    }
  ba = sa;
  ba.rank -= 2;
  bb = sb;
  bb.rank -= 2;
  if (!fm_shape_broadcast (&ba, &bb, &bo))
    {
      g_autofree char *as = fm_shape_to_string (&a->shape);
      g_autofree char *bs = fm_shape_to_string (&b->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("A has shape %s and B has shape %s: batch dims do not broadcast"),
                         as, bs);
    }

  p = fm_op_new_params (ctx, sizeof *p);
  p->m = sa.dims[sa.rank - 2];
  p->k = sa.dims[sa.rank - 1];
  p->n = sb.dims[sb.rank - 1];
  fm_broadcast_strides (&ba, &bo, strides[0]);
  fm_broadcast_strides (&bb, &bo, strides[1]);
  fm_walk_init (&p->batch, &bo, 2, strides);

  out = bo;
  if (a->shape.rank > 1)
    out.dims[out.rank++] = p->m;
  if (b->shape.rank > 1)
    out.dims[out.rank++] = p->n;
  if (out.rank > FM_MAX_RANK)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("output rank too large"));
  ctx->scratch_size = MAX (fm_sgemm_scratch_size (FALSE, FALSE, p->m, p->n, p->k),
                           fm_sgemm_scratch_size (FALSE, FALSE, p->batch.dims[0] * p->m,
                                                  p->n, p->k));
  fm_op_set_output (ctx, 0, FM_DTYPE_FLOAT, &out);
  return TRUE;
}

static void
mat_mul_run (const FmNode *node,
             FmRunCtx     *rc)
{
  const FmMatMulParams *p = node->params;
  const FmWalk *w = &p->batch;
  const float *a = FM_IN_F (rc, node, 0);
  const float *b = FM_IN_F (rc, node, 1);
  float *y = FM_OUT_F (rc, node, 0);
  gint64 idx[FM_MAX_RANK] = { 0 };
  gint64 off[2] = { 0, 0 };
  int last = w->rank - 1;

  if (w->numel == 0 || p->m == 0 || p->n == 0)
    return;
  if (p->k == 0)
    {
      for (gint64 i = 0; i < w->numel * p->m * p->n; i++)
        y[i] = 0.0f;
      return;
    }
  /* b shared by all batches and a contiguous: one tall product. */
  if (w->rank == 1 && w->strides[1][0] == 0 && w->strides[0][0] == 1)
    {
      fm_sgemm (FALSE, FALSE, w->dims[0] * p->m, p->n, p->k,
                1.0f, a, p->k, b, p->n, 0.0f, y, p->n, rc->scratch, rc->threads);
      return;
    }
  do
    {
      for (gint64 i = 0; i < w->dims[last]; i++)
        {
          const float *ai = a + (off[0] + i * w->strides[0][last]) * p->m * p->k;
          const float *bi = b + (off[1] + i * w->strides[1][last]) * p->k * p->n;

          fm_sgemm (FALSE, FALSE, p->m, p->n, p->k,
                    1.0f, ai, p->k, bi, p->n, 0.0f, y, p->n, rc->scratch, rc->threads);
          y += p->m * p->n;
        }
    }
  while (fm_walk_next (w, idx, off, 2));
}

static const char * const no_attributes[] = { NULL };

const FmOpInfo fm_op_mat_mul = { "MatMul", no_attributes, mat_mul_prepare, mat_mul_run };
