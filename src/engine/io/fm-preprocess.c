/* fm-preprocess.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preprocessing settings (fm-preprocess.h): defaults and the model's
 * metadata, the parsers and names, the presets, the one-line description
 * and the check. fm-preprocess-image.c applies them to pixels.
 */
#include "config.h"

#include "fm-preprocess-private.h"

#include "fm-layout.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

static const float mnist_mean = 0.1307f, mnist_std = 0.3081f;
/* The model metadata of ours that says how its input was prepared. */
#define META_MEAN       "feature_maps.mean"
#define META_STD        "feature_maps.std"
#define META_BACKGROUND "feature_maps.background"

static const float imagenet_mean[3] = { 0.485f, 0.456f, 0.406f };
static const float imagenet_std[3] = { 0.229f, 0.224f, 0.225f };

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
  pp->order = channels == 3 ? FM_CHANNEL_ORDER_RGB : FM_CHANNEL_ORDER_GRAY;
  pp->range = FM_VALUE_RANGE_0_1;
  pp->resize = FM_RESIZE_FIT;
  pp->background_auto = TRUE;
  pp->background[0] = pp->background[1] = pp->background[2] = 1.0f;
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

/* ---- names ------------------------------------------------------------ */

static const char * const invert_names[] = { "auto", "yes", "no" };
static const char * const order_names[] = { "gray", "rgb", "bgr" };
static const char * const range_names[] = { "0-1", "0-255", "-1-1" };
static const char * const resize_names[] = { "fit", "stretch", "crop" };

G_STATIC_ASSERT (G_N_ELEMENTS (invert_names) == FM_INVERT_NO + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (order_names) == FM_CHANNEL_ORDER_BGR + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (range_names) == FM_VALUE_RANGE_M1_1 + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (resize_names) == FM_RESIZE_CROP + 1);

static const char *
name_of (const char * const *names,
         guint               n_names,
         int                 value)
{
  return value >= 0 && (guint) value < n_names ? names[value] : NULL;
}

/* @text as an index into @names, else an error that lists them. */
static gboolean
parse_name (const char          *text,
            const char          *what,
            const char * const  *names,
            guint                n_names,
            int                 *value,
            GError             **error)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *shown = NULL;

  g_return_val_if_fail (text != NULL && what != NULL, FALSE);

  for (guint i = 0; i < n_names; i++)
    if (strcmp (text, names[i]) == 0)
      {
        *value = (int) i;
        return TRUE;
      }
  /* The tables have no NULL at the end, so no g_strjoinv(). */
  for (guint i = 0; i < n_names; i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", names[i]);
  /* Whatever the text holds, the message stays short and UTF-8. */
  shown = g_utf8_make_valid (text, MIN (strlen (text), 64));
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               /* Translators: the option or key (“--channels”), the text given, then the
                  accepted names separated by commas. */
               _("%s: '%s' is not one of %s"), what, shown, list->str);
  return FALSE;
}

const char *
fm_preprocess_invert_name (FmInvert invert)
{
  return name_of (invert_names, G_N_ELEMENTS (invert_names), invert);
}

const char *
fm_preprocess_channel_order_name (FmChannelOrder order)
{
  return name_of (order_names, G_N_ELEMENTS (order_names), order);
}

const char *
fm_preprocess_value_range_name (FmValueRange range)
{
  return name_of (range_names, G_N_ELEMENTS (range_names), range);
}

const char *
fm_preprocess_resize_name (FmResize resize)
{
  return name_of (resize_names, G_N_ELEMENTS (resize_names), resize);
}

gboolean
fm_preprocess_parse_channel_order (const char      *text,
                                   const char      *what,
                                   FmChannelOrder  *order,
                                   GError         **error)
{
  int v;

  if (!parse_name (text, what, order_names, G_N_ELEMENTS (order_names), &v, error))
    return FALSE;
  *order = (FmChannelOrder) v;
  return TRUE;
}

