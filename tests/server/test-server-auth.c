/* test-server-auth.c — expiry, revocation by `user disable`, the login storm, TLS-less
 * command line errors. Each case has its own server: they change server-wide state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include <libsoup/soup.h>

#include "qd-test-server.h"

/* A small demo data set keeps the suite fast (also under ASan). */
#define SMALL_DEMO "--demo-products", "400", "--demo-order-lines", "4000"
static const char *small_demo[] = { SMALL_DEMO, NULL };

static void
test_token_expiry (void)
{
  const char *args[] = { "--token-ttl", "1", SMALL_DEMO, NULL };
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, args);
  g_autofree char *token = qd_test_server_login (server, "dealer2", "qudao-demo");
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint status = 0;

  g_assert_nonnull (token);
  /* The token lives one second: poll until it is refused (bounded), then check how. */
  for (;;)
    {
      g_autoptr(JsonNode) a = qd_test_request (server, "GET", "/api/v1/me", token, NULL, &status);

      if (status == 401)
        {
          g_assert_cmpstr (qd_test_error_code (a), ==, "token_expired");
          break;
        }
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);  /* polling the server's clock; bounded by the deadline */
    }
}

static void
test_login_storm (void)
{
  /* A first back-off of 10 minutes: the test never depends on how fast Argon2 runs. */
  const char *args[] = { "--login-backoff", "600", SMALL_DEMO, NULL };
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, args);
  const char *body = "{\"username\":\"dealer1\",\"password\":\"not-the-password\"}";
  guint n401 = 0, n429 = 0;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *uri = NULL;
      guint status = 0;
      g_autoptr(JsonNode) a = qd_test_request (server, "POST", "/api/v1/session", NULL, body,
                                               &status);

      if (status == 401)
        {
          g_assert_cmpstr (qd_test_error_code (a), ==, "bad_credentials");
          n401++;
        }
      else
        {
          g_assert_cmpuint (status, ==, 429);
          g_assert_cmpstr (qd_test_error_code (a), ==, "too_many_attempts");
          n429++;
        }
    }
  g_assert_cmpuint (n401, ==, 5);
  g_assert_cmpuint (n429, ==, 7);

  /* Even the right password is refused while the user is throttled. */
  {
    g_autofree char *token = qd_test_server_login (server, "dealer1", "qudao-demo");

    g_assert_null (token);
  }
  /* Another user from the same address is not throttled yet. */
  {
    g_autofree char *token = qd_test_server_login (server, "dealer2", "qudao-demo");

    g_assert_nonnull (token);
  }
}

static int
run_user_command (const char *data_dir,
                  const char *const *args,
                  const char *stdin_text)
{
  const char *bin = g_getenv ("QUDAO_SERVER_BIN");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (gpointer) bin);
  g_ptr_array_add (argv, (gpointer) "user");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, (gpointer) data_dir);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char * const *) argv->pdata,
                         G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, stdin_text, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (p))
    g_printerr ("# qudao-server user %s did not exit normally: %s\n", args[0], err);
  g_assert_true (g_subprocess_get_if_exited (p));
  return g_subprocess_get_exit_status (p);
}

static void
test_user_commands (void)
{
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, small_demo);
  g_autofree char *token = qd_test_server_login (server, "dealer2", "qudao-demo");
  const char *add[] = { "add", "--role", "manager", "--region", "r-north", "--name", "赵经理",
                        "zhao", NULL };
  const char *disable[] = { "disable", "dealer2", NULL };
  const char *passwd[] = { "passwd", "zhao", NULL };
  const char *bad[] = { "add", "--role", "emperor", "x", NULL };
  guint status = 0;

  g_assert_nonnull (token);
  g_assert_true (qd_test_server_stop (server));

  g_assert_cmpint (run_user_command (qd_test_server_get_data_dir (server), add,
                                     "zhao-password-1\n"), ==, 0);
  g_assert_cmpint (run_user_command (qd_test_server_get_data_dir (server), disable, ""), ==, 0);
  g_assert_cmpint (run_user_command (qd_test_server_get_data_dir (server), passwd,
                                     "zhao-password-2\n"), ==, 0);
  g_assert_cmpint (run_user_command (qd_test_server_get_data_dir (server), bad, "whatever1\n"),
                   !=, 0);

  g_assert_true (qd_test_server_restart (server, NULL));
  {
    g_autoptr(JsonNode) a = qd_test_request (server, "GET", "/api/v1/me", token, NULL, &status);
    g_autofree char *again = qd_test_server_login (server, "dealer2", "qudao-demo");
    g_autofree char *old = qd_test_server_login (server, "zhao", "zhao-password-1");
    g_autofree char *zhao = qd_test_server_login (server, "zhao", "zhao-password-2");
    g_autoptr(JsonNode) me = NULL;

    /* Disabling revoked the session and refuses new logins. */
    g_assert_cmpuint (status, ==, 401);
    g_assert_null (again);
    g_assert_null (old);
    g_assert_nonnull (zhao);
    me = qd_test_request (server, "GET", "/api/v1/me", zhao, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (me), "role"), ==,
                     "manager");
  }
}

