/* test-forecast.c — demand forecast, sell-through and days of cover on known series
 *
 * Every expectation is computed by hand in the comment beside it. A month is
 * 365.25 / 12 = 30.4375 days; α = 0.3 (simple), α = 0.2, β = 0.05, γ = 0.1 (Holt-Winters).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-error.h"
#include "qd-forecast.h"

static QdForecast *
fit (const gint64 *series,
     guint         n)
{
  g_autoptr(GError) error = NULL;
  QdForecast *f = qd_forecast_new (series, n, &error);

  g_assert_no_error (error);
  g_assert_nonnull (f);
  return f;
}

/* The yearly pattern of the seasonal series; it sums to 0. */
static const gint64 pattern[12] = { -30, -20, -10, 0, 10, 20, 30, 20, 10, 0, -10, -20 };

static void
test_zero_history (void)
{
  g_autoptr(QdForecast) f = fit (NULL, 0);

  g_assert_cmpint (qd_forecast_get_method (f), ==, QD_FORECAST_METHOD_NONE);
  g_assert_cmpint (qd_forecast_month (f, 1), ==, 0);
  g_assert_cmpint (qd_forecast_month (f, QD_FORECAST_MAX_AHEAD), ==, 0);
  g_assert_cmpint (qd_forecast_over_days (f, 0), ==, 0);
  g_assert_cmpint (qd_forecast_over_days (f, 90), ==, 0);
}

static void
test_one_month (void)
{
  static const gint64 y[] = { 42 };
  g_autoptr(QdForecast) f = fit (y, 1);

  /* Level₁ = y₁ = 42: every month ahead forecasts 42. */
  g_assert_cmpint (qd_forecast_get_method (f), ==, QD_FORECAST_METHOD_SIMPLE);
  g_assert_cmpint (qd_forecast_month (f, 1), ==, 42);
  g_assert_cmpint (qd_forecast_month (f, 12), ==, 42);
  g_assert_cmpint (qd_forecast_over_days (f, 0), ==, 0);
  /* 42 × 30 / 30.4375 = 41.396 → 42 (up). */
  g_assert_cmpint (qd_forecast_over_days (f, 30), ==, 42);
  /* 42 × 61 / 30.4375 = 84.172 → 85. */
  g_assert_cmpint (qd_forecast_over_days (f, 61), ==, 85);
  /* 42 × 365 / 30.4375 = 503.655 → 504. */
  g_assert_cmpint (qd_forecast_over_days (f, 365), ==, 504);
  /* A year and a quarter: 42 × 15 months = 630 when the days are 15 × 30.4375 = 456.5625;
   * 456 days are 14.9815 months: 629.22 → 630. */
  g_assert_cmpint (qd_forecast_over_days (f, 456), ==, 630);
}

static void
test_spike (void)
{
  static const gint64 y[] = { 10, 10, 10, 100, 10, 10 };
  g_autoptr(QdForecast) f4 = fit (y, 4);
  g_autoptr(QdForecast) f5 = fit (y, 5);
  g_autoptr(QdForecast) f6 = fit (y, 6);
  g_autoptr(QdForecast) f3 = fit (y, 3);

  /* Before the spike: 10. */
  g_assert_cmpint (qd_forecast_month (f3, 1), ==, 10);
  /* The spike is damped by α: 0.3 × 100 + 0.7 × 10 = 37, not 100. */
  g_assert_cmpint (qd_forecast_month (f4, 1), ==, 37);
  /* 37 × 61 / 30.4375 = 74.15 → 75. */
  g_assert_cmpint (qd_forecast_over_days (f4, 61), ==, 75);
  /* 487 days are exactly 16 months (16 × 30.4375): 16 × 37 = 592. */
  g_assert_cmpint (qd_forecast_over_days (f4, 487), ==, 592);
  /* And it fades: 0.3 × 10 + 0.7 × 37 = 28.9 → 29; 0.3 × 10 + 0.7 × 28.9 = 23.23 → 23. */
  g_assert_cmpint (qd_forecast_month (f5, 1), ==, 29);
  g_assert_cmpint (qd_forecast_month (f6, 1), ==, 23);
}

