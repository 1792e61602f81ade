/* qd-product-row.h — one catalog row, the item of QdProductListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_PRODUCT_ROW (qd_product_row_get_type ())
G_DECLARE_FINAL_TYPE (QdProductRow, qd_product_row, QD, PRODUCT_ROW, GObject)

QdProductRow        *qd_product_row_new          (QdProductInfo *info);
const QdProductInfo *qd_product_row_get_info     (QdProductRow  *self);
const char          *qd_product_row_get_id       (QdProductRow  *self);
const char          *qd_product_row_get_sku      (QdProductRow  *self);
const char          *qd_product_row_get_name     (QdProductRow  *self);
const char          *qd_product_row_get_spec     (QdProductRow  *self);
const char          *qd_product_row_get_unit     (QdProductRow  *self);
gint64               qd_product_row_get_pack_size (QdProductRow *self);
gint64               qd_product_row_get_price_fen (QdProductRow *self);
const char          *qd_product_row_get_last_ordered (QdProductRow *self);

G_END_DECLS
