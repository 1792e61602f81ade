/* qd-order-page.h — the Order page of the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_ORDER_PAGE (qd_order_page_get_type ())
G_DECLARE_FINAL_TYPE (QdOrderPage, qd_order_page, QD, ORDER_PAGE, AdwBin)

G_END_DECLS
