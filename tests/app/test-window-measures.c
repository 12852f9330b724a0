/* test-window-measures.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan's measures in the window, under a real display: after a scan
 * of the bundled digits the near-dead tiles of mnist-cnn carry their mark
 * (exactly the scan's near_dead lists, checked against a naive loop in
 * tests/engine/test-scan-measures.c) and the "Near-dead" filter shows
 * exactly them; the scan bar counts them and, for the dying model, the
 * layers with 10 % or more dead; the key explains the mark; the tile
 * detail shows APoZ and the top classes of a channel, and the dead bound
 * for a dead one.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fm-layer-section.h"
#include "fm-test-scan.h"
#include "fm-test-window.h"
#include "fm-tile.h"
#include "fm-tile-detail.h"
#include "fm-window.h"

/* The scan's layer of section @k, or NULL. */
static const FmScanLayer *
scan_layer_of (FmWindow *window,
               guint     k,
               int      *index)
{
  FmFrame *frame = fm_window_get_frame (window);
  FmScanResult *scan = fm_window_get_scan (window);
  const char *name = frame->model->values[fm_frame_layer (frame, k)->value_id].name;

  *index = fm_scan_result_find_layer (scan, name);
  return *index >= 0 ? &scan->layers[*index] : NULL;
}

static void
test_near_dead_marks_and_filter (void)
{
  FmWindow *window = fm_test_open_window ("mnist-cnn");
  FmFrame *frame;
  guint marked = 0, near = 0;
  g_autofree char *key = NULL;

  fm_test_fresh_scan_cache ();
  fm_test_scan_digits (window);
  frame = fm_window_get_frame (window);
  key = fm_window_dup_key_text (window);
  g_assert_nonnull (strstr (key, "Blue corner: APoZ above the layer’s mean + 1 standard "
                                 "deviation (near-dead)"));
  for (guint k = 0; k < fm_frame_n_layers (frame); k++)
    {
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, k));
      int index;
      const FmScanLayer *sl = scan_layer_of (window, k, &index);

      g_assert_nonnull (sl);
      for (guint c = 0; c < sl->channels; c++)
        {
          FmTile *tile = FM_TILE (fm_layer_section_get_tile (section, c));
          gboolean want = fm_test_list_has (sl->near_dead, sl->n_near_dead, c);

          g_assert_cmpint (fm_tile_get_near_dead (tile), ==, want);
          marked += fm_tile_get_near_dead (tile);
        }
      near += sl->n_near_dead;
    }
  g_assert_cmpuint (marked, ==, near);
  g_assert_cmpuint (near, >, 0);  /* not vacuous */
  /* the bar counts the activations' near-dead channels (3 + 3 + 6 here) */
  g_test_message ("%s", fm_window_get_scan_status (window));
  g_assert_nonnull (strstr (fm_window_get_scan_status (window), " near-dead"));

  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_NEAR_DEAD);
  fm_test_settle ();
  for (guint k = 0; k < fm_frame_n_layers (frame); k++)
    {
      FmLayerSection *section = FM_LAYER_SECTION (fm_window_get_section (window, k));
      g_autoptr(GArray) shown = NULL;
      int index;
      const FmScanLayer *sl = scan_layer_of (window, k, &index);

      fm_layer_section_ensure_tiles (section);
      fm_test_settle ();
      shown = fm_layer_section_dup_shown (section);
      g_assert_cmpuint (shown->len, ==, sl->n_near_dead);
      for (guint i = 0; i < shown->len; i++)
        g_assert_cmpuint (g_array_index (shown, guint, i), ==, sl->near_dead[i]);
    }
  fm_test_set_dropdown (window, "filter_dropdown", FM_TILE_FILTER_ALL);
  fm_test_close_window (window);
  g_unsetenv ("XDG_CACHE_HOME");
}

