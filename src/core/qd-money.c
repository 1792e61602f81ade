/* qd-money.c — formatting and strict parsing of money in integer fen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-core-private.h"
#include "qd-error.h"
#include "qd-money.h"

/* No amount a person types is longer than this; longer input is a paste gone wrong. */
#define MAX_INPUT_BYTES 256

/**
 * qd_money_format:
 * @fen: an amount in fen (1/100 CNY)
 * @flags: #QdMoneyFormatFlags
 *
 * Formats an amount the way dealers read it: "¥1,234.50", "-¥1,234.50", "¥0.00". Chinese
 * and English conventions agree here (the ¥ sign, comma grouping by thousands, two
 * decimals), so the result does not depend on the locale. Every #gint64 is accepted,
 * including amounts beyond %QD_MONEY_MAX_FEN and %G_MININT64.
 *
 * Returns: (transfer full): the formatted amount
 */
char *
qd_money_format (gint64             fen,
                 QdMoneyFormatFlags flags)
{
  /* Sign + "¥" + 20 digits + 6 commas + ".00" + NUL fits easily. */
  char buf[64];
  char digits[24];
  char *o = buf;
  guint64 magnitude;
  guint64 yuan;
  guint cents;
  int n_digits;

  /* Negating G_MININT64 overflows; go through unsigned arithmetic instead. */
  magnitude = fen < 0 ? (guint64) 0 - (guint64) fen : (guint64) fen;
  yuan = magnitude / 100;
  cents = (guint) (magnitude % 100);

  if (fen < 0)
    *o++ = '-';
  else if (fen > 0 && (flags & QD_MONEY_FORMAT_PLUS_SIGN))
    *o++ = '+';

  if (!(flags & QD_MONEY_FORMAT_NO_SYMBOL))
    {
      memcpy (o, "¥", strlen ("¥"));
      o += strlen ("¥");
    }

  /* Digits of the yuan part, least significant first. */
  n_digits = 0;
  do
    {
      digits[n_digits++] = (char) ('0' + yuan % 10);
      yuan /= 10;
    }
  while (yuan > 0);

  for (int i = n_digits - 1; i >= 0; i--)
    {
      *o++ = digits[i];
      if (i > 0 && i % 3 == 0 && !(flags & QD_MONEY_FORMAT_NO_GROUPING))
        *o++ = ',';
    }

  *o++ = '.';
  *o++ = (char) ('0' + cents / 10);
  *o++ = (char) ('0' + cents % 10);
  *o = '\0';

  return g_strdup (buf);
}

/* What one character of the input means once full-width forms are folded to ASCII. */
enum
{
  SYM_YUAN = 'Y',   /* ¥ or ￥ */
  SYM_SPACE = ' ',  /* any Unicode space, including the ideographic space U+3000 */
  SYM_OTHER = '?',  /* anything else: an error */
};

static char
fold_char (gunichar c)
{
  if (c < 0x80)
    {
      if (g_ascii_isdigit (c) || c == ',' || c == '.' || c == '+' || c == '-')
        return (char) c;
      if (g_ascii_isspace (c))
        return SYM_SPACE;
      return SYM_OTHER;
    }

  /* Chinese IMEs in full-width mode produce ０–９, ， and ．; in Chinese punctuation mode
   * the period key gives 。 and the comma key gives ，. */
  if (c >= 0xFF10 && c <= 0xFF19)
    return (char) ('0' + (c - 0xFF10));
  switch (c)
    {
    case 0xFF0C: /* ， */
      return ',';
    case 0xFF0E: /* ． */
    case 0x3002: /* 。 */
      return '.';
    case 0xFF0B: /* ＋ */
      return '+';
    case 0xFF0D: /* － */
    case 0x2212: /* − MINUS SIGN */
      return '-';
    case 0x00A5: /* ¥ */
    case 0xFFE5: /* ￥ */
      return SYM_YUAN;
    default:
      break;
    }

  if (g_unichar_isspace (c) || c == 0x3000)
    return SYM_SPACE;

  return SYM_OTHER;
}

