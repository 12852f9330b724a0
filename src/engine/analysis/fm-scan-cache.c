/* fm-scan-cache.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The result cache and the scan through it, one way for the CLI and the
 * window: a file per key under $XDG_CACHE_HOME/feature-maps/scans/, the
 * key made of the model's digest (its files' bytes), the dataset's
 * content key and the options that change the numbers, never of file
 * names.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-file.h"
#include "fm-input-settings.h"
#include "fm-sha256.h"

#include "fm-scan-private.h"

static void
append_number (GString    *s,
               const char *format,
               double      v)
{
  char d[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (s, " %s", g_ascii_formatd (d, sizeof d, format, v));
}

/* Everything that changes the numbers; not the thread count. */
static void
append_options (GString             *opts,
                const char          *dataset_key,
                const FmScanOptions *options)
{
  const FmPreprocess *pp = &options->preprocess;

  g_string_append_printf (opts, "\nformat %d\n%s\nlimit %" G_GUINT64_FORMAT " top_k %u",
                          FM_SCAN_FORMAT_VERSION, dataset_key, options->limit, options->top_k);
  /* A shard is another set of items (its range follows from the
   * dataset, the limit and K/N). */
  if (options->shard_count > 0)
    g_string_append_printf (opts, " shard %u/%u", options->shard_index, options->shard_count);
  g_string_append (opts, " rare");
  append_number (opts, "%.17g", options->rare_below);
  g_string_append (opts, " eps");
  append_number (opts, "%.9g", options->epsilon);
  /* Preprocessing 2: letterboxing with the picture's border colour. */
  g_string_append (opts, " pp-version 2");
  /* Layers 2: channels-last, token and [N, C, L] layers (fm-layers.h); a
   * scan of before read NHWC tensors as NCHW. */
  g_string_append (opts, " layers 2");
  if (pp->channels == 0)
    {
      g_string_append (opts, " pp model");
      return;
    }
  g_string_append_printf (opts, " pp %d %d %d inv %d black %d mean", pp->channels,
                          pp->height, pp->width, pp->invert, pp->background_black);
  for (int i = 0; i < pp->n_mean && i < FM_PREPROCESS_MAX_CHANNELS; i++)
    append_number (opts, "%.9g", pp->mean[i]);
  g_string_append (opts, " std");
  for (int i = 0; i < pp->n_std && i < FM_PREPROCESS_MAX_CHANNELS; i++)
    append_number (opts, "%.9g", pp->std[i]);
  g_string_append_printf (opts, " order %d range %d resize %d background", pp->order,
                          pp->range, pp->resize);
  if (pp->background_auto)
    g_string_append (opts, " auto");
  else
    for (int i = 0; i < 3; i++)
      append_number (opts, "%.9g", pp->background[i]);
}

/* What identifies the model: its file's digest alone (its `sha256sum`)
 * or, with external data files, the SHA-256 of that digest and of each
 * external data file's name (in the model's folder) and digest. The
 * digests are fm_sha256_file ()'s, remembered across runs, so the cache
 * key, the result's model_sha256 and the input settings read the file
 * once. */
static char *
model_digest (const char  *model_path,
              GPtrArray   *external_files,
              GError     **error)
{
  g_autoptr(FmSha256) sum = NULL;
  g_autofree char *digest = fm_sha256_file (model_path, error);

  if (digest == NULL || external_files == NULL || external_files->len == 0)
    return g_steal_pointer (&digest);
  sum = fm_sha256_new ();
  fm_sha256_update (sum, digest, strlen (digest));
  for (guint i = 0; i < external_files->len; i++)
    {
      const char *path = g_ptr_array_index (external_files, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *file_digest = fm_sha256_file (path, error);

      if (file_digest == NULL)
        return NULL;
      fm_sha256_update (sum, base, strlen (base) + 1);
      fm_sha256_update (sum, file_digest, strlen (file_digest));
    }
  return g_strdup (fm_sha256_get_string (sum));
}

/* The key: the model's digest (of @model_path and @external_files, see
 * model_digest ()), then the dataset and the options. */
static char *
cache_path (const char          *model_path,
            GPtrArray           *external_files,
            const char          *dataset_key,
            const FmScanOptions *options,
            GError             **error)
{
  g_autofree char *digest = model_digest (model_path, external_files, error);
  g_autoptr(FmSha256) sum = fm_sha256_new ();
  g_autoptr(GString) opts = g_string_new (NULL);
  g_autofree char *name = NULL;

  if (digest == NULL)
    return NULL;
  fm_sha256_update (sum, digest, strlen (digest));
  append_options (opts, dataset_key, options);
  fm_sha256_update (sum, opts->str, opts->len);

  name = g_strconcat (fm_sha256_get_string (sum), ".json", NULL);
  return g_build_filename (g_get_user_cache_dir (), "feature-maps", "scans", name, NULL);
}

char *
fm_scan_model_sha256 (const FmModel  *model,
                      GError        **error)
{
  g_return_val_if_fail (model != NULL, NULL);

  if (model->path == NULL)
    return NULL;
  return model_digest (model->path, model->external_files, error);
}

char *
fm_scan_preprocess_text (const FmPreprocess *pp)
{
  g_autofree char *data = fm_input_settings_to_data (pp);
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  g_autoptr(GString) s = g_string_new (NULL);

  g_return_val_if_fail (pp != NULL, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && lines[i][0] != '#' && lines[i][0] != '[')
      g_string_append_printf (s, "%s%s", s->len > 0 ? "; " : "", lines[i]);
  return g_strdup (s->str);
}

char *
fm_scan_cache_path (const char          *model_path,
                    const char          *dataset_key,
                    const FmScanOptions *options,
                    GError             **error)
{
  g_return_val_if_fail (model_path != NULL && dataset_key != NULL && options != NULL, NULL);

  return cache_path (model_path, NULL, dataset_key, options, error);
}

char *
fm_scan_cache_path_for_model (const FmModel       *model,
                              const char          *dataset_key,
                              const FmScanOptions *options,
                              GError             **error)
{
  g_return_val_if_fail (model != NULL && dataset_key != NULL && options != NULL, NULL);

  return cache_path (model->path, model->external_files, dataset_key, options, error);
}

FmScanResult *
fm_scan_cache_load (const char  *path,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonNode *version;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: no cached scan"), path);
      return NULL;
    }
  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT, _("%s: cannot read: %s"), path,
                   local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (version = json_object_get_member (json_node_get_object (root), "format")) == NULL ||
      !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) != FM_SCAN_FORMAT_VERSION)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: not a scan cache file of format %d"), path, FM_SCAN_FORMAT_VERSION);
      return NULL;
    }
  return fm_scan_result_from_json (root, path, error);
}

