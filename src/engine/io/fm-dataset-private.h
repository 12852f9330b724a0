/* fm-dataset-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What fm-dataset.c (the public API) shares with its two kinds:
 * fm-dataset-idx.c and fm-dataset-folder.c.
 */
#pragma once

#include <zlib.h>

#include "fm-dataset.h"

G_BEGIN_DECLS

#define FM_DATASET_READ_CHUNK (64 * 1024)

typedef struct
{
  char    *rel;       /* path relative to the folder, '/'-separated */
  guint64  size;
  gint64   mtime_us;
} FmFolderFile;

typedef struct
{
  guint64  index;
  char    *text;      /* "rel/path: reason" */
} FmDatasetWarning;

struct _FmDataset
{
  FmDatasetKind kind;
  char         *path;
  char         *labels_path;      /* IDX, or NULL */
  guint64       n_items;
  guint64       range_begin;      /* fm_dataset_set_range (), else 0 */
  guint64       range_end;        /* ... else n_items */
  gboolean      range_set;
  int           width;            /* IDX item size, 0 for a folder */
  int           height;

  GArray       *files;            /* FOLDER: [n_items] FmFolderFile, sorted */
  GPtrArray    *list_warnings;    /* FOLDER: from listing, in order found */

  /* Everything below up to key_lock is guarded by lock. */
  GMutex        lock;
  guint64       next_index;
  GError       *failed;           /* sticky fatal error */
  gboolean      finished;         /* IDX: gzip trailers checked */
  gzFile        images;           /* IDX */
  gzFile        labels;           /* IDX, or NULL */
  GArray       *warnings;         /* FOLDER: FmDatasetWarning, from decoding */

  GMutex        key_lock;
  char         *content_key;
};

/* Open the images file at ds->path and the labels file (@labels_path or
 * the one found next to it) / list the folder at ds->path. */
gboolean _fm_dataset_idx_open     (FmDataset   *ds,
                                   const char  *labels_path,
                                   GError     **error);
gboolean _fm_dataset_folder_open  (FmDataset   *ds,
                                   GError     **error);

/* Skips the IDX items before ds->range_begin (ds->next_index is 0). */
gboolean _fm_dataset_idx_skip     (FmDataset   *ds,
                                   GError     **error);

/* fm_dataset_next() for each kind. */
gboolean _fm_dataset_idx_next     (FmDataset   *ds,
                                   guint64     *index_out,
                                   FmImage    **image_out,
                                   int         *label_out,
                                   GError     **error);
gboolean _fm_dataset_folder_next  (FmDataset   *ds,
                                   guint64     *index_out,
                                   FmImage    **image_out,
                                   int         *label_out,
                                   GError     **error);

G_END_DECLS
