/* bench-core.c — money and strict JSON decoding rates of libqudao-core
 *
 * Prints figures, never judges them. Every figure line reads
 *   figure: <what> | <value> | <unit>
 * which tools/run-bench.sh collects into one table.
 *
 * Usage: bench-core [--size-mb N] [--rounds N] [--money N] [--products N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "qd-forecast.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-order.h"
#include "qd-rebate.h"
#include "qd-reorder.h"

static const char *notes[] = {
  "请尽快发货，月底前需要补货。",
  "上次的包装有破损，这次请加固。",
  "送货前请先电话联系仓库王经理。",
  "促销活动用货，务必本周内到达。",
  "",
  "发票抬头：华东渠道贸易有限公司",
  "Please deliver to the north gate — 北门卸货",
  "急单！客户已付款，等货上架。",
};

static const char *statuses[] = { "submitted", "held", "approved", "shipped", "completed" };

static void
figure (const char *what,
        double      value,
        const char *unit)
{
  /* Whole numbers from 1,000 up; four significant digits below. */
  if (value >= 1000)
    printf ("figure: %s | %.0f | %s\n", what, value, unit);
  else
    printf ("figure: %s | %.4g | %s\n", what, value, unit);
}

static double
now (void)
{
  return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

/* A change-feed-like page of orders, about @target bytes. */
static GString *
make_page (gsize  target,
           guint *out_orders)
{
  GString *s = g_string_sized_new (target + 4096);
  GRand *rand = g_rand_new_with_seed (1124);
  guint n = 0;

  g_string_append (s, "{\"changes\":[");
  while (s->len < target)
    {
      int n_lines = g_rand_int_range (rand, 3, 11);
      gint64 total = 0;

      g_string_append_printf (s,
                              "%s{\"seq\":%u,\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o_%u\","
                              "\"data\":{\"id\":\"o_%u\",\"number\":\"SO-2026-%06u\","
                              "\"dealer_id\":\"d_%d\",\"status\":\"%s\","
                              "\"created_at\":\"2026-11-%02dT%02d:%02d:00Z\","
                              "\"client_order_id\":\"%08x-%04x-4%03x-8%03x-%08x%04x\","
                              "\"note\":\"%s\",\"lines\":[",
                              n ? "," : "", n + 1, n, n, n, g_rand_int_range (rand, 1, 3000),
                              statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))],
                              g_rand_int_range (rand, 1, 29), g_rand_int_range (rand, 0, 24),
                              g_rand_int_range (rand, 0, 60), g_rand_int (rand),
                              g_rand_int_range (rand, 0, 0x10000), g_rand_int_range (rand, 0, 0x1000),
                              g_rand_int_range (rand, 0, 0x1000), g_rand_int (rand),
                              g_rand_int_range (rand, 0, 0x10000),
                              notes[g_rand_int_range (rand, 0, G_N_ELEMENTS (notes))]);
      for (int l = 0; l < n_lines; l++)
        {
          gint64 qty = g_rand_int_range (rand, 1, 500);
          gint64 price = g_rand_int_range (rand, 100, 500000);

          total += qty * price;
          g_string_append_printf (s,
                                  "%s{\"product_id\":\"p_%d\",\"qty\":%" G_GINT64_FORMAT
                                  ",\"unit_price_fen\":%" G_GINT64_FORMAT
                                  ",\"total_fen\":%" G_GINT64_FORMAT "}",
                                  l ? "," : "", g_rand_int_range (rand, 1, 40000), qty, price,
                                  qty * price);
        }
      g_string_append_printf (s, "],\"total_fen\":%" G_GINT64_FORMAT ",\"held_reason\":null}}",
                              total);
      n++;
    }
  g_string_append (s, "],\"cursor\":\"c_end\",\"has_more\":false}");

  g_rand_free (rand);
  *out_orders = n;
  return s;
}

/* Touches every node the way a generic consumer would: the ceiling for any decoder
 * built on json-glib. */
static guint64
walk (JsonNode *node)
{
  guint64 sum = 1;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *child;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &child))
          sum += walk (child) + (guchar) name[0];
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);
        guint n = json_array_get_length (a);

        for (guint i = 0; i < n; i++)
          sum += walk (json_array_get_element (a, i));
      }
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          sum += (guint64) json_node_get_int (node);
          break;
        case G_TYPE_STRING:
          sum += strlen (json_node_get_string (node));
          break;
        default:
          sum += json_node_get_boolean (node);
          break;
        }
      break;
    default:
      break;
    }

  return sum;
}

