/* fm-dataset.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dataset API (see fm-dataset.h) over its kinds, IDX files
 * (fm-dataset-idx.c), folders of pictures (fm-dataset-folder.c), .tar
 * shards (fm-dataset-tar.c) and .npy arrays (fm-dataset-npy.c): which kind
 * a path is, the warnings, item names and the content key. It does not resize or
 * normalise: fm_dataset_next_input() hands that to fm_preprocess_image().
 */
#include "config.h"

#include "fm-dataset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-dataset-private.h"
#include "fm-file.h"
#include "fm-npy.h"
#include "fm-sha256.h"

static void
warning_clear (gpointer data)
{
  FmDatasetWarning *warning = data;

  g_free (warning->text);
}

static int
warning_compare (gconstpointer a,
                 gconstpointer b)
{
  guint64 ia = ((const FmDatasetWarning *) a)->index, ib = ((const FmDatasetWarning *) b)->index;

  return ia < ib ? -1 : ia > ib;
}

/* NPY or IDX, from the first bytes of the file at @path (tar files were
 * found before). */
static gboolean
detect_file_kind (const char     *path,
                  FmDatasetKind  *kind,
                  GError        **error)
{
  guint8 head[512];
  gsize len = 0, zeros = 0;

  if (!fm_file_read_head (path, head, sizeof head, &len, error))
    return FALSE;
  while (zeros < len && head[zeros] == 0)
    zeros++;
  if (len == sizeof head && zeros == len)
    {
      /* A tar archive of no member is its end: blocks of zeros (an IDX
       * or .npy file starts with its magic). */
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: an empty .tar archive: it holds no samples"), path);
      return FALSE;
    }
  *kind = fm_npy_has_magic (head, len) ? FM_DATASET_NPY : FM_DATASET_IDX;
  return TRUE;
}

static gboolean
open_kind (FmDataset   *ds,
           gboolean     is_dir,
           const char  *labels_path,
           GError     **error)
{
  g_autoptr(GPtrArray) shards = NULL;

  /* The shards found here are the ones opened: one listing, not two. */
  if (!_fm_dataset_tar_detect (ds->path, &shards, error))
    return FALSE;
  if (shards != NULL)
    ds->kind = FM_DATASET_TAR;
  else if (is_dir)
    ds->kind = FM_DATASET_FOLDER;
  else if (!detect_file_kind (ds->path, &ds->kind, error))
    return FALSE;

  if (labels_path != NULL && ds->kind != FM_DATASET_IDX && ds->kind != FM_DATASET_NPY)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   ds->kind == FM_DATASET_TAR
                   ? _("%s: .tar shards take their labels from .cls members, not from a "
                       "labels file (given %s)")
                   : _("%s: a folder of pictures has no labels file (given %s)"),
                   ds->path, labels_path);
      return FALSE;
    }
  switch (ds->kind)
    {
    case FM_DATASET_FOLDER:
      return _fm_dataset_folder_open (ds, error);
    case FM_DATASET_TAR:
      return _fm_dataset_tar_open (ds, shards, error);
    case FM_DATASET_NPY:
      return _fm_dataset_npy_open (ds, labels_path, error);
    case FM_DATASET_IDX:
    default:
      return _fm_dataset_idx_open (ds, labels_path, error);
    }
}

FmDataset *
fm_dataset_open (const char  *path,
                 const char  *labels_path,
                 GError     **error)
{
  g_autoptr(FmDataset) ds = NULL;
  GStatBuf st;
  gboolean exists;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  exists = g_stat (path, &st) == 0;
  if (!exists && (errno != ENOENT || strchr (path, '{') == NULL))
    {
      int saved = errno;

      if (saved == ENOENT)
        g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: no such file or folder"), path);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"),
                     path, g_strerror (saved));
      return NULL;
    }

  ds = g_new0 (FmDataset, 1);
  g_mutex_init (&ds->lock);
  g_mutex_init (&ds->key_lock);
  ds->path = g_strdup (path);
  ds->npy_fd = -1;
  ds->npy_labels_fd = -1;
  ds->warnings = g_array_new (FALSE, FALSE, sizeof (FmDatasetWarning));
  g_array_set_clear_func (ds->warnings, warning_clear);
  if (!open_kind (ds, exists && S_ISDIR (st.st_mode), labels_path, error))
    return NULL;
  return g_steal_pointer (&ds);
}

