/* test-store-history.c — the order status history (migration 0005)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "store-test-util.h"

#define NOW G_GINT64_CONSTANT (1795000000000)
#define LEASE 60000

/* The history as one string, "status@at/source" per step, for compact assertions; a time
 * taken from the clock (local and observed steps) is written as "now". */
static char *
history_of (QdStore    *store,
            const char *order_id)
{
  static const char *const sources[] = { "local", "server", "observed" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = qd_store_list_order_history (store, order_id, &error);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (events);
  for (guint i = 0; i < events->len; i++)
    {
      QdOrderEvent *event = g_ptr_array_index (events, i);
      const char *at = event->at != NULL ? event->at : "?";

      if (event->source != QD_ORDER_EVENT_SERVER && event->at != NULL)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (event->at, NULL);
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

          /* A clock time: parseable, and not in the future nor long past. */
          g_assert_nonnull (when);
          g_assert_cmpint (g_date_time_difference (now, when), >=, 0);
          g_assert_cmpint (g_date_time_difference (now, when), <, 600 * G_TIME_SPAN_SECOND);
          at = "now";
        }
      g_string_append_printf (out, "%s%s@%s/%s", i > 0 ? " " : "", event->status, at,
                              sources[event->source]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GPtrArray *
claim (QdStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items = qd_store_outbox_claim (store, "engine-a", 10, NOW, LEASE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static JsonObject *
server_order (const char *id,
              const char *status,
              const char *shipped_at)
{
  g_autofree char *shipped = shipped_at != NULL ? g_strdup_printf ("\"%s\"", shipped_at)
                                                : g_strdup ("null");
  g_autofree char *text = g_strdup_printf (
    "{\"id\":\"%s\",\"number\":\"SO-20261124-000001\",\"dealer_id\":\"d1\",\"status\":\"%s\","
    "\"created_at\":\"2026-11-24T09:00:00Z\",\"client_order_id\":\"%s\",\"note\":null,"
    "\"total_fen\":30000,\"shipped_at\":%s,\"lines\":[{\"product_id\":\"p1\",\"qty\":20,"
    "\"unit_price_fen\":1500,\"total_fen\":30000}]}", id, status, id, shipped);

  return object_from_string (text);
}

/* One order change as a feed page (not the first page: the catalog's bulk fill is over). */
static void
feed_order (QdStore    *store,
            const char *id,
            const char *status,
            const char *shipped_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = server_order (id, status, shipped_at);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), data);
  g_autofree char *data_text = json_to_string (node, FALSE);
  g_autofree char *page = g_strdup_printf (
    "[{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"%s\",\"data\":%s}]", id, data_text);

  apply_page (store, page, "c-next", NULL, &error);
  g_assert_no_error (error);
}

static void
end_catalog_fill (QdStore *store)
{
  g_autoptr(GError) error = NULL;

  load_catalog (store);
  qd_store_end_bulk (store, &error);
  g_assert_no_error (error);
  g_assert_false (qd_store_is_bulk_pending (store));
}

/* An order's whole life on this computer and at the brand. */
static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) entity = NULL;
  g_autofree char *id = NULL;
  g_autofree char *h = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };
  QdOrderLineInput fixed[] = { { "p1", 10 } };

  end_catalog_fill (f->store);
  id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  h = history_of (f->store, id);
  g_assert_cmpstr (h, ==, "queued@now/local");
  g_clear_pointer (&h, g_free);

  /* Sent, but the attempt fails: not sent after all. */
  items = claim (f->store);
  h = history_of (f->store, id);
  g_assert_cmpstr (h, ==, "queued@now/local sent@now/local");
  g_clear_pointer (&h, g_free);
  qd_store_outbox_retry_later (f->store, ((QdOutboxItem *) items->pdata[0])->id, NOW,
                               "connection reset", &error);
  g_assert_no_error (error);
  h = history_of (f->store, id);
  g_assert_cmpstr (h, ==, "queued@now/local");
  g_clear_pointer (&h, g_free);

  /* Sent again; the engine stops (release): taken back as well. */
  g_ptr_array_unref (items);
  items = claim (f->store);
  qd_store_outbox_release (f->store, "engine-a", &error);
  g_assert_no_error (error);
  h = history_of (f->store, id);
  g_assert_cmpstr (h, ==, "queued@now/local");
  g_clear_pointer (&h, g_free);

  /* Sent and rejected, edited and queued again. */
  g_ptr_array_unref (items);
  items = claim (f->store);
  qd_store_outbox_rejected (f->store, ((QdOutboxItem *) items->pdata[0])->id,
                            "credit_limit_exceeded", "Over the credit limit.", &error);
  g_assert_no_error (error);
  h = history_of (f->store, id);
  g_assert_cmpstr (h, ==, "queued@now/local sent@now/local rejected@now/local");
  g_clear_pointer (&h, g_free);
  qd_store_resubmit_order (f->store, id, fixed, 1, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Sent and applied, held for review: the server dates both steps. */
  g_ptr_array_unref (items);
  items = claim (f->store);
  entity = server_order (id, "held", NULL);
  qd_store_outbox_applied (f->store, ((QdOutboxItem *) items->pdata[0])->id, entity, NULL,
                           &error);
  g_assert_no_error (error);
  h = history_of (f->store, id);
  g_assert_cmpstr (h, ==, "queued@now/local sent@now/local rejected@now/local "
                   "queued@now/local sent@now/local "
                   "submitted@2026-11-24T09:00:00Z/server held@2026-11-24T09:00:00Z/server");
  g_clear_pointer (&h, g_free);

  /* The feed: approved (observed now), the same again (nothing), shipped (dated). */
  feed_order (f->store, id, "approved", NULL);
  feed_order (f->store, id, "approved", NULL);
  feed_order (f->store, id, "shipped", "2026-11-26T10:30:00Z");
  h = history_of (f->store, id);
  g_assert_true (g_str_has_suffix (h, "held@2026-11-24T09:00:00Z/server approved@now/observed "
                                   "shipped@2026-11-26T10:30:00Z/server"));

  /* The brand deletes it: its history goes with it. */
  g_clear_pointer (&h, g_free);
  h = g_strdup_printf ("[{\"entity\":\"order\",\"op\":\"delete\",\"id\":\"%s\"}]", id);
  apply_page (f->store, h, "c-del", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_status_history"), ==, 0);
}

/* An order cancelled before it was ever sent leaves nothing behind. */
static void
test_cancel_queued (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };

  end_catalog_fill (f->store);
  id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  qd_store_cancel_order (f->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_status_history"), ==, 0);
}

/* A server order that gives way to its result under another id keeps the local steps. */
static void
test_other_id (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonObject) entity = NULL;
  g_autofree char *id = NULL;
  g_autofree char *h = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };

  end_catalog_fill (f->store);
  id = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  items = claim (f->store);
  entity = server_order ("o_100", "submitted", NULL);
  json_object_set_string_member (entity, "client_order_id", id);
  qd_store_outbox_applied (f->store, ((QdOutboxItem *) items->pdata[0])->id, entity, NULL,
                           &error);
  g_assert_no_error (error);
  h = history_of (f->store, "o_100");
  g_assert_cmpstr (h, ==, "queued@now/local sent@now/local submitted@2026-11-24T09:00:00Z/server");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, id);
  g_assert_cmpstr (h, ==, "");
}

