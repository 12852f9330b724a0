/* test-dataset-formats.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests the dataset kinds beyond IDX and flat folders: folders of class
 * folders, WebDataset .tar shards and .npy arrays. Every input is written
 * here: PNGs by libpng with known pixels (fm-test-image.c), tar archives
 * header by header and .npy files byte by byte (fm-test-archive.c), so
 * the expected labels, names, order and pixels come from the test, not
 * from the reader. Each kind is also read through a range, by two
 * threads at once, and from damaged files whose messages must name the
 * file and the member.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fm-dataset.h"
#include "fm-test-archive.h"
#include "fm-test-files.h"
#include "fm-test-image.h"
#include "fm-test-scan.h"

/* ---- helpers ---------------------------------------------------------- */

static char *
scratch (const char *name)
{
  return g_build_filename (fm_test_scratch (), name, NULL);
}

/* A fresh empty folder @name in the scratch folder. */
static char *
fresh_dir (const char *name)
{
  return fm_test_fresh_dir (fm_test_scratch (), name);
}

/* A 3 x 2 gray picture whose pixels are @seed, @seed + 1, ... */
static GByteArray *
gray_png (guint8 seed)
{
  guint8 pixels[6];

  for (int i = 0; i < 6; i++)
    pixels[i] = (guint8) (seed + i);
  return fm_test_encode_png (3, 2, PNG_COLOR_TYPE_GRAY, 8, pixels, NULL, 0, NULL, 0);
}

static void
assert_gray_image (const FmImage *image,
                   guint8         seed)
{
  g_assert_nonnull (image);
  g_assert_cmpint (image->width, ==, 3);
  g_assert_cmpint (image->height, ==, 2);
  g_assert_cmpint (image->channels, ==, 1);
  for (int i = 0; i < 6; i++)
    g_assert_cmpint (image->pixels[i], ==, (guint8) (seed + i));
}

/* Opens @path expecting failure with @code and every one of the
 * NULL-terminated substrings in the message. */
static void
open_fails (const char *path,
            const char *labels_path,
            int         code,
            ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) ds = fm_dataset_open (path, labels_path, &error);
  const char *part;
  va_list ap;

  g_assert_null (ds);
  g_assert_error (error, FM_ERROR, code);
  g_test_message ("%s", error->message);
  va_start (ap, code);
  while ((part = va_arg (ap, const char *)) != NULL)
    if (strstr (error->message, part) == NULL)
      g_error ("“%s” lacks “%s”", error->message, part);
  va_end (ap);
}

/* Reads every item: their indexes, labels and images (owned). */
typedef struct
{
  GArray    *indexes;  /* guint64 */
  GArray    *labels;   /* int */
  GPtrArray *images;
} Items;

static void
items_clear (Items *items)
{
  g_array_unref (items->indexes);
  g_array_unref (items->labels);
  g_ptr_array_unref (items->images);
}

static Items
read_all (FmDataset *ds)
{
  Items items = { g_array_new (FALSE, FALSE, sizeof (guint64)),
                  g_array_new (FALSE, FALSE, sizeof (int)),
                  g_ptr_array_new_with_free_func ((GDestroyNotify) fm_image_free) };
  g_autoptr(GError) error = NULL;
  guint64 index;
  FmImage *image;
  int label;

  while (fm_dataset_next (ds, &index, &image, &label, &error))
    {
      g_array_append_val (items.indexes, index);
      g_array_append_val (items.labels, label);
      g_ptr_array_add (items.images, image);
    }
  g_assert_no_error (error);
  return items;
}

static void
assert_warnings (FmDataset   *ds,
                 const char **expected,
                 guint        n)
{
  g_autoptr(GPtrArray) warnings = fm_dataset_dup_warnings (ds);

  for (guint i = 0; i < warnings->len; i++)
    g_test_message ("warning: %s", (char *) warnings->pdata[i]);
  g_assert_cmpuint (warnings->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (warnings->pdata[i], ==, expected[i]);
}

/* Reads every item of @ds: indexes 0..@n-1 named @names with @labels and
 * the pictures of @seeds. */
static void
assert_items (FmDataset    *ds,
              guint         n,
              const char  **names,
              const int    *labels,
              const guint8 *seeds)
{
  Items items = read_all (ds);

  g_assert_cmpuint (items.indexes->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = fm_dataset_dup_item_name (ds, i);

      g_assert_cmpuint (g_array_index (items.indexes, guint64, i), ==, i);
      g_assert_cmpint (g_array_index (items.labels, int, i), ==, labels[i]);
      g_assert_cmpstr (name, ==, names[i]);
      assert_gray_image (items.images->pdata[i], seeds[i]);
    }
  items_clear (&items);
}

static void
write_png (const char *dir,
           const char *rel,
           guint8      seed)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GByteArray) png = gray_png (seed);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  fm_test_write_bytes (path, png->data, png->len);
}

