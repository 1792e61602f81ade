/* qd-store-dashboard.c — the dealer and manager dashboards from the cache
 *
 * Purchases come from the per-day summary (purchases_daily) and the per-month category
 * summary, never from order lines: a manager's 24 months over a million order lines are
 * ~40,000 summary rows. Order lines are read only where a figure is about products: one
 * dealer's shipments between stock reports (sell-through) and its open orders. The rules
 * (what counts, periods, growth, targets) are in qd-dashboard.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "qd-dashboard.h"
#include "qd-store-private.h"

/* ---- dates ----------------------------------------------------------------------------- */

enum { P_MONTH, P_QUARTER, P_YEAR, N_PERIODS };

typedef struct
{
  GDate today;
  char  today_s[11];
  char  ly_today_s[11];
  char  start[N_PERIODS][11];      /* first day of the period */
  char  ly_start[N_PERIODS][11];
  char  first_month[N_PERIODS][8]; /* "YYYY-MM" of the period's months */
  char  last_month[N_PERIODS][8];
  char  month_s[8];                /* the current month */
  guint day;                       /* of the month */
  guint days_in_month;
} Periods;

static void
format_date (const GDate *date,
             char         out[11])
{
  g_snprintf (out, 11, "%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
              g_date_get_day (date));
}

static gboolean
parse_date (const char  *text,
            GDate       *out)
{
  unsigned y, m, d;
  char tail;

  g_date_clear (out, 1);
  if (text == NULL || strlen (text) != 10
      || sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3
      || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (out, d, m, y);
  return TRUE;
}

static gboolean
periods_init (Periods     *p,
              const char  *today,
              GError     **error)
{
  g_autofree char *now = NULL;
  GDate ly;
  guint y, m, q0;

  if (today == NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_now_utc ();

      now = g_date_time_format (dt, "%Y-%m-%d");
      today = now;
    }
  if (!parse_date (today, &p->today))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("“%s” is not a date (YYYY-MM-DD)."), today);
      return FALSE;
    }
  y = g_date_get_year (&p->today);
  m = g_date_get_month (&p->today);
  q0 = ((m - 1) / 3) * 3 + 1;
  p->day = g_date_get_day (&p->today);
  p->days_in_month = g_date_get_days_in_month (m, y);
  format_date (&p->today, p->today_s);
  ly = p->today;
  g_date_subtract_years (&ly, 1);   /* 29 February → 28 February */
  format_date (&ly, p->ly_today_s);
  g_snprintf (p->month_s, sizeof p->month_s, "%04u-%02u", y, m);

  g_snprintf (p->start[P_MONTH], 11, "%04u-%02u-01", y, m);
  g_snprintf (p->start[P_QUARTER], 11, "%04u-%02u-01", y, q0);
  g_snprintf (p->start[P_YEAR], 11, "%04u-01-01", y);
  g_snprintf (p->ly_start[P_MONTH], 11, "%04u-%02u-01", y - 1, m);
  g_snprintf (p->ly_start[P_QUARTER], 11, "%04u-%02u-01", y - 1, q0);
  g_snprintf (p->ly_start[P_YEAR], 11, "%04u-01-01", y - 1);
  g_snprintf (p->first_month[P_MONTH], 8, "%04u-%02u", y, m);
  g_snprintf (p->last_month[P_MONTH], 8, "%04u-%02u", y, m);
  g_snprintf (p->first_month[P_QUARTER], 8, "%04u-%02u", y, q0);
  g_snprintf (p->last_month[P_QUARTER], 8, "%04u-%02u", y, q0 + 2);
  g_snprintf (p->first_month[P_YEAR], 8, "%04u-01", y);
  g_snprintf (p->last_month[P_YEAR], 8, "%04u-12", y);
  return TRUE;
}

/* "YYYY-MM" of @months months before the current month. */
static void
month_before (const Periods *p,
              guint          months,
              char           out[8])
{
  int index = (int) g_date_get_year (&p->today) * 12 + (int) g_date_get_month (&p->today) - 1
              - (int) months;

  g_snprintf (out, 8, "%04d-%02d", index / 12, index % 12 + 1);
}

/* ---- purchase figures ------------------------------------------------------------------ */

typedef struct
{
  gint64 cur[N_PERIODS];
  gint64 ly[N_PERIODS];
  gint64 target[N_PERIODS];
  gint64 target_to_date[N_PERIODS];   /* whole months before the current one */
  gint64 target_current[N_PERIODS];   /* the current month's, pro-rated at the end */
} Acc;

static inline gboolean
in_range (const char *s,
          const char *from,
          const char *to)
{
  return strcmp (s, from) >= 0 && strcmp (s, to) <= 0;
}

static void
acc_day (Acc           *acc,
         const Periods *p,
         const char    *day,
         gint64         amount)
{
  for (int i = 0; i < N_PERIODS; i++)
    {
      if (in_range (day, p->start[i], p->today_s))
        acc->cur[i] += amount;
      else if (in_range (day, p->ly_start[i], p->ly_today_s))
        acc->ly[i] += amount;
    }
}

static void
acc_target (Acc           *acc,
            const Periods *p,
            const char    *month,
            gint64         amount)
{
  for (int i = 0; i < N_PERIODS; i++)
    {
      if (!in_range (month, p->first_month[i], p->last_month[i]))
        continue;
      acc->target[i] += amount;
      if (strcmp (month, p->month_s) < 0)
        acc->target_to_date[i] += amount;
      else if (strcmp (month, p->month_s) == 0)
        acc->target_current[i] += amount;
    }
}

static void
figures_finish (QdPurchaseFigures *f,
                const Acc         *acc,
                const Periods     *p,
                int                period)
{
  f->purchases_fen = acc->cur[period];
  f->target_fen = acc->target[period];
  /* Pro rata once, on the total: a region's figure is not a sum of rounded ones. */
  f->target_to_date_fen = acc->target_to_date[period]
                          + (gint64) ((__int128) acc->target_current[period] * p->day
                                      / p->days_in_month);
  f->last_year_fen = acc->ly[period];
  if (f->target_fen > 0)
    f->attainment_bp = (gint) MIN ((__int128) MAX (f->purchases_fen, 0) * 10000 / f->target_fen,
                                   G_MAXINT);
  else
    f->attainment_bp = -1;
  f->has_growth = f->last_year_fen > 0;
  f->growth_bp = f->has_growth
                 ? (gint64) ((__int128) (f->purchases_fen - f->last_year_fen) * 10000
                             / f->last_year_fen)
                 : 0;
}

