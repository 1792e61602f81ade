/* bench-sync.c — the sync engine against a real qudao-server on loopback
 *
 * Prints figures (never judges): initial sync of a full manager scope (wall, changes/s,
 * peak RSS, bytes on the wire), the no-network ceiling (the same pages decoded and applied
 * from memory), a sync with nothing new (time, bytes), and the push of 10,000 queued
 * 3-line orders.
 *
 *   bench-sync --server PATH [--products N] [--order-lines N] [--orders N]
 *
 * The token goes to libsecret's file backend in a temporary folder, so the benchmark
 * needs no keyring daemon.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "qd-json.h"
#include "qd-sync-engine.h"
#include "qd-sync-http-private.h"

static char *tmp_dir;

static void
figure (const char *what,
        double      value,
        const char *unit)
{
  printf ("figure: %s | %.3f | %s\n", what, value, unit);
  fflush (stdout);
}

static gint64
vm_hwm_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "VmHWM:");
  return p != NULL ? g_ascii_strtoll (p + 6, NULL, 10) : -1;
}

static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* User + system CPU of a process, in ms (fields 14 and 15 of /proc/PID/stat). */
static double
process_cpu_ms (GSubprocess *p)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (p));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return -1;
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 14)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0
         / sysconf (_SC_CLK_TCK);
}

static GSubprocess *
start_server (const char  *server_bin,
              const char  *products,
              const char  *lines,
              char       **out_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *dir = g_build_filename (tmp_dir, "server", NULL);
  g_autofree char *line = NULL;
  GSubprocess *p;
  gint64 start = g_get_monotonic_time ();

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, server_bin,
                        "--data-dir", dir, "--listen", "127.0.0.1:0",
                        "--demo-products", products, "--demo-order-lines", lines, NULL);
  if (p == NULL)
    g_error ("cannot start %s: %s", server_bin, error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("qudao-server did not start");
  *out_url = g_strdup (line + strlen ("listening on "));
  g_printerr ("# server with %s products, %s order lines ready in %.1f s at %s\n",
              products, lines, (g_get_monotonic_time () - start) / 1e6, *out_url);
  return p;
}

typedef struct
{
  gboolean    done;
  gboolean    ok;
  GError     *error;
  QdSyncStats stats;
} Wait;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Wait *w = data;

  w->ok = qd_sync_engine_sync_finish (QD_SYNC_ENGINE (source), result, &w->stats, &w->error);
  w->done = TRUE;
}

static double
run_sync (QdSyncEngine *engine,
          QdSyncStats  *stats)
{
  Wait w = { 0, };
  gint64 start = g_get_monotonic_time ();

  qd_sync_engine_sync_async (engine, NULL, done_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  if (!w.ok && !g_error_matches (w.error, QD_SYNC_ERROR, QD_SYNC_ERROR_REFUSED))
    g_error ("sync failed: %s", w.error->message);
  g_clear_error (&w.error);
  *stats = w.stats;
  return (g_get_monotonic_time () - start) / 1e6;
}

static QdSyncEngine *
login (const char  *url,
       const char  *user,
       const char  *data_dir,
       QdStore    **out_store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdCredentials) creds = NULL;
  g_autofree char *path = NULL;

  if (!qd_sync_login_sync (data_dir, url, user, "qudao-demo", NULL, NULL, &error))
    g_error ("login %s: %s", user, error->message);
  path = qd_store_path_for_account (data_dir, url, user);
  *out_store = qd_store_open (path, &error);
  if (*out_store == NULL)
    g_error ("%s", error->message);
  creds = qd_credentials_new (url, user);
  return qd_sync_engine_new (*out_store, url, creds);
}

/* The ceiling: the same feed pages, fetched once into memory, then decoded and applied
 * into a fresh cache without any network in the timed part. */
