/* test-server-api.c — the API of PROTOCOL.md against one real qudao-server --demo
 *
 * One server for the whole program (Argon2 makes logins slow: each account logs in once).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "qd-test-server.h"

/* A small demo data set keeps the suite fast (also under ASan). */
#define SMALL_DEMO "--demo-products", "400", "--demo-order-lines", "4000"
static const char *small_demo[] = { SMALL_DEMO, NULL };

static QdTestServer *server;
static GPtrArray *garbage;

/* A fresh UUID that lives until the end of the program (for inline use in formats). */
static const char *
uuid (void)
{
  char *u = g_uuid_string_random ();

  g_ptr_array_add (garbage, u);
  return u;
}
static char *dealer1, *dealer2, *manager1, *manager2, *admin;

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                              */

static JsonNode *
req (const char *method,
     const char *path,
     const char *token,
     const char *body,
     guint       expect_status)
{
  guint status = 0;
  JsonNode *answer = qd_test_request (server, method, path, token, body, &status);

  if (status != expect_status)
    {
      g_autofree char *text = answer ? json_to_string (answer, FALSE) : g_strdup ("(none)");

      g_printerr ("# %s %s: status %u, expected %u: %s\n", method, path, status, expect_status,
                  text);
    }
  g_assert_cmpuint (status, ==, expect_status);
  return answer;
}

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

/* Every change of the caller's feed, following the cursor with pages of @limit. */
static JsonArray *
whole_feed (const char *token,
            guint       limit,
            char      **out_cursor)
{
  JsonArray *all = json_array_new ();
  g_autofree char *cursor = NULL;
  gboolean more = TRUE;
  guint pages = 0;

  while (more)
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *o;
      JsonArray *changes;

      g_assert_cmpuint (++pages, <, 100000);  /* bounded */
      if (cursor != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (cursor, NULL, TRUE);

          path = g_strdup_printf ("/api/v1/changes?since=%s&limit=%u", escaped, limit);
        }
      else
        path = g_strdup_printf ("/api/v1/changes?limit=%u", limit);
      answer = req ("GET", path, token, NULL, 200);
      o = obj (answer);
      changes = json_object_get_array_member (o, "changes");
      g_assert_cmpuint (json_array_get_length (changes), <=, limit);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (changes, i)));
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (o, "cursor"));
      more = json_object_get_boolean_member (o, "has_more");
    }
  if (out_cursor != NULL)
    *out_cursor = g_steal_pointer (&cursor);
  return all;
}

/* The latest data of each entity of the feed, by "entity:id". */
static GHashTable *
feed_index (JsonArray *feed)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);

  for (guint i = 0; i < json_array_get_length (feed); i++)
    {
      JsonObject *c = json_array_get_object_element (feed, i);
      char *key = g_strdup_printf ("%s:%s", json_object_get_string_member (c, "entity"),
                                   json_object_get_string_member (c, "id"));

      if (g_str_equal (json_object_get_string_member (c, "op"), "upsert"))
        g_hash_table_replace (index, key, json_object_ref (json_object_get_object_member (c, "data")));
      else
        g_hash_table_remove (index, key), g_free (key);
    }
  return index;
}

static char *
mutation (const char *type,
          const char *payload)
{
  g_autofree char *id = g_uuid_string_random ();

  return g_strdup_printf ("{\"mutations\":[{\"id\":\"%s\",\"type\":\"%s\",\"payload\":%s}]}",
                          id, type, payload);
}

/* Sends one mutation; returns its result object (owned node). */
static JsonNode *
mutate (const char *token,
        const char *type,
        const char *payload)
{
  g_autofree char *body = mutation (type, payload);
  g_autoptr(JsonNode) answer = req ("POST", "/api/v1/mutations", token, body, 200);
  JsonArray *results = json_object_get_array_member (obj (answer), "results");

  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_node_copy (json_array_get_element (results, 0));
}

static void
assert_rejected (JsonNode   *result,
                 const char *code)
{
  JsonObject *r = obj (result);

  if (!g_str_equal (json_object_get_string_member (r, "status"), "rejected"))
    {
      g_autofree char *text = json_to_string (result, FALSE);

      g_printerr ("# expected a rejection %s: %s\n", code, text);
    }
  g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                  "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (r, "error"),
                                                   "message"));
}

static JsonObject *
assert_applied (JsonNode *result)
{
  JsonObject *r = obj (result);

  if (!g_str_equal (json_object_get_string_member (r, "status"), "applied"))
    {
      g_autofree char *text = json_to_string (result, FALSE);

      g_printerr ("# expected applied: %s\n", text);
    }
  g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "applied");
  g_assert_false (json_object_get_boolean_member (r, "duplicate"));
  return json_object_get_object_member (r, "entity");
}

static void
assert_error (JsonNode   *answer,
              const char *code)
{
  g_assert_cmpstr (qd_test_error_code (answer), ==, code);
}

/* An active product of the catalog with its pack size, and the dealer's price. */
static const char *
find_product (GHashTable *index,
              gboolean    active,
              gboolean    lot_tracked,
              gint64     *out_pack)
{
  GHashTableIter it;
  gpointer key, value;
  const char *best = NULL;

  g_hash_table_iter_init (&it, index);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      JsonObject *p = value;

      if (!g_str_has_prefix (key, "product:") ||
          json_object_get_boolean_member (p, "active") != active ||
          json_object_get_boolean_member (p, "lot_tracked") != lot_tracked)
        continue;
      /* The smallest id, so that the choice is the same on every run. */
      if (best == NULL || strcmp (json_object_get_string_member (p, "id"), best) < 0)
        {
          best = json_object_get_string_member (p, "id");
          *out_pack = json_object_get_int_member (p, "pack_size");
        }
    }
  g_assert_nonnull (best);
  return best;
}

/* ---------------------------------------------------------------------------------- */

static void
test_health (void)
{
  g_autoptr(JsonNode) a = req ("GET", "/health", NULL, NULL, 200);

  g_assert_cmpstr (json_object_get_string_member (obj (a), "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (obj (a), "api"), ==, 1);
}

static void
test_session (void)
{
  g_autoptr(JsonNode) me = req ("GET", "/api/v1/me", dealer1, NULL, 200);
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(JsonNode) none = NULL;
  g_autoptr(JsonNode) junk = NULL;
  g_autoptr(JsonNode) m = req ("GET", "/api/v1/me", manager1, NULL, 200);
  JsonArray *regions;

  g_assert_cmpstr (json_object_get_string_member (obj (me), "role"), ==, "dealer");
  g_assert_cmpstr (json_object_get_string_member (obj (me), "dealer_id"), ==, "d-003");
  regions = json_object_get_array_member (obj (m), "region_ids");
  g_assert_cmpuint (json_array_get_length (regions), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (regions, 0), ==, "r-east");

  bad = req ("POST", "/api/v1/session", NULL,
             "{\"username\":\"dealer2\",\"password\":\"wrong-password\"}", 401);
  assert_error (bad, "bad_credentials");
  none = req ("GET", "/api/v1/me", NULL, NULL, 401);
  assert_error (none, "unauthorized");
  junk = req ("GET", "/api/v1/me", "not-a-token", NULL, 401);
  assert_error (junk, "invalid_token");
}

static void
test_logout (void)
{
  g_autofree char *token = qd_test_server_login (server, "dealer2", "qudao-demo");
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) gone = NULL;
  g_autoptr(JsonNode) after = NULL;

  g_assert_nonnull (token);
  before = req ("GET", "/api/v1/me", token, NULL, 200);
  gone = req ("DELETE", "/api/v1/session", token, NULL, 204);
  after = req ("GET", "/api/v1/me", token, NULL, 401);
  assert_error (after, "invalid_token");
}

/* Sessions are cached in memory for a few seconds; an admin change of the user must still
 * show in the very next request. */
static void
test_session_sees_admin_change (void)
{
  g_autoptr(JsonNode) put1 = req ("PUT", "/api/v1/admin/users/u-cache", admin,
                                  "{\"username\":\"cache-mgr\",\"name\":\"缓存经理\","
                                  "\"role\":\"manager\",\"region_ids\":[\"r-east\"],"
                                  "\"password\":\"cache-password\"}", 200);
  g_autofree char *token = qd_test_server_login (server, "cache-mgr", "cache-password");
  g_autoptr(JsonNode) me1 = NULL;
  g_autoptr(JsonNode) put2 = NULL;
  g_autoptr(JsonNode) me2 = NULL;
  JsonArray *regions;

  g_assert_nonnull (token);
  me1 = req ("GET", "/api/v1/me", token, NULL, 200);
  regions = json_object_get_array_member (obj (me1), "region_ids");
  g_assert_cmpuint (json_array_get_length (regions), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (regions, 0), ==, "r-east");

  put2 = req ("PUT", "/api/v1/admin/users/u-cache", admin,
              "{\"username\":\"cache-mgr\",\"name\":\"缓存经理\",\"role\":\"manager\","
              "\"region_ids\":[\"r-south\"]}", 200);
  me2 = req ("GET", "/api/v1/me", token, NULL, 200);
  regions = json_object_get_array_member (obj (me2), "region_ids");
  g_assert_cmpuint (json_array_get_length (regions), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (regions, 0), ==, "r-south");
}

static void
test_not_found (void)
{
  g_autoptr(JsonNode) a = req ("GET", "/api/v1/nothing", dealer1, NULL, 404);
  g_autoptr(JsonNode) b = req ("DELETE", "/api/v1/changes", dealer1, NULL, 405);
  g_autoptr(JsonNode) c = req ("GET", "/api/v1/orders/no-such-order", dealer1, NULL, 404);

  assert_error (a, "not_found");
  assert_error (b, "method_not_allowed");
  assert_error (c, "not_found");
}

static void
test_feed_paging (void)
{
  g_autoptr(JsonArray) big = whole_feed (dealer1, 5000, NULL);
  g_autoptr(JsonArray) small = whole_feed (dealer1, 37, NULL);
  gint64 last = 0;

  g_assert_cmpuint (json_array_get_length (big), >, 600);
  g_assert_cmpuint (json_array_get_length (big), ==, json_array_get_length (small));
  for (guint i = 0; i < json_array_get_length (big); i++)
    {
      JsonNode *a = json_array_get_element (big, i);
      JsonNode *b = json_array_get_element (small, i);
      gint64 seq = json_object_get_int_member (json_node_get_object (a), "seq");

      g_assert_true (json_node_equal (a, b));
      g_assert_cmpint (seq, >, last);
      last = seq;
    }
}

static void
test_feed_incremental (void)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) feed = whole_feed (dealer2, 5000, &cursor);
  g_autofree char *escaped = g_uri_escape_string (cursor, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%s", escaped);
  g_autoptr(JsonNode) empty = req ("GET", path, dealer2, NULL, 200);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (empty), "changes")),
                    ==, 0);
  g_assert_false (json_object_get_boolean_member (obj (empty), "has_more"));
  /* Up to date: the same cursor back, and the head is where it points. */
  g_assert_cmpstr (json_object_get_string_member (obj (empty), "cursor"), ==, cursor);
  g_assert_cmpint (json_object_get_int_member (obj (empty), "head_seq"), ==,
                   g_ascii_strtoll (cursor, NULL, 10));
}

