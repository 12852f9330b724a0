/* fm-window-grid.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's layers: the sidebar and the sections of tiles, which tiles
 * are built near the view, the filter and sort above them, the key to the
 * marks, paging keys and going to a channel. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fm-bench-live.h"
#include "fm-layer-section.h"
#include "fm-layers.h"
#include "fm-tile.h"
#include "fm-window-private.h"
#include "fm-wrap-label.h"

/* ---- filter and sort ------------------------------------------------------ */

/* Whether section @i is one the sidebar's choice shows (the selected
 * layer, or all of them but those compare mode hides). */
static gboolean
section_chosen (FmWindow *self,
                guint     i)
{
  return (self->selected < 0 || (guint) self->selected == i) && !_fm_window_compare_hides (self, i);
}

/* Shows or hides @section; TRUE when that changed. A section shown again
 * draws all its tiles anew: a hidden tile kept the render node of its
 * last map, and the ones shown now have moved. */
static gboolean
set_section_shown (FmLayerSection *section,
                   gboolean        shown)
{
  if (gtk_widget_get_visible (GTK_WIDGET (section)) == shown)
    return FALSE;
  gtk_widget_set_visible (GTK_WIDGET (section), shown);
  if (shown)
    fm_layer_section_queue_draw_tiles (section);
  return TRUE;
}

static void queue_update_tiles_in_sight (FmWindow *self);
static void redraw_in_sight (FmWindow *self);

/* The filter and sort chosen above the tiles, for every section, and how
 * many channels pass in what is shown. A section none of whose channels
 * pass is hidden, heading and all (not a heading over no tiles). */
void
_fm_window_apply_view (FmWindow *self)
{
  FmTileFilter filter = gtk_drop_down_get_selected (self->filter_dropdown);
  FmTileSort sort = gtk_drop_down_get_selected (self->sort_dropdown);
  guint shown = 0, total = 0;
  gboolean moved = FALSE;
  g_autofree char *text = NULL;

  if (filter > FM_TILE_FILTER_NEAR_DEAD)
    filter = FM_TILE_FILTER_ALL;
  if (sort > FM_TILE_SORT_FIRE_RATE)
    sort = FM_TILE_SORT_CHANNEL;
  for (guint i = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);
      gboolean chosen = section_chosen (self, i);
      guint n;

      fm_layer_section_set_view (section, filter, sort);   /* every frame: count the chosen */
      n = !chosen ? 0 : filter == FM_TILE_FILTER_ALL ? fm_layer_section_n_tiles (section)
                                                     : fm_layer_section_count_shown (section);
      moved |= set_section_shown (section, chosen && (n > 0 || filter == FM_TILE_FILTER_ALL));
      shown += n;
      total += chosen ? fm_layer_section_n_tiles (section) : 0;
    }
  /* The sections below one shown or hidden moved: as after a scroll. */
  if (moved)
    redraw_in_sight (self);
  /* With no tile to go to, the scroller would take the focus itself (GTK
   * puts a scrolled window with nothing focusable in the Tab order): a
   * stop that shows nothing. */
  gtk_widget_set_can_focus (GTK_WIDGET (self->layers_scroller), shown > 0);
  if (self->scan == NULL && (filter == FM_TILE_FILTER_DEAD || filter == FM_TILE_FILTER_RARE ||
                             filter == FM_TILE_FILTER_NEAR_DEAD ||
                             sort == FM_TILE_SORT_FIRE_RATE))
    text = g_strdup (_("Scan a dataset to see which channels are dead or rare"));
  else if (shown == 0 && total > 0 && filter != FM_TILE_FILTER_ALL)
    /* An empty grid says why rather than stay blank. */
    text = g_strdup (filter == FM_TILE_FILTER_ZERO ? _("No channel is zero for this input")
                     : filter == FM_TILE_FILTER_FIRING ? _("No channel fires for this input")
                     : filter == FM_TILE_FILTER_DEAD ? _("No channel is dead in the scan")
                     : filter == FM_TILE_FILTER_RARE ? _("No channel is rarely active in the scan")
                     : _("No channel is near-dead in the scan"));
  else
    /* Translators: channels that pass the filter, e.g. "65 of 512 shown" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u shown", "%u of %u shown",
                                         total), shown, total);
  gtk_label_set_text (self->view_count, text);
}

static void
view_changed_cb (GObject    *dropdown,
                 GParamSpec *pspec,
                 FmWindow   *self)
{
  _fm_window_apply_view (self);
}

/* ---- tiles in sight -------------------------------------------------------- */

