/* test-dataset.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-dataset.c: small IDX files written here byte by byte (plain,
 * and gzip through zlib's gzwrite) with known pixels and labels; the
 * bundled held-out digits against values read once with Python; Debian's
 * Fashion-MNIST (skipped when not installed), also for flat memory; every
 * kind of bad file with its message; a folder of pictures with nested
 * folders, a README and a corrupt PNG; and two threads sharing a reader.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fm-dataset.h"
#include "fm-npy.h"
#include "fm-test-files.h"
#include "fm-test-scan.h"

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"


/* ---- helpers ---------------------------------------------------------- */

static void
put_be32 (GByteArray *out,
          guint32     v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  g_byte_array_append (out, b, 4);
}

/* An idx3-ubyte file: @magic, then N, H, W, then @n_pixels bytes. */
static GByteArray *
idx_images (guint32       magic,
            guint32       n,
            guint32       h,
            guint32       w,
            const guint8 *pixels,
            gsize         n_pixels)
{
  GByteArray *out = g_byte_array_new ();

  put_be32 (out, magic);
  put_be32 (out, n);
  put_be32 (out, h);
  put_be32 (out, w);
  if (n_pixels > 0)
    g_byte_array_append (out, pixels, n_pixels);
  return out;
}

static GByteArray *
idx_labels (guint32       n,
            const guint8 *labels,
            gsize         n_labels)
{
  GByteArray *out = g_byte_array_new ();

  put_be32 (out, 0x00000801);
  put_be32 (out, n);
  g_byte_array_append (out, labels, n_labels);
  return out;
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (fm_test_scratch (), name, NULL);
}

static char *
write_plain (const char *name,
             GByteArray *bytes)
{
  return fm_test_write_scratch (name, bytes->data, bytes->len, FALSE);
}

static char *
write_gz (const char *name,
          GByteArray *bytes)
{
  return fm_test_write_scratch (name, bytes->data, bytes->len, TRUE);
}

static GByteArray *
read_all (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_byte_array_new_take ((guint8 *) data, len);
}

static char *
data_path (const char *relative)
{
  const char *dir = g_getenv ("FEATURE_MAPS_DATADIR");

  return g_build_filename (dir != NULL ? dir : FM_SOURCE_DATADIR, relative, NULL);
}

/* Reads to the end; returns the number of items, or -1 with @error set. */
static gint64
drain (FmDataset  *ds,
       GError    **error)
{
  gint64 count = 0;

  for (;;)
    {
      g_autoptr(FmImage) image = NULL;

      if (!fm_dataset_next (ds, NULL, &image, NULL, error))
        return (error != NULL && *error != NULL) ? -1 : count;
      count++;
    }
}

/* 3 items of 2 x 3 pixels: item i, pixel k = 10 * i + k + 1, so every
 * byte is distinct and says where it came from. Labels 7, 8, 9. */
static const guint8 small_pixels[18] = {
  1, 2, 3, 4, 5, 6,
  11, 12, 13, 14, 15, 16,
  21, 22, 23, 24, 25, 26,
};
static const guint8 small_labels[3] = { 7, 8, 9 };

/* A header of the small set's shape (3 items of 2 x 3) with @magic, then
 * the first @n_pixels of its pixels, written as @name. */
static char *
write_small_images (const char *name,
                    guint32     magic,
                    gsize       n_pixels)
{
  g_autoptr(GByteArray) images = idx_images (magic, 3, 2, 3, small_pixels, n_pixels);

  return write_plain (name, images);
}

/* The small set's images and labels written as @images_name and
 * @labels_name, each gzip-compressed if its flag says so: returns the
 * images' path and sets @labels_path. */
static char *
write_small (const char  *images_name,
             gboolean     images_gz,
             const char  *labels_name,
             gboolean     labels_gz,
             char       **labels_path)
{
  g_autoptr(GByteArray) images = idx_images (0x803, 3, 2, 3, small_pixels, 18);
  g_autoptr(GByteArray) labels = idx_labels (3, small_labels, 3);
  char *images_path = (images_gz ? write_gz : write_plain) (images_name, images);

  *labels_path = (labels_gz ? write_gz : write_plain) (labels_name, labels);
  return images_path;
}

