/* qd-server-storage.h — everything qudao-server keeps, behind one interface
 *
 * Handlers never see SQL: they call these functions. The SQLite implementation lives in
 * qd-server-storage-sqlite.c; a PostgreSQL one would implement the same functions.
 *
 * Threads: the read functions (qd_server_storage_*) may be called from any thread; each
 * thread gets its own read connection. The write functions (qd_server_txn_*) run inside a
 * transaction opened with qd_server_storage_begin(), from one thread at a time (the
 * server's writer thread, or the main thread of the offline `user` commands).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "qd-enums.h"

G_BEGIN_DECLS

#define QD_SERVER_ERROR (qd_server_error_quark ())

typedef enum
{
  QD_SERVER_ERROR_FAILED,     /* the database failed (I/O, full disk, corrupt file) */
  QD_SERVER_ERROR_CONFIG,     /* bad configuration (data dir, listen address, certificate) */
  QD_SERVER_ERROR_NOT_FOUND,  /* no such row (or outside the caller's scope) */
  QD_SERVER_ERROR_CONFLICT,   /* a unique key is taken */
  QD_SERVER_ERROR_INVALID,    /* a value the database refuses (check constraint, bad reference) */
  QD_SERVER_ERROR_REQUIRED,   /* a value the row needs is missing (the password of a new user) */
} QdServerError;

GQuark qd_server_error_quark (void);

typedef struct _QdServerStorage QdServerStorage;
typedef struct _QdServerTxn     QdServerTxn;

/* Who is asking: the authenticated user with the scope the feed and the reads apply. */
typedef struct
{
  char       *id;
  char       *username;
  char       *name;
  QdUserRole  role;
  char       *dealer_id;     /* dealers only */
  char       *dealer_level;  /* dealers only: the level nick of their dealer */
  GStrv       region_ids;    /* managers: their regions; dealers: their dealer's region */
} QdServerUser;

void          qd_server_user_free   (QdServerUser *user);
QdServerUser *qd_server_user_copy   (const QdServerUser *user);
JsonNode     *qd_server_user_to_json (const QdServerUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdServerUser, qd_server_user_free)

typedef struct
{
  char          *id;
  char          *level;
  char          *region_id;
  gint64         credit_limit_fen;
  gint64         hold_threshold_fen;
  gint64         ledger_fen;
  gint64         open_orders_fen;
  gboolean       active;
} QdServerDealer;

void qd_server_dealer_clear (QdServerDealer *dealer);

typedef struct
{
  char     *id;
  gint64    pack_size;
  gint64    max_line_qty;
  gboolean  lot_tracked;
  gboolean  active;
} QdServerProduct;

void qd_server_product_clear (QdServerProduct *product);

typedef struct
{
  const char *product_id;
  gint64      qty;
  gint64      unit_price_fen;
  gint64      total_fen;
} QdServerOrderLine;

typedef struct
{
  char    *id;
  char    *number;
  char    *dealer_id;
  char    *status;
  char    *created_at;
  char    *client_order_id;
  char    *note;
  char    *requested_date;
  gint64   total_fen;
  char    *held_reason;
  char    *shipped_at;
  GArray  *lines;  /* QdServerOrderLine; product ids borrowed from the caller */
} QdServerOrder;

void qd_server_order_clear (QdServerOrder *order);

typedef struct
{
  const char *product_id;
  gint64      qty;
  const char *lot;
  const char *expiry;
} QdServerStockLine;

typedef struct
{
  char       *id;
  char       *dealer_id;
  char       *period;
  gint64      version;
  char       *status;
  gint64      opening_balance_fen;
  gint64      closing_balance_fen;
} QdServerStatement;

void qd_server_statement_clear (QdServerStatement *statement);

typedef struct
{
  char   *line_id;
  char   *date;
  char   *kind;   /* invoice, payment, rebate, adjustment */
  char   *ref;
  gint64  amount_fen;
} QdServerStatementLine;

