/* fm-dataset.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IDX files and folders of pictures as item streams (see fm-dataset.h).
 * IDX files go through zlib's gzread, which decompresses a gzip stream
 * and copies any other file as it is (it looks at the magic bytes, not the
 * name), so plain and .gz files share one code path; each item is one
 * gzread of H * W bytes into a fresh FmImage. Everything that can be
 * checked from the headers is checked in fm_dataset_open(); truncation
 * of a plain file is found there from its size, truncation or corruption
 * of a gzip stream only when reading reaches it, and after the last item
 * one more read makes zlib check the gzip trailer (CRC and length). A
 * folder is listed once at open (names, sizes, mtimes, with the magic
 * bytes of each file checked), sorted with strcmp, and decoded item by
 * item with fm_image_load(). This file does not resize or normalise:
 * fm_dataset_next_input() hands that to fm_preprocess_image().
 */
#include "config.h"

#include "fm-dataset.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <zlib.h>

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
#define READ_CHUNK       (64 * 1024)

typedef struct
{
  char    *rel;       /* path relative to the folder, '/'-separated */
  guint64  size;
  gint64   mtime_us;
} FolderFile;

typedef struct
{
  guint64  index;
  char    *text;      /* "rel/path: reason" */
} Warning;

struct _FmDataset
{
  FmDatasetKind kind;
  char         *path;
  char         *labels_path;      /* IDX, or NULL */
  guint64       n_items;
  int           width;            /* IDX item size, 0 for a folder */
  int           height;

  GArray       *files;            /* FOLDER: [n_items] FolderFile, sorted */
  GPtrArray    *list_warnings;    /* FOLDER: from listing, in order found */

  /* Everything below up to key_lock is guarded by lock. */
  GMutex        lock;
  guint64       next_index;
  GError       *failed;           /* sticky fatal error */
  gboolean      finished;         /* IDX: gzip trailers checked */
  gzFile        images;           /* IDX */
  gzFile        labels;           /* IDX, or NULL */
  GArray       *warnings;         /* FOLDER: Warning, from decoding */

  GMutex        key_lock;
  char         *content_key;
};

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

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"),
                   path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: not a regular file"), path);
      close (fd);
      return NULL;
    }
  gz = gzdopen (fd, "rb");
  if (gz == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: out of memory"),
                   path);
      close (fd);
      return NULL;
    }
  gzbuffer (gz, READ_CHUNK);
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
               /* Translators: the file, then the untranslated English word “item” or “label”,
                  then which item of how many, then the byte sizes expected and found. */
               _("%s: truncated at %s %" PRIu64 " of %" PRIu64
                 ": the header promises %" PRIu64 " bytes but the file has %"
                 PRIu64), path, what, (file_size - header) / record, n,
               need, file_size);
  return FALSE;
}

/* ---- IDX -------------------------------------------------------------- */

static gboolean
idx_open_images (FmDataset  *ds,
                 GError    **error)
{
  guint8 header[16];
  guint64 file_size = 0;
  guint32 magic, n, h, w;
  gsize got;

  ds->images = gz_open_file (ds->path, &file_size, error);
  if (ds->images == NULL)
    return FALSE;
  if (!read_header (ds->images, ds->path, header, sizeof header, &got, error))
    return FALSE;

  magic = got >= 4 ? read_be32 (header) : 0;
  if (got < 4 || magic != IDX_IMAGES_MAGIC)
    {
      if (got >= 4 && magic == IDX_LABELS_MAGIC)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: an IDX label file (magic 0x%08x), not an IDX image file; "
                       "give the images file and this one as its labels"),
                     ds->path, magic);
      else if (got >= 4 && header[0] == 0 && header[1] == 0 && header[3] == 3)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: IDX element type 0x%02x is not supported (magic 0x%08x); "
                       "only 0x08, unsigned bytes"), ds->path, header[2], magic);
      else if (fm_image_has_magic (header, got))
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: not an IDX image file (magic 0x%08x) but a picture; "
                       "to read pictures, give the folder that holds them"),
                     ds->path, magic);
      else if (got < 4)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: not an IDX image file (only %zu bytes)"),
                     ds->path, got);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: not an IDX image file (magic 0x%08x, expected 0x%08x)"),
                     ds->path, magic, IDX_IMAGES_MAGIC);
      return FALSE;
    }
  if (got < sizeof header)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: truncated IDX header (%zu of 16 bytes)"),
                   ds->path, got);
      return FALSE;
    }

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
  ds->height = (int) h;
  ds->width = (int) w;

  return check_plain_size (ds->images, ds->path, file_size, sizeof header,
                           n, (guint64) h * w, "item", error);
}

