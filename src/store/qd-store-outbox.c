/* qd-store-outbox.c — the outbox of mutations, as the sync engine drains it
 *
 * Only one process sends at a time: qd_store_outbox_claim() takes a lease (owner id + expiry,
 * in sync_meta) inside an IMMEDIATE transaction, together with the rows it hands out. Another
 * process gets %QD_STORE_ERROR_BUSY until the lease expires; then it takes over, and rows the
 * previous owner had claimed become pending again (the server answers a repeated mutation id
 * with its first answer, so sending them twice is harmless).
 *
 * The lease also names the process that holds it (host, boot id, pid and the pid's start
 * time): a lease must outlive the longest request, so it runs for minutes, and a holder
 * that was killed (kill -9, a crash, a power cut) would block everyone else that long. When
 * the holder ran on this machine since its last boot and that process is gone (or its pid
 * now belongs to another process, or it is a zombie), the lease is taken over at once. A
 * holder that cannot be checked (another machine sharing the folder, no /proc) keeps the
 * lease until it expires.
 *
 * Each result is recorded in one transaction: applied (the local entity replaced by the
 * server's, the row removed), rejected (the row and the local entity marked, other rows go
 * on), or unknown (back to pending with attempts + 1 and the next attempt time the engine
 * chose). Recording a result for a row that is gone is a no-op, so a late answer after a
 * takeover does no harm.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "qd-store-private.h"

void
qd_outbox_item_free (QdOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->type);
  g_free (item->entity_id);
  g_free (item->payload);
  g_free (item->created_at);
  g_free (item->last_error);
  g_free (item->reject_code);
  g_free (item->reject_message);
  g_free (item);
}

#define OUTBOX_COLUMNS \
  "seq, id, type, entity_id, payload, created_at, attempts, next_attempt_at, last_error, " \
  "state, reject_code, reject_message"

static QdOutboxState
state_from_text (const char *text)
{
  if (g_strcmp0 (text, "claimed") == 0)
    return QD_OUTBOX_CLAIMED;
  if (g_strcmp0 (text, "rejected") == 0)
    return QD_OUTBOX_REJECTED;
  return QD_OUTBOX_PENDING;
}

static const char *
state_to_text (QdOutboxState state)
{
  switch (state)
    {
    case QD_OUTBOX_CLAIMED:
      return "claimed";
    case QD_OUTBOX_REJECTED:
      return "rejected";
    case QD_OUTBOX_PENDING:
    default:
      return "pending";
    }
}

static QdOutboxItem *
item_from_row (sqlite3_stmt *stmt)
{
  QdOutboxItem *item = g_new0 (QdOutboxItem, 1);

  item->seq = sqlite3_column_int64 (stmt, 0);
  item->id = _qd_col_dup (stmt, 1);
  item->type = _qd_col_dup (stmt, 2);
  item->entity_id = _qd_col_dup (stmt, 3);
  item->payload = _qd_col_dup (stmt, 4);
  item->created_at = _qd_col_dup (stmt, 5);
  item->attempts = sqlite3_column_int (stmt, 6);
  item->next_attempt_at = sqlite3_column_int64 (stmt, 7);
  item->last_error = _qd_col_dup (stmt, 8);
  item->state = state_from_text ((const char *) sqlite3_column_text (stmt, 9));
  item->reject_code = _qd_col_dup (stmt, 10);
  item->reject_message = _qd_col_dup (stmt, 11);
  return item;
}

static const char SQL_UNCLAIM_ALL[] =
  "UPDATE outbox SET state = 'pending', claim_owner = NULL, claim_expiry = NULL "
  "WHERE state = 'claimed' AND (?1 IS NULL OR claim_owner = ?1)";
static const char SQL_ORDERS_UNSEND[] =
  "UPDATE orders SET status = 'queued' WHERE is_local = 1 AND status = 'sending' "
  "AND (?1 IS NULL OR id IN (SELECT entity_id FROM outbox WHERE type = 'order.submit' "
  "AND state = 'claimed' AND claim_owner = ?1))";
static const char SQL_REPORTS_UNSEND[] =
  "UPDATE stock_reports SET status = 'queued' WHERE is_local = 1 AND status = 'sending' "
  "AND (?1 IS NULL OR id IN (SELECT entity_id FROM outbox WHERE type = 'stock_report.submit' "
  "AND state = 'claimed' AND claim_owner = ?1))";

/* Rows due now whose entity has no earlier mutation still waiting (a cancel never overtakes
 * the submit of its order). */