/* Sections build their tiles only near the view: within a page above and
 * two below; those more than four pages away drop them again, so a model
 * with 10,000 channels has a few hundred tile widgets at a time. Run from
 * an idle after layout, never during it. */
#define BUILD_PAGES_ABOVE 1
#define BUILD_PAGES_BELOW 2
#define DROP_PAGES        4

/* Runs before the layout of a frame: what is in sight is looked at after
 * it (the idle runs once the frame is painted). */
static gboolean
sight_tick_cb (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  FmWindow *self = user_data;

  self->sight_tick = 0;
  queue_update_tiles_in_sight (self);
  return G_SOURCE_REMOVE;
}

/* The planned nodes a pass must run for layer @index's tiles
 * (fm_layer_plan_end ()). While the user draws, passes stop there when
 * newer input waits (fm_worker_set_needed ()): the layers in sight follow
 * the stroke, and the rest catch up when it pauses. */
static guint
nodes_for_layer (FmWindow *self,
                 guint     index)
{
  return fm_layer_plan_end (self->model, &g_array_index (self->layers, FmLayer, index));
}

/* Before the sections are laid out: the planned nodes for the sections
 * that fill the first page of All Layers, estimated from the page's size
 * (1280 x 800 before the window has one) and the tile size, with a header
 * counted as a row of tiles. Over-estimating costs a few nodes; a section
 * left out shows its tiles when the pass completes. */
static guint
first_page_nodes (FmWindow *self)
{
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);
  double cell = self->options.tile_size + 24;
  int width = gtk_widget_get_width (scroller) > 0 ? gtk_widget_get_width (scroller) : 1280;
  int height = gtk_widget_get_height (scroller) > 0 ? gtk_widget_get_height (scroller) : 800;
  guint columns = MAX (1, (guint) (width / cell));
  double rows = 0;
  guint needed = 0;

  for (guint i = 0; i < self->layers->len && rows * cell < height; i++)
    {
      const FmLayer *layer = &g_array_index (self->layers, FmLayer, i);

      needed = MAX (needed, nodes_for_layer (self, i));
      rows += 1 + (layer->channels + columns - 1) / columns;
    }
  return needed > 0 ? needed : G_MAXUINT;
}

static gboolean
update_tiles_in_sight (gpointer user_data)
{
  FmWindow *self = user_data;
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);
  double page = MAX (1, gtk_widget_get_height (scroller));

  guint n_built = 0, needed = 0;
  g_autofree guint8 *sight = NULL;

  self->sight_idle = 0;
  /* Before the first layout of the page or of new sections, every section
   * seems to be at the top: wait for the layout rather than build them all
   * (10,000 tiles for ResNet-18). */
  for (guint i = 0; i < self->sections->len; i++)
    if (gtk_widget_get_height (scroller) == 0 ||
        (gtk_widget_get_visible (g_ptr_array_index (self->sections, i)) &&
         gtk_widget_get_width (g_ptr_array_index (self->sections, i)) == 0))
      {
        if (self->sight_tick == 0 && gtk_widget_get_mapped (scroller))
          self->sight_tick = gtk_widget_add_tick_callback (scroller, sight_tick_cb, self, NULL);
        return G_SOURCE_REMOVE;
      }
  if (self->layers == NULL || self->model == NULL)
    return G_SOURCE_REMOVE;
  sight = g_new0 (guint8, MAX (self->layers->len, 1));
  for (guint i = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);
      graphene_rect_t b;

      if (!gtk_widget_get_visible (GTK_WIDGET (section)) ||
          !gtk_widget_compute_bounds (GTK_WIDGET (section), scroller, &b))
        continue;
      if (b.origin.y + b.size.height >= 0 && b.origin.y <= page)
        {
          needed = MAX (needed, nodes_for_layer (self, fm_layer_section_get_index (section)));
          sight[fm_layer_section_get_index (section)] = TRUE;
        }
      if (b.origin.y + b.size.height >= -BUILD_PAGES_ABOVE * page &&
          b.origin.y <= (1 + BUILD_PAGES_BELOW) * page)
        {
          fm_layer_section_ensure_tiles (section);
          fm_layer_section_note_cell_size (section);
          n_built++;
        }
      else if (b.origin.y + b.size.height < -DROP_PAGES * page ||
               b.origin.y > (1 + DROP_PAGES) * page)
        fm_layer_section_release_tiles (section);
    }
  /* Nothing in sight (no section laid out yet): only complete results. */
  if (needed == 0)
    needed = G_MAXUINT;
  fm_worker_set_needed (self->worker, needed);
  /* The partial results carry the layers in sight, no others. */
  if (self->sight == NULL || memcmp (self->sight, sight, self->layers->len) != 0)
    {
      g_free (self->sight);
      self->sight = g_steal_pointer (&sight);
      _fm_window_update_worker_finish (self);
    }
  if (fm_bench_live_enabled ())
    {
      g_autofree char *phase = g_strdup_printf ("tiles in sight: %u sections of %u, page %.0f, "
                                                "%u of %u nodes needed",
                                                n_built, self->sections->len, page,
                                                MIN (needed, self->model->n_plan),
                                                self->model->n_plan);
      fm_bench_live_mark (phase);
    }
  return G_SOURCE_REMOVE;
}

