/* qd-store-queries.c — reads for the UI: orders, stock reports, statements, credit
 *
 * Plain structs, one per row, for lists of bounded size (an order list is paged with limit
 * and offset); the 100,000-product catalog goes through rowids instead (qd-store-search.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "qd-store-private.h"

/* ---- orders ---------------------------------------------------------------------------- */

void
qd_order_info_free (QdOrderInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->number);
  g_free (info->dealer_id);
  g_free (info->status);
  g_free (info->created_at);
  g_free (info->note);
  g_free (info->requested_date);
  g_free (info->held_reason);
  g_free (info->reject_code);
  g_free (info->reject_message);
  g_free (info->pending_mutation);
  g_free (info);
}

void
qd_order_line_info_free (QdOrderLineInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->product_id);
  g_free (info->sku);
  g_free (info->name);
  g_free (info->spec);
  g_free (info->unit);
  g_free (info);
}

#define ORDER_COLUMNS \
  "o.id, o.number, o.dealer_id, o.status, o.created_at, o.note, o.requested_date, " \
  "o.total_fen, (SELECT count(*) FROM order_lines AS l WHERE l.order_id = o.id), " \
  "o.is_local, o.repriced, o.held_reason, o.reject_code, o.reject_message, " \
  "(SELECT b.type FROM outbox AS b WHERE b.entity_id = o.id AND b.state <> 'rejected' " \
  " ORDER BY b.seq DESC LIMIT 1)"

#define ORDER_FILTERS \
  "(?1 IS NULL OR o.status = ?1) " \
  "AND (?2 IS NULL OR o.created_at >= ?2) " \
  "AND (?3 IS NULL OR substr (o.created_at, 1, 10) <= ?3) " \
  "AND (?4 IS NULL OR o.dealer_id = ?4) "

static const char SQL_ORDERS[] =
  "SELECT " ORDER_COLUMNS " FROM orders AS o WHERE " ORDER_FILTERS
  "ORDER BY o.created_at DESC, o.rowid DESC LIMIT ?6 OFFSET ?7";

/* With a search text the matching orders are found first — those whose number contains it
 * (a scan of the small number index, not of the table) and those with a matching product
 * (through the order_lines product index) — and only they are sorted. Walking every order
 * newest first and testing each took 600 ms at 100,000 orders when little matched. */
static const char SQL_ORDERS_TEXT[] =
  "SELECT " ORDER_COLUMNS " FROM orders AS o WHERE o.rowid IN ("
  "  SELECT n.rowid FROM orders AS n INDEXED BY orders_number WHERE instr (n.number, ?5) > 0 "
  "  UNION SELECT m.rowid FROM orders AS m WHERE m.id IN (SELECT l.order_id "
  "    FROM order_lines AS l WHERE l.product_id IN (SELECT p.id FROM products AS p "
  "    WHERE p.sku_key = lower (?5) OR instr (p.name, ?5) > 0))) "
  "AND " ORDER_FILTERS
  "ORDER BY o.created_at DESC, o.rowid DESC LIMIT ?6 OFFSET ?7";
static const char SQL_ORDER_ONE[] =
  "SELECT " ORDER_COLUMNS " FROM orders AS o WHERE o.id = ?1";
static const char SQL_ORDER_LINES[] =
  "SELECT l.product_id, p.sku, p.name, p.spec, p.unit, l.qty, l.unit_price_fen, l.total_fen "
  "FROM order_lines AS l LEFT JOIN products AS p ON p.id = l.product_id "
  "WHERE l.order_id = ?1 ORDER BY l.position";

static QdOrderInfo *
order_from_row (sqlite3_stmt *stmt)
{
  QdOrderInfo *info = g_new0 (QdOrderInfo, 1);

  info->id = _qd_col_dup (stmt, 0);
  info->number = _qd_col_dup (stmt, 1);
  info->dealer_id = _qd_col_dup (stmt, 2);
  info->status = _qd_col_dup (stmt, 3);
  info->created_at = _qd_col_dup (stmt, 4);
  info->note = _qd_col_dup (stmt, 5);
  info->requested_date = _qd_col_dup (stmt, 6);
  info->total_fen = sqlite3_column_int64 (stmt, 7);
  info->n_lines = sqlite3_column_int (stmt, 8);
  info->is_local = sqlite3_column_int (stmt, 9);
  info->repriced = sqlite3_column_int (stmt, 10);
  info->held_reason = _qd_col_dup (stmt, 11);
  info->reject_code = _qd_col_dup (stmt, 12);
  info->reject_message = _qd_col_dup (stmt, 13);
  info->pending_mutation = _qd_col_dup (stmt, 14);
  return info;
}

