/* fuzz-card-spec.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes the LAYER:CHANNEL of `export --card` (fm_card_parse, the
 * syntax export checks first, and fm_card_resolve) against the bundled
 * dying model. A failure must be an FM_ERROR in UTF-8; a success must
 * name an entry of the scan's layer list and a channel below its count,
 * the decimal after the input's last colon, and the layer part must be
 * found alone by fm_card_find_layer; what resolves must parse to the
 * same layer text and channel. It does not draw.
 */
#include <string.h>

#include "fm-card.h"
#include "fm-data.h"
#include "fm-fuzz.h"

static FmModel *model;
static GArray *every;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *path = fm_data_resolve_model ("mnist-cnn-dying", NULL);

  model = path != NULL ? fm_model_load_file (path, NULL, NULL) : NULL;
  FM_FUZZ_CHECK (model != NULL);
  every = fm_layers_list (model, FALSE);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *parsed_layer = NULL;
  GError *error = NULL, *parse_error = NULL;
  guint index = G_MAXUINT, channel = G_MAXUINT, parsed_channel = G_MAXUINT;
  gboolean ok, parsed;

  parsed = fm_card_parse (text, &parsed_layer, &parsed_channel, &parse_error);
  fm_fuzz_check_result (parsed, parse_error);
  ok = fm_card_resolve (model, text, &index, &channel, &error);
  fm_fuzz_check_result (ok, error);
  FM_FUZZ_CHECK (parsed || !ok);
  if (ok)
    {
      const char *colon = strrchr (text, ':');
      g_autofree char *layer = g_strndup (text, colon - text);
      guint again = G_MAXUINT;

      FM_FUZZ_CHECK (index < every->len);
      FM_FUZZ_CHECK (channel < g_array_index (every, FmLayer, index).channels);
      FM_FUZZ_CHECK (g_ascii_strtoull (colon + 1, NULL, 10) == channel);
      FM_FUZZ_CHECK (fm_card_find_layer (model, layer, &again, NULL) && again == index);
      FM_FUZZ_CHECK (strcmp (parsed_layer, layer) == 0 && parsed_channel == channel);
    }
  return 0;
}
