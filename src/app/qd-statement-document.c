/* qd-statement-document.c — one statement as a document: CSV export, printing, PDF
 *
 * The statement is read from the store once, when the document is made; every output is
 * drawn from that snapshot, so a sync that lands while the print dialog is open cannot mix
 * two versions on one sheet.
 *
 * The printed layout is drawn with Pango on the print context's cairo: a heading with the
 * dealer and the period on every page, the table (date, type, reference, amount, running
 * balance) with the amounts right-aligned, the opening balance before the first line and
 * the totals and closing balance after the last, and "Page 1 of 3" at the foot. The same
 * GtkPrintOperation exports the PDF (GTK_PRINT_OPERATION_ACTION_EXPORT), so what is
 * exported is exactly what is printed. Chinese text is shaped by Pango with fontconfig's
 * fallback (WenQuanYi on Debian), which cairo embeds in the PDF.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "qd-app-error.h"
#include "qd-money.h"
#include "qd-statement-document.h"

struct _QdStatementDocument
{
  GObject parent_instance;

  /* owned */
  QdStatementInfo *info;
  GPtrArray *lines;          /* of QdStatementLineInfo */
  char *dealer_name;

  /* layout of the print run, in points of the page's printable area */
  double row_height;
  double header_height;
  guint rows_first_page;
  guint rows_per_page;
  guint n_pages;
};

G_DEFINE_FINAL_TYPE (QdStatementDocument, qd_statement_document, G_TYPE_OBJECT)

/* Body text size: 9 pt reads well on A4 and fits ~60 lines a page. */
#define BODY_FONT "Sans 9"
#define TITLE_FONT "Sans Bold 14"
#define FOOTER_FONT "Sans 8"

/**
 * qd_statement_kind_label:
 * @kind: a statement line kind as on the wire
 *
 * Returns: the kind in the user's language ("Invoice", "Payment", …)
 */
const char *
qd_statement_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "invoice") == 0)
    return _("Invoice");
  if (g_strcmp0 (kind, "payment") == 0)
    return _("Payment");
  if (g_strcmp0 (kind, "rebate") == 0)
    return _("Rebate");
  if (g_strcmp0 (kind, "adjustment") == 0)
    return _("Adjustment");
  return kind != NULL ? kind : "";
}

static void
qd_statement_document_finalize (GObject *object)
{
  QdStatementDocument *self = QD_STATEMENT_DOCUMENT (object);

  g_clear_pointer (&self->info, qd_statement_info_free);
  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_clear_pointer (&self->dealer_name, g_free);

  G_OBJECT_CLASS (qd_statement_document_parent_class)->finalize (object);
}

static void
qd_statement_document_class_init (QdStatementDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_statement_document_finalize;
}

static void
qd_statement_document_init (QdStatementDocument *self)
{
}

/**
 * qd_statement_document_new:
 * @store: the cache
 * @statement_id: the statement
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the statement as it is in the cache now
 */
QdStatementDocument *
qd_statement_document_new (QdStore     *store,
                           const char  *statement_id,
                           GError     **error)
{
  g_autoptr(QdStatementDocument) self = NULL;

  g_return_val_if_fail (QD_IS_STORE (store), NULL);
  g_return_val_if_fail (statement_id != NULL, NULL);

  self = g_object_new (QD_TYPE_STATEMENT_DOCUMENT, NULL);
  self->info = qd_store_get_statement (store, statement_id, &self->lines, error);
  if (self->info == NULL)
    return NULL;
  self->dealer_name = qd_store_dup_dealer_name (store, self->info->dealer_id);
  if (self->dealer_name == NULL)
    self->dealer_name = g_strdup (self->info->dealer_id != NULL ? self->info->dealer_id : "");
  return g_steal_pointer (&self);
}

const char *
qd_statement_document_get_dealer_name (QdStatementDocument *self)
{
  g_return_val_if_fail (QD_IS_STATEMENT_DOCUMENT (self), NULL);
  return self->dealer_name;
}

const char *
qd_statement_document_get_period (QdStatementDocument *self)
{
  g_return_val_if_fail (QD_IS_STATEMENT_DOCUMENT (self), NULL);
  return self->info->period;
}

/**
 * qd_statement_document_get_n_pages:
 *
 * Returns: the number of pages of the last print run or PDF export (0 before one)
 */
