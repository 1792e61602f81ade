/* qd-sync-engine.h — pushes the outbox and pulls the change feed of one account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "qd-credentials.h"
#include "qd-store.h"
#include "qd-sync-error.h"

G_BEGIN_DECLS

typedef enum
{
  QD_SYNC_PHASE_IDLE,
  QD_SYNC_PHASE_PUSHING,
  QD_SYNC_PHASE_PULLING,
  QD_SYNC_PHASE_OFFLINE,
  QD_SYNC_PHASE_AUTH_REQUIRED,
  QD_SYNC_PHASE_ERROR,
} QdSyncPhase;

GType       qd_sync_phase_get_type   (void);
#define QD_TYPE_SYNC_PHASE (qd_sync_phase_get_type ())
/* "idle", "pushing", "pulling", "offline", "auth-required", "error" */
const char *qd_sync_phase_to_string  (QdSyncPhase phase);

/* What one sync did, for callers that need more than success (qudao-cli's exit code). */
typedef struct
{
  guint   pushed;         /* mutations the server answered (applied or rejected) */
  guint   rejected;       /* of which rejected in this sync */
  guint   pages;          /* feed pages applied */
  guint64 changes;        /* feed changes applied */
  guint64 wire_bytes_in;  /* bytes received on the wire (headers + compressed bodies) */
  guint64 wire_bytes_out;
  guint64 body_bytes_in;  /* bytes of the decoded bodies */
  guint   requests;
} QdSyncStats;

#define QD_TYPE_SYNC_ENGINE (qd_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (QdSyncEngine, qd_sync_engine, QD, SYNC_ENGINE, GObject)

QdSyncEngine *qd_sync_engine_new              (QdStore        *store,
                                               const char     *server_url,
                                               QdCredentials  *credentials);

QdStore      *qd_sync_engine_get_store        (QdSyncEngine   *self);
QdSyncPhase   qd_sync_engine_get_phase        (QdSyncEngine   *self);
gint64        qd_sync_engine_get_progress_done  (QdSyncEngine *self);
gint64        qd_sync_engine_get_progress_total (QdSyncEngine *self);
double        qd_sync_engine_get_progress     (QdSyncEngine   *self);
guint         qd_sync_engine_get_pending_count  (QdSyncEngine *self);
guint         qd_sync_engine_get_rejected_count (QdSyncEngine *self);
GDateTime    *qd_sync_engine_get_last_sync    (QdSyncEngine   *self);
const char   *qd_sync_engine_get_last_error   (QdSyncEngine   *self);
void          qd_sync_engine_get_stats        (QdSyncEngine   *self,
                                               QdSyncStats    *out_stats);

void          qd_sync_engine_set_auto_sync    (QdSyncEngine   *self,
                                               gboolean        auto_sync);
gboolean      qd_sync_engine_get_auto_sync    (QdSyncEngine   *self);
void          qd_sync_engine_set_interval     (QdSyncEngine   *self,
                                               guint           seconds);
void          qd_sync_engine_set_ca_file      (QdSyncEngine   *self,
                                               const char     *ca_file);
void          qd_sync_engine_set_timeout      (QdSyncEngine   *self,
                                               guint           seconds);
void          qd_sync_engine_set_page_limit   (QdSyncEngine   *self,
                                               guint           limit);
void          qd_sync_engine_set_batch_size   (QdSyncEngine   *self,
                                               guint           size);

/* Re-reads the counts and the last sync time from the store (after a user action). */
void          qd_sync_engine_refresh_counts   (QdSyncEngine   *self);

/* A sync the user asked for: retries what is waiting for its backoff at once, pushes the
 * outbox, then pulls the feed to its end. A call while a sync runs joins it. */
void          qd_sync_engine_sync_async       (QdSyncEngine        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      qd_sync_engine_sync_finish      (QdSyncEngine        *self,
                                               GAsyncResult        *result,
                                               QdSyncStats         *out_stats,
                                               GError             **error);

/* ---- login and logout (no engine needed) ---------------------------------------------- */

/* POST /session; on success the token is in the keyring, the user record in the store's
 * metadata (user_id, user_name, user_role, dealer_id, region_ids) and the data folder's
 * account file names this account. Blocking: call from a worker thread or a CLI. */
gboolean      qd_sync_login_sync              (const char     *data_dir,
                                               const char     *server_url,
                                               const char     *username,
                                               const char     *password,
                                               const char     *ca_file,
                                               GCancellable   *cancellable,
                                               GError        **error);
void          qd_sync_login_async             (const char          *data_dir,
                                               const char          *server_url,
                                               const char          *username,
                                               const char          *password,
                                               const char          *ca_file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      qd_sync_login_finish            (GAsyncResult        *result,
                                               GError             **error);
/* DELETE /session (best effort: offline is no reason to keep a token), then clears the
 * secret. The cache and its waiting work stay. *out_server_error (optional) is set when
 * the server could not be told. */
gboolean      qd_sync_logout_sync             (const char     *data_dir,
                                               const char     *ca_file,
                                               GError        **out_server_error,
                                               GCancellable   *cancellable,
                                               GError        **error);

G_END_DECLS
