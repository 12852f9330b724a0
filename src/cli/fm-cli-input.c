/* fm-cli-input.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `run` and `export` share to get from MODEL and INPUT on the
 * command line to an executed forward pass (see FmCliInput in fm-cli.h):
 * the --mean, --std, --invert and --threads options and their checks,
 * reading INPUT as a PNG/JPEG or float32 .npy told by its magic bytes,
 * loading the model with the picture's size for symbolic dims, feeding a
 * picture through fm-preprocess (the options overriding the model's
 * metadata) or a .npy as is, and running. It prints nothing itself but
 * through fm_cli_fail() and fm_cli_usage_error(), and does not print
 * results.
 */
#include "config.h"

#include <inttypes.h>

#include "fm-cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fm-npy.h"

void
fm_cli_input_init (FmCliInput *in)
{
  memset (in, 0, sizeof *in);
  in->threads = 1;
}

void
fm_cli_input_clear (FmCliInput *in)
{
  g_clear_pointer (&in->mean, g_free);
  g_clear_pointer (&in->std, g_free);
  g_clear_pointer (&in->invert, g_free);
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
    { "mean", 0, 0, G_OPTION_ARG_STRING, &in->mean,
      N_("Per-channel mean for pictures (overrides the model's metadata)"), N_("M[,M,M]") },
    { "std", 0, 0, G_OPTION_ARG_STRING, &in->std,
      N_("Per-channel standard deviation for pictures"), N_("S[,S,S]") },
    { "invert", 0, 0, G_OPTION_ARG_STRING, &in->invert,
      N_("Invert pictures: auto (default), yes or no"), N_("auto|yes|no") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &in->threads,
      N_("Number of threads of the forward pass (default 1)"), N_("N") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

int
fm_cli_input_check_options (FmCliInput     *in,
                            GOptionContext *context,
                            const char     *subcommand)
{
  g_autoptr(GError) error = NULL;
  float v[FM_PREPROCESS_MAX_CHANNELS];
  int n = 0;
  FmInvert inv;

  if (!fm_cli_set_threads (in->threads))
    return fm_cli_usage_error (context, subcommand, _("--threads must be 1 to 256, not %d"),
                               in->threads);
  /* Flag values are checked before any file is touched. */
  if ((in->mean != NULL && !fm_preprocess_parse_floats (in->mean, "--mean", v,
                                                        FM_PREPROCESS_MAX_CHANNELS, &n, &error))
      || (in->std != NULL && !fm_preprocess_parse_floats (in->std, "--std", v,
                                                          FM_PREPROCESS_MAX_CHANNELS, &n, &error))
      || (in->invert != NULL && !fm_preprocess_parse_invert (in->invert, &inv, &error)))
    return fm_cli_usage_error (context, subcommand, "%s", error->message);
  if (in->std != NULL)
    for (int i = 0; i < n; i++)
      if (v[i] == 0.0f)
        return fm_cli_usage_error (context, subcommand, "%s",
                                   _("--std: a standard deviation of 0 would "
                                     "divide by zero"));
  return FM_CLI_EXIT_OK;
}

static gboolean
read_magic (const char *path,
            guint8     *buf,
            gsize      *len,
            GError    **error)
{
  FILE *f = g_fopen (path, "rb");

  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  *len = fread (buf, 1, 8, f);
  fclose (f);
  return TRUE;
}

static gboolean
load_input (FmCliInput  *in,
            GError     **error)
{
  guint8 magic[8];
  gsize len = 0;

  if (g_file_test (in->input_path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: is a folder, not a picture"),
                   in->input_path);
      return FALSE;
    }
  if (!read_magic (in->input_path, magic, &len, error))
    return FALSE;

  if (fm_npy_has_magic (magic, len))
    {
      in->input_is_npy = TRUE;
      in->npy = fm_npy_read (in->input_path, &in->npy_shape, 0, error);
      return in->npy != NULL;
    }
  if (fm_image_has_magic (magic, len))
    {
      in->image = fm_image_load (in->input_path, 0, error);
      return in->image != NULL;
    }
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               _("%s: not a PNG, JPEG or .npy file"), in->input_path);
  return FALSE;
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
    {
      if (input->dtype != FM_DTYPE_FLOAT || !fm_shape_equal (&input->shape, &in->npy_shape))
        {
          g_autofree char *want = fm_shape_to_string (&input->shape);
          g_autofree char *got = fm_shape_to_string (&in->npy_shape);

          g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                       _("%s: the tensor has shape %s but the model input “%s” "
                         "is a %s tensor of shape %s"),
                       in->input_path, got, input->name,
                       fm_dtype_name (input->dtype), want);
          return FALSE;
        }
      memcpy (dest, in->npy, input->numel * sizeof (float));
      return TRUE;
    }
  else
    {
      FmPreprocess pp;
      g_autoptr(GError) local_error = NULL;

      if (!fm_preprocess_init_from_model (&pp, model, error))
        return FALSE;
      if (in->mean != NULL
          && !fm_preprocess_parse_floats (in->mean, "--mean", pp.mean,
                                          FM_PREPROCESS_MAX_CHANNELS, &pp.n_mean, error))
        return FALSE;
      if (in->std != NULL
          && !fm_preprocess_parse_floats (in->std, "--std", pp.std,
                                          FM_PREPROCESS_MAX_CHANNELS, &pp.n_std, error))
        return FALSE;
      if (in->invert != NULL && !fm_preprocess_parse_invert (in->invert, &pp.invert, error))
        return FALSE;
      in->inverted = fm_preprocess_will_invert (&pp, in->image);
      if (!fm_preprocess_image (&pp, in->image, dest, &local_error))
        {
          g_set_error (error, FM_ERROR, local_error->code, "%s: %s",
                       in->input_path, local_error->message);
          return FALSE;
        }
      return TRUE;
    }
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

  in->model_arg = model_arg;
  in->input_path = input_path;

  /* The input first: its size fills in symbolic spatial dims. */
  if (!load_input (in, &error))
    return fm_cli_fail (error);

  fm_model_options_init (&options);
  if (in->image != NULL)
    {
      options.default_height = in->image->height;
      options.default_width = in->image->width;
    }
  else if (in->npy_shape.rank == 4)
    {
      options.default_height = in->npy_shape.dims[2];
      options.default_width = in->npy_shape.dims[3];
    }
  in->model = fm_cli_load_model (model_arg, &options, &error);
  if (in->model == NULL)
    return fm_cli_fail (error);

  /* --mean and --std must fit the model's channels: a usage error. */
  if (in->image != NULL && in->model->n_inputs > 0)
    {
      const FmValue *v = &in->model->values[in->model->inputs[0]];
      gint64 channels = v->shape.rank == 4 ? v->shape.dims[1] : 0;
      const char *flags[2] = { in->mean, in->std };
      const char *names[2] = { "--mean", "--std" };

      for (int f = 0; f < 2 && channels > 0; f++)
        {
          float vals[FM_PREPROCESS_MAX_CHANNELS];
          int n = 0;

          if (flags[f] == NULL)
            continue;
          fm_preprocess_parse_floats (flags[f], names[f], vals,
                                      FM_PREPROCESS_MAX_CHANNELS, &n, NULL);
          if (n != 1 && n != channels)
            return fm_cli_usage_error (context, subcommand,
                                       _("%s has %d values but the model input has "
                                         "%" PRId64 " channels (give 1, or "
                                         "one per channel)"),
                                       names[f], n, channels);
        }
    }
  in->run = fm_run_new (in->model, &error);
  if (in->run == NULL)
    return fm_cli_fail (error);
  fm_run_set_threads (in->run, (guint) in->threads);
  if (!feed_input (in, &error) || !fm_run_execute (in->run, NULL, &error))
    return fm_cli_fail (error);
  return FM_CLI_EXIT_OK;
}
