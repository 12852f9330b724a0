/* fm-compare.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layer matching and per-channel differences of two models (fm-compare.h).
 */
#include "config.h"

#include "fm-compare.h"

#include <math.h>
#include <string.h>

#include "fm-stats.h"

static gboolean
same_maps (const FmLayer *x,
           const FmLayer *y)
{
  return x->channels == y->channels && x->height == y->height && x->width == y->width;
}

static const char *
layer_name (const FmModel *model,
            const FmLayer *layer)
{
  return model->values[layer->value_id].name;
}

/* Leftover indices of a side: those @used does not mark. */
static GArray *
leftovers (const gboolean *used,
           guint           n)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n; i++)
    if (!used[i])
      g_array_append_val (out, i);
  return out;
}

GArray *
fm_compare_match_layers (const FmModel *a,
                         GArray        *layers_a,
                         const FmModel *b,
                         GArray        *layers_b,
                         GArray       **unmatched_a,
                         GArray       **unmatched_b)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gboolean *used_a = g_new0 (gboolean, layers_a->len + 1);
  g_autofree gboolean *used_b = g_new0 (gboolean, layers_b->len + 1);
  g_autofree int *pair_of_a = g_new (int, layers_a->len + 1);
  GArray *matches = g_array_new (FALSE, FALSE, sizeof (FmLayerMatch));
  int last_b = -1;

  g_return_val_if_fail (a != NULL && layers_a != NULL, matches);
  g_return_val_if_fail (b != NULL && layers_b != NULL, matches);

  /* By name: B's first layer of each name. */
  for (guint j = layers_b->len; j-- > 0;)
    g_hash_table_insert (by_name,
                         (gpointer) layer_name (b, &g_array_index (layers_b, FmLayer, j)),
                         GUINT_TO_POINTER (j + 1));
  for (guint i = 0; i < layers_a->len; i++)
    {
      const FmLayer *la = &g_array_index (layers_a, FmLayer, i);
      guint j = GPOINTER_TO_UINT (g_hash_table_lookup (by_name, layer_name (a, la)));

      pair_of_a[i] = -1;
      if (j > 0 && !used_b[j - 1] && same_maps (la, &g_array_index (layers_b, FmLayer, j - 1)))
        {
          pair_of_a[i] = (int) j - 1;
          used_a[i] = used_b[j - 1] = TRUE;
        }
    }

  /* In order: the next unpaired layer of B with the same maps after the
   * B layer of the last pair seen in A's order. */
  for (guint i = 0; i < layers_a->len; i++)
    {
      const FmLayer *la = &g_array_index (layers_a, FmLayer, i);
      FmLayerMatch m = { i, 0, FM_MATCH_NAME };

      if (pair_of_a[i] < 0)
        {
          for (guint j = (guint) (last_b + 1); j < layers_b->len; j++)
            if (!used_b[j] && same_maps (la, &g_array_index (layers_b, FmLayer, j)))
              {
                pair_of_a[i] = (int) j;
                used_a[i] = used_b[j] = TRUE;
                m.kind = FM_MATCH_ORDER;
                break;
              }
        }
      if (pair_of_a[i] < 0)
        continue;
      m.b = (guint) pair_of_a[i];
      last_b = pair_of_a[i];
      g_array_append_val (matches, m);
    }

  if (unmatched_a != NULL)
    *unmatched_a = leftovers (used_a, layers_a->len);
  if (unmatched_b != NULL)
    *unmatched_b = leftovers (used_b, layers_b->len);
  return matches;
}

void
fm_compare_max_abs_diff (const FmModel *a,
                         const FmLayer *la,
                         FmRun         *run_a,
                         const FmModel *b,
                         const FmLayer *lb,
                         FmRun         *run_b,
                         float         *out)
{
  guint batch = MIN (fm_layer_batch (a, la), fm_layer_batch (b, lb));
  gsize plane = (gsize) la->height * la->width;
  g_autofree float *buffer_a = g_new (float, MAX (fm_layer_copy_size (la), 1));
  g_autofree float *buffer_b = g_new (float, MAX (fm_layer_copy_size (lb), 1));

  g_return_if_fail (same_maps (la, lb));

  for (guint c = 0; c < la->channels; c++)
    out[c] = 0.0f;
  for (guint n = 0; n < batch; n++)
    {
      const float *pa = fm_layer_planes (a, la, run_a, n, buffer_a);
      const float *pb = fm_layer_planes (b, lb, run_b, n, buffer_b);

      if (pa == NULL || pb == NULL)
        continue;
      for (guint c = 0; c < la->channels; c++)
        {
          const float *x = pa + c * plane, *y = pb + c * plane;
          float m = out[c];

          for (gsize k = 0; k < plane && !isnan (m); k++)
            {
              /* Equal infinities are no difference; a NaN on either side
               * makes d NaN, which the channel keeps. */
              float d = x[k] == y[k] ? 0.0f : fabsf (x[k] - y[k]);

              m = isnan (d) || d > m ? d : m;
            }
          out[c] = m;
        }
    }
}
