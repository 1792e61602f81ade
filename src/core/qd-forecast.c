/* qd-forecast.c — exponential smoothing, sell-through and days of cover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

#include "qd-error.h"
#include "qd-forecast.h"
#include "qd-json.h"

#define DAYS_PER_MONTH (365.25 / 12.0)

/* How close to an integer a sum must be to count as that integer when rounding up. */
#define ROUNDING_SLACK 1e-6

struct _QdForecast
{
  QdForecastMethod method;
  double           level;                          /* the last level Lₙ */
  double           trend;                          /* bₙ, 0 unless Holt-Winters */
  double           season[QD_FORECAST_SEASON];     /* sₜ at [t % 12], Holt-Winters only */
  guint            n_months;
};

static void
fit_simple (QdForecast   *self,
            const gint64 *y,
            guint         n)
{
  /* Initialised with the first month, so that one month of history forecasts itself. */
  self->level = (double) y[0];
  for (guint t = 1; t < n; t++)
    self->level = QD_FORECAST_ALPHA * (double) y[t] + (1.0 - QD_FORECAST_ALPHA) * self->level;
}

static void
fit_holt_winters (QdForecast   *self,
                  const gint64 *y,
                  guint         n)
{
  const guint m = QD_FORECAST_SEASON;
  double a1 = 0, a2 = 0;

  /* y is 0-based here: month t (1-based, as in the header) is y[t - 1]. */
  for (guint i = 0; i < m; i++)
    {
      a1 += (double) y[i];
      a2 += (double) y[m + i];
    }
  a1 /= m;
  a2 /= m;

  self->trend = (a2 - a1) / m;
  /* A₁ is the value of the line at the middle of the first year, month 6.5. */
  self->level = a1 + (m - (m + 1) / 2.0) * self->trend;
  for (guint t = 1; t <= m; t++)
    self->season[t % m] = (double) y[t - 1] - (a1 + (t - (m + 1) / 2.0) * self->trend);

  for (guint t = m + 1; t <= n; t++)
    {
      double yt = (double) y[t - 1];
      double s_old = self->season[t % m];
      double l_old = self->level;
      double b_old = self->trend;

      self->level = QD_FORECAST_HW_ALPHA * (yt - s_old)
                    + (1.0 - QD_FORECAST_HW_ALPHA) * (l_old + b_old);
      self->trend = QD_FORECAST_HW_BETA * (self->level - l_old)
                    + (1.0 - QD_FORECAST_HW_BETA) * b_old;
      self->season[t % m] = QD_FORECAST_HW_GAMMA * (yt - self->level)
                            + (1.0 - QD_FORECAST_HW_GAMMA) * s_old;
    }
}

/**
 * qd_forecast_new:
 * @monthly: (array length=n_months) (nullable): units sold per month, oldest first
 * @n_months: how many months (0 is fine: the forecast is 0)
 * @error: return location for a #GError
 *
 * Fits the forecast described in qd-forecast.h. Refuses a negative month or one beyond
 * %QD_FORECAST_QTY_MAX (%QD_ERROR_OUT_OF_RANGE, "history[3]: …") and more than
 * %QD_FORECAST_MAX_MONTHS months (%QD_ERROR_TOO_LARGE).
 *
 * Returns: (transfer full) (nullable): the forecast, or %NULL with @error set
 */
