/* test-cli-timeline.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps timeline`, run as a user would, on the bundled checkpoint
 * series of the dying model (data/models/mnist-cnn-dying-checkpoints/)
 * over the bundled digits:
 *  - each checkpoint's dead ReLU channels equal PyTorch's, which
 *    build-aux/train-mnist.py computed while training and committed
 *    (tests/fixtures/mnist/mnist-cnn-dying-checkpoints/dead.json);
 *  - under the table, the channels dead at the last checkpoint since
 *    when, and those that came back, as PyTorch's dead lists say;
 *  - the table has a row per checkpoint, its layers' columns named apart
 *    past Z too (AA, AB), or a row per layer when there are more layers
 *    than checkpoints;
 *  - files are taken in natural order (epoch-2 before epoch-10), and files
 *    of the same name in natural order of their folders, which their
 *    labels name (step-2/model.onnx before step-10/model.onnx);
 *  - a checkpoint of another network is reported and not compared, and
 *    so is one of the same layers exported for another input size;
 *  - a damaged checkpoint is reported by name and the others are still
 *    scanned (exit status 1);
 *  - Ctrl+C keeps the checkpoints already finished;
 *  - the figure: a PNG of the right kind, a PDF whose text names the
 *    layers; another extension and a missing --dataset are usage errors.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "fm-test-cli.h"
#include "fm-test-files.h"
#include "fm-test-png.h"
#include "fm-test-onnx.h"

static const char *binary;
static const char *cache_dir;

static char *
checkpoints_dir (void)
{
  return g_build_filename (FM_SOURCE_DATADIR, "models", "mnist-cnn-dying-checkpoints", NULL);
}

/* `feature-maps timeline ARGS` with its own scan cache; returns the exit
 * status. */
#define run_timeline(out, err, ...) \
  fm_test_cli_run (binary, "timeline", (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL }, \
                   out, err, NULL, FM_TEST_CLI_ARGS (__VA_ARGS__))

static JsonObject *
load_fixture (JsonParser *parser)
{
  g_autofree char *path = g_build_filename (FM_TEST_SRCDIR, "fixtures", "mnist",
                                            "mnist-cnn-dying-checkpoints", "dead.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_same_ints (JsonArray *got,
                  JsonArray *want)
{
  g_assert_cmpuint (json_array_get_length (got), ==, json_array_get_length (want));
  for (guint j = 0; j < json_array_get_length (want); j++)
    g_assert_cmpint (json_array_get_int_element (got, j), ==, json_array_get_int_element (want, j));
}

static void
test_bundled (void)
{
  g_autofree char *dir = checkpoints_dir ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) fixture_parser = json_parser_new ();
  JsonObject *fixture = load_fixture (fixture_parser);
  JsonArray *want = json_object_get_array_member (fixture, "checkpoints");
  JsonObject *o;
  JsonArray *got;
  guint first_dead = 0, last_dead = 0;

  g_assert_cmpint (run_timeline (&out, &err, dir, "--dataset", "mnist-heldout", "--json",
                                 NULL), ==, 0);
  o = fm_test_cli_parse_object (parser, out);
  g_assert_cmpint (json_object_get_int_member (o, "images"), ==,
                   json_object_get_int_member (fixture, "images"));
  g_assert_false (json_object_get_boolean_member (o, "cancelled"));
  got = json_object_get_array_member (o, "checkpoints");
  /* The series runs from the initial weights to the end of training. */
  g_assert_cmpuint (json_array_get_length (want), >=, 6);
  g_assert_cmpuint (json_array_get_length (got), ==, json_array_get_length (want));
  for (guint k = 0; k < json_array_get_length (want); k++)
    {
      JsonObject *w = json_array_get_object_element (want, k);
      JsonObject *g = json_array_get_object_element (got, k);
      g_autofree char *base = g_path_get_basename (json_object_get_string_member (g, "model"));
      JsonArray *want_layers = json_object_get_array_member (w, "layers");
      g_autofree char *line = NULL;
      guint sum = 0;

      g_assert_cmpstr (base, ==, json_object_get_string_member (w, "model"));
      for (guint l = 0; l < json_array_get_length (want_layers); l++)
        {
          JsonObject *wl = json_array_get_object_element (want_layers, l);
          JsonObject *gl = fm_test_cli_find_layer (g, json_object_get_string_member (wl, "name"));
          JsonArray *dead = json_object_get_array_member (wl, "dead");

          assert_same_ints (json_object_get_array_member (gl, "dead"), dead);
          sum += json_array_get_length (dead);
          if (k == 0)
            first_dead += json_array_get_length (dead);
          if (k + 1 == json_array_get_length (want))
            last_dead += json_array_get_length (dead);
        }
      /* stderr's line counts each dead ReLU channel once (PyTorch's ReLU
       * layers), not again in the pool after it. */
      line = g_strdup_printf ("%s: %" G_GINT64_FORMAT " images, %u dead channel", base,
                              json_object_get_int_member (fixture, "images"), sum);
      g_assert_nonnull (strstr (err, line));
    }
  /* The series shows channels dying: fewer dead at the start than at the
   * end. */
  g_assert_cmpuint (first_dead, <, last_dead);
}

