/* qd-statement-line-row.h — one row of a statement's lines, drawn as one widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The columns of a statement's lines, left to right. */
typedef enum
{
  QD_STATEMENT_COLUMN_DATE,
  QD_STATEMENT_COLUMN_KIND,
  QD_STATEMENT_COLUMN_REF,
  QD_STATEMENT_COLUMN_AMOUNT,
  QD_STATEMENT_COLUMN_BALANCE,
  QD_STATEMENT_COLUMN_REASON,
  QD_STATEMENT_N_COLUMNS,
} QdStatementColumn;

#define QD_TYPE_STATEMENT_LINE_ROW (qd_statement_line_row_get_type ())
G_DECLARE_FINAL_TYPE (QdStatementLineRow, qd_statement_line_row, QD, STATEMENT_LINE_ROW,
                      GtkWidget)

GtkWidget  *qd_statement_line_row_new       (gboolean             header);
void        qd_statement_line_row_set_texts (QdStatementLineRow  *self,
                                             const char * const  *texts);
const char *qd_statement_line_row_get_text  (QdStatementLineRow  *self,
                                             QdStatementColumn    column);

G_END_DECLS
