/* test-cli.c — the real qudao-cli binary, run as a subprocess on a temporary data directory
 *
 * The cache is filled the way a sync fills it: change-feed pages applied to a real store
 * file (qd_store_apply_change), so these tests need no network; test-cli-server.c covers
 * login and sync against a real qudao-server. Each test checks stdout (text and --json,
 * parsed), the one-line errors on stderr and the exit code, and then the cache itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli-test-util.h"
#include "qd-account.h"
#include "qd-cli.h"
#include "qd-json.h"
#include "qd-store.h"
#include "qd-test-server.h"
#include "qd-test-files.h"

#define SERVER "http://127.0.0.1:9"
#define USER   "dealer1"

typedef struct
{
  char *tmp;
  char *data_dir;
  char *cli;
} Fixture;

static void
apply (QdStore    *store,
       const char *entity,
       const char *id,
       const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = qd_json_parse_object (json, -1, &error);

  g_assert_no_error (error);
  if (!qd_store_apply_change (store, entity, "upsert", id, data, &error))
    g_error ("%s %s: %s", entity, id, error->message);
}

/* A dealer's cache after a sync: a catalog with the cases the commands check (pack size,
 * lot-tracked, inactive), prices, orders in server states and two statements. */
static void
fill_cache (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = qd_store_path_for_account (f->data_dir, SERVER, USER);
  g_autoptr(QdStore) store = qd_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (qd_store_set_meta (store, QD_STORE_META_DEALER_ID, "d_1", &error));
  g_assert_true (qd_store_begin_page (store, &error));
  apply (store, "dealer", "d_1", "{\"id\":\"d_1\",\"name\":\"杭州康达医疗器械\",\"level\":"
         "\"regional\",\"parent_id\":null,\"region_id\":\"r_1\",\"credit_limit_fen\":"
         "100000000,\"active\":true}");
  apply (store, "product", "p_1", "{\"id\":\"p_1\",\"sku\":\"YL-001\",\"name\":\"一次性注射器\","
         "\"spec\":\"5ml\",\"category\":\"耗材\",\"unit\":\"支\",\"pack_size\":1,\"barcode\":"
         "\"6901234500011\",\"mnemonic\":\"YCXZSQ\",\"lot_tracked\":false,\"active\":true}");
  apply (store, "product", "p_2", "{\"id\":\"p_2\",\"sku\":\"YL-002\",\"name\":\"医用口罩\","
         "\"spec\":\"50只/盒\",\"category\":\"耗材\",\"unit\":\"盒\",\"pack_size\":6,"
         "\"barcode\":\"6901234500028\",\"mnemonic\":\"\",\"lot_tracked\":false,"
         "\"active\":true}");
  apply (store, "product", "p_3", "{\"id\":\"p_3\",\"sku\":\"MED-9\",\"name\":\"血糖试纸\","
         "\"spec\":\"50片\",\"category\":\"器械\",\"unit\":\"盒\",\"pack_size\":1,"
         "\"barcode\":\"6901234500035\",\"mnemonic\":\"XTSZ\",\"lot_tracked\":true,"
         "\"active\":true}");
  apply (store, "product", "p_4", "{\"id\":\"p_4\",\"sku\":\"OLD-1\",\"name\":\"旧款体温计\","
         "\"spec\":\"\",\"category\":\"器械\",\"unit\":\"支\",\"pack_size\":1,\"barcode\":\"\","
         "\"mnemonic\":\"\",\"lot_tracked\":false,\"active\":false}");
  apply (store, "price", "pr_1", "{\"id\":\"pr_1\",\"product_id\":\"p_1\",\"level\":\"regional\","
         "\"unit_price_fen\":150}");
  apply (store, "price", "pr_2", "{\"id\":\"pr_2\",\"product_id\":\"p_2\",\"level\":\"regional\","
         "\"unit_price_fen\":2500}");
  apply (store, "price", "pr_3", "{\"id\":\"pr_3\",\"product_id\":\"p_3\",\"dealer_id\":\"d_1\","
         "\"unit_price_fen\":4800}");
  apply (store, "order", "o_1", "{\"id\":\"o_1\",\"number\":\"SO-0001\",\"dealer_id\":\"d_1\","
         "\"status\":\"submitted\",\"created_at\":\"2026-11-01T08:00:00Z\","
         "\"client_order_id\":null,\"note\":\"\",\"total_fen\":1500,\"lines\":[{\"product_id\":"
         "\"p_1\",\"qty\":10,\"unit_price_fen\":150,\"total_fen\":1500}]}");
  apply (store, "order", "o_2", "{\"id\":\"o_2\",\"number\":\"SO-0002\",\"dealer_id\":\"d_1\","
         "\"status\":\"shipped\",\"created_at\":\"2026-10-01T08:00:00Z\","
         "\"client_order_id\":null,\"note\":\"\",\"total_fen\":15000,\"lines\":[{\"product_id\":"
         "\"p_2\",\"qty\":6,\"unit_price_fen\":2500,\"total_fen\":15000}]}");
  apply (store, "statement", "s_1", "{\"id\":\"s_1\",\"dealer_id\":\"d_1\",\"period\":"
         "\"2026-10\",\"version\":1,\"status\":\"issued\",\"opening_balance_fen\":0,"
         "\"closing_balance_fen\":5000,\"lines\":[{\"line_id\":\"L1\",\"date\":\"2026-10-03\","
         "\"kind\":\"invoice\",\"ref\":\"SO-0002\",\"amount_fen\":15000},{\"line_id\":\"L2\","
         "\"date\":\"2026-10-20\",\"kind\":\"payment\",\"ref\":\"PAY-7\",\"amount_fen\":-10000}]}");
  apply (store, "statement", "s_2", "{\"id\":\"s_2\",\"dealer_id\":\"d_1\",\"period\":"
         "\"2026-09\",\"version\":2,\"status\":\"issued\",\"opening_balance_fen\":0,"
         "\"closing_balance_fen\":300,\"lines\":[{\"line_id\":\"A1\",\"date\":\"2026-09-03\","
         "\"kind\":\"invoice\",\"ref\":\"SO-0000\",\"amount_fen\":500},{\"line_id\":\"A2\","
         "\"date\":\"2026-09-30\",\"kind\":\"rebate\",\"ref\":\"R-1\",\"amount_fen\":-200}]}");
  g_assert_true (qd_store_commit_page (store, "c1", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (qd_store_set_last_sync (store, g_get_real_time () / 1000, &error));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *build_root = g_getenv ("QUDAO_BUILD_ROOT");

  g_assert_nonnull (build_root);
  f->cli = g_build_filename (build_root, "src", "cli", "qudao-cli", NULL);
  f->tmp = g_dir_make_tmp ("qudao-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->tmp, "data", NULL);

  if (GPOINTER_TO_INT (data) == 0)
    {
      g_assert_true (qd_account_save (f->data_dir, SERVER, USER, &error));
      g_assert_no_error (error);
      fill_cache (f);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  qd_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data_dir);
  g_free (f->cli);
}

/* Runs qudao-cli --data-dir DIR ARGS… (NULL-terminated) in English, or in Chinese when
 * @lang is "zh_CN", and checks the exit code. */
static void
run_full (Fixture    *f,
          const char *lang,
          int         expect,
          Run        *run,
          const char *first,
          va_list     ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  g_ptr_array_add (args, NULL);
  cli_run (f->cli, f->data_dir, lang, NULL, expect, run, (const char * const *) args->pdata);
}

static void G_GNUC_NULL_TERMINATED
run_cli (Fixture    *f,
         int         expect,
         Run        *run,
         const char *first,
         ...)
{
  va_list ap;

  va_start (ap, first);
  run_full (f, NULL, expect, run, first, ap);
  va_end (ap);
}

/* Runs qudao-cli with @input on its standard input. */
static void
run_cli_stdin (Fixture     *f,
               const char  *input,
               int          expect,
               Run         *run,
               const char **args)
{
  cli_run (f->cli, f->data_dir, NULL, input, expect, run, args);
}

static void G_GNUC_NULL_TERMINATED
run_cli_zh (Fixture    *f,
            int         expect,
            Run        *run,
            const char *first,
            ...)
{
  va_list ap;

  va_start (ap, first);
  run_full (f, "zh_CN", expect, run, first, ap);
  va_end (ap);
}

/* An error is exactly one line on stderr (unless several bad lines are listed). */
static void
assert_one_line (const char *text)
{
  const char *nl = strchr (text, '\n');

  g_assert_nonnull (nl);
  g_assert_cmpstr (nl + 1, ==, "");
  g_assert_true (g_str_has_prefix (text, "qudao-cli"));
}

static QdStore *
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = qd_store_path_for_account (f->data_dir, SERVER, USER);
  QdStore *store = qd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static guint
pending_count (Fixture *f)
{
  g_autoptr(QdStore) store = open_store (f);

  return qd_store_outbox_count (store, QD_OUTBOX_PENDING);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *data,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->tmp, name, NULL);

  g_assert_true (g_file_set_contents (path, data, length, &error));
  g_assert_no_error (error);
  return path;
}

/* help and usage ----------------------------------------------------------------------- */

static const char *all_commands[][2] = {
  { "login", NULL }, { "logout", NULL }, { "sync", NULL }, { "status", NULL },
  { "catalog", "search" }, { "order", "add" }, { "order", "import" }, { "orders", NULL },
  { "order", "cancel" }, { "stock", "report" }, { "statements", NULL },
  { "statement", "show" }, { "statement", "confirm" }, { "statement", "dispute" },
};

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  run_cli (f, QD_CLI_EXIT_OK, &run, "--help", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (all_commands); i++)
    {
      g_autofree char *name = all_commands[i][1] != NULL
        ? g_strdup_printf ("  %s %s ", all_commands[i][0], all_commands[i][1])
        : g_strdup_printf ("  %s ", all_commands[i][0]);

      assert_contains (run.out, name);
    }
  assert_contains (run.out, "Exit codes:");
  assert_contains (run.out, "  3  invalid input");

  for (gsize i = 0; i < G_N_ELEMENTS (all_commands); i++)
    {
      g_auto(Run) sub = { 0 };

      if (all_commands[i][1] != NULL)
        run_cli (f, QD_CLI_EXIT_OK, &sub, all_commands[i][0], all_commands[i][1], "--help",
                 NULL);
      else
        run_cli (f, QD_CLI_EXIT_OK, &sub, all_commands[i][0], "--help", NULL);
      assert_contains (sub.out, "Usage:");
      assert_contains (sub.out, "--");
    }
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "frobnicate", NULL);
    assert_contains (run.err, "Unknown command “frobnicate”");
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "order", NULL);
    assert_contains (run.err, "order add");
    assert_contains (run.err, "“order” needs a subcommand");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "orders", "--bogus", NULL);
    assert_contains (run.err, "--bogus");
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "catalog", "search", NULL);
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "--frob", "orders", NULL);
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "--version", NULL);
    assert_contains (run.out, PACKAGE_VERSION);
  }
}