static gboolean
step_error (QdStore       *self,
            sqlite3_stmt  *stmt,
            int            rc,
            GError       **error)
{
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  return _qd_store_db_error (self, rc, error);
}

static const char SQL_DEALER_DAYS[] =
  "SELECT day, amount_fen FROM purchases_daily WHERE dealer_id = ?1 AND day >= ?2 "
  "AND day <= ?3";
static const char SQL_DEALER_TARGETS[] =
  "SELECT period, sum (amount_fen) FROM targets WHERE dealer_id = ?1 AND period >= ?2 "
  "AND period <= ?3 GROUP BY period";

/* One dealer's month, quarter and year. */
static gboolean
dealer_figures (QdStore        *self,
                const char     *dealer_id,
                const Periods  *p,
                Acc            *acc,
                GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _qd_store_stmt (self, SQL_DEALER_DAYS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dealer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, p->ly_start[P_YEAR], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, p->today_s, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    acc_day (acc, p, (const char *) sqlite3_column_text (stmt, 0),
             sqlite3_column_int64 (stmt, 1));
  if (!step_error (self, stmt, rc, error))
    return FALSE;

  stmt = _qd_store_stmt (self, SQL_DEALER_TARGETS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dealer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, p->first_month[P_YEAR], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, p->last_month[P_YEAR], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    acc_target (acc, p, (const char *) sqlite3_column_text (stmt, 0),
                sqlite3_column_int64 (stmt, 1));
  return step_error (self, stmt, rc, error);
}

/* ---- stock ----------------------------------------------------------------------------- */

typedef struct
{
  char  *as_of;
  gint64 qty;
} ReportQty;

typedef struct
{
  char   day[11];
  gint64 qty;
} Receipt;

typedef struct
{
  char    *product_id;
  GArray  *reports;    /* of ReportQty: every report from the product's first one on */
  GArray  *receipts;   /* of Receipt, by day */
  gint64   exp[3];     /* latest report: units expiring within 30/60/90 days */
  gint64   open_qty;   /* open orders */
  gint64   shipped_since; /* shipped after the latest report */
  gboolean in_latest;    /* has a line in the latest report */
} ProductStock;

static void
product_stock_free (ProductStock *ps)
{
  for (guint i = 0; i < ps->reports->len; i++)
    g_free (g_array_index (ps->reports, ReportQty, i).as_of);
  g_array_unref (ps->reports);
  g_array_unref (ps->receipts);
  g_free (ps->product_id);
  g_free (ps);
}

void
qd_dealer_dashboard_free (QdDealerDashboard *dash)
{
  if (dash == NULL)
    return;
  g_free (dash->dealer_id);
  g_free (dash->dealer_name);
  g_free (dash->level);
  g_free (dash->today);
  g_free (dash->rebate_period);
  g_free (dash->rebate_policy_id);
  g_clear_pointer (&dash->rebate_policy, qd_rebate_policy_free);
  g_free (dash->stock_as_of);
  g_clear_pointer (&dash->stock, g_ptr_array_unref);
  g_free (dash);
}

static void
stock_cover_row_free (QdStockCoverRow *row)
{
  g_free (row->product_id);
  g_free (row->sku);
  g_free (row->name);
  g_free (row->as_of);
  g_free (row);
}

/* The dealer's reports that count: its own queued ones too, never a rejected one. */
static const char SQL_REPORTS[] =
  "SELECT id, as_of FROM stock_reports WHERE dealer_id = ?1 AND status <> 'rejected' "
  "AND as_of <= ?2 ORDER BY as_of, id";
static const char SQL_REPORT_LINES[] =
  "SELECT product_id, sum (qty), "
  "sum (CASE WHEN expiry IS NOT NULL AND expiry <= ?2 THEN qty ELSE 0 END), "
  "sum (CASE WHEN expiry IS NOT NULL AND expiry <= ?3 THEN qty ELSE 0 END), "
  "sum (CASE WHEN expiry IS NOT NULL AND expiry <= ?4 THEN qty ELSE 0 END) "
  "FROM stock_report_lines WHERE report_id = ?1 GROUP BY product_id";
/* Shipments by product and day from the first report on (received, in the cache's view). */
/* Only the products of the latest report (?3) get a row: the others are not grouped. */
static const char SQL_RECEIPTS[] =
  "SELECT l.product_id, substr (o.created_at, 1, 10), sum (l.qty) "
  "FROM orders o JOIN order_lines l ON l.order_id = o.id "
  "WHERE o.dealer_id = ?1 AND o.created_at > ?2 AND o.status IN ('shipped', 'completed') "
  "AND l.product_id IN (SELECT product_id FROM stock_report_lines WHERE report_id = ?3) "
  "GROUP BY 1, 2 ORDER BY 2";
static const char SQL_OPEN_LINES[] =
  "SELECT l.product_id, sum (l.qty) FROM orders o JOIN order_lines l ON l.order_id = o.id "
  "WHERE o.dealer_id = ?1 "
  "AND o.status IN ('queued', 'sending', 'submitted', 'held', 'approved') GROUP BY 1";
static const char SQL_PRODUCT_BRIEF[] =
  "SELECT sku, name, pack_size FROM products WHERE id = ?1";

static gboolean
load_reports (QdStore     *self,
              const char  *dealer_id,
              const char  *today,
              GPtrArray   *ids,
              GPtrArray   *dates,
              GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_REPORTS, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dealer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (ids, _qd_col_dup (stmt, 0));
      g_ptr_array_add (dates, _qd_col_dup (stmt, 1));
    }
  return step_error (self, stmt, rc, error);
}

static int
compare_rows_by_sku (gconstpointer a,
                     gconstpointer b)
{
  const QdStockCoverRow *x = *(QdStockCoverRow * const *) a;
  const QdStockCoverRow *y = *(QdStockCoverRow * const *) b;
  int c = g_strcmp0 (x->sku, y->sku);

  return c != 0 ? c : strcmp (x->product_id, y->product_id);
}

/* Sell-through spans of one product, the monthly series of its complete months, the forecast
 * and the reorder suggestion. */
static gboolean
fill_cover_row (QdStockCoverRow              *row,
                ProductStock                 *ps,
                const QdDealerDashboardQuery *query,
                const Periods                *p,
                GError                      **error)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (QdSellThroughSpan));
  g_autoptr(QdForecast) forecast = NULL;
  g_autofree gint64 *monthly = NULL;
  guint r = 0, n = ps->reports->len;
  const ReportQty *last = &g_array_index (ps->reports, ReportQty, n - 1);
  QdReorderInput input = { 0, };
  QdSellThrough rate = { 0, };

  for (guint k = 0; k + 1 < n; k++)
    {
      const ReportQty *a = &g_array_index (ps->reports, ReportQty, k);
      const ReportQty *b = &g_array_index (ps->reports, ReportQty, k + 1);
      gint64 received = 0;
      QdSellThroughSpan span;

      if (strcmp (a->as_of, b->as_of) >= 0)
        continue;   /* two reports of one day: the later row wins, no span */
      while (r < ps->receipts->len
             && strcmp (g_array_index (ps->receipts, Receipt, r).day, a->as_of) <= 0)
        r++;
      while (r < ps->receipts->len
             && strcmp (g_array_index (ps->receipts, Receipt, r).day, b->as_of) <= 0)
        received += g_array_index (ps->receipts, Receipt, r++).qty;
      if (!qd_sell_through_compute (a->as_of, a->qty, received, b->as_of, b->qty, &rate,
                                    error))
        return FALSE;
      span.from_date = a->as_of;
      span.to_date = b->as_of;
      span.sold = rate.sold;
      g_array_append_val (spans, span);
      row->rate = rate;
      row->has_rate = TRUE;
    }
  row->as_of = g_strdup (last->as_of);
  row->on_hand = last->qty;
  row->on_order = ps->open_qty + ps->shipped_since;
  row->expiring_30 = ps->exp[0];
  row->expiring_60 = ps->exp[1];
  row->expiring_90 = ps->exp[2];

  /* Without two reports there is no rate, and no cover to speak of. */
  row->cover.kind = QD_COVER_NONE;
  if (row->has_rate && !qd_cover_compute (row->on_hand, &row->rate, &row->cover, error))
    return FALSE;

  /* The monthly demand of the last months the reports cover on at least half of their
   * days, prorated to whole months (core's qd_sell_through_demand_history): reports dated
   * the 1st, mid-month or month-end all give a history. */
  if (spans->len > 0)
    {
      guint n_months = 0;

      if (!qd_sell_through_demand_history ((const QdSellThroughSpan *) spans->data, spans->len,
                                           &monthly, &n_months, NULL, error))
        return FALSE;
      row->history_months = n_months;
      forecast = qd_forecast_new (monthly, n_months, error);
    }
  else
    forecast = qd_forecast_new (NULL, 0, error);
  if (forecast == NULL)
    return FALSE;
  row->forecast_month = qd_forecast_month (forecast, 1);

  input.lead_time_days = query->lead_time_days;
  input.safety_days = query->safety_days;
  input.on_hand = MAX (row->on_hand, 0);
  input.on_order = MAX (row->on_order, 0);
  input.pack_size = CLAMP (row->pack_size, 1, QD_REORDER_MAX_PACK_SIZE);
  row->below_target = qd_reorder_is_below_target_cover (&row->cover,
                                                        qd_reorder_target_cover_days (&input));
  if (!qd_reorder_suggest (forecast, &input, &row->reorder, error))
    return FALSE;
  if (!row->below_target)
    row->reorder.quantity = row->reorder.packs = 0;
  return TRUE;
}

