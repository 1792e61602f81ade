/* qd-mutation.c — codecs of the mutation payloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-enum-types.h"
#include "qd-error.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-mutation.h"

/* Reads the required "lines" array and checks its length. */
static gboolean
read_lines (JsonObject  *payload,
            guint        min,
            JsonArray  **out,
            GError     **error)
{
  JsonArray *lines = NULL;
  guint n;

  if (!qd_json_read_array (payload, "lines", QD_JSON_REQUIRED, &lines, error))
    return FALSE;

  n = json_array_get_length (lines);
  if (n < min)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                           _("lines: at least one line is required"));
      return FALSE;
    }
  if (n > QD_LINES_MAX)
    {
      g_autofree char *max = g_strdup_printf ("%d", QD_LINES_MAX);
      g_set_error (error, QD_ERROR, QD_ERROR_TOO_LARGE, _("lines: more than %s lines"), max);
      return FALSE;
    }

  *out = lines;
  return TRUE;
}

/* A reason a person must give: not blank. */
static gboolean
check_not_blank (const char  *member,
                 const char  *text,
                 GError     **error)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)) && g_utf8_get_char (p) != 0x3000)
      return TRUE;

  g_set_error (error, QD_ERROR, QD_ERROR_INVALID, _("%s: must not be empty"), member);
  return FALSE;
}

static void
add_string (JsonObject *object,
            const char *member,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
}

/* order.submit ------------------------------------------------------------------------ */

static void
order_submit_line_clear (gpointer data)
{
  QdOrderSubmitLine *line = data;

  g_clear_pointer (&line->product_id, g_free);
}

/**
 * qd_order_submit_new:
 *
 * Returns: (transfer full): an empty order.submit payload
 */
QdOrderSubmit *
qd_order_submit_new (void)
{
  QdOrderSubmit *self = g_new0 (QdOrderSubmit, 1);

  self->lines = g_array_new (FALSE, TRUE, sizeof (QdOrderSubmitLine));
  g_array_set_clear_func (self->lines, order_submit_line_clear);
  return self;
}

void
qd_order_submit_free (QdOrderSubmit *self)
{
  if (self == NULL)
    return;
  g_free (self->order_id);
  g_array_unref (self->lines);
  g_free (self->note);
  g_free (self->requested_date);
  g_free (self);
}

void
qd_order_submit_add_line (QdOrderSubmit *self,
                          const char    *product_id,
                          gint64         qty)
{
  QdOrderSubmitLine line = { g_strdup (product_id), qty };

  g_return_if_fail (self != NULL);
  g_return_if_fail (product_id != NULL);

  g_array_append_val (self->lines, line);
}

/**
 * qd_order_submit_parse:
 * @payload: the payload object of an order.submit mutation
 * @out: (out) (transfer full): the parsed payload
 * @error: return location for a #GError
 *
 * Members: order_id (UUID), lines [{product_id, qty}], note?, requested_date?,
 * expected_total_fen?. An empty lines array and quantities ≤ 0 are well-formed here; see
 * qd_order_submit_check().
 *
 * Returns: %TRUE on success; %FALSE with a %QD_ERROR naming the path
 */
