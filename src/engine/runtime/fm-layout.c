/* fm-layout.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The meaning of each axis of every rank-3 and rank-4 value (rules in
 * fm-layout.h): facts from the ops that work on [N, C, H, W], then passes
 * over the plan, forward and backward, each rule run both ways, until no
 * value changes. A value changes at most twice (unknown, known, then
 * contradicted), so this ends. It does not look at values' data.
 */
#include "config.h"

#include "fm-layout.h"

#include <string.h>

typedef enum
{
  STATE_UNSET,
  STATE_KNOWN,
  STATE_CONTRADICTED,
} State;

typedef struct
{
  const FmModel *model;
  FmAxes        *axes;     /* [n_values] */
  State         *state;    /* [n_values] */
  gboolean       changed;
} Infer;

static int
rank_of (const Infer *inf,
         int          id)
{
  return inf->model->values[id].shape.rank;
}

/* Rank 4: N, C, H, W in some order; rank 3: N, C and one of L, G. */
static gboolean
axes_valid (const FmAxes *a,
            int           rank)
{
  guint seen = 0;

  if (rank != 3 && rank != 4)
    return FALSE;
  for (int d = 0; d < rank; d++)
    {
      guint bit = 1u << a->axis[d];

      if (a->axis[d] == FM_AXIS_UNKNOWN || (seen & bit) != 0)
        return FALSE;
      seen |= bit;
    }
  if (rank == 4)
    return seen == ((1u << FM_AXIS_N) | (1u << FM_AXIS_C) | (1u << FM_AXIS_H) |
                    (1u << FM_AXIS_W));
  return (seen & ((1u << FM_AXIS_N) | (1u << FM_AXIS_C))) ==
         ((1u << FM_AXIS_N) | (1u << FM_AXIS_C)) &&
         (seen & ((1u << FM_AXIS_L) | (1u << FM_AXIS_G))) != 0;
}

static void
set_axes (Infer        *inf,
          int           id,
          const FmAxes *a)
{
  int rank;

  if (id < 0 || (guint) id >= inf->model->n_values || inf->state[id] == STATE_CONTRADICTED)
    return;
  rank = rank_of (inf, id);
  if (!axes_valid (a, rank))
    return;
  if (inf->state[id] == STATE_UNSET)
    {
      memset (&inf->axes[id], 0, sizeof (FmAxes));
      memcpy (inf->axes[id].axis, a->axis, (gsize) rank);
      inf->state[id] = STATE_KNOWN;
      inf->changed = TRUE;
    }
  else if (memcmp (inf->axes[id].axis, a->axis, (gsize) rank) != 0)
    {
      memset (&inf->axes[id], 0, sizeof (FmAxes));
      inf->state[id] = STATE_CONTRADICTED;
      inf->changed = TRUE;
    }
}

static const FmAxes *
known (const Infer *inf,
       int          id)
{
  if (id < 0 || (guint) id >= inf->model->n_values || inf->state[id] != STATE_KNOWN)
    return NULL;
  return &inf->axes[id];
}

/* Both ways between two values of the same rank. */
static void
unify (Infer *inf,
       int    a,
       int    b)
{
  const FmAxes *k;

  if (a < 0 || b < 0 || rank_of (inf, a) != rank_of (inf, b))
    return;
  if ((k = known (inf, a)) != NULL)
    set_axes (inf, b, k);
  if ((k = known (inf, b)) != NULL)
    set_axes (inf, a, k);
}

static void
native_fact (Infer *inf,
             int    id)
{
  static const FmAxes nchw = { { FM_AXIS_N, FM_AXIS_C, FM_AXIS_H, FM_AXIS_W } };
  static const FmAxes ncl = { { FM_AXIS_N, FM_AXIS_C, FM_AXIS_L, 0 } };

  if (id < 0)
    return;
  if (rank_of (inf, id) == 4)
    set_axes (inf, id, &nchw);
  else if (rank_of (inf, id) == 3)
    set_axes (inf, id, &ncl);
}