static gboolean
dealer_stock (QdStore                      *self,
              QdDealerDashboard            *dash,
              const QdDealerDashboardQuery *query,
              const Periods                *p,
              GError                      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) products = NULL;
  char horizon[3][11];
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer value;
  int rc;

  if (!load_reports (self, dash->dealer_id, p->today_s, ids, dates, error))
    return FALSE;
  if (ids->len == 0)
    return TRUE;
  dash->stock_as_of = g_strdup (dates->pdata[dates->len - 1]);

  for (int h = 0; h < 3; h++)
    {
      GDate d = p->today;

      g_date_add_days (&d, 30 * (h + 1));
      format_date (&d, horizon[h]);
    }

  /* Every report's quantities per product, from each product's first report on; a product
   * missing from a later report had none left. Only products of the latest report get a
   * row: the others are no longer stocked. */
  products = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                    (GDestroyNotify) product_stock_free);
  for (guint k = 0; k < ids->len; k++)
    {
      stmt = _qd_store_stmt (self, SQL_REPORT_LINES, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, ids->pdata[k], -1, SQLITE_STATIC);
      for (int h = 0; h < 3; h++)
        sqlite3_bind_text (stmt, 2 + h, horizon[h], -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *product_id = (const char *) sqlite3_column_text (stmt, 0);
          ProductStock *ps = g_hash_table_lookup (products, product_id);
          ReportQty rq;

          if (ps == NULL)
            {
              ps = g_new0 (ProductStock, 1);
              ps->product_id = g_strdup (product_id);
              ps->reports = g_array_new (FALSE, FALSE, sizeof (ReportQty));
              ps->receipts = g_array_new (FALSE, FALSE, sizeof (Receipt));
              g_hash_table_insert (products, ps->product_id, ps);
            }
          rq.as_of = g_strdup (dates->pdata[k]);
          rq.qty = sqlite3_column_int64 (stmt, 1);
          g_array_append_val (ps->reports, rq);
          if (k == ids->len - 1)
            {
              ps->in_latest = TRUE;
              for (int h = 0; h < 3; h++)
                ps->exp[h] = sqlite3_column_int64 (stmt, 2 + h);
            }
        }
      if (!step_error (self, stmt, rc, error))
        return FALSE;

      /* Products of earlier reports absent from this one: 0 on hand. */
      g_hash_table_iter_init (&iter, products);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          ProductStock *ps = value;
          const ReportQty *lastq = &g_array_index (ps->reports, ReportQty, ps->reports->len - 1);

          if (strcmp (lastq->as_of, dates->pdata[k]) != 0)
            {
              ReportQty rq = { g_strdup (dates->pdata[k]), 0 };

              g_array_append_val (ps->reports, rq);
            }
        }
    }

  stmt = _qd_store_stmt (self, SQL_RECEIPTS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dash->dealer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, dates->pdata[0], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ids->pdata[ids->len - 1], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ProductStock *ps = g_hash_table_lookup (products, sqlite3_column_text (stmt, 0));
      Receipt receipt = { { 0, }, sqlite3_column_int64 (stmt, 2) };

      if (ps == NULL)
        continue;
      g_strlcpy (receipt.day, (const char *) sqlite3_column_text (stmt, 1), sizeof receipt.day);
      if (strcmp (receipt.day, p->today_s) > 0)
        continue;
      g_array_append_val (ps->receipts, receipt);
      if (strcmp (receipt.day, dash->stock_as_of) > 0)
        ps->shipped_since += receipt.qty;
    }
  if (!step_error (self, stmt, rc, error))
    return FALSE;

  stmt = _qd_store_stmt (self, SQL_OPEN_LINES, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dash->dealer_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ProductStock *ps = g_hash_table_lookup (products, sqlite3_column_text (stmt, 0));

      if (ps != NULL)
        ps->open_qty += sqlite3_column_int64 (stmt, 1);
    }
  if (!step_error (self, stmt, rc, error))
    return FALSE;

  g_hash_table_iter_init (&iter, products);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ProductStock *ps = value;
      QdStockCoverRow *row;

      if (!ps->in_latest)
        continue;

      row = g_new0 (QdStockCoverRow, 1);
      g_ptr_array_add (dash->stock, row);
      row->product_id = g_strdup (ps->product_id);
      row->pack_size = 1;
      stmt = _qd_store_stmt (self, SQL_PRODUCT_BRIEF, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, ps->product_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          row->sku = _qd_col_dup (stmt, 0);
          row->name = _qd_col_dup (stmt, 1);
          row->pack_size = sqlite3_column_int64 (stmt, 2);
          rc = SQLITE_DONE;
        }
      if (!step_error (self, stmt, rc, error))
        return FALSE;
      if (!fill_cover_row (row, ps, query, p, error))
        {
          g_prefix_error (error, _("Product %s: "), ps->product_id);
          return FALSE;
        }
      if (row->reorder.quantity > 0)
        dash->n_reorder++;
    }
  g_ptr_array_sort (dash->stock, compare_rows_by_sku);
  return TRUE;
}