static FmViewOptions
options (void)
{
  FmViewOptions o = { 0 };

  o.colormap = fm_colormap_get_default ();
  o.normalize = FM_NORMALIZE_LAYER;
  o.tile_size = 64;
  return o;
}

/* The detail of a near-dead channel (APoZ, classes) and of a dead one
 * (the bound); the bar of the dying model names its warned layers. */
static void
test_detail (void)
{
  const char *models[] = { "mnist-cnn", "mnist-cnn-dying" };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      FmWindow *window = fm_test_open_window (models[m]);
      FmViewOptions o = options ();
      FmFrame *frame;
      FmScanResult *scan;
      GtkWindow *detail;

      fm_test_fresh_scan_cache ();
      fm_test_scan_digits (window);
      frame = fm_window_get_frame (window);
      scan = fm_window_get_scan (window);
      for (guint k = 0; k < fm_frame_n_layers (frame); k++)
        {
          int index;
          const FmScanLayer *sl = scan_layer_of (window, k, &index);
          guint c;
          g_autofree char *apoz = NULL;

          if (m == 0 ? sl->n_near_dead == 0 : sl->n_dead == 0)
            continue;
          c = m == 0 ? sl->near_dead[0] : sl->dead[0];
          detail = fm_tile_detail_new (GTK_WINDOW (window), frame, k, c, &o, scan, index);
          gtk_window_present (detail);
          fm_test_settle ();
          apoz = g_strdup_printf ("%.1f %% (layer mean %.1f %%)", 100.0 * sl->apoz[c],
                                  100.0 * sl->apoz_mean);
          g_assert_cmpstr (fm_tile_detail_get_stat (FM_TILE_DETAIL (detail), "apoz"), ==, apoz);
          if (m == 0)
            {
              /* a near-dead channel fires: its classes as the scan ranks them
               * (test-scan-measures checks that text by hand) */
              const char *classes = fm_tile_detail_get_stat (FM_TILE_DETAIL (detail),
                                                             "top-classes");
              g_autofree char *expected = fm_scan_result_top_classes_text (scan, (guint) index,
                                                                           c, 3);

              g_autoptr(GString) plain = NULL;

              g_assert_nonnull (expected);
              g_assert_nonnull (classes);
              /* the same text, with no-break spaces inside "7: 41.2 %" so that
               * lines break between classes and words only */
              plain = g_string_new (classes);
              g_string_replace (plain, "\u00a0", " ", 0);
              g_assert_cmpstr (plain->str, ==, expected);
              g_assert_null (strstr (classes, ": "));
              g_assert_null (strstr (classes, " %"));
              g_assert_nonnull (strstr (classes, "\u00a0%"));
              g_assert_cmpint (strstr (classes, " · ") != NULL, ==,
                               strstr (expected, " · ") != NULL);
              g_assert_nonnull (strstr (fm_tile_detail_get_explanation (FM_TILE_DETAIL (detail)),
                                        "It is near-dead"));
            }
          else
            {
              /* a dead one never fired: no classes, and the bound */
              g_assert_null (fm_tile_detail_get_stat (FM_TILE_DETAIL (detail), "top-classes"));
              g_assert_nonnull (strstr (fm_tile_detail_get_explanation (FM_TILE_DETAIL (detail)),
                                        "(about 3 in 2000) would have shown with 95 % "
                                        "confidence"));
            }
          gtk_window_destroy (detail);
          fm_test_settle ();
          break;
        }
      if (m == 1)
        g_assert_nonnull (strstr (fm_window_get_scan_status (window),
                                  "3 layers at least 10 % dead"));
      fm_test_close_window (window);
      g_unsetenv ("XDG_CACHE_HOME");
    }
}

int
main (int   argc,
      char *argv[])
{
  fm_test_window_init (&argc, &argv);

  g_test_add_func ("/app/window/near-dead-marks-and-filter", test_near_dead_marks_and_filter);
  g_test_add_func ("/app/window/measures-detail", test_detail);
  return g_test_run ();
}
