/* test-reorder.c — suggested reorder quantities and the target cover on known series
 *
 * Every expectation is computed by hand in the comment beside it; a month is
 * 365.25 / 12 = 30.4375 days.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-error.h"
#include "qd-forecast.h"
#include "qd-reorder.h"

static QdForecast *
fit (const gint64 *series,
     guint         n)
{
  g_autoptr(GError) error = NULL;
  QdForecast *f = qd_forecast_new (series, n, &error);

  g_assert_no_error (error);
  return f;
}

static gint64
quantity (gint64 target,
          gint64 on_hand,
          gint64 on_order,
          gint64 pack_size)
{
  g_autoptr(GError) error = NULL;
  gint64 q = -1;

  g_assert_true (qd_reorder_quantity (target, on_hand, on_order, pack_size, &q, &error));
  g_assert_no_error (error);
  return q;
}

static void
test_quantity (void)
{
  g_autoptr(GError) error = NULL;
  gint64 q = -1;

  /* 100 − 30 − 20 = 50, rounded up to packs of 12: 5 packs = 60. */
  g_assert_cmpint (quantity (100, 30, 20, 12), ==, 60);
  /* Exactly 5 packs of 10: 50, not 60. */
  g_assert_cmpint (quantity (100, 30, 20, 10), ==, 50);
  /* One unit over 4 packs of 10 (41) is 5 packs. */
  g_assert_cmpint (quantity (91, 30, 20, 10), ==, 50);
  g_assert_cmpint (quantity (100, 30, 20, 1), ==, 50);
  /* Nothing short, or more than enough: 0, never negative. */
  g_assert_cmpint (quantity (100, 80, 20, 12), ==, 0);
  g_assert_cmpint (quantity (100, 200, 0, 12), ==, 0);
  g_assert_cmpint (quantity (0, 0, 0, 12), ==, 0);
  /* Open orders count like stock: 100 − 0 − 99 = 1 → one pack of 24. */
  g_assert_cmpint (quantity (100, 0, 99, 24), ==, 24);
  /* The largest inputs: 10¹² short in packs of 10⁶ is 10⁶ packs. */
  g_assert_cmpint (quantity (QD_FORECAST_QTY_MAX, 0, 0, QD_REORDER_MAX_PACK_SIZE), ==,
                   QD_FORECAST_QTY_MAX);

  g_assert_false (qd_reorder_quantity (100, 0, 0, 0, &q, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==, "pack_size: 0 is not a quantity between 1 and 1000000");
  g_clear_error (&error);
  g_assert_false (qd_reorder_quantity (100, -1, 0, 1, &q, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (qd_reorder_quantity (100, 0, -1, 1, &q, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (qd_reorder_quantity (-1, 0, 0, 1, &q, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_cmpint (q, ==, -1);   /* untouched on error */
}

static void
suggest (const QdForecast     *f,
         const QdReorderInput *in,
         QdReorderSuggestion  *out)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (qd_reorder_suggest (f, in, out, &error));
  g_assert_no_error (error);
}

/* One month of 42: lead time 30 days: 42 × 30 / 30.4375 = 41.40 → 42; 44 days of target
 * cover: 42 × 44 / 30.4375 = 60.71 → 61, so safety stock 19; 61 − 10 − 12 = 39 → two packs
 * of 24 = 48. */
static void
test_one_month (void)
{
  static const gint64 y[] = { 42 };
  g_autoptr(QdForecast) f = fit (y, 1);
  QdReorderInput in = { .lead_time_days = 30, .safety_days = 14, .on_hand = 10,
                        .on_order = 12, .pack_size = 24 };
  QdReorderSuggestion s;

  suggest (f, &in, &s);
  g_assert_cmpint (s.lead_time_demand, ==, 42);
  g_assert_cmpint (s.safety_stock, ==, 19);
  g_assert_cmpint (s.target, ==, 61);
  g_assert_cmpint (s.shortfall, ==, 39);
  g_assert_cmpint (s.quantity, ==, 48);
  g_assert_cmpint (s.packs, ==, 2);
  g_assert_cmpuint (qd_reorder_target_cover_days (&in), ==, 44);

  /* Enough on order already: nothing to suggest. */
  in.on_order = 60;
  suggest (f, &in, &s);
  g_assert_cmpint (s.shortfall, ==, 0);
  g_assert_cmpint (s.quantity, ==, 0);
  g_assert_cmpint (s.packs, ==, 0);
}

static void
test_zero_history (void)
{
  g_autoptr(QdForecast) f = fit (NULL, 0);
  QdReorderInput in = { .lead_time_days = 30, .safety_days = QD_REORDER_DEFAULT_SAFETY_DAYS,
                        .on_hand = 0, .on_order = 0, .pack_size = 6 };
  QdReorderSuggestion s;

  /* No history, no forecast demand: nothing is suggested even with an empty shelf. */
  suggest (f, &in, &s);
  g_assert_cmpint (s.target, ==, 0);
  g_assert_cmpint (s.quantity, ==, 0);
}

/* 10, 10, 10, 100 forecasts 37 a month. 15 days of lead time: 37 × 15 / 30.4375 = 18.23 → 19;
 * 29 days of cover: 37 × 29 / 30.4375 = 35.25 → 36, safety 17; 36 − 5 = 31 → 6 packs of 6
 * = 36. Had the spike been believed (100 a month) it would have been 96 − 5 → 96. */
static void
test_spike (void)
{
  static const gint64 y[] = { 10, 10, 10, 100 };
  g_autoptr(QdForecast) f = fit (y, 4);
  QdReorderInput in = { .lead_time_days = 15, .safety_days = 14, .on_hand = 5,
                        .on_order = 0, .pack_size = 6 };
  QdReorderSuggestion s;

  suggest (f, &in, &s);
  g_assert_cmpint (s.lead_time_demand, ==, 19);
  g_assert_cmpint (s.safety_stock, ==, 17);
  g_assert_cmpint (s.target, ==, 36);
  g_assert_cmpint (s.shortfall, ==, 31);
  g_assert_cmpint (s.quantity, ==, 36);
  g_assert_cmpint (s.packs, ==, 6);
}

/* Two years of 100 + the pattern (January −30 … July +30 … December −20): the next two
 * months forecast January 70 and February 80. Lead time 61 days, no safety days:
 * 70 + 80 + 0.0041 × 90 (March) = 150.37 → 151; 151 − 40 = 111 → 3 packs of 50 = 150.
 * The lead time alone (30 days): 70 × 30 / 30.4375 = 68.99 → 69. */
static void
test_seasonal (void)
{
  static const gint64 pattern[12] = { -30, -20, -10, 0, 10, 20, 30, 20, 10, 0, -10, -20 };
  gint64 y[24];
  g_autoptr(QdForecast) f = NULL;
  QdReorderInput in = { .lead_time_days = 61, .safety_days = 0, .on_hand = 40,
                        .on_order = 0, .pack_size = 50 };
  QdReorderSuggestion s;

  for (guint t = 0; t < 24; t++)
    y[t] = 100 + pattern[t % 12];
  f = fit (y, 24);

  suggest (f, &in, &s);
  g_assert_cmpint (s.lead_time_demand, ==, 151);
  g_assert_cmpint (s.safety_stock, ==, 0);
  g_assert_cmpint (s.quantity, ==, 150);
  g_assert_cmpint (s.packs, ==, 3);

  /* 30 days of lead time and 31 of safety: the same 61 days in total, split 69 + 82. */
  in.lead_time_days = 30;
  in.safety_days = 31;
  suggest (f, &in, &s);
  g_assert_cmpint (s.lead_time_demand, ==, 69);
  g_assert_cmpint (s.safety_stock, ==, 82);
  g_assert_cmpint (s.target, ==, 151);
}

static void
test_bad_input (void)
{
  static const gint64 y[] = { 42 };
  g_autoptr(QdForecast) f = fit (y, 1);
  g_autoptr(GError) error = NULL;
  QdReorderInput in = { .lead_time_days = QD_FORECAST_MAX_DAYS, .safety_days = 1,
                        .on_hand = 0, .on_order = 0, .pack_size = 1 };
  QdReorderSuggestion s;

  g_assert_false (qd_reorder_suggest (f, &in, &s, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  in = (QdReorderInput) { .lead_time_days = 30, .safety_days = G_MAXUINT, .pack_size = 1 };
  g_assert_false (qd_reorder_suggest (f, &in, &s, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  in = (QdReorderInput) { .lead_time_days = 30, .safety_days = 14, .on_hand = -3, .pack_size = 1 };
  g_assert_false (qd_reorder_suggest (f, &in, &s, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==, "on_hand: -3 is not a quantity between 0 and 1000000000000");
  g_clear_error (&error);

  in = (QdReorderInput) { .lead_time_days = 30, .safety_days = 14, .pack_size = 0 };
  g_assert_false (qd_reorder_suggest (f, &in, &s, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
}

static void
test_below_target_cover (void)
{
  QdSellThrough st = { .sold = 3, .days = 10 };
  QdCover cover;

  /* 10 in stock at 0.3 a day: 33.3 days of cover, below 34, not below 33. */
  g_assert_true (qd_cover_compute (10, &st, &cover, NULL));
  g_assert_true (qd_reorder_is_below_target_cover (&cover, 34));
  g_assert_false (qd_reorder_is_below_target_cover (&cover, 33));
  g_assert_false (qd_reorder_is_below_target_cover (&cover, 0));

  /* Out of stock while selling: 0 days, below any target but 0. */
  g_assert_true (qd_cover_compute (0, &st, &cover, NULL));
  g_assert_true (qd_reorder_is_below_target_cover (&cover, 1));
  g_assert_false (qd_reorder_is_below_target_cover (&cover, 0));

  /* Nothing sells: never below target, with or without stock. */
  st.sold = 0;
  g_assert_true (qd_cover_compute (10, &st, &cover, NULL));
  g_assert_cmpint (cover.kind, ==, QD_COVER_UNLIMITED);
  g_assert_false (qd_reorder_is_below_target_cover (&cover, 10000));
  g_assert_true (qd_cover_compute (0, &st, &cover, NULL));
  g_assert_cmpint (cover.kind, ==, QD_COVER_NONE);
  g_assert_false (qd_reorder_is_below_target_cover (&cover, 10000));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reorder/quantity", test_quantity);
  g_test_add_func ("/reorder/one-month", test_one_month);
  g_test_add_func ("/reorder/zero-history", test_zero_history);
  g_test_add_func ("/reorder/spike", test_spike);
  g_test_add_func ("/reorder/seasonal", test_seasonal);
  g_test_add_func ("/reorder/bad-input", test_bad_input);
  g_test_add_func ("/reorder/below-target-cover", test_below_target_cover);

  return g_test_run ();
}