/* ---- rebate ---------------------------------------------------------------------------- */

/* The policy of the dealer's level for the quarter; one without a level applies to all. */
static const char SQL_POLICY[] =
  "SELECT id FROM rebate_policies WHERE period = ?1 AND (level = ?2 OR level IS NULL) "
  "ORDER BY level IS NULL, id LIMIT 1";
static const char SQL_TIERS[] =
  "SELECT threshold_fen, rate_bp FROM rebate_tiers WHERE policy_id = ?1 ORDER BY position";

static gboolean
dealer_rebate (QdStore            *self,
               QdDealerDashboard  *dash,
               GError            **error)
{
  g_autoptr(GArray) tiers = g_array_new (FALSE, FALSE, sizeof (QdRebateTier));
  g_autoptr(QdRebatePolicy) policy = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  dash->rebate_period = qd_rebate_period_for_date (dash->today);
  stmt = _qd_store_stmt (self, SQL_POLICY, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dash->rebate_period, -1, SQLITE_STATIC);
  _qd_bind_text (stmt, 2, dash->level);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      dash->rebate_policy_id = _qd_col_dup (stmt, 0);
      rc = SQLITE_DONE;
    }
  if (!step_error (self, stmt, rc, error))
    return FALSE;
  if (dash->rebate_policy_id == NULL)
    return TRUE;

  stmt = _qd_store_stmt (self, SQL_TIERS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dash->rebate_policy_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdRebateTier tier = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1) };

      g_array_append_val (tiers, tier);
    }
  if (!step_error (self, stmt, rc, error))
    return FALSE;

  policy = qd_rebate_policy_new ((const QdRebateTier *) tiers->data, tiers->len, &local_error);
  if (policy == NULL)
    {
      /* A policy the feed delivered but the rule refuses: say which. */
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("Rebate policy %s cannot be used: %s"), dash->rebate_policy_id,
                   local_error->message);
      return FALSE;
    }
  qd_rebate_policy_progress (policy, dash->quarter.purchases_fen, &dash->rebate);
  dash->rebate_policy = g_steal_pointer (&policy);
  return TRUE;
}

/* ---- dealer dashboard ------------------------------------------------------------------ */

static const char SQL_DEALER[] = "SELECT name, level FROM dealers WHERE id = ?1";

/* Orders that will be invoiced this quarter, not yet purchases: the server's submitted, held
 * and approved orders of the quarter to date (counted on their order date, as purchases are),
 * and every local order still waiting to be sent, whatever its date (it is placed now). */
/* The status list is the partial index orders_open's, word for word, so that SQLite uses it
 * (a dealer's few open orders, not all of its orders). */
static const char SQL_QUARTER_OPEN[] =
  "SELECT coalesce (sum (total_fen), 0) FROM orders WHERE dealer_id = ?1 "
  "AND status IN ('queued', 'sending', 'submitted', 'held', 'approved') "
  "AND (status IN ('queued', 'sending') "
  "OR (created_at >= ?2 AND substr (created_at, 1, 10) <= ?3))";

