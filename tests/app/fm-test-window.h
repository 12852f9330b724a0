/* fm-test-window.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window's test programs share: their start, waiting on the main
 * loop for a condition, opening and closing a window on a bundled model,
 * and choosing in the drop-downs above the tiles.
 */
#pragma once

#include "fm-window.h"

G_BEGIN_DECLS

/* Iterates the main loop until @cond holds or 60 s pass (a scan of the
 * bundled digits shares two cores with the rest of the test run). */
#define WAIT_FOR(cond) \
  G_STMT_START { \
    gint64 end_ = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; \
    while (!(cond) && g_get_monotonic_time () < end_) \
      g_main_context_iteration (NULL, FALSE), g_usleep (1000); \
    g_assert_true (cond); \
  } G_STMT_END

/* The command line's binary for tests that compare with it: argv[1] or
 * FM_CLI_BINARY, set by fm_test_window_init (). */
extern const char *fm_test_cli_binary;

/* A window test program's start: settings in memory, a data folder of its
 * own (XDG_DATA_HOME, returned; removed with all it holds when the program
 * exits), GTK and libadwaita, and fm_test_cli_binary. */
const char *fm_test_window_init (int        *argc,
                                 char     ***argv);

/* Points XDG_CACHE_HOME at a new, empty folder in the data folder, so the
 * next scan reads no earlier result. */
void      fm_test_fresh_scan_cache (void);
/* The bundled held-out digits (an IDX file), to scan. Free with g_free (). */
char     *fm_test_heldout_digits   (void);
/* Scans the held-out digits in @window and waits for the scan to end. */
void      fm_test_scan_digits      (FmWindow   *window);

/* A window on the bundled model @model_name, shown, with its first frame. */
FmWindow *fm_test_open_window  (const char *model_name);
/* The same, @width x @height (0 x 0: the size from the settings). */
FmWindow *fm_test_open_window_sized (const char *model_name,
                                     int         width,
                                     int         height);
/* Destroys @window and lets the main loop finish with it. */
void      fm_test_close_window (FmWindow   *window);
/* Lets the window lay out and paint a few frames (about 0.1 s). */
void      fm_test_settle       (void);
/* The first widget under @widget (itself included, depth first) that
 * @match says yes to with @data. */
typedef gboolean (*FmTestMatch) (GtkWidget *widget, gconstpointer data);
GtkWidget *fm_test_find       (GtkWidget    *widget,
                               FmTestMatch   match,
                               gconstpointer data);
/* The visible file chooser among the toplevels (GTK's own dialog, with
 * no portal under test), or NULL. */
GtkWindow *fm_test_find_chooser (void);
/* The name the file chooser of @window's Export dialog offers for the
 * layer chosen (@scope 0) or all layers (1), as PNG; the chooser is
 * cancelled, the dialog closed and its settings reset. */
char      *fm_test_export_suggested_name (FmWindow *window,
                                          guint     scope);
/* The descendant of @widget named @name, or NULL. */
GtkWidget *fm_test_find_named  (GtkWidget  *widget,
                                const char *name);
/* The button under @widget that activates @action ("win.clear"), or NULL. */
GtkWidget *fm_test_find_button (GtkWidget  *widget,
                                const char *action);
/* What @widget draws on screen, in a cairo image surface of its size
 * (free with cairo_surface_destroy ()). */
cairo_surface_t *fm_test_render_widget (GtkWidget *widget);
/* The object @id of @window's template (a widget or a menu); fails the
 * test when there is none. */
GObject  *fm_test_window_child (FmWindow   *window,
                                const char *id);
/* Selects item @index of the window's drop-down @id ("filter_dropdown",
 * "sort_dropdown"). */
void      fm_test_set_dropdown (FmWindow   *window,
                                const char *id,
                                guint       index);

G_END_DECLS
