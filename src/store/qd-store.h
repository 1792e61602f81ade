/* qd-store.h — the client cache: one SQLite file per account
 *
 * A QdStore is one connection to the cache of one account. Several QdStore (in one process
 * or in the app and qudao-cli at once) may open the same file: WAL mode, a busy timeout,
 * and every write is one IMMEDIATE transaction. A QdStore itself is not thread-safe: use it
 * from one thread at a time (open another one for a worker thread).
 *
 * Times: next_attempt_at, lease expiries and the last sync are Unix times in milliseconds;
 * created_at of orders and mutations is RFC 3339 UTC text, as on the wire.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "qd-store-error.h"

G_BEGIN_DECLS

#define QD_TYPE_STORE (qd_store_get_type ())
G_DECLARE_FINAL_TYPE (QdStore, qd_store, QD, STORE, GObject)

/* The schema version this build writes (PRAGMA user_version). */
#define QD_STORE_SCHEMA_VERSION 6

/**
 * QdEntityKinds:
 *
 * The entity kinds of the change feed as bits, so a page (or a mutation result) can say
 * which kinds changed. %QD_ENTITY_KIND_OUTBOX stands for the local outbox.
 */
typedef enum /*< flags >*/
{
  QD_ENTITY_KIND_NONE          = 0,
  QD_ENTITY_KIND_REGION        = 1 << 0,
  QD_ENTITY_KIND_DEALER        = 1 << 1,
  QD_ENTITY_KIND_PRODUCT       = 1 << 2,
  QD_ENTITY_KIND_PRICE         = 1 << 3,
  QD_ENTITY_KIND_ORDER         = 1 << 4,
  QD_ENTITY_KIND_STOCK_REPORT  = 1 << 5,
  QD_ENTITY_KIND_STATEMENT     = 1 << 6,
  QD_ENTITY_KIND_PAYMENT       = 1 << 7,
  QD_ENTITY_KIND_TARGET        = 1 << 8,
  QD_ENTITY_KIND_REBATE_POLICY = 1 << 9,
  QD_ENTITY_KIND_OUTBOX        = 1 << 10,
} QdEntityKinds;

/* "product" → QD_ENTITY_KIND_PRODUCT; unknown names → QD_ENTITY_KIND_NONE. */
QdEntityKinds qd_entity_kind_from_name (const char *name);
const char   *qd_entity_kind_to_name   (QdEntityKinds kind);

/* ---- opening ------------------------------------------------------------------------ */

char       *qd_store_path_for_account  (const char   *data_dir,
                                        const char   *server_url,
                                        const char   *username);
/**
 * QdStoreOpenFlags:
 * @QD_STORE_OPEN_DEFAULT: check the whole file (`PRAGMA quick_check`) before using it
 * @QD_STORE_OPEN_NO_CHECK: skip the whole-file check (it reads every page: ~100 ms for
 *   100,000 products, more with a large order history); a file that is not a database is
 *   still refused. For a fast app start; run qd_store_check() later, off the main thread.
 */
typedef enum
{
  QD_STORE_OPEN_DEFAULT  = 0,
  QD_STORE_OPEN_NO_CHECK = 1 << 0,
} QdStoreOpenFlags;

QdStore    *qd_store_open              (const char   *path,
                                        GError      **error);
QdStore    *qd_store_open_full         (const char   *path,
                                        QdStoreOpenFlags flags,
                                        GError      **error);
gboolean    qd_store_check             (QdStore      *self,
                                        GError      **error);
gboolean    qd_store_move_aside        (const char   *path,
                                        const char   *reason,
                                        GError      **error);
const char *qd_store_get_path          (QdStore      *self);
int         qd_store_get_schema_version (QdStore     *self);

gboolean    qd_store_begin_read        (QdStore      *self,
                                        GError      **error);
void        qd_store_end_read          (QdStore      *self);

/* ---- sync metadata ------------------------------------------------------------------ */

char       *qd_store_dup_meta          (QdStore      *self,
                                        const char   *key);
gboolean    qd_store_set_meta          (QdStore      *self,
                                        const char   *key,
                                        const char   *value,
                                        GError      **error);
char       *qd_store_dup_cursor        (QdStore      *self);
gint64      qd_store_get_last_sync     (QdStore      *self);
gboolean    qd_store_set_last_sync     (QdStore      *self,
                                        gint64        unix_ms,
                                        GError      **error);

/* The dealer this account acts for (orders are queued for it, "your price" is its price). */
#define QD_STORE_META_DEALER_ID "dealer_id"

/* ---- applying the change feed --------------------------------------------------------- */

gboolean    qd_store_begin_page        (QdStore      *self,
                                        GError      **error);
gboolean    qd_store_apply_change      (QdStore      *self,
                                        const char   *entity,
                                        const char   *op,
                                        const char   *id,
                                        JsonObject   *data,
                                        GError      **error);
