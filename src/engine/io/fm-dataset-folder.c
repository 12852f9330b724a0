/* fm-dataset-folder.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Folders of pictures (see fm-dataset.h): listed once at open (names,
 * sizes, mtimes, the magic bytes of each file checked), sorted with
 * strcmp, and decoded item by item with fm_image_load().
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-dataset-private.h"
#include "fm-file.h"

static void
folder_file_clear (gpointer data)
{
  FmFolderFile *file = data;

  g_free (file->rel);
}

static int
folder_file_compare (gconstpointer a,
                     gconstpointer b)
{
  return strcmp (((const FmFolderFile *) a)->rel, ((const FmFolderFile *) b)->rel);
}

/* @message without the "@path: " it starts with (" : " in French). */
static const char *
without_path (const char *message,
              const char *path)
{
  gsize n = strlen (path);

  if (strncmp (message, path, n) != 0)
    return message;
  if (g_str_has_prefix (message + n, ": "))
    return message + n + 2;
  if (g_str_has_prefix (message + n, " : "))
    return message + n + 3;
  return message;
}

/* Adds the warning "@rel: REASON" for @error about @full. */
static void
add_list_warning (FmDataset    *ds,
                  const char   *rel,
                  const char   *full,
                  const GError *error)
{
  g_ptr_array_add (ds->list_warnings,
                   g_strdup_printf ("%s: %s", rel, without_path (error->message, full)));
}

typedef enum
{
  ENTRY_SKIP,
  ENTRY_FOLDER,
  ENTRY_FILE,
} EntryKind;

/* What @child (at @full) is, a link followed to a file but never to a
 * folder (no loops); a problem becomes a warning and ENTRY_SKIP. */
static EntryKind
stat_entry (FmDataset  *ds,
            const char *child,
            const char *full,
            GStatBuf   *st)
{
  if (g_lstat (full, st) != 0)
    {
      int saved = errno;

      g_ptr_array_add (ds->list_warnings,
                       g_strdup_printf (_("%s: cannot read: %s"), child,
                                        g_strerror (saved)));
      return ENTRY_SKIP;
    }
  if (S_ISLNK (st->st_mode))
    {
      if (g_stat (full, st) != 0)
        return ENTRY_SKIP;
      if (S_ISDIR (st->st_mode))
        {
          g_ptr_array_add (ds->list_warnings,
                           g_strdup_printf (_("%s: a link to a folder, not followed"),
                                            child));
          return ENTRY_SKIP;
        }
    }
  if (S_ISDIR (st->st_mode))
    return ENTRY_FOLDER;
  return S_ISREG (st->st_mode) ? ENTRY_FILE : ENTRY_SKIP;
}

/* Lists @child if its magic bytes are PNG or JPEG. */
static void
add_if_picture (FmDataset      *ds,
                const char     *child,
                const char     *full,
                const GStatBuf *st)
{
  g_autoptr(GError) error = NULL;
  guint8 head[8];
  gsize head_len = 0;
  FmFolderFile file;

  if (!fm_file_read_head (full, head, sizeof head, &head_len, &error))
    {
      add_list_warning (ds, child, full, error);
      return;
    }
  if (!fm_image_has_magic (head, head_len))
    return;

  file.rel = g_strdup (child);
  file.size = (guint64) st->st_size;
  file.mtime_us = (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC
                  + st->st_mtim.tv_nsec / 1000;
  g_array_append_val (ds->files, file);
}

/* Adds the pictures under @rel ("" for the top) to ds->files. Problems
 * below the top folder become warnings. */
static gboolean
list_folder (FmDataset   *ds,
             const char  *rel,
             GError     **error)
{
  g_autofree char *dir_path = g_build_filename (ds->path, rel, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  GDir *dir;

  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL)
    {
      if (*rel == '\0')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open folder: %s"),
                       ds->path, local_error->message);
          return FALSE;
        }
      g_ptr_array_add (ds->list_warnings,
                       g_strdup_printf (_("%s: cannot open folder: %s"), rel,
                                        local_error->message));
      return TRUE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = *rel == '\0'
                               ? g_strdup (names->pdata[i])
                               : g_strconcat (rel, "/", names->pdata[i], NULL);
      g_autofree char *full = g_build_filename (ds->path, child, NULL);
      GStatBuf st;

      switch (stat_entry (ds, child, full, &st))
        {
        case ENTRY_FOLDER:
          if (!list_folder (ds, child, error))
            return FALSE;
          break;
        case ENTRY_FILE:
          add_if_picture (ds, child, full, &st);
          break;
        case ENTRY_SKIP:
        default:
          break;
        }
    }
  return TRUE;
}

gboolean
_fm_dataset_folder_open (FmDataset  *ds,
                         GError    **error)
{
  ds->files = g_array_new (FALSE, FALSE, sizeof (FmFolderFile));
  g_array_set_clear_func (ds->files, folder_file_clear);
  ds->list_warnings = g_ptr_array_new_with_free_func (g_free);

  if (!list_folder (ds, "", error))
    return FALSE;
  if (ds->files->len == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: no PNG or JPEG pictures in this folder or below it"),
                   ds->path);
      return FALSE;
    }
  g_array_sort (ds->files, folder_file_compare);
  ds->n_items = ds->files->len;
  ds->range_end = ds->n_items;
  return TRUE;
}

gboolean
_fm_dataset_folder_next (FmDataset  *ds,
                         guint64    *index_out,
                         FmImage   **image_out,
                         int        *label_out,
                         GError    **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *full = NULL;
      const FmFolderFile *file;
      FmImage *image;
      FmDatasetWarning warning;
      guint64 index;

      g_mutex_lock (&ds->lock);
      if (ds->next_index >= ds->range_end)
        {
          g_mutex_unlock (&ds->lock);
          return FALSE;
        }
      index = ds->next_index++;
      g_mutex_unlock (&ds->lock);

      /* ds->files does not change after open. */
      file = &g_array_index (ds->files, FmFolderFile, index);
      full = g_build_filename (ds->path, file->rel, NULL);
      image = fm_image_load (full, 0, &local_error);
      if (image != NULL)
        {
          if (index_out != NULL)
            *index_out = index;
          if (label_out != NULL)
            *label_out = -1;
          if (image_out != NULL)
            *image_out = image;
          else
            fm_image_free (image);
          return TRUE;
        }

      warning.index = index;
      warning.text = g_strdup_printf ("%s: %s", file->rel,
                                      without_path (local_error->message, full));
      g_mutex_lock (&ds->lock);
      g_array_append_val (ds->warnings, warning);
      g_mutex_unlock (&ds->lock);
    }
}
