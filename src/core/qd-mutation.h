/* qd-mutation.h — the payloads of the mutations of PROTOCOL.md, as plain C structs
 *
 * One struct per mutation type, shared by the server (to validate what it receives) and
 * the client (to validate before queueing). Each comes with:
 *
 *   qd_<type>_parse (payload, &out, &error)  strict: types, ranges, required and optional
 *                                            members, unknown members refused; the error
 *                                            names the path ("lines[2].qty: expected an
 *                                            integer, got a string")
 *   qd_<type>_to_json (self)                 the payload object, members in protocol order
 *   qd_<type>_new () / _free ()              g_autoptr() works on every struct
 *
 * Parsing checks the shape of a payload, and every rule that needs no data and has no
 * rejection code of its own in PROTOCOL.md (those are `invalid_payload`). Rules with their
 * own code — an order without lines (`empty_order`), a quantity ≤ 0 (`invalid_qty`) — are
 * checked by qd_order_submit_check(), so the server can answer with that code and the
 * client can refuse the order before queueing it. Rules that need data (prices, credit,
 * lot-tracked products, dates in the future, states) are the server's.
 *
 * Strings in the structs are owned (g_strdup) and stay valid after the JSON is gone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "qd-enums.h"

G_BEGIN_DECLS

/* The largest quantity of one line: beyond any real order, small enough that quantity ×
 * unit price can be checked with qd_money_multiply(). */
#define QD_QTY_MAX ((gint64) 1000000000)
/* The most lines of one order, stock report or dispute. */
#define QD_LINES_MAX 10000
/* The longest note, reason or comment, in characters. */
#define QD_TEXT_MAX_CHARS 1000
/* The longest lot number, in characters. */
#define QD_LOT_MAX_CHARS 64

/* order.submit ------------------------------------------------------------------------ */

typedef struct
{
  char   *product_id;   /* a product id (qd_is_id()) */
  gint64  qty;          /* within ±QD_QTY_MAX; ≥ 1 is checked by qd_order_submit_check() */
} QdOrderSubmitLine;

typedef struct
{
  char     *order_id;             /* the client's UUID of the new order */
  GArray   *lines;                /* of QdOrderSubmitLine, 0 to QD_LINES_MAX */
  char     *note;                 /* nullable; up to QD_TEXT_MAX_CHARS */
  char     *requested_date;       /* nullable; YYYY-MM-DD */
  gboolean  has_expected_total;   /* whether expected_total_fen was sent */
  gint64    expected_total_fen;   /* the total the client showed, within ±QD_MONEY_MAX_FEN */
} QdOrderSubmit;

QdOrderSubmit *qd_order_submit_new      (void);
void           qd_order_submit_free     (QdOrderSubmit        *self);
void           qd_order_submit_add_line (QdOrderSubmit        *self,
                                         const char           *product_id,
                                         gint64                qty);
gboolean       qd_order_submit_parse    (JsonObject           *payload,
                                         QdOrderSubmit       **out,
                                         GError              **error);
gboolean       qd_order_submit_check    (const QdOrderSubmit  *self,
                                         const char          **out_code,
                                         GError              **error);
JsonObject    *qd_order_submit_to_json  (const QdOrderSubmit  *self);

/* order.cancel ------------------------------------------------------------------------ */

typedef struct
{
  char *order_id;   /* the order's server id, or the client UUID of an order still queued */
  char *reason;     /* required, may be empty; up to QD_TEXT_MAX_CHARS */
} QdOrderCancel;

QdOrderCancel *qd_order_cancel_new     (void);
void           qd_order_cancel_free    (QdOrderCancel        *self);
gboolean       qd_order_cancel_parse   (JsonObject           *payload,
                                        QdOrderCancel       **out,
                                        GError              **error);
JsonObject    *qd_order_cancel_to_json (const QdOrderCancel  *self);

/* order.review ------------------------------------------------------------------------ */

typedef struct
{
  char             *order_id;
  QdReviewDecision  decision;
  char             *comment;   /* required, may be empty; up to QD_TEXT_MAX_CHARS */
} QdOrderReview;

