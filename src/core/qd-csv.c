/* qd-csv.c — RFC 4180 reading, header detection and stock-report validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-core-private.h"
#include "qd-csv.h"
#include "qd-json.h"
#include "qd-mutation.h"

G_DEFINE_QUARK (qd-csv-error-quark, qd_csv_error)

/* Parsing ------------------------------------------------------------------------------ */

static void
row_free (gpointer data)
{
  QdCsvRow *row = data;

  g_strfreev (row->fields);
  g_free (row);
}

void
qd_csv_table_free (QdCsvTable *table)
{
  if (table == NULL)
    return;
  g_clear_pointer (&table->rows, g_ptr_array_unref);
  g_free (table);
}

/* The physical line (1-based) of byte @offset, for errors found before parsing. */
static guint
line_of_offset (const char *data,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n')
        line++;
      else if (data[i] == '\r' && (i + 1 >= offset || data[i + 1] != '\n'))
        line++;
    }
  return line;
}

static gboolean
row_is_blank (GPtrArray *fields)
{
  for (guint i = 0; i < fields->len; i++)
    {
      const char *f = g_ptr_array_index (fields, i);

      for (; *f != '\0'; f++)
        if (!g_ascii_isspace (*f))
          return FALSE;
    }
  return TRUE;
}

/* Parses UTF-8 @text into rows; the state machine of RFC 4180, tolerant of what Excel and
 * ERP exports do (lone CR line ends, a quote inside an unquoted field taken literally,
 * a final line without line end), strict where tolerance would guess (text after a
 * closing quote, an unterminated quote). */
static gboolean
parse_records (const char  *text,
               gsize        length,
               char         sep,
               GPtrArray   *rows,
               GError     **error)
{
  const char *p = text;
  const char *end = text + length;
  guint line = 1;
  g_autoptr(GString) field = g_string_sized_new (64);

  while (p < end)
    {
      g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
      guint row_line = line;

      for (;;)
        {
          guint column = fields->len + 1;

          g_string_truncate (field, 0);

          if (fields->len >= QD_CSV_MAX_FIELDS)
            {
              g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_TOO_LARGE,
                           _("Line %u has more than %d columns; this is not a CSV file "
                             "Qudao can read"), row_line, QD_CSV_MAX_FIELDS);
              return FALSE;
            }

          if (p < end && *p == '"')
            {
              guint quote_line = line;

              p++;
              for (;;)
                {
                  if (p >= end)
                    {
                      g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_SYNTAX,
                                   _("Line %u, column %u: the quote opened here is never "
                                     "closed"), quote_line, column);
                      return FALSE;
                    }
                  if (*p == '"')
                    {
                      if (p + 1 < end && p[1] == '"')
                        {
                          g_string_append_c (field, '"');
                          p += 2;
                          continue;
                        }
                      p++;
                      break;
                    }
                  if (*p == '\n' || (*p == '\r' && (p + 1 >= end || p[1] != '\n')))
                    line++;
                  g_string_append_c (field, *p);
                  p++;
                  if (field->len > QD_CSV_MAX_FIELD_BYTES)
                    break;
                }
              if (field->len <= QD_CSV_MAX_FIELD_BYTES
                  && p < end && *p != sep && *p != '\r' && *p != '\n')
                {
                  g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_SYNTAX,
                               _("Line %u, column %u: unexpected text after a closing quote "
                                 "(a quote inside a field must be doubled: \"\")"),
                               line, column);
                  return FALSE;
                }
            }
          else
            {
              const char *start = p;

              while (p < end && *p != sep && *p != '\r' && *p != '\n')
                p++;
              g_string_append_len (field, start, p - start);
            }

          if (field->len > QD_CSV_MAX_FIELD_BYTES)
            {
              g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_TOO_LARGE,
                           _("Line %u, column %u: the field is longer than %u KiB"),
                           row_line, column, (guint) (QD_CSV_MAX_FIELD_BYTES / 1024));
              return FALSE;
            }

          g_ptr_array_add (fields, g_strndup (field->str, field->len));

          if (p < end && *p == sep)
            {
              p++;
              if (p >= end)
                {
                  /* "a,b," at the very end: the last field is empty. */
                  g_ptr_array_add (fields, g_strdup (""));
                  break;
                }
              continue;
            }
          break;
        }

      if (p < end)
        {
          if (*p == '\r')
            p++;
          if (p < end && *p == '\n')
            p++;
          line++;
        }

      if (row_is_blank (fields))
        continue;

      {
        QdCsvRow *row = g_new0 (QdCsvRow, 1);

        row->line = row_line;
        row->n_fields = fields->len;
        g_ptr_array_add (fields, NULL);
        row->fields = (char **) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
        g_ptr_array_add (rows, row);
      }
    }

  return TRUE;
}

