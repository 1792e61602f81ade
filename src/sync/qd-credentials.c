/* qd-credentials.c — the session token of one account, kept in the Secret Service
 *
 * The token is the only secret the client holds. It lives in the keyring only; this file
 * never logs it, and the error messages it sets never contain it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "qd-credentials.h"

struct _QdCredentials
{
  GObject  parent_instance;

  char    *server_url;
  char    *username;
};

G_DEFINE_FINAL_TYPE (QdCredentials, qd_credentials, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_USERNAME,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

const SecretSchema *
qd_credentials_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.qudao.Qudao.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static void
qd_credentials_finalize (GObject *object)
{
  QdCredentials *self = QD_CREDENTIALS (object);

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->username, g_free);

  G_OBJECT_CLASS (qd_credentials_parent_class)->finalize (object);
}

static void
qd_credentials_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QdCredentials *self = QD_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_credentials_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  QdCredentials *self = QD_CREDENTIALS (object);
  g_autofree char *url = NULL;
  gsize len;

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      /* "https://x/" and "https://x" are one server: the keyring item must not depend on
       * how the user typed it. */
      url = g_value_dup_string (value);
      len = url != NULL ? strlen (url) : 0;
      while (len > 0 && url[len - 1] == '/')
        url[--len] = '\0';
      g_free (self->server_url);
      self->server_url = g_steal_pointer (&url);
      break;
    case PROP_USERNAME:
      g_free (self->username);
      self->username = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_credentials_class_init (QdCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qd_credentials_finalize;
  object_class->get_property = qd_credentials_get_property;
  object_class->set_property = qd_credentials_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_credentials_init (QdCredentials *self)
{
}

QdCredentials *
qd_credentials_new (const char *server_url,
                    const char *username)
{
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);

  return g_object_new (QD_TYPE_CREDENTIALS,
                       "server-url", server_url,
                       "username", username,
                       NULL);
}

const char *
qd_credentials_get_server_url (QdCredentials *self)
{
  g_return_val_if_fail (QD_IS_CREDENTIALS (self), NULL);
  return self->server_url;
}

const char *
qd_credentials_get_username (QdCredentials *self)
{
  g_return_val_if_fail (QD_IS_CREDENTIALS (self), NULL);
  return self->username;
}

static char *
item_label (QdCredentials *self)
{
  /* Translators: the label of the keyring item; %s are the user name and the server URL. */
  return g_strdup_printf (_("Qudao session of %s on %s"), self->username, self->server_url);
}

/* libsecret's own messages speak of D-Bus; say first what failed for the user. */
static void
prefix_keyring_error (GError **error)
{
  if (error != NULL && *error != NULL
      && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (error, "%s", _("The keyring cannot be used: "));
}

gboolean
qd_credentials_store_sync (QdCredentials  *self,
                           const char     *token,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *label = NULL;
  gboolean ok;

  g_return_val_if_fail (QD_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  label = item_label (self);
  ok = secret_password_store_sync (qd_credentials_get_schema (), SECRET_COLLECTION_DEFAULT,
                                   label, token, cancellable, error,
                                   "server", self->server_url,
                                   "user", self->username,
                                   NULL);
  if (!ok)
    prefix_keyring_error (error);
  return ok;
}

char *
qd_credentials_lookup_sync (QdCredentials  *self,
                            GCancellable   *cancellable,
                            GError        **error)
{
  GError *local_error = NULL;
  char *secret;
  char *token;

  g_return_val_if_fail (QD_IS_CREDENTIALS (self), NULL);

  secret = secret_password_lookup_sync (qd_credentials_get_schema (), cancellable,
                                        &local_error,
                                        "server", self->server_url,
                                        "user", self->username,
                                        NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      prefix_keyring_error (error);
      return NULL;
    }
  /* Hand out ordinary memory: callers keep the token in a GObject or a header. */
  token = g_strdup (secret);
  secret_password_free (secret);
  return token;
}

gboolean
qd_credentials_clear_sync (QdCredentials  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (QD_IS_CREDENTIALS (self), FALSE);

  /* FALSE without an error only means there was nothing to clear. */
  secret_password_clear_sync (qd_credentials_get_schema (), cancellable, &local_error,
                              "server", self->server_url,
                              "user", self->username,
                              NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      prefix_keyring_error (error);
      return FALSE;
    }
  return TRUE;
}

/* The async variants run the sync calls in a worker thread: libsecret's sync calls are
 * thread-safe, and one code path keeps the error handling in one place. */

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (qd_credentials_store_sync (source_object, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
free_token (gpointer token)
{
  if (token != NULL)
    {
      explicit_bzero (token, strlen (token));
      g_free (token);
    }
}

void
qd_credentials_store_async (QdCredentials       *self,
                            const char          *token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QD_IS_CREDENTIALS (self));
  g_return_if_fail (token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_credentials_store_async);
  g_task_set_task_data (task, g_strdup (token), free_token);
  g_task_run_in_thread (task, store_thread);
}

gboolean
qd_credentials_store_finish (QdCredentials  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  char *token = qd_credentials_lookup_sync (source_object, cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, free_token);
}

void
qd_credentials_lookup_async (QdCredentials       *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QD_IS_CREDENTIALS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_credentials_lookup_async);
  g_task_run_in_thread (task, lookup_thread);
}

char *
qd_credentials_lookup_finish (QdCredentials  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (qd_credentials_clear_sync (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
qd_credentials_clear_async (QdCredentials       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QD_IS_CREDENTIALS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_credentials_clear_async);
  g_task_run_in_thread (task, clear_thread);
}

gboolean
qd_credentials_clear_finish (QdCredentials  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
