/* fuzz-image.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the picture loader (fm_image_load_bytes): PNG and JPEG, chosen
 * by magic bytes, under a 4 megapixel limit. On success the size must be
 * positive and within the limit, channels 1 or 3, and every pixel is read;
 * a failure must be an FM_ERROR naming the input. Also checks that
 * fm_image_has_magic() agrees with what decoded. It does not preprocess.
 */
#include <string.h>

#include "fm-fuzz.h"
#include "fm-image.h"

#define MAX_PIXELS ((gsize) 4 * 1000 * 1000)

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  FmImage *image;

  image = fm_image_load_bytes (data, size, "fuzz-input", MAX_PIXELS, &error);
  if (image == NULL && error != NULL)
    FM_FUZZ_CHECK (strstr (error->message, "fuzz-input") != NULL);
  fm_fuzz_check_result (image != NULL, error);
  if (image == NULL)
    return 0;

  FM_FUZZ_CHECK (fm_image_has_magic (data, size));
  FM_FUZZ_CHECK (image->width > 0 && image->height > 0);
  FM_FUZZ_CHECK ((gsize) image->width * (gsize) image->height <= MAX_PIXELS);
  FM_FUZZ_CHECK (image->channels == 1 || image->channels == 3);
  FM_FUZZ_CHECK (image->pixels != NULL);
  {
    gsize n = (gsize) image->width * image->height * image->channels;
    volatile guint sum = 0;

    for (gsize i = 0; i < n; i++)
      sum += image->pixels[i];
    (void) sum;
  }
  fm_image_free (image);
  return 0;
}
