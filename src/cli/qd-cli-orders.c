/* qd-cli-orders.c — catalog search, order add/import/cancel, orders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "qd-cli-private.h"
#include "qd-csv.h"
#include "qd-money.h"
#include "qd-mutation.h"
#include "qd-store.h"

/* Prints at most this many bad lines of a file; the count of the rest follows. */
#define MAX_REPORTED_LINES 50

/* catalog search ----------------------------------------------------------------------- */

static void
add_string_or_null (JsonBuilder *b,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

int
qd_cli_cmd_catalog_search (QdCliContext *ctx,
                           int           argc,
                           char        **argv)
{
  g_autofree char *category = NULL;
  int limit = 20;
  const GOptionEntry entries[] = {
    { "category", 'c', 0, G_OPTION_ARG_STRING, &category,
      N_("Only products of this category"), N_("C") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit,
      N_("Show at most N products (default 20)"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *text = NULL;
  QdProductQuery query = { 0 };
  QdStore *store;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, _("TEXT"),
                             _("Search the cached catalog by name, SKU, barcode, 助记码 or "
                               "pinyin initials."), &code))
    return code;

  if (argc < 2)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("What to search for is missing"));
  if (limit < 1 || limit > 1000)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("--limit must be between 1 and 1000"));
  /* Several words without quotes are one search. */
  text = g_strjoinv (" ", argv + 1);
  if (!g_utf8_validate (text, -1, NULL))
    return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("The search text is not valid UTF-8"));

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);

  query.text = text;
  query.category = category;
  query.limit = limit;
  found = qd_store_search_products (store, &query, &error);
  if (found == NULL)
    return qd_cli_fail_error (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "products");
      json_builder_begin_array (b);
      for (guint i = 0; i < found->len; i++)
        {
          const QdProductInfo *p = g_ptr_array_index (found, i);

          json_builder_begin_object (b);
          add_string_or_null (b, "id", p->id);
          add_string_or_null (b, "sku", p->sku);
          add_string_or_null (b, "name", p->name);
          add_string_or_null (b, "spec", p->spec);
          add_string_or_null (b, "category", p->category);
          add_string_or_null (b, "unit", p->unit);
          json_builder_set_member_name (b, "pack_size");
          json_builder_add_int_value (b, p->pack_size);
          add_string_or_null (b, "barcode", p->barcode);
          add_string_or_null (b, "mnemonic", p->mnemonic);
          json_builder_set_member_name (b, "lot_tracked");
          json_builder_add_boolean_value (b, p->lot_tracked);
          json_builder_set_member_name (b, "active");
          json_builder_add_boolean_value (b, p->active);
          json_builder_set_member_name (b, "price_fen");
          if (p->price_fen >= 0)
            json_builder_add_int_value (b, p->price_fen);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
      return QD_CLI_EXIT_OK;
    }

  if (found->len == 0)
    {
      g_autofree char *excerpt = _qd_cli_excerpt (text);

      if (_qd_cli_catalog_empty (store))
        g_printerr (_("No products match “%s”: the catalog is empty until the first "
                      "“qudao-cli sync”.\n"), excerpt);
      else
        g_printerr (_("No products match “%s”.\n"), excerpt);
      return QD_CLI_EXIT_OK;
    }

  for (guint i = 0; i < found->len; i++)
    {
      const QdProductInfo *p = g_ptr_array_index (found, i);
      g_autofree char *price = p->price_fen >= 0 ? qd_money_format (p->price_fen, 0)
                                                 : g_strdup (_("no price"));

      printf ("%s\t%s%s%s\t%s\t%s", p->sku, p->name, *p->spec ? " " : "", p->spec,
              p->unit, price);
      if (p->pack_size > 1)
        {
          g_autofree char *pack = g_strdup_printf ("%" G_GINT64_FORMAT, p->pack_size);

          printf ("\t");
          printf (_("pack of %s"), pack);
        }
      if (p->lot_tracked)
        printf ("\t%s", _("lot-tracked"));
      if (!p->active)
        printf ("\t%s", _("no longer sold"));
      printf ("\n");
    }
  return QD_CLI_EXIT_OK;
}

/* Validating order lines --------------------------------------------------------------- */

typedef struct
{
  char   *sku;          /* as the product has it */
  char   *product_id;
  gint64  qty;
  guint   line;         /* CSV line, 0 for command-line arguments */
} OrderLine;

static void
order_line_clear (gpointer data)
{
  OrderLine *l = data;

  g_free (l->sku);
  g_free (l->product_id);
}

/* Checks one line against the cache the way the server will; on a problem returns the
 * message (translated, naming the SKU), else fills @out. */
