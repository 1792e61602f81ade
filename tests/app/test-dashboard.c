/* test-dashboard.c — the Dashboard page on a real cache file
 *
 * A cache is filled through the change-feed API (as a sync would) with two years of orders
 * of several dealers, targets, a rebate policy, statements, stock reports and held orders.
 * The figures the page shows are then compared with SQL the test runs itself on the same
 * file through its own SQLite connection, not through the store: the page must show what
 * the data says, whatever the store's summary tables do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "qd-bar-chart.h"
#include "qd-cart-pane.h"
#include "qd-dashboard-page.h"
#include "qd-dealer-item.h"
#include "qd-held-order-item.h"
#include "qd-line-chart.h"
#include "qd-money.h"
#include "qd-store.h"
#include "qd-test-util.h"
#include "qd-test-files.h"

#define TODAY "2026-11-15"
#define N_DEALERS 6

typedef struct
{
  char    *dir;
  char    *path;
  QdStore *store;
  sqlite3 *db;     /* the test's own connection, for independent SQL */
} Fixture;

static gboolean
deadline_expired_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
apply (QdStore    *store,
       const char *entity,
       const char *id,
       const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (qd_store_apply_change (store, entity, "upsert", id,
                                        json_node_get_object (node), &error));
  g_assert_no_error (error);
}

/* Two years of data. The generator is seeded, so every run sees the same figures; the
 * expectations never come from it but from SQL over what landed in the file. */
