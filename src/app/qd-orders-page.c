/* qd-orders-page.c — the Orders page of the main window
 *
 * For now a status page that tells the user what this page will hold; the template in
 * ui/qd-orders-page.ui is where the real content goes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-orders-page.h"

struct _QdOrdersPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (QdOrdersPage, qd_orders_page, ADW_TYPE_BIN)

static void
qd_orders_page_class_init (QdOrdersPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-orders-page.ui");
}

static void
qd_orders_page_init (QdOrdersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