static const char SQL_CLAIM_SELECT[] =
  "SELECT " OUTBOX_COLUMNS " FROM outbox AS o "
  "WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 "
  "AND NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.entity_id = o.entity_id "
  "  AND e.seq < o.seq AND (e.state = 'claimed' "
  "  OR (e.state = 'pending' AND e.next_attempt_at > ?1))) "
  "ORDER BY o.seq LIMIT ?2";
static const char SQL_CLAIM_ROW[] =
  "UPDATE outbox SET state = 'claimed', claim_owner = ?2, claim_expiry = ?3 WHERE seq = ?1";
static const char SQL_CLAIM_EXTEND[] =
  "UPDATE outbox SET claim_expiry = ?2 WHERE state = 'claimed' AND claim_owner = ?1";
static const char SQL_ORDER_SENDING[] =
  "UPDATE orders SET status = 'sending' WHERE id = ?1 AND is_local = 1 AND status = 'queued'";
static const char SQL_REPORT_SENDING[] =
  "UPDATE stock_reports SET status = 'sending' WHERE id = ?1 AND is_local = 1 "
  "AND status = 'queued'";

static gboolean
unclaim (QdStore     *self,
         const char  *owner,
         GError     **error)
{
  /* Local entities first: their UPDATE looks at the rows still claimed. */
  static const char *const sqls[] = { SQL_ORDERS_UNSEND, SQL_REPORTS_UNSEND, SQL_UNCLAIM_ALL };

  for (guint i = 0; i < G_N_ELEMENTS (sqls); i++)
    {
      sqlite3_stmt *stmt = _qd_store_stmt (self, sqls[i], error);

      if (stmt == NULL)
        return FALSE;
      _qd_bind_text (stmt, 1, owner);
      if (!_qd_store_step_done (self, stmt, error))
        return FALSE;
    }
  /* The orders back in the queue were not sent after all. */
  return _qd_store_history_unsent (self, NULL, error);
}

/* ---- who holds the lease ---------------------------------------------------------------- */

/* The start time of process @pid in clock ticks since boot (field 22 of /proc/PID/stat) and
 * its state letter; FALSE when it cannot be read. */
static gboolean
proc_stat (const char *pid,
           guint64    *out_start,
           char       *out_state)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  /* The command name (field 2) may hold spaces and parentheses: go past its last ')'. */
  p = strrchr (text, ')');
  if (p == NULL)
    return FALSE;
  fields = g_strsplit (p + 1, " ", 25);
  /* fields[0] is empty (the space after ')'), [1] the state (field 3), [20] field 22. */
  if (g_strv_length (fields) < 22)
    return FALSE;
  *out_state = fields[1][0];
  *out_start = g_ascii_strtoull (fields[20], NULL, 10);
  return TRUE;
}

static char *
boot_id (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &text, NULL, NULL))
    return NULL;
  return g_strstrip (g_steal_pointer (&text));
}

/* The PID namespace of this process ("pid:[4026531836]"): pids name processes only within
 * one. Two sandboxes (say the app and the CLI in separate Flatpak sandboxes sharing the
 * data) share host name and boot id but not their pid numbering. */
static char *
pid_namespace (void)
{
  return g_file_read_link ("/proc/self/ns/pid", NULL);
}

/* "HOST BOOT-ID PID-NAMESPACE PID START" of this process, or NULL where it cannot be told
 * (no /proc). Looked up at every claim (a few small reads of /proc), not cached: a forked
 * child must not name its parent. */
static char *
this_process (void)
{
  g_autofree char *boot = boot_id ();
  g_autofree char *ns = pid_namespace ();
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  guint64 start = 0;
  char state = 0;

  if (boot == NULL || ns == NULL || strchr (ns, ' ') != NULL || !proc_stat (pid, &start, &state))
    return NULL;
  return g_strdup_printf ("%s %s %s %s %" G_GUINT64_FORMAT, g_get_host_name (), boot, ns, pid,
                          start);
}

