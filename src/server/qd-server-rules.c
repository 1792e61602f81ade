/* qd-server-rules.c — pricing, credit, the hold rule, rebates and periods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-rules.h"

#include <json-glib/json-glib.h>

#include "qd-error.h"
#include "qd-rebate.h"

gint64
qd_server_rules_available_credit (gint64 credit_limit_fen,
                                  gint64 ledger_fen,
                                  gint64 open_orders_fen)
{
  return credit_limit_fen - ledger_fen - open_orders_fen;
}

char *
qd_server_rules_hold_line (const char *product_id,
                           gint64      qty,
                           gint64      history_qty)
{
  /* qty > 3 × (history / 6)  ⇔  2 × qty > history, in integers. */
  if (history_qty > 0 && 2 * qty > history_qty)
    return g_strdup_printf ("quantity %" G_GINT64_FORMAT " of %s is more than 3× the "
                            "monthly average of the last 6 months (%" G_GINT64_FORMAT ")",
                            qty, product_id, history_qty / 6);
  return NULL;
}

char *
qd_server_rules_hold_total (gint64 total_fen,
                            gint64 threshold_fen)
{
  if (threshold_fen > 0 && total_fen > threshold_fen)
    return g_strdup_printf ("total %" G_GINT64_FORMAT " fen exceeds the review threshold "
                            "of %" G_GINT64_FORMAT " fen", total_fen, threshold_fen);
  return NULL;
}

char *
qd_server_rules_order_number (const char *yyyymmdd,
                              gint64      counter)
{
  return g_strdup_printf ("SO-%s-%06" G_GINT64_FORMAT, yyyymmdd, counter);
}

gboolean
qd_server_rules_rebate (const char  *tiers_json,
                        gint64       invoiced_fen,
                        gint64      *out_rebate_fen,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) tiers = g_array_new (FALSE, TRUE, sizeof (QdRebateTier));
  g_autoptr(QdRebatePolicy) policy = NULL;
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, tiers_json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID, "tiers: expected an array");
      return FALSE;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *n = json_array_get_element (array, i);
      JsonObject *t;
      QdRebateTier tier;

      if (!JSON_NODE_HOLDS_OBJECT (n) ||
          !json_object_has_member ((t = json_node_get_object (n)), "threshold_fen") ||
          !json_object_has_member (t, "rate_bp") ||
          json_object_get_int_member (t, "rate_bp") < G_MININT ||
          json_object_get_int_member (t, "rate_bp") > G_MAXINT)
        {
          g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                       "tiers[%u]: expected {\"threshold_fen\", \"rate_bp\"}", i);
          return FALSE;
        }
      tier.threshold_fen = json_object_get_int_member (t, "threshold_fen");
      tier.rate_bp = (gint) json_object_get_int_member (t, "rate_bp");
      g_array_append_val (tiers, tier);
    }

  /* The rule itself is libqudao-core's, so that the client's dashboard and cart show
   * exactly what the statement will credit. */
  policy = qd_rebate_policy_new ((const QdRebateTier *) (void *) tiers->data, tiers->len, error);
  if (policy == NULL)
    return FALSE;
  *out_rebate_fen = qd_rebate_policy_earned (policy, invoiced_fen);
  return TRUE;
}

gboolean
qd_server_rules_period_parse (const char *period,
                              int        *out_year,
                              int        *out_month)
{
  int y, m;

  if (period == NULL || strlen (period) != 7 || period[4] != '-')
    return FALSE;
  for (int i = 0; i < 7; i++)
    if (i != 4 && !g_ascii_isdigit (period[i]))
      return FALSE;
  y = atoi (period);
  m = atoi (period + 5);
  if (y < 2000 || y > 9998 || m < 1 || m > 12)
    return FALSE;
  *out_year = y;
  *out_month = m;
  return TRUE;
}

char *
qd_server_rules_period_first_day (const char *period)
{
  int y = 0, m = 0;

  g_return_val_if_fail (qd_server_rules_period_parse (period, &y, &m), NULL);
  return g_strdup_printf ("%04d-%02d-01", y, m);
}

char *
qd_server_rules_period_next_day (const char *period)
{
  int y = 0, m = 0;

  g_return_val_if_fail (qd_server_rules_period_parse (period, &y, &m), NULL);
  return m == 12 ? g_strdup_printf ("%04d-01-01", y + 1) : g_strdup_printf ("%04d-%02d-01", y, m + 1);
}

char *
qd_server_rules_period_previous (const char *period)
{
  int y = 0, m = 0;

  g_return_val_if_fail (qd_server_rules_period_parse (period, &y, &m), NULL);
  return m == 1 ? g_strdup_printf ("%04d-12", y - 1) : g_strdup_printf ("%04d-%02d", y, m - 1);
}

char *
qd_server_rules_period_quarter (const char *period)
{
  int y = 0, m = 0;

  g_return_val_if_fail (qd_server_rules_period_parse (period, &y, &m), NULL);
  return g_strdup_printf ("%04d-Q%d", y, (m - 1) / 3 + 1);
}

gboolean
qd_server_rules_period_ends_quarter (const char *period)
{
  int y = 0, m = 0;

  g_return_val_if_fail (qd_server_rules_period_parse (period, &y, &m), FALSE);
  return m % 3 == 0;
}

char *
qd_server_rules_quarter_first_day (const char *period)
{
  int y = 0, m = 0;

  g_return_val_if_fail (qd_server_rules_period_parse (period, &y, &m), NULL);
  return g_strdup_printf ("%04d-%02d-01", y, (m - 1) / 3 * 3 + 1);
}

char *
qd_server_rules_period_last_day (const char *period)
{
  int y = 0, m = 0;

  g_return_val_if_fail (qd_server_rules_period_parse (period, &y, &m), NULL);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, g_date_get_days_in_month (m, y));
}

char *
qd_server_rules_six_months_before (const char *today)
{
  int y, m, d;

  g_return_val_if_fail (today != NULL && strlen (today) >= 10, NULL);
  y = atoi (today);
  m = atoi (today + 5);
  d = atoi (today + 8);
  m -= 6;
  if (m < 1)
    {
      m += 12;
      y -= 1;
    }
  d = MIN (d, g_date_get_days_in_month (m, y));
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}