static void
test_simple_smoothing (void)
{
  static const gint64 step[] = { 100, 100, 200 };
  gint64 y23[23];
  g_autoptr(QdForecast) f = fit (step, 3);
  g_autoptr(QdForecast) g = NULL;

  /* 100, 100, then 0.3 × 200 + 0.7 × 100 = 130. */
  g_assert_cmpint (qd_forecast_month (f, 1), ==, 130);
  g_assert_cmpint (qd_forecast_month (f, 6), ==, 130);

  /* 23 months are still "simple": 22 × 50 then 80 → 0.3 × 80 + 0.7 × 50 = 59. */
  for (guint i = 0; i < 22; i++)
    y23[i] = 50;
  y23[22] = 80;
  g = fit (y23, 23);
  g_assert_cmpint (qd_forecast_get_method (g), ==, QD_FORECAST_METHOD_SIMPLE);
  g_assert_cmpint (qd_forecast_month (g, 1), ==, 59);
}

/* 100 + the pattern, two years: A₁ = A₂ = 100, b = 0, L = 100, sᵢ = the pattern, and with no
 * error the updates change nothing: the next year is the pattern again. */
static void
test_holt_winters_seasonal (void)
{
  gint64 y[24];
  g_autoptr(QdForecast) f = NULL;

  for (guint t = 0; t < 24; t++)
    y[t] = 100 + pattern[t % 12];
  f = fit (y, 24);

  g_assert_cmpint (qd_forecast_get_method (f), ==, QD_FORECAST_METHOD_HOLT_WINTERS);
  g_assert_cmpint (qd_forecast_month (f, 1), ==, 70);    /* January again: 100 − 30 */
  g_assert_cmpint (qd_forecast_month (f, 7), ==, 130);   /* July: 100 + 30 */
  g_assert_cmpint (qd_forecast_month (f, 12), ==, 80);   /* December: 100 − 20 */
  g_assert_cmpint (qd_forecast_month (f, 13), ==, 70);   /* January of the year after */
  /* 61 days = 2.0041 months: 70 + 80 + 0.0041 × 90 = 150.37 → 151. */
  g_assert_cmpint (qd_forecast_over_days (f, 61), ==, 151);
}

/* 100 + 2t + the pattern, three years (t = 1..36): A₁ = 100 + 2 × 6.5 = 113, A₂ = 137,
 * b = 24 / 12 = 2, L₁₂ = 113 + 5.5 × 2 = 124 = 100 + 2 × 12; exact, so it is continued:
 * t = 37: 100 + 74 − 30 = 144; t = 42: 100 + 84 + 20 = 204; t = 48: 100 + 96 − 20 = 176. */
static void
test_holt_winters_trend (void)
{
  gint64 y[36];
  g_autoptr(QdForecast) f = NULL;

  for (guint t = 1; t <= 36; t++)
    y[t - 1] = 100 + 2 * t + pattern[(t - 1) % 12];
  f = fit (y, 36);

  g_assert_cmpint (qd_forecast_month (f, 1), ==, 144);
  g_assert_cmpint (qd_forecast_month (f, 6), ==, 204);
  g_assert_cmpint (qd_forecast_month (f, 12), ==, 176);
  /* 487 days are exactly the 16 months t = 37..52: 16 × 100 + 2 × (37 + … + 52)
   * + (one whole year of the pattern, 0) + (January to April, −60) = 1600 + 1424 − 60
   * = 2964. In doubles the sum is 2964.0000000000005, which must not round up to 2965. */
  g_assert_cmpint (qd_forecast_over_days (f, 487), ==, 2964);
}

/* The seasonal series above, then a January of 100 where 70 was expected:
 *   L₂₅ = 0.2 × (100 − (−30)) + 0.8 × (100 + 0) = 106
 *   b₂₅ = 0.05 × (106 − 100) + 0.95 × 0 = 0.3
 *   s₂₅ = 0.1 × (100 − 106) + 0.9 × (−30) = −27.6
 * February (h = 1): 106 + 0.3 − 20 = 86.3 → 86; July (h = 6): 106 + 1.8 + 30 = 137.8 → 138;
 * January (h = 12): 106 + 3.6 − 27.6 = 82. */
