/* fm-layout.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What each axis of a rank-3 or rank-4 value of a loaded model means
 * (batch, channels, height, width, a sequence, a flattened grid), found by
 * following the permutation chain through the graph. fm-layers.c turns
 * this into each layer's layout, and the input preprocessing reads a
 * channels-last picture input from it. It reads the model only.
 *
 * Facts. The ops that work on [N, C, H, W] (Conv, ConvTranspose, MaxPool,
 * AveragePool, GlobalAveragePool, GlobalMaxPool, BatchNormalization, LRN,
 * InstanceNormalization, GroupNormalization, DepthToSpace, SpaceToDepth)
 * say that their input 0 and output 0 are [N, C, H, W] (rank 4) or
 * [N, C, L] (rank 3, Conv1d and its pools).
 *
 * Propagation, forward and backward until nothing changes:
 *  - Transpose: output axis d is input axis perm[d];
 *  - ops that keep every axis where it is (element-wise activations and
 *    maths, Identity, Dropout, Cast, the broadcasting Add, Sub, Mul, Div,
 *    Pow, Min, Max, Sum, Mean, Mod and Where, Softmax, LogSoftmax,
 *    LayerNormalization, Concat, Split, Slice, Pad, Tile, Resize,
 *    Upsample, Expand, ReduceMean, ReduceSum, ReduceMax and ReduceMin
 *    keeping their dims):
 *    every input and output of output 0's rank has its axes;
 *  - MatMul acts on the last axis, so a channels-last input gives a
 *    channels-last output with the new channel count, and back;
 *  - Reshape, Flatten, Squeeze and Unsqueeze, by matching groups of axes
 *    whose sizes multiply alike: an axis kept as it is keeps its meaning,
 *    height and width merged into one axis make a flattened grid (G; the
 *    tokens of a vision transformer come from one), and a sequence or grid
 *    split in two makes height and width. Anything else (channels merged
 *    with another axis, ShuffleNet's [N, g, C/g, H, W]) says nothing.
 * Any other op says nothing about its values, so a value is known only
 * when a chain of the ops above ties it to a fact. A value given two
 * different meanings (an NHWC tensor fed to a Conv) is unknown: the graph
 * contradicts itself and we do not pick a side.
 *
 * Last, a rank-4 graph input still unknown is taken as [N, C, H, W], the
 * ONNX convention the input preprocessing also assumes, and propagation
 * runs again; so an element-wise-only graph is still read as NCHW, while a
 * Keras export's NHWC input is proven NHWC by its Transpose into a Conv.
 */
#pragma once

#include <glib.h>

#include "fm-model.h"

G_BEGIN_DECLS

typedef enum
{
  FM_AXIS_UNKNOWN = 0,
  FM_AXIS_N,       /* batch */
  FM_AXIS_C,       /* channels */
  FM_AXIS_H,       /* height */
  FM_AXIS_W,       /* width */
  FM_AXIS_L,       /* a 1-D sequence (Conv1d's length) */
  FM_AXIS_G,       /* a 2-D grid flattened row-major, or tokens made from one */
} FmAxis;

/* The axes of one value, axis[d] for d < its rank; all FM_AXIS_UNKNOWN
 * when not known (or the rank is not 3 or 4). */
typedef struct
{
  guint8 axis[4];
} FmAxes;

/* The axes of every value of @model, indexed by value id; free with
 * g_free(). */
FmAxes *fm_layout_infer (const FmModel *model);

/* Whether the graph proves value @id [N, H, W, C] (a Keras or tf2onnx
 * export's input, transposed into its first Conv). */
gboolean fm_layout_is_channels_last (const FmModel *model,
                                     int            id);

G_END_DECLS
