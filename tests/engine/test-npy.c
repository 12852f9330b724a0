/* test-npy.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-npy.c: the header bytes against the .npy format 1.0 spec
 * (numpy/lib/format.py) written out by hand, round trips, hand-made
 * headers of other writers, refusal of other dtypes, orders, versions,
 * size mismatches and limits, and atomic writes that fail cleanly.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fm-npy.h"
#include "fm-test-files.h"

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Builds a v1.0 file from a header dict and raw data bytes. */
static GByteArray *
make_npy (const char   *dict,
          const void   *data,
          gsize         data_len)
{
  GByteArray *b = g_byte_array_new ();
  gsize hlen = strlen (dict);
  guint8 pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                     (guint8) (hlen & 0xff), (guint8) (hlen >> 8) };

  g_byte_array_append (b, pre, sizeof pre);
  g_byte_array_append (b, (const guint8 *) dict, hlen);
  if (data_len > 0)
    g_byte_array_append (b, data, data_len);
  return b;
}

static void
test_header_bytes (void)
{
  /* Shape (2, 3). The dict numpy writes is
   *   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
   * 59 characters; + '\n' = 60. 10 + 60 = 70, so padlen = 64 - 70 % 64
   * = 58 spaces, header_len = 118 = 0x76, and the data starts at byte
   * 10 + 118 = 128. */
  static const char dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-test-npy-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "a.npy", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  FmShape shape = { 2, { 2, 3 } };
  const float data[6] = { 1.0f, -2.0f, 0.5f, 0.0f, 3.25f, -0.125f };
  /* 1.0f is 0x3f800000, little-endian 00 00 80 3f. */
  static const guint8 one_le[4] = { 0x00, 0x00, 0x80, 0x3f };

  g_assert_cmpint (strlen (dict), ==, 59);
  g_assert_true (fm_npy_write (path, &shape, data, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  g_assert_cmpuint (len, ==, 128 + 6 * 4);
  g_assert_cmpmem (contents, 8, "\x93NUMPY\x01\x00", 8);
  g_assert_cmpuint ((guint8) contents[8], ==, 118);
  g_assert_cmpuint ((guint8) contents[9], ==, 0);
  g_assert_cmpmem (contents + 10, 59, dict, 59);
  for (int i = 10 + 59; i < 127; i++)
    g_assert_cmpint (contents[i], ==, ' ');
  g_assert_cmpint (contents[127], ==, '\n');
  g_assert_cmpmem (contents + 128, 4, one_le, 4);
  g_assert_cmpmem (contents + 128, 24, data, 24);   /* little-endian host */

  fm_test_remove_tree (dir);
}

static void
test_header_rank (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = NULL;
  gsize len = 0;
  FmShape one = { 1, { 5 } };
  FmShape zero = { 0, { 0 } };
  float data[5] = { 0 };

  /* Rank 1 is written "(5,)" as Python writes a 1-tuple: 57 chars + '\n'
   * = 58, 10 + 58 = 68, padlen 60, header_len 118 again. */
  buf = fm_npy_encode (&one, data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 128 + 20);
  g_assert_cmpmem (buf + 10, 57,
                   "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", 57);
  g_clear_pointer (&buf, g_free);

  /* Rank 0 is "()" and holds one element. */
  buf = fm_npy_encode (&zero, data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 128 + 4);
  g_assert_cmpmem (buf + 10, 55,
                   "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 55);
  g_assert_cmpint (buf[127], ==, '\n');
}

static void
test_round_trip (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-test-npy-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "t.npy", NULL);
  g_autoptr(GError) error = NULL;
  FmShape shape = { 4, { 1, 3, 5, 7 } };
  FmShape got = { 0 };
  g_autofree float *data = g_new (float, 105);
  g_autofree float *back = NULL;
  g_autofree float *again = NULL;

  for (int i = 0; i < 105; i++)
    data[i] = (float) i * 0.37f - 11.0f;
  data[7] = -0.0f;

  g_assert_true (fm_npy_write (path, &shape, data, &error));
  g_assert_no_error (error);
  back = fm_npy_read (path, &got, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpint (got.rank, ==, 4);
  g_assert_cmpint (got.dims[0], ==, 1);
  g_assert_cmpint (got.dims[1], ==, 3);
  g_assert_cmpint (got.dims[2], ==, 5);
  g_assert_cmpint (got.dims[3], ==, 7);
  g_assert_cmpmem (back, 105 * 4, data, 105 * 4);

  /* Overwriting an existing file works and leaves just that file. */
  shape = (FmShape) { 2, { 3, 0 } };
  g_assert_true (fm_npy_write (path, &shape, NULL, &error));
  g_assert_no_error (error);
  again = fm_npy_read (path, &got, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);   /* zero elements still give a pointer */
  g_assert_cmpint (got.rank, ==, 2);
  g_assert_cmpint (got.dims[1], ==, 0);
  g_assert_cmpuint (count_files (dir), ==, 1);

  fm_test_remove_tree (dir);
}

static void
test_other_writers (void)
{
  /* Double quotes, Python 2 longs, no trailing comma, format 2.0 with a
   * 4-byte header length, no padding: all valid npy. */
  const float v[2] = { 1.5f, -2.5f };
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) b = make_npy ("{\"shape\": (2L,), \"fortran_order\": False,"
                                      "  \"descr\": \"<f4\"}\n", v, sizeof v);
  FmShape shape = { 0 };
  g_autofree float *out = fm_npy_parse (b->data, b->len, "x.npy", &shape, 0, &error);
  static const char dict2[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}";
  g_autoptr(GByteArray) b2 = g_byte_array_new ();
  guint8 pre2[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, sizeof dict2 - 1, 0, 0, 0 };
  g_autofree float *out2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (shape.rank, ==, 1);
  g_assert_cmpint (shape.dims[0], ==, 2);
  g_assert_cmpfloat (out[0], ==, 1.5f);
  g_assert_cmpfloat (out[1], ==, -2.5f);

  g_byte_array_append (b2, pre2, sizeof pre2);
  g_byte_array_append (b2, (const guint8 *) dict2, sizeof dict2 - 1);
  g_byte_array_append (b2, (const guint8 *) v, sizeof v);
  out2 = fm_npy_parse (b2->data, b2->len, "v2.npy", &shape, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shape.rank, ==, 2);
  g_assert_cmpint (shape.dims[0], ==, 1);
  g_assert_cmpint (shape.dims[1], ==, 2);
  g_assert_cmpfloat (out2[1], ==, -2.5f);
}

static void
expect_refused (const char *dict,
                gsize       data_len,
                gsize       max_bytes,
                int         code,
                const char *needle)
{
  g_autofree guint8 *zeros = g_malloc0 (MAX (data_len, 1));
  g_autoptr(GByteArray) b = make_npy (dict, zeros, data_len);
  g_autoptr(GError) error = NULL;
  FmShape shape = { 0 };
  float *out = fm_npy_parse (b->data, b->len, "in.npy", &shape, max_bytes, &error);

  g_assert_null (out);
  fm_test_assert_error_holds (error, FM_ERROR, code, needle);
  g_assert_true (g_str_has_prefix (error->message, "in.npy: "));
}

static void
test_refused (void)
{
  /* Other dtypes are named in the message. */
  expect_refused ("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                  16, 0, FM_ERROR_INVALID_INPUT, "'<f8'");
  expect_refused ("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                  8, 0, FM_ERROR_INVALID_INPUT, "'>f4'");
  expect_refused ("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
                  2, 0, FM_ERROR_INVALID_INPUT, "'|u1'");
  expect_refused ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
                  8, 0, FM_ERROR_INVALID_INPUT, "dtype");
  expect_refused ("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                  16, 0, FM_ERROR_INVALID_INPUT, "Fortran");
  /* (2, 3) needs 24 bytes; 20 and 28 are both wrong. */
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                  20, 0, FM_ERROR_INVALID_INPUT, "needs 24");
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                  28, 0, FM_ERROR_INVALID_INPUT, "needs 24");
  /* Limits come before the size check: 1000 x 1000 floats are 4e6 bytes. */
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }",
                  0, 1000, FM_ERROR_LIMIT, "limit");
  /* 1e15 elements overflow any budget. */
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }",
                  0, 0, FM_ERROR_LIMIT, "limit");
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
                  0, 0, FM_ERROR_LIMIT, "64 bits");
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }",
                  4, 0, FM_ERROR_LIMIT, "more than 8");
  /* Malformed headers. */
  expect_refused ("{'descr': '<f4', 'shape': (2,), }", 8, 0,
                  FM_ERROR_INVALID_INPUT, "lacks 'fortran_order'");
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }",
                  8, 0, FM_ERROR_INVALID_INPUT, "shape");
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
                  8, 0, FM_ERROR_INVALID_INPUT, "shape");
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}",
                  8, 0, FM_ERROR_INVALID_INPUT, "'x'");
  expect_refused ("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}",
                  8, 0, FM_ERROR_INVALID_INPUT, "repeated");
  expect_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk",
                  8, 0, FM_ERROR_INVALID_INPUT, "malformed");
  expect_refused ("not a dict", 0, 0, FM_ERROR_INVALID_INPUT, "malformed");
}

