/* fm-cli-run.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps run MODEL INPUT`: one forward pass. INPUT is a PNG or
 * JPEG, preprocessed for the model (fm-preprocess.c, with --mean, --std,
 * --invert and the other preprocessing flags of fm-cli-input.h overriding
 * the model's metadata), or a float32 .npy of
 * exactly the model's input shape, used as is. Prints the top 5 classes
 * of the first graph output (softmax applied unless it already is a
 * probability vector) and, for each feature-map layer, which channels
 * are entirely zero ("dead" for this input). --dump writes every
 * activation as .npy with a manifest. The format is told by magic bytes.
 * It does not batch, and feeds only models with a single input. Reading
 * INPUT and running are shared with `export` (fm-cli-input.c).
 */
#include "config.h"

#include <inttypes.h>

#include "fm-cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fm-export.h"
#include "fm-file.h"
#include "fm-image.h"
#include "fm-layers.h"
#include "fm-model.h"
#include "fm-npy.h"
#include "fm-predict.h"
#include "fm-preprocess.h"
#include "fm-run.h"
#include "fm-scan.h"
#include "fm-channel-list.h"
#include "fm-stats.h"

typedef struct
{
  /* options */
  gboolean   json;
  char      *dump_dir;
  /* MODEL INPUT options and the executed run (fm-cli-input.c) */
  FmCliInput in;
  /* what the text or JSON shows */
  FmPrediction prediction;
  GStrv      labels;        /* the model's class labels, or NULL */
  GArray    *layers;        /* FmLayer: every feature map, in execution order */
} RunState;

static void
run_state_clear (RunState *s)
{
  g_free (s->dump_dir);
  fm_cli_input_clear (&s->in);
  g_strfreev (s->labels);
  g_clear_pointer (&s->layers, g_array_unref);
}

/* ---- prediction ------------------------------------------------------- */

/* Channels of a layer that are 0 everywhere: the same statistics as the
 * window's tiles (epsilon 0). */
static GArray *
zero_channels (RunState      *s,
               const FmLayer *l)
{
  return fm_layer_zero_channels (s->in.model, l, s->in.run, 0.0f);
}

/* ---- dump ------------------------------------------------------------- */

/* Tensor name -> file name: chars outside [A-Za-z0-9._-] become '_', then
 * _2, _3... until unique (ignoring case, for case-insensitive disks). */
static gboolean
dump (RunState  *s,
      GError   **error)
{
  const FmModel *model = s->in.model;
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *input_file = NULL;
  const FmValue *input = &model->values[model->inputs[0]];

  if (!fm_file_make_folder (s->dump_dir, 0755, error))
    return FALSE;

  json_builder_begin_object (b);

  g_hash_table_add (used, g_strdup ("input.npy"));
  g_hash_table_add (used, g_strdup ("manifest.json"));
  input_file = g_build_filename (s->dump_dir, "input.npy", NULL);
  if (!fm_npy_write (input_file, &input->shape, fm_run_input_data (s->in.run, 0), error))
    return FALSE;
  fm_cli_json_add_string (b, "input", "input.npy");

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

          path = fm_export_write_npy (s->dump_dir, used, v->name, &v->shape,
                                      fm_run_value_data (s->in.run, id), error);
          if (path == NULL)
            return FALSE;
          file = g_path_get_basename (path);

          json_builder_begin_object (b);
          fm_cli_json_add_string (b, "name", v->name);
          fm_cli_json_add_string (b, "file", file);
          fm_cli_json_add_string (b, "op", fm_op_type_name (node->op));
          fm_cli_json_add_string (b, "node", node->name);
          fm_cli_json_add_shape (b, "shape", &v->shape);
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
  const FmModel *model = s->in.model;
  const FmValue *input = &model->values[model->inputs[0]];
  g_autoptr(JsonBuilder) b = fm_cli_json_begin (model);

  json_builder_set_member_name (b, "input");
  json_builder_begin_object (b);
  fm_cli_json_add_string (b, "file", s->in.input_path);
  fm_cli_json_add_string (b, "name", input->name);
  fm_cli_json_add_shape (b, "shape", &input->shape);
  fm_cli_json_add_string (b, "format", s->in.input_is_npy ? "npy" : "image");
  fm_cli_json_add_boolean (b, "inverted", s->in.inverted);
  json_builder_set_member_name (b, "preprocess");
  if (s->in.input_is_npy)
    json_builder_add_null_value (b);
  else
    {
      g_autofree char *settings = fm_scan_preprocess_text (&s->in.pp);

      json_builder_add_string_value (b, settings);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "prediction");
  if (s->prediction.n_top == 0)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      fm_cli_json_add_string (b, "output", model->values[s->prediction.output_id].name);
      fm_cli_json_add_boolean (b, "softmax_applied", s->prediction.softmax_applied);
      json_builder_set_member_name (b, "top");
      json_builder_begin_array (b);
      for (guint k = 0; k < s->prediction.n_top; k++)
        {
          const char *label = fm_labels_get (s->labels, s->prediction.index[k]);

          json_builder_begin_object (b);
          fm_cli_json_add_int (b, "index", s->prediction.index[k]);
          json_builder_set_member_name (b, "label");
          if (label != NULL)
            json_builder_add_string_value (b, label);
          else
            json_builder_add_null_value (b);
          fm_cli_json_add_double (b, "probability", s->prediction.probability[k]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->layers->len; i++)
    {
      const FmLayer *l = &g_array_index (s->layers, FmLayer, i);
      const FmValue *v = &model->values[l->value_id];
      g_autoptr(GArray) zeros = zero_channels (s, l);

      json_builder_begin_object (b);
      fm_cli_json_add_string (b, "name", v->name);
      fm_cli_json_add_string (b, "op", fm_op_type_name (model->nodes[l->node].op));
      fm_cli_json_add_shape (b, "shape", &v->shape);
      fm_cli_json_add_string (b, "layout", fm_layout_name (l->layout));
      fm_cli_json_add_int (b, "channels", l->channels);
      fm_cli_json_add_int (b, "height", l->height);
      fm_cli_json_add_int (b, "width", l->width);
      fm_cli_json_add_ints (b, "zero_channels", zeros);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  fm_cli_json_print (b);
}

/* Rank, class, label and probability of the top classes, as a table. */
static void
print_prediction (RunState *s)
{
  static const gboolean align_right[4] = { FALSE, FALSE, FALSE, TRUE };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  for (guint k = 0; k < s->prediction.n_top; k++)
    {
      const char *label = fm_labels_get (s->labels, s->prediction.index[k]);

      g_ptr_array_add (cells, g_strdup_printf ("%u.", k + 1));
      g_ptr_array_add (cells, g_strdup_printf ("%u", s->prediction.index[k]));
      g_ptr_array_add (cells, g_strdup (label != NULL ? label : ""));
      g_ptr_array_add (cells, g_strdup_printf ("%.3f %%", 100.0 * s->prediction.probability[k]));
    }
  fm_cli_print_table (cells, 4, align_right, 2);
}

/* Name, op, shape and channels of each feature-map layer (how it is read,
 * the channels all zero for this input), as a table. */
static void
print_layers (RunState *s)
{
  static const gboolean align_right[4] = { FALSE, FALSE, FALSE, FALSE };
  const FmModel *model = s->in.model;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < s->layers->len; i++)
    {
      const FmLayer *l = &g_array_index (s->layers, FmLayer, i);
      const FmValue *v = &model->values[l->value_id];
      g_autoptr(GArray) zeros = zero_channels (s, l);
      g_autofree char *reading = fm_layer_layout_text (l);
      GString *text = g_string_new (NULL);
      g_autofree char *list = fm_channel_list_indexes_to_string ((const int *) zeros->data,
                                                                 zeros->len);
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u channel", "%u channels",
                                                 l->channels), l->channels);
      if (reading != NULL)
        g_string_append_printf (text, " (%s)", reading);
      if (zeros->len > 0)
        g_string_append_printf (text, _(", all zero: %s"), list);
      g_ptr_array_add (cells, g_strdup (v->name));
      g_ptr_array_add (cells, g_strdup (fm_op_type_name (model->nodes[l->node].op)));
      g_ptr_array_add (cells, fm_shape_to_string (&v->shape));
      g_ptr_array_add (cells, g_string_free (text, FALSE));
    }
  fm_cli_print_table (cells, 4, align_right, 2);
}

