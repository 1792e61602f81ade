/* bench-order-page.c — the Order page's catalog at scale: a cache of 100,000 products and
 * a long order history; the time from a search keystroke to the rows a view shows
 * (p50/p95 over the prefixes of real searches), a scroll through the whole catalog, the
 * peak RSS afterwards, and (with --app and a display) the app's cold start to first frame.
 *
 * The model is used as the Order page uses it: incremental (the first 256 matches at once,
 * the rest from a worker thread). The keystroke figures are what the view shows after the
 * keystroke; the "complete" figures add the wait for the rest of the list (the count).
 * --full measures the model reading every match at once instead (the page before).
 *
 * --view (needs a display) measures the real Order page in a window instead of the model
 * alone: a character inserted into the search entry as a keystroke inserts it, until the
 * page has run the search (the search entry's search-changed, search-delay 0) and its
 * model and view have the new list, and until the window has painted it. The painted
 * figure includes waiting for the frame clock (GTK paints at most once per frame).
 *
 * Prints "figure: what | value | unit" lines; never judges.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "qd-application.h"
#include "qd-order-page.h"
#include "qd-product-list-model.h"
#include "qd-test-catalog.h"
#include "qd-test-util.h"
#include "qd-window.h"

/* What a view asks for after a keystroke: the rows on screen. */
#define VISIBLE_ROWS 40

static int n_products = 100000;
static int n_order_lines = 1000000;
static char *store_path;
static char *app_path;
static gboolean full;
static gboolean view;
static int searches_wanted = -1;

static GOptionEntry entries[] = {
  { "products", 0, 0, G_OPTION_ARG_INT, &n_products, "Products in the catalog", "N" },
  { "order-lines", 0, 0, G_OPTION_ARG_INT, &n_order_lines, "Order lines in the history", "N" },
  { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path, "Use (or create) this cache file", "FILE" },
  { "app", 0, 0, G_OPTION_ARG_FILENAME, &app_path, "The qudao binary, for the cold start", "FILE" },
  { "full", 0, 0, G_OPTION_ARG_NONE, &full, "Read every match at each keystroke (not incremental)", NULL },
  { "view", 0, 0, G_OPTION_ARG_NONE, &view, "Measure the real Order page in a window (needs a display)", NULL },
  { "searches", 0, 0, G_OPTION_ARG_INT, &searches_wanted, "Type only the first N searches (--view)", "N" },
  { NULL },
};

static void
figure (const char *what,
        double      value,
        const char *unit)
{
  printf ("figure: %s | %.2f | %s\n", what, value, unit);
  fflush (stdout);
}

