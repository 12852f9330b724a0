/* test-tile-detail.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tile detail under a real display (meson runs it under xvfb-run and
 * dbus-run-session), on the bundled model: Previous and Next walk the
 * channels of the layer (opened from the grid, in the grid's order under
 * its sort and filter, the grid's focus following them to the tile shown
 * last) and show each one's statistics and explanation
 * (checked against statistics this test computes from the frame's raw
 * maps) and are disabled at the ends; so do their keys (Page Up/Down and
 * Alt+Left/Right, pressed with xdotool where it is installed, wherever
 * the focus is, while plain arrows stay with the focused widget); the
 * colour bar draws the colormap's pixels with the range the map uses, and
 * per-tile normalisation names each channel's own range; after a scan of
 * the bundled digits, activating one of the images that excite a channel
 * most loads that item into the window's canvas, and does nothing (but
 * does not crash) once the window is gone.
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fm-application.h"
#include "fm-data.h"
#include "fm-dataset.h"
#include "fm-draw-pad.h"
#include "fm-layer-section.h"
#include "fm-test-files.h"
#include "fm-test-png.h"
#include "fm-test-window.h"
#include "fm-tile-detail.h"
#include "fm-window.h"

static void
iterate (int n)
{
  for (int i = 0; i < n; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* The options the window passes a detail view: the default colormap and
 * @normalize, nothing else. */
static FmViewOptions
view_options (FmNormalize normalize)
{
  FmViewOptions options = { 0 };

  options.colormap = fm_colormap_get_default ();
  options.normalize = normalize;
  return options;
}

/* A "2"-ish stroke, so that the channels differ from each other. */
static FmFrame *
draw_something (FmWindow *window)
{
  static const double stroke[] = { 7, 8, 12, 5, 18, 6, 20, 10, 16, 16, 10, 21, 7, 23, 14, 22,
                                   21, 22 };
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  FmFrame *before = fm_window_get_frame (window);
  guint frames = fm_window_get_n_frames (window);

  fm_draw_pad_stroke (pad, stroke, G_N_ELEMENTS (stroke) / 2);
  WAIT_FOR (fm_window_get_n_frames (window) > frames && fm_window_get_frame (window) != before);
  /* Let the last submitted input's result arrive. */
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  return fm_frame_ref (fm_window_get_frame (window));
}

/* ---- statistics computed here from the raw maps -------------------------- */

typedef struct
{
  double   min, max, mean, active;  /* active: share of cells, 0..1 */
  gboolean all_zero;
} Expected;

static gsize
plane_size (FmFrame *frame,
            guint    layer)
{
  const FmValue *v = &frame->model->values[fm_frame_layer (frame, layer)->value_id];

  return (gsize) v->shape.dims[2] * v->shape.dims[3];
}

static Expected
expected_stats (FmFrame *frame,
                guint    layer,
                guint    channel)
{
  gsize plane = plane_size (frame, layer);
  const float *map = fm_frame_data (frame, layer) + channel * plane;
  Expected e = { INFINITY, -INFINITY, 0, 0, TRUE };
  gsize numbers = 0, active = 0;

  for (gsize i = 0; i < plane; i++)
    {
      double x = map[i];

      if (isnan (x) || fabs (x) > frame->epsilon)
        active++;
      if (isnan (x))
        continue;
      e.min = MIN (e.min, x);
      e.max = MAX (e.max, x);
      e.mean += x;
      numbers++;
    }
  g_assert_cmpuint (numbers, >, 0);
  e.mean /= numbers;
  e.active = (double) active / plane;
  e.all_zero = active == 0;
  return e;
}

/* The number a statistics row shows, read in the locale it was written in. */
static double
shown_number (FmTileDetail *detail,
              const char   *key)
{
  const char *text = fm_tile_detail_get_stat (detail, key);
  char *end = NULL;
  double value;

  g_assert_nonnull (text);
  value = strtod (text, &end);
  g_assert_true (end != text);
  return value;
}