static gboolean
idx_open_labels (FmDataset  *ds,
                 GError    **error)
{
  guint8 header[8];
  guint64 file_size = 0;
  guint32 magic, n;
  gsize got;

  ds->labels = gz_open_file (ds->labels_path, &file_size, error);
  if (ds->labels == NULL)
    return FALSE;
  if (!read_header (ds->labels, ds->labels_path, header, sizeof header, &got, error))
    return FALSE;
  magic = got >= 4 ? read_be32 (header) : 0;
  if (got < 4 || magic != IDX_LABELS_MAGIC)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: not an IDX label file (magic 0x%08x, expected 0x%08x)"),
                   ds->labels_path, magic, IDX_LABELS_MAGIC);
      return FALSE;
    }
  if (got < sizeof header)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: truncated IDX header (%zu of 8 bytes)"),
                   ds->labels_path, got);
      return FALSE;
    }
  n = read_be32 (header + 4);
  if (n != ds->n_items)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s has %" PRIu64 " images but %s has %u labels"),
                   ds->path, ds->n_items, ds->labels_path, n);
      return FALSE;
    }
  return check_plain_size (ds->labels, ds->labels_path, file_size, sizeof header,
                           n, 1, "label", error);
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
                 /* Translators: the file, then the untranslated English word “item” or “label”
                    and its index, then zlib's (English) reason. */
                 _("%s: corrupt gzip data at %s %" PRIu64 ": %s"),
                 path, what, index, reason);
  else
    g_set_error (&ds->failed, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 /* Translators: the file, then the untranslated English word “item” or “label”,
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

static gboolean
idx_next (FmDataset  *ds,
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
  if (ds->failed == NULL && ds->next_index >= ds->n_items && !ds->finished)
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
  if (ds->next_index >= ds->n_items)
    {
      g_mutex_unlock (&ds->lock);
      return FALSE;
    }

  index = ds->next_index;
  result = gz_read_full (ds->images, image->pixels, len, &got, &reason);
  if (result != READ_OK)
    idx_fail_read (ds, ds->path, "item", index, result, got, len, reason);
  else if (ds->labels != NULL)
    {
      guint8 byte = 0;

      result = gz_read_full (ds->labels, &byte, 1, &got, &reason);
      if (result != READ_OK)
        idx_fail_read (ds, ds->labels_path, "label", index, result, got, 1, reason);
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

  if (index_out != NULL)
    *index_out = index;
  if (label_out != NULL)
    *label_out = label;
  if (image_out != NULL)
    *image_out = g_steal_pointer (&image);
  return TRUE;
}

/* ---- folders ---------------------------------------------------------- */

static void
folder_file_clear (gpointer data)
{
  FolderFile *file = data;

  g_free (file->rel);
}

static void
warning_clear (gpointer data)
{
  Warning *warning = data;

  g_free (warning->text);
}

static int
folder_file_compare (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (((const FolderFile *) a)->rel, ((const FolderFile *) b)->rel);
}

static int
warning_compare (gconstpointer a,
                 gconstpointer b)
{
  guint64 ia = ((const Warning *) a)->index, ib = ((const Warning *) b)->index;

  return ia < ib ? -1 : ia > ib;
}

/* Whether @full starts with PNG or JPEG magic; FALSE with @error set if
 * it cannot be read. */
static gboolean
file_has_image_magic (const char *full,
                      gboolean   *is_image,
                      GError    **error)
{
  guint8 head[8];
  gssize n;
  int fd;

  fd = g_open (full, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("cannot open: %s"),
                   g_strerror (saved));
      return FALSE;
    }
  do
    n = read (fd, head, sizeof head);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("cannot read: %s"),
                   g_strerror (saved));
      close (fd);
      return FALSE;
    }
  close (fd);
  *is_image = fm_image_has_magic (head, (gsize) n);
  return TRUE;
}

/* Adds the pictures under @rel ("" for the top) to ds->files. Problems
 * below the top folder become warnings. */
