/* qd-store-error.h — the error domain of the client cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QD_STORE_ERROR (qd_store_error_quark ())

/**
 * QdStoreError:
 * @QD_STORE_ERROR_FAILED: an SQLite failure that fits no other code (a bug, or I/O)
 * @QD_STORE_ERROR_CORRUPT: the cache file is damaged or not a cache; it has been moved aside
 *   and the caller should open a fresh cache and resync from the server
 * @QD_STORE_ERROR_FULL: the disk is full; the transaction was rolled back
 * @QD_STORE_ERROR_BUSY: another process holds the database (or the outbox lease) too long
 * @QD_STORE_ERROR_NOT_FOUND: the order, statement, product or mutation does not exist
 * @QD_STORE_ERROR_INVALID: the input (user action or server data) is malformed; the message
 *   names the entity, id and field
 * @QD_STORE_ERROR_STATE: the action is not allowed in the entity's current state
 * @QD_STORE_ERROR_TOO_NEW: the cache was written by a newer Qudao (schema version unknown)
 * @QD_STORE_ERROR_IO: the file or its directory cannot be created, opened or read
 *
 * Error codes of %QD_STORE_ERROR. Messages are translated and say what to do.
 */
typedef enum
{
  QD_STORE_ERROR_FAILED,
  QD_STORE_ERROR_CORRUPT,
  QD_STORE_ERROR_FULL,
  QD_STORE_ERROR_BUSY,
  QD_STORE_ERROR_NOT_FOUND,
  QD_STORE_ERROR_INVALID,
  QD_STORE_ERROR_STATE,
  QD_STORE_ERROR_TOO_NEW,
  QD_STORE_ERROR_IO,
} QdStoreError;

GQuark qd_store_error_quark (void);

G_END_DECLS
