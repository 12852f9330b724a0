/* test-window-input.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's input under a real display: the drawing and its undo history
 * survive a model switch (a new model opens at the top of its layers), a
 * drawing is resampled and a picture read again for another input, recent
 * models, the last canvas comes back at the next start, Input Settings
 * round trip, the inverted picture is said so, and the tensor given to the
 * model is the command line's for the same picture and settings.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fm-data.h"
#include "fm-draw-pad.h"
#include "fm-input-dialog.h"
#include "fm-input-settings.h"
#include "fm-npy.h"
#include "fm-test-onnx.h"
#include "fm-test-files.h"
#include "fm-test-model.h"
#include "fm-test-window.h"
#include "fm-window.h"

static void
open_model_and_wait (FmWindow   *window,
                     const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  FmModel *old = fm_window_get_model (window);

  fm_window_open_model (window, file);
  WAIT_FOR (fm_window_get_model (window) != old && fm_window_get_frame (window) != NULL &&
            fm_window_get_frame (window)->model == fm_window_get_model (window));
}

/* A new window (not the application's) showing the model @file. */
static FmWindow *
open_in_new_window (GFile *file)
{
  FmWindow *window = fm_window_new (NULL);

  fm_window_open_model (window, file);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (fm_window_get_frame (window) != NULL);
  return window;
}

/* A model whose input's height and width are symbolic (an export with
 * dynamic axes) opens at 224 x 224 and a toast says so; the window used
 * to refuse it ("only the batch dimension may be symbolic"). */
static void
test_dynamic_size_model (void)
{
  g_autoptr(GByteArray) bytes = fm_test_dynamic_relu_model ("dynamic");
  g_autofree char *path = g_build_filename (fm_test_scratch (), "dynamic-axes.onnx", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  FmWindow *window;
  FmModel *model;

  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
  window = open_in_new_window (file);
  model = fm_window_get_model (window);
  g_assert_nonnull (model);
  g_assert_cmpint (model->values[model->inputs[0]].shape.dims[2], ==, 224);
  g_assert_cmpint (model->values[model->inputs[0]].shape.dims[3], ==, 224);
  g_assert_cmpint (fm_window_get_preprocess (window)->height, ==, 224);
  g_assert_nonnull (fm_window_get_last_toast (window));
  g_assert_cmpstr (fm_window_get_last_toast (window), ==,
                   "dynamic-axes.onnx does not fix its input’s height and width: shown at "
                   "224 × 224");
  fm_test_close_window (window);
}

/* tests/fixtures/pytorch/tiny_resnet/model.onnx: an RGB [1, 3, 16, 16]
 * input with a white background. Free with g_free (). */
static char *
tiny_resnet (void)
{
  return g_build_filename (FM_TEST_SRCDIR, "fixtures", "pytorch", "tiny_resnet", "model.onnx",
                           NULL);
}

/* From the healthy bundled model to the dying one (the same input): the
 * drawing and its undo history stay; the place does not (a new model
 * opens on All Layers at the top, even where the layer selected before
 * has a namesake: see test_new_model_at_top). */
static void
test_switch_keeps_input (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  g_autofree char *dying = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  static const double one[] = { 14, 5, 14, 23 };
  static const double bar[] = { 6, 14, 22, 14 };
  g_autofree float *first = NULL;
  g_autofree float *both = NULL;
  gsize n = 28 * 28;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (fm_window_get_layers_scroller (window)));

  fm_draw_pad_stroke (pad, one, 2);
  first = g_memdup2 (fm_draw_pad_get_pixels (pad), n * sizeof (float));
  fm_draw_pad_stroke (pad, bar, 2);
  both = g_memdup2 (fm_draw_pad_get_pixels (pad), n * sizeof (float));
  /* All Layers, scrolled down a little. */
  fm_test_settle ();
  gtk_adjustment_set_value (adj, 120);
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 120);
  /* Drawing does not scroll the page. */
  fm_draw_pad_stroke (pad, bar, 2);
  g_assert_true (fm_draw_pad_undo (pad));
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 120);

  open_model_and_wait (window, dying);
  fm_test_settle ();
  g_assert_cmpstr (fm_window_get_model (window)->display_name, ==, "mnist-cnn-dying.onnx");
  g_assert_true (memcmp (fm_draw_pad_get_pixels (pad), both, n * sizeof (float)) == 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);

  /* relu2 selected: the other model opens on All Layers all the same. */
  fm_window_select_layer (window, 2);
  fm_test_settle ();
  open_model_and_wait (window, healthy);
  fm_test_settle ();
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 0)));
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 2)));
  g_assert_true (memcmp (fm_draw_pad_get_pixels (pad), both, n * sizeof (float)) == 0);
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (memcmp (fm_draw_pad_get_pixels (pad), first, n * sizeof (float)) == 0);
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_is_empty (pad));
  fm_test_close_window (window);
}

/* A model of @n MaxPool layers (1 x 1 windows) over a [1, 1, 28, 28]
 * input named as the bundled models' is, with our metadata (so nothing
 * is asked), written to @file in the scratch folder. Free with g_free (). */
static char *
write_pool_chain (const char *file,
                  guint       n)
{
  static const gint64 dims[] = { 1, 1, 28, 28 };
  static const gint64 window[] = { 1, 1 };
  static const char *meta[] = { "feature_maps.mean", "0", "feature_maps.std", "1", NULL };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) input = fm_test_value_info ("input", dims, 4);
  g_autoptr(GByteArray) output = NULL;
  g_autofree char *last = NULL;

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *in = i == 1 ? g_strdup ("input") : g_strdup_printf ("pool%u", i - 1);
      g_autofree char *out = g_strdup_printf ("pool%u", i);
      const char *inputs[] = { in, NULL };
      g_autoptr(GByteArray) node = fm_test_node ("MaxPool", out, inputs, out);

      fm_test_attr_ints (node, "kernel_shape", window, 2);
      fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
      g_free (last);
      last = g_steal_pointer (&out);
    }
  output = fm_test_value_info (last, dims, 4);
  return fm_test_write_model (file, graph, "chain", input, output, meta);
}

/* The vertical adjustment of the scrolled window around @widget. */
static GtkAdjustment *
scroller_adjustment (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);

  g_assert_nonnull (scroller);
  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
}

