/* fm-cli-compare.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps compare MODEL_A MODEL_B INPUT`: both models on the same
 * input, layer by layer. Each model gets INPUT as `run` would give it
 * (its own metadata with the same preprocessing flags over it), so two
 * checkpoints of one training, or a model and its fix, are compared as
 * each would be used. The two must take the same input shape. Layers are
 * paired by fm-compare.c (by name, else in order with the same maps);
 * for each pair the channels that are zero in A and in B, those whose
 * verdict differs, and per channel the largest |A - B|.
 */
#include "config.h"

#include "fm-cli.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "fm-compare.h"
#include "fm-layers.h"
#include "fm-channel-list.h"

typedef struct
{
  gboolean   json;
  double     zero_threshold;
  FmCliInput a, b;
  GArray    *layers_a, *layers_b;  /* FmLayer */
  GArray    *matches;              /* FmLayerMatch */
  GArray    *unmatched_a, *unmatched_b;  /* guint */
} CompareState;

static void
compare_state_clear (CompareState *s)
{
  /* The flags' strings are A's, lent to B. */
  memset (&s->b.preprocess, 0, sizeof s->b.preprocess);
  fm_cli_input_clear (&s->a);
  fm_cli_input_clear (&s->b);
  g_clear_pointer (&s->layers_a, g_array_unref);
  g_clear_pointer (&s->layers_b, g_array_unref);
  g_clear_pointer (&s->matches, g_array_unref);
  g_clear_pointer (&s->unmatched_a, g_array_unref);
  g_clear_pointer (&s->unmatched_b, g_array_unref);
}

static const FmLayer *
layer_a (CompareState *s,
         guint         i)
{
  return &g_array_index (s->layers_a, FmLayer, i);
}

static const FmLayer *
layer_b (CompareState *s,
         guint         j)
{
  return &g_array_index (s->layers_b, FmLayer, j);
}

static const char *
name_a (CompareState *s,
        guint         i)
{
  return s->a.model->values[layer_a (s, i)->value_id].name;
}

static const char *
name_b (CompareState *s,
        guint         j)
{
  return s->b.model->values[layer_b (s, j)->value_id].name;
}

/* One pair's figures. */
typedef struct
{
  GArray *zero_a, *zero_b;  /* int */
  float  *max_abs_diff;     /* [channels] */
} PairFigures;

static void
pair_figures (CompareState       *s,
              const FmLayerMatch *m,
              PairFigures        *f)
{
  const FmLayer *la = layer_a (s, m->a), *lb = layer_b (s, m->b);
  float epsilon = (float) s->zero_threshold;

  f->zero_a = fm_layer_zero_channels (s->a.model, la, s->a.run, epsilon);
  f->zero_b = fm_layer_zero_channels (s->b.model, lb, s->b.run, epsilon);
  f->max_abs_diff = g_new (float, MAX (la->channels, 1));
  fm_compare_max_abs_diff (s->a.model, la, s->a.run, s->b.model, lb, s->b.run,
                           f->max_abs_diff);
}

static void
pair_figures_clear (PairFigures *f)
{
  g_clear_pointer (&f->zero_a, g_array_unref);
  g_clear_pointer (&f->zero_b, g_array_unref);
  g_clear_pointer (&f->max_abs_diff, g_free);
}

static gboolean
contains (GArray *ints,
          int     value)
{
  for (guint k = 0; k < ints->len; k++)
    if (g_array_index (ints, int, k) == value)
      return TRUE;
  return FALSE;
}

/* The channels of @zero that @other does not list. */
static GArray *
zero_only (GArray *zero,
           GArray *other)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint k = 0; k < zero->len; k++)
    if (!contains (other, g_array_index (zero, int, k)))
      g_array_append_val (out, g_array_index (zero, int, k));
  return out;
}

/* ---- JSON ------------------------------------------------------------- */

