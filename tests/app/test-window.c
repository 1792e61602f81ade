/* test-window.c — the main window, its pages and actions, preferences, and size
 * persistence, on the real widgets (GSETTINGS_BACKEND=memory)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "qd-app-error.h"
#include "qd-application.h"
#include "qd-dashboard-page.h"
#include "qd-order-page.h"
#include "qd-orders-page.h"
#include "qd-preferences-window.h"
#include "qd-statements-page.h"
#include "qd-stock-page.h"
#include "qd-test-util.h"
#include "qd-window.h"

static QdApplication *app;

static const struct
{
  const char *name;
  const char *title;
  GType (*get_type) (void);
} pages[] = {
  { "order", "Order", qd_order_page_get_type },
  { "orders", "Orders", qd_orders_page_get_type },
  { "stock", "Stock", qd_stock_page_get_type },
  { "statements", "Statements", qd_statements_page_get_type },
  { "dashboard", "Dashboard", qd_dashboard_page_get_type },
};

static QdWindow *
new_window (void)
{
  /* Our own reference, so that g_assert_finalize_object() can check nothing leaks one. */
  return g_object_ref (qd_window_new (app));
}

static void
destroy_window (QdWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  qd_test_drain ();
  g_assert_finalize_object (window);
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *keys[] = { "window-width", "window-height", "window-maximized",
                         "server-url", "sync-interval" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

static void
test_window_pages (void)
{
  QdWindow *window = new_window ();
  AdwViewStack *stack;
  g_autoptr(GtkSelectionModel) model = NULL;

  stack = ADW_VIEW_STACK (qd_test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK, NULL));
  g_assert_nonnull (stack);
  model = adw_view_stack_get_pages (stack);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, G_N_ELEMENTS (pages));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (model), i);
      GtkWidget *child = adw_view_stack_page_get_child (page);

      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, pages[i].name);
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, pages[i].title);
      g_assert_nonnull (adw_view_stack_page_get_icon_name (page));
      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (child, pages[i].get_type ()));
      /* Each page is a placeholder for now: an icon and a sentence. */
      g_assert_nonnull (qd_test_find_widget (child, ADW_TYPE_STATUS_PAGE, NULL));
    }

  /* Both switchers exist: the one in the header bar and the bar for narrow windows. */
  g_assert_nonnull (qd_test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_TITLE, NULL));
  g_assert_nonnull (qd_test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_BAR, NULL));
  g_assert_cmpstr (qd_window_get_page (window), ==, "order");

  destroy_window (window);
}

static void
test_window_page_action (void)
{
  QdWindow *window = new_window ();
  AdwViewStack *stack;
  g_autoptr(GVariant) state = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_action_group_activate_action (G_ACTION_GROUP (window), "page",
                                      g_variant_new_string (pages[i].name));
      g_assert_cmpstr (qd_window_get_page (window), ==, pages[i].name);
    }

  /* An unknown page leaves the window where it was. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "page",
                                  g_variant_new_string ("nonsense"));
  g_assert_cmpstr (qd_window_get_page (window), ==, "dashboard");

  /* Switching through the stack (as a click on the switcher does) updates the state. */
  stack = ADW_VIEW_STACK (qd_test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK, NULL));
  adw_view_stack_set_visible_child_name (stack, "stock");
  state = g_action_group_get_action_state (G_ACTION_GROUP (window), "page");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "stock");

  destroy_window (window);
}

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_window_narrow (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  QdWindow *window;
  AdwViewSwitcherBar *bar;
  gboolean expired = FALSE;
  guint deadline;

  /* Too narrow for the five tabs in the header bar: they move to the bottom bar. */
  g_settings_set_int (settings, "window-width", 380);
  window = new_window ();
  bar = ADW_VIEW_SWITCHER_BAR (qd_test_find_widget (GTK_WIDGET (window),
                                                    ADW_TYPE_VIEW_SWITCHER_BAR, NULL));
  qd_test_show_window (GTK_WINDOW (window));

  deadline = g_timeout_add_seconds (20, deadline_cb, &expired);
  while (!adw_view_switcher_bar_get_reveal (bar) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);
  g_assert_true (adw_view_switcher_bar_get_reveal (bar));

  gtk_window_destroy (GTK_WINDOW (window));
  qd_test_drain ();
  g_assert_finalize_object (window);
  reset_settings ();
}

static void
test_accelerators (void)
{
  static const struct { const char *action; const char *accel; } expected[] = {
    { "app.quit", "<Control>q" },
    { "app.preferences", "<Control>comma" },
    { "win.show-help-overlay", "<Control>question" },
    { "win.page::order", "<Alt>1" },
    { "win.page::orders", "<Alt>2" },
    { "win.page::stock", "<Alt>3" },
    { "win.page::statements", "<Alt>4" },
    { "win.page::dashboard", "<Alt>5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    expected[i].action);
      g_assert_nonnull (accels);
      g_assert_cmpstr (accels[0], ==, expected[i].accel);
    }
}

static void
test_action_about (void)
{
  QdWindow *window = new_window ();
  GtkWindow *about;

  g_assert_null (qd_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW));
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = qd_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Qudao");
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==,
                   GTK_LICENSE_GPL_3_0);
  g_assert_nonnull (adw_about_window_get_developers (ADW_ABOUT_WINDOW (about)));
  gtk_window_destroy (about);

  destroy_window (window);
}

