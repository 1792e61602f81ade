/* test-cli-server.c — qudao-cli against a real qudao-server on loopback
 *
 * A dealer's whole round: login, sync, queue an order, a stock report and a dispute
 * offline, sync them, see the server's answers in the cache; a rejection, the server gone,
 * logout. The server is the real binary with its demo data (qudao-server --demo) on
 * 127.0.0.1:0, run by tests/common; the token goes to the real keyring of the test's D-Bus session
 * (tools/run-headless.sh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cli-test-util.h"
#include "qd-cli.h"
#include "qd-json.h"
#include "qd-test-server.h"
#include "qd-test-files.h"

#define DEMO_PASSWORD "qudao-demo"

typedef struct
{
  char         *tmp;
  char         *data_dir;
  char         *cli;
  QdTestServer *server;
  const char   *url;
} Fixture;

static void
stop_server (Fixture *f)
{
  if (f->server != NULL)
    qd_test_server_stop (f->server);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->cli = g_build_filename (g_getenv ("QUDAO_BUILD_ROOT"), "src", "cli", "qudao-cli", NULL);
  f->tmp = g_dir_make_tmp ("qudao-cli-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->tmp, "client", NULL);
  {
    const char * const extra[] = { "--demo-products", "100", "--demo-order-lines", "3000",
                                   NULL };

    f->server = qd_test_server_new (TRUE, extra);
    f->url = qd_test_server_get_url (f->server);
  }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->server, qd_test_server_free);
  qd_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data_dir);
  g_free (f->cli);
}

/* Runs qudao-cli --data-dir DIR ARGS… with @input on stdin and checks the exit code. */
static void
run_in (Fixture     *f,
        const char  *input,
        int          expect,
        Run         *run,
        const char **args)
{
  cli_run (f->cli, f->data_dir, NULL, input, expect, run, args);
  /* Never a secret on any output. */
  g_assert_null (strstr (run->out, DEMO_PASSWORD));
  g_assert_null (strstr (run->err, DEMO_PASSWORD));
}

#define RUN(f, expect, run, ...) \
  G_STMT_START { \
    const char *args_[] = { __VA_ARGS__, NULL }; \
    run_in ((f), NULL, (expect), (run), args_); \
  } G_STMT_END

static void
login (Fixture *f)
{
  g_auto(Run) run = { 0 };
  const char *args[] = { "login", "--server", f->url, "--user", "dealer1", "--password-stdin",
                         NULL };

  run_in (f, DEMO_PASSWORD "\n", QD_CLI_EXIT_OK, &run, args);
}

static gint64
status_int (Fixture    *f,
            const char *member)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) o = NULL;

  RUN (f, QD_CLI_EXIT_OK, &run, "status", "--json");
  o = parse_json (run.out);
  return json_object_get_int_member (o, member);
}

static guint
count_orders (Fixture    *f,
              const char *status)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) o = NULL;

  if (status != NULL)
    RUN (f, QD_CLI_EXIT_OK, &run, "orders", "--json", "--status", status);
  else
    RUN (f, QD_CLI_EXIT_OK, &run, "orders", "--json");
  o = parse_json (run.out);
  return json_array_get_length (json_object_get_array_member (o, "orders"));
}

/* Reads the dealer's whole change feed from the server and counts the distinct orders whose
 * client_order_id is @client_id (with the note the test gave). */
static guint
server_orders_with_client_id (Fixture    *f,
                              const char *client_id)
{
  g_autofree char *token = qd_test_server_login (f->server, "dealer1", DEMO_PASSWORD);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  gboolean more = TRUE;

  g_assert_nonnull (token);
  /* Bounded: the demo feed is a few pages at most. */
  for (int page = 0; page < 100 && more; page++)
    {
      g_autofree char *path = NULL;
      g_autofree char *escaped = cursor != NULL ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *o;
      JsonArray *changes;
      guint status = 0;

      path = escaped != NULL ? g_strdup_printf ("/api/v1/changes?limit=5000&since=%s", escaped)
                             : g_strdup ("/api/v1/changes?limit=5000");
      answer = qd_test_request (f->server, "GET", path, token, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      o = json_node_get_object (answer);
      changes = json_object_get_array_member (o, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *c = json_array_get_object_element (changes, i);
          JsonObject *d;

          if (g_strcmp0 (json_object_get_string_member (c, "entity"), "order") != 0
              || !json_object_has_member (c, "data"))
            continue;
          d = json_object_get_object_member (c, "data");
          if (json_object_has_member (d, "client_order_id")
              && g_strcmp0 (json_object_get_string_member_with_default (d, "client_order_id",
                                                                        NULL), client_id) == 0)
            {
              g_assert_cmpstr (json_object_get_string_member (d, "note"), ==, "CLI 测试");
              g_hash_table_add (found, g_strdup (json_object_get_string_member (c, "id")));
            }
        }
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (o, "cursor"));
      more = json_object_get_boolean_member (o, "has_more");
    }
  g_assert_false (more);
  return g_hash_table_size (found);
}