static gboolean
dealer_quarter_open (QdStore            *self,
                     QdDealerDashboard  *dash,
                     const Periods      *p,
                     GError            **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_QUARTER_OPEN, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, dash->dealer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, p->start[P_QUARTER], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, p->today_s, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      dash->quarter_open_fen = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_DONE;
    }
  return step_error (self, stmt, rc, error);
}

/**
 * qd_store_dealer_dashboard:
 * @query: the dealer, today and the reorder parameters
 *
 * Purchases month/quarter/year to date against target and last year, the quarter's rebate
 * progress, the credit position, and per product of the latest stock report: sell-through,
 * cover, expiring lots and a reorder suggestion. See qd-dashboard.h for the rules.
 *
 * Returns: (transfer full): the dashboard, or %NULL with @error set
 */
QdDealerDashboard *
qd_store_dealer_dashboard (QdStore                      *self,
                           const QdDealerDashboardQuery *query,
                           GError                      **error)
{
  g_autoptr(QdDealerDashboard) dash = NULL;
  g_autofree char *account = NULL;
  QdDealerDashboardQuery q;
  Periods p;
  Acc acc = { { 0, }, };
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  q = *query;
  if (q.lead_time_days == 0)
    q.lead_time_days = QD_DASHBOARD_DEFAULT_LEAD_TIME_DAYS;
  if (q.safety_days == 0)
    q.safety_days = QD_REORDER_DEFAULT_SAFETY_DAYS;
  if (q.lead_time_days + q.safety_days > QD_FORECAST_MAX_DAYS)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("A lead time of %u days plus %u safety days is too long."),
                   q.lead_time_days, q.safety_days);
      return NULL;
    }
  if (q.dealer_id == NULL)
    {
      account = qd_store_dup_meta (self, QD_STORE_META_DEALER_ID);
      q.dealer_id = account;
    }
  if (q.dealer_id == NULL)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("This account does not belong to a dealer."));
      return NULL;
    }
  if (!periods_init (&p, q.today, error) || !_qd_store_ensure_derived (self, error))
    return NULL;

  dash = g_new0 (QdDealerDashboard, 1);
  dash->dealer_id = g_strdup (q.dealer_id);
  dash->today = g_strdup (p.today_s);
  dash->stock = g_ptr_array_new_with_free_func ((GDestroyNotify) stock_cover_row_free);

  stmt = _qd_store_stmt (self, SQL_DEALER, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, q.dealer_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      dash->dealer_name = _qd_col_dup (stmt, 0);
      dash->level = _qd_col_dup (stmt, 1);
      rc = SQLITE_DONE;
    }
  else if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                   _("Dealer %s is not in the local data yet; sync first."), q.dealer_id);
      return NULL;
    }
  if (!step_error (self, stmt, rc, error))
    return NULL;

  if (!dealer_figures (self, q.dealer_id, &p, &acc, error))
    return NULL;
  figures_finish (&dash->month, &acc, &p, P_MONTH);
  figures_finish (&dash->quarter, &acc, &p, P_QUARTER);
  figures_finish (&dash->year, &acc, &p, P_YEAR);

  if (!dealer_rebate (self, dash, error)
      || !dealer_quarter_open (self, dash, &p, error)
      || !qd_store_get_credit_position (self, q.dealer_id, &dash->credit, error)
      || (!q.skip_stock && !dealer_stock (self, dash, &q, &p, error)))
    return NULL;

  return g_steal_pointer (&dash);
}

/* ---- manager dashboard ----------------------------------------------------------------- */

void
qd_manager_dashboard_free (QdManagerDashboard *dash)
{
  if (dash == NULL)
    return;
  g_free (dash->today);
  g_clear_pointer (&dash->series, g_ptr_array_unref);
  g_clear_pointer (&dash->dealers, g_ptr_array_unref);
  g_clear_pointer (&dash->categories, g_ptr_array_unref);
  g_free (dash);
}

static void
month_figures_free (QdMonthFigures *m)
{
  g_free (m->month);
  g_free (m);
}

static void
category_figures_free (QdCategoryFigures *c)
{
  g_free (c->category);
  g_free (c);
}

static void
dealer_row_free (QdDealerRow *row)
{
  g_free (row->dealer_id);
  g_free (row->name);
  g_free (row->region_id);
  g_free (row->level);
  g_free (row->last_order_at);
  g_free (row->stock_as_of);
  g_free (row->statement_period);
  g_free (row->statement_status);
  g_free (row);
}

static const char SQL_SCOPE_DEALERS[] =
  "SELECT id, name, region_id, level FROM dealers WHERE ?1 IS NULL OR region_id = ?1 "
  "ORDER BY id";
/* The scope's days and targets, joined to the dealer list in C. */
static const char SQL_SCOPE_DAYS[] =
  "SELECT dealer_id, day, amount_fen FROM purchases_daily WHERE day >= ?1 AND day <= ?2 "
  "AND dealer_id IN (SELECT id FROM dealers WHERE ?3 IS NULL OR region_id = ?3)";
static const char SQL_SCOPE_TARGETS[] =
  "SELECT dealer_id, period, sum (amount_fen) FROM targets WHERE period >= ?1 AND period <= ?2 "
  "AND dealer_id IN (SELECT id FROM dealers WHERE ?3 IS NULL OR region_id = ?3) "
  "GROUP BY 1, 2";
static const char SQL_SCOPE_CATEGORIES[] =
  "SELECT category, sum (amount_fen) FROM purchases_category_monthly "
  "WHERE month >= ?1 AND month <= ?2 "
  "AND dealer_id IN (SELECT id FROM dealers WHERE ?3 IS NULL OR region_id = ?3) "
  "GROUP BY 1 HAVING sum (amount_fen) <> 0";
static const char SQL_LAST_ORDER[] = "SELECT max (created_at) FROM orders WHERE dealer_id = ?1";
/* The IN list repeats the orders_open index's condition, so the partial index serves it. */
static const char SQL_HELD[] =
  "SELECT count (*) FROM orders WHERE dealer_id = ?1 "
  "AND status IN ('queued', 'sending', 'submitted', 'held', 'approved') AND status = 'held'";
