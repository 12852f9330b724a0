/* fm-dataset-folder.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Folders of pictures (see fm-dataset.h): listed once at open (names,
 * sizes, mtimes, the magic bytes of each file checked), sorted with
 * strcmp, and decoded item by item with fm_image_load(). A folder with no
 * pictures at its top but with subfolders is a folder of class folders
 * (ImageNet, torchvision's ImageFolder): the classes are its non-hidden
 * top-level folders sorted bytewise, as Python's sorted() orders str.
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

/* Adds the warning "@rel: REASON" for @error about @full. */
static void
add_list_warning (FmDataset    *ds,
                  const char   *rel,
                  const char   *full,
                  const GError *error)
{
  g_ptr_array_add (ds->list_warnings,
                   g_strdup_printf ("%s: %s", rel, _fm_dataset_without_path (error->message, full)));
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

/* How a picture's name ends (in any case). */
static const char * const picture_suffixes[] = { ".png", ".jpg", ".jpeg", NULL };

/* Lists @child if its magic bytes are PNG or JPEG; one named as a picture
 * that is not is a warning (other files, a README, are no concern). */
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
    {
      if (_fm_dataset_named_as (child, picture_suffixes))
        g_ptr_array_add (ds->list_warnings,
                         g_strdup_printf (_("%s: not a JPEG or PNG picture"), child));
      return;
    }

  file.rel = g_strdup (child);
  file.label = -1;
  file.size = (guint64) st->st_size;
  file.mtime_us = (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC
                  + st->st_mtim.tv_nsec / 1000;
  file.dev = (guint64) st->st_dev;
  file.ino = (guint64) st->st_ino;
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
  /* The listing's warnings come in the order of the names, on every
   * machine. */
  g_ptr_array_sort (names, _fm_dataset_compare_strings);

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

/* The non-hidden folders at the top of ds->path (not links), sorted. */
static GPtrArray *
list_top_folders (FmDataset *ds)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  GDir *dir = g_dir_open (ds->path, 0, NULL);

  if (dir == NULL)
    return names;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = g_build_filename (ds->path, name, NULL);
      GStatBuf st;

      if (name[0] != '.' && g_lstat (full, &st) == 0 && S_ISDIR (st.st_mode))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_dir_close (dir);
  g_ptr_array_sort (names, _fm_dataset_compare_strings);
  return names;
}

/* Labels the listed pictures by their class folder when the top of the
 * folder holds no pictures but has subfolders; pictures under hidden
 * top-level folders (.git, .ipynb_checkpoints) are dropped then. */
static gboolean
label_by_class_folders (FmDataset  *ds,
                        GError    **error)
{
  g_autoptr(GPtrArray) classes = NULL;
  guint kept = 0;

  for (guint i = 0; i < ds->files->len; i++)
    if (strchr (g_array_index (ds->files, FmFolderFile, i).rel, '/') == NULL)
      return TRUE;
  classes = list_top_folders (ds);
  if (classes->len == 0)
    return TRUE;
  if (classes->len > FM_DATASET_MAX_CLASSES)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: %u class folders, above the limit of %d"),
                   ds->path, classes->len, FM_DATASET_MAX_CLASSES);
      return FALSE;
    }
  for (guint i = 0; i < ds->files->len; i++)
    {
      FmFolderFile *file = &g_array_index (ds->files, FmFolderFile, i);
      g_autofree char *top = g_strndup (file->rel, strchr (file->rel, '/') - file->rel);
      guint at;

      if (!g_ptr_array_find_with_equal_func (classes, top, g_str_equal, &at))
        {
          g_clear_pointer (&file->rel, g_free);
          continue;
        }
      file->label = (int) at;
      g_array_index (ds->files, FmFolderFile, kept++) = *file;
    }
  /* The slots past the kept ones were moved or cleared: nothing to free. */
  for (guint i = kept; i < ds->files->len; i++)
    g_array_index (ds->files, FmFolderFile, i).rel = NULL;
  g_array_set_size (ds->files, kept);
  ds->class_names = g_steal_pointer (&classes);
  ds->has_labels = TRUE;
  return TRUE;
}

#define MAX_REASONS_SHOWN 3

/* No picture was listed: the error says so, with the first reasons found
 * while listing (a file named .png that is none, one that cannot be
 * read) and their count, when there are any. */
static void
no_pictures_error (FmDataset  *ds,
                   GError    **error)
{
  guint n = ds->list_warnings->len;
  g_autoptr(GString) reasons = g_string_new (NULL);

  if (n == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: no PNG or JPEG pictures in this folder or below it"), ds->path);
      return;
    }
  for (guint i = 0; i < MIN (n, MAX_REASONS_SHOWN); i++)
    g_string_append_printf (reasons, "%s%s", i > 0 ? "; " : "",
                            (const char *) g_ptr_array_index (ds->list_warnings, i));
  if (n > MAX_REASONS_SHOWN)
    g_string_append (reasons, "; …");
  /* Translators: "pics: no usable PNG or JPEG pictures in this folder or
   * below it; 2 files skipped: a.png: not a JPEG or PNG picture; b.jpg:
   * not a JPEG or PNG picture" (the first three reasons, then "…") */
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               g_dngettext (GETTEXT_PACKAGE,
                            "%s: no usable PNG or JPEG pictures in this folder or below it; "
                            "%u file skipped: %s",
                            "%s: no usable PNG or JPEG pictures in this folder or below it; "
                            "%u files skipped: %s", n),
               ds->path, n, reasons->str);
}

gboolean
_fm_dataset_folder_open (FmDataset  *ds,
                         GError    **error)
{
  ds->files = g_array_new (FALSE, FALSE, sizeof (FmFolderFile));
  g_array_set_clear_func (ds->files, folder_file_clear);
  ds->list_warnings = g_ptr_array_new_with_free_func (g_free);

  if (!list_folder (ds, "", error) || !label_by_class_folders (ds, error))
    return FALSE;
  if (ds->files->len == 0)
    {
      no_pictures_error (ds, error);
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
      guint64 index;

      if (!_fm_dataset_take_index (ds, &index, error))
        return FALSE;

      /* ds->files does not change after open. */
      file = &g_array_index (ds->files, FmFolderFile, index);
      full = g_build_filename (ds->path, file->rel, NULL);
      image = fm_image_load (full, 0, &local_error);
      if (image != NULL)
        return _fm_dataset_hand_out (index, image, file->label, index_out, image_out,
                                     label_out);

      _fm_dataset_add_warning (ds, index,
                               g_strdup_printf ("%s: %s", file->rel,
                                                _fm_dataset_without_path (local_error->message,
                                                                          full)));
    }
}
