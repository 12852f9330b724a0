/* test-limits-io.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of DESIGN.md's limits table for input files (images, IDX
 * datasets, npy, preprocessing metadata) and scan options, each at its
 * boundary; part of test-limits.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "fm-dataset.h"
#include "fm-error.h"
#include "fm-image.h"
#include "fm-npy.h"
#include "fm-preprocess.h"
#include "fm-scan.h"
#include "fm-test-files.h"
#include "fm-test-image.h"
#include "fm-test-onnx.h"
#include "test-limits.h"

/* ---- helpers ------------------------------------------------------------ */

/* zlib or gzip compression of @data, through GIO (not the engine's zlib
 * reader). */
static GByteArray *
compress (const guint8          *data,
          gsize                  len,
          GZlibCompressorFormat  format)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (format, 9);
  GByteArray *out = g_byte_array_new ();
  gsize in_pos = 0;

  for (;;)
    {
      guint8 buf[4096];
      gsize read = 0, written = 0;
      g_autoptr(GError) error = NULL;
      GConverterResult r;

      r = g_converter_convert (G_CONVERTER (z), data + in_pos, len - in_pos,
                               buf, sizeof buf, G_CONVERTER_INPUT_AT_END,
                               &read, &written, &error);
      g_assert_no_error (error);
      in_pos += read;
      g_byte_array_append (out, buf, (guint) written);
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  return out;
}

/* ---- fm-image.c --------------------------------------------------------- */

/* An 8-bit gray PNG of @w x @h whose IDAT holds @rows (filter byte 0 and
 * w bytes per row; NULL for an IDAT of a few junk bytes). */
static GByteArray *
gray_png (guint32       w,
          guint32       h,
          const guint8 *rows,
          gsize         rows_len)
{
  GByteArray *png = fm_test_gray_png_head (w, h);

  if (rows != NULL)
    {
      g_autoptr(GByteArray) z = compress (rows, rows_len,
                                          G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
      fm_test_png_chunk (png, "IDAT", z->data, z->len);
    }
  else
    fm_test_png_chunk (png, "IDAT", (const guint8 *) "\x78\x9c\x01\x00", 4);
  fm_test_png_chunk (png, "IEND", NULL, 0);
  return png;
}

/* fm_image_load_bytes() of @bytes, named @name, with the default pixel
 * limit returns NULL: when @over_limit with FM_ERROR_LIMIT, otherwise with
 * another error from past the limit check (expect_past_limit()); either
 * way the message holds @fragment. */
static void
expect_load_fails (GByteArray *bytes,
                   const char *name,
                   gboolean    over_limit,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmImage) img = fm_image_load_bytes (bytes->data, bytes->len, name,
                                                0, &error);

  g_assert_null (img);
  fm_test_expect_limit_or_past (error, over_limit ? FM_ERROR_LIMIT : FM_ERROR_INVALID_INPUT,
                                fragment);
}

static void
test_image_pixels (void)
{
  /* 3 x 2: filter 0 then the pixels of each row */
  static const guint8 rows[] = { 0, 10, 20, 30, 0, 40, 50, 60 };
  g_autoptr(GByteArray) small = gray_png (3, 2, rows, sizeof rows);
  g_autoptr(GByteArray) at = gray_png (8000, 8000, NULL, 0);
  g_autoptr(GByteArray) over = gray_png (8000, 8001, NULL, 0);
  g_autoptr(GError) error = NULL;

  /* caller's max_pixels: 6 = 3 x 2 */
  {
    g_autoptr(FmImage) img = fm_image_load_bytes (small->data, small->len,
                                                  "small.png", 6, &error);

    g_assert_no_error (error);
    g_assert_cmpint (img->width, ==, 3);
    g_assert_cmpint (img->height, ==, 2);
    g_assert_cmpint (img->channels, ==, 1);
    g_assert_cmpuint (img->pixels[0], ==, 10);
    g_assert_cmpuint (img->pixels[5], ==, 60);
  }
  {
    g_autoptr(FmImage) img = fm_image_load_bytes (small->data, small->len,
                                                  "small.png", 5, &error);

    g_assert_null (img);
    fm_test_expect_error (error, FM_ERROR_LIMIT,
                          "small.png: the picture is 3 x 2 pixels, above the limit of 5"
                          " pixels");
    g_clear_error (&error);
  }

  /* The default, 64,000,000 pixels, from the header alone: 8000 x 8000
   * passes (and then lacks its pixel data), 8000 x 8001 does not. */
  expect_load_fails (at, "at.png", FALSE, "at.png: invalid PNG");
  expect_load_fails (over, "over.png", TRUE,
                     "over.png: the picture is 8000 x 8001 pixels, above the limit"
                     " of 64000000 pixels");

  /* fm_image_new() takes the same limit */
  {
    g_autoptr(FmImage) img = fm_image_new (3, 2, 1, 6, &error);

    g_assert_no_error (error);
    g_assert_nonnull (img);
  }
  {
    g_autoptr(FmImage) img = fm_image_new (3, 2, 1, 5, &error);

    g_assert_null (img);
    fm_test_expect_error (error, FM_ERROR_LIMIT, "3 x 2 image is outside the limit");
  }
}

