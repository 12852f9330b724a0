/* fm-cli-merge.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps merge PART.json…` (README.md): the JSON results of a
 * sharded scan (`scan --shard K/N -o part-K.json`), in any order, as the
 * result of the whole scan (fm_scan_result_merge), reported as `scan`
 * reports one: text, --json, --csv FILE, -o FILE.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fm-cli.h"
#include "fm-cli-scan.h"
#include "fm-scan.h"

int
fm_cli_merge (int    argc,
              char **argv)
{
  FmCliScanOutput output = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) fm_scan_result_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FmScanResult) result = NULL;
  static const char *const missing[] = { N_("missing PART.json"), NULL };
  int status;

  context = fm_cli_option_context_new ("merge", _("PART.json…"),
                                       _("Combine the JSON results of the shards of one scan "
                                         "(“feature-maps scan MODEL DATASET --shard K/N -o "
                                         "part-K.json” for K from 1 to N) into the result of "
                                         "the whole scan, reported like “scan” reports it. "
                                         "The parts may come in any order; parts of other "
                                         "models, datasets or options, partial parts, and "
                                         "items left out or scanned twice are refused."));
  fm_cli_scan_output_add_options (&output, context);
  status = fm_cli_parse_arguments (context, "merge", &argc, &argv, missing, G_MAXINT - 1);
  if (status == FM_CLI_EXIT_OK)
    status = fm_cli_check_outputs (context, "merge", (const char * const *) argv + 1,
                                   (guint) argc - 1,
                                   (const char *[]) { output.output, output.csv }, 2);
  for (int i = 1; status == FM_CLI_EXIT_OK && i < argc; i++)
    {
      FmScanResult *part = fm_scan_result_load_json (argv[i], &error);

      if (part == NULL)
        status = fm_cli_fail (error);
      else
        {
          g_ptr_array_add (parts, part);
          g_ptr_array_add (names, g_filename_display_name (argv[i]));
        }
    }
  if (status == FM_CLI_EXIT_OK)
    {
      result = fm_scan_result_merge ((FmScanResult *const *) parts->pdata,
                                     (const char *const *) names->pdata, parts->len, &error);
      status = result != NULL ? fm_cli_scan_output_write (&output, result, FALSE)
                              : fm_cli_fail (error);
    }
  fm_cli_scan_output_clear (&output);
  return status;
}