/* The round of a dealer's month, against the real server. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *plain_sku = NULL;
  g_autofree char *lot_sku = NULL;
  g_autofree char *order_line = NULL;
  g_autofree char *stock_csv = NULL;
  g_autofree char *statement_id = NULL;
  g_autofree char *line_id = NULL;
  g_autofree char *local_id = NULL;
  g_autoptr(GError) error = NULL;
  gint64 pack = 1;
  guint orders_before, submitted_before;

  /* A wrong password: exit 7, nothing stored. */
  {
    g_auto(Run) run = { 0 };
    const char *args[] = { "login", "--server", f->url, "--user", "dealer1",
                           "--password-stdin", NULL };

    run_in (f, "wrong-password\n", QD_CLI_EXIT_AUTH, &run, args);
  }
  login (f);
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "sync");
  }
  g_assert_cmpint (status_int (f, "pending"), ==, 0);

  /* Products to order and to report, found through the CLI itself. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonArray *products;

    RUN (f, QD_CLI_EXIT_OK, &run, "catalog", "search", "QD", "--limit", "200", "--json");
    o = parse_json (run.out);
    products = json_object_get_array_member (o, "products");
    g_assert_cmpuint (json_array_get_length (products), >, 10);
    for (guint i = 0; i < json_array_get_length (products); i++)
      {
        JsonObject *p = json_array_get_object_element (products, i);

        if (!json_object_get_boolean_member (p, "active")
            || json_object_get_null_member (p, "price_fen"))
          continue;
        if (json_object_get_boolean_member (p, "lot_tracked"))
          {
            if (lot_sku == NULL)
              lot_sku = g_strdup (json_object_get_string_member (p, "sku"));
          }
        else if (plain_sku == NULL)
          {
            plain_sku = g_strdup (json_object_get_string_member (p, "sku"));
            pack = json_object_get_int_member (p, "pack_size");
          }
      }
    g_assert_nonnull (plain_sku);
    g_assert_nonnull (lot_sku);
  }

  /* The open statement with a line to dispute. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonArray *list;

    RUN (f, QD_CLI_EXIT_OK, &run, "statements", "--json");
    o = parse_json (run.out);
    list = json_object_get_array_member (o, "statements");
    for (guint i = 0; i < json_array_get_length (list) && statement_id == NULL; i++)
      {
        JsonObject *s = json_array_get_object_element (list, i);

        if (g_strcmp0 (json_object_get_string_member (s, "status"), "issued") == 0
            && json_object_get_int_member (s, "lines") > 0)
          statement_id = g_strdup (json_object_get_string_member (s, "id"));
      }
    g_assert_nonnull (statement_id);
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    RUN (f, QD_CLI_EXIT_OK, &run, "statement", "show", statement_id, "--json");
    o = parse_json (run.out);
    line_id = g_strdup (json_object_get_string_member (
                json_array_get_object_element (
                  json_object_get_array_member (o, "statement_lines"), 0), "line_id"));
  }

  orders_before = count_orders (f, NULL);
  submitted_before = count_orders (f, "submitted") + count_orders (f, "held");

  /* Three pieces of work, queued without the network. The dispute first: answering a
   * statement is refused while orders are waiting to be sent (they may change it). */
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "statement", "dispute", statement_id, "--line", line_id,
         "--reason", "金额与我方记录不符");
  }
  order_line = g_strdup_printf ("%s:%" G_GINT64_FORMAT, plain_sku, pack * 2);
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "order", "add", order_line, "--note", "CLI 测试");
    local_id = g_strdup (g_strstrip (run.out));
    g_assert_true (qd_is_uuid (local_id));
  }
  stock_csv = g_build_filename (f->tmp, "stock.csv", NULL);
  {
    g_autofree char *text = g_strdup_printf ("商品编码,数量,批号,有效期\n%s,40,,\n"
                                             "%s,12,B2026-11,2028-01-31\n", plain_sku, lot_sku);

    g_assert_true (g_file_set_contents (stock_csv, text, -1, &error));
  }
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "stock", "report", stock_csv);
  }
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_REFUSED, &run, "statement", "dispute", statement_id, "--line", line_id,
         "--reason", "再次提出");
    assert_contains (run.err, "already waiting to be sent");
  }
  g_assert_cmpint (status_int (f, "pending"), ==, 3);
  g_assert_cmpuint (count_orders (f, "queued"), ==, 1);

  /* One sync sends them all; the server's answers replace the local state. */
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "sync");
  }
  g_assert_cmpint (status_int (f, "pending"), ==, 0);
  g_assert_cmpint (status_int (f, "rejected"), ==, 0);
  g_assert_cmpuint (count_orders (f, "queued"), ==, 0);
  g_assert_cmpuint (count_orders (f, NULL), ==, orders_before + 1);
  g_assert_cmpuint (count_orders (f, "submitted") + count_orders (f, "held"), ==,
                    submitted_before + 1);
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    RUN (f, QD_CLI_EXIT_OK, &run, "statement", "show", statement_id, "--json");
    o = parse_json (run.out);
    g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "disputed");
    g_assert_true (json_object_get_null_member (o, "pending"));
  }
  /* On the server: exactly one order carries our client order id, with our note. */
  g_assert_cmpuint (server_orders_with_client_id (f, local_id), ==, 1);
  {
    /* The order went once: a second sync sends nothing and changes nothing. */
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "sync");
    g_assert_cmpuint (count_orders (f, NULL), ==, orders_before + 1);
  }
  g_assert_cmpuint (server_orders_with_client_id (f, local_id), ==, 1);

  /* An absurd order: queued locally, rejected by the server, exit 8. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *huge = g_strdup_printf ("%s:%" G_GINT64_FORMAT, plain_sku,
                                             pack * 900000);

    RUN (f, QD_CLI_EXIT_OK, &run, "order", "add", huge);
  }
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_REJECTED, &run, "sync");
  }
  g_assert_cmpint (status_int (f, "rejected"), ==, 1);
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonObject *rejected = NULL;
    JsonArray *orders;

    RUN (f, QD_CLI_EXIT_OK, &run, "orders", "--status", "rejected", "--json");
    o = parse_json (run.out);
    orders = json_object_get_array_member (o, "orders");
    for (guint i = 0; i < json_array_get_length (orders); i++)
      if (json_object_get_boolean_member (json_array_get_object_element (orders, i), "local"))
        rejected = json_array_get_object_element (orders, i);
    g_assert_nonnull (rejected);
    /* Over the product's line maximum or the credit limit: the server's code and message
     * reach the user either way. */
    g_assert_true (g_strv_contains ((const char * const []) { "invalid_qty",
                                                              "credit_limit_exceeded", NULL },
                                    json_object_get_string_member (rejected, "reject_code")));
    g_assert_cmpstr (json_object_get_string_member (rejected, "reject_message"), !=, "");
  }
}

