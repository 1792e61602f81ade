/* qd-product.h — one catalog row as a GObject, the item of QdProductListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_PRODUCT (qd_product_get_type ())
G_DECLARE_FINAL_TYPE (QdProduct, qd_product, QD, PRODUCT, GObject)

QdProduct  *qd_product_new              (QdProductInfo *info,
                                         const char    *last_ordered);
gint64      qd_product_get_rowid        (QdProduct     *self);
const char *qd_product_get_id           (QdProduct     *self);
const char *qd_product_get_sku          (QdProduct     *self);
const char *qd_product_get_name         (QdProduct     *self);
const char *qd_product_get_spec         (QdProduct     *self);
const char *qd_product_get_category     (QdProduct     *self);
const char *qd_product_get_unit         (QdProduct     *self);
const char *qd_product_get_mnemonic     (QdProduct     *self);
gint64      qd_product_get_pack_size    (QdProduct     *self);
gint64      qd_product_get_price_fen    (QdProduct     *self);
const char *qd_product_get_last_ordered (QdProduct     *self);

G_END_DECLS
