/* qd-server-storage-sqlite.c — the storage interface on SQLite
 *
 * One write connection (used by one thread at a time: the writer thread) and one read
 * connection per thread that reads. WAL lets the readers run beside the writer; every
 * read of the feed runs inside one read transaction so that it sees one snapshot.
 * synchronous=FULL makes every COMMIT durable across power loss; the server batches many
 * requests into one transaction so that one fsync serves many of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-storage.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "qd-enum-types.h"

G_DEFINE_QUARK (qd-server-error-quark, qd_server_error)

#define RESOURCE_SQL "/io/github/qudao/server/sql/"

/* The numbered migrations, in order: migration N brings user_version to N. */
static const char * const migrations[] = {
  "001-initial.sql",
  "002-mutation-results.sql",
};
#define N_MIGRATIONS ((int) G_N_ELEMENTS (migrations))

typedef struct
{
  sqlite3    *db;
  GHashTable *stmts;  /* const char *sql (by address) → sqlite3_stmt* */
} Conn;

struct _QdServerStorage
{
  char       *path;
  Conn       *writer;
  GMutex      readers_lock;
  GHashTable *readers;  /* GThread* → Conn* */
  GBytes     *secret;
  gint64      horizon;
  /* The newest seq of the change log that has committed (after each commit, atomic). */
  gint64      head_seq;

  /* The checkpointer thread copies the WAL into the database beside the writer, which
   * otherwise did it inside a COMMIT every 16,384 pages (a tenth of its time under load). */
  GThread    *checkpointer;
  GMutex      ckpt_lock;
  GCond       ckpt_cond;
  gboolean    ckpt_wanted;
  gboolean    ckpt_stop;
};

/* WAL size (pages) from which the checkpointer is woken, and from which the writer
 * checkpoints itself, in case the checkpointer never catches up with a steady load: the
 * WAL restarts from its beginning only once everything in it has been copied. Waking it
 * at 8,192 rather than 1,024 pages wrote 10% fewer bytes per mutation (a page changed by
 * many commits is copied once) at the same rate. */
#define CHECKPOINT_SOFT_PAGES 8192
#define CHECKPOINT_HARD_PAGES 16384

struct _QdServerTxn
{
  QdServerStorage *storage;
  Conn            *conn;
  gboolean         bulk;  /* a bulk load: derived tables are rebuilt at the end */
  /* "entity\x1fid" → NULL: entities to log just before COMMIT (qd_server_txn_log_at_commit) */
  GHashTable      *log_at_commit;
};

static gboolean run_row (QdServerTxn *txn, sqlite3_stmt *stmt, QdServerEntity entity,
                         JsonObject *row, const char *what, GError **error);
static gboolean row_exists (QdServerTxn *txn, const char *exists_sql, const char *id,
                            gboolean *out_exists, GError **error);

static void
txn_free (QdServerTxn *txn)
{
  g_clear_pointer (&txn->log_at_commit, g_hash_table_unref);
  g_free (txn);
}

static gboolean flush_log_at_commit (QdServerTxn *txn, GError **error);

/* ---------------------------------------------------------------------------------- */
/* SQL                                                                                  */

static const char SQL_GET_META[] = "SELECT value FROM meta WHERE key = ?1";
static const char SQL_PUT_META[] =
  "INSERT INTO meta (key, value) VALUES (?1, ?2) "
  "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char SQL_IS_EMPTY[] = "SELECT NOT EXISTS (SELECT 1 FROM users)";
static const char SQL_PRUNE_TOMBSTONES[] =
  "DELETE FROM changes WHERE op = 'delete' AND changed_at <= ?1 RETURNING seq";

static const char SQL_FIND_USER[] =
  "SELECT u.id, u.username, u.name, u.role, u.dealer_id, d.level, u.password_hash, "
  "       u.disabled, d.region_id "
  "FROM users u LEFT JOIN dealers d ON d.id = u.dealer_id WHERE u.username = ?1";
static const char SQL_FIND_SESSION[] =
  "SELECT u.id, u.username, u.name, u.role, u.dealer_id, d.level, s.expires_at, d.region_id "
  "FROM sessions s JOIN users u ON u.id = s.user_id "
  "LEFT JOIN dealers d ON d.id = u.dealer_id "
  "WHERE s.token_hash = ?1 AND u.disabled = 0";
static const char SQL_USER_REGIONS[] =
  "SELECT region_id FROM user_regions WHERE user_id = ?1 ORDER BY region_id";

#define FEED_COLUMNS "SELECT seq, entity, entity_id, op, data FROM changes "
static const char SQL_FEED_ADMIN[] =
  FEED_COLUMNS "WHERE seq > ?1 ORDER BY seq LIMIT ?2";
static const char SQL_FEED_DEALER[] =
  FEED_COLUMNS "WHERE seq > ?1 AND ((dealer_id IS NULL AND (level IS NULL OR level = ?3)) "
  "OR dealer_id = ?4) ORDER BY seq LIMIT ?2";
static const char SQL_FEED_MANAGER[] =
  FEED_COLUMNS "WHERE seq > ?1 AND (dealer_id IS NULL OR region_id IN "
  "(SELECT region_id FROM user_regions WHERE user_id = ?3)) ORDER BY seq LIMIT ?2";
/* Must match the index of migration 001 (the bulk load drops and rebuilds it). */
static const char SQL_DROP_CHANGES_INDEX[] = "DROP INDEX changes_by_entity";
static const char SQL_CREATE_CHANGES_INDEX[] =
  "CREATE UNIQUE INDEX changes_by_entity ON changes (entity, entity_id)";
static const char SQL_MAX_SEQ[] = "SELECT coalesce(max(seq), 0) FROM changes";

#define ENTITY_COLUMNS "SELECT data FROM changes WHERE entity = ?1 AND entity_id = ?2 " \
  "AND op = 'upsert' "
static const char SQL_ENTITY_ADMIN[] = ENTITY_COLUMNS;
static const char SQL_ENTITY_DEALER[] =
  ENTITY_COLUMNS "AND ((dealer_id IS NULL AND (level IS NULL OR level = ?3)) OR dealer_id = ?4)";
static const char SQL_ENTITY_MANAGER[] =
  ENTITY_COLUMNS "AND (dealer_id IS NULL OR region_id IN "
  "(SELECT region_id FROM user_regions WHERE user_id = ?3))";
static const char SQL_LOG_DELETE[] =
  "INSERT OR REPLACE INTO changes (entity, entity_id, op, dealer_id, level, region_id, data, "
  "changed_at) SELECT entity, entity_id, 'delete', dealer_id, level, region_id, NULL, "
  "unixepoch () FROM changes WHERE entity = ?1 AND entity_id = ?2";
static const char SQL_DELETE_PRICE[] = "DELETE FROM prices WHERE id = ?1";
static const char SQL_DELETE_TARGET[] = "DELETE FROM targets WHERE id = ?1";
static const char SQL_RENDER[] =
  "SELECT data FROM changes WHERE entity = ?1 AND entity_id = ?2 AND op = 'upsert'";

static const char SQL_AUDIT_READ[] =
  "SELECT id, at, user_id, username, address, action, target, before, after, detail "
  "FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2";
static const char SQL_AUDIT_INSERT[] =
  "INSERT INTO audit (at, user_id, username, address, action, target, before, after, detail) "
  "VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/* An applied result is its audit entry's after-image (append-only, so it stays what was
 * answered) plus `extra`; a rejection keeps its whole answer in `result` (migration 002). */
static const char SQL_FIND_MUTATION[] =
  "SELECT m.user_id, m.body_hash, m.result, a.after, m.extra "
  "FROM mutations m LEFT JOIN audit a ON a.id = m.audit_id WHERE m.id = ?1";
static const char SQL_RECORD_MUTATION[] =
  "INSERT INTO mutations (id, user_id, body_hash, result, applied_at) "
  "VALUES (?1, ?2, ?3, ?4, unixepoch ())";
static const char SQL_RECORD_APPLIED[] =
  "INSERT INTO mutations (id, user_id, body_hash, audit_id, extra, applied_at) "
  "VALUES (?1, ?2, ?3, ?4, ?5, unixepoch ())";

/* Savepoints as prepared statements: a batch opens and releases hundreds of them. */
static const char SQL_SAVEPOINT[] = "SAVEPOINT m";
static const char SQL_RELEASE[] = "RELEASE m";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO m";

static const char SQL_CREATE_SESSION[] =
  "INSERT INTO sessions (token_hash, user_id, device, created_at, expires_at) "
  "VALUES (?1, ?2, ?3, unixepoch (), ?4)";
static const char SQL_TOUCH_SESSION[] =
  "UPDATE sessions SET expires_at = max (expires_at, ?2) WHERE token_hash = ?1";
static const char SQL_DELETE_SESSION[] = "DELETE FROM sessions WHERE token_hash = ?1";
/* Without a password an existing user keeps theirs (NOT NULL is checked before the
 * upsert, hence the subquery); a new one fails NOT NULL, answered as REQUIRED. */
static const char SQL_PUT_USER[] =
  "INSERT INTO users (id, username, name, role, dealer_id, password_hash) "
  "VALUES (?1, ?2, ?3, ?4, ?5, coalesce (?6, (SELECT password_hash FROM users WHERE id = ?1))) "
  "ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name, "
  "role = excluded.role, dealer_id = excluded.dealer_id, "
  "password_hash = coalesce (excluded.password_hash, password_hash)";
static const char SQL_CLEAR_USER_REGIONS[] = "DELETE FROM user_regions WHERE user_id = ?1";
static const char SQL_ADD_USER_REGION[] =
  "INSERT INTO user_regions (user_id, region_id) VALUES (?1, ?2)";
static const char SQL_SET_PASSWORD[] =
  "UPDATE users SET password_hash = ?2 WHERE username = ?1";
static const char SQL_SET_DISABLED[] = "UPDATE users SET disabled = ?2 WHERE username = ?1";
static const char SQL_REVOKE_USER_SESSIONS[] =
  "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?1)";

static const char SQL_GET_DEALER[] =
  "SELECT id, level, region_id, credit_limit_fen, hold_threshold_fen, ledger_fen, "
  "open_orders_fen, active FROM dealers WHERE id = ?1";
static const char SQL_GET_PRODUCT[] =
  "SELECT id, pack_size, max_line_qty, lot_tracked, active FROM products WHERE id = ?1";
static const char SQL_GET_PRICE[] =
  "SELECT unit_price_fen FROM prices WHERE product_id = ?1 AND dealer_id = ?2 "
  "UNION ALL SELECT unit_price_fen FROM prices WHERE product_id = ?1 AND level = ?3 LIMIT 1";
static const char SQL_SUM_ORDERED[] =
  "SELECT coalesce (sum (qty), 0) FROM order_history "
  "WHERE dealer_id = ?1 AND product_id = ?2 AND month >= substr (?3, 1, 7)";
static const char SQL_ADD_HISTORY[] =
  "INSERT INTO order_history (dealer_id, product_id, month, qty) "
  "SELECT dealer_id, product_id, substr (created_at, 1, 7), ?2 * qty FROM order_lines "
  "WHERE order_id = ?1 AND true "
  "ON CONFLICT (dealer_id, product_id, month) DO UPDATE SET qty = qty + excluded.qty";
static const char SQL_REBUILD_HISTORY[] =
  "DELETE FROM order_history; "
  "INSERT INTO order_history (dealer_id, product_id, month, qty) "
  "SELECT l.dealer_id, l.product_id, substr (l.created_at, 1, 7), sum (l.qty) "
  "FROM order_lines l JOIN orders o ON o.id = l.order_id "
  "WHERE o.status NOT IN ('cancelled', 'rejected') "
  "GROUP BY l.dealer_id, l.product_id, substr (l.created_at, 1, 7)";
/* Two statements rather than an upsert with RETURNING, which builds a temporary table for
 * its rows on every call: a counter advances once per order. */
static const char SQL_BUMP_COUNTER[] =
  "INSERT INTO counters (name, value) VALUES (?1, 1) "
  "ON CONFLICT (name) DO UPDATE SET value = value + 1";
static const char SQL_GET_COUNTER[] = "SELECT value FROM counters WHERE name = ?1";
static const char SQL_GET_ORDER[] =
  "SELECT id, number, dealer_id, status, created_at, client_order_id, note, requested_date, "
  "total_fen, held_reason, shipped_at FROM orders WHERE id = ?1";