static gboolean
fail (GError     **error,
      int          code,
      const char  *format,
      const char  *text,
      gssize       length,
      const char  *detail)
{
  g_autofree char *quoted = _qd_excerpt (text, length, QD_EXCERPT_CHARS);

  /* The formats below are all literal _() strings taking the quoted text and,
   * for some, one detail. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_set_error (error, QD_ERROR, code, format, quoted, detail);
#pragma GCC diagnostic pop
  return FALSE;
}

/**
 * qd_money_parse_len:
 * @text: what a person typed
 * @length: length of @text in bytes, or -1 when it is NUL-terminated
 * @out_fen: (out) (optional): the amount in fen
 * @error: return location for a #GError
 *
 * Like qd_money_parse(), for text that may contain NUL bytes (a field read from a file
 * or the network): a NUL inside @length is an error, not the end of the text.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_money_parse_len (const char  *text,
                    gssize       length,
                    gint64      *out_fen,
                    GError     **error)
{
  char folded[MAX_INPUT_BYTES + 1];
  const char *bad_char = NULL;
  gsize bad_len = 0;
  gsize n = 0;
  gsize i, start, stop;
  gboolean negative = FALSE;
  gboolean have_sign = FALSE;
  gboolean have_symbol = FALSE;
  guint64 yuan = 0;
  guint64 cents = 0;
  gsize int_digits = 0;
  gsize group_digits = 0;
  gboolean grouped = FALSE;
  const char *p, *end;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length < 0)
    length = strlen (text);

  if (memchr (text, '\0', length) != NULL)
    return fail (error, QD_ERROR_INVALID, _("“%s” is not an amount: it contains a NUL byte"),
                 text, length, NULL);
  if (!g_utf8_validate_len (text, length, NULL))
    return fail (error, QD_ERROR_INVALID,
                 _("“%s” is not an amount: it is not valid UTF-8 text"), text, length, NULL);
  if (length > MAX_INPUT_BYTES)
    return fail (error, QD_ERROR_INVALID, _("“%s” is too long to be an amount"),
                 text, length, NULL);

  /* Fold every character to one ASCII byte so the grammar below is plain ASCII. */
  p = text;
  end = text + length;
  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);
      char f = fold_char (c);

      if (f == SYM_OTHER && bad_char == NULL)
        {
          bad_char = p;
          bad_len = g_utf8_next_char (p) - p;
        }
      folded[n++] = f;
      p = g_utf8_next_char (p);
    }
  folded[n] = '\0';

  /* Surrounding spaces are fine. */
  start = 0;
  stop = n;
  while (start < stop && folded[start] == SYM_SPACE)
    start++;
  while (stop > start && folded[stop - 1] == SYM_SPACE)
    stop--;

  if (start == stop)
    return fail (error, QD_ERROR_INVALID, _("“%s” is not an amount: it is empty"),
                 text, length, NULL);

  if (bad_char != NULL)
    {
      g_autofree char *bad = _qd_excerpt (bad_char, bad_len, 1);
      return fail (error, QD_ERROR_INVALID, _("“%s” is not an amount: unexpected “%s”"),
                   text, length, bad);
    }

  /* [sign] [¥ [spaces]] [sign] — "-¥5", "¥-5" and "¥ 5" all occur; two signs never. */
  i = start;
  for (int k = 0; k < 2 && i < stop; k++)
    {
      if (folded[i] == '+' || folded[i] == '-')
        {
          if (have_sign)
            return fail (error, QD_ERROR_INVALID,
                         _("“%s” is not an amount: it has more than one sign"),
                         text, length, NULL);
          have_sign = TRUE;
          negative = folded[i] == '-';
          i++;
        }
      if (i < stop && folded[i] == SYM_YUAN && !have_symbol)
        {
          have_symbol = TRUE;
          i++;
          while (i < stop && folded[i] == SYM_SPACE)
            i++;
        }
    }
  if (i < stop && (folded[i] == '+' || folded[i] == '-'))
    return fail (error, QD_ERROR_INVALID, _("“%s” is not an amount: it has more than one sign"),
                 text, length, NULL);

  /* Yuan: plain digits, or digits correctly grouped by thousands ("1,234,567"). */
  for (; i < stop; i++)
    {
      char c = folded[i];

      if (g_ascii_isdigit (c))
        {
          int_digits++;
          group_digits++;
          /* 10^15 fen is 10^13 yuan: more than 14 significant digits can only be too
           * large, and stopping here keeps the accumulator far from overflowing. */
          yuan = yuan * 10 + (guint64) (c - '0');
          if (yuan > (guint64) QD_MONEY_MAX_FEN / 100)
            {
              g_autofree char *max = qd_money_format (QD_MONEY_MAX_FEN, QD_MONEY_FORMAT_DEFAULT);
              return fail (error, QD_ERROR_OUT_OF_RANGE,
                           _("“%s” is too large: the largest amount is %s"), text, length, max);
            }
          if (grouped && group_digits > 3)
            break;
        }
      else if (c == ',')
        {
          /* The first group has 1–3 digits, every later one exactly 3. */
          if (group_digits == 0 || group_digits > 3 || (grouped && group_digits != 3))
            break;
          grouped = TRUE;
          group_digits = 0;
        }
      else
        break;
    }

  if ((grouped && group_digits != 3)
      || (i < stop && folded[i] == ','))
    return fail (error, QD_ERROR_INVALID,
                 _("“%s” is not an amount: the thousands separators are misplaced (write 1,234,567.89 or 1234567.89)"),
                 text, length, NULL);

  /* Fen: a point and one or two digits. */
  if (i < stop && folded[i] == '.')
    {
      gsize dec_digits = 0;

      i++;
      while (i < stop && g_ascii_isdigit (folded[i]))
        {
          dec_digits++;
          if (dec_digits > 2)
            return fail (error, QD_ERROR_INVALID,
                         _("“%s” is not an amount: it has more than two decimal places"),
                         text, length, NULL);
          cents = cents * 10 + (guint64) (folded[i] - '0');
          i++;
        }
      if (dec_digits == 0)
        return fail (error, QD_ERROR_INVALID,
                     _("“%s” is not an amount: digits are missing after the decimal point"),
                     text, length, NULL);
      /* ".5" (no yuan digits) is half a yuan: accepted. */
      if (dec_digits == 1)
        cents *= 10;
    }
  else if (int_digits == 0 && i == stop)
    return fail (error, QD_ERROR_INVALID, _("“%s” is not an amount: it has no digits"),
                 text, length, NULL);

  if (i < stop)
    {
      char c = folded[i];

      if (c == '.')
        return fail (error, QD_ERROR_INVALID,
                     _("“%s” is not an amount: it has more than one decimal point"),
                     text, length, NULL);
      if (c == '+' || c == '-')
        return fail (error, QD_ERROR_INVALID,
                     _("“%s” is not an amount: the sign must come first"),
                     text, length, NULL);
      if (c == SYM_YUAN)
        return fail (error, QD_ERROR_INVALID,
                     _("“%s” is not an amount: the ¥ sign must come first"),
                     text, length, NULL);
      return fail (error, QD_ERROR_INVALID, _("“%s” is not an amount: it has a space inside"),
                   text, length, NULL);
    }

  {
    guint64 total = yuan * 100 + cents;

    if (total > (guint64) QD_MONEY_MAX_FEN)
      {
        g_autofree char *max = qd_money_format (QD_MONEY_MAX_FEN, QD_MONEY_FORMAT_DEFAULT);
        return fail (error, QD_ERROR_OUT_OF_RANGE,
                     _("“%s” is too large: the largest amount is %s"), text, length, max);
      }

    if (out_fen != NULL)
      *out_fen = negative ? -(gint64) total : (gint64) total;
  }

  return TRUE;
}