static void
test_not_logged_in (Fixture       *f,
                    gconstpointer  data)
{
  const char *cmds[][3] = {
    { "orders", NULL, NULL }, { "statements", NULL, NULL }, { "catalog", "search", "x" },
    { "order", "add", "YL-001:1" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      g_auto(Run) run = { 0 };

      run_cli (f, QD_CLI_EXIT_AUTH, &run, cmds[i][0], cmds[i][1], cmds[i][2], NULL);
      assert_contains (run.err, "Not logged in");
      assert_one_line (run.err);
    }
}

/* catalog search ----------------------------------------------------------------------- */

static void
test_catalog_search (Fixture       *f,
                     gconstpointer  data)
{
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "catalog", "search", "YL", NULL);
    assert_contains (run.out, "YL-001\t一次性注射器 5ml\t支\t¥1.50");
    assert_contains (run.out, "YL-002");
    assert_contains (run.out, "pack of 6");
    g_assert_null (strstr (run.out, "MED-9"));
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonArray *products;
    JsonObject *p;

    run_cli (f, QD_CLI_EXIT_OK, &run, "catalog", "search", "试纸", "--json", NULL);
    o = parse_json (run.out);
    products = json_object_get_array_member (o, "products");
    g_assert_cmpuint (json_array_get_length (products), ==, 1);
    p = json_array_get_object_element (products, 0);
    g_assert_cmpstr (json_object_get_string_member (p, "sku"), ==, "MED-9");
    g_assert_cmpint (json_object_get_int_member (p, "price_fen"), ==, 4800);
    g_assert_true (json_object_get_boolean_member (p, "lot_tracked"));
    g_assert_cmpint (json_object_get_int_member (p, "pack_size"), ==, 1);
  }
  {
    /* 助记码 prefix, category filter and limit. */
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "--json", "catalog", "search", "ycx", NULL);
    o = parse_json (run.out);
    g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (
                         json_object_get_array_member (o, "products"), 0), "id"), ==, "p_1");
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "catalog", "search", "YL", "--category", "器械",
             "--json", NULL);
    o = parse_json (run.out);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "products")),
                      ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "catalog", "search", "YL", "--limit", "1", "--json",
             NULL);
    o = parse_json (run.out);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "products")),
                      ==, 1);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "catalog", "search", "不存在的东西", NULL);
    g_assert_cmpstr (run.out, ==, "");
    assert_contains (run.err, "No products match");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "catalog", "search", "YL", "--limit", "0", NULL);
    assert_contains (run.err, "--limit");
  }
}

