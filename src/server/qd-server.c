/* qd-server.c — routing, authentication, limits, the writer thread and the reader pool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-private.h"

#include <string.h>

#include "qd-json.h"

G_DEFINE_FINAL_TYPE (QdServer, qd_server, G_TYPE_OBJECT)

/* How many queued writes one transaction takes at most: one fsync for all of them. */
#define WRITE_BATCH_MAX 256

/* ---------------------------------------------------------------------------------- */
/* Routes                                                                               */

typedef enum
{
  AUTH_NONE,
  AUTH_ANY,       /* any authenticated user */
  AUTH_ADMIN,     /* role admin */
} Auth;

typedef struct
{
  const char *method;
  const char *pattern;  /* '*' matches one path segment */
  Auth        auth;
  void      (*handler) (QdServerRequest *req);
} Route;

static const Route routes[] = {
  { "GET",    "/health",                        AUTH_NONE,  qd_server_handle_health },
  { "GET",    "/api/v1/health",                 AUTH_NONE,  qd_server_handle_health },
  { "POST",   "/api/v1/session",                AUTH_NONE,  qd_server_handle_login },
  { "DELETE", "/api/v1/session",                AUTH_ANY,   qd_server_handle_logout },
  { "GET",    "/api/v1/me",                     AUTH_ANY,   qd_server_handle_me },
  { "GET",    "/api/v1/changes",                AUTH_ANY,   qd_server_handle_changes },
  { "POST",   "/api/v1/mutations",              AUTH_ANY,   qd_server_handle_mutations },
  { "GET",    "/api/v1/orders/*",               AUTH_ANY,   qd_server_handle_read_order },
  { "GET",    "/api/v1/statements/*",           AUTH_ANY,   qd_server_handle_read_statement },
  { "GET",    "/api/v1/dealers/*",              AUTH_ANY,   qd_server_handle_read_dealer },
  { "GET",    "/api/v1/products/*",             AUTH_ANY,   qd_server_handle_read_product },
  { "GET",    "/api/v1/admin/audit",            AUTH_ADMIN, qd_server_handle_admin_audit },
  { "POST",   "/api/v1/admin/orders/*/status",  AUTH_ADMIN, qd_server_handle_admin_order },
  { "POST",   "/api/v1/admin/statements",       AUTH_ADMIN, qd_server_handle_admin_statement },
  { "POST",   "/api/v1/admin/statements/*/revise", AUTH_ADMIN, qd_server_handle_admin_statement },
  { "POST",   "/api/v1/admin/*",                AUTH_ADMIN, qd_server_handle_admin_post },
  { "PUT",    "/api/v1/admin/*/*",              AUTH_ADMIN, qd_server_handle_admin_put },
  { "DELETE", "/api/v1/admin/*/*",              AUTH_ADMIN, qd_server_handle_admin_delete },
};

/* Matches @path against @pattern; on success *out_args holds the '*' segments. Walks both
 * strings segment by segment without splitting them: every request tries every route. */
static gboolean
match_route (const char  *pattern,
             const char  *path,
             GStrv       *out_args)
{
  g_autoptr(GStrvBuilder) args = NULL;  /* made at the first '*' */
  const char *p = pattern;
  const char *x = path;

  for (;;)
    {
      const char *pe = strchr (p, '/');
      const char *xe = strchr (x, '/');

      if (pe == NULL)
        pe = p + strlen (p);
      if (xe == NULL)
        xe = x + strlen (x);
      if (pe - p == 1 && *p == '*')
        {
          g_autofree char *segment = NULL;

          if (xe == x)
            return FALSE;
          segment = g_strndup (x, xe - x);
          if (args == NULL)
            args = g_strv_builder_new ();
          g_strv_builder_add (args, segment);
        }
      else if (pe - p != xe - x || memcmp (p, x, pe - p) != 0)
        return FALSE;
      /* The same number of segments on both sides. */
      if (*pe == '\0' || *xe == '\0')
        {
          if (*pe != *xe)
            return FALSE;
          break;
        }
      p = pe + 1;
      x = xe + 1;
    }
  *out_args = args != NULL ? g_strv_builder_end (args) : g_new0 (char *, 1);
  return TRUE;
}

/* ---------------------------------------------------------------------------------- */
/* Requests and answers                                                                 */

static void
request_free (QdServerRequest *req)
{
  if (req->data_free != NULL)
    req->data_free (req->data);
  g_clear_object (&req->msg);
  g_clear_pointer (&req->user, qd_server_user_free);
  g_free (req->address);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_strfreev (req->args);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->answer, g_bytes_unref);
  g_free (req->retry_after);
  g_clear_error (&req->failure);
  g_free (req);
}

