/* fm-preprocess.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Turns a decoded picture (FmImage) into a model's input tensor
 * [1, C, H, W] float32, the way the model was trained to see it. Two
 * halves, so the window (whose canvas holds the first half's output) can
 * use each alone:
 *
 * picture -> canvas (fm_preprocess_image_to_canvas), [C, H, W] in [0, 1],
 * channels in canonical order (gray, or R, G, B):
 *  1. gray or RGB by the model's channel count (RGB -> gray by luminance
 *     0.299 R + 0.587 G + 0.114 B; gray -> RGB by repeating), scaled to
 *     [0, 1];
 *  2. inverted (v -> 1 - v) when asked, or in AUTO mode when the model's
 *     background is dark (fm_preprocess_background_is_dark) and the
 *     picture's border is bright (mean border brightness > 0.5: dark
 *     strokes on white paper, MNIST seen the other way round);
 *  3. resized to H x W: FIT keeps the aspect ratio, centres the picture
 *     and letterboxes it; STRETCH ignores the aspect ratio; CROP scales the
 *     picture to cover H x W and keeps the centre (whole pixels of the
 *     scaled picture, as torchvision's Resize + CenterCrop). Area averaging
 *     along an axis that shrinks, bilinear with half-pixel centres along
 *     one that grows, a plain copy when the sizes match. The letterbox is
 *     the explicit background colour, or with background_auto the
 *     picture's own border colour (the per-channel median of its outermost
 *     ring of pixels, after step 2).
 *
 * canvas -> tensor (fm_preprocess_canvas_to_tensor), per model channel c:
 *  4. BGR takes the canvas's channel 2 - c;
 *  5. the value range: v, 255 v or 2 v - 1;
 *  6. normalised: (v - mean[c]) / std[c];
 *  7. written [1, C, H, W], or [1, H, W, C] when the graph proves its
 *     input channels-last (fm-layout.h: a Keras or tf2onnx export).
 *
 * It does not rotate, centre by mass (as MNIST's own preprocessing did) or
 * handle colour profiles.
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

/* The order of the model's channels: GRAY for a 1-channel model, RGB or
 * BGR for a 3-channel one. */
typedef enum
{
  FM_CHANNEL_ORDER_GRAY,
  FM_CHANNEL_ORDER_RGB,
  FM_CHANNEL_ORDER_BGR,
} FmChannelOrder;

/* What the [0, 1] picture becomes before (v - mean) / std. */
typedef enum
{
  FM_VALUE_RANGE_0_1,
  FM_VALUE_RANGE_0_255,
  FM_VALUE_RANGE_M1_1,
} FmValueRange;

typedef enum
{
  FM_RESIZE_FIT,      /* keep the aspect ratio, letterbox */
  FM_RESIZE_STRETCH,  /* to H x W, ignoring the aspect ratio */
  FM_RESIZE_CROP,     /* cover H x W, keep the centre */
} FmResize;

typedef struct
{
  int            channels;   /* 1 or 3 */
  int            height;
  int            width;
  float          mean[FM_PREPROCESS_MAX_CHANNELS];   /* in the model's channel order */
  float          std[FM_PREPROCESS_MAX_CHANNELS];
  int            n_mean;     /* 1 (for all channels) or channels */
  int            n_std;      /* 1 (for all channels) or channels */
  FmInvert       invert;
  gboolean       background_black;  /* the model's metadata: trained on light-on-black */
  FmChannelOrder order;
  FmValueRange   range;
  FmResize       resize;
  gboolean       background_auto;   /* letterbox with the picture's border colour */
  float          background[3];     /* else this colour, RGB in [0, 1]; it is also the
                                     * model's empty canvas and overrides
                                     * background_black */
  gboolean       channels_last;     /* the tensor is [1, H, W, C] (from the model, not a
                                     * setting) */
} FmPreprocess;

/* Defaults: mean 0, std 1, invert AUTO, white model background, gray or
 * RGB, range 0-1, FIT, background auto. */
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

/* Whether @model has any of the metadata above. */
gboolean  fm_preprocess_model_has_metadata (const FmModel *model);

/* Whether @pp (from fm_preprocess_init_from_model) is of a PyTorch export
 * of RGB pictures ([1, 3, H, W]) that has none of the metadata: such a
 * model most likely saw torchvision's ImageNet transform. */
gboolean  fm_preprocess_is_torchvision_guess (const FmPreprocess *pp,
                                              const FmModel      *model);

/* The settings a model starts with, in the window and on the command
 * line alike: fm_preprocess_init_from_model (), then, where
 * fm_preprocess_is_torchvision_guess (), torchvision's ImageNet mean and
 * std and a centre crop. */