#define BULK_ORDER(id, status, shipped) \
  "{\"entity\":\"order\",\"op\":\"upsert\",\"id\":\"" id "\",\"data\":{\"id\":\"" id "\"," \
  "\"number\":\"SO-" id "\",\"dealer_id\":\"d1\",\"status\":\"" status "\"," \
  "\"created_at\":\"2026-03-01T08:00:00Z\",\"client_order_id\":\"" id "\",\"note\":null," \
  "\"total_fen\":100,\"shipped_at\":" shipped ",\"lines\":[]}}"

/* The initial sync brings old orders: each gets the steps it dates, and its current status
 * without a time when it does not date it. A reset of the feed drops the server's orders
 * with their history; the resync starts it again the same way, and nothing is left of an
 * order that did not come back. */
static void
test_bulk_fill (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *h = NULL;

  apply_page (f->store, "[" BULK_ORDER ("a", "submitted", "null") ","
              BULK_ORDER ("b", "held", "null") ","
              BULK_ORDER ("c", "approved", "null") ","
              BULK_ORDER ("d", "shipped", "\"2026-03-05T09:00:00Z\"") ","
              BULK_ORDER ("e", "completed", "\"2026-03-05T09:00:00Z\"") ","
              BULK_ORDER ("f", "cancelled", "null") "]", "c-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (qd_store_is_bulk_pending (f->store));
  /* Deferred like the summaries: nothing written per order during the fill. */
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_status_history"), ==, 0);
  qd_store_end_bulk (f->store, &error);
  g_assert_no_error (error);

#define T0 "2026-03-01T08:00:00Z"
  h = history_of (f->store, "a");
  g_assert_cmpstr (h, ==, "submitted@" T0 "/server");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, "b");
  g_assert_cmpstr (h, ==, "submitted@" T0 "/server held@" T0 "/server");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, "c");
  g_assert_cmpstr (h, ==, "submitted@" T0 "/server approved@?/server");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, "d");
  g_assert_cmpstr (h, ==, "submitted@" T0 "/server shipped@2026-03-05T09:00:00Z/server");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, "e");
  g_assert_cmpstr (h, ==, "submitted@" T0 "/server shipped@2026-03-05T09:00:00Z/server "
                   "completed@?/server");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, "f");
  g_assert_cmpstr (h, ==, "submitted@" T0 "/server cancelled@?/server");
  g_clear_pointer (&h, g_free);

  /* Reset and resync in bulk: "a" moved on meanwhile, "f" did not come back. */
  qd_store_reset_feed (f->store, &error);
  g_assert_no_error (error);
  apply_page (f->store, "[" BULK_ORDER ("a", "approved", "null") ","
              BULK_ORDER ("b", "held", "null") "]", "c-2", NULL, &error);
  g_assert_no_error (error);
  qd_store_end_bulk (f->store, &error);
  g_assert_no_error (error);
  h = history_of (f->store, "a");
  g_assert_cmpstr (h, ==, "submitted@" T0 "/server approved@?/server");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, "b");
  g_assert_cmpstr (h, ==, "submitted@" T0 "/server held@" T0 "/server");
  g_clear_pointer (&h, g_free);
  g_assert_cmpint (sql_int (f->store, "SELECT count(*) FROM order_status_history "
                                      "WHERE order_id NOT IN ('a', 'b')"), ==, 0);