static GHashTable *dealer1_index (void);

/* One page of the caller's feed after @cursor (NULL: from the start). */
static JsonNode *
feed_page (const char *token,
           const char *cursor,
           guint       limit)
{
  g_autofree char *escaped = cursor ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;
  g_autofree char *path = cursor
    ? g_strdup_printf ("/api/v1/changes?since=%s&limit=%u", escaped, limit)
    : g_strdup_printf ("/api/v1/changes?limit=%u", limit);

  return req ("GET", path, token, NULL, 200);
}

/* Polling from the end of the feed: empty until something changes, then exactly that
 * change, then empty again from the new cursor. */
static void
test_feed_poll_after_write (void)
{
  g_autoptr(GHashTable) index = dealer1_index ();
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) feed = whole_feed (dealer1, 5000, &cursor);
  gint64 pack = 1;
  const char *product = find_product (index, TRUE, FALSE, &pack);
  g_autofree char *order_id = g_uuid_string_random ();
  g_autofree char *payload = g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                              "\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}",
                                              order_id, product, pack);
  g_autoptr(JsonNode) before = feed_page (dealer1, cursor, 100);
  g_autoptr(JsonNode) applied = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) again = NULL;
  JsonArray *changes;
  gboolean seen = FALSE;

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (before), "changes")),
                    ==, 0);
  applied = mutate (dealer1, "order.submit", payload);
  assert_applied (applied);

  after = feed_page (dealer1, cursor, 100);
  changes = json_object_get_array_member (obj (after), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);

      g_assert_cmpint (json_object_get_int_member (c, "seq"), >, g_ascii_strtoll (cursor, NULL, 10));
      if (g_str_equal (json_object_get_string_member (c, "entity"), "order") &&
          g_str_equal (json_object_get_string_member (c, "id"), order_id))
        seen = TRUE;
    }
  g_assert_true (seen);
  g_assert_cmpstr (json_object_get_string_member (obj (after), "cursor"), !=, cursor);

  again = feed_page (dealer1, json_object_get_string_member (obj (after), "cursor"), 100);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (again), "changes")),
                    ==, 0);
  /* Cancelled, the order leaves the dealer's history (the hold rule of later tests). */
  {
    g_autofree char *cancel = g_strdup_printf ("{\"order_id\":\"%s\",\"reason\":\"测试\"}",
                                               order_id);
    g_autoptr(JsonNode) cancelled = mutate (dealer1, "order.cancel", cancel);

    assert_applied (cancelled);
  }
  (void) feed;
}

static gint64
cursor_seq (const char *cursor)
{
  return g_ascii_strtoll (cursor, NULL, 10);
}

/* Every page tells the global head (the progress total of the client): at least every seq
 * and cursor of the page, the same for every caller, and the cursor of the last page. */
static void
test_feed_head_seq (void)
{
  g_autoptr(JsonNode) admin_last = NULL;
  g_autofree char *cursor = NULL;
  gint64 head = -1;
  gboolean more = TRUE;
  guint pages = 0;

  while (more)
    {
      g_autoptr(JsonNode) page = feed_page (dealer2, cursor, 200);
      JsonObject *o = obj (page);
      JsonArray *changes = json_object_get_array_member (o, "changes");
      gint64 page_head;

      g_assert_cmpuint (++pages, <, 10000);  /* bounded */
      g_assert_true (json_object_has_member (o, "head_seq"));
      page_head = json_object_get_int_member (o, "head_seq");
      g_assert_cmpint (page_head, >, 0);
      if (head >= 0)
        g_assert_cmpint (page_head, ==, head);  /* nobody writes meanwhile */
      head = page_head;
      for (guint i = 0; i < json_array_get_length (changes); i++)
        g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (changes, i),
                                                     "seq"), <=, head);
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (o, "cursor"));
      g_assert_cmpint (cursor_seq (cursor), <=, head);
      more = json_object_get_boolean_member (o, "has_more");
    }
  g_assert_cmpuint (pages, >, 1);
  g_assert_cmpint (cursor_seq (cursor), ==, head);

  /* The global head, not the head of dealer2's scope: an admin sees the same. */
  admin_last = feed_page (admin, NULL, 1);
  g_assert_cmpint (json_object_get_int_member (obj (admin_last), "head_seq"), ==, head);

  /* A change dealer2 cannot see moves the head of dealer2's empty incremental poll too. */
  {
    g_autoptr(GHashTable) index = dealer1_index ();
    gint64 pack = 1;
    const char *product = find_product (index, TRUE, FALSE, &pack);
    g_autofree char *order_id = g_uuid_string_random ();
    g_autofree char *payload = g_strdup_printf (
      "{\"order_id\":\"%s\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}",
      order_id, product, pack);
    g_autoptr(JsonNode) result = mutate (dealer1, "order.submit", payload);
    g_autoptr(JsonNode) poll = NULL;
    JsonObject *o;

    assert_applied (result);
    poll = feed_page (dealer2, cursor, 200);
    o = obj (poll);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "changes")), ==, 0);
    g_assert_false (json_object_get_boolean_member (o, "has_more"));
    g_assert_cmpint (json_object_get_int_member (o, "head_seq"), >, head);
    g_assert_cmpint (cursor_seq (json_object_get_string_member (o, "cursor")), ==,
                     json_object_get_int_member (o, "head_seq"));
  }
}

static void
test_bad_cursor (void)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) feed = whole_feed (dealer2, 5000, &cursor);
  g_autofree char *escaped = g_uri_escape_string (cursor, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%s", escaped);
  g_autoptr(JsonNode) other = req ("GET", path, dealer1, NULL, 400);
  g_autoptr(JsonNode) forged = req ("GET", "/api/v1/changes?since=1.00000000000000000000000000000000",
                                    dealer2, NULL, 400);
  g_autoptr(JsonNode) junk = req ("GET", "/api/v1/changes?since=%FF%FE", dealer2, NULL, 400);
  g_autoptr(JsonNode) limit = req ("GET", "/api/v1/changes?limit=-3", dealer2, NULL, 400);
  char *dot;

  assert_error (other, "bad_cursor");
  assert_error (forged, "bad_cursor");
  assert_error (junk, "bad_cursor");
  assert_error (limit, "invalid_parameter");

  /* Same MAC, another seq. */
  dot = strchr (cursor, '.');
  g_assert_nonnull (dot);
  {
    g_autofree char *moved = g_strdup_printf ("1%s", cursor);
    g_autofree char *e2 = g_uri_escape_string (moved, NULL, TRUE);
    g_autofree char *p2 = g_strdup_printf ("/api/v1/changes?since=%s", e2);
    g_autoptr(JsonNode) a = req ("GET", p2, dealer2, NULL, 400);

    assert_error (a, "bad_cursor");
  }
}

