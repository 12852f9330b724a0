/* fm-preprocess.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Picture -> [1, C, H, W] model input (the steps are in fm-preprocess.h).
 * Resampling is separable: a horizontal pass reads the 8-bit pixels
 * straight into a float buffer [C, h, w'] with the new width, and a
 * vertical pass writes the padded, normalised output, so a large picture
 * never gets a full float copy. Each axis has a weight table: area
 * averaging (the exact overlap of each source pixel with the output
 * pixel's footprint) when it shrinks, bilinear with half-pixel centres
 * (as PIL and OpenCV resize) when it grows, weight 1 when it is unchanged,
 * so equal sizes give exactly p / 255 before normalisation.
 */
#include "config.h"

#include "fm-preprocess.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

void
fm_preprocess_init (FmPreprocess *pp,
                    int           channels,
                    int           height,
                    int           width)
{
  g_return_if_fail (pp != NULL);

  memset (pp, 0, sizeof *pp);
  pp->channels = channels;
  pp->height = height;
  pp->width = width;
  pp->mean[0] = 0.0f;
  pp->std[0] = 1.0f;
  pp->n_mean = 1;
  pp->n_std = 1;
  pp->invert = FM_INVERT_AUTO;
  pp->background_black = FALSE;
}

gboolean
fm_preprocess_parse_floats (const char  *text,
                            const char  *what,
                            float       *values,
                            int          max_values,
                            int         *n_values,
                            GError     **error)
{
  g_auto(GStrv) items = NULL;
  int n = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (what != NULL, FALSE);

  items = g_strsplit (text, ",", -1);
  for (int i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *end = NULL;
      double v;

      if (*item == '\0')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       /* Translators: the option or metadata key (like “--mean”), then the text
                          that was given. */
                       _("%s: '%s' has an empty value; expected numbers separated "
                         "by commas"), what, text);
          return FALSE;
        }
      if (n == max_values)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: '%s' has more than %d values"), what, text, max_values);
          return FALSE;
        }
      errno = 0;
      v = g_ascii_strtod (item, &end);
      if (end == item || *end != '\0')
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: '%s' is not a number"), what, item);
          return FALSE;
        }
      if (errno == ERANGE || !isfinite (v) || fabs (v) > G_MAXFLOAT)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: '%s' is not a finite float"), what, item);
          return FALSE;
        }
      values[n++] = (float) v;
    }
  if (n == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: no values given; expected numbers separated by commas"),
                   what);
      return FALSE;
    }

  *n_values = n;
  return TRUE;
}

gboolean
fm_preprocess_parse_invert (const char  *text,
                            FmInvert    *invert,
                            GError     **error)
{
  g_return_val_if_fail (text != NULL, FALSE);

  if (strcmp (text, "auto") == 0)
    *invert = FM_INVERT_AUTO;
  else if (strcmp (text, "yes") == 0)
    *invert = FM_INVERT_YES;
  else if (strcmp (text, "no") == 0)
    *invert = FM_INVERT_NO;
  else
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("--invert: '%s' is not one of auto, yes, no"), text);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_preprocess_check (const FmPreprocess  *pp,
                     GError             **error)
{
  if (pp->channels != 1 && pp->channels != 3)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   _("preprocessing: %d channels (only 1 or 3 are supported)"),
                   pp->channels);
      return FALSE;
    }
  if (pp->height <= 0 || pp->width <= 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   _("preprocessing: the input size %d x %d is not positive"),
                   pp->width, pp->height);
      return FALSE;
    }
  if (pp->n_mean != 1 && pp->n_mean != pp->channels)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("preprocessing: %d mean values for an input of %d channel(s) "
                     "(give 1, or one per channel)"), pp->n_mean, pp->channels);
      return FALSE;
    }
  if (pp->n_std != 1 && pp->n_std != pp->channels)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("preprocessing: %d std values for an input of %d channel(s) "
                     "(give 1, or one per channel)"), pp->n_std, pp->channels);
      return FALSE;
    }
  for (int i = 0; i < pp->n_std; i++)
    if (pp->std[i] == 0.0f || !isfinite (pp->std[i]))
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("preprocessing: std value %g would divide by zero"),
                     (double) pp->std[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
parse_metadata_floats (const FmModel       *model,
                       const char          *key,
                       int                  channels,
                       float               *values,
                       int                 *n_values,
                       GError             **error)
{
  const char *text = fm_model_get_metadata (model, key);
  g_autofree char *what = NULL;
  int n = 0;

  if (text == NULL)
    return TRUE;

  what = g_strdup_printf ("%s: metadata %s", model->path, key);
  if (!fm_preprocess_parse_floats (text, what, values,
                                   FM_PREPROCESS_MAX_CHANNELS, &n, error))
    {
      /* The values came from the model, not from the user: a model error. */
      if (error != NULL && *error != NULL)
        (*error)->code = FM_ERROR_INVALID_MODEL;
      return FALSE;
    }
  if (n != 1 && n != channels)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: '%s' has %d values for an input of %d channels "
                     "(give 1 or %d)"), what, text, n, channels, channels);
      return FALSE;
    }
  *n_values = n;
  return TRUE;
}

