/* qd-line-chart.h — months of purchases against target, as two lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_LINE_CHART (qd_line_chart_get_type ())
G_DECLARE_FINAL_TYPE (QdLineChart, qd_line_chart, QD, LINE_CHART, GtkWidget)

GtkWidget *qd_line_chart_new        (void);
void       qd_line_chart_set_data   (QdLineChart        *self,
                                     const char * const *labels,
                                     const gint64       *values,
                                     const gint64       *targets,
                                     guint               n);
guint      qd_line_chart_get_n      (QdLineChart        *self);
int        qd_line_chart_get_hover  (QdLineChart        *self);
void       qd_line_chart_set_hover  (QdLineChart        *self,
                                     int                 index);

G_END_DECLS
