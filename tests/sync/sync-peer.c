/* sync-peer.c — a scriptable HTTP peer for the sync tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "sync-peer.h"

typedef struct
{
  char      *prefix;
  PeerFault  fault;
  guint      skip;
  int        times;
} Fault;

typedef struct
{
  gint64  seq;
  char   *json;   /* the whole change object */
} Change;

struct _Peer
{
  GSocketService *service;
  char           *url;

  GMutex          lock;
  GCond           idle;
  guint           active;
  gboolean        closing;

  char           *token;
  GArray         *feed;           /* Change */
  gint64          next_seq;
  GPtrArray      *faults;         /* Fault */
  gint64          reject_qty;
  GHashTable     *results;        /* mutation id → result JSON text (first answer) */
  GHashTable     *seen;           /* mutation id → times sent */
  guint           order_counter;
  GPtrArray      *log;            /* "METHOD /path?query" */
  char           *last_since;
  GHashTable     *last_headers;   /* lower-case name → value */
  guint64         feed_bytes;
};

static void
change_clear (gpointer p)
{
  g_free (((Change *) p)->json);
}

static void
fault_free (gpointer p)
{
  Fault *f = p;

  g_free (f->prefix);
  g_free (f);
}

/* ---- answers -------------------------------------------------------------------------- */

typedef struct
{
  guint     status;
  GString  *body;
  PeerFault fault;
  gboolean  gzip_ok;
} Answer;

static void
error_body (Answer     *a,
            guint       status,
            const char *code,
            const char *message)
{
  a->status = status;
  g_string_printf (a->body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, message);
}

static void
answer_changes (Peer       *peer,
                const char *query,
                Answer     *a)
{
  g_autoptr(GHashTable) params = NULL;
  const char *since_text = NULL;
  const char *limit_text = NULL;
  gint64 since = 0;
  gint64 limit = 1000;
  gint64 last;
  guint count = 0;
  gboolean has_more = FALSE;
  GString *b = a->body;

  if (query != NULL)
    params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params != NULL)
    {
      since_text = g_hash_table_lookup (params, "since");
      limit_text = g_hash_table_lookup (params, "limit");
    }
  g_free (peer->last_since);
  peer->last_since = g_strdup (since_text);
  if (since_text != NULL)
    {
      if (since_text[0] != 'c')
        {
          error_body (a, 400, "bad_cursor", "bad cursor");
          return;
        }
      since = g_ascii_strtoll (since_text + 1, NULL, 10);
    }
  if (limit_text != NULL)
    limit = CLAMP (g_ascii_strtoll (limit_text, NULL, 10), 1, 5000);

  last = since;
  g_string_append (b, "{\"changes\":[");
  for (guint i = 0; i < peer->feed->len; i++)
    {
      Change *c = &g_array_index (peer->feed, Change, i);

      if (c->seq <= since)
        continue;
      if (count == limit)
        {
          has_more = TRUE;
          break;
        }
      if (count > 0)
        g_string_append_c (b, ',');
      g_string_append (b, c->json);
      last = c->seq;
      count++;
    }
  if (a->fault == FAULT_SEQ_BACKWARDS && count >= 1)
    {
      /* One more change with a seq below the first of the page. */
      g_string_append_printf (b, "%s{\"seq\":%" G_GINT64_FORMAT ",\"entity\":\"region\","
                              "\"op\":\"upsert\",\"id\":\"r-back\",\"data\":{\"id\":\"r-back\","
                              "\"name\":\"x\"}}", count > 0 ? "," : "", since > 0 ? since : 0);
    }
  g_string_append_printf (b, "],\"cursor\":\"c%" G_GINT64_FORMAT "\",\"has_more\":%s,"
                          "\"head_seq\":%" G_GINT64_FORMAT "}", last,
                          has_more ? "true" : "false", peer->next_seq - 1);
  if (a->fault == FAULT_WRONG_TYPES)
    {
      /* "has_more":"yes" */
      char *p = strstr (b->str, "\"has_more\":");

      if (p != NULL)
        {
          gsize at = p - b->str + strlen ("\"has_more\":");
          gsize end = at + (b->str[at] == 't' ? 4 : 5);

          g_string_erase (b, at, end - at);
          g_string_insert (b, at, "\"yes\"");
        }
    }
  a->status = 200;
}

