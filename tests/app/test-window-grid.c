/* test-window-grid.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's layers under a real display: the zero marks shown for a
 * digit and the "zero" filter are exactly the zero channels `feature-maps
 * run --json` reports for the same picture, every tile in sight shows its
 * map after layer changes and after a change of Sort or Show, the window fits a small screen, the sidebar is
 * one Tab stop, tiles held as space keep their height, sorting, going to a
 * channel and the paging keys.
 */
#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "fm-data.h"
#include "fm-draw-pad.h"
#include "fm-layer-section.h"
#include "fm-test-files.h"
#include "fm-test-window.h"
#include "fm-tile.h"
#include "fm-window.h"
#include "fm-wrap-label.h"

/* Zero channels per layer name from `feature-maps run --json`. */
static GHashTable *
cli_zero_channels (const char *model,
                   const char *image)
{
  const char *argv[] = { fm_test_cli_binary, "run", model, image, "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GHashTable *zeros = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_array_unref);
  JsonArray *layers;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("feature-maps run failed: %s", err);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  layers = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *z = json_object_get_array_member (l, "zero_channels");
      GArray *channels = g_array_new (FALSE, FALSE, sizeof (guint));

      for (guint k = 0; k < json_array_get_length (z); k++)
        {
          guint c = (guint) json_array_get_int_element (z, k);
          g_array_append_val (channels, c);
        }
      g_hash_table_insert (zeros, g_strdup (json_object_get_string_member (l, "name")), channels);
    }
  return zeros;
}

/* Opens the bundled digit @digit in @window, waits for its result, and
 * returns the zero channels `feature-maps run --json` reports for it on
 * the bundled model @model_name. */
static GHashTable *
show_digit (FmWindow   *window,
            const char *model_name,
            const char *digit)
{
  g_autofree char *relative = g_strconcat ("digits/", digit, NULL);
  g_autofree char *image = fm_data_find (relative, NULL);
  g_autofree char *model_path = fm_data_resolve_model (model_name, NULL);
  g_autoptr(GFile) file = NULL;
  guint frames = fm_window_get_n_frames (window);

  g_assert_nonnull (image);
  file = g_file_new_for_path (image);
  fm_window_open_image (window, file);
  WAIT_FOR (!fm_draw_pad_is_empty (fm_window_get_draw_pad (window)) &&
            fm_window_get_n_frames (window) > frames);
  /* Let the last submitted input's result arrive. */
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  return cli_zero_channels (model_path, image);
}

/* @shown lists exactly the channels @expected does, in the same order. */
static void
assert_same_channels (GArray *shown,
                      GArray *expected)
{
  g_assert_nonnull (expected);
  g_assert_cmpuint (shown->len, ==, expected->len);
  for (guint k = 0; k < shown->len; k++)
    g_assert_cmpuint (g_array_index (shown, guint, k), ==, g_array_index (expected, guint, k));
}

static void
check_marks_match_cli (const char *model_name,
                       const char *digit)
{
  FmWindow *window = fm_test_open_window (model_name);
  g_autoptr(GHashTable) cli = show_digit (window, model_name, digit);
  FmFrame *frame = fm_window_get_frame (window);
  guint total = 0;

  for (guint i = 0; i < fm_frame_n_layers (frame); i++)
    {
      const char *name = frame->model->values[fm_frame_layer (frame, i)->value_id].name;
      g_autoptr(GArray) shown = fm_window_dup_marked_zero (window, i);

      g_test_message ("%s: %u zero channels", name, shown->len);
      assert_same_channels (shown, g_hash_table_lookup (cli, name));
      total += shown->len;
    }
  if (g_str_equal (model_name, "mnist-cnn-dying"))
    g_assert_cmpuint (total, >, 0);  /* the comparison is not vacuous */
  fm_test_close_window (window);
}

static void
test_marks_match_cli (void)
{
  check_marks_match_cli ("mnist-cnn", "digit-7.png");
  check_marks_match_cli ("mnist-cnn-dying", "digit-2.png");
}

/* "Zero for this input" shows exactly the zero channels that
 * `feature-maps run --json` reports for the same picture, layer by layer;
 * "Firing" the others; sorting by largest value orders them by the max
 * the frame's statistics give. */
static void
test_filter_and_sort (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autoptr(GHashTable) cli = show_digit (window, "mnist-cnn-dying", "digit-2.png");
  FmFrame *frame = fm_window_get_frame (window);
  guint total_zero = 0;

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ZERO);
  fm_test_settle ();
  for (guint i = 0; i < fm_frame_n_layers (frame); i++)
    {
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, i));
      const char *name = frame->model->values[fm_frame_layer (frame, i)->value_id].name;
      GArray *expected = g_hash_table_lookup (cli, name);
      g_autoptr(GArray) shown = NULL;

      fm_layer_section_ensure_tiles (section);
      fm_test_settle ();
      shown = fm_layer_section_dup_shown (section);
      assert_same_channels (shown, expected);
      g_assert_cmpuint (fm_layer_section_count_shown (section), ==, expected->len);
      total_zero += shown->len;
    }
  g_assert_cmpuint (total_zero, >, 0);

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_FIRING);
  fm_test_settle ();
  {
    FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, 0));
    GArray *expected = g_hash_table_lookup (cli, frame->model->values[fm_frame_layer (frame, 0)->value_id].name);
    g_autoptr(GArray) shown = fm_layer_section_dup_shown (section);

    g_assert_cmpuint (shown->len + expected->len, ==, 32);
    for (guint k = 0; k < shown->len; k++)
      for (guint e = 0; e < expected->len; e++)
        g_assert_cmpuint (g_array_index (shown, guint, k), !=, g_array_index (expected, guint, e));
  }

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_set_dropdown (window, "sort_dropdown", FM_TILE_SORT_MAX);
  fm_test_settle ();
  {
    FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, 0));
    g_autoptr(GArray) shown = fm_layer_section_dup_shown (section);

    g_assert_cmpuint (shown->len, ==, 32);
    for (guint k = 1; k < shown->len; k++)
      g_assert_cmpfloat (frame->stats[0][g_array_index (shown, guint, k - 1)].max, >=,
                         frame->stats[0][g_array_index (shown, guint, k)].max);
  }
  fm_test_set_dropdown (window, "sort_dropdown", FM_TILE_SORT_CHANNEL);
  fm_test_close_window (window);
}