static void
test_bad_files (void)
{
  static const guint8 v3[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0, 2, 0, '{', '}' };
  static const guint8 short_header[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 200, 0, '{' };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;
  g_autoptr(GError) e5 = NULL;
  FmShape shape;

  g_assert_null (fm_npy_parse (v3, sizeof v3, "v3.npy", &shape, 0, &e1));
  g_assert_error (e1, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (e1->message, "3.0"));

  g_assert_null (fm_npy_parse (short_header, sizeof short_header, "s.npy", &shape, 0, &e2));
  g_assert_error (e2, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (e2->message, "truncated"));

  g_assert_null (fm_npy_parse (png, sizeof png, "p.npy", &shape, 0, &e3));
  g_assert_error (e3, FM_ERROR, FM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (e3->message, "not an npy file"));

  g_assert_null (fm_npy_parse (NULL, 0, "empty.npy", &shape, 0, &e4));
  g_assert_error (e4, FM_ERROR, FM_ERROR_INVALID_INPUT);

  g_assert_null (fm_npy_read ("/nonexistent/dir/x.npy", &shape, 0, &e5));
  g_assert_error (e5, FM_ERROR, FM_ERROR_IO);
  g_assert_true (g_str_has_prefix (e5->message, "/nonexistent/dir/x.npy: "));
}

