/* fm-layer-section-view.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which of a layer section's tiles are shown and in what order: the Show
 * filter (all, zero for this input, firing; after a scan dead, rarely
 * active, near-dead) and the Sort order (channel, largest value, mean,
 * fire rate) chosen above the tiles, applied to the flow box of built
 * tiles and to the space held for tiles not built.
 */
#include "config.h"

#include <math.h>

#include "fm-layer-section-private.h"
#include "fm-tile.h"

static gboolean
channel_passes (FmLayerSection *self,
                guint           c)
{
  gboolean zero = self->frame != NULL && self->frame->stats[self->index][c].all_zero;

  switch (self->filter)
    {
    case FM_TILE_FILTER_ZERO:
      return self->frame != NULL && zero;
    case FM_TILE_FILTER_FIRING:
      return self->frame != NULL && !zero;
    case FM_TILE_FILTER_DEAD:
      return _fm_layer_section_channel_scan (self, c) == FM_TILE_SCAN_DEAD;
    case FM_TILE_FILTER_RARE:
      return _fm_layer_section_channel_scan (self, c) == FM_TILE_SCAN_RARE;
    case FM_TILE_FILTER_NEAR_DEAD:
      return self->scan != NULL && fm_scan_result_is_near_dead (self->scan, self->scan_layer, c);
    case FM_TILE_FILTER_ALL:
    default:
      return TRUE;
    }
}

guint
fm_layer_section_count_shown (FmLayerSection *self)
{
  guint n = 0;

  for (guint c = 0; c < self->n_channels; c++)
    n += channel_passes (self, c);
  return n;
}

static gboolean
flow_filter (GtkFlowBoxChild *child,
             gpointer         user_data)
{
  FmLayerSection *self = user_data;

  return channel_passes (self, fm_tile_get_channel (_fm_layer_section_cell_tile (child)));
}

static double
sort_key (FmLayerSection *self,
          guint           c)
{
  const FmScanLayer *sl = _fm_layer_section_scan_entry (self);

  switch (self->sort)
    {
    case FM_TILE_SORT_MAX:
      return self->frame != NULL ? -self->frame->stats[self->index][c].max : 0;
    case FM_TILE_SORT_MEAN:
      return self->frame != NULL ? -self->frame->stats[self->index][c].mean : 0;
    case FM_TILE_SORT_FIRE_RATE:
      return sl != NULL && c < sl->channels ? (double) sl->fire_count[c] : 0;
    case FM_TILE_SORT_CHANNEL:
    default:
      return 0;
    }
}

/* Channel @ca before @cb (< 0), after (> 0): by the sort key, NaN last,
 * ties in channel order. */
static int
compare_channels (FmLayerSection *self,
                  guint           ca,
                  guint           cb)
{
  double ka = sort_key (self, ca), kb = sort_key (self, cb);

  if (isnan (ka) != isnan (kb))
    return isnan (ka) ? 1 : -1;
  if (ka != kb && !isnan (ka))
    return ka < kb ? -1 : 1;
  return ca < cb ? -1 : ca > cb;
}

static int
flow_sort (GtkFlowBoxChild *a,
           GtkFlowBoxChild *b,
           gpointer         user_data)
{
  return compare_channels (user_data, fm_tile_get_channel (_fm_layer_section_cell_tile (a)),
                           fm_tile_get_channel (_fm_layer_section_cell_tile (b)));
}

static int
order_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return compare_channels (user_data, *(const guint *) a, *(const guint *) b);
}

GArray *
fm_layer_section_dup_order (FmLayerSection *self)
{
  GArray *order = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->n_channels);

  for (guint c = 0; c < self->n_channels; c++)
    if (channel_passes (self, c))
      g_array_append_val (order, c);
  if (self->sort != FM_TILE_SORT_CHANNEL)
    g_array_sort_with_data (order, order_compare, self);
  return order;
}

/* After a new frame (@new_frame), scan or view: the flow box filters and
 * sorts again, and an unbuilt section's space fits the channels that
 * pass. A new frame redoes only a filter or a sort of the frame's values
 * (zero, firing; largest, mean): those of the scan (dead, rare, near-dead;
 * fire rate) change with the scan alone, and redoing them on every frame
 * would look every channel up in the scan again while the user draws. */
