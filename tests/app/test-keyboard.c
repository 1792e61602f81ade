/* test-keyboard.c — the Stock and Statements pages and the sync centre by keyboard only
 *
 * Walks the focus with Tab (the capture-phase key controllers GTK would run, then
 * gtk_widget_child_focus with GTK_DIR_TAB_FORWARD, what the Tab key does) through the shown
 * window, and asserts that every action button of the page is
 * reached, that what is reached has an accessible name, and that the natural shortcuts
 * (Ctrl+Return to confirm or submit, Ctrl+P to print, Ctrl+R to retry) are bound to the
 * actions. AT-SPI key presses would need a window manager the headless session lacks, so
 * this runs as a widget test on a real store file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "qd-application.h"
#include "qd-statements-page.h"
#include "qd-stock-page.h"
#include "qd-sync-centre.h"
#include "qd-test-catalog.h"
#include "qd-test-statements.h"
#include "qd-test-util.h"
#include "qd-window.h"
#include "qd-test-files.h"

/* More Tab presses than any of these windows has stops; a walk ends earlier when the
 * focus comes back to where it started. */
#define MAX_STOPS 400

static QdApplication *app;

typedef struct
{
  char *dir;
  QdStore *store;
  QdWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("qudao-keyboard-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "cache.sqlite", NULL);
  f->store = qd_store_open (path, &error);
  g_assert_no_error (error);
  qd_test_catalog_fill (f->store, 30, 10000000, &error);
  g_assert_no_error (error);
  qd_test_statement_add (f->store, "st_09", "2026-09", 1, "confirmed", 4, NULL, &error);
  g_assert_no_error (error);
  qd_test_statement_add (f->store, "st_10", "2026-10", 1, "issued", 30, NULL, &error);
  g_assert_no_error (error);

  f->window = g_object_ref (qd_window_new (app));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  qd_window_set_store (f->window, f->store);
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
}

/* Whether @widget (or the row or button it is part of) has a name a screen reader can
 * say: a button's label or tooltip, a row's title, a label's text. */
static gboolean
shows_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
      && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (shows_text (c))
      return TRUE;
  return FALSE;
}

static gboolean
has_name (GtkWidget *widget)
{
  GtkWidget *w;

  for (w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (GTK_IS_BUTTON (w) && (gtk_button_get_label (GTK_BUTTON (w)) != NULL || shows_text (w)))
        return TRUE;
      if (ADW_IS_PREFERENCES_ROW (w)
          && *adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)) != '\0')
        return TRUE;
      if (GTK_IS_LABEL (w) && *gtk_label_get_text (GTK_LABEL (w)) != '\0')
        return TRUE;
      /* An icon button (or menu button): named by its tooltip (and an accessible label
       * GTK 4.8 cannot read back). */
      if ((GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w)) && gtk_widget_get_tooltip_text (w) != NULL)
        return TRUE;
      if (GTK_IS_LIST_BOX_ROW (w) || GTK_IS_WINDOW (w))
        break;
    }
  return FALSE;
}

typedef struct
{
  GPtrArray *stops;      /* the focus widgets, in order (borrowed) */
  GHashTable *actions;   /* action names of the focused actionables */
} Walk;

static void
walk_clear (Walk *walk)
{
  g_clear_pointer (&walk->stops, g_ptr_array_unref);
  g_clear_pointer (&walk->actions, g_hash_table_unref);
}

/* What a key press does to @widget's key controllers (as GTK delivers it; a real key
 * press needs a window manager the headless session lacks). Returns whether one of them
 * handled it. */
static gboolean
press_key_in_phase (GtkWidget           *widget,
                    guint                keyval,
                    GdkModifierType      state,
                    GtkPropagationPhase  phase)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      gboolean handled = FALSE;

      if (!GTK_IS_EVENT_CONTROLLER_KEY (controller)
          || (phase != GTK_PHASE_NONE
              && gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller))
                 != phase))
        continue;
      g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
      if (handled)
        return TRUE;
    }
  return FALSE;
}