/* order add ---------------------------------------------------------------------------- */

static void
test_order_add (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *id = NULL;

  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "order", "add", "YL-001:10", "yl-002:12",
             "--note", "月底前送到", NULL);
    id = g_strstrip (g_strdup (run.out));
    g_assert_true (qd_is_uuid (id));
    assert_contains (run.err, "¥315.00");
  }
  g_assert_cmpuint (pending_count (f), ==, 1);
  {
    g_autoptr(QdStore) store = open_store (f);
    g_autoptr(GPtrArray) lines = NULL;
    g_autoptr(QdOrderInfo) o = qd_store_get_order (store, id, &lines, NULL);

    g_assert_nonnull (o);
    g_assert_cmpstr (o->status, ==, "queued");
    g_assert_cmpstr (o->note, ==, "月底前送到");
    g_assert_cmpuint (lines->len, ==, 2);
    g_assert_cmpint (((QdOrderLineInfo *) g_ptr_array_index (lines, 1))->qty, ==, 12);
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "order", "add", "MED-9:3", "--json", NULL);
    o = parse_json (run.out);
    g_assert_true (qd_is_uuid (json_object_get_string_member (o, "order_id")));
    g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "queued");
    g_assert_cmpint (json_object_get_int_member (o, "expected_total_fen"), ==, 14400);
  }
  g_assert_cmpuint (pending_count (f), ==, 2);

  /* Each bad input: exit 3, one line naming the SKU, nothing queued. */
  {
    static const struct { const char *arg; const char *text; } bad[] = {
      { "NOPE-1:1", "unknown SKU “NOPE-1”" },
      { "OLD-1:1", "SKU “OLD-1” (旧款体温计) is no longer sold" },
      { "YL-002:7", "SKU “YL-002”: the quantity 7 is not a multiple of the pack size 6 盒" },
      { "YL-001:0", "SKU “YL-001”: the quantity must be at least 1, not 0" },
      { "YL-001:-5", "SKU “YL-001”: the quantity must be at least 1, not -5" },
      { "YL-001:abc", "SKU “YL-001”: the quantity “abc” is not a whole number" },
      { "YL-001", "“YL-001” is not SKU:QTY" },
      { ":5", "“:5” is not SKU:QTY" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_auto(Run) run = { 0 };

        run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "add", "YL-001:1", bad[i].arg, NULL);
        assert_contains (run.err, bad[i].text);
        assert_one_line (run.err);
        g_assert_cmpstr (run.out, ==, "");
      }
  }
  /* Hostile arguments: invalid UTF-8 and a huge SKU are named briefly and printably. */
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "add", "\xff\xfe\x1b[2J:1", NULL);
    assert_contains (run.err, "unknown SKU “\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd[2J”");
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *huge = g_malloc (100002);

    memset (huge, 'A', 100000);
    memcpy (huge + 99998, ":1", 3);
    run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "add", huge, NULL);
    assert_contains (run.err, "unknown SKU “AAAA");
    g_assert_cmpuint (strlen (run.err), <, 200);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "add", "YL-001:1", "yl-001:2", NULL);
    assert_contains (run.err, "SKU “YL-001” is given twice");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "add", "YL-001:1", "--date", "2026-02-30",
             NULL);
    assert_contains (run.err, "--date");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "order", "add", NULL);
    assert_one_line (run.err);
  }
  g_assert_cmpuint (pending_count (f), ==, 2);

  /* While orders wait to be sent, a statement cannot be answered: they may change it. */
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_REFUSED, &run, "statement", "confirm", "s_1", NULL);
    assert_contains (run.err, "Orders are still waiting to be sent");
    assert_one_line (run.err);
  }
  g_assert_cmpuint (pending_count (f), ==, 2);
}