static void
queue_update_tiles_in_sight (FmWindow *self)
{
  if (self->sight_idle == 0)
    self->sight_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_tiles_in_sight, self, NULL);
}

/* In sight may be new (a scroll, a resize, sections above shown or hidden):
 * tiles that skipped their map draw it, sections coming near build tiles. */
static void
redraw_in_sight (FmWindow *self)
{
  for (guint i = 0; i < self->sections->len; i++)
    fm_layer_section_redraw_culled (g_ptr_array_index (self->sections, i));
  queue_update_tiles_in_sight (self);
}

static void
in_sight_changed_cb (GtkAdjustment *adjustment,
                     FmWindow      *self)
{
  fm_bench_live_scrolled ();
  redraw_in_sight (self);
}

void
_fm_window_show_selected (FmWindow *self)
{
  /* Which sections show: those chosen with a channel that passes Show.
   * Those shown have moved and draw anew; one layer alone is built. */
  _fm_window_apply_view (self);
  for (guint i = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);

      if (!gtk_widget_get_visible (GTK_WIDGET (section)))
        continue;
      fm_layer_section_queue_draw_tiles (section);
      if (self->selected >= 0)
        fm_layer_section_ensure_tiles (section);
    }
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->layers_scroller), 0);
  queue_update_tiles_in_sight (self);
}

static void
layer_row_selected_cb (GtkListBox    *list,
                       GtkListBoxRow *row,
                       FmWindow      *self)
{
  if (row == NULL)
    return;
  self->selected = gtk_list_box_row_get_index (row) - 1;
  _fm_window_show_selected (self);
}

/* ---- grid keys ------------------------------------------------------------ */

/* Keyboard paging in the grid. Page Up and Page Down scroll a page and
 * move the focus to the tile at the same place on screen; Ctrl+Home and
 * Ctrl+End go to the page's first and last tile (Home and End stay the
 * flow box's, the layer's). The tiles there may not be built yet: a tick
 * callback places the focus once they are laid out, for a few frames. */
typedef enum
{
  GRID_FOCUS_POINT,  /* the tile at (grid_focus_x, grid_focus_y), else the nearest row */
  GRID_FOCUS_FIRST,
  GRID_FOCUS_LAST,
} GridFocus;

#define GRID_FOCUS_MAX_FRAMES 30

/* The flow box child at @x, @y of the scroller, or NULL. */
static GtkWidget *
grid_cell_at (FmWindow *self,
              double    x,
              double    y)
{
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);
  GtkWidget *w = gtk_widget_pick (scroller, x, y, GTK_PICK_DEFAULT);

  while (w != NULL && w != scroller && !GTK_IS_FLOW_BOX_CHILD (w))
    w = gtk_widget_get_parent (w);
  return w != NULL && GTK_IS_FLOW_BOX_CHILD (w) && gtk_widget_get_child_visible (w) ? w : NULL;
}

static gboolean
grid_place_focus (FmWindow *self)
{
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);
  int width = gtk_widget_get_width (scroller);
  int height = gtk_widget_get_height (scroller);
  GtkWidget *cell = NULL;

  if (width <= 0 || height <= 0)
    return FALSE;
  switch ((GridFocus) self->grid_focus)
    {
    case GRID_FOCUS_POINT:
      /* The same place, else the nearest row below, then above (a
       * heading or the gap between rows may be there). */
      for (int d = 0; cell == NULL && d < height; d += 8)
        {
          cell = grid_cell_at (self, self->grid_focus_x, MIN (self->grid_focus_y + d, height - 1));
          if (cell == NULL)
            cell = grid_cell_at (self, self->grid_focus_x, MAX (self->grid_focus_y - d, 0));
        }
      break;
    case GRID_FOCUS_FIRST:
      for (int y = 0; cell == NULL && y < height; y += 8)
        for (int x = 0; cell == NULL && x < width; x += 16)
          cell = grid_cell_at (self, x, y);
      break;
    case GRID_FOCUS_LAST:
      for (int y = height - 1; cell == NULL && y >= 0; y -= 8)
        for (int x = width - 1; cell == NULL && x >= 0; x -= 16)
          cell = grid_cell_at (self, x, y);
      break;
    default:
      g_assert_not_reached ();
    }
  if (cell == NULL)
    return FALSE;
  /* GTK 4.8's viewport would scroll to the top of the cell's whole layer
   * when the focus enters it: stay, scrolled only as far as it takes to
   * show all of the cell. */
  {
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->layers_scroller);
    double value = gtk_adjustment_get_value (adj);
    gboolean grabbed = gtk_widget_grab_focus (cell);
    graphene_rect_t b;

    if (gtk_widget_compute_bounds (cell, scroller, &b))
      {
        if (b.origin.y + b.size.height > height)
          value += b.origin.y + b.size.height - height;
        if (b.origin.y < 0)
          value += b.origin.y;
      }
    gtk_adjustment_set_value (adj, value);
    return grabbed;
  }
}

