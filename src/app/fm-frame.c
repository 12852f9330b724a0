/* fm-frame.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Derives per-layer statistics from one worker result (see fm-frame.h),
 * on the worker thread (fm_frame_finish_pass ()) or, when the layers or
 * the threshold changed since, on the main thread.
 */
#include "config.h"

#include <math.h>

#include "fm-frame.h"

struct _FmFrameSpec
{
  FmModel *model;
  GArray *layers;
  float   epsilon;
  guint8 *sight;   /* [layers->len] or NULL */
};

static void
spec_clear (gpointer data)
{
  FmFrameSpec *spec = data;

  fm_model_unref (spec->model);
  g_array_unref (spec->layers);
  g_free (spec->sight);
}

FmFrameSpec *
fm_frame_spec_new (FmModel      *model,
                   GArray       *layers,
                   float         epsilon,
                   const guint8 *sight)
{
  FmFrameSpec *spec = g_atomic_rc_box_new (FmFrameSpec);

  spec->model = fm_model_ref (model);
  spec->layers = g_array_ref (layers);
  spec->epsilon = epsilon;
  spec->sight = sight != NULL ? g_memdup2 (sight, MAX (layers->len, 1)) : NULL;
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
  float          **pre_max;  /* [n_layers][C] of a partial result: the largest
                              * pre-activation of each channel, or NULL */
} FmFrameStats;

static void
stats_clear (gpointer data)
{
  FmFrameStats *st = data;

  for (guint i = 0; i < st->layers->len; i++)
    {
      g_free (st->stats[i]);
      g_free (st->planes[i]);
      g_free (st->pre_max[i]);
    }
  g_free (st->pre_max);
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

static void
stats_derive (const float    *data,
              const FmLayer  *layer,
              float           epsilon,
              FmChannelStats **stats,
              guint          *n_zero)
{
  guint channels = layer->channels;

  *stats = g_new (FmChannelStats, MAX (channels, 1));
  fm_channel_stats_compute (data, channels, (gsize) layer->height * layer->width,
                            epsilon, *stats);
  *n_zero = 0;
  for (guint c = 0; c < channels; c++)
    *n_zero += (*stats)[c].all_zero;
}

/* The statistics of the layers the first @n_done planned nodes made (of
 * a partial result, only those in @sight, NULL: all); the others stay
 * NULL. */
static FmFrameStats *
stats_compute (FmModel *model,
               FmRun   *run,
               GArray  *layers,
               float    epsilon,
               guint    n_done,
               const guint8 *sight)
{
  FmFrameStats *st = g_atomic_rc_box_new0 (FmFrameStats);
  gboolean partial = n_done < model->n_plan;

  st->layers = g_array_ref (layers);
  st->epsilon = epsilon;
  st->stats = g_new0 (FmChannelStats *, MAX (layers->len, 1));
  st->n_zero = g_new0 (guint, MAX (layers->len, 1));
  st->planes = g_new0 (float *, MAX (layers->len, 1));
  st->pre_max = g_new0 (float *, MAX (layers->len, 1));
  for (guint i = 0; i < layers->len; i++)
    {
      const FmLayer *layer = &g_array_index (layers, FmLayer, i);
      gsize copy = fm_layer_copy_size (layer);
      const float *data;

      if (fm_layer_plan_end (model, layer) > n_done || (partial && sight != NULL && !sight[i]))
        continue;
      /* NCHW: the run's own data, no copy (the per-frame cost of old) */
      if (copy > 0)
        st->planes[i] = g_new (float, copy);
      data = fm_layer_planes (model, layer, run, 0, st->planes[i]);
      stats_derive (data, layer, epsilon, &st->stats[i], &st->n_zero[i]);
      /* A partial result keeps no run: the data and the pre-activation
       * maxima go with it. */
      if (partial && copy == 0 && data != NULL)
        st->planes[i] = g_memdup2 (data, (gsize) layer->channels * layer->height *
                                         layer->width * sizeof (float));
      if (partial && layer->pre_value_id >= 0)
        {
          st->pre_max[i] = g_new (float, MAX (layer->channels, 1));
          for (guint c = 0; c < layer->channels; c++)
            st->pre_max[i][c] = fm_layer_pre_activation_max_channel (model, layer, run, c);
        }
    }
  return st;
}

gpointer
fm_frame_finish_pass (FmModel  *model,
                      FmRun    *run,
                      guint     n_done,
                      gpointer  spec)
{
  FmFrameSpec *s = spec;

  /* A pass of the model before: its layers are not these. */
  if (model != s->model)
    return NULL;
  return stats_compute (model, run, s->layers, s->epsilon, n_done, s->sight);
}

static void
add_source (FmFrame *frame,
            FmFrame *source)
{
  if (!g_ptr_array_find (frame->sources, source, NULL))
    g_ptr_array_add (frame->sources, fm_frame_ref (source));
}

/* Zero statistics and data for layer @i, which no pass has made. */
static void
make_pending (FmFrame *frame,
              guint    i)
{
  if (frame->pending == NULL)
    {
      gsize max_numel = 1;

      for (guint k = 0; k < frame->layers->len; k++)
        {
          const FmLayer *layer = fm_frame_layer (frame, k);

          max_numel = MAX (max_numel, (gsize) layer->channels * layer->height * layer->width);
        }
      frame->pending = g_new0 (gboolean, frame->layers->len);
      frame->zeros = g_new0 (float, max_numel);
    }
  frame->pending[i] = TRUE;
  frame->own_stats[i] = g_new0 (FmChannelStats, MAX (fm_frame_layer (frame, i)->channels, 1));
  frame->stats[i] = frame->own_stats[i];
  frame->planes[i] = frame->zeros;
}

/* Points the layers @st lacks at the frames of @base that computed them,
 * and takes @base's prediction; without @base, or where @base has none,
 * they are pending. Statistics made under another threshold are derived
 * again from the data. */
static void
take_from_base (FmFrame      *frame,
                FmFrameStats *st,
                FmFrame      *base)
{
  guint n = frame->layers->len;

  frame->stats = g_new0 (FmChannelStats *, MAX (n, 1));
  frame->n_zero = g_new0 (guint, MAX (n, 1));
  frame->planes = g_new0 (float *, MAX (n, 1));
  frame->source = g_new0 (FmFrame *, MAX (n, 1));
  frame->own_stats = g_new0 (FmChannelStats *, MAX (n, 1));
  frame->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_frame_unref);
  for (guint i = 0; i < n; i++)
    {
      FmChannelStats *stats;
      guint n_zero;
      float epsilon;

      if (st->stats[i] != NULL)
        {
          frame->planes[i] = st->planes[i];
          stats = st->stats[i];
          n_zero = st->n_zero[i];
          epsilon = st->epsilon;
        }
      else if (base == NULL || fm_frame_layer_pending (base, i))
        {
          make_pending (frame, i);
          continue;
        }
      else
        {
          FmFrame *src = fm_frame_layer_origin (base, i);

          frame->source[i] = src;
          add_source (frame, src);
          frame->planes[i] = src->planes[i];
          stats = src->stats[i];
          n_zero = src->n_zero[i];
          epsilon = src->epsilon;
        }
      if (epsilon == frame->epsilon)
        {
          frame->stats[i] = stats;
          frame->n_zero[i] = n_zero;
        }
      else
        {
          stats_derive (fm_frame_data (frame, i), fm_frame_layer (frame, i), frame->epsilon,
                        &frame->own_stats[i], &frame->n_zero[i]);
          frame->stats[i] = frame->own_stats[i];
        }
    }
  if (base != NULL)
    frame->prediction = base->prediction;
  else
    frame->prediction.output_id = -1;  /* none yet: n_top 0 */
}

