/* qd-store-actions.c — user actions: the local effect and its outbox row, in one transaction
 *
 * Offline first: every action commits locally at once and is sent later by the sync engine.
 * The checks here are the ones the cache can answer (a product exists, a quantity fits the
 * pack size, a statement is still issued) so the user hears about a mistake at once; the
 * server decides the rest (prices, credit) and its verdict comes back through the outbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "qd-enum-types.h"
#include "qd-json.h"
#include "qd-mutation.h"
#include "qd-store-private.h"

#define MAX_QTY G_GINT64_CONSTANT (1000000000)
#define MAX_LINES 5000

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static const char SQL_OUTBOX_INSERT[] =
  "INSERT INTO outbox (id, type, entity_id, payload, created_at, next_attempt_at) "
  "VALUES (?1, ?2, ?3, ?4, ?5, 0)";

/* Appends a mutation (inside the caller's transaction). The payload, built by core's codec,
 * is checked by the same codec the server uses, so a payload the server would refuse as
 * malformed never enters the outbox. Takes ownership of @payload. */
static gboolean
insert_outbox (QdStore         *self,
               QdMutationType   type,
               const char      *entity_id,
               JsonObject      *payload,
               GError         **error)
{
  g_autoptr(JsonObject) owned = payload;
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), payload);
  g_autoptr(GError) invalid = NULL;
  g_autofree char *mutation_id = qd_uuid_new ();
  g_autofree char *text = NULL;
  g_autofree char *now = _qd_store_now_rfc3339 ();
  const char *type_name = qd_enum_to_string (QD_TYPE_MUTATION_TYPE, type);
  sqlite3_stmt *stmt;

  if (!qd_mutation_validate (type, payload, &invalid))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID, "%s", invalid->message);
      return FALSE;
    }
  text = json_to_string (node, FALSE);

  stmt = _qd_store_stmt (self, SQL_OUTBOX_INSERT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, type_name, -1, SQLITE_STATIC);
  _qd_bind_text (stmt, 3, entity_id);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
  return _qd_store_step_done (self, stmt, error);
}

static gboolean
fail (QdStore *self)
{
  _qd_store_rollback (self);
  return FALSE;
}

/* ---- orders ---------------------------------------------------------------------------- */

static const char SQL_PRODUCT_FOR_ORDER[] =
  "SELECT sku, pack_size, active, lot_tracked FROM products WHERE id = ?1";
static const char SQL_PRICE_FOR_DEALER[] =
  "SELECT p.unit_price_fen FROM prices AS p "
  "WHERE p.product_id = ?1 AND (p.dealer_id = ?2 OR (p.dealer_id IS NULL AND p.level = "
  "(SELECT level FROM dealers WHERE id = ?2))) "
  "ORDER BY p.dealer_id IS NULL LIMIT 1";
static const char SQL_LOCAL_ORDER_INSERT[] =
  "INSERT INTO orders (id, dealer_id, status, created_at, client_order_id, note, "
  "requested_date, total_fen, expected_total_fen, is_local) "
  "VALUES (?1, ?2, 'queued', ?3, ?1, ?4, ?5, ?6, ?7, 1)";
static const char SQL_LOCAL_ORDER_UPDATE[] =
  "UPDATE orders SET status = 'queued', note = ?2, requested_date = ?3, total_fen = ?4, "
  "expected_total_fen = ?5, reject_code = NULL, reject_message = NULL WHERE id = ?1";
static const char SQL_ORDER_LINES_CLEAR[] = "DELETE FROM order_lines WHERE order_id = ?1";
static const char SQL_LOCAL_LINE_INSERT[] =
  "INSERT INTO order_lines (order_id, position, product_id, qty, unit_price_fen, total_fen) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* Checks the lines against the cache and prices them; -1 when a price is unknown. */
