/* fm-fuzz-dataset.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the dataset targets share (fuzz-idx.c, fuzz-dataset-npy.c,
 * fuzz-dataset-tar.c): the layout of an input that holds an optional
 * labels file, and opening the file written with the result checked.
 */
#pragma once

#include "fm-dataset.h"
#include "fm-fuzz.h"

/* The input layout of the dataset targets that write an optional labels
 * file: byte 0 is a flags byte (@flags); if it has @labels_bit, the next
 * byte is a length L (at most what follows), then L bytes of labels
 * (@labels, @n_labels; else NULL and 0); the rest is the images file
 * (@data, @size, moved past the rest). FALSE when the input is too short. */
static inline gboolean
fm_fuzz_split_labels (const guint8 **data,
                      gsize         *size,
                      guint          labels_bit,
                      guint         *flags,
                      const guint8 **labels,
                      gsize         *n_labels)
{
  *labels = NULL;
  *n_labels = 0;
  if (*size < 1)
    return FALSE;
  *flags = (*data)[0];
  (*data)++, (*size)--;
  if (*flags & labels_bit)
    {
      if (*size < 1)
        return FALSE;
      *n_labels = MIN ((gsize) (*data)[0], *size - 1);
      *labels = *data + 1;
      *data += 1 + *n_labels, *size -= 1 + *n_labels;
    }
  return TRUE;
}

/* fm_dataset_open () of @path and @labels_path, its result checked: the
 * dataset, or NULL when opening failed or found another @kind by the
 * magic (the file is another target's). */
static inline FmDataset *
fm_fuzz_open_dataset (const char    *path,
                      const char    *labels_path,
                      FmDatasetKind  kind)
{
  GError *error = NULL;
  FmDataset *dataset = fm_dataset_open (path, labels_path, &error);

  fm_fuzz_check_result (dataset != NULL, error);
  if (dataset != NULL && fm_dataset_get_kind (dataset) != kind)
    g_clear_pointer (&dataset, fm_dataset_free);
  return dataset;
}