/* A dealer sees the catalog and only its own records. */
static void
test_dealer_isolation (void)
{
  g_autoptr(JsonArray) feed = whole_feed (dealer1, 5000, NULL);
  g_autoptr(JsonArray) feed2 = whole_feed (dealer2, 5000, NULL);
  g_autoptr(GHashTable) index = feed_index (feed);
  g_autoptr(JsonNode) me2 = req ("GET", "/api/v1/me", dealer2, NULL, 200);
  const char *d2 = json_object_get_string_member (obj (me2), "dealer_id");
  g_autoptr(JsonNode) mine = req ("GET", "/api/v1/dealers/d-003", dealer1, NULL, 200);
  guint orders = 0, statements = 0;
  const char *foreign_order = NULL;

  g_assert_cmpstr (json_object_get_string_member (obj (mine), "level"), ==, "regional");

  for (guint i = 0; i < json_array_get_length (feed); i++)
    {
      JsonObject *c = json_array_get_object_element (feed, i);
      const char *entity = json_object_get_string_member (c, "entity");
      JsonObject *data = json_object_get_object_member (c, "data");

      if (g_str_equal (entity, "order") || g_str_equal (entity, "statement") ||
          g_str_equal (entity, "payment") || g_str_equal (entity, "target") ||
          g_str_equal (entity, "stock_report"))
        g_assert_cmpstr (json_object_get_string_member (data, "dealer_id"), ==, "d-003");
      if (g_str_equal (entity, "dealer"))
        g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, "d-003");
      if (g_str_equal (entity, "price"))
        {
          if (json_object_get_null_member (data, "dealer_id"))
            g_assert_cmpstr (json_object_get_string_member (data, "level"), ==, "regional");
          else
            g_assert_cmpstr (json_object_get_string_member (data, "dealer_id"), ==, "d-003");
        }
      orders += g_str_equal (entity, "order");
      statements += g_str_equal (entity, "statement");
    }
  g_assert_cmpuint (orders, >, 0);
  g_assert_cmpuint (statements, >, 0);

  /* dealer1 has orders in every status and an issued statement. */
  {
    const char *statuses[] = { "submitted", "held", "approved", "shipped", "completed",
                               "cancelled", "rejected" };
    gboolean issued = FALSE;
    GHashTableIter it;
    gpointer key, value;

    for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
      {
        gboolean found = FALSE;

        g_hash_table_iter_init (&it, index);
        while (!found && g_hash_table_iter_next (&it, &key, &value))
          found = g_str_has_prefix (key, "order:") &&
                  g_str_equal (json_object_get_string_member (value, "status"), statuses[s]);
        g_assert_true (found);
      }
    g_hash_table_iter_init (&it, index);
    while (g_hash_table_iter_next (&it, &key, &value))
      issued |= g_str_has_prefix (key, "statement:") &&
                g_str_equal (json_object_get_string_member (value, "status"), "issued");
    g_assert_true (issued);
  }

  /* Another dealer's order and statement: 404 by id, as if they did not exist. */
  for (guint i = 0; i < json_array_get_length (feed2) && foreign_order == NULL; i++)
    {
      JsonObject *c = json_array_get_object_element (feed2, i);

      if (g_str_equal (json_object_get_string_member (c, "entity"), "order"))
        foreign_order = json_object_get_string_member (c, "id");
    }
  g_assert_nonnull (foreign_order);
  {
    g_autofree char *p = g_strdup_printf ("/api/v1/orders/%s", foreign_order);
    g_autofree char *pd = g_strdup_printf ("/api/v1/dealers/%s", d2);
    g_autofree char *ps = g_strdup_printf ("/api/v1/statements/st-%s-2020-01", d2);
    g_autoptr(JsonNode) a = req ("GET", p, dealer1, NULL, 404);
    g_autoptr(JsonNode) b = req ("GET", pd, dealer1, NULL, 404);
    g_autoptr(JsonNode) own = req ("GET", p, dealer2, NULL, 200);
    g_autoptr(JsonNode) adm = req ("GET", p, admin, NULL, 200);

    assert_error (a, "not_found");
    assert_error (b, "not_found");
    (void) ps;
  }
  g_assert_cmpstr (d2, !=, "d-003");
}

static void
test_manager_scope (void)
{
  g_autoptr(JsonArray) feed = whole_feed (manager1, 5000, NULL);
  g_autoptr(GHashTable) index = feed_index (feed);
  g_autoptr(JsonArray) south = whole_feed (dealer2, 5000, NULL);
  GHashTableIter it;
  gpointer key, value;
  guint dealers = 0;
  const char *south_order = NULL;

  g_hash_table_iter_init (&it, index);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (g_str_has_prefix (key, "dealer:"))
      {
        g_assert_cmpstr (json_object_get_string_member (value, "region_id"), ==, "r-east");
        dealers++;
      }
  g_assert_cmpuint (dealers, ==, 21);

  g_hash_table_iter_init (&it, index);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (g_str_has_prefix (key, "order:") || g_str_has_prefix (key, "statement:"))
      {
        g_autofree char *dk = g_strdup_printf ("dealer:%s",
                                               json_object_get_string_member (value, "dealer_id"));

        g_assert_true (g_hash_table_contains (index, dk));
      }

  for (guint i = 0; i < json_array_get_length (south) && south_order == NULL; i++)
    {
      JsonObject *c = json_array_get_object_element (south, i);

      if (g_str_equal (json_object_get_string_member (c, "entity"), "order"))
        south_order = json_object_get_string_member (c, "id");
    }
  {
    g_autofree char *p = g_strdup_printf ("/api/v1/orders/%s", south_order);
    g_autoptr(JsonNode) a = req ("GET", p, manager1, NULL, 404);

    assert_error (a, "not_found");
  }
}

static GHashTable *
dealer1_index (void)
{
  g_autoptr(JsonArray) feed = whole_feed (dealer1, 5000, NULL);

  return feed_index (feed);
}

static void
test_order_submit (void)
{
  g_autoptr(GHashTable) index = dealer1_index ();
  gint64 pack = 1;
  const char *product = find_product (index, TRUE, FALSE, &pack);
  g_autofree char *order_id = g_uuid_string_random ();
  g_autofree char *mid = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf (
    "{\"mutations\":[{\"id\":\"%s\",\"type\":\"order.submit\",\"created_at\":"
    "\"2026-11-24T08:00:00Z\",\"payload\":{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
    "\"%s\",\"qty\":%" G_GINT64_FORMAT "}],\"note\":\"急用\",\"expected_total_fen\":1}}]}",
    mid, order_id, product, pack);
  g_autoptr(JsonNode) first = req ("POST", "/api/v1/mutations", dealer1, body, 200);
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) dealer_before = NULL;
  g_autoptr(JsonNode) dealer_after = NULL;
  g_autoptr(JsonNode) by_id = NULL;
  JsonObject *r0, *r1, *entity;
  g_autofree char *path = g_strdup_printf ("/api/v1/orders/%s", order_id);

  r0 = json_array_get_object_element (json_object_get_array_member (obj (first), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (r0, "status"), ==, "applied");
  g_assert_false (json_object_get_boolean_member (r0, "duplicate"));
  g_assert_cmpstr (json_object_get_string_member (r0, "id"), ==, mid);
  entity = json_object_get_object_member (r0, "entity");
  g_assert_cmpstr (json_object_get_string_member (entity, "id"), ==, order_id);
  g_assert_cmpstr (json_object_get_string_member (entity, "status"), ==, "submitted");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (entity, "number"), "SO-"));
  g_assert_cmpuint (strlen (json_object_get_string_member (entity, "number")), ==, 18);
  g_assert_true (json_object_get_boolean_member (entity, "repriced"));
  g_assert_cmpint (json_object_get_int_member (entity, "total_fen"), >, 0);
  g_assert_cmpint (json_object_get_int_member (entity, "total_fen"), ==,
                   json_object_get_int_member (
                     json_array_get_object_element (json_object_get_array_member (entity, "lines"), 0),
                     "unit_price_fen") * pack);

  /* The replay answers the first result and changes nothing. */
  dealer_before = req ("GET", "/api/v1/dealers/d-003", dealer1, NULL, 200);
  again = req ("POST", "/api/v1/mutations", dealer1, body, 200);
  r1 = json_array_get_object_element (json_object_get_array_member (obj (again), "results"), 0);
  g_assert_true (json_object_get_boolean_member (r1, "duplicate"));
  g_assert_true (json_node_equal (json_object_get_member (r0, "entity"),
                                  json_object_get_member (r1, "entity")));
  dealer_after = req ("GET", "/api/v1/dealers/d-003", dealer1, NULL, 200);
  g_assert_true (json_node_equal (dealer_before, dealer_after));

  by_id = req ("GET", path, dealer1, NULL, 200);
  g_assert_cmpstr (json_object_get_string_member (obj (by_id), "number"), ==,
                   json_object_get_string_member (entity, "number"));

  /* The same mutation id with another body. */
  {
    g_autofree char *other = g_strdup_printf (
      "{\"mutations\":[{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":"
      "\"%s\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}]}",
      mid, order_id, product, pack * 2);
    g_autoptr(JsonNode) a = req ("POST", "/api/v1/mutations", dealer1, other, 200);

    assert_rejected (json_array_get_element (json_object_get_array_member (obj (a), "results"), 0),
                     "id_reused");
  }
  /* The same order id under a new mutation id. */
  {
    g_autofree char *payload = g_strdup_printf (
      "{\"order_id\":\"%s\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}",
      order_id, product, pack);
    g_autoptr(JsonNode) a = mutate (dealer1, "order.submit", payload);

    assert_rejected (a, "already_exists");
  }
  /* Another user replaying someone's mutation id gets nothing of theirs. */
  {
    g_autoptr(JsonNode) a = req ("POST", "/api/v1/mutations", dealer2, body, 200);

    assert_rejected (json_array_get_element (json_object_get_array_member (obj (a), "results"), 0),
                     "id_reused");
  }
}

