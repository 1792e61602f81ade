/* test-order.c — the Order and Orders pages on a real store file with a generated catalog:
 * the lazy catalog model, search and filters, the cart (pack sizes, totals, credit,
 * persistence), submitting (order + outbox in the store), and the Orders page (list,
 * filters, detail, cancel, re-order, a rejected order edited and resubmitted)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "qd-application.h"
#include "qd-cart-pane.h"
#include "qd-catalog-slot.h"
#include "qd-money.h"
#include "qd-order-item.h"
#include "qd-order-page.h"
#include "qd-orders-page.h"
#include "qd-product-list-model.h"
#include "qd-test-catalog.h"
#include "qd-test-util.h"
#include "qd-window.h"
#include "qd-test-files.h"

/* Small catalogs keep the test quick under AddressSanitizer; the lazy-model test uses one
 * larger than the model's cache, so that the cache bound is exercised. */
#define N_PRODUCTS 420
#define N_PRODUCTS_LAZY 1500
#define CREDIT_LIMIT 1000000  /* ¥10,000.00 */

static QdApplication *app;

/* Catalogs are generated once per size into template files that each test copies: under
 * AddressSanitizer with slow unwinding, generating one costs seconds. */
static char *template_dir;

static char *
template_for (guint n_products)
{
  g_autofree char *name = g_strdup_printf ("catalog-%u.sqlite", n_products);
  char *path = g_build_filename (template_dir, name, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdStore) store = qd_store_open (path, &error);

      g_assert_no_error (error);
      qd_test_catalog_fill (store, n_products, CREDIT_LIMIT, &error);
      g_assert_no_error (error);
      /* Fold the WAL into the main file so that copying the file alone is enough. */
      g_clear_object (&store);
    }
  return path;
}

typedef struct
{
  guint n_products;
  char *dir;
  char *path;
  QdStore *store;
  QdWindow *window;
  QdOrderPage *order_page;
  QdOrdersPage *orders_page;
  QdCartPane *cart;
} Fixture;

/* One window serves the tests in turn, each with its own store: building a window is what
 * costs most under AddressSanitizer. A test that needs a fresh one (a restart) closes it. */
static QdWindow *shared_window;

static void
open_window (Fixture *f)
{
  if (shared_window == NULL)
    shared_window = g_object_ref (qd_window_new (app));
  f->window = shared_window;
  qd_window_set_store (f->window, f->store);
  f->order_page = QD_ORDER_PAGE (qd_test_find_widget (GTK_WIDGET (f->window),
                                                      QD_TYPE_ORDER_PAGE, NULL));
  f->orders_page = QD_ORDERS_PAGE (qd_test_find_widget (GTK_WIDGET (f->window),
                                                        QD_TYPE_ORDERS_PAGE, NULL));
  g_assert_nonnull (f->order_page);
  g_assert_nonnull (f->orders_page);
  f->cart = qd_order_page_get_cart_pane (f->order_page);
  qd_window_set_page (f->window, "order");
}

