/* bench-store-apply.c — the initial fill of a manager's cache, and the dashboards on it
 *
 * Generates a manager's scope — N products (default 100,000), 60 dealers in 3 regions,
 * 24 months of orders with M order lines in all (default 1,000,000, 4 lines an order),
 * monthly targets and stock reports, statements — as change-feed pages of 5,000 JSON
 * changes, and applies them from memory (the "no-network ceiling" of issue 4) twice, in the
 * same run:
 *
 *   change by change — the path every page took before the bulk fill: the cache has a
 *                      cursor, so each product updates both FTS5 indexes and each order the
 *                      dashboard summaries;
 *   bulk fill        — an empty cache: indexes and summaries are rebuilt once at the end
 *                      (qd_store_end_bulk, included in the figure).
 *
 * Then times the dashboards on the filled cache: the manager dashboard (all 60 dealers,
 * 24 months) and one dealer's dashboard. Prints figures; never fails on time.
 *
 *   bench-store-apply [--products N] [--order-lines M] [--rounds R] [--dir DIR]
 *                     [--skip-incremental] [--keep] [--reuse]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "qd-dashboard.h"
#include "qd-store-private.h"

#define PAGE_SIZE 5000
#define N_MONTHS 24
#define ASSORTMENT 300        /* products a dealer buys and reports */
#define REPORT_LINES 60       /* products in a monthly stock report */
#define LINES_PER_ORDER 4
#define TODAY "2026-11-24"

static int n_dealers = 60;

static const char *const heads[] = {
  "复方", "维生素", "阿莫西林", "布洛芬", "板蓝根", "感冒", "清热", "银黄", "健胃", "消炎",
  "医用", "一次性", "电子", "蛋白", "葡萄糖酸钙", "锌", "益生菌", "枸杞", "红枣", "燕麦",
};
static const char *const tails[] = {
  "片", "胶囊", "颗粒", "口服液", "软膏", "喷雾剂", "注射液", "贴", "口罩", "手套",
};
static const char *const categories[] = {
  "药品", "保健品", "器械", "食品", "日用品", "中药", "母婴", "耗材",
};
static const char *const statuses[] = {
  "completed", "completed", "completed", "completed", "completed", "shipped", "shipped",
  "submitted", "approved", "held", "cancelled", "rejected",
};

typedef struct
{
  GRand   *rand;
  int      n_products;
  int      n_orders;
  /* where the generator is */
  int      stage;
  int      next;
} Gen;

static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static guint
dealer_product (guint dealer,
                guint j,
                int   n_products)
{
  return (dealer * 7919u + j * 331u) % (guint) n_products;
}

/* Appends the next change; FALSE when there is none. Order of the feed: regions, dealers,
 * products, targets, orders, stock reports, statements, policies. */
