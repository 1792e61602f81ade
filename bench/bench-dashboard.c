/* bench-dashboard.c — the dashboards at a manager's scale (issue 7)
 *
 * Fills a cache through the change-feed API the way a first sync does (a bulk fill): 60
 * dealers of one region, 24 months of orders with N order lines in orders of 10 lines,
 * monthly targets, a rebate policy, statements and two stock reports per dealer. Then
 * measures, median of 5 rounds:
 *
 *  - the store's manager dashboard and one dealer's dashboard (issue 7: ≤ 100 ms, ≤ 30 ms);
 *  - the Dashboard page in a mapped 1280×800 window: the manager view reloaded (computed on
 *    a worker thread and swapped in): the time inside the reload call, the swap-in, the
 *    longest main-thread stall (a 1 ms heartbeat's longest gap, which also counts a
 *    thread waiting for a CPU on a loaded machine), the wall time until shown, a repaint
 *    with nothing changed as the baseline; and a dealer opened read-only (needs a
 *    display: run it inside tools/run-headless.sh, as `make bench` does; without one the
 *    page figures are left out).
 *
 * Prints "figure: what | value | unit" lines; never judges.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gstdio.h>

#include "qd-dashboard-page.h"
#include "qd-dashboard.h"

static gint64 n_order_lines = 1000000;
static gint n_dealers = 60;
static gint n_rounds = 5;

static const GOptionEntry entries[] = {
  { "order-lines", 0, 0, G_OPTION_ARG_INT64, &n_order_lines, "Order lines", "N" },
  { "dealers", 0, 0, G_OPTION_ARG_INT, &n_dealers, "Dealers", "N" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &n_rounds, "Rounds per figure", "N" },
  { NULL },
};

#define N_PRODUCTS 400
#define PAGE 5000

static void
figure (const char *what,
        double      value,
        const char *unit)
{
  printf ("figure: %s | %.2f | %s\n", what, value, unit);
  fflush (stdout);
}

typedef struct
{
  QdStore *store;
  guint    in_page;
  guint    page_no;
} Filler;

static void
put (Filler     *f,
     const char *entity,
     const char *id,
     const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  if (f->in_page == 0 && !qd_store_begin_page (f->store, &error))
    g_error ("%s", error->message);
  if (node == NULL
      || !qd_store_apply_change (f->store, entity, "upsert", id, json_node_get_object (node),
                                 &error))
    g_error ("%s %s: %s", entity, id, error->message);
  if (++f->in_page == PAGE)
    {
      g_autofree char *cursor = g_strdup_printf ("c%u", ++f->page_no);

      if (!qd_store_commit_page (f->store, cursor, NULL, &error))
        g_error ("%s", error->message);
      f->in_page = 0;
    }
}

/* ---- the page: how long the main thread stalls ------------------------------------------- */

/* A 1 ms heartbeat on the main loop: the longest gap between two of its beats is the longest
 * time the main thread did something else (nothing can be drawn or answered meanwhile). */
typedef struct
{
  gint64 last;
  gint64 max_gap;
} Heartbeat;

static gboolean
heartbeat_cb (gpointer user_data)
{
  Heartbeat *hb = user_data;
  gint64 now = g_get_monotonic_time ();

  hb->max_gap = MAX (hb->max_gap, now - hb->last);
  hb->last = now;
  return G_SOURCE_CONTINUE;
}

/* Whether the page still computes in the background (the "loading" property; a page without
 * it computed everything in the call). */
static gboolean
page_loading_supported (QdDashboardPage *page)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (page), "loading") != NULL;
}

static gboolean
page_loading (QdDashboardPage *page)
{
  gboolean loading = FALSE;

  if (page_loading_supported (page))
    g_object_get (page, "loading", &loading, NULL);
  return loading;
}

static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Reloads the manager view in a mapped window and waits until its figures are in and two
 * frames are painted (at most 30 s). Returns the wall time; *out_call the time inside the
 * reload call, *out_stall the longest main-thread stall from the call to the end. */