static void
check_channel_shown (FmTileDetail *detail,
                     FmFrame      *frame,
                     guint         layer,
                     guint         channel)
{
  Expected e = expected_stats (frame, layer, channel);
  g_autofree char *title = g_strdup_printf ("Channel %u", channel);
  g_autofree char *share = g_strdup_printf ("%.1f %%", 100.0 * e.active);
  const char *text = fm_tile_detail_get_explanation (detail);

  g_assert_cmpuint (fm_tile_detail_get_channel (detail), ==, channel);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (detail)), ==, title);
  /* Shown with 4 decimals. */
  g_assert_cmpfloat_with_epsilon (shown_number (detail, "min"), e.min, 0.5e-4 + 1e-9);
  g_assert_cmpfloat_with_epsilon (shown_number (detail, "max"), e.max, 0.5e-4 + 1e-9);
  g_assert_cmpfloat_with_epsilon (shown_number (detail, "mean"), e.mean, 0.5e-4 + 1e-6);
  g_assert_cmpfloat_with_epsilon (shown_number (detail, "active"), 100.0 * e.active, 0.05 + 1e-9);
  if (e.all_zero)
    {
      g_assert_null (strstr (text, "is active on"));
      g_assert_nonnull (strstr (text, "zero"));
    }
  else
    {
      g_assert_nonnull (strstr (text, "is active on"));
      g_assert_nonnull (strstr (text, share));
    }
}

/* ---- previous / next ----------------------------------------------------- */

static void
test_previous_next (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autoptr(FmFrame) frame = draw_something (window);
  guint channels = fm_layer_channels (frame->model, fm_frame_layer (frame, 0));
  FmViewOptions options = view_options (FM_NORMALIZE_LAYER);
  GtkWindow *detail;
  GtkWidget *previous, *next;
  g_autofree char *last_text = NULL;
  guint n_zero = 0, n_changed = 0;

  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 0, 0, &options, NULL, -1);
  gtk_window_present (detail);
  previous = fm_test_find_button (GTK_WIDGET (detail), "detail.previous");
  next = fm_test_find_button (GTK_WIDGET (detail), "detail.next");
  g_assert_nonnull (previous);
  g_assert_nonnull (next);
  g_assert_nonnull (gtk_widget_get_tooltip_text (previous));
  g_assert_nonnull (gtk_widget_get_tooltip_text (next));

  /* At the first channel only Next works. */
  iterate (10);
  g_assert_false (gtk_widget_get_sensitive (previous));
  g_assert_true (gtk_widget_get_sensitive (next));
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.previous", NULL);
  g_assert_cmpuint (fm_tile_detail_get_channel (FM_TILE_DETAIL (detail)), ==, 0);

  /* Next through every channel of the layer, as the button does. */
  for (guint c = 0; c < channels; c++)
    {
      const char *text;

      if (c > 0)
        {
          g_signal_emit_by_name (next, "clicked");
          iterate (5);
        }
      check_channel_shown (FM_TILE_DETAIL (detail), frame, 0, c);
      n_zero += expected_stats (frame, 0, c).all_zero;
      text = fm_tile_detail_get_explanation (FM_TILE_DETAIL (detail));
      n_changed += last_text != NULL && g_strcmp0 (text, last_text) != 0;
      g_free (last_text);
      last_text = g_strdup (text);
      g_assert_cmpint (gtk_widget_get_sensitive (previous), ==, c > 0);
      g_assert_cmpint (gtk_widget_get_sensitive (next), ==, c + 1 < channels);
    }
  g_test_message ("%u channels, %u zero for this input, the text changed %u times",
                  channels, n_zero, n_changed);
  /* The walk saw both kinds of channel and the text followed them. */
  g_assert_cmpuint (n_zero, >, 0);
  g_assert_cmpuint (n_zero, <, channels);
  g_assert_cmpuint (n_changed, >, channels / 2);

  /* At the last channel Next does nothing; Previous goes back one. */
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.next", NULL);
  g_assert_cmpuint (fm_tile_detail_get_channel (FM_TILE_DETAIL (detail)), ==, channels - 1);
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.previous", NULL);
  check_channel_shown (FM_TILE_DETAIL (detail), frame, 0, channels - 2);
  g_assert_true (gtk_widget_get_sensitive (next));

  /* Setting the channel directly does the same; so does another layer. */
  fm_tile_detail_set_channel (FM_TILE_DETAIL (detail), 0);
  check_channel_shown (FM_TILE_DETAIL (detail), frame, 0, 0);
  g_assert_false (gtk_widget_get_sensitive (previous));

  /* Previous pressed from the keyboard to the first channel is disabled
   * under the focus, which goes on to Next (it went to nothing). */
  fm_tile_detail_set_channel (FM_TILE_DETAIL (detail), 1);
  iterate (5);
  g_assert_true (gtk_widget_grab_focus (previous));
  gtk_widget_activate (previous);
  for (int i = 0; i < 2000 && gtk_window_get_focus (detail) != next; i++)
    iterate (1), g_usleep (1000);
  g_test_message ("focus: %s, previous %s",
                  gtk_window_get_focus (detail) != NULL
                  ? G_OBJECT_TYPE_NAME (gtk_window_get_focus (detail)) : "none",
                  gtk_widget_is_sensitive (previous) ? "sensitive" : "insensitive");
  g_assert_true (gtk_window_get_focus (detail) == next);
  gtk_window_destroy (detail);

  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 2, 5, &options, NULL, -1);
  check_channel_shown (FM_TILE_DETAIL (detail), frame, 2, 5);
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.previous", NULL);
  check_channel_shown (FM_TILE_DETAIL (detail), frame, 2, 4);
  gtk_window_destroy (detail);
  fm_test_close_window (FM_WINDOW (window));
}

