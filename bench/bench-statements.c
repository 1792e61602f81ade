/* bench-statements.c — the Stock and Statements pages' heavy moments (issue 6)
 *
 *   stock CSV import, 20,000 lines: qd_stock_import_new on a cache of 20,000 products —
 *     parse, validate (core), SKU lookups in the cache and the preview's list models —
 *     then the accepted lines into the Stock page's grid (target ≤ 1 s);
 *   opening a 5,000-line statement: qd_statements_page_show_statement (store read, running
 *     balances, list model) and until the window has painted it (target ≤ 100 ms).
 *
 * Needs a display: registered to run inside tools/run-headless.sh. Prints figures
 * ("figure: what | value | unit"), never passes or fails on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "qd-application.h"
#include "qd-statements-page.h"
#include "qd-stock-import.h"
#include "qd-stock-page.h"
#include "qd-test-catalog.h"
#include "qd-test-statements.h"
#include "qd-test-util.h"
#include "qd-window.h"

static void
figure (const char *what,
        double      value,
        const char *unit)
{
  printf ("figure: %s | %.4g | %s\n", what, value, unit);
  fflush (stdout);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @window painted a frame (bounded by 10 s). */
static void
wait_for_paint (GtkWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gboolean painted = FALSE;
  gboolean expired = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  guint deadline = g_timeout_add_seconds (10, deadline_cb, &expired);

  gtk_widget_queue_draw (GTK_WIDGET (window));
  while (!painted && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  if (!expired)
    g_source_remove (deadline);
}

static char *
make_csv (guint  n_lines,
          guint  n_products,
          gsize *out_length)
{
  GString *csv = g_string_new ("\xEF\xBB\xBF" "商品编码,数量,批号,有效期\r\n");

  for (guint i = 0; i < n_lines; i++)
    {
      guint index = (i * 7919u) % n_products;

      /* The catalog's lot-tracked products are those with index % 7 == 0. */
      if (index % 7 == 0)
        g_string_append_printf (csv, "SKU%06u,%u,L%05u,2029-%02u-15\r\n", index, i % 500,
                                i, i % 12 + 1);
      else
        g_string_append_printf (csv, "SKU%06u,\"%u,%03u\",,\r\n", index, i % 3, i % 1000);
    }
  *out_length = csv->len;
  return g_string_free (csv, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *csv = NULL;
  QdApplication *app;
  QdStore *store;
  QdWindow *window;
  QdStockPage *stock_page;
  QdStatementsPage *statements_page;
  guint n_products = 20000;
  guint n_csv = 20000;
  guint n_statement = 5000;
  int rounds = 3;
  gsize length = 0;
  double best_import = G_MAXDOUBLE;
  double best_grid = G_MAXDOUBLE;
  double best_open = G_MAXDOUBLE;
  double best_paint = G_MAXDOUBLE;
  GOptionEntry entries[] = {
    { "products", 0, 0, G_OPTION_ARG_INT, &n_products, "products in the cache", "N" },
    { "lines", 0, 0, G_OPTION_ARG_INT, &n_csv, "lines of the CSV", "N" },
    { "statement-lines", 0, 0, G_OPTION_ARG_INT, &n_statement, "lines of the statement", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "rounds (best is kept)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— Stock and Statements pages");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-statements: %s\n", error->message);
      return 2;
    }
  n_products = MAX (n_products, 100);
  rounds = CLAMP (rounds, 1, 20);

  if (!gtk_init_check ())
    {
      g_printerr ("bench-statements: no display; run it inside tools/run-headless.sh\n");
      return 1;
    }
  adw_init ();
  app = qd_test_application_new ();

  dir = g_dir_make_tmp ("qudao-bench-statements-XXXXXX", &error);
  path = g_build_filename (dir, "cache.sqlite", NULL);
  store = qd_store_open (path, &error);
  if (store == NULL
      || !qd_test_catalog_fill (store, n_products, 10000000, &error)
      || !qd_test_statement_add (store, "st_big", "2026-10", 1, "issued", n_statement, NULL,
                                 &error)
      || !qd_test_statement_add (store, "st_small", "2026-09", 1, "confirmed", 3, NULL, &error))
    {
      g_printerr ("bench-statements: %s\n", error->message);
      return 1;
    }

  window = g_object_ref (qd_window_new (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  qd_window_set_store (window, store);
  stock_page = QD_STOCK_PAGE (qd_test_find_widget (GTK_WIDGET (window), QD_TYPE_STOCK_PAGE, NULL));
  statements_page = QD_STATEMENTS_PAGE (qd_test_find_widget (GTK_WIDGET (window),
                                                             QD_TYPE_STATEMENTS_PAGE, NULL));
  qd_test_show_window (GTK_WINDOW (window));

  /* Stock CSV import. */
  csv = make_csv (n_csv, n_products, &length);
  /* The window hands the Stock page its cache when the page is first shown. */
  qd_window_set_page (window, "stock");
  qd_stock_page_set_as_of (stock_page, "2026-10-31");
  for (int r = 0; r < rounds; r++)
    {
      g_autoptr(QdStockImport) import = NULL;
      gint64 t0 = g_get_monotonic_time ();
      gint64 t1;

      import = qd_stock_page_preview_import (stock_page, csv, length, &error);
      t1 = g_get_monotonic_time ();
      if (import == NULL)
        {
          g_printerr ("bench-statements: %s\n", error->message);
          return 1;
        }
      if (r == 0)
        g_printerr ("# import: %u good lines, %u problems\n",
                    g_list_model_get_n_items (qd_stock_import_get_rows (import)),
                    g_list_model_get_n_items (qd_stock_import_get_issues (import)));
      qd_window_set_page (window, "stock");
      qd_stock_page_accept_import (stock_page, import);
      wait_for_paint (GTK_WINDOW (window));
      best_import = MIN (best_import, (t1 - t0) / 1000.0);
      best_grid = MIN (best_grid, (g_get_monotonic_time () - t1) / 1000.0);
    }
  figure ("stock CSV import, parse + validate + lookups + preview model", best_import, "ms");
  figure ("stock CSV import, lines", n_csv, "lines");
  figure ("stock CSV import, accepted lines into the grid + paint", best_grid, "ms");

  /* Opening a statement of n_statement lines, from another one. */
  qd_window_set_page (window, "statements");
  for (int r = 0; r < rounds; r++)
    {
      gint64 t0, t1;

      qd_statements_page_show_statement (statements_page, "st_small");
      wait_for_paint (GTK_WINDOW (window));
      t0 = g_get_monotonic_time ();
      qd_statements_page_show_statement (statements_page, "st_big");
      t1 = g_get_monotonic_time ();
      wait_for_paint (GTK_WINDOW (window));
      best_open = MIN (best_open, (t1 - t0) / 1000.0);
      best_paint = MIN (best_paint, (g_get_monotonic_time () - t0) / 1000.0);
    }
  figure ("open a statement, store read + list model", best_open, "ms");
  figure ("open a statement, until painted", best_paint, "ms");
  figure ("open a statement, lines", n_statement, "lines");

  gtk_window_destroy (GTK_WINDOW (window));
  qd_test_drain ();
  g_object_unref (window);
  g_object_unref (store);
  g_object_unref (app);
  {
    const char *names[] = { "cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *p = g_build_filename (dir, names[i], NULL);

        g_unlink (p);
      }
    g_rmdir (dir);
  }
  return 0;
}