guint
qd_statement_document_get_n_pages (QdStatementDocument *self)
{
  g_return_val_if_fail (QD_IS_STATEMENT_DOCUMENT (self), 0);
  return self->n_pages;
}

/* ---- CSV --------------------------------------------------------------------------------- */

static void
csv_field (GString    *out,
           const char *text,
           gboolean    last)
{
  /* RFC 4180: quote fields holding a separator, a quote or a line break. A leading =, +,
   * - or @ would make Excel evaluate a reference as a formula: prefix it with a quote. */
  gboolean quote = text[strcspn (text, ",\"\r\n")] != '\0';
  gboolean formula = strchr ("=+-@", text[0]) != NULL && text[0] != '\0'
                     && !g_ascii_isdigit (text[1]);

  if (quote || formula)
    {
      g_string_append_c (out, '"');
      if (formula)
        g_string_append_c (out, '\'');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, text);
  g_string_append (out, last ? "\r\n" : ",");
}

static char *
plain_amount (gint64 fen)
{
  return qd_money_format (fen, QD_MONEY_FORMAT_NO_SYMBOL | QD_MONEY_FORMAT_NO_GROUPING);
}

/**
 * qd_statement_document_write_csv:
 * @path: the file to write (replaced atomically)
 *
 * Writes the statement as CSV in UTF-8 with a byte-order mark, CRLF line ends and amounts
 * as plain numbers ("1234.50"): Excel on Chinese Windows opens such a file with the
 * Chinese text intact and the amounts as numbers.
 */
