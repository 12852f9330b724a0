/* fm-dataset-npy.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * .npy arrays as datasets (see fm-dataset.h): the header is parsed by
 * fm-npy.c's fm_npy_parse_header(), the data are read item by item with
 * pread() at the item's offset, so readers need no lock to read and the
 * array is never held in memory. An item [C, H, W] becomes an 8-bit
 * FmImage [H, W, C]: uint8 as stored, float32/float64 as round(v * 255)
 * with v clamped to [0, 1] (NaN to 0), the clamped items counted for one
 * warning. Labels come from a 1-D integer .npy of N entries.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "fm-dataset-private.h"
#include "fm-file.h"

/* Reads @len bytes at @offset; *@got how many came before the end. */
static gboolean
read_at (int          fd,
         const char  *path,
         guint64      offset,
         guint8      *buf,
         gsize        len,
         gsize       *got,
         GError     **error)
{
  *got = 0;
  while (*got < len)
    {
      gssize n = pread (fd, buf + *got, len - *got, (off_t) (offset + *got));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot read: %s"),
                       path, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      *got += (gsize) n;
    }
  return TRUE;
}

/* Opens @path and parses its npy header into @header; *@file_size gets
 * the size on disk. Returns the fd or -1. */
static int
open_npy (const char   *path,
          FmNpyHeader  *header,
          guint64      *file_size,
          GError      **error)
{
  g_autofree guint8 *head = g_malloc (FM_NPY_MAX_HEADER_BYTES);
  GStatBuf st;
  gsize got;
  int fd;

  fd = fm_file_open (path, &st, error);
  if (fd < 0)
    return -1;
  if (!read_at (fd, path, 0, head, FM_NPY_MAX_HEADER_BYTES, &got, error)
      || !fm_npy_parse_header (head, got, path, header, error))
    {
      close (fd);
      return -1;
    }
  *file_size = (guint64) st.st_size;
  return fd;
}

/* The data after the header must be exactly @need bytes. */
static gboolean
check_npy_size (const char  *path,
                guint64      file_size,
                guint64      offset,
                guint64      need,
                GError     **error)
{
  if (file_size - offset == need)
    return TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               file_size - offset < need
               ? _("%s: truncated: the npy header promises %" PRIu64
                   " bytes of data but the file has %" PRIu64)
               : _("%s: the npy header promises %" PRIu64
                   " bytes of data but the file has %" PRIu64 " (extra bytes at the end)"),
               path, need, file_size - offset);
  return FALSE;
}

/* [N, H, W] or [N, C, H, W] with C = 1 or 3, within the limits. */
static gboolean
check_images_shape (FmDataset          *ds,
                    const FmNpyHeader  *h,
                    GError            **error)
{
  const gint64 *d = h->shape.dims;
  g_autofree char *s = fm_shape_to_string (&h->shape);
  gint64 n, c, height, width;

  if (h->shape.rank != 3 && h->shape.rank != 4)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: an npy dataset is [N, H, W] or [N, C, H, W], not %s"),
                   ds->path, s);
      return FALSE;
    }
  n = d[0];
  c = h->shape.rank == 4 ? d[1] : 1;
  height = d[h->shape.rank - 2];
  width = d[h->shape.rank - 1];
  if (c != 1 && c != 3)
    {
      if (h->shape.rank == 4 && (d[3] == 1 || d[3] == 3))
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: shape %s looks channels-last [N, H, W, C]; save it as "
                       "[N, C, H, W] (numpy: a.transpose(0, 3, 1, 2))"), ds->path, s);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: shape %s has %" PRId64 " channels; only 1 (gray) or 3 (RGB) "
                       "are read"), ds->path, s, c);
      return FALSE;
    }
  if (n == 0 || height == 0 || width == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: shape %s has no pictures or empty ones"), ds->path, s);
      return FALSE;
    }
  if ((guint64) n > FM_DATASET_MAX_ITEMS || height > G_MAXINT || width > G_MAXINT
      || (guint64) height * (guint64) width > FM_DATASET_MAX_ITEM_PIXELS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: shape %s is above the limits of %" PRIu64 " items of %"
                     PRIu64 " pixels"), ds->path, s, FM_DATASET_MAX_ITEMS,
                   FM_DATASET_MAX_ITEM_PIXELS);
      return FALSE;
    }
  if (h->dtype != FM_NPY_U1 && h->dtype != FM_NPY_F4 && h->dtype != FM_NPY_F8)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: npy dtype '%s' is not read as pictures; use uint8 (0 to 255) "
                     "or float32 or float64 (0 to 1)"), ds->path,
                   fm_npy_dtype_name (h->dtype));
      return FALSE;
    }
  ds->n_items = (guint64) n;
  ds->range_end = ds->n_items;
  ds->channels = (int) c;
  ds->height = (int) height;
  ds->width = (int) width;
  return TRUE;
}