/* Whether channel @c is in checkpoint @k's dead list of layer @l in the
 * fixture's @want. */
static gboolean
fixture_dead (JsonArray *want,
              guint      k,
              guint      l,
              gint64     c)
{
  JsonObject *layer = json_array_get_object_element (
    json_object_get_array_member (json_array_get_object_element (want, k), "layers"), l);
  JsonArray *dead = json_object_get_array_member (layer, "dead");

  for (guint j = 0; j < json_array_get_length (dead); j++)
    if (json_array_get_int_element (dead, j) == c)
      return TRUE;
  return FALSE;
}

/* Appends the channels c (ascending) with @at[c] == @k to @line as
 * "1,9,11-12 WORD LABEL" (consecutive ones as a range), after "; " when
 * @line is not empty. */
static void
append_group (GString    *line,
              const int  *at,
              guint       channels,
              int         k,
              const char *word,
              const char *label)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint c = 0; c < channels; c++)
    {
      guint e = c;

      if (at[c] != k)
        continue;
      while (e + 1 < channels && at[e + 1] == k)
        e++;
      g_string_append_printf (list, "%s%u", list->len > 0 ? "," : "", c);
      if (e > c)
        g_string_append_printf (list, "-%u", e);
      c = e;
    }
  if (list->len > 0)
    g_string_append_printf (line, "%s%s %s %s", line->len > 0 ? "; " : "", list->str, word,
                            label);
}

/* The text under the table answers "since when?" as PyTorch's dead lists
 * of the bundled series (dead.json) do: per ReLU layer, the channels dead
 * at the last epoch grouped by the first epoch of the run of dead epochs
 * that lasts to the end, and the channels that came back grouped by the
 * last epoch they were dead at. It showed counts only: 24 dead in relu2 at
 * epoch 1 and 24 at epoch 2 hid that channels died while others came back. */
static void
test_since (void)
{
  g_autofree char *dir = checkpoints_dir ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) fixture_parser = json_parser_new ();
  JsonArray *want = json_object_get_array_member (load_fixture (fixture_parser), "checkpoints");
  guint n = json_array_get_length (want);
  JsonArray *layers = json_object_get_array_member (json_array_get_object_element (want, 0),
                                                    "layers");
  const char *last = json_object_get_string_member (json_array_get_object_element (want, n - 1),
                                                    "model");
  g_autofree char *heading = g_strdup_printf ("\nDead at the last checkpoint (%s), and since "
                                              "when:\n", last);

  g_assert_cmpint (run_timeline (&out, &err, dir, "--dataset", "mnist-heldout", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, heading));
  for (guint l = 0; l < json_array_get_length (layers); l++)
    {
      const char *name = json_object_get_string_member (
        json_array_get_object_element (layers, l), "name");
      int since[32], last_dead[32];
      g_autoptr(GString) dead = g_string_new (NULL);
      g_autoptr(GString) back = g_string_new (NULL);

      for (guint c = 0; c < 32; c++)
        {
          guint k = n;

          since[c] = last_dead[c] = -1;
          while (k > 0 && fixture_dead (want, k - 1, l, c))
            k--;
          if (k < n)
            since[c] = (int) k;
          for (k = n; since[c] < 0 && k > 0; k--)
            if (fixture_dead (want, k - 1, l, c))
              {
                last_dead[c] = (int) k - 1;
                break;
              }
        }
      for (guint k = 0; k < n; k++)
        {
          const char *label = json_object_get_string_member (
            json_array_get_object_element (want, k), "model");

          append_group (dead, since, 32, (int) k, "since", label);
          append_group (back, last_dead, 32, (int) k, "last dead at", label);
        }
      g_assert_cmpuint (dead->len, >, 0);
      {
        g_autofree char *line = g_strdup_printf ("\n  %s: %s\n", name, dead->str);

        g_assert_nonnull (strstr (out, line));
      }
      if (back->len > 0)
        {
          g_autofree char *line = g_strdup_printf ("\n  %s: %s\n", name, back->str);
          const char *section = strstr (out, "\nCame back (dead at an earlier checkpoint");

          g_assert_nonnull (section);
          g_assert_nonnull (strstr (section, line));
        }
    }
}

