/* test-store-search.c — catalog search: Chinese substrings, SKU, barcode, 助记码, pinyin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "store-test-util.h"

#define MORE_PRODUCTS \
  "[" \
  "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p4\",\"data\":{\"sku\":\"AMX\"," \
  "  \"name\":\"测试用品\",\"category\":\"药品\",\"pack_size\":1}}," \
  "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p5\",\"data\":{\"sku\":\"Z-1\"," \
  "  \"name\":\"替代AMX品\",\"category\":\"药品\",\"pack_size\":1}}," \
  "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p6\",\"data\":{\"sku\":\"YX-9\"," \
  "  \"name\":\"银行卡\\\"特别\\\"版\",\"spec\":\"泡腾片装\",\"category\":\"其他\",\"pack_size\":1}}" \
  "]"

static GPtrArray *
search (QdStore    *store,
        const char *text)
{
  g_autoptr(GError) error = NULL;
  QdProductQuery query = { .text = text };
  GPtrArray *results = qd_store_search_products (store, &query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

/* The ids of the results, space-separated, for compact assertions. */
static char *
ids_of (GPtrArray *results)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < results->len; i++)
    {
      QdProductInfo *info = g_ptr_array_index (results, i);

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", info->id);
    }
  return g_string_free (out, FALSE);
}

static char *
search_ids (QdStore    *store,
            const char *text)
{
  g_autoptr(GPtrArray) results = search (store, text);

  return ids_of (results);
}

static void
set_up_catalog (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up (f, data);
  load_catalog (f->store);
  apply_page (f->store, MORE_PRODUCTS, "c-more", NULL, &error);
  g_assert_no_error (error);
}

static void
check (QdStore    *store,
       const char *text,
       const char *expected)
{
  g_autofree char *ids = search_ids (store, text);

  g_test_message ("“%s” → %s", text, ids);
  g_assert_cmpstr (ids, ==, expected);
}

static void
test_chinese (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) results = NULL;

  check (f->store, "维生素", "p1");          /* 3 characters: FTS trigram */
  check (f->store, "生素C泡腾", "p1");
  check (f->store, "泡腾", "p1");            /* 2 characters: the pair index (names only) */
  check (f->store, "腾片", "p1");
  check (f->store, "银行", "p6");
  check (f->store, "泡腾片", "p1 p6");       /* 3+: trigrams over name and spec */
  check (f->store, "胶", "p2");              /* 1 character */
  check (f->store, "西林胶囊", "p2");
  check (f->store, "口罩", "");              /* inactive products are hidden */
  check (f->store, "不存在的东西", "");
  check (f->store, "\"特别\"", "p6");        /* FTS syntax in the text is taken literally */
  check (f->store, "\"", "p6");
  check (f->store, "C", "p4 p1");            /* p4 by its initials (csyp), p1 by name */
  check (f->store, "c泡", "p1");

  results = search (f->store, "维生素");
  g_assert_cmpint (((QdProductInfo *) results->pdata[0])->rank, ==, QD_MATCH_NAME);
}

