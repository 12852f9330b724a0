/* fm-dataset-idx.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IDX files (see fm-dataset.h) through zlib's gzread, which decompresses
 * a gzip stream and copies any other file as it is, so plain and .gz
 * files share one code path; each item is one gzread of H * W bytes.
 * Truncation of a plain file is found at open from its size, of a gzip
 * stream only when reading reaches it; after the last item one more read
 * makes zlib check the gzip trailer (CRC and length).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "fm-dataset-private.h"
#include "fm-npy.h"
#include "fm-file.h"

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u

/* ---- zlib helpers ----------------------------------------------------- */

/* gzerror() prefixes its message with the name given to gzdopen()
 * ("<fd:5>: "); the file name is ours to add. */
static const char *
gz_reason (gzFile gz,
           int   *errnum)
{
  const char *msg = gzerror (gz, errnum);

  if (*errnum == Z_ERRNO)
    return g_strerror (errno);
  if (g_str_has_prefix (msg, "<fd:"))
    {
      const char *colon = strstr (msg, ": ");

      if (colon != NULL)
        msg = colon + 2;
    }
  return msg;
}

typedef enum
{
  READ_OK,        /* got every byte */
  READ_SHORT,     /* the data ended early; *got says how many came */
  READ_CORRUPT,   /* zlib error; *reason says why */
} ReadResult;

/* Reads @len bytes (at most UINT_MAX, guaranteed by the limits). A gzip
 * stream that ends early is READ_SHORT with zlib's reason ("unexpected end
 * of file") in *@reason; a plain file that ends early has no reason. */
static ReadResult
gz_read_full (gzFile       gz,
              void        *buf,
              gsize        len,
              gsize       *got,
              const char **reason)
{
  int n = gzread (gz, buf, (unsigned) len);
  int errnum = Z_OK;
  const char *msg = gz_reason (gz, &errnum);

  *got = n > 0 ? (gsize) n : 0;
  *reason = NULL;
  if (n < 0 || (errnum != Z_OK && errnum != Z_BUF_ERROR))
    {
      *reason = msg;
      return READ_CORRUPT;
    }
  if ((gsize) n < len)
    {
      if (errnum == Z_BUF_ERROR)
        *reason = msg;
      return READ_SHORT;
    }
  return READ_OK;
}

/* Opens @path for gzread; *@file_size gets its size on disk. */
static gzFile
gz_open_file (const char  *path,
              guint64     *file_size,
              GError     **error)
{
  GStatBuf st;
  gzFile gz;
  int fd;

  fd = fm_file_open (path, &st, error);
  if (fd < 0)
    return NULL;
  gz = gzdopen (fd, "rb");
  if (gz == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: out of memory"),
                   path);
      close (fd);
      return NULL;
    }
  gzbuffer (gz, FM_DATASET_READ_CHUNK);
  *file_size = (guint64) st.st_size;
  return gz;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16)
         | ((guint32) p[2] << 8) | (guint32) p[3];
}

/* Reads an IDX header of @len bytes (16 for images, 8 for labels). */
static gboolean
read_header (gzFile       gz,
             const char  *path,
             guint8      *header,
             gsize        len,
             gsize       *got,
             GError     **error)
{
  const char *reason;

  switch (gz_read_full (gz, header, len, got, &reason))
    {
    case READ_CORRUPT:
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: corrupt gzip data: %s"), path, reason);
      return FALSE;
    case READ_SHORT:
      if (*got == 0)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: empty file, not an IDX file"), path);
          return FALSE;
        }
      break;
    case READ_OK:
    default:
      break;
    }
  return TRUE;
}

/* A plain (not gzip) file must hold its header plus @n records of
 * @record bytes. */
static gboolean
check_plain_size (gzFile       gz,
                  const char  *path,
                  guint64      file_size,
                  guint64      header,
                  guint64      n,
                  guint64      record,
                  const char  *what,
                  GError     **error)
{
  guint64 need = header + n * record;

  if (!gzdirect (gz) || file_size >= need)
    return TRUE;
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               /* Translators: the file, then the word “item” or “label” (msgctxt “IDX record”),
                  then which item of how many, then the byte sizes expected and found. */
               _("%s: truncated at %s %" PRIu64 " of %" PRIu64
                 ": the header promises %" PRIu64 " bytes but the file has %"
                 PRIu64), path, what, (file_size - header) / record, n,
               need, file_size);
  return FALSE;
}

