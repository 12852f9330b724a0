/* fuzz-dataset-npy.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the .npy dataset reader (fm-dataset-npy.c, and fm-npy.c's
 * header parser) through fm_dataset_open (). The input is split into a
 * flags byte, an optional labels file and an images file:
 *
 *   byte 0: bit 0 write a labels file "t-labels.npy" (found next to
 *           "t-images.npy" by its name); bits 1-2 the range's begin
 *   if bit 0: byte 1 = labels length L, then L bytes of labels
 *   the rest: the images file
 *
 * Every item is read (at most 256). Checked: an opened dataset is an npy
 * dataset whose items have its size and 1 or 3 channels, indexes in
 * order inside the range, labels -1 without a labels file and class
 * numbers with one; the content key is the SHA-256 of the bytes written
 * (images then labels), computed here with GLib; errors are well formed.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "fm-fuzz-dataset.h"

#define MAX_READ 256

static const char *images_path;
static const char *labels_path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  images_path = fm_fuzz_scratch_file ("fm-fuzz-npy-XXXXXX", "t-images.npy");
  labels_path = fm_fuzz_scratch_file ("fm-fuzz-npy-XXXXXX", "t-labels.npy");
  return 0;
}

/* Writes @path and adds its bytes to @checksum. */
static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len,
            GChecksum    *checksum)
{
  fm_fuzz_write_file (path, data, len);
  g_checksum_update (checksum, data, len);
}

static void
check_items (FmDataset *dataset,
             guint64    begin,
             gboolean   labelled)
{
  guint64 n_read = 0, expected = begin;
  GError *error = NULL;
  guint64 index;
  FmImage *image;
  int label;

  while (n_read < MAX_READ && fm_dataset_next (dataset, &index, &image, &label, &error))
    {
      FM_FUZZ_CHECK (index == expected);
      FM_FUZZ_CHECK (image->width == fm_dataset_get_width (dataset));
      FM_FUZZ_CHECK (image->height == fm_dataset_get_height (dataset));
      FM_FUZZ_CHECK (image->channels == 1 || image->channels == 3);
      if (labelled)
        FM_FUZZ_CHECK (label >= 0 && label < FM_DATASET_MAX_CLASSES);
      else
        FM_FUZZ_CHECK (label == -1);
      fm_image_free (image);
      expected++;
      n_read++;
    }
  if (error != NULL)
    fm_fuzz_check_result (FALSE, error);
  else if (n_read < MAX_READ)
    FM_FUZZ_CHECK (expected == fm_dataset_get_range_end (dataset));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree char *key = NULL;
  FmDataset *dataset;
  GError *error = NULL;
  const guint8 *labels;
  gsize n_labels;
  guint flags, begin;

  if (!fm_fuzz_split_labels (&data, &size, 1, &flags, &labels, &n_labels))
    return 0;
  begin = (flags >> 1) & 3;
  write_file (images_path, data, size, checksum);
  if (labels != NULL)
    write_file (labels_path, labels, n_labels, checksum);
  else
    g_unlink (labels_path);

  dataset = fm_fuzz_open_dataset (images_path, NULL, FM_DATASET_NPY);
  if (dataset == NULL)
    return 0;
  FM_FUZZ_CHECK (fm_dataset_has_labels (dataset) == (labels != NULL));
  FM_FUZZ_CHECK (fm_dataset_get_n_items (dataset) > 0);
  FM_FUZZ_CHECK (fm_dataset_get_n_items (dataset) <= FM_DATASET_MAX_ITEMS);
  FM_FUZZ_CHECK ((guint64) fm_dataset_get_width (dataset) * fm_dataset_get_height (dataset)
                 <= FM_DATASET_MAX_ITEM_PIXELS);

  FM_FUZZ_CHECK (fm_dataset_set_range (dataset, begin, G_MAXUINT64, &error));
  check_items (dataset, MIN (begin, fm_dataset_get_n_items (dataset)), labels != NULL);
  warnings = fm_dataset_dup_warnings (dataset);
  FM_FUZZ_CHECK (warnings->len <= 1);

  error = NULL;
  key = fm_dataset_dup_content_key (dataset, NULL, &error);
  fm_fuzz_check_result (key != NULL, error);
  FM_FUZZ_CHECK (g_strcmp0 (key, g_checksum_get_string (checksum)) == 0);

  fm_dataset_free (dataset);
  return 0;
}