static void
transpose_rule (Infer        *inf,
                const FmNode *node)
{
  int in = node->inputs[0], out = node->outputs[0];
  FmAxes a = { { 0 } };
  const FmAxes *k;

  if (in < 0 || out < 0 || node->n_perm != (guint) rank_of (inf, in) || node->n_perm > 4)
    return;
  if ((k = known (inf, in)) != NULL)
    {
      for (guint d = 0; d < node->n_perm; d++)
        a.axis[d] = k->axis[node->perm[d]];
      set_axes (inf, out, &a);
    }
  if ((k = known (inf, out)) != NULL)
    {
      for (guint d = 0; d < node->n_perm; d++)
        a.axis[node->perm[d]] = k->axis[d];
      set_axes (inf, in, &a);
    }
}

static void
matmul_rule (Infer        *inf,
             const FmNode *node)
{
  int a = node->inputs[0], y = node->outputs[0];
  const FmAxes *k;
  int rank;

  if (a < 0 || y < 0 || rank_of (inf, a) != rank_of (inf, y))
    return;
  rank = rank_of (inf, y);
  if ((k = known (inf, a)) != NULL && k->axis[rank - 1] == FM_AXIS_C)
    set_axes (inf, y, k);
  if ((k = known (inf, y)) != NULL && k->axis[rank - 1] == FM_AXIS_C)
    set_axes (inf, a, k);
}

/* The axes of @to from those of @from when one is a reshape of the other:
 * axes are matched in groups whose sizes multiply alike (see fm-layout.h).
 * FALSE when a group means nothing we know. */
static gboolean
reshape_map (const FmShape *from,
             const FmAxes  *fa,
             const FmShape *to,
             FmAxes        *ta)
{
  int i = 0, j = 0;

  memset (ta, 0, sizeof *ta);
  while (i < from->rank && j < to->rank)
    {
      int i0 = i, j0 = j;
      gint64 pa = from->dims[i++], pb = to->dims[j++];

      while (pa != pb)
        {
          if (pa < pb && i < from->rank)
            pa *= from->dims[i++];
          else if (pb < pa && j < to->rank)
            pb *= to->dims[j++];
          else
            return FALSE;
        }
      if (i - i0 == 1 && j - j0 == 1)
        ta->axis[j0] = fa->axis[i0];
      else if (i - i0 == 2 && j - j0 == 1 &&
               fa->axis[i0] == FM_AXIS_H && fa->axis[i0 + 1] == FM_AXIS_W)
        ta->axis[j0] = FM_AXIS_G;
      else if (i - i0 == 1 && j - j0 == 2 &&
               (fa->axis[i0] == FM_AXIS_G || fa->axis[i0] == FM_AXIS_L))
        {
          ta->axis[j0] = FM_AXIS_H;
          ta->axis[j0 + 1] = FM_AXIS_W;
        }
      else
        return FALSE;
    }
  return i == from->rank && j == to->rank;
}

static void
reshape_rule (Infer        *inf,
              const FmNode *node)
{
  int in = node->inputs[0], out = node->outputs[0];
  const FmAxes *k;
  FmAxes a;

  if (in < 0 || out < 0)
    return;
  if ((k = known (inf, in)) != NULL &&
      reshape_map (&inf->model->values[in].shape, k, &inf->model->values[out].shape, &a))
    set_axes (inf, out, &a);
  if ((k = known (inf, out)) != NULL &&
      reshape_map (&inf->model->values[out].shape, k, &inf->model->values[in].shape, &a))
    set_axes (inf, in, &a);
}

/* Every present input and output of output 0's rank. */
static void
preserving_rule (Infer        *inf,
                 const FmNode *node)
{
  int out = node->outputs[0];

  if (out < 0)
    return;
  for (guint j = 0; j < node->n_inputs; j++)
    unify (inf, node->inputs[j], out);
  for (guint o = 1; o < node->n_outputs; o++)
    unify (inf, node->outputs[o], out);
}