/* order import ------------------------------------------------------------------------- */

static void
test_order_import (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *good = write_file (f, "good.csv",
                                      "\xEF\xBB\xBF商品编码,数量,备注\r\nYL-001,20,补货\r\n"
                                      "\"YL-002\",\"1,200\",补货\r\n", -1);
  g_autofree char *bad = write_file (f, "bad.csv",
                                     "sku,qty\nYL-001,5\nNOPE,1\nYL-002,5\nMED-9,x\n,3\n", -1);
  g_autofree char *quote = write_file (f, "quote.csv", "sku,qty\nYL-001,\"5\n", -1);
  g_autofree char *gb_text = NULL;
  g_autofree char *gb = NULL;
  g_autofree char *id = NULL;
  gsize gb_len = 0;

  {
    g_auto(Run) run = { 0 };
    g_autoptr(QdStore) store = NULL;
    g_autoptr(GPtrArray) lines = NULL;
    g_autoptr(QdOrderInfo) o = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "order", "import", good, NULL);
    id = g_strstrip (g_strdup (run.out));
    g_assert_true (qd_is_uuid (id));
    store = open_store (f);
    o = qd_store_get_order (store, id, &lines, NULL);
    g_assert_cmpuint (lines->len, ==, 2);
    g_assert_cmpint (((QdOrderLineInfo *) g_ptr_array_index (lines, 1))->qty, ==, 1200);
    g_assert_cmpstr (o->note, ==, "补货");
  }

  /* Every bad line is named with its line and column; nothing is queued. */
  {
    g_auto(Run) run = { 0 };
    g_auto(GStrv) err_lines = NULL;

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "import", bad, NULL);
    assert_contains (run.err, "bad.csv line 3, column 1 (sku): unknown SKU “NOPE”");
    assert_contains (run.err, "bad.csv line 4, column 2 (qty): SKU “YL-002”: the quantity 5 is "
                     "not a multiple of the pack size 6");
    assert_contains (run.err, "bad.csv line 5, column 2 (qty): the quantity “x” is not a "
                     "whole number");
    assert_contains (run.err, "bad.csv line 6, column 1 (sku): the SKU is empty");
    assert_contains (run.err, "4 bad lines; nothing was queued");
    err_lines = g_strsplit (run.err, "\n", -1);
    g_assert_cmpuint (g_strv_length (err_lines), ==, 6);
  }
  g_assert_cmpuint (pending_count (f), ==, 1);

  /* A file of 120 bad lines: 50 are listed, then how many more, then the total. */
  {
    g_auto(Run) run = { 0 };
    g_auto(GStrv) err_lines = NULL;
    g_autoptr(GString) many = g_string_new ("sku,qty\n");
    g_autofree char *path = NULL;

    for (int i = 0; i < 120; i++)
      g_string_append_printf (many, "NOPE-%d,1\n", i);
    path = write_file (f, "many.csv", many->str, many->len);
    run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "import", path, NULL);
    err_lines = g_strsplit (run.err, "\n", -1);
    g_assert_cmpuint (g_strv_length (err_lines), ==, 53);
    assert_contains (err_lines[49], "line 51, column 1 (sku): unknown SKU “NOPE-49”");
    assert_contains (err_lines[50], "70 more bad lines not shown");
    assert_contains (err_lines[51], "120 bad lines; nothing was queued");
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *one = write_file (f, "one.csv", "NOPE,1\n", -1);

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "import", one, NULL);
    assert_contains (run.err, "one.csv: 1 bad line; nothing was queued");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "order", "import", quote, NULL);
    assert_contains (run.err, "quote.csv: Line 2, column 2: the quote opened here is never closed");
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *missing = g_build_filename (f->tmp, "missing.csv", NULL);

    run_cli (f, QD_CLI_EXIT_LOCAL, &run, "order", "import", missing, NULL);
    assert_contains (run.err, "missing.csv");
    assert_one_line (run.err);
  }

  /* A GB18030 file from Excel on Chinese Windows, with --json. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    g_autoptr(GError) error = NULL;

    gb_text = g_convert ("编码,数量,备注\r\nMED-9,2,急用\r\n", -1, "GB18030", "UTF-8", NULL,
                         &gb_len, &error);
    g_assert_no_error (error);
    gb = write_file (f, "gb.csv", gb_text, gb_len);
    run_cli (f, QD_CLI_EXIT_OK, &run, "order", "import", gb, "--json", NULL);
    assert_contains (run.err, "GB18030");
    o = parse_json (run.out);
    g_assert_cmpint (json_object_get_int_member (o, "lines"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (o, "expected_total_fen"), ==, 9600);
  }
  g_assert_cmpuint (pending_count (f), ==, 2);

  /* "-" reads the standard input: an ERP export piped in. */
  {
    g_auto(Run) run = { 0 };
    const char *args[] = { "order", "import", "-", NULL };

    run_cli_stdin (f, "sku,qty\nYL-001,7\n", QD_CLI_EXIT_OK, &run, args);
    g_assert_true (qd_is_uuid (g_strstrip (run.out)));
  }
  {
    g_auto(Run) run = { 0 };
    const char *args[] = { "order", "import", "-", NULL };

    run_cli_stdin (f, "sku,qty\nNOPE,7\n", QD_CLI_EXIT_INVALID, &run, args);
    assert_contains (run.err, "standard input line 2, column 1 (sku): unknown SKU “NOPE”");
  }
  g_assert_cmpuint (pending_count (f), ==, 3);
}

