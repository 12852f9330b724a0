/* test-cli-atlas.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps atlas` and `export --card`, run as a user would on the
 * bundled dying model and the bundled digits, read back with poppler's
 * pdfinfo and pdftotext (skipped where they are missing): the atlas has
 * one title page and ceil (channels / 16) pages per layer, each layer's
 * name, and "dead" exactly at the channels `scan --json` lists as dead; a
 * second atlas takes the scan from the cache; the card's top images are
 * the scan's top-k of that channel, in order; unknown layers and
 * channels, a scan of another model or made with other preprocessing,
 * and bad files are refused with a message.
 */
#include "config.h"

#include "fm-test-cli.h"
#include "fm-test-files.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

/* Channels on an atlas page (README: "16 channels a page"). */
#define CHANNELS_PER_PAGE 16

static const char *binary;
static const char *cache_dir;
static char *digit;
static char *scan_json;       /* scan --json of the dying model */
static JsonParser *scan_parser;

#define run(sub, out, err, ...) \
  fm_test_cli_run (binary, sub, (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL }, \
                   out, err, NULL, FM_TEST_CLI_ARGS (__VA_ARGS__))

static gboolean
have_poppler (void)
{
  g_autofree char *info = g_find_program_in_path ("pdfinfo");
  g_autofree char *text = g_find_program_in_path ("pdftotext");

  if (info == NULL || text == NULL)
    g_test_skip ("poppler-utils (pdfinfo, pdftotext) are not installed");
  return info != NULL && text != NULL;
}

static int
pdf_pages (const char *pdf)
{
  g_autofree char *info = fm_test_cli_tool_output ("pdfinfo", pdf, NULL);
  const char *line = strstr (info, "\nPages:");

  g_assert_nonnull (line);
  return atoi (line + strlen ("\nPages:"));
}

static JsonArray *
scan_layers (void)
{
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (scan_parser)),
                                       "layers");
}

static JsonObject *
scan_layer (const char *name)
{
  return fm_test_cli_find_layer (json_node_get_object (json_parser_get_root (scan_parser)), name);
}

static gboolean
array_has (JsonArray *a,
           gint64     v)
{
  for (guint i = 0; i < json_array_get_length (a); i++)
    if (json_array_get_int_element (a, i) == v)
      return TRUE;
  return FALSE;
}

/* Every page of a layer says which channels are dead exactly where the
 * scan says so: "Channel C" is followed by "dead:" for those only. */
static void
assert_dead_marks (const char *page)
{
  g_auto(GStrv) lines = g_strsplit (page, "\n", -1);
  g_autofree char *name = g_strndup (lines[0], strcspn (lines[0], " "));
  JsonArray *dead = json_object_get_array_member (scan_layer (name), "dead");
  guint seen = 0;

  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      guint64 c;

      if (!g_str_has_prefix (lines[i], "Channel ") ||
          !g_ascii_string_to_unsigned (lines[i] + 8, 10, 0, 100000, &c, NULL))
        continue;
      seen++;
      if (array_has (dead, (gint64) c) != g_str_has_prefix (lines[i + 1], "dead:"))
        g_error ("%s channel %" G_GUINT64_FORMAT ": the atlas says “%s”", name, c, lines[i + 1]);
    }
  g_assert_cmpuint (seen, >, 0);
}

/* Every layer of the scan, named with --layer: the pages are the title
 * page and ceil (C / 16) per layer; the text names each layer and marks
 * the dead channels; the PDF's metadata names the program. */