/* ---- IDX -------------------------------------------------------------- */

/* Why the first @got bytes of @path, @header, are not an IDX images
 * file: the most likely mistake first. */
static void
set_images_magic_error (const char    *path,
                        const guint8  *header,
                        gsize          got,
                        GError       **error)
{
  guint32 magic = got >= 4 ? read_be32 (header) : 0;

  if (got >= 4 && magic == IDX_LABELS_MAGIC)
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: an IDX label file (magic 0x%08x), not an IDX image file; "
                   "give the images file and this one as its labels"),
                 path, magic);
  else if (got >= 4 && header[0] == 0 && header[1] == 0 && header[3] == 3)
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: IDX element type 0x%02x is not supported (magic 0x%08x); "
                   "only 0x08, unsigned bytes"), path, header[2], magic);
  else if (fm_image_has_magic (header, got))
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: not an IDX image file (magic 0x%08x) but a picture; "
                   "to read pictures, give the folder that holds them"),
                 path, magic);
  else if (got < 4)
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: not an IDX image file (only %zu bytes)"),
                 path, got);
  else
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: not an IDX image file (magic 0x%08x, expected 0x%08x)"),
                 path, magic, IDX_IMAGES_MAGIC);
}

/* Opens @path into *@gz (*@file_size its size on disk) and reads its
 * @len-byte header (16 for images, 8 for labels) into @header, which must
 * start with @magic. A file that fails is left open in *@gz. */
static gboolean
idx_open_header (const char  *path,
                 guint32      magic,
                 gzFile      *gz,
                 guint64     *file_size,
                 guint8      *header,
                 gsize        len,
                 GError     **error)
{
  guint32 found;
  gsize got;

  *gz = gz_open_file (path, file_size, error);
  if (*gz == NULL)
    return FALSE;
  if (!read_header (*gz, path, header, len, &got, error))
    return FALSE;

  found = got >= 4 ? read_be32 (header) : 0;
  if (got < 4 || found != magic)
    {
      if (magic == IDX_IMAGES_MAGIC)
        set_images_magic_error (path, header, got, error);
      else if (fm_npy_has_magic (header, got))
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: .npy labels go with an .npy dataset; an IDX dataset takes an IDX "
                       "labels file (…-labels-idx1-ubyte)"), path);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: not an IDX label file (magic 0x%08x, expected 0x%08x)"),
                     path, found, IDX_LABELS_MAGIC);
      return FALSE;
    }
  if (got < len)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   len == 16 ? _("%s: truncated IDX header (%zu of 16 bytes)")
                             : _("%s: truncated IDX header (%zu of 8 bytes)"),
                   path, got);
      return FALSE;
    }
  return TRUE;
}

static gboolean
idx_open_images (FmDataset  *ds,
                 GError    **error)
{
  guint8 header[16];
  guint64 file_size = 0;
  guint32 n, h, w;

  if (!idx_open_header (ds->path, IDX_IMAGES_MAGIC, &ds->images, &file_size,
                        header, sizeof header, error))
    return FALSE;

  n = read_be32 (header + 4);
  h = read_be32 (header + 8);
  w = read_be32 (header + 12);
  if (n == 0 || h == 0 || w == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: the IDX header gives %u items of %u x %u pixels; "
                     "none may be 0"), ds->path, n, h, w);
      return FALSE;
    }
  if (n > FM_DATASET_MAX_ITEMS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: the IDX header gives %u items, above the limit of %"
                     PRIu64), ds->path, n, FM_DATASET_MAX_ITEMS);
      return FALSE;
    }
  if ((guint64) h * w > FM_DATASET_MAX_ITEM_PIXELS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: the IDX header gives items of %u x %u pixels, above the "
                     "limit of %" PRIu64 " pixels"), ds->path, h, w,
                   FM_DATASET_MAX_ITEM_PIXELS);
      return FALSE;
    }
  ds->n_items = n;
  ds->range_end = n;
  ds->height = (int) h;
  ds->width = (int) w;

  return check_plain_size (ds->images, ds->path, file_size, sizeof header,
                           n, (guint64) h * w, C_("IDX record", "item"), error);
}

