/* fm-png-writer.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PNG output through libpng. The pixels come from a row callback, so a
 * cairo surface is converted one row at a time (premultiplied native
 * ARGB32 to straight RGBA bytes) and never copied whole. An image whose
 * every pixel is opaque is written as 8-bit RGB, anything else as 8-bit
 * RGBA, atomically by fm_file_write_atomic_with(). libpng reports its
 * errors by longjmp; they are caught in encode () and turned into a
 * GError, never printed.
 */
#include "config.h"

#include "fm-png-writer.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <png.h>

#include "fm-error.h"
#include "fm-file.h"
#include "fm-png.h"

#define PNG_MAX_KEY 79

static gssize fail_after_for_testing = -1;

void
fm_png_writer_set_fail_after_for_testing (gssize n_bytes)
{
  fail_after_for_testing = n_bytes;
}

/* ---- pixel sources ------------------------------------------------------ */

typedef struct _PixelSource PixelSource;
struct _PixelSource
{
  int width, height;
  /* Writes row @y as straight (not premultiplied) RGBA bytes into @out,
   * [width, 4]. */
  void (*get_row) (const PixelSource *src, int y, guint8 *out);
  const guint8 *data;
  gsize stride;
  cairo_format_t format; /* for surfaces */
};

static void
rgba_get_row (const PixelSource *src,
              int                y,
              guint8            *out)
{
  memcpy (out, src->data + (gsize) y * src->stride, (gsize) src->width * 4);
}

/* Cairo stores ARGB32 as native-endian 32-bit words with the colour
 * premultiplied by alpha; undo both. Rounds to nearest, like cairo's own
 * PNG writer. */
static void
surface_get_row (const PixelSource *src,
                 int                y,
                 guint8            *out)
{
  const guint32 *row = (const guint32 *) (src->data + (gsize) y * src->stride); /* [width] */

  for (int x = 0; x < src->width; x++)
    {
      guint32 p = row[x];
      guint a = src->format == CAIRO_FORMAT_ARGB32 ? p >> 24 : 0xff;
      guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

      if (a == 0)
        r = g = b = 0;
      else if (a < 0xff)
        {
          r = MIN ((r * 255 + a / 2) / a, 255);
          g = MIN ((g * 255 + a / 2) / a, 255);
          b = MIN ((b * 255 + a / 2) / a, 255);
        }
      out[4 * x + 0] = r;
      out[4 * x + 1] = g;
      out[4 * x + 2] = b;
      out[4 * x + 3] = a;
    }
}

static gboolean
source_is_opaque (const PixelSource *src,
                  guint8            *row)
{
  for (int y = 0; y < src->height; y++)
    {
      src->get_row (src, y, row);
      for (int x = 0; x < src->width; x++)
        if (row[4 * x + 3] != 0xff)
          return FALSE;
    }
  return TRUE;
}

/* ---- text chunks -------------------------------------------------------- */

static gboolean
key_is_valid (const char *key)
{
  gsize len = strlen (key);

  if (len < 1 || len > PNG_MAX_KEY || key[0] == ' ' || key[len - 1] == ' ')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (key[i] < 0x20 || key[i] > 0x7e)
        return FALSE;
      if (key[i] == ' ' && key[i + 1] == ' ')
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

/* Fills @chunks ([n_text]) from @text; the strings stay owned by @text. */
static gboolean
build_text_chunks (const char         *path,
                   const char * const *text,
                   png_text          **chunks,
                   int                *n_chunks,
                   GError            **error)
{
  g_autofree char *display = g_filename_display_name (path);
  gsize n = 0;

  *chunks = NULL;
  *n_chunks = 0;
  if (text == NULL)
    return TRUE;

  while (text[n] != NULL)
    {
      if (text[n + 1] == NULL)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("Could not write “%s”: text key “%s” has no value"),
                       display, text[n]);
          return FALSE;
        }
      n += 2;
    }
  n /= 2;
  if (n == 0)
    return TRUE;

  *chunks = g_new0 (png_text, n);
  for (gsize i = 0; i < n; i++)
    {
      const char *key = text[2 * i], *value = text[2 * i + 1];
      png_text *c = &(*chunks)[i];

      if (!key_is_valid (key))
        {
          g_autofree char *shown = g_strescape (key, NULL);
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("Could not write “%s”: “%s” is not a valid PNG text key "
                         "(1-79 printable ASCII characters, no leading, trailing "
                         "or doubled spaces)"), display, shown);
          g_clear_pointer (chunks, g_free);
          return FALSE;
        }
      if (!g_utf8_validate (value, -1, NULL))
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("Could not write “%s”: the value of text key “%s” is "
                         "not valid UTF-8"), display, key);
          g_clear_pointer (chunks, g_free);
          return FALSE;
        }
      c->key = (png_charp) key;
      c->text = (png_charp) value;
      if (is_ascii (value))
        {
          c->compression = PNG_TEXT_COMPRESSION_NONE;
          c->text_length = strlen (value);
        }
      else
        {
          c->compression = PNG_ITXT_COMPRESSION_NONE;
          c->itxt_length = strlen (value);
          c->lang = (png_charp) "";
          c->lang_key = (png_charp) "";
        }
    }
  *n_chunks = (int) n;
  return TRUE;
}

