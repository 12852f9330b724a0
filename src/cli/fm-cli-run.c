/* fm-cli-run.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps run MODEL INPUT`: one forward pass. INPUT is a PNG or
 * JPEG, preprocessed for the model (fm-preprocess.c, with --mean, --std
 * and --invert overriding the model's metadata), or a float32 .npy of
 * exactly the model's input shape, used as is. Prints the top 5 classes
 * of the first graph output (softmax applied unless it already is a
 * probability vector) and, for each feature-map layer, which channels
 * are entirely zero ("dead" for this input). --dump writes every
 * activation as .npy with a manifest. The format is told by magic bytes.
 * It does not batch, and feeds only models with a single input.
 */
#include "config.h"

#include "fm-cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fm-image.h"
#include "fm-model.h"
#include "fm-npy.h"
#include "fm-predict.h"
#include "fm-preprocess.h"
#include "fm-run.h"

#define TOP_K 5

typedef struct
{
  /* options */
  gboolean   json;
  char      *dump_dir;
  char      *mean;
  char      *std;
  char      *invert;
  int        threads;
  /* state */
  const char *model_arg;
  const char *input_path;
  gboolean   input_is_npy;
  FmImage   *image;
  float     *npy;         /* as read, numel(npy_shape) */
  FmShape    npy_shape;
  FmModel   *model;
  FmRun     *run;
  gboolean   inverted;
  FmPrediction prediction;
} RunState;

static void
run_state_clear (RunState *s)
{
  g_free (s->dump_dir);
  g_free (s->mean);
  g_free (s->std);
  g_free (s->invert);
  g_clear_pointer (&s->image, fm_image_free);
  g_clear_pointer (&s->npy, g_free);
  g_clear_pointer (&s->run, fm_run_free);
  g_clear_pointer (&s->model, fm_model_unref);
}

/* ---- input ------------------------------------------------------------ */

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
load_input (RunState  *s,
            GError   **error)
{
  guint8 magic[8];
  gsize len = 0;

  if (g_file_test (s->input_path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: is a folder, not a picture"),
                   s->input_path);
      return FALSE;
    }
  if (!read_magic (s->input_path, magic, &len, error))
    return FALSE;

  if (fm_npy_has_magic (magic, len))
    {
      s->input_is_npy = TRUE;
      s->npy = fm_npy_read (s->input_path, &s->npy_shape, 0, error);
      return s->npy != NULL;
    }
  if (fm_image_has_magic (magic, len))
    {
      s->image = fm_image_load (s->input_path, 0, error);
      return s->image != NULL;
    }
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               _("%s: not a PNG, JPEG or .npy file"), s->input_path);
  return FALSE;
}

static gboolean
feed_input (RunState  *s,
            GError   **error)
{
  const FmModel *model = s->model;
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
  dest = fm_run_input_data (s->run, 0);

  if (s->input_is_npy)
    {
      if (input->dtype != FM_DTYPE_FLOAT || !fm_shape_equal (&input->shape, &s->npy_shape))
        {
          g_autofree char *want = fm_shape_to_string (&input->shape);
          g_autofree char *got = fm_shape_to_string (&s->npy_shape);

          g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                       _("%s: the tensor has shape %s but the model input “%s” "
                         "is a %s tensor of shape %s"),
                       s->input_path, got, input->name,
                       fm_dtype_name (input->dtype), want);
          return FALSE;
        }
      memcpy (dest, s->npy, input->numel * sizeof (float));
      return TRUE;
    }
  else
    {
      FmPreprocess pp;
      g_autoptr(GError) local_error = NULL;

      if (!fm_preprocess_init_from_model (&pp, model, error))
        return FALSE;
      if (s->mean != NULL
          && !fm_preprocess_parse_floats (s->mean, "--mean", pp.mean,
                                          FM_PREPROCESS_MAX_CHANNELS, &pp.n_mean, error))
        return FALSE;
      if (s->std != NULL
          && !fm_preprocess_parse_floats (s->std, "--std", pp.std,
                                          FM_PREPROCESS_MAX_CHANNELS, &pp.n_std, error))
        return FALSE;
      if (s->invert != NULL && !fm_preprocess_parse_invert (s->invert, &pp.invert, error))
        return FALSE;
      s->inverted = fm_preprocess_will_invert (&pp, s->image);
      if (!fm_preprocess_image (&pp, s->image, dest, &local_error))
        {
          g_set_error (error, FM_ERROR, local_error->code, "%s: %s",
                       s->input_path, local_error->message);
          return FALSE;
        }
      return TRUE;
    }
}

/* ---- prediction ------------------------------------------------------- */

