/* test-server-rules.c — the pure business rules of qudao-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-rules.h"

static void
test_credit (void)
{
  g_assert_cmpint (qd_server_rules_available_credit (100000, 30000, 20000), ==, 50000);
  g_assert_cmpint (qd_server_rules_available_credit (100000, 130000, 0), ==, -30000);
  /* Overpaid (negative ledger) raises what is available. */
  g_assert_cmpint (qd_server_rules_available_credit (100, -50, 0), ==, 150);
}

static void
test_hold (void)
{
  g_autofree char *none = qd_server_rules_hold_line ("p-1", 1000, 0);
  g_autofree char *below = qd_server_rules_hold_line ("p-1", 30, 60);  /* avg 10, 3× = 30 */
  g_autofree char *above = qd_server_rules_hold_line ("p-1", 31, 60);
  g_autofree char *t0 = qd_server_rules_hold_total (5000, 0);
  g_autofree char *t1 = qd_server_rules_hold_total (5000, 5000);
  g_autofree char *t2 = qd_server_rules_hold_total (5001, 5000);

  g_assert_null (none);   /* never ordered before: no history, no hold */
  g_assert_null (below);
  g_assert_nonnull (above);
  g_assert_nonnull (strstr (above, "p-1"));
  g_assert_null (t0);
  g_assert_null (t1);
  g_assert_nonnull (t2);
}

static void
test_number (void)
{
  g_autofree char *n = qd_server_rules_order_number ("20261124", 123);

  g_assert_cmpstr (n, ==, "SO-20261124-000123");
}

static void
test_rebate (void)
{
  const char *tiers = "[{\"threshold_fen\":1000,\"rate_bp\":100},"
                      "{\"threshold_fen\":2000,\"rate_bp\":200},"
                      "{\"threshold_fen\":5000,\"rate_bp\":300}]";
  g_autoptr(GError) error = NULL;
  gint64 r = -1;

  g_assert_true (qd_server_rules_rebate (tiers, 999, &r, &error));
  g_assert_cmpint (r, ==, 0);
  g_assert_true (qd_server_rules_rebate (tiers, 1000, &r, &error));
  g_assert_cmpint (r, ==, 10);
  g_assert_true (qd_server_rules_rebate (tiers, 2500, &r, &error));
  g_assert_cmpint (r, ==, 50);
  g_assert_true (qd_server_rules_rebate (tiers, 10001, &r, &error));
  g_assert_cmpint (r, ==, 300);  /* 300.03 */
  g_assert_true (qd_server_rules_rebate (tiers, 10050, &r, &error));
  g_assert_cmpint (r, ==, 302);  /* 301.5 rounds half up (core's rule) */
  g_assert_no_error (error);

  /* Not a policy: no tier, thresholds not increasing. */
  g_assert_false (qd_server_rules_rebate ("[]", 10001, &r, &error));
  g_clear_error (&error);
  g_assert_false (qd_server_rules_rebate ("[{\"threshold_fen\":5,\"rate_bp\":1},"
                                          "{\"threshold_fen\":5,\"rate_bp\":2}]", 1, &r, &error));
  g_clear_error (&error);

  g_assert_false (qd_server_rules_rebate ("{", 1, &r, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (qd_server_rules_rebate ("[{\"threshold_fen\":1,\"rate_bp\":10001}]", 1, &r,
                                          &error));
  g_clear_error (&error);
}

static void
test_periods (void)
{
  int y, m;
  g_autofree char *first = qd_server_rules_period_first_day ("2026-12");
  g_autofree char *next = qd_server_rules_period_next_day ("2026-12");
  g_autofree char *prev = qd_server_rules_period_previous ("2026-01");
  g_autofree char *q = qd_server_rules_period_quarter ("2026-11");
  g_autofree char *qf = qd_server_rules_quarter_first_day ("2026-11");
  g_autofree char *last = qd_server_rules_period_last_day ("2024-02");
  g_autofree char *six = qd_server_rules_six_months_before ("2026-08-31");
  g_autofree char *six2 = qd_server_rules_six_months_before ("2026-03-15");

  g_assert_true (qd_server_rules_period_parse ("2026-11", &y, &m));
  g_assert_cmpint (y, ==, 2026);
  g_assert_cmpint (m, ==, 11);
  g_assert_false (qd_server_rules_period_parse ("2026-13", &y, &m));
  g_assert_false (qd_server_rules_period_parse ("2026-1", &y, &m));
  g_assert_false (qd_server_rules_period_parse ("20261-1", &y, &m));
  g_assert_false (qd_server_rules_period_parse (NULL, &y, &m));
  g_assert_cmpstr (first, ==, "2026-12-01");
  g_assert_cmpstr (next, ==, "2027-01-01");
  g_assert_cmpstr (prev, ==, "2025-12");
  g_assert_cmpstr (q, ==, "2026-Q4");
  g_assert_cmpstr (qf, ==, "2026-10-01");
  g_assert_cmpstr (last, ==, "2024-02-29");
  g_assert_true (qd_server_rules_period_ends_quarter ("2026-09"));
  g_assert_false (qd_server_rules_period_ends_quarter ("2026-10"));
  g_assert_cmpstr (six, ==, "2026-02-28");
  g_assert_cmpstr (six2, ==, "2025-09-15");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/rules/credit", test_credit);
  g_test_add_func ("/server/rules/hold", test_hold);
  g_test_add_func ("/server/rules/number", test_number);
  g_test_add_func ("/server/rules/rebate", test_rebate);
  g_test_add_func ("/server/rules/periods", test_periods);
  return g_test_run ();
}
