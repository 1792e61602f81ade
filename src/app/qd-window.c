/* qd-window.c — the main window: header bar, view switcher and the five pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-app-error.h"
#include "qd-dashboard-page.h"
#include "qd-order-page.h"
#include "qd-orders-page.h"
#include "qd-statements-page.h"
#include "qd-stock-page.h"
#include "qd-sync-centre.h"
#include "qd-sync-indicator.h"
#include "qd-window.h"

struct _QdWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
  AdwViewSwitcherBar *switcher_bar;
  QdOrderPage *order_page;
  QdOrdersPage *orders_page;
  QdDashboardPage *dashboard_page;
  QdStatementsPage *statements_page;
  QdStockPage *stock_page;
  QdSyncIndicator *sync_indicator;
  AdwToastOverlay *toast_overlay;

  /* owned */
  QdStore *store;
  QdSyncCentre *sync_centre;  /* weak: the open sync centre, if any */
  QdSyncEngine *engine;
  GSignalGroup *engine_signals;
  guint last_rejected;
  guint reveal_idle_id;
  guint stale_pages;          /* bit i: page_names[i] still waits for self->store */
};

G_DEFINE_FINAL_TYPE (QdWindow, qd_window, ADW_TYPE_APPLICATION_WINDOW)

/* The page names, in the order of the view switcher and of the Alt+1…Alt+5 shortcuts. */
static const char * const page_names[] = {
  "order", "orders", "stock", "statements", "dashboard",
};

