/* qd-server-mutations.c — POST /mutations
 *
 * The envelope is checked on the main thread (a malformed one is 400 for the batch); the
 * mutations are applied on the writer thread, inside the savepoint of their request. Each
 * mutation is atomic and independent without a savepoint of its own: every rule checks
 * (reads only) before the mutation's first write (writes_begin), so a rejected mutation has
 * written nothing, and a storage failure undoes the whole request (answered 503, retried by
 * the client). A savepoint per mutation cost a copy of every page it touched into the
 * sub-journal — a third of the writer's time in batches of 100 orders. Every result,
 * applied or rejected, is recorded under the mutation id in the same transaction, so a
 * repeat answers the first result with "duplicate": true; the same id with a different
 * body (compared by a hash of the canonical JSON of type and payload) is `id_reused`.
 * An applied result is recorded by reference to its audit entry, whose after-image is the
 * answered entity, instead of a third copy of it (migration 002).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-private.h"

#include <string.h>

#include "qd-enum-types.h"
#include "qd-error.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-mutation.h"
#include "qd-server-rules.h"

/* ---------------------------------------------------------------------------------- */
/* Canonical JSON (sorted members) for the body hash                                    */

/* The hashes of recorded mutations were made from json-glib's text of each value; this
 * must stay byte for byte the same, or a repeat after an upgrade would be `id_reused`. The
 * common values are written directly (what json-glib writes for them), the rest by it. */
static void
append_json_value (GString  *out,
                   JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  g_string_append (out, text);
}

static void
append_json_string (GString    *out,
                    const char *s)
{
  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = *p;

      /* json-glib escapes these (0x7f as \u007f); everything else goes as is. */
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
        {
          g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

          json_node_set_string (node, s);
          append_json_value (out, node);
          return;
        }
    }
  g_string_append_c (out, '"');
  g_string_append (out, s);
  g_string_append_c (out, '"');
}

static void
canonical (JsonNode *node,
           GString  *out)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        GList *names = g_list_sort (json_object_get_members (o), (GCompareFunc) strcmp);

        g_string_append_c (out, '{');
        for (GList *l = names; l != NULL; l = l->next)
          {
            if (l != names)
              g_string_append_c (out, ',');
            append_json_string (out, l->data);
            g_string_append_c (out, ':');
            canonical (json_object_get_member (o, l->data), out);
          }
        g_string_append_c (out, '}');
        g_list_free (names);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            canonical (json_array_get_element (a, i), out);
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          append_json_string (out, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          append_json_value (out, node);
          break;
        }
      break;
    }
}

static GBytes *
body_hash (const char *type,
           JsonNode   *payload)
{
  g_autoptr(GString) text = g_string_new (type);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_string_append_c (text, '\n');
  if (payload != NULL)
    canonical (payload, text);
  g_checksum_update (sum, (const guchar *) text->str, text->len);
  g_checksum_get_digest (sum, digest, &len);
  return g_bytes_new (digest, len);
}

/* ---------------------------------------------------------------------------------- */
/* Applying one mutation                                                                */

typedef struct
{
  QdServerTxn        *txn;
  const QdServerUser *user;
  const char         *address;
  const char         *now;       /* RFC 3339 */
  char                today[11]; /* YYYY-MM-DD */
  gboolean            writing;   /* past the checks: no rejection may follow */

  /* a rejection */
  char               *code;
  char               *message;
  JsonNode           *details;

  /* what changed */
  QdServerEntity      entity;
  char               *entity_id;
  char               *before;
  char               *extra;     /* members appended to the answered entity */
  char               *comment;   /* for the audit log */
} Apply;

static void
apply_clear (Apply *a)
{
  g_clear_pointer (&a->code, g_free);
  g_clear_pointer (&a->message, g_free);
  g_clear_pointer (&a->details, json_node_unref);
  g_clear_pointer (&a->entity_id, g_free);
  g_clear_pointer (&a->before, g_free);
  g_clear_pointer (&a->extra, g_free);
  g_clear_pointer (&a->comment, g_free);
}

static gboolean G_GNUC_PRINTF (4, 5)
reject (Apply      *a,
        const char *code,
        JsonNode   *details,
        const char *format,
        ...)
{
  va_list args;

  va_start (args, format);
  a->code = g_strdup (code);
  a->message = g_strdup_vprintf (format, args);
  a->details = details;
  va_end (args);
  return TRUE;
}

