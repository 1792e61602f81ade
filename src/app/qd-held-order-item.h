/* qd-held-order-item.h — one order held for review, as a GObject for the review GtkListView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-dashboard.h"

G_BEGIN_DECLS

#define QD_TYPE_HELD_ORDER_ITEM (qd_held_order_item_get_type ())
G_DECLARE_FINAL_TYPE (QdHeldOrderItem, qd_held_order_item, QD, HELD_ORDER_ITEM, GObject)

QdHeldOrderItem *qd_held_order_item_new          (const QdOrderInfo *order,
                                                  const char        *dealer_name);
gboolean         qd_held_order_item_update       (QdHeldOrderItem   *self,
                                                  const QdOrderInfo *order,
                                                  const char        *dealer_name);
const char      *qd_held_order_item_get_id       (QdHeldOrderItem   *self);
const char      *qd_held_order_item_get_number   (QdHeldOrderItem   *self);
const char      *qd_held_order_item_get_dealer   (QdHeldOrderItem   *self);
gint64           qd_held_order_item_get_total    (QdHeldOrderItem   *self);
const char      *qd_held_order_item_get_reason   (QdHeldOrderItem   *self);
gboolean         qd_held_order_item_get_pending  (QdHeldOrderItem   *self);
void             qd_held_order_item_set_pending  (QdHeldOrderItem   *self,
                                                  gboolean           pending);
GPtrArray       *qd_held_order_item_get_history  (QdHeldOrderItem   *self);
void             qd_held_order_item_set_history  (QdHeldOrderItem   *self,
                                                  GPtrArray         *history);
gboolean         qd_held_order_item_get_history_current (QdHeldOrderItem *self);
void             qd_held_order_item_mark_history_stale  (QdHeldOrderItem *self);
const char      *qd_held_order_item_get_comment  (QdHeldOrderItem   *self);
void             qd_held_order_item_set_comment  (QdHeldOrderItem   *self,
                                                  const char        *comment);

G_END_DECLS