static char *
order_entity (Peer       *peer,
              JsonObject *payload,
              guint       n)
{
  g_autoptr(GString) lines = g_string_new (NULL);
  JsonArray *arr = json_object_get_array_member (payload, "lines");
  gint64 total = 0;

  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *l = json_array_get_object_element (arr, i);
      gint64 qty = json_object_get_int_member (l, "qty");

      g_string_append_printf (lines, "%s{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT ","
                              "\"unit_price_fen\":1500,\"total_fen\":%" G_GINT64_FORMAT "}",
                              i > 0 ? "," : "", json_object_get_string_member (l, "product_id"),
                              qty, qty * 1500);
      total += qty * 1500;
    }
  return g_strdup_printf ("{\"id\":\"o-%u\",\"number\":\"SO-%05u\",\"dealer_id\":\"d1\","
                          "\"status\":\"submitted\",\"created_at\":\"2026-11-24T09:00:00Z\","
                          "\"client_order_id\":\"%s\",\"note\":\"\",\"total_fen\":%" G_GINT64_FORMAT
                          ",\"repriced\":false,\"lines\":[%s]}",
                          n, n, json_object_get_string_member (payload, "order_id"), total,
                          lines->str);
}

static void
answer_mutations (Peer   *peer,
                  GBytes *body,
                  Answer *a)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *mutations;
  guint n;

  if (body == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                      g_bytes_get_size (body), NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
      || !json_object_has_member (json_node_get_object (json_parser_get_root (parser)),
                                  "mutations"))
    {
      error_body (a, 400, "malformed", "malformed");
      return;
    }
  mutations = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "mutations");
  n = json_array_get_length (mutations);
  g_string_append (a->body, "{\"results\":[");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *m = json_array_get_object_element (mutations, i);
      const char *id = json_object_get_string_member (m, "id");
      JsonObject *payload = json_object_get_object_member (m, "payload");
      const char *first = g_hash_table_lookup (peer->results, id);
      guint times = GPOINTER_TO_UINT (g_hash_table_lookup (peer->seen, id));

      g_hash_table_insert (peer->seen, g_strdup (id), GUINT_TO_POINTER (times + 1));
      if (a->fault == FAULT_COUNT_MISMATCH && i == n - 1)
        break;
      if (i > 0)
        g_string_append_c (a->body, ',');
      if (first != NULL)
        {
          /* At most once: the first answer again, marked as a duplicate. */
          g_autofree char *dup = g_strdup (first);
          char *flag = strstr (dup, "\"duplicate\":false");

          if (flag != NULL)
            memcpy (flag + strlen ("\"duplicate\":"), "true ", 5);
          g_string_append (a->body, dup);
          continue;
        }
      {
        g_autofree char *result = NULL;
        JsonArray *lines = json_object_get_array_member (payload, "lines");
        gint64 qty = json_object_get_int_member (json_array_get_object_element (lines, 0), "qty");

        if (peer->reject_qty > 0 && qty == peer->reject_qty)
          result = g_strdup_printf ("{\"id\":\"%s\",\"status\":\"rejected\",\"duplicate\":false,"
                                    "\"error\":{\"code\":\"credit_limit_exceeded\",\"message\":"
                                    "\"The order exceeds the available credit.\"}}", id);
        else
          {
            g_autofree char *entity = order_entity (peer, payload, ++peer->order_counter);

            result = g_strdup_printf ("{\"id\":\"%s\",\"status\":\"applied\",\"duplicate\":false,"
                                      "\"entity\":%s}", id, entity);
          }
        if (a->fault == FAULT_WRONG_TYPES)
          {
            char *p = strstr (result, "\"status\":\"");

            /* "status": 1 — and the results are not recorded, as a real server that
             * answered garbage would not have applied anything worth repeating. */
            g_string_append_printf (a->body, "{\"id\":\"%s\",\"status\":1}", id);
            (void) p;
            continue;
          }
        g_hash_table_insert (peer->results, g_strdup (id), g_strdup (result));
        g_string_append (a->body, result);
      }
    }
  g_string_append (a->body, "]}");
  a->status = 200;
}

