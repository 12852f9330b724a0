/* fm-scan-explain.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scanned channel in words: the diagnosis's stable name (JSON, cache)
 * and the translated explanation the window shows, with the usual
 * remedies for a dead channel and what "dead" can promise; the bound
 * itself and a channel's top classes.
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

gboolean
fm_scan_result_dead_bound (const FmScanResult *result,
                           double             *rule_of_three,
                           double             *exact_95)
{
  double n;

  g_return_val_if_fail (result != NULL, FALSE);

  n = (double) result->images;
  if (rule_of_three != NULL)
    *rule_of_three = n > 0 ? 3.0 / n : NAN;
  /* (1 - p)^N = 0.05 at p = 1 - 0.05^(1/N); -expm1 keeps it exact for large N */
  if (exact_95 != NULL)
    *exact_95 = n > 0 ? -expm1 (log (0.05) / n) : NAN;
  return n > 0;
}

/* How class @a ranks against class @b for a channel's per-class fire
 * counts @row, as the sign of @a's value less @b's: the share of the
 * class's images it fired on when they are known, compared exactly as
 * row[a] * images[b] against row[b] * images[a] (both under 2^64), else
 * the count. */
static int
class_compare (const FmScanResult *result,
               const guint32      *row,
               guint               a,
               guint               b)
{
  guint64 x = row[a], y = row[b];

  if (result->class_images != NULL)
    {
      x *= result->class_images[b];
      y *= result->class_images[a];
    }
  return (x > y) - (x < y);
}

/* Whether class @a goes before class @b: the larger share, then the
 * smaller class. */
static gboolean
class_before (const FmScanResult *result,
              const guint32      *row,
              guint               a,
              guint               b)
{
  int c = class_compare (result, row, a, b);

  return c != 0 ? c > 0 : a < b;
}

guint
fm_scan_result_top_classes (const FmScanResult *result,
                            guint               layer,
                            guint               channel,
                            guint               n,
                            guint              *classes,
                            guint32            *counts)
{
  const FmScanLayer *l;
  const guint32 *row;
  guint found = 0;

  g_return_val_if_fail (result != NULL && layer < result->n_layers, 0);
  l = &result->layers[layer];
  g_return_val_if_fail (channel < l->channels, 0);
  if (l->class_fire_count == NULL || result->n_classes == 0 || n == 0)
    return 0;
  row = l->class_fire_count + (gsize) channel * result->n_classes;
  /* insertion into the n best */
  for (guint k = 0; k < result->n_classes; k++)
    {
      guint pos;

      if (row[k] == 0 || (found == n && !class_before (result, row, k, classes[n - 1])))
        continue;
      pos = found < n ? found++ : n - 1;
      while (pos > 0 && class_before (result, row, k, classes[pos - 1]))
        {
          counts[pos] = counts[pos - 1];
          classes[pos] = classes[pos - 1];
          pos--;
        }
      counts[pos] = row[k];
      classes[pos] = k;
    }
  return found;
}

char *
fm_scan_percent_text (double fraction)
{
  double percent = 100.0 * fraction;

  if (fraction > 0 && percent < 0.01)
    /* Translators: a share of a class's images below 0.01 per cent */
    return g_strdup (_("< 0.01 %"));
  if (fraction > 0 && percent < 0.1)
    /* Translators: a small share of a class's images, e.g. "0.05 %" */
    return g_strdup_printf (_("%.2f %%"), percent);
  /* Translators: the share of a class's images a channel fires on, e.g. "41.2 %" */
  return g_strdup_printf (_("%.1f %%"), fraction < 1 ? MIN (percent, 99.9) : 100.0);
}

/* @count of @images as fm_scan_percent_text () says it. */
static char *
share_text (guint64 count,
            guint64 images)
{
  return fm_scan_percent_text ((double) count / (double) images);
}

/* Whether the channel of @row fires on the same share of every class's
 * images (as a channel firing on every image does): no class stands out. */