static gboolean
price_lines (QdStore                *self,
             const char             *dealer_id,
             const QdOrderLineInput *lines,
             guint                   n_lines,
             gint64                 *prices,
             gint64                 *out_total,
             GError                **error)
{
  gint64 total = 0;

  if (n_lines == 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID, _("The order has no lines."));
      return FALSE;
    }
  if (n_lines > MAX_LINES)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("An order can have at most %d lines."), MAX_LINES);
      return FALSE;
    }

  for (guint i = 0; i < n_lines; i++)
    {
      sqlite3_stmt *stmt;
      g_autofree char *sku = NULL;
      gint64 pack_size;
      gboolean active;

      if (lines[i].product_id == NULL)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u has no product."), i + 1);
          return FALSE;
        }
      stmt = _qd_store_stmt (self, SQL_PRODUCT_FOR_ORDER, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, lines[i].product_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                       _("Line %u: unknown product “%s”."), i + 1, lines[i].product_id);
          return FALSE;
        }
      sku = _qd_col_dup (stmt, 0);
      pack_size = MAX (sqlite3_column_int64 (stmt, 1), 1);
      active = sqlite3_column_int (stmt, 2);
      sqlite3_reset (stmt);

      if (!active)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u: product %s is no longer sold."), i + 1, sku);
          return FALSE;
        }
      if (lines[i].qty <= 0 || lines[i].qty > MAX_QTY)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u: the quantity of %s must be a positive number."), i + 1, sku);
          return FALSE;
        }
      if (lines[i].qty % pack_size != 0)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u: the quantity of %s must be a multiple of its pack size %d."),
                       i + 1, sku, (int) MIN (pack_size, G_MAXINT));
          return FALSE;
        }

      prices[i] = -1;
      stmt = _qd_store_stmt (self, SQL_PRICE_FOR_DEALER, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, lines[i].product_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, dealer_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        prices[i] = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);

      /* Quantity up to 10^9 times a price up to 10^15 fen can overflow: check. */
      if (prices[i] >= 0)
        {
          gint64 line_total;

          if (__builtin_mul_overflow (prices[i], lines[i].qty, &line_total)
              || (total >= 0 && line_total > G_MAXINT64 - total))
            {
              g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                           _("Line %u: the amount is too large."), i + 1);
              return FALSE;
            }
          if (total >= 0)
            total += line_total;
        }
      else
        total = -1;
    }

  *out_total = total;
  return TRUE;
}

/* Writes lines of a local order and queues its order.submit (inside a transaction). */
static gboolean
write_order_and_submit (QdStore                *self,
                        const char             *order_id,
                        const QdOrderLineInput *lines,
                        guint                   n_lines,
                        const gint64           *prices,
                        gint64                  total,
                        const char             *note,
                        const char             *requested_date,
                        GError                **error)
{
  g_autoptr(QdOrderSubmit) submit = NULL;

  for (guint i = 0; i < n_lines; i++)
    {
      sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_LOCAL_LINE_INSERT, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, lines[i].product_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, lines[i].qty);
      sqlite3_bind_int64 (stmt, 5, MAX (prices[i], 0));
      sqlite3_bind_int64 (stmt, 6, MAX (prices[i], 0) * lines[i].qty);
      if (!_qd_store_step_done (self, stmt, error))
        return FALSE;
    }

  submit = qd_order_submit_new ();
  submit->order_id = g_strdup (order_id);
  for (guint i = 0; i < n_lines; i++)
    qd_order_submit_add_line (submit, lines[i].product_id, lines[i].qty);
  submit->note = note != NULL && *note != '\0' ? g_strdup (note) : NULL;
  submit->requested_date = g_strdup (requested_date);
  submit->has_expected_total = total >= 0;
  submit->expected_total_fen = MAX (total, 0);

  return _qd_store_history_local (self, order_id, "queued", error)
         && insert_outbox (self, QD_MUTATION_TYPE_ORDER_SUBMIT, order_id,
                           qd_order_submit_to_json (submit), error);
}

static char *
account_dealer (QdStore  *self,
                GError  **error)
{
  char *dealer_id = qd_store_dup_meta (self, QD_STORE_META_DEALER_ID);

  if (dealer_id == NULL)
    g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                 _("This account does not belong to a dealer, so it cannot order or report stock."));
  return dealer_id;
}

static gboolean
check_order_text (const char  *note,
                  const char  *requested_date,
                  GError     **error)
{
  if (note != NULL && !g_utf8_validate (note, -1, NULL))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The note is not valid text."));
      return FALSE;
    }
  if (requested_date != NULL && !qd_is_date (requested_date))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The requested date “%s” is not a date (YYYY-MM-DD)."), requested_date);
      return FALSE;
    }
  return TRUE;
}

