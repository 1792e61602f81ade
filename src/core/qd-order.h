/* qd-order.h — the order entity as the server sends it (change feed, mutation results,
 * GET /orders/{id}), as a plain C struct
 *
 * Entities may grow members (PROTOCOL.md: "more may be added"), so parsing ignores
 * members it does not know; the members it knows are checked strictly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "qd-enums.h"

G_BEGIN_DECLS

typedef struct
{
  char   *product_id;
  gint64  qty;              /* within ±QD_QTY_MAX */
  gint64  unit_price_fen;   /* within ±QD_MONEY_MAX_FEN, as are all amounts here */
  gint64  total_fen;
} QdOrderLine;

typedef struct
{
  char          *id;                /* the server id */
  char          *number;            /* the official order number shown to people */
  char          *dealer_id;
  QdOrderStatus  status;
  char          *created_at;        /* RFC 3339 UTC */
  char          *client_order_id;   /* nullable: the UUID of order.submit, if any */
  char          *note;              /* nullable */
  GArray        *lines;             /* of QdOrderLine */
  gint64         total_fen;
  char          *held_reason;       /* nullable: why the order is held for review */
  gboolean       repriced;          /* in order.submit results: the total differs from
                                     * expected_total_fen; FALSE when absent */
} QdOrder;

QdOrder    *qd_order_new          (void);
void        qd_order_free         (QdOrder        *self);
gboolean    qd_order_entity_parse (JsonObject     *entity,
                                   QdOrder       **out,
                                   GError        **error);
JsonObject *qd_order_entity_to_json (const QdOrder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOrder, qd_order_free)

G_END_DECLS