gboolean    qd_store_commit_page       (QdStore      *self,
                                        const char   *cursor,
                                        QdEntityKinds *out_changed,
                                        GError      **error);
void        qd_store_rollback_page     (QdStore      *self);
gboolean    qd_store_is_bulk_pending   (QdStore      *self);
gboolean    qd_store_end_bulk          (QdStore      *self,
                                        GError      **error);
gboolean    qd_store_reset_feed        (QdStore      *self,
                                        GError      **error);

/* ---- user actions: each one transaction writing the local effect and its outbox row ---- */

typedef struct
{
  const char *product_id;
  gint64      qty;
} QdOrderLineInput;

typedef struct
{
  const char *product_id;
  gint64      qty;
  const char *lot;     /* NULL unless the product is lot-tracked */
  const char *expiry;  /* YYYY-MM-DD or NULL */
} QdStockLineInput;

typedef struct
{
  const char *line_id;
  const char *reason;
} QdDisputeLineInput;

char       *qd_store_queue_order       (QdStore                *self,
                                        const QdOrderLineInput *lines,
                                        guint                   n_lines,
                                        const char             *note,
                                        const char             *requested_date,
                                        GError                **error);
gboolean    qd_store_resubmit_order    (QdStore                *self,
                                        const char             *order_id,
                                        const QdOrderLineInput *lines,
                                        guint                   n_lines,
                                        const char             *note,
                                        const char             *requested_date,
                                        GError                **error);
gboolean    qd_store_cancel_order      (QdStore                *self,
                                        const char             *order_id,
                                        const char             *reason,
                                        GError                **error);
gboolean    qd_store_review_order      (QdStore                *self,
                                        const char             *order_id,
                                        gboolean                approve,
                                        const char             *comment,
                                        GError                **error);
char       *qd_store_report_stock      (QdStore                *self,
                                        const char             *as_of,
                                        const QdStockLineInput *lines,
                                        guint                   n_lines,
                                        GError                **error);
gboolean    qd_store_confirm_statement (QdStore                *self,
                                        const char             *statement_id,
                                        GError                **error);
gboolean    qd_store_dispute_statement (QdStore                   *self,
                                        const char                *statement_id,
                                        const QdDisputeLineInput  *lines,
                                        guint                      n_lines,
                                        GError                   **error);

/* ---- the outbox, for the sync engine --------------------------------------------------- */

typedef enum
{
  QD_OUTBOX_PENDING,
  QD_OUTBOX_CLAIMED,
  QD_OUTBOX_REJECTED,
} QdOutboxState;

typedef struct
{
  gint64         seq;
  char          *id;              /* the mutation UUID */
  char          *type;            /* "order.submit", … */
  char          *entity_id;       /* the order, report or statement concerned */
  char          *payload;         /* JSON text of the payload object */
  char          *created_at;      /* RFC 3339 */
  int            attempts;
  gint64         next_attempt_at; /* Unix ms */
  char          *last_error;
  QdOutboxState  state;
  char          *reject_code;
  char          *reject_message;
} QdOutboxItem;

void        qd_outbox_item_free         (QdOutboxItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOutboxItem, qd_outbox_item_free)

GPtrArray  *qd_store_outbox_claim       (QdStore      *self,
                                         const char   *owner,
                                         guint         max_items,
                                         gint64        now_ms,
                                         gint64        lease_ms,
                                         GError      **error);
gboolean    qd_store_outbox_release     (QdStore      *self,
                                         const char   *owner,
                                         GError      **error);
gboolean    qd_store_outbox_applied     (QdStore      *self,
                                         const char   *mutation_id,
                                         JsonObject   *entity,
                                         QdEntityKinds *out_changed,
                                         GError      **error);
gboolean    qd_store_outbox_rejected    (QdStore      *self,
                                         const char   *mutation_id,
                                         const char   *code,
                                         const char   *message,
                                         GError      **error);
gboolean    qd_store_outbox_retry_later (QdStore      *self,
                                         const char   *mutation_id,
                                         gint64        next_attempt_at_ms,
                                         const char   *error_message,
                                         GError      **error);
gboolean    qd_store_outbox_begin_results (QdStore    *self,
                                         GError      **error);
gboolean    qd_store_outbox_end_results (QdStore      *self,
                                         gboolean      commit,
                                         GError      **error);
gboolean    qd_store_outbox_discard     (QdStore      *self,
                                         const char   *mutation_id,
                                         GError      **error);
gboolean    qd_store_outbox_retry_now   (QdStore      *self,
                                         GError      **error);
GPtrArray  *qd_store_outbox_list        (QdStore      *self,
                                         GError      **error);
guint       qd_store_outbox_count       (QdStore      *self,
                                         QdOutboxState state);
