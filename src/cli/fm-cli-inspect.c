/* fm-cli-inspect.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps inspect MODEL [--json]`: loads a model (which checks every
 * node and plans every shape) and describes it: producer, opset, inputs
 * and outputs with shapes, metadata, every node with its op, output
 * shapes and parameter count (the elements of its constant inputs), and
 * which outputs are feature-map layers. It runs nothing.
 */
#include "config.h"

#include <inttypes.h>

#include "fm-cli.h"

#include <glib/gi18n.h>

#include "fm-layers.h"
#include "fm-model.h"

/* The model's layer list, by value id. */
typedef struct
{
  const FmModel  *model;
  GArray         *layers;    /* FmLayer, unmerged */
  const FmLayer **by_value;  /* [n_values]: the entry of a listed value, or NULL */
} Maps;

static void
maps_init (Maps          *maps,
           const FmModel *model)
{
  maps->model = model;
  maps->layers = fm_layers_list (model, FALSE);
  maps->by_value = g_new0 (const FmLayer *, MAX (model->n_values, 1));
  for (guint i = 0; i < maps->layers->len; i++)
    {
      const FmLayer *l = &g_array_index (maps->layers, FmLayer, i);

      maps->by_value[l->value_id] = l;
    }
}

static void
maps_clear (Maps *maps)
{
  g_clear_pointer (&maps->layers, g_array_unref);
  g_clear_pointer (&maps->by_value, g_free);
}

/* A float activation of rank 3 or 4 that is not listed: its axes could
 * not be known (fm-layers.h). */
static gboolean
layout_unknown (const Maps *maps,
                int         id)
{
  const FmValue *v = &maps->model->values[id];

  return maps->by_value[id] == NULL && v->kind == FM_VALUE_ACTIVATION &&
         v->dtype == FM_DTYPE_FLOAT && (v->shape.rank == 3 || v->shape.rank == 4);
}

static guint64
node_parameters (const FmModel *model,
                 const FmNode  *node)
{
  guint64 n = 0;

  for (guint i = 0; i < node->n_inputs; i++)
    if (node->inputs[i] >= 0 && model->values[node->inputs[i]].kind == FM_VALUE_CONST)
      n += model->values[node->inputs[i]].numel;
  return n;
}

/* "layout": the listed entry's layout, "unknown" for a rank-3 or rank-4
 * float activation that is not listed, else null. */
static JsonNode *
value_to_json (const Maps *maps,
               int         id)
{
  const FmValue *v = &maps->model->values[id];
  const FmLayer *l = maps->by_value[id];
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  fm_cli_json_add_string (b, "name", v->name);
  fm_cli_json_add_string (b, "dtype", fm_dtype_name (v->dtype));
  fm_cli_json_add_shape (b, "shape", &v->shape);
  fm_cli_json_add_boolean (b, "feature_map", l != NULL);
  json_builder_set_member_name (b, "layout");
  if (l != NULL)
    json_builder_add_string_value (b, fm_layout_name (l->layout));
  else if (layout_unknown (maps, id))
    json_builder_add_string_value (b, "unknown");
  else
    json_builder_add_null_value (b);
  if (l != NULL)
    {
      fm_cli_json_add_int (b, "channels", l->channels);
      fm_cli_json_add_int (b, "height", l->height);
      fm_cli_json_add_int (b, "width", l->width);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
add_values (JsonBuilder   *b,
            const Maps    *maps,
            const char    *member,
            const int     *ids,
            guint          n)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    if (ids[i] >= 0)
      json_builder_add_value (b, value_to_json (maps, ids[i]));
  json_builder_end_array (b);
}

static int
print_json (const Maps *maps)
{
  const FmModel *model = maps->model;
  g_autoptr(JsonBuilder) b = fm_cli_json_begin (model);

  json_builder_set_member_name (b, "producer");
  json_builder_begin_object (b);
  fm_cli_json_add_string (b, "name", model->producer_name ? model->producer_name : "");
  fm_cli_json_add_string (b, "version", model->producer_version ? model->producer_version : "");
  json_builder_end_object (b);
  fm_cli_json_add_int (b, "ir_version", model->ir_version);
  fm_cli_json_add_int (b, "opset", model->opset);
  fm_cli_json_add_int (b, "weights_bytes", (gint64) model->weights_size);
  fm_cli_json_add_int (b, "activations_bytes", (gint64) model->arena_size);
  /* the input's height and width were symbolic: the shapes are for this size */
  fm_cli_json_add_boolean (b, "default_size", model->sized_by_default);

  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  if (model->metadata != NULL)
    {
      g_autoptr(GList) keys = g_hash_table_get_keys (model->metadata);

      keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
      for (GList *l = keys; l != NULL; l = l->next)
        fm_cli_json_add_string (b, l->data, g_hash_table_lookup (model->metadata, l->data));
    }
  json_builder_end_object (b);

  add_values (b, maps, "inputs", model->inputs, model->n_inputs);
  add_values (b, maps, "outputs", model->outputs, model->n_outputs);

  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < model->n_nodes; i++)
    {
      const FmNode *node = &model->nodes[i];

      json_builder_begin_object (b);
      fm_cli_json_add_string (b, "name", node->name);
      fm_cli_json_add_string (b, "op", fm_op_type_name (node->op));
      fm_cli_json_add_boolean (b, "folded", node->folded);
      fm_cli_json_add_int (b, "parameters", (gint64) node_parameters (model, node));
      add_values (b, maps, "outputs", node->outputs, node->n_outputs);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "feature_maps");
  json_builder_begin_array (b);
  for (guint i = 0; i < maps->layers->len; i++)
    json_builder_add_string_value (b, model->values[g_array_index (maps->layers, FmLayer,
                                                                   i).value_id].name);
  json_builder_end_array (b);

  fm_cli_json_print (b);
  return FM_CLI_EXIT_OK;
}

