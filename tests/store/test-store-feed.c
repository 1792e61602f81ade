/* test-store-feed.c — opening a cache and applying change-feed pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "store-test-util.h"

static void
test_open_fresh (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *mode = sql_text (f->store, "PRAGMA journal_mode");

  g_assert_cmpint (qd_store_get_schema_version (f->store), ==, QD_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (sql_int (f->store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_null (qd_store_dup_cursor (f->store));
  g_assert_cmpint (qd_store_get_last_sync (f->store), ==, 0);
  g_assert_cmpstr (qd_store_get_path (f->store), ==, f->path);
}

static void
test_path_for_account (void)
{
  g_autofree char *a = qd_store_path_for_account ("/d", "https://qudao.example/", "dealer1");
  g_autofree char *b = qd_store_path_for_account ("/d", "https://qudao.example", "dealer1");
  g_autofree char *c = qd_store_path_for_account ("/d", "https://qudao.example", "dealer2");
  g_autofree char *d = qd_store_path_for_account (NULL, "https://qudao.example", "dealer1");
  g_autofree char *expected_dir = g_build_filename (g_get_user_data_dir (), "qudao", NULL);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_true (g_str_has_prefix (a, "/d/cache-"));
  g_assert_true (g_str_has_suffix (a, ".sqlite"));
  g_assert_true (g_str_has_prefix (d, expected_dir));
}

static void
test_apply_catalog (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *abbr = NULL;
  QdEntityKinds changed = 0;

  apply_page (f->store, CATALOG_PAGE, "c-1", &changed, &error);
  g_assert_no_error (error);

  g_assert_cmpint (changed, ==, QD_ENTITY_KIND_REGION | QD_ENTITY_KIND_DEALER
                   | QD_ENTITY_KIND_PRODUCT | QD_ENTITY_KIND_PRICE | QD_ENTITY_KIND_STATEMENT);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c-1");
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM products"), ==, 3);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM prices"), ==, 3);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM statement_lines"), ==, 2);
  g_assert_cmpint (sql_int (f->store, "SELECT credit_limit_fen FROM dealers WHERE id = 'd1'"),
                   ==, 10000000);
  /* Pinyin initials for the product without 助记码, the 助记码 (lower case) otherwise. */
  abbr = sql_text (f->store, "SELECT abbr FROM products WHERE id = 'p1'");
  g_assert_cmpstr (abbr, ==, "wsscptp");
  g_free (abbr);
  abbr = sql_text (f->store, "SELECT abbr FROM products WHERE id = 'p2'");
  g_assert_cmpstr (abbr, ==, "amxl");
}

static void
test_latest_change_wins (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  apply_page (f->store,
              "[{\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r1\",\"data\":{\"name\":\"A\"}},"
              " {\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r1\",\"data\":{\"name\":\"B\"}},"
              " {\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r2\",\"data\":{\"name\":\"C\"}},"
              " {\"entity\":\"region\",\"op\":\"delete\",\"id\":\"r2\"},"
              " {\"entity\":\"region\",\"op\":\"delete\",\"id\":\"r3\"},"
              " {\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r3\",\"data\":{\"name\":\"D\"}}]",
              "c-1", NULL, &error);
  g_assert_no_error (error);

  name = sql_text (f->store, "SELECT name FROM regions WHERE id = 'r1'");
  g_assert_cmpstr (name, ==, "B");
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM regions"), ==, 2);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM regions WHERE id = 'r3'"), ==, 1);

  /* Across pages too, and order lines are replaced, not appended. */
  apply_page (f->store,
              "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o1\",\"data\":{\"id\":\"o1\","
              "  \"number\":\"SO-1\",\"dealer_id\":\"d1\",\"status\":\"submitted\","
              "  \"created_at\":\"2026-11-01T08:00:00Z\",\"client_order_id\":null,\"note\":\"\","
              "  \"total_fen\":300,\"lines\":[{\"product_id\":\"p1\",\"qty\":1,"
              "  \"unit_price_fen\":100,\"total_fen\":100},{\"product_id\":\"p2\",\"qty\":2,"
              "  \"unit_price_fen\":100,\"total_fen\":200}]}}]", "c-2", NULL, &error);
  g_assert_no_error (error);
  apply_page (f->store,
              "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o1\",\"data\":{\"id\":\"o1\","
              "  \"number\":\"SO-1\",\"dealer_id\":\"d1\",\"status\":\"shipped\","
              "  \"created_at\":\"2026-11-01T08:00:00Z\",\"note\":\"\","
              "  \"total_fen\":100,\"lines\":[{\"product_id\":\"p1\",\"qty\":1,"
              "  \"unit_price_fen\":100,\"total_fen\":100}]}}]", "c-3", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 1);
  g_free (name);
  name = sql_text (f->store, "SELECT status FROM orders WHERE id = 'o1'");
  g_assert_cmpstr (name, ==, "shipped");

  apply_page (f->store, "[{\"entity\":\"order\",\"op\":\"delete\",\"id\":\"o1\"}]", "c-4", NULL,
              &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 0);
}