/* Whether the process named by @holder ("HOST BOOT-ID PID-NAMESPACE PID START", see
 * this_process()) is certainly gone. Only a process of this host is judged: after a reboot
 * of this host as gone; on the same boot, only in our own PID namespace, by its pid and
 * start time. Anything else (another namespace, an older form) waits for the lease. */
static gboolean
holder_is_gone (const char *holder)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *boot = NULL;
  g_autofree char *ns = NULL;
  guint64 start = 0;
  char state = 0;
  gint64 pid;

  if (holder == NULL)
    return FALSE;
  parts = g_strsplit (holder, " ", 5);
  if (g_strv_length (parts) != 5 || strcmp (parts[0], g_get_host_name ()) != 0)
    return FALSE;
  boot = boot_id ();
  if (boot == NULL)
    return FALSE;
  if (strcmp (parts[1], boot) != 0)
    return TRUE;    /* this host was rebooted since */
  ns = pid_namespace ();
  if (ns == NULL || strcmp (parts[2], ns) != 0)
    return FALSE;   /* its pid means another process here */
  pid = g_ascii_strtoll (parts[3], NULL, 10);
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (pid == getpid ())
    return FALSE;   /* this very process: another QdStore of it holds the lease */
  if (kill ((pid_t) pid, 0) < 0 && errno == ESRCH)
    return TRUE;
  if (!proc_stat (parts[3], &start, &state))
    return FALSE;   /* alive (kill said so) but hidden from us: trust the lease */
  /* Killed but not yet reaped by its parent (it holds nothing any more), or the pid was
   * reused by a process that started at another time. */
  return state == 'Z' || state == 'X' || start != g_ascii_strtoull (parts[4], NULL, 10);
}

/**
 * qd_store_outbox_claim:
 * @owner: a unique id of the draining process (e.g. a UUID made at startup)
 * @max_items: the most rows to hand out (a batch)
 * @now_ms: the current Unix time in milliseconds
 * @lease_ms: how long the lease lasts; claim again (even with no rows) to extend it
 *
 * Claims the pending rows that are due, oldest first, marking queued orders `sending`.
 *
 * Returns: (transfer full) (element-type QdOutboxItem): the claimed rows (maybe none), or
 *   %NULL with %QD_STORE_ERROR_BUSY when another owner holds an unexpired lease (a lease
 *   whose holding process is known to be gone is taken over at once)
 */