/* ---- encoding ----------------------------------------------------------- */

typedef struct
{
  FILE *fp;
  gsize written;
  int saved_errno;     /* errno of a failed write, or 0 */
  FmPngError error;    /* libpng's error pointer */
} WriteState;

static void
write_cb (png_structp png,
          png_bytep   data,
          size_t      len)
{
  WriteState *ws = png_get_io_ptr (png);

  if (fail_after_for_testing >= 0 && ws->written + len > (gsize) fail_after_for_testing)
    {
      ws->saved_errno = ENOSPC;
      png_error (png, "write failed");
    }
  if (fwrite (data, 1, len, ws->fp) != len)
    {
      ws->saved_errno = errno != 0 ? errno : EIO;
      png_error (png, "write failed");
    }
  ws->written += len;
}

static void
flush_cb (png_structp png)
{
  /* The stream is flushed and synced once, at the end. */
}

/* Encodes @src into @ws->fp; on failure fills @ws and returns FALSE. */
static gboolean
encode (WriteState        *ws,
        const PixelSource *src,
        gboolean           opaque,
        png_text          *chunks,
        int                n_chunks,
        guint8            *row)
{
  png_structp png;
  png_infop info;

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &ws->error, fm_png_error_fn,
                                 fm_png_warning_fn);
  if (png == NULL)
    {
      g_strlcpy (ws->error.message, "out of memory", sizeof ws->error.message);
      return FALSE;
    }
  info = png_create_info_struct (png);
  if (info == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      g_strlcpy (ws->error.message, "out of memory", sizeof ws->error.message);
      return FALSE;
    }

  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      return FALSE;
    }

  png_set_write_fn (png, ws, write_cb, flush_cb);
  png_set_IHDR (png, info, src->width, src->height, 8,
                opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                PNG_FILTER_TYPE_DEFAULT);
  if (n_chunks > 0)
    png_set_text (png, info, chunks, n_chunks);
  png_write_info (png, info);
  if (opaque)
    png_set_filler (png, 0, PNG_FILLER_AFTER); /* drop the alpha byte of each row */

  for (int y = 0; y < src->height; y++)
    {
      src->get_row (src, y, row);
      png_write_row (png, row);
    }
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  return TRUE;
}

typedef struct
{
  const PixelSource *src;
  gboolean           opaque;
  png_text          *chunks;
  int                n_chunks;
  guint8            *row;      /* [width, 4] */
} PngJob;

/* An FmFileWriteFunc: encodes through a stdio stream on a copy of @fd,
 * which fm_file_write_atomic_with() then syncs, closes and renames. */
static gboolean
write_png (int       fd,
           gpointer  user_data,
           GError  **error)
{
  const PngJob *job = user_data;
  WriteState ws = { 0 };
  int copy = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  gboolean ok;

  ws.fp = copy >= 0 ? fdopen (copy, "wb") : NULL;
  if (ws.fp == NULL)
    {
      int saved_errno = errno;

      if (copy >= 0)
        close (copy);
      g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, g_strerror (saved_errno));
      return FALSE;
    }
  ok = encode (&ws, job->src, job->opaque, job->chunks, job->n_chunks, job->row);
  if (!ok && ws.saved_errno == 0)
    g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, ws.error.message);
  else if (!ok)
    g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, g_strerror (ws.saved_errno));
  if (fclose (ws.fp) != 0 && ok)
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_IO, g_strerror (errno));
      ok = FALSE;
    }
  return ok;
}