static gboolean
npy_open_labels (FmDataset  *ds,
                 GError    **error)
{
  FmNpyHeader h;
  guint64 file_size = 0;

  ds->npy_labels_fd = open_npy (ds->labels_path, &h, &file_size, error);
  if (ds->npy_labels_fd < 0)
    return FALSE;
  if (h.dtype == FM_NPY_F4 || h.dtype == FM_NPY_F8)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: labels must be integers, not npy dtype '%s'"),
                   ds->labels_path, fm_npy_dtype_name (h.dtype));
      return FALSE;
    }
  if (h.shape.rank != 1 || (guint64) h.shape.dims[0] != ds->n_items)
    {
      g_autofree char *s = fm_shape_to_string (&h.shape);

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s has %" PRIu64 " images but the labels %s have shape %s, not [%"
                     PRIu64 "]"), ds->path, ds->n_items, ds->labels_path, s, ds->n_items);
      return FALSE;
    }
  ds->npy_labels = h;
  ds->has_labels = TRUE;
  return check_npy_size (ds->labels_path, file_size, h.data_offset,
                         ds->n_items * h.item_size, error);
}

/* "x-images.npy" -> "x-labels.npy" next to it, if there is one. */
static char *
find_npy_labels (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GString) name = g_string_new (base);
  g_autofree char *candidate = NULL;

  if (g_string_replace (name, "images", "labels", 0) == 0)
    return NULL;
  candidate = g_build_filename (dir, name->str, NULL);
  if (!g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&candidate);
}

gboolean
_fm_dataset_npy_open (FmDataset   *ds,
                      const char  *labels_path,
                      GError     **error)
{
  guint64 file_size = 0;

  ds->npy_labels_fd = -1;
  ds->npy_fd = open_npy (ds->path, &ds->npy, &file_size, error);
  if (ds->npy_fd < 0 || !check_images_shape (ds, &ds->npy, error)
      || !check_npy_size (ds->path, file_size, ds->npy.data_offset,
                          ds->n_items * _fm_dataset_npy_item_bytes (ds), error))
    return FALSE;
  ds->labels_path = labels_path != NULL ? g_strdup (labels_path) : find_npy_labels (ds->path);
  return ds->labels_path == NULL || npy_open_labels (ds, error);
}

guint64
_fm_dataset_npy_item_bytes (FmDataset *ds)
{
  return (guint64) ds->channels * ds->height * ds->width * ds->npy.item_size;
}

/* One value as a pixel; *@clamped is set when it was outside [0, 1] or NaN. */
static inline guint8
to_pixel (double    v,
          gboolean *clamped)
{
  if (!(v >= 0.0))
    {
      *clamped = TRUE;
      return 0;
    }
  if (v > 1.0)
    {
      *clamped = TRUE;
      return 255;
    }
  return (guint8) (v * 255.0 + 0.5);
}

/* Converts @n values of the item's [C, H, W] data, starting at value
 * @first, into @image's [H, W, C] pixels. */
static void
convert_values (FmDataset    *ds,
                const guint8 *src,
                gsize         first,
                gsize         n,
                FmImage      *image,
                gboolean     *clamped)
{
  gsize plane = (gsize) ds->height * ds->width;

  for (gsize i = 0; i < n; i++)
    {
      gsize k = first + i;
      gsize at = (k % plane) * ds->channels + k / plane;
      double v;

      switch (ds->npy.dtype)
        {
        case FM_NPY_U1:
          image->pixels[at] = src[i];
          continue;
        case FM_NPY_F4:
          {
            float f;

            memcpy (&f, src + 4 * i, 4);
            v = f;
          }
          break;
        default:
          memcpy (&v, src + 8 * i, 8);
          break;
        }
      image->pixels[at] = to_pixel (v, clamped);
    }
}