gboolean
qd_order_submit_parse (JsonObject     *payload,
                       QdOrderSubmit **out,
                       GError        **error)
{
  static const char * const members[] = { "order_id", "lines", "note", "requested_date",
                                          "expected_total_fen", NULL };
  static const char * const line_members[] = { "product_id", "qty", NULL };
  g_autoptr(QdOrderSubmit) self = NULL;
  const char *order_id = NULL, *note = NULL, *requested_date = NULL;
  JsonArray *lines = NULL;
  guint n;

  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!qd_json_check_members (payload, members, error)
      || !qd_json_read_uuid (payload, "order_id", QD_JSON_REQUIRED, &order_id, error)
      || !read_lines (payload, 0, &lines, error)
      || !qd_json_read_text (payload, "note", QD_JSON_OPTIONAL, QD_TEXT_MAX_CHARS, &note, error)
      || !qd_json_read_date (payload, "requested_date", QD_JSON_OPTIONAL, &requested_date, error))
    return FALSE;

  self = qd_order_submit_new ();
  if (json_object_has_member (payload, "expected_total_fen")
      && !JSON_NODE_HOLDS_NULL (json_object_get_member (payload, "expected_total_fen")))
    {
      if (!qd_json_read_int (payload, "expected_total_fen", QD_JSON_REQUIRED, -QD_MONEY_MAX_FEN,
                             QD_MONEY_MAX_FEN, &self->expected_total_fen, error))
        return FALSE;
      self->has_expected_total = TRUE;
    }

  n = json_array_get_length (lines);
  g_array_set_size (self->lines, n);
  for (guint i = 0; i < n; i++)
    {
      QdOrderSubmitLine *line = &g_array_index (self->lines, QdOrderSubmitLine, i);
      JsonObject *lo = qd_json_array_object (lines, i, error);
      const char *product_id = NULL;

      if (lo == NULL)
        {
          g_prefix_error (error, "lines");
          return FALSE;
        }
      if (!qd_json_check_members (lo, line_members, error)
          || !qd_json_read_id (lo, "product_id", QD_JSON_REQUIRED, &product_id, error)
          || !qd_json_read_int (lo, "qty", QD_JSON_REQUIRED, -QD_QTY_MAX, QD_QTY_MAX, &line->qty,
                                error))
        {
          g_prefix_error (error, "lines[%u].", i);
          return FALSE;
        }
      line->product_id = g_strdup (product_id);
    }

  self->order_id = g_strdup (order_id);
  self->note = g_strdup (note);
  self->requested_date = g_strdup (requested_date);

  *out = g_steal_pointer (&self);
  return TRUE;
}

/**
 * qd_order_submit_check:
 * @self: a parsed or built order.submit payload
 * @out_code: (out) (optional) (transfer none): the rejection code of PROTOCOL.md
 * @error: return location for a #GError
 *
 * Checks the rules of order.submit that need no data and have their own rejection code:
 * at least one line (`empty_order`), every quantity ≥ 1 (`invalid_qty`).
 *
 * Returns: %TRUE when the order passes; %FALSE with @out_code set and a
 *   %QD_ERROR_OUT_OF_RANGE whose message a dealer can act on
 */
gboolean
qd_order_submit_check (const QdOrderSubmit  *self,
                       const char          **out_code,
                       GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->lines->len == 0)
    {
      if (out_code != NULL)
        *out_code = "empty_order";
      g_set_error_literal (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                           _("The order has no lines: add at least one product"));
      return FALSE;
    }

  for (guint i = 0; i < self->lines->len; i++)
    {
      const QdOrderSubmitLine *line = &g_array_index (self->lines, QdOrderSubmitLine, i);

      if (line->qty < 1)
        {
          g_autofree char *qty = g_strdup_printf ("%" G_GINT64_FORMAT, line->qty);

          if (out_code != NULL)
            *out_code = "invalid_qty";
          g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                       _("lines[%u].qty: the quantity must be at least 1, not %s"), i, qty);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * qd_order_submit_to_json:
 * @self: an order.submit payload
 *
 * Returns: (transfer full): the payload object
 */
JsonObject *
qd_order_submit_to_json (const QdOrderSubmit *self)
{
  JsonObject *o;
  JsonArray *lines;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->order_id != NULL, NULL);

  o = json_object_new ();
  lines = json_array_sized_new (self->lines->len);
  json_object_set_string_member (o, "order_id", self->order_id);
  for (guint i = 0; i < self->lines->len; i++)
    {
      const QdOrderSubmitLine *line = &g_array_index (self->lines, QdOrderSubmitLine, i);
      JsonObject *lo = json_object_new ();

      json_object_set_string_member (lo, "product_id", line->product_id);
      json_object_set_int_member (lo, "qty", line->qty);
      json_array_add_object_element (lines, lo);
    }
  json_object_set_array_member (o, "lines", lines);
  add_string (o, "note", self->note);
  add_string (o, "requested_date", self->requested_date);
  if (self->has_expected_total)
    json_object_set_int_member (o, "expected_total_fen", self->expected_total_fen);

  return o;
}

