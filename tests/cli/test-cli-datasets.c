/* test-cli-datasets.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps scan` on the bundled dying model over the bundled 2,000
 * held-out digits stored in every dataset format: the IDX file itself, a
 * WebDataset .tar shard of PNGs with .cls labels, a folder of class
 * folders, an .npy array of uint8 [N, H, W] and one of float32
 * [N, 1, H, W] (pixel / 255). The pixels are the same, so every layer's
 * zero and fire counts and maxima must equal the IDX scan's exactly; and
 * `atlas` reads its top images back from the shard and the array. The
 * files are built here from the IDX bytes (gunzipped with zlib, the header
 * parsed by hand), the PNGs by libpng, the tar and .npy byte by byte.
 */
#include "config.h"

#include "fm-test-archive.h"
#include "fm-test-cli.h"
#include "fm-test-files.h"
#include "fm-test-image.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <zlib.h>

#define N_DIGITS 2000
#define SIDE     28

static const char *binary;
static const char *cache_dir;
static guint8 *pixels;   /* [N_DIGITS, SIDE, SIDE] */
static guint8 *labels;   /* [N_DIGITS] */

/* `BINARY ARGS...` is refused: fm_test_cli_assert_refused (). */
#define refused(path, what, ...) \
  fm_test_cli_assert_refused (binary, path, what, FM_TEST_CLI_ARGS (__VA_ARGS__))

/* The bytes of the gzip file @relative under data/digits, without its
 * IDX header of @header bytes; asserts the size. */
static guint8 *
read_digits_file (const char *relative,
                  gsize       header,
                  gsize       len)
{
  g_autofree char *path = g_build_filename (FM_SOURCE_DATADIR, "digits", relative, NULL);
  g_autofree guint8 *buf = g_malloc (header + len + 1);
  gzFile gz = gzopen (path, "rb");

  g_assert_nonnull (gz);
  g_assert_cmpint (gzread (gz, buf, (unsigned) (header + len + 1)), ==, (int) (header + len));
  gzclose (gz);
  return g_memdup2 (buf + header, len);
}

