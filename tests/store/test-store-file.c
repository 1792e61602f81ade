/* test-store-file.c — the cache file: migrations, corruption, full disk, newer formats
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "store-test-util.h"

static void
exec_raw (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* A cache as version 1 of Qudao left it: the first migration only, with data. */
static void
test_migrate_from_v1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.sqlite", NULL);
  g_autofree char *migration = g_build_filename (g_getenv ("QUDAO_SOURCE_ROOT"), "src", "store",
                                                 "migrations", "0001-initial.sql", NULL);
  g_autofree char *sql = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *abbr = NULL;
  QdProductQuery query = { .text = "泡腾片" };
  sqlite3 *db = NULL;

  g_assert_true (g_file_get_contents (migration, &sql, NULL, &error));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_raw (db, "PRAGMA journal_mode = WAL");
  exec_raw (db, "BEGIN");
  exec_raw (db, sql);
  exec_raw (db, "PRAGMA user_version = 1");
  exec_raw (db, "INSERT INTO products (id, sku, name, spec, pack_size) VALUES "
                "('p1', 'VC-1000', '维生素C泡腾片', '1g', 10), "
                "('p2', 'AMX-250', '阿莫西林胶囊', '', 1)");
  exec_raw (db, "UPDATE products SET mnemonic = 'AMXL' WHERE id = 'p2'");
  exec_raw (db, "INSERT INTO orders (id, status, created_at, is_local) VALUES "
                "('local-1', 'queued', '2026-11-01T00:00:00Z', 1)");
  exec_raw (db, "INSERT INTO outbox (id, type, entity_id, payload, created_at) VALUES "
                "('m1', 'order.submit', 'local-1', '{}', '2026-11-01T00:00:00Z')");
  /* Server orders: two purchases of one day and one not yet shipped. */
  exec_raw (db, "INSERT INTO orders (id, dealer_id, status, created_at, total_fen) VALUES "
                "('o1', 'd1', 'shipped', '2026-10-03T08:00:00Z', 1500), "
                "('o2', 'd1', 'completed', '2026-10-03T09:00:00Z', 2000), "
                "('o3', 'd1', 'submitted', '2026-10-04T09:00:00Z', 7000)");
  exec_raw (db, "INSERT INTO order_lines (order_id, position, product_id, qty, unit_price_fen, "
                "total_fen) VALUES ('o1', 0, 'p1', 1, 1500, 1500), "
                "('o2', 0, 'p2', 1, 2000, 2000), ('o3', 0, 'p2', 1, 7000, 7000)");
  exec_raw (db, "UPDATE products SET category = '保健品' WHERE id = 'p1'");
  exec_raw (db, "INSERT INTO sync_meta (key, value) VALUES ('cursor', 'old-cursor')");
  exec_raw (db, "COMMIT");
  sqlite3_close (db);

  store = qd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_store_get_schema_version (store), ==, QD_STORE_SCHEMA_VERSION);

  /* Old rows are searchable: FTS rebuilt, pinyin initials and 助记码 filled in. */
  found = qd_store_search_products (store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  abbr = sql_text (store, "SELECT abbr FROM products WHERE id = 'p1'");
  g_assert_cmpstr (abbr, ==, "wsscptp");
  g_free (abbr);
  abbr = sql_text (store, "SELECT abbr || ' ' || sku_key FROM products WHERE id = 'p2'");
  g_assert_cmpstr (abbr, ==, "amxl amx-250");

  /* The dashboards' summaries were computed from the orders already cached. */
  g_assert_cmpint (sql_int (store, "SELECT amount_fen * 10 + orders FROM purchases_daily "
                                   "WHERE dealer_id = 'd1' AND day = '2026-10-03'"), ==, 35002);
  g_assert_cmpint (sql_int (store, "SELECT count (*) FROM purchases_daily"), ==, 1);
  g_assert_cmpint (sql_int (store, "SELECT amount_fen FROM purchases_category_monthly "
                                   "WHERE month = '2026-10' AND category = '保健品'"), ==, 1500);
  g_assert_cmpint (sql_int (store, "SELECT amount_fen FROM purchases_category_monthly "
                                   "WHERE month = '2026-10' AND category = ''"), ==, 2000);

  /* Local work and the cursor survived. */
  g_assert_cmpuint (qd_store_outbox_count (store, QD_OUTBOX_PENDING), ==, 1);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM orders WHERE is_local = 1"), ==, 1);
  g_assert_false (qd_store_is_bulk_pending (store));
  g_free (abbr);
  abbr = qd_store_dup_cursor (store);
  g_assert_cmpstr (abbr, ==, "old-cursor");

  g_clear_object (&store);
  /* Opening again does not migrate twice. */
  store = qd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_store_get_schema_version (store), ==, QD_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  qd_test_remove_tree (dir);
}

static char *
find_corrupt_copy (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".corrupt-") != NULL && !g_str_has_suffix (name, "-wal")
        && !g_str_has_suffix (name, "-shm"))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

