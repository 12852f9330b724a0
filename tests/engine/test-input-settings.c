/* test-input-settings.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests fm-input-settings.c: the per-model path (the SHA-256 of "abc" is
 * the FIPS 180-2 example), a save and load round trip of every field, a
 * missing file (FALSE, no error), a partial file (absent keys keep the
 * model's values), and files that are wrong or hostile: bad names and
 * numbers, NaN, a std of 0, values that do not fit the model's channels,
 * no [Input] group, not a key file, not UTF-8, a NUL byte, a folder, and
 * the size limit at its boundary. Every error names the file and, for a
 * value, the key, and leaves the settings as they were. XDG_DATA_HOME is
 * a scratch folder, set before GLib reads it (not G_TEST_OPTION_ISOLATE_DIRS,
 * whose g_set_user_dirs leaks in GLib 2.74 and fails LeakSanitizer). A save that fails (a
 * file-size limit, a path under a regular file) names the file and leaves
 * the previous one whole with nothing beside it.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/time.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "fm-input-settings.h"
#include "fm-test-files.h"


static char *
scratch_path (const char *name)
{
  return g_build_filename (fm_test_scratch (), name, NULL);
}

static void
write_file (const char *path,
            const char *text,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, len, &error));
  g_assert_no_error (error);
}

static void
test_path (void)
{
  g_autofree char *model_file = scratch_path ("abc.onnx");
  g_autofree char *path = NULL;
  g_autofree char *want = NULL;
  g_autoptr(GError) error = NULL;
  FmModel model;

  memset (&model, 0, sizeof model);
  model.path = model_file;
  write_file (model_file, "abc", 3);
  path = fm_input_settings_path (&model, &error);
  g_assert_no_error (error);
  want = g_build_filename (g_get_user_data_dir (), "feature-maps", "input-settings",
                           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.ini",
                           NULL);
  g_assert_cmpstr (path, ==, want);
  /* Isolated: not the real data folder. */
  g_assert_true (g_str_has_prefix (path, g_get_user_data_dir ()));

  g_clear_pointer (&path, g_free);
  g_remove (model_file);
  path = fm_input_settings_path (&model, &error);
  g_assert_null (path);
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, model_file));
}

/* The settings path @path names the SHA-256 (by GChecksum, not the
 * nettle code under test) of @bytes. */
static void
assert_path_digest (const char *path,
                    const char *bytes)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, bytes, -1);
  g_autofree char *name = g_strconcat (digest, ".ini", NULL);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_cmpstr (base, ==, name);
}

/* The model's digest is remembered by the file's path, inode, size and
 * times: an unchanged file is not read again (a memo edited by hand is
 * believed), a changed one is, and a damaged memo is ignored and made
 * anew. */
