/* test-store-dashboard.c — bulk initial fill, purchase summaries and the dashboards
 *
 * A realistic data set (2 regions, 8 dealers, 40 products, two years of orders, monthly
 * targets and stock reports, statements, rebate policies) is generated and applied through
 * the feed API. Every dashboard figure is then compared with SQL the test computes itself
 * from the orders, targets and reports — never from the summary tables under test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>

#include "qd-dashboard.h"
#include "store-test-util.h"

#define TODAY "2026-11-24"
#define N_DEALERS 8
#define N_PRODUCTS 40

static const char *const categories[] = { "药品", "保健品", "器械", "食品" };
static const char *const statuses[] = {
  "completed", "completed", "completed", "completed", "shipped", "shipped",
  "submitted", "held", "approved", "cancelled", "rejected",
};

/* ---- the data set ---------------------------------------------------------------------- */

static void
add_change (GPtrArray  *changes,
            const char *entity,
            const char *id,
            const char *data_fmt,
            ...)
{
  g_autofree char *data = NULL;
  va_list args;

  va_start (args, data_fmt);
  data = g_strdup_vprintf (data_fmt, args);
  va_end (args);
  g_ptr_array_add (changes,
                   g_strdup_printf ("{\"entity\":\"%s\",\"op\":\"upsert\",\"id\":\"%s\","
                                    "\"data\":{\"id\":\"%s\",%s}}", entity, id, id, data));
}

static const char *
dealer_product (guint dealer,
                guint j)
{
  static char buf[16];

  g_snprintf (buf, sizeof buf, "p%02u", (dealer * 5 + j) % N_PRODUCTS);
  return buf;
}

static GPtrArray *
generate (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GPtrArray *changes = g_ptr_array_new_with_free_func (g_free);
  guint order_no = 0;

  add_change (changes, "region", "r_n", "\"name\":\"华北\"");
  add_change (changes, "region", "r_s", "\"name\":\"华南\"");
  for (guint d = 1; d <= N_DEALERS; d++)
    {
      g_autofree char *id = g_strdup_printf ("d%02u", d);

      add_change (changes, "dealer", id,
                  "\"name\":\"经销商%u\",\"level\":\"%s\",\"parent_id\":null,"
                  "\"region_id\":\"%s\",\"credit_limit_fen\":500000000,\"active\":true",
                  d, d % 2 ? "regional" : "provincial", d <= 6 ? "r_n" : "r_s");
    }
  /* Orders of the first dealers arrive before part of the catalog: their categories
   * are unknown until the products come. */
  for (guint i = 0; i < N_PRODUCTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%02u", i);

      add_change (changes, "product", id,
                  "\"sku\":\"SKU-%02u\",\"name\":\"维生素%u号片\",\"spec\":\"100片\","
                  "\"category\":\"%s\",\"unit\":\"盒\",\"pack_size\":%u,\"barcode\":\"69%08u\","
                  "\"mnemonic\":\"\",\"lot_tracked\":%s,\"active\":true",
                  i, i, categories[i % 4], i % 3 == 0 ? 10 : 1, i,
                  i % 5 == 0 ? "true" : "false");
    }
  for (guint d = 1; d <= N_DEALERS; d++)
    for (guint y = 2025; y <= 2026; y++)
      for (guint m = 1; m <= 12; m++)
        {
          g_autofree char *id = g_strdup_printf ("t%02u-%u-%02u", d, y, m);

          add_change (changes, "target", id,
                      "\"dealer_id\":\"d%02u\",\"period\":\"%u-%02u\",\"amount_fen\":%u",
                      d, y, m, 300000 + g_rand_int_range (rand, 0, 300000));
        }
  for (guint d = 1; d <= N_DEALERS; d++)
    for (guint ym = 2024 * 12 + 10; ym <= 2026 * 12 + 10; ym++)
      {
        guint y = ym / 12, m = ym % 12 + 1;
        guint n = g_rand_int_range (rand, 1, 4);

        for (guint k = 0; k < n; k++)
          {
            g_autoptr(GString) lines = g_string_new (NULL);
            guint day = g_rand_int_range (rand, 1, 29);
            guint n_lines = g_rand_int_range (rand, 1, 5);
            const char *status = statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
            g_autofree char *id = g_strdup_printf ("o%05u", ++order_no);
            gint64 total = 0;

            for (guint l = 0; l < n_lines; l++)
              {
                guint j = g_rand_int_range (rand, 0, 8);
                guint pack = ((d * 5 + j) % N_PRODUCTS) % 3 == 0 ? 10 : 1;
                gint64 qty = pack * g_rand_int_range (rand, 1, 30);
                gint64 price = g_rand_int_range (rand, 1000, 5000);

                g_string_append_printf (lines, "%s{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT
                                        ",\"unit_price_fen\":%" G_GINT64_FORMAT
                                        ",\"total_fen\":%" G_GINT64_FORMAT "}",
                                        l ? "," : "", dealer_product (d, j), qty, price,
                                        qty * price);
                total += qty * price;
              }
            add_change (changes, "order", id,
                        "\"number\":\"SO-%05u\",\"dealer_id\":\"d%02u\",\"status\":\"%s\","
                        "\"created_at\":\"%u-%02u-%02uT%02u:00:00Z\",\"client_order_id\":null,"
                        "\"note\":\"\",\"total_fen\":%" G_GINT64_FORMAT ",\"lines\":[%s]",
                        order_no, d, status, y, m, day, g_rand_int_range (rand, 0, 24), total,
                        lines->str);
          }
      }
  /* After "today": never counted. */
  add_change (changes, "order", "o-future",
              "\"number\":\"SO-F\",\"dealer_id\":\"d01\",\"status\":\"completed\","
              "\"created_at\":\"2026-11-25T08:00:00Z\",\"total_fen\":99900,"
              "\"lines\":[{\"product_id\":\"p05\",\"qty\":1,\"unit_price_fen\":99900,"
              "\"total_fen\":99900}]");

  /* Monthly stock reports on the 15th, a year of them; lot-tracked products in two lots. */
  for (guint d = 1; d <= N_DEALERS; d++)
    for (guint ym = 2025 * 12 + 10; ym <= 2026 * 12 + 10; ym++)
      {
        g_autoptr(GString) lines = g_string_new (NULL);
        g_autofree char *id = g_strdup_printf ("sr%02u-%u", d, ym);

        for (guint j = 0; j < 8; j++)
          {
            const char *pid = dealer_product (d, j);
            guint pnum = (d * 5 + j) % N_PRODUCTS;

            if (j == 7 && ym % 3 == 0)
              continue;   /* sometimes sold out: not in the report */
            if (pnum % 5 == 0)
              {
                static const char *const expiries[] = {
                  "2026-11-01", "2026-12-04", "2027-01-08", "2027-02-10", "2027-09-30",
                };

                g_string_append_printf (lines,
                                        "%s{\"product_id\":\"%s\",\"qty\":%u,\"lot\":\"L1\","
                                        "\"expiry\":\"%s\"},{\"product_id\":\"%s\",\"qty\":%u,"
                                        "\"lot\":\"L2\",\"expiry\":\"%s\"}",
                                        lines->len ? "," : "", pid,
                                        g_rand_int_range (rand, 0, 100),
                                        expiries[g_rand_int_range (rand, 0, 5)], pid,
                                        g_rand_int_range (rand, 0, 100),
                                        expiries[g_rand_int_range (rand, 0, 5)]);
              }
            else
              g_string_append_printf (lines, "%s{\"product_id\":\"%s\",\"qty\":%u}",
                                      lines->len ? "," : "", pid,
                                      g_rand_int_range (rand, 0, 300));
          }
        add_change (changes, "stock_report", id,
                    "\"dealer_id\":\"d%02u\",\"as_of\":\"%u-%02u-15\",\"lines\":[%s]",
                    d, ym / 12, ym % 12 + 1, lines->str);
      }

  for (guint d = 1; d <= N_DEALERS; d++)
    for (guint m = 8; m <= 10; m++)
      {
        static const char *const st[] = { "issued", "confirmed", "disputed" };
        g_autofree char *id = g_strdup_printf ("st%02u-%u", d, m);

        add_change (changes, "statement", id,
                    "\"dealer_id\":\"d%02u\",\"period\":\"2026-%02u\",\"version\":1,"
                    "\"status\":\"%s\",\"opening_balance_fen\":0,\"closing_balance_fen\":%u,"
                    "\"lines\":[]",
                    d, m, st[g_rand_int_range (rand, 0, 3)], g_rand_int_range (rand, 0, 900000));
      }
  for (guint d = 1; d <= N_DEALERS; d++)
    {
      g_autofree char *id = g_strdup_printf ("pay%02u", d);

      add_change (changes, "payment", id,
                  "\"dealer_id\":\"d%02u\",\"date\":\"2026-11-05\",\"amount_fen\":%u,"
                  "\"method\":\"transfer\",\"ref\":\"\"", d, g_rand_int_range (rand, 0, 500000));
    }
  add_change (changes, "rebate_policy", "rp-r", "\"level\":\"regional\",\"period\":\"2026-Q4\","
              "\"tiers\":[{\"threshold_fen\":1000000,\"rate_bp\":100},"
              "{\"threshold_fen\":3000000,\"rate_bp\":200},"
              "{\"threshold_fen\":6000000,\"rate_bp\":300}]");
  add_change (changes, "rebate_policy", "rp-p", "\"level\":\"provincial\",\"period\":\"2026-Q4\","
              "\"tiers\":[{\"threshold_fen\":2000000,\"rate_bp\":150},"
              "{\"threshold_fen\":5000000,\"rate_bp\":250}]");
  return changes;
}