#define STATEMENT_COLUMNS "SELECT id, dealer_id, period, version, status, opening_balance_fen, " \
  "closing_balance_fen FROM statements "
static const char SQL_GET_STATEMENT[] = STATEMENT_COLUMNS "WHERE id = ?1";
static const char SQL_FIND_STATEMENT[] = STATEMENT_COLUMNS "WHERE dealer_id = ?1 AND period = ?2";
static const char SQL_STATEMENT_HAS_LINE[] =
  "SELECT EXISTS (SELECT 1 FROM statement_lines WHERE statement_id = ?1 AND line_id = ?2)";
static const char SQL_CLOSING_BALANCE[] =
  "SELECT closing_balance_fen FROM statements WHERE dealer_id = ?1 AND period = ?2";
static const char SQL_LEDGER_BEFORE[] =
  "SELECT coalesce ((SELECT sum (total_fen) FROM orders WHERE dealer_id = ?1 "
  "                  AND status IN ('shipped', 'completed') AND shipped_at < ?2), 0) "
  "     - coalesce ((SELECT sum (amount_fen) FROM payments WHERE dealer_id = ?1 "
  "                  AND date < ?2), 0) "
  "     + coalesce ((SELECT sum (amount_fen) FROM adjustments WHERE dealer_id = ?1 "
  "                  AND date < ?2), 0) "
  "     + coalesce ((SELECT sum (l.amount_fen) FROM statement_lines l "
  "                  JOIN statements s ON s.id = l.statement_id "
  "                  WHERE s.dealer_id = ?1 AND l.kind = 'rebate' AND l.date < ?2), 0)";
static const char SQL_PERIOD_LINES[] =
  "SELECT kind, date, ref, amount_fen FROM ("
  " SELECT 'invoice' AS kind, substr (shipped_at, 1, 10) AS date, number AS ref, "
  "        total_fen AS amount_fen FROM orders WHERE dealer_id = ?1 "
  "        AND status IN ('shipped', 'completed') AND shipped_at >= ?2 AND shipped_at < ?3 "
  " UNION ALL SELECT 'payment', date, ref, -amount_fen FROM payments "
  "        WHERE dealer_id = ?1 AND date >= ?2 AND date < ?3 "
  " UNION ALL SELECT 'adjustment', date, ref, amount_fen FROM adjustments "
  "        WHERE dealer_id = ?1 AND date >= ?2 AND date < ?3) "
  "ORDER BY date, kind, ref";
static const char SQL_INVOICED_BETWEEN[] =
  "SELECT coalesce (sum (total_fen), 0) FROM orders WHERE dealer_id = ?1 "
  "AND status IN ('shipped', 'completed') AND shipped_at >= ?2 AND shipped_at < ?3";
static const char SQL_REBATE_TIERS[] =
  "SELECT tiers FROM rebate_policies WHERE level = ?1 AND period = ?2";

static const char SQL_INSERT_ORDER[] =
  "INSERT INTO orders (id, number, dealer_id, status, created_at, client_order_id, note, "
  "requested_date, total_fen, held_reason, shipped_at) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char SQL_INSERT_ORDER_LINE[] =
  "INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price_fen, total_fen, "
  "dealer_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_SET_ORDER_STATUS[] =
  "UPDATE orders SET status = ?2, shipped_at = coalesce (?3, shipped_at) WHERE id = ?1";
static const char SQL_ADD_OPEN_ORDERS[] =
  "UPDATE dealers SET open_orders_fen = open_orders_fen + ?2 WHERE id = ?1";
static const char SQL_SET_CREDIT_LIMIT[] =
  "UPDATE dealers SET credit_limit_fen = ?2 WHERE id = ?1";
static const char SQL_RECOMPUTE_DEALER[] =
  "UPDATE dealers SET "
  " ledger_fen = coalesce ((SELECT sum (total_fen) FROM orders WHERE dealer_id = ?1 "
  "                         AND status IN ('shipped', 'completed')), 0) "
  "            - coalesce ((SELECT sum (amount_fen) FROM payments WHERE dealer_id = ?1), 0) "
  "            + coalesce ((SELECT sum (amount_fen) FROM adjustments WHERE dealer_id = ?1), 0) "
  "            + coalesce ((SELECT sum (l.amount_fen) FROM statement_lines l "
  "                         JOIN statements s ON s.id = l.statement_id "
  "                         WHERE s.dealer_id = ?1 AND l.kind = 'rebate'), 0), "
  " open_orders_fen = coalesce ((SELECT sum (total_fen) FROM orders WHERE dealer_id = ?1 "
  "                              AND status IN ('submitted', 'held', 'approved')), 0) "
  "WHERE id = ?1";
static const char SQL_INSERT_STOCK_REPORT[] =
  "INSERT INTO stock_reports (id, dealer_id, as_of, created_at) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_INSERT_STOCK_LINE[] =
  "INSERT INTO stock_report_lines (report_id, line_no, product_id, qty, lot, expiry) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_SET_STATEMENT_STATUS[] = "UPDATE statements SET status = ?2 WHERE id = ?1";
static const char SQL_DISPUTE_LINE[] =
  "UPDATE statement_lines SET disputed_reason = ?3 WHERE statement_id = ?1 AND line_id = ?2";
static const char SQL_PUT_STATEMENT[] =
  "INSERT INTO statements (id, dealer_id, period, version, status, opening_balance_fen, "
  "closing_balance_fen, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
  "ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status, "
  "opening_balance_fen = excluded.opening_balance_fen, "
  "closing_balance_fen = excluded.closing_balance_fen, issued_at = excluded.issued_at";
static const char SQL_CLEAR_STATEMENT_LINES[] =
  "DELETE FROM statement_lines WHERE statement_id = ?1";
static const char SQL_INSERT_STATEMENT_LINE[] =
  "INSERT INTO statement_lines (statement_id, line_id, line_no, date, kind, ref, amount_fen) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/* Admin-managed rows: bound by parameter name from a validated JSON object. */
static const char SQL_PUT_REGION[] =
  "INSERT INTO regions (id, name) VALUES (:id, :name) "
  "ON CONFLICT (id) DO UPDATE SET name = excluded.name";
static const char SQL_PUT_DEALER[] =
  "INSERT INTO dealers (id, name, level, parent_id, region_id, credit_limit_fen, "
  "hold_threshold_fen, active) VALUES (:id, :name, :level, :parent_id, :region_id, "
  ":credit_limit_fen, :hold_threshold_fen, :active) "
  "ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, "
  "parent_id = excluded.parent_id, region_id = excluded.region_id, "
  "credit_limit_fen = excluded.credit_limit_fen, "
  "hold_threshold_fen = excluded.hold_threshold_fen, active = excluded.active";
static const char SQL_PUT_PRODUCT[] =
  "INSERT INTO products (id, sku, name, spec, category, unit, pack_size, max_line_qty, "
  "barcode, mnemonic, lot_tracked, active) VALUES (:id, :sku, :name, :spec, :category, "
  ":unit, :pack_size, :max_line_qty, :barcode, :mnemonic, :lot_tracked, :active) "
  "ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, name = excluded.name, "
  "spec = excluded.spec, category = excluded.category, unit = excluded.unit, "
  "pack_size = excluded.pack_size, max_line_qty = excluded.max_line_qty, "
  "barcode = excluded.barcode, mnemonic = excluded.mnemonic, "
  "lot_tracked = excluded.lot_tracked, active = excluded.active";
static const char SQL_PUT_PRICE[] =
  "INSERT INTO prices (id, product_id, level, dealer_id, unit_price_fen) "
  "VALUES (:id, :product_id, :level, :dealer_id, :unit_price_fen) "
  "ON CONFLICT (id) DO UPDATE SET unit_price_fen = excluded.unit_price_fen";
static const char SQL_PUT_TARGET[] =
  "INSERT INTO targets (id, dealer_id, period, amount_fen) "
  "VALUES (:id, :dealer_id, :period, :amount_fen) "
  "ON CONFLICT (id) DO UPDATE SET amount_fen = excluded.amount_fen";
static const char SQL_PUT_REBATE_POLICY[] =
  "INSERT INTO rebate_policies (id, level, period, tiers) "
  "VALUES (:id, :level, :period, :tiers) "
  "ON CONFLICT (id) DO UPDATE SET tiers = excluded.tiers";
static const char SQL_PUT_PAYMENT[] =
  "INSERT INTO payments (id, dealer_id, date, amount_fen, method, ref) "
  "VALUES (:id, :dealer_id, :date, :amount_fen, :method, :ref)";
/* Which reference of a refused row points at nothing. */
static const char SQL_DEALER_EXISTS[] = "SELECT EXISTS (SELECT 1 FROM dealers WHERE id = ?1)";
static const char SQL_REGION_EXISTS[] = "SELECT EXISTS (SELECT 1 FROM regions WHERE id = ?1)";
static const char SQL_PRODUCT_EXISTS[] = "SELECT EXISTS (SELECT 1 FROM products WHERE id = ?1)";

static const char SQL_PUT_ADJUSTMENT[] =
  "INSERT INTO adjustments (id, dealer_id, date, amount_fen, ref) "
  "VALUES (:id, :dealer_id, :date, :amount_fen, :ref)";

/* The change log. Each entity renders its feed object with SQLite's JSON functions; the
 * same SELECT serves one entity (WHERE id = ?1) and a bulk load (all of them). */
#define LOG_INSERT \
  "INSERT OR REPLACE INTO changes (entity, entity_id, op, dealer_id, level, region_id, " \
  "data, changed_at) "
#define BOOL(x) "json (CASE WHEN " x " THEN 'true' ELSE 'false' END)"

#define REGION_SELECT \
  "SELECT 'region', r.id, 'upsert', NULL, NULL, NULL, " \
  "json_object ('id', r.id, 'name', r.name), unixepoch () FROM regions r "
#define DEALER_SELECT \
  "SELECT 'dealer', d.id, 'upsert', d.id, NULL, d.region_id, " \
  "json_object ('id', d.id, 'name', d.name, 'level', d.level, 'parent_id', d.parent_id, " \
  "'region_id', d.region_id, 'credit_limit_fen', d.credit_limit_fen, " \
  "'balance_fen', d.ledger_fen, 'open_orders_fen', d.open_orders_fen, " \
  "'available_credit_fen', d.credit_limit_fen - d.ledger_fen - d.open_orders_fen, " \
  "'active', " BOOL ("d.active") "), unixepoch () FROM dealers d "
#define PRODUCT_SELECT \
  "SELECT 'product', p.id, 'upsert', NULL, NULL, NULL, " \
  "json_object ('id', p.id, 'sku', p.sku, 'name', p.name, 'spec', p.spec, " \
  "'category', p.category, 'unit', p.unit, 'pack_size', p.pack_size, " \
  "'max_line_qty', p.max_line_qty, 'barcode', p.barcode, 'mnemonic', p.mnemonic, " \
  "'lot_tracked', " BOOL ("p.lot_tracked") ", 'active', " BOOL ("p.active") "), " \
  "unixepoch () FROM products p "
#define PRICE_SELECT \
  "SELECT 'price', p.id, 'upsert', p.dealer_id, p.level, d.region_id, " \
  "json_object ('id', p.id, 'product_id', p.product_id, 'level', p.level, " \
  "'dealer_id', p.dealer_id, 'unit_price_fen', p.unit_price_fen), unixepoch () " \
  "FROM prices p LEFT JOIN dealers d ON d.id = p.dealer_id "
#define ORDER_SELECT \
  "SELECT 'order', o.id, 'upsert', o.dealer_id, NULL, d.region_id, " \
  "json_object ('id', o.id, 'number', o.number, 'dealer_id', o.dealer_id, " \
  "'status', o.status, 'created_at', o.created_at, 'client_order_id', o.client_order_id, " \
  "'note', o.note, 'requested_date', o.requested_date, 'lines', " \
  "(SELECT json_group_array (json_object ('product_id', l.product_id, 'qty', l.qty, " \
  "  'unit_price_fen', l.unit_price_fen, 'total_fen', l.total_fen)) " \
  "  FROM (SELECT * FROM order_lines WHERE order_id = o.id ORDER BY line_no) l), " \
  "'total_fen', o.total_fen, 'held_reason', o.held_reason, 'shipped_at', o.shipped_at), " \
  "unixepoch () FROM orders o JOIN dealers d ON d.id = o.dealer_id "