void
qd_server_set_data (QdServerRequest *req,
                    gpointer         data,
                    GDestroyNotify   data_free)
{
  if (req->data_free != NULL)
    req->data_free (req->data);
  req->data = data;
  req->data_free = data_free;
}

void
qd_server_reply_json (QdServerRequest *req,
                      guint            status,
                      const char      *json)
{
  req->status = status;
  g_clear_pointer (&req->answer, g_bytes_unref);
  if (json != NULL)
    req->answer = g_bytes_new (json, strlen (json));
}

void
qd_server_reply_node (QdServerRequest *req,
                      guint            status,
                      JsonNode        *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  qd_server_reply_json (req, status, text);
}

JsonNode *
qd_server_error_object (const char *code,
                        const char *message,
                        JsonNode   *details)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "code", code);
  json_object_set_string_member (o, "message", message);
  if (details != NULL)
    json_object_set_member (o, "details", details);
  json_node_take_object (node, o);
  return node;
}

void
qd_server_reply_error (QdServerRequest *req,
                       guint            status,
                       const char      *code,
                       JsonNode        *details,
                       const char      *format,
                       ...)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) o = json_object_new ();
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Messages may quote input: keep the answer valid UTF-8 whatever was sent. */
  if (!g_utf8_validate (message, -1, NULL))
    {
      char *valid = g_utf8_make_valid (message, -1);

      g_free (message);
      message = valid;
    }

  json_object_set_member (o, "error", qd_server_error_object (code, message, details));
  json_node_set_object (root, o);
  qd_server_reply_node (req, status, root);
}

JsonObject *
qd_server_body_object (QdServerRequest *req)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gsize len = 0;
  const char *data = req->body ? g_bytes_get_data (req->body, &len) : NULL;

  if (data == NULL || len == 0)
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_json", NULL,
                             "The request body is empty; a JSON object was expected.");
      return NULL;
    }
  object = qd_json_parse_object (data, len, &error);
  if (object == NULL)
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_json", NULL,
                             "The request body is not a valid JSON object: %s", error->message);
      return NULL;
    }
  return object;
}

char *
qd_server_now_rfc3339 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static void
maybe_stopped (QdServer *self)
{
  if (self->stopping && self->in_flight == 0 && self->stopped_cb != NULL)
    {
      GCallback cb = self->stopped_cb;

      self->stopped_cb = NULL;
      ((void (*) (gpointer)) cb) (self->stopped_data);
    }
}

/* Sends the answer of @req (main thread) and frees it. */
static void
finish (QdServerRequest *req)
{
  QdServer *self = req->server;

  if (req->msg != NULL)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

      if (req->failure != NULL)
        {
          /* The operator's concern (a full disk, an I/O error), not a bug: a message. */
          g_message ("storage failure: %s", req->failure->message);
          qd_server_reply_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "storage_unavailable",
                                 NULL, "The server cannot store data right now; retry later.");
        }
      if (req->status == 0)
        qd_server_reply_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal_error", NULL,
                               "The request was not answered.");

      if (req->retry_after != NULL)
        soup_message_headers_replace (headers, "Retry-After", req->retry_after);
      if (req->answer_gzipped)
        soup_message_headers_replace (headers, "Content-Encoding", "gzip");
      soup_message_headers_replace (headers, "Cache-Control", "no-store");

      if (req->answer != NULL)
        {
          gsize len;
          gconstpointer data = g_bytes_get_data (req->answer, &len);

          soup_server_message_set_status (req->msg, req->status, NULL);
          soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_COPY,
                                            data, len);
        }
      else
        soup_server_message_set_status (req->msg, req->status, NULL);

      soup_server_message_unpause (req->msg);
    }

  /* After the change committed, so that no lookup can cache what it replaced. */
  if (req->forget_sessions)
    qd_server_forget_sessions (self);
  request_free (req);
  self->in_flight--;
  maybe_stopped (self);
}

static gboolean
stage_done_cb (gpointer data)
{
  QdServerRequest *req = data;

  if (req->failure == NULL && req->then != NULL)
    {
      QdServerThen then = req->then;

      req->then = NULL;
      req->work = NULL;
      req->write = NULL;
      then (req);
      /* `then` may have started another stage. */
      if (req->work != NULL || req->write != NULL)
        return G_SOURCE_REMOVE;
    }
  finish (req);
  return G_SOURCE_REMOVE;
}

static void
stage_done (QdServerRequest *req)
{
  g_main_context_invoke (req->server->context, stage_done_cb, req);
}

