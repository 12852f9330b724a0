/* fm-layer-section-compare.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A layer section's compare mode (fm_layer_section_set_compare): the same
 * layer of a second model B beside it. Each cell then holds A's tile and
 * B's tile of one channel, drawn exactly as each model's single view draws
 * them (its own frame and range), and, in the difference view, a third
 * tile of |A - B| on its own sequential scale, shown in a legend of its
 * own. A cell whose channel is zero for this input in one model and not in
 * the other is highlighted. B's tiles follow B's frame (and the view
 * options), not each of A's; the highlight and the difference follow both.
 * The difference is computed only for sections whose tiles are built, that
 * is near the view.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "fm-layer-section-private.h"
#include "fm-tile.h"
#include "fm-wrap-label.h"

/* ---- the legends ------------------------------------------------------------ */

/* The difference's own scale: a sequential map other than the one of the
 * tiles, so a difference tile is never read as a map. */
static const FmColormap *
diff_colormap (const FmViewOptions *options)
{
  const FmColormap *magma = fm_colormap_lookup ("magma");

  return options->colormap == magma ? fm_colormap_lookup ("viridis") : magma;
}

static void
legend_b_draw (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  FmLayerSection *self = user_data;

  _fm_layer_section_draw_legend (self, cr, self->frame_b, self->index_b, width, height);
}

static void
legend_d_draw (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  FmLayerSection *self = user_data;

  if (self->diff != NULL)
    fm_legend_render (cr, diff_colormap (&self->options), 0,
                      self->diff_max > 0 ? self->diff_max : 1, width, height,
                      adw_style_manager_get_dark (adw_style_manager_get_default ()));
}

/* A legend of compare mode: B's or the difference's. */
static GtkWidget *
make_legend_area (FmLayerSection          *self,
                  const char              *label,
                  GtkDrawingAreaDrawFunc   draw)
{
  GtkWidget *area = GTK_WIDGET (g_object_new (GTK_TYPE_DRAWING_AREA, "accessible-role", GTK_ACCESSIBLE_ROLE_IMG, NULL));

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 220);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 30);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return area;
}

/* A legend's name in compare mode: "A", "B", "|A − B|". */
static GtkWidget *
legend_name (const char *name)
{
  GtkWidget *label = gtk_label_new (name);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_width_chars (GTK_LABEL (label), 5);
  gtk_widget_add_css_class (label, "caption-heading");
  return label;
}

/* @legend after its name, @name. */
static GtkWidget *
legend_row (GtkWidget   *legend,
            const char  *name)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (row), legend_name (name));
  gtk_box_append (GTK_BOX (row), legend);
  return row;
}

GtkWidget *
_fm_layer_section_compare_legends (FmLayerSection *self)
{
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_set_valign (column, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (row), self->legend);
  gtk_box_append (GTK_BOX (column), row);
  self->legend_column = column;
  return column;
}

/* The names and B's and the difference's legends, made when the section
 * is first shown in compare mode (a model of 60 layers would otherwise
 * build 240 widgets it may never show). */
void
_fm_layer_section_ensure_compare_legends (FmLayerSection *self)
{
  if (self->legends_b != NULL)
    return;
  self->legend_a_name = legend_name ("A");
  gtk_box_prepend (GTK_BOX (gtk_widget_get_parent (self->legend)), self->legend_a_name);
  self->legends_b = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->legend_b = make_legend_area (self, _("Colour scale of model B"), legend_b_draw);
  gtk_box_append (GTK_BOX (self->legends_b), legend_row (self->legend_b, "B"));
  self->legend_d = make_legend_area (self, _("Colour scale of the difference"), legend_d_draw);
  /* Translators: names the colour scale of the difference tiles */
  self->legend_d_row = legend_row (self->legend_d, _("|A − B|"));
  gtk_box_append (GTK_BOX (self->legends_b), self->legend_d_row);
  gtk_box_append (GTK_BOX (self->legend_column), self->legends_b);
}