/* Expiry slides: a token used more often than its lifetime outlives it, and one left idle
 * for its lifetime expires. With --token-ttl 4 the server renews at most every 2 s. */
static void
test_token_sliding (void)
{
  const char *args[] = { "--token-ttl", "4", SMALL_DEMO, NULL };
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, args);
  gint64 start = g_get_monotonic_time ();
  g_autofree char *token = qd_test_server_login (server, "dealer2", "qudao-demo");
  gint64 deadline;
  guint status = 0;
  guint uses = 0;

  g_assert_nonnull (token);
  /* Used every 300 ms for three lifetimes (plus a second of rounding: the server counts
   * whole seconds): never refused. A gap of more than 4 s here (a stalled machine) would
   * let it expire legitimately; 300 ms leaves plenty of margin. */
  while (g_get_monotonic_time () - start < 13 * G_USEC_PER_SEC)
    {
      g_autoptr(JsonNode) a = qd_test_request (server, "GET", "/api/v1/me", token, NULL, &status);

      if (status != 200)
        g_printerr ("# refused after %.1f s: %s\n",
                    (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
                    qd_test_error_code (a));
      g_assert_cmpuint (status, ==, 200);
      uses++;
      g_usleep (300 * 1000);  /* the pace of use is the point of the test */
    }
  g_assert_cmpuint (uses, >, 3);

  /* Idle: it expires within its lifetime. The idle time is what is tested (any use would
   * renew the token), so it is slept; then a bounded wait on the server's clock. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_usleep (5 * G_USEC_PER_SEC);
  for (;;)
    {
      g_autoptr(JsonNode) a = qd_test_request (server, "GET", "/api/v1/me", token, NULL, &status);

      if (status == 401)
        {
          g_assert_cmpstr (qd_test_error_code (a), ==, "token_expired");
          break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (500 * 1000);
    }
}

static void
exec_sql (const char *data_dir,
          const char *sql)
{
  g_autofree char *path = g_build_filename (data_dir, "qudao-server.db", NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* A dealer account whose dealer is gone (an operator's edit: the API and `user add`
 * refuse to create one) may log in and read the public catalog, but every dealer
 * mutation is rejected as forbidden. */
static void
test_dealer_without_dealer (void)
{
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, small_demo);
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) feed = NULL;
  g_autoptr(JsonNode) answer = NULL;
  const char *product = NULL;
  gint64 pack = 1;
  guint status = 0;
  JsonArray *changes, *results;

  g_assert_true (qd_test_server_stop (server));
  exec_sql (qd_test_server_get_data_dir (server),
            "UPDATE users SET dealer_id = NULL WHERE username = 'dealer2'");
  g_assert_true (qd_test_server_restart (server, NULL));

  token = qd_test_server_login (server, "dealer2", "qudao-demo");
  g_assert_nonnull (token);
  feed = qd_test_request (server, "GET", "/api/v1/changes?limit=5000", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  changes = json_object_get_array_member (json_node_get_object (feed), "changes");
  g_assert_cmpuint (json_array_get_length (changes), >, 0);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);
      const char *entity = json_object_get_string_member (c, "entity");

      /* Only what every dealer sees: no dealer record, order, statement, … */
      g_assert_true (g_str_equal (entity, "region") || g_str_equal (entity, "product"));
      if (product == NULL && g_str_equal (entity, "product") &&
          json_object_get_boolean_member (json_object_get_object_member (c, "data"), "active"))
        {
          product = json_object_get_string_member (c, "id");
          pack = json_object_get_int_member (json_object_get_object_member (c, "data"),
                                             "pack_size");
        }
    }
  g_assert_nonnull (product);

  {
    g_autofree char *m1 = g_uuid_string_random ();
    g_autofree char *m2 = g_uuid_string_random ();
    g_autofree char *oid = g_uuid_string_random ();
    g_autofree char *rid = g_uuid_string_random ();
    g_autofree char *body = g_strdup_printf (
      "{\"mutations\":["
      "{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\","
      "\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}},"
      "{\"id\":\"%s\",\"type\":\"stock_report.submit\",\"payload\":{\"report_id\":\"%s\","
      "\"as_of\":\"2020-01-01\",\"lines\":[{\"product_id\":\"%s\",\"qty\":1}]}}]}",
      m1, oid, product, pack, m2, rid, product);

    answer = qd_test_request (server, "POST", "/api/v1/mutations", token, body, &status);
    g_assert_cmpuint (status, ==, 200);
    results = json_object_get_array_member (json_node_get_object (answer), "results");
    g_assert_cmpuint (json_array_get_length (results), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *r = json_array_get_object_element (results, i);

        if (!g_str_equal (json_object_get_string_member (r, "status"), "rejected"))
          g_printerr ("# result %u: %s\n", i, json_object_get_string_member (r, "status"));
        g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "rejected");
        g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                        "code"), ==, "forbidden");
      }
  }
}