static gboolean
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  state)
{
  return press_key_in_phase (widget, keyval, state, GTK_PHASE_NONE);
}

/* The Tab key as GTK handles it: the capture-phase key controllers from the window down to
 * the focus widget first, then the window's focus chain. */
static gboolean
press_tab (GtkWindow *window)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();

  for (GtkWidget *w = gtk_window_get_focus (window); w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_insert (chain, 0, w);
  for (guint i = 0; i < chain->len; i++)
    if (press_key_in_phase (chain->pdata[i], GDK_KEY_Tab, 0, GTK_PHASE_CAPTURE))
      return TRUE;
  return gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
}

/* Presses Tab until the focus comes back to the first stop (or MAX_STOPS). */
static void
walk_tab (GtkWindow *window,
          Walk      *walk)
{
  GtkWidget *first = NULL;

  walk->stops = g_ptr_array_new ();
  walk->actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_window_set_focus (window, NULL);
  for (guint i = 0; i < MAX_STOPS; i++)
    {
      GtkWidget *focus;

      if (!press_tab (window))
        {
          /* The end of the chain: Tab wraps around to the start, as in a window. */
          gtk_window_set_focus (window, NULL);
          if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
            break;
        }
      focus = gtk_window_get_focus (window);
      g_assert_nonnull (focus);
      if (focus == first)
        break;
      if (first == NULL)
        first = focus;
      g_ptr_array_add (walk->stops, focus);
      for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
        if (GTK_IS_ACTIONABLE (w) && gtk_actionable_get_action_name (GTK_ACTIONABLE (w)) != NULL)
          {
            g_hash_table_add (walk->actions,
                              g_strdup (gtk_actionable_get_action_name (GTK_ACTIONABLE (w))));
            break;
          }
    }
  g_assert_cmpuint (walk->stops->len, >, 0);
}

/* The stops, for the message of a failed assertion. */
static char *
walk_describe (Walk *walk)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < walk->stops->len; i++)
    {
      GtkWidget *w = walk->stops->pdata[i];

      g_string_append_printf (text, "%s%s", i > 0 ? " → " : "", G_OBJECT_TYPE_NAME (w));
      if (GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w)) != NULL)
        g_string_append_printf (text, " “%s”", gtk_button_get_label (GTK_BUTTON (w)));
    }
  return g_string_free (text, FALSE);
}

static void
assert_actions_reached (Walk               *walk,
                        const char * const *actions,
                        guint               n_actions)
{
  for (guint i = 0; i < n_actions; i++)
    if (!g_hash_table_contains (walk->actions, actions[i]))
      {
        g_autofree char *stops = walk_describe (walk);

        g_error ("Tab never reaches the button of %s; %u stops: %s", actions[i], walk->stops->len, stops);
      }
}

static gboolean
walk_reached (Walk     *walk,
              gboolean (*is) (GtkWidget *widget, gpointer data),
              gpointer  data)
{
  for (guint i = 0; i < walk->stops->len; i++)
    for (GtkWidget *w = walk->stops->pdata[i]; w != NULL; w = gtk_widget_get_parent (w))
      if (is (w, data))
        return TRUE;
  return FALSE;
}

static gboolean
is_type (GtkWidget *widget,
         gpointer   type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static gboolean
is_button_with_data (GtkWidget *widget,
                     gpointer   key)
{
  return GTK_IS_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), key) != NULL;
}

/* Every stop that is a control (not a container the focus passes through) is named. */
static void
assert_stops_named (Walk *walk)
{
  for (guint i = 0; i < walk->stops->len; i++)
    {
      GtkWidget *w = walk->stops->pdata[i];

      if (GTK_IS_BUTTON (w) || GTK_IS_LIST_BOX_ROW (w))
        {
          if (!has_name (w))
            g_error ("a %s reached by Tab has no name", G_OBJECT_TYPE_NAME (w));
        }
    }
}

