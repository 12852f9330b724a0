/* test-image.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-image.c on pictures encoded at run time with libpng and
 * libjpeg (and one PNG header built byte by byte): every PNG colour type,
 * alpha composited over white with values worked out by hand, detection
 * by magic bytes rather than name, the pixel limit, and corrupt or
 * truncated files, which must fail with the file name and a reason.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <jpeglib.h>
#include <png.h>

#include "fm-image.h"
#include "fm-test-image.h"

/* ---- encoders --------------------------------------------------------- */

static GByteArray *
encode_jpeg (int           width,
             int           height,
             int           channels,
             const guint8 *pixels,
             gboolean      progressive,
             J_COLOR_SPACE stored)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *mem = NULL;
  unsigned long mem_len = 0;
  GByteArray *out;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &mem, &mem_len);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = channels;
  cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : channels == 4 ? JCS_CMYK : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 100, TRUE);
  if (stored != JCS_UNKNOWN)
    jpeg_set_colorspace (&cinfo, stored);
  if (progressive)
    jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = (JSAMPROW) pixels + (gsize) cinfo.next_scanline * width * channels;
      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  out = g_byte_array_new ();
  g_byte_array_append (out, mem, mem_len);
  free (mem);
  return out;
}

static FmImage *
load_ok (GByteArray *bytes)
{
  g_autoptr(GError) error = NULL;
  FmImage *image = fm_image_load_bytes (bytes->data, bytes->len, "t.png", 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

/* @png loads as @width x @height pixels of @channels channels, @expected. */
static void
check_loads_as (GByteArray   *png,
                int           width,
                int           height,
                int           channels,
                const guint8 *expected)
{
  g_autoptr(FmImage) image = load_ok (png);
  gsize n = (gsize) width * height * channels;

  g_assert_cmpint (image->width, ==, width);
  g_assert_cmpint (image->height, ==, height);
  g_assert_cmpint (image->channels, ==, channels);
  g_assert_cmpmem (image->pixels, n, expected, n);
}

/* A @width x @height PNG of @color_type at @bit_depth, without palette,
 * made from @rows by libpng: check_loads_as (@channels, @expected). */
static void
check_png (int           width,
           int           height,
           int           color_type,
           int           bit_depth,
           const void   *rows,
           int           channels,
           const guint8 *expected)
{
  g_autoptr(GByteArray) png = fm_test_encode_png (width, height, color_type, bit_depth, rows,
                                                  NULL, 0, NULL, 0);

  check_loads_as (png, width, height, channels, expected);
}

static void
assert_invalid (const guint8 *data,
                gsize         len,
                const char   *name,
                const char   *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmImage) image = fm_image_load_bytes (data, len, name, 0, &error);
  g_autofree char *prefix = g_strconcat (name, ": ", NULL);

  g_assert_null (image);
  g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, needle) == NULL)
    g_error ("len %" G_GSIZE_FORMAT ": message '%s' lacks '%s' or '%s'",
             len, error->message, prefix, needle);
}

/* ---- PNG colour types ------------------------------------------------- */

static void
test_png_gray_rgb (void)
{
  const guint8 gray[6] = { 0, 1, 127, 128, 254, 255 };        /* 3 x 2 */
  const guint8 rgb[12] = { 255, 0, 0,  0, 255, 0,  0, 0, 255,  10, 20, 30 }; /* 2 x 2 */

  check_png (3, 2, PNG_COLOR_TYPE_GRAY, 8, gray, 1, gray);
  check_png (2, 2, PNG_COLOR_TYPE_RGB, 8, rgb, 3, rgb);
}

static void
test_png_alpha (void)
{
  /* Over white: out = (v * a + 255 * (255 - a) + 127) / 255 (integer).
   *   v=200 a=128: (25600 + 32385 + 127) / 255 = 58112 / 255 = 227
   *   v=100 a=128: (12800 + 32385 + 127) / 255 = 45312 / 255 = 177
   *   v=0   a=128: (0     + 32385 + 127) / 255 = 32512 / 255 = 127
   *   a=255 keeps v; a=0 gives 255. */
  const guint8 rgba[12] = { 200, 100, 0, 128,   7, 8, 9, 255,   1, 2, 3, 0 };
  const guint8 rgb_expected[9] = { 227, 177, 127,   7, 8, 9,   255, 255, 255 };
  const guint8 ga[6] = { 200, 128,   50, 255,   0, 0 };
  const guint8 gray_expected[3] = { 227, 50, 255 };

  check_png (3, 1, PNG_COLOR_TYPE_RGBA, 8, rgba, 3, rgb_expected);
  check_png (3, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 8, ga, 1, gray_expected);
}