static void
test_order_rejections (void)
{
  g_autoptr(GHashTable) index = dealer1_index ();
  g_autoptr(JsonNode) dealer = req ("GET", "/api/v1/dealers/d-003", dealer1, NULL, 200);
  gint64 pack = 1, inactive_pack = 1;
  const char *product = find_product (index, TRUE, FALSE, &pack);
  const char *inactive = find_product (index, FALSE, FALSE, &inactive_pack);
  gint64 available = json_object_get_int_member (obj (dealer), "available_credit_fen");
  struct
  {
    const char *code;
    char       *payload;
  } cases[] = {
    { "empty_order", g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[]}", uuid ()) },
    { "unknown_product", g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                          "\"p-nope\",\"qty\":1}]}", uuid ()) },
    { "product_inactive", g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                           "\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}",
                                           uuid (), inactive, inactive_pack) },
    { "invalid_qty", g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                      "\"%s\",\"qty\":0}]}", uuid (), product) },
    { "invalid_qty", g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                      "\"%s\",\"qty\":-5}]}", uuid (), product) },
    { "invalid_qty", g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                      "\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}",
                                      uuid (), product, pack * 1000 + pack) },
    { "invalid_payload", g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[],\"colour\":1}",
                                          uuid ()) },
    { "invalid_payload", g_strdup ("{\"order_id\":\"not-a-uuid\",\"lines\":[]}") },
    { "invalid_payload", g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                          "\"%s\",\"qty\":\"3\"}]}", uuid (),
                                          product) },
  };

  if (pack > 1)
    {
      g_autofree char *p = g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                            "\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}",
                                            uuid (), product, pack + 1);
      g_autoptr(JsonNode) a = mutate (dealer1, "order.submit", p);

      assert_rejected (a, "invalid_qty");
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) a = mutate (dealer1, "order.submit", cases[i].payload);

      assert_rejected (a, cases[i].code);
      g_free (cases[i].payload);
    }

  /* Over the available credit: many lines of the most expensive product. */
  {
    g_autoptr(GString) p = g_string_new (NULL);
    GHashTableIter it;
    gpointer key, value;
    const char *dear = NULL;
    gint64 dear_price = 0, dear_pack = 1, total = 0;
    g_autoptr(JsonNode) a = NULL;

    g_hash_table_iter_init (&it, index);
    while (g_hash_table_iter_next (&it, &key, &value))
      if (g_str_has_prefix (key, "price:") &&
          !json_object_get_null_member (value, "level") &&
          json_object_get_int_member (value, "unit_price_fen") > dear_price)
        {
          g_autofree char *pk = g_strdup_printf ("product:%s",
                                                 json_object_get_string_member (value, "product_id"));
          JsonObject *prod = g_hash_table_lookup (index, pk);

          if (prod == NULL || !json_object_get_boolean_member (prod, "active"))
            continue;
          dear = json_object_get_string_member (value, "product_id");
          dear_price = json_object_get_int_member (value, "unit_price_fen");
          dear_pack = json_object_get_int_member (prod, "pack_size");
        }
    g_assert_nonnull (dear);
    g_string_printf (p, "{\"order_id\":\"%s\",\"lines\":[", uuid ());
    for (guint i = 0; total <= available; i++)
      {
        g_assert_cmpuint (i, <, 10000);
        g_string_append_printf (p, "%s{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}",
                                i ? "," : "", dear, dear_pack * 1000);
        total += dear_price * dear_pack * 1000;
      }
    g_string_append (p, "]}");
    a = mutate (dealer1, "order.submit", p->str);
    assert_rejected (a, "credit_limit_exceeded");
  }

  /* Roles and types. */
  {
    g_autofree char *p = g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                          "\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}",
                                          uuid (), product, pack);
    g_autoptr(JsonNode) a = mutate (manager1, "order.submit", p);
    g_autoptr(JsonNode) b = mutate (dealer1, "order.teleport", "{}");
    g_autoptr(JsonNode) c = mutate (dealer1, "order.cancel",
                                    "{\"order_id\":\"00000000-0000-4000-8000-000000000000\","
                                    "\"reason\":\"x\"}");

    assert_rejected (a, "forbidden");
    assert_rejected (b, "unknown_type");
    assert_rejected (c, "not_found");
  }
}

static void
test_batch_independent (void)
{
  g_autoptr(GHashTable) index = dealer1_index ();
  gint64 pack = 1;
  const char *product = find_product (index, TRUE, FALSE, &pack);
  g_autofree char *o1 = g_uuid_string_random ();
  g_autofree char *o2 = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf (
    "{\"mutations\":["
    "{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\",\"lines\":"
    "[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}},"
    "{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\",\"lines\":[]}},"
    "{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\",\"lines\":"
    "[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}]}",
    uuid (), o1, product, pack, uuid (), uuid (),
    uuid (), o2, product, pack);
  g_autoptr(JsonNode) a = req ("POST", "/api/v1/mutations", dealer1, body, 200);
  JsonArray *results = json_object_get_array_member (obj (a), "results");

  g_assert_cmpuint (json_array_get_length (results), ==, 3);
  assert_applied (json_array_get_element (results, 0));
  assert_rejected (json_array_get_element (results, 1), "empty_order");
  assert_applied (json_array_get_element (results, 2));
  /* The rejection in the middle undid neither of its batch-mates. */
  {
    g_autofree char *p1 = g_strdup_printf ("/api/v1/orders/%s", o1);
    g_autofree char *p2 = g_strdup_printf ("/api/v1/orders/%s", o2);
    g_autoptr(JsonNode) r1 = req ("GET", p1, dealer1, NULL, 200);
    g_autoptr(JsonNode) r2 = req ("GET", p2, dealer1, NULL, 200);

    g_assert_cmpstr (json_object_get_string_member (obj (r1), "id"), ==, o1);
    g_assert_cmpstr (json_object_get_string_member (obj (r2), "id"), ==, o2);
  }
}

/* A repeated batch answers its first answer byte for byte (but "duplicate"), for applied
 * and rejected results alike, also after the applied order changed since. */
static void
test_replay_bytes (void)
{
  g_autoptr(GHashTable) index = dealer1_index ();
  gint64 pack = 1;
  const char *product = find_product (index, TRUE, FALSE, &pack);
  g_autofree char *o1 = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf (
    "{\"mutations\":["
    "{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\",\"lines\":"
    "[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}],\"note\":\"引号\\\"与换行\\n\","
    "\"expected_total_fen\":1}},"
    "{\"id\":\"%s\",\"type\":\"order.submit\",\"payload\":{\"order_id\":\"%s\",\"lines\":"
    "[{\"product_id\":\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}}]}",
    uuid (), o1, product, pack, uuid (), uuid (), product, pack + 1 + (pack > 1 ? 0 : 1000000000));
  g_autofree char *cancel = g_strdup_printf ("{\"order_id\":\"%s\",\"reason\":\"改单\"}", o1);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(JsonNode) cancelled = NULL;
  g_autoptr(GString) expected = NULL;
  guint status = 0;

  first = qd_test_request_raw (server, "POST", "/api/v1/mutations", dealer1, body,
                               strlen (body), &status);
  g_assert_cmpuint (status, ==, 200);
  expected = g_string_new_len (g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  g_assert_nonnull (strstr (expected->str, "\"status\":\"applied\""));
  g_assert_nonnull (strstr (expected->str, "\"status\":\"rejected\""));
  g_assert_nonnull (strstr (expected->str, "\"repriced\":true"));
  g_assert_cmpuint (g_string_replace (expected, "\"duplicate\":false", "\"duplicate\":true", 0),
                    ==, 2);

  cancelled = mutate (dealer1, "order.cancel", cancel);
  assert_applied (cancelled);

  again = qd_test_request_raw (server, "POST", "/api/v1/mutations", dealer1, body,
                               strlen (body), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again),
                   expected->str, expected->len);
}