/* Queues an order; with @clear_cart, the cart is emptied in the same transaction. */
static char *
queue_order (QdStore                *self,
             const QdOrderLineInput *lines,
             guint                   n_lines,
             const char             *note,
             const char             *requested_date,
             gboolean                clear_cart,
             GError                **error)
{
  g_autofree char *dealer_id = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *now = NULL;
  g_autofree gint64 *prices = NULL;
  gint64 total = 0;
  sqlite3_stmt *stmt;

  if (!check_order_text (note, requested_date, error))
    return NULL;
  dealer_id = account_dealer (self, error);
  if (dealer_id == NULL)
    return NULL;

  prices = g_new0 (gint64, MAX (n_lines, 1));
  if (!price_lines (self, dealer_id, lines, n_lines, prices, &total, error))
    return NULL;

  order_id = qd_uuid_new ();
  now = _qd_store_now_rfc3339 ();
  stmt = _qd_store_stmt (self, SQL_LOCAL_ORDER_INSERT, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, dealer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, note != NULL ? note : "", -1, SQLITE_STATIC);
  _qd_bind_text (stmt, 5, requested_date);
  sqlite3_bind_int64 (stmt, 6, MAX (total, 0));
  if (total >= 0)
    sqlite3_bind_int64 (stmt, 7, total);
  if (!_qd_store_step_done (self, stmt, error)
      || !write_order_and_submit (self, order_id, lines, n_lines, prices, total, note,
                                  requested_date, error))
    return NULL;
  if (clear_cart && !_qd_store_exec (self, "DELETE FROM cart_lines", error))
    return NULL;
  return g_steal_pointer (&order_id);
}

/**
 * qd_store_queue_order:
 * @lines: (array length=n_lines): product and quantity of each line
 * @note: (nullable): a note for the brand
 * @requested_date: (nullable): the delivery date wished, YYYY-MM-DD
 *
 * Saves an order of the account's dealer in state `queued`, priced from the cached price
 * list (the expected total), with its `order.submit` mutation, in one transaction.
 *
 * Returns: (transfer full): the local order id (a UUID), or %NULL with @error set
 */
char *
qd_store_queue_order (QdStore                *self,
                      const QdOrderLineInput *lines,
                      guint                   n_lines,
                      const char             *note,
                      const char             *requested_date,
                      GError                **error)
{
  char *order_id;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (lines != NULL || n_lines == 0, NULL);
  g_return_val_if_fail (!self->in_page, NULL);

  if (!_qd_store_begin (self, error))
    return NULL;
  order_id = queue_order (self, lines, n_lines, note, requested_date, FALSE, error);
  if (order_id == NULL || !_qd_store_commit (self, error))
    {
      fail (self);
      g_clear_pointer (&order_id, g_free);
    }
  return order_id;
}

/**
 * qd_store_queue_cart:
 * @note: (nullable): a note for the brand
 * @requested_date: (nullable): the delivery date wished, YYYY-MM-DD
 *
 * Queues the cart as an order and empties the cart, in one transaction: a crash can
 * neither lose the order nor leave the cart behind to be submitted twice.
 *
 * Returns: (transfer full): the local order id, or %NULL with @error set (the cart is kept)
 */
char *
qd_store_queue_cart (QdStore     *self,
                     const char  *note,
                     const char  *requested_date,
                     GError     **error)
{
  g_autoptr(GArray) cart = NULL;
  g_autofree QdOrderLineInput *lines = NULL;
  char *order_id;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (!self->in_page, NULL);

  if (!_qd_store_begin (self, error))
    return NULL;
  cart = qd_store_cart_list (self, error);
  if (cart == NULL)
    {
      fail (self);
      return NULL;
    }
  lines = g_new0 (QdOrderLineInput, MAX (cart->len, 1));
  for (guint i = 0; i < cart->len; i++)
    {
      lines[i].product_id = g_array_index (cart, QdCartLine, i).product_id;
      lines[i].qty = g_array_index (cart, QdCartLine, i).qty;
    }
  order_id = queue_order (self, lines, cart->len, note, requested_date, TRUE, error);
  if (order_id == NULL || !_qd_store_commit (self, error))
    {
      fail (self);
      g_clear_pointer (&order_id, g_free);
    }
  return order_id;
}

