/* qd-dashboard-page.h — the Dashboard page of the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_DASHBOARD_PAGE (qd_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (QdDashboardPage, qd_dashboard_page, QD, DASHBOARD_PAGE, AdwBin)

G_END_DECLS