/* orders and order cancel -------------------------------------------------------------- */

static void
test_orders_and_cancel (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *local = NULL;

  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "order", "add", "YL-001:1", NULL);
    local = g_strstrip (g_strdup (run.out));
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonArray *orders;
    gboolean saw_local = FALSE, saw_o1 = FALSE;

    run_cli (f, QD_CLI_EXIT_OK, &run, "orders", "--json", NULL);
    o = parse_json (run.out);
    orders = json_object_get_array_member (o, "orders");
    g_assert_cmpuint (json_array_get_length (orders), ==, 3);
    for (guint i = 0; i < json_array_get_length (orders); i++)
      {
        JsonObject *order = json_array_get_object_element (orders, i);
        const char *oid = json_object_get_string_member (order, "id");

        if (g_strcmp0 (oid, local) == 0)
          {
            saw_local = TRUE;
            g_assert_cmpstr (json_object_get_string_member (order, "status"), ==, "queued");
            g_assert_true (json_object_get_boolean_member (order, "local"));
          }
        if (g_strcmp0 (oid, "o_1") == 0)
          {
            saw_o1 = TRUE;
            g_assert_cmpstr (json_object_get_string_member (order, "number"), ==, "SO-0001");
            g_assert_cmpint (json_object_get_int_member (order, "total_fen"), ==, 1500);
          }
      }
    g_assert_true (saw_local && saw_o1);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "orders", "--status", "shipped", NULL);
    assert_contains (run.out, "o_2\tSO-0002\tshipped\t");
    g_assert_null (strstr (run.out, "o_1"));
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "orders", "--status", "lost", NULL);
    assert_contains (run.err, "Unknown status “lost”");
  }

  /* A queued order never sent is simply removed, with its mutation. */
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "order", "cancel", local, NULL);
    assert_contains (run.out, "removed");
  }
  g_assert_cmpuint (pending_count (f), ==, 0);

  /* A submitted order, named by its number: an order.cancel is queued. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "order", "cancel", "SO-0001", "--reason", "重复下单",
             "--json", NULL);
    o = parse_json (run.out);
    g_assert_cmpstr (json_object_get_string_member (o, "order_id"), ==, "o_1");
    g_assert_cmpstr (json_object_get_string_member (o, "pending"), ==, "order.cancel");
  }
  g_assert_cmpuint (pending_count (f), ==, 1);
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_REFUSED, &run, "order", "cancel", "o_2", NULL);
    assert_contains (run.err, "shipped");
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_NOT_FOUND, &run, "order", "cancel", "SO-9999", NULL);
    assert_contains (run.err, "There is no order “SO-9999”");
    assert_one_line (run.err);
  }
}

/* stock report ------------------------------------------------------------------------- */

