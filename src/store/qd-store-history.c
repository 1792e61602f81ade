/* qd-store-history.c — the status history of each order (migration 0005)
 *
 * The server sends an order's current status only (plus created_at and shipped_at), so the
 * cache writes the steps it learns of, each in the transaction that made it:
 *
 *  - the user's own actions (qd-store-actions.c): queued when saved or saved again;
 *  - the outbox (qd-store-outbox.c): sent when the engine hands the order to the server
 *    (taken back when that attempt fails), rejected when the server refuses it;
 *  - the change feed and mutation answers (qd-store-feed.c, upsert_order): the first time
 *    the cache holds an order as the server's, the steps the order itself dates (submitted
 *    and held at created_at, shipped at shipped_at) and its current status; afterwards each
 *    change of status, at the time this computer applied it;
 *  - the end of a bulk fill (the initial sync, where per-order work is deferred like the
 *    dashboards' summaries): the same two rules over all orders at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-store-private.h"

static const char SQL_HISTORY_LOCAL[] =
  "INSERT INTO order_status_history (order_id, status, at, source) "
  "VALUES (?1, ?2, ?3, 'local')";
static const char SQL_HISTORY_MOVE[] =
  "UPDATE order_status_history SET order_id = ?2 WHERE order_id = ?1 "
  "AND EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND is_local = 1)";

/* The steps an order dates itself, for an order the cache holds as the server's and has no
 * server step for yet. Its current status comes last (with no time when the order does
 * not date it), so that afterwards the last row's status is always the order's. */
#define FIRST_SIGHT(W) \
  "INSERT INTO order_status_history (order_id, status, at, source) " \
  "SELECT order_id, status, at, 'server' FROM (" \
  " SELECT o.id AS order_id, 1 AS step, 'submitted' AS status, o.created_at AS at " \
  "  FROM orders AS o WHERE " W \
  " UNION ALL SELECT o.id, 2, 'held', o.created_at FROM orders AS o " \
  "  WHERE " W " AND o.status = 'held' " \
  " UNION ALL SELECT o.id, 3, 'shipped', o.shipped_at FROM orders AS o " \
  "  WHERE " W " AND o.status IN ('shipped', 'completed') AND o.shipped_at IS NOT NULL " \
  " UNION ALL SELECT o.id, 4, o.status, NULL FROM orders AS o " \
  "  WHERE " W " AND o.status NOT IN ('submitted', 'held') " \
  "  AND NOT (o.status = 'shipped' AND o.shipped_at IS NOT NULL)" \
  ") ORDER BY order_id, step"

#define NO_SERVER_STEP \
  "o.is_local = 0 AND NOT EXISTS (SELECT 1 FROM order_status_history AS h " \
  "WHERE h.order_id = o.id AND h.source <> 'local')"

/* A status that differs from the last step: a change this computer observed now (?1), or
 * a shipment the order dates. */
#define OBSERVED(W) \
  "INSERT INTO order_status_history (order_id, status, at, source) " \
  "SELECT o.id, o.status, " \
  " CASE WHEN o.status = 'shipped' AND o.shipped_at IS NOT NULL THEN o.shipped_at ELSE ?1 END, " \
  " CASE WHEN o.status = 'shipped' AND o.shipped_at IS NOT NULL THEN 'server' " \
  "  ELSE 'observed' END " \
  "FROM orders AS o WHERE " W " AND o.is_local = 0 AND o.status IS NOT " \
  " (SELECT h.status FROM order_status_history AS h WHERE h.order_id = o.id " \
  "  ORDER BY h.id DESC LIMIT 1)"

static const char SQL_FIRST_SIGHT_ONE[] = FIRST_SIGHT ("o.id = ?1 AND " NO_SERVER_STEP);
static const char SQL_OBSERVED_ONE[] = OBSERVED ("o.id = ?2");
static const char SQL_FIRST_SIGHT_ALL[] = FIRST_SIGHT (NO_SERVER_STEP);
static const char SQL_OBSERVED_ALL[] = OBSERVED ("1");
/* Rows of orders that are gone (a reset of the feed deletes without a page). */
static const char SQL_ORPHANS[] =
  "DELETE FROM order_status_history WHERE order_id NOT IN (SELECT id FROM orders)";

/* An attempt to send that failed leaves the order queued: its "sent" step goes again. */
static const char SQL_UNSENT_ONE[] =
  "DELETE FROM order_status_history WHERE id = "
  "(SELECT max (h.id) FROM order_status_history AS h WHERE h.order_id = ?1) "
  "AND status = 'sent' "
  "AND EXISTS (SELECT 1 FROM orders WHERE id = ?1 AND is_local = 1 AND status = 'queued')";