static void
test_digest_memo (void)
{
  g_autofree char *model_file = scratch_path ("memo.onnx");
  g_autofree char *path_digest = NULL;
  g_autofree char *memo = NULL;
  g_autofree char *text = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  struct timeval times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
  char *space;

  /* A file written just now is hashed but not remembered: a same-size
   * rewrite within the clock's tick would keep its times. */
  write_file (model_file, "abcd", 4);
  path = fm_input_settings_path_for_file (model_file, &error);
  g_assert_no_error (error);
  assert_path_digest (path, "abcd");
  path_digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, model_file, -1);
  memo = g_build_filename (g_get_user_cache_dir (), "feature-maps", "model-digests",
                           path_digest, NULL);
  g_assert_false (g_file_test (memo, G_FILE_TEST_EXISTS));

  /* Settled (its time set in the past): remembered. The memo is named by
   * the SHA-256 of the absolute path and holds a key and the digest. */
  g_assert_cmpint (utimes (model_file, times), ==, 0);
  g_clear_pointer (&path, g_free);
  path = fm_input_settings_path_for_file (model_file, &error);
  g_assert_no_error (error);
  assert_path_digest (path, "abcd");
  g_assert_true (g_file_get_contents (memo, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "v1 "));
  space = strrchr (text, ' ');
  g_assert_nonnull (space);
  g_assert_cmpuint (strlen (space), ==, 1 + 64 + 1);

  /* Believed while the file is unchanged: a forged digest comes back. */
  forged = g_strdup_printf ("%.*s %s\n", (int) (space - text), text,
                            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  write_file (memo, forged, -1);
  g_clear_pointer (&path, g_free);
  path = fm_input_settings_path_for_file (model_file, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path, G_DIR_SEPARATOR_S
                                   "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff.ini"));

  /* The same size rewritten in place (same inode), its time set apart:
   * hashed again. */
  {
    FILE *f = g_fopen (model_file, "r+b");

    g_assert_nonnull (f);
    g_assert_cmpint (fwrite ("abce", 1, 4, f), ==, 4);
    g_assert_cmpint (fclose (f), ==, 0);
    g_assert_cmpint (utimes (model_file, times), ==, 0);
  }
  g_clear_pointer (&path, g_free);
  path = fm_input_settings_path_for_file (model_file, &error);
  g_assert_no_error (error);
  assert_path_digest (path, "abce");

  /* Another size: hashed again. */
  write_file (model_file, "abc", 3);
  g_assert_cmpint (utimes (model_file, times), ==, 0);
  g_clear_pointer (&path, g_free);
  path = fm_input_settings_path_for_file (model_file, &error);
  g_assert_no_error (error);
  assert_path_digest (path, "abc");

  /* A damaged memo is ignored and written anew: empty, short, not ours,
   * a digest in upper case or with a non-hex digit, no newline, too
   * long. */
  {
    g_autofree char *good = NULL;
    g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
    int key_len;

    g_assert_true (g_file_get_contents (memo, &good, NULL, NULL));
    key_len = (int) (strrchr (good, ' ') - good);
    g_ptr_array_add (bad, g_strdup (""));
    g_ptr_array_add (bad, g_strdup ("v1\n"));
    g_ptr_array_add (bad, g_strdup ("garbage that is not a memo line at all\n"));
    g_ptr_array_add (bad, g_strdup_printf ("%.*s %s\n", key_len, good,
                                           "BA7816BF8F01CFEA414140DE5DAE2223"
                                           "B00361A396177A9CB410FF61F20015AD"));
    g_ptr_array_add (bad, g_strdup_printf ("%.*s %s\n", key_len, good,
                                           "ga7816bf8f01cfea414140de5dae2223"
                                           "b00361a396177a9cb410ff61f20015ad"));
    g_ptr_array_add (bad, g_strndup (good, strlen (good) - 1));
    g_ptr_array_add (bad, g_strnfill (300, 'x'));
    for (guint i = 0; i < bad->len; i++)
      {
        write_file (memo, g_ptr_array_index (bad, i), -1);
        g_clear_pointer (&path, g_free);
        path = fm_input_settings_path_for_file (model_file, &error);
        g_assert_no_error (error);
        assert_path_digest (path, "abc");
      }
  }
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (memo, &text, NULL, NULL));
  g_assert_true (g_str_has_suffix (text,
                                   " ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"));
}