static void
close_window (Fixture *f)
{
  g_assert_true (f->window == shared_window);
  shared_window = NULL;
  gtk_window_destroy (GTK_WINDOW (f->window));
  qd_test_drain ();
  g_assert_finalize_object (f->window);
  f->window = NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->n_products = data != NULL ? GPOINTER_TO_UINT (data) : N_PRODUCTS;
  f->dir = g_dir_make_tmp ("qudao-order-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cache.sqlite", NULL);
  {
    g_autofree char *template = template_for (f->n_products);
    g_autoptr(GFile) from = g_file_new_for_path (template);
    g_autoptr(GFile) to = g_file_new_for_path (f->path);

    g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  open_window (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  /* The window lets go of the store; the store must then be gone. */
  if (f->window != NULL)
    qd_window_set_store (f->window, NULL);
  qd_test_drain ();
  g_assert_finalize_object (f->store);
  qd_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* The model's query in the test's words. */
static gboolean
set_query (QdProductListModel  *model,
           const char          *text,
           const char          *category,
           gboolean             ordered_before,
           GError             **error)
{
  QdProductQuery query = { .text = text, .category = category,
                           .ordered_before = ordered_before, .limit = 0 };

  return qd_product_list_model_set_query (model, &query, error);
}

static guint
n_items (gpointer model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

/* How many generated products have item name @item_index (their index mod 14). */
static guint
count_item (guint item_index)
{
  guint n = 0;

  for (guint i = 0; i < N_PRODUCTS; i++)
    if (i % 14 == item_index)
      n++;
  return n;
}

static gboolean
deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The page's model is incremental: runs the main context until the rest of its list has
 * arrived from the worker thread (fails after 30 s). */
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

static gboolean
page_shows (Fixture    *f,
            const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  qd_test_collect_labels (GTK_WIDGET (f->order_page), texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

static void
test_model_lazy (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(QdProductListModel) model = qd_product_list_model_new (f->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductRow) last = NULL;
  g_autoptr(QdProductRow) first = NULL;
  g_autofree char *last_id = qd_test_catalog_product_id (f->n_products - 1);

  g_assert_cmpuint (n_items (model), ==, 0);
  g_assert_true (qd_product_list_model_refresh (model, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_items (model), ==, f->n_products);
  /* The page shows the same catalog: its first page at once, counted when the rest has
   * come from the worker thread. */
  qd_order_page_set_search_text (f->order_page, "");
  if (f->n_products > QD_PRODUCT_LIST_MODEL_FIRST_PAGE)
    {
      g_autofree char *partial = g_strdup_printf ("%u or more products",
                                                  QD_PRODUCT_LIST_MODEL_FIRST_PAGE);

      g_assert_false (qd_product_list_model_is_complete (qd_order_page_get_model (f->order_page)));
      g_assert_cmpuint (n_items (qd_order_page_get_model (f->order_page)), ==,
                        QD_PRODUCT_LIST_MODEL_FIRST_PAGE);
      g_assert_true (page_shows (f, partial));
    }
  wait_complete (qd_order_page_get_model (f->order_page));
  g_assert_cmpuint (n_items (qd_order_page_get_model (f->order_page)), ==, f->n_products);
  {
    g_autofree char *count = g_strdup_printf ("%u products", f->n_products);

    g_assert_true (page_shows (f, count));
  }
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == QD_TYPE_PRODUCT_ROW);

  /* Rows are read only when asked for, a window at a time. */
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (qd_product_row_get_sku (first), ==, "SKU000000");
  g_assert_cmpint (qd_product_row_get_price_fen (first), ==, qd_test_catalog_price (0));
  for (guint i = 0; i < f->n_products; i++)
    {
      g_autoptr(QdProductRow) p = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_nonnull (p);
    }
  last = g_list_model_get_item (G_LIST_MODEL (model), f->n_products - 1);
  g_assert_cmpstr (qd_product_row_get_id (last), ==, last_id);
  g_assert_cmpint (qd_product_row_get_pack_size (last), ==, qd_test_catalog_pack (f->n_products - 1));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), f->n_products));
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  QdProductListModel *page_model = qd_order_page_get_model (f->order_page);
  /* The page's search field goes through its model; the other queries go to a model of
   * their own, without a view, which keeps the test quick under AddressSanitizer. */
  g_autoptr(QdProductListModel) model = qd_product_list_model_new (f->store);
  g_autoptr(GError) error = NULL;

#define SEARCH(text) \
  G_STMT_START { \
    g_assert_true (set_query (model, text, NULL, FALSE, &error)); \
    g_assert_no_error (error); \
  } G_STMT_END

  /* Chinese substring of the name, typed in the page's search field: 一次性注射器 is
   * item 0. */
  qd_order_page_set_search_text (f->order_page, "注射器");
  g_assert_cmpuint (n_items (page_model), ==, count_item (0));

  /* The brand and the item together narrow it down further. */
  SEARCH ("康宁医用口罩");
  g_assert_cmpuint (n_items (model), >, 0);
  g_assert_cmpuint (n_items (model), <, count_item (1));
  {
    g_autoptr(QdProductRow) p = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_cmpstr (qd_product_row_get_name (p), ==, "康宁医用口罩");
  }

  /* 助记码 prefix: every product of item 3 (dfxdy) has one starting with it. */
  SEARCH ("dfxdy");
  g_assert_cmpuint (n_items (model), ==, count_item (3));

  /* The exact SKU comes first. */
  SEARCH ("SKU000042");
  g_assert_cmpuint (n_items (model), >=, 1);
  {
    g_autoptr(QdProductRow) p = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_cmpstr (qd_product_row_get_sku (p), ==, "SKU000042");
  }

  SEARCH ("没有这种东西");
  g_assert_cmpuint (n_items (model), ==, 0);

  SEARCH ("");
  g_assert_cmpuint (n_items (model), ==, N_PRODUCTS);
#undef SEARCH

  /* Category filter. */
  g_assert_true (set_query (model, NULL, "敷料", FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_items (model), ==, N_PRODUCTS / 5);

  /* "Ordered before": only what appears in an order. */
  g_assert_true (set_query (model, NULL, NULL, TRUE, &error));
  g_assert_cmpuint (n_items (model), ==, 0);
  qd_test_catalog_add_order (f->store, "o_1", "SO-1", "shipped", "2026-11-02T03:04:05Z", 7,
                             12, &error);
  g_assert_no_error (error);
  g_assert_true (qd_product_list_model_refresh (model, &error));
  g_assert_cmpuint (n_items (model), ==, 1);
  {
    g_autoptr(QdProductRow) p = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_cmpstr (qd_product_row_get_id (p), ==, "p_7");
    g_assert_true (g_str_has_prefix (qd_product_row_get_last_ordered (p), "2026-11-02"));
  }
}

static gboolean
view_shows (GtkWidget  *view,
            const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  qd_test_collect_labels (view, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* Some label under @root contains @needle. */
static gboolean
labels_contain (GtkWidget  *root,
                const char *needle)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  qd_test_collect_labels (root, texts);
  for (guint i = 0; i < texts->len; i++)
    if (strstr (g_ptr_array_index (texts, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

/* Every item of the view's model (a slot) shows the product at its position in the
 * page's model: slots further down than those given their product at once get it from an
 * idle (qd-catalog-model.c), which the caller has drained. */
static void
assert_slots_follow_rows (GtkSelectionModel  *selection,
                          QdProductListModel *rows)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (rows));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdCatalogSlot) slot = g_list_model_get_item (G_LIST_MODEL (selection), i);
      g_autoptr(QdProductRow) row = g_list_model_get_item (G_LIST_MODEL (rows), i);

      g_assert_cmpstr (qd_product_row_get_sku (qd_catalog_slot_get_row (slot)), ==,
                       qd_product_row_get_sku (row));
    }
}

/* The catalog view keeps its row widgets across searches (one slot per position,
 * qd-catalog-model.c): the cells must show the new products, and the selected row the
 * new product in the cart's quantity box. */
static void
test_view_follows_search (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *view = qd_test_find_widget (GTK_WIDGET (f->order_page), GTK_TYPE_COLUMN_VIEW, NULL);
  GtkSelectionModel *selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (view));
  GtkWidget *search = qd_test_find_widget (GTK_WIDGET (f->order_page), GTK_TYPE_SEARCH_ENTRY, NULL);
  g_autofree char *name_10 = NULL;
  g_autofree char *name_20 = NULL;

  qd_test_show_window (GTK_WINDOW (f->window));
  g_assert_true (view_shows (view, "SKU000000"));

  qd_order_page_set_search_text (f->order_page, "SKU000010");
  qd_test_drain ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 1);
  g_assert_true (view_shows (view, "SKU000010"));
  g_assert_false (view_shows (view, "SKU000000"));
  g_signal_emit_by_name (search, "activate");
  {
    g_autoptr(QdProductRow) row = g_list_model_get_item (G_LIST_MODEL (qd_order_page_get_model (f->order_page)), 0);

    name_10 = g_strdup (qd_product_row_get_name (row));
  }
  g_assert_true (labels_contain (GTK_WIDGET (f->cart), name_10));

  /* Another product at the same position: the same row widgets, the new texts, and the
   * selected product follows too. */
  qd_order_page_set_search_text (f->order_page, "SKU000021");
  qd_test_drain ();
  g_assert_true (view_shows (view, "SKU000021"));
  g_assert_false (view_shows (view, "SKU000010"));
  {
    g_autoptr(QdProductRow) row = g_list_model_get_item (G_LIST_MODEL (qd_order_page_get_model (f->order_page)), 0);

    name_20 = g_strdup (qd_product_row_get_name (row));
  }
  g_assert_cmpstr (name_10, !=, name_20);
  g_assert_true (labels_contain (GTK_WIDGET (f->cart), name_20));

  /* Back to the whole catalog: the first products again, in the rows that showed one. */
  qd_order_page_set_search_text (f->order_page, "");
  qd_test_drain ();
  g_assert_true (view_shows (view, "SKU000000"));
  g_assert_true (view_shows (view, "SKU000001"));
  assert_slots_follow_rows (selection, qd_order_page_get_model (f->order_page));

  /* A search that changes the products of every row the view has built, more of them
   * than get their product at once: once idle, each row shows its new product. */
  qd_order_page_set_search_text (f->order_page, "SKU0001");
  qd_test_drain ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 100);
  assert_slots_follow_rows (selection, qd_order_page_get_model (f->order_page));
  g_assert_true (view_shows (view, "SKU000100"));
}

static void
test_cart_totals (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) stored = NULL;
  gint64 expected;

  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 0);
  g_assert_cmpint (qd_cart_pane_get_total_fen (f->cart), ==, 0);

  /* p_1 comes in packs of 10: 15 is rounded up to 20. */
  g_assert_cmpint (qd_test_catalog_pack (1), ==, 10);
  g_assert_true (qd_cart_pane_add (f->cart, "p_1", 15, &error));
  g_assert_no_error (error);
  /* p_0 comes by the piece. */
  g_assert_true (qd_cart_pane_add (f->cart, "p_0", 3, &error));
  g_assert_no_error (error);
  /* Adding the same product again adds to its line. */
  g_assert_true (qd_cart_pane_add (f->cart, "p_0", 2, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 2);
  expected = qd_test_catalog_price (1) * 20 + qd_test_catalog_price (0) * 5;
  g_assert_cmpint (qd_cart_pane_get_total_fen (f->cart), ==, expected);
  g_assert_false (qd_cart_pane_get_over_credit (f->cart));

  stored = qd_store_cart_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpstr (g_array_index (stored, QdCartLine, 0).product_id, ==, "p_1");
  g_assert_cmpint (g_array_index (stored, QdCartLine, 0).qty, ==, 20);

  /* The total shown is the formatted sum. */
  {
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *formatted = qd_money_format (expected, QD_MONEY_FORMAT_DEFAULT);

    qd_test_collect_labels (GTK_WIDGET (f->cart), texts);
    g_assert_true (g_ptr_array_find_with_equal_func (texts, formatted, g_str_equal, NULL));
  }

  /* Over the credit limit: a warning, but the order can still be saved (the brand
   * decides). */
  g_assert_true (qd_cart_pane_set_qty (f->cart, "p_1", 100000, &error));
  g_assert_no_error (error);
  g_assert_true (qd_cart_pane_get_over_credit (f->cart));
  g_assert_true (qd_cart_pane_set_qty (f->cart, "p_1", 0, &error));
  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 1);
  g_assert_false (qd_cart_pane_get_over_credit (f->cart));

  /* Bad input gets an error, never a crash. */
  g_assert_false (qd_cart_pane_add (f->cart, "p_no_such", 1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (qd_cart_pane_add (f->cart, "p_0", -4, &error));
  g_assert_nonnull (error);
}

static void
order_queued_cb (QdCartPane  *cart,
                 const char  *order_id,
                 char       **out)
{
  g_free (*out);
  *out = g_strdup (order_id);
}

static void
test_cart_submit (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *queued = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(QdOrderInfo) order = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  AdwMessageDialog *dialog;
  gint64 total;

  g_signal_connect (f->cart, "order-queued", G_CALLBACK (order_queued_cb), &queued);
  g_assert_true (qd_cart_pane_add (f->cart, "p_2", 24, &error));
  g_assert_true (qd_cart_pane_add (f->cart, "p_5", 10, &error));
  g_assert_no_error (error);
  total = qd_cart_pane_get_total_fen (f->cart);

  /* Submit asks first, with a summary. */
  qd_cart_pane_confirm_submit (f->cart);
  dialog = ADW_MESSAGE_DIALOG (qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "2 lines"));
  adw_message_dialog_response (dialog, "submit");
  gtk_window_destroy (GTK_WINDOW (dialog));
  qd_test_drain ();

  g_assert_nonnull (queued);
  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 0);

  order = qd_store_get_order (f->store, queued, &lines, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (order->status, ==, "queued");
  g_assert_null (order->number);
  g_assert_cmpint (order->total_fen, ==, total);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_PENDING), ==, 1);
  outbox = qd_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((QdOutboxItem *) g_ptr_array_index (outbox, 0))->type, ==, "order.submit");
  g_assert_cmpstr (((QdOutboxItem *) g_ptr_array_index (outbox, 0))->entity_id, ==, queued);

  /* The Orders page lists it as not yet sent. */
  qd_orders_page_reload (f->orders_page);
  g_assert_cmpuint (n_items (qd_orders_page_get_model (f->orders_page)), ==, 1);
  {
    g_autoptr(QdOrderItem) item = g_list_model_get_item (qd_orders_page_get_model (f->orders_page), 0);

    g_assert_cmpstr (qd_order_item_get_id (item), ==, queued);
    g_assert_cmpstr (qd_order_status_label (qd_order_item_get_info (item)->status), ==,
                     "Not yet sent");
  }

  /* An empty cart cannot be submitted. */
  g_assert_null (qd_cart_pane_submit (f->cart, &error));
  g_assert_nonnull (error);
}

