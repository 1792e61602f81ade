/* qd-forecast.c — exponential smoothing, sell-through and days of cover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
      /* Numbers are formatted apart: G_GINT64_FORMAT inside _() hides the message
       * from xgettext. */
      if (monthly[i] < 0)
        {
          g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, monthly[i]);
          g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                       _("history[%u]: a month’s demand cannot be negative (got %s)"), i, value);
          return NULL;
        }
      if (monthly[i] > QD_FORECAST_QTY_MAX)
        {
          g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, monthly[i]);
          g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                       _("history[%u]: %s units in a month are too many"), i, value);
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
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, qty);
      g_autofree char *max = g_strdup_printf ("%" G_GINT64_FORMAT, QD_FORECAST_QTY_MAX);
      g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                   _("%s: %s is not a quantity between %s and %s"), what, value, "0", max);
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

static gboolean
parse_month (const char  *text,
             int         *out_index,
             GError     **error)
{
  g_autofree char *date = NULL;

  /* "YYYY-MM" is a month when "YYYY-MM-01" is a date. */
  if (text != NULL && strlen (text) == 7)
    date = g_strconcat (text, "-01", NULL);
  if (date == NULL || !qd_is_date (date))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                   _("first_month: expected a month such as 2026-11, got “%s”"),
                   text ? text : "(null)");
      return FALSE;
    }
  *out_index = atoi (text) * 12 + atoi (text + 5) - 1;
  return TRUE;
}

typedef struct
{
  int    month;      /* year × 12 + month − 1 */
  guint  days;       /* days of the span in it */
  gint64 share;      /* whole units */
  gint64 remainder;  /* sold × days mod span days: the fraction left out, for ranking */
} MonthShare;

static int
compare_remainder_desc (gconstpointer a,
                        gconstpointer b)
{
  const MonthShare *x = *(const MonthShare * const *) a;
  const MonthShare *y = *(const MonthShare * const *) b;

  if (x->remainder != y->remainder)
    return x->remainder > y->remainder ? -1 : 1;
  return x->month < y->month ? -1 : x->month > y->month;   /* ties: the earlier month */
}

/**
 * qd_sell_through_monthly:
 * @spans: (array length=n_spans): spans between consecutive stock reports, in date order
 * @n_spans: how many
 * @first_month: the first month of the output, "YYYY-MM"
 * @n_months: how many months of output
 * @out_monthly: (array length=n_months) (out caller-allocates): units sold per month
 * @out_covered_days: (array length=n_months) (out caller-allocates) (optional): days of
 *   each month covered by a span
 * @error: return location for a #GError
 *
 * Spreads each span's units over the calendar months as qd-forecast.h describes.
 * Refuses bad dates, spans out of order or overlapping (%QD_ERROR_INVALID), negative or
 * huge units (%QD_ERROR_OUT_OF_RANGE) and more than %QD_FORECAST_MAX_MONTHS months
 * (%QD_ERROR_TOO_LARGE). On error the outputs are zeroed (when @n_months is too large,
 * nothing is written).
 *
 * Returns: %TRUE on success
 */
