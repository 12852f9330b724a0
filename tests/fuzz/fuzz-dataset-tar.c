/* fuzz-dataset-tar.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the WebDataset .tar reader (fm-dataset-tar.c) through
 * fm_dataset_open (). The input is a flags byte and then the bytes of
 * one shard file (tar, or gzip of a tar), written to a private temporary
 * folder:
 *
 *   byte 0: the range set before reading: begin = byte 0 % 4 (and the
 *           range ends at begin + 64)
 *
 * Every item is read (at most 256). Checked: an opened dataset is a tar
 * dataset with 1..FM_DATASET_MAX_ITEMS items; indexes come in increasing
 * order inside the range, labels are -1 or class numbers and class names
 * NULL; images are 1 or 3 channels within the pixel limit; item names
 * are "shard.tar:KEY" up to n_items and NULL past it; warnings name the
 * shard; the content key is 64 hex digits; errors are well formed.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "fm-fuzz-dataset.h"

#define MAX_READ 256

static const char *shard_path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  shard_path = fm_fuzz_scratch_file ("fm-fuzz-tar-XXXXXX", "shard.tar");
  return 0;
}

static void
check_items (FmDataset *dataset,
             guint64    begin)
{
  guint64 n_items = fm_dataset_get_n_items (dataset), last = 0, n_read = 0;
  gboolean first = TRUE;
  GError *error = NULL;
  guint64 index;
  FmImage *image;
  int label;

  while (n_read < MAX_READ && fm_dataset_next (dataset, &index, &image, &label, &error))
    {
      g_autofree char *name = fm_dataset_dup_item_name (dataset, index);

      FM_FUZZ_CHECK (index >= begin && index < fm_dataset_get_range_end (dataset));
      FM_FUZZ_CHECK (first || index > last);
      FM_FUZZ_CHECK (label >= -1 && label < FM_DATASET_MAX_CLASSES);
      FM_FUZZ_CHECK (fm_dataset_get_class_name (dataset, label) == NULL);
      FM_FUZZ_CHECK (image != NULL && (image->channels == 1 || image->channels == 3));
      FM_FUZZ_CHECK ((guint64) image->width * image->height <= FM_IMAGE_DEFAULT_MAX_PIXELS);
      FM_FUZZ_CHECK (name != NULL && g_str_has_prefix (name, "shard.tar:"));
      fm_image_free (image);
      first = FALSE;
      last = index;
      n_read++;
    }
  if (error != NULL)
    fm_fuzz_check_result (FALSE, error);
  FM_FUZZ_CHECK (n_read <= n_items);
  {
    g_autofree char *past = fm_dataset_dup_item_name (dataset, n_items);

    FM_FUZZ_CHECK (past == NULL);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree char *key = NULL;
  FmDataset *dataset;
  GError *error = NULL;
  guint64 begin;

  if (size < 1)
    return 0;
  begin = data[0] % 4;
  fm_fuzz_write_file (shard_path, data + 1, size - 1);

  /* Not a tar by its magic: another kind's reader (fuzz-idx). */
  dataset = fm_fuzz_open_dataset (shard_path, NULL, FM_DATASET_TAR);
  if (dataset == NULL)
    return 0;
  FM_FUZZ_CHECK (fm_dataset_get_n_items (dataset) > 0);
  FM_FUZZ_CHECK (fm_dataset_get_n_items (dataset) <= FM_DATASET_MAX_ITEMS);

  FM_FUZZ_CHECK (fm_dataset_set_range (dataset, begin, begin + 64, &error));
  check_items (dataset, MIN (begin, fm_dataset_get_n_items (dataset)));

  warnings = fm_dataset_dup_warnings (dataset);
  for (guint i = 0; i < warnings->len; i++)
    {
      FM_FUZZ_CHECK (g_str_has_prefix (warnings->pdata[i], "shard.tar: "));
      FM_FUZZ_CHECK (g_utf8_validate (warnings->pdata[i], -1, NULL));
    }

  error = NULL;
  key = fm_dataset_dup_content_key (dataset, NULL, &error);
  fm_fuzz_check_result (key != NULL, error);
  FM_FUZZ_CHECK (key != NULL && strlen (key) == 64);

  fm_dataset_free (dataset);
  return 0;
}