/* ---- two threads ------------------------------------------------------ */

/* Two readers share @ds: each index of [@begin, @end) comes once. */
static void
assert_two_readers (FmDataset *ds,
                    guint64    begin,
                    guint64    end)
{
  guint64 n = fm_dataset_get_n_items (ds);
  g_autofree gint *seen = g_new0 (gint, n);

  g_assert_cmpuint (fm_test_read_in_two_threads (ds, n, seen, NULL), ==, end - begin);
  for (guint64 i = 0; i < n; i++)
    g_assert_cmpint (seen[i], ==, i >= begin && i < end ? 1 : 0);
}

/* ---- class folders ---------------------------------------------------- */

static void
test_class_folders (void)
{
  g_autofree char *root = fresh_dir ("classes");
  g_autofree char *readme = g_build_filename (root, "README.txt", NULL);
  g_autofree char *empty = g_build_filename (root, "empty", NULL);
  g_autofree char *extra = g_build_filename (root, "aardvark", NULL);
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) ds2 = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key2 = NULL;
  /* Python's sorted() on str: by code point, "Zebra" before "cat"; the
   * empty folder is a class too; ".hidden" is not. */
  const char *classes[4] = { "Zebra", "cat", "dog", "empty" };
  const char *names[4] = { "Zebra/a.png", "cat/x.png", "cat/y/z.png", "dog/b.png" };
  const guint8 seeds[4] = { 10, 20, 30, 40 };
  const int labels[4] = { 0, 1, 1, 2 };

  for (int i = 0; i < 4; i++)
    write_png (root, names[i], seeds[i]);
  write_png (root, ".hidden/h.png", 99);
  fm_test_write_bytes (readme, "digits\n", 7);
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);

  ds = fm_test_open_dataset (root, NULL);
  g_assert_cmpint (fm_dataset_get_kind (ds), ==, FM_DATASET_FOLDER);
  g_assert_true (fm_dataset_has_labels (ds));
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 4);
  for (int c = 0; c < 4; c++)
    g_assert_cmpstr (fm_dataset_get_class_name (ds, c), ==, classes[c]);
  g_assert_null (fm_dataset_get_class_name (ds, 4));
  g_assert_null (fm_dataset_get_class_name (ds, -1));

  assert_items (ds, 4, names, labels, seeds);

  /* A new empty class folder shifts every label: a new content key. */
  key = fm_dataset_dup_content_key (ds, NULL, NULL);
  g_assert_cmpint (g_mkdir (extra, 0755), ==, 0);
  ds2 = fm_test_open_dataset (root, NULL);
  g_assert_cmpstr (fm_dataset_get_class_name (ds2, 0), ==, "Zebra");
  g_assert_cmpstr (fm_dataset_get_class_name (ds2, 1), ==, "aardvark");
  key2 = fm_dataset_dup_content_key (ds2, NULL, NULL);
  g_assert_nonnull (key);
  g_assert_cmpstr (key, !=, key2);
}

static void
test_class_folders_flat (void)
{
  g_autofree char *root = fresh_dir ("flat-and-folders");
  g_autoptr(FmDataset) ds = NULL;

  /* A picture at the top: a flat folder searched recursively, no labels. */
  write_png (root, "top.png", 1);
  write_png (root, "cat/x.png", 2);
  ds = fm_test_open_dataset (root, NULL);
  g_assert_false (fm_dataset_has_labels (ds));
  g_assert_null (fm_dataset_get_class_name (ds, 0));
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 2);
}

static void
test_folder_range (void)
{
  g_autofree char *root = fresh_dir ("folder-range");
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) ds2 = NULL;
  g_autoptr(GError) error = NULL;
  Items items;

  for (int i = 0; i < 6; i++)
    {
      g_autofree char *rel = g_strdup_printf ("c%d/p%d.png", i % 2, i);

      write_png (root, rel, (guint8) (i * 10));
    }
  /* Sorted: c0/p0, c0/p2, c0/p4, c1/p1, c1/p3, c1/p5. */
  ds = fm_test_open_dataset (root, NULL);
  g_assert_true (fm_dataset_set_range (ds, 2, 5, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fm_dataset_get_range_begin (ds), ==, 2);
  g_assert_cmpuint (fm_dataset_get_range_end (ds), ==, 5);
  items = read_all (ds);
  g_assert_cmpuint (items.indexes->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      static const guint8 seeds[3] = { 40, 10, 30 };
      static const int labels[3] = { 0, 1, 1 };

      g_assert_cmpuint (g_array_index (items.indexes, guint64, i), ==, 2 + i);
      g_assert_cmpint (g_array_index (items.labels, int, i), ==, labels[i]);
      assert_gray_image (items.images->pdata[i], seeds[i]);
    }
  items_clear (&items);

  ds2 = fm_test_open_dataset (root, NULL);
  g_assert_true (fm_dataset_set_range (ds2, 1, 100, NULL));
  assert_two_readers (ds2, 1, 6);
}

