/* fm-prune.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exact pruning of dead channels (README "Prune dead channels"): from a
 * model and its dataset scan, a smaller ONNX model that computes the same
 * outputs on every input whose activations stay where the scan saw them.
 *
 * A channel c of a Conv (group 1) is removed when the scan found it dead
 * (zero on every image, epsilon 0) at a value V that the Conv feeds
 * through a line of per-channel nodes (BatchNormalization, Relu,
 * LeakyRelu, Clip whose range holds 0, MaxPool, AveragePool, Dropout,
 * Identity), and everything after V carries the zero to consumers that
 * ignore it: zero-preserving ops (f(0) = 0: Relu, LeakyRelu, such a
 * Clip, MaxPool, AveragePool,
 * GlobalAveragePool, GlobalMaxPool, Dropout, Identity, and a
 * BatchNormalization whose shift for c is exactly 0, a Concat on axis 1,
 * after which c sits behind the channels of the inputs before it) and,
 * at the end, Conv (group 1: its weights' input channel c goes; zero
 * padding of a zero map is zero) and Gemm after Flatten (axis 1: the H*W
 * columns or rows that channel c feeds), a Reshape that flattens alike
 * or a ReduceMean/Max/Sum over H and W. Removed: the Conv's output channel (weight
 * rows, bias entry), the entries of the BatchNormalizations on the way
 * and the consumers' input slices. Anything else (a residual Add, a
 * graph output, an unknown op, weights not float32 or a graph input)
 * keeps the channel, with the reason; so does one channel of a layer
 * whose channels are all dead. Weights read by several nodes, or through
 * Identity nodes, are copied for the node that loses channels.
 *
 * Removal is exact in arithmetic (a zero times a weight adds 0), but the
 * smaller sums may round differently: fm_prune_verify () runs both models
 * over the dataset and requires the same top-1 class of the first output
 * (or one the original ties with it within the tolerance) and |a - b| <= FM_PRUNE_TOLERANCE * max (1, |a|) for every element a of
 * every original output and b of the pruned one.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fm-model.h"
#include "fm-scan.h"

G_BEGIN_DECLS

#define FM_PRUNE_TOLERANCE 1e-4
/* The metadata of a pruned model that records it: "feature-maps prune
 * VERSION". Its producer_name and producer_version are the original's. */
#define FM_PRUNE_METADATA_KEY "feature_maps.pruned_by"

typedef struct
{
  guint  channel;
  char  *reason;           /* translated, plain words */
} FmPruneKept;

typedef struct
{
  char   *layer;           /* the scan layer where its channels are dead */
  int     scan_layer;      /* its index in the scan result, or -1 */
  char   *node;            /* the Conv whose output channels they are, or NULL */
  guint   channels;        /* before */
  GArray *removed;         /* guint channel indexes, ascending */
  GArray *kept;            /* FmPruneKept: dead channels kept */
} FmPruneLayer;

typedef struct
{
  /*< public, read-only >*/
  GPtrArray *layers;        /* FmPruneLayer*, one per Conv or layer with dead channels */
  guint      n_dead;        /* dead channels found (first dead point of each) */
  guint      n_removed;
  guint64    params_before; /* elements of every initializer */
  guint64    params_after;
  guint64    macs_before;   /* Conv, Gemm and MatMul multiply-adds of one pass */
  guint64    macs_after;
  GBytes    *bytes;         /* the pruned ONNX file */
  FmModel   *pruned;        /* it, loaded */
  /* after fm_prune_verify () */
  gboolean   verified;
  guint64    images;        /* images both models ran */
  double     max_abs_diff;  /* largest |a - b| over every output element */
  double     max_rel_diff;  /* largest |a - b| / max (1, |a|) */
  GPtrArray *warnings;      /* char *: what reading the dataset warned of (items
                             * skipped, .npy values clamped), or NULL */
} FmPrune;

/* Plans and applies the pruning of @model (loaded from its file) by
 * @scan (of the same model, complete, epsilon 0: refused otherwise with
 * FM_ERROR_INVALID_INPUT), and loads the result with @options (NULL: the
 * defaults, with symbolic spatial dims of a rank-4 input as @model's came
 * out). Errors name the file. */
FmPrune   *fm_prune_new      (FmModel              *model,
                              const FmScanResult   *scan,
                              const FmModelOptions *options,
                              GError              **error);
void       fm_prune_free     (FmPrune              *prune);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmPrune, fm_prune_free)

/* Runs @original and the pruned model over the items of @dataset_path
 * (index < @limit unless 0) through @pp and compares them as above; FALSE
 * with FM_ERROR_INVALID_MODEL naming the item (fm_dataset_dup_item_name ())
 * and the output when they
 * differ, or the dataset's error, or G_IO_ERROR_CANCELLED. */
gboolean   fm_prune_verify   (FmPrune              *prune,
                              FmModel              *original,
                              const char           *dataset_path,
                              const char           *labels_path,
                              const FmPreprocess   *pp,
                              guint64               limit,
                              guint                 threads,
                              FmScanProgressFunc    progress,
                              gpointer              user_data,
                              GCancellable         *cancellable,
                              GError              **error);

/* Writes the pruned model to @path atomically (fm_file_write_atomic). */
gboolean   fm_prune_write    (const FmPrune        *prune,
                              const char           *path,
                              GError              **error);

/* The `prune --json` object: layers (name, node, channels, removed, kept
 * with channel and reason), dead, removed, params and macs before and
 * after, and verification (images, max_abs_diff, max_rel_diff,
 * tolerance, verified, warnings). */
JsonNode  *fm_prune_to_json  (const FmPrune        *prune);
/* One translated sentence: "Removed 45 of 45 dead channels, from 3
 * layers: 81 % fewer multiply-adds, 53 % fewer parameters. Outputs agree
 * on 2,000 images." (that part once verified), then what reading the
 * dataset warned of. */
char      *fm_prune_summary  (const FmPrune        *prune);

/* Layer @l in a few translated lines, named @name: "relu1: removed 16
 * of 32 channels", the channels removed, then the dead ones kept grouped
 * by reason ("  kept dead: 3, 5 (it is part of the model output “y”)"). */
char      *fm_prune_layer_describe (const FmPruneLayer *l,
                                    const char         *name);

G_END_DECLS
