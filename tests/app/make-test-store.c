/* make-test-store.c — writes a store file with a generated catalog and a few orders, for
 * screenshots, manual tries (QUDAO_STORE=FILE qudao) and the order-page benchmark
 *
 * Usage: make-test-store FILE [N_PRODUCTS [--bare]]   (--bare: no orders and an empty cart)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "qd-test-catalog.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(QdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 2000;
  gboolean bare = FALSE;
  QdOrderLineInput line = { 0 };
  g_autofree char *pid = NULL;
  g_autofree char *order_id = NULL;

  if (argc < 2)
    {
      g_printerr ("usage: %s FILE [N_PRODUCTS]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    n = (guint) CLAMP (g_ascii_strtoull (argv[2], NULL, 10), 1, 1000000);
  bare = argc > 3 && g_strcmp0 (argv[3], "--bare") == 0;

  store = qd_store_open (argv[1], &error);
  if (store == NULL || !qd_test_catalog_fill (store, n, 5000000, &error))
    {
      g_printerr ("make-test-store: %s\n", error->message);
      return 1;
    }
  if (bare)
    return 0;
  if (!qd_test_catalog_add_order (store, "o_1", "SO-2026-000101", "shipped",
                                     "2026-11-02T03:04:05Z", 1, 20, &error)
      || !qd_test_catalog_add_order (store, "o_2", "SO-2026-000117", "approved",
                                     "2026-11-12T06:30:00Z", 3, 120, &error)
      || !qd_test_catalog_add_order (store, "o_3", "SO-2026-000123", "held",
                                     "2026-11-20T08:00:00Z", 5, 10, &error))
    {
      g_printerr ("make-test-store: %s\n", error->message);
      return 1;
    }

  /* One order saved offline, not yet sent, and a cart in progress. */
  pid = qd_test_catalog_product_id (2);
  line.product_id = pid;
  line.qty = qd_test_catalog_pack (2) * 3;
  order_id = qd_store_queue_order (store, &line, 1, "周五前送到", NULL, &error);
  if (order_id == NULL
      || !qd_store_cart_set (store, "p_0", 5, &error)
      || !qd_store_cart_set (store, "p_6", 24, &error))
    {
      g_printerr ("make-test-store: %s\n", error->message);
      return 1;
    }
  return 0;
}
