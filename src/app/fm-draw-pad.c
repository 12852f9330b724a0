/* fm-draw-pad.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input canvas: a picture at the model's resolution ([C, H, W] values
 * in [0, 1]), shown enlarged with square, unsmoothed cells. A drag paints
 * with an antialiased round brush about as wide as an MNIST stroke; every
 * pointer motion updates the picture and emits ::changed, so the window can
 * hand it to the live worker while the stroke is still moving. It keeps an
 * undo history of whole pictures (one per stroke or replacement). It does
 * not normalise or run anything.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "fm-draw-pad.h"
#include "fm-tile-render.h"

#define MAX_UNDO     64
#define BRUSH_RADIUS 1.15  /* canvas cells; full ink inside, 1-cell soft edge */

struct _FmDrawPad
{
  GtkWidget  parent_instance;

  int        channels;
  int        height;
  int        width;
  gboolean   ink_white;
  float     *pixels;      /* [C, H, W] */
  GPtrArray *undo;        /* float* pictures */
  char      *hint;        /* shown on the empty canvas, or NULL */

  double     last_x;      /* last stamp, canvas cells */
  double     last_y;
  double     drag_x;      /* drag start, widget coordinates */
  double     drag_y;
};

G_DEFINE_FINAL_TYPE (FmDrawPad, fm_draw_pad, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gsize
n_values (FmDrawPad *self)
{
  return (gsize) self->channels * self->height * self->width;
}

static float
background (FmDrawPad *self)
{
  return self->ink_white ? 0.0f : 1.0f;
}

/* Where the canvas sits in the widget: a centred square-celled rectangle. */
static void
get_layout (FmDrawPad *self,
            double    *ox,
            double    *oy,
            double    *cell)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double c = MIN (w / self->width, h / self->height);

  if (c >= 2.0)
    c = floor (c);
  *cell = MAX (c, 0.01);
  *ox = floor ((w - *cell * self->width) / 2);
  *oy = floor ((h - *cell * self->height) / 2);
}

static void
push_undo (FmDrawPad *self)
{
  if (self->undo->len >= MAX_UNDO)
    g_ptr_array_remove_index (self->undo, 0);
  g_ptr_array_add (self->undo, g_memdup2 (self->pixels, n_values (self) * sizeof (float)));
}

/* The brush: as wide relative to the picture as an MNIST stroke is to
 * 28 x 28. */
static double
brush_scale (FmDrawPad *self)
{
  return MAX (1.0, MIN (self->width, self->height) / 28.0);
}

static void
stamp (FmDrawPad *self,
       double     cx,
       double     cy)
{
  double scale = brush_scale (self);
  double radius = BRUSH_RADIUS * scale;
  int x0 = MAX (0, (int) floor (cx - radius - scale));
  int x1 = MIN (self->width - 1, (int) ceil (cx + radius + scale));
  int y0 = MAX (0, (int) floor (cy - radius - scale));
  int y1 = MIN (self->height - 1, (int) ceil (cy + radius + scale));
  gsize plane = (gsize) self->height * self->width;

  /* beyond this distance the brush leaves a pixel as it is */
  double reach = radius + 0.5 * scale;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        double ex = x + 0.5 - cx, ey = y + 0.5 - cy;
        double d2 = ex * ex + ey * ey;
        float v;

        if (d2 >= reach * reach)
          continue;
        v = (float) CLAMP ((radius - sqrt (d2)) / scale + 0.5, 0.0, 1.0);
        for (int c = 0; c < self->channels; c++)
          {
            float *p = &self->pixels[c * plane + (gsize) y * self->width + x];
            if (self->ink_white)
              *p = MAX (*p, v);
            else
              *p = MIN (*p, 1.0f - v);
          }
      }
}

/* Paints from the last stamp to (x, y), a stamp every quarter of the
 * brush's scale: every quarter pixel on a 28 x 28 picture, every two
 * pixels on a 224 x 224 one (where the brush is 8 times as wide, so the
 * strokes are as smooth; a quarter pixel there stamped 64 times as often,
 * a fifth of the window's time while drawing on a ResNet). */
static void
line_to (FmDrawPad *self,
         double     x,
         double     y)
{
  double scale = brush_scale (self);
  double dx = x - self->last_x;
  double dy = y - self->last_y;
  int steps = MAX (1, (int) ceil (hypot (dx, dy) * 4 / scale));

  for (int i = 1; i <= steps; i++)
    stamp (self, self->last_x + dx * i / steps, self->last_y + dy * i / steps);
  self->last_x = x;
  self->last_y = y;
}