static gboolean
gen_next (Gen     *g,
          GString *out)
{
  for (;;)
    {
      int i = g->next;

      switch (g->stage)
        {
        case 0:
          if (i < 3)
            {
              g_string_append_printf (out, "{\"entity\":\"region\",\"op\":\"upsert\","
                                      "\"id\":\"r%d\",\"data\":{\"name\":\"大区%d\"}}", i, i);
              g->next++;
              return TRUE;
            }
          break;
        case 1:
          if (i < n_dealers)
            {
              g_string_append_printf (out, "{\"entity\":\"dealer\",\"op\":\"upsert\","
                                      "\"id\":\"d%d\",\"data\":{\"name\":\"经销商%d\","
                                      "\"level\":\"%s\",\"region_id\":\"r%d\","
                                      "\"credit_limit_fen\":2000000000,\"active\":true}}",
                                      i, i, i % 2 ? "regional" : "provincial", i % 3);
              g->next++;
              return TRUE;
            }
          break;
        case 2:
          if (i < g->n_products)
            {
              g_string_append_printf (out,
                "{\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p%d\",\"data\":{"
                "\"sku\":\"SK-%06d\",\"name\":\"%s%d%s\",\"spec\":\"100片\",\"category\":\"%s\","
                "\"unit\":\"盒\",\"pack_size\":%d,\"barcode\":\"69%011d\",\"mnemonic\":\"%s\","
                "\"lot_tracked\":%s,\"active\":true}}",
                i, i, heads[i % G_N_ELEMENTS (heads)], i % 1000,
                tails[(i / 20) % G_N_ELEMENTS (tails)], categories[i % G_N_ELEMENTS (categories)],
                i % 4 == 0 ? 10 : 1, i, i % 3 == 0 ? "ABC" : "", i % 10 == 0 ? "true" : "false");
              g->next++;
              return TRUE;
            }
          break;
        case 3:
          if (i < n_dealers * N_MONTHS)
            {
              int d = i / N_MONTHS, m = 2024 * 12 + 11 + i % N_MONTHS;

              g_string_append_printf (out, "{\"entity\":\"target\",\"op\":\"upsert\","
                                      "\"id\":\"t%d\",\"data\":{\"dealer_id\":\"d%d\","
                                      "\"period\":\"%d-%02d\",\"amount_fen\":%d}}",
                                      i, d, m / 12, m % 12 + 1,
                                      150000000 + g_rand_int_range (g->rand, 0, 60000000));
              g->next++;
              return TRUE;
            }
          break;
        case 4:
          if (i < g->n_orders)
            {
              /* Spread evenly over dealers and the 24 months up to November 2026. */
              int d = i % n_dealers;
              int m = 2024 * 12 + 11 + (int) ((gint64) i * N_MONTHS / g->n_orders);
              const char *status = statuses[g_rand_int_range (g->rand, 0,
                                                              G_N_ELEMENTS (statuses))];
              gint64 total = 0;
              char lines[1024];
              gsize len = 0;

              for (int l = 0; l < LINES_PER_ORDER; l++)
                {
                  guint p = dealer_product (d, g_rand_int_range (g->rand, 0, ASSORTMENT),
                                            g->n_products);
                  gint64 qty = (p % 4 == 0 ? 10 : 1) * g_rand_int_range (g->rand, 1, 20);
                  gint64 price = g_rand_int_range (g->rand, 500, 20000);

                  len += g_snprintf (lines + len, sizeof lines - len,
                                     "%s{\"product_id\":\"p%u\",\"qty\":%" G_GINT64_FORMAT
                                     ",\"unit_price_fen\":%" G_GINT64_FORMAT ",\"total_fen\":%"
                                     G_GINT64_FORMAT "}", l ? "," : "", p, qty, price,
                                     qty * price);
                  total += qty * price;
                }
              g_string_append_printf (out,
                "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o%d\",\"data\":{"
                "\"number\":\"SO-%08d\",\"dealer_id\":\"d%d\",\"status\":\"%s\","
                "\"created_at\":\"%d-%02d-%02dT%02d:%02d:00Z\",\"client_order_id\":null,"
                "\"note\":\"\",\"total_fen\":%" G_GINT64_FORMAT ",\"lines\":[%s]}}",
                i, i, d, status, m / 12, m % 12 + 1,
                m == 2026 * 12 + 10 ? g_rand_int_range (g->rand, 1, 25)
                                    : g_rand_int_range (g->rand, 1, 29),
                g_rand_int_range (g->rand, 0, 24), g_rand_int_range (g->rand, 0, 60), total,
                lines);
              g->next++;
              return TRUE;
            }
          break;
        case 5:
          if (i < n_dealers * N_MONTHS)
            {
              int d = i / N_MONTHS, m = 2024 * 12 + 11 + i % N_MONTHS;

              g_string_append_printf (out, "{\"entity\":\"stock_report\",\"op\":\"upsert\","
                                      "\"id\":\"sr%d\",\"data\":{\"dealer_id\":\"d%d\","
                                      "\"as_of\":\"%d-%02d-15\",\"lines\":[",
                                      i, d, m / 12, m % 12 + 1);
              for (int j = 0; j < REPORT_LINES; j++)
                {
                  guint p = dealer_product (d, j, g->n_products);

                  if (p % 10 == 0)
                    g_string_append_printf (out, "%s{\"product_id\":\"p%u\",\"qty\":%d,"
                                            "\"lot\":\"L%d\",\"expiry\":\"2027-%02d-01\"}",
                                            j ? "," : "", p, g_rand_int_range (g->rand, 0, 400),
                                            m, 1 + j % 12);
                  else
                    g_string_append_printf (out, "%s{\"product_id\":\"p%u\",\"qty\":%d}",
                                            j ? "," : "", p, g_rand_int_range (g->rand, 0, 400));
                }
              g_string_append (out, "]}}");
              g->next++;
              return TRUE;
            }
          break;
        case 6:
          if (i < n_dealers * 3)
            {
              static const char *const st[] = { "issued", "confirmed", "disputed" };

              g_string_append_printf (out, "{\"entity\":\"statement\",\"op\":\"upsert\","
                                      "\"id\":\"st%d\",\"data\":{\"dealer_id\":\"d%d\","
                                      "\"period\":\"2026-%02d\",\"version\":1,\"status\":\"%s\","
                                      "\"opening_balance_fen\":0,\"closing_balance_fen\":%d,"
                                      "\"lines\":[]}}", i, i / 3, 8 + i % 3,
                                      st[g_rand_int_range (g->rand, 0, 3)],
                                      g_rand_int_range (g->rand, 0, 90000000));
              g->next++;
              return TRUE;
            }
          break;
        case 7:
          if (i < 2)
            {
              g_string_append_printf (out, "{\"entity\":\"rebate_policy\",\"op\":\"upsert\","
                                      "\"id\":\"rp%d\",\"data\":{\"level\":\"%s\","
                                      "\"period\":\"2026-Q4\",\"tiers\":["
                                      "{\"threshold_fen\":50000000,\"rate_bp\":100},"
                                      "{\"threshold_fen\":150000000,\"rate_bp\":200},"
                                      "{\"threshold_fen\":300000000,\"rate_bp\":300}]}}",
                                      i, i ? "regional" : "provincial");
              g->next++;
              return TRUE;
            }
          break;
        default:
          return FALSE;
        }
      g->stage++;
      g->next = 0;
    }
}

