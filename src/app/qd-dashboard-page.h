/* qd-dashboard-page.h — the Dashboard page: a dealer's 看板 or the manager's region
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_DASHBOARD_PAGE (qd_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (QdDashboardPage, qd_dashboard_page, QD, DASHBOARD_PAGE, AdwBin)

void        qd_dashboard_page_set_store   (QdDashboardPage *self,
                                           QdStore         *store);
QdStore    *qd_dashboard_page_get_store   (QdDashboardPage *self);
void        qd_dashboard_page_set_today   (QdDashboardPage *self,
                                           const char      *today);
void        qd_dashboard_page_reload      (QdDashboardPage *self);
const char *qd_dashboard_page_get_view    (QdDashboardPage *self);
void        qd_dashboard_page_show_dealer (QdDashboardPage *self,
                                           const char      *dealer_id);
GListModel *qd_dashboard_page_get_dealers (QdDashboardPage *self);
GListModel *qd_dashboard_page_get_held_orders (QdDashboardPage *self);
gboolean    qd_dashboard_page_get_loading (QdDashboardPage *self);
gboolean    qd_dashboard_page_is_busy     (QdDashboardPage *self);
gint64      qd_dashboard_page_get_swap_in_time (QdDashboardPage *self);
char       *qd_dashboard_page_dealers_csv (QdDashboardPage *self);
gboolean    qd_dashboard_page_export_csv  (QdDashboardPage *self,
                                           GFile           *file,
                                           GError         **error);
gboolean    qd_dashboard_page_review      (QdDashboardPage *self,
                                           const char      *order_id,
                                           gboolean         approve,
                                           const char      *comment,
                                           GError         **error);
guint       qd_dashboard_page_add_suggestions_to_cart (QdDashboardPage *self,
                                                       GError         **error);

G_END_DECLS
