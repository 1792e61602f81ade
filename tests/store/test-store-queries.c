/* test-store-queries.c — the reads the UI needs: orders, reports, statements, credit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "store-test-util.h"

#define ORDERS_PAGE \
  "[" \
  "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o1\",\"data\":{\"number\":\"SO-2026-0001\"," \
  "  \"dealer_id\":\"d1\",\"status\":\"completed\",\"created_at\":\"2026-09-15T08:00:00Z\"," \
  "  \"total_fen\":30000,\"lines\":[{\"product_id\":\"p1\",\"qty\":20,\"unit_price_fen\":1500," \
  "  \"total_fen\":30000}]}}," \
  "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o2\",\"data\":{\"number\":\"SO-2026-0002\"," \
  "  \"dealer_id\":\"d1\",\"status\":\"shipped\",\"created_at\":\"2026-11-02T08:00:00Z\"," \
  "  \"total_fen\":20000,\"lines\":[{\"product_id\":\"p2\",\"qty\":10,\"unit_price_fen\":2000," \
  "  \"total_fen\":20000}]}}," \
  "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o3\",\"data\":{\"number\":\"SO-2026-0003\"," \
  "  \"dealer_id\":\"d1\",\"status\":\"held\",\"created_at\":\"2026-11-10T08:00:00Z\"," \
  "  \"held_reason\":\"quantity\",\"total_fen\":5000,\"lines\":[{\"product_id\":\"p2\",\"qty\":2," \
  "  \"unit_price_fen\":2500,\"total_fen\":5000}]}}," \
  "{\"entity\":\"payment\",\"op\":\"upsert\",\"id\":\"pay1\",\"data\":{\"dealer_id\":\"d1\"," \
  "  \"date\":\"2026-11-05\",\"amount_fen\":40000,\"method\":\"transfer\",\"ref\":\"B1\"}}," \
  "{\"entity\":\"payment\",\"op\":\"upsert\",\"id\":\"pay0\",\"data\":{\"dealer_id\":\"d1\"," \
  "  \"date\":\"2026-10-05\",\"amount_fen\":99999,\"method\":\"transfer\",\"ref\":\"B0\"}}," \
  "{\"entity\":\"target\",\"op\":\"upsert\",\"id\":\"t1\",\"data\":{\"dealer_id\":\"d1\"," \
  "  \"period\":\"2026-11\",\"amount_fen\":500000}}," \
  "{\"entity\":\"rebate_policy\",\"op\":\"upsert\",\"id\":\"rp1\",\"data\":{\"level\":\"regional\"," \
  "  \"period\":\"2026-Q4\",\"tiers\":[{\"threshold_fen\":1000000,\"rate_bp\":100}," \
  "  {\"threshold_fen\":3000000,\"rate_bp\":300}]}}" \
  "]"

static void
set_up_data (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up (f, data);
  load_catalog (f->store);
  apply_page (f->store, ORDERS_PAGE, "c-orders", NULL, &error);
  g_assert_no_error (error);
}

static char *
order_ids (QdStore            *store,
           const QdOrderQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = qd_store_list_orders (store, query, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < orders->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "",
                            ((QdOrderInfo *) orders->pdata[i])->id);
  return g_string_free (out, FALSE);
}

static void
check_orders (QdStore            *store,
              const QdOrderQuery *query,
              const char         *expected)
{
  g_autofree char *ids = order_ids (store, query);

  g_assert_cmpstr (ids, ==, expected);
}

static void
test_orders (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(QdOrderInfo) detail = NULL;
  g_autofree char *local = NULL;
  QdOrderLineInput input[] = { { "p1", 10 } };
  QdOrderLineInfo *line;
  QdOrderInfo *first;

  local = qd_store_queue_order (f->store, input, 1, NULL, NULL, &error);
  g_assert_no_error (error);

  orders = qd_store_list_orders (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 4);
  first = g_ptr_array_index (orders, 0);   /* newest first: the one just queued */
  g_assert_cmpstr (first->id, ==, local);
  g_assert_null (first->number);
  g_assert_cmpstr (first->status, ==, "queued");
  g_assert_true (first->is_local);
  g_assert_cmpstr (first->pending_mutation, ==, "order.submit");
  g_assert_cmpint (first->total_fen, ==, 15000);

  check_orders (f->store, &(QdOrderQuery) { .status = "held" }, "o3");
  check_orders (f->store, &(QdOrderQuery) { .from_date = "2026-11-01", .to_date = "2026-11-02" },
                "o2");
  check_orders (f->store, &(QdOrderQuery) { .to_date = "2026-10-31" }, "o1");
  check_orders (f->store, &(QdOrderQuery) { .text = "0002" }, "o2");
  check_orders (f->store, &(QdOrderQuery) { .text = "阿莫西林" }, "o3 o2");
  check_orders (f->store, &(QdOrderQuery) { .text = "amx-250" }, "o3 o2");
  check_orders (f->store, &(QdOrderQuery) { .limit = 2, .offset = 1 }, "o3 o2");
  check_orders (f->store, &(QdOrderQuery) { .dealer_id = "d2" }, "");

  detail = qd_store_get_order (f->store, "o3", &lines, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (detail->number, ==, "SO-2026-0003");
  g_assert_cmpstr (detail->held_reason, ==, "quantity");
  g_assert_cmpuint (detail->n_lines, ==, 1);
  g_assert_cmpuint (lines->len, ==, 1);
  line = g_ptr_array_index (lines, 0);
  g_assert_cmpstr (line->sku, ==, "AMX-250");
  g_assert_cmpstr (line->name, ==, "阿莫西林胶囊");
  g_assert_cmpint (line->unit_price_fen, ==, 2500);

  g_assert_null (qd_store_get_order (f->store, "o404", NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
}

static void
test_credit (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *local = NULL;
  QdCreditPosition pos;
  QdOrderLineInput input[] = { { "p1", 10 } };

  /* Last statement (2026-10) closes at 150000; since November: shipped o2 20000, paid 40000.
   * Not yet invoiced: held o3 5000. */
  g_assert_true (qd_store_get_credit_position (f->store, NULL, &pos, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pos.credit_limit_fen, ==, 10000000);
  g_assert_cmpint (pos.open_balance_fen, ==, 150000 + 20000 - 40000);
  g_assert_cmpint (pos.uninvoiced_fen, ==, 5000);
  g_assert_cmpint (pos.available_fen, ==, 10000000 - 130000 - 5000);

  /* A queued order counts at once. */
  local = qd_store_queue_order (f->store, input, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  qd_store_get_credit_position (f->store, "d1", &pos, &error);
  g_assert_cmpint (pos.uninvoiced_fen, ==, 5000 + 15000);
  g_assert_cmpint (pos.available_fen, ==, 10000000 - 130000 - 20000);

  g_assert_false (qd_store_get_credit_position (f->store, "d404", &pos, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
}

static void
test_statements (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(QdStatementInfo) st = NULL;
  QdStatementLineInfo *line;

  list = qd_store_list_statements (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((QdStatementInfo *) list->pdata[0])->period, ==, "2026-10");
  g_assert_null (((QdStatementInfo *) list->pdata[0])->pending_mutation);

  qd_store_confirm_statement (f->store, "s1", &error);
  g_assert_no_error (error);
  st = qd_store_get_statement (f->store, "s1", &lines, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (st->pending_mutation, ==, "statement.confirm");
  g_assert_cmpint (st->version, ==, 2);
  g_assert_cmpuint (lines->len, ==, 2);
  line = g_ptr_array_index (lines, 0);
  g_assert_cmpstr (line->kind, ==, "invoice");
  g_assert_cmpint (line->running_balance_fen, ==, 180000);
  line = g_ptr_array_index (lines, 1);
  g_assert_cmpint (line->running_balance_fen, ==, 150000);
}

static void
test_stock_reports (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(QdStockReportInfo) report = NULL;
  g_autofree char *id = NULL;
  QdStockLineInput input[] = { { "p1", 40, NULL, NULL }, { "p2", 5, "L1", "2027-01-31" } };

  apply_page (f->store,
              "[{\"entity\":\"stock_report\",\"op\":\"upsert\",\"id\":\"sr1\",\"data\":{"
              "\"dealer_id\":\"d1\",\"as_of\":\"2026-10-31\",\"lines\":[{\"product_id\":\"p1\","
              "\"qty\":12}]}}]", "c-sr", NULL, &error);
  g_assert_no_error (error);
  id = qd_store_report_stock (f->store, "2026-11-20", input, 2, &error);
  g_assert_no_error (error);

  list = qd_store_list_stock_reports (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((QdStockReportInfo *) list->pdata[0])->id, ==, id);
  g_assert_cmpstr (((QdStockReportInfo *) list->pdata[0])->status, ==, "queued");
  g_assert_cmpint (((QdStockReportInfo *) list->pdata[0])->total_qty, ==, 45);
  g_assert_cmpstr (((QdStockReportInfo *) list->pdata[1])->status, ==, "submitted");

  report = qd_store_get_stock_report (f->store, id, &lines, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (((QdStockLineInfo *) lines->pdata[1])->lot, ==, "L1");
  g_assert_cmpstr (((QdStockLineInfo *) lines->pdata[1])->expiry, ==, "2027-01-31");
  g_assert_cmpstr (((QdStockLineInfo *) lines->pdata[1])->sku, ==, "AMX-250");
}

static void
test_feed_entities (Fixture       *f,
                    gconstpointer  data)
{
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM payments"), ==, 2);
  g_assert_cmpint (sql_int (f->store, "SELECT amount_fen FROM targets WHERE id = 't1'"), ==,
                   500000);
  g_assert_cmpint (sql_int (f->store, "SELECT rate_bp FROM rebate_tiers WHERE policy_id = 'rp1' "
                                      "AND position = 1"), ==, 300);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, set_up_data, fn, fixture_tear_down)
  ADD ("/store/queries/orders", test_orders);
  ADD ("/store/queries/credit", test_credit);
  ADD ("/store/queries/statements", test_statements);
  ADD ("/store/queries/stock-reports", test_stock_reports);
  ADD ("/store/queries/feed-entities", test_feed_entities);
#undef ADD

  return g_test_run ();
}