static const char SQL_STATEMENTS[] =
  "SELECT period, status FROM statements WHERE dealer_id = ?1 ORDER BY period, version";
static const char SQL_LAST_TWO_REPORTS[] =
  "SELECT id, as_of FROM stock_reports WHERE dealer_id = ?1 AND status <> 'rejected' "
  "AND as_of <= ?2 ORDER BY as_of DESC, id DESC LIMIT 2";
static const char SQL_REPORT_QTY[] =
  "SELECT product_id, sum (qty) FROM stock_report_lines WHERE report_id = ?1 "
  "GROUP BY product_id";
/* Shipments between the two reports (?2 < day ≤ ?3) of the products in either (?4, ?5):
 * the stock the dealer reports on. */
static const char SQL_RECEIVED_BETWEEN[] =
  "SELECT l.product_id, sum (l.qty) FROM orders o JOIN order_lines l ON l.order_id = o.id "
  "WHERE o.dealer_id = ?1 AND o.created_at > ?2 AND substr (o.created_at, 1, 10) > ?2 "
  "AND substr (o.created_at, 1, 10) <= ?3 AND o.status IN ('shipped', 'completed') "
  "AND l.product_id IN (SELECT product_id FROM stock_report_lines "
  "WHERE report_id IN (?4, ?5)) "
  "GROUP BY 1";

/* product_id → quantity from @sql, whose text parameters are @params (NULL-terminated). */
static gboolean
read_qty_map (QdStore            *self,
              const char         *sql,
              const char * const *params,
              GHashTable         *into,
              GError            **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  for (int i = 0; params[i] != NULL; i++)
    sqlite3_bind_text (stmt, i + 1, params[i], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *qty = g_new (gint64, 1);

      *qty = sqlite3_column_int64 (stmt, 1);
      g_hash_table_insert (into, _qd_col_dup (stmt, 0), qty);
    }
  return step_error (self, stmt, rc, error);
}

static gint64
map_qty (GHashTable *map,
         const char *key)
{
  gint64 *qty = g_hash_table_lookup (map, key);

  return qty != NULL ? *qty : 0;
}

/* A dealer's stock as a whole: the latest report's units at the sell-through since the
 * report before (per product, never negative, summed). */
static gboolean
dealer_row_stock (QdStore        *self,
                  QdDealerRow    *row,
                  const Periods  *p,
                  GError        **error)
{
  g_autoptr(GHashTable) q0 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) q1 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) received = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  g_autofree char *id1 = NULL, *id0 = NULL, *d0 = NULL;
  QdSellThrough total = { 0, 0, 1 };
  GHashTableIter iter;
  gpointer key, value;
  sqlite3_stmt *stmt;
  int rc;

  row->stock_cover.kind = QD_COVER_NONE;
  stmt = _qd_store_stmt (self, SQL_LAST_TWO_REPORTS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row->dealer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, p->today_s, -1, SQLITE_STATIC);
  for (guint n = 0; n < 2 && (rc = sqlite3_step (stmt)) == SQLITE_ROW; n++)
    {
      if (n == 0)
        {
          id1 = _qd_col_dup (stmt, 0);
          row->stock_as_of = _qd_col_dup (stmt, 1);
        }
      else
        {
          id0 = _qd_col_dup (stmt, 0);
          d0 = _qd_col_dup (stmt, 1);
        }
    }
  if (rc == SQLITE_ROW)
    rc = SQLITE_DONE;
  if (!step_error (self, stmt, rc, error))
    return FALSE;
  if (id1 == NULL)
    return TRUE;

  if (!read_qty_map (self, SQL_REPORT_QTY, (const char *[]) { id1, NULL }, q1, error))
    return FALSE;
  g_hash_table_iter_init (&iter, q1);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    row->stock_on_hand += *(gint64 *) value;
  if (id0 == NULL || strcmp (d0, row->stock_as_of) >= 0)
    return TRUE;   /* one report: no rate, no cover */

  if (!read_qty_map (self, SQL_REPORT_QTY, (const char *[]) { id0, NULL }, q0, error)
      || !read_qty_map (self, SQL_RECEIVED_BETWEEN,
                        (const char *[]) { row->dealer_id, d0, row->stock_as_of, id0, id1,
                                           NULL },
                        received, error))
    return FALSE;

  /* Every product of either report. */
  g_hash_table_iter_init (&iter, q0);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (received, key))
      g_hash_table_insert (received, g_strdup (key), g_new0 (gint64, 1));
  g_hash_table_iter_init (&iter, q1);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (received, key))
      g_hash_table_insert (received, g_strdup (key), g_new0 (gint64, 1));

  g_hash_table_iter_init (&iter, received);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      QdSellThrough one;

      if (!qd_sell_through_compute (d0, MAX (map_qty (q0, key), 0), MAX (*(gint64 *) value, 0),
                                    row->stock_as_of, MAX (map_qty (q1, key), 0), &one, error))
        return FALSE;
      total.sold += one.sold;
      total.days = one.days;
    }
  return qd_cover_compute (MAX (row->stock_on_hand, 0), &total, &row->stock_cover, error);
}

