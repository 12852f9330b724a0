/* test-cli-merge.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps scan --shard K/N -o FILE` and `feature-maps merge`, run
 * as on a cluster: four shard processes of the bundled dying model over
 * the bundled digits, all started before any is waited for, then the
 * merge of their files (in two orders) against the unsharded `scan
 * --json`: every member equal but the elapsed time and what says how the
 * result was made; the raw sums ("sum") and APoZ within 1e-9 relative,
 * the float means within one float rounding. Then what is refused:
 * a gap (exit 1, naming the parts and the items), a file that is not a
 * scan, bad --shard values and no parts (usage errors, exit 2).
 */
#include "config.h"

#include "fm-test-cli.h"
#include "fm-test-files.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#define N_SHARDS 4

static const char *binary;
static const char *cache_dir;

#define run_cmd(sub, out, err, ...) \
  fm_test_cli_run (binary, sub, (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL }, \
                   out, err, NULL, FM_TEST_CLI_ARGS (__VA_ARGS__))

static char *
part_path (guint k)
{
  g_autofree char *name = g_strdup_printf ("part-%u.json", k);

  return g_build_filename (fm_test_scratch (), name, NULL);
}

/* The N shard scans as separate processes running at the same time. */
static void
scan_shards_in_parallel (void)
{
  GSubprocess *procs[N_SHARDS];

  for (guint k = 1; k <= N_SHARDS; k++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                   G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_autofree char *shard = g_strdup_printf ("%u/%u", k, N_SHARDS);
      g_autofree char *out = part_path (k);
      GError *error = NULL;

      g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache_dir, TRUE);
      g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
      procs[k - 1] = g_subprocess_launcher_spawn (launcher, &error, binary, "scan",
                                                  "mnist-cnn-dying", "mnist-heldout",
                                                  "--rare-below", "0.2", "--threads", "1",
                                                  "--shard", shard, "-o", out, NULL);
      g_assert_no_error (error);
    }
  /* Only now is any of them waited for. */
  for (guint k = 0; k < N_SHARDS; k++)
    {
      g_autofree char *err = NULL;
      GError *error = NULL;

      g_assert_true (g_subprocess_communicate_utf8 (procs[k], NULL, NULL, NULL, &err, &error));
      g_assert_no_error (error);
      if (!g_subprocess_get_if_exited (procs[k]) || g_subprocess_get_exit_status (procs[k]) != 0)
        g_error ("shard %u/%d failed: %s", k + 1, N_SHARDS, err);
      g_object_unref (procs[k]);
    }
}

/* ---- comparing JSON ------------------------------------------------------ */

static gboolean
is_close_member (const char *name)
{
  static const char *const close[] = { "sum", "apoz", "apoz_mean", "apoz_std", NULL };

  return name != NULL && g_strv_contains (close, name);
}

static void assert_nodes_equal (JsonNode *a, JsonNode *b, const char *member,
                                const char *where);

static void
assert_numbers_equal (JsonNode   *a,
                      JsonNode   *b,
                      const char *member,
                      const char *where)
{
  double x = json_node_get_double (a), y = json_node_get_double (b);
  double tolerance = 0;

  if (is_close_member (member))
    tolerance = 1e-9 * MAX (fabs (x), fabs (y));
  else if (g_strcmp0 (member, "mean") == 0)
    /* a float of the double sum / count: one float rounding apart at most */
    tolerance = 1.2e-7 * MAX (fabs (x), fabs (y));
  if (fabs (x - y) > tolerance)
    g_error ("%s: %.17g and %.17g differ", where, x, y);
}

static void
assert_objects_equal (JsonObject *a,
                      JsonObject *b,
                      const char *where)
{
  /* How the result was made, not what it found. */
  static const char *const skip[] = { "elapsed", "parts", "shard", "dataset_key", NULL };
  g_autoptr(GList) members = json_object_get_members (a);
  guint skipped_a = 0, skipped_b = 0;

  for (guint i = 0; skip[i] != NULL; i++)
    {
      skipped_a += json_object_has_member (a, skip[i]);
      skipped_b += json_object_has_member (b, skip[i]);
    }
  if (json_object_get_size (a) - skipped_a != json_object_get_size (b) - skipped_b)
    g_error ("%s: %u and %u members", where, json_object_get_size (a) - skipped_a,
             json_object_get_size (b) - skipped_b);
  for (GList *m = members; m != NULL; m = m->next)
    {
      g_autofree char *here = g_strdup_printf ("%s.%s", where, (const char *) m->data);

      if (g_strv_contains (skip, m->data))
        continue;
      if (!json_object_has_member (b, m->data))
        g_error ("%s is missing", here);
      assert_nodes_equal (json_object_get_member (a, m->data),
                          json_object_get_member (b, m->data), m->data, here);
    }
}

static void
assert_nodes_equal (JsonNode   *a,
                    JsonNode   *b,
                    const char *member,
                    const char *where)
{
  if (json_node_get_node_type (a) != json_node_get_node_type (b))
    g_error ("%s: different kinds of value", where);
  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_OBJECT:
      assert_objects_equal (json_node_get_object (a), json_node_get_object (b), where);
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a), *y = json_node_get_array (b);

        g_assert_cmpuint (json_array_get_length (x), ==, json_array_get_length (y));
        for (guint i = 0; i < json_array_get_length (x); i++)
          {
            g_autofree char *here = g_strdup_printf ("%s[%u]", where, i);

            assert_nodes_equal (json_array_get_element (x, i), json_array_get_element (y, i),
                                member, here);
          }
        break;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) == G_TYPE_STRING ||
          json_node_get_value_type (a) == G_TYPE_BOOLEAN)
        {
          g_autofree char *x = json_to_string (a, FALSE), *y = json_to_string (b, FALSE);

          if (strcmp (x, y) != 0)
            g_error ("%s: %s and %s differ", where, x, y);
        }
      else
        assert_numbers_equal (a, b, member, where);
      break;
    case JSON_NODE_NULL:
      break;
    }
}