void
fm_dataset_free (FmDataset *dataset)
{
  if (dataset == NULL)
    return;
  if (dataset->images != NULL)
    gzclose (dataset->images);
  if (dataset->labels != NULL)
    gzclose (dataset->labels);
  if (dataset->npy_fd >= 0)
    close (dataset->npy_fd);
  if (dataset->npy_labels_fd >= 0)
    close (dataset->npy_labels_fd);
  g_clear_pointer (&dataset->tar, _fm_dataset_tar_free);
  g_clear_pointer (&dataset->class_names, g_ptr_array_unref);
  g_clear_pointer (&dataset->files, g_array_unref);
  g_clear_pointer (&dataset->selected, g_array_unref);
  g_clear_pointer (&dataset->list_warnings, g_ptr_array_unref);
  g_clear_pointer (&dataset->warnings, g_array_unref);
  g_clear_error (&dataset->failed);
  g_mutex_clear (&dataset->lock);
  g_mutex_clear (&dataset->key_lock);
  g_free (dataset->content_key);
  g_free (dataset->labels_path);
  g_free (dataset->path);
  g_free (dataset);
}

FmDatasetKind
fm_dataset_get_kind (FmDataset *dataset)
{
  return dataset->kind;
}

const char *
fm_dataset_get_path (FmDataset *dataset)
{
  return dataset->path;
}

const char *
fm_dataset_get_labels_path (FmDataset *dataset)
{
  return dataset->labels_path;
}

gboolean
fm_dataset_has_labels (FmDataset *dataset)
{
  return dataset->has_labels;
}

guint64
fm_dataset_get_n_items (FmDataset *dataset)
{
  return dataset->n_items;
}

int
fm_dataset_get_width (FmDataset *dataset)
{
  return dataset->width;
}

int
fm_dataset_get_height (FmDataset *dataset)
{
  return dataset->height;
}