static gboolean
grid_focus_tick_cb (GtkWidget     *widget,
                    GdkFrameClock *frame_clock,
                    gpointer       user_data)
{
  FmWindow *self = user_data;

  /* The frame before this one laid out what the scroll brought in. */
  if (self->grid_focus_frames++ > 0 &&
      (grid_place_focus (self) || self->grid_focus_frames > GRID_FOCUS_MAX_FRAMES))
    {
      self->grid_focus_tick = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
grid_move (FmWindow  *self,
           GridFocus  focus,
           double     scroll_to)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->layers_scroller);
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);

  self->grid_focus = focus;
  self->grid_focus_frames = 0;
  gtk_adjustment_set_value (adj, scroll_to);
  if (self->grid_focus_tick == 0)
    self->grid_focus_tick = gtk_widget_add_tick_callback (scroller, grid_focus_tick_cb, self, NULL);
}

gboolean
fm_window_grid_key (FmWindow        *self,
                    guint            keyval,
                    GdkModifierType  state)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->layers_scroller);
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  double value = gtk_adjustment_get_value (adj);
  double page = gtk_adjustment_get_page_size (adj);
  double bottom = gtk_adjustment_get_upper (adj) - page;
  gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;
  graphene_rect_t b;

  /* The grid is one stop for Tab, with the arrow keys inside, as the
   * sidebar is (a flow box steps Tab through every tile: 9,216 on
   * ResNet-18's All Layers): Shift+Tab goes back to the bar above it
   * (its last control, Go to Channel), Tab on past the grid, to the top
   * of the window. */
  if (keyval == GDK_KEY_ISO_Left_Tab
      || ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) && (state & GDK_SHIFT_MASK)))
    {
      GtkWidget *bar = gtk_widget_get_parent (GTK_WIDGET (self->sort_dropdown));

      return gtk_widget_child_focus (bar, GTK_DIR_TAB_BACKWARD)
             || gtk_widget_grab_focus (GTK_WIDGET (self->sort_dropdown));
    }
  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    {
      gtk_root_set_focus (GTK_ROOT (self), NULL);
      return gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
    }
  if ((state & (GDK_SHIFT_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      {
        gboolean down = keyval == GDK_KEY_Page_Down || keyval == GDK_KEY_KP_Page_Down;

        if (ctrl)
          return FALSE;
        /* At the end already: the last (first) tile. */
        if (down ? value >= bottom : value <= 0)
          {
            grid_move (self, down ? GRID_FOCUS_LAST : GRID_FOCUS_FIRST, value);
            return TRUE;
          }
        if (focus != NULL && gtk_widget_is_ancestor (focus, scroller) &&
            gtk_widget_compute_bounds (focus, scroller, &b))
          {
            self->grid_focus_x = b.origin.x + b.size.width / 2;
            self->grid_focus_y = b.origin.y + b.size.height / 2;
          }
        else
          {
            self->grid_focus_x = gtk_widget_get_width (scroller) / 2.0;
            self->grid_focus_y = gtk_widget_get_height (scroller) / 2.0;
          }
        grid_move (self, GRID_FOCUS_POINT, CLAMP (value + (down ? page : -page), 0, bottom));
        return TRUE;
      }
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      if (!ctrl)
        return FALSE;
      grid_move (self, GRID_FOCUS_FIRST, 0);
      return TRUE;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      if (!ctrl)
        return FALSE;
      grid_move (self, GRID_FOCUS_LAST, bottom);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
grid_key_cb (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             FmWindow              *self)
{
  return fm_window_grid_key (self, keyval, state);
}

/* The sidebar is one stop for Tab, with the arrow keys inside, like GTK's
 * list views: Tab leaves it for the controls above the tiles (the scan
 * offer or the scan's bar, Show, Sort...), Shift+Tab for the input
 * pane's last control. */
static gboolean
layer_list_key_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   FmWindow              *self)
{
  GtkWidget *target;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab && keyval != GDK_KEY_KP_Tab)
    return FALSE;
  if (keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK))
    {
      target = adw_flap_get_flap (self->input_flap);
      if (!adw_flap_get_reveal_flap (self->input_flap) || target == NULL)
        return FALSE;
      return gtk_widget_child_focus (target, GTK_DIR_TAB_BACKWARD)
             || gtk_widget_grab_focus (GTK_WIDGET (self->draw_pad));
    }
  target = gtk_widget_get_parent (GTK_WIDGET (self->content_stack));
  return gtk_widget_child_focus (target, GTK_DIR_TAB_FORWARD);
}