static void
test_stock_report (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *good = write_file (f, "stock.csv",
                                      "sku,qty,lot,expiry\nYL-001,120,,\n"
                                      "MED-9,30,B2301,2027-06-30\nMED-9,4,B2302,2027/8/1\n", -1);
  g_autofree char *bad = write_file (f, "stock-bad.csv",
                                     "商品编码,数量,批号,有效期\n"
                                     "YL-001,12,,\n"           /* 2 fine */
                                     "NOPE,1,,\n"              /* 3 unknown SKU */
                                     "YL-002,-4,,\n"           /* 4 negative */
                                     "MED-9,5,,2027-01-01\n"   /* 5 missing lot */
                                     "MED-9,5,B1,2020-01-01\n" /* 6 expired */
                                     "MED-9,5,B2,2027-13-01\n",/* 7 bad date */
                                     -1);
  g_autofree char *id = NULL;

  {
    g_auto(Run) run = { 0 };
    g_autoptr(QdStore) store = NULL;
    g_autoptr(GPtrArray) lines = NULL;
    g_autoptr(QdStockReportInfo) r = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "stock", "report", good, "--as-of", "2026-11-01", NULL);
    id = g_strstrip (g_strdup (run.out));
    g_assert_true (qd_is_uuid (id));
    store = open_store (f);
    r = qd_store_get_stock_report (store, id, &lines, NULL);
    g_assert_nonnull (r);
    g_assert_cmpstr (r->as_of, ==, "2026-11-01");
    g_assert_cmpuint (lines->len, ==, 3);
    g_assert_cmpstr (((QdStockLineInfo *) g_ptr_array_index (lines, 2))->expiry, ==,
                     "2027-08-01");
    g_assert_cmpstr (((QdStockLineInfo *) g_ptr_array_index (lines, 1))->lot, ==, "B2301");
  }
  g_assert_cmpuint (pending_count (f), ==, 1);

  {
    g_auto(Run) run = { 0 };
    g_auto(GStrv) err_lines = NULL;

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "stock", "report", bad, "--as-of", "2026-11-01",
             NULL);
    assert_contains (run.err, "stock-bad.csv line 3, column 1 (sku): unknown SKU “NOPE”");
    assert_contains (run.err, "stock-bad.csv line 4, column 2 (qty): the quantity -4 is negative");
    assert_contains (run.err, "stock-bad.csv line 5, column 3 (lot): SKU “MED-9” is lot-tracked: "
                     "the lot number is missing");
    assert_contains (run.err, "stock-bad.csv line 6, column 4 (expiry): the expiry 2020-01-01 "
                     "is before the report date 2026-11-01");
    assert_contains (run.err, "stock-bad.csv line 7, column 4 (expiry): expiry: “2027-13-01” is "
                     "not a date");
    assert_contains (run.err, "5 problems; nothing was queued");
    err_lines = g_strsplit (run.err, "\n", -1);
    g_assert_cmpuint (g_strv_length (err_lines), ==, 7);
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonArray *issues;
    JsonObject *first;

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "stock", "report", bad, "--as-of", "2026-11-01",
             "--json", NULL);
    o = parse_json (run.out);
    issues = json_object_get_array_member (o, "issues");
    g_assert_cmpuint (json_array_get_length (issues), ==, 5);
    first = json_array_get_object_element (issues, 0);
    g_assert_cmpint (json_object_get_int_member (first, "line"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (first, "column"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "unknown_sku");
  }
  g_assert_cmpuint (pending_count (f), ==, 1);

  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "stock", "report", good, "--check", NULL);
    assert_contains (run.out, "3 lines, all correct");
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *tsv = write_file (f, "stock.tsv", "编码\t数量\t批号\t有效期\n"
                                       "MED-9\t2\tB9\t2028-01-31\n", -1);

    run_cli (f, QD_CLI_EXIT_OK, &run, "stock", "report", tsv, "--check", NULL);
    assert_contains (run.out, "1 line, correct");
  }
  g_assert_cmpuint (pending_count (f), ==, 1);
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "stock", "report", good, "--as-of", "2999-01-01",
             NULL);
    assert_contains (run.err, "is in the future");
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "stock", "report", good, "--as-of", "yesterday",
             NULL);
    assert_contains (run.err, "--as-of: “yesterday” is not a date");
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *nul = write_file (f, "binary.csv", "sku,qty\nYL\0-1,3\n", 15);

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "stock", "report", nul, NULL);
    assert_contains (run.err, "binary.csv: Line 2: the file contains NUL bytes");
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_LOCAL, &run, "stock", "report", f->tmp, NULL);
    assert_contains (run.err, "is a directory");
  }
  {
    /* A sparse 1 GiB file: refused by its size, before any of it is read. */
    g_auto(Run) run = { 0 };
    g_autofree char *big = g_build_filename (f->tmp, "huge.csv", NULL);
    int fd = g_open (big, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (ftruncate (fd, (off_t) 1 << 30), ==, 0);
    close (fd);
    run_cli (f, QD_CLI_EXIT_INVALID, &run, "stock", "report", big, NULL);
    assert_contains (run.err, "is larger than 64 MiB");
    assert_one_line (run.err);
  }
  g_assert_cmpuint (pending_count (f), ==, 1);
}