static double
reload_and_wait (QdDashboardPage *page,
                 GtkWidget       *window,
                 double          *out_call,
                 double          *out_stall)
{
  Heartbeat hb = { 0, };
  guint frames = 0, tick, beat;
  gint64 t0, deadline;

  tick = gtk_widget_add_tick_callback (window, frame_cb, &frames, NULL);
  beat = g_timeout_add (1, heartbeat_cb, &hb);
  t0 = hb.last = g_get_monotonic_time ();
  deadline = t0 + 30 * G_USEC_PER_SEC;
  qd_dashboard_page_reload (page);
  *out_call = (g_get_monotonic_time () - t0) / 1e3;
  hb.max_gap = g_get_monotonic_time () - t0;
  while (page_loading (page) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  frames = 0;
  while (frames < 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  heartbeat_cb (&hb);
  g_source_remove (beat);
  gtk_widget_remove_tick_callback (window, tick);
  *out_stall = hb.max_gap / 1e3;
  return (g_get_monotonic_time () - t0) / 1e3;
}

static void
fill (QdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  static const char *categories[] = { "饮料", "零食", "日化", "医疗器械", "粮油", "酒水",
                                      "调味品", "冷冻食品" };
  Filler f = { store, 0, 0 };
  gint64 n_orders = n_order_lines / 10;

  put (&f, "region", "r-east", "{\"name\": \"华东\"}");
  for (int d = 0; d < n_dealers; d++)
    {
      g_autofree char *id = g_strdup_printf ("d%d", d);
      g_autofree char *json =
        g_strdup_printf ("{\"name\": \"经销商%d\", \"level\": \"provincial\", \"region_id\": "
                         "\"r-east\", \"credit_limit_fen\": 100000000, \"active\": true}", d);

      put (&f, "dealer", id, json);
      for (int m = 0; m < 24; m++)
        {
          g_autofree char *tid = g_strdup_printf ("t-%d-%d", d, m);
          g_autofree char *tjson =
            g_strdup_printf ("{\"dealer_id\": \"%s\", \"period\": \"%d-%02d\", "
                             "\"amount_fen\": 5000000}", id, 2025 + m / 12, m % 12 + 1);

          put (&f, "target", tid, tjson);
        }
      for (int r = 0; r < 2; r++)
        {
          g_autofree char *rid = g_strdup_printf ("sr-%d-%d", d, r);
          g_autoptr(GString) lines = g_string_new (NULL);

          for (int p = 0; p < 40; p++)
            g_string_append_printf (lines, "%s{\"product_id\": \"p%d\", \"qty\": %d}",
                                    p > 0 ? ", " : "", p, 600 - r * 200 - p);
          g_autofree char *sjson =
            g_strdup_printf ("{\"dealer_id\": \"%s\", \"as_of\": \"%s\", \"lines\": [%s]}", id,
                             r == 0 ? "2026-09-30" : "2026-10-31", lines->str);

          put (&f, "stock_report", rid, sjson);
        }
      {
        g_autofree char *sid = g_strdup_printf ("st-%d", d);
        g_autofree char *sjson =
          g_strdup_printf ("{\"dealer_id\": \"%s\", \"period\": \"2026-10\", \"version\": 1, "
                           "\"status\": \"%s\", \"opening_balance_fen\": 0, "
                           "\"closing_balance_fen\": 0, \"lines\": []}", id,
                           d % 3 == 0 ? "issued" : d % 3 == 1 ? "confirmed" : "disputed");

        put (&f, "statement", sid, sjson);
      }
    }
  for (int p = 0; p < N_PRODUCTS; p++)
    {
      g_autofree char *id = g_strdup_printf ("p%d", p);
      g_autofree char *json =
        g_strdup_printf ("{\"sku\": \"SKU%05d\", \"name\": \"商品%d\", \"category\": \"%s\", "
                         "\"unit\": \"箱\", \"pack_size\": 6, \"active\": true}", p, p,
                         categories[p % G_N_ELEMENTS (categories)]);

      put (&f, "product", id, json);
    }
  put (&f, "rebate_policy", "rp", "{\"level\": \"provincial\", \"period\": \"2026-Q4\", "
       "\"tiers\": [{\"threshold_fen\": 1000000, \"rate_bp\": 100}, "
       "{\"threshold_fen\": 5000000, \"rate_bp\": 200}]}");

  for (gint64 o = 0; o < n_orders; o++)
    {
      int month = g_rand_int_range (rand, 0, 24);
      int d = g_rand_int_range (rand, 0, n_dealers);
      g_autoptr(GString) lines = g_string_new (NULL);
      g_autofree char *id = g_strdup_printf ("o%" G_GINT64_FORMAT, o);
      g_autofree char *json = NULL;
      gint64 total = 0;

      for (int l = 0; l < 10; l++)
        {
          int p = g_rand_int_range (rand, 0, N_PRODUCTS);
          int qty = 6 * g_rand_int_range (rand, 1, 10);

          g_string_append_printf (lines, "%s{\"product_id\": \"p%d\", \"qty\": %d, "
                                  "\"unit_price_fen\": 1500, \"total_fen\": %d}",
                                  l > 0 ? ", " : "", p, qty, qty * 1500);
          total += qty * 1500;
        }
      json = g_strdup_printf ("{\"number\": \"SO%08" G_GINT64_FORMAT "\", \"dealer_id\": "
                              "\"d%d\", \"status\": \"%s\", \"created_at\": "
                              "\"%d-%02d-%02dT08:00:00Z\", \"total_fen\": %" G_GINT64_FORMAT
                              ", \"lines\": [%s]}", o, d,
                              o % 500 == 0 ? "held" : o % 7 == 0 ? "submitted" : "shipped",
                              2024 + (month + 11) / 12, (month + 11) % 12 + 1,
                              g_rand_int_range (rand, 1, 29), total, lines->str);
      put (&f, "order", id, json);
    }
  if (f.in_page > 0 && !qd_store_commit_page (store, "last", NULL, &error))
    g_error ("%s", error->message);
  if (!qd_store_set_last_sync (store, 1, &error))
    g_error ("%s", error->message);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *ms)
{
  g_array_sort (ms, compare_double);
  return g_array_index (ms, double, ms->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— the dashboards at scale");
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  gboolean display;
  gint64 t;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  n_rounds = MAX (n_rounds, 1);
  n_dealers = CLAMP (n_dealers, 1, 10000);

  dir = g_dir_make_tmp ("qudao-bench-dashboard-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "cache.sqlite", NULL);
  store = qd_store_open (path, &error);
  g_assert_no_error (error);
  qd_store_set_meta (store, "user_role", "manager", NULL);

  t = g_get_monotonic_time ();
  fill (store);
  printf ("# %d dealers, 24 months, %" G_GINT64_FORMAT " order lines\n", n_dealers,
          n_order_lines);
  figure ("dashboard cache fill (bulk, from memory)", (g_get_monotonic_time () - t) / 1e6, "s");

  {
    g_autoptr(GArray) m = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) d = g_array_new (FALSE, FALSE, sizeof (double));

    for (int r = 0; r < n_rounds; r++)
      {
        QdManagerDashboardQuery mq = { .today = "2026-11-15" };
        QdDealerDashboardQuery dq = { .dealer_id = "d1", .today = "2026-11-15" };
        double ms;

        t = g_get_monotonic_time ();
        qd_manager_dashboard_free (qd_store_manager_dashboard (store, &mq, &error));
        g_assert_no_error (error);
        ms = (g_get_monotonic_time () - t) / 1e3;
        g_array_append_val (m, ms);
        t = g_get_monotonic_time ();
        qd_dealer_dashboard_free (qd_store_dealer_dashboard (store, &dq, &error));
        g_assert_no_error (error);
        ms = (g_get_monotonic_time () - t) / 1e3;
        g_array_append_val (d, ms);
      }
    figure ("store manager dashboard, median", median (m), "ms");
    figure ("store dealer dashboard, median", median (d), "ms");
  }
  {
    /* The review list's history of the products of 12 held orders. */
    QdOrderQuery held = { .status = "held", .limit = 12 };
    g_autoptr(GPtrArray) orders = qd_store_list_orders (store, &held, &error);
    g_autoptr(GArray) h = g_array_new (FALSE, FALSE, sizeof (double));

    g_assert_no_error (error);
    for (int r = 0; r < n_rounds; r++)
      {
        double ms;

        t = g_get_monotonic_time ();
        for (guint i = 0; i < orders->len; i++)
          g_ptr_array_unref (qd_store_order_product_history (
            store, ((QdOrderInfo *) g_ptr_array_index (orders, i))->id, &error));
        ms = (g_get_monotonic_time () - t) / 1e3;
        g_array_append_val (h, ms);
      }
    figure ("store product history of 12 held orders, median", median (h), "ms");
  }

  display = gtk_init_check ();
  if (!display)
    printf ("# no display: the page figures need one (tools/run-headless.sh)\n");
  else
    {
      g_autoptr(GArray) m = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) call = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) stall = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) swap = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) d = g_array_new (FALSE, FALSE, sizeof (double));
      GtkWidget *window;
      QdDashboardPage *page;

      adw_init ();
      /* In a mapped window at 1280×800, so that what the user sees is laid out and drawn. */
      window = gtk_window_new ();
      gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
      page = g_object_ref_sink (g_object_new (QD_TYPE_DASHBOARD_PAGE, NULL));
      gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
      gtk_window_present (GTK_WINDOW (window));
      qd_dashboard_page_set_today (page, "2026-11-15");
      qd_dashboard_page_set_store (page, store);
      {
        double c, st;

        reload_and_wait (page, window, &c, &st);   /* the first build */
      }
      for (int r = 0; r < n_rounds; r++)
        {
          double ms, c, st;

          ms = reload_and_wait (page, window, &c, &st);
          g_array_append_val (m, ms);
          g_array_append_val (call, c);
          g_array_append_val (stall, st);
          if (page_loading_supported (page))
            {
              double sw = qd_dashboard_page_get_swap_in_time (page) / 1e3;

              g_array_append_val (swap, sw);
            }
          t = g_get_monotonic_time ();
          qd_dashboard_page_show_dealer (page, "d1");
          ms = (g_get_monotonic_time () - t) / 1e3;
          g_array_append_val (d, ms);
          qd_dashboard_page_show_dealer (page, NULL);
          reload_and_wait (page, window, &c, &st);
        }
      {
        /* The baseline: the longest stall of a repaint of the same window with nothing
         * changed (what any frame costs here, software rendering at 1280×800). */
        g_autoptr(GArray) paint = g_array_new (FALSE, FALSE, sizeof (double));

        for (int r = 0; r < n_rounds; r++)
          {
            Heartbeat hb = { 0, };
            guint frames = 0, tick, beat;
            gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
            double ms;

            tick = gtk_widget_add_tick_callback (window, frame_cb, &frames, NULL);
            beat = g_timeout_add (1, heartbeat_cb, &hb);
            hb.last = g_get_monotonic_time ();
            gtk_widget_queue_draw (window);
            while (frames < 2 && g_get_monotonic_time () < deadline)
              g_main_context_iteration (NULL, TRUE);
            heartbeat_cb (&hb);
            g_source_remove (beat);
            gtk_widget_remove_tick_callback (window, tick);
            ms = hb.max_gap / 1e3;
            g_array_append_val (paint, ms);
          }
        figure ("Dashboard page, baseline: longest stall of a repaint with nothing changed, "
                "median", median (paint), "ms");
      }
      figure ("Dashboard page, manager view reloaded until shown (wall), median", median (m),
              "ms");
      figure ("Dashboard page, manager view reload: main thread in the call, median",
              median (call), "ms");
      figure ("Dashboard page, manager view reload: longest main-thread stall, median",
              median (stall), "ms");
      if (swap->len > 0)
        figure ("Dashboard page, manager view reload: swap-in on the main thread, median",
                median (swap), "ms");
      figure ("Dashboard page, a dealer opened read-only, median", median (d), "ms");
      qd_dashboard_page_set_store (page, NULL);
      g_object_unref (page);
      gtk_window_destroy (GTK_WINDOW (window));
    }

  g_clear_object (&store);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  return 0;
}