static void
test_action_help_overlay (void)
{
  QdWindow *window = new_window ();
  GtkWindow *help;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  help = qd_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (help);
  gtk_window_destroy (help);

  destroy_window (window);
}

static void
test_action_preferences (void)
{
  QdWindow *window = new_window ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *before = g_settings_get_string (settings, "server-url");
  g_autofree char *after = NULL;
  GtkWindow *prefs;
  GtkWidget *row;
  GtkWidget *error_label;
  GtkWidget *spin;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = qd_test_find_toplevel (QD_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);

  row = qd_test_find_widget (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, NULL);
  error_label = qd_test_find_widget (GTK_WIDGET (prefs), GTK_TYPE_LABEL, "error");
  g_assert_nonnull (row);
  g_assert_nonnull (error_label);

  /* The stored address is shown, without an error. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, before);
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* An address that is not http(s) gets an inline error and is not stored on apply. */
  gtk_editable_set_text (GTK_EDITABLE (row), "ftp://qudao.example.com");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "http://"));
  g_signal_emit_by_name (row, "apply");
  after = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* A valid one clears the error and is stored on apply. */
  gtk_editable_set_text (GTK_EDITABLE (row), "https://qudao.example.com:8443");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_get_visible (error_label));
  g_signal_emit_by_name (row, "apply");
  after = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (after, ==, "https://qudao.example.com:8443");

  /* The sync interval is bound to GSettings both ways. */
  spin = qd_test_find_widget (GTK_WIDGET (prefs), GTK_TYPE_SPIN_BUTTON, NULL);
  g_assert_nonnull (spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 30);
  g_assert_cmpint (g_settings_get_int (settings, "sync-interval"), ==, 30);
  g_settings_set_int (settings, "sync-interval", 12);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 12);

  g_object_ref (prefs);
  gtk_window_destroy (prefs);
  qd_test_drain ();
  g_assert_finalize_object (prefs);

  destroy_window (window);
  reset_settings ();
}

static void
test_window_size_persists (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  QdWindow *window = new_window ();
  int width = 0;
  int height = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 812, 553);
  /* gtk_window_close() does nothing on a window that was never shown. */
  qd_test_show_window (GTK_WINDOW (window));
  gtk_window_close (GTK_WINDOW (window)); /* as the user closing it: close-request saves */
  qd_test_drain ();
  g_assert_finalize_object (window);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 812);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 553);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  window = new_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 812);
  g_assert_cmpint (height, ==, 553);
  destroy_window (window);

  reset_settings ();
}

static void
test_action_quit (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  QdWindow *window = new_window ();

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 480);
  qd_test_show_window (GTK_WINDOW (window));
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* Quitting closes every window the way the user would, so sizes are saved. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  qd_test_drain ();
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 480);
  g_assert_finalize_object (window);

  reset_settings ();
}

static void
test_validate_server_url (void)
{
  static const char *good[] = {
    "http://127.0.0.1:8080", "https://qudao.example.com", "HTTPS://Qudao.Example.com/",
    "http://[::1]:8080", "https://qudao.example.com/base", "http://渠道.中国",
  };
  static const char *bad[] = {
    "", "qudao.example.com", "ftp://qudao.example.com", "http://", "https:///path",
    "http://user:secret@qudao.example.com", "http://qudao.example.com/?a=1",
    "http://qudao.example.com/#x", "javascript:alert(1)", "http://exa mple.com",
    "\xff\xfe", "http://example.com:99999",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (qd_validate_server_url (good[i], &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (qd_validate_server_url (bad[i], &error));
      g_assert_error (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      /* A password typed into the address must not be echoed back. */
      g_assert_null (strstr (error->message, "secret"));
    }

  g_assert_false (qd_validate_server_url (NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = qd_test_application_new ();

  g_test_add_func ("/app/validate-server-url", test_validate_server_url);
  g_test_add_func ("/app/accelerators", test_accelerators);
  g_test_add_func ("/app/window/pages", test_window_pages);
  g_test_add_func ("/app/window/page-action", test_window_page_action);
  g_test_add_func ("/app/window/size-persists", test_window_size_persists);
  g_test_add_func ("/app/window/narrow", test_window_narrow);
  g_test_add_func ("/app/action/about", test_action_about);
  g_test_add_func ("/app/action/help-overlay", test_action_help_overlay);
  g_test_add_func ("/app/action/preferences", test_action_preferences);
  g_test_add_func ("/app/action/quit", test_action_quit);

  status = g_test_run ();

  /* The registered application stays referenced by GTK's D-Bus glue until shutdown,
   * which only g_application_run() emits; the windows above are checked for leaks. */
  qd_test_drain ();
  g_object_unref (app);
  return status;
}