static void
bench_money (guint n,
             guint rounds)
{
  g_autofree gint64 *values = g_new (gint64, n);
  g_autofree char **texts = g_new0 (char *, n);
  GRand *rand = g_rand_new_with_seed (42);
  double best_format = G_MAXDOUBLE, best_parse = G_MAXDOUBLE;
  guint64 check = 0;

  for (guint i = 0; i < n; i++)
    values[i] = (gint64) g_rand_int_range (rand, -1000000, 1000000) * g_rand_int_range (rand, 1, 1000);

  for (guint r = 0; r < rounds; r++)
    {
      double t0 = now ();

      for (guint i = 0; i < n; i++)
        {
          g_free (texts[i]);
          texts[i] = qd_money_format (values[i], QD_MONEY_FORMAT_DEFAULT);
        }
      best_format = MIN (best_format, now () - t0);

      t0 = now ();
      for (guint i = 0; i < n; i++)
        {
          gint64 fen = 0;

          if (!qd_money_parse (texts[i], &fen, NULL) || fen != values[i])
            g_error ("“%s” did not parse back", texts[i]);
          check += (guint64) fen;
        }
      best_parse = MIN (best_parse, now () - t0);
    }

  figure ("money format (¥1,234.50)", n / best_format / 1e6, "M/s");
  figure ("money parse (¥1,234.50)", n / best_parse / 1e6, "M/s");

  for (guint i = 0; i < n; i++)
    g_free (texts[i]);
  g_rand_free (rand);
  (void) check;
}

static void
bench_json (gsize  size_mb,
            guint  rounds)
{
  guint n_orders = 0;
  g_autoptr(GString) page = make_page (size_mb * 1000 * 1000, &n_orders);
  double mb = page->len / 1e6;
  double best_glib = G_MAXDOUBLE, best_walk = G_MAXDOUBLE;
  double best_strict = G_MAXDOUBLE, best_decode = G_MAXDOUBLE, best_scan = G_MAXDOUBLE;
  guint64 check = 0;

  printf ("page: %.1f MB, %u orders, %u rounds (best of)\n", mb, n_orders, rounds);

  for (guint r = 0; r < rounds; r++)
    {
      double t0;

      /* json-glib alone: parse, then parse + generic walk (the ceiling). */
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        double parsed;

        t0 = now ();
        if (!json_parser_load_from_data (parser, page->str, page->len, NULL))
          g_error ("json-glib refused the page");
        parsed = now ();
        check += walk (json_parser_get_root (parser));
        best_glib = MIN (best_glib, parsed - t0);
        best_walk = MIN (best_walk, now () - t0);
      }

      /* The strict scan alone. */
      t0 = now ();
      if (!qd_json_validate (page->str, page->len, NULL))
        g_error ("qd_json_validate refused the page");
      best_scan = MIN (best_scan, now () - t0);

      /* Ours: strict scan + json-glib parse, then the order codec over every order. */
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) root = NULL;
        JsonArray *changes;
        double parsed;
        guint n;

        t0 = now ();
        root = qd_json_parse (page->str, page->len, &error);
        if (root == NULL)
          g_error ("qd_json_parse refused the page: %s", error->message);
        parsed = now ();

        changes = json_object_get_array_member (json_node_get_object (root), "changes");
        n = json_array_get_length (changes);
        for (guint i = 0; i < n; i++)
          {
            JsonObject *change = json_array_get_object_element (changes, i);
            JsonObject *data = json_object_get_object_member (change, "data");
            g_autoptr(QdOrder) order = NULL;

            if (!qd_order_entity_parse (data, &order, &error))
              g_error ("order %u: %s", i, error->message);
            check += order->lines->len;
          }
        best_strict = MIN (best_strict, parsed - t0);
        best_decode = MIN (best_decode, now () - t0);
      }
    }

  figure ("json-glib parse", mb / best_glib, "MB/s");
  figure ("json-glib parse + walk (ceiling)", mb / best_walk, "MB/s");
  figure ("json-glib parse + walk (ceiling)", n_orders / best_walk, "orders/s");
  figure ("qd_json_validate (strict scan alone)", mb / best_scan, "MB/s");
  figure ("qd_json_parse (strict scan + json-glib)", mb / best_strict, "MB/s");
  figure ("qd_json_parse + qd_order_entity_parse", mb / best_decode, "MB/s");
  figure ("qd_json_parse + qd_order_entity_parse", n_orders / best_decode, "orders/s");
  figure ("strict decode vs ceiling", 100.0 * best_walk / best_decode, "%");
  (void) check;
}

