/* test-stress.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeded random sequences of what a person does to a window, run under a
 * real display (meson wraps it in xvfb-run and dbus-run-session): start a
 * run (stroke), a new stroke, cancel (clear the canvas), swap the model,
 * start a scan of a tiny IDX file written here, cancel the scan
 * (win.scan-cancel), export (the dialog, to a temporary file) and close
 * (gtk_window_destroy). Steps are separated by only a few main-loop
 * iterations, so threads are usually still busy when the next step or the
 * close comes. After each close the window must be finalized once its
 * threads finish (a weak pointer clears) and no callback may reach it
 * afterwards: the worker, model load, scan and export all post back to the
 * main context, and a late one would touch freed memory, which ASan turns
 * into a crash. Run it under ASan and TSan too (build-aux/dev.sh).
 *
 * FM_STRESS_SEQUENCES (default 1000) and FM_STRESS_SEED (default 1) pick
 * the run; a failure prints the sequence number and its steps. It does not
 * check what the window shows (test-window.c does).
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fm-application.h"
#include "fm-data.h"
#include "fm-draw-pad.h"
#include "fm-export-dialog.h"
#include "fm-window.h"

typedef enum
{
  STEP_STROKE,
  STEP_NEW_STROKE,
  STEP_CANCEL,
  STEP_SWAP_MODEL,
  STEP_START_SCAN,
  STEP_CANCEL_SCAN,
  STEP_EXPORT,
  STEP_CLOSE,
  N_STEPS
} Step;

static const char * const step_names[] = {
  "stroke", "new-stroke", "cancel", "swap-model", "start-scan", "cancel-scan", "export", "close",
};

static char *tmp_dir;
static char *idx_path;
static char *models[2];

static void
iterate (int n)
{
  for (int i = 0; i < n; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* 16 gray 28 x 28 items: a diagonal bar each, enough to scan. */
static void
write_tiny_idx (const char *path)
{
  enum { N = 16, H = 28, W = 28 };
  g_autofree guint8 *bytes = g_malloc0 (16 + N * H * W);
  g_autoptr(GError) error = NULL;
  static const guint8 header[16] = { 0, 0, 8, 3, 0, 0, 0, N, 0, 0, 0, H, 0, 0, 0, W };

  memcpy (bytes, header, 16);
  for (int n = 0; n < N; n++)
    for (int y = 4; y < 24; y++)
      bytes[16 + n * H * W + y * W + (y + n) % W] = 255;
  g_file_set_contents (path, (const char *) bytes, 16 + N * H * W, &error);
  g_assert_no_error (error);
}

static void
do_step (FmWindow *window,
         Step      step,
         GRand    *rand,
         guint     seq,
         guint     n_step)
{
  FmDrawPad *pad = fm_window_get_draw_pad (window);

  switch (step)
    {
    case STEP_STROKE:
    case STEP_NEW_STROKE:
      {
        double xy[8];

        for (guint i = 0; i < G_N_ELEMENTS (xy); i++)
          xy[i] = g_rand_double_range (rand, 2.0, 26.0);
        if (step == STEP_NEW_STROKE)
          fm_draw_pad_clear (pad);
        fm_draw_pad_stroke (pad, xy, G_N_ELEMENTS (xy) / 2);
      }
      break;
    case STEP_CANCEL:
      fm_draw_pad_clear (pad);
      break;
    case STEP_SWAP_MODEL:
      {
        g_autoptr(GFile) file = g_file_new_for_path (models[g_rand_int_range (rand, 0, 2)]);

        fm_window_open_model (window, file);
      }
      break;
    case STEP_START_SCAN:
      if (fm_window_get_model (window) != NULL && !fm_window_is_scanning (window))
        fm_window_start_scan (window, idx_path);
      break;
    case STEP_CANCEL_SCAN:
      gtk_widget_activate_action (GTK_WIDGET (window), "win.scan-cancel", NULL);
      break;
    case STEP_EXPORT:
      {
        GtkWindow *dialog = fm_window_open_export (window);

        if (dialog != NULL)
          {
            g_autofree char *name = g_strdup_printf ("export-%u-%u.png", seq, n_step);
            g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
            g_autoptr(GFile) file = g_file_new_for_path (path);

            fm_export_dialog_export_to (FM_EXPORT_DIALOG (dialog), file);
          }
      }
      break;
    case STEP_CLOSE:
    case N_STEPS:
      break;
    }
}

