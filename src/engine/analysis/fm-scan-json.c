/* fm-scan-json.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan result as JSON (the format is in fm-scan.h; fm-scan-json-read.c
 * reads it back). Doubles are written so that they read back bit for bit.
 */
#include "config.h"

#include <string.h>

#include "fm-json-text.h"
#include "fm-scan-private.h"

/* A double that reads back bit for bit: json-glib writes %.17g, but 1.6
 * spells a whole number like 1e+17 as "1e+17.0", which is not JSON; such a
 * number goes as an integer (below 2^63) or as its %.17g text in a string
 * (read_exact_double takes both). NaN is null, an infinity the string
 * "inf" or "-inf" (a sum over infinite activations). */
static void
add_exact_double (JsonBuilder *b,
                  double       v)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    {
      json_builder_add_null_value (b);
      return;
    }
  if (isinf (v))
    {
      json_builder_add_string_value (b, v > 0 ? "inf" : "-inf");
      return;
    }
  g_ascii_dtostr (text, sizeof text, v);
  if (strchr (text, '.') != NULL || strchr (text, 'e') == NULL)
    json_builder_add_double_value (b, v);
  else if (fabs (v) < 9.2e18)
    json_builder_add_int_value (b, (gint64) v);
  else
    json_builder_add_string_value (b, text);
}

/* Member @member: add_exact_double's @v. */
static void
add_exact_member (JsonBuilder *b,
                  const char  *member,
                  double       v)
{
  json_builder_set_member_name (b, member);
  add_exact_double (b, v);
}

static void
add_exact_doubles (JsonBuilder  *b,
                   const char   *member,
                   const double *v,
                   guint         n)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    add_exact_double (b, v[i]);
  json_builder_end_array (b);
}

static void
add_float (JsonBuilder *b,
           float        v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_floats (JsonBuilder *b,
            const char  *member,
            const float *v,
            guint        n)
{
  json_builder_set_member_name (b, member);
  if (v == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    add_float (b, v[i]);
  json_builder_end_array (b);
}

/* Member @member with @value, when @value is not NULL. */
static void
add_optional_string (JsonBuilder *b,
                     const char  *member,
                     const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

static void
add_result_members (JsonBuilder        *b,
                    const FmScanResult *result)
{
  json_builder_set_member_name (b, "model");
  fm_json_add_text (b, result->model_path);
  json_builder_set_member_name (b, "dataset");
  fm_json_add_text (b, result->dataset_path);
  /* A dataset path that is not UTF-8 is kept to the byte as well, for
   * what reads the dataset again (the card's and the window's top
   * images). */
  if (!g_utf8_validate (result->dataset_path, -1, NULL))
    {
      g_autofree char *escaped = g_uri_escape_bytes ((const guint8 *) result->dataset_path,
                                                     strlen (result->dataset_path), "/");

      json_builder_set_member_name (b, "dataset_escaped");
      json_builder_add_string_value (b, escaped);
    }
  json_builder_set_member_name (b, "images");
  json_builder_add_int_value (b, (gint64) result->images);
  json_builder_set_member_name (b, "partial");
  json_builder_add_boolean_value (b, result->partial);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, (gint64) result->total);
  json_builder_set_member_name (b, "top_k");
  json_builder_add_int_value (b, result->top_k);
  add_exact_member (b, "rare_below", result->rare_below);
  add_exact_member (b, "epsilon", result->epsilon);
  add_exact_member (b, "elapsed", result->elapsed);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; result->warnings != NULL && result->warnings[i] != NULL; i++)
    fm_json_add_text (b, result->warnings[i]);
  json_builder_end_array (b);
  add_optional_string (b, "model_sha256", result->model_sha256);
  add_optional_string (b, "preprocess", result->preprocess);
}

/* What a merge of shards checks: "dataset_key" (when known),
 * "dataset_items", "limit", "range" [begin, end], "shard" {"index",
 * "count"} of a shard and "parts" of a merged result. */
static void
add_range_members (JsonBuilder        *b,
                   const FmScanResult *result)
{
  add_optional_string (b, "dataset_key", result->dataset_key);
  json_builder_set_member_name (b, "dataset_items");
  json_builder_add_int_value (b, (gint64) result->dataset_items);
  json_builder_set_member_name (b, "limit");
  json_builder_add_int_value (b, (gint64) result->limit);
  json_builder_set_member_name (b, "range");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, (gint64) result->range_begin);
  json_builder_add_int_value (b, (gint64) result->range_end);
  json_builder_end_array (b);
  if (result->shard_count > 0)
    {
      json_builder_set_member_name (b, "shard");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, result->shard_index);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, result->shard_count);
      json_builder_end_object (b);
    }
  if (result->parts > 0)
    {
      json_builder_set_member_name (b, "parts");
      json_builder_add_int_value (b, result->parts);
    }
}