gboolean
qd_sell_through_monthly (const QdSellThroughSpan  *spans,
                         guint                     n_spans,
                         const char               *first_month,
                         guint                     n_months,
                         gint64                   *out_monthly,
                         guint                    *out_covered_days,
                         GError                  **error)
{
  guint32 previous_end = 0;
  int first;

  g_return_val_if_fail (spans != NULL || n_spans == 0, FALSE);
  g_return_val_if_fail (out_monthly != NULL || n_months == 0, FALSE);

  if (n_months > QD_FORECAST_MAX_MONTHS)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_TOO_LARGE,
                   _("history: %u months are more than the %u a forecast uses"), n_months,
                   (guint) QD_FORECAST_MAX_MONTHS);
      return FALSE;
    }
  for (guint i = 0; i < n_months; i++)
    {
      out_monthly[i] = 0;
      if (out_covered_days != NULL)
        out_covered_days[i] = 0;
    }
  if (!parse_month (first_month, &first, error))
    return FALSE;

  for (guint s = 0; s < n_spans; s++)
    {
      const QdSellThroughSpan *span = &spans[s];
      g_autoptr(GArray) months = g_array_new (FALSE, TRUE, sizeof (MonthShare));
      g_autoptr(GPtrArray) ranked = NULL;
      GDate from, to, day;
      guint32 from_j, to_j, span_days;
      gint64 given = 0;
      gboolean ok;

      ok = parse_date (span->from_date, "from_date", &from, error)
           && parse_date (span->to_date, "to_date", &to, error)
           && check_qty (span->sold, "sold", error);
      if (ok && g_date_compare (&from, &to) >= 0)
        {
          g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                       _("to_date: %s is not after %s"), span->to_date, span->from_date);
          ok = FALSE;
        }
      from_j = ok ? g_date_get_julian (&from) : 0;
      if (ok && s > 0 && from_j < previous_end)
        {
          g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                       _("from_date: %s is before the end of the previous span"),
                       span->from_date);
          ok = FALSE;
        }
      if (!ok)
        {
          g_prefix_error (error, "spans[%u].", s);
          for (guint i = 0; i < n_months; i++)
            {
              out_monthly[i] = 0;
              if (out_covered_days != NULL)
                out_covered_days[i] = 0;
            }
          return FALSE;
        }
      to_j = g_date_get_julian (&to);
      previous_end = to_j;
      span_days = to_j - from_j;

      /* Walk the span month by month: the days after from up to and including to. */
      day = from;
      g_date_add_days (&day, 1);
      while (g_date_get_julian (&day) <= to_j)
        {
          MonthShare m = { 0, };
          guint32 month_last;
          GDate last = day;

          g_date_set_day (&last, g_date_get_days_in_month (g_date_get_month (&day),
                                                           g_date_get_year (&day)));
          month_last = MIN (g_date_get_julian (&last), to_j);
          m.month = g_date_get_year (&day) * 12 + g_date_get_month (&day) - 1;
          m.days = month_last - g_date_get_julian (&day) + 1;
          /* sold ≤ 10¹² and days ≤ 31: the product fits easily. */
          m.share = span->sold * m.days / span_days;
          m.remainder = span->sold * m.days % span_days;
          given += m.share;
          g_array_append_val (months, m);
          g_date_add_days (&day, m.days);
        }

      /* Largest remainder: the units the floors left out (fewer than the months) go one
       * each to the months with the largest left-out fractions. */
      ranked = g_ptr_array_sized_new (months->len);
      for (guint i = 0; i < months->len; i++)
        g_ptr_array_add (ranked, &g_array_index (months, MonthShare, i));
      g_ptr_array_sort (ranked, compare_remainder_desc);
      for (guint i = 0; given < span->sold; i++, given++)
        ((MonthShare *) g_ptr_array_index (ranked, i))->share++;

      for (guint i = 0; i < months->len; i++)
        {
          const MonthShare *m = &g_array_index (months, MonthShare, i);
          int index = m->month - first;

          if (index < 0 || (guint) index >= n_months)
            continue;
          out_monthly[index] += m->share;
          if (out_covered_days != NULL)
            out_covered_days[index] += m->days;
        }
    }
  return TRUE;
}

/**
 * qd_sell_through_demand_history:
 * @spans: (array length=n_spans): spans between consecutive stock reports, in date order
 * @n_spans: how many
 * @out_monthly: (out) (transfer full) (array length=out_n_months): the monthly demand, oldest
 *   first; %NULL when there is none
 * @out_n_months: (out): how many months
 * @out_first_month: (out) (optional) (transfer full): "YYYY-MM" of the first one, or %NULL
 * @error: return location for a #GError
 *
 * The forecast's input from stock reports on any days, as qd-forecast.h describes under
 * DEMAND HISTORY: each month covered by spans on at least %QD_SELL_THROUGH_MIN_MONTH_DAYS of
 * its days gets the units of those days (each span's units spread evenly over its days),
 * prorated to the whole month and rounded half up; the last run of consecutive such months
 * is the history. Reports on the 1st of consecutive months thus give every month but the
 * last report's; month-end reports give exactly the months between them.
 *
 * Errors are those of qd_sell_through_monthly() (bad dates, spans out of order, bad units).
 *
 * Returns: %TRUE on success (also when no month qualifies: then 0 months)
 */
