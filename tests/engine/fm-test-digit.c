/* fm-test-digit.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fm-data.h"
#include "fm-image.h"
#include "fm-layers.h"
#include "fm-preprocess.h"
#include "fm-test-digit.h"

void
fm_test_digit_run_init (FmTestDigitRun *r)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model_path = fm_data_resolve_model ("mnist-cnn", &error);
  g_autofree char *digit = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits",
                                             "digit-7.png", NULL);
  g_autoptr(FmImage) image = NULL;
  FmModelOptions options;
  FmPreprocess pp;

  if (r->model != NULL)
    return;
  g_assert_no_error (error);
  fm_model_options_init (&options);
  r->model = fm_model_load_file (model_path, &options, &error);
  g_assert_no_error (error);
  image = fm_image_load (digit, 0, &error);
  g_assert_no_error (error);
  g_assert_true (fm_preprocess_init_from_model (&pp, r->model, &error));
  r->run = fm_run_new (r->model, &error);
  g_assert_no_error (error);
  g_assert_true (fm_preprocess_image (&pp, image, fm_run_input_data (r->run, 0), &error));
  g_assert_true (fm_run_execute (r->run, NULL, &error));
  g_assert_no_error (error);

  r->layers = fm_layers_list (r->model, TRUE);
  r->stats = g_new0 (FmChannelStats *, r->layers->len);
  for (guint i = 0; i < r->layers->len; i++)
    {
      const FmLayer *l = &g_array_index (r->layers, FmLayer, i);
      const FmValue *v = &r->model->values[l->value_id];

      r->stats[i] = g_new0 (FmChannelStats, v->shape.dims[1]);
      fm_channel_stats_compute (fm_run_value_data (r->run, l->value_id),
                                (guint) v->shape.dims[1],
                                (gsize) (v->shape.dims[2] * v->shape.dims[3]), 0.0f,
                                r->stats[i]);
    }
}

void
fm_test_digit_run_clear (FmTestDigitRun *r)
{
  if (r->model == NULL)
    return;
  for (guint i = 0; i < r->layers->len; i++)
    g_free (r->stats[i]);
  g_free (r->stats);
  g_array_unref (r->layers);
  fm_run_free (r->run);
  fm_model_unref (r->model);
}
