/* fm-colormap.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Named colormaps: each is a fixed 256-entry RGB lookup table that maps a
 * normalized value t in [0, 1] to a colour. The set is built in and
 * immutable; there is nothing to load, free or register. This file does
 * not normalize values (fm-tile-render.h does) and does not draw.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FM_COLORMAP_SIZE 256

typedef struct _FmColormap FmColormap;

const FmColormap        *fm_colormap_lookup           (const char       *name);
const FmColormap * const *fm_colormap_list            (guint            *n_colormaps);
const FmColormap        *fm_colormap_get_default      (void);

const char              *fm_colormap_get_name         (const FmColormap *cm);
const char              *fm_colormap_get_display_name (const FmColormap *cm);
gboolean                 fm_colormap_is_diverging     (const FmColormap *cm);

guint32                  fm_colormap_get_entry        (const FmColormap *cm,
                                                       guint             index);
guint32                  fm_colormap_map              (const FmColormap *cm,
                                                       double            t);

/* The entry fm_colormap_map() takes for @t: floor (t * 256) clamped to
 * 0..255, 0 for NaN. Inline for loops over every cell of a map. */
static inline guint
fm_colormap_index (double t)
{
  if (!(t > 0.0))           /* also NaN */
    return 0;
  if (t >= 1.0)
    return FM_COLORMAP_SIZE - 1;
  return MIN ((guint) (t * FM_COLORMAP_SIZE), FM_COLORMAP_SIZE - 1);
}

G_END_DECLS
