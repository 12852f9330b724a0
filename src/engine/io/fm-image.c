/* fm-image.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PNG and JPEG decoding into FmImage (see fm-image.h). Both libraries
 * report errors by calling back and never returning; the callbacks here
 * copy the library's message and longjmp back, and every piece of state
 * that must survive the jump lives in a heap context that is not touched
 * by a local variable after setjmp. libjpeg's warnings (corrupt data,
 * premature end of file) are treated as errors too: a truncated JPEG
 * would otherwise decode "successfully" into grey. Nothing here resizes
 * or converts for a model.
 */
#include "config.h"

#include "fm-image.h"

#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <jpeglib.h>
#include <png.h>

#include "fm-file.h"
#include "fm-png.h"

/* libjpeg-turbo's TurboJPEG API stops a progressive JPEG after this many
 * scans; a crafted file can otherwise make decoding take minutes. */
#define JPEG_MAX_SCANS 500

static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 jpeg_magic[3] = { 0xff, 0xd8, 0xff };

FmImage *
fm_image_new (int     width,
              int     height,
              int     channels,
              gsize   max_pixels,
              GError **error)
{
  FmImage *image;
  gsize n;

  g_return_val_if_fail (channels == 1 || channels == 3, NULL);

  if (max_pixels == 0)
    max_pixels = FM_IMAGE_DEFAULT_MAX_PIXELS;
  if (width <= 0 || height <= 0
      || (guint64) width * (guint64) height > max_pixels)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("a %d x %d image is outside the limit of 1 to %zu"
                     " pixels"), width, height, max_pixels);
      return NULL;
    }
  n = (gsize) width * (gsize) height * (gsize) channels;

  image = g_new0 (FmImage, 1);
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->pixels = g_try_malloc0 (n);
  if (image->pixels == NULL)
    {
      g_free (image);
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("cannot allocate %zu bytes for a %d x %d image"),
                   n, width, height);
      return NULL;
    }
  return image;
}

FmImage *
fm_image_copy (const FmImage *image)
{
  FmImage *copy = g_new (FmImage, 1);

  *copy = *image;
  copy->pixels = g_memdup2 (image->pixels,
                            (gsize) image->width * (gsize) image->height * (gsize) image->channels);
  return copy;
}

void
fm_image_free (FmImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

gboolean
fm_image_has_magic (const guint8 *data,
                    gsize         len)
{
  return (len >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0)
         || (len >= sizeof jpeg_magic && memcmp (data, jpeg_magic, sizeof jpeg_magic) == 0);
}

static void
set_limit_error (GError    **error,
                 const char *name,
                 guint64     width,
                 guint64     height,
                 gsize       max_pixels)
{
  g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
               _("%s: the picture is %" PRIu64 " x %" PRIu64
                 " pixels, above the limit of %zu pixels"),
               name, width, height, max_pixels);
}

/* Over white: out = (v * a + 255 * (255 - a)) / 255, rounded. */
static inline guint8
over_white (guint v,
            guint a)
{
  return (guint8) ((v * a + 255 * (255 - a) + 127) / 255);
}

/* ---- PNG -------------------------------------------------------------- */

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
  FmPngError    error;   /* libpng's error pointer */
  guint8       *raw;     /* [H, rowbytes] as libpng delivers it */
  png_bytep    *rows;
  FmImage      *image;
  gsize         alloc_cap;   /* the most libpng may allocate at once */
} PngContext;

/* libpng's own allocations go through here and are refused above
 * alloc_cap: png_set_chunk_malloc_max() does not cover every path (a
 * 276-byte file made png_read_info() ask for 2.1 GB). Until the header
 * is known the cap is 8 MiB; then it also allows two rows of the image,
 * whose pixel count has been checked. A refusal becomes libpng's "out of
 * memory" error, which is reported with the file's name. */
static png_voidp
png_malloc_cb (png_structp       png,
               png_alloc_size_t  size)
{
  PngContext *ctx = png_get_mem_ptr (png);

  if (ctx != NULL && size > ctx->alloc_cap)
    return NULL;
  return g_try_malloc (MAX (size, 1));
}