static void
test_atlas_every_layer (void)
{
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "atlas.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL, *info = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) pages = NULL;
  JsonArray *layers = scan_layers ();
  int expected = 1;

  if (!have_poppler ())
    return;
  g_ptr_array_add (args, (gpointer) "mnist-cnn-dying");
  g_ptr_array_add (args, (gpointer) "mnist-heldout");
  g_ptr_array_add (args, (gpointer) "-o");
  g_ptr_array_add (args, pdf);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      gint64 c = json_object_get_int_member (l, "channels");

      g_ptr_array_add (args, (gpointer) "--layer");
      g_ptr_array_add (args, (gpointer) json_object_get_string_member (l, "name"));
      expected += (int) ((c + CHANNELS_PER_PAGE - 1) / CHANNELS_PER_PAGE);
    }
  g_ptr_array_add (args, NULL);
  g_assert_cmpint (fm_test_cli_run (binary, "atlas",
                                    (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                                    &out, &err, NULL, (const char * const *) args->pdata),
                   ==, 0);
  g_assert_cmpint (pdf_pages (pdf), ==, expected);

  info = fm_test_cli_tool_output ("pdfinfo", pdf, NULL);
  fm_test_assert_contains (info, "Creator:         Feature Maps",
                           "Title:           Channel atlas of mnist-cnn-dying.onnx", NULL);
  text = fm_test_cli_tool_output ("pdftotext", "-raw", pdf, "-", NULL);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    fm_test_assert_contains (text, json_object_get_string_member (
                                     json_array_get_object_element (layers, i), "name"), NULL);
  /* pdftotext ends each page with a form feed; page 1 is the title. */
  pages = g_strsplit (text, "\f", -1);
  g_assert_cmpuint (g_strv_length (pages), ==, (guint) expected + 1);
  for (int p = 1; p < expected; p++)
    assert_dead_marks (pages[p]);
}

/* Without --layer: the window's layers, a Conv folded into its ReLU. A
 * second atlas of the same model and dataset reads the scan from the
 * cache: a cached result edited by hand shows. */
static void
test_atlas_default_and_cache (void)
{
  g_autofree char *cache = g_build_filename (fm_test_scratch (), "atlas-cache", NULL);
  g_autofree char *scans = g_build_filename (cache, "feature-maps", "scans", NULL);
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "default.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL, *listing = NULL;
  g_autofree char *cached = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  GError *error = NULL;
  const char *env[] = { "XDG_CACHE_HOME", cache, NULL };

  if (!have_poppler ())
    return;
  g_assert_cmpint (fm_test_cli_run (binary, "atlas", env, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS ("mnist-cnn-dying", "mnist-heldout", "-o",
                                                      pdf, NULL)), ==, 0);
  text = fm_test_cli_tool_output ("pdftotext", "-raw", pdf, "-", NULL);
  fm_test_assert_contains (text, "/relu1/Relu_output_0", "/relu2/Relu_output_0",
                           "/relu3/Relu_output_0", "fewer than 1 % of the scanned images", NULL);
  g_assert_null (strstr (text, "/conv1/Conv_output_0"));

  /* The one cached result, edited: rare below 40 %. */
  listing = fm_test_list_dir (scans);
  g_assert_null (strchr (listing, ' '));
  cached = g_build_filename (scans, listing, NULL);
  g_assert_true (json_parser_load_from_file (parser, cached, &error));
  g_assert_no_error (error);
  json_object_set_double_member (json_node_get_object (json_parser_get_root (parser)),
                                 "rare_below", 0.4);
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, cached, &error));
  g_assert_no_error (error);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (fm_test_cli_run (binary, "atlas", env, &out, &err, NULL,
                                    FM_TEST_CLI_ARGS ("mnist-cnn-dying", "mnist-heldout", "-o",
                                                      pdf, NULL)), ==, 0);
  text = fm_test_cli_tool_output ("pdftotext", "-raw", pdf, "-", NULL);
  fm_test_assert_contains (text, "fewer than 40 % of the scanned images", NULL);
}

/* A folder with a picture that is not one: the atlas says so on its
 * title page and on stdout, as scan does, beside how the pictures became
 * the input (the bundled model's metadata: gray, MNIST's mean and std). */
static void
test_atlas_warnings (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "atlas-folder");
  g_autofree char *bad = g_build_filename (dir, "broken.png", NULL);
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "folder.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_auto(GStrv) pages = NULL;

  if (!have_poppler ())
    return;
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("d%u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      fm_test_copy_file (digit, path);
    }
  g_assert_true (g_file_set_contents (bad, "\x89PNG\r\n\x1a\n nope", 13, NULL));
  g_assert_cmpint (run ("atlas", &out, &err, "mnist-cnn", dir, "-o", pdf, "--no-cache", NULL),
                   ==, 0);
  fm_test_assert_contains (out, "Warning: broken.png: ", NULL);
  text = fm_test_cli_tool_output ("pdftotext", "-raw", pdf, "-", NULL);
  pages = g_strsplit (text, "\f", -1);
  fm_test_assert_contains (pages[0], "3 images scanned", "Input: gray, 0–1, normalised with mean "
                           "0.1307 and std 0.3081", "1 warning while reading the dataset: "
                           "broken.png: ", NULL);
}