static JsonNode *
details_new (const char *first_member,
             ...)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  const char *name = first_member;
  va_list args;

  /* Pairs of (name, type char, value): 's' string, 'i' gint64. */
  va_start (args, first_member);
  while (name != NULL)
    {
      int kind = va_arg (args, int);

      if (kind == 's')
        json_object_set_string_member (o, name, va_arg (args, const char *));
      else
        json_object_set_int_member (o, name, va_arg (args, gint64));
      name = va_arg (args, const char *);
    }
  va_end (args);
  json_node_take_object (node, o);
  return node;
}

/* Marks the end of a mutation's checks: what follows writes, and only a storage failure
 * (which undoes the whole request) may stop it. */
static void
writes_begin (Apply *a)
{
  a->writing = TRUE;
}

static gboolean
is_not_found (GError *error)
{
  return g_error_matches (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND);
}

/* Storage errors end the request (503); NOT_FOUND is a rule outcome the caller handles. */
#define STORAGE_OK(call) \
  G_STMT_START { if (!(call)) return FALSE; } G_STMT_END

static gboolean
set_changed (Apply          *a,
             QdServerEntity  entity,
             const char     *id,
             GError        **error)
{
  a->entity = entity;
  a->entity_id = g_strdup (id);
  return qd_server_txn_log (a->txn, entity, id, error);
}

static gboolean
apply_order_submit (Apply       *a,
                    gpointer     parsed,
                    GError     **error)
{
  QdOrderSubmit *s = parsed;
  g_autoptr(GError) local = NULL;
  g_auto(QdServerDealer) dealer = { 0 };
  g_auto(QdServerOrder) existing = { 0 };
  g_auto(QdServerOrder) order = { 0 };
  g_autofree char *since = NULL;
  g_autofree char *held = NULL;
  g_autofree char *day = NULL;
  g_autofree char *number = NULL;
  const char *code = NULL;
  gint64 total = 0, counter = 0, available;

  if (!qd_order_submit_check (s, &code, &local))
    return reject (a, code, NULL, "%s", local->message);

  if (a->user->dealer_id == NULL ||
      !qd_server_txn_get_dealer (a->txn, a->user->dealer_id, &dealer, &local))
    {
      if (local != NULL && !is_not_found (local))
        return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
      return reject (a, "forbidden", NULL, "This account belongs to no dealer.");
    }
  if (!dealer.active)
    return reject (a, "forbidden", NULL, "The dealer account is inactive.");

  if (qd_server_txn_get_order (a->txn, s->order_id, &existing, &local))
    return reject (a, "already_exists", details_new ("order_id", 's', s->order_id, NULL),
                   "An order with id %s exists already.", s->order_id);
  if (!is_not_found (local))
    return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
  g_clear_error (&local);

  since = qd_server_rules_six_months_before (a->today);
  order.lines = g_array_sized_new (FALSE, TRUE, sizeof (QdServerOrderLine), s->lines->len);

  for (guint i = 0; i < s->lines->len; i++)
    {
      const QdOrderSubmitLine *in = &g_array_index (s->lines, QdOrderSubmitLine, i);
      g_auto(QdServerProduct) product = { 0 };
      QdServerOrderLine line = { in->product_id, in->qty, 0, 0 };
      gint64 history = 0;

      if (!qd_server_txn_get_product (a->txn, in->product_id, &product, &local))
        {
          if (!is_not_found (local))
            return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
          return reject (a, "unknown_product",
                         details_new ("line", 'i', (gint64) i, "product_id", 's', in->product_id, NULL),
                         "lines[%u]: there is no product %s.", i, in->product_id);
        }
      if (!product.active)
        return reject (a, "product_inactive",
                       details_new ("line", 'i', (gint64) i, "product_id", 's', in->product_id, NULL),
                       "lines[%u]: product %s is no longer sold.", i, in->product_id);
      if (in->qty <= 0 || in->qty % product.pack_size != 0 || in->qty > product.max_line_qty)
        return reject (a, "invalid_qty",
                       details_new ("line", 'i', (gint64) i, "qty", 'i', in->qty,
                                    "pack_size", 'i', product.pack_size,
                                    "max_qty", 'i', product.max_line_qty, NULL),
                       "lines[%u]: quantity %" G_GINT64_FORMAT " must be a positive multiple "
                       "of the pack size %" G_GINT64_FORMAT " and at most %" G_GINT64_FORMAT ".",
                       i, in->qty, product.pack_size, product.max_line_qty);
      if (!qd_server_txn_get_price (a->txn, in->product_id, dealer.id, dealer.level,
                                    &line.unit_price_fen, &local))
        {
          if (!is_not_found (local))
            return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
          return reject (a, "unknown_product",
                         details_new ("line", 'i', (gint64) i, "product_id", 's', in->product_id, NULL),
                         "lines[%u]: product %s has no price for this dealer.", i, in->product_id);
        }
      if (!qd_money_multiply (line.unit_price_fen, in->qty, &line.total_fen, NULL) ||
          !qd_money_add (total, line.total_fen, &total, NULL))
        return reject (a, "invalid_qty", details_new ("line", 'i', (gint64) i, NULL),
                       "lines[%u]: the amount is too large.", i);

      if (held == NULL)
        {
          STORAGE_OK (qd_server_txn_sum_ordered_qty (a->txn, dealer.id, in->product_id, since,
                                                      &history, error));
          held = qd_server_rules_hold_line (in->product_id, in->qty, history);
        }
      g_array_append_val (order.lines, line);
    }

  available = qd_server_rules_available_credit (dealer.credit_limit_fen, dealer.ledger_fen,
                                                dealer.open_orders_fen);
  if (total > available)
    return reject (a, "credit_limit_exceeded",
                   details_new ("total_fen", 'i', total, "available_fen", 'i', available, NULL),
                   "The order total %" G_GINT64_FORMAT " fen exceeds the available credit "
                   "%" G_GINT64_FORMAT " fen.", total, available);
  if (held == NULL)
    held = qd_server_rules_hold_total (total, dealer.hold_threshold_fen);

  writes_begin (a);
  day = g_strdup_printf ("%.4s%.2s%.2s", a->today, a->today + 5, a->today + 8);
  {
    g_autofree char *counter_name = g_strconcat ("order:", day, NULL);

    STORAGE_OK (qd_server_txn_next_counter (a->txn, counter_name, &counter, error));
  }
  number = qd_server_rules_order_number (day, counter);

  order.id = g_strdup (s->order_id);
  order.number = g_strdup (number);
  order.dealer_id = g_strdup (dealer.id);
  order.status = g_strdup (held != NULL ? "held" : "submitted");
  order.created_at = g_strdup (a->now);
  order.client_order_id = g_strdup (s->order_id);
  order.note = g_strdup (s->note);
  order.requested_date = g_strdup (s->requested_date);
  order.total_fen = total;
  order.held_reason = g_strdup (held);

  STORAGE_OK (qd_server_txn_insert_order (a->txn, &order, error));
  STORAGE_OK (qd_server_txn_add_open_orders (a->txn, dealer.id, total, error));
  STORAGE_OK (qd_server_txn_log_at_commit (a->txn, QD_SERVER_ENTITY_DEALER, dealer.id, error));
  a->extra = g_strdup_printf ("\"repriced\":%s",
                              s->has_expected_total && s->expected_total_fen != total
                              ? "true" : "false");
  return set_changed (a, QD_SERVER_ENTITY_ORDER, order.id, error);
}

