/* fm-window.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: the input canvas with its preview and prediction on the
 * left, the layer sidebar, and the tiles of every feature-map layer. It
 * owns the live worker: each canvas change is normalised and submitted
 * (latest wins), and each result that still belongs to the current model
 * and input becomes an FmFrame that the sections, the sidebar and the
 * prediction show. Models and images load off the main thread; a failure
 * is a toast naming the file and the reason, and the previous model stays.
 * Actions: win.open-model, win.open-image, win.open-bundled, win.clear,
 * win.undo, win.open-tile, and view.show-all-nodes (bound to GSettings).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "fm-bench-live.h"
#include "fm-data.h"
#include "fm-draw-pad.h"
#include "fm-export-dialog.h"
#include "fm-image.h"
#include "fm-input-dialog.h"
#include "fm-input-settings.h"
#include "fm-layer-section.h"
#include "fm-layers.h"
#include "fm-npy.h"
#include "fm-predict.h"
#include "fm-preprocess.h"
#include "fm-tile-detail.h"
#include "fm-tile.h"
#include "fm-window-private.h"
#include "fm-worker.h"

G_DEFINE_FINAL_TYPE (FmWindow, fm_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---- small helpers ------------------------------------------------------ */

static void restore_last_input (FmWindow *self);
static void update_input_caption (FmWindow *self);
static void draw_pad_changed_cb (FmDrawPad *pad, FmWindow *self);
static void submit_input (FmWindow *self);
static void queue_update_tiles_in_sight (FmWindow *self);

void
fm_window_toast (FmWindow   *self,
                 const char *text)
{
  /* Toast titles are markup in libadwaita 1.2: a file name is not. */
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (markup);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
}

/* An error's message is a plain sentence naming the file, then maybe a
 * technical detail after the first newline: the toast says the sentence,
 * and its Details button shows the rest. */
static void
show_error (FmWindow     *self,
            const GError *error)
{
  const char *nl = strchr (error->message, '\n');
  g_autofree char *first = nl != NULL ? g_strndup (error->message, nl - error->message)
                                      : g_strdup (error->message);
  /* Engine messages already begin with the file name. */
  g_autofree char *text = g_strdup_printf (_("Could not open: %s"), first);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (markup);

  g_free (self->error_detail);
  self->error_detail = nl != NULL ? g_strstrip (g_strdup (nl + 1)) : NULL;
  adw_toast_set_timeout (toast, 10);
  if (self->error_detail != NULL && *self->error_detail != '\0')
    {
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.error-details");
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  g_free (self->last_toast);
  self->last_toast = g_steal_pointer (&text);
}

static void
error_details_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  AdwMessageDialog *dialog;
  GtkWidget *expander, *label;

  if (self->error_detail == NULL)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Open"),
                                                       self->last_toast));
  label = gtk_label_new (self->error_detail);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  expander = gtk_expander_new_with_mnemonic (_("_Technical Details"));
  gtk_expander_set_child (GTK_EXPANDER (expander), label);
  adw_message_dialog_set_extra_child (dialog, expander);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_busy (FmWindow *self,
          gboolean  busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

static void
update_undo_action (FmWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 fm_draw_pad_can_undo (self->draw_pad));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear",
                                 !fm_draw_pad_is_empty (self->draw_pad));
}

static void
read_view_options (FmWindow *self)
{
  g_autofree char *cm = g_settings_get_string (self->settings, "colormap");

  self->options.colormap = fm_colormap_lookup (cm);
  if (self->options.colormap == NULL)
    self->options.colormap = fm_colormap_get_default ();
  self->options.normalize = g_settings_get_enum (self->settings, "normalize");
  self->options.fixed_min = (float) g_settings_get_double (self->settings, "fixed-min");
  self->options.fixed_max = (float) g_settings_get_double (self->settings, "fixed-max");
  self->options.tile_size = g_settings_get_int (self->settings, "tile-size");
}

/* ---- live results --------------------------------------------------------- */

static void
update_prediction (FmWindow *self)
{
  FmPrediction p;
  /* An empty canvas has nothing to predict: no bars that suggest a "1". */
  gboolean empty = fm_draw_pad_is_empty (self->draw_pad);

  fm_predict (self->frame->model, fm_worker_result_get_run (self->frame->result), TOP_K, &p);
  gtk_widget_set_visible (self->prediction_empty, empty);
  for (guint k = 0; k < TOP_K; k++)
    {
      gboolean shown = k < p.n_top && !empty;

      gtk_widget_set_visible (self->top_labels[k], shown);
      gtk_widget_set_visible (self->top_bars[k], shown);
      gtk_widget_set_visible (self->top_values[k], shown);
      if (shown)
        {
          const char *label = fm_labels_get (self->labels, p.index[k]);
          g_autofree char *index = g_strdup_printf ("%u", p.index[k]);
          g_autofree char *percent = g_strdup_printf ("%.1f %%", 100.0 * p.probability[k]);
          g_autofree char *a11y = g_strdup_printf (_("Class %s: %.1f percent"),
                                                   label != NULL ? label : index,
                                                   100.0 * p.probability[k]);

          gtk_label_set_text (GTK_LABEL (self->top_labels[k]), label != NULL ? label : index);
          gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->top_bars[k]), p.probability[k]);
          gtk_label_set_text (GTK_LABEL (self->top_values[k]), percent);
          gtk_accessible_update_property (GTK_ACCESSIBLE (self->top_bars[k]),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
        }
    }
}

/* The filter and sort chosen above the tiles, for every section, and how
 * many channels pass in what is shown. */
static void
apply_view (FmWindow *self)
{
  FmTileFilter filter = gtk_drop_down_get_selected (self->filter_dropdown);
  FmTileSort sort = gtk_drop_down_get_selected (self->sort_dropdown);
  guint shown = 0, total = 0;
  g_autofree char *text = NULL;

  if (filter > FM_TILE_FILTER_FIRING)
    filter = FM_TILE_FILTER_ALL;
  if (sort > FM_TILE_SORT_FIRE_RATE)
    sort = FM_TILE_SORT_CHANNEL;
  for (guint i = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);

      fm_layer_section_set_view (section, filter, sort);
      if (self->selected >= 0 && (guint) self->selected != i)
        continue;
      shown += fm_layer_section_count_shown (section);
      total += fm_layer_section_n_tiles (section);
    }
  if (self->scan == NULL && (filter == FM_TILE_FILTER_DEAD || filter == FM_TILE_FILTER_RARE ||
                             sort == FM_TILE_SORT_FIRE_RATE))
    text = g_strdup (_("Scan a dataset to see which channels are dead or rare"));
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
  apply_view (self);
}

static void
refresh_frame (FmWindow *self)
{
  if (self->frame == NULL)
    return;
  for (guint i = 0; i < self->sections->len; i++)
    fm_layer_section_update (g_ptr_array_index (self->sections, i), self->frame,
                             &self->options);
  for (guint i = 0; i < self->zero_labels->len; i++)
    {
      guint channels = fm_layer_channels (self->model, fm_frame_layer (self->frame, i));
      /* Translators: channels that are all zero for this input, e.g. "5 / 32 zero" */
      g_autofree char *text = g_strdup_printf (_("%u / %u zero"), self->frame->n_zero[i],
                                               channels);
      gtk_label_set_text (g_ptr_array_index (self->zero_labels, i), text);
    }
  update_prediction (self);
  apply_view (self);
}