/* The shortcut of @widget's class triggered by @accel, if any. */
static GtkShortcut *
find_shortcut (GtkWidget  *widget,
               const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accel);

  g_assert_nonnull (wanted);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return shortcut;  /* the controller keeps it alive */
        }
    }
  return NULL;
}

static void
assert_shortcut (GtkWidget  *widget,
                 const char *accel,
                 const char *action)
{
  GtkShortcut *shortcut = find_shortcut (widget, accel);
  GtkShortcutAction *what;

  if (shortcut == NULL)
    g_error ("%s has no %s shortcut", G_OBJECT_TYPE_NAME (widget), accel);
  what = gtk_shortcut_get_action (shortcut);
  g_assert_true (GTK_IS_NAMED_ACTION (what));
  g_assert_cmpstr (gtk_named_action_get_action_name (GTK_NAMED_ACTION (what)), ==, action);
}

static void
test_statements (Fixture       *f,
                 gconstpointer  data)
{
  QdStatementsPage *page;
  const char * const actions[] = {
    "statements.confirm", "statements.dispute", "statements.export-csv",
    "statements.export-pdf", "statements.print",
  };
  Walk walk = { NULL, NULL };
  GtkShortcut *confirm;
  AdwMessageDialog *dialog;
  GtkWidget *lines;
  GtkWidget *focus;

  qd_window_set_page (f->window, "statements");
  page = QD_STATEMENTS_PAGE (qd_test_find_widget (GTK_WIDGET (f->window),
                                                  QD_TYPE_STATEMENTS_PAGE, NULL));
  g_assert_true (qd_statements_page_show_statement (page, "st_10"));
  qd_test_show_window (GTK_WINDOW (f->window));

  walk_tab (GTK_WINDOW (f->window), &walk);
  assert_actions_reached (&walk, actions, G_N_ELEMENTS (actions));
  /* The list of periods and the lines (arrows move within them, Shift/Ctrl+Space select). */
  g_assert_true (walk_reached (&walk, is_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_BOX_ROW)));
  g_assert_true (walk_reached (&walk, is_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_VIEW)));
  /* Tabbing through does not change the statement shown (browse mode selected every row
   * the focus passed). */
  g_assert_cmpstr (qd_statements_page_get_shown_id (page), ==, "st_10");
  assert_stops_named (&walk);
  walk_clear (&walk);

  /* Tab leaves the lines at once (GTK 4.8 would stop at each line), Shift+Tab too. */
  lines = qd_test_find_widget (GTK_WIDGET (page), GTK_TYPE_LIST_VIEW, "statement-lines");
  g_assert_nonnull (lines);
  g_assert_true (gtk_widget_child_focus (lines, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (f->window)), lines));
  g_assert_true (press_key (lines, GDK_KEY_Tab, 0));
  focus = gtk_window_get_focus (GTK_WINDOW (f->window));
  g_assert_true (GTK_IS_ACTIONABLE (focus));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (focus)), ==,
                   "statements.confirm");
  g_assert_true (gtk_widget_child_focus (lines, GTK_DIR_TAB_FORWARD));
  g_assert_true (press_key (lines, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  focus = gtk_window_get_focus (GTK_WINDOW (f->window));
  g_assert_nonnull (focus);
  g_assert_false (gtk_widget_is_ancestor (focus, lines));
  /* The arrows stay within the lines. */
  g_assert_false (press_key (lines, GDK_KEY_Down, 0));

  /* Ctrl+Return confirms (after the usual question), Ctrl+P prints. */
  assert_shortcut (GTK_WIDGET (page), "<Control>Return", "statements.confirm");
  assert_shortcut (GTK_WIDGET (page), "<Control>KP_Enter", "statements.confirm");
  assert_shortcut (GTK_WIDGET (page), "<Control>p", "statements.print");
  confirm = find_shortcut (GTK_WIDGET (page), "<Control>Return");
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (confirm),
                                               GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                               GTK_WIDGET (page), NULL));
  qd_test_drain ();
  dialog = (AdwMessageDialog *) qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "2026-10"));
  adw_message_dialog_response (dialog, "cancel");
  if (qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == GTK_WINDOW (dialog))
    gtk_window_destroy (GTK_WINDOW (dialog));
  qd_test_drain ();
}