static void
apply_node (Infer        *inf,
            const FmNode *node)
{
  if (node->n_inputs < 1 || node->n_outputs < 1)
    return;
  switch (node->op)
    {
    case FM_OP_Conv:
    case FM_OP_MaxPool:
    case FM_OP_AveragePool:
    case FM_OP_GlobalAveragePool:
    case FM_OP_GlobalMaxPool:
    case FM_OP_BatchNormalization:
    case FM_OP_LRN:
    case FM_OP_ConvTranspose:
    case FM_OP_InstanceNormalization:
    case FM_OP_GroupNormalization:
    case FM_OP_DepthToSpace:
    case FM_OP_SpaceToDepth:
      native_fact (inf, node->inputs[0]);
      native_fact (inf, node->outputs[0]);
      break;
    case FM_OP_Transpose:
      transpose_rule (inf, node);
      break;
    case FM_OP_MatMul:
      matmul_rule (inf, node);
      break;
    case FM_OP_Reshape:
    case FM_OP_Flatten:
    case FM_OP_Squeeze:
    case FM_OP_Unsqueeze:
      reshape_rule (inf, node);
      break;
    case FM_OP_Relu:
    case FM_OP_LeakyRelu:
    case FM_OP_Sigmoid:
    case FM_OP_Tanh:
    case FM_OP_Clip:
    case FM_OP_HardSigmoid:
    case FM_OP_HardSwish:
    case FM_OP_PRelu:
    case FM_OP_Identity:
    case FM_OP_Dropout:
    case FM_OP_Cast:
    case FM_OP_Add:
    case FM_OP_Sub:
    case FM_OP_Mul:
    case FM_OP_Div:
    case FM_OP_Softmax:
    case FM_OP_LogSoftmax:
    case FM_OP_Concat:
    case FM_OP_Slice:
    case FM_OP_Pad:
    case FM_OP_ReduceMean:
    case FM_OP_Expand:
    case FM_OP_Elu:
    case FM_OP_Selu:
    case FM_OP_Celu:
    case FM_OP_ThresholdedRelu:
    case FM_OP_Softplus:
    case FM_OP_Softsign:
    case FM_OP_Mish:
    case FM_OP_Gelu:
    case FM_OP_Exp:
    case FM_OP_Log:
    case FM_OP_Sqrt:
    case FM_OP_Reciprocal:
    case FM_OP_Sin:
    case FM_OP_Cos:
    case FM_OP_Erf:
    case FM_OP_Floor:
    case FM_OP_Ceil:
    case FM_OP_Round:
    case FM_OP_Abs:
    case FM_OP_Neg:
    case FM_OP_Sign:
    case FM_OP_Pow:
    case FM_OP_Min:
    case FM_OP_Max:
    case FM_OP_Sum:
    case FM_OP_Mean:
    case FM_OP_Mod:
    case FM_OP_Where:
    case FM_OP_LayerNormalization:
    case FM_OP_ReduceSum:
    case FM_OP_ReduceMax:
    case FM_OP_ReduceMin:
    case FM_OP_Resize:
    case FM_OP_Upsample:
    case FM_OP_Tile:
    case FM_OP_Split:
      preserving_rule (inf, node);
      break;
    default:
      break;
    }
}

static void
propagate (Infer *inf)
{
  const FmModel *model = inf->model;

  do
    {
      inf->changed = FALSE;
      for (guint k = 0; k < model->n_plan; k++)
        apply_node (inf, &model->nodes[model->plan[k]]);
      for (guint k = model->n_plan; k > 0; k--)
        apply_node (inf, &model->nodes[model->plan[k - 1]]);
    }
  while (inf->changed);
}

FmAxes *
fm_layout_infer (const FmModel *model)
{
  static const FmAxes nchw = { { FM_AXIS_N, FM_AXIS_C, FM_AXIS_H, FM_AXIS_W } };
  g_autofree State *state = NULL;
  Infer inf;

  g_return_val_if_fail (model != NULL, NULL);

  state = g_new0 (State, MAX (model->n_values, 1));
  inf.model = model;
  inf.axes = g_new0 (FmAxes, MAX (model->n_values, 1));
  inf.state = state;

  propagate (&inf);
  for (guint i = 0; i < model->n_inputs; i++)
    if (rank_of (&inf, model->inputs[i]) == 4 && state[model->inputs[i]] == STATE_UNSET)
      set_axes (&inf, model->inputs[i], &nchw);
  propagate (&inf);
  return inf.axes;
}

gboolean
fm_layout_is_channels_last (const FmModel *model,
                            int            id)
{
  static const guint8 nhwc[4] = { FM_AXIS_N, FM_AXIS_H, FM_AXIS_W, FM_AXIS_C };
  g_autofree FmAxes *axes = NULL;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (id >= 0 && (guint) id < model->n_values, FALSE);

  if (model->values[id].shape.rank != 4)
    return FALSE;
  axes = fm_layout_infer (model);
  return memcmp (axes[id].axis, nhwc, sizeof nhwc) == 0;
}