/* The dealer dashboard's per-product math: a forecast from 36 months of seasonal, noisy
 * sell-through (Holt-Winters) or 12 months (simple smoothing), then a reorder suggestion;
 * and the rebate progress of the cart, recomputed on every change. */
static void
bench_reorder (guint n_products,
               guint rounds)
{
  g_autofree gint64 *history = g_new (gint64, (gsize) n_products * 36);
  GRand *rand = g_rand_new_with_seed (724);
  static const QdRebateTier tiers[] = { { 20000000, 100 }, { 50000000, 200 }, { 100000000, 300 } };
  g_autoptr(QdRebatePolicy) policy = qd_rebate_policy_new (tiers, G_N_ELEMENTS (tiers), NULL);
  double best_hw = G_MAXDOUBLE, best_simple = G_MAXDOUBLE, best_rebate = G_MAXDOUBLE;
  const guint n_rebate = 1000000;
  gint64 check = 0;

  for (guint p = 0; p < n_products; p++)
    {
      gint64 base = g_rand_int_range (rand, 1, 500);

      for (guint t = 0; t < 36; t++)
        {
          /* A yearly wave of ±40 % and ±20 % noise, never negative. */
          double season = 1.0 + 0.4 * ((t % 12) < 6 ? (t % 12) / 6.0 : (12 - t % 12) / 6.0 - 0.5);
          history[(gsize) p * 36 + t] = (gint64) (base * season * g_rand_double_range (rand, 0.8, 1.2));
        }
    }

  for (guint r = 0; r < rounds; r++)
    {
      for (guint months = 12; months <= 36; months += 24)
        {
          double t0 = now ();

          for (guint p = 0; p < n_products; p++)
            {
              g_autoptr(GError) error = NULL;
              g_autoptr(QdForecast) f = qd_forecast_new (&history[(gsize) p * 36 + 36 - months],
                                                         months, &error);
              QdReorderInput in = { .lead_time_days = 21, .safety_days = 14,
                                    .on_hand = history[(gsize) p * 36] / 2, .on_order = 0,
                                    .pack_size = 12 };
              QdReorderSuggestion s;

              if (f == NULL || !qd_reorder_suggest (f, &in, &s, &error))
                g_error ("product %u: %s", p, error->message);
              check += s.quantity;
            }
          if (months == 12)
            best_simple = MIN (best_simple, now () - t0);
          else
            best_hw = MIN (best_hw, now () - t0);
        }

      {
        double t0 = now ();

        for (guint i = 0; i < n_rebate; i++)
          {
            QdRebateProgress progress;

            qd_rebate_policy_progress (policy, (gint64) i * 137, &progress);
            check += progress.projected_fen;
          }
        best_rebate = MIN (best_rebate, now () - t0);
      }
    }

  figure ("forecast (simple, 12 months) + reorder", n_products / best_simple, "products/s");
  figure ("forecast (Holt-Winters, 36 months) + reorder", n_products / best_hw, "products/s");
  figure ("forecast (Holt-Winters) + reorder, a dealer of 3,000 products", 3000.0 / (n_products / best_hw) * 1e3, "ms");
  figure ("rebate progress (3 tiers)", n_rebate / best_rebate / 1e6, "M/s");

  g_rand_free (rand);
  (void) check;
}

int
main (int   argc,
      char *argv[])
{
  gint size_mb = 50;
  gint rounds = 3;
  gint money = 1000000;
  gint products = 30000;
  GOptionEntry entries[] = {
    { "money", 0, 0, G_OPTION_ARG_INT, &money, "Amounts to format and parse", "N" },
    { "size-mb", 0, 0, G_OPTION_ARG_INT, &size_mb, "Size of the JSON page (MB)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Repetitions; the best is reported", "N" },
    { "products", 0, 0, G_OPTION_ARG_INT, &products, "Products to forecast and reorder", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— libqudao-core benchmark");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (size_mb < 1 || size_mb > 1000 || rounds < 1 || rounds > 20 || money < 1
      || money > 100000000 || products < 1 || products > 10000000)
    {
      g_printerr ("--size-mb must be 1–1000, --rounds 1–20, --money 1–100000000, "
                  "--products 1–10000000\n");
      return 2;
    }

  bench_money ((guint) money, (guint) rounds);
  bench_json ((gsize) size_mb, (guint) rounds);
  bench_reorder ((guint) products, (guint) rounds);
  return 0;
}
