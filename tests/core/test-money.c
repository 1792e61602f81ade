/* test-money.c — formatting and strict parsing of money
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "qd-error.h"
#include "qd-money.h"

typedef struct
{
  gint64             fen;
  QdMoneyFormatFlags flags;
  const char        *expected;
} FormatCase;

static void
test_format (void)
{
  static const FormatCase cases[] = {
    { 0, 0, "¥0.00" },
    { 1, 0, "¥0.01" },
    { 10, 0, "¥0.10" },
    { 99, 0, "¥0.99" },
    { 100, 0, "¥1.00" },
    { 123450, 0, "¥1,234.50" },
    { -123450, 0, "-¥1,234.50" },
    { 99999, 0, "¥999.99" },
    { 100000, 0, "¥1,000.00" },
    { 12345678901, 0, "¥123,456,789.01" },
    { -1, 0, "-¥0.01" },
    { QD_MONEY_MAX_FEN, 0, "¥10,000,000,000,000.00" },
    { G_MAXINT64, 0, "¥92,233,720,368,547,758.07" },
    { G_MININT64, 0, "-¥92,233,720,368,547,758.08" },
    { 123450, QD_MONEY_FORMAT_NO_SYMBOL, "1,234.50" },
    { -123450, QD_MONEY_FORMAT_NO_SYMBOL, "-1,234.50" },
    { 123450, QD_MONEY_FORMAT_NO_GROUPING, "¥1234.50" },
    { 123450, QD_MONEY_FORMAT_NO_SYMBOL | QD_MONEY_FORMAT_NO_GROUPING, "1234.50" },
    { 123450, QD_MONEY_FORMAT_PLUS_SIGN, "+¥1,234.50" },
    { -123450, QD_MONEY_FORMAT_PLUS_SIGN, "-¥1,234.50" },
    { 0, QD_MONEY_FORMAT_PLUS_SIGN, "¥0.00" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = qd_money_format (cases[i].fen, cases[i].flags);
      g_assert_cmpstr (s, ==, cases[i].expected);
    }
}

/* The same in zh_CN and English: nothing depends on the locale. */
static void
test_format_locale_independent (void)
{
  const char *locales[] = { "zh_CN.UTF-8", "en_US.UTF-8", "de_DE.UTF-8", "C.UTF-8" };
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (locales); i++)
    {
      g_autofree char *s = NULL;

      /* A locale that is not installed leaves the current one: still a valid check. */
      setlocale (LC_ALL, locales[i]);
      s = qd_money_format (-123456789, 0);
      g_assert_cmpstr (s, ==, "-¥1,234,567.89");
    }
  setlocale (LC_ALL, saved);
}

typedef struct
{
  const char *text;
  gint64      fen;
} GoodCase;