static void
test_codes (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) results = NULL;

  check (f->store, "VC-1000", "p1");         /* exact SKU */
  check (f->store, "vc-1", "p1");            /* SKU prefix, any case */
  check (f->store, "6909876543210", "p2");   /* exact barcode */
  check (f->store, "690123", "p1");          /* barcode prefix */
  check (f->store, "690", "p1 p2");
  check (f->store, "amxl", "p2");            /* 助记码 */
  check (f->store, "AmX", "p4 p2 p5");       /* ranking: exact SKU, prefix, then name */
  check (f->store, "wsscptp", "p1");         /* pinyin initials: 维生素C泡腾片 */
  check (f->store, "wssc", "p1");
  check (f->store, "csyp", "p4");            /* 测试用品 */
  check (f->store, "  vc-1000  ", "p1");     /* surrounding blanks are ignored */

  results = search (f->store, "AmX");
  g_assert_cmpint (((QdProductInfo *) results->pdata[0])->rank, ==, QD_MATCH_EXACT);
  g_assert_cmpint (((QdProductInfo *) results->pdata[1])->rank, ==, QD_MATCH_PREFIX);
  g_assert_cmpint (((QdProductInfo *) results->pdata[2])->rank, ==, QD_MATCH_NAME);
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autofree char *ids = NULL;
  QdProductQuery query = { .text = "", .category = "药品" };

  results = qd_store_search_products (f->store, &query, &error);
  g_assert_no_error (error);
  ids = ids_of (results);
  g_assert_cmpstr (ids, ==, "p4 p2 p5");     /* the whole category, by SKU */

  g_ptr_array_unref (results);
  g_free (ids);
  query.text = "amx";
  query.limit = 1;
  results = qd_store_search_products (f->store, &query, &error);
  ids = ids_of (results);
  g_assert_cmpstr (ids, ==, "p4");

  g_ptr_array_unref (results);
  g_free (ids);
  query = (QdProductQuery) { .text = "口罩", .include_inactive = TRUE };
  results = qd_store_search_products (f->store, &query, &error);
  ids = ids_of (results);
  g_assert_cmpstr (ids, ==, "p3");

  /* Ordered before: only products in some order line. */
  apply_page (f->store,
              "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o1\",\"data\":{\"number\":\"SO-1\","
              "  \"dealer_id\":\"d1\",\"status\":\"completed\",\"created_at\":\"2026-10-01T08:00:00Z\","
              "  \"total_fen\":1800,\"lines\":[{\"product_id\":\"p2\",\"qty\":1,\"unit_price_fen\":1800,"
              "  \"total_fen\":1800}]}}]", "c-o", NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_unref (results);
  g_free (ids);
  query = (QdProductQuery) { .text = "amx", .ordered_before = TRUE };
  results = qd_store_search_products (f->store, &query, &error);
  ids = ids_of (results);
  g_assert_cmpstr (ids, ==, "p2");
  g_assert_cmpstr (((QdProductInfo *) results->pdata[0])->last_ordered, ==,
                   "2026-10-01T08:00:00Z");

  categories = qd_store_list_categories (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (categories->len, ==, 4);
}

static void
test_product_details (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductInfo) p1 = qd_store_get_product (f->store, "p1", &error);
  g_autoptr(QdProductInfo) p2 = qd_store_get_product (f->store, "p2", &error);
  g_autoptr(QdProductInfo) p4 = qd_store_get_product (f->store, "p4", &error);
  g_autoptr(QdProductInfo) again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (p1->name, ==, "维生素C泡腾片");
  g_assert_cmpint (p1->pack_size, ==, 10);
  g_assert_cmpint (p1->price_fen, ==, 1500);   /* the level price */
  g_assert_cmpint (p2->price_fen, ==, 1800);   /* the dealer's own price wins */
  g_assert_true (p2->lot_tracked);
  g_assert_cmpint (p4->price_fen, ==, -1);     /* no price */
  g_assert_null (p1->last_ordered);

  again = qd_store_get_product_by_rowid (f->store, p1->rowid, &error);
  g_assert_cmpstr (again->id, ==, "p1");
  g_assert_null (qd_store_get_product (f->store, "p404", &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
}

/* Renaming a product updates the FTS index; deleting removes it. */
static void
test_index_follows_changes (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  apply_page (f->store,
              "[{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p1\",\"data\":{\"sku\":\"VC-1000\","
              "  \"name\":\"复合维生素片\",\"mnemonic\":\"FHW\",\"pack_size\":10}},"
              " {\"entity\":\"product\",\"op\":\"delete\",\"id\":\"p2\"}]", "c-x", NULL, &error);
  g_assert_no_error (error);
  check (f->store, "泡腾片", "p6");         /* only the spec of p6 now */
  check (f->store, "复合维生素", "p1");
  check (f->store, "wssc", "");
  check (f->store, "fhw", "p1");
  check (f->store, "西林胶囊", "");
  check (f->store, "6909876543210", "");
}

static void
test_invalid_text (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QdProductQuery query = { .text = "\xff\xfe" };

  g_assert_null (qd_store_search_products (f->store, &query, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, set_up_catalog, fn, fixture_tear_down)
  ADD ("/store/search/chinese", test_chinese);
  ADD ("/store/search/codes", test_codes);
  ADD ("/store/search/filters", test_filters);
  ADD ("/store/search/product-details", test_product_details);
  ADD ("/store/search/index-follows-changes", test_index_follows_changes);
  ADD ("/store/search/invalid-text", test_invalid_text);
#undef ADD

  return g_test_run ();
}
