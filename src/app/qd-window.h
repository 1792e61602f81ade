/* qd-window.h — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-application.h"
#include "qd-store.h"
#include "qd-sync-centre.h"
#include "qd-sync-engine.h"

G_BEGIN_DECLS

#define QD_TYPE_WINDOW (qd_window_get_type ())
G_DECLARE_FINAL_TYPE (QdWindow, qd_window, QD, WINDOW, AdwApplicationWindow)

QdWindow     *qd_window_new             (QdApplication *application);
const char   *qd_window_get_page        (QdWindow      *self);
void          qd_window_set_page        (QdWindow      *self,
                                         const char    *page);
gboolean      qd_window_is_settled      (QdWindow      *self);
void          qd_window_set_store       (QdWindow      *self,
                                         QdStore       *store);

void          qd_window_set_store       (QdWindow      *self,
                                         QdStore       *store);
void          qd_window_set_sync_engine (QdWindow      *self,
                                         QdSyncEngine  *engine);
void          qd_window_show_statement  (QdWindow      *self,
                                         const char    *statement_id);
void          qd_window_import_stock_file (QdWindow    *self,
                                           GFile       *file);
QdSyncCentre *qd_window_get_sync_centre (QdWindow     *self);
void          qd_window_add_toast       (QdWindow      *self,
                                         AdwToast      *toast);
void          qd_window_show_order      (QdWindow      *self,
                                         const char    *order_id);

G_END_DECLS
