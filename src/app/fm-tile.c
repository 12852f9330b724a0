/* fm-tile.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One channel's feature map as a widget: the map drawn by fm_tile_render()
 * (the same code the PNG export uses), its channel index under it (drawn
 * from one kept PangoLayout, not a label widget: a 512-channel layer would
 * otherwise build, measure and style 512 labels as it comes into sight), and an
 * accessible label such as "Channel 7, all zero" (also set on its flow
 * box child, which is what takes focus and is activated with a click or
 * Enter; the layer section opens the detail). The map data is borrowed from the
 * current run; the tile never computes statistics itself.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "fm-tile.h"
#include "fm-wrap-label.h"

#define LABEL_HEIGHT 16

struct _FmTile
{
  GtkWidget    parent_instance;

  guint        channel;
  int          map_height;
  int          map_width;
  int          size;
  const float *map;        /* [H, W], borrowed */
  char        *caption;    /* under the map: the channel index by default */
  PangoLayout *caption_layout;
  guint        caption_serial;  /* of the pango context it was made with */
  GtkWidget   *scroller;   /* ancestor GtkScrolledWindow, borrowed */
  FmTileStyle  style;
  char        *note;
  char        *label;      /* the accessible label */
  FmTileScan   scan;
  gboolean     near_dead;
  gboolean     culled;     /* its last snapshot was out of sight: no map */
};

G_DEFINE_FINAL_TYPE (FmTile, fm_tile, GTK_TYPE_WIDGET)

static void
update_label (FmTile *self)
{
  g_autofree char *label = NULL;

  const char *zero = self->style.all_zero ? _(", all zero for this input") : "";
  const char *near = self->near_dead ? _(", near-dead") : "";

  /* Translators: accessible label of a tile: "Channel 7, all zero for this
   * input, dead: fires on 0 of 2,000 images" */
  if (self->scan == FM_TILE_SCAN_DEAD)
    label = g_strdup_printf (_("Channel %u%s, dead: %s"), self->channel, zero, self->note);
  else if (self->scan == FM_TILE_SCAN_RARE)
    label = g_strdup_printf (_("Channel %u%s, rarely active: %s"), self->channel, zero,
                             self->note);
  else if (self->scan == FM_TILE_SCAN_LIVE)
    label = g_strdup_printf (_("Channel %u%s, %s"), self->channel, zero, self->note);
  else
    label = g_strdup_printf (_("Channel %u%s"), self->channel, zero);
  if (*near != '\0')
    {
      char *with = g_strconcat (label, near, NULL);

      g_free (label);
      label = with;
    }
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  /* In a flow box the child is what takes focus and is read out. */
  if (parent != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (parent),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_free (self->label);
  self->label = g_steal_pointer (&label);
}

/* The accessible label, then the map's own range of values (what its
 * colours span when each tile is scaled to its own range). */
char *
fm_tile_dup_tooltip (FmTile *self)
{
  float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;
  gsize n = (gsize) self->map_height * self->map_width;

  if (self->map == NULL)
    return g_strdup (self->label);
  for (gsize i = 0; i < n; i++)
    if (!isnan (self->map[i]))
      {
        lo = MIN (lo, self->map[i]);
        hi = MAX (hi, self->map[i]);
      }
  if (lo > hi)
    return g_strdup (self->label);
  /* Translators: a tile's tooltip: its label, then "values 0 to 3.69" */
  return g_strdup_printf (_("%s\nvalues %.3g to %.3g"), self->label, lo, hi);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  FmTile     *self)
{
  g_autofree char *text = fm_tile_dup_tooltip (self);

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}


/* The scrolled window the tile lives in, if any. */
static GtkWidget *
find_scroller (FmTile *self)
{
  if (self->scroller == NULL)
    self->scroller = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  return self->scroller;
}

/* Tiles scrolled out of sight draw nothing: with every layer's tiles in one
 * page, most are out of sight while drawing. GTK keeps a widget's last
 * render node when only its position changes, so a tile that skipped its
 * map remembers it (culled), and the window redraws those whenever what is
 * in sight may have changed: a scroll, a new page size or content height,
 * a layer shown or hidden (fm_tile_redraw_if_culled). */
static gboolean
is_visible_in_scroller (FmTile *self)
{
  GtkWidget *scroller = find_scroller (self);
  graphene_rect_t bounds;

  if (scroller == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (self), scroller, &bounds))
    return TRUE;
  return bounds.origin.y + bounds.size.height >= 0 &&
         bounds.origin.y <= gtk_widget_get_height (scroller) &&
         bounds.origin.x + bounds.size.width >= 0 &&
         bounds.origin.x <= gtk_widget_get_width (scroller);
}