/**
 * qd_money_parse:
 * @text: what a person typed, e.g. "¥1,234.50", "1234.5", "－１２３．４５"
 * @out_fen: (out) (optional): the amount in fen
 * @error: return location for a #GError
 *
 * Parses an amount strictly. Accepted: surrounding spaces, an optional ¥ or ￥, one
 * optional sign (before or after the ¥), digits with optional *correct* thousands
 * grouping, and at most two decimals; full-width digits, comma and period (also 。) as
 * Chinese IMEs produce them. Rejected, with %QD_ERROR_INVALID and a message that quotes
 * the text and says what is wrong: empty text, letters, exponents, hex, two signs, two
 * points, misplaced grouping, three decimals; with %QD_ERROR_OUT_OF_RANGE: amounts beyond
 * %QD_MONEY_MAX_FEN either way.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_money_parse (const char  *text,
                gint64      *out_fen,
                GError     **error)
{
  return qd_money_parse_len (text, -1, out_fen, error);
}

static gboolean
in_range (gint64 fen)
{
  return fen >= -QD_MONEY_MAX_FEN && fen <= QD_MONEY_MAX_FEN;
}

static gboolean
fail_range (gint64   value,
            GError **error)
{
  g_autofree char *amount = qd_money_format (value, QD_MONEY_FORMAT_DEFAULT);
  g_autofree char *max = qd_money_format (QD_MONEY_MAX_FEN, QD_MONEY_FORMAT_DEFAULT);

  g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
               _("The amount %s is beyond the largest amount allowed, %s"), amount, max);
  return FALSE;
}

/**
 * qd_money_multiply:
 * @unit_fen: a unit price in fen
 * @qty: a quantity
 * @out_fen: (out) (optional): @unit_fen × @qty
 * @error: return location for a #GError
 *
 * Multiplies without overflow: a line total of a hostile or mistyped quantity fails with
 * %QD_ERROR_OUT_OF_RANGE instead of wrapping around.
 *
 * Returns: %TRUE when the operands and the product lie within ±%QD_MONEY_MAX_FEN
 */