/* Reads item @index into @image in pieces of FM_DATASET_READ_CHUNK. */
static gboolean
read_item (FmDataset  *ds,
           guint64     index,
           FmImage    *image,
           gboolean   *clamped,
           GError    **error)
{
  g_autofree guint8 *buf = g_malloc (FM_DATASET_READ_CHUNK);
  guint64 item_bytes = _fm_dataset_npy_item_bytes (ds);
  guint64 offset = ds->npy.data_offset + index * item_bytes;
  gsize elem = ds->npy.item_size;
  gsize per_chunk = FM_DATASET_READ_CHUNK / elem;
  gsize n_values = (gsize) (item_bytes / elem);

  for (gsize done = 0; done < n_values;)
    {
      gsize n = MIN (per_chunk, n_values - done), got;

      if (!read_at (ds->npy_fd, ds->path, offset + done * elem, buf, n * elem, &got, error))
        return FALSE;
      if (got < n * elem)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: truncated at item %" PRIu64 " (the file shrank after it "
                         "was opened)"), ds->path, index);
          return FALSE;
        }
      convert_values (ds, buf, done, n, image, clamped);
      done += n;
    }
  return TRUE;
}

/* The label of item @index, checked to be a class number. */
static gboolean
read_label (FmDataset  *ds,
            guint64     index,
            int        *label,
            GError    **error)
{
  guint8 b[8] = { 0 };
  gsize elem = ds->npy_labels.item_size, got;
  gint64 v;

  if (!read_at (ds->npy_labels_fd, ds->labels_path,
                ds->npy_labels.data_offset + index * elem, b, elem, &got, error))
    return FALSE;
  if (got < elem)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: truncated at item %" PRIu64 " (the file shrank after it "
                     "was opened)"), ds->labels_path, index);
      return FALSE;
    }
  switch (ds->npy_labels.dtype)
    {
    case FM_NPY_U1: v = b[0]; break;
    case FM_NPY_I1: v = (gint8) b[0]; break;
    case FM_NPY_U2: v = GUINT16_FROM_LE (*(guint16 *) (void *) b); break;
    case FM_NPY_I2: v = (gint16) GUINT16_FROM_LE (*(guint16 *) (void *) b); break;
    case FM_NPY_U4: v = GUINT32_FROM_LE (*(guint32 *) (void *) b); break;
    case FM_NPY_I4: v = (gint32) GUINT32_FROM_LE (*(guint32 *) (void *) b); break;
    case FM_NPY_U8:
      {
        guint64 u = GUINT64_FROM_LE (*(guint64 *) (void *) b);
        v = u > G_MAXINT64 ? -1 : (gint64) u;
      }
      break;
    default: v = (gint64) GUINT64_FROM_LE (*(guint64 *) (void *) b); break;
    }
  if (v < 0 || v >= FM_DATASET_MAX_CLASSES)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: label %" PRId64 " of item %" PRIu64 " is not a class number "
                     "(0 to %d)"), ds->labels_path, v, index, FM_DATASET_MAX_CLASSES - 1);
      return FALSE;
    }
  *label = (int) v;
  return TRUE;
}

gboolean
_fm_dataset_npy_next (FmDataset  *ds,
                      guint64    *index_out,
                      FmImage   **image_out,
                      int        *label_out,
                      GError    **error)
{
  g_autoptr(FmImage) image = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean clamped = FALSE;
  int label = -1;
  guint64 index;

  image = fm_image_new (ds->width, ds->height, ds->channels,
                        FM_DATASET_MAX_ITEM_PIXELS * 3, error);
  if (image == NULL)
    return FALSE;
  if (!_fm_dataset_take_index (ds, &index, error))
    return FALSE;

  /* pread() needs no lock: the readers read in parallel. */
  if (!read_item (ds, index, image, &clamped, &local_error)
      || (ds->npy_labels_fd >= 0 && !read_label (ds, index, &label, &local_error)))
    {
      _fm_dataset_fail (ds, local_error, error);
      return FALSE;
    }
  if (clamped)
    {
      g_mutex_lock (&ds->lock);
      if (ds->n_clamped == 0 || index < ds->first_clamped)
        ds->first_clamped = index;
      ds->n_clamped++;
      g_mutex_unlock (&ds->lock);
    }
  return _fm_dataset_hand_out (index, g_steal_pointer (&image), label, index_out, image_out,
                               label_out);
}

char *
_fm_dataset_npy_dup_clamp_warning (FmDataset *ds)
{
  char *text = NULL;

  g_mutex_lock (&ds->lock);
  if (ds->n_clamped > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%" PRIu64 " item had values outside 0 to 1, "
                                         "clamped, or not a number, read as 0 (the first: "
                                         "item %" PRIu64 "); float arrays are read as pixel "
                                         "values from 0 to 1",
                                         "%" PRIu64 " items had values outside 0 to 1, "
                                         "clamped, or not a number, read as 0 (the first: "
                                         "item %" PRIu64 "); float arrays are read as pixel "
                                         "values from 0 to 1",
                                         ds->n_clamped),
                            ds->n_clamped, ds->first_clamped);
  g_mutex_unlock (&ds->lock);
  return text;
}
