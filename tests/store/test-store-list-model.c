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

static gboolean
deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until @model has the rest of its list; fails after 30 s. */
static void
wait_complete (QdProductListModel *model)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (30, deadline_cb, &expired);

  while (!qd_product_list_model_is_complete (model) && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (id);
}

/* The model's rowids, read through its items' info. */
static GArray *
model_rowids (QdProductListModel *model)
{
  GArray *rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(QdProductRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_array_append_val (rowids, qd_product_row_get_info (row)->rowid);
    }
  return rowids;
}

static void
assert_same_rowids (GArray *a,
                    GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, gint64, i), ==, g_array_index (b, gint64, i));
}

/* Incremental mode: the first page at once, the rest from the worker thread, appended;
 * in the end exactly the list (and order) of the one-shot search. */
static void
test_incremental (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const texts[] = { "", "批", "批量", "x", "X-0", "5", "批量商品1", "阿莫" };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductListModel) model = qd_product_list_model_new (f->store);
  Changed changed = { 0, };

  qd_product_list_model_set_incremental (model, TRUE);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changed);

  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      QdProductQuery query = { .text = texts[t] };
      QdProductQuery every = { .text = texts[t], .limit = G_MAXUINT };
      g_autoptr(GArray) expected = qd_store_search_rowids (f->store, &every, NULL, &error);
      g_autoptr(GArray) got = NULL;
      guint calls;

      g_assert_no_error (error);
      g_test_message ("query \"%s\": %u matches", texts[t], expected->len);
      g_assert_true (qd_product_list_model_set_query (model, &query, &error));
      g_assert_no_error (error);
      calls = changed.calls;

      if (expected->len > QD_PRODUCT_LIST_MODEL_FIRST_PAGE)
        {
          /* The first page only, and the rest still coming. */
          g_assert_false (qd_product_list_model_is_complete (model));
          g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==,
                            QD_PRODUCT_LIST_MODEL_FIRST_PAGE);
          wait_complete (model);
          /* Appended with one change after the first page. */
          g_assert_cmpuint (changed.calls, ==, calls + 1);
          g_assert_cmpuint (changed.position, ==, QD_PRODUCT_LIST_MODEL_FIRST_PAGE);
          g_assert_cmpuint (changed.removed, ==, 0);
          g_assert_cmpuint (changed.added, ==, expected->len - QD_PRODUCT_LIST_MODEL_FIRST_PAGE);
        }
      else
        g_assert_true (qd_product_list_model_is_complete (model));
      got = model_rowids (model);
      assert_same_rowids (got, expected);
    }
  /* At least one query needed the worker. */
  g_assert_cmpuint (changed.calls, >, G_N_ELEMENTS (texts));
}

/* Typing faster than the rest arrives: each query supersedes the last one's worker, and
 * only the last query's list ends up in the model. */
static void
test_incremental_superseded (Fixture       *f,
                             gconstpointer  data)
{
  static const char * const texts[] = { "x", "批", "", "批量", "5", "x-" };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductListModel) model = qd_product_list_model_new (f->store);
  g_autoptr(GArray) expected = NULL;
  g_autoptr(GArray) got = NULL;
  QdProductQuery every = { .text = texts[G_N_ELEMENTS (texts) - 1], .limit = G_MAXUINT };

  qd_product_list_model_set_incremental (model, TRUE);
  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      QdProductQuery query = { .text = texts[t] };

      g_assert_true (qd_product_list_model_set_query (model, &query, &error));
      g_assert_no_error (error);
    }
  wait_complete (model);
  expected = qd_store_search_rowids (f->store, &every, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, >, QD_PRODUCT_LIST_MODEL_FIRST_PAGE);
  got = model_rowids (model);
  assert_same_rowids (got, expected);

  /* Nothing of the superseded workers arrives later. */
  for (int i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, expected->len);

  /* A model let go of while its worker runs is simply gone. */
  {
    QdProductQuery query = { .text = "批" };

    g_assert_true (qd_product_list_model_set_query (model, &query, &error));
    g_assert_false (qd_product_list_model_is_complete (model));
    g_assert_finalize_object (g_steal_pointer (&model));
  }
}