static void
test_random_sequences (void)
{
  const char *env_n = g_getenv ("FM_STRESS_SEQUENCES");
  const char *env_seed = g_getenv ("FM_STRESS_SEED");
  guint n_sequences = env_n != NULL ? (guint) g_ascii_strtoull (env_n, NULL, 10) : 1000;
  guint32 seed = env_seed != NULL ? (guint32) g_ascii_strtoull (env_seed, NULL, 10) : 1;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint counts[N_STEPS] = { 0 };
  gint64 t_open = 0, t_steps = 0, t_close = 0;

  for (guint seq = 0; seq < n_sequences; seq++)
    {
      FmWindow *window = fm_window_new (NULL);
      gpointer weak = window;
      g_autoptr(GFile) first = g_file_new_for_path (models[seq % 2]);
      g_autoptr(GString) trace = g_string_new (NULL);
      gint64 end, t0 = g_get_monotonic_time (), t1, t2;

      g_object_add_weak_pointer (G_OBJECT (window), &weak);
      fm_window_open_model (window, first);
      /* Every tenth window is shown (so frames are drawn too); the others
       * stay unmapped, which keeps 1,000 sequences fast: the threads,
       * callbacks and closing are the same. */
      if (seq % 10 == 0)
        gtk_window_present (GTK_WINDOW (window));
      iterate (g_rand_int_range (rand, 0, 6));
      t1 = g_get_monotonic_time ();

      for (guint n = 0;; n++)
        {
          /* At most 12 steps, then close. */
          Step step = n >= 12 ? STEP_CLOSE : (Step) g_rand_int_range (rand, 0, N_STEPS);

          g_string_append_printf (trace, " %s", step_names[step]);
          counts[step]++;
          if (step == STEP_CLOSE)
            break;
          do_step (window, step, rand, seq, n);
          iterate (g_rand_int_range (rand, 0, 6));
        }

      t2 = g_get_monotonic_time ();
      /* Close: every toplevel this sequence opened (the export dialog too,
       * which may still be writing), then wait for the window to go. */
      {
        GListModel *toplevels = gtk_window_get_toplevels ();

        for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
          {
            g_autoptr(GtkWindow) top = g_list_model_get_item (toplevels, i - 1);

            if (top != GTK_WINDOW (window))
              gtk_window_destroy (top);
          }
        gtk_window_destroy (GTK_WINDOW (window));
      }
      end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      while (weak != NULL && g_get_monotonic_time () < end)
        {
          g_main_context_iteration (NULL, FALSE);
          if (weak != NULL)
            g_usleep (500);
        }
      if (weak != NULL)
        g_error ("sequence %u (seed %u): window not finalized 30 s after close;"
                 " steps:%s", seq, seed, trace->str);
      /* Late callbacks would run here, on freed memory. */
      iterate (g_rand_int_range (rand, 0, 10));
      t_open += t1 - t0;
      t_steps += t2 - t1;
      t_close += g_get_monotonic_time () - t2;
    }
  g_test_message ("time: %.1f s opening, %.1f s in steps, %.1f s closing",
                  t_open / 1e6, t_steps / 1e6, t_close / 1e6);

  g_test_message ("%u sequences: %u strokes, %u new strokes, %u cancels, %u model swaps, "
                  "%u scans, %u scan cancels, %u exports",
                  n_sequences, counts[STEP_STROKE], counts[STEP_NEW_STROKE], counts[STEP_CANCEL],
                  counts[STEP_SWAP_MODEL], counts[STEP_START_SCAN], counts[STEP_CANCEL_SCAN],
                  counts[STEP_EXPORT]);
  /* The random choice covers every action. */
  for (int s = 0; s < N_STEPS; s++)
    g_assert_cmpuint (counts[s], >, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before any thread exists: scan results are cached per user, keep
   * these in the temporary folder. */
  tmp_dir = g_dir_make_tmp ("fm-test-stress-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  g_setenv ("XDG_CACHE_HOME", tmp_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_type_ensure (FM_TYPE_APPLICATION);
  idx_path = g_build_filename (tmp_dir, "tiny-images-idx3-ubyte", NULL);
  write_tiny_idx (idx_path);
  models[0] = fm_data_resolve_model ("mnist-cnn", NULL);
  models[1] = fm_data_resolve_model ("mnist-cnn-dying", NULL);
  g_assert_nonnull (models[0]);
  g_assert_nonnull (models[1]);

  g_test_add_func ("/app/stress/random-sequences", test_random_sequences);
  status = g_test_run ();

  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmp_dir);
    g_autoptr(GFileEnumerator) it = g_file_enumerate_children (dir, "standard::name",
                                                                G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                NULL, NULL);
    GFileInfo *info;

    /* Exports and the tiny dataset; the scan cache has its own folders. */
    while (it != NULL && (info = g_file_enumerator_next_file (it, NULL, NULL)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, g_file_info_get_name (info), NULL);

        g_unlink (path);
        g_object_unref (info);
      }
  }
  return status;
}