/* Comma, unless the first line has tabs and no comma outside quotes: some dealers' systems
 * export tab-separated text under a .csv name (and Excel's "Unicode text" is TSV too). */
static char
detect_separator (const char *text,
                  gsize       length)
{
  gboolean quoted = FALSE;
  gboolean tab = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '"')
        quoted = !quoted;
      else if (quoted)
        continue;
      else if (c == ',')
        return ',';
      else if (c == '\t')
        tab = TRUE;
      else if (c == '\n' || c == '\r')
        break;
    }
  return tab ? '\t' : ',';
}

/**
 * qd_csv_parse:
 * @data: the bytes of the file (not NUL-terminated necessarily)
 * @length: their number
 * @error: a %QD_CSV_ERROR naming the line and column
 *
 * Reads CSV bytes into rows. A UTF-8 byte-order mark is skipped. Bytes that are not valid
 * UTF-8 are taken as GB18030 (what Excel on Chinese Windows writes as "CSV") and
 * converted; #QdCsvTable.from_gb18030 says so. Records whose fields are all blank (the
 * ",,," rows spreadsheets leave) are left out.
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error set
 */
QdCsvTable *
qd_csv_parse (const char  *data,
              gsize        length,
              GError     **error)
{
  g_autoptr(QdCsvTable) table = NULL;
  g_autofree char *converted = NULL;
  g_autofree char *utf16 = NULL;
  gboolean converted_utf16 = FALSE;
  const char *nul;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > QD_CSV_MAX_BYTES)
    {
      g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_TOO_LARGE,
                   _("The file is larger than %u MiB"),
                   (guint) (QD_CSV_MAX_BYTES / (1024 * 1024)));
      return NULL;
    }

  /* Excel's "Unicode text" is UTF-16 with a byte-order mark: convert it first. */
  if (length >= 2 && (((guchar) data[0] == 0xFF && (guchar) data[1] == 0xFE)
                      || ((guchar) data[0] == 0xFE && (guchar) data[1] == 0xFF)))
    {
      const char *from = (guchar) data[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
      gsize bytes_read = 0, bytes_written = 0;

      utf16 = g_convert (data + 2, length - 2, "UTF-8", from, &bytes_read, &bytes_written,
                         NULL);
      /* A cut-off last character is reported as bytes left over, not as an error. */
      if (utf16 == NULL || bytes_read != length - 2)
        {
          g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_ENCODING,
                       _("The file starts as UTF-16 text but is not valid UTF-16"));
          return NULL;
        }
      data = utf16;
      length = bytes_written;
      converted_utf16 = TRUE;
    }

  /* Neither UTF-8 nor GB18030 text has NUL bytes; a spreadsheet saved as .xlsx or as
   * UTF-16 without a byte-order mark does. */
  nul = length > 0 ? memchr (data, '\0', length) : NULL;
  if (nul != NULL)
    {
      g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_ENCODING,
                   _("Line %u: the file contains NUL bytes; it is not a CSV text file "
                     "(save it from the spreadsheet as “CSV”)"),
                   line_of_offset (data, nul - data));
      return NULL;
    }

  table = g_new0 (QdCsvTable, 1);
  table->rows = g_ptr_array_new_with_free_func (row_free);
  table->from_utf16 = converted_utf16;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      table->had_bom = TRUE;
      data += 3;
      length -= 3;
    }

  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_autoptr(GError) local_error = NULL;
      gsize bytes_read = 0, bytes_written = 0;

      /* GB18030's own byte-order mark (the encoding of U+FEFF). */
      if (length >= 4 && memcmp (data, "\x84\x31\x95\x33", 4) == 0)
        {
          data += 4;
          length -= 4;
        }

      converted = g_convert (data, length, "UTF-8", "GB18030",
                             &bytes_read, &bytes_written, &local_error);
      if (converted == NULL)
        {
          g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_ENCODING,
                       _("Line %u: the file is neither UTF-8 nor GB18030 text"),
                       line_of_offset (data, MIN (bytes_read, length)));
          return NULL;
        }
      table->from_gb18030 = TRUE;
      data = converted;
      length = bytes_written;
    }

  table->separator = detect_separator (data, length);
  if (!parse_records (data, length, table->separator, table->rows, error))
    return NULL;

  return g_steal_pointer (&table);
}