static char *
check_order_line (QdStore     *store,
                  const char  *sku,
                  gint64       qty,
                  OrderLine   *out,
                  gboolean    *out_qty_problem,
                  GError     **fatal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductInfo) p = NULL;
  g_autofree char *excerpt = _qd_cli_excerpt (sku);

  p = qd_store_get_product_by_sku (store, sku, &error);
  if (p == NULL)
    {
      if (!g_error_matches (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (fatal, g_steal_pointer (&error));
          return NULL;
        }
      if (_qd_cli_catalog_empty (store))
        return g_strdup_printf (_("unknown SKU “%s” (the catalog is empty until the first "
                                  "“qudao-cli sync”)"), excerpt);
      return g_strdup_printf (_("unknown SKU “%s”"), excerpt);
    }
  if (!p->active)
    return g_strdup_printf (_("SKU “%s” (%s) is no longer sold"), p->sku, p->name);
  if (qty <= 0 || (p->pack_size > 1 && qty % p->pack_size != 0))
    {
      if (out_qty_problem != NULL)
        *out_qty_problem = TRUE;
      g_autofree char *q = g_strdup_printf ("%" G_GINT64_FORMAT, qty);
      g_autofree char *pack = g_strdup_printf ("%" G_GINT64_FORMAT, p->pack_size);

      if (qty <= 0)
        return g_strdup_printf (_("SKU “%s”: the quantity must be at least 1, not %s"),
                                p->sku, q);
      return g_strdup_printf (_("SKU “%s”: the quantity %s is not a multiple of the pack "
                                "size %s %s"), p->sku, q, pack, p->unit);
    }

  out->sku = g_strdup (p->sku);
  out->product_id = g_strdup (p->id);
  out->qty = qty;
  return NULL;
}

static gboolean
check_text (QdCliContext *ctx,
            const char   *what,
            const char   *text,
            int          *code)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    {
      *code = qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("The %s is not valid UTF-8"), what);
      return FALSE;
    }
  if (g_utf8_strlen (text, -1) > QD_TEXT_MAX_CHARS)
    {
      *code = qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("The %s is longer than %d characters"),
                           what, QD_TEXT_MAX_CHARS);
      return FALSE;
    }
  return TRUE;
}

/* Queues the order and prints its id. */
static int
queue_order (QdCliContext *ctx,
             QdStore      *store,
             GArray       *lines,
             const char   *note,
             const char   *date)
{
  g_autoptr(GError) error = NULL;
  g_autofree QdOrderLineInput *input = g_new0 (QdOrderLineInput, MAX (lines->len, 1));
  g_autofree char *order_id = NULL;
  g_autoptr(QdOrderInfo) info = NULL;

  for (guint i = 0; i < lines->len; i++)
    {
      input[i].product_id = g_array_index (lines, OrderLine, i).product_id;
      input[i].qty = g_array_index (lines, OrderLine, i).qty;
    }

  order_id = qd_store_queue_order (store, input, lines->len, note, date, &error);
  if (order_id == NULL)
    return qd_cli_fail_error (ctx, error);

  info = qd_store_get_order (store, order_id, NULL, NULL);
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_string_or_null (b, "order_id", order_id);
      add_string_or_null (b, "status", info != NULL ? info->status : "queued");
      json_builder_set_member_name (b, "lines");
      json_builder_add_int_value (b, lines->len);
      json_builder_set_member_name (b, "expected_total_fen");
      json_builder_add_int_value (b, info != NULL ? info->total_fen : 0);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
    }
  else
    {
      /* Only the id on stdout, so that `id=$(qudao-cli order add …)` works. */
      printf ("%s\n", order_id);
      if (info != NULL)
        {
          g_autofree char *total = qd_money_format (info->total_fen, 0);

          g_printerr (ngettext ("Order queued: %u line, %s at cached prices; it is sent at the "
                                "next sync.\n",
                                "Order queued: %u lines, %s at cached prices; it is sent at the "
                                "next sync.\n", lines->len), lines->len, total);
        }
    }
  return QD_CLI_EXIT_OK;
}

static gboolean
check_duplicates (QdCliContext *ctx,
                  GArray       *lines,
                  const char   *file,
                  int          *code)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < lines->len; i++)
    {
      OrderLine *l = &g_array_index (lines, OrderLine, i);
      OrderLine *other = g_hash_table_lookup (seen, l->product_id);

      if (other == NULL)
        {
          g_hash_table_insert (seen, l->product_id, l);
          continue;
        }
      if (file != NULL)
        *code = qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                             _("%s line %u: SKU “%s” is already on line %u; give each "
                               "product once"), file, l->line, l->sku, other->line);
      else
        *code = qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                             _("SKU “%s” is given twice; give each product once with its "
                               "total quantity"), l->sku);
      return FALSE;
    }
  return TRUE;
}