static gboolean
classes_alike (const FmScanResult *result,
               const guint32      *row)
{
  guint first = G_MAXUINT, seen = 0;

  if (result->class_images == NULL)
    return FALSE;
  for (guint k = 0; k < result->n_classes; k++)
    {
      if (result->class_images[k] == 0)
        continue;
      if (first == G_MAXUINT)
        first = k;
      else if (class_compare (result, row, k, first) != 0)
        return FALSE;
      seen++;
    }
  return seen >= 2;
}

char *
fm_scan_result_top_classes_text (const FmScanResult *result,
                                 guint               layer,
                                 guint               channel,
                                 guint               n)
{
  g_autofree guint *classes = g_new (guint, MAX (n, 1));
  g_autofree guint32 *counts = g_new (guint32, MAX (n, 1));
  guint found = fm_scan_result_top_classes (result, layer, channel, n, classes, counts);
  const guint32 *row;
  g_autofree char *value = NULL;
  GString *text;

  if (found == 0)
    return NULL;
  row = result->layers[layer].class_fire_count + (gsize) channel * result->n_classes;
  if (classes_alike (result, row))
    {
      g_autofree char *share = share_text (counts[0], result->class_images[classes[0]]);

      /* Translators: a channel fires on the same share of every class's images,
         e.g. "every class alike (100.0 %)" */
      return g_strdup_printf (_("every class alike (%s)"), share);
    }
  text = g_string_new (NULL);
  for (guint i = 0; i < found; i++)
    {
      g_free (value);
      value = result->class_images != NULL
              ? share_text (counts[i], result->class_images[classes[i]])
              : g_strdup_printf ("%u", counts[i]);
      g_string_append_printf (text, "%s%s: %s", i > 0 ? " · " : "",
                              result->class_names[classes[i]], value);
    }
  if (found == n)
    {
      /* the classes left out only by their number: as many as the last */
      guint last = classes[found - 1], more = 0;

      for (guint k = last + 1; k < result->n_classes; k++)
        more += row[k] > 0 && class_compare (result, row, k, last) == 0;
      if (more > 0)
        /* Translators: further classes with the same share (or count), e.g.
           "7: 100.0 % · 1: 100.0 % · 6 more at 100.0 %" */
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " · %u more at %s",
                                                   " · %u more at %s", more), more, value);
    }
  return g_string_free (text, FALSE);
}

char *
fm_scan_result_apoz_text (const FmScanResult *result,
                          guint               layer,
                          guint               channel)
{
  const FmScanLayer *l;

  g_return_val_if_fail (result != NULL && layer < result->n_layers, NULL);
  l = &result->layers[layer];
  if (channel >= l->channels || l->apoz == NULL || isnan (l->apoz[channel]))
    return NULL;
  {
    g_autofree char *apoz = fm_scan_percent_text (l->apoz[channel]);
    g_autofree char *mean = fm_scan_percent_text (l->apoz_mean);

    /* Translators: a channel's APoZ, then its layer's mean APoZ, e.g.
       "99.9 % (layer mean 60.2 %)" */
    return g_strdup_printf (_("%s (layer mean %s)"), apoz, mean);
  }
}

gboolean
fm_scan_result_is_near_dead (const FmScanResult *result,
                             guint               layer,
                             guint               channel)
{
  const FmScanLayer *l;

  g_return_val_if_fail (result != NULL, FALSE);
  if (layer >= result->n_layers)
    return FALSE;
  l = &result->layers[layer];
  for (guint i = 0; i < l->n_near_dead; i++)
    if (l->near_dead[i] == channel)
      return TRUE;
  return FALSE;
}

