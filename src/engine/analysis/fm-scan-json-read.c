/* fm-scan-json-read.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scan result read back from JSON (fm-scan-json.c writes it; the format
 * is in fm-scan.h): every member is checked on the way in, so a broken or
 * hand-edited file is an error that names the member, never a crash.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-scan-private.h"

/* Sets the error and returns FALSE from a reading function. */
#define BAD(...) G_STMT_START { \
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

/* Member @name of @o as an array of exactly @n elements, or NULL. */
static JsonArray *
get_array (JsonObject *o,
           const char *name,
           guint       n,
           gboolean    nullable,
           gboolean   *is_null)
{
  JsonNode *node = json_object_get_member (o, name);

  if (is_null != NULL)
    *is_null = FALSE;
  if (node == NULL)
    return NULL;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      if (is_null != NULL)
        *is_null = TRUE;
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  if (n != G_MAXUINT && json_array_get_length (json_node_get_array (node)) != n)
    return NULL;
  return json_node_get_array (node);
}

/* A string member that is text: json-glib takes bytes that are not
 * UTF-8, which would not write back as JSON. */
static gboolean
is_text (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
         g_utf8_validate (json_node_get_string (node), -1, NULL);
}

static gboolean
is_number (JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* Floats from @a [n] (null = NaN) into a new array; NULL if not numbers. */
static float *
read_floats (JsonArray *a,
             guint      n)
{
  g_autofree float *v = g_new (float, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);

      if (JSON_NODE_HOLDS_NULL (e))
        v[i] = NAN;
      else if (is_number (e))
        v[i] = (float) json_node_get_double (e);
      else
        return NULL;
    }
  return g_steal_pointer (&v);
}

/* The @n elements of @a as whole numbers in [0, @max] into @out, whose
 * elements are @size bytes (guint64 or guint); FALSE at the first that is
 * not. @exact: only numbers written as integers; else any number, cut to
 * an integer. */
static gboolean
read_uints (JsonArray *a,
            guint      n,
            gint64     max,
            gboolean   exact,
            gpointer   out,
            gsize      size)
{
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      gint64 v;

      if (!is_number (e) || (exact && json_node_get_value_type (e) != G_TYPE_INT64))
        return FALSE;
      v = json_node_get_int (e);
      if (v < 0 || v > max)
        return FALSE;
      if (size == sizeof (guint64))
        ((guint64 *) out)[i] = (guint64) v;
      else
        ((guint *) out)[i] = (guint) v;
    }
  return TRUE;
}

/* The @n elements of @a, copied into @out; the index of the first that
 * is not text (those before it copied), or @n. */
static guint
read_texts (JsonArray *a,
            guint      n,
            char     **out)
{
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);

      if (!is_text (e))
        return i;
      out[i] = g_strdup (json_node_get_string (e));
    }
  return n;
}

static gboolean
read_float_member (JsonObject *o,
                   const char *name,
                   guint       n,
                   gboolean    nullable,
                   float     **out)
{
  gboolean is_null;
  JsonArray *a = get_array (o, name, n, nullable, &is_null);

  *out = NULL;
  if (is_null)
    return TRUE;
  if (a == NULL)
    return FALSE;
  *out = read_floats (a, n);
  return *out != NULL;
}

static gboolean
read_counts (JsonObject *o,
             const char *name,
             guint       n,
             guint64   **out)
{
  JsonArray *a = get_array (o, name, n, FALSE, NULL);

  *out = NULL;
  if (a == NULL)
    return FALSE;
  *out = g_new (guint64, MAX (n, 1));
  return read_uints (a, n, G_MAXINT64, TRUE, *out, sizeof **out);
}

/* Channel indexes, at most @channels of them, each below @channels. */
static gboolean
read_indexes (JsonObject *o,
              const char *name,
              guint       channels,
              guint     **out,
              guint      *n_out)
{
  JsonArray *a = get_array (o, name, G_MAXUINT, FALSE, NULL);
  guint n;

  *out = NULL;
  if (a == NULL)
    return FALSE;
  n = json_array_get_length (a);
  *out = g_new (guint, MAX (channels, 1));
  *n_out = n;
  if (n > channels)
    return FALSE;
  return read_uints (a, n, (gint64) channels - 1, FALSE, *out, sizeof **out);
}