/* One client thread of test_storage_failure(): its own session, its requests in turn. */
typedef struct
{
  const char *url;
  const char *token;
  GPtrArray  *bodies;   /* char * */
  guint       first;    /* this thread sends bodies first, first + step, … */
  guint       step;
  guint      *statuses; /* one per body, written by the thread that sends it */
} Client;

static gpointer
client_thread (gpointer data)
{
  Client *c = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (c->url, "/api/v1/mutations", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", c->token, NULL);

  for (guint i = c->first; i < c->bodies->len; i += c->step)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
      const char *body = g_ptr_array_index (c->bodies, i);
      g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
      g_autoptr(GBytes) answer = NULL;

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      answer = soup_session_send_and_read (session, msg, NULL, NULL);
      c->statuses[i] = soup_message_get_status (msg);
    }
  return NULL;
}

static char *
submit_body (const char *product,
             gint64      pack,
             const char *note)
{
  g_autofree char *m = g_uuid_string_random ();
  g_autofree char *o = g_uuid_string_random ();

  return g_strdup_printf (
    "{\"mutations\":[{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":"
    "\"%s\",\"note\":\"%s\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}]}",
    m, o, note, product, pack);
}

/* A storage failure in the middle of a batch transaction of mutations (injected: a
 * trigger that fails the insert of an order with a given note) undoes the whole request
 * and answers 503 without the database's text; nothing of it is recorded, so the same
 * mutations apply when sent again without the failing one. Requests of other clients that
 * the writer put in the same transaction are not refused with it. */
static void
test_storage_failure (void)
{
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, small_demo);
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) feed = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autofree char *m1 = g_uuid_string_random ();
  g_autofree char *m2 = g_uuid_string_random ();
  g_autofree char *o1 = g_uuid_string_random ();
  g_autofree char *o2 = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *retry = NULL;
  g_autofree char *path = NULL;
  const char *product = NULL;
  JsonArray *changes, *results;
  JsonObject *error;
  gint64 pack = 1;
  guint status = 0;

  g_assert_true (qd_test_server_stop (server));
  exec_sql (qd_test_server_get_data_dir (server),
            "CREATE TRIGGER qd_test_fail BEFORE INSERT ON orders WHEN NEW.note = 'fail' "
            "BEGIN SELECT RAISE (ABORT, 'injected storage failure'); END");
  g_assert_true (qd_test_server_restart (server, NULL));

  token = qd_test_server_login (server, "dealer2", "qudao-demo");
  g_assert_nonnull (token);
  feed = qd_test_request (server, "GET", "/api/v1/changes?limit=5000", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  changes = json_object_get_array_member (json_node_get_object (feed), "changes");
  for (guint i = 0; product == NULL && i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);
      JsonObject *data = json_object_get_object_member (c, "data");

      if (g_str_equal (json_object_get_string_member (c, "entity"), "product") &&
          json_object_get_boolean_member (data, "active") &&
          !json_object_get_boolean_member (data, "lot_tracked"))
        {
          product = json_object_get_string_member (c, "id");
          pack = json_object_get_int_member (data, "pack_size");
        }
    }
  g_assert_nonnull (product);

  body = g_strdup_printf (
    "{\"mutations\":["
    "{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\","
    "\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}},"
    "{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\","
    "\"note\":\"fail\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}]}",
    m1, o1, product, pack, m2, o2, product, pack);
  answer = qd_test_request (server, "POST", "/api/v1/mutations", token, body, &status);
  g_assert_cmpuint (status, ==, 503);
  error = json_object_get_object_member (json_node_get_object (answer), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "storage_unavailable");
  g_assert_null (strstr (json_object_get_string_member (error, "message"), "injected"));

  /* The first order, applied before the failure, was undone with it. */
  path = g_strdup_printf ("/api/v1/orders/%s", o1);
  missing = qd_test_request (server, "GET", path, token, NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  /* Not recorded either: sent again alone, it applies (not a duplicate). */
  retry = g_strdup_printf (
    "{\"mutations\":[{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":"
    "\"%s\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}]}",
    m1, o1, product, pack);
  again = qd_test_request (server, "POST", "/api/v1/mutations", token, retry, &status);
  g_assert_cmpuint (status, ==, 200);
  results = json_object_get_array_member (json_node_get_object (again), "results");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"), ==, "applied");
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (results, 0),
                                                  "duplicate"));

  /* Many clients at once, a few of them with the failing order: the writer groups
   * concurrent requests into one transaction; only the failing ones are refused. */
  {
    g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
    guint statuses[66] = { 0 };
    Client clients[16];
    GThread *threads[16];

    for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
      g_ptr_array_add (bodies, submit_body (product, pack, i % 11 == 5 ? "fail" : "ok"));
    for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
      {
        clients[t] = (Client) { qd_test_server_get_url (server), token, bodies, t,
                                G_N_ELEMENTS (threads), statuses };
        threads[t] = g_thread_new ("client", client_thread, &clients[t]);
      }
    for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
      g_thread_join (threads[t]);
    for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
      g_assert_cmpuint (statuses[i], ==, i % 11 == 5 ? 503 : 200);
  }
}

