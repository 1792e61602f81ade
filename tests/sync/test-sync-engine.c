/* test-sync-engine.c — the sync engine against a scripted peer: a good server, a hostile
 * one, a broken one; 401 in the middle, 410, rejections, gzip, the keyring
 *
 * Every test ends by checking that nothing was lost or doubled: the cursor, the cache and
 * the outbox are as they were after a failure, and after the peer behaves again one sync
 * brings everything through, each mutation applied once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <libsoup/soup.h>

#include "qd-sync-engine.h"
#include "sync-peer.h"

#define N_PRODUCTS 30

typedef struct
{
  char          *dir;
  Peer          *peer;
  QdStore       *store;
  QdCredentials *creds;
  QdSyncEngine  *engine;
  guint          changed_signals;
  guint          changed_kinds;
  guint          phase_notifies;
} Fixture;

static void
add_catalog (Peer  *peer,
             guint  n_products)
{
  peer_add_change (peer, "region", "upsert", "r1", "{\"id\":\"r1\",\"name\":\"华东\"}");
  peer_add_change (peer, "dealer", "upsert", "d1",
                   "{\"id\":\"d1\",\"name\":\"杭州康达医药\",\"level\":\"regional\","
                   "\"parent_id\":null,\"region_id\":\"r1\",\"credit_limit_fen\":100000000,"
                   "\"active\":true}");
  for (guint i = 1; i <= n_products; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *data = g_strdup_printf (
        "{\"id\":\"%s\",\"sku\":\"SKU-%04u\",\"name\":\"维生素C泡腾片 %u 号\",\"spec\":\"1g×20片\","
        "\"category\":\"保健品\",\"unit\":\"盒\",\"pack_size\":1,\"barcode\":\"69000000%05u\","
        "\"mnemonic\":\"WSSC\",\"lot_tracked\":false,\"active\":true}", id, i, i, i);
      g_autofree char *pid = g_strdup_printf ("pr%u", i);
      g_autofree char *price = g_strdup_printf (
        "{\"id\":\"%s\",\"product_id\":\"%s\",\"level\":\"regional\",\"unit_price_fen\":1500}",
        pid, id);

      peer_add_change (peer, "product", "upsert", id, data);
      peer_add_change (peer, "price", "upsert", pid, price);
    }
}

static void
changed_cb (QdSyncEngine *engine,
            guint         kinds,
            Fixture      *f)
{
  f->changed_signals++;
  f->changed_kinds |= kinds;
}

static void
phase_cb (QdSyncEngine *engine,
          GParamSpec   *pspec,
          Fixture      *f)
{
  f->phase_notifies++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *user = NULL;

  f->dir = g_dir_make_tmp ("qd-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->peer = peer_new ();
  add_catalog (f->peer, N_PRODUCTS);

  path = g_build_filename (f->dir, "cache.sqlite", NULL);
  f->store = qd_store_open (path, &error);
  g_assert_no_error (error);
  qd_store_set_meta (f->store, QD_STORE_META_DEALER_ID, "d1", &error);
  g_assert_no_error (error);

  /* A user name of its own per test, so that keyring items never collide. */
  user = g_strdup_printf ("dealer-%s", strrchr (f->dir, '-') + 1);
  f->creds = qd_credentials_new (peer_get_url (f->peer), user);
  qd_credentials_store_sync (f->creds, peer_get_token (f->peer), NULL, &error);
  g_assert_no_error (error);

  f->engine = qd_sync_engine_new (f->store, peer_get_url (f->peer), f->creds);
  qd_sync_engine_set_timeout (f->engine, 5);
  qd_sync_engine_set_page_limit (f->engine, 20);
  g_signal_connect (f->engine, "entities-changed", G_CALLBACK (changed_cb), f);
  g_signal_connect (f->engine, "notify::phase", G_CALLBACK (phase_cb), f);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (path, name, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        remove_tree (p);
      else
        g_unlink (p);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  qd_credentials_clear_sync (f->creds, NULL, &error);
  g_assert_no_error (error);
  /* Progress notifications the worker posted hold the engine until they are dispatched. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->engine);
  g_clear_object (&f->creds);
  g_assert_finalize_object (f->store);
  peer_free (f->peer);
  remove_tree (f->dir);
  g_free (f->dir);
}

typedef struct
{
  gboolean     done;
  gboolean     ok;
  GError      *error;
  QdSyncStats  stats;
} Wait;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = qd_sync_engine_sync_finish (QD_SYNC_ENGINE (source), result, &w->stats, &w->error);
  w->done = TRUE;
}

static gboolean
deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs one sync to its end, waiting on its completion with a generous deadline. */
static gboolean
run_sync (Fixture      *f,
          QdSyncStats  *stats,
          GError      **error)
{
  Wait w = { 0, };
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (120, deadline_cb, &expired);

  qd_sync_engine_sync_async (f->engine, NULL, done_cb, &w);
  while (!w.done && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (expired);
  g_source_remove (deadline);
  if (stats != NULL)
    *stats = w.stats;
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.ok;
}

static char *
queue_order (Fixture *f,
             gint64   qty)
{
  g_autoptr(GError) error = NULL;
  QdOrderLineInput lines[] = { { "p1", qty }, { "p2", 1 } };
  char *id = qd_store_queue_order (f->store, lines, G_N_ELEMENTS (lines), NULL, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* The outbox as "id:state" lines, to compare before and after a failure. */
static char *
outbox_snapshot (QdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = qd_store_outbox_list (store, &error);
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      QdOutboxItem *item = g_ptr_array_index (items, i);

      g_string_append_printf (s, "%s:%s:%d\n", item->id, item->type,
                              item->state == QD_OUTBOX_REJECTED ? 2 : 0);
    }
  return g_string_free (s, FALSE);
}

static guint
count_products (QdStore *store)
{
  g_autoptr(GError) error = NULL;
  QdProductQuery q = { .include_inactive = TRUE, .limit = 100000 };
  g_autoptr(GPtrArray) found = qd_store_search_products (store, &q, &error);

  g_assert_no_error (error);
  return found->len;
}

static void
assert_synced (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  QdOrderQuery q = { 0, };

  g_assert_cmpuint (count_products (f->store), ==, N_PRODUCTS);
  g_assert_cmpuint (qd_sync_engine_get_pending_count (f->engine), ==, 0);
  orders = qd_store_list_orders (f->store, &q, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < orders->len; i++)
    {
      QdOrderInfo *o = g_ptr_array_index (orders, i);

      if (g_strcmp0 (o->status, "rejected") != 0)
        {
          g_assert_nonnull (o->number);
          g_assert_true (g_str_has_prefix (o->number, "SO-"));
        }
    }
}

/* ---- a good server -------------------------------------------------------------------- */

static void
test_initial_sync (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  QdSyncStats stats;
  char *ae;

  g_assert_true (run_sync (f, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_products (f->store), ==, N_PRODUCTS);
  /* 62 changes at 20 a page. */
  g_assert_cmpuint (stats.pages, ==, 4);
  g_assert_cmpuint (stats.changes, ==, 2 + 2 * N_PRODUCTS);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c62");
  g_assert_cmpint (qd_sync_engine_get_phase (f->engine), ==, QD_SYNC_PHASE_IDLE);
  g_assert_cmpint (qd_sync_engine_get_progress_done (f->engine), ==, 62);
  g_assert_cmpint (qd_sync_engine_get_progress_total (f->engine), ==, 62);
  g_assert_cmpfloat (qd_sync_engine_get_progress (f->engine), ==, 1.0);
  g_assert_nonnull (qd_sync_engine_get_last_sync (f->engine));
  g_assert_null (qd_sync_engine_get_last_error (f->engine));
  g_assert_cmpuint (f->changed_signals, >=, 4);
  g_assert_true (f->changed_kinds & QD_ENTITY_KIND_PRODUCT);
  g_assert_cmpuint (f->phase_notifies, >=, 2);

  /* The feed traveled compressed: fewer bytes on the wire than decoded. */
  ae = peer_dup_last_header (f->peer, "accept-encoding");
  g_assert_nonnull (strstr (ae, "gzip"));
  g_free (ae);
  g_printerr ("# feed: %" G_GUINT64_FORMAT " bytes on the wire, %" G_GUINT64_FORMAT
              " decoded\n", stats.wire_bytes_in, stats.body_bytes_in);
  g_assert_cmpuint (stats.wire_bytes_in, <, stats.body_bytes_in);

  /* Nothing new: one request, the same cursor. */
  g_assert_true (run_sync (f, &stats, &error));
  g_assert_cmpuint (stats.changes, ==, 0);
  g_assert_cmpuint (stats.requests, ==, 1);
}

static void
test_push_and_reject (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *good1 = NULL;
  g_autofree char *good2 = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(QdOrderInfo) rejected = NULL;
  QdSyncStats stats;

  g_assert_true (run_sync (f, NULL, &error));
  good1 = queue_order (f, 3);
  bad = queue_order (f, 999);
  good2 = queue_order (f, 4);
  qd_sync_engine_refresh_counts (f->engine);
  g_assert_cmpuint (qd_sync_engine_get_pending_count (f->engine), ==, 3);
  peer_set_reject_qty (f->peer, 999);

  /* The rejection sits between two good ones and blocks neither. */
  g_assert_true (run_sync (f, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 3);
  g_assert_cmpuint (stats.rejected, ==, 1);
  g_assert_cmpuint (peer_count_applied (f->peer), ==, 2);
  g_assert_cmpuint (qd_sync_engine_get_pending_count (f->engine), ==, 0);
  g_assert_cmpuint (qd_sync_engine_get_rejected_count (f->engine), ==, 1);
  rejected = qd_store_get_order (f->store, bad, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rejected->status, ==, "rejected");
  g_assert_cmpstr (rejected->reject_code, ==, "credit_limit_exceeded");
  g_assert_true (f->changed_kinds & QD_ENTITY_KIND_ORDER);
  assert_synced (f);
}

/* ---- a hostile or broken server -------------------------------------------------------- */

typedef struct
{
  const char *path;
  PeerFault   fault;
  int         domain_is_sync;   /* the error is a QD_SYNC_ERROR … */
  int         code;             /* … with this code */
} HostileCase;

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  const HostileCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor_before = NULL;
  g_autofree char *cursor_after = NULL;
  g_autofree char *outbox_before = NULL;
  g_autofree char *outbox_after = NULL;
  g_autofree char *order = NULL;
  g_autoptr(GPtrArray) items = NULL;
  const char *mutation_id;
  guint products_before;
  gboolean on_feed = g_str_equal (c->path, "/api/v1/changes");

  /* A cache with half the catalog, and one order waiting. */
  qd_sync_engine_set_page_limit (f->engine, 31);
  peer_set_fault (f->peer, "/api/v1/changes", FAULT_STATUS_500, 1, 1);
  g_assert_false (run_sync (f, NULL, &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpint (qd_sync_engine_get_phase (f->engine), ==, QD_SYNC_PHASE_ERROR);
  g_assert_nonnull (qd_sync_engine_get_last_error (f->engine));
  order = queue_order (f, 5);

  cursor_before = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor_before, ==, "c31");
  outbox_before = outbox_snapshot (f->store);
  products_before = count_products (f->store);
  items = qd_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  mutation_id = ((QdOutboxItem *) g_ptr_array_index (items, 0))->id;

  if (c->fault == FAULT_DRIP)
    qd_sync_engine_set_timeout (f->engine, 1);
  peer_set_fault (f->peer, c->path, c->fault, 0, 1);
  g_assert_false (run_sync (f, NULL, &error));
  g_printerr ("# %s\n", error->message);
  g_assert_true (error->domain == QD_SYNC_ERROR);
  g_assert_cmpint (error->code, ==, c->code);
  g_clear_error (&error);
  g_assert_nonnull (qd_sync_engine_get_last_error (f->engine));
  g_assert_cmpint (qd_sync_engine_get_phase (f->engine), !=, QD_SYNC_PHASE_IDLE);

  /* Nothing of the bad answer was applied; nothing waiting was lost. */
  cursor_after = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor_after, ==, cursor_before);
  outbox_after = outbox_snapshot (f->store);
  if (on_feed)
    {
      /* The push went through before the feed failed. */
      g_assert_cmpstr (outbox_after, ==, "");
      g_assert_cmpuint (peer_times_seen (f->peer, mutation_id), ==, 1);
    }
  else
    {
      g_assert_cmpstr (outbox_after, ==, outbox_before);
      g_assert_cmpuint (count_products (f->store), ==, products_before);
    }

  /* The server behaves again: one sync (the user's: no waiting for the backoff) brings
   * everything through, the mutation applied once whatever the server had seen. */
  qd_sync_engine_set_timeout (f->engine, 5);
  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  assert_synced (f);
  g_assert_cmpuint (peer_count_applied (f->peer), ==, 1);
  g_assert_cmpint (qd_sync_engine_get_phase (f->engine), ==, QD_SYNC_PHASE_IDLE);
  g_assert_null (qd_sync_engine_get_last_error (f->engine));
}

/* The fetcher hands a page over 500 changes at a time, and the applier begins the page's
 * transaction at the first: a change that fails its checks at the end of a page of 1,300
 * (after two chunks were applied) must still leave nothing of the page behind. */
static void
test_big_page_refused_late (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  QdSyncStats stats;

  for (guint i = 1; i <= 1238; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", 100 + i);
      g_autofree char *region = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"区域 %u\"}", id, i);

      peer_add_change (f->peer, "region", "upsert", id, region);
    }
  qd_sync_engine_set_page_limit (f->engine, 5000);
  peer_set_fault (f->peer, "/api/v1/changes", FAULT_SEQ_BACKWARDS, 0, 1);
  g_assert_false (run_sync (f, NULL, &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL);
  g_printerr ("# %s\n", error->message);
  g_assert_nonnull (strstr (error->message, "changes[1300].seq"));
  g_clear_error (&error);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_null (cursor);
  g_assert_cmpuint (count_products (f->store), ==, 0);

  /* The page as it should be: all 1,300 changes in one page, one transaction. */
  g_assert_true (run_sync (f, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (stats.changes, ==, 1300);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c1300");
  g_assert_cmpuint (count_products (f->store), ==, N_PRODUCTS);
}

/* The answer to a batch is lost after the server applied it: the retry gets the first
 * answer again, and the order is there once. */
static void
test_lost_answer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *order = NULL;
  QdOutboxItem *item;

  g_assert_true (run_sync (f, NULL, &error));
  order = queue_order (f, 7);
  peer_set_fault (f->peer, "/api/v1/mutations", FAULT_CUT_AFTER, 0, 2);
  g_assert_false (run_sync (f, NULL, &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpint (qd_sync_engine_get_phase (f->engine), ==, QD_SYNC_PHASE_OFFLINE);

  /* Backoff recorded on the row, with the same id. */
  items = qd_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->attempts, >=, 1);
  g_assert_cmpint (item->next_attempt_at, >, g_get_real_time () / 1000);
  g_assert_nonnull (item->last_error);

  g_assert_false (run_sync (f, NULL, &error));
  g_clear_error (&error);
  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (peer_times_seen (f->peer, item->id), ==, 3);
  g_assert_cmpuint (peer_count_applied (f->peer), ==, 1);
  assert_synced (f);
}

/* ---- 401 in the middle, 410 --------------------------------------------------------------- */

static void
test_auth_mid_sync (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *since = NULL;
  g_autofree char *order = NULL;
  g_autofree char *outbox = NULL;

  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  /* 25 price changes more: two pages at 20 a page. */
  for (guint i = 1; i <= 25; i++)
    {
      g_autofree char *pid = g_strdup_printf ("pr%u", i);
      g_autofree char *price = g_strdup_printf (
        "{\"id\":\"%s\",\"product_id\":\"p%u\",\"level\":\"regional\",\"unit_price_fen\":1600}",
        pid, i);

      peer_add_change (f->peer, "price", "upsert", pid, price);
    }
  order = queue_order (f, 2);
  /* The push goes through, the first page too, then the session ends. */
  peer_set_fault (f->peer, "/api/v1/changes", FAULT_STATUS_401, 1, 1);
  g_assert_false (run_sync (f, NULL, &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpint (qd_sync_engine_get_phase (f->engine), ==, QD_SYNC_PHASE_AUTH_REQUIRED);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c82");
  g_assert_cmpuint (peer_count_applied (f->peer), ==, 1);

  /* A second order queued while logged out stays queued through a refused sync. */
  g_free (order);
  order = queue_order (f, 3);
  peer_rotate_token (f->peer);
  g_assert_false (run_sync (f, NULL, &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED);
  g_clear_error (&error);
  outbox = outbox_snapshot (f->store);
  g_assert_cmpuint (strlen (outbox), >, 0);
  g_assert_cmpuint (qd_sync_engine_get_pending_count (f->engine), ==, 1);

  /* Log in again (a new token in the keyring): the sync resumes from the cursor. */
  qd_credentials_store_sync (f->creds, peer_get_token (f->peer), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  since = peer_dup_last_since (f->peer);
  g_assert_cmpstr (since, ==, "c82");
  g_assert_cmpuint (peer_count_requests (f->peer, "GET /api/v1/changes?since=c82"), ==, 2);
  g_free (cursor);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c87");
  g_assert_cmpuint (peer_count_applied (f->peer), ==, 2);
  assert_synced (f);
}

static void
test_cursor_expired (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdProductInfo) gone = NULL;
  g_autoptr(QdOrderInfo) local = NULL;
  g_autofree char *order = NULL;
  g_autofree char *cursor = NULL;

  /* Local work the resync must keep: an order the server rejected, for the user to fix. */
  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  peer_set_reject_qty (f->peer, 999);
  order = queue_order (f, 999);
  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_products (f->store), ==, N_PRODUCTS);
  g_assert_cmpuint (qd_sync_engine_get_rejected_count (f->engine), ==, 1);

  /* The server forgot its history: the feed starts over, and p1 is no longer in it. */
  peer_reset_feed (f->peer, 1000);
  peer_add_change (f->peer, "region", "upsert", "r1", "{\"id\":\"r1\",\"name\":\"华东\"}");
  for (guint i = 2; i <= 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *d = g_strdup_printf (
        "{\"id\":\"%s\",\"sku\":\"SKU-%04u\",\"name\":\"新品 %u\",\"spec\":\"\",\"category\":\"药品\","
        "\"unit\":\"盒\",\"pack_size\":1,\"barcode\":\"\",\"mnemonic\":\"\",\"lot_tracked\":false,"
        "\"active\":true}", id, i, i);

      peer_add_change (f->peer, "product", "upsert", id, d);
    }
  peer_set_fault (f->peer, "/api/v1/changes", FAULT_STATUS_410, 0, 1);

  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  /* One refused page, then the whole feed from the beginning (no since). */
  g_assert_cmpuint (peer_count_requests (f->peer, "GET /api/v1/changes?since=c62"), ==, 2);
  g_assert_cmpuint (peer_count_requests (f->peer, "GET /api/v1/changes?limit="), ==, 2);
  cursor = qd_store_dup_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c1005");
  /* The cache is what the feed now says … */
  gone = qd_store_get_product (f->store, "p1", NULL);
  g_assert_null (gone);
  g_assert_cmpuint (count_products (f->store), ==, 4);
  /* … and the local work is still there. */
  local = qd_store_get_order (f->store, order, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (local->status, ==, "rejected");
  g_assert_cmpuint (qd_sync_engine_get_rejected_count (f->engine), ==, 1);
}

/* ---- login, logout, the keyring ------------------------------------------------------------ */

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

typedef struct
{
  const char *data_dir;
  GError     *server_error;
  GError     *error;
  gboolean    ok;
  gboolean    done;
} Logout;

static gpointer
logout_thread (gpointer data)
{
  Logout *l = data;

  l->ok = qd_sync_logout_sync (l->data_dir, NULL, &l->server_error, NULL, &l->error);
  g_atomic_int_set (&l->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_login_keyring (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdCredentials) creds = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autofree char *data_dir = g_build_filename (f->dir, "data", NULL);
  g_autofree char *user = g_strdup_printf ("login-%s", strrchr (f->dir, '-') + 1);
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *role = NULL;
  g_autofree char *dealer = NULL;
  g_autofree char *wal = NULL;
  const char *password = "s3cret-Pa55word";

  /* A wrong address is a clear error. */
  g_assert_false (qd_sync_login_sync (data_dir, "ftp://nowhere", user, password, NULL, NULL,
                                      &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_REFUSED);
  g_clear_error (&error);

  /* The async variant: the peer accepts connections on this thread's main loop. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    qd_sync_login_async (data_dir, peer_get_url (f->peer), user, password, NULL, NULL,
                         result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (qd_sync_login_finish (result, &error));
    g_assert_no_error (error);
  }
  creds = qd_credentials_new (peer_get_url (f->peer), user);
  token = qd_credentials_lookup_sync (creds, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, peer_get_token (f->peer));

  path = qd_store_path_for_account (data_dir, peer_get_url (f->peer), user);
  store = qd_store_open (path, &error);
  g_assert_no_error (error);
  role = qd_store_dup_meta (store, "user_role");
  dealer = qd_store_dup_meta (store, QD_STORE_META_DEALER_ID);
  g_assert_cmpstr (role, ==, "dealer");
  g_assert_cmpstr (dealer, ==, "d1");
  g_clear_object (&store);

  /* Neither the token nor the password is anywhere in the cache files. */
  wal = g_strconcat (path, "-wal", NULL);
  g_assert_true (file_contains (path, "u-dealer1"));
  g_assert_false (file_contains (path, token));
  g_assert_false (file_contains (wal, token));
  g_assert_false (file_contains (path, password));
  g_assert_false (file_contains (wal, password));
  {
    g_autofree char *acct = g_build_filename (data_dir, "account.ini", NULL);

    g_assert_true (file_contains (acct, user));
    g_assert_false (file_contains (acct, token));
  }

  /* Logout tells the server and forgets the token. */
  {
    /* Blocking: in a thread, while this one's main loop lets the peer accept. */
    Logout l = { data_dir, NULL, NULL, FALSE, FALSE };
    GThread *t = g_thread_new ("logout", logout_thread, &l);

    while (!g_atomic_int_get (&l.done))
      g_main_context_iteration (NULL, TRUE);
    g_thread_join (t);
    g_assert_no_error (l.error);
    g_assert_no_error (l.server_error);
    g_assert_true (l.ok);
  }
  g_assert_cmpuint (peer_count_requests (f->peer, "DELETE /api/v1/session"), ==, 1);
  g_clear_pointer (&token, g_free);
  token = qd_credentials_lookup_sync (creds, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);
}

static void
test_not_logged_in (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  qd_credentials_clear_sync (f->creds, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (run_sync (f, NULL, &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED);
  g_assert_cmpint (qd_sync_engine_get_phase (f->engine), ==, QD_SYNC_PHASE_AUTH_REQUIRED);
  g_assert_cmpuint (peer_count_requests (f->peer, ""), ==, 0);
}

static void
test_server_down (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdSyncEngine) engine = NULL;
  g_autoptr(GSocketListener) l = g_socket_listener_new ();
  guint16 port;
  g_autofree char *url = NULL;

  /* A port that was just free: nobody listens there any more. */
  port = g_socket_listener_add_any_inet_port (l, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (l);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  engine = qd_sync_engine_new (f->store, url, f->creds);
  g_free (queue_order (f, 1));
  {
    Wait w = { 0, };

    qd_sync_engine_sync_async (engine, NULL, done_cb, &w);
    while (!w.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (w.ok);
    g_assert_error (w.error, QD_SYNC_ERROR, QD_SYNC_ERROR_OFFLINE);
    g_printerr ("# %s\n", w.error->message);
    g_clear_error (&w.error);
  }
  g_assert_cmpint (qd_sync_engine_get_phase (engine), ==, QD_SYNC_PHASE_OFFLINE);
  g_assert_cmpuint (qd_sync_engine_get_pending_count (engine), ==, 1);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait w = { 0, };

  /* Cancel while the first page drips in: the sync stops, nothing half-applied, and the
   * next sync starts where the cache stands. */
  peer_set_fault (f->peer, "/api/v1/changes", FAULT_DRIP, 0, 1);
  qd_sync_engine_sync_async (f->engine, cancellable, done_cb, &w);
  while (peer_count_requests (f->peer, "GET /api/v1/changes") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (w.ok);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  g_assert_cmpint (qd_sync_engine_get_phase (f->engine), ==, QD_SYNC_PHASE_IDLE);
  g_assert_null (qd_store_dup_cursor (f->store));

  g_assert_true (run_sync (f, NULL, &error));
  g_assert_no_error (error);
  assert_synced (f);
}

/* With auto-sync on, the engine comes back by itself after a failure (exponential
 * backoff) and sends a row whose own backoff ended, with no new work and no call. */
static gboolean
wait_for (Fixture  *f,
          gboolean (*cond) (Fixture *f),
          guint     deadline_s)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (deadline_s, deadline_cb, &expired);

  while (!cond (f) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return !expired;
}

static gboolean
all_sent (Fixture *f)
{
  return qd_sync_engine_get_pending_count (f->engine) == 0
         && qd_sync_engine_get_phase (f->engine) == QD_SYNC_PHASE_IDLE
         && peer_count_applied (f->peer) == 1;
}

static void
test_auto_sync (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *order = NULL;
  g_autoptr(GPtrArray) items = NULL;
  char *mutation_id;

  g_assert_true (run_sync (f, NULL, &error));
  order = queue_order (f, 6);
  items = qd_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  mutation_id = ((QdOutboxItem *) g_ptr_array_index (items, 0))->id;
  qd_sync_engine_refresh_counts (f->engine);

  /* The first push is applied but its answer lost; the feed then fails once too. */
  peer_set_fault (f->peer, "/api/v1/mutations", FAULT_CUT_AFTER, 0, 1);
  qd_sync_engine_set_auto_sync (f->engine, TRUE);
  g_assert_true (wait_for (f, all_sent, 60));
  qd_sync_engine_set_auto_sync (f->engine, FALSE);

  g_assert_cmpuint (peer_times_seen (f->peer, mutation_id), ==, 2);
  g_assert_cmpuint (peer_count_applied (f->peer), ==, 1);
  assert_synced (f);
}

/* TLS is verified; a private deployment's CA file makes its certificate trusted. */
static void
tls_session_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           data)
{
  static const char answer[] =
    "{\"token\":\"tls-token\",\"expires_at\":\"2030-01-01T00:00:00Z\",\"user\":{\"id\":\"u1\","
    "\"name\":\"x\",\"role\":\"dealer\",\"dealer_id\":\"d1\",\"region_ids\":[]}}";

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, answer,
                                    strlen (answer));
}

static gboolean
login_with_ca (const char  *data_dir,
               const char  *url,
               const char  *user,
               const char  *ca_file,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_sync_login_async (data_dir, url, user, "pw", ca_file, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return qd_sync_login_finish (result, error);
}

static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(QdCredentials) creds = NULL;
  g_autofree char *crt = g_test_build_filename (G_TEST_DIST, "sync", "data", "test-server.crt", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "sync", "data", "test-server.key", NULL);
  g_autofree char *data_dir = g_build_filename (f->dir, "tls", NULL);
  g_autofree char *url = NULL;
  g_autofree char *user = g_strdup_printf ("tls-%s", strrchr (f->dir, '-') + 1);

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  cert = g_tls_certificate_new_from_files (crt, key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, "/api/v1/session", tls_session_cb, NULL, NULL);
  /* Our own listening socket: soup_server_listen_local() of libsoup 3.2 leaks the local
   * address it looks up. */
  {
    g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_assert_no_error (error);
    g_socket_bind (sock, any, TRUE, &error);
    g_assert_no_error (error);
    g_socket_listen (sock, &error);
    g_assert_no_error (error);
    bound = g_socket_get_local_address (sock, &error);
    g_assert_no_error (error);
    url = g_strdup_printf ("https://127.0.0.1:%u",
                           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    soup_server_listen_socket (server, sock, SOUP_SERVER_LISTEN_HTTPS, &error);
    g_assert_no_error (error);
  }

  /* Not trusted by default. */
  g_assert_false (login_with_ca (data_dir, url, user, NULL, &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_TLS);
  g_printerr ("# %s\n", error->message);
  g_clear_error (&error);

  /* A CA file that does not exist is a clear error too. */
  g_assert_false (login_with_ca (data_dir, url, user, "/nonexistent/ca.pem", &error));
  g_assert_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_TLS);
  g_clear_error (&error);

  /* Trusted with the deployment's CA (here the self-signed certificate itself). */
  g_assert_true (login_with_ca (data_dir, url, user, crt, &error));
  g_assert_no_error (error);
  creds = qd_credentials_new (url, user);
  qd_credentials_clear_sync (creds, NULL, &error);
  g_assert_no_error (error);
}

static const HostileCase cases[] = {
  { "/api/v1/changes", FAULT_TRUNCATED, 1, QD_SYNC_ERROR_PROTOCOL },
  { "/api/v1/changes", FAULT_WRONG_TYPES, 1, QD_SYNC_ERROR_PROTOCOL },
  { "/api/v1/changes", FAULT_HUGE_LENGTH, 1, QD_SYNC_ERROR_TOO_LARGE },
  { "/api/v1/changes", FAULT_NO_CONTENT_LENGTH_HUGE, 1, QD_SYNC_ERROR_TOO_LARGE },
  { "/api/v1/changes", FAULT_STATUS_500, 1, QD_SYNC_ERROR_SERVER },
  { "/api/v1/changes", FAULT_SEQ_BACKWARDS, 1, QD_SYNC_ERROR_PROTOCOL },
  { "/api/v1/changes", FAULT_DRIP, 1, QD_SYNC_ERROR_OFFLINE },
  { "/api/v1/changes", FAULT_CUT_AFTER, 1, QD_SYNC_ERROR_OFFLINE },
  { "/api/v1/mutations", FAULT_TRUNCATED, 1, QD_SYNC_ERROR_PROTOCOL },
  { "/api/v1/mutations", FAULT_WRONG_TYPES, 1, QD_SYNC_ERROR_PROTOCOL },
  { "/api/v1/mutations", FAULT_HUGE_LENGTH, 1, QD_SYNC_ERROR_TOO_LARGE },
  { "/api/v1/mutations", FAULT_STATUS_500, 1, QD_SYNC_ERROR_SERVER },
  { "/api/v1/mutations", FAULT_COUNT_MISMATCH, 1, QD_SYNC_ERROR_PROTOCOL },
  { "/api/v1/mutations", FAULT_CUT_AFTER, 1, QD_SYNC_ERROR_OFFLINE },
  { "/api/v1/mutations", FAULT_DRIP, 1, QD_SYNC_ERROR_OFFLINE },
};

static const char *const fault_names[] = {
  "none", "truncated", "wrong-types", "huge-length", "500", "401", "410", "seq-backwards",
  "drip", "cut", "count-mismatch", "endless-body",
};

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/sync/initial", test_initial_sync);
  ADD ("/sync/push-and-reject", test_push_and_reject);
  ADD ("/sync/lost-answer", test_lost_answer);
  ADD ("/sync/big-page-refused-late", test_big_page_refused_late);
  ADD ("/sync/auth-mid-sync", test_auth_mid_sync);
  ADD ("/sync/cursor-expired", test_cursor_expired);
  ADD ("/sync/login-keyring", test_login_keyring);
  ADD ("/sync/not-logged-in", test_not_logged_in);
  ADD ("/sync/server-down", test_server_down);
  ADD ("/sync/cancel", test_cancel);
  ADD ("/sync/auto-sync", test_auto_sync);
  ADD ("/sync/tls", test_tls);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/sync/hostile/%s/%s",
                                               strrchr (cases[i].path, '/') + 1,
                                               fault_names[cases[i].fault]);

      g_test_add (name, Fixture, &cases[i], fixture_set_up, test_hostile, fixture_tear_down);
    }
  status = g_test_run ();
  /* libsecret keeps one Secret Service connection for the process; drop it so that leak
   * checkers see only what the code under test leaked. */
  secret_service_disconnect ();
  return status;
}