/* ---- what the window shows, in pixels and layout (issue 13) -------------- */

/* The layer view as it is on screen: the scroller's render node (built
 * from each widget's cached node, as the window paints it), rendered by
 * cairo into a texture of its size. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GskRenderNode *node;
  GskRenderer *renderer = gsk_cairo_renderer_new ();
  GdkTexture *texture;

  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_render_node_unref (node);
  gsk_renderer_unrealize (renderer);
  g_object_unref (renderer);
  g_object_unref (paintable);
  return texture;
}

static guint32
texture_pixel (const guint8 *data,
               gsize         stride,
               int           x,
               int           y)
{
  const guint8 *p = data + (gsize) y * stride + (gsize) x * 4;

  /* GDK_MEMORY_DEFAULT: B, G, R, A on little-endian machines. */
  return (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static gboolean
close_rgb (guint32 a,
           guint32 b)
{
  for (int shift = 0; shift <= 16; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 24)
      return FALSE;
  return TRUE;
}

/* Every tile of layer @index wholly in sight shows its current map: the
 * pixels at the centres of a few of its cells are those fm_tile_render
 * draws for that map, not the page's background. Returns the tiles
 * checked. */
static guint
check_tiles_in_sight (FmWindow *window,
                      guint     index)
{
  GtkWidget *scroller = fm_window_get_layers_scroller (window);
  FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, index));
  FmFrame *frame = fm_window_get_frame (window);
  const FmLayer *layer = fm_frame_layer (frame, index);
  const FmValue *v = &frame->model->values[layer->value_id];
  int mh = (int) v->shape.dims[2], mw = (int) v->shape.dims[3];
  g_autoptr(GdkTexture) texture = render_widget (scroller);
  int tw = gdk_texture_get_width (texture), th = gdk_texture_get_height (texture);
  gsize stride = (gsize) tw * 4;
  g_autofree guint8 *data = g_malloc (stride * th);
  guint checked = 0;
  FmViewOptions options = { 0 };

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *cm = g_settings_get_string (settings, "colormap");

    options.colormap = fm_colormap_lookup (cm);
    options.normalize = FM_NORMALIZE_LAYER;
    g_assert_nonnull (options.colormap);
  }
  gdk_texture_download (texture, data, stride);
  for (guint c = 0; c < fm_layer_section_n_tiles (section); c++)
    {
      GtkWidget *tile = fm_layer_section_get_tile (section, c);
      graphene_rect_t b;
      int side;
      FmTileStyle style = { 0 };
      cairo_surface_t *ref;
      cairo_t *cr;
      const float *map = fm_frame_data (frame, index) + (gsize) c * mh * mw;

      /* A tile the filter hides keeps the place it had. */
      if (!gtk_widget_get_child_visible (gtk_widget_get_parent (tile)))
        continue;
      if (!gtk_widget_compute_bounds (tile, scroller, &b) || b.origin.y < 0 ||
          b.origin.x < 0 || b.origin.y + b.size.height > th || b.origin.x + b.size.width > tw)
        continue;
      /* The map is the square above the index label, centred. */
      side = (int) MIN (b.size.width, b.size.height - 16);
      style.colormap = options.colormap;
      fm_view_options_range (&options, frame, index, (int) c, &style.vmin, &style.vmax);
      style.all_zero = frame->stats[index][c].all_zero;
      style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
      ref = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
      cr = cairo_create (ref);
      fm_tile_render (cr, map, mh, mw, side, side, &style);
      cairo_destroy (cr);
      cairo_surface_flush (ref);
      for (int k = 1; k <= 3; k++)
        {
          /* Cells at a quarter, half and three quarters down the diagonal. */
          int cx = (int) ((floor (mw * k / 4.0) + 0.5) * side / mw);
          int cy = (int) ((floor (mh * k / 4.0) + 0.5) * side / mh);
          guint32 want = ((guint32 *) (cairo_image_surface_get_data (ref) +
                                       cy * cairo_image_surface_get_stride (ref)))[cx] & 0xffffff;
          int x0 = (int) (b.origin.x + floor ((b.size.width - side) / 2));
          guint32 got = texture_pixel (data, stride, x0 + cx, (int) b.origin.y + cy);

          if (!close_rgb (got, want))
            g_error ("layer %u channel %u: pixel (%d, %d) is %06x, its map draws %06x",
                     index, c, cx, cy, got, want);
        }
      cairo_surface_destroy (ref);
      checked++;
    }
  return checked;
}

/* From All Layers straight to each layer in turn, from the sidebar. */
static void
check_each_layer (FmWindow *window,
                  guint     n_layers)
{
  for (guint i = 0; i < n_layers; i++)
    {
      fm_window_select_layer (window, -1);
      fm_test_settle ();
      fm_window_select_layer (window, (int) i);
      fm_test_settle ();
      g_assert_cmpuint (check_tiles_in_sight (window, i), >, 0);
    }
}

