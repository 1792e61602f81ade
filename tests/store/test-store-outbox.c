/* test-store-outbox.c — user actions, the outbox, claims and results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-test-util.h"

#define NOW G_GINT64_CONSTANT (1795000000000)
#define LEASE 60000

static JsonObject *
payload_of (QdOutboxItem *item)
{
  return object_from_string (item->payload);
}

static GPtrArray *
claim (QdStore    *store,
       const char *owner,
       guint       max,
       gint64      now)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items = qd_store_outbox_claim (store, owner, max, now, LEASE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static void
test_queue_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *status = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 }, { "p2", 3 } };
  QdOutboxItem *item;
  JsonArray *plines;

  load_catalog (f->store);
  order_id = qd_store_queue_order (f->store, lines, G_N_ELEMENTS (lines), "尽快发货",
                                   "2026-12-01", &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (order_id));

  /* The local effect: a queued order priced from the cache (dealer price beats level). */
  status = sql_text (f->store, "SELECT status FROM orders");
  g_assert_cmpstr (status, ==, "queued");
  g_assert_cmpint (sql_int (f->store, "SELECT total_fen FROM orders"), ==, 20 * 1500 + 3 * 1800);
  g_assert_cmpint (sql_int (f->store, "SELECT is_local FROM orders"), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 2);

  /* …and its outbox row. */
  items = qd_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_true (g_uuid_string_is_valid (item->id));
  g_assert_cmpstr (item->id, !=, order_id);
  g_assert_cmpstr (item->type, ==, "order.submit");
  g_assert_cmpstr (item->entity_id, ==, order_id);
  g_assert_cmpint (item->state, ==, QD_OUTBOX_PENDING);
  g_assert_cmpint (item->attempts, ==, 0);
  payload = payload_of (item);
  g_assert_cmpstr (json_object_get_string_member (payload, "order_id"), ==, order_id);
  g_assert_cmpstr (json_object_get_string_member (payload, "note"), ==, "尽快发货");
  g_assert_cmpstr (json_object_get_string_member (payload, "requested_date"), ==, "2026-12-01");
  g_assert_cmpint (json_object_get_int_member (payload, "expected_total_fen"), ==, 35400);
  plines = json_object_get_array_member (payload, "lines");
  g_assert_cmpuint (json_array_get_length (plines), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (plines, 0), "qty"),
                   ==, 20);
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_PENDING), ==, 1);
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_REJECTED), ==, 0);
  g_assert_cmpint (qd_store_outbox_next_due (f->store), ==, 0);
}

