/* qd-sign-in-window.c — the sign-in view: server address, user name, password
 *
 * Shown when no account is configured (and from the sync indicator when the server wants
 * a new sign-in). Login runs in a worker thread (qd_sync_login_async), so the window stays
 * responsive and can be cancelled; an error is shown inline, under the fields, in words
 * that say what to do: a wrong password, a server that cannot be reached, a certificate
 * that is not trusted, a server too old to speak this protocol.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "qd-app-error.h"
#include "qd-sign-in-window.h"
#include "qd-sync-engine.h"

struct _QdSignInWindow
{
  AdwWindow parent_instance;

  /* template widgets */
  AdwEntryRow *server_row;
  AdwEntryRow *user_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel *error_label;
  GtkButton *sign_in_button;
  GtkSpinner *spinner;

  /* owned */
  char *data_dir;
  char *error_text;
  GCancellable *cancellable;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (QdSignInWindow, qd_sign_in_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SIGNED_IN,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

/**
 * qd_sign_in_describe_error:
 * @error: what qd_sync_login_finish() or the URL check reported
 * @server_url: the address the user typed
 *
 * Returns: (transfer full): a message that names the cause and what to do about it
 */
char *
qd_sign_in_describe_error (const GError *error,
                           const char   *server_url)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == QD_SYNC_ERROR)
    switch (error->code)
      {
      case QD_SYNC_ERROR_BAD_CREDENTIALS:
        return g_strdup (_("Wrong user name or password. Check them and try again."));
      case QD_SYNC_ERROR_OFFLINE:
        /* Translators: the server address, then the technical cause. */
        return g_strdup_printf (_("Cannot reach the server at %s. Check the address and "
                                  "your network connection. (%s)"), server_url, error->message);
      case QD_SYNC_ERROR_TLS:
        return g_strdup_printf (_("The server’s security certificate is not trusted, so "
                                  "Qudao did not send your password. Ask your brand for the "
                                  "right address. (%s)"), error->message);
      case QD_SYNC_ERROR_REFUSED:
      case QD_SYNC_ERROR_PROTOCOL:
        return g_strdup_printf (_("The server at %s does not understand this version of "
                                  "Qudao: it may be too old, or not a Qudao server. (%s)"),
                                server_url, error->message);
      default:
        break;
      }
  return g_strdup (error->message);
}

const char *
qd_sign_in_window_get_error (QdSignInWindow *self)
{
  g_return_val_if_fail (QD_IS_SIGN_IN_WINDOW (self), NULL);
  return self->error_text;
}

static void
show_error (QdSignInWindow *self,
            const char     *text)
{
  g_free (self->error_text);
  self->error_text = g_strdup (text);
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
set_busy (QdSignInWindow *self,
          gboolean        busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

static void
login_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(QdSignInWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (!qd_sync_login_finish (result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      url = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
      text = qd_sign_in_describe_error (error, url);
      show_error (self, text);
      gtk_widget_grab_focus (GTK_WIDGET (error->code == QD_SYNC_ERROR_BAD_CREDENTIALS
                                         && error->domain == QD_SYNC_ERROR
                                         ? GTK_WIDGET (self->password_row)
                                         : GTK_WIDGET (self->server_row)));
      return;
    }

  set_busy (self, FALSE);
  g_settings_set_string (self->settings, "server-url",
                         gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
sign_in_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QdSignInWindow *self = QD_SIGN_IN_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  /* The server address is kept without a trailing slash; the engine appends /api/v1. */
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  if (!qd_validate_server_url (url, &error))
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }
  if (*user == '\0')
    {
      show_error (self, _("Enter your user name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->user_row));
      return;
    }
  if (*password == '\0')
    {
      show_error (self, _("Enter your password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  show_error (self, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  qd_sync_login_async (self->data_dir, url, user, password, NULL, self->cancellable,
                       login_done_cb, g_object_ref (self));
}

static void
entry_activated_cb (QdSignInWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.submit", NULL);
}

static void
qd_sign_in_window_dispose (GObject *object)
{
  QdSignInWindow *self = QD_SIGN_IN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_SIGN_IN_WINDOW);

  G_OBJECT_CLASS (qd_sign_in_window_parent_class)->dispose (object);
}

static void
qd_sign_in_window_finalize (GObject *object)
{
  QdSignInWindow *self = QD_SIGN_IN_WINDOW (object);

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->error_text, g_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qd_sign_in_window_parent_class)->finalize (object);
}

static void
qd_sign_in_window_class_init (QdSignInWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_sign_in_window_dispose;
  object_class->finalize = qd_sign_in_window_finalize;

  /**
   * QdSignInWindow::signed-in:
   *
   * The account is saved in the data folder and its token in the keyring.
   */
  signals[SIGNAL_SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-sign-in-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdSignInWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, QdSignInWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, QdSignInWindow, spinner);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, sign_in_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qd_sign_in_window_init (QdSignInWindow *self)
{
  g_autofree char *url = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  url = g_settings_get_string (self->settings, "server-url");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
}

/**
 * qd_sign_in_window_new:
 * @parent: (nullable): the main window
 * @data_dir: (nullable): the data folder (%NULL: the default one)
 *
 * Returns: (transfer none): a new sign-in window; connect to ::signed-in and present it
 */
QdSignInWindow *
qd_sign_in_window_new (GtkWindow  *parent,
                       const char *data_dir)
{
  QdSignInWindow *self;

  self = g_object_new (QD_TYPE_SIGN_IN_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->data_dir = g_strdup (data_dir);
  return self;
}

/**
 * qd_sign_in_window_set_account:
 * @self: a #QdSignInWindow
 * @server_url: the server of the account to sign in to again
 * @username: its user name
 *
 * Fills in the account whose session expired, so that only the password is asked for.
 */
void
qd_sign_in_window_set_account (QdSignInWindow *self,
                               const char     *server_url,
                               const char     *username)
{
  g_return_if_fail (QD_IS_SIGN_IN_WINDOW (self));

  if (server_url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url);
  if (username != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), username);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
}