static void
test_atlas_refusals (void)
{
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "refused.pdf", NULL);
  g_autofree char *png = g_build_filename (fm_test_scratch (), "refused.png", NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run ("atlas", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", pdf,
                        "--layer", "no-such-layer", NULL), ==, 1);
  /* the layers by the window's names, the unmerged Conv outputs too */
  fm_test_assert_contains (err, "no feature-map layer “no-such-layer”",
                           "the layers are: conv1, relu1, pool1, conv2, relu2, pool2, conv3, "
                           "relu3\n", NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("atlas", &out, &err, "mnist-cnn-dying", "mnist-heldout", "-o", png,
                        NULL), ==, 2);
  fm_test_assert_contains (err, "must end in .pdf", NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("atlas", &out, &err, "mnist-cnn-dying", "mnist-heldout", NULL), ==, 2);
  fm_test_assert_contains (err, "-o ATLAS.pdf", NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("atlas", &out, &err, "mnist-cnn-dying", "-o", pdf, NULL), ==, 2);
  fm_test_assert_contains (err, "missing DATASET", NULL);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
}

/* The "#INDEX" labels of the card's top images, in order. */
static GArray *
card_indexes (const char *text)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (const char *p = strchr (text, '#'); p != NULL; p = strchr (p + 1, '#'))
    {
      gint64 v = g_ascii_strtoll (p + 1, NULL, 10);

      g_array_append_val (found, v);
    }
  return found;
}

/* Relu1's first channel that fires: the card's nine top images are the
 * scan's, in the scan's order; the window's name of the layer works as
 * well as the tensor name. A dead channel's card says dead. */
static void
test_card_top_images (void)
{
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "card.pdf", NULL);
  JsonObject *relu1 = scan_layer ("/relu1/Relu_output_0");
  JsonArray *top = json_object_get_array_member (relu1, "top");
  JsonArray *dead = json_object_get_array_member (relu1, "dead");
  g_autofree char *spec = NULL;
  g_autofree char *dead_spec = NULL;
  guint channel = 0;

  if (!have_poppler ())
    return;
  while (json_array_get_length (json_array_get_array_element (top, channel)) == 0)
    channel++;
  spec = g_strdup_printf ("relu1:%u", channel);
  for (guint round = 0; round < 2; round++)
    {
      g_autofree char *out = NULL, *err = NULL, *text = NULL;
      g_autofree char *tensor_spec = g_strdup_printf ("/relu1/Relu_output_0:%u", channel);
      g_autoptr(GArray) indexes = NULL;
      JsonArray *want = json_array_get_array_element (top, channel);

      g_assert_cmpint (run ("export", &out, &err, "mnist-cnn-dying", digit, "--card",
                            round == 0 ? spec : tensor_spec, "--scan", scan_json, "-o", pdf,
                            NULL), ==, 0);
      g_assert_cmpint (pdf_pages (pdf), ==, 1);
      text = fm_test_cli_tool_output ("pdftotext", "-raw", pdf, "-", NULL);
      fm_test_assert_contains (text, "of relu1", "fires on", "Minimum", NULL);
      indexes = card_indexes (text);
      g_assert_cmpuint (json_array_get_length (want), ==, 9);
      g_assert_cmpuint (indexes->len, ==, json_array_get_length (want));
      for (guint k = 0; k < indexes->len; k++)
        g_assert_cmpint (g_array_index (indexes, gint64, k), ==,
                         json_array_get_int_element (want, k));
    }

  g_assert_cmpuint (json_array_get_length (dead), >, 0);
  dead_spec = g_strdup_printf ("relu1:%" G_GINT64_FORMAT, json_array_get_int_element (dead, 0));
  {
    g_autofree char *out = NULL, *err = NULL, *text = NULL;

    g_assert_cmpint (run ("export", &out, &err, "mnist-cnn-dying", digit, "--card", dead_spec,
                          "--scan", scan_json, "-o", pdf, NULL), ==, 0);
    text = fm_test_cli_tool_output ("pdftotext", "-raw", pdf, "-", NULL);
    fm_test_assert_contains (text, "dead: zero on all 2000 images", NULL);
    g_assert_null (strchr (text, '#'));
  }
}