static void
worker_result_cb (FmWorker       *worker,
                  FmWorkerResult *result,
                  FmWindow       *self)
{
  float epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");

  if (fm_worker_result_get_model (result) != self->model)
    return;
  if (fm_bench_live_enabled ())
    {
      g_autofree char *phase = g_strdup_printf ("first result (its pass %.1f ms on %u threads)",
                                                fm_worker_result_get_duration (result) / 1000.0,
                                                fm_worker_result_get_threads (result));
      fm_bench_live_mark (phase);
    }
  g_clear_pointer (&self->frame, fm_frame_unref);
  self->frame = fm_frame_new (result, self->layers, epsilon);
  self->n_frames++;
  refresh_frame (self);
  fm_bench_live_mark ("first result shown");
  fm_bench_live_shown (GTK_WIDGET (self->sections_box),
                       fm_worker_result_get_input_generation (result));
}

static void
worker_error_cb (FmWorker     *worker,
                 const GError *error,
                 FmWindow     *self)
{
  fm_window_toast (self, error->message);
}

/* The frame that handles a pointer motion paints right after it: without
 * this, the tiles would always show the stroke one frame after the canvas
 * does. When passes are quick (the bundled model takes well under a
 * millisecond), the start of that frame waits a little for the result of
 * its own input, never longer than a small share of the frame; a slow model
 * (a pass longer than 2 ms) is not waited for at all, and its results come
 * as they come, newest first. */
#define WAIT_MAX_US   3000
#define WAIT_QUICK_US 2000

static gboolean
wait_for_result_tick (GtkWidget     *widget,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  FmWindow *self = FM_WINDOW (widget);
  FmWorkerStats stats;

  self->wait_tick = 0;
  fm_worker_get_stats (self->worker, &stats);
  if (stats.last_duration > 0 && stats.last_duration < WAIT_QUICK_US)
    fm_worker_wait (self->worker, MIN (WAIT_MAX_US, 3 * stats.last_duration + 500));
  return G_SOURCE_REMOVE;
}

/* The canvas holds the picture in [0, 1]; the model gets it normalised. */
static void
submit_input (FmWindow *self)
{
  const float *pixels = fm_draw_pad_get_pixels (self->draw_pad);

  if (self->model == NULL)
    return;
  fm_preprocess_canvas_to_tensor (&self->pp, pixels, self->input);
  fm_bench_live_mark ("input submitted");
  fm_bench_live_input (fm_worker_submit (self->worker, self->input, self->input_len));
  gtk_widget_queue_draw (GTK_WIDGET (self->preview));
  if (self->wait_tick == 0)
    self->wait_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), wait_for_result_tick,
                                                    NULL, NULL);
}

static void
draw_pad_changed_cb (FmDrawPad *pad,
                     FmWindow  *self)
{
  /* Drawn on, cleared or undone: no longer the picture as opened. */
  g_clear_pointer (&self->picture, fm_image_free);
  update_undo_action (self);
  submit_input (self);
}

/* The tensor the model receives: a gray model's channel scaled to its own
 * range (so normalisation is visible); for an RGB or BGR model the picture
 * in colour, as the canvas holds it before the channel order, range and
 * mean/std are applied. */
static void
preview_draw (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  FmWindow *self = user_data;
  FmTileStyle style = { 0 };
  gsize plane;

  if (self->model == NULL || self->input == NULL)
    return;
  plane = (gsize) self->pp.height * self->pp.width;
  if (self->pp.channels == 3 && fm_draw_pad_get_channels (self->draw_pad) == 3)
    {
      const float *rgb = fm_draw_pad_get_pixels (self->draw_pad);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, self->pp.width,
                                                             self->pp.height);
      guint8 *data = cairo_image_surface_get_data (surface);
      int stride = cairo_image_surface_get_stride (surface);

      cairo_surface_flush (surface);
      for (int y = 0; y < self->pp.height; y++)
        for (int x = 0; x < self->pp.width; x++)
          {
            gsize i = (gsize) y * self->pp.width + x;
            guint32 px = 0;

            for (int c = 0; c < 3; c++)
              px = px << 8 | (guint32) lrintf (CLAMP (rgb[c * plane + i], 0.0f, 1.0f) * 255);
            ((guint32 *) (data + y * stride))[x] = px;
          }
      cairo_surface_mark_dirty (surface);
      cairo_scale (cr, (double) width / self->pp.width, (double) height / self->pp.height);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_surface_destroy (surface);
      return;
    }
  style.colormap = fm_colormap_lookup ("gray");
  style.vmin = G_MAXFLOAT;
  style.vmax = -G_MAXFLOAT;
  for (gsize i = 0; i < plane; i++)
    {
      style.vmin = MIN (style.vmin, self->input[i]);
      style.vmax = MAX (style.vmax, self->input[i]);
    }
  /* A uniform tensor (the empty canvas) has no range of its own: show it
   * as the canvas does. */
  if (style.vmin == style.vmax)
    {
      double v = fm_draw_pad_get_pixels (self->draw_pad)[0];

      cairo_set_source_rgb (cr, v, v, v);
      cairo_paint (cr);
      return;
    }
  fm_tile_render (cr, self->input, self->pp.height, self->pp.width, width, height, &style);
}

/* ---- layers --------------------------------------------------------------- */

static void
show_selected (FmWindow *self)
{
  for (guint i = 0; i < self->sections->len; i++)
    {
      GtkWidget *section = g_ptr_array_index (self->sections, i);
      gboolean shown = self->selected < 0 || (guint) self->selected == i;

      gtk_widget_set_visible (section, shown);
      /* A hidden tile kept the render node of its last map, and the ones
       * shown now have moved: draw them all anew. */
      if (shown)
        fm_layer_section_queue_draw_tiles (FM_LAYER_SECTION (section));
      /* One layer alone is always built. */
      if (shown && self->selected >= 0)
        fm_layer_section_ensure_tiles (FM_LAYER_SECTION (section));
    }
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->layers_scroller), 0);
  queue_update_tiles_in_sight (self);
  apply_view (self);
}

/* Sections build their tiles only near the view: within a page above and
 * two below; those more than four pages away drop them again, so a model
 * with 10,000 channels has a few hundred tile widgets at a time. Run from
 * an idle after layout, never during it. */
#define BUILD_PAGES_ABOVE 1
#define BUILD_PAGES_BELOW 2
#define DROP_PAGES        4

static void queue_update_tiles_in_sight (FmWindow *self);

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