static void
test_cart_persists (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkEntry *note;

  g_assert_true (qd_cart_pane_add (f->cart, "p_3", 50, &error));
  g_assert_no_error (error);
  note = GTK_ENTRY (qd_test_find_widget (GTK_WIDGET (f->cart), GTK_TYPE_ENTRY, NULL));
  gtk_editable_set_text (GTK_EDITABLE (note), "周五前送到");

  /* A restart: a new window on a newly opened store file. */
  close_window (f);
  g_assert_finalize_object (f->store);
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  open_window (f);

  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 1);
  g_assert_cmpint (qd_cart_pane_get_total_fen (f->cart), ==, qd_test_catalog_price (3) * 50);
  note = GTK_ENTRY (qd_test_find_widget (GTK_WIDGET (f->cart), GTK_TYPE_ENTRY, NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (note)), ==, "周五前送到");
}

static void
test_orders_list (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GListModel *model = qd_orders_page_get_model (f->orders_page);

  qd_test_catalog_add_order (f->store, "o_1", "SO-0001", "shipped", "2026-10-02T03:04:05Z", 1,
                             10, &error);
  qd_test_catalog_add_order (f->store, "o_2", "SO-0002", "held", "2026-11-12T06:30:00Z", 4, 5,
                             &error);
  qd_test_catalog_add_order (f->store, "o_3", "SO-0003", "approved", "2026-11-20T08:00:00Z",
                             9, 10, &error);
  g_assert_no_error (error);

  qd_orders_page_reload (f->orders_page);
  g_assert_cmpuint (n_items (model), ==, 3);
  {
    g_autoptr(QdOrderItem) newest = g_list_model_get_item (model, 0);

    g_assert_cmpstr (qd_order_item_get_info (newest)->number, ==, "SO-0003");
  }

  qd_orders_page_set_filter (f->orders_page, "held", NULL, NULL, NULL);
  g_assert_cmpuint (n_items (model), ==, 1);
  qd_orders_page_set_filter (f->orders_page, NULL, "2026-11-01", "2026-11-30", NULL);
  g_assert_cmpuint (n_items (model), ==, 2);
  qd_orders_page_set_filter (f->orders_page, NULL, NULL, NULL, "SO-0001");
  g_assert_cmpuint (n_items (model), ==, 1);
  /* By product: p_4 is a 康宁碘伏消毒液 … */
  qd_orders_page_set_filter (f->orders_page, NULL, NULL, NULL, "SKU000004");
  g_assert_cmpuint (n_items (model), ==, 1);
  /* A malformed date is flagged, not a crash. */
  qd_orders_page_set_filter (f->orders_page, NULL, "2026-13-45", NULL, NULL);
  qd_orders_page_set_filter (f->orders_page, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (n_items (model), ==, 3);

  /* Detail and cancel of a held order: queued as a mutation, the order stays until the
   * server answers. */
  g_assert_true (qd_orders_page_show_order (f->orders_page, "o_2"));
  g_assert_true (qd_orders_page_cancel_now (f->orders_page, "不需要了", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_PENDING), ==, 1);

  /* A shipped order can no longer be cancelled: the store says so. */
  g_assert_true (qd_orders_page_show_order (f->orders_page, "o_1"));
  g_assert_false (qd_orders_page_cancel_now (f->orders_page, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Re-order fills the cart with the order's lines and shows the Order page. */
  g_signal_emit_by_name (f->orders_page, "reorder", "o_1");
  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 1);
  g_assert_cmpint (qd_cart_pane_get_total_fen (f->cart), ==, qd_test_catalog_price (1) * 10);
  g_assert_cmpstr (qd_window_get_page (f->window), ==, "order");
}

static void
test_rejected_resubmit (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *order_id = NULL;
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(QdOrderInfo) order = NULL;
  QdOutboxItem *item;
  gboolean found = FALSE;

  g_assert_true (qd_cart_pane_add (f->cart, "p_8", 40, &error));
  order_id = qd_cart_pane_submit (f->cart, &error);
  g_assert_no_error (error);

  /* The server refuses it, as the sync engine would record it. */
  claimed = qd_store_outbox_claim (f->store, "test", 10, g_get_real_time () / 1000, 60000,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 1);
  item = g_ptr_array_index (claimed, 0);
  g_assert_true (qd_store_outbox_rejected (f->store, item->id, "credit_limit_exceeded",
                                           "The order total exceeds the available credit by ¥120.00.",
                                           &error));
  g_assert_no_error (error);

  /* The detail shows the reason and offers Edit and Resubmit. */
  g_assert_true (qd_orders_page_show_order (f->orders_page, order_id));
  qd_test_collect_labels (GTK_WIDGET (f->orders_page), texts);
  for (guint i = 0; i < texts->len; i++)
    if (strstr (g_ptr_array_index (texts, i), "exceeds the available credit by ¥120.00") != NULL)
      found = TRUE;
  g_assert_true (found);

  g_signal_emit_by_name (f->orders_page, "edit-order", order_id);
  g_assert_cmpstr (qd_cart_pane_get_resubmit_id (f->cart), ==, order_id);
  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 1);
  g_assert_true (qd_cart_pane_set_qty (f->cart, "p_8", 10, &error));
  g_assert_no_error (error);
  {
    g_autofree char *again = qd_cart_pane_submit (f->cart, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (again, ==, order_id);
  }
  g_assert_null (qd_cart_pane_get_resubmit_id (f->cart));

  order = qd_store_get_order (f->store, order_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (order->status, ==, "queued");
  g_assert_cmpint (order->total_fen, ==, qd_test_catalog_price (8) * 10);
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_PENDING), ==, 1);
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_REJECTED), ==, 0);
}

