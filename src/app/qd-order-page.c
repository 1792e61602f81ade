/* qd-order-page.c — the Order page of the main window
 *
 * For now a status page that tells the user what this page will hold; the template in
 * ui/qd-order-page.ui is where the real content goes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-order-page.h"

struct _QdOrderPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (QdOrderPage, qd_order_page, ADW_TYPE_BIN)

static void
qd_order_page_class_init (QdOrderPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-order-page.ui");
}

static void
qd_order_page_init (QdOrderPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
