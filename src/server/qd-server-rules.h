/* qd-server-rules.h — the business rules of qudao-server as pure functions
 *
 * No I/O: the storage reads the inputs, these functions decide. Unit-tested directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A dealer's available credit: limit − open balance − orders not yet invoiced. */
gint64    qd_server_rules_available_credit (gint64       credit_limit_fen,
                                            gint64       ledger_fen,
                                            gint64       open_orders_fen);

/* Why an order line must be held for review, or NULL: its quantity is more than 3× the
 * dealer's average monthly quantity of the product over the last 6 months (@history_qty is
 * the 6-month total). A product never ordered before does not trigger the rule. */
char     *qd_server_rules_hold_line        (const char  *product_id,
                                            gint64       qty,
                                            gint64       history_qty);
/* Why the whole order must be held, or NULL: its total exceeds the dealer's threshold
 * (0 = no threshold). */
char     *qd_server_rules_hold_total       (gint64       total_fen,
                                            gint64       threshold_fen);

/* "SO-20261124-000123" */
char     *qd_server_rules_order_number     (const char  *yyyymmdd,
                                            gint64       counter);

/* The rebate earned on @invoiced_fen under the tiers JSON ([{"threshold_fen", "rate_bp"}]),
 * by libqudao-core's rule (qd-rebate.h: the rate of the tier reached applies to the whole
 * volume, rounded half up). FALSE when the tiers are not a valid policy. */
gboolean  qd_server_rules_rebate           (const char  *tiers_json,
                                            gint64       invoiced_fen,
                                            gint64      *out_rebate_fen,
                                            GError     **error);

/* Periods. "2026-11" → first day "2026-11-01", next "2026-12-01", previous "2026-10",
 * quarter "2026-Q4", whether it closes its quarter, and the first day of the quarter. */
gboolean  qd_server_rules_period_parse     (const char  *period,
                                            int         *out_year,
                                            int         *out_month);
char     *qd_server_rules_period_first_day (const char  *period);
char     *qd_server_rules_period_next_day  (const char  *period);
char     *qd_server_rules_period_previous  (const char  *period);
char     *qd_server_rules_period_quarter   (const char  *period);
gboolean  qd_server_rules_period_ends_quarter (const char *period);
char     *qd_server_rules_quarter_first_day (const char *period);
/* The last day of the month, "2026-11-30". */
char     *qd_server_rules_period_last_day  (const char  *period);
/* The date six months before @today ("YYYY-MM-DD"), clamped to the month's end. */
char     *qd_server_rules_six_months_before (const char *today);

G_END_DECLS