/* Draw, clear, undo, then show each layer in turn (from the sidebar and
 * with the keyboard's Down arrow): every tile in sight shows its map. */
static void
test_tiles_drawn_after_layer_change (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  GtkWidget *list = fm_window_get_layer_list (window);
  static const double stroke[] = { 8, 6, 12, 10, 16, 14, 20, 20, 20, 24 };
  guint n_layers, frames;

  fm_draw_pad_stroke (pad, stroke, G_N_ELEMENTS (stroke) / 2);
  fm_test_settle ();
  frames = fm_window_get_n_frames (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  fm_test_settle ();
  frames = fm_window_get_n_frames (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  fm_test_settle ();
  n_layers = fm_frame_n_layers (fm_window_get_frame (window));
  g_assert_cmpuint (check_tiles_in_sight (window, 0), >, 0);

  /* From All Layers, where the lower layers' tiles were out of sight when
   * the input last changed, straight to each layer. */
  check_each_layer (window, n_layers);
  /* The same with the keyboard: Home, then the Down arrow. */
  gtk_widget_grab_focus (gtk_widget_get_first_child (list));
  for (guint i = 0; i < n_layers; i++)
    {
      fm_window_select_layer (window, -1);
      fm_test_settle ();
      g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_BUFFER_ENDS, -1, FALSE, FALSE);
      for (guint k = 0; k <= i; k++)
        g_signal_emit_by_name (list, "move-cursor", GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE, FALSE);
      fm_test_settle ();
      g_assert_cmpuint (check_tiles_in_sight (window, i), >, 0);
    }

  /* After a scan has marked the tiles, and after a new colormap. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    fm_test_fresh_scan_cache ();
    fm_window_select_layer (window, -1);
    fm_test_scan_digits (window);
    g_assert_nonnull (fm_window_get_scan (window));
    check_each_layer (window, n_layers);
    fm_window_select_layer (window, -1);
    fm_test_settle ();
    g_settings_set_string (settings, "colormap", "magma");
    fm_test_settle ();
    check_each_layer (window, n_layers);
    g_settings_reset (settings, "colormap");
    g_unsetenv ("XDG_CACHE_HOME");
  }
  fm_test_close_window (window);
}

/* Whether @tile lies wholly inside the layers' scroller. */
static gboolean
tile_in_sight (FmWindow  *window,
               GtkWidget *tile)
{
  GtkWidget *scroller = fm_window_get_layers_scroller (window);
  graphene_rect_t b;

  return gtk_widget_get_child_visible (gtk_widget_get_parent (tile)) &&
         gtk_widget_compute_bounds (tile, scroller, &b) && b.origin.y >= 0 && b.origin.x >= 0 &&
         b.origin.y + b.size.height <= gtk_widget_get_height (scroller) &&
         b.origin.x + b.size.width <= gtk_widget_get_width (scroller);
}

/* Chooses @id's item @item, then checks that every tile of layer @index
 * wholly in sight shows its map. Returns how many of them are tiles whose
 * last drawing was out of sight (the ones that were blank). */
static guint
check_view_change (FmWindow   *window,
                   guint       index,
                   const char *id,
                   guint       item)
{
  FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, index));
  g_autoptr(GPtrArray) culled = g_ptr_array_new ();
  guint moved_in = 0;

  for (guint c = 0; c < fm_layer_section_n_tiles (section); c++)
    if (fm_tile_get_culled (FM_TILE (fm_layer_section_get_tile (section, c))))
      g_ptr_array_add (culled, fm_layer_section_get_tile (section, c));
  g_assert_cmpuint (culled->len, >, 0);
  fm_test_set_dropdown (window, id, item);
  fm_test_settle ();
  for (guint k = 0; k < culled->len; k++)
    moved_in += tile_in_sight (window, g_ptr_array_index (culled, k));
  g_test_message ("%s %u: %u of %u tiles drawn out of sight moved into sight", id, item,
                  moved_in, culled->len);
  g_assert_cmpuint (check_tiles_in_sight (window, index), >, 0);
  return moved_in;
}

/* A layer taller than the page, sorted by largest value, then by mean,
 * then back by channel, then filtered: the tiles that come into sight
 * were last drawn out of sight, without their map (a tile skips it
 * there), and must draw it now; they showed only their number. */
static void
test_tiles_drawn_after_sort (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FmWindow *window;
  FmDrawPad *pad;
  static const double stroke[] = { 8, 6, 12, 10, 16, 14, 20, 20, 20, 24 };
  guint frames;

  /* Big tiles: the 32 of one layer do not fit the page. */
  g_settings_set_int (settings, "tile-size", 200);
  window = fm_test_open_window ("mnist-cnn-dying");
  pad = fm_window_get_draw_pad (window);
  frames = fm_window_get_n_frames (window);
  fm_draw_pad_stroke (pad, stroke, G_N_ELEMENTS (stroke) / 2);
  WAIT_FOR (fm_window_get_n_frames (window) > frames);
  fm_window_select_layer (window, 0);
  fm_test_settle ();
  g_assert_cmpuint (check_tiles_in_sight (window, 0), >, 0);

  /* Each change brings tiles into sight that were drawn out of it (the
   * test is not vacuous), except perhaps back to channel order. */
  g_assert_cmpuint (check_view_change (window, 0, "sort_dropdown", FM_TILE_SORT_MAX), >, 0);
  g_assert_cmpuint (check_view_change (window, 0, "sort_dropdown", FM_TILE_SORT_MEAN), >, 0);
  check_view_change (window, 0, "sort_dropdown", FM_TILE_SORT_CHANNEL);
  /* The firing channels of the dying model's first ReLUs: the zero ones
   * leave gaps that tiles from below fill. */
  fm_window_select_layer (window, 1);
  fm_test_settle ();
  g_assert_cmpuint (check_tiles_in_sight (window, 1), >, 0);
  g_assert_cmpuint (check_view_change (window, 1, "filter_dropdown", FM_TILE_FILTER_FIRING),
                    >, 0);
  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_close_window (window);
  g_settings_reset (settings, "tile-size");
}

