/* test-window-scan.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's dataset scan under a real display (meson runs it under
 * xvfb-run and dbus-run-session): a dataset that breaks mid-way (a gzip
 * IDX file whose header promises more digits than it holds) keeps the
 * partial result, labelled partial, and a toast says why, naming the
 * file; a .tar shard and an .npy array are scanned whole, and a truncated
 * shard is refused in a toast naming it.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <zlib.h>

#include "fm-application.h"
#include "fm-test-archive.h"
#include "fm-test-files.h"
#include "fm-test-image.h"
#include "fm-test-window.h"
#include "fm-window.h"

static const char *tmp_dir;

/* A gzip idx3-ubyte file whose header promises @promised 28 x 28 digits
 * of noise but which holds @held. */
static char *
write_short_idx (const char *name,
                 guint       promised,
                 guint       held)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  const guint8 header[16] = { 0, 0, 8, 3, 0, 0, 0, promised, 0, 0, 0, 28, 0, 0, 0, 28 };
  g_autofree guint8 *pixels = g_new (guint8, held * 28 * 28);
  gzFile f;

  g_assert_cmpuint (promised, <, 256);
  for (guint i = 0; i < held * 28 * 28; i++)
    pixels[i] = (guint8) g_random_int_range (0, 256);
  f = gzopen (path, "wb");
  g_assert_nonnull (f);
  g_assert_cmpint (gzwrite (f, header, sizeof header), ==, (int) sizeof header);
  g_assert_cmpint (gzwrite (f, pixels, held * 28 * 28), ==, (int) (held * 28 * 28));
  g_assert_cmpint (gzclose (f), ==, Z_OK);
  return path;
}

/* The reader's error used to go to the log only: now the toast says it. */
static void
test_dataset_breaks_mid_scan (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *idx = write_short_idx ("short-images-idx3-ubyte.gz", 50, 20);
  FmScanResult *scan;
  const char *toast;

  fm_window_start_scan (window, idx);
  WAIT_FOR (!fm_window_is_scanning (window));

  scan = fm_window_get_scan (window);
  g_assert_nonnull (scan);
  g_assert_true (scan->partial);
  g_assert_cmpuint (scan->images, ==, 20);
  g_assert_cmpuint (scan->total, ==, 50);
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), "Partial"));

  toast = fm_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_test_message ("%s", toast);
  g_assert_true (g_str_has_prefix (toast, "Could not scan: "));
  g_assert_nonnull (strstr (toast, "short-images-idx3-ubyte.gz"));
  fm_test_close_window (window);
}

/* A .tar shard of @n 28 x 28 PNGs of noise (cut short by @cut bytes) and
 * an .npy [n, 28, 28] of the same; returns the shard's path. */
static char *
write_tar_and_npy (const char *name,
                   guint       n,
                   gsize       cut,
                   char      **npy_path)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GByteArray) npy = fm_test_npy_header ("|u1", "(30, 28, 28)", FALSE);
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_cmpuint (n, ==, 30);
  for (guint i = 0; i < n; i++)
    {
      guint8 pixels[28 * 28];
      g_autoptr(GByteArray) png = NULL;
      g_autofree char *member = g_strdup_printf ("%03u.png", i);

      for (guint p = 0; p < sizeof pixels; p++)
        pixels[p] = (guint8) g_random_int_range (0, 256);
      png = fm_test_encode_png (28, 28, PNG_COLOR_TYPE_GRAY, 8, pixels, NULL, 0, NULL, 0);
      fm_test_tar_add (tar, member, png->data, png->len);
      g_byte_array_append (npy, pixels, sizeof pixels);
    }
  fm_test_tar_end (tar);
  fm_test_write_bytes (path, tar->data, tar->len - cut);
  if (npy_path != NULL)
    {
      *npy_path = g_build_filename (tmp_dir, "noise.npy", NULL);
      fm_test_write_bytes (*npy_path, npy->data, npy->len);
    }
  return path;
}

static void
test_tar_and_npy (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *npy = NULL;
  g_autofree char *tar = write_tar_and_npy ("noise.tar", 30, 0, &npy);
  g_autofree char *cut = write_tar_and_npy ("cut.tar", 30, 1500, NULL);
  const char *datasets[2] = { tar, npy };
  const char *toast;

  for (guint i = 0; i < 2; i++)
    {
      FmScanResult *scan;

      fm_window_start_scan (window, datasets[i]);
      WAIT_FOR (!fm_window_is_scanning (window));
      scan = fm_window_get_scan (window);
      g_assert_nonnull (scan);
      g_assert_false (scan->partial);
      g_assert_cmpuint (scan->images, ==, 30);
    }

  fm_window_start_scan (window, cut);
  WAIT_FOR (!fm_window_is_scanning (window));
  toast = fm_window_get_last_toast (window);
  g_assert_nonnull (toast);
  g_test_message ("%s", toast);
  g_assert_nonnull (strstr (toast, "cut.tar"));
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  /* The datasets and the scans' cache of this run. */
  tmp_dir = fm_test_window_init (&argc, &argv);
  {
    g_autofree char *cache = g_build_filename (tmp_dir, "cache", NULL);

    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }

  g_test_add_func ("/app/window-scan/dataset-breaks-mid-scan", test_dataset_breaks_mid_scan);
  g_test_add_func ("/app/window-scan/tar-and-npy", test_tar_and_npy);

  return g_test_run ();
}
