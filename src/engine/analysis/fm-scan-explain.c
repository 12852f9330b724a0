/* fm-scan-explain.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scanned channel in words: the diagnosis's stable name (JSON, cache)
 * and the translated explanation the window shows, with the usual
 * remedies for a dead channel.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "fm-scan-private.h"

const char *
fm_scan_diagnosis_to_string (FmScanDiagnosis diagnosis)
{
  switch (diagnosis)
    {
    case FM_SCAN_DIAGNOSIS_NONE:
      return "none";
    case FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED:
      return "weights-collapsed";
    case FM_SCAN_DIAGNOSIS_INPUTS_DEAD:
      return "inputs-dead";
    case FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE:
      return "bias-negative";
    case FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD:
      return "never-above-threshold";
    default:
      return "none";
    }
}

gboolean
_fm_scan_diagnosis_from_string (const char      *s,
                                FmScanDiagnosis *out)
{
  for (int d = FM_SCAN_DIAGNOSIS_NONE; d <= FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD; d++)
    if (g_strcmp0 (s, fm_scan_diagnosis_to_string (d)) == 0)
      {
        *out = d;
        return TRUE;
      }
  return FALSE;
}

/* A live channel: how often it fires, and whether that is rarely. */
static char *
explain_live (const FmScanResult *result,
              const FmScanLayer  *l,
              guint               channel,
              const char         *images)
{
  double share = 100.0 * (double) l->fire_count[channel] / (double) result->images;
  GString *text = g_string_new (NULL);

  /* Translators: how many images of how many a channel fired on, and the share. */
  g_string_printf (text, _("This channel fires on %" PRIu64 " of %s images "
                           "(%.2f %%)."),
                   l->fire_count[channel], images, share);
  if (l->fire_count[channel] > 0 && share < 100.0 * result->rare_below)
    g_string_append_printf (text, " %s",
                            _("It is rarely active: it may be close to dying, or "
                              "detect something uncommon."));
  return g_string_free (text, FALSE);
}

/* Why a dead channel is dead, from its diagnosis. */
static void
append_diagnosis (GString            *text,
                  const FmScanResult *result,
                  const FmScanLayer  *l,
                  guint               channel)
{
  float bias = l->bias != NULL ? l->bias[channel] : NAN;
  float pre = l->pre_activation_max != NULL ? l->pre_activation_max[channel] : NAN;

  switch (l->diagnosis[channel])
    {
    case FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED:
      if (!isnan (bias))
        g_string_append_printf (text, _("Its weights have collapsed to near zero (the largest "
                                        "is %.2g), so it ignores its input and only its bias, "
                                        "%.2f, is left."),
                                (double) l->weight_max_abs[channel], (double) bias);
      else
        g_string_append_printf (text, _("Its weights have collapsed to near zero (the largest "
                                        "is %.2g), so it ignores its input."),
                                (double) l->weight_max_abs[channel]);
      break;
    case FM_SCAN_DIAGNOSIS_INPUTS_DEAD:
      g_string_append (text, _("Every input channel it reads is itself dead, so it never "
                               "receives a signal: look at the earlier layer first."));
      break;
    case FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE:
      if (!isnan (bias))
        g_string_append_printf (text, _("Its largest pre-activation over the whole dataset "
                                        "was %.2f, at or below zero, so the activation zeroed "
                                        "every position of every image; the bias, %.2f, keeps "
                                        "it negative."),
                                (double) pre, (double) bias);
      else
        g_string_append_printf (text, _("Its largest pre-activation over the whole dataset "
                                        "was %.2f, at or below zero, so the activation zeroed "
                                        "every position of every image."),
                                (double) pre);
      break;
    default:
      g_string_append_printf (text, _("Its values never rose above the zero threshold "
                                      "(%g)."),
                              (double) result->epsilon);
      break;
    }
}

char *
fm_scan_result_explain (const FmScanResult *result,
                        guint               layer,
                        guint               channel)
{
  const FmScanLayer *l;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *images = NULL;

  g_return_val_if_fail (result != NULL && layer < result->n_layers, NULL);
  l = &result->layers[layer];
  g_return_val_if_fail (channel < l->channels, NULL);

  images = g_strdup_printf ("%" G_GUINT64_FORMAT, result->images);
  if (result->images == 0)
    return g_strdup (_("No images were scanned."));
  if (l->diagnosis[channel] == FM_SCAN_DIAGNOSIS_NONE)
    return explain_live (result, l, channel, images);

  g_string_printf (text, _("This channel is dead: it is zero for all %s scanned images."),
                   images);
  g_string_append_c (text, ' ');
  append_diagnosis (text, result, l, channel);
  g_string_append_c (text, ' ');
  g_string_append (text, _("Usual remedies: a lower learning rate, batch normalisation "
                           "before the activation, LeakyReLU instead of ReLU, and better "
                           "initialisation (He/Kaiming)."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}