static void
test_stock (Fixture       *f,
            gconstpointer  data)
{
  QdStockPage *page;
  g_autofree char *pid = qd_test_catalog_product_id (4);
  g_autoptr(GError) error = NULL;
  const char * const actions[] = { "stock.import", "stock.clear", "stock.submit" };
  Walk walk = { NULL, NULL };

  qd_window_set_page (f->window, "stock");
  page = QD_STOCK_PAGE (qd_test_find_widget (GTK_WIDGET (f->window), QD_TYPE_STOCK_PAGE, NULL));
  qd_stock_page_add_product (page, pid, &error);
  g_assert_no_error (error);
  qd_test_show_window (GTK_WINDOW (f->window));

  walk_tab (GTK_WINDOW (f->window), &walk);
  assert_actions_reached (&walk, actions, G_N_ELEMENTS (actions));
  /* The stock date and the product search are entries on the way. */
  g_assert_true (walk_reached (&walk, is_type, GSIZE_TO_POINTER (GTK_TYPE_TEXT)));
  assert_stops_named (&walk);
  walk_clear (&walk);

  assert_shortcut (GTK_WIDGET (page), "<Control>Return", "stock.submit");
}

static void
test_sync_centre (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *pid = qd_test_catalog_product_id (3);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  QdStockLineInput line = { pid, 12, NULL, NULL };
  QdSyncCentre *centre;
  Walk walk = { NULL, NULL };
  GtkWidget *history;
  guint in_history = 0;

  /* Three rejected reports discarded (the history), one still rejected. */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = qd_store_report_stock (f->store, "2026-10-31", &line, 1, &error);

      g_assert_no_error (error);
      g_clear_pointer (&items, g_ptr_array_unref);
      items = qd_store_outbox_list (f->store, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (items->len, ==, 1);
      qd_store_outbox_rejected (f->store, ((QdOutboxItem *) items->pdata[0])->id,
                                "invalid_payload", "qty of line 1 must not exceed 1000", &error);
      g_assert_no_error (error);
      if (i < 3)
        {
          qd_store_outbox_discard (f->store, ((QdOutboxItem *) items->pdata[0])->id, &error);
          g_assert_no_error (error);
        }
    }

  qd_test_show_window (GTK_WINDOW (f->window));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "show-sync-centre", NULL);
  centre = qd_window_get_sync_centre (f->window);
  g_assert_nonnull (centre);
  qd_test_show_window (GTK_WINDOW (centre));

  walk_tab (GTK_WINDOW (centre), &walk);
  g_assert_true (g_hash_table_contains (walk.actions, "centre.retry-now"));
  /* Edit and Discard of the rejected report. */
  g_assert_true (walk_reached (&walk, is_button_with_data, (gpointer) "entity"));
  g_assert_true (walk_reached (&walk, is_button_with_data, (gpointer) "mutation-id"));
  /* The three discarded changes are one Tab stop (the arrows go through them). */
  history = GTK_WIDGET (qd_sync_centre_get_history (centre));
  for (guint i = 0; i < walk.stops->len; i++)
    if (gtk_widget_is_ancestor (walk.stops->pdata[i], history))
      in_history++;
  g_assert_cmpuint (in_history, ==, 1);
  assert_stops_named (&walk);
  walk_clear (&walk);

  assert_shortcut (GTK_WIDGET (centre), "<Control>r", "centre.retry-now");
  gtk_window_destroy (GTK_WINDOW (centre));
  qd_test_drain ();
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
  g_test_add ("/keyboard/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("statements", test_statements);
  ADD ("stock", test_stock);
  ADD ("sync-centre", test_sync_centre);
#undef ADD

  status = g_test_run ();
  qd_test_drain ();
  g_object_unref (app);
  return status;
}
