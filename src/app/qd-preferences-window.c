/* qd-preferences-window.c — the Preferences window: server address and sync interval
 *
 * Nobody signed in: the address is the default of the sign-in window, stored on apply.
 * Signed in: the row shows the account's server, and using another one is an explicit
 * step, Switch Server…, which the application confirms (app.switch-server): it signs out,
 * keeping or deleting the local data as Sign Out does, then asks to sign in there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-app-error.h"
#include "qd-preferences-window.h"

struct _QdPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  AdwPreferencesGroup *server_group;
  AdwEntryRow *server_url_row;
  GtkButton *switch_button;
  GtkLabel *server_url_error;

  char *account_url;   /* the signed-in account's server, or NULL */
  GtkAdjustment *sync_interval_adjustment;
};

G_DEFINE_FINAL_TYPE (QdPreferencesWindow, qd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Shows or hides the inline error under the address row. Returns whether @text is valid. */
static gboolean
check_server_url (QdPreferencesWindow *self,
                  const char          *text)
{
  g_autoptr(GError) error = NULL;

  if (qd_validate_server_url (text, &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->server_url_row), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->server_url_error), FALSE);
      gtk_label_set_text (self->server_url_error, "");
      return TRUE;
    }

  gtk_widget_add_css_class (GTK_WIDGET (self->server_url_row), "error");
  gtk_label_set_text (self->server_url_error, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->server_url_error), TRUE);
  return FALSE;
}

static void
server_url_changed_cb (QdPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_url_row));
  gboolean valid = check_server_url (self, text);

  gtk_widget_set_sensitive (GTK_WIDGET (self->switch_button),
                            valid && self->account_url != NULL
                            && g_strcmp0 (text, self->account_url) != 0);
}

static void
switch_clicked_cb (QdPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_url_row));

  if (self->account_url == NULL || !check_server_url (self, text))
    return;
  gtk_widget_activate_action (GTK_WIDGET (self), "app.switch-server", "s", text);
}

static void
server_url_applied_cb (QdPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_url_row));

  /* Signed in, the address changes only through Switch Server… (Enter asks the same). */
  if (self->account_url != NULL)
    {
      if (gtk_widget_get_sensitive (GTK_WIDGET (self->switch_button)))
        switch_clicked_cb (self);
      return;
    }
  /* An invalid address is never stored: the sync engine would fail on it later, far from
   * where the user typed it. The inline error stays until the text is fixed. */
  if (check_server_url (self, text))
    g_settings_set_string (self->settings, "server-url", text);
}

static void
qd_preferences_window_dispose (GObject *object)
{
  QdPreferencesWindow *self = QD_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (qd_preferences_window_parent_class)->dispose (object);
}

static void
qd_preferences_window_finalize (GObject *object)
{
  QdPreferencesWindow *self = QD_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->account_url, g_free);

  G_OBJECT_CLASS (qd_preferences_window_parent_class)->finalize (object);
}

static void
qd_preferences_window_class_init (QdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_preferences_window_dispose;
  object_class->finalize = qd_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, switch_button);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, server_url_error);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow,
                                        sync_interval_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, server_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_url_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, switch_clicked_cb);
}

static void
qd_preferences_window_init (QdPreferencesWindow *self)
{
  g_autofree char *url = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  url = g_settings_get_string (self->settings, "server-url");
  gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), url);
  /* Setting the text is not an edit: do not greet the user with an error for a stored
   * value, and do not offer to "apply" what is already applied. */
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_url_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->server_url_error), FALSE);

  g_settings_bind (self->settings, "sync-interval",
                   self->sync_interval_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
}

/**
 * qd_preferences_window_new:
 * @parent: (nullable): the window to be transient for
 *
 * Returns: (transfer none): a new Preferences window, owned by GTK's list of toplevels
 */
QdPreferencesWindow *
qd_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (QD_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
}

/**
 * qd_preferences_window_set_account_url:
 * @self: a #QdPreferencesWindow
 * @url: (nullable): the server of the signed-in account, or %NULL when nobody is signed in
 *
 * Signed in, the address row shows the account's server and offers Switch Server…
 * instead of storing a new address.
 */
void
qd_preferences_window_set_account_url (QdPreferencesWindow *self,
                                       const char          *url)
{
  g_return_if_fail (QD_IS_PREFERENCES_WINDOW (self));

  g_free (self->account_url);
  self->account_url = g_strdup (url);
  adw_entry_row_set_show_apply_button (self->server_url_row, url == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_button), url != NULL);
  adw_preferences_group_set_description (
    self->server_group,
    url != NULL
    ? _("You are signed in to this server. To use another one, type its address and choose "
        "Switch Server….")
    : _("The brand’s Qudao server that this computer synchronizes with."));
  if (url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), url);
  else
    {
      g_autofree char *stored = g_settings_get_string (self->settings, "server-url");

      gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), stored);
    }
  /* Setting the text is not an edit (see init). */
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_url_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->server_url_error), FALSE);
}
