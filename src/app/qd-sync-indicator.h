/* qd-sync-indicator.h — the header-bar sync status: online/offline, waiting changes,
 * progress, last sync, last error, rejected changes, Sync now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-sync-engine.h"

G_BEGIN_DECLS

#define QD_TYPE_SYNC_INDICATOR (qd_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (QdSyncIndicator, qd_sync_indicator, QD, SYNC_INDICATOR, AdwBin)

void          qd_sync_indicator_set_engine  (QdSyncIndicator *self,
                                             QdSyncEngine    *engine);
QdSyncEngine *qd_sync_indicator_get_engine  (QdSyncIndicator *self);
const char   *qd_sync_indicator_get_summary (QdSyncIndicator *self);
char         *qd_sync_format_last_sync      (GDateTime       *last_sync,
                                             GDateTime       *now);

G_END_DECLS