/* A folder with copies of two checkpoints named so that the natural order
 * differs from the byte order, and a damaged one. */
static char *
make_series (gboolean damaged)
{
  g_autofree char *src = checkpoints_dir ();
  g_autofree char *first = g_build_filename (src, "epoch-0.onnx", NULL);
  g_autofree char *last = g_build_filename (src, "epoch-8.onnx", NULL);
  char *dir = fm_test_fresh_dir (fm_test_scratch (), damaged ? "damaged" : "natural");
  static const char *const names[] = { "epoch-10.onnx", "epoch-2.onnx", "epoch-1.onnx" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *bytes = NULL;
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      gsize len;

      g_assert_true (g_file_get_contents (i == 0 ? last : first, &bytes, &len, NULL));
      if (damaged && i == 1)
        len /= 2;  /* cut in the middle */
      g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
    }
  return dir;
}

static void
test_order_and_damage (void)
{
  g_autofree char *natural = make_series (FALSE);
  g_autofree char *damaged = make_series (TRUE);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  static const char *const order[] = { "epoch-1.onnx", "epoch-2.onnx", "epoch-10.onnx" };
  JsonArray *got;

  g_assert_cmpint (run_timeline (&out, &err, natural, "--dataset", "mnist-heldout", "--json",
                                 "--limit", "50", NULL), ==, 0);
  got = json_object_get_array_member (fm_test_cli_parse_object (parser, out), "checkpoints");
  g_assert_cmpuint (json_array_get_length (got), ==, 3);
  for (guint k = 0; k < 3; k++)
    {
      g_autofree char *base = g_path_get_basename (
        json_object_get_string_member (json_array_get_object_element (got, k), "model"));

      g_assert_cmpstr (base, ==, order[k]);
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* epoch-2.onnx is cut in half: named on stderr and in the JSON, the
   * other two scanned, exit status 1. */
  g_assert_cmpint (run_timeline (&out, &err, damaged, "--dataset", "mnist-heldout", "--json",
                                 "--limit", "50", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "epoch-2.onnx"));
  {
    g_autoptr(JsonParser) p2 = json_parser_new ();
    JsonArray *cps = json_object_get_array_member (fm_test_cli_parse_object (p2, out),
                                                   "checkpoints");
    JsonObject *broken = json_array_get_object_element (cps, 1);

    g_assert_cmpuint (json_array_get_length (cps), ==, 3);
    g_assert_true (json_object_has_member (broken, "error"));
    g_assert_nonnull (strstr (json_object_get_string_member (broken, "error"), "epoch-2.onnx"));
    g_assert_true (json_object_has_member (json_array_get_object_element (cps, 0), "layers"));
    g_assert_true (json_object_has_member (json_array_get_object_element (cps, 2), "layers"));
  }
}

/* Copies @src to @dir/@sub/@name and returns the new path. */
static char *
copy_checkpoint (const char *src,
                 const char *dir,
                 const char *sub,
                 const char *name)
{
  g_autofree char *bytes = NULL;
  g_autofree char *folder = g_build_filename (dir, sub, NULL);
  char *path = g_build_filename (folder, name, NULL);
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_get_contents (src, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
  return path;
}

/* A training that saves step-N/model.onnx, given in the shell's order
 * (step-10 before step-2): taken in the steps' order, and each named by
 * its folder above the table. */
static void
test_same_names (void)
{
  g_autofree char *src = checkpoints_dir ();
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "same-names");
  static const char *const steps[] = { "step-0", "step-1", "step-10", "step-2" };
  static const char *const epochs[] = { "epoch-0.onnx", "epoch-1.onnx", "epoch-8.onnx",
                                        "epoch-2.onnx" };
  static const guint order[] = { 0, 1, 3, 2 };   /* into steps[] */
  char *paths[4];
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *got;
  const char *at = NULL;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *epoch = g_build_filename (src, epochs[i], NULL);

      paths[i] = copy_checkpoint (epoch, dir, steps[i], "model.onnx");
    }
  g_assert_cmpint (run_timeline (&out, &err, paths[0], paths[1], paths[2], paths[3],
                                 "--dataset", "mnist-heldout", "--json", "--limit", "50", NULL),
                   ==, 0);
  got = json_object_get_array_member (fm_test_cli_parse_object (parser, out), "checkpoints");
  g_assert_cmpuint (json_array_get_length (got), ==, 4);
  for (guint k = 0; k < 4; k++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (got, k),
                                                    "model"), ==, paths[order[k]]);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The checkpoints above the table, in order, each named by its folder. */
  g_assert_cmpint (run_timeline (&out, &err, paths[0], paths[1], paths[2], paths[3],
                                 "--dataset", "mnist-heldout", "--limit", "50", NULL), ==, 0);
  at = out;
  for (guint k = 0; k < 4; k++)
    {
      /* (a network of more layers than checkpoints: they are numbered
       * columns, named in this order above the table) */
      g_autofree char *row = g_strdup_printf ("\n  %u  %s/model.onnx\n", k + 1,
                                              steps[order[k]]);

      at = strstr (at, row);
      g_assert_nonnull (at);
    }
  for (guint i = 0; i < 4; i++)
    g_free (paths[i]);
}

