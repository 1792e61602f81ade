/* qd-orders-page.h — the Orders page of the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_ORDERS_PAGE (qd_orders_page_get_type ())
G_DECLARE_FINAL_TYPE (QdOrdersPage, qd_orders_page, QD, ORDERS_PAGE, AdwBin)

G_END_DECLS