/* Loads an order the caller may act on; FALSE+NULL error when a rejection was set. */
static gboolean
load_order (Apply          *a,
            const char     *id,
            QdServerOrder  *order,
            GError        **error)
{
  g_autoptr(GError) local = NULL;
  gboolean visible;

  if (!qd_server_txn_get_order (a->txn, id, order, &local))
    {
      if (!is_not_found (local))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        reject (a, "not_found", NULL, "There is no order %s.", id);
      return FALSE;
    }

  switch (a->user->role)
    {
    case QD_USER_ROLE_ADMIN:
      visible = TRUE;
      break;
    case QD_USER_ROLE_DEALER:
      visible = g_strcmp0 (order->dealer_id, a->user->dealer_id) == 0;
      break;
    case QD_USER_ROLE_MANAGER:
    default:
      {
        g_auto(QdServerDealer) dealer = { 0 };

        if (!qd_server_txn_get_dealer (a->txn, order->dealer_id, &dealer, &local))
          {
            if (!is_not_found (local))
              g_propagate_error (error, g_steal_pointer (&local));
            visible = FALSE;
          }
        else
          visible = a->user->region_ids != NULL &&
                    g_strv_contains ((const char * const *) a->user->region_ids,
                                     dealer.region_id);
      }
      break;
    }

  if (error != NULL && *error != NULL)
    return FALSE;
  if (!visible)
    {
      /* Indistinguishable from an order that does not exist. */
      reject (a, "not_found", NULL, "There is no order %s.", id);
      return FALSE;
    }
  a->before = qd_server_txn_render (a->txn, QD_SERVER_ENTITY_ORDER, id, NULL);
  return TRUE;
}