static gboolean
texts_have (GPtrArray  *texts,
            const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (strstr (g_ptr_array_index (texts, i), text) != NULL)
      return TRUE;
  return FALSE;
}

/* The detail's status history: the steps in words and local time, oldest first. */
static void
test_status_history (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *created = qd_order_format_created ("2026-11-12T06:30:00Z");
  g_autofree char *order_id = NULL;
  GtkWidget *history;
  GtkWidget *first;

  qd_test_catalog_add_order (f->store, "o_7", "SO-0007", "held", "2026-11-12T06:30:00Z", 4, 5,
                             &error);
  g_assert_no_error (error);
  qd_test_catalog_add_order (f->store, "o_7", "SO-0007", "approved", "2026-11-12T06:30:00Z", 4,
                             5, &error);
  g_assert_no_error (error);

  g_assert_true (qd_orders_page_show_order (f->orders_page, "o_7"));
  history = qd_test_find_widget (GTK_WIDGET (f->orders_page), GTK_TYPE_LIST_BOX,
                                 "status-history");
  g_assert_nonnull (history);
  g_assert_true (gtk_widget_get_visible (history));
  qd_test_collect_labels (history, texts);
  g_assert_true (texts_have (texts, "Submitted"));
  g_assert_true (texts_have (texts, "Held for review"));
  g_assert_true (texts_have (texts, "Approved"));
  g_assert_true (texts_have (texts, created));
  g_assert_true (texts_have (texts, "Learnt at the sync of"));
  /* Oldest first: the first step is the submission. */
  first = gtk_widget_get_first_child (history);
  g_assert_nonnull (first);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)), ==, "Submitted");

  /* An order saved here shows its local step, and the list follows the order shown. */
  g_assert_true (qd_cart_pane_add (f->cart, "p_8", 10, &error));
  order_id = qd_cart_pane_submit (f->cart, &error);
  g_assert_no_error (error);
  g_assert_true (qd_orders_page_show_order (f->orders_page, order_id));
  g_ptr_array_set_size (texts, 0);
  qd_test_collect_labels (history, texts);
  g_assert_true (texts_have (texts, "Saved on this computer"));
  g_assert_false (texts_have (texts, "Held for review"));
}

