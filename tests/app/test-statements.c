/* test-statements.c — the Statements page on a real store file: list and detail with
 * running balances, confirm (and its refusal while orders of the period wait), dispute
 * of two lines with a reason each, a stale_version rejection shown with the new version,
 * and the CSV and PDF exports (the PDF's text read back with pdftotext)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "qd-app-error.h"
#include "qd-application.h"
#include "qd-money.h"
#include "qd-statement-document.h"
#include "qd-statement-line-item.h"
#include "qd-statement-line-row.h"
#include "qd-statements-page.h"
#include "qd-test-catalog.h"
#include "qd-test-statements.h"
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
  QdStatementsPage *page;
  gint64 closing;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("qudao-statements-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cache.sqlite", NULL);
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  qd_test_catalog_fill (f->store, 50, 10000000, &error);
  g_assert_no_error (error);
  qd_test_statement_add (f->store, "st_08", "2026-08", 1, "disputed", 5, NULL, &error);
  g_assert_no_error (error);
  qd_test_statement_add (f->store, "st_09", "2026-09", 2, "confirmed", 8, NULL, &error);
  g_assert_no_error (error);
  qd_test_statement_add (f->store, "st_10", "2026-10", 1, "issued", 12, &f->closing, &error);
  g_assert_no_error (error);

  f->window = g_object_ref (qd_window_new (app));
  qd_window_set_store (f->window, f->store);
  f->page = QD_STATEMENTS_PAGE (qd_test_find_widget (GTK_WIDGET (f->window),
                                                     QD_TYPE_STATEMENTS_PAGE, NULL));
  g_assert_nonnull (f->page);
  qd_window_set_page (f->window, "statements");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  qd_test_drain ();
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->store);
  qd_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static GPtrArray *
outbox_of (Fixture    *f,
           const char *type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = qd_store_outbox_list (f->store, &error);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) qd_outbox_item_free);

  g_assert_no_error (error);
  for (guint i = items->len; i > 0; i--)
    {
      QdOutboxItem *item = g_ptr_array_index (items, i - 1);

      if (g_str_equal (item->type, type))
        g_ptr_array_add (out, g_ptr_array_steal_index (items, i - 1));
    }
  return out;
}

static AdwMessageDialog *
find_dialog (void)
{
  qd_test_drain ();
  return (AdwMessageDialog *) qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

static void
close_dialog (AdwMessageDialog *dialog)
{
  if (qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == GTK_WINDOW (dialog))
    gtk_window_destroy (GTK_WINDOW (dialog));
  qd_test_drain ();
}

static void
test_list_and_detail (Fixture       *f,
                      gconstpointer  data)
{
  GListModel *lines;
  g_autoptr(QdStatementLineItem) last = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *closing = qd_money_format (f->closing, 0);
  gboolean saw_closing = FALSE;

  g_assert_true (qd_statements_page_show_statement (f->page, "st_10"));
  g_assert_cmpstr (qd_statements_page_get_shown_id (f->page), ==, "st_10");
  lines = qd_statements_page_get_lines (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (lines), ==, 12);
  last = g_list_model_get_item (lines, 11);
  g_assert_cmpint (qd_statement_line_item_get_info (last)->running_balance_fen, ==, f->closing);
  g_assert_cmpstr (qd_statements_page_get_notice (f->page), ==, "");

  /* Every period is listed, and the detail shows the closing balance in CNY. */
  qd_test_collect_labels (GTK_WIDGET (f->page), labels);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (g_ptr_array_index (labels, i), closing) != NULL)
      saw_closing = TRUE;
  g_assert_true (saw_closing);
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "2026-08", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "2026-09", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "Disputed", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (labels, "Confirmed", g_str_equal, NULL));

  g_assert_false (qd_statements_page_show_statement (f->page, "st_none"));
}