/* The caption under the map, centred in the band of LABEL_HEIGHT at @y:
 * the theme's caption text colour, dimmed as a dim-label is unless the map
 * is all zero (then bold, from the caption-heading class, and at full
 * contrast). The layout is made once, made again for a new caption, and
 * told when the widget's fonts change (the bold comes with the class). */
static void
snapshot_caption (FmTile      *self,
                  GtkSnapshot *snapshot,
                  double       width,
                  double       y)
{
  PangoLayout *layout = fm_widget_kept_layout (GTK_WIDGET (self), &self->caption_layout,
                                               &self->caption_serial, self->caption);
  GdkRGBA color;
  int text_w, text_h;

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_get_pixel_size (layout, &text_w, &text_h);
  fm_widget_get_text_color (GTK_WIDGET (self), &color);
  if (!self->style.all_zero)
    color.alpha *= 0.55f; /* as libadwaita's .dim-label */
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (floor ((width - MIN (text_w, width)) / 2),
                                                y + floor ((LABEL_HEIGHT - text_h) / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
fm_tile_snapshot (GtkWidget   *widget,
                  GtkSnapshot *snapshot)
{
  FmTile *self = FM_TILE (widget);
  double w = gtk_widget_get_width (widget);
  double side = MIN (w, gtk_widget_get_height (widget) - LABEL_HEIGHT);
  double x0 = floor ((w - side) / 2);
  cairo_t *cr;

  if (side <= 0)
    return;
  snapshot_caption (self, snapshot, w, gtk_widget_get_height (widget) - LABEL_HEIGHT);
  self->culled = FALSE;
  if (self->map == NULL)
    return;
  if (!is_visible_in_scroller (self))
    {
      self->culled = TRUE;
      return;
    }
  self->style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  self->style.device_scale = gtk_widget_get_scale_factor (widget);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x0, 0, side, side));
  cairo_translate (cr, x0, 0);
  fm_tile_render (cr, self->map, self->map_height, self->map_width, side, side, &self->style);
  if (self->scan == FM_TILE_SCAN_DEAD || self->scan == FM_TILE_SCAN_RARE)
    fm_tile_render_scan_mark (cr, self->scan == FM_TILE_SCAN_DEAD, side,
                              FM_TILE_SCAN_MARK_WIDTH, fm_tile_scan_mark_dash);
  if (self->near_dead)
    fm_tile_render_near_dead_mark (cr, 0, 0, fm_tile_near_dead_mark_size (side));
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
  g_free (self->label);
  g_free (self->caption);
  g_clear_object (&self->caption_layout);
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
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
}

GtkWidget *
fm_tile_new (guint channel,
             int   map_height,
             int   map_width,
             int   size)
{
  FmTile *self = g_object_new (FM_TYPE_TILE, NULL);

  self->channel = channel;
  self->caption = g_strdup_printf ("%u", channel);
  /* The caption's font: the theme's caption style (the tile draws no other
   * text). */
  gtk_widget_add_css_class (GTK_WIDGET (self), "caption");
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
    {
      update_label (self);
      /* The index of a zero map stands out, in bold and full contrast. */
      gtk_widget_remove_css_class (GTK_WIDGET (self), style->all_zero ? "caption" : "caption-heading");
      gtk_widget_add_css_class (GTK_WIDGET (self), style->all_zero ? "caption-heading" : "caption");
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fm_tile_redraw_if_culled (FmTile *self)
{
  if (self->culled)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
fm_tile_get_culled (FmTile *self)
{
  return self->culled;
}

gboolean
fm_tile_get_all_zero (FmTile *self)
{
  return self->style.all_zero;
}

const float *
fm_tile_get_map (FmTile *self)
{
  return self->map;
}

void
fm_tile_set_caption (FmTile     *self,
                     const char *caption)
{
  if (g_strcmp0 (self->caption, caption) == 0)
    return;
  g_free (self->caption);
  self->caption = g_strdup (caption);
  g_clear_object (&self->caption_layout);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fm_tile_set_scan (FmTile     *self,
                  FmTileScan  state,
                  const char *note)
{
  if (self->scan == state && g_strcmp0 (self->note, note) == 0)
    return;
  g_free (self->note);
  self->note = g_strdup (note);
  self->scan = state;
  update_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

FmTileScan
fm_tile_get_scan (FmTile *self)
{
  return self->scan;
}

void
fm_tile_set_near_dead (FmTile   *self,
                       gboolean  near_dead)
{
  if (self->near_dead == near_dead)
    return;
  self->near_dead = near_dead;
  update_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
fm_tile_get_near_dead (FmTile *self)
{
  return self->near_dead;
}