#define STOCK_REPORT_SELECT \
  "SELECT 'stock_report', r.id, 'upsert', r.dealer_id, NULL, d.region_id, " \
  "json_object ('id', r.id, 'dealer_id', r.dealer_id, 'as_of', r.as_of, 'lines', " \
  "(SELECT json_group_array (json_object ('product_id', l.product_id, 'qty', l.qty, " \
  "  'lot', l.lot, 'expiry', l.expiry)) " \
  "  FROM (SELECT * FROM stock_report_lines WHERE report_id = r.id ORDER BY line_no) l)), " \
  "unixepoch () FROM stock_reports r JOIN dealers d ON d.id = r.dealer_id "
#define STATEMENT_SELECT \
  "SELECT 'statement', s.id, 'upsert', s.dealer_id, NULL, d.region_id, " \
  "json_object ('id', s.id, 'dealer_id', s.dealer_id, 'period', s.period, " \
  "'version', s.version, 'status', s.status, " \
  "'opening_balance_fen', s.opening_balance_fen, " \
  "'closing_balance_fen', s.closing_balance_fen, 'issued_at', s.issued_at, 'lines', " \
  "(SELECT json_group_array (json_object ('line_id', l.line_id, 'date', l.date, " \
  "  'kind', l.kind, 'ref', l.ref, 'amount_fen', l.amount_fen, " \
  "  'disputed_reason', l.disputed_reason)) " \
  "  FROM (SELECT * FROM statement_lines WHERE statement_id = s.id ORDER BY line_no) l)), " \
  "unixepoch () FROM statements s JOIN dealers d ON d.id = s.dealer_id "
#define REBATE_POLICY_SELECT \
  "SELECT 'rebate_policy', p.id, 'upsert', NULL, p.level, NULL, " \
  "json_object ('id', p.id, 'level', p.level, 'period', p.period, 'tiers', json (p.tiers)), " \
  "unixepoch () FROM rebate_policies p "
#define TARGET_SELECT \
  "SELECT 'target', t.id, 'upsert', t.dealer_id, NULL, d.region_id, " \
  "json_object ('id', t.id, 'dealer_id', t.dealer_id, 'period', t.period, " \
  "'amount_fen', t.amount_fen), unixepoch () " \
  "FROM targets t JOIN dealers d ON d.id = t.dealer_id "
#define PAYMENT_SELECT \
  "SELECT 'payment', p.id, 'upsert', p.dealer_id, NULL, d.region_id, " \
  "json_object ('id', p.id, 'dealer_id', p.dealer_id, 'date', p.date, " \
  "'amount_fen', p.amount_fen, 'method', p.method, 'ref', p.ref), unixepoch () " \
  "FROM payments p JOIN dealers d ON d.id = p.dealer_id "

typedef struct
{
  const char *name;
  const char *log_one;
  const char *log_all;
  const char *put;
} EntityInfo;

static const EntityInfo entities[QD_SERVER_N_ENTITIES] = {
  [QD_SERVER_ENTITY_REGION] = { "region", LOG_INSERT REGION_SELECT "WHERE r.id = ?1",
                                LOG_INSERT REGION_SELECT "ORDER BY r.id", SQL_PUT_REGION },
  [QD_SERVER_ENTITY_DEALER] = { "dealer", LOG_INSERT DEALER_SELECT "WHERE d.id = ?1",
                                LOG_INSERT DEALER_SELECT "ORDER BY d.id", SQL_PUT_DEALER },
  [QD_SERVER_ENTITY_PRODUCT] = { "product", LOG_INSERT PRODUCT_SELECT "WHERE p.id = ?1",
                                 LOG_INSERT PRODUCT_SELECT "ORDER BY p.id", SQL_PUT_PRODUCT },
  [QD_SERVER_ENTITY_PRICE] = { "price", LOG_INSERT PRICE_SELECT "WHERE p.id = ?1",
                               LOG_INSERT PRICE_SELECT "ORDER BY p.id", SQL_PUT_PRICE },
  [QD_SERVER_ENTITY_ORDER] = { "order", LOG_INSERT ORDER_SELECT "WHERE o.id = ?1",
                               LOG_INSERT ORDER_SELECT "ORDER BY o.created_at, o.id", NULL },
  [QD_SERVER_ENTITY_STOCK_REPORT] = { "stock_report",
                                      LOG_INSERT STOCK_REPORT_SELECT "WHERE r.id = ?1",
                                      LOG_INSERT STOCK_REPORT_SELECT "ORDER BY r.id", NULL },
  [QD_SERVER_ENTITY_STATEMENT] = { "statement", LOG_INSERT STATEMENT_SELECT "WHERE s.id = ?1",
                                   LOG_INSERT STATEMENT_SELECT "ORDER BY s.period, s.id", NULL },
  [QD_SERVER_ENTITY_REBATE_POLICY] = { "rebate_policy",
                                       LOG_INSERT REBATE_POLICY_SELECT "WHERE p.id = ?1",
                                       LOG_INSERT REBATE_POLICY_SELECT "ORDER BY p.id",
                                       SQL_PUT_REBATE_POLICY },
  [QD_SERVER_ENTITY_TARGET] = { "target", LOG_INSERT TARGET_SELECT "WHERE t.id = ?1",
                                LOG_INSERT TARGET_SELECT "ORDER BY t.id", SQL_PUT_TARGET },
  [QD_SERVER_ENTITY_PAYMENT] = { "payment", LOG_INSERT PAYMENT_SELECT "WHERE p.id = ?1",
                                 LOG_INSERT PAYMENT_SELECT "ORDER BY p.id", SQL_PUT_PAYMENT },
  [QD_SERVER_ENTITY_ADJUSTMENT] = { "adjustment", NULL, NULL, SQL_PUT_ADJUSTMENT },
};

const char *
qd_server_entity_name (QdServerEntity entity)
{
  g_return_val_if_fail (entity < QD_SERVER_N_ENTITIES, NULL);
  return entities[entity].name;
}

/* ---------------------------------------------------------------------------------- */
/* Connections and statements                                                           */

static gboolean
set_db_error (GError **error,
              sqlite3  *db,
              int       rc,
              const char *what)
{
  int code = QD_SERVER_ERROR_FAILED;
  int ext = db != NULL ? sqlite3_extended_errcode (db) : rc;

  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
    code = QD_SERVER_ERROR_CONFLICT;
  else if ((rc & 0xff) == SQLITE_CONSTRAINT)
    code = QD_SERVER_ERROR_INVALID;

  g_set_error (error, QD_SERVER_ERROR, code, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

static void
conn_free (Conn *conn)
{
  if (conn == NULL)
    return;
  g_hash_table_unref (conn->stmts);
  sqlite3_close_v2 (conn->db);
  g_free (conn);
}

static Conn *
conn_open (const char  *path,
           gboolean     writer,
           GError     **error)
{
  g_autoptr(GError) local = NULL;
  Conn *conn = g_new0 (Conn, 1);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc;

  conn->stmts = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sqlite3_finalize);
  if (writer)
    flags |= SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (path, &conn->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG,
                   "cannot open database %s: %s", path,
                   conn->db ? sqlite3_errmsg (conn->db) : sqlite3_errstr (rc));
      conn_free (conn);
      return NULL;
    }

  sqlite3_extended_result_codes (conn->db, 1);
  sqlite3_busy_timeout (conn->db, 10000);

  /* Writers hold the lock for a whole batch; readers never wait on them in WAL mode. */
  rc = sqlite3_exec (conn->db,
                     writer ? "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                              "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; "
                              "PRAGMA journal_size_limit = 67108864; "
                              "PRAGMA temp_store = MEMORY;"
                            : "PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384;",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (error, conn->db, rc, "cannot configure the database");
      g_prefix_error (error, "%s: ", path);
      if (error != NULL && *error != NULL)
        (*error)->code = QD_SERVER_ERROR_CONFIG;
      conn_free (conn);
      return NULL;
    }

  return conn;
}

/* A cached prepared statement, reset and unbound, keyed by the address of its constant. */
static sqlite3_stmt *
prep (Conn        *conn,
      const char  *sql,
      GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->stmts, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (error, conn->db, rc, "cannot prepare a statement");
      return NULL;
    }
  g_hash_table_insert (conn->stmts, (gpointer) sql, stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           i,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
}

static char *
col_dup (sqlite3_stmt *stmt,
         int           i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

/* Steps a statement that returns no row (or whose rows do not matter). */
static gboolean
run (Conn          *conn,
     sqlite3_stmt  *stmt,
     const char    *what,
     GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, conn->db, rc, what);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* Steps to the first row: TRUE with *found. */
static gboolean
step_row (Conn          *conn,
          sqlite3_stmt  *stmt,
          gboolean      *found,
          const char    *what,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      return TRUE;
    }
  *found = FALSE;
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }
  set_db_error (error, conn->db, rc, what);
  sqlite3_reset (stmt);
  return FALSE;
}

static gboolean
exec (Conn        *conn,
      const char  *sql,
      GError     **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (conn->db, sql, NULL, NULL, &msg);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_FAILED, "%s", msg ? msg : "?");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

static Conn *
reader (QdServerStorage  *storage,
        GError          **error)
{
  GThread *self = g_thread_self ();
  Conn *conn;

  g_mutex_lock (&storage->readers_lock);
  conn = g_hash_table_lookup (storage->readers, self);
  g_mutex_unlock (&storage->readers_lock);
  if (conn != NULL)
    return conn;

  conn = conn_open (storage->path, FALSE, error);
  if (conn == NULL)
    return NULL;

  g_mutex_lock (&storage->readers_lock);
  g_hash_table_insert (storage->readers, self, conn);
  g_mutex_unlock (&storage->readers_lock);
  return conn;
}

void
qd_server_storage_release_thread (QdServerStorage *storage)
{
  g_return_if_fail (storage != NULL);

  g_mutex_lock (&storage->readers_lock);
  g_hash_table_remove (storage->readers, g_thread_self ());
  g_mutex_unlock (&storage->readers_lock);
}

/* ---------------------------------------------------------------------------------- */
/* Opening                                                                              */

static gboolean
migrate (Conn    *conn,
         GError **error)
{
  sqlite3_stmt *stmt;
  gboolean found;
  int version;

  stmt = prep (conn, "PRAGMA user_version", error);
  if (stmt == NULL || !step_row (conn, stmt, &found, "cannot read the schema version", error))
    return FALSE;
  version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  if (version > N_MIGRATIONS)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG,
                   "the database has schema version %d, newer than this qudao-server (%d)",
                   version, N_MIGRATIONS);
      return FALSE;
    }

  for (int v = version + 1; v <= N_MIGRATIONS; v++)
    {
      g_autofree char *name = g_strconcat (RESOURCE_SQL, migrations[v - 1], NULL);
      g_autoptr(GBytes) sql = g_resources_lookup_data (name, 0, error);
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v);

      if (sql == NULL)
        return FALSE;
      if (!exec (conn, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (conn, g_bytes_get_data (sql, NULL), error) ||
          !exec (conn, set_version, error) ||
          !exec (conn, "COMMIT", error))
        {
          g_prefix_error (error, "migration %d failed: ", v);
          exec (conn, "ROLLBACK", NULL);
          return FALSE;
        }
      g_debug ("migrated the database to version %d", v);
    }
  return TRUE;
}