gboolean
fm_dataset_set_range (FmDataset  *dataset,
                      guint64     begin,
                      guint64     end,
                      GError    **error)
{
  g_return_val_if_fail (dataset != NULL, FALSE);
  g_return_val_if_fail (!dataset->range_set && dataset->next_index == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dataset->range_set = TRUE;
  dataset->range_end = MIN (end, dataset->n_items);
  dataset->range_begin = MIN (begin, dataset->range_end);
  if (dataset->kind == FM_DATASET_IDX)
    return _fm_dataset_idx_skip (dataset, error);
  dataset->next_index = dataset->range_begin;
  return TRUE;
}

gboolean
fm_dataset_select_items (FmDataset     *dataset,
                         const guint64 *indexes,
                         gsize          n)
{
  g_return_val_if_fail (dataset != NULL && (indexes != NULL || n == 0), FALSE);
  g_return_val_if_fail (!dataset->range_set, FALSE);

  if (dataset->kind == FM_DATASET_IDX)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    g_return_val_if_fail (indexes[i] < dataset->n_items && (i == 0 || indexes[i] > indexes[i - 1]),
                          FALSE);
  g_mutex_lock (&dataset->lock);
  if (dataset->selected == NULL)
    dataset->selected = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_array_set_size (dataset->selected, 0);
  g_array_append_vals (dataset->selected, indexes, (guint) n);
  dataset->selected_at = 0;
  g_mutex_unlock (&dataset->lock);
  return TRUE;
}

guint64
fm_dataset_get_range_begin (FmDataset *dataset)
{
  return dataset->range_begin;
}

guint64
fm_dataset_get_range_end (FmDataset *dataset)
{
  return dataset->range_end;
}

const char *
fm_dataset_get_class_name (FmDataset *dataset,
                           int        label)
{
  g_return_val_if_fail (dataset != NULL, NULL);

  /* IDX, .npy and .cls labels are bare numbers; class folders are named. */
  if (dataset->class_names == NULL || label < 0 || (guint) label >= dataset->class_names->len)
    return NULL;
  return dataset->class_names->pdata[label];
}

gboolean
fm_dataset_next (FmDataset  *dataset,
                 guint64    *index_out,
                 FmImage   **image_out,
                 int        *label_out,
                 GError    **error)
{
  g_return_val_if_fail (dataset != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (dataset->kind)
    {
    case FM_DATASET_IDX:
      return _fm_dataset_idx_next (dataset, index_out, image_out, label_out, error);
    case FM_DATASET_TAR:
      return _fm_dataset_tar_next (dataset, index_out, image_out, label_out, error);
    case FM_DATASET_NPY:
      return _fm_dataset_npy_next (dataset, index_out, image_out, label_out, error);
    case FM_DATASET_FOLDER:
    default:
      return _fm_dataset_folder_next (dataset, index_out, image_out, label_out, error);
    }
}

gboolean
fm_dataset_preprocess_item (FmDataset          *dataset,
                            const FmPreprocess *pp,
                            guint64             index,
                            const FmImage      *image,
                            float              *input,
                            GError            **error)
{
  FmPreprocess idx_pp;

  g_return_val_if_fail (dataset != NULL && pp != NULL && image != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);

  if ((dataset->kind == FM_DATASET_IDX || dataset->kind == FM_DATASET_NPY)
      && pp->invert == FM_INVERT_AUTO)
    {
      idx_pp = *pp;
      idx_pp.invert = FM_INVERT_NO;
      pp = &idx_pp;
    }
  if (!fm_preprocess_image (pp, image, input, error))
    {
      g_autofree char *name = fm_dataset_dup_item_name (dataset, index);

      /* Translators: a prefix put before another error message: the dataset file or folder and
         the item's name or number. */
      g_prefix_error (error, _("%s: item %s: "), dataset->path, name);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_dataset_next_input (FmDataset          *dataset,
                       const FmPreprocess *pp,
                       guint64            *index_out,
                       float              *input,
                       int                *label_out,
                       GError            **error)
{
  g_autoptr(FmImage) image = NULL;
  guint64 index = 0;

  g_return_val_if_fail (pp != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);

  if (!fm_dataset_next (dataset, &index, &image, label_out, error))
    return FALSE;
  if (index_out != NULL)
    *index_out = index;
  return fm_dataset_preprocess_item (dataset, pp, index, image, input, error);
}

GPtrArray *
fm_dataset_dup_warnings (FmDataset *dataset)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (FmDatasetWarning));

  g_return_val_if_fail (dataset != NULL, out);

  if (dataset->list_warnings != NULL)
    for (guint i = 0; i < dataset->list_warnings->len; i++)
      g_ptr_array_add (out, g_strdup (dataset->list_warnings->pdata[i]));
  if (dataset->kind == FM_DATASET_NPY)
    {
      char *clamped = _fm_dataset_npy_dup_clamp_warning (dataset);

      if (clamped != NULL)
        g_ptr_array_add (out, clamped);
    }

  g_mutex_lock (&dataset->lock);
  for (guint i = 0; i < dataset->warnings->len; i++)
    {
      FmDatasetWarning copy = g_array_index (dataset->warnings, FmDatasetWarning, i);

      copy.text = g_strdup (copy.text);
      g_array_append_val (sorted, copy);
    }
  g_mutex_unlock (&dataset->lock);

  /* Two readers may add them out of order. */
  g_array_sort (sorted, warning_compare);
  for (guint i = 0; i < sorted->len; i++)
    g_ptr_array_add (out, g_array_index (sorted, FmDatasetWarning, i).text);
  return out;
}

/* Whether the file @path names is the one @st describes. */
static gboolean
is_file (const char     *path,
         const GStatBuf *st)
{
  GStatBuf other;

  return path != NULL && g_stat (path, &other) == 0 && other.st_dev == st->st_dev
         && other.st_ino == st->st_ino;
}

FmDatasetFile
fm_dataset_find_file (FmDataset  *dataset,
                      const char *path)
{
  GStatBuf st;

  g_return_val_if_fail (dataset != NULL && path != NULL, FM_DATASET_FILE_NONE);

  if (g_stat (path, &st) != 0)
    return FM_DATASET_FILE_NONE;
  switch (dataset->kind)
    {
    case FM_DATASET_FOLDER:
      for (guint i = 0; i < dataset->files->len; i++)
        {
          const FmFolderFile *file = &g_array_index (dataset->files, FmFolderFile, i);

          if (file->dev == (guint64) st.st_dev && file->ino == (guint64) st.st_ino)
            return FM_DATASET_FILE_PICTURE;
        }
      return FM_DATASET_FILE_NONE;
    case FM_DATASET_TAR:
      return _fm_dataset_tar_has_file (dataset, &st) ? FM_DATASET_FILE_SHARD
                                                     : FM_DATASET_FILE_NONE;
    case FM_DATASET_IDX:
    case FM_DATASET_NPY:
    default:
      if (is_file (dataset->path, &st))
        return FM_DATASET_FILE_IMAGES;
      return is_file (dataset->labels_path, &st) ? FM_DATASET_FILE_LABELS
                                                 : FM_DATASET_FILE_NONE;
    }
}

/* @path with its folder's symbolic links resolved ("/a/b/c.png" with
 * /a/b real), or NULL when its folder does not exist. */
static char *
real_location (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *real_dir = realpath (dir, NULL);

  return real_dir != NULL ? g_build_filename (real_dir, base, NULL) : NULL;
}

gboolean
fm_dataset_would_list (FmDataset  *dataset,
                       const char *path)
{
  g_autofree char *real_top = NULL;
  g_autofree char *real = NULL;
  const char *rel;
  gsize n;

  g_return_val_if_fail (dataset != NULL && path != NULL, FALSE);

  if (dataset->kind != FM_DATASET_FOLDER || (real_top = realpath (dataset->path, NULL)) == NULL
      || (real = real_location (path)) == NULL)
    return FALSE;
  n = strlen (real_top);
  if (strncmp (real, real_top, n) != 0 || (real[n] != '/' && n > 1))
    return FALSE;
  rel = real + n + (real[n] == '/');
  /* A class folders' hidden top-level folders are left out. */
  return dataset->class_names == NULL || strchr (rel, '/') == NULL || rel[0] != '.';
}

char *
fm_dataset_dup_item_name (FmDataset *dataset,
                          guint64    index)
{
  g_return_val_if_fail (dataset != NULL, NULL);

  if (index >= dataset->n_items)
    return NULL;
  switch (dataset->kind)
    {
    case FM_DATASET_FOLDER:
      return g_strdup (g_array_index (dataset->files, FmFolderFile, index).rel);
    case FM_DATASET_TAR:
      return _fm_dataset_tar_dup_item_name (dataset, index);
    case FM_DATASET_IDX:
    case FM_DATASET_NPY:
    default:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, index);
    }
}

/* Feeds the bytes of @path to @checksum. */
static gboolean
checksum_file (FmSha256      *checksum,
               const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree guint8 *buf = g_malloc (FM_DATASET_READ_CHUNK);
  int fd;

  fd = fm_file_open (path, NULL, error);
  if (fd < 0)
    return FALSE;
  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return FALSE;
        }
      n = fm_file_read (fd, path, buf, FM_DATASET_READ_CHUNK, error);
      if (n < 0)
        {
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      fm_sha256_update (checksum, buf, n);
    }
  close (fd);
  return TRUE;
}