/* Name, type and shape of the values @ids, as a table. */
static void
print_values (const FmModel *model,
              const int     *ids,
              guint          n)
{
  static const gboolean align_right[3] = { FALSE, FALSE, FALSE };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    if (ids[i] >= 0)
      {
        const FmValue *v = &model->values[ids[i]];

        g_ptr_array_add (cells, g_strdup (v->name));
        g_ptr_array_add (cells, g_strdup (fm_dtype_name (v->dtype)));
        g_ptr_array_add (cells, fm_shape_to_string (&v->shape));
      }
  fm_cli_print_table (cells, 3, align_right, 2);
}

/* What inspect says of value @id beside its node: folded, a feature map
 * (and how it is read), or not shown. */
static char *
value_note (const Maps *maps,
            const FmNode *node,
            int           id)
{
  if (node->folded)
    return g_strdup (_("folded at load"));
  if (maps->by_value[id] != NULL && maps->by_value[id]->layout != FM_LAYOUT_NCHW)
    /* Translators: %s is how the tensor is read: NHWC, NCL, tokens */
    return g_strdup_printf (_("feature map (%s)"), fm_layout_name (maps->by_value[id]->layout));
  if (maps->by_value[id] != NULL)
    return g_strdup (_("feature map"));
  if (layout_unknown (maps, id))
    return g_strdup (_("layout unknown: not shown"));
  return g_strdup ("");
}

/* A row a node output: number, op, node, output, shape, parameters, note
 * (the first four and the parameters only on a node's first output). */
static void
print_nodes (const Maps *maps)
{
  static const gboolean align_right[7] = { FALSE, FALSE, FALSE, FALSE, FALSE, TRUE, FALSE };
  const FmModel *model = maps->model;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (cells, g_strdup ("#"));
  g_ptr_array_add (cells, g_strdup (_("op")));
  g_ptr_array_add (cells, g_strdup (_("node")));
  g_ptr_array_add (cells, g_strdup (_("output")));
  g_ptr_array_add (cells, g_strdup (_("shape")));
  g_ptr_array_add (cells, g_strdup (_("parameters")));
  g_ptr_array_add (cells, g_strdup (""));
  for (guint i = 0; i < model->n_nodes; i++)
    {
      const FmNode *node = &model->nodes[i];
      guint64 params = node_parameters (model, node);
      gboolean first = TRUE;

      for (guint k = 0; k < node->n_outputs; k++)
        {
          int id = node->outputs[k];

          if (id < 0)
            continue;
          g_ptr_array_add (cells, first ? g_strdup_printf ("%u", i) : g_strdup (""));
          g_ptr_array_add (cells, g_strdup (first ? fm_op_type_name (node->op) : ""));
          g_ptr_array_add (cells, g_strdup (first ? node->name : ""));
          g_ptr_array_add (cells, g_strdup (model->values[id].name));
          g_ptr_array_add (cells, fm_shape_to_string (&model->values[id].shape));
          g_ptr_array_add (cells, first ? g_strdup_printf ("%" G_GUINT64_FORMAT, params)
                                        : g_strdup (""));
          g_ptr_array_add (cells, value_note (maps, node, id));
          first = FALSE;
        }
    }
  fm_cli_print_table (cells, 7, align_right, 2);
}