/* Steps @stmt to the end, adding one struct per row. */
static GPtrArray *
collect_rows (QdStore         *self,
              sqlite3_stmt    *stmt,
              gpointer       (*from_row) (sqlite3_stmt *),
              GDestroyNotify   free_func,
              GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/**
 * qd_store_list_orders:
 * @query: (nullable): filters; %NULL lists every order
 *
 * Returns: (transfer full) (element-type QdOrderInfo): orders, newest first
 */
GPtrArray *
qd_store_list_orders (QdStore             *self,
                      const QdOrderQuery  *query,
                      GError             **error)
{
  static const QdOrderQuery all = { 0, };
  sqlite3_stmt *stmt;
  gboolean has_text;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  /* A bulk fill drops order indexes until it ends (orders_number, named below, stays). */
  if (!_qd_store_ensure_derived (self, error))
    return NULL;
  if (query == NULL)
    query = &all;
  has_text = query->text != NULL && *query->text != '\0';
  stmt = _qd_store_stmt (self, has_text ? SQL_ORDERS_TEXT : SQL_ORDERS, error);
  if (stmt == NULL)
    return NULL;
  _qd_bind_text (stmt, 1, query->status);
  _qd_bind_text (stmt, 2, query->from_date);
  _qd_bind_text (stmt, 3, query->to_date);
  _qd_bind_text (stmt, 4, query->dealer_id);
  if (has_text)
    _qd_bind_text (stmt, 5, query->text);
  sqlite3_bind_int64 (stmt, 6, query->limit > 0 ? (gint64) query->limit : -1);
  sqlite3_bind_int64 (stmt, 7, query->offset);
  return collect_rows (self, stmt, (gpointer) order_from_row,
                       (GDestroyNotify) qd_order_info_free, error);
}

static QdOrderLineInfo *
order_line_from_row (sqlite3_stmt *stmt)
{
  QdOrderLineInfo *line = g_new0 (QdOrderLineInfo, 1);

  line->product_id = _qd_col_dup (stmt, 0);
  line->sku = _qd_col_dup (stmt, 1);
  line->name = _qd_col_dup (stmt, 2);
  line->spec = _qd_col_dup (stmt, 3);
  line->unit = _qd_col_dup (stmt, 4);
  line->qty = sqlite3_column_int64 (stmt, 5);
  line->unit_price_fen = sqlite3_column_int64 (stmt, 6);
  line->total_fen = sqlite3_column_int64 (stmt, 7);
  return line;
}

/**
 * qd_store_get_order:
 * @out_lines: (out) (optional) (element-type QdOrderLineInfo): the lines
 *
 * Returns: (transfer full): the order, or %NULL with %QD_STORE_ERROR_NOT_FOUND
 */
QdOrderInfo *
qd_store_get_order (QdStore     *self,
                    const char  *id,
                    GPtrArray  **out_lines,
                    GError     **error)
{
  g_autoptr(QdOrderInfo) info = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = _qd_store_stmt (self, SQL_ORDER_ONE, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    info = order_from_row (stmt);
  sqlite3_reset (stmt);
  if (info == NULL)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                     _("There is no order %s."), id);
      else
        _qd_store_db_error (self, rc, error);
      return NULL;
    }

  if (out_lines != NULL)
    {
      stmt = _qd_store_stmt (self, SQL_ORDER_LINES, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      *out_lines = collect_rows (self, stmt, (gpointer) order_line_from_row,
                                 (GDestroyNotify) qd_order_line_info_free, error);
      if (*out_lines == NULL)
        return NULL;
    }
  return g_steal_pointer (&info);
}

/* ---- stock reports --------------------------------------------------------------------- */

void
qd_stock_report_info_free (QdStockReportInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->dealer_id);
  g_free (info->as_of);
  g_free (info->status);
  g_free (info->reject_code);
  g_free (info->reject_message);
  g_free (info);
}