/* ---- tar shards ------------------------------------------------------- */

static void
tar_add_png (GByteArray *tar,
             const char *name,
             guint8      seed)
{
  g_autoptr(GByteArray) png = gray_png (seed);

  fm_test_tar_add (tar, name, png->data, png->len);
}

static char *
write_tar (const char *path,
           GByteArray *tar)
{
  fm_test_write_bytes (path, tar->data, tar->len);
  return g_strdup (path);
}

static void
test_tar_good (void)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autofree char *path = scratch ("good.tar");
  g_autoptr(FmDataset) ds = NULL;
  const char *names[4] = { "good.tar:n01/a", "good.tar:n01/b", "good.tar:d", "good.tar:e" };
  const guint8 seeds[4] = { 5, 6, 7, 8 };
  const int labels[4] = { 3, 12, 0, -1 };
  const char *warnings[1] = { "good.tar: c: no .jpg, .jpeg or .png member; skipped" };

  tar_add_png (tar, "n01/a.png", 5);
  fm_test_tar_add (tar, "n01/a.cls", "3\n", 2);
  fm_test_tar_add (tar, "n01/b.cls", " 12 ", 4);
  tar_add_png (tar, "n01/b.PNG", 6);                 /* extensions are lowercased */
  fm_test_tar_add (tar, "README", "no dot: skipped", 15);
  fm_test_tar_add (tar, "c.json", "{}", 2);
  tar_add_png (tar, "c.seg.png", 9);                 /* extension "seg.png": not a picture */
  fm_test_tar_add (tar, "d.json", "{}", 2);
  tar_add_png (tar, "d.png", 7);
  fm_test_tar_add (tar, "d.cls", "0", 1);
  tar_add_png (tar, "e.png", 8);                     /* no .cls: label -1 */
  fm_test_tar_end (tar);
  g_free (write_tar (path, tar));

  ds = fm_test_open_dataset (path, NULL);
  g_assert_cmpint (fm_dataset_get_kind (ds), ==, FM_DATASET_TAR);
  g_assert_true (fm_dataset_has_labels (ds));
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 4);
  g_assert_null (fm_dataset_get_class_name (ds, 3));
  assert_items (ds, 4, names, labels, seeds);
  assert_warnings (ds, warnings, 1);

  /* A labels file makes no sense for shards. */
  open_fails (path, path, FM_ERROR_INVALID_INPUT, "good.tar", ".cls", NULL);
}

/* Writes shards shard-00000K.tar of @per samples each ("sK-I.png" with
 * seed 10 K + I and .cls K) into @dir. */
static void
write_shards (const char *dir,
              int         n_shards,
              int         per)
{
  for (int k = 0; k < n_shards; k++)
    {
      g_autoptr(GByteArray) tar = g_byte_array_new ();
      g_autofree char *name = g_strdup_printf ("shard-%06d.tar", k);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *cls = g_strdup_printf ("%d", k);

      for (int i = 0; i < per; i++)
        {
          g_autofree char *png = g_strdup_printf ("s%d-%03d.png", k, i);
          g_autofree char *label = g_strdup_printf ("s%d-%03d.cls", k, i);

          tar_add_png (tar, png, (guint8) (10 * k + i));
          fm_test_tar_add (tar, label, cls, strlen (cls));
        }
      fm_test_tar_end (tar);
      g_free (write_tar (path, tar));
    }
}

