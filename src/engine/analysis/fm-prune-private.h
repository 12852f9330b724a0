/* fm-prune-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What fm-prune.c (the plan), fm-prune-apply.c (rewriting the weights)
 * and fm-prune-verify.c share.
 */
#pragma once

#include "fm-onnx-proto.h"
#include "fm-prune.h"

G_BEGIN_DECLS

/* A slice that a removed channel c takes from the weight that input
 * @input of @node reads: the indexes [(offset + c) * block, (offset + c +
 * 1) * block) of @axis (the offset of the channel's block after a
 * Concat). Axis -1: the shape of a flattening Reshape, whose size
 * loses @block. */
typedef struct
{
  FmOnnxNode   *node;
  guint         input;
  int           axis;
  gint64        block;
  guint         offset;
} Cut;

typedef struct
{
  FmModel            *model;
  const FmScanResult *scan;
  FmOnnxModel        *onnx;
  GHashTable         *consumers;  /* value name -> GPtrArray of FmOnnxNode* */
  GHashTable         *producers;  /* value name -> FmOnnxNode* */
  GHashTable         *outputs;    /* graph output names */
  GHashTable         *inits;      /* initializer name -> FmOnnxTensor* */
  GHashTable         *uses;       /* initializer name -> node inputs reading it */
  GHashTable         *changed;    /* values whose channels change */
  GHashTable         *covered;    /* values a Conv's line or its consumers reach */
  GPtrArray          *touched;    /* those of the Conv being planned */
  GHashTable         *graph_inputs; /* graph input names */
  GHashTable         *masks;      /* FmOnnxTensor* -> guint8 *[FM_MAX_RANK]: 1 = remove */
  GHashTable         *shape_cuts; /* a flattening Reshape's shape (FmOnnxTensor*) ->
                                   * gint64 *: the elements its size loses */
  GPtrArray          *buffers;    /* the new weights' bytes and the node inputs
                                   * renamed, until encoded */
  GHashTable         *unread;     /* values a node no longer reads (a weight
                                   * copied for it): maybe gone */
  FmPrune            *prune;
} Pruner;

const char *_fm_prune_node_name    (const FmOnnxNode   *n);
/* The initializer value @name is, directly or through Identity nodes
 * (PyTorch writes equal weights once, then Identity copies), or NULL. */
FmOnnxTensor *_fm_prune_resolve    (Pruner             *p,
                                    const char         *name);
/* Attribute @attr of the Constant node that makes value @name; NULL if
 * no Constant makes it or it has no such attribute. */
const FmOnnxAttribute *_fm_prune_constant_attribute (Pruner     *p,
                                                     const char *name,
                                                     const char *attr);
/* The constant shape Reshape @r reads, if only it reads it: an
 * initializer or a Constant's value; else NULL. */
FmOnnxTensor *_fm_prune_shape_tensor (Pruner           *p,
                                      const FmOnnxNode *r);
/* The two elements of an int64 tensor of two; FALSE if it is not one. */
gboolean    _fm_prune_int64_pair   (const FmOnnxTensor *t,
                                    gint64              v[2]);
/* Element @index of a float32 initializer; FALSE if it has none. */
gboolean    _fm_prune_tensor_value (const FmOnnxTensor *t,
                                    gint64              index,
                                    float              *value);
/* Whether @t holds its numel floats, in raw_data or float_data. */
gboolean    _fm_prune_tensor_floats_ok (const FmOnnxTensor *t);
/* Marks the slices @cuts for each channel in @removed; a weight that is
 * not its node's alone is first copied for it. */
void        _fm_prune_mark         (Pruner             *p,
                                    const GArray       *cuts,
                                    const GArray       *removed);
/* Drops the Identity nodes and the weights that nothing reads any more
 * after the copies. */
void        _fm_prune_drop_unread  (Pruner             *p);
/* Rewrites every marked weight without its marked slices. */
void        _fm_prune_apply_masks  (Pruner             *p);
void        _fm_prune_layer_free   (FmPruneLayer       *layer);
void        _fm_prune_masks_free   (gpointer            masks);

G_END_DECLS
