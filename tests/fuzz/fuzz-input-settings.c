/* fuzz-input-settings.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the per-model input settings loader (fm_input_settings_load_data,
 * which fm_input_settings_load calls with a file's bytes) over settings
 * made for a 1-channel and a 3-channel model. A failure must be an
 * FM_ERROR naming the input that leaves the settings untouched; a success
 * must leave the model's channels and size alone and give settings that
 * pass fm_preprocess_check, and writing them out and loading that again
 * must give the same settings. It does not preprocess pictures.
 */
#include <string.h>

#include "fm-fuzz.h"
#include "fm-input-settings.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const int channels[2] = { 1, 3 };

  for (guint k = 0; k < G_N_ELEMENTS (channels); k++)
    {
      GError *error = NULL;
      FmPreprocess pp, before;
      gboolean ok;

      fm_preprocess_init (&pp, channels[k], 28, 20);
      before = pp;
      ok = fm_input_settings_load_data ((const char *) data, size, "fuzz-input", &pp, &error);
      if (!ok && error != NULL)
        FM_FUZZ_CHECK (strstr (error->message, "fuzz-input") != NULL);
      fm_fuzz_check_result (ok, error);
      if (!ok)
        {
          FM_FUZZ_CHECK (memcmp (&pp, &before, sizeof pp) == 0);
          continue;
        }

      FM_FUZZ_CHECK (pp.channels == channels[k] && pp.height == 28 && pp.width == 20);
      FM_FUZZ_CHECK (fm_preprocess_check (&pp, NULL));
      {
        g_autofree char *text = fm_input_settings_to_data (&pp);
        FmPreprocess again;

        fm_preprocess_init (&again, channels[k], 28, 20);
        again.background_black = pp.background_black;
        FM_FUZZ_CHECK (fm_input_settings_load_data (text, strlen (text), "fuzz-round-trip",
                                                    &again, NULL));
        FM_FUZZ_CHECK (memcmp (&pp, &again, sizeof pp) == 0);
      }
    }
  return 0;
}
