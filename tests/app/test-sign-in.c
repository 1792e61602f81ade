/* test-sign-in.c — the sign-in window's inline errors (with the sync helper's real login
 * against addresses that fail in known ways) and the sync indicator's wording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <adwaita.h>

#include "qd-application.h"
#include "qd-sign-in-window.h"
#include "qd-sync-indicator.h"
#include "qd-test-util.h"

static QdApplication *app;

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
set_row_text (QdSignInWindow *window,
              const char     *title,
              const char     *text)
{
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *row = NULL;

  /* Walk the tree for the entry row with this title. */
  {
    GPtrArray *stack = g_ptr_array_new ();

    g_ptr_array_add (stack, root);
    while (stack->len > 0 && row == NULL)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (ADW_IS_ENTRY_ROW (w)
            && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
          row = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
             c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
  }
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Signs in with these fields and waits (bounded) for the inline error. */
static char *
sign_in_error (const char *url,
               const char *user,
               const char *password)
{
  g_autofree char *dir = g_dir_make_tmp ("qudao-sign-in-XXXXXX", NULL);
  QdSignInWindow *window = g_object_ref (qd_sign_in_window_new (NULL, dir));
  gboolean expired = FALSE;
  guint deadline;
  char *error;

  set_row_text (window, "Server address", url);
  set_row_text (window, "User name", user);
  set_row_text (window, "Password", password);
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);

  deadline = g_timeout_add_seconds (30, deadline_cb, &expired);
  while (qd_sign_in_window_get_error (window) == NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);
  g_assert_false (expired);

  error = g_strdup (qd_sign_in_window_get_error (window));
  gtk_window_destroy (GTK_WINDOW (window));
  qd_test_drain ();
  g_assert_finalize_object (window);
  g_rmdir (dir);
  return error;
}

static void
test_sign_in_validation (void)
{
  g_autofree char *no_user = sign_in_error ("http://127.0.0.1:9", "", "secret");
  g_autofree char *no_password = sign_in_error ("http://127.0.0.1:9", "dealer1", "");
  g_autofree char *bad_url = sign_in_error ("ftp://example.com", "dealer1", "secret");

  g_assert_cmpstr (no_user, ==, "Enter your user name.");
  g_assert_cmpstr (no_password, ==, "Enter your password.");
  g_assert_nonnull (strstr (bad_url, "http://"));
}

static void
test_sign_in_unreachable (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  g_autofree char *error = NULL;
  g_autoptr(GError) local_error = NULL;

  /* A port that was free a moment ago and is closed now: connection refused. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &local_error);
  g_assert_no_error (local_error);
  any = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string ("127.0.0.1", 0));
  g_socket_bind (socket, G_SOCKET_ADDRESS (any), TRUE, &local_error);
  g_assert_no_error (local_error);
  bound = g_socket_get_local_address (socket, &local_error);
  g_assert_no_error (local_error);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  error = sign_in_error (url, "dealer1", "secret");
  g_assert_nonnull (strstr (error, "Cannot reach the server"));
  g_assert_nonnull (strstr (error, url));
}

static void
test_describe_errors (void)
{
  g_autoptr(GError) bad = g_error_new_literal (QD_SYNC_ERROR, QD_SYNC_ERROR_BAD_CREDENTIALS, "x");
  g_autoptr(GError) tls = g_error_new_literal (QD_SYNC_ERROR, QD_SYNC_ERROR_TLS, "unknown CA");
  g_autoptr(GError) old = g_error_new_literal (QD_SYNC_ERROR, QD_SYNC_ERROR_REFUSED, "404");
  g_autofree char *bad_text = qd_sign_in_describe_error (bad, "https://q.example.com");
  g_autofree char *tls_text = qd_sign_in_describe_error (tls, "https://q.example.com");
  g_autofree char *old_text = qd_sign_in_describe_error (old, "https://q.example.com");

  g_assert_nonnull (strstr (bad_text, "Wrong user name or password"));
  g_assert_nonnull (strstr (tls_text, "not trusted"));
  g_assert_nonnull (strstr (tls_text, "unknown CA"));
  g_assert_nonnull (strstr (old_text, "too old"));
}

static void
test_last_sync_wording (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 12, 0, 0);
  g_autoptr(GDateTime) m3 = g_date_time_add_minutes (now, -3);
  g_autoptr(GDateTime) s20 = g_date_time_add_seconds (now, -20);
  g_autoptr(GDateTime) h2 = g_date_time_add_hours (now, -2);
  g_autoptr(GDateTime) d3 = g_date_time_add_days (now, -3);
  g_autofree char *never = qd_sync_format_last_sync (NULL, now);
  g_autofree char *just = qd_sync_format_last_sync (s20, now);
  g_autofree char *minutes = qd_sync_format_last_sync (m3, now);
  g_autofree char *hours = qd_sync_format_last_sync (h2, now);
  g_autofree char *days = qd_sync_format_last_sync (d3, now);

  g_assert_cmpstr (never, ==, "Never synced");
  g_assert_cmpstr (just, ==, "Last synced just now");
  g_assert_cmpstr (minutes, ==, "Last synced 3 minutes ago");
  g_assert_cmpstr (hours, ==, "Last synced 2 hours ago");
  g_assert_true (g_str_has_prefix (days, "Last synced on 2026-11-"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = qd_test_application_new ();

  g_test_add_func ("/sign-in/validation", test_sign_in_validation);
  g_test_add_func ("/sign-in/unreachable", test_sign_in_unreachable);
  g_test_add_func ("/sign-in/describe-errors", test_describe_errors);
  g_test_add_func ("/sync-indicator/last-sync-wording", test_last_sync_wording);

  status = g_test_run ();
  qd_test_drain ();
  g_object_unref (app);
  return status;
}