static gint64
member_int (JsonObject *o,
            const char *name,
            gboolean   *ok)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !is_number (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      *ok = FALSE;
      return 0;
    }
  return json_node_get_int (node);
}

static gboolean read_exact_double (JsonNode *e,
                                   double   *out);

/* A finite number (as add_exact_double writes it), else *@ok = FALSE. */
static double
member_double (JsonObject *o,
               const char *name,
               gboolean   *ok)
{
  JsonNode *node = json_object_get_member (o, name);
  double v = 0;

  if (node == NULL || !read_exact_double (node, &v) || !isfinite (v))
    {
      *ok = FALSE;
      return 0;
    }
  return v;
}

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !is_text (node))
    return NULL;
  return json_node_get_string (node);
}

static gboolean
read_result_members (FmScanResult  *result,
                     JsonObject    *o,
                     const char    *what,
                     GError       **error)
{
  JsonNode *partial;
  gboolean ok = TRUE;
  gint64 images, total, top_k;

  if (member_string (o, "model") == NULL || member_string (o, "dataset") == NULL)
    BAD (_("%s: “model” or “dataset” is missing"), what);
  result->model_path = g_strdup (member_string (o, "model"));
  if (member_string (o, "dataset_escaped") != NULL)
    {
      /* The bytes of a dataset path that is not UTF-8 (fm-scan-json.c). */
      g_autoptr(GBytes) bytes = g_uri_unescape_bytes (member_string (o, "dataset_escaped"), -1,
                                                      NULL, NULL);
      gsize n = 0;
      const char *data = bytes != NULL ? g_bytes_get_data (bytes, &n) : NULL;

      if (data == NULL || n == 0 || memchr (data, 0, n) != NULL)
        BAD (_("%s: “dataset_escaped” is not a %%-escaped file name"), what);
      result->dataset_path = g_strndup (data, n);
    }
  else
    result->dataset_path = g_strdup (member_string (o, "dataset"));
  /* Optional: results of before they were kept have neither. */
  result->model_sha256 = g_strdup (member_string (o, "model_sha256"));
  result->preprocess = g_strdup (member_string (o, "preprocess"));
  images = member_int (o, "images", &ok);
  total = member_int (o, "total", &ok);
  top_k = member_int (o, "top_k", &ok);
  result->rare_below = member_double (o, "rare_below", &ok);
  result->epsilon = (float) member_double (o, "epsilon", &ok);
  result->elapsed = member_double (o, "elapsed", &ok);
  partial = json_object_get_member (o, "partial");
  if (!ok || images < 0 || total < 0 || top_k < 0 || top_k > FM_SCAN_MAX_TOP_K ||
      !(result->rare_below >= 0 && result->rare_below <= 1) || !(result->epsilon >= 0) ||
      !isfinite (result->epsilon) || !(result->elapsed >= 0) ||
      partial == NULL || !JSON_NODE_HOLDS_VALUE (partial) ||
      json_node_get_value_type (partial) != G_TYPE_BOOLEAN)
    BAD (_("%s: “images”, “total”, “top_k”, “rare_below”, “epsilon”, “elapsed” or "
           "“partial” is missing or invalid"), what);
  result->images = (guint64) images;
  result->total = (guint64) total;
  result->top_k = (guint) top_k;
  result->partial = json_node_get_boolean (partial);
  return TRUE;
}

static gboolean
read_warnings (FmScanResult  *result,
               JsonObject    *o,
               const char    *what,
               GError       **error)
{
  JsonArray *warnings = get_array (o, "warnings", G_MAXUINT, FALSE, NULL);
  guint n, bad;

  if (warnings == NULL)
    BAD (_("%s: “warnings” is missing"), what);
  n = json_array_get_length (warnings);
  result->warnings = g_new0 (char *, n + 1);
  if ((bad = read_texts (warnings, n, result->warnings)) < n)
    BAD (_("%s: warnings[%u] is not a string"), what, bad);
  return TRUE;
}

