/* bench-store-search.c — the client cache at catalog scale
 *
 * Generates a catalog of N products (default 100,000; Chinese names from word lists, SKU,
 * barcode, a 助记码 on a third of them), feeds it through the change-feed path from memory in
 * pages of 5,000 — the "no-network ceiling" a real sync can be compared with — and times a
 * fixed list of queries of 1–10 characters per class. Prints figures; never fails on time.
 *
 *   bench-store-search [--products N] [--rounds R] [--dir DIR]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <time.h>
#include <stdio.h>

#include "qd-store-private.h"

#define PAGE_SIZE 5000

static const char *const heads[] = {
  "复方", "维生素", "阿莫西林", "布洛芬", "板蓝根", "感冒", "清热", "银黄", "健胃", "消炎",
  "医用", "一次性", "电子", "蛋白", "葡萄糖酸钙", "锌", "益生菌", "枸杞", "红枣", "燕麦",
  "小儿", "金银花", "藿香正气", "双黄连", "六味地黄", "头孢", "氨溴索", "鱼肝油", "薄荷", "人参",
};
static const char *const middles[] = {
  "", "缓释", "泡腾", "咀嚼", "速溶", "复合", "强效", "无糖", "草本", "加强",
  "儿童", "成人", "家庭装", "便携", "高钙", "低脂", "营养", "清凉", "温和", "特效",
};
static const char *const tails[] = {
  "片", "胶囊", "颗粒", "口服液", "软膏", "喷雾剂", "注射液", "贴", "口罩", "手套",
  "血压计", "体温计", "粉", "饮料", "饼干", "糖浆", "滴眼液", "凝胶", "茶", "冲剂",
};
static const char *const categories[] = {
  "药品", "保健品", "器械", "食品", "日用品", "中药", "母婴", "耗材",
};
static const char *const specs[] = {
  "0.25g×24粒", "10ml×6支", "100片", "1g×20片", "50g", "500ml", "10袋", "1台", "20只", "3盒装",
};

typedef struct
{
  const char *klass;
  const char *text;
  guint       order;
} Query;

/* Filled in from the generated catalog so every class hits real rows. */
static GPtrArray *queries_text;
static GArray *queries;

static void
add_query (const char *klass,
           const char *text)
{
  Query q = { klass, g_strdup (text), queries->len };

  g_ptr_array_add (queries_text, (gpointer) q.text);
  g_array_append_val (queries, q);
}

static const char *const class_order[] = {
  "sku-exact", "sku-prefix", "barcode-exact", "barcode-prefix", "mnemonic", "pinyin",
  "chinese-1", "chinese-2", "chinese-3+", "chinese-none",
};

static guint
class_index (const char *klass)
{
  for (guint i = 0; i < G_N_ELEMENTS (class_order); i++)
    if (strcmp (class_order[i], klass) == 0)
      return i;
  return G_N_ELEMENTS (class_order);
}

static int
compare_query (gconstpointer a,
               gconstpointer b)
{
  const Query *x = a, *y = b;
  int d = (int) class_index (x->klass) - (int) class_index (y->klass);

  /* Within a class keep the order of the list. */
  return d != 0 ? d : (int) x->order - (int) y->order;
}

static char *
product_json (guint     i,
              GRand    *rand,
              char    **out_sku,
              char    **out_barcode,
              char    **out_mnemonic,
              char    **out_name)
{
  const char *head = heads[g_rand_int_range (rand, 0, G_N_ELEMENTS (heads))];
  const char *middle = middles[g_rand_int_range (rand, 0, G_N_ELEMENTS (middles))];
  const char *tail = tails[g_rand_int_range (rand, 0, G_N_ELEMENTS (tails))];
  g_autofree char *name = g_strdup_printf ("%s%s%s", head, middle, tail);
  g_autofree char *sku = g_strdup_printf ("%c%c-%06u", 'A' + (i % 26), 'A' + ((i / 26) % 26), i);
  g_autofree char *barcode = g_strdup_printf ("69%011" G_GUINT64_FORMAT, ((guint64) i * 7919u) % G_GUINT64_CONSTANT (100000000000));
  g_autofree char *mnemonic = NULL;
  char *json;

  if (i % 3 == 0)
    mnemonic = g_strdup_printf ("%c%c%c%u", 'A' + g_rand_int_range (rand, 0, 26),
                                'A' + g_rand_int_range (rand, 0, 26),
                                'A' + g_rand_int_range (rand, 0, 26), i % 100);
  json = g_strdup_printf (
    "{\"seq\":%u,\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p_%u\",\"data\":{"
    "\"id\":\"p_%u\",\"sku\":\"%s\",\"name\":\"%s\",\"spec\":\"%s\",\"category\":\"%s\","
    "\"unit\":\"盒\",\"pack_size\":%d,\"barcode\":\"%s\",\"mnemonic\":\"%s\","
    "\"lot_tracked\":%s,\"active\":true}}",
    i + 1, i, i, sku, name, specs[i % G_N_ELEMENTS (specs)],
    categories[i % G_N_ELEMENTS (categories)], (i % 4 == 0) ? 10 : 1, barcode,
    mnemonic != NULL ? mnemonic : "", (i % 10 == 0) ? "true" : "false");

  if (out_sku)
    *out_sku = g_steal_pointer (&sku);
  if (out_barcode)
    *out_barcode = g_steal_pointer (&barcode);
  if (out_mnemonic)
    *out_mnemonic = g_steal_pointer (&mnemonic);
  if (out_name)
    *out_name = g_steal_pointer (&name);
  return json;
}

