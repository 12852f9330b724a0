/* fm-layer-section.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One feature-map layer on screen: a heading (tensor name, op, shape, and
 * how many channels are all zero for this input), the colormap legend with
 * its value range, and one FmTile per channel in a flow box that wraps to
 * the window width. Built once per model; each new result only repoints
 * the tiles at new data and redraws, so live drawing creates no widgets.
 * Activating a tile (click, or arrow keys and Enter) triggers the window
 * action win.open-tile (layer, channel).
 *
 * Which tiles are shown and in what order (Show and Sort) is in
 * fm-layer-section-view.c; compare mode, a second model's tiles beside
 * these, in fm-layer-section-compare.c.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "fm-layer-section-private.h"
#include "fm-tile.h"
#include "fm-wrap-label.h"


G_DEFINE_FINAL_TYPE (FmLayerSection, fm_layer_section, GTK_TYPE_WIDGET)

void
fm_view_options_range (const FmViewOptions *options,
                       FmFrame             *frame,
                       guint                layer,
                       int                  channel,
                       float               *vmin,
                       float               *vmax)
{
  const FmLayer *l = fm_frame_layer (frame, layer);
  guint channels = fm_layer_channels (frame->model, l);

  switch (options->normalize)
    {
    case FM_NORMALIZE_FIXED:
      *vmin = options->fixed_min;
      *vmax = options->fixed_max;
      return;
    case FM_NORMALIZE_TILE:
      if (channel >= 0)
        {
          *vmin = frame->stats[layer][channel].min;
          *vmax = frame->stats[layer][channel].max;
          return;
        }
      G_GNUC_FALLTHROUGH;
    case FM_NORMALIZE_LAYER:
    default:
      fm_channel_stats_range (frame->stats[layer], channels, vmin, vmax);
      return;
    }
}


/* ---- the space of tiles not built yet ---------------------------------- */

#define COLUMN_SPACING 4
#define ROW_SPACING    4
#define MAX_PER_LINE   128

/* The size of one flow box child around a tile, measured from the first
 * section whose tiles were laid out (CSS padding included); until then an
 * estimate. Every section has tiles of the same size. */
static int cell_width;
static int cell_height;
static int cell_tile_size;
static guint cell_per;

/* @per: the tiles in one cell (1; 2 or 3 in compare mode). */
static void
cell_size (int    tile_size,
           guint  per,
           int   *w,
           int   *h)
{
  if (cell_tile_size == tile_size && cell_per == per && cell_width > 0)
    {
      *w = cell_width;
      *h = cell_height;
      return;
    }
  *w = (int) per * tile_size + (int) (per - 1) * FM_LAYER_SECTION_CELL_SPACING + 4;
  *h = tile_size + 16 + 4;
}

/* Rows x columns of @n cells in @width, as GtkFlowBox lays out homogeneous
 * children: as many per line as fit, at most MAX_PER_LINE. */
static int
tiles_height (guint n,
              int   tile_size,
              guint per,
              int   width)
{
  int w, h, cols, rows;

  if (n == 0)
    return 0;
  cell_size (tile_size, per, &w, &h);
  cols = CLAMP ((width + COLUMN_SPACING) / (w + COLUMN_SPACING), 1, (int) MIN (n, MAX_PER_LINE));
  rows = (int) ((n + cols - 1) / cols);
  return rows * h + (rows - 1) * ROW_SPACING;
}

#define FM_TYPE_TILE_SPACE (fm_tile_space_get_type ())
G_DECLARE_FINAL_TYPE (FmTileSpace, fm_tile_space, FM, TILE_SPACE, GtkWidget)

struct _FmTileSpace
{
  GtkWidget parent_instance;
  guint     n;
  int       tile_size;
  guint     per;
};

G_DEFINE_FINAL_TYPE (FmTileSpace, fm_tile_space, GTK_TYPE_WIDGET)