/* Empty states: the cart's hint, the Orders page without orders and with filters that
 * match nothing (cleared by its button). */
static void
test_empty_states (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *hint = qd_test_find_widget (GTK_WIDGET (f->cart), GTK_TYPE_BOX, "cart-empty");
  GtkWidget *clear = qd_test_find_widget (GTK_WIDGET (f->orders_page), GTK_TYPE_BUTTON,
                                          "clear-filters");
  GtkWidget *search = qd_test_find_widget (GTK_WIDGET (f->orders_page), GTK_TYPE_SEARCH_ENTRY,
                                           NULL);

  g_assert_nonnull (hint);
  g_assert_nonnull (clear);
  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 0);
  g_assert_true (gtk_widget_get_child_visible (hint));
  g_assert_true (qd_cart_pane_add (f->cart, "p_3", qd_test_catalog_pack (3), &error));
  g_assert_no_error (error);
  g_assert_false (gtk_widget_get_child_visible (hint));
  g_assert_true (qd_cart_pane_set_qty (f->cart, "p_3", 0, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_get_child_visible (hint));

  qd_orders_page_reload (f->orders_page);
  g_assert_cmpstr (qd_orders_page_get_list_state (f->orders_page), ==, "no-orders");
  qd_orders_page_set_filter (f->orders_page, NULL, NULL, NULL, "SO-9999");
  g_assert_cmpstr (qd_orders_page_get_list_state (f->orders_page), ==, "no-match");
  g_signal_emit_by_name (clear, "clicked");
  g_assert_cmpstr (qd_orders_page_get_list_state (f->orders_page), ==, "no-orders");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");

  qd_test_catalog_add_order (f->store, "o_1", "SO-0001", "shipped", "2026-10-02T03:04:05Z", 1,
                             10, &error);
  g_assert_no_error (error);
  qd_orders_page_reload (f->orders_page);
  g_assert_cmpstr (qd_orders_page_get_list_state (f->orders_page), ==, "list");
  qd_orders_page_set_filter (f->orders_page, "cancelled", "2026-01-01", NULL, NULL);
  g_assert_cmpstr (qd_orders_page_get_list_state (f->orders_page), ==, "no-match");
  g_signal_emit_by_name (clear, "clicked");
  g_assert_cmpstr (qd_orders_page_get_list_state (f->orders_page), ==, "list");
  g_assert_cmpuint (n_items (qd_orders_page_get_model (f->orders_page)), ==, 1);
}