static void
test_order_lifecycle (void)
{
  g_autoptr(GHashTable) index = dealer1_index ();
  g_autoptr(JsonNode) dealer = req ("GET", "/api/v1/dealers/d-003", dealer1, NULL, 200);
  gint64 pack = 1;
  const char *product = find_product (index, TRUE, FALSE, &pack);
  g_autofree char *order_id = g_uuid_string_random ();
  g_autofree char *held_id = g_uuid_string_random ();
  g_autofree char *payload = g_strdup_printf ("{\"order_id\":\"%s\",\"lines\":[{\"product_id\":"
                                              "\"%s\",\"qty\":%" G_GINT64_FORMAT "}]}",
                                              order_id, product, pack);
  g_autoptr(JsonNode) submitted = mutate (dealer1, "order.submit", payload);
  g_autofree char *cancel = g_strdup_printf ("{\"order_id\":\"%s\",\"reason\":\"下错了\"}", order_id);
  g_autoptr(JsonNode) cancelled = mutate (dealer1, "order.cancel", cancel);
  g_autoptr(JsonNode) again = mutate (dealer1, "order.cancel", cancel);
  JsonObject *e;

  assert_applied (submitted);
  e = assert_applied (cancelled);
  g_assert_cmpstr (json_object_get_string_member (e, "status"), ==, "cancelled");
  assert_rejected (again, "invalid_state");

  /* Held: a total over the dealer's review threshold (regional: ¥200,000), within credit. */
  {
    g_autoptr(GString) p = g_string_new (NULL);
    gint64 price = 0, total = 0;
    g_autofree char *pk = g_strdup_printf ("price:pr-%s-regional", product);
    JsonObject *pr = g_hash_table_lookup (index, pk);
    g_autoptr(JsonNode) held = NULL;
    g_autoptr(JsonNode) review_dealer = NULL;
    g_autoptr(JsonNode) review_south = NULL;
    g_autoptr(JsonNode) review_ok = NULL;
    g_autoptr(JsonNode) review_again = NULL;
    g_autofree char *review = NULL;
    gint64 qty;

    g_assert_nonnull (pr);
    price = json_object_get_int_member (pr, "unit_price_fen");
    qty = (20000000 / (price * pack) + 1) * pack;
    total = qty * price;
    g_assert_cmpint (total, <, json_object_get_int_member (obj (dealer), "available_credit_fen"));
    g_string_printf (p, "{\"order_id\":\"%s\",\"lines\":[{\"product_id\":\"%s\",\"qty\":%"
                     G_GINT64_FORMAT "}]}", held_id, product, qty);
    if (qty > pack * 1000)
      {
        g_test_skip ("the product's line maximum is below the review threshold");
        return;
      }
    held = mutate (dealer1, "order.submit", p->str);
    e = assert_applied (held);
    g_assert_cmpstr (json_object_get_string_member (e, "status"), ==, "held");
    g_assert_nonnull (json_object_get_string_member (e, "held_reason"));

    review = g_strdup_printf ("{\"order_id\":\"%s\",\"decision\":\"approve\",\"comment\":\"ok\"}",
                              held_id);
    review_dealer = mutate (dealer1, "order.review", review);
    assert_rejected (review_dealer, "forbidden");
    review_south = mutate (manager2, "order.review", review);
    assert_rejected (review_south, "not_found");
    review_ok = mutate (manager1, "order.review", review);
    e = assert_applied (review_ok);
    g_assert_cmpstr (json_object_get_string_member (e, "status"), ==, "approved");
    review_again = mutate (manager1, "order.review", review);
    assert_rejected (review_again, "invalid_state");
  }

  /* The brand moves it along; a wrong move is 409. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/admin/orders/%s/status", held_id);
    g_autoptr(JsonNode) wrong = req ("POST", path, admin, "{\"status\":\"completed\"}", 409);
    g_autoptr(JsonNode) shipped = req ("POST", path, admin, "{\"status\":\"shipped\"}", 200);
    g_autoptr(JsonNode) done = req ("POST", path, admin, "{\"status\":\"completed\"}", 200);
    g_autoptr(JsonNode) forbidden = req ("POST", path, dealer1, "{\"status\":\"completed\"}", 403);
    g_autoptr(JsonNode) after = NULL;

    assert_error (wrong, "invalid_state");
    assert_error (forbidden, "forbidden");
    g_assert_cmpstr (json_object_get_string_member (obj (shipped), "status"), ==, "shipped");
    g_assert_cmpstr (json_object_get_string_member (obj (done), "status"), ==, "completed");
    after = req ("GET", "/api/v1/dealers/d-003", dealer1, NULL, 200);
    /* Invoiced: the balance grew by the order total. */
    g_assert_cmpint (json_object_get_int_member (obj (after), "balance_fen"), >,
                     json_object_get_int_member (obj (dealer), "balance_fen"));
  }
}

static void
test_stock_report (void)
{
  g_autoptr(GHashTable) index = dealer1_index ();
  gint64 pack = 1, lot_pack = 1;
  const char *product = find_product (index, TRUE, FALSE, &pack);
  const char *lot_product = find_product (index, TRUE, TRUE, &lot_pack);
  g_autofree char *ok = g_strdup_printf (
    "{\"report_id\":\"%s\",\"as_of\":\"2026-01-31\",\"lines\":[{\"product_id\":\"%s\","
    "\"qty\":0},{\"product_id\":\"%s\",\"qty\":5,\"lot\":\"L1\",\"expiry\":\"2027-03-01\"}]}",
    uuid (), product, lot_product);
  g_autofree char *no_lot = g_strdup_printf (
    "{\"report_id\":\"%s\",\"as_of\":\"2026-01-31\",\"lines\":[{\"product_id\":\"%s\","
    "\"qty\":5}]}", uuid (), lot_product);
  g_autofree char *future = g_strdup_printf (
    "{\"report_id\":\"%s\",\"as_of\":\"2999-01-31\",\"lines\":[]}", uuid ());
  g_autofree char *negative = g_strdup_printf (
    "{\"report_id\":\"%s\",\"as_of\":\"2026-01-31\",\"lines\":[{\"product_id\":\"%s\","
    "\"qty\":-1}]}", uuid (), product);
  g_autoptr(JsonNode) a = mutate (dealer1, "stock_report.submit", ok);
  g_autoptr(JsonNode) b = mutate (dealer1, "stock_report.submit", no_lot);
  g_autoptr(JsonNode) c = mutate (dealer1, "stock_report.submit", future);
  g_autoptr(JsonNode) d = mutate (dealer1, "stock_report.submit", negative);
  JsonObject *e;

  e = assert_applied (a);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (e, "lines")), ==, 2);
  assert_rejected (b, "lot_required");
  assert_rejected (c, "future_date");
  assert_rejected (d, "invalid_payload");
}

static const char *
issued_statement (GHashTable *index,
                  gint64     *out_version)
{
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, index);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (g_str_has_prefix (key, "statement:") &&
        g_str_equal (json_object_get_string_member (value, "status"), "issued"))
      {
        *out_version = json_object_get_int_member (value, "version");
        return json_object_get_string_member (value, "id");
      }
  return NULL;
}

static void
test_statements (void)
{
  g_autoptr(GHashTable) index = dealer1_index ();
  gint64 version = 0;
  const char *id = issued_statement (index, &version);
  g_autofree char *sid = g_strdup (id);
  g_autofree char *stale = NULL;
  g_autofree char *good = NULL;
  g_autofree char *revise_path = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(JsonNode) c = NULL;
  g_autoptr(JsonNode) revised = NULL;

  g_assert_nonnull (id);
  g_assert_cmpint (version, >=, 1);

  /* The brand revises it: version + 1, issued again. */
  revise_path = g_strdup_printf ("/api/v1/admin/statements/%s/revise", sid);
  revised = req ("POST", revise_path, admin, NULL, 200);
  g_assert_cmpint (json_object_get_int_member (obj (revised), "version"), ==, version + 1);
  g_assert_cmpstr (json_object_get_string_member (obj (revised), "status"), ==, "issued");

  stale = g_strdup_printf ("{\"statement_id\":\"%s\",\"version\":%" G_GINT64_FORMAT "}", sid, version);
  a = mutate (dealer1, "statement.confirm", stale);
  assert_rejected (a, "stale_version");

  /* Dispute with the current version: unknown line, then a real one. */
  {
    g_autofree char *bad_line = g_strdup_printf (
      "{\"statement_id\":\"%s\",\"version\":%" G_GINT64_FORMAT ",\"lines\":[{\"line_id\":"
      "\"L999\",\"reason\":\"没收到\"}]}", sid, version + 1);
    g_autoptr(JsonNode) r = mutate (dealer1, "statement.dispute", bad_line);
    JsonArray *lines = json_object_get_array_member (obj (revised), "lines");

    assert_rejected (r, "unknown_line");
    if (json_array_get_length (lines) > 0)
      {
        const char *first = json_object_get_string_member (
          json_array_get_object_element (lines, 0), "line_id");
        g_autofree char *half = g_strdup_printf (
          "{\"statement_id\":\"%s\",\"version\":%" G_GINT64_FORMAT ",\"lines\":[{\"line_id\":"
          "\"%s\",\"reason\":\"金额不符\"},{\"line_id\":\"L999\",\"reason\":\"没收到\"}]}",
          sid, version + 1, first);
        g_autoptr(JsonNode) h = mutate (dealer1, "statement.dispute", half);
        g_autofree char *spath = g_strdup_printf ("/api/v1/statements/%s", sid);
        g_autoptr(JsonNode) unchanged = NULL;
        JsonObject *line0;

        /* A good line before an unknown one: the rejection leaves the good one undisputed. */
        assert_rejected (h, "unknown_line");
        unchanged = req ("GET", spath, dealer1, NULL, 200);
        g_assert_cmpstr (json_object_get_string_member (obj (unchanged), "status"), ==, "issued");
        line0 = json_array_get_object_element (
          json_object_get_array_member (obj (unchanged), "lines"), 0);
        g_assert_true (!json_object_has_member (line0, "disputed_reason") ||
                       json_object_get_null_member (line0, "disputed_reason"));
      }
    if (json_array_get_length (lines) > 0)
      {
        g_autofree char *dispute = g_strdup_printf (
          "{\"statement_id\":\"%s\",\"version\":%" G_GINT64_FORMAT ",\"lines\":[{\"line_id\":"
          "\"%s\",\"reason\":\"金额不符\"}]}", sid, version + 1,
          json_object_get_string_member (json_array_get_object_element (lines, 0), "line_id"));
        g_autoptr(JsonNode) d = mutate (dealer1, "statement.dispute", dispute);
        JsonObject *e = assert_applied (d);
        g_autoptr(JsonNode) revised2 = NULL;

        g_assert_cmpstr (json_object_get_string_member (e, "status"), ==, "disputed");
        /* Revised once more after the dispute: issued again, version + 2. */
        revised2 = req ("POST", revise_path, admin, NULL, 200);
        g_assert_cmpint (json_object_get_int_member (obj (revised2), "version"), ==, version + 2);
        version += 1;
      }
  }

  good = g_strdup_printf ("{\"statement_id\":\"%s\",\"version\":%" G_GINT64_FORMAT "}", sid,
                          version + 1);
  b = mutate (dealer1, "statement.confirm", good);
  g_assert_cmpstr (json_object_get_string_member (assert_applied (b), "status"), ==, "confirmed");
  c = mutate (dealer1, "statement.confirm", good);
  assert_rejected (c, "invalid_state");

  /* Another dealer's statement is not_found, not forbidden. */
  {
    g_autofree char *other = g_strdup_printf ("{\"statement_id\":\"%s\",\"version\":1}", sid);
    g_autoptr(JsonNode) d = mutate (dealer2, "statement.confirm", other);

    assert_rejected (d, "not_found");
  }
}

