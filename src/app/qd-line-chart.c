/* qd-line-chart.c — months of purchases against target, as two lines
 *
 * Drawn with GtkSnapshot (through its cairo node: GTK 4.8 has no path API of its own) in the
 * style's colours, so it follows light and dark. Hovering a month marks it and sets the
 * tooltip to that month's figures; the accessible description summarises the series, and
 * the dashboard offers the same data as a table beside it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "qd-chart-private.h"
#include "qd-line-chart.h"
#include "qd-money.h"

#define MARGIN_LEFT   (self->margin_left)
#define MARGIN_RIGHT  12.0
#define MARGIN_TOP    12.0
#define MARGIN_BOTTOM 24.0

struct _QdLineChart
{
  GtkWidget parent_instance;

  GPtrArray *labels;   /* of char *, "YYYY-MM" */
  GArray    *values;   /* of gint64 */
  GArray    *targets;  /* of gint64 */
  int        hover;    /* the month under the pointer, -1 when none */
  double     margin_left; /* room for the amounts of the axis, measured when drawn */
};

G_DEFINE_FINAL_TYPE (QdLineChart, qd_line_chart, GTK_TYPE_WIDGET)

char *
qd_chart_format_axis_money (gint64 fen)
{
  gint64 yuan = fen / 100;

  /* Translators: how the chart axes group large amounts. Translate to "wan" if your
   * language counts in 万 and 亿 (10^4, 10^8), otherwise keep "thousands" (k, M). */
  if (g_strcmp0 (C_("axis grouping", "thousands"), "wan") == 0)
    {
      if (yuan >= 100000000)
        return g_strdup_printf ("¥%.1f亿", yuan / 1e8);
      if (yuan >= 10000)
        return g_strdup_printf ("¥%.0f万", yuan / 1e4);
      return g_strdup_printf ("¥%" G_GINT64_FORMAT, yuan);
    }
  if (yuan >= 1000000)
    return g_strdup_printf ("¥%.1fM", yuan / 1e6);
  if (yuan >= 1000)
    return g_strdup_printf ("¥%.0fk", yuan / 1e3);
  return g_strdup_printf ("¥%" G_GINT64_FORMAT, yuan);
}

static gint64
max_value (QdLineChart *self)
{
  gint64 max = 0;

  for (guint i = 0; i < self->values->len; i++)
    {
      max = MAX (max, g_array_index (self->values, gint64, i));
      max = MAX (max, g_array_index (self->targets, gint64, i));
    }
  return max;
}

/* A round top for the axis: 1, 2 or 5 times a power of ten, at least @max. */
static gint64
nice_top (gint64 max)
{
  gint64 step = 1;

  if (max <= 0)
    return 100;
  while (step * 10 <= max)
    step *= 10;
  if (step >= max)
    return step;
  if (2 * step >= max)
    return 2 * step;
  if (5 * step >= max)
    return 5 * step;
  return 10 * step;
}

static double
x_of (QdLineChart *self,
      double       width,
      guint        i)
{
  guint n = self->labels->len;
  double plot = width - MARGIN_LEFT - MARGIN_RIGHT;

  if (n <= 1)
    return MARGIN_LEFT + plot / 2;
  return MARGIN_LEFT + plot * i / (n - 1);
}

static void
draw_series (cairo_t       *cr,
             QdLineChart   *self,
             GArray        *series,
             double         width,
             double         height,
             gint64         top,
             const GdkRGBA *color,
             gboolean       dashed)
{
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  static const double dash[] = { 6.0, 4.0 };

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 2.0);
  cairo_set_dash (cr, dash, dashed ? 2 : 0, 0);
  for (guint i = 0; i < series->len; i++)
    {
      double y = MARGIN_TOP + plot_h * (1.0 - (double) g_array_index (series, gint64, i) / top);

      if (i == 0)
        cairo_move_to (cr, x_of (self, width, i), y);
      else
        cairo_line_to (cr, x_of (self, width, i), y);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (!dashed)
    for (guint i = 0; i < series->len; i++)
      {
        double y = MARGIN_TOP + plot_h * (1.0 - (double) g_array_index (series, gint64, i) / top);

        cairo_arc (cr, x_of (self, width, i), y, (int) i == self->hover ? 5.0 : 2.5, 0, 2 * G_PI);
        cairo_fill (cr);
      }
}

