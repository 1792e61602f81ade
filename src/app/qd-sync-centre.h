/* qd-sync-centre.h — everything waiting to be sent or rejected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_SYNC_CENTRE (qd_sync_centre_get_type ())
G_DECLARE_FINAL_TYPE (QdSyncCentre, qd_sync_centre, QD, SYNC_CENTRE, AdwWindow)

QdSyncCentre *qd_sync_centre_new        (GtkWindow    *parent,
                                         QdStore      *store);
void          qd_sync_centre_reload     (QdSyncCentre *self);
guint         qd_sync_centre_get_n_items (QdSyncCentre *self);
GtkListBox   *qd_sync_centre_get_list   (QdSyncCentre *self);
GtkListBox   *qd_sync_centre_get_history (QdSyncCentre *self);
void          qd_sync_centre_discard    (QdSyncCentre *self,
                                         const char   *mutation_id);
const char   *qd_sync_type_label        (const char   *type);

G_END_DECLS