static GtkSizeRequestMode
fm_tile_space_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
fm_tile_space_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  FmTileSpace *self = FM_TILE_SPACE (widget);
  int w, h;

  cell_size (self->tile_size, self->per, &w, &h);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* One cell at least, also for no cell at all (GTK warns when the
       * natural size is below the minimum). */
      *minimum = w;
      *natural = MAX (w, (int) MIN (self->n, 8) * (w + COLUMN_SPACING));
      return;
    }
  *minimum = *natural = tiles_height (self->n, self->tile_size, self->per,
                                      for_size < 0 ? w : for_size);
}

static void
fm_tile_space_class_init (FmTileSpaceClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->get_request_mode = fm_tile_space_get_request_mode;
  widget_class->measure = fm_tile_space_measure;
}

static void
fm_tile_space_init (FmTileSpace *self)
{
}

static GtkWidget *
fm_tile_space_new (guint n,
                   int   tile_size,
                   guint per)
{
  FmTileSpace *self = g_object_new (FM_TYPE_TILE_SPACE, NULL);

  self->n = n;
  self->tile_size = tile_size;
  self->per = per;
  return GTK_WIDGET (self);
}

void
_fm_layer_section_resize_space (FmLayerSection *self)
{
  if (self->space == NULL)
    return;
  FM_TILE_SPACE (self->space)->per = _fm_layer_section_tiles_per_cell (self);
  gtk_widget_queue_resize (self->space);
}

void
_fm_layer_section_fit_space (FmLayerSection *self,
                             guint           n)
{
  if (self->space == NULL || FM_TILE_SPACE (self->space)->n == n)
    return;
  FM_TILE_SPACE (self->space)->n = n;
  gtk_widget_queue_resize (self->space);
}

FmTile *
_fm_layer_section_cell_tile (GtkFlowBoxChild *child)
{
  GtkWidget *w = gtk_flow_box_child_get_child (child);

  return FM_TILE (FM_IS_TILE (w) ? w : gtk_widget_get_first_child (w));
}

void
_fm_layer_section_draw_legend (FmLayerSection *self,
                               cairo_t        *cr,
                               FmFrame        *frame,
                               guint           index,
                               int             width,
                               int             height)
{
  float vmin = 0, vmax = 0;

  if (frame == NULL || self->options.normalize == FM_NORMALIZE_TILE)
    return;
  fm_view_options_range (&self->options, frame, index, -1, &vmin, &vmax);
  fm_legend_render (cr, self->options.colormap, vmin, vmax, width, height,
                    adw_style_manager_get_dark (adw_style_manager_get_default ()));
}

static void
legend_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  FmLayerSection *self = user_data;

  _fm_layer_section_draw_legend (self, cr, self->frame, self->index, width, height);
}

/* ---- the scan's marks ----------------------------------------------------- */

const FmScanLayer *
_fm_layer_section_scan_entry (FmLayerSection *self)
{
  return self->scan != NULL && self->scan_layer >= 0 ? &self->scan->layers[self->scan_layer]
                                                     : NULL;
}

/* Channel @c's mark from the scan: dead (never fired), rare (on fewer
 * than rare_below of the images), live, or none without a scan. */
FmTileScan
_fm_layer_section_channel_scan (FmLayerSection *self,
                                guint           c)
{
  const FmScanLayer *sl = _fm_layer_section_scan_entry (self);

  /* A scan stopped before its first image says nothing of any channel. */
  if (sl == NULL || c >= sl->channels || self->scan->images == 0)
    return FM_TILE_SCAN_NONE;
  if (sl->fire_count[c] == 0)
    return FM_TILE_SCAN_DEAD;
  if (sl->fire_count[c] < self->rare_below * self->scan->images)
    return FM_TILE_SCAN_RARE;
  return FM_TILE_SCAN_LIVE;
}

void
fm_layer_section_count_scan_marks (FmLayerSection *self,
                                   guint          *dead,
                                   guint          *rare)
{
  const FmScanLayer *sl = _fm_layer_section_scan_entry (self);

  *dead = *rare = 0;
  for (guint c = 0; sl != NULL && c < sl->channels; c++)
    {
      FmTileScan state = _fm_layer_section_channel_scan (self, c);

      *dead += state == FM_TILE_SCAN_DEAD;
      *rare += state == FM_TILE_SCAN_RARE;
    }
}