static gboolean
update_tiles_in_sight (gpointer user_data)
{
  FmWindow *self = user_data;
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);
  double page = MAX (1, gtk_widget_get_height (scroller));

  guint n_built = 0;

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
  for (guint i = 0; i < self->sections->len; i++)
    {
      FmLayerSection *section = g_ptr_array_index (self->sections, i);
      graphene_rect_t b;

      if (!gtk_widget_get_visible (GTK_WIDGET (section)) ||
          !gtk_widget_compute_bounds (GTK_WIDGET (section), scroller, &b))
        continue;
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
  if (fm_bench_live_enabled ())
    {
      g_autofree char *phase = g_strdup_printf ("tiles in sight: %u sections of %u, page %.0f",
                                                n_built, self->sections->len, page);
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

/* What is in sight may have changed (a scroll, a new width or height of
 * the page or of its content): tiles that skipped their map draw it, and
 * sections coming near build their tiles. */
static void
in_sight_changed_cb (GtkAdjustment *adjustment,
                     FmWindow      *self)
{
  fm_bench_live_scrolled ();
  for (guint i = 0; i < self->sections->len; i++)
    fm_layer_section_redraw_culled (g_ptr_array_index (self->sections, i));
  queue_update_tiles_in_sight (self);
}

/* Keyboard paging in the grid. Page Up and Page Down scroll a page and
 * move the focus to the tile at the same place on screen; Ctrl+Home and
 * Ctrl+End go to the first and the last tile of the page (Home and End
 * stay the flow box's: the first and last tile of the layer). The tiles
 * there may not be built yet, so the focus is placed once they are laid
 * out: a tick callback tries each frame, for a few frames. */
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

static void
layer_row_selected_cb (GtkListBox    *list,
                       GtkListBoxRow *row,
                       FmWindow      *self)
{
  if (row == NULL)
    return;
  self->selected = gtk_list_box_row_get_index (row) - 1;
  show_selected (self);
}

static GtkWidget *
make_layer_row (FmWindow      *self,
                const FmLayer *layer,
                const char    *friendly)
{
  const FmValue *v = &self->model->values[layer->value_id];
  g_autofree char *shape = fm_shape_to_string (&v->shape);
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
  gtk_widget_set_tooltip_text (name, v->name);
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
    gtk_label_set_xalign (GTK_LABEL (dead), 0);
    gtk_widget_add_css_class (dead, "caption");
    gtk_label_set_wrap (GTK_LABEL (dead), TRUE);
    gtk_widget_set_visible (dead, FALSE);
    gtk_box_append (GTK_BOX (box), dead);
    g_ptr_array_add (self->dead_labels, dead);
  }
  return box;
}

/* The worker derives each pass's statistics for the listed layers and
 * the zero threshold of now (off the main thread). */
static void
update_worker_finish (FmWindow *self)
{
  float epsilon = (float) g_settings_get_double (self->settings, "zero-threshold");

  if (self->layers == NULL)
    {
      fm_worker_set_finish (self->worker, NULL, NULL, NULL, NULL, NULL);
      return;
    }
  fm_worker_set_finish (self->worker, fm_frame_finish_pass,
                        fm_frame_spec_new (self->model, self->layers, epsilon),
                        (GBoxedCopyFunc) fm_frame_spec_ref,
                        (GDestroyNotify) fm_frame_spec_unref, fm_frame_stats_release);
}

static void
rebuild_layers (FmWindow *self)
{
  GtkWidget *child;
  GtkWidget *all;

  g_clear_pointer (&self->frame, fm_frame_unref);
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
  update_worker_finish (self);

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
  fm_window_scan_apply (self);
  queue_update_tiles_in_sight (self);
  /* The worker re-runs so the new sections get a frame. */
  submit_input (self);
}

/* ---- input settings ---------------------------------------------------------- */

/* Under the model input's preview: its shape, the settings in a line, and
 * whether the picture shown was inverted. */
static void
update_input_caption (FmWindow *self)
{
  g_autofree char *how = fm_preprocess_describe (&self->pp);
  g_autofree char *text = NULL;

  if (self->input_inverted)
    /* Translators: the input's shape, its settings, then why it looks inverted */
    text = g_strdup_printf (_("%s, %s. Inverted: dark ink on light paper."),
                            self->input_shape != NULL ? self->input_shape : "", how);
  else
    text = g_strdup_printf ("%s, %s", self->input_shape != NULL ? self->input_shape : "", how);
  gtk_label_set_text (self->input_caption, text);
}

static gboolean
model_has_input_metadata (const FmModel *model)
{
  static const char *keys[] = { "feature_maps.mean", "feature_maps.std",
                                "feature_maps.background", NULL };

  for (guint i = 0; keys[i] != NULL; i++)
    if (fm_model_get_metadata (model, keys[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* New settings for the current model: the canvas takes the new background,
 * the caption says them, the model gets the input anew, a scan made under
 * other settings loses its marks, and the settings are kept for the model
 * (atomically; a failure is said, the settings still apply). */
static float *image_to_canvas (const FmPreprocess *pp, const FmImage *image, GError **error);

/* After the canvas was resampled for @pp: a picture opened and not drawn
 * on since is read again from its pixels, at the new size, channels and
 * resize mode, rather than kept resampled (a 28 x 28 gray canvas is no
 * way to give a photo to an RGB model). The undo history stays as it
 * was resampled. Call with the canvas's "changed" handler blocked. */
static void
reread_picture (FmWindow           *self,
                const FmPreprocess *pp)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *pixels = NULL;

  if (self->picture == NULL)
    return;
  pixels = image_to_canvas (pp, self->picture, &error);
  if (pixels == NULL)
    {
      /* Read once with other settings, so only a limit could refuse it:
       * the resampled picture stays. */
      g_warning ("%s", error->message);
      return;
    }
  fm_draw_pad_replace_pixels (self->draw_pad, pixels);
  self->input_inverted = fm_preprocess_will_invert (pp, self->picture);
}

static void
apply_input_settings (FmWindow           *self,
                      const FmPreprocess *pp)
{
  g_autoptr(GError) error = NULL;

  self->pp = *pp;
  g_signal_handlers_block_by_func (self->draw_pad, draw_pad_changed_cb, self);
  fm_draw_pad_resample (self->draw_pad, pp->channels, pp->height, pp->width,
                        fm_preprocess_background_is_dark (pp));
  reread_picture (self, pp);
  g_signal_handlers_unblock_by_func (self->draw_pad, draw_pad_changed_cb, self);
  update_input_caption (self);
  submit_input (self);
  fm_window_scan_settings_changed (self);
  if (self->settings_path != NULL && !fm_input_settings_save (self->settings_path, pp, &error))
    {
      /* Translators: %s names the file and the reason */
      g_autofree char *msg = g_strdup_printf (_("Could not keep the input settings: %s"),
                                              error->message);
      fm_window_toast (self, msg);
    }
}

static void
input_dialog_changed_cb (FmInputDialog *dialog,
                         FmWindow      *self)
{
  if (self->model != NULL)
    apply_input_settings (self, fm_input_dialog_get (dialog));
}

static void
open_input_settings (FmWindow   *self,
                     const char *explain)
{
  if (self->model == NULL)
    return;
  if (self->input_dialog != NULL)
    gtk_window_destroy (self->input_dialog);
  self->input_dialog = fm_input_dialog_new (GTK_WINDOW (self), self->model->display_name,
                                            &self->pp, explain);
  g_object_add_weak_pointer (G_OBJECT (self->input_dialog), (gpointer *) &self->input_dialog);
  g_signal_connect (self->input_dialog, "changed", G_CALLBACK (input_dialog_changed_cb), self);
  gtk_window_present (self->input_dialog);
}

static void
input_settings_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  open_input_settings (FM_WINDOW (widget), NULL);
}

GtkWindow *
fm_window_get_input_dialog (FmWindow *self)
{
  return self->input_dialog;
}

const FmPreprocess *
fm_window_get_preprocess (FmWindow *self)
{
  return &self->pp;
}

const float *
fm_window_get_input_tensor (FmWindow *self)
{
  return self->input;
}

/* ---- models --------------------------------------------------------------- */

/* Scrolls the page to @value once the new sections are laid out (their
 * height is known only after a frame or two), giving up after 30 frames. */
static gboolean
restore_scroll_tick (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  FmWindow *self = FM_WINDOW (widget);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->layers_scroller);

  gtk_adjustment_set_value (adj, self->scroll_wanted);
  if (gtk_adjustment_get_value (adj) >= self->scroll_wanted - 0.5 || ++self->scroll_frames > 30)
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
restore_scroll (FmWindow *self,
                double    value)
{
  self->scroll_wanted = value;
  self->scroll_frames = 0;
  if (value <= 0 || self->scroll_tick != 0)
    return;
  self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), restore_scroll_tick,
                                                    NULL, NULL);
}

#define MAX_RECENT 8

/* The model's path first in the recent models, and in the main menu. */
static void
update_recent_menu (FmWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-models");

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (base, NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s", recent[i]);
      g_menu_append_item (self->recent_menu, item);
    }
}

static void
add_recent_model (FmWindow   *self,
                  const char *path)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-models");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (path == NULL)
    return;
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (!g_str_equal (old[i], path))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-models", (const char * const *) recent);
  update_recent_menu (self);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));

  fm_window_open_model (FM_WINDOW (widget), file);
}