static char *
get_meta (Conn        *conn,
          const char  *key,
          GError     **error)
{
  sqlite3_stmt *stmt = prep (conn, SQL_GET_META, error);
  gboolean found;
  char *value;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (!step_row (conn, stmt, &found, "cannot read meta", error))
    return NULL;
  if (!found)
    return g_strdup ("");
  value = col_dup (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static gboolean
put_meta (Conn        *conn,
          const char  *key,
          const char  *value,
          GError     **error)
{
  sqlite3_stmt *stmt = prep (conn, SQL_PUT_META, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  return run (conn, stmt, "cannot write meta", error);
}


/* Publishes the newest seq of the change log (writer connection, committed data). */
static gboolean
read_head_seq (QdServerStorage  *storage,
               GError          **error)
{
  sqlite3_stmt *stmt = prep (storage->writer, SQL_MAX_SEQ, error);
  gboolean found;
  gint64 head;

  if (stmt == NULL ||
      !step_row (storage->writer, stmt, &found, "cannot read the feed end", error))
    return FALSE;
  head = found ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  __atomic_store_n (&storage->head_seq, head, __ATOMIC_RELEASE);
  return TRUE;
}

gint64
qd_server_storage_get_head_seq (QdServerStorage *storage)
{
  g_return_val_if_fail (storage != NULL, G_MAXINT64);

  return __atomic_load_n (&storage->head_seq, __ATOMIC_ACQUIRE);
}

/* Runs on the writer after each commit (sqlite3_wal_hook; it replaces the automatic
 * checkpoint). */
static int
wal_hook_cb (void       *data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  QdServerStorage *storage = data;

  if (pages >= CHECKPOINT_HARD_PAGES)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  else if (pages >= CHECKPOINT_SOFT_PAGES)
    {
      g_mutex_lock (&storage->ckpt_lock);
      storage->ckpt_wanted = TRUE;
      g_cond_signal (&storage->ckpt_cond);
      g_mutex_unlock (&storage->ckpt_lock);
    }
  return SQLITE_OK;
}

static gpointer
checkpointer_thread (gpointer data)
{
  QdServerStorage *storage = data;
  g_autoptr(GError) error = NULL;
  Conn *conn = conn_open (storage->path, FALSE, &error);

  if (conn == NULL)
    g_warning ("no checkpointer: %s", error->message);

  g_mutex_lock (&storage->ckpt_lock);
  for (;;)
    {
      while (!storage->ckpt_wanted && !storage->ckpt_stop)
        g_cond_wait (&storage->ckpt_cond, &storage->ckpt_lock);
      if (storage->ckpt_stop)
        break;
      storage->ckpt_wanted = FALSE;
      g_mutex_unlock (&storage->ckpt_lock);
      /* PASSIVE: copies what no reader still needs, never waits on the writer or readers. */
      if (conn != NULL)
        sqlite3_wal_checkpoint_v2 (conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      g_mutex_lock (&storage->ckpt_lock);
    }
  g_mutex_unlock (&storage->ckpt_lock);
  conn_free (conn);
  return NULL;
}

static gboolean
load_state (QdServerStorage  *storage,
            GError          **error)
{
  Conn *conn = storage->writer;
  g_autofree char *secret_hex = NULL;
  g_autofree char *horizon = NULL;
  if (!exec (conn, "BEGIN IMMEDIATE", error))
    return FALSE;

  secret_hex = get_meta (conn, "cursor_secret", error);
  if (secret_hex == NULL)
    goto fail;
  if (secret_hex[0] == '\0')
    {
      guint8 key[32];
      char hex[65];

      randombytes_buf (key, sizeof key);
      sodium_bin2hex (hex, sizeof hex, key, sizeof key);
      sodium_memzero (key, sizeof key);
      if (!put_meta (conn, "cursor_secret", hex, error))
        goto fail;
      g_free (secret_hex);
      secret_hex = g_strdup (hex);
    }
  {
    guint8 key[32];
    size_t len = 0;

    if (sodium_hex2bin (key, sizeof key, secret_hex, strlen (secret_hex), NULL, &len, NULL) != 0 ||
        len != sizeof key)
      {
        g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_FAILED,
                     "the stored cursor secret is corrupt");
        goto fail;
      }
    storage->secret = g_bytes_new (key, sizeof key);
    sodium_memzero (key, sizeof key);
  }

  horizon = get_meta (conn, "horizon_seq", error);
  if (horizon == NULL)
    goto fail;
  storage->horizon = g_ascii_strtoll (horizon, NULL, 10);
  if (!read_head_seq (storage, error))
    goto fail;

  return exec (conn, "COMMIT", error);

fail:
  exec (conn, "ROLLBACK", NULL);
  return FALSE;
}

QdServerStorage *
qd_server_storage_open (const char  *data_dir,
                        GError     **error)
{
  g_autoptr(QdServerStorage) storage = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG,
                   "cannot create the data directory %s: %s", data_dir, g_strerror (saved));
      return NULL;
    }
  if (g_access (data_dir, W_OK) != 0)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFIG,
                   "the data directory %s is not writable", data_dir);
      return NULL;
    }

  /* SQLite's memory statistics take a global mutex around every allocation, which every
   * thread of the server then contends on; nothing here reads them. Only possible before
   * SQLite initialises (else SQLITE_MISUSE, harmless). */
  {
    static gsize configured = 0;

    if (g_once_init_enter (&configured))
      {
        sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
        g_once_init_leave (&configured, 1);
      }
  }

  storage = g_new0 (QdServerStorage, 1);
  storage->path = g_build_filename (data_dir, "qudao-server.db", NULL);
  g_mutex_init (&storage->readers_lock);
  storage->readers = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) conn_free);

  storage->writer = conn_open (storage->path, TRUE, error);
  if (storage->writer == NULL)
    return NULL;
  if (!migrate (storage->writer, error) || !load_state (storage, error))
    {
      g_prefix_error (error, "%s: ", storage->path);
      return NULL;
    }

  g_mutex_init (&storage->ckpt_lock);
  g_cond_init (&storage->ckpt_cond);
  storage->checkpointer = g_thread_new ("qd-checkpoint", checkpointer_thread, storage);
  sqlite3_wal_hook (storage->writer->db, wal_hook_cb, storage);

  return g_steal_pointer (&storage);
}

void
qd_server_storage_free (QdServerStorage *storage)
{
  if (storage == NULL)
    return;
  if (storage->checkpointer != NULL)
    {
      g_mutex_lock (&storage->ckpt_lock);
      storage->ckpt_stop = TRUE;
      g_cond_signal (&storage->ckpt_cond);
      g_mutex_unlock (&storage->ckpt_lock);
      g_thread_join (storage->checkpointer);
      g_mutex_clear (&storage->ckpt_lock);
      g_cond_clear (&storage->ckpt_cond);
    }
  g_clear_pointer (&storage->readers, g_hash_table_unref);
  g_mutex_clear (&storage->readers_lock);
  g_clear_pointer (&storage->writer, conn_free);
  g_clear_pointer (&storage->secret, g_bytes_unref);
  g_free (storage->path);
  g_free (storage);
}

gboolean
qd_server_storage_prune (QdServerStorage  *storage,
                         gint64            retention_seconds,
                         GError          **error)
{
  Conn *conn = storage->writer;
  sqlite3_stmt *stmt;
  gint64 pruned = 0;
  int rc;

  g_return_val_if_fail (storage != NULL, FALSE);

  if (!exec (conn, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prep (conn, SQL_PRUNE_TOMBSTONES, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC - retention_seconds);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    pruned = MAX (pruned, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, conn->db, rc, "cannot prune tombstones");
      goto fail;
    }
  /* A client whose cursor lies before a pruned tombstone would miss that delete. */
  if (pruned > storage->horizon)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, pruned);

      storage->horizon = pruned;
      if (!put_meta (conn, "horizon_seq", text, error))
        goto fail;
    }
  return exec (conn, "COMMIT", error);

fail:
  exec (conn, "ROLLBACK", NULL);
  return FALSE;
}

gboolean
qd_server_storage_checkpoint (QdServerStorage  *storage,
                              GError          **error)
{
  g_return_val_if_fail (storage != NULL, FALSE);

  return exec (storage->writer, "PRAGMA wal_checkpoint(TRUNCATE)", error);
}

gboolean
qd_server_storage_is_empty (QdServerStorage *storage)
{
  sqlite3_stmt *stmt;
  gboolean found, empty;

  g_return_val_if_fail (storage != NULL, FALSE);

  stmt = prep (storage->writer, SQL_IS_EMPTY, NULL);
  if (stmt == NULL || !step_row (storage->writer, stmt, &found, "", NULL) || !found)
    return FALSE;
  empty = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return empty;
}

GBytes *
qd_server_storage_get_secret (QdServerStorage *storage)
{
  g_return_val_if_fail (storage != NULL, NULL);
  return g_bytes_ref (storage->secret);
}

gint64
qd_server_storage_get_horizon (QdServerStorage *storage)
{
  g_return_val_if_fail (storage != NULL, 0);
  return storage->horizon;
}

/* ---------------------------------------------------------------------------------- */
/* Users and sessions                                                                   */

void
qd_server_user_free (QdServerUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->username);
  g_free (user->name);
  g_free (user->dealer_id);
  g_free (user->dealer_level);
  g_strfreev (user->region_ids);
  g_free (user);
}

QdServerUser *
qd_server_user_copy (const QdServerUser *user)
{
  QdServerUser *copy;

  g_return_val_if_fail (user != NULL, NULL);

  copy = g_new0 (QdServerUser, 1);
  copy->id = g_strdup (user->id);
  copy->username = g_strdup (user->username);
  copy->name = g_strdup (user->name);
  copy->role = user->role;
  copy->dealer_id = g_strdup (user->dealer_id);
  copy->dealer_level = g_strdup (user->dealer_level);
  copy->region_ids = g_strdupv (user->region_ids);
  return copy;
}

JsonNode *
qd_server_user_to_json (const QdServerUser *user)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, user->id);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, user->username);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, user->name);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, qd_enum_to_string (QD_TYPE_USER_ROLE, user->role));
  if (user->dealer_id != NULL)
    {
      json_builder_set_member_name (b, "dealer_id");
      json_builder_add_string_value (b, user->dealer_id);
    }
  json_builder_set_member_name (b, "region_ids");
  json_builder_begin_array (b);
  for (guint i = 0; user->region_ids != NULL && user->region_ids[i] != NULL; i++)
    json_builder_add_string_value (b, user->region_ids[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Columns 0–5 are id, username, name, role, dealer_id, dealer level; @region_col the
 * dealer's region. Managers' regions come from user_regions. */
static QdServerUser *
user_from_row (Conn          *conn,
               sqlite3_stmt  *stmt,
               int            region_col,
               GError       **error)
{
  g_autoptr(QdServerUser) user = g_new0 (QdServerUser, 1);
  int role = QD_USER_ROLE_DEALER;

  user->id = col_dup (stmt, 0);
  user->username = col_dup (stmt, 1);
  user->name = col_dup (stmt, 2);
  if (!qd_enum_from_string (QD_TYPE_USER_ROLE, (const char *) sqlite3_column_text (stmt, 3),
                            &role, error))
    return NULL;
  user->role = role;
  user->dealer_id = col_dup (stmt, 4);
  user->dealer_level = col_dup (stmt, 5);

  if (user->role == QD_USER_ROLE_DEALER)
    {
      const char *region = (const char *) sqlite3_column_text (stmt, region_col);
      const char *regions[] = { region, NULL };

      user->region_ids = g_strdupv (region != NULL ? (char **) regions : (char *[]){ NULL });
    }
  else
    {
      sqlite3_stmt *rs = prep (conn, SQL_USER_REGIONS, error);
      g_autoptr(GStrvBuilder) sb = g_strv_builder_new ();
      int rc;

      if (rs == NULL)
        return NULL;
      sqlite3_bind_text (rs, 1, user->id, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (rs)) == SQLITE_ROW)
        g_strv_builder_add (sb, (const char *) sqlite3_column_text (rs, 0));
      sqlite3_reset (rs);
      if (rc != SQLITE_DONE)
        {
          set_db_error (error, conn->db, rc, "cannot read the user's regions");
          return NULL;
        }
      user->region_ids = g_strv_builder_end (sb);
    }

  return g_steal_pointer (&user);
}

QdServerUser *
qd_server_storage_find_user (QdServerStorage  *storage,
                             const char       *username,
                             char            **out_password_hash,
                             gboolean         *out_disabled,
                             GError          **error)
{
  Conn *conn = reader (storage, error);
  sqlite3_stmt *stmt;
  gboolean found;
  QdServerUser *user;

  if (conn == NULL || (stmt = prep (conn, SQL_FIND_USER, error)) == NULL)
    return NULL;
  bind_text (stmt, 1, username);
  if (!step_row (conn, stmt, &found, "cannot read the user", error))
    return NULL;
  if (!found)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND, "no such user");
      return NULL;
    }
  if (out_password_hash != NULL)
    *out_password_hash = col_dup (stmt, 6);
  if (out_disabled != NULL)
    *out_disabled = sqlite3_column_int (stmt, 7);
  /* user_from_row may run another statement: copy what we need first. */
  user = user_from_row (conn, stmt, 8, error);
  sqlite3_reset (stmt);
  return user;
}

