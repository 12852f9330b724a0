/* fm-preprocess-image.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Picture -> canvas -> [1, C, H, W] model input (the steps are in
 * fm-preprocess.h). Resampling is separable: a horizontal pass reads the
 * 8-bit pixels straight into a float buffer [C, h, w'] with the new width,
 * and a vertical pass writes the letterboxed canvas, so a large picture
 * never gets a full float copy. Each axis has a weight table over a window
 * of the source (all of it for FIT and STRETCH, the centre for CROP): area
 * averaging (the exact overlap of each source pixel with the output
 * pixel's footprint) when it shrinks, bilinear with half-pixel centres (as
 * PIL and OpenCV resize) when it grows, weight 1 when it is unchanged, so
 * equal sizes give exactly p / 255 before the value range and
 * normalisation, which are applied per pixel in the canvas.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-preprocess-private.h"

/* ---- pixels ----------------------------------------------------------- */

/* Channel @c (of @channels_out) of pixel @idx, in [0, 1], not inverted. */
static inline float
pixel_value (const FmImage *image,
             int            channels_out,
             int            c,
             gsize          idx)
{
  const guint8 *p = image->pixels;

  if (image->channels == 1)
    return p[idx] / 255.0f;
  if (channels_out == 3)
    return p[3 * idx + c] / 255.0f;
  return LUMA (p[3 * idx], p[3 * idx + 1], p[3 * idx + 2]) / 255.0f;
}

/* Runs @body with @idx set to each pixel index of the outermost ring, once
 * each. */
#define FOR_EACH_BORDER_PIXEL(image, idx, body) \
  G_STMT_START \
  { \
    int w_ = (image)->width, h_ = (image)->height; \
    for (int y_ = 0; y_ < h_; y_++) \
      { \
        gboolean edge_row_ = (y_ == 0 || y_ == h_ - 1); \
        for (int x_ = 0; x_ < w_; x_ += (edge_row_ || w_ == 1) ? 1 : w_ - 1) \
          { \
            gsize idx = (gsize) y_ * w_ + x_; \
            body; \
          } \
      } \
  } \
  G_STMT_END

/* Mean luminance of the outermost ring of pixels, in [0, 1]. */
static double
border_brightness (const FmImage *image)
{
  double sum = 0.0;
  gsize n = 0;

  FOR_EACH_BORDER_PIXEL (image, idx, {
    sum += pixel_value (image, 1, 0, idx);
    n++;
  });
  return n > 0 ? sum / n : 0.0;
}

/* The picture's border colour as the model's @C channels in [0, 1], not
 * inverted: the median of each of the picture's channels over the
 * outermost ring (robust to a stroke that touches the edge), converted
 * like a pixel. */
static void
border_color (const FmImage *image,
              int            C,
              float         *out)
{
  gsize hist[3][256] = { { 0 } };
  gsize n = 0;
  guint8 median[3] = { 0, 0, 0 };
  FmImage one = { 0 };

  FOR_EACH_BORDER_PIXEL (image, idx, {
    for (int k = 0; k < image->channels; k++)
      hist[k][image->pixels[idx * image->channels + k]]++;
    n++;
  });
  for (int k = 0; k < image->channels; k++)
    {
      gsize seen = 0;

      for (int v = 0; v < 256; v++)
        {
          seen += hist[k][v];
          if (2 * seen >= n)
            {
              median[k] = (guint8) v;
              break;
            }
        }
    }
  one.width = one.height = 1;
  one.channels = image->channels;
  one.pixels = median;
  for (int c = 0; c < C; c++)
    out[c] = pixel_value (&one, C, c, 0);
}

gboolean
fm_preprocess_will_invert (const FmPreprocess *pp,
                           const FmImage      *image)
{
  switch (pp->invert)
    {
    case FM_INVERT_YES:
      return TRUE;
    case FM_INVERT_NO:
      return FALSE;
    case FM_INVERT_AUTO:
    default:
      return fm_preprocess_background_is_dark (pp) && border_brightness (image) > 0.5;
    }
}

/* ---- resampling ------------------------------------------------------- */

typedef struct
{
  int    max_taps;
  int   *first;    /* [out] first source index */
  int   *taps;     /* [out] number of source pixels */
  float *weights;  /* [out, max_taps] */
} Axis;

static void
axis_clear (Axis *axis)
{
  g_free (axis->first);
  g_free (axis->taps);
  g_free (axis->weights);
}

/* @out output pixels over a window of the @in source pixels: output i
 * covers [start + i step, start + (i + 1) step). The whole source is
 * start 0, step in / out. */
