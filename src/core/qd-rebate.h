/* qd-rebate.h — tiered volume rebates (返利): the rule, shared by the server's statements
 * and the client's dashboard and cart
 *
 * A rebate policy holds for one dealer level and one quarter ("2026-Q4") and lists tiers
 * of (threshold_fen, rate_bp), thresholds strictly increasing, at least one tier, rates
 * 0–10000 basis points (1 bp = 0.01 %, so 300 bp = 3 %).
 *
 * The rule (a "retroactive" or whole-amount tier rule, the usual one in Chinese dealer
 * contracts):
 *
 *  - The amount is the dealer's purchases in the quarter, in fen.
 *  - The tier reached is the last tier whose threshold is ≤ the amount: an amount exactly
 *    at a threshold reaches that tier, one fen below it does not. An amount below the
 *    first threshold reaches no tier. A negative amount (returns exceeding purchases)
 *    reaches no tier either (thresholds are ≥ 0).
 *  - The rebate earned is the rate of the reached tier applied to the WHOLE amount of the
 *    quarter (not only to the part above the threshold): amount × rate_bp / 10000,
 *    rounded half up to whole fen (a result of exactly x.5 fen becomes x + 1 fen; amounts
 *    here are never negative, so half up and half away from zero agree). It is 0 when no
 *    tier is reached. This is exact integer arithmetic for every gint64 amount: no double.
 *    Example: ¥1,000.50 = 100050 fen at 300 bp = 3001.5 fen → 3002 fen (¥30.02).
 *  - The next tier is the first tier whose threshold is above the amount; the amount still
 *    to buy is its threshold − amount (≥ 1 fen). At the top tier there is no next tier.
 *  - The projected rebate is the rebate earned if the dealer buys exactly the amount still
 *    to buy: the next tier's rate on its threshold. At the top tier it is the rebate
 *    earned now.
 *
 * Because the rate applies to the whole amount, the fen that reaches a tier raises the
 * rebate at once on everything bought in the quarter (at ¥300,000 from 1 % to 2 %:
 * +¥3,000): that is the point of the cart hint, qd_rebate_policy_format_hint().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "qd-enums.h"

G_BEGIN_DECLS

/* 100 % in basis points. */
#define QD_REBATE_RATE_MAX_BP 10000
/* No policy has more tiers than this; more is a data error, not a policy. */
#define QD_REBATE_MAX_TIERS 64

typedef struct
{
  gint64 threshold_fen;   /* 0 to QD_MONEY_MAX_FEN */
  gint   rate_bp;         /* 0 to QD_REBATE_RATE_MAX_BP */
} QdRebateTier;

typedef struct
{
  char          *id;        /* may be NULL for a policy built in code */
  QdDealerLevel  level;
  char          *period;    /* "YYYY-Qn"; may be NULL for a policy built in code */
  GArray        *tiers;     /* of QdRebateTier, valid as described above */
} QdRebatePolicy;

/* Everything the dashboard and the cart show for one amount (see the rule above). */
typedef struct
{
  gint64 amount_fen;      /* the amount it was computed for */
  int    tier;            /* index of the tier reached, -1 when none */
  gint   rate_bp;         /* its rate; 0 when none */
  gint64 earned_fen;      /* the rebate earned at amount_fen */
  int    next_tier;       /* index of the next tier, -1 at the top tier */
  gint   next_rate_bp;    /* its rate; 0 when none */
  gint64 to_next_fen;     /* still to buy to reach next_tier; 0 when none */
  gint64 projected_fen;   /* the rebate when next_tier is reached; earned_fen when none */
} QdRebateProgress;

/* A policy from tiers (the store's rows, a test): level regional, id and period NULL;
 * set them on the struct when they matter. NULL with the error of
 * qd_rebate_tiers_validate() when the tiers are not a valid policy. */
QdRebatePolicy *qd_rebate_policy_new        (const QdRebateTier  *tiers,
                                             guint                n_tiers,
                                             GError             **error);
void            qd_rebate_policy_free       (QdRebatePolicy      *self);
gboolean        qd_rebate_policy_entity_parse (JsonObject        *entity,
                                             QdRebatePolicy     **out,
                                             GError             **error);
JsonObject     *qd_rebate_policy_entity_to_json (const QdRebatePolicy *self);
gboolean        qd_rebate_tiers_validate    (const QdRebateTier  *tiers,
                                             guint                n_tiers,
                                             GError             **error);

int             qd_rebate_policy_tier_for   (const QdRebatePolicy *self,
                                             gint64               amount_fen);
gint64          qd_rebate_policy_earned     (const QdRebatePolicy *self,
                                             gint64               amount_fen);
gboolean        qd_rebate_policy_to_next    (const QdRebatePolicy *self,
                                             gint64               amount_fen,
                                             gint64              *out_to_next_fen,
                                             int                 *out_next_tier);
gint64          qd_rebate_policy_projected  (const QdRebatePolicy *self,
                                             gint64               amount_fen);
void            qd_rebate_policy_progress   (const QdRebatePolicy *self,
                                             gint64               amount_fen,
                                             QdRebateProgress    *out);
char           *qd_rebate_policy_format_hint (const QdRebatePolicy *self,
                                             gint64               amount_fen);

/* amount × rate_bp / 10000 rounded half up, exact for every amount ≥ 0; 0 below 0. */
gint64          qd_rebate_apply_rate        (gint64               amount_fen,
                                             gint                 rate_bp);
/* "3%", "2.5%", "1.25%", "0%": a rate in basis points as people write it. */
char           *qd_rebate_format_rate       (gint                 rate_bp);

/* Rebate periods are calendar quarters "YYYY-Qn" (n = 1..4). */
gboolean        qd_rebate_period_parse      (const char          *period,
                                             int                 *out_year,
                                             int                 *out_quarter,
                                             GError             **error);
/* The quarter "YYYY-Qn" of a date "YYYY-MM-DD", or NULL when it is not a valid date. */
char           *qd_rebate_period_for_date   (const char          *date);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdRebatePolicy, qd_rebate_policy_free)

G_END_DECLS