QdServerUser *
qd_server_storage_find_session (QdServerStorage  *storage,
                                const guint8     *token_hash,
                                gsize             token_hash_len,
                                gint64           *out_expires_at,
                                GError          **error)
{
  Conn *conn = reader (storage, error);
  sqlite3_stmt *stmt;
  gboolean found;
  QdServerUser *user;

  if (conn == NULL || (stmt = prep (conn, SQL_FIND_SESSION, error)) == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, token_hash, token_hash_len, SQLITE_TRANSIENT);
  if (!step_row (conn, stmt, &found, "cannot read the session", error))
    return NULL;
  if (!found)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND, "no such session");
      return NULL;
    }
  *out_expires_at = sqlite3_column_int64 (stmt, 6);
  user = user_from_row (conn, stmt, 7, error);
  sqlite3_reset (stmt);
  return user;
}

/* ---------------------------------------------------------------------------------- */
/* The feed and reads by id                                                             */

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static sqlite3_stmt *
scoped (Conn               *conn,
        const QdServerUser *user,
        const char         *sql_admin,
        const char         *sql_dealer,
        const char         *sql_manager,
        GError            **error)
{
  sqlite3_stmt *stmt = NULL;

  switch (user->role)
    {
    case QD_USER_ROLE_ADMIN:
      stmt = prep (conn, sql_admin, error);
      break;
    case QD_USER_ROLE_DEALER:
      stmt = prep (conn, sql_dealer, error);
      if (stmt != NULL)
        {
          /* A dealer user without a dealer sees only the public catalog. */
          bind_text (stmt, 3, user->dealer_level ? user->dealer_level : "");
          bind_text (stmt, 4, user->dealer_id ? user->dealer_id : "");
        }
      break;
    case QD_USER_ROLE_MANAGER:
    default:
      stmt = prep (conn, sql_manager, error);
      if (stmt != NULL)
        bind_text (stmt, 3, user->id);
      break;
    }
  return stmt;
}

gboolean
qd_server_storage_read_changes (QdServerStorage    *storage,
                                const QdServerUser *user,
                                gint64              since,
                                guint               limit,
                                GString            *out,
                                guint              *out_count,
                                gint64             *out_cursor_seq,
                                gboolean           *out_has_more,
                                gint64             *out_head_seq,
                                GError            **error)
{
  Conn *conn = reader (storage, error);
  sqlite3_stmt *stmt;
  guint count = 0;
  gint64 last = since;
  gint64 head = 0;
  gboolean has_more = FALSE;
  int rc;

  if (conn == NULL)
    return FALSE;
  /* One snapshot for the page and for max(seq). */
  if (!exec (conn, "BEGIN", error))
    return FALSE;

  stmt = scoped (conn, user, SQL_FEED_ADMIN, SQL_FEED_DEALER, SQL_FEED_MANAGER, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, (gint64) limit + 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *data;

      if (count == limit)
        {
          has_more = TRUE;
          break;
        }
      last = sqlite3_column_int64 (stmt, 0);
      if (count > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"entity\":", last);
      append_json_string (out, (const char *) sqlite3_column_text (stmt, 1));
      g_string_append (out, ",\"op\":");
      append_json_string (out, (const char *) sqlite3_column_text (stmt, 3));
      g_string_append (out, ",\"id\":");
      append_json_string (out, (const char *) sqlite3_column_text (stmt, 2));
      data = (const char *) sqlite3_column_text (stmt, 4);
      if (data != NULL)
        {
          g_string_append (out, ",\"data\":");
          g_string_append (out, data);
        }
      g_string_append_c (out, '}');
      count++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_db_error (error, conn->db, rc, "cannot read the change feed");
      goto fail;
    }

  /* The global head, read in the same snapshot as the page: max(seq) is one lookup at the
   * end of the primary key, where the head of the caller's scope would cost a scan. It is
   * the client's progress total (cursor seqs are global too) and, at the end of the
   * caller's view, where the cursor jumps so that the next incremental poll scans nothing
   * the caller cannot see. Everything up to it is committed (the snapshot), so no change
   * is ever skipped. */
  {
    gboolean found;

    stmt = prep (conn, SQL_MAX_SEQ, error);
    if (stmt == NULL || !step_row (conn, stmt, &found, "cannot read the feed end", error))
      goto fail;
    head = found ? sqlite3_column_int64 (stmt, 0) : 0;
    sqlite3_reset (stmt);
  }
  if (!has_more)
    last = MAX (last, head);

  exec (conn, "COMMIT", NULL);
  *out_count = count;
  *out_cursor_seq = last;
  *out_has_more = has_more;
  *out_head_seq = MAX (head, last);
  return TRUE;

fail:
  exec (conn, "ROLLBACK", NULL);
  return FALSE;
}

char *
qd_server_storage_read_entity (QdServerStorage    *storage,
                               const QdServerUser *user,
                               QdServerEntity      entity,
                               const char         *id,
                               GError            **error)
{
  Conn *conn = reader (storage, error);
  sqlite3_stmt *stmt;
  gboolean found;
  char *data;

  g_return_val_if_fail (entity < QD_SERVER_N_ENTITIES, NULL);

  if (conn == NULL)
    return NULL;
  stmt = scoped (conn, user, SQL_ENTITY_ADMIN, SQL_ENTITY_DEALER, SQL_ENTITY_MANAGER, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, entities[entity].name);
  bind_text (stmt, 2, id);
  if (!step_row (conn, stmt, &found, "cannot read the entity", error))
    return NULL;
  if (!found)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND, "no such %s",
                   entities[entity].name);
      return NULL;
    }
  data = col_dup (stmt, 0);
  sqlite3_reset (stmt);
  return data;
}

static void
add_column (JsonBuilder  *b,
            sqlite3_stmt *stmt,
            int           i)
{
  json_builder_set_member_name (b, sqlite3_column_name (stmt, i));
  switch (sqlite3_column_type (stmt, i))
    {
    case SQLITE_NULL:
      json_builder_add_null_value (b);
      break;
    case SQLITE_INTEGER:
      json_builder_add_int_value (b, sqlite3_column_int64 (stmt, i));
      break;
    default:
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, i));
      break;
    }
}

JsonNode *
qd_server_storage_read_audit (QdServerStorage  *storage,
                              gint64            since,
                              guint             limit,
                              GError          **error)
{
  Conn *conn = reader (storage, error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL || (stmt = prep (conn, SQL_AUDIT_READ, error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit);

  json_builder_begin_array (b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (b);
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *name = sqlite3_column_name (stmt, i);

          /* before/after are JSON documents: embed them, not their text. */
          if ((g_str_equal (name, "before") || g_str_equal (name, "after")) &&
              sqlite3_column_type (stmt, i) == SQLITE_TEXT)
            {
              g_autoptr(JsonParser) parser = json_parser_new ();

              json_builder_set_member_name (b, name);
              if (json_parser_load_from_data (parser,
                                              (const char *) sqlite3_column_text (stmt, i),
                                              -1, NULL))
                json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
              else
                json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, i));
              continue;
            }
          add_column (b, stmt, i);
        }
      json_builder_end_object (b);
    }
  sqlite3_reset (stmt);
  json_builder_end_array (b);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, conn->db, rc, "cannot read the audit log");
      return NULL;
    }
  return json_builder_get_root (b);
}

/* ---------------------------------------------------------------------------------- */
/* Transactions                                                                         */

QdServerTxn *
qd_server_storage_begin (QdServerStorage  *storage,
                         GError          **error)
{
  QdServerTxn *txn;

  g_return_val_if_fail (storage != NULL, NULL);

  if (!exec (storage->writer, "BEGIN IMMEDIATE", error))
    return NULL;
  txn = g_new0 (QdServerTxn, 1);
  txn->storage = storage;
  txn->conn = storage->writer;
  return txn;
}