void qd_server_statement_line_clear (QdServerStatementLine *line);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QdServerDealer, qd_server_dealer_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QdServerProduct, qd_server_product_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QdServerOrder, qd_server_order_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QdServerStatement, qd_server_statement_clear)

/* Entities of the change feed and of the admin API. */
typedef enum
{
  QD_SERVER_ENTITY_REGION,
  QD_SERVER_ENTITY_DEALER,
  QD_SERVER_ENTITY_PRODUCT,
  QD_SERVER_ENTITY_PRICE,
  QD_SERVER_ENTITY_ORDER,
  QD_SERVER_ENTITY_STOCK_REPORT,
  QD_SERVER_ENTITY_STATEMENT,
  QD_SERVER_ENTITY_REBATE_POLICY,
  QD_SERVER_ENTITY_TARGET,
  QD_SERVER_ENTITY_PAYMENT,
  QD_SERVER_ENTITY_ADJUSTMENT, /* not in the feed: folded into statements */
  QD_SERVER_N_ENTITIES,
} QdServerEntity;

const char *qd_server_entity_name (QdServerEntity entity);

/* Opening, closing, migrations. */
QdServerStorage *qd_server_storage_open          (const char        *data_dir,
                                                  GError           **error);
void             qd_server_storage_free          (QdServerStorage   *storage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdServerStorage, qd_server_storage_free)
/* Closes the calling thread's read connection (reader threads call it before they end). */
void             qd_server_storage_release_thread (QdServerStorage  *storage);
gboolean         qd_server_storage_is_empty      (QdServerStorage   *storage);
/* Drops delete tombstones older than @retention_seconds from the change log; cursors from
 * before the newest dropped one are then refused (410, qd_server_storage_get_horizon). */
gboolean         qd_server_storage_prune         (QdServerStorage   *storage,
                                                  gint64             retention_seconds,
                                                  GError           **error);
/* Copies the WAL into the database and truncates it (after a bulk load). */
gboolean         qd_server_storage_checkpoint    (QdServerStorage   *storage,
                                                  GError           **error);
/* The server secret (32 bytes, created on first open) that signs feed cursors. */
GBytes          *qd_server_storage_get_secret    (QdServerStorage   *storage);

/* Reads (any thread). */
QdServerUser    *qd_server_storage_find_user     (QdServerStorage   *storage,
                                                  const char        *username,
                                                  char             **out_password_hash,
                                                  gboolean          *out_disabled,
                                                  GError           **error);
/* NULL with QD_SERVER_ERROR_NOT_FOUND when the token is unknown, revoked or its user
 * disabled; *out_expires_at tells the caller whether it expired. */
QdServerUser    *qd_server_storage_find_session  (QdServerStorage   *storage,
                                                  const guint8      *token_hash,
                                                  gsize              token_hash_len,
                                                  gint64            *out_expires_at,
                                                  GError           **error);
/* Appends the feed objects after @since (comma separated, no brackets) to @out.
 * *out_cursor_seq is where the next page starts; *out_head_seq is the newest seq of the
 * whole log (not only of the caller's scope) in the page's snapshot. */
gboolean         qd_server_storage_read_changes  (QdServerStorage   *storage,
                                                  const QdServerUser *user,
                                                  gint64             since,
                                                  guint              limit,
                                                  GString           *out,
                                                  guint             *out_count,
                                                  gint64            *out_cursor_seq,
                                                  gboolean          *out_has_more,
                                                  gint64            *out_head_seq,
                                                  GError           **error);
/* The newest seq of the change log known to have committed (any thread; published after
 * each commit of this process), or G_MAXINT64 when the storage cannot tell. A cursor at or
 * past it has nothing to read: the feed answers such an empty poll without a query. */
gint64           qd_server_storage_get_head_seq  (QdServerStorage   *storage);
/* The oldest cursor still served: cursors below it get 410. */
gint64           qd_server_storage_get_horizon   (QdServerStorage   *storage);
/* The entity as it appears in the feed, or NULL + NOT_FOUND (also outside the scope). */
char            *qd_server_storage_read_entity   (QdServerStorage   *storage,
                                                  const QdServerUser *user,
                                                  QdServerEntity     entity,
                                                  const char        *id,
                                                  GError           **error);