int
qd_cli_cmd_order_add (QdCliContext *ctx,
                      int           argc,
                      char        **argv)
{
  g_autofree char *note = NULL;
  g_autofree char *date = NULL;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note for the brand"), N_("TEXT") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The delivery date wished"),
      N_("YYYY-MM-DD") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lines = NULL;
  QdStore *store;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, _("SKU:QTY…"),
                             _("Queue an order (works offline) and print its local id. Each "
                               "line is a SKU and a quantity: YL-001:12."), &code))
    return code;

  if (argc < 2)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("No lines given: write SKU:QTY, e.g. "
                                                  "YL-001:12"));
  if (argc - 1 > QD_LINES_MAX)
    return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("An order can have at most %d lines"),
                        QD_LINES_MAX);
  if (!check_text (ctx, _("note"), note, &code))
    return code;
  if (date != NULL)
    {
      g_autofree char *iso = NULL;

      if (!qd_csv_parse_date (date, &iso, &error))
        return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, "--date: %s", error->message);
      g_free (date);
      date = g_steal_pointer (&iso);
    }

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);

  lines = g_array_new (FALSE, TRUE, sizeof (OrderLine));
  g_array_set_clear_func (lines, order_line_clear);

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *colon = strrchr (arg, ':');
      g_autofree char *excerpt = _qd_cli_excerpt (arg);
      g_autofree char *sku = NULL;
      g_autofree char *problem = NULL;
      g_autoptr(GError) qty_error = NULL;
      OrderLine line = { 0 };
      gint64 qty = 0;

      if (colon == NULL || colon == arg)
        return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                            _("“%s” is not SKU:QTY (e.g. YL-001:12)"), excerpt);
      sku = g_strndup (arg, colon - arg);
      g_strstrip (sku);
      if (!qd_csv_parse_qty (colon + 1, &qty, &qty_error))
        {
          g_autofree char *sku_excerpt = _qd_cli_excerpt (sku);

          return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("SKU “%s”: %s"), sku_excerpt,
                              qty_error->message);
        }

      problem = check_order_line (store, sku, qty, &line, NULL, &error);
      if (error != NULL)
        return qd_cli_fail_error (ctx, error);
      if (problem != NULL)
        return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, "%s", problem);
      g_array_append_val (lines, line);
    }

  if (!check_duplicates (ctx, lines, NULL, &code))
    return code;

  return queue_order (ctx, store, lines, note, date);
}