static void
test_tar_shards (void)
{
  g_autofree char *dir = fresh_dir ("shards");
  g_autofree char *hidden = g_build_filename (dir, ".DS_Store", NULL);
  g_autofree char *braces = g_build_filename (dir, "shard-{000000..000002}.tar", NULL);
  g_autofree char *missing = g_build_filename (dir, "shard-{000000..000003}.tar", NULL);
  g_autofree char *first = g_build_filename (dir, "shard-000000.tar", NULL);
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) ds2 = NULL;
  g_autoptr(FmDataset) ds3 = NULL;
  g_autoptr(FmDataset) ds4 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key2 = NULL;
  Items items;

  write_shards (dir, 3, 4);
  fm_test_write_bytes (hidden, "x", 1);

  ds = fm_test_open_dataset (dir, NULL);
  g_assert_cmpint (fm_dataset_get_kind (ds), ==, FM_DATASET_TAR);
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 12);
  items = read_all (ds);
  g_assert_cmpuint (items.indexes->len, ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = fm_dataset_dup_item_name (ds, i);
      g_autofree char *expected = g_strdup_printf ("shard-%06u.tar:s%u-%03u", i / 4, i / 4,
                                                   i % 4);

      g_assert_cmpstr (name, ==, expected);
      g_assert_cmpint (g_array_index (items.labels, int, i), ==, (int) (i / 4));
      assert_gray_image (items.images->pdata[i], (guint8) (10 * (i / 4) + i % 4));
    }
  items_clear (&items);

  /* Brace notation names the same shards; a missing one is named. */
  ds2 = fm_test_open_dataset (braces, NULL);
  g_assert_cmpuint (fm_dataset_get_n_items (ds2), ==, 12);
  key = fm_dataset_dup_content_key (ds, NULL, NULL);
  key2 = fm_dataset_dup_content_key (ds2, NULL, NULL);
  g_assert_cmpstr (key, ==, key2);
  open_fails (missing, NULL, FM_ERROR_IO, "shard-000003.tar", "no such file", NULL);

  /* A range across a shard boundary. */
  ds3 = fm_test_open_dataset (dir, NULL);
  g_assert_true (fm_dataset_set_range (ds3, 3, 9, &error));
  g_assert_no_error (error);
  items = read_all (ds3);
  g_assert_cmpuint (items.indexes->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      guint64 index = 3 + i;

      g_assert_cmpuint (g_array_index (items.indexes, guint64, i), ==, index);
      g_assert_cmpint (g_array_index (items.labels, int, i), ==, (int) (index / 4));
      assert_gray_image (items.images->pdata[i], (guint8) (10 * (index / 4) + index % 4));
    }
  items_clear (&items);

  /* One shard alone; and two readers over a range. */
  g_clear_pointer (&ds3, fm_dataset_free);
  ds3 = fm_test_open_dataset (first, NULL);
  g_assert_cmpuint (fm_dataset_get_n_items (ds3), ==, 4);
  ds4 = fm_test_open_dataset (dir, NULL);
  g_assert_true (fm_dataset_set_range (ds4, 2, 11, NULL));
  assert_two_readers (ds4, 2, 11);
}

static void
test_tar_threads (void)
{
  g_autofree char *dir = fresh_dir ("tar-threads");
  g_autoptr(FmDataset) ds = NULL;

  write_shards (dir, 4, 25);
  ds = fm_test_open_dataset (dir, NULL);
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 100);
  assert_two_readers (ds, 0, 100);
}

static void
test_tar_damaged_members (void)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GByteArray) broken = gray_png (1);
  g_autofree char *path = scratch ("shard-000003.tar");
  g_autoptr(FmDataset) ds = NULL;
  const char *warnings[4] = {
    "shard-000003.tar: nokey: no .jpg, .jpeg or .png member; skipped",
    "shard-000003.tar: n01440764/x.jpg: not a JPEG or PNG picture",
    "shard-000003.tar: bad.cls: “seven” is not a class number (0 to 99999)",
    NULL,
  };
  g_autoptr(GPtrArray) got = NULL;
  Items items;

  tar_add_png (tar, "ok1.png", 1);
  fm_test_tar_add (tar, "nokey.cls", "1", 1);
  fm_test_tar_add (tar, "n01440764/x.jpg", "this is text", 12);
  tar_add_png (tar, "bad.png", 2);
  fm_test_tar_add (tar, "bad.cls", "seven", 5);
  fm_test_tar_add (tar, "cut.png", broken->data, broken->len - 30);
  tar_add_png (tar, "ok2.png", 3);
  fm_test_tar_end (tar);
  g_free (write_tar (path, tar));

  ds = fm_test_open_dataset (path, NULL);
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 5);
  items = read_all (ds);
  /* The damaged samples are skipped: items 0 and 4 come. */
  g_assert_cmpuint (items.indexes->len, ==, 2);
  g_assert_cmpuint (g_array_index (items.indexes, guint64, 0), ==, 0);
  g_assert_cmpuint (g_array_index (items.indexes, guint64, 1), ==, 4);
  assert_gray_image (items.images->pdata[1], 3);
  items_clear (&items);

  got = fm_dataset_dup_warnings (ds);
  for (guint i = 0; i < got->len; i++)
    g_test_message ("warning: %s", (char *) got->pdata[i]);
  g_assert_cmpuint (got->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (got->pdata[i], ==, warnings[i]);
  g_assert_true (g_str_has_prefix (got->pdata[3], "shard-000003.tar: cut.png: "));
}