/* Whether the focus is on the layers' scroller or something in it. */
static gboolean
focus_in_grid (FmWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  GtkWidget *scroller = fm_window_get_layers_scroller (window);

  return focus != NULL && (focus == scroller || gtk_widget_is_ancestor (focus, scroller));
}

/* Tab from Go to Channel, the last control above the grid. */
static void
tab_from_bar (FmWindow *window)
{
  g_assert_true (gtk_widget_grab_focus (fm_test_find_button (GTK_WIDGET (window),
                                                             "win.go-to-channel")));
  gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
}

/* Show with a filter that some layers match nothing of: those layers'
 * sections (heading, colour bar and an empty grid) are hidden, the others
 * stay, as `feature-maps run --json` counts the zero channels; "Dead"
 * before any scan matches nothing anywhere, and Tab from the bar above
 * then passes the grid (the empty grid's scroller took the focus, with
 * nothing to show for it); "All" shows every layer again, with its maps
 * drawn, and Tab goes into the grid again. */
static void
test_filter_hides_empty_layers (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FmWindow *window;
  g_autoptr(GHashTable) cli = NULL;
  FmFrame *frame;
  guint n, hidden = 0;

  /* Every node: the convolutions (no zero map for a digit) apart from
   * their ReLUs (many). */
  g_settings_set_boolean (settings, "show-all-nodes", TRUE);
  window = fm_test_open_window ("mnist-cnn-dying");
  cli = show_digit (window, "mnist-cnn-dying", "digit-2.png");
  frame = fm_window_get_frame (window);
  n = fm_frame_n_layers (frame);

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ZERO);
  fm_test_settle ();
  for (guint i = 0; i < n; i++)
    {
      const char *name = frame->model->values[fm_frame_layer (frame, i)->value_id].name;
      GArray *zeros = g_hash_table_lookup (cli, name);

      g_assert_nonnull (zeros);
      g_test_message ("%s: %u zero, %s", name, zeros->len,
                      gtk_widget_get_visible (fm_window_get_section (window, i)) ? "shown" : "hidden");
      g_assert_cmpint (gtk_widget_get_visible (fm_window_get_section (window, i)), ==,
                       zeros->len > 0);
      hidden += zeros->len == 0;
    }
  /* Some layers go, some stay. */
  g_assert_cmpuint (hidden, >, 0);
  g_assert_cmpuint (hidden, <, n);

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_DEAD);
  fm_test_settle ();
  g_assert_null (fm_window_get_scan (window));
  for (guint i = 0; i < n; i++)
    g_assert_false (gtk_widget_get_visible (fm_window_get_section (window, i)));
  tab_from_bar (window);
  g_assert_false (focus_in_grid (window));

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_settle ();
  for (guint i = 0; i < n; i++)
    g_assert_true (gtk_widget_get_visible (fm_window_get_section (window, i)));
  g_assert_cmpuint (check_tiles_in_sight (window, 0), >, 0);
  /* The grid is a Tab stop again. */
  tab_from_bar (window);
  g_assert_true (focus_in_grid (window));
  fm_test_close_window (window);
  g_settings_reset (settings, "show-all-nodes");
}

/* The window fits a 1024 x 600 screen at every moment: before a scan,
 * while one runs and after it, with each layer selected; the panes do not
 * move when the layer changes or the scan ends. */
static void
check_fits (FmWindow *window)
{
  int min_w, nat_w, min_h, nat_h;

  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w,
                      NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, 1024, &min_h, &nat_h,
                      NULL, NULL);
  g_test_message ("minimum size %d x %d", min_w, min_h);
  g_assert_cmpint (min_w, <=, 1024);
  g_assert_cmpint (min_h, <=, 600);
}

/* With each layer selected in turn (and all layers, -1): the window still
 * fits, the drawing pad stays at @pad0 and, when @list0 is not NULL, the
 * layer list keeps its place across and its width. */
static void
check_layers_keep_place (FmWindow              *window,
                         guint                  n_layers,
                         const graphene_rect_t *pad0,
                         const graphene_rect_t *list0)
{
  GtkWidget *pad = GTK_WIDGET (fm_window_get_draw_pad (window));
  GtkWidget *list = fm_window_get_layer_list (window);
  graphene_rect_t b;

  for (int i = -1; i < (int) n_layers; i++)
    {
      fm_window_select_layer (window, i);
      fm_test_settle ();
      check_fits (window);
      g_assert_true (gtk_widget_compute_bounds (pad, GTK_WIDGET (window), &b));
      g_assert_true (graphene_rect_equal (&b, pad0));
      if (list0 == NULL)
        continue;
      g_assert_true (gtk_widget_compute_bounds (list, GTK_WIDGET (window), &b));
      g_assert_cmpfloat (b.origin.x, ==, list0->origin.x);
      g_assert_cmpfloat (b.size.width, ==, list0->size.width);
    }
}