static gboolean
apply_order_cancel (Apply       *a,
                    gpointer     parsed,
                    GError     **error)
{
  QdOrderCancel *c = parsed;
  g_autoptr(GError) local = NULL;
  g_auto(QdServerOrder) order = { 0 };

  if (!load_order (a, c->order_id, &order, error))
    return error == NULL || *error == NULL;
  if (!g_str_equal (order.status, "submitted") && !g_str_equal (order.status, "held"))
    return reject (a, "invalid_state", details_new ("status", 's', order.status, NULL),
                   "Order %s is %s; only submitted or held orders can be cancelled.",
                   order.number, order.status);

  a->comment = g_strdup (c->reason);
  writes_begin (a);
  STORAGE_OK (qd_server_txn_set_order_status (a->txn, order.id, "cancelled", NULL, error));
  STORAGE_OK (qd_server_txn_add_open_orders (a->txn, order.dealer_id, -order.total_fen, error));
  STORAGE_OK (qd_server_txn_log_at_commit (a->txn, QD_SERVER_ENTITY_DEALER, order.dealer_id,
                                           error));
  return set_changed (a, QD_SERVER_ENTITY_ORDER, order.id, error);
}

static gboolean
apply_order_review (Apply       *a,
                    gpointer     parsed,
                    GError     **error)
{
  QdOrderReview *r = parsed;
  g_autoptr(GError) local = NULL;
  g_auto(QdServerOrder) order = { 0 };
  gboolean approve;

  if (!load_order (a, r->order_id, &order, error))
    return error == NULL || *error == NULL;
  if (!g_str_equal (order.status, "held"))
    return reject (a, "invalid_state", details_new ("status", 's', order.status, NULL),
                   "Order %s is %s; only held orders are reviewed.", order.number, order.status);

  approve = r->decision == QD_REVIEW_DECISION_APPROVE;
  a->comment = g_strdup (r->comment);
  writes_begin (a);
  STORAGE_OK (qd_server_txn_set_order_status (a->txn, order.id, approve ? "approved" : "rejected",
                                              NULL, error));
  if (!approve)
    {
      STORAGE_OK (qd_server_txn_add_open_orders (a->txn, order.dealer_id, -order.total_fen,
                                                 error));
      STORAGE_OK (qd_server_txn_log_at_commit (a->txn, QD_SERVER_ENTITY_DEALER, order.dealer_id,
                                           error));
    }
  return set_changed (a, QD_SERVER_ENTITY_ORDER, order.id, error);
}

static gboolean
apply_stock_report (Apply       *a,
                    gpointer     parsed,
                    GError     **error)
{
  QdStockReportSubmit *s = parsed;
  g_autoptr(GError) local = NULL;
  g_autoptr(GArray) lines = NULL;
  gboolean exists = FALSE;

  if (a->user->dealer_id == NULL)
    return reject (a, "forbidden", NULL, "This account belongs to no dealer.");
  if (strcmp (s->as_of, a->today) > 0)
    return reject (a, "future_date", details_new ("as_of", 's', s->as_of, NULL),
                   "as_of %s lies in the future.", s->as_of);

  {
    g_autofree char *rendered = qd_server_txn_render (a->txn, QD_SERVER_ENTITY_STOCK_REPORT,
                                                      s->report_id, NULL);
    exists = rendered != NULL;
  }
  if (exists)
    return reject (a, "already_exists", details_new ("report_id", 's', s->report_id, NULL),
                   "A stock report with id %s exists already.", s->report_id);

  lines = g_array_sized_new (FALSE, TRUE, sizeof (QdServerStockLine), s->lines->len);
  for (guint i = 0; i < s->lines->len; i++)
    {
      const QdStockReportLine *in = &g_array_index (s->lines, QdStockReportLine, i);
      g_auto(QdServerProduct) product = { 0 };
      QdServerStockLine line = { in->product_id, in->qty, in->lot, in->expiry };

      if (!qd_server_txn_get_product (a->txn, in->product_id, &product, &local))
        {
          if (!is_not_found (local))
            return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
          return reject (a, "unknown_product",
                         details_new ("line", 'i', (gint64) i, "product_id", 's', in->product_id, NULL),
                         "lines[%u]: there is no product %s.", i, in->product_id);
        }
      if (product.lot_tracked && (in->lot == NULL || in->expiry == NULL))
        return reject (a, "lot_required",
                       details_new ("line", 'i', (gint64) i, "product_id", 's', in->product_id, NULL),
                       "lines[%u]: product %s is lot-tracked; lot and expiry are required.",
                       i, in->product_id);
      g_array_append_val (lines, line);
    }

  writes_begin (a);
  STORAGE_OK (qd_server_txn_insert_stock_report (a->txn, s->report_id, a->user->dealer_id,
                                                 s->as_of, a->now,
                                                 (QdServerStockLine *) (void *) lines->data,
                                                 lines->len, error));
  return set_changed (a, QD_SERVER_ENTITY_STOCK_REPORT, s->report_id, error);
}