#define N_BINS 10
#define HIST_TEXT 12   /* the height of the axis labels under the bars */

/* Fire rates of the layer's channels from the scan: a red bar for the dead
 * (never fired), then ten bins of the share of images each fired on, from
 * 0 to 100 %, labelled under the axis; the tallest bar's count at its top.
 * Only the dead are coloured: a healthy layer is all neutral. */
static void
histogram_draw (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  FmLayerSection *self = user_data;
  const FmScanLayer *sl;
  guint bins[N_BINS + 1] = { 0 };
  guint most = 1;
  double bar, plot_h = height - HIST_TEXT;
  GdkRGBA fg;
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *font;
  int tw, th;

  sl = _fm_layer_section_scan_entry (self);
  if (sl == NULL)
    return;
  for (guint c = 0; c < sl->channels; c++)
    {
      double rate = self->scan->images > 0 ? (double) sl->fire_count[c] / self->scan->images : 0;
      guint bin = sl->fire_count[c] == 0 ? 0 : 1 + MIN ((guint) (rate * N_BINS), N_BINS - 1);
      bins[bin]++;
    }
  for (guint b = 0; b <= N_BINS; b++)
    most = MAX (most, bins[b]);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  bar = (double) width / (N_BINS + 1);
  for (guint b = 0; b <= N_BINS; b++)
    {
      double h = (plot_h - 10) * (double) bins[b] / most;

      if (b == 0)
        cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);
      else
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      cairo_rectangle (cr, b * bar + 1, plot_h - h, bar - 2, h);
      cairo_fill (cr);
    }
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.3);
  cairo_rectangle (cr, 0, plot_h - 1, width, 1);
  cairo_fill (cr);

  /* The axis: "dead" under the red bar, 0 and 100 % at the ends of the
   * fire-rate bins; the tallest bar's channel count above the plot. */
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), NULL);
  font = pango_font_description_from_string ("Sans 7");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
  {
    g_autofree char *top = g_strdup_printf ("%u", most);
    pango_layout_set_text (layout, top, -1);
    cairo_move_to (cr, 0, -1);
    pango_cairo_show_layout (cr, layout);
  }
  /* Translators: under the fire-rate histogram's first bar (never fired) */
  pango_layout_set_text (layout, C_("histogram", "dead"), -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, 0, plot_h);
  pango_cairo_show_layout (cr, layout);
  cairo_move_to (cr, MAX (bar + 1, tw + 4), plot_h);
  pango_layout_set_text (layout, "0", -1);
  pango_cairo_show_layout (cr, layout);
  pango_layout_set_text (layout, "100 %", -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, width - tw, plot_h);
  pango_cairo_show_layout (cr, layout);
}

static void
child_activated_cb (GtkFlowBox      *flow,
                    GtkFlowBoxChild *child,
                    FmLayerSection  *self)
{
  FmTile *tile = _fm_layer_section_cell_tile (child);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-tile", "(uu)",
                              self->index, fm_tile_get_channel (tile));
}

static void
fm_layer_section_dispose (GObject *object)
{
  FmLayerSection *self = FM_LAYER_SECTION (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->frame, fm_frame_unref);
  g_clear_pointer (&self->frame_b, fm_frame_unref);
  g_clear_pointer (&self->scan, fm_scan_result_unref);

  G_OBJECT_CLASS (fm_layer_section_parent_class)->dispose (object);
}

static void
fm_layer_section_finalize (GObject *object)
{
  FmLayerSection *self = FM_LAYER_SECTION (object);

  g_clear_pointer (&self->tiles, g_ptr_array_unref);
  g_clear_pointer (&self->tiles_b, g_ptr_array_unref);
  g_clear_pointer (&self->tiles_d, g_ptr_array_unref);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_free (self->diff);
  g_free (self->shape_text);
  g_free (self->op_label);
  g_free (self->title_a);

  G_OBJECT_CLASS (fm_layer_section_parent_class)->finalize (object);
}