static const char SQL_ORDER_STATE[] =
  "SELECT status, is_local, dealer_id FROM orders WHERE id = ?1";
static const char SQL_PENDING_FOR_ENTITY[] =
  "SELECT id, type, state FROM outbox WHERE entity_id = ?1 AND state <> 'rejected' "
  "ORDER BY seq DESC LIMIT 1";
static const char SQL_REJECTED_SUBMIT[] =
  "SELECT id FROM outbox WHERE entity_id = ?1 AND type = 'order.submit' "
  "AND state = 'rejected'";
static const char SQL_DELETE_MUTATION[] = "DELETE FROM outbox WHERE id = ?1";
static const char SQL_DELETE_LOCAL_ORDER[] = "DELETE FROM orders WHERE id = ?1 AND is_local = 1";

typedef struct
{
  char     *status;
  gboolean  is_local;
  char     *pending_id;
  char     *pending_type;
  char     *pending_state;
} OrderState;

static void
order_state_clear (OrderState *st)
{
  g_free (st->status);
  g_free (st->pending_id);
  g_free (st->pending_type);
  g_free (st->pending_state);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OrderState, order_state_clear)

static gboolean
get_order_state (QdStore     *self,
                 const char  *order_id,
                 OrderState  *st,
                 GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_ORDER_STATE, error);

  memset (st, 0, sizeof *st);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                   _("There is no order %s."), order_id);
      return FALSE;
    }
  st->status = _qd_col_dup (stmt, 0);
  st->is_local = sqlite3_column_int (stmt, 1);
  sqlite3_reset (stmt);

  stmt = _qd_store_stmt (self, SQL_PENDING_FOR_ENTITY, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      st->pending_id = _qd_col_dup (stmt, 0);
      st->pending_type = _qd_col_dup (stmt, 1);
      st->pending_state = _qd_col_dup (stmt, 2);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
exec_id (QdStore     *self,
         const char  *sql,
         const char  *id,
         GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  return _qd_store_step_done (self, stmt, error);
}

/**
 * qd_store_resubmit_order:
 * @order_id: a local order the server rejected
 *
 * Replaces the lines, note and date of a rejected order and queues it again as a new
 * mutation (a new mutation id, the same order id); the rejected mutation is dropped.
 */
gboolean
qd_store_resubmit_order (QdStore                *self,
                         const char             *order_id,
                         const QdOrderLineInput *lines,
                         guint                   n_lines,
                         const char             *note,
                         const char             *requested_date,
                         GError                **error)
{
  g_auto(OrderState) st = { 0, };
  g_autofree char *dealer_id = NULL;
  g_autofree gint64 *prices = NULL;
  gint64 total = 0;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (!check_order_text (note, requested_date, error))
    return FALSE;
  dealer_id = account_dealer (self, error);
  if (dealer_id == NULL)
    return FALSE;

  prices = g_new0 (gint64, MAX (n_lines, 1));
  if (!_qd_store_begin (self, error))
    return FALSE;
  if (!get_order_state (self, order_id, &st, error))
    return fail (self);
  if (!st.is_local || g_strcmp0 (st.status, "rejected") != 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("Only an order the server rejected can be edited and sent again."));
      return fail (self);
    }
  if (!price_lines (self, dealer_id, lines, n_lines, prices, &total, error))
    return fail (self);

  /* Drop the rejected mutation(s): the new one supersedes them. */
  for (;;)
    {
      g_autofree char *old_id = NULL;

      stmt = _qd_store_stmt (self, SQL_REJECTED_SUBMIT, error);
      if (stmt == NULL)
        return fail (self);
      sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        old_id = _qd_col_dup (stmt, 0);
      sqlite3_reset (stmt);
      if (old_id == NULL)
        break;
      if (!exec_id (self, SQL_DELETE_MUTATION, old_id, error))
        return fail (self);
    }

  stmt = _qd_store_stmt (self, SQL_LOCAL_ORDER_UPDATE, error);
  if (stmt == NULL)
    return fail (self);
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, note != NULL ? note : "", -1, SQLITE_STATIC);
  _qd_bind_text (stmt, 3, requested_date);
  sqlite3_bind_int64 (stmt, 4, MAX (total, 0));
  if (total >= 0)
    sqlite3_bind_int64 (stmt, 5, total);
  if (!_qd_store_step_done (self, stmt, error)
      || !exec_id (self, SQL_ORDER_LINES_CLEAR, order_id, error)
      || !write_order_and_submit (self, order_id, lines, n_lines, prices, total, note,
                                  requested_date, error))
    return fail (self);
  return _qd_store_commit (self, error);
}