/* The section Ctrl+G goes into, and the channel it starts at: the tile
 * with the focus in the grid; else channel 0 of the selected layer, or of
 * the first one in sight on All Layers. */
FmLayerSection *
_fm_window_section_for_go_to (FmWindow *self,
                              guint    *channel)
{
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *section = focus != NULL ? gtk_widget_get_ancestor (focus, FM_TYPE_LAYER_SECTION)
                                     : NULL;

  if (section != NULL && gtk_widget_get_visible (section) &&
      fm_layer_section_channel_at (FM_LAYER_SECTION (section), focus, channel))
    return FM_LAYER_SECTION (section);
  *channel = 0;
  if (self->selected >= 0 && (guint) self->selected < self->sections->len)
    return g_ptr_array_index (self->sections, self->selected);
  for (guint i = 0; i < self->sections->len; i++)
    {
      graphene_rect_t b;

      if (gtk_widget_get_visible (g_ptr_array_index (self->sections, i)) &&
          gtk_widget_compute_bounds (g_ptr_array_index (self->sections, i), scroller, &b) &&
          b.origin.y + b.size.height > 0)
        return g_ptr_array_index (self->sections, i);
    }
  return self->sections->len > 0 ? g_ptr_array_index (self->sections, 0) : NULL;
}

gboolean
_fm_window_go_to (FmWindow       *self,
                  FmLayerSection *section,
                  guint           channel)
{
  if (section == NULL || channel >= fm_layer_section_n_tiles (section))
    return FALSE;
  /* A channel the filter hides: show every channel first. */
  if (!fm_layer_section_focus_channel (section, channel))
    {
      gtk_drop_down_set_selected (self->filter_dropdown, FM_TILE_FILTER_ALL);
      return fm_layer_section_focus_channel (section, channel);
    }
  return TRUE;
}

gboolean
fm_window_go_to_channel (FmWindow *self,
                         guint     channel)
{
  guint focused;

  return _fm_window_go_to (self, _fm_window_section_for_go_to (self, &focused), channel);
}

/* ---- sections and sidebar rows --------------------------------------------- */

static GtkWidget *
make_layer_row (FmWindow      *self,
                const FmLayer *layer,
                const char    *friendly)
{
  g_autofree char *shape = fm_layer_shape_text (self->model, layer);
  g_autofree char *caption = g_strdup_printf ("%s · %s", fm_layer_op_label (self->model, layer),
                                              shape);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (friendly);
  GtkWidget *sub = gtk_label_new (caption);
  GtkWidget *zero = gtk_label_new ("");

  /* The friendly name in full, wrapped rather than cut: the part that
   * tells two layers apart is often in its middle ("layer4.0" and
   * "layer4.1"). The tensor's own name is in the tooltip. */
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name), PANGO_WRAP_WORD_CHAR);
  fm_label_keep_names_whole (GTK_LABEL (name));   /* no hyphen Pango would add */
  gtk_widget_set_tooltip_text (name, self->model->values[layer->value_id].name);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (sub, "caption");
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (zero), 0);
  gtk_widget_add_css_class (zero, "caption");
  gtk_widget_add_css_class (zero, "numeric");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), sub);
  gtk_box_append (GTK_BOX (box), zero);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  g_ptr_array_add (self->zero_labels, zero);
  {
    GtkWidget *dead = gtk_label_new ("");
    /* the layer warning (10 % or more dead), shown by _fm_window_scan_apply */
    GtkWidget *warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
    GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

    gtk_label_set_xalign (GTK_LABEL (dead), 0);
    gtk_widget_add_css_class (dead, "caption");
    gtk_label_set_wrap (GTK_LABEL (dead), TRUE);
    gtk_widget_set_visible (dead, FALSE);
    gtk_widget_add_css_class (warning, "warning");
    gtk_widget_set_valign (warning, GTK_ALIGN_START);
    gtk_widget_set_visible (warning, FALSE);
    gtk_box_append (GTK_BOX (line), warning);
    gtk_box_append (GTK_BOX (line), dead);
    gtk_box_append (GTK_BOX (box), line);
    g_object_set_data (G_OBJECT (dead), "fm-warning-icon", warning);
    g_ptr_array_add (self->dead_labels, dead);
  }
  return box;
}