static void
axis_init (Axis   *axis,
           int     in,
           int     out,
           double  start,
           double  step)
{
  axis->max_taps = step > 1.0 ? (int) ceil (step) + 1 : 2;
  axis->first = g_new0 (int, out);
  axis->taps = g_new0 (int, out);
  axis->weights = g_new0 (float, (gsize) out * axis->max_taps);

  for (int i = 0; i < out; i++)
    {
      float *w = axis->weights + (gsize) i * axis->max_taps;

      if (step == 1.0 && start == floor (start))
        {
          axis->first[i] = (int) start + i;
          axis->taps[i] = 1;
          w[0] = 1.0f;
        }
      else if (step > 1.0)
        {
          /* Output pixel i covers [a, b) of the source. */
          double a = start + i * step, b = start + (i + 1) * step;
          int j0 = (int) floor (a), j1 = MIN ((int) ceil (b), in);

          axis->first[i] = j0;
          axis->taps[i] = 0;
          for (int j = j0; j < j1 && axis->taps[i] < axis->max_taps; j++)
            {
              double overlap = MIN (b, j + 1.0) - MAX (a, (double) j);

              w[axis->taps[i]++] = (float) (MAX (overlap, 0.0) / step);
            }
        }
      else
        {
          double x = start + (i + 0.5) * step - 0.5;
          int j;

          if (x < 0.0)
            x = 0.0;
          j = (int) floor (x);
          axis->first[i] = j;
          if (j >= in - 1)
            {
              axis->first[i] = in - 1;
              axis->taps[i] = 1;
              w[0] = 1.0f;
            }
          else
            {
              float f = (float) (x - j);

              axis->taps[i] = 2;
              w[0] = 1.0f - f;
              w[1] = f;
            }
        }
    }
}

/* Where the picture lands on the canvas: @n output pixels from @offset,
 * reading the source window [start, start + n step). */
typedef struct
{
  int    n;
  int    offset;
  double start;
  double step;
} Span;

/* One axis of the geometry: @in source pixels, @out canvas pixels, and
 * the picture's scale (output per source pixel) for FIT and CROP. */
static Span
span_for (FmResize resize,
          int      in,
          int      out,
          double   scale)
{
  Span s = { out, 0, 0.0, (double) in / out };

  if (in == out && (resize == FM_RESIZE_STRETCH || scale == 1.0))
    {
      s.step = 1.0;
      return s;
    }
  if (resize == FM_RESIZE_FIT)
    {
      s.n = CLAMP ((int) lround (in * scale), 1, out);
      s.offset = (out - s.n) / 2;
      s.step = (double) in / s.n;
    }
  else if (resize == FM_RESIZE_CROP)
    {
      /* The picture scaled to cover: whole pixels, at least @out. */
      double scaled = MAX ((double) out, round (in * scale));
      double skip = floor ((scaled - out) / 2.0);

      s.step = in / scaled;
      s.start = skip * s.step;
    }
  return s;
}

/* Where the picture lands on the canvas along x and y. */
static void
plan_spans (const FmPreprocess *pp,
            const FmImage      *image,
            Span               *sx,
            Span               *sy)
{
  int w = image->width, h = image->height;
  double scale = 1.0;

  if (w != pp->width || h != pp->height)
    scale = pp->resize == FM_RESIZE_CROP
            ? MAX ((double) pp->width / w, (double) pp->height / h)
            : MIN ((double) pp->width / w, (double) pp->height / h);
  *sx = span_for (pp->resize, w, pp->width, scale);
  *sy = span_for (pp->resize, h, pp->height, scale);
}

/* The letterbox as the model's channels in [0, 1]: the picture's border
 * (inverted with it) or the explicit background. */
static void
letterbox_color (const FmPreprocess *pp,
                 const FmImage      *image,
                 gboolean            invert,
                 float               pad[3])
{
  if (pp->background_auto)
    {
      border_color (image, pp->channels, pad);
      for (int c = 0; c < pp->channels && invert; c++)
        pad[c] = 1.0f - pad[c];
    }
  else if (pp->channels == 1)
    pad[0] = LUMA (pp->background[0], pp->background[1], pp->background[2]);
  else
    memcpy (pad, pp->background, 3 * sizeof (float));
}

/* Horizontal: pixels [h, w, ch] -> tmp [C, h, n], inverted if asked. */
static void
resample_rows (const FmImage *image,
               int            C,
               const Axis    *ax,
               int            n,
               gboolean       invert,
               float         *tmp)
{
  int w = image->width, h = image->height;

  for (int c = 0; c < C; c++)
    for (int y = 0; y < h; y++)
      {
        float *row = tmp + ((gsize) c * h + y) * n;

        for (int i = 0; i < n; i++)
          {
            const float *wt = ax->weights + (gsize) i * ax->max_taps;
            float sum = 0.0f;

            for (int k = 0; k < ax->taps[i]; k++)
              sum += wt[k] * pixel_value (image, C, c,
                                          (gsize) y * w + ax->first[i] + k);
            row[i] = invert ? 1.0f - sum : sum;
          }
      }
}