/* The worker is told how far in the plan the layers in sight go
 * (fm_worker_set_needed ()): for one layer, up to its own node; for All
 * Layers at the top, no further than the last section in sight. */
static void
test_needed_nodes (void)
{
  /* mnist-cnn's plan: conv1 relu1 pool1 conv2 relu2 pool2 conv3 relu3
   * Flatten fc (`inspect`); the window's layers relu1 (Conv + Relu), pool1,
   * relu2, pool2 and relu3 need the first 2, 3, 5, 6 and 8 nodes. */
  static const guint ends[] = { 2, 3, 5, 6, 8 };
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmModel *model = fm_window_get_model (window);
  FmFrame *frame = fm_window_get_frame (window);
  guint last_in_sight = 0;

  g_assert_cmpuint (model->n_plan, ==, 10);
  g_assert_cmpuint (fm_frame_n_layers (frame), ==, G_N_ELEMENTS (ends));
  for (guint i = 0; i < fm_frame_n_layers (frame); i++)
    {
      fm_window_select_layer (window, (int) i);
      fm_test_settle ();
      g_assert_cmpuint (fm_window_get_needed_nodes (window), ==, ends[i]);
    }
  fm_window_select_layer (window, -1);
  fm_test_settle ();
  for (guint i = 0; i < fm_frame_n_layers (frame); i++)
    {
      GtkWidget *section = fm_window_get_section (window, i);
      GtkWidget *scroller = gtk_widget_get_ancestor (section, GTK_TYPE_SCROLLED_WINDOW);
      graphene_rect_t b;

      g_assert_true (gtk_widget_compute_bounds (section, scroller, &b));
      if (b.origin.y <= gtk_widget_get_height (scroller))
        last_in_sight = i;
    }
  g_test_message ("All Layers: sections 0-%u in sight, %u of %u nodes needed", last_in_sight,
                  fm_window_get_needed_nodes (window), model->n_plan);
  g_assert_cmpuint (fm_window_get_needed_nodes (window), ==, ends[last_in_sight]);
  fm_test_close_window (window);
}

/* After a scan, at 1024 x 600, the key (four entries) takes two lines at
 * most, not one an entry, leaving the tiles room; each entry names its
 * mark in short, the whole sentence in its tooltip. */
static void
test_key_compact (void)
{
  FmWindow *window = fm_test_open_window_sized ("mnist-cnn-dying", 1024, 600);
  g_autoptr(GHashTable) lines = g_hash_table_new (NULL, NULL);
  g_autofree char *full = NULL;
  GtkWidget *key;
  guint shown = 0;

  fm_test_scan_digits (window);
  g_assert_nonnull (fm_window_get_scan (window));
  fm_test_settle ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1024);

  key = fm_window_get_key (window);
  for (GtkWidget *e = gtk_widget_get_first_child (key); e != NULL;
       e = gtk_widget_get_next_sibling (e))
    {
      graphene_rect_t b;

      if (!gtk_widget_get_visible (e))
        continue;
      shown++;
      g_assert_true (gtk_widget_compute_bounds (e, key, &b));
      g_hash_table_add (lines, GINT_TO_POINTER ((int) b.origin.y + 1));
    }
  g_test_message ("the key's %u entries on %u lines", shown, g_hash_table_size (lines));
  g_assert_cmpuint (shown, ==, 4);
  g_assert_cmpuint (g_hash_table_size (lines), <=, 2);
  full = fm_window_dup_key_text (window);
  g_assert_nonnull (strstr (full, "Red frame: never fires on mnist-heldout-images-idx3-ubyte.gz"));
  fm_test_close_window (window);
}

static void
test_fits_small_screen (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autofree char *digits = fm_test_heldout_digits ();
  GtkWidget *pad = GTK_WIDGET (fm_window_get_draw_pad (window));
  GtkWidget *list = fm_window_get_layer_list (window);
  graphene_rect_t pad0, list0;
  guint n_layers = fm_frame_n_layers (fm_window_get_frame (window));

  fm_test_fresh_scan_cache ();
  fm_test_settle ();
  check_fits (window);
  /* A stroke shows the prediction's bars, which expand: the input pane
   * must keep its width all the same (it once took half the window). */
  {
    static const double stroke[] = { 14, 5, 14, 23 };
    GtkWidget *pane = gtk_widget_get_ancestor (pad, GTK_TYPE_SCROLLED_WINDOW);
    int before = gtk_widget_get_width (pane);

    fm_draw_pad_stroke (FM_DRAW_PAD (pad), stroke, 2);
    fm_test_settle ();
    g_test_message ("input pane %d px wide, then %d in a window %d px wide", before,
                    gtk_widget_get_width (pane), gtk_widget_get_width (GTK_WIDGET (window)));
    g_assert_cmpint (gtk_widget_get_width (pane), ==, before);
    g_assert_cmpint (before, <=, 300);
  }
  g_assert_true (gtk_widget_compute_bounds (pad, GTK_WIDGET (window), &pad0));
  g_assert_true (gtk_widget_compute_bounds (list, GTK_WIDGET (window), &list0));
  check_layers_keep_place (window, n_layers, &pad0, &list0);
  fm_window_start_scan (window, digits);
  check_fits (window);
  WAIT_FOR (!fm_window_is_scanning (window));
  g_assert_nonnull (fm_window_get_scan (window));
  check_layers_keep_place (window, n_layers, &pad0, NULL);
  /* The scan summary is never cut: its label wraps, it does not ellipsize. */
  {
    const char *status = fm_window_get_scan_status (window);
    g_assert_nonnull (strstr (status, "dead channel"));
  }
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

/* The sidebar is one Tab stop: Tab from any of its rows goes to the tiles,
 * Shift+Tab to the canvas (the arrow keys move inside it). The key goes
 * to the sidebar's key controller as GTK would deliver it. */
static gboolean
send_key (GtkWidget       *widget,
          guint            keyval,
          GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, state, &handled);
    }
  return handled;
}