/* A new model opens at its first layer, at the top of the grid and of the
 * sidebar: it opened where the model before was scrolled. Two models of
 * 30 layers each, of the same names, so any place in one is a place in
 * the other. */
static void
test_new_model_at_top (void)
{
  g_autofree char *a = write_pool_chain ("chain-a.onnx", 30);
  g_autofree char *b = write_pool_chain ("chain-b.onnx", 30);
  g_autoptr(GFile) file = g_file_new_for_path (a);
  FmWindow *window = open_in_new_window (file);
  GtkAdjustment *grid = scroller_adjustment (GTK_WIDGET (fm_window_get_section (window, 0)));
  GtkAdjustment *sidebar = scroller_adjustment (fm_window_get_layer_list (window));

  g_assert_cmpuint (fm_frame_n_layers (fm_window_get_frame (window)), ==, 30);
  fm_test_settle ();
  /* Both lists scrolled well down (they are long enough to be). */
  gtk_adjustment_set_value (grid, 900);
  gtk_adjustment_set_value (sidebar, 300);
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (grid), ==, 900);
  g_assert_cmpfloat (gtk_adjustment_get_value (sidebar), ==, 300);

  open_model_and_wait (window, b);
  for (int i = 0; i < 3; i++)
    fm_test_settle ();
  g_assert_cmpstr (fm_window_get_model (window)->display_name, ==, "chain-b.onnx");
  g_assert_cmpfloat (gtk_adjustment_get_value (grid), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (sidebar), ==, 0);
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 0)));
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 1)));

  /* One layer selected, far down the sidebar: the next model opens on
   * All Layers, not on that layer's namesake. */
  fm_window_select_layer (window, 25);
  gtk_adjustment_set_value (sidebar, 300);
  fm_test_settle ();
  g_assert_false (gtk_widget_get_visible (fm_window_get_section (window, 0)));
  g_assert_cmpfloat (gtk_adjustment_get_value (sidebar), ==, 300);
  open_model_and_wait (window, a);
  for (int i = 0; i < 3; i++)
    fm_test_settle ();
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 0)));
  g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, 25)));
  g_assert_cmpfloat (gtk_adjustment_get_value (grid), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (sidebar), ==, 0);
  fm_test_close_window (window);
}

/* To a model with another input ([1, 3, 16, 16], white background): the
 * drawing is resampled and inverted, values checked by hand: a canvas
 * whose left half is ink becomes one whose left half is dark, averaged
 * over the 28 -> 16 cells that straddle the middle. */
static void
test_switch_resamples_input (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  g_autofree char *tiny = tiny_resnet ();
  g_autofree float *left = g_new0 (float, 28 * 28);
  const float *pixels;

  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 14; x++)
      left[y * 28 + x] = 1.0f;
  fm_draw_pad_set_pixels (pad, left);
  open_model_and_wait (window, tiny);
  g_assert_cmpint (fm_draw_pad_get_channels (pad), ==, 3);
  g_assert_cmpint (fm_draw_pad_get_height (pad), ==, 16);
  g_assert_cmpint (fm_draw_pad_get_width (pad), ==, 16);
  pixels = fm_draw_pad_get_pixels (pad);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < 16; y++)
      {
        /* Target column 7 covers source columns 12.25 .. 14: 1.75 ink
         * cells of 1.75, so 0 after inversion; column 8 covers 14 .. 15.75,
         * no ink, so 1. Columns 0 and 15 are pure. */
        g_assert_cmpfloat_with_epsilon (pixels[c * 256 + y * 16 + 0], 0.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[c * 256 + y * 16 + 7], 0.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[c * 256 + y * 16 + 8], 1.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[c * 256 + y * 16 + 15], 1.0f, 1e-6);
      }
  /* The undo history was resampled too: undo gives the blank canvas of
   * this model (white). */
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_is_empty (pad));
  fm_test_close_window (window);
}

/* A picture opened on the gray 28 x 28 model is read again, in colour,
 * for the RGB 16 x 16 one: left half yellow, right half magenta (a light
 * border, so a white-background model does not invert it). 32 -> 16 is
 * exact 2 x 2 averaging, so by hand: columns 0-7 are (1, 1, 0), columns
 * 8-15 (1, 0, 1); a resampled gray canvas would have R = G = B. Undo still
 * gives the canvas before the picture. Drawn on, it is no longer read
 * again: the stroke survives a switch away and back. */
static void
test_switch_rereads_picture (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  g_autofree char *tiny = tiny_resnet ();
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  g_autoptr(FmImage) image = fm_image_new (32, 32, 3, 0, NULL);
  static const double line[] = { 4, 2, 4, 13 };
  const float *pixels;

  for (int y = 0; y < 32; y++)
    for (int x = 0; x < 32; x++)
      {
        guint8 *p = image->pixels + (y * 32 + x) * 3;

        p[0] = 255;
        p[1] = x < 16 ? 255 : 0;
        p[2] = x < 16 ? 0 : 255;
      }
  fm_window_load_image (window, image, "yellow-magenta");
  g_assert_cmpint (fm_draw_pad_get_channels (pad), ==, 1);
  open_model_and_wait (window, tiny);
  g_assert_cmpint (fm_draw_pad_get_channels (pad), ==, 3);
  pixels = fm_draw_pad_get_pixels (pad);
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16; x++)
      {
        g_assert_cmpfloat_with_epsilon (pixels[0 * 256 + y * 16 + x], 1.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[1 * 256 + y * 16 + x], x < 8 ? 1.0f : 0.0f, 1e-6);
        g_assert_cmpfloat_with_epsilon (pixels[2 * 256 + y * 16 + x], x < 8 ? 0.0f : 1.0f, 1e-6);
      }
  g_assert_true (fm_draw_pad_can_undo (pad));

  /* Drawn on: a dark line in column 4; away and back, it is still there. */
  fm_draw_pad_stroke (pad, line, 2);
  g_assert_cmpfloat (fm_draw_pad_get_pixels (pad)[8 * 16 + 4], <, 0.5f);
  open_model_and_wait (window, healthy);
  open_model_and_wait (window, tiny);
  g_assert_cmpfloat (fm_draw_pad_get_pixels (pad)[8 * 16 + 4], <, 0.5f);

  /* Undo: the line, then the picture, then the blank canvas. */
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_true (fm_draw_pad_is_empty (pad));
  fm_test_close_window (window);
}

