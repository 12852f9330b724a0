/* fm-test-window.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-application.h"
#include "fm-data.h"
#include "fm-test-files.h"
#include "fm-test-window.h"

const char *fm_test_cli_binary;
static const char *data_home;

const char *
fm_test_window_init (int    *argc,
                     char ***argv)
{
  data_home = fm_test_scratch ();
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  fm_test_cli_binary = *argc > 1 ? (*argv)[1] : g_getenv ("FM_CLI_BINARY");
  g_type_ensure (FM_TYPE_APPLICATION);
  return data_home;
}

void
fm_test_fresh_scan_cache (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("scan-cache-%u", n++);
  g_autofree char *dir = fm_test_fresh_dir (data_home, name);

  g_setenv ("XDG_CACHE_HOME", dir, TRUE);
}

char *
fm_test_heldout_digits (void)
{
  char *path = fm_data_find ("digits/mnist-heldout-images-idx3-ubyte.gz", NULL);

  g_assert_nonnull (path);
  return path;
}

void
fm_test_scan_digits (FmWindow *window)
{
  g_autofree char *digits = fm_test_heldout_digits ();

  fm_window_start_scan (window, digits);
  WAIT_FOR (!fm_window_is_scanning (window));
}

FmWindow *
fm_test_open_window (const char *model_name)
{
  return fm_test_open_window_sized (model_name, 0, 0);
}

FmWindow *
fm_test_open_window_sized (const char *model_name,
                           int         width,
                           int         height)
{
  FmWindow *window = fm_window_new (NULL);
  g_autofree char *path = fm_data_resolve_model (model_name, NULL);
  g_autoptr(GFile) file = NULL;

  g_assert_nonnull (path);
  file = g_file_new_for_path (path);
  /* 0 x 0 keeps the size the window takes from its settings. */
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  fm_window_open_model (window, file);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (fm_window_get_model (window) != NULL && fm_window_get_frame (window) != NULL);
  return window;
}

void
fm_test_close_window (FmWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
}

void
fm_test_settle (void)
{
  for (int i = 0; i < 60; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

GObject *
fm_test_window_child (FmWindow   *window,
                      const char *id)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), FM_TYPE_WINDOW, id);

  g_assert_nonnull (child);
  return child;
}

void
fm_test_set_dropdown (FmWindow   *window,
                      const char *id,
                      guint       index)
{
  gtk_drop_down_set_selected (GTK_DROP_DOWN (fm_test_window_child (window, id)), index);
}

GtkWidget *
fm_test_find (GtkWidget     *widget,
              FmTestMatch    match,
              gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fm_test_find (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_name (GtkWidget     *widget,
          gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

GtkWidget *
fm_test_find_named (GtkWidget  *widget,
                    const char *name)
{
  return fm_test_find (widget, has_name, name);
}

/* The render node of what @paintable's widget shows now (the widget
 * paintable takes it when the widget is next drawn), or NULL. */
static GskRenderNode *
snapshot_paintable (GdkPaintable *paintable,
                    int           width,
                    int           height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  return gtk_snapshot_free_to_node (snapshot);
}

/* What @widget draws on screen, in a cairo image surface of its size. */
cairo_surface_t *
fm_test_render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderNode *node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  gtk_widget_queue_draw (widget);
  WAIT_FOR ((node != NULL ||
             (node = snapshot_paintable (paintable, width, height)) != NULL));
  gsk_render_node_draw (node, cr);
  gsk_render_node_unref (node);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static gboolean
is_button_for (GtkWidget     *widget,
               gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

GtkWidget *
fm_test_find_button (GtkWidget  *widget,
                     const char *action)
{
  return fm_test_find (widget, is_button_for, action);
}

GtkWindow *
fm_test_find_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_visible (w))
        return GTK_WINDOW (w);
    }
  return NULL;
}

char *
fm_test_export_suggested_name (FmWindow *window,
                               guint     scope)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *dialog = fm_window_open_export (window);
  GtkWindow *chooser;
  char *name;

  gtk_window_present (dialog);
  adw_combo_row_set_selected (ADW_COMBO_ROW (gtk_widget_get_template_child (
                                GTK_WIDGET (dialog), G_OBJECT_TYPE (dialog), "scope_row")),
                              scope);
  adw_combo_row_set_selected (ADW_COMBO_ROW (gtk_widget_get_template_child (
                                GTK_WIDGET (dialog), G_OBJECT_TYPE (dialog), "format_row")),
                              0);
  fm_test_settle ();
  gtk_widget_activate_action (GTK_WIDGET (dialog), "export.choose", NULL);
  fm_test_settle ();
  chooser = fm_test_find_chooser ();
  g_assert_nonnull (chooser);
  name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  fm_test_settle ();
  g_assert_null (fm_test_find_chooser ());
  gtk_window_destroy (dialog);
  g_settings_reset (settings, "export-format");
  g_settings_reset (settings, "export-scope");
  return name;
}
