/* fm-onnx-external.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * External data of a TensorProto (keys location, offset, length): maps the
 * bytes of a file inside the model's folder, refusing absolute paths, "..",
 * symbolic links and ranges past the end of the file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-error.h"
#include "fm-onnx-private.h"

static const char *
find_external_key (const FmOnnxTensor *t,
                   const char         *key)
{
  const char *value = NULL;

  for (guint i = 0; t->external_data != NULL && i < t->external_data->len;
       i++)
    {
      const FmOnnxStringPair *p = g_ptr_array_index (t->external_data, i);

      if (p->key != NULL && strcmp (p->key, key) == 0)
        value = p->value; /* the last one wins */
    }
  return value;
}

static gboolean
parse_external_number (const char  *tname,
                       const char  *key,
                       const char  *value,
                       guint64     *out,
                       GError     **error)
{
  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64,
                                                    out, NULL))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data %s '%s' is not a number"),
                   tname, key, value != NULL ? value : "");
      return FALSE;
    }
  return TRUE;
}

/* The location must be a relative path without "..". */
static gboolean
check_location (const char  *tname,
                const char  *location,
                GError     **error)
{
  if (location == NULL || *location == '\0')
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data has no location"), tname);
      return FALSE;
    }
  if (g_path_is_absolute (location) || location[0] == '/'
      || location[0] == '\\')
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data location '%s' is an absolute"
                     " path"), tname, location);
      return FALSE;
    }
  /* Split on both separators, so "a\\..\\b" is refused too. */
  for (const char *c = location; *c != '\0';)
    {
      gsize n = strcspn (c, "/\\");

      if (n == 2 && c[0] == '.' && c[1] == '.')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("tensor '%s': external data location '%s' contains"
                         " '..'"), tname, location);
          return FALSE;
        }
      c += n;
      if (*c != '\0')
        c++;
    }
  return TRUE;
}

/* Opens @location under @base if it is a regular file, not a symbolic
 * link, and resolves inside @base; returns the descriptor or -1. */
static int
open_inside (const char   *tname,
             const char   *base,
             const char   *location,
             struct stat  *st,
             GError      **error)
{
  g_autofree char *path = g_build_filename (base, location, NULL);
  g_autofree char *canon_base = NULL;
  g_autofree char *canon = NULL;
  g_autofree char *prefix = NULL;
  int fd = -1;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data file '%s' is a symbolic link"),
                   tname, location);
      return -1;
    }

  canon_base = realpath (base, NULL);
  canon = realpath (path, NULL);
  if (canon_base != NULL && canon != NULL)
    {
      prefix = g_str_has_suffix (canon_base, "/") ? g_strdup (canon_base)
                                                  : g_strconcat (canon_base, "/", NULL);
      if (!g_str_has_prefix (canon, prefix))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("tensor '%s': external data file '%s' is outside the"
                         " model's folder"), tname, location);
          return -1;
        }
      /* O_NONBLOCK: a FIFO would block the open (see fm_file_open) */
      fd = g_open (canon, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
    }
  if (fd < 0) /* errno is realpath's or g_open's */
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   _("tensor '%s': cannot open external data file '%s': %s"),
                   tname, location, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, st) == 0 && S_ISREG (st->st_mode))
    return fd;
  g_set_error (error, FM_ERROR, FM_ERROR_IO,
               _("tensor '%s': external data file '%s' is not a regular"
                 " file"), tname, location);
  close (fd);
  return -1;
}

/* The tensor's offset into a file of @size bytes; its length (@want when
 * not given) must be @want and lie within the file. */
static gboolean
external_range (const FmOnnxTensor  *t,
                const char          *tname,
                const char          *location,
                gsize                want,
                guint64              size,
                guint64             *offset,
                GError             **error)
{
  const char *offset_str = find_external_key (t, "offset");
  const char *length_str = find_external_key (t, "length");
  guint64 length = want;
  guint64 end;

  *offset = 0;
  if ((offset_str != NULL
       && !parse_external_number (tname, "offset", offset_str, offset, error))
      || (length_str != NULL
          && !parse_external_number (tname, "length", length_str, &length,
                                     error)))
    return FALSE;

  if (!g_uint64_checked_add (&end, *offset, length) || end > size)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data offset %" PRIu64
                     " + length %" PRIu64 " is past the end of '%s'"
                     " (%" PRIu64 " bytes)"), tname, *offset, length,
                   location, size);
      return FALSE;
    }
  if (length != want)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("tensor '%s': external data length %" PRIu64
                     " does not match the %zu bytes its shape"
                     " needs"), tname, length, want);
      return FALSE;
    }
  return TRUE;
}

GMappedFile *
_fm_onnx_map_external (const FmOnnxTensor  *t,
                       const char          *tname,
                       const char          *base,
                       gsize                want,
                       const guint8       **out_data,
                       GError             **error)
{
  const char *location = find_external_key (t, "location");
  g_autoptr(GError) local_error = NULL;
  GMappedFile *map;
  guint64 offset;
  struct stat st;
  int fd;

  if (!check_location (tname, location, error))
    return NULL;
  fd = open_inside (tname, base, location, &st, error);
  if (fd < 0)
    return NULL;
  if (!external_range (t, tname, location, want, (guint64) st.st_size,
                       &offset, error))
    {
      close (fd);
      return NULL;
    }

  map = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
  close (fd); /* the mapping stays valid */
  if (map == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO,
                   _("tensor '%s': cannot map external data file '%s': %s"),
                   tname, location, local_error->message);
      return NULL;
    }

  *out_data = (const guint8 *) g_mapped_file_get_contents (map) + offset;
  return map;
}