/* Writes @dir/big-paper.png: 3000 x 3000 white paper with a black bar, a
 * picture slow enough to read that a small model or picture asked for
 * after it is ready first. */
static char *
write_big_paper (const char *dir)
{
  char *paper = g_build_filename (dir, "big-paper.png", NULL);
  cairo_surface_t *big = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 3000, 3000);
  cairo_t *cr = cairo_create (big);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, 1200, 300, 600, 2400);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (big, paper), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (big);
  return paper;
}

/* A picture and a model asked for together (dropped together), the model
 * loaded first: the picture is read again for it, not dropped. */
static void
test_picture_and_model_together (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "together");
  g_autofree char *paper = write_big_paper (dir);
  g_autofree char *tiny = tiny_resnet ();
  g_autoptr(GFile) paper_file = g_file_new_for_path (paper);
  g_autoptr(GFile) tiny_file = g_file_new_for_path (tiny);
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  FmDrawPad *pad = fm_window_get_draw_pad (window);

  for (int round = 0; round < 4; round++)
    {
      fm_draw_pad_clear (pad);
      fm_window_open_image (window, paper_file);
      fm_window_open_model (window, tiny_file);
      WAIT_FOR (g_str_has_suffix (fm_window_get_model (window)->path, "model.onnx") &&
                fm_draw_pad_get_channels (pad) == 3 && !fm_draw_pad_is_empty (pad));
      /* Dark ink on the paper: the picture, not a blank canvas. */
      {
        const float *px = fm_draw_pad_get_pixels (pad);
        float darkest = 1;

        for (int i = 0; i < 16 * 16; i++)
          darkest = MIN (darkest, px[i]);
        g_assert_cmpfloat (darkest, <, 0.5f);
      }
      open_model_and_wait (window, healthy);
    }
  fm_test_close_window (window);
}

/* Of two pictures opened one after the other, the last is the one shown,
 * even when the first (a 3000 x 3000 photo) finishes loading after it. */
static void
test_last_picture_wins (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "last-wins");
  g_autofree char *paper = write_big_paper (dir);
  g_autofree char *seven = fm_data_find ("digits/digit-7.png", NULL);
  g_autoptr(GFile) paper_file = g_file_new_for_path (paper);
  g_autoptr(GFile) seven_file = g_file_new_for_path (seven);
  g_autofree float *want = NULL;
  gsize n = 28 * 28;

  /* The 7 alone, as the canvas shows it. */
  fm_window_open_image (window, seven_file);
  WAIT_FOR (!fm_window_is_loading_image (window));
  g_assert_cmpuint ((gsize) fm_draw_pad_get_height (pad) * fm_draw_pad_get_width (pad), ==, n);
  want = g_memdup2 (fm_draw_pad_get_pixels (pad), n * sizeof (float));
  fm_draw_pad_clear (pad);

  for (int round = 0; round < 3; round++)
    {
      fm_window_open_image (window, paper_file);
      fm_window_open_image (window, seven_file);
      WAIT_FOR (!fm_window_is_loading_image (window));
      fm_test_settle ();
      g_assert_cmpmem (fm_draw_pad_get_pixels (pad), n * sizeof (float), want, n * sizeof (float));
      fm_draw_pad_clear (pad);
    }
  fm_test_close_window (window);
}

/* Clear pressed from the keyboard is disabled under the focus (the canvas
 * is empty now): the focus goes on to Undo, not to nothing (a keyboard
 * or screen-reader user was lost, the next Tab starting over at the
 * header bar); Undo at the end of its history, with Clear off too,
 * gives it to the next control. */
static void
test_focus_kept (void)
{
  static const double stroke[] = { 5, 5, 20, 20 };
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  GtkWidget *clear = fm_test_find_button (GTK_WIDGET (window), "win.clear");
  GtkWidget *undo = fm_test_find_button (GTK_WIDGET (window), "win.undo");
  FmDrawPad *pad = fm_window_get_draw_pad (window);

  g_assert_nonnull (clear);
  g_assert_nonnull (undo);
  fm_draw_pad_clear (pad);
  fm_test_settle ();
  fm_draw_pad_stroke (pad, stroke, 2);
  fm_test_settle ();
  g_assert_true (gtk_widget_grab_focus (clear));
  gtk_widget_activate (clear);
  fm_test_settle ();
  g_assert_false (gtk_widget_is_sensitive (clear));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) == undo);

  /* Undo the clear, then the stroke: Undo is spent, Clear is not. */
  gtk_widget_activate (undo);
  fm_test_settle ();
  g_assert_true (gtk_widget_grab_focus (undo));
  gtk_widget_activate (undo);
  fm_test_settle ();
  g_assert_true (fm_draw_pad_is_empty (pad));
  g_assert_false (gtk_widget_is_sensitive (undo));
  g_assert_nonnull (gtk_window_get_focus (GTK_WINDOW (window)));
  fm_test_close_window (window);
}

/* The pixel (@x, @y) of @surface (ARGB32) as 0xRRGGBB. */
static guint32
surface_rgb (cairo_surface_t *surface,
             int              x,
             int              y)
{
  const guint8 *row = cairo_image_surface_get_data (surface) +
                      (gsize) y * cairo_image_surface_get_stride (surface);

  return *(const guint32 *) (row + (gsize) x * 4) & 0xffffff;
}

/* An RGB model's "Model input" preview is in colour: a picture yellow on
 * the left and magenta on the right shows so (a gray preview cannot tell
 * the two apart). */
static void
test_colour_preview (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *tiny = tiny_resnet ();
  g_autoptr(FmImage) image = fm_image_new (32, 32, 3, 0, NULL);
  GtkWidget *preview = GTK_WIDGET (fm_test_window_child (window, "preview"));
  cairo_surface_t *surface;
  int w, h;

  for (int i = 0; i < 32 * 32; i++)
    {
      guint8 *p = image->pixels + i * 3;

      p[0] = 255;
      p[1] = i % 32 < 16 ? 255 : 0;
      p[2] = i % 32 < 16 ? 0 : 255;
    }
  open_model_and_wait (window, tiny);
  fm_window_load_image (window, image, "yellow-magenta");
  fm_test_settle ();
  surface = fm_test_render_widget (preview);
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  g_assert_cmpint (w, >, 8);
  g_assert_cmpint (h, >, 8);
  /* A quarter in from each side, half way down: inside each half. */
  g_assert_cmphex (surface_rgb (surface, w / 4, h / 2), ==, 0xffff00);
  g_assert_cmphex (surface_rgb (surface, 3 * w / 4, h / 2), ==, 0xff00ff);
  cairo_surface_destroy (surface);
  fm_test_close_window (window);
}