static void
test_png_palette (void)
{
  /* 4 pixels at 2 bits per index: indexes 0, 1, 2, 3 pack into one byte
   * 00 01 10 11 = 0x1b. tRNS gives entries 0..2 the alphas 255, 255, 0
   * (entry 3 is opaque by default), so entry 2 becomes white. */
  const png_color palette[4] = { { 255, 0, 0 }, { 0, 128, 0 }, { 1, 2, 3 }, { 9, 9, 9 } };
  const guint8 trans[3] = { 255, 255, 0 };
  const guint8 idx[1] = { 0x1b };
  const guint8 expected[12] = { 255, 0, 0,   0, 128, 0,   255, 255, 255,   9, 9, 9 };
  g_autoptr(GByteArray) p = fm_test_encode_png (4, 1, PNG_COLOR_TYPE_PALETTE, 2, idx,
                                        palette, 4, trans, 3);

  check_loads_as (p, 4, 1, 3, expected);
}

static void
test_png_depths (void)
{
  /* 1-bit gray: bits 1 0 1 1 0 0 0 0 -> 255 0 255 255 0 0 0 0 (8 pixels). */
  const guint8 bits[1] = { 0xb0 };
  const guint8 bits_expected[8] = { 255, 0, 255, 255, 0, 0, 0, 0 };
  /* 16-bit gray scaled to 8 bits with rounding, v8 = round (v16 * 255 /
   * 65535) = round (v16 / 257): 0 -> 0, 257 -> 1, 32896 (0x8080) -> 128,
   * 65535 -> 255, 128 -> 0 (0.498). */
  const guint16 deep[5] = { 0, 257, 0x8080, 65535, 128 };
  const guint8 deep_expected[5] = { 0, 1, 128, 255, 0 };

  check_png (8, 1, PNG_COLOR_TYPE_GRAY, 1, bits, 1, bits_expected);
  check_png (5, 1, PNG_COLOR_TYPE_GRAY, 16, deep, 1, deep_expected);
}

/* ---- JPEG ------------------------------------------------------------- */

static void
test_jpeg (void)
{
  guint8 gray[16 * 8];
  guint8 rgb[16 * 8 * 3];
  g_autoptr(GByteArray) g = NULL;
  g_autoptr(GByteArray) c = NULL;
  g_autoptr(GByteArray) p = NULL;
  g_autoptr(FmImage) gi = NULL;
  g_autoptr(FmImage) ci = NULL;
  g_autoptr(FmImage) pi = NULL;

  /* Flat areas survive quality-100 JPEG within a couple of levels. */
  memset (gray, 100, sizeof gray);
  for (int i = 0; i < 16 * 8; i++)
    {
      rgb[3 * i] = 200;
      rgb[3 * i + 1] = 50;
      rgb[3 * i + 2] = 120;
    }
  g = encode_jpeg (16, 8, 1, gray, FALSE, JCS_UNKNOWN);
  c = encode_jpeg (16, 8, 3, rgb, FALSE, JCS_UNKNOWN);
  p = encode_jpeg (16, 8, 3, rgb, TRUE, JCS_UNKNOWN);
  gi = load_ok (g);
  ci = load_ok (c);
  pi = load_ok (p);

  g_assert_cmpint (gi->width, ==, 16);
  g_assert_cmpint (gi->height, ==, 8);
  g_assert_cmpint (gi->channels, ==, 1);
  for (int i = 0; i < 16 * 8; i++)
    g_assert_cmpint (ABS (gi->pixels[i] - 100), <=, 1);

  g_assert_cmpint (ci->channels, ==, 3);
  g_assert_cmpint (pi->channels, ==, 3);
  for (int i = 0; i < 16 * 8 * 3; i++)
    {
      g_assert_cmpint (ABS (ci->pixels[i] - rgb[i]), <=, 3);
      g_assert_cmpint (ABS (pi->pixels[i] - rgb[i]), <=, 3);
    }
}

/* A CMYK JPEG (about 22 in ImageNet's training set) and a YCCK one, as
 * Photoshop writes them: libjpeg stores the values given with an Adobe
 * marker, which says each ink is stored inverted (stored 255 = no ink).
 * By hand, RGB = (255 - ink) (255 - black ink) / 255 per channel, which
 * is stored ink value x stored black / 255. */