gint64      qd_store_outbox_next_due    (QdStore      *self);

/* ---- the local audit log ---------------------------------------------------------------- */

/* One note of the local audit log: a change the user threw away, and why the brand had
 * rejected it. */
typedef struct
{
  gint64  id;
  gint64  at;               /* Unix ms, UTC */
  char   *action;           /* "discard" */
  char   *mutation_id;
  char   *mutation_type;    /* "order.submit", … */
  char   *entity_id;
  char   *reject_code;
  char   *reject_message;
  char   *payload;          /* JSON text of what would have been sent */
} QdAuditNote;

void        qd_audit_note_free          (QdAuditNote  *note);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdAuditNote, qd_audit_note_free)

GPtrArray  *qd_store_list_audit_notes   (QdStore      *self,
                                         guint         limit,
                                         GError      **error);

/* ---- the cart -------------------------------------------------------------------------- */

typedef struct
{
  char   *product_id;
  gint64  qty;
} QdCartLine;

gboolean    qd_store_cart_set           (QdStore      *self,
                                         const char   *product_id,
                                         gint64        qty,
                                         GError      **error);
GArray     *qd_store_cart_list          (QdStore      *self,
                                         GError      **error);
gboolean    qd_store_cart_clear         (QdStore      *self,
                                         GError      **error);
gboolean    qd_store_cart_add_order     (QdStore      *self,
                                         const char   *order_id,
                                         GError      **error);
char       *qd_store_queue_cart         (QdStore      *self,
                                         const char   *note,
                                         const char   *requested_date,
                                         GError      **error);

/* ---- catalog search -------------------------------------------------------------------- */

typedef struct
{
  const char *text;           /* NULL or "" lists the whole catalog by SKU */
  const char *category;       /* NULL: every category */
  gboolean    ordered_before; /* only products that appear in an order line */
  gboolean    include_inactive;
  guint       limit;          /* 0: 50 */
} QdProductQuery;

typedef enum
{
  QD_MATCH_EXACT  = 0,   /* the SKU or barcode equals the text */
  QD_MATCH_PREFIX = 1,   /* SKU, barcode, 助记码 or pinyin initials start with the text */
  QD_MATCH_NAME   = 2,   /* the name or spec contains the text */
  QD_MATCH_ALL    = 3,   /* no text */
} QdMatchRank;

typedef struct
{
  gint64       rowid;
  char        *id;
  char        *sku;
  char        *name;
  char        *spec;
  char        *category;
  char        *unit;
  gint64       pack_size;
  char        *barcode;
  char        *mnemonic;
  char        *abbr;        /* 助记码 or the computed pinyin initials, lower case */
  gboolean     lot_tracked;
  gboolean     active;
  gint64       price_fen;   /* the account dealer's price, -1 when there is none */
  char        *last_ordered; /* created_at of the latest order with this product, or NULL */
  QdMatchRank  rank;
} QdProductInfo;

void        qd_product_info_free        (QdProductInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdProductInfo, qd_product_info_free)

GPtrArray     *qd_store_search_products (QdStore              *self,
                                         const QdProductQuery *query,
                                         GError              **error);
GArray        *qd_store_search_rowids   (QdStore              *self,
                                         const QdProductQuery *query,
                                         GArray              **out_ranks,
                                         GError              **error);
QdProductInfo *qd_store_get_product     (QdStore              *self,
                                         const char           *id,
                                         GError              **error);
QdProductInfo *qd_store_get_product_by_sku (QdStore           *self,
                                         const char           *sku,
                                         GError              **error);
QdProductInfo *qd_store_get_product_by_rowid (QdStore         *self,
                                         gint64                rowid,
                                         GError              **error);
GPtrArray     *qd_store_list_categories (QdStore              *self,
                                         GError              **error);

/* ---- queries for the UI ---------------------------------------------------------------- */

typedef struct
{
  char     *id;
  char     *number;          /* NULL until the server accepted the order */
  char     *dealer_id;
  char     *status;          /* queued, sending, rejected, or the server's status */
  char     *created_at;
  char     *note;
  char     *requested_date;
  gint64    total_fen;
  guint     n_lines;
  gboolean  is_local;
  gboolean  repriced;
  char     *held_reason;
  char     *reject_code;
  char     *reject_message;
  char     *pending_mutation; /* type of a mutation still waiting for this order, or NULL */
} QdOrderInfo;

typedef struct
{
  char   *product_id;
  char   *sku;               /* NULL when the product is not in the cache */
  char   *name;
  char   *spec;
  char   *unit;
  gint64  qty;
  gint64  unit_price_fen;
  gint64  total_fen;
} QdOrderLineInfo;

