/* fm-draw-pad.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FM_TYPE_DRAW_PAD (fm_draw_pad_get_type ())

G_DECLARE_FINAL_TYPE (FmDrawPad, fm_draw_pad, FM, DRAW_PAD, GtkWidget)

GtkWidget   *fm_draw_pad_new          (void);
/* Resizes the canvas to the model's input (clears it and the undo history). */
void         fm_draw_pad_set_size     (FmDrawPad   *self,
                                       int          channels,
                                       int          height,
                                       int          width,
                                       gboolean     ink_white);
/* Like set_size, but keeps the picture and its undo history, resampled
 * to the new size and channels (and inverted when the ink changes
 * colour). Nothing happens when nothing changes. */
void         fm_draw_pad_resample     (FmDrawPad   *self,
                                       int          channels,
                                       int          height,
                                       int          width,
                                       gboolean     ink_white);
int          fm_draw_pad_get_width    (FmDrawPad   *self);
int          fm_draw_pad_get_height   (FmDrawPad   *self);
int          fm_draw_pad_get_channels (FmDrawPad   *self);
/* [C, H, W] values in [0, 1], as the picture the model sees before
 * normalisation. */
const float *fm_draw_pad_get_pixels   (FmDrawPad   *self);
/* Replaces the picture (a loaded image); undoable. */
void         fm_draw_pad_set_pixels   (FmDrawPad   *self,
                                       const float *pixels);
/* Replaces the picture with the same one made anew (a picture read again
 * at a new size): no undo step. */
void         fm_draw_pad_replace_pixels (FmDrawPad   *self,
                                         const float *pixels);
void         fm_draw_pad_clear        (FmDrawPad   *self);
gboolean     fm_draw_pad_undo         (FmDrawPad   *self);
gboolean     fm_draw_pad_can_undo     (FmDrawPad   *self);
gboolean     fm_draw_pad_is_empty     (FmDrawPad   *self);
/* A line shown on the empty canvas ("Draw a digit here"); NULL for none.
 * get_hint returns it only while the canvas is empty, that is, shown. */
void         fm_draw_pad_set_hint     (FmDrawPad   *self,
                                       const char  *hint);
const char  *fm_draw_pad_get_hint     (FmDrawPad   *self);
/* Draws a stroke through @n points in canvas cells, as a pointer would
 * (tests and benchmarks). */
void         fm_draw_pad_stroke       (FmDrawPad    *self,
                                       const double *xy,
                                       guint         n);

G_END_DECLS