static void
test_holt_winters_update (void)
{
  gint64 y[25];
  g_autoptr(QdForecast) f = NULL;

  for (guint t = 0; t < 24; t++)
    y[t] = 100 + pattern[t % 12];
  y[24] = 100;
  f = fit (y, 25);

  g_assert_cmpint (qd_forecast_month (f, 1), ==, 86);
  g_assert_cmpint (qd_forecast_month (f, 6), ==, 138);
  g_assert_cmpint (qd_forecast_month (f, 12), ==, 82);
}

/* 240 − 10t for two years ends at 0: b = −10 and every month ahead would be negative;
 * demand is never forecast below 0. */
static void
test_falling_trend (void)
{
  gint64 y[24];
  g_autoptr(QdForecast) f = NULL;

  for (guint t = 1; t <= 24; t++)
    y[t - 1] = 240 - 10 * (gint64) t;
  f = fit (y, 24);

  g_assert_cmpint (qd_forecast_month (f, 1), ==, 0);    /* 240 − 250 = −10 → 0 */
  g_assert_cmpint (qd_forecast_month (f, 5), ==, 0);
  g_assert_cmpint (qd_forecast_over_days (f, 100), ==, 0);
}

static void
test_bad_history (void)
{
  static const gint64 negative[] = { 5, -1, 3 };
  static const gint64 huge[] = { QD_FORECAST_QTY_MAX + 1 };
  static const gint64 largest[] = { QD_FORECAST_QTY_MAX };
  g_autofree gint64 *long_history = g_new0 (gint64, QD_FORECAST_MAX_MONTHS + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdForecast) ok = NULL;

  g_assert_null (qd_forecast_new (negative, 3, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==, "history[1]: a month’s demand cannot be negative (got -1)");
  g_clear_error (&error);

  g_assert_null (qd_forecast_new (huge, 1, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_null (qd_forecast_new (long_history, QD_FORECAST_MAX_MONTHS + 1, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* The limits themselves are fine. */
  ok = fit (long_history, QD_FORECAST_MAX_MONTHS);
  g_assert_cmpint (qd_forecast_over_days (ok, QD_FORECAST_MAX_DAYS), ==, 0);
  g_clear_pointer (&ok, qd_forecast_free);
  ok = fit (largest, 1);
  g_assert_cmpint (qd_forecast_month (ok, 1), ==, QD_FORECAST_QTY_MAX);
}

static void
test_sell_through (void)
{
  g_autoptr(GError) error = NULL;
  QdSellThrough st;
  QdCover cover;

  /* 120 on 1 October, 200 received, 80 on 31 October: 120 + 200 − 80 = 240 sold in
   * 30 days, 8 a day; 80 in stock last 80 × 30 / 240 = 10 days. */
  g_assert_true (qd_sell_through_compute ("2026-10-01", 120, 200, "2026-10-31", 80, &st, &error));
  g_assert_no_error (error);
  g_assert_cmpint (st.sold, ==, 240);
  g_assert_cmpint (st.unexplained, ==, 0);
  g_assert_cmpint (st.days, ==, 30);
  g_assert_cmpint (qd_sell_through_daily_rate_milli (&st), ==, 8000);
  g_assert_true (qd_cover_compute (80, &st, &cover, &error));
  g_assert_cmpint (cover.kind, ==, QD_COVER_DAYS);
  g_assert_cmpint (cover.days, ==, 10);
  /* Out of stock while selling: 0 days. */
  g_assert_true (qd_cover_compute (0, &st, &cover, &error));
  g_assert_cmpint (cover.kind, ==, QD_COVER_DAYS);
  g_assert_cmpint (cover.days, ==, 0);

  /* More counted than could be there (50 + 0 < 70): sold 0, never −20; 20 unexplained. */
  g_assert_true (qd_sell_through_compute ("2026-10-01", 50, 0, "2026-11-01", 70, &st, &error));
  g_assert_cmpint (st.sold, ==, 0);
  g_assert_cmpint (st.unexplained, ==, 20);
  g_assert_cmpint (st.days, ==, 31);
  g_assert_cmpint (qd_sell_through_daily_rate_milli (&st), ==, 0);
  /* No sales: stock lasts indefinitely; no stock either: nothing to cover. */
  g_assert_true (qd_cover_compute (70, &st, &cover, &error));
  g_assert_cmpint (cover.kind, ==, QD_COVER_UNLIMITED);
  g_assert_true (qd_cover_compute (0, &st, &cover, &error));
  g_assert_cmpint (cover.kind, ==, QD_COVER_NONE);

  /* Everything sold, exactly: sold = 10 + 5 − 0 = 15, not unexplained. */
  g_assert_true (qd_sell_through_compute ("2026-10-01", 10, 5, "2026-10-02", 0, &st, &error));
  g_assert_cmpint (st.sold, ==, 15);
  g_assert_cmpint (st.unexplained, ==, 0);
  g_assert_cmpint (st.days, ==, 1);

  /* Across a leap day: 28 Feb to 1 Mar 2024 is 2 days; 5 sold → 2.5 a day. */
  g_assert_true (qd_sell_through_compute ("2024-02-28", 5, 0, "2024-03-01", 0, &st, &error));
  g_assert_cmpint (st.days, ==, 2);
  g_assert_cmpint (qd_sell_through_daily_rate_milli (&st), ==, 2500);

  /* Rounding of the displayed rate and of the cover: 10 sold in 3 days = 3333.33 → 3333;
   * 2 sold in 3 days = 666.67 → 667; 10 in stock at 3 sold per 10 days: 33.3 → 33 days. */
  st = (QdSellThrough) { .sold = 10, .days = 3 };
  g_assert_cmpint (qd_sell_through_daily_rate_milli (&st), ==, 3333);
  st = (QdSellThrough) { .sold = 2, .days = 3 };
  g_assert_cmpint (qd_sell_through_daily_rate_milli (&st), ==, 667);
  st = (QdSellThrough) { .sold = 3, .days = 10 };
  g_assert_true (qd_cover_compute (10, &st, &cover, &error));
  g_assert_cmpint (cover.days, ==, 33);

  /* The largest inputs do not overflow: 10¹² in stock, 1 sold over 9999 years. */
  g_assert_true (qd_sell_through_compute ("0001-01-01", 1, 0, "9999-12-31", 0, &st, &error));
  g_assert_cmpint (st.days, ==, 3652058);
  g_assert_true (qd_cover_compute (QD_FORECAST_QTY_MAX, &st, &cover, &error));
  g_assert_cmpint (cover.days, ==, QD_FORECAST_QTY_MAX * 3652058);
  g_assert_no_error (error);
}

static void
test_sell_through_errors (void)
{
  static const struct
  {
    const char *d0;
    gint64      q0;
    gint64      r;
    const char *d1;
    gint64      q1;
    QdError     code;
    const char *message;
  } cases[] = {
    { "2026-10-01", 10, 0, "2026-10-01", 5, QD_ERROR_INVALID,
      "closing_date: 2026-10-01 is not after the opening report of 2026-10-01" },
    { "2026-10-02", 10, 0, "2026-10-01", 5, QD_ERROR_INVALID, NULL },
    { "2026-13-01", 10, 0, "2026-12-01", 5, QD_ERROR_INVALID,
      "opening_date: expected a date such as 2026-11-24, got “2026-13-01”" },
    { "2026-10-01", 10, 0, "2026/11/01", 5, QD_ERROR_INVALID, NULL },
    { "2026-10-01", 10, 0, NULL, 5, QD_ERROR_INVALID, NULL },
    { "2026-10-01", -1, 0, "2026-11-01", 5, QD_ERROR_OUT_OF_RANGE,
      "opening_qty: -1 is not a quantity between 0 and 1000000000000" },
    { "2026-10-01", 10, -5, "2026-11-01", 5, QD_ERROR_OUT_OF_RANGE, NULL },
    { "2026-10-01", 10, 0, "2026-11-01", QD_FORECAST_QTY_MAX + 1, QD_ERROR_OUT_OF_RANGE, NULL },
  };
  QdCover cover;
  QdSellThrough st = { .sold = 1, .days = 1 };
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      QdSellThrough out;

      g_assert_false (qd_sell_through_compute (cases[i].d0, cases[i].q0, cases[i].r, cases[i].d1,
                                               cases[i].q1, &out, &error));
      g_assert_error (error, QD_ERROR, (int) cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      g_clear_error (&error);
    }

  g_assert_false (qd_cover_compute (-1, &st, &cover, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
}

static void
test_monthly (void)
{
  g_autoptr(GError) error = NULL;
  gint64 monthly[4];
  guint covered[4];

  /* 31 Jan → 31 Mar 2026 is 59 days (28 of February, 31 of March), 118 sold = 2 a day:
   * February 56, March 62; January and April get nothing and no covered days. */
  {
    const QdSellThroughSpan spans[] = { { "2026-01-31", "2026-03-31", 118 } };

    g_assert_true (qd_sell_through_monthly (spans, 1, "2026-01", 4, monthly, covered, &error));
    g_assert_no_error (error);
    g_assert_cmpint (monthly[0], ==, 0);
    g_assert_cmpint (monthly[1], ==, 56);
    g_assert_cmpint (monthly[2], ==, 62);
    g_assert_cmpint (monthly[3], ==, 0);
    g_assert_cmpuint (covered[0], ==, 0);
    g_assert_cmpuint (covered[1], ==, 28);
    g_assert_cmpuint (covered[2], ==, 31);
    g_assert_cmpuint (covered[3], ==, 0);
  }

  /* 15 Jan → 14 Feb is 30 days, 16 in January and 14 in February; 10 sold:
   * January 10 × 16 / 30 = 5.33, February 10 × 14 / 30 = 4.67; floors 5 + 4 leave 1 unit,
   * which goes to the larger fraction, February: 5 + 5 = 10, nothing lost.
   * Then 14 Feb → 31 Mar, 45 days (14 of February, 31 of March), 45 sold: 14 and 31.
   * February: 5 + 14 = 19 over 16 … 28, all its 28 days; January only 16 of 31. */
  {
    const QdSellThroughSpan spans[] = {
      { "2026-01-15", "2026-02-14", 10 },
      { "2026-02-14", "2026-03-31", 45 },
    };

    g_assert_true (qd_sell_through_monthly (spans, 2, "2026-01", 3, monthly, covered, &error));
    g_assert_cmpint (monthly[0], ==, 5);
    g_assert_cmpint (monthly[1], ==, 19);
    g_assert_cmpint (monthly[2], ==, 31);
    g_assert_cmpuint (covered[0], ==, 16);
    g_assert_cmpuint (covered[1], ==, 28);
    g_assert_cmpuint (covered[2], ==, 31);
  }

  /* Equal fractions: 1 unit over 31 Jan → 2 Mar 2026 (28 days of February, 2 of March,
   * 30 days): February 28/30 = 0.93 gets it. 3 units over 30 Dec → 1 Jan (31 December and 1 January):
   * 1.5 each, floors 1 + 1, the tie goes to the earlier month, December: 2 and 1. The
   * window starts in January, so December's share is left out. */
  {
    const QdSellThroughSpan one[] = { { "2026-01-31", "2026-03-02", 1 } };
    const QdSellThroughSpan tie[] = { { "2025-12-30", "2026-01-01", 3 } };

    g_assert_true (qd_sell_through_monthly (one, 1, "2026-02", 2, monthly, NULL, &error));
    g_assert_cmpint (monthly[0], ==, 1);
    g_assert_cmpint (monthly[1], ==, 0);
    g_assert_true (qd_sell_through_monthly (tie, 1, "2025-12", 2, monthly, covered, &error));
    g_assert_cmpint (monthly[0], ==, 2);
    g_assert_cmpint (monthly[1], ==, 1);
    g_assert_cmpuint (covered[0], ==, 1);
    g_assert_cmpuint (covered[1], ==, 1);
    g_assert_true (qd_sell_through_monthly (tie, 1, "2026-01", 1, monthly, NULL, &error));
    g_assert_cmpint (monthly[0], ==, 1);
  }
  g_assert_no_error (error);

  /* No spans: zeros. */
  monthly[0] = 99;
  g_assert_true (qd_sell_through_monthly (NULL, 0, "2026-01", 1, monthly, NULL, &error));
  g_assert_cmpint (monthly[0], ==, 0);
}

static void
assert_history (const QdSellThroughSpan *spans,
                guint                    n_spans,
                const char              *first_month,
                const gint64            *expected,
                guint                    n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *monthly = NULL;
  g_autofree char *first = NULL;
  guint n = 99;

  g_assert_true (qd_sell_through_demand_history (spans, n_spans, &monthly, &n, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, n_expected);
  g_assert_cmpstr (first, ==, first_month);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (monthly[i], ==, expected[i]);
}

static void
test_demand_history (void)
{
  /* Reports on the 1st of August … November 2026. Span 1 (1 Aug → 1 Sep, 31 days: 2 Aug …
   * 1 Sep) sold 62 = 2 a day; span 2 (→ 1 Oct, 30 days) 30 = 1 a day; span 3 (→ 1 Nov,
   * 31 days) 93 = 3 a day.
   * August: covered 2–31 = 30 days, 60 units, prorated 60 × 31 / 30 = 62.
   * September: the 1st from span 1 (2) + 2–30 from span 2 (29) = 31 over all 30 days.
   * October: the 1st from span 2 (1) + 2–31 from span 3 (90) = 91 over all 31 days.
   * November: only the 1st (3 units, 1 day < 15): left out. The old rule (whole months
   * only) gave September and October here, and nothing at all with two reports. */
  {
    const QdSellThroughSpan spans[] = {
      { "2026-08-01", "2026-09-01", 62 },
      { "2026-09-01", "2026-10-01", 30 },
      { "2026-10-01", "2026-11-01", 93 },
    };
    const gint64 expected[] = { 62, 31, 91 };

    assert_history (spans, 3, "2026-08", expected, 3);
    /* Two reports on the 1st: October (30 of 31 days, 90 units) prorated to 93. */
    {
      const gint64 october[] = { 93 };

      assert_history (spans + 2, 1, "2026-10", october, 1);
    }
    /* The last two spans: September (29 days, 29 units → 30) and October (91). */
    {
      const gint64 two[] = { 30, 91 };

      assert_history (spans + 1, 2, "2026-09", two, 2);
    }
  }

  /* Mid-month reports: 15 Sep → 15 Oct (30 days: 16 Sep … 15 Oct) sold 60 = 2 a day;
   * 15 Oct → 15 Nov (31 days: 16 Oct … 15 Nov) sold 93 = 3 a day.
   * September: 16–30 = 15 days (the minimum), 30 units → 30 × 30 / 15 = 60.
   * October: 1–15 from span 1 (30) + 16–31 from span 2 (48) = 78 over all 31 days.
   * November: 1–15 = 15 of 30 days, 45 units → 45 × 30 / 15 = 90. */
  {
    const QdSellThroughSpan spans[] = {
      { "2026-09-15", "2026-10-15", 60 },
      { "2026-10-15", "2026-11-15", 93 },
    };
    const gint64 expected[] = { 60, 78, 90 };

    assert_history (spans, 2, "2026-09", expected, 3);
  }

  /* Month-end reports: whole months, as qd_sell_through_monthly() gives them; August (no
   * covered day) is not part of the history. */
  {
    const QdSellThroughSpan spans[] = {
      { "2026-08-31", "2026-09-30", 45 },
      { "2026-09-30", "2026-10-31", 62 },
    };
    const gint64 expected[] = { 45, 62 };

    assert_history (spans, 2, "2026-09", expected, 2);
  }

  /* Half up: 1 unit over 31 Jan → 2 Mar 2026 (30 days): February's 28 days have 28/30 of
   * it, 0.93 → 1; March (2 days) is left out. 7 units over 14 Feb → 28 Feb (14 days, the
   * 15th … 28th): February seen on 14 days only — no history. */
  {
    const QdSellThroughSpan one[] = { { "2026-01-31", "2026-03-02", 1 } };
    const QdSellThroughSpan short_span[] = { { "2026-02-14", "2026-02-28", 7 } };
    const gint64 expected[] = { 1 };

    assert_history (one, 1, "2026-02", expected, 1);
    assert_history (short_span, 1, NULL, NULL, 0);
  }

  /* No spans, no history. */
  assert_history (NULL, 0, NULL, NULL, 0);

  /* Bad input is refused as qd_sell_through_monthly() refuses it. */
  {
    const QdSellThroughSpan bad[] = { { "2026-02-14", "2026-02-01", 7 } };
    g_autoptr(GError) error = NULL;
    g_autofree gint64 *monthly = NULL;
    guint n = 0;

    g_assert_false (qd_sell_through_demand_history (bad, 1, &monthly, &n, NULL, &error));
    g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
    g_assert_null (monthly);
    g_assert_cmpuint (n, ==, 0);
  }
}

static void
test_monthly_errors (void)
{
  const QdSellThroughSpan overlap[] = {
    { "2026-01-01", "2026-02-01", 10 },
    { "2026-01-20", "2026-03-01", 10 },
  };
  const QdSellThroughSpan reversed[] = { { "2026-02-01", "2026-01-01", 10 } };
  const QdSellThroughSpan negative[] = { { "2026-01-01", "2026-02-01", -1 } };
  const QdSellThroughSpan bad_date[] = { { "2026-01-01", "2026-02-30", 1 } };
  g_autoptr(GError) error = NULL;
  gint64 monthly[2];

  g_assert_false (qd_sell_through_monthly (overlap, 2, "2026-01", 2, monthly, NULL, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "spans[1].from_date: 2026-01-20 is before the end of the previous span");
  g_assert_cmpint (monthly[0], ==, 0);
  g_clear_error (&error);

  g_assert_false (qd_sell_through_monthly (reversed, 1, "2026-01", 2, monthly, NULL, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "spans[0].to_date: 2026-01-01 is not after 2026-02-01");
  g_clear_error (&error);

  g_assert_false (qd_sell_through_monthly (negative, 1, "2026-01", 2, monthly, NULL, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_false (qd_sell_through_monthly (bad_date, 1, "2026-01", 2, monthly, NULL, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (qd_sell_through_monthly (NULL, 0, "2026-13", 2, monthly, NULL, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "first_month: expected a month such as 2026-11, got “2026-13”");
  g_clear_error (&error);

  /* Refused before anything is written to the (short) output. */
  g_assert_false (qd_sell_through_monthly (NULL, 0, "2026-01", QD_FORECAST_MAX_MONTHS + 1, monthly,
                                           NULL, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_TOO_LARGE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/forecast/zero-history", test_zero_history);
  g_test_add_func ("/forecast/one-month", test_one_month);
  g_test_add_func ("/forecast/spike", test_spike);
  g_test_add_func ("/forecast/simple-smoothing", test_simple_smoothing);
  g_test_add_func ("/forecast/holt-winters-seasonal", test_holt_winters_seasonal);
  g_test_add_func ("/forecast/holt-winters-trend", test_holt_winters_trend);
  g_test_add_func ("/forecast/holt-winters-update", test_holt_winters_update);
  g_test_add_func ("/forecast/falling-trend", test_falling_trend);
  g_test_add_func ("/forecast/bad-history", test_bad_history);
  g_test_add_func ("/forecast/sell-through", test_sell_through);
  g_test_add_func ("/forecast/sell-through-errors", test_sell_through_errors);
  g_test_add_func ("/forecast/monthly", test_monthly);
  g_test_add_func ("/forecast/monthly-errors", test_monthly_errors);
  g_test_add_func ("/forecast/demand-history", test_demand_history);

  return g_test_run ();
}
