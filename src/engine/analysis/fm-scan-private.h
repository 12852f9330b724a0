/* fm-scan-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files of the dataset scan share: the scan and its workers
 * (fm-scan.c), the merge into a result (fm-scan-result.c), the stable
 * diagnosis names (fm-scan-explain.c) and the cache format. Not for use
 * outside src/engine/analysis/fm-scan*.c.
 */
#pragma once

#include <math.h>

#include "fm-layers.h"
#include "fm-run.h"
#include "fm-scan.h"

G_BEGIN_DECLS

/* Changes when the cache file or its key would read differently. */
/* 2: the result names its model's SHA-256 and its settings.
 * 3: APoZ, near-dead, per-class counts and the raw sums of a merge.
 * 4: the images of each class (shares instead of counts per class). */
#define FM_SCAN_FORMAT_VERSION 4

/* A layer warns at this share of dead channels (Keras's dead-ReLU
 * detector). */
#define FM_SCAN_DEAD_WARNING_SHARE 0.1

/* One worker's sums for one layer. */
typedef struct
{
  guint64 *zero;      /* [C] */
  float   *max;       /* [C], NaN until a number is seen */
  double  *sum;       /* [C] */
  guint64 *count;     /* [C] cells that were numbers */
  guint64 *zero_cells; /* [C] cells with |x| <= epsilon */
  gint64  *top_index; /* [C * K], sorted by (value desc, index asc); -1 empty */
  float   *top_max;   /* [C * K] */
} FmScanLayerAcc;

typedef struct
{
  FmScan         *scan;
  FmRun          *run;
  FmScanLayerAcc *acc;      /* [n_layers] */
  float          *input;    /* [1, C, H, W] preprocessed item */
  float          *planes;   /* [C, H, W] of the largest layer that needs a copy
                             * (fm_layer_copy_size ()), or NULL */
  guint64         images;
  GThread        *thread;
} FmScanWorker;

struct _FmScan
{
  FmModel       *model;
  FmDataset     *dataset;   /* borrowed */
  FmScanOptions  options;
  GArray        *layers;    /* FmLayer, fm_layers_list (model, FALSE) */
  FmScanResult  *result;
  gboolean       ran;

  /* shared while running */
  GCancellable  *cancellable;
  FmScanProgressFunc progress;
  gpointer       progress_data;
  gint64         start_us;
  gint64         last_report_us;  /* atomic */
  guint64        done;            /* atomic */
  guint64        total;           /* items in the range */
  guint64        range_begin;     /* the first item's index */
  char          *dataset_key;     /* a shard's dataset's content key, or NULL */
  gint           stop;            /* atomic: an error or cancellation */
  GMutex         error_lock;
  GError        *error;           /* the first error */

  /* Per-class fire counts, shared by the workers: class_rows[label] is
   * NULL until that label is seen, then [n_all_channels + 1] counts (layer
   * l from layer_offset[l]; the last, the images of the class), added to
   * atomically. */
  guint64       *layer_offset;    /* [n_layers + 1] */
  guint32      **class_rows;      /* [FM_DATASET_MAX_CLASSES], or NULL */
  gint           max_label;       /* atomic: largest label seen, -1 none */
  GMutex         class_lock;      /* held while a row is allocated */
};

static inline const FmLayer *
_fm_scan_layer (FmScan *scan,
                guint   i)
{
  return &g_array_index (scan->layers, FmLayer, i);
}

/* Empties @n top-list slots: index -1, value NaN. */
static inline void
_fm_scan_top_clear (gint64 *top_index,
                    float  *top_max,
                    gsize   n)
{
  for (gsize i = 0; i < n; i++)
    {
      top_index[i] = -1;
      top_max[i] = NAN;
    }
}

/* Inserts (v, index) into one channel's sorted top list [k]: larger value
 * first, then smaller index, so the order does not depend on threads. */
void          _fm_scan_top_insert        (gint64       *top_index,
                                          float        *top_max,
                                          guint         k,
                                          float         v,
                                          gint64        index);

FmScanResult *_fm_scan_result_new        (void);
/* The workers' sums as one result, with the dead and rare lists and each
 * dead channel's diagnosis. */
FmScanResult *_fm_scan_merge             (FmScan       *scan,
                                          FmScanWorker *workers,
                                          guint         n_workers,
                                          double        elapsed);
/* @out's per-channel arrays for @C channels and top-@k lists, zeroed
 * where _fm_scan_merge_channel adds up. */
void          _fm_scan_layer_alloc       (FmScanLayer  *out,
                                          guint         C,
                                          guint         k);
/* Channel @c of layer @l: the workers' counts, maxima, sums and top
 * lists as one, into @out's (zeroed) arrays; what a scan's workers and
 * the parts of a sharded scan (fm-scan-merge.c) share. */
void          _fm_scan_merge_channel     (FmScanLayer  *out,
                                          guint64       images,
                                          guint         k,
                                          FmScanWorker *workers,
                                          guint         n_workers,
                                          guint         l,
                                          guint         c);
gboolean      _fm_scan_diagnosis_from_string (const char      *s,
                                              FmScanDiagnosis *out);

/* Works out layer @l's derived values from its raw sums, the same way for
 * a scan, a file read back and a merge of shards. Needs channels,
 * zero_count and fire_count (zero_count + fire_count = @images) and, when
 * sum and value_count are there, mean allocated [C]; uses zero_cells,
 * cells_per_image, sum and value_count when they are there (not NULL).
 * Sets, freeing what was there (NULL is fine): mean (sum / value_count,
 * NaN for no numbers; left alone without sum or value_count), apoz [C],
 * apoz_mean, apoz_std (NaN without zero_cells, images or cells), the
 * dead, rare (fire_count < rare_below * images) and near_dead lists,
 * ascending, and dead_warning. Diagnosis, maxima, top lists and class
 * counts are not touched. */
void          _fm_scan_result_finish_layer (FmScanLayer *l,
                                            guint64      images,
                                            double       rare_below);
void          _fm_scan_layer_clear       (FmScanLayer  *l);

G_END_DECLS