/* The JSON of `scan mnist-cnn-dying DATASET --json --no-cache`. */
static JsonParser *
scan_json (const char *dataset)
{
  g_autofree char *out = NULL, *err = NULL;
  JsonParser *parser = json_parser_new ();
  int status = fm_test_cli_run (binary, "scan",
                                (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                                &out, &err, NULL,
                                FM_TEST_CLI_ARGS ("mnist-cnn-dying", dataset, "--json",
                                                  "--no-cache", NULL));

  if (status != 0)
    g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  fm_test_cli_parse_object (parser, out);
  return parser;
}

/* Every layer's zero_count, fire_count and max of @a and @b are equal. */
static void
assert_same_counts (JsonParser *a,
                    JsonParser *b)
{
  JsonObject *oa = json_node_get_object (json_parser_get_root (a));
  JsonObject *ob = json_node_get_object (json_parser_get_root (b));
  JsonArray *la = json_object_get_array_member (oa, "layers");
  JsonArray *lb = json_object_get_array_member (ob, "layers");
  const char *arrays[] = { "zero_count", "fire_count", "max" };
  guint dead = 0;

  g_assert_cmpint (json_object_get_int_member (ob, "images"), ==, N_DIGITS);
  g_assert_cmpuint (json_array_get_length (la), ==, json_array_get_length (lb));
  for (guint l = 0; l < json_array_get_length (la); l++)
    {
      JsonObject *xa = json_array_get_object_element (la, l);
      JsonObject *xb = json_array_get_object_element (lb, l);

      for (guint k = 0; k < G_N_ELEMENTS (arrays); k++)
        {
          JsonArray *va = json_object_get_array_member (xa, arrays[k]);
          JsonArray *vb = json_object_get_array_member (xb, arrays[k]);

          g_assert_cmpuint (json_array_get_length (va), ==, json_array_get_length (vb));
          for (guint c = 0; c < json_array_get_length (va); c++)
            {
              g_assert_cmpfloat (json_array_get_double_element (va, c), ==,
                                 json_array_get_double_element (vb, c));
              if (k == 1 && json_array_get_int_element (va, c) == 0)
                dead++;
            }
        }
    }
  /* The dying model has dead channels: the comparison is not vacuous. */
  g_assert_cmpuint (dead, >, 0);
}

static GByteArray *
digit_png (guint i)
{
  return fm_test_encode_png (SIDE, SIDE, PNG_COLOR_TYPE_GRAY, 8, pixels + i * SIDE * SIDE,
                             NULL, 0, NULL, 0);
}

static void
test_formats (void)
{
  g_autofree char *idx = g_build_filename (FM_SOURCE_DATADIR, "digits",
                                           "mnist-heldout-images-idx3-ubyte.gz", NULL);
  g_autofree char *tar_path = g_build_filename (fm_test_scratch (), "digits.tar", NULL);
  g_autofree char *npy_path = g_build_filename (fm_test_scratch (), "digits-images.npy", NULL);
  g_autofree char *npy_labels = g_build_filename (fm_test_scratch (), "digits-labels.npy",
                                                  NULL);
  g_autofree char *f32_path = g_build_filename (fm_test_scratch (), "digits-f32.npy", NULL);
  g_autofree char *classes = fm_test_fresh_dir (fm_test_scratch (), "digit-classes");
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GByteArray) npy = fm_test_npy_header ("|u1", "(2000, 28, 28)", FALSE);
  g_autoptr(GByteArray) lnpy = fm_test_npy_header ("|u1", "(2000,)", FALSE);
  g_autoptr(GByteArray) f32 = fm_test_npy_header ("<f4", "(2000, 1, 28, 28)", FALSE);
  g_autoptr(JsonParser) want = NULL;
  const char *datasets[4] = { tar_path, classes, npy_path, f32_path };

  for (guint i = 0; i < N_DIGITS; i++)
    {
      g_autoptr(GByteArray) png = digit_png (i);
      g_autofree char *name = g_strdup_printf ("%04u.png", i);
      g_autofree char *cls_name = g_strdup_printf ("%04u.cls", i);
      g_autofree char *cls = g_strdup_printf ("%u", labels[i]);
      g_autofree char *dir = g_strdup_printf ("%s/class-%u", classes, labels[i]);
      g_autofree char *file = g_build_filename (dir, name, NULL);

      fm_test_tar_add (tar, name, png->data, png->len);
      fm_test_tar_add (tar, cls_name, cls, strlen (cls));
      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      fm_test_write_bytes (file, png->data, png->len);
      for (guint p = 0; p < SIDE * SIDE; p++)
        {
          float v = (float) pixels[i * SIDE * SIDE + p] / 255.0f;

          g_byte_array_append (f32, (const guint8 *) &v, 4);
        }
    }
  fm_test_tar_end (tar);
  fm_test_write_bytes (tar_path, tar->data, tar->len);
  g_byte_array_append (npy, pixels, N_DIGITS * SIDE * SIDE);
  fm_test_write_bytes (npy_path, npy->data, npy->len);
  g_byte_array_append (lnpy, labels, N_DIGITS);
  fm_test_write_bytes (npy_labels, lnpy->data, lnpy->len);
  fm_test_write_bytes (f32_path, f32->data, f32->len);

  want = scan_json (idx);
  for (guint d = 0; d < G_N_ELEMENTS (datasets); d++)
    {
      g_autoptr(JsonParser) got = scan_json (datasets[d]);

      g_test_message ("%s", datasets[d]);
      assert_same_counts (want, got);
    }

  /* The atlas reads its top images back from a shard and an array. */
  for (guint d = 0; d < G_N_ELEMENTS (datasets); d += 2)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_autofree char *pdf = g_build_filename (fm_test_scratch (), "atlas.pdf", NULL);
      int status;

      g_unlink (pdf);
      status = fm_test_cli_run (binary, "atlas",
                                (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                                &out, &err, NULL,
                                FM_TEST_CLI_ARGS ("mnist-cnn-dying", datasets[d], "-o", pdf,
                                                  NULL));
      if (status != 0)
        g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 0);
      g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
    }
}

/* Damaged shards and arrays: exit 1 with the file and the reason. */
static void
test_damaged (void)
{
  g_autofree char *tar_path = g_build_filename (fm_test_scratch (), "cut.tar", NULL);
  g_autofree char *npy_path = g_build_filename (fm_test_scratch (), "nhwc.npy", NULL);
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GByteArray) npy = fm_test_npy_header ("|u1", "(2, 28, 28, 3)", FALSE);
  g_autoptr(GByteArray) png = digit_png (0);
  const char *paths[2] = { tar_path, npy_path };
  const char *reasons[2] = { "truncated", "channels-last" };

  fm_test_tar_add (tar, "a.png", png->data, png->len);
  fm_test_tar_add (tar, "b.png", png->data, png->len);
  fm_test_write_bytes (tar_path, tar->data, tar->len - 100);
  g_byte_array_set_size (npy, npy->len + 2 * 28 * 28 * 3);
  fm_test_write_bytes (npy_path, npy->data, npy->len);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status = fm_test_cli_run (binary, "scan",
                                    (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                                    &out, &err, NULL,
                                    FM_TEST_CLI_ARGS ("mnist-cnn-dying", paths[i], "--no-cache",
                                                      NULL));

      g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (strstr (err, paths[i]));
      g_assert_nonnull (strstr (err, reasons[i]));
    }
}