static long
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static gboolean
deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until the model has the rest of its list (bounded: 60 s). */
static void
wait_complete (QdProductListModel *model)
{
  gboolean expired = FALSE;
  guint id;

  if (qd_product_list_model_is_complete (model))
    return;
  id = g_timeout_add_seconds (60, deadline_cb, &expired);
  while (!qd_product_list_model_is_complete (model) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_printerr ("bench-order-page: the rest of a search took over 60 s\n");
  else
    g_source_remove (id);
}

static double
percentile (GArray *sorted,
            guint   pct)
{
  return g_array_index (sorted, double, MIN (sorted->len - 1, (sorted->len * pct) / 100));
}

/* ---- --view: the real Order page ------------------------------------------------------ */

typedef struct
{
  gboolean changed;   /* the page's model has the new query's list */
  gboolean painted;   /* … and the window painted a frame after that */
  gint64   changed_us;
} Keystroke;

/* Connected after the page's own handler: the page's model has the new query's list (or
 * found it the same as before: then nothing changed). The rest of a long list may follow
 * from the worker; the rows a view shows are there now. */
static void
view_search_changed_cb (GtkSearchEntry *entry,
                        Keystroke      *k)
{
  if (!k->changed)
    {
      k->changed = TRUE;
      k->changed_us = g_get_monotonic_time ();
      /* A frame after this one, whether or not the list changed. */
      gtk_widget_queue_draw (GTK_WIDGET (entry));
    }
}

static void
view_after_paint_cb (GdkFrameClock *clock,
                     Keystroke     *k)
{
  if (k->changed)
    k->painted = TRUE;
}

static void
report (const char *what,
        GArray     *times)
{
  g_autofree char *p50 = g_strdup_printf ("%s, p50", what);
  g_autofree char *p95 = g_strdup_printf ("%s, p95", what);

  g_array_sort (times, compare_double);
  figure (p50, percentile (times, 50), "ms");
  figure (p95, percentile (times, 95), "ms");
}

static int
run_view (QdStore             *store,
          const char * const  *searches,
          guint                n_searches)
{
  QdApplication *app;
  QdWindow *window;
  QdOrderPage *page;
  QdProductListModel *model;
  GtkWidget *entry;
  GdkFrameClock *clock;
  g_autoptr(GArray) to_list = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) to_paint = g_array_new (FALSE, FALSE, sizeof (double));
  Keystroke k = { 0, };
  gulong changed_id, paint_id;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("--view needs a display (run inside tools/run-headless.sh)\n");
      return 1;
    }
  gtk_init ();
  adw_init ();
  app = qd_test_application_new ();
  window = qd_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  qd_window_set_store (window, store);
  qd_test_show_window (GTK_WINDOW (window));
  page = QD_ORDER_PAGE (qd_test_find_widget (GTK_WIDGET (window), QD_TYPE_ORDER_PAGE, NULL));
  model = qd_order_page_get_model (page);
  entry = qd_test_find_widget (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY, NULL);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  wait_complete (model);

  changed_id = g_signal_connect_after (entry, "search-changed", G_CALLBACK (view_search_changed_cb),
                                      &k);
  paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (view_after_paint_cb), &k);
  for (guint s = 0; s < n_searches; s++)
    {
      const char *text = searches[s];

      for (const char *start = text, *end = g_utf8_next_char (text); ;
           start = end, end = g_utf8_next_char (end))
        {
          g_autofree char *prefix = g_strndup (text, end - text);
          gboolean expired = FALSE;
          /* Generous: the first CJK text may load fonts, slowly under AddressSanitizer. */
          guint deadline = g_timeout_add_seconds (60, deadline_cb, &expired);
          gint64 t0 = g_get_monotonic_time ();
          int position = -1;
          double ms;

          k.changed = k.painted = FALSE;
          /* One keystroke: one character inserted at the end (set_text would delete the
           * whole text first, and search for "" in between). */
          gtk_editable_insert_text (GTK_EDITABLE (entry), start, end - start, &position);
          while (!k.painted && !expired)
            g_main_context_iteration (NULL, TRUE);
          if (expired)
            {
              g_printerr ("bench-order-page: no frame painted after \"%s\"\n", prefix);
              return 1;
            }
          g_source_remove (deadline);
          ms = (k.changed_us - t0) / 1e3;
          g_array_append_val (to_list, ms);
          printf ("# \"%s\": list %.2f ms, %u items, ", prefix, ms,
                  g_list_model_get_n_items (G_LIST_MODEL (model)));
          ms = (g_get_monotonic_time () - t0) / 1e3;
          g_array_append_val (to_paint, ms);
          printf ("painted %.2f ms\n", ms);
          if (*end == '\0')
            break;
        }
      /* A clerk clears the field before the next product. */
      k.changed = k.painted = FALSE;
      gtk_editable_set_text (GTK_EDITABLE (entry), "");
      wait_complete (model);
    }
  g_signal_handler_disconnect (entry, changed_id);
  g_signal_handler_disconnect (clock, paint_id);

  report ("Order page: keystroke to the page's list updated", to_list);
  report ("Order page: keystroke to the updated list painted", to_paint);
  printf ("# %u keystrokes; the page's model is incremental\n", to_list->len);

  gtk_window_destroy (GTK_WINDOW (window));
  qd_test_drain ();
  g_object_unref (app);
  return 0;
}