static void
to_canvas (FmDrawPad *self,
           double     wx,
           double     wy,
           double    *cx,
           double    *cy)
{
  double ox, oy, cell;

  get_layout (self, &ox, &oy, &cell);
  *cx = (wx - ox) / cell;
  *cy = (wy - oy) / cell;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               FmDrawPad      *self)
{
  self->drag_x = x;
  self->drag_y = y;
  push_undo (self);
  to_canvas (self, x, y, &self->last_x, &self->last_y);
  stamp (self, self->last_x, self->last_y);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                FmDrawPad      *self)
{
  double cx, cy;

  to_canvas (self, self->drag_x + dx, self->drag_y + dy, &cx, &cy);
  line_to (self, cx, cy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
fm_draw_pad_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  FmDrawPad *self = FM_DRAW_PAD (widget);
  double ox, oy, cell;
  cairo_t *cr;
  cairo_surface_t *surface;

  get_layout (self, &ox, &oy, &cell);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, self->width, self->height);
  cairo_surface_flush (surface);
  fm_planes_to_rgb24 (self->pixels, self->channels, self->height, self->width,
                      cairo_image_surface_get_data (surface),
                      cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (ox, oy, cell * self->width,
                                                       cell * self->height));
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, cell, cell);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  /* An empty canvas says what it is for, in grey on its background. */
  if (self->hint != NULL && fm_draw_pad_is_empty (self))
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->hint);
      GdkRGBA grey = { 0.5f, 0.5f, 0.5f, 1.0f };
      int lw, lh;

      pango_layout_set_width (layout, (int) (cell * self->width * 0.8) * PANGO_SCALE);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (ox + cell * self->width * 0.1,
                                                    oy + (cell * self->height - lh) / 2));
      gtk_snapshot_append_layout (snapshot, layout, &grey);
      gtk_snapshot_restore (snapshot);
    }
}

static void
fm_draw_pad_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  FmDrawPad *self = FM_DRAW_PAD (widget);
  int cells = orientation == GTK_ORIENTATION_HORIZONTAL ? self->width : self->height;

  /* Enlarged, but a 224 x 224 input must not widen the window: the cells
   * shrink instead. */
  *minimum = 112;
  *natural = CLAMP (cells * 10, 200, 300);
}

static void
fm_draw_pad_finalize (GObject *object)
{
  FmDrawPad *self = FM_DRAW_PAD (object);

  g_clear_pointer (&self->pixels, g_free);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_free (self->hint);

  G_OBJECT_CLASS (fm_draw_pad_parent_class)->finalize (object);
}