/* ---- the tests ------------------------------------------------------------ */

static void
test_parallel_shards (void)
{
  g_autofree char *whole_out = NULL, *merged_out = NULL, *reversed_out = NULL;
  g_autofree char *text_out = NULL, *err = NULL;
  g_autofree char *merged_file = g_build_filename (fm_test_scratch (), "merged.json", NULL);
  g_autofree char *merged_text = NULL;
  g_autoptr(JsonParser) p_whole = json_parser_new ();
  g_autoptr(JsonParser) p_merged = json_parser_new ();
  g_autoptr(JsonParser) p_reversed = json_parser_new ();
  char *part[N_SHARDS + 1] = { NULL };
  JsonObject *whole, *merged;

  for (guint k = 1; k <= N_SHARDS; k++)
    part[k] = part_path (k);
  scan_shards_in_parallel ();

  g_assert_cmpint (run_cmd ("scan", &whole_out, &err, "mnist-cnn-dying", "mnist-heldout",
                            "--rare-below", "0.2", "--no-cache", "--json", NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  whole = fm_test_cli_parse_object (p_whole, whole_out);
  g_assert_cmpint (json_object_get_int_member (whole, "images"), ==, 2000);

  g_assert_cmpint (run_cmd ("merge", &merged_out, &err, part[1], part[2], part[3], part[4],
                            "--json", "-o", merged_file, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  merged = fm_test_cli_parse_object (p_merged, merged_out);
  g_assert_cmpint (json_object_get_int_member (merged, "parts"), ==, N_SHARDS);
  assert_objects_equal (merged, whole, "merged");
  assert_objects_equal (whole, merged, "whole");

  /* The file written is the object printed. */
  g_assert_true (g_file_get_contents (merged_file, &merged_text, NULL, NULL));
  g_assert_cmpstr (merged_text, ==, merged_out);

  /* Any order on the command line. */
  g_assert_cmpint (run_cmd ("merge", &reversed_out, &err, part[4], part[2], part[3], part[1],
                            "--json", NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  assert_objects_equal (fm_test_cli_parse_object (p_reversed, reversed_out), whole, "reversed");

  /* The text report says what it was made of. */
  g_assert_cmpint (run_cmd ("merge", &text_out, &err, part[1], part[2], part[3], part[4],
                            NULL), ==, 0);
  fm_test_assert_contains (text_out, "Merged 2000 images from 4 parts", NULL);
  fm_test_assert_contains (text_out, "Dead channels", NULL);
  g_clear_pointer (&text_out, g_free);
  g_clear_pointer (&err, g_free);

  /* A shard again: its own range from the cache, not another shard's. */
  g_assert_cmpint (run_cmd ("scan", &text_out, &err, "mnist-cnn-dying", "mnist-heldout",
                            "--rare-below", "0.2", "--shard", "2/4", NULL), ==, 0);
  fm_test_assert_contains (text_out, "Shard 2 of 4: items 500 to 999 of 2000",
                           "(result from the cache)", NULL);
  for (guint k = 1; k <= N_SHARDS; k++)
    g_free (part[k]);
}

static void
test_refusals (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *p1 = part_path (1), *p3 = part_path (3);
  g_autofree char *junk = g_build_filename (fm_test_scratch (), "junk.json", NULL);

  if (!g_file_test (p1, G_FILE_TEST_EXISTS))
    scan_shards_in_parallel ();

  /* parts 1 and 3 of 4: items 500 to 999 are in none */
  g_assert_cmpint (run_cmd ("merge", &out, &err, p3, p1, NULL), ==, 1);
  fm_test_assert_contains (err, "part-3.json covers items 1000 to 1499", NULL);
  fm_test_assert_contains (err, "part-1.json ends at item 499", NULL);
  fm_test_assert_contains (err, "no part covers items 500 to 999", NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (junk, "{\"images\": 3}", -1, NULL));
  g_assert_cmpint (run_cmd ("merge", &out, &err, p1, junk, NULL), ==, 1);
  fm_test_assert_contains (err, "junk.json", NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cmd ("merge", &out, &err, NULL), ==, 2);
  fm_test_assert_contains (err, "missing PART.json", NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  for (guint i = 0; i < 5; i++)
    {
      static const char *const bad[] = { "0/4", "5/4", "4", "a/b", "1/4/2" };

      g_assert_cmpint (run_cmd ("scan", &out, &err, "mnist-cnn-dying", "mnist-heldout",
                                "--shard", bad[i], NULL), ==, 2);
      fm_test_assert_contains (err, "--shard must be K/N", NULL);
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
    }
}

int
main (int    argc,
      char **argv)
{
  binary = fm_test_cli_init_cached (&argc, &argv, &cache_dir);

  g_test_add_func ("/cli/merge/parallel-shards", test_parallel_shards);
  g_test_add_func ("/cli/merge/refusals", test_refusals);
  return g_test_run ();
}