static gboolean
is_blank_char (gunichar c)
{
  /* ASCII spaces, no-break space, ideographic space (U+3000, typed by Chinese IMEs). */
  return g_unichar_isspace (c) || c == 0x00A0 || c == 0x3000 || c == 0xFEFF;
}

static char *
trim_copy (const char *text)
{
  const char *start = text;
  const char *stop = text + strlen (text);

  while (start < stop && is_blank_char (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (stop > start)
    {
      const char *prev = g_utf8_find_prev_char (start, stop);

      if (prev == NULL || !is_blank_char (g_utf8_get_char (prev)))
        break;
      stop = prev;
    }
  return g_strndup (start, stop - start);
}

char *
qd_csv_row_get (const QdCsvRow *row,
                int             index)
{
  g_return_val_if_fail (row != NULL, NULL);

  if (index < 0 || (guint) index >= row->n_fields)
    return g_strdup ("");
  return trim_copy (row->fields[index]);
}

/* Header detection --------------------------------------------------------------------- */

static const struct
{
  QdCsvColumn column;
  const char *alias;   /* casefolded */
} column_aliases[] = {
  { QD_CSV_COL_SKU, "sku" },
  { QD_CSV_COL_SKU, "商品编码" },
  { QD_CSV_COL_SKU, "编码" },
  { QD_CSV_COL_SKU, "产品编码" },
  { QD_CSV_COL_QTY, "qty" },
  { QD_CSV_COL_QTY, "quantity" },
  { QD_CSV_COL_QTY, "数量" },
  { QD_CSV_COL_LOT, "lot" },
  { QD_CSV_COL_LOT, "批号" },
  { QD_CSV_COL_EXPIRY, "expiry" },
  { QD_CSV_COL_EXPIRY, "有效期" },
  { QD_CSV_COL_EXPIRY, "效期" },
  { QD_CSV_COL_EXPIRY, "有效期至" },
  { QD_CSV_COL_NOTE, "note" },
  { QD_CSV_COL_NOTE, "备注" },
};

static const char * const column_names[QD_CSV_N_COLS] = {
  "sku", "qty", "lot", "expiry", "note",
};

const char *
qd_csv_column_name (QdCsvColumn column)
{
  g_return_val_if_fail (column < QD_CSV_N_COLS, "?");
  return column_names[column];
}

static int
column_for_name (const char *cell)
{
  g_autofree char *trimmed = trim_copy (cell);
  g_autofree char *folded = g_utf8_casefold (trimmed, -1);

  for (gsize i = 0; i < G_N_ELEMENTS (column_aliases); i++)
    if (strcmp (folded, column_aliases[i].alias) == 0)
      return column_aliases[i].column;
  return -1;
}

/**
 * qd_csv_detect_columns:
 *
 * The first row is a header when at least one of its cells is a known column name; columns
 * it does not name are ignored. A header naming a column twice, or lacking a @required
 * column, is an error: guessing would import the wrong numbers.
 */
gboolean
qd_csv_detect_columns (const QdCsvTable   *table,
                       const QdCsvColumn  *positional,
                       const QdCsvColumn  *required,
                       QdCsvColumns       *out,
                       GError            **error)
{
  const QdCsvRow *first;
  gboolean header = FALSE;

  g_return_val_if_fail (table != NULL, FALSE);
  g_return_val_if_fail (positional != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  for (int c = 0; c < QD_CSV_N_COLS; c++)
    out->index[c] = -1;
  out->has_header = FALSE;

  if (table->rows->len == 0)
    {
      g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_EMPTY, _("The file has no lines"));
      return FALSE;
    }

  first = g_ptr_array_index (table->rows, 0);
  for (guint i = 0; i < first->n_fields; i++)
    if (column_for_name (first->fields[i]) >= 0)
      header = TRUE;

  if (header)
    {
      out->has_header = TRUE;
      for (guint i = 0; i < first->n_fields; i++)
        {
          int c = column_for_name (first->fields[i]);

          if (c < 0)
            continue;
          if (out->index[c] >= 0)
            {
              g_autofree char *name = _qd_excerpt (first->fields[i], -1, QD_EXCERPT_CHARS);

              g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_HEADER,
                           _("Line %u, column %u: the header names the column “%s” a second "
                             "time (first in column %d)"),
                           first->line, i + 1, name, out->index[c] + 1);
              return FALSE;
            }
          out->index[c] = i;
        }
    }
  else
    {
      for (int i = 0; positional[i] != QD_CSV_N_COLS; i++)
        out->index[positional[i]] = i;
    }

  for (int i = 0; required != NULL && required[i] != QD_CSV_N_COLS; i++)
    {
      if (out->index[required[i]] < 0)
        {
          g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_HEADER,
                       _("Line %u: the header has no “%s” column"),
                       first->line, column_names[required[i]]);
          return FALSE;
        }
    }

  return TRUE;
}

