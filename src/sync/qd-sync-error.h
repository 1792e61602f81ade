/* qd-sync-error.h — the error domain of the sync engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QD_SYNC_ERROR (qd_sync_error_quark ())

/**
 * QdSyncError:
 * @QD_SYNC_ERROR_OFFLINE: the server cannot be reached (no network, refused, timed out,
 *   connection cut): the outcome of what was sent is unknown and it will be sent again
 * @QD_SYNC_ERROR_AUTH_REQUIRED: no token, or the server refused it (401): log in again
 * @QD_SYNC_ERROR_SERVER: the server answered 5xx, 429 or 503: try again later
 * @QD_SYNC_ERROR_PROTOCOL: the server's answer is malformed (not JSON, wrong types,
 *   truncated, seq going backwards); nothing of it was applied
 * @QD_SYNC_ERROR_TOO_LARGE: the answer is larger than the client accepts
 * @QD_SYNC_ERROR_REFUSED: the server refused the request itself (4xx other than 401)
 * @QD_SYNC_ERROR_BAD_CREDENTIALS: wrong user name or password at login
 * @QD_SYNC_ERROR_NOT_LOGGED_IN: the data folder has no account yet
 * @QD_SYNC_ERROR_BUSY: another program is sending this account's waiting changes
 * @QD_SYNC_ERROR_TLS: the server's certificate cannot be trusted
 */
typedef enum
{
  QD_SYNC_ERROR_OFFLINE,
  QD_SYNC_ERROR_AUTH_REQUIRED,
  QD_SYNC_ERROR_SERVER,
  QD_SYNC_ERROR_PROTOCOL,
  QD_SYNC_ERROR_TOO_LARGE,
  QD_SYNC_ERROR_REFUSED,
  QD_SYNC_ERROR_BAD_CREDENTIALS,
  QD_SYNC_ERROR_NOT_LOGGED_IN,
  QD_SYNC_ERROR_BUSY,
  QD_SYNC_ERROR_TLS,
} QdSyncError;

GQuark qd_sync_error_quark (void);

G_END_DECLS
