/* qd-forecast.h — monthly demand forecast, sell-through (动销) and days of cover
 *
 * FORECAST. The input is a product's monthly demand (units sold per calendar month,
 * oldest first, the last complete month last; integers ≥ 0). The method depends on how
 * much history there is:
 *
 *  - no month: QD_FORECAST_METHOD_NONE, every forecast is 0;
 *  - 1 to 23 months: QD_FORECAST_METHOD_SIMPLE, simple exponential smoothing (level only),
 *    level₁ = y₁, levelₜ = α·yₜ + (1 − α)·levelₜ₋₁ with α = QD_FORECAST_ALPHA; the forecast
 *    of every month ahead is the last level. So one month of history forecasts that month,
 *    and a spike moves the level by only α of its excess: 10, 10, 10, 100 → 10 + 0.3 × 90
 *    = 37;
 *  - 24 months or more: QD_FORECAST_METHOD_HOLT_WINTERS, additive Holt-Winters with a
 *    trend and a season of 12 months. Initialised from the first two years (A₁, A₂ their
 *    means): trend b = (A₂ − A₁) / 12, level at month 12 L = A₁ + 5.5·b, seasonal indices
 *    sᵢ = yᵢ − (A₁ + (i − 6.5)·b) for i = 1..12 — exact for a series that is a line plus
 *    a yearly pattern summing to 0. Then for t = 13..n:
 *      Lₜ = α·(yₜ − sₜ₋₁₂) + (1 − α)·(Lₜ₋₁ + bₜ₋₁)
 *      bₜ = β·(Lₜ − Lₜ₋₁) + (1 − β)·bₜ₋₁
 *      sₜ = γ·(yₜ − Lₜ) + (1 − γ)·sₜ₋₁₂
 *    and h months ahead: Lₙ + h·bₙ + sₙ₊ₕ₋₁₂ₖ (the index of the same calendar month in
 *    the last year), with α, β, γ = QD_FORECAST_HW_ALPHA, _BETA, _GAMMA. A series that
 *    follows such a pattern exactly is continued exactly, whatever the parameters.
 *
 * What to pass: complete calendar months only (the current month is not over yet;
 * qd_sell_through_monthly() says which months are fully covered by stock reports), from
 * the product's first month on the dealer's shelf. Months before the product was listed
 * must be left out: read as zeros they would drag the level down and, with 24 months,
 * look like a seasonal low.
 *
 * Negative forecasts (a falling trend) count as 0. Doubles are used inside the
 * forecast only; every figure handed out is an integer, rounded as its function says.
 * Months are 365.25 / 12 = 30.4375 days long when demand is spread over days.
 *
 * SELL-THROUGH. Between two consecutive stock reports of a product (as_of dates d₀ < d₁,
 * stock q₀ and q₁) with r units received in between (shipments of the brand's orders to
 * the dealer): sold = q₀ + r − q₁ over d₁ − d₀ days. When that would be negative (more
 * counted than could be there: a counting error, a shipment not yet recorded, stock moved
 * in from elsewhere) sold is 0 — never negative, since the forecast and the cover must
 * not believe in negative demand — and the excess is kept in `unexplained` so that the
 * dashboard can flag the report.
 *
 * MONTHLY SELL-THROUGH, the forecast's input, from the spans between consecutive reports:
 * a span's units are spread evenly over its days (the days after the earlier as_of up to
 * and including the later one, since a report counts the stock at the end of its day) and
 * each calendar month gets its days' share. Shares are whole units by largest remainder
 * within each span, so a span's units are never lost or doubled by rounding (ties go to
 * the earlier month). A month only partly covered by spans (before the first report,
 * after the last, or in a gap) gets only its covered days' share; the covered days are
 * reported so that the caller hands only complete months to the forecast.
 *
 * DEMAND HISTORY, what the dashboards hand to the forecast (qd_sell_through_demand_history):
 * stock reports come on any day — the 1st, mid-month, the last day — so calendar months
 * are rarely covered whole. A month covered by spans on at least
 * QD_SELL_THROUGH_MIN_MONTH_DAYS of its days counts: its units are those of its covered
 * days (each span's units spread evenly over the span's days, as exact fractions) prorated
 * to the whole month, d_m / c_m × units, rounded half up. The history is the last run of
 * consecutive such months. Reports on the 1st of August, September and October, 62 and 30
 * units sold between them: August has 30 covered days (2–31) with 62 × 30/31 = 60 units,
 * prorated 60 × 31/30 = 62; September is whole (the 1st from the first span, 2 units, and
 * 29 days of the second, 29) = 31; October has only its 1st: left out. Month-end reports
 * give exactly the whole months between them, as before.
 *
 * DAYS OF COVER. How long the stock lasts at the observed rate: ⌊stock × days / sold⌋
 * whole days. With no sales (rate 0) it is QD_COVER_UNLIMITED when there is stock and
 * QD_COVER_NONE when there is none (nothing to cover, nothing selling); never a division
 * by zero and never a magic number.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Simple exponential smoothing (< 24 months). Dealers' monthly sell-through is noisy (a
 * promotion, a stocking month before Spring Festival): the textbook range is 0.1–0.3 and
 * we take its reactive end, because short histories are young products whose level still
 * moves. 0.3 gives old months a half-life of about 2 months (0.7² ≈ 0.5): a lasting change
 * shows within a quarter, while a one-month spike moves the forecast by 30 % of its excess. */
