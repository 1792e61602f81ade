/* qd-dashboard.h — the figures of the dealer and manager dashboards (issue 7), from the cache
 *
 * Everything is computed from the local cache, so it works offline, and from the summary
 * tables of schema version 4 rather than from order lines (see migrations/0004):
 *
 *  - PURCHASES are orders with status shipped or completed (what the brand has invoiced),
 *    counted on the UTC date of their created_at. Submitted, held and approved orders may
 *    still be rejected or cancelled and are not purchases yet.
 *  - Periods run to date: the month, the quarter and the year that contain @today, from their
 *    first day through @today. GROWTH compares with the same dates one year earlier
 *    (29 February becomes the 28th), so a half-finished month is not set against a whole one.
 *  - TARGETS are monthly (`target.period` "YYYY-MM"); a period's target is the sum of its
 *    months' targets (the whole period, which is what attainment shows progress against).
 *    BEHIND TARGET compares with the target *to date*: whole months before @today plus the
 *    current month's target pro rata by days (day d of a 30-day month: d/30 of it).
 *  - The cache has no shipping dates: an order counts as received by the dealer on its
 *    order date, for sell-through and open orders.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "qd-forecast.h"
#include "qd-rebate.h"
#include "qd-reorder.h"
#include "qd-store.h"

G_BEGIN_DECLS

/* Days from order to receipt when the caller does not say: a week, a delivery within the
 * province. */
#define QD_DASHBOARD_DEFAULT_LEAD_TIME_DAYS 7
/* A statement still "issued" this many days after the end of its period is overdue for
 * confirmation (the cache has no issue date; statements are issued early in the month
 * after their period). */
#define QD_DASHBOARD_STATEMENT_DAYS 10
/* Months of the manager's purchases-vs-target series when the caller does not say. */
#define QD_DASHBOARD_SERIES_MONTHS 24

typedef struct
{
  gint64   purchases_fen;       /* the period through today */
  gint64   target_fen;          /* the whole period's target; 0 when there is none */
  gint64   target_to_date_fen;  /* whole months before today + the current one pro rata */
  gint64   last_year_fen;       /* the same dates one year earlier */
  gint     attainment_bp;       /* purchases / target in basis points (10000 = 100 %), rounded
                                 * down; -1 when there is no target */
  gboolean has_growth;          /* FALSE when last year's figure is 0 */
  gint64   growth_bp;           /* (purchases − last year) / last year in bp, truncated */
} QdPurchaseFigures;

/* ---- dealer dashboard ------------------------------------------------------------------- */

typedef struct
{
  const char *dealer_id;        /* NULL: the account's dealer */
  const char *today;            /* "YYYY-MM-DD"; NULL: today in UTC */
  guint       lead_time_days;   /* 0: QD_DASHBOARD_DEFAULT_LEAD_TIME_DAYS */
  guint       safety_days;      /* 0: QD_REORDER_DEFAULT_SAFETY_DAYS */
  gboolean    skip_stock;       /* purchases, rebate and credit only (the cart's hint) */
} QdDealerDashboardQuery;

/* One product of the dealer's latest stock report. */
typedef struct
{
  char                *product_id;
  char                *sku;            /* NULL when the product is not in the cache */
  char                *name;
  gint64               pack_size;
  char                *as_of;          /* the latest report */
  gint64               on_hand;        /* its quantity there (all lots) */
  gint64               on_order;       /* open orders + shipped since the report */
  gboolean             has_rate;       /* an earlier report gives a sell-through */
  QdSellThrough        rate;           /* between the last two reports */
  QdCover              cover;          /* days of cover at that rate; QD_COVER_NONE without
                                        * a rate */
  gint64               expiring_30;    /* units whose lot expires by today + 30 days (or has
                                        * expired); cumulative: 30 ⊂ 60 ⊂ 90 */
  gint64               expiring_60;
  gint64               expiring_90;
  guint                history_months; /* complete months of sell-through for the forecast */
  gint64               forecast_month; /* forecast of the next month */
  gboolean             below_target;   /* cover below lead time + safety days */
  QdReorderSuggestion  reorder;        /* reorder.quantity 0: nothing to order */
} QdStockCoverRow;

