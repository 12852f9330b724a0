/* fm-wrap-label.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line of text, start-aligned, wrapped anywhere (between words, or inside
 * one when a word is longer than the line) when it is given less than its
 * width: a layer's name, whose distinguishing part may sit anywhere in it,
 * is never cut, nor given a hyphen it does not have. It takes its font and
 * colour from CSS like a label ("heading", "caption", "dim-label"). The
 * same keeps names whole in the GtkLabels that wrap them
 * (fm_label_keep_names_whole ()).
 *
 * Why not a wrapping GtkLabel: GTK 4.8's label lays its text out afresh
 * (a copied PangoLayout) for each width it is measured at, about 38
 * layouts per label as a page of sections is allocated. A model of 40
 * layers spent some 50 ms of its first frame there. This one keeps one
 * layout: a text that fits on one line is measured (shaped) once, one that
 * wraps is laid out again only when its width changes.
 */
#include "config.h"

#include "fm-wrap-label.h"

/* The narrowest it asks for, in pixels, when its text is wider. */
#define MIN_WIDTH 64

struct _FmWrapLabel
{
  GtkWidget    parent_instance;

  char        *text;
  PangoLayout *layout;
  guint        serial;   /* of the pango context the layout follows */
  /* the text on one line, measured with the layout at serial (0 x 0:
   * not yet) */
  int          line_width;
  int          line_height;
};

G_DEFINE_FINAL_TYPE (FmWrapLabel, fm_wrap_label, GTK_TYPE_WIDGET)

PangoLayout *
fm_widget_kept_layout (GtkWidget    *widget,
                       PangoLayout **layout,
                       guint        *serial,
                       const char   *text)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);

  if (*layout == NULL)
    *layout = gtk_widget_create_pango_layout (widget, text);
  else if (*serial != pango_context_get_serial (context))
    pango_layout_context_changed (*layout);
  *serial = pango_context_get_serial (context);
  return *layout;
}

void
fm_widget_get_text_color (GtkWidget *widget,
                          GdkRGBA   *color)
{
  /* gtk_widget_get_color () is GTK 4.10's */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
G_GNUC_END_IGNORE_DEPRECATIONS
}

PangoAttrList *
fm_attrs_no_hyphens (void)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  return attrs;
}

void
fm_label_keep_names_whole (GtkLabel *label)
{
  PangoAttrList *own = gtk_label_get_attributes (label);
  PangoAttrList *attrs = own != NULL ? pango_attr_list_copy (own) : pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
}

/* The kept layout, which never adds a hyphen to a name it wraps. */
static PangoLayout *
name_layout (FmWrapLabel *self)
{
  PangoLayout *layout = fm_widget_kept_layout (GTK_WIDGET (self), &self->layout, &self->serial,
                                               self->text);

  if (pango_layout_get_attributes (layout) == NULL)
    {
      PangoAttrList *attrs = fm_attrs_no_hyphens ();

      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

/* The layout, wrapping at @width pixels (-1: not at all). */
static PangoLayout *
get_layout (FmWrapLabel *self,
            int          width)
{
  PangoLayout *layout = name_layout (self);

  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, width < 0 ? -1 : width * PANGO_SCALE);
  return layout;
}

static GtkSizeRequestMode
fm_wrap_label_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* The size of the text on one line. Most names fit their width: those
 * are measured (and shaped) once, whatever widths they are asked about. */
static void
get_line_size (FmWrapLabel *self,
               int         *width,
               int         *height)
{
  guint serial = self->serial;
  PangoLayout *layout = name_layout (self);

  if (layout != NULL && (self->line_height == 0 || serial != self->serial))
    {
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_width (layout, -1);
      pango_layout_get_pixel_size (layout, &self->line_width, &self->line_height);
    }
  *width = self->line_width;
  *height = self->line_height;
}

static void
fm_wrap_label_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  FmWrapLabel *self = FM_WRAP_LABEL (widget);
  int width, height;

  get_line_size (self, &width, &height);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *natural = width;
      *minimum = MIN (width, MIN_WIDTH);
    }
  else
    {
      if (for_size >= 0 && for_size < width)
        pango_layout_get_pixel_size (get_layout (self, for_size), NULL, &height);
      *minimum = *natural = height;
    }
}

static void
fm_wrap_label_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  FmWrapLabel *self = FM_WRAP_LABEL (widget);
  int width = gtk_widget_get_width (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int line_width, line_height;
  PangoLayout *layout;
  GdkRGBA color;

  /* On one line when it fits: the layout it was measured with. */
  get_line_size (self, &line_width, &line_height);
  layout = get_layout (self, width >= line_width ? -1 : width);
  pango_layout_set_alignment (layout, rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  fm_widget_get_text_color (widget, &color);
  gtk_snapshot_save (snapshot);
  if (rtl && width >= line_width)
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (width - line_width, 0));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
fm_wrap_label_finalize (GObject *object)
{
  FmWrapLabel *self = FM_WRAP_LABEL (object);

  g_free (self->text);
  g_clear_object (&self->layout);
  G_OBJECT_CLASS (fm_wrap_label_parent_class)->finalize (object);
}

static void
fm_wrap_label_class_init (FmWrapLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fm_wrap_label_finalize;
  widget_class->get_request_mode = fm_wrap_label_get_request_mode;
  widget_class->measure = fm_wrap_label_measure;
  widget_class->snapshot = fm_wrap_label_snapshot;
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
fm_wrap_label_init (FmWrapLabel *self)
{
  self->text = g_strdup ("");
}

GtkWidget *
fm_wrap_label_new (const char *text)
{
  FmWrapLabel *self = g_object_new (FM_TYPE_WRAP_LABEL, NULL);

  fm_wrap_label_set_text (self, text);
  return GTK_WIDGET (self);
}

void
fm_wrap_label_set_text (FmWrapLabel *self,
                        const char  *text)
{
  g_return_if_fail (FM_IS_WRAP_LABEL (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, self->text, -1);
  self->line_width = self->line_height = 0;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->text, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
fm_wrap_label_get_text (FmWrapLabel *self)
{
  g_return_val_if_fail (FM_IS_WRAP_LABEL (self), NULL);

  return self->text;
}

PangoLayout *
fm_wrap_label_get_layout (FmWrapLabel *self)
{
  g_return_val_if_fail (FM_IS_WRAP_LABEL (self), NULL);

  return self->layout;
}
