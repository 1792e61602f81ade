/* qd-statements-page.h — the Statements page (对账单)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_STATEMENTS_PAGE (qd_statements_page_get_type ())
G_DECLARE_FINAL_TYPE (QdStatementsPage, qd_statements_page, QD, STATEMENTS_PAGE, AdwBin)

void        qd_statements_page_set_store      (QdStatementsPage *self,
                                               QdStore          *store);
void        qd_statements_page_reload         (QdStatementsPage *self);
gboolean    qd_statements_page_show_statement (QdStatementsPage *self,
                                               const char       *statement_id);
const char *qd_statements_page_get_shown_id   (QdStatementsPage *self);
GListModel *qd_statements_page_get_lines      (QdStatementsPage *self);
void        qd_statements_page_select_line (QdStatementsPage *self,
                                            guint             position,
                                            gboolean          selected);
const char *qd_statements_page_get_notice     (QdStatementsPage *self);
gboolean    qd_statements_page_export_csv     (QdStatementsPage *self,
                                               const char       *path,
                                               GError          **error);
gboolean    qd_statements_page_export_pdf     (QdStatementsPage *self,
                                               const char       *path,
                                               GError          **error);

G_END_DECLS
