/* test-sync-server.c — exactly once against a real qudao-server and the real qudao-cli
 *
 * Offline queueing, kill -9 of the client and of the server in the middle of a push, and a
 * line that breaks after N bytes: every order reaches the server exactly once, and the
 * cache ends equal to a fresh full sync. The random moments come from a printed seed
 * (QUDAO_TEST_SEED replays one).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "qd-sync-engine.h"

#define PASSWORD "qudao-demo"

/* The full counts run in the normal build; under AddressSanitizer every qudao-cli and
 * qudao-server start costs a second or more, so the sanitizer pass (a memory check on top
 * of the same scenarios) runs fewer rounds to keep `make check` in its time budget. */
#ifdef __SANITIZE_ADDRESS__
#define ROUNDS(full, asan) (asan)
#else
#define ROUNDS(full, asan) (full)
#endif
#define USER     "dealer1"

typedef struct
{
  char        *dir;
  char        *server_dir;
  char        *client_dir;
  GSubprocess *server;
  guint16      port;
  char        *url;          /* the server, or the proxy in front of it */
  char        *server_url;
  GRand       *rand;
} Fixture;

/* ---- processes ------------------------------------------------------------------------ */

static const char *
bin (const char *var)
{
  const char *path = g_getenv (var);

  g_assert_nonnull (path);
  return path;
}

typedef struct
{
  gboolean  done;
  gboolean  expired;
} Waiting;

static void
wait_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  ((Waiting *) data)->done = TRUE;
}

static gboolean
expired_cb (gpointer data)
{
  ((Waiting *) data)->expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits for the process to end while this thread's main loop runs (the proxy needs it). */
static void
wait_process (GSubprocess *p,
              guint        deadline_s)
{
  Waiting w = { FALSE, FALSE };
  guint id = g_timeout_add_seconds (deadline_s, expired_cb, &w);

  g_subprocess_wait_async (p, NULL, wait_done_cb, &w);
  while (!w.done && !w.expired)
    g_main_context_iteration (NULL, TRUE);
  if (w.expired)
    {
      g_subprocess_force_exit (p);
      g_error ("process did not end within %u s", deadline_s);
    }
  g_source_remove (id);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", f->port);
  GSubprocessLauncher *l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  /* A server never outlives a test that crashed. */
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);

  f->server = g_subprocess_launcher_spawn (l, &error, bin ("QUDAO_SERVER"),
                                           "--data-dir", f->server_dir, "--listen", listen,
                                           "--demo-products", "200",
                                           "--demo-order-lines", "600", NULL);
  g_object_unref (l);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  /* Waits on the line the server prints once it accepts connections. */
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  if (f->port == 0)
    {
      f->server_url = g_strdup (line + strlen ("listening on "));
      f->port = (guint16) g_ascii_strtoull (strrchr (f->server_url, ':') + 1, NULL, 10);
    }
}