typedef struct
{
  const char *status;        /* NULL: all */
  const char *from_date;     /* YYYY-MM-DD inclusive, or NULL */
  const char *to_date;       /* YYYY-MM-DD inclusive, or NULL */
  const char *text;          /* order number, SKU or product name, or NULL */
  const char *dealer_id;     /* NULL: all dealers in the cache */
  guint       limit;         /* 0: no limit */
  guint       offset;
} QdOrderQuery;

void         qd_order_info_free        (QdOrderInfo *info);
void         qd_order_line_info_free   (QdOrderLineInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOrderInfo, qd_order_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOrderLineInfo, qd_order_line_info_free)

GPtrArray   *qd_store_list_orders      (QdStore            *self,
                                        const QdOrderQuery *query,
                                        GError            **error);
QdOrderInfo *qd_store_get_order        (QdStore            *self,
                                        const char         *id,
                                        GPtrArray         **out_lines,
                                        GError            **error);

/**
 * QdOrderEventSource:
 * @QD_ORDER_EVENT_LOCAL: an event of this computer (queued, sent, rejected); the time is
 *   this computer's
 * @QD_ORDER_EVENT_SERVER: a status at the time the server states (submitted and held at
 *   created_at, shipped at shipped_at), or with no time when it is not known
 * @QD_ORDER_EVENT_OBSERVED: a status change a sync brought; the time is when this computer
 *   applied it (the change happened at or before it)
 */
typedef enum
{
  QD_ORDER_EVENT_LOCAL,
  QD_ORDER_EVENT_SERVER,
  QD_ORDER_EVENT_OBSERVED,
} QdOrderEventSource;

typedef struct
{
  char               *status;  /* queued, sent, rejected, or a server status */
  char               *at;      /* RFC 3339 UTC, or NULL when the time is not known */
  QdOrderEventSource  source;
} QdOrderEvent;

void         qd_order_event_free       (QdOrderEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOrderEvent, qd_order_event_free)

GPtrArray   *qd_store_list_order_history (QdStore          *self,
                                        const char         *order_id,
                                        GError            **error);

typedef struct
{
  char     *id;
  char     *dealer_id;
  char     *as_of;
  char     *status;          /* queued, sending, rejected, submitted */
  guint     n_lines;
  gint64    total_qty;
  gboolean  is_local;
  char     *reject_code;
  char     *reject_message;
} QdStockReportInfo;

typedef struct
{
  char   *product_id;
  char   *sku;
  char   *name;
  gint64  qty;
  char   *lot;
  char   *expiry;
} QdStockLineInfo;

GPtrArray         *qd_store_list_carried_products (QdStore  *self,
                                                   guint     limit,
                                                   GError  **error);
void               qd_stock_report_info_free (QdStockReportInfo *info);
void               qd_stock_line_info_free   (QdStockLineInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdStockReportInfo, qd_stock_report_info_free)

GPtrArray         *qd_store_list_stock_reports (QdStore     *self,
                                                GError     **error);
QdStockReportInfo *qd_store_get_stock_report   (QdStore     *self,
                                                const char  *id,
                                                GPtrArray  **out_lines,
                                                GError     **error);

typedef struct
{
  char   *id;
  char   *dealer_id;
  char   *period;
  gint64  version;
  char   *status;
  gint64  opening_balance_fen;
  gint64  closing_balance_fen;
  guint   n_lines;
  char   *pending_mutation;  /* "statement.confirm" / "statement.dispute" still waiting */
} QdStatementInfo;

typedef struct
{
  char   *line_id;
  char   *date;
  char   *kind;
  char   *ref;
  gint64  amount_fen;
  gint64  running_balance_fen;
  char   *disputed_reason;
} QdStatementLineInfo;

void             qd_statement_info_free      (QdStatementInfo *info);
void             qd_statement_line_info_free (QdStatementLineInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdStatementInfo, qd_statement_info_free)

GPtrArray       *qd_store_list_statements   (QdStore     *self,
                                             GError     **error);
QdStatementInfo *qd_store_get_statement     (QdStore     *self,
                                             const char  *id,
                                             GPtrArray  **out_lines,
                                             GError     **error);

char            *qd_store_dup_dealer_name   (QdStore     *self,
                                             const char  *dealer_id);
gboolean         qd_store_count_pending_for_period (QdStore     *self,
                                                    const char  *period,
                                                    guint       *out_count,
                                                    GError     **error);

typedef struct
{
  gint64 credit_limit_fen;
  gint64 open_balance_fen;     /* last statement's closing balance + invoiced since − paid since */
  gint64 uninvoiced_fen;       /* orders queued, sending, submitted, held or approved */
  gint64 available_fen;        /* limit − open balance − uninvoiced */
} QdCreditPosition;

gboolean     qd_store_get_credit_position (QdStore          *self,
                                           const char       *dealer_id,
                                           QdCreditPosition *out,
                                           GError          **error);

G_END_DECLS
