/* test-csv.c — CSV reading, header detection and stock-report validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "qd-csv.h"

static QdCsvTable *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  QdCsvTable *table = qd_csv_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (table);
  return table;
}

static const QdCsvRow *
row_at (QdCsvTable *table,
        guint       i)
{
  g_assert_cmpuint (i, <, table->rows->len);
  return g_ptr_array_index (table->rows, i);
}

static void
test_parse_basic (void)
{
  g_autoptr(QdCsvTable) table = parse_ok ("a,b,c\n1,2,3\r\n\"x,y\",\"he said \"\"hi\"\"\",\n"
                                          "last,row");
  const QdCsvRow *row;

  g_assert_false (table->had_bom);
  g_assert_false (table->from_gb18030);
  g_assert_cmpuint (table->rows->len, ==, 4);

  row = row_at (table, 0);
  g_assert_cmpuint (row->line, ==, 1);
  g_assert_cmpuint (row->n_fields, ==, 3);
  g_assert_cmpstr (row->fields[2], ==, "c");

  row = row_at (table, 1);
  g_assert_cmpuint (row->line, ==, 2);
  g_assert_cmpstr (row->fields[0], ==, "1");
  g_assert_cmpstr (row->fields[2], ==, "3");

  row = row_at (table, 2);
  g_assert_cmpuint (row->line, ==, 3);
  g_assert_cmpuint (row->n_fields, ==, 3);
  g_assert_cmpstr (row->fields[0], ==, "x,y");
  g_assert_cmpstr (row->fields[1], ==, "he said \"hi\"");
  g_assert_cmpstr (row->fields[2], ==, "");

  row = row_at (table, 3);
  g_assert_cmpuint (row->line, ==, 4);
  g_assert_cmpstr (row->fields[1], ==, "row");
}

static void
test_parse_line_numbers (void)
{
  /* A quoted field spanning lines, blank rows, ",,," rows, lone CR, trailing comma. */
  g_autoptr(QdCsvTable) table = parse_ok ("\xEF\xBB\xBF" "sku,note\r\n"
                                          "A,\"two\r\nlines\"\r\n"
                                          "\r\n"
                                          ",,\n"
                                          "B,old mac\r"
                                          "C,");
  const QdCsvRow *row;

  g_assert_true (table->had_bom);
  g_assert_cmpuint (table->rows->len, ==, 4);
  g_assert_cmpstr (row_at (table, 0)->fields[0], ==, "sku");

  row = row_at (table, 1);
  g_assert_cmpuint (row->line, ==, 2);
  g_assert_cmpstr (row->fields[1], ==, "two\r\nlines");

  row = row_at (table, 2);
  g_assert_cmpuint (row->line, ==, 6);
  g_assert_cmpstr (row->fields[0], ==, "B");

  row = row_at (table, 3);
  g_assert_cmpuint (row->line, ==, 7);
  g_assert_cmpuint (row->n_fields, ==, 2);
  g_assert_cmpstr (row->fields[1], ==, "");
}

static void
test_parse_tsv (void)
{
  /* Tab-separated text under a .csv name; a comma inside a field stays in it. */
  g_autoptr(QdCsvTable) tsv = parse_ok ("商品编码\t数量\t备注\r\nYL-001\t12\t补货, 急\r\n"
                                        "\"YL\t002\"\t3\t\r\n");
  /* A comma file whose fields hold tabs stays a comma file. */
  g_autoptr(QdCsvTable) csv = parse_ok ("sku,note\nA,\"x\ty\"\n");

  g_assert_cmpint (tsv->separator, ==, '\t');
  g_assert_cmpuint (tsv->rows->len, ==, 3);
  g_assert_cmpuint (row_at (tsv, 1)->n_fields, ==, 3);
  g_assert_cmpstr (row_at (tsv, 1)->fields[2], ==, "补货, 急");
  g_assert_cmpstr (row_at (tsv, 2)->fields[0], ==, "YL\t002");
  g_assert_cmpint (csv->separator, ==, ',');
  g_assert_cmpstr (row_at (csv, 1)->fields[1], ==, "x\ty");
}