/* Audit rows with id > @since, as a JSON array. */
JsonNode        *qd_server_storage_read_audit    (QdServerStorage   *storage,
                                                  gint64             since,
                                                  guint              limit,
                                                  GError           **error);

/* Transactions (the writer thread). */
QdServerTxn     *qd_server_storage_begin         (QdServerStorage   *storage,
                                                  GError           **error);
/* A transaction for a bulk load of consistent data: references are not checked one by
 * one, derived tables are rebuilt by qd_server_txn_log_all() at the end. */
QdServerTxn     *qd_server_storage_begin_bulk    (QdServerStorage   *storage,
                                                  GError           **error);
gboolean         qd_server_txn_commit            (QdServerTxn       *txn,
                                                  GError           **error);
void             qd_server_txn_rollback          (QdServerTxn       *txn);
/* Each write request of a batch transaction runs inside its own savepoint, so that a
 * storage failure undoes that request only (one level, named "m"). */
gboolean         qd_server_txn_savepoint         (QdServerTxn       *txn,
                                                  GError           **error);
gboolean         qd_server_txn_release           (QdServerTxn       *txn,
                                                  GError           **error);
void             qd_server_txn_rollback_savepoint (QdServerTxn      *txn);

/* Idempotency. A recorded mutation is found with either its whole answer (*out_result, a
 * rejection) or, for an applied one, the entity it answered (*out_entity: the after-image
 * of its audit entry) and the members added to that entity (*out_extra, may be NULL). */
gboolean         qd_server_txn_find_mutation     (QdServerTxn       *txn,
                                                  const char        *id,
                                                  gboolean          *out_found,
                                                  char             **out_user_id,
                                                  GBytes           **out_body_hash,
                                                  char             **out_result,
                                                  char             **out_entity,
                                                  char             **out_extra,
                                                  GError           **error);
gboolean         qd_server_txn_record_mutation   (QdServerTxn       *txn,
                                                  const char        *id,
                                                  const char        *user_id,
                                                  GBytes            *body_hash,
                                                  const char        *result,
                                                  GError           **error);
/* An applied mutation, by reference to its audit entry (qd_server_txn_audit_with_id). */
gboolean         qd_server_txn_record_applied    (QdServerTxn       *txn,
                                                  const char        *id,
                                                  const char        *user_id,
                                                  GBytes            *body_hash,
                                                  gint64             audit_id,
                                                  const char        *extra,
                                                  GError           **error);

/* Sessions and users. */
gboolean         qd_server_txn_create_session    (QdServerTxn       *txn,
                                                  const guint8      *token_hash,
                                                  gsize              token_hash_len,
                                                  const char        *user_id,
                                                  const char        *device,
                                                  gint64             expires_at,
                                                  GError           **error);
gboolean         qd_server_txn_touch_session     (QdServerTxn       *txn,
                                                  const guint8      *token_hash,
                                                  gsize              token_hash_len,
                                                  gint64             expires_at,
                                                  GError           **error);
gboolean         qd_server_txn_delete_session    (QdServerTxn       *txn,
                                                  const guint8      *token_hash,
                                                  gsize              token_hash_len,
                                                  GError           **error);
gboolean         qd_server_txn_put_user          (QdServerTxn       *txn,
                                                  const char        *id,
                                                  const char        *username,
                                                  const char        *name,
                                                  QdUserRole         role,
                                                  const char        *dealer_id,
                                                  const char * const *region_ids,
                                                  const char        *password_hash,
                                                  GError           **error);
gboolean         qd_server_txn_set_password      (QdServerTxn       *txn,
                                                  const char        *username,
                                                  const char        *password_hash,
                                                  GError           **error);