/* Values ------------------------------------------------------------------------------- */

gboolean
qd_csv_parse_qty (const char  *text,
                  gint64      *out_qty,
                  GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *excerpt = NULL;
  const char *p;
  gboolean negative = FALSE;
  gboolean any_digit = FALSE;
  gboolean any_comma = FALSE;
  guint digits_since_comma = 0;
  gint64 value = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_qty != NULL, FALSE);

  trimmed = trim_copy (text);
  excerpt = _qd_excerpt (trimmed, -1, QD_EXCERPT_CHARS);
  p = trimmed;

  if (*p == '\0')
    {
      g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_INVALID, _("the quantity is empty"));
      return FALSE;
    }

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';

  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          any_digit = TRUE;
          digits_since_comma++;
          if (any_comma && digits_since_comma > 3)
            break;
          value = value * 10 + (*p - '0');
          if (value > QD_QTY_MAX)
            {
              g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_INVALID,
                           _("the quantity “%s” is too large"), excerpt);
              return FALSE;
            }
        }
      else if (*p == ',' && any_digit && digits_since_comma >= 1 && digits_since_comma <= 3
               && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) && g_ascii_isdigit (p[3])
               && !g_ascii_isdigit (p[4]))
        {
          /* "1,200": a thousands separator, as spreadsheets format numbers; only in groups
           * of three, so that "1,2" (two numbers run together) is not read as 12. */
          digits_since_comma = 0;
          any_comma = TRUE;
          continue;
        }
      else if (*p == '.' && any_digit)
        {
          /* "12.00" is 12; "12.5" is not a quantity. */
          const char *q = p + 1;

          while (*q == '0')
            q++;
          if (*q != '\0' || q == p + 1)
            break;
          p = q - 1;
        }
      else
        break;
    }

  if (*p != '\0' || !any_digit)
    {
      g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_INVALID,
                   _("the quantity “%s” is not a whole number"), excerpt);
      return FALSE;
    }

  *out_qty = negative ? -value : value;
  return TRUE;
}

gboolean
qd_csv_parse_date (const char  *text,
                   char       **out_date,
                   GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *excerpt = NULL;
  guint fields[3] = { 0, 0, 0 };
  guint n = 0, digits = 0;
  char sep = 0;
  const char *p;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_date != NULL, FALSE);

  trimmed = trim_copy (text);
  excerpt = _qd_excerpt (trimmed, -1, QD_EXCERPT_CHARS);

  if (strlen (trimmed) == 8 && strspn (trimmed, "0123456789") == 8)
    {
      /* YYYYMMDD, as many ERP systems write dates. */
      fields[0] = (trimmed[0] - '0') * 1000 + (trimmed[1] - '0') * 100
                  + (trimmed[2] - '0') * 10 + (trimmed[3] - '0');
      fields[1] = (trimmed[4] - '0') * 10 + (trimmed[5] - '0');
      fields[2] = (trimmed[6] - '0') * 10 + (trimmed[7] - '0');
      n = 3;
    }
  else
    {
      for (p = trimmed; ; p++)
        {
          if (g_ascii_isdigit (*p))
            {
              if (++digits > (n == 0 ? 4u : 2u) || n >= 3)
                goto bad;
              fields[n] = fields[n] * 10 + (*p - '0');
              continue;
            }
          if (digits == 0)
            goto bad;
          if (*p == '\0')
            {
              n++;
              break;
            }
          if (*p != '-' && *p != '/' && *p != '.')
            goto bad;
          if (sep != 0 && *p != sep)
            goto bad;
          sep = *p;
          n++;
          digits = 0;
          if (n >= 3)
            goto bad;
        }
    }

  if (n != 3 || fields[0] < 1900 || fields[0] > 9999
      || !g_date_valid_dmy (fields[2], fields[1], fields[0]))
    goto bad;

  *out_date = g_strdup_printf ("%04u-%02u-%02u", fields[0], fields[1], fields[2]);
  return TRUE;