static void
fm_draw_pad_class_init (FmDrawPadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fm_draw_pad_finalize;
  widget_class->snapshot = fm_draw_pad_snapshot;
  widget_class->measure = fm_draw_pad_measure;

  /**
   * FmDrawPad::changed:
   *
   * The picture changed: a stroke moved, or it was cleared, undone or
   * replaced.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "drawpad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fm_draw_pad_init (FmDrawPad *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->undo = g_ptr_array_new_with_free_func (g_free);
  fm_draw_pad_set_size (self, 1, 28, 28, TRUE);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Drawing canvas"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Draw a digit with the pointer; the feature maps follow the stroke"),
                                  -1);
}

GtkWidget *
fm_draw_pad_new (void)
{
  return g_object_new (FM_TYPE_DRAW_PAD, NULL);
}

void
fm_draw_pad_set_size (FmDrawPad *self,
                      int        channels,
                      int        height,
                      int        width,
                      gboolean   ink_white)
{
  g_return_if_fail (FM_IS_DRAW_PAD (self));
  g_return_if_fail (channels == 1 || channels == 3);
  g_return_if_fail (height > 0 && width > 0);

  self->channels = channels;
  self->height = height;
  self->width = width;
  self->ink_white = ink_white;
  g_free (self->pixels);
  self->pixels = g_new (float, n_values (self));
  for (gsize i = 0; i < n_values (self); i++)
    self->pixels[i] = background (self);
  g_ptr_array_set_size (self->undo, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

int
fm_draw_pad_get_width (FmDrawPad *self)
{
  return self->width;
}

int
fm_draw_pad_get_height (FmDrawPad *self)
{
  return self->height;
}

int
fm_draw_pad_get_channels (FmDrawPad *self)
{
  return self->channels;
}

const float *
fm_draw_pad_get_pixels (FmDrawPad *self)
{
  return self->pixels;
}

void
fm_draw_pad_set_pixels (FmDrawPad   *self,
                        const float *pixels)
{
  push_undo (self);
  fm_draw_pad_replace_pixels (self, pixels);
}

void
fm_draw_pad_replace_pixels (FmDrawPad   *self,
                            const float *pixels)
{
  memcpy (self->pixels, pixels, n_values (self) * sizeof (float));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

void
fm_draw_pad_clear (FmDrawPad *self)
{
  if (fm_draw_pad_is_empty (self))
    return;
  push_undo (self);
  for (gsize i = 0; i < n_values (self); i++)
    self->pixels[i] = background (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
fm_draw_pad_undo (FmDrawPad *self)
{
  g_autofree float *last = NULL;

  if (self->undo->len == 0)
    return FALSE;
  last = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  fm_draw_pad_replace_pixels (self, last);
  return TRUE;
}

gboolean
fm_draw_pad_can_undo (FmDrawPad *self)
{
  return self->undo->len > 0;
}

/* One picture [c0, h0, w0] in [0, 1] as [c1, h1, w1]: gray to RGB by
 * copying, RGB to gray by luminance (ITU-R 601), inverted when the ink
 * changes colour, then resized: an area average of the cells each target
 * cell covers when shrinking, bilinear when enlarging. */
static float *
resample (const float *src,
          int          c0,
          int          h0,
          int          w0,
          int          c1,
          int          h1,
          int          w1,
          gboolean     invert)
{
  gsize p0 = (gsize) h0 * w0, p1 = (gsize) h1 * w1;
  g_autofree float *mixed = g_new (float, p0 * c1);
  float *out = g_new (float, p1 * c1);

  for (int c = 0; c < c1; c++)
    for (gsize i = 0; i < p0; i++)
      {
        float v;

        if (c0 == c1)
          v = src[c * p0 + i];
        else if (c0 == 1)
          v = src[i];
        else
          v = 0.299f * src[i] + 0.587f * src[p0 + i] + 0.114f * src[2 * p0 + i];
        mixed[c * p0 + i] = invert ? 1.0f - v : v;
      }

  for (int c = 0; c < c1; c++)
    {
      const float *in = mixed + c * p0;

      for (int y = 0; y < h1; y++)
        for (int x = 0; x < w1; x++)
          {
            double sy0 = (double) y * h0 / h1, sy1 = (double) (y + 1) * h0 / h1;
            double sx0 = (double) x * w0 / w1, sx1 = (double) (x + 1) * w0 / w1;
            double acc = 0, area = 0;

            if (h1 > h0 || w1 > w0)
              {
                /* Bilinear, cell centres aligned. */
                double fy = CLAMP ((y + 0.5) * h0 / h1 - 0.5, 0, h0 - 1);
                double fx = CLAMP ((x + 0.5) * w0 / w1 - 0.5, 0, w0 - 1);
                int iy = (int) fy, ix = (int) fx;
                int iy1 = MIN (iy + 1, h0 - 1), ix1 = MIN (ix + 1, w0 - 1);
                double ty = fy - iy, tx = fx - ix;

                acc = (1 - ty) * ((1 - tx) * in[iy * w0 + ix] + tx * in[iy * w0 + ix1]) +
                      ty * ((1 - tx) * in[iy1 * w0 + ix] + tx * in[iy1 * w0 + ix1]);
                out[c * p1 + (gsize) y * w1 + x] = (float) acc;
                continue;
              }
            for (int sy = (int) sy0; sy < h0 && sy < sy1; sy++)
              for (int sx = (int) sx0; sx < w0 && sx < sx1; sx++)
                {
                  double wy = MIN (sy + 1, sy1) - MAX (sy, sy0);
                  double wx = MIN (sx + 1, sx1) - MAX (sx, sx0);

                  acc += wy * wx * in[sy * w0 + sx];
                  area += wy * wx;
                }
            out[c * p1 + (gsize) y * w1 + x] = area > 0 ? (float) (acc / area) : 0.0f;
          }
    }
  return out;
}

void
fm_draw_pad_resample (FmDrawPad *self,
                      int        channels,
                      int        height,
                      int        width,
                      gboolean   ink_white)
{
  gboolean invert;

  g_return_if_fail (FM_IS_DRAW_PAD (self));
  g_return_if_fail (channels == 1 || channels == 3);
  g_return_if_fail (height > 0 && width > 0);

  invert = ink_white != self->ink_white;
  if (channels == self->channels && height == self->height && width == self->width && !invert)
    return;
  for (guint i = 0; i < self->undo->len; i++)
    {
      float *old = self->undo->pdata[i];

      self->undo->pdata[i] = resample (old, self->channels, self->height, self->width,
                                       channels, height, width, invert);
      g_free (old);
    }
  {
    float *old = self->pixels;

    self->pixels = resample (old, self->channels, self->height, self->width, channels, height,
                             width, invert);
    g_free (old);
  }
  self->channels = channels;
  self->height = height;
  self->width = width;
  self->ink_white = ink_white;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

void
fm_draw_pad_set_hint (FmDrawPad  *self,
                      const char *hint)
{
  g_return_if_fail (FM_IS_DRAW_PAD (self));
  g_free (self->hint);
  self->hint = g_strdup (hint);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
fm_draw_pad_get_hint (FmDrawPad *self)
{
  return fm_draw_pad_is_empty (self) ? self->hint : NULL;
}

gboolean
fm_draw_pad_is_empty (FmDrawPad *self)
{
  for (gsize i = 0; i < n_values (self); i++)
    if (self->pixels[i] != background (self))
      return FALSE;
  return TRUE;
}

void
fm_draw_pad_stroke (FmDrawPad    *self,
                    const double *xy,
                    guint         n)
{
  if (n == 0)
    return;
  push_undo (self);
  self->last_x = xy[0];
  self->last_y = xy[1];
  stamp (self, xy[0], xy[1]);
  for (guint i = 1; i < n; i++)
    line_to (self, xy[2 * i], xy[2 * i + 1]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}
