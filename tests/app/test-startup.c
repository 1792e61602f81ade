/* test-startup.c — the app's start on an existing cache: opened without the whole-file
 * check, which runs after the first frame; a damaged cache is moved aside, replaced by a
 * fresh one, and the user is told in a dialog
 *
 * Each test sets $QUDAO_STORE and starts the application: the cache is opened when the
 * application starts up, as in the real app. One application per process, so meson runs
 * each test in a process of its own (-p).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "qd-application.h"
#include "qd-order-page.h"
#include "qd-test-catalog.h"
#include "qd-test-util.h"
#include "qd-window.h"
#include "qd-test-files.h"

#define N_PRODUCTS 600

typedef enum
{
  CACHE_INTACT,
  CACHE_DAMAGED_PAGE,     /* a valid header: found by the check after the first frame */
  CACHE_NOT_A_DATABASE,   /* refused when opened */
} Cache;

typedef struct
{
  char          *dir;
  char          *path;
  QdApplication *app;
} Fixture;

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
make_cache (Fixture *f,
            Cache    cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = NULL;
  gint64 size;
  guchar garbage[4096];
  int fd;

  if (cache == CACHE_NOT_A_DATABASE)
    {
      g_autoptr(GString) junk = g_string_new (NULL);

      for (int i = 0; i < 200; i++)
        g_string_append (junk, "this is not an SQLite database at all. ");
      g_assert_true (g_file_set_contents (f->path, junk->str, junk->len, NULL));
      return;
    }

  store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  qd_test_catalog_fill (store, N_PRODUCTS, 10000000, &error);
  g_assert_no_error (error);
  g_clear_object (&store);   /* the last connection checkpoints the WAL into the file */
  if (cache == CACHE_INTACT)
    return;

  /* Scribble over the last page: the header and the schema stay readable, so the file
   * opens; only the whole-file check finds the damage. */
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (f->path, &st), ==, 0);
    size = st.st_size;
  }
  g_assert_cmpint (size % 4096, ==, 0);
  g_assert_cmpint (size, >, 4 * 4096);
  memset (garbage, 0x5a, sizeof garbage);
  fd = open (f->path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, garbage, sizeof garbage, size - 4096), ==, sizeof garbage);
  close (fd);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("qudao-startup-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cache.sqlite", NULL);
  make_cache (f, GPOINTER_TO_INT (data));

  g_setenv ("QUDAO_STORE", f->path, TRUE);
  g_setenv ("QUDAO_DATA_DIR", f->dir, TRUE);
  /* Starting up opens the cache. */
  f->app = qd_test_application_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GtkWindow *window;

  while ((window = qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    gtk_window_destroy (window);
  while ((window = qd_test_find_toplevel (QD_TYPE_WINDOW)) != NULL)
    gtk_window_destroy (window);
  qd_test_drain ();
  qd_application_set_store (f->app, NULL);
  g_clear_object (&f->app);
  g_unsetenv ("QUDAO_STORE");
  g_unsetenv ("QUDAO_DATA_DIR");
  qd_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static gboolean
deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Activates the application (its window is presented) and runs the main context until the
 * cache's check, which waits for the first frame, has finished (fails after 60 s). */
static QdWindow *
start (Fixture *f)
{
  gboolean expired = FALSE;
  guint id;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (f->app));
  window = qd_test_find_toplevel (QD_TYPE_WINDOW);
  g_assert_nonnull (window);

  id = g_timeout_add_seconds (60, deadline_cb, &expired);
  while (qd_application_is_checking (f->app) && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (id);
  qd_test_drain ();
  return QD_WINDOW (window);
}

/* The products in the cache the Order page shows, which must be the application's. */
static guint
catalog_size (Fixture  *f,
              QdWindow *window)
{
  QdOrderPage *page = QD_ORDER_PAGE (qd_test_find_widget (GTK_WIDGET (window),
                                                          QD_TYPE_ORDER_PAGE, NULL));
  QdStore *store = qd_product_list_model_get_store (qd_order_page_get_model (page));
  QdProductQuery all = { .limit = G_MAXUINT };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = NULL;

  g_assert_true (store == qd_application_get_store (f->app));
  rowids = qd_store_search_rowids (store, &all, NULL, &error);
  g_assert_no_error (error);
  return rowids->len;
}

static void
test_intact (Fixture       *f,
             gconstpointer  data)
{
  QdStore *store = qd_application_get_store (f->app);
  QdWindow *window;

  g_assert_nonnull (store);
  /* Opened without the check: it is still to come. */
  g_assert_true (qd_application_is_checking (f->app));
  window = start (f);

  /* Passed: the same cache, no dialog, nothing moved. */
  g_assert_true (qd_application_get_store (f->app) == store);
  g_assert_null (qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_null (find_corrupt_copy (f->dir));
  g_assert_cmpuint (catalog_size (f, window), ==, N_PRODUCTS);
}

static void
assert_damage_reported (Fixture *f)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (qd_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_autofree char *kept = find_corrupt_copy (f->dir);

  /* Kept aside, said in words naming the kept file. */
  g_assert_nonnull (kept);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Local Data Damaged");
  g_test_message ("%s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "damaged"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), kept));
}

static void
test_damaged_page (Fixture       *f,
                   gconstpointer  data)
{
  QdWindow *window;
  QdStore *store;

  /* The damage does not stop the start: the file opens without the check. */
  g_assert_nonnull (qd_application_get_store (f->app));
  g_assert_true (qd_application_is_checking (f->app));
  window = start (f);

  assert_damage_reported (f);
  /* The app goes on with a fresh, empty cache at the same place, shown by the window. */
  store = qd_application_get_store (f->app);
  g_assert_nonnull (store);
  g_assert_cmpstr (qd_store_get_path (store), ==, f->path);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_null (qd_store_dup_cursor (store));
  g_assert_cmpuint (catalog_size (f, window), ==, 0);
  g_assert_false (qd_application_is_checking (f->app));
}

static void
test_not_a_database (Fixture       *f,
                     gconstpointer  data)
{
  QdWindow *window;

  /* Refused at once when opened, moved aside, replaced; said when the window is up. */
  g_assert_nonnull (qd_application_get_store (f->app));
  window = start (f);
  assert_damage_reported (f);
  g_assert_cmpuint (catalog_size (f, window), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/startup/intact", Fixture, GINT_TO_POINTER (CACHE_INTACT), fixture_set_up,
              test_intact, fixture_tear_down);
  g_test_add ("/startup/damaged-page", Fixture, GINT_TO_POINTER (CACHE_DAMAGED_PAGE),
              fixture_set_up, test_damaged_page, fixture_tear_down);
  g_test_add ("/startup/not-a-database", Fixture, GINT_TO_POINTER (CACHE_NOT_A_DATABASE),
              fixture_set_up, test_not_a_database, fixture_tear_down);

  return g_test_run ();
}