static GBytes *
gzip_data (const char *data,
           gsize       len)
{
  z_stream z = { 0, };
  gsize cap = len + len / 100 + 1024;
  guint8 *out = g_malloc (cap);

  deflateInit2 (&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = (Bytef *) data;
  z.avail_in = len;
  z.next_out = out;
  z.avail_out = cap;
  deflate (&z, Z_FINISH);
  deflateEnd (&z);
  return g_bytes_new_take (out, z.total_out);
}

/* ---- the connection thread -------------------------------------------------------------- */

static const char *
reason (guint status)
{
  switch (status)
    {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 410: return "Gone";
    default: return "Internal Server Error";
    }
}

static Fault *
take_fault (Peer       *peer,
            const char *path)
{
  for (guint i = 0; i < peer->faults->len; i++)
    {
      Fault *f = g_ptr_array_index (peer->faults, i);

      if (!g_str_has_prefix (path, f->prefix) || f->times == 0)
        continue;
      if (f->skip > 0)
        {
          f->skip--;
          return NULL;
        }
      if (f->times > 0)
        f->times--;
      return f;
    }
  return NULL;
}

static gboolean
write_all (Peer          *peer,
           GOutputStream *out,
           const void    *data,
           gsize          len,
           gboolean       drip)
{
  if (!drip)
    return g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
  for (gsize i = 0; i < len; i++)
    {
      gboolean closing;

      g_mutex_lock (&peer->lock);
      closing = peer->closing;
      g_mutex_unlock (&peer->lock);
      if (closing
          || !g_output_stream_write_all (out, (const guint8 *) data + i, 1, NULL, NULL, NULL)
          || !g_output_stream_flush (out, NULL, NULL))
        return FALSE;
      /* The drip's pace is the point of this fault; the client side never sleeps. */
      g_usleep (50 * 1000);
    }
  return TRUE;
}

static void
serve (Peer              *peer,
       GSocketConnection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  g_autoptr(GHashTable) headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autofree char *request_line = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) head = g_string_new (NULL);
  const char *query;
  const char *auth;
  const char *ae;
  gint64 length = 0;
  Answer a = { 0, };
  Fault *fault;
  gboolean gzipped = FALSE;

  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  request_line = g_data_input_stream_read_line (data, NULL, NULL, NULL);
  if (request_line == NULL)
    return;
  parts = g_strsplit (request_line, " ", 3);
  if (g_strv_length (parts) < 3)
    return;
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (data, NULL, NULL, NULL);
      char *colon;

      if (line == NULL)
        return;
      if (*line == '\0')
        break;
      colon = strchr (line, ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      g_hash_table_insert (headers, g_ascii_strdown (line, -1), g_strdup (g_strstrip (colon + 1)));
    }
  if (g_hash_table_lookup (headers, "content-length") != NULL)
    length = g_ascii_strtoll (g_hash_table_lookup (headers, "content-length"), NULL, 10);
  if (length > 0)
    {
      guint8 *buf = g_malloc (length);
      gsize got = 0;

      if (!g_input_stream_read_all (G_INPUT_STREAM (data), buf, length, &got, NULL, NULL)
          || got != (gsize) length)
        {
          g_free (buf);
          return;
        }
      body = g_bytes_new_take (buf, length);
    }

  query = strchr (parts[1], '?');
  path = query != NULL ? g_strndup (parts[1], query - parts[1]) : g_strdup (parts[1]);
  if (query != NULL)
    query++;

  a.body = g_string_new (NULL);
  g_mutex_lock (&peer->lock);
  g_ptr_array_add (peer->log, g_strdup_printf ("%s %s", parts[0], parts[1]));
  g_clear_pointer (&peer->last_headers, g_hash_table_unref);
  peer->last_headers = g_hash_table_ref (headers);
  fault = take_fault (peer, path);
  a.fault = fault != NULL ? fault->fault : FAULT_NONE;
  auth = g_hash_table_lookup (headers, "authorization");
  ae = g_hash_table_lookup (headers, "accept-encoding");
  a.gzip_ok = ae != NULL && strstr (ae, "gzip") != NULL;

  if (g_str_equal (parts[0], "POST") && g_str_equal (path, "/api/v1/session"))
    {
      a.status = 200;
      g_string_printf (a.body, "{\"token\":\"%s\",\"expires_at\":\"2030-01-01T00:00:00Z\","
                       "\"user\":{\"id\":\"u-dealer1\",\"name\":\"张会计\",\"role\":\"dealer\","
                       "\"dealer_id\":\"d1\",\"region_ids\":[\"r1\"]}}", peer->token);
    }
  else if (auth == NULL || !g_str_has_prefix (auth, "Bearer ")
           || g_strcmp0 (auth + 7, peer->token) != 0 || a.fault == FAULT_STATUS_401)
    error_body (&a, 401, "unauthorized", "Log in again.");
  else if (a.fault == FAULT_STATUS_500)
    error_body (&a, 500, "internal", "Something broke.");
  else if (a.fault == FAULT_STATUS_410)
    error_body (&a, 410, "cursor_expired", "The cursor is too old.");
  else if (g_str_equal (parts[0], "DELETE") && g_str_equal (path, "/api/v1/session"))
    a.status = 204;
  else if (g_str_equal (parts[0], "GET") && g_str_equal (path, "/api/v1/changes"))
    answer_changes (peer, query, &a);
  else if (g_str_equal (parts[0], "POST") && g_str_equal (path, "/api/v1/mutations"))
    answer_mutations (peer, body, &a);
  else
    error_body (&a, 404, "not_found", "No such path.");
  g_mutex_unlock (&peer->lock);
  /* A test may be waiting in its main loop for this request to show up in the log. */
  g_main_context_wakeup (NULL);

  if (a.fault == FAULT_CUT_AFTER)
    goto out;

  payload = g_bytes_new (a.body->str, a.body->len);
  if (a.gzip_ok && g_str_equal (path, "/api/v1/changes") && a.body->len > 256)
    {
      g_bytes_unref (payload);
      payload = gzip_data (a.body->str, a.body->len);
      gzipped = TRUE;
    }
  if (g_str_equal (path, "/api/v1/changes"))
    {
      g_mutex_lock (&peer->lock);
      peer->feed_bytes += g_bytes_get_size (payload);
      g_mutex_unlock (&peer->lock);
    }

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\nConnection: close\r\n", a.status,
                          reason (a.status));
  if (a.status != 204)
    g_string_append (head, "Content-Type: application/json\r\n");
  if (gzipped)
    g_string_append (head, "Content-Encoding: gzip\r\n");

  switch (a.fault)
    {
    case FAULT_HUGE_LENGTH:
      g_string_append (head, "Content-Length: 2147483648\r\n\r\n");
      if (write_all (peer, out, head->str, head->len, FALSE))
        write_all (peer, out, "{\"changes\":[", 12, FALSE);
      goto out;
    case FAULT_NO_CONTENT_LENGTH_HUGE:
      /* No length, no end: 80 MiB of one JSON string, then close. */
      g_string_append (head, "\r\n");
      if (write_all (peer, out, head->str, head->len, FALSE)
          && write_all (peer, out, "{\"changes\":[\"", 13, FALSE))
        {
          g_autofree char *chunk = g_malloc (1 << 20);

          memset (chunk, 'x', 1 << 20);
          for (guint i = 0; i < 80; i++)
            if (!write_all (peer, out, chunk, 1 << 20, FALSE))
              break;
        }
      goto out;
    case FAULT_TRUNCATED:
      g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                              g_bytes_get_size (payload) / 2);
      if (write_all (peer, out, head->str, head->len, FALSE))
        write_all (peer, out, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload) / 2,
                   FALSE);
      goto out;
    default:
      break;
    }

  g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          g_bytes_get_size (payload));
  if (write_all (peer, out, head->str, head->len, FALSE))
    write_all (peer, out, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
               a.fault == FAULT_DRIP);