static void
test_queue_order_invalid (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QdOrderLineInput unknown[] = { { "p1", 10 }, { "nope", 1 } };
  QdOrderLineInput inactive[] = { { "p3", 1 } };
  QdOrderLineInput pack[] = { { "p1", 15 } };
  QdOrderLineInput zero[] = { { "p2", 0 } };
  QdOrderLineInput huge[] = { { "p2", G_GINT64_CONSTANT (999999999999) } };

  /* Not a dealer account yet. */
  g_assert_null (qd_store_queue_order (f->store, pack, 1, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
  g_clear_error (&error);

  load_catalog (f->store);
  g_assert_null (qd_store_queue_order (f->store, unknown, 2, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);
  g_assert_null (qd_store_queue_order (f->store, inactive, 1, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "OLD-1"));
  g_clear_error (&error);
  g_assert_null (qd_store_queue_order (f->store, pack, 1, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "10"));
  g_clear_error (&error);
  g_assert_null (qd_store_queue_order (f->store, zero, 1, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (qd_store_queue_order (f->store, huge, 1, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (qd_store_queue_order (f->store, NULL, 0, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (qd_store_queue_order (f->store, zero, 1, NULL, "2026-02-30", &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* What core's order.submit codec refuses never reaches the outbox either. */
  {
    g_autofree char *long_note = g_strnfill (1001, 'x');
    QdOrderLineInput ok[] = { { "p1", 10 } };

    g_assert_null (qd_store_queue_order (f->store, ok, 1, long_note, NULL, &error));
    g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "note"));
    g_clear_error (&error);
  }

  /* Nothing half-written. */
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 0);
}

/* The server's answer to an order.submit: its own id and number, its prices. */
static JsonObject *
server_order (const char *id,
              const char *client_order_id,
              const char *status)
{
  g_autofree char *text = g_strdup_printf (
    "{\"id\":\"%s\",\"number\":\"SO-2026-%s\",\"dealer_id\":\"d1\",\"status\":\"%s\","
    "\"created_at\":\"2026-11-24T09:00:00Z\",\"client_order_id\":\"%s\",\"note\":\"\","
    "\"total_fen\":30000,\"repriced\":true,\"lines\":[{\"product_id\":\"p1\",\"qty\":20,"
    "\"unit_price_fen\":1500,\"total_fen\":30000}]}", id, id, status, client_order_id);

  return object_from_string (text);
}

static void
test_claim_and_apply (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(JsonObject) entity = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *status = NULL;
  g_autofree char *number = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };
  QdEntityKinds changed = 0;
  QdOutboxItem *item;

  load_catalog (f->store);
  order_id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);

  items = claim (f->store, "engine-a", 10, NOW);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->state, ==, QD_OUTBOX_CLAIMED);
  status = sql_text (f->store, "SELECT status FROM orders");
  g_assert_cmpstr (status, ==, "sending");
  /* Claimed rows still count as waiting, and are not handed out twice. */
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_PENDING), ==, 1);
  none = claim (f->store, "engine-a", 10, NOW);
  g_assert_cmpuint (none->len, ==, 0);

  entity = server_order ("o_100", order_id, "held");
  qd_store_outbox_applied (f->store, item->id, entity, &changed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed, ==, QD_ENTITY_KIND_ORDER | QD_ENTITY_KIND_OUTBOX);

  /* The local order gave way to the server's. */
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 1);
  number = sql_text (f->store, "SELECT number FROM orders WHERE id = 'o_100'");
  g_assert_cmpstr (number, ==, "SO-2026-o_100");
  g_assert_cmpint (sql_int (f->store, "SELECT is_local FROM orders"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT repriced FROM orders"), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 0);

  /* A late duplicate answer (after a takeover) is harmless. */
  qd_store_outbox_applied (f->store, item->id, entity, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 1);

  /* The feed bringing the same order again changes nothing. */
  apply_page (f->store, "[]", "c-9", NULL, &error);
  g_assert_no_error (error);
}

/* The server may also keep the client's UUID as the order id. */
static void
test_apply_same_id (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) entity = NULL;
  g_autofree char *order_id = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };

  load_catalog (f->store);
  order_id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  items = claim (f->store, "engine-a", 10, NOW);
  entity = server_order (order_id, order_id, "submitted");
  qd_store_outbox_applied (f->store, ((QdOutboxItem *) items->pdata[0])->id, entity, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT is_local FROM orders"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 1);
}

/* If the order reaches us through the feed before the result is recorded (a crash in
 * between), it still replaces the local order, and the late result is fine too. */
static void
test_feed_before_result (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) entity = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *page = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };

  load_catalog (f->store);
  order_id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  items = claim (f->store, "engine-a", 10, NOW);
  entity = server_order ("o_7", order_id, "submitted");
  node = json_node_init_object (json_node_alloc (), entity);
  text = json_to_string (node, FALSE);
  page = g_strdup_printf ("[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o_7\",\"data\":%s}]",
                          text);
  apply_page (f->store, page, "c-2", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 1);

  qd_store_outbox_applied (f->store, ((QdOutboxItem *) items->pdata[0])->id, entity, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 0);
}

static void
test_malformed_result_rolls_back (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) entity = object_from_string ("{\"id\":\"o_1\",\"status\":5}");
  QdOrderLineInput lines[] = { { "p1", 20 } };
  g_autofree char *order_id = NULL;

  load_catalog (f->store);
  order_id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  items = claim (f->store, "engine-a", 10, NOW);
  g_assert_false (qd_store_outbox_applied (f->store, ((QdOutboxItem *) items->pdata[0])->id,
                                           entity, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "o_1"));
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders WHERE is_local = 1"), ==, 1);
}