static void
stop_server (Fixture  *f,
             gboolean  kill9)
{
  if (kill9)
    g_subprocess_force_exit (f->server);
  else
    g_subprocess_send_signal (f->server, SIGTERM);
  wait_process (f->server, 60);
  g_clear_object (&f->server);
}

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* Runs qudao-cli with the fixture's data folder; returns its exit status. */
static int
run_cli (Fixture     *f,
         const char  *stdin_text,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) l = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *) bin ("QUDAO_CLI"));
  g_ptr_array_add (args, (char *) "--data-dir");
  g_ptr_array_add (args, f->client_dir);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  p = g_subprocess_launcher_spawnv (l, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  {
    /* Asynchronously: the proxy accepts on this thread's main loop. */
    g_autoptr(GAsyncResult) result = NULL;

    g_subprocess_communicate_utf8_async (p, stdin_text, NULL, communicated_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_subprocess_communicate_utf8_finish (p, result, NULL, &err_text, &error);
    g_assert_no_error (error);
    wait_process (p, 60);
  }
  if (err_text != NULL && *err_text != '\0')
    g_printerr ("# qudao-cli %s: %s", first, err_text);
  return g_subprocess_get_exit_status (p);
}

/* ---- the client's cache --------------------------------------------------------------- */

static QdStore *
open_cache (Fixture    *f,
            const char *dir,
            const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = qd_store_path_for_account (dir, url, USER);
  QdStore *store = qd_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

/* Queues @n one-line orders of small quantities; returns their local (client) ids. */
static GPtrArray *
queue_orders (Fixture *f,
              guint    n)
{
  g_autoptr(QdStore) store = open_cache (f, f->client_dir, f->url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) products = NULL;
  QdProductQuery q = { .limit = 20 };
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  products = qd_store_search_products (store, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (products->len, >, 0);
  for (guint i = 0; i < n; i++)
    {
      QdProductInfo *p = g_ptr_array_index (products, i % products->len);
      QdOrderLineInput line = { p->id, p->pack_size };
      char *id = qd_store_queue_order (store, &line, 1, "test", NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (ids, id);
    }
  return ids;
}

static guint
pending (Fixture *f)
{
  g_autoptr(QdStore) store = open_cache (f, f->client_dir, f->url);

  return qd_store_outbox_count (store, QD_OUTBOX_PENDING)
         + qd_store_outbox_count (store, QD_OUTBOX_CLAIMED);
}

/* Every id of @ids is on the server exactly once (the server's own database, read-only). */
static void
assert_exactly_once (Fixture   *f,
                     GPtrArray *ids)
{
  g_autofree char *path = g_build_filename (f->server_dir, "qudao-server.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint missing = 0, doubled = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM orders WHERE client_order_id = ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < ids->len; i++)
    {
      int n;

      sqlite3_bind_text (stmt, 1, g_ptr_array_index (ids, i), -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      n = sqlite3_column_int (stmt, 0);
      sqlite3_reset (stmt);
      if (n == 0)
        missing++;
      else if (n > 1)
        doubled++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_printerr ("# %u orders: %u missing, %u doubled\n", ids->len, missing, doubled);
  g_assert_cmpuint (missing, ==, 0);
  g_assert_cmpuint (doubled, ==, 0);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The client's cache as text: every order (id, number, status, total) and the catalog
 * size, to compare with a fresh full sync. */
static char *
cache_digest (QdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  QdOrderQuery oq = { 0, };
  QdProductQuery pq = { .include_inactive = TRUE, .limit = 1000000 };
  GString *s = g_string_new (NULL);

  orders = qd_store_list_orders (store, &oq, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < orders->len; i++)
    {
      QdOrderInfo *o = g_ptr_array_index (orders, i);

      g_ptr_array_add (lines, g_strdup_printf ("%s %s %s %" G_GINT64_FORMAT, o->id,
                                               o->number, o->status, o->total_fen));
    }
  g_ptr_array_sort (lines, compare_lines);
  products = qd_store_search_products (store, &pq, &error);
  g_assert_no_error (error);
  g_string_append_printf (s, "products %u\n", products->len);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (s, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (s, FALSE);
}

static void
assert_cache_equals_fresh_sync (Fixture *f)
{
  g_autofree char *fresh_dir = g_build_filename (f->dir, "fresh", NULL);
  g_autofree char *saved = f->client_dir;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *cursor_a = NULL;
  g_autofree char *cursor_b = NULL;
  g_autoptr(QdStore) a = NULL;
  g_autoptr(QdStore) b = NULL;

  f->client_dir = g_strdup (fresh_dir);
  g_assert_cmpint (run_cli (f, PASSWORD "\n", "login", "--server", f->server_url, "--user", USER,
                            "--password-stdin", NULL), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, "sync", "-q", NULL), ==, 0);
  g_free (f->client_dir);
  f->client_dir = g_steal_pointer (&saved);

  /* And the cache under test, synced to the end once more. */
  g_assert_cmpint (run_cli (f, NULL, "sync", "-q", NULL), ==, 0);

  a = open_cache (f, f->client_dir, f->url);
  b = open_cache (f, fresh_dir, f->server_url);
  mine = cache_digest (a);
  theirs = cache_digest (b);
  g_assert_cmpstr (mine, ==, theirs);
  /* The cursors name the same point of the feed. */
  cursor_a = qd_store_dup_cursor (a);
  cursor_b = qd_store_dup_cursor (b);
  g_assert_cmpstr (cursor_a, ==, cursor_b);
}

/* ---- the engine's own triggers: the network coming back, the interval ------------------ */

/* The machine's network as the test decides it: a GNetworkMonitor whose availability the
 * test flips (a stand-in for the system, not for any part of Qudao). */
#define FAKE_TYPE_NETWORK (fake_network_get_type ())
G_DECLARE_FINAL_TYPE (FakeNetwork, fake_network, FAKE, NETWORK, GObject)

struct _FakeNetwork
{
  GObject  parent_instance;
  gboolean available;
};

static void fake_network_monitor_init (GNetworkMonitorInterface *iface) { }

static gboolean
fake_network_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return TRUE;
}

static void
fake_network_initable_iface_init (GInitableIface *iface)
{
  iface->init = fake_network_initable_init;
}

G_DEFINE_TYPE_WITH_CODE (FakeNetwork, fake_network, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, fake_network_initable_iface_init)
                         G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, fake_network_monitor_init))

enum { FAKE_PROP_0, FAKE_PROP_AVAILABLE, FAKE_PROP_METERED, FAKE_PROP_CONNECTIVITY };

static void
fake_network_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FakeNetwork *self = FAKE_NETWORK (object);

  switch (prop_id)
    {
    case FAKE_PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case FAKE_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case FAKE_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                               : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fake_network_class_init (FakeNetworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fake_network_get_property;
  g_object_class_override_property (object_class, FAKE_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, FAKE_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, FAKE_PROP_CONNECTIVITY, "connectivity");
}

static void
fake_network_init (FakeNetwork *self)
{
  self->available = TRUE;
}

static void
fake_network_set_available (FakeNetwork *self,
                            gboolean     available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_object_notify (G_OBJECT (self), "connectivity");
  g_signal_emit_by_name (self, "network-changed", available);
}

typedef struct
{
  guint syncs_started;   /* phase changes to "pushing": a sync began */
  guint offline_seen;
} EngineWatch;

static void
engine_phase_cb (QdSyncEngine *engine,
                 GParamSpec   *pspec,
                 EngineWatch  *w)
{
  QdSyncPhase phase = qd_sync_engine_get_phase (engine);

  g_printerr ("# phase: %s\n", qd_sync_phase_to_string (phase));
  if (phase == QD_SYNC_PHASE_PUSHING)
    w->syncs_started++;
  else if (phase == QD_SYNC_PHASE_OFFLINE)
    w->offline_seen++;
}

/* Runs this thread's main loop until the engine is idle after at least @syncs syncs began,
 * with @pending waiting; fails after @deadline_s seconds. */
static void
wait_engine (QdSyncEngine *engine,
             EngineWatch  *w,
             guint         syncs,
             guint         pending,
             guint         deadline_s)
{
  Waiting t = { FALSE, FALSE };
  guint id = g_timeout_add_seconds (deadline_s, expired_cb, &t);

  while (!t.expired
         && !(w->syncs_started >= syncs
              && qd_sync_engine_get_phase (engine) == QD_SYNC_PHASE_IDLE
              && qd_sync_engine_get_pending_count (engine) == pending))
    g_main_context_iteration (NULL, TRUE);
  if (t.expired)
    g_error ("after %u s: %u syncs began, phase %s, %u waiting (expected %u, idle, %u)",
             deadline_s, w->syncs_started,
             qd_sync_phase_to_string (qd_sync_engine_get_phase (engine)),
             qd_sync_engine_get_pending_count (engine), syncs, pending);
  g_source_remove (id);
}

static QdSyncEngine *
auto_engine (Fixture     *f,
             QdStore     *store,
             FakeNetwork *network,
             guint        interval_s,
             EngineWatch *w)
{
  g_autoptr(QdCredentials) creds = qd_credentials_new (f->url, USER);
  QdSyncEngine *engine = g_object_new (QD_TYPE_SYNC_ENGINE,
                                       "store", store,
                                       "server-url", f->url,
                                       "credentials", creds,
                                       "network-monitor", network,
                                       "interval", interval_s,
                                       NULL);

  g_signal_connect (engine, "notify::phase", G_CALLBACK (engine_phase_cb), w);
  return engine;
}

static void
drop_engine (QdSyncEngine *engine)
{
  qd_sync_engine_set_auto_sync (engine, FALSE);
  /* Updates the worker posted hold the engine until they are dispatched. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (engine);
}

/* The network goes away and comes back: the engine says offline, then syncs by itself —
 * nothing else would start a sync here (no interval, nothing waiting for a retry). */
static void
test_network_trigger (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(FakeNetwork) network = g_object_new (FAKE_TYPE_NETWORK, NULL);
  g_autoptr(QdStore) store = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *cursor = NULL;
  EngineWatch w = { 0, };
  QdSyncEngine *engine;

  g_assert_cmpint (run_cli (f, PASSWORD "\n", "login", "--server", f->url, "--user", USER,
                            "--password-stdin", NULL), ==, 0);
  store = open_cache (f, f->client_dir, f->url);
  engine = auto_engine (f, store, network, 0, &w);
  g_assert_true (qd_sync_engine_get_phase (engine) == QD_SYNC_PHASE_IDLE);

  /* Auto-sync on: the first sync, against the real server. */
  qd_sync_engine_set_auto_sync (engine, TRUE);
  wait_engine (engine, &w, 1, 0, 60);
  cursor = qd_store_dup_cursor (store);
  g_assert_nonnull (cursor);

  fake_network_set_available (network, FALSE);
  g_assert_cmpint (qd_sync_engine_get_phase (engine), ==, QD_SYNC_PHASE_OFFLINE);
  g_assert_cmpuint (w.offline_seen, ==, 1);
  ids = queue_orders (f, 3);
  qd_sync_engine_refresh_counts (engine);
  g_assert_cmpuint (qd_sync_engine_get_pending_count (engine), ==, 3);
  /* The main loop runs: nothing starts while the network is away. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (w.syncs_started, ==, 1);

  /* Back: a sync starts by itself and sends the orders. */
  fake_network_set_available (network, TRUE);
  wait_engine (engine, &w, 2, 0, 60);
  g_assert_cmpuint (w.syncs_started, ==, 2);
  assert_exactly_once (f, ids);
  drop_engine (engine);
}

/* The periodic sync: with an interval of one second, work queued after a sync goes out
 * without anyone asking, each order once. */
static void
test_interval (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(FakeNetwork) network = g_object_new (FAKE_TYPE_NETWORK, NULL);
  g_autoptr(QdStore) store = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  EngineWatch w = { 0, };
  QdSyncEngine *engine;
  guint before;

  g_assert_cmpint (run_cli (f, PASSWORD "\n", "login", "--server", f->url, "--user", USER,
                            "--password-stdin", NULL), ==, 0);
  store = open_cache (f, f->client_dir, f->url);
  engine = auto_engine (f, store, network, 1, &w);
  qd_sync_engine_set_auto_sync (engine, TRUE);
  wait_engine (engine, &w, 1, 0, 60);

  ids = queue_orders (f, 3);
  qd_sync_engine_refresh_counts (engine);
  before = w.syncs_started;
  wait_engine (engine, &w, before + 1, 0, 60);
  assert_exactly_once (f, ids);

  /* And again a second later, with nothing to do. */
  before = w.syncs_started;
  wait_engine (engine, &w, before + 1, 0, 60);
  drop_engine (engine);
}

/* ---- fixture ---------------------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *seed_text = g_getenv ("QUDAO_TEST_SEED");
  guint32 seed = seed_text != NULL ? (guint32) g_ascii_strtoull (seed_text, NULL, 10)
                                   : g_random_int ();

  g_printerr ("# seed %u (QUDAO_TEST_SEED=%u replays it)\n", seed, seed);
  f->rand = g_rand_new_with_seed (seed);
  f->dir = g_dir_make_tmp ("qd-sync-srv-XXXXXX", &error);
  g_assert_no_error (error);
  f->server_dir = g_build_filename (f->dir, "server", NULL);
  f->client_dir = g_build_filename (f->dir, "client", NULL);
  start_server (f);
  f->url = g_strdup (f->server_url);
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
  /* Log out so the keyring does not keep the test's tokens. */
  run_cli (f, NULL, "logout", NULL);
  if (f->server != NULL)
    stop_server (f, FALSE);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->server_dir);
  g_free (f->client_dir);
  g_free (f->url);
  g_free (f->server_url);
  g_rand_free (f->rand);
}

static void
login_and_sync (Fixture *f)
{
  g_assert_cmpint (run_cli (f, PASSWORD "\n", "login", "--server", f->url, "--user", USER,
                            "--password-stdin", NULL), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, "sync", "-q", NULL), ==, 0);
}

/* ---- offline ------------------------------------------------------------------------------ */

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;

  login_and_sync (f);
  stop_server (f, FALSE);

  ids = queue_orders (f, 50);
  /* Offline: exit 6, everything still queued. */
  g_assert_cmpint (run_cli (f, NULL, "sync", "-q", NULL), ==, 6);
  g_assert_cmpuint (pending (f), ==, 50);

  start_server (f);
  g_assert_cmpint (run_cli (f, NULL, "sync", "-q", NULL), ==, 0);
  g_assert_cmpuint (pending (f), ==, 0);
  assert_exactly_once (f, ids);

  /* Locally the orders are the server's now, with its numbers. */
  {
    g_autoptr(QdStore) store = open_cache (f, f->client_dir, f->url);

    for (guint i = 0; i < ids->len; i++)
      {
        g_autoptr(QdOrderInfo) local = qd_store_get_order (store, g_ptr_array_index (ids, i),
                                                           NULL, NULL);

        /* The local row gave way to the server's order (its own id). */
        g_assert_true (local == NULL || (local->number != NULL && !local->is_local));
      }
  }
  assert_cache_equals_fresh_sync (f);
}

/* ---- kill -9 ------------------------------------------------------------------------------ */


typedef struct
{
  GSubprocess *server;
  gboolean     killed;
} ServerKill;   /* a process to kill -9 at a random moment */

static gboolean
kill_server_cb (gpointer data)
{
  ServerKill *k = data;

  k->killed = TRUE;
  g_subprocess_force_exit (k->server);
  return G_SOURCE_REMOVE;
}

/* Starts `qudao-cli sync` and kills it after a random 0–@max_ms ms (if still running). */
static void
sync_and_kill (Fixture *f,
               guint    max_ms)
{
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  guint delay = g_rand_int_range (f->rand, 0, max_ms + 1);
  ServerKill k = { NULL, FALSE };
  guint id;

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                        &error, bin ("QUDAO_CLI"), "--data-dir", f->client_dir, "sync", "-q",
                        NULL);
  g_assert_no_error (error);
  k.server = p;
  id = g_timeout_add (delay, kill_server_cb, &k);
  wait_process (p, 60);
  if (!k.killed)
    g_source_remove (id);
}

/* Syncs until nothing waits. */
static void
sync_to_the_end (Fixture *f)
{
  for (guint i = 0; i < 100 && pending (f) > 0; i++)
    run_cli (f, NULL, "sync", "-q", NULL);
  g_assert_cmpuint (pending (f), ==, 0);
}

static void
test_kill_client (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;

  login_and_sync (f);
  ids = queue_orders (f, 200);
  /* Small batches so that a push is many requests, and kills land inside one. The lease
   * keeps its default length: the next run takes over from a killed one because its
   * process is gone. */
  g_setenv ("QUDAO_SYNC_BATCH", "5", TRUE);
  for (guint i = 0; i < ROUNDS (30, 8); i++)
    sync_and_kill (f, 120);
  g_printerr ("# after %u kills: %u waiting\n", ROUNDS (30, 8), pending (f));
  sync_to_the_end (f);
  g_unsetenv ("QUDAO_SYNC_BATCH");
  assert_exactly_once (f, ids);
  assert_cache_equals_fresh_sync (f);
}

/* qudao-cli is killed in the middle of a push while it holds the outbox lease, which runs
 * for minutes (three times the request timeout). The next qudao-cli must not wait for it:
 * the lease names its process, which is gone, so one sync takes over and sends everything,
 * each order exactly once. */
static void
test_kill_client_takeover (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) watch = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *until = NULL;
  guint rounds = 0;

  login_and_sync (f);
  ids = queue_orders (f, 200);
  /* Small batches: the push is 40 requests, so the lease is held for a while. The lease
   * itself keeps its default length. */
  g_setenv ("QUDAO_SYNC_BATCH", "5", TRUE);
  watch = open_cache (f, f->client_dir, f->url);
  for (;;)
    {
      gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      gboolean claimed = FALSE;

      g_assert_cmpuint (++rounds, <=, 5);
      p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, bin ("QUDAO_CLI"), "--data-dir", f->client_dir, "sync", "-q",
                            NULL);
      g_assert_no_error (error);
      /* Waits (bounded) for the moment rows are claimed, then kills it right there. */
      while (!claimed && g_get_monotonic_time () < deadline
             && qd_store_outbox_count (watch, QD_OUTBOX_PENDING) > 0)
        claimed = qd_store_outbox_count (watch, QD_OUTBOX_CLAIMED) > 0;
      g_subprocess_force_exit (p);
      wait_process (p, 60);
      g_clear_object (&p);
      if (claimed && qd_store_outbox_count (watch, QD_OUTBOX_CLAIMED) > 0)
        break;
      /* It finished its push before the kill: queue more and try again. */
      g_assert_cmpuint (pending (f), ==, 0);
      g_ptr_array_extend_and_steal (ids, queue_orders (f, 200));
    }
  g_unsetenv ("QUDAO_SYNC_BATCH");

  /* The dead process still holds a lease that runs for long. */
  holder = qd_store_dup_meta (watch, "outbox_owner");
  until = qd_store_dup_meta (watch, "outbox_lease_until");
  g_assert_nonnull (holder);
  g_assert_nonnull (until);
  g_assert_cmpint (g_ascii_strtoll (until, NULL, 10), >, g_get_real_time () / 1000 + 30000);
  g_printerr ("# killed with %u claimed, %u waiting\n",
              qd_store_outbox_count (watch, QD_OUTBOX_CLAIMED), pending (f));

  /* One sync takes over and sends everything. */
  g_assert_cmpint (run_cli (f, NULL, "sync", "-q", NULL), ==, 0);
  g_assert_cmpuint (pending (f), ==, 0);
  assert_exactly_once (f, ids);
}