GPtrArray *
qd_store_outbox_claim (QdStore     *self,
                       const char  *owner,
                       guint        max_items,
                       gint64       now_ms,
                       gint64       lease_ms,
                       GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) qd_outbox_item_free);
  g_autofree char *holder = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *me = NULL;
  char buf[32];
  sqlite3_stmt *stmt;
  gint64 expiry = now_ms + lease_ms;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (owner != NULL && *owner != '\0', NULL);
  g_return_val_if_fail (!self->in_page, NULL);

  if (!_qd_store_begin (self, error))
    return NULL;

  holder = qd_store_dup_meta (self, "outbox_owner");
  until_text = qd_store_dup_meta (self, "outbox_lease_until");
  if (holder != NULL && strcmp (holder, owner) != 0)
    {
      gint64 until = until_text != NULL ? g_ascii_strtoll (until_text, NULL, 10) : 0;

      g_autofree char *process = qd_store_dup_meta (self, "outbox_owner_process");

      if (until > now_ms && holder_is_gone (process))
        g_debug ("the outbox lease of %s is taken over: its process (%s) is gone", holder,
                 process);
      else if (until > now_ms)
        {
          _qd_store_rollback (self);
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY,
                       _("Another Qudao program is sending the waiting changes."));
          return NULL;
        }
    }
  if (holder == NULL || strcmp (holder, owner) != 0)
    {
      /* Taking over (or starting): whatever an earlier owner claimed is pending again. */
      if (!unclaim (self, NULL, error))
        goto fail;
    }

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, expiry);
  me = this_process ();
  if (!_qd_store_set_meta_in_tx (self, "outbox_owner", owner, error)
      || !_qd_store_set_meta_in_tx (self, "outbox_lease_until", buf, error)
      || !_qd_store_set_meta_in_tx (self, "outbox_owner_process", me, error))
    goto fail;

  stmt = _qd_store_stmt (self, SQL_CLAIM_EXTEND, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, owner, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, expiry);
  if (!_qd_store_step_done (self, stmt, error))
    goto fail;

  if (max_items > 0)
    {
      stmt = _qd_store_stmt (self, SQL_CLAIM_SELECT, error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, now_ms);
      sqlite3_bind_int64 (stmt, 2, max_items);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (items, item_from_row (stmt));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          _qd_store_db_error (self, rc, error);
          goto fail;
        }
    }

  for (guint i = 0; i < items->len; i++)
    {
      QdOutboxItem *item = g_ptr_array_index (items, i);
      const char *local_sql = NULL;

      stmt = _qd_store_stmt (self, SQL_CLAIM_ROW, error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, item->seq);
      sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, expiry);
      if (!_qd_store_step_done (self, stmt, error))
        goto fail;
      item->state = QD_OUTBOX_CLAIMED;

      if (g_strcmp0 (item->type, "order.submit") == 0)
        local_sql = SQL_ORDER_SENDING;
      else if (g_strcmp0 (item->type, "stock_report.submit") == 0)
        local_sql = SQL_REPORT_SENDING;
      if (local_sql != NULL && item->entity_id != NULL)
        {
          stmt = _qd_store_stmt (self, local_sql, error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_text (stmt, 1, item->entity_id, -1, SQLITE_STATIC);
          if (!_qd_store_step_done (self, stmt, error))
            goto fail;
          /* An order that just left the queue is sent now (the first attempt, or again
           * after a failed one took its step back). */
          if (local_sql == SQL_ORDER_SENDING
              && sqlite3_changes (_qd_store_get_db (self)) > 0
              && !_qd_store_history_local (self, item->entity_id, "sent", error))
            goto fail;
        }
    }

  if (!_qd_store_commit (self, error))
    return NULL;
  return g_steal_pointer (&items);

fail:
  _qd_store_rollback (self);
  return NULL;
}

/**
 * qd_store_outbox_release:
 *
 * Gives up @owner's lease (at the end of a push, or when cancelled): rows it still holds
 * become pending again. Does nothing when @owner does not hold the lease.
 */
gboolean
qd_store_outbox_release (QdStore     *self,
                         const char  *owner,
                         GError     **error)
{
  g_autofree char *holder = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (owner != NULL, FALSE);

  if (!_qd_store_begin (self, error))
    return FALSE;
  holder = qd_store_dup_meta (self, "outbox_owner");
  if (g_strcmp0 (holder, owner) == 0)
    {
      if (!unclaim (self, owner, error)
          || !_qd_store_set_meta_in_tx (self, "outbox_owner", NULL, error)
          || !_qd_store_set_meta_in_tx (self, "outbox_lease_until", NULL, error)
          || !_qd_store_set_meta_in_tx (self, "outbox_owner_process", NULL, error))
        {
          _qd_store_rollback (self);
          return FALSE;
        }
    }
  return _qd_store_commit (self, error);
}

static const char SQL_ROW_BY_ID[] =
  "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1";

static QdOutboxItem *
lookup (QdStore     *self,
        const char  *mutation_id,
        GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_ROW_BY_ID, error);
  QdOutboxItem *item = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    item = item_from_row (stmt);
  else if (rc != SQLITE_DONE)
    _qd_store_db_error (self, rc, error);
  sqlite3_reset (stmt);
  return item;
}

static gboolean
exec_with_id (QdStore     *self,
              const char  *sql,
              const char  *id,
              GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  _qd_bind_text (stmt, 1, id);
  return _qd_store_step_done (self, stmt, error);
}

static const char SQL_OUTBOX_DELETE[] = "DELETE FROM outbox WHERE id = ?1";
static const char SQL_LOCAL_ORDER_DROP[] =
  "DELETE FROM orders WHERE id = ?1 AND is_local = 1";
static const char SQL_LOCAL_REPORT_DROP[] =
  "DELETE FROM stock_reports WHERE id = ?1 AND is_local = 1";