static void
fill (QdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  static const char *categories[] = { "饮料", "零食", "日化", "医疗器械" };
  guint order_no = 0;

  g_assert_true (qd_store_begin_page (store, &error));
  g_assert_no_error (error);
  apply (store, "region", "r-east", "{\"name\": \"华东\"}");
  for (guint d = 0; d < N_DEALERS; d++)
    {
      g_autofree char *id = g_strdup_printf ("d%u", d + 1);
      g_autofree char *json =
        g_strdup_printf ("{\"name\": \"华东经销商%u\", \"level\": \"%s\", \"region_id\": "
                         "\"r-east\", \"credit_limit_fen\": %u, \"active\": true}",
                         d + 1, d < 2 ? "provincial" : "regional", 50000000 + d * 1000000);

      apply (store, "dealer", id, json);
    }
  for (guint p = 0; p < 9; p++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", p + 1);
      g_autofree char *json =
        g_strdup_printf ("{\"sku\": \"SKU-%03u\", \"name\": \"商品%u\", \"category\": \"%s\", "
                         "\"unit\": \"箱\", \"pack_size\": %u, \"lot_tracked\": %s, "
                         "\"active\": true}", p + 1, p + 1, categories[p % 4],
                         p % 2 == 0 ? 6 : 12, p % 4 == 3 ? "true" : "false");

      apply (store, "product", id, json);
    }

  /* Dealer 1's prices, for the cart. */
  for (guint p = 0; p < 9; p++)
    {
      g_autofree char *id = g_strdup_printf ("price-d1-p%u", p + 1);
      g_autofree char *json = g_strdup_printf ("{\"product_id\": \"p%u\", \"dealer_id\": "
                                               "\"d1\", \"unit_price_fen\": %u}",
                                               p + 1, 1000 + 250 * p);

      apply (store, "price", id, json);
    }

  /* Orders: each dealer orders a few times a month from December 2024 to mid-November
   * 2026; most are shipped or completed (purchases), some submitted, approved, cancelled. */
  for (guint d = 0; d < N_DEALERS; d++)
    for (guint m = 0; m < 24; m++)
      {
        guint year = 2024 + (11 + m) / 12;
        guint month = (11 + m) % 12 + 1;
        guint n = g_rand_int_range (rand, 1, 4);

        for (guint k = 0; k < n; k++)
          {
            guint day = g_rand_int_range (rand, 1, 29);
            const char *status;
            g_autofree char *id = NULL;
            g_autofree char *json = NULL;
            g_autoptr(GString) lines = g_string_new (NULL);
            gint64 total = 0;
            guint r = g_rand_int_range (rand, 0, 10);

            if (year == 2026 && month == 11 && day > 15)
              day = 15 - k;
            status = r < 5 ? "shipped" : r < 8 ? "completed" : r == 8 ? "submitted"
                     : "cancelled";
            for (guint l = 0; l < 2; l++)
              {
                guint p = g_rand_int_range (rand, 0, 8);
                gint64 qty = (p % 2 == 0 ? 6 : 12) * g_rand_int_range (rand, 1, 20);
                gint64 price = 1000 + 250 * p;

                g_string_append_printf (lines, "%s{\"product_id\": \"p%u\", \"qty\": %"
                                        G_GINT64_FORMAT ", \"unit_price_fen\": %" G_GINT64_FORMAT
                                        ", \"total_fen\": %" G_GINT64_FORMAT "}",
                                        l > 0 ? ", " : "", p + 1, qty, price, qty * price);
                total += qty * price;
              }
            id = g_strdup_printf ("o%u", ++order_no);
            json = g_strdup_printf ("{\"number\": \"SO%06u\", \"dealer_id\": \"d%u\", "
                                    "\"status\": \"%s\", \"created_at\": "
                                    "\"%04u-%02u-%02uT08:00:00Z\", \"total_fen\": %"
                                    G_GINT64_FORMAT ", \"lines\": [%s]}",
                                    order_no, d + 1, status, year, month, day, total,
                                    lines->str);
            apply (store, "order", id, json);
          }
      }

  /* Two orders held for review, of dealers 2 and 3. */
  apply (store, "order", "held-1",
         "{\"number\": \"SO900001\", \"dealer_id\": \"d2\", \"status\": \"held\", "
         "\"created_at\": \"2026-11-14T09:00:00Z\", \"total_fen\": 2400000, "
         "\"held_reason\": \"Quantity far above the dealer's usual orders\", "
         "\"lines\": [{\"product_id\": \"p1\", \"qty\": 1200, \"unit_price_fen\": 2000, "
         "\"total_fen\": 2400000}]}");
  apply (store, "order", "held-2",
         "{\"number\": \"SO900002\", \"dealer_id\": \"d3\", \"status\": \"held\", "
         "\"created_at\": \"2026-11-13T09:00:00Z\", \"total_fen\": 1200000, "
         "\"held_reason\": \"Quantity far above the dealer's usual orders\", "
         "\"lines\": [{\"product_id\": \"p2\", \"qty\": 960, \"unit_price_fen\": 1250, "
         "\"total_fen\": 1200000}]}");

  /* Monthly targets for 2025 and 2026; dealer 6 has none. */
  for (guint d = 0; d < N_DEALERS - 1; d++)
    for (guint y = 2025; y <= 2026; y++)
      for (guint m = 1; m <= 12; m++)
        {
          g_autofree char *id = g_strdup_printf ("t-d%u-%u-%02u", d + 1, y, m);
          g_autofree char *json = g_strdup_printf ("{\"dealer_id\": \"d%u\", \"period\": "
                                                   "\"%u-%02u\", \"amount_fen\": %u}",
                                                   d + 1, y, m, 300000 + d * 150000);

          apply (store, "target", id, json);
        }

  apply (store, "rebate_policy", "rp-q4-provincial",
         "{\"level\": \"provincial\", \"period\": \"2026-Q4\", \"tiers\": ["
         "{\"threshold_fen\": 100000, \"rate_bp\": 100}, "
         "{\"threshold_fen\": 500000, \"rate_bp\": 200}, "
         "{\"threshold_fen\": 50000000, \"rate_bp\": 300}]}");

  /* The same tiers for the quarter of the real date, which the cart's hint uses. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *period = g_strdup_printf ("%d-Q%d", g_date_time_get_year (now),
                                               (g_date_time_get_month (now) - 1) / 3 + 1);

    if (g_strcmp0 (period, "2026-Q4") != 0)
      {
        g_autofree char *json =
          g_strdup_printf ("{\"level\": \"provincial\", \"period\": \"%s\", \"tiers\": ["
                           "{\"threshold_fen\": 100000, \"rate_bp\": 100}, "
                           "{\"threshold_fen\": 500000, \"rate_bp\": 200}, "
                           "{\"threshold_fen\": 50000000, \"rate_bp\": 300}]}", period);

        apply (store, "rebate_policy", "rp-now-provincial", json);
      }
  }

  /* October statements: dealer 1 issued (unconfirmed past the 10 days), dealer 2 disputed,
   * the others confirmed. */
  for (guint d = 0; d < N_DEALERS; d++)
    {
      g_autofree char *id = g_strdup_printf ("st-d%u-2026-10", d + 1);
      g_autofree char *json =
        g_strdup_printf ("{\"dealer_id\": \"d%u\", \"period\": \"2026-10\", \"version\": 1, "
                         "\"status\": \"%s\", \"opening_balance_fen\": 0, "
                         "\"closing_balance_fen\": %u, \"lines\": []}", d + 1,
                         d == 0 ? "issued" : d == 1 ? "disputed" : "confirmed", 100000 * d);

      apply (store, "statement", id, json);
    }

  /* Dealer 1's stock: two reports a month apart, lots of the lot-tracked product p4, and p9
   * that sells fast and was never reordered. */
  apply (store, "stock_report", "sr-1",
         "{\"dealer_id\": \"d1\", \"as_of\": \"2026-09-30\", \"lines\": ["
         "{\"product_id\": \"p1\", \"qty\": 300}, {\"product_id\": \"p2\", \"qty\": 200}, "
         "{\"product_id\": \"p4\", \"qty\": 100, \"lot\": \"L1\", \"expiry\": \"2026-12-01\"}, "
         "{\"product_id\": \"p9\", \"qty\": 500}]}");
  apply (store, "stock_report", "sr-2",
         "{\"dealer_id\": \"d1\", \"as_of\": \"2026-10-31\", \"lines\": ["
         "{\"product_id\": \"p1\", \"qty\": 12}, {\"product_id\": \"p2\", \"qty\": 180}, "
         "{\"product_id\": \"p4\", \"qty\": 40, \"lot\": \"L1\", \"expiry\": \"2026-12-01\"}, "
         "{\"product_id\": \"p4\", \"qty\": 30, \"lot\": \"L2\", \"expiry\": \"2027-01-20\"}, "
         "{\"product_id\": \"p4\", \"qty\": 20, \"lot\": \"L0\", \"expiry\": \"2026-11-20\"}, "
         "{\"product_id\": \"p9\", \"qty\": 20}]}");

  g_assert_true (qd_store_commit_page (store, "c1", NULL, &error));
  g_assert_no_error (error);
  /* The end of the sync: the store finishes what a first fill defers. */
  g_assert_true (qd_store_set_last_sync (store, 1, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("qudao-dashboard-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cache.sqlite", NULL);
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  fill (f->store);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &f->db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  sqlite3_close (f->db);
  g_assert_finalize_object (f->store);
  qd_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* One integer from the test's own SQL; text parameters bound in order. */
static gint64
sql_int (Fixture    *f,
         const char *sql,
         ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list args;
  const char *param;
  gint64 value;
  int i = 1;

  g_assert_cmpint (sqlite3_prepare_v2 (f->db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  va_start (args, sql);
  while ((param = va_arg (args, const char *)) != NULL)
    sqlite3_bind_text (stmt, i++, param, -1, SQLITE_TRANSIENT);
  va_end (args);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static const char SQL_PURCHASES[] =
  "SELECT coalesce (sum (total_fen), 0) FROM orders WHERE status IN ('shipped', 'completed') "
  "AND (?1 = '' OR dealer_id = ?1) AND substr (created_at, 1, 10) BETWEEN ?2 AND ?3";
static const char SQL_TARGET[] =
  "SELECT coalesce (sum (amount_fen), 0) FROM targets WHERE (?1 = '' OR dealer_id = ?1) "
  "AND period BETWEEN ?2 AND ?3";

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
shown (QdDashboardPage *page,
       const char      *name)
{
  GtkWidget *label = find_named (GTK_WIDGET (page), name);

  if (label == NULL)
    g_error ("no label named %s on the page", name);
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
assert_money (QdDashboardPage *page,
              const char      *name,
              gint64           fen)
{
  g_autofree char *expected = qd_money_format (fen, QD_MONEY_FORMAT_DEFAULT);

  g_assert_cmpstr (shown (page, name), ==, expected);
}

static void
assert_contains (QdDashboardPage *page,
                 const char      *name,
                 const char      *part)
{
  const char *text = shown (page, name);

  if (strstr (text, part) == NULL)
    g_error ("%s shows “%s”, without “%s”", name, text, part);
}

/* Waits (bounded) until the manager's figures computed in the background are in the page
 * and painted: a reload returns before they are. */
static void
wait_loaded (QdDashboardPage *page)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (30, deadline_expired_cb, &expired);

  while (qd_dashboard_page_get_loading (page) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);
  g_assert_false (qd_dashboard_page_get_loading (page));
  if (GTK_IS_WINDOW (root))
    {
      gtk_widget_queue_draw (GTK_WIDGET (root));
      qd_test_show_window (GTK_WINDOW (root));
    }
}

static QdDashboardPage *
new_page (Fixture    *f,
          GtkWindow **out_window,
          int         width)
{
  GtkWidget *window = gtk_window_new ();
  QdDashboardPage *page = g_object_new (QD_TYPE_DASHBOARD_PAGE, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, 800);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  qd_dashboard_page_set_today (page, TODAY);
  qd_dashboard_page_set_store (page, f->store);
  qd_test_show_window (GTK_WINDOW (window));
  wait_loaded (page);
  *out_window = GTK_WINDOW (window);
  return page;
}

static void
close_window (GtkWindow *window)
{
  GtkWidget *child = gtk_window_get_child (window);

  /* A job still computing holds the page (and its store) until it is done. */
  if (QD_IS_DASHBOARD_PAGE (child))
    {
      gboolean expired = FALSE;
      guint deadline = g_timeout_add_seconds (30, deadline_expired_cb, &expired);

      wait_loaded (QD_DASHBOARD_PAGE (child));
      while (qd_dashboard_page_is_busy (QD_DASHBOARD_PAGE (child)) && !expired)
        g_main_context_iteration (NULL, TRUE);
      if (!expired)
        g_source_remove (deadline);
      g_assert_false (qd_dashboard_page_is_busy (QD_DASHBOARD_PAGE (child)));
    }
  gtk_window_destroy (window);
  qd_test_drain ();
}

static void
set_role (Fixture    *f,
          const char *role,
          const char *dealer_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (qd_store_set_meta (f->store, "user_role", role, &error));
  g_assert_true (qd_store_set_meta (f->store, QD_STORE_META_DEALER_ID, dealer_id, &error));
  g_assert_no_error (error);
}

/* Growth as the page words it, from the test's own figures (truncated basis points). */
static char *
growth_text (gint64 now,
             gint64 last_year)
{
  g_autofree char *g = NULL;

  if (last_year == 0)
    return g_strdup ("no purchases last year");
  g = qd_format_growth_bp ((now - last_year) * 10000 / last_year);
  return g_strdup_printf ("%s on last year", g);
}

static void
test_dealer_figures (Fixture       *f,
                     gconstpointer  data)
{
  static const struct { const char *prefix, *from, *ly_from, *ly_to, *m1, *m2; } periods[] = {
    { "dealer-month", "2026-11-01", "2025-11-01", "2025-11-15", "2026-11", "2026-11" },
    { "dealer-quarter", "2026-10-01", "2025-10-01", "2025-11-15", "2026-10", "2026-12" },
    { "dealer-year", "2026-01-01", "2025-01-01", "2025-11-15", "2026-01", "2026-12" },
  };
  GtkWindow *window;
  QdDashboardPage *page;
  gint64 quarter, tier_rate, next_threshold, limit;

  set_role (f, "dealer", "d1");
  page = new_page (f, &window, 1280);
  g_assert_cmpstr (qd_dashboard_page_get_view (page), ==, "dealer");

  for (guint i = 0; i < G_N_ELEMENTS (periods); i++)
    {
      g_autofree char *name_p = g_strdup_printf ("%s-purchases", periods[i].prefix);
      g_autofree char *name_t = g_strdup_printf ("%s-target", periods[i].prefix);
      g_autofree char *name_a = g_strdup_printf ("%s-attainment", periods[i].prefix);
      g_autofree char *name_g = g_strdup_printf ("%s-growth", periods[i].prefix);
      gint64 now = sql_int (f, SQL_PURCHASES, "d1", periods[i].from, TODAY, NULL);
      gint64 ly = sql_int (f, SQL_PURCHASES, "d1", periods[i].ly_from, periods[i].ly_to, NULL);
      gint64 target = sql_int (f, SQL_TARGET, "d1", periods[i].m1, periods[i].m2, NULL);
      g_autofree char *t = qd_money_format (target, 0);
      g_autofree char *a = qd_format_percent_bp (now * 10000 / target);
      g_autofree char *g = growth_text (now, ly);

      g_assert_cmpint (now, >, 0);
      assert_money (page, name_p, now);
      assert_contains (page, name_t, t);
      g_assert_cmpstr (shown (page, name_a), ==, a);
      g_assert_cmpstr (shown (page, name_g), ==, g);
    }

  /* Rebate: the tiers of the test's policy, over the quarter's purchases. */
  quarter = sql_int (f, SQL_PURCHASES, "d1", "2026-10-01", TODAY, NULL);
  tier_rate = quarter >= 50000000 ? 300 : quarter >= 500000 ? 200 : quarter >= 100000 ? 100 : 0;
  next_threshold = quarter >= 50000000 ? 0 : quarter >= 500000 ? 50000000
                   : quarter >= 100000 ? 500000 : 100000;
  {
    g_autofree char *earned = qd_money_format (quarter * tier_rate / 10000, 0);
    g_autofree char *more = qd_money_format (next_threshold - quarter, 0);

    g_assert_cmpint (tier_rate, >, 0);
    assert_contains (page, "rebate-tier", earned);
    assert_contains (page, "rebate-next", more);
  }

  limit = sql_int (f, "SELECT credit_limit_fen FROM dealers WHERE id = ?1", "d1", NULL);
  assert_money (page, "credit-limit", limit);

  /* Lots of the latest report expiring by today + 30, 60, 90 days. */
  {
    static const char sql[] =
      "SELECT coalesce (sum (qty), 0) FROM stock_report_lines WHERE report_id = (SELECT id FROM "
      "stock_reports WHERE dealer_id = 'd1' ORDER BY as_of DESC LIMIT 1) "
      "AND expiry IS NOT NULL AND expiry <= date (?1, ?2)";
    g_autofree char *e30 = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            sql_int (f, sql, TODAY, "+30 days", NULL));
    g_autofree char *e60 = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            sql_int (f, sql, TODAY, "+60 days", NULL));
    g_autofree char *e90 = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            sql_int (f, sql, TODAY, "+90 days", NULL));

    g_assert_cmpstr (shown (page, "stock-expiring-30"), ==, e30);
    g_assert_cmpstr (shown (page, "stock-expiring-60"), ==, e60);
    g_assert_cmpstr (shown (page, "stock-expiring-90"), ==, e90);
    g_assert_cmpstr (e30, ==, "60");
    g_assert_cmpstr (e90, ==, "90");
  }

  close_window (window);
}

static void
test_dealer_suggestions_to_cart (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) cart = NULL;
  GtkWindow *window;
  QdDashboardPage *page;
  GtkWidget *button;
  gint64 count;

  set_role (f, "dealer", "d1");
  page = new_page (f, &window, 1280);
  count = g_ascii_strtoll (shown (page, "reorder-count"), NULL, 10);
  /* p9, never ordered, fell from 500 to 20 in a month: it must be suggested. */
  g_assert_cmpint (count, >=, 1);

  button = find_named (GTK_WIDGET (page), "add-suggestions");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  cart = qd_store_cart_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cart->len, ==, count);
  for (guint i = 0; i < cart->len; i++)
    {
      const QdCartLine *line = &g_array_index (cart, QdCartLine, i);
      g_autofree char *pack = g_strdup_printf ("SELECT pack_size FROM products WHERE id = '%s'",
                                               line->product_id);

      g_assert_cmpint (line->qty, >, 0);
      g_assert_cmpint (line->qty % sql_int (f, pack, NULL), ==, 0);
    }
  g_assert_true (gtk_widget_get_visible (find_named (GTK_WIDGET (page), "dashboard-feedback")));

  /* Pressing again does not double the quantities. */
  g_signal_emit_by_name (find_named (GTK_WIDGET (page), "add-suggestions"), "clicked");
  {
    g_autoptr(GArray) again = qd_store_cart_list (f->store, &error);

    g_assert_cmpuint (again->len, ==, cart->len);
    for (guint i = 0; i < again->len; i++)
      g_assert_cmpint (g_array_index (again, QdCartLine, i).qty, ==,
                       g_array_index (cart, QdCartLine, i).qty);
  }
  close_window (window);
}

static void
test_manager_figures (Fixture       *f,
                      gconstpointer  data)
{
  GtkWindow *window;
  QdDashboardPage *page;
  gint64 year = sql_int (f, SQL_PURCHASES, "", "2026-01-01", TODAY, NULL);
  gint64 month = sql_int (f, SQL_PURCHASES, "", "2026-11-01", TODAY, NULL);
  gint64 target = sql_int (f, SQL_TARGET, "", "2026-01", "2026-12", NULL);
  g_autofree char *t = qd_money_format (target, 0);
  g_autofree char *held = NULL;
  g_autofree char *disputed = NULL;
  g_autofree char *overdue = NULL;
  g_autofree char *behind = NULL;
  guint n_behind = 0;

  set_role (f, "manager", "");
  page = new_page (f, &window, 1280);
  g_assert_cmpstr (qd_dashboard_page_get_view (page), ==, "manager");

  assert_money (page, "region-year-purchases", year);
  assert_money (page, "region-month-purchases", month);
  assert_contains (page, "region-year-target", t);

  held = g_strdup_printf ("%" G_GINT64_FORMAT,
                          sql_int (f, "SELECT count (*) FROM orders WHERE status = 'held'",
                                   NULL));
  g_assert_cmpstr (shown (page, "kpi-held"), ==, held);
  g_assert_cmpstr (held, ==, "2");
  disputed = g_strdup_printf ("%" G_GINT64_FORMAT,
                              sql_int (f, "SELECT count (*) FROM statements "
                                          "WHERE status = 'disputed'", NULL));
  g_assert_cmpstr (shown (page, "kpi-disputed"), ==, disputed);
  /* Issued and still unconfirmed 10 days after the end of its period. */
  overdue = g_strdup_printf ("%" G_GINT64_FORMAT,
                             sql_int (f, "SELECT count (*) FROM statements WHERE status = "
                                         "'issued' AND date (period || '-01', '+1 month', "
                                         "'+9 days') < ?1", TODAY, NULL));
  g_assert_cmpstr (shown (page, "kpi-overdue"), ==, overdue);
  g_assert_cmpstr (overdue, ==, "1");

  /* Behind target: this year to date below the whole months' targets before November
   * plus 15/30 of November's. */
  for (guint d = 1; d <= N_DEALERS; d++)
    {
      g_autofree char *id = g_strdup_printf ("d%u", d);
      gint64 bought = sql_int (f, SQL_PURCHASES, id, "2026-01-01", TODAY, NULL);
      gint64 before = sql_int (f, SQL_TARGET, id, "2026-01", "2026-10", NULL);
      gint64 nov = sql_int (f, SQL_TARGET, id, "2026-11", "2026-11", NULL);

      if (before + nov > 0 && bought < before + nov * 15 / 30)
        n_behind++;
    }
  behind = g_strdup_printf ("%u of %u", n_behind, N_DEALERS);
  g_assert_cmpstr (shown (page, "kpi-behind"), ==, behind);

  close_window (window);
}

static void
test_manager_table (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "dealers.csv", NULL);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  GtkWindow *window;
  QdDashboardPage *page;
  GtkColumnView *view;
  GListModel *columns;
  GListModel *dealers;
  g_autoptr(GtkColumnViewColumn) purchases_column = NULL;
  sqlite3_stmt *stmt;
  guint i = 0;

  set_role (f, "manager", "");
  page = new_page (f, &window, 1280);
  dealers = qd_dashboard_page_get_dealers (page);
  g_assert_cmpuint (g_list_model_get_n_items (dealers), ==, N_DEALERS);

  /* Sort by purchases, largest first, as a click on the header does twice. */
  view = GTK_COLUMN_VIEW (find_named (GTK_WIDGET (page), "dealer-table"));
  columns = gtk_column_view_get_columns (view);
  purchases_column = g_list_model_get_item (columns, 1);
  gtk_column_view_sort_by_column (view, purchases_column, GTK_SORT_DESCENDING);
  g_assert_cmpint (sqlite3_prepare_v2 (f->db,
                                       "SELECT d.id, coalesce ((SELECT sum (total_fen) FROM "
                                       "orders o WHERE o.dealer_id = d.id AND o.status IN "
                                       "('shipped', 'completed') AND substr (o.created_at, 1, 10) "
                                       "BETWEEN '2026-01-01' AND ?1), 0) AS p FROM dealers d "
                                       "ORDER BY p DESC", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, TODAY, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(QdDealerItem) item = g_list_model_get_item (dealers, i++);
      const QdDealerRow *row = qd_dealer_item_get_row (item);

      g_assert_cmpstr (row->dealer_id, ==, (const char *) sqlite3_column_text (stmt, 0));
      g_assert_cmpint (row->year.purchases_fen, ==, sqlite3_column_int64 (stmt, 1));
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (i, ==, N_DEALERS);

  /* The export follows the table's order, amounts as plain yuan. */
  g_assert_true (qd_dashboard_page_export_csv (page, csv_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_DEALERS + 2);
  g_assert_true (g_str_has_prefix (lines[0], "\xEF\xBB\xBF" "Dealer,Dealer ID,"));
  g_assert_cmpstr (lines[N_DEALERS + 1], ==, "");
  {
    g_autoptr(QdDealerItem) first = g_list_model_get_item (dealers, 0);
    const QdDealerRow *row = qd_dealer_item_get_row (first);
    g_autofree char *amount = qd_money_format (row->year.purchases_fen,
                                               QD_MONEY_FORMAT_NO_SYMBOL
                                               | QD_MONEY_FORMAT_NO_GROUPING);
    g_autofree char *prefix = g_strdup_printf ("%s,%s,%s,", row->name, row->dealer_id, amount);

    g_assert_true (g_str_has_prefix (lines[1], prefix));
  }

  /* A file that cannot be written is an error naming it. */
  {
    g_autofree char *bad = g_build_filename (f->dir, "no-such-dir", "x.csv", NULL);
    g_autoptr(GFile) bad_file = g_file_new_for_path (bad);

    g_assert_false (qd_dashboard_page_export_csv (page, bad_file, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "x.csv"));
  }

  /* Opening a dealer shows its dashboard read-only: no cart button; back returns. */
  g_signal_emit_by_name (view, "activate", 0);
  g_assert_cmpstr (qd_dashboard_page_get_view (page), ==, "dealer");
  g_assert_null (find_named (GTK_WIDGET (page), "add-suggestions"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "dashboard.back", NULL));
  g_assert_cmpstr (qd_dashboard_page_get_view (page), ==, "manager");

  /* A dealer opened while the region is being computed: the dealer stays in view and the
   * page stops loading when the job ends. */
  qd_dashboard_page_reload (page);
  g_assert_true (qd_dashboard_page_get_loading (page));
  qd_dashboard_page_show_dealer (page, "d2");
  g_assert_cmpstr (qd_dashboard_page_get_view (page), ==, "dealer");
  {
    gboolean expired = FALSE;
    guint deadline = g_timeout_add_seconds (30, deadline_expired_cb, &expired);

    while (qd_dashboard_page_is_busy (page) && !expired)
      g_main_context_iteration (NULL, TRUE);
    if (!expired)
      g_source_remove (deadline);
  }
  g_assert_false (qd_dashboard_page_get_loading (page));
  g_assert_cmpstr (qd_dashboard_page_get_view (page), ==, "dealer");

  close_window (window);
}

static void
test_manager_review (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  GtkWindow *window;
  QdDashboardPage *page;
  GtkWidget *row, *reject, *approve;
  GtkWidget *feedback;

  set_role (f, "manager", "");
  page = new_page (f, &window, 1280);

  /* Rejecting without a comment asks for one and queues nothing. */
  row = find_named (GTK_WIDGET (page), "held-2");
  g_assert_nonnull (row);
  reject = find_named (row, "reject");
  g_signal_emit_by_name (reject, "clicked");
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_PENDING), ==, 0);
  feedback = find_named (GTK_WIDGET (page), "dashboard-feedback");
  g_assert_true (gtk_widget_has_css_class (feedback, "error"));

  approve = find_named (find_named (GTK_WIDGET (page), "held-1"), "approve");
  g_signal_emit_by_name (approve, "clicked");
  g_assert_true (qd_dashboard_page_review (page, "held-2", FALSE, "Too much at once", &error));
  g_assert_no_error (error);

  outbox = qd_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 2);
  for (guint i = 0; i < outbox->len; i++)
    {
      QdOutboxItem *item = g_ptr_array_index (outbox, i);

      g_assert_cmpstr (item->type, ==, "order.review");
      if (g_str_equal (item->entity_id, "held-1"))
        g_assert_nonnull (strstr (item->payload, "\"approve\""));
      else
        {
          g_assert_cmpstr (item->entity_id, ==, "held-2");
          g_assert_nonnull (strstr (item->payload, "\"reject\""));
          g_assert_nonnull (strstr (item->payload, "Too much at once"));
        }
    }
  /* The rebuilt list shows both as waiting; the buttons are off. */
  g_assert_false (gtk_widget_get_sensitive (find_named (find_named (GTK_WIDGET (page),
                                                                    "held-1"), "approve")));
  /* A second decision on the same order is refused with a reason. */
  g_assert_false (qd_dashboard_page_review (page, "held-1", FALSE, "no", &error));
  g_assert_nonnull (error);
  close_window (window);
}