/**
 * qd_store_cancel_order:
 * @reason: (nullable): why, for the brand
 *
 * Cancels an order. One still queued (never sent) is simply removed with its mutation; one
 * the server has (submitted or held) gets an `order.cancel` mutation. An order being sent
 * right now, or past the point of cancelling, gives %QD_STORE_ERROR_STATE.
 */
gboolean
qd_store_cancel_order (QdStore     *self,
                       const char  *order_id,
                       const char  *reason,
                       GError     **error)
{
  g_auto(OrderState) st = { 0, };
  g_autoptr(QdOrderCancel) cancel = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (reason != NULL && !g_utf8_validate (reason, -1, NULL))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The reason is not valid text."));
      return FALSE;
    }

  if (!_qd_store_begin (self, error))
    return FALSE;
  if (!get_order_state (self, order_id, &st, error))
    return fail (self);

  if (st.is_local)
    {
      if (g_strcmp0 (st.status, "queued") == 0 && st.pending_id != NULL
          && g_strcmp0 (st.pending_state, "pending") == 0)
        {
          /* Never sent: nothing to tell the server. */
          if (!exec_id (self, SQL_DELETE_MUTATION, st.pending_id, error)
              || !exec_id (self, SQL_DELETE_LOCAL_ORDER, order_id, error))
            return fail (self);
          return _qd_store_commit (self, error);
        }
      if (g_strcmp0 (st.status, "rejected") == 0)
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                     _("The server rejected this order; discard it instead of cancelling."));
      else
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                     _("The order is being sent right now; cancel it after the next sync."));
      return fail (self);
    }

  if (g_strcmp0 (st.status, "submitted") != 0 && g_strcmp0 (st.status, "held") != 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("Order %s can no longer be cancelled (it is %s)."), order_id, st.status);
      return fail (self);
    }
  if (st.pending_id != NULL)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("A change to this order is already waiting to be sent."));
      return fail (self);
    }

  cancel = qd_order_cancel_new ();
  cancel->order_id = g_strdup (order_id);
  cancel->reason = g_strdup (reason != NULL ? reason : "");

  if (!insert_outbox (self, QD_MUTATION_TYPE_ORDER_CANCEL, order_id,
                      qd_order_cancel_to_json (cancel), error))
    return fail (self);
  return _qd_store_commit (self, error);
}

/**
 * qd_store_review_order:
 * @approve: %TRUE to approve, %FALSE to reject
 * @comment: (nullable): the manager's comment
 *
 * Queues a manager's decision on an order held for review.
 */
gboolean
qd_store_review_order (QdStore     *self,
                       const char  *order_id,
                       gboolean     approve,
                       const char  *comment,
                       GError     **error)
{
  g_auto(OrderState) st = { 0, };
  g_autoptr(QdOrderReview) review = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (comment != NULL && !g_utf8_validate (comment, -1, NULL))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The comment is not valid text."));
      return FALSE;
    }
  if (!_qd_store_begin (self, error))
    return FALSE;
  if (!get_order_state (self, order_id, &st, error))
    return fail (self);
  if (st.is_local || g_strcmp0 (st.status, "held") != 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("Only an order held for review can be approved or rejected."));
      return fail (self);
    }
  if (st.pending_id != NULL)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("A change to this order is already waiting to be sent."));
      return fail (self);
    }

  review = qd_order_review_new ();
  review->order_id = g_strdup (order_id);
  review->decision = approve ? QD_REVIEW_DECISION_APPROVE : QD_REVIEW_DECISION_REJECT;
  review->comment = g_strdup (comment != NULL ? comment : "");

  if (!insert_outbox (self, QD_MUTATION_TYPE_ORDER_REVIEW, order_id,
                      qd_order_review_to_json (review), error))
    return fail (self);
  return _qd_store_commit (self, error);
}

