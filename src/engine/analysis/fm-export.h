/* fm-export.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The numbers behind an exported picture, as files: per-channel
 * statistics of the current input as CSV, a layer's raw activations as
 * .npy (fm_npy_write()), and the names of exported files. Writes are
 * atomic (fm_file_write_atomic()). No global state: the window calls
 * these from a worker thread.
 */
#pragma once

#include <glib.h>

#include "fm-error.h"
#include "fm-stats.h"
#include "fm-tensor.h"

G_BEGIN_DECLS

/* One layer's statistics for the CSV. */
typedef struct
{
  const char           *name;      /* the layer (tensor) name */
  guint                 channels;
  const FmChannelStats *stats;     /* [channels] */
} FmExportStats;

/* The CSV text: the header line
 *   layer,channel,min,max,mean,active_share,all_zero
 * then one line per channel of each layer in order, fields as fm-csv.h
 * spells them (a number reads back as the same float32, NaN is an empty
 * field, a layer name is quoted when it must be); all_zero as
 * true/false. Lines end with "\n". Free with g_free(). */
char     *fm_export_stats_csv        (const FmExportStats *layers,
                                      guint                n_layers);

/* Writes that text to @path with fm_file_write_atomic(). */
gboolean  fm_export_write_stats_csv  (const char          *path,
                                      const FmExportStats *layers,
                                      guint                n_layers,
                                      GError             **error);

/* A file name for a tensor: every character outside [A-Za-z0-9._-]
 * replaced by '_', at most 200 of them, "tensor" when empty, then
 * @suffix (".npy"); made unique against @used (lower-cased keys, which
 * this adds to) with _2, _3, ... as `run --dump` names its files. */
char     *fm_export_file_name        (const char          *tensor,
                                      const char          *suffix,
                                      GHashTable          *used);

/* Writes @data, the float32 tensor @tensor of @shape, into the folder
 * @dir under fm_export_file_name (@tensor, ".npy", @used) with
 * fm_npy_write(); returns that file's path, or NULL. */
char     *fm_export_write_npy        (const char          *dir,
                                      GHashTable          *used,
                                      const char          *tensor,
                                      const FmShape       *shape,
                                      const float         *data,
                                      GError             **error);

G_END_DECLS