static const char SQL_LOCAL_ORDER_SUBMITTED[] =
  "UPDATE orders SET status = 'submitted', is_local = 0 WHERE id = ?1 AND is_local = 1";
static const char SQL_LOCAL_REPORT_SUBMITTED[] =
  "UPDATE stock_reports SET status = 'submitted', is_local = 0 WHERE id = ?1 AND is_local = 1";

static QdEntityKinds
kind_of_type (const char *type)
{
  if (g_str_has_prefix (type, "order."))
    return QD_ENTITY_KIND_ORDER;
  if (g_str_has_prefix (type, "stock_report."))
    return QD_ENTITY_KIND_STOCK_REPORT;
  if (g_str_has_prefix (type, "statement."))
    return QD_ENTITY_KIND_STATEMENT;
  return QD_ENTITY_KIND_NONE;
}

/**
 * qd_store_outbox_applied:
 * @mutation_id: the mutation the server applied
 * @entity: (nullable): the `entity` of the result (an order, report or statement)
 * @out_changed: (out) (optional): the kinds this changed
 *
 * Records an `applied` (or duplicate) result: the local entity is replaced by the server's
 * and the row removed, in one transaction. Malformed @entity rolls everything back.
 */
gboolean
qd_store_outbox_applied (QdStore        *self,
                         const char     *mutation_id,
                         JsonObject     *entity,
                         QdEntityKinds  *out_changed,
                         GError        **error)
{
  g_autoptr(QdOutboxItem) item = NULL;
  g_autoptr(GError) local_error = NULL;
  QdEntityKinds kind;
  QdEntityKinds changed = QD_ENTITY_KIND_OUTBOX;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (out_changed != NULL)
    *out_changed = QD_ENTITY_KIND_NONE;
  if (!_qd_store_begin (self, error))
    return FALSE;

  item = lookup (self, mutation_id, &local_error);
  if (item == NULL)
    {
      _qd_store_rollback (self);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;   /* already recorded, by us or by a process that took over */
    }

  kind = kind_of_type (item->type);
  if (entity != NULL && kind != QD_ENTITY_KIND_NONE)
    {
      const char *id = NULL;
      JsonNode *id_node = json_object_get_member (entity, "id");

      if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node)
          && json_node_get_value_type (id_node) == G_TYPE_STRING)
        id = json_node_get_string (id_node);
      if (id == NULL)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("The server's answer to %s %s has an entity without an “id”."),
                       item->type, mutation_id);
          goto fail;
        }

      /* The local order or report this mutation created gives way to the server's. */
      if (item->entity_id != NULL && strcmp (item->entity_id, id) != 0)
        {
          if (kind == QD_ENTITY_KIND_ORDER
              && (!_qd_store_history_move (self, item->entity_id, id, error)
                  || !exec_with_id (self, SQL_LOCAL_ORDER_DROP, item->entity_id, error)))
            goto fail;
          if (kind == QD_ENTITY_KIND_STOCK_REPORT
              && !exec_with_id (self, SQL_LOCAL_REPORT_DROP, item->entity_id, error))
            goto fail;
        }
      if (!_qd_store_apply_entity (self, kind, "upsert", id, entity, error))
        {
          g_prefix_error (error, _("The server's answer to %s %s: "), item->type, mutation_id);
          goto fail;
        }
      changed |= kind;
    }
  else if (item->entity_id != NULL)
    {
      /* No entity in the answer: at least the order or report is no longer just local. */
      if (g_strcmp0 (item->type, "order.submit") == 0
          && (!exec_with_id (self, SQL_LOCAL_ORDER_SUBMITTED, item->entity_id, error)
              || !_qd_store_history_server_order (self, item->entity_id, error)))
        goto fail;
      if (g_strcmp0 (item->type, "stock_report.submit") == 0
          && !exec_with_id (self, SQL_LOCAL_REPORT_SUBMITTED, item->entity_id, error))
        goto fail;
      changed |= kind;
    }

  if (!exec_with_id (self, SQL_OUTBOX_DELETE, mutation_id, error))
    goto fail;
  if (!_qd_store_commit (self, error))
    return FALSE;
  if (out_changed != NULL)
    *out_changed = changed;
  return TRUE;