static gboolean
idx_open_labels (FmDataset  *ds,
                 GError    **error)
{
  guint8 header[8];
  guint64 file_size = 0;
  guint32 n;

  if (!idx_open_header (ds->labels_path, IDX_LABELS_MAGIC, &ds->labels, &file_size,
                        header, sizeof header, error))
    return FALSE;
  n = read_be32 (header + 4);
  if (n != ds->n_items)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s has %" PRIu64 " images but %s has %u labels"),
                   ds->path, ds->n_items, ds->labels_path, n);
      return FALSE;
    }
  return check_plain_size (ds->labels, ds->labels_path, file_size, sizeof header,
                           n, 1, C_("IDX record", "label"), error);
}

/* The labels file next to @images_path under the usual name, or NULL. */
static char *
find_labels_file (const char *images_path)
{
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *base = g_path_get_basename (images_path);
  g_autoptr(GString) name = g_string_new (base);
  char *candidates[2] = { NULL, NULL };
  char *found = NULL;

  g_string_replace (name, "images", "labels", 0);
  g_string_replace (name, "idx3", "idx1", 0);
  if (strcmp (name->str, base) == 0)
    return NULL;

  candidates[0] = g_build_filename (dir, name->str, NULL);
  if (g_str_has_suffix (name->str, ".gz"))
    candidates[1] = g_strndup (candidates[0], strlen (candidates[0]) - 3);
  else
    candidates[1] = g_strconcat (candidates[0], ".gz", NULL);

  for (int i = 0; i < 2 && found == NULL; i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
      found = g_strdup (candidates[i]);
  g_free (candidates[0]);
  g_free (candidates[1]);
  return found;
}

gboolean
_fm_dataset_idx_open (FmDataset   *ds,
                      const char  *labels_path,
                      GError     **error)
{
  if (!idx_open_images (ds, error))
    return FALSE;
  ds->labels_path = labels_path != NULL ? g_strdup (labels_path)
                                        : find_labels_file (ds->path);
  if (ds->labels_path != NULL && !idx_open_labels (ds, error))
    return FALSE;
  ds->has_labels = ds->labels != NULL;
  return TRUE;
}

/* Called with the lock held. Sets ds->failed. */
static void
idx_fail_read (FmDataset   *ds,
               const char  *path,
               const char  *what,
               guint64      index,
               ReadResult   result,
               gsize        got,
               gsize        len,
               const char  *reason)
{
  if (result == READ_CORRUPT)
    g_set_error (&ds->failed, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 /* Translators: the file, then the word “item” or “label” (msgctxt “IDX record”)
                    and its index, then zlib's (English) reason. */
                 _("%s: corrupt gzip data at %s %" PRIu64 ": %s"),
                 path, what, index, reason);
  else
    g_set_error (&ds->failed, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 /* Translators: the file, then the word “item” or “label” (msgctxt “IDX record”),
                    which one of how many, the bytes read of the bytes needed; the two final %s
                    add “: ” and zlib's reason when there is one and must stay at the end. */
                 _("%s: truncated at %s %" PRIu64 " of %" PRIu64
                   " (%zu of %zu bytes)%s%s"),
                 path, what, index, ds->n_items, got, len,
                 reason != NULL ? ": " : "", reason != NULL ? reason : "");
}

/* After the last item: one more read lets zlib reach the end of a gzip
 * stream and check its CRC and length. Extra bytes are ignored. Called
 * with the lock held. */
static void
idx_check_end (FmDataset  *ds,
               gzFile      gz,
               const char *path)
{
  guint8 byte;
  gsize got;
  const char *reason;

  if (gz_read_full (gz, &byte, 1, &got, &reason) == READ_SHORT && reason == NULL)
    return;
  if (reason != NULL)
    g_set_error (&ds->failed, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: corrupt gzip data after the last item: %s"), path, reason);
}

/* Reads and drops @count items of @item_len bytes from @gz. Called
 * before any reader thread runs. */
static gboolean
idx_skip_items (FmDataset   *ds,
                gzFile       gz,
                const char  *path,
                const char  *what,
                guint64      count,
                gsize        item_len,
                GError     **error)
{
  g_autofree guint8 *buf = g_malloc (FM_DATASET_READ_CHUNK);
  guint64 left = count * item_len;   /* below 100 M * 64 M: no overflow */

  while (left > 0)
    {
      gsize len = (gsize) MIN (left, (guint64) FM_DATASET_READ_CHUNK);
      guint64 done = count * item_len - left;
      ReadResult result;
      const char *reason;
      gsize got;

      result = gz_read_full (gz, buf, len, &got, &reason);
      if (result != READ_OK)
        {
          idx_fail_read (ds, path, what, (done + got) / item_len, result,
                         (gsize) ((done + got) % item_len), item_len, reason);
          g_propagate_error (error, g_error_copy (ds->failed));
          return FALSE;
        }
      left -= len;
    }
  return TRUE;
}

gboolean
_fm_dataset_idx_skip (FmDataset  *ds,
                      GError    **error)
{
  gsize len = (gsize) ds->width * (gsize) ds->height;

  if (ds->range_begin == 0)
    return TRUE;
  if (!idx_skip_items (ds, ds->images, ds->path, C_("IDX record", "item"), ds->range_begin, len,
                       error))
    return FALSE;
  if (ds->labels != NULL
      && !idx_skip_items (ds, ds->labels, ds->labels_path, C_("IDX record", "label"),
                          ds->range_begin, 1, error))
    return FALSE;
  ds->next_index = ds->range_begin;
  return TRUE;
}

gboolean
_fm_dataset_idx_next (FmDataset  *ds,
                      guint64    *index_out,
                      FmImage   **image_out,
                      int        *label_out,
                      GError    **error)
{
  g_autoptr(FmImage) image = NULL;
  gsize len = (gsize) ds->width * (gsize) ds->height;
  int label = -1;
  guint64 index;
  ReadResult result;
  const char *reason;
  gsize got;

  /* Allocated outside the lock; the size passed the limits at open. */
  image = fm_image_new (ds->width, ds->height, 1, FM_DATASET_MAX_ITEM_PIXELS, error);
  if (image == NULL)
    return FALSE;

  g_mutex_lock (&ds->lock);
  if (ds->failed == NULL && ds->next_index >= ds->range_end && !ds->finished
      && ds->range_end == ds->n_items)
    {
      ds->finished = TRUE;
      idx_check_end (ds, ds->images, ds->path);
      if (ds->failed == NULL && ds->labels != NULL)
        idx_check_end (ds, ds->labels, ds->labels_path);
    }
  if (ds->failed != NULL)
    {
      g_propagate_error (error, g_error_copy (ds->failed));
      g_mutex_unlock (&ds->lock);
      return FALSE;
    }
  if (ds->next_index >= ds->range_end)
    {
      g_mutex_unlock (&ds->lock);
      return FALSE;
    }

  index = ds->next_index;
  result = gz_read_full (ds->images, image->pixels, len, &got, &reason);
  if (result != READ_OK)
    idx_fail_read (ds, ds->path, C_("IDX record", "item"), index, result, got, len,
                   reason);
  else if (ds->labels != NULL)
    {
      guint8 byte = 0;

      result = gz_read_full (ds->labels, &byte, 1, &got, &reason);
      if (result != READ_OK)
        idx_fail_read (ds, ds->labels_path, C_("IDX record", "label"), index, result, got, 1,
                       reason);
      label = byte;
    }
  if (ds->failed != NULL)
    {
      g_propagate_error (error, g_error_copy (ds->failed));
      g_mutex_unlock (&ds->lock);
      return FALSE;
    }
  ds->next_index++;
  g_mutex_unlock (&ds->lock);

  return _fm_dataset_hand_out (index, g_steal_pointer (&image), label, index_out, image_out,
                               label_out);
}
