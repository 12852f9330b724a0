/* fm-op-rearrange.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ops that rearrange blocks of data without arithmetic, on float and
 * int64: DepthToSpace (DCR and CRD) and SpaceToDepth on [N, C, H, W], as a
 * six-axis strided walk; Tile (repeats known at load); Split (split as an
 * attribute before opset 13, as a constant input from 13, num_outputs from
 * 18 with a smaller last chunk, else equal parts).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-op-common.h"

/* DepthToSpace / SpaceToDepth: X of rank 4 and its blocksize. */
static FmValue *
block_x (FmOpContext  *ctx,
         gint64       *b,
         GError      **error)
{
  FmValue *x = fm_op_numeric_x (ctx, 1, 1, error);

  if (x == NULL ||
      !fm_op_attr_int (ctx, "blocksize", 0, b, error))
    return NULL;
  if (x->shape.rank != 4)
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                  _("input has shape %s; expected [N, C, H, W]"), xs);
      return NULL;
    }
  if (*b < 1 || *b > G_MAXINT32)
    {
      fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                  _("blocksize %" PRId64 " must be at least 1 and at most 2147483647"), *b);
      return NULL;
    }
  return x;
}

static gboolean
depth_to_space_prepare (FmOpContext  *ctx,
                        GError      **error)
{
  FmValue *x;
  const char *mode;
  gint64 b, n, c, h, w, cb, hw;
  gboolean crd;

  x = block_x (ctx, &b, error);
  if (x == NULL ||
      !fm_op_attr_string (ctx, "mode", "DCR", &mode, error))
    return FALSE;
  crd = g_strcmp0 (mode, "CRD") == 0;
  if (!crd && g_strcmp0 (mode, "DCR") != 0)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("mode '%s' is not one of DCR, CRD"), mode);
  if (ctx->node->opset < 11 && fm_op_attr (ctx, "mode") != NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("attribute 'mode' exists only from opset 11"));
  n = x->shape.dims[0];
  c = x->shape.dims[1];
  h = x->shape.dims[2];
  w = x->shape.dims[3];
  if (c % (b * b) != 0)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("%" PRId64 " channels are not a multiple of blocksize squared, %" PRId64),
                       c, b * b);
  cb = c / (b * b);
  hw = h * w;
  if (h > G_MAXINT64 / b || w > G_MAXINT64 / b)
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("blocksize %" PRId64 " is too large"), b);
  {
    FmShape out = { 4, { n, cb, h * b, w * b } };
    /* out as [N, C', H, b, W, b]; X as [N, b, b, C', H, W] (DCR) or
     * [N, C', b, b, H, W] (CRD) */
    FmShape six = { 6, { n, cb, h, b, w, b } };
    gint64 strides[1][FM_MAX_RANK] = {
      { c * hw, crd ? b * b * hw : hw, w, crd ? b * hw : b * cb * hw, 1, crd ? hw : cb * hw }
    };

    return fm_op_set_walk_params (ctx, x, &out, &six, strides, error);
  }
}

static gboolean
space_to_depth_prepare (FmOpContext  *ctx,
                        GError      **error)
{
  FmValue *x;
  gint64 b, n, c, h, w;

  x = block_x (ctx, &b, error);
  if (x == NULL)
    return FALSE;
  n = x->shape.dims[0];
  c = x->shape.dims[1];
  h = x->shape.dims[2];
  w = x->shape.dims[3];
  if (h % b != 0 || w % b != 0)
    {
      g_autofree char *xs = fm_shape_to_string (&x->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input has shape %s; H and W must be multiples of blocksize %"
                           PRId64), xs, b);
    }
  if (c > G_MAXINT64 / (b * b))
    return fm_op_fail (ctx, error, FM_ERROR_LIMIT, _("blocksize %" PRId64 " is too large"), b);
  {
    FmShape out = { 4, { n, c * b * b, h / b, w / b } };
    /* out as [N, b, b, C, H', W']; X as [N, C, H', b, W', b] */
    FmShape six = { 6, { n, b, b, c, h / b, w / b } };
    gint64 strides[1][FM_MAX_RANK] = { { c * h * w, w, 1, h * w, b * w, b } };

    return fm_op_set_walk_params (ctx, x, &out, &six, strides, error);
  }
}

