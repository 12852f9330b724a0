/* fm-file.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening input files and writing output files atomically (fm-file.h).
 * The write is done here rather than with g_file_set_contents_full() so
 * that the message names the target, not the temporary file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fm-error.h"
#include "fm-file.h"

int
fm_file_open (const char  *path,
              GStatBuf    *st,
              GError     **error)
{
  GStatBuf local_st;
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  if (st == NULL)
    st = &local_st;
  /* O_NONBLOCK: a FIFO would block the open until something writes to
   * it; a regular file reads as usual with it. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"),
                   path, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, st) != 0 || !S_ISREG (st->st_mode))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: not a regular file"), path);
      close (fd);
      return -1;
    }
  return fd;
}

gssize
fm_file_read (int          fd,
              const char  *path,
              guint8      *buf,
              gsize        size,
              GError     **error)
{
  gssize n;

  do
    n = read (fd, buf, size);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot read: %s"),
                   path, g_strerror (saved));
    }
  return n;
}

gboolean
fm_file_read_head (const char  *path,
                   guint8      *buf,
                   gsize        size,
                   gsize       *len,
                   GError     **error)
{
  gssize n;
  int fd;

  g_return_val_if_fail (buf != NULL && len != NULL, FALSE);

  fd = fm_file_open (path, NULL, error);
  if (fd < 0)
    return FALSE;
  n = fm_file_read (fd, path, buf, size, error);
  close (fd);
  if (n < 0)
    return FALSE;
  *len = (gsize) n;
  return TRUE;
}

GMappedFile *
fm_file_map (const char  *path,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GMappedFile *mapped;
  int fd;

  fd = fm_file_open (path, NULL, error);
  if (fd < 0)
    return NULL;
  mapped = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
  close (fd);
  if (mapped == NULL)
    g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot read: %s"),
                 path, local_error->message);
  return mapped;
}

/* ---- writing ------------------------------------------------------------ */

gboolean
fm_file_make_folder (const char  *path,
                     int          mode,
                     GError     **error)
{
  if (g_mkdir_with_parents (path, mode) != 0)
    {
      int saved = errno;
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot create the folder: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* ---- atomic writes ------------------------------------------------------ */

static gboolean
set_errno_reason (GError **error,
                  int      saved_errno)
{
  g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, g_strerror (saved_errno));
  return FALSE;
}

/* Flushes the written temporary file to disk, closes it and renames it
 * over @path; closes @fd whatever happens. */
static gboolean
commit (int         fd,
        const char *tmp_path,
        const char *path,
        GError    **error)
{
  if (fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      return set_errno_reason (error, saved);
    }
  if (close (fd) != 0 || g_rename (tmp_path, path) != 0)
    return set_errno_reason (error, errno);
  return TRUE;
}

/* Writes straight into @path, which is no regular file: a device such as
 * /dev/null, a FIFO, /dev/stdout or a shell's >(...). Renaming over it
 * would replace it (as root, /dev/null itself) with a regular file. */
static gboolean
write_in_place (const char       *path,
                FmFileWriteFunc   func,
                gpointer          user_data,
                GError          **reason)
{
  int fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return set_errno_reason (reason, errno);
  if (!func (fd, user_data, reason))
    {
      close (fd);
      return FALSE;
    }
  if (close (fd) != 0)
    return set_errno_reason (reason, errno);
  return TRUE;
}

/* The file a chain of symbolic links at @path ends at (@path itself when
 * it is none), so that the link stays and its target is replaced; a
 * dangling link's target is created. NULL with ELOOP after 32 links. */
static char *
link_target (const char *path)
{
  g_autofree char *at = g_strdup (path);

  for (int hops = 0; hops < 32; hops++)
    {
      GStatBuf st;
      g_autofree char *target = NULL;
      g_autofree char *dir = NULL;

      if (g_lstat (at, &st) != 0 || !S_ISLNK (st.st_mode))
        return g_steal_pointer (&at);
      target = g_file_read_link (at, NULL);
      if (target == NULL)
        return g_steal_pointer (&at);
      dir = g_path_get_dirname (at);
      g_free (at);
      at = g_path_is_absolute (target) ? g_steal_pointer (&target)
                                       : g_build_filename (dir, target, NULL);
    }
  errno = ELOOP;
  return NULL;
}

static FmFileTempHook temp_hook;

void
fm_file_set_temp_hook (FmFileTempHook hook)
{
  temp_hook = hook;
}

/* Creates the temporary file @tmpl (its XXXXXX filled in) and tells the
 * hook. SIGINT and SIGTERM wait meanwhile on this thread, so that a
 * handler that removes the file the hook names never runs between the two
 * (a file made but not yet named would be left behind). */
static int
make_temp (char *tmpl)
{
  sigset_t stop, old;
  int fd, saved;

  if (temp_hook == NULL)
    return g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0666);
  sigemptyset (&stop);
  sigaddset (&stop, SIGINT);
  sigaddset (&stop, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &stop, &old);
  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0666);
  saved = errno;
  if (fd >= 0)
    temp_hook (tmpl);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  errno = saved;
  return fd;
}

