/* qd-order-page.h — the Order page (订货): catalog and cart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-cart-pane.h"
#include "qd-product-list-model.h"
#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_ORDER_PAGE (qd_order_page_get_type ())
G_DECLARE_FINAL_TYPE (QdOrderPage, qd_order_page, QD, ORDER_PAGE, AdwBin)

void                qd_order_page_set_store       (QdOrderPage *self,
                                                   QdStore     *store);
void                qd_order_page_reload          (QdOrderPage *self);
QdProductListModel *qd_order_page_get_model       (QdOrderPage *self);
QdCartPane         *qd_order_page_get_cart_pane   (QdOrderPage *self);
void                qd_order_page_set_search_text (QdOrderPage *self,
                                                   const char  *text);
void                qd_order_page_add_toast       (QdOrderPage *self,
                                                   const char  *title);

G_END_DECLS