/* Bad configuration: one clear line on stderr, non-zero exit. */
static void
test_bad_config (void)
{
  const char *bin = g_getenv ("QUDAO_SERVER_BIN");
  g_autofree char *dir = g_dir_make_tmp ("qudao-test-config-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *missing = g_build_filename (dir, "nope.pem", NULL);
  const char *cases[][8] = {
    { bin, "--listen", "127.0.0.1:0", NULL },
    { bin, "--data-dir", dir, NULL },
    { bin, "--data-dir", dir, "--listen", "nonsense", NULL },
    { bin, "--data-dir", file, "--listen", "127.0.0.1:0", NULL },
    { bin, "--data-dir", dir, "--listen", "127.0.0.1:0", "--tls-cert", missing, NULL },
    { bin, "--data-dir", dir, "--listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key" },
  };

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GSubprocess) p = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *err = NULL;
      g_autofree char *out = NULL;
      const char *argv[10] = { 0 };

      for (guint k = 0; k < 8 && cases[i][k] != NULL; k++)
        argv[k] = cases[i][k];
      if (i == 5)
        argv[8] = missing;
      p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      if (!g_subprocess_get_if_exited (p))
        g_printerr ("# case %u did not exit normally: %s\n", i, err);
      g_assert_true (g_subprocess_get_if_exited (p));
      g_assert_cmpint (g_subprocess_get_exit_status (p), !=, 0);
      g_assert_true (g_str_has_prefix (err, "qudao-server: "));
      /* One line. */
      g_assert_null (strchr (err, '\n') == err + strlen (err) - 1 ? NULL : strchr (err, '\n'));
    }
  g_unlink (file);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *f = g_build_filename (dir, name, NULL);

        g_unlink (f);
      }
  }
  g_rmdir (dir);
}

static char *
feed_end (QdTestServer *server,
          const char   *token,
          const char   *since,
          JsonArray   **out_changes)
{
  char *cursor = since ? g_strdup (since) : NULL;
  JsonArray *all = json_array_new ();

  for (guint pages = 0; pages < 1000; pages++)
    {
      g_autofree char *escaped = cursor ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?limit=5000%s%s",
                                               escaped ? "&since=" : "", escaped ? escaped : "");
      guint status = 0;
      g_autoptr(JsonNode) a = qd_test_request (server, "GET", path, token, NULL, &status);
      JsonObject *o;
      JsonArray *changes;

      g_assert_cmpuint (status, ==, 200);
      o = json_node_get_object (a);
      changes = json_object_get_array_member (o, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (changes, i)));
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (o, "cursor"));
      if (!json_object_get_boolean_member (o, "has_more"))
        break;
    }
  if (out_changes != NULL)
    *out_changes = all;
  else
    json_array_unref (all);
  return cursor;
}