/* ---- the cells ---------------------------------------------------------------- */

GtkWidget *
_fm_layer_section_compare_cell (FmLayerSection *self,
                                GtkWidget      *tile,
                                guint           channel)
{
  GtkWidget *cell = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, FM_LAYER_SECTION_CELL_SPACING);
  GtkWidget *tile_b = fm_tile_new (channel, self->map_height, self->map_width, self->tile_size);
  GtkWidget *tile_d = fm_tile_new (channel, self->map_height, self->map_width, self->tile_size);
  g_autofree char *caption_a = g_strdup_printf ("A %u", channel);
  g_autofree char *caption_b = g_strdup_printf ("B %u", channel);
  g_autofree char *caption_d = g_strdup_printf ("Δ %u", channel);

  fm_tile_set_caption (FM_TILE (tile), caption_a);
  fm_tile_set_caption (FM_TILE (tile_b), caption_b);
  fm_tile_set_caption (FM_TILE (tile_d), caption_d);
  gtk_widget_add_css_class (cell, "compare-cell");
  /* A wider column leaves the highlight around the tiles only. */
  gtk_widget_set_halign (cell, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (cell), tile);
  gtk_box_append (GTK_BOX (cell), tile_b);
  gtk_box_append (GTK_BOX (cell), tile_d);
  gtk_widget_set_visible (tile_d, self->show_diff);
  g_ptr_array_add (self->tiles_b, tile_b);
  g_ptr_array_add (self->tiles_d, tile_d);
  g_ptr_array_add (self->cells, cell);
  return cell;
}

gboolean
fm_layer_section_get_verdict_differs (FmLayerSection *self,
                                      guint           channel)
{
  if (!self->compare || self->frame == NULL || self->frame_b == NULL ||
      channel >= self->n_channels)
    return FALSE;
  return self->frame->stats[self->index][channel].all_zero !=
         self->frame_b->stats[self->index_b][channel].all_zero;
}

guint
fm_layer_section_count_verdict_differs (FmLayerSection *self)
{
  guint n = 0;

  for (guint c = 0; c < self->n_channels; c++)
    n += fm_layer_section_get_verdict_differs (self, c);
  return n;
}

/* Highlights cell @c when its channel is zero for this input in one model
 * only, and says so to a screen reader. */