gboolean
fm_preprocess_parse_value_range (const char    *text,
                                 const char    *what,
                                 FmValueRange  *range,
                                 GError       **error)
{
  int v;

  if (!parse_name (text, what, range_names, G_N_ELEMENTS (range_names), &v, error))
    return FALSE;
  *range = (FmValueRange) v;
  return TRUE;
}

gboolean
fm_preprocess_parse_resize (const char  *text,
                            const char  *what,
                            FmResize    *resize,
                            GError     **error)
{
  int v;

  if (!parse_name (text, what, resize_names, G_N_ELEMENTS (resize_names), &v, error))
    return FALSE;
  *resize = (FmResize) v;
  return TRUE;
}

gboolean
fm_preprocess_parse_background (const char  *text,
                                const char  *what,
                                gboolean    *is_auto,
                                float        rgb[3],
                                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  float v[3];
  int n = 0;

  g_return_val_if_fail (text != NULL && what != NULL, FALSE);

  if (strcmp (text, "auto") == 0)
    {
      *is_auto = TRUE;
      return TRUE;
    }
  if (strcmp (text, "white") == 0 || strcmp (text, "black") == 0)
    {
      float c = text[0] == 'w' ? 1.0f : 0.0f;

      *is_auto = FALSE;
      rgb[0] = rgb[1] = rgb[2] = c;
      return TRUE;
    }
  if (text[0] == '#')
    {
      if (strlen (text) == 7)
        {
          gboolean hex = TRUE;

          for (int i = 1; i < 7; i++)
            hex = hex && g_ascii_isxdigit (text[i]);
          if (hex)
            {
              for (int i = 0; i < 3; i++)
                rgb[i] = (g_ascii_xdigit_value (text[1 + 2 * i]) * 16
                          + g_ascii_xdigit_value (text[2 + 2 * i])) / 255.0f;
              *is_auto = FALSE;
              return TRUE;
            }
        }
    }
  else if (fm_preprocess_parse_floats (text, what, v, 3, &n, &local_error) && n == 3
           && v[0] >= 0.0f && v[0] <= 1.0f && v[1] >= 0.0f && v[1] <= 1.0f
           && v[2] >= 0.0f && v[2] <= 1.0f)
    {
      /* + 0: -0 is 0, so equal colours have equal bits. */
      for (int i = 0; i < 3; i++)
        rgb[i] = v[i] + 0.0f;
      *is_auto = FALSE;
      return TRUE;
    }

  {
    g_autofree char *shown = g_utf8_make_valid (text, MIN (strlen (text), 64));

    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 /* Translators: the option or key, then the text given. Keep the names. */
                 _("%s: '%s' is not auto, white, black, #rrggbb or R,G,B with values "
                   "from 0 to 1"), what, shown);
  }
  return FALSE;
}

char *
fm_preprocess_background_name (const FmPreprocess *pp)
{
  const float *c = pp->background;
  char d[3][G_ASCII_DTOSTR_BUF_SIZE];
  int bytes[3];
  gboolean exact = TRUE;

  g_return_val_if_fail (pp != NULL, NULL);

  if (pp->background_auto)
    return g_strdup ("auto");
  if (c[0] == 1.0f && c[1] == 1.0f && c[2] == 1.0f)
    return g_strdup ("white");
  if (c[0] == 0.0f && c[1] == 0.0f && c[2] == 0.0f)
    return g_strdup ("black");
  for (int i = 0; i < 3; i++)
    {
      bytes[i] = (int) lroundf (CLAMP (c[i], 0.0f, 1.0f) * 255.0f);
      exact = exact && bytes[i] / 255.0f == c[i];
    }
  if (exact)
    return g_strdup_printf ("#%02x%02x%02x", bytes[0], bytes[1], bytes[2]);
  for (int i = 0; i < 3; i++)
    g_ascii_formatd (d[i], sizeof d[i], "%.9g", c[i]);
  return g_strdup_printf ("%s,%s,%s", d[0], d[1], d[2]);
}

/* ---- background ------------------------------------------------------- */

