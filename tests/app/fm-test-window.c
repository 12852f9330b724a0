/* fm-test-window.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-data.h"
#include "fm-test-window.h"

FmWindow *
fm_test_open_window (const char *model_name)
{
  FmWindow *window = fm_window_new (NULL);
  g_autofree char *path = fm_data_resolve_model (model_name, NULL);
  g_autoptr(GFile) file = NULL;

  g_assert_nonnull (path);
  file = g_file_new_for_path (path);
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
