/* make-month-store.c — writes a store file for the month-end pages' screenshots and manual
 * tries (QUDAO_STORE=FILE qudao): a catalog, orders, a stock report whose lots expire soon
 * or have expired, and statements issued, confirmed and disputed
 *
 * Usage: make-month-store FILE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-test-catalog.h"
#include "qd-test-statements.h"

static char *
days_from_now (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(QdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *p3 = qd_test_catalog_product_id (3);
  g_autofree char *p7 = qd_test_catalog_product_id (7);
  g_autofree char *p14 = qd_test_catalog_product_id (14);
  g_autofree char *soon = days_from_now (35);
  g_autofree char *later = days_from_now (400);
  g_autofree char *expired = days_from_now (-10);
  g_autofree char *as_of = days_from_now (-20);
  g_autofree char *report = NULL;
  QdStockLineInput lines[] = {
    { p3, 120, NULL, NULL },
    { p7, 40, "B2301", soon },
    { p7, 25, "B2307", later },
    { p14, 6, "C1102", expired },
  };

  if (argc < 2)
    {
      g_printerr ("usage: %s FILE\n", argv[0]);
      return 2;
    }
  store = qd_store_open (argv[1], &error);
  if (store == NULL
      || !qd_test_catalog_fill (store, 300, 5000000, &error)
      || !qd_test_catalog_add_order (store, "o_1", "SO-2026-000101", "shipped",
                                     "2026-09-02T03:04:05Z", 3, 120, &error)
      || !qd_test_catalog_add_order (store, "o_2", "SO-2026-000117", "shipped",
                                     "2026-09-12T06:30:00Z", 7, 60, &error)
      || !qd_test_catalog_add_order (store, "o_3", "SO-2026-000123", "completed",
                                     "2026-10-20T08:00:00Z", 14, 10, &error)
      || !qd_test_statement_add (store, "st_08", "2026-08", 1, "confirmed", 9, NULL, &error)
      || !qd_test_statement_add (store, "st_09", "2026-09", 2, "disputed", 14, NULL, &error)
      || !qd_test_statement_add (store, "st_10", "2026-10", 1, "issued", 24, NULL, &error))
    {
      g_printerr ("make-month-store: %s\n", error->message);
      return 1;
    }
  report = qd_store_report_stock (store, as_of, lines, G_N_ELEMENTS (lines), &error);
  if (report == NULL)
    {
      g_printerr ("make-month-store: %s\n", error->message);
      return 1;
    }
  return 0;
}
