/* qd-sync-login.c — opening and closing a session with the server
 *
 * The password goes to the server once and is wiped from our copies afterwards; the token
 * goes to the keyring only. What the store keeps of the user is the public record the
 * server returns (id, name, role, dealer, regions).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "qd-account.h"
#include "qd-json.h"
#include "qd-sync-engine.h"
#include "qd-sync-http-private.h"

static void
wipe_free (char *text)
{
  if (text != NULL)
    {
      explicit_bzero (text, strlen (text));
      g_free (text);
    }
}

static char *
login_body (const char *username,
            const char *password)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, username);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, g_get_host_name ());
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);

  /* json-glib keeps a copy of the password in the node; wipe it before freeing. */
  {
    JsonObject *o = json_node_get_object (root);
    JsonNode *pw = json_object_get_member (o, "password");
    const char *s = json_node_get_string (pw);

    if (s != NULL)
      explicit_bzero ((char *) s, strlen (s));
  }
  return text;
}

gboolean
qd_sync_login_sync (const char    *data_dir,
                    const char    *server_url,
                    const char    *username,
                    const char    *password,
                    const char    *ca_file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(QdSyncHttp) http = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(QdCredentials) creds = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *regions = NULL;
  g_autofree char *dir = NULL;
  const char *token = NULL;
  const char *user_id = NULL;
  const char *name = NULL;
  const char *role = NULL;
  const char *dealer_id = NULL;
  JsonObject *user = NULL;
  JsonArray *region_ids = NULL;
  guint status = 0;

  g_return_val_if_fail (server_url != NULL, FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  dir = data_dir != NULL ? g_strdup (data_dir) : qd_account_default_data_dir ();
  creds = qd_credentials_new (server_url, username);
  http = _qd_sync_http_new (qd_credentials_get_server_url (creds), ca_file, 30, error);
  if (http == NULL)
    return FALSE;

  body = login_body (username, password);
  answer = _qd_sync_http_call (http, "POST", "/session", body, strlen (body), &status, NULL,
                               cancellable, &local_error);
  explicit_bzero (body, strlen (body));
  if (answer == NULL)
    {
      if (status == 401)
        g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_BAD_CREDENTIALS,
                     _("The user name or the password is wrong."));
      else if (status == 429)
        g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_SERVER,
                     _("Too many failed logins; wait a while before trying again."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!qd_json_read_string (answer, "token", QD_JSON_REQUIRED, &token, &local_error)
      || !qd_json_read_object (answer, "user", QD_JSON_REQUIRED, &user, &local_error)
      || !qd_json_read_id (user, "id", QD_JSON_REQUIRED, &user_id, &local_error)
      || !qd_json_read_string (user, "name", QD_JSON_REQUIRED, &name, &local_error)
      || !qd_json_read_string (user, "role", QD_JSON_REQUIRED, &role, &local_error)
      || !qd_json_read_id (user, "dealer_id", QD_JSON_OPTIONAL | QD_JSON_NULLABLE, &dealer_id,
                           &local_error)
      || !qd_json_read_array (user, "region_ids", QD_JSON_OPTIONAL, &region_ids,
                              &local_error))
    {
      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
                   _("The server's answer to the login is malformed: %s"),
                   local_error->message);
      return FALSE;
    }
  if (*token == '\0')
    {
      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
                   _("The server's answer to the login is malformed: %s"), "token: empty");
      return FALSE;
    }
  if (region_ids != NULL)
    {
      g_autoptr(GString) s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (region_ids); i++)
        {
          JsonNode *n = json_array_get_element (region_ids, i);

          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING
              || !qd_is_id (json_node_get_string (n)))
            {
              g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
                           _("The server's answer to the login is malformed: %s"),
                           "user.region_ids: expected an array of ids");
              return FALSE;
            }
          if (s->len > 0)
            g_string_append_c (s, ',');
          g_string_append (s, json_node_get_string (n));
        }
      regions = g_string_free (g_steal_pointer (&s), FALSE);
    }

  if (!qd_credentials_store_sync (creds, token, cancellable, error))
    return FALSE;
  explicit_bzero ((char *) token, strlen (token));

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the data folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  path = qd_store_path_for_account (dir, qd_credentials_get_server_url (creds), username);
  store = qd_store_open (path, error);
  if (store == NULL)
    return FALSE;
  if (!qd_store_set_meta (store, "server_url", qd_credentials_get_server_url (creds), error)
      || !qd_store_set_meta (store, "username", username, error)
      || !qd_store_set_meta (store, "user_id", user_id, error)
      || !qd_store_set_meta (store, "user_name", name, error)
      || !qd_store_set_meta (store, "user_role", role, error)
      || !qd_store_set_meta (store, QD_STORE_META_DEALER_ID, dealer_id, error)
      || !qd_store_set_meta (store, "region_ids", regions != NULL ? regions : "", error))
    return FALSE;
  return qd_account_save (dir, qd_credentials_get_server_url (creds), username, error);
}

typedef struct
{
  char *data_dir;
  char *server_url;
  char *username;
  char *password;
  char *ca_file;
} LoginData;

static void
login_data_free (LoginData *d)
{
  g_free (d->data_dir);
  g_free (d->server_url);
  g_free (d->username);
  wipe_free (d->password);
  g_free (d->ca_file);
  g_free (d);
}

static void
login_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LoginData *d = task_data;
  GError *error = NULL;

  if (qd_sync_login_sync (d->data_dir, d->server_url, d->username, d->password, d->ca_file,
                          cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
qd_sync_login_async (const char          *data_dir,
                     const char          *server_url,
                     const char          *username,
                     const char          *password,
                     const char          *ca_file,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoginData *d;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  d = g_new0 (LoginData, 1);
  d->data_dir = g_strdup (data_dir);
  d->server_url = g_strdup (server_url);
  d->username = g_strdup (username);
  d->password = g_strdup (password);
  d->ca_file = g_strdup (ca_file);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_sync_login_async);
  g_task_set_task_data (task, d, (GDestroyNotify) login_data_free);
  g_task_run_in_thread (task, login_thread);
}

gboolean
qd_sync_login_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
qd_sync_logout_sync (const char    *data_dir,
                     const char    *ca_file,
                     GError       **out_server_error,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autoptr(QdCredentials) creds = NULL;
  g_autoptr(GError) local_error = NULL;
  char *token;

  dir = data_dir != NULL ? g_strdup (data_dir) : qd_account_default_data_dir ();
  if (!qd_account_load (dir, &server, &user, &local_error))
    {
      if (g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND))
        g_set_error_literal (error, QD_SYNC_ERROR, QD_SYNC_ERROR_NOT_LOGGED_IN,
                             local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  creds = qd_credentials_new (server, user);
  token = qd_credentials_lookup_sync (creds, cancellable, error);
  if (token == NULL)
    return error == NULL || *error == NULL;   /* logged out already */

  {
    g_autoptr(QdSyncHttp) http = _qd_sync_http_new (server, ca_file, 15, &local_error);
    g_autoptr(JsonObject) answer = NULL;

    if (http != NULL)
      {
        _qd_sync_http_set_token (http, token);
        answer = _qd_sync_http_call (http, "DELETE", "/session", NULL, 0, NULL, NULL,
                                     cancellable, &local_error);
      }
    /* A 401 means the token was dead already: nothing to tell the server. */
    if (answer == NULL
        && !g_error_matches (local_error, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED)
        && out_server_error != NULL)
      *out_server_error = g_steal_pointer (&local_error);
  }
  wipe_free (token);
  return qd_credentials_clear_sync (creds, cancellable, error);
}