static void
test_kill_server (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;

  login_and_sync (f);
  ids = queue_orders (f, 200);
  g_setenv ("QUDAO_SYNC_BATCH", "5", TRUE);
  for (guint i = 0; i < ROUNDS (10, 4) && pending (f) > 0; i++)
    {
      g_autoptr(GSubprocess) p = NULL;
      g_autoptr(GError) error = NULL;
      ServerKill k = { f->server, FALSE };
      guint id;

      p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, bin ("QUDAO_CLI"), "--data-dir", f->client_dir, "sync", "-q",
                            "--timeout", "5", NULL);
      g_assert_no_error (error);
      id = g_timeout_add (g_rand_int_range (f->rand, 0, 100), kill_server_cb, &k);
      wait_process (p, 60);
      /* The push may have ended before the kill: then kill the server now. */
      if (!k.killed)
        {
          g_source_remove (id);
          g_subprocess_force_exit (f->server);
        }
      wait_process (f->server, 60);
      g_clear_object (&f->server);
      start_server (f);
      g_printerr ("# server %s; %u orders waiting\n", k.killed ? "killed mid-sync" : "stopped after the sync",
                  pending (f));
    }
  g_unsetenv ("QUDAO_SYNC_BATCH");
  sync_to_the_end (f);
  assert_exactly_once (f, ids);
  assert_cache_equals_fresh_sync (f);
}