static void
test_tar_damaged_archive (void)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autofree char *truncated = scratch ("truncated.tar");
  g_autofree char *corrupt = scratch ("corrupt.tar");
  g_autofree char *empty = scratch ("empty.tar");
  g_autoptr(GByteArray) only_text = g_byte_array_new ();
  gsize second;

  tar_add_png (tar, "a.png", 1);
  second = tar->len;
  tar_add_png (tar, "b.png", 2);
  fm_test_tar_end (tar);

  /* Cut inside b.png's data. */
  fm_test_write_bytes (truncated, tar->data, second + 512 + 20);
  open_fails (truncated, NULL, FM_ERROR_INVALID_INPUT, truncated, NULL);

  /* b.png's header checksum no longer matches. */
  tar->data[second + 10] ^= 0x55;
  fm_test_write_bytes (corrupt, tar->data, tar->len);
  open_fails (corrupt, NULL, FM_ERROR_INVALID_INPUT, corrupt, "a.png", NULL);

  /* No sample with a picture. */
  fm_test_tar_add (only_text, "a.txt", "x", 1);
  fm_test_tar_end (only_text);
  fm_test_write_bytes (empty, only_text->data, only_text->len);
  open_fails (empty, NULL, FM_ERROR_INVALID_INPUT, empty, "no samples", NULL);

  /* No member at all: only the end's zero blocks (it was taken for an
   * IDX file, "magic 0x00000000"). */
  {
    g_autoptr(GByteArray) nothing = g_byte_array_new ();
    g_autofree char *bare = scratch ("bare.tar");

    fm_test_tar_end (nothing);
    fm_test_write_bytes (bare, nothing->data, nothing->len);
    open_fails (bare, NULL, FM_ERROR_INVALID_INPUT, bare, "an empty .tar archive", NULL);
  }
}

/* ---- npy arrays ------------------------------------------------------- */

/* Writes @header then @data to @name in the scratch folder. */
static char *
write_npy (const char *name,
           GByteArray *header,
           const void *data,
           gsize       len)
{
  char *path = scratch (name);

  if (len > 0)
    g_byte_array_append (header, data, len);
  fm_test_write_bytes (path, header->data, header->len);
  return path;
}

static void
test_npy_u8 (void)
{
  guint8 data[4 * 2 * 3];
  gint64 labels[4] = { 7, 0, 99999, 3 };
  g_autoptr(GByteArray) h = fm_test_npy_header ("|u1", "(4, 2, 3)", FALSE);
  g_autoptr(GByteArray) lh = fm_test_npy_header ("<i8", "(4,)", FALSE);
  g_autofree char *path = NULL;
  g_autofree char *labels_path = NULL;
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) ds2 = NULL;
  g_autofree char *key = NULL;
  Items items;

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 7);
  path = write_npy ("digits-images.npy", h, data, sizeof data);
  /* Found by the IDX rule: "images" -> "labels" in the name. */
  labels_path = write_npy ("digits-labels.npy", lh, labels, sizeof labels);

  ds = fm_test_open_dataset (path, NULL);
  g_assert_cmpint (fm_dataset_get_kind (ds), ==, FM_DATASET_NPY);
  g_assert_cmpstr (fm_dataset_get_labels_path (ds), ==, labels_path);
  g_assert_true (fm_dataset_has_labels (ds));
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 4);
  g_assert_cmpint (fm_dataset_get_height (ds), ==, 2);
  g_assert_cmpint (fm_dataset_get_width (ds), ==, 3);
  g_assert_null (fm_dataset_get_class_name (ds, 7));
  items = read_all (ds);
  g_assert_cmpuint (items.indexes->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const FmImage *image = items.images->pdata[i];
      g_autofree char *name = fm_dataset_dup_item_name (ds, i);
      g_autofree char *expected = g_strdup_printf ("%u", i);

      g_assert_cmpstr (name, ==, expected);
      g_assert_cmpint (g_array_index (items.labels, int, i), ==, (int) labels[i]);
      g_assert_cmpint (image->channels, ==, 1);
      g_assert_cmpmem (image->pixels, 6, data + 6 * i, 6);
    }
  items_clear (&items);

  /* The key is the SHA-256 of the array's bytes then the labels'. */
  {
    g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
    g_autoptr(GByteArray) h1 = fm_test_npy_header ("|u1", "(4, 2, 3)", FALSE);
    g_autoptr(GByteArray) h2 = fm_test_npy_header ("<i8", "(4,)", FALSE);

    g_checksum_update (sum, h1->data, h1->len);
    g_checksum_update (sum, data, sizeof data);
    g_checksum_update (sum, h2->data, h2->len);
    g_checksum_update (sum, (const guint8 *) labels, sizeof labels);
    key = fm_dataset_dup_content_key (ds, NULL, NULL);
    g_assert_cmpstr (key, ==, g_checksum_get_string (sum));
  }

  ds2 = fm_test_open_dataset (path, NULL);
  g_assert_true (fm_dataset_set_range (ds2, 1, 3, NULL));
  items = read_all (ds2);
  g_assert_cmpuint (items.indexes->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (g_array_index (items.indexes, guint64, i), ==, 1 + i);
      g_assert_cmpint (g_array_index (items.labels, int, i), ==, (int) labels[1 + i]);
      g_assert_cmpmem (((FmImage *) items.images->pdata[i])->pixels, 6, data + 6 * (1 + i), 6);
    }
  items_clear (&items);
}

