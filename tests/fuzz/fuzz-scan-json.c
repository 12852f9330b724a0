/* fuzz-scan-json.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the reader of `scan --json` files (fm_scan_result_from_json,
 * which the scan cache, `export --scan`, `merge` and the window's Open
 * Scan Result read with) and the merge of what it accepts
 * (fm_scan_result_merge). A failure must be an FM_ERROR naming the
 * input; a result read must write out as JSON that reads back to the
 * same JSON; merging it alone, or with itself, either fails with an
 * error or gives a result that writes out too. It does not scan.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "fm-fuzz.h"
#include "fm-scan.h"

static char *
to_text (const FmScanResult *r)
{
  g_autoptr(JsonNode) root = fm_scan_result_to_json (r);

  return json_to_string (root, FALSE);
}

static void
check_merge (FmScanResult *r)
{
  FmScanResult *parts[2] = { r, r };
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
  g_autoptr(FmScanResult) r = NULL;
  g_autoptr(FmScanResult) again = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  GError *error = NULL;

  if (!json_parser_load_from_data (parser, (const char *) data, (gssize) size, NULL) ||
      json_parser_get_root (parser) == NULL)
    return 0;
  r = fm_scan_result_from_json (json_parser_get_root (parser), "fuzz-input", &error);
  if (r == NULL && error != NULL)
    FM_FUZZ_CHECK (strstr (error->message, "fuzz-input") != NULL);
  fm_fuzz_check_result (r != NULL, error);
  if (r == NULL)
    return 0;

  /* What was read writes out, and reads back to the same. */
  text = to_text (r);
  root = json_from_string (text, NULL);
  FM_FUZZ_CHECK (root != NULL);
  again = fm_scan_result_from_json (root, "fuzz-round-trip", NULL);
  FM_FUZZ_CHECK (again != NULL);
  text_again = to_text (again);
  FM_FUZZ_CHECK (strcmp (text, text_again) == 0);

  check_merge (r);
  return 0;
}