/* ---- a line that breaks ------------------------------------------------------------------- */

/* A TCP proxy on loopback that cuts each connection once @cut bytes went through in one
 * direction (up: client to server; down: server to client). */
typedef struct
{
  GSocketService *service;
  guint16         upstream_port;
  guint16         port;
  GMutex          lock;
  GCond           idle;
  guint           active;
  gboolean        down;
  gint64          cut;   /* < 0: never */
} Proxy;

typedef struct
{
  Proxy             *proxy;
  GSocketConnection *from;
  GSocketConnection *to;
  gboolean           is_down;
} Pump;

static void
cut_both (Pump *p)
{
  g_socket_shutdown (g_socket_connection_get_socket (p->from), TRUE, TRUE, NULL);
  g_socket_shutdown (g_socket_connection_get_socket (p->to), TRUE, TRUE, NULL);
}

static gpointer
pump (gpointer data)
{
  Pump *p = data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (p->from));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (p->to));
  gint64 total = 0;
  gint64 cut;

  g_mutex_lock (&p->proxy->lock);
  cut = p->proxy->down == p->is_down ? p->proxy->cut : -1;
  g_mutex_unlock (&p->proxy->lock);

  for (;;)
    {
      guint8 buf[4096];
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);

      if (n <= 0)
        break;
      if (cut >= 0 && total + n >= cut)
        {
          g_output_stream_write_all (out, buf, cut - total, NULL, NULL, NULL);
          break;
        }
      if (!g_output_stream_write_all (out, buf, n, NULL, NULL, NULL))
        break;
      total += n;
    }
  /* Whatever ended this direction ends the connection. */
  cut_both (p);
  return NULL;
}

