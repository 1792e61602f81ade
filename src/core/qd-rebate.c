/* qd-rebate.c — tiered volume rebates: validation, codec, the whole-amount tier rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-enum-types.h"
#include "qd-error.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-rebate.h"

/**
 * qd_rebate_tiers_validate:
 * @tiers: (array length=n_tiers): tiers
 * @n_tiers: how many
 * @error: return location for a #GError
 *
 * Checks the tiers of a policy: at least one (%QD_ERROR_MISSING_FIELD), at most
 * %QD_REBATE_MAX_TIERS (%QD_ERROR_TOO_LARGE), thresholds within 0..%QD_MONEY_MAX_FEN and
 * rates within 0..%QD_REBATE_RATE_MAX_BP (%QD_ERROR_OUT_OF_RANGE), thresholds strictly
 * increasing in the given order (%QD_ERROR_INVALID: a policy out of order is a mistake
 * worth showing, not something to sort silently). Messages start with "tiers[i].field: ".
 *
 * Returns: %TRUE when the tiers make a valid policy
 */
gboolean
qd_rebate_tiers_validate (const QdRebateTier  *tiers,
                          guint                n_tiers,
                          GError             **error)
{
  g_return_val_if_fail (tiers != NULL || n_tiers == 0, FALSE);

  if (n_tiers == 0)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_MISSING_FIELD,
                   _("tiers: a rebate policy needs at least one tier"));
      return FALSE;
    }
  if (n_tiers > QD_REBATE_MAX_TIERS)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_TOO_LARGE,
                   _("tiers: %u tiers are too many (at most %u)"), n_tiers,
                   (guint) QD_REBATE_MAX_TIERS);
      return FALSE;
    }

  for (guint i = 0; i < n_tiers; i++)
    {
      if (tiers[i].threshold_fen < 0 || tiers[i].threshold_fen > QD_MONEY_MAX_FEN)
        {
          g_autofree char *amount = qd_money_format (tiers[i].threshold_fen, 0);
          g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                       _("tiers[%u].threshold_fen: %s is not a valid threshold"), i, amount);
          return FALSE;
        }
      if (tiers[i].rate_bp < 0 || tiers[i].rate_bp > QD_REBATE_RATE_MAX_BP)
        {
          g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                       _("tiers[%u].rate_bp: %d is not a rate between 0 and 10000 basis points"),
                       i, tiers[i].rate_bp);
          return FALSE;
        }
      if (i > 0 && tiers[i].threshold_fen <= tiers[i - 1].threshold_fen)
        {
          g_autofree char *amount = qd_money_format (tiers[i].threshold_fen, 0);
          g_autofree char *previous = qd_money_format (tiers[i - 1].threshold_fen, 0);
          g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                       _("tiers[%u].threshold_fen: %s is not above the previous tier’s %s "
                         "(thresholds must increase from tier to tier)"),
                       i, amount, previous);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * qd_rebate_policy_new:
 * @tiers: (array length=n_tiers): tiers, thresholds increasing
 * @n_tiers: how many
 * @error: return location for a #GError
 *
 * A policy from tiers built in code (level regional, no id, no period).
 *
 * Returns: (transfer full) (nullable): the policy, or %NULL with the error of
 *   qd_rebate_tiers_validate()
 */
QdRebatePolicy *
qd_rebate_policy_new (const QdRebateTier  *tiers,
                      guint                n_tiers,
                      GError             **error)
{
  QdRebatePolicy *self;

  if (!qd_rebate_tiers_validate (tiers, n_tiers, error))
    return NULL;

  self = g_new0 (QdRebatePolicy, 1);
  self->level = QD_DEALER_LEVEL_REGIONAL;
  self->tiers = g_array_sized_new (FALSE, FALSE, sizeof (QdRebateTier), n_tiers);
  g_array_append_vals (self->tiers, tiers, n_tiers);
  return self;
}

void
qd_rebate_policy_free (QdRebatePolicy *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->period);
  g_clear_pointer (&self->tiers, g_array_unref);
  g_free (self);
}

/**
 * qd_rebate_period_parse:
 * @period: a quarter written "YYYY-Qn"
 * @out_year: (out) (optional): the year, 1–9999
 * @out_quarter: (out) (optional): the quarter, 1–4
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @period is exactly "YYYY-Qn" with n in 1..4
 */
