/* qd-cli-stock.c — stock report FILE.csv
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "qd-cli-private.h"
#include "qd-csv.h"
#include "qd-json.h"
#include "qd-mutation.h"
#include "qd-store.h"

/* Prints at most this many bad lines; the count of the rest follows. */
#define MAX_REPORTED_LINES 50

typedef struct
{
  QdStore    *store;
  GHashTable *seen;    /* SKU → QdCsvProduct* (NULL: unknown), for files with many lots */
  GError     *error;   /* the first store failure (not an unknown SKU) */
} Lookup;

static void
cached_product_free (gpointer data)
{
  QdCsvProduct *p = data;

  if (p != NULL)
    g_free (p->product_id);
  g_free (p);
}

static gboolean
lookup_product_cb (const char   *sku,
                   QdCsvProduct *out,
                   gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductInfo) p = NULL;
  QdCsvProduct *cached = NULL;
  gpointer value;

  if (lookup->error != NULL)
    return FALSE;

  if (g_hash_table_lookup_extended (lookup->seen, sku, NULL, &value))
    cached = value;
  else
    {
      p = qd_store_get_product_by_sku (lookup->store, sku, &error);
      if (p == NULL && !g_error_matches (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND))
        {
          lookup->error = g_steal_pointer (&error);
          return FALSE;
        }
      if (p != NULL)
        {
          cached = g_new0 (QdCsvProduct, 1);
          cached->product_id = g_strdup (p->id);
          cached->lot_tracked = p->lot_tracked;
          cached->active = p->active;
        }
      g_hash_table_insert (lookup->seen, g_strdup (sku), cached);
    }

  if (cached == NULL)
    return FALSE;
  out->product_id = g_strdup (cached->product_id);
  out->lot_tracked = cached->lot_tracked;
  out->active = cached->active;
  return TRUE;
}

static const char *
issue_kind_name (QdCsvIssueKind kind)
{
  switch (kind)
    {
    case QD_CSV_ISSUE_UNKNOWN_SKU: return "unknown_sku";
    case QD_CSV_ISSUE_MISSING_SKU: return "missing_sku";
    case QD_CSV_ISSUE_BAD_QTY: return "bad_qty";
    case QD_CSV_ISSUE_NEGATIVE_QTY: return "negative_qty";
    case QD_CSV_ISSUE_BAD_EXPIRY: return "bad_expiry";
    case QD_CSV_ISSUE_PAST_EXPIRY: return "past_expiry";
    case QD_CSV_ISSUE_MISSING_LOT: return "missing_lot";
    case QD_CSV_ISSUE_MISSING_EXPIRY: return "missing_expiry";
    case QD_CSV_ISSUE_BAD_LOT: return "bad_lot";
    case QD_CSV_ISSUE_DUPLICATE: return "duplicate";
    default: return "invalid";
    }
}

static const char *
issue_column_name (QdCsvIssueKind kind)
{
  switch (kind)
    {
    case QD_CSV_ISSUE_UNKNOWN_SKU:
    case QD_CSV_ISSUE_MISSING_SKU:
    case QD_CSV_ISSUE_DUPLICATE:
      return qd_csv_column_name (QD_CSV_COL_SKU);
    case QD_CSV_ISSUE_BAD_QTY:
    case QD_CSV_ISSUE_NEGATIVE_QTY:
      return qd_csv_column_name (QD_CSV_COL_QTY);
    case QD_CSV_ISSUE_BAD_EXPIRY:
    case QD_CSV_ISSUE_PAST_EXPIRY:
    case QD_CSV_ISSUE_MISSING_EXPIRY:
      return qd_csv_column_name (QD_CSV_COL_EXPIRY);
    case QD_CSV_ISSUE_MISSING_LOT:
    case QD_CSV_ISSUE_BAD_LOT:
    default:
      return qd_csv_column_name (QD_CSV_COL_LOT);
    }
}

