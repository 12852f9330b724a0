/* fm-window-recent.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main menu's recent models: the last MAX_RECENT opened, kept in
 * GSettings, each labelled by its file name and as much of its folder as
 * tells it apart from another of the same name. A path that is not UTF-8
 * is kept as a file:// URI (a GSettings string must be UTF-8).
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fm-window-private.h"

#define MAX_RECENT 8

char *
fm_window_path_to_setting (const char *path)
{
  if (g_utf8_validate (path, -1, NULL))
    return g_strdup (path);
  return g_filename_to_uri (path, NULL, NULL);
}

char *
fm_window_path_from_setting (const char *value)
{
  if (g_str_has_prefix (value, "file://"))
    return g_filename_from_uri (value, NULL, NULL);
  return g_strdup (value);
}

/* The last @depth folders of @path's folder, "a/run-2" (all of them, and
 * TRUE in @whole, when it has no more). */
static char *
folder_tail (const char *path,
             guint       depth,
             gboolean   *whole)
{
  g_autofree char *dir = g_path_get_dirname (path);
  const char *start = dir + strlen (dir);

  for (guint d = 0; d < depth && start > dir; d++)
    {
      start--;   /* onto the separator after the folder, or its last byte */
      while (start > dir && !G_IS_DIR_SEPARATOR (start[-1]))
        start--;
      if (d + 1 < depth && start > dir)
        start--;   /* onto the separator before it */
    }
  *whole = start == dir || (start == dir + 1 && G_IS_DIR_SEPARATOR (dir[0]));
  return g_strdup (start);
}

/* The menu label of @paths[@i]: its file name, and where another shares
 * it, as many of its last folders as tell the two apart ("model.onnx in
 * run-3", "model.onnx in b/run-3"; exports are often all "model.onnx"). */
static char *
recent_label (char  **paths,
              guint   n,
              guint   i)
{
  g_autofree char *base = g_filename_display_basename (paths[i]);

  for (guint depth = 1;; depth++)
    {
      gboolean whole = FALSE;
      g_autofree char *tail = folder_tail (paths[i], depth, &whole);
      gboolean shared = FALSE, told_apart = TRUE;

      for (guint k = 0; k < n; k++)
        {
          g_autofree char *other = g_filename_display_basename (paths[k]);
          gboolean other_whole;
          g_autofree char *other_tail = NULL;

          if (k == i || !g_str_equal (other, base))
            continue;
          shared = TRUE;
          other_tail = folder_tail (paths[k], depth, &other_whole);
          told_apart &= !g_str_equal (tail, other_tail);
        }
      if (!shared)
        return g_steal_pointer (&base);
      if (told_apart || whole)
        /* Translators: a recent model in the main menu whose file name
         * another one shares: "model.onnx in run-3" (file, folder) */
        return g_strdup_printf (_("%s in %s"), base, tail);
    }
}

void
_fm_window_update_recent_menu (FmWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-models");
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();

  for (guint i = 0; recent[i] != NULL; i++)
    {
      char *path = fm_window_path_from_setting (recent[i]);

      if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_ptr_array_add (shown, path);
          g_ptr_array_add (values, recent[i]);
        }
      else
        g_free (path);
    }
  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; i < shown->len; i++)
    {
      g_autofree char *raw = recent_label ((char **) shown->pdata, shown->len, i);
      g_autofree char *label = g_utf8_make_valid (raw, -1);   /* the folders' bytes too */
      g_autoptr(GMenuItem) item = NULL;
      GString *escaped = g_string_new (label);

      /* A menu reads "_x" as the mnemonic x: "my_net.onnx" showed as
       * "mynet.onnx", and two such names shared their letter. */
      g_string_replace (escaped, "_", "__", 0);
      item = g_menu_item_new (escaped->str, NULL);
      g_string_free (escaped, TRUE);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s",
                                         (const char *) g_ptr_array_index (values, i));
      g_menu_append_item (self->recent_menu, item);
    }
}

void
_fm_window_add_recent_model (FmWindow   *self,
                             const char *path)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-models");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  g_autofree char *value = NULL;
  guint n = 1;

  if (path == NULL || (value = fm_window_path_to_setting (path)) == NULL)
    return;
  g_strv_builder_add (builder, value);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (!g_str_equal (old[i], value))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-models", (const char * const *) recent);
  _fm_window_update_recent_menu (self);
}
