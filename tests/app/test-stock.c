/* test-stock.c — the Stock page on a real store file: the carried products, lot rows,
 * checks before submitting, the report and its outbox row, history, expiry flags, and the
 * CSV import preview (three bad lines each reported; UTF-8 and GB18030)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "qd-app-error.h"
#include "qd-application.h"
#include "qd-stock-import.h"
#include "qd-stock-page.h"
#include "qd-stock-row.h"
#include "qd-test-catalog.h"
#include "qd-test-util.h"
#include "qd-window.h"
#include "qd-test-files.h"

static QdApplication *app;

typedef struct
{
  char *dir;
  char *path;
  QdStore *store;
  QdWindow *window;
  QdStockPage *page;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("qudao-stock-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cache.sqlite", NULL);
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  qd_test_catalog_fill (f->store, 50, 10000000, &error);
  g_assert_no_error (error);
  /* The dealer carries product 3 (plain) and product 7 (lot-tracked: index % 7 == 0). */
  qd_test_catalog_add_order (f->store, "o_1", "SO-1", "shipped", "2026-10-02T03:04:05Z", 3, 10,
                             &error);
  g_assert_no_error (error);
  qd_test_catalog_add_order (f->store, "o_2", "SO-2", "shipped", "2026-10-05T03:04:05Z", 7, 20,
                             &error);
  g_assert_no_error (error);

  f->window = g_object_ref (qd_window_new (app));
  qd_window_set_store (f->window, f->store);
  f->page = QD_STOCK_PAGE (qd_test_find_widget (GTK_WIDGET (f->window), QD_TYPE_STOCK_PAGE,
                                                NULL));
  g_assert_nonnull (f->page);
  qd_window_set_page (f->window, "stock");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GtkWindow *dialog;

  while ((dialog = qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    gtk_window_destroy (dialog);
  gtk_window_destroy (GTK_WINDOW (f->window));
  qd_test_drain ();
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->store);
  qd_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static QdStockRow *
row_at (Fixture *f,
        guint    i)
{
  QdStockRow *row = g_list_model_get_item (qd_stock_page_get_rows (f->page), i);

  g_object_unref (row); /* the model keeps it */
  return row;
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (qd_stock_page_get_rows (f->page));
}

static guint
n_outbox (Fixture    *f,
          const char *type)
{
  g_autoptr(GPtrArray) items = qd_store_outbox_list (f->store, NULL);
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (((QdOutboxItem *) items->pdata[i])->type, type))
      n++;
  return n;
}