static const char SQL_UNSENT_ALL[] =
  "DELETE FROM order_status_history WHERE status = 'sent' AND id IN "
  "(SELECT (SELECT max (h.id) FROM order_status_history AS h WHERE h.order_id = o.id) "
  " FROM orders AS o WHERE o.is_local = 1 AND o.status = 'queued')";

static const char SQL_HISTORY_LIST[] =
  "SELECT status, at, source FROM order_status_history WHERE order_id = ?1 ORDER BY id";

/**
 * _qd_store_history_local:
 * @status: queued, sent or rejected
 *
 * Adds an event of this computer, now.
 */
gboolean
_qd_store_history_local (QdStore     *self,
                         const char  *order_id,
                         const char  *status,
                         GError     **error)
{
  g_autofree char *now = _qd_store_now_rfc3339 ();
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_HISTORY_LOCAL, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  return _qd_store_step_done (self, stmt, error);
}

/**
 * _qd_store_history_server_order:
 *
 * After the server's version of @order_id was written: its first server steps, or the
 * change of status since the last step.
 */
gboolean
_qd_store_history_server_order (QdStore     *self,
                                const char  *order_id,
                                GError     **error)
{
  g_autofree char *now = _qd_store_now_rfc3339 ();
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_FIRST_SIGHT_ONE, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_TRANSIENT);
  if (!_qd_store_step_done (self, stmt, error))
    return FALSE;

  stmt = _qd_store_stmt (self, SQL_OBSERVED_ONE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, order_id, -1, SQLITE_TRANSIENT);
  return _qd_store_step_done (self, stmt, error);
}

/* A local order replaced by the server's under another id keeps its steps. */
gboolean
_qd_store_history_move (QdStore     *self,
                        const char  *from_id,
                        const char  *to_id,
                        GError     **error)
{
  sqlite3_stmt *stmt;

  if (g_strcmp0 (from_id, to_id) == 0)
    return TRUE;
  stmt = _qd_store_stmt (self, SQL_HISTORY_MOVE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, from_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, to_id, -1, SQLITE_TRANSIENT);
  return _qd_store_step_done (self, stmt, error);
}

/**
 * _qd_store_history_unsent:
 * @order_id: (nullable): the order put back in the queue, or %NULL for every queued order
 *
 * Takes back the "sent" step of orders whose sending attempt ended without an answer.
 */
gboolean
_qd_store_history_unsent (QdStore     *self,
                          const char  *order_id,
                          GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, order_id != NULL ? SQL_UNSENT_ONE : SQL_UNSENT_ALL,
                                       error);

  if (stmt == NULL)
    return FALSE;
  if (order_id != NULL)
    sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_TRANSIENT);
  return _qd_store_step_done (self, stmt, error);
}

/**
 * _qd_store_history_reconcile:
 *
 * The history of every order at once, for the end of a bulk fill and the migration: drops
 * the rows of orders that are gone, adds the first server steps of orders that have none,
 * and a step for each order whose status moved on meanwhile.
 */
gboolean
_qd_store_history_reconcile (QdStore  *self,
                             GError  **error)
{
  g_autofree char *now = _qd_store_now_rfc3339 ();
  sqlite3_stmt *stmt;

  if (!_qd_store_exec (self, SQL_ORPHANS, error)
      || !_qd_store_exec (self, SQL_FIRST_SIGHT_ALL, error))
    return FALSE;
  stmt = _qd_store_stmt (self, SQL_OBSERVED_ALL, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  return _qd_store_step_done (self, stmt, error);
}

void
qd_order_event_free (QdOrderEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->status);
  g_free (event->at);
  g_free (event);
}

/**
 * qd_store_list_order_history:
 * @order_id: an order
 *
 * Returns: (transfer full) (element-type QdOrderEvent): the steps of @order_id, oldest
 *   first; empty for an order without history (or one that does not exist)
 */
GPtrArray *
qd_store_list_order_history (QdStore     *self,
                             const char  *order_id,
                             GError     **error)
{
  g_autoptr(GPtrArray) events = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (order_id != NULL, NULL);

  /* A bulk fill defers the history of the orders it brings. */
  if (!_qd_store_ensure_derived (self, error))
    return NULL;
  stmt = _qd_store_stmt (self, SQL_HISTORY_LIST, error);
  if (stmt == NULL)
    return NULL;
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) qd_order_event_free);
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdOrderEvent *event = g_new0 (QdOrderEvent, 1);
      const char *source = (const char *) sqlite3_column_text (stmt, 2);

      event->status = _qd_col_dup (stmt, 0);
      event->at = _qd_col_dup (stmt, 1);
      if (g_strcmp0 (source, "server") == 0)
        event->source = QD_ORDER_EVENT_SERVER;
      else if (g_strcmp0 (source, "observed") == 0)
        event->source = QD_ORDER_EVENT_OBSERVED;
      else
        event->source = QD_ORDER_EVENT_LOCAL;
      g_ptr_array_add (events, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}
