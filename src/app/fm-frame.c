/* fm-frame.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Derives per-layer statistics from one worker result (see fm-frame.h).
 * Runs on the main thread when a result arrives; for the bundled model it
 * touches about 40,000 floats.
 */
#include "config.h"

#include <math.h>

#include "fm-frame.h"

struct _FmFrameSpec
{
  FmModel *model;
  GArray *layers;
  float   epsilon;
};

static void
spec_clear (gpointer data)
{
  FmFrameSpec *spec = data;

  fm_model_unref (spec->model);
  g_array_unref (spec->layers);
}

FmFrameSpec *
fm_frame_spec_new (FmModel *model,
                   GArray  *layers,
                   float    epsilon)
{
  FmFrameSpec *spec = g_atomic_rc_box_new (FmFrameSpec);

  spec->model = fm_model_ref (model);
  spec->layers = g_array_ref (layers);
  spec->epsilon = epsilon;
  return spec;
}

FmFrameSpec *
fm_frame_spec_ref (FmFrameSpec *spec)
{
  return g_atomic_rc_box_acquire (spec);
}

void
fm_frame_spec_unref (FmFrameSpec *spec)
{
  g_atomic_rc_box_release_full (spec, spec_clear);
}

/* The derived part of a frame, made on either thread. */
typedef struct _FmFrameStats
{
  GArray          *layers;
  float            epsilon;
  FmChannelStats **stats;
  guint           *n_zero;
  float          **planes;   /* [n_layers]: item 0's [C, H, W] copied for a layout
                              * that is not channel major, else NULL */
} FmFrameStats;

static void
stats_clear (gpointer data)
{
  FmFrameStats *st = data;

  for (guint i = 0; i < st->layers->len; i++)
    {
      g_free (st->stats[i]);
      g_free (st->planes[i]);
    }
  g_free (st->stats);
  g_free (st->planes);
  g_free (st->n_zero);
  g_array_unref (st->layers);
}

void
fm_frame_stats_release (gpointer stats)
{
  g_atomic_rc_box_release_full (stats, stats_clear);
}

static FmFrameStats *
stats_compute (FmModel *model,
               FmRun   *run,
               GArray  *layers,
               float    epsilon)
{
  FmFrameStats *st = g_atomic_rc_box_new0 (FmFrameStats);

  st->layers = g_array_ref (layers);
  st->epsilon = epsilon;
  st->stats = g_new0 (FmChannelStats *, MAX (layers->len, 1));
  st->n_zero = g_new0 (guint, MAX (layers->len, 1));
  st->planes = g_new0 (float *, MAX (layers->len, 1));
  for (guint i = 0; i < layers->len; i++)
    {
      const FmLayer *layer = &g_array_index (layers, FmLayer, i);
      guint channels = layer->channels;
      gsize copy = fm_layer_copy_size (layer);
      const float *data;

      /* NCHW: the run's own data, no copy (the per-frame cost of old) */
      if (copy > 0)
        st->planes[i] = g_new (float, copy);
      data = fm_layer_planes (model, layer, run, 0, st->planes[i]);
      st->stats[i] = g_new (FmChannelStats, MAX (channels, 1));
      fm_channel_stats_compute (data, channels, (gsize) layer->height * layer->width,
                                epsilon, st->stats[i]);
      for (guint c = 0; c < channels; c++)
        st->n_zero[i] += st->stats[i][c].all_zero;
    }
  return st;
}

gpointer
fm_frame_finish_pass (FmModel  *model,
                      FmRun    *run,
                      gpointer  spec)
{
  FmFrameSpec *s = spec;

  /* A pass of the model before: its layers are not these. */
  if (model != s->model)
    return NULL;
  return stats_compute (model, run, s->layers, s->epsilon);
}

FmFrame *
fm_frame_new (FmWorkerResult *result,
              GArray         *layers,
              float           epsilon)
{
  FmFrame *frame = g_new0 (FmFrame, 1);
  FmFrameStats *st = fm_worker_result_get_extra (result);

  frame->ref_count = 1;
  frame->result = fm_worker_result_ref (result);
  frame->model = fm_worker_result_get_model (result);
  frame->layers = g_array_ref (layers);
  frame->epsilon = epsilon;
  /* The same layers array (not only equal ones): a new model or a change
   * of the listed layers makes a new one. */
  if (st != NULL && st->layers == layers && st->epsilon == epsilon)
    st = g_atomic_rc_box_acquire (st);
  else
    st = stats_compute (frame->model, fm_worker_result_get_run (result), layers, epsilon);
  frame->owner = st;
  frame->stats = st->stats;
  frame->n_zero = st->n_zero;
  frame->planes = st->planes;
  fm_predict (frame->model, fm_worker_result_get_run (result), FM_PREDICT_TOP_K,
              &frame->prediction);
  return frame;
}

FmFrame *
fm_frame_ref (FmFrame *frame)
{
  g_atomic_int_inc (&frame->ref_count);
  return frame;
}

void
fm_frame_unref (FmFrame *frame)
{
  if (!g_atomic_int_dec_and_test (&frame->ref_count))
    return;
  fm_frame_stats_release (frame->owner);
  g_array_unref (frame->layers);
  fm_worker_result_unref (frame->result);
  g_free (frame);
}

guint
fm_frame_n_layers (FmFrame *frame)
{
  return frame->layers->len;
}

const FmLayer *
fm_frame_layer (FmFrame *frame,
                guint    index)
{
  return &g_array_index (frame->layers, FmLayer, index);
}

float
fm_frame_pre_max (FmFrame *frame,
                  guint    index,
                  guint    channel)
{
  return fm_layer_pre_activation_max_channel (frame->model, fm_frame_layer (frame, index),
                                              fm_worker_result_get_run (frame->result), channel);
}

const float *
fm_frame_data (FmFrame *frame,
               guint    index)
{
  if (frame->planes[index] != NULL)
    return frame->planes[index];
  return fm_layer_planes (frame->model, fm_frame_layer (frame, index),
                          fm_worker_result_get_run (frame->result), 0, NULL);
}