void
qd_stock_line_info_free (QdStockLineInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->product_id);
  g_free (info->sku);
  g_free (info->name);
  g_free (info->lot);
  g_free (info->expiry);
  g_free (info);
}

#define REPORT_COLUMNS \
  "r.id, r.dealer_id, r.as_of, r.status, " \
  "(SELECT count(*) FROM stock_report_lines AS l WHERE l.report_id = r.id), " \
  "(SELECT coalesce (sum (l.qty), 0) FROM stock_report_lines AS l WHERE l.report_id = r.id), " \
  "r.is_local, r.reject_code, r.reject_message"

static const char SQL_REPORTS[] =
  "SELECT " REPORT_COLUMNS " FROM stock_reports AS r ORDER BY r.as_of DESC, r.rowid DESC";
static const char SQL_REPORT_ONE[] =
  "SELECT " REPORT_COLUMNS " FROM stock_reports AS r WHERE r.id = ?1";
static const char SQL_REPORT_LINES[] =
  "SELECT l.product_id, p.sku, p.name, l.qty, l.lot, l.expiry "
  "FROM stock_report_lines AS l LEFT JOIN products AS p ON p.id = l.product_id "
  "WHERE l.report_id = ?1 ORDER BY l.position";

static QdStockReportInfo *
report_from_row (sqlite3_stmt *stmt)
{
  QdStockReportInfo *info = g_new0 (QdStockReportInfo, 1);

  info->id = _qd_col_dup (stmt, 0);
  info->dealer_id = _qd_col_dup (stmt, 1);
  info->as_of = _qd_col_dup (stmt, 2);
  info->status = _qd_col_dup (stmt, 3);
  info->n_lines = sqlite3_column_int (stmt, 4);
  info->total_qty = sqlite3_column_int64 (stmt, 5);
  info->is_local = sqlite3_column_int (stmt, 6);
  info->reject_code = _qd_col_dup (stmt, 7);
  info->reject_message = _qd_col_dup (stmt, 8);
  return info;
}

static QdStockLineInfo *
stock_line_from_row (sqlite3_stmt *stmt)
{
  QdStockLineInfo *line = g_new0 (QdStockLineInfo, 1);

  line->product_id = _qd_col_dup (stmt, 0);
  line->sku = _qd_col_dup (stmt, 1);
  line->name = _qd_col_dup (stmt, 2);
  line->qty = sqlite3_column_int64 (stmt, 3);
  line->lot = _qd_col_dup (stmt, 4);
  line->expiry = _qd_col_dup (stmt, 5);
  return line;
}

/**
 * qd_store_list_stock_reports:
 *
 * Returns: (transfer full) (element-type QdStockReportInfo): reports, latest first
 */
GPtrArray *
qd_store_list_stock_reports (QdStore  *self,
                             GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  stmt = _qd_store_stmt (self, SQL_REPORTS, error);
  if (stmt == NULL)
    return NULL;
  return collect_rows (self, stmt, (gpointer) report_from_row,
                       (GDestroyNotify) qd_stock_report_info_free, error);
}

/**
 * qd_store_get_stock_report:
 * @out_lines: (out) (optional) (element-type QdStockLineInfo): the lines
 */
QdStockReportInfo *
qd_store_get_stock_report (QdStore     *self,
                           const char  *id,
                           GPtrArray  **out_lines,
                           GError     **error)
{
  g_autoptr(QdStockReportInfo) info = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = _qd_store_stmt (self, SQL_REPORT_ONE, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    info = report_from_row (stmt);
  sqlite3_reset (stmt);
  if (info == NULL)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                     _("There is no stock report %s."), id);
      else
        _qd_store_db_error (self, rc, error);
      return NULL;
    }
  if (out_lines != NULL)
    {
      stmt = _qd_store_stmt (self, SQL_REPORT_LINES, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      *out_lines = collect_rows (self, stmt, (gpointer) stock_line_from_row,
                                 (GDestroyNotify) qd_stock_line_info_free, error);
      if (*out_lines == NULL)
        return NULL;
    }
  return g_steal_pointer (&info);
}