fail:
  _qd_store_rollback (self);
  return FALSE;
}

static const char SQL_OUTBOX_REJECT[] =
  "UPDATE outbox SET state = 'rejected', reject_code = ?2, reject_message = ?3, "
  "claim_owner = NULL, claim_expiry = NULL WHERE id = ?1";
static const char SQL_ORDER_REJECT[] =
  "UPDATE orders SET status = 'rejected', reject_code = ?2, reject_message = ?3 "
  "WHERE id = ?1 AND is_local = 1";
static const char SQL_REPORT_REJECT[] =
  "UPDATE stock_reports SET status = 'rejected', reject_code = ?2, reject_message = ?3 "
  "WHERE id = ?1 AND is_local = 1";

static gboolean
exec_reject (QdStore     *self,
             const char  *sql,
             const char  *id,
             const char  *code,
             const char  *message,
             GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  _qd_bind_text (stmt, 1, id);
  _qd_bind_text (stmt, 2, code);
  _qd_bind_text (stmt, 3, message);
  return _qd_store_step_done (self, stmt, error);
}

/**
 * qd_store_outbox_rejected:
 * @code: the server's error code ("credit_limit_exceeded")
 * @message: (nullable): the server's message
 *
 * Records a `rejected` result: the row stays, marked, until the user discards it or edits
 * and resubmits; a local order or report it created is marked rejected. Other rows are not
 * held up by it.
 */
gboolean
qd_store_outbox_rejected (QdStore     *self,
                          const char  *mutation_id,
                          const char  *code,
                          const char  *message,
                          GError     **error)
{
  g_autoptr(QdOutboxItem) item = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (!_qd_store_begin (self, error))
    return FALSE;
  item = lookup (self, mutation_id, &local_error);
  if (item == NULL)
    {
      _qd_store_rollback (self);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }

  if (!exec_reject (self, SQL_OUTBOX_REJECT, mutation_id, code, message, error))
    goto fail;
  if (g_strcmp0 (item->type, "order.submit") == 0
      && (!exec_reject (self, SQL_ORDER_REJECT, item->entity_id, code, message, error)
          || (sqlite3_changes (_qd_store_get_db (self)) > 0
              && !_qd_store_history_local (self, item->entity_id, "rejected", error))))
    goto fail;
  if (g_strcmp0 (item->type, "stock_report.submit") == 0
      && !exec_reject (self, SQL_REPORT_REJECT, item->entity_id, code, message, error))
    goto fail;
  return _qd_store_commit (self, error);

fail:
  _qd_store_rollback (self);
  return FALSE;
}

static const char SQL_OUTBOX_RETRY[] =
  "UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_attempt_at = ?2, "
  "last_error = ?3, claim_owner = NULL, claim_expiry = NULL "
  "WHERE id = ?1 AND state <> 'rejected'";
static const char SQL_ORDER_REQUEUE[] =
  "UPDATE orders SET status = 'queued' WHERE id = ?1 AND is_local = 1 AND status = 'sending'";
static const char SQL_REPORT_REQUEUE[] =
  "UPDATE stock_reports SET status = 'queued' WHERE id = ?1 AND is_local = 1 "
  "AND status = 'sending'";

/**
 * qd_store_outbox_retry_later:
 * @next_attempt_at_ms: when the row is due again (the engine's backoff)
 * @error_message: (nullable): what went wrong, for the sync centre
 *
 * Records an unknown outcome (network error, timeout, 5xx): the row is pending again with
 * attempts + 1, to be retried with the same mutation id.
 */
gboolean
qd_store_outbox_retry_later (QdStore     *self,
                             const char  *mutation_id,
                             gint64       next_attempt_at_ms,
                             const char  *error_message,
                             GError     **error)
{
  g_autoptr(QdOutboxItem) item = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (!_qd_store_begin (self, error))
    return FALSE;
  item = lookup (self, mutation_id, &local_error);
  if (item == NULL)
    {
      _qd_store_rollback (self);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }

  stmt = _qd_store_stmt (self, SQL_OUTBOX_RETRY, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, next_attempt_at_ms);
  _qd_bind_text (stmt, 3, error_message);
  if (!_qd_store_step_done (self, stmt, error))
    goto fail;
  if (g_strcmp0 (item->type, "order.submit") == 0
      && (!exec_with_id (self, SQL_ORDER_REQUEUE, item->entity_id, error)
          || !_qd_store_history_unsent (self, item->entity_id, error)))
    goto fail;
  if (g_strcmp0 (item->type, "stock_report.submit") == 0
      && !exec_with_id (self, SQL_REPORT_REQUEUE, item->entity_id, error))
    goto fail;
  return _qd_store_commit (self, error);

fail:
  _qd_store_rollback (self);
  return FALSE;
}