QdForecast *
qd_forecast_new (const gint64  *monthly,
                 guint          n_months,
                 GError       **error)
{
  QdForecast *self;

  g_return_val_if_fail (monthly != NULL || n_months == 0, NULL);

  if (n_months > QD_FORECAST_MAX_MONTHS)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_TOO_LARGE,
                   _("history: %u months are more than the %u a forecast uses"), n_months,
                   (guint) QD_FORECAST_MAX_MONTHS);
      return NULL;
    }
  for (guint i = 0; i < n_months; i++)
    {
      if (monthly[i] < 0)
        {
          g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                       _("history[%u]: %" G_GINT64_FORMAT " is negative; demand cannot be"),
                       i, monthly[i]);
          return NULL;
        }
      if (monthly[i] > QD_FORECAST_QTY_MAX)
        {
          g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                       _("history[%u]: %" G_GINT64_FORMAT " is too large"), i, monthly[i]);
          return NULL;
        }
    }

  self = g_new0 (QdForecast, 1);
  self->n_months = n_months;
  if (n_months == 0)
    self->method = QD_FORECAST_METHOD_NONE;
  else if (n_months < QD_FORECAST_SEASONAL_MONTHS)
    {
      self->method = QD_FORECAST_METHOD_SIMPLE;
      fit_simple (self, monthly, n_months);
    }
  else
    {
      self->method = QD_FORECAST_METHOD_HOLT_WINTERS;
      fit_holt_winters (self, monthly, n_months);
    }
  return self;
}

void
qd_forecast_free (QdForecast *self)
{
  g_free (self);
}

QdForecastMethod
qd_forecast_get_method (const QdForecast *self)
{
  g_return_val_if_fail (self != NULL, QD_FORECAST_METHOD_NONE);

  return self->method;
}

/* The forecast of month n + ahead as a double, never negative. */
static double
month_value (const QdForecast *self,
             guint             ahead)
{
  double v;

  switch (self->method)
    {
    case QD_FORECAST_METHOD_NONE:
      return 0.0;
    case QD_FORECAST_METHOD_SIMPLE:
      v = self->level;
      break;
    case QD_FORECAST_METHOD_HOLT_WINTERS:
      /* season[(n + ahead) % 12] holds the latest index of that calendar month. */
      v = self->level + ahead * self->trend
          + self->season[(self->n_months + ahead) % QD_FORECAST_SEASON];
      break;
    default:
      g_assert_not_reached ();
    }
  return v > 0.0 ? v : 0.0;
}

gint64
qd_forecast_month (const QdForecast *self,
                   guint             ahead)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (ahead >= 1 && ahead <= QD_FORECAST_MAX_AHEAD, 0);

  /* Half up; the value is ≥ 0 and bounded (≤ 10¹² + 120 × trend), so it fits. */
  return (gint64) floor (month_value (self, ahead) + 0.5);
}

gint64
qd_forecast_over_days (const QdForecast *self,
                       guint             days)
{
  double months, sum = 0.0, rounded;
  guint whole;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (days <= QD_FORECAST_MAX_DAYS, 0);

  months = days / DAYS_PER_MONTH;
  whole = (guint) floor (months);
  for (guint h = 1; h <= whole; h++)
    sum += month_value (self, h);
  sum += (months - whole) * month_value (self, whole + 1);

  rounded = floor (sum + 0.5);
  if (fabs (sum - rounded) <= ROUNDING_SLACK)
    return (gint64) rounded;
  return (gint64) ceil (sum);
}

static gboolean
parse_date (const char  *text,
            const char  *what,
            GDate       *out,
            GError     **error)
{
  int y, mo, d;

  /* GDate's own parser accepts many spellings in the locale's order; ours is one. */
  if (!qd_is_date (text))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                   _("%s: expected a date such as 2026-11-24, got “%s”"), what,
                   text ? text : "(null)");
      return FALSE;
    }
  y = atoi (text);
  mo = atoi (text + 5);
  d = atoi (text + 8);
  g_date_clear (out, 1);
  g_date_set_dmy (out, d, mo, y);
  return TRUE;
}

static gboolean
check_qty (gint64       qty,
           const char  *what,
           GError     **error)
{
  if (qty < 0 || qty > QD_FORECAST_QTY_MAX)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                   _("%s: %" G_GINT64_FORMAT " is not a quantity between 0 and %" G_GINT64_FORMAT),
                   what, qty, QD_FORECAST_QTY_MAX);
      return FALSE;
    }
  return TRUE;
}

