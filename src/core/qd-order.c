/* qd-order.c — codec of the order entity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-enum-types.h"
#include "qd-error.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-mutation.h"
#include "qd-order.h"

static void
order_line_clear (gpointer data)
{
  QdOrderLine *line = data;

  g_clear_pointer (&line->product_id, g_free);
}

/**
 * qd_order_new:
 *
 * Returns: (transfer full): an empty order
 */
QdOrder *
qd_order_new (void)
{
  QdOrder *self = g_new0 (QdOrder, 1);

  self->lines = g_array_new (FALSE, TRUE, sizeof (QdOrderLine));
  g_array_set_clear_func (self->lines, order_line_clear);
  return self;
}

void
qd_order_free (QdOrder *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->number);
  g_free (self->dealer_id);
  g_free (self->created_at);
  g_free (self->client_order_id);
  g_free (self->note);
  g_array_unref (self->lines);
  g_free (self->held_reason);
  g_free (self);
}

/**
 * qd_order_entity_parse:
 * @entity: an order as the server sends it
 * @out: (out) (transfer full): the order
 * @error: return location for a #GError
 *
 * Required: id, number, dealer_id, status, created_at, lines [{product_id, qty,
 * unit_price_fen, total_fen}], total_fen. Optional or null: client_order_id (a UUID),
 * note, held_reason, repriced. Unknown members are skipped.
 *
 * Returns: %TRUE on success; %FALSE with a %QD_ERROR naming the path
 */
gboolean
qd_order_entity_parse (JsonObject  *entity,
                       QdOrder    **out,
                       GError     **error)
{
  g_autoptr(QdOrder) self = NULL;
  const char *id = NULL, *number = NULL, *dealer_id = NULL, *created_at = NULL;
  const char *client_order_id = NULL, *note = NULL, *held_reason = NULL;
  JsonArray *lines = NULL;
  int status = 0;
  guint n;

  g_return_val_if_fail (entity != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  self = qd_order_new ();
  if (!qd_json_read_id (entity, "id", QD_JSON_REQUIRED, &id, error)
      || !qd_json_read_string (entity, "number", QD_JSON_REQUIRED, &number, error)
      || !qd_json_read_id (entity, "dealer_id", QD_JSON_REQUIRED, &dealer_id, error)
      || !qd_json_read_enum (entity, "status", QD_JSON_REQUIRED, QD_TYPE_ORDER_STATUS, &status,
                             error)
      || !qd_json_read_timestamp (entity, "created_at", QD_JSON_REQUIRED, &created_at, error)
      || !qd_json_read_uuid (entity, "client_order_id", QD_JSON_OPTIONAL, &client_order_id, error)
      || !qd_json_read_string (entity, "note", QD_JSON_OPTIONAL, &note, error)
      || !qd_json_read_array (entity, "lines", QD_JSON_REQUIRED, &lines, error)
      || !qd_json_read_int (entity, "total_fen", QD_JSON_REQUIRED, -QD_MONEY_MAX_FEN,
                            QD_MONEY_MAX_FEN, &self->total_fen, error)
      || !qd_json_read_string (entity, "held_reason", QD_JSON_OPTIONAL, &held_reason, error)
      || !qd_json_read_bool (entity, "repriced", QD_JSON_OPTIONAL, &self->repriced, error))
    return FALSE;

  n = json_array_get_length (lines);
  g_array_set_size (self->lines, n);
  for (guint i = 0; i < n; i++)
    {
      QdOrderLine *line = &g_array_index (self->lines, QdOrderLine, i);
      JsonObject *lo = qd_json_array_object (lines, i, error);
      const char *product_id = NULL;

      if (lo == NULL)
        {
          g_prefix_error (error, "lines");
          return FALSE;
        }
      if (!qd_json_read_id (lo, "product_id", QD_JSON_REQUIRED, &product_id, error)
          || !qd_json_read_int (lo, "qty", QD_JSON_REQUIRED, -QD_QTY_MAX, QD_QTY_MAX, &line->qty,
                                error)
          || !qd_json_read_int (lo, "unit_price_fen", QD_JSON_REQUIRED, -QD_MONEY_MAX_FEN,
                                QD_MONEY_MAX_FEN, &line->unit_price_fen, error)
          || !qd_json_read_int (lo, "total_fen", QD_JSON_REQUIRED, -QD_MONEY_MAX_FEN,
                                QD_MONEY_MAX_FEN, &line->total_fen, error))
        {
          g_prefix_error (error, "lines[%u].", i);
          return FALSE;
        }
      line->product_id = g_strdup (product_id);
    }

  self->id = g_strdup (id);
  self->number = g_strdup (number);
  self->dealer_id = g_strdup (dealer_id);
  self->status = status;
  self->created_at = g_strdup (created_at);
  self->client_order_id = g_strdup (client_order_id);
  self->note = g_strdup (note);
  self->held_reason = g_strdup (held_reason);

  *out = g_steal_pointer (&self);
  return TRUE;
}

/**
 * qd_order_entity_to_json:
 * @self: an order
 *
 * Returns: (transfer full): the order entity; nullable members that are %NULL are
 *   written as null, repriced only when %TRUE
 */
JsonObject *
qd_order_entity_to_json (const QdOrder *self)
{
  JsonObject *o;
  JsonArray *lines;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->id != NULL, NULL);

  o = json_object_new ();
  lines = json_array_sized_new (self->lines->len);
  json_object_set_string_member (o, "id", self->id);
  json_object_set_string_member (o, "number", self->number);
  json_object_set_string_member (o, "dealer_id", self->dealer_id);
  json_object_set_string_member (o, "status", qd_enum_to_string (QD_TYPE_ORDER_STATUS, self->status));
  json_object_set_string_member (o, "created_at", self->created_at);
  json_object_set_string_member (o, "client_order_id", self->client_order_id);
  json_object_set_string_member (o, "note", self->note);
  for (guint i = 0; i < self->lines->len; i++)
    {
      const QdOrderLine *line = &g_array_index (self->lines, QdOrderLine, i);
      JsonObject *lo = json_object_new ();

      json_object_set_string_member (lo, "product_id", line->product_id);
      json_object_set_int_member (lo, "qty", line->qty);
      json_object_set_int_member (lo, "unit_price_fen", line->unit_price_fen);
      json_object_set_int_member (lo, "total_fen", line->total_fen);
      json_array_add_object_element (lines, lo);
    }
  json_object_set_array_member (o, "lines", lines);
  json_object_set_int_member (o, "total_fen", self->total_fen);
  json_object_set_string_member (o, "held_reason", self->held_reason);
  if (self->repriced)
    json_object_set_boolean_member (o, "repriced", TRUE);
  return o;
}