int
qd_cli_cmd_order_import (QdCliContext *ctx,
                         int           argc,
                         char        **argv)
{
  static const QdCsvColumn positional[] = {
    QD_CSV_COL_SKU, QD_CSV_COL_QTY, QD_CSV_COL_NOTE, QD_CSV_N_COLS,
  };
  static const QdCsvColumn required[] = { QD_CSV_COL_SKU, QD_CSV_COL_QTY, QD_CSV_N_COLS };
  g_autofree char *note = NULL;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note,
      N_("A note for the brand (instead of the file's note column)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdCsvTable) table = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autoptr(GString) notes = NULL;
  g_autofree char *data = NULL;
  g_autofree char *file = NULL;
  QdCsvColumns cols;
  QdStore *store;
  gsize length = 0;
  guint n_bad = 0;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, _("FILE.csv"),
                             _("Queue one order from a CSV file: columns sku, qty and "
                               "optionally note, by header (sku/商品编码/编码, qty/数量, "
                               "note/备注) or in that order. UTF-8 or GB18030."), &code))
    return code;

  if (argc != 2)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Give exactly one CSV file"));
  if (!check_text (ctx, _("note"), note, &code))
    return code;

  file = strcmp (argv[1], "-") == 0 ? g_strdup (_("standard input"))
                                   : g_filename_display_name (argv[1]);
  if (!_qd_cli_read_file (argv[1], &data, &length, &error))
    return qd_cli_fail_error (ctx, error);

  table = qd_csv_parse (data, length, &error);
  if (table == NULL || !qd_csv_detect_columns (table, positional, required, &cols, &error))
    return qd_cli_fail (ctx, qd_cli_exit_code_for_error (error), "%s: %s", file,
                        error->message);
  if (table->from_gb18030)
    g_printerr (_("%s is not UTF-8; read it as GB18030.\n"), file);
  if (table->rows->len <= (cols.has_header ? 1u : 0u))
    return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("%s: the file has no order lines"), file);
  if (table->rows->len - (cols.has_header ? 1 : 0) > QD_LINES_MAX)
    return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("%s: an order can have at most %d lines"),
                        file, QD_LINES_MAX);

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);

  lines = g_array_new (FALSE, TRUE, sizeof (OrderLine));
  g_array_set_clear_func (lines, order_line_clear);
  notes = g_string_new (NULL);

  /* Every bad line is reported, not only the first: the user fixes the file once. */
  for (guint r = cols.has_header ? 1 : 0; r < table->rows->len; r++)
    {
      const QdCsvRow *row = g_ptr_array_index (table->rows, r);
      g_autofree char *sku = qd_csv_row_get (row, cols.index[QD_CSV_COL_SKU]);
      g_autofree char *qty_text = qd_csv_row_get (row, cols.index[QD_CSV_COL_QTY]);
      g_autofree char *row_note = qd_csv_row_get (row, cols.index[QD_CSV_COL_NOTE]);
      g_autoptr(GError) qty_error = NULL;
      g_autofree char *problem = NULL;
      guint column = cols.index[QD_CSV_COL_SKU] + 1;
      OrderLine line = { 0 };
      gint64 qty = 0;

      if (*sku == '\0')
        problem = g_strdup (_("the SKU is empty"));
      else if (!qd_csv_parse_qty (qty_text, &qty, &qty_error))
        {
          problem = g_strdup (qty_error->message);
          column = cols.index[QD_CSV_COL_QTY] + 1;
        }
      else
        {
          gboolean qty_problem = FALSE;

          problem = check_order_line (store, sku, qty, &line, &qty_problem, &error);
          if (error != NULL)
            return qd_cli_fail_error (ctx, error);
          if (qty_problem)
            column = cols.index[QD_CSV_COL_QTY] + 1;
        }

      if (problem != NULL)
        {
          if (++n_bad <= MAX_REPORTED_LINES)
            qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("%s line %u, column %u (%s): %s"), file,
                         row->line, column,
                         qd_csv_column_name (column == (guint) cols.index[QD_CSV_COL_SKU] + 1
                                             ? QD_CSV_COL_SKU : QD_CSV_COL_QTY),
                         problem);
          continue;
        }

      line.line = row->line;
      g_array_append_val (lines, line);
      if (*row_note != '\0' && note == NULL && strstr (notes->str, row_note) == NULL)
        {
          if (notes->len > 0)
            g_string_append (notes, "; ");
          g_string_append (notes, row_note);
        }
    }

  if (n_bad > 0)
    {
      if (n_bad > MAX_REPORTED_LINES)
        qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, ngettext ("%s: %u more bad line not shown",
                                                         "%s: %u more bad lines not shown",
                                                         n_bad - MAX_REPORTED_LINES), file,
                     n_bad - MAX_REPORTED_LINES);
      return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                          ngettext ("%s: %u bad line; nothing was queued",
                                    "%s: %u bad lines; nothing was queued", n_bad),
                          file, n_bad);
    }
  if (!check_duplicates (ctx, lines, file, &code))
    return code;

  if (note == NULL && notes->len > 0)
    {
      note = g_string_free (g_steal_pointer (&notes), FALSE);
      if (!check_text (ctx, _("note"), note, &code))
        return code;
    }
  return queue_order (ctx, store, lines, note, NULL);
}

/* orders ------------------------------------------------------------------------------- */

static const char * const order_statuses[] = {
  "queued", "sending", "rejected", "submitted", "held", "approved", "shipped", "completed",
  "cancelled", NULL,
};

static void
add_order_json (JsonBuilder       *b,
                const QdOrderInfo *o)
{
  json_builder_begin_object (b);
  add_string_or_null (b, "id", o->id);
  add_string_or_null (b, "number", o->number);
  add_string_or_null (b, "status", o->status);
  add_string_or_null (b, "created_at", o->created_at);
  add_string_or_null (b, "note", o->note);
  add_string_or_null (b, "requested_date", o->requested_date);
  json_builder_set_member_name (b, "total_fen");
  json_builder_add_int_value (b, o->total_fen);
  json_builder_set_member_name (b, "lines");
  json_builder_add_int_value (b, o->n_lines);
  json_builder_set_member_name (b, "local");
  json_builder_add_boolean_value (b, o->is_local);
  add_string_or_null (b, "held_reason", o->held_reason);
  add_string_or_null (b, "reject_code", o->reject_code);
  add_string_or_null (b, "reject_message", o->reject_message);
  add_string_or_null (b, "pending", o->pending_mutation);
  json_builder_end_object (b);
}