static void
fm_layer_section_class_init (FmLayerSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fm_layer_section_dispose;
  object_class->finalize = fm_layer_section_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "layersection");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fm_layer_section_init (FmLayerSection *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
  self->tiles = g_ptr_array_new ();
  self->tiles_b = g_ptr_array_new ();
  self->tiles_d = g_ptr_array_new ();
  self->cells = g_ptr_array_new ();

  /* Wrapped, never cut: the part of a name that tells two layers apart
   * may be anywhere in it. */
  self->title = fm_wrap_label_new (NULL);
  gtk_widget_add_css_class (self->title, "heading");
  self->subtitle = fm_wrap_label_new (NULL);
  gtk_widget_add_css_class (self->subtitle, "dim-label");
  gtk_widget_add_css_class (self->subtitle, "caption");
  gtk_box_append (GTK_BOX (titles), self->title);
  gtk_box_append (GTK_BOX (titles), self->subtitle);
  gtk_widget_set_hexpand (titles, TRUE);

  self->legend = GTK_WIDGET (g_object_new (GTK_TYPE_DRAWING_AREA, "accessible-role", GTK_ACCESSIBLE_ROLE_IMG, NULL));
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->legend), 220);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->legend), 30);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->legend), legend_draw, self, NULL);
  gtk_widget_set_valign (self->legend, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->legend),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Colour scale"), -1);
  /* With per-tile scaling no one range is true for the layer. */
  self->legend_note = gtk_label_new (_("Each tile scaled to its own range\n"
                                       "(in its tooltip and detail)"));
  gtk_label_set_justify (GTK_LABEL (self->legend_note), GTK_JUSTIFY_RIGHT);
  gtk_label_set_xalign (GTK_LABEL (self->legend_note), 1);
  gtk_widget_add_css_class (self->legend_note, "caption");
  gtk_widget_add_css_class (self->legend_note, "dim-label");
  gtk_widget_set_valign (self->legend_note, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->legend_note, FALSE);

  self->histogram = GTK_WIDGET (g_object_new (GTK_TYPE_DRAWING_AREA, "accessible-role", GTK_ACCESSIBLE_ROLE_IMG, NULL));
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->histogram), 132);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->histogram), 44);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->histogram), histogram_draw, self, NULL);
  gtk_widget_set_valign (self->histogram, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->histogram, FALSE);
  self->scan_layer = -1;

  gtk_box_append (GTK_BOX (header), titles);
  gtk_box_append (GTK_BOX (header), self->histogram);
  /* A's legend; in compare mode named, with B's and the difference's. */
  gtk_box_append (GTK_BOX (header), _fm_layer_section_compare_legends (self));
  gtk_box_append (GTK_BOX (header), self->legend_note);
  gtk_widget_set_parent (header, GTK_WIDGET (self));

}

