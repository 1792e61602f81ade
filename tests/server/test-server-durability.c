/* test-server-durability.c — kill -9 during a write loop, restart: every answered
 * mutation is there, and a replay answers it as a duplicate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "qd-test-server.h"

/* A small demo data set keeps the suite fast (also under ASan). */
#define SMALL_DEMO "--demo-products", "400", "--demo-order-lines", "4000"
static const char *small_demo[] = { SMALL_DEMO, NULL };

#define KILL_AFTER 40      /* answered mutations before the kill */
#define MAX_WRITES 100000  /* bound of the loop */

typedef struct
{
  char      *url;
  char      *token;
  char      *product;
  gint64     pack;
  GMutex     lock;
  GCond      cond;
  GPtrArray *answered;  /* "mutation-id order-id" of applied results */
  gboolean   stop;
} Loop;

static gpointer
write_loop (gpointer data)
{
  Loop *loop = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);

  for (guint i = 0; i < MAX_WRITES; i++)
    {
      g_autofree char *mid = g_uuid_string_random ();
      g_autofree char *oid = g_uuid_string_random ();
      g_autofree char *uri = g_strconcat (loop->url, "/api/v1/mutations", NULL);
      g_autofree char *auth = g_strconcat ("Bearer ", loop->token, NULL);
      g_autofree char *body = g_strdup_printf (
        "{\"mutations\":[{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":"
        "\"%s\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}]}",
        mid, oid, loop->product, loop->pack);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GError) error = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      answer = soup_session_send_and_read (session, msg, NULL, &error);
      /* After the kill the requests fail: the loop ends there. */
      if (answer == NULL || soup_message_get_status (msg) != 200)
        break;
      if (strstr (g_bytes_get_data (answer, NULL), "\"status\":\"applied\"") == NULL)
        {
          g_printerr ("# unexpected answer: %.*s\n", (int) g_bytes_get_size (answer),
                      (const char *) g_bytes_get_data (answer, NULL));
          break;
        }
      g_mutex_lock (&loop->lock);
      g_ptr_array_add (loop->answered, g_strdup_printf ("%s %s", mid, oid));
      g_cond_signal (&loop->cond);
      g_mutex_unlock (&loop->lock);
    }

  g_mutex_lock (&loop->lock);
  loop->stop = TRUE;
  g_cond_signal (&loop->cond);
  g_mutex_unlock (&loop->lock);
  return NULL;
}

static void
test_kill_during_writes (void)
{
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, small_demo);
  g_autoptr(JsonNode) page = NULL;
  Loop loop = { 0 };
  GThread *thread;
  guint status = 0;
  JsonArray *changes;
  guint answered;

  loop.token = qd_test_server_login (server, "dealer1", "qudao-demo");
  g_assert_nonnull (loop.token);
  page = qd_test_request (server, "GET", "/api/v1/changes?limit=5000", loop.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  changes = json_object_get_array_member (json_node_get_object (page), "changes");
  for (guint i = 0; i < json_array_get_length (changes) && loop.product == NULL; i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);
      JsonObject *d = json_object_get_object_member (c, "data");

      if (g_str_equal (json_object_get_string_member (c, "entity"), "product") &&
          json_object_get_boolean_member (d, "active"))
        {
          loop.product = g_strdup (json_object_get_string_member (d, "id"));
          loop.pack = json_object_get_int_member (d, "pack_size");
        }
    }
  g_assert_nonnull (loop.product);

  loop.url = g_strdup (qd_test_server_get_url (server));
  loop.answered = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&loop.lock);
  g_cond_init (&loop.cond);

  thread = g_thread_new ("writes", write_loop, &loop);
  g_mutex_lock (&loop.lock);
  while (loop.answered->len < KILL_AFTER && !loop.stop)
    g_cond_wait (&loop.cond, &loop.lock);
  g_mutex_unlock (&loop.lock);

  /* While the loop keeps writing. */
  qd_test_server_kill (server);
  g_thread_join (thread);
  answered = loop.answered->len;
  g_printerr ("# %u mutations answered before the kill\n", answered);
  g_assert_cmpuint (answered, >=, KILL_AFTER);

  g_assert_true (qd_test_server_restart (server, NULL));
  for (guint i = 0; i < answered; i++)
    {
      g_auto(GStrv) ids = g_strsplit (g_ptr_array_index (loop.answered, i), " ", 2);
      g_autofree char *path = g_strdup_printf ("/api/v1/orders/%s", ids[1]);
      g_autoptr(JsonNode) order = qd_test_request (server, "GET", path, loop.token, NULL, &status);

      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (order), "id"), ==,
                       ids[1]);
      /* A replay of the last few is a duplicate. */
      if (i + 3 >= answered)
        {
          g_autofree char *body = g_strdup_printf (
            "{\"mutations\":[{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":"
            "\"%s\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}]}",
            ids[0], ids[1], loop.product, loop.pack);
          g_autoptr(JsonNode) r = qd_test_request (server, "POST", "/api/v1/mutations",
                                                   loop.token, body, &status);
          JsonObject *res = json_array_get_object_element (
            json_object_get_array_member (json_node_get_object (r), "results"), 0);

          g_assert_cmpuint (status, ==, 200);
          g_assert_true (json_object_get_boolean_member (res, "duplicate"));
        }
    }

  g_ptr_array_unref (loop.answered);
  g_mutex_clear (&loop.lock);
  g_cond_clear (&loop.cond);
  g_free (loop.url);
  g_free (loop.token);
  g_free (loop.product);
}