static void
check_small (FmDataset *ds,
             gboolean   labelled)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (fm_dataset_get_kind (ds), ==, FM_DATASET_IDX);
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 3);
  g_assert_cmpint (fm_dataset_get_height (ds), ==, 2);
  g_assert_cmpint (fm_dataset_get_width (ds), ==, 3);
  g_assert_true (fm_dataset_has_labels (ds) == labelled);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(FmImage) image = NULL;
      guint64 index = 99;
      int label = 99;

      g_assert_true (fm_dataset_next (ds, &index, &image, &label, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (index, ==, i);
      g_assert_cmpint (label, ==, labelled ? small_labels[i] : -1);
      g_assert_cmpint (image->width, ==, 3);
      g_assert_cmpint (image->height, ==, 2);
      g_assert_cmpint (image->channels, ==, 1);
      g_assert_cmpmem (image->pixels, 6, small_pixels + 6 * i, 6);
    }
  /* The end, twice, with no error. */
  g_assert_false (fm_dataset_next (ds, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (fm_dataset_next (ds, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* ---- IDX -------------------------------------------------------------- */

static void
test_idx_plain (void)
{
  g_autofree char *labels_path = NULL;
  g_autofree char *images_path = write_small ("small-images-idx3-ubyte", FALSE,
                                              "small-labels-idx1-ubyte", FALSE, &labels_path);
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree char *name = NULL;

  /* Labels found next to the images by name. */
  ds = fm_test_open_dataset (images_path, NULL);
  g_assert_cmpstr (fm_dataset_get_path (ds), ==, images_path);
  g_assert_cmpstr (fm_dataset_get_labels_path (ds), ==, labels_path);
  check_small (ds, TRUE);
  name = fm_dataset_dup_item_name (ds, 2);
  g_assert_cmpstr (name, ==, "2");
  g_assert_null (fm_dataset_dup_item_name (ds, 3));
  warnings = fm_dataset_dup_warnings (ds);
  g_assert_cmpuint (warnings->len, ==, 0);
}

static void
test_idx_gzip (void)
{
  /* Compressed images without ".gz", plain labels with it: both must be
   * recognised by their bytes. The labels are found by the .gz variant
   * of the usual name. */
  g_autofree char *labels_path = NULL;
  g_autofree char *images_path = write_small ("zipped-images-idx3-ubyte", TRUE,
                                              "zipped-labels-idx1-ubyte.gz", FALSE, &labels_path);
  g_autoptr(GByteArray) raw = read_all (images_path);
  g_autoptr(FmDataset) ds = NULL;

  g_assert_cmphex (raw->data[0], ==, 0x1f);
  g_assert_cmphex (raw->data[1], ==, 0x8b);

  ds = fm_test_open_dataset (images_path, NULL);
  g_assert_cmpstr (fm_dataset_get_labels_path (ds), ==, labels_path);
  check_small (ds, TRUE);
}

/* fm_dataset_set_range (): plain and gzipped files skip to the range's
 * first item and its label (pixels 10 * i + k + 1 say which item came),
 * stop at its end, and an empty or clamped range behaves. */
static void
test_idx_range (void)
{
  for (int gz = 0; gz < 2; gz++)
    {
      g_autofree char *labels_path = NULL;
      g_autofree char *images_path = write_small (gz ? "range-images-idx3-ubyte.gz"
                                                     : "range-images-idx3-ubyte",
                                                  gz, gz ? "range-labels-idx1-ubyte.gz"
                                                         : "range-labels-idx1-ubyte",
                                                  gz, &labels_path);
      g_autoptr(FmDataset) ds = fm_test_open_dataset (images_path, NULL);
      g_autoptr(FmDataset) all = fm_test_open_dataset (images_path, NULL);
      g_autoptr(FmDataset) none = fm_test_open_dataset (images_path, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(FmImage) image = NULL;
      guint64 index = 99;
      int label = 99;

      g_assert_true (fm_dataset_set_range (ds, 1, 2, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (fm_dataset_get_range_begin (ds), ==, 1);
      g_assert_cmpuint (fm_dataset_get_range_end (ds), ==, 2);
      g_assert_true (fm_dataset_next (ds, &index, &image, &label, &error));
      g_assert_cmpuint (index, ==, 1);
      g_assert_cmpint (label, ==, small_labels[1]);
      g_assert_cmpmem (image->pixels, 6, small_pixels + 6, 6);
      g_assert_false (fm_dataset_next (ds, NULL, NULL, NULL, &error));
      g_assert_no_error (error);

      /* An end past the items is clamped: items 2 then the end. */
      g_assert_true (fm_dataset_set_range (all, 2, 1000, &error));
      g_assert_cmpuint (fm_dataset_get_range_end (all), ==, 3);
      g_assert_cmpint (drain (all, &error), ==, 1);
      g_assert_no_error (error);

      /* begin > end: nothing, no error. */
      g_assert_true (fm_dataset_set_range (none, 3, 3, &error));
      g_assert_cmpint (drain (none, &error), ==, 0);
      g_assert_no_error (error);
    }
}

/* A range whose start lies past the bytes a truncated file holds is an
 * error naming the file, at set-up. */
static void
test_idx_range_truncated (void)
{
  /* The header says 3 items; only 1.5 items of pixels follow. */
  g_autofree char *path = write_small_images ("range-cut-idx3-ubyte", 0x803, 9);
  g_autoptr(GByteArray) raw = read_all (path);
  g_autofree char *gz_path = write_gz ("range-cut-idx3-ubyte.gz", raw);
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(GError) error = NULL;

  /* A plain file this short is refused at open; the gzipped one is not
   * (its size says nothing), so the skip finds it. */
  g_assert_null (fm_dataset_open (path, NULL, &error));
  g_clear_error (&error);
  ds = fm_test_open_dataset (gz_path, NULL);
  g_assert_false (fm_dataset_set_range (ds, 2, 3, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, gz_path));
  g_assert_nonnull (strstr (error->message, "truncated"));
}

static void
test_idx_labels_choice (void)
{
  g_autofree char *labels_path = NULL;
  g_autofree char *images_path = write_small ("alone.idx3.gz", TRUE, "elsewhere-idx1.gz", TRUE,
                                              &labels_path);
  g_autofree char *missing = tmp_path ("missing-labels");
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) ds2 = NULL;
  g_autoptr(GError) error = NULL;

  /* No labels file under the usual name ("alone.idx1.gz"): no labels. */
  ds = fm_test_open_dataset (images_path, NULL);
  g_assert_null (fm_dataset_get_labels_path (ds));
  check_small (ds, FALSE);

  /* A labels file given by name. */
  ds2 = fm_test_open_dataset (images_path, labels_path);
  check_small (ds2, TRUE);

  /* A labels file given by name that does not exist is an error. */
  g_assert_null (fm_dataset_open (images_path, missing, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
}

/* ---- the bundled held-out digits -------------------------------------- */

/* From Python once:
 *   python3 -c "import gzip; d = gzip.open('data/digits/mnist-heldout-images-idx3-ubyte.gz').read();
 *     img = d[16:16 + 784]; print([(i, b) for i, b in enumerate(img) if b][:20], sum(img))"
 * The first image has 80 nonzero bytes summing to 16836; the first 20
 * (offset in the 28 x 28 image, value) are listed here. */
static const int heldout_first_nonzero[20][2] = {
  { 129, 191 }, { 130, 255 }, { 131, 64 }, { 156, 128 }, { 157, 255 },
  { 158, 255 }, { 159, 128 }, { 184, 255 }, { 185, 255 }, { 186, 255 },
  { 187, 128 }, { 211, 128 }, { 212, 255 }, { 213, 255 }, { 214, 191 },
  { 238, 64 }, { 239, 255 }, { 240, 255 }, { 241, 255 }, { 242, 64 },
};
/* list(gzip.open('...labels-idx1-ubyte.gz').read()[8:28]) */
static const int heldout_first_labels[20] = {
  1, 3, 7, 0, 3, 5, 0, 1, 6, 7, 7, 5, 5, 8, 0, 8, 9, 1, 1, 2,
};
/* sorted(collections.Counter(labels[8:]).items()) */
static const int heldout_class_counts[10] = {
  213, 226, 201, 206, 183, 165, 199, 215, 196, 196,
};
/* The last image (index 1999) sums to 33077; its label is 0. */
#define HELDOUT_LAST_SUM 33077
/* hashlib.sha256(open(images,'rb').read() + open(labels,'rb').read()).hexdigest(),
 * the same as `cat images labels | sha256sum`. */
#define HELDOUT_KEY "fc47da8d618551833fdb2c0709d7e4e7f59e37d78b06b7a8fbc2d3fdd35ad812"

/* Opens @images, which must find @labels beside it and hold @n_items
 * labelled 28 x 28 pictures. */
static FmDataset *
open_labelled_28 (const char *images,
                  const char *labels,
                  guint64     n_items)
{
  FmDataset *ds = fm_test_open_dataset (images, NULL);
  g_assert_cmpstr (fm_dataset_get_labels_path (ds), ==, labels);
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, n_items);
  g_assert_cmpint (fm_dataset_get_width (ds), ==, 28);
  g_assert_cmpint (fm_dataset_get_height (ds), ==, 28);
  g_assert_true (fm_dataset_has_labels (ds));
  return ds;
}

/* The next item of @ds, which must be item @n with a label from 0 to 9;
 * FALSE at the end or on an error. */
static gboolean
next_labelled (FmDataset *ds,
               guint64    n,
               FmImage  **image,
               int       *label,
               GError   **error)
{
  guint64 index;

  if (!fm_dataset_next (ds, &index, image, label, error))
    return FALSE;
  g_assert_cmpuint (index, ==, n);
  g_assert_cmpint (*label, >=, 0);
  g_assert_cmpint (*label, <=, 9);
  return TRUE;
}

static void
test_heldout (void)
{
  g_autofree char *path = data_path ("digits/mnist-heldout-images-idx3-ubyte.gz");
  g_autofree char *labels = data_path ("digits/mnist-heldout-labels-idx1-ubyte.gz");
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key2 = NULL;
  int counts[10] = { 0 };
  guint64 n = 0;

  ds = open_labelled_28 (path, labels, 2000);
  for (;;)
    {
      g_autoptr(FmImage) image = NULL;
      guint64 index = n;
      int label;

      if (!next_labelled (ds, n, &image, &label, &error))
        break;
      counts[label]++;
      if (index < 20)
        g_assert_cmpint (label, ==, heldout_first_labels[index]);
      if (index == 0)
        {
          int nonzero = 0, sum = 0;

          for (int k = 0; k < 784; k++)
            {
              int v = image->pixels[k];

              if (v != 0 && nonzero < 20)
                {
                  g_assert_cmpint (k, ==, heldout_first_nonzero[nonzero][0]);
                  g_assert_cmpint (v, ==, heldout_first_nonzero[nonzero][1]);
                }
              nonzero += v != 0;
              sum += v;
            }
          g_assert_cmpint (nonzero, ==, 80);
          g_assert_cmpint (sum, ==, 16836);
        }
      if (index == 1999)
        {
          int sum = 0;

          for (int k = 0; k < 784; k++)
            sum += image->pixels[k];
          g_assert_cmpint (sum, ==, HELDOUT_LAST_SUM);
          g_assert_cmpint (label, ==, 0);
        }
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2000);
  for (int c = 0; c < 10; c++)
    g_assert_cmpint (counts[c], ==, heldout_class_counts[c]);

  key = fm_dataset_dup_content_key (ds, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, HELDOUT_KEY);
  key2 = fm_dataset_dup_content_key (ds, NULL, &error);
  g_assert_cmpstr (key2, ==, HELDOUT_KEY);
}

static void
test_content_key_cancelled (void)
{
  g_autofree char *path = data_path ("digits/mnist-heldout-images-idx3-ubyte.gz");
  g_autoptr(FmDataset) ds = fm_dataset_open (path, NULL, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  g_assert_nonnull (ds);
  g_cancellable_cancel (cancellable);
  g_assert_null (fm_dataset_dup_content_key (ds, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  /* Nothing half-done was cached. */
  key = fm_dataset_dup_content_key (ds, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, HELDOUT_KEY);
}

/* IDX digits reach the model as stored bytes / 255, even where invert
 * AUTO would flip them. */
static void
test_next_input (void)
{
  g_autofree char *path = data_path ("digits/mnist-heldout-images-idx3-ubyte.gz");
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) bright = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) images = NULL;
  g_autofree char *bright_path = NULL;
  g_autoptr(FmImage) probe = NULL;
  guint8 pixels[16];
  float input[28 * 28];  /* [1, 1, 28, 28] */
  float small[16];       /* [1, 1, 4, 4] */
  FmPreprocess pp;
  guint64 index = 99;
  int label = -2;

  fm_preprocess_init (&pp, 1, 28, 28);
  pp.background_black = TRUE;
  g_assert_cmpint (pp.invert, ==, FM_INVERT_AUTO);

  ds = fm_test_open_dataset (path, NULL);
  g_assert_true (fm_dataset_next_input (ds, &pp, &index, input, &label, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, 0);
  g_assert_cmpint (label, ==, 1);
  /* Offsets 0 and 128 are 0 (see heldout_first_nonzero), 130 is 255. */
  g_assert_cmpfloat (input[0], ==, 0.0f);
  g_assert_cmpfloat (input[128], ==, 0.0f);
  for (int i = 0; i < 20; i++)
    g_assert_cmpfloat_with_epsilon (input[heldout_first_nonzero[i][0]],
                                    heldout_first_nonzero[i][1] / 255.0f, 1e-6);

  /* A 4 x 4 item with a bright border (200) and a dark centre (0): its
   * border brightness 200 / 255 = 0.78 > 0.5 makes AUTO invert it for a
   * black-background model, but an IDX item is taken as stored. */
  for (int k = 0; k < 16; k++)
    pixels[k] = 200;
  pixels[5] = pixels[6] = pixels[9] = pixels[10] = 0;
  images = idx_images (0x803, 1, 4, 4, pixels, 16);
  bright_path = write_plain ("bright-idx3", images);
  bright = fm_test_open_dataset (bright_path, NULL);

  fm_preprocess_init (&pp, 1, 4, 4);
  pp.background_black = TRUE;
  probe = fm_image_new (4, 4, 1, 0, NULL);
  memcpy (probe->pixels, pixels, 16);
  g_assert_true (fm_preprocess_will_invert (&pp, probe));

  g_assert_true (fm_dataset_next_input (bright, &pp, NULL, small, &label, &error));
  g_assert_no_error (error);
  g_assert_cmpint (label, ==, -1);
  g_assert_cmpfloat_with_epsilon (small[0], 200 / 255.0f, 1e-6);
  g_assert_cmpfloat (small[5], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (small[15], 200 / 255.0f, 1e-6);
}

/* ---- Fashion-MNIST ----------------------------------------------------- */

/* VmHWM (peak resident set) in kB, or -1. */
static gint64
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10);
}

static void
test_fashion_train (void)
{
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  int counts[10] = { 0 };
  gint64 before, after;
  guint64 n = 0;

  if (!g_file_test (FASHION_DIR, G_FILE_TEST_IS_DIR))
    {
      g_test_skip (FASHION_DIR " is not installed (Debian package dataset-fashion-mnist)");
      return;
    }

  ds = open_labelled_28 (FASHION_DIR "/train-images-idx3-ubyte.gz",
                         FASHION_DIR "/train-labels-idx1-ubyte.gz", 60000);

  /* The images alone are 60000 * 784 = 47 MB decompressed; a reader that
   * held the file would raise the peak by that much. */
  before = peak_rss_kb ();
  for (;;)
    {
      g_autoptr(FmImage) image = NULL;
      int label;

      if (!next_labelled (ds, n, &image, &label, &error))
        break;
      counts[label]++;
      n++;
    }
  after = peak_rss_kb ();
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 60000);
  /* Fashion-MNIST's training set is balanced: 6,000 of each class
   * (Xiao et al. 2017, the dataset's README). */
  for (int c = 0; c < 10; c++)
    g_assert_cmpint (counts[c], ==, 6000);

  if (before < 0 || after < 0)
    {
      g_test_message ("no VmHWM in /proc/self/status; memory not checked");
      return;
    }
  g_test_message ("peak RSS %" G_GINT64_FORMAT " kB -> %" G_GINT64_FORMAT " kB",
                  before, after);
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer keeps freed memory in quarantine: RSS says nothing
   * here. The plain build checks it. */
  g_test_message ("built with AddressSanitizer; peak memory not checked");
#else
  g_assert_cmpint (after - before, <, 4096);
#endif
}

static void
test_fashion_t10k (void)
{
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (FASHION_DIR, G_FILE_TEST_IS_DIR))
    {
      g_test_skip (FASHION_DIR " is not installed (Debian package dataset-fashion-mnist)");
      return;
    }
  ds = fm_test_open_dataset (FASHION_DIR "/t10k-images-idx3-ubyte.gz", NULL);
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 10000);
  g_assert_true (fm_dataset_has_labels (ds));
  g_assert_cmpint (drain (ds, &error), ==, 10000);
  g_assert_no_error (error);
}

/* ---- bad files -------------------------------------------------------- */

static void
assert_open_fails (const char *path,
                   const char *labels,
                   int         code,
                   const char *part1,
                   const char *part2)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (fm_dataset_open (path, labels, &error));
  g_assert_error (error, FM_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, part1));
  if (part2 != NULL)
    g_assert_nonnull (strstr (error->message, part2));
}

static void
test_bad_magic (void)
{
  g_autoptr(GByteArray) images = idx_images (0x12345678, 3, 2, 3, small_pixels, 18);
  g_autoptr(GByteArray) labels = idx_labels (3, small_labels, 3);
  g_autofree char *path = write_plain ("magic-idx3", images);
  g_autofree char *gz_path = write_gz ("magic-idx3.gz", images);
  g_autofree char *float_path = write_small_images ("float-idx3", 0x00000d03, 18);
  g_autofree char *labels_path = write_plain ("only-labels-idx1", labels);
  g_autofree char *good_path = write_small_images ("good-idx3", 0x803, 18);
  g_autofree char *empty_path = tmp_path ("empty-idx3");
  g_autofree char *png_path = data_path ("digits/digit-7.png");
  g_autofree char *missing = tmp_path ("no-such-file");

  g_assert_true (g_file_set_contents (empty_path, "", 0, NULL));

  assert_open_fails (path, NULL, FM_ERROR_INVALID_INPUT,
                     "not an IDX image file (magic 0x12345678", NULL);
  assert_open_fails (gz_path, NULL, FM_ERROR_INVALID_INPUT,
                     "not an IDX image file (magic 0x12345678", NULL);
  /* Type 0x0d is float. */
  assert_open_fails (float_path, NULL, FM_ERROR_INVALID_INPUT,
                     "element type 0x0d is not supported", NULL);
  assert_open_fails (labels_path, NULL, FM_ERROR_INVALID_INPUT,
                     "an IDX label file (magic 0x00000801)", NULL);
  assert_open_fails (empty_path, NULL, FM_ERROR_INVALID_INPUT, "empty file", NULL);
  /* A PNG starts 89 50 4e 47. */
  assert_open_fails (png_path, NULL, FM_ERROR_INVALID_INPUT,
                     "not an IDX image file (magic 0x89504e47)", "folder");
  assert_open_fails (missing, NULL, FM_ERROR_IO, "no such file or folder", NULL);
  /* Images given as labels. */
  assert_open_fails (good_path, good_path, FM_ERROR_INVALID_INPUT,
                     "not an IDX label file (magic 0x00000803", NULL);
  /* .npy labels for IDX images: said to go with .npy datasets (it read
   * "not an IDX label file (magic 0x934e554d ...)") */
  {
    g_autofree char *npy_labels = g_build_filename (fm_test_scratch (), "labels.npy", NULL);
    FmShape shape = { 1, { 2 } };
    const float v[2] = { 0, 1 };

    g_autoptr(GError) error = NULL;
    g_autoptr(FmDataset) ds = NULL;

    g_assert_true (fm_npy_write (npy_labels, &shape, v, NULL));
    ds = fm_dataset_open (good_path, npy_labels, &error);
    g_assert_null (ds);
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
    g_assert_true (g_str_has_prefix (error->message, npy_labels));
    g_assert_nonnull (strstr (error->message, ".npy labels go with an .npy dataset"));
  }
}

static void
test_bad_count (void)
{
  g_autoptr(GByteArray) labels = idx_labels (2, small_labels, 2);
  g_autofree char *path = write_small_images ("count-images-idx3-ubyte", 0x803, 18);
  g_autofree char *labels_path = write_plain ("count-labels-idx1-ubyte", labels);

  assert_open_fails (path, NULL, FM_ERROR_INVALID_INPUT,
                     "has 3 images but", "has 2 labels");
  assert_open_fails (path, NULL, FM_ERROR_INVALID_INPUT, labels_path, NULL);
}

static void
test_bad_truncated_plain (void)
{
  /* 3 items of 6 bytes promised, 16 given: item 0 and 1 are whole (12
   * bytes), item 2 has 4 of its 6. */
  g_autoptr(GByteArray) header = idx_images (0x803, 3, 2, 3, NULL, 0);
  g_autoptr(GByteArray) labels = idx_labels (3, small_labels, 1);
  g_autofree char *path = write_small_images ("cut-idx3", 0x803, 16);
  g_autofree char *short_header = NULL;
  g_autofree char *good_path = write_small_images ("cut2-images-idx3", 0x803, 18);
  g_autofree char *labels_path = write_plain ("cut2-labels-idx1", labels);

  /* Header 16 + 3 * 6 = 34 bytes needed, 16 + 16 = 32 present. */
  assert_open_fails (path, NULL, FM_ERROR_INVALID_INPUT,
                     "truncated at item 2 of 3", "34 bytes but the file has 32");
  /* A header cut after 10 bytes. */
  g_byte_array_set_size (header, 10);
  short_header = write_plain ("cut-header-idx3", header);
  assert_open_fails (short_header, NULL, FM_ERROR_INVALID_INPUT,
                     "truncated IDX header (10 of 16 bytes)", NULL);
  /* Labels: 8 + 3 bytes needed, 8 + 1 present; label 1 is the first
   * missing one. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (fm_dataset_open (good_path, labels_path, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, labels_path));
    g_assert_nonnull (strstr (error->message, "truncated at label 1 of 3"));
  }
}

/* @n bytes of a linear congruential sequence: compresses poorly, so the
 * gzip stream is about as long as the data. */
static GByteArray *
noise (gsize n)
{
  GByteArray *out = g_byte_array_sized_new (n);
  guint32 x = 12345;

  for (gsize k = 0; k < n; k++)
    {
      guint8 v;

      x = x * 1103515245u + 12345u;
      v = x >> 24;
      g_byte_array_append (out, &v, 1);
    }
  return out;
}

/* Reads items until fm_dataset_next() stops, checking that each one that
 * came holds its @item_bytes of @pixels; returns how many came. */
static gint64
read_until_error (FmDataset        *ds,
                  const GByteArray *pixels,
                  gsize             item_bytes,
                  GError          **error)
{
  gint64 count = 0;

  for (;;)
    {
      g_autoptr(FmImage) image = NULL;
      guint64 index;

      if (!fm_dataset_next (ds, &index, &image, NULL, error))
        return count;
      g_assert_cmpmem (image->pixels, item_bytes, pixels->data + item_bytes * index, item_bytes);
      count++;
    }
}

static void
test_bad_truncated_gz (void)
{
  /* 100 items of 4 x 4 of noise: cutting the compressed file in half
   * ends the stream somewhere in the middle of the items. */
  g_autoptr(GByteArray) pixels = noise (1600);
  g_autoptr(GByteArray) images = NULL;
  g_autoptr(GByteArray) gz = NULL;
  g_autofree char *full_path = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  gint64 count = 0;

  images = idx_images (0x803, 100, 4, 4, pixels->data, pixels->len);
  full_path = write_gz ("cutgz-idx3.gz", images);
  gz = read_all (full_path);
  g_assert_cmpuint (gz->len, >, 1000);
  g_byte_array_set_size (gz, gz->len / 2);
  path = write_plain ("cutgz-half-idx3.gz", gz);

  ds = fm_test_open_dataset (path, NULL);
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 100);
  count = read_until_error (ds, pixels, 16, &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_test_message ("%s after %" G_GINT64_FORMAT " items", error->message, count);
  {
    g_autofree char *expected = g_strdup_printf ("truncated at item %" G_GINT64_FORMAT
                                                 " of 100", count);

    g_assert_nonnull (strstr (error->message, path));
    g_assert_nonnull (strstr (error->message, expected));
    /* zlib's reason. */
    g_assert_nonnull (strstr (error->message, "unexpected end of file"));
  }
  /* Roughly half of the items came, not all and not none. */
  g_assert_cmpint (count, >, 10);
  g_assert_cmpint (count, <, 90);
  /* The error is sticky. */
  g_assert_false (fm_dataset_next (ds, NULL, NULL, NULL, &again));
  g_assert_error (again, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_cmpstr (again->message, ==, error->message);
}

static void
test_bad_corrupt_gz (void)
{
  /* 300 items of 32 x 32 = 307200 bytes, more than zlib decompresses
   * ahead in one go (a 128 KiB output buffer with gzbuffer 64 KiB), so the
   * trailer is reached only while items are being read. */
  g_autoptr(GByteArray) pixels = noise (300 * 32 * 32);
  g_autoptr(GByteArray) images = idx_images (0x803, 300, 32, 32, pixels->data, pixels->len);
  g_autoptr(GByteArray) small = idx_images (0x803, 3, 2, 3, small_pixels, 18);
  g_autofree char *path = write_gz ("crc-idx3.gz", images);
  g_autofree char *small_path = write_gz ("crc-small-idx3.gz", small);
  g_autofree char *bad_header = NULL;
  g_autofree char *bad_block = NULL;
  g_autoptr(GByteArray) gz = read_all (path);
  g_autoptr(GByteArray) small_gz = read_all (small_path);
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count = 0;

  /* 1. The CRC-32 in the gzip trailer (the last 8 bytes are CRC and
   * length, RFC 1952) is wrong. Items read until zlib reaches the end
   * of the stream, then zlib's "incorrect data check". */
  gz->data[gz->len - 8] ^= 0xff;
  g_free (path);
  path = write_plain ("crc-idx3.gz", gz);
  ds = fm_test_open_dataset (path, NULL);
  count = read_until_error (ds, pixels, 1024, &error);
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_test_message ("%s after %" G_GINT64_FORMAT " items", error->message, count);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "corrupt gzip data"));
  g_assert_nonnull (strstr (error->message, "incorrect data check"));
  /* 128 KiB hold 128 items; the end is not in the first buffer. */
  g_assert_cmpint (count, >=, 100);
  g_clear_error (&error);

  /* 2. The same in a tiny file: the first read reaches the end, so the
   * open fails. */
  small_gz->data[small_gz->len - 8] ^= 0xff;
  g_free (small_path);
  small_path = write_plain ("crc-small-idx3.gz", small_gz);
  assert_open_fails (small_path, NULL, FM_ERROR_INVALID_INPUT,
                     "corrupt gzip data", "incorrect data check");
  small_gz->data[small_gz->len - 8] ^= 0xff;

  /* 3. Compression method 7 instead of 8 (deflate) in the gzip header:
   * zlib says "unknown compression method". */
  g_assert_cmphex (small_gz->data[2], ==, 8);
  small_gz->data[2] = 7;
  bad_header = write_plain ("method-idx3.gz", small_gz);
  assert_open_fails (bad_header, NULL, FM_ERROR_INVALID_INPUT,
                     "corrupt gzip data", "unknown compression method");

  /* 4. The first deflate block with type 3 (reserved): the block header
   * is the low bits of the byte after the 10-byte gzip header (gzopen
   * writes no name), BFINAL then 2 bits BTYPE; setting both BTYPE bits
   * gives "invalid block type". */
  small_gz->data[2] = 8;
  g_assert_cmphex (small_gz->data[3], ==, 0);  /* FLG: no optional fields */
  small_gz->data[10] |= 0x06;
  bad_block = write_plain ("block-idx3.gz", small_gz);
  assert_open_fails (bad_block, NULL, FM_ERROR_INVALID_INPUT,
                     "corrupt gzip data", "invalid block type");
}

static void
test_bad_dims (void)
{
  g_autoptr(GByteArray) zero_n = idx_images (0x803, 0, 28, 28, NULL, 0);
  g_autoptr(GByteArray) zero_h = idx_images (0x803, 5, 0, 28, NULL, 0);
  g_autoptr(GByteArray) many = idx_images (0x803, 100000001, 28, 28, NULL, 0);
  /* 10000 x 10000 = 100 megapixels > 64. */
  g_autoptr(GByteArray) huge = idx_images (0x803, 1, 10000, 10000, NULL, 0);
  /* 2^31 x 2^31 overflows 32 bits; must still be caught. */
  g_autoptr(GByteArray) wrap = idx_images (0x803, 1, 0x80000000u, 0x80000000u, NULL, 0);
  g_autofree char *zero_n_path = write_plain ("zero-n-idx3", zero_n);
  g_autofree char *zero_h_path = write_plain ("zero-h-idx3", zero_h);
  g_autofree char *many_path = write_plain ("many-idx3", many);
  g_autofree char *huge_path = write_gz ("huge-idx3.gz", huge);
  g_autofree char *wrap_path = write_plain ("wrap-idx3", wrap);

  assert_open_fails (zero_n_path, NULL, FM_ERROR_INVALID_INPUT,
                     "0 items of 28 x 28", "none may be 0");
  assert_open_fails (zero_h_path, NULL, FM_ERROR_INVALID_INPUT,
                     "5 items of 0 x 28", NULL);
  assert_open_fails (many_path, NULL, FM_ERROR_LIMIT,
                     "100000001 items", "limit of 100000000");
  assert_open_fails (huge_path, NULL, FM_ERROR_LIMIT,
                     "10000 x 10000 pixels", "limit of 64000000");
  assert_open_fails (wrap_path, NULL, FM_ERROR_LIMIT,
                     "2147483648 x 2147483648 pixels", NULL);
}

/* ---- folders ---------------------------------------------------------- */

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GByteArray) bytes = read_all (from);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (to, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);
}

static void
test_folder (void)
{
  g_autofree char *root = tmp_path ("pictures");
  g_autofree char *deep = g_build_filename (root, "a", "b", NULL);
  g_autofree char *empty_sub = g_build_filename (root, "empty", NULL);
  /* Bytewise order: 'Z' (0x5a) before 'a' (0x61), "a/b/..." before
   * "a/mid.png" ('b' < 'm'), and within a/b "corrupt" before "deep". A
   * locale-aware or case-folding sort would put Z.png last. */
  const char *names[4] = { "Z.png", "a/b/corrupt.png", "a/b/deep.png", "a/mid.png" };
  const char *sources[4] = { "digits/digit-0.png", NULL, "digits/digit-4.png",
                             "digits/digit-7.png" };
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) ds2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree char *readme = g_build_filename (root, "README.txt", NULL);
  g_autofree char *notes = g_build_filename (root, "a/notes.JPG", NULL);
  g_autofree char *corrupt = g_build_filename (root, "a/b/corrupt.png", NULL);
  g_autofree char *mid = g_build_filename (root, "a/mid.png", NULL);
  g_autofree char *key = NULL;
  g_autofree char *key2 = NULL;
  g_autofree char *key3 = NULL;
  guint64 expected_index[3] = { 0, 2, 3 };
  struct timespec times[2];
  guint n = 0;
  /* PNG signature then an IHDR chunk cut short. */
  static const guint8 broken[16] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  };

  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (empty_sub, 0755), ==, 0);
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *to = g_build_filename (root, names[i], NULL);

      if (sources[i] != NULL)
        {
          g_autofree char *from = data_path (sources[i]);

          copy_file (from, to);
        }
    }
  g_assert_true (g_file_set_contents (corrupt, (const char *) broken, sizeof broken, NULL));
  g_assert_true (g_file_set_contents (readme, "These are digits.\n", -1, NULL));
  g_assert_true (g_file_set_contents (notes, "Not a picture either.\n", -1, NULL));

  ds = fm_test_open_dataset (root, NULL);
  g_assert_cmpint (fm_dataset_get_kind (ds), ==, FM_DATASET_FOLDER);
  g_assert_false (fm_dataset_has_labels (ds));
  g_assert_cmpint (fm_dataset_get_width (ds), ==, 0);
  /* The corrupt PNG has PNG magic, so it is listed; README.txt and the
   * text file named notes.JPG are not. */
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = fm_dataset_dup_item_name (ds, i);

      g_assert_cmpstr (name, ==, names[i]);
    }

  for (;;)
    {
      g_autoptr(FmImage) image = NULL;
      g_autoptr(FmImage) direct = NULL;
      g_autofree char *full = NULL;
      guint64 index;
      int label = 0;

      if (!fm_dataset_next (ds, &index, &image, &label, &error))
        break;
      g_assert_cmpuint (n, <, 3);
      g_assert_cmpuint (index, ==, expected_index[n]);
      g_assert_cmpint (label, ==, -1);
      /* The same picture as loading the file directly. */
      full = g_build_filename (root, names[index], NULL);
      direct = fm_image_load (full, 0, NULL);
      g_assert_nonnull (direct);
      g_assert_cmpint (image->width, ==, direct->width);
      g_assert_cmpint (image->height, ==, direct->height);
      g_assert_cmpint (image->channels, ==, direct->channels);
      g_assert_cmpmem (image->pixels,
                       (gsize) image->width * image->height * image->channels,
                       direct->pixels,
                       (gsize) direct->width * direct->height * direct->channels);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);

  /* What listing found first (notes.JPG is named as a picture and is not;
   * README.txt is no concern), then the picture that did not decode. */
  warnings = fm_dataset_dup_warnings (ds);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_test_message ("%s / %s", (char *) warnings->pdata[0], (char *) warnings->pdata[1]);
  g_assert_cmpstr (warnings->pdata[0], ==, "a/notes.JPG: not a JPEG or PNG picture");
  g_assert_true (g_str_has_prefix (warnings->pdata[1], "a/b/corrupt.png: "));
  /* The decoder's reason follows, not the absolute path again. */
  g_assert_null (strstr (warnings->pdata[1], root));
  g_assert_cmpuint (strlen (warnings->pdata[1]), >, strlen ("a/b/corrupt.png: ") + 3);

  /* The content key is stable across opens and changes with an mtime. */
  key = fm_dataset_dup_content_key (ds, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (key), ==, 64);
  ds2 = fm_test_open_dataset (root, NULL);
  key2 = fm_dataset_dup_content_key (ds2, NULL, &error);
  g_assert_cmpstr (key, ==, key2);
  g_clear_pointer (&ds2, fm_dataset_free);
  times[0].tv_sec = times[1].tv_sec = 1000000000;
  times[0].tv_nsec = times[1].tv_nsec = 0;
  g_assert_cmpint (utimensat (AT_FDCWD, mid, times, 0), ==, 0);
  ds2 = fm_test_open_dataset (root, NULL);
  key3 = fm_dataset_dup_content_key (ds2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key3, !=, key);

  /* A folder given labels is refused. */
  assert_open_fails (root, readme, FM_ERROR_INVALID_INPUT, "no labels file", NULL);
}