static void
test_reject_does_not_block (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *status = NULL;
  g_autofree char *sql = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };
  QdOrderLineInput fixed[] = { { "p1", 10 } };
  QdOutboxItem *rejected;
  QdOutboxItem *resent;

  load_catalog (f->store);
  a = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  b = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);

  first = claim (f->store, "engine-a", 10, NOW);
  g_assert_cmpuint (first->len, ==, 2);
  rejected = g_ptr_array_index (first, 0);
  g_assert_cmpstr (rejected->entity_id, ==, a);

  qd_store_outbox_rejected (f->store, rejected->id, "credit_limit_exceeded",
                            "The order total exceeds the available credit.", &error);
  g_assert_no_error (error);
  /* The second one's outcome is unknown: back to pending, attempts + 1, due later. */
  qd_store_outbox_retry_later (f->store, ((QdOutboxItem *) first->pdata[1])->id, NOW + 5000,
                               "connection reset", &error);
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT status FROM orders WHERE id = '%s'", a);
  status = sql_text (f->store, sql);
  g_assert_cmpstr (status, ==, "rejected");
  g_free (sql);
  g_free (status);
  sql = g_strdup_printf ("SELECT status FROM orders WHERE id = '%s'", b);
  status = sql_text (f->store, sql);
  g_assert_cmpstr (status, ==, "queued");
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_REJECTED), ==, 1);
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_PENDING), ==, 1);
  g_assert_cmpint (qd_store_outbox_next_due (f->store), ==, NOW + 5000);

  /* Not due yet; then due, and the rejected row never comes back. */
  again = claim (f->store, "engine-a", 10, NOW + 4999);
  g_assert_cmpuint (again->len, ==, 0);
  g_ptr_array_unref (again);
  again = claim (f->store, "engine-a", 10, NOW + 5000);
  g_assert_cmpuint (again->len, ==, 1);
  resent = g_ptr_array_index (again, 0);
  g_assert_cmpstr (resent->entity_id, ==, b);
  g_assert_cmpint (resent->attempts, ==, 1);
  g_assert_cmpstr (resent->last_error, ==, "connection reset");
  g_assert_cmpstr (resent->id, ==, ((QdOutboxItem *) first->pdata[1])->id);

  /* The rejected one is listed with its reason, edited and sent again as a new mutation. */
  listed = qd_store_outbox_list (f->store, &error);
  g_assert_cmpstr (((QdOutboxItem *) listed->pdata[0])->reject_code, ==, "credit_limit_exceeded");
  qd_store_resubmit_order (f->store, a, fixed, 1, "改小", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qd_store_outbox_count (f->store, QD_OUTBOX_REJECTED), ==, 0);
  g_ptr_array_unref (again);
  again = claim (f->store, "engine-a", 10, NOW + 5000);
  g_assert_cmpuint (again->len, ==, 1);
  resent = g_ptr_array_index (again, 0);
  g_assert_cmpstr (resent->entity_id, ==, a);
  g_assert_cmpstr (resent->id, !=, rejected->id);
  g_assert_nonnull (strstr (resent->payload, "\"qty\":10"));
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 2);

  /* Only a rejected order can be resubmitted. */
  g_assert_false (qd_store_resubmit_order (f->store, b, fixed, 1, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
}

static void
test_discard (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *a = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };
  const char *mutation_id;
  g_autoptr(GPtrArray) notes = NULL;
  QdAuditNote *note;
  gint64 before = g_get_real_time () / 1000;

  load_catalog (f->store);
  a = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  items = claim (f->store, "engine-a", 10, NOW);
  mutation_id = ((QdOutboxItem *) items->pdata[0])->id;


  /* A row still waiting cannot be discarded, and leaves no note. */
  g_assert_false (qd_store_outbox_discard (f->store, mutation_id, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM local_audit"), ==, 0);

  qd_store_outbox_rejected (f->store, mutation_id, "credit_limit_exceeded",
                            "total exceeds the available credit\tby ¥12.00", &error);
  g_assert_no_error (error);

  /* The note is written in the discard's transaction: when it cannot be written (here a
   * trigger stands for a full disk), nothing is discarded. */
  g_assert_cmpint (sqlite3_exec (_qd_store_get_db (f->store),
                                 "CREATE TEMP TRIGGER audit_fails BEFORE INSERT ON local_audit "
                                 "BEGIN SELECT RAISE(ABORT, 'disk full'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (qd_store_outbox_discard (f->store, mutation_id, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 1);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM local_audit"), ==, 0);
  g_assert_cmpint (sqlite3_exec (_qd_store_get_db (f->store), "DROP TRIGGER audit_fails",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  qd_store_outbox_discard (f->store, mutation_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 0);

  /* The note keeps what was thrown away and the server's reason, as it was. */
  notes = qd_store_list_audit_notes (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, 1);
  note = g_ptr_array_index (notes, 0);
  g_assert_cmpstr (note->action, ==, "discard");
  g_assert_cmpstr (note->mutation_id, ==, mutation_id);
  g_assert_cmpstr (note->mutation_type, ==, "order.submit");
  g_assert_cmpstr (note->entity_id, ==, a);
  g_assert_cmpstr (note->reject_code, ==, "credit_limit_exceeded");
  g_assert_cmpstr (note->reject_message, ==, "total exceeds the available credit\tby ¥12.00");
  g_assert_nonnull (strstr (note->payload, a));
  g_assert_cmpint (note->at, >=, before);
  g_assert_cmpint (note->at, <=, g_get_real_time () / 1000);

  g_assert_false (qd_store_outbox_discard (f->store, mutation_id, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&notes, g_ptr_array_unref);
  notes = qd_store_list_audit_notes (f->store, 0, &error);
  g_assert_cmpuint (notes->len, ==, 1);
}

/* The audit log lists newest first, as many as asked for. */
static void
test_audit_notes_order (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  QdOrderLineInput lines[] = { { "p1", 20 } };

  load_catalog (f->store);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *order_id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
      g_autoptr(GPtrArray) items = NULL;

      g_assert_no_error (error);
      items = claim (f->store, "engine-a", 10, NOW);
      g_assert_cmpuint (items->len, ==, 1);
      g_ptr_array_add (ids, g_strdup (((QdOutboxItem *) items->pdata[0])->id));
      qd_store_outbox_rejected (f->store, ids->pdata[i], "empty_order", NULL, &error);
      g_assert_no_error (error);
      qd_store_outbox_discard (f->store, ids->pdata[i], &error);
      g_assert_no_error (error);
    }

  notes = qd_store_list_audit_notes (f->store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, 2);
  g_assert_cmpstr (((QdAuditNote *) notes->pdata[0])->mutation_id, ==, ids->pdata[2]);
  g_assert_cmpstr (((QdAuditNote *) notes->pdata[1])->mutation_id, ==, ids->pdata[1]);
  g_assert_null (((QdAuditNote *) notes->pdata[0])->reject_message);
  g_clear_pointer (&notes, g_ptr_array_unref);
  notes = qd_store_list_audit_notes (f->store, 0, &error);
  g_assert_cmpuint (notes->len, ==, 3);
}

/* Two QdStore on one file stand for the app and qudao-cli: only one drains at a time; an
 * expired lease is taken over and the rows the first owner held are handed out again. */
static void
test_lease_between_processes (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) cli = qd_store_open (f->path, &error);
  g_autoptr(GPtrArray) by_app = NULL;
  g_autoptr(GPtrArray) by_cli = NULL;
  g_autoptr(GPtrArray) more = NULL;
  QdOrderLineInput lines[] = { { "p1", 10 } };

  g_assert_no_error (error);
  load_catalog (f->store);
  for (int i = 0; i < 3; i++)
    g_free (qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error));
  g_assert_no_error (error);

  by_app = claim (f->store, "app", 2, NOW);
  g_assert_cmpuint (by_app->len, ==, 2);

  /* The cli is refused while the lease runs, even for the row the app did not take. */
  g_assert_null (qd_store_outbox_claim (cli, "cli", 10, NOW + LEASE - 1, LEASE, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY);
  g_clear_error (&error);

  /* The app renews its lease by claiming again and gets the third row. */
  more = claim (f->store, "app", 10, NOW + 1000);
  g_assert_cmpuint (more->len, ==, 1);
  g_assert_null (qd_store_outbox_claim (cli, "cli", 10, NOW + LEASE + 500, LEASE, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY);
  g_clear_error (&error);

  /* The app went away without releasing: after expiry the cli takes over everything. */
  by_cli = claim (cli, "cli", 10, NOW + 1000 + LEASE);
  g_assert_cmpuint (by_cli->len, ==, 3);
  g_assert_cmpstr (((QdOutboxItem *) by_cli->pdata[0])->id, ==,
                   ((QdOutboxItem *) by_app->pdata[0])->id);

  /* The app's late result still lands (the server answered it once). */
  qd_store_outbox_retry_later (f->store, ((QdOutboxItem *) by_app->pdata[0])->id, 0, "late",
                               &error);
  g_assert_no_error (error);

  /* Releasing hands the rest back; then the app may drain again. */
  qd_store_outbox_release (cli, "cli", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox WHERE state = 'claimed'"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders WHERE status = 'sending'"),
                   ==, 0);
  g_ptr_array_unref (more);
  more = claim (f->store, "app", 10, NOW + 2000 + LEASE);
  g_assert_cmpuint (more->len, ==, 3);
}

/* A child process claims rows and holds the lease, as qudao-cli does in the middle of a
 * push. While it lives, the lease holds; once it is dead — even before its parent reaped it
 * — another process takes over at once, long before the lease would expire. */
static void
test_lease_holder_dies (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  QdOrderLineInput lines[] = { { "p1", 10 } };
  int claimed[2], go[2];
  siginfo_t info = { 0, };
  char byte = 0;
  pid_t pid;

  load_catalog (f->store);
  for (int i = 0; i < 3; i++)
    g_free (qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pipe (claimed), ==, 0);
  g_assert_cmpint (pipe (go), ==, 0);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* The child: its own connection, a claim of two rows, then it waits to be told to
       * die without releasing anything. */
      QdStore *child = qd_store_open (f->path, NULL);
      GPtrArray *mine = child != NULL ? qd_store_outbox_claim (child, "child", 2, NOW, LEASE,
                                                               NULL)
                                      : NULL;

      byte = mine != NULL && mine->len == 2 ? 'y' : 'n';
      if (write (claimed[1], &byte, 1) != 1 || read (go[0], &byte, 1) != 1)
        _exit (2);
      _exit (0);
    }
  g_assert_cmpint (read (claimed[0], &byte, 1), ==, 1);
  g_assert_cmpint (byte, ==, 'y');

  /* Alive: its lease holds. */
  g_assert_null (qd_store_outbox_claim (f->store, "app", 10, NOW + 1, LEASE, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY);
  g_clear_error (&error);

  /* Dead (a zombie: exited, not reaped yet): taken over at once, its rows handed out. */
  g_assert_cmpint (write (go[1], &byte, 1), ==, 1);
  g_assert_cmpint (waitid (P_PID, pid, &info, WEXITED | WNOWAIT), ==, 0);
  items = claim (f->store, "app", 10, NOW + 2);
  g_assert_cmpuint (items->len, ==, 3);
  g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
  close (claimed[0]);
  close (claimed[1]);
  close (go[0]);
  close (go[1]);
}

/* A lease whose process cannot be judged stays until it expires (another host, another
 * PID namespace, an older form of the name); one whose pid now belongs to a process
 * started at another time (pid reuse) does not. */
static void
test_lease_holder_identity (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *boot = NULL;
  g_autofree char *reused = NULL;
  g_autofree char *elsewhere = NULL;
  g_autofree char *ns = g_file_read_link ("/proc/self/ns/pid", NULL);
  g_autofree char *other_ns = NULL;
  g_autofree char *old_form = NULL;
  QdOrderLineInput lines[] = { { "p1", 10 } };
  char until[32];

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL)
      || !g_file_test ("/proc/1/stat", G_FILE_TEST_EXISTS) || ns == NULL)
    {
      g_test_skip ("no /proc to tell processes by");
      return;
    }
  g_strstrip (boot);
  load_catalog (f->store);
  g_free (qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_snprintf (until, sizeof until, "%" G_GINT64_FORMAT, NOW + LEASE);

  /* Another host sharing the folder: nothing to check, the lease runs its course. */
  elsewhere = g_strdup_printf ("another-host %s %s 1 1", boot, ns);
  qd_store_set_meta (f->store, "outbox_owner", "far", &error);
  qd_store_set_meta (f->store, "outbox_lease_until", until, &error);
  qd_store_set_meta (f->store, "outbox_owner_process", elsewhere, &error);
  g_assert_no_error (error);
  g_assert_null (qd_store_outbox_claim (f->store, "app", 10, NOW, LEASE, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY);
  g_clear_error (&error);

  /* This host and boot, but another PID namespace (another sandbox): its pid 1 is not
   * ours, so nothing can be told, even though our pid 1 started at another time. */
  other_ns = g_strdup_printf ("%s %s pid:[1] 1 999999999999", g_get_host_name (), boot);
  qd_store_set_meta (f->store, "outbox_owner_process", other_ns, &error);
  g_assert_no_error (error);
  g_assert_null (qd_store_outbox_claim (f->store, "app", 10, NOW, LEASE, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY);
  g_clear_error (&error);

  /* The name without a namespace (written by an earlier build): the lease runs its course. */
  old_form = g_strdup_printf ("%s %s 1 999999999999", g_get_host_name (), boot);
  qd_store_set_meta (f->store, "outbox_owner_process", old_form, &error);
  g_assert_no_error (error);
  g_assert_null (qd_store_outbox_claim (f->store, "app", 10, NOW, LEASE, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY);
  g_clear_error (&error);

  /* This host and namespace, pid 1 (alive), but started at another time than the holder was. */
  reused = g_strdup_printf ("%s %s %s 1 999999999999", g_get_host_name (), boot, ns);
  qd_store_set_meta (f->store, "outbox_owner_process", reused, &error);
  g_assert_no_error (error);
  items = claim (f->store, "app", 10, NOW);
  g_assert_cmpuint (items->len, ==, 1);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *queued = NULL;
  g_autofree char *sending = NULL;
  QdOrderLineInput lines[] = { { "p1", 10 } };

  load_catalog (f->store);
  apply_page (f->store,
              "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o1\",\"data\":{\"number\":\"SO-1\","
              "  \"dealer_id\":\"d1\",\"status\":\"submitted\",\"created_at\":\"2026-11-01T08:00:00Z\","
              "  \"total_fen\":0,\"lines\":[]}},"
              " {\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o2\",\"data\":{\"number\":\"SO-2\","
              "  \"dealer_id\":\"d1\",\"status\":\"shipped\",\"created_at\":\"2026-11-01T08:00:00Z\","
              "  \"total_fen\":0,\"lines\":[]}}]", "c-2", NULL, &error);
  g_assert_no_error (error);

  /* Never sent: simply gone, nothing to send. */
  queued = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  qd_store_cancel_order (f->store, queued, "错了", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders WHERE is_local = 1"), ==, 0);

  /* Being sent: refused. */
  sending = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  items = claim (f->store, "engine", 10, NOW);
  g_assert_false (qd_store_cancel_order (f->store, sending, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
  g_clear_error (&error);
  qd_store_outbox_release (f->store, "engine", &error);
  g_assert_no_error (error);

  /* On the server and still submitted: an order.cancel mutation. */
  qd_store_cancel_order (f->store, "o1", "客户取消", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox WHERE type = 'order.cancel' "
                                      "AND entity_id = 'o1' AND payload LIKE '%客户取消%'"), ==, 1);
  g_assert_false (qd_store_cancel_order (f->store, "o1", NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
  g_clear_error (&error);

  /* Shipped: too late. Unknown: not found. */
  g_assert_false (qd_store_cancel_order (f->store, "o2", NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (qd_store_cancel_order (f->store, "o404", NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
}

/* A mutation never overtakes an earlier one of the same entity that is not due yet. */
static void
test_entity_order_kept (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  load_catalog (f->store);
  apply_page (f->store,
              "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o1\",\"data\":{\"number\":\"SO-1\","
              "  \"dealer_id\":\"d1\",\"status\":\"held\",\"created_at\":\"2026-11-01T08:00:00Z\","
              "  \"total_fen\":0,\"lines\":[]}}]", "c-2", NULL, &error);
  qd_store_cancel_order (f->store, "o1", NULL, &error);
  g_assert_no_error (error);
  /* A second mutation for o1 is inserted behind it below. */
  items = claim (f->store, "e", 10, NOW);
  g_assert_cmpuint (items->len, ==, 1);
  qd_store_outbox_retry_later (f->store, ((QdOutboxItem *) items->pdata[0])->id, NOW + 1000,
                               NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sqlite3_exec (_qd_store_get_db (f->store),
                               "INSERT INTO outbox (id, type, entity_id, payload, created_at) "
                               "VALUES ('m2', 'order.review', 'o1', '{}', 'now')",
                               NULL, NULL, NULL) == SQLITE_OK);
  g_ptr_array_unref (items);
  items = claim (f->store, "e", 10, NOW + 500);
  g_assert_cmpuint (items->len, ==, 0);
  g_ptr_array_unref (items);
  items = claim (f->store, "e", 10, NOW + 1000);
  g_assert_cmpuint (items->len, ==, 2);
}

static void
test_stock_report (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonObject) entity = NULL;
  g_autofree char *report_id = NULL;
  g_autofree char *text = NULL;
  QdStockLineInput good[] = { { "p1", 40, NULL, NULL }, { "p2", 5, "L2301", "2027-06-30" } };
  QdStockLineInput no_lot[] = { { "p2", 5, NULL, NULL } };
  QdStockLineInput negative[] = { { "p1", -1, NULL, NULL } };

  load_catalog (f->store);
  g_assert_null (qd_store_report_stock (f->store, "2026-11-20", no_lot, 1, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "AMX-250"));
  g_clear_error (&error);
  g_assert_null (qd_store_report_stock (f->store, "2026-11-20", negative, 1, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (qd_store_report_stock (f->store, "2999-01-01", good, 2, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM stock_reports"), ==, 0);

  report_id = qd_store_report_stock (f->store, "2026-11-20", good, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM stock_report_lines"), ==, 2);
  items = claim (f->store, "e", 10, NOW);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (((QdOutboxItem *) items->pdata[0])->type, ==, "stock_report.submit");
  payload = payload_of (items->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (payload, "report_id"), ==, report_id);
  g_assert_cmpstr (json_object_get_string_member (payload, "as_of"), ==, "2026-11-20");
  text = sql_text (f->store, "SELECT status FROM stock_reports");
  g_assert_cmpstr (text, ==, "sending");

  entity = object_from_string ("{\"dealer_id\":\"d1\",\"as_of\":\"2026-11-20\",\"lines\":["
                               "{\"product_id\":\"p1\",\"qty\":40}]}");
  json_object_set_string_member (entity, "id", report_id);
  qd_store_outbox_applied (f->store, ((QdOutboxItem *) items->pdata[0])->id, entity, NULL,
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT is_local FROM stock_reports"), ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM stock_report_lines"), ==, 1);
}

static void
test_statement_actions (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) payload = NULL;
  QdDisputeLineInput bad_line[] = { { "l9", "不对" } };
  QdDisputeLineInput no_reason[] = { { "l1", "  " } };
  QdDisputeLineInput good[] = { { "l1", "金额不符" }, { "l2", "未收到" } };
  QdOrderLineInput lines[] = { { "p1", 10 } };
  g_autofree char *order_id = NULL;

  load_catalog (f->store);
  g_assert_false (qd_store_confirm_statement (f->store, "s404", &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Refused while orders wait to be sent. */
  order_id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_false (qd_store_confirm_statement (f->store, "s1", &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
  g_clear_error (&error);
  qd_store_cancel_order (f->store, order_id, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (qd_store_dispute_statement (f->store, "s1", bad_line, 1, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (qd_store_dispute_statement (f->store, "s1", no_reason, 1, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (qd_store_dispute_statement (f->store, "s1", NULL, 0, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  qd_store_dispute_statement (f->store, "s1", good, 2, &error);
  g_assert_no_error (error);
  /* One answer at a time. */
  g_assert_false (qd_store_confirm_statement (f->store, "s1", &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
  g_clear_error (&error);

  items = claim (f->store, "e", 10, NOW);
  g_assert_cmpuint (items->len, ==, 1);
  payload = payload_of (items->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (payload, "statement_id"), ==, "s1");
  g_assert_cmpint (json_object_get_int_member (payload, "version"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (payload, "lines")), ==, 2);

  /* stale_version: the row is marked; after the new version arrives, confirm works. */
  qd_store_outbox_rejected (f->store, ((QdOutboxItem *) items->pdata[0])->id, "stale_version",
                            "The statement was revised.", &error);
  g_assert_no_error (error);
  apply_page (f->store,
              "[{\"entity\":\"statement\",\"op\":\"upsert\",\"id\":\"s1\",\"data\":{\"dealer_id\":\"d1\","
              "\"period\":\"2026-10\",\"version\":3,\"status\":\"issued\",\"opening_balance_fen\":0,"
              "\"closing_balance_fen\":0,\"lines\":[]}}]", "c-3", NULL, &error);
  g_assert_no_error (error);
  qd_store_confirm_statement (f->store, "s1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox WHERE type = "
                                      "'statement.confirm' AND payload LIKE '%\"version\":3%'"),
                   ==, 1);
}

static void
test_review (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  load_catalog (f->store);
  apply_page (f->store,
              "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o1\",\"data\":{\"number\":\"SO-1\","
              "  \"dealer_id\":\"d1\",\"status\":\"held\",\"created_at\":\"2026-11-01T08:00:00Z\","
              "  \"total_fen\":0,\"lines\":[],\"held_reason\":\"quantity\"}},"
              " {\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"o2\",\"data\":{\"number\":\"SO-2\","
              "  \"dealer_id\":\"d1\",\"status\":\"submitted\",\"created_at\":\"2026-11-01T08:00:00Z\","
              "  \"total_fen\":0,\"lines\":[]}}]", "c-2", NULL, &error);
  g_assert_no_error (error);

  qd_store_review_order (f->store, "o1", TRUE, "同意", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox WHERE type = 'order.review' "
                                      "AND payload LIKE '%\"decision\":\"approve\"%'"), ==, 1);
  g_assert_false (qd_store_review_order (f->store, "o2", FALSE, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_STATE);
}

static void
test_cart (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) cart = NULL;

  qd_store_cart_set (f->store, "p1", 10, &error);
  qd_store_cart_set (f->store, "p2", 1, &error);
  qd_store_cart_set (f->store, "p1", 20, &error);
  g_assert_no_error (error);
  cart = qd_store_cart_list (f->store, &error);
  g_assert_cmpuint (cart->len, ==, 2);
  g_assert_cmpstr (g_array_index (cart, QdCartLine, 0).product_id, ==, "p1");
  g_assert_cmpint (g_array_index (cart, QdCartLine, 0).qty, ==, 20);
  qd_store_cart_set (f->store, "p1", 0, &error);
  g_array_unref (cart);
  cart = qd_store_cart_list (f->store, &error);
  g_assert_cmpuint (cart->len, ==, 1);
  qd_store_cart_clear (f->store, &error);
  g_assert_no_error (error);
  g_array_unref (cart);
  cart = qd_store_cart_list (f->store, &error);
  g_assert_cmpuint (cart->len, ==, 0);
}

/* Submitting the cart: the order and the emptied cart in one transaction. */
static void
test_queue_cart (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) cart = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *total = NULL;

  load_catalog (f->store);

  /* An empty cart, or one with a bad line, queues nothing and keeps the cart. */
  g_assert_null (qd_store_queue_cart (f->store, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  qd_store_cart_set (f->store, "p1", 15, &error);   /* not a multiple of 10 */
  qd_store_cart_set (f->store, "p2", 2, &error);
  g_assert_no_error (error);
  g_assert_null (qd_store_queue_cart (f->store, NULL, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  cart = qd_store_cart_list (f->store, &error);
  g_assert_cmpuint (cart->len, ==, 2);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox"), ==, 0);

  qd_store_cart_set (f->store, "p1", 20, &error);
  order_id = qd_store_queue_cart (f->store, "购物车", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (order_id);
  g_array_unref (cart);
  cart = qd_store_cart_list (f->store, &error);
  g_assert_cmpuint (cart->len, ==, 0);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 2);
  g_assert_cmpint (sql_int (f->store, "SELECT total_fen FROM orders"), ==, 20 * 1500 + 2 * 1800);

  /* Re-order: the lines of a past order go back into the cart, adding up. */
  qd_store_cart_set (f->store, "p2", 1, &error);
  qd_store_cart_add_order (f->store, order_id, &error);
  g_assert_no_error (error);
  g_array_unref (cart);
  cart = qd_store_cart_list (f->store, &error);
  g_assert_cmpuint (cart->len, ==, 2);
  g_assert_cmpint (sql_int (f->store, "SELECT qty FROM cart_lines WHERE product_id = 'p2'"),
                   ==, 3);
  g_assert_cmpint (sql_int (f->store, "SELECT qty FROM cart_lines WHERE product_id = 'p1'"),
                   ==, 20);
  g_assert_false (qd_store_cart_add_order (f->store, "o404", &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
}

/* Child mode: queue @n orders in the cache at @path, as qudao-cli would next to the app. */
static int
child_queue_orders (const char *path,
                    int         n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = qd_store_open (path, &error);
  QdOrderLineInput lines[] = { { "p2", 1 } };

  if (store == NULL)
    {
      g_printerr ("child: %s\n", error->message);
      return 1;
    }
  for (int i = 0; i < n; i++)
    {
      g_autofree char *id = qd_store_queue_order (store, lines, 1, "from the child", NULL, &error);

      if (id == NULL)
        {
          g_printerr ("child: order %d: %s\n", i, error->message);
          return 1;
        }
    }
  return 0;
}

/* Two processes write the same cache at once: every action of both lands, none is lost to a
 * lock, each with its own order and outbox row. */
static void
test_two_processes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  QdOrderLineInput lines[] = { { "p1", 10 } };
  const int n = 60;

  load_catalog (f->store);
  g_assert_nonnull (self_exe);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_exe, "--child-queue-orders",
                            f->path, "60", NULL);
  g_assert_no_error (error);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *id = qd_store_queue_order (f->store, lines, 1, "from the parent", NULL,
                                                  &error);

      g_assert_no_error (error);
      g_assert_nonnull (id);
    }
  g_subprocess_wait_check (child, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM orders"), ==, 2 * n);
  g_assert_cmpint (sql_int (f->store, "SELECT count(DISTINCT id) FROM outbox"), ==, 2 * n);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM outbox WHERE payload LIKE "
                                      "'%from the child%'"), ==, n);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_lines"), ==, 2 * n);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && strcmp (argv[1], "--child-queue-orders") == 0)
    return child_queue_orders (argv[2], atoi (argv[3]));

  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/store/outbox/queue-order", test_queue_order);
  ADD ("/store/outbox/queue-order-invalid", test_queue_order_invalid);
  ADD ("/store/outbox/claim-and-apply", test_claim_and_apply);
  ADD ("/store/outbox/apply-same-id", test_apply_same_id);
  ADD ("/store/outbox/feed-before-result", test_feed_before_result);
  ADD ("/store/outbox/malformed-result-rolls-back", test_malformed_result_rolls_back);
  ADD ("/store/outbox/reject-does-not-block", test_reject_does_not_block);
  ADD ("/store/outbox/discard", test_discard);
  ADD ("/store/outbox/audit-notes-order", test_audit_notes_order);
  ADD ("/store/outbox/lease-between-processes", test_lease_between_processes);
  ADD ("/store/outbox/lease-holder-dies", test_lease_holder_dies);
  ADD ("/store/outbox/lease-holder-identity", test_lease_holder_identity);
  ADD ("/store/outbox/cancel", test_cancel);
  ADD ("/store/outbox/entity-order-kept", test_entity_order_kept);
  ADD ("/store/outbox/stock-report", test_stock_report);
  ADD ("/store/outbox/statement-actions", test_statement_actions);
  ADD ("/store/outbox/review", test_review);
  ADD ("/store/outbox/cart", test_cart);
  ADD ("/store/outbox/queue-cart", test_queue_cart);
  ADD ("/store/outbox/two-processes", test_two_processes);
#undef ADD

  return g_test_run ();
}