/* Recent models: the last opened first, no duplicates, at most eight. */
static void
test_recent_models (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FmWindow *window;
  g_autofree char *dying = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  g_auto(GStrv) recent = NULL;

  g_settings_reset (settings, "recent-models");
  window = fm_test_open_window ("mnist-cnn");
  open_model_and_wait (window, dying);
  open_model_and_wait (window, healthy);
  recent = g_settings_get_strv (settings, "recent-models");
  g_assert_cmpuint (g_strv_length (recent), ==, 2);
  g_assert_cmpstr (recent[0], ==, healthy);
  g_assert_cmpstr (recent[1], ==, dying);
  /* The menu's entry opens it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", dying);
  WAIT_FOR (g_str_equal (fm_window_get_model (window)->path, dying) &&
            fm_window_get_frame (window) != NULL &&
            fm_window_get_frame (window)->model == fm_window_get_model (window));
  fm_test_close_window (window);
}

/* The label of the recent models menu's item @i. */
static char *
recent_label (FmWindow *window,
              int       i)
{
  GMenuModel *menu = G_MENU_MODEL (fm_test_window_child (window, "recent_menu"));
  char *label = NULL;

  g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  return label;
}

/* A model whose file name is not UTF-8 (Latin-1 "é"): its display name
 * and the menu show it in UTF-8 (the byte as U+FFFD), the settings keep
 * it as a file:// URI that reads back to the path (a GSettings string
 * must be UTF-8: the path itself was a critical from
 * g_variant_new_string ()), and the menu's entry opens it again. */
static void
test_recent_model_not_utf8 (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "recent-latin1");
  g_autofree char *path = g_build_filename (dir, "mod\xe9le.onnx", NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *last = NULL;
  g_autofree char *label = NULL;
  g_autofree char *back = NULL;
  g_auto(GStrv) recent = NULL;
  FmWindow *window;

  fm_test_copy_file (healthy, path);
  g_settings_reset (settings, "recent-models");
  window = fm_test_open_window ("mnist-cnn-dying");
  open_model_and_wait (window, path);
  g_assert_cmpstr (fm_window_get_model (window)->display_name, ==, "mod\xef\xbf\xbdle.onnx");
  last = g_settings_get_string (settings, "last-model");
  g_assert_cmpstr (last, ==, uri);
  recent = g_settings_get_strv (settings, "recent-models");
  g_assert_cmpstr (recent[0], ==, uri);
  label = recent_label (window, 0);
  g_assert_cmpstr (label, ==, "mod\xef\xbf\xbdle.onnx");
  back = fm_window_path_from_setting (uri);
  g_assert_cmpstr (back, ==, path);
  /* The menu's entry opens it. */
  open_model_and_wait (window, healthy);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", uri);
  WAIT_FOR (g_str_equal (fm_window_get_model (window)->path, path) &&
            fm_window_get_frame (window) != NULL &&
            fm_window_get_frame (window)->model == fm_window_get_model (window));
  fm_test_close_window (window);
  g_settings_reset (settings, "recent-models");
  g_settings_reset (settings, "last-model");
}

/* Exports called model.onnx are told apart by their folders, by as many
 * as it takes (two run-2 folders, in a and in b); a recent model whose
 * file is gone is not offered. */
static void
test_recent_models_menu (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  g_autofree char *top = fm_test_fresh_dir (fm_test_scratch (), "recent-menu");
  const char *runs[] = { "run-1", "a/run-2", "gone", "b/run-2" };
  const char *expected[] = { "mnist-cnn.onnx", "model.onnx in b/run-2", "model.onnx in a/run-2",
                             "model.onnx in run-1" };
  g_autofree char *bytes = NULL;
  char *paths[4];
  gsize len;
  FmWindow *window;
  GMenuModel *menu;

  g_assert_true (g_file_get_contents (healthy, &bytes, &len, NULL));
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *dir = g_build_filename (top, runs[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      paths[i] = g_build_filename (dir, "model.onnx", NULL);
      g_assert_true (g_file_set_contents (paths[i], bytes, len, NULL));
    }
  g_settings_reset (settings, "recent-models");
  window = fm_test_open_window ("mnist-cnn");
  for (guint i = 0; i < 4; i++)
    open_model_and_wait (window, paths[i]);
  g_assert_cmpint (g_unlink (paths[2]), ==, 0);
  open_model_and_wait (window, healthy);

  menu = G_MENU_MODEL (fm_test_window_child (window, "recent_menu"));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 4);
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *label = recent_label (window, i);

      g_assert_cmpstr (label, ==, expected[i]);
    }
  fm_test_close_window (window);
  for (guint i = 0; i < 4; i++)
    g_free (paths[i]);
}

/* Closing keeps the canvas; the next start shows it again. */
static void
test_last_input_restored (void)
{
  /* main () gave this program its own XDG_DATA_HOME (GLib reads it once). */
  const char *data = g_get_user_data_dir ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *kept = NULL;
  FmWindow *window;
  static const double stroke[] = { 5, 5, 22, 22 };
  g_autofree float *drawn = NULL;

  window = fm_test_open_window ("mnist-cnn");
  fm_draw_pad_stroke (fm_window_get_draw_pad (window), stroke, 2);
  drawn = g_memdup2 (fm_draw_pad_get_pixels (fm_window_get_draw_pad (window)),
                     28 * 28 * sizeof (float));
  gtk_window_close (GTK_WINDOW (window));
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  kept = g_settings_get_string (settings, "last-input");
  g_assert_true (g_str_has_prefix (kept, data));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  window = fm_window_new (NULL);
  fm_window_restore_last_input (window);
  {
    g_autofree char *path = fm_data_resolve_model ("mnist-cnn", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    fm_window_open_model (window, file);
  }
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));
  g_assert_true (memcmp (fm_draw_pad_get_pixels (fm_window_get_draw_pad (window)), drawn,
                         28 * 28 * sizeof (float)) == 0);
  fm_test_close_window (window);
}

