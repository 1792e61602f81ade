/* qd-csv.h — reading the CSV files dealers' own systems export (bytes in, rows out)
 *
 * Three layers, all without I/O:
 *
 *   qd_csv_parse ()            RFC 4180 records: quoting, CRLF/LF/CR, a UTF-8 BOM, and
 *                              GB18030 input (Excel on Chinese Windows) converted to UTF-8;
 *                              UTF-16 with a byte-order mark too (Excel's "Unicode text");
 *                              tab-separated text is recognised by its first line.
 *                              Every row remembers the physical line it starts on.
 *   qd_csv_detect_columns ()   whether the first row is a header, by column names in
 *                              English or Chinese (sku/商品编码/编码, qty/数量, lot/批号,
 *                              expiry/有效期/效期, note/备注); otherwise a fixed order.
 *   qd_stock_csv_validate ()   a stock report (sku, qty[, lot, expiry]) checked line by
 *                              line, collecting *every* bad line for a preview; products
 *                              are looked up through a callback, so core needs no store.
 *
 * File-level problems (not text, an unterminated quote, a header without a SKU column) are
 * a GError of %QD_CSV_ERROR whose message names the line and column; line-level problems of
 * a stock report are #QdCsvIssue items.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Larger files are refused before parsing: a stock report of 100,000 lines is ~5 MB. */
#define QD_CSV_MAX_BYTES ((gsize) 64 * 1024 * 1024)
/* More fields in one record than any export has: the file is not what it claims. */
#define QD_CSV_MAX_FIELDS 256
/* The longest field kept, in bytes. */
#define QD_CSV_MAX_FIELD_BYTES ((gsize) 64 * 1024)

#define QD_CSV_ERROR (qd_csv_error_quark ())

typedef enum
{
  QD_CSV_ERROR_ENCODING,   /* neither UTF-8 nor GB18030, or a NUL byte: not a text file */
  QD_CSV_ERROR_SYNTAX,     /* an unterminated quote, text after a closing quote */
  QD_CSV_ERROR_TOO_LARGE,  /* the file, a record or a field is beyond the limits */
  QD_CSV_ERROR_HEADER,     /* a header without a required column, or a column twice */
  QD_CSV_ERROR_EMPTY,      /* no data rows */
  QD_CSV_ERROR_INVALID,    /* a value is wrong (qd_csv_parse_qty, qd_csv_parse_date) */
} QdCsvError;

GQuark qd_csv_error_quark (void);

typedef struct
{
  guint       line;      /* 1-based physical line where the record starts */
  guint       n_fields;
  char      **fields;    /* n_fields UTF-8 strings, unquoted, not trimmed */
} QdCsvRow;

typedef struct
{
  GPtrArray  *rows;                /* of QdCsvRow*, blank records left out */
  gboolean    had_bom;
  gboolean    from_gb18030;        /* the bytes were not UTF-8 and were converted */
  gboolean    from_utf16;          /* UTF-16 with a byte-order mark ("Unicode text") */
  char        separator;           /* ',' or, for tab-separated text, '\t' */
} QdCsvTable;

QdCsvTable *qd_csv_parse       (const char  *data,
                                gsize        length,
                                GError     **error);
void        qd_csv_table_free  (QdCsvTable  *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdCsvTable, qd_csv_table_free)

/* The field @index of @row trimmed of ASCII and ideographic spaces, or "" beyond the end. */
char       *qd_csv_row_get     (const QdCsvRow *row,
                                int             index);

typedef enum
{
  QD_CSV_COL_SKU,
  QD_CSV_COL_QTY,
  QD_CSV_COL_LOT,
  QD_CSV_COL_EXPIRY,
  QD_CSV_COL_NOTE,
  QD_CSV_N_COLS,
} QdCsvColumn;

typedef struct
{
  gboolean has_header;            /* the first row names the columns (and is no data) */
  int      index[QD_CSV_N_COLS];  /* 0-based field index of each column, -1 if absent */
} QdCsvColumns;

/* Detects a header in the first row of @table. Without one, the columns are taken in the
 * order of @positional (QD_CSV_N_COLS-terminated, e.g. SKU, QTY, LOT, EXPIRY). Every column
 * in @required must then be present (QD_CSV_N_COLS-terminated). */
gboolean    qd_csv_detect_columns (const QdCsvTable   *table,
                                   const QdCsvColumn  *positional,
                                   const QdCsvColumn  *required,
                                   QdCsvColumns       *out,
                                   GError            **error);
/* The name of a column for messages ("sku", "qty", …), not translated: it is what the
 * header of an English file says. */
const char *qd_csv_column_name    (QdCsvColumn         column);

/* A quantity as dealers' systems write it: an integer, optionally with thousands
 * separators ("1,200") or a zero fraction ("12.00"), within ±QD_QTY_MAX. */
gboolean    qd_csv_parse_qty      (const char  *text,
                                   gint64      *out_qty,
                                   GError     **error);
/* A date as YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYYMMDD; out: YYYY-MM-DD (newly allocated). */
gboolean    qd_csv_parse_date     (const char  *text,
                                   char       **out_date,
                                   GError     **error);

/* Stock reports ------------------------------------------------------------------------ */

typedef struct
{
  char     *product_id;   /* filled by the lookup (g_strdup) */
  gboolean  lot_tracked;
  gboolean  active;
} QdCsvProduct;

/* Looks @sku up (already trimmed). Returns FALSE for an unknown SKU. The callee fills
 * @out; strings it sets are freed by the caller. */
typedef gboolean (*QdCsvProductLookup) (const char    *sku,
                                        QdCsvProduct  *out,
                                        gpointer       user_data);

typedef enum
{
  QD_CSV_ISSUE_UNKNOWN_SKU,
  QD_CSV_ISSUE_MISSING_SKU,
  QD_CSV_ISSUE_BAD_QTY,        /* not a number, empty, or too large */
  QD_CSV_ISSUE_NEGATIVE_QTY,
  QD_CSV_ISSUE_BAD_EXPIRY,     /* not a date */
  QD_CSV_ISSUE_PAST_EXPIRY,    /* before the report's as-of date */
  QD_CSV_ISSUE_MISSING_LOT,    /* a lot-tracked product without lot */
  QD_CSV_ISSUE_MISSING_EXPIRY, /* a lot-tracked product without expiry */
  QD_CSV_ISSUE_BAD_LOT,        /* longer than QD_LOT_MAX_CHARS */
  QD_CSV_ISSUE_DUPLICATE,      /* the same product and lot twice */
} QdCsvIssueKind;

typedef struct
{
  guint           line;      /* 1-based physical line in the file */
  guint           column;    /* 1-based field number in the file */
  QdCsvIssueKind  kind;
  char           *message;   /* translated; names the value ("unknown SKU “X-9”") */
} QdCsvIssue;

typedef struct
{
  guint   line;
  char   *sku;
  char   *product_id;
  gint64  qty;
  char   *lot;       /* NULL when empty */
  char   *expiry;    /* YYYY-MM-DD, NULL when empty */
} QdStockCsvLine;

typedef struct
{
  GArray    *lines;           /* of QdStockCsvLine: the good lines */
  GArray    *issues;          /* of QdCsvIssue, in file order: every bad line */
  gboolean   from_gb18030;
} QdStockCsv;

QdStockCsv *qd_stock_csv_validate (const char          *data,
                                   gsize                length,
                                   const char          *as_of,
                                   QdCsvProductLookup   lookup,
                                   gpointer             user_data,
                                   GError             **error);
void        qd_stock_csv_free     (QdStockCsv          *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdStockCsv, qd_stock_csv_free)

G_END_DECLS