gboolean
fm_preprocess_init_from_model (FmPreprocess   *pp,
                               const FmModel  *model,
                               GError        **error)
{
  const FmValue *input;
  const char *background;

  g_return_val_if_fail (pp != NULL, FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  if (model->n_inputs == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the model has no input to feed a picture to"), model->path);
      return FALSE;
    }
  input = &model->values[model->inputs[0]];
  if (input->dtype != FM_DTYPE_FLOAT || input->shape.rank != 4
      || input->shape.dims[0] != 1
      || (input->shape.dims[1] != 1 && input->shape.dims[1] != 3)
      || input->shape.dims[2] <= 0 || input->shape.dims[2] > G_MAXINT / 4
      || input->shape.dims[3] <= 0 || input->shape.dims[3] > G_MAXINT / 4)
    {
      g_autofree char *s = fm_shape_to_string (&input->shape);
      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   _("%s: input '%s' has shape %s; a picture needs a float "
                     "[1, C, H, W] input with C = 1 or 3"),
                   model->path, input->name, s);
      return FALSE;
    }

  fm_preprocess_init (pp, (int) input->shape.dims[1],
                      (int) input->shape.dims[2], (int) input->shape.dims[3]);

  if (!parse_metadata_floats (model, "feature_maps.mean", pp->channels,
                              pp->mean, &pp->n_mean, error)
      || !parse_metadata_floats (model, "feature_maps.std", pp->channels,
                                 pp->std, &pp->n_std, error))
    return FALSE;
  for (int i = 0; i < pp->n_std; i++)
    if (pp->std[i] == 0.0f)
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                     _("%s: metadata feature_maps.std: a std of 0 would divide by zero"),
                     model->path);
        return FALSE;
      }

  background = fm_model_get_metadata (model, "feature_maps.background");
  if (background != NULL)
    {
      if (strcmp (background, "black") == 0)
        pp->background_black = TRUE;
      else if (strcmp (background, "white") == 0)
        pp->background_black = FALSE;
      else
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                       _("%s: metadata feature_maps.background: '%s' is not "
                         "\"black\" or \"white\""), model->path, background);
          return FALSE;
        }
    }
  return TRUE;
}

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
  return (0.299f * p[3 * idx] + 0.587f * p[3 * idx + 1]
          + 0.114f * p[3 * idx + 2]) / 255.0f;
}