/* Without --scan the card says so, and shows the map and statistics. */
static void
test_card_without_scan (void)
{
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "plain.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;

  if (!have_poppler ())
    return;
  g_assert_cmpint (run ("export", &out, &err, "mnist-cnn-dying", digit, "--card",
                        "/conv1/Conv_output_0:3", "-o", pdf, NULL), ==, 0);
  text = fm_test_cli_tool_output ("pdftotext", "-raw", pdf, "-", NULL);
  fm_test_assert_contains (text, "No dataset scan given", "Minimum", "Mean", NULL);
  g_assert_null (strstr (text, "fires on"));
}

/* The SVG is well-formed XML whose images (the map, the legend, the top
 * images and their maps) are drawn pixel for pixel; the PNG is twice the
 * card's size in points; another extension is refused. */
static void
test_card_formats (void)
{
  g_autofree char *svg = g_build_filename (fm_test_scratch (), "card.svg", NULL);
  g_autofree char *png = g_build_filename (fm_test_scratch (), "card.png", NULL);
  g_autofree char *jpg = g_build_filename (fm_test_scratch (), "card.jpg", NULL);
  g_autofree char *out = NULL, *err = NULL, *bytes = NULL;
  FmTestCliSvg count;
  gsize len;

  g_assert_cmpint (run ("export", &out, &err, "mnist-cnn-dying", digit, "--card", "relu1:5",
                        "--scan", scan_json, "-o", svg, NULL), ==, 0);
  fm_test_cli_svg_read (svg, &count);
  g_assert_true (count.svg_root);
  /* The map, the legend, 9 inputs and 9 maps. */
  g_assert_cmpuint (count.images, ==, 20);
  g_assert_cmpuint (count.pixelated_images, ==, 20);
  fm_test_cli_svg_clear (&count);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("export", &out, &err, "mnist-cnn-dying", digit, "--card", "relu1:5",
                        "-o", png, NULL), ==, 0);
  g_assert_true (g_file_get_contents (png, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 24);
  g_assert_cmpmem (bytes + 1, 3, "PNG", 3);
  /* 640 x 380 points at 2 pixels a point. */
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (bytes + 16)), ==, 1280);
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (bytes + 20)), ==, 760);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("export", &out, &err, "mnist-cnn-dying", digit, "--card", "relu1:5",
                        "-o", jpg, NULL), ==, 1);
  fm_test_assert_contains (err, "card.jpg", ".pdf, .svg or .png", NULL);
  g_assert_false (g_file_test (jpg, G_FILE_TEST_EXISTS));
}

/* Each refusal exits with @status (1 for what the files say, 2 for a
 * command-line mistake) with a message and writes nothing. */
