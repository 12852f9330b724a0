/* test-scan-cache.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan cache's key for a model whose weights are external data: a
 * model loaded from disk lists its external data file, and new weights in
 * that file (same .onnx) give another key, so a cached scan of the old
 * weights is never taken for the new ones. The model's digest a result
 * names, against GChecksum's (not the nettle code under test).
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fm-onnx-fields.h"
#include "fm-scan.h"
#include "fm-test-onnx.h"
#include "fm-test-pb.h"

static char *
key_for (const char *model_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = fm_model_load_file (model_path, NULL, &error);
  FmScanOptions options;
  char *path;

  g_assert_no_error (error);
  g_assert_nonnull (model->external_files);
  g_assert_cmpuint (model->external_files->len, ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (model->external_files, 0), "/w.bin"));
  fm_scan_options_init (&options);
  path = fm_scan_cache_path_for_model (model, "dataset", &options, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_external_weights_in_key (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-scan-cache-XXXXXX", NULL);
  g_autofree char *onnx = g_build_filename (dir, "m.onnx", NULL);
  g_autofree char *bin = g_build_filename (dir, "w.bin", NULL);
  g_autoptr(GByteArray) bytes = fm_test_relu_external_model ("w.bin");
  const float w1[4] = { 1, 2, 3, 4 };
  const float w2[4] = { 1, 2, 3, 5 };
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *other = NULL;
  g_autofree char *plain = NULL;
  FmScanOptions options;

  g_assert_true (g_file_set_contents (onnx, (const char *) bytes->data, bytes->len, NULL));
  g_assert_true (g_file_set_contents (bin, (const char *) w1, sizeof w1, NULL));
  first = key_for (onnx);
  again = key_for (onnx);
  g_assert_cmpstr (first, ==, again);
  /* The key by the .onnx file alone does not see the weights. */
  fm_scan_options_init (&options);
  plain = fm_scan_cache_path (onnx, "dataset", &options, NULL);
  g_assert_cmpstr (plain, !=, first);

  g_assert_true (g_file_set_contents (bin, (const char *) w2, sizeof w2, NULL));
  other = key_for (onnx);
  g_assert_cmpstr (other, !=, first);

  g_unlink (bin);
  g_unlink (onnx);
  g_rmdir (dir);
}

/* fm_scan_model_sha256 (): a model's `sha256sum`, or with external data
 * the SHA-256 of that digest, then each external file's name, a NUL and
 * its digest. */
static void
test_model_sha256 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fm-scan-cache-XXXXXX", NULL);
  g_autofree char *plain = g_build_filename (dir, "plain.onnx", NULL);
  g_autofree char *onnx = g_build_filename (dir, "m.onnx", NULL);
  g_autofree char *bin = g_build_filename (dir, "w.bin", NULL);
  g_autoptr(GByteArray) plain_bytes = fm_test_relu_model (2, 2, TRUE, NULL);
  g_autoptr(GByteArray) bytes = fm_test_relu_external_model ("w.bin");
  const float w[4] = { 1, 2, 3, 4 };
  g_autofree char *onnx_digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes->data,
                                                             bytes->len);
  g_autofree char *bin_digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                            (const guchar *) w, sizeof w);
  g_autofree char *plain_digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                              plain_bytes->data,
                                                              plain_bytes->len);
  g_autoptr(GChecksum) both = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  g_autofree char *digest = NULL;

  g_assert_true (g_file_set_contents (plain, (const char *) plain_bytes->data,
                                      plain_bytes->len, NULL));
  g_assert_true (g_file_set_contents (onnx, (const char *) bytes->data, bytes->len, NULL));
  g_assert_true (g_file_set_contents (bin, (const char *) w, sizeof w, NULL));

  model = fm_model_load_file (plain, NULL, &error);
  g_assert_no_error (error);
  digest = fm_scan_model_sha256 (model, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (digest, ==, plain_digest);
  /* Without external data the key by the file and by the model agree. */
  {
    FmScanOptions options;
    g_autofree char *by_file = NULL;
    g_autofree char *by_model = NULL;

    fm_scan_options_init (&options);
    by_file = fm_scan_cache_path (plain, "dataset", &options, &error);
    g_assert_no_error (error);
    by_model = fm_scan_cache_path_for_model (model, "dataset", &options, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (by_file, ==, by_model);
  }

  g_clear_pointer (&model, fm_model_unref);
  g_clear_pointer (&digest, g_free);
  model = fm_model_load_file (onnx, NULL, &error);
  g_assert_no_error (error);
  digest = fm_scan_model_sha256 (model, &error);
  g_assert_no_error (error);
  g_checksum_update (both, (const guchar *) onnx_digest, -1);
  g_checksum_update (both, (const guchar *) "w.bin", sizeof "w.bin");
  g_checksum_update (both, (const guchar *) bin_digest, -1);
  g_assert_cmpstr (digest, ==, g_checksum_get_string (both));

  g_unlink (bin);
  g_unlink (onnx);
  g_unlink (plain);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/scan-cache/external-weights-in-key", test_external_weights_in_key);
  g_test_add_func ("/engine/scan-cache/model-sha256", test_model_sha256);
  return g_test_run ();
}
