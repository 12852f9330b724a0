/* fm-checkpoints.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A training's checkpoints in natural order (fm-checkpoints.h).
 */
#include "config.h"

#include "fm-checkpoints.h"

#include <string.h>

#include <glib/gi18n-lib.h>

static int
natural_order (gconstpointer a,
               gconstpointer b)
{
  const char *pa = *(const char * const *) a, *pb = *(const char * const *) b;
  g_autofree char *ba = g_path_get_basename (pa);
  g_autofree char *bb = g_path_get_basename (pb);
  g_autofree char *ka = g_utf8_collate_key_for_filename (ba, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (bb, -1);
  int order = strcmp (ka, kb);

  if (order == 0)
    {
      /* step-2/model.onnx before step-10/model.onnx */
      g_autofree char *fa = g_utf8_collate_key_for_filename (pa, -1);
      g_autofree char *fb = g_utf8_collate_key_for_filename (pb, -1);

      order = strcmp (fa, fb);
    }
  return order != 0 ? order : strcmp (pa, pb);
}

/* The .onnx files directly in @folder. */
static gboolean
add_folder (GPtrArray   *paths,
            const char  *folder,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &local_error);
  const char *name;
  guint before = paths->len;

  if (dir == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot read this folder: %s"), folder,
                   local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);
      char *path;

      if (!g_str_has_suffix (lower, ".onnx"))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (paths, path);
      else
        g_free (path);
    }
  if (paths->len == before)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: no .onnx files in this folder"), folder);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
fm_checkpoints_list (const char * const *args,
                     guint               n_args,
                     GError            **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_args; i++)
    {
      if (g_file_test (args[i], G_FILE_TEST_IS_DIR))
        {
          if (!add_folder (paths, args[i], error))
            return NULL;
        }
      else
        g_ptr_array_add (paths, g_strdup (args[i]));
    }
  g_ptr_array_sort (paths, natural_order);
  return g_steal_pointer (&paths);
}

/* The last @depth parts of @path ("step-2/model.onnx" for 2), and in
 * @whole whether that is all of it. */
static char *
path_tail (const char *path,
           guint       depth,
           gboolean   *whole)
{
  const char *start = path + strlen (path);

  for (guint d = 0; d < depth; d++)
    {
      while (start > path && G_IS_DIR_SEPARATOR (start[-1]))
        start--;
      while (start > path && !G_IS_DIR_SEPARATOR (start[-1]))
        start--;
    }
  *whole = start == path;
  return g_strdup (start);
}

char **
fm_checkpoints_labels (const GPtrArray *paths)
{
  char **labels = g_new0 (char *, paths->len + 1);

  for (guint i = 0; i < paths->len; i++)
    for (guint depth = 1; labels[i] == NULL; depth++)
      {
        gboolean whole;
        g_autofree char *tail = path_tail (g_ptr_array_index (paths, i), depth, &whole);
        gboolean unique = TRUE;

        /* (a file named twice keeps its whole path) */
        for (guint k = 0; k < paths->len && unique; k++)
          {
            gboolean other_whole;
            g_autofree char *other = path_tail (g_ptr_array_index (paths, k), depth, &other_whole);

            unique = k == i || !g_str_equal (tail, other);
          }
        if (unique || whole)   /* shown and drawn: UTF-8 whatever the bytes */
          labels[i] = g_filename_display_name (tail);
      }
  return labels;
}