QdServerTxn *
qd_server_storage_begin_bulk (QdServerStorage  *storage,
                              GError          **error)
{
  QdServerTxn *txn;

  g_return_val_if_fail (storage != NULL, NULL);

  /* The loader writes consistent data; checking every reference of a million rows one
   * by one costs more than the load. (Only settable outside a transaction.) */
  if (!exec (storage->writer, "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144", error))
    return NULL;
  txn = qd_server_storage_begin (storage, error);
  if (txn == NULL)
    {
      exec (storage->writer, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536", NULL);
      return NULL;
    }
  txn->bulk = TRUE;
  return txn;
}

gboolean
qd_server_txn_commit (QdServerTxn  *txn,
                      GError      **error)
{
  gboolean ok;

  g_return_val_if_fail (txn != NULL, FALSE);

  ok = flush_log_at_commit (txn, error) && exec (txn->conn, "COMMIT", error);
  if (!ok)
    exec (txn->conn, "ROLLBACK", NULL);
  /* Only after the commit: a reader trusting the head must find everything up to it. */
  else if (!read_head_seq (txn->storage, NULL))
    __atomic_store_n (&txn->storage->head_seq, G_MAXINT64 - 1, __ATOMIC_RELEASE);
  if (txn->bulk)
    exec (txn->conn, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536", NULL);
  txn_free (txn);
  return ok;
}

void
qd_server_txn_rollback (QdServerTxn *txn)
{
  if (txn == NULL)
    return;
  exec (txn->conn, "ROLLBACK", NULL);
  if (txn->bulk)
    exec (txn->conn, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536", NULL);
  txn_free (txn);
}

static gboolean
run_sql (Conn        *conn,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = prep (conn, sql, error);

  return stmt != NULL && run (conn, stmt, sql, error);
}

gboolean
qd_server_txn_savepoint (QdServerTxn  *txn,
                         GError      **error)
{
  return run_sql (txn->conn, SQL_SAVEPOINT, error);
}

gboolean
qd_server_txn_release (QdServerTxn  *txn,
                       GError      **error)
{
  return run_sql (txn->conn, SQL_RELEASE, error);
}

void
qd_server_txn_rollback_savepoint (QdServerTxn *txn)
{
  if (!run_sql (txn->conn, SQL_ROLLBACK_TO, NULL) || !run_sql (txn->conn, SQL_RELEASE, NULL))
    g_debug ("a savepoint could not be rolled back; the transaction will be");
}

#define PREP(sql) \
  sqlite3_stmt *stmt = prep (txn->conn, (sql), error); \
  if (stmt == NULL) \
    return FALSE;

gboolean
qd_server_txn_find_mutation (QdServerTxn  *txn,
                             const char   *id,
                             gboolean     *out_found,
                             char        **out_user_id,
                             GBytes      **out_body_hash,
                             char        **out_result,
                             char        **out_entity,
                             char        **out_extra,
                             GError      **error)
{
  PREP (SQL_FIND_MUTATION);

  bind_text (stmt, 1, id);
  if (!step_row (txn->conn, stmt, out_found, "cannot read the mutation log", error))
    return FALSE;
  if (!*out_found)
    return TRUE;
  *out_user_id = col_dup (stmt, 0);
  *out_body_hash = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
  *out_result = col_dup (stmt, 2);
  *out_entity = col_dup (stmt, 3);
  *out_extra = col_dup (stmt, 4);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
qd_server_txn_record_mutation (QdServerTxn  *txn,
                               const char   *id,
                               const char   *user_id,
                               GBytes       *body_hash,
                               const char   *result,
                               GError      **error)
{
  gsize len;
  gconstpointer data = g_bytes_get_data (body_hash, &len);
  PREP (SQL_RECORD_MUTATION);

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, user_id);
  sqlite3_bind_blob (stmt, 3, data, len, SQLITE_TRANSIENT);
  bind_text (stmt, 4, result);
  return run (txn->conn, stmt, "cannot record the mutation", error);
}

gboolean
qd_server_txn_record_applied (QdServerTxn  *txn,
                              const char   *id,
                              const char   *user_id,
                              GBytes       *body_hash,
                              gint64        audit_id,
                              const char   *extra,
                              GError      **error)
{
  gsize len;
  gconstpointer data = g_bytes_get_data (body_hash, &len);
  PREP (SQL_RECORD_APPLIED);

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, user_id);
  sqlite3_bind_blob (stmt, 3, data, len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, audit_id);
  bind_text (stmt, 5, extra);
  return run (txn->conn, stmt, "cannot record the mutation", error);
}

gboolean
qd_server_txn_create_session (QdServerTxn   *txn,
                              const guint8  *token_hash,
                              gsize          token_hash_len,
                              const char    *user_id,
                              const char    *device,
                              gint64         expires_at,
                              GError       **error)
{
  PREP (SQL_CREATE_SESSION);

  sqlite3_bind_blob (stmt, 1, token_hash, token_hash_len, SQLITE_TRANSIENT);
  bind_text (stmt, 2, user_id);
  bind_text (stmt, 3, device);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  return run (txn->conn, stmt, "cannot create the session", error);
}

gboolean
qd_server_txn_touch_session (QdServerTxn   *txn,
                             const guint8  *token_hash,
                             gsize          token_hash_len,
                             gint64         expires_at,
                             GError       **error)
{
  PREP (SQL_TOUCH_SESSION);

  sqlite3_bind_blob (stmt, 1, token_hash, token_hash_len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, expires_at);
  return run (txn->conn, stmt, "cannot extend the session", error);
}

gboolean
qd_server_txn_delete_session (QdServerTxn   *txn,
                              const guint8  *token_hash,
                              gsize          token_hash_len,
                              GError       **error)
{
  PREP (SQL_DELETE_SESSION);

  sqlite3_bind_blob (stmt, 1, token_hash, token_hash_len, SQLITE_TRANSIENT);
  return run (txn->conn, stmt, "cannot delete the session", error);
}

gboolean
qd_server_txn_put_user (QdServerTxn        *txn,
                        const char         *id,
                        const char         *username,
                        const char         *name,
                        QdUserRole          role,
                        const char         *dealer_id,
                        const char * const *region_ids,
                        const char         *password_hash,
                        GError            **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GError) local = NULL;
  sqlite3_stmt *rs;
  PREP (SQL_PUT_USER);

  /* What a refusal names. */
  json_object_set_string_member (row, "username", username);
  if (dealer_id != NULL)
    json_object_set_string_member (row, "dealer_id", dealer_id);

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, username);
  bind_text (stmt, 3, name);
  bind_text (stmt, 4, qd_enum_to_string (QD_TYPE_USER_ROLE, role));
  bind_text (stmt, 5, dealer_id);
  bind_text (stmt, 6, password_hash);
  if (!run_row (txn, stmt, QD_SERVER_N_ENTITIES, row, "cannot write the user", error))
    return FALSE;

  rs = prep (txn->conn, SQL_CLEAR_USER_REGIONS, error);
  if (rs == NULL)
    return FALSE;
  bind_text (rs, 1, id);
  if (!run (txn->conn, rs, "cannot write the user's regions", error))
    return FALSE;
  for (guint i = 0; region_ids != NULL && region_ids[i] != NULL; i++)
    {
      rs = prep (txn->conn, SQL_ADD_USER_REGION, error);
      if (rs == NULL)
        return FALSE;
      bind_text (rs, 1, id);
      bind_text (rs, 2, region_ids[i]);
      if (!run (txn->conn, rs, "cannot write the user's regions", &local))
        {
          gboolean exists = TRUE;

          if (local->code == QD_SERVER_ERROR_FAILED)
            return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
          if (!row_exists (txn, SQL_REGION_EXISTS, region_ids[i], &exists, error))
            return FALSE;
          if (exists)
            g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
                         "region_ids[%u]: %s is listed twice", i, region_ids[i]);
          else
            g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
                         "region_ids[%u]: there is no region %s", i, region_ids[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
changed_one (QdServerTxn  *txn,
             const char   *what,
             GError      **error)
{
  if (sqlite3_changes (txn->conn->db) == 0)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND, "no such %s", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
qd_server_txn_set_password (QdServerTxn  *txn,
                            const char   *username,
                            const char   *password_hash,
                            GError      **error)
{
  PREP (SQL_SET_PASSWORD);

  bind_text (stmt, 1, username);
  bind_text (stmt, 2, password_hash);
  return run (txn->conn, stmt, "cannot set the password", error) &&
         changed_one (txn, "user", error);
}

gboolean
qd_server_txn_set_disabled (QdServerTxn  *txn,
                            const char   *username,
                            gboolean      disabled,
                            GError      **error)
{
  PREP (SQL_SET_DISABLED);

  bind_text (stmt, 1, username);
  sqlite3_bind_int (stmt, 2, disabled ? 1 : 0);
  if (!run (txn->conn, stmt, "cannot disable the user", error) ||
      !changed_one (txn, "user", error))
    return FALSE;
  if (!disabled)
    return TRUE;

  stmt = prep (txn->conn, SQL_REVOKE_USER_SESSIONS, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, username);
  return run (txn->conn, stmt, "cannot revoke the user's sessions", error);
}

/* ---------------------------------------------------------------------------------- */
/* Reads inside the transaction                                                         */

void
qd_server_dealer_clear (QdServerDealer *dealer)
{
  g_clear_pointer (&dealer->id, g_free);
  g_clear_pointer (&dealer->level, g_free);
  g_clear_pointer (&dealer->region_id, g_free);
}

void
qd_server_product_clear (QdServerProduct *product)
{
  g_clear_pointer (&product->id, g_free);
}

void
qd_server_order_clear (QdServerOrder *order)
{
  g_clear_pointer (&order->id, g_free);
  g_clear_pointer (&order->number, g_free);
  g_clear_pointer (&order->dealer_id, g_free);
  g_clear_pointer (&order->status, g_free);
  g_clear_pointer (&order->created_at, g_free);
  g_clear_pointer (&order->client_order_id, g_free);
  g_clear_pointer (&order->note, g_free);
  g_clear_pointer (&order->requested_date, g_free);
  g_clear_pointer (&order->held_reason, g_free);
  g_clear_pointer (&order->shipped_at, g_free);
  g_clear_pointer (&order->lines, g_array_unref);
}

void
qd_server_statement_clear (QdServerStatement *statement)
{
  g_clear_pointer (&statement->id, g_free);
  g_clear_pointer (&statement->dealer_id, g_free);
  g_clear_pointer (&statement->period, g_free);
  g_clear_pointer (&statement->status, g_free);
}

void
qd_server_statement_line_clear (QdServerStatementLine *line)
{
  g_clear_pointer (&line->line_id, g_free);
  g_clear_pointer (&line->date, g_free);
  g_clear_pointer (&line->kind, g_free);
  g_clear_pointer (&line->ref, g_free);
}

static gboolean
not_found (GError    **error,
           const char *what)
{
  g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND, "no such %s", what);
  return FALSE;
}

gboolean
qd_server_txn_get_dealer (QdServerTxn     *txn,
                          const char      *id,
                          QdServerDealer  *out,
                          GError         **error)
{
  gboolean found;
  PREP (SQL_GET_DEALER);

  bind_text (stmt, 1, id);
  if (!step_row (txn->conn, stmt, &found, "cannot read the dealer", error))
    return FALSE;
  if (!found)
    return not_found (error, "dealer");
  out->id = col_dup (stmt, 0);
  out->level = col_dup (stmt, 1);
  out->region_id = col_dup (stmt, 2);
  out->credit_limit_fen = sqlite3_column_int64 (stmt, 3);
  out->hold_threshold_fen = sqlite3_column_int64 (stmt, 4);
  out->ledger_fen = sqlite3_column_int64 (stmt, 5);
  out->open_orders_fen = sqlite3_column_int64 (stmt, 6);
  out->active = sqlite3_column_int (stmt, 7);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
qd_server_txn_get_product (QdServerTxn      *txn,
                           const char       *id,
                           QdServerProduct  *out,
                           GError          **error)
{
  gboolean found;
  PREP (SQL_GET_PRODUCT);

  bind_text (stmt, 1, id);
  if (!step_row (txn->conn, stmt, &found, "cannot read the product", error))
    return FALSE;
  if (!found)
    return not_found (error, "product");
  out->id = col_dup (stmt, 0);
  out->pack_size = sqlite3_column_int64 (stmt, 1);
  out->max_line_qty = sqlite3_column_int64 (stmt, 2);
  out->lot_tracked = sqlite3_column_int (stmt, 3);
  out->active = sqlite3_column_int (stmt, 4);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
qd_server_txn_get_price (QdServerTxn  *txn,
                         const char   *product_id,
                         const char   *dealer_id,
                         const char   *level,
                         gint64       *out_fen,
                         GError      **error)
{
  gboolean found;
  PREP (SQL_GET_PRICE);

  bind_text (stmt, 1, product_id);
  bind_text (stmt, 2, dealer_id);
  bind_text (stmt, 3, level);
  if (!step_row (txn->conn, stmt, &found, "cannot read the price", error))
    return FALSE;
  if (!found)
    return not_found (error, "price");
  *out_fen = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
single_int (QdServerTxn   *txn,
            sqlite3_stmt  *stmt,
            gint64        *out,
            const char    *what,
            GError       **error)
{
  gboolean found;

  if (!step_row (txn->conn, stmt, &found, what, error))
    return FALSE;
  *out = found ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
qd_server_txn_sum_ordered_qty (QdServerTxn  *txn,
                               const char   *dealer_id,
                               const char   *product_id,
                               const char   *since,
                               gint64       *out_qty,
                               GError      **error)
{
  PREP (SQL_SUM_ORDERED);

  bind_text (stmt, 1, dealer_id);
  bind_text (stmt, 2, product_id);
  bind_text (stmt, 3, since);
  return single_int (txn, stmt, out_qty, "cannot read the order history", error);
}

gboolean
qd_server_txn_next_counter (QdServerTxn  *txn,
                            const char   *name,
                            gint64       *out_value,
                            GError      **error)
{
  {
    PREP (SQL_BUMP_COUNTER);

    bind_text (stmt, 1, name);
    if (!run (txn->conn, stmt, "cannot advance a counter", error))
      return FALSE;
  }
  {
    PREP (SQL_GET_COUNTER);

    bind_text (stmt, 1, name);
    return single_int (txn, stmt, out_value, "cannot read a counter", error);
  }
}

gboolean
qd_server_txn_get_order (QdServerTxn    *txn,
                         const char     *id,
                         QdServerOrder  *out,
                         GError        **error)
{
  gboolean found;
  PREP (SQL_GET_ORDER);

  bind_text (stmt, 1, id);
  if (!step_row (txn->conn, stmt, &found, "cannot read the order", error))
    return FALSE;
  if (!found)
    return not_found (error, "order");
  out->id = col_dup (stmt, 0);
  out->number = col_dup (stmt, 1);
  out->dealer_id = col_dup (stmt, 2);
  out->status = col_dup (stmt, 3);
  out->created_at = col_dup (stmt, 4);
  out->client_order_id = col_dup (stmt, 5);
  out->note = col_dup (stmt, 6);
  out->requested_date = col_dup (stmt, 7);
  out->total_fen = sqlite3_column_int64 (stmt, 8);
  out->held_reason = col_dup (stmt, 9);
  out->shipped_at = col_dup (stmt, 10);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
statement_row (QdServerTxn        *txn,
               sqlite3_stmt       *stmt,
               QdServerStatement  *out,
               GError            **error)
{
  gboolean found;

  if (!step_row (txn->conn, stmt, &found, "cannot read the statement", error))
    return FALSE;
  if (!found)
    return not_found (error, "statement");
  out->id = col_dup (stmt, 0);
  out->dealer_id = col_dup (stmt, 1);
  out->period = col_dup (stmt, 2);
  out->version = sqlite3_column_int64 (stmt, 3);
  out->status = col_dup (stmt, 4);
  out->opening_balance_fen = sqlite3_column_int64 (stmt, 5);
  out->closing_balance_fen = sqlite3_column_int64 (stmt, 6);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
qd_server_txn_get_statement (QdServerTxn        *txn,
                             const char         *id,
                             QdServerStatement  *out,
                             GError            **error)
{
  PREP (SQL_GET_STATEMENT);

  bind_text (stmt, 1, id);
  return statement_row (txn, stmt, out, error);
}

gboolean
qd_server_txn_find_statement (QdServerTxn        *txn,
                              const char         *dealer_id,
                              const char         *period,
                              QdServerStatement  *out,
                              GError            **error)
{
  PREP (SQL_FIND_STATEMENT);

  bind_text (stmt, 1, dealer_id);
  bind_text (stmt, 2, period);
  return statement_row (txn, stmt, out, error);
}

gboolean
qd_server_txn_statement_has_line (QdServerTxn  *txn,
                                  const char   *statement_id,
                                  const char   *line_id,
                                  gboolean     *out_exists,
                                  GError      **error)
{
  gint64 v = 0;
  PREP (SQL_STATEMENT_HAS_LINE);

  bind_text (stmt, 1, statement_id);
  bind_text (stmt, 2, line_id);
  if (!single_int (txn, stmt, &v, "cannot read the statement", error))
    return FALSE;
  *out_exists = v != 0;
  return TRUE;
}

gboolean
qd_server_txn_closing_balance (QdServerTxn  *txn,
                               const char   *dealer_id,
                               const char   *period,
                               gboolean     *out_found,
                               gint64       *out_fen,
                               GError      **error)
{
  PREP (SQL_CLOSING_BALANCE);

  bind_text (stmt, 1, dealer_id);
  bind_text (stmt, 2, period);
  if (!step_row (txn->conn, stmt, out_found, "cannot read the statement", error))
    return FALSE;
  if (*out_found)
    {
      *out_fen = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  return TRUE;
}

gboolean
qd_server_txn_ledger_before (QdServerTxn  *txn,
                             const char   *dealer_id,
                             const char   *first_day,
                             gint64       *out_fen,
                             GError      **error)
{
  PREP (SQL_LEDGER_BEFORE);

  bind_text (stmt, 1, dealer_id);
  bind_text (stmt, 2, first_day);
  return single_int (txn, stmt, out_fen, "cannot read the ledger", error);
}

static void
statement_line_free (QdServerStatementLine *line)
{
  qd_server_statement_line_clear (line);
  g_free (line);
}

GPtrArray *
qd_server_txn_period_lines (QdServerTxn  *txn,
                            const char   *dealer_id,
                            const char   *first_day,
                            const char   *next_first_day,
                            GError      **error)
{
  sqlite3_stmt *stmt = prep (txn->conn, SQL_PERIOD_LINES, error);
  g_autoptr(GPtrArray) lines = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  lines = g_ptr_array_new_with_free_func ((GDestroyNotify) statement_line_free);
  bind_text (stmt, 1, dealer_id);
  bind_text (stmt, 2, first_day);
  bind_text (stmt, 3, next_first_day);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdServerStatementLine *line = g_new0 (QdServerStatementLine, 1);

      line->kind = col_dup (stmt, 0);
      line->date = col_dup (stmt, 1);
      line->ref = col_dup (stmt, 2);
      line->amount_fen = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (lines, line);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, txn->conn->db, rc, "cannot read the period's ledger");
      return NULL;
    }
  return g_steal_pointer (&lines);
}

gboolean
qd_server_txn_invoiced_between (QdServerTxn  *txn,
                                const char   *dealer_id,
                                const char   *first_day,
                                const char   *next_first_day,
                                gint64       *out_fen,
                                GError      **error)
{
  PREP (SQL_INVOICED_BETWEEN);

  bind_text (stmt, 1, dealer_id);
  bind_text (stmt, 2, first_day);
  bind_text (stmt, 3, next_first_day);
  return single_int (txn, stmt, out_fen, "cannot read invoices", error);
}

char *
qd_server_txn_rebate_tiers (QdServerTxn  *txn,
                            const char   *level,
                            const char   *quarter,
                            GError      **error)
{
  sqlite3_stmt *stmt = prep (txn->conn, SQL_REBATE_TIERS, error);
  gboolean found;
  char *tiers;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, level);
  bind_text (stmt, 2, quarter);
  if (!step_row (txn->conn, stmt, &found, "cannot read the rebate policy", error))
    return NULL;
  if (!found)
    {
      not_found (error, "rebate policy");
      return NULL;
    }
  tiers = col_dup (stmt, 0);
  sqlite3_reset (stmt);
  return tiers;
}

/* ---------------------------------------------------------------------------------- */
/* Writes                                                                               */

static gboolean order_history (QdServerTxn  *txn,
                               const char   *order_id,
                               int           sign,
                               GError      **error);

gboolean
qd_server_txn_insert_order (QdServerTxn          *txn,
                            const QdServerOrder  *order,
                            GError              **error)
{
  PREP (SQL_INSERT_ORDER);

  bind_text (stmt, 1, order->id);
  bind_text (stmt, 2, order->number);
  bind_text (stmt, 3, order->dealer_id);
  bind_text (stmt, 4, order->status);
  bind_text (stmt, 5, order->created_at);
  bind_text (stmt, 6, order->client_order_id);
  bind_text (stmt, 7, order->note);
  bind_text (stmt, 8, order->requested_date);
  sqlite3_bind_int64 (stmt, 9, order->total_fen);
  bind_text (stmt, 10, order->held_reason);
  bind_text (stmt, 11, order->shipped_at);
  if (!run (txn->conn, stmt, "cannot insert the order", error))
    return FALSE;

  for (guint i = 0; order->lines != NULL && i < order->lines->len; i++)
    {
      const QdServerOrderLine *l = &g_array_index (order->lines, QdServerOrderLine, i);

      stmt = prep (txn->conn, SQL_INSERT_ORDER_LINE, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, order->id);
      sqlite3_bind_int (stmt, 2, i + 1);
      bind_text (stmt, 3, l->product_id);
      sqlite3_bind_int64 (stmt, 4, l->qty);
      sqlite3_bind_int64 (stmt, 5, l->unit_price_fen);
      sqlite3_bind_int64 (stmt, 6, l->total_fen);
      bind_text (stmt, 7, order->dealer_id);
      bind_text (stmt, 8, order->created_at);
      if (!run (txn->conn, stmt, "cannot insert an order line", error))
        return FALSE;
    }
  /* A bulk load rebuilds the history at the end instead (qd_server_txn_log_all). */
  if (txn->bulk || g_str_equal (order->status, "cancelled") ||
      g_str_equal (order->status, "rejected"))
    return TRUE;
  return order_history (txn, order->id, 1, error);
}

/* Adds (sign 1) or removes (sign −1) the lines of an order to the monthly history. */
static gboolean
order_history (QdServerTxn  *txn,
               const char   *order_id,
               int           sign,
               GError      **error)
{
  PREP (SQL_ADD_HISTORY);

  bind_text (stmt, 1, order_id);
  sqlite3_bind_int (stmt, 2, sign);
  return run (txn->conn, stmt, "cannot update the order history", error);
}

gboolean
qd_server_txn_set_order_status (QdServerTxn  *txn,
                                const char   *id,
                                const char   *status,
                                const char   *shipped_at,
                                GError      **error)
{
  PREP (SQL_SET_ORDER_STATUS);

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, status);
  bind_text (stmt, 3, shipped_at);
  if (!run (txn->conn, stmt, "cannot update the order", error) ||
      !changed_one (txn, "order", error))
    return FALSE;
  /* Cancelled and rejected orders leave the history (they never come back). */
  if (g_str_equal (status, "cancelled") || g_str_equal (status, "rejected"))
    return order_history (txn, id, -1, error);
  return TRUE;
}

gboolean
qd_server_txn_add_open_orders (QdServerTxn  *txn,
                               const char   *dealer_id,
                               gint64        delta_fen,
                               GError      **error)
{
  PREP (SQL_ADD_OPEN_ORDERS);

  bind_text (stmt, 1, dealer_id);
  sqlite3_bind_int64 (stmt, 2, delta_fen);
  return run (txn->conn, stmt, "cannot update the dealer", error);
}

gboolean
qd_server_txn_set_credit_limit (QdServerTxn  *txn,
                                const char   *dealer_id,
                                gint64        credit_limit_fen,
                                GError      **error)
{
  PREP (SQL_SET_CREDIT_LIMIT);

  bind_text (stmt, 1, dealer_id);
  sqlite3_bind_int64 (stmt, 2, credit_limit_fen);
  return run (txn->conn, stmt, "cannot update the dealer", error) &&
         changed_one (txn, "dealer", error);
}

gboolean
qd_server_txn_recompute_dealer (QdServerTxn  *txn,
                                const char   *dealer_id,
                                GError      **error)
{
  PREP (SQL_RECOMPUTE_DEALER);

  bind_text (stmt, 1, dealer_id);
  return run (txn->conn, stmt, "cannot update the dealer's balance", error);
}

gboolean
qd_server_txn_insert_stock_report (QdServerTxn             *txn,
                                   const char              *id,
                                   const char              *dealer_id,
                                   const char              *as_of,
                                   const char              *created_at,
                                   const QdServerStockLine *lines,
                                   guint                    n_lines,
                                   GError                 **error)
{
  PREP (SQL_INSERT_STOCK_REPORT);

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, dealer_id);
  bind_text (stmt, 3, as_of);
  bind_text (stmt, 4, created_at);
  if (!run (txn->conn, stmt, "cannot insert the stock report", error))
    return FALSE;
  for (guint i = 0; i < n_lines; i++)
    {
      stmt = prep (txn->conn, SQL_INSERT_STOCK_LINE, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, id);
      sqlite3_bind_int (stmt, 2, i + 1);
      bind_text (stmt, 3, lines[i].product_id);
      sqlite3_bind_int64 (stmt, 4, lines[i].qty);
      bind_text (stmt, 5, lines[i].lot);
      bind_text (stmt, 6, lines[i].expiry);
      if (!run (txn->conn, stmt, "cannot insert a stock report line", error))
        return FALSE;
    }
  return TRUE;
}

gboolean
qd_server_txn_set_statement_status (QdServerTxn  *txn,
                                    const char   *id,
                                    const char   *status,
                                    GError      **error)
{
  PREP (SQL_SET_STATEMENT_STATUS);

  bind_text (stmt, 1, id);
  bind_text (stmt, 2, status);
  return run (txn->conn, stmt, "cannot update the statement", error) &&
         changed_one (txn, "statement", error);
}

gboolean
qd_server_txn_dispute_line (QdServerTxn  *txn,
                            const char   *statement_id,
                            const char   *line_id,
                            const char   *reason,
                            GError      **error)
{
  PREP (SQL_DISPUTE_LINE);

  bind_text (stmt, 1, statement_id);
  bind_text (stmt, 2, line_id);
  bind_text (stmt, 3, reason);
  return run (txn->conn, stmt, "cannot dispute the line", error) &&
         changed_one (txn, "statement line", error);
}

gboolean
qd_server_txn_put_statement (QdServerTxn              *txn,
                             const QdServerStatement  *s,
                             const char               *issued_at,
                             GPtrArray                *lines,
                             GError                  **error)
{
  PREP (SQL_PUT_STATEMENT);

  bind_text (stmt, 1, s->id);
  bind_text (stmt, 2, s->dealer_id);
  bind_text (stmt, 3, s->period);
  sqlite3_bind_int64 (stmt, 4, s->version);
  bind_text (stmt, 5, s->status);
  sqlite3_bind_int64 (stmt, 6, s->opening_balance_fen);
  sqlite3_bind_int64 (stmt, 7, s->closing_balance_fen);
  bind_text (stmt, 8, issued_at);
  if (!run (txn->conn, stmt, "cannot write the statement", error))
    return FALSE;

  stmt = prep (txn->conn, SQL_CLEAR_STATEMENT_LINES, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, s->id);
  if (!run (txn->conn, stmt, "cannot write the statement", error))
    return FALSE;

  for (guint i = 0; i < lines->len; i++)
    {
      const QdServerStatementLine *l = g_ptr_array_index (lines, i);

      stmt = prep (txn->conn, SQL_INSERT_STATEMENT_LINE, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, s->id);
      bind_text (stmt, 2, l->line_id);
      sqlite3_bind_int (stmt, 3, i + 1);
      bind_text (stmt, 4, l->date);
      bind_text (stmt, 5, l->kind);
      bind_text (stmt, 6, l->ref);
      sqlite3_bind_int64 (stmt, 7, l->amount_fen);
      if (!run (txn->conn, stmt, "cannot write a statement line", error))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------------- */
/* Refused admin rows: messages that name the member, never SQLite's text               */

/* The references of the admin-managed rows (member → referenced table). */
static const struct
{
  QdServerEntity  entity;
  const char     *member;
  const char     *noun;
  const char     *exists_sql;
} references[] = {
  { QD_SERVER_ENTITY_DEALER, "parent_id", "dealer", SQL_DEALER_EXISTS },
  { QD_SERVER_ENTITY_DEALER, "region_id", "region", SQL_REGION_EXISTS },
  { QD_SERVER_ENTITY_PRICE, "product_id", "product", SQL_PRODUCT_EXISTS },
  { QD_SERVER_ENTITY_PRICE, "dealer_id", "dealer", SQL_DEALER_EXISTS },
  { QD_SERVER_ENTITY_TARGET, "dealer_id", "dealer", SQL_DEALER_EXISTS },
  { QD_SERVER_ENTITY_PAYMENT, "dealer_id", "dealer", SQL_DEALER_EXISTS },
  { QD_SERVER_ENTITY_ADJUSTMENT, "dealer_id", "dealer", SQL_DEALER_EXISTS },
  { QD_SERVER_N_ENTITIES /* users */, "dealer_id", "dealer", SQL_DEALER_EXISTS },
};

/* The unique keys of those rows as SQLite names them, and how to say that one is taken
 * (the values of the key's members, in order, fill the %s). */
static const struct
{
  const char *columns;
  const char *format;
} unique_keys[] = {
  { "products.sku", "sku already exists: %s" },
  { "users.username", "username already exists: %s" },
  { "prices.product_id, prices.level", "a price of product %s for level %s exists already" },
  { "prices.product_id, prices.dealer_id", "a price of product %s for dealer %s exists already" },
  { "targets.dealer_id, targets.period", "a target of dealer %s for %s exists already" },
  { "rebate_policies.level, rebate_policies.period",
    "a rebate policy for level %s and %s exists already" },
};

static gboolean
row_exists (QdServerTxn  *txn,
            const char   *exists_sql,
            const char   *id,
            gboolean     *out_exists,
            GError      **error)
{
  gint64 found = 0;
  PREP (exists_sql);

  bind_text (stmt, 1, id);
  if (!single_int (txn, stmt, &found, "cannot check a reference", error))
    return FALSE;
  *out_exists = found != 0;
  return TRUE;
}

/* The text of a member for a message (strings as they are, numbers in decimal). */
static char *
member_text (JsonObject *row,
             const char *member)
{
  JsonNode *node = row != NULL ? json_object_get_member (row, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("(none)");
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return json_to_string (node, FALSE);
}

/* Explains why SQLite refused the write of @row (an admin entity, or a user when @entity is
 * QD_SERVER_N_ENTITIES) with @ext (extended result code) and @sqlite_message (parsed here,
 * never shown). Sets @error; FALSE always. */
static gboolean
refuse_row (QdServerTxn     *txn,
            QdServerEntity   entity,
            JsonObject      *row,
            int              ext,
            const char      *sqlite_message,
            GError         **error)
{
  const char *noun = entity < QD_SERVER_N_ENTITIES ? entities[entity].name : "user";

  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      const char *columns = strstr (sqlite_message, "failed: ");

      columns = columns != NULL ? columns + strlen ("failed: ") : "";
      for (guint i = 0; i < G_N_ELEMENTS (unique_keys); i++)
        {
          g_auto(GStrv) names = NULL;
          g_autofree char *v0 = NULL;
          g_autofree char *v1 = NULL;

          if (!g_str_equal (columns, unique_keys[i].columns))
            continue;
          names = g_strsplit (unique_keys[i].columns, ", ", 2);
          v0 = member_text (row, strchr (names[0], '.') + 1);
          v1 = names[1] != NULL ? member_text (row, strchr (names[1], '.') + 1) : NULL;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFLICT,
                       unique_keys[i].format, v0, v1);
#pragma GCC diagnostic pop
          return FALSE;
        }
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_CONFLICT,
                   "another %s has the same key", noun);
      return FALSE;
    }

  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      for (guint i = 0; i < G_N_ELEMENTS (references); i++)
        {
          const char *id;
          gboolean exists = TRUE;

          if (references[i].entity != entity ||
              !json_object_has_member (row, references[i].member) ||
              json_object_get_null_member (row, references[i].member))
            continue;
          id = json_object_get_string_member (row, references[i].member);
          if (!row_exists (txn, references[i].exists_sql, id, &exists, error))
            return FALSE;
          if (!exists)
            {
              g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
                           "%s: there is no %s %s", references[i].member, references[i].noun, id);
              return FALSE;
            }
        }
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
                   "the %s refers to something that does not exist", noun);
      return FALSE;
    }

  if (ext == SQLITE_CONSTRAINT_NOTNULL)
    {
      if (strstr (sqlite_message, "users.password_hash") != NULL)
        g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_REQUIRED,
                     "password: required for a new user");
      else
        g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_REQUIRED,
                     "the %s lacks a required value", noun);
      return FALSE;
    }

  g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
               "the %s has a value out of range", noun);
  return FALSE;
}