/* Mean luminance of the outermost ring of pixels, in [0, 1]. */
static double
border_brightness (const FmImage *image)
{
  int w = image->width, h = image->height;
  double sum = 0.0;
  gsize n = 0;

  for (int y = 0; y < h; y++)
    {
      gboolean edge_row = (y == 0 || y == h - 1);

      for (int x = 0; x < w; x += (edge_row || w == 1) ? 1 : w - 1)
        {
          sum += pixel_value (image, 1, 0, (gsize) y * w + x);
          n++;
        }
    }
  return n > 0 ? sum / n : 0.0;
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
      return pp->background_black && border_brightness (image) > 0.5;
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

static void
axis_init (Axis *axis,
           int   in,
           int   out)
{
  double scale = (double) in / out;

  axis->max_taps = in > out ? (int) ceil (scale) + 1 : 2;
  axis->first = g_new0 (int, out);
  axis->taps = g_new0 (int, out);
  axis->weights = g_new0 (float, (gsize) out * axis->max_taps);

  for (int i = 0; i < out; i++)
    {
      float *w = axis->weights + (gsize) i * axis->max_taps;

      if (in == out)
        {
          axis->first[i] = i;
          axis->taps[i] = 1;
          w[0] = 1.0f;
        }
      else if (in > out)
        {
          /* Output pixel i covers [a, b) of the source. */
          double a = i * scale, b = (i + 1) * scale;
          int j0 = (int) floor (a), j1 = MIN ((int) ceil (b), in);

          axis->first[i] = j0;
          axis->taps[i] = 0;
          for (int j = j0; j < j1 && axis->taps[i] < axis->max_taps; j++)
            {
              double overlap = MIN (b, j + 1.0) - MAX (a, (double) j);

              w[axis->taps[i]++] = (float) (MAX (overlap, 0.0) / scale);
            }
        }
      else
        {
          double x = (i + 0.5) * scale - 0.5;
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

gboolean
fm_preprocess_image (const FmPreprocess *pp,
                     const FmImage      *image,
                     float              *out,
                     GError            **error)
{
  int C, H, W, w, h, nw, nh, x0, y0;
  gboolean invert;
  double border;
  float pad;
  float *tmp;   /* [C, h, nw] */
  Axis ax = { 0 }, ay = { 0 };

  g_return_val_if_fail (pp != NULL, FALSE);
  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

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

  C = pp->channels;
  H = pp->height;
  W = pp->width;
  w = image->width;
  h = image->height;

  /* Fit inside W x H, keeping the aspect ratio. */
  if (w == W && h == H)
    {
      nw = W;
      nh = H;
    }
  else
    {
      double scale = MIN ((double) W / w, (double) H / h);

      nw = CLAMP ((int) lround (w * scale), 1, W);
      nh = CLAMP ((int) lround (h * scale), 1, H);
    }
  x0 = (W - nw) / 2;
  y0 = (H - nh) / 2;

  border = border_brightness (image);
  invert = pp->invert == FM_INVERT_YES
           || (pp->invert == FM_INVERT_AUTO && pp->background_black && border > 0.5);
  if (invert)
    border = 1.0 - border;
  pad = border > 0.5 ? 1.0f : 0.0f;

  tmp = g_try_new (float, (gsize) C * h * nw);
  if (tmp == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("preprocessing: out of memory for a %d x %d picture"), w, h);
      return FALSE;
    }
  axis_init (&ax, w, nw);
  axis_init (&ay, h, nh);

  /* Horizontal: pixels [h, w, ch] -> tmp [C, h, nw], inverted. */
  for (int c = 0; c < C; c++)
    for (int y = 0; y < h; y++)
      {
        float *row = tmp + ((gsize) c * h + y) * nw;

        for (int i = 0; i < nw; i++)
          {
            const float *wt = ax.weights + (gsize) i * ax.max_taps;
            float sum = 0.0f;

            for (int k = 0; k < ax.taps[i]; k++)
              sum += wt[k] * pixel_value (image, C, c,
                                          (gsize) y * w + ax.first[i] + k);
            row[i] = invert ? 1.0f - sum : sum;
          }
      }

  /* Vertical, padding and normalising: tmp -> out [1, C, H, W]. */
  for (int c = 0; c < C; c++)
    {
      float mean = pp->mean[pp->n_mean == C ? c : 0];
      float std = pp->std[pp->n_std == C ? c : 0];
      float pad_value = (pad - mean) / std;
      float *plane = out + (gsize) c * H * W;   /* [H, W] */

      for (int y = 0; y < H; y++)
        {
          float *orow = plane + (gsize) y * W;
          int i = y - y0;

          if (i < 0 || i >= nh)
            {
              for (int x = 0; x < W; x++)
                orow[x] = pad_value;
              continue;
            }
          for (int x = 0; x < x0; x++)
            orow[x] = pad_value;
          for (int x = x0 + nw; x < W; x++)
            orow[x] = pad_value;
          for (int x = 0; x < nw; x++)
            {
              const float *wt = ay.weights + (gsize) i * ay.max_taps;
              float sum = 0.0f;

              for (int k = 0; k < ay.taps[i]; k++)
                sum += wt[k] * tmp[((gsize) c * h + ay.first[i] + k) * nw + x];
              orow[x0 + x] = (sum - mean) / std;
            }
        }
    }

  axis_clear (&ax);
  axis_clear (&ay);
  g_free (tmp);
  return TRUE;
}