static gboolean
proxy_run_cb (GThreadedSocketService *service,
              GSocketConnection      *conn,
              GObject                *source,
              gpointer                data)
{
  Proxy *proxy = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream = NULL;

  g_mutex_lock (&proxy->lock);
  proxy->active++;
  g_mutex_unlock (&proxy->lock);

  upstream = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->upstream_port, NULL,
                                              NULL);
  if (upstream != NULL)
    {
      Pump up = { proxy, conn, upstream, FALSE };
      Pump down = { proxy, upstream, conn, TRUE };
      GThread *t = g_thread_new ("proxy-up", pump, &up);

      pump (&down);
      g_thread_join (t);
      g_io_stream_close (G_IO_STREAM (upstream), NULL, NULL);
    }
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);

  g_mutex_lock (&proxy->lock);
  proxy->active--;
  g_cond_broadcast (&proxy->idle);
  g_mutex_unlock (&proxy->lock);
  return TRUE;
}

static Proxy *
proxy_new (guint16 upstream_port)
{
  g_autoptr(GError) error = NULL;
  Proxy *proxy = g_new0 (Proxy, 1);

  g_mutex_init (&proxy->lock);
  g_cond_init (&proxy->idle);
  proxy->upstream_port = upstream_port;
  proxy->cut = -1;
  proxy->service = g_threaded_socket_service_new (16);
  proxy->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (proxy->service), NULL,
                                                     &error);
  g_assert_no_error (error);
  g_signal_connect (proxy->service, "run", G_CALLBACK (proxy_run_cb), proxy);
  g_socket_service_start (proxy->service);
  return proxy;
}