static void
test_parse_utf16 (void)
{
  /* Excel's "Unicode text": UTF-16LE with a BOM, tab-separated. */
  const char *utf8 = "商品编码\t数量\r\nYL-001\t12\r\n";
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  g_autofree char *le = g_convert (utf8, -1, "UTF-16LE", "UTF-8", NULL, &written, &error);
  g_autoptr(GString) bytes = g_string_new_len ("\xFF\xFE", 2);
  g_autoptr(QdCsvTable) table = NULL;

  g_assert_no_error (error);
  g_string_append_len (bytes, le, written);
  table = qd_csv_parse (bytes->str, bytes->len, &error);
  g_assert_no_error (error);
  g_assert_true (table->from_utf16);
  g_assert_cmpint (table->separator, ==, '\t');
  g_assert_cmpstr (row_at (table, 0)->fields[0], ==, "商品编码");
  g_assert_cmpstr (row_at (table, 1)->fields[1], ==, "12");

  /* Odd bytes after a UTF-16 mark. */
  g_clear_pointer (&table, qd_csv_table_free);
  table = qd_csv_parse ("\xFF\xFE\x41", 3, &error);
  g_assert_null (table);
  g_assert_error (error, QD_CSV_ERROR, QD_CSV_ERROR_ENCODING);
}

static void
test_parse_empty (void)
{
  g_autoptr(QdCsvTable) table = parse_ok ("");
  g_autoptr(QdCsvTable) blank = parse_ok ("\n\r\n , \n");

  g_assert_cmpuint (table->rows->len, ==, 0);
  g_assert_cmpuint (blank->rows->len, ==, 0);
}

static void
expect_parse_error (const char *data,
                    gsize       length,
                    int         code,
                    const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdCsvTable) table = qd_csv_parse (data, length, &error);

  g_assert_null (table);
  g_assert_error (error, QD_CSV_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, fragment);
}

static void
test_parse_errors (void)
{
  g_autofree char *wide = NULL;
  g_autofree char *many = NULL;
  GString *s;

  expect_parse_error ("a,b\nc,\"open\nd,e\n", 15, QD_CSV_ERROR_SYNTAX, "Line 2, column 2");
  expect_parse_error ("a,\"b\"x,c\n", 9, QD_CSV_ERROR_SYNTAX, "Line 1, column 2");
  expect_parse_error ("a,b\nc,d\0\n", 9, QD_CSV_ERROR_ENCODING, "Line 2");
  /* 0xFF is no lead byte in GB18030 either. */
  expect_parse_error ("a,b\n\xFF\xFF\n", 7, QD_CSV_ERROR_ENCODING, "Line 2");

  s = g_string_new ("x");
  for (int i = 0; i < QD_CSV_MAX_FIELDS + 5; i++)
    g_string_append (s, ",x");
  many = g_string_free (s, FALSE);
  expect_parse_error (many, strlen (many), QD_CSV_ERROR_TOO_LARGE, "Line 1");

  wide = g_malloc (QD_CSV_MAX_FIELD_BYTES + 10);
  memset (wide, 'w', QD_CSV_MAX_FIELD_BYTES + 9);
  wide[QD_CSV_MAX_FIELD_BYTES + 9] = '\0';
  expect_parse_error (wide, strlen (wide), QD_CSV_ERROR_TOO_LARGE, "Line 1, column 1");
  wide[0] = '"';
  expect_parse_error (wide, strlen (wide), QD_CSV_ERROR_TOO_LARGE, "Line 1, column 1");

  expect_parse_error ("x", QD_CSV_MAX_BYTES + 1, QD_CSV_ERROR_TOO_LARGE, "MiB");
}