static void
assert_card_refused (const char *spec,
                     const char *scan,
                     const char *model,
                     int         status,
                     const char *fragment)
{
  g_autofree char *pdf = g_build_filename (fm_test_scratch (), "refused-card.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL;

  if (scan != NULL)
    g_assert_cmpint (run ("export", &out, &err, model, digit, "--card", spec, "--scan", scan,
                          "-o", pdf, NULL), ==, status);
  else
    g_assert_cmpint (run ("export", &out, &err, model, digit, "--card", spec, "-o", pdf, NULL),
                     ==, status);
  g_test_message ("%s", err);
  fm_test_assert_contains (err, fragment, NULL);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
}

static void
test_card_refusals (void)
{
  g_autofree char *healthy = g_build_filename (fm_test_scratch (), "healthy-scan.json", NULL);
  g_autofree char *inverted = g_build_filename (fm_test_scratch (), "inverted-scan.json", NULL);
  g_autofree char *broken = g_build_filename (fm_test_scratch (), "broken-scan.json", NULL);
  g_autofree char *out = NULL, *err = NULL;

  assert_card_refused ("no-such-layer:1", NULL, "mnist-cnn-dying", 1,
                       "no feature-map layer “no-such-layer”");
  assert_card_refused ("relu1:32", NULL, "mnist-cnn-dying", 1, "has 32 channels (0 to 31)");
  /* Not LAYER:CHANNEL at all: a usage error, found before any file is
   * read (the last two name a model that does not exist); they exited 1. */
  assert_card_refused ("relu1", NULL, "mnist-cnn-dying", 2,
                       "feature-maps export: --card: “relu1” is not LAYER:CHANNEL");
  assert_card_refused ("relu1:x", NULL, "/nonexistent/model.onnx", 2,
                       "feature-maps export: --card: “relu1:x”: “x” is not a channel number");
  assert_card_refused (":3", NULL, "/nonexistent/model.onnx", 2, "is not LAYER:CHANNEL");

  /* The healthy model has the same layers: only the numbers tell. */
  g_assert_cmpint (run ("scan", &out, &err, "mnist-cnn", "mnist-heldout", "--json", "--limit",
                        "200", NULL), ==, 0);
  g_assert_true (g_file_set_contents (healthy, out, -1, NULL));
  assert_card_refused ("relu1:5", healthy, "mnist-cnn-dying", 1,
                       "was made with another model or other preprocessing");
  /* The same model, the digits inverted. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run ("scan", &out, &err, "mnist-cnn-dying", "mnist-heldout", "--json",
                        "--limit", "200", "--invert", "yes", NULL), ==, 0);
  g_assert_true (g_file_set_contents (inverted, out, -1, NULL));
  assert_card_refused ("relu1:5", inverted, "mnist-cnn-dying", 1,
                       "was made with another model or other preprocessing");
  /* Not a scan at all. */
  g_assert_true (g_file_set_contents (broken, "{\"model\": 3}", -1, NULL));
  assert_card_refused ("relu1:5", broken, "mnist-cnn-dying", 1, "broken-scan.json");
  /* An empty file (the card's own reader crashed on it). */
  g_assert_true (g_file_set_contents (broken, "", -1, NULL));
  assert_card_refused ("relu1:5", broken, "mnist-cnn-dying", 1,
                       "broken-scan.json: the file is empty");
}

/* SIGTERM while the atlas is being written leaves neither the atlas nor
 * its temporary ".atlas.pdf.XXXXXX" (it left the temporary file: only
 * Ctrl+C, which atlas catches, cleaned up). */
static void
test_atlas_sigterm (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "sigterm");
  g_autofree char *pdf = g_build_filename (dir, "atlas.pdf", NULL);

  fm_test_cli_assert_signal_cleans (binary,
                                    (const char *[]) { "XDG_CACHE_HOME", cache_dir, NULL },
                                    pdf, SIGTERM,
                                    FM_TEST_CLI_ARGS ("atlas", "mnist-cnn-dying",
                                                      "mnist-heldout", "-o", pdf, NULL));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  binary = fm_test_cli_init_cached (&argc, &argv, &cache_dir);
  digit = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits", "digit-3-paper.png", NULL);

  /* The scan every test compares with, made once. */
  scan_parser = fm_test_cli_scan_dying (binary, cache_dir, &scan_json);

  g_test_add_func ("/cli/atlas/every-layer", test_atlas_every_layer);
  g_test_add_func ("/cli/atlas/default-and-cache", test_atlas_default_and_cache);
  g_test_add_func ("/cli/atlas/refusals", test_atlas_refusals);
  g_test_add_func ("/cli/atlas/warnings", test_atlas_warnings);
  g_test_add_func ("/cli/atlas/sigterm", test_atlas_sigterm);
  g_test_add_func ("/cli/card/top-images", test_card_top_images);
  g_test_add_func ("/cli/card/without-scan", test_card_without_scan);
  g_test_add_func ("/cli/card/formats", test_card_formats);
  g_test_add_func ("/cli/card/refusals", test_card_refusals);

  status = g_test_run ();
  g_object_unref (scan_parser);
  g_free (scan_json);
  g_free (digit);
  return status;
}