/* The detail windows open now. */
static GtkWindow *
find_detail (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (FM_IS_TILE_DETAIL (l->data))
      return l->data;
  return NULL;
}

/* A tile clicked before any pass has made its layer (a model's first
 * pass shows the layers in sight first; here the layers are being built
 * again) opens once a pass has: with the layer's values, not the zeros
 * a pending layer holds. */
static void
test_open_before_pass (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autoptr(FmFrame) frame = draw_something (window);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  gboolean all_nodes = g_settings_get_boolean (settings, "show-all-nodes");
  guint channel = 0;
  GtkWindow *detail;

  while (expected_stats (frame, 0, channel).all_zero)
    channel++;
  g_assert_null (find_detail ());
  /* Twice: the same layers again, with no frame until the next pass. */
  g_settings_set_boolean (settings, "show-all-nodes", !all_nodes);
  g_settings_set_boolean (settings, "show-all-nodes", all_nodes);
  g_assert_null (fm_window_get_frame (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-tile", "(uu)", 0, channel);
  g_assert_null (find_detail ());
  WAIT_FOR (find_detail () != NULL);
  detail = find_detail ();
  g_assert_nonnull (fm_window_get_frame (window));
  check_channel_shown (FM_TILE_DETAIL (detail), frame, 0, channel);
  gtk_window_destroy (detail);
  fm_test_close_window (window);
}

/* The flow box child (what takes the focus) of @channel's tile in @section. */
static GtkWidget *
tile_cell (FmLayerSection *section,
           guint           channel)
{
  return gtk_widget_get_parent (fm_layer_section_get_tile (section, channel));
}

/* Steps the detail @d with @action and checks that it shows @channel and
 * that the grid's focus is on that tile. */
static void
step_to (FmWindow       *window,
         FmTileDetail   *d,
         FmLayerSection *section,
         const char     *action,
         guint           channel)
{
  gtk_widget_activate_action (GTK_WIDGET (d), action, NULL);
  iterate (5);
  g_assert_cmpuint (fm_tile_detail_get_channel (d), ==, channel);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == tile_cell (section, channel));
}

/* Opens the detail of @channel from its tile in the grid, as Enter does. */
static FmTileDetail *
open_from_grid (FmLayerSection *section,
                guint           channel)
{
  g_assert_true (fm_layer_section_focus_channel (section, channel));
  g_assert_true (gtk_widget_activate (tile_cell (section, channel)));
  WAIT_FOR (find_detail () != NULL);
  g_assert_cmpuint (fm_tile_detail_get_channel (FM_TILE_DETAIL (find_detail ())), ==, channel);
  return FM_TILE_DETAIL (find_detail ());
}

/* Sorted by largest value, a detail opened from a tile steps to the tiles
 * before and after it in the grid (channel 287 was followed by 288, not by
 * the next tile); the grid's focus follows, and is on the tile shown last
 * when the detail closes (Escape); Previous and Next stop at the grid's
 * ends. With Show -> Firing, the walk skips the channels the grid hides. */
static void
test_steps_in_grid_order (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn-dying");
  g_autoptr(FmFrame) frame = draw_something (window);
  FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, 0));
  g_autoptr(GArray) shown = NULL;
  FmTileDetail *d;
  guint k = 1, n;

  fm_window_select_layer (window, 0);
  fm_test_set_dropdown (window, "sort_dropdown", FM_TILE_SORT_MAX);
  fm_test_settle ();
  g_assert_true (fm_window_get_frame (window) == frame);
  /* The grid's order, read from its widgets: by largest value. */
  shown = fm_layer_section_dup_shown (section);
  n = shown->len;
  g_assert_cmpuint (n, ==, 32);
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat (frame->stats[0][g_array_index (shown, guint, i - 1)].max, >=,
                       frame->stats[0][g_array_index (shown, guint, i)].max);
  /* A tile whose neighbours in the grid are not its neighbours by number. */
  while (k + 2 < n && (g_array_index (shown, guint, k + 1) == g_array_index (shown, guint, k) + 1 ||
                       g_array_index (shown, guint, k - 1) == g_array_index (shown, guint, k) - 1))
    k++;
  g_assert_cmpuint (k + 2, <, n);

  d = open_from_grid (section, g_array_index (shown, guint, k));
  step_to (window, d, section, "detail.next", g_array_index (shown, guint, k + 1));
  step_to (window, d, section, "detail.next", g_array_index (shown, guint, k + 2));
  step_to (window, d, section, "detail.previous", g_array_index (shown, guint, k + 1));
  step_to (window, d, section, "detail.previous", g_array_index (shown, guint, k));
  step_to (window, d, section, "detail.previous", g_array_index (shown, guint, k - 1));
  /* The grid's ends. */
  fm_tile_detail_set_channel (d, g_array_index (shown, guint, 0));
  iterate (5);
  g_assert_false (gtk_widget_get_sensitive (fm_test_find_button (GTK_WIDGET (d),
                                                                 "detail.previous")));
  fm_tile_detail_set_channel (d, g_array_index (shown, guint, n - 1));
  iterate (5);
  g_assert_false (gtk_widget_get_sensitive (fm_test_find_button (GTK_WIDGET (d), "detail.next")));
  step_to (window, d, section, "detail.previous", g_array_index (shown, guint, n - 2));
  /* Escape closes it; the focus is on the tile shown last. */
  gtk_widget_activate_action (GTK_WIDGET (d), "window.close", NULL);
  WAIT_FOR (find_detail () == NULL);
  iterate (20);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) ==
                 tile_cell (section, g_array_index (shown, guint, n - 2)));

  /* Only the firing channels, by channel: Next walks them all, in order. */
  fm_test_set_dropdown (window, "sort_dropdown", FM_TILE_SORT_CHANNEL);
  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_FIRING);
  fm_test_settle ();
  g_clear_pointer (&shown, g_array_unref);
  shown = fm_layer_section_dup_shown (section);
  g_assert_cmpuint (shown->len, >, 1);
  g_assert_cmpuint (shown->len, <, 32);
  d = open_from_grid (section, g_array_index (shown, guint, 0));
  for (guint i = 1; i < shown->len; i++)
    step_to (window, d, section, "detail.next", g_array_index (shown, guint, i));
  g_assert_false (gtk_widget_get_sensitive (fm_test_find_button (GTK_WIDGET (d), "detail.next")));
  gtk_window_destroy (GTK_WINDOW (d));
  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_close_window (window);
}