gboolean
fm_scan_cache_save (const FmScanResult *result,
                    const char         *path,
                    GError            **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  g_return_val_if_fail (result != NULL && path != NULL, FALSE);

  dir = g_path_get_dirname (path);
  if (!fm_file_make_folder (dir, 0700, error))
    return FALSE;
  root = fm_scan_result_to_json (result);
  json_object_set_int_member (json_node_get_object (root), "format", FM_SCAN_FORMAT_VERSION);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);
  return fm_file_write_atomic (path, text, len, error);
}

/* ---- scanning through the cache --------------------------------------- */

/* The cached result for this model, dataset and options, named after the
 * files it was asked for now: the key holds their contents, not their
 * names, so the same model under another name is the same model. NULL
 * when there is none, or it cannot be read (the scan makes a new one). */
static FmScanResult *
cache_lookup (const char *path,
              FmModel    *model,
              FmDataset  *dataset)
{
  FmScanResult *result = fm_scan_cache_load (path, NULL);

  if (result == NULL)
    return NULL;
  /* Only this function holds the fresh result: it may still change. */
  g_free (result->model_path);
  result->model_path = g_strdup (model->path);
  g_free (result->dataset_path);
  result->dataset_path = g_strdup (fm_dataset_get_path (dataset));
  return result;
}

FmScanResult *
fm_scan_run_cached (FmModel              *model,
                    FmDataset            *dataset,
                    const FmScanOptions  *options,
                    FmScanCacheMode       mode,
                    FmScanProgressFunc    progress,
                    gpointer              user_data,
                    GCancellable         *cancellable,
                    gboolean             *from_cache,
                    GError              **cache_error,
                    GError              **error)
{
  g_autoptr(GError) path_error = NULL;
  g_autoptr(FmScan) scan = NULL;
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  FmScanResult *result;

  g_return_val_if_fail (model != NULL && dataset != NULL && options != NULL, NULL);

  if (from_cache != NULL)
    *from_cache = FALSE;
  if (mode != FM_SCAN_CACHE_SKIP)
    {
      key = fm_dataset_dup_content_key (dataset, cancellable, &path_error);
      if (key != NULL)
        path = fm_scan_cache_path_for_model (model, key, options, &path_error);
    }
  if (path != NULL && (result = cache_lookup (path, model, dataset)) != NULL)
    {
      if (from_cache != NULL)
        *from_cache = TRUE;
      return result;
    }
  if (mode == FM_SCAN_CACHE_LOOK_ONLY)
    return NULL;

  scan = fm_scan_new (model, dataset, options);
  fm_scan_run (scan, progress, user_data, cancellable, error);
  result = fm_scan_get_result (scan);
  /* Only this function and the scan hold the fresh result: it may still
   * change. */
  if (result != NULL && result->dataset_key == NULL)
    result->dataset_key = g_strdup (key);
  if (result == NULL || result->partial || mode == FM_SCAN_CACHE_SKIP)
    return result != NULL ? fm_scan_result_ref (result) : NULL;

  /* A complete result is kept for next time; saying why it cannot be is
   * the caller's, and the result stands either way. */
  if (path == NULL)
    g_propagate_error (cache_error, g_steal_pointer (&path_error));
  else
    fm_scan_cache_save (result, path, cache_error);
  return fm_scan_result_ref (result);
}
