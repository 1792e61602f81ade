/* qd-stock-row.h — one row of the stock report grid: a product, or one lot of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_STOCK_ROW (qd_stock_row_get_type ())
G_DECLARE_FINAL_TYPE (QdStockRow, qd_stock_row, QD, STOCK_ROW, GObject)

QdStockRow *qd_stock_row_new            (const char *product_id,
                                         const char *sku,
                                         const char *name,
                                         const char *unit,
                                         gboolean    lot_tracked);
QdStockRow *qd_stock_row_new_for_product (const QdProductInfo *info);
QdStockRow *qd_stock_row_copy_product   (QdStockRow *self);

const char *qd_stock_row_get_product_id (QdStockRow *self);
const char *qd_stock_row_get_sku        (QdStockRow *self);
const char *qd_stock_row_get_name       (QdStockRow *self);
const char *qd_stock_row_get_unit       (QdStockRow *self);
gboolean    qd_stock_row_get_lot_tracked (QdStockRow *self);
const char *qd_stock_row_get_qty_text   (QdStockRow *self);
const char *qd_stock_row_get_lot        (QdStockRow *self);
const char *qd_stock_row_get_expiry     (QdStockRow *self);
void        qd_stock_row_set_qty_text   (QdStockRow *self,
                                         const char *text);
void        qd_stock_row_set_lot        (QdStockRow *self,
                                         const char *lot);
void        qd_stock_row_set_expiry     (QdStockRow *self,
                                         const char *expiry);

G_END_DECLS