static gboolean
set_model (FmWindow  *self,
           FmModel   *model,
           GError   **error)
{
  FmPreprocess pp;
  const FmShape *shape;

  gboolean had_model = self->model != NULL;
  g_autofree char *selected_name = NULL;
  double scroll = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (self->layers_scroller));

  g_autofree char *settings_path = g_steal_pointer (&self->next_settings_path);
  gboolean kept = FALSE;

  if (!fm_preprocess_init_from_model (&pp, model, error))
    return FALSE;
  /* The settings kept for these model bytes override its metadata. A file
   * that cannot be used is said so, and the metadata's settings hold. */
  if (settings_path != NULL)
    {
      g_autoptr(GError) local = NULL;
      FmPreprocess saved = pp;

      if (fm_input_settings_load (settings_path, &saved, &local))
        {
          pp = saved;
          kept = TRUE;
        }
      else if (local != NULL)
        fm_window_toast (self, local->message);
    }
  if (had_model && self->selected >= 0 && (guint) self->selected < self->layers->len)
    selected_name = g_strdup (self->model->values[g_array_index (self->layers, FmLayer,
                                                                 self->selected).value_id].name);
  if (!fm_worker_set_model (self->worker, model, error))
    {
      /* The worker dropped its model; give it back the current one. */
      fm_worker_set_model (self->worker, self->model, NULL);
      return FALSE;
    }

  fm_window_scan_reset (self);
  g_clear_pointer (&self->model, fm_model_unref);
  self->model = fm_model_ref (model);
  self->pp = pp;
  g_free (self->settings_path);
  self->settings_path = g_steal_pointer (&settings_path);
  shape = &model->values[model->inputs[0]].shape;
  self->input_len = (gsize) pp.channels * pp.height * pp.width;
  g_free (self->input);
  self->input = g_new0 (float, self->input_len);
  g_clear_pointer (&self->labels, g_strfreev);
  self->labels = fm_model_dup_labels (model);

  {
    g_autofree char *s = fm_shape_to_string (shape);
    g_autofree char *subtitle = NULL;

    g_free (self->input_shape);
    self->input_shape = g_strdup (s);
    update_input_caption (self);
    adw_window_title_set_title (self->window_title, model->display_name);
    if (model->producer_name != NULL && *model->producer_name != '\0')
      subtitle = g_strdup_printf (_("%s %s · opset %" PRId64), model->producer_name,
                                  model->producer_version != NULL ? model->producer_version : "",
                                  model->opset);
    else
      subtitle = g_strdup_printf (_("opset %" PRId64), model->opset);
    adw_window_title_set_subtitle (self->window_title, subtitle);
  }

  g_signal_handlers_block_by_func (self->draw_pad, draw_pad_changed_cb, self);
  /* Another model keeps the picture and its undo history, resampled if
   * its input differs; only the first one starts from a blank canvas. */
  if (had_model)
    {
      fm_draw_pad_resample (self->draw_pad, pp.channels, pp.height, pp.width,
                            fm_preprocess_background_is_dark (&pp));
      reread_picture (self, &pp);
    }
  else
    fm_draw_pad_set_size (self->draw_pad, pp.channels, pp.height, pp.width,
                          fm_preprocess_background_is_dark (&pp));
  fm_draw_pad_set_hint (self->draw_pad,
                        pp.channels == 1 && pp.height <= 32 && pp.width <= 32
                        ? _("Draw a digit here")
                        : _("Draw here, or open or drop a picture"));
  g_signal_handlers_unblock_by_func (self->draw_pad, draw_pad_changed_cb, self);
  update_undo_action (self);

  fm_bench_live_mark ("worker and canvas set");
  rebuild_layers (self);
  fm_bench_live_mark ("layers built");
  /* The same layer, if this model has one of that name, and the same
   * place in the page. */
  if (selected_name != NULL)
    for (guint i = 0; i < self->layers->len; i++)
      if (g_str_equal (model->values[g_array_index (self->layers, FmLayer, i).value_id].name,
                       selected_name))
        {
          fm_window_select_layer (self, (int) i);
          break;
        }
  restore_scroll (self, scroll);
  add_recent_model (self, model->path);
  /* A model without our metadata and without settings kept for it: ask,
   * rather than be silently wrong. */
  if (!kept && !model_has_input_metadata (model))
    open_input_settings (self, _("This model says nothing of how its input was prepared. Check "
                                 "the settings below (a PyTorch model for photos usually wants "
                                 "the ImageNet preset); they are kept for this model."));
  return TRUE;
}

typedef struct
{
  FmModel *model;
  char    *settings_path;  /* the model's input settings file, or NULL */
} LoadedModel;

static void
loaded_model_free (LoadedModel *loaded)
{
  g_clear_pointer (&loaded->model, fm_model_unref);
  g_free (loaded->settings_path);
  g_free (loaded);
}

/* The settings file of the model file @data (freed here); NULL when it
 * cannot be read (the load says why). */
static gpointer
hash_model_thread (gpointer data)
{
  g_autofree char *path = data;

  return fm_input_settings_path_for_file (path, NULL);
}

static void
load_model_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *settings_path = NULL;
  g_autoptr(GError) error = NULL;
  GThread *hasher;
  FmModel *model;

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_task_return_new_error (task, FM_ERROR, FM_ERROR_IO, _("%s: not a local file"), uri);
      return;
    }
  /* The model's bytes are hashed for its settings file beside the load
   * (on ResNet-18 each takes ~0.2 s). */
  hasher = g_thread_new ("fm-hash-model", hash_model_thread, g_strdup (path));
  model = fm_model_load_file (path, NULL, &error);
  fm_bench_live_mark ("model loaded");
  settings_path = g_thread_join (hasher);
  fm_bench_live_mark ("model hashed");
  if (model == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  {
    LoadedModel *loaded = g_new0 (LoadedModel, 1);

    loaded->model = model;
    loaded->settings_path = g_steal_pointer (&settings_path);
    g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_model_free);
  }
}