/* The server gone: work is still saved, sync says offline (6); after logout it says 7. */
static void
test_offline_and_logout (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *sku = NULL;

  login (f);
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "sync");
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonArray *products;

    RUN (f, QD_CLI_EXIT_OK, &run, "catalog", "search", "QD", "--limit", "100", "--json");
    o = parse_json (run.out);
    products = json_object_get_array_member (o, "products");
    for (guint i = 0; i < json_array_get_length (products) && sku == NULL; i++)
      {
        JsonObject *p = json_array_get_object_element (products, i);

        if (json_object_get_boolean_member (p, "active")
            && json_object_get_int_member (p, "pack_size") == 1)
          sku = g_strdup_printf ("%s:3", json_object_get_string_member (p, "sku"));
      }
    g_assert_nonnull (sku);
  }

  stop_server (f);
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "order", "add", sku);
  }
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OFFLINE, &run, "sync");
  }
  g_assert_cmpint (status_int (f, "pending"), ==, 1);
  g_assert_cmpuint (count_orders (f, "queued"), ==, 1);

  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "logout");
  }
  {
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_AUTH, &run, "sync");
    assert_contains (run.err, "Not logged in");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("QUDAO_BUILD_ROOT") == NULL || g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("needs QUDAO_BUILD_ROOT and a D-Bus session with a keyring: run through "
                   "tools/run-headless.sh meson test");
      return g_test_run ();
    }

  g_test_add ("/cli-server/round-trip", Fixture, NULL, fixture_setup, test_round_trip,
              fixture_teardown);
  g_test_add ("/cli-server/offline-and-logout", Fixture, NULL, fixture_setup,
              test_offline_and_logout, fixture_teardown);

  return g_test_run ();
}