/* A float array with a value outside [0, 1]: the scan says so as a
 * warning, and nothing was skipped (both images counted), so the line is
 * not headed "Skipped". */
static void
test_clamp_warning (void)
{
  g_autofree char *path = g_build_filename (fm_test_scratch (), "outside.npy", NULL);
  g_autoptr(GByteArray) npy = fm_test_npy_header ("<f4", "(2, 1, 28, 28)", FALSE);
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint warnings = 0;
  int status;

  for (guint p = 0; p < 2 * SIDE * SIDE; p++)
    {
      float v = p == SIDE * SIDE + 5 ? 1.5f : (float) pixels[p] / 255.0f;

      g_byte_array_append (npy, (const guint8 *) &v, 4);
    }
  fm_test_write_bytes (path, npy->data, npy->len);
  status = fm_test_cli_run (binary, "scan",
                            (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                            &out, &err, NULL,
                            FM_TEST_CLI_ARGS ("mnist-cnn", path, "--no-cache", NULL));
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  fm_test_assert_contains (out, "Scanned 2 images", NULL);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "1 item had values outside 0 to 1") != NULL)
      {
        g_assert_true (g_str_has_prefix (lines[i], "Warning: "));
        g_assert_nonnull (strstr (lines[i], "(the first: item 1)"));
        warnings++;
      }
  g_assert_cmpuint (warnings, ==, 1);
}

/* Writes the first @n digits as one-sample shards @dir/s-000.tar, ... */
static void
write_shards (const char *dir,
              guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GByteArray) tar = g_byte_array_new ();
      g_autoptr(GByteArray) png = digit_png (i);
      g_autofree char *name = g_strdup_printf ("s-%03u.tar", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      fm_test_tar_add (tar, "a.png", png->data, png->len);
      fm_test_tar_end (tar);
      fm_test_write_bytes (path, tar->data, tar->len);
    }
}

/* An output that is a file the dataset reads without its being named is
 * refused like a named input (exit 2, the file as it was): the labels
 * found next to IDX images or an .npy array, a picture of a folder (told
 * by its bytes: "fig.pdf" holds a PNG), a shard of brace notation or of a
 * folder. So is a PNG written into a folder dataset, which its next scan
 * would read; a CSV there is no picture and is written. Each was written
 * over, or into the folder, before: the check compared the outputs with
 * the arguments as typed. */