static void
add_names (CompareState *s,
           JsonBuilder  *b,
           const char   *member,
           GArray       *indices,
           gboolean      side_a)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint k = 0; k < indices->len; k++)
    {
      guint i = g_array_index (indices, guint, k);

      json_builder_add_string_value (b, side_a ? name_a (s, i) : name_b (s, i));
    }
  json_builder_end_array (b);
}

static void
print_json (CompareState *s)
{
  const FmValue *input = &s->a.model->values[s->a.model->inputs[0]];
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  fm_cli_json_add_string (b, "a", s->a.model->path);
  fm_cli_json_add_string (b, "b", s->b.model->path);

  json_builder_set_member_name (b, "input");
  json_builder_begin_object (b);
  fm_cli_json_add_string (b, "file", s->a.input_path);
  fm_cli_json_add_shape (b, "shape", &input->shape);
  fm_cli_json_add_string (b, "format", s->a.input_is_npy ? "npy" : "image");
  fm_cli_json_add_boolean (b, "inverted_a", s->a.inverted);
  fm_cli_json_add_boolean (b, "inverted_b", s->b.inverted);
  json_builder_end_object (b);
  fm_cli_json_add_double (b, "zero_threshold", s->zero_threshold);

  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint k = 0; k < s->matches->len; k++)
    {
      const FmLayerMatch *m = &g_array_index (s->matches, FmLayerMatch, k);
      const FmLayer *la = layer_a (s, m->a);
      PairFigures f = { 0 };

      pair_figures (s, m, &f);
      json_builder_begin_object (b);
      fm_cli_json_add_string (b, "name", name_a (s, m->a));
      fm_cli_json_add_string (b, "a_name", name_a (s, m->a));
      fm_cli_json_add_string (b, "b_name", name_b (s, m->b));
      fm_cli_json_add_string (b, "matched_by", m->kind == FM_MATCH_NAME ? "name" : "order");
      fm_cli_json_add_int (b, "channels", la->channels);
      fm_cli_json_add_int (b, "height", la->height);
      fm_cli_json_add_int (b, "width", la->width);
      fm_cli_json_add_ints (b, "zero_a", f.zero_a);
      fm_cli_json_add_ints (b, "zero_b", f.zero_b);
      json_builder_set_member_name (b, "max_abs_diff");
      json_builder_begin_array (b);
      for (guint c = 0; c < la->channels; c++)
        {
          /* JSON has no NaN: null, as the scan writes it. */
          if (isnan (f.max_abs_diff[c]))
            json_builder_add_null_value (b);
          else
            json_builder_add_double_value (b, f.max_abs_diff[c]);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      pair_figures_clear (&f);
    }
  json_builder_end_array (b);
  add_names (s, b, "unmatched_a", s->unmatched_a, TRUE);
  add_names (s, b, "unmatched_b", s->unmatched_b, FALSE);
  json_builder_end_object (b);
  fm_cli_print_json (json_builder_get_root (b));
}

/* ---- text ------------------------------------------------------------- */

/* Channels as --select takes them: "0-4,6-31". */
static char *
join_ints (GArray *ints)
{
  return fm_channel_list_indexes_to_string ((const int *) ints->data, ints->len);
}

/* The labels of a layer's rows, as print_row () lines them up. */
static const char *
row_label (guint i)
{
  switch (i)
    {
    case 0: return _("zero in A:");
    case 1: return _("zero in B:");
    case 2: return _("zero in A only:");
    case 3: return _("zero in B only:");
    default: return _("largest difference:");
    }
}

/* "  LABEL  VALUE" with the labels in one column as wide as the widest
 * label's translation (at least 22), however many bytes its characters
 * take. */
static void
print_row (guint       i,
           const char *value)
{
  glong width = 22;
  glong pad;

  for (guint k = 0; k < 5; k++)
    width = MAX (width, fm_cli_display_width (row_label (k)));
  pad = width - fm_cli_display_width (row_label (i));
  g_print ("  %s%*s %s\n", row_label (i), (int) pad, "", value);
}

/* A pair's rows of channels all zero: in A, in B ("none" for none), and
 * those zero in one model only, each side apart (when there are any). */