static const char * const depth_to_space_attributes[] = { "blocksize", "mode", NULL };
static const char * const space_to_depth_attributes[] = { "blocksize", NULL };

const FmOpInfo fm_op_depth_to_space = {
  "DepthToSpace", depth_to_space_attributes, depth_to_space_prepare, fm_op_walk_run
};

const FmOpInfo fm_op_space_to_depth = {
  "SpaceToDepth", space_to_depth_attributes, space_to_depth_prepare, fm_op_walk_run
};

/* Tile */

typedef struct
{
  int    rank;                  /* >= 1 */
  gint64 in[FM_MAX_RANK];
  gint64 out[FM_MAX_RANK];
  gint64 in_strides[FM_MAX_RANK];
  gint64 n_rows;                /* output rows along the last axis */
  gsize  elem_size;
} FmTileParams;

static gboolean
tile_prepare (FmOpContext  *ctx,
              GError      **error)
{
  FmValue *x;
  FmTileParams *p;
  FmShape out;
  gint64 reps[FM_MAX_RANK];
  gsize numel;
  guint n;
  int r;

  x = fm_op_numeric_x (ctx, 2, 2, error);
  if (x == NULL ||
      !fm_op_const_ints (ctx, 1, "repeats", reps, FM_MAX_RANK, &n, error))
    return FALSE;
  r = x->shape.rank;
  if (n != (guint) r)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("repeats has %u values but the input has rank %d"), n, r);
  out = x->shape;
  for (int d = 0; d < r; d++)
    if (reps[d] < 0 ||
        __builtin_mul_overflow (x->shape.dims[d], reps[d], &out.dims[d]))
      return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                         _("repeats value %" PRId64 " is negative or too large"), reps[d]);
  if (!fm_op_numel (ctx, &out, &numel, error))
    return FALSE;
  p = fm_op_new_params (ctx, sizeof *p);
  p->elem_size = fm_dtype_size (x->dtype);
  p->rank = MAX (r, 1);
  for (int d = 0; d < p->rank; d++)
    {
      p->in[d] = r > 0 ? x->shape.dims[d] : 1;
      p->out[d] = r > 0 ? out.dims[d] : 1;
    }
  p->in_strides[p->rank - 1] = 1;
  for (int d = p->rank - 2; d >= 0; d--)
    p->in_strides[d] = p->in_strides[d + 1] * p->in[d + 1];
  p->n_rows = numel == 0 ? 0 : (gint64) numel / p->out[p->rank - 1];
  fm_op_set_output (ctx, 0, x->dtype, &out);
  return TRUE;
}

static void
tile_run (const FmNode *node,
          FmRunCtx     *rc)
{
  const FmTileParams *p = node->params;
  const char *x = rc->ptrs[node->inputs[0]];
  char *y = rc->ptrs[node->outputs[0]];
  int last = p->rank - 1;
  gsize row_bytes = p->in[last] * p->elem_size;

  for (gint64 row = 0; row < p->n_rows; row++)
    {
      gint64 rem = row, off = 0;

      for (int d = last - 1; d >= 0; d--)
        {
          off += (rem % p->out[d]) % p->in[d] * p->in_strides[d];
          rem /= p->out[d];
        }
      for (gint64 k = 0; k < p->out[last] / p->in[last]; k++)
        {
          memcpy (y, x + off * p->elem_size, row_bytes);
          y += row_bytes;
        }
    }
}

static const char * const no_attributes[] = { NULL };

const FmOpInfo fm_op_tile = { "Tile", no_attributes, tile_prepare, tile_run };

/* Split */

typedef struct
{
  gint64 outer;                 /* product of the dims before the axis */
  gint64 inner;                 /* product of the dims after it */
  gint64 dim;                   /* size of the axis */
  gsize  elem_size;
  guint  n;
  gint64 split[];               /* [n] */
} FmSplitParams;

/* The split sizes: from the attribute or input, from num_outputs, or in
 * @n equal parts. */