/* ---- input settings (issue 14) ------------------------------------------ */

static gboolean is_label_with (GtkWidget *widget, gconstpointer text);

/* An RGB Relu x [1, 3, 8, 8] -> y, written to @dir/@name, with no
 * producer and no metadata. Free with g_free (). */
static char *
write_rgb_model (const char *dir,
                 const char *name)
{
  const gint64 dims[4] = { 1, 3, 8, 8 };
  g_autoptr(GByteArray) graph = g_byte_array_new ();
  g_autoptr(GByteArray) in = fm_test_value_info ("x", dims, 4);
  g_autoptr(GByteArray) out = fm_test_value_info ("y", dims, 4);
  g_autoptr(GByteArray) node = fm_test_node ("Relu", "relu", (const char *[]) { "x", NULL }, "y");
  g_autoptr(GByteArray) bytes = NULL;
  char *path = g_build_filename (dir, name, NULL);

  fm_pb_message (graph, FM_ONNX_GRAPH_NODE, node);
  bytes = fm_test_graph_model_bytes (graph, name, in, out);
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
  return path;
}

/* A model without our metadata opens the Input Settings by itself. A
 * PyTorch export of RGB pictures starts from torchvision's ImageNet
 * transform (mean, std, centre crop), which makes the empty (white)
 * canvas the tensor computed by hand, (1 - mean) / std per channel, and
 * the dialog says so; a new window on the same model finds the preset
 * again and asks nothing. An RGB model from another producer starts from
 * mean 0, std 1, fit and pad, as before. */
static void
test_input_settings_round_trip (void)
{
  g_autofree char *tiny = tiny_resnet ();
  g_autoptr(GFile) file = g_file_new_for_path (tiny);
  static const float want[3] = { (1 - 0.485f) / 0.229f, (1 - 0.456f) / 0.224f,
                                 (1 - 0.406f) / 0.225f };
  g_autofree char *settings = fm_input_settings_path_for_file (tiny, NULL);
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "round-trip");
  g_autofree char *other = NULL;
  g_autoptr(GFile) other_file = NULL;
  FmWindow *window;
  GtkWindow *dialog;
  const float *tensor;

  /* As a model never opened: earlier tests kept settings for it. */
  g_unlink (settings);
  window = open_in_new_window (file);
  dialog = fm_window_get_input_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_true (fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));
  g_assert_nonnull (fm_test_find (GTK_WIDGET (dialog), is_label_with, "torchvision’s ImageNet settings"));

  WAIT_FOR (fm_window_get_n_frames (window) > 0);
  g_assert_cmpstr (fm_preprocess_get_preset (fm_window_get_preprocess (window)), ==, "imagenet");
  g_assert_cmpint (fm_window_get_preprocess (window)->resize, ==, FM_RESIZE_CROP);
  tensor = fm_window_get_input_tensor (window);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 16 * 16; i++)
      g_assert_cmpfloat_with_epsilon (tensor[c * 256 + i], want[c], 1e-4);
  fm_test_close_window (window);

  window = open_in_new_window (file);
  g_assert_null (fm_window_get_input_dialog (window));
  g_assert_cmpstr (fm_preprocess_get_preset (fm_window_get_preprocess (window)), ==, "imagenet");
  tensor = fm_window_get_input_tensor (window);
  g_assert_cmpfloat_with_epsilon (tensor[0], want[0], 1e-4);
  fm_test_close_window (window);

  other = write_rgb_model (dir, "not-pytorch.onnx");
  other_file = g_file_new_for_path (other);
  window = open_in_new_window (other_file);
  g_assert_nonnull (fm_window_get_input_dialog (window));
  g_assert_null (fm_test_find (GTK_WIDGET (fm_window_get_input_dialog (window)),
                                     is_label_with, "torchvision’s ImageNet settings"));
  g_assert_cmpstr (fm_preprocess_get_preset (fm_window_get_preprocess (window)), ==, "none");
  g_assert_cmpint (fm_window_get_preprocess (window)->resize, ==, FM_RESIZE_FIT);
  fm_test_close_window (window);
}

/* An opened dark-on-light picture is said to be inverted for MNIST. */
static void
test_inverted_notice (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *paper = fm_data_find ("digits/digit-3-paper.png", NULL);
  g_autofree char *seven = fm_data_find ("digits/digit-7.png", NULL);
  g_autoptr(GFile) paper_file = g_file_new_for_path (paper);
  g_autoptr(GFile) seven_file = g_file_new_for_path (seven);
  GtkWidget *caption;

  fm_window_open_image (window, paper_file);
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));
  caption = GTK_WIDGET (fm_test_window_child (window, "input_caption"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (caption)), "Inverted: dark ink on light paper"));
  fm_window_open_image (window, seven_file);
  WAIT_FOR (strstr (gtk_label_get_text (GTK_LABEL (caption)), "Inverted") == NULL);
  fm_test_close_window (window);
}

/* A picture that does not decode: the toast names the file in plain words
 * (in UTF-8 whatever its bytes) and the decoder's own message waits
 * behind Details. */