static void
print_zero_rows (const PairFigures *f)
{
  g_autoptr(GArray) only_a = zero_only (f->zero_a, f->zero_b);
  g_autoptr(GArray) only_b = zero_only (f->zero_b, f->zero_a);
  GArray *rows[4] = { f->zero_a, f->zero_b, only_a, only_b };

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *list = join_ints (rows[i]);

      if (rows[i]->len > 0)
        print_row (i, list);
      else if (i < 2)
        /* Translators: no channel (French "aucun", not the "aucune" of
         * "none" said of layers) is all zero in this model */
        print_row (i, C_("channels", "none"));
    }
}

static void
print_unmatched (CompareState *s,
                 const char   *title,
                 GArray       *indices,
                 gboolean      side_a)
{
  static const gboolean align_right[2] = { FALSE, FALSE };
  g_autoptr(GPtrArray) cells = NULL;

  if (indices->len == 0)
    return;
  g_print ("\n%s\n", title);
  cells = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < indices->len; k++)
    {
      guint i = g_array_index (indices, guint, k);
      const FmLayer *l = side_a ? layer_a (s, i) : layer_b (s, i);

      g_ptr_array_add (cells, g_strdup (side_a ? name_a (s, i) : name_b (s, i)));
      g_ptr_array_add (cells, g_strdup_printf ("%u x %u x %u", l->channels, l->height,
                                               l->width));
    }
  fm_cli_print_table (cells, 2, align_right, 2);
}

static void
print_text (CompareState *s)
{
  g_autofree char *input = g_strconcat (s->a.input_path,
                                        s->a.inverted || s->b.inverted ? _(" (inverted)") : "",
                                        NULL);

  fm_cli_print_fields ("A:", s->a.model->path, "B:", s->b.model->path, _("Input:"), input,
                       NULL);

  for (guint k = 0; k < s->matches->len; k++)
    {
      const FmLayerMatch *m = &g_array_index (s->matches, FmLayerMatch, k);
      const FmLayer *la = layer_a (s, m->a);
      PairFigures f = { 0 };
      g_autofree char *largest_text = NULL;
      float largest = 0.0f;
      guint at = 0;

      pair_figures (s, m, &f);
      for (guint c = 0; c < la->channels; c++)
        if (isnan (f.max_abs_diff[c]) || f.max_abs_diff[c] > largest)
          {
            largest = f.max_abs_diff[c];
            at = c;
            if (isnan (largest))
              break;
          }
      g_autofree char *shown_a = fm_cli_escape_controls (name_a (s, m->a));
      g_autofree char *shown_b = m->kind == FM_MATCH_ORDER
                                 ? fm_cli_escape_controls (name_b (s, m->b)) : NULL;

      g_print ("\n%s", shown_a);
      if (shown_b != NULL)
        /* Translators: a layer of model A paired with a differently named
         * layer of model B, e.g. "(B: conv1_out, paired in order)" */
        g_print (_(" (B: %s, paired in order)"), shown_b);
      g_print (", ");
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u channel", "%u channels", la->channels),
               la->channels);
      g_print ("\n");
      print_zero_rows (&f);
      if (largest == 0.0f)
        /* Translators: no channel of the layer differs between the models */
        largest_text = g_strdup (_("0 (the same maps)"));
      else
        /* Translators: the largest difference between the two models' maps
         * of one layer, and the channel where it is, e.g. "0.53 (channel 7)" */
        largest_text = g_strdup_printf (_("%.4g (channel %u)"), largest, at);
      print_row (4, largest_text);
      pair_figures_clear (&f);
    }
  print_unmatched (s, _("Layers of A with no counterpart in B:"), s->unmatched_a, TRUE);
  print_unmatched (s, _("Layers of B with no counterpart in A:"), s->unmatched_b, FALSE);
}

/* ---- the subcommand --------------------------------------------------- */

