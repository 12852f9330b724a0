/* test-sha256.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SHA-256 (fm-sha256.c) against the test vectors of FIPS 180-2 (appendix
 * B: "abc", the 448-bit message, a million "a"), the digest of no bytes,
 * the same digest whether the bytes come at once, in pieces or from a
 * file, and the error naming a file that cannot be read.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-sha256.h"
#include "fm-test-files.h"

static char *
digest_of (const char *text)
{
  g_autoptr(FmSha256) sum = fm_sha256_new ();

  fm_sha256_update (sum, text, strlen (text));
  return g_strdup (fm_sha256_get_string (sum));
}

static void
test_vectors (void)
{
  /* FIPS 180-2, appendix B.1 and B.2; the empty message from its padding
   * rule (a commonly quoted value, also `printf '' | sha256sum`). */
  static const struct { const char *text, *digest; } cases[] = {
    { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *digest = digest_of (cases[i].text);

      g_assert_cmpstr (digest, ==, cases[i].digest);
    }
}

/* FIPS 180-2, appendix B.3: one million "a", given in pieces of 1, 63, 64
 * and 65 bytes and the rest at once, so the pieces straddle the 64-byte
 * blocks. */
static void
test_million_a_in_pieces (void)
{
  g_autoptr(FmSha256) sum = fm_sha256_new ();
  g_autofree char *a = g_malloc (1000000);
  static const gsize pieces[] = { 1, 63, 64, 65 };
  gsize done = 0;
  const char *first;

  memset (a, 'a', 1000000);
  for (gsize i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      fm_sha256_update (sum, a + done, pieces[i]);
      done += pieces[i];
    }
  fm_sha256_update (sum, a + done, 1000000 - done);
  first = fm_sha256_get_string (sum);
  g_assert_cmpstr (first, ==, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  /* Asking again gives the same digest. */
  g_assert_cmpstr (fm_sha256_get_string (sum), ==, first);
}

static void
test_file (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "abc.txt", NULL);
  g_autofree char *empty = g_build_filename (fm_test_scratch (), "empty", NULL);
  g_autofree char *missing = g_build_filename (fm_test_scratch (), "missing.onnx", NULL);
  g_autoptr(FmSha256) sum = fm_sha256_new ();
  g_autoptr(FmSha256) none = fm_sha256_new ();
  g_autoptr(FmSha256) failed = fm_sha256_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "abc", 3, NULL));
  g_assert_true (fm_sha256_update_file (sum, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fm_sha256_get_string (sum), ==,
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (fm_sha256_update_file (none, empty, &error));
  g_assert_cmpstr (fm_sha256_get_string (none), ==,
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  g_assert_false (fm_sha256_update_file (failed, missing, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, missing));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/sha256/vectors", test_vectors);
  g_test_add_func ("/engine/sha256/million-a-in-pieces", test_million_a_in_pieces);
  g_test_add_func ("/engine/sha256/file", test_file);
  return g_test_run ();
}