/* order.cancel ------------------------------------------------------------------------ */

QdOrderCancel *
qd_order_cancel_new (void)
{
  return g_new0 (QdOrderCancel, 1);
}

void
qd_order_cancel_free (QdOrderCancel *self)
{
  if (self == NULL)
    return;
  g_free (self->order_id);
  g_free (self->reason);
  g_free (self);
}

/**
 * qd_order_cancel_parse:
 * @payload: the payload object of an order.cancel mutation
 * @out: (out) (transfer full): the parsed payload
 * @error: return location for a #GError
 *
 * Members: order_id (a server id or the client UUID), reason.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_order_cancel_parse (JsonObject     *payload,
                       QdOrderCancel **out,
                       GError        **error)
{
  static const char * const members[] = { "order_id", "reason", NULL };
  const char *order_id = NULL, *reason = NULL;
  QdOrderCancel *self;

  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!qd_json_check_members (payload, members, error)
      || !qd_json_read_id (payload, "order_id", QD_JSON_REQUIRED, &order_id, error)
      || !qd_json_read_text (payload, "reason", QD_JSON_REQUIRED, QD_TEXT_MAX_CHARS, &reason,
                             error))
    return FALSE;

  self = qd_order_cancel_new ();
  self->order_id = g_strdup (order_id);
  self->reason = g_strdup (reason);
  *out = self;
  return TRUE;
}

JsonObject *
qd_order_cancel_to_json (const QdOrderCancel *self)
{
  JsonObject *o;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->order_id != NULL, NULL);

  o = json_object_new ();
  json_object_set_string_member (o, "order_id", self->order_id);
  json_object_set_string_member (o, "reason", self->reason != NULL ? self->reason : "");
  return o;
}

/* order.review ------------------------------------------------------------------------ */

QdOrderReview *
qd_order_review_new (void)
{
  return g_new0 (QdOrderReview, 1);
}

void
qd_order_review_free (QdOrderReview *self)
{
  if (self == NULL)
    return;
  g_free (self->order_id);
  g_free (self->comment);
  g_free (self);
}

/**
 * qd_order_review_parse:
 * @payload: the payload object of an order.review mutation
 * @out: (out) (transfer full): the parsed payload
 * @error: return location for a #GError
 *
 * Members: order_id, decision ("approve" | "reject"), comment.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_order_review_parse (JsonObject     *payload,
                       QdOrderReview **out,
                       GError        **error)
{
  static const char * const members[] = { "order_id", "decision", "comment", NULL };
  const char *order_id = NULL, *comment = NULL;
  int decision = 0;
  QdOrderReview *self;

  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!qd_json_check_members (payload, members, error)
      || !qd_json_read_id (payload, "order_id", QD_JSON_REQUIRED, &order_id, error)
      || !qd_json_read_enum (payload, "decision", QD_JSON_REQUIRED, QD_TYPE_REVIEW_DECISION,
                             &decision, error)
      || !qd_json_read_text (payload, "comment", QD_JSON_REQUIRED, QD_TEXT_MAX_CHARS, &comment,
                             error))
    return FALSE;

  self = qd_order_review_new ();
  self->order_id = g_strdup (order_id);
  self->decision = decision;
  self->comment = g_strdup (comment);
  *out = self;
  return TRUE;
}

JsonObject *
qd_order_review_to_json (const QdOrderReview *self)
{
  JsonObject *o;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->order_id != NULL, NULL);

  o = json_object_new ();
  json_object_set_string_member (o, "order_id", self->order_id);
  json_object_set_string_member (o, "decision",
                                 qd_enum_to_string (QD_TYPE_REVIEW_DECISION, self->decision));
  json_object_set_string_member (o, "comment", self->comment != NULL ? self->comment : "");
  return o;
}

/* stock_report.submit ----------------------------------------------------------------- */