/* Channels of a [N, C, H, W] activation that are 0 everywhere. */
static GArray *
zero_channels (RunState *s,
               int       id)
{
  const FmValue *v = &s->model->values[id];
  const float *x = fm_run_value_data (s->run, id);
  gint64 N = v->shape.dims[0], C = v->shape.dims[1];
  gsize plane = (gsize) (v->shape.dims[2] * v->shape.dims[3]);
  GArray *zeros = g_array_new (FALSE, FALSE, sizeof (int));

  for (gint64 c = 0; c < C; c++)
    {
      gboolean zero = TRUE;

      for (gint64 n = 0; n < N && zero; n++)
        {
          const float *p = x + ((gsize) n * C + c) * plane;

          for (gsize i = 0; i < plane; i++)
            if (p[i] != 0.0f)
              {
                zero = FALSE;
                break;
              }
        }
      if (zero)
        {
          int ci = (int) c;
          g_array_append_val (zeros, ci);
        }
    }
  return zeros;
}

/* ---- dump ------------------------------------------------------------- */

/* Tensor name -> file name: chars outside [A-Za-z0-9._-] become '_', then
 * _2, _3... until unique (ignoring case, for case-insensitive disks). */
static char *
dump_file_name (const char *tensor,
                GHashTable *used)
{
  g_autoptr(GString) base = g_string_new (NULL);
  char *name;

  for (const char *p = tensor; *p != '\0' && base->len < 200; p++)
    {
      char c = *p;
      g_string_append_c (base, (g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-')
                                 ? c : '_');
    }
  if (base->len == 0)
    g_string_assign (base, "tensor");

  name = g_strdup_printf ("%s.npy", base->str);
  for (int k = 2; ; k++)
    {
      g_autofree char *key = g_ascii_strdown (name, -1);

      if (!g_hash_table_contains (used, key))
        {
          g_hash_table_add (used, g_steal_pointer (&key));
          return name;
        }
      g_free (name);
      name = g_strdup_printf ("%s_%d.npy", base->str, k);
    }
}

static gboolean
dump (RunState  *s,
      GError   **error)
{
  const FmModel *model = s->model;
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *input_file = NULL;
  const FmValue *input = &model->values[model->inputs[0]];

  if (g_mkdir_with_parents (s->dump_dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot create the folder: %s"),
                   s->dump_dir, g_strerror (saved));
      return FALSE;
    }

  json_builder_begin_object (b);

  g_hash_table_add (used, g_strdup ("input.npy"));
  g_hash_table_add (used, g_strdup ("manifest.json"));
  input_file = g_build_filename (s->dump_dir, "input.npy", NULL);
  if (!fm_npy_write (input_file, &input->shape, fm_run_input_data (s->run, 0), error))
    return FALSE;
  json_builder_set_member_name (b, "input");
  json_builder_add_string_value (b, "input.npy");

  json_builder_set_member_name (b, "tensors");
  json_builder_begin_array (b);
  for (guint k = 0; k < model->n_plan; k++)
    {
      const FmNode *node = &model->nodes[model->plan[k]];

      for (guint o = 0; o < node->n_outputs; o++)
        {
          int id = node->outputs[o];
          const FmValue *v;
          g_autofree char *file = NULL;
          g_autofree char *path = NULL;

          if (id < 0)
            continue;
          v = &model->values[id];
          if (v->kind != FM_VALUE_ACTIVATION || v->dtype != FM_DTYPE_FLOAT)
            continue;

          file = dump_file_name (v->name, used);
          path = g_build_filename (s->dump_dir, file, NULL);
          if (!fm_npy_write (path, &v->shape, fm_run_value_data (s->run, id), error))
            return FALSE;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, v->name);
          json_builder_set_member_name (b, "file");
          json_builder_add_string_value (b, file);
          json_builder_set_member_name (b, "op");
          json_builder_add_string_value (b, fm_op_type_name (node->op));
          json_builder_set_member_name (b, "node");
          json_builder_add_string_value (b, node->name);
          json_builder_set_member_name (b, "shape");
          json_builder_add_value (b, fm_cli_shape_to_json (&v->shape));
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  manifest = g_build_filename (s->dump_dir, "manifest.json", NULL);
  if (!json_generator_to_file (gen, manifest, &local_error))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot write: %s"),
                   manifest, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- output ----------------------------------------------------------- */

static void
print_json (RunState *s)
{
  const FmModel *model = s->model;
  const FmValue *input = &model->values[model->inputs[0]];
  g_auto(GStrv) labels = fm_model_dup_labels (model);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model->path);

  json_builder_set_member_name (b, "input");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, s->input_path);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, input->name);
  json_builder_set_member_name (b, "shape");
  json_builder_add_value (b, fm_cli_shape_to_json (&input->shape));
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, s->input_is_npy ? "npy" : "image");
  json_builder_set_member_name (b, "inverted");
  json_builder_add_boolean_value (b, s->inverted);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "prediction");
  if (s->prediction.n_top == 0)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "output");
      json_builder_add_string_value (b, model->values[s->prediction.output_id].name);
      json_builder_set_member_name (b, "softmax_applied");
      json_builder_add_boolean_value (b, s->prediction.softmax_applied);
      json_builder_set_member_name (b, "top");
      json_builder_begin_array (b);
      for (guint k = 0; k < s->prediction.n_top; k++)
        {
          const char *label = fm_labels_get (labels, s->prediction.index[k]);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "index");
          json_builder_add_int_value (b, s->prediction.index[k]);
          json_builder_set_member_name (b, "label");
          if (label != NULL)
            json_builder_add_string_value (b, label);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "probability");
          json_builder_add_double_value (b, s->prediction.probability[k]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint k = 0; k < model->n_plan; k++)
    {
      const FmNode *node = &model->nodes[model->plan[k]];

      for (guint o = 0; o < node->n_outputs; o++)
        {
          int id = node->outputs[o];
          g_autoptr(GArray) zeros = NULL;

          if (!fm_model_is_feature_map (model, id))
            continue;
          zeros = zero_channels (s, id);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, model->values[id].name);
          json_builder_set_member_name (b, "op");
          json_builder_add_string_value (b, fm_op_type_name (node->op));
          json_builder_set_member_name (b, "shape");
          json_builder_add_value (b, fm_cli_shape_to_json (&model->values[id].shape));
          json_builder_set_member_name (b, "channels");
          json_builder_add_int_value (b, model->values[id].shape.dims[1]);
          json_builder_set_member_name (b, "zero_channels");
          json_builder_begin_array (b);
          for (guint i = 0; i < zeros->len; i++)
            json_builder_add_int_value (b, g_array_index (zeros, int, i));
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  fm_cli_print_json (root);
}