static int
carried_compare (gconstpointer a,
                 gconstpointer b)
{
  const QdProductInfo *pa = *(QdProductInfo * const *) a;
  const QdProductInfo *pb = *(QdProductInfo * const *) b;

  return g_strcmp0 (pa->sku, pb->sku);
}

/* The products a dealer carries: every product it has ordered, and those of its latest
 * stock report. The order_lines_product index makes the DISTINCT an index walk. */
static const char SQL_CARRIED[] =
  "SELECT product_id FROM order_lines GROUP BY product_id "
  "UNION "
  "SELECT l.product_id FROM stock_report_lines AS l WHERE l.report_id = "
  "  (SELECT r.id FROM stock_reports AS r ORDER BY r.as_of DESC, r.rowid DESC LIMIT 1) "
  "LIMIT ?1";

/**
 * qd_store_list_carried_products:
 * @limit: the most products to return
 *
 * The products the Stock page offers a row for without a search.
 *
 * Returns: (transfer full) (element-type QdProductInfo): the products, by SKU; products
 *   no longer in the catalog are left out
 */
GPtrArray *
qd_store_list_carried_products (QdStore  *self,
                                guint     limit,
                                GError  **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) products = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  stmt = _qd_store_stmt (self, SQL_CARRIED, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, _qd_col_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }

  products = g_ptr_array_new_with_free_func ((GDestroyNotify) qd_product_info_free);
  for (guint i = 0; i < ids->len; i++)
    {
      QdProductInfo *info = qd_store_get_product (self, g_ptr_array_index (ids, i), NULL);

      if (info != NULL)
        g_ptr_array_add (products, info);
    }
  g_ptr_array_sort (products, carried_compare);
  return g_steal_pointer (&products);
}

/* ---- statements ------------------------------------------------------------------------ */

void
qd_statement_info_free (QdStatementInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->dealer_id);
  g_free (info->period);
  g_free (info->status);
  g_free (info->pending_mutation);
  g_free (info);
}

void
qd_statement_line_info_free (QdStatementLineInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->line_id);
  g_free (info->date);
  g_free (info->kind);
  g_free (info->ref);
  g_free (info->disputed_reason);
  g_free (info);
}

#define STATEMENT_COLUMNS \
  "s.id, s.dealer_id, s.period, s.version, s.status, s.opening_balance_fen, " \
  "s.closing_balance_fen, " \
  "(SELECT count(*) FROM statement_lines AS l WHERE l.statement_id = s.id), " \
  "(SELECT b.type FROM outbox AS b WHERE b.entity_id = s.id AND b.state <> 'rejected' " \
  " ORDER BY b.seq DESC LIMIT 1)"

static const char SQL_STATEMENTS[] =
  "SELECT " STATEMENT_COLUMNS " FROM statements AS s ORDER BY s.period DESC, s.dealer_id";
static const char SQL_STATEMENT_ONE[] =
  "SELECT " STATEMENT_COLUMNS " FROM statements AS s WHERE s.id = ?1";
static const char SQL_STATEMENT_LINES[] =
  "SELECT line_id, date, kind, ref, amount_fen, disputed_reason FROM statement_lines "
  "WHERE statement_id = ?1 ORDER BY position";

static QdStatementInfo *
statement_from_row (sqlite3_stmt *stmt)
{
  QdStatementInfo *info = g_new0 (QdStatementInfo, 1);

  info->id = _qd_col_dup (stmt, 0);
  info->dealer_id = _qd_col_dup (stmt, 1);
  info->period = _qd_col_dup (stmt, 2);
  info->version = sqlite3_column_int64 (stmt, 3);
  info->status = _qd_col_dup (stmt, 4);
  info->opening_balance_fen = sqlite3_column_int64 (stmt, 5);
  info->closing_balance_fen = sqlite3_column_int64 (stmt, 6);
  info->n_lines = sqlite3_column_int (stmt, 7);
  info->pending_mutation = _qd_col_dup (stmt, 8);
  return info;
}

static QdStatementLineInfo *
statement_line_from_row (sqlite3_stmt *stmt)
{
  QdStatementLineInfo *line = g_new0 (QdStatementLineInfo, 1);

  line->line_id = _qd_col_dup (stmt, 0);
  line->date = _qd_col_dup (stmt, 1);
  line->kind = _qd_col_dup (stmt, 2);
  line->ref = _qd_col_dup (stmt, 3);
  line->amount_fen = sqlite3_column_int64 (stmt, 4);
  line->disputed_reason = _qd_col_dup (stmt, 5);
  return line;
}

