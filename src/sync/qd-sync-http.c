/* qd-sync-http.c — one blocking HTTP client for one worker thread
 *
 * The engine runs a whole sync in a worker thread with its own SoupSession (libsoup 3
 * sessions belong to the thread that made them). Every answer is read with two limits —
 * its size and a deadline for the whole body — so that a hostile or broken server (a 2 GB
 * Content-Length, a slow drip) yields a clear error instead of memory or a hang.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "qd-json.h"
#include "qd-sync-error.h"
#include "qd-sync-http-private.h"

G_DEFINE_QUARK (qd-sync-error-quark, qd_sync_error)

QdSyncHttp *
_qd_sync_http_new (const char  *base_url,
                   const char  *ca_file,
                   guint        timeout_s,
                   GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  QdSyncHttp *http;
  gsize len;

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_REFUSED,
                   _("“%s” is not a server address; it should look like https://host:port"),
                   base_url);
      return NULL;
    }

  http = g_new0 (QdSyncHttp, 1);
  http->timeout_s = timeout_s > 0 ? timeout_s : 30;
  http->max_answer = QD_SYNC_MAX_ANSWER;
  http->base_url = g_strdup (base_url);
  len = strlen (http->base_url);
  while (len > 0 && http->base_url[len - 1] == '/')
    http->base_url[--len] = '\0';

  /* The default session has SoupContentDecoder: it sends "Accept-Encoding: gzip, deflate"
   * and inflates the feed pages the server compresses. */
  http->session = soup_session_new_with_options ("timeout", http->timeout_s,
                                                 "idle-timeout", 60,
                                                 "user-agent", "qudao/" PACKAGE_VERSION,
                                                 NULL);
  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GTlsDatabase) db = g_tls_file_database_new (ca_file, &local_error);

      if (db == NULL)
        {
          g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_TLS,
                       _("The certificate authority file %s cannot be used: %s"),
                       ca_file, local_error->message);
          _qd_sync_http_free (http);
          return NULL;
        }
      soup_session_set_tls_database (http->session, db);
    }
  return http;
}

void
_qd_sync_http_free (QdSyncHttp *http)
{
  if (http == NULL)
    return;
  g_clear_object (&http->session);
  g_clear_pointer (&http->base_url, g_free);
  if (http->token != NULL)
    explicit_bzero (http->token, strlen (http->token));
  g_clear_pointer (&http->token, g_free);
  g_free (http);
}

void
_qd_sync_http_set_token (QdSyncHttp *http,
                         const char *token)
{
  if (http->token != NULL)
    explicit_bzero (http->token, strlen (http->token));
  g_free (http->token);
  http->token = g_strdup (token);
}

static void
set_transport_error (GError     **error,
                     GError      *cause,
                     const char  *base_url)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }
  if (cause->domain == G_TLS_ERROR)
    g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_TLS,
                 _("The server %s cannot be trusted: %s"), base_url, cause->message);
  else
    g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_OFFLINE,
                 _("The server %s cannot be reached: %s"), base_url, cause->message);
  g_error_free (cause);
}

static GBytes *
read_body (QdSyncHttp    *http,
           SoupMessage   *msg,
           GInputStream  *stream,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  gint64 deadline = g_get_monotonic_time () + (gint64) http->timeout_s * 2 * G_USEC_PER_SEC;

  /* Refuse an announced size beyond the limit before reading or allocating anything. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) http->max_answer)
    {
      g_autofree char *size = g_format_size (soup_message_headers_get_content_length (headers));
      g_autofree char *limit = g_format_size (http->max_answer);

      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_TOO_LARGE,
                   _("The server announced an answer of %s; the limit is %s."), size, limit);
      return NULL;
    }

  for (;;)
    {
      guint8 chunk[65536];
      GError *local_error = NULL;
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, cancellable, &local_error);

      if (n < 0)
        {
          set_transport_error (error, local_error, http->base_url);
          return NULL;
        }
      if (n == 0)
        break;
      if (buf->len + (gsize) n > http->max_answer)
        {
          g_autofree char *limit = g_format_size (http->max_answer);

          g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_TOO_LARGE,
                       _("The server's answer is larger than the limit of %s."), limit);
          return NULL;
        }
      g_byte_array_append (buf, chunk, n);
      /* A server that trickles bytes keeps the inactivity timeout from firing; the whole
       * answer gets a deadline of its own. */
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_OFFLINE,
                       _("The server %s is too slow: its answer did not arrive within %u "
                         "seconds."), http->base_url, http->timeout_s * 2);
          return NULL;
        }
    }
  /* A NUL after the body, outside of it, for the JSON builder (qd-sync-json.c); shrinking
   * the array keeps its allocation, so the byte stays there. */
  g_byte_array_append (buf, (const guint8 *) "", 1);
  g_byte_array_set_size (buf, buf->len - 1);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

static void
count_metrics (QdSyncHttp  *http,
               SoupMessage *msg)
{
  SoupMessageMetrics *m = soup_message_get_metrics (msg);

  http->requests++;
  if (m == NULL)
    return;
  http->wire_bytes_in += soup_message_metrics_get_response_header_bytes_received (m)
                         + soup_message_metrics_get_response_body_bytes_received (m);
  http->wire_bytes_out += soup_message_metrics_get_request_header_bytes_sent (m)
                          + soup_message_metrics_get_request_body_bytes_sent (m);
}

