/* fuzz-scan-json.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the `scan --json` reader (fm_scan_result_from_json, which
 * fm_scan_result_load_json, the cache and `export --scan` use) on any
 * JSON json-glib parses: the measures' members (raw sums, class counts,
 * classes) included. A failure must be an FM_ERROR naming the source; a
 * result must survive writing out and reading back, giving the same text
 * again (so a file the reader takes is one the writer can reproduce).
 * Then the merge of shards (fm_scan_result_merge, which `merge` and the
 * window's Open Scan Result read with) of the result alone and with
 * itself: an error naming the parts, or a result that writes out. It
 * does not fuzz json-glib itself.
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "fm-fuzz.h"
#include "fm-scan.h"

static char *
to_text (const FmScanResult *result)
{
  g_autoptr(JsonNode) root = fm_scan_result_to_json (result);

  return json_to_string (root, FALSE);
}

static void
check_merge (FmScanResult *result)
{
  FmScanResult *parts[2] = { result, result };
  const char *names[2] = { "fuzz-a", "fuzz-b" };

  for (guint n = 1; n <= 2; n++)
    {
      GError *error = NULL;
      g_autoptr(FmScanResult) merged = fm_scan_result_merge (parts, names, n, &error);

      if (merged == NULL && error != NULL)
        FM_FUZZ_CHECK (strstr (error->message, "fuzz-") != NULL ||
                       strstr (error->message, "No part") != NULL);
      fm_fuzz_check_result (merged != NULL, error);
      if (merged != NULL)
        g_free (to_text (merged));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) again = json_parser_new ();
  g_autoptr(FmScanResult) result = NULL;
  g_autoptr(FmScanResult) back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  GError *error = NULL;

  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) size, NULL) ||
      json_parser_get_root (parser) == NULL)
    return 0;
  result = fm_scan_result_from_json (json_parser_get_root (parser), "fuzz-scan", &error);
  if (result == NULL && error != NULL)
    FM_FUZZ_CHECK (strstr (error->message, "fuzz-scan") != NULL);
  fm_fuzz_check_result (result != NULL, error);
  if (result == NULL)
    return 0;

  for (guint l = 0; l < result->n_layers; l++)
    {
      const FmScanLayer *L = &result->layers[l];

      /* near-dead channels fire: never dead too */
      for (guint i = 0; i < L->n_near_dead; i++)
        FM_FUZZ_CHECK (L->near_dead[i] < L->channels && L->fire_count[L->near_dead[i]] > 0);
      for (guint c = 0; c < L->channels; c++)
        {
          FM_FUZZ_CHECK (L->zero_count[c] + L->fire_count[c] == result->images);
          if (L->apoz != NULL && !isnan (L->apoz[c]))
            FM_FUZZ_CHECK (L->apoz[c] >= 0 && L->apoz[c] <= 1);
        }
    }
  text = to_text (result);
  FM_FUZZ_CHECK (json_parser_load_from_data (again, text, -1, NULL));
  back = fm_scan_result_from_json (json_parser_get_root (again), "fuzz-round-trip", &error);
  if (back == NULL)
    fprintf (stderr, "round trip refused: %s\n", error->message);
  FM_FUZZ_CHECK (back != NULL);
  text2 = to_text (back);
  FM_FUZZ_CHECK (strcmp (text, text2) == 0);
  check_merge (result);
  return 0;
}