static void
test_gb18030 (void)
{
  const char *utf8 = "商品编码,数量,批号,有效期\r\nYL-001,12,B2301,2027-03-31\r\n"
                     "YL-002,5,,\r\n\"备注，含逗号\",1,,\r\n";
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  g_autofree char *gb = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &written, &error);
  g_autoptr(QdCsvTable) table = NULL;
  const QdCsvRow *row;

  g_assert_no_error (error);
  g_assert_false (g_utf8_validate (gb, written, NULL));

  table = qd_csv_parse (gb, written, &error);
  g_assert_no_error (error);
  g_assert_true (table->from_gb18030);
  g_assert_cmpuint (table->rows->len, ==, 4);
  row = row_at (table, 0);
  g_assert_cmpstr (row->fields[0], ==, "商品编码");
  g_assert_cmpstr (row->fields[3], ==, "有效期");
  row = row_at (table, 3);
  g_assert_cmpuint (row->line, ==, 4);
  g_assert_cmpstr (row->fields[0], ==, "备注，含逗号");

  /* GB18030's own byte-order mark is skipped too. */
  {
    g_autoptr(GString) with_bom = g_string_new_len ("\x84\x31\x95\x33", 4);
    g_autoptr(QdCsvTable) t2 = NULL;

    g_string_append_len (with_bom, gb, written);
    t2 = qd_csv_parse (with_bom->str, with_bom->len, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (row_at (t2, 0)->fields[0], ==, "商品编码");
  }
}

static const QdCsvColumn stock_positional[] = {
  QD_CSV_COL_SKU, QD_CSV_COL_QTY, QD_CSV_COL_LOT, QD_CSV_COL_EXPIRY, QD_CSV_N_COLS,
};
static const QdCsvColumn sku_qty[] = { QD_CSV_COL_SKU, QD_CSV_COL_QTY, QD_CSV_N_COLS };

static void
test_columns (void)
{
  g_autoptr(GError) error = NULL;
  QdCsvColumns cols;

  {
    g_autoptr(QdCsvTable) t = parse_ok ("Note, 数量 ,Ignored,SKU\nA,1,x,y\n");

    g_assert_true (qd_csv_detect_columns (t, stock_positional, sku_qty, &cols, &error));
    g_assert_no_error (error);
    g_assert_true (cols.has_header);
    g_assert_cmpint (cols.index[QD_CSV_COL_SKU], ==, 3);
    g_assert_cmpint (cols.index[QD_CSV_COL_QTY], ==, 1);
    g_assert_cmpint (cols.index[QD_CSV_COL_NOTE], ==, 0);
    g_assert_cmpint (cols.index[QD_CSV_COL_LOT], ==, -1);
  }
  {
    g_autoptr(QdCsvTable) t = parse_ok ("编码,数量,批号,效期\n");

    g_assert_true (qd_csv_detect_columns (t, stock_positional, sku_qty, &cols, &error));
    g_assert_cmpint (cols.index[QD_CSV_COL_EXPIRY], ==, 3);
    g_assert_cmpint (cols.index[QD_CSV_COL_LOT], ==, 2);
  }
  {
    g_autoptr(QdCsvTable) t = parse_ok ("A-1,3\n");

    g_assert_true (qd_csv_detect_columns (t, stock_positional, sku_qty, &cols, &error));
    g_assert_false (cols.has_header);
    g_assert_cmpint (cols.index[QD_CSV_COL_SKU], ==, 0);
    g_assert_cmpint (cols.index[QD_CSV_COL_EXPIRY], ==, 3);
  }
  {
    g_autoptr(QdCsvTable) t = parse_ok ("sku,qty,数量\n");

    g_assert_false (qd_csv_detect_columns (t, stock_positional, sku_qty, &cols, &error));
    g_assert_error (error, QD_CSV_ERROR, QD_CSV_ERROR_HEADER);
    g_assert_nonnull (strstr (error->message, "column 3"));
    g_clear_error (&error);
  }
  {
    g_autoptr(QdCsvTable) t = parse_ok ("sku,amount\n");

    g_assert_false (qd_csv_detect_columns (t, stock_positional, sku_qty, &cols, &error));
    g_assert_error (error, QD_CSV_ERROR, QD_CSV_ERROR_HEADER);
    g_assert_nonnull (strstr (error->message, "“qty”"));
    g_clear_error (&error);
  }
  {
    g_autoptr(QdCsvTable) t = parse_ok ("");

    g_assert_false (qd_csv_detect_columns (t, stock_positional, sku_qty, &cols, &error));
    g_assert_error (error, QD_CSV_ERROR, QD_CSV_ERROR_EMPTY);
    g_clear_error (&error);
  }
}