/* Vertical and letterboxing: tmp [C, h, sx->n] -> out01 [C, H, W]. */
static void
resample_columns (const FmPreprocess *pp,
                  const float        *tmp,
                  int                 h,
                  const Span         *sx,
                  const Span         *sy,
                  const Axis         *ay,
                  const float        *pad,
                  float              *out01)
{
  int H = pp->height, W = pp->width;

  for (int c = 0; c < pp->channels; c++)
    {
      float *plane = out01 + (gsize) c * H * W;   /* [H, W] */

      for (int y = 0; y < H; y++)
        {
          float *orow = plane + (gsize) y * W;
          int i = y - sy->offset;

          if (i < 0 || i >= sy->n)
            {
              for (int x = 0; x < W; x++)
                orow[x] = pad[c];
              continue;
            }
          for (int x = 0; x < sx->offset; x++)
            orow[x] = pad[c];
          for (int x = sx->offset + sx->n; x < W; x++)
            orow[x] = pad[c];
          for (int x = 0; x < sx->n; x++)
            {
              const float *wt = ay->weights + (gsize) i * ay->max_taps;
              float sum = 0.0f;

              for (int k = 0; k < ay->taps[i]; k++)
                sum += wt[k] * tmp[((gsize) c * h + ay->first[i] + k) * sx->n + x];
              orow[sx->offset + x] = CLAMP (sum, 0.0f, 1.0f);
            }
        }
    }
}

gboolean
fm_preprocess_image_to_canvas (const FmPreprocess *pp,
                               const FmImage      *image,
                               float              *out01,
                               GError            **error)
{
  gboolean invert;
  float pad[3];
  float *tmp;   /* [C, h, sx.n] */
  Span sx, sy;
  Axis ax = { 0 }, ay = { 0 };

  g_return_val_if_fail (pp != NULL, FALSE);
  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (out01 != NULL, FALSE);

  if (!fm_preprocess_check (pp, error))
    return FALSE;
  if ((image->channels != 1 && image->channels != 3)
      || image->width <= 0 || image->height <= 0 || image->pixels == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("preprocessing: unusable picture (%d x %d, %d channels)"),
                   image->width, image->height, image->channels);
      return FALSE;
    }

  plan_spans (pp, image, &sx, &sy);
  invert = fm_preprocess_will_invert (pp, image);
  letterbox_color (pp, image, invert, pad);
  tmp = g_try_new (float, (gsize) pp->channels * image->height * sx.n);
  if (tmp == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("preprocessing: out of memory for a %d x %d picture"),
                   image->width, image->height);
      return FALSE;
    }
  axis_init (&ax, image->width, sx.n, sx.start, sx.step);
  axis_init (&ay, image->height, sy.n, sy.start, sy.step);
  resample_rows (image, pp->channels, &ax, sx.n, invert, tmp);
  resample_columns (pp, tmp, image->height, &sx, &sy, &ay, pad, out01);
  axis_clear (&ax);
  axis_clear (&ay);
  g_free (tmp);
  return TRUE;
}

void
fm_preprocess_canvas_to_tensor (const FmPreprocess *pp,
                                const float        *in01,
                                float              *tensor)
{
  g_autofree float *copy = NULL;
  gsize plane;
  int C;

  g_return_if_fail (pp != NULL && in01 != NULL && tensor != NULL);
  g_return_if_fail (pp->channels == 1 || pp->channels == 3);

  C = pp->channels;
  plane = (gsize) pp->height * pp->width;
  /* Channels-last interleaves the planes: in place, from a copy. */
  if (pp->channels_last && C > 1 && in01 == tensor)
    in01 = copy = g_memdup2 (in01, (gsize) C * plane * sizeof (float));
  /* Pixel by pixel, so @in01 may be @tensor even when BGR swaps planes. */
  for (gsize i = 0; i < plane; i++)
    {
      float v[3];

      for (int c = 0; c < C; c++)
        v[c] = in01[c * plane + i];
      for (int c = 0; c < C; c++)
        {
          float x = v[pp->order == FM_CHANNEL_ORDER_BGR ? 2 - c : c];

          if (pp->range == FM_VALUE_RANGE_0_255)
            x *= 255.0f;
          else if (pp->range == FM_VALUE_RANGE_M1_1)
            x = 2.0f * x - 1.0f;
          tensor[pp->channels_last ? i * C + c : c * plane + i] =
            (x - _fm_preprocess_mean_of (pp, c)) / _fm_preprocess_std_of (pp, c);
        }
    }
}

void
fm_preprocess_tensor_planes (const FmPreprocess *pp,
                             const float        *tensor,
                             float              *planes)
{
  gsize plane;

  g_return_if_fail (pp != NULL && tensor != NULL && planes != NULL);

  plane = (gsize) pp->height * pp->width;
  for (int c = 0; c < pp->channels; c++)
    for (gsize i = 0; i < plane; i++)
      planes[c * plane + i] = tensor[pp->channels_last ? i * pp->channels + c : c * plane + i];
}

gboolean
fm_preprocess_image (const FmPreprocess *pp,
                     const FmImage      *image,
                     float              *out,
                     GError            **error)
{
  if (!fm_preprocess_image_to_canvas (pp, image, out, error))
    return FALSE;
  fm_preprocess_canvas_to_tensor (pp, out, out);
  return TRUE;
}
