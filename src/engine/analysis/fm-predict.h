/* fm-predict.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The prediction people read off a classifier: the top classes of the
 * first graph output with probabilities (softmax applied unless the output
 * already is a probability vector) and their labels from the model's
 * `feature_maps.labels` metadata. Shared by the command line and the
 * window. It reads a finished run; it does not run anything.
 */
#pragma once

#include <glib.h>

#include "fm-model.h"
#include "fm-run.h"

G_BEGIN_DECLS

#define FM_PREDICT_MAX_TOP 10
/* The classes the window, its exports and the command line show. */
#define FM_PREDICT_TOP_K   5

typedef struct
{
  int      output_id;        /* -1 when the model has no float output */
  gboolean softmax_applied;
  guint    n_top;
  guint    index[FM_PREDICT_MAX_TOP];
  double   probability[FM_PREDICT_MAX_TOP];
} FmPrediction;

/* Fills @out with at most @top_k (<= FM_PREDICT_MAX_TOP) classes, most
 * probable first; ties keep the lower index first. */
void        fm_predict          (const FmModel *model,
                                 FmRun         *run,
                                 guint          top_k,
                                 FmPrediction  *out);
/* The class names of "feature_maps.labels" (comma-separated), stripped;
 * NULL when the model has none. Free with g_strfreev(). */
GStrv       fm_model_dup_labels (const FmModel *model);
/* Label @index of @labels, or NULL when there is none or it is empty. */
const char *fm_labels_get       (GStrv          labels,
                                 guint          index);

G_END_DECLS