static void
test_broken_picture_notice (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "broken-picture");
  g_autofree char *path = g_build_filename (dir, "cut.jpg", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  static const char cut[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01";

  g_assert_true (g_file_set_contents (path, cut, sizeof cut - 1, NULL));
  fm_window_open_image (window, file);
  WAIT_FOR (!fm_window_is_loading_image (window));
  g_assert_cmpstr (fm_window_get_last_toast (window), ==,
                   "Could not open: cut.jpg: damaged, incomplete or not a PNG or JPEG picture");
  g_assert_nonnull (fm_window_get_error_detail (window));
  g_assert_true (g_str_has_prefix (fm_window_get_error_detail (window), path));
  g_assert_nonnull (strstr (fm_window_get_error_detail (window), "invalid JPEG"));

  /* A name that is not UTF-8 (Latin-1 "é") is shown in UTF-8, the byte as
   * U+FFFD, not passed to the toast as it is. */
  g_free (path);
  path = g_build_filename (dir, "cut-\xe9.jpg", NULL);
  g_object_unref (file);
  file = g_file_new_for_path (path);
  g_assert_true (g_file_set_contents (path, cut, sizeof cut - 1, NULL));
  fm_window_open_image (window, file);
  WAIT_FOR (!fm_window_is_loading_image (window));
  g_assert_cmpstr (fm_window_get_last_toast (window), ==,
                   "Could not open: cut-\xef\xbf\xbd.jpg: damaged, incomplete or not a PNG or "
                   "JPEG picture");
  fm_test_close_window (window);
}

/* The notice follows a model switch: the paper "3", inverted for MNIST
 * (white ink on black), is not for a white-background model, and is
 * again on the way back. */
static void
test_inverted_notice_follows_switch (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *paper = fm_data_find ("digits/digit-3-paper.png", NULL);
  g_autofree char *tiny = tiny_resnet ();
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  g_autoptr(GFile) paper_file = g_file_new_for_path (paper);
  GtkLabel *caption = GTK_LABEL (fm_test_window_child (window, "input_caption"));

  fm_window_open_image (window, paper_file);
  WAIT_FOR (strstr (gtk_label_get_text (caption), "Inverted") != NULL);
  open_model_and_wait (window, tiny);
  g_assert_null (strstr (gtk_label_get_text (caption), "Inverted"));
  open_model_and_wait (window, healthy);
  g_assert_nonnull (strstr (gtk_label_get_text (caption), "Inverted"));
  fm_test_close_window (window);
}

/* A model without metadata asks once: the settings it showed are kept
 * (the user saw them), and the next load takes them without asking. */
static void
test_input_settings_asked_once (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "asked-once");
  g_autofree char *path = g_build_filename (dir, "model.onnx", NULL);
  g_autoptr(GByteArray) bytes = fm_test_relu_model (3, 5, FALSE, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *settings = NULL;
  FmWindow *window;

  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
  settings = fm_input_settings_path_for_file (path, NULL);
  g_assert_nonnull (settings);
  g_assert_false (g_file_test (settings, G_FILE_TEST_EXISTS));

  window = open_in_new_window (file);
  g_assert_nonnull (fm_window_get_input_dialog (window));
  g_assert_true (g_file_test (settings, G_FILE_TEST_EXISTS));
  fm_test_close_window (window);

  window = open_in_new_window (file);
  fm_test_settle ();
  g_assert_null (fm_window_get_input_dialog (window));
  fm_test_close_window (window);
  g_unlink (settings);
}

/* A kept settings file that cannot be used (a typo in mean=) is said and
 * left as it is: the panel opens, but nothing overwrites the file. */
static void
test_bad_settings_file_kept (void)
{
  g_autofree char *dir = fm_test_fresh_dir (fm_test_scratch (), "bad-settings");
  g_autofree char *path = g_build_filename (dir, "model.onnx", NULL);
  g_autoptr(GByteArray) bytes = fm_test_relu_model (4, 6, FALSE, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *settings = NULL;
  g_autofree char *folder = NULL;
  static const char bad[] = "[Input]\nmean=0.5x\n";
  FmWindow *window;

  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
  settings = fm_input_settings_path_for_file (path, NULL);
  folder = g_path_get_dirname (settings);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (settings, bad, -1, NULL));

  window = open_in_new_window (file);
  g_assert_nonnull (fm_window_get_input_dialog (window));
  g_assert_nonnull (fm_window_get_last_toast (window));
  g_assert_nonnull (strstr (fm_window_get_last_toast (window), "mean"));
  fm_test_assert_file_is (settings, bad);
  fm_test_close_window (window);
  g_unlink (settings);
}

/* Whether @widget is an action row (a combo row included) titled @title. */
static gboolean
is_action_row_titled (GtkWidget     *widget,
                      gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* The Channels row of Input Settings @dialog: its first choice ("Gray"
 * or "RGB") and whether it can be changed. */
static const char *
channels_row (GtkWindow *dialog,
              gboolean  *sensitive)
{
  GtkWidget *w = fm_test_find (GTK_WIDGET (dialog), is_action_row_titled, "C_hannels");
  GListModel *items;

  g_assert_true (ADW_IS_COMBO_ROW (w));
  items = adw_combo_row_get_model (ADW_COMBO_ROW (w));
  *sensitive = gtk_widget_get_sensitive (w);
  return gtk_string_list_get_string (GTK_STRING_LIST (items), 0);
}

/* The subtitle of Input Settings @dialog's row titled @title. */
static const char *
row_subtitle (GtkWindow  *dialog,
              const char *title)
{
  GtkWidget *w = fm_test_find (GTK_WIDGET (dialog), is_action_row_titled, title);

  g_assert_nonnull (w);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (w));
}

/* Input Settings left open follow a model switch, in place whatever the
 * number of channels (a new window would take the focus): the dialog then
 * shows the new model's input and its Channels row, and its changes apply
 * to the new model (a dialog of the model before once wrote a 1 x 28 x 28
 * tensor's settings over a 3 x 16 x 16 model's input). */
static void
test_input_settings_follow_switch (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *tiny = tiny_resnet ();
  g_autofree char *healthy = fm_data_resolve_model ("mnist-cnn", NULL);
  const FmPreprocess *pp;
  GtkWindow *dialog;
  gboolean sensitive = TRUE;
  guint frames;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.input-settings", NULL);
  dialog = fm_window_get_input_dialog (window);
  g_assert_cmpint (fm_input_dialog_get (FM_INPUT_DIALOG (dialog))->channels, ==, 1);
  g_assert_cmpstr (channels_row (dialog, &sensitive), ==, "Gray");
  g_assert_false (sensitive);

  open_model_and_wait (window, tiny);
  g_assert_true (fm_window_get_input_dialog (window) == dialog);
  pp = fm_input_dialog_get (FM_INPUT_DIALOG (dialog));
  g_assert_cmpint (pp->channels, ==, 3);
  g_assert_cmpint (pp->height, ==, 16);
  g_assert_cmpint (pp->width, ==, 16);
  g_assert_cmpstr (channels_row (dialog, &sensitive), ==, "RGB");
  g_assert_true (sensitive);
  /* "If dark on light" never inverts for a model with a light background,
   * and the row says so (it promised to, under a summary of "not
   * inverted") */
  g_assert_false (fm_preprocess_background_is_dark (pp));
  g_assert_true (g_str_has_prefix (row_subtitle (dialog, "_Invert"),
                                   "This model’s background is light"));

  /* Its changes apply to the new model. */
  frames = fm_window_get_n_frames (window);
  fm_input_dialog_preset (FM_INPUT_DIALOG (dialog), "none");
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  g_assert_cmpstr (fm_preprocess_get_preset (fm_window_get_preprocess (window)), ==, "none");
  g_assert_cmpint (fm_window_get_preprocess (window)->channels, ==, 3);
  g_assert_cmpint (fm_window_get_preprocess (window)->height, ==, 16);

  /* Back to a model with metadata: the open dialog shows its input. */
  open_model_and_wait (window, healthy);
  g_assert_true (fm_window_get_input_dialog (window) == dialog);
  g_assert_cmpint (fm_input_dialog_get (FM_INPUT_DIALOG (dialog))->channels, ==, 1);
  g_assert_cmpint (fm_input_dialog_get (FM_INPUT_DIALOG (dialog))->height, ==, 28);
  g_assert_cmpstr (channels_row (dialog, &sensitive), ==, "Gray");
  g_assert_false (sensitive);
  g_assert_cmpstr (row_subtitle (dialog, "_Invert"), ==,
                   "For a model trained on light strokes on black");
  fm_test_close_window (window);
}

/* Between two models of one input the open dialog is updated in place
 * (a new window would take the focus), and then changes the new model. */
static void
test_input_settings_in_place (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autofree char *dying = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  GtkWindow *dialog;
  guint frames;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.input-settings", NULL);
  dialog = fm_window_get_input_dialog (window);
  g_assert_nonnull (dialog);
  open_model_and_wait (window, dying);
  g_assert_true (fm_window_get_input_dialog (window) == dialog);
  g_assert_nonnull (strstr (gtk_window_get_title (dialog), "mnist-cnn-dying.onnx"));

  frames = fm_window_get_n_frames (window);
  fm_input_dialog_preset (FM_INPUT_DIALOG (dialog), "none");
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  g_assert_cmpstr (fm_preprocess_get_preset (fm_window_get_preprocess (window)), ==, "none");
  fm_test_close_window (window);
  /* The bundled model's own settings again for the tests after this one. */
  {
    g_autofree char *kept = fm_input_settings_path_for_file (dying, NULL);

    g_unlink (kept);
  }
}

static gboolean
is_entry_row_titled (GtkWidget     *widget,
                     gconstpointer  prefix)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), prefix);
}