/* Disabling also revokes every session of the user. */
gboolean         qd_server_txn_set_disabled      (QdServerTxn       *txn,
                                                  const char        *username,
                                                  gboolean           disabled,
                                                  GError           **error);

/* Reads inside the transaction. */
gboolean         qd_server_txn_get_dealer        (QdServerTxn       *txn,
                                                  const char        *id,
                                                  QdServerDealer    *out,
                                                  GError           **error);
gboolean         qd_server_txn_get_product       (QdServerTxn       *txn,
                                                  const char        *id,
                                                  QdServerProduct   *out,
                                                  GError           **error);
/* The dealer's override if any, else its level's price; NOT_FOUND when neither exists. */
gboolean         qd_server_txn_get_price         (QdServerTxn       *txn,
                                                  const char        *product_id,
                                                  const char        *dealer_id,
                                                  const char        *level,
                                                  gint64            *out_fen,
                                                  GError           **error);
/* Quantity of a product the dealer ordered since @since (orders not cancelled/rejected). */
gboolean         qd_server_txn_sum_ordered_qty   (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  const char        *product_id,
                                                  const char        *since,
                                                  gint64            *out_qty,
                                                  GError           **error);
gboolean         qd_server_txn_next_counter      (QdServerTxn       *txn,
                                                  const char        *name,
                                                  gint64            *out_value,
                                                  GError           **error);
gboolean         qd_server_txn_get_order         (QdServerTxn       *txn,
                                                  const char        *id,
                                                  QdServerOrder     *out,
                                                  GError           **error);
gboolean         qd_server_txn_get_statement     (QdServerTxn       *txn,
                                                  const char        *id,
                                                  QdServerStatement *out,
                                                  GError           **error);
gboolean         qd_server_txn_find_statement    (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  const char        *period,
                                                  QdServerStatement *out,
                                                  GError           **error);
gboolean         qd_server_txn_statement_has_line (QdServerTxn      *txn,
                                                  const char        *statement_id,
                                                  const char        *line_id,
                                                  gboolean          *out_exists,
                                                  GError           **error);
/* Closing balance of the dealer's statement for @period, or FALSE in *out_found. */
gboolean         qd_server_txn_closing_balance   (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  const char        *period,
                                                  gboolean          *out_found,
                                                  gint64            *out_fen,
                                                  GError           **error);
/* The dealer's ledger before @first_day (invoices − payments − rebates + adjustments). */
gboolean         qd_server_txn_ledger_before     (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  const char        *first_day,
                                                  gint64            *out_fen,
                                                  GError           **error);
/* Invoice, payment and adjustment lines of a dealer in [first_day, next_first_day). */
GPtrArray       *qd_server_txn_period_lines      (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  const char        *first_day,
                                                  const char        *next_first_day,
                                                  GError           **error);
/* Sum of invoiced (shipped) order totals in [first_day, next_first_day). */
gboolean         qd_server_txn_invoiced_between  (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  const char        *first_day,
                                                  const char        *next_first_day,
                                                  gint64            *out_fen,
                                                  GError           **error);
/* The tiers JSON of the policy for a level and quarter ("2026-Q4"), or NULL. */
char            *qd_server_txn_rebate_tiers      (QdServerTxn       *txn,
                                                  const char        *level,
                                                  const char        *quarter,
                                                  GError           **error);

/* Writes. They do not log: the caller logs each changed feed entity (qd_server_txn_log)
 * once, after its last write, so a bulk load can log everything at the end instead. */
gboolean         qd_server_txn_insert_order      (QdServerTxn       *txn,
                                                  const QdServerOrder *order,
                                                  GError           **error);
gboolean         qd_server_txn_set_order_status  (QdServerTxn       *txn,
                                                  const char        *id,
                                                  const char        *status,
                                                  const char        *shipped_at,
                                                  GError           **error);
gboolean         qd_server_txn_add_open_orders   (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  gint64             delta_fen,
                                                  GError           **error);
gboolean         qd_server_txn_set_credit_limit  (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  gint64             credit_limit_fen,
                                                  GError           **error);