static void
load_model_done (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  FmWindow *self = FM_WINDOW (source);
  g_autoptr(GError) error = NULL;
  LoadedModel *loaded = g_task_propagate_pointer (G_TASK (res), &error);
  g_autoptr(FmModel) model = loaded != NULL ? g_steal_pointer (&loaded->model) : NULL;

  fm_bench_live_mark ("back on the main thread");
  set_busy (self, FALSE);
  if (loaded != NULL)
    {
      g_free (self->next_settings_path);
      self->next_settings_path = g_steal_pointer (&loaded->settings_path);
      loaded_model_free (loaded);
    }
  if (model == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      if (self->model != NULL)
        gtk_stack_set_visible_child_name (self->content_stack,
                                          self->layers->len > 0 ? "layers" : "empty");
      return;
    }
  if (!set_model (self, model, &error))
    {
      show_error (self, error);
      return;
    }
  fm_bench_live_mark ("model set");
  g_settings_set_string (self->settings, "last-model", model->path);
  if (self->restore_input && self->pending_image == NULL)
    restore_last_input (self);
  self->restore_input = FALSE;
  if (self->pending_image != NULL)
    {
      g_autoptr(GFile) image = g_steal_pointer (&self->pending_image);
      fm_window_open_image (self, image);
    }
}

void
fm_window_open_model (FmWindow *self,
                      GFile    *file)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  fm_bench_live_open ();

  set_busy (self, TRUE);
  if (self->model == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "loading");
  task = g_task_new (self, self->load_cancellable, load_model_done, NULL);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_model_thread);
}

/* ---- images --------------------------------------------------------------- */

typedef struct
{
  GFile        *file;
  FmPreprocess  pp;
  gboolean      inverted;  /* the picture was inverted for the model */
  FmImage      *image;     /* as read */
} ImageJob;

static void
image_job_free (ImageJob *job)
{
  g_clear_pointer (&job->image, fm_image_free);
  g_object_unref (job->file);
  g_free (job);
}

/* A picture as the canvas holds it: preprocessed for the model, then back
 * from the normalised tensor to [0, 1]. */
static float *
image_to_canvas (const FmPreprocess *pp,
                 const FmImage      *image,
                 GError            **error)
{
  float *pixels = g_new (float, (gsize) pp->channels * pp->height * pp->width);

  if (!fm_preprocess_image_to_canvas (pp, image, pixels, error))
    g_clear_pointer (&pixels, g_free);
  return pixels;
}

static void
load_image_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ImageJob *job = task_data;
  g_autofree char *path = g_file_get_path (job->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(FmImage) image = NULL;
  float *pixels;

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (job->file);
      g_task_return_new_error (task, FM_ERROR, FM_ERROR_IO, _("%s: not a local file"), uri);
      return;
    }
  image = fm_image_load (path, 0, &error);
  if (image == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->inverted = fm_preprocess_will_invert (&job->pp, image);
  pixels = image_to_canvas (&job->pp, image, &error);
  if (pixels == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->image = g_steal_pointer (&image);
  g_task_return_pointer (task, pixels, g_free);
}

static void
load_image_done (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  FmWindow *self = FM_WINDOW (source);
  ImageJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autofree float *pixels = g_task_propagate_pointer (G_TASK (res), &error);

  if (pixels == NULL)
    {
      show_error (self, error);
      return;
    }
  /* The model may have changed while the picture loaded. */
  if (job->pp.channels != fm_draw_pad_get_channels (self->draw_pad) ||
      job->pp.height != fm_draw_pad_get_height (self->draw_pad) ||
      job->pp.width != fm_draw_pad_get_width (self->draw_pad))
    return;
  g_free (self->input_name);
  self->input_name = g_file_get_basename (job->file);
  self->input_inverted = job->inverted;
  fm_draw_pad_set_pixels (self->draw_pad, pixels);
  self->picture = g_steal_pointer (&job->image);
  update_input_caption (self);
}

void
fm_window_open_image (FmWindow *self,
                      GFile    *file)
{
  g_autoptr(GTask) task = NULL;
  ImageJob *job;

  if (self->model == NULL)
    {
      /* `feature-maps MODEL IMAGE`: the image waits for the model. */
      g_set_object (&self->pending_image, file);
      return;
    }
  job = g_new0 (ImageJob, 1);
  job->file = g_object_ref (file);
  job->pp = self->pp;
  task = g_task_new (self, NULL, load_image_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) image_job_free);
  g_task_run_in_thread (task, load_image_thread);
}

void
fm_window_load_image (FmWindow      *self,
                      const FmImage *image,
                      const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *pixels = NULL;

  if (self->model == NULL)
    return;
  pixels = image_to_canvas (&self->pp, image, &error);
  if (pixels == NULL)
    {
      show_error (self, error);
      return;
    }
  g_free (self->input_name);
  self->input_name = g_strdup (name);
  self->input_inverted = fm_preprocess_will_invert (&self->pp, image);
  update_input_caption (self);
  /* The drawing stays on the undo stack. */
  fm_draw_pad_set_pixels (self->draw_pad, pixels);
  self->picture = fm_image_copy (image);
}

/* ---- file choosers and drops --------------------------------------------- */

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     FmWindow        *self)
{
  gboolean model = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "fm-model"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (model)
        fm_window_open_model (self, file);
      else
        fm_window_open_image (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_chooser (FmWindow *self,
              gboolean  model)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkFileFilter *all = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (model ? _("Open Model") : _("Open Image"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  if (model)
    {
      gtk_file_filter_set_name (filter, _("ONNX Models"));
      gtk_file_filter_add_pattern (filter, "*.onnx");
      gtk_file_filter_add_pattern (filter, "*.ONNX");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("PNG and JPEG Images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      gtk_file_filter_add_mime_type (filter, "image/jpeg");
    }
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  g_object_unref (all);
  g_object_unref (filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "fm-model", GINT_TO_POINTER (model));
  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
looks_like_image (GFile *file)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  guint8 magic[8] = { 0 };

  if (in == NULL ||
      g_input_stream_read (G_INPUT_STREAM (in), magic, sizeof magic, NULL, NULL) < 3)
    return FALSE;
  return memcmp (magic, "\x89PNG", 4) == 0 || memcmp (magic, "\xff\xd8\xff", 3) == 0;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         FmWindow      *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      if (looks_like_image (l->data))
        fm_window_open_image (self, l->data);
      else
        fm_window_open_model (self, l->data);
    }
  g_slist_free (files);
  return TRUE;
}

/* ---- actions -------------------------------------------------------------- */

static void
open_model_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  open_chooser (FM_WINDOW (widget), TRUE);
}

static void
open_image_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  open_chooser (FM_WINDOW (widget), FALSE);
}

static void
open_bundled_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fm_data_resolve_model (g_variant_get_string (param, NULL), &error);
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    {
      show_error (self, error);
      return;
    }
  file = g_file_new_for_path (path);
  fm_window_open_model (self, file);
}

