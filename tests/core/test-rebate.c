/* test-rebate.c — the whole-amount tier rule, its edges, rounding, and the policy codec
 *
 * Every expectation is computed by hand in the comment beside it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "qd-error.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-rebate.h"

/* The policy of most tests: ¥100,000 → 1 %, ¥300,000 → 2 %, ¥500,000 → 3 %. */
static const QdRebateTier three_tiers[] = {
  { 10000000, 100 },
  { 30000000, 200 },
  { 50000000, 300 },
};

static QdRebatePolicy *
three_tier_policy (void)
{
  g_autoptr(GError) error = NULL;
  QdRebatePolicy *policy = qd_rebate_policy_new (three_tiers, G_N_ELEMENTS (three_tiers), &error);

  g_assert_no_error (error);
  g_assert_nonnull (policy);
  return policy;
}

typedef struct
{
  gint64 amount;
  int    tier;
  gint64 earned;
  int    next_tier;
  gint64 to_next;
  gint64 projected;
} ProgressCase;

static void
test_tier_edges (void)
{
  g_autoptr(QdRebatePolicy) policy = three_tier_policy ();
  static const ProgressCase cases[] = {
    /* Nothing bought: no tier; ¥100,000 to go; at ¥100,000 × 1 % = ¥1,000 = 100000 fen. */
    { 0, -1, 0, 0, 10000000, 100000 },
    /* One fen below the first threshold: still no tier, 1 fen to go. */
    { 9999999, -1, 0, 0, 1, 100000 },
    /* Exactly at it: tier 0 reached, 10000000 × 1 % = 100000; 20000000 to ¥300,000,
     * where 30000000 × 2 % = 600000. */
    { 10000000, 0, 100000, 1, 20000000, 600000 },
    /* One fen above it: 10000001 × 100 / 10000 = 100000.01 → 100000. */
    { 10000001, 0, 100000, 1, 19999999, 600000 },
    /* One fen below the second: 29999999 × 1 % = 299999.99 → 300000 (half up). */
    { 29999999, 0, 300000, 1, 1, 600000 },
    /* Exactly at it: 30000000 × 2 % = 600000; 50000000 × 3 % = 1500000 projected. */
    { 30000000, 1, 600000, 2, 20000000, 1500000 },
    /* ¥377,000: 37700000 × 2 % = 754000; ¥123,000 = 12300000 to 3 %. */
    { 37700000, 1, 754000, 2, 12300000, 1500000 },
    /* One fen below the top: 49999999 × 2 % = 999999.98 → 1000000. */
    { 49999999, 1, 1000000, 2, 1, 1500000 },
    /* Exactly at the top: 3 % on all of it; no next tier, projected = earned. */
    { 50000000, 2, 1500000, -1, 0, 1500000 },
    /* Beyond the top: 80000000 × 3 % = 2400000. */
    { 80000000, 2, 2400000, -1, 0, 2400000 },
    /* Returns exceeding purchases: no tier; 10000000 − (−500) = 10000500 to go. */
    { -500, -1, 0, 0, 10000500, 100000 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ProgressCase *c = &cases[i];
      QdRebateProgress p;
      gint64 to_next = -7;
      int next = -7;

      g_test_message ("amount %" G_GINT64_FORMAT, c->amount);
      g_assert_cmpint (qd_rebate_policy_tier_for (policy, c->amount), ==, c->tier);
      g_assert_cmpint (qd_rebate_policy_earned (policy, c->amount), ==, c->earned);
      g_assert_cmpint (qd_rebate_policy_to_next (policy, c->amount, &to_next, &next), ==,
                       c->next_tier >= 0);
      g_assert_cmpint (to_next, ==, c->to_next);
      g_assert_cmpint (next, ==, c->next_tier);
      g_assert_cmpint (qd_rebate_policy_projected (policy, c->amount), ==, c->projected);

      qd_rebate_policy_progress (policy, c->amount, &p);
      g_assert_cmpint (p.amount_fen, ==, c->amount);
      g_assert_cmpint (p.tier, ==, c->tier);
      g_assert_cmpint (p.rate_bp, ==, c->tier >= 0 ? three_tiers[c->tier].rate_bp : 0);
      g_assert_cmpint (p.earned_fen, ==, c->earned);
      g_assert_cmpint (p.next_tier, ==, c->next_tier);
      g_assert_cmpint (p.next_rate_bp, ==, c->next_tier >= 0 ? three_tiers[c->next_tier].rate_bp : 0);
      g_assert_cmpint (p.to_next_fen, ==, c->to_next);
      g_assert_cmpint (p.projected_fen, ==, c->projected);
    }

  /* The optional outs may be left out. */
  g_assert_true (qd_rebate_policy_to_next (policy, 0, NULL, NULL));
  g_assert_false (qd_rebate_policy_to_next (policy, 50000000, NULL, NULL));
}

/* A first tier at 0 is reached by any amount ≥ 0, not by a negative one. */
static void
test_zero_threshold (void)
{
  static const QdRebateTier tiers[] = { { 0, 50 }, { 100000, 150 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdRebatePolicy) policy = qd_rebate_policy_new (tiers, 2, &error);
  gint64 to_next = 0;

  g_assert_no_error (error);
  g_assert_cmpint (qd_rebate_policy_tier_for (policy, 0), ==, 0);
  g_assert_cmpint (qd_rebate_policy_earned (policy, 0), ==, 0);
  g_assert_cmpint (qd_rebate_policy_tier_for (policy, -1), ==, -1);
  /* 99999 × 0.5 % = 499.995 → 500 (half up). */
  g_assert_cmpint (qd_rebate_policy_earned (policy, 99999), ==, 500);
  /* 100000 × 1.5 % = 1500. */
  g_assert_cmpint (qd_rebate_policy_earned (policy, 100000), ==, 1500);
  /* Absurdly negative amounts saturate rather than overflow: 100000 − G_MININT64 > G_MAXINT64. */
  g_assert_true (qd_rebate_policy_to_next (policy, G_MININT64, &to_next, NULL));
  g_assert_cmpint (to_next, ==, G_MAXINT64);
  g_assert_true (qd_rebate_policy_to_next (policy, -QD_MONEY_MAX_FEN, &to_next, NULL));
  g_assert_cmpint (to_next, ==, QD_MONEY_MAX_FEN);
}

static void
test_rounding (void)
{
  /* 150 × 3 % = 4.5 → 5: exactly half rounds up. */
  g_assert_cmpint (qd_rebate_apply_rate (150, 300), ==, 5);
  /* 149 × 3 % = 4.47 → 4. */
  g_assert_cmpint (qd_rebate_apply_rate (149, 300), ==, 4);
  /* ¥1,000.50 × 3 % = 3001.5 → 3002. */
  g_assert_cmpint (qd_rebate_apply_rate (100050, 300), ==, 3002);
  /* 50 × 1 % = 0.5 → 1; 49 × 1 % = 0.49 → 0. */
  g_assert_cmpint (qd_rebate_apply_rate (50, 100), ==, 1);
  g_assert_cmpint (qd_rebate_apply_rate (49, 100), ==, 0);
  /* 1 × 50 % = 0.5 → 1. */
  g_assert_cmpint (qd_rebate_apply_rate (1, 5000), ==, 1);
  /* 3 × 16.67 % = 0.5001 → 1; 3 × 16.66 % = 0.4998 → 0. */
  g_assert_cmpint (qd_rebate_apply_rate (3, 1667), ==, 1);
  g_assert_cmpint (qd_rebate_apply_rate (3, 1666), ==, 0);
  /* Nothing, or less than nothing, earns nothing. */
  g_assert_cmpint (qd_rebate_apply_rate (0, 300), ==, 0);
  g_assert_cmpint (qd_rebate_apply_rate (-100, 300), ==, 0);
  g_assert_cmpint (qd_rebate_apply_rate (123456, 0), ==, 0);
  g_assert_cmpint (qd_rebate_apply_rate (123456, 10000), ==, 123456);
  /* No overflow where amount × rate would exceed 64 bits:
   * 10¹⁵ × 333 / 10⁴ = 33300000000000 exactly. */
  g_assert_cmpint (qd_rebate_apply_rate (QD_MONEY_MAX_FEN, 333), ==, 33300000000000);
  /* G_MAXINT64 × 100 % = G_MAXINT64. */
  g_assert_cmpint (qd_rebate_apply_rate (G_MAXINT64, 10000), ==, G_MAXINT64);
  /* 9223372036854775807 × 1 / 10⁴ = 922337203685477.5807 → 922337203685478. */
  g_assert_cmpint (qd_rebate_apply_rate (G_MAXINT64, 1), ==, 922337203685478);
}

static void
test_validate (void)
{
  static const QdRebateTier equal[] = { { 100000, 100 }, { 100000, 200 } };
  static const QdRebateTier decreasing[] = { { 200000, 100 }, { 100000, 200 } };
  static const QdRebateTier rate_high[] = { { 100000, 10001 } };
  static const QdRebateTier rate_negative[] = { { 100000, -1 } };
  static const QdRebateTier threshold_negative[] = { { -1, 100 } };
  static const QdRebateTier threshold_huge[] = { { QD_MONEY_MAX_FEN + 1, 100 } };
  static const QdRebateTier extremes[] = { { 0, 0 }, { QD_MONEY_MAX_FEN, 10000 } };
  QdRebateTier many[QD_REBATE_MAX_TIERS + 1];
  g_autoptr(GError) error = NULL;
  g_autoptr(QdRebatePolicy) policy = NULL;

  g_assert_null (qd_rebate_policy_new (NULL, 0, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_MISSING_FIELD);
  g_assert_cmpstr (error->message, ==, "tiers: a rebate policy needs at least one tier");
  g_clear_error (&error);

  g_assert_null (qd_rebate_policy_new (equal, 2, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "tiers[1].threshold_fen: ¥1,000.00 is not above the previous tier’s ¥1,000.00 "
                   "(thresholds must increase from tier to tier)");
  g_clear_error (&error);

  g_assert_false (qd_rebate_tiers_validate (decreasing, 2, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (qd_rebate_tiers_validate (rate_high, 1, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==,
                   "tiers[0].rate_bp: 10001 is not a rate between 0 and 10000 basis points");
  g_clear_error (&error);

  g_assert_false (qd_rebate_tiers_validate (rate_negative, 1, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_false (qd_rebate_tiers_validate (threshold_negative, 1, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_assert_cmpstr (error->message, ==, "tiers[0].threshold_fen: -¥0.01 is not a valid threshold");
  g_clear_error (&error);

  g_assert_false (qd_rebate_tiers_validate (threshold_huge, 1, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    many[i] = (QdRebateTier) { (gint64) i * 100, 100 };
  g_assert_true (qd_rebate_tiers_validate (many, QD_REBATE_MAX_TIERS, NULL));
  g_assert_false (qd_rebate_tiers_validate (many, QD_REBATE_MAX_TIERS + 1, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* The limits themselves are fine: 0 % from ¥0, 100 % from the largest amount. */
  policy = qd_rebate_policy_new (extremes, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_rebate_policy_earned (policy, QD_MONEY_MAX_FEN), ==, QD_MONEY_MAX_FEN);
  g_assert_cmpint (qd_rebate_policy_earned (policy, QD_MONEY_MAX_FEN - 1), ==, 0);
}

static QdRebatePolicy *
parse (const char  *json,
       GError     **error)
{
  g_autoptr(JsonObject) o = qd_json_parse_object (json, -1, error);
  QdRebatePolicy *policy = NULL;

  g_assert_nonnull (o);
  if (!qd_rebate_policy_entity_parse (o, &policy, error))
    return NULL;
  return policy;
}

static void
test_entity_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdRebatePolicy) policy = NULL;
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  /* Unknown members of the entity are skipped (entities may grow). */
  policy = parse ("{\"id\":\"rp_7\",\"level\":\"provincial\",\"period\":\"2026-Q4\","
                  "\"name\":\"四季度返利\",\"tiers\":[{\"threshold_fen\":10000000,\"rate_bp\":100},"
                  "{\"threshold_fen\":30000000,\"rate_bp\":250}]}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (policy->id, ==, "rp_7");
  g_assert_cmpint (policy->level, ==, QD_DEALER_LEVEL_PROVINCIAL);
  g_assert_cmpstr (policy->period, ==, "2026-Q4");
  g_assert_cmpuint (policy->tiers->len, ==, 2);
  g_assert_cmpint (g_array_index (policy->tiers, QdRebateTier, 1).threshold_fen, ==, 30000000);
  g_assert_cmpint (g_array_index (policy->tiers, QdRebateTier, 1).rate_bp, ==, 250);

  /* And back, member for member (without the unknown one). */
  o = qd_rebate_policy_entity_to_json (policy);
  node = json_node_init_object (json_node_alloc (), o);
  json = json_to_string (node, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"id\":\"rp_7\",\"level\":\"provincial\",\"period\":\"2026-Q4\","
                   "\"tiers\":[{\"threshold_fen\":10000000,\"rate_bp\":100},"
                   "{\"threshold_fen\":30000000,\"rate_bp\":250}]}");
}

typedef struct
{
  const char *json;
  QdError     code;
  const char *message_start;
} BadCase;

static void
test_entity_parse_errors (void)
{
#define HEAD "{\"id\":\"rp_1\",\"level\":\"regional\",\"period\":\"2026-Q1\","
  static const BadCase cases[] = {
    { HEAD "\"tiers\":[]}", QD_ERROR_MISSING_FIELD, "tiers: a rebate policy needs at least one tier" },
    { "{\"id\":\"rp_1\",\"level\":\"regional\",\"period\":\"2026-Q1\"}", QD_ERROR_MISSING_FIELD, "tiers" },
    { HEAD "\"tiers\":{}}", QD_ERROR_WRONG_TYPE, "tiers" },
    { HEAD "\"tiers\":[7]}", QD_ERROR_WRONG_TYPE, "tiers[0]: " },
    { HEAD "\"tiers\":[{\"threshold_fen\":100,\"rate_bp\":\"3%\"}]}", QD_ERROR_WRONG_TYPE,
      "tiers[0].rate_bp: " },
    { HEAD "\"tiers\":[{\"threshold_fen\":100.5,\"rate_bp\":300}]}", QD_ERROR_WRONG_TYPE,
      "tiers[0].threshold_fen: " },
    { HEAD "\"tiers\":[{\"threshold_fen\":100,\"rate_bp\":10001}]}", QD_ERROR_OUT_OF_RANGE,
      "tiers[0].rate_bp: " },
    { HEAD "\"tiers\":[{\"threshold_fen\":-1,\"rate_bp\":100}]}", QD_ERROR_OUT_OF_RANGE,
      "tiers[0].threshold_fen: " },
    { HEAD "\"tiers\":[{\"threshold_fen\":100}]}", QD_ERROR_MISSING_FIELD, "tiers[0].rate_bp" },
    { HEAD "\"tiers\":[{\"threshold_fen\":100,\"rate_bp\":100,\"cap_fen\":5}]}",
      QD_ERROR_UNKNOWN_FIELD, "tiers[0].cap_fen: unknown member (allowed: threshold_fen, rate_bp)" },
    { HEAD "\"tiers\":[{\"threshold_fen\":500,\"rate_bp\":100},{\"threshold_fen\":500,\"rate_bp\":200}]}",
      QD_ERROR_INVALID, "tiers[1].threshold_fen: ¥5.00 is not above the previous tier’s ¥5.00" },
    { "{\"id\":\"rp_1\",\"level\":\"regional\",\"period\":\"2026-Q5\",\"tiers\":[]}",
      QD_ERROR_INVALID, "period: “2026-Q5” is not a quarter such as 2026-Q4" },
    { "{\"id\":\"rp_1\",\"level\":\"regional\",\"period\":\"2026-10\",\"tiers\":[]}",
      QD_ERROR_INVALID, "period: " },
    { "{\"id\":\"rp_1\",\"level\":\"boss\",\"period\":\"2026-Q1\",\"tiers\":[]}",
      QD_ERROR_UNKNOWN_VALUE, "level" },
    { "{\"level\":\"regional\",\"period\":\"2026-Q1\",\"tiers\":[]}", QD_ERROR_MISSING_FIELD, "id" },
  };
#undef HEAD

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdRebatePolicy) policy = NULL;

      g_test_message ("%s", cases[i].json);
      policy = parse (cases[i].json, &error);
      g_assert_null (policy);
      g_assert_error (error, QD_ERROR, (int) cases[i].code);
      if (!g_str_has_prefix (error->message, cases[i].message_start))
        g_error ("“%s” does not start with “%s”", error->message, cases[i].message_start);
    }
}

/* 65 tiers are refused before they are read. */
static void
test_entity_too_many_tiers (void)
{
  g_autoptr(GString) json = g_string_new ("{\"id\":\"rp_1\",\"level\":\"regional\","
                                          "\"period\":\"2026-Q1\",\"tiers\":[");
  g_autoptr(GError) error = NULL;

  for (int i = 0; i <= QD_REBATE_MAX_TIERS; i++)
    g_string_append_printf (json, "%s{\"threshold_fen\":%d,\"rate_bp\":1}", i ? "," : "", i);
  g_string_append (json, "]}");
  g_assert_null (parse (json->str, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_TOO_LARGE);
}

static void
test_periods (void)
{
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "2026-Q0", "2026-Q5", "2026Q4", "26-Q4", "2026-q4", "0000-Q1",
                        "2026-Q4 ", "", "２０２６-Q4" };
  int year = 0, quarter = 0;

  g_assert_true (qd_rebate_period_parse ("2026-Q4", &year, &quarter, &error));
  g_assert_no_error (error);
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpint (quarter, ==, 4);
  g_assert_true (qd_rebate_period_parse ("0001-Q1", NULL, NULL, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (qd_rebate_period_parse (bad[i], NULL, NULL, &error));
      g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_false (qd_rebate_period_parse (NULL, NULL, NULL, NULL));

#define ASSERT_QUARTER(date, expected) \
  G_STMT_START { g_autofree char *q = qd_rebate_period_for_date (date); \
                 g_assert_cmpstr (q, ==, expected); } G_STMT_END
  ASSERT_QUARTER ("2026-11-24", "2026-Q4");
  ASSERT_QUARTER ("2026-01-01", "2026-Q1");
  ASSERT_QUARTER ("2026-03-31", "2026-Q1");
  ASSERT_QUARTER ("2026-04-01", "2026-Q2");
  ASSERT_QUARTER ("2026-09-30", "2026-Q3");
  ASSERT_QUARTER ("2026-02-30", NULL);
  ASSERT_QUARTER ("2026-11", NULL);
  ASSERT_QUARTER (NULL, NULL);
#undef ASSERT_QUARTER
}

static void
test_format (void)
{
  static const struct { gint bp; const char *text; } rates[] = {
    { 300, "3%" }, { 250, "2.5%" }, { 125, "1.25%" }, { 0, "0%" }, { 10000, "100%" },
    { 5, "0.05%" }, { 1005, "10.05%" }, { 1050, "10.5%" }, { -150, "-1.5%" },
  };
  g_autoptr(QdRebatePolicy) policy = three_tier_policy ();

  for (gsize i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      g_autofree char *s = qd_rebate_format_rate (rates[i].bp);
      g_assert_cmpstr (s, ==, rates[i].text);
    }

  /* This test runs in the C locale, so the hints are the English source strings. */
#define ASSERT_HINT(amount, expected) \
  G_STMT_START { g_autofree char *h = qd_rebate_policy_format_hint (policy, amount); \
                 g_assert_cmpstr (h, ==, expected); } G_STMT_END
  /* ¥377,000 bought: 50000000 − 37700000 = 12300000 fen to reach 3 %. */
  ASSERT_HINT (37700000, "Order ¥123,000.00 more this quarter to reach 3%");
  /* One fen short of the first tier. */
  ASSERT_HINT (9999999, "Order ¥0.01 more this quarter to reach 1%");
  ASSERT_HINT (0, "Order ¥100,000.00 more this quarter to reach 1%");
  ASSERT_HINT (50000000, "Top rebate tier reached this quarter: 3%");
#undef ASSERT_HINT
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rebate/tier-edges", test_tier_edges);
  g_test_add_func ("/rebate/zero-threshold", test_zero_threshold);
  g_test_add_func ("/rebate/rounding", test_rounding);
  g_test_add_func ("/rebate/validate", test_validate);
  g_test_add_func ("/rebate/entity-parse", test_entity_parse);
  g_test_add_func ("/rebate/entity-parse-errors", test_entity_parse_errors);
  g_test_add_func ("/rebate/entity-too-many-tiers", test_entity_too_many_tiers);
  g_test_add_func ("/rebate/periods", test_periods);
  g_test_add_func ("/rebate/format", test_format);

  return g_test_run ();
}