static void
stock_report_line_clear (gpointer data)
{
  QdStockReportLine *line = data;

  g_clear_pointer (&line->product_id, g_free);
  g_clear_pointer (&line->lot, g_free);
  g_clear_pointer (&line->expiry, g_free);
}

QdStockReportSubmit *
qd_stock_report_submit_new (void)
{
  QdStockReportSubmit *self = g_new0 (QdStockReportSubmit, 1);

  self->lines = g_array_new (FALSE, TRUE, sizeof (QdStockReportLine));
  g_array_set_clear_func (self->lines, stock_report_line_clear);
  return self;
}

void
qd_stock_report_submit_free (QdStockReportSubmit *self)
{
  if (self == NULL)
    return;
  g_free (self->report_id);
  g_free (self->as_of);
  g_array_unref (self->lines);
  g_free (self);
}

void
qd_stock_report_submit_add_line (QdStockReportSubmit *self,
                                 const char          *product_id,
                                 gint64               qty,
                                 const char          *lot,
                                 const char          *expiry)
{
  QdStockReportLine line = { g_strdup (product_id), qty, g_strdup (lot), g_strdup (expiry) };

  g_return_if_fail (self != NULL);
  g_return_if_fail (product_id != NULL);

  g_array_append_val (self->lines, line);
}

/**
 * qd_stock_report_submit_parse:
 * @payload: the payload object of a stock_report.submit mutation
 * @out: (out) (transfer full): the parsed payload
 * @error: return location for a #GError
 *
 * Members: report_id (UUID), as_of (date), lines [{product_id, qty ≥ 0, lot?, expiry?}].
 *
 * Returns: %TRUE on success
 */
gboolean
qd_stock_report_submit_parse (JsonObject           *payload,
                              QdStockReportSubmit **out,
                              GError              **error)
{
  static const char * const members[] = { "report_id", "as_of", "lines", NULL };
  static const char * const line_members[] = { "product_id", "qty", "lot", "expiry", NULL };
  g_autoptr(QdStockReportSubmit) self = NULL;
  const char *report_id = NULL, *as_of = NULL;
  JsonArray *lines = NULL;
  guint n;

  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!qd_json_check_members (payload, members, error)
      || !qd_json_read_uuid (payload, "report_id", QD_JSON_REQUIRED, &report_id, error)
      || !qd_json_read_date (payload, "as_of", QD_JSON_REQUIRED, &as_of, error)
      || !read_lines (payload, 0, &lines, error))
    return FALSE;

  self = qd_stock_report_submit_new ();
  n = json_array_get_length (lines);
  g_array_set_size (self->lines, n);
  for (guint i = 0; i < n; i++)
    {
      QdStockReportLine *line = &g_array_index (self->lines, QdStockReportLine, i);
      JsonObject *lo = qd_json_array_object (lines, i, error);
      const char *product_id = NULL, *lot = NULL, *expiry = NULL;

      if (lo == NULL)
        {
          g_prefix_error (error, "lines");
          return FALSE;
        }
      if (!qd_json_check_members (lo, line_members, error)
          || !qd_json_read_id (lo, "product_id", QD_JSON_REQUIRED, &product_id, error)
          || !qd_json_read_int (lo, "qty", QD_JSON_REQUIRED, 0, QD_QTY_MAX, &line->qty, error)
          || !qd_json_read_text (lo, "lot", QD_JSON_OPTIONAL, QD_LOT_MAX_CHARS, &lot, error)
          || (lot != NULL && !check_not_blank ("lot", lot, error))
          || !qd_json_read_date (lo, "expiry", QD_JSON_OPTIONAL, &expiry, error))
        {
          g_prefix_error (error, "lines[%u].", i);
          return FALSE;
        }
      line->product_id = g_strdup (product_id);
      line->lot = g_strdup (lot);
      line->expiry = g_strdup (expiry);
    }

  self->report_id = g_strdup (report_id);
  self->as_of = g_strdup (as_of);
  *out = g_steal_pointer (&self);
  return TRUE;
}