static void
clear_action (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);

  g_free (self->input_name);
  self->input_name = g_strdup (_("canvas"));
  self->input_inverted = FALSE;
  fm_draw_pad_clear (self->draw_pad);
  update_input_caption (self);
}

static void
export_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  GtkWindow *dialog = fm_window_open_export (FM_WINDOW (widget));

  if (dialog != NULL)
    gtk_window_present (dialog);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (param, NULL), GDK_CURRENT_TIME);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
undo_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  fm_draw_pad_undo (FM_WINDOW (widget)->draw_pad);
}

static void
open_tile_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  guint layer, channel;
  GtkWindow *detail;

  g_variant_get (param, "(uu)", &layer, &channel);
  if (self->frame == NULL || layer >= fm_frame_n_layers (self->frame))
    return;
  {
    int scan_layer = -1;
    FmScanResult *scan = fm_layer_section_get_scan (g_ptr_array_index (self->sections, layer),
                                                    &scan_layer);
    detail = fm_tile_detail_new (GTK_WINDOW (self), self->frame, layer, channel, &self->options,
                                 scan, scan_layer);
  }
  gtk_window_present (detail);
}

static void
settings_changed_cb (GSettings  *settings,
                     const char *key,
                     FmWindow   *self)
{
  if (g_str_equal (key, "show-all-nodes"))
    {
      if (self->model != NULL)
        rebuild_layers (self);
      return;
    }
  if (g_str_equal (key, "tile-size"))
    {
      read_view_options (self);
      if (self->model != NULL)
        rebuild_layers (self);
      return;
    }
  if (g_str_equal (key, "rare-threshold"))
    {
      fm_window_scan_apply (self);
      return;
    }
  if (g_str_equal (key, "zero-threshold"))
    {
      update_worker_finish (self);
      /* Recompute the statistics of the frame on screen; a scan made
       * under the old threshold no longer holds. */
      if (self->frame != NULL)
        {
          g_autoptr(FmWorkerResult) result = fm_worker_result_ref (self->frame->result);
          worker_result_cb (self->worker, result, self);
        }
      fm_window_scan_settings_changed (self);
      return;
    }
  read_view_options (self);
  refresh_frame (self);
}

/* The section Ctrl+G goes into: the selected layer, or the first one in
 * sight on All Layers. */
static FmLayerSection *
section_in_sight (FmWindow *self)
{
  GtkWidget *scroller = GTK_WIDGET (self->layers_scroller);

  if (self->selected >= 0 && (guint) self->selected < self->sections->len)
    return g_ptr_array_index (self->sections, self->selected);
  for (guint i = 0; i < self->sections->len; i++)
    {
      graphene_rect_t b;

      if (gtk_widget_compute_bounds (g_ptr_array_index (self->sections, i), scroller, &b) &&
          b.origin.y + b.size.height > 0)
        return g_ptr_array_index (self->sections, i);
    }
  return self->sections->len > 0 ? g_ptr_array_index (self->sections, 0) : NULL;
}

gboolean
fm_window_go_to_channel (FmWindow *self,
                         guint     channel)
{
  FmLayerSection *section = section_in_sight (self);

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

static void
go_to_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   FmWindow         *self)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (adw_message_dialog_get_extra_child (dialog));

  if (g_str_equal (response, "go"))
    {
      /* The number typed, not yet taken by the spin button. */
      gtk_spin_button_update (spin);
      fm_window_go_to_channel (self, (guint) gtk_spin_button_get_value_as_int (spin));
    }
}

/* Enter in the spin button goes there, as the default response would.
 * GTK 4.8's spin button has no "activate": its text does. */
static void
go_to_activate_cb (GtkText          *text,
                   AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "go");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
go_to_channel_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  FmLayerSection *section = section_in_sight (self);
  AdwMessageDialog *dialog;
  GtkWidget *spin;
  g_autofree char *body = NULL;
  guint n;

  if (section == NULL)
    return;
  n = fm_layer_section_n_tiles (section);
  /* Translators: %s is the layer, %u its last channel */
  body = g_strdup_printf (_("Channel of %s, from 0 to %u"), fm_layer_section_get_title (section),
                          n - 1);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Go to Channel"),
                                                       body));
  spin = gtk_spin_button_new_with_range (0, n - 1, 1);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  g_signal_connect (gtk_editable_get_delegate (GTK_EDITABLE (spin)), "activate",
                    G_CALLBACK (go_to_activate_cb), dialog);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Channel"), -1);
  adw_message_dialog_set_extra_child (dialog, spin);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "go", _("_Go"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "go", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "go");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (go_to_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (spin);
}

static void
toggle_flap_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  AdwFlap *flap = g_str_equal (name, "win.toggle-input") ? self->input_flap : self->layers_flap;

  adw_flap_set_reveal_flap (flap, !adw_flap_get_reveal_flap (flap));
}

/* ---- the key to the marks ------------------------------------------------- */

typedef enum { KEY_ZERO, KEY_DEAD, KEY_RARE } KeyKind;

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
  fm_tile_render (cr, kind == KEY_ZERO ? zero_map : live_map, 2, 2, side, side, &style);
  if (kind != KEY_ZERO)
    {
      static const double dash[] = { 3, 2 };

      if (kind == KEY_DEAD)
        cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);
      else
        {
          cairo_set_source_rgb (cr, 0.90, 0.57, 0.04);
          cairo_set_dash (cr, dash, 2, 0);
        }
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, 1, 1, side - 2, side - 2);
      cairo_stroke (cr);
    }
}

static GtkWidget *
add_key_entry (FmWindow *self,
               KeyKind   kind)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (NULL);

  g_object_set_data (G_OBJECT (swatch), "fm-window", self);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 18);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 18);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), key_swatch_draw,
                                  GINT_TO_POINTER (kind), NULL);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (self->key_flow, box);
  g_object_set_data (G_OBJECT (box), "fm-label", label);
  return box;
}

static void
set_key_text (GtkWidget  *entry,
              const char *text)
{
  gtk_label_set_text (g_object_get_data (G_OBJECT (entry), "fm-label"), text);
}

void
fm_window_update_key (FmWindow *self)
{
  gboolean scanned = self->scan != NULL;

  if (scanned)
    {
      g_autofree char *dataset = g_path_get_basename (self->scan->dataset_path);
      double rare = g_settings_get_double (self->settings, "rare-threshold");
      g_autofree char *percent = g_strdup_printf ("%g %%", 100.0 * rare);
      /* Translators: the key to the tiles' red frame; %s is the dataset */
      g_autofree char *dead = g_strdup_printf (_("Red frame: never fires on %s (dead)"),
                                               dataset);
      /* Translators: the key to the tiles' dashed amber frame: "fires on
         under 1 % of digits.idx (rarely active)" */
      g_autofree char *rare_text = g_strdup_printf (_("Dashed amber: fires on under %s of %s "
                                                      "(rarely active)"), percent, dataset);

      set_key_text (self->key_dead, dead);
      set_key_text (self->key_rare, rare_text);
    }
  gtk_widget_set_visible (self->key_dead, scanned);
  gtk_widget_set_visible (self->key_rare, scanned);
  gtk_widget_set_visible (self->scan_offer, !scanned);
  gtk_widget_queue_draw (GTK_WIDGET (self->key_flow));
  apply_view (self);
}