GtkWidget *
fm_layer_section_new (const FmModel *model,
                      const FmLayer *layer,
                      guint          index,
                      int            tile_size)
{
  FmLayerSection *self = g_object_new (FM_TYPE_LAYER_SECTION, NULL);
  const FmValue *v = &model->values[layer->value_id];
  guint channels = fm_layer_channels (model, layer);

  self->index = index;
  self->shape_text = fm_layer_shape_text (model, layer);
  self->op_label = g_strdup (fm_layer_op_label (model, layer));
  fm_wrap_label_set_text (FM_WRAP_LABEL (self->title), v->name);
  gtk_widget_set_tooltip_text (self->title, v->name);
  fm_wrap_label_set_text (FM_WRAP_LABEL (self->subtitle), self->op_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, v->name, -1);

  self->n_channels = channels;
  self->map_height = (int) layer->height;
  self->map_width = (int) layer->width;
  self->tile_size = tile_size;
  /* The tiles themselves are built when the section comes near the view
   * (fm_layer_section_ensure_tiles); until then their space is held. */
  self->space = fm_tile_space_new (channels, tile_size, 1);
  gtk_widget_set_parent (self->space, GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

void
fm_layer_section_set_title (FmLayerSection *self,
                            const char     *title)
{
  g_free (self->title_a);
  self->title_a = g_strdup (title);
  fm_wrap_label_set_text (FM_WRAP_LABEL (self->title), title);
}

const char *
fm_layer_section_get_title (FmLayerSection *self)
{
  return fm_wrap_label_get_text (FM_WRAP_LABEL (self->title));
}

const char *
fm_layer_section_get_subtitle (FmLayerSection *self)
{
  return fm_wrap_label_get_text (FM_WRAP_LABEL (self->subtitle));
}

guint
fm_layer_section_get_index (FmLayerSection *self)
{
  return self->index;
}


/* Takes the size of a laid-out tile cell, for the space of the sections
 * whose tiles are not built. */
void
fm_layer_section_note_cell_size (FmLayerSection *self)
{
  GtkWidget *child = self->flow != NULL ? gtk_widget_get_first_child (self->flow) : NULL;

  if (child == NULL || gtk_widget_get_width (child) <= 0)
    return;
  cell_width = gtk_widget_get_width (child);
  cell_height = gtk_widget_get_height (child);
  cell_tile_size = self->tile_size;
  cell_per = _fm_layer_section_tiles_per_cell (self);
}

static void apply_scan (FmLayerSection *self);

gboolean
fm_layer_section_has_tiles (FmLayerSection *self)
{
  return self->flow != NULL;
}

void
fm_layer_section_ensure_tiles (FmLayerSection *self)
{
  if (self->flow != NULL)
    return;
  self->flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_activate_on_single_click (GTK_FLOW_BOX (self->flow), TRUE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->flow), TRUE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow), MAX_PER_LINE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow), COLUMN_SPACING);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->flow), ROW_SPACING);
  gtk_widget_add_css_class (self->flow, "tiles");
  g_signal_connect (self->flow, "child-activated", G_CALLBACK (child_activated_cb), self);
  _fm_layer_section_view_init_flow (self);
  for (guint c = 0; c < self->n_channels; c++)
    {
      GtkWidget *tile = fm_tile_new (c, self->map_height, self->map_width, self->tile_size);

      g_ptr_array_add (self->tiles, tile);
      if (self->compare)
        {
          gtk_flow_box_append (GTK_FLOW_BOX (self->flow),
                               _fm_layer_section_compare_cell (self, tile, c));
          continue;
        }
      gtk_flow_box_append (GTK_FLOW_BOX (self->flow), tile);
    }
  gtk_widget_insert_before (self->flow, GTK_WIDGET (self), self->space);
  g_clear_pointer (&self->space, gtk_widget_unparent);
  {
    /* Page Up and Page Down in the tiles move by the page's height. */
    GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);

    if (scroller != NULL)
      gtk_flow_box_set_vadjustment (GTK_FLOW_BOX (self->flow),
                                    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)));
  }
  if (self->frame != NULL)
    _fm_layer_section_apply_maps (self, self->frame, self->index, self->tiles);
  _fm_layer_section_update_subtitle (self);
  apply_scan (self);
  _fm_layer_section_apply_compare (self, TRUE);
}

void
fm_layer_section_release_tiles (FmLayerSection *self)
{
  if (self->flow == NULL)
    return;
  self->space = fm_tile_space_new (fm_layer_section_count_shown (self), self->tile_size,
                                   _fm_layer_section_tiles_per_cell (self));
  gtk_widget_insert_before (self->space, GTK_WIDGET (self), self->flow);
  g_ptr_array_set_size (self->tiles, 0);
  g_ptr_array_set_size (self->tiles_b, 0);
  g_ptr_array_set_size (self->tiles_d, 0);
  g_ptr_array_set_size (self->cells, 0);
  g_clear_pointer (&self->diff, g_free);
  g_clear_pointer (&self->flow, gtk_widget_unparent);
}

/* "Conv + Relu · [1, 32, 28, 28] · 5 / 32 zero for this input". Only the
 * sections whose tiles are built (those near the view) follow each frame,
 * and a section gets its line when its tiles are built: GTK measures a
 * wrapped label again whenever its text changes, and doing so for every
 * section of ResNet-18 (38) took a quarter of the main thread while
 * drawing. */
