/* qd-bar-chart.h — labelled horizontal bars: dealers by attainment, the category mix
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_BAR_CHART (qd_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (QdBarChart, qd_bar_chart, QD, BAR_CHART, GtkWidget)

GtkWidget *qd_bar_chart_new           (void);
void       qd_bar_chart_clear         (QdBarChart *self);
void       qd_bar_chart_add           (QdBarChart *self,
                                       const char *label,
                                       gint64      value,
                                       const char *value_text,
                                       gboolean    warn);
void       qd_bar_chart_set_reference (QdBarChart *self,
                                       gint64      reference);
guint      qd_bar_chart_get_n         (QdBarChart *self);
int        qd_bar_chart_get_hover     (QdBarChart *self);
void       qd_bar_chart_set_hover     (QdBarChart *self,
                                       int         index);

G_END_DECLS