static void
test_output_is_found_input (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "found-inputs");
  g_autofree char *pics = fm_test_fresh_dir (dir, "pics");
  g_autofree char *shards = fm_test_fresh_dir (dir, "shards");
  g_autofree char *src_images = g_build_filename (FM_SOURCE_DATADIR, "digits",
                                                  "mnist-heldout-images-idx3-ubyte.gz", NULL);
  g_autofree char *src_labels = g_build_filename (FM_SOURCE_DATADIR, "digits",
                                                  "mnist-heldout-labels-idx1-ubyte.gz", NULL);
  g_autofree char *images = g_build_filename (dir, "x-images-idx3-ubyte.gz", NULL);
  g_autofree char *labels_idx = g_build_filename (dir, "x-labels-idx1-ubyte.gz", NULL);
  g_autofree char *npy = g_build_filename (dir, "y-images.npy", NULL);
  g_autofree char *labels_npy = g_build_filename (dir, "y-labels.npy", NULL);
  g_autofree char *pic = g_build_filename (pics, "a.png", NULL);
  g_autofree char *fig = g_build_filename (pics, "fig.pdf", NULL);
  g_autofree char *new_png = g_build_filename (pics, "timeline.png", NULL);
  g_autofree char *new_csv = g_build_filename (pics, "scan.csv", NULL);
  g_autofree char *braces = g_build_filename (shards, "s-{000..001}.tar", NULL);
  g_autofree char *shard = g_build_filename (shards, "s-001.tar", NULL);
  g_autoptr(GByteArray) header = fm_test_npy_header ("|u1", "(2, 28, 28)", FALSE);
  g_autoptr(GByteArray) lheader = fm_test_npy_header ("|u1", "(2,)", FALSE);
  static const char input[] = "is also an input";

  fm_test_copy_file (src_images, images);
  fm_test_copy_file (src_labels, labels_idx);
  g_byte_array_append (header, pixels, 2 * SIDE * SIDE);
  fm_test_write_bytes (npy, header->data, header->len);
  g_byte_array_append (lheader, labels, 2);
  fm_test_write_bytes (labels_npy, lheader->data, lheader->len);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GByteArray) png = digit_png (i);

      fm_test_write_bytes (i == 0 ? pic : fig, png->data, png->len);
    }
  write_shards (shards, 2);

  refused (labels_idx, input, "scan", "mnist-cnn", images, "--csv", labels_idx, NULL);
  refused (labels_idx, input, "prune", "mnist-cnn", images, "-o", labels_idx, NULL);
  refused (labels_npy, input, "scan", "mnist-cnn", npy, "-o", labels_npy, NULL);
  refused (pic, input, "scan", "mnist-cnn", pics, "--csv", pic, NULL);
  refused (fig, input, "atlas", "mnist-cnn", pics, "-o", fig, NULL);
  refused (shard, input, "scan", "mnist-cnn", braces, "-o", shard, NULL);
  refused (shard, input, "scan", "mnist-cnn", shards, "--csv", shard, NULL);
  refused (new_png, "is in the dataset's folder", "timeline", "mnist-cnn", "--dataset", pics,
           "-o", new_png, NULL);

  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (fm_test_cli_run (binary, "scan",
                                      (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                                      &out, &err, NULL,
                                      FM_TEST_CLI_ARGS ("mnist-cnn", pics, "--no-cache",
                                                        "--csv", new_csv, NULL)), ==, 0);
    g_assert_true (g_file_test (new_csv, G_FILE_TEST_IS_REGULAR));
  }
}

/* A scan that stops part-way (here a gzipped IDX file whose header says
 * 2000 images and which holds 50) writes no --csv, keeping an earlier
 * complete one, and says so; -o writes the JSON marked partial, 50
 * images. The CSV was written as if the scan were complete, replacing the
 * earlier one. */
static void
test_partial_no_csv (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "partial");
  g_autofree char *images = g_build_filename (dir, "short-images-idx3-ubyte.gz", NULL);
  g_autofree char *csv = g_build_filename (dir, "scan.csv", NULL);
  g_autofree char *json = g_build_filename (dir, "scan.json", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  /* magic 0x00000803, N = 2000, 28, 28: big-endian int32s */
  static const guint8 header[16] = { 0, 0, 8, 3, 0, 0, 0x07, 0xd0, 0, 0, 0, 28, 0, 0, 0, 28 };
  gzFile gz = gzopen (images, "wb");
  JsonObject *o;
  int status;

  g_assert_nonnull (gz);
  g_assert_cmpint (gzwrite (gz, header, sizeof header), ==, sizeof header);
  g_assert_cmpint (gzwrite (gz, pixels, 50 * SIDE * SIDE), ==, 50 * SIDE * SIDE);
  g_assert_cmpint (gzclose (gz), ==, Z_OK);
  g_assert_true (g_file_set_contents (csv, "complete\n", -1, NULL));

  status = fm_test_cli_run (binary, "scan", (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                            &out, &err, NULL,
                            FM_TEST_CLI_ARGS ("mnist-cnn", images, "--no-cache", "--csv", csv,
                                              "-o", json, NULL));
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 1);
  fm_test_assert_file_is (csv, "complete\n");
  fm_test_assert_contains (err, csv, "not written: the scan is partial", "truncated", NULL);
  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  o = fm_test_cli_parse_object (parser, text);
  g_assert_true (json_object_get_boolean_member (o, "partial"));
  g_assert_cmpint (json_object_get_int_member (o, "images"), ==, 50);
}

/* Runs `scan mnist-cnn @dataset --no-cache ARGS...`; returns the exit
 * status. */
#define run_scan(dataset, out, err, ...) \
  fm_test_cli_run (binary, "scan", (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL }, \
                   out, err, NULL, \
                   FM_TEST_CLI_ARGS ("mnist-cnn", dataset, "--no-cache", __VA_ARGS__))