gboolean  fm_preprocess_init_defaults   (FmPreprocess   *pp,
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

/* The names of the command line and the settings file. Each parser fails
 * with FM_ERROR_INVALID_INPUT "WHAT: 'TEXT' is not one of ...", @what
 * naming the source ("--channels", "FILE: key channels"). */
/* "gray", "rgb" or "bgr". */
gboolean  fm_preprocess_parse_channel_order (const char      *text,
                                             const char      *what,
                                             FmChannelOrder  *order,
                                             GError         **error);
/* "0-1", "0-255" or "-1-1". */
gboolean  fm_preprocess_parse_value_range   (const char      *text,
                                             const char      *what,
                                             FmValueRange    *range,
                                             GError         **error);
/* "fit", "stretch" or "crop". */
gboolean  fm_preprocess_parse_resize        (const char      *text,
                                             const char      *what,
                                             FmResize        *resize,
                                             GError         **error);
/* "auto" (*is_auto TRUE, @rgb untouched), "white", "black", "#rrggbb" or
 * "R,G,B" with each value in [0, 1]. */
gboolean  fm_preprocess_parse_background    (const char      *text,
                                             const char      *what,
                                             gboolean        *is_auto,
                                             float            rgb[3],
                                             GError         **error);

/* The names the parsers read; NULL for a value outside the enum. */
const char *fm_preprocess_invert_name        (FmInvert        invert);
const char *fm_preprocess_channel_order_name (FmChannelOrder  order);
const char *fm_preprocess_value_range_name   (FmValueRange    range);
const char *fm_preprocess_resize_name        (FmResize        resize);
/* "auto", "white", "black", "#rrggbb" when that is exact, else "R,G,B"
 * (%.9g, so it parses back to the same floats). */
char       *fm_preprocess_background_name    (const FmPreprocess *pp);

/* An explicit background (@is_auto FALSE, @rgb in [0, 1]) or auto. */
void      fm_preprocess_set_background  (FmPreprocess   *pp,
                                         gboolean        is_auto,
                                         const float     rgb[3]);
/* Whether the model sees light strokes on a dark ground: an explicit
 * background's luminance below 0.5, else background_black. AUTO inversion
 * and the canvas follow it. */
gboolean  fm_preprocess_background_is_dark (const FmPreprocess *pp);
/* The model's empty canvas as RGB in [0, 1]: the explicit background, or
 * black or white by background_black. */
void      fm_preprocess_get_canvas_color (const FmPreprocess *pp,
                                          float               rgb[3]);

/* Presets set the channel order (gray, or RGB), the range 0-1, mean and
 * std; nothing else:
 *   "mnist":    mean 0.1307, std 0.3081 (for every channel);
 *   "imagenet": mean 0.485, 0.456, 0.406, std 0.229, 0.224, 0.225 (3
 *               channels only);
 *   "none":     mean 0, std 1.
 * FM_ERROR_INVALID_INPUT for another name or ImageNet on a 1-channel
 * model; @pp is then unchanged. */
gboolean    fm_preprocess_apply_preset  (FmPreprocess       *pp,
                                         const char         *name,
                                         GError            **error);
/* The preset @pp matches exactly (order, range, mean, std), or NULL for
 * custom settings. */
const char *fm_preprocess_get_preset    (const FmPreprocess *pp);
/* One translated line for people: "RGB, 0–1, normalised with ImageNet
 * mean/std, not inverted". Free with g_free(). */
char       *fm_preprocess_describe      (const FmPreprocess *pp);

/* Checks @pp: channels 1 or 3, positive size, n_mean and n_std 1 or
 * channels, every mean finite and every std non-zero and finite, the
 * order fits the channels (gray for 1, rgb or bgr for 3), the enums are
 * known and the background is finite and in [0, 1]. */
gboolean  fm_preprocess_check           (const FmPreprocess *pp,
                                         GError            **error);

/* Whether @image will be inverted under @pp (resolves AUTO). */
gboolean  fm_preprocess_will_invert     (const FmPreprocess *pp,
                                         const FmImage      *image);

/* Steps 1-3: writes the canvas [C, H, W] (C * H * W floats in [0, 1],
 * gray or R, G, B) into @out01. Errors: @pp fails fm_preprocess_check, an
 * unusable picture, out of memory. */
gboolean  fm_preprocess_image_to_canvas (const FmPreprocess *pp,
                                         const FmImage      *image,
                                         float              *out01,
                                         GError            **error);
/* Steps 4-7: canvas [C, H, W] -> tensor [1, C, H, W] (or [1, H, W, C]).
 * @pp must pass fm_preprocess_check. @in01 and @tensor may be the same
 * buffer. */
void      fm_preprocess_canvas_to_tensor (const FmPreprocess *pp,
                                          const float        *in01,
                                          float              *tensor);

/* The tensor's channel-major planes [C, H, W] into @planes, for a viewer
 * (a copy; the same values in another order when channels-last). */
void      fm_preprocess_tensor_planes   (const FmPreprocess *pp,
                                         const float        *tensor,
                                         float              *planes);

/* Both halves: writes the model's input tensor (C * H * W floats) into
 * @out. */
gboolean  fm_preprocess_image           (const FmPreprocess *pp,
                                         const FmImage      *image,
                                         float              *out,
                                         GError            **error);

G_END_DECLS