QdOrderReview *qd_order_review_new     (void);
void           qd_order_review_free    (QdOrderReview        *self);
gboolean       qd_order_review_parse   (JsonObject           *payload,
                                        QdOrderReview       **out,
                                        GError              **error);
JsonObject    *qd_order_review_to_json (const QdOrderReview  *self);

/* stock_report.submit ----------------------------------------------------------------- */

typedef struct
{
  char   *product_id;
  gint64  qty;          /* 0 to QD_QTY_MAX */
  char   *lot;          /* nullable; 1 to QD_LOT_MAX_CHARS characters */
  char   *expiry;       /* nullable; YYYY-MM-DD */
} QdStockReportLine;

typedef struct
{
  char   *report_id;   /* the client's UUID of the report */
  char   *as_of;       /* YYYY-MM-DD; "not in the future" is the server's check */
  GArray *lines;       /* of QdStockReportLine, 0 to QD_LINES_MAX (empty: nothing on hand) */
} QdStockReportSubmit;

QdStockReportSubmit *qd_stock_report_submit_new      (void);
void                 qd_stock_report_submit_free     (QdStockReportSubmit        *self);
void                 qd_stock_report_submit_add_line (QdStockReportSubmit        *self,
                                                      const char                 *product_id,
                                                      gint64                      qty,
                                                      const char                 *lot,
                                                      const char                 *expiry);
gboolean             qd_stock_report_submit_parse    (JsonObject                 *payload,
                                                      QdStockReportSubmit       **out,
                                                      GError                    **error);
JsonObject          *qd_stock_report_submit_to_json  (const QdStockReportSubmit  *self);

/* statement.confirm ------------------------------------------------------------------- */

typedef struct
{
  char   *statement_id;
  gint64  version;        /* ≥ 1 */
} QdStatementConfirm;

QdStatementConfirm *qd_statement_confirm_new     (void);
void                qd_statement_confirm_free    (QdStatementConfirm        *self);
gboolean            qd_statement_confirm_parse   (JsonObject                *payload,
                                                  QdStatementConfirm       **out,
                                                  GError                   **error);
JsonObject         *qd_statement_confirm_to_json (const QdStatementConfirm  *self);

/* statement.dispute ------------------------------------------------------------------- */

typedef struct
{
  char *line_id;
  char *reason;    /* not blank; up to QD_TEXT_MAX_CHARS */
} QdStatementDisputeLine;

typedef struct
{
  char   *statement_id;
  gint64  version;        /* ≥ 1 */
  GArray *lines;          /* of QdStatementDisputeLine, 1 to QD_LINES_MAX, line_id unique */
} QdStatementDispute;

QdStatementDispute *qd_statement_dispute_new      (void);
void                qd_statement_dispute_free     (QdStatementDispute        *self);
void                qd_statement_dispute_add_line (QdStatementDispute        *self,
                                                   const char                *line_id,
                                                   const char                *reason);
gboolean            qd_statement_dispute_parse    (JsonObject                *payload,
                                                   QdStatementDispute       **out,
                                                   GError                   **error);
JsonObject         *qd_statement_dispute_to_json  (const QdStatementDispute  *self);

/* Any type ---------------------------------------------------------------------------- */

/* One element of the "mutations" array of POST /mutations. */
typedef struct
{
  char           *id;           /* the client's UUID of the mutation */
  QdMutationType  type;
  char           *created_at;   /* nullable; RFC 3339 UTC */
  JsonObject     *payload;      /* owned reference; check it with qd_mutation_validate() */
} QdMutation;

QdMutation *qd_mutation_new      (void);
void        qd_mutation_free     (QdMutation        *self);
gboolean    qd_mutation_parse    (JsonObject        *object,
                                  QdMutation       **out,
                                  GError           **error);
JsonObject *qd_mutation_to_json  (const QdMutation  *self);
gboolean    qd_mutation_validate (QdMutationType     type,
                                  JsonObject        *payload,
                                  GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOrderSubmit, qd_order_submit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOrderCancel, qd_order_cancel_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOrderReview, qd_order_review_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdStockReportSubmit, qd_stock_report_submit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdStatementConfirm, qd_statement_confirm_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdStatementDispute, qd_statement_dispute_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdMutation, qd_mutation_free)

G_END_DECLS