static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
         && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

/* A mean or std that cannot be used is said to be in words where the
 * summary is ("Not applied: ..."), not by a red row alone; right again,
 * the summary comes back and the settings follow. */
static void
test_input_settings_problem (void)
{
  FmPreprocess pp;
  GtkWindow *dialog;
  GtkWidget *std_row, *said;

  fm_preprocess_init (&pp, 3, 8, 8);
  dialog = fm_input_dialog_new (NULL, "rgb.onnx", &pp, NULL);
  gtk_window_present (dialog);
  fm_test_settle ();
  std_row = fm_test_find (GTK_WIDGET (dialog), is_entry_row_titled, "Standard deviation");
  g_assert_nonnull (std_row);

  gtk_editable_set_text (GTK_EDITABLE (std_row), "0.3,0.2");
  fm_test_settle ();
  said = fm_test_find (GTK_WIDGET (dialog), is_label_with, "Not applied: ");
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (said)),
                            "std needs 1 value or 3, one per channel"));
  g_assert_true (gtk_widget_has_css_class (said, "error"));
  g_assert_cmpint (fm_input_dialog_get (FM_INPUT_DIALOG (dialog))->n_std, ==, 1);

  gtk_editable_set_text (GTK_EDITABLE (std_row), "0.5");
  fm_test_settle ();
  g_assert_null (fm_test_find (GTK_WIDGET (dialog), is_label_with, "Not applied: "));
  g_assert_false (gtk_widget_has_css_class (said, "error"));
  g_assert_cmpfloat (fm_input_dialog_get (FM_INPUT_DIALOG (dialog))->std[0], ==, 0.5f);
  gtk_window_destroy (dialog);
}

/* ---- one normalisation path (issue 15) ---------------------------------- */

/* "a,b,c", each value as the float it is. */
static char *
join_floats (const float *v,
             int          n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) items = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int i = 0; i < n; i++)
    g_strv_builder_add (builder, g_ascii_dtostr (buf, sizeof buf, v[i]));
  items = g_strv_builder_end (builder);
  return g_strjoinv (",", items);
}

/* The tensor `feature-maps run MODEL IMAGE --dump` gives the model with
 * the settings @pp as flags, from its input.npy: @n floats. */