/* Applies one change in a page of its own, as an incremental sync does. */
static void
apply_page_of_one (QdStore    *store,
                   const char *entity,
                   const char *id,
                   const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = g_strdup_printf ("c-%s", id);

  g_assert_true (qd_store_begin_page (store, &error));
  apply (store, entity, id, json);
  g_assert_true (qd_store_commit_page (store, cursor, NULL, &error));
  g_assert_no_error (error);
}

/* More held orders than fit on a screen (the old page laid out at most 12): every one is in
 * the review list's model, the histories beyond the first ones arrive in the background,
 * and the last one can be scrolled to and approved. */
static void
test_manager_many_held (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  GtkWindow *window;
  QdDashboardPage *page;
  GListModel *held;
  GtkWidget *view, *row;
  gboolean expired = FALSE;
  guint deadline, n, n_with_history = 0;
  const guint extra = 230;
  g_autofree char *last = g_strdup_printf ("held-x%03u", extra - 1);

  g_assert_true (qd_store_begin_page (f->store, &error));
  for (guint i = 0; i < extra; i++)
    {
      g_autofree char *id = g_strdup_printf ("held-x%03u", i);
      /* Older than the fixture's two, a minute apart: the last one is the oldest. */
      g_autofree char *json =
        g_strdup_printf ("{\"number\": \"SO8%05u\", \"dealer_id\": \"d%u\", "
                         "\"status\": \"held\", \"created_at\": \"2026-11-10T%02u:%02u:00Z\", "
                         "\"total_fen\": %u, \"held_reason\": \"Quantity far above usual\", "
                         "\"lines\": [{\"product_id\": \"p%u\", \"qty\": 600, "
                         "\"unit_price_fen\": 1000, \"total_fen\": 600000}]}",
                         i, i % N_DEALERS + 1, (1439 - i) / 60, (1439 - i) % 60, 600000,
                         i % 9 + 1);

      apply (f->store, "order", id, json);
    }
  g_assert_true (qd_store_commit_page (f->store, "c-many-held", NULL, &error));
  g_assert_no_error (error);

  set_role (f, "manager", "");
  page = new_page (f, &window, 1280);
  held = qd_dashboard_page_get_held_orders (page);
  n = g_list_model_get_n_items (held);
  g_assert_cmpuint (n, ==, extra + 2);
  {
    g_autofree char *count = g_strdup_printf ("%u", extra + 2);

    g_assert_cmpstr (shown (page, "kpi-held"), ==, count);
  }

  /* The histories come in chunks after the figures: wait (bounded) for all of them. */
  deadline = g_timeout_add_seconds (30, deadline_expired_cb, &expired);
  while (!expired)
    {
      n_with_history = 0;
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(QdHeldOrderItem) item = g_list_model_get_item (held, i);

          n_with_history += qd_held_order_item_get_history (item) != NULL;
        }
      if (n_with_history == n)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!expired)
    g_source_remove (deadline);
  g_assert_cmpuint (n_with_history, ==, n);

  /* Only the rows in view are laid out; scroll to the last order and decide on it. */
  /* Rows are widgets only for a window of the list (GTK 4.8 keeps up to 200 around what is
   * in view), whatever the number of orders. */
  view = find_named (GTK_WIDGET (page), "review-list");
  {
    guint rows = 0;

    for (GtkWidget *c = gtk_widget_get_first_child (view); c != NULL;
         c = gtk_widget_get_next_sibling (c))
      rows++;
    g_assert_cmpuint (rows, <, n);
  }
  g_assert_null (find_named (GTK_WIDGET (page), last));
  g_assert_true (gtk_widget_activate_action (view, "list.scroll-to-item", "u", n - 1));
  for (guint i = 0; i < 20 && find_named (GTK_WIDGET (page), last) == NULL; i++)
    {
      gtk_widget_queue_draw (GTK_WIDGET (window));
      qd_test_show_window (window);
    }
  row = find_named (GTK_WIDGET (page), last);
  g_assert_nonnull (row);
  g_signal_emit_by_name (find_named (row, "approve"), "clicked");
  g_assert_false (gtk_widget_get_sensitive (find_named (row, "approve")));
  outbox = qd_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpstr (((QdOutboxItem *) outbox->pdata[0])->entity_id, ==, last);
  /* Nothing (a job, a row's handler) keeps the page alive once its window is gone. */
  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &page);
  close_window (window);
  g_assert_null (page);
}