gboolean
qd_statement_document_write_csv (QdStatementDocument  *self,
                                 const char           *path,
                                 GError              **error)
{
  g_autoptr(GString) out = g_string_new ("\xEF\xBB\xBF");
  g_autofree char *opening = NULL;
  g_autofree char *closing = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (QD_IS_STATEMENT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  opening = plain_amount (self->info->opening_balance_fen);
  closing = plain_amount (self->info->closing_balance_fen);
  version = g_strdup_printf ("%" G_GINT64_FORMAT, self->info->version);

  csv_field (out, _("Dealer"), FALSE);
  csv_field (out, self->dealer_name, TRUE);
  csv_field (out, _("Period"), FALSE);
  csv_field (out, self->info->period, TRUE);
  csv_field (out, _("Version"), FALSE);
  csv_field (out, version, TRUE);
  g_string_append (out, "\r\n");

  csv_field (out, _("Date"), FALSE);
  csv_field (out, _("Type"), FALSE);
  csv_field (out, _("Reference"), FALSE);
  csv_field (out, _("Amount"), FALSE);
  csv_field (out, _("Balance"), FALSE);
  csv_field (out, _("Dispute reason"), TRUE);

  csv_field (out, "", FALSE);
  csv_field (out, _("Opening balance"), FALSE);
  csv_field (out, "", FALSE);
  csv_field (out, "", FALSE);
  csv_field (out, opening, FALSE);
  csv_field (out, "", TRUE);

  for (guint i = 0; i < self->lines->len; i++)
    {
      QdStatementLineInfo *line = g_ptr_array_index (self->lines, i);
      g_autofree char *amount = plain_amount (line->amount_fen);
      g_autofree char *balance = plain_amount (line->running_balance_fen);

      csv_field (out, line->date, FALSE);
      csv_field (out, qd_statement_kind_label (line->kind), FALSE);
      csv_field (out, line->ref != NULL ? line->ref : "", FALSE);
      csv_field (out, amount, FALSE);
      csv_field (out, balance, FALSE);
      csv_field (out, line->disputed_reason != NULL ? line->disputed_reason : "", TRUE);
    }

  csv_field (out, "", FALSE);
  csv_field (out, _("Closing balance"), FALSE);
  csv_field (out, "", FALSE);
  csv_field (out, "", FALSE);
  csv_field (out, closing, FALSE);
  csv_field (out, "", TRUE);

  if (!g_file_set_contents (path, out->str, out->len, &local_error))
    {
      g_set_error (error, QD_APP_ERROR, QD_APP_ERROR_EXPORT,
                   _("Could not save the statement: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- printing ----------------------------------------------------------------------------- */

/* Column right edges / left edges as fractions of the page width. */
static const double col_x[] = { 0.0, 0.16, 0.30, 0.58, 0.80 };

static PangoLayout *
make_layout (GtkPrintContext *context,
             const char      *font,
             const char      *text)
{
  PangoLayout *layout = gtk_print_context_create_pango_layout (context);
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
layout_height (GtkPrintContext *context,
               const char      *font)
{
  g_autoptr(PangoLayout) layout = make_layout (context, font, "Ag渠道");
  int h;

  pango_layout_get_size (layout, NULL, &h);
  return (double) h / PANGO_SCALE;
}

static void
draw_text (GtkPrintContext *context,
           const char      *font,
           const char      *text,
           double           x,
           double           y,
           double           width,
           gboolean         right)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  g_autoptr(PangoLayout) layout = make_layout (context, font, text);

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* A table row: date, type, reference left-aligned; amount and balance right-aligned. */
static void
draw_row (GtkPrintContext *context,
          const char      *font,
          double           y,
          const char      *date,
          const char      *kind,
          const char      *ref,
          const char      *amount,
          const char      *balance)
{
  double width = gtk_print_context_get_width (context);
  double gap = 6;

  draw_text (context, font, date, col_x[0] * width, y, (col_x[1] - col_x[0]) * width - gap, FALSE);
  draw_text (context, font, kind, col_x[1] * width, y, (col_x[2] - col_x[1]) * width - gap, FALSE);
  draw_text (context, font, ref, col_x[2] * width, y, (col_x[3] - col_x[2]) * width - gap, FALSE);
  draw_text (context, font, amount, col_x[3] * width, y, (col_x[4] - col_x[3]) * width - gap, TRUE);
  draw_text (context, font, balance, col_x[4] * width, y, (1.0 - col_x[4]) * width, TRUE);
}

/* A summary row: its label across the type and reference columns, then amount, balance. */
static void
draw_summary (GtkPrintContext *context,
              const char      *font,
              double           y,
              const char      *label,
              const char      *amount,
              const char      *balance)
{
  double width = gtk_print_context_get_width (context);
  double gap = 6;

  draw_text (context, font, label, col_x[1] * width, y, (col_x[3] - col_x[1]) * width - gap, FALSE);
  draw_text (context, font, amount, col_x[3] * width, y, (col_x[4] - col_x[3]) * width - gap, TRUE);
  draw_text (context, font, balance, col_x[4] * width, y, (1.0 - col_x[4]) * width, TRUE);
}

static void
begin_print_cb (GtkPrintOperation   *operation,
                GtkPrintContext     *context,
                QdStatementDocument *self)
{
  double height = gtk_print_context_get_height (context);
  double body;
  guint rows;
  guint total;

  self->row_height = layout_height (context, BODY_FONT) * 1.25;
  /* Title, a line of facts, a gap and the column headings; the footer below. */
  self->header_height = layout_height (context, TITLE_FONT) * 1.4
                        + self->row_height * 3;
  body = height - self->header_height - layout_height (context, FOOTER_FONT) * 2;
  rows = MAX (1, (guint) (body / self->row_height));
  self->rows_per_page = rows;
  self->rows_first_page = rows;

  /* Rows: the opening balance, every line, the charges, the credits, the closing balance. */
  total = self->lines->len + 4;
  self->n_pages = MAX (1, (total + rows - 1) / rows);
  gtk_print_operation_set_n_pages (operation, (int) self->n_pages);
}

static void
draw_page_cb (GtkPrintOperation   *operation,
              GtkPrintContext     *context,
              int                  page_nr,
              QdStatementDocument *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  g_autofree char *title = NULL;
  g_autofree char *facts = NULL;
  g_autofree char *opening = qd_money_format (self->info->opening_balance_fen, 0);
  g_autofree char *closing = qd_money_format (self->info->closing_balance_fen, 0);
  g_autofree char *footer = NULL;
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, self->info->version);
  double y = 0;
  guint first_row = (guint) page_nr * self->rows_per_page;
  guint last_row = first_row + self->rows_per_page;
  gint64 invoiced = 0;
  gint64 credited = 0;

  /* Translators: the heading of a printed statement: the dealer's name, then the period
   * (2026-10). */
  title = g_strdup_printf (_("%s — Statement %s"), self->dealer_name, self->info->period);
  draw_text (context, TITLE_FONT, title, 0, y, width, FALSE);
  y += layout_height (context, TITLE_FONT) * 1.4;

  /* Translators: under the heading of a printed statement: its version and status. */
  facts = g_strdup_printf (_("Version %s · %s"), version,
                           g_strcmp0 (self->info->status, "confirmed") == 0 ? _("Confirmed")
                           : g_strcmp0 (self->info->status, "disputed") == 0 ? _("Disputed")
                           : _("Issued"));
  draw_text (context, BODY_FONT, facts, 0, y, width, FALSE);
  y += self->row_height * 1.5;

  draw_row (context, "Sans Bold 9", y, _("Date"), _("Type"), _("Reference"), _("Amount"),
            _("Balance"));
  y += self->row_height;
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, 0, y - self->row_height * 0.1);
  cairo_line_to (cr, width, y - self->row_height * 0.1);
  cairo_stroke (cr);
  y = self->header_height;

  for (guint i = 0; i < self->lines->len; i++)
    {
      QdStatementLineInfo *line = g_ptr_array_index (self->lines, i);

      if (line->amount_fen > 0)
        invoiced += line->amount_fen;
      else
        credited += line->amount_fen;
    }

  /* Row r of the document: 0 opening, 1..n lines, n+1 charges, n+2 credits, n+3 closing. */
  for (guint r = first_row; r < last_row && r < self->lines->len + 4; r++)
    {
      if (r == 0)
        draw_summary (context, "Sans Bold 9", y, _("Opening balance"), "", opening);
      else if (r <= self->lines->len)
        {
          QdStatementLineInfo *line = g_ptr_array_index (self->lines, r - 1);
          g_autofree char *amount = qd_money_format (line->amount_fen, 0);
          g_autofree char *balance = qd_money_format (line->running_balance_fen, 0);

          draw_row (context, BODY_FONT, y, line->date, qd_statement_kind_label (line->kind),
                    line->ref != NULL ? line->ref : "", amount, balance);
        }
      else if (r == self->lines->len + 1)
        {
          g_autofree char *plus = qd_money_format (invoiced, 0);

          cairo_move_to (cr, col_x[1] * width, y + self->row_height * 0.05);
          cairo_line_to (cr, width, y + self->row_height * 0.05);
          cairo_stroke (cr);
          draw_summary (context, BODY_FONT, y + self->row_height * 0.1,
                        _("Total charges"), plus, "");
        }
      else if (r == self->lines->len + 2)
        {
          g_autofree char *minus = qd_money_format (credited, 0);

          draw_summary (context, BODY_FONT, y + self->row_height * 0.1,
                        _("Total payments and credits"), minus, "");
        }
      else
        draw_summary (context, "Sans Bold 9", y + self->row_height * 0.1,
                      _("Closing balance"), "", closing);
      y += self->row_height;
    }

  /* Translators: the page number at the foot of a printed statement. */
  footer = g_strdup_printf (_("Page %d of %u"), page_nr + 1, self->n_pages);
  draw_text (context, FOOTER_FONT, footer, 0, height - layout_height (context, FOOTER_FONT),
             width, TRUE);
}

static gboolean
run (QdStatementDocument      *self,
     GtkPrintOperationAction   action,
     GtkWindow                *parent,
     const char               *path,
     GError                  **error)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *job = NULL;
  GtkPrintOperationResult result;

  job = g_strdup_printf ("%s %s", self->dealer_name, self->info->period);
  gtk_print_operation_set_job_name (operation, job);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  if (path != NULL)
    gtk_print_operation_set_export_filename (operation, path);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), self);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), self);

  result = gtk_print_operation_run (operation, action, parent, &local_error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_set_error (error, QD_APP_ERROR, QD_APP_ERROR_EXPORT,
                   _("Could not print the statement: %s"),
                   local_error != NULL ? local_error->message : _("unknown error"));
      return FALSE;
    }
  return TRUE;
}

/**
 * qd_statement_document_export_pdf:
 * @path: the PDF file to write
 *
 * Exports the printed layout to a PDF file, without a dialog.
 */
gboolean
qd_statement_document_export_pdf (QdStatementDocument  *self,
                                  const char           *path,
                                  GError              **error)
{
  g_return_val_if_fail (QD_IS_STATEMENT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return run (self, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, path, error);
}

/**
 * qd_statement_document_print:
 * @parent: (nullable): the window the print dialog belongs to
 *
 * Shows the print dialog and prints.
 */
gboolean
qd_statement_document_print (QdStatementDocument  *self,
                             GtkWindow            *parent,
                             GError              **error)
{
  g_return_val_if_fail (QD_IS_STATEMENT_DOCUMENT (self), FALSE);

  return run (self, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, NULL, error);
}