/**
 * qd_store_list_statements:
 *
 * Returns: (transfer full) (element-type QdStatementInfo): statements, latest period first
 */
GPtrArray *
qd_store_list_statements (QdStore  *self,
                          GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  stmt = _qd_store_stmt (self, SQL_STATEMENTS, error);
  if (stmt == NULL)
    return NULL;
  return collect_rows (self, stmt, (gpointer) statement_from_row,
                       (GDestroyNotify) qd_statement_info_free, error);
}

/**
 * qd_store_get_statement:
 * @out_lines: (out) (optional) (element-type QdStatementLineInfo): the lines, each with the
 *   running balance after it (starting from the opening balance)
 */
QdStatementInfo *
qd_store_get_statement (QdStore     *self,
                        const char  *id,
                        GPtrArray  **out_lines,
                        GError     **error)
{
  g_autoptr(QdStatementInfo) info = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = _qd_store_stmt (self, SQL_STATEMENT_ONE, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    info = statement_from_row (stmt);
  sqlite3_reset (stmt);
  if (info == NULL)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                     _("There is no statement %s."), id);
      else
        _qd_store_db_error (self, rc, error);
      return NULL;
    }
  if (out_lines != NULL)
    {
      gint64 balance = info->opening_balance_fen;

      stmt = _qd_store_stmt (self, SQL_STATEMENT_LINES, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      *out_lines = collect_rows (self, stmt, (gpointer) statement_line_from_row,
                                 (GDestroyNotify) qd_statement_line_info_free, error);
      if (*out_lines == NULL)
        return NULL;
      /* Amounts are bounded by QD_MONEY_MAX_FEN and lines by the page size: no overflow. */
      for (guint i = 0; i < (*out_lines)->len; i++)
        {
          QdStatementLineInfo *line = g_ptr_array_index (*out_lines, i);

          balance += line->amount_fen;
          line->running_balance_fen = balance;
        }
    }
  return g_steal_pointer (&info);
}

/* Orders the server has not seen yet (waiting or being sent) created before the first day
 * of the month after the period. Dealers send no payments: those are the brand's, posted
 * through the admin API, so orders are all that can be missing from a statement. */
static const char SQL_PENDING_BEFORE[] =
  "SELECT count(*) FROM outbox WHERE state IN ('pending', 'claimed') "
  "AND type LIKE 'order.%' AND created_at < ?1";

/**
 * qd_store_count_pending_for_period:
 * @period: a statement period, `YYYY-MM`
 * @out_count: (out): the number of order changes created up to the end of @period that
 *   are still waiting to be sent
 *
 * A statement of @period should not be confirmed while the brand has not seen every order
 * of that period: this counts what is still in the outbox.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_store_count_pending_for_period (QdStore     *self,
                                   const char  *period,
                                   guint       *out_count,
                                   GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *next_month = NULL;
  int year, month, rc;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (period != NULL, FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);

  if (strlen (period) != 7 || sscanf (period, "%4d-%2d", &year, &month) != 2
      || month < 1 || month > 12)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("“%s” is not a statement period (YYYY-MM)."), period);
      return FALSE;
    }
  if (month == 12)
    next_month = g_strdup_printf ("%04d-01-01", year + 1);
  else
    next_month = g_strdup_printf ("%04d-%02d-01", year, month + 1);

  stmt = _qd_store_stmt (self, SQL_PENDING_BEFORE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, next_month, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_count = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return _qd_store_db_error (self, rc, error);
  return TRUE;
}

static const char SQL_DEALER_NAME[] = "SELECT name FROM dealers WHERE id = ?1";

/**
 * qd_store_dup_dealer_name:
 * @dealer_id: a dealer id
 *
 * Returns: (transfer full) (nullable): the dealer's name as the brand calls it, for the
 *   heading of a printed statement, or %NULL when the dealer is not in the cache
 */
