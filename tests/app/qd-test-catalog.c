/* qd-test-catalog.c — generated catalogs in a real store file
 *
 * The catalog goes in through the store's change-feed API, exactly as a sync would put it
 * there, so the tests exercise the same rows and indexes as the real app. Names are
 * Chinese product names made of a brand, a product and a spec, so that search by Chinese
 * substring, pinyin initials and 助记码 all have something to find.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-test-catalog.h"

#define PAGE 2000

static const char * const brands[] = { "康宁", "华康", "瑞丰", "金桥", "安心", "佳禾", "泰和", "百盛" };
static const char * const items[] = {
  "一次性注射器", "医用口罩", "纱布块", "碘伏消毒液", "医用手套", "输液贴", "体温计",
  "棉签", "酒精棉片", "绷带", "血压计", "听诊器", "护理垫", "雾化器",
};
static const char * const mnemonics[] = {
  "ycxzsq", "yykz", "sbk", "dfxdy", "yyst", "syt", "twj", "mq", "jjmp", "bd", "xyj", "tzq",
  "hld", "whq",
};
static const char * const units[] = { "盒", "包", "瓶", "支", "个" };
static const char * const categories[] = { "注射穿刺", "防护用品", "敷料", "消毒用品", "诊断器械" };

char *
qd_test_catalog_product_id (guint index)
{
  return g_strdup_printf ("p_%u", index);
}

char *
qd_test_catalog_name (guint index)
{
  return g_strdup_printf ("%s%s", brands[index / G_N_ELEMENTS (items) % G_N_ELEMENTS (brands)],
                          items[index % G_N_ELEMENTS (items)]);
}

gint64
qd_test_catalog_price (guint index)
{
  /* ¥1.50 … ¥200.49, never a round number, so a wrong multiplication shows. */
  return 150 + (gint64) (index * 7919 % 19900);
}

gint64
qd_test_catalog_pack (guint index)
{
  static const gint64 packs[] = { 1, 10, 12, 50 };

  return packs[index % G_N_ELEMENTS (packs)];
}

static JsonObject *
product_object (guint index)
{
  JsonObject *o = json_object_new ();
  g_autofree char *id = qd_test_catalog_product_id (index);
  g_autofree char *name = qd_test_catalog_name (index);
  g_autofree char *sku = g_strdup_printf ("SKU%06u", index);
  g_autofree char *spec = g_strdup_printf ("%u型 %u只/%s", index % 9 + 1, (index % 5 + 1) * 10,
                                           units[index % G_N_ELEMENTS (units)]);
  g_autofree char *barcode = g_strdup_printf ("69%011u", index);
  g_autofree char *mnemonic = g_strdup_printf ("%s%u", mnemonics[index % G_N_ELEMENTS (items)],
                                               index);

  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "sku", sku);
  json_object_set_string_member (o, "name", name);
  json_object_set_string_member (o, "spec", spec);
  json_object_set_string_member (o, "category", categories[index % G_N_ELEMENTS (categories)]);
  json_object_set_string_member (o, "unit", units[index % G_N_ELEMENTS (units)]);
  json_object_set_int_member (o, "pack_size", qd_test_catalog_pack (index));
  json_object_set_string_member (o, "barcode", barcode);
  json_object_set_string_member (o, "mnemonic", mnemonic);
  json_object_set_boolean_member (o, "lot_tracked", index % 7 == 0);
  json_object_set_boolean_member (o, "active", TRUE);
  return o;
}

static JsonObject *
price_object (guint index)
{
  JsonObject *o = json_object_new ();
  g_autofree char *id = g_strdup_printf ("pr_%u", index);
  g_autofree char *product_id = qd_test_catalog_product_id (index);

  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "product_id", product_id);
  json_object_set_string_member (o, "dealer_id", QD_TEST_DEALER_ID);
  json_object_set_int_member (o, "unit_price_fen", qd_test_catalog_price (index));
  return o;
}

/**
 * qd_test_catalog_fill:
 * @store: an empty store
 * @n_products: how many products
 * @credit_limit_fen: the test dealer's credit limit
 *
 * Adds the dealer QD_TEST_DEALER_ID (the account's dealer), @n_products products and a
 * price of the dealer for each.
 */
gboolean
qd_test_catalog_fill (QdStore  *store,
                      guint     n_products,
                      gint64    credit_limit_fen,
                      GError  **error)
{
  g_autoptr(JsonObject) dealer = json_object_new ();

  if (!qd_store_set_meta (store, QD_STORE_META_DEALER_ID, QD_TEST_DEALER_ID, error))
    return FALSE;

  json_object_set_string_member (dealer, "id", QD_TEST_DEALER_ID);
  json_object_set_string_member (dealer, "name", "测试经销商");
  json_object_set_string_member (dealer, "level", "regional");
  json_object_set_null_member (dealer, "parent_id");
  json_object_set_string_member (dealer, "region_id", "r1");
  json_object_set_int_member (dealer, "credit_limit_fen", credit_limit_fen);
  json_object_set_boolean_member (dealer, "active", TRUE);

  if (!qd_store_begin_page (store, error)
      || !qd_store_apply_change (store, "dealer", "upsert", QD_TEST_DEALER_ID, dealer, error)
      || !qd_store_commit_page (store, "c0", NULL, error))
    return FALSE;

  for (guint start = 0; start < n_products; start += PAGE)
    {
      g_autofree char *cursor = g_strdup_printf ("c%u", start + 1);

      if (!qd_store_begin_page (store, error))
        return FALSE;
      for (guint i = start; i < MIN (start + PAGE, n_products); i++)
        {
          g_autoptr(JsonObject) product = product_object (i);
          g_autoptr(JsonObject) price = price_object (i);

          if (!qd_store_apply_change (store, "product", "upsert",
                                      json_object_get_string_member (product, "id"),
                                      product, error)
              || !qd_store_apply_change (store, "price", "upsert",
                                         json_object_get_string_member (price, "id"),
                                         price, error))
            {
              qd_store_rollback_page (store);
              return FALSE;
            }
        }
      if (!qd_store_commit_page (store, cursor, NULL, error))
        return FALSE;
    }
  /* As a sync does at its end: a large fill defers the search index and summaries, and
   * another connection (the app) would otherwise see the cache half-built for a minute. */
  return qd_store_end_bulk (store, error);
}