static gboolean
dealer_row_details (QdStore        *self,
                    QdDealerRow    *row,
                    const Periods  *p,
                    GError        **error)
{
  sqlite3_stmt *stmt;
  GDate overdue_before;
  char cutoff[8];
  int rc;

  stmt = _qd_store_stmt (self, SQL_LAST_ORDER, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row->dealer_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->last_order_at = _qd_col_dup (stmt, 0);
      rc = SQLITE_DONE;
    }
  if (!step_error (self, stmt, rc, error))
    return FALSE;

  stmt = _qd_store_stmt (self, SQL_HELD, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row->dealer_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->held_orders = sqlite3_column_int (stmt, 0);
      rc = SQLITE_DONE;
    }
  if (!step_error (self, stmt, rc, error))
    return FALSE;

  /* A statement of period M is overdue when still issued after the 10th day past M's end:
   * today − 10 days falls in a month after M. */
  overdue_before = p->today;
  g_date_subtract_days (&overdue_before, QD_DASHBOARD_STATEMENT_DAYS);
  g_snprintf (cutoff, sizeof cutoff, "%04u-%02u", g_date_get_year (&overdue_before),
              g_date_get_month (&overdue_before));
  stmt = _qd_store_stmt (self, SQL_STATEMENTS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row->dealer_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *period = (const char *) sqlite3_column_text (stmt, 0);
      const char *status = (const char *) sqlite3_column_text (stmt, 1);

      if (g_strcmp0 (status, "disputed") == 0)
        row->statements_disputed++;
      else if (g_strcmp0 (status, "issued") == 0 && period != NULL && strcmp (period, cutoff) < 0)
        row->statements_overdue++;
      g_free (row->statement_period);
      g_free (row->statement_status);
      row->statement_period = g_strdup (period);
      row->statement_status = g_strdup (status);
    }
  if (!step_error (self, stmt, rc, error))
    return FALSE;

  if (!qd_store_get_credit_position (self, row->dealer_id, &row->credit, error))
    return FALSE;
  row->credit_used_fen = row->credit.open_balance_fen + row->credit.uninvoiced_fen;

  return dealer_row_stock (self, row, p, error);
}

static int
compare_dealer_rows (gconstpointer a,
                     gconstpointer b)
{
  const QdDealerRow *x = *(QdDealerRow * const *) a;
  const QdDealerRow *y = *(QdDealerRow * const *) b;

  if ((x->year.attainment_bp < 0) != (y->year.attainment_bp < 0))
    return x->year.attainment_bp < 0 ? 1 : -1;
  if (x->year.attainment_bp != y->year.attainment_bp)
    return x->year.attainment_bp > y->year.attainment_bp ? -1 : 1;
  if (x->year.purchases_fen != y->year.purchases_fen)
    return x->year.purchases_fen > y->year.purchases_fen ? -1 : 1;
  return strcmp (x->dealer_id, y->dealer_id);
}

static int
compare_categories (gconstpointer a,
                    gconstpointer b)
{
  const QdCategoryFigures *x = *(QdCategoryFigures * const *) a;
  const QdCategoryFigures *y = *(QdCategoryFigures * const *) b;

  if (x->purchases_fen != y->purchases_fen)
    return x->purchases_fen > y->purchases_fen ? -1 : 1;
  return strcmp (x->category, y->category);
}

typedef struct
{
  QdDealerRow *row;
  Acc          acc;
} DealerAcc;

/**
 * qd_store_manager_dashboard:
 * @query: the region (or the whole cache), today and the series length
 *
 * KPI figures of the region, the purchases-vs-target series, the category mix and one row
 * per dealer, ranked by attainment. See qd-dashboard.h for the rules.
 *
 * Returns: (transfer full): the dashboard, or %NULL with @error set
 */
QdManagerDashboard *
qd_store_manager_dashboard (QdStore                       *self,
                            const QdManagerDashboardQuery *query,
                            GError                       **error)
{
  g_autoptr(QdManagerDashboard) dash = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autofree DealerAcc *accs = NULL;
  char series_first[8], from_month[8];
  char from_day[11];
  guint months, n = 0;
  Acc region = { { 0, }, };
  Periods p;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  months = query->months != 0 ? query->months : QD_DASHBOARD_SERIES_MONTHS;
  if (months > 120)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("A series of %u months is too long (at most 120)."), months);
      return NULL;
    }
  if (!periods_init (&p, query->today, error) || !_qd_store_ensure_derived (self, error))
    return NULL;

  dash = g_new0 (QdManagerDashboard, 1);
  dash->today = g_strdup (p.today_s);
  dash->series = g_ptr_array_new_with_free_func ((GDestroyNotify) month_figures_free);
  dash->dealers = g_ptr_array_new_with_free_func ((GDestroyNotify) dealer_row_free);
  dash->categories = g_ptr_array_new_with_free_func ((GDestroyNotify) category_figures_free);
  by_id = g_hash_table_new (g_str_hash, g_str_equal);

  stmt = _qd_store_stmt (self, SQL_SCOPE_DEALERS, error);
  if (stmt == NULL)
    return NULL;
  _qd_bind_text (stmt, 1, query->region_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdDealerRow *row = g_new0 (QdDealerRow, 1);

      row->dealer_id = _qd_col_dup (stmt, 0);
      row->name = _qd_col_dup (stmt, 1);
      row->region_id = _qd_col_dup (stmt, 2);
      row->level = _qd_col_dup (stmt, 3);
      g_ptr_array_add (dash->dealers, row);
    }
  if (!step_error (self, stmt, rc, error))
    return NULL;
  dash->n_dealers = dash->dealers->len;
  accs = g_new0 (DealerAcc, MAX (dash->dealers->len, 1));
  for (guint i = 0; i < dash->dealers->len; i++)
    {
      accs[i].row = dash->dealers->pdata[i];
      g_hash_table_insert (by_id, accs[i].row->dealer_id, &accs[i]);
    }

  /* The series' months, oldest first. */
  month_before (&p, months - 1, series_first);
  for (guint i = months; i-- > 0;)
    {
      QdMonthFigures *m = g_new0 (QdMonthFigures, 1);

      m->month = g_malloc (8);
      month_before (&p, i, m->month);
      g_ptr_array_add (dash->series, m);
    }

  /* From whichever starts first: the series or last year's January. */
  g_strlcpy (from_month, series_first, sizeof from_month);
  if (strncmp (p.ly_start[P_YEAR], from_month, 7) < 0)
    g_strlcpy (from_month, p.ly_start[P_YEAR], sizeof from_month);
  g_snprintf (from_day, sizeof from_day, "%s-01", from_month);

  stmt = _qd_store_stmt (self, SQL_SCOPE_DAYS, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, from_day, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, p.today_s, -1, SQLITE_STATIC);
  _qd_bind_text (stmt, 3, query->region_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DealerAcc *da = g_hash_table_lookup (by_id, sqlite3_column_text (stmt, 0));
      const char *day = (const char *) sqlite3_column_text (stmt, 1);
      gint64 amount = sqlite3_column_int64 (stmt, 2);

      if (da == NULL)
        continue;
      acc_day (&da->acc, &p, day, amount);
      acc_day (&region, &p, day, amount);
      if (strncmp (day, series_first, 7) >= 0)
        {
          int y, m;
          int index;

          sscanf (day, "%d-%d", &y, &m);
          index = (y * 12 + m) - (int) (g_date_get_year (&p.today) * 12
                                        + g_date_get_month (&p.today)) + (int) months - 1;
          if (index >= 0 && index < (int) months)
            ((QdMonthFigures *) dash->series->pdata[index])->purchases_fen += amount;
        }
    }
  if (!step_error (self, stmt, rc, error))
    return NULL;

  stmt = _qd_store_stmt (self, SQL_SCOPE_TARGETS, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, series_first, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, p.last_month[P_YEAR], -1, SQLITE_STATIC);
  _qd_bind_text (stmt, 3, query->region_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DealerAcc *da = g_hash_table_lookup (by_id, sqlite3_column_text (stmt, 0));
      const char *month = (const char *) sqlite3_column_text (stmt, 1);
      gint64 amount = sqlite3_column_int64 (stmt, 2);

      if (da == NULL || month == NULL)
        continue;
      acc_target (&da->acc, &p, month, amount);
      acc_target (&region, &p, month, amount);
      for (guint i = 0; i < months; i++)
        {
          QdMonthFigures *m = dash->series->pdata[i];

          if (strcmp (m->month, month) == 0)
            {
              m->target_fen += amount;
              break;
            }
        }
    }
  if (!step_error (self, stmt, rc, error))
    return NULL;

  figures_finish (&dash->month, &region, &p, P_MONTH);
  figures_finish (&dash->quarter, &region, &p, P_QUARTER);
  figures_finish (&dash->year, &region, &p, P_YEAR);

  for (guint i = 0; i < dash->dealers->len; i++)
    {
      QdDealerRow *row = accs[i].row;

      figures_finish (&row->year, &accs[i].acc, &p, P_YEAR);
      row->behind_target = row->year.target_to_date_fen > 0
                           && row->year.purchases_fen < row->year.target_to_date_fen;
      if (!dealer_row_details (self, row, &p, error))
        {
          g_prefix_error (error, _("Dealer %s: "), row->dealer_id);
          return NULL;
        }
      dash->dealers_behind_target += row->behind_target;
      dash->held_orders += row->held_orders;
      dash->statements_disputed += row->statements_disputed;
      dash->statements_overdue += row->statements_overdue;
      n++;
    }
  g_ptr_array_sort (dash->dealers, compare_dealer_rows);

  stmt = _qd_store_stmt (self, SQL_SCOPE_CATEGORIES, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, p.first_month[P_YEAR], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, p.month_s, -1, SQLITE_STATIC);
  _qd_bind_text (stmt, 3, query->region_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdCategoryFigures *c = g_new0 (QdCategoryFigures, 1);

      c->category = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      c->purchases_fen = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (dash->categories, c);
    }
  if (!step_error (self, stmt, rc, error))
    return NULL;
  g_ptr_array_sort (dash->categories, compare_categories);

  return g_steal_pointer (&dash);
}

