/* qd-preferences-window.c — the Preferences window: server address and sync interval
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

  AdwEntryRow *server_url_row;
  GtkLabel *server_url_error;
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
  check_server_url (self, gtk_editable_get_text (GTK_EDITABLE (self->server_url_row)));
}

static void
server_url_applied_cb (QdPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_url_row));

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
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, server_url_error);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow,
                                        sync_interval_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, server_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_url_applied_cb);
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