static void
test_carried_and_submit (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(QdStockReportInfo) info = NULL;
  g_autofree char *pid = qd_test_catalog_product_id (11);
  QdStockRow *lot_row;

  /* Shown, so the grid's cells are bound and rebound as rows come and go. */
  qd_test_show_window (GTK_WINDOW (f->window));
  g_assert_cmpuint (n_rows (f), ==, 2);
  g_assert_cmpstr (qd_stock_row_get_sku (row_at (f, 0)), ==, "SKU000003");
  g_assert_false (qd_stock_row_get_lot_tracked (row_at (f, 0)));
  g_assert_cmpstr (qd_stock_row_get_sku (row_at (f, 1)), ==, "SKU000007");
  g_assert_true (qd_stock_row_get_lot_tracked (row_at (f, 1)));

  /* Nothing counted: refused. */
  g_assert_null (qd_stock_page_submit (f->page, &error));
  g_assert_error (error, QD_APP_ERROR, QD_APP_ERROR_STOCK);
  g_clear_error (&error);

  /* A product found by search; adding it twice gives one row. */
  g_assert_true (qd_stock_page_add_product (f->page, pid, &error));
  g_assert_true (qd_stock_page_add_product (f->page, pid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows (f), ==, 3);

  /* A second lot of the lot-tracked product. */
  qd_stock_page_add_lot (f->page, 1);
  g_assert_cmpuint (n_rows (f), ==, 4);
  g_assert_cmpstr (qd_stock_row_get_product_id (row_at (f, 2)), ==,
                   qd_stock_row_get_product_id (row_at (f, 1)));

  qd_stock_row_set_qty_text (row_at (f, 0), "12");
  lot_row = row_at (f, 1);
  qd_stock_row_set_qty_text (lot_row, "5");
  qd_stock_row_set_qty_text (row_at (f, 2), "-3");
  qd_stock_row_set_lot (row_at (f, 2), "L2");

  /* Lot and expiry are required, a negative quantity refused: every problem listed. */
  g_assert_null (qd_stock_page_submit (f->page, &error));
  g_assert_error (error, QD_APP_ERROR, QD_APP_ERROR_STOCK);
  g_assert_nonnull (strstr (error->message, "enter the lot number"));
  g_assert_nonnull (strstr (error->message, "enter the expiry date"));
  g_assert_nonnull (strstr (error->message, "must not be negative"));
  g_assert_cmpstr (qd_stock_page_get_message (f->page), ==, error->message);
  g_clear_error (&error);
  g_assert_cmpuint (n_outbox (f, "stock_report.submit"), ==, 0);

  qd_stock_row_set_lot (lot_row, "L1");
  qd_stock_row_set_expiry (lot_row, "2027/3/1");
  qd_stock_row_set_qty_text (row_at (f, 2), "3");
  qd_stock_row_set_expiry (row_at (f, 2), "2028-01-31");
  qd_stock_page_set_as_of (f->page, "2026-10-31");
  qd_test_drain ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "stock.submit", NULL));
  qd_test_drain ();
  g_assert_cmpuint (n_outbox (f, "stock_report.submit"), ==, 1);
  {
    g_autoptr(GPtrArray) reports = qd_store_list_stock_reports (f->store, &error);

    g_assert_no_error (error);
    id = g_strdup (((QdStockReportInfo *) reports->pdata[0])->id);
  }
  g_assert_cmpuint (n_outbox (f, "stock_report.submit"), ==, 1);

  info = qd_store_get_stock_report (f->store, id, &lines, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->as_of, ==, "2026-10-31");
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (((QdStockLineInfo *) lines->pdata[1])->lot, ==, "L1");
  g_assert_cmpstr (((QdStockLineInfo *) lines->pdata[1])->expiry, ==, "2027-03-01");

  /* The history lists it; the grid starts over with the last report's lots. */
  g_assert_nonnull (gtk_list_box_get_row_at_index (qd_stock_page_get_history (f->page), 0));
  g_assert_cmpstr (qd_stock_row_get_qty_text (row_at (f, 0)), ==, "");
  g_assert_cmpuint (n_rows (f), ==, 3);
  g_assert_cmpstr (qd_stock_row_get_lot (row_at (f, 1)), ==, "L1");
  g_assert_cmpstr (qd_stock_row_get_expiry (row_at (f, 1)), ==, "2027-03-01");
  g_assert_cmpstr (qd_stock_row_get_lot (row_at (f, 2)), ==, "L2");

  /* Edit loads a report back into the grid. */
  g_assert_true (qd_stock_page_load_report (f->page, id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows (f), ==, 3);
  g_assert_cmpstr (qd_stock_row_get_qty_text (row_at (f, 0)), ==, "12");
}

static void
test_future_date (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);
  g_autofree char *tomorrow = g_date_time_format (later, "%Y-%m-%d");
  g_autoptr(GError) error = NULL;

  qd_stock_row_set_qty_text (row_at (f, 0), "1");
  qd_stock_page_set_as_of (f->page, tomorrow);
  g_assert_null (qd_stock_page_submit (f->page, &error));
  g_assert_error (error, QD_APP_ERROR, QD_APP_ERROR_STOCK);
  g_assert_nonnull (strstr (error->message, "future"));
  g_clear_error (&error);

  qd_stock_page_set_as_of (f->page, "2026-02-30");
  g_assert_null (qd_stock_page_submit (f->page, &error));
  g_assert_nonnull (strstr (error->message, "not a date"));
}

