/* qd-stock-page.h — the Stock page of the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_STOCK_PAGE (qd_stock_page_get_type ())
G_DECLARE_FINAL_TYPE (QdStockPage, qd_stock_page, QD, STOCK_PAGE, AdwBin)

G_END_DECLS