/* The sidebar is one stop for Tab, with the arrow keys inside, like GTK's
 * list views: Tab leaves it for the tiles, Shift+Tab for the input. */
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
      target = GTK_WIDGET (self->draw_pad);
      if (!adw_flap_get_reveal_flap (self->input_flap) || !gtk_widget_grab_focus (target))
        return FALSE;
      return TRUE;
    }
  target = gtk_stack_get_visible_child (self->content_stack);
  return target != NULL && gtk_widget_child_focus (target, GTK_DIR_TAB_FORWARD);
}

/* ---- the last input, kept across runs -------------------------------------- */

/* The canvas, as a [C, H, W] float32 .npy in the app's data folder, so the
 * next start shows the same picture; an empty canvas keeps nothing. A
 * failure is only logged: the window is closing. */
static void
save_last_input (FmWindow *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "feature-maps", NULL);
  g_autofree char *path = g_build_filename (dir, "last-input.npy", NULL);
  g_autoptr(GError) error = NULL;
  FmShape shape = { 0 };

  if (self->model == NULL || fm_draw_pad_is_empty (self->draw_pad))
    {
      g_settings_set_string (self->settings, "last-input", "");
      return;
    }
  shape.rank = 3;
  shape.dims[0] = fm_draw_pad_get_channels (self->draw_pad);
  shape.dims[1] = fm_draw_pad_get_height (self->draw_pad);
  shape.dims[2] = fm_draw_pad_get_width (self->draw_pad);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !fm_npy_write (path, &shape, fm_draw_pad_get_pixels (self->draw_pad), &error))
    {
      g_warning ("Could not keep the canvas in %s: %s", path,
                 error != NULL ? error->message : g_strerror (errno));
      return;
    }
  g_settings_set_string (self->settings, "last-input", path);
}

/* After the first model of a run has loaded: the canvas of the last run,
 * resampled if the model's input differs. A missing or unreadable file is
 * skipped in silence; there is nothing the user asked for. */
static void
restore_last_input (FmWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "last-input");
  g_autofree float *pixels = NULL;
  FmShape shape = { 0 };
  int channels = fm_draw_pad_get_channels (self->draw_pad);
  int height = fm_draw_pad_get_height (self->draw_pad);
  int width = fm_draw_pad_get_width (self->draw_pad);
  gboolean ink_white = self->pp.background_black;

  if (*path == '\0')
    return;
  pixels = fm_npy_read (path, &shape, 64 << 20, NULL);
  if (pixels == NULL || shape.rank != 3 || (shape.dims[0] != 1 && shape.dims[0] != 3) ||
      shape.dims[1] < 1 || shape.dims[1] > 4096 || shape.dims[2] < 1 || shape.dims[2] > 4096)
    return;
  for (gsize i = 0; i < (gsize) (shape.dims[0] * shape.dims[1] * shape.dims[2]); i++)
    if (!(pixels[i] >= 0.0f && pixels[i] <= 1.0f))
      return;
  /* Set it at its own size, then bring it to the model's. */
  g_signal_handlers_block_by_func (self->draw_pad, draw_pad_changed_cb, self);
  fm_draw_pad_set_size (self->draw_pad, (int) shape.dims[0], (int) shape.dims[1],
                        (int) shape.dims[2], ink_white);
  fm_draw_pad_set_pixels (self->draw_pad, pixels);
  fm_draw_pad_resample (self->draw_pad, channels, height, width, ink_white);
  g_signal_handlers_unblock_by_func (self->draw_pad, draw_pad_changed_cb, self);
  draw_pad_changed_cb (self->draw_pad, self);
}

void
fm_window_restore_last_input (FmWindow *self)
{
  self->restore_input = TRUE;
  if (self->model != NULL)
    {
      self->restore_input = FALSE;
      restore_last_input (self);
    }
}

/* ---- lifecycle -------------------------------------------------------------- */

static gboolean
fm_window_close_request (GtkWindow *window)
{
  FmWindow *self = FM_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  save_last_input (self);
  g_cancellable_cancel (self->load_cancellable);
  fm_worker_shutdown (self->worker);
  fm_bench_live_report ();

  return GTK_WINDOW_CLASS (fm_window_parent_class)->close_request (window);
}

static void
fm_window_dispose (GObject *object)
{
  FmWindow *self = FM_WINDOW (object);

  if (self->worker != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->worker, self);
      fm_worker_shutdown (self->worker);
      g_clear_object (&self->worker);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->pending_image);
  g_clear_pointer (&self->picture, fm_image_free);
  fm_window_scan_dispose (self);
  g_clear_pointer (&self->frame, fm_frame_unref);
  g_clear_handle_id (&self->sight_idle, g_source_remove);
  if (self->sight_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->layers_scroller), self->sight_tick);
  self->sight_tick = 0;
  if (self->grid_focus_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->layers_scroller), self->grid_focus_tick);
  self->grid_focus_tick = 0;
  if (self->input_dialog != NULL)
    gtk_window_destroy (self->input_dialog);
  if (self->layers_scroller != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_scrolled_window_get_vadjustment (self->layers_scroller),
                                            self);
      g_signal_handlers_disconnect_by_data (gtk_scrolled_window_get_hadjustment (self->layers_scroller),
                                            self);
    }
  if (self->sections != NULL)
    g_ptr_array_set_size (self->sections, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_WINDOW);

  G_OBJECT_CLASS (fm_window_parent_class)->dispose (object);
}

static void
fm_window_finalize (GObject *object)
{
  FmWindow *self = FM_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->model, fm_model_unref);
  g_clear_pointer (&self->layers, g_array_unref);
  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_pointer (&self->zero_labels, g_ptr_array_unref);
  g_clear_pointer (&self->dead_labels, g_ptr_array_unref);
  g_free (self->input);
  g_free (self->input_name);
  g_free (self->last_toast);
  g_free (self->error_detail);
  g_free (self->settings_path);
  g_free (self->next_settings_path);
  g_free (self->input_shape);

  G_OBJECT_CLASS (fm_window_parent_class)->finalize (object);
}

static void
fm_window_class_init (FmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fm_window_dispose;
  object_class->finalize = fm_window_finalize;
  window_class->close_request = fm_window_close_request;

  g_type_ensure (FM_TYPE_DRAW_PAD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/featuremaps/FeatureMaps/fm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, draw_pad);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, input_caption);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, prediction_box);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, layer_list);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, layers_scroller);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, sections_box);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, input_flap);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, layers_flap);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, key_flow);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, scan_offer);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, view_count);
  fm_window_scan_class_init (widget_class);

  gtk_widget_class_install_action (widget_class, "win.open-model", NULL, open_model_action);
  gtk_widget_class_install_action (widget_class, "win.open-image", NULL, open_image_action);
  gtk_widget_class_install_action (widget_class, "win.open-bundled", "s", open_bundled_action);
  gtk_widget_class_install_action (widget_class, "win.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.open-tile", "(uu)", open_tile_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", "s", open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.error-details", NULL, error_details_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.input-settings", NULL,
                                   input_settings_action);
  gtk_widget_class_install_action (widget_class, "win.go-to-channel", NULL, go_to_channel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK,
                                       "win.go-to-channel", NULL);
  gtk_widget_class_bind_template_child_full (widget_class, "recent_menu", FALSE,
                                             G_STRUCT_OFFSET (FmWindow, recent_menu));
  gtk_widget_class_install_action (widget_class, "win.toggle-input", NULL, toggle_flap_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-layers", NULL, toggle_flap_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F8, 0, "win.toggle-input", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-layers", NULL);
}

