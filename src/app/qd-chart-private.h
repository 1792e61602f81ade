/* qd-chart-private.h — what the dashboard's chart widgets share: colours and text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Colours that read on both the light and the dark window background. The series colours
 * are GNOME palette blues and oranges, a lighter shade in the dark scheme. */
typedef struct
{
  GdkRGBA fg;        /* text and axes */
  GdkRGBA grid;      /* grid lines */
  GdkRGBA primary;   /* purchases, bars */
  GdkRGBA secondary; /* target, the 100 % line */
  GdkRGBA warning;   /* bars below target */
} QdChartColors;

static inline void
qd_chart_colors_get (GtkWidget     *widget,
                     QdChartColors *out)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  /* GTK 4.8 has no gtk_widget_get_color (); the style context is what it offers. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &out->fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  out->grid = out->fg;
  out->grid.alpha = 0.15f;
  gdk_rgba_parse (&out->primary, dark ? "#78aeed" : "#1c71d8");
  gdk_rgba_parse (&out->secondary, dark ? "#ffa348" : "#c64600");
  gdk_rgba_parse (&out->warning, dark ? "#f66151" : "#c01c28");
}

/* Follows the light/dark switch: the colours above depend on it. */
static inline void
qd_chart_follow_style (GtkWidget *widget)
{
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), widget, G_CONNECT_SWAPPED);
}

/* Short money for an axis: "¥1.2万", "¥350万", "¥1.5亿" in Chinese; "¥12k", "¥3.5M" in
 * English. The unit words come from the translation so each language groups as it counts. */
char *qd_chart_format_axis_money (gint64 fen);

G_END_DECLS
