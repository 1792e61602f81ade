/* qd-product-list-model.h — the catalog as a lazy GListModel of QdProduct
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "qd-product.h"
#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_PRODUCT_LIST_MODEL (qd_product_list_model_get_type ())
G_DECLARE_FINAL_TYPE (QdProductListModel, qd_product_list_model, QD, PRODUCT_LIST_MODEL,
                      GObject)

QdProductListModel *qd_product_list_model_new          (QdStore            *store);
QdStore            *qd_product_list_model_get_store    (QdProductListModel *self);
gboolean            qd_product_list_model_set_query    (QdProductListModel *self,
                                                        const char         *text,
                                                        const char         *category,
                                                        gboolean            ordered_before,
                                                        GError            **error);
gboolean            qd_product_list_model_reload       (QdProductListModel *self,
                                                        GError            **error);
guint               qd_product_list_model_get_n_cached (QdProductListModel *self);

G_END_DECLS
