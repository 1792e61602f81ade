/* qd-money.h — money in integer fen (1/100 CNY)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest amount Qudao accepts anywhere: ¥10,000,000,000,000.00 (10^15 fen). Amounts
 * beyond it are surely typing mistakes, and sums of many such amounts still fit a gint64. */
#define QD_MONEY_MAX_FEN ((gint64) 1000000000000000)

typedef enum
{
  QD_MONEY_FORMAT_DEFAULT     = 0,       /* "¥1,234.50", "-¥1,234.50" */
  QD_MONEY_FORMAT_NO_SYMBOL   = 1 << 0,  /* "1,234.50" */
  QD_MONEY_FORMAT_NO_GROUPING = 1 << 1,  /* "1234.50" (CSV export, entry fields) */
  QD_MONEY_FORMAT_PLUS_SIGN   = 1 << 2,  /* "+¥1,234.50" for positive amounts */
} QdMoneyFormatFlags;

char     *qd_money_format (gint64               fen,
                           QdMoneyFormatFlags   flags);
gboolean  qd_money_parse  (const char          *text,
                           gint64              *out_fen,
                           GError             **error);

/* Like qd_money_parse(), for text with an explicit length: a NUL byte inside it is an
 * error rather than the end of the text. */
gboolean  qd_money_parse_len (const char       *text,
                              gssize            length,
                              gint64           *out_fen,
                              GError          **error);

/* unit_fen × qty and a + b, failing with QD_ERROR_OUT_OF_RANGE when the result (or an
 * operand) lies beyond ±QD_MONEY_MAX_FEN, so totals never overflow silently. */
gboolean  qd_money_multiply  (gint64            unit_fen,
                              gint64            qty,
                              gint64           *out_fen,
                              GError          **error);
gboolean  qd_money_add       (gint64            a_fen,
                              gint64            b_fen,
                              gint64           *out_fen,
                              GError          **error);

G_END_DECLS