/* A delete leaves a tombstone in the feed; pruned tombstones make older cursors expire. */
static void
test_tombstones (void)
{
  g_autoptr(QdTestServer) server = qd_test_server_new (TRUE, small_demo);
  g_autoptr(QdTestServer) again = NULL;
  g_autofree char *admin = qd_test_server_login (server, "admin", "qudao-demo");
  g_autofree char *dealer = qd_test_server_login (server, "dealer1", "qudao-demo");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonArray) changes = NULL;
  const char *retention[] = { "--tombstone-retention", "0", NULL };
  gboolean saw = FALSE;
  guint status = 0;

  g_assert_nonnull (admin);
  g_assert_nonnull (dealer);
  {
    g_autoptr(JsonNode) a = qd_test_request (server, "PUT", "/api/v1/admin/prices/pr-tomb", admin,
                                             "{\"product_id\":\"p-000001\",\"dealer_id\":"
                                             "\"d-003\",\"unit_price_fen\":100}", &status);
    g_assert_cmpuint (status, ==, 200);
  }
  before = feed_end (server, dealer, NULL, NULL);
  {
    g_autoptr(JsonNode) a = qd_test_request (server, "DELETE", "/api/v1/admin/prices/pr-tomb",
                                             admin, NULL, &status);
    g_autoptr(JsonNode) b = NULL;

    g_assert_cmpuint (status, ==, 204);
    b = qd_test_request (server, "DELETE", "/api/v1/admin/prices/pr-tomb", admin, NULL, &status);
    g_assert_cmpuint (status, ==, 404);
  }
  after = feed_end (server, dealer, before, &changes);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);

      if (g_str_equal (json_object_get_string_member (c, "id"), "pr-tomb"))
        {
          g_assert_cmpstr (json_object_get_string_member (c, "op"), ==, "delete");
          g_assert_false (json_object_has_member (c, "data"));
          saw = TRUE;
        }
    }
  g_assert_true (saw);

  /* Restart keeping no tombstones: the cursor from before the delete has expired, the
   * one after it still works. */
  g_assert_true (qd_test_server_stop (server));
  again = qd_test_server_start (qd_test_server_get_data_dir (server), FALSE, retention, NULL);
  g_assert_nonnull (again);
  {
    g_autofree char *e1 = g_uri_escape_string (before, NULL, TRUE);
    g_autofree char *e2 = g_uri_escape_string (after, NULL, TRUE);
    g_autofree char *p1 = g_strdup_printf ("/api/v1/changes?since=%s", e1);
    g_autofree char *p2 = g_strdup_printf ("/api/v1/changes?since=%s", e2);
    g_autoptr(JsonNode) a = qd_test_request (again, "GET", p1, dealer, NULL, &status);
    g_autoptr(JsonNode) b = NULL;

    g_assert_cmpuint (status, ==, 410);
    g_assert_cmpstr (qd_test_error_code (a), ==, "cursor_expired");
    b = qd_test_request (again, "GET", p2, dealer, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  g_assert_true (qd_test_server_stop (again));
}

static void
test_tls (void)
{
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "server", "data", "tls-cert.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "server", "data", "tls-key.pem", NULL);
  const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };
  g_autoptr(QdTestServer) server = qd_test_server_new (FALSE, args);
  guint status = 0;
  g_autoptr(JsonNode) a = NULL;

  g_assert_true (g_str_has_prefix (qd_test_server_get_url (server), "https://127.0.0.1:"));
  a = qd_test_request (server, "GET", "/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (a), "status"), ==, "ok");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* This program starts 17 server processes to test behaviour; under the sanitizers each
   * exit runs a leak check, and LeakSanitizer's own tracer crashed now and then at exit on
   * a loaded machine ("Tracer caught signal 11"). The servers' leaks are checked by
   * test-server-api and test-server-durability; here only this process checks its own.
   * (Our ASan runtime has read ASAN_OPTIONS already: this affects the children only.) */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *opts = g_strconcat (g_getenv ("ASAN_OPTIONS"), ":detect_leaks=0", NULL);

      g_setenv ("ASAN_OPTIONS", opts, TRUE);
    }

  g_test_add_func ("/server/auth/token-expiry", test_token_expiry);
  g_test_add_func ("/server/auth/login-storm", test_login_storm);
  g_test_add_func ("/server/auth/user-commands", test_user_commands);
  g_test_add_func ("/server/auth/token-sliding", test_token_sliding);
  g_test_add_func ("/server/auth/dealer-without-dealer", test_dealer_without_dealer);
  g_test_add_func ("/server/storage/failure", test_storage_failure);
  g_test_add_func ("/server/config/bad", test_bad_config);
  g_test_add_func ("/server/feed/tombstones", test_tombstones);
  g_test_add_func ("/server/config/tls", test_tls);
  return g_test_run ();
}