/* SOI, SOF0 (8-bit, @w x @h, one component), SOS: a header and nothing
 * else, no tables and no scan data. */
static GByteArray *
jpeg_header (guint16 w,
             guint16 h)
{
  GByteArray *j = g_byte_array_new ();
  guint8 sof[] = { 0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01,
                   0x01, 0x11, 0x00 };
  static const guint8 sos[] = { 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00,
                                0x00, 0x3f, 0x00 };

  sof[5] = h >> 8;
  sof[6] = h & 0xff;
  sof[7] = w >> 8;
  sof[8] = w & 0xff;
  g_byte_array_append (j, (const guint8 *) "\xff\xd8", 2);
  g_byte_array_append (j, sof, sizeof sof);
  g_byte_array_append (j, sos, sizeof sos);
  return j;
}

static void
test_image_pixels_jpeg (void)
{
  g_autoptr(GByteArray) at = jpeg_header (8000, 8000);
  g_autoptr(GByteArray) over = jpeg_header (8000, 8001);

  expect_load_fails (at, "at.jpg", FALSE, "at.jpg: invalid JPEG");
  expect_load_fails (over, "over.jpg", TRUE,
                     "over.jpg: the picture is 8000 x 8001 pixels, above the limit"
                     " of 64000000 pixels");
}

/* ---- fm-dataset.c ------------------------------------------------------- */

static GByteArray *
idx_header (guint32 n,
            guint32 h,
            guint32 w)
{
  GByteArray *b = g_byte_array_new ();
  guint8 head[16];

  fm_test_put_be32 (head, 0x00000803);
  fm_test_put_be32 (head + 4, n);
  fm_test_put_be32 (head + 8, h);
  fm_test_put_be32 (head + 12, w);
  g_byte_array_append (b, head, 16);
  return b;
}

static void
test_idx_counts (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autoptr(GError) error = NULL;
  struct
  {
    guint32     n, h, w;
    int         code;
    const char *fragment;
  } cases[] = {
    /* 100,000,000 items of 1 x 1 pass the count, then the file is short */
    { 100000000, 1, 1, FM_ERROR_INVALID_INPUT,
      "the header promises 100000016 bytes but the file has 16" },
    { 100000001, 1, 1, FM_ERROR_LIMIT,
      "the IDX header gives 100000001 items, above the limit of 100000000" },
    /* 8000 x 8000 = 64,000,000 pixels pass; 8000 x 8001 do not */
    { 1, 8000, 8000, FM_ERROR_INVALID_INPUT,
      "the header promises 64000016 bytes but the file has 16" },
    { 1, 8000, 8001, FM_ERROR_LIMIT,
      "the IDX header gives items of 8000 x 8001 pixels, above the limit of"
      " 64000000 pixels" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) b = idx_header (cases[i].n, cases[i].h, cases[i].w);
      g_autofree char *path = fm_test_write_file (dir, "items.idx", b->data, b->len);
      g_autoptr(FmDataset) ds = fm_dataset_open (path, NULL, &error);

      g_assert_null (ds);
      fm_test_expect_limit_or_past (error, cases[i].code, cases[i].fragment);
      g_assert_nonnull (strstr (error->message, path));
      g_clear_error (&error);
    }
  fm_test_remove_tree (dir);
}

/* fm_dataset_open (@images, @labels) fails with @code and a message
 * holding @fragment. */
static void
open_fails (const char *images,
            const char *labels,
            int         code,
            const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmDataset) ds = fm_dataset_open (images, labels, &error);

  g_assert_null (ds);
  fm_test_expect_error (error, code, fragment);
}

/* Opens the images @path, which must succeed, and reads items until
 * fm_dataset_next () stops: how many it read; its error in @error. */
static int
count_items (const char  *path,
             GError     **error)
{
  g_autoptr(FmDataset) ds = fm_dataset_open (path, NULL, error);
  guint64 index;
  int n = 0;

  g_assert_no_error (*error);
  while (fm_dataset_next (ds, &index, NULL, NULL, error))
    n++;
  return n;
}