/* A reload after a sync swaps the new figures into the same widgets: the charts and the
 * dealer items are the same objects, the selected dealer stays selected and the page stays
 * where it was scrolled to. */
static void
test_manager_update_in_place (Fixture       *f,
                              gconstpointer  data)
{
  GtkWindow *window;
  QdDashboardPage *page;
  GListModel *dealers;
  GtkWidget *chart, *scroller;
  GtkAdjustment *adjustment;
  GtkSingleSelection *selection;
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(QdDealerItem) selected = NULL;
  gint64 year_before, year_after;
  double scrolled;
  guint n;

  set_role (f, "manager", "");
  page = new_page (f, &window, 1280);
  dealers = qd_dashboard_page_get_dealers (page);
  n = g_list_model_get_n_items (dealers);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (before, g_list_model_get_item (dealers, i));
  chart = find_named (GTK_WIDGET (page), "chart-purchases");
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                GTK_COLUMN_VIEW (find_named (GTK_WIDGET (page), "dealer-table"))));
  gtk_single_selection_set_selected (selection, 2);
  selected = g_object_ref (gtk_single_selection_get_selected_item (selection));

  scroller = gtk_widget_get_ancestor (find_named (GTK_WIDGET (page), "region-year-purchases"),
                                      GTK_TYPE_SCROLLED_WINDOW);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment)
                     - gtk_adjustment_get_page_size (adjustment), >, 300);
  gtk_adjustment_set_value (adjustment, 300);
  scrolled = gtk_adjustment_get_value (adjustment);

  /* A sync brings a shipped order of the selected dealer. */
  year_before = sql_int (f, SQL_PURCHASES, "", "2026-01-01", TODAY, NULL);
  {
    g_autofree char *json =
      g_strdup_printf ("{\"number\": \"SO700001\", \"dealer_id\": \"%s\", "
                       "\"status\": \"shipped\", \"created_at\": \"2026-11-15T08:00:00Z\", "
                       "\"total_fen\": 12345600, \"lines\": [{\"product_id\": \"p1\", "
                       "\"qty\": 6000, \"unit_price_fen\": 2057, \"total_fen\": 12345600}]}",
                       qd_dealer_item_get_row (selected)->dealer_id);

    apply_page_of_one (f->store, "order", "o-new-shipped", json);
  }
  year_after = sql_int (f, SQL_PURCHASES, "", "2026-01-01", TODAY, NULL);
  g_assert_cmpint (year_after, ==, year_before + 12345600);

  qd_dashboard_page_reload (page);
  wait_loaded (page);

  assert_money (page, "region-year-purchases", year_after);
  g_assert_true (find_named (GTK_WIDGET (page), "chart-purchases") == chart);
  g_assert_true (gtk_single_selection_get_selected_item (selection) == (gpointer) selected);
  g_assert_cmpuint (g_list_model_get_n_items (dealers), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdDealerItem) item = g_list_model_get_item (dealers, i);
      guint found;

      g_assert_true (g_ptr_array_find (before, item, &found));
    }
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, scrolled);
  /* The selected dealer's row shows its new purchases. */
  {
    const QdDealerRow *row = qd_dealer_item_get_row (selected);

    g_assert_cmpint (row->year.purchases_fen, ==,
                     sql_int (f, SQL_PURCHASES, row->dealer_id, "2026-01-01", TODAY, NULL));
  }
  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &page);
  close_window (window);
  g_assert_null (page);
}