void
fm_preprocess_set_background (FmPreprocess *pp,
                              gboolean      is_auto,
                              const float   rgb[3])
{
  g_return_if_fail (pp != NULL);
  g_return_if_fail (is_auto || rgb != NULL);

  pp->background_auto = is_auto;
  if (!is_auto)
    memcpy (pp->background, rgb, sizeof pp->background);
}

gboolean
fm_preprocess_background_is_dark (const FmPreprocess *pp)
{
  g_return_val_if_fail (pp != NULL, FALSE);

  if (!pp->background_auto)
    return LUMA (pp->background[0], pp->background[1], pp->background[2]) < 0.5f;
  return pp->background_black;
}

void
fm_preprocess_get_canvas_color (const FmPreprocess *pp,
                                float               rgb[3])
{
  g_return_if_fail (pp != NULL);

  if (!pp->background_auto)
    memcpy (rgb, pp->background, sizeof pp->background);
  else
    rgb[0] = rgb[1] = rgb[2] = pp->background_black ? 0.0f : 1.0f;
}

/* ---- presets ------------------------------------------------------------ */

gboolean
fm_preprocess_apply_preset (FmPreprocess  *pp,
                            const char    *name,
                            GError       **error)
{
  g_return_val_if_fail (pp != NULL && name != NULL, FALSE);

  if (strcmp (name, "imagenet") == 0)
    {
      if (pp->channels != 3)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("The ImageNet preset needs an RGB input; this model's input has "
                         "%d channel(s)"), pp->channels);
          return FALSE;
        }
      memcpy (pp->mean, imagenet_mean, sizeof imagenet_mean);
      memcpy (pp->std, imagenet_std, sizeof imagenet_std);
      pp->n_mean = pp->n_std = 3;
    }
  else if (strcmp (name, "mnist") == 0 || strcmp (name, "none") == 0)
    {
      gboolean mnist = name[0] == 'm';

      pp->mean[0] = mnist ? mnist_mean : 0.0f;
      pp->std[0] = mnist ? mnist_std : 1.0f;
      pp->n_mean = pp->n_std = 1;
    }
  else
    {
      g_autofree char *shown = g_utf8_make_valid (name, MIN (strlen (name), 64));

      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("'%s' is not a preset (mnist, imagenet or none)"), shown);
      return FALSE;
    }
  pp->order = pp->channels == 3 ? FM_CHANNEL_ORDER_RGB : FM_CHANNEL_ORDER_GRAY;
  pp->range = FM_VALUE_RANGE_0_1;
  return TRUE;
}

/* Whether every channel's mean and std are the given ones (per channel
 * when @mean and @std have @n values, else the first for all). */
static gboolean
normalisation_is (const FmPreprocess *pp,
                  const float        *mean,
                  const float        *std,
                  int                 n)
{
  for (int c = 0; c < pp->channels; c++)
    if (_fm_preprocess_mean_of (pp, c) != mean[n > 1 ? c : 0] || _fm_preprocess_std_of (pp, c) != std[n > 1 ? c : 0])
      return FALSE;
  return TRUE;
}

const char *
fm_preprocess_get_preset (const FmPreprocess *pp)
{
  const float zero = 0.0f, one = 1.0f;

  g_return_val_if_fail (pp != NULL, NULL);

  if (pp->range != FM_VALUE_RANGE_0_1
      || pp->order != (pp->channels == 3 ? FM_CHANNEL_ORDER_RGB : FM_CHANNEL_ORDER_GRAY)
      || pp->channels > FM_PREPROCESS_MAX_CHANNELS)
    return NULL;
  if (normalisation_is (pp, &mnist_mean, &mnist_std, 1))
    return "mnist";
  if (pp->channels == 3 && normalisation_is (pp, imagenet_mean, imagenet_std, 3))
    return "imagenet";
  if (normalisation_is (pp, &zero, &one, 1))
    return "none";
  return NULL;
}