/* ---- stock reports --------------------------------------------------------------------- */

static const char SQL_LOCAL_REPORT_INSERT[] =
  "INSERT INTO stock_reports (id, dealer_id, as_of, status, is_local) "
  "VALUES (?1, ?2, ?3, 'queued', 1)";
static const char SQL_LOCAL_REPORT_LINE[] =
  "INSERT INTO stock_report_lines (report_id, position, product_id, qty, lot, expiry) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/**
 * qd_store_report_stock:
 * @as_of: the date of the count, YYYY-MM-DD, not in the future
 * @lines: (array length=n_lines): the lines (lot and expiry for lot-tracked products)
 *
 * Saves a stock report of the account's dealer with its `stock_report.submit` mutation.
 *
 * Returns: (transfer full): the report id (a UUID), or %NULL with @error set
 */
char *
qd_store_report_stock (QdStore                *self,
                       const char             *as_of,
                       const QdStockLineInput *lines,
                       guint                   n_lines,
                       GError                **error)
{
  g_autofree char *dealer_id = NULL;
  g_autofree char *report_id = NULL;
  g_autofree char *now = today ();
  g_autoptr(QdStockReportSubmit) report = qd_stock_report_submit_new ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (lines != NULL || n_lines == 0, NULL);
  g_return_val_if_fail (!self->in_page, NULL);

  if (as_of == NULL || !qd_is_date (as_of))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The stock date “%s” is not a date (YYYY-MM-DD)."), as_of ? as_of : "");
      return NULL;
    }
  if (strcmp (as_of, now) > 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The stock date %s lies in the future."), as_of);
      return NULL;
    }
  if (n_lines == 0 || n_lines > MAX_LINES)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("A stock report needs between 1 and %d lines."), MAX_LINES);
      return NULL;
    }
  dealer_id = account_dealer (self, error);
  if (dealer_id == NULL)
    return NULL;

  if (!_qd_store_begin (self, error))
    return NULL;

  report_id = qd_uuid_new ();
  stmt = _qd_store_stmt (self, SQL_LOCAL_REPORT_INSERT, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, dealer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, as_of, -1, SQLITE_STATIC);
  if (!_qd_store_step_done (self, stmt, error))
    goto fail;

  report->report_id = g_strdup (report_id);
  report->as_of = g_strdup (as_of);

  for (guint i = 0; i < n_lines; i++)
    {
      const QdStockLineInput *line = &lines[i];
      g_autofree char *sku = NULL;
      gboolean lot_tracked;

      if (line->product_id == NULL)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u has no product."), i + 1);
          goto fail;
        }
      stmt = _qd_store_stmt (self, SQL_PRODUCT_FOR_ORDER, error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, line->product_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                       _("Line %u: unknown product “%s”."), i + 1, line->product_id);
          goto fail;
        }
      sku = _qd_col_dup (stmt, 0);
      lot_tracked = sqlite3_column_int (stmt, 3);
      sqlite3_reset (stmt);

      if (line->qty < 0 || line->qty > MAX_QTY)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u: the quantity of %s cannot be negative."), i + 1, sku);
          goto fail;
        }
      if (lot_tracked && (line->lot == NULL || *line->lot == '\0' || line->expiry == NULL))
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u: %s is lot-tracked and needs a lot number and an expiry date."),
                       i + 1, sku);
          goto fail;
        }
      if (line->expiry != NULL && !qd_is_date (line->expiry))
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u: the expiry “%s” is not a date (YYYY-MM-DD)."), i + 1,
                       line->expiry);
          goto fail;
        }
      if (line->lot != NULL && !g_utf8_validate (line->lot, -1, NULL))
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Line %u: the lot number is not valid text."), i + 1);
          goto fail;
        }

      stmt = _qd_store_stmt (self, SQL_LOCAL_REPORT_LINE, error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, line->product_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, line->qty);
      _qd_bind_text (stmt, 5, line->lot);
      _qd_bind_text (stmt, 6, line->expiry);
      if (!_qd_store_step_done (self, stmt, error))
        goto fail;

      qd_stock_report_submit_add_line (report, line->product_id, line->qty, line->lot,
                                       line->expiry);
    }

  if (!insert_outbox (self, QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT, report_id,
                      qd_stock_report_submit_to_json (report), error)
      || !_qd_store_commit (self, error))
    goto fail;
  return g_steal_pointer (&report_id);