static void
test_idx_plain_size (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) b = idx_header (3, 2, 2);
  g_autofree char *exact = NULL;
  g_autofree char *shorter = NULL;
  guint8 label_head[8];
  guint8 labels[8 + 3];
  g_autofree char *lab_exact = NULL;
  g_autofree char *lab_short = NULL;

  /* 16 + 3 * 4 = 28 bytes */
  for (guint8 i = 0; i < 12; i++)
    g_byte_array_append (b, &i, 1);
  exact = fm_test_write_file (dir, "exact.idx", b->data, b->len);
  shorter = fm_test_write_file (dir, "short.idx", b->data, b->len - 1);

  fm_test_put_be32 (label_head, 0x00000801);
  fm_test_put_be32 (label_head + 4, 3);
  memcpy (labels, label_head, 8);
  labels[8] = 7;
  labels[9] = 8;
  labels[10] = 9;
  lab_exact = fm_test_write_file (dir, "exact-labels.idx", labels, sizeof labels);
  lab_short = fm_test_write_file (dir, "short-labels.idx", labels, sizeof labels - 1);

  {
    g_autoptr(FmDataset) ds = fm_dataset_open (exact, lab_exact, &error);
    g_autoptr(FmImage) img = NULL;
    guint64 index = 99;
    int label = -1;
    int n = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (fm_dataset_get_n_items (ds), ==, 3);
    while (fm_dataset_next (ds, &index, &img, &label, &error))
      {
        g_assert_cmpuint (index, ==, (guint64) n);
        g_assert_cmpint (label, ==, 7 + n);
        g_assert_cmpuint (img->pixels[0], ==, 4 * n);
        g_clear_pointer (&img, fm_image_free);
        n++;
      }
    g_assert_no_error (error);
    g_assert_cmpint (n, ==, 3);
  }
  open_fails (shorter, NULL, FM_ERROR_INVALID_INPUT,
              "short.idx: truncated at item 2 of 3: the header promises 28 bytes but the file "
              "has 27");
  open_fails (exact, lab_short, FM_ERROR_INVALID_INPUT,
              "short-labels.idx: truncated at label 2 of 3: the header promises 11 bytes but "
              "the file has 10");
  fm_test_remove_tree (dir);
}