/* Optional (a result of before has none, and reads as a scan of all its
 * dataset's "total" items): "dataset_key", "dataset_items", "limit",
 * "range", "shard", "parts", consistent with each other and with
 * "total". */
static gboolean
read_range_members (FmScanResult  *result,
                    JsonObject    *o,
                    const char    *what,
                    GError       **error)
{
  JsonArray *range = get_array (o, "range", 2, FALSE, NULL);
  JsonNode *shard = json_object_get_member (o, "shard");
  gboolean ok = TRUE;
  guint64 r[2] = { 1, 0 };  /* [begin, end], invalid until read */
  gint64 items, limit, k = 0, n = 0, parts = 0;

  if (json_object_get_member (o, "range") == NULL)
    {
      /* Of before ranges were kept: a scan of the first items. */
      result->dataset_items = result->total;
      result->range_end = result->total;
      return TRUE;
    }
  result->dataset_key = g_strdup (member_string (o, "dataset_key"));
  items = member_int (o, "dataset_items", &ok);
  limit = member_int (o, "limit", &ok);
  if (range != NULL && !read_uints (range, 2, (gint64) FM_DATASET_MAX_ITEMS, TRUE, r, sizeof *r))
    r[0] = 1, r[1] = 0;
  if (json_object_get_member (o, "parts") != NULL)
    parts = member_int (o, "parts", &ok);
  if (shard != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (shard))
        ok = FALSE;
      else
        {
          k = member_int (json_node_get_object (shard), "index", &ok);
          n = member_int (json_node_get_object (shard), "count", &ok);
        }
    }
  if (!ok || items < 0 || items > (gint64) FM_DATASET_MAX_ITEMS || limit < 0 ||
      r[0] > r[1] || r[1] > (guint64) items || r[1] - r[0] != result->total ||
      parts < 0 || parts > G_MAXINT ||
      n < 0 || n > FM_SCAN_MAX_SHARDS || (n > 0 && (k < 1 || k > n)) || (n == 0 && k != 0))
    BAD (_("%s: “dataset_items”, “limit”, “range”, “shard” or “parts” is missing or "
           "invalid"), what);
  result->dataset_items = (guint64) items;
  result->limit = (guint64) limit;
  result->range_begin = r[0];
  result->range_end = r[1];
  result->shard_index = (guint) k;
  result->shard_count = (guint) n;
  result->parts = (guint) parts;
  return TRUE;
}

/* The per-channel arrays of counts and numbers, checked against images. */
static gboolean
read_layer_arrays (FmScanLayer   *L,
                   JsonObject    *lo,
                   guint64        images,
                   const char    *what,
                   GError       **error)
{
  if (!read_counts (lo, "zero_count", L->channels, &L->zero_count) ||
      !read_counts (lo, "fire_count", L->channels, &L->fire_count) ||
      !read_float_member (lo, "max", L->channels, FALSE, &L->max) ||
      !read_float_member (lo, "mean", L->channels, FALSE, &L->mean) ||
      !read_float_member (lo, "pre_activation_max", L->channels, TRUE,
                          &L->pre_activation_max) ||
      !read_float_member (lo, "bias", L->channels, TRUE, &L->bias) ||
      !read_float_member (lo, "weight_max_abs", L->channels, TRUE, &L->weight_max_abs) ||
      !read_indexes (lo, "dead", L->channels, &L->dead, &L->n_dead) ||
      !read_indexes (lo, "rare", L->channels, &L->rare, &L->n_rare))
    BAD (_("%s: layer “%s”: a per-channel array is missing or has the wrong length"),
         what, L->name);
  for (guint c = 0; c < L->channels; c++)
    if (L->zero_count[c] + L->fire_count[c] != images)
      BAD (_("%s: layer “%s”: channel %u: zero_count + fire_count is not images"),
           what, L->name, c);
  return TRUE;
}

/* A number written by add_exact_double: a number, its %.17g text, "inf",
 * "-inf", or null for NaN. */