/* --json's @out of three checkpoints: the second has no layers and an
 * error holding @why; the first and the third have their layers. */
static void
assert_second_left_out (const char *out,
                        const char *why)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *cps = json_object_get_array_member (fm_test_cli_parse_object (parser, out),
                                                 "checkpoints");
  JsonObject *other;

  g_assert_cmpuint (json_array_get_length (cps), ==, 3);
  other = json_array_get_object_element (cps, 1);
  g_assert_false (json_object_has_member (other, "layers"));
  g_assert_nonnull (strstr (json_object_get_string_member (other, "error"), why));
  g_assert_true (json_object_has_member (json_array_get_object_element (cps, 0), "layers"));
  g_assert_true (json_object_has_member (json_array_get_object_element (cps, 2), "layers"));
}

/* A folder that mixes in another network (the LeNet fixture): that
 * checkpoint is named on stderr as not the same network and its row says
 * why; the others are scanned; exit status 1. */
static void
test_other_network (void)
{
  g_autofree char *src = checkpoints_dir ();
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "other-network");
  g_autofree char *epoch = g_build_filename (src, "epoch-3.onnx", NULL);
  g_autofree char *lenet = g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", "lenet",
                                             "model.onnx", NULL);
  g_autofree char *a = copy_checkpoint (epoch, dir, "run", "epoch-1.onnx");
  g_autofree char *b = copy_checkpoint (lenet, dir, "run", "epoch-2.onnx");
  g_autofree char *c = copy_checkpoint (epoch, dir, "run", "epoch-3.onnx");
  g_autofree char *folder = g_path_get_dirname (a);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_timeline (&out, &err, folder, "--dataset", "mnist-heldout", "--json",
                                 "--limit", "50", NULL), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "epoch-2.onnx is not the same network as epoch-1.onnx: "));
  assert_second_left_out (out, "is not the same network");
}

/* Writes @bytes to @dir/@name. */
static void
write_model (const char *dir,
             const char *name,
             GByteArray *bytes)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
}

/* The same network (one Relu of one channel) exported for 8 x 8 inputs,
 * then for 6 x 6, then 8 x 8 again: the second is named on stderr and in
 * its JSON entry as taking another input size (each map of 36 pixels, not
 * 64) and is left out; the others are scanned; exit status 1. It was
 * scanned at its own size and its dead channels put beside the others'. */