/* Loads the caller's statement and checks version and state. */
static gboolean
load_statement (Apply             *a,
                const char        *id,
                gint64             version,
                QdServerStatement *st,
                GError           **error)
{
  g_autoptr(GError) local = NULL;

  if (!qd_server_txn_get_statement (a->txn, id, st, &local))
    {
      if (!is_not_found (local))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        reject (a, "not_found", NULL, "There is no statement %s.", id);
      return FALSE;
    }
  if (g_strcmp0 (st->dealer_id, a->user->dealer_id) != 0)
    {
      reject (a, "not_found", NULL, "There is no statement %s.", id);
      return FALSE;
    }
  if (st->version != version)
    {
      reject (a, "stale_version", details_new ("current_version", 'i', st->version, NULL),
              "Statement %s was revised: the current version is %" G_GINT64_FORMAT ".",
              id, st->version);
      return FALSE;
    }
  if (!g_str_equal (st->status, "issued"))
    {
      reject (a, "invalid_state", details_new ("status", 's', st->status, NULL),
              "Statement %s is %s already.", id, st->status);
      return FALSE;
    }
  a->before = qd_server_txn_render (a->txn, QD_SERVER_ENTITY_STATEMENT, id, NULL);
  return TRUE;
}

static gboolean
apply_statement_confirm (Apply       *a,
                         gpointer     parsed,
                         GError     **error)
{
  QdStatementConfirm *c = parsed;
  g_autoptr(GError) local = NULL;
  g_auto(QdServerStatement) st = { 0 };

  if (!load_statement (a, c->statement_id, c->version, &st, error))
    return error == NULL || *error == NULL;
  writes_begin (a);
  STORAGE_OK (qd_server_txn_set_statement_status (a->txn, st.id, "confirmed", error));
  return set_changed (a, QD_SERVER_ENTITY_STATEMENT, st.id, error);
}

static gboolean
apply_statement_dispute (Apply       *a,
                         gpointer     parsed,
                         GError     **error)
{
  QdStatementDispute *d = parsed;
  g_autoptr(GError) local = NULL;
  g_auto(QdServerStatement) st = { 0 };

  if (!load_statement (a, d->statement_id, d->version, &st, error))
    return error == NULL || *error == NULL;

  /* Every line is checked before the first is written. */
  for (guint i = 0; i < d->lines->len; i++)
    {
      const QdStatementDisputeLine *l = &g_array_index (d->lines, QdStatementDisputeLine, i);
      gboolean exists = FALSE;

      STORAGE_OK (qd_server_txn_statement_has_line (a->txn, st.id, l->line_id, &exists, error));
      if (!exists)
        return reject (a, "unknown_line", details_new ("line_id", 's', l->line_id, NULL),
                       "lines[%u]: statement %s has no line %s.", i, st.id, l->line_id);
    }
  writes_begin (a);
  for (guint i = 0; i < d->lines->len; i++)
    {
      const QdStatementDisputeLine *l = &g_array_index (d->lines, QdStatementDisputeLine, i);

      STORAGE_OK (qd_server_txn_dispute_line (a->txn, st.id, l->line_id, l->reason, error));
    }
  STORAGE_OK (qd_server_txn_set_statement_status (a->txn, st.id, "disputed", error));
  return set_changed (a, QD_SERVER_ENTITY_STATEMENT, st.id, error);
}

typedef gboolean (*ApplyFunc) (Apply *a, gpointer parsed, GError **error);
typedef gboolean (*ParseFunc) (JsonObject *payload, gpointer *out, GError **error);

/* The payload parsers of libqudao-core with one signature. */
#define PARSER(name, Type, parse) \
  static gboolean \
  name (JsonObject *payload, gpointer *out, GError **error) \
  { \
    Type *value = NULL; \
    if (!parse (payload, &value, error)) \
      return FALSE; \
    *out = value; \
    return TRUE; \
  }
PARSER (parse_order_submit, QdOrderSubmit, qd_order_submit_parse)
PARSER (parse_order_cancel, QdOrderCancel, qd_order_cancel_parse)
PARSER (parse_order_review, QdOrderReview, qd_order_review_parse)
PARSER (parse_stock_report, QdStockReportSubmit, qd_stock_report_submit_parse)
PARSER (parse_statement_confirm, QdStatementConfirm, qd_statement_confirm_parse)
PARSER (parse_statement_dispute, QdStatementDispute, qd_statement_dispute_parse)
#undef PARSER

