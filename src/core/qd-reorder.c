/* qd-reorder.c — the reorder rule of qd-reorder.h, in integers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-reorder.h"

static gboolean
check_qty (gint64       qty,
           gint64       min,
           gint64       max,
           const char  *what,
           GError     **error)
{
  if (qty < min || qty > max)
    {
      /* Numbers are formatted apart: G_GINT64_FORMAT inside _() hides the message from
       * xgettext. */
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, qty);
      g_autofree char *lo = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *hi = g_strdup_printf ("%" G_GINT64_FORMAT, max);
      g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                   _("%s: %s is not a quantity between %s and %s"), what, value, lo, hi);
      return FALSE;
    }
  return TRUE;
}

/**
 * qd_reorder_quantity:
 * @target: the stock to reach, 0..%QD_FORECAST_QTY_MAX
 * @on_hand: stock on hand, 0..%QD_FORECAST_QTY_MAX
 * @on_order: open orders, 0..%QD_FORECAST_QTY_MAX
 * @pack_size: units per pack, 1..%QD_REORDER_MAX_PACK_SIZE
 * @out_quantity: (out): the quantity to order, a multiple of @pack_size, ≥ 0
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; %FALSE with %QD_ERROR_OUT_OF_RANGE naming the input
 */
gboolean
qd_reorder_quantity (gint64   target,
                     gint64   on_hand,
                     gint64   on_order,
                     gint64   pack_size,
                     gint64  *out_quantity,
                     GError **error)
{
  gint64 shortfall;

  g_return_val_if_fail (out_quantity != NULL, FALSE);

  if (!check_qty (target, 0, QD_FORECAST_QTY_MAX, "target", error)
      || !check_qty (on_hand, 0, QD_FORECAST_QTY_MAX, "on_hand", error)
      || !check_qty (on_order, 0, QD_FORECAST_QTY_MAX, "on_order", error)
      || !check_qty (pack_size, 1, QD_REORDER_MAX_PACK_SIZE, "pack_size", error))
    return FALSE;

  /* All terms are ≤ 10¹², so neither the difference nor the rounding can overflow. */
  shortfall = target - on_hand - on_order;
  if (shortfall <= 0)
    *out_quantity = 0;
  else
    *out_quantity = (shortfall + pack_size - 1) / pack_size * pack_size;
  return TRUE;
}

/**
 * qd_reorder_suggest:
 * @forecast: the product's demand forecast
 * @input: lead time, safety days, stock, open orders, pack size
 * @out: (out caller-allocates): the suggestion and how it was reached
 * @error: return location for a #GError
 *
 * Applies the rule of qd-reorder.h.
 *
 * Returns: %TRUE on success; %FALSE with a %QD_ERROR naming the input out of range
 */
gboolean
qd_reorder_suggest (const QdForecast     *forecast,
                    const QdReorderInput *input,
                    QdReorderSuggestion  *out,
                    GError              **error)
{
  guint cover_days;
  gint64 quantity;

  g_return_val_if_fail (forecast != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (input->lead_time_days > QD_FORECAST_MAX_DAYS
      || input->safety_days > QD_FORECAST_MAX_DAYS - input->lead_time_days)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                   _("lead time and safety days: %u and %u days are more than the %u days "
                     "a forecast reaches"),
                   input->lead_time_days, input->safety_days, (guint) QD_FORECAST_MAX_DAYS);
      return FALSE;
    }
  cover_days = input->lead_time_days + input->safety_days;

  out->lead_time_demand = qd_forecast_over_days (forecast, input->lead_time_days);
  out->target = qd_forecast_over_days (forecast, cover_days);
  /* Each sum is rounded up on its own; the target (over more days) is never smaller. */
  out->safety_stock = MAX (out->target - out->lead_time_demand, 0);
  out->target = out->lead_time_demand + out->safety_stock;
  if (out->target > QD_FORECAST_QTY_MAX)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, out->target);
      g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                   _("target: a forecast demand of %s units is too large"), value);
      return FALSE;
    }

  if (!qd_reorder_quantity (out->target, input->on_hand, input->on_order, input->pack_size,
                            &quantity, error))
    return FALSE;

  out->shortfall = MAX (out->target - input->on_hand - input->on_order, 0);
  out->quantity = quantity;
  out->packs = quantity / input->pack_size;
  return TRUE;
}

/**
 * qd_reorder_target_cover_days:
 * @input: the reorder input
 *
 * Returns: the target cover in days: lead time + safety days
 */
guint
qd_reorder_target_cover_days (const QdReorderInput *input)
{
  g_return_val_if_fail (input != NULL, 0);

  return input->lead_time_days + input->safety_days;
}

/**
 * qd_reorder_is_below_target_cover:
 * @cover: the product's days of cover
 * @target_days: the target cover
 *
 * Returns: whether @cover is a finite number of days below @target_days; never for
 *   unlimited cover or no cover (nothing sells)
 */
gboolean
qd_reorder_is_below_target_cover (const QdCover *cover,
                                  guint          target_days)
{
  g_return_val_if_fail (cover != NULL, FALSE);

  /* days is ⌊stock × d / sold⌋, and ⌊x⌋ < n ⟺ x < n for an integer n: exact. */
  return cover->kind == QD_COVER_DAYS && cover->days < (gint64) target_days;
}