void
qd_server_run_read (QdServerRequest *req,
                    QdServerWork     work,
                    QdServerThen     then)
{
  req->work = work;
  req->then = then;
  g_thread_pool_push (req->server->readers, req, NULL);
}

void
qd_server_run_write (QdServerRequest *req,
                     QdServerWrite    write,
                     QdServerThen     then)
{
  req->write = write;
  req->then = then;
  g_async_queue_push (req->server->write_queue, req);
}

void
qd_server_post_write (QdServer       *server,
                      QdServerWrite   write,
                      gpointer        data,
                      GDestroyNotify  data_free)
{
  QdServerRequest *req = g_new0 (QdServerRequest, 1);

  req->server = server;
  req->storage = server->storage;
  req->data = data;
  req->data_free = data_free;
  req->write = write;
  server->in_flight++;
  g_async_queue_push (server->write_queue, req);
}

static void
reader_func (gpointer data,
             gpointer user_data)
{
  QdServerRequest *req = data;

  req->work (req);
  stage_done (req);
}

/* The sentinel that stops the writer thread. */
static QdServerRequest stop_writer;

static gpointer
writer_thread (gpointer data)
{
  QdServer *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      QdServerRequest *req = g_async_queue_pop (self->write_queue);
      gboolean stop = req == &stop_writer;
      QdServerTxn *txn;

      g_ptr_array_set_size (batch, 0);
      if (!stop)
        g_ptr_array_add (batch, req);
      while (!stop && batch->len < WRITE_BATCH_MAX &&
             (req = g_async_queue_try_pop (self->write_queue)) != NULL)
        {
          if (req == &stop_writer)
            stop = TRUE;
          else
            g_ptr_array_add (batch, req);
        }

      if (batch->len > 0)
        {
          g_autoptr(GError) first_error = NULL;
          gboolean isolate = FALSE;

        again:
          txn = qd_server_storage_begin (self->storage, &error);
          for (guint i = 0; txn != NULL && i < batch->len; i++)
            {
              QdServerRequest *r = g_ptr_array_index (batch, i);
              g_autoptr(GError) local = NULL;

              /* A savepoint copies every page its request touches that the transaction
               * had touched before: the largest cost of a batch of single mutations.
               * Requests that never undo (mutations) go without; if one of them meets
               * a storage failure, the transaction is rolled back and the batch runs
               * again below with a savepoint for each mutation request. */
              if (r->shared && !isolate)
                {
                  if (!r->write (r, txn, &local))
                    {
                      qd_server_txn_rollback (txn);
                      txn = NULL;
                      g_propagate_error (&error, g_steal_pointer (&local));
                    }
                  continue;
                }
              /* The second run: the other requests were undone with the first and are
               * answered with its failure (clients retry). */
              if (isolate && !r->shared)
                {
                  r->failure = g_error_copy (first_error);
                  continue;
                }
              if (!qd_server_txn_savepoint (txn, &local) || !r->write (r, txn, &local))
                {
                  qd_server_txn_rollback_savepoint (txn);
                  r->failure = g_steal_pointer (&local);
                }
              else if (r->undo)
                qd_server_txn_rollback_savepoint (txn);
              else if (!qd_server_txn_release (txn, &local))
                {
                  qd_server_txn_rollback_savepoint (txn);
                  r->failure = g_steal_pointer (&local);
                }
            }
          /* One mutation request failed in a shared transaction (a storage failure, or a
           * bug): run the mutations once more, each in its own savepoint, so that only
           * the failing request is answered 503 and not every batch-mate it had. */
          if (txn == NULL && error != NULL && !isolate)
            {
              g_message ("a write batch of %u requests failed (%s); running its mutations "
                         "again one request at a time", batch->len, error->message);
              first_error = g_steal_pointer (&error);
              for (guint i = 0; i < batch->len; i++)
                g_clear_error (&((QdServerRequest *) g_ptr_array_index (batch, i))->failure);
              isolate = TRUE;
              goto again;
            }
          if (txn != NULL && !qd_server_txn_commit (txn, &error))
            txn = NULL;
          if (txn == NULL && error == NULL)
            g_set_error (&error, QD_SERVER_ERROR, QD_SERVER_ERROR_FAILED,
                         "the write transaction failed");

          for (guint i = 0; i < batch->len; i++)
            {
              QdServerRequest *r = g_ptr_array_index (batch, i);

              /* Nothing is answered as done unless its transaction committed. */
              if (txn == NULL && r->failure == NULL)
                r->failure = g_error_copy (error);
              stage_done (r);
            }
        }

      if (stop)
        break;
    }

  return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* HTTP                                                                                 */

typedef struct
{
  GByteArray *body;
  gboolean    too_large;
} BodyState;