static gboolean
is_page_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (g_strcmp0 (name, page_names[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
page_state_change_requested_cb (GSimpleAction *action,
                      GVariant      *state,
                      gpointer       user_data)
{
  QdWindow *self = QD_WINDOW (user_data);
  const char *name = g_variant_get_string (state, NULL);

  /* An unknown page (a typo in an accelerator or a test) is ignored rather than leaving
   * the stack on an empty child. */
  if (!is_page_name (name))
    return;

  adw_view_stack_set_visible_child_name (self->stack, name);
}

static void
page_activated_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  g_action_change_state (G_ACTION (action), parameter);
}

/* The pages that read much when they get the cache, as bits of page_names: the Stock page
 * (its grid of carried products: 0.3–0.6 s on a cache of a million order lines) and the
 * Dashboard (a manager's view: ~0.3 s). The Orders page reads its list when mapped; the
 * Statements page's list is small. */
#define DEFERRED_PAGES ((1u << 2) | (1u << 4))

static void
give_page_store (QdWindow *self,
                 guint     page,
                 QdStore  *store)
{
  switch (page)
    {
    case 0:
      qd_order_page_set_store (self->order_page, store);
      break;
    case 1:
      qd_orders_page_set_store (self->orders_page, store);
      break;
    case 2:
      qd_stock_page_set_store (self->stock_page, store);
      break;
    case 3:
      qd_statements_page_set_store (self->statements_page, store);
      break;
    case 4:
      qd_dashboard_page_set_store (self->dashboard_page, store);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* A page gets the cache when it is first shown (or used): see qd_window_set_store(). */
static void
ensure_page_store (QdWindow   *self,
                   const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (g_strcmp0 (name, page_names[i]) == 0 && (self->stale_pages & (1u << i)) != 0)
      {
        self->stale_pages &= ~(1u << i);
        give_page_store (self, i, self->store);
      }
}

static void
stack_visible_child_changed_cb (QdWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "page");
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  ensure_page_store (self, name);

  /* Keep the action's state in step when the user clicks the view switcher. */
  if (action != NULL && name != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (name));
}

static gboolean
update_switcher_bar_cb (gpointer user_data)
{
  QdWindow *self = QD_WINDOW (user_data);

  self->reveal_idle_id = 0;
  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    adw_view_switcher_title_get_title_visible (self->switcher_title));
  return G_SOURCE_REMOVE;
}

static void
title_visible_changed_cb (QdWindow *self)
{
  /* The switcher title decides whether it fits while it is being allocated. Revealing the
   * bottom bar right then (as a property binding does) changes the window's layout in the
   * middle of its allocation; with animations off GTK 4.8 then allocates the bar's box
   * with a height of -1 and warns. Revealing it from an idle, after the allocation, is
   * the same to the eye. */
  if (self->reveal_idle_id == 0)
    self->reveal_idle_id = g_idle_add (update_switcher_bar_cb, self);
}

static const GActionEntry win_entries[] = {
  { "page", page_activated_cb, "s", "'order'", page_state_change_requested_cb },
};

static void
restore_window_state (QdWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (QdWindow *self)
{
  int width = 0;
  int height = 0;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

  /* The default size is the unmaximized size, which is what the next start should get;
   * the maximized flag is stored beside it. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  g_settings_apply (self->settings);
}

static gboolean
qd_window_close_request (GtkWindow *window)
{
  save_window_state (QD_WINDOW (window));

  return GTK_WINDOW_CLASS (qd_window_parent_class)->close_request (window);
}

static void
qd_window_dispose (GObject *object)
{
  QdWindow *self = QD_WINDOW (object);

  g_clear_handle_id (&self->reveal_idle_id, g_source_remove);
  if (self->engine_signals != NULL)
    g_signal_group_set_target (self->engine_signals, NULL);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  if (self->sync_centre != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->sync_centre), (gpointer *) &self->sync_centre);
      gtk_window_destroy (GTK_WINDOW (self->sync_centre));
      self->sync_centre = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_WINDOW);

  G_OBJECT_CLASS (qd_window_parent_class)->dispose (object);
}

static void
qd_window_finalize (GObject *object)
{
  QdWindow *self = QD_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qd_window_parent_class)->finalize (object);
}

static void
qd_window_class_init (QdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = qd_window_dispose;
  object_class->finalize = qd_window_finalize;
  window_class->close_request = qd_window_close_request;

  /* The page types are referenced by name from the template. */
  g_type_ensure (QD_TYPE_ORDER_PAGE);
  g_type_ensure (QD_TYPE_ORDERS_PAGE);
  g_type_ensure (QD_TYPE_STOCK_PAGE);
  g_type_ensure (QD_TYPE_STATEMENTS_PAGE);
  g_type_ensure (QD_TYPE_DASHBOARD_PAGE);
  g_type_ensure (QD_TYPE_SYNC_INDICATOR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, order_page);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, orders_page);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, statements_page);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, stock_page);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, title_visible_changed_cb);

  /* Ctrl+W closes this window; "window.close" is GtkWindow's own action, so closing
   * goes through close-request and the size is saved. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
fill_cart_from_order (QdWindow   *self,
                      const char *order_id,
                      gboolean    resubmit)
{
  g_autoptr(GError) error = NULL;

  ensure_page_store (self, "order");
  if (!qd_cart_pane_load_order (qd_order_page_get_cart_pane (self->order_page), order_id,
                                resubmit, &error))
    {
      qd_orders_page_add_toast (self->orders_page, error->message);
      return;
    }
  qd_window_set_page (self, "order");
  qd_order_page_add_toast (self->order_page,
                           resubmit ? _("Edit the order, then resubmit it")
                                    : _("The order’s lines are in the cart"));
}

/* ---- sync --------------------------------------------------------------------------- */

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  /* Errors are on the engine's last-error property, which the indicator shows. */
  qd_sync_engine_sync_finish (QD_SYNC_ENGINE (source), result, NULL, NULL);
}

static void
sync_now_activated_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  QdWindow *self = QD_WINDOW (user_data);

  if (self->engine == NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "app.sign-in", NULL);
      return;
    }
  if (qd_sync_engine_get_phase (self->engine) == QD_SYNC_PHASE_AUTH_REQUIRED)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "app.sign-in", NULL);
      return;
    }
  qd_sync_engine_sync_async (self->engine, NULL, sync_done_cb, NULL);
}