static void
test_sidebar_one_tab_stop (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  GtkWidget *list = fm_window_get_layer_list (window);
  GtkWidget *focus;

  fm_test_settle ();
  fm_window_select_layer (window, 2);
  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 3)));
  /* Tab: the first control above the tiles (no scan yet: the offer to
   * scan; it skipped to the tiles, past the offer, Show and Sort). */
  g_assert_true (send_key (list, GDK_KEY_Tab, 0));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == fm_test_find_button (GTK_WIDGET (window), "win.scan"));

  /* Shift+Tab: the input pane's last control (Input Settings...; it went
   * to the canvas, past it). */
  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1)));
  g_assert_true (send_key (list, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 fm_test_find_button (GTK_WIDGET (window), "win.input-settings"));
  fm_test_close_window (window);
}

/* The line under a layer's name, "… · N / 32 zero for this input", follows
 * the input while the section's tiles are built; a section far from the
 * view skips the per-frame update and is brought up to date when its
 * tiles are built again. N is `feature-maps run --json`'s count. */
static void
test_subtitle_counts (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmFrame *frame = fm_window_get_frame (window);
  guint last = fm_frame_n_layers (frame) - 1;
  FmLayerSection *near = FM_LAYER_SECTION (fm_window_get_section (window, 0));
  FmLayerSection *far = FM_LAYER_SECTION (fm_window_get_section (window, last));
  g_autofree char *far_before = NULL;
  g_autoptr(GHashTable) cli = NULL;

  /* The first layer alone in view; the last one without tiles, as a
   * section far down a long model is. */
  fm_window_select_layer (window, 0);
  fm_test_settle ();
  g_assert_true (fm_layer_section_has_tiles (near));
  fm_layer_section_release_tiles (far);
  far_before = g_strdup (fm_layer_section_get_subtitle (far));
  cli = show_digit (window, "mnist-cnn", "digit-7.png");
  frame = fm_window_get_frame (window);
  g_assert_false (fm_layer_section_has_tiles (far));
  g_assert_cmpstr (fm_layer_section_get_subtitle (far), ==, far_before);
  /* The user picks the last layer: its tiles are built, its line is now. */
  fm_window_select_layer (window, (int) last);
  fm_test_settle ();
  g_assert_true (fm_layer_section_has_tiles (far));

  for (guint i = 0; i <= last; i += last)
    {
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, i));
      const char *name = frame->model->values[fm_frame_layer (frame, i)->value_id].name;
      GArray *expected = g_hash_table_lookup (cli, name);
      g_autofree char *count = g_strdup_printf (" · %u / 32 zero for this input",
                                                expected->len);

      g_test_message ("layer %u: %s (was %s)", i, fm_layer_section_get_subtitle (section),
                      i == last ? far_before : "");
      g_assert_true (g_str_has_suffix (fm_layer_section_get_subtitle (section), count));
    }
  /* The digit changed the far layer's count: its old line was stale. */
  g_assert_cmpstr (fm_layer_section_get_subtitle (far), !=, far_before);
  fm_test_close_window (window);
}

/* A section far from the view holds only the space of its tiles, exactly
 * as tall as the tiles are once built, so nothing moves when they are. */
static void
test_tile_space_height (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmFrame *frame = fm_window_get_frame (window);
  guint n = fm_frame_n_layers (frame);

  fm_test_settle ();
  for (guint i = 0; i < n; i++)
    {
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, i));
      int built, space;

      fm_layer_section_ensure_tiles (section);
      fm_test_settle ();
      built = gtk_widget_get_height (GTK_WIDGET (section));
      fm_layer_section_release_tiles (section);
      g_assert_false (fm_layer_section_has_tiles (section));
      fm_test_settle ();
      space = gtk_widget_get_height (GTK_WIDGET (section));
      g_test_message ("layer %u: %d px built, %d px as space", i, built, space);
      g_assert_cmpint (space, ==, built);
      /* Its tiles come back with the frame's maps and marks. */
      g_assert_nonnull (fm_layer_section_get_tile (section, 0));
      g_assert_true (fm_layer_section_has_tiles (section));
    }
  fm_test_close_window (window);
}

/* ---- go to channel and paging keys (issue 14) ---------------------------- */

/* Go to channel focuses that tile, showing every channel when the filter
 * hid it. */
static void
test_go_to_channel (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmLayerSection *section;
  FmFrame *frame = fm_window_get_frame (window);
  guint live = 32;

  fm_window_select_layer (window, 2);
  fm_test_settle ();
  section = FM_LAYER_SECTION (fm_window_get_section (window, 2));
  g_assert_true (fm_window_go_to_channel (window, 17));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (section)));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 gtk_widget_get_parent (fm_layer_section_get_tile (section, 17)));
  /* A channel that is not zero, asked for while only zero ones show. */
  for (guint c = 0; c < 32 && live == 32; c++)
    if (!frame->stats[2][c].all_zero)
      live = c;
  g_assert_cmpuint (live, <, 32);
  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ZERO);
  fm_test_settle ();
  g_assert_true (fm_window_go_to_channel (window, live));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 gtk_widget_get_parent (fm_layer_section_get_tile (section, live)));
  g_assert_false (fm_window_go_to_channel (window, 32));
  fm_test_close_window (window);
}