static void
test_other_size (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "other-size");
  g_autoptr(GByteArray) big = fm_test_relu_model (8, 8, FALSE, NULL);
  g_autoptr(GByteArray) small = fm_test_relu_model (6, 6, FALSE, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  write_model (dir, "epoch-1.onnx", big);
  write_model (dir, "epoch-2.onnx", small);
  write_model (dir, "epoch-3.onnx", big);
  g_assert_cmpint (run_timeline (&out, &err, dir, "--dataset", "mnist-heldout", "--json",
                                 "--limit", "5", NULL), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "epoch-2.onnx takes inputs of another size than "
                                 "epoch-1.onnx: each map of y has 36 pixels, not 64"));
  assert_second_left_out (out, "another size");
}

/* A chain of @n Relu nodes on x [1, 1, 4, 4]: layers t0 ... t(n-2), y. */
static GByteArray *
relu_chain_model (guint n)
{
  const gint64 dims[] = { 1, 1, 4, 4 };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info ("y", NULL, -1);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("relu%u", i);
      g_autofree char *from = i == 0 ? g_strdup ("x") : g_strdup_printf ("t%u", i - 1);
      g_autofree char *to = i + 1 == n ? g_strdup ("y") : g_strdup_printf ("t%u", i);
      g_autoptr(GByteArray) node = fm_test_node ("Relu", name, (const char *[]) { from, NULL },
                                                 to);

      fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
    }
  return fm_test_graph_model_bytes (graph, "chain", in, out);
}

/* A network of more layers than letters (28) in as many checkpoints (a
 * table of one row per checkpoint): the table names each of its columns
 * apart, as a spreadsheet does: the 26th layer Z, the 27th AA, the 28th
 * AB. Every layer from the 26th on was called Z, so one could not tell
 * which column was which. */
static void
test_many_layers (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "many-layers");
  g_autoptr(GByteArray) chain = relu_chain_model (28);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  for (guint k = 1; k <= 28; k++)
    {
      g_autofree char *name = g_strdup_printf ("epoch-%u.onnx", k);

      write_model (dir, name, chain);
    }
  g_assert_cmpint (run_timeline (&out, &err, dir, "--dataset", "mnist-heldout", "--limit", "3",
                                 NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "\n  A   t0 (1)\n"));
  g_assert_nonnull (strstr (out, "\n  Z   t25 (1)\n"));
  g_assert_nonnull (strstr (out, "\n  AA  t26 (1)\n"));
  g_assert_nonnull (strstr (out, "\n  AB  y (1)\n"));
  g_assert_nonnull (strstr (out, "     Y     Z    AA    AB\n"));
  g_assert_nonnull (strstr (out, "\n  epoch-28.onnx "));
}

/* The same network of 28 layers in two checkpoints: one row per layer,
 * named, and one numbered column per checkpoint, the checkpoints named in
 * order above. Each checkpoint was a row 28 columns wide (a ResNet-18's
 * 47 made rows of 300 characters). The two are the same model: each row
 * has two equal counts. */
static void
test_layers_as_rows (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "layers-as-rows");
  g_autoptr(GByteArray) chain = relu_chain_model (28);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  write_model (dir, "epoch-1.onnx", chain);
  write_model (dir, "epoch-2.onnx", chain);
  g_assert_cmpint (run_timeline (&out, &err, dir, "--dataset", "mnist-heldout", "--limit", "3",
                                 NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "images):\n  1  epoch-1.onnx\n  2  epoch-2.onnx\n\n"));
  g_assert_nonnull (strstr (out, "     1     2\n"));
  for (guint l = 0; l < 28; l++)
    {
      g_autofree char *name = l < 27 ? g_strdup_printf ("t%u", l) : g_strdup ("y");
      g_autofree char *head = g_strdup_printf ("\n  %s (1) ", name);
      const char *row = strstr (out, head);
      g_autofree char *line = NULL;
      g_auto(GStrv) cells = NULL;

      g_assert_nonnull (row);
      line = g_strndup (row + 1, strcspn (row + 1, "\n"));
      cells = g_strsplit_set (g_strstrip (line), " ", -1);
      /* name, "(1)", then the two counts (empty strings between spaces) */
      {
        g_autoptr(GPtrArray) words = g_ptr_array_new ();

        for (guint i = 0; cells[i] != NULL; i++)
          if (cells[i][0] != '\0')
            g_ptr_array_add (words, cells[i]);
        g_assert_cmpuint (words->len, ==, 4);
        g_assert_cmpstr (g_ptr_array_index (words, 2), ==, g_ptr_array_index (words, 3));
      }
    }
  g_assert_null (strstr (out, "\n  AA "));
}