char *
fm_dataset_dup_content_key (FmDataset     *dataset,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(FmSha256) checksum = NULL;
  char *key;

  g_return_val_if_fail (dataset != NULL, NULL);

  g_mutex_lock (&dataset->key_lock);
  if (dataset->content_key != NULL)
    {
      key = g_strdup (dataset->content_key);
      g_mutex_unlock (&dataset->key_lock);
      return key;
    }

  checksum = fm_sha256_new ();
  if (dataset->kind == FM_DATASET_IDX || dataset->kind == FM_DATASET_NPY)
    {
      if (!checksum_file (checksum, dataset->path, cancellable, error)
          || (dataset->labels_path != NULL
              && !checksum_file (checksum, dataset->labels_path, cancellable, error)))
        {
          g_mutex_unlock (&dataset->key_lock);
          return NULL;
        }
    }
  else if (dataset->kind == FM_DATASET_TAR)
    {
      g_autofree char *listing = _fm_dataset_tar_dup_listing (dataset);

      fm_sha256_update (checksum, listing, strlen (listing));
    }
  else
    {
      /* The class list too: an empty class folder shifts the labels. */
      for (guint i = 0; dataset->class_names != NULL && i < dataset->class_names->len; i++)
        {
          g_autofree char *line = g_strdup_printf ("class\t%s\n",
                                                   (char *) dataset->class_names->pdata[i]);

          fm_sha256_update (checksum, line, strlen (line));
        }
      for (guint i = 0; i < dataset->files->len; i++)
        {
          const FmFolderFile *file = &g_array_index (dataset->files, FmFolderFile, i);
          g_autofree char *line = NULL;

          if (i % 4096 == 0
              && g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              g_mutex_unlock (&dataset->key_lock);
              return NULL;
            }
          line = g_strdup_printf ("%s\t%" G_GUINT64_FORMAT "\t%" G_GINT64_FORMAT "\n",
                                  file->rel, file->size, file->mtime_us);
          fm_sha256_update (checksum, line, strlen (line));
        }
    }
  dataset->content_key = g_strdup (fm_sha256_get_string (checksum));
  key = g_strdup (dataset->content_key);
  g_mutex_unlock (&dataset->key_lock);
  return key;
}