static void
ceiling (const char *url,
         const char *user,
         guint       page_limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdCredentials) creds = qd_credentials_new (url, user);
  g_autofree char *token = qd_credentials_lookup_sync (creds, NULL, &error);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *cursor = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "ceiling.sqlite", NULL);
  g_autoptr(QdStore) store = NULL;
  guint64 changes = 0;
  gint64 start, c0;
  gint64 decode_us = 0, apply_us = 0, end_us;
  double secs;

  for (;;)
    {
      g_autofree char *uri = NULL;
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(JsonObject) page = NULL;
      GBytes *body;
      const char *next = NULL;
      gboolean more = FALSE;

      if (cursor != NULL)
        {
          g_autofree char *esc = g_uri_escape_string (cursor, NULL, FALSE);

          uri = g_strdup_printf ("%s/api/v1/changes?since=%s&limit=%u", url, esc, page_limit);
        }
      else
        uri = g_strdup_printf ("%s/api/v1/changes?limit=%u", url, page_limit);
      msg = soup_message_new ("GET", uri);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      if (body == NULL || soup_message_get_status (msg) != 200)
        g_error ("ceiling fetch failed");
      g_ptr_array_add (pages, body);
      page = qd_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
      qd_json_read_string (page, "cursor", QD_JSON_REQUIRED, &next, NULL);
      qd_json_read_bool (page, "has_more", QD_JSON_REQUIRED, &more, NULL);
      g_free (cursor);
      cursor = g_strdup (next);
      if (!more)
        break;
    }

  store = qd_store_open (path, &error);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < pages->len; i++)
    {
      GBytes *body = g_ptr_array_index (pages, i);
      c0 = cpu_us ();
      /* The engine's decoder (core's check, then the sync's own tree builder). */
      g_autoptr(JsonObject) page = _qd_sync_json_parse_object (g_bytes_get_data (body, NULL),
                                                               g_bytes_get_size (body), &error);
      JsonArray *list;

      if (page == NULL)
        g_error ("%s", error->message);
      list = json_object_get_array_member (page, "changes");
      decode_us += cpu_us () - c0;
      c0 = cpu_us ();
      qd_store_begin_page (store, &error);
      for (guint k = 0; k < json_array_get_length (list); k++)
        {
          JsonObject *c = json_array_get_object_element (list, k);
          JsonObject *data = json_object_has_member (c, "data")
                             ? json_object_get_object_member (c, "data") : NULL;

          if (!qd_store_apply_change (store, json_object_get_string_member (c, "entity"),
                                      json_object_get_string_member (c, "op"),
                                      json_object_get_string_member (c, "id"), data, &error))
            g_error ("%s", error->message);
          changes++;
        }
      if (!qd_store_commit_page (store, json_object_get_string_member (page, "cursor"), NULL,
                                 &error))
        g_error ("%s", error->message);
      apply_us += cpu_us () - c0;
    }
  c0 = cpu_us ();
  /* The fill ends as a sync's does (search indexes and summaries rebuilt once): without
   * it the ceiling would leave out work the sync's figure includes. */
  if (!qd_store_end_bulk (store, &error))
    g_error ("%s", error->message);
  end_us = cpu_us () - c0;
  secs = (g_get_monotonic_time () - start) / 1e6;
  figure ("ceiling: same pages decoded + applied from memory, serially, with the final "
          "rebuild", secs, "s");
  figure ("ceiling: CPU of the decode (check + tree)", decode_us / 1e3, "ms");
  figure ("ceiling: CPU of the apply (pages)", apply_us / 1e3, "ms");
  figure ("ceiling: CPU of the end of the bulk fill (indexes, search, summaries)",
          end_us / 1e3, "ms");
  figure ("ceiling: changes/s", changes / secs, "changes/s");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *server_bin = NULL;
  g_autofree char *products = g_strdup ("100000");
  g_autofree char *lines = g_strdup ("1000000");
  g_autofree char *url = NULL;
  g_autofree char *keyring = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(QdStore) mstore = NULL;
  g_autoptr(QdSyncEngine) manager = NULL;
  g_autoptr(QdStore) dstore = NULL;
  g_autoptr(QdSyncEngine) dealer = NULL;
  int n_orders = 10000;
  QdSyncStats st;
  double secs;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_bin, "qudao-server to run", "PATH" },
    { "products", 0, 0, G_OPTION_ARG_STRING, &products, "Demo products", "N" },
    { "order-lines", 0, 0, G_OPTION_ARG_STRING, &lines, "Demo order lines", "N" },
    { "orders", 0, 0, G_OPTION_ARG_INT, &n_orders, "Orders to push", "N" },
    { NULL },
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || server_bin == NULL)
    {
      g_printerr ("usage: bench-sync --server PATH [--products N] [--order-lines N] [--orders N]\n");
      return 2;
    }
  tmp_dir = g_dir_make_tmp ("qd-bench-sync-XXXXXX", &error);
  g_assert_no_error (error);
  keyring = g_build_filename (tmp_dir, "keyring", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "bench", TRUE);

  server = start_server (server_bin, products, lines, &url);

  /* Initial sync of a manager's whole scope. */
  {
    g_autofree char *dir = g_build_filename (tmp_dir, "manager", NULL);
    gint64 hwm_before = vm_hwm_kib ();

    double server_ms, client_ms;

    manager = login (url, "manager1", dir, &mstore);
    qd_sync_engine_set_page_limit (manager, 5000);
    server_ms = process_cpu_ms (server);
    client_ms = cpu_us () / 1e3;
    secs = run_sync (manager, &st);
    figure ("initial sync, manager scope: wall", secs, "s");
    figure ("initial sync: CPU of this process (all threads)", cpu_us () / 1e3 - client_ms,
            "ms");
    figure ("initial sync: CPU of qudao-server", process_cpu_ms (server) - server_ms, "ms");
    figure ("initial sync: changes", st.changes, "changes");
    figure ("initial sync: changes/s", st.changes / secs, "changes/s");
    figure ("initial sync: bytes on the wire (received)", st.wire_bytes_in / 1048576.0, "MiB");
    figure ("initial sync: decoded body bytes", st.body_bytes_in / 1048576.0, "MiB");
    figure ("initial sync: requests", st.requests, "requests");
    figure ("initial sync: peak RSS of this process (VmHWM)", vm_hwm_kib () / 1024.0, "MiB");
    g_printerr ("# VmHWM before the sync: %.1f MiB\n", hwm_before / 1024.0);
  }
  ceiling (url, "manager1", 5000);

  /* Nothing new. */
  secs = run_sync (manager, &st);
  figure ("sync with nothing new: wall", secs * 1000, "ms");
  figure ("sync with nothing new: bytes on the wire (in + out)",
          st.wire_bytes_in + st.wire_bytes_out, "bytes");

  /* Push: a dealer queues 3-line orders offline, then one sync sends them. */
  {
    g_autofree char *dir = g_build_filename (tmp_dir, "dealer", NULL);
    g_autoptr(GPtrArray) found = NULL;
    QdProductQuery q = { .limit = 30 };
    gint64 start;
    guint applied;
    double server_ms, client_ms;

    dealer = login (url, "dealer1", dir, &dstore);
    qd_sync_engine_set_page_limit (dealer, 5000);
    run_sync (dealer, &st);
    found = qd_store_search_products (dstore, &q, &error);
    g_assert_no_error (error);
    start = g_get_monotonic_time ();
    for (int i = 0; i < n_orders; i++)
      {
        QdOrderLineInput in[3];
        g_autofree char *id = NULL;

        for (guint k = 0; k < 3; k++)
          {
            QdProductInfo *p = g_ptr_array_index (found, (i * 3 + k) % found->len);

            in[k].product_id = p->id;
            in[k].qty = p->pack_size;
          }
        id = qd_store_queue_order (dstore, in, 3, NULL, NULL, &error);
        if (id == NULL)
          g_error ("%s", error->message);
      }
    figure ("queue 3-line orders locally: per order",
            (g_get_monotonic_time () - start) / 1e3 / n_orders, "ms");
    server_ms = process_cpu_ms (server);
    client_ms = cpu_us () / 1e3;
    secs = run_sync (dealer, &st);
    applied = st.pushed - st.rejected;
    figure ("push of queued 3-line orders: wall (then pull)", secs, "s");
    figure ("push: CPU of this process (all threads)", cpu_us () / 1e3 - client_ms, "ms");
    figure ("push: CPU of qudao-server", process_cpu_ms (server) - server_ms, "ms");
    figure ("push: mutations answered", st.pushed, "mutations");
    figure ("push: applied", applied, "orders");
    figure ("push: rejected by the server (credit etc.)", st.rejected, "orders");
    figure ("push: mutations/s", st.pushed / secs, "mutations/s");
  }

  g_subprocess_send_signal (server, 15);
  g_subprocess_wait (server, NULL, NULL);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);

    if (system (cmd) != 0)
      g_printerr ("# could not remove %s\n", tmp_dir);
  }
  return 0;
}