/* Ctrl+C after the first checkpoint is done: the finished ones are
 * printed, the run says it was cancelled. Many uncached scans of the
 * series make sure there is work left when the signal comes. */
static void
test_cancel (void)
{
  g_autofree char *dir = checkpoints_dir ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) err_lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  g_autofree char *out = NULL;
  JsonObject *o;
  guint n_done;

  g_ptr_array_add (argv, (gpointer) binary);
  g_ptr_array_add (argv, "timeline");
  for (int i = 0; i < 6; i++)
    g_ptr_array_add (argv, dir);
  g_ptr_array_add (argv, "--dataset");
  g_ptr_array_add (argv, "mnist-heldout");
  g_ptr_array_add (argv, "--no-cache");
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* The first "FILE: N images, D dead channels" line on stderr. */
  err_lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  line = g_data_input_stream_read_line (err_lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, " images, "));
  g_subprocess_send_signal (proc, SIGINT);

  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  o = fm_test_cli_parse_object (parser, out);
  g_assert_true (json_object_get_boolean_member (o, "cancelled"));
  n_done = json_array_get_length (json_object_get_array_member (o, "checkpoints"));
  g_assert_cmpuint (n_done, >=, 1);
  g_assert_cmpuint (n_done, <, 6 * 9);
}

static void
test_figure (void)
{
  g_autofree char *dir = checkpoints_dir ();
  g_autofree char *png = g_build_filename (fm_test_scratch (), "timeline.png", NULL);
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "timeline.pdf", NULL);
  g_autofree char *txt = g_build_filename (fm_test_scratch (), "timeline.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *bytes = NULL;
  gsize len;

  g_assert_cmpint (run_timeline (&out, &err, dir, "--dataset", "mnist-heldout", "-o", png,
                                 NULL), ==, 0);
  g_assert_true (g_file_get_contents (png, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (bytes, 8, "\x89PNG\r\n\x1a\n", 8);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_timeline (&out, &err, dir, "--dataset", "mnist-heldout", "-o", pdf,
                                 NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    g_autofree char *text = fm_test_cli_tool_output ("pdftotext", pdf, "-", NULL);

    if (text != NULL)
      {
        g_assert_nonnull (strstr (text, "/relu1/Relu_output_0"));
        g_assert_nonnull (strstr (text, "/relu3/Relu_output_0"));
        /* Only the activation layers: the Conv before relu1 is never all
         * zero (it made a ResNet-18's figure twice as tall). */
        g_assert_null (strstr (text, "/conv1/Conv_output_0"));
        g_assert_nonnull (strstr (text, "activation layers"));
        g_assert_nonnull (strstr (text, "epoch-0.onnx"));
      }
  }

  g_assert_cmpint (run_timeline (&out, &err, dir, "--dataset", "mnist-heldout", "-o", txt,
                                 NULL), ==, 2);
  g_assert_nonnull (strstr (err, ".png or .pdf"));
  g_assert_false (g_file_test (txt, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_timeline (&out, &err, dir, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--dataset"));
}

/* The lines of @text that start with "Warning: ", without it. */
static GPtrArray *
warning_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Warning: "))
      g_ptr_array_add (warnings, g_strdup (lines[i] + strlen ("Warning: ")));
  return warnings;
}

/* A folder dataset with two digits, a file named .png that is none and a
 * truncated PNG: the timeline names the two skipped files once, not once
 * per checkpoint, in text and in --json's "warnings" (as scan does). It
 * skipped them without a word. */
static void
test_warnings (void)
{
  g_autofree char *ckpt = checkpoints_dir ();
  g_autofree char *epoch0 = g_build_filename (ckpt, "epoch-0.onnx", NULL);
  g_autofree char *epoch1 = g_build_filename (ckpt, "epoch-1.onnx", NULL);
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "warnings");
  g_autofree char *png = NULL;
  gsize png_len = 0;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *json_warnings;

  fm_test_copy_digits (dir, (const char *[]) { "digit-1.png", "digit-7.png", NULL });
  {
    g_autofree char *src = g_build_filename (FM_SOURCE_DATADIR, "digits", "digit-2.png", NULL);
    g_autofree char *cut = g_build_filename (dir, "b.png", NULL);
    g_autofree char *fake = g_build_filename (dir, "c.png", NULL);

    g_assert_true (g_file_get_contents (src, &png, &png_len, NULL));
    g_assert_cmpuint (png_len, >, 100);
    g_assert_true (g_file_set_contents (cut, png, 100, NULL));
    g_assert_true (g_file_set_contents (fake, "not a picture\n", -1, NULL));
  }

  g_assert_cmpint (run_timeline (&out, &err, epoch0, epoch1, "--dataset", dir, NULL), ==, 0);
  warnings = warning_lines (out);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==, "c.png: not a JPEG or PNG picture");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (warnings, 1), "b.png: "));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_timeline (&out, &err, epoch0, epoch1, "--dataset", dir, "--json", NULL),
                   ==, 0);
  json_warnings = json_object_get_array_member (fm_test_cli_parse_object (parser, out),
                                                "warnings");
  g_assert_nonnull (json_warnings);
  g_assert_cmpuint (json_array_get_length (json_warnings), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_warnings, 0), ==,
                   "c.png: not a JPEG or PNG picture");
  g_assert_true (g_str_has_prefix (json_array_get_string_element (json_warnings, 1), "b.png: "));
}