out:
  g_string_free (a.body, TRUE);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
}

static gboolean
run_cb (GThreadedSocketService *service,
        GSocketConnection      *conn,
        GObject                *source,
        gpointer                user_data)
{
  Peer *peer = user_data;

  g_mutex_lock (&peer->lock);
  peer->active++;
  g_mutex_unlock (&peer->lock);

  serve (peer, conn);

  g_mutex_lock (&peer->lock);
  peer->active--;
  g_cond_broadcast (&peer->idle);
  g_mutex_unlock (&peer->lock);
  return TRUE;
}

/* ---- API -------------------------------------------------------------------------------- */

Peer *
peer_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  Peer *peer = g_new0 (Peer, 1);

  g_mutex_init (&peer->lock);
  g_cond_init (&peer->idle);
  peer->token = g_uuid_string_random ();
  peer->feed = g_array_new (FALSE, TRUE, sizeof (Change));
  g_array_set_clear_func (peer->feed, change_clear);
  peer->next_seq = 1;
  peer->faults = g_ptr_array_new_with_free_func (fault_free);
  peer->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  peer->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  peer->log = g_ptr_array_new_with_free_func (g_free);

  peer->service = g_threaded_socket_service_new (8);
  g_socket_listener_add_address (G_SOCKET_LISTENER (peer->service), addr,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                 &error);
  g_assert_no_error (error);
  peer->url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_signal_connect (peer->service, "run", G_CALLBACK (run_cb), peer);
  g_socket_service_start (peer->service);
  return peer;
}

void
peer_free (Peer *peer)
{
  g_socket_service_stop (peer->service);
  g_socket_listener_close (G_SOCKET_LISTENER (peer->service));
  g_mutex_lock (&peer->lock);
  peer->closing = TRUE;
  /* Connection threads end by themselves (a drip stops at once, others are short). */
  while (peer->active > 0)
    g_cond_wait (&peer->idle, &peer->lock);
  g_mutex_unlock (&peer->lock);
  g_clear_object (&peer->service);
  g_free (peer->url);
  g_free (peer->token);
  g_array_unref (peer->feed);
  g_ptr_array_unref (peer->faults);
  g_hash_table_unref (peer->results);
  g_hash_table_unref (peer->seen);
  g_ptr_array_unref (peer->log);
  g_free (peer->last_since);
  g_clear_pointer (&peer->last_headers, g_hash_table_unref);
  g_mutex_clear (&peer->lock);
  g_cond_clear (&peer->idle);
  g_free (peer);
}