static void
proxy_set_cut (Proxy    *proxy,
               gboolean  down,
               gint64    cut)
{
  g_mutex_lock (&proxy->lock);
  proxy->down = down;
  proxy->cut = cut;
  g_mutex_unlock (&proxy->lock);
}

static void
proxy_free (Proxy *proxy)
{
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  /* Connections end when the client or the server closes; wait for their threads. */
  g_mutex_lock (&proxy->lock);
  while (proxy->active > 0)
    {
      g_mutex_unlock (&proxy->lock);
      g_main_context_iteration (NULL, FALSE);
      g_mutex_lock (&proxy->lock);
      if (proxy->active > 0)
        g_cond_wait_until (&proxy->idle, &proxy->lock, g_get_monotonic_time () + G_USEC_PER_SEC);
    }
  g_mutex_unlock (&proxy->lock);
  g_object_unref (proxy->service);
  g_mutex_clear (&proxy->lock);
  g_cond_clear (&proxy->idle);
  g_free (proxy);
}

static void
test_broken_line (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  /* Byte counts around the interesting places: inside the request line, the headers, the
   * body, and the answer's headers and body; plus random ones. */
  gint64 cuts[] = { 0, 1, 17, 64, 150, 260, 400, 700, 1000, 1500, 2500, 4000, 8000 };
  Proxy *proxy = proxy_new (f->port);
  guint runs = 0;

  g_free (f->url);
  f->url = g_strdup_printf ("http://127.0.0.1:%u", proxy->port);
  login_and_sync (f);

  for (guint dir = 0; dir < 2; dir++)
    for (guint i = 0; i < ROUNDS (G_N_ELEMENTS (cuts) + 4, 6); i++)
      {
        gint64 cut = i < G_N_ELEMENTS (cuts) && ROUNDS (TRUE, i % 2 == 0)
                     ? cuts[i] : g_rand_int_range (f->rand, 0, 20000);
        g_autoptr(GPtrArray) more = queue_orders (f, 2);
        int status;

        for (guint k = 0; k < more->len; k++)
          g_ptr_array_add (ids, g_strdup (g_ptr_array_index (more, k)));
        proxy_set_cut (proxy, dir == 1, cut);
        status = run_cli (f, NULL, "sync", "-q", "--timeout", "5", NULL);
        g_printerr ("# cut %s after %" G_GINT64_FORMAT " bytes: exit %d, %u waiting\n",
                    dir == 1 ? "down" : "up", cut, status, pending (f));
        g_assert_true (status == 0 || status == 6);
        runs++;
      }
  proxy_set_cut (proxy, FALSE, -1);
  sync_to_the_end (f);
  g_printerr ("# %u broken syncs\n", runs);
  assert_exactly_once (f, ids);
  assert_cache_equals_fresh_sync (f);
  proxy_free (proxy);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("QUDAO_SERVER") == NULL || g_getenv ("QUDAO_CLI") == NULL)
    {
      g_test_skip ("qudao-server or qudao-cli is not built");
      return g_test_run ();
    }
  g_test_add ("/sync/server/offline", Fixture, NULL, fixture_set_up, test_offline,
              fixture_tear_down);
  g_test_add ("/sync/server/kill-client", Fixture, NULL, fixture_set_up, test_kill_client,
              fixture_tear_down);
  g_test_add ("/sync/server/kill-client-takeover", Fixture, NULL, fixture_set_up,
              test_kill_client_takeover, fixture_tear_down);
  g_test_add ("/sync/server/network-trigger", Fixture, NULL, fixture_set_up,
              test_network_trigger, fixture_tear_down);
  g_test_add ("/sync/server/interval", Fixture, NULL, fixture_set_up, test_interval,
              fixture_tear_down);
  g_test_add ("/sync/server/kill-server", Fixture, NULL, fixture_set_up, test_kill_server,
              fixture_tear_down);
  g_test_add ("/sync/server/broken-line", Fixture, NULL, fixture_set_up, test_broken_line,
              fixture_tear_down);
  return g_test_run ();
}