/* Payloads are parsed on the main thread when the request arrives (handler.parse), the
 * one writer thread only applies them (handler.apply). */
static const struct
{
  QdMutationType type;
  ParseFunc      parse;
  GDestroyNotify free;
  ApplyFunc      apply;
  guint          roles;  /* bit per QdUserRole */
} handlers[] = {
  { QD_MUTATION_TYPE_ORDER_SUBMIT, parse_order_submit, (GDestroyNotify) qd_order_submit_free,
    apply_order_submit, 1 << QD_USER_ROLE_DEALER },
  { QD_MUTATION_TYPE_ORDER_CANCEL, parse_order_cancel, (GDestroyNotify) qd_order_cancel_free,
    apply_order_cancel, 1 << QD_USER_ROLE_DEALER },
  { QD_MUTATION_TYPE_ORDER_REVIEW, parse_order_review, (GDestroyNotify) qd_order_review_free,
    apply_order_review, 1 << QD_USER_ROLE_MANAGER | 1 << QD_USER_ROLE_ADMIN },
  { QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT, parse_stock_report,
    (GDestroyNotify) qd_stock_report_submit_free, apply_stock_report, 1 << QD_USER_ROLE_DEALER },
  { QD_MUTATION_TYPE_STATEMENT_CONFIRM, parse_statement_confirm,
    (GDestroyNotify) qd_statement_confirm_free, apply_statement_confirm,
    1 << QD_USER_ROLE_DEALER },
  { QD_MUTATION_TYPE_STATEMENT_DISPUTE, parse_statement_dispute,
    (GDestroyNotify) qd_statement_dispute_free, apply_statement_dispute,
    1 << QD_USER_ROLE_DEALER },
};

/* ---------------------------------------------------------------------------------- */
/* The batch                                                                            */

typedef struct
{
  char       *id;
  char       *type;        /* as sent */
  GBytes     *hash;
  /* parsed on the main thread: a handler and its payload, or why not */
  int         handler;     /* index in handlers[], -1 when the parse refused it */
  int         mutation_type;
  gpointer    parsed;
  char       *parse_code;
  char       *parse_message;
  char       *result;      /* the answer object (without "duplicate") */
  gboolean    duplicate;
} Item;

static void
item_clear (Item *item)
{
  g_free (item->id);
  g_free (item->type);
  g_clear_pointer (&item->hash, g_bytes_unref);
  if (item->parsed != NULL)
    handlers[item->handler].free (item->parsed);
  g_free (item->parse_code);
  g_free (item->parse_message);
  g_free (item->result);
}

/* Parses one element of the batch (main thread): its type and payload. */
static void
item_parse (Item       *item,
            JsonObject *object)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(QdMutation) m = NULL;

  item->handler = -1;
  item->mutation_type = -1;
  if (!qd_mutation_parse (object, &m, &local))
    {
      if (g_error_matches (local, QD_ERROR, QD_ERROR_UNKNOWN_VALUE) &&
          g_str_has_prefix (local->message, "type:"))
        {
          item->parse_code = g_strdup ("unknown_type");
          item->parse_message = g_strdup_printf ("Unknown mutation type “%s”.",
                                                 item->type ? item->type : "");
        }
      else
        {
          item->parse_code = g_strdup ("invalid_payload");
          item->parse_message = g_strdup (local->message);
        }
      return;
    }
  item->mutation_type = m->type;
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    {
      if (handlers[i].type != m->type)
        continue;
      item->handler = i;
      if (!handlers[i].parse (m->payload, &item->parsed, &local))
        {
          /* Refused later, after the role check: a forbidden type stays "forbidden". */
          item->parse_code = g_strdup ("invalid_payload");
          item->parse_message = g_strdup (local->message);
        }
      return;
    }
  item->parse_code = g_strdup ("unknown_type");
  item->parse_message = g_strdup_printf ("Unknown mutation type “%s”.", item->type);
}

/* The answer of a rejected mutation (without "duplicate"). */
static char *
rejected_text (const char *id,
               Apply      *a)
{
  g_autoptr(JsonNode) err = qd_server_error_object (a->code, a->message,
                                                    g_steal_pointer (&a->details));
  g_autofree char *text = json_to_string (err, FALSE);

  /* A checked UUID: nothing to escape. */
  return g_strconcat ("{\"id\":\"", id, "\",\"status\":\"rejected\",\"error\":", text, "}",
                      NULL);
}

/* The answer of an applied mutation (without "duplicate"): the same text when the result is
 * first answered and when it is rebuilt from the mutation log for a repeat. */