static void
forward_cancel (GCancellable *cancellable,
                gpointer      target)
{
  g_cancellable_cancel (target);
}

static gboolean
deadline_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

JsonObject *
_qd_sync_http_call (QdSyncHttp    *http,
                    const char    *method,
                    const char    *path_and_query,
                    const char    *body,
                    gsize          body_len,
                    guint         *out_status,
                    char         **out_code,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonObject *object;

  answer = _qd_sync_http_call_raw (http, method, path_and_query, body, body_len, out_status,
                                   out_code, cancellable, error);
  if (answer == NULL)
    return NULL;
  if (g_bytes_get_size (answer) == 0)
    return json_object_new ();
  object = _qd_sync_json_parse_object (g_bytes_get_data (answer, NULL),
                                       g_bytes_get_size (answer), &parse_error);
  if (object == NULL)
    g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
                 _("The server's answer to %s %s is malformed: %s"),
                 method, path_and_query, parse_error->message);
  return object;
}

GBytes *
_qd_sync_http_call_raw (QdSyncHttp    *http,
                        const char    *method,
                        const char    *path_and_query,
                        const char    *body,
                        gsize          body_len,
                        guint         *out_status,
                        char         **out_code,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GCancellable) request_cancellable = NULL;
  g_autoptr(GSource) deadline = NULL;
  g_autofree char *url = NULL;
  GError *local_error = NULL;
  gulong chained = 0;
  guint status;

  if (out_status != NULL)
    *out_status = 0;
  if (out_code != NULL)
    *out_code = NULL;

  url = g_strconcat (http->base_url, "/api/v1", path_and_query, NULL);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_REFUSED,
                   _("“%s” is not a server address; it should look like https://host:port"),
                   http->base_url);
      return NULL;
    }
  soup_message_add_flags (msg, SOUP_MESSAGE_COLLECT_METRICS);
  if (http->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", http->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", auth);
      explicit_bzero (auth, strlen (auth));
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_len);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  /* The request runs under a cancellable of its own, cancelled by the caller's or by the
   * deadline timer, so that the two can be told apart afterwards. */
  request_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    chained = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                     request_cancellable, NULL);
  if (http->timer_context != NULL)
    {
      deadline = g_timeout_source_new_seconds (http->timeout_s * 2);
      /* The source holds the cancellable: the timer may be dispatching in the other
       * thread at the moment this one destroys the source. */
      g_source_set_callback (deadline, deadline_cb, g_object_ref (request_cancellable),
                             g_object_unref);
      g_source_attach (deadline, http->timer_context);
    }

  stream = soup_session_send (http->session, msg, request_cancellable, &local_error);
  if (stream != NULL)
    {
      status = soup_message_get_status (msg);
      if (out_status != NULL)
        *out_status = status;
      answer = read_body (http, msg, stream, request_cancellable, &local_error);
      g_input_stream_close (stream, NULL, NULL);
    }
  if (deadline != NULL)
    g_source_destroy (deadline);
  if (chained != 0)
    g_cancellable_disconnect (cancellable, chained);
  count_metrics (http, msg);

  if (answer == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_cancellable_is_cancelled (cancellable))
        {
          g_clear_error (&local_error);
          g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_OFFLINE,
                       _("The server %s is too slow: its answer did not arrive within %u "
                         "seconds."), http->base_url, http->timeout_s * 2);
        }
      else if (local_error->domain == QD_SYNC_ERROR)
        g_propagate_error (error, local_error);
      else
        set_transport_error (error, local_error, http->base_url);
      return NULL;
    }
  http->body_bytes_in += g_bytes_get_size (answer);

  if (status >= 200 && status < 300)
    {
      if (status == 204)
        return g_bytes_new (NULL, 0);
      return g_steal_pointer (&answer);
    }

  /* An error answer: take the code and message if the body is the documented shape; a
   * body that is not is no reason to hide the status. */
  {
    const char *code = NULL;
    const char *message = NULL;
    JsonObject *err = NULL;

    object = qd_json_parse_object (g_bytes_get_data (answer, NULL),
                                   g_bytes_get_size (answer), NULL);
    if (object != NULL
        && qd_json_read_object (object, "error", QD_JSON_REQUIRED, &err, NULL))
      {
        if (!qd_json_read_string (err, "code", QD_JSON_REQUIRED, &code, NULL))
          code = NULL;
        if (!qd_json_read_string (err, "message", QD_JSON_REQUIRED, &message, NULL))
          message = NULL;
      }
    if (out_code != NULL)
      *out_code = g_strdup (code);

    if (status == 401)
      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED,
                   _("The server does not accept this session any more; log in again."));
    else if (status >= 500 || status == 429)
      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_SERVER,
                   _("The server is unavailable (HTTP %u%s%s); Qudao will try again later."),
                   status, message != NULL ? ": " : "", message != NULL ? message : "");
    else if (status < 200 || (status >= 300 && status < 400))
      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
                   _("The server answered with the unexpected HTTP status %u."), status);
    else
      g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_REFUSED,
                   _("The server refused the request (HTTP %u, %s)%s%s"), status,
                   code != NULL ? code : "no code", message != NULL ? ": " : ".",
                   message != NULL ? message : "");
    return NULL;
  }
}
