/* fm-preprocess.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Turns a decoded picture (FmImage) into a model's input tensor
 * [1, C, H, W] float32, the way the model was trained to see it:
 *
 *  1. gray or RGB by the model's channel count (RGB -> gray by luminance
 *     0.299 R + 0.587 G + 0.114 B; gray -> RGB by repeating), scaled to
 *     [0, 1];
 *  2. inverted (v -> 1 - v) when asked, or in AUTO mode when the model's
 *     background is black and the picture's border is bright (mean border
 *     brightness > 0.5: dark strokes on white paper, MNIST seen the other
 *     way round);
 *  3. resized to fit H x W keeping the aspect ratio (area averaging along
 *     an axis that shrinks, bilinear with half-pixel centres along one
 *     that grows, a plain copy when the sizes match), centred, and padded
 *     with the picture's background as the model sees it: white if its
 *     border brightness after step 2 is above 0.5, else black;
 *  4. normalised per channel: (v - mean[c]) / std[c].
 *
 * It does not crop, rotate, centre by mass (as MNIST's own preprocessing
 * did) or handle colour profiles.
 */
#pragma once

#include <glib.h>

#include "fm-error.h"
#include "fm-image.h"
#include "fm-model.h"

G_BEGIN_DECLS

#define FM_PREPROCESS_MAX_CHANNELS 8

typedef enum
{
  FM_INVERT_AUTO,
  FM_INVERT_YES,
  FM_INVERT_NO,
} FmInvert;

typedef struct
{
  int      channels;   /* 1 or 3 */
  int      height;
  int      width;
  float    mean[FM_PREPROCESS_MAX_CHANNELS];
  float    std[FM_PREPROCESS_MAX_CHANNELS];
  int      n_mean;     /* 1 (for all channels) or channels */
  int      n_std;      /* 1 (for all channels) or channels */
  FmInvert invert;
  gboolean background_black;  /* the model was trained on light-on-black */
} FmPreprocess;

/* Defaults: mean 0, std 1, invert AUTO, white background. */
void      fm_preprocess_init            (FmPreprocess   *pp,
                                         int             channels,
                                         int             height,
                                         int             width);

/* From the model's first input (rank 4 [1, C, H, W] with C = 1 or 3) and
 * its metadata "feature_maps.mean", "feature_maps.std" (comma-separated,
 * one value per channel or one for all) and "feature_maps.background"
 * ("black" or "white"). Errors name the model file and the input or
 * metadata key. */
gboolean  fm_preprocess_init_from_model (FmPreprocess   *pp,
                                         const FmModel  *model,
                                         GError        **error);

/* "0.5,0.5,0.5" -> up to @max_values finite floats (C locale, spaces
 * around values allowed). @what names the source in messages ("--mean",
 * "model.onnx: metadata feature_maps.mean"). FM_ERROR_INVALID_INPUT on
 * garbage, empty items, too many values or non-finite numbers. */
gboolean  fm_preprocess_parse_floats    (const char     *text,
                                         const char     *what,
                                         float          *values,
                                         int             max_values,
                                         int            *n_values,
                                         GError        **error);

/* "auto", "yes" or "no". */
gboolean  fm_preprocess_parse_invert    (const char     *text,
                                         FmInvert       *invert,
                                         GError        **error);

/* Checks @pp: channels 1 or 3, positive size, n_mean and n_std 1 or
 * channels, every std non-zero and finite. */
gboolean  fm_preprocess_check           (const FmPreprocess *pp,
                                         GError            **error);

/* Whether @image will be inverted under @pp (resolves AUTO). */
gboolean  fm_preprocess_will_invert     (const FmPreprocess *pp,
                                         const FmImage      *image);

/* Writes the [1, C, H, W] tensor (C * H * W floats) into @out. */
gboolean  fm_preprocess_image           (const FmPreprocess *pp,
                                         const FmImage      *image,
                                         float              *out,
                                         GError            **error);

G_END_DECLS
