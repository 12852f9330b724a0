/* fm-sha256.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-sha256.h"

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
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

/* ---- a file's digest, remembered -------------------------------------------- */

/* A memo line: "v1 DEV INODE SIZE MTIME_S MTIME_NS CTIME_S CTIME_NS DIGEST". */
#define MEMO_MAX_BYTES 256
#define DIGEST_LEN     64

/* What identifies the file's present bytes without reading them, as a
 * version control system's index does: the same inode with the same size
 * and change times holds the same bytes. */
static char *
memo_key (const struct stat *st)
{
  return g_strdup_printf ("v1 %ju %ju %jd %jd %ld %jd %ld", (uintmax_t) st->st_dev,
                          (uintmax_t) st->st_ino, (intmax_t) st->st_size,
                          (intmax_t) st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
                          (intmax_t) st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

/* The memo of the file @path: $XDG_CACHE_HOME/feature-maps/model-digests/
 * named by the SHA-256 of the absolute path. */
static char *
memo_path (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autoptr(FmSha256) sum = fm_sha256_new ();

  fm_sha256_update (sum, absolute, strlen (absolute));
  return g_build_filename (g_get_user_cache_dir (), "feature-maps", "model-digests",
                           fm_sha256_get_string (sum), NULL);
}

/* The digest the memo @memo holds for @key, or NULL when it holds none
 * (missing, of another state of the file, or not ours). */
static char *
memo_read (const char *memo,
           const char *key)
{
  g_autofree char *data = NULL;
  gsize len, key_len = strlen (key);
  GStatBuf st;

  if (g_stat (memo, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MEMO_MAX_BYTES
      || !g_file_get_contents (memo, &data, &len, NULL))
    return NULL;
  if (len != key_len + 1 + DIGEST_LEN + 1 || strncmp (data, key, key_len) != 0
      || data[key_len] != ' ' || data[len - 1] != '\n')
    return NULL;
  for (gsize i = key_len + 1; i < len - 1; i++)
    if (!g_ascii_isxdigit (data[i]) || g_ascii_isupper (data[i]))
      return NULL;
  return g_strndup (data + key_len + 1, DIGEST_LEN);
}

/* Keeps @digest for @key; a memo that cannot be written is only slower
 * next time. */
static void
memo_write (const char *memo,
            const char *key,
            const char *digest)
{
  g_autofree char *dir = g_path_get_dirname (memo);
  g_autofree char *line = g_strdup_printf ("%s %s\n", key, digest);

  if (g_mkdir_with_parents (dir, 0700) == 0)
    fm_file_write_atomic (memo, line, strlen (line), NULL);
}

/* A file changed this many seconds ago or less is not remembered: a
 * rewrite of the same size within the file system's clock tick would keep
 * the times the memo is keyed by (git's "racily clean" files). */
#define MEMO_SETTLED_S 2

/* The file is stat'ed before it is hashed, so a change while hashing is
 * seen next time. */
char *
fm_sha256_file (const char  *path,
                GError     **error)
{
  g_autoptr(FmSha256) sum = fm_sha256_new ();
  g_autofree char *memo = NULL;
  g_autofree char *key = NULL;
  struct stat st;
  char *digest;

  g_return_val_if_fail (path != NULL, NULL);

  if (stat (path, &st) == 0 && S_ISREG (st.st_mode))
    {
      memo = memo_path (path);
      key = memo_key (&st);
      digest = memo_read (memo, key);
      if (digest != NULL)
        return digest;
    }
  if (!fm_sha256_update_file (sum, path, error))
    return NULL;
  digest = g_strdup (fm_sha256_get_string (sum));
  if (memo != NULL && st.st_mtim.tv_sec + MEMO_SETTLED_S < g_get_real_time () / G_USEC_PER_SEC)
    memo_write (memo, key, digest);
  return digest;
}