static gboolean
split_sizes (FmOpContext  *ctx,
             gint64        dim,
             gint64       *split,
             guint         n,
             GError      **error)
{
  int opset = ctx->node->opset;
  gint64 num_outputs = 0, chunk;
  guint n_split = 0;
  gboolean given;

  if (opset < 13)
    {
      if (!fm_op_check_n_inputs (ctx, 1, 1, error) ||
          !fm_op_attr_ints (ctx, "split", split, n, &n_split, error))
        return FALSE;
      given = fm_op_attr (ctx, "split") != NULL;
    }
  else
    {
      if (fm_op_attr (ctx, "split") != NULL)
        return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                           _("split is an input from opset 13, not an attribute"));
      if (!fm_op_check_n_inputs (ctx, 1, 2, error))
        return FALSE;
      given = fm_op_input (ctx, 1) != NULL;
      if (given && !fm_op_const_ints (ctx, 1, "split", split, n, &n_split, error))
        return FALSE;
    }
  if (!fm_op_attr_int (ctx, "num_outputs", 0, &num_outputs, error))
    return FALSE;
  if (fm_op_attr (ctx, "num_outputs") != NULL && (opset < 18 || given))
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("num_outputs exists only from opset 18, and not with split"));
  if (given)
    {
      gint64 sum = 0;

      if (n_split != n)
        return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                           _("split has %u values for %u outputs"), n_split, n);
      for (guint i = 0; i < n; i++)
        if (split[i] < 0 || __builtin_add_overflow (sum, split[i], &sum))
          return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                             _("split value %" PRId64 " is negative or too large"), split[i]);
      if (sum != dim)
        return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                           _("split values add up to %" PRId64 ", not to the axis size %"
                             PRId64), sum, dim);
      return TRUE;
    }
  if (opset >= 18 && num_outputs != (gint64) n)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("num_outputs is %" PRId64 " but the node has %u outputs"),
                       num_outputs, n);
  chunk = opset >= 18 ? fm_ceil_div (dim, n) : dim / n;
  if ((opset < 18 && dim % n != 0) || chunk * (n - 1) > dim)
    return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                       _("axis of size %" PRId64 " cannot be split into %u parts"), dim, n);
  for (guint i = 0; i < n; i++)
    split[i] = i + 1 < n ? chunk : dim - chunk * (n - 1);
  return TRUE;
}

static gboolean
split_prepare (FmOpContext  *ctx,
               GError      **error)
{
  FmValue *x;
  FmSplitParams *p;
  gint64 axis;
  guint n = ctx->node->n_outputs;
  int ax;

  x = fm_op_numeric_x (ctx, 1, 2, error);
  if (x == NULL ||
      !fm_op_attr_int (ctx, "axis", 0, &axis, error) ||
      !fm_op_norm_axis (ctx, axis, x->shape.rank, "axis", &ax, error))
    return FALSE;
  if (n == 0)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("Split has no outputs"));
  p = fm_op_new_params (ctx, sizeof *p + n * sizeof (gint64));
  p->n = n;
  p->dim = x->shape.dims[ax];
  p->elem_size = fm_dtype_size (x->dtype);
  p->outer = p->inner = 1;
  for (int d = 0; d < x->shape.rank; d++)
    {
      if (d < ax)
        p->outer *= x->shape.dims[d];
      else if (d > ax)
        p->inner *= x->shape.dims[d];
    }
  if (!split_sizes (ctx, p->dim, p->split, n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      FmShape out = x->shape;

      out.dims[ax] = p->split[i];
      fm_op_set_output (ctx, i, x->dtype, &out);
    }
  return TRUE;
}

static void
split_run (const FmNode *node,
           FmRunCtx     *rc)
{
  const FmSplitParams *p = node->params;
  const char *x = rc->ptrs[node->inputs[0]];
  gsize in_row = p->dim * p->inner * p->elem_size;
  gsize start = 0;

  for (guint i = 0; i < p->n; i++)
    {
      gsize bytes = p->split[i] * p->inner * p->elem_size;

      if (node->outputs[i] != -1 && bytes > 0)
        {
          char *y = rc->ptrs[node->outputs[i]];

          for (gint64 o = 0; o < p->outer; o++)
            memcpy (y + o * bytes, x + o * in_row + start, bytes);
        }
      start += bytes;
    }
}

static const char * const split_attributes[] = { "axis", "split", "num_outputs", NULL };

const FmOpInfo fm_op_split = { "Split", split_attributes, split_prepare, split_run };
