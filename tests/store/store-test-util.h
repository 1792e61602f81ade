/* store-test-util.h — helpers shared by the store tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gstdio.h>

#include "qd-store-private.h"
#include "qd-test-files.h"

/* A fresh directory per test, removed at the end. */
typedef struct
{
  char    *dir;
  char    *path;
  QdStore *store;
} Fixture;

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("qudao-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cache.sqlite", NULL);
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  qd_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Applies a page given as a JSON array of changes, the way the feed delivers them. */
static inline gboolean
apply_page (QdStore        *store,
            const char     *changes_json,
            const char     *cursor,
            QdEntityKinds  *out_changed,
            GError        **error)
{
  g_autoptr(JsonNode) root = json_from_string (changes_json, NULL);
  JsonArray *changes;

  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  changes = json_node_get_array (root);

  if (!qd_store_begin_page (store, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *data = json_object_has_member (change, "data")
                         ? json_object_get_object_member (change, "data") : NULL;

      if (!qd_store_apply_change (store,
                                  json_object_get_string_member (change, "entity"),
                                  json_object_get_string_member (change, "op"),
                                  json_object_get_string_member (change, "id"),
                                  data, error))
        return FALSE;
    }
  return qd_store_commit_page (store, cursor, out_changed, error);
}

static inline JsonObject *
object_from_string (const char *text)
{
  g_autoptr(JsonNode) root = json_from_string (text, NULL);

  g_assert_nonnull (root);
  return json_object_ref (json_node_get_object (root));
}

/* One integer from SQL, for checks the public API does not offer. */
static inline gint64
sql_int (QdStore    *store,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (_qd_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static inline char *
sql_text (QdStore    *store,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (_qd_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* A small catalog: a dealer, products (one lot-tracked, one inactive, one without 助记码),
 * prices, and a statement. */
#define CATALOG_PAGE \
  "[" \
  "{\"entity\":\"region\",\"op\":\"upsert\",\"id\":\"r1\",\"data\":{\"id\":\"r1\",\"name\":\"华东\"}}," \
  "{\"entity\":\"dealer\",\"op\":\"upsert\",\"id\":\"d1\",\"data\":{\"id\":\"d1\",\"name\":\"杭州康达医药\"," \
  "  \"level\":\"regional\",\"parent_id\":null,\"region_id\":\"r1\",\"credit_limit_fen\":10000000,\"active\":true}}," \
  "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p1\",\"data\":{\"id\":\"p1\",\"sku\":\"VC-1000\"," \
  "  \"name\":\"维生素C泡腾片\",\"spec\":\"1g×20片\",\"category\":\"保健品\",\"unit\":\"盒\",\"pack_size\":10," \
  "  \"barcode\":\"6901234567890\",\"mnemonic\":\"\",\"lot_tracked\":false,\"active\":true}}," \
  "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p2\",\"data\":{\"id\":\"p2\",\"sku\":\"AMX-250\"," \
  "  \"name\":\"阿莫西林胶囊\",\"spec\":\"0.25g×24粒\",\"category\":\"药品\",\"unit\":\"盒\",\"pack_size\":1," \
  "  \"barcode\":\"6909876543210\",\"mnemonic\":\"AMXL\",\"lot_tracked\":true,\"active\":true}}," \
  "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p3\",\"data\":{\"id\":\"p3\",\"sku\":\"OLD-1\"," \
  "  \"name\":\"旧款口罩\",\"spec\":\"\",\"category\":\"器械\",\"unit\":\"包\",\"pack_size\":1," \
  "  \"barcode\":\"\",\"mnemonic\":\"\",\"lot_tracked\":false,\"active\":false}}," \
  "{\"entity\":\"price\",\"op\":\"upsert\",\"id\":\"pr1\",\"data\":{\"id\":\"pr1\",\"product_id\":\"p1\"," \
  "  \"level\":\"regional\",\"unit_price_fen\":1500}}," \
  "{\"entity\":\"price\",\"op\":\"upsert\",\"id\":\"pr2\",\"data\":{\"id\":\"pr2\",\"product_id\":\"p2\"," \
  "  \"level\":\"regional\",\"unit_price_fen\":2000}}," \
  "{\"entity\":\"price\",\"op\":\"upsert\",\"id\":\"pr3\",\"data\":{\"id\":\"pr3\",\"product_id\":\"p2\"," \
  "  \"dealer_id\":\"d1\",\"unit_price_fen\":1800}}," \
  "{\"entity\":\"statement\",\"op\":\"upsert\",\"id\":\"s1\",\"data\":{\"id\":\"s1\",\"dealer_id\":\"d1\"," \
  "  \"period\":\"2026-10\",\"version\":2,\"status\":\"issued\",\"opening_balance_fen\":100000," \
  "  \"closing_balance_fen\":150000,\"lines\":[" \
  "  {\"line_id\":\"l1\",\"date\":\"2026-10-03\",\"kind\":\"invoice\",\"ref\":\"SO-1\",\"amount_fen\":80000}," \
  "  {\"line_id\":\"l2\",\"date\":\"2026-10-20\",\"kind\":\"payment\",\"ref\":\"PAY-1\",\"amount_fen\":-30000}]}}" \
  "]"

static inline void
load_catalog (QdStore *store)
{
  g_autoptr(GError) error = NULL;

  apply_page (store, CATALOG_PAGE, "c-catalog", NULL, &error);
  g_assert_no_error (error);
  qd_store_set_meta (store, QD_STORE_META_DEALER_ID, "d1", &error);
  g_assert_no_error (error);
}