/* "0.485/0.456/0.406", or one value when they are all the same. */
static char *
format_values (const FmPreprocess *pp,
               gboolean            std)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean same = TRUE;

  for (int c = 1; c < pp->channels; c++)
    same = same && (std ? _fm_preprocess_std_of (pp, c) == _fm_preprocess_std_of (pp, 0) : _fm_preprocess_mean_of (pp, c) == _fm_preprocess_mean_of (pp, 0));
  for (int c = 0; c < (same ? 1 : pp->channels); c++)
    g_string_append_printf (s, "%s%.4g", c > 0 ? "/" : "",
                            (double) (std ? _fm_preprocess_std_of (pp, c) : _fm_preprocess_mean_of (pp, c)));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
fm_preprocess_describe (const FmPreprocess *pp)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *preset;
  const float zero = 0.0f, one = 1.0f;

  g_return_val_if_fail (pp != NULL, NULL);

  switch (pp->order)
    {
    case FM_CHANNEL_ORDER_GRAY:
      g_ptr_array_add (parts, g_strdup (_("gray")));
      break;
    case FM_CHANNEL_ORDER_RGB:
      g_ptr_array_add (parts, g_strdup (_("RGB")));
      break;
    case FM_CHANNEL_ORDER_BGR:
    default:
      g_ptr_array_add (parts, g_strdup (_("BGR")));
      break;
    }
  switch (pp->range)
    {
    case FM_VALUE_RANGE_0_255:
      g_ptr_array_add (parts, g_strdup (_("0–255")));
      break;
    case FM_VALUE_RANGE_M1_1:
      g_ptr_array_add (parts, g_strdup (_("−1–1")));
      break;
    case FM_VALUE_RANGE_0_1:
    default:
      g_ptr_array_add (parts, g_strdup (_("0–1")));
      break;
    }

  preset = pp->channels <= FM_PREPROCESS_MAX_CHANNELS ? fm_preprocess_get_preset (pp) : NULL;
  if (g_strcmp0 (preset, "imagenet") == 0)
    g_ptr_array_add (parts, g_strdup (_("normalised with ImageNet mean/std")));
  else if (normalisation_is (pp, &zero, &one, 1))
    g_ptr_array_add (parts, g_strdup (_("not normalised")));
  else
    {
      g_autofree char *mean = format_values (pp, FALSE);
      g_autofree char *std = format_values (pp, TRUE);

      g_ptr_array_add (parts, g_strdup_printf (_("normalised with mean %s and std %s"),
                                               mean, std));
    }

  if (pp->resize == FM_RESIZE_STRETCH)
    g_ptr_array_add (parts, g_strdup (_("stretched")));
  else if (pp->resize == FM_RESIZE_CROP)
    g_ptr_array_add (parts, g_strdup (_("centre cropped")));

  if (pp->invert == FM_INVERT_YES)
    g_ptr_array_add (parts, g_strdup (_("inverted")));
  else if (pp->invert == FM_INVERT_AUTO && fm_preprocess_background_is_dark (pp))
    g_ptr_array_add (parts, g_strdup (_("inverted when the picture is dark on light")));
  else
    g_ptr_array_add (parts, g_strdup (_("not inverted")));

  g_ptr_array_add (parts, NULL);
  /* Translators: what separates the parts of the line that describes the preprocessing. */
  return g_strjoinv (_(", "), (char **) parts->pdata);
}