static gboolean
has_focus_within (QdWindow  *window,
                  GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
test_keyboard_flow (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *search = qd_test_find_widget (GTK_WIDGET (f->order_page), GTK_TYPE_SEARCH_ENTRY, NULL);
  GtkWidget *view = qd_test_find_widget (GTK_WIDGET (f->order_page), GTK_TYPE_COLUMN_VIEW, NULL);
  GtkSelectionModel *selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (view));
  GtkWidget *spin = qd_test_find_widget (GTK_WIDGET (f->cart), GTK_TYPE_SPIN_BUTTON, NULL);

  qd_test_show_window (GTK_WINDOW (f->window));

  /* Search, Enter: the first result is selected. */
  qd_order_page_set_search_text (f->order_page, "SKU000010");
  g_signal_emit_by_name (search, "activate");
  g_assert_true (gtk_selection_model_is_selected (selection, 0));

  /* Enter on the row: the quantity field has one pack of it and the focus. */
  g_signal_emit_by_name (view, "activate", 0);
  qd_test_drain ();
  g_assert_true (gtk_widget_is_sensitive (spin));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==,
                     (double) qd_test_catalog_pack (10));
  g_assert_true (has_focus_within (f->window, spin));

  /* A quantity and Add (Enter in the field does the same): added, in whole packs. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 30);
  g_signal_emit_by_name (qd_test_find_widget (GTK_WIDGET (f->cart), GTK_TYPE_BUTTON, "add-button"),
                         "clicked");
  g_assert_cmpuint (qd_cart_pane_get_n_lines (f->cart), ==, 1);
  g_assert_cmpint (qd_cart_pane_get_total_fen (f->cart), ==,
                   qd_test_catalog_price (10) * 36 /* 30 rounded up to packs of 12 */);

  /* And the focus is back in the search field for the next product. */
  g_assert_true (has_focus_within (f->window, search));

  /* The next tests get a window that was never shown: a focused text field that is hidden
   * without a focus-out (the store going away) makes GTK 4.8 warn. */
  gtk_root_set_focus (GTK_ROOT (f->window), NULL);
  qd_window_set_store (f->window, NULL);
  close_window (f);
}

