/* test-server-durability.c — kill -9 during a write loop, restart: every answered
 * mutation is there, and a replay answers it as a duplicate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/durability/kill-9", test_kill_during_writes);
  return g_test_run ();
}