static void
print_text (RunState *s)
{
  const FmModel *model = s->in.model;
  const FmValue *input = &model->values[model->inputs[0]];
  g_autofree char *in_shape = fm_shape_to_string (&input->shape);
  /* Translators: "digit-7.png -> “input” [1, 1, 28, 28]": the picture,
   * the model input it feeds and the input's shape */
  g_autofree char *fed = g_strdup_printf (_("%s -> “%s” %s"), s->in.input_path, input->name,
                                          in_shape);
  g_autofree char *in_text = g_strconcat (fed, s->in.inverted ? _(" (inverted)") : "", NULL);
  /* How a picture became the tensor: the defaults depend on the model. */
  g_autofree char *prepared = s->in.input_is_npy ? NULL : fm_preprocess_describe (&s->in.pp);

  fm_cli_print_fields (_("Model:"), model->path, _("Input:"), in_text,
                       prepared != NULL ? _("Preprocessing:") : NULL, prepared, NULL);

  if (s->prediction.n_top > 0)
    {
      g_autofree char *output = fm_cli_escape_controls (model->values[s->prediction.output_id].name);

      g_print ("\n");
      if (s->prediction.softmax_applied)
        g_print (_("Prediction (output “%s”, softmax applied):\n"), output);
      else
        g_print (_("Prediction (output “%s”):\n"), output);
      print_prediction (s);
    }

  g_print ("\n%s\n", _("Feature-map layers:"));
  print_layers (s);
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
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status = FM_CLI_EXIT_OK;

  fm_cli_input_init (&s.in);
  context = fm_cli_option_context_new ("run", _("MODEL INPUT"),
                                       _("Run MODEL (an .onnx file or a bundled model name) "
                                         "on INPUT (a PNG or JPEG picture, or a float32 .npy "
                                         "of exactly the model's input shape).\n"
                                         "--mean, --std, --invert, --channels, --input-range, "
                                         "--resize and --background apply to pictures only."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = fm_cli_input_parse (&s.in, context, "run", &argc, &argv);
  if (status != FM_CLI_EXIT_OK)
    goto out;
  status = fm_cli_input_run (&s.in, context, "run", argv[1], argv[2]);
  if (status != FM_CLI_EXIT_OK)
    goto out;

  fm_predict (s.in.model, s.in.run, FM_PREDICT_TOP_K, &s.prediction);
  s.labels = fm_model_dup_labels (s.in.model);
  s.layers = fm_layers_list (s.in.model, FALSE);
  if (s.dump_dir != NULL && !dump (&s, &error))
    {
      status = fm_cli_fail (error);
      goto out;
    }

  if (s.json)
    print_json (&s);
  else
    print_text (&s);

out:
  run_state_clear (&s);
  return status;
}