/* The worker derives each pass's statistics for the listed layers and
 * the zero threshold of now (off the main thread). */
void
_fm_window_update_worker_finish (FmWindow *self)
{
  float epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");

  if (self->layers == NULL)
    {
      fm_worker_set_finish (self->worker, NULL, NULL, NULL, NULL, NULL);
      return;
    }
  fm_worker_set_finish (self->worker, fm_frame_finish_pass,
                        fm_frame_spec_new (self->model, self->layers, epsilon, self->sight),
                        (GBoxedCopyFunc) fm_frame_spec_ref,
                        (GDestroyNotify) fm_frame_spec_unref, fm_frame_stats_release);
}

void
_fm_window_rebuild_layers (FmWindow *self)
{
  GtkWidget *child;
  GtkWidget *all;

  g_clear_pointer (&self->frame, fm_frame_unref);
  self->tile_wanted_layer = -1;   /* another model's, or another layer list's */
  g_clear_pointer (&self->sight, g_free);
  g_ptr_array_set_size (self->sections, 0);
  g_ptr_array_set_size (self->zero_labels, 0);
  g_ptr_array_set_size (self->dead_labels, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_box))) != NULL)
    gtk_box_remove (self->sections_box, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->layer_list))) != NULL)
    gtk_list_box_remove (self->layer_list, child);

  g_clear_pointer (&self->layers, g_array_unref);
  self->layers = fm_layers_list (self->model,
                                 !g_settings_get_boolean (self->settings, "show-all-nodes"));
  _fm_window_update_worker_finish (self);
  /* The worker starts on the new model's first pass while the sections
   * are built (~50 ms for ResNet-18's 38), and shows the first sections as
   * soon as it has made them. */
  fm_worker_set_needed (self->worker, first_page_nodes (self));
  _fm_window_submit_input (self);

  all = gtk_label_new (_("All Layers"));
  gtk_label_set_xalign (GTK_LABEL (all), 0);
  gtk_widget_set_margin_top (all, 6);
  gtk_widget_set_margin_bottom (all, 6);
  gtk_list_box_append (self->layer_list, all);

  {
    g_auto(GStrv) names = NULL;

    fm_layers_friendly_names (self->model, self->layers, &names);
    for (guint i = 0; i < self->layers->len; i++)
      {
        const FmLayer *layer = &g_array_index (self->layers, FmLayer, i);
        GtkWidget *section = fm_layer_section_new (self->model, layer, i,
                                                   self->options.tile_size);

        fm_layer_section_set_title (FM_LAYER_SECTION (section), names[i]);
        gtk_box_append (self->sections_box, section);
        g_ptr_array_add (self->sections, section);
        gtk_list_box_append (self->layer_list, make_layer_row (self, layer, names[i]));
      }
  }
  self->selected = -1;
  gtk_list_box_select_row (self->layer_list, gtk_list_box_get_row_at_index (self->layer_list, 0));
  gtk_stack_set_visible_child_name (self->content_stack,
                                    self->layers->len > 0 ? "layers" : "empty");
  _fm_window_scan_apply (self);
  _fm_window_compare_layers_rebuilt (self);
  queue_update_tiles_in_sight (self);
}

/* ---- the key to the marks ------------------------------------------------- */

typedef enum { KEY_ZERO, KEY_DEAD, KEY_RARE, KEY_DIFFERS, KEY_NEAR_DEAD } KeyKind;

/* The near-dead key entry, kept on the key's box (not a window field). */
#define KEY_NEAR_DEAD_DATA "fm-key-near-dead"