gboolean
qd_rebate_period_parse (const char  *period,
                        int         *out_year,
                        int         *out_quarter,
                        GError     **error)
{
  int year = 0;

  if (period == NULL || strlen (period) != 7 || period[4] != '-' || period[5] != 'Q'
      || period[6] < '1' || period[6] > '4')
    goto fail;
  for (int i = 0; i < 4; i++)
    {
      if (!g_ascii_isdigit (period[i]))
        goto fail;
      year = year * 10 + (period[i] - '0');
    }
  if (year == 0)
    goto fail;

  if (out_year != NULL)
    *out_year = year;
  if (out_quarter != NULL)
    *out_quarter = period[6] - '0';
  return TRUE;

fail:
  g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
               _("“%s” is not a quarter such as 2026-Q4"), period ? period : "(null)");
  return FALSE;
}

/**
 * qd_rebate_period_for_date:
 * @date: a date "YYYY-MM-DD"
 *
 * Returns: (transfer full) (nullable): its quarter, "2026-11-24" → "2026-Q4"; %NULL when
 *   @date is not a real calendar date
 */
char *
qd_rebate_period_for_date (const char *date)
{
  int month;

  if (!qd_is_date (date))
    return NULL;
  month = (date[5] - '0') * 10 + (date[6] - '0');
  return g_strdup_printf ("%.4s-Q%d", date, (month - 1) / 3 + 1);
}

/**
 * qd_rebate_policy_entity_parse:
 * @entity: a rebate_policy as the server sends it
 * @out: (out) (transfer full): the policy
 * @error: return location for a #GError
 *
 * Required: id, level (a dealer level), period ("YYYY-Qn"), tiers [{threshold_fen,
 * rate_bp}] valid as qd_rebate_tiers_validate() says. Unknown members of the entity are
 * skipped (entities may grow); unknown members of a tier are refused, since a tier with
 * a member we do not understand (a cap, a category) would be computed wrongly.
 *
 * Returns: %TRUE on success; %FALSE with a %QD_ERROR naming the member
 */
gboolean
qd_rebate_policy_entity_parse (JsonObject      *entity,
                               QdRebatePolicy **out,
                               GError         **error)
{
  static const char * const tier_members[] = { "threshold_fen", "rate_bp", NULL };
  g_autoptr(QdRebatePolicy) self = NULL;
  g_autoptr(GArray) tiers = NULL;
  const char *id = NULL, *period = NULL;
  JsonArray *array = NULL;
  int level = 0;
  guint n;

  g_return_val_if_fail (entity != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!qd_json_read_id (entity, "id", QD_JSON_REQUIRED, &id, error)
      || !qd_json_read_enum (entity, "level", QD_JSON_REQUIRED, QD_TYPE_DEALER_LEVEL, &level,
                             error)
      || !qd_json_read_string (entity, "period", QD_JSON_REQUIRED, &period, error)
      || !qd_json_read_array (entity, "tiers", QD_JSON_REQUIRED, &array, error))
    return FALSE;

  if (!qd_rebate_period_parse (period, NULL, NULL, error))
    {
      g_prefix_error (error, "period: ");
      return FALSE;
    }

  n = json_array_get_length (array);
  /* Refuse a huge array before allocating for it. */
  if (n > QD_REBATE_MAX_TIERS)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_TOO_LARGE,
                   _("tiers: %u tiers are too many (at most %u)"), n,
                   (guint) QD_REBATE_MAX_TIERS);
      return FALSE;
    }

  tiers = g_array_sized_new (FALSE, TRUE, sizeof (QdRebateTier), n);
  g_array_set_size (tiers, n);
  for (guint i = 0; i < n; i++)
    {
      QdRebateTier *tier = &g_array_index (tiers, QdRebateTier, i);
      JsonObject *to = qd_json_array_object (array, i, error);
      gint64 rate = 0;

      if (to == NULL)
        {
          g_prefix_error (error, "tiers");
          return FALSE;
        }
      if (!qd_json_check_members (to, tier_members, error)
          || !qd_json_read_int (to, "threshold_fen", QD_JSON_REQUIRED, 0, QD_MONEY_MAX_FEN,
                                &tier->threshold_fen, error)
          || !qd_json_read_int (to, "rate_bp", QD_JSON_REQUIRED, 0, QD_REBATE_RATE_MAX_BP,
                                &rate, error))
        {
          g_prefix_error (error, "tiers[%u].", i);
          return FALSE;
        }
      tier->rate_bp = (gint) rate;
    }

  self = qd_rebate_policy_new ((const QdRebateTier *) tiers->data, n, error);
  if (self == NULL)
    return FALSE;
  self->id = g_strdup (id);
  self->level = level;
  self->period = g_strdup (period);

  *out = g_steal_pointer (&self);
  return TRUE;
}

/**
 * qd_rebate_policy_entity_to_json:
 * @self: a policy with an id and a period
 *
 * Returns: (transfer full): the rebate_policy entity
 */
