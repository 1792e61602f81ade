/* qd-statements-page.h — the Statements page of the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_STATEMENTS_PAGE (qd_statements_page_get_type ())
G_DECLARE_FINAL_TYPE (QdStatementsPage, qd_statements_page, QD, STATEMENTS_PAGE, AdwBin)

G_END_DECLS
