/* test-cli-server.c — qudao-cli against a real qudao-server on loopback
 *
 * A dealer's whole round: login, sync, queue an order, a stock report and a dispute
 * offline, sync them, see the server's answers in the cache; a rejection, the server gone,
 * logout. The server is the real binary with its demo data (qudao-server --demo) on
 * 127.0.0.1:0; the token goes to the real keyring of the test's D-Bus session
 * (tools/run-headless.sh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "qd-cli.h"
#include "qd-json.h"

#define DEMO_PASSWORD "qudao-demo"

typedef struct
{
  char        *tmp;
  char        *data_dir;
  char        *cli;
  GSubprocess *server;
  char        *url;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_remove (child);
      }
  g_rmdir (path);
}

/* The server must not outlive a test that failed: meson would wait for it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts qudao-server with demo data and waits for its "listening on URL" line. */
static void
start_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_bin = g_build_filename (g_getenv ("QUDAO_BUILD_ROOT"), "src",
                                                  "server", "qudao-server", NULL);
  g_autofree char *server_dir = g_build_filename (f->tmp, "server", NULL);
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->server = g_subprocess_launcher_spawn (launcher, &error, server_bin,
                                           "--data-dir", server_dir, "--listen", "127.0.0.1:0",
                                           "--demo", "--demo-products", "100",
                                           "--demo-order-lines", "3000", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));

  /* Bounded: the server prints a few lines, then either the URL or it exits (EOF). */
  for (int i = 0; i < 100 && f->url == NULL; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("qudao-server exited before listening");
      if (g_str_has_prefix (line, "listening on "))
        f->url = g_strdup (line + strlen ("listening on "));
    }
  g_assert_nonnull (f->url);
}

static void
stop_server (Fixture *f)
{
  if (f->server == NULL)
    return;
  g_subprocess_send_signal (f->server, SIGTERM);
  g_subprocess_wait (f->server, NULL, NULL);
  g_clear_object (&f->server);
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
  start_server (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  stop_server (f);
  remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data_dir);
  g_free (f->cli);
  g_free (f->url);
}

/* Runs qudao-cli --data-dir DIR ARGS… with @input on stdin and checks the exit code. */
static void
run_in (Fixture     *f,
        const char  *input,
        int          expect,
        Run         *run,
        const char **args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;

  g_ptr_array_add (argv, f->cli);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, f->data_dir);
  for (const char **a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LANG", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_unsetenv (launcher, "LC_ALL");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);

  joined = g_strjoinv (" ", (char **) argv->pdata + 3);
  g_printerr ("# qudao-cli %s → %d\n", joined, run->status);
  if (run->status != expect)
    g_error ("qudao-cli %s: exit %d, expected %d\nstdout: %s\nstderr: %s", joined,
             run->status, expect, run->out, run->err);
  /* Never a secret on any output. */
  g_assert_null (strstr (run->out, DEMO_PASSWORD));
  g_assert_null (strstr (run->err, DEMO_PASSWORD));
}

#define RUN(f, expect, run, ...) \
  G_STMT_START { \
    const char *args_[] = { __VA_ARGS__, NULL }; \
    run_in ((f), NULL, (expect), (run), args_); \
  } G_STMT_END

static JsonObject *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *o = qd_json_parse_object (text, -1, &error);

  if (o == NULL)
    g_error ("not JSON: %s (%s)", text, error->message);
  return o;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” lacks “%s”", haystack, needle);
}

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
    g_assert_true (qd_is_uuid (g_strstrip (run.out)));
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
  {
    /* The order went once: a second sync sends nothing and changes nothing. */
    g_auto(Run) run = { 0 };

    RUN (f, QD_CLI_EXIT_OK, &run, "sync");
    g_assert_cmpuint (count_orders (f, NULL), ==, orders_before + 1);
  }

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