char *
qd_store_dup_dealer_name (QdStore    *self,
                          const char *dealer_id)
{
  sqlite3_stmt *stmt;
  char *name = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  if (dealer_id == NULL)
    return NULL;
  stmt = _qd_store_stmt (self, SQL_DEALER_NAME, NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, dealer_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    name = _qd_col_dup (stmt, 0);
  sqlite3_reset (stmt);
  return name;
}

/* ---- credit ---------------------------------------------------------------------------- */

static const char SQL_CREDIT_LIMIT[] = "SELECT credit_limit_fen FROM dealers WHERE id = ?1";
static const char SQL_LAST_STATEMENT[] =
  "SELECT period, closing_balance_fen FROM statements WHERE dealer_id = ?1 "
  "ORDER BY period DESC, version DESC LIMIT 1";
/* Shipped and completed orders, by day: the dashboards' summary (migration 0004). */
static const char SQL_INVOICED_SINCE[] =
  "SELECT coalesce (sum (amount_fen), 0) FROM purchases_daily WHERE dealer_id = ?1 "
  "AND day >= ?2";
static const char SQL_PAID_SINCE[] =
  "SELECT coalesce (sum (amount_fen), 0) FROM payments WHERE dealer_id = ?1 AND date >= ?2";
static const char SQL_UNINVOICED[] =
  "SELECT coalesce (sum (total_fen), 0) FROM orders WHERE dealer_id = ?1 "
  "AND status IN ('queued', 'sending', 'submitted', 'held', 'approved')";

static gboolean
sum_query (QdStore     *self,
           const char  *sql,
           const char  *dealer_id,
           const char  *since,
           gint64      *out,
           GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dealer_id, -1, SQLITE_STATIC);
  if (since != NULL)
    sqlite3_bind_text (stmt, 2, since, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return _qd_store_db_error (self, rc, error);
  return TRUE;
}

/**
 * qd_store_get_credit_position:
 * @dealer_id: (nullable): the dealer, or %NULL for the account's dealer
 * @out: (out caller-allocates): the position
 *
 * Credit available = limit − open balance − orders not yet invoiced (queued ones included).
 * The open balance is the last statement's closing balance, plus orders shipped and minus
 * payments made after that statement's period (everything, when there is no statement).
 */
gboolean
qd_store_get_credit_position (QdStore           *self,
                              const char        *dealer_id,
                              QdCreditPosition  *out,
                              GError           **error)
{
  g_autofree char *account = NULL;
  g_autofree char *since = NULL;
  sqlite3_stmt *stmt;
  gint64 invoiced = 0, paid = 0;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!_qd_store_ensure_derived (self, error))
    return FALSE;
  if (dealer_id == NULL)
    {
      account = qd_store_dup_meta (self, QD_STORE_META_DEALER_ID);
      dealer_id = account;
    }
  if (dealer_id == NULL)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("This account does not belong to a dealer."));
      return FALSE;
    }

  stmt = _qd_store_stmt (self, SQL_CREDIT_LIMIT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dealer_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    out->credit_limit_fen = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                     _("Dealer %s is not in the local data yet; sync first."), dealer_id);
      else
        _qd_store_db_error (self, rc, error);
      return FALSE;
    }

  stmt = _qd_store_stmt (self, SQL_LAST_STATEMENT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dealer_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *period = (const char *) sqlite3_column_text (stmt, 0);
      int year = 0, month = 0;

      out->open_balance_fen = sqlite3_column_int64 (stmt, 1);
      /* Everything from the first day of the month after the statement's period. */
      if (period != NULL && sscanf (period, "%d-%d", &year, &month) == 2
          && month >= 1 && month <= 12)
        since = month == 12 ? g_strdup_printf ("%04d-01", year + 1)
                            : g_strdup_printf ("%04d-%02d", year, month + 1);
    }
  sqlite3_reset (stmt);
  if (since == NULL)
    since = g_strdup ("");

  if (!sum_query (self, SQL_INVOICED_SINCE, dealer_id, since, &invoiced, error)
      || !sum_query (self, SQL_PAID_SINCE, dealer_id, since, &paid, error)
      || !sum_query (self, SQL_UNINVOICED, dealer_id, NULL, &out->uninvoiced_fen, error))
    return FALSE;

  out->open_balance_fen += invoiced - paid;
  out->available_fen = out->credit_limit_fen - out->open_balance_fen - out->uninvoiced_fen;
  return TRUE;
}