JsonObject *
qd_stock_report_submit_to_json (const QdStockReportSubmit *self)
{
  JsonObject *o;
  JsonArray *lines;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->report_id != NULL, NULL);
  g_return_val_if_fail (self->as_of != NULL, NULL);

  o = json_object_new ();
  lines = json_array_sized_new (self->lines->len);
  json_object_set_string_member (o, "report_id", self->report_id);
  json_object_set_string_member (o, "as_of", self->as_of);
  for (guint i = 0; i < self->lines->len; i++)
    {
      const QdStockReportLine *line = &g_array_index (self->lines, QdStockReportLine, i);
      JsonObject *lo = json_object_new ();

      json_object_set_string_member (lo, "product_id", line->product_id);
      json_object_set_int_member (lo, "qty", line->qty);
      add_string (lo, "lot", line->lot);
      add_string (lo, "expiry", line->expiry);
      json_array_add_object_element (lines, lo);
    }
  json_object_set_array_member (o, "lines", lines);
  return o;
}

/* statement.confirm ------------------------------------------------------------------- */

QdStatementConfirm *
qd_statement_confirm_new (void)
{
  return g_new0 (QdStatementConfirm, 1);
}

void
qd_statement_confirm_free (QdStatementConfirm *self)
{
  if (self == NULL)
    return;
  g_free (self->statement_id);
  g_free (self);
}

/**
 * qd_statement_confirm_parse:
 * @payload: the payload object of a statement.confirm mutation
 * @out: (out) (transfer full): the parsed payload
 * @error: return location for a #GError
 *
 * Members: statement_id, version (≥ 1).
 *
 * Returns: %TRUE on success
 */
gboolean
qd_statement_confirm_parse (JsonObject          *payload,
                            QdStatementConfirm **out,
                            GError             **error)
{
  static const char * const members[] = { "statement_id", "version", NULL };
  const char *statement_id = NULL;
  gint64 version = 0;
  QdStatementConfirm *self;

  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!qd_json_check_members (payload, members, error)
      || !qd_json_read_id (payload, "statement_id", QD_JSON_REQUIRED, &statement_id, error)
      || !qd_json_read_int (payload, "version", QD_JSON_REQUIRED, 1, G_MAXINT32, &version, error))
    return FALSE;

  self = qd_statement_confirm_new ();
  self->statement_id = g_strdup (statement_id);
  self->version = version;
  *out = self;
  return TRUE;
}

JsonObject *
qd_statement_confirm_to_json (const QdStatementConfirm *self)
{
  JsonObject *o;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->statement_id != NULL, NULL);

  o = json_object_new ();
  json_object_set_string_member (o, "statement_id", self->statement_id);
  json_object_set_int_member (o, "version", self->version);
  return o;
}

/* statement.dispute ------------------------------------------------------------------- */

static void
dispute_line_clear (gpointer data)
{
  QdStatementDisputeLine *line = data;

  g_clear_pointer (&line->line_id, g_free);
  g_clear_pointer (&line->reason, g_free);
}

QdStatementDispute *
qd_statement_dispute_new (void)
{
  QdStatementDispute *self = g_new0 (QdStatementDispute, 1);

  self->lines = g_array_new (FALSE, TRUE, sizeof (QdStatementDisputeLine));
  g_array_set_clear_func (self->lines, dispute_line_clear);
  return self;
}

void
qd_statement_dispute_free (QdStatementDispute *self)
{
  if (self == NULL)
    return;
  g_free (self->statement_id);
  g_array_unref (self->lines);
  g_free (self);
}