/**
 * qd_sell_through_compute:
 * @opening_date: the as_of date of the earlier stock report
 * @opening_qty: the stock it reported
 * @received_qty: units received after it, up to and including @closing_date
 * @closing_date: the as_of date of the later report, after @opening_date
 * @closing_qty: the stock it reported
 * @out: (out caller-allocates): sold, unexplained, days
 * @error: return location for a #GError
 *
 * sold = opening + received − closing over the days between the reports; when negative,
 * sold is 0 and the excess is @out->unexplained (see qd-forecast.h). Refuses dates that
 * are not "YYYY-MM-DD" or not in order (%QD_ERROR_INVALID) and quantities outside 0..
 * %QD_FORECAST_QTY_MAX (%QD_ERROR_OUT_OF_RANGE).
 *
 * Returns: %TRUE on success
 */
gboolean
qd_sell_through_compute (const char     *opening_date,
                         gint64          opening_qty,
                         gint64          received_qty,
                         const char     *closing_date,
                         gint64          closing_qty,
                         QdSellThrough  *out,
                         GError        **error)
{
  GDate d0, d1;
  gint64 available;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!parse_date (opening_date, "opening_date", &d0, error)
      || !parse_date (closing_date, "closing_date", &d1, error)
      || !check_qty (opening_qty, "opening_qty", error)
      || !check_qty (received_qty, "received_qty", error)
      || !check_qty (closing_qty, "closing_qty", error))
    return FALSE;

  if (g_date_compare (&d0, &d1) >= 0)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                   _("closing_date: %s is not after the opening report of %s"),
                   closing_date, opening_date);
      return FALSE;
    }

  out->days = g_date_days_between (&d0, &d1);
  available = opening_qty + received_qty;
  if (available >= closing_qty)
    {
      out->sold = available - closing_qty;
      out->unexplained = 0;
    }
  else
    {
      out->sold = 0;
      out->unexplained = closing_qty - available;
    }
  return TRUE;
}

gint64
qd_sell_through_daily_rate_milli (const QdSellThrough *self)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (self->days >= 1, 0);
  g_return_val_if_fail (self->sold >= 0 && self->sold <= 2 * QD_FORECAST_QTY_MAX, 0);

  return (self->sold * 1000 + self->days / 2) / self->days;
}

/**
 * qd_cover_compute:
 * @stock_qty: the stock on hand, 0..%QD_FORECAST_QTY_MAX
 * @rate: the sell-through that gives the rate
 * @out: (out caller-allocates): the cover
 * @error: return location for a #GError
 *
 * ⌊stock × days / sold⌋ whole days; %QD_COVER_UNLIMITED or %QD_COVER_NONE when nothing
 * sold (see qd-forecast.h).
 *
 * Returns: %TRUE on success; %FALSE for a quantity out of range
 */
gboolean
qd_cover_compute (gint64               stock_qty,
                  const QdSellThrough *rate,
                  QdCover             *out,
                  GError             **error)
{
  g_return_val_if_fail (rate != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (rate->days >= 1 && rate->days <= 4000000, FALSE);
  g_return_val_if_fail (rate->sold >= 0 && rate->sold <= 2 * QD_FORECAST_QTY_MAX, FALSE);

  if (!check_qty (stock_qty, "stock_qty", error))
    return FALSE;

  out->days = 0;
  if (rate->sold == 0)
    out->kind = stock_qty > 0 ? QD_COVER_UNLIMITED : QD_COVER_NONE;
  else
    {
      /* stock ≤ 10¹² and days ≤ 4 × 10⁶ (any two dates of years 1–9999): the product
       * stays below 4.1 × 10¹⁸ < G_MAXINT64. */
      out->kind = QD_COVER_DAYS;
      out->days = stock_qty * rate->days / rate->sold;
    }
  return TRUE;
}