static void
test_npy_rgb_float (void)
{
  /* [2, 3, 1, 2]: per item the R plane, then G, then B. */
  float data[2 * 3 * 2];
  double data64[2 * 3 * 2];
  gint32 labels[2] = { 5, 6 };
  g_autoptr(GByteArray) h = fm_test_npy_header ("<f4", "(2, 3, 1, 2)", FALSE);
  g_autoptr(GByteArray) h64 = fm_test_npy_header ("<f8", "(2, 3, 1, 2)", FALSE);
  g_autoptr(GByteArray) lh = fm_test_npy_header ("<i4", "(2,)", FALSE);
  g_autofree char *path = NULL;
  g_autofree char *path64 = NULL;
  g_autofree char *labels_path = NULL;
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) ds64 = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  Items items;

  for (int i = 0; i < 12; i++)
    {
      data[i] = (float) (i * 20) / 255.0f;
      data64[i] = (double) (i * 20) / 255.0;
    }
  data[1] = -0.5f;     /* item 0: clamped to 0 */
  data[8] = 1.5f;      /* item 1: clamped to 255 */
  data64[1] = NAN;     /* item 0: NaN reads as 0 */
  path = write_npy ("rgb-f4.npy", h, data, sizeof data);
  path64 = write_npy ("rgb-f8.npy", h64, data64, sizeof data64);
  labels_path = write_npy ("rgb-labels-i4.npy", lh, labels, sizeof labels);

  ds = fm_test_open_dataset (path, labels_path);
  ds64 = fm_test_open_dataset (path64, NULL);
  g_assert_false (fm_dataset_has_labels (ds64));
  for (int pass = 0; pass < 2; pass++)
    {
      items = read_all (pass == 0 ? ds : ds64);
      g_assert_cmpuint (items.indexes->len, ==, 2);
      for (guint n = 0; n < 2; n++)
        {
          const FmImage *image = items.images->pdata[n];

          g_assert_cmpint (image->channels, ==, 3);
          g_assert_cmpint (image->width, ==, 2);
          g_assert_cmpint (image->height, ==, 1);
          g_assert_cmpint (g_array_index (items.labels, int, n), ==,
                           pass == 0 ? labels[n] : -1);
          for (int x = 0; x < 2; x++)
            for (int c = 0; c < 3; c++)
              {
                int k = n * 6 + c * 2 + x;
                int expected = k == 1 ? 0 : (k == 8 && pass == 0) ? 255 : k * 20;

                g_assert_cmpint (image->pixels[x * 3 + c], ==, expected);
              }
        }
      items_clear (&items);
    }
  warnings = fm_dataset_dup_warnings (ds);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (warnings->pdata[0], "2 items"));
  g_assert_nonnull (strstr (warnings->pdata[0], "item 0"));
  g_clear_pointer (&warnings, g_ptr_array_unref);
  warnings = fm_dataset_dup_warnings (ds64);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (warnings->pdata[0], "1 item "));
  /* The NaN is said to be one, and read as 0 (it was called "clamped"). */
  g_assert_nonnull (strstr (warnings->pdata[0], "not a number, read as 0"));
}

/* fm_dataset_select_items (): only the items asked for, in order, the
 * others neither read nor decoded (the broken picture between them gives
 * no warning, which a full read does), and again from the start with
 * other items; an .npy array the same; IDX files refuse it. */