static void
show_rejected_activated_cb (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  QdWindow *self = QD_WINDOW (user_data);

  qd_window_set_page (self, "orders");
  qd_orders_page_set_filter (self->orders_page, "rejected", NULL, NULL, NULL);
}

static void
local_change_cb (QdWindow *self)
{
  /* An order saved or cancelled: the waiting count changes now, and when online it is
   * sent right away instead of at the next periodic sync. */
  if (self->engine == NULL)
    return;
  qd_sync_engine_refresh_counts (self->engine);
  if (qd_sync_engine_get_phase (self->engine) != QD_SYNC_PHASE_AUTH_REQUIRED)
    qd_sync_engine_sync_async (self->engine, NULL, sync_done_cb, NULL);
}

static void
entities_changed_cb (QdWindow *self,
                     guint     kinds)
{
  /* The outbox too: a rejected order no longer counts against the credit. */
  if (kinds & (QD_ENTITY_KIND_PRODUCT | QD_ENTITY_KIND_PRICE | QD_ENTITY_KIND_DEALER
               | QD_ENTITY_KIND_ORDER | QD_ENTITY_KIND_STATEMENT | QD_ENTITY_KIND_PAYMENT
               | QD_ENTITY_KIND_OUTBOX))
    qd_order_page_reload (self->order_page);
  if (kinds & (QD_ENTITY_KIND_ORDER | QD_ENTITY_KIND_OUTBOX | QD_ENTITY_KIND_PRODUCT))
    qd_orders_page_reload (self->orders_page);
  /* The dashboard is about nearly everything in the cache (its rebuild: docs/performance.md). */
  if (kinds & (QD_ENTITY_KIND_DEALER | QD_ENTITY_KIND_PRODUCT | QD_ENTITY_KIND_ORDER
               | QD_ENTITY_KIND_STOCK_REPORT | QD_ENTITY_KIND_STATEMENT
               | QD_ENTITY_KIND_PAYMENT | QD_ENTITY_KIND_TARGET
               | QD_ENTITY_KIND_REBATE_POLICY | QD_ENTITY_KIND_OUTBOX))
    qd_dashboard_page_reload (self->dashboard_page);
  if (kinds & (QD_ENTITY_KIND_STATEMENT | QD_ENTITY_KIND_OUTBOX | QD_ENTITY_KIND_DEALER))
    qd_statements_page_reload (self->statements_page);
  if (kinds & (QD_ENTITY_KIND_STOCK_REPORT | QD_ENTITY_KIND_OUTBOX))
    qd_stock_page_reload_history (self->stock_page);
  if (self->sync_centre != NULL)
    qd_sync_centre_reload (self->sync_centre);
}

static void
sync_centre_edit_cb (QdWindow   *self,
                     const char *type,
                     const char *entity_id)
{
  g_autoptr(GError) error = NULL;

  /* Edit opens what the rejected change was about, where it can be corrected. */
  if (g_strcmp0 (type, "order.submit") == 0)
    fill_cart_from_order (self, entity_id, TRUE);
  else if (g_strcmp0 (type, "stock_report.submit") == 0)
    {
      ensure_page_store (self, "stock");
      if (qd_stock_page_load_report (self->stock_page, entity_id, &error))
        qd_window_set_page (self, "stock");
      else
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
    }
  else if (g_str_has_prefix (type, "statement."))
    {
      ensure_page_store (self, "statements");
      if (qd_statements_page_show_statement (self->statements_page, entity_id))
        qd_window_set_page (self, "statements");
    }
  else if (g_str_has_prefix (type, "order."))
    qd_window_set_page (self, "orders");
  if (self->sync_centre != NULL)
    gtk_window_close (GTK_WINDOW (self->sync_centre));
}