int
qd_cli_cmd_orders (QdCliContext *ctx,
                   int           argc,
                   char        **argv)
{
  g_autofree char *status = NULL;
  int limit = 0;
  const GOptionEntry entries[] = {
    { "status", 's', 0, G_OPTION_ARG_STRING, &status,
      N_("Only orders in this state: queued, sending, rejected, submitted, held, approved, "
         "shipped, completed, cancelled"), N_("S") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Show at most N orders"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  QdOrderQuery query = { 0 };
  QdStore *store;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, NULL,
                             _("List the orders in the cache, newest first."), &code))
    return code;
  if (argc > 1)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Unexpected argument “%s”"), argv[1]);
  if (status != NULL && !g_strv_contains (order_statuses, status))
    {
      g_autofree char *excerpt = _qd_cli_excerpt (status);
      g_autofree char *all = g_strjoinv (", ", (char **) order_statuses);

      return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Unknown status “%s”: use one of %s"),
                          excerpt, all);
    }
  if (limit < 0)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("--limit must not be negative"));

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);

  query.status = status;
  query.limit = limit;
  orders = qd_store_list_orders (store, &query, &error);
  if (orders == NULL)
    return qd_cli_fail_error (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "orders");
      json_builder_begin_array (b);
      for (guint i = 0; i < orders->len; i++)
        add_order_json (b, g_ptr_array_index (orders, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
      return QD_CLI_EXIT_OK;
    }

  for (guint i = 0; i < orders->len; i++)
    {
      const QdOrderInfo *o = g_ptr_array_index (orders, i);
      g_autofree char *total = qd_money_format (o->total_fen, 0);

      printf ("%s\t%s\t%s\t%s\t%s\t%u\n", o->id, o->number != NULL ? o->number : "-",
              o->status, o->created_at, total, o->n_lines);
      if (o->reject_message != NULL)
        printf ("\t%s: %s\n", o->reject_code != NULL ? o->reject_code : "", o->reject_message);
      else if (o->held_reason != NULL)
        printf ("\t%s\n", o->held_reason);
    }
  if (orders->len == 0)
    g_printerr ("%s\n", _("No orders."));
  return QD_CLI_EXIT_OK;
}

/* order cancel ------------------------------------------------------------------------- */

/* The order named by a user: its id (server or local), or its official number. */
static char *
resolve_order (QdStore     *store,
               const char  *name,
               GError     **error)
{
  g_autoptr(QdOrderInfo) info = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) local_error = NULL;
  QdOrderQuery query = { 0 };

  info = qd_store_get_order (store, name, NULL, &local_error);
  if (info != NULL)
    return g_strdup (info->id);
  if (!g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  query.text = name;
  found = qd_store_list_orders (store, &query, error);
  if (found == NULL)
    return NULL;
  for (guint i = 0; i < found->len; i++)
    {
      const QdOrderInfo *o = g_ptr_array_index (found, i);

      if (g_strcmp0 (o->number, name) == 0)
        return g_strdup (o->id);
    }

  {
    g_autofree char *excerpt = _qd_cli_excerpt (name);

    g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                 _("There is no order “%s” in the cache (see “qudao-cli orders”)"), excerpt);
  }
  return NULL;
}

int
qd_cli_cmd_order_cancel (QdCliContext *ctx,
                         int           argc,
                         char        **argv)
{
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the order is cancelled"),
      N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdOrderInfo) after = NULL;
  g_autofree char *id = NULL;
  QdStore *store;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, _("ID"),
                             _("Cancel an order: a queued one is removed at once; a submitted "
                               "or held one is cancelled at the next sync."), &code))
    return code;
  if (argc != 2)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Give exactly one order id or number"));
  if (!check_text (ctx, _("reason"), reason, &code))
    return code;

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);

  id = resolve_order (store, argv[1], &error);
  if (id == NULL)
    return qd_cli_fail_error (ctx, error);
  if (!qd_store_cancel_order (store, id, reason != NULL ? reason : "", &error))
    return qd_cli_fail_error (ctx, error);

  after = qd_store_get_order (store, id, NULL, NULL);
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_string_or_null (b, "order_id", id);
      /* A queued order the server never saw is simply gone. */
      add_string_or_null (b, "status", after != NULL ? after->status : "removed");
      add_string_or_null (b, "pending", after != NULL ? after->pending_mutation : NULL);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
    }
  else if (after == NULL)
    printf (_("Order %s removed: it had not been sent yet.\n"), id);
  else
    printf (_("Order %s: cancellation queued; it is sent at the next sync.\n"), id);
  return QD_CLI_EXIT_OK;
}