/* The Go to Channel dialog open now, or NULL. */
static AdwMessageDialog *
find_go_to_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* Ctrl+G with the focus on a tile of the second layer while the first is
 * at the top of the view: the dialog names the focused tile's layer and
 * starts at its channel (it took the layer at the top and started at 0),
 * and going there stays in that layer. */
static void
test_go_to_focused_tile (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (fm_window_get_layers_scroller (window)));
  FmLayerSection *first = FM_LAYER_SECTION (fm_window_get_section (window, 0));
  FmLayerSection *second = FM_LAYER_SECTION (fm_window_get_section (window, 1));
  AdwMessageDialog *dialog;
  GtkSpinButton *spin;
  g_autofree char *body = NULL;

  fm_test_settle ();
  g_assert_true (fm_layer_section_focus_channel (second, 3));
  fm_test_settle ();
  gtk_adjustment_set_value (adj, 0);
  fm_test_settle ();
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 gtk_widget_get_parent (fm_layer_section_get_tile (second, 3)));
  g_assert_cmpstr (fm_layer_section_get_title (first), !=, fm_layer_section_get_title (second));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.go-to-channel", NULL);
  WAIT_FOR (find_go_to_dialog () != NULL);
  dialog = find_go_to_dialog ();
  body = g_strdup_printf ("Channel of %s, from 0 to 31", fm_layer_section_get_title (second));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, body);
  spin = GTK_SPIN_BUTTON (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 3);
  gtk_spin_button_set_value (spin, 20);
  adw_message_dialog_response (dialog, "go");
  gtk_window_destroy (GTK_WINDOW (dialog));
  fm_test_settle ();
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 gtk_widget_get_parent (fm_layer_section_get_tile (second, 20)));

  /* The same without the dialog, scrolled back to the top first. */
  gtk_adjustment_set_value (adj, 0);
  fm_test_settle ();
  g_assert_true (fm_window_go_to_channel (window, 25));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 gtk_widget_get_parent (fm_layer_section_get_tile (second, 25)));
  fm_test_close_window (window);
}

/* The flow box child that has the focus, or NULL. */
static GtkWidget *
focused_cell (FmWindow *window)
{
  GtkWidget *w = gtk_root_get_focus (GTK_ROOT (window));

  return w != NULL && GTK_IS_FLOW_BOX_CHILD (w) ? w : NULL;
}

/* The grid is one stop for Tab: from a tile, Tab leaves the grid (it
 * stepped to the next of 160 tiles) and Shift+Tab goes to Sort. */
static void
test_grid_one_tab_stop (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  GtkWidget *scroller = GTK_WIDGET (fm_test_window_child (window, "layers_scroller"));
  GtkWidget *sort = GTK_WIDGET (fm_test_window_child (window, "sort_dropdown"));
  GtkWidget *focus;

  gtk_window_present (GTK_WINDOW (window));
  fm_test_settle ();
  g_assert_true (fm_window_go_to_channel (window, 1));
  fm_test_settle ();
  g_assert_nonnull (focused_cell (window));
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Tab, 0));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_false (gtk_widget_is_ancestor (focus, scroller));

  g_assert_true (fm_window_go_to_channel (window, 1));
  fm_test_settle ();
  /* Shift+Tab: the bar above, at its last control (Go to Channel, which
   * Shift+Tab then Tab from Sort no longer has to find). */
  g_assert_true (fm_window_grid_key (window, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus == fm_test_find_button (GTK_WIDGET (window), "win.go-to-channel"));
  g_assert_true (gtk_widget_get_parent (focus) == gtk_widget_get_parent (sort));
  fm_test_close_window (window);
}

/* Page Down scrolls one page and focuses a tile in sight, in the same
 * column; Ctrl+End and Ctrl+Home focus the last tile of the last layer
 * and the first of the first, scrolled to; Page Up at the top and Page
 * Down at the bottom go to those too. */
