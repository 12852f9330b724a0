/* fuzz-model-load.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fuzzes model loading (fm_model_load_bytes): decode, validation,
 * sorting, each op's attribute checks and shape inference, folding and
 * the arena plan, under a 16 MiB memory budget. On success it checks the
 * plan: every value id in range, every planned node's inputs produced
 * before it, every arena slot inside the arena, every constant holding
 * its shape's element count. External data is refused (no base folder).
 * It does not run the model (see fuzz-model-run.c).
 */
#include "fm-fuzz.h"
#include "fm-fuzz-model.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FmModel *model = fm_fuzz_load_model (data, size, 16 * 1024 * 1024);

  g_clear_pointer (&model, fm_model_unref);
  return 0;
}