const char *
peer_get_url (Peer *peer)
{
  return peer->url;
}

const char *
peer_get_token (Peer *peer)
{
  return peer->token;
}

void
peer_add_change (Peer       *peer,
                 const char *entity,
                 const char *op,
                 const char *id,
                 const char *data_json)
{
  Change c;

  g_mutex_lock (&peer->lock);
  c.seq = peer->next_seq++;
  if (data_json != NULL)
    c.json = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"entity\":\"%s\",\"op\":\"%s\","
                              "\"id\":\"%s\",\"data\":%s}", c.seq, entity, op, id, data_json);
  else
    c.json = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"entity\":\"%s\",\"op\":\"%s\","
                              "\"id\":\"%s\"}", c.seq, entity, op, id);
  g_array_append_val (peer->feed, c);
  g_mutex_unlock (&peer->lock);
}

void
peer_reset_feed (Peer   *peer,
                 gint64  min_seq)
{
  g_mutex_lock (&peer->lock);
  g_array_set_size (peer->feed, 0);
  peer->next_seq = MAX (peer->next_seq, min_seq + 1);
  g_mutex_unlock (&peer->lock);
}

void
peer_set_fault (Peer       *peer,
                const char *path_prefix,
                PeerFault   fault,
                guint       skip,
                int         times)
{
  Fault *f = g_new0 (Fault, 1);

  f->prefix = g_strdup (path_prefix);
  f->fault = fault;
  f->skip = skip;
  f->times = times;
  g_mutex_lock (&peer->lock);
  g_ptr_array_add (peer->faults, f);
  g_mutex_unlock (&peer->lock);
}

void
peer_clear_faults (Peer *peer)
{
  g_mutex_lock (&peer->lock);
  g_ptr_array_set_size (peer->faults, 0);
  g_mutex_unlock (&peer->lock);
}

void
peer_set_reject_qty (Peer   *peer,
                     gint64  qty)
{
  g_mutex_lock (&peer->lock);
  peer->reject_qty = qty;
  g_mutex_unlock (&peer->lock);
}

void
peer_rotate_token (Peer *peer)
{
  g_mutex_lock (&peer->lock);
  g_free (peer->token);
  peer->token = g_uuid_string_random ();
  g_mutex_unlock (&peer->lock);
}

guint
peer_count_requests (Peer       *peer,
                     const char *prefix)
{
  guint n = 0;

  g_mutex_lock (&peer->lock);
  for (guint i = 0; i < peer->log->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (peer->log, i), prefix))
      n++;
  g_mutex_unlock (&peer->lock);
  return n;
}

guint
peer_count_applied (Peer *peer)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_mutex_lock (&peer->lock);
  g_hash_table_iter_init (&iter, peer->results);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (strstr (value, "\"status\":\"applied\"") != NULL)
      n++;
  g_mutex_unlock (&peer->lock);
  return n;
}

guint
peer_max_times_seen (Peer *peer)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_mutex_lock (&peer->lock);
  g_hash_table_iter_init (&iter, peer->seen);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n = MAX (n, GPOINTER_TO_UINT (value));
  g_mutex_unlock (&peer->lock);
  return n;
}

guint
peer_times_seen (Peer       *peer,
                 const char *mutation_id)
{
  guint n;

  g_mutex_lock (&peer->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (peer->seen, mutation_id));
  g_mutex_unlock (&peer->lock);
  return n;
}

char *
peer_dup_last_since (Peer *peer)
{
  char *s;

  g_mutex_lock (&peer->lock);
  s = g_strdup (peer->last_since);
  g_mutex_unlock (&peer->lock);
  return s;
}

char *
peer_dup_last_header (Peer       *peer,
                      const char *name)
{
  char *s = NULL;

  g_mutex_lock (&peer->lock);
  if (peer->last_headers != NULL)
    s = g_strdup (g_hash_table_lookup (peer->last_headers, name));
  g_mutex_unlock (&peer->lock);
  return s;
}

guint64
peer_feed_bytes_sent (Peer *peer)
{
  guint64 n;

  g_mutex_lock (&peer->lock);
  n = peer->feed_bytes;
  g_mutex_unlock (&peer->lock);
  return n;
}