static float *
cli_input_tensor (const char         *model,
                  const char         *image,
                  const FmPreprocess *pp,
                  gsize              *n)
{
  g_autofree char *dir = fm_test_make_tmp_dir ("fm-test-window-dump-XXXXXX");
  g_autofree char *npy = g_build_filename (dir, "input.npy", NULL);
  g_autofree char *dump = g_strconcat ("--dump=", dir, NULL);
  g_autofree char *mean_v = join_floats (pp->mean, pp->n_mean);
  g_autofree char *std_v = join_floats (pp->std, pp->n_std);
  g_autofree char *bg_v = fm_preprocess_background_name (pp);
  g_autofree char *channels = g_strconcat ("--channels=",
                                           fm_preprocess_channel_order_name (pp->order), NULL);
  g_autofree char *range = g_strconcat ("--input-range=",
                                        fm_preprocess_value_range_name (pp->range), NULL);
  g_autofree char *resize = g_strconcat ("--resize=", fm_preprocess_resize_name (pp->resize),
                                         NULL);
  g_autofree char *invert = g_strconcat ("--invert=", fm_preprocess_invert_name (pp->invert),
                                         NULL);
  g_autofree char *background = g_strconcat ("--background=", bg_v, NULL);
  g_autofree char *mean = g_strconcat ("--mean=", mean_v, NULL);
  g_autofree char *std = g_strconcat ("--std=", std_v, NULL);
  const char *argv[] = { fm_test_cli_binary, "run", model, image, dump, channels, range, resize,
                         invert, background, mean, std, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  FmShape shape = { 0 };
  float *tensor;
  int status;

  g_assert_nonnull (fm_test_cli_binary);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("feature-maps run failed: %s", err);
  tensor = fm_npy_read (npy, &shape, 64 << 20, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shape.rank, ==, 4);
  *n = (gsize) (shape.dims[0] * shape.dims[1] * shape.dims[2] * shape.dims[3]);
  fm_test_remove_tree (dir);
  return tensor;
}

/* The tensor the window last gave the model equals the command line's for
 * @image and the window's settings, bit for bit. */
static void
check_tensor_is_cli (FmWindow   *window,
                     const char *image)
{
  const FmPreprocess *pp = fm_window_get_preprocess (window);
  g_autofree char *how = fm_preprocess_describe (pp);
  gsize n = 0;
  g_autofree float *cli = cli_input_tensor (fm_window_get_model (window)->path, image, pp, &n);

  g_test_message ("%s: %s", fm_window_get_model (window)->display_name, how);
  g_assert_cmpuint (n, ==, (gsize) pp->channels * pp->height * pp->width);
  g_assert_true (memcmp (fm_window_get_input_tensor (window), cli, n * sizeof (float)) == 0);
}

/* A picture goes picture -> [0, 1] canvas -> tensor once in the window,
 * as in `feature-maps run`: the tensor it gives the model is the command
 * line's for the same picture and settings, bit for bit. On the gray
 * MNIST model the paper digit is fitted, letterboxed with its border and
 * inverted; on the RGB model, with settings kept for it (BGR, 0-255,
 * centre crop, a mean and std per channel), it is cropped; and after the
 * ImageNet preset is chosen while it is shown, it is read again. */
static void
test_tensor_matches_cli (void)
{
  g_autofree char *paper = fm_data_find ("digits/digit-3-paper.png", NULL);
  g_autofree char *tiny = tiny_resnet ();
  g_autofree char *kept = NULL;
  g_autoptr(GFile) paper_file = g_file_new_for_path (paper);
  g_autoptr(GFile) tiny_file = g_file_new_for_path (tiny);
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmImage) picture = NULL;
  g_autoptr(GError) error = NULL;
  static const float mean[3] = { 103.939f, 116.779f, 123.68f };
  static const float std[3] = { 57.375f, 57.12f, 58.395f };
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmPreprocess pp;
  GtkWindow *dialog;
  guint frames;

  fm_window_open_image (window, paper_file);
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)));
  picture = fm_image_load (paper, 0, &error);
  g_assert_no_error (error);
  g_assert_true (fm_preprocess_will_invert (fm_window_get_preprocess (window), picture));
  check_tensor_is_cli (window, paper);
  fm_test_close_window (window);

  model = fm_model_load_file (tiny, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fm_preprocess_init_from_model (&pp, model, &error));
  pp.order = FM_CHANNEL_ORDER_BGR;
  pp.range = FM_VALUE_RANGE_0_255;
  pp.resize = FM_RESIZE_CROP;
  memcpy (pp.mean, mean, sizeof mean);
  memcpy (pp.std, std, sizeof std);
  pp.n_mean = pp.n_std = 3;
  kept = fm_input_settings_path_for_file (tiny, &error);
  g_assert_no_error (error);
  g_assert_true (fm_input_settings_save (kept, &pp, &error));
  g_assert_no_error (error);

  window = open_in_new_window (tiny_file);
  g_assert_cmpint (fm_window_get_preprocess (window)->order, ==, FM_CHANNEL_ORDER_BGR);
  g_assert_cmpint (fm_window_get_preprocess (window)->resize, ==, FM_RESIZE_CROP);
  g_assert_false (fm_draw_pad_can_undo (fm_window_get_draw_pad (window)));
  fm_window_open_image (window, paper_file);
  WAIT_FOR (fm_draw_pad_can_undo (fm_window_get_draw_pad (window)));
  check_tensor_is_cli (window, paper);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.input-settings", NULL);
  dialog = fm_window_get_input_dialog (window);
  g_assert_nonnull (dialog);
  frames = fm_window_get_n_frames (window);
  fm_input_dialog_preset (FM_INPUT_DIALOG (dialog), "imagenet");
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  g_assert_cmpstr (fm_preprocess_get_preset (fm_window_get_preprocess (window)), ==, "imagenet");
  check_tensor_is_cli (window, paper);
  fm_test_close_window (window);
  g_unlink (kept);
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);

  g_test_add_func ("/app/window/switch-keeps-input", test_switch_keeps_input);
  g_test_add_func ("/app/window/switch-resamples-input", test_switch_resamples_input);
  g_test_add_func ("/app/window/new-model-at-top", test_new_model_at_top);
  g_test_add_func ("/app/window/recent-models", test_recent_models);
  g_test_add_func ("/app/window/recent-models-menu", test_recent_models_menu);
  g_test_add_func ("/app/window/recent-model-not-utf8", test_recent_model_not_utf8);
  g_test_add_func ("/app/window/last-input-restored", test_last_input_restored);
  g_test_add_func ("/app/window/switch-rereads-picture", test_switch_rereads_picture);
  g_test_add_func ("/app/window/colour-preview", test_colour_preview);
  g_test_add_func ("/app/window/picture-and-model-together", test_picture_and_model_together);
  g_test_add_func ("/app/window/last-picture-wins", test_last_picture_wins);
  g_test_add_func ("/app/window/focus-kept", test_focus_kept);
  g_test_add_func ("/app/window/input-settings-problem", test_input_settings_problem);
  g_test_add_func ("/app/window/input-settings-round-trip", test_input_settings_round_trip);
  g_test_add_func ("/app/window/inverted-notice", test_inverted_notice);
  g_test_add_func ("/app/window/broken-picture-notice", test_broken_picture_notice);
  g_test_add_func ("/app/window/inverted-notice-follows-switch",
                   test_inverted_notice_follows_switch);
  g_test_add_func ("/app/window/input-settings-asked-once", test_input_settings_asked_once);
  g_test_add_func ("/app/window/bad-settings-file-kept", test_bad_settings_file_kept);
  g_test_add_func ("/app/window/dynamic-size-model", test_dynamic_size_model);
  g_test_add_func ("/app/window/input-settings-in-place", test_input_settings_in_place);
  g_test_add_func ("/app/window/input-settings-follow-switch",
                   test_input_settings_follow_switch);
  g_test_add_func ("/app/window/tensor-matches-cli", test_tensor_matches_cli);

  return g_test_run ();
}