static gboolean
write_source (const char         *path,
              const PixelSource  *src,
              const char * const *text,
              GError            **error)
{
  g_autofree guint8 *row = NULL; /* [width, 4] */
  g_autofree png_text *chunks = NULL;
  PngJob job = { src };

  if (src->width <= 0 || src->height <= 0
      || src->width > PNG_USER_WIDTH_MAX || src->height > PNG_USER_HEIGHT_MAX)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("Could not write “%s”: image size %d × %d is outside "
                     "1 × 1 .. %d × %d"), display, src->width, src->height,
                   PNG_USER_WIDTH_MAX, PNG_USER_HEIGHT_MAX);
      return FALSE;
    }
  if (!build_text_chunks (path, text, &chunks, &job.n_chunks, error))
    return FALSE;

  row = g_malloc ((gsize) src->width * 4);
  job.opaque = source_is_opaque (src, row);
  job.chunks = chunks;
  job.row = row;
  return fm_file_write_atomic_with (path, write_png, &job, error);
}

/* ---- public API --------------------------------------------------------- */

/**
 * fm_png_write_surface:
 * @path: the file to create or replace
 * @surface: a cairo image surface in ARGB32 or RGB24 format
 * @text: (nullable): %NULL-terminated key, value pairs (see the header)
 * @error: return location for an error
 *
 * Writes @surface to @path as PNG, un-premultiplying ARGB32 pixels. The
 * surface is flushed first.
 *
 * Returns: %TRUE on success; on failure @error is set (FM_ERROR_IO for
 *   file system errors, FM_ERROR_INVALID_INPUT for an unusable surface
 *   or text, FM_ERROR_LIMIT for a size PNG cannot hold) and any previous
 *   file at @path is unchanged.
 */
gboolean
fm_png_write_surface (const char         *path,
                      cairo_surface_t    *surface,
                      const char * const *text,
                      GError            **error)
{
  PixelSource src = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (surface != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS
      || cairo_surface_get_type (surface) != CAIRO_SURFACE_TYPE_IMAGE
      || (cairo_image_surface_get_format (surface) != CAIRO_FORMAT_ARGB32
          && cairo_image_surface_get_format (surface) != CAIRO_FORMAT_RGB24))
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("Could not write “%s”: the image is not an ARGB32 or RGB24 "
                     "image surface (%s)"), display,
                   cairo_status_to_string (cairo_surface_status (surface)));
      return FALSE;
    }

  cairo_surface_flush (surface);
  src.width = cairo_image_surface_get_width (surface);
  src.height = cairo_image_surface_get_height (surface);
  src.data = cairo_image_surface_get_data (surface);
  src.stride = cairo_image_surface_get_stride (surface);
  src.format = cairo_image_surface_get_format (surface);
  src.get_row = surface_get_row;
  return write_source (path, &src, text, error);
}

/**
 * fm_png_write_rgba:
 * @path: the file to create or replace
 * @rgba: straight (not premultiplied) RGBA bytes, [height, stride]
 * @width: pixels per row
 * @height: rows
 * @stride: bytes from one row to the next, at least @width * 4
 * @text: (nullable): %NULL-terminated key, value pairs (see the header)
 * @error: return location for an error
 *
 * Writes @rgba to @path as PNG; see fm_png_write_surface().
 *
 * Returns: %TRUE on success.
 */
gboolean
fm_png_write_rgba (const char         *path,
                   const guint8       *rgba,
                   int                 width,
                   int                 height,
                   gsize               stride,
                   const char * const *text,
                   GError            **error)
{
  PixelSource src = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (rgba != NULL, FALSE);
  g_return_val_if_fail (width <= 0 || stride >= (gsize) width * 4, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  src.width = width;
  src.height = height;
  src.data = rgba;
  src.stride = stride;
  src.get_row = rgba_get_row;
  return write_source (path, &src, text, error);
}