void
_fm_layer_section_update_subtitle (FmLayerSection *self)
{
  g_autofree char *subtitle = NULL;

  if (self->frame == NULL)
    return;
  if (self->compare && self->frame_b != NULL)
    /* Translators: compare mode: "Conv + Relu · [1, 32, 28, 28] · zero for
       this input: 5 / 32 in A, 9 / 32 in B; 4 differ" */
    subtitle = g_strdup_printf (_("%s · %s · zero for this input: %u / %u in A, %u / %u in B; "
                                  "%u differ"), self->op_label, self->shape_text,
                                self->frame->n_zero[self->index], self->n_channels,
                                self->frame_b->n_zero[self->index_b], self->n_channels,
                                fm_layer_section_count_verdict_differs (self));
  else
    /* Translators: "Conv + Relu · [1, 32, 28, 28] · 5 / 32 zero for this input" */
    subtitle = g_strdup_printf (_("%s · %s · %u / %u zero for this input"), self->op_label,
                                self->shape_text, self->frame->n_zero[self->index],
                                self->n_channels);
  fm_wrap_label_set_text (FM_WRAP_LABEL (self->subtitle), subtitle);
}

void
_fm_layer_section_apply_maps (FmLayerSection *self,
                              FmFrame        *frame,
                              guint           index,
                              GPtrArray      *tiles)
{
  const FmLayer *layer = fm_frame_layer (frame, index);
  gsize plane = (gsize) layer->height * layer->width;
  const float *data = fm_frame_data (frame, index);
  FmTileStyle style = { 0 };

  style.colormap = self->options.colormap;
  for (guint c = 0; c < tiles->len; c++)
    {
      fm_view_options_range (&self->options, frame, index, (int) c, &style.vmin, &style.vmax);
      style.all_zero = frame->stats[index][c].all_zero;
      fm_tile_set_map (g_ptr_array_index (tiles, c), data + c * plane, &style);
    }
}

/* The legends that hold for the view: A's (and B's) with one range for
 * the layer, the difference's in the difference view. */
void
_fm_layer_section_show_legends (FmLayerSection *self)
{
  gboolean per_tile = self->options.normalize == FM_NORMALIZE_TILE;

  gtk_widget_set_visible (self->legend, !per_tile);
  gtk_widget_set_visible (self->legend_note, per_tile);
  gtk_widget_queue_draw (self->legend);
  if (self->compare)
    _fm_layer_section_ensure_compare_legends (self);
  if (self->legends_b == NULL)
    return;
  gtk_widget_set_visible (self->legend_a_name, self->compare && !per_tile);
  gtk_widget_set_visible (self->legends_b, self->compare);
  gtk_widget_set_visible (gtk_widget_get_parent (self->legend_b), !per_tile);
  gtk_widget_set_visible (self->legend_d_row, self->compare && self->show_diff);
  if (self->compare)
    {
      gtk_widget_queue_draw (self->legend_b);
      gtk_widget_queue_draw (self->legend_d);
    }
}

static gboolean
view_options_equal (const FmViewOptions *a,
                    const FmViewOptions *b)
{
  return a->colormap == b->colormap && a->normalize == b->normalize &&
         a->fixed_min == b->fixed_min && a->fixed_max == b->fixed_max &&
         a->tile_size == b->tile_size;
}

void
fm_layer_section_update (FmLayerSection      *self,
                         FmFrame             *frame,
                         const FmViewOptions *options)
{
  /* A new frame of A's leaves B's tiles as they are (B's frame sets them),
   * unless the view options changed. */
  gboolean restyle_b = !view_options_equal (&self->options, options);

  fm_frame_ref (frame);
  g_clear_pointer (&self->frame, fm_frame_unref);
  self->frame = frame;
  self->options = *options;

  if (self->flow != NULL)
    _fm_layer_section_update_subtitle (self);
  _fm_layer_section_apply_maps (self, self->frame, self->index, self->tiles);
  _fm_layer_section_apply_compare (self, restyle_b);
  _fm_layer_section_refresh_view (self, TRUE);
  _fm_layer_section_show_legends (self);
}

gboolean
fm_layer_section_shows_layer_range (FmLayerSection *self)
{
  return gtk_widget_get_visible (self->legend) && !gtk_widget_get_visible (self->legend_note);
}