static gboolean
list_folder (FmDataset   *ds,
             const char  *rel,
             GError     **error)
{
  g_autofree char *dir_path = g_build_filename (ds->path, rel, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  GDir *dir;

  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL)
    {
      if (*rel == '\0')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open folder: %s"),
                       ds->path, local_error->message);
          return FALSE;
        }
      g_ptr_array_add (ds->list_warnings,
                       g_strdup_printf (_("%s: cannot open folder: %s"), rel,
                                        local_error->message));
      return TRUE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = *rel == '\0'
                               ? g_strdup (names->pdata[i])
                               : g_strconcat (rel, "/", names->pdata[i], NULL);
      g_autofree char *full = g_build_filename (ds->path, child, NULL);
      g_autoptr(GError) file_error = NULL;
      gboolean is_image = FALSE;
      FolderFile file;
      GStatBuf st;

      if (g_lstat (full, &st) != 0)
        {
          int saved = errno;

          g_ptr_array_add (ds->list_warnings,
                           g_strdup_printf (_("%s: cannot read: %s"), child,
                                            g_strerror (saved)));
          continue;
        }
      if (S_ISLNK (st.st_mode))
        {
          /* Followed to a file, never to a folder (no loops). */
          if (g_stat (full, &st) != 0)
            continue;
          if (S_ISDIR (st.st_mode))
            {
              g_ptr_array_add (ds->list_warnings,
                               g_strdup_printf (_("%s: a link to a folder, not followed"),
                                                child));
              continue;
            }
        }
      if (S_ISDIR (st.st_mode))
        {
          if (!list_folder (ds, child, error))
            return FALSE;
          continue;
        }
      if (!S_ISREG (st.st_mode))
        continue;
      if (!file_has_image_magic (full, &is_image, &file_error))
        {
          g_ptr_array_add (ds->list_warnings,
                           g_strdup_printf ("%s: %s", child, file_error->message));
          continue;
        }
      if (!is_image)
        continue;

      file.rel = g_steal_pointer (&child);
      file.size = (guint64) st.st_size;
      file.mtime_us = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC
                      + st.st_mtim.tv_nsec / 1000;
      g_array_append_val (ds->files, file);
    }
  return TRUE;
}

static gboolean
folder_open (FmDataset  *ds,
             GError    **error)
{
  ds->files = g_array_new (FALSE, FALSE, sizeof (FolderFile));
  g_array_set_clear_func (ds->files, folder_file_clear);
  ds->list_warnings = g_ptr_array_new_with_free_func (g_free);
  ds->warnings = g_array_new (FALSE, FALSE, sizeof (Warning));
  g_array_set_clear_func (ds->warnings, warning_clear);

  if (!list_folder (ds, "", error))
    return FALSE;
  if (ds->files->len == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: no PNG or JPEG pictures in this folder or below it"),
                   ds->path);
      return FALSE;
    }
  g_array_sort (ds->files, folder_file_compare);
  ds->n_items = ds->files->len;
  return TRUE;
}

static gboolean
folder_next (FmDataset  *ds,
             guint64    *index_out,
             FmImage   **image_out,
             int        *label_out,
             GError    **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *full = NULL;
      const FolderFile *file;
      FmImage *image;
      const char *reason;
      Warning warning;
      guint64 index;

      g_mutex_lock (&ds->lock);
      if (ds->next_index >= ds->n_items)
        {
          g_mutex_unlock (&ds->lock);
          return FALSE;
        }
      index = ds->next_index++;
      g_mutex_unlock (&ds->lock);

      /* ds->files does not change after open. */
      file = &g_array_index (ds->files, FolderFile, index);
      full = g_build_filename (ds->path, file->rel, NULL);
      image = fm_image_load (full, 0, &local_error);
      if (image != NULL)
        {
          if (index_out != NULL)
            *index_out = index;
          if (label_out != NULL)
            *label_out = -1;
          if (image_out != NULL)
            *image_out = image;
          else
            fm_image_free (image);
          return TRUE;
        }

      /* fm_image_load's messages start with the path we gave it. */
      reason = local_error->message;
      if (g_str_has_prefix (reason, full) && g_str_has_prefix (reason + strlen (full), ": "))
        reason += strlen (full) + 2;
      warning.index = index;
      warning.text = g_strdup_printf ("%s: %s", file->rel, reason);
      g_mutex_lock (&ds->lock);
      g_array_append_val (ds->warnings, warning);
      g_mutex_unlock (&ds->lock);
    }
}

/* ---- public API ------------------------------------------------------- */