/* fm_file_write_atomic()'s message: the file, then the system's reason. */
static void
assert_write_error (const GError *error,
                    const char   *path,
                    int           reason)
{
  g_autofree char *want = g_strdup_printf ("Could not write “%s”: %s", path,
                                           g_strerror (reason));

  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_cmpstr (error->message, ==, want);
}

static void
test_write_fails_cleanly (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-test-npy-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "keep.npy", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  FmShape small = { 1, { 4 } };
  FmShape big = { 1, { 4096 } };   /* 16 KiB of data */
  const float four[4] = { 1, 2, 3, 4 };
  g_autofree float *many = g_new0 (float, 4096);
  struct rlimit old, lim;
  gsize before_len, after_len;

  g_assert_true (fm_npy_write (path, &small, four, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  /* A file size limit makes the write of the temporary file fail after
   * it was created (this works for root too, unlike permissions). */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
  signal (SIGXFSZ, SIG_IGN);
  lim = old;
  lim.rlim_cur = 4096;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
  g_assert_false (fm_npy_write (path, &big, many, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
  signal (SIGXFSZ, SIG_DFL);
  assert_write_error (error, path, EFBIG);
  g_clear_error (&error);

  /* The old file is intact and no temporary file is left. */
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, before, before_len);
  g_assert_cmpuint (count_files (dir), ==, 1);

  /* A folder that does not exist. */
  {
    g_autofree char *missing = g_build_filename (dir, "no", "x.npy", NULL);

    g_assert_false (fm_npy_write (missing, &small, four, &error));
    assert_write_error (error, missing, ENOENT);
    g_clear_error (&error);
  }

  /* A read-only folder (root ignores the permission: skip that part). */
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  if (access (dir, W_OK) == 0)
    {
      g_test_message ("running as root: the read-only folder case is skipped");
    }
  else
    {
      g_autofree char *p2 = g_build_filename (dir, "new.npy", NULL);

      g_assert_false (fm_npy_write (p2, &small, four, &error));
      assert_write_error (error, p2, EACCES);
      g_clear_error (&error);
      g_assert_false (fm_npy_write (path, &small, many, &error));
      assert_write_error (error, path, EACCES);
      g_clear_error (&error);
      g_assert_cmpuint (count_files (dir), ==, 1);
    }
  g_chmod (dir, 0755);

  fm_test_remove_tree (dir);
}

/* A written file gets the mode of any new file: 0666 less the umask. */
static void
test_write_mode (void)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-test-npy-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "m.npy", NULL);
  g_autoptr(GError) error = NULL;
  const FmShape shape = { 1, { 1 } };
  const float one = 1.0f;
  const mode_t masks[] = { 022, 002, 077 };
  mode_t old = umask (022);

  for (guint i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      GStatBuf st;

      umask (masks[i]);
      g_assert_true (fm_npy_write (path, &shape, &one, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~masks[i]);
    }
  umask (old);
  fm_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/npy/header-bytes", test_header_bytes);
  g_test_add_func ("/engine/npy/header-rank", test_header_rank);
  g_test_add_func ("/engine/npy/round-trip", test_round_trip);
  g_test_add_func ("/engine/npy/other-writers", test_other_writers);
  g_test_add_func ("/engine/npy/refused", test_refused);
  g_test_add_func ("/engine/npy/bad-files", test_bad_files);
  g_test_add_func ("/engine/npy/write-fails-cleanly", test_write_fails_cleanly);
  g_test_add_func ("/engine/npy/write-mode", test_write_mode);

  return g_test_run ();
}