void
qd_statement_dispute_add_line (QdStatementDispute *self,
                               const char         *line_id,
                               const char         *reason)
{
  QdStatementDisputeLine line = { g_strdup (line_id), g_strdup (reason) };

  g_return_if_fail (self != NULL);
  g_return_if_fail (line_id != NULL);

  g_array_append_val (self->lines, line);
}

/**
 * qd_statement_dispute_parse:
 * @payload: the payload object of a statement.dispute mutation
 * @out: (out) (transfer full): the parsed payload
 * @error: return location for a #GError
 *
 * Members: statement_id, version (≥ 1), lines [{line_id, reason}] with at least one
 * line, each line_id once, each reason not blank.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_statement_dispute_parse (JsonObject          *payload,
                            QdStatementDispute **out,
                            GError             **error)
{
  static const char * const members[] = { "statement_id", "version", "lines", NULL };
  static const char * const line_members[] = { "line_id", "reason", NULL };
  g_autoptr(QdStatementDispute) self = NULL;
  g_autoptr(GHashTable) seen = NULL;
  const char *statement_id = NULL;
  JsonArray *lines = NULL;
  guint n;

  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  self = qd_statement_dispute_new ();
  if (!qd_json_check_members (payload, members, error)
      || !qd_json_read_id (payload, "statement_id", QD_JSON_REQUIRED, &statement_id, error)
      || !qd_json_read_int (payload, "version", QD_JSON_REQUIRED, 1, G_MAXINT32, &self->version,
                            error)
      || !read_lines (payload, 1, &lines, error))
    return FALSE;

  n = json_array_get_length (lines);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_array_set_size (self->lines, n);
  for (guint i = 0; i < n; i++)
    {
      QdStatementDisputeLine *line = &g_array_index (self->lines, QdStatementDisputeLine, i);
      JsonObject *lo = qd_json_array_object (lines, i, error);
      const char *line_id = NULL, *reason = NULL;

      if (lo == NULL)
        {
          g_prefix_error (error, "lines");
          return FALSE;
        }
      if (!qd_json_check_members (lo, line_members, error)
          || !qd_json_read_id (lo, "line_id", QD_JSON_REQUIRED, &line_id, error)
          || !qd_json_read_text (lo, "reason", QD_JSON_REQUIRED, QD_TEXT_MAX_CHARS, &reason, error)
          || !check_not_blank ("reason", reason, error))
        {
          g_prefix_error (error, "lines[%u].", i);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) line_id))
        {
          g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                       _("lines[%u].line_id: “%s” is disputed twice"), i, line_id);
          return FALSE;
        }
      line->line_id = g_strdup (line_id);
      line->reason = g_strdup (reason);
    }

  self->statement_id = g_strdup (statement_id);
  *out = g_steal_pointer (&self);
  return TRUE;
}

JsonObject *
qd_statement_dispute_to_json (const QdStatementDispute *self)
{
  JsonObject *o;
  JsonArray *lines;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->statement_id != NULL, NULL);

  o = json_object_new ();
  lines = json_array_sized_new (self->lines->len);
  json_object_set_string_member (o, "statement_id", self->statement_id);
  json_object_set_int_member (o, "version", self->version);
  for (guint i = 0; i < self->lines->len; i++)
    {
      const QdStatementDisputeLine *line = &g_array_index (self->lines, QdStatementDisputeLine, i);
      JsonObject *lo = json_object_new ();

      json_object_set_string_member (lo, "line_id", line->line_id);
      json_object_set_string_member (lo, "reason", line->reason != NULL ? line->reason : "");
      json_array_add_object_element (lines, lo);
    }
  json_object_set_array_member (o, "lines", lines);
  return o;
}

/* Any type ---------------------------------------------------------------------------- */

QdMutation *
qd_mutation_new (void)
{
  return g_new0 (QdMutation, 1);
}

void
qd_mutation_free (QdMutation *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->created_at);
  g_clear_pointer (&self->payload, json_object_unref);
  g_free (self);
}