static char *
applied_text (const char *id,
              const char *entity_json,
              const char *extra)
{
  GString *out = g_string_sized_new (64 + (entity_json ? strlen (entity_json) : 0));

  g_string_append (out, "{\"id\":\"");
  g_string_append (out, id);
  g_string_append (out, "\",\"status\":\"applied\",\"entity\":");
  if (entity_json == NULL)
    g_string_append (out, "null");
  else if (extra != NULL && g_str_has_suffix (entity_json, "}"))
    {
      g_string_append_len (out, entity_json, strlen (entity_json) - 1);
      g_string_append_c (out, ',');
      g_string_append (out, extra);
      g_string_append_c (out, '}');
    }
  else
    g_string_append (out, entity_json);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* Applies one item (inside the savepoint of its request). FALSE only for a storage failure,
 * which undoes the whole request. */
static gboolean
apply_item (QdServerRequest  *req,
            QdServerTxn      *txn,
            Item             *item,
            const char       *now,
            GError          **error)
{
  g_autofree char *seen_user = NULL;
  g_autoptr(GBytes) seen_hash = NULL;
  g_autofree char *seen_result = NULL;
  g_autofree char *seen_entity = NULL;
  g_autofree char *seen_extra = NULL;
  g_autofree char *after = NULL;
  g_autofree char *target = NULL;
  const char *action;
  gboolean seen = FALSE;
  Apply a = { 0 };
  gboolean applied_ok = TRUE;
  gint64 audit_id = 0;
  int type = -1;

  /* The writer may run a batch a second time (qd-server.c, writer_thread): start clean. */
  g_clear_pointer (&item->result, g_free);
  item->duplicate = FALSE;

  a.txn = txn;
  a.user = req->user;
  a.address = req->address;
  a.now = now;
  memcpy (a.today, now, 10);
  a.today[10] = '\0';

  if (!qd_server_txn_find_mutation (txn, item->id, &seen, &seen_user, &seen_hash, &seen_result,
                                    &seen_entity, &seen_extra, error))
    return FALSE;
  if (seen)
    {
      if (g_str_equal (seen_user, req->user->id) && g_bytes_equal (seen_hash, item->hash))
        {
          item->result = seen_result != NULL
                         ? g_steal_pointer (&seen_result)
                         : applied_text (item->id, seen_entity, seen_extra);
          item->duplicate = TRUE;
        }
      else
        {
          reject (&a, "id_reused", NULL,
                  "Mutation id %s was used before for a different mutation.", item->id);
          item->result = rejected_text (item->id, &a);
        }
      apply_clear (&a);
      return TRUE;
    }

  type = item->mutation_type;
  if (item->handler < 0)
    reject (&a, item->parse_code, NULL, "%s", item->parse_message);
  else if ((handlers[item->handler].roles & (1u << req->user->role)) == 0)
    reject (&a, "forbidden", NULL, "A %s may not send %s.",
            qd_enum_to_string (QD_TYPE_USER_ROLE, req->user->role), item->type);
  else if (item->parse_code != NULL)
    reject (&a, item->parse_code, NULL, "%s", item->parse_message);
  else
    {
      applied_ok = handlers[item->handler].apply (&a, item->parsed, error);
      if (a.code == NULL && a.entity_id == NULL && applied_ok)
        reject (&a, "unknown_type", NULL, "Unknown mutation type “%s”.", item->type);
    }
  if (!applied_ok)
    goto failed;
  if (a.code != NULL && a.writing)
    {
      /* A rule that rejects after writing would leave half a mutation: refuse the request
       * (its savepoint undoes it) rather than commit that. A bug, never a client's fault. */
      g_warning ("mutation %s was rejected (%s) after it wrote", item->id, a.code);
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_FAILED,
                   "a rejection after a write (%s)", a.code);
      goto failed;
    }

  action = type >= 0 ? qd_enum_to_string (QD_TYPE_MUTATION_TYPE, type) : "mutation";
  if (a.code != NULL)
    {
      item->result = rejected_text (item->id, &a);
      if (!qd_server_txn_record_mutation (txn, item->id, req->user->id, item->hash,
                                          item->result, error) ||
          !qd_server_txn_audit (txn, req->user->id, req->user->username, req->address, action,
                                NULL, a.before, NULL, a.code, error))
        goto failed;
    }
  else
    {
      after = qd_server_txn_render (txn, a.entity, a.entity_id, error);
      if (after == NULL && error != NULL && *error != NULL)
        goto failed;
      target = g_strdup_printf ("%s:%s", qd_server_entity_name (a.entity), a.entity_id);
      /* The audit entry holds the answered entity once; the mutation log refers to it. */
      if (!qd_server_txn_audit_with_id (txn, req->user->id, req->user->username, req->address,
                                        action, target, a.before, after, a.comment, &audit_id,
                                        error) ||
          !qd_server_txn_record_applied (txn, item->id, req->user->id, item->hash, audit_id,
                                         a.extra, error))
        goto failed;
      item->result = applied_text (item->id, after, a.extra);
    }

  apply_clear (&a);
  return TRUE;

failed:
  apply_clear (&a);
  return FALSE;
}