static void
test_folder_bad (void)
{
  g_autofree char *empty = tmp_path ("empty-folder");
  g_autofree char *sub = g_build_filename (empty, "sub", NULL);
  g_autofree char *text = g_build_filename (sub, "notes.txt", NULL);
  g_autofree char *missing = tmp_path ("no-such-folder");

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  g_assert_true (g_file_set_contents (text, "no pictures here", -1, NULL));
  assert_open_fails (empty, NULL, FM_ERROR_INVALID_INPUT,
                     "no PNG or JPEG pictures", NULL);
  assert_open_fails (missing, NULL, FM_ERROR_IO, "no such file or folder", NULL);
}

/* ---- threads ---------------------------------------------------------- */

#define THREAD_ITEMS 20000

/* Item i holds i in its first two bytes (big-endian) and i % 10 as its
 * label: pixels, label and index must belong together. */
static gboolean
item_holds_index (guint64        index,
                  const FmImage *image,
                  int            label)
{
  return image->pixels[0] == (index >> 8) && image->pixels[1] == (index & 0xff)
         && label == (int) (index % 10);
}

static void
test_threads (void)
{
  g_autoptr(GByteArray) pixels = g_byte_array_sized_new (THREAD_ITEMS * 4);
  g_autoptr(GByteArray) labels = g_byte_array_sized_new (THREAD_ITEMS);
  g_autoptr(GByteArray) images = NULL;
  g_autoptr(GByteArray) label_file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *labels_path = NULL;
  g_autofree gint *seen = NULL;
  g_autoptr(FmDataset) ds = NULL;

  for (guint i = 0; i < THREAD_ITEMS; i++)
    {
      guint8 item[4] = { i >> 8, i & 0xff, 0, 255 };
      guint8 label = i % 10;

      g_byte_array_append (pixels, item, 4);
      g_byte_array_append (labels, &label, 1);
    }
  images = idx_images (0x803, THREAD_ITEMS, 2, 2, pixels->data, pixels->len);
  label_file = idx_labels (THREAD_ITEMS, labels->data, labels->len);
  path = write_gz ("threads-images-idx3-ubyte.gz", images);
  labels_path = write_gz ("threads-labels-idx1-ubyte.gz", label_file);
  ds = fm_test_open_dataset (path, NULL);
  g_assert_true (fm_dataset_has_labels (ds));

  seen = g_new0 (gint, THREAD_ITEMS);
  g_assert_cmpuint (fm_test_read_in_two_threads (ds, THREAD_ITEMS, seen, item_holds_index), ==,
                    THREAD_ITEMS);
  for (guint i = 0; i < THREAD_ITEMS; i++)
    g_assert_cmpint (seen[i], ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/dataset/fashion/train-memory", test_fashion_train);
  g_test_add_func ("/engine/dataset/fashion/t10k", test_fashion_t10k);
  g_test_add_func ("/engine/dataset/idx/plain", test_idx_plain);
  g_test_add_func ("/engine/dataset/idx/gzip", test_idx_gzip);
  g_test_add_func ("/engine/dataset/idx/labels-choice", test_idx_labels_choice);
  g_test_add_func ("/engine/dataset/idx/range", test_idx_range);
  g_test_add_func ("/engine/dataset/idx/range-truncated", test_idx_range_truncated);
  g_test_add_func ("/engine/dataset/idx/heldout", test_heldout);
  g_test_add_func ("/engine/dataset/idx/content-key-cancelled", test_content_key_cancelled);
  g_test_add_func ("/engine/dataset/idx/next-input", test_next_input);
  g_test_add_func ("/engine/dataset/bad/magic", test_bad_magic);
  g_test_add_func ("/engine/dataset/bad/count", test_bad_count);
  g_test_add_func ("/engine/dataset/bad/truncated-plain", test_bad_truncated_plain);
  g_test_add_func ("/engine/dataset/bad/truncated-gz", test_bad_truncated_gz);
  g_test_add_func ("/engine/dataset/bad/corrupt-gz", test_bad_corrupt_gz);
  g_test_add_func ("/engine/dataset/bad/dims", test_bad_dims);
  g_test_add_func ("/engine/dataset/folder/sorted", test_folder);
  g_test_add_func ("/engine/dataset/folder/bad", test_folder_bad);
  g_test_add_func ("/engine/dataset/threads", test_threads);

  return g_test_run ();
}
