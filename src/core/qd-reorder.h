/* qd-reorder.h — suggested reorder quantity and the "below target cover" test
 *
 * THE RULE. For one product of one dealer:
 *
 *   target     = forecast demand over (lead time + safety days)
 *   shortfall  = target − stock on hand − open orders, never below 0
 *   quantity   = shortfall rounded UP to a whole number of packs
 *
 * where the forecast demand over a number of days is qd_forecast_over_days() (rounded up
 * to a whole unit), the lead time is the days from ordering to receiving, and open orders
 * are the units ordered but not yet received (submitted, held, approved and shipped
 * orders). The target splits into lead_time_demand (the first lead_time_days) and
 * safety_stock (the safety_days after them), so that the dashboard can show both.
 *
 * WHY A COVER-DAYS SAFETY STOCK rather than z·σ·√LT: σ must be estimated from the
 * forecast errors of a short, lumpy monthly history (a dealer's sell-through is inferred
 * from monthly stock reports, often only a few months of it), and z·σ·√LT assumes
 * independent, normal errors that stocking orders and promotions are not. The estimate
 * would swing from month to month with one spike. Safety days are stable, need no
 * history, follow the seasonal forecast (two weeks in the peak season hold more units
 * than two weeks in the low season), and are the unit in which the dashboard already
 * speaks to dealers and managers: days of cover. The same target cover (lead time +
 * safety days) then decides which products are "below target cover", so the list of
 * suggestions and the cover column agree.
 *
 * BELOW TARGET COVER: the days of cover (qd_cover_compute(), observed sell-through)
 * are fewer than the target cover days. Unlimited cover (stock, no sales) and no cover
 * (no stock, no sales) are never below target: nothing sells, so nothing needs
 * reordering. A product below target may still get a quantity of 0 when open orders
 * already cover it; the dashboard lists only positive quantities.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "qd-forecast.h"

G_BEGIN_DECLS

/* Two weeks: covers a delivery a week late plus a week of demand above forecast, which
 * is what dealers of fast-moving goods usually keep; a dealer or product may set more. */
#define QD_REORDER_DEFAULT_SAFETY_DAYS 14

/* No pack holds more than this; a larger pack size is a data error. */
#define QD_REORDER_MAX_PACK_SIZE ((gint64) 1000000)

typedef struct
{
  guint  lead_time_days;    /* days from order to receipt */
  guint  safety_days;       /* extra days of cover; lead time + safety ≤ QD_FORECAST_MAX_DAYS */
  gint64 on_hand;           /* stock on hand (the latest stock report), ≥ 0 */
  gint64 on_order;          /* open orders not yet received, ≥ 0 */
  gint64 pack_size;         /* units per pack, 1..QD_REORDER_MAX_PACK_SIZE */
} QdReorderInput;

typedef struct
{
  gint64 lead_time_demand;  /* forecast over the lead time, rounded up */
  gint64 safety_stock;      /* forecast over the safety days after it */
  gint64 target;            /* lead_time_demand + safety_stock */
  gint64 shortfall;         /* target − on hand − on order, ≥ 0 */
  gint64 quantity;          /* shortfall rounded up to the pack size: what to order */
  gint64 packs;             /* quantity / pack size */
} QdReorderSuggestion;

gboolean qd_reorder_suggest          (const QdForecast      *forecast,
                                      const QdReorderInput  *input,
                                      QdReorderSuggestion   *out,
                                      GError               **error);
/* The integer core of the rule: max(0, target − on hand − on order) rounded up to
 * pack_size. Refuses negative or out-of-range inputs with a %QD_ERROR. */
gboolean qd_reorder_quantity         (gint64                 target,
                                      gint64                 on_hand,
                                      gint64                 on_order,
                                      gint64                 pack_size,
                                      gint64                *out_quantity,
                                      GError               **error);
guint    qd_reorder_target_cover_days (const QdReorderInput *input);
gboolean qd_reorder_is_below_target_cover (const QdCover    *cover,
                                      guint                  target_days);

G_END_DECLS