static int
print_text (const Maps *maps)
{
  const FmModel *model = maps->model;
  g_autofree char *producer = g_strdup_printf (
    "%s %s", model->producer_name && *model->producer_name ? model->producer_name : _("(unknown)"),
    model->producer_version ? model->producer_version : "");
  g_autofree char *version = g_strdup_printf ("%" PRId64 ", %s %" PRId64, model->ir_version,
                                              _("opset"), model->opset);
  g_autofree char *memory = g_strdup_printf ("%s %.2f MiB, %s %.2f MiB",
                                             _("weights"), model->weights_size / 1048576.0,
                                             _("activations per run"),
                                             model->arena_size / 1048576.0);

  fm_cli_print_fields (_("Model:"), model->path, _("Producer:"), g_strchomp (producer),
                       _("IR version:"), version, _("Memory:"), memory, NULL);

  g_print ("\n%s\n", _("Inputs:"));
  print_values (model, model->inputs, model->n_inputs);
  if (model->sized_by_default)
    g_print (_("  (height and width are not fixed: shown for %d x %d; run, export and scan "
               "take them from the picture)\n"), FM_MODEL_DEFAULT_SIDE, FM_MODEL_DEFAULT_SIDE);
  g_print ("%s\n", _("Outputs:"));
  print_values (model, model->outputs, model->n_outputs);

  if (model->metadata != NULL && g_hash_table_size (model->metadata) > 0)
    {
      g_autoptr(GList) keys = g_hash_table_get_keys (model->metadata);

      g_print ("%s\n", _("Metadata:"));
      keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
      for (GList *l = keys; l != NULL; l = l->next)
        {
          g_autofree char *key = fm_cli_escape_controls (l->data);
          g_autofree char *text = fm_cli_escape_controls (g_hash_table_lookup (model->metadata,
                                                                              l->data));

          g_print ("  %s = %s\n", key, text);
        }
    }

  g_print ("\n%s\n", _("Nodes:"));
  print_nodes (maps);
  g_print ("\n");
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u feature-map layer\n",
                        "%u feature-map layers\n", maps->layers->len), maps->layers->len);
  return FM_CLI_EXIT_OK;
}

int
fm_cli_inspect (int    argc,
                char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object instead of text"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  static const char *const missing[] = { N_("missing MODEL"), NULL };
  Maps maps;
  FmModelOptions options;
  int status;

  context = fm_cli_option_context_new ("inspect", _("MODEL"),
                                       _("Describe a model: inputs, outputs, nodes and "
                                         "feature-map layers.\nMODEL is an .onnx file or a "
                                         "bundled model name (mnist-cnn, mnist-cnn-dying)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = fm_cli_parse_arguments (context, "inspect", &argc, &argv, missing, 1);
  if (status != FM_CLI_EXIT_OK)
    return status;

  /* With no picture to give them, a symbolic height and width are shown
   * at FM_MODEL_DEFAULT_SIDE, and the text says so. */
  fm_model_options_init (&options);
  options.default_height = FM_MODEL_DEFAULT_SIDE;
  options.default_width = FM_MODEL_DEFAULT_SIDE;
  model = fm_cli_load_model (argv[1], &options, &error);
  if (model == NULL)
    return fm_cli_fail (error);

  maps_init (&maps, model);
  status = json ? print_json (&maps) : print_text (&maps);
  maps_clear (&maps);
  return status;
}