static void
test_statement_chain (void)
{
  /* Closing balance of a month = opening of the next, for dealer1's statements. */
  g_autoptr(GHashTable) index = dealer1_index ();
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (index), (GCompareFunc) strcmp);
  JsonObject *prev = NULL;
  guint checked = 0;

  for (GList *l = keys; l != NULL; l = l->next)
    {
      JsonObject *s = g_hash_table_lookup (index, l->data);
      gint64 sum = 0;
      JsonArray *lines;

      if (!g_str_has_prefix (l->data, "statement:"))
        continue;
      lines = json_object_get_array_member (s, "lines");
      for (guint i = 0; i < json_array_get_length (lines); i++)
        sum += json_object_get_int_member (json_array_get_object_element (lines, i), "amount_fen");
      g_assert_cmpint (json_object_get_int_member (s, "opening_balance_fen") + sum, ==,
                       json_object_get_int_member (s, "closing_balance_fen"));
      if (prev != NULL)
        {
          g_assert_cmpint (json_object_get_int_member (prev, "closing_balance_fen"), ==,
                           json_object_get_int_member (s, "opening_balance_fen"));
          checked++;
        }
      prev = s;
    }
  g_assert_cmpuint (checked, >=, 4);
}

static void
test_admin (void)
{
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) start = whole_feed (dealer2, 5000, &cursor);
  g_autofree char *escaped = g_uri_escape_string (cursor, NULL, TRUE);
  g_autofree char *since = g_strdup_printf ("/api/v1/changes?since=%s", escaped);
  g_autoptr(JsonNode) forbidden = req ("PUT", "/api/v1/admin/products/p-new", dealer1,
                                       "{\"sku\":\"X\",\"name\":\"Y\"}", 403);
  g_autoptr(JsonNode) p = req ("PUT", "/api/v1/admin/products/p-new", admin,
                               "{\"sku\":\"QD-NEW-1\",\"name\":\"新品洗衣液\",\"pack_size\":6,"
                               "\"mnemonic\":\"XPXYY\",\"category\":\"快消品\"}", 200);
  g_autoptr(JsonNode) bad = req ("PUT", "/api/v1/admin/products/p-new2", admin,
                                 "{\"sku\":\"QD-NEW-2\",\"name\":\"x\",\"pack_size\":0}", 400);
  g_autoptr(JsonNode) dup = req ("PUT", "/api/v1/admin/products/p-new3", admin,
                                 "{\"sku\":\"QD-NEW-1\",\"name\":\"dup sku\"}", 409);
  g_autoptr(JsonNode) price = req ("PUT", "/api/v1/admin/prices/pr-p-new-regional", admin,
                                   "{\"product_id\":\"p-new\",\"level\":\"regional\","
                                   "\"unit_price_fen\":1990}", 200);
  g_autoptr(JsonNode) badref = req ("PUT", "/api/v1/admin/prices/pr-x", admin,
                                    "{\"product_id\":\"p-none\",\"level\":\"regional\","
                                    "\"unit_price_fen\":1990}", 422);
  g_autoptr(JsonNode) pay = req ("POST", "/api/v1/admin/payments", admin,
                                 "{\"dealer_id\":\"d-003\",\"date\":\"2026-11-20\","
                                 "\"amount_fen\":100000,\"method\":\"银行转账\",\"ref\":\"T1\"}", 201);
  g_autoptr(JsonNode) after = req ("GET", since, dealer2, NULL, 200);
  g_autoptr(JsonNode) audit = req ("GET", "/api/v1/admin/audit?since=0&limit=1000", admin, NULL, 200);
  g_autoptr(JsonNode) audit_forbidden = req ("GET", "/api/v1/admin/audit", manager1, NULL, 403);
  g_autoptr(JsonNode) issue_dup = NULL;
  JsonArray *changes = json_object_get_array_member (obj (after), "changes");
  JsonArray *entries = json_object_get_array_member (obj (audit), "entries");
  gboolean saw_product = FALSE, saw_price = FALSE;
  gboolean saw_login = FALSE, saw_failed = FALSE, saw_submit = FALSE, saw_admin = FALSE;

  assert_error (forbidden, "forbidden");
  assert_error (bad, "invalid_request");
  assert_error (dup, "conflict");
  assert_error (badref, "invalid_reference");
  {
    g_autoptr(JsonNode) ok = req ("PUT", "/api/v1/admin/rebate-policies/rp-x", admin,
                                  "{\"level\":\"regional\",\"period\":\"2029-Q1\",\"tiers\":"
                                  "[{\"threshold_fen\":100,\"rate_bp\":100},"
                                  "{\"threshold_fen\":200,\"rate_bp\":200}]}", 200);
    g_autoptr(JsonNode) down = req ("PUT", "/api/v1/admin/rebate-policies/rp-y", admin,
                                    "{\"level\":\"regional\",\"period\":\"2029-Q2\",\"tiers\":"
                                    "[{\"threshold_fen\":200,\"rate_bp\":100},"
                                    "{\"threshold_fen\":100,\"rate_bp\":200}]}", 400);
    g_autoptr(JsonNode) quarter = req ("PUT", "/api/v1/admin/rebate-policies/rp-z", admin,
                                       "{\"level\":\"regional\",\"period\":\"2029-Q5\","
                                       "\"tiers\":[{\"threshold_fen\":1,\"rate_bp\":1}]}", 400);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (ok), "tiers")), ==, 2);
    assert_error (down, "invalid_request");
    assert_error (quarter, "invalid_request");
  }
  g_assert_cmpstr (json_object_get_string_member (obj (p), "mnemonic"), ==, "XPXYY");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (obj (pay), "id"), "pay-"));
  (void) price;

  /* dealer2 (regional) sees the new product and its regional price, not dealer1's payment. */
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);

      saw_product |= g_str_equal (json_object_get_string_member (c, "id"), "p-new");
      saw_price |= g_str_equal (json_object_get_string_member (c, "id"), "pr-p-new-regional");
      g_assert_cmpstr (json_object_get_string_member (c, "entity"), !=, "payment");
    }
  g_assert_true (saw_product);
  g_assert_true (saw_price);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      const char *action = json_object_get_string_member (json_array_get_object_element (entries, i),
                                                          "action");

      saw_login |= g_str_equal (action, "login");
      saw_failed |= g_str_equal (action, "login_failed");
      saw_submit |= g_str_equal (action, "order.submit");
      saw_admin |= g_str_equal (action, "admin.products.put");
    }
  g_assert_true (saw_login);
  g_assert_true (saw_failed);
  g_assert_true (saw_submit);  /* the order tests ran before (suite order) */
  g_assert_true (saw_admin);
  (void) audit_forbidden;

  /* Issue a statement that exists already: 409 (use revise). */
  {
    g_autoptr(GHashTable) index = dealer1_index ();
    gint64 version;
    const char *any = NULL;
    GHashTableIter it;
    gpointer key, value;

    g_hash_table_iter_init (&it, index);
    while (any == NULL && g_hash_table_iter_next (&it, &key, &value))
      if (g_str_has_prefix (key, "statement:"))
        any = json_object_get_string_member (value, "period");
    (void) version;
    {
      g_autofree char *body = g_strdup_printf ("{\"dealer_id\":\"d-003\",\"period\":\"%s\"}", any);

      issue_dup = req ("POST", "/api/v1/admin/statements", admin, body, 409);
    }
  }
}