/* The cart's rebate hint: the quarter's purchases, the orders to be invoiced this quarter
 * (submitted, held, approved, and queued local ones) and the cart, against the policy; a
 * line under it says what was counted. */
static void
test_cart_rebate_hint (Fixture       *f,
                       gconstpointer  data)
{
  static const QdRebateTier tiers[] = { { 100000, 100 }, { 500000, 200 }, { 50000000, 300 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdRebatePolicy) policy = qd_rebate_policy_new (tiers, G_N_ELEMENTS (tiers), &error);
  GtkWidget *window = gtk_window_new ();
  QdCartPane *pane = g_object_new (QD_TYPE_CART_PANE, NULL);
  gint64 quarter, open, price;
  g_autofree char *expected = NULL;
  GtkWidget *label;

  g_assert_no_error (error);
  set_role (f, "dealer", "d1");
  /* Not yet invoiced: an order held today and one queued here, not yet sent. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT00:00:00Z");
    g_autofree char *json =
      g_strdup_printf ("{\"number\": \"SO900100\", \"dealer_id\": \"d1\", "
                       "\"status\": \"held\", \"created_at\": \"%s\", \"total_fen\": 345600, "
                       "\"lines\": []}", at);
    QdOrderLineInput lines[] = { { "p3", 12 } };
    g_autofree char *queued = NULL;

    g_assert_true (qd_store_begin_page (f->store, &error));
    apply (f->store, "order", "held-today", json);
    g_assert_true (qd_store_commit_page (f->store, "c-held-today", NULL, &error));
    g_assert_no_error (error);
    queued = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_true (qd_store_cart_set (f->store, "p1", 60, &error));
  g_assert_no_error (error);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (pane));
  qd_cart_pane_set_store (pane, f->store);
  qd_test_show_window (GTK_WINDOW (window));

  /* The cart works on the real date: its quarter's purchases, from the test's SQL. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    int q0 = (g_date_time_get_month (now) - 1) / 3 * 3 + 1;
    g_autofree char *from = g_strdup_printf ("%04d-%02d-01", g_date_time_get_year (now), q0);
    g_autofree char *to = g_date_time_format (now, "%Y-%m-%d");

    quarter = sql_int (f, SQL_PURCHASES, "d1", from, to, NULL);
    open = sql_int (f, "SELECT coalesce (sum (total_fen), 0) FROM orders WHERE dealer_id = ?1 "
                    "AND (status IN ('queued', 'sending') OR (status IN ('submitted', 'held', "
                    "'approved') AND substr (created_at, 1, 10) BETWEEN ?2 AND ?3))",
                    "d1", from, to, NULL);
  }
  /* The held order and the queued one (12 × p3 at its dealer price) at least. */
  g_assert_cmpint (open, >=, 345600 + 12 * 1500);
  price = sql_int (f, "SELECT unit_price_fen FROM prices WHERE id = 'price-d1-p1'", NULL);
  expected = qd_rebate_policy_format_hint (policy, quarter + open + 60 * price);

  label = find_named (GTK_WIDGET (pane), "rebate-hint");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected);

  /* What was counted, in words, with both amounts. */
  label = find_named (GTK_WIDGET (pane), "rebate-basis");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));
  {
    g_autofree char *q = qd_money_format (quarter, QD_MONEY_FORMAT_DEFAULT);
    g_autofree char *o = qd_money_format (open, QD_MONEY_FORMAT_DEFAULT);
    const char *text = gtk_label_get_text (GTK_LABEL (label));

    g_assert_nonnull (strstr (text, q));
    g_assert_nonnull (strstr (text, o));
    g_assert_nonnull (strstr (text, "held for review"));
  }
  close_window (GTK_WINDOW (window));
}