static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint idx;

  if (sorted->len == 0)
    return 0;
  idx = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, double, idx);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— client cache benchmark");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261124);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(QdStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GHashTable) seen_class = g_hash_table_new (g_str_hash, g_str_equal);
  int n_products = 100000;
  int rounds = 20;
  int n_orders = 0;
  char *out_dir = NULL;
  gint64 t0, decode_us = 0, apply_us = 0, apply_cpu_us = 0;
  GString *page;
  guint n_pages = 0;
  GOptionEntry entries[] = {
    { "products", 0, 0, G_OPTION_ARG_INT, &n_products, "Catalog size", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Repetitions of the query list", "R" },
    { "orders", 0, 0, G_OPTION_ARG_INT, &n_orders, "Orders (3 lines each) to apply too", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, "Directory for the cache file", "DIR" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  n_products = CLAMP (n_products, 100, 10000000);
  n_orders = CLAMP (n_orders, 0, 10000000);
  rounds = CLAMP (rounds, 1, 10000);

  queries_text = g_ptr_array_new_with_free_func (g_free);
  queries = g_array_new (FALSE, FALSE, sizeof (Query));

  /* Generate the feed pages as the server would send them (JSON text). */
  page = g_string_new (NULL);
  for (int i = 0; i < n_products; i++)
    {
      g_autofree char *sku = NULL, *barcode = NULL, *mnemonic = NULL, *name = NULL;
      g_autofree char *json = product_json (i, rand, &sku, &barcode, &mnemonic, &name);

      if (page->len == 0)
        g_string_append (page, "{\"changes\":[");
      else
        g_string_append_c (page, ',');
      g_string_append (page, json);
      if ((i + 1) % PAGE_SIZE == 0 || i + 1 == n_products)
        {
          g_string_append_printf (page, "],\"cursor\":\"c%u\",\"has_more\":%s}", n_pages,
                                  i + 1 == n_products ? "false" : "true");
          g_ptr_array_add (pages, g_string_free (page, FALSE));
          page = g_string_new (NULL);
          n_pages++;
        }

      /* A few real codes for the query list, from products spread over the catalog. */
      if (i == n_products / 7 || i == n_products / 3 || i == (n_products * 5) / 7)
        {
          g_autofree char *sku_prefix = g_strndup (sku, 5);
          g_autofree char *barcode_prefix = g_strndup (barcode, 7);

          add_query ("sku-exact", sku);
          add_query ("sku-prefix", sku_prefix);
          add_query ("barcode-exact", barcode);
          add_query ("barcode-prefix", barcode_prefix);
        }
      if (mnemonic != NULL && (i == (n_products / 15) * 3 || i == (n_products / 6) * 3))
        {
          g_autofree char *m = g_ascii_strdown (mnemonic, 3);

          add_query ("mnemonic", m);
          add_query ("mnemonic", mnemonic);
        }
    }
  g_string_free (page, TRUE);

  add_query ("chinese-1", "片");
  add_query ("chinese-1", "钙");
  add_query ("chinese-1", "罩");
  add_query ("chinese-2", "泡腾");
  add_query ("chinese-2", "口罩");
  add_query ("chinese-2", "正气");
  add_query ("chinese-3+", "维生素");
  add_query ("chinese-3+", "阿莫西林胶囊");
  add_query ("chinese-3+", "藿香正气口服液");
  add_query ("chinese-3+", "六味地黄家庭装颗粒");
  add_query ("chinese-none", "不存在的商品名");
  add_query ("chinese-none", "龙虾");       /* 2 characters, no match: a full scan */
  add_query ("chinese-none", "鲸");
  add_query ("pinyin", "wss");          /* 维生素… */
  add_query ("pinyin", "amxl");         /* 阿莫西林… */
  add_query ("pinyin", "hxzq");         /* 藿香正气… */
  add_query ("pinyin", "lwdhjtzkl");    /* 六味地黄家庭装颗粒 */

  g_array_sort (queries, compare_query);

  if (out_dir != NULL)
    dir = g_strdup (out_dir);
  else
    dir = g_dir_make_tmp ("qudao-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench-store.sqlite", NULL);
  g_unlink (path);

  store = qd_store_open (path, &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  /* The no-network ceiling: decode each page and apply it in one transaction. */
  for (guint p = 0; p < pages->len; p++)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonObject *root;
      JsonArray *changes;
      gint64 t1, c1;

      t0 = g_get_monotonic_time ();
      if (!json_parser_load_from_data (parser, pages->pdata[p], -1, &error))
        g_error ("%s", error->message);
      root = json_node_get_object (json_parser_get_root (parser));
      changes = json_object_get_array_member (root, "changes");
      t1 = g_get_monotonic_time ();
      c1 = cpu_us ();
      decode_us += t1 - t0;

      if (!qd_store_begin_page (store, &error))
        g_error ("%s", error->message);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (!qd_store_apply_change (store, json_object_get_string_member (change, "entity"),
                                      json_object_get_string_member (change, "op"),
                                      json_object_get_string_member (change, "id"),
                                      json_object_get_object_member (change, "data"), &error))
            g_error ("%s", error->message);
        }
      if (!qd_store_commit_page (store, json_object_get_string_member (root, "cursor"), NULL,
                                 &error))
        g_error ("%s", error->message);
      apply_us += g_get_monotonic_time () - t1;
      apply_cpu_us += cpu_us () - c1;
    }

  printf ("store: %d products in %u pages of %d\n", n_products, pages->len, PAGE_SIZE);
  printf ("store: feed decode %.0f ms, apply %.0f ms (incl. FTS and pinyin), total %.0f ms\n",
          decode_us / 1000.0, apply_us / 1000.0, (decode_us + apply_us) / 1000.0);
  printf ("store: apply rate %.0f changes/s (apply only), %.0f changes/s (decode + apply); "
          "apply CPU %.0f ms\n",
          n_products / (apply_us / 1e6), n_products / ((decode_us + apply_us) / 1e6),
          apply_cpu_us / 1000.0);
  printf ("figure: store feed apply (products, from memory) | %.0f | changes/s\n",
          n_products / (apply_us / 1e6));
  printf ("figure: store feed decode + apply (products) | %.0f | changes/s\n",
          n_products / ((decode_us + apply_us) / 1e6));

  /* Orders, 3 lines each, as a manager's scope brings them: the bulk of an initial sync. */
  if (n_orders > 0)
    {
      gint64 o_decode = 0, o_apply = 0, o_cpu = 0;

      for (int first = 0; first < n_orders; first += PAGE_SIZE)
        {
          g_autoptr(GString) text = g_string_new ("{\"changes\":[");
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          JsonObject *root;
          JsonArray *changes;
          gint64 t1, c1;

          for (int i = first; i < MIN (first + PAGE_SIZE, n_orders); i++)
            {
              guint p1 = g_rand_int_range (rand, 0, n_products);
              guint p2 = g_rand_int_range (rand, 0, n_products);
              guint p3 = g_rand_int_range (rand, 0, n_products);

              g_string_append_printf (text,
                "%s{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o_%d\",\"data\":{"
                "\"id\":\"o_%d\",\"number\":\"SO-2026-%07d\",\"dealer_id\":\"d_%d\","
                "\"status\":\"shipped\",\"created_at\":\"2026-%02d-%02dT08:00:00Z\","
                "\"client_order_id\":null,\"note\":\"请尽快发货\",\"total_fen\":60000,"
                "\"lines\":[{\"product_id\":\"p_%u\",\"qty\":10,\"unit_price_fen\":1000,"
                "\"total_fen\":10000},{\"product_id\":\"p_%u\",\"qty\":20,"
                "\"unit_price_fen\":1000,\"total_fen\":20000},{\"product_id\":\"p_%u\","
                "\"qty\":30,\"unit_price_fen\":1000,\"total_fen\":30000}]}}",
                i > first ? "," : "", i, i, i, i % 60, 1 + i % 12, 1 + i % 28, p1, p2, p3);
            }
          g_string_append (text, "],\"cursor\":\"o\",\"has_more\":true}");

          t0 = g_get_monotonic_time ();
          if (!json_parser_load_from_data (parser, text->str, text->len, &error))
            g_error ("%s", error->message);
          root = json_node_get_object (json_parser_get_root (parser));
          changes = json_object_get_array_member (root, "changes");
          t1 = g_get_monotonic_time ();
          o_decode += t1 - t0;
          c1 = cpu_us ();
          if (!qd_store_begin_page (store, &error))
            g_error ("%s", error->message);
          for (guint i = 0; i < json_array_get_length (changes); i++)
            {
              JsonObject *change = json_array_get_object_element (changes, i);

              if (!qd_store_apply_change (store, "order", "upsert",
                                          json_object_get_string_member (change, "id"),
                                          json_object_get_object_member (change, "data"),
                                          &error))
                g_error ("%s", error->message);
            }
          if (!qd_store_commit_page (store, "o", NULL, &error))
            g_error ("%s", error->message);
          o_apply += g_get_monotonic_time () - t1;
          o_cpu += cpu_us () - c1;
        }
      printf ("store: %d orders (%d lines): decode %.0f ms, apply %.0f ms (CPU %.0f ms)\n",
              n_orders, n_orders * 3, o_decode / 1000.0, o_apply / 1000.0, o_cpu / 1000.0);
      printf ("figure: store feed apply (orders of 3 lines, from memory) | %.0f | changes/s\n",
              n_orders / (o_apply / 1e6));
      printf ("figure: store feed apply (order lines, from memory) | %.0f | lines/s\n",
              3 * n_orders / (o_apply / 1e6));
      printf ("figure: store feed decode + apply (orders of 3 lines) | %.0f | changes/s\n",
              n_orders / ((o_decode + o_apply) / 1e6));
    }

  {
    struct stat st;

    if (g_stat (path, &st) == 0)
      printf ("figure: store cache file (%d products) | %.1f | MB\n", n_products,
              st.st_size / 1048576.0);
  }

  /* Warm up once (the first query pays for opening statements and the page cache). */
  for (guint q = 0; q < queries->len; q++)
    {
      QdProductQuery query = { .text = g_array_index (queries, Query, q).text };
      g_autoptr(GArray) ids = qd_store_search_rowids (store, &query, NULL, &error);
      g_assert_no_error (error);
    }

  printf ("store: search over %d products, limit 50, %d rounds (ms)\n", n_products, rounds);
  printf ("  %-15s %-20s %6s %8s %8s\n", "class", "query", "hits", "p50", "p95");
  {
    g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
    const char *klass = NULL;
    g_autoptr(GArray) class_times = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint q = 0; q <= queries->len; q++)
      {
        g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
        const Query *query_def = q < queries->len ? &g_array_index (queries, Query, q) : NULL;
        guint hits = 0;

        if (klass != NULL && (query_def == NULL || strcmp (klass, query_def->klass) != 0))
          {
            g_array_sort (class_times, compare_double);
            printf ("  %-15s %-20s %6s %8.3f %8.3f\n", klass, "(class)", "",
                    percentile (class_times, 0.5), percentile (class_times, 0.95));
            printf ("figure: store search %s p50 | %.3f | ms\n", klass,
                    percentile (class_times, 0.5));
            printf ("figure: store search %s p95 | %.3f | ms\n", klass,
                    percentile (class_times, 0.95));
            g_array_set_size (class_times, 0);
          }
        if (query_def == NULL)
          break;
        klass = query_def->klass;

        for (int r = 0; r < rounds; r++)
          {
            QdProductQuery query = { .text = query_def->text };
            g_autoptr(GPtrArray) found = NULL;
            double ms;

            /* Timed as the UI uses it: rowids and the visible rows' details. */
            t0 = g_get_monotonic_time ();
            found = qd_store_search_products (store, &query, &error);
            ms = (g_get_monotonic_time () - t0) / 1000.0;
            g_assert_no_error (error);
            hits = found->len;
            g_array_append_val (times, ms);
            g_array_append_val (class_times, ms);
            g_array_append_val (all, ms);
          }
        g_array_sort (times, compare_double);
        printf ("  %-15s %-20s %6u %8.3f %8.3f\n", "", query_def->text, hits,
                percentile (times, 0.5), percentile (times, 0.95));
      }
    g_array_sort (all, compare_double);
    printf ("  %-15s %-20s %6s %8.3f %8.3f\n", "all", "", "", percentile (all, 0.5),
            percentile (all, 0.95));
    printf ("figure: store search, all queries p95 (%d products) | %.3f | ms\n", n_products,
            percentile (all, 0.95));
  }

  g_clear_object (&store);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  if (out_dir == NULL)
    g_rmdir (dir);
  g_free (out_dir);
  g_array_unref (queries);
  g_ptr_array_unref (queries_text);
  return 0;
}