#define TERM_CONNECTIONS 6
#define TERM_BATCH 50

/* A batch of TERM_BATCH new orders: the body, the same for the replay. */
static char *
term_batch (const char *product,
            gint64      pack)
{
  GString *body = g_string_new ("{\"mutations\":[");

  for (guint i = 0; i < TERM_BATCH; i++)
    {
      g_autofree char *mid = g_uuid_string_random ();
      g_autofree char *oid = g_uuid_string_random ();

      g_string_append_printf (body,
        "%s{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\","
        "\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}",
        i > 0 ? "," : "", mid, oid, product, pack);
    }
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

/* Reads the whole answer of a "Connection: close" request: status 0 when the server
 * closed without answering; aborts on a truncated answer. Returns the body. */
static char *
read_answer (GSocket *socket,
             guint   *out_status)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  const char *head_end;
  const char *length;
  char buf[16384];
  gssize n;
  gsize head_len;

  while ((n = g_socket_receive (socket, buf, sizeof buf, NULL, &error)) > 0)
    g_byte_array_append (all, (const guint8 *) buf, n);
  /* A reset without any answer is the same as a close: the request was never read. */
  if (n < 0)
    g_printerr ("# receive: %s\n", error->message);
  *out_status = 0;
  if (all->len == 0)
    return NULL;
  g_byte_array_append (all, (const guint8 *) "", 1);
  g_assert_true (g_str_has_prefix ((const char *) all->data, "HTTP/1.1 "));
  *out_status = (guint) g_ascii_strtoull ((const char *) all->data + 9, NULL, 10);
  head_end = strstr ((const char *) all->data, "\r\n\r\n");
  g_assert_nonnull (head_end);
  head_len = head_end + 4 - (const char *) all->data;
  length = g_strstr_len ((const char *) all->data, head_len, "Content-Length: ");
  g_assert_nonnull (length);
  /* Complete: exactly the announced body. */
  g_assert_cmpuint (g_ascii_strtoull (length + 16, NULL, 10), ==, all->len - 1 - head_len);
  return g_strdup (head_end + 4);
}

/* SIGTERM while batches are in flight: each request the server took is answered in
 * full before it exits (0); every answered mutation is there after a restart, and one
 * that was not answered was not applied either. */