int
qd_cli_cmd_stock_report (QdCliContext *ctx,
                         int           argc,
                         char        **argv)
{
  g_autofree char *as_of_arg = NULL;
  gboolean check_only = FALSE;
  const GOptionEntry entries[] = {
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of_arg,
      N_("The date the stock was counted (default: today; not in the future)"),
      N_("YYYY-MM-DD") },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check_only,
      N_("Only check the file and report its bad lines; queue nothing"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStockCsv) result = NULL;
  g_autofree char *data = NULL;
  g_autofree char *file = NULL;
  g_autofree char *today = _qd_cli_today ();
  g_autofree char *as_of = NULL;
  g_autofree char *report_id = NULL;
  g_autofree QdStockLineInput *input = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       cached_product_free);
  Lookup lookup = { NULL, seen, NULL };
  gsize length = 0;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, _("FILE.csv"),
                             _("Queue a stock report from a CSV file: columns sku, qty, and "
                               "lot, expiry for lot-tracked products; by header (sku/商品编码, "
                               "qty/数量, lot/批号, expiry/有效期) or in that order. UTF-8 or "
                               "GB18030. Every bad line is reported and nothing is queued "
                               "until all are right."), &code))
    return code;
  if (argc != 2)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Give exactly one CSV file"));

  if (as_of_arg != NULL)
    {
      if (!qd_csv_parse_date (as_of_arg, &as_of, &error))
        return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, "--as-of: %s", error->message);
      if (strcmp (as_of, today) > 0)
        return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                            _("--as-of: %s is in the future (today is %s)"), as_of, today);
    }
  else
    as_of = g_strdup (today);

  file = strcmp (argv[1], "-") == 0 ? g_strdup (_("standard input"))
                                   : g_filename_display_name (argv[1]);
  if (!_qd_cli_read_file (argv[1], &data, &length, &error))
    return qd_cli_fail_error (ctx, error);

  lookup.store = qd_cli_context_get_store (ctx, &error);
  if (lookup.store == NULL)
    return qd_cli_fail_error (ctx, error);

  result = qd_stock_csv_validate (data, length, as_of, lookup_product_cb, &lookup, &error);
  if (lookup.error != NULL)
    {
      code = qd_cli_fail_error (ctx, lookup.error);
      g_clear_error (&lookup.error);
      return code;
    }
  if (result == NULL)
    return qd_cli_fail (ctx, qd_cli_exit_code_for_error (error), "%s: %s", file,
                        error->message);
  if (result->from_gb18030)
    g_printerr (_("%s is not UTF-8; read it as GB18030.\n"), file);

  if (result->issues->len > 0)
    {
      if (ctx->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "issues");
          json_builder_begin_array (b);
          for (guint i = 0; i < result->issues->len; i++)
            {
              const QdCsvIssue *issue = &g_array_index (result->issues, QdCsvIssue, i);

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "line");
              json_builder_add_int_value (b, issue->line);
              json_builder_set_member_name (b, "column");
              json_builder_add_int_value (b, issue->column);
              json_builder_set_member_name (b, "kind");
              json_builder_add_string_value (b, issue_kind_name (issue->kind));
              json_builder_set_member_name (b, "message");
              json_builder_add_string_value (b, issue->message);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
          qd_cli_print_json (ctx, json_builder_get_root (b));
        }

      for (guint i = 0; i < result->issues->len && i < MAX_REPORTED_LINES; i++)
        {
          const QdCsvIssue *issue = &g_array_index (result->issues, QdCsvIssue, i);

          if (issue->column > 0)
            qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("%s line %u, column %u (%s): %s"), file,
                         issue->line, issue->column, issue_column_name (issue->kind),
                         issue->message);
          else
            qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("%s line %u: %s"), file, issue->line,
                         issue->message);
        }
      if (result->issues->len > MAX_REPORTED_LINES)
        qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, ngettext ("%s: %u more problem not shown",
                                                         "%s: %u more problems not shown",
                                                         result->issues->len - MAX_REPORTED_LINES),
                     file,
                     result->issues->len - MAX_REPORTED_LINES);
      return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                          ngettext ("%s: %u problem; nothing was queued",
                                    "%s: %u problems; nothing was queued", result->issues->len),
                          file,
                          result->issues->len);
    }

  if (result->lines->len > QD_LINES_MAX)
    return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                        _("%s: a stock report can have at most %d lines"), file, QD_LINES_MAX);

  if (check_only)
    {
      if (ctx->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "issues");
          json_builder_begin_array (b);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "lines");
          json_builder_add_int_value (b, result->lines->len);
          json_builder_end_object (b);
          qd_cli_print_json (ctx, json_builder_get_root (b));
        }
      else
        printf (ngettext ("%s: %u line, correct.\n", "%s: %u lines, all correct.\n",
                          result->lines->len), file, result->lines->len);
      return QD_CLI_EXIT_OK;
    }

  input = g_new0 (QdStockLineInput, MAX (result->lines->len, 1));
  for (guint i = 0; i < result->lines->len; i++)
    {
      const QdStockCsvLine *l = &g_array_index (result->lines, QdStockCsvLine, i);

      input[i].product_id = l->product_id;
      input[i].qty = l->qty;
      input[i].lot = l->lot;
      input[i].expiry = l->expiry;
    }

  report_id = qd_store_report_stock (lookup.store, as_of, input, result->lines->len, &error);
  if (report_id == NULL)
    return qd_cli_fail_error (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "report_id");
      json_builder_add_string_value (b, report_id);
      json_builder_set_member_name (b, "as_of");
      json_builder_add_string_value (b, as_of);
      json_builder_set_member_name (b, "lines");
      json_builder_add_int_value (b, result->lines->len);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
    }
  else
    {
      printf ("%s\n", report_id);
      g_printerr (ngettext ("Stock report as of %s queued: %u line; it is sent at the next "
                            "sync.\n",
                            "Stock report as of %s queued: %u lines; it is sent at the next "
                            "sync.\n", result->lines->len),
                  as_of, result->lines->len);
    }
  return QD_CLI_EXIT_OK;
}
