/* test-switch-server.c — switching server from Preferences: signed in to a real
 * qudao-server, the address row offers Switch Server…, which confirms, signs out (keeping
 * or deleting the local data) and opens the sign-in window for the new address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "qd-account.h"
#include "qd-application.h"
#include "qd-preferences-window.h"
#include "qd-sign-in-window.h"
#include "qd-sync-engine.h"
#include "qd-test-server.h"
#include "qd-test-files.h"
#include "qd-test-util.h"

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until a toplevel of @type exists (30 s at most). */
static GtkWindow *
wait_for_toplevel (GType type)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (30, deadline_cb, &expired);
  GtkWindow *window;

  while ((window = qd_test_find_toplevel (type)) == NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);
  g_assert_nonnull (window);
  return window;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
entry_row_text (GtkWidget  *root,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (root)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return gtk_editable_get_text (GTK_EDITABLE (root));
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      const char *found = entry_row_text (c, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
destroy_toplevels (GType type)
{
  GtkWindow *window;

  while ((window = qd_test_find_toplevel (type)) != NULL)
    gtk_window_destroy (window);
  qd_test_drain ();
}

/* Opens Preferences on the signed-in account (at @from), switches to @to there and checks
 * the outcome: signed out, the local data kept or deleted, the sign-in window asking for
 * @to. Returns that sign-in window. */
static GtkWindow *
switch_server (QdApplication *app,
               const char    *data_dir,
               const char    *from,
               const char    *to,
               gboolean       remove_data)
{
  g_autofree char *account = qd_account_file_path (data_dir);
  g_autofree char *cache = qd_store_path_for_account (data_dir, from, "dealer1");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *stored = NULL;
  GtkWindow *prefs;
  GtkWindow *dialog;
  GtkWindow *sign_in;
  GtkWidget *row;
  GtkWidget *button;

  g_assert_nonnull (qd_application_get_store (app));
  g_assert_true (g_file_test (cache, G_FILE_TEST_EXISTS));
  g_settings_set_string (settings, "server-url", "https://default.example.com");

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = qd_test_find_toplevel (QD_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  row = qd_test_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, NULL);
  button = find_button (GTK_WIDGET (prefs), "_Switch Server…");
  g_assert_nonnull (row);
  g_assert_nonnull (button);

  /* Signed in: the row shows the account's server, not the default for signing in, and
   * the only way to change it is the (visible) Switch Server… button. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, from);
  g_assert_false (adw_entry_row_get_show_apply_button (ADW_ENTRY_ROW (row)));
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_editable_set_text (GTK_EDITABLE (row), "ftp://nope");
  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_editable_set_text (GTK_EDITABLE (row), to);
  g_assert_true (gtk_widget_get_sensitive (button));

  /* Enter (apply) stores nothing behind the user's back: it asks, as the button does;
   * Cancel changes nothing. */
  g_signal_emit_by_name (row, "apply");
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  destroy_toplevels (ADW_TYPE_MESSAGE_DIALOG);
  stored = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (stored, ==, "https://default.example.com");
  g_clear_pointer (&stored, g_free);
  g_assert_true (g_file_test (account, G_FILE_TEST_EXISTS));
  g_assert_nonnull (qd_application_get_store (app));
  g_assert_nonnull (qd_test_find_toplevel (QD_TYPE_PREFERENCES_WINDOW));

  g_signal_emit_by_name (button, "clicked");
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Switch Server?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), to));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), from));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), remove_data ? "remove" : "keep");

  /* Signed out, and the sign-in window asks for the new server. */
  sign_in = wait_for_toplevel (QD_TYPE_SIGN_IN_WINDOW);
  g_assert_null (qd_test_find_toplevel (QD_TYPE_PREFERENCES_WINDOW));
  g_assert_cmpstr (entry_row_text (GTK_WIDGET (sign_in), "Server address"), ==, to);
  g_assert_null (qd_application_get_store (app));
  g_assert_false (g_file_test (account, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (cache, G_FILE_TEST_EXISTS) == !remove_data);
  stored = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (stored, ==, to);
  destroy_toplevels (ADW_TYPE_MESSAGE_DIALOG);
  return sign_in;
}

/* Signed in to a real server, switch to another address of it (keeping the data), sign
 * in there as the sign-in window does, and switch back (deleting the data). */
static void
test_switch_and_back (void)
{
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("qudao-switch-XXXXXX", NULL);
  const char *url = qd_test_server_get_url (server);
  /* Another address of the same machine stands for the new server. */
  g_autofree char *other = g_strdup_printf ("http://localhost:%s", strrchr (url, ':') + 1);
  QdApplication *app;
  GtkWindow *sign_in;

  qd_sync_login_sync (data_dir, url, "dealer1", "qudao-demo", NULL, NULL, &error);
  g_assert_no_error (error);
  g_setenv ("QUDAO_DATA_DIR", data_dir, TRUE);
  app = qd_test_application_new ();

  sign_in = switch_server (app, data_dir, url, other, FALSE);
  /* Signing in there: the window's login writes the account, then it says signed-in. */
  qd_sync_login_sync (data_dir, other, "dealer1", "qudao-demo", NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_emit_by_name (sign_in, "signed-in");
  destroy_toplevels (QD_TYPE_SIGN_IN_WINDOW);

  sign_in = switch_server (app, data_dir, other, url, TRUE);
  destroy_toplevels (QD_TYPE_SIGN_IN_WINDOW);
  (void) sign_in;

  qd_application_set_store (app, NULL);
  qd_test_drain ();
  g_object_unref (app);
  g_unsetenv ("QUDAO_DATA_DIR");
  qd_test_remove_tree (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/switch-server/switch-and-back", test_switch_and_back);
  return g_test_run ();
}