typedef struct
{
  GArray *items;  /* Item */
} Batch;

static void
batch_free (Batch *b)
{
  g_array_unref (b->items);
  g_free (b);
}

static gboolean
mutations_write (QdServerRequest  *req,
                 QdServerTxn      *txn,
                 GError          **error)
{
  Batch *b = req->data;
  g_autofree char *now = qd_server_now_rfc3339 ();

  for (guint i = 0; i < b->items->len; i++)
    if (!apply_item (req, txn, &g_array_index (b->items, Item, i), now, error))
      return FALSE;
  return TRUE;
}

static void
mutations_written (QdServerRequest *req)
{
  Batch *b = req->data;
  GString *out = g_string_sized_new (256 * b->items->len + 16);

  g_string_append (out, "{\"results\":[");
  for (guint i = 0; i < b->items->len; i++)
    {
      Item *item = &g_array_index (b->items, Item, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, item->duplicate ? "{\"duplicate\":true," : "{\"duplicate\":false,");
      g_string_append (out, item->result + 1);
    }
  g_string_append (out, "]}");
  req->status = SOUP_STATUS_OK;
  req->answer = g_string_free_to_bytes (out);
}

void
qd_server_handle_mutations (QdServerRequest *req)
{
  g_autoptr(JsonObject) body = qd_server_body_object (req);
  g_autoptr(GError) error = NULL;
  static const char * const allowed[] = { "mutations", NULL };
  JsonArray *mutations = NULL;
  Batch *b;
  guint n;

  if (body == NULL)
    return;
  if (!qd_json_check_members (body, allowed, &error) ||
      !qd_json_read_array (body, "mutations", QD_JSON_REQUIRED, &mutations, &error))
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL, "%s",
                             error->message);
      return;
    }
  n = json_array_get_length (mutations);
  if (n > QD_SERVER_MAX_MUTATIONS)
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "too_many_mutations",
                             details_new ("max", 'i', (gint64) QD_SERVER_MAX_MUTATIONS, NULL),
                             "A batch holds at most %d mutations; this one has %u.",
                             QD_SERVER_MAX_MUTATIONS, n);
      return;
    }

  b = g_new0 (Batch, 1);
  b->items = g_array_sized_new (FALSE, TRUE, sizeof (Item), n);
  g_array_set_clear_func (b->items, (GDestroyNotify) item_clear);
  qd_server_set_data (req, b, (GDestroyNotify) batch_free);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (mutations, i);
      JsonObject *o;
      const char *id = NULL;
      JsonNode *type_node, *payload;
      Item item = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                                 "mutations[%u]: expected an object.", i);
          return;
        }
      o = json_node_get_object (node);
      if (!qd_json_read_uuid (o, "id", QD_JSON_REQUIRED, &id, &error))
        {
          qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                                 "mutations[%u].%s", i, error->message);
          return;
        }
      for (guint j = 0; j < b->items->len; j++)
        if (g_str_equal (g_array_index (b->items, Item, j).id, id))
          {
            qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                                   "mutations[%u].id: %s appears twice in the batch.", i, id);
            return;
          }
      type_node = json_object_get_member (o, "type");
      payload = json_object_get_member (o, "payload");

      item.id = g_strdup (id);
      if (type_node != NULL && JSON_NODE_HOLDS_VALUE (type_node) &&
          json_node_get_value_type (type_node) == G_TYPE_STRING)
        item.type = g_strdup (json_node_get_string (type_node));
      item.hash = body_hash (item.type ? item.type : "", payload);
      item_parse (&item, o);
      g_array_append_val (b->items, item);
    }

  if (n == 0)
    {
      qd_server_reply_json (req, SOUP_STATUS_OK, "{\"results\":[]}");
      return;
    }
  /* Every mutation checks before it writes: nothing to undo but a storage failure. Its
   * write may run twice (writer_thread): apply_item() starts each item afresh. */
  req->shared = TRUE;
  qd_server_run_write (req, mutations_write, mutations_written);
}