gboolean
fm_file_write_atomic_with (const char       *path,
                           FmFileWriteFunc   func,
                           gpointer          user_data,
                           GError          **error)
{
  g_autoptr(GError) reason = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *tmp_name = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *target = NULL;
  GStatBuf st;
  int fd;

  g_return_val_if_fail (path != NULL && func != NULL, FALSE);

  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode) && !S_ISDIR (st.st_mode))
    {
      if (!write_in_place (path, func, user_data, &reason))
        goto failed;
      return TRUE;
    }
  target = link_target (path);
  if (target == NULL)
    {
      set_errno_reason (&reason, errno);
      goto failed;
    }
  dir = g_path_get_dirname (target);
  {
    g_autofree char *base = g_path_get_basename (target);
    tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  }
  tmp_path = g_build_filename (dir, tmp_name, NULL);
  fd = make_temp (tmp_path);
  if (fd < 0)
    set_errno_reason (&reason, errno);
  else
    {
      if (!func (fd, user_data, &reason))
        {
          close (fd);
          g_unlink (tmp_path);
        }
      else if (!commit (fd, tmp_path, target, &reason))
        g_unlink (tmp_path);
      if (temp_hook != NULL)
        temp_hook (NULL);
    }

failed:
  if (reason != NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("Could not write “%s”: %s"),
                   display, reason->message);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const guint8 *bytes;
  gsize         len;
} Bytes;

static gboolean
write_bytes (int       fd,
             gpointer  user_data,
             GError  **error)
{
  const Bytes *b = user_data;
  gsize done = 0;

  while (done < b->len)
    {
      gssize n = write (fd, b->bytes + done, MIN (b->len - done, (gsize) 1 << 20));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return set_errno_reason (error, n < 0 ? errno : ENOSPC);
      done += (gsize) n;
    }
  return TRUE;
}

gboolean
fm_file_write_atomic (const char  *path,
                      const void  *bytes,
                      gsize        len,
                      GError     **error)
{
  Bytes b = { bytes, len };

  g_return_val_if_fail (bytes != NULL || len == 0, FALSE);

  return fm_file_write_atomic_with (path, write_bytes, &b, error);
}

gboolean
fm_file_same (const char *a,
              const char *b)
{
  GStatBuf sa, sb;
  gboolean a_exists = g_stat (a, &sa) == 0;
  gboolean b_exists = g_stat (b, &sb) == 0;

  if (a_exists && b_exists)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  if (!a_exists && !b_exists)
    {
      g_autofree char *ca = g_canonicalize_filename (a, NULL);
      g_autofree char *cb = g_canonicalize_filename (b, NULL);

      return g_str_equal (ca, cb);
    }
  return FALSE;
}