static gboolean
read_exact_double (JsonNode *e,
                   double   *out)
{
  const char *text;
  char *end;

  if (JSON_NODE_HOLDS_NULL (e))
    {
      *out = NAN;
      return TRUE;
    }
  if (is_number (e))
    {
      *out = json_node_get_value_type (e) == G_TYPE_INT64
             ? (double) json_node_get_int (e) : json_node_get_double (e);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
    return FALSE;
  text = json_node_get_string (e);
  *out = g_ascii_strtod (text, &end);
  return *text != '\0' && *end == '\0';
}

/* The raw sums of one layer: "cells_per_image", "zero_cells",
 * "value_count" and "sum", all or none (a file of before them). */
static gboolean
read_layer_sums (FmScanLayer   *L,
                 JsonObject    *lo,
                 guint64        images,
                 const char    *what,
                 GError       **error)
{
  gboolean ok = TRUE;
  gint64 cells;
  guint64 all;
  JsonArray *sum;

  if (!json_object_has_member (lo, "zero_cells"))
    return TRUE;
  cells = member_int (lo, "cells_per_image", &ok);
  sum = get_array (lo, "sum", L->channels, FALSE, NULL);
  if (!ok || cells < 0 || sum == NULL ||
      !read_counts (lo, "zero_cells", L->channels, &L->zero_cells) ||
      !read_counts (lo, "value_count", L->channels, &L->value_count) ||
      !g_uint64_checked_mul (&all, images, (guint64) cells))
    BAD (_("%s: layer “%s”: “cells_per_image”, “zero_cells”, “value_count” or “sum” is "
           "missing or invalid"), what, L->name);
  L->cells_per_image = (guint64) cells;
  L->sum = g_new (double, MAX (L->channels, 1));
  for (guint c = 0; c < L->channels; c++)
    {
      /* zero cells are numbers; every cell of an all-zero image is zero,
       * and APoZ 100 % is dead */
      if (!read_exact_double (json_array_get_element (sum, c), &L->sum[c]) ||
          L->zero_cells[c] > L->value_count[c] || L->value_count[c] > all ||
          L->zero_cells[c] < L->zero_count[c] * L->cells_per_image ||
          ((L->zero_cells[c] == all) != (L->zero_count[c] == images) && cells > 0))
        BAD (_("%s: layer “%s”: channel %u: “sum”, “zero_cells” or “value_count” does not "
               "agree with the counts"), what, L->name, c);
    }
  return TRUE;
}

/* "class_fire_count": null, or per channel @n_classes counts, none above
 * the channel's fire_count nor the class's images when known. The lengths
 * are checked before the table is made, so it is never larger than the
 * file. */
static gboolean
read_layer_classes (FmScanLayer   *L,
                    JsonObject    *lo,
                    guint          n_classes,
                    const guint64 *class_images,
                    const char    *what,
                    GError       **error)
{
  gboolean is_null;
  JsonArray *a = get_array (lo, "class_fire_count", L->channels, TRUE, &is_null);
  g_autofree guint64 *row = NULL;

  if (n_classes == 0 && (is_null || !json_object_has_member (lo, "class_fire_count")))
    return TRUE;
  if (a == NULL)
    BAD (_("%s: layer “%s”: “class_fire_count” is missing or has the wrong length"),
         what, L->name);
  for (guint c = 0; c < L->channels; c++)
    {
      JsonNode *e = json_array_get_element (a, c);

      if (!JSON_NODE_HOLDS_ARRAY (e) ||
          json_array_get_length (json_node_get_array (e)) != n_classes)
        BAD (_("%s: layer “%s”: channel %u: “class_fire_count” does not have one count per "
               "class"), what, L->name, c);
    }
  L->class_fire_count = g_new (guint32, MAX ((gsize) L->channels * n_classes, 1));
  row = g_new (guint64, MAX (n_classes, 1));
  for (guint c = 0; c < L->channels; c++)
    {
      if (!read_uints (json_node_get_array (json_array_get_element (a, c)), n_classes,
                       (gint64) L->fire_count[c], TRUE, row, sizeof *row))
        BAD (_("%s: layer “%s”: channel %u: “class_fire_count” holds a count that is not a "
               "whole number up to its fire_count"), what, L->name, c);
      for (guint k = 0; k < n_classes; k++)
        {
          if (class_images != NULL && row[k] > class_images[k])
            BAD (_("%s: layer “%s”: channel %u: fires on more images of class %u than "
                   "“class_images” has"), what, L->name, c, k);
          L->class_fire_count[(gsize) c * n_classes + k] = (guint32) row[k];
        }
    }
  return TRUE;
}

/* "classes": the class names, [] or missing without labels; and
 * "class_images", missing in a file written before they were kept. */
static gboolean
read_classes (FmScanResult  *result,
              JsonObject    *o,
              const char    *what,
              GError       **error)
{
  JsonArray *a;
  guint64 sum = 0;
  guint n, bad;

  if (!json_object_has_member (o, "classes"))
    return TRUE;
  a = get_array (o, "classes", G_MAXUINT, FALSE, NULL);
  n = a != NULL ? json_array_get_length (a) : 0;
  if (a == NULL || n > FM_DATASET_MAX_CLASSES)
    BAD (_("%s: “classes” is not an array of at most %d names"), what,
         FM_DATASET_MAX_CLASSES);
  result->class_names = g_new0 (char *, MAX (n, 1));
  result->n_classes = n;
  if ((bad = read_texts (a, n, result->class_names)) < n)
    BAD (_("%s: classes[%u] is not a string"), what, bad);
  if (!json_object_has_member (o, "class_images"))
    return TRUE;
  a = get_array (o, "class_images", n, FALSE, NULL);
  result->class_images = g_new (guint64, MAX (n, 1));
  if (a == NULL || !read_uints (a, n, (gint64) result->images, TRUE, result->class_images,
                                sizeof (guint64)))
    BAD (_("%s: “class_images” is not one whole number per class up to the images scanned"),
         what);
  for (guint k = 0; k < n; k++)
    {
      sum += result->class_images[k];   /* each <= images: no overflow */
      if (sum > result->images)
        BAD (_("%s: “class_images” adds up to more than the images scanned"), what);
    }
  return TRUE;
}

/* Channel @c's top list and diagnosis from its entries of "top",
 * "top_max" and "diagnosis". */
static gboolean
read_channel_top (FmScanLayer  *L,
                  guint         c,
                  guint         k,
                  JsonNode     *ti,
                  JsonNode     *tm,
                  JsonNode     *dn,
                  const char   *what,
                  GError      **error)
{
  JsonArray *tia, *tma;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (ti) || !JSON_NODE_HOLDS_ARRAY (tm) ||
      !JSON_NODE_HOLDS_VALUE (dn) ||
      json_node_get_value_type (dn) != G_TYPE_STRING ||
      !_fm_scan_diagnosis_from_string (json_node_get_string (dn), &L->diagnosis[c]))
    BAD (_("%s: layer “%s”: channel %u: bad “top”, “top_max” or “diagnosis”"),
         what, L->name, c);
  tia = json_node_get_array (ti);
  tma = json_node_get_array (tm);
  n = json_array_get_length (tia);
  if (n > k || json_array_get_length (tma) != n)
    BAD (_("%s: layer “%s”: channel %u: “top” has more than top_k entries"),
         what, L->name, c);
  _fm_scan_top_clear (L->top_index + (gsize) c * k, L->top_max + (gsize) c * k, k);
  for (guint j = 0; j < n; j++)
    {
      JsonNode *a = json_array_get_element (tia, j);
      JsonNode *m = json_array_get_element (tma, j);

      if (!is_number (a) || json_node_get_int (a) < 0 ||
          !(is_number (m) || JSON_NODE_HOLDS_NULL (m)))
        BAD (_("%s: layer “%s”: channel %u: bad top entry %u"), what, L->name, c, j);
      L->top_index[(gsize) c * k + j] = json_node_get_int (a);
      L->top_max[(gsize) c * k + j] = JSON_NODE_HOLDS_NULL (m)
                                      ? NAN : (float) json_node_get_double (m);
    }
  return TRUE;
}

