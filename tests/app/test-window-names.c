/* test-window-names.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layer names as the window wraps them: broken where the line ends, never
 * given a hyphen the name does not have ("features.denseblock1.denselay-"
 * "er1" names no layer).
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fm-test-model.h"
#include "fm-test-onnx.h"
#include "fm-test-window.h"
#include "fm-window.h"
#include "fm-wrap-label.h"

/* The module path of the test model's layer: one word to Pango, longer
 * than a section's title is wide at 1024 px, let alone the sidebar. */
#define MODULES "/features/denseblock1/denselayer1/transitionblockwithaverylongname/relu1"
#define FRIENDLY "features.denseblock1.denselayer1.transitionblockwithaverylongname.relu1"

/* x [1, 1, 8, 8] -> Conv (4 channels, 3 x 3, padded) -> Relu, named as
 * PyTorch names the ops of module @modules ("/a/b"), with input settings
 * of ours, written to @file; the path. */
static char *
write_model_named (const char *modules,
                   const char *file)
{
  const gint64 x_dims[] = { 1, 1, 8, 8 }, w_dims[] = { 4, 1, 3, 3 }, pads[] = { 1, 1, 1, 1 };
  static const char *meta[] = { "feature_maps.mean", "0.5", "feature_maps.std", "0.5", NULL };
  float w[36];
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autofree char *conv_name = g_strconcat (modules, "/conv/Conv", NULL);
  g_autofree char *conv_out = g_strconcat (modules, "/conv/Conv_output_0", NULL);
  g_autofree char *relu_name = g_strconcat (modules, "/Relu", NULL);
  g_autofree char *relu_out = g_strconcat (modules, "/Relu_output_0", NULL);
  g_autoptr(GByteArray) conv = fm_test_node ("Conv", conv_name,
                                             (const char *[]) { "x", "w", NULL }, conv_out);
  g_autoptr(GByteArray) relu = fm_test_node ("Relu", relu_name,
                                             (const char *[]) { conv_out, NULL }, relu_out);
  g_autoptr(GByteArray) in = fm_test_value_info ("x", x_dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info (relu_out, NULL, -1);

  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    w[i] = (float) ((i * 5) % 7) / 7.0f - 0.3f;
  fm_test_attr_ints (conv, "pads", pads, 4);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, conv);
  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, relu);
  fm_test_initializer (graph, "w", w_dims, 4, w);
  return fm_test_write_model (file, graph, "g", in, out, meta);
}

/* Whether a line of @layout ends in a hyphen Pango added: a glyph more
 * than its characters (the names here are ASCII: a glyph a character). */
static gboolean
adds_hyphen (PangoLayout *layout)
{
  const char *text = pango_layout_get_text (layout);

  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      long chars = g_utf8_strlen (text + line->start_index, line->length);
      long glyphs = 0;

      for (GSList *r = line->runs; r != NULL; r = r->next)
        glyphs += ((PangoGlyphItem *) r->data)->glyphs->num_glyphs;
      if (glyphs > chars)
        return TRUE;
    }
  return FALSE;
}

/* Every label under @widget that shows the name, wrapped as it is now. */
static void
check_labels (GtkWidget *widget,
              guint     *n_labels)
{
  PangoLayout *layout = NULL;
  const char *text = NULL;

  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      text = gtk_label_get_text (GTK_LABEL (widget));
      layout = gtk_label_get_layout (GTK_LABEL (widget));
    }
  else if (FM_IS_WRAP_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      text = fm_wrap_label_get_text (FM_WRAP_LABEL (widget));
      layout = fm_wrap_label_get_layout (FM_WRAP_LABEL (widget));
    }
  if (layout != NULL && strstr (text, FRIENDLY) != NULL)
    {
      g_test_message ("%s “%s”: %d lines", G_OBJECT_TYPE_NAME (widget), text,
                      pango_layout_get_line_count (layout));
      /* wrapped (else there is nothing to check), and without a hyphen */
      g_assert_cmpint (pango_layout_get_line_count (layout), >, 1);
      g_assert_false (adds_hyphen (layout));
      (*n_labels)++;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    check_labels (c, n_labels);
}

/* At 1024 x 600 the layer's name wraps in the sidebar (opened) and in
 * its section's title; neither adds a hyphen. */
static void
test_names_wrap_without_hyphens (void)
{
  g_autofree char *path = write_model_named (MODULES, "long-names.onnx");
  FmWindow *window = fm_test_open_window_sized (path, 1024, 600);
  AdwFlap *layers;
  guint n_labels = 0;

  /* laid out first: the list folds away at this width */
  fm_test_settle ();
  layers = ADW_FLAP (fm_test_window_child (window, "layers_flap"));
  g_assert_true (adw_flap_get_folded (layers));
  adw_flap_set_reveal_flap (layers, TRUE);
  WAIT_FOR (adw_flap_get_reveal_progress (layers) == 1);
  fm_test_settle ();
  check_labels (GTK_WIDGET (window), &n_labels);
  /* the sidebar's row and the section's title */
  g_assert_cmpuint (n_labels, ==, 2);
  fm_test_close_window (window);
}

/* The Export dialog's suggested name stays a name a file can have (at
 * most 255 bytes) for a layer named by a module path of 300 characters,
 * in a model named with 15 characters and with 150, and begins with the
 * model's name and then the layer's as the grid shows it; it used to be
 * 326 bytes, which the chooser could not save, and the model's name was
 * not counted. */
static void
test_export_name_fits (void)
{
  g_autofree char *m = g_strnfill (150, 'm');
  g_autofree char *n = g_strnfill (150, 'n');
  g_autofree char *f = g_strnfill (150, 'f');
  g_autofree char *modules = g_strconcat ("/", m, "/", n, NULL);
  g_autofree char *long_file = g_strconcat (f, ".onnx", NULL);
  const char *files[] = { "very-long-names.onnx", long_file };
  const char *stems[] = { "very-long-names", f };

  for (guint k = 0; k < G_N_ELEMENTS (files); k++)
    {
      g_autofree char *path = write_model_named (modules, files[k]);
      g_autofree char *start = g_strconcat (stems[k], "-mmmmmmmmmm", NULL);
      FmWindow *window = fm_test_open_window (path);
      g_autofree char *name = NULL;

      fm_window_select_layer (window, 0);
      fm_test_settle ();
      name = fm_test_export_suggested_name (window, 0);
      g_test_message ("%zu bytes: %s", strlen (name), name);
      g_assert_cmpuint (strlen (name), <=, 255);
      g_assert_true (g_str_has_prefix (name, start));
      g_assert_true (g_str_has_suffix (name, ".png"));
      fm_test_close_window (window);
    }
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);

  g_test_add_func ("/app/window/names/wrap-without-hyphens", test_names_wrap_without_hyphens);
  g_test_add_func ("/app/window/names/export-name-fits", test_export_name_fits);

  return g_test_run ();
}