typedef struct
{
  const char *change;
  const char *expected;   /* substring of the message */
} Malformed;

static const Malformed malformed[] = {
  { "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p9\",\"data\":{\"sku\":\"X\","
    "\"name\":\"n\",\"pack_size\":\"ten\"}}", "product p9: “pack_size”: expected an integer" },
  { "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p9\",\"data\":{\"name\":\"n\"}}",
    "product p9: “sku”: missing" },
  { "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o9\",\"data\":{\"dealer_id\":\"d1\","
    "\"status\":\"submitted\",\"created_at\":\"x\",\"total_fen\":1,\"lines\":[{\"product_id\":"
    "\"p1\",\"qty\":1,\"unit_price_fen\":1.5,\"total_fen\":1}]}}",
    "order o9: “lines[0].unit_price_fen”: expected an integer" },
  { "{\"entity\":\"dealer\",\"op\":\"upsert\",\"id\":\"d9\",\"data\":{\"name\":\"n\","
    "\"level\":\"regional\",\"credit_limit_fen\":99999999999999999}}",
    "dealer d9: “credit_limit_fen”: out of range" },
  { "{\"entity\":\"statement\",\"op\":\"upsert\",\"id\":\"s9\",\"data\":{\"dealer_id\":\"d1\","
    "\"period\":\"2026-10\",\"version\":1,\"status\":\"issued\",\"opening_balance_fen\":0,"
    "\"closing_balance_fen\":0,\"lines\":[7]}}", "statement s9: “lines[0]”: expected an object" },
  { "{\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r9\"}", "region r9: an upsert without data" },
  { "{\"entity\":\"region\",\"op\":\"merge\",\"id\":\"r9\",\"data\":{}}",
    "region r9: unknown operation “merge”" },
  { "{\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r9\",\"data\":{\"id\":\"r8\",\"name\":\"x\"}}",
    "region r9: “id”: differs" },
  { "{\"entity\":\"price\",\"op\":\"upsert\",\"id\":\"pr9\",\"data\":{\"product_id\":\"p1\","
    "\"unit_price_fen\":5}}", "price pr9: “level”" },
};

static void
test_malformed_rolls_back (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  apply_page (f->store, CATALOG_PAGE, "c-1", NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autofree char *page = NULL;
      g_autofree char *cursor = NULL;
      g_autofree char *name = NULL;

      /* A good change first: it must not survive the bad one. */
      page = g_strdup_printf ("[{\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r1\","
                              "\"data\":{\"name\":\"改过\"}}, %s]", malformed[i].change);
      g_assert_false (apply_page (f->store, page, "c-bad", NULL, &error));
      g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, malformed[i].expected));
      g_clear_error (&error);

      cursor = qd_store_dup_cursor (f->store);
      g_assert_cmpstr (cursor, ==, "c-1");
      name = sql_text (f->store, "SELECT name FROM regions WHERE id = 'r1'");
      g_assert_cmpstr (name, ==, "华东");
    }

  /* The store is usable after a failed page. */
  apply_page (f->store, "[]", "c-2", NULL, &error);
  g_assert_no_error (error);
}