typedef struct
{
  gint64 decode_us;
  gint64 apply_us;
  gint64 apply_cpu_us;
  gint64 end_us;       /* qd_store_end_bulk: the rebuild */
  gint64 end_cpu_us;
  gint64 decode_cpu_us;
  gint64 changes;
} Run;

static gboolean
fill (const char  *path,
      gboolean     bulk,
      int          n_products,
      int          n_orders,
      Run         *run,
      GError     **error)
{
  g_autoptr(QdStore) store = qd_store_open (path, error);
  Gen gen = { g_rand_new_with_seed (20261124), n_products, n_orders, 0, 0 };
  gboolean more = TRUE;
  guint page_no = 0;
  gint64 t0, c0;

  if (store == NULL)
    return FALSE;
  /* A cursor makes the store apply change by change, as before the bulk fill. */
  if (!bulk && !qd_store_set_meta (store, "cursor", "start", error))
    return FALSE;

  memset (run, 0, sizeof *run);
  while (more)
    {
      g_autoptr(GString) text = g_string_new ("{\"changes\":[");
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autofree char *cursor = g_strdup_printf ("c%u", page_no++);
      JsonArray *changes;
      guint n = 0;

      for (; n < PAGE_SIZE; n++)
        {
          if (n > 0)
            g_string_append_c (text, ',');
          if (!gen_next (&gen, text))
            {
              more = FALSE;
              if (n > 0)
                g_string_truncate (text, text->len - 1);
              break;
            }
        }
      g_string_append (text, "],\"has_more\":true}");

      t0 = g_get_monotonic_time ();
      c0 = cpu_us ();
      if (!json_parser_load_from_data (parser, text->str, text->len, error))
        return FALSE;
      changes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                              "changes");
      run->decode_us += g_get_monotonic_time () - t0;
      run->decode_cpu_us += cpu_us () - c0;

      t0 = g_get_monotonic_time ();
      c0 = cpu_us ();
      if (!qd_store_begin_page (store, error))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (!qd_store_apply_change (store, json_object_get_string_member (change, "entity"),
                                      json_object_get_string_member (change, "op"),
                                      json_object_get_string_member (change, "id"),
                                      json_object_get_object_member (change, "data"), error))
            return FALSE;
        }
      if (!qd_store_commit_page (store, cursor, NULL, error))
        return FALSE;
      run->apply_us += g_get_monotonic_time () - t0;
      run->apply_cpu_us += cpu_us () - c0;
      run->changes += json_array_get_length (changes);
    }
  t0 = g_get_monotonic_time ();
  c0 = cpu_us ();
  if (!qd_store_end_bulk (store, error))
    return FALSE;
  run->end_us = g_get_monotonic_time () - t0;
  run->end_cpu_us = cpu_us () - c0;
  run->apply_us += run->end_us;
  run->apply_cpu_us += run->end_cpu_us;
  g_rand_free (gen.rand);
  return TRUE;
}