gboolean
qd_sell_through_demand_history (const QdSellThroughSpan  *spans,
                                guint                     n_spans,
                                gint64                  **out_monthly,
                                guint                    *out_n_months,
                                char                    **out_first_month,
                                GError                  **error)
{
  g_autofree gint64 *shares = NULL;
  g_autofree guint *covered = NULL;
  g_autofree double *demand = NULL;
  GDate first, last;
  int first_index;
  guint n_months, end, start;
  char first_month[8];

  g_return_val_if_fail (spans != NULL || n_spans == 0, FALSE);
  g_return_val_if_fail (out_monthly != NULL && out_n_months != NULL, FALSE);

  *out_monthly = NULL;
  *out_n_months = 0;
  if (out_first_month != NULL)
    *out_first_month = NULL;
  if (n_spans == 0)
    return TRUE;

  if (!parse_date (spans[0].from_date, "spans[0].from_date", &first, error)
      || !parse_date (spans[n_spans - 1].to_date, "to_date", &last, error))
    return FALSE;
  first_index = g_date_get_year (&first) * 12 + g_date_get_month (&first) - 1;
  if (g_date_compare (&first, &last) >= 0)
    n_months = 1;
  else
    n_months = (guint) (g_date_get_year (&last) * 12 + g_date_get_month (&last) - 1
                        - first_index + 1);
  /* The oldest months go first when the history is longer than a forecast uses. */
  if (n_months > QD_FORECAST_MAX_MONTHS)
    {
      first_index += n_months - QD_FORECAST_MAX_MONTHS;
      n_months = QD_FORECAST_MAX_MONTHS;
    }
  g_snprintf (first_month, sizeof first_month, "%04d-%02d", first_index / 12,
              first_index % 12 + 1);

  /* Validation (dates, order, overlap, units) and the covered days are those of the
   * integer spreading; the demand itself is summed from exact fractions below, so that a
   * month seen for a few days is not prorated from a share rounded to whole units. */
  shares = g_new0 (gint64, n_months);
  covered = g_new0 (guint, n_months);
  if (!qd_sell_through_monthly (spans, n_spans, first_month, n_months, shares, covered, error))
    return FALSE;

  demand = g_new0 (double, n_months);
  for (guint s = 0; s < n_spans; s++)
    {
      GDate from, to, day;
      guint32 to_j, span_days;

      /* Already checked by qd_sell_through_monthly(). */
      parse_date (spans[s].from_date, "from_date", &from, NULL);
      parse_date (spans[s].to_date, "to_date", &to, NULL);
      to_j = g_date_get_julian (&to);
      span_days = to_j - g_date_get_julian (&from);
      day = from;
      g_date_add_days (&day, 1);
      while (g_date_get_julian (&day) <= to_j)
        {
          GDate month_end = day;
          guint32 days;
          int index;

          g_date_set_day (&month_end, g_date_get_days_in_month (g_date_get_month (&day),
                                                                g_date_get_year (&day)));
          days = MIN (g_date_get_julian (&month_end), to_j) - g_date_get_julian (&day) + 1;
          index = g_date_get_year (&day) * 12 + g_date_get_month (&day) - 1 - first_index;
          if (index >= 0 && (guint) index < n_months)
            demand[index] += (double) spans[s].sold * days / span_days;
          g_date_add_days (&day, days);
        }
    }

  /* The last run of months seen on enough days. */
  end = n_months;
  while (end > 0 && covered[end - 1] < QD_SELL_THROUGH_MIN_MONTH_DAYS)
    end--;
  start = end;
  while (start > 0 && covered[start - 1] >= QD_SELL_THROUGH_MIN_MONTH_DAYS)
    start--;
  if (end == start)
    return TRUE;

  *out_n_months = end - start;
  *out_monthly = g_new (gint64, end - start);
  for (guint i = start; i < end; i++)
    {
      int index = first_index + (int) i;
      guint month_days = g_date_get_days_in_month (index % 12 + 1, index / 12);
      double full = demand[i] * month_days / covered[i];

      /* Half up, with the slack of qd_forecast_over_days() so that 30 × 31 / 31 stays 30. */
      (*out_monthly)[i - start] = (gint64) floor (full + 0.5 + ROUNDING_SLACK);
    }
  if (out_first_month != NULL)
    {
      int index = first_index + (int) start;

      *out_first_month = g_strdup_printf ("%04d-%02d", index / 12, index % 12 + 1);
    }
  return TRUE;
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