static void
test_unknown_entity_skipped (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QdEntityKinds changed = 0;

  apply_page (f->store,
              "[{\"entity\":\"warehouse\",\"op\":\"upsert\",\"id\":\"w1\",\"data\":{\"x\":1}},"
              " {\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r1\",\"data\":{\"name\":\"A\","
              "  \"added_later\":[1,2]}}]", "c-1", &changed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed, ==, QD_ENTITY_KIND_REGION);
  g_assert_cmpint (qd_entity_kind_from_name ("warehouse"), ==, QD_ENTITY_KIND_NONE);
  g_assert_cmpstr (qd_entity_kind_to_name (QD_ENTITY_KIND_STOCK_REPORT), ==, "stock_report");
}

static void
test_rollback_page (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) region = object_from_string ("{\"name\":\"A\"}");

  g_assert_true (qd_store_begin_page (f->store, &error));
  g_assert_true (qd_store_apply_change (f->store, "region", "upsert", "r1", region, &error));
  qd_store_rollback_page (f->store);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM regions"), ==, 0);
  g_assert_null (qd_store_dup_cursor (f->store));
}

static void
test_reset_keeps_local_work (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *dealer = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };

  load_catalog (f->store);
  apply_page (f->store,
              "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o1\",\"data\":{\"id\":\"o1\","
              "  \"number\":\"SO-1\",\"dealer_id\":\"d1\",\"status\":\"submitted\","
              "  \"created_at\":\"2026-11-01T08:00:00Z\",\"total_fen\":0,\"lines\":[]}}]",
              "c-2", NULL, &error);
  g_assert_no_error (error);
  order_id = qd_store_queue_order (f->store, lines, 1, "急", NULL, &error);
  g_assert_no_error (error);
  qd_store_cart_set (f->store, "p2", 3, &error);
  g_assert_no_error (error);

  qd_store_reset_feed (f->store, &error);
  g_assert_no_error (error);

  g_assert_null (qd_store_dup_cursor (f->store));
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM products"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM products_fts"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM statements"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 1);
  g_assert_cmpint (qd_store_outbox_count (f->store, QD_OUTBOX_PENDING), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM cart_lines"), ==, 1);
  /* The account metadata stays too. */
  dealer = qd_store_dup_meta (f->store, QD_STORE_META_DEALER_ID);
  g_assert_cmpstr (dealer, ==, "d1");
}

static void
test_meta (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  qd_store_set_last_sync (f->store, G_GINT64_CONSTANT (1795000000000), &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_store_get_last_sync (f->store), ==, G_GINT64_CONSTANT (1795000000000));
  qd_store_set_meta (f->store, "server_url", "https://x", &error);
  g_assert_no_error (error);
  value = qd_store_dup_meta (f->store, "server_url");
  g_assert_cmpstr (value, ==, "https://x");
  qd_store_set_meta (f->store, "server_url", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (qd_store_dup_meta (f->store, "server_url"));
}

/* Two connections to one file (the app and qudao-cli): one writes a page, the other sees it
 * and can write its own transaction right after. */
static void
test_two_connections (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) other = qd_store_open (f->path, &error);
  g_autofree char *cursor = NULL;

  g_assert_no_error (error);
  apply_page (f->store, CATALOG_PAGE, "c-1", NULL, &error);
  g_assert_no_error (error);
  cursor = qd_store_dup_cursor (other);
  g_assert_cmpstr (cursor, ==, "c-1");
  apply_page (other, "[]", "c-2", NULL, &error);
  g_assert_no_error (error);
  g_free (cursor);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c-2");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/store/feed/open-fresh", test_open_fresh);
  g_test_add_func ("/store/feed/path-for-account", test_path_for_account);
  ADD ("/store/feed/apply-catalog", test_apply_catalog);
  ADD ("/store/feed/latest-change-wins", test_latest_change_wins);
  ADD ("/store/feed/malformed-rolls-back", test_malformed_rolls_back);
  ADD ("/store/feed/unknown-entity-skipped", test_unknown_entity_skipped);
  ADD ("/store/feed/rollback-page", test_rollback_page);
  ADD ("/store/feed/reset-keeps-local-work", test_reset_keeps_local_work);
  ADD ("/store/feed/meta", test_meta);
  ADD ("/store/feed/two-connections", test_two_connections);
#undef ADD

  return g_test_run ();
}