/* The charts in a phone-narrow window, hovered, and as tables: no warning (fatal here). */
static void
test_charts_narrow (Fixture       *f,
                    gconstpointer  data)
{
  GtkWindow *window;
  QdDashboardPage *page;
  QdLineChart *line;
  QdBarChart *bars;
  GtkWidget *toggle;
  const char *tooltip;

  set_role (f, "manager", "");
  page = new_page (f, &window, 360);
  line = QD_LINE_CHART (find_named (GTK_WIDGET (page), "chart-purchases"));
  bars = QD_BAR_CHART (find_named (GTK_WIDGET (page), "chart-attainment"));
  g_assert_cmpuint (qd_line_chart_get_n (line), ==, 24);
  g_assert_cmpuint (qd_bar_chart_get_n (bars), ==, N_DEALERS);

  qd_line_chart_set_hover (line, 23);
  tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (line));
  g_assert_nonnull (tooltip);
  g_assert_true (g_str_has_prefix (tooltip, "2026-11: purchases ¥"));
  qd_bar_chart_set_hover (bars, 0);
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (bars)));

  toggle = find_named (GTK_WIDGET (page), "chart-purchases-table-toggle");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
  g_assert_false (gtk_widget_get_child_visible (GTK_WIDGET (line)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);

  /* Paint a real frame of the whole window at this width, in light and in dark: the charts
   * draw with warnings fatal, so a drawing problem fails here. */
  for (int dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                               : ADW_COLOR_SCHEME_FORCE_LIGHT);
      /* The new style queues a relayout and a redraw; wait for that frame to be painted. */
      gtk_widget_queue_draw (GTK_WIDGET (window));
      qd_test_show_window (window);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (line)));
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (line)), >, 0);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (line)), <=, 360);
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (bars)), >, 0);
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
  close_window (window);
}

static void
test_no_store (void)
{
  QdDashboardPage *page = g_object_ref_sink (g_object_new (QD_TYPE_DASHBOARD_PAGE, NULL));

  qd_dashboard_page_reload (page);
  g_assert_cmpstr (qd_dashboard_page_get_view (page), ==, "empty");
  g_assert_finalize_object (page);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/dashboard/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("dealer-figures", test_dealer_figures);
  ADD ("dealer-suggestions-to-cart", test_dealer_suggestions_to_cart);
  ADD ("manager-figures", test_manager_figures);
  ADD ("manager-table-csv-open-dealer", test_manager_table);
  ADD ("manager-review", test_manager_review);
  ADD ("manager-many-held", test_manager_many_held);
  ADD ("manager-update-in-place", test_manager_update_in_place);
  ADD ("charts-narrow", test_charts_narrow);
  ADD ("cart-rebate-hint", test_cart_rebate_hint);
#undef ADD
  g_test_add_func ("/dashboard/no-store", test_no_store);
  return g_test_run ();
}
