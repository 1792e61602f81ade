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
#include "qd-window.h"

struct _QdWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
  AdwViewSwitcherBar *switcher_bar;
  QdDashboardPage *dashboard_page;
  guint reveal_idle_id;
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

static void
stack_visible_child_changed_cb (QdWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "page");
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, dashboard_page);
  gtk_widget_class_bind_template_callback (widget_class, title_visible_changed_cb);

  /* Ctrl+W closes this window; "window.close" is GtkWindow's own action, so closing
   * goes through close-request and the size is saved. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
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
 * qd_window_save_screenshot:
 * @self: a #QdWindow that has been drawn at least once
 * @path: where to write the PNG
 * @error: return location for a #GError
 *
 * Renders the window as it is now with the window's own renderer into a texture and saves
 * it as a PNG. This is how tools/screenshots.sh takes the README and AppStream pictures
 * from the real app, without a compositor or a screenshot tool.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_window_save_screenshot (QdWindow    *self,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width;
  int height;

  g_return_val_if_fail (QD_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  if (renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_SCREENSHOT,
                           _("The window has not been drawn yet"));
      return FALSE;
    }

  /* A GtkWidgetPaintable is the documented way to draw a widget elsewhere; it paints
   * nothing for a toplevel on GTK 4.8, whose render node lives in the surface. Then the
   * window's own snapshot vfunc draws it, background and children, in its coordinates. */
  paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (self)->snapshot (GTK_WIDGET (self), snapshot);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  if (node == NULL)
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_SCREENSHOT,
                           _("The window rendered nothing"));
      return FALSE;
    }

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, QD_APP_ERROR, QD_APP_ERROR_SCREENSHOT,
                   _("Could not write the screenshot to “%s”"), path);
      return FALSE;
    }

  return TRUE;
}

/**
 * qd_window_set_store:
 * @self: a #QdWindow
 * @store: (nullable): the signed-in account's cache, or %NULL when nobody is signed in
 *
 * Hands the cache to the pages that read and write it.
 */
void
qd_window_set_store (QdWindow *self,
                     QdStore  *store)
{
  g_return_if_fail (QD_IS_WINDOW (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  qd_dashboard_page_set_store (self->dashboard_page, store);
}