static void
collect_rows (GtkWidget *root,
              GPtrArray *rows)
{
  if (QD_IS_STATEMENT_LINE_ROW (root))
    g_ptr_array_add (rows, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

/* The lines as drawn: one row widget per line with its six cells, and the header. */
static void
test_lines_drawn (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GListModel *lines;
  guint matched = 0;
  gboolean header = FALSE;

  g_assert_true (qd_statements_page_show_statement (f->page, "st_10"));
  qd_test_show_window (GTK_WINDOW (f->window));
  collect_rows (GTK_WIDGET (f->page), rows);
  lines = qd_statements_page_get_lines (f->page);

  for (guint r = 0; r < rows->len; r++)
    {
      QdStatementLineRow *row = rows->pdata[r];
      const char *ref = qd_statement_line_row_get_text (row, QD_STATEMENT_COLUMN_REF);

      if (g_strcmp0 (ref, "Reference") == 0)
        {
          g_assert_cmpstr (qd_statement_line_row_get_text (row, QD_STATEMENT_COLUMN_BALANCE), ==,
                           "Balance");
          header = TRUE;
          continue;
        }
      for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
        {
          g_autoptr(QdStatementLineItem) item = g_list_model_get_item (lines, i);
          const QdStatementLineInfo *line = qd_statement_line_item_get_info (item);
          g_autofree char *amount = NULL;
          g_autofree char *balance = NULL;

          if (g_strcmp0 (line->ref, ref) != 0)
            continue;
          amount = qd_money_format (line->amount_fen, 0);
          balance = qd_money_format (line->running_balance_fen, 0);
          g_assert_cmpstr (qd_statement_line_row_get_text (row, QD_STATEMENT_COLUMN_DATE), ==,
                           line->date);
          g_assert_cmpstr (qd_statement_line_row_get_text (row, QD_STATEMENT_COLUMN_AMOUNT), ==,
                           amount);
          g_assert_cmpstr (qd_statement_line_row_get_text (row, QD_STATEMENT_COLUMN_BALANCE), ==,
                           balance);
          g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (row)), >, 0);
          matched++;
        }
    }
  g_assert_true (header);
  /* Twelve lines fit in the window: every one is drawn. */
  g_assert_cmpuint (matched, ==, 12);
}

static void
test_confirm (Fixture       *f,
              gconstpointer  data)
{
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) confirms = NULL;
  g_autofree char *closing = qd_money_format (f->closing, 0);

  g_assert_true (qd_statements_page_show_statement (f->page, "st_10"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "statements.confirm", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "2026-10"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), closing));

  /* Cancel changes nothing. */
  adw_message_dialog_response (dialog, "cancel");
  close_dialog (dialog);
  confirms = outbox_of (f, "statement.confirm");
  g_assert_cmpuint (confirms->len, ==, 0);
  g_clear_pointer (&confirms, g_ptr_array_unref);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "statements.confirm", NULL));
  dialog = find_dialog ();
  adw_message_dialog_response (dialog, "confirm");
  close_dialog (dialog);

  confirms = outbox_of (f, "statement.confirm");
  g_assert_cmpuint (confirms->len, ==, 1);
  g_assert_cmpstr (((QdOutboxItem *) confirms->pdata[0])->entity_id, ==, "st_10");
  g_assert_nonnull (strstr (((QdOutboxItem *) confirms->pdata[0])->payload, "\"version\":1"));
  g_assert_nonnull (strstr (qd_statements_page_get_notice (f->page), "confirmation is saved"));

  /* While the confirmation waits, neither Confirm nor Dispute can be used again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "statements.confirm", NULL));
  g_assert_null (find_dialog ());
}

static void
test_confirm_refused_while_orders_wait (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *period = g_date_time_format (now, "%Y-%m");
  g_autofree char *pid = qd_test_catalog_product_id (3);
  g_autofree char *order_id = NULL;
  g_autoptr(GPtrArray) confirms = NULL;
  g_autoptr(GError) error = NULL;
  QdOrderLineInput line = { pid, qd_test_catalog_pack (3) };

  qd_test_statement_add (f->store, "st_now", period, 1, "issued", 3, NULL, &error);
  g_assert_no_error (error);
  order_id = qd_store_queue_order (f->store, &line, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  qd_statements_page_reload (f->page);

  g_assert_true (qd_statements_page_show_statement (f->page, "st_now"));
  g_assert_nonnull (strstr (qd_statements_page_get_notice (f->page), "waiting to be sent"));
  g_assert_nonnull (strstr (qd_statements_page_get_notice (f->page), period));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "statements.confirm", NULL));
  g_assert_null (find_dialog ());
  confirms = outbox_of (f, "statement.confirm");
  g_assert_cmpuint (confirms->len, ==, 0);

  /* An older period is not affected by an order queued today. */
  g_assert_true (qd_statements_page_show_statement (f->page, "st_10"));
  g_assert_cmpstr (qd_statements_page_get_notice (f->page), ==, "");
}