static void
assert_same (const FmPreprocess *a,
             const FmPreprocess *b)
{
  g_assert_cmpmem (a, sizeof *a, b, sizeof *b);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = scratch_path ("new/folder");
  g_autofree char *path = g_build_filename (dir, "m.ini", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const float rgb[3] = { 0.2f, 0.4f, 0.6f };
  const float odd[3] = { 0.1f, 0.123456789f, 1.0f };
  FmPreprocess pp, back;

  /* Keras "caffe" with every other field away from its default. */
  fm_preprocess_init (&pp, 3, 224, 224);
  pp.order = FM_CHANNEL_ORDER_BGR;
  pp.range = FM_VALUE_RANGE_0_255;
  pp.resize = FM_RESIZE_CROP;
  pp.invert = FM_INVERT_YES;
  pp.mean[0] = 103.939f, pp.mean[1] = 116.779f, pp.mean[2] = 123.68f;
  pp.n_mean = 3;
  pp.std[0] = 1.0f;
  pp.n_std = 1;
  fm_preprocess_set_background (&pp, FALSE, rgb);
  g_assert_true (fm_input_settings_save (path, &pp, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_test_message ("%s", text);
  fm_test_assert_contains (text, "[Input]\n", "\npreset=custom\n", "\nchannels=bgr\n",
                           "\nrange=0-255\n", "\nresize=crop\n", "\nbackground=#336699\n",
                           "\nmean=103.939003,116.778999,123.68\n", "\nstd=1\n", "\ninvert=yes\n",
                           NULL);

  fm_preprocess_init (&back, 3, 224, 224);
  g_assert_true (fm_input_settings_load (path, &back, &error));
  g_assert_no_error (error);
  assert_same (&pp, &back);

  /* A preset is named; a background that is no #rrggbb keeps its floats;
   * saving again replaces the file. */
  fm_preprocess_init (&pp, 3, 224, 224);
  g_assert_true (fm_preprocess_apply_preset (&pp, "imagenet", NULL));
  fm_preprocess_set_background (&pp, FALSE, odd);
  g_assert_true (fm_input_settings_save (path, &pp, &error));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\npreset=imagenet\n"));
  fm_preprocess_init (&back, 3, 224, 224);
  g_assert_true (fm_input_settings_load (path, &back, &error));
  assert_same (&pp, &back);
  g_assert_cmpstr (fm_preprocess_get_preset (&back), ==, "imagenet");

  /* Gray, auto background, the model's black background kept. */
  fm_preprocess_init (&pp, 1, 28, 28);
  pp.background_black = TRUE;
  g_assert_true (fm_preprocess_apply_preset (&pp, "mnist", NULL));
  g_assert_true (fm_input_settings_save (path, &pp, &error));
  fm_preprocess_init (&back, 1, 28, 28);
  back.background_black = TRUE;
  g_assert_true (fm_input_settings_load (path, &back, &error));
  assert_same (&pp, &back);

  /* A write that fails (a file-size limit below the file's size) names
   * the file and keeps the old one, byte for byte, alone in its folder. */
  {
    g_autofree char *old = NULL;
    FmTestFsize saved;

    g_assert_true (g_file_get_contents (path, &old, NULL, NULL));
    fm_test_fsize_limit (16, &saved);
    g_assert_true (fm_preprocess_apply_preset (&pp, "none", NULL));
    g_assert_false (fm_input_settings_save (path, &pp, &error));
    fm_test_fsize_restore (&saved);
    g_assert_error (error, FM_ERROR, FM_ERROR_IO);
    g_assert_nonnull (strstr (error->message, path));
    g_clear_error (&error);
    fm_test_assert_file_is (path, old);
    fm_test_assert_listing (dir, "m.ini");
  }

  /* A folder that cannot be made names the file. */
  {
    g_autofree char *blocker = scratch_path ("blocker");
    g_autofree char *under = g_build_filename (blocker, "sub", "m.ini", NULL);

    write_file (blocker, "a file, not a folder", -1);
    g_assert_false (fm_input_settings_save (under, &pp, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_IO);
    g_assert_true (g_str_has_prefix (error->message, under));
  }
}

static void
test_missing_and_partial (void)
{
  g_autofree char *path = scratch_path ("partial.ini");
  g_autofree char *missing = scratch_path ("no-such.ini");
  g_autoptr(GError) error = NULL;
  FmPreprocess pp, before;

  fm_preprocess_init (&pp, 3, 32, 32);
  pp.mean[0] = 0.5f;
  before = pp;
  g_assert_false (fm_input_settings_load (missing, &pp, &error));
  g_assert_no_error (error);
  assert_same (&pp, &before);

  /* Only invert and resize: the rest stays; unknown keys and groups and
   * comments are ignored. */
  write_file (path,
              "# by hand\n"
              "[Input]\n"
              "invert=no\n"
              "resize=stretch\n"
              "zoom=3\n"
              "[Later]\n"
              "mean=x\n", -1);
  g_assert_true (fm_input_settings_load (path, &pp, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pp.invert, ==, FM_INVERT_NO);
  g_assert_cmpint (pp.resize, ==, FM_RESIZE_STRETCH);
  before.invert = FM_INVERT_NO;
  before.resize = FM_RESIZE_STRETCH;
  assert_same (&pp, &before);
}

typedef struct
{
  const char *text;
  int         channels;
  int         code;
  const char *needle;   /* in the message, after "PATH: " */
} BadFile;

static void
test_bad_files (void)
{
  g_autofree char *path = scratch_path ("bad.ini");
  g_autofree char *long_value = NULL;
  const BadFile cases[] = {
    { "[Input]\nmean=0.1x\n", 1, FM_ERROR_INVALID_INPUT, "key mean: '0.1x' is not a number" },
    { "[Input]\nmean=\n", 1, FM_ERROR_INVALID_INPUT, "key mean" },
    { "[Input]\nmean=0.1,0.2\n", 1, FM_ERROR_INVALID_INPUT, "key mean: 2 values" },
    { "[Input]\nmean=0.1,0.2\n", 3, FM_ERROR_INVALID_INPUT, "key mean: 2 values" },
    { "[Input]\nmean=1,2,3,4,5,6,7,8,9\n", 3, FM_ERROR_INVALID_INPUT, "more than 8 values" },
    { "[Input]\nmean=inf\n", 1, FM_ERROR_INVALID_INPUT, "key mean" },
    { "[Input]\nmean=1e39\n", 1, FM_ERROR_INVALID_INPUT, "key mean" },
    { "[Input]\nstd=0\n", 1, FM_ERROR_INVALID_INPUT, "key std: a std of 0 is not a positive" },
    { "[Input]\nstd=1,0,1\n", 3, FM_ERROR_INVALID_INPUT, "key std: a std of 0 is not a positive" },
    { "[Input]\nstd=-0.5\n", 1, FM_ERROR_INVALID_INPUT,
      "key std: a std of -0.5 is not a positive" },
    { "[Input]\nstd=nan\n", 1, FM_ERROR_INVALID_INPUT, "key std: 'nan' is not a finite" },
    { "[Input]\nstd=NaN\n", 3, FM_ERROR_INVALID_INPUT, "key std" },
    { "[Input]\nchannels=rgb\n", 1, FM_ERROR_INVALID_INPUT, "key channels: 'rgb' does not fit" },
    { "[Input]\nchannels=gray\n", 3, FM_ERROR_INVALID_INPUT, "key channels: 'gray' does not fit" },
    { "[Input]\nchannels=3\n", 3, FM_ERROR_INVALID_INPUT, "key channels: '3' is not one of" },
    { "[Input]\nrange=0-2\n", 1, FM_ERROR_INVALID_INPUT, "key range: '0-2' is not one of" },
    { "[Input]\nresize=zoom\n", 1, FM_ERROR_INVALID_INPUT, "key resize" },
    { "[Input]\nbackground=#zzzzzz\n", 1, FM_ERROR_INVALID_INPUT, "key background" },
    { "[Input]\nbackground=2,0,0\n", 3, FM_ERROR_INVALID_INPUT, "key background" },
    { "[Input]\ninvert=maybe\n", 1, FM_ERROR_INVALID_INPUT,
      "key invert: 'maybe' is not one of auto, yes, no" },
    { "[Input]\nmean=\xff\xfe\n", 1, FM_ERROR_INVALID_INPUT, "key mean: the value is not UTF-8" },
    { "[Input]\ninvert=yes\nstd=0\n", 1, FM_ERROR_INVALID_INPUT, "key std" },
    { "[Other]\nmean=1\n", 1, FM_ERROR_INVALID_INPUT, "no [Input] group" },
    { "", 1, FM_ERROR_INVALID_INPUT, "no [Input] group" },
    { "mean=1\n", 1, FM_ERROR_INVALID_INPUT, "not an input settings file" },
    { "\x89PNG\r\n\x1a\n", 1, FM_ERROR_INVALID_INPUT, "not an input settings file" },
    { "[Input\n", 1, FM_ERROR_INVALID_INPUT, "not an input settings file" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases) + 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *prefix = g_strconcat (path, ": ", NULL);
      FmPreprocess pp, before;
      BadFile c;

      if (i < G_N_ELEMENTS (cases))
        {
          c = cases[i];
          write_file (path, c.text, -1);
        }
      else if (i == G_N_ELEMENTS (cases))
        {
          /* A value longer than any we write. */
          long_value = g_strnfill (300, '1');
          c = (BadFile) { NULL, 1, FM_ERROR_INVALID_INPUT, "key mean: the value is longer" };
          {
            g_autofree char *text = g_strconcat ("[Input]\nmean=", long_value, "\n", NULL);
            write_file (path, text, -1);
          }
        }
      else
        {
          /* A NUL byte. */
          c = (BadFile) { NULL, 1, FM_ERROR_INVALID_INPUT, "not an input settings file" };
          write_file (path, "[Input]\ninvert=no\0\n", 19);
        }

      fm_preprocess_init (&pp, c.channels, 8, 8);
      before = pp;
      g_assert_false (fm_input_settings_load (path, &pp, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_error (error, FM_ERROR, c.code);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (strstr (error->message, c.needle) == NULL)
        g_error ("case %u: '%s' lacks '%s'", i, error->message, c.needle);
      assert_same (&pp, &before);
    }
}

/* The size limit at its boundary: a valid file of exactly
 * FM_INPUT_SETTINGS_MAX_BYTES loads, one byte more is FM_ERROR_LIMIT,
 * and so is a huge one (refused before it is read). A folder is an I/O
 * error. */
static void
test_limits (void)
{
  g_autofree char *path = scratch_path ("size.ini");
  g_autofree char *folder = scratch_path ("folder.ini");
  g_autoptr(GString) text = g_string_new ("[Input]\ninvert=no\n");
  g_autoptr(GError) error = NULL;
  FmPreprocess pp, before;

  /* Pad with a comment line up to the limit, ending in a newline. */
  g_string_append_c (text, '#');
  while (text->len < FM_INPUT_SETTINGS_MAX_BYTES - 1)
    g_string_append_c (text, 'x');
  g_string_append_c (text, '\n');
  g_assert_cmpuint (text->len, ==, FM_INPUT_SETTINGS_MAX_BYTES);
  write_file (path, text->str, text->len);
  fm_preprocess_init (&pp, 1, 8, 8);
  g_assert_true (fm_input_settings_load (path, &pp, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pp.invert, ==, FM_INVERT_NO);

  g_string_insert_c (text, text->len - 1, 'x');
  write_file (path, text->str, text->len);
  fm_preprocess_init (&pp, 1, 8, 8);
  before = pp;
  g_assert_false (fm_input_settings_load (path, &pp, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "65536"));
  assert_same (&pp, &before);
  g_clear_error (&error);

  /* 8 MiB of nonsense. */
  {
    gsize big = 8 << 20;
    g_autofree char *junk = g_malloc (big);

    memset (junk, '[', big);
    write_file (path, junk, big);
    g_assert_false (fm_input_settings_load (path, &pp, &error));
    g_assert_error (error, FM_ERROR, FM_ERROR_LIMIT);
    g_assert_true (g_str_has_prefix (error->message, path));
    g_clear_error (&error);
  }

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_false (fm_input_settings_load (folder, &pp, &error));
  g_assert_error (error, FM_ERROR, FM_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, folder));
  assert_same (&pp, &before);
}

int
main (int   argc,
      char *argv[])
{
  /* Before g_test_init (): GLib reads XDG_DATA_HOME and XDG_CACHE_HOME
   * once. */
  g_autofree char *data_home = fm_test_fresh_dir (fm_test_scratch (), "data");
  g_autofree char *cache_home = fm_test_fresh_dir (fm_test_scratch (), "cache");

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/input-settings/path", test_path);
  g_test_add_func ("/engine/input-settings/digest-memo", test_digest_memo);
  g_test_add_func ("/engine/input-settings/round-trip", test_round_trip);
  g_test_add_func ("/engine/input-settings/missing-and-partial", test_missing_and_partial);
  g_test_add_func ("/engine/input-settings/bad-files", test_bad_files);
  g_test_add_func ("/engine/input-settings/limits", test_limits);

  return g_test_run ();
}