typedef struct
{
  char              *dealer_id;
  char              *dealer_name;
  char              *level;
  char              *today;
  QdPurchaseFigures  month;
  QdPurchaseFigures  quarter;
  QdPurchaseFigures  year;
  char              *rebate_period;   /* the current quarter, "2026-Q4" */
  char              *rebate_policy_id; /* NULL when no policy applies */
  QdRebateProgress   rebate;          /* over the quarter's purchases; zero without policy */
  QdRebatePolicy    *rebate_policy;   /* its tiers, for progress at other amounts (the cart);
                                       * NULL when no policy applies */
  gint64             quarter_open_fen; /* orders to be invoiced this quarter, not purchases
                                        * yet: submitted, held and approved ones of the
                                        * quarter to date and local ones waiting to be sent
                                        * (the cart's rebate hint counts them) */
  QdCreditPosition   credit;
  char              *stock_as_of;     /* the latest stock report, NULL when none */
  GPtrArray         *stock;           /* of QdStockCoverRow, by SKU */
  guint              n_reorder;       /* rows with a quantity to order */
} QdDealerDashboard;

void               qd_dealer_dashboard_free  (QdDealerDashboard *dash);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdDealerDashboard, qd_dealer_dashboard_free)

QdDealerDashboard *qd_store_dealer_dashboard (QdStore                      *self,
                                              const QdDealerDashboardQuery *query,
                                              GError                      **error);

/* ---- manager dashboard ------------------------------------------------------------------ */

typedef struct
{
  const char *region_id;        /* NULL: every dealer in the cache (the manager's scope) */
  const char *today;            /* "YYYY-MM-DD"; NULL: today in UTC */
  guint       months;           /* of the series; 0: QD_DASHBOARD_SERIES_MONTHS (≤ 120) */
} QdManagerDashboardQuery;

typedef struct
{
  char   *month;                /* "YYYY-MM" */
  gint64  purchases_fen;        /* the whole month (to date for the current one) */
  gint64  target_fen;
} QdMonthFigures;

typedef struct
{
  char   *category;             /* '' for products not in the cache */
  gint64  purchases_fen;        /* the current year's months through the current one */
} QdCategoryFigures;

typedef struct
{
  char              *dealer_id;
  char              *name;
  char              *region_id;
  char              *level;
  QdPurchaseFigures  year;               /* year to date */
  gboolean           behind_target;      /* year to date below the target to date */
  char              *last_order_at;      /* created_at of the latest order (any status) */
  guint              held_orders;
  char              *stock_as_of;        /* the latest stock report, NULL when none */
  gint64             stock_on_hand;      /* its total quantity */
  QdCover            stock_cover;        /* its stock at the sell-through since the report
                                          * before (summed over the products of either
                                          * report, each never negative); QD_COVER_NONE
                                          * without two reports */
  QdCreditPosition   credit;
  gint64             credit_used_fen;    /* open balance + not yet invoiced */
  char              *statement_period;   /* the latest statement, NULL when none */
  char              *statement_status;
  guint              statements_disputed;
  guint              statements_overdue; /* issued, unconfirmed past the period end + 10 days */
} QdDealerRow;

typedef struct
{
  char              *today;
  QdPurchaseFigures  month;              /* the region's dealers together */
  QdPurchaseFigures  quarter;
  QdPurchaseFigures  year;
  guint              n_dealers;
  guint              dealers_behind_target;
  guint              held_orders;
  guint              statements_disputed;
  guint              statements_overdue;
  GPtrArray         *series;             /* of QdMonthFigures, oldest first, to this month */
  GPtrArray         *dealers;            /* of QdDealerRow, by year attainment, highest first
                                          * (dealers without target last, by purchases) */
  GPtrArray         *categories;         /* of QdCategoryFigures, largest first */
} QdManagerDashboard;

void                qd_manager_dashboard_free  (QdManagerDashboard *dash);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdManagerDashboard, qd_manager_dashboard_free)

QdManagerDashboard *qd_store_manager_dashboard (QdStore                       *self,
                                                const QdManagerDashboardQuery *query,
                                                GError                       **error);

/* ---- order review ----------------------------------------------------------------------- */

/* One product of an order, with its dealer's history of it before the order: what a manager
 * weighs when the order was held (an unusual quantity, a product never bought before). */
typedef struct
{
  char   *product_id;
  char   *sku;             /* NULL when the product is not in the cache */
  char   *name;
  gint64  qty;             /* in this order */
  guint   orders_12m;      /* purchases (shipped, completed) with it in the 12 months before */
  gint64  qty_12m;         /* their quantity of it */
  char   *last_order_at;   /* created_at of the latest earlier purchase with it, or NULL */
} QdProductHistory;

void        qd_product_history_free        (QdProductHistory *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdProductHistory, qd_product_history_free)

GPtrArray  *qd_store_order_product_history (QdStore     *self,
                                            const char  *order_id,
                                            GError     **error);

G_END_DECLS
