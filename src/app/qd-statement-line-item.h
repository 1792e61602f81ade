/* qd-statement-line-item.h — one line of a statement in the detail's list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_STATEMENT_LINE_ITEM (qd_statement_line_item_get_type ())
G_DECLARE_FINAL_TYPE (QdStatementLineItem, qd_statement_line_item, QD, STATEMENT_LINE_ITEM,
                      GObject)

QdStatementLineItem       *qd_statement_line_item_new          (QdStatementLineInfo *info);
const QdStatementLineInfo *qd_statement_line_item_get_info     (QdStatementLineItem *self);
gboolean                   qd_statement_line_item_get_selected (QdStatementLineItem *self);
void                       qd_statement_line_item_set_selected (QdStatementLineItem *self,
                                                                gboolean             selected);

G_END_DECLS
