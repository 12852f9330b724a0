/* fm-cli-input.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `run`, `export` and `bench` share to get from MODEL and INPUT to
 * a fed run (fm_cli_read_input, FmCliInput in fm-cli.h: INPUT told by its
 * magic bytes, the picture's size for symbolic dims, the picture through
 * fm-preprocess or the .npy as is), and the preprocessing flags `scan`
 * shares too (fm-cli-input.h). It prints only through fm_cli_fail() and
 * fm_cli_usage_error().
 */
#include "config.h"

#include "fm-cli.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fm-file.h"
#include "fm-npy.h"

/* ---- the preprocessing flags ------------------------------------------- */

void
fm_cli_preprocess_flags_clear (FmCliPreprocessFlags *flags)
{
  g_clear_pointer (&flags->mean, g_free);
  g_clear_pointer (&flags->std, g_free);
  g_clear_pointer (&flags->invert, g_free);
  g_clear_pointer (&flags->channels, g_free);
  g_clear_pointer (&flags->range, g_free);
  g_clear_pointer (&flags->resize, g_free);
  g_clear_pointer (&flags->background, g_free);
}

void
fm_cli_preprocess_flags_add_options (FmCliPreprocessFlags *flags,
                                     GOptionContext       *context,
                                     const char           *invert_help)
{
  const GOptionEntry entries[] = {
    { "mean", 0, 0, G_OPTION_ARG_STRING, &flags->mean,
      N_("Per-channel mean for pictures (overrides the model's metadata)"), N_("M[,M,M]") },
    { "std", 0, 0, G_OPTION_ARG_STRING, &flags->std,
      N_("Per-channel standard deviation for pictures"), N_("S[,S,S]") },
    { "invert", 0, 0, G_OPTION_ARG_STRING, &flags->invert,
      invert_help != NULL ? invert_help : N_("Invert pictures: auto (default), yes or no"),
      N_("auto|yes|no") },
    { "channels", 0, 0, G_OPTION_ARG_STRING, &flags->channels,
      N_("The model's channel order: gray (1 channel), rgb (default for 3) or bgr"),
      N_("gray|rgb|bgr") },
    { "input-range", 0, 0, G_OPTION_ARG_STRING, &flags->range,
      N_("What the picture's [0, 1] becomes before the mean and std (default 0-1)"),
      N_("0-1|0-255|-1-1") },
    { "resize", 0, 0, G_OPTION_ARG_STRING, &flags->resize,
      N_("Fit keeping the aspect ratio, stretch, or crop the centre (default: crop for a "
         "PyTorch model of colour pictures without our metadata, else fit)"),
      N_("fit|stretch|crop") },
    { "background", 0, 0, G_OPTION_ARG_STRING, &flags->background,
      N_("Letterbox colour: auto (the picture's border, default), white, black, "
         "#rrggbb or R,G,B in [0, 1]"), N_("COLOUR") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

/* Parses the flags given into @pp, over what it holds; FALSE with the
 * error of the first bad value, which names its flag. */
static gboolean
parse_flags (const FmCliPreprocessFlags *flags,
             FmPreprocess               *pp,
             GError                    **error)
{
  gboolean is_auto = FALSE;
  float rgb[3];

  if ((flags->mean != NULL
       && !fm_preprocess_parse_floats (flags->mean, "--mean", pp->mean,
                                       FM_PREPROCESS_MAX_CHANNELS, &pp->n_mean, error))
      || (flags->invert != NULL && !fm_preprocess_parse_invert (flags->invert, &pp->invert, error))
      || (flags->channels != NULL
          && !fm_preprocess_parse_channel_order (flags->channels, "--channels", &pp->order,
                                                 error))
      || (flags->range != NULL
          && !fm_preprocess_parse_value_range (flags->range, "--input-range", &pp->range, error))
      || (flags->resize != NULL
          && !fm_preprocess_parse_resize (flags->resize, "--resize", &pp->resize, error))
      || (flags->background != NULL
          && !fm_preprocess_parse_background (flags->background, "--background", &is_auto,
                                              rgb, error))
      || (flags->std != NULL
          && !fm_preprocess_parse_floats (flags->std, "--std", pp->std,
                                          FM_PREPROCESS_MAX_CHANNELS, &pp->n_std, error)))
    return FALSE;
  if (flags->background != NULL)
    fm_preprocess_set_background (pp, is_auto, rgb);
  return TRUE;
}

int
fm_cli_preprocess_flags_check (const FmCliPreprocessFlags *flags,
                               GOptionContext             *context,
                               const char                 *subcommand)
{
  g_autoptr(GError) error = NULL;
  FmPreprocess scratch;

  /* The values alone: parsed over the settings of no model in particular. */
  fm_preprocess_init (&scratch, 1, 1, 1);
  if (!parse_flags (flags, &scratch, &error))
    return fm_cli_usage_error (context, subcommand, "%s", error->message);
  for (int i = 0; flags->std != NULL && i < scratch.n_std; i++)
    if (scratch.std[i] == 0.0f)
      return fm_cli_usage_error (context, subcommand, "%s",
                                 _("--std: a standard deviation of 0 would "
                                   "divide by zero"));
    else if (!(scratch.std[i] > 0.0f))
      /* Translators: a negative standard deviation would turn the picture
       * over (dark becomes light) */
      return fm_cli_usage_error (context, subcommand,
                                 _("--std: %g is not a positive number"),
                                 (double) scratch.std[i]);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_preprocess_flags_apply (const FmCliPreprocessFlags *flags,
                               GOptionContext             *context,
                               const char                 *subcommand,
                               const FmModel              *model,
                               FmPreprocess               *pp)
{
  g_autoptr(GError) error = NULL;
  const char *texts[2] = { flags->mean, flags->std };
  const char *names[2] = { "--mean", "--std" };

  if (!fm_preprocess_init_defaults (pp, model, &error))
    return fm_cli_fail (error);
  /* The values were checked by fm_cli_preprocess_flags_check (). */
  if (!parse_flags (flags, pp, &error))
    return fm_cli_usage_error (context, subcommand, "%s", error->message);
  for (int f = 0; f < 2; f++)
    {
      int n = f == 0 ? pp->n_mean : pp->n_std;

      if (texts[f] != NULL && n != 1 && n != pp->channels)
        return fm_cli_usage_error (context, subcommand,
                                   _("%s has %d values but the model input has %d channels "
                                     "(give 1, or one per channel)"),
                                   names[f], n, pp->channels);
    }
  if ((pp->channels == 1) != (pp->order == FM_CHANNEL_ORDER_GRAY))
    return fm_cli_usage_error (context, subcommand,
                               pp->channels == 1
                               ? _("--channels: the model input has 1 channel; use gray")
                               : _("--channels: the model input has 3 channels; use rgb or bgr"));
  return FM_CLI_EXIT_OK;
}

/* ---- MODEL INPUT to an executed run ------------------------------------- */

void
fm_cli_input_init (FmCliInput *in)
{
  memset (in, 0, sizeof *in);
  in->threads = 1;
}

void
fm_cli_input_clear (FmCliInput *in)
{
  fm_cli_preprocess_flags_clear (&in->preprocess);
  g_clear_pointer (&in->image, fm_image_free);
  g_clear_pointer (&in->npy, g_free);
  g_clear_pointer (&in->run, fm_run_free);
  g_clear_pointer (&in->model, fm_model_unref);
}

void
fm_cli_input_add_options (FmCliInput     *in,
                          GOptionContext *context)
{
  const GOptionEntry entries[] = {
    { "threads", 0, 0, G_OPTION_ARG_INT, &in->threads,
      N_("Number of threads of the forward pass (default 1)"), N_("N") },
    { NULL }
  };

  fm_cli_preprocess_flags_add_options (&in->preprocess, context, NULL);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

int
fm_cli_input_parse (FmCliInput      *in,
                    GOptionContext  *context,
                    const char      *subcommand,
                    int             *argc,
                    char          ***argv)
{
  static const char *const missing[] = { N_("missing MODEL and INPUT"), N_("missing INPUT"),
                                         NULL };

  fm_cli_input_add_options (in, context);
  return fm_cli_parse_arguments (context, subcommand, argc, argv, missing, 2);
}

static int
check_options (FmCliInput     *in,
               GOptionContext *context,
               const char     *subcommand)
{
  if (!fm_cli_threads_valid (in->threads))
    return fm_cli_usage_error (context, subcommand, _("--threads must be 1 to 256, not %d"),
                               in->threads);
  /* Flag values are checked before any file is touched. */
  return fm_cli_preprocess_flags_check (&in->preprocess, context, subcommand);
}

gboolean
fm_cli_read_input (const char  *path,
                   FmImage    **image,
                   float      **npy,
                   FmShape     *npy_shape,
                   GError     **error)
{
  guint8 magic[8];
  gsize len = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: is a folder, not a picture"), path);
      return FALSE;
    }
  if (!fm_file_read_head (path, magic, sizeof magic, &len, error))
    return FALSE;

  if (fm_npy_has_magic (magic, len))
    {
      gsize numel = 0;

      *npy = fm_npy_read (path, npy_shape, 0, error);
      if (*npy == NULL)
        return FALSE;
      /* A NaN or an infinity would run through the model unseen (a
       * Relu or a MaxPool may hide it) and end in a made-up prediction. */
      fm_shape_numel (npy_shape, G_MAXSIZE, &numel);
      for (gsize i = 0; i < numel; i++)
        if (!isfinite ((*npy)[i]))
          {
            g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                         isnan ((*npy)[i])
                         ? _("%s: element %lu is NaN; an input must hold finite numbers")
                         : _("%s: element %lu is infinite; an input must hold finite numbers"),
                         path, (unsigned long) i);
            g_clear_pointer (npy, g_free);
            return FALSE;
          }
      return TRUE;
    }
  if (fm_image_has_magic (magic, len))
    {
      *image = fm_image_load (path, 0, error);
      return *image != NULL;
    }
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               _("%s: not a PNG, JPEG or .npy file"), path);
  return FALSE;
}

void
fm_cli_input_size_options (const FmImage  *image,
                           const FmShape  *npy_shape,
                           FmModelOptions *options)
{
  if (image != NULL)
    {
      options->default_height = image->height;
      options->default_width = image->width;
    }
  else if (npy_shape != NULL && npy_shape->rank == 4)
    {
      options->default_height = npy_shape->dims[2];
      options->default_width = npy_shape->dims[3];
    }
}

gboolean
fm_cli_feed_npy (const FmValue  *input,
                 gpointer        dest,
                 const char     *path,
                 const float    *npy,
                 const FmShape  *npy_shape,
                 GError        **error)
{
  if (input->dtype != FM_DTYPE_FLOAT || !fm_shape_equal (&input->shape, npy_shape))
    {
      g_autofree char *want = fm_shape_to_string (&input->shape);
      g_autofree char *got = fm_shape_to_string (npy_shape);

      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   _("%s: the tensor has shape %s but the model input “%s” "
                     "is a %s tensor of shape %s"),
                   path, got, input->name, fm_dtype_name (input->dtype), want);
      return FALSE;
    }
  memcpy (dest, npy, input->numel * sizeof (float));
  return TRUE;
}

gboolean
fm_cli_feed_image (const FmPreprocess  *pp,
                   const FmImage       *image,
                   float               *dest,
                   const char          *path,
                   GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!fm_preprocess_image (pp, image, dest, &local_error))
    {
      g_set_error (error, FM_ERROR, local_error->code, "%s: %s",
                   path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
feed_input (FmCliInput  *in,
            GError     **error)
{
  const FmModel *model = in->model;
  const FmValue *input;
  float *dest;

  if (model->n_inputs != 1)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the model has %u inputs; run feeds models with one input"),
                   model->path, model->n_inputs);
      return FALSE;
    }
  input = &model->values[model->inputs[0]];
  dest = fm_run_input_data (in->run, 0);

  if (in->input_is_npy)
    return fm_cli_feed_npy (input, dest, in->input_path, in->npy, &in->npy_shape, error);
  in->inverted = fm_preprocess_will_invert (&in->pp, in->image);
  return fm_cli_feed_image (&in->pp, in->image, dest, in->input_path, error);
}

int
fm_cli_input_run (FmCliInput     *in,
                  GOptionContext *context,
                  const char     *subcommand,
                  const char     *model_arg,
                  const char     *input_path)
{
  g_autoptr(GError) error = NULL;
  FmModelOptions options;
  int status;

  status = check_options (in, context, subcommand);
  if (status != FM_CLI_EXIT_OK)
    return status;
  in->model_arg = model_arg;
  in->input_path = input_path;

  /* The input first: its size fills in symbolic spatial dims. */
  if (!fm_cli_read_input (input_path, &in->image, &in->npy, &in->npy_shape, &error))
    return fm_cli_fail (error);
  in->input_is_npy = in->npy != NULL;

  fm_model_options_init (&options);
  fm_cli_input_size_options (in->image, &in->npy_shape, &options);
  in->model = fm_cli_load_model (model_arg, &options, &error);
  if (in->model == NULL)
    return fm_cli_fail (error);

  /* The preprocessing flags must fit the model's channels: a usage error.
   * A model with another number of inputs is refused when fed. */
  if (in->image != NULL && in->model->n_inputs == 1)
    {
      status = fm_cli_preprocess_flags_apply (&in->preprocess, context, subcommand, in->model,
                                              &in->pp);
      if (status != FM_CLI_EXIT_OK)
        return status;
    }
  in->run = fm_run_new (in->model, &error);
  if (in->run == NULL)
    return fm_cli_fail (error);
  fm_run_set_threads (in->run, (guint) in->threads);
  if (!feed_input (in, &error) || !fm_run_execute (in->run, NULL, &error))
    return fm_cli_fail (error);
  return FM_CLI_EXIT_OK;
}
