/* fm-dataset-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What fm-dataset.c (the public API) shares with its kinds:
 * fm-dataset-idx.c, fm-dataset-folder.c, fm-dataset-tar.c and
 * fm-dataset-npy.c.
 */
#pragma once

#include <glib/gstdio.h>
#include <zlib.h>

#include "fm-dataset.h"
#include "fm-npy.h"

G_BEGIN_DECLS

#define FM_DATASET_READ_CHUNK (64 * 1024)

typedef struct
{
  char    *rel;       /* path relative to the folder, '/'-separated */
  guint64  size;
  gint64   mtime_us;
  guint64  dev;       /* the file it is (a link's target), for */
  guint64  ino;       /* fm_dataset_find_file () */
  int      label;     /* index of its class folder, or -1 */
} FmFolderFile;

typedef struct _FmDatasetTar FmDatasetTar;

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
  int           width;            /* IDX and NPY item size, 0 for pictures */
  int           height;
  int           channels;         /* NPY: 1 or 3 */
  gboolean      has_labels;

  GArray       *files;            /* FOLDER: [n_items] FmFolderFile, sorted */
  GPtrArray    *list_warnings;    /* FOLDER, TAR: from listing, in order found */
  GPtrArray    *class_names;      /* FOLDER of class folders: sorted names */

  FmDatasetTar *tar;              /* TAR */

  FmNpyHeader   npy;              /* NPY: the images file */
  FmNpyHeader   npy_labels;       /* NPY: the labels file, if any */
  int           npy_fd;           /* NPY, or -1 */
  int           npy_labels_fd;    /* NPY, or -1 */

  /* Everything below up to key_lock is guarded by lock. */
  GMutex        lock;
  guint64       next_index;
  GArray       *selected;         /* fm_dataset_select_items (): guint64, or NULL */
  guint         selected_at;      /* the next of them to hand out */
  GError       *failed;           /* sticky fatal error */
  gboolean      finished;         /* IDX: gzip trailers checked */
  gzFile        images;           /* IDX */
  gzFile        labels;           /* IDX, or NULL */
  GArray       *warnings;         /* FOLDER, TAR: FmDatasetWarning, from decoding */
  guint64       n_clamped;        /* NPY: items with values outside [0, 1] */
  guint64       first_clamped;    /* NPY: the first of them */

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

/* Shared by the kinds: takes the next index of the range under the lock
 * (FALSE at the end, or with the sticky error copied into @error). */
gboolean _fm_dataset_take_index   (FmDataset   *ds,
                                   guint64     *index,
                                   GError     **error);
/* The same with ds->lock already held (for a kind that reads under it). */
gboolean _fm_dataset_take_index_locked (FmDataset  *ds,
                                        guint64    *index,
                                        GError    **error);
/* Makes @reason the sticky error (unless one is there) and copies the
 * sticky error into @error. */
void     _fm_dataset_fail         (FmDataset     *ds,
                                   const GError  *reason,
                                   GError       **error);
/* Fills next()'s out arguments (any may be NULL) with item @index:
 * @image (taken) and @label. Returns TRUE. */
gboolean _fm_dataset_hand_out     (guint64      index,
                                   FmImage     *image,
                                   int          label,
                                   guint64     *index_out,
                                   FmImage    **image_out,
                                   int         *label_out);
/* Adds the warning @text (taken) for item @index. */
void     _fm_dataset_add_warning  (FmDataset   *ds,
                                   guint64      index,
                                   char        *text);
/* @message without the "@path: " it starts with (" : " in French). */
const char *_fm_dataset_without_path (const char *message,
                                      const char *path);
/* strcmp () of two char * in arrays, for sorting names bytewise. */
int      _fm_dataset_compare_strings (gconstpointer a,
                                      gconstpointer b);
/* Whether @name ends in one of @suffixes (lowercase, NULL-terminated), in
 * any case. */
gboolean _fm_dataset_named_as     (const char         *name,
                                   const char * const *suffixes);

/* .npy arrays. */
gboolean _fm_dataset_npy_open     (FmDataset   *ds,
                                   const char  *labels_path,
                                   GError     **error);
guint64  _fm_dataset_npy_item_bytes (FmDataset *ds);
gboolean _fm_dataset_npy_next     (FmDataset   *ds,
                                   guint64     *index_out,
                                   FmImage    **image_out,
                                   int         *label_out,
                                   GError     **error);
/* The warning about clamped values, or NULL. */
char    *_fm_dataset_npy_dup_clamp_warning (FmDataset *ds);

/* TRUE if @head (the first @len bytes of a file) is a tar header: "ustar"
 * at offset 257 (POSIX and GNU tar). */
gboolean _fm_dataset_is_tar_head  (const guint8 *head,
                                   gsize         len);

/* WebDataset .tar shards. TRUE with *@shards the shard files (NULL when
 * @path is not shards) if @path is a tar file or a folder of them, or
 * brace notation that expands to tar files; _fm_dataset_tar_open () lists
 * those @shards. */
gboolean _fm_dataset_tar_detect   (const char  *path,
                                   GPtrArray  **shards,
                                   GError     **error);
gboolean _fm_dataset_tar_open     (FmDataset   *ds,
                                   GPtrArray   *shards,
                                   GError     **error);
void     _fm_dataset_tar_free     (FmDatasetTar *tar);
gboolean _fm_dataset_tar_next     (FmDataset   *ds,
                                   guint64     *index_out,
                                   FmImage    **image_out,
                                   int         *label_out,
                                   GError     **error);
char    *_fm_dataset_tar_dup_item_name (FmDataset *ds,
                                        guint64    index);
/* Whether @st (a stat of a file) is one of the shards. */
gboolean _fm_dataset_tar_has_file (FmDataset      *ds,
                                   const GStatBuf *st);
/* One line "shard\tsize\tmtime" per shard, for the content key. */
char    *_fm_dataset_tar_dup_listing (FmDataset *ds);

G_END_DECLS