JsonObject *
qd_rebate_policy_entity_to_json (const QdRebatePolicy *self)
{
  JsonObject *o;
  JsonArray *tiers;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->id != NULL, NULL);
  g_return_val_if_fail (self->period != NULL, NULL);

  o = json_object_new ();
  tiers = json_array_sized_new (self->tiers->len);
  json_object_set_string_member (o, "id", self->id);
  json_object_set_string_member (o, "level", qd_enum_to_string (QD_TYPE_DEALER_LEVEL, self->level));
  json_object_set_string_member (o, "period", self->period);
  for (guint i = 0; i < self->tiers->len; i++)
    {
      const QdRebateTier *tier = &g_array_index (self->tiers, QdRebateTier, i);
      JsonObject *to = json_object_new ();

      json_object_set_int_member (to, "threshold_fen", tier->threshold_fen);
      json_object_set_int_member (to, "rate_bp", tier->rate_bp);
      json_array_add_object_element (tiers, to);
    }
  json_object_set_array_member (o, "tiers", tiers);
  return o;
}

/**
 * qd_rebate_apply_rate:
 * @amount_fen: an amount in fen
 * @rate_bp: a rate in basis points, 0..%QD_REBATE_RATE_MAX_BP
 *
 * Returns: @amount_fen × @rate_bp / 10000 rounded half up to whole fen; 0 when
 *   @amount_fen ≤ 0
 */
gint64
qd_rebate_apply_rate (gint64 amount_fen,
                      gint   rate_bp)
{
  gint64 whole, rest;

  g_return_val_if_fail (rate_bp >= 0 && rate_bp <= QD_REBATE_RATE_MAX_BP, 0);

  if (amount_fen <= 0)
    return 0;

  /* amount × rate could overflow a gint64 for amounts beyond 9.2 × 10^14 fen. Split the
   * amount as whole × 10000 + rest: whole × rate is exact (≤ amount), and only the rest
   * (< 10000) needs rounding: (rest × rate + 5000) / 10000 is half-up in integers. */
  whole = amount_fen / QD_REBATE_RATE_MAX_BP;
  rest = amount_fen % QD_REBATE_RATE_MAX_BP;
  return whole * rate_bp + (rest * rate_bp + QD_REBATE_RATE_MAX_BP / 2) / QD_REBATE_RATE_MAX_BP;
}

static const QdRebateTier *
tier_at (const QdRebatePolicy *self,
         int                   index)
{
  return &g_array_index (self->tiers, QdRebateTier, index);
}

/**
 * qd_rebate_policy_tier_for:
 * @self: a policy
 * @amount_fen: the quarter's purchases
 *
 * Returns: the index of the tier reached (the last one whose threshold ≤ @amount_fen),
 *   or -1 when none is
 */
int
qd_rebate_policy_tier_for (const QdRebatePolicy *self,
                           gint64                amount_fen)
{
  int reached = -1;

  g_return_val_if_fail (self != NULL, -1);

  /* Policies have a handful of tiers: a linear scan is clearer than a bisection. */
  for (guint i = 0; i < self->tiers->len; i++)
    {
      if (tier_at (self, i)->threshold_fen > amount_fen)
        break;
      reached = (int) i;
    }
  return reached;
}

/**
 * qd_rebate_policy_earned:
 * @self: a policy
 * @amount_fen: the quarter's purchases
 *
 * Returns: the rebate earned: the reached tier's rate on the whole amount, rounded half
 *   up to fen; 0 when no tier is reached
 */
gint64
qd_rebate_policy_earned (const QdRebatePolicy *self,
                         gint64                amount_fen)
{
  int tier;

  g_return_val_if_fail (self != NULL, 0);

  tier = qd_rebate_policy_tier_for (self, amount_fen);
  if (tier < 0)
    return 0;
  return qd_rebate_apply_rate (amount_fen, tier_at (self, tier)->rate_bp);
}

/**
 * qd_rebate_policy_to_next:
 * @self: a policy
 * @amount_fen: the quarter's purchases
 * @out_to_next_fen: (out) (optional): the amount still to buy to reach the next tier
 *   (threshold − amount, ≥ 1; saturates at %G_MAXINT64 for absurdly negative amounts);
 *   0 at the top tier
 * @out_next_tier: (out) (optional): the index of the next tier, -1 at the top tier
 *
 * Returns: %TRUE when there is a next tier, %FALSE at the top tier
 */
