/* qd-orders-page.h — the Orders page (订单): list, filters, detail and actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_ORDERS_PAGE (qd_orders_page_get_type ())
G_DECLARE_FINAL_TYPE (QdOrdersPage, qd_orders_page, QD, ORDERS_PAGE, AdwBin)

void        qd_orders_page_set_store     (QdOrdersPage *self,
                                          QdStore      *store);
void        qd_orders_page_reload        (QdOrdersPage *self);
GListModel *qd_orders_page_get_model     (QdOrdersPage *self);
gboolean    qd_orders_page_show_order    (QdOrdersPage *self,
                                          const char   *order_id);
const char *qd_orders_page_get_shown_id  (QdOrdersPage *self);
const char *qd_orders_page_get_list_state (QdOrdersPage *self);
gboolean    qd_orders_page_cancel_now    (QdOrdersPage *self,
                                          const char   *reason,
                                          GError      **error);
void        qd_orders_page_set_filter    (QdOrdersPage *self,
                                          const char   *status,
                                          const char   *from_date,
                                          const char   *to_date,
                                          const char   *text);
void        qd_orders_page_add_toast     (QdOrdersPage *self,
                                          const char   *title);

G_END_DECLS