/**
 * qd_test_catalog_add_order:
 *
 * Adds an order as the server's feed would deliver it: one line of the product
 * @product_index at its catalog price.
 */
gboolean
qd_test_catalog_add_order (QdStore     *store,
                           const char  *id,
                           const char  *number,
                           const char  *status,
                           const char  *created_at,
                           guint        product_index,
                           gint64       qty,
                           GError     **error)
{
  g_autoptr(JsonObject) order = json_object_new ();
  JsonObject *line = json_object_new ();
  JsonArray *lines = json_array_new ();
  g_autofree char *product_id = qd_test_catalog_product_id (product_index);
  gint64 price = qd_test_catalog_price (product_index);

  json_object_set_string_member (line, "product_id", product_id);
  json_object_set_int_member (line, "qty", qty);
  json_object_set_int_member (line, "unit_price_fen", price);
  json_object_set_int_member (line, "total_fen", price * qty);
  json_array_add_object_element (lines, line);

  json_object_set_string_member (order, "id", id);
  json_object_set_string_member (order, "number", number);
  json_object_set_string_member (order, "dealer_id", QD_TEST_DEALER_ID);
  json_object_set_string_member (order, "status", status);
  json_object_set_string_member (order, "created_at", created_at);
  json_object_set_null_member (order, "client_order_id");
  json_object_set_string_member (order, "note", "");
  json_object_set_array_member (order, "lines", lines);
  json_object_set_int_member (order, "total_fen", price * qty);

  if (!qd_store_begin_page (store, error))
    return FALSE;
  if (!qd_store_apply_change (store, "order", "upsert", id, order, error))
    {
      qd_store_rollback_page (store);
      return FALSE;
    }
  {
    g_autofree char *cursor = g_strdup_printf ("order-%s", id);

    return qd_store_commit_page (store, cursor, NULL, error);
  }
}

/**
 * qd_test_catalog_add_orders:
 *
 * Adds @n_orders shipped orders of @lines_per_order lines each, spread over two years and
 * over the catalog, through the feed API in pages of 500 orders (benchmarks: a dealer's
 * order history).
 */
gboolean
qd_test_catalog_add_orders (QdStore  *store,
                            guint     n_products,
                            guint     n_orders,
                            guint     lines_per_order,
                            GError  **error)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2024, 11, 1, 8, 0, 0);

  for (guint first = 0; first < n_orders; first += 500)
    {
      g_autofree char *cursor = g_strdup_printf ("orders-%u", first);

      if (!qd_store_begin_page (store, error))
        return FALSE;
      for (guint o = first; o < MIN (first + 500, n_orders); o++)
        {
          g_autoptr(JsonObject) order = json_object_new ();
          JsonArray *lines = json_array_new ();
          g_autofree char *id = g_strdup_printf ("ob_%u", o);
          g_autofree char *number = g_strdup_printf ("SO-B-%07u", o);
          g_autoptr(GDateTime) when = g_date_time_add_minutes (start, (int) (o % 1000000));
          g_autofree char *created = g_date_time_format_iso8601 (when);
          gint64 total = 0;

          for (guint l = 0; l < lines_per_order; l++)
            {
              JsonObject *line = json_object_new ();
              guint index = (o * 7 + l * 131) % n_products;
              g_autofree char *product_id = qd_test_catalog_product_id (index);
              gint64 qty = qd_test_catalog_pack (index) * (1 + l % 3);
              gint64 price = qd_test_catalog_price (index);

              json_object_set_string_member (line, "product_id", product_id);
              json_object_set_int_member (line, "qty", qty);
              json_object_set_int_member (line, "unit_price_fen", price);
              json_object_set_int_member (line, "total_fen", price * qty);
              json_array_add_object_element (lines, line);
              total += price * qty;
            }
          json_object_set_string_member (order, "id", id);
          json_object_set_string_member (order, "number", number);
          json_object_set_string_member (order, "dealer_id", QD_TEST_DEALER_ID);
          json_object_set_string_member (order, "status", "shipped");
          json_object_set_string_member (order, "created_at", created);
          json_object_set_null_member (order, "client_order_id");
          json_object_set_string_member (order, "note", "");
          json_object_set_array_member (order, "lines", lines);
          json_object_set_int_member (order, "total_fen", total);
          if (!qd_store_apply_change (store, "order", "upsert", id, order, error))
            {
              qd_store_rollback_page (store);
              return FALSE;
            }
        }
      if (!qd_store_commit_page (store, cursor, NULL, error))
        return FALSE;
    }
  return qd_store_end_bulk (store, error);
}