static void
test_idx_gzip_size (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) full = idx_header (3, 2, 2);
  g_autoptr(GByteArray) gz_full = NULL;
  g_autoptr(GByteArray) gz_short = NULL;
  g_autofree char *p_full = NULL;
  g_autofree char *p_short = NULL;

  for (guint8 i = 0; i < 12; i++)
    g_byte_array_append (full, &i, 1);
  gz_full = compress (full->data, full->len, G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  /* the same header, 2 items and 2 bytes of the third */
  gz_short = compress (full->data, full->len - 2, G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  p_full = fm_test_write_file (dir, "full.idx.gz", gz_full->data, gz_full->len);
  p_short = fm_test_write_file (dir, "short.idx.gz", gz_short->data, gz_short->len);

  g_assert_cmpint (count_items (p_full, &error), ==, 3);
  g_assert_no_error (error);
  /* the header cannot be checked against a compressed size: the open
   * succeeds and the third item fails */
  g_assert_cmpint (count_items (p_short, &error), ==, 2);
  fm_test_expect_error (error, FM_ERROR_INVALID_INPUT,
                        "short.idx.gz: truncated at item 2 of 3 (2 of 4 bytes)");
  fm_test_remove_tree (dir);
}

/* ---- fm-npy.c ----------------------------------------------------------- */

/* An npy file: format @major.0, the header dict for @shape padded with
 * spaces and '\n' to @hlen bytes, then @data_len zero bytes. */
static GByteArray *
npy_bytes (int         major,
           const char *shape,
           gsize       hlen,
           gsize       data_len)
{
  GByteArray *b = g_byte_array_new ();
  g_autofree char *dict = g_strdup_printf ("{'descr': '<f4', 'fortran_order': False,"
                                           " 'shape': %s, }", shape);
  guint8 pre[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 0, 0 };
  gsize pre_len = major == 1 ? 10 : 12;
  g_autofree char *header = g_malloc (hlen);

  g_assert_cmpuint (strlen (dict) + 1, <=, hlen);
  pre[6] = (guint8) major;
  pre[8] = hlen & 0xff;
  pre[9] = (hlen >> 8) & 0xff;
  if (major == 2)
    {
      pre[10] = (hlen >> 16) & 0xff;
      pre[11] = (hlen >> 24) & 0xff;
    }
  memset (header, ' ', hlen);
  memcpy (header, dict, strlen (dict));
  header[hlen - 1] = '\n';
  g_byte_array_append (b, pre, (guint) pre_len);
  g_byte_array_append (b, (const guint8 *) header, (guint) hlen);
  g_byte_array_set_size (b, b->len + (guint) data_len);
  memset (b->data + b->len - data_len, 0, data_len);
  return b;
}

/* One fm_npy_parse () of the bytes npy_bytes (@major, @shape, @hlen,
 * @data_len) with @max_bytes (0: the default): it succeeds when @code is 0
 * (with the shape @rank, @dims unless @rank is 0), otherwise it fails with
 * @code (fm_test_expect_limit_or_past ()) and a message holding @fragment.
 * A list of them ends with a NULL @name. */
typedef struct
{
  const char *name;
  int         major;
  const char *shape;
  gsize       hlen, data_len, max_bytes;
  int         code;
  const char *fragment;
  int         rank;
  gint64      dims[8];
} NpyCase;

static void
test_npy_cases (gconstpointer data)
{
  for (const NpyCase *c = data; c->name != NULL; c++)
    {
      g_autoptr(GByteArray) b = npy_bytes (c->major, c->shape, c->hlen, c->data_len);
      g_autoptr(GError) error = NULL;
      FmShape shape;
      g_autofree float *d = fm_npy_parse (b->data, b->len, c->name, &shape, c->max_bytes,
                                          &error);

      g_test_message ("%s, at most %" G_GSIZE_FORMAT " bytes", c->name, c->max_bytes);
      if (c->code != 0)
        {
          g_assert_null (d);
          fm_test_expect_limit_or_past (error, c->code, c->fragment);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (d);
      if (c->rank > 0)
        {
          g_assert_cmpint (shape.rank, ==, c->rank);
          for (int i = 0; i < c->rank; i++)
            g_assert_cmpint (shape.dims[i], ==, c->dims[i]);
        }
    }
}

/* The header's length. */
static const NpyCase npy_header[] = {
  { "at.npy", 2, "(2, 3)", 65536, 24, 0, 0, NULL, 2, { 2, 3 } },
  { "over.npy", 2, "(2, 3)", 65537, 24, 0, FM_ERROR_LIMIT,
    "over.npy: npy header of 65537 bytes is above the limit of 65536" },
  { NULL },
};

/* The data's size: (2, 3) floats = 24 bytes; (268435456,) floats = 2^28 *
 * 4 = 1 GiB exactly, and one more is over. Only the header is there:
 * nothing is read or allocated. */
static const NpyCase npy_data[] = {
  { "d.npy", 1, "(2, 3)", 118, 24, 24, 0 },
  { "d.npy", 1, "(2, 3)", 118, 24, 23, FM_ERROR_LIMIT,
    "d.npy: npy shape [2, 3] is above the limit of 23 bytes" },
  { "gib.npy", 1, "(268435456,)", 118, 0, 0, FM_ERROR_INVALID_INPUT,
    "gib.npy: npy data is 0 bytes but shape [268435456] of float32 needs 1073741824" },
  { "gib1.npy", 1, "(268435457,)", 118, 0, 0, FM_ERROR_LIMIT,
    "gib1.npy: npy shape [268435457] is above the limit of 1073741824 bytes" },
  { NULL },
};

/* The rank. */
static const NpyCase npy_rank[] = {
  { "r8.npy", 1, "(1, 1, 1, 1, 1, 1, 1, 2)", 118, 8, 0, 0, NULL, 8, { 1, 1, 1, 1, 1, 1, 1, 2 } },
  { "r9.npy", 1, "(1, 1, 1, 1, 1, 1, 1, 1, 2)", 118, 8, 0, FM_ERROR_LIMIT,
    "r9.npy: npy shape has more than 8 dimensions" },
  { NULL },
};

/* ---- fm-preprocess.c ---------------------------------------------------- */

static void
test_preprocess_parse (void)
{
  g_autoptr(GError) error = NULL;
  float values[FM_PREPROCESS_MAX_CHANNELS + 1];
  int n = 0;

  g_assert_true (fm_preprocess_parse_floats ("1,2,3,4,5,6,7,8", "--mean", values,
                                             FM_PREPROCESS_MAX_CHANNELS, &n,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 8);
  g_assert_cmpfloat (values[7], ==, 8.0f);
  g_assert_false (fm_preprocess_parse_floats ("1,2,3,4,5,6,7,8,9", "--mean",
                                              values, FM_PREPROCESS_MAX_CHANNELS,
                                              &n, &error));
  fm_test_expect_error (error, FM_ERROR_INVALID_INPUT,
                        "--mean: '1,2,3,4,5,6,7,8,9' has more than 8 values");
}

/* The relu model with the metadata @key = @value: fm_preprocess_init_from_model ()
 * refuses it with FM_ERROR_INVALID_MODEL and a message holding @fragment. */
static void
metadata_fails (const char *key,
                const char *value,
                const char *fragment)
{
  const char *meta[] = { key, value, NULL };
  g_autoptr(GByteArray) m = fm_test_relu_model (2, 2, FALSE, meta);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = fm_test_load (m, 0, NULL, &error);
  FmPreprocess pp;

  g_assert_no_error (error);
  g_assert_false (fm_preprocess_init_from_model (&pp, model, &error));
  fm_test_expect_error (error, FM_ERROR_INVALID_MODEL, fragment);
}

static void
test_preprocess_metadata (void)
{
  /* 8 values pass the count and meet the channel check (1 channel) */
  metadata_fails ("feature_maps.mean", "1,2,3,4,5,6,7,8",
                  "limits.onnx: metadata feature_maps.mean: '1,2,3,4,5,6,7,8' has 8 values for "
                  "an input of 1 channels");
  /* 9: over FM_PREPROCESS_MAX_CHANNELS. The model file is what is wrong,
   * so the code is INVALID_MODEL like the channel check's above. */
  metadata_fails ("feature_maps.std", "1,2,3,4,5,6,7,8,9",
                  "limits.onnx: metadata feature_maps.std: '1,2,3,4,5,6,7,8,9' has more than 8 "
                  "values");
}

/* ---- fm-scan.c ---------------------------------------------------------- */

static gboolean
scan_with (FmModel   *model,
           FmDataset *ds,
           guint      threads,
           guint      top_k,
           GError   **error)
{
  g_autoptr(FmScan) scan = NULL;
  FmScanOptions o;

  fm_scan_options_init (&o);
  o.threads = threads;
  o.top_k = top_k;
  scan = fm_scan_new (model, ds, &o);
  return fm_scan_run (scan, NULL, NULL, NULL, error);
}

static void
test_scan_options (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-limits-XXXXXX");
  g_autoptr(GByteArray) b = idx_header (1, 2, 2);
  g_autoptr(GByteArray) m = fm_test_relu_model (2, 2, FALSE, NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  static const guint8 px[4] = { 0, 255, 128, 64 };

  g_byte_array_append (b, px, 4);
  path = fm_test_write_file (dir, "one.idx", b->data, b->len);
  model = fm_test_load (m, 0, NULL, &error);
  g_assert_no_error (error);

  /* Each check comes before any worker starts; a fresh dataset per scan
   * since a scan reads it to the end. */
  struct
  {
    guint       threads, top_k;
    gboolean    ok;
    const char *fragment;
  } cases[] = {
    { 64, 9, TRUE, NULL },
    { 65, 9, FALSE, "a scan uses at most 64 threads, not 65" },
    { 1, 100, TRUE, NULL },
    { 1, 101, FALSE, "top-k must be at most 100, not 101" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FmDataset) ds = fm_dataset_open (path, NULL, &error);

      g_assert_no_error (error);
      if (cases[i].ok)
        {
          g_assert_true (scan_with (model, ds, cases[i].threads, cases[i].top_k,
                                    &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (scan_with (model, ds, cases[i].threads, cases[i].top_k,
                                     &error));
          fm_test_expect_error (error, FM_ERROR_INVALID_INPUT, cases[i].fragment);
          g_clear_error (&error);
        }
    }
  fm_test_remove_tree (dir);
}

void
fm_test_limits_io_add (void)
{
  g_test_add_func ("/limits/image/pixels", test_image_pixels);
  g_test_add_func ("/limits/image/pixels-jpeg", test_image_pixels_jpeg);
  g_test_add_func ("/limits/dataset/idx-counts", test_idx_counts);
  g_test_add_func ("/limits/dataset/idx-plain-size", test_idx_plain_size);
  g_test_add_func ("/limits/dataset/idx-gzip-size", test_idx_gzip_size);
  g_test_add_data_func ("/limits/npy/header", npy_header, test_npy_cases);
  g_test_add_data_func ("/limits/npy/data", npy_data, test_npy_cases);
  g_test_add_data_func ("/limits/npy/rank", npy_rank, test_npy_cases);
  g_test_add_func ("/limits/scan/options", test_scan_options);
  g_test_add_func ("/limits/preprocess/parse", test_preprocess_parse);
  g_test_add_func ("/limits/preprocess/metadata-channels", test_preprocess_metadata);
}