/* A refused admin write answers the member and value at fault, never SQLite's text. */
static void
assert_refusal (JsonNode   *answer,
                const char *code,
                const char *message)
{
  JsonObject *e = json_object_get_object_member (obj (answer), "error");
  const char *text = json_object_get_string_member (e, "message");
  static const char * const sql_words[] = { "constraint", "CONSTRAINT", "UNIQUE", "FOREIGN",
                                            "NOT NULL", "CHECK", "SQL", "sqlite", "cannot write",
                                            NULL };

  g_assert_cmpstr (json_object_get_string_member (e, "code"), ==, code);
  g_assert_cmpstr (text, ==, message);
  for (guint i = 0; sql_words[i] != NULL; i++)
    g_assert_null (strstr (text, sql_words[i]));
}

typedef struct
{
  const char *method;
  const char *path;
  const char *body;
  guint       status;
  const char *code;
  const char *message;
} Refusal;

static void
test_admin_refusals (void)
{
  /* Rows the refusals collide with. */
  static const Refusal setup[] = {
    { "PUT", "/api/v1/admin/products/p-ref", "{\"sku\":\"QD-REF-1\",\"name\":\"参考品\"}", 200 },
    { "PUT", "/api/v1/admin/prices/pr-ref-1",
      "{\"product_id\":\"p-ref\",\"level\":\"regional\",\"unit_price_fen\":100}", 200 },
    { "PUT", "/api/v1/admin/prices/pr-ref-d1",
      "{\"product_id\":\"p-ref\",\"dealer_id\":\"d-003\",\"unit_price_fen\":90}", 200 },
    { "PUT", "/api/v1/admin/targets/t-ref-1",
      "{\"dealer_id\":\"d-003\",\"period\":\"2031-01\",\"amount_fen\":100}", 200 },
    { "PUT", "/api/v1/admin/rebate-policies/rp-ref-1",
      "{\"level\":\"regional\",\"period\":\"2031-Q3\",\"tiers\":"
      "[{\"threshold_fen\":100,\"rate_bp\":100}]}", 200 },
  };
  static const Refusal refusals[] = {
    { "PUT", "/api/v1/admin/products/p-ref-2", "{\"sku\":\"QD-REF-1\",\"name\":\"重复\"}",
      409, "conflict", "sku already exists: QD-REF-1" },
    { "PUT", "/api/v1/admin/prices/pr-ref-2",
      "{\"product_id\":\"p-ref\",\"level\":\"regional\",\"unit_price_fen\":1}",
      409, "conflict", "a price of product p-ref for level regional exists already" },
    { "PUT", "/api/v1/admin/prices/pr-ref-d2",
      "{\"product_id\":\"p-ref\",\"dealer_id\":\"d-003\",\"unit_price_fen\":1}",
      409, "conflict", "a price of product p-ref for dealer d-003 exists already" },
    { "PUT", "/api/v1/admin/prices/pr-ref-3",
      "{\"product_id\":\"p-none\",\"level\":\"regional\",\"unit_price_fen\":1}",
      422, "invalid_reference", "product_id: there is no product p-none" },
    { "PUT", "/api/v1/admin/prices/pr-ref-4",
      "{\"product_id\":\"p-ref\",\"dealer_id\":\"d-none\",\"unit_price_fen\":1}",
      422, "invalid_reference", "dealer_id: there is no dealer d-none" },
    { "PUT", "/api/v1/admin/dealers/d-ref-1",
      "{\"name\":\"参考\",\"level\":\"regional\",\"region_id\":\"r-none\","
      "\"credit_limit_fen\":0}",
      422, "invalid_reference", "region_id: there is no region r-none" },
    { "PUT", "/api/v1/admin/dealers/d-ref-2",
      "{\"name\":\"参考\",\"level\":\"regional\",\"region_id\":\"r-east\","
      "\"parent_id\":\"d-none\",\"credit_limit_fen\":0}",
      422, "invalid_reference", "parent_id: there is no dealer d-none" },
    { "PUT", "/api/v1/admin/targets/t-ref-2",
      "{\"dealer_id\":\"d-003\",\"period\":\"2031-01\",\"amount_fen\":1}",
      409, "conflict", "a target of dealer d-003 for 2031-01 exists already" },
    { "PUT", "/api/v1/admin/targets/t-ref-3",
      "{\"dealer_id\":\"d-none\",\"period\":\"2031-01\",\"amount_fen\":1}",
      422, "invalid_reference", "dealer_id: there is no dealer d-none" },
    { "PUT", "/api/v1/admin/rebate-policies/rp-ref-2",
      "{\"level\":\"regional\",\"period\":\"2031-Q3\",\"tiers\":"
      "[{\"threshold_fen\":100,\"rate_bp\":100}]}",
      409, "conflict", "a rebate policy for level regional and 2031-Q3 exists already" },
    { "PUT", "/api/v1/admin/users/u-ref-1",
      "{\"username\":\"dealer1\",\"name\":\"重名\",\"role\":\"admin\","
      "\"password\":\"password-1\"}",
      409, "conflict", "username already exists: dealer1" },
    { "PUT", "/api/v1/admin/users/u-ref-2",
      "{\"username\":\"ref-dealer\",\"name\":\"参考\",\"role\":\"dealer\","
      "\"dealer_id\":\"d-none\",\"password\":\"password-1\"}",
      422, "invalid_reference", "dealer_id: there is no dealer d-none" },
    { "PUT", "/api/v1/admin/users/u-ref-3",
      "{\"username\":\"ref-manager\",\"name\":\"参考\",\"role\":\"manager\","
      "\"region_ids\":[\"r-none\"],\"password\":\"password-1\"}",
      422, "invalid_reference", "region_ids[0]: there is no region r-none" },
    { "PUT", "/api/v1/admin/users/u-ref-4",
      "{\"username\":\"ref-manager\",\"name\":\"参考\",\"role\":\"manager\","
      "\"region_ids\":[\"r-east\",\"r-east\"],\"password\":\"password-1\"}",
      422, "invalid_reference", "region_ids[1]: r-east is listed twice" },
    { "PUT", "/api/v1/admin/users/u-ref-5",
      "{\"username\":\"ref-nopass\",\"name\":\"参考\",\"role\":\"admin\"}",
      422, "missing_value", "password: required for a new user" },
    { "POST", "/api/v1/admin/payments",
      "{\"dealer_id\":\"d-none\",\"date\":\"2026-11-20\",\"amount_fen\":1,\"method\":\"现金\"}",
      422, "invalid_reference", "dealer_id: there is no dealer d-none" },
    { "POST", "/api/v1/admin/adjustments",
      "{\"dealer_id\":\"d-none\",\"date\":\"2026-11-20\",\"amount_fen\":1}",
      422, "invalid_reference", "dealer_id: there is no dealer d-none" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (setup); i++)
    {
      g_autoptr(JsonNode) a = req (setup[i].method, setup[i].path, admin, setup[i].body,
                                   setup[i].status);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autoptr(JsonNode) a = NULL;

      g_printerr ("# %s %s\n", refusals[i].method, refusals[i].path);
      a = req (refusals[i].method, refusals[i].path, admin, refusals[i].body, refusals[i].status);
      assert_refusal (a, refusals[i].code, refusals[i].message);
    }

  /* A refused user was not written; an existing user may be updated without a password
   * (it keeps its own) — that PUT used to fail on the password column. */
  {
    g_autoptr(JsonNode) none = NULL;
    g_autoptr(JsonNode) ok = req ("PUT", "/api/v1/admin/users/u-ref-6", admin,
                                  "{\"username\":\"ref-keep\",\"name\":\"参考\","
                                  "\"role\":\"admin\",\"password\":\"keep-password\"}", 200);
    g_autoptr(JsonNode) renamed = req ("PUT", "/api/v1/admin/users/u-ref-6", admin,
                                       "{\"username\":\"ref-keep\",\"name\":\"改名\","
                                       "\"role\":\"admin\"}", 200);
    g_autofree char *token = qd_test_server_login (server, "ref-keep", "keep-password");
    g_autofree char *refused = qd_test_server_login (server, "ref-nopass", "");

    g_assert_nonnull (token);
    g_assert_null (refused);
    (void) none;
  }
}

static void
test_audit_append_only (void)
{
  g_autofree char *path = g_build_filename (qd_test_server_get_data_dir (server),
                                            "qudao-server.db", NULL);
  sqlite3 *db = NULL;
  char *msg = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  rc = sqlite3_exec (db, "UPDATE audit SET action = 'x'", NULL, NULL, &msg);
  g_assert_cmpint (rc, !=, SQLITE_OK);
  g_assert_nonnull (strstr (msg, "append-only"));
  sqlite3_free (msg);
  rc = sqlite3_exec (db, "DELETE FROM audit", NULL, NULL, &msg);
  g_assert_cmpint (rc, !=, SQLITE_OK);
  sqlite3_free (msg);
  sqlite3_close (db);
}

static void
test_body_too_large (void)
{
  gsize len = 8 * 1024 * 1024 + 10;
  g_autofree char *big = g_malloc (len);
  guint status = 0;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) health = NULL;

  memset (big, ' ', len);
  big[0] = '{';
  big[len - 1] = '}';
  answer = qd_test_request_raw (server, "POST", "/api/v1/mutations", dealer1, big, len, &status);
  g_assert_cmpuint (status, ==, 413);
  health = req ("GET", "/health", NULL, NULL, 200);
}

