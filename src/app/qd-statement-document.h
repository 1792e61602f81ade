/* qd-statement-document.h — one statement as a document: CSV export, printing, PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_STATEMENT_DOCUMENT (qd_statement_document_get_type ())
G_DECLARE_FINAL_TYPE (QdStatementDocument, qd_statement_document, QD, STATEMENT_DOCUMENT,
                      GObject)

QdStatementDocument *qd_statement_document_new       (QdStore              *store,
                                                      const char           *statement_id,
                                                      GError              **error);
const char          *qd_statement_document_get_dealer_name (QdStatementDocument *self);
const char          *qd_statement_document_get_period (QdStatementDocument *self);
gboolean             qd_statement_document_write_csv (QdStatementDocument  *self,
                                                      const char           *path,
                                                      GError              **error);
gboolean             qd_statement_document_export_pdf (QdStatementDocument *self,
                                                      const char           *path,
                                                      GError              **error);
gboolean             qd_statement_document_print     (QdStatementDocument  *self,
                                                      GtkWindow            *parent,
                                                      GError              **error);
guint                qd_statement_document_get_n_pages (QdStatementDocument *self);

const char          *qd_statement_kind_label         (const char           *kind);

G_END_DECLS