#define QD_FORECAST_ALPHA 0.3

/* Holt-Winters (≥ 24 months). The seasonal indices explain much of the month-to-month
 * variation, so the level needs less reaction than above (α = 0.2). A trend estimated from
 * two or three noisy years is fragile and is extrapolated over the whole lead time, so it
 * moves slowly (β = 0.05). Each seasonal index is updated once a year and yearly patterns
 * (Spring Festival, 618, 双十一) are stable, so γ = 0.1 keeps about ten years' memory. */
#define QD_FORECAST_HW_ALPHA 0.2
#define QD_FORECAST_HW_BETA  0.05
#define QD_FORECAST_HW_GAMMA 0.1

/* Months in a season, and the history from which seasonality is estimated (two seasons:
 * one to initialise the indices, one to tell a trend from a seasonal pattern). */
#define QD_FORECAST_SEASON          12
#define QD_FORECAST_SEASONAL_MONTHS 24

/* Limits, so that every input gets a clear error rather than an absurd figure. */
#define QD_FORECAST_MAX_MONTHS   1200                 /* a century of history */
#define QD_FORECAST_MAX_AHEAD    120                  /* months ahead */
#define QD_FORECAST_MAX_DAYS     3660                 /* days ahead */
#define QD_FORECAST_QTY_MAX      ((gint64) 1000000000000) /* units a month, in a stock */

typedef enum
{
  QD_FORECAST_METHOD_NONE,
  QD_FORECAST_METHOD_SIMPLE,
  QD_FORECAST_METHOD_HOLT_WINTERS,
} QdForecastMethod;

typedef struct _QdForecast QdForecast;

QdForecast       *qd_forecast_new         (const gint64      *monthly,
                                           guint              n_months,
                                           GError           **error);
void              qd_forecast_free        (QdForecast        *self);
QdForecastMethod  qd_forecast_get_method  (const QdForecast  *self);
/* The forecast of the month @ahead months after the last one of the history (1 = the
 * next month, up to QD_FORECAST_MAX_AHEAD), rounded half up to a whole unit, ≥ 0. */
gint64            qd_forecast_month       (const QdForecast  *self,
                                           guint              ahead);
/* The demand over the next @days days (up to QD_FORECAST_MAX_DAYS) from the end of the
 * history: whole forecast months, then the fraction of the next one, summed before
 * rounding and rounded UP to a whole unit — enough to cover the forecast, which is what
 * a reorder needs. Sums within 10⁻⁶ of an integer count as that integer, so that binary
 * fractions (0.3 × 100 = 30.000000000000004) do not add a unit. */
gint64            qd_forecast_over_days   (const QdForecast  *self,
                                           guint              days);

typedef struct
{
  gint64 sold;          /* units sold between the reports, ≥ 0 */
  gint64 unexplained;   /* > 0 when opening + received < closing: by how much; sold is 0 */
  gint64 days;          /* days between the reports, ≥ 1 */
} QdSellThrough;

gboolean          qd_sell_through_compute (const char        *opening_date,
                                           gint64             opening_qty,
                                           gint64             received_qty,
                                           const char        *closing_date,
                                           gint64             closing_qty,
                                           QdSellThrough     *out,
                                           GError           **error);
/* The rate in thousandths of a unit a day (sold × 1000 / days rounded half up), for
 * display: 2.5 units a day is 2500. */
gint64            qd_sell_through_daily_rate_milli (const QdSellThrough *self);

typedef struct
{
  const char *from_date;   /* as_of of the earlier report, "YYYY-MM-DD" */
  const char *to_date;     /* as_of of the later report, after from_date */
  gint64      sold;        /* units sold in between (QdSellThrough.sold), ≥ 0 */
} QdSellThroughSpan;

/* Spans in date order, not overlapping (a span may start where the previous one ended);
 * out_monthly[i] (and out_covered_days[i], optional) for month i after first_month
 * ("YYYY-MM"), i < n_months ≤ QD_FORECAST_MAX_MONTHS; months outside are ignored. */
gboolean          qd_sell_through_monthly (const QdSellThroughSpan *spans,
                                           guint              n_spans,
                                           const char        *first_month,
                                           guint              n_months,
                                           gint64            *out_monthly,
                                           guint             *out_covered_days,
                                           GError           **error);

/* Half a month: a month seen on fewer days would be prorated from too little (one day of
 * sales read as a month's), and a month seen on at least half of its days is a fair sample. */
#define QD_SELL_THROUGH_MIN_MONTH_DAYS 15

gboolean          qd_sell_through_demand_history (const QdSellThroughSpan *spans,
                                                  guint              n_spans,
                                                  gint64           **out_monthly,
                                                  guint             *out_n_months,
                                                  char             **out_first_month,
                                                  GError           **error);

typedef enum
{
  QD_COVER_DAYS,        /* `days` holds the whole days of cover (0 when out of stock) */
  QD_COVER_UNLIMITED,   /* stock but no sales: it lasts as long as nothing sells */
  QD_COVER_NONE,        /* neither stock nor sales: nothing to cover */
} QdCoverKind;

typedef struct
{
  QdCoverKind kind;
  gint64      days;     /* meaningful for QD_COVER_DAYS only, 0 otherwise */
} QdCover;

gboolean          qd_cover_compute        (gint64             stock_qty,
                                           const QdSellThrough *rate,
                                           QdCover           *out,
                                           GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdForecast, qd_forecast_free)

G_END_DECLS