fail:
  fail (self);
  return NULL;
}

/* ---- statements ------------------------------------------------------------------------ */

static const char SQL_STATEMENT_STATE[] =
  "SELECT status, version FROM statements WHERE id = ?1";
static const char SQL_STATEMENT_HAS_LINE[] =
  "SELECT 1 FROM statement_lines WHERE statement_id = ?1 AND line_id = ?2";
static const char SQL_ORDERS_WAITING[] =
  "SELECT count(*) FROM outbox WHERE state <> 'rejected' "
  "AND type IN ('order.submit', 'order.cancel')";

static gboolean
check_statement (QdStore     *self,
                 const char  *statement_id,
                 gint64      *out_version,
                 GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_STATEMENT_STATE, error);
  g_autofree char *status = NULL;
  int waiting = 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, statement_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                   _("There is no statement %s."), statement_id);
      return FALSE;
    }
  status = _qd_col_dup (stmt, 0);
  *out_version = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);

  if (g_strcmp0 (status, "issued") != 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("This statement is already %s."), status);
      return FALSE;
    }

  stmt = _qd_store_stmt (self, SQL_PENDING_FOR_ENTITY, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, statement_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("An answer to this statement is already waiting to be sent."));
      return FALSE;
    }
  sqlite3_reset (stmt);

  /* Orders still on their way may change what the statement should say. */
  stmt = _qd_store_stmt (self, SQL_ORDERS_WAITING, error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    waiting = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (waiting > 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE,
                   _("Orders are still waiting to be sent; sync before answering the statement."));
      return FALSE;
    }
  return TRUE;
}

/**
 * qd_store_confirm_statement:
 *
 * Queues the confirmation of the cached version of an issued statement.
 */
gboolean
qd_store_confirm_statement (QdStore     *self,
                            const char  *statement_id,
                            GError     **error)
{
  g_autoptr(QdStatementConfirm) confirm = qd_statement_confirm_new ();
  gint64 version = 0;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (statement_id != NULL, FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (!_qd_store_begin (self, error))
    return FALSE;
  if (!check_statement (self, statement_id, &version, error))
    return fail (self);

  confirm->statement_id = g_strdup (statement_id);
  confirm->version = version;
  if (!insert_outbox (self, QD_MUTATION_TYPE_STATEMENT_CONFIRM, statement_id,
                      qd_statement_confirm_to_json (confirm), error))
    return fail (self);
  return _qd_store_commit (self, error);
}

/**
 * qd_store_dispute_statement:
 * @lines: (array length=n_lines): the disputed lines, each with a reason
 *
 * Queues a dispute of lines of the cached version of an issued statement.
 */
gboolean
qd_store_dispute_statement (QdStore                   *self,
                            const char                *statement_id,
                            const QdDisputeLineInput  *lines,
                            guint                      n_lines,
                            GError                   **error)
{
  g_autoptr(QdStatementDispute) dispute = qd_statement_dispute_new ();
  gint64 version = 0;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (statement_id != NULL, FALSE);
  g_return_val_if_fail (lines != NULL || n_lines == 0, FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (n_lines == 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("Choose at least one line to dispute."));
      return FALSE;
    }

  if (!_qd_store_begin (self, error))
    return FALSE;
  if (!check_statement (self, statement_id, &version, error))
    return fail (self);

  dispute->statement_id = g_strdup (statement_id);
  dispute->version = version;
  for (guint i = 0; i < n_lines; i++)
    {
      sqlite3_stmt *stmt;
      gboolean found;

      if (lines[i].reason == NULL || !g_utf8_validate (lines[i].reason, -1, NULL)
          || is_blank (lines[i].reason))
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("Give a reason for disputing line %s."),
                       lines[i].line_id != NULL ? lines[i].line_id : "?");
          return fail (self);
        }
      stmt = _qd_store_stmt (self, SQL_STATEMENT_HAS_LINE, error);
      if (stmt == NULL)
        return fail (self);
      sqlite3_bind_text (stmt, 1, statement_id, -1, SQLITE_STATIC);
      _qd_bind_text (stmt, 2, lines[i].line_id);
      found = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (!found)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                       _("The statement has no line %s."),
                       lines[i].line_id != NULL ? lines[i].line_id : "?");
          return fail (self);
        }

      qd_statement_dispute_add_line (dispute, lines[i].line_id, lines[i].reason);
    }

  if (!insert_outbox (self, QD_MUTATION_TYPE_STATEMENT_DISPUTE, statement_id,
                      qd_statement_dispute_to_json (dispute), error))
    return fail (self);
  return _qd_store_commit (self, error);
}