static void
cold_start (const char *store)
{
  g_autofree char *shot = g_build_filename (g_get_tmp_dir (), "qudao-bench-shot.png", NULL);
  GArray *ms = g_array_new (FALSE, FALSE, sizeof (double));

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: skipping the cold start (run inside tools/run-headless.sh)\n");
      g_array_unref (ms);
      return;
    }
  for (int round = 0; round < 5; round++)
    {
      const char *argv[] = { app_path, NULL };
      g_auto(GStrv) envp = g_get_environ ();
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      int status = 0;
      const char *line;

      envp = g_environ_setenv (envp, "QUDAO_STORE", store, TRUE);
      envp = g_environ_setenv (envp, "QUDAO_STARTUP_TIMING", "1", TRUE);
      envp = g_environ_setenv (envp, "QUDAO_SCREENSHOT", shot, TRUE);
      if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                         NULL, &err, &status, &error))
        {
          g_printerr ("cannot start %s: %s\n", app_path, error->message);
          break;
        }
      line = err != NULL ? strstr (err, "first frame after ") : NULL;
      if (line != NULL)
        {
          double v = g_ascii_strtod (line + strlen ("first frame after "), NULL);

          g_array_append_val (ms, v);
        }
      else
        /* Say why rather than print no figure (e.g. no compiled GSettings schema). */
        g_printerr ("the app printed no first-frame time (status %d):\n%s\n", status,
                    err != NULL ? err : "");
    }
  g_unlink (shot);
  if (ms->len > 0)
    {
      g_array_sort (ms, compare_double);
      figure ("cold start to first frame, median of 5", g_array_index (ms, double, ms->len / 2),
              "ms");
    }
  g_array_unref (ms);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— the Order page's catalog at scale");
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autoptr(QdProductListModel) model = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  /* Searches a clerk types, keystroke by keystroke: Chinese name, 助记码, SKU, barcode. */
  static const char * const searches[] = {
    "康宁一次性注射器", "ycxzsq1", "SKU00420", "6900000042", "医用口罩", "twj",
  };
  gint64 t;
  gboolean fresh;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (store_path == NULL)
    {
      dir = g_dir_make_tmp ("qudao-bench-order-XXXXXX", &error);
      g_assert_no_error (error);
      store_path = g_build_filename (dir, "cache.sqlite", NULL);
    }
  fresh = !g_file_test (store_path, G_FILE_TEST_EXISTS);
  store = qd_store_open (store_path, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (fresh)
    {
      t = g_get_monotonic_time ();
      if (!qd_test_catalog_fill (store, (guint) n_products, 100000000, &error)
          || !qd_test_catalog_add_orders (store, (guint) n_products, (guint) n_order_lines / 10,
                                          10, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      figure ("build the cache (products + order lines)", (g_get_monotonic_time () - t) / 1e6, "s");
    }

  if (view)
    {
      guint n = searches_wanted > 0 ? MIN ((guint) searches_wanted, G_N_ELEMENTS (searches))
                               : G_N_ELEMENTS (searches);
      int status = run_view (store, searches, n);

      g_clear_object (&store);
      return status;
    }

  model = qd_product_list_model_new (store);
  qd_product_list_model_set_incremental (model, !full);
  t = g_get_monotonic_time ();
  {
    QdProductQuery all = { 0 };

    qd_product_list_model_set_query (model, &all, &error);
  }
  g_assert_no_error (error);
  for (guint i = 0; i < MIN (VISIBLE_ROWS, g_list_model_get_n_items (G_LIST_MODEL (model))); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
  figure ("open the whole catalog (query + first screen)", (g_get_monotonic_time () - t) / 1e3,
          "ms");
  wait_complete (model);
  figure ("open the whole catalog, complete list", (g_get_monotonic_time () - t) / 1e3, "ms");
  printf ("# %u products in the model\n", g_list_model_get_n_items (G_LIST_MODEL (model)));

  /* Keystroke → updated rows, for every prefix of every search. A clerk types faster than
   * the rest of a long list arrives: the next keystroke supersedes it (as here), and the
   * keystroke figure includes whatever that costs. The complete-list figures are taken in
   * a second pass that waits after each keystroke. */
  for (guint s = 0; s < G_N_ELEMENTS (searches); s++)
    {
      const char *text = searches[s];

      for (const char *end = g_utf8_next_char (text); ; end = g_utf8_next_char (end))
        {
          g_autofree char *prefix = g_strndup (text, end - text);
          guint n;

          t = g_get_monotonic_time ();
          QdProductQuery query = { .text = prefix };

          qd_product_list_model_set_query (model, &query, &error);
          g_assert_no_error (error);
          n = MIN (VISIBLE_ROWS, g_list_model_get_n_items (G_LIST_MODEL (model)));
          for (guint i = 0; i < n; i++)
            g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
          {
            double ms = (g_get_monotonic_time () - t) / 1e3;

            g_array_append_val (times, ms);
          }
          if (*end == '\0')
            break;
        }
    }
  wait_complete (model);
  g_array_sort (times, compare_double);
  figure ("search keystroke to visible rows, p50", percentile (times, 50), "ms");
  figure ("search keystroke to visible rows, p95", percentile (times, 95), "ms");
  figure ("search keystroke to visible rows, max", g_array_index (times, double, times->len - 1),
          "ms");

  /* The same keystrokes, each waiting for the complete list (the count). */
  g_array_set_size (times, 0);
  for (guint s = 0; s < G_N_ELEMENTS (searches); s++)
    {
      const char *text = searches[s];

      for (const char *end = g_utf8_next_char (text); ; end = g_utf8_next_char (end))
        {
          g_autofree char *prefix = g_strndup (text, end - text);
          QdProductQuery query = { .text = prefix };
          double ms;

          t = g_get_monotonic_time ();
          qd_product_list_model_set_query (model, &query, &error);
          g_assert_no_error (error);
          wait_complete (model);
          ms = (g_get_monotonic_time () - t) / 1e3;
          g_array_append_val (times, ms);
          if (*end == '\0')
            break;
        }
    }
  g_array_sort (times, compare_double);
  figure ("search keystroke to complete list, p50", percentile (times, 50), "ms");
  figure ("search keystroke to complete list, p95", percentile (times, 95), "ms");

  /* Scroll the whole catalog, as a view would: every row once, in order. */
  {
    QdProductQuery all = { 0 };

    qd_product_list_model_set_query (model, &all, &error);
  }
  g_assert_no_error (error);
  wait_complete (model);
  t = g_get_monotonic_time ();
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
  figure ("scroll the whole catalog (every row read once)", (g_get_monotonic_time () - t) / 1e3,
          "ms");
  figure ("peak RSS after the scroll (model, no GTK)", peak_rss_kb () / 1024.0, "MiB");

  if (app_path != NULL)
    cold_start (store_path);

  g_clear_object (&model);
  g_clear_object (&store);
  if (dir != NULL)
    {
      g_autofree char *wal = g_strconcat (store_path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (store_path, "-shm", NULL);

      g_unlink (store_path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  return 0;
}