/* Applies @changes in pages of @page_size, as the sync engine does. */
static void
apply_all (QdStore   *store,
           GPtrArray *changes,
           guint      page_size)
{
  for (guint first = 0; first < changes->len; first += page_size)
    {
      g_autoptr(GString) page = g_string_new ("[");
      g_autoptr(GError) error = NULL;
      g_autofree char *cursor = g_strdup_printf ("c%u", first);

      for (guint i = first; i < MIN (first + page_size, changes->len); i++)
        {
          if (i > first)
            g_string_append_c (page, ',');
          g_string_append (page, changes->pdata[i]);
        }
      g_string_append_c (page, ']');
      apply_page (store, page->str, cursor, NULL, &error);
      g_assert_no_error (error);
    }
}

/* ---- independent SQL ------------------------------------------------------------------- */

/* One integer from SQL with text parameters ?1, ?2, … (NULL-terminated). */
static gint64
q_int (QdStore    *store,
       const char *sql,
       ...)
{
  sqlite3_stmt *stmt = NULL;
  const char *arg;
  gint64 value = 0;
  va_list args;
  int i = 1;

  g_assert_cmpint (sqlite3_prepare_v2 (_qd_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  va_start (args, sql);
  while ((arg = va_arg (args, const char *)) != NULL)
    sqlite3_bind_text (stmt, i++, arg, -1, SQLITE_TRANSIENT);
  va_end (args);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

#define PURCHASES_SQL \
  "SELECT coalesce (sum (total_fen), 0) FROM orders WHERE status IN ('shipped', 'completed') " \
  "AND substr (created_at, 1, 10) BETWEEN ?2 AND ?3 AND dealer_id IN " \
  "(SELECT id FROM dealers WHERE ?1 IS NULL OR id = ?1 OR region_id = ?1)"
#define TARGET_SQL \
  "SELECT coalesce (sum (amount_fen), 0) FROM targets WHERE period BETWEEN ?2 AND ?3 " \
  "AND dealer_id IN (SELECT id FROM dealers WHERE ?1 IS NULL OR id = ?1 OR region_id = ?1)"

static gint64
purchases (QdStore    *store,
           const char *scope,
           const char *from,
           const char *to)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  /* q_int stops at the first NULL: bind by hand for a NULL scope. */
  g_assert_cmpint (sqlite3_prepare_v2 (_qd_store_get_db (store), PURCHASES_SQL, -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  _qd_bind_text (stmt, 1, scope);
  sqlite3_bind_text (stmt, 2, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, to, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gint64
target (QdStore    *store,
        const char *scope,
        const char *from,
        const char *to)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (_qd_store_get_db (store), TARGET_SQL, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  _qd_bind_text (stmt, 1, scope);
  sqlite3_bind_text (stmt, 2, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, to, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* The figures of a period [from, TODAY] against the hand-computed ones. */
static void
check_figures (QdStore                 *store,
               const QdPurchaseFigures *f,
               const char              *scope,
               const char              *from,
               const char              *ly_from,
               const char              *first_month,
               const char              *last_month,
               gint64                   to_date_target)
{
  gint64 cur = purchases (store, scope, from, TODAY);
  gint64 ly = purchases (store, scope, ly_from, "2025-11-24");
  gint64 tgt = target (store, scope, first_month, last_month);

  g_assert_cmpint (f->purchases_fen, ==, cur);
  g_assert_cmpint (f->last_year_fen, ==, ly);
  g_assert_cmpint (f->target_fen, ==, tgt);
  g_assert_cmpint (f->target_to_date_fen, ==, to_date_target);
  if (tgt > 0)
    g_assert_cmpint (f->attainment_bp, ==, cur * 10000 / tgt);
  else
    g_assert_cmpint (f->attainment_bp, ==, -1);
  g_assert_cmpint (f->has_growth, ==, ly > 0);
  if (ly > 0)
    g_assert_cmpint (f->growth_bp, ==, (cur - ly) * 10000 / ly);
}

/* The target to date: months before November whole, November for 24 of its 30 days. */
static gint64
target_to_date (QdStore    *store,
                const char *scope,
                const char *first_month)
{
  return target (store, scope, first_month, "2026-10")
         + target (store, scope, "2026-11", "2026-11") * 24 / 30;
}

/* The summary tables equal their definition, recomputed from the orders. */
static void
check_summaries (QdStore *store)
{
  g_assert_cmpint (q_int (store, "SELECT count (*) FROM purchases_daily WHERE orders > 0",
                          NULL), >, 100);
  g_assert_cmpint (q_int (store,
    "SELECT count (*) FROM ("
    " SELECT dealer_id, day, amount_fen, orders FROM purchases_daily WHERE orders <> 0"
    " EXCEPT SELECT dealer_id, substr (created_at, 1, 10), sum (total_fen), count (*)"
    "  FROM orders WHERE status IN ('shipped', 'completed') GROUP BY 1, 2)", NULL), ==, 0);
  g_assert_cmpint (q_int (store,
    "SELECT count (*) FROM ("
    " SELECT dealer_id, substr (created_at, 1, 10), sum (total_fen), count (*)"
    "  FROM orders WHERE status IN ('shipped', 'completed') GROUP BY 1, 2"
    " EXCEPT SELECT dealer_id, day, amount_fen, orders FROM purchases_daily)", NULL), ==, 0);
  g_assert_cmpint (q_int (store,
    "SELECT count (*) FROM ("
    " SELECT dealer_id, month, category, amount_fen, lines FROM purchases_category_monthly"
    "  WHERE lines <> 0"
    " EXCEPT SELECT o.dealer_id, substr (o.created_at, 1, 7), coalesce (p.category, ''),"
    "  sum (l.total_fen), count (*) FROM orders o JOIN order_lines l ON l.order_id = o.id"
    "  LEFT JOIN products p ON p.id = l.product_id"
    "  WHERE o.status IN ('shipped', 'completed') GROUP BY 1, 2, 3)", NULL), ==, 0);
  g_assert_cmpint (q_int (store,
    "SELECT count (*) FROM ("
    " SELECT o.dealer_id, substr (o.created_at, 1, 7), coalesce (p.category, ''),"
    "  sum (l.total_fen), count (*) FROM orders o JOIN order_lines l ON l.order_id = o.id"
    "  LEFT JOIN products p ON p.id = l.product_id"
    "  WHERE o.status IN ('shipped', 'completed') GROUP BY 1, 2, 3"
    " EXCEPT SELECT dealer_id, month, category, amount_fen, lines"
    "  FROM purchases_category_monthly)", NULL), ==, 0);
}

/* ---- tests ----------------------------------------------------------------------------- */

static void
test_bulk_fill_equals_incremental (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = generate ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path2 = g_build_filename (f->dir, "incremental.sqlite", NULL);
  g_autoptr(QdStore) incremental = qd_store_open (path2, &error);
  static const char *const texts[] = { "维生素", "片", "12号", "sku-0", "wss" };

  g_assert_no_error (error);
  /* A cursor before the first page: every page is applied change by change. */
  qd_store_set_meta (incremental, "cursor", "c-start", &error);
  g_assert_no_error (error);

  apply_all (f->store, changes, 97);
  apply_all (incremental, changes, 97);
  g_assert_true (qd_store_is_bulk_pending (f->store));
  g_assert_false (qd_store_is_bulk_pending (incremental));

  /* In bulk, the search index was left alone and the secondary indexes dropped… */
  g_assert_cmpint (sql_int (f->store, "SELECT count (*) FROM sqlite_master WHERE type = 'index' "
                                      "AND name IN ('order_lines_product', 'orders_dealer')"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count (*) FROM products_fts "
                                      "WHERE products_fts MATCH '维生素'"), ==, 0);
  /* …until the sync ends. */
  qd_store_set_last_sync (f->store, 1, &error);
  g_assert_no_error (error);
  g_assert_false (qd_store_is_bulk_pending (f->store));
  g_assert_cmpint (sql_int (f->store, "SELECT count (*) FROM products_fts "
                                      "WHERE products_fts MATCH '维生素'"), ==, N_PRODUCTS);
  g_assert_cmpint (sql_int (f->store, "SELECT count (*) FROM sqlite_master WHERE type = 'index' "
                                      "AND name IN ('order_lines_product', 'orders_dealer')"), ==, 2);

  check_summaries (f->store);
  check_summaries (incremental);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      QdProductQuery query = { .text = texts[i], .limit = 100 };
      g_autoptr(GArray) a = qd_store_search_rowids (f->store, &query, NULL, &error);
      g_autoptr(GArray) b = NULL;

      g_assert_no_error (error);
      b = qd_store_search_rowids (incremental, &query, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (a->len, >, 0);
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_cmpmem (a->data, a->len * sizeof (gint64), b->data, b->len * sizeof (gint64));
    }
  g_assert_finalize_object (g_steal_pointer (&incremental));
}

static void
test_bulk_lifecycle (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = generate ();
  g_autoptr(GError) error = NULL;
  QdProductQuery query = { .text = "维生素", .limit = 100 };
  g_autoptr(GArray) found = NULL;

  apply_all (f->store, changes, 500);
  g_assert_true (qd_store_is_bulk_pending (f->store));

  /* A crash: the next process finds the fill unfinished and goes on with it. */
  g_assert_finalize_object (g_steal_pointer (&f->store));
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (qd_store_is_bulk_pending (f->store));
  apply_page (f->store,
              "[{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p99\",\"data\":{"
              "\"sku\":\"SKU-99\",\"name\":\"维生素九九片\",\"category\":\"食品\"}}]",
              "c-more", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (qd_store_is_bulk_pending (f->store));

  /* A reader ends it: the search is complete. */
  found = qd_store_search_rowids (f->store, &query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, N_PRODUCTS + 1);
  g_assert_false (qd_store_is_bulk_pending (f->store));
  check_summaries (f->store);

  /* From now on pages are incremental, and keep the index and summaries right. */
  apply_page (f->store,
              "[{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p98\",\"data\":{"
              "\"sku\":\"SKU-98\",\"name\":\"维生素九八片\",\"category\":\"食品\"}},"
              "{\"entity\":\"order\",\"op\":\"delete\",\"id\":\"o00001\"}]",
              "c-more2", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (qd_store_is_bulk_pending (f->store));
  g_clear_pointer (&found, g_array_unref);
  found = qd_store_search_rowids (f->store, &query, NULL, &error);
  g_assert_cmpuint (found->len, ==, N_PRODUCTS + 2);
  check_summaries (f->store);

  /* A reset (410) empties everything, also in the middle of a fill; the refill is a bulk
   * fill again. */
  apply_page (f->store, "[]", "c-more3", NULL, &error);
  g_assert_no_error (error);
  qd_store_reset_feed (f->store, &error);
  g_assert_no_error (error);
  apply_page (f->store, "[]", "c-empty", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (qd_store_is_bulk_pending (f->store));
  qd_store_reset_feed (f->store, &error);
  g_assert_cmpint (sql_int (f->store, "SELECT count (*) FROM sqlite_master WHERE type = 'index' "
                                      "AND name IN ('order_lines_product', 'orders_dealer')"), ==, 2);
  g_assert_no_error (error);
  g_assert_false (qd_store_is_bulk_pending (f->store));
  g_assert_cmpint (sql_int (f->store, "SELECT count (*) FROM purchases_daily"), ==, 0);
  apply_all (f->store, changes, 500);
  g_assert_true (qd_store_is_bulk_pending (f->store));
  qd_store_end_bulk (f->store, &error);
  g_assert_no_error (error);
  {
    g_autofree char *check = sql_text (f->store, "PRAGMA integrity_check");

    g_assert_cmpstr (check, ==, "ok");
  }
  check_summaries (f->store);
}

/* The app reads while the sync engine (another connection) fills: the reader must not end
 * the fill under it; the filler's own reader, or the end of the sync, does. */
static void
test_bulk_other_connection (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = generate ();
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) app = qd_store_open (f->path, &error);
  QdProductQuery query = { .text = "维生素", .limit = 100 };
  g_autoptr(GArray) found = NULL;

  g_assert_no_error (error);
  apply_all (f->store, changes, 500);

  found = qd_store_search_rowids (app, &query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);   /* the partial cache, not yet indexed */
  g_assert_true (qd_store_is_bulk_pending (app));
  /* The other pages work on the partial cache, without the indexes the fill dropped. */
  {
    QdOrderQuery orders_query = { .text = "SO-0001", .dealer_id = "d01", .limit = 50 };
    QdManagerDashboardQuery manager_query = { .today = TODAY };
    g_autoptr(GPtrArray) orders = qd_store_list_orders (app, &orders_query, &error);
    g_autoptr(QdManagerDashboard) dash = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (orders->len, >, 0);
    dash = qd_store_manager_dashboard (app, &manager_query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (dash->n_dealers, ==, N_DEALERS);
    g_assert_true (qd_store_is_bulk_pending (app));
  }

  qd_store_set_last_sync (f->store, 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&found, g_array_unref);
  found = qd_store_search_rowids (app, &query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, N_PRODUCTS);

  /* A fill stopped long ago (its mark more than a minute old): the reader ends it. */
  qd_store_reset_feed (f->store, &error);
  g_assert_no_error (error);
  apply_all (f->store, changes, 500);
  qd_store_set_meta (f->store, "bulk_fill", "1000", &error);
  g_assert_no_error (error);
  g_clear_pointer (&found, g_array_unref);
  found = qd_store_search_rowids (app, &query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, N_PRODUCTS);
  g_assert_false (qd_store_is_bulk_pending (f->store));
  check_summaries (app);
  g_assert_finalize_object (g_steal_pointer (&app));
}

static void
test_summaries_follow_changes (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = generate ();
  g_autoptr(GError) error = NULL;
  static const char *const pages[] = {
    /* shipped → cancelled, and a new line on a completed order */
    "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o00001\",\"data\":{\"dealer_id\":\"d01\","
    "\"status\":\"cancelled\",\"created_at\":\"2024-11-02T08:00:00Z\",\"total_fen\":5,"
    "\"lines\":[{\"product_id\":\"p05\",\"qty\":1,\"unit_price_fen\":5,\"total_fen\":5}]}},"
    "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o00002\",\"data\":{\"dealer_id\":\"d01\","
    "\"status\":\"completed\",\"created_at\":\"2026-11-02T08:00:00Z\",\"total_fen\":700,"
    "\"lines\":[{\"product_id\":\"p05\",\"qty\":1,\"unit_price_fen\":300,\"total_fen\":300},"
    "{\"product_id\":\"p-new\",\"qty\":2,\"unit_price_fen\":200,\"total_fen\":400}]}}]",
    /* the unknown product arrives; another changes category; one is deleted */
    "[{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p-new\",\"data\":{\"sku\":\"NEW\","
    "\"name\":\"新品\",\"category\":\"器械\"}},"
    "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p06\",\"data\":{\"sku\":\"SKU-06\","
    "\"name\":\"维生素6号片\",\"category\":\"日用品\"}},"
    "{\"entity\":\"product\",\"op\":\"delete\",\"id\":\"p07\"}]",
    /* an order deleted, one approved → shipped, one moved to another dealer and month */
    "[{\"entity\":\"order\",\"op\":\"delete\",\"id\":\"o00003\"},"
    "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o00004\",\"data\":{\"dealer_id\":\"d02\","
    "\"status\":\"shipped\",\"created_at\":\"2026-10-31T23:59:59Z\",\"total_fen\":1000,"
    "\"lines\":[{\"product_id\":\"p10\",\"qty\":10,\"unit_price_fen\":100,\"total_fen\":1000}]}}]",
  };

  apply_all (f->store, changes, 400);
  qd_store_end_bulk (f->store, &error);
  g_assert_no_error (error);
  check_summaries (f->store);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *cursor = g_strdup_printf ("c-change-%u", i);

      apply_page (f->store, pages[i], cursor, NULL, &error);
      g_assert_no_error (error);
      check_summaries (f->store);
    }
  /* A mutation result goes through the same path. */
  {
    g_autoptr(JsonObject) entity = object_from_string (
      "{\"id\":\"o00005\",\"dealer_id\":\"d03\",\"status\":\"completed\","
      "\"created_at\":\"2026-11-20T08:00:00Z\",\"total_fen\":1,"
      "\"lines\":[{\"product_id\":\"p01\",\"qty\":1,\"unit_price_fen\":1,\"total_fen\":1}]}");

    g_assert_true (_qd_store_begin (f->store, &error));
    g_assert_true (_qd_store_apply_entity (f->store, QD_ENTITY_KIND_ORDER, "upsert", "o00005",
                                           entity, &error));
    g_assert_true (_qd_store_commit (f->store, &error));
    check_summaries (f->store);
  }
}

static void
test_manager_dashboard (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = generate ();
  g_autoptr(GError) error = NULL;
  static const char *const scopes[] = { "r_n", NULL };

  apply_all (f->store, changes, 300);

  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    {
      const char *scope = scopes[s];
      QdManagerDashboardQuery query = { .region_id = scope, .today = TODAY };
      g_autoptr(QdManagerDashboard) dash = qd_store_manager_dashboard (f->store, &query, &error);
      guint behind = 0, held = 0, disputed = 0, overdue = 0;
      gint64 category_total = 0;

      g_assert_no_error (error);
      g_assert_cmpuint (dash->n_dealers, ==, scope != NULL ? 6 : N_DEALERS);
      /* Figures worth comparing: purchases, a growth, a target. */
      g_assert_cmpint (dash->year.purchases_fen, >, 0);
      g_assert_true (dash->year.has_growth);
      g_assert_cmpint (dash->year.attainment_bp, >, 0);
      g_assert_cmpuint (dash->dealers->len, ==, dash->n_dealers);

      check_figures (f->store, &dash->month, scope, "2026-11-01", "2025-11-01", "2026-11",
                     "2026-11", target_to_date (f->store, scope, "2026-11"));
      check_figures (f->store, &dash->quarter, scope, "2026-10-01", "2025-10-01", "2026-10",
                     "2026-12", target_to_date (f->store, scope, "2026-10"));
      check_figures (f->store, &dash->year, scope, "2026-01-01", "2025-01-01", "2026-01",
                     "2026-12", target_to_date (f->store, scope, "2026-01"));

      /* 24 months: 2024-12 … 2026-11 */
      g_assert_cmpuint (dash->series->len, ==, 24);
      for (guint i = 0; i < 24; i++)
        {
          QdMonthFigures *m = dash->series->pdata[i];
          g_autofree char *from = g_strdup_printf ("%s-01", m->month);
          g_autofree char *to = g_strdup_printf ("%s-31", m->month);

          g_assert_cmpstr (m->month, ==, i == 0 ? "2024-12" : m->month);
          g_assert_cmpint (m->purchases_fen, ==,
                           purchases (f->store, scope, from,
                                      strcmp (to, TODAY) < 0 ? to : TODAY));
          g_assert_cmpint (m->target_fen, ==, target (f->store, scope, m->month, m->month));
        }
      g_assert_cmpstr (((QdMonthFigures *) dash->series->pdata[23])->month, ==, "2026-11");

      for (guint i = 0; i < dash->dealers->len; i++)
        {
          QdDealerRow *row = dash->dealers->pdata[i];
          g_autofree char *last = NULL;
          g_autofree char *sql_last = g_strdup_printf (
            "SELECT max (created_at) FROM orders WHERE dealer_id = '%s'", row->dealer_id);
          QdCreditPosition credit;

          check_figures (f->store, &row->year, row->dealer_id, "2026-01-01", "2025-01-01",
                         "2026-01", "2026-12", target_to_date (f->store, row->dealer_id,
                                                               "2026-01"));
          g_assert_cmpint (row->behind_target, ==,
                           row->year.purchases_fen < row->year.target_to_date_fen);
          behind += row->behind_target;
          last = sql_text (f->store, sql_last);
          g_assert_cmpstr (row->last_order_at, ==, last);
          g_assert_cmpint (row->held_orders, ==,
                           q_int (f->store, "SELECT count (*) FROM orders WHERE dealer_id = ?1 "
                                  "AND status = 'held'", row->dealer_id, NULL));
          held += row->held_orders;
          g_assert_cmpint (row->statements_disputed, ==,
                           q_int (f->store, "SELECT count (*) FROM statements WHERE "
                                  "dealer_id = ?1 AND status = 'disputed'", row->dealer_id,
                                  NULL));
          /* issued, and 2026-11-14 (today − 10 days) lies after the period's month */
          g_assert_cmpint (row->statements_overdue, ==,
                           q_int (f->store, "SELECT count (*) FROM statements WHERE "
                                  "dealer_id = ?1 AND status = 'issued' AND period < '2026-11'",
                                  row->dealer_id, NULL));
          disputed += row->statements_disputed;
          overdue += row->statements_overdue;
          g_assert_true (qd_store_get_credit_position (f->store, row->dealer_id, &credit,
                                                       &error));
          g_assert_cmpint (row->credit_used_fen, ==,
                           credit.open_balance_fen + credit.uninvoiced_fen);
          /* Independent credit: the last statement's closing balance + invoiced since its
           * period − paid since + open orders. */
          g_assert_cmpint (row->credit_used_fen, ==,
                           q_int (f->store,
                                  "SELECT (SELECT closing_balance_fen FROM statements "
                                  "  WHERE dealer_id = ?1 AND period = '2026-10')"
                                  " + (SELECT coalesce (sum (total_fen), 0) FROM orders "
                                  "  WHERE dealer_id = ?1 AND status IN ('shipped', 'completed')"
                                  "  AND created_at >= '2026-11')"
                                  " - (SELECT coalesce (sum (amount_fen), 0) FROM payments "
                                  "  WHERE dealer_id = ?1 AND date >= '2026-11')"
                                  " + (SELECT coalesce (sum (total_fen), 0) FROM orders "
                                  "  WHERE dealer_id = ?1 AND status IN ('submitted', 'held',"
                                  "  'approved'))", row->dealer_id, NULL));
          g_assert_cmpstr (row->stock_as_of, ==, "2026-11-15");
          g_assert_cmpint (row->stock_on_hand, ==,
                           q_int (f->store, "SELECT sum (qty) FROM stock_report_lines l "
                                  "JOIN stock_reports r ON r.id = l.report_id "
                                  "WHERE r.dealer_id = ?1 AND r.as_of = '2026-11-15'",
                                  row->dealer_id, NULL));
          g_assert_cmpstr (row->statement_period, ==, "2026-10");
          /* The dealer's stock as a whole: per product of either report, never negative. */
          {
            g_autofree char *r0 = g_strdup_printf ("sr%s-%u", row->dealer_id + 1, 2026 * 12 + 9);
            g_autofree char *r1 = g_strdup_printf ("sr%s-%u", row->dealer_id + 1, 2026 * 12 + 10);
            gint64 sold = q_int (f->store,
              "WITH p AS (SELECT DISTINCT product_id FROM stock_report_lines "
              "  WHERE report_id IN (?2, ?3)), "
              "q AS (SELECT "
              " (SELECT coalesce (sum (qty), 0) FROM stock_report_lines "
              "   WHERE report_id = ?2 AND product_id = p.product_id) AS q0, "
              " (SELECT coalesce (sum (qty), 0) FROM stock_report_lines "
              "   WHERE report_id = ?3 AND product_id = p.product_id) AS q1, "
              " (SELECT coalesce (sum (l.qty), 0) FROM orders o "
              "   JOIN order_lines l ON l.order_id = o.id WHERE o.dealer_id = ?1 "
              "   AND l.product_id = p.product_id AND o.status IN ('shipped', 'completed') "
              "   AND substr (o.created_at, 1, 10) > '2026-10-15' "
              "   AND substr (o.created_at, 1, 10) <= '2026-11-15') AS r FROM p) "
              "SELECT sum (max (q0 + r - q1, 0)) FROM q", row->dealer_id, r0, r1, NULL);

            g_assert_cmpint (sold, >, 0);
            g_assert_cmpint (row->stock_cover.kind, ==, QD_COVER_DAYS);
            g_assert_cmpint (row->stock_cover.days, ==, row->stock_on_hand * 31 / sold);
          }
          if (i > 0)
            {
              QdDealerRow *prev = dash->dealers->pdata[i - 1];

              g_assert_cmpint (prev->year.attainment_bp, >=, row->year.attainment_bp);
            }
        }
      g_assert_cmpuint (dash->dealers_behind_target, ==, behind);
      g_assert_cmpuint (dash->held_orders, ==, held);
      g_assert_cmpuint (dash->statements_disputed, ==, disputed);
      g_assert_cmpuint (dash->statements_overdue, ==, overdue);

      /* Category mix: the year's months through November, straight from the lines. */
      g_assert_cmpuint (dash->categories->len, ==, 4);
      for (guint i = 0; i < dash->categories->len; i++)
        {
          QdCategoryFigures *c = dash->categories->pdata[i];
          sqlite3_stmt *stmt = NULL;

          g_assert_cmpint (sqlite3_prepare_v2 (_qd_store_get_db (f->store),
            "SELECT coalesce (sum (l.total_fen), 0) FROM orders o "
            "JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
            "WHERE o.status IN ('shipped', 'completed') AND p.category = ?2 "
            "AND substr (o.created_at, 1, 7) BETWEEN '2026-01' AND '2026-11' "
            "AND o.dealer_id IN (SELECT id FROM dealers WHERE ?1 IS NULL OR region_id = ?1)",
            -1, &stmt, NULL), ==, SQLITE_OK);
          _qd_bind_text (stmt, 1, scope);
          sqlite3_bind_text (stmt, 2, c->category, -1, SQLITE_STATIC);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          g_assert_cmpint (c->purchases_fen, ==, sqlite3_column_int64 (stmt, 0));
          sqlite3_finalize (stmt);
          category_total += c->purchases_fen;
          if (i > 0)
            g_assert_cmpint (((QdCategoryFigures *) dash->categories->pdata[i - 1])->purchases_fen,
                             >=, c->purchases_fen);
        }
      /* Whole months: November includes the orders after today. Lines add up to orders. */
      g_assert_cmpint (category_total, ==,
                       purchases (f->store, scope, "2026-01-01", "2026-11-30"));
    }

  /* A manager of 华北 sees no dealer of 华南. */
  {
    QdManagerDashboardQuery query = { .region_id = "r_n", .today = TODAY };
    g_autoptr(QdManagerDashboard) dash = qd_store_manager_dashboard (f->store, &query, &error);

    for (guint i = 0; i < dash->dealers->len; i++)
      g_assert_cmpstr (((QdDealerRow *) dash->dealers->pdata[i])->region_id, ==, "r_n");
  }
}

static void
test_dealer_dashboard (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = generate ();
  g_autoptr(GError) error = NULL;

  guint n_reorder = 0, n_cover_days = 0;

  apply_all (f->store, changes, 300);
  qd_store_set_meta (f->store, QD_STORE_META_DEALER_ID, "d01", &error);
  g_assert_no_error (error);

  for (guint d = 1; d <= N_DEALERS; d++)
    {
      g_autofree char *dealer = g_strdup_printf ("d%02u", d);
      QdDealerDashboardQuery query = { .dealer_id = d == 1 ? NULL : dealer, .today = TODAY };
      g_autoptr(QdDealerDashboard) dash = qd_store_dealer_dashboard (f->store, &query, &error);
      g_autofree char *latest_report = g_strdup_printf ("sr%02u-%u", d, 2026 * 12 + 10);
      gint64 quarter;

      g_assert_no_error (error);
      g_assert_cmpstr (dash->dealer_id, ==, dealer);
      check_figures (f->store, &dash->month, dealer, "2026-11-01", "2025-11-01", "2026-11",
                     "2026-11", target_to_date (f->store, dealer, "2026-11"));
      check_figures (f->store, &dash->quarter, dealer, "2026-10-01", "2025-10-01", "2026-10",
                     "2026-12", target_to_date (f->store, dealer, "2026-10"));
      check_figures (f->store, &dash->year, dealer, "2026-01-01", "2025-01-01", "2026-01",
                     "2026-12", target_to_date (f->store, dealer, "2026-01"));

      /* Rebate over the quarter to date, with the policy of the dealer's level. */
      quarter = purchases (f->store, dealer, "2026-10-01", TODAY);
      g_assert_cmpstr (dash->rebate_period, ==, "2026-Q4");
      g_assert_cmpstr (dash->rebate_policy_id, ==, d % 2 ? "rp-r" : "rp-p");
      g_assert_cmpint (dash->rebate.amount_fen, ==, quarter);

      g_assert_cmpstr (dash->stock_as_of, ==, "2026-11-15");
      g_assert_cmpuint (dash->stock->len, >=, 7);
      n_reorder += dash->n_reorder;
      g_assert_cmpuint (dash->stock->len, ==,
                        q_int (f->store, "SELECT count (DISTINCT product_id) FROM "
                               "stock_report_lines WHERE report_id = ?1", latest_report,
                               NULL));
      for (guint i = 0; i < dash->stock->len; i++)
        {
          QdStockCoverRow *row = dash->stock->pdata[i];
          g_autofree char *latest = g_strdup_printf ("sr%02u-%u", d, 2026 * 12 + 10);
          g_autofree char *before = g_strdup_printf ("sr%02u-%u", d, 2026 * 12 + 9);
          gint64 q0, q1, received, sold;

          q1 = q_int (f->store, "SELECT sum (qty) FROM stock_report_lines WHERE report_id = ?1 "
                      "AND product_id = ?2", latest, row->product_id, NULL);
          q0 = q_int (f->store, "SELECT coalesce (sum (qty), 0) FROM stock_report_lines "
                      "WHERE report_id = ?1 AND product_id = ?2", before, row->product_id, NULL);
          received = q_int (f->store, "SELECT coalesce (sum (l.qty), 0) FROM orders o "
                            "JOIN order_lines l ON l.order_id = o.id WHERE o.dealer_id = ?1 "
                            "AND l.product_id = ?2 AND o.status IN ('shipped', 'completed') "
                            "AND substr (o.created_at, 1, 10) > '2026-10-15' "
                            "AND substr (o.created_at, 1, 10) <= '2026-11-15'",
                            dealer, row->product_id, NULL);
          sold = MAX (q0 + received - q1, 0);
          g_assert_cmpint (row->on_hand, ==, q1);
          g_assert_true (row->has_rate);
          g_assert_cmpint (row->rate.sold, ==, sold);
          g_assert_cmpint (row->rate.days, ==, 31);
          if (sold > 0)
            {
              n_cover_days++;
              g_assert_cmpint (row->cover.kind, ==, QD_COVER_DAYS);
              g_assert_cmpint (row->cover.days, ==, q1 * 31 / sold);
            }
          g_assert_cmpint (row->on_order, ==,
                           q_int (f->store, "SELECT coalesce (sum (l.qty), 0) FROM orders o "
                                  "JOIN order_lines l ON l.order_id = o.id WHERE o.dealer_id = ?1 "
                                  "AND l.product_id = ?2 AND (o.status IN ('submitted', 'held', "
                                  "'approved') OR (o.status IN ('shipped', 'completed') AND "
                                  "substr (o.created_at, 1, 10) > '2026-11-15' AND "
                                  "substr (o.created_at, 1, 10) <= ?3))",
                                  dealer, row->product_id, TODAY, NULL));
          g_assert_cmpint (row->expiring_30, ==,
                           q_int (f->store, "SELECT coalesce (sum (qty), 0) FROM "
                                  "stock_report_lines WHERE report_id = ?1 AND product_id = ?2 "
                                  "AND expiry <= '2026-12-24'", latest, row->product_id, NULL));
          g_assert_cmpint (row->expiring_60, ==,
                           q_int (f->store, "SELECT coalesce (sum (qty), 0) FROM "
                                  "stock_report_lines WHERE report_id = ?1 AND product_id = ?2 "
                                  "AND expiry <= '2027-01-23'", latest, row->product_id, NULL));
          g_assert_cmpint (row->expiring_90, ==,
                           q_int (f->store, "SELECT coalesce (sum (qty), 0) FROM "
                                  "stock_report_lines WHERE report_id = ?1 AND product_id = ?2 "
                                  "AND expiry <= '2027-02-22'", latest, row->product_id, NULL));
          /* Reports 2025-11-15 … 2026-11-15: November 2025 (16–30, 15 days), December …
           * October whole, November 2026 (1–15): at most 13 months, fewer for a product
           * missing from some report. */
          g_assert_cmpuint (row->history_months, <=, 13);
          g_assert_cmpint (row->reorder.quantity % row->pack_size, ==, 0);
          if (row->reorder.quantity > 0)
            g_assert_true (row->below_target);
          if (i > 0)
            g_assert_cmpstr (((QdStockCoverRow *) dash->stock->pdata[i - 1])->sku, <, row->sku);
        }
    }

  /* Some products sell, and some need reordering. */
  g_assert_cmpuint (n_cover_days, >, 10);
  g_assert_cmpuint (n_reorder, >, 0);

  /* Bad input gets a clear error. */
  {
    QdDealerDashboardQuery query = { .dealer_id = "d99", .today = TODAY };
    QdDealerDashboard *dash = qd_store_dealer_dashboard (f->store, &query, &error);

    g_assert_null (dash);
    g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    query.dealer_id = "d01";
    query.today = "2026-02-30";
    dash = qd_store_dealer_dashboard (f->store, &query, &error);
    g_assert_null (dash);
    g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  }
}

/* A dealer whose quarter is exactly at a tier threshold, then one fen below it. */
static void
test_rebate_tier_edges (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const struct { gint64 total; int tier; gint64 to_next; gint64 earned; } cases[] = {
    { 3000000, 1, 3000000, 60000 },     /* exactly 2nd threshold: 2 % of the whole amount */
    { 2999999, 0, 1, 30000 },           /* one fen below: 1 %, 29999.99 → 30000 fen */
    { 999999, -1, 1, 0 },               /* below the first tier */
    { 6000000, 2, 0, 180000 },          /* the top tier: nothing further */
  };

  apply_page (f->store,
              "[{\"entity\":\"dealer\",\"op\":\"upsert\",\"id\":\"dx\",\"data\":{\"name\":\"X\","
              "\"level\":\"regional\",\"region_id\":\"r_e\",\"credit_limit_fen\":100000000}},"
              "{\"entity\":\"rebate_policy\",\"op\":\"upsert\",\"id\":\"rp\",\"data\":{"
              "\"level\":\"regional\",\"period\":\"2026-Q4\",\"tiers\":["
              "{\"threshold_fen\":1000000,\"rate_bp\":100},{\"threshold_fen\":3000000,\"rate_bp\":200},"
              "{\"threshold_fen\":6000000,\"rate_bp\":300}]}},"
              /* last quarter's purchases never count */
              "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"old\",\"data\":{\"dealer_id\":\"dx\","
              "\"status\":\"completed\",\"created_at\":\"2026-09-30T23:59:59Z\",\"total_fen\":5000000,"
              "\"lines\":[]}}]",
              "c1", NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *page = g_strdup_printf (
        "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"q\",\"data\":{\"dealer_id\":\"dx\","
        "\"status\":\"shipped\",\"created_at\":\"2026-10-01T00:00:00Z\","
        "\"total_fen\":%" G_GINT64_FORMAT ",\"lines\":[]}}]", cases[i].total);
      g_autofree char *cursor = g_strdup_printf ("c-edge-%u", i);
      QdDealerDashboardQuery query = { .dealer_id = "dx", .today = "2026-12-31" };
      g_autoptr(QdDealerDashboard) dash = NULL;

      apply_page (f->store, page, cursor, NULL, &error);
      g_assert_no_error (error);
      dash = qd_store_dealer_dashboard (f->store, &query, &error);
      g_assert_no_error (error);
      g_assert_cmpint (dash->quarter.purchases_fen, ==, cases[i].total);
      g_assert_cmpint (dash->rebate.tier, ==, cases[i].tier);
      g_assert_cmpint (dash->rebate.to_next_fen, ==, cases[i].to_next);
      g_assert_cmpint (dash->rebate.earned_fen, ==, cases[i].earned);
      g_assert_cmpuint (dash->stock->len, ==, 0);
    }
}

/* Stock reports dated the 1st of consecutive months (issue 7: no month was complete, so
 * nothing was ever suggested). p1 (pack of 10): 200 on 1 October, 20 on 1 November, nothing
 * received: 180 sold over 2 October … 1 November (31 days). October is covered on 30 days,
 * 180 × 30/31 units, prorated to its 31 days: 180 — one month of history, forecast 180 a
 * month. Cover 20 × 31 / 180 = 3 days, below 7 + 14. Demand over 21 days: 180 × 21 /
 * 30.4375 = 124.2 → 125; less 20 on hand = 105 → 110 in packs of 10. */
static void
test_reorder_month_start_reports (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QdDealerDashboardQuery query = { .today = "2026-11-05" };
  g_autoptr(QdDealerDashboard) dash = NULL;
  const QdStockCoverRow *row;

  load_catalog (f->store);
  apply_page (f->store,
              "[{\"entity\":\"stock_report\",\"op\":\"upsert\",\"id\":\"sr1\",\"data\":{"
              "\"id\":\"sr1\",\"dealer_id\":\"d1\",\"as_of\":\"2026-10-01\",\"lines\":["
              "{\"product_id\":\"p1\",\"qty\":200}]}},"
              "{\"entity\":\"stock_report\",\"op\":\"upsert\",\"id\":\"sr2\",\"data\":{"
              "\"id\":\"sr2\",\"dealer_id\":\"d1\",\"as_of\":\"2026-11-01\",\"lines\":["
              "{\"product_id\":\"p1\",\"qty\":20}]}}]",
              "c-reports", NULL, &error);
  g_assert_no_error (error);

  dash = qd_store_dealer_dashboard (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dash->stock->len, ==, 1);
  row = dash->stock->pdata[0];
  g_assert_cmpint (row->rate.sold, ==, 180);
  g_assert_cmpint (row->rate.days, ==, 31);
  g_assert_cmpuint (row->history_months, ==, 1);
  g_assert_cmpint (row->forecast_month, ==, 180);
  g_assert_cmpint (row->cover.kind, ==, QD_COVER_DAYS);
  g_assert_cmpint (row->cover.days, ==, 3);
  g_assert_true (row->below_target);
  g_assert_cmpint (row->reorder.quantity, ==, 110);
  g_assert_cmpint (row->reorder.packs, ==, 11);
  g_assert_cmpuint (dash->n_reorder, ==, 1);
}

/* The cart's rebate hint counts the orders that will be invoiced this quarter: submitted,
 * held and approved ones of the quarter to date and local ones waiting to be sent; not last
 * quarter's, not cancelled or rejected ones, not those after today, and not the shipped
 * ones (already purchases). */
static void
test_quarter_open_orders (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QdDealerDashboardQuery query = { .today = "2026-11-05", .skip_stock = TRUE };
  g_autoptr(QdDealerDashboard) dash = NULL;
  g_autofree char *queued = NULL;
  QdOrderLineInput lines[] = { { "p1", 10 } };
  static const struct { const char *id; const char *status; const char *at; int total; } orders[] = {
    { "o-shipped", "shipped", "2026-10-05T08:00:00Z", 100000 },
    { "o-submitted", "submitted", "2026-10-10T08:00:00Z", 20000 },
    { "o-held", "held", "2026-11-01T08:00:00Z", 30000 },
    { "o-approved", "approved", "2026-11-05T23:59:59Z", 40000 },
    { "o-last-quarter", "approved", "2026-09-30T23:59:59Z", 50000 },
    { "o-cancelled", "cancelled", "2026-10-11T08:00:00Z", 60000 },
    { "o-rejected", "rejected", "2026-10-12T08:00:00Z", 70000 },
    { "o-tomorrow", "submitted", "2026-11-06T00:00:00Z", 80000 },
  };
  gint64 queued_total;

  load_catalog (f->store);
  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autofree char *page = g_strdup_printf (
        "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"%s\",\"data\":{\"id\":\"%s\","
        "\"number\":\"SO-%u\",\"dealer_id\":\"d1\",\"status\":\"%s\",\"created_at\":\"%s\","
        "\"total_fen\":%d,\"lines\":[]}}]", orders[i].id, orders[i].id, i, orders[i].status,
        orders[i].at, orders[i].total);
      g_autofree char *cursor = g_strdup_printf ("c-open-%u", i);

      apply_page (f->store, page, cursor, NULL, &error);
      g_assert_no_error (error);
    }
  apply_page (f->store,
              "[{\"entity\":\"rebate_policy\",\"op\":\"upsert\",\"id\":\"rp\",\"data\":{"
              "\"id\":\"rp\",\"level\":\"regional\",\"period\":\"2026-Q4\",\"tiers\":["
              "{\"threshold_fen\":1000000,\"rate_bp\":100}]}}]", "c-policy", NULL, &error);
  g_assert_no_error (error);
  queued = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  queued_total = q_int (f->store, "SELECT total_fen FROM orders WHERE id = ?1", queued, NULL);
  g_assert_cmpint (queued_total, >, 0);

  dash = qd_store_dealer_dashboard (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dash->quarter.purchases_fen, ==, 100000);
  g_assert_cmpint (dash->quarter_open_fen, ==, 20000 + 30000 + 40000 + queued_total);
  g_assert_nonnull (dash->rebate_policy);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/dashboard/bulk-fill-equals-incremental", test_bulk_fill_equals_incremental);
  ADD ("/store/dashboard/bulk-lifecycle", test_bulk_lifecycle);
  ADD ("/store/dashboard/bulk-other-connection", test_bulk_other_connection);
  ADD ("/store/dashboard/summaries-follow-changes", test_summaries_follow_changes);
  ADD ("/store/dashboard/manager", test_manager_dashboard);
  ADD ("/store/dashboard/dealer", test_dealer_dashboard);
  ADD ("/store/dashboard/rebate-tier-edges", test_rebate_tier_edges);
  ADD ("/store/dashboard/reorder-month-start-reports", test_reorder_month_start_reports);
  ADD ("/store/dashboard/quarter-open-orders", test_quarter_open_orders);
#undef ADD

  return g_test_run ();
}