/* "classes", "class_images" (when known) and "dead_bound". */
static void
add_result_measures (JsonBuilder        *b,
                     const FmScanResult *result)
{
  double rule, exact;

  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (guint k = 0; k < result->n_classes; k++)
    fm_json_add_text (b, result->class_names[k]);
  json_builder_end_array (b);
  if (result->class_images != NULL)
    fm_json_add_ints (b, "class_images", result->class_images, NULL, result->n_classes);
  fm_scan_result_dead_bound (result, &rule, &exact);
  json_builder_set_member_name (b, "dead_bound");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "images");
  json_builder_add_int_value (b, (gint64) result->images);
  add_exact_member (b, "rule_of_three", rule);
  add_exact_member (b, "exact_95", exact);
  json_builder_end_object (b);
}

/* "class_fire_count": per channel @n_classes counts, or null. */
static void
add_class_counts (JsonBuilder       *b,
                  const FmScanLayer *L,
                  guint              n_classes)
{
  json_builder_set_member_name (b, "class_fire_count");
  if (L->class_fire_count == NULL || n_classes == 0)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint c = 0; c < L->channels; c++)
    {
      json_builder_begin_array (b);
      for (guint k = 0; k < n_classes; k++)
        json_builder_add_int_value (b, L->class_fire_count[(gsize) c * n_classes + k]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

/* The layer's measures (fm-scan.h) and, when it has them, its raw sums. */
static void
add_layer_measures (JsonBuilder       *b,
                    const FmScanLayer *L,
                    guint              n_classes)
{
  guint C = L->channels;

  json_builder_set_member_name (b, "dead_warning");
  json_builder_add_boolean_value (b, L->dead_warning);
  add_class_counts (b, L, n_classes);
  if (L->zero_cells == NULL || L->value_count == NULL || L->sum == NULL)
    return;
  json_builder_set_member_name (b, "cells_per_image");
  json_builder_add_int_value (b, (gint64) L->cells_per_image);
  fm_json_add_ints (b, "zero_cells", L->zero_cells, NULL, C);
  fm_json_add_ints (b, "value_count", L->value_count, NULL, C);
  add_exact_doubles (b, "sum", L->sum, C);
  if (L->apoz != NULL)
    add_exact_doubles (b, "apoz", L->apoz, C);
  add_exact_member (b, "apoz_mean", L->apoz_mean);
  add_exact_member (b, "apoz_std", L->apoz_std);
  fm_json_add_ints (b, "near_dead", NULL, L->near_dead, L->n_near_dead);
}

/* "top" (image indexes) or, with @values, "top_max": per channel the
 * filled slots of its top list. */
static void
add_tops (JsonBuilder       *b,
          const FmScanLayer *L,
          guint              k,
          gboolean           values)
{
  json_builder_set_member_name (b, values ? "top_max" : "top");
  json_builder_begin_array (b);
  for (guint c = 0; c < L->channels; c++)
    {
      json_builder_begin_array (b);
      for (guint j = 0; j < k && L->top_index[(gsize) c * k + j] >= 0; j++)
        if (values)
          add_float (b, L->top_max[(gsize) c * k + j]);
        else
          json_builder_add_int_value (b, L->top_index[(gsize) c * k + j]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static void
add_layer (JsonBuilder       *b,
           const FmScanLayer *L,
           guint              k,
           guint              n_classes)
{
  guint C = L->channels;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, L->name);
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, L->op);
  json_builder_set_member_name (b, "channels");
  json_builder_add_int_value (b, C);
  fm_json_add_ints (b, "zero_count", L->zero_count, NULL, C);
  fm_json_add_ints (b, "fire_count", L->fire_count, NULL, C);
  add_floats (b, "max", L->max, C);
  add_floats (b, "mean", L->mean, C);
  add_floats (b, "pre_activation_max", L->pre_activation_max, C);
  fm_json_add_ints (b, "dead", NULL, L->dead, L->n_dead);
  fm_json_add_ints (b, "rare", NULL, L->rare, L->n_rare);
  add_tops (b, L, k, FALSE);
  add_tops (b, L, k, TRUE);
  add_floats (b, "bias", L->bias, C);
  add_floats (b, "weight_max_abs", L->weight_max_abs, C);
  json_builder_set_member_name (b, "diagnosis");
  json_builder_begin_array (b);
  for (guint c = 0; c < C; c++)
    json_builder_add_string_value (b, fm_scan_diagnosis_to_string (L->diagnosis[c]));
  json_builder_end_array (b);
  add_layer_measures (b, L, n_classes);
  json_builder_end_object (b);
}

JsonNode *
fm_scan_result_to_json (const FmScanResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (b);
  add_result_members (b, result);
  add_range_members (b, result);
  add_result_measures (b, result);
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint l = 0; l < result->n_layers; l++)
    add_layer (b, &result->layers[l], result->top_k, result->n_classes);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