static void
png_free_cb (png_structp png,
             png_voidp   ptr)
{
  g_free (ptr);
}

static void
png_read_cb (png_structp png,
             png_bytep   out,
             png_size_t  n)
{
  PngContext *ctx = png_get_io_ptr (png);

  if (n > ctx->len - ctx->pos)
    png_error (png, _("the file is truncated"));
  memcpy (out, ctx->data + ctx->pos, n);
  ctx->pos += n;
}

/* [n pixels, @in_channels] -> [n, 1 or 3], alpha over white. */
static void
png_pixels_to_image (const guint8 *s,
                     int           in_channels,
                     gsize         n,
                     guint8       *d)
{
  switch (in_channels)
    {
    case 1:
    case 3:
      memcpy (d, s, n * in_channels);
      break;
    case 2:
      for (gsize i = 0; i < n; i++)
        d[i] = over_white (s[2 * i], s[2 * i + 1]);
      break;
    case 4:
      for (gsize i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
          d[3 * i + c] = over_white (s[4 * i + c], s[4 * i + 3]);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* After the header: expands to 8-bit gray, gray+alpha, RGB or RGBA and
 * decodes into ctx->raw, then into ctx->image. Errors longjmp back to
 * load_png() through png_error(). */
static void
png_read_pixels (png_structp  png,
                 png_infop    info,
                 PngContext  *ctx,
                 gsize        max_pixels)
{
  png_uint_32 width = png_get_image_width (png, info);
  png_uint_32 height = png_get_image_height (png, info);
  gsize rowbytes, rawsize;
  int in_channels;

  /* Row buffers: at most 4 channels of 16 bits, plus slack. */
  ctx->alloc_cap = MAX (ctx->alloc_cap, (gsize) width * 8 * 2 + 4096);

  png_set_expand (png);                 /* palette, gray < 8 bits, tRNS */
  if (png_get_bit_depth (png, info) == 16)
    png_set_scale_16 (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);

  in_channels = png_get_channels (png, info);
  rowbytes = png_get_rowbytes (png, info);
  if (png_get_bit_depth (png, info) != 8 || in_channels < 1 || in_channels > 4
      || rowbytes != (gsize) width * in_channels)
    png_error (png, _("unexpected pixel layout after expansion"));

  if (!g_size_checked_mul (&rawsize, rowbytes, height)
      || (ctx->raw = g_try_malloc (MAX (rawsize, 1))) == NULL
      || (ctx->rows = g_try_new (png_bytep, height)) == NULL)
    png_error (png, _("out of memory"));
  for (png_uint_32 y = 0; y < height; y++)
    ctx->rows[y] = ctx->raw + (gsize) y * rowbytes;

  ctx->image = fm_image_new ((int) width, (int) height, in_channels <= 2 ? 1 : 3,
                             max_pixels, NULL);
  if (ctx->image == NULL)
    png_error (png, _("out of memory"));

  png_read_image (png, ctx->rows);
  png_read_end (png, NULL);
  png_pixels_to_image (ctx->raw, in_channels, (gsize) width * height, ctx->image->pixels);
}

static void
png_context_free (PngContext *ctx)
{
  fm_image_free (ctx->image);
  g_free (ctx->rows);
  g_free (ctx->raw);
  g_free (ctx);
}

static FmImage *
load_png (const guint8 *data,
          gsize         len,
          const char   *name,
          gsize         max_pixels,
          GError      **error)
{
  PngContext *ctx = g_new0 (PngContext, 1);
  png_structp png = NULL;
  png_infop info = NULL;
  png_uint_32 width, height;
  FmImage *image;

  ctx->data = data;
  ctx->len = len;
  ctx->alloc_cap = (gsize) 8 << 20;

  png = png_create_read_struct_2 (PNG_LIBPNG_VER_STRING, &ctx->error, fm_png_error_fn,
                                  fm_png_warning_fn, ctx, png_malloc_cb, png_free_cb);
  if (png != NULL)
    info = png_create_info_struct (png);
  if (png == NULL || info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_free (ctx);
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: cannot create a PNG decoder (out of memory)"), name);
      return NULL;
    }

  /* A chunk may not make libpng allocate more than this, whatever length a
   * (fuzzed) file declares: a 230-byte file once asked for 1.7 GB. */
  png_set_chunk_malloc_max (png, (png_alloc_size_t) 8 << 20);

  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_read_struct (&png, &info, NULL);
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: invalid PNG: %s"), name, ctx->error.message);
      png_context_free (ctx);
      return NULL;
    }

  png_set_read_fn (png, ctx, png_read_cb);
  png_read_info (png, info);

  width = png_get_image_width (png, info);
  height = png_get_image_height (png, info);
  if ((guint64) width * height > max_pixels || width > INT_MAX || height > INT_MAX)
    {
      png_destroy_read_struct (&png, &info, NULL);
      g_free (ctx);
      set_limit_error (error, name, width, height, max_pixels);
      return NULL;
    }
  png_read_pixels (png, info, ctx, max_pixels);

  png_destroy_read_struct (&png, &info, NULL);
  image = g_steal_pointer (&ctx->image);
  png_context_free (ctx);
  return image;
}

/* ---- JPEG ------------------------------------------------------------- */

typedef struct
{
  struct jpeg_decompress_struct cinfo;
  struct jpeg_error_mgr         jerr;
  struct jpeg_progress_mgr      progress;
  jmp_buf                       jmp;
  char                          message[JMSG_LENGTH_MAX];
  FmImage                      *image;
  guint8                       *row;   /* one CMYK row */
} JpegContext;

static void
jpeg_error_exit_cb (j_common_ptr cinfo)
{
  JpegContext *ctx = cinfo->client_data;

  cinfo->err->format_message (cinfo, ctx->message);
  longjmp (ctx->jmp, 1);
}

static void
jpeg_emit_message_cb (j_common_ptr cinfo,
                      int          level)
{
  JpegContext *ctx = cinfo->client_data;

  /* level < 0 is a warning about corrupt data; the rest is tracing. */
  if (level < 0)
    {
      cinfo->err->format_message (cinfo, ctx->message);
      longjmp (ctx->jmp, 1);
    }
}

static void
jpeg_output_message_cb (j_common_ptr cinfo)
{
  /* The library never prints. */
}

static void
jpeg_progress_cb (j_common_ptr cinfo)
{
  JpegContext *ctx = cinfo->client_data;

  if (cinfo->is_decompressor
      && ((j_decompress_ptr) cinfo)->input_scan_number > JPEG_MAX_SCANS)
    {
      g_snprintf (ctx->message, sizeof ctx->message,
                  "more than %d progressive scans", JPEG_MAX_SCANS);
      longjmp (ctx->jmp, 1);
    }
}

/* A row of CMYK (or YCCK, which libjpeg turns into CMYK) as RGB, the way
 * Pillow's convert ("RGB") does it, which a torchvision model's training
 * used: R = (255 - C) (255 - K) / 255, and likewise G from M and B from Y.
 * Photoshop's files, the ones with an Adobe marker, store each ink
 * inverted (255 - C), as Pillow and libjpeg's own djpeg assume. */
static void
cmyk_to_rgb (const guint8 *cmyk,
             guint8       *rgb,
             int           width,
             gboolean      inverted)
{
  for (int x = 0; x < width; x++, cmyk += 4, rgb += 3)
    {
      int k = inverted ? cmyk[3] : 255 - cmyk[3];

      for (int c = 0; c < 3; c++)
        {
          int v = (inverted ? cmyk[c] : 255 - cmyk[c]) * k;

          rgb[c] = (guint8) ((v + 127) / 255);
        }
    }
}

static FmImage *
load_jpeg (const guint8 *data,
           gsize         len,
           const char   *name,
           gsize         max_pixels,
           GError      **error)
{
  JpegContext *ctx = g_new0 (JpegContext, 1);
  FmImage *image;
  int channels;
  gboolean cmyk;

  if (len > ULONG_MAX)
    {
      g_free (ctx);
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT, _("%s: file too large"), name);
      return NULL;
    }

  ctx->cinfo.err = jpeg_std_error (&ctx->jerr);
  ctx->jerr.error_exit = jpeg_error_exit_cb;
  ctx->jerr.emit_message = jpeg_emit_message_cb;
  ctx->jerr.output_message = jpeg_output_message_cb;
  ctx->progress.progress_monitor = jpeg_progress_cb;

  if (setjmp (ctx->jmp))
    {
      jpeg_destroy_decompress (&ctx->cinfo);
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: invalid JPEG: %s"), name, ctx->message);
      fm_image_free (ctx->image);
      g_free (ctx->row);
      g_free (ctx);
      return NULL;
    }

  jpeg_create_decompress (&ctx->cinfo);
  ctx->cinfo.client_data = ctx;
  ctx->cinfo.progress = &ctx->progress;
  jpeg_mem_src (&ctx->cinfo, (unsigned char *) data, (unsigned long) len);
  jpeg_read_header (&ctx->cinfo, TRUE);

  if ((guint64) ctx->cinfo.image_width * ctx->cinfo.image_height > max_pixels)
    {
      guint64 w = ctx->cinfo.image_width, h = ctx->cinfo.image_height;

      jpeg_destroy_decompress (&ctx->cinfo);
      g_free (ctx);
      set_limit_error (error, name, w, h, max_pixels);
      return NULL;
    }

  cmyk = ctx->cinfo.jpeg_color_space == JCS_CMYK || ctx->cinfo.jpeg_color_space == JCS_YCCK;
  channels = ctx->cinfo.num_components == 1 ? 1 : 3;
  ctx->cinfo.out_color_space = cmyk ? JCS_CMYK : channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress (&ctx->cinfo);

  if (ctx->cinfo.output_components != (cmyk ? 4 : channels))
    {
      g_snprintf (ctx->message, sizeof ctx->message,
                  "unexpected %d output components", ctx->cinfo.output_components);
      longjmp (ctx->jmp, 1);
    }

  ctx->image = fm_image_new ((int) ctx->cinfo.output_width,
                             (int) ctx->cinfo.output_height,
                             channels, max_pixels, NULL);
  if (ctx->image == NULL ||
      (cmyk && (ctx->row = g_try_malloc ((gsize) ctx->image->width * 4)) == NULL))
    {
      g_strlcpy (ctx->message, "out of memory", sizeof ctx->message);
      longjmp (ctx->jmp, 1);
    }

  while (ctx->cinfo.output_scanline < ctx->cinfo.output_height)
    {
      guint8 *out = ctx->image->pixels
                    + (gsize) ctx->cinfo.output_scanline * ctx->image->width * channels;
      JSAMPROW row = cmyk ? ctx->row : out;

      jpeg_read_scanlines (&ctx->cinfo, &row, 1);
      if (cmyk)
        cmyk_to_rgb (ctx->row, out, ctx->image->width, ctx->cinfo.saw_Adobe_marker);
    }
  jpeg_finish_decompress (&ctx->cinfo);
  jpeg_destroy_decompress (&ctx->cinfo);

  image = g_steal_pointer (&ctx->image);
  g_free (ctx->row);
  g_free (ctx);
  return image;
}

/* ---- entry points ----------------------------------------------------- */

FmImage *
fm_image_load_bytes (const guint8  *data,
                     gsize          len,
                     const char    *name,
                     gsize          max_pixels,
                     GError       **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (max_pixels == 0)
    max_pixels = FM_IMAGE_DEFAULT_MAX_PIXELS;

  if (len >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0)
    return load_png (data, len, name, max_pixels, error);
  if (len >= sizeof jpeg_magic && memcmp (data, jpeg_magic, sizeof jpeg_magic) == 0)
    return load_jpeg (data, len, name, max_pixels, error);

  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               _("%s: not a PNG or JPEG image"), name);
  return NULL;
}

FmImage *
fm_image_load (const char    *path,
               gsize          max_pixels,
               GError       **error)
{
  g_autoptr(GMappedFile) mapped = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  mapped = fm_file_map (path, error);
  if (mapped == NULL)
    return NULL;
  return fm_image_load_bytes ((const guint8 *) g_mapped_file_get_contents (mapped),
                              g_mapped_file_get_length (mapped), path,
                              max_pixels, error);
}