/* Recomputes ledger_fen and open_orders_fen of a dealer from the ledger tables. */
gboolean         qd_server_txn_recompute_dealer  (QdServerTxn       *txn,
                                                  const char        *dealer_id,
                                                  GError           **error);
gboolean         qd_server_txn_insert_stock_report (QdServerTxn     *txn,
                                                  const char        *id,
                                                  const char        *dealer_id,
                                                  const char        *as_of,
                                                  const char        *created_at,
                                                  const QdServerStockLine *lines,
                                                  guint              n_lines,
                                                  GError           **error);
gboolean         qd_server_txn_set_statement_status (QdServerTxn    *txn,
                                                  const char        *id,
                                                  const char        *status,
                                                  GError           **error);
gboolean         qd_server_txn_dispute_line      (QdServerTxn       *txn,
                                                  const char        *statement_id,
                                                  const char        *line_id,
                                                  const char        *reason,
                                                  GError           **error);
/* Creates or replaces a statement (version and lines as given). */
gboolean         qd_server_txn_put_statement     (QdServerTxn       *txn,
                                                  const QdServerStatement *statement,
                                                  const char        *issued_at,
                                                  GPtrArray         *lines,
                                                  GError           **error);
/* Creates or replaces a row of an admin-managed entity from a validated object whose
 * members are named like the columns (region, dealer, product, price, target,
 * rebate_policy, payment, adjustment). A refused row is CONFLICT (a unique key is taken),
 * INVALID (a reference to nothing) or REQUIRED, with a message that names the member and
 * its value, never the database's own text. qd_server_txn_put_user() likewise. */
gboolean         qd_server_txn_put_row           (QdServerTxn       *txn,
                                                  QdServerEntity     entity,
                                                  JsonObject        *row,
                                                  GError           **error);

/* The change log: renders the entity's current row into its feed object and gives it the
 * next seq (replacing its older change). */
gboolean         qd_server_txn_log               (QdServerTxn       *txn,
                                                  QdServerEntity     entity,
                                                  const char        *id,
                                                  GError           **error);
/* The same, deferred to the commit of the transaction and done once per entity however
 * often it is asked for: for the dealer record, which every order of a write batch
 * changes (its open orders), so that a batch renders and re-logs it once, not per order. */
gboolean         qd_server_txn_log_at_commit     (QdServerTxn       *txn,
                                                  QdServerEntity     entity,
                                                  const char        *id,
                                                  GError           **error);
/* Renders every entity into the change log at once and rebuilds the derived tables
 * (after a bulk load). */
gboolean         qd_server_txn_log_all           (QdServerTxn       *txn,
                                                  GError           **error);
/* Deletes a price or a target and leaves a tombstone in the change log (same scope). */
gboolean         qd_server_txn_delete_row        (QdServerTxn       *txn,
                                                  QdServerEntity     entity,
                                                  const char        *id,
                                                  GError           **error);
/* The feed object of an entity (from the change log), or NULL when absent. */
char            *qd_server_txn_render            (QdServerTxn       *txn,
                                                  QdServerEntity     entity,
                                                  const char        *id,
                                                  GError           **error);

gboolean         qd_server_txn_audit             (QdServerTxn       *txn,
                                                  const char        *user_id,
                                                  const char        *username,
                                                  const char        *address,
                                                  const char        *action,
                                                  const char        *target,
                                                  const char        *before,
                                                  const char        *after,
                                                  const char        *detail,
                                                  GError           **error);
/* The same, giving the new entry's id (which the mutation log refers to). */
gboolean         qd_server_txn_audit_with_id     (QdServerTxn       *txn,
                                                  const char        *user_id,
                                                  const char        *username,
                                                  const char        *address,
                                                  const char        *action,
                                                  const char        *target,
                                                  const char        *before,
                                                  const char        *after,
                                                  const char        *detail,
                                                  gint64            *out_id,
                                                  GError           **error);

G_END_DECLS
