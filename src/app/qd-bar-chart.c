/* qd-bar-chart.c — labelled horizontal bars: dealers by attainment, the category mix
 *
 * One bar per row, label on the left, value text on the right, an optional reference line
 * (100 % of target). Drawn with GtkSnapshot in the style's colours; hovering a row marks it
 * and puts its label and value in the tooltip; the accessible description lists the rows,
 * so a screen reader gets the whole chart in words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-bar-chart.h"
#include "qd-chart-private.h"

#define ROW_HEIGHT  24.0
#define LABEL_WIDTH 0.30   /* share of the width for the labels, at most LABEL_MAX */
#define LABEL_MAX   160.0
#define VALUE_WIDTH 64.0

typedef struct
{
  char     *label;
  gint64    value;
  char     *value_text;
  gboolean  warn;
} Bar;

struct _QdBarChart
{
  GtkWidget parent_instance;

  GArray *bars;        /* of Bar */
  gint64  reference;   /* a vertical line at this value; 0: none */
  int     hover;
};

G_DEFINE_FINAL_TYPE (QdBarChart, qd_bar_chart, GTK_TYPE_WIDGET)

static void
bar_clear (gpointer data)
{
  Bar *bar = data;

  g_free (bar->label);
  g_free (bar->value_text);
}

static void
qd_bar_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  QdBarChart *self = QD_BAR_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double label_w = MIN (LABEL_MAX, width * LABEL_WIDTH);
  double plot_x = label_w + 8;
  double plot_w = width - plot_x - VALUE_WIDTH - 8;
  g_autoptr(PangoLayout) layout = NULL;
  QdChartColors colors;
  gint64 max = self->reference;
  cairo_t *cr;

  if (plot_w <= 0 || self->bars->len == 0)
    return;

  qd_chart_colors_get (widget, &colors);
  for (guint i = 0; i < self->bars->len; i++)
    max = MAX (max, g_array_index (self->bars, Bar, i).value);
  if (max <= 0)
    max = 1;

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0, width,
                                                       gtk_widget_get_height (widget)));
  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);

  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);
      double y = i * ROW_HEIGHT;
      double w = plot_w * (double) MAX (bar->value, 0) / max;
      int tw, th;

      if ((int) i == self->hover)
        {
          gdk_cairo_set_source_rgba (cr, &colors.grid);
          cairo_rectangle (cr, 0, y, width, ROW_HEIGHT);
          cairo_fill (cr);
        }

      pango_layout_set_width (layout, (int) (label_w * PANGO_SCALE));
      pango_layout_set_text (layout, bar->label, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &colors.fg);
      cairo_move_to (cr, 0, y + (ROW_HEIGHT - th) / 2);
      pango_cairo_show_layout (cr, layout);

      gdk_cairo_set_source_rgba (cr, bar->warn ? &colors.warning : &colors.primary);
      cairo_rectangle (cr, plot_x, y + 5, MAX (w, 1.0), ROW_HEIGHT - 10);
      cairo_fill (cr);

      pango_layout_set_width (layout, -1);
      pango_layout_set_text (layout, bar->value_text != NULL ? bar->value_text : "", -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &colors.fg);
      cairo_move_to (cr, plot_x + plot_w + 8, y + (ROW_HEIGHT - th) / 2);
      pango_cairo_show_layout (cr, layout);
    }

  if (self->reference > 0)
    {
      double x = plot_x + plot_w * (double) self->reference / max;
      static const double dash[] = { 4.0, 3.0 };

      gdk_cairo_set_source_rgba (cr, &colors.secondary);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, (int) x + 0.5, 0);
      cairo_line_to (cr, (int) x + 0.5, self->bars->len * ROW_HEIGHT);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
qd_bar_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  QdBarChart *self = QD_BAR_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 480;
    }
  else
    *minimum = *natural = MAX (1, (int) (self->bars->len * ROW_HEIGHT));
}

static void
update_description (QdBarChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);

      if (i > 0)
        g_string_append (text, "; ");
      g_string_append_printf (text, "%s %s", bar->label,
                              bar->value_text != NULL ? bar->value_text : "");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str, -1);
}

void
qd_bar_chart_set_hover (QdBarChart *self,
                        int         index)
{
  g_return_if_fail (QD_IS_BAR_CHART (self));

  if (index < 0 || (guint) index >= self->bars->len)
    index = -1;
  if (index == self->hover)
    return;
  self->hover = index;
  if (index >= 0)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, index);
      g_autofree char *text = g_strdup_printf ("%s: %s", bar->label,
                                               bar->value_text != NULL ? bar->value_text : "");

      gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           QdBarChart               *self)
{
  qd_bar_chart_set_hover (self, (int) (y / ROW_HEIGHT));
}

static void
leave_cb (GtkEventControllerMotion *controller,
          QdBarChart               *self)
{
  qd_bar_chart_set_hover (self, -1);
}

static void
qd_bar_chart_finalize (GObject *object)
{
  QdBarChart *self = QD_BAR_CHART (object);

  g_clear_pointer (&self->bars, g_array_unref);
  G_OBJECT_CLASS (qd_bar_chart_parent_class)->finalize (object);
}

static void
qd_bar_chart_class_init (QdBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = qd_bar_chart_finalize;
  widget_class->snapshot = qd_bar_chart_snapshot;
  widget_class->measure = qd_bar_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "barchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
qd_bar_chart_init (QdBarChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, bar_clear);
  self->hover = -1;
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  qd_chart_follow_style (GTK_WIDGET (self));
}

GtkWidget *
qd_bar_chart_new (void)
{
  return g_object_new (QD_TYPE_BAR_CHART, NULL);
}

void
qd_bar_chart_clear (QdBarChart *self)
{
  g_return_if_fail (QD_IS_BAR_CHART (self));

  g_array_set_size (self->bars, 0);
  self->hover = -1;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * qd_bar_chart_add:
 * @label: the row's label (a dealer, a category)
 * @value: the bar's length, in any unit shared by the rows and the reference
 * @value_text: (nullable): the value as shown ("87 %", "¥12,300.00")
 * @warn: draw the bar in the warning colour (behind target)
 */
void
qd_bar_chart_add (QdBarChart *self,
                  const char *label,
                  gint64      value,
                  const char *value_text,
                  gboolean    warn)
{
  Bar bar = { g_strdup (label), value, g_strdup (value_text), warn };

  g_return_if_fail (QD_IS_BAR_CHART (self));

  g_array_append_val (self->bars, bar);
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
qd_bar_chart_set_reference (QdBarChart *self,
                            gint64      reference)
{
  g_return_if_fail (QD_IS_BAR_CHART (self));

  self->reference = MAX (reference, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
qd_bar_chart_get_n (QdBarChart *self)
{
  g_return_val_if_fail (QD_IS_BAR_CHART (self), 0);
  return self->bars->len;
}

int
qd_bar_chart_get_hover (QdBarChart *self)
{
  g_return_val_if_fail (QD_IS_BAR_CHART (self), -1);
  return self->hover;
}