static void
test_select_items (void)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autofree char *path = scratch ("select.tar");
  g_autoptr(FmDataset) ds = NULL;
  g_autoptr(FmDataset) full = NULL;
  const guint64 first[2] = { 1, 3 };
  const guint64 again[3] = { 0, 2, 4 };
  const guint8 seeds[5] = { 10, 20, 0, 40, 50 };
  g_autoptr(GError) error = NULL;
  guint64 index;
  FmImage *image;
  int label;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%d.png", i);

      if (i == 2)
        fm_test_tar_add (tar, name, "not a picture", 13);
      else
        tar_add_png (tar, name, seeds[i]);
    }
  fm_test_tar_end (tar);
  g_free (write_tar (path, tar));

  /* Read in full, the broken s2 is skipped with a warning. */
  full = fm_test_open_dataset (path, NULL);
  {
    Items items = read_all (full);
    g_autoptr(GPtrArray) warnings = fm_dataset_dup_warnings (full);

    g_assert_cmpuint (items.indexes->len, ==, 4);
    g_assert_cmpuint (warnings->len, ==, 1);
    items_clear (&items);
  }

  ds = fm_test_open_dataset (path, NULL);
  g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 5);
  g_assert_true (fm_dataset_select_items (ds, first, 2));
  for (guint k = 0; k < 2; k++)
    {
      g_assert_true (fm_dataset_next (ds, &index, &image, &label, &error));
      g_assert_cmpuint (index, ==, first[k]);
      assert_gray_image (image, seeds[first[k]]);
      fm_image_free (image);
    }
  g_assert_false (fm_dataset_next (ds, &index, &image, &label, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) warnings = fm_dataset_dup_warnings (ds);

    g_assert_cmpuint (warnings->len, ==, 0);
  }
  /* Again, from the start: 0, then 4 (2 is broken: skipped, warned). */
  g_assert_true (fm_dataset_select_items (ds, again, 3));
  g_assert_true (fm_dataset_next (ds, &index, &image, &label, &error));
  g_assert_cmpuint (index, ==, 0);
  assert_gray_image (image, seeds[0]);
  fm_image_free (image);
  g_assert_true (fm_dataset_next (ds, &index, &image, &label, &error));
  g_assert_cmpuint (index, ==, 4);
  assert_gray_image (image, seeds[4]);
  fm_image_free (image);
  g_assert_false (fm_dataset_next (ds, &index, &image, &label, &error));
  g_assert_no_error (error);

  /* An .npy array of four 2 x 3 items: item k's pixels are 10 k + i. */
  {
    guint8 data[4 * 6];
    g_autoptr(GByteArray) h = fm_test_npy_header ("|u1", "(4, 2, 3)", FALSE);
    g_autofree char *npy = NULL;
    g_autoptr(FmDataset) nds = NULL;
    const guint64 two[1] = { 2 };

    for (int i = 0; i < 24; i++)
      data[i] = (guint8) (10 * (i / 6) + i % 6);
    npy = write_npy ("select.npy", h, data, sizeof data);
    nds = fm_test_open_dataset (npy, NULL);
    g_assert_true (fm_dataset_select_items (nds, two, 1));
    g_assert_true (fm_dataset_next (nds, &index, &image, &label, &error));
    g_assert_cmpuint (index, ==, 2);
    g_assert_cmpint (image->width, ==, 3);
    for (int i = 0; i < 6; i++)
      g_assert_cmpint (image->pixels[i], ==, 20 + i);
    fm_image_free (image);
    g_assert_false (fm_dataset_next (nds, &index, &image, &label, &error));
    g_assert_no_error (error);
  }

  /* IDX: read in order only. */
  {
    g_autofree char *digits = g_build_filename (FM_SOURCE_DATADIR, "digits",
                                                "mnist-heldout-images-idx3-ubyte.gz", NULL);
    g_autoptr(FmDataset) idx = fm_test_open_dataset (digits, NULL);

    g_assert_false (fm_dataset_select_items (idx, first, 2));
  }
}

static void
test_npy_threads (void)
{
  g_autoptr(GByteArray) h = fm_test_npy_header ("|u1", "(300, 2, 2)", FALSE);
  g_autofree guint8 *data = g_malloc0 (300 * 4);
  g_autofree char *path = write_npy ("threads.npy", h, data, 300 * 4);
  g_autoptr(FmDataset) ds = fm_test_open_dataset (path, NULL);
  g_autoptr(FmDataset) ds2 = fm_test_open_dataset (path, NULL);

  assert_two_readers (ds, 0, 300);
  g_assert_true (fm_dataset_set_range (ds2, 100, 250, NULL));
  assert_two_readers (ds2, 100, 250);
}

/* Writes an npy of @descr and @shape with @len data bytes (zeros) and
 * expects fm_dataset_open () to fail naming the file and @part. */
static void
npy_refused (const char *descr,
             const char *shape,
             gboolean    fortran,
             gsize       len,
             int         code,
             const char *part)
{
  g_autoptr(GByteArray) h = fm_test_npy_header (descr, shape, fortran);
  g_autofree guint8 *zeros = g_malloc0 (MAX (len, 1));
  g_autofree char *path = write_npy ("refused.npy", h, zeros, len);

  open_fails (path, NULL, code, path, part, NULL);
}