/* statements --------------------------------------------------------------------------- */

static void
test_statements (Fixture       *f,
                 gconstpointer  data)
{
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonArray *list;

    run_cli (f, QD_CLI_EXIT_OK, &run, "statements", "--json", NULL);
    o = parse_json (run.out);
    list = json_object_get_array_member (o, "statements");
    g_assert_cmpuint (json_array_get_length (list), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *s = json_array_get_object_element (list, i);

        if (g_strcmp0 (json_object_get_string_member (s, "id"), "s_1") == 0)
          {
            g_assert_cmpstr (json_object_get_string_member (s, "period"), ==, "2026-10");
            g_assert_cmpint (json_object_get_int_member (s, "closing_balance_fen"), ==, 5000);
            g_assert_cmpstr (json_object_get_string_member (s, "status"), ==, "issued");
          }
      }
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "statements", NULL);
    assert_contains (run.out, "s_1\t2026-10\tv1\tissued\t¥0.00\t¥50.00\t2");
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;
    JsonArray *lines;

    run_cli (f, QD_CLI_EXIT_OK, &run, "statement", "show", "2026-10", "--json", NULL);
    o = parse_json (run.out);
    g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "s_1");
    lines = json_object_get_array_member (o, "statement_lines");
    g_assert_cmpuint (json_array_get_length (lines), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (lines, 1),
                                                 "running_balance_fen"), ==, 5000);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_OK, &run, "statement", "confirm", "s_1", NULL);
    assert_contains (run.out, "confirmation queued");
  }
  g_assert_cmpuint (pending_count (f), ==, 1);
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "statement", "dispute", "s_2", "--line", "A1", "--reason",
             "发票金额不符", "--line", "A2", "--reason", "返利未到账", "--json", NULL);
    o = parse_json (run.out);
    g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "s_2");
    g_assert_cmpstr (json_object_get_string_member (o, "pending"), ==, "statement.dispute");
  }
  g_assert_cmpuint (pending_count (f), ==, 2);
  {
    g_autoptr(QdStore) store = open_store (f);
    g_autoptr(GPtrArray) items = qd_store_outbox_list (store, NULL);
    const QdOutboxItem *item = g_ptr_array_index (items, 1);
    g_autoptr(JsonObject) payload = parse_json (item->payload);
    JsonArray *lines = json_object_get_array_member (payload, "lines");

    g_assert_cmpstr (item->type, ==, "statement.dispute");
    g_assert_cmpuint (json_array_get_length (lines), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (lines, 1),
                                                    "reason"), ==, "返利未到账");
    g_assert_cmpint (json_object_get_int_member (payload, "version"), ==, 2);
  }

  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "statement", "dispute", "s_1", "--line", "L9",
             "--reason", "x", NULL);
    assert_contains (run.err, "Statement s_1 has no line “L9”");
    assert_one_line (run.err);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "statement", "dispute", "s_1", "--line", "L1",
             "--line", "L2", "--reason", "a", "--reason", "b", "--reason", "c", NULL);
    assert_contains (run.err, "2 lines, 3 reasons");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_USAGE, &run, "statement", "dispute", "s_1", "--line", "L1", NULL);
    assert_contains (run.err, "--reason");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_INVALID, &run, "statement", "dispute", "s_1", "--line", "L1",
             "--reason", "   ", NULL);
    assert_contains (run.err, "must not be empty");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_NOT_FOUND, &run, "statement", "confirm", "s_404", NULL);
    assert_contains (run.err, "There is no statement “s_404”");
    assert_one_line (run.err);
  }
  g_assert_cmpuint (pending_count (f), ==, 2);
}