/* The keys: the window's capture-phase shortcuts name the two actions
 * (pressing keys needs a real keyboard; this checks the wiring). */
static void
test_shortcuts (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmFrame *frame = fm_window_get_frame (window);
  FmViewOptions options = view_options (FM_NORMALIZE_LAYER);
  GtkWindow *detail;
  g_autoptr(GListModel) controllers = NULL;
  guint found = 0;

  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 0, 5, &options, NULL, -1);
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (detail));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_CAPTURE)
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *keys = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          const char *name;
          guint before = fm_tile_detail_get_channel (FM_TILE_DETAIL (detail));

          if (!GTK_IS_NAMED_ACTION (action))
            continue;
          name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          g_test_message ("%s: %s", keys, name);
          g_assert_true (gtk_shortcut_action_activate (action, 0, GTK_WIDGET (detail), NULL));
          if (g_str_equal (name, "detail.previous"))
            {
              g_assert_nonnull (strstr (keys, "Page_Up"));
              g_assert_nonnull (strstr (keys, "<Alt>Left"));
              g_assert_cmpuint (fm_tile_detail_get_channel (FM_TILE_DETAIL (detail)), ==, before - 1);
              found |= 1;
            }
          else if (g_str_equal (name, "detail.next"))
            {
              g_assert_nonnull (strstr (keys, "Page_Down"));
              g_assert_nonnull (strstr (keys, "<Alt>Right"));
              g_assert_cmpuint (fm_tile_detail_get_channel (FM_TILE_DETAIL (detail)), ==, before + 1);
              found |= 2;
            }
        }
    }
  g_assert_cmpuint (found, ==, 3);
  gtk_window_destroy (detail);
  fm_test_close_window (FM_WINDOW (window));
}