bad:
  g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_INVALID,
               _("“%s” is not a date (write YYYY-MM-DD)"), excerpt);
  return FALSE;
}

/* Stock reports ------------------------------------------------------------------------ */

static void
stock_line_clear (gpointer data)
{
  QdStockCsvLine *line = data;

  g_free (line->sku);
  g_free (line->product_id);
  g_free (line->lot);
  g_free (line->expiry);
}

static void
issue_clear (gpointer data)
{
  QdCsvIssue *issue = data;

  g_free (issue->message);
}

void
qd_stock_csv_free (QdStockCsv *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->lines, g_array_unref);
  g_clear_pointer (&self->issues, g_array_unref);
  g_free (self);
}

static void add_issue (QdStockCsv     *self,
                       guint           line,
                       int             index,
                       QdCsvIssueKind  kind,
                       const char     *format,
                       ...) G_GNUC_PRINTF (5, 6);

static void
add_issue (QdStockCsv     *self,
           guint           line,
           int             index,
           QdCsvIssueKind  kind,
           const char     *format,
           ...)
{
  QdCsvIssue issue = { line, index >= 0 ? (guint) index + 1 : 0, kind, NULL };
  va_list args;

  va_start (args, format);
  issue.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (self->issues, issue);
}

/**
 * qd_stock_csv_validate:
 * @data: the bytes of the file
 * @length: their number
 * @as_of: (nullable): the report's date, YYYY-MM-DD: an expiry before it is flagged
 * @lookup: finds a product by SKU
 * @user_data: for @lookup
 * @error: file-level problems only
 *
 * Reads a stock report (columns sku, qty, and lot, expiry; by header or in that order) and
 * checks every line. Lines with a problem are reported in #QdStockCsv.issues (one issue
 * per problem, so a line can have several) and left out of #QdStockCsv.lines; the caller
 * decides whether to import the good lines.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL when the file cannot be read
 */