/**
 * qd_mutation_parse:
 * @object: one element of the "mutations" array
 * @out: (out) (transfer full): the envelope
 * @error: return location for a #GError
 *
 * Parses the envelope {id, type, created_at?, payload} only; the payload is checked by
 * qd_mutation_validate(). An unknown type is %QD_ERROR_UNKNOWN_VALUE with a message
 * starting "type: " (the server answers `unknown_type`).
 *
 * Returns: %TRUE on success
 */
gboolean
qd_mutation_parse (JsonObject  *object,
                   QdMutation **out,
                   GError     **error)
{
  static const char * const members[] = { "id", "type", "created_at", "payload", NULL };
  const char *id = NULL, *created_at = NULL;
  JsonObject *payload = NULL;
  int type = 0;
  QdMutation *self;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!qd_json_check_members (object, members, error)
      || !qd_json_read_uuid (object, "id", QD_JSON_REQUIRED, &id, error)
      || !qd_json_read_enum (object, "type", QD_JSON_REQUIRED, QD_TYPE_MUTATION_TYPE, &type, error)
      || !qd_json_read_timestamp (object, "created_at", QD_JSON_OPTIONAL, &created_at, error)
      || !qd_json_read_object (object, "payload", QD_JSON_REQUIRED, &payload, error))
    return FALSE;

  self = qd_mutation_new ();
  self->id = g_strdup (id);
  self->type = type;
  self->created_at = g_strdup (created_at);
  self->payload = json_object_ref (payload);
  *out = self;
  return TRUE;
}

JsonObject *
qd_mutation_to_json (const QdMutation *self)
{
  JsonObject *o;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->id != NULL, NULL);
  g_return_val_if_fail (self->payload != NULL, NULL);

  o = json_object_new ();
  json_object_set_string_member (o, "id", self->id);
  json_object_set_string_member (o, "type", qd_enum_to_string (QD_TYPE_MUTATION_TYPE, self->type));
  add_string (o, "created_at", self->created_at);
  json_object_set_object_member (o, "payload", json_object_ref (self->payload));
  return o;
}

/**
 * qd_mutation_validate:
 * @type: a mutation type
 * @payload: its payload
 * @error: return location for a #GError
 *
 * Parses @payload with the codec of @type and throws the result away.
 *
 * Returns: %TRUE when @payload is a well-formed payload of @type
 */
gboolean
qd_mutation_validate (QdMutationType   type,
                      JsonObject      *payload,
                      GError         **error)
{
  g_return_val_if_fail (payload != NULL, FALSE);

  switch (type)
    {
    case QD_MUTATION_TYPE_ORDER_SUBMIT:
      {
        g_autoptr(QdOrderSubmit) p = NULL;
        return qd_order_submit_parse (payload, &p, error);
      }
    case QD_MUTATION_TYPE_ORDER_CANCEL:
      {
        g_autoptr(QdOrderCancel) p = NULL;
        return qd_order_cancel_parse (payload, &p, error);
      }
    case QD_MUTATION_TYPE_ORDER_REVIEW:
      {
        g_autoptr(QdOrderReview) p = NULL;
        return qd_order_review_parse (payload, &p, error);
      }
    case QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT:
      {
        g_autoptr(QdStockReportSubmit) p = NULL;
        return qd_stock_report_submit_parse (payload, &p, error);
      }
    case QD_MUTATION_TYPE_STATEMENT_CONFIRM:
      {
        g_autoptr(QdStatementConfirm) p = NULL;
        return qd_statement_confirm_parse (payload, &p, error);
      }
    case QD_MUTATION_TYPE_STATEMENT_DISPUTE:
      {
        g_autoptr(QdStatementDispute) p = NULL;
        return qd_statement_dispute_parse (payload, &p, error);
      }
    default:
      break;
    }

  g_set_error (error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE, _("type: unknown mutation type %d"),
               (int) type);
  return FALSE;
}
