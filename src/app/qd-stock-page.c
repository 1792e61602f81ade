/* qd-stock-page.c — the Stock page of the main window
 *
 * For now a status page that tells the user what this page will hold; the template in
 * ui/qd-stock-page.ui is where the real content goes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-stock-page.h"

struct _QdStockPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (QdStockPage, qd_stock_page, ADW_TYPE_BIN)

static void
qd_stock_page_class_init (QdStockPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-stock-page.ui");
}

static void
qd_stock_page_init (QdStockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
