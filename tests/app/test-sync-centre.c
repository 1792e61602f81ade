/* test-sync-centre.c — the sync centre on a real store file: waiting and rejected changes
 * with their details, Retry Now, Edit (opens the rejected stock report), Discard (with its
 * confirmation and the local audit note, listed as the history of discarded changes)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "qd-application.h"
#include "qd-stock-page.h"
#include "qd-stock-row.h"
#include "qd-sync-centre.h"
#include "qd-test-catalog.h"
#include "qd-test-util.h"
#include "qd-window.h"
#include "qd-test-files.h"

static QdApplication *app;

static GtkWidget *
find_button_with (GtkWidget  *root,
                  const char *key)
{
  if (GTK_IS_BUTTON (root) && g_object_get_data (G_OBJECT (root), key) != NULL)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button_with (c, key);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
labels_contain (GtkWidget  *root,
                const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  qd_test_collect_labels (root, labels);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (g_ptr_array_index (labels, i), text) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_sync_centre (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-centre-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autoptr(GPtrArray) notes = NULL;
  g_autofree char *pid = qd_test_catalog_product_id (3);
  g_autofree char *order_id = NULL;
  g_autofree char *report_id = NULL;
  g_autoptr(GPtrArray) items = NULL;
  QdOrderLineInput order_line = { pid, qd_test_catalog_pack (3) };
  QdStockLineInput stock_line = { pid, 12, NULL, NULL };
  QdStore *store;
  QdWindow *window;
  QdSyncCentre *centre;
  QdStockPage *stock_page;
  GtkWidget *first;
  GtkWidget *button;
  GtkWindow *dialog;
  const char *report_mutation = NULL;
  const char *order_mutation = NULL;

  g_assert_no_error (error);
  store = qd_store_open (path, &error);
  g_assert_no_error (error);
  qd_test_catalog_fill (store, 20, 10000000, &error);
  g_assert_no_error (error);
  order_id = qd_store_queue_order (store, &order_line, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  report_id = qd_store_report_stock (store, "2026-10-31", &stock_line, 1, &error);
  g_assert_no_error (error);
  items = qd_store_outbox_list (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      QdOutboxItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->type, "stock_report.submit"))
        report_mutation = item->id;
      else
        order_mutation = item->id;
    }
  /* What the sync engine stores for a rejection, and for a failed attempt. */
  qd_store_outbox_rejected (store, report_mutation, "invalid_payload",
                            "qty of line 1 must not exceed 1000", &error);
  g_assert_no_error (error);
  qd_store_outbox_retry_later (store, order_mutation, g_get_real_time () / 1000 + 3600000,
                               "could not connect to the server", &error);
  g_assert_no_error (error);

  window = g_object_ref (qd_window_new (app));
  qd_window_set_store (window, store);
  g_assert_null (qd_window_get_sync_centre (window));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-sync-centre"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-sync-centre", NULL);
  centre = qd_window_get_sync_centre (window);
  g_assert_nonnull (centre);
  g_assert_cmpuint (qd_sync_centre_get_n_items (centre), ==, 2);

  /* Rejected first, with the server's reason; the waiting order with its last error. */
  first = GTK_WIDGET (gtk_list_box_get_row_at_index (qd_sync_centre_get_list (centre), 0));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)), ==,
                   "Stock report");
  g_assert_true (labels_contain (first, "must not exceed 1000"));
  g_assert_true (labels_contain (GTK_WIDGET (centre), "could not connect to the server"));
  g_assert_true (labels_contain (GTK_WIDGET (centre), "1 attempt"));
  g_assert_true (labels_contain (GTK_WIDGET (centre), "next try"));

  /* Retry Now makes the waiting order due. */
  g_assert_cmpint (qd_store_outbox_next_due (store), >, g_get_real_time () / 1000 + 60000);
  gtk_widget_activate_action (GTK_WIDGET (centre), "centre.retry-now", NULL);
  g_assert_cmpint (qd_store_outbox_next_due (store), <=, g_get_real_time () / 1000);

  /* Edit opens the rejected report on the Stock page. */
  first = GTK_WIDGET (gtk_list_box_get_row_at_index (qd_sync_centre_get_list (centre), 0));
  button = find_button_with (first, "entity");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  qd_test_drain ();
  g_assert_cmpstr (qd_window_get_page (window), ==, "stock");
  stock_page = QD_STOCK_PAGE (qd_test_find_widget (GTK_WIDGET (window), QD_TYPE_STOCK_PAGE, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (qd_stock_page_get_rows (stock_page)), ==, 1);
  g_assert_nonnull (strstr (qd_stock_page_get_message (stock_page), "must not exceed 1000"));

  /* Discard asks first, then removes the change and leaves an audit note. */
  if (qd_window_get_sync_centre (window) == NULL)
    g_action_group_activate_action (G_ACTION_GROUP (window), "show-sync-centre", NULL);
  centre = qd_window_get_sync_centre (window);
  first = GTK_WIDGET (gtk_list_box_get_row_at_index (qd_sync_centre_get_list (centre), 0));
  button = find_button_with (first, "mutation-id");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  qd_test_drain ();
  dialog = qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "discard");
  if (qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == dialog)
    gtk_window_destroy (dialog);
  qd_test_drain ();
  g_assert_cmpuint (qd_sync_centre_get_n_items (centre), ==, 1);
  g_assert_cmpuint (qd_store_outbox_count (store, QD_OUTBOX_REJECTED), ==, 0);
  notes = qd_store_list_audit_notes (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpstr (((QdAuditNote *) notes->pdata[0])->mutation_type, ==, "stock_report.submit");
  g_assert_cmpstr (((QdAuditNote *) notes->pdata[0])->entity_id, ==, report_id);
  /* No file beside the cache any more: the note lives in the store. */
  {
    g_autofree char *old_log = g_strconcat (path, ".audit.log", NULL);

    g_assert_false (g_file_test (old_log, G_FILE_TEST_EXISTS));
  }

  /* The sync centre lists it under Discarded Changes, with the brand's reason. */
  g_assert_null (gtk_list_box_get_row_at_index (qd_sync_centre_get_history (centre), 1));
  first = GTK_WIDGET (gtk_list_box_get_row_at_index (qd_sync_centre_get_history (centre), 0));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)), ==,
                   "Stock report");
  g_assert_true (labels_contain (first, "Discarded "));
  g_assert_true (labels_contain (first, "must not exceed 1000"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (qd_sync_centre_get_history (centre))));

  /* Once the last waiting change is sent, the history still shows. */
  {
    g_autoptr(GPtrArray) left = qd_store_outbox_list (store, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (left->len, ==, 1);
    qd_store_outbox_rejected (store, ((QdOutboxItem *) left->pdata[0])->id, "empty_order",
                              NULL, &error);
    g_assert_no_error (error);
    qd_sync_centre_discard (centre, ((QdOutboxItem *) left->pdata[0])->id);
  }
  g_assert_cmpuint (qd_sync_centre_get_n_items (centre), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
                     GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (qd_sync_centre_get_history (centre)),
                                                         GTK_TYPE_STACK))), ==, "items");
  g_assert_nonnull (gtk_list_box_get_row_at_index (qd_sync_centre_get_history (centre), 1));

  gtk_window_destroy (GTK_WINDOW (window));
  qd_test_drain ();
  g_assert_finalize_object (window);
  g_assert_finalize_object (store);
  qd_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = qd_test_application_new ();

  g_test_add_func ("/sync-centre/items-retry-edit-discard", test_sync_centre);

  status = g_test_run ();
  qd_test_drain ();
  g_object_unref (app);
  return status;
}
