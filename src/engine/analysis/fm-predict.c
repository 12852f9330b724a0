/* fm-predict.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Top classes of a classifier's output and their labels (fm-predict.h).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fm-predict.h"

void
fm_predict (const FmModel *model,
            FmRun         *run,
            guint          top_k,
            FmPrediction  *out)
{
  const FmValue *v;
  const float *x;
  g_autofree double *p = NULL;
  gsize n;
  double sum = 0.0, max;
  gboolean is_prob = TRUE;

  memset (out, 0, sizeof *out);
  out->output_id = model->n_outputs > 0 ? model->outputs[0] : -1;
  if (out->output_id < 0)
    return;
  v = &model->values[out->output_id];
  if (v->dtype != FM_DTYPE_FLOAT || v->numel == 0)
    {
      out->output_id = -1;
      return;
    }
  top_k = MIN (top_k, FM_PREDICT_MAX_TOP);
  n = v->numel;
  x = fm_run_value_data (run, out->output_id);

  p = g_new (double, n);
  max = x[0];
  for (gsize i = 0; i < n; i++)
    {
      if (!(x[i] >= 0.0f && x[i] <= 1.0f))
        is_prob = FALSE;
      sum += x[i];
      max = MAX (max, (double) x[i]);
    }
  if (is_prob && fabs (sum - 1.0) <= 1e-3)
    {
      for (gsize i = 0; i < n; i++)
        p[i] = x[i];
    }
  else
    {
      sum = 0.0;
      for (gsize i = 0; i < n; i++)
        sum += p[i] = exp ((double) x[i] - max);
      for (gsize i = 0; i < n; i++)
        p[i] /= sum;
      out->softmax_applied = TRUE;
    }

  /* Top k by repeated selection; ties keep the lower index first. */
  for (guint k = 0; k < top_k && k < n; k++)
    {
      gssize best = -1;

      for (gsize i = 0; i < n; i++)
        {
          gboolean taken = FALSE;

          for (guint j = 0; j < k; j++)
            taken |= out->index[j] == i;
          if (!taken && (best < 0 || p[i] > p[best] || isnan (p[best])))
            best = (gssize) i;
        }
      out->index[k] = (guint) best;
      out->probability[k] = p[best];
      out->n_top = k + 1;
    }
}

GStrv
fm_model_dup_labels (const FmModel *model)
{
  const char *text = fm_model_get_metadata (model, "feature_maps.labels");
  GStrv labels;

  if (text == NULL)
    return NULL;
  labels = g_strsplit (text, ",", -1);
  for (int i = 0; labels[i] != NULL; i++)
    g_strstrip (labels[i]);
  return labels;
}

const char *
fm_labels_get (GStrv labels,
               guint index)
{
  if (labels == NULL || index >= g_strv_length (labels) || *labels[index] == '\0')
    return NULL;
  return labels[index];
}