gboolean
qd_rebate_policy_to_next (const QdRebatePolicy *self,
                          gint64                amount_fen,
                          gint64               *out_to_next_fen,
                          int                  *out_next_tier)
{
  int next;
  gint64 threshold;

  g_return_val_if_fail (self != NULL, FALSE);

  next = qd_rebate_policy_tier_for (self, amount_fen) + 1;
  if ((guint) next >= self->tiers->len)
    {
      if (out_to_next_fen != NULL)
        *out_to_next_fen = 0;
      if (out_next_tier != NULL)
        *out_next_tier = -1;
      return FALSE;
    }

  threshold = tier_at (self, next)->threshold_fen;
  if (out_to_next_fen != NULL)
    {
      /* threshold ≥ 0 > amount here can overflow only for amounts near G_MININT64. */
      if (amount_fen < 0 && threshold > G_MAXINT64 + amount_fen)
        *out_to_next_fen = G_MAXINT64;
      else
        *out_to_next_fen = threshold - amount_fen;
    }
  if (out_next_tier != NULL)
    *out_next_tier = next;
  return TRUE;
}

/**
 * qd_rebate_policy_projected:
 * @self: a policy
 * @amount_fen: the quarter's purchases
 *
 * Returns: the rebate if the dealer buys exactly what is still needed for the next tier
 *   (the next tier's rate on its threshold); the rebate earned now at the top tier
 */
gint64
qd_rebate_policy_projected (const QdRebatePolicy *self,
                            gint64                amount_fen)
{
  int next = -1;

  g_return_val_if_fail (self != NULL, 0);

  if (!qd_rebate_policy_to_next (self, amount_fen, NULL, &next))
    return qd_rebate_policy_earned (self, amount_fen);
  return qd_rebate_apply_rate (tier_at (self, next)->threshold_fen, tier_at (self, next)->rate_bp);
}

/**
 * qd_rebate_policy_progress:
 * @self: a policy
 * @amount_fen: the quarter's purchases
 * @out: (out caller-allocates): the tier reached, the rebate earned, the next tier, what is
 *   still to buy and the projected rebate, all at once
 */
void
qd_rebate_policy_progress (const QdRebatePolicy *self,
                           gint64                amount_fen,
                           QdRebateProgress     *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->amount_fen = amount_fen;
  out->tier = qd_rebate_policy_tier_for (self, amount_fen);
  out->rate_bp = out->tier >= 0 ? tier_at (self, out->tier)->rate_bp : 0;
  out->earned_fen = qd_rebate_policy_earned (self, amount_fen);
  qd_rebate_policy_to_next (self, amount_fen, &out->to_next_fen, &out->next_tier);
  out->next_rate_bp = out->next_tier >= 0 ? tier_at (self, out->next_tier)->rate_bp : 0;
  out->projected_fen = qd_rebate_policy_projected (self, amount_fen);
}

/**
 * qd_rebate_format_rate:
 * @rate_bp: a rate in basis points
 *
 * Returns: (transfer full): the rate as a percentage without useless zeros: 300 → "3%",
 *   250 → "2.5%", 125 → "1.25%", 0 → "0%". The same in Chinese and English.
 */
char *
qd_rebate_format_rate (gint rate_bp)
{
  guint magnitude = rate_bp < 0 ? (guint) 0 - (guint) rate_bp : (guint) rate_bp;
  const char *sign = rate_bp < 0 ? "-" : "";
  guint whole = magnitude / 100, cents = magnitude % 100;

  if (cents == 0)
    return g_strdup_printf ("%s%u%%", sign, whole);
  if (cents % 10 == 0)
    return g_strdup_printf ("%s%u.%u%%", sign, whole, cents / 10);
  return g_strdup_printf ("%s%u.%02u%%", sign, whole, cents);
}

/**
 * qd_rebate_policy_format_hint:
 * @self: a policy
 * @amount_fen: the quarter's purchases, including what is in the cart
 *
 * The hint of the cart and the dashboard, translated: "Order ¥12,300.00 more this quarter
 * to reach 3%" while a tier lies ahead, "Top rebate tier reached this quarter: 5%" at the
 * top tier.
 *
 * Returns: (transfer full): the hint
 */
char *
qd_rebate_policy_format_hint (const QdRebatePolicy *self,
                              gint64                amount_fen)
{
  QdRebateProgress p;
  g_autofree char *rate = NULL;
  g_autofree char *amount = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  qd_rebate_policy_progress (self, amount_fen, &p);
  if (p.next_tier < 0)
    {
      rate = qd_rebate_format_rate (p.rate_bp);
      return g_strdup_printf (_("Top rebate tier reached this quarter: %s"), rate);
    }
  rate = qd_rebate_format_rate (p.next_rate_bp);
  amount = qd_money_format (p.to_next_fen, 0);
  /* TRANSLATORS: the first %s is an amount of money ("¥12,300.00"), the second a rebate
   * rate ("3%"). Shown in the cart and on the dashboard. */
  return g_strdup_printf (_("Order %s more this quarter to reach %s"), amount, rate);
}