GtkWidget *
fm_layer_section_get_tile (FmLayerSection *self,
                           guint           channel)
{
  g_return_val_if_fail (channel < self->n_channels, NULL);
  fm_layer_section_ensure_tiles (self);
  return g_ptr_array_index (self->tiles, channel);
}

guint
fm_layer_section_n_tiles (FmLayerSection *self)
{
  return self->n_channels;
}

/* Calls @func on every tile: this model's, and in compare mode the other
 * model's and the differences'. */
static void
foreach_tile (FmLayerSection *self,
              void          (*func) (FmTile *tile))
{
  GPtrArray *lists[] = { self->tiles, self->tiles_b, self->tiles_d };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (guint c = 0; c < lists[i]->len; c++)
      func (g_ptr_array_index (lists[i], c));
}

static void
queue_draw_tile (FmTile *tile)
{
  gtk_widget_queue_draw (GTK_WIDGET (tile));
}

void
fm_layer_section_queue_draw_tiles (FmLayerSection *self)
{
  foreach_tile (self, queue_draw_tile);
}

void
fm_layer_section_redraw_culled (FmLayerSection *self)
{
  foreach_tile (self, fm_tile_redraw_if_culled);
}

/* The tiles' dead and rarely active marks from the scan kept. */
static void
apply_scan (FmLayerSection *self)
{
  const FmScanLayer *sl = _fm_layer_section_scan_entry (self);
  g_autofree char *images = NULL;

  if (sl != NULL)
    images = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->scan->images);
  for (guint c = 0; c < self->tiles->len; c++)
    {
      FmTile *tile = g_ptr_array_index (self->tiles, c);
      FmTileScan state = _fm_layer_section_channel_scan (self, c);
      g_autofree char *fired = NULL;
      g_autofree char *note = NULL;

      if (state == FM_TILE_SCAN_NONE)
        {
          fm_tile_set_scan (tile, FM_TILE_SCAN_NONE, NULL);
          fm_tile_set_near_dead (tile, FALSE);
          continue;
        }
      fired = g_strdup_printf ("%'" G_GUINT64_FORMAT, sl->fire_count[c]);
      /* Translators: "fires on 12 of 2,000 images" (a dataset scan) */
      note = g_strdup_printf (_("fires on %s of %s images%s"), fired, images,
                              self->scan->partial ? _(" scanned so far") : "");
      fm_tile_set_scan (tile, state, note);
      fm_tile_set_near_dead (tile, fm_scan_result_is_near_dead (self->scan, self->scan_layer, c));
    }
}

void
fm_layer_section_set_scan (FmLayerSection *self,
                           FmScanResult   *scan,
                           int             scan_layer,
                           double          rare_below)
{
  const FmScanLayer *sl;
  g_autofree char *images = NULL;

  if (scan != NULL)
    fm_scan_result_ref (scan);
  g_clear_pointer (&self->scan, fm_scan_result_unref);
  self->scan = scan;
  self->scan_layer = scan != NULL ? scan_layer : -1;
  self->rare_below = rare_below;
  apply_scan (self);
  _fm_layer_section_refresh_view (self, FALSE);
  sl = _fm_layer_section_scan_entry (self);
  if (sl != NULL)
    images = g_strdup_printf ("%'" G_GUINT64_FORMAT, scan->images);

  gtk_widget_set_visible (self->histogram, sl != NULL);
  if (sl != NULL)
    {
      /* Translators: accessible label of the fire-rate histogram */
      g_autofree char *label = g_strdup_printf (_("Fire rates over %s images: %u channels dead"),
                                                images, sl->n_dead);
      gtk_widget_set_tooltip_text (self->histogram,
                                   _("How many channels (up) fire on what share of the "
                                     "images (across, 0 to 100 %); the red bar counts the "
                                     "dead, which never fire"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->histogram),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  gtk_widget_queue_draw (self->histogram);
}

FmScanResult *
fm_layer_section_get_scan (FmLayerSection *self,
                           int            *scan_layer)
{
  *scan_layer = self->scan_layer;
  return self->scan;
}