static void
test_dispute_two_lines (Fixture       *f,
                        gconstpointer  data)
{
  AdwMessageDialog *dialog;
  GListModel *lines;
  g_autoptr(QdStatementLineItem) a = NULL;
  g_autoptr(QdStatementLineItem) b = NULL;
  g_autoptr(GPtrArray) disputes = NULL;
  GtkWidget *box;
  GtkWidget *rows[2] = { NULL, NULL };
  guint n = 0;
  const char *payload;

  g_assert_true (qd_statements_page_show_statement (f->page, "st_10"));

  /* Nothing selected: no dialog, a hint instead. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "statements.dispute", NULL));
  g_assert_null (find_dialog ());

  lines = qd_statements_page_get_lines (f->page);
  a = g_list_model_get_item (lines, 1);
  b = g_list_model_get_item (lines, 4);
  qd_statements_page_select_line (f->page, 1, TRUE);
  qd_statements_page_select_line (f->page, 4, TRUE);
  /* Through the button, as a click or an assistive technology does. */
  qd_test_show_window (GTK_WINDOW (f->window));
  {
    GtkWidget *button = NULL;
    g_autoptr(GPtrArray) stack = g_ptr_array_new ();

    g_ptr_array_add (stack, f->page);
    while (stack->len > 0 && button == NULL)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (GTK_IS_BUTTON (w) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)),
                                             "statements.dispute") == 0)
          button = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_assert_nonnull (button);
    g_assert_true (gtk_widget_is_sensitive (button));
    gtk_widget_activate (button);
    for (guint i = 0; i < 100 && qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL; i++)
      g_main_context_iteration (NULL, TRUE);
  }
  dialog = find_dialog ();
  g_assert_nonnull (dialog);

  box = adw_message_dialog_get_extra_child (dialog);
  for (GtkWidget *c = gtk_widget_get_first_child (box); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (ADW_IS_ENTRY_ROW (c))
      rows[n++] = c;
  g_assert_cmpuint (n, ==, 2);

  /* A reason for each line is required. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "dispute"));
  gtk_editable_set_text (GTK_EDITABLE (rows[0]), "货未收到");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "dispute"));
  gtk_editable_set_text (GTK_EDITABLE (rows[1]), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "dispute"));
  gtk_editable_set_text (GTK_EDITABLE (rows[1]), "Rebate rate should be 3%");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "dispute"));
  adw_message_dialog_response (dialog, "dispute");
  close_dialog (dialog);

  disputes = outbox_of (f, "statement.dispute");
  g_assert_cmpuint (disputes->len, ==, 1);
  payload = ((QdOutboxItem *) disputes->pdata[0])->payload;
  g_assert_nonnull (strstr (payload, "st_10-l2"));
  g_assert_nonnull (strstr (payload, "st_10-l5"));
  g_assert_nonnull (strstr (payload, "货未收到"));
  g_assert_nonnull (strstr (payload, "Rebate rate should be 3%"));
  g_assert_null (strstr (payload, "st_10-l1\""));
  g_assert_nonnull (strstr (qd_statements_page_get_notice (f->page), "dispute is saved"));
}

static void
test_stale_version (Fixture       *f,
                    gconstpointer  data)
{
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) confirms = NULL;
  g_autoptr(GError) error = NULL;
  const char *notice;

  g_assert_true (qd_statements_page_show_statement (f->page, "st_10"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "statements.confirm", NULL));
  dialog = find_dialog ();
  adw_message_dialog_response (dialog, "confirm");
  close_dialog (dialog);
  confirms = outbox_of (f, "statement.confirm");
  g_assert_cmpuint (confirms->len, ==, 1);

  /* What the sync engine stores when the server answers stale_version, then the revised
   * statement from the change feed. */
  qd_store_outbox_rejected (f->store, ((QdOutboxItem *) confirms->pdata[0])->id,
                            "stale_version", "statement st_10 is at version 2", &error);
  g_assert_no_error (error);
  qd_test_statement_add (f->store, "st_10", "2026-10", 2, "issued", 13, NULL, &error);
  g_assert_no_error (error);
  qd_statements_page_reload (f->page);

  notice = qd_statements_page_get_notice (f->page);
  g_assert_nonnull (strstr (notice, "revised this statement"));
  g_assert_nonnull (strstr (notice, "version 1"));
  g_assert_nonnull (strstr (notice, "version 2"));
  g_assert_cmpuint (g_list_model_get_n_items (qd_statements_page_get_lines (f->page)), ==, 13);

  /* The new version can be confirmed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "statements.confirm", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Version 2"));
  adw_message_dialog_response (dialog, "cancel");
  close_dialog (dialog);
}

static char *
run_pdftotext (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *csv_path = g_build_filename (f->dir, "st.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->dir, "st.pdf", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *text = NULL;
  g_autofree char *closing = qd_money_format (f->closing, 0);
  g_autofree char *closing_plain = qd_money_format (f->closing, QD_MONEY_FORMAT_NO_SYMBOL
                                                    | QD_MONEY_FORMAT_NO_GROUPING);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStatementDocument) document = NULL;
  gsize length = 0;

  /* A long statement, so the PDF has several pages with their numbers. */
  qd_test_statement_add (f->store, "st_10", "2026-10", 1, "issued", 150, &f->closing, &error);
  g_assert_no_error (error);
  g_clear_pointer (&closing, g_free);
  g_clear_pointer (&closing_plain, g_free);
  closing = qd_money_format (f->closing, 0);
  closing_plain = qd_money_format (f->closing, QD_MONEY_FORMAT_NO_SYMBOL
                                   | QD_MONEY_FORMAT_NO_GROUPING);
  g_assert_true (qd_statements_page_show_statement (f->page, "st_10"));

  g_assert_true (qd_statements_page_export_csv (f->page, csv_path, &error));
  g_assert_no_error (error);
  g_file_get_contents (csv_path, &csv, &length, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
  g_assert_true (g_utf8_validate (csv, length, NULL));
  g_assert_nonnull (strstr (csv, "测试经销商"));
  g_assert_nonnull (strstr (csv, "2026-10"));
  g_assert_nonnull (strstr (csv, closing_plain));
  g_assert_nonnull (strstr (csv, "REF-150"));
  g_assert_nonnull (strstr (csv, "\r\n"));

  g_assert_true (qd_statements_page_export_pdf (f->page, pdf_path, &error));
  g_assert_no_error (error);
  text = run_pdftotext (pdf_path);
  g_assert_nonnull (strstr (text, "测试经销商"));
  g_assert_nonnull (strstr (text, "2026-10"));
  g_assert_nonnull (strstr (text, closing));
  g_assert_nonnull (strstr (text, "REF-150"));

  document = qd_statement_document_new (f->store, "st_10", &error);
  g_assert_no_error (error);
  g_assert_true (qd_statement_document_export_pdf (document, pdf_path, &error));
  /* To look at the layout: QUDAO_TEST_PDF=/tmp/st.pdf meson test statements. */
  if (g_getenv ("QUDAO_TEST_PDF") != NULL)
    qd_statement_document_export_pdf (document, g_getenv ("QUDAO_TEST_PDF"), NULL);
  g_assert_cmpuint (qd_statement_document_get_n_pages (document), >=, 2);
  {
    g_autofree char *footer = g_strdup_printf ("Page 1 of %u",
                                               qd_statement_document_get_n_pages (document));
    g_autofree char *text2 = run_pdftotext (pdf_path);

    g_assert_nonnull (strstr (text2, footer));
  }

  /* A directory that does not exist is a clear error, not a crash. */
  g_assert_false (qd_statements_page_export_csv (f->page, "/nonexistent/dir/st.csv", &error));
  g_assert_error (error, QD_APP_ERROR, QD_APP_ERROR_EXPORT);
}

static void
test_no_statements (void)
{
  QdWindow *window = g_object_ref (qd_window_new (app));
  QdStatementsPage *page = QD_STATEMENTS_PAGE (qd_test_find_widget (GTK_WIDGET (window),
                                                                   QD_TYPE_STATEMENTS_PAGE,
                                                                   NULL));

  g_assert_null (qd_statements_page_get_shown_id (page));
  gtk_widget_activate_action (GTK_WIDGET (page), "statements.confirm", NULL);
  g_assert_null (find_dialog ());
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

#define ADD(path, fn) \
  g_test_add ("/statements/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("list-and-detail", test_list_and_detail);
  ADD ("lines-drawn", test_lines_drawn);
  ADD ("confirm", test_confirm);
  ADD ("confirm-refused-while-orders-wait", test_confirm_refused_while_orders_wait);
  ADD ("dispute-two-lines", test_dispute_two_lines);
  ADD ("stale-version", test_stale_version);
  ADD ("export", test_export);
#undef ADD
  g_test_add_func ("/statements/no-account", test_no_statements);

  status = g_test_run ();
  qd_test_drain ();
  g_object_unref (app);
  return status;
}