static void
test_qty (void)
{
  static const struct { const char *text; gint64 value; } good[] = {
    { "0", 0 }, { " 12 ", 12 }, { "+7", 7 }, { "-3", -3 }, { "1,200", 1200 },
    { "12.00", 12 }, { "12.", -1 }, { "1,234,567", 1234567 }, { "1,000.00", 1000 }, { "1000000000", 1000000000 }, { "\u30005\u3000", 5 },
  };
  static const char *bad[] = {
    "", "   ", "abc", "12.5", "1e3", "0x10", "1000000001", "99999999999999999999999",
    "-", "1,2,", ",12", "12-", "１２", "1 2", "1,2", "12,34", "1234,567", "1,2345",
    "1,234,5", "1,,234",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 v = 42;

      if (good[i].value < 0 && good[i].text[0] != '-')
        {
          g_assert_false (qd_csv_parse_qty (good[i].text, &v, &error));
          continue;
        }
      g_assert_true (qd_csv_parse_qty (good[i].text, &v, &error));
      g_assert_no_error (error);
      g_assert_cmpint (v, ==, good[i].value);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 v = 42;

      if (qd_csv_parse_qty (bad[i], &v, &error))
        g_error ("“%s” parsed as %" G_GINT64_FORMAT, bad[i], v);
      g_assert_error (error, QD_CSV_ERROR, QD_CSV_ERROR_INVALID);
      g_assert_cmpint (v, ==, 42);
    }
}

