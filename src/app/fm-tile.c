/* fm-tile.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One channel's feature map as a widget: the map drawn by fm_tile_render()
 * (the same code the PNG export uses), its channel index under it, and an
 * accessible label such as "Channel 7, all zero" (also set on its flow
 * box child, which is what takes focus and is activated with a click or
 * Enter; the layer section opens the detail). The map data is borrowed from the
 * current run; the tile never computes statistics itself.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fm-tile.h"

#define LABEL_HEIGHT 16

struct _FmTile
{
  GtkWidget    parent_instance;

  guint        channel;
  int          map_height;
  int          map_width;
  int          size;
  const float *map;        /* [H, W], borrowed */
  FmTileStyle  style;
  char        *note;
  gboolean     dead;
};

G_DEFINE_FINAL_TYPE (FmTile, fm_tile, GTK_TYPE_WIDGET)

static void
update_label (FmTile *self)
{
  g_autofree char *label = NULL;

  if (self->dead)
    label = g_strdup_printf (_("Channel %u, dead across the dataset"), self->channel);
  else if (self->style.all_zero)
    label = g_strdup_printf (_("Channel %u, all zero"), self->channel);
  else
    label = g_strdup_printf (_("Channel %u"), self->channel);
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  /* In a flow box the child is what takes focus and is read out. */
  if (parent != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (parent),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->note != NULL ? self->note : label);
}


static void
fm_tile_snapshot (GtkWidget   *widget,
                  GtkSnapshot *snapshot)
{
  FmTile *self = FM_TILE (widget);
  double w = gtk_widget_get_width (widget);
  double side = MIN (w, gtk_widget_get_height (widget) - LABEL_HEIGHT);
  double x0 = floor ((w - side) / 2);
  g_autofree char *index = g_strdup_printf ("%u", self->channel);
  cairo_t *cr;
  GdkRGBA fg;

  if (side <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  self->style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0, w, side + LABEL_HEIGHT));
  cairo_save (cr);
  cairo_translate (cr, x0, 0);
  if (self->map != NULL)
    fm_tile_render (cr, self->map, self->map_height, self->map_width, side, side,
                    &self->style);
  cairo_restore (cr);

  if (self->dead)
    {
      /* A dead channel (from a scan) gets a red frame, distinct from the
       * per-input zero mark drawn by fm_tile_render. */
      cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, x0 + 1, 1, side - 2, side - 2);
      cairo_stroke (cr);
    }

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                          self->style.all_zero ? CAIRO_FONT_WEIGHT_BOLD
                                               : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  {
    cairo_text_extents_t ext;
    cairo_text_extents (cr, index, &ext);
    cairo_move_to (cr, x0 + (side - ext.x_advance) / 2, side + 12);
  }
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, self->style.all_zero ? 1.0 : 0.7);
  cairo_show_text (cr, index);
  cairo_destroy (cr);

}

static void
fm_tile_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  FmTile *self = FM_TILE (widget);

  *minimum = *natural = self->size + (orientation == GTK_ORIENTATION_VERTICAL ? LABEL_HEIGHT : 0);
}

static void
fm_tile_finalize (GObject *object)
{
  FmTile *self = FM_TILE (object);

  g_free (self->note);
  G_OBJECT_CLASS (fm_tile_parent_class)->finalize (object);
}

static void
fm_tile_class_init (FmTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fm_tile_finalize;
  widget_class->snapshot = fm_tile_snapshot;
  widget_class->measure = fm_tile_measure;

  gtk_widget_class_set_css_name (widget_class, "fmtile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fm_tile_init (FmTile *self)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  g_signal_connect (self, "notify::parent", G_CALLBACK (update_label), NULL);
}

GtkWidget *
fm_tile_new (guint channel,
             int   map_height,
             int   map_width,
             int   size)
{
  FmTile *self = g_object_new (FM_TYPE_TILE, NULL);

  self->channel = channel;
  self->map_height = map_height;
  self->map_width = map_width;
  self->size = size;
  update_label (self);
  return GTK_WIDGET (self);
}

guint
fm_tile_get_channel (FmTile *self)
{
  return self->channel;
}

void
fm_tile_set_map (FmTile            *self,
                 const float       *map,
                 const FmTileStyle *style)
{
  gboolean was_zero = self->style.all_zero;

  self->map = map;
  self->style = *style;
  if (was_zero != style->all_zero)
    update_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const float *
fm_tile_get_map (FmTile *self)
{
  return self->map;
}

gboolean
fm_tile_get_all_zero (FmTile *self)
{
  return self->style.all_zero;
}

void
fm_tile_set_note (FmTile     *self,
                  const char *note,
                  gboolean    dead)
{
  g_free (self->note);
  self->note = g_strdup (note);
  self->dead = dead;
  update_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