/* How often a live channel fires, whether that is rarely, its APoZ and
 * whether it is near-dead. */
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
  if (l->apoz != NULL && !isnan (l->apoz[channel]))
    {
      g_string_append_c (text, ' ');
      /* Translators: APoZ is "Average Percentage of Zeros" (Hu et al.
       * 2016); keep the abbreviation. The numbers are percentages. */
      g_autofree char *apoz = fm_scan_percent_text (l->apoz[channel]);
      g_autofree char *mean = fm_scan_percent_text (l->apoz_mean);

      g_string_append_printf (text, _("APoZ %s: that share of its values over all "
                                      "images and positions is zero (layer mean %s)."),
                              apoz, mean);
    }
  if (fm_scan_result_is_near_dead (result, (guint) (l - result->layers), channel))
    {
      g_string_append_c (text, ' ');
      /* xgettext:no-c-format */
      g_string_append (text, _("It is near-dead: its APoZ is above the layer’s mean plus "
                               "one standard deviation, the usual criterion for pruning "
                               "it, and at least 50 %."));
    }
  return g_string_free (text, FALSE);
}

/* What "dead" can promise after N images. */
static void
append_bound (GString            *text,
              const FmScanResult *result,
              const char         *images)
{
  double rule, exact;
  char share[G_ASCII_DTOSTR_BUF_SIZE];

  if (!fm_scan_result_dead_bound (result, &rule, &exact))
    return;
  g_snprintf (share, sizeof share, "%.2g", 100.0 * exact);
  g_string_append_c (text, ' ');
  if (result->images >= 30)
    /* Translators: the first %s is a percentage ("0.15"), the second a
     * number of images; "3 in 2000" is the rule of three. */
    g_string_append_printf (text, _("A channel that fires on more than %s %% of such inputs "
                                    "(about 3 in %s) would have shown with 95 %% "
                                    "confidence; a rarer one may have been missed."),
                            share, images);
  else
    /* Translators: %s is a percentage ("14"). */
    g_string_append_printf (text, _("A channel that fires on more than %s %% of such inputs "
                                    "would have shown with 95 %% confidence; a rarer one may "
                                    "have been missed."),
                            share);
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
      if (!isnan (bias) && bias < 0.0f)
        g_string_append_printf (text, _("Its largest pre-activation over the whole dataset "
                                        "was %.2f, at or below zero, so the activation zeroed "
                                        "every position of every image; the bias, %.2f, keeps "
                                        "it negative."),
                                (double) pre, (double) bias);
      else if (!isnan (bias))
        g_string_append_printf (text, _("Its largest pre-activation over the whole dataset "
                                        "was %.2f, at or below zero, so the activation zeroed "
                                        "every position of every image; its bias, %.2f, is not "
                                        "negative: its weights alone turn every input below "
                                        "zero."),
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
fm_scan_result_dead_reason (const FmScanResult *result,
                            guint               layer,
                            guint               channel)
{
  const FmScanLayer *l;
  float bias;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (result != NULL && layer < result->n_layers, NULL);
  l = &result->layers[layer];
  g_return_val_if_fail (channel < l->channels, NULL);

  bias = l->bias != NULL ? l->bias[channel] : NAN;
  switch (l->diagnosis[channel])
    {
    case FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED:
      g_string_printf (text, _("weights collapsed to near zero (largest |w| %.2g)"),
                       (double) l->weight_max_abs[channel]);
      break;
    case FM_SCAN_DIAGNOSIS_INPUTS_DEAD:
      g_string_assign (text, _("every input channel it reads is dead"));
      break;
    case FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE:
      if (!isnan (bias) && bias < 0.0f)
        g_string_printf (text, _("the bias keeps it negative: largest pre-activation %.2f"),
                         (double) l->pre_activation_max[channel]);
      else
        g_string_printf (text, _("its weighted input never rises above zero: largest "
                                 "pre-activation %.2f"),
                         (double) l->pre_activation_max[channel]);
      break;
    default:
      g_string_printf (text, _("never above the zero threshold (%g)"), (double) result->epsilon);
      break;
    }
  if (!isnan (bias))
    g_string_append_printf (text, _(", bias %.2f"), (double) bias);
  return g_string_free (text, FALSE);
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
  append_bound (text, result, images);
  g_string_append_c (text, ' ');
  g_string_append (text, _("Usual remedies: a lower learning rate, batch normalisation "
                           "before the activation, LeakyReLU instead of ReLU, and better "
                           "initialisation (He/Kaiming)."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}