static void
test_date (void)
{
  static const struct { const char *text; const char *iso; } good[] = {
    { "2027-03-31", "2027-03-31" }, { "2027/3/1", "2027-03-01" }, { "2027.12.31", "2027-12-31" },
    { "20280229", "2028-02-29" }, { " 2027-01-05 ", "2027-01-05" },
  };
  static const char *bad[] = {
    "", "2027-02-30", "2027-13-01", "27-03-31", "2027-03", "2027-03-31-1", "2027/03-31",
    "20270230", "31.03.2027", "2027-0003-01", "tomorrow", "1899-12-31", "2027--01",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *iso = NULL;

      g_assert_true (qd_csv_parse_date (good[i].text, &iso, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (iso, ==, good[i].iso);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *iso = NULL;

      if (qd_csv_parse_date (bad[i], &iso, &error))
        g_error ("“%s” parsed as %s", bad[i], iso);
      g_assert_error (error, QD_CSV_ERROR, QD_CSV_ERROR_INVALID);
    }
}

/* A catalog of three products for the validator. */
static gboolean
lookup_cb (const char   *sku,
           QdCsvProduct *out,
           gpointer      user_data)
{
  guint *calls = user_data;

  (*calls)++;
  if (strcmp (sku, "A-1") == 0)
    out->product_id = g_strdup ("p_1");
  else if (strcmp (sku, "MED-1") == 0)
    {
      out->product_id = g_strdup ("p_2");
      out->lot_tracked = TRUE;
    }
  else if (strcmp (sku, "OLD-1") == 0)
    {
      out->product_id = g_strdup ("p_3");
      out->active = FALSE;
    }
  else
    return FALSE;
  return TRUE;
}

static void
test_stock_validate (void)
{
  const char *csv =
    "sku,qty,lot,expiry\n"               /* 1 */
    "A-1,10,,\n"                         /* 2 good */
    "MED-1,5,L1,2027-06-30\n"            /* 3 good */
    "NOPE,1,,\n"                         /* 4 unknown SKU */
    "A-1,-2,X,\n"                        /* 5 negative */
    "MED-1,abc,L2,2027-06-30\n"          /* 6 not a number */
    "MED-1,1,,\n"                        /* 7 missing lot and expiry */
    "MED-1,1,L3,2026-01-01\n"            /* 8 expired before as-of */
    "MED-1,1,L4,2027-02-30\n"            /* 9 bad date */
    ",4,,\n"                             /* 10 empty SKU */
    "MED-1,2,L1,2027-06-30\n"            /* 11 duplicate of line 3 */
    "OLD-1,0,,\n";                       /* 12 good: inactive products may be reported */
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStockCsv) result = NULL;
  guint calls = 0;
  static const struct { guint line, column; QdCsvIssueKind kind; const char *text; } want[] = {
    { 4, 1, QD_CSV_ISSUE_UNKNOWN_SKU, "NOPE" },
    { 5, 2, QD_CSV_ISSUE_NEGATIVE_QTY, "-2" },
    { 6, 2, QD_CSV_ISSUE_BAD_QTY, "abc" },
    { 7, 3, QD_CSV_ISSUE_MISSING_LOT, "MED-1" },
    { 7, 4, QD_CSV_ISSUE_MISSING_EXPIRY, "MED-1" },
    { 8, 4, QD_CSV_ISSUE_PAST_EXPIRY, "2026-01-01" },
    { 9, 4, QD_CSV_ISSUE_BAD_EXPIRY, "2027-02-30" },
    { 10, 1, QD_CSV_ISSUE_MISSING_SKU, "" },
    { 11, 1, QD_CSV_ISSUE_DUPLICATE, "line 3" },
  };

  result = qd_stock_csv_validate (csv, strlen (csv), "2026-11-24", lookup_cb, &calls, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (calls, ==, 10);
  g_assert_false (result->from_gb18030);

  for (guint i = 0; i < result->issues->len; i++)
    {
      const QdCsvIssue *issue = &g_array_index (result->issues, QdCsvIssue, i);
      g_printerr ("# line %u column %u: %s\n", issue->line, issue->column, issue->message);
    }
  g_assert_cmpuint (result->issues->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      const QdCsvIssue *issue = &g_array_index (result->issues, QdCsvIssue, i);

      g_assert_cmpuint (issue->line, ==, want[i].line);
      g_assert_cmpuint (issue->column, ==, want[i].column);
      g_assert_cmpint (issue->kind, ==, want[i].kind);
      g_assert_nonnull (strstr (issue->message, want[i].text));
    }

  g_assert_cmpuint (result->lines->len, ==, 3);
  {
    const QdStockCsvLine *l = &g_array_index (result->lines, QdStockCsvLine, 0);

    g_assert_cmpuint (l->line, ==, 2);
    g_assert_cmpstr (l->product_id, ==, "p_1");
    g_assert_cmpint (l->qty, ==, 10);
    g_assert_null (l->lot);
    g_assert_null (l->expiry);

    l = &g_array_index (result->lines, QdStockCsvLine, 1);
    g_assert_cmpstr (l->sku, ==, "MED-1");
    g_assert_cmpstr (l->lot, ==, "L1");
    g_assert_cmpstr (l->expiry, ==, "2027-06-30");

    l = &g_array_index (result->lines, QdStockCsvLine, 2);
    g_assert_cmpuint (l->line, ==, 12);
    g_assert_cmpstr (l->product_id, ==, "p_3");
  }
}

static void
test_stock_gb18030_headerless (void)
{
  const char *utf8 = "MED-1,3,批次甲,2027/6/30\r\nA-1,\"1,200\",,\r\n";
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  g_autofree char *gb = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &written, &error);
  g_autoptr(QdStockCsv) result = NULL;
  guint calls = 0;

  g_assert_no_error (error);
  result = qd_stock_csv_validate (gb, written, "2026-11-24", lookup_cb, &calls, &error);
  g_assert_no_error (error);
  g_assert_true (result->from_gb18030);
  g_assert_cmpuint (result->issues->len, ==, 0);
  g_assert_cmpuint (result->lines->len, ==, 2);
  g_assert_cmpstr (g_array_index (result->lines, QdStockCsvLine, 0).lot, ==, "批次甲");
  g_assert_cmpstr (g_array_index (result->lines, QdStockCsvLine, 0).expiry, ==, "2027-06-30");
  g_assert_cmpint (g_array_index (result->lines, QdStockCsvLine, 1).qty, ==, 1200);
}

static void
test_stock_file_errors (void)
{
  guint calls = 0;
  const char *cases[][2] = {
    { "", "no lines" },
    { "sku,qty\n", "no stock lines" },
    { "sku,lot\nA-1,x\n", "“qty”" },
    { "sku,qty\nA-1,\"5\n", "never closed" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdStockCsv) result = qd_stock_csv_validate (cases[i][0], strlen (cases[i][0]),
                                                            NULL, lookup_cb, &calls, &error);

      g_assert_null (result);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i][1]) == NULL)
        g_error ("“%s” does not contain “%s”", error->message, cases[i][1]);
    }
  g_assert_cmpuint (calls, ==, 0);
}