static void
print_text (RunState *s)
{
  const FmModel *model = s->model;
  const FmValue *input = &model->values[model->inputs[0]];
  g_auto(GStrv) labels = fm_model_dup_labels (model);
  g_autofree char *in_shape = fm_shape_to_string (&input->shape);

  g_print ("%-8s %s\n", _("Model:"), model->path);
  g_print ("%-8s %s -> “%s” %s%s\n", _("Input:"), s->input_path, input->name, in_shape,
           s->inverted ? _(" (inverted)") : "");

  if (s->prediction.n_top > 0)
    {
      g_print ("\n");
      if (s->prediction.softmax_applied)
        g_print (_("Prediction (output “%s”, softmax applied):\n"),
                 model->values[s->prediction.output_id].name);
      else
        g_print (_("Prediction (output “%s”):\n"), model->values[s->prediction.output_id].name);
      for (guint k = 0; k < s->prediction.n_top; k++)
        {
          const char *label = fm_labels_get (labels, s->prediction.index[k]);

          g_print ("  %u. %-6u %-16s %7.3f %%\n", k + 1, s->prediction.index[k],
                   label ? label : "", 100.0 * s->prediction.probability[k]);
        }
    }

  g_print ("\n%s\n", _("Feature-map layers:"));
  for (guint k = 0; k < model->n_plan; k++)
    {
      const FmNode *node = &model->nodes[model->plan[k]];

      for (guint o = 0; o < node->n_outputs; o++)
        {
          int id = node->outputs[o];
          g_autoptr(GArray) zeros = NULL;
          g_autofree char *shape = NULL;
          g_autoptr(GString) list = NULL;

          if (!fm_model_is_feature_map (model, id))
            continue;
          zeros = zero_channels (s, id);
          shape = fm_shape_to_string (&model->values[id].shape);
          list = g_string_new (NULL);
          for (guint i = 0; i < zeros->len; i++)
            g_string_append_printf (list, "%s%d", i > 0 ? ", " : "",
                                    g_array_index (zeros, int, i));
          g_print ("  %-24s %-18s %-18s ", model->values[id].name,
                   fm_op_type_name (node->op), shape);
          g_print (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " channel",
                                "%" G_GINT64_FORMAT " channels",
                                (gulong) model->values[id].shape.dims[1]),
                   model->values[id].shape.dims[1]);
          if (zeros->len > 0)
            g_print (_(", all zero: %s"), list->str);
          g_print ("\n");
        }
    }
  if (s->dump_dir != NULL)
    g_print ("\n%s %s\n", _("Activations written to"), s->dump_dir);
}

