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

FmFrame *
fm_frame_new (FmWorkerResult *result,
              GArray         *layers,
              float           epsilon)
{
  FmFrame *frame = g_new0 (FmFrame, 1);
  FmRun *run = fm_worker_result_get_run (result);

  frame->ref_count = 1;
  frame->result = fm_worker_result_ref (result);
  frame->model = fm_worker_result_get_model (result);
  frame->layers = g_array_ref (layers);
  frame->epsilon = epsilon;
  frame->stats = g_new0 (FmChannelStats *, MAX (layers->len, 1));
  frame->pre_max = g_new0 (float *, MAX (layers->len, 1));
  frame->n_zero = g_new0 (guint, MAX (layers->len, 1));

  for (guint i = 0; i < layers->len; i++)
    {
      const FmLayer *layer = &g_array_index (layers, FmLayer, i);
      const FmValue *v = &frame->model->values[layer->value_id];
      guint channels = (guint) v->shape.dims[1];
      gsize plane = (gsize) (v->shape.dims[2] * v->shape.dims[3]);

      frame->stats[i] = g_new (FmChannelStats, MAX (channels, 1));
      fm_channel_stats_compute (fm_run_value_data (run, layer->value_id), channels, plane,
                                epsilon, frame->stats[i]);
      frame->pre_max[i] = g_new (float, MAX (channels, 1));
      fm_layer_pre_activation_max (frame->model, layer, run, frame->pre_max[i]);
      for (guint c = 0; c < channels; c++)
        frame->n_zero[i] += frame->stats[i][c].all_zero;
    }
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
  for (guint i = 0; i < frame->layers->len; i++)
    {
      g_free (frame->stats[i]);
      g_free (frame->pre_max[i]);
    }
  g_free (frame->stats);
  g_free (frame->pre_max);
  g_free (frame->n_zero);
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

const float *
fm_frame_data (FmFrame *frame,
               guint    index)
{
  return fm_run_value_data (fm_worker_result_get_run (frame->result),
                            fm_frame_layer (frame, index)->value_id);
}