static void
test_no_account (void)
{
  QdWindow *window = g_object_ref (qd_window_new (app));
  GtkWidget *page = qd_test_find_widget (GTK_WIDGET (window), QD_TYPE_ORDER_PAGE, NULL);

  /* Without a store the pages say what to do and nothing crashes. */
  qd_window_set_store (window, NULL);
  g_assert_null (qd_order_page_get_model (QD_ORDER_PAGE (page)));
  g_assert_cmpuint (qd_cart_pane_get_n_lines (qd_order_page_get_cart_pane (QD_ORDER_PAGE (page))),
                    ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  qd_test_drain ();
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = qd_test_application_new ();
  template_dir = g_dir_make_tmp ("qudao-order-templates-XXXXXX", NULL);
  g_assert_nonnull (template_dir);

#define ADD(path, fn) \
  g_test_add ("/order/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  g_test_add ("/order/model-lazy", Fixture, GUINT_TO_POINTER (N_PRODUCTS_LAZY), fixture_set_up,
              test_model_lazy, fixture_tear_down);
  ADD ("search", test_search);
  ADD ("cart-totals", test_cart_totals);
  ADD ("cart-submit", test_cart_submit);
  ADD ("cart-persists", test_cart_persists);
  ADD ("keyboard-flow", test_keyboard_flow);
  ADD ("view-follows-search", test_view_follows_search);
  ADD ("orders-list", test_orders_list);
  ADD ("rejected-resubmit", test_rejected_resubmit);
  ADD ("status-history", test_status_history);
  ADD ("empty-states", test_empty_states);
#undef ADD
  g_test_add_func ("/order/no-account", test_no_account);

  status = g_test_run ();
  if (shared_window != NULL)
    {
      Fixture last = { .window = shared_window };

      close_window (&last);
    }
  qd_test_drain ();
  g_object_unref (app);
  qd_test_remove_tree (template_dir);
  g_free (template_dir);
  return status;
}