/* Random bytes and random mutations of a good file: an answer every time, never a crash
 * (ASan and UBSan watch in `make check`). Deterministic seed, bounded rounds. */
static void
test_hostile (void)
{
  const char *seed_csv = "sku,qty,lot,expiry\nMED-1,5,\"L,1\",2027-06-30\nA-1,\"\"\"3\",,\n";
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261124);
  static const char alphabet[] = "\",\r\n\xEF\xBB\xBF\x84\x31\xFF\xC3 -.0123456789aMED";

  for (int round = 0; round < 3000; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdStockCsv) result = NULL;
      guint calls = 0;
      gsize len = g_rand_int_range (rand, 0, 200);
      g_autofree char *buf = g_malloc (MAX (len, strlen (seed_csv)) + 1);

      if (round % 2 == 0)
        {
          for (gsize i = 0; i < len; i++)
            buf[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
        }
      else
        {
          len = strlen (seed_csv);
          memcpy (buf, seed_csv, len);
          for (int k = 0; k < 4; k++)
            buf[g_rand_int_range (rand, 0, len)] = (char) g_rand_int_range (rand, 1, 256);
        }

      result = qd_stock_csv_validate (buf, len, "2026-11-24", lookup_cb, &calls, &error);
      g_assert_true ((result == NULL) != (error == NULL));
      if (error != NULL)
        g_assert_true (g_utf8_validate (error->message, -1, NULL));
      else
        for (guint i = 0; i < result->issues->len; i++)
          g_assert_true (g_utf8_validate (g_array_index (result->issues, QdCsvIssue, i).message,
                                          -1, NULL));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/parse/basic", test_parse_basic);
  g_test_add_func ("/csv/parse/line-numbers", test_parse_line_numbers);
  g_test_add_func ("/csv/parse/empty", test_parse_empty);
  g_test_add_func ("/csv/parse/tsv", test_parse_tsv);
  g_test_add_func ("/csv/parse/utf16", test_parse_utf16);
  g_test_add_func ("/csv/parse/errors", test_parse_errors);
  g_test_add_func ("/csv/parse/gb18030", test_gb18030);
  g_test_add_func ("/csv/columns", test_columns);
  g_test_add_func ("/csv/qty", test_qty);
  g_test_add_func ("/csv/date", test_date);
  g_test_add_func ("/csv/stock/validate", test_stock_validate);
  g_test_add_func ("/csv/stock/gb18030-headerless", test_stock_gb18030_headerless);
  g_test_add_func ("/csv/stock/file-errors", test_stock_file_errors);
  g_test_add_func ("/csv/hostile", test_hostile);

  return g_test_run ();
}