/* ---- shared by the kinds ---------------------------------------------- */

gboolean
_fm_dataset_take_index (FmDataset  *ds,
                        guint64    *index,
                        GError    **error)
{
  gboolean ok;

  g_mutex_lock (&ds->lock);
  ok = _fm_dataset_take_index_locked (ds, index, error);
  g_mutex_unlock (&ds->lock);
  return ok;
}

gboolean
_fm_dataset_take_index_locked (FmDataset  *ds,
                               guint64    *index,
                               GError    **error)
{
  if (ds->failed != NULL)
    {
      g_propagate_error (error, g_error_copy (ds->failed));
      return FALSE;
    }
  if (ds->selected != NULL)
    {
      if (ds->selected_at >= ds->selected->len)
        return FALSE;
      *index = g_array_index (ds->selected, guint64, ds->selected_at++);
      return TRUE;
    }
  if (ds->next_index >= ds->range_end)
    return FALSE;
  *index = ds->next_index++;
  return TRUE;
}

void
_fm_dataset_fail (FmDataset     *ds,
                  const GError  *reason,
                  GError       **error)
{
  g_mutex_lock (&ds->lock);
  if (ds->failed == NULL)
    ds->failed = g_error_copy (reason);
  g_propagate_error (error, g_error_copy (ds->failed));
  g_mutex_unlock (&ds->lock);
}

gboolean
_fm_dataset_hand_out (guint64    index,
                      FmImage   *image,
                      int        label,
                      guint64   *index_out,
                      FmImage  **image_out,
                      int       *label_out)
{
  if (index_out != NULL)
    *index_out = index;
  if (label_out != NULL)
    *label_out = label;
  if (image_out != NULL)
    *image_out = image;
  else
    fm_image_free (image);
  return TRUE;
}

void
_fm_dataset_add_warning (FmDataset *ds,
                         guint64    index,
                         char      *text)
{
  FmDatasetWarning warning = { index, text };

  g_mutex_lock (&ds->lock);
  g_array_append_val (ds->warnings, warning);
  g_mutex_unlock (&ds->lock);
}

const char *
_fm_dataset_without_path (const char *message,
                          const char *path)
{
  gsize n = strlen (path);

  if (strncmp (message, path, n) != 0)
    return message;
  if (g_str_has_prefix (message + n, ": "))
    return message + n + 2;
  if (g_str_has_prefix (message + n, " : "))
    return message + n + 3;
  return message;
}

int
_fm_dataset_compare_strings (gconstpointer a,
                             gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

gboolean
_fm_dataset_named_as (const char         *name,
                      const char * const *suffixes)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; suffixes[i] != NULL; i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}