/* A damaged cache: one clear line, the file kept aside, and a fresh cache next time. */
static void
test_corrupt_cache (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = qd_store_path_for_account (f->data_dir, SERVER, USER);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  char junk[8192];
  const char *name;
  gboolean kept = FALSE;

  for (gsize i = 0; i < sizeof junk; i++)
    junk[i] = (char) (i * 7 + 3);
  memcpy (junk, "not a cache file", 16);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_assert_true (g_file_set_contents (path, junk, sizeof junk, &error));

  {
    g_auto(Run) run = { 0 };

    run_cli (f, QD_CLI_EXIT_LOCAL, &run, "orders", NULL);
    assert_contains (run.err, "damaged");
    assert_one_line (run.err);
  }
  dir = g_dir_open (f->data_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->data_dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_get_contents (child, &contents, &len, NULL) && len == sizeof junk
          && memcmp (contents, junk, len) == 0)
        kept = TRUE;
    }
  g_assert_true (kept);
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) o = NULL;

    run_cli (f, QD_CLI_EXIT_OK, &run, "orders", "--json", NULL);
    o = parse_json (run.out);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "orders")), ==, 0);
  }
}

/* The messages reach a dealer in Chinese. */
static void
test_zh_cn (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *bad = write_file (f, "zh.csv", "编码,数量\nNOPE,1\n", -1);

  {
    g_auto(Run) run = { 0 };

    run_cli_zh (f, QD_CLI_EXIT_INVALID, &run, "order", "add", "NOPE:1", NULL);
    assert_contains (run.err, "未知商品编码“NOPE”");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli_zh (f, QD_CLI_EXIT_INVALID, &run, "order", "import", bad, NULL);
    assert_contains (run.err, "第 2 行");
  }
  {
    g_auto(Run) run = { 0 };

    run_cli_zh (f, QD_CLI_EXIT_OK, &run, "--help", NULL);
    assert_contains (run.out, "退出码");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("QUDAO_BUILD_ROOT") == NULL)
    {
      g_test_skip ("QUDAO_BUILD_ROOT is not set: run through meson test");
      return g_test_run ();
    }

#define ADD(path, func, empty) \
  g_test_add (path, Fixture, GINT_TO_POINTER (empty), fixture_setup, func, fixture_teardown)

  ADD ("/cli/help", test_help, 1);
  ADD ("/cli/usage-errors", test_usage_errors, 1);
  ADD ("/cli/not-logged-in", test_not_logged_in, 1);
  ADD ("/cli/catalog-search", test_catalog_search, 0);
  ADD ("/cli/order-add", test_order_add, 0);
  ADD ("/cli/order-import", test_order_import, 0);
  ADD ("/cli/orders-and-cancel", test_orders_and_cancel, 0);
  ADD ("/cli/stock-report", test_stock_report, 0);
  ADD ("/cli/statements", test_statements, 0);
  ADD ("/cli/corrupt-cache", test_corrupt_cache, 0);
  ADD ("/cli/zh-cn", test_zh_cn, 0);

  return g_test_run ();
}