static void
mark_cell (FmLayerSection *self,
           guint           c)
{
  GtkWidget *cell = g_ptr_array_index (self->cells, c);
  gboolean differs = fm_layer_section_get_verdict_differs (self, c);
  g_autofree char *label = NULL;

  if (gtk_widget_has_css_class (cell, "verdict-differs") == differs)
    return;
  if (differs)
    {
      gboolean zero_a = self->frame->stats[self->index][c].all_zero;

      gtk_widget_add_css_class (cell, "verdict-differs");
      label = g_strdup_printf (zero_a ? _("Channel %u: zero for this input in A, not in B")
                                      : _("Channel %u: zero for this input in B, not in A"), c);
    }
  else
    {
      gtk_widget_remove_css_class (cell, "verdict-differs");
      /* Translators: a compare cell: channel 7 of model A and of model B */
      label = g_strdup_printf (_("Channel %u of A and B"), c);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (cell)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* |A - B| of every cell of the layer, into self->diff, and its largest
 * value (NaN cells aside). */
static void
compute_difference (FmLayerSection *self)
{
  gsize n = (gsize) self->n_channels * self->map_height * self->map_width;
  const float *a = fm_frame_data (self->frame, self->index);
  const float *b = fm_frame_data (self->frame_b, self->index_b);
  float most = 0;

  if (self->diff == NULL)
    self->diff = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      float d = a[i] == b[i] ? 0.0f : fabsf (a[i] - b[i]);

      self->diff[i] = d;
      if (d > most)
        most = d;
    }
  self->diff_max = most;
}

/* What needs both frames: the highlighted cells, and the difference tiles
 * in the difference view. */
static void
apply_pair (FmLayerSection *self)
{
  gsize plane = (gsize) self->map_height * self->map_width;
  FmTileStyle style = { 0 };

  for (guint c = 0; c < self->cells->len; c++)
    mark_cell (self, c);
  if (!self->show_diff)
    {
      g_clear_pointer (&self->diff, g_free);
      return;
    }
  compute_difference (self);
  style.colormap = diff_colormap (&self->options);
  style.vmin = 0;
  style.vmax = self->diff_max > 0 ? self->diff_max : 1;
  for (guint c = 0; c < self->tiles_d->len; c++)
    fm_tile_set_map (g_ptr_array_index (self->tiles_d, c), self->diff + c * plane, &style);
  if (self->legend_d != NULL)
    gtk_widget_queue_draw (self->legend_d);
}

void
_fm_layer_section_apply_compare (FmLayerSection *self,
                                 gboolean        tiles_b)
{
  if (!self->compare || self->frame_b == NULL || self->flow == NULL)
    return;
  if (tiles_b)
    _fm_layer_section_apply_maps (self, self->frame_b, self->index_b, self->tiles_b);
  if (self->frame != NULL)
    apply_pair (self);
  else
    g_clear_pointer (&self->diff, g_free);
}

/* ---- the mode ------------------------------------------------------------------ */

void
fm_layer_section_set_compare (FmLayerSection *self,
                              gboolean        compare,
                              guint           index_b,
                              const char     *title_b)
{
  gboolean built = self->flow != NULL;

  fm_layer_section_release_tiles (self);
  self->compare = compare;
  self->index_b = index_b;
  g_clear_pointer (&self->frame_b, fm_frame_unref);
  if (compare && title_b != NULL && g_strcmp0 (title_b, self->title_a) != 0)
    {
      /* Translators: a compared layer whose name differs in the two models */
      g_autofree char *title = g_strdup_printf (_("%s in A, %s in B"), self->title_a, title_b);

      fm_wrap_label_set_text (FM_WRAP_LABEL (self->title), title);
    }
  else
    fm_wrap_label_set_text (FM_WRAP_LABEL (self->title), self->title_a);
  _fm_layer_section_resize_space (self);
  if (built)
    fm_layer_section_ensure_tiles (self);
  _fm_layer_section_update_subtitle (self);
  _fm_layer_section_show_legends (self);
}

gboolean
fm_layer_section_get_compare (FmLayerSection *self)
{
  return self->compare;
}

void
fm_layer_section_set_compare_frame (FmLayerSection *self,
                                    FmFrame        *frame_b)
{
  if (frame_b != NULL)
    fm_frame_ref (frame_b);
  g_clear_pointer (&self->frame_b, fm_frame_unref);
  self->frame_b = frame_b;
  if (self->flow != NULL)
    _fm_layer_section_update_subtitle (self);
  _fm_layer_section_apply_compare (self, TRUE);
  if (self->legend_b != NULL)
    gtk_widget_queue_draw (self->legend_b);
}

void
fm_layer_section_set_show_difference (FmLayerSection *self,
                                      gboolean        show)
{
  if (self->show_diff == show)
    return;
  self->show_diff = show;
  for (guint c = 0; c < self->tiles_d->len; c++)
    gtk_widget_set_visible (g_ptr_array_index (self->tiles_d, c), show);
  _fm_layer_section_resize_space (self);
  _fm_layer_section_apply_compare (self, FALSE);
  _fm_layer_section_show_legends (self);
}

GtkWidget *
fm_layer_section_get_compare_tile (FmLayerSection *self,
                                   guint           channel,
                                   gboolean        difference)
{
  g_return_val_if_fail (self->compare && channel < self->n_channels, NULL);
  fm_layer_section_ensure_tiles (self);
  return g_ptr_array_index (difference ? self->tiles_d : self->tiles_b, channel);
}

const float *
fm_layer_section_get_difference (FmLayerSection *self,
                                 float          *max_out)
{
  if (max_out != NULL)
    *max_out = self->diff_max;
  return self->diff;
}