/* A small sample of each mark, drawn by the code that draws the tiles. */
static void
key_swatch_draw (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  FmWindow *self = g_object_get_data (G_OBJECT (area), "fm-window");
  KeyKind kind = GPOINTER_TO_INT (user_data);
  static const float zero_map[4] = { 0, 0, 0, 0 };
  static const float live_map[4] = { 0.2f, 0.5f, 0.8f, 0.4f };
  FmTileStyle style = { 0 };
  double side = MIN (width, height);

  style.colormap = self != NULL ? self->options.colormap : NULL;
  style.vmin = 0;
  style.vmax = 1;
  style.all_zero = kind == KEY_ZERO;
  style.dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  if (kind == KEY_DIFFERS)
    {
      /* The highlight of a compare cell (style.css: .verdict-differs). */
      cairo_set_source_rgba (cr, 0.57, 0.25, 0.67, 0.30);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0.57, 0.25, 0.67);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, 1, 1, side - 2, side - 2);
      cairo_stroke (cr);
      return;
    }
  fm_tile_render (cr, kind == KEY_ZERO ? zero_map : live_map, 2, 2, side, side, &style);
  if (kind == KEY_NEAR_DEAD)
    fm_tile_render_near_dead_mark (cr, 0, 0, side * 0.55);
  else if (kind != KEY_ZERO)
    {
      static const double dash[] = { 3, 2 };

      fm_tile_render_scan_mark (cr, kind == KEY_DEAD, side, 2, dash);
    }
}

/* An entry of the key: a swatch and a short name, the whole sentence in
 * its tooltip (the key then takes a line or two, not one an entry, and
 * leaves the tiles room on a small screen). */
static GtkWidget *
add_key_entry (FmWindow *self,
               KeyKind   kind)
{
  GtkWidget *child = gtk_flow_box_child_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* the entry's label says it all */
  GtkWidget *swatch = g_object_new (GTK_TYPE_DRAWING_AREA, "accessible-role",
                                    GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  GtkWidget *label = gtk_label_new (NULL);

  g_object_set_data (G_OBJECT (swatch), "fm-window", self);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 18);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 18);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), key_swatch_draw,
                                  GINT_TO_POINTER (kind), NULL);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), box);
  gtk_flow_box_append (self->key_flow, child);
  g_object_set_data (G_OBJECT (child), "fm-label", label);
  return child;
}

/* @name shown, @text (NULL: @name) in the tooltip and to screen readers. */
static void
set_key_text (GtkWidget  *entry,
              const char *name,
              const char *text)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (entry), "fm-label");

  text = text != NULL ? text : name;
  gtk_label_set_text (GTK_LABEL (label), name);
  gtk_widget_set_tooltip_text (entry, g_strcmp0 (text, name) != 0 ? text : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text, -1);
  g_object_set_data_full (G_OBJECT (entry), "fm-text", g_strdup (text), g_free);
}

void
_fm_window_update_key (FmWindow *self)
{
  gboolean scanned = self->scan != NULL;
  GtkWidget *key_near = g_object_get_data (G_OBJECT (self->key_flow), KEY_NEAR_DEAD_DATA);

  if (scanned)
    {
      g_autofree char *dataset = g_filename_display_basename (self->scan->dataset_path);
      double rare = g_settings_get_double (self->settings, "rare-threshold");
      g_autofree char *percent = g_strdup_printf ("%g %%", 100.0 * rare);
      /* Translators: the key to the tiles' red frame; %s is the dataset */
      g_autofree char *dead = g_strdup_printf (_("Red frame: never fires on %s (dead)"),
                                               dataset);
      /* Translators: the key to the tiles' dashed amber frame: "fires on
         under 1 % of digits.idx (rarely active)" */
      g_autofree char *rare_text = g_strdup_printf (_("Dashed amber: fires on under %s of %s "
                                                      "(rarely active)"), percent, dataset);

      /* Translators: the key to the tiles' red frame, in short (the
         sentence is in its tooltip) */
      set_key_text (self->key_dead, _("Red frame: dead"), dead);
      /* Translators: the key to the tiles' dashed amber frame, in short */
      set_key_text (self->key_rare, _("Dashed amber: rarely active"), rare_text);
    }
  gtk_widget_set_visible (self->key_dead, scanned);
  gtk_widget_set_visible (self->key_rare, scanned);
  gtk_widget_set_visible (key_near, scanned);
  gtk_widget_set_visible (self->scan_offer, !scanned);
  gtk_widget_queue_draw (GTK_WIDGET (self->key_flow));
  _fm_window_apply_view (self);
}

char *
fm_window_dup_key_text (FmWindow *self)
{
  GString *text = g_string_new (NULL);

  for (GtkWidget *entry = gtk_widget_get_first_child (GTK_WIDGET (self->key_flow));
       entry != NULL; entry = gtk_widget_get_next_sibling (entry))
    {
      if (!gtk_widget_get_visible (entry))
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_object_get_data (G_OBJECT (entry), "fm-text"));
    }
  return g_string_free (text, FALSE);
}