/* Malformed bodies, generated: each answered 4xx with the error shape, never 5xx. */
static void
test_malformed (void)
{
  static const char *seeds[] = {
    "{\"mutations\":[{\"id\":\"5b4e28ba-2fa1-41d2-883f-0016d3cca427\",\"type\":"
    "\"order.submit\",\"payload\":{\"order_id\":\"6b4e28ba-2fa1-41d2-883f-0016d3cca427\","
    "\"lines\":[{\"product_id\":\"p-000001\",\"qty\":6}]}}]}",
    "{\"username\":\"dealer1\",\"password\":\"qudao-demo\"}",
  };
  static const char *paths[] = { "/api/v1/mutations", "/api/v1/session" };
  static const char *fixed[] = {
    "", "{", "[", "null", "42", "\"x\"", "{\"mutations\":{}}", "{\"mutations\":null}",
    "{\"mutations\":[1,2]}", "{\"mutations\":[{}]}", "{\"mutations\":[{\"id\":7}]}",
    "{\"mutations\":[{\"id\":\"not-a-uuid\",\"type\":\"order.submit\",\"payload\":{}}]}",
    "{\"mutations\":[],\"extra\":1}", "{\"mutations\":[]]", "{\"a\":1e999999}",
    "{\"mutations\":99999999999999999999999}", "{\"mutations\":-0.0}",
    "{\"mutations\":[\"\\ud800\"]}", "{\"mutations\":\"\\u0000\"}", "\xef\xbb\xbf{}",
    "{\"username\":1,\"password\":2}", "{\"username\":\"\",\"password\":\"\"}",
    "{\"username\":\"a\"}", "{\"username\":[],\"password\":{}}",
  };
  guint n = 0;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(GString) body = g_string_new (NULL);
      guint which = i % 2;
      const char *path = paths[which];
      const char *token = which == 0 ? dealer1 : NULL;
      guint status = 0;
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *data;
      gsize len;
      guint kind = i % 6;

      if (i < G_N_ELEMENTS (fixed))
        g_string_assign (body, fixed[i]);
      else if (kind == 0)  /* truncated */
        g_string_append_len (body, seeds[which], g_rand_int_range (rand, 0, strlen (seeds[which]) - 1));
      else if (kind == 1)  /* deep nesting */
        {
          guint depth = g_rand_int_range (rand, 65, 20000);

          for (guint k = 0; k < depth; k++)
            g_string_append_c (body, '[');
        }
      else if (kind == 2)  /* invalid UTF-8 inside a string */
        {
          g_string_assign (body, seeds[which]);
          body->str[g_rand_int_range (rand, 2, body->len - 2)] = (char) 0xC3;
          body->str[g_rand_int_range (rand, 2, body->len - 2)] = (char) 0xFF;
        }
      else if (kind == 3)  /* huge numbers in place of values */
        {
          g_string_printf (body, "{\"mutations\":[{\"id\":\"5b4e28ba-2fa1-41d2-883f-%012u\","
                           "\"type\":\"order.submit\",\"payload\":{\"order_id\":%s,\"lines\":"
                           "[{\"product_id\":\"p-000001\",\"qty\":%s}]}}]}",
                           i, "1e400", g_rand_boolean (rand) ? "18446744073709551616" : "1.5");
          if (which == 1)
            g_string_assign (body, "{\"username\":123456789012345678901234567890,\"password\":1e9999}");
        }
      else if (kind == 4)  /* wrong types */
        {
          static const char *types[] = { "[]", "{}", "true", "null", "\"s\"", "-1", "3.25" };
          const char *t = types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))];

          if (which == 0)
            g_string_printf (body, "{\"mutations\":%s}", t);
          else
            g_string_printf (body, "{\"username\":%s,\"password\":\"x\"}", t);
          if (g_str_equal (t, "[]") && which == 0)
            g_string_assign (body, "{\"mutations\":[[]]}");
        }
      else  /* random bytes flipped */
        {
          g_string_assign (body, seeds[which]);
          for (guint k = 0; k < 3; k++)
            body->str[g_rand_int_range (rand, 0, body->len)] = (char) g_rand_int_range (rand, 0, 256);
          /* A flip may yield valid JSON: then it is a valid request, not counted. */
        }

      answer = qd_test_request_raw (server, "POST", path, token, body->str, body->len, &status);
      data = g_bytes_get_data (answer, &len);
      if (status == 200)
        continue;
      if (status < 400 || status >= 500)
        g_printerr ("# body %u (%s): status %u\n", i, path, status);
      g_assert_cmpuint (status, >=, 400);
      g_assert_cmpuint (status, <, 500);
      g_assert_true (json_parser_load_from_data (parser, data, len, NULL));
      g_assert_nonnull (qd_test_error_code (json_parser_get_root (parser)));
      n++;
    }
  g_printerr ("# %u malformed bodies answered 4xx with the error shape\n", n);
  g_assert_cmpuint (n, >=, 200);

  {
    g_autoptr(JsonNode) h = req ("GET", "/health", NULL, NULL, 200);
    g_autoptr(JsonNode) me = req ("GET", "/api/v1/me", dealer1, NULL, 200);
  }
}

static void
test_too_many_mutations (void)
{
  g_autoptr(GString) body = g_string_new ("{\"mutations\":[");
  g_autoptr(JsonNode) a = NULL;

  for (guint i = 0; i < 501; i++)
    g_string_append_printf (body, "%s{\"id\":\"%08x-0000-4000-8000-000000000000\","
                            "\"type\":\"order.submit\",\"payload\":{}}", i ? "," : "", i);
  g_string_append (body, "]}");
  a = req ("POST", "/api/v1/mutations", dealer1, body->str, 400);
  assert_error (a, "too_many_mutations");
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  garbage = g_ptr_array_new_with_free_func (g_free);

  server = qd_test_server_new (TRUE, small_demo);
  dealer1 = qd_test_server_login (server, "dealer1", "qudao-demo");
  dealer2 = qd_test_server_login (server, "dealer2", "qudao-demo");
  manager1 = qd_test_server_login (server, "manager1", "qudao-demo");
  manager2 = qd_test_server_login (server, "manager2", "qudao-demo");
  admin = qd_test_server_login (server, "admin", "qudao-demo");
  g_assert_nonnull (dealer1);
  g_assert_nonnull (dealer2);
  g_assert_nonnull (manager1);
  g_assert_nonnull (manager2);
  g_assert_nonnull (admin);

  g_test_add_func ("/server/basic/health", test_health);
  g_test_add_func ("/server/basic/session", test_session);
  g_test_add_func ("/server/basic/logout", test_logout);
  g_test_add_func ("/server/basic/session-cache", test_session_sees_admin_change);
  g_test_add_func ("/server/basic/not-found", test_not_found);
  g_test_add_func ("/server/feed/paging", test_feed_paging);
  g_test_add_func ("/server/feed/incremental", test_feed_incremental);
  g_test_add_func ("/server/feed/poll-after-write", test_feed_poll_after_write);
  g_test_add_func ("/server/feed/bad-cursor", test_bad_cursor);
  g_test_add_func ("/server/scope/dealer", test_dealer_isolation);
  g_test_add_func ("/server/scope/manager", test_manager_scope);
  g_test_add_func ("/server/order/submit", test_order_submit);
  g_test_add_func ("/server/order/rejections", test_order_rejections);
  g_test_add_func ("/server/order/batch", test_batch_independent);
  g_test_add_func ("/server/order/replay-bytes", test_replay_bytes);
  g_test_add_func ("/server/order/lifecycle", test_order_lifecycle);
  g_test_add_func ("/server/stock-report/submit", test_stock_report);
  g_test_add_func ("/server/statement/confirm-dispute", test_statements);
  g_test_add_func ("/server/statement/chain", test_statement_chain);
  g_test_add_func ("/server/admin/api", test_admin);
  g_test_add_func ("/server/admin/refusals", test_admin_refusals);
  g_test_add_func ("/server/audit/append-only", test_audit_append_only);
  g_test_add_func ("/server/limits/413", test_body_too_large);
  g_test_add_func ("/server/limits/too-many-mutations", test_too_many_mutations);
  g_test_add_func ("/server/limits/malformed", test_malformed);
  /* Last (GTest runs by path group, so a group of its own): its order of dealer1 would
   * change what the order tests expect. */
  g_test_add_func ("/server/feed-end/head-seq", test_feed_head_seq);

  rc = g_test_run ();

  g_assert_true (qd_test_server_stop (server));
  g_clear_pointer (&server, qd_test_server_free);
  g_free (dealer1);
  g_free (dealer2);
  g_free (manager1);
  g_free (manager2);
  g_free (admin);
  g_ptr_array_unref (garbage);
  return rc;
}