static void
test_sigterm_in_flight (void)
{
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, small_demo);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(JsonNode) page = NULL;
  g_autofree char *token = qd_test_server_login (server, "dealer1", "qudao-demo");
  GSocketConnection *conns[TERM_CONNECTIONS] = { NULL };
  char *bodies[TERM_CONNECTIONS] = { NULL };
  guint statuses[TERM_CONNECTIONS] = { 0 };
  const char *product = NULL;
  const char *url;
  gint64 pack = 1;
  guint status = 0, n_answered = 0, n_refused = 0, n_unanswered = 0;
  guint16 port;
  JsonArray *changes;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (token);
  page = qd_test_request (server, "GET", "/api/v1/changes?limit=5000", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  changes = json_object_get_array_member (json_node_get_object (page), "changes");
  for (guint i = 0; i < json_array_get_length (changes) && product == NULL; i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);
      JsonObject *d = json_object_get_object_member (c, "data");

      if (g_str_equal (json_object_get_string_member (c, "entity"), "product") &&
          json_object_get_boolean_member (d, "active"))
        {
          product = json_object_get_string_member (d, "id");
          pack = json_object_get_int_member (d, "pack_size");
        }
    }
  g_assert_nonnull (product);

  url = qd_test_server_get_url (server);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  port = (guint16) g_ascii_strtoull (url + strlen ("http://127.0.0.1:"), NULL, 10);
  g_socket_client_set_timeout (client, 120);  /* bounds every read below */

  for (guint i = 0; i < TERM_CONNECTIONS; i++)
    {
      g_autofree char *request = NULL;

      bodies[i] = term_batch (product, pack);
      request = g_strdup_printf ("POST /api/v1/mutations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Authorization: Bearer %s\r\n"
                                 "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                                 "Connection: close\r\n\r\n%s",
                                 token, strlen (bodies[i]), bodies[i]);
      conns[i] = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_output_stream_write_all (
        g_io_stream_get_output_stream (G_IO_STREAM (conns[i])), request, strlen (request),
        NULL, NULL, &error));
      g_assert_no_error (error);
    }

  /* The first answer is coming: the writer is busy with the batches. Stop it now. */
  g_assert_true (g_socket_condition_timed_wait (g_socket_connection_get_socket (conns[0]),
                                                G_IO_IN, 120 * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kill (qd_test_server_get_pid (server), SIGTERM), ==, 0);

  for (guint i = 0; i < TERM_CONNECTIONS; i++)
    {
      g_autofree char *answer = read_answer (g_socket_connection_get_socket (conns[i]),
                                             &statuses[i]);

      if (statuses[i] == 200)
        {
          g_autoptr(JsonNode) node = json_from_string (answer, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
            json_node_get_object (node), "results")), ==, TERM_BATCH);
          n_answered++;
        }
      else if (statuses[i] == 503)
        {
          g_assert_nonnull (strstr (answer, "\"shutting_down\""));
          n_refused++;
        }
      else
        {
          g_assert_cmpuint (statuses[i], ==, 0);  /* never another status, never half */
          n_unanswered++;
        }
      g_object_unref (conns[i]);
    }
  g_printerr ("# after SIGTERM: %u answered, %u refused (503), %u not read\n",
              n_answered, n_refused, n_unanswered);
  g_assert_cmpuint (statuses[0], ==, 200);
  /* Not _stop: a second SIGTERM after the server let go of its handler would kill it. */
  g_assert_true (qd_test_server_wait (server));  /* exit status 0 */

  g_assert_true (qd_test_server_restart (server, NULL));
  for (guint i = 0; i < TERM_CONNECTIONS; i++)
    {
      g_autoptr(JsonNode) r = qd_test_request (server, "POST", "/api/v1/mutations", token,
                                               bodies[i], &status);
      JsonArray *results;

      g_assert_cmpuint (status, ==, 200);
      results = json_object_get_array_member (json_node_get_object (r), "results");
      for (guint k = 0; k < json_array_get_length (results); k++)
        g_assert_cmpint (json_object_get_boolean_member (json_array_get_object_element (results, k),
                                                         "duplicate"),
                         ==, statuses[i] == 200);
      g_free (bodies[i]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/durability/kill-9", test_kill_during_writes);
  g_test_add_func ("/server/durability/sigterm-in-flight", test_sigterm_in_flight);
  return g_test_run ();
}