static void
fm_window_init (FmWindow *self)
{
  GtkDropTarget *drop;
  g_autoptr(GAction) all_nodes = NULL;
  GSimpleActionGroup *group;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->sections = g_ptr_array_new ();
  self->zero_labels = g_ptr_array_new ();
  self->dead_labels = g_ptr_array_new ();
  self->selected = -1;
  self->input_name = g_strdup (_("canvas"));
  read_view_options (self);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* A stateful toggle bound to GSettings, in the window's action group. */
  group = g_simple_action_group_new ();
  all_nodes = g_settings_create_action (self->settings, "show-all-nodes");
  g_action_map_add_action (G_ACTION_MAP (group), all_nodes);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "view", G_ACTION_GROUP (group));
  g_object_unref (group);

  self->worker = fm_worker_new ();
  g_signal_connect (self->worker, "result", G_CALLBACK (worker_result_cb), self);
  g_signal_connect (self->worker, "error", G_CALLBACK (worker_error_cb), self);
  g_signal_connect (self->draw_pad, "changed", G_CALLBACK (draw_pad_changed_cb), self);
  g_signal_connect (self->settings, "changed", G_CALLBACK (settings_changed_cb), self);
  g_signal_connect (self->layer_list, "row-selected", G_CALLBACK (layer_row_selected_cb), self);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->layers_scroller), "value-changed",
                    G_CALLBACK (in_sight_changed_cb), self);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->layers_scroller), "changed",
                    G_CALLBACK (in_sight_changed_cb), self);
  g_signal_connect (gtk_scrolled_window_get_hadjustment (self->layers_scroller), "changed",
                    G_CALLBACK (in_sight_changed_cb), self);
  gtk_drawing_area_set_draw_func (self->preview, preview_draw, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The tensor the model receives"), -1);

  for (guint k = 0; k < TOP_K; k++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

      self->top_labels[k] = gtk_label_new ("");
      gtk_label_set_width_chars (GTK_LABEL (self->top_labels[k]), 4);
      gtk_label_set_xalign (GTK_LABEL (self->top_labels[k]), 0);
      gtk_widget_add_css_class (self->top_labels[k], k == 0 ? "heading" : "body");
      self->top_bars[k] = gtk_progress_bar_new ();
      gtk_widget_set_hexpand (self->top_bars[k], TRUE);
      gtk_widget_set_valign (self->top_bars[k], GTK_ALIGN_CENTER);
      self->top_values[k] = gtk_label_new ("");
      gtk_label_set_width_chars (GTK_LABEL (self->top_values[k]), 7);
      gtk_label_set_xalign (GTK_LABEL (self->top_values[k]), 1);
      gtk_widget_add_css_class (self->top_values[k], "numeric");
      gtk_box_append (GTK_BOX (row), self->top_labels[k]);
      gtk_box_append (GTK_BOX (row), self->top_bars[k]);
      gtk_box_append (GTK_BOX (row), self->top_values[k]);
      gtk_box_append (self->prediction_box, row);
      gtk_widget_set_visible (self->top_labels[k], FALSE);
      gtk_widget_set_visible (self->top_bars[k], FALSE);
      gtk_widget_set_visible (self->top_values[k], FALSE);
    }

  self->prediction_empty = gtk_label_new (_("Draw or open a picture to see what the model "
                                            "predicts."));
  gtk_label_set_wrap (GTK_LABEL (self->prediction_empty), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->prediction_empty), 0);
  gtk_widget_add_css_class (self->prediction_empty, "dim-label");
  gtk_box_append (self->prediction_box, self->prediction_empty);

  set_key_text (add_key_entry (self, KEY_ZERO), _("Hatched, “0”: zero for this input"));
  self->key_dead = add_key_entry (self, KEY_DEAD);
  self->key_rare = add_key_entry (self, KEY_RARE);
  fm_window_update_key (self);
  update_recent_menu (self);
  g_signal_connect (self->filter_dropdown, "notify::selected", G_CALLBACK (view_changed_cb), self);
  g_signal_connect (self->sort_dropdown, "notify::selected", G_CALLBACK (view_changed_cb), self);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (layer_list_key_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->layer_list), keys);
    keys = gtk_event_controller_key_new ();
    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (grid_key_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->layers_scroller), keys);
  }

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  set_busy (self, FALSE);
  update_undo_action (self);
  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  fm_window_scan_init (self);
}

FmWindow *
fm_window_new (AdwApplication *application)
{
  return g_object_new (FM_TYPE_WINDOW, "application", application, NULL);
}

FmModel *
fm_window_get_model (FmWindow *self)
{
  return self->model;
}

FmDrawPad *
fm_window_get_draw_pad (FmWindow *self)
{
  return self->draw_pad;
}

FmFrame *
fm_window_get_frame (FmWindow *self)
{
  return self->frame;
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

void
fm_window_show_exported (FmWindow *self,
                         GFile    *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *text = g_strdup_printf (_("Exported “%s”"), name);
  AdwToast *toast = adw_toast_new (text);

  if (parent != NULL)
    {
      g_autofree char *uri = g_file_get_uri (parent);
      adw_toast_set_button_label (toast, _("Open Folder"));
      adw_toast_set_action_name (toast, "win.open-folder");
      adw_toast_set_action_target (toast, "s", uri);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
}

GtkWindow *
fm_window_open_export (FmWindow *self)
{
  if (self->frame == NULL)
    return NULL;
  return fm_export_dialog_new (self, self->frame, self->selected, self->input_name, self->input,
                               self->pp.channels, self->pp.height, self->pp.width);
}

GtkWidget *
fm_window_get_section (FmWindow *self,
                       guint     index)
{
  g_return_val_if_fail (index < self->sections->len, NULL);
  return g_ptr_array_index (self->sections, index);
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
      g_string_append (text, gtk_label_get_text (g_object_get_data (G_OBJECT (entry),
                                                                    "fm-label")));
    }
  return g_string_free (text, FALSE);
}

gboolean
fm_window_get_scan_offered (FmWindow *self)
{
  return gtk_widget_get_visible (self->scan_offer);
}

guint
fm_window_get_n_prediction_rows (FmWindow *self)
{
  guint n = 0;

  for (guint k = 0; k < TOP_K; k++)
    n += gtk_widget_get_visible (self->top_bars[k]);
  return n;
}

const char *
fm_window_get_error_detail (FmWindow *self)
{
  return self->error_detail;
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

guint
fm_window_get_n_frames (FmWindow *self)
{
  return self->n_frames;
}

const char *
fm_window_get_last_toast (FmWindow *self)
{
  return self->last_toast;
}