/* Presses @keys (xdotool's names) in the detail's X window. */
static void
press (const char *keys)
{
  const char *argv[] = { "xdotool", "search", "--sync", "--name", "^Channel [0-9]+$",
                         "windowfocus", "--sync", "key", "--clearmodifiers", keys, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xdotool key %s failed: %s", keys, err);
}

static gboolean
is_shown_selectable_label (GtkWidget     *widget,
                           gconstpointer  unused)
{
  return GTK_IS_LABEL (widget) && gtk_label_get_selectable (GTK_LABEL (widget)) &&
         gtk_widget_get_mapped (widget);
}

static GtkWidget *
find_selectable_label (GtkWidget *widget)
{
  return fm_test_find (widget, is_shown_selectable_label, NULL);
}

/* The same with real key presses (X events from xdotool), wherever the
 * focus is: Page Up/Down and Alt+Left/Right step, plain arrows do not. */
static void
test_keys (void)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  FmWindow *window;
  FmViewOptions options = view_options (FM_NORMALIZE_LAYER);
  GtkWindow *detail;
  FmTileDetail *d;
  GtkWidget *label;

  if (xdotool == NULL || g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("needs xdotool and an X display");
      return;
    }
  window = fm_test_open_window ("mnist-cnn");
  detail = fm_tile_detail_new (GTK_WINDOW (window), fm_window_get_frame (window), 0, 5, &options,
                               NULL, -1);
  d = FM_TILE_DETAIL (detail);
  gtk_window_present (detail);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (detail)));
  iterate (20);

  press ("Next");
  WAIT_FOR (fm_tile_detail_get_channel (d) == 6);
  press ("alt+Left");
  WAIT_FOR (fm_tile_detail_get_channel (d) == 5);
  press ("Prior");
  WAIT_FOR (fm_tile_detail_get_channel (d) == 4);
  press ("alt+Right");
  WAIT_FOR (fm_tile_detail_get_channel (d) == 5);

  /* With the focus in a statistic's text, inside the scrolled part. */
  label = find_selectable_label (GTK_WIDGET (detail));
  g_assert_nonnull (label);
  gtk_widget_grab_focus (label);
  press ("Left");
  press ("Right");
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_cmpuint (fm_tile_detail_get_channel (d), ==, 5);
  press ("Next");
  WAIT_FOR (fm_tile_detail_get_channel (d) == 6);
  press ("alt+Left");
  WAIT_FOR (fm_tile_detail_get_channel (d) == 5);

  gtk_window_destroy (detail);
  fm_test_close_window (FM_WINDOW (window));
}

/* ---- the range: per tile, per layer ------------------------------------ */

static void
test_tile_range (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(FmFrame) frame = draw_something (window);
  guint channels = fm_layer_channels (frame->model, fm_frame_layer (frame, 1));
  FmViewOptions options = view_options (FM_NORMALIZE_TILE);
  GtkWindow *detail;
  double layer_min = INFINITY, layer_max = -INFINITY;
  guint differ = 0;

  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 1, 0, &options, NULL, -1);
  for (guint c = 0; c < channels; c++)
    {
      Expected e = expected_stats (frame, 1, c);
      g_autofree char *want = g_strdup_printf ("Scaled to this channel’s own range: %.4g to %.4g",
                                               e.min, e.max);
      g_autofree char *scale = g_strdup_printf ("Colour scale from %.4g to %.4g", e.min, e.max);

      if (c > 0)
        gtk_widget_activate_action (GTK_WIDGET (detail), "detail.next", NULL);
      g_assert_cmpuint (fm_tile_detail_get_channel (FM_TILE_DETAIL (detail)), ==, c);
      g_assert_cmpstr (fm_tile_detail_get_range_text (FM_TILE_DETAIL (detail)), ==, want);
      g_assert_cmpstr (gtk_widget_get_tooltip_text (fm_tile_detail_get_legend (FM_TILE_DETAIL (detail))),
                       ==, scale);
      layer_min = MIN (layer_min, e.min);
      layer_max = MAX (layer_max, e.max);
      differ += e.min != expected_stats (frame, 1, 0).min || e.max != expected_stats (frame, 1, 0).max;
    }
  g_assert_cmpuint (differ, >, 0);  /* the channels' ranges are not all the same */
  /* Back, too. */
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.previous", NULL);
  {
    Expected e = expected_stats (frame, 1, channels - 2);
    g_autofree char *want = g_strdup_printf ("Scaled to this channel’s own range: %.4g to %.4g",
                                             e.min, e.max);
    g_assert_cmpstr (fm_tile_detail_get_range_text (FM_TILE_DETAIL (detail)), ==, want);
  }
  gtk_window_destroy (detail);

  /* Per layer: no note, and the colour bar spans the layer's range. */
  options.normalize = FM_NORMALIZE_LAYER;
  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 1, 3, &options, NULL, -1);
  {
    g_autofree char *scale = g_strdup_printf ("Colour scale from %.4g to %.4g",
                                              layer_min, layer_max);

    g_assert_null (fm_tile_detail_get_range_text (FM_TILE_DETAIL (detail)));
    g_assert_cmpstr (gtk_widget_get_tooltip_text (fm_tile_detail_get_legend (FM_TILE_DETAIL (detail))),
                     ==, scale);
    gtk_widget_activate_action (GTK_WIDGET (detail), "detail.next", NULL);
    g_assert_cmpstr (gtk_widget_get_tooltip_text (fm_tile_detail_get_legend (FM_TILE_DETAIL (detail))),
                     ==, scale);
  }
  gtk_window_destroy (detail);

  /* A fixed range is the typed one. */
  options.normalize = FM_NORMALIZE_FIXED;
  options.fixed_min = -1.5f;
  options.fixed_max = 3.25f;
  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 1, 3, &options, NULL, -1);
  g_assert_null (fm_tile_detail_get_range_text (FM_TILE_DETAIL (detail)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (fm_tile_detail_get_legend (FM_TILE_DETAIL (detail))),
                   ==, "Colour scale from -1.5 to 3.25");
  gtk_window_destroy (detail);
  fm_test_close_window (FM_WINDOW (window));
}