static void
qd_line_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  QdLineChart *self = QD_LINE_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  QdChartColors colors;
  g_autoptr(PangoLayout) layout = NULL;
  cairo_t *cr;
  gint64 top;
  guint n = self->labels->len;
  guint every;

  if (width <= MARGIN_LEFT + MARGIN_RIGHT || plot_h <= 0)
    return;

  qd_chart_colors_get (widget, &colors);
  top = nice_top (max_value (self));
  layout = gtk_widget_create_pango_layout (widget, NULL);
  {
    /* The axis takes the width of its widest amount ("¥1000万" is wider than "¥10.0M"). */
    g_autofree char *widest = qd_chart_format_axis_money (top);
    int tw, th;

    pango_layout_set_text (layout, widest, -1);
    pango_layout_get_pixel_size (layout, &tw, &th);
    self->margin_left = MAX (40.0, tw + 10.0);
  }
  if (width <= MARGIN_LEFT + MARGIN_RIGHT)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Grid lines with their amounts: 0, ¼, ½, ¾ and the top. */
  for (int g = 0; g <= 4; g++)
    {
      double y = MARGIN_TOP + plot_h * (1.0 - g / 4.0);
      g_autofree char *text = qd_chart_format_axis_money (top * g / 4);
      int tw, th;

      gdk_cairo_set_source_rgba (cr, &colors.grid);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, MARGIN_LEFT, (int) y + 0.5);
      cairo_line_to (cr, width - MARGIN_RIGHT, (int) y + 0.5);
      cairo_stroke (cr);

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &colors.fg);
      cairo_move_to (cr, MARGIN_LEFT - 6 - tw, y - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  /* Month labels, as many as fit without overlapping ("MM", the year on January). */
  every = MAX (1, (guint) ceil (n * 44.0 / MAX (1.0, width - MARGIN_LEFT - MARGIN_RIGHT)));
  for (guint i = 0; i < n; i++)
    {
      const char *label = g_ptr_array_index (self->labels, i);
      int tw, th;

      if ((n - 1 - i) % every != 0)
        continue;
      pango_layout_set_text (layout, strlen (label) == 7 && label[5] == '0' && label[6] == '1'
                                     ? label : label + MIN (strlen (label), 5), -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &colors.fg);
      cairo_move_to (cr, x_of (self, width, i) - tw / 2.0, height - MARGIN_BOTTOM + 4);
      pango_cairo_show_layout (cr, layout);
    }

  if (self->hover >= 0 && (guint) self->hover < n)
    {
      gdk_cairo_set_source_rgba (cr, &colors.grid);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, (int) x_of (self, width, self->hover) + 0.5, MARGIN_TOP);
      cairo_line_to (cr, (int) x_of (self, width, self->hover) + 0.5, MARGIN_TOP + plot_h);
      cairo_stroke (cr);
    }

  draw_series (cr, self, self->targets, width, height, top, &colors.secondary, TRUE);
  draw_series (cr, self, self->values, width, height, top, &colors.primary, FALSE);
  cairo_destroy (cr);
}

static void
qd_line_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 640;
    }
  else
    {
      *minimum = 160;
      *natural = 220;
    }
}

static char *
month_text (QdLineChart *self,
            guint        i)
{
  g_autofree char *value = qd_money_format (g_array_index (self->values, gint64, i), 0);
  g_autofree char *target = qd_money_format (g_array_index (self->targets, gint64, i), 0);

  /* Translators: the tooltip of a month in the purchases chart: month, purchases, target. */
  return g_strdup_printf (_("%s: purchases %s, target %s"),
                          (const char *) g_ptr_array_index (self->labels, i), value, target);
}

void
qd_line_chart_set_hover (QdLineChart *self,
                         int          index)
{
  g_autofree char *text = NULL;

  g_return_if_fail (QD_IS_LINE_CHART (self));

  if (index < 0 || (guint) index >= self->labels->len)
    index = -1;
  if (index == self->hover)
    return;
  self->hover = index;
  if (index >= 0)
    text = month_text (self, index);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           QdLineChart              *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  guint n = self->labels->len;
  int best = -1;
  double best_d = G_MAXDOUBLE;

  for (guint i = 0; i < n; i++)
    {
      double d = fabs (x_of (self, width, i) - x);

      if (d < best_d)
        {
          best_d = d;
          best = i;
        }
    }
  qd_line_chart_set_hover (self, best);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          QdLineChart              *self)
{
  qd_line_chart_set_hover (self, -1);
}

static void
qd_line_chart_finalize (GObject *object)
{
  QdLineChart *self = QD_LINE_CHART (object);

  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->targets, g_array_unref);
  G_OBJECT_CLASS (qd_line_chart_parent_class)->finalize (object);
}

static void
qd_line_chart_class_init (QdLineChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = qd_line_chart_finalize;
  widget_class->snapshot = qd_line_chart_snapshot;
  widget_class->measure = qd_line_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "linechart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
qd_line_chart_init (QdLineChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->labels = g_ptr_array_new_with_free_func (g_free);
  self->values = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->targets = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->hover = -1;
  self->margin_left = 56.0;

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  qd_chart_follow_style (GTK_WIDGET (self));
}

GtkWidget *
qd_line_chart_new (void)
{
  return g_object_new (QD_TYPE_LINE_CHART, NULL);
}

/**
 * qd_line_chart_set_data:
 * @labels: (array length=n): month labels, "YYYY-MM"
 * @values: (array length=n): purchases in fen
 * @targets: (array length=n): targets in fen
 *
 * Replaces the series; the accessible description says what it shows in words.
 */
void
qd_line_chart_set_data (QdLineChart        *self,
                        const char * const *labels,
                        const gint64       *values,
                        const gint64       *targets,
                        guint               n)
{
  g_autofree char *description = NULL;

  g_return_if_fail (QD_IS_LINE_CHART (self));
  g_return_if_fail (n == 0 || (labels != NULL && values != NULL && targets != NULL));

  g_ptr_array_set_size (self->labels, 0);
  g_array_set_size (self->values, 0);
  g_array_set_size (self->targets, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->labels, g_strdup (labels[i]));
  g_array_append_vals (self->values, values, n);
  g_array_append_vals (self->targets, targets, n);
  self->hover = -1;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);

  if (n > 0)
    {
      g_autofree char *last = month_text (self, n - 1);

      /* Translators: the accessible description of the purchases chart; %u is the number
       * of months, %s the figures of the latest one. */
      description = g_strdup_printf (_("Purchases against target over %u months. Latest: %s"),
                                     n, last);
    }
  else
    description = g_strdup (_("No purchases yet"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
qd_line_chart_get_n (QdLineChart *self)
{
  g_return_val_if_fail (QD_IS_LINE_CHART (self), 0);
  return self->labels->len;
}

int
qd_line_chart_get_hover (QdLineChart *self)
{
  g_return_val_if_fail (QD_IS_LINE_CHART (self), -1);
  return self->hover;
}
