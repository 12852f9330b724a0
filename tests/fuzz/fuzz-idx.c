/* fuzz-idx.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the IDX dataset reader (fm-dataset.c), plain and gzip. The input
 * is split into a flags byte, an optional labels file and an images file:
 *
 *   byte 0: bit 0 gzip the images, bit 1 write a labels file, bit 2 gzip
 *           the labels, bit 3 name the labels file (else it is found next
 *           to the images by its usual name)
 *   if bit 1: byte 1 = labels length L, then L bytes of labels
 *   the rest: the images file
 *
 * The files are written to a private temporary folder, opened and read
 * item by item (at most 256 items). Checked: indexes come in order, each
 * item has the header's size, labels are 0..255 or -1 without labels,
 * reading ends exactly after N items unless an error stops it, item names
 * are the decimal index, and the content key is the SHA-256 of the bytes
 * written (images then labels), computed here independently with GLib.
 * It does not fuzz folder datasets (fuzz-image.c covers their decoder).
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "fm-fuzz-dataset.h"

#define MAX_READ 256

static const char *images_path;
static const char *labels_path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  images_path = fm_fuzz_scratch_file ("fm-fuzz-idx-XXXXXX", "t-images-idx3-ubyte");
  labels_path = fm_fuzz_scratch_file ("fm-fuzz-idx-XXXXXX", "t-labels-idx1-ubyte");
  return 0;
}

/* A gzip stream of @data; g_free() the result. */
static guint8 *
gzip_bytes (const guint8 *data,
            gsize         len,
            gsize        *out_len)
{
  z_stream zs = { 0 };
  gsize cap = compressBound (len) + 64;
  guint8 *out = g_malloc (cap);

  if (deflateInit2 (&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    abort ();
  zs.next_in = (Bytef *) data;
  zs.avail_in = len;
  zs.next_out = out;
  zs.avail_out = cap;
  if (deflate (&zs, Z_FINISH) != Z_STREAM_END)
    abort ();
  *out_len = zs.total_out;
  deflateEnd (&zs);
  return out;
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len,
            gboolean      gzip,
            GChecksum    *checksum)
{
  g_autofree guint8 *packed = NULL;
  gsize packed_len = len;

  if (gzip)
    {
      packed = gzip_bytes (data, len, &packed_len);
      data = packed;
    }
  fm_fuzz_write_file (path, data, packed_len);
  g_checksum_update (checksum, data, packed_len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  FmDataset *dataset;
  GError *error = NULL;
  guint flags;
  const guint8 *labels;
  gsize n_labels;
  guint64 n_items, n_read = 0;
  gboolean ended = FALSE;

  if (!fm_fuzz_split_labels (&data, &size, 2, &flags, &labels, &n_labels))
    return 0;
  write_file (images_path, data, size, flags & 1, checksum);
  if (labels != NULL)
    write_file (labels_path, labels, n_labels, flags & 4, checksum);
  else
    g_unlink (labels_path);

  dataset = fm_dataset_open (images_path,
                             labels != NULL && (flags & 8) ? labels_path : NULL,
                             &error);
  fm_fuzz_check_result (dataset != NULL, error);
  if (dataset == NULL)
    return 0;

  FM_FUZZ_CHECK (fm_dataset_get_kind (dataset) == FM_DATASET_IDX);
  FM_FUZZ_CHECK (fm_dataset_has_labels (dataset) == (labels != NULL));
  n_items = fm_dataset_get_n_items (dataset);
  FM_FUZZ_CHECK (n_items <= FM_DATASET_MAX_ITEMS);
  FM_FUZZ_CHECK (fm_dataset_get_width (dataset) > 0);
  FM_FUZZ_CHECK (fm_dataset_get_height (dataset) > 0);
  FM_FUZZ_CHECK ((guint64) fm_dataset_get_width (dataset) * fm_dataset_get_height (dataset)
                 <= FM_DATASET_MAX_ITEM_PIXELS);

  while (n_read < MAX_READ)
    {
      FmImage *image = NULL;
      guint64 index = G_MAXUINT64;
      int label = -2;
      gboolean ok;

      error = NULL;
      ok = fm_dataset_next (dataset, &index, &image, &label, &error);
      if (!ok && error == NULL)
        {
          ended = TRUE;
          break;
        }
      fm_fuzz_check_result (ok, error);
      if (!ok)
        break;
      FM_FUZZ_CHECK (index == n_read);
      FM_FUZZ_CHECK (image != NULL);
      FM_FUZZ_CHECK (image->width == fm_dataset_get_width (dataset));
      FM_FUZZ_CHECK (image->height == fm_dataset_get_height (dataset));
      FM_FUZZ_CHECK (image->channels == 1);
      if (labels != NULL)
        FM_FUZZ_CHECK (label >= 0 && label <= 255);
      else
        FM_FUZZ_CHECK (label == -1);
      fm_image_free (image);
      n_read++;
    }
  FM_FUZZ_CHECK (n_read <= n_items);
  if (ended)
    FM_FUZZ_CHECK (n_read == n_items);

  {
    g_autofree char *name = fm_dataset_dup_item_name (dataset, 0);
    g_autofree char *past = fm_dataset_dup_item_name (dataset, n_items);

    FM_FUZZ_CHECK (past == NULL);
    FM_FUZZ_CHECK (n_items == 0 ? name == NULL : g_strcmp0 (name, "0") == 0);
  }

  {
    g_autofree char *key = NULL;
    g_autofree char *expected = NULL;

    /* The key covers the images' bytes then the labels' bytes, as
     * written (checksum has both). */
    expected = g_strdup (g_checksum_get_string (checksum));
    error = NULL;
    key = fm_dataset_dup_content_key (dataset, NULL, &error);
    fm_fuzz_check_result (key != NULL, error);
    if (g_strcmp0 (key, expected) != 0)
      fprintf (stderr, "content key %s, expected %s\n", key, expected);
    FM_FUZZ_CHECK (g_strcmp0 (key, expected) == 0);
  }

  fm_dataset_free (dataset);
  return 0;
}
