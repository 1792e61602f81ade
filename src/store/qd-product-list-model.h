/* qd-product-list-model.h — a lazy GListModel over a catalog search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "qd-product-row.h"
#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_PRODUCT_LIST_MODEL (qd_product_list_model_get_type ())
G_DECLARE_FINAL_TYPE (QdProductListModel, qd_product_list_model, QD, PRODUCT_LIST_MODEL, GObject)

/* Rows are read from SQLite in windows of this many. */
#define QD_PRODUCT_LIST_MODEL_WINDOW 64
/* An incremental query reads this many rowids at once, the rest on a worker thread. */
#define QD_PRODUCT_LIST_MODEL_FIRST_PAGE 256

QdProductListModel *qd_product_list_model_new       (QdStore              *store);
QdStore            *qd_product_list_model_get_store (QdProductListModel   *self);
gboolean            qd_product_list_model_set_query (QdProductListModel   *self,
                                                     const QdProductQuery *query,
                                                     GError              **error);
gboolean            qd_product_list_model_refresh   (QdProductListModel   *self,
                                                     GError              **error);
void                qd_product_list_model_set_incremental (QdProductListModel *self,
                                                           gboolean            incremental);
gboolean            qd_product_list_model_is_complete (QdProductListModel *self);

G_END_DECLS