void
_fm_layer_section_refresh_view (FmLayerSection *self,
                                gboolean        new_frame)
{
  gboolean filter = !new_frame || self->filter == FM_TILE_FILTER_ZERO ||
                    self->filter == FM_TILE_FILTER_FIRING;
  gboolean sort = !new_frame || self->sort == FM_TILE_SORT_MAX ||
                  self->sort == FM_TILE_SORT_MEAN;

  if (self->flow != NULL)
    {
      gboolean moved = FALSE;

      if (filter && self->filter != FM_TILE_FILTER_ALL)
        {
          gtk_flow_box_invalidate_filter (GTK_FLOW_BOX (self->flow));
          moved = TRUE;
        }
      if (sort && self->sort != FM_TILE_SORT_CHANNEL)
        {
          gtk_flow_box_invalidate_sort (GTK_FLOW_BOX (self->flow));
          moved = TRUE;
        }
      /* The flow box moves its children without drawing them again (GTK
       * keeps a widget's last render node when only its place changes): a
       * tile whose last snapshot was out of sight drew no map (fm-tile.c)
       * and would show only its number where the new order or filter
       * brings it into sight. A new frame has already asked every tile to
       * draw its new map. */
      if (moved && !new_frame)
        fm_layer_section_redraw_culled (self);
    }
  if (self->space != NULL && filter)
    _fm_layer_section_fit_space (self, fm_layer_section_count_shown (self));
}

void
fm_layer_section_set_view (FmLayerSection *self,
                           FmTileFilter    filter,
                           FmTileSort      sort)
{
  if (self->filter == filter && self->sort == sort)
    return;
  self->filter = filter;
  self->sort = sort;
  /* Filtered and sorted anew even back to all channels, by number. */
  if (self->flow != NULL)
    {
      gtk_flow_box_invalidate_filter (GTK_FLOW_BOX (self->flow));
      gtk_flow_box_invalidate_sort (GTK_FLOW_BOX (self->flow));
      fm_layer_section_redraw_culled (self);
    }
  if (self->space != NULL)
    _fm_layer_section_fit_space (self, fm_layer_section_count_shown (self));
}

GArray *
fm_layer_section_dup_shown (FmLayerSection *self)
{
  GArray *shown = g_array_new (FALSE, FALSE, sizeof (guint));
  GtkFlowBoxChild *child;

  if (self->flow == NULL)
    return shown;
  for (int i = 0; (child = gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (self->flow), i)) != NULL; i++)
    if (gtk_widget_get_child_visible (GTK_WIDGET (child)))
      {
        guint c = fm_tile_get_channel (_fm_layer_section_cell_tile (child));
        g_array_append_val (shown, c);
      }
  return shown;
}

gboolean
fm_layer_section_channel_at (FmLayerSection *self,
                             GtkWidget      *widget,
                             guint          *channel)
{
  GtkWidget *cell;

  if (widget == NULL || self->flow == NULL)
    return FALSE;
  cell = GTK_IS_FLOW_BOX_CHILD (widget) ? widget
         : gtk_widget_get_ancestor (widget, GTK_TYPE_FLOW_BOX_CHILD);
  if (cell == NULL || gtk_widget_get_parent (cell) != self->flow)
    return FALSE;
  *channel = fm_tile_get_channel (_fm_layer_section_cell_tile (GTK_FLOW_BOX_CHILD (cell)));
  return TRUE;
}

gboolean
fm_layer_section_focus_channel (FmLayerSection *self,
                                guint           channel)
{
  GtkWidget *tile;

  if (channel >= self->n_channels || !channel_passes (self, channel))
    return FALSE;
  tile = fm_layer_section_get_tile (self, channel);
  return gtk_widget_grab_focus (gtk_widget_get_ancestor (tile, GTK_TYPE_FLOW_BOX_CHILD));
}

void
_fm_layer_section_view_init_flow (FmLayerSection *self)
{
  gtk_flow_box_set_filter_func (GTK_FLOW_BOX (self->flow), flow_filter, self, NULL);
  gtk_flow_box_set_sort_func (GTK_FLOW_BOX (self->flow), flow_sort, self, NULL);
}