/* ---- the colour bar's pixels ------------------------------------------- */

static void
assert_colour (guint32 argb,
               guint32 rgb)
{
  g_assert_cmpuint (argb >> 24, ==, 0xff);
  for (int shift = 0; shift <= 16; shift += 8)
    g_assert_cmpint (abs ((int) ((argb >> shift) & 0xff) - (int) ((rgb >> shift) & 0xff)), <=, 1);
}

static void
test_colour_bar_pixels (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(FmFrame) frame = draw_something (window);
  const FmColormap *magma = fm_colormap_lookup ("magma");
  FmViewOptions options = view_options (FM_NORMALIZE_TILE);
  GtkWindow *detail;
  GtkWidget *legend;
  int width;

  g_assert_nonnull (magma);
  options.colormap = magma;
  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 0, 1, &options, NULL, -1);
  gtk_window_present (detail);
  legend = fm_tile_detail_get_legend (FM_TILE_DETAIL (detail));
  WAIT_FOR (gtk_widget_get_mapped (legend) && gtk_widget_get_width (legend) > 0);
  iterate (20);
  width = gtk_widget_get_width (legend);
  g_assert_cmpint (width, ==, 320);  /* as wide as the map */
  g_assert_cmpint (gtk_widget_get_height (legend), >=, 20);

  for (int step = 0; step < 2; step++)
    {
      cairo_surface_t *surface = fm_test_render_widget (legend);
      guint32 middle = fm_test_pixel (surface, width / 2, 1);
      gboolean middle_ok = FALSE;

      g_assert_cmpint (cairo_image_surface_get_width (surface), ==, width);
      /* The bar: magma's first entry at the left, its last at the right. */
      assert_colour (fm_test_pixel (surface, 0, 1), fm_colormap_get_entry (magma, 0));
      assert_colour (fm_test_pixel (surface, width - 1, 1), fm_colormap_get_entry (magma, 255));
      for (guint e = 126; e <= 130; e++)
        {
          guint32 rgb = fm_colormap_get_entry (magma, e);
          gboolean same = TRUE;

          for (int shift = 0; shift <= 16; shift += 8)
            same &= abs ((int) ((middle >> shift) & 0xff) - (int) ((rgb >> shift) & 0xff)) <= 1;
          middle_ok |= same;
        }
      g_assert_true (middle_ok);
      /* Not the default colormap's. */
      g_assert_cmpuint (fm_test_pixel (surface, 0, 1) & 0xffffff, !=,
                        fm_colormap_get_entry (fm_colormap_get_default (), 0));
      cairo_surface_destroy (surface);

      /* And again for the next channel. */
      gtk_widget_activate_action (GTK_WIDGET (detail), "detail.next", NULL);
      iterate (20);
    }
  gtk_window_destroy (detail);
  fm_test_close_window (FM_WINDOW (window));
}

/* ---- the images that excite a channel most ----------------------------- */

/* Scans the bundled digits in @window; the scan layer of frame layer 0. */
static FmScanResult *
scan_digits (FmWindow *window,
             int      *scan_layer)
{
  FmScanResult *scan;

  fm_test_scan_digits (window);
  scan = fm_window_get_scan (window);
  g_assert_nonnull (scan);
  g_assert_cmpuint (scan->images, ==, 2000);
  g_assert_true (fm_layer_section_get_scan (FM_LAYER_SECTION (fm_window_get_section (window, 0)),
                                            scan_layer) == scan);
  g_assert_cmpint (*scan_layer, >=, 0);
  return scan;
}

