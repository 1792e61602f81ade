/* qd-test-catalog.h — generated catalogs in a real store file, for the order UI tests,
 * screenshots and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TEST_DEALER_ID "d_test"

gboolean  qd_test_catalog_fill       (QdStore     *store,
                                      guint        n_products,
                                      gint64       credit_limit_fen,
                                      GError     **error);
char     *qd_test_catalog_product_id (guint        index);
char     *qd_test_catalog_name       (guint        index);
gint64    qd_test_catalog_price      (guint        index);
gint64    qd_test_catalog_pack       (guint        index);
gboolean  qd_test_catalog_add_order  (QdStore     *store,
                                      const char  *id,
                                      const char  *number,
                                      const char  *status,
                                      const char  *created_at,
                                      guint        product_index,
                                      gint64       qty,
                                      GError     **error);

gboolean  qd_test_catalog_add_orders (QdStore     *store,
                                      guint        n_products,
                                      guint        n_orders,
                                      guint        lines_per_order,
                                      GError     **error);

G_END_DECLS