FmFrame *
fm_frame_new (FmWorkerResult *result,
              GArray         *layers,
              float           epsilon,
              FmFrame        *base)
{
  FmFrame *frame;
  FmFrameStats *st = fm_worker_result_get_extra (result);
  FmModel *model = fm_worker_result_get_model (result);
  gboolean complete = fm_worker_result_is_complete (result);

  /* A partial result's data are the copies made for these layers. */
  if (!complete && (st == NULL || st->layers != layers ||
                    (base != NULL && (base->model != model || base->layers != layers))))
    return NULL;
  frame = g_new0 (FmFrame, 1);

  frame->ref_count = 1;
  frame->result = fm_worker_result_ref (result);
  frame->model = model;
  frame->layers = g_array_ref (layers);
  frame->epsilon = epsilon;
  frame->complete = complete;
  /* The same layers array (not only equal ones): a new model or a change
   * of the listed layers makes a new one. */
  if (st != NULL && st->layers == layers && (st->epsilon == epsilon || !complete))
    st = g_atomic_rc_box_acquire (st);
  else
    /* only a complete result gets here: a partial one made its own */
    st = stats_compute (model, fm_worker_result_get_run (result), layers, epsilon,
                        model->n_plan, NULL);
  frame->owner = st;
  if (!complete)
    {
      take_from_base (frame, st, base);
      return frame;
    }
  frame->stats = st->stats;
  frame->n_zero = st->n_zero;
  frame->planes = st->planes;
  fm_predict (model, fm_worker_result_get_run (result), FM_PREDICT_TOP_K, &frame->prediction);
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
  if (!frame->complete)
    {
      for (guint i = 0; i < frame->layers->len; i++)
        g_free (frame->own_stats[i]);
      g_free (frame->own_stats);
      g_free (frame->stats);
      g_free (frame->n_zero);
      g_free (frame->planes);
      g_free (frame->source);
      g_free (frame->pending);
      g_free (frame->zeros);
      g_ptr_array_unref (frame->sources);
    }
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

gboolean
fm_frame_layer_pending (FmFrame *frame,
                        guint    index)
{
  return frame->pending != NULL && frame->pending[index];
}

FmFrame *
fm_frame_layer_origin (FmFrame *frame,
                       guint    index)
{
  if (frame->source != NULL && frame->source[index] != NULL)
    return frame->source[index];
  return frame;
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
  frame = fm_frame_layer_origin (frame, index);
  if (fm_frame_layer_pending (frame, index))
    return NAN;
  if (!frame->complete)
    return frame->owner->pre_max[index] != NULL ? frame->owner->pre_max[index][channel] : NAN;
  return fm_layer_pre_activation_max_channel (frame->model, fm_frame_layer (frame, index),
                                              fm_worker_result_get_run (frame->result), channel);
}

const float *
fm_frame_data (FmFrame *frame,
               guint    index)
{
  if (frame->planes[index] != NULL)
    return frame->planes[index];
  frame = fm_frame_layer_origin (frame, index);
  return fm_layer_planes (frame->model, fm_frame_layer (frame, index),
                          fm_worker_result_get_run (frame->result), 0, NULL);
}
