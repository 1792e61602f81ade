/* qd-order-item.h — one order as a GObject, a row of the Orders page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_ORDER_ITEM (qd_order_item_get_type ())
G_DECLARE_FINAL_TYPE (QdOrderItem, qd_order_item, QD, ORDER_ITEM, GObject)

QdOrderItem       *qd_order_item_new           (QdOrderInfo *info);
const QdOrderInfo *qd_order_item_get_info      (QdOrderItem *self);
const char        *qd_order_item_get_id        (QdOrderItem *self);

const char        *qd_order_status_label       (const char  *status);
char              *qd_order_format_created     (const char  *created_at);
const char        *qd_order_event_label        (const QdOrderEvent *event);
char              *qd_order_event_time         (const QdOrderEvent *event);

G_END_DECLS