/* ---- cart ------------------------------------------------------------------------------ */

static const char SQL_CART_SET[] =
  "INSERT INTO cart_lines (product_id, qty, added_at) VALUES (?1, ?2, ?3) "
  "ON CONFLICT (product_id) DO UPDATE SET qty = excluded.qty";
static const char SQL_CART_DELETE[] = "DELETE FROM cart_lines WHERE product_id = ?1";
static const char SQL_CART_LIST[] =
  "SELECT product_id, qty FROM cart_lines ORDER BY added_at, rowid";

/**
 * qd_store_cart_set:
 * @qty: the quantity; 0 removes the line
 */
gboolean
qd_store_cart_set (QdStore     *self,
                   const char  *product_id,
                   gint64       qty,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (product_id != NULL, FALSE);

  if (qty < 0 || qty > MAX_QTY)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The quantity must be a positive number."));
      return FALSE;
    }
  stmt = _qd_store_stmt (self, qty > 0 ? SQL_CART_SET : SQL_CART_DELETE, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, product_id, -1, SQLITE_STATIC);
  if (qty > 0)
    {
      sqlite3_bind_int64 (stmt, 2, qty);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
    }
  return _qd_store_step_done (self, stmt, error);
}

static void
cart_line_clear (QdCartLine *line)
{
  g_free (line->product_id);
}

/**
 * qd_store_cart_list:
 *
 * Returns: (transfer full) (element-type QdCartLine): the cart, in the order lines were added
 */
GArray *
qd_store_cart_list (QdStore  *self,
                    GError  **error)
{
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (QdCartLine));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  g_array_set_clear_func (lines, (GDestroyNotify) cart_line_clear);
  stmt = _qd_store_stmt (self, SQL_CART_LIST, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdCartLine line = { _qd_col_dup (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      g_array_append_val (lines, line);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&lines);
}

gboolean
qd_store_cart_clear (QdStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  return _qd_store_exec (self, "DELETE FROM cart_lines", error);
}

static const char SQL_CART_FROM_ORDER[] =
  "INSERT INTO cart_lines (product_id, qty, added_at) "
  "SELECT l.product_id, sum (l.qty), ?2 + min (l.position) FROM order_lines AS l "
  "JOIN products AS p ON p.id = l.product_id AND p.active = 1 "
  "WHERE l.order_id = ?1 AND l.qty > 0 GROUP BY l.product_id "
  "ON CONFLICT (product_id) DO UPDATE SET qty = cart_lines.qty + excluded.qty";

/**
 * qd_store_cart_add_order:
 * @order_id: a past order
 *
 * Re-order: adds the lines of @order_id to the cart (quantities add up; products no longer
 * sold are left out).
 */
gboolean
qd_store_cart_add_order (QdStore     *self,
                         const char  *order_id,
                         GError     **error)
{
  g_auto(OrderState) st = { 0, };
  sqlite3_stmt *stmt;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);

  if (!_qd_store_begin (self, error))
    return FALSE;
  if (!get_order_state (self, order_id, &st, error))
    return fail (self);
  stmt = _qd_store_stmt (self, SQL_CART_FROM_ORDER, error);
  if (stmt == NULL)
    return fail (self);
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  if (!_qd_store_step_done (self, stmt, error))
    return fail (self);
  return _qd_store_commit (self, error);
}