static const char SQL_AUDIT_INSERT[] =
  "INSERT INTO local_audit (at, action, mutation_id, mutation_type, entity_id, reject_code,"
  " reject_message, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static gboolean
add_audit_note (QdStore            *self,
                const char         *action,
                const QdOutboxItem *item,
                GError            **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_AUDIT_INSERT, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
  _qd_bind_text (stmt, 2, action);
  _qd_bind_text (stmt, 3, item->id);
  _qd_bind_text (stmt, 4, item->type);
  _qd_bind_text (stmt, 5, item->entity_id);
  _qd_bind_text (stmt, 6, item->reject_code);
  _qd_bind_text (stmt, 7, item->reject_message);
  _qd_bind_text (stmt, 8, item->payload);
  return _qd_store_step_done (self, stmt, error);
}

/**
 * qd_store_outbox_discard:
 *
 * Removes a rejected row for good, with the rejected local order or report it created,
 * and writes a note of it to the local audit log (qd_store_list_audit_notes()) in the same
 * transaction: the type, the entity, the payload and the server's reason stay known to
 * the dealer and to support after the change itself is gone. Only rejected rows can be
 * discarded (%QD_STORE_ERROR_STATE otherwise).
 */
gboolean
qd_store_outbox_discard (QdStore     *self,
                         const char  *mutation_id,
                         GError     **error)
{
  g_autoptr(QdOutboxItem) item = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  if (!_qd_store_begin (self, error))
    return FALSE;
  item = lookup (self, mutation_id, &local_error);
  if (item == NULL)
    {
      _qd_store_rollback (self);
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                     _("There is no waiting change %s."), mutation_id);
      return FALSE;
    }
  if (item->state != QD_OUTBOX_REJECTED)
    {
      _qd_store_rollback (self);
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("Only a change the server rejected can be discarded."));
      return FALSE;
    }

  if (!exec_with_id (self, SQL_OUTBOX_DELETE, mutation_id, error)
      || !add_audit_note (self, "discard", item, error))
    goto fail;
  if (g_strcmp0 (item->type, "order.submit") == 0
      && !exec_with_id (self, SQL_LOCAL_ORDER_DROP, item->entity_id, error))
    goto fail;
  if (g_strcmp0 (item->type, "stock_report.submit") == 0
      && !exec_with_id (self, SQL_LOCAL_REPORT_DROP, item->entity_id, error))
    goto fail;
  return _qd_store_commit (self, error);

fail:
  _qd_store_rollback (self);
  return FALSE;
}

/**
 * qd_store_outbox_retry_now:
 *
 * Makes every pending row due at once ("Retry now" in the sync centre).
 */
gboolean
qd_store_outbox_retry_now (QdStore  *self,
                           GError  **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);

  return _qd_store_exec (self,
                         "UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'",
                         error);
}

static const char SQL_OUTBOX_LIST[] = "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY seq";

/**
 * qd_store_outbox_list:
 *
 * Returns: (transfer full) (element-type QdOutboxItem): every row, oldest first
 */
GPtrArray *
qd_store_outbox_list (QdStore  *self,
                      GError  **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) qd_outbox_item_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  stmt = _qd_store_stmt (self, SQL_OUTBOX_LIST, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, item_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&items);
}

static const char SQL_OUTBOX_COUNT[] = "SELECT count(*) FROM outbox WHERE state = ?1";

/**
 * qd_store_outbox_count:
 *
 * Returns: the number of rows in @state (%QD_OUTBOX_PENDING counts claimed rows too: both
 *   are still waiting to be sent)
 */
