/* bench-csv.c — reading and validating a dealer's stock CSV (issue 6: 20,000 lines ≤ 1 s)
 *
 * Generates a stock report of N lines (default 20,000: a Chinese header, a third of the
 * lines lot-tracked with lot and expiry, quantities with thousands separators and quoted
 * fields), then measures, best of R rounds:
 *
 *   - qd_csv_parse alone (UTF-8);
 *   - qd_stock_csv_validate with products looked up in a hash table (the ceiling: core's
 *     own cost), on the UTF-8 file and on the same file in GB18030;
 *   - qd_stock_csv_validate with products looked up in a real cache file through
 *     qd_store_get_product_by_sku, as qudao-cli and the app do.
 *
 * Prints figures ("figure: what | value | unit"), never passes or fails on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "qd-csv.h"
#include "qd-json.h"
#include "qd-store.h"

typedef struct
{
  char     *id;
  gboolean  lot_tracked;
} Product;

static void
product_free (gpointer data)
{
  Product *p = data;

  g_free (p->id);
  g_free (p);
}

static gboolean
hash_lookup_cb (const char   *sku,
                QdCsvProduct *out,
                gpointer      user_data)
{
  GHashTable *products = user_data;
  Product *p = g_hash_table_lookup (products, sku);

  if (p == NULL)
    return FALSE;
  out->product_id = g_strdup (p->id);
  out->lot_tracked = p->lot_tracked;
  out->active = TRUE;
  return TRUE;
}

static gboolean
store_lookup_cb (const char   *sku,
                 QdCsvProduct *out,
                 gpointer      user_data)
{
  g_autoptr(QdProductInfo) p = qd_store_get_product_by_sku (user_data, sku, NULL);

  if (p == NULL)
    return FALSE;
  out->product_id = g_strdup (p->id);
  out->lot_tracked = p->lot_tracked;
  out->active = p->active;
  return TRUE;
}

static void
figure (const char *what,
        double      value,
        const char *unit)
{
  printf ("figure: %s | %.4g | %s\n", what, value, unit);
}

static double
time_validate (const char         *data,
               gsize               length,
               QdCsvProductLookup  lookup,
               gpointer            user_data,
               int                 rounds,
               guint               expect_lines)
{
  double best = G_MAXDOUBLE;

  for (int r = 0; r < rounds; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdStockCsv) result = NULL;
      gint64 t0 = g_get_monotonic_time ();

      result = qd_stock_csv_validate (data, length, "2026-11-24", lookup, user_data, &error);
      best = MIN (best, (g_get_monotonic_time () - t0) / 1000.0);
      if (result == NULL)
        g_error ("validate: %s", error->message);
      if (result->issues->len != 0 || result->lines->len != expect_lines)
        g_error ("validate: %u issues, %u lines (expected %u)", result->issues->len,
                 result->lines->len, expect_lines);
    }
  return best;
}

int
main (int   argc,
      char *argv[])
{
  int n_lines = 20000;
  int rounds = 3;
  const GOptionEntry entries[] = {
    { "lines", 0, 0, G_OPTION_ARG_INT, &n_lines, "Lines of the stock CSV", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Best of R rounds", "R" },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = g_option_context_new ("— stock CSV benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("\xEF\xBB\xBF商品编码,数量,批号,有效期,备注\r\n");
  g_autoptr(GHashTable) products = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autofree char *gb = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *path = NULL;
  gsize gb_len = 0;
  double best;
  gint64 t0;

  g_option_context_add_main_entries (oc, entries, NULL);
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  n_lines = CLAMP (n_lines, 1, 1000000);
  rounds = CLAMP (rounds, 1, 100);

  /* One product per line, a third lot-tracked. */
  products = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, product_free);
  for (int i = 0; i < n_lines; i++)
    {
      Product *p = g_new0 (Product, 1);
      char *sku = g_strdup_printf ("SKU-%06d", i);

      p->lot_tracked = i % 3 == 0;
      g_hash_table_insert (products, sku, p);
      if (p->lot_tracked)
        g_string_append_printf (csv, "%s,\"%d,%03d\",LOT%05d,2027-%02d-%02d,医疗器械 批次\r\n",
                                sku, 1 + i % 9, i % 1000, i, 1 + i % 12, 1 + i % 28);
      else
        g_string_append_printf (csv, "%s,%d,,,\"备注, 含逗号\"\r\n", sku, i % 5000);
    }
  {
    GHashTableIter iter;
    gpointer key, value;
    int k = 0;

    g_hash_table_iter_init (&iter, products);
    while (g_hash_table_iter_next (&iter, &key, &value))
      ((Product *) value)->id = g_strdup_printf ("p_%d", k++);
  }
  gb = g_convert (csv->str + 3, csv->len - 3, "GB18030", "UTF-8", NULL, &gb_len, &error);
  g_assert_no_error (error);

  printf ("stock CSV: %d lines, %.2f MB UTF-8, %.2f MB GB18030, best of %d rounds\n",
          n_lines, csv->len / 1e6, gb_len / 1e6, rounds);

  best = G_MAXDOUBLE;
  for (int r = 0; r < rounds; r++)
    {
      g_autoptr(QdCsvTable) table = NULL;

      t0 = g_get_monotonic_time ();
      table = qd_csv_parse (csv->str, csv->len, &error);
      best = MIN (best, (g_get_monotonic_time () - t0) / 1000.0);
      g_assert_no_error (error);
      g_assert_cmpuint (table->rows->len, ==, (guint) n_lines + 1);
    }
  figure ("qd_csv_parse (UTF-8)", best, "ms");
  figure ("qd_csv_parse (UTF-8)", csv->len / 1e3 / best, "MB/s");

  best = time_validate (csv->str, csv->len, hash_lookup_cb, products, rounds, n_lines);
  figure ("parse + validate, hash lookup (UTF-8)", best, "ms");
  figure ("parse + validate, hash lookup (UTF-8)", n_lines / best * 1000.0, "lines/s");

  best = time_validate (gb, gb_len, hash_lookup_cb, products, rounds, n_lines);
  figure ("parse + validate, hash lookup (GB18030)", best, "ms");

  /* The same lines against a real cache file holding the products. */
  tmp = g_dir_make_tmp ("qudao-bench-csv-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (tmp, "cache.db", NULL);
  store = qd_store_open (path, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  g_assert_true (qd_store_begin_page (store, &error));
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, products);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        Product *p = value;
        g_autoptr(JsonObject) o = json_object_new ();

        json_object_set_string_member (o, "id", p->id);
        json_object_set_string_member (o, "sku", key);
        json_object_set_string_member (o, "name", "一次性使用无菌注射器");
        json_object_set_string_member (o, "spec", "5ml");
        json_object_set_int_member (o, "pack_size", 1);
        json_object_set_boolean_member (o, "lot_tracked", p->lot_tracked);
        json_object_set_boolean_member (o, "active", TRUE);
        if (!qd_store_apply_change (store, "product", "upsert", p->id, o, &error))
          g_error ("%s", error->message);
      }
  }
  g_assert_true (qd_store_commit_page (store, "bench", NULL, &error));
  printf ("cache filled with %d products in %.0f ms\n", n_lines,
          (g_get_monotonic_time () - t0) / 1000.0);

  best = time_validate (csv->str, csv->len, store_lookup_cb, store, rounds, n_lines);
  figure ("parse + validate, cache lookup (UTF-8)", best, "ms");
  figure ("parse + validate, cache lookup (UTF-8)", n_lines / best * 1000.0, "lines/s");

  g_clear_object (&store);
  {
    g_autoptr(GDir) dir = g_dir_open (tmp, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (tmp, name, NULL);

        g_remove (child);
      }
    g_rmdir (tmp);
  }
  return 0;
}