static void
test_not_a_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autofree char *kept = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(QdStore) store = NULL;
  GString *junk = g_string_new (NULL);

  for (int i = 0; i < 200; i++)
    g_string_append (junk, "this is not an SQLite database at all. ");
  g_assert_true (g_file_set_contents (path, junk->str, junk->len, NULL));

  g_assert_null (qd_store_open (path, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);

  /* Kept aside, byte for byte, and named in the message. */
  kept = find_corrupt_copy (dir);
  g_assert_nonnull (kept);
  g_assert_nonnull (strstr (error->message, kept));
  g_assert_true (g_file_get_contents (kept, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, junk->str);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* The caller opens again and gets an empty cache to fill from the server. */
  g_clear_error (&error);
  store = qd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (qd_store_dup_cursor (store));
  g_clear_object (&store);
  g_string_free (junk, TRUE);
  qd_test_remove_tree (dir);
}

static void
test_damaged_pages (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autofree char *kept = NULL;
  g_autoptr(QdStore) store = qd_store_open (path, &error);
  guchar garbage[4096];
  gint64 pages;
  int fd;

  g_assert_no_error (error);
  load_catalog (store);
  pages = sql_int (store, "PRAGMA page_count");
  g_assert_cmpint (pages, >, 4);
  g_clear_object (&store);   /* the last connection checkpoints the WAL into the file */

  /* Scribble over every page but the header page. */
  memset (garbage, 0xa5, sizeof garbage);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  for (gint64 page = 1; page < pages; page++)
    g_assert_cmpint (pwrite (fd, garbage, sizeof garbage, page * 4096), ==, sizeof garbage);
  close (fd);

  g_assert_null (qd_store_open (path, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  kept = find_corrupt_copy (dir);
  g_assert_nonnull (kept);
  qd_test_remove_tree (dir);
}

/* A fast start skips the whole-file check; the check run later finds the damage, and the
 * caller moves the file aside itself. */
static void
test_check_later (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autofree char *kept = NULL;
  g_autoptr(QdStore) store = qd_store_open (path, &error);
  guchar garbage[4096];
  gint64 pages;
  int fd;

  g_assert_no_error (error);
  load_catalog (store);
  /* A page of table data: the last page of the file may belong to the schema (the end of
   * the bulk fill rewrites it), which even a fast open reads. */
  pages = sql_int (store, "SELECT rootpage FROM sqlite_master WHERE name = 'products'");
  g_clear_object (&store);

  memset (garbage, 0x5a, sizeof garbage);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, garbage, sizeof garbage, (pages - 1) * 4096), ==, sizeof garbage);
  close (fd);

  store = qd_store_open_full (path, QD_STORE_OPEN_NO_CHECK, &error);
  g_assert_no_error (error);
  g_assert_false (qd_store_check (store, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT);
  g_clear_object (&store);

  {
    g_autofree char *reason = g_strdup (error->message);

    g_clear_error (&error);
    g_assert_false (qd_store_move_aside (path, reason, &error));
    g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT);
    g_clear_error (&error);
  }
  kept = find_corrupt_copy (dir);
  g_assert_nonnull (kept);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* An intact file passes. */
  store = qd_store_open_full (path, QD_STORE_OPEN_NO_CHECK, &error);
  g_assert_no_error (error);
  g_assert_true (qd_store_check (store, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  qd_test_remove_tree (dir);
}

static void
test_too_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autoptr(QdStore) store = qd_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (_qd_store_get_db (store), "PRAGMA user_version = 99", NULL,
                                 NULL, NULL), ==, SQLITE_OK);
  g_clear_object (&store);

  g_assert_null (qd_store_open (path, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_TOO_NEW);
  /* Nothing was moved: a newer Qudao can still use it. */
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (find_corrupt_copy (dir));
  qd_test_remove_tree (dir);
}

static void
test_unopenable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-store-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *below = g_build_filename (file, "cache.sqlite", NULL);

  /* The path is a directory. */
  g_assert_null (qd_store_open (dir, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_IO);
  g_clear_error (&error);

  /* The parent is a file. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_null (qd_store_open (below, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_IO);
  g_test_message ("%s", error->message);
  qd_test_remove_tree (dir);
}

/* A full disk, for real: the file may not grow past its current size. */
static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) page = g_string_new ("[");
  g_autofree char *cursor = NULL;
  g_autofree char *limit_sql = NULL;
  QdOrderLineInput many[500];
  char *order_id;
  gint64 products, pages;

  load_catalog (f->store);
  products = sql_int (f->store, "SELECT count(*) FROM products");
  pages = sql_int (f->store, "PRAGMA page_count");
  limit_sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  g_assert_cmpint (sqlite3_exec (_qd_store_get_db (f->store), limit_sql, NULL, NULL, NULL), ==,
                   SQLITE_OK);

  for (int i = 0; i < 2000; i++)
    g_string_append_printf (page, "%s{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"x%d\","
                            "\"data\":{\"sku\":\"X-%d\",\"name\":\"大量产品名称用来填满磁盘%d\","
                            "\"spec\":\"规格规格规格规格规格\",\"pack_size\":1}}",
                            i > 0 ? "," : "", i, i, i);
  g_string_append (page, "]");

  g_assert_false (apply_page (f->store, page->str, "c-full", NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_FULL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  /* Nothing half-written. */
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM products"), ==, products);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c-catalog");

  /* A user action on a full disk fails as a whole too. */
  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    many[i] = (QdOrderLineInput) { "p2", i + 1 };
  order_id = qd_store_queue_order (f->store, many, G_N_ELEMENTS (many),
                                   "一个很长的备注，用来让这张订单写不下。", NULL, &error);
  g_assert_null (order_id);
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 0);

  /* Space again: everything works. */
  g_assert_cmpint (sqlite3_exec (_qd_store_get_db (f->store), "PRAGMA max_page_count = 1000000",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  apply_page (f->store, page->str, "c-full", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM products"), ==, products + 2000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/file/migrate-from-v1", test_migrate_from_v1);
  g_test_add_func ("/store/file/not-a-database", test_not_a_database);
  g_test_add_func ("/store/file/damaged-pages", test_damaged_pages);
  g_test_add_func ("/store/file/check-later", test_check_later);
  g_test_add_func ("/store/file/too-new", test_too_new);
  g_test_add_func ("/store/file/unopenable", test_unopenable);
  g_test_add ("/store/file/disk-full", Fixture, NULL, fixture_set_up, test_disk_full,
              fixture_tear_down);

  return g_test_run ();
}