guint
qd_store_outbox_count (QdStore       *self,
                       QdOutboxState  state)
{
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (QD_IS_STORE (self), 0);

  stmt = _qd_store_stmt (self, SQL_OUTBOX_COUNT, NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, state_to_text (state), -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  if (state == QD_OUTBOX_PENDING)
    count += qd_store_outbox_count (self, QD_OUTBOX_CLAIMED);
  return count;
}

static const char SQL_OUTBOX_NEXT_DUE[] =
  "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'";

/**
 * qd_store_outbox_next_due:
 *
 * Returns: the earliest next attempt time (Unix ms) of a pending row, or -1 when none is
 *   pending
 */
gint64
qd_store_outbox_next_due (QdStore *self)
{
  sqlite3_stmt *stmt;
  gint64 due = -1;

  g_return_val_if_fail (QD_IS_STORE (self), -1);

  stmt = _qd_store_stmt (self, SQL_OUTBOX_NEXT_DUE, NULL);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    due = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return due;
}

/**
 * qd_store_outbox_begin_results:
 *
 * Starts one transaction for the results of a batch: until
 * qd_store_outbox_end_results(), qd_store_outbox_applied(), _rejected() and
 * _retry_later() each run in a savepoint of it, so a batch of 500 answers costs one
 * commit (one fsync) instead of 500. A crash before the end loses the recording of the
 * whole batch, which is safe: the rows are sent again and the server answers repeats with
 * its first answer.
 */
gboolean
qd_store_outbox_begin_results (QdStore  *self,
                               GError  **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_page && !self->in_results, FALSE);

  if (!_qd_store_begin (self, error))
    return FALSE;
  self->in_results = TRUE;
  return TRUE;
}

/**
 * qd_store_outbox_end_results:
 * @commit: %FALSE to drop everything recorded since qd_store_outbox_begin_results()
 */
gboolean
qd_store_outbox_end_results (QdStore   *self,
                             gboolean   commit,
                             GError   **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_results, FALSE);

  self->in_results = FALSE;
  if (sqlite3_get_autocommit (self->db))
    {
      /* SQLite rolled the whole transaction back (disk full, I/O error). */
      if (commit)
        return _qd_store_db_error (self, SQLITE_ABORT, error);
      return TRUE;
    }
  if (!commit)
    {
      _qd_store_rollback (self);
      return TRUE;
    }
  return _qd_store_commit (self, error);
}

/* ---- the local audit log ---------------------------------------------------------------- */

void
qd_audit_note_free (QdAuditNote *note)
{
  if (note == NULL)
    return;
  g_free (note->action);
  g_free (note->mutation_id);
  g_free (note->mutation_type);
  g_free (note->entity_id);
  g_free (note->reject_code);
  g_free (note->reject_message);
  g_free (note->payload);
  g_free (note);
}

static const char SQL_AUDIT_LIST[] =
  "SELECT id, at, action, mutation_id, mutation_type, entity_id, reject_code, reject_message,"
  " payload FROM local_audit ORDER BY at DESC, id DESC LIMIT ?1";

/**
 * qd_store_list_audit_notes:
 * @limit: at most this many notes (0: all)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type QdAuditNote): the local audit log, newest first,
 *   or %NULL on error
 */
GPtrArray *
qd_store_list_audit_notes (QdStore  *self,
                           guint     limit,
                           GError  **error)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func ((GDestroyNotify) qd_audit_note_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  stmt = _qd_store_stmt (self, SQL_AUDIT_LIST, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (sqlite3_int64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdAuditNote *note = g_new0 (QdAuditNote, 1);

      note->id = sqlite3_column_int64 (stmt, 0);
      note->at = sqlite3_column_int64 (stmt, 1);
      note->action = _qd_col_dup (stmt, 2);
      note->mutation_id = _qd_col_dup (stmt, 3);
      note->mutation_type = _qd_col_dup (stmt, 4);
      note->entity_id = _qd_col_dup (stmt, 5);
      note->reject_code = _qd_col_dup (stmt, 6);
      note->reject_message = _qd_col_dup (stmt, 7);
      note->payload = _qd_col_dup (stmt, 8);
      g_ptr_array_add (notes, note);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&notes);
}