static gboolean
same_input_shape (CompareState  *s,
                  GError       **error)
{
  const FmValue *ia = &s->a.model->values[s->a.model->inputs[0]];
  const FmValue *ib = &s->b.model->values[s->b.model->inputs[0]];
  g_autofree char *sa = NULL;
  g_autofree char *sb = NULL;

  if (s->a.model->n_inputs == s->b.model->n_inputs && fm_shape_equal (&ia->shape, &ib->shape))
    return TRUE;
  sa = fm_shape_to_string (&ia->shape);
  sb = fm_shape_to_string (&ib->shape);
  g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
               /* Translators: compare refuses two models with different
                * inputs, e.g. "b.onnx: takes an input of [1, 3, 224, 224];
                * a.onnx takes [1, 1, 28, 28]: compare needs the same input" */
               _("%s: takes an input of %s; %s takes %s: compare needs models with the same "
                 "input"), s->b.model->path, sb, s->a.model->path, sa);
  return FALSE;
}

int
fm_cli_compare (int    argc,
                char **argv)
{
  static const char *const missing[] = {
    N_("missing MODEL_A, MODEL_B and INPUT"), N_("missing MODEL_B and INPUT"),
    N_("missing INPUT"), NULL,
  };
  CompareState s = { 0 };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &s.json,
      N_("Print one JSON object instead of text"), NULL },
    { "zero-threshold", 0, 0, G_OPTION_ARG_DOUBLE, &s.zero_threshold,
      N_("Values with |x| up to E count as zero (default 0)"), N_("E") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  fm_cli_input_init (&s.a);
  fm_cli_input_init (&s.b);
  context = fm_cli_option_context_new ("compare", _("MODEL_A MODEL_B INPUT"),
                                       _("Run MODEL_A and MODEL_B (.onnx files or bundled model "
                                         "names, with the same input shape) on INPUT, each "
                                         "preprocessed as “run” would, and compare their "
                                         "feature maps layer by layer: the channels that are "
                                         "all zero in each, and per channel the largest "
                                         "difference. Layers are paired by name, else in "
                                         "order among layers of the same size."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  fm_cli_input_add_options (&s.a, context);
  status = fm_cli_parse_arguments (context, "compare", &argc, &argv, missing, 3);
  if (status != FM_CLI_EXIT_OK)
    goto out;
  if (!(s.zero_threshold >= 0.0) || !isfinite (s.zero_threshold))
    {
      status = fm_cli_usage_error (context, "compare",
                                   _("--zero-threshold must be a number of 0 or more"));
      goto out;
    }
  s.b.preprocess = s.a.preprocess;
  s.b.threads = s.a.threads;
  status = fm_cli_input_run (&s.a, context, "compare", argv[1], argv[3]);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_input_run (&s.b, context, "compare", argv[2], argv[3]);
  if (status != FM_CLI_EXIT_OK)
    goto out;
  if (!same_input_shape (&s, &error))
    {
      status = fm_cli_fail (error);
      goto out;
    }

  s.layers_a = fm_layers_list (s.a.model, FALSE);
  s.layers_b = fm_layers_list (s.b.model, FALSE);
  s.matches = fm_compare_match_layers (s.a.model, s.layers_a, s.b.model, s.layers_b,
                                       &s.unmatched_a, &s.unmatched_b);
  if (s.json)
    print_json (&s);
  else
    print_text (&s);
  if (s.matches->len == 0)
    {
      /* Each layer listed as without a counterpart says no more than that:
       * say why, and fail as the window refuses such a pair. */
      g_set_error (&error, FM_ERROR, FM_ERROR_SHAPE,
                   /* Translators: compare found no pair of layers, e.g. "a.onnx and
                    * a-pruned.onnx have no layer of the same maps …" */
                   _("%s and %s have no layer of the same maps (channels, height and width), so "
                     "no layer was compared; a pruned copy, for one, has fewer channels"),
                   s.a.model->path, s.b.model->path);
      status = fm_cli_fail (error);
    }

out:
  compare_state_clear (&s);
  return status;
}