static guint
firing_channel (FmScanResult *scan,
                int           scan_layer,
                guint         from)
{
  const FmScanLayer *sl = &scan->layers[scan_layer];

  for (guint c = from; c < sl->channels; c++)
    if (sl->fire_count[c] > 0 && sl->top_index[c * scan->top_k] >= 0)
      return c;
  g_assert_not_reached ();
}

static void
check_top_tooltip (FmTileDetail *detail,
                   FmScanResult *scan,
                   int           scan_layer,
                   guint         channel)
{
  gint64 index = scan->layers[scan_layer].top_index[channel * scan->top_k];
  g_autofree char *want = g_strdup_printf ("Load item %" G_GINT64_FORMAT " into the canvas", index);
  GtkWidget *first = fm_tile_detail_get_top_image (detail, 0);

  g_assert_nonnull (first);
  g_assert_nonnull (gtk_widget_get_tooltip_text (first));
  g_test_message ("channel %u: %s", channel, gtk_widget_get_tooltip_text (first));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (first), want));
}

static gboolean
pixels_differ (const float *a,
               const float *b,
               gsize        n)
{
  return memcmp (a, b, n * sizeof (float)) != 0;
}

/* Item @index of the bundled digits, as the scan read it. */
static FmImage *
digits_item (gint64 index)
{
  g_autofree char *digits = fm_test_heldout_digits ();
  g_autoptr(FmDataset) dataset = fm_dataset_open (digits, NULL, NULL);
  guint64 at;
  FmImage *image;

  g_assert_nonnull (dataset);
  while (fm_dataset_next (dataset, &at, &image, NULL, NULL))
    {
      if ((gint64) at == index)
        return image;
      fm_image_free (image);
    }
  g_assert_not_reached ();
}

static void
test_top_image_loads (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmDrawPad *pad = fm_window_get_draw_pad (window);
  FmFrame *frame = fm_window_get_frame (window);
  FmViewOptions options = view_options (FM_NORMALIZE_LAYER);
  int scan_layer = -1;
  FmScanResult *scan = scan_digits (window, &scan_layer);
  guint channel = firing_channel (scan, scan_layer, 0);
  guint other = firing_channel (scan, scan_layer, channel + 1);
  gsize n = (gsize) fm_draw_pad_get_channels (pad) * fm_draw_pad_get_height (pad) *
            fm_draw_pad_get_width (pad);
  g_autofree float *before = g_memdup2 (fm_draw_pad_get_pixels (pad), n * sizeof (float));
  GtkWindow *detail;
  GtkWidget *first;

  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 0, channel, &options, scan, scan_layer);
  gtk_window_present (detail);
  WAIT_FOR (fm_tile_detail_get_n_top_images (FM_TILE_DETAIL (detail)) > 0);
  check_top_tooltip (FM_TILE_DETAIL (detail), scan, scan_layer, channel);
  g_assert_nonnull (fm_tile_detail_get_stat (FM_TILE_DETAIL (detail), "fires-on"));

  /* Another channel brings its own images (the previous load is dropped). */
  fm_tile_detail_set_channel (FM_TILE_DETAIL (detail), other);
  g_assert_cmpuint (fm_tile_detail_get_n_top_images (FM_TILE_DETAIL (detail)), ==, 0);
  WAIT_FOR (fm_tile_detail_get_n_top_images (FM_TILE_DETAIL (detail)) > 0);
  check_top_tooltip (FM_TILE_DETAIL (detail), scan, scan_layer, other);
  /* Quickly away and back: only the last channel's images arrive. */
  fm_tile_detail_set_channel (FM_TILE_DETAIL (detail), channel);
  fm_tile_detail_set_channel (FM_TILE_DETAIL (detail), other);
  fm_tile_detail_set_channel (FM_TILE_DETAIL (detail), channel);
  WAIT_FOR (fm_tile_detail_get_n_top_images (FM_TILE_DETAIL (detail)) > 0);
  iterate (200);
  g_assert_cmpuint (fm_tile_detail_get_n_top_images (FM_TILE_DETAIL (detail)), <=, scan->top_k);
  check_top_tooltip (FM_TILE_DETAIL (detail), scan, scan_layer, channel);

  /* Activating the first one (click or Enter) loads it into the canvas. */
  g_assert_false (fm_draw_pad_can_undo (pad));
  first = fm_tile_detail_get_top_image (FM_TILE_DETAIL (detail), 0);
  g_assert_true (gtk_widget_activate (first));
  WAIT_FOR (fm_draw_pad_can_undo (pad) && pixels_differ (before, fm_draw_pad_get_pixels (pad), n));
  g_assert_false (fm_draw_pad_is_empty (pad));
  /* The canvas holds that item as the scan saw it: its bytes / 255. */
  {
    g_autoptr(FmImage) item = digits_item (scan->layers[scan_layer].top_index[channel * scan->top_k]);
    const float *pixels = fm_draw_pad_get_pixels (pad);

    g_assert_cmpint (item->width, ==, fm_draw_pad_get_width (pad));
    g_assert_cmpint (item->height, ==, fm_draw_pad_get_height (pad));
    g_assert_cmpint (fm_draw_pad_get_channels (pad), ==, 1);
    for (gsize i = 0; i < n; i++)
      g_assert_cmpfloat_with_epsilon (pixels[i], item->pixels[i] / 255.0f, 1.0f / 255);
  }
  /* Undo brings back the empty canvas. */
  g_assert_true (fm_draw_pad_undo (pad));
  g_assert_false (pixels_differ (before, fm_draw_pad_get_pixels (pad), n));

  gtk_window_destroy (detail);
  fm_test_close_window (FM_WINDOW (window));
}