/* A folder whose files are named as pictures and are none: the error
 * names them, the first three and how many there are, in the order of
 * their names (it said "no PNG or JPEG pictures in this folder" though it
 * had found why). */
static void
test_no_pictures_reasons (void)
{
  g_autofree char *two = fm_test_fresh_dir (fm_test_scratch (), "two-fakes");
  g_autofree char *five = fm_test_fresh_dir (fm_test_scratch (), "five-fakes");
  const char *names[] = { "e.png", "b.jpg", "a.png", "d.jpeg", "c.png" };
  g_autofree char *want_two = g_strdup_printf (
    "feature-maps: %s: no usable PNG or JPEG pictures in this folder or below it; 2 files "
    "skipped: a.png: not a JPEG or PNG picture; b.jpg: not a JPEG or PNG picture\n", two);
  g_autofree char *want_five = g_strdup_printf (
    "feature-maps: %s: no usable PNG or JPEG pictures in this folder or below it; 5 files "
    "skipped: a.png: not a JPEG or PNG picture; b.jpg: not a JPEG or PNG picture; c.png: not "
    "a JPEG or PNG picture; …\n", five);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (five, names[i], NULL);

      g_assert_true (g_file_set_contents (path, "text\n", -1, NULL));
      if (i == 1 || i == 2)
        {
          g_autofree char *other = g_build_filename (two, names[i], NULL);

          g_assert_true (g_file_set_contents (other, "text\n", -1, NULL));
        }
    }
  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *out = NULL, *err = NULL;

      g_assert_cmpint (run_scan (k == 0 ? two : five, &out, &err, NULL), ==, 1);
      g_assert_cmpstr (err, ==, k == 0 ? want_two : want_five);
    }
}

/* A folder of shards as WebDataset users keep them: two .tar shards and
 * a .tar.gz one beside a README and img2dataset's _stats.json and
 * .parquet files, which are ignored: 3 samples, one a shard. It said "no
 * PNG or JPEG pictures in this folder". A file named .tar that is none is
 * an error naming it, not a shard left out. */
static void
test_shard_folder_extras (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "shards-extras");
  g_autofree char *gz_path = g_build_filename (dir, "s-002.tar.gz", NULL);
  g_autofree char *junk = g_build_filename (dir, "s-003.tar", NULL);
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GByteArray) png = digit_png (2);
  const char *extras[] = { "README", "00000_stats.json", "00000.parquet" };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  gzFile gz;

  write_shards (dir, 2);
  fm_test_tar_add (tar, "c.png", png->data, png->len);
  fm_test_tar_end (tar);
  gz = gzopen (gz_path, "wb");
  g_assert_nonnull (gz);
  g_assert_cmpint (gzwrite (gz, tar->data, tar->len), ==, (int) tar->len);
  g_assert_cmpint (gzclose (gz), ==, Z_OK);
  for (guint i = 0; i < G_N_ELEMENTS (extras); i++)
    {
      g_autofree char *path = g_build_filename (dir, extras[i], NULL);

      g_assert_true (g_file_set_contents (path, "not a shard\n", -1, NULL));
    }

  g_assert_cmpint (run_scan (dir, &out, &err, "--json", NULL), ==, 0);
  o = fm_test_cli_parse_object (parser, out);
  g_assert_cmpint (json_object_get_int_member (o, "images"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "warnings")), ==, 0);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_set_contents (junk, "not a shard\n", -1, NULL));
  g_assert_cmpint (run_scan (dir, &out, &err, NULL), ==, 1);
  fm_test_assert_contains (err, junk, "not a tar file", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  binary = argv[1];
  cache_dir = fm_test_scratch ();
  pixels = read_digits_file ("mnist-heldout-images-idx3-ubyte.gz", 16,
                             N_DIGITS * SIDE * SIDE);
  labels = read_digits_file ("mnist-heldout-labels-idx1-ubyte.gz", 8, N_DIGITS);

  g_test_add_func ("/cli/datasets/same-counts", test_formats);
  g_test_add_func ("/cli/datasets/damaged", test_damaged);
  g_test_add_func ("/cli/datasets/clamp-warning", test_clamp_warning);
  g_test_add_func ("/cli/datasets/output-is-found-input", test_output_is_found_input);
  g_test_add_func ("/cli/datasets/partial-no-csv", test_partial_no_csv);
  g_test_add_func ("/cli/datasets/no-pictures-reasons", test_no_pictures_reasons);
  g_test_add_func ("/cli/datasets/shard-folder-extras", test_shard_folder_extras);

  return g_test_run ();
}