static void
show_sync_centre_activated_cb (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  QdWindow *self = QD_WINDOW (user_data);

  if (self->sync_centre == NULL)
    {
      self->sync_centre = qd_sync_centre_new (GTK_WINDOW (self), self->store);
      g_object_add_weak_pointer (G_OBJECT (self->sync_centre), (gpointer *) &self->sync_centre);
      g_signal_connect_object (self->sync_centre, "edit", G_CALLBACK (sync_centre_edit_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sync_centre, "retry", G_CALLBACK (local_change_cb),
                               self, G_CONNECT_SWAPPED);
    }
  else
    qd_sync_centre_reload (self->sync_centre);
  gtk_window_present (GTK_WINDOW (self->sync_centre));
}

static void
rejected_count_changed_cb (QdWindow *self)
{
  guint rejected = qd_sync_engine_get_rejected_count (self->engine);

  if (rejected > self->last_rejected)
    {
      AdwToast *toast = adw_toast_new (_("The brand rejected a change — see why in Orders"));

      adw_toast_set_button_label (toast, _("_Show"));
      adw_toast_set_action_name (toast, "win.show-rejected");
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  self->last_rejected = rejected;
}

static const GActionEntry sync_entries[] = {
  { "sync-now", sync_now_activated_cb },
  { "show-rejected", show_rejected_activated_cb },
  { "show-sync-centre", show_sync_centre_activated_cb },
};

/**
 * qd_window_set_sync_engine:
 * @self: a #QdWindow
 * @engine: (nullable): the engine of the signed-in account
 *
 * The header-bar indicator follows @engine, the pages reload when a sync changed what
 * they show, and a rejection raises a toast.
 */
void
qd_window_set_sync_engine (QdWindow     *self,
                           QdSyncEngine *engine)
{
  g_return_if_fail (QD_IS_WINDOW (self));
  g_return_if_fail (engine == NULL || QD_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  self->last_rejected = engine != NULL ? qd_sync_engine_get_rejected_count (engine) : 0;
  g_signal_group_set_target (self->engine_signals, engine);
  qd_sync_indicator_set_engine (self->sync_indicator, engine);
}

/**
 * qd_window_add_toast:
 * @self: a #QdWindow
 * @toast: (transfer full): the toast
 */
void
qd_window_add_toast (QdWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (QD_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
reorder_requested_cb (QdWindow   *self,
                      const char *order_id)
{
  fill_cart_from_order (self, order_id, FALSE);
}

static void
edit_order_requested_cb (QdWindow   *self,
                         const char *order_id)
{
  fill_cart_from_order (self, order_id, TRUE);
}

static void
qd_window_init (QdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries,
                                   G_N_ELEMENTS (win_entries), self);
  g_signal_connect_swapped (self->stack, "notify::visible-child-name",
                            G_CALLBACK (stack_visible_child_changed_cb), self);

  restore_window_state (self);

  g_signal_connect_object (self->orders_page, "reorder", G_CALLBACK (reorder_requested_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->orders_page, "edit-order", G_CALLBACK (edit_order_requested_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->orders_page, "order-changed", G_CALLBACK (local_change_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (qd_order_page_get_cart_pane (self->order_page), "order-queued",
                           G_CALLBACK (local_change_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->statements_page, "statement-changed",
                           G_CALLBACK (local_change_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stock_page, "report-queued",
                           G_CALLBACK (local_change_cb), self, G_CONNECT_SWAPPED);

  g_action_map_add_action_entries (G_ACTION_MAP (self), sync_entries,
                                   G_N_ELEMENTS (sync_entries), self);
  self->engine_signals = g_signal_group_new (QD_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "entities-changed",
                                  G_CALLBACK (entities_changed_cb), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::rejected-count",
                                  G_CALLBACK (rejected_count_changed_cb), self);
}

/**
 * qd_window_new:
 * @application: the application
 *
 * Returns: (transfer none): a new main window, owned by GTK's list of toplevels
 */
QdWindow *
qd_window_new (QdApplication *application)
{
  g_return_val_if_fail (QD_IS_APPLICATION (application), NULL);

  return g_object_new (QD_TYPE_WINDOW, "application", application, NULL);
}

/**
 * qd_window_get_page:
 * @self: a #QdWindow
 *
 * Returns: the name of the visible page ("order", "orders", "stock", "statements",
 *   "dashboard")
 */
const char *
qd_window_get_page (QdWindow *self)
{
  g_return_val_if_fail (QD_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

/**
 * qd_window_set_page:
 * @self: a #QdWindow
 * @page: a page name; unknown names are ignored
 *
 * Shows the page called @page, as the win.page action does.
 */
void
qd_window_set_page (QdWindow   *self,
                    const char *page)
{
  g_return_if_fail (QD_IS_WINDOW (self));
  g_return_if_fail (page != NULL);

  g_action_group_change_action_state (G_ACTION_GROUP (self), "page",
                                      g_variant_new_string (page));
}

/**
 * qd_window_is_settled:
 * @self: a #QdWindow
 *
 * Returns: %FALSE while a layout change is still pending after the last frame (the
 *   narrow-window switcher bar is revealed from an idle), so a screenshot should wait for
 *   the next frame
 */
gboolean
qd_window_is_settled (QdWindow *self)
{
  g_return_val_if_fail (QD_IS_WINDOW (self), TRUE);

  return self->reveal_idle_id == 0;
}

/**
 * qd_window_set_store:
 * @self: a #QdWindow
 * @store: (nullable): the signed-in account's cache, or %NULL when nobody is signed in
 *
 * Hands the cache to the pages that read and write it; the Stock page and the Dashboard,
 * which read much as soon as they get it, get it when first shown (unless visible now), so
 * that they never delay the first frame.
 */
void
qd_window_set_store (QdWindow *self,
                     QdStore  *store)
{
  const char *visible;

  g_return_if_fail (QD_IS_WINDOW (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  g_set_object (&self->store, store);
  visible = adw_view_stack_get_visible_child_name (self->stack);
  self->stale_pages = 0;
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (store == NULL || (DEFERRED_PAGES & (1u << i)) == 0
        || g_strcmp0 (visible, page_names[i]) == 0)
      give_page_store (self, i, store);
    else
      {
        /* Let go of a previous account's cache now. */
        give_page_store (self, i, NULL);
        self->stale_pages |= 1u << i;
      }
}

/**
 * qd_window_show_statement:
 * @self: a #QdWindow
 * @statement_id: a statement in the cache
 *
 * Shows the Statements page with the detail of @statement_id.
 */
void
qd_window_show_statement (QdWindow   *self,
                          const char *statement_id)
{
  g_return_if_fail (QD_IS_WINDOW (self));
  g_return_if_fail (statement_id != NULL);

  qd_window_set_page (self, "statements");
  qd_statements_page_show_statement (self->statements_page, statement_id);
}

/**
 * qd_window_import_stock_file:
 * @self: a #QdWindow
 * @file: a stock CSV
 *
 * Shows the Stock page with the import preview of @file ("qudao stock.csv").
 */
void
qd_window_import_stock_file (QdWindow *self,
                             GFile    *file)
{
  g_return_if_fail (QD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  qd_window_set_page (self, "stock");
  qd_stock_page_import_file (self->stock_page, file);
}

/**
 * qd_window_get_sync_centre:
 * @self: a #QdWindow
 *
 * Returns: (transfer none) (nullable): the sync centre when it is open
 */
QdSyncCentre *
qd_window_get_sync_centre (QdWindow *self)
{
  g_return_val_if_fail (QD_IS_WINDOW (self), NULL);
  return self->sync_centre;
}

/**
 * qd_window_show_order:
 * @self: a #QdWindow
 * @order_id: an order in the cache
 *
 * Shows the Orders page with the detail of @order_id (the screenshot script uses this).
 */
void
qd_window_show_order (QdWindow   *self,
                      const char *order_id)
{
  g_return_if_fail (QD_IS_WINDOW (self));
  g_return_if_fail (order_id != NULL);

  qd_window_set_page (self, "orders");
  qd_orders_page_show_order (self->orders_page, order_id);
}