gboolean
fm_preprocess_check (const FmPreprocess  *pp,
                     GError             **error)
{
  g_return_val_if_fail (pp != NULL, FALSE);

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
  for (int i = 0; i < pp->n_mean; i++)
    if (!isfinite (pp->mean[i]))
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("preprocessing: mean value %g is not a finite number"),
                     (double) pp->mean[i]);
        return FALSE;
      }
  for (int i = 0; i < pp->n_std; i++)
    if (!(pp->std[i] > 0.0f) || !isfinite (pp->std[i]))
      {
        /* 0 would divide by zero; a negative std turns the picture over */
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("preprocessing: std value %g is not a positive number"),
                     (double) pp->std[i]);
        return FALSE;
      }
  if (fm_preprocess_channel_order_name (pp->order) == NULL
      || (pp->channels == 1) != (pp->order == FM_CHANNEL_ORDER_GRAY))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   pp->channels == 1
                   ? _("preprocessing: a 1-channel input takes the channel order gray")
                   : _("preprocessing: a 3-channel input takes the channel order rgb or bgr"));
      return FALSE;
    }
  if (fm_preprocess_value_range_name (pp->range) == NULL
      || fm_preprocess_resize_name (pp->resize) == NULL
      || fm_preprocess_invert_name (pp->invert) == NULL)
    {
      g_set_error_literal (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                           _("preprocessing: unknown value range, resize mode or inversion"));
      return FALSE;
    }
  for (int i = 0; i < 3; i++)
    if (!(pp->background[i] >= 0.0f && pp->background[i] <= 1.0f))
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("preprocessing: background value %g is not in [0, 1]"),
                     (double) pp->background[i]);
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
  gboolean channels_last;
  int c_axis, h_axis;

  g_return_val_if_fail (pp != NULL, FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  if (model->n_inputs == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the model has no input to feed a picture to"), model->path);
      return FALSE;
    }
  input = &model->values[model->inputs[0]];
  channels_last = fm_layout_is_channels_last (model, model->inputs[0]);
  /* [1, C, H, W], or [1, H, W, C] for a channels-last input */
  c_axis = channels_last ? 3 : 1;
  h_axis = channels_last ? 1 : 2;
  if (input->dtype != FM_DTYPE_FLOAT || input->shape.rank != 4
      || input->shape.dims[0] != 1
      || (input->shape.dims[c_axis] != 1 && input->shape.dims[c_axis] != 3)
      || input->shape.dims[h_axis] <= 0 || input->shape.dims[h_axis] > G_MAXINT / 4
      || input->shape.dims[h_axis + 1] <= 0 || input->shape.dims[h_axis + 1] > G_MAXINT / 4)
    {
      g_autofree char *s = fm_shape_to_string (&input->shape);
      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   channels_last
                   ? _("%s: input '%s' has shape %s; a picture needs a float "
                       "[1, H, W, C] channels-last input with C = 1 or 3")
                   : _("%s: input '%s' has shape %s; a picture needs a float "
                       "[1, C, H, W] input with C = 1 or 3"),
                   model->path, input->name, s);
      return FALSE;
    }

  fm_preprocess_init (pp, (int) input->shape.dims[c_axis],
                      (int) input->shape.dims[h_axis], (int) input->shape.dims[h_axis + 1]);
  pp->channels_last = channels_last;

  if (!parse_metadata_floats (model, META_MEAN, pp->channels,
                              pp->mean, &pp->n_mean, error)
      || !parse_metadata_floats (model, META_STD, pp->channels,
                                 pp->std, &pp->n_std, error))
    return FALSE;
  for (int i = 0; i < pp->n_std; i++)
    if (!(pp->std[i] > 0.0f))
      {
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                     _("%s: metadata feature_maps.std: %g is not a positive number"),
                     model->path, (double) pp->std[i]);
        return FALSE;
      }

  background = fm_model_get_metadata (model, META_BACKGROUND);
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

gboolean
fm_preprocess_model_has_metadata (const FmModel *model)
{
  static const char *keys[] = { META_MEAN, META_STD, META_BACKGROUND, NULL };

  for (guint i = 0; keys[i] != NULL; i++)
    if (fm_model_get_metadata (model, keys[i]) != NULL)
      return TRUE;
  return FALSE;
}

gboolean
fm_preprocess_is_torchvision_guess (const FmPreprocess *pp,
                                    const FmModel      *model)
{
  return !fm_preprocess_model_has_metadata (model) && pp->channels == 3 && !pp->channels_last
         && model->producer_name != NULL && g_str_equal (model->producer_name, "pytorch");
}

gboolean
fm_preprocess_init_defaults (FmPreprocess   *pp,
                             const FmModel  *model,
                             GError        **error)
{
  if (!fm_preprocess_init_from_model (pp, model, error))
    return FALSE;
  if (fm_preprocess_is_torchvision_guess (pp, model))
    {
      fm_preprocess_apply_preset (pp, "imagenet", NULL);
      pp->resize = FM_RESIZE_CROP;
    }
  return TRUE;
}
