/* qd-dashboard-page.c — the Dashboard page of the main window
 *
 * For now a status page that tells the user what this page will hold; the template in
 * ui/qd-dashboard-page.ui is where the real content goes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-dashboard-page.h"

struct _QdDashboardPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (QdDashboardPage, qd_dashboard_page, ADW_TYPE_BIN)

static void
qd_dashboard_page_class_init (QdDashboardPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-dashboard-page.ui");
}

static void
qd_dashboard_page_init (QdDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