/* A dataset folder whose name is not UTF-8 (Latin-1 "é"): the PNG
 * figure's Source text names it in UTF-8, the byte as U+FFFD; the write
 * failed ("the value of text key Source is not valid UTF-8"). */
static void
test_figure_folder_not_utf8 (void)
{
  g_autofree char *ckpt = checkpoints_dir ();
  g_autofree char *epoch0 = g_build_filename (ckpt, "epoch-0.onnx", NULL);
  g_autofree char *epoch1 = g_build_filename (ckpt, "epoch-1.onnx", NULL);
  g_autofree char *top = fm_test_fresh_dir (fm_test_scratch (), "latin1");
  g_autofree char *dir = g_build_filename (top, "caf\xe9", NULL);
  g_autofree char *png = g_build_filename (top, "timeline.png", NULL);
  g_autofree char *out = NULL, *err = NULL;
  FmTestPng got;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  fm_test_copy_digits (dir, (const char *[]) { "digit-1.png", "digit-7.png", NULL });
  g_assert_cmpint (run_timeline (&out, &err, epoch0, epoch1, "--dataset", dir, "-o", png, NULL),
                   ==, 0);
  fm_test_png_read (png, &got);
  g_assert_true (g_str_has_suffix (g_hash_table_lookup (got.text, "Source"),
                                   "/caf\xef\xbf\xbd"));
  fm_test_png_clear (&got);
}

int
main (int   argc,
      char *argv[])
{
  binary = fm_test_cli_init_cached (&argc, &argv, &cache_dir);

  g_test_add_func ("/cli/timeline/bundled", test_bundled);
  g_test_add_func ("/cli/timeline/figure-folder-not-utf8", test_figure_folder_not_utf8);
  g_test_add_func ("/cli/timeline/since", test_since);
  g_test_add_func ("/cli/timeline/order-and-damage", test_order_and_damage);
  g_test_add_func ("/cli/timeline/same-names", test_same_names);
  g_test_add_func ("/cli/timeline/other-network", test_other_network);
  g_test_add_func ("/cli/timeline/other-size", test_other_size);
  g_test_add_func ("/cli/timeline/many-layers", test_many_layers);
  g_test_add_func ("/cli/timeline/layers-as-rows", test_layers_as_rows);
  g_test_add_func ("/cli/timeline/cancel", test_cancel);
  g_test_add_func ("/cli/timeline/figure", test_figure);
  g_test_add_func ("/cli/timeline/warnings", test_warnings);

  return g_test_run ();
}
