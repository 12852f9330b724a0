/* fm-sha256.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-sha256.h"

#include <nettle/sha2.h>

#include "fm-file.h"

struct _FmSha256
{
  struct sha256_ctx ctx;
  char              hex[2 * SHA256_DIGEST_SIZE + 1];
  gboolean          done;
};

FmSha256 *
fm_sha256_new (void)
{
  FmSha256 *sum = g_new0 (FmSha256, 1);

  sha256_init (&sum->ctx);
  return sum;
}

void
fm_sha256_free (FmSha256 *sum)
{
  g_free (sum);
}

void
fm_sha256_update (FmSha256   *sum,
                  const void *data,
                  gsize       len)
{
  g_return_if_fail (sum != NULL && !sum->done);
  g_return_if_fail (data != NULL || len == 0);

  sha256_update (&sum->ctx, len, data);
}

gboolean
fm_sha256_update_file (FmSha256    *sum,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GMappedFile) mapped = fm_file_map (path, error);

  if (mapped == NULL)
    return FALSE;
  fm_sha256_update (sum, g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped));
  return TRUE;
}

const char *
fm_sha256_get_string (FmSha256 *sum)
{
  static const char digits[] = "0123456789abcdef";
  guint8 digest[SHA256_DIGEST_SIZE];

  g_return_val_if_fail (sum != NULL, NULL);

  if (!sum->done)
    {
      sha256_digest (&sum->ctx, sizeof digest, digest);
      for (gsize i = 0; i < sizeof digest; i++)
        {
          sum->hex[2 * i] = digits[digest[i] >> 4];
          sum->hex[2 * i + 1] = digits[digest[i] & 0xf];
        }
      sum->hex[2 * SHA256_DIGEST_SIZE] = '\0';
      sum->done = TRUE;
    }
  return sum->hex;
}