static void
test_parse_good (void)
{
  static const GoodCase cases[] = {
    { "0", 0 },
    { "0.00", 0 },
    { "-0", 0 },
    { "1", 100 },
    { "1.5", 150 },
    { "1.50", 150 },
    { "1.05", 105 },
    { ".5", 50 },
    { "1234.50", 123450 },
    { "1,234.5", 123450 },
    { "1,234.50", 123450 },
    { "1,234,567.89", 123456789 },
    { "123,456", 12345600 },
    { "¥1,234.50", 123450 },
    { "￥1,234.50", 123450 },
    { "-¥1,234.50", -123450 },
    { "¥-1,234.50", -123450 },
    { "+¥1,234.50", 123450 },
    { "¥ 1,234.50", 123450 },
    { "  1234  ", 123400 },
    { "\t12\t", 1200 },
    { "　１２３　", 12300 },                 /* ideographic spaces, full-width digits */
    { "１，２３４．５６", 123456 },          /* full-width comma and period */
    { "１２３４。５", 123450 },              /* the IME's Chinese full stop */
    { "－１２", -1200 },                     /* full-width minus */
    { "−12", -1200 },                        /* U+2212 MINUS SIGN */
    { "￥１，０００", 100000 },
    { "007", 700 },
    { "10000000000000", QD_MONEY_MAX_FEN },
    { "10,000,000,000,000.00", QD_MONEY_MAX_FEN },
    { "-10000000000000", -QD_MONEY_MAX_FEN },
    { "9999999999999.99", QD_MONEY_MAX_FEN - 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 fen = -42;

      if (!qd_money_parse (cases[i].text, &fen, &error))
        g_error ("“%s” should parse: %s", cases[i].text, error->message);
      g_assert_cmpint (fen, ==, cases[i].fen);
    }
}

typedef struct
{
  const char *text;
  gssize      length;
  int         code;
  const char *message_part;   /* what the message must say */
} BadCase;

static void
test_parse_bad (void)
{
  static const BadCase cases[] = {
    { "", -1, QD_ERROR_INVALID, "empty" },
    { "   ", -1, QD_ERROR_INVALID, "empty" },
    { "abc", -1, QD_ERROR_INVALID, "unexpected “a”" },
    { "12.345", -1, QD_ERROR_INVALID, "more than two decimal places" },
    { "1e5", -1, QD_ERROR_INVALID, "unexpected “e”" },
    { "0x10", -1, QD_ERROR_INVALID, "unexpected “x”" },
    { "--1", -1, QD_ERROR_INVALID, "more than one sign" },
    { "+-1", -1, QD_ERROR_INVALID, "more than one sign" },
    { "-¥-1", -1, QD_ERROR_INVALID, "more than one sign" },
    { "1.2.3", -1, QD_ERROR_INVALID, "more than one decimal point" },
    { "1,23", -1, QD_ERROR_INVALID, "thousands separators" },
    { "1,2345", -1, QD_ERROR_INVALID, "thousands separators" },
    { "1234,567", -1, QD_ERROR_INVALID, "thousands separators" },
    { ",123", -1, QD_ERROR_INVALID, "thousands separators" },
    { "1,,234", -1, QD_ERROR_INVALID, "thousands separators" },
    { "1,234,", -1, QD_ERROR_INVALID, "thousands separators" },
    { "1,234.5,6", -1, QD_ERROR_INVALID, "“1,234.5,6”" },
    { "1.", -1, QD_ERROR_INVALID, "digits are missing after the decimal point" },
    { ".", -1, QD_ERROR_INVALID, "decimal point" },
    { "-", -1, QD_ERROR_INVALID, "no digits" },
    { "¥", -1, QD_ERROR_INVALID, "no digits" },
    { "¥¥1", -1, QD_ERROR_INVALID, "¥ sign must come first" },
    { "1¥", -1, QD_ERROR_INVALID, "¥ sign must come first" },
    { "1-", -1, QD_ERROR_INVALID, "sign must come first" },
    { "1 000", -1, QD_ERROR_INVALID, "space inside" },
    { "1.5元", -1, QD_ERROR_INVALID, "unexpected “元”" },
    { "NaN", -1, QD_ERROR_INVALID, "unexpected" },
    { "inf", -1, QD_ERROR_INVALID, "unexpected" },
    { "١٢٣", -1, QD_ERROR_INVALID, "unexpected" },    /* Arabic-Indic digits are not ours */
    { "12\n3", -1, QD_ERROR_INVALID, "space inside" },
    { "10000000000000.01", -1, QD_ERROR_OUT_OF_RANGE, "too large" },
    { "-10000000000000.01", -1, QD_ERROR_OUT_OF_RANGE, "too large" },
    { "99999999999999999999999999", -1, QD_ERROR_OUT_OF_RANGE, "too large" },
    { "18446744073709551617", -1, QD_ERROR_OUT_OF_RANGE, "too large" },
    { "12\0" "34", 5, QD_ERROR_INVALID, "NUL" },
    { "12\xff", -1, QD_ERROR_INVALID, "UTF-8" },
    { "\xe4\xb8", -1, QD_ERROR_INVALID, "UTF-8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 fen = -42;

      if (qd_money_parse_len (cases[i].text, cases[i].length, &fen, &error))
        g_error ("case %" G_GSIZE_FORMAT " “%s” should fail, gave %" G_GINT64_FORMAT,
                 i, cases[i].text, fen);
      g_assert_error (error, QD_ERROR, cases[i].code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": message “%s” lacks “%s”", i, error->message,
                 cases[i].message_part);
      g_assert_cmpint (fen, ==, -42);
    }
}

/* Messages quote the text (shortened when it is long) so the user finds the mistake. */
static void
test_parse_message_quotes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) huge = g_string_new (NULL);

  g_assert_false (qd_money_parse ("12.345", NULL, &error));
  g_assert_nonnull (strstr (error->message, "“12.345”"));
  g_clear_error (&error);

  for (int i = 0; i < 10000; i++)
    g_string_append_c (huge, '9');
  g_assert_false (qd_money_parse (huge->str, NULL, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_assert_cmpuint (strlen (error->message), <, 300);
  g_clear_error (&error);

  /* Control characters never reach the message raw. */
  g_assert_false (qd_money_parse ("1\x1b[31m", NULL, &error));
  g_assert_null (strchr (error->message, '\x1b'));
}

static void
test_round_trip (void)
{
  static const QdMoneyFormatFlags flag_sets[] = {
    QD_MONEY_FORMAT_DEFAULT,
    QD_MONEY_FORMAT_NO_SYMBOL,
    QD_MONEY_FORMAT_NO_GROUPING,
    QD_MONEY_FORMAT_PLUS_SIGN,
    QD_MONEY_FORMAT_NO_SYMBOL | QD_MONEY_FORMAT_NO_GROUPING | QD_MONEY_FORMAT_PLUS_SIGN,
  };
  GRand *rand = g_rand_new_with_seed (20261124);

  for (int i = 0; i < 20000; i++)
    {
      gint64 fen;
      int magnitude = g_rand_int_range (rand, 0, 16);
      gint64 limit = 1;

      /* Spread the values over every order of magnitude up to the maximum. */
      for (int m = 0; m < magnitude; m++)
        limit *= 10;
      fen = (gint64) (g_rand_double (rand) * (double) limit);
      if (fen > QD_MONEY_MAX_FEN)
        fen = QD_MONEY_MAX_FEN;
      if (g_rand_boolean (rand))
        fen = -fen;

      for (gsize f = 0; f < G_N_ELEMENTS (flag_sets); f++)
        {
          g_autofree char *text = qd_money_format (fen, flag_sets[f]);
          g_autoptr(GError) error = NULL;
          gint64 back = 0;

          if (!qd_money_parse (text, &back, &error))
            g_error ("“%s” does not parse back: %s", text, error->message);
          g_assert_cmpint (back, ==, fen);
        }
    }

  g_rand_free (rand);
}

/* Random garbage made of the characters the parser cares about: never a crash, and a
 * success always means the text re-formats to the same value. */
static void
test_parse_fuzz (void)
{
  static const char *atoms[] = { "0", "1", "5", "9", ",", ".", "-", "+", "¥", "￥", " ", "，",
                                 "．", "。", "１", "e", "x", "\xff", "　", "元" };
  GRand *rand = g_rand_new_with_seed (42);

  for (int i = 0; i < 20000; i++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      int n = g_rand_int_range (rand, 0, 12);
      gint64 fen = 0;

      for (int k = 0; k < n; k++)
        g_string_append (s, atoms[g_rand_int_range (rand, 0, G_N_ELEMENTS (atoms))]);

      if (qd_money_parse (s->str, &fen, &error))
        {
          g_assert_no_error (error);
          g_assert_cmpint (fen, <=, QD_MONEY_MAX_FEN);
          g_assert_cmpint (fen, >=, -QD_MONEY_MAX_FEN);
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == QD_ERROR);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
        }
    }

  g_rand_free (rand);
}

static void
test_arithmetic (void)
{
  g_autoptr(GError) error = NULL;
  gint64 out = 0;

  g_assert_true (qd_money_multiply (1250, 12, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (out, ==, 15000);

  g_assert_true (qd_money_multiply (-1250, 12, &out, &error));
  g_assert_cmpint (out, ==, -15000);

  g_assert_false (qd_money_multiply (QD_MONEY_MAX_FEN, 2, &out, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  /* Would wrap around a gint64 without the check. */
  g_assert_false (qd_money_multiply (1000000000, G_MAXINT64 / 1000, &out, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_false (qd_money_multiply (G_MAXINT64, 1, &out, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_true (qd_money_add (QD_MONEY_MAX_FEN, -1, &out, &error));
  g_assert_cmpint (out, ==, QD_MONEY_MAX_FEN - 1);
  g_assert_false (qd_money_add (QD_MONEY_MAX_FEN, 1, &out, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (qd_money_add (G_MININT64, 0, &out, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/money/format", test_format);
  g_test_add_func ("/money/format-locale-independent", test_format_locale_independent);
  g_test_add_func ("/money/parse-good", test_parse_good);
  g_test_add_func ("/money/parse-bad", test_parse_bad);
  g_test_add_func ("/money/parse-message-quotes", test_parse_message_quotes);
  g_test_add_func ("/money/round-trip", test_round_trip);
  g_test_add_func ("/money/parse-fuzz", test_parse_fuzz);
  g_test_add_func ("/money/arithmetic", test_arithmetic);

  return g_test_run ();
}