/* Steps an admin write; a constraint failure becomes refuse_row()'s error. */
static gboolean
run_row (QdServerTxn     *txn,
         sqlite3_stmt    *stmt,
         QdServerEntity   entity,
         JsonObject      *row,
         const char      *what,
         GError         **error)
{
  int rc = sqlite3_step (stmt);
  int ext;
  g_autofree char *message = NULL;

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }
  ext = sqlite3_extended_errcode (txn->conn->db);
  message = g_strdup (sqlite3_errmsg (txn->conn->db));
  sqlite3_reset (stmt);
  if ((rc & 0xff) != SQLITE_CONSTRAINT)
    return set_db_error (error, txn->conn->db, rc, what);
  return refuse_row (txn, entity, row, ext, message, error);
}

gboolean
qd_server_txn_put_row (QdServerTxn     *txn,
                       QdServerEntity   entity,
                       JsonObject      *row,
                       GError         **error)
{
  const char *sql;

  g_return_val_if_fail (entity < QD_SERVER_N_ENTITIES, FALSE);
  sql = entities[entity].put;
  g_return_val_if_fail (sql != NULL, FALSE);
  {
    PREP (sql);

    /* Parameters are named like the members of the (already validated) object. */
    for (int i = 1; i <= sqlite3_bind_parameter_count (stmt); i++)
      {
        const char *name = sqlite3_bind_parameter_name (stmt, i);
        JsonNode *node = name ? json_object_get_member (row, name + 1) : NULL;

        if (node == NULL || JSON_NODE_HOLDS_NULL (node))
          sqlite3_bind_null (stmt, i);
        else if (JSON_NODE_HOLDS_VALUE (node))
          {
            GType t = json_node_get_value_type (node);

            if (t == G_TYPE_INT64)
              sqlite3_bind_int64 (stmt, i, json_node_get_int (node));
            else if (t == G_TYPE_BOOLEAN)
              sqlite3_bind_int (stmt, i, json_node_get_boolean (node) ? 1 : 0);
            else if (t == G_TYPE_STRING)
              bind_text (stmt, i, json_node_get_string (node));
            else
              sqlite3_bind_null (stmt, i);
          }
        else
          {
            g_autofree char *text = json_to_string (node, FALSE);

            bind_text (stmt, i, text);
          }
      }
    return run_row (txn, stmt, entity, row, "cannot write the row", error);
  }
}