FmDataset *
fm_dataset_open (const char  *path,
                 const char  *labels_path,
                 GError     **error)
{
  g_autoptr(FmDataset) ds = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_stat (path, &st) != 0)
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

  if (S_ISDIR (st.st_mode))
    {
      if (labels_path != NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: a folder of pictures has no labels file (given %s)"),
                       path, labels_path);
          return NULL;
        }
      ds->kind = FM_DATASET_FOLDER;
      if (!folder_open (ds, error))
        return NULL;
      return g_steal_pointer (&ds);
    }

  ds->kind = FM_DATASET_IDX;
  ds->warnings = g_array_new (FALSE, FALSE, sizeof (Warning));
  if (!idx_open_images (ds, error))
    return NULL;
  ds->labels_path = labels_path != NULL ? g_strdup (labels_path) : find_labels_file (path);
  if (ds->labels_path != NULL && !idx_open_labels (ds, error))
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
  g_clear_pointer (&dataset->files, g_array_unref);
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
  return dataset->labels != NULL;
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
fm_dataset_next (FmDataset  *dataset,
                 guint64    *index_out,
                 FmImage   **image_out,
                 int        *label_out,
                 GError    **error)
{
  g_return_val_if_fail (dataset != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (dataset->kind == FM_DATASET_IDX)
    return idx_next (dataset, index_out, image_out, label_out, error);
  return folder_next (dataset, index_out, image_out, label_out, error);
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
  FmPreprocess idx_pp;
  guint64 index = 0;

  g_return_val_if_fail (pp != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);

  if (!fm_dataset_next (dataset, &index, &image, label_out, error))
    return FALSE;
  if (index_out != NULL)
    *index_out = index;
  if (dataset->kind == FM_DATASET_IDX && pp->invert == FM_INVERT_AUTO)
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

GPtrArray *
fm_dataset_dup_warnings (FmDataset *dataset)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Warning));

  g_return_val_if_fail (dataset != NULL, out);

  if (dataset->list_warnings != NULL)
    for (guint i = 0; i < dataset->list_warnings->len; i++)
      g_ptr_array_add (out, g_strdup (dataset->list_warnings->pdata[i]));

  g_mutex_lock (&dataset->lock);
  for (guint i = 0; i < dataset->warnings->len; i++)
    {
      Warning copy = g_array_index (dataset->warnings, Warning, i);

      copy.text = g_strdup (copy.text);
      g_array_append_val (sorted, copy);
    }
  g_mutex_unlock (&dataset->lock);

  /* Two readers may add them out of order. */
  g_array_sort (sorted, warning_compare);
  for (guint i = 0; i < sorted->len; i++)
    g_ptr_array_add (out, g_array_index (sorted, Warning, i).text);
  return out;
}

char *
fm_dataset_dup_item_name (FmDataset *dataset,
                          guint64    index)
{
  g_return_val_if_fail (dataset != NULL, NULL);

  if (index >= dataset->n_items)
    return NULL;
  if (dataset->kind == FM_DATASET_IDX)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, index);
  return g_strdup (g_array_index (dataset->files, FolderFile, index).rel);
}

/* Feeds the bytes of @path to @checksum. */
static gboolean
checksum_file (GChecksum     *checksum,
               const char    *path,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree guint8 *buf = g_malloc (READ_CHUNK);
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return FALSE;
        }
      n = read (fd, buf, READ_CHUNK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot read: %s"),
                       path, g_strerror (saved));
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buf, n);
    }
  close (fd);
  return TRUE;
}

char *
fm_dataset_dup_content_key (FmDataset     *dataset,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GChecksum) checksum = NULL;
  char *key;

  g_return_val_if_fail (dataset != NULL, NULL);

  g_mutex_lock (&dataset->key_lock);
  if (dataset->content_key != NULL)
    {
      key = g_strdup (dataset->content_key);
      g_mutex_unlock (&dataset->key_lock);
      return key;
    }

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  if (dataset->kind == FM_DATASET_IDX)
    {
      if (!checksum_file (checksum, dataset->path, cancellable, error)
          || (dataset->labels_path != NULL
              && !checksum_file (checksum, dataset->labels_path, cancellable, error)))
        {
          g_mutex_unlock (&dataset->key_lock);
          return NULL;
        }
    }
  else
    {
      for (guint i = 0; i < dataset->files->len; i++)
        {
          const FolderFile *file = &g_array_index (dataset->files, FolderFile, i);
          g_autofree char *line = NULL;

          if (i % 4096 == 0
              && g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              g_mutex_unlock (&dataset->key_lock);
              return NULL;
            }
          line = g_strdup_printf ("%s\t%" G_GUINT64_FORMAT "\t%" G_GINT64_FORMAT "\n",
                                  file->rel, file->size, file->mtime_us);
          g_checksum_update (checksum, (const guchar *) line, -1);
        }
    }
  dataset->content_key = g_strdup (g_checksum_get_string (checksum));
  key = g_strdup (dataset->content_key);
  g_mutex_unlock (&dataset->key_lock);
  return key;
}