static void
test_expiry_days (void)
{
  g_assert_cmpint (qd_stock_expiry_days ("2026-11-01", "2026-11-01"), ==, 0);
  g_assert_cmpint (qd_stock_expiry_days ("2026-11-01", "2027-01-30"), ==, 90);
  g_assert_cmpint (qd_stock_expiry_days ("2026-11-01", "2027-01-31"), ==, 91);
  g_assert_cmpint (qd_stock_expiry_days ("2026-11-01", "2026-10-31"), ==, -1);
  g_assert_cmpint (qd_stock_expiry_days ("2026-11-01", "soon"), ==, G_MAXINT);
  g_assert_cmpint (qd_stock_expiry_days ("2026-11-01", NULL), ==, G_MAXINT);
}

/* Three good lines and three bad ones: an unknown SKU, a negative quantity, a
 * lot-tracked product without its lot. */
static const char csv_text[] =
  "商品编码,数量,批号,有效期\r\n"
  "SKU000003,12,,\r\n"
  "SKU999999,4,,\r\n"
  "SKU000005,-2,,\r\n"
  "SKU000007,5,L1,2028-06-30\r\n"
  "SKU000014,6,,2028-06-30\r\n"
  "SKU000011,1,,\r\n";

static void
test_import_preview (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStockImport) import = NULL;
  GListModel *issues;
  GtkWidget *dialog;
  const char *lines_expected[] = { "Line 3,", "Line 4,", "Line 6," };

  qd_stock_page_set_as_of (f->page, "2026-10-31");
  import = qd_stock_page_preview_import (f->page, csv_text, strlen (csv_text), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (qd_stock_import_get_rows (import)), ==, 3);
  issues = qd_stock_import_get_issues (import);
  g_assert_cmpuint (g_list_model_get_n_items (issues), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const char *text = gtk_string_list_get_string (GTK_STRING_LIST (issues), i);

      g_printerr ("# %s\n", text);
      g_assert_true (g_str_has_prefix (text, lines_expected[i]));
      g_assert_nonnull (strstr (text, "column"));
    }
  g_assert_nonnull (strstr (gtk_string_list_get_string (GTK_STRING_LIST (issues), 0),
                            "SKU999999"));

  /* The preview changes nothing until it is accepted. */
  dialog = qd_stock_page_show_import (f->page, import, "stock.csv");
  g_assert_cmpuint (n_rows (f), ==, 2);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  qd_test_drain ();
  g_assert_cmpuint (n_rows (f), ==, 2);

  dialog = qd_stock_page_show_import (f->page, import, "stock.csv");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "import");
  qd_test_drain ();
  g_assert_cmpuint (n_rows (f), ==, 3);
  g_assert_cmpstr (qd_stock_row_get_sku (row_at (f, 1)), ==, "SKU000007");
  g_assert_cmpstr (qd_stock_row_get_lot (row_at (f, 1)), ==, "L1");
  g_assert_cmpstr (qd_stock_row_get_qty_text (row_at (f, 1)), ==, "5");
}

static void
test_import_gb18030 (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStockImport) import = NULL;
  g_autofree char *gb = NULL;
  gsize length = 0;

  gb = g_convert (csv_text, -1, "GB18030", "UTF-8", NULL, &length, &error);
  g_assert_no_error (error);
  qd_stock_page_set_as_of (f->page, "2026-10-31");
  import = qd_stock_page_preview_import (f->page, gb, length, &error);
  g_assert_no_error (error);
  g_assert_true (qd_stock_import_get_from_gb18030 (import));
  g_assert_cmpuint (g_list_model_get_n_items (qd_stock_import_get_rows (import)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (qd_stock_import_get_issues (import)), ==, 3);

  /* Not a CSV at all: one clear error. */
  g_clear_object (&import);
  import = qd_stock_page_preview_import (f->page, "\x00\x01\x02", 3, &error);
  g_assert_null (import);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = qd_test_application_new ();

#define ADD(path, fn) \
  g_test_add ("/stock/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("carried-and-submit", test_carried_and_submit);
  ADD ("future-date", test_future_date);
  ADD ("import-preview", test_import_preview);
  ADD ("import-gb18030", test_import_gb18030);
#undef ADD
  g_test_add_func ("/stock/expiry-days", test_expiry_days);

  status = g_test_run ();
  qd_test_drain ();
  g_object_unref (app);
  return status;
}