static gboolean
read_layer_tops (FmScanLayer   *L,
                 JsonObject    *lo,
                 guint          k,
                 const char    *what,
                 GError       **error)
{
  JsonArray *top = get_array (lo, "top", L->channels, FALSE, NULL);
  JsonArray *top_max = get_array (lo, "top_max", L->channels, FALSE, NULL);
  JsonArray *diag = get_array (lo, "diagnosis", L->channels, FALSE, NULL);

  if (top == NULL || top_max == NULL || diag == NULL)
    BAD (_("%s: layer “%s”: “top”, “top_max” or “diagnosis” is missing"), what, L->name);
  L->top_index = g_new (gint64, MAX ((gsize) L->channels * k, 1));
  L->top_max = g_new (float, MAX ((gsize) L->channels * k, 1));
  L->diagnosis = g_new0 (FmScanDiagnosis, MAX (L->channels, 1));
  for (guint c = 0; c < L->channels; c++)
    if (!read_channel_top (L, c, k, json_array_get_element (top, c),
                           json_array_get_element (top_max, c),
                           json_array_get_element (diag, c), what, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_layer (FmScanResult  *result,
            guint          l,
            JsonNode      *ln,
            const char    *what,
            GError       **error)
{
  FmScanLayer *L = &result->layers[l];
  JsonObject *lo;
  gboolean ok = TRUE;
  gint64 C;

  if (!JSON_NODE_HOLDS_OBJECT (ln))
    BAD (_("%s: layers[%u] is not an object"), what, l);
  lo = json_node_get_object (ln);
  C = member_int (lo, "channels", &ok);
  if (!ok || C < 0 || C > G_MAXINT || member_string (lo, "name") == NULL ||
      member_string (lo, "op") == NULL)
    BAD (_("%s: layers[%u]: “name”, “op” or “channels” is missing or invalid"), what, l);
  L->name = g_strdup (member_string (lo, "name"));
  L->op = g_strdup (member_string (lo, "op"));
  L->channels = (guint) C;
  if (!read_layer_arrays (L, lo, result->images, what, error) ||
      !read_layer_tops (L, lo, result->top_k, what, error) ||
      !read_layer_sums (L, lo, result->images, what, error) ||
      !read_layer_classes (L, lo, result->n_classes, result->class_images, what, error))
    return FALSE;
  /* the derived values from the raw sums, as the scan made them */
  _fm_scan_result_finish_layer (L, result->images, result->rare_below);
  return TRUE;
}

static gboolean
read_result (FmScanResult  *result,
             JsonNode      *root,
             const char    *what,
             GError       **error)
{
  JsonObject *o;
  JsonArray *layers;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    BAD (_("%s: not a JSON object"), what);
  o = json_node_get_object (root);
  if (!read_result_members (result, o, what, error) ||
      !read_warnings (result, o, what, error) ||
      !read_range_members (result, o, what, error) ||
      !read_classes (result, o, what, error))
    return FALSE;
  layers = get_array (o, "layers", G_MAXUINT, FALSE, NULL);
  if (layers == NULL)
    BAD (_("%s: “layers” is missing"), what);
  result->n_layers = json_array_get_length (layers);
  result->layers = g_new0 (FmScanLayer, MAX (result->n_layers, 1));
  for (guint l = 0; l < result->n_layers; l++)
    if (!read_layer (result, l, json_array_get_element (layers, l), what, error))
      return FALSE;
  return TRUE;
}

#undef BAD

FmScanResult *
fm_scan_result_from_json (JsonNode    *root,
                          const char  *what,
                          GError     **error)
{
  g_autoptr(FmScanResult) result = _fm_scan_result_new ();

  g_return_val_if_fail (root != NULL, NULL);

  if (!read_result (result, root, what != NULL ? what : "scan result", error))
    return NULL;
  return g_steal_pointer (&result);
}

FmScanResult *
fm_scan_result_load_json (const char  *path,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  JsonNode *root;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_name (path);
  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, FM_ERROR,
                   local_error->domain == G_FILE_ERROR ? FM_ERROR_IO : FM_ERROR_INVALID_INPUT,
                   _("%s: cannot read the scan: %s"), display, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT, _("%s: the file is empty"), display);
      return NULL;
    }
  return fm_scan_result_from_json (root, display, error);
}
