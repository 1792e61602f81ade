/* test-store-list-model.c — the lazy product list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-product-list-model.h"
#include "store-test-util.h"

#define N_EXTRA 600

static void
set_up_big (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) page = g_string_new ("[");

  fixture_set_up (f, data);
  load_catalog (f->store);
  for (int i = 0; i < N_EXTRA; i++)
    g_string_append_printf (page, "%s{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"x%d\","
                            "\"data\":{\"sku\":\"X-%04d\",\"name\":\"批量商品%d号\","
                            "\"category\":\"批量\",\"pack_size\":1}}", i > 0 ? "," : "", i, i, i);
  g_string_append (page, "]");
  apply_page (f->store, page->str, "c-big", NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  guint position, removed, added, calls;
} Changed;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changed    *changed)
{
  changed->position = position;
  changed->removed = removed;
  changed->added = added;
  changed->calls++;
}

static void
test_model (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductListModel) model = qd_product_list_model_new (f->store);
  g_autoptr(QdProductRow) first = NULL;
  g_autoptr(QdProductRow) again = NULL;
  g_autoptr(QdProductRow) far = NULL;
  g_autoptr(QdProductRow) last = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sku = NULL;
  gint64 price = 0;
  Changed changed = { 0, };
  QdProductQuery all = { 0, };
  QdProductQuery search = { .text = "批量商品5" };

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == QD_TYPE_PRODUCT_ROW);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changed);

  /* The whole active catalog (limit 0 = all), by SKU. */
  g_assert_true (qd_product_list_model_set_query (model, &all, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed.calls, ==, 1);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, N_EXTRA + 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_EXTRA + 2);

  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (qd_product_row_get_sku (first), ==, "AMX-250");
  g_assert_cmpint (qd_product_row_get_price_fen (first), ==, 1800);
  g_object_get (first, "name", &name, "sku", &sku, "price-fen", &price, NULL);
  g_assert_cmpstr (name, ==, "阿莫西林胶囊");
  g_assert_cmpint (price, ==, 1800);
  /* The same position within a window is the same object. */
  again = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (again == first);

  /* Another window, and back: rows stay valid while a view holds them. */
  far = g_list_model_get_item (G_LIST_MODEL (model), 400);
  g_assert_cmpstr (qd_product_row_get_sku (far), ==, "X-0398");
  last = g_list_model_get_item (G_LIST_MODEL (model), N_EXTRA + 1);
  g_assert_cmpstr (qd_product_row_get_sku (last), ==, "X-0599");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), N_EXTRA + 2));
  g_assert_cmpstr (qd_product_row_get_name (first), ==, "阿莫西林胶囊");

  /* A search replaces everything. */
  g_assert_true (qd_product_list_model_set_query (model, &search, &error));
  g_assert_cmpuint (changed.calls, ==, 2);
  g_assert_cmpuint (changed.removed, ==, N_EXTRA + 2);
  g_assert_cmpuint (changed.added, ==, 111);  /* 5, 50–59, 500–599 */

  /* A product deleted after the search still yields an (empty) row. */
  apply_page (f->store, "[{\"entity\":\"product\",\"op\":\"delete\",\"id\":\"x5\"}]", "c-d",
              NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(QdProductRow) gone = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_autoptr(QdProductRow) row = NULL;

    /* Name matches come in rowid order: x5 first, now deleted. */
    g_assert_cmpstr (qd_product_row_get_id (gone), ==, "");
    g_assert_cmpstr (qd_product_row_get_name (gone), ==, "");

    /* refresh () after the sync brings the list up to date. */
    g_assert_true (qd_product_list_model_refresh (model, &error));
    g_assert_cmpuint (changed.calls, ==, 3);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 110);
    row = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_assert_cmpstr (qd_product_row_get_id (row), ==, "x50");
  }
  g_assert_true (qd_product_list_model_get_store (model) == f->store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/list-model/model", Fixture, NULL, set_up_big, test_model,
              fixture_tear_down);

  return g_test_run ();
}