gboolean
qd_money_multiply (gint64   unit_fen,
                   gint64   qty,
                   gint64  *out_fen,
                   GError **error)
{
  gint64 product;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!in_range (unit_fen))
    return fail_range (unit_fen, error);
  if (__builtin_mul_overflow (unit_fen, qty, &product) || !in_range (product))
    {
      g_autofree char *unit = qd_money_format (unit_fen, QD_MONEY_FORMAT_DEFAULT);
      g_autofree char *max = qd_money_format (QD_MONEY_MAX_FEN, QD_MONEY_FORMAT_DEFAULT);
      g_autofree char *qty_text = g_strdup_printf ("%" G_GINT64_FORMAT, qty);

      g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                   _("%s × %s is beyond the largest amount allowed, %s"), unit, qty_text, max);
      return FALSE;
    }

  if (out_fen != NULL)
    *out_fen = product;
  return TRUE;
}

/**
 * qd_money_add:
 * @a_fen: an amount in fen
 * @b_fen: an amount in fen
 * @out_fen: (out) (optional): @a_fen + @b_fen
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the operands and the sum lie within ±%QD_MONEY_MAX_FEN
 */
gboolean
qd_money_add (gint64   a_fen,
              gint64   b_fen,
              gint64  *out_fen,
              GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!in_range (a_fen))
    return fail_range (a_fen, error);
  if (!in_range (b_fen))
    return fail_range (b_fen, error);
  /* Both operands are within ±10^15, so the sum cannot overflow a gint64. */
  if (!in_range (a_fen + b_fen))
    return fail_range (a_fen + b_fen, error);

  if (out_fen != NULL)
    *out_fen = a_fen + b_fen;
  return TRUE;
}