#undef T0
}

/* A cache of version 4 gains the history of the orders it holds. */
static void
test_migration (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *local = NULL;
  g_autofree char *rejected = NULL;
  g_autofree char *h = NULL;
  QdOrderLineInput lines[] = { { "p1", 20 } };
  static const char *const downgrade[] = {
    "DROP TRIGGER orders_history_delete",
    "DROP TABLE order_status_history",
    "ALTER TABLE orders DROP COLUMN shipped_at",
    "PRAGMA user_version = 4",
  };

  end_catalog_fill (f->store);
  feed_order (f->store, "o_1", "held", NULL);
  rejected = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  local = qd_store_queue_order (f->store, lines, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  items = claim (f->store);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((QdOutboxItem *) items->pdata[0])->entity_id, ==, rejected);
  qd_store_outbox_rejected (f->store, ((QdOutboxItem *) items->pdata[0])->id, "invalid_qty",
                            "No.", &error);
  g_assert_no_error (error);
  qd_store_outbox_release (f->store, "engine-a", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (downgrade); i++)
    g_assert_cmpint (sqlite3_exec (_qd_store_get_db (f->store), downgrade[i], NULL, NULL, NULL),
                     ==, SQLITE_OK);
  g_assert_finalize_object (g_steal_pointer (&f->store));

  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_store_get_schema_version (f->store), ==, QD_STORE_SCHEMA_VERSION);
  h = history_of (f->store, "o_1");
  g_assert_cmpstr (h, ==, "submitted@2026-11-24T09:00:00Z/server held@2026-11-24T09:00:00Z/server");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, local);
  g_assert_cmpstr (h, ==, "queued@now/local");
  g_clear_pointer (&h, g_free);
  h = history_of (f->store, rejected);
  g_assert_cmpstr (h, ==, "queued@now/local rejected@?/local");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/store/history/lifecycle", test_lifecycle);
  ADD ("/store/history/cancel-queued", test_cancel_queued);
  ADD ("/store/history/other-id", test_other_id);
  ADD ("/store/history/bulk-fill", test_bulk_fill);
  ADD ("/store/history/migration", test_migration);
#undef ADD

  return g_test_run ();
}