int
fm_cli_run (int    argc,
            char **argv)
{
  RunState s = { 0 };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &s.json,
      N_("Print one JSON object instead of text"), NULL },
    { "dump", 0, 0, G_OPTION_ARG_FILENAME, &s.dump_dir,
      N_("Write every activation as .npy and a manifest.json into DIR"), N_("DIR") },
    { "mean", 0, 0, G_OPTION_ARG_STRING, &s.mean,
      N_("Per-channel mean for pictures (overrides the model's metadata)"), N_("M[,M,M]") },
    { "std", 0, 0, G_OPTION_ARG_STRING, &s.std,
      N_("Per-channel standard deviation for pictures"), N_("S[,S,S]") },
    { "invert", 0, 0, G_OPTION_ARG_STRING, &s.invert,
      N_("Invert pictures: auto (default), yes or no"), N_("auto|yes|no") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &s.threads,
      N_("Number of BLAS threads (default 1)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  FmModelOptions options;
  int status = FM_CLI_EXIT_OK;

  s.threads = 1;
  context = fm_cli_option_context_new ("run", _("MODEL INPUT"),
                                       _("Run MODEL (an .onnx file or a bundled model name) "
                                         "on INPUT (a PNG or JPEG picture, or a float32 .npy "
                                         "of exactly the model's input shape).\n"
                                         "--mean, --std and --invert apply to pictures only."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = fm_cli_usage_error (context, "run", "%s", error->message);
      goto out;
    }
  if (argc < 3)
    {
      status = fm_cli_usage_error (context, "run", "%s",
                                   argc < 2 ? _("missing MODEL and INPUT") : _("missing INPUT"));
      goto out;
    }
  if (argc > 3)
    {
      status = fm_cli_usage_error (context, "run", _("unexpected argument “%s”"), argv[3]);
      goto out;
    }
  if (!fm_cli_set_threads (s.threads))
    {
      status = fm_cli_usage_error (context, "run", _("--threads must be 1 to 256, not %d"),
                                   s.threads);
      goto out;
    }
  /* Flag values are checked before any file is touched. */
  {
    float v[FM_PREPROCESS_MAX_CHANNELS];
    int n;
    FmInvert inv;

    if ((s.mean != NULL && !fm_preprocess_parse_floats (s.mean, "--mean", v,
                                                        FM_PREPROCESS_MAX_CHANNELS, &n, &error))
        || (s.std != NULL && !fm_preprocess_parse_floats (s.std, "--std", v,
                                                          FM_PREPROCESS_MAX_CHANNELS, &n, &error))
        || (s.invert != NULL && !fm_preprocess_parse_invert (s.invert, &inv, &error)))
      {
        status = fm_cli_usage_error (context, "run", "%s", error->message);
        goto out;
      }
    if (s.std != NULL)
      for (int i = 0; i < n; i++)
        if (v[i] == 0.0f)
          {
            status = fm_cli_usage_error (context, "run", "%s",
                                         _("--std: a standard deviation of 0 would "
                                           "divide by zero"));
            goto out;
          }
  }
  s.model_arg = argv[1];
  s.input_path = argv[2];

  /* The input first: its size fills in symbolic spatial dims. */
  if (!load_input (&s, &error))
    goto fail;

  fm_model_options_init (&options);
  if (s.image != NULL)
    {
      options.default_height = s.image->height;
      options.default_width = s.image->width;
    }
  else if (s.npy_shape.rank == 4)
    {
      options.default_height = s.npy_shape.dims[2];
      options.default_width = s.npy_shape.dims[3];
    }
  s.model = fm_cli_load_model (s.model_arg, &options, &error);
  if (s.model == NULL)
    goto fail;

  /* --mean and --std must fit the model's channels: a usage error. */
  if (s.image != NULL && s.model->n_inputs > 0)
    {
      const FmValue *in = &s.model->values[s.model->inputs[0]];
      gint64 channels = in->shape.rank == 4 ? in->shape.dims[1] : 0;
      const char *flags[2] = { s.mean, s.std };
      const char *names[2] = { "--mean", "--std" };

      for (int f = 0; f < 2 && channels > 0; f++)
        {
          float v[FM_PREPROCESS_MAX_CHANNELS];
          int n = 0;

          if (flags[f] == NULL)
            continue;
          fm_preprocess_parse_floats (flags[f], names[f], v,
                                      FM_PREPROCESS_MAX_CHANNELS, &n, NULL);
          if (n != 1 && n != channels)
            {
              status = fm_cli_usage_error (context, "run",
                                           _("%s has %d values but the model input has "
                                             "%" G_GINT64_FORMAT " channels (give 1, or "
                                             "one per channel)"),
                                           names[f], n, channels);
              goto out;
            }
        }
    }
  s.run = fm_run_new (s.model, &error);
  if (s.run == NULL || !feed_input (&s, &error) || !fm_run_execute (s.run, NULL, &error))
    goto fail;

  fm_predict (s.model, s.run, TOP_K, &s.prediction);
  if (s.dump_dir != NULL && !dump (&s, &error))
    goto fail;

  if (s.json)
    print_json (&s);
  else
    print_text (&s);
  goto out;

fail:
  status = fm_cli_fail (error);
out:
  run_state_clear (&s);
  return status;
}