GtkWidget *
fm_window_get_key (FmWindow *self)
{
  return GTK_WIDGET (self->key_flow);
}

gboolean
fm_window_get_scan_offered (FmWindow *self)
{
  return gtk_widget_get_visible (self->scan_offer) && gtk_widget_is_sensitive (self->scan_offer);
}

/* ---- set-up and public ------------------------------------------------------- */

void
_fm_window_grid_init (FmWindow *self)
{
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->layers_scroller);
  GtkEventController *keys;

  g_signal_connect (self->layer_list, "row-selected", G_CALLBACK (layer_row_selected_cb), self);
  g_signal_connect (vadj, "value-changed", G_CALLBACK (in_sight_changed_cb), self);
  g_signal_connect (vadj, "changed", G_CALLBACK (in_sight_changed_cb), self);
  g_signal_connect (gtk_scrolled_window_get_hadjustment (self->layers_scroller), "changed",
                    G_CALLBACK (in_sight_changed_cb), self);

  set_key_text (add_key_entry (self, KEY_ZERO), _("Hatched, “0”: zero for this input"), NULL);
  self->key_dead = add_key_entry (self, KEY_DEAD);
  self->key_rare = add_key_entry (self, KEY_RARE);
  g_object_set_data (G_OBJECT (self->key_flow), KEY_NEAR_DEAD_DATA,
                     add_key_entry (self, KEY_NEAR_DEAD));
  /* Translators: the key to the tiles' blue corner, in short, and in full;
     APoZ is the "Average Percentage of Zeros" (keep the abbreviation) */
  set_key_text (g_object_get_data (G_OBJECT (self->key_flow), KEY_NEAR_DEAD_DATA),
                _("Blue corner: near-dead"),
                _("Blue corner: APoZ above the layer’s mean + 1 standard deviation "
                  "(near-dead)"));
  self->key_differs = add_key_entry (self, KEY_DIFFERS);
  /* Translators: the key to a compared pair's highlight, in short, and in full */
  set_key_text (self->key_differs, _("Highlighted pair: zero in one model only"),
                _("Highlighted pair: zero for this input in one model, not in the other"));
  gtk_widget_set_visible (self->key_differs, FALSE);
  _fm_window_update_key (self);
  g_signal_connect (self->filter_dropdown, "notify::selected", G_CALLBACK (view_changed_cb), self);
  g_signal_connect (self->sort_dropdown, "notify::selected", G_CALLBACK (view_changed_cb), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (layer_list_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->layer_list), keys);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (grid_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->layers_scroller), keys);
}

void
_fm_window_grid_dispose (FmWindow *self)
{
  g_clear_handle_id (&self->sight_idle, g_source_remove);
  if (self->sight_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->layers_scroller), self->sight_tick);
  self->sight_tick = 0;
  if (self->grid_focus_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->layers_scroller), self->grid_focus_tick);
  self->grid_focus_tick = 0;
  if (self->layers_scroller != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_scrolled_window_get_vadjustment (self->layers_scroller),
                                            self);
      g_signal_handlers_disconnect_by_data (gtk_scrolled_window_get_hadjustment (self->layers_scroller),
                                            self);
    }
  if (self->sections != NULL)
    g_ptr_array_set_size (self->sections, 0);
}

GArray *
fm_window_dup_marked_zero (FmWindow *self,
                           guint     index)
{
  GArray *zeros = g_array_new (FALSE, FALSE, sizeof (guint));
  FmLayerSection *section;

  if (index >= self->sections->len)
    return zeros;
  section = g_ptr_array_index (self->sections, index);
  for (guint c = 0; c < fm_layer_section_n_tiles (section); c++)
    if (fm_tile_get_all_zero (FM_TILE (fm_layer_section_get_tile (section, c))))
      g_array_append_val (zeros, c);
  return zeros;
}

GtkWidget *
fm_window_get_section (FmWindow *self,
                       guint     index)
{
  g_return_val_if_fail (index < self->sections->len, NULL);
  return g_ptr_array_index (self->sections, index);
}

void
fm_window_select_layer (FmWindow *self,
                        int       index)
{
  gtk_list_box_select_row (self->layer_list,
                           gtk_list_box_get_row_at_index (self->layer_list, index + 1));
}

GtkWidget *
fm_window_get_layer_list (FmWindow *self)
{
  return GTK_WIDGET (self->layer_list);
}

GtkWidget *
fm_window_get_layers_scroller (FmWindow *self)
{
  return GTK_WIDGET (self->layers_scroller);
}

const char *
fm_window_get_content_page (FmWindow *self)
{
  return gtk_stack_get_visible_child_name (self->content_stack);
}