QdStockCsv *
qd_stock_csv_validate (const char          *data,
                       gsize                length,
                       const char          *as_of,
                       QdCsvProductLookup   lookup,
                       gpointer             user_data,
                       GError             **error)
{
  static const QdCsvColumn positional[] = {
    QD_CSV_COL_SKU, QD_CSV_COL_QTY, QD_CSV_COL_LOT, QD_CSV_COL_EXPIRY, QD_CSV_N_COLS,
  };
  static const QdCsvColumn required[] = { QD_CSV_COL_SKU, QD_CSV_COL_QTY, QD_CSV_N_COLS };
  g_autoptr(QdCsvTable) table = NULL;
  g_autoptr(QdStockCsv) self = NULL;
  g_autoptr(GHashTable) seen = NULL;
  QdCsvColumns cols;
  guint first;

  g_return_val_if_fail (lookup != NULL, NULL);
  g_return_val_if_fail (as_of == NULL || qd_is_date (as_of), NULL);

  table = qd_csv_parse (data, length, error);
  if (table == NULL)
    return NULL;
  if (!qd_csv_detect_columns (table, positional, required, &cols, error))
    return NULL;

  first = cols.has_header ? 1 : 0;
  if (table->rows->len <= first)
    {
      g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_EMPTY,
                   _("The file has no stock lines"));
      return NULL;
    }

  self = g_new0 (QdStockCsv, 1);
  self->from_gb18030 = table->from_gb18030;
  self->lines = g_array_sized_new (FALSE, TRUE, sizeof (QdStockCsvLine), table->rows->len);
  g_array_set_clear_func (self->lines, stock_line_clear);
  self->issues = g_array_new (FALSE, TRUE, sizeof (QdCsvIssue));
  g_array_set_clear_func (self->issues, issue_clear);
  /* "product_id\x1flot" → line number, for duplicates. */
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint r = first; r < table->rows->len; r++)
    {
      const QdCsvRow *row = g_ptr_array_index (table->rows, r);
      g_autofree char *sku = qd_csv_row_get (row, cols.index[QD_CSV_COL_SKU]);
      g_autofree char *qty_text = qd_csv_row_get (row, cols.index[QD_CSV_COL_QTY]);
      g_autofree char *lot = qd_csv_row_get (row, cols.index[QD_CSV_COL_LOT]);
      g_autofree char *expiry_text = qd_csv_row_get (row, cols.index[QD_CSV_COL_EXPIRY]);
      g_autofree char *expiry = NULL;
      g_autofree char *sku_excerpt = _qd_excerpt (sku, -1, QD_EXCERPT_CHARS);
      QdCsvProduct product = { NULL, FALSE, TRUE };
      gboolean known = FALSE;
      guint n_before = self->issues->len;
      gint64 qty = 0;

      if (*sku == '\0')
        add_issue (self, row->line, cols.index[QD_CSV_COL_SKU], QD_CSV_ISSUE_MISSING_SKU,
                   _("the SKU is empty"));
      else if (!(known = lookup (sku, &product, user_data)))
        add_issue (self, row->line, cols.index[QD_CSV_COL_SKU], QD_CSV_ISSUE_UNKNOWN_SKU,
                   _("unknown SKU “%s”"), sku_excerpt);

      {
        g_autoptr(GError) qty_error = NULL;

        if (!qd_csv_parse_qty (qty_text, &qty, &qty_error))
          add_issue (self, row->line, cols.index[QD_CSV_COL_QTY], QD_CSV_ISSUE_BAD_QTY,
                     "%s", qty_error->message);
        else if (qty < 0)
          add_issue (self, row->line, cols.index[QD_CSV_COL_QTY], QD_CSV_ISSUE_NEGATIVE_QTY,
                     _("the quantity %s is negative"), qty_text);
      }

      if (g_utf8_strlen (lot, -1) > QD_LOT_MAX_CHARS)
        add_issue (self, row->line, cols.index[QD_CSV_COL_LOT], QD_CSV_ISSUE_BAD_LOT,
                   _("the lot number is longer than %d characters"), QD_LOT_MAX_CHARS);

      if (*expiry_text != '\0')
        {
          g_autoptr(GError) date_error = NULL;

          if (!qd_csv_parse_date (expiry_text, &expiry, &date_error))
            add_issue (self, row->line, cols.index[QD_CSV_COL_EXPIRY],
                       QD_CSV_ISSUE_BAD_EXPIRY, _("expiry: %s"), date_error->message);
          else if (as_of != NULL && strcmp (expiry, as_of) < 0)
            add_issue (self, row->line, cols.index[QD_CSV_COL_EXPIRY],
                       QD_CSV_ISSUE_PAST_EXPIRY,
                       _("the expiry %s is before the report date %s"), expiry, as_of);
        }

      if (known && product.lot_tracked)
        {
          if (*lot == '\0')
            add_issue (self, row->line, cols.index[QD_CSV_COL_LOT], QD_CSV_ISSUE_MISSING_LOT,
                       _("SKU “%s” is lot-tracked: the lot number is missing"), sku_excerpt);
          if (*expiry_text == '\0')
            add_issue (self, row->line, cols.index[QD_CSV_COL_EXPIRY],
                       QD_CSV_ISSUE_MISSING_EXPIRY,
                       _("SKU “%s” is lot-tracked: the expiry date is missing"), sku_excerpt);
        }

      if (known)
        {
          char *key = g_strconcat (product.product_id ? product.product_id : sku, "\x1f",
                                   lot, NULL);
          gpointer other = g_hash_table_lookup (seen, key);

          if (other != NULL)
            {
              add_issue (self, row->line, cols.index[QD_CSV_COL_SKU], QD_CSV_ISSUE_DUPLICATE,
                         *lot != '\0'
                         ? _("SKU “%s” with this lot is already on line %u")
                         : _("SKU “%s” is already on line %u"),
                         sku_excerpt, GPOINTER_TO_UINT (other));
              g_free (key);
            }
          else
            g_hash_table_insert (seen, key, GUINT_TO_POINTER (row->line));
        }

      if (self->issues->len == n_before)
        {
          QdStockCsvLine line = {
            row->line, g_steal_pointer (&sku), g_steal_pointer (&product.product_id), qty,
            *lot != '\0' ? g_steal_pointer (&lot) : NULL, g_steal_pointer (&expiry),
          };

          g_array_append_val (self->lines, line);
        }
      g_free (product.product_id);
    }

  return g_steal_pointer (&self);
}