static void
body_state_free (BodyState *state)
{
  g_clear_pointer (&state->body, g_byte_array_unref);
  g_free (state);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              BodyState         *state)
{
  gsize len = g_bytes_get_size (chunk);

  if (state->too_large)
    return;
  if (state->body->len + len > QD_SERVER_MAX_BODY)
    {
      /* Keep reading (and dropping) so that the client gets its 413 answer. */
      state->too_large = TRUE;
      g_byte_array_set_size (state->body, 0);
      return;
    }
  g_byte_array_append (state->body, g_bytes_get_data (chunk, NULL), len);
}

/* Before the body is read: refuse what is announced too large, and collect the body
 * ourselves with a bound instead of letting libsoup accumulate whatever comes. */
static void
early_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  BodyState *state;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > QD_SERVER_MAX_BODY)
    {
      static const char body[] =
        "{\"error\":{\"code\":\"body_too_large\",\"message\":\"The request body is larger "
        "than 8 MiB.\"}}";

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        body, sizeof body - 1);
      return;
    }

  state = g_new0 (BodyState, 1);
  state->body = g_byte_array_new ();
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), "qd-body", state, (GDestroyNotify) body_state_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), state);
}

static gboolean
accepts_gzip (SoupMessageHeaders *headers)
{
  const char *ae = soup_message_headers_get_list (headers, "Accept-Encoding");

  return ae != NULL && soup_header_contains (ae, "gzip");
}

static void
handler_cb (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  QdServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  BodyState *state = g_object_get_data (G_OBJECT (msg), "qd-body");
  const Route *route = NULL;
  gboolean path_known = FALSE;
  g_auto(GStrv) args = NULL;
  QdServerRequest *req;

  /* Answered by the early handler already (413). */
  if (soup_server_message_get_status (msg) != 0 && state == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_auto(GStrv) a = NULL;

      if (!match_route (routes[i].pattern, path, &a))
        continue;
      path_known = TRUE;
      if (g_str_equal (routes[i].method, method))
        {
          route = &routes[i];
          args = g_steal_pointer (&a);
          break;
        }
    }

  req = g_new0 (QdServerRequest, 1);
  req->server = self;
  req->storage = self->storage;
  req->msg = g_object_ref (msg);
  req->address = g_strdup (soup_server_message_get_remote_host (msg));
  req->args = g_steal_pointer (&args);
  req->gzip_ok = accepts_gzip (headers);
  if (state != NULL && !state->too_large)
    req->body = g_byte_array_free_to_bytes (g_steal_pointer (&state->body));
  self->in_flight++;
  soup_server_message_pause (msg);

  if (self->stopping)
    qd_server_reply_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "shutting_down", NULL,
                           "The server is shutting down.");
  else if (state != NULL && state->too_large)
    qd_server_reply_error (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body_too_large", NULL,
                           "The request body is larger than 8 MiB.");
  else if (route == NULL && path_known)
    qd_server_reply_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
                           "%s is not allowed on %s.", method, path);
  else if (route == NULL)
    qd_server_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", NULL,
                           "There is no such resource.");
  else if (route->auth != AUTH_NONE &&
           !qd_server_authenticate (req, soup_message_headers_get_one (headers,
                                                                      "Authorization")))
    ; /* answered 401 */
  else if (route->auth == AUTH_ADMIN && req->user->role != QD_USER_ROLE_ADMIN)
    qd_server_reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", NULL,
                           "Only the brand's administrators may use this endpoint.");
  else
    {
      if (query != NULL)
        req->query = g_hash_table_ref (query);
      /* Admin writes may change a user's role, dealer, regions or scope. */
      req->forget_sessions = route->auth == AUTH_ADMIN && !g_str_equal (method, "GET");
      route->handler (req);
      /* A handler that started a stage answers later. */
      if (req->work != NULL || req->write != NULL)
        return;
    }

  finish (req);
}

/* ---------------------------------------------------------------------------------- */
/* GObject                                                                              */