/* The window closes while its detail is open: activating an image then does
 * nothing, and the detail still works. */
static void
test_parent_closed (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(FmFrame) frame = fm_frame_ref (fm_window_get_frame (window));
  FmViewOptions options = view_options (FM_NORMALIZE_LAYER);
  int scan_layer = -1;
  g_autoptr(FmScanResult) scan = fm_scan_result_ref (scan_digits (window, &scan_layer));
  guint channel = firing_channel (scan, scan_layer, 0);
  GtkWindow *detail;

  detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 0, channel, &options, scan, scan_layer);
  g_object_add_weak_pointer (G_OBJECT (detail), (gpointer *) &detail);
  gtk_window_present (detail);
  WAIT_FOR (fm_tile_detail_get_n_top_images (FM_TILE_DETAIL (detail)) > 0);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  fm_test_close_window (FM_WINDOW (window));
  g_assert_nonnull (detail);
  gtk_widget_activate (fm_tile_detail_get_top_image (FM_TILE_DETAIL (detail), 0));
  iterate (50);
  g_assert_nonnull (detail);
  gtk_widget_activate_action (GTK_WIDGET (detail), "detail.next", NULL);
  g_assert_cmpuint (fm_tile_detail_get_channel (FM_TILE_DETAIL (detail)), ==, channel + 1);
  /* Finalized once the top images' load it cancelled has returned. */
  gtk_window_destroy (detail);
  WAIT_FOR (detail == NULL);
  if (window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (window), (gpointer *) &window);
}

/* The title names the layer as the grid does ("relu1" for the bundled
 * model's first layer), not by its tensor "/relu1/Relu_output_0", which
 * is shown on hover (what the command line's --layer takes). */
static void
test_names_layer (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  g_autoptr(FmFrame) frame = draw_something (window);
  FmViewOptions options = view_options (FM_NORMALIZE_LAYER);
  GtkWindow *detail = fm_tile_detail_new (GTK_WINDOW (window), frame, 0, 3, &options, NULL, -1);
  GtkWidget *title;

  gtk_window_present (detail);
  iterate (5);
  title = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (detail), FM_TYPE_TILE_DETAIL,
                                                      "window_title"));
  g_assert_nonnull (title);
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (title)), ==, "Channel 3");
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), ==, "relu1");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (title), ==, "/relu1/Relu_output_0");
  gtk_window_destroy (detail);
  fm_test_close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = g_build_filename (fm_test_window_init (&argc, &argv), "cache", NULL);

  /* The scans' results go to a cache of this run's own. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  g_test_add_func ("/app/tile-detail/previous-next", test_previous_next);
  g_test_add_func ("/app/tile-detail/steps-in-grid-order", test_steps_in_grid_order);
  g_test_add_func ("/app/tile-detail/shortcuts", test_shortcuts);
  g_test_add_func ("/app/tile-detail/keys", test_keys);
  g_test_add_func ("/app/tile-detail/tile-range", test_tile_range);
  g_test_add_func ("/app/tile-detail/colour-bar-pixels", test_colour_bar_pixels);
  g_test_add_func ("/app/tile-detail/top-image-loads", test_top_image_loads);
  g_test_add_func ("/app/tile-detail/parent-closed", test_parent_closed);
  g_test_add_func ("/app/tile-detail/open-before-pass", test_open_before_pass);
  g_test_add_func ("/app/tile-detail/names-layer", test_names_layer);

  return g_test_run ();
}