/* A new query keeps the items it shares at the top with the last one (a view keeps their
 * widgets); refresh (), for changed data, replaces every item. */
static void
test_keep_prefix (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductListModel) model = qd_product_list_model_new (f->store);
  g_autoptr(QdProductRow) first = NULL;
  g_autoptr(QdProductRow) again = NULL;
  g_autoptr(QdProductRow) row = NULL;
  Changed changed = { 0, };
  QdProductQuery x = { .text = "x" };
  QdProductQuery x_0 = { .text = "x-0" };
  QdProductQuery x_00 = { .text = "x-00" };
  QdProductQuery x_05 = { .text = "x-05" };

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changed);
  g_assert_true (qd_product_list_model_set_query (model, &x, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_EXTRA);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (qd_product_row_get_sku (first), ==, "X-0000");
  g_assert_cmpuint (changed.calls, ==, 1);

  /* The same 600 SKUs in the same order: nothing changed, the same items. */
  g_assert_true (qd_product_list_model_set_query (model, &x_0, &error));
  g_assert_cmpuint (changed.calls, ==, 1);
  again = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (again == first);
  g_clear_object (&again);

  /* The first 100 stay, the other 500 go. */
  g_assert_true (qd_product_list_model_set_query (model, &x_00, &error));
  g_assert_cmpuint (changed.calls, ==, 2);
  g_assert_cmpuint (changed.position, ==, 100);
  g_assert_cmpuint (changed.removed, ==, 500);
  g_assert_cmpuint (changed.added, ==, 0);
  again = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (again == first);
  g_clear_object (&again);
  row = g_list_model_get_item (G_LIST_MODEL (model), 99);
  g_assert_cmpstr (qd_product_row_get_sku (row), ==, "X-0099");
  g_clear_object (&row);

  /* Nothing in common: every item. */
  g_assert_true (qd_product_list_model_set_query (model, &x_05, &error));
  g_assert_cmpuint (changed.calls, ==, 3);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 100);
  g_assert_cmpuint (changed.added, ==, 100);
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (qd_product_row_get_sku (row), ==, "X-0500");

  /* refresh (): the same list, every item new (the data may have changed). */
  g_assert_true (qd_product_list_model_refresh (model, &error));
  g_assert_cmpuint (changed.calls, ==, 4);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 100);
  g_assert_cmpuint (changed.added, ==, 100);
  again = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (again != row);
  g_assert_cmpstr (qd_product_row_get_sku (again), ==, "X-0500");
}

/* A cancelled search stops inside SQLite with an error; the connection works on after. */
static void
test_cancellable_search (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = NULL;
  QdProductQuery every = { .text = "批", .limit = G_MAXUINT };

  g_cancellable_cancel (cancellable);
  _qd_store_set_cancellable (f->store, cancellable);
  rowids = qd_store_search_rowids (f->store, &every, NULL, &error);
  _qd_store_set_cancellable (f->store, NULL);
  g_assert_null (rowids);
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_FAILED);
  g_clear_error (&error);

  rowids = qd_store_search_rowids (f->store, &every, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rowids->len, ==, N_EXTRA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/list-model/model", Fixture, NULL, set_up_big, test_model,
              fixture_tear_down);
  g_test_add ("/store/list-model/incremental", Fixture, NULL, set_up_big, test_incremental,
              fixture_tear_down);
  g_test_add ("/store/list-model/incremental-superseded", Fixture, NULL, set_up_big,
              test_incremental_superseded, fixture_tear_down);
  g_test_add ("/store/list-model/keep-prefix", Fixture, NULL, set_up_big, test_keep_prefix,
              fixture_tear_down);
  g_test_add ("/store/list-model/cancellable-search", Fixture, NULL, set_up_big,
              test_cancellable_search, fixture_tear_down);

  return g_test_run ();
}