static void
test_grid_keys (void)
{
  /* Low, so that a layer is taller than the page (as on ResNet-18). */
  FmWindow *window = fm_test_open_window_sized ("mnist-cnn", 1000, 560);
  GtkWidget *scroller = fm_window_get_layers_scroller (window);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  guint n_layers;
  FmLayerSection *first, *last;
  GtkWidget *first_cell, *last_cell, *cell;
  graphene_rect_t before, after;
  double page, bottom;

  fm_test_settle ();
  page = gtk_adjustment_get_page_size (adj);
  bottom = gtk_adjustment_get_upper (adj) - page;
  /* More than two pages, or the test shows nothing. */
  g_assert_cmpfloat (bottom, >, 2 * page);
  n_layers = fm_frame_n_layers (fm_window_get_frame (window));
  first = FM_LAYER_SECTION (fm_window_get_section (window, 0));
  last = FM_LAYER_SECTION (fm_window_get_section (window, n_layers - 1));
  first_cell = gtk_widget_get_parent (fm_layer_section_get_tile (first, 0));

  g_assert_true (fm_window_go_to_channel (window, 1));
  fm_test_settle ();
  cell = focused_cell (window);
  g_assert_nonnull (cell);
  g_assert_true (gtk_widget_compute_bounds (cell, scroller, &before));

  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Down, 0));
  WAIT_FOR (focused_cell (window) != NULL && focused_cell (window) != cell);
  fm_test_settle ();
  /* A page on, and as little more as shows the whole tile. */
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >=, page);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), <, page + before.size.height);
  g_assert_true (gtk_widget_compute_bounds (focused_cell (window), scroller, &after));
  g_assert_cmpfloat (after.origin.x, ==, before.origin.x);
  g_assert_cmpfloat (after.origin.y, >=, 0);
  g_assert_cmpfloat (after.origin.y + after.size.height, <=, page);

  g_assert_true (fm_window_grid_key (window, GDK_KEY_End, GDK_CONTROL_MASK));
  WAIT_FOR (fm_layer_section_has_tiles (last) &&
            focused_cell (window) ==
              gtk_widget_get_parent (fm_layer_section_get_tile (last,
                                                                fm_layer_section_n_tiles (last) - 1)));
  last_cell = focused_cell (window);
  fm_test_settle ();
  g_assert_cmpfloat (gtk_widget_get_height (GTK_WIDGET (last)), >, page);
  /* Near the bottom (the held space of the layers passed on the way is
   * not exact to the pixel), with the last tile in sight. */
  bottom = gtk_adjustment_get_upper (adj) - page;
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, bottom - page / 2);
  g_assert_true (gtk_widget_compute_bounds (last_cell, scroller, &after));
  g_assert_cmpfloat (after.origin.y, >=, 0);
  g_assert_cmpfloat (after.origin.y + after.size.height, <=, page);

  g_assert_true (fm_window_grid_key (window, GDK_KEY_Home, GDK_CONTROL_MASK));
  WAIT_FOR (fm_layer_section_has_tiles (first) &&
            focused_cell (window) == gtk_widget_get_parent (fm_layer_section_get_tile (first, 0)));
  fm_test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);

  /* At the ends: Page Up from the second tile goes to the first, Page Down
   * at the bottom to the last. */
  g_assert_true (fm_window_go_to_channel (window, 1));
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Up, 0));
  first_cell = gtk_widget_get_parent (fm_layer_section_get_tile (first, 0));
  WAIT_FOR (focused_cell (window) == first_cell);
  g_assert_true (fm_window_grid_key (window, GDK_KEY_End, GDK_CONTROL_MASK));
  WAIT_FOR (focused_cell (window) != NULL && focused_cell (window) != first_cell);
  fm_test_settle ();
  last_cell = focused_cell (window);
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Up, 0));
  WAIT_FOR (focused_cell (window) != last_cell);
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Down, 0));
  WAIT_FOR (gtk_adjustment_get_value (adj) ==
            gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  g_assert_true (fm_window_grid_key (window, GDK_KEY_Page_Down, 0));
  WAIT_FOR (focused_cell (window) == last_cell);

  /* Other keys are the flow box's. */
  g_assert_false (fm_window_grid_key (window, GDK_KEY_Home, 0));
  g_assert_false (fm_window_grid_key (window, GDK_KEY_Right, 0));
  fm_test_close_window (window);
}

/* A section's title (FmWrapLabel): one line when it has its width, as
 * many lines as it needs when narrower, its text whole either way; it
 * asks for no more than 64 pixels of width. */
static void
test_wrap_label (void)
{
  const char *name = "/layer4/layer4.0/relu/Relu_output_0";
  GtkWidget *label = g_object_ref_sink (fm_wrap_label_new (name));
  int min, nat, line, narrow, unset, nat_short;

  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (nat, >, 3 * 64);
  g_assert_cmpint (min, ==, 64);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, nat, &line, NULL, NULL, NULL);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, &unset, NULL, NULL, NULL);
  g_assert_cmpint (line, >, 0);
  g_assert_cmpint (unset, ==, line);
  /* at a third of its width, at least three lines */
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, nat / 3, &narrow, NULL, NULL, NULL);
  g_assert_cmpint (narrow, >=, 3 * line);
  g_assert_cmpstr (fm_wrap_label_get_text (FM_WRAP_LABEL (label)), ==, name);

  fm_wrap_label_set_text (FM_WRAP_LABEL (label), "fc");
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat_short, NULL, NULL);
  g_assert_cmpint (nat_short, <, 64);
  g_assert_cmpint (min, ==, nat_short);
  g_assert_cmpstr (fm_wrap_label_get_text (FM_WRAP_LABEL (label)), ==, "fc");
  g_object_unref (label);
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);

  g_test_add_func ("/app/window/marks-match-cli", test_marks_match_cli);
  g_test_add_func ("/app/window/tiles-drawn-after-layer-change", test_tiles_drawn_after_layer_change);
  g_test_add_func ("/app/window/tiles-drawn-after-sort", test_tiles_drawn_after_sort);
  g_test_add_func ("/app/window/needed-nodes", test_needed_nodes);
  g_test_add_func ("/app/window/fits-small-screen", test_fits_small_screen);
  g_test_add_func ("/app/window/key-compact", test_key_compact);
  g_test_add_func ("/app/window/sidebar-one-tab-stop", test_sidebar_one_tab_stop);
  g_test_add_func ("/app/window/tile-space-height", test_tile_space_height);
  g_test_add_func ("/app/window/subtitle-counts", test_subtitle_counts);
  g_test_add_func ("/app/window/filter-and-sort", test_filter_and_sort);
  g_test_add_func ("/app/window/filter-hides-empty-layers", test_filter_hides_empty_layers);
  g_test_add_func ("/app/window/go-to-channel", test_go_to_channel);
  g_test_add_func ("/app/window/go-to-focused-tile", test_go_to_focused_tile);
  g_test_add_func ("/app/window/grid-keys", test_grid_keys);
  g_test_add_func ("/app/window/grid-one-tab-stop", test_grid_one_tab_stop);
  g_test_add_func ("/app/window/wrap-label", test_wrap_label);

  return g_test_run ();
}