/* ---- order review ----------------------------------------------------------------------- */

/* For each product of the order (in line order), the dealer's purchases of it before the
 * order: in the 12 months before (by the order's date) and the latest ever. Served by the
 * order_lines_product index: a product has few lines per dealer. */
static const char SQL_ORDER_PRODUCT_HISTORY[] =
  "WITH h AS (SELECT id, dealer_id, created_at, date (created_at, '-12 months') AS since "
  "           FROM orders WHERE id = ?1), "
  "past AS (SELECT l2.product_id, o.id AS order_id, o.created_at, l2.qty "
  "         FROM h, order_lines l2 JOIN orders o ON o.id = l2.order_id "
  "         WHERE l2.product_id IN (SELECT product_id FROM order_lines WHERE order_id = ?1) "
  "           AND o.dealer_id = h.dealer_id AND o.id <> h.id "
  "           AND o.status IN ('shipped', 'completed') AND o.created_at < h.created_at) "
  "SELECT l.product_id, p.sku, p.name, sum (l.qty), "
  "  (SELECT count (DISTINCT past.order_id) FROM past, h "
  "   WHERE past.product_id = l.product_id AND past.created_at >= h.since), "
  "  (SELECT coalesce (sum (past.qty), 0) FROM past, h "
  "   WHERE past.product_id = l.product_id AND past.created_at >= h.since), "
  "  (SELECT max (past.created_at) FROM past WHERE past.product_id = l.product_id) "
  "FROM order_lines l LEFT JOIN products p ON p.id = l.product_id "
  "WHERE l.order_id = ?1 GROUP BY l.product_id ORDER BY min (l.position)";

void
qd_product_history_free (QdProductHistory *history)
{
  if (history == NULL)
    return;
  g_free (history->product_id);
  g_free (history->sku);
  g_free (history->name);
  g_free (history->last_order_at);
  g_free (history);
}

/**
 * qd_store_order_product_history:
 * @order_id: an order in the cache (typically one held for review)
 *
 * Returns: (transfer full) (element-type QdProductHistory): one entry per product of the
 *   order, in the order of its lines (empty for an unknown order), or %NULL with @error set
 */
GPtrArray *
qd_store_order_product_history (QdStore     *self,
                                const char  *order_id,
                                GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (order_id != NULL, NULL);

  stmt = _qd_store_stmt (self, SQL_ORDER_PRODUCT_HISTORY, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_TRANSIENT);
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) qd_product_history_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdProductHistory *h = g_new0 (QdProductHistory, 1);

      h->product_id = _qd_col_dup (stmt, 0);
      h->sku = _qd_col_dup (stmt, 1);
      h->name = _qd_col_dup (stmt, 2);
      h->qty = sqlite3_column_int64 (stmt, 3);
      h->orders_12m = (guint) sqlite3_column_int64 (stmt, 4);
      h->qty_12m = sqlite3_column_int64 (stmt, 5);
      h->last_order_at = _qd_col_dup (stmt, 6);
      g_ptr_array_add (rows, h);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}