static void
test_jpeg_cmyk (void)
{
  static const struct
  {
    guint8 stored[4];
    guint8 rgb[3];
  } cases[] = {
    { { 255, 255, 255, 255 }, { 255, 255, 255 } },  /* no ink: white */
    { { 0, 255, 255, 255 }, { 0, 255, 255 } },      /* full cyan */
    { { 255, 255, 255, 128 }, { 128, 128, 128 } },  /* half black */
    { { 200, 100, 50, 255 }, { 200, 100, 50 } },
    { { 200, 100, 50, 102 }, { 80, 40, 20 } },      /* x 0.4 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int ycck = 0; ycck < 2; ycck++)
      {
        guint8 cmyk[16 * 8 * 4];
        g_autoptr(GByteArray) bytes = NULL;
        g_autoptr(FmImage) image = NULL;

        for (int p = 0; p < 16 * 8; p++)
          memcpy (cmyk + 4 * p, cases[i].stored, 4);
        bytes = encode_jpeg (16, 8, 4, cmyk, FALSE, ycck ? JCS_YCCK : JCS_CMYK);
        image = load_ok (bytes);
        g_assert_cmpint (image->width, ==, 16);
        g_assert_cmpint (image->channels, ==, 3);
        for (int p = 0; p < 16 * 8; p++)
          for (int c = 0; c < 3; c++)
            g_assert_cmpint (ABS (image->pixels[3 * p + c] - cases[i].rgb[c]), <=, 3);
      }
}

/* ---- format detection ------------------------------------------------- */

static void
test_magic_not_extension (void)
{
  const guint8 gray[4] = { 10, 20, 30, 40 };
  g_autoptr(GByteArray) png = fm_test_encode_png (2, 2, PNG_COLOR_TYPE_GRAY, 8, gray, NULL, 0, NULL, 0);
  g_autofree char *dir = g_dir_make_tmp ("fm-test-image-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "really-a-png.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmImage) image = NULL;
  static const char text[] = "P5\n2 2\n255\n....";

  g_assert_true (g_file_set_contents (path, (const char *) png->data, png->len, NULL));
  image = fm_image_load (path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (image->pixels, 4, gray, 4);
  g_remove (path);
  g_rmdir (dir);

  /* A PGM is neither. */
  assert_invalid ((const guint8 *) text, sizeof text - 1, "x.png", "not a PNG or JPEG");
  assert_invalid (NULL, 0, "empty.png", "not a PNG or JPEG");

  /* Missing file and a folder: FM_ERROR_IO naming the path. */
  g_clear_pointer (&image, fm_image_free);
  image = fm_image_load ("/nonexistent/x.png", 0, &error);
  g_assert_null (image);
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/x.png: "));
  g_clear_error (&error);
  image = fm_image_load ("/", 0, &error);
  g_assert_null (image);
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
}

/* ---- limits ----------------------------------------------------------- */

static void
test_limit_huge_png (void)
{
  g_autoptr(GByteArray) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmImage) image = NULL;
  const guint8 idat[2] = { 0x78, 0x9c };   /* a zlib header, nothing more */

  /* An 8-bit gray IHDR of 100000 x 100000 (1e10 pixels, 10 GB as gray).
   * An IDAT follows so that libpng stops reading the header there; if the
   * limit were not checked first, decoding would fail on the truncated
   * data instead (INVALID_INPUT) or try to allocate 10 GB. */
  b = fm_test_gray_png_head (100000, 100000);
  fm_test_png_chunk (b, "IDAT", idat, 2);
  fm_test_png_chunk (b, "IEND", NULL, 0);

  image = fm_image_load_bytes (b->data, b->len, "huge.png", 0, &error);
  g_assert_null (image);
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
  g_assert_true (g_str_has_prefix (error->message, "huge.png: "));
  g_assert_nonnull (strstr (error->message, "100000 x 100000"));
}

static void
test_limit_parameter (void)
{
  guint8 px[10 * 10 * 3];
  g_autoptr(GByteArray) png = NULL;
  g_autoptr(GByteArray) jpg = NULL;
  g_autoptr(GError) error = NULL;
  FmImage *image;

  memset (px, 77, sizeof px);
  png = fm_test_encode_png (10, 10, PNG_COLOR_TYPE_GRAY, 8, px, NULL, 0, NULL, 0);
  jpg = encode_jpeg (10, 10, 3, px, FALSE, JCS_UNKNOWN);

  /* 10 x 10 = 100 pixels: a limit of 99 refuses, 100 accepts. */
  image = fm_image_load_bytes (png->data, png->len, "a.png", 99, &error);
  g_assert_null (image);
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
  g_clear_error (&error);
  image = fm_image_load_bytes (png->data, png->len, "a.png", 100, &error);
  g_assert_no_error (error);
  fm_image_free (image);

  image = fm_image_load_bytes (jpg->data, jpg->len, "a.jpg", 99, &error);
  g_assert_null (image);
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
  g_assert_true (g_str_has_prefix (error->message, "a.jpg: "));
  g_clear_error (&error);
  image = fm_image_load_bytes (jpg->data, jpg->len, "a.jpg", 100, &error);
  g_assert_no_error (error);
  fm_image_free (image);

  image = fm_image_new (1000, 1000, 3, 999999, &error);
  g_assert_null (image);
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
  g_clear_error (&error);
  image = fm_image_new (4, 3, 3, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (image->pixels[4 * 3 * 3 - 1], ==, 0);
  fm_image_free (image);
}

/* ---- corrupt and truncated files -------------------------------------- */

static void
test_corrupt_png (void)
{
  guint8 px[32 * 32];
  g_autoptr(GByteArray) png = NULL;
  g_autofree guint8 *copy = NULL;
  gsize offsets[8];

  for (int i = 0; i < 32 * 32; i++)
    px[i] = (guint8) (i * 37);
  png = fm_test_encode_png (32, 32, PNG_COLOR_TYPE_GRAY, 8, px, NULL, 0, NULL, 0);

  /* Cut inside the magic, inside IHDR, right after it, inside IDAT, just
   * before IEND, and one byte short. The first is not even a PNG. */
  offsets[0] = 5;
  offsets[1] = 8;
  offsets[2] = 20;
  offsets[3] = 33;
  offsets[4] = 45;
  offsets[5] = png->len / 2;
  offsets[6] = png->len - 12;
  offsets[7] = png->len - 1;
  assert_invalid (png->data, offsets[0], "cut.png", "not a PNG or JPEG");
  for (guint i = 1; i < G_N_ELEMENTS (offsets); i++)
    assert_invalid (png->data, offsets[i], "cut.png", "invalid PNG: ");

  /* A flipped byte in the compressed data: zlib or the IDAT CRC check
   * refuses it, whichever comes first. */
  copy = g_memdup2 (png->data, png->len);
  copy[45] ^= 0x55;
  assert_invalid (copy, png->len, "flip.png", "invalid PNG: ");

  /* A flipped byte in IHDR's width fails its CRC. */
  memcpy (copy, png->data, png->len);
  copy[18] ^= 0x01;
  assert_invalid (copy, png->len, "ihdr.png", "CRC");

  /* Magic followed by garbage. */
  for (gsize i = 8; i < png->len; i++)
    copy[i] = (guint8) (i * 131 + 7);
  assert_invalid (copy, png->len, "garbage.png", "invalid PNG: ");
}

static void
test_corrupt_jpeg (void)
{
  guint8 px[32 * 32 * 3];
  g_autoptr(GByteArray) jpg = NULL;
  g_autofree guint8 *copy = NULL;

  for (int i = 0; i < 32 * 32 * 3; i++)
    px[i] = (guint8) (i * 13);
  jpg = encode_jpeg (32, 32, 3, px, FALSE, JCS_UNKNOWN);

  /* Inside the header segments, the entropy-coded data, and without the
   * final EOI marker. */
  {
    gsize offsets[] = { 3, 10, 100, jpg->len / 2, jpg->len - 2, jpg->len - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
      assert_invalid (jpg->data, offsets[i], "cut.jpg", "invalid JPEG: ");
  }

  /* SOI marker followed by garbage. */
  copy = g_memdup2 (jpg->data, jpg->len);
  for (gsize i = 3; i < jpg->len; i++)
    copy[i] = (guint8) (i * 131 + 7);
  assert_invalid (copy, jpg->len, "garbage.jpg", "invalid JPEG: ");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/image/png/gray-rgb", test_png_gray_rgb);
  g_test_add_func ("/engine/image/png/alpha", test_png_alpha);
  g_test_add_func ("/engine/image/png/palette", test_png_palette);
  g_test_add_func ("/engine/image/png/depths", test_png_depths);
  g_test_add_func ("/engine/image/jpeg", test_jpeg);
  g_test_add_func ("/engine/image/jpeg/cmyk", test_jpeg_cmyk);
  g_test_add_func ("/engine/image/magic", test_magic_not_extension);
  g_test_add_func ("/engine/image/limit/huge-png", test_limit_huge_png);
  g_test_add_func ("/engine/image/limit/parameter", test_limit_parameter);
  g_test_add_func ("/engine/image/corrupt/png", test_corrupt_png);
  g_test_add_func ("/engine/image/corrupt/jpeg", test_corrupt_jpeg);

  return g_test_run ();
}