gboolean
qd_server_txn_log (QdServerTxn     *txn,
                   QdServerEntity   entity,
                   const char      *id,
                   GError         **error)
{
  g_return_val_if_fail (entity < QD_SERVER_N_ENTITIES, FALSE);

  if (entities[entity].log_one == NULL)
    return TRUE;
  {
    PREP (entities[entity].log_one);

    bind_text (stmt, 1, id);
    return run (txn->conn, stmt, "cannot log the change", error);
  }
}

gboolean
qd_server_txn_log_at_commit (QdServerTxn     *txn,
                             QdServerEntity   entity,
                             const char      *id,
                             GError         **error)
{
  g_return_val_if_fail (entity < QD_SERVER_N_ENTITIES, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (entities[entity].log_one == NULL)
    return TRUE;
  if (txn->log_at_commit == NULL)
    txn->log_at_commit = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Ids are UUIDs or short keys: the unit separator never occurs in them. */
  g_hash_table_add (txn->log_at_commit, g_strdup_printf ("%u\x1f%s", entity, id));
  return TRUE;
}

static int
compare_keys (const void *a,
              const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Logs what was deferred, in a stable order (sorted keys), in the transaction itself:
 * the entities' rows hold their final state of the transaction. A savepoint rolled back
 * after asking may leave an entity here that did not change: logging it again only gives
 * its unchanged feed object a new seq. */
static gboolean
flush_log_at_commit (QdServerTxn  *txn,
                     GError      **error)
{
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  if (txn->log_at_commit == NULL || g_hash_table_size (txn->log_at_commit) == 0)
    return TRUE;
  keys = g_hash_table_get_keys_as_array (txn->log_at_commit, &n);
  qsort (keys, n, sizeof (gpointer), compare_keys);
  for (guint i = 0; i < n; i++)
    {
      const char *key = keys[i];
      const char *sep = strchr (key, '\x1f');
      guint entity = (guint) g_ascii_strtoull (key, NULL, 10);

      if (!qd_server_txn_log (txn, (QdServerEntity) entity, sep + 1, error))
        return FALSE;
    }
  g_hash_table_remove_all (txn->log_at_commit);
  return TRUE;
}

gboolean
qd_server_txn_log_all (QdServerTxn  *txn,
                       GError      **error)
{
  /* The order of a bulk load: reference data first, then what refers to it. */
  static const QdServerEntity order[] = {
    QD_SERVER_ENTITY_REGION, QD_SERVER_ENTITY_DEALER, QD_SERVER_ENTITY_PRODUCT,
    QD_SERVER_ENTITY_PRICE, QD_SERVER_ENTITY_REBATE_POLICY, QD_SERVER_ENTITY_TARGET,
    QD_SERVER_ENTITY_ORDER, QD_SERVER_ENTITY_PAYMENT, QD_SERVER_ENTITY_STOCK_REPORT,
    QD_SERVER_ENTITY_STATEMENT,
  };

  /* Without its (entity, entity_id) index the log is appended to; building the index once
   * afterwards sorts it instead of inserting a million keys at random places. The log
   * is written only here during a bulk load, so there is nothing to replace, and if
   * there were, the unique index would refuse to build and the load would fail. */
  if (txn->bulk && !exec (txn->conn, SQL_DROP_CHANGES_INDEX, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (!exec (txn->conn, entities[order[i]].log_all, error))
      return FALSE;
  if (txn->bulk && !exec (txn->conn, SQL_CREATE_CHANGES_INDEX, error))
    return FALSE;
  return exec (txn->conn, SQL_REBUILD_HISTORY, error);
}

gboolean
qd_server_txn_delete_row (QdServerTxn     *txn,
                          QdServerEntity   entity,
                          const char      *id,
                          GError         **error)
{
  const char *sql = entity == QD_SERVER_ENTITY_PRICE ? SQL_DELETE_PRICE
                  : entity == QD_SERVER_ENTITY_TARGET ? SQL_DELETE_TARGET : NULL;

  g_return_val_if_fail (sql != NULL, FALSE);
  {
    PREP (sql);

    bind_text (stmt, 1, id);
    if (!run (txn->conn, stmt, "cannot delete the row", error) ||
        !changed_one (txn, entities[entity].name, error))
      return FALSE;
  }
  {
    PREP (SQL_LOG_DELETE);

    bind_text (stmt, 1, entities[entity].name);
    bind_text (stmt, 2, id);
    return run (txn->conn, stmt, "cannot log the delete", error);
  }
}

char *
qd_server_txn_render (QdServerTxn     *txn,
                      QdServerEntity   entity,
                      const char      *id,
                      GError         **error)
{
  sqlite3_stmt *stmt = prep (txn->conn, SQL_RENDER, error);
  gboolean found;
  char *data;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, entities[entity].name);
  bind_text (stmt, 2, id);
  if (!step_row (txn->conn, stmt, &found, "cannot read the change log", error))
    return NULL;
  if (!found)
    return NULL;
  data = col_dup (stmt, 0);
  sqlite3_reset (stmt);
  return data;
}

gboolean
qd_server_txn_audit (QdServerTxn  *txn,
                     const char   *user_id,
                     const char   *username,
                     const char   *address,
                     const char   *action,
                     const char   *target,
                     const char   *before,
                     const char   *after,
                     const char   *detail,
                     GError      **error)
{
  return qd_server_txn_audit_with_id (txn, user_id, username, address, action, target, before,
                                      after, detail, NULL, error);
}

gboolean
qd_server_txn_audit_with_id (QdServerTxn  *txn,
                             const char   *user_id,
                             const char   *username,
                             const char   *address,
                             const char   *action,
                             const char   *target,
                             const char   *before,
                             const char   *after,
                             const char   *detail,
                             gint64       *out_id,
                             GError      **error)
{
  PREP (SQL_AUDIT_INSERT);

  bind_text (stmt, 1, user_id);
  bind_text (stmt, 2, username);
  bind_text (stmt, 3, address);
  bind_text (stmt, 4, action);
  bind_text (stmt, 5, target);
  bind_text (stmt, 6, before);
  bind_text (stmt, 7, after);
  bind_text (stmt, 8, detail);
  if (!run (txn->conn, stmt, "cannot write the audit log", error))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (txn->conn->db);
  return TRUE;
}