static void
qd_server_finalize (GObject *object)
{
  QdServer *self = QD_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  if (self->writer != NULL)
    {
      g_async_queue_push (self->write_queue, &stop_writer);
      g_thread_join (self->writer);
    }
  if (self->readers != NULL)
    g_thread_pool_free (self->readers, FALSE, TRUE);
  g_clear_pointer (&self->write_queue, g_async_queue_unref);
  g_clear_pointer (&self->throttle, qd_throttle_free);
  g_clear_pointer (&self->sessions, qd_session_cache_free);
  g_clear_pointer (&self->secret, g_bytes_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (qd_server_parent_class)->finalize (object);
}

static void
qd_server_class_init (QdServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_server_finalize;
}

static void
qd_server_init (QdServer *self)
{
}

static void
reader_thread_exit (gpointer data,
                    gpointer user_data)
{
}

QdServer *
qd_server_new (QdServerStorage       *storage,
               const QdServerOptions *options)
{
  QdServer *self;

  g_return_val_if_fail (storage != NULL, NULL);

  self = g_object_new (QD_TYPE_SERVER, NULL);
  self->storage = storage;
  self->context = g_main_context_ref_thread_default ();
  self->secret = qd_server_storage_get_secret (storage);
  self->throttle = qd_throttle_new ();
  self->sessions = qd_session_cache_new ();
  self->options.token_ttl_seconds = 30 * 24 * 3600;
  self->options.reader_threads = 2;
  self->options.login_backoff_seconds = 1;
  if (options != NULL)
    {
      if (options->login_backoff_seconds > 0)
        self->options.login_backoff_seconds = options->login_backoff_seconds;
      if (options->token_ttl_seconds > 0)
        self->options.token_ttl_seconds = options->token_ttl_seconds;
      if (options->reader_threads > 0)
        self->options.reader_threads = options->reader_threads;
    }

  /* Exclusive threads: each keeps its read connection for the life of the server. */
  self->readers = g_thread_pool_new (reader_func, self, self->options.reader_threads, TRUE,
                                     NULL);
  (void) reader_thread_exit;
  self->write_queue = g_async_queue_new ();
  self->writer = g_thread_new ("qd-writer", writer_thread, self);

  return self;
}

char *
qd_server_listen (QdServer    *self,
                  const char  *host,
                  guint        port,
                  const char  *tls_cert_file,
                  const char  *tls_key_file,
                  GError     **error)
{
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local = NULL;
  char *url;

  g_return_val_if_fail (QD_IS_SERVER (self), NULL);
  g_return_val_if_fail (self->soup == NULL, NULL);

  if ((tls_cert_file == NULL) != (tls_key_file == NULL))
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG,
                   "--tls-cert and --tls-key go together");
      return NULL;
    }
  if (tls_cert_file != NULL)
    {
      cert = g_tls_certificate_new_from_files (tls_cert_file, tls_key_file, &local);
      if (cert == NULL)
        {
          g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG,
                       "cannot load the TLS certificate %s / key %s: %s",
                       tls_cert_file, tls_key_file, local->message);
          return NULL;
        }
    }

  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      GList *addrs = g_resolver_lookup_by_name (resolver, host, NULL, &local);

      if (addrs == NULL)
        {
          g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG,
                       "cannot resolve the listen host %s: %s", host, local->message);
          return NULL;
        }
      inet = g_object_ref (addrs->data);
      g_resolver_free_addresses (addrs);
    }
  address = g_inet_socket_address_new (inet, port);

  self->soup = soup_server_new ("server-header", "qudao-server/" PACKAGE_VERSION,
                                "tls-certificate", cert, NULL);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler_cb, self, NULL);

  if (!soup_server_listen (self->soup, address,
                           cert != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, &local))
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG,
                   "cannot listen on %s:%u: %s", host, port, local->message);
      g_clear_object (&self->soup);
      return NULL;
    }

  /* The port from the listening socket (port 0 picks one). */
  {
    GSList *listeners = soup_server_get_listeners (self->soup);
    g_autoptr(GSocketAddress) local_address = NULL;
    g_autofree char *h = NULL;

    if (listeners == NULL ||
        (local_address = g_socket_get_local_address (listeners->data, &local)) == NULL)
      {
        g_slist_free (listeners);
        g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG, "not listening");
        return NULL;
      }
    g_slist_free (listeners);
    h = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", host) : g_strdup (host);
    url = g_strdup_printf ("%s://%s:%u", cert != NULL ? "https" : "http", h,
                           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local_address)));
  }
  return url;
}

void
qd_server_close (QdServer *self)
{
  g_return_if_fail (QD_IS_SERVER (self));

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
}

void
qd_server_shutdown (QdServer  *self,
                    GCallback  done,
                    gpointer   user_data)
{
  g_return_if_fail (QD_IS_SERVER (self));

  self->stopping = TRUE;
  self->stopped_cb = done;
  self->stopped_data = user_data;
  /* Stop accepting; connections with a request in flight still get their answer. */
  if (self->soup != NULL)
    {
      GSList *listeners = soup_server_get_listeners (self->soup);

      for (GSList *l = listeners; l != NULL; l = l->next)
        g_socket_close (l->data, NULL);
      g_slist_free (listeners);
    }
  maybe_stopped (self);
}