static void
report (const char *what,
        const Run  *run,
        int         n_lines)
{
  printf ("store apply: %s: %" G_GINT64_FORMAT " changes, decode %.0f ms (CPU %.0f ms), "
          "apply %.0f ms (CPU %.0f ms; of which the final rebuild %.0f ms, CPU %.0f ms), "
          "%.0f order lines/s\n",
          what, run->changes, run->decode_us / 1000.0, run->decode_cpu_us / 1000.0,
          run->apply_us / 1000.0, run->apply_cpu_us / 1000.0, run->end_us / 1000.0,
          run->end_cpu_us / 1000.0, n_lines / (run->apply_us / 1e6));
  printf ("figure: store initial fill, %s, apply wall | %.0f | ms\n", what,
          run->apply_us / 1000.0);
  printf ("figure: store initial fill, %s, apply CPU | %.0f | ms\n", what,
          run->apply_cpu_us / 1000.0);
  printf ("figure: store initial fill, %s, decode + apply | %.0f | ms\n", what,
          (run->decode_us + run->apply_us) / 1000.0);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— initial fill and dashboards");
  g_autoptr(QdStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  int n_products = 100000, n_lines = 1000000, rounds = 10;
  gboolean skip_incremental = FALSE, keep = FALSE, reuse = FALSE;
  char *out_dir = NULL;
  Run before, after;
  int n_orders;
  static char one_dealer[16];
  GOptionEntry entries[] = {
    { "products", 0, 0, G_OPTION_ARG_INT, &n_products, "Catalog size", "N" },
    { "order-lines", 0, 0, G_OPTION_ARG_INT, &n_lines, "Order lines (4 an order)", "M" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Repetitions of each dashboard", "R" },
    { "dealers", 0, 0, G_OPTION_ARG_INT, &n_dealers, "Dealers (3 regions)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, "Directory for the cache files", "DIR" },
    { "skip-incremental", 0, 0, G_OPTION_ARG_NONE, &skip_incremental,
      "Only the bulk fill", NULL },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the cache file in --dir", NULL },
    { "reuse", 0, 0, G_OPTION_ARG_NONE, &reuse,
      "Time the dashboards on the cache kept in --dir, without filling", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  n_products = CLAMP (n_products, 1000, 10000000);
  n_lines = CLAMP (n_lines, LINES_PER_ORDER, 100000000);
  rounds = CLAMP (rounds, 1, 1000);
  n_dealers = CLAMP (n_dealers, 3, 10000);
  n_orders = n_lines / LINES_PER_ORDER;

  dir = out_dir != NULL ? g_strdup (out_dir) : g_dir_make_tmp ("qudao-bench-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "bench-apply.sqlite", NULL);

  printf ("store apply: %d products, %d dealers, %d orders of %d lines (%d lines), "
          "pages of %d\n", n_products, n_dealers, n_orders, LINES_PER_ORDER,
          n_orders * LINES_PER_ORDER, PAGE_SIZE);

  if (reuse && out_dir == NULL)
    g_error ("--reuse needs --dir");
  if (!skip_incremental && !reuse)
    {
      remove_db (path);
      if (!fill (path, FALSE, n_products, n_orders, &before, &error))
        g_error ("%s", error->message);
      report ("change by change (before)", &before, n_orders * LINES_PER_ORDER);
    }
  if (!reuse)
    {
      remove_db (path);
      if (!fill (path, TRUE, n_products, n_orders, &after, &error))
        g_error ("%s", error->message);
      report ("bulk fill (after)", &after, n_orders * LINES_PER_ORDER);
    }
  {
    struct stat st;
    struct rusage ru;

    if (g_stat (path, &st) == 0)
      printf ("figure: store cache file after the fill | %.1f | MB\n", st.st_size / 1048576.0);
    if (getrusage (RUSAGE_SELF, &ru) == 0)
      printf ("figure: store apply peak RSS (both fills) | %.0f | MB\n", ru.ru_maxrss / 1024.0);
  }

  store = qd_store_open_full (path, QD_STORE_OPEN_NO_CHECK, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  /* The dashboards, warm (the app keeps its connection): first call, then p50 and max. */
  g_snprintf (one_dealer, sizeof one_dealer, "d%d", 7 % n_dealers);
  {
    static const struct { const char *what; const char *region; const char *dealer; } cases[] = {
      { "manager dashboard, 60 dealers, 24 months", NULL, NULL },
      { "manager dashboard, one region (20 dealers)", "r1", NULL },
      { "dealer dashboard", NULL, one_dealer },
    };

    for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
      {
        g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
        g_autoptr(GArray) cpu_times = g_array_new (FALSE, FALSE, sizeof (double));
        double first = 0;

        for (int r = 0; r <= rounds; r++)
          {
            gint64 t0 = g_get_monotonic_time ();
            gint64 c0 = cpu_us ();
            double ms, cpu_ms;

            if (cases[c].dealer != NULL)
              {
                QdDealerDashboardQuery q = { .dealer_id = cases[c].dealer, .today = TODAY };
                g_autoptr(QdDealerDashboard) dash = qd_store_dealer_dashboard (store, &q, &error);

                if (dash == NULL)
                  g_error ("%s", error->message);
                if (r == 0)
                  printf ("store dashboard: dealer %s: year %" G_GINT64_FORMAT " fen (%d bp of "
                          "target), %u stock rows, %u reorder suggestions\n", dash->dealer_id,
                          dash->year.purchases_fen, dash->year.attainment_bp,
                          dash->stock->len, dash->n_reorder);
              }
            else
              {
                QdManagerDashboardQuery q = { .region_id = cases[c].region, .today = TODAY };
                g_autoptr(QdManagerDashboard) dash = qd_store_manager_dashboard (store, &q,
                                                                                 &error);

                if (dash == NULL)
                  g_error ("%s", error->message);
                if (r == 0)
                  printf ("store dashboard: %u dealers, year %" G_GINT64_FORMAT " fen, %u behind "
                          "target, %u held orders, %u categories\n", dash->n_dealers,
                          dash->year.purchases_fen, dash->dealers_behind_target,
                          dash->held_orders, dash->categories->len);
              }
            ms = (g_get_monotonic_time () - t0) / 1000.0;
            cpu_ms = (cpu_us () - c0) / 1000.0;
            if (r == 0)
              first = ms;
            else
              {
                g_array_append_val (times, ms);
                g_array_append_val (cpu_times, cpu_ms);
              }
          }
        g_array_sort (times, compare_double);
        g_array_sort (cpu_times, compare_double);
        printf ("store dashboard: %s: first %.1f ms, p50 %.1f ms (CPU %.1f ms), max %.1f ms\n",
                cases[c].what, first, g_array_index (times, double, times->len / 2),
                g_array_index (cpu_times, double, cpu_times->len / 2),
                g_array_index (times, double, times->len - 1));
        printf ("figure: store %s, p50 CPU | %.1f | ms\n", cases[c].what,
                g_array_index (cpu_times, double, cpu_times->len / 2));
        printf ("figure: store %s, p50 | %.1f | ms\n", cases[c].what,
                g_array_index (times, double, times->len / 2));
        printf ("figure: store %s, first | %.1f | ms\n", cases[c].what, first);
      }
  }

  /* One dealer's orders, newest first: the orders_dealer index. */
  {
    QdOrderQuery q = { .dealer_id = one_dealer, .limit = 50 };
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr(GPtrArray) orders = qd_store_list_orders (store, &q, &error);
    double ms = (g_get_monotonic_time () - t0) / 1000.0;

    if (orders == NULL)
      g_error ("%s", error->message);
    printf ("figure: store orders list, newest 50 of a dealer (%d orders) | %.2f | ms\n",
            n_orders, ms);
  }

  g_clear_object (&store);
  if (!keep && !reuse)
    remove_db (path);
  if (out_dir == NULL)
    g_rmdir (dir);
  g_free (out_dir);
  return 0;
}