static void
test_npy_bad (void)
{
  g_autoptr(GByteArray) ok = fm_test_npy_header ("|u1", "(2, 2, 2)", FALSE);
  g_autoptr(GByteArray) bad_header = g_byte_array_new ();
  g_autoptr(GByteArray) lh = fm_test_npy_header ("<i2", "(3,)", FALSE);
  g_autoptr(GByteArray) neg = fm_test_npy_header ("<i2", "(2,)", FALSE);
  g_autoptr(GByteArray) fl = fm_test_npy_header ("<f4", "(2,)", FALSE);
  guint8 data[8] = { 0 };
  gint16 three[3] = { 0, 1, 2 };
  gint16 negative[2] = { 1, -4 };
  float floats[2] = { 0, 1 };
  g_autofree char *path = write_npy ("ok-bad.npy", ok, data, sizeof data);
  g_autofree char *labels = write_npy ("labels-3.npy", lh, three, sizeof three);
  g_autofree char *neg_path = write_npy ("labels-neg.npy", neg, negative, sizeof negative);
  g_autofree char *fl_path = write_npy ("labels-float.npy", fl, floats, sizeof floats);
  g_autofree char *bad = NULL;

  npy_refused ("|u1", "(2, 2, 2)", TRUE, 8, FM_ERROR_INVALID_INPUT, "Fortran");
  npy_refused (">f4", "(2, 2, 2)", FALSE, 32, FM_ERROR_INVALID_INPUT, "big-endian");
  npy_refused ("|O", "(2, 2, 2)", FALSE, 64, FM_ERROR_INVALID_INPUT, "Python objects");
  npy_refused ("<i4", "(2, 2, 2)", FALSE, 32, FM_ERROR_INVALID_INPUT, "uint8");
  npy_refused ("|u1", "(8,)", FALSE, 8, FM_ERROR_INVALID_INPUT, "[N, C, H, W]");
  npy_refused ("|u1", "(2, 2, 2, 3)", FALSE, 24, FM_ERROR_INVALID_INPUT, "transpose");
  npy_refused ("|u1", "(1, 2, 2, 2)", FALSE, 8, FM_ERROR_INVALID_INPUT, "2 channels");
  npy_refused ("|u1", "(0, 2, 2)", FALSE, 0, FM_ERROR_INVALID_INPUT, "no pictures");
  npy_refused ("|u1", "(2, 2, 2)", FALSE, 7, FM_ERROR_INVALID_INPUT, "truncated");
  npy_refused ("|u1", "(2, 2, 2)", FALSE, 9, FM_ERROR_INVALID_INPUT, "extra bytes");
  /* Huge declared shapes: refused by the limits, nothing allocated. */
  npy_refused ("|u1", "(1000000000000, 28, 28)", FALSE, 8, FM_ERROR_LIMIT, "limits");
  npy_refused ("<f8", "(1, 3, 100000, 100000)", FALSE, 8, FM_ERROR_LIMIT, "limits");
  npy_refused ("|u1", "(99999999999999999999, 1, 1)", FALSE, 8, FM_ERROR_LIMIT, "64 bits");

  g_byte_array_append (bad_header, (const guint8 *) "\x93NUMPY\x01\x00\x08\x00{'descr'", 18);
  bad = write_npy ("bad-header.npy", bad_header, NULL, 0);
  open_fails (bad, NULL, FM_ERROR_INVALID_INPUT, bad, "malformed npy header", NULL);

  open_fails (path, labels, FM_ERROR_INVALID_INPUT, labels, "not [2]", NULL);
  open_fails (path, fl_path, FM_ERROR_INVALID_INPUT, fl_path, "integers", NULL);

  /* A label that is no class number stops the reading at its item. */
  {
    g_autoptr(FmDataset) ds = fm_test_open_dataset (path, neg_path);
    g_autoptr(GError) error = NULL;
    int label = -2;

    g_assert_true (fm_dataset_next (ds, NULL, NULL, &label, &error));
    g_assert_cmpint (label, ==, 1);
    g_assert_false (fm_dataset_next (ds, NULL, NULL, &label, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, neg_path));
    g_assert_nonnull (strstr (error->message, "-4 of item 1"));
    g_clear_error (&error);
    /* Sticky. */
    g_assert_false (fm_dataset_next (ds, NULL, NULL, &label, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/dataset-formats/class-folders/labels", test_class_folders);
  g_test_add_func ("/engine/dataset-formats/class-folders/flat", test_class_folders_flat);
  g_test_add_func ("/engine/dataset-formats/folder/range", test_folder_range);
  g_test_add_func ("/engine/dataset-formats/tar/good", test_tar_good);
  g_test_add_func ("/engine/dataset-formats/tar/shards", test_tar_shards);
  g_test_add_func ("/engine/dataset-formats/tar/threads", test_tar_threads);
  g_test_add_func ("/engine/dataset-formats/tar/damaged-members", test_tar_damaged_members);
  g_test_add_func ("/engine/dataset-formats/tar/damaged-archive", test_tar_damaged_archive);
  g_test_add_func ("/engine/dataset-formats/npy/u8", test_npy_u8);
  g_test_add_func ("/engine/dataset-formats/npy/rgb-float", test_npy_rgb_float);
  g_test_add_func ("/engine/dataset-formats/npy/threads", test_npy_threads);
  g_test_add_func ("/engine/dataset-formats/select-items", test_select_items);
  g_test_add_func ("/engine/dataset-formats/npy/bad", test_npy_bad);

  return g_test_run ();
}
