/* fm-frame.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window shows for one input: a finished worker result plus what
 * is derived from it once (per-channel statistics of every listed layer,
 * on the worker thread, and the prediction), shared by the sidebar, the
 * tiles, the tile detail and exports so nothing is computed twice; what
 * only the tile detail shows (a channel's largest pre-activation) is read
 * when asked for. Immutable once made.
 *
 * A frame of a partial result (fm_worker_set_needed ()) holds only the
 * layers its pass reached; it takes every other layer, with its
 * statistics, and the prediction from the frame shown before it, and
 * keeps the frames that computed them. Each layer of a frame is
 * therefore of one input, but two layers may be of two inputs, a few
 * pointer motions apart, until the stroke's last pass completes.
 */
#pragma once

#include "fm-layers.h"
#include "fm-predict.h"
#include "fm-stats.h"
#include "fm-worker.h"

G_BEGIN_DECLS

typedef struct _FmFrame
{
  gint             ref_count;
  FmWorkerResult  *result;
  FmModel         *model;     /* borrowed from result */
  GArray          *layers;    /* FmLayer, shared with the window */
  float            epsilon;
  FmChannelStats **stats;     /* [n_layers][C] */
  guint           *n_zero;    /* [n_layers] */
  float          **planes;    /* [n_layers]: copies for layouts that need one
                               * (fm_layer_copy_size ()), else NULL */
  struct _FmFrameStats *owner; /* holds the three above for a complete frame */
  FmPrediction     prediction; /* the top FM_PREDICT_TOP_K classes */
  gboolean         complete;   /* every layer and the prediction are of this result */
  struct _FmFrame **source;    /* [n_layers] of a partial frame: the frame that
                                * computed the layer, or NULL for this one */
  FmChannelStats **own_stats;  /* [n_layers] of a partial frame: statistics
                                * derived again under another epsilon */
  GPtrArray       *sources;    /* the distinct frames in source, held */
  gboolean        *pending;    /* [n_layers] or NULL: layers no pass has made yet
                                * (a partial result with no frame before it):
                                * zero statistics and data, not to be shown */
  float           *zeros;      /* their data */
} FmFrame;

/* What a frame is derived for: the model, its listed layers and the zero threshold.
 * Reference counted, immutable; shared with the worker thread. */
typedef struct _FmFrameSpec FmFrameSpec;

/* @layers: of @model (fm_layers_list ()). @sight (NULL: all), one flag
 * per layer: the layers a partial result carries (the ones in sight); it
 * leaves the others, even those its pass made, to the frame before. */
FmFrameSpec *fm_frame_spec_new   (FmModel     *model,
                                  GArray      *layers,
                                  float        epsilon,
                                  const guint8 *sight);
FmFrameSpec *fm_frame_spec_ref   (FmFrameSpec *spec);
void         fm_frame_spec_unref (FmFrameSpec *spec);

/* An FmWorkerFinishFunc with an FmFrameSpec as data: derives the
 * statistics on the worker thread (off the main thread, which then only
 * paints), for fm_frame_new () to take. */
gpointer     fm_frame_finish_pass (FmModel  *model,
                                   FmRun    *run,
                                   guint     n_done,
                                   gpointer  spec);
/* Frees what fm_frame_finish_pass () returned. */
void         fm_frame_stats_release (gpointer stats);

/* Uses the statistics the worker derived for @result when they were made
 * for @layers and @epsilon, else derives them now. A partial @result
 * takes the layers it did not reach from @base, the frame shown before
 * (NULL: there is none, as for a model's first pass; those layers are
 * then pending, fm_frame_layer_pending ()); with a @base of another
 * model or other @layers, or a partial result whose statistics were made
 * for other layers, it makes no frame (NULL). */
FmFrame     *fm_frame_new       (FmWorkerResult *result,
                                 GArray         *layers,
                                 float           epsilon,
                                 FmFrame        *base);
FmFrame     *fm_frame_ref       (FmFrame        *frame);
void         fm_frame_unref     (FmFrame        *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmFrame, fm_frame_unref)

guint        fm_frame_n_layers  (FmFrame        *frame);
/* Whether no pass has made layer @index yet: its statistics and data are
 * zeros, and the window does not show it (it keeps its tiles as they
 * are) until a frame that has it. */
gboolean     fm_frame_layer_pending (FmFrame      *frame,
                                     guint         index);
/* The frame that computed layer @index: a frame of a partial result
 * takes the layers it lacks from others (@frame itself for the rest).
 * Two frames with the same origin for a layer and the same epsilon show
 * the same tiles for it. */
FmFrame     *fm_frame_layer_origin  (FmFrame      *frame,
                                     guint         index);
const FmLayer *fm_frame_layer   (FmFrame        *frame,
                                 guint           index);
/* [C, H, W] of batch item 0 of layer @index (fm_layer_planes (): the
 * run's data, or the copy made with the statistics). */
const float *fm_frame_data      (FmFrame        *frame,
                                 guint           index);
/* The largest pre-activation value of channel @channel of layer @index,
 * NaN when the layer has no pre-activation
 * (fm_layer_pre_activation_max_channel). */
float        fm_frame_pre_max   (FmFrame        *frame,
                                 guint           index,
                                 guint           channel);

G_END_DECLS
