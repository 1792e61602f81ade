/* qd-sync-engine.c — pushes the outbox and pulls the change feed of one account
 *
 * A sync runs in a worker thread: it opens its own connection to the cache file (a QdStore
 * is used by one thread at a time) and its own SoupSession (libsoup 3 sessions belong to
 * their thread), so neither the UI nor the main loop ever waits on the network or on
 * SQLite. The engine object lives in the thread that made it; the worker hands progress,
 * entity changes and its result back to that thread's main context, where the GObject
 * properties change and notify.
 *
 * Exactly once rests on three things: the mutation id is the outbox row's id and never
 * changes; a row leaves the outbox only in the transaction that records the server's
 * answer for it; and a row whose answer never arrived (cut connection, timeout, 5xx,
 * malformed answer, crash) is simply sent again later — the server answers a repeat with
 * its first result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-json.h"
#include "qd-sync-engine.h"
#include "qd-sync-http-private.h"

/* Protocol limits: up to 500 mutations a batch, up to 5,000 changes a page. */
#define MAX_BATCH            500
#define MAX_PAGE             5000
#define DEFAULT_PAGE         1000
#define DEFAULT_TIMEOUT_S    30
#define DEFAULT_INTERVAL_S   300
/* Backoff of a mutation whose outcome is unknown, and of the engine after a failed sync. */
#define BACKOFF_BASE_MS      2000
#define BACKOFF_CAP_MS       (10 * 60 * 1000)

GType
qd_sync_phase_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { QD_SYNC_PHASE_IDLE, "QD_SYNC_PHASE_IDLE", "idle" },
        { QD_SYNC_PHASE_PUSHING, "QD_SYNC_PHASE_PUSHING", "pushing" },
        { QD_SYNC_PHASE_PULLING, "QD_SYNC_PHASE_PULLING", "pulling" },
        { QD_SYNC_PHASE_OFFLINE, "QD_SYNC_PHASE_OFFLINE", "offline" },
        { QD_SYNC_PHASE_AUTH_REQUIRED, "QD_SYNC_PHASE_AUTH_REQUIRED", "auth-required" },
        { QD_SYNC_PHASE_ERROR, "QD_SYNC_PHASE_ERROR", "error" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static (g_intern_static_string ("QdSyncPhase"), values);

      g_once_init_leave (&type_id, t);
    }
  return type_id;
}

const char *
qd_sync_phase_to_string (QdSyncPhase phase)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (QD_TYPE_SYNC_PHASE);
  GEnumValue *value = g_enum_get_value (klass, phase);

  return value != NULL ? value->value_nick : "unknown";
}

struct _QdSyncEngine
{
  GObject          parent_instance;

  /* Owned references. */
  QdStore         *store;
  QdCredentials   *credentials;
  char            *server_url;
  char            *ca_file;
  char            *owner;          /* this engine's outbox lease owner id */
  char            *token;          /* cached from the keyring; never logged */
  QdStore         *worker_store;   /* the worker's own connection to the cache */
  GMainContext    *context;        /* where the engine lives and notifies */

  /* Settings. */
  guint            timeout_s;
  guint            page_limit;
  guint            batch_size;
  guint            interval_s;
  gboolean         auto_sync;

  /* Observable state. */
  QdSyncPhase      phase;
  gint64           progress_done;
  gint64           progress_total;
  guint            pending_count;
  guint            rejected_count;
  GDateTime       *last_sync;
  gint64           last_sync_ms;
  char            *last_error;
  QdSyncStats      stats;

  /* The sync under way and the callers waiting for it. */
  GTask           *running;
  GCancellable    *running_cancellable;
  GPtrArray       *waiters;
  gboolean         again;          /* a trigger arrived while a sync ran */

  /* Triggers. */
  GNetworkMonitor *monitor;
  gulong           monitor_handler;
  guint            interval_source;
  guint            retry_source;
  guint            failures;       /* consecutive failed syncs, for the engine's backoff */
};

G_DEFINE_FINAL_TYPE (QdSyncEngine, qd_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SERVER_URL,
  PROP_CREDENTIALS,
  PROP_PHASE,
  PROP_PROGRESS,
  PROP_PROGRESS_DONE,
  PROP_PROGRESS_TOTAL,
  PROP_PENDING_COUNT,
  PROP_REJECTED_COUNT,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  PROP_AUTO_SYNC,
  PROP_INTERVAL,
  PROP_CA_FILE,
  PROP_TIMEOUT,
  PROP_NETWORK_MONITOR,
  N_PROPS,
};

enum {
  SIGNAL_ENTITIES_CHANGED,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_retry (QdSyncEngine *self);
static void start_sync     (QdSyncEngine *self,
                            gboolean      user_asked);

/* ---- backoff ----------------------------------------------------------------------------- */

/* Exponential with "equal jitter": half the delay fixed, half random, so that many clients
 * that lost the server at the same moment do not come back at the same moment. */
static gint64
backoff_ms (guint attempts)
{
  gint64 delay = BACKOFF_BASE_MS;

  for (guint i = 0; i < attempts && delay < BACKOFF_CAP_MS; i++)
    delay *= 2;
  delay = MIN (delay, BACKOFF_CAP_MS);
  return delay / 2 + g_random_int_range (0, (gint32) (delay / 2) + 1);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
forward_cancel (GCancellable *cancellable,
                gpointer      running_cancellable)
{
  g_cancellable_cancel (running_cancellable);
}

/* ---- the worker ------------------------------------------------------------------------ */

typedef struct
{
  QdSyncEngine  *engine;          /* a strong ref: the invoke callbacks use it */
  char          *store_path;
  char          *server_url;
  char          *ca_file;
  char          *owner;
  QdCredentials *credentials;
  guint          timeout_s;
  guint          page_limit;
  guint          batch_size;
  gint64         lease_ms;
  gboolean       retry_now;
  char          *token;           /* the engine's cached token, or NULL to look it up */
  QdStore       *store;           /* the worker's connection, kept by the engine between syncs */

  /* Results, read by the main thread once the task completed. */
  QdSyncStats    stats;
} SyncJob;

static void
sync_job_free (SyncJob *job)
{
  g_clear_object (&job->engine);
  g_clear_object (&job->credentials);
  g_clear_object (&job->store);
  g_free (job->store_path);
  g_free (job->server_url);
  g_free (job->ca_file);
  g_free (job->owner);
  if (job->token != NULL)
    explicit_bzero (job->token, strlen (job->token));
  g_free (job->token);
  g_free (job);
}

typedef enum
{
  UPDATE_PHASE,
  UPDATE_PROGRESS,
  UPDATE_CHANGED,
  UPDATE_COUNTS,
} UpdateKind;

typedef struct
{
  QdSyncEngine  *engine;
  UpdateKind     kind;
  QdSyncPhase    phase;
  gint64         done;
  gint64         total;
  QdEntityKinds  changed;
} Update;

static void
update_free (Update *u)
{
  g_clear_object (&u->engine);
  g_free (u);
}

static void
set_phase (QdSyncEngine *self,
           QdSyncPhase   phase)
{
  if (self->phase == phase)
    return;
  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

static void
set_progress (QdSyncEngine *self,
              gint64        done,
              gint64        total)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->progress_done != done)
    {
      self->progress_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_DONE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  if (self->progress_total != total)
    {
      self->progress_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_TOTAL]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
apply_update (gpointer data)
{
  Update *u = data;

  switch (u->kind)
    {
    case UPDATE_PHASE:
      set_phase (u->engine, u->phase);
      break;
    case UPDATE_PROGRESS:
      set_progress (u->engine, u->done, u->total);
      break;
    case UPDATE_CHANGED:
      qd_sync_engine_refresh_counts (u->engine);
      if (u->changed != QD_ENTITY_KIND_NONE)
        g_signal_emit (u->engine, signals[SIGNAL_ENTITIES_CHANGED], 0, (guint) u->changed);
      break;
    case UPDATE_COUNTS:
      qd_sync_engine_refresh_counts (u->engine);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

static void
post_update (SyncJob       *job,
             UpdateKind     kind,
             QdSyncPhase    phase,
             gint64         done,
             gint64         total,
             QdEntityKinds  changed)
{
  Update *u = g_new0 (Update, 1);

  u->engine = g_object_ref (job->engine);
  u->kind = kind;
  u->phase = phase;
  u->done = done;
  u->total = total;
  u->changed = changed;
  g_main_context_invoke_full (job->engine->context, G_PRIORITY_DEFAULT, apply_update, u,
                              (GDestroyNotify) update_free);
}

static char *
build_batch (GPtrArray  *items,
             GError    **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mutations");
  json_builder_begin_array (b);
  for (guint i = 0; i < items->len; i++)
    {
      QdOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr(GError) local_error = NULL;
      JsonNode *payload = qd_json_parse (item->payload, -1, &local_error);

      if (payload == NULL)
        {
          /* The store wrote this payload; a bad one is a bug, never a reason to stop. */
          g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
                       _("The waiting change %s has a damaged payload: %s"),
                       item->id, local_error->message);
          return NULL;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, item->id);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, item->type);
      json_builder_set_member_name (b, "created_at");
      json_builder_add_string_value (b, item->created_at);
      json_builder_set_member_name (b, "payload");
      json_builder_add_value (b, payload);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* Checks the whole answer before anything of it is applied. */
static gboolean
check_results (GPtrArray   *items,
               JsonObject  *answer,
               JsonArray  **out_results,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonArray *results = NULL;

  if (!qd_json_read_array (answer, "results", QD_JSON_REQUIRED, &results, &local_error))
    goto malformed;
  if (json_array_get_length (results) != items->len)
    {
      g_set_error (&local_error, QD_ERROR, QD_ERROR_INVALID,
                   "results: %u results for %u mutations", json_array_get_length (results),
                   items->len);
      goto malformed;
    }
  for (guint i = 0; i < items->len; i++)
    {
      QdOutboxItem *item = g_ptr_array_index (items, i);
      JsonObject *r = qd_json_array_object (results, i, &local_error);
      const char *id = NULL;
      const char *status = NULL;
      JsonObject *sub = NULL;
      const char *code = NULL;

      if (r == NULL
          || !qd_json_read_string (r, "id", QD_JSON_REQUIRED, &id, &local_error)
          || !qd_json_read_string (r, "status", QD_JSON_REQUIRED, &status, &local_error))
        goto malformed_at;
      if (g_strcmp0 (id, item->id) != 0)
        {
          g_set_error (&local_error, QD_ERROR, QD_ERROR_INVALID,
                       "id: expected %s, got %s", item->id, id);
          goto malformed_at;
        }
      if (g_str_equal (status, "applied"))
        {
          if (!qd_json_read_object (r, "entity", QD_JSON_REQUIRED, &sub, &local_error))
            goto malformed_at;
        }
      else if (g_str_equal (status, "rejected"))
        {
          if (!qd_json_read_object (r, "error", QD_JSON_REQUIRED, &sub, &local_error)
              || !qd_json_read_string (sub, "code", QD_JSON_REQUIRED, &code, &local_error))
            goto malformed_at;
        }
      else
        {
          g_set_error (&local_error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE,
                       "status: unknown value “%s”", status);
          goto malformed_at;
        }
      continue;

    malformed_at:
      g_prefix_error (&local_error, "results[%u].", i);
      goto malformed;
    }
  *out_results = results;
  return TRUE;

malformed:
  g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
               _("The server's answer to the sent changes is malformed: %s"),
               local_error->message);
  return FALSE;
}

/* The outcome of every row of @items is unknown: send them again later, same ids. */
static void
retry_later (QdStore    *store,
             GPtrArray  *items,
             const char *reason)
{
  gint64 now = now_ms ();

  for (guint i = 0; i < items->len; i++)
    {
      QdOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr(GError) local_error = NULL;

      if (!qd_store_outbox_retry_later (store, item->id, now + backoff_ms (item->attempts),
                                        reason, &local_error))
        g_debug ("cannot record the retry of %s: %s", item->id, local_error->message);
    }
}

/* The push is pipelined too: a courier thread with its own HTTP session sends batch N and
 * waits for the server's answer, while this thread claims and encodes batch N+1 and then,
 * once N+1 is on its way, records the results of N (one transaction). The server — most of
 * a push's time — never waits for the client between batches. Exactly once is untouched:
 * a batch is claimed before it is sent and its results are recorded before its rows leave
 * the outbox; a batch claimed but never sent (the one before it failed, or the sync was
 * cancelled) is released with the lease, pending as before, its attempts unchanged. The
 * claim never hands out a mutation of an entity that has one still claimed, so batch N+1
 * holds nothing that must wait for the answer to N (a cancel never overtakes its
 * order's submit). */
typedef struct
{
  GPtrArray  *items;     /* QdOutboxItem */
  char       *body;
  JsonObject *answer;
  GError     *error;
  gint64      t_claim, t_sent, t_answer;
} Batch;

static void
batch_free (Batch *b)
{
  if (b == NULL)
    return;
  g_clear_pointer (&b->items, g_ptr_array_unref);
  g_free (b->body);
  g_clear_pointer (&b->answer, json_object_unref);
  g_clear_error (&b->error);
  g_free (b);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

static char courier_stop;

typedef struct
{
  GThread      *thread;
  GAsyncQueue  *to_send;    /* Batch, or &courier_stop */
  GAsyncQueue  *answered;   /* Batch, with its answer or error */
  GCancellable *cancellable;
  char         *base_url;
  char         *ca_file;
  char         *token;
  guint         timeout_s;
  GMainContext *timer_context;
  guint64       wire_in, wire_out, body_in, requests;
} Courier;

static gpointer
courier_thread (gpointer data)
{
  Courier *cx = data;
  g_autoptr(QdSyncHttp) http = NULL;
  GError *error = NULL;

  http = _qd_sync_http_new (cx->base_url, cx->ca_file, cx->timeout_s, &error);
  if (http != NULL)
    {
      _qd_sync_http_set_token (http, cx->token);
      http->timer_context = cx->timer_context;
    }
  for (;;)
    {
      gpointer next = g_async_queue_pop (cx->to_send);
      Batch *b;

      if (next == &courier_stop)
        break;
      b = next;
      b->t_sent = g_get_monotonic_time ();
      if (http == NULL)
        b->error = g_error_copy (error);
      else
        b->answer = _qd_sync_http_call (http, "POST", "/mutations", b->body, strlen (b->body),
                                        NULL, NULL, cx->cancellable, &b->error);
      b->t_answer = g_get_monotonic_time ();
      g_async_queue_push (cx->answered, b);
    }
  g_clear_error (&error);
  if (http != NULL)
    {
      cx->wire_in = http->wire_bytes_in;
      cx->wire_out = http->wire_bytes_out;
      cx->body_in = http->body_bytes_in;
      cx->requests = http->requests;
    }
  return NULL;
}

static Courier *
courier_start (SyncJob      *job,
               QdSyncHttp   *http,
               GCancellable *cancellable)
{
  Courier *cx = g_new0 (Courier, 1);

  cx->to_send = g_async_queue_new ();
  cx->answered = g_async_queue_new ();
  cx->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  cx->base_url = g_strdup (http->base_url);
  cx->ca_file = g_strdup (job->ca_file);
  cx->token = g_strdup (http->token);
  cx->timeout_s = http->timeout_s;
  cx->timer_context = http->timer_context;
  cx->thread = g_thread_new ("qd-sync-send", courier_thread, cx);
  return cx;
}

/* Call with no batch in flight. */
static void
courier_stop_and_free (Courier    *cx,
                       QdSyncHttp *http)
{
  if (cx == NULL)
    return;
  g_async_queue_push (cx->to_send, &courier_stop);
  g_thread_join (cx->thread);
  http->wire_bytes_in += cx->wire_in;
  http->wire_bytes_out += cx->wire_out;
  http->body_bytes_in += cx->body_in;
  http->requests += cx->requests;
  g_async_queue_unref (cx->to_send);
  g_async_queue_unref (cx->answered);
  g_clear_object (&cx->cancellable);
  g_free (cx->base_url);
  g_free (cx->ca_file);
  if (cx->token != NULL)
    explicit_bzero (cx->token, strlen (cx->token));
  g_free (cx->token);
  g_free (cx);
}

/* Claims and encodes the next batch: NULL with *error unset when nothing is due (or
 * another process drains the outbox: *out_busy). */
static Batch *
next_batch (SyncJob   *job,
            QdStore   *store,
            gboolean  *out_busy,
            GError   **error)
{
  g_autoptr(Batch) b = g_new0 (Batch, 1);
  g_autoptr(GError) local_error = NULL;

  b->t_claim = g_get_monotonic_time ();
  b->items = qd_store_outbox_claim (store, job->owner, job->batch_size, now_ms (),
                                    job->lease_ms, &local_error);
  if (b->items == NULL)
    {
      if (g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY))
        {
          /* Another process drains the outbox; the pull still makes sense. */
          g_debug ("outbox busy: %s", local_error->message);
          *out_busy = TRUE;
          return NULL;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (b->items->len == 0)
    return NULL;
  b->body = build_batch (b->items, error);
  if (b->body == NULL)
    {
      retry_later (store, b->items, (*error)->message);
      return NULL;
    }
  return g_steal_pointer (&b);
}

/* Records the server's answer to @b in one transaction (each result a savepoint of it). */
static gboolean
record_results (SyncJob  *job,
                QdStore  *store,
                Batch    *b,
                GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonArray *results = NULL;
  QdEntityKinds changed = QD_ENTITY_KIND_NONE;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok, in_results;

  if (b->answer == NULL || !check_results (b->items, b->answer, &results, &local_error))
    {
      if (b->error != NULL)
        local_error = g_steal_pointer (&b->error);
      /* Cancelled or 401: nothing is known of the batch either, but it is no fault of the
       * server, so the rows are simply released and go out at the next sync. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_error_matches (local_error, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED))
        retry_later (store, b->items, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  ok = in_results = qd_store_outbox_begin_results (store, error);
  for (guint i = 0; i < b->items->len && ok; i++)
    {
      QdOutboxItem *item = g_ptr_array_index (b->items, i);
      JsonObject *r = json_array_get_object_element (results, i);
      const char *status = json_object_get_string_member (r, "status");
      QdEntityKinds one = QD_ENTITY_KIND_NONE;

      if (g_str_equal (status, "applied"))
        ok = qd_store_outbox_applied (store, item->id,
                                      json_object_get_object_member (r, "entity"),
                                      &one, error);
      else
        {
          JsonObject *err = json_object_get_object_member (r, "error");
          const char *message = NULL;

          if (!qd_json_read_string (err, "message", QD_JSON_OPTIONAL, &message, NULL))
            message = NULL;
          ok = qd_store_outbox_rejected (store, item->id,
                                         json_object_get_string_member (err, "code"),
                                         message, error);
          one = QD_ENTITY_KIND_OUTBOX;
          job->stats.rejected++;
        }
      changed |= one;
      job->stats.pushed++;
    }
  if (ok)
    ok = qd_store_outbox_end_results (store, TRUE, error);
  else if (in_results)
    qd_store_outbox_end_results (store, FALSE, NULL);
  g_debug ("batch of %u: claimed %.1f ms before it was sent, server %.1f ms, record %.1f ms",
           b->items->len, (b->t_sent - b->t_claim) / 1e3, (b->t_answer - b->t_sent) / 1e3,
           (g_get_monotonic_time () - t0) / 1e3);
  post_update (job, UPDATE_CHANGED, 0, 0, 0, changed);
  return ok;
}

static gboolean
push (SyncJob       *job,
      QdStore       *store,
      QdSyncHttp    *http,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(Batch) queued = NULL;   /* claimed and encoded, not sent yet */
  Courier *cx = NULL;
  Batch *in_flight = NULL;
  gboolean busy = FALSE;
  gboolean ok = TRUE;

  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    in_flight = next_batch (job, store, &busy, error);
  ok = (error == NULL || *error == NULL);
  if (in_flight != NULL)
    {
      cx = courier_start (job, http, cancellable);
      g_async_queue_push (cx->to_send, in_flight);
    }
  while (in_flight != NULL)
    {
      g_autoptr(Batch) answered = NULL;

      /* While the server works on the batch in flight: the next one. */
      if (ok && !busy && !g_cancellable_is_cancelled (cancellable))
        {
          queued = next_batch (job, store, &busy, &local_error);
          if (local_error != NULL)
            ok = FALSE;
        }
      answered = g_async_queue_pop (cx->answered);
      in_flight = NULL;
      /* Sent only when its predecessor was answered: a failed batch stops the push. */
      if (ok && answered->answer != NULL && queued != NULL
          && !g_cancellable_is_cancelled (cancellable))
        {
          in_flight = g_steal_pointer (&queued);
          g_async_queue_push (cx->to_send, in_flight);
        }
      if (!record_results (job, store, answered, ok ? error : NULL))
        {
          ok = FALSE;
          /* A batch sent meanwhile is answered before the push ends; its rows then stay
           * claimed until released below (the lease's rows become pending again). */
          if (in_flight != NULL)
            {
              g_autoptr(Batch) late = g_async_queue_pop (cx->answered);

              record_results (job, store, late, NULL);
              in_flight = NULL;
            }
        }
    }
  courier_stop_and_free (cx, http);
  if (local_error != NULL)
    {
      if (error != NULL && *error == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      ok = FALSE;
    }
  if (ok && g_cancellable_set_error_if_cancelled (cancellable, error))
    ok = FALSE;

  /* Whatever is still claimed (a batch encoded but never sent) goes back to pending. */
  g_clear_error (&local_error);
  if (!qd_store_outbox_release (store, job->owner, &local_error))
    g_debug ("cannot release the outbox lease: %s", local_error->message);
  return ok;
}

typedef struct
{
  gint64      seq;
  const char *entity;
  const char *op;
  const char *id;
  JsonObject *data;
} Change;

/* The page without its changes: cursor, has_more, head_seq. @changes_empty tells whether
 * the page's "changes" array (built apart) has no element. */
static gboolean
check_header (JsonObject   *page,
              gboolean      changes_empty,
              const char  **out_cursor,
              gboolean     *out_has_more,
              gint64       *out_head_seq,
              GError      **error)
{
  JsonArray *array = NULL;

  if (!qd_json_read_array (page, "changes", QD_JSON_REQUIRED, &array, error)
      || !qd_json_read_string (page, "cursor", QD_JSON_REQUIRED, out_cursor, error)
      || !qd_json_read_bool (page, "has_more", QD_JSON_REQUIRED, out_has_more, error)
      || !qd_json_read_int (page, "head_seq", QD_JSON_OPTIONAL, 0, G_MAXINT64, out_head_seq,
                            error))
    return FALSE;
  if (**out_cursor == '\0')
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID, "cursor: empty");
      return FALSE;
    }
  if (*out_has_more && changes_empty)
    {
      /* It would make the client ask for the same page for ever. */
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID, "changes: empty, but has_more is true");
      return FALSE;
    }
  return TRUE;
}

/* Change number @index of the page; its seq must follow *@last, which it then becomes. */
static gboolean
check_change (JsonNode  *node,
              guint      index,
              gint64    *last,
              Change    *c,
              GError   **error)
{
  JsonObject *o;

  memset (c, 0, sizeof *c);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE, "changes[%u]: not an object", index);
      return FALSE;
    }
  o = json_node_get_object (node);
  if (!qd_json_read_int (o, "seq", QD_JSON_REQUIRED, 0, G_MAXINT64, &c->seq, error)
      || !qd_json_read_string (o, "entity", QD_JSON_REQUIRED, &c->entity, error)
      || !qd_json_read_string (o, "op", QD_JSON_REQUIRED, &c->op, error)
      || !qd_json_read_id (o, "id", QD_JSON_REQUIRED, &c->id, error))
    goto malformed;
  if (c->seq <= *last)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                   "seq: %" G_GINT64_FORMAT " does not follow %" G_GINT64_FORMAT,
                   c->seq, *last);
      goto malformed;
    }
  *last = c->seq;
  if (g_str_equal (c->op, "upsert"))
    {
      if (!qd_json_read_object (o, "data", QD_JSON_REQUIRED, &c->data, error))
        goto malformed;
    }
  else if (!g_str_equal (c->op, "delete"))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE, "op: unknown value “%s”", c->op);
      goto malformed;
    }
  return TRUE;

malformed:
  g_prefix_error (error, "changes[%u].", index);
  return FALSE;
}

/* The feed is pulled by two threads, a pipeline of two stages. A fetcher with its own HTTP
 * session downloads a page, inflates it, checks its text, and builds and checks its
 * changes a chunk at a time (CHUNK_CHANGES), while this thread applies the chunks before
 * them to the cache — each page in one transaction with its cursor, begun at its first
 * chunk and committed at its last. The queue between the two is bounded by slots: a chunk
 * takes a slot, and the applier frees the applied chunk and hands its slot back.
 * With PIPELINE_SLOTS × CHUNK_CHANGES changes built at most, the sync's memory no longer
 * grows with the page size: a whole 5,000-change page is some 20 MiB of json-glib tree.
 * Chunks reach the applier in feed order; a change that fails its checks ends the
 * pipeline, and the applier rolls its page back, so nothing of a refused page is kept. */
#define CHUNK_CHANGES   500
#define PIPELINE_SLOTS  6

typedef struct
{
  JsonArray  *nodes;       /* the changes' trees */
  GArray     *changes;     /* Change, pointing into @nodes */
  gboolean    page_start;
  gboolean    page_end;    /* the last chunk of its page; then: */
  char       *cursor;
  gboolean    has_more;
  gint64      head_seq;
  GError     *error;       /* the pipeline ends here */
  guint       status;
  char       *code;
} Fetched;

static Fetched *
fetched_new (gboolean page_start)
{
  Fetched *f = g_new0 (Fetched, 1);

  f->nodes = json_array_sized_new (CHUNK_CHANGES);
  f->changes = g_array_sized_new (FALSE, FALSE, sizeof (Change), CHUNK_CHANGES);
  f->page_start = page_start;
  return f;
}

static void
fetched_free (Fetched *f)
{
  g_clear_pointer (&f->changes, g_array_unref);
  g_clear_pointer (&f->nodes, json_array_unref);
  g_clear_error (&f->error);
  g_free (f->cursor);
  g_free (f->code);
  g_free (f);
}

/* A slot handed to the fetcher without a chunk to free. */
static char empty_slot;

typedef struct
{
  GThread      *thread;
  GAsyncQueue  *pages;      /* Fetched chunks, in feed order */
  GAsyncQueue  *slots;      /* &empty_slot, or an applied Fetched for the fetcher to free */
  GCancellable *cancellable;
  char         *cursor;
  gint64        last_seq;   /* the seq the first page must go on from */
  guint         page_limit;
  char         *base_url;
  char         *ca_file;
  char         *token;
  guint         timeout_s;
  GMainContext *timer_context;
  guint64       wire_in, wire_out, body_in, requests;
  gint64        cpu_us;
} Fetcher;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Waits for a slot; the chunk that comes back with it is freed here, off the applier. */
static void
take_slot (Fetcher *fx)
{
  gpointer slot = g_async_queue_pop (fx->slots);

  if (slot != &empty_slot)
    fetched_free (slot);
}

static void
set_page_error (GError     **error,
                GError      *cause)
{
  g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
               _("A page of the server's change feed is malformed: %s"), cause->message);
}

static gpointer
fetch_thread (gpointer data)
{
  Fetcher *fx = data;
  g_autoptr(QdSyncHttp) http = NULL;
  g_autofree char *cursor = g_strdup (fx->cursor);
  gint64 last_seq = fx->last_seq;
  gint64 cpu_start = thread_cpu_us ();
  GError *error = NULL;

  http = _qd_sync_http_new (fx->base_url, fx->ca_file, fx->timeout_s, &error);
  if (http != NULL)
    {
      _qd_sync_http_set_token (http, fx->token);
      http->timer_context = fx->timer_context;
    }
  for (;;)
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonObject) page = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *path = NULL;
      QdSyncJsonIter iter = { 0, };
      const char *changes_text = NULL;
      const char *next = NULL;
      gboolean has_more = FALSE;
      gint64 head_seq = -1;
      JsonNode *node;
      Fetched *f;
      guint index = 0;

      take_slot (fx);
      f = fetched_new (TRUE);
      if (http == NULL)
        {
          f->error = g_steal_pointer (&error);
          g_async_queue_push (fx->pages, f);
          break;
        }
      if (g_cancellable_set_error_if_cancelled (fx->cancellable, &f->error))
        {
          g_async_queue_push (fx->pages, f);
          break;
        }
      if (cursor != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

          path = g_strdup_printf ("/changes?since=%s&limit=%u", escaped, fx->page_limit);
        }
      else
        path = g_strdup_printf ("/changes?limit=%u", fx->page_limit);
      body = _qd_sync_http_call_raw (http, "GET", path, NULL, 0, &f->status, &f->code,
                                     fx->cancellable, &f->error);
      if (body == NULL)
        {
          g_async_queue_push (fx->pages, f);
          break;
        }
      if (g_bytes_get_size (body) == 0)
        page = json_object_new ();   /* check_header() says what is missing */
      else
        {
          page = _qd_sync_json_parse_page (g_bytes_get_data (body, NULL),
                                           g_bytes_get_size (body), "changes", &changes_text,
                                           &local_error);
          if (page == NULL)
            {
              g_set_error (&f->error, QD_SYNC_ERROR, QD_SYNC_ERROR_PROTOCOL,
                           _("The server's answer to %s %s is malformed: %s"), "GET", path,
                           local_error->message);
              g_async_queue_push (fx->pages, f);
              break;
            }
        }
      if (changes_text != NULL)
        _qd_sync_json_iter_init (&iter, changes_text);
      if (!check_header (page, changes_text == NULL || iter.done, &next, &has_more, &head_seq,
                         &local_error))
        {
          set_page_error (&f->error, local_error);
          _qd_sync_json_iter_clear (&iter);
          g_async_queue_push (fx->pages, f);
          break;
        }

      while (changes_text != NULL && (node = _qd_sync_json_iter_next (&iter)) != NULL)
        {
          Change c;

          if (f->changes->len == CHUNK_CHANGES)
            {
              g_async_queue_push (fx->pages, f);
              take_slot (fx);
              f = fetched_new (FALSE);
              if (g_cancellable_set_error_if_cancelled (fx->cancellable, &f->error))
                {
                  json_node_unref (node);
                  break;
                }
            }
          json_array_add_element (f->nodes, node);
          if (!check_change (node, index++, &last_seq, &c, &local_error))
            {
              set_page_error (&f->error, local_error);
              break;
            }
          g_array_append_val (f->changes, c);
        }
      _qd_sync_json_iter_clear (&iter);
      if (f->error != NULL)
        {
          g_async_queue_push (fx->pages, f);
          break;
        }
      f->page_end = TRUE;
      f->cursor = g_strdup (next);
      f->has_more = has_more;
      f->head_seq = head_seq;
      g_async_queue_push (fx->pages, f);
      if (!has_more)
        break;
      g_free (cursor);
      cursor = g_strdup (next);
    }
  if (http != NULL)
    {
      fx->wire_in = http->wire_bytes_in;
      fx->wire_out = http->wire_bytes_out;
      fx->body_in = http->body_bytes_in;
      fx->requests = http->requests;
    }
  g_clear_pointer (&http, _qd_sync_http_free);
  fx->cpu_us = thread_cpu_us () - cpu_start;
  return NULL;
}

static Fetcher *
fetcher_start (SyncJob      *job,
               QdSyncHttp   *http,
               const char   *cursor,
               gint64        last_seq,
               GCancellable *cancellable)
{
  Fetcher *fx = g_new0 (Fetcher, 1);

  fx->pages = g_async_queue_new ();
  fx->slots = g_async_queue_new ();
  fx->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                           g_object_ref (fx->cancellable), g_object_unref);
  fx->cursor = g_strdup (cursor);
  fx->last_seq = last_seq;
  fx->page_limit = job->page_limit;
  fx->base_url = g_strdup (http->base_url);
  fx->ca_file = g_strdup (job->ca_file);
  fx->token = g_strdup (http->token);
  fx->timeout_s = http->timeout_s;
  fx->timer_context = http->timer_context;
  for (guint i = 0; i < PIPELINE_SLOTS; i++)
    g_async_queue_push (fx->slots, &empty_slot);
  fx->thread = g_thread_new ("qd-sync-fetch", fetch_thread, fx);
  return fx;
}

static void
fetcher_stop (Fetcher    *fx,
              QdSyncHttp *http)
{
  gpointer left;

  if (fx == NULL)
    return;
  g_cancellable_cancel (fx->cancellable);
  /* Wakes a fetcher waiting for a slot; it sees the cancellation and ends. */
  g_async_queue_push (fx->slots, &empty_slot);
  g_thread_join (fx->thread);
  while ((left = g_async_queue_try_pop (fx->slots)) != NULL)
    if (left != &empty_slot)
      fetched_free (left);
  while ((left = g_async_queue_try_pop (fx->pages)) != NULL)
    fetched_free (left);
  http->wire_bytes_in += fx->wire_in;
  http->wire_bytes_out += fx->wire_out;
  http->body_bytes_in += fx->body_in;
  http->requests += fx->requests;
  g_debug ("fetcher: %" G_GUINT64_FORMAT " requests, CPU %.0f ms (HTTP, inflate, parse, "
           "check, free)", fx->requests, fx->cpu_us / 1e3);
  g_async_queue_unref (fx->pages);
  g_async_queue_unref (fx->slots);
  g_object_unref (fx->cancellable);
  g_free (fx->cursor);
  g_free (fx->base_url);
  g_free (fx->ca_file);
  if (fx->token != NULL)
    explicit_bzero (fx->token, strlen (fx->token));
  g_free (fx->token);
  g_free (fx);
}

/* The chunk is freed here and its slot handed back for the next. Here rather than in the
 * fetcher, to balance the two stages: for a manager's initial sync the fetcher (HTTP,
 * inflating, checking the text, building and checking the trees) took 4.2 s of CPU with
 * the teardown of the trees and 2.8 s without, the applier 2.3 s of writing to SQLite. */
static void
return_slot (Fetcher *fx,
             Fetched *f)
{
  fetched_free (f);
  g_async_queue_push (fx->slots, &empty_slot);
}

static gboolean
pull (SyncJob       *job,
      QdStore       *store,
      QdSyncHttp    *http,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autofree char *cursor = qd_store_dup_cursor (store);
  g_autofree char *seq_text = qd_store_dup_meta (store, "feed_seq");
  gint64 last_seq = seq_text != NULL ? g_ascii_strtoll (seq_text, NULL, 10) : -1;
  gint64 page_seq;
  gboolean reset_once = FALSE;
  gboolean in_page = FALSE;
  gboolean ok = TRUE;
  guint page_changes = 0;
  gint64 apply_cpu_us = 0, wait_us = 0;
  Fetcher *fx;

  if (cursor == NULL)
    last_seq = -1;
  page_seq = last_seq;
  fx = fetcher_start (job, http, cursor, last_seq, cancellable);

  for (;;)
    {
      Fetched *f;
      QdEntityKinds changed = QD_ENTITY_KIND_NONE;
      gint64 t0 = g_get_monotonic_time ();
      gint64 c0;
      char buf[32];

      f = g_async_queue_pop (fx->pages);
      wait_us += g_get_monotonic_time () - t0;
      if (f->error != NULL)
        {
          if (in_page)
            qd_store_rollback_page (store);
          in_page = FALSE;
          if (f->status == 410 && !reset_once)
            {
              /* The server no longer keeps changes that old: start over from the
               * beginning. The store keeps local work (pending orders, the outbox). */
              g_debug ("cursor expired (%s): full resync", f->code != NULL ? f->code : "no code");
              fetched_free (f);
              fetcher_stop (fx, http);
              fx = NULL;
              reset_once = TRUE;
              if (!qd_store_reset_feed (store, error))
                {
                  ok = FALSE;
                  break;
                }
              g_clear_pointer (&cursor, g_free);
              last_seq = page_seq = -1;
              post_update (job, UPDATE_CHANGED, 0, 0, 0,
                           QD_ENTITY_KIND_REGION | QD_ENTITY_KIND_DEALER
                           | QD_ENTITY_KIND_PRODUCT | QD_ENTITY_KIND_PRICE
                           | QD_ENTITY_KIND_ORDER | QD_ENTITY_KIND_STOCK_REPORT
                           | QD_ENTITY_KIND_STATEMENT | QD_ENTITY_KIND_PAYMENT
                           | QD_ENTITY_KIND_TARGET | QD_ENTITY_KIND_REBATE_POLICY);
              fx = fetcher_start (job, http, NULL, -1, cancellable);
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&f->error));
          fetched_free (f);
          ok = FALSE;
          break;
        }

      c0 = thread_cpu_us ();
      if (f->page_start)
        {
          if (!qd_store_begin_page (store, error))
            {
              fetched_free (f);
              ok = FALSE;
              break;
            }
          in_page = TRUE;
          page_changes = 0;
        }
      for (guint i = 0; i < f->changes->len && ok; i++)
        {
          Change *c = &g_array_index (f->changes, Change, i);

          if (!qd_store_apply_change (store, c->entity, c->op, c->id, c->data, error))
            {
              /* The store rolled the page back. */
              in_page = FALSE;
              g_prefix_error (error, _("The server sent a change the cache cannot take "
                                       "(%s %s): "), c->entity, c->id);
              ok = FALSE;
            }
        }
      if (ok && f->changes->len > 0)
        page_seq = g_array_index (f->changes, Change, f->changes->len - 1).seq;
      page_changes += f->changes->len;
      if (ok && f->page_end)
        {
          /* The seq of the cursor's page, kept with it, for progress and for checking that
           * the next page goes on from it. */
          g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, page_seq);
          if (!qd_store_set_meta (store, "feed_seq", buf, error))
            {
              qd_store_rollback_page (store);
              ok = FALSE;
            }
          else if (!qd_store_commit_page (store, f->cursor, &changed, error))
            ok = FALSE;
          in_page = FALSE;
        }
      apply_cpu_us += thread_cpu_us () - c0;
      if (!ok)
        {
          fetched_free (f);
          break;
        }
      if (!f->page_end)
        {
          return_slot (fx, f);
          continue;
        }

      last_seq = page_seq;
      job->stats.pages++;
      job->stats.changes += page_changes;
      g_free (cursor);
      cursor = g_strdup (f->cursor);
      /* done/total from the cursor's seq and the feed's head when the server tells it
       * (head_seq); without it the total is unknown (0) until the last page. */
      post_update (job, UPDATE_PROGRESS, 0, MAX (last_seq, 0),
                   !f->has_more ? MAX (last_seq, 0)
                   : f->head_seq > 0 ? MAX (f->head_seq, last_seq) : 0,
                   0);
      if (changed != QD_ENTITY_KIND_NONE)
        post_update (job, UPDATE_CHANGED, 0, 0, 0, changed);
      if (!f->has_more)
        {
          fetched_free (f);
          break;
        }
      return_slot (fx, f);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
    }
  if (in_page)
    qd_store_rollback_page (store);
  fetcher_stop (fx, http);
  g_debug ("pull: %u pages, apply CPU %.0f ms, waited for chunks %.0f ms", job->stats.pages,
           apply_cpu_us / 1e3, wait_us / 1e3);
  return ok;
}

/* Peak and current memory of the process, for the debug log of a sync (the 150 MB bound
 * of the initial sync). */
static void
debug_memory (const char *when)
{
  g_autofree char *status = NULL;
  const char *hwm, *rss;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN)
      || !g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  hwm = strstr (status, "VmHWM:");
  rss = strstr (status, "RssAnon:");
  if (hwm != NULL && rss != NULL)
    g_debug ("memory %s: peak %" G_GINT64_FORMAT " KiB, now %" G_GINT64_FORMAT " KiB "
             "anonymous", when, g_ascii_strtoll (hwm + 6, NULL, 10),
             g_ascii_strtoll (rss + 8, NULL, 10));
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SyncJob *job = task_data;
  QdStore *store;
  g_autoptr(QdSyncHttp) http = NULL;
  g_autofree char *token = NULL;
  GError *error = NULL;
  gboolean ok;
  gint64 due;

  /* The engine keeps the worker's connection between syncs (used by one thread at a time).
   * It skips the whole-file check: whoever made the engine opened the same file first and
   * checks it (qudao-cli when opening, the app after its first frame); a second scan of a
   * cache of a million order lines competed with the app's first frame for nothing. */
  if (job->store == NULL)
    job->store = qd_store_open_full (job->store_path, QD_STORE_OPEN_NO_CHECK, &error);
  store = job->store;
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The keyring is asked once per engine (and again after a 401): a lookup costs a D-Bus
   * round trip, or a key derivation with libsecret's file backend. */
  token = job->token != NULL ? g_strdup (job->token)
                             : qd_credentials_lookup_sync (job->credentials, cancellable, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (token == NULL)
    {
      g_task_return_new_error (task, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED,
                               _("Not logged in to %s; log in to sync."), job->server_url);
      return;
    }
  http = _qd_sync_http_new (job->server_url, job->ca_file, job->timeout_s, &error);
  if (http == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _qd_sync_http_set_token (http, token);
  if (job->token == NULL)
    job->token = g_strdup (token);
  explicit_bzero (token, strlen (token));
  http->timer_context = job->engine->context;

  if (job->retry_now && qd_store_outbox_count (store, QD_OUTBOX_PENDING) > 0
      && !qd_store_outbox_retry_now (store, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  post_update (job, UPDATE_PHASE, QD_SYNC_PHASE_PUSHING, 0, 0, 0);
  /* Nothing due: no claim, no write transaction, no fsync. */
  due = qd_store_outbox_next_due (store);
  if ((due >= 0 && due <= now_ms ()) || qd_store_outbox_count (store, QD_OUTBOX_CLAIMED) > 0)
    ok = push (job, store, http, cancellable, &error);
  else
    ok = TRUE;
  if (ok)
    {
      post_update (job, UPDATE_PHASE, QD_SYNC_PHASE_PULLING, 0, 0, 0);
      ok = pull (job, store, http, cancellable, &error);
    }
  if (ok)
    {
      gint64 t0 = g_get_monotonic_time ();

      debug_memory ("after the pull");
#ifdef __GLIBC__
      /* The pull's trees were freed, but glibc keeps the threads' heaps for reuse: hand
       * the free pages back to the system before the end of a bulk fill needs tens of
       * MiB of its own, and for the app, which lives on after the sync. */
      if (job->stats.changes > 0)
        malloc_trim (0);
#endif
      ok = qd_store_set_last_sync (store, now_ms (), &error);
      debug_memory ("after the last-sync time (and the end of a bulk fill)");
      g_debug ("last-sync time recorded in %.0f ms", (g_get_monotonic_time () - t0) / 1e3);
    }

  job->stats.wire_bytes_in = http->wire_bytes_in;
  job->stats.wire_bytes_out = http->wire_bytes_out;
  job->stats.body_bytes_in = http->body_bytes_in;
  job->stats.requests = http->requests;

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* ---- the main-thread side ---------------------------------------------------------------- */

static void
set_last_error (QdSyncEngine *self,
                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
forget_token (QdSyncEngine *self)
{
  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
}

/* The worker's task has no source object and its job lets go of the engine here, in the
 * engine's thread: the task itself is released by the worker thread a moment later, and the
 * engine must never be finalized there. */
static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QdSyncEngine) self = user_data;
  SyncJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);
  g_clear_object (&job->engine);
  self->worker_store = g_steal_pointer (&job->store);
  self->stats = job->stats;
  forget_token (self);
  /* A refused token is looked up again next time: the user may have logged in anew. */
  if (!g_error_matches (error, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED))
    self->token = g_strdup (job->token);
  g_clear_object (&self->running);
  g_clear_object (&self->running_cancellable);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);

  g_object_freeze_notify (G_OBJECT (self));
  qd_sync_engine_refresh_counts (self);
  if (ok)
    {
      self->failures = 0;
      set_last_error (self, NULL);
      set_phase (self, QD_SYNC_PHASE_IDLE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_phase (self, QD_SYNC_PHASE_IDLE);
  else
    {
      self->failures++;
      set_last_error (self, error->message);
      if (g_error_matches (error, QD_SYNC_ERROR, QD_SYNC_ERROR_AUTH_REQUIRED))
        set_phase (self, QD_SYNC_PHASE_AUTH_REQUIRED);
      else if (g_error_matches (error, QD_SYNC_ERROR, QD_SYNC_ERROR_OFFLINE))
        set_phase (self, QD_SYNC_PHASE_OFFLINE);
      else
        set_phase (self, QD_SYNC_PHASE_ERROR);
    }
  g_object_thaw_notify (G_OBJECT (self));

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);
      QdSyncStats *stats = g_new (QdSyncStats, 1);

      *stats = job->stats;
      g_task_set_task_data (waiter, stats, g_free);
      if (ok)
        g_task_return_boolean (waiter, TRUE);
      else
        g_task_return_error (waiter, g_error_copy (error));
    }

  if (self->again && self->auto_sync)
    {
      self->again = FALSE;
      start_sync (self, FALSE);
    }
  else
    schedule_retry (self);
}

static void
start_sync (QdSyncEngine *self,
            gboolean      user_asked)
{
  SyncJob *job;

  g_assert (self->running == NULL);

  job = g_new0 (SyncJob, 1);
  job->engine = g_object_ref (self);
  job->store_path = g_strdup (qd_store_get_path (self->store));
  job->server_url = g_strdup (self->server_url);
  job->ca_file = g_strdup (self->ca_file);
  job->owner = g_strdup (self->owner);
  job->credentials = g_object_ref (self->credentials);
  job->timeout_s = self->timeout_s;
  job->page_limit = self->page_limit;
  job->batch_size = self->batch_size;
  job->retry_now = user_asked;
  job->token = g_strdup (self->token);
  job->store = g_steal_pointer (&self->worker_store);
  /* The lease must outlive the longest request, or a second process could take the rows
   * back while their batch is in flight (it would only cost a duplicate answer, but the
   * lease exists to avoid that). A holder that crashed on this machine does not block
   * others this long: the lease names its process, and the store takes over from a
   * process that is gone (qd-store-outbox.c). */
  job->lease_ms = (gint64) self->timeout_s * 3 * 1000;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->running_cancellable = g_cancellable_new ();
  self->running = g_task_new (NULL, self->running_cancellable, sync_done_cb,
                              g_object_ref (self));
  g_task_set_source_tag (self->running, start_sync);
  g_task_set_task_data (self->running, job, (GDestroyNotify) sync_job_free);
  set_phase (self, QD_SYNC_PHASE_PUSHING);
  g_task_run_in_thread (self->running, sync_thread);
}

static gboolean
retry_cb (gpointer data)
{
  QdSyncEngine *self = data;

  self->retry_source = 0;
  if (self->running == NULL)
    start_sync (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* With auto-sync on, the engine comes back by itself: after a failure with exponential
 * backoff, and when a waiting mutation's own backoff ends — whether or not new work
 * arrives in between. */
static void
schedule_retry (QdSyncEngine *self)
{
  gint64 delay = -1;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (!self->auto_sync || self->phase == QD_SYNC_PHASE_AUTH_REQUIRED)
    return;

  if (self->failures > 0)
    delay = backoff_ms (self->failures - 1);
  else
    {
      gint64 due = qd_store_outbox_next_due (self->store);

      if (due > 0)
        delay = MAX (0, due - now_ms ());
    }
  if (delay < 0)
    return;
  self->retry_source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MIN (delay, G_MAXUINT),
                                           retry_cb, self, NULL);
}

static void
trigger (QdSyncEngine *self)
{
  if (self->running != NULL)
    self->again = TRUE;
  else
    start_sync (self, FALSE);
}

static gboolean
interval_cb (gpointer data)
{
  trigger (data);
  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    QdSyncEngine    *self)
{
  if (!available)
    {
      if (self->running == NULL)
        set_phase (self, QD_SYNC_PHASE_OFFLINE);
      return;
    }
  /* Back online: whatever waits for its backoff goes now. */
  self->failures = 0;
  trigger (self);
}

static void
update_triggers (QdSyncEngine *self)
{
  g_clear_handle_id (&self->interval_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_signal_handler (&self->monitor_handler, self->monitor);

  if (!self->auto_sync)
    return;
  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->monitor_handler = g_signal_connect (self->monitor, "network-changed",
                                            G_CALLBACK (network_changed_cb), self);
  if (self->interval_s > 0)
    self->interval_source = g_timeout_add_seconds (self->interval_s, interval_cb, self);
  trigger (self);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
qd_sync_engine_dispose (GObject *object)
{
  QdSyncEngine *self = QD_SYNC_ENGINE (object);

  g_clear_handle_id (&self->interval_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_signal_handler (&self->monitor_handler, self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (qd_sync_engine_parent_class)->dispose (object);
}

static void
qd_sync_engine_finalize (GObject *object)
{
  QdSyncEngine *self = QD_SYNC_ENGINE (object);

  /* A running task holds a reference to the engine, so none can be running here. */
  g_assert (self->running == NULL);
  g_clear_object (&self->store);
  g_clear_object (&self->credentials);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->owner, g_free);
  forget_token (self);
  g_clear_object (&self->worker_store);
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (qd_sync_engine_parent_class)->finalize (object);
}

static void
qd_sync_engine_constructed (GObject *object)
{
  QdSyncEngine *self = QD_SYNC_ENGINE (object);

  G_OBJECT_CLASS (qd_sync_engine_parent_class)->constructed (object);
  g_assert (self->store != NULL);
  g_assert (self->server_url != NULL);
  g_assert (self->credentials != NULL);
  qd_sync_engine_refresh_counts (self);
}

static void
qd_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QdSyncEngine *self = QD_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, qd_sync_engine_get_progress (self));
      break;
    case PROP_PROGRESS_DONE:
      g_value_set_int64 (value, self->progress_done);
      break;
    case PROP_PROGRESS_TOTAL:
      g_value_set_int64 (value, self->progress_total);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, self->pending_count);
      break;
    case PROP_REJECTED_COUNT:
      g_value_set_uint (value, self->rejected_count);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_AUTO_SYNC:
      g_value_set_boolean (value, self->auto_sync);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_s);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_s);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_sync_engine_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  QdSyncEngine *self = QD_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SERVER_URL:
      self->server_url = g_value_dup_string (value);
      break;
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;
    case PROP_AUTO_SYNC:
      qd_sync_engine_set_auto_sync (self, g_value_get_boolean (value));
      break;
    case PROP_INTERVAL:
      qd_sync_engine_set_interval (self, g_value_get_uint (value));
      break;
    case PROP_CA_FILE:
      qd_sync_engine_set_ca_file (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      qd_sync_engine_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_NETWORK_MONITOR:
      /* Construct-only, before any trigger was set up; NULL: the system's default. */
      g_set_object (&self->monitor, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_sync_engine_class_init (QdSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = qd_sync_engine_dispose;
  object_class->finalize = qd_sync_engine_finalize;
  object_class->constructed = qd_sync_engine_constructed;
  object_class->get_property = qd_sync_engine_get_property;
  object_class->set_property = qd_sync_engine_set_property;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, QD_TYPE_STORE, co);
  properties[PROP_SERVER_URL] = g_param_spec_string ("server-url", NULL, NULL, NULL, co);
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL, QD_TYPE_CREDENTIALS, co);
  properties[PROP_PHASE] = g_param_spec_enum ("phase", NULL, NULL, QD_TYPE_SYNC_PHASE,
                                              QD_SYNC_PHASE_IDLE, ro);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, ro);
  properties[PROP_PROGRESS_DONE] =
    g_param_spec_int64 ("progress-done", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_PROGRESS_TOTAL] =
    g_param_spec_int64 ("progress-total", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_REJECTED_COUNT] =
    g_param_spec_uint ("rejected-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LAST_SYNC] =
    g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_AUTO_SYNC] = g_param_spec_boolean ("auto-sync", NULL, NULL, FALSE, rw);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 0, 24 * 3600, DEFAULT_INTERVAL_S, rw);
  properties[PROP_CA_FILE] = g_param_spec_string ("ca-file", NULL, NULL, NULL, rw);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 3600, DEFAULT_TIMEOUT_S, rw);
  /**
   * QdSyncEngine:network-monitor:
   *
   * Where the engine learns that the network came back (a sync starts then, with
   * auto-sync on). Defaults to g_network_monitor_get_default(); tests give their own.
   */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR, co);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QdSyncEngine::entities-changed:
   * @kinds: the #QdEntityKinds that changed (%QD_ENTITY_KIND_OUTBOX for the outbox)
   *
   * Emitted after each applied feed page and each batch of mutation results.
   */
  signals[SIGNAL_ENTITIES_CHANGED] =
    g_signal_new ("entities-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
qd_sync_engine_init (QdSyncEngine *self)
{
  self->owner = qd_uuid_new ();
  self->context = g_main_context_ref_thread_default ();
  self->timeout_s = DEFAULT_TIMEOUT_S;
  self->page_limit = DEFAULT_PAGE;
  self->batch_size = MAX_BATCH;
  self->interval_s = DEFAULT_INTERVAL_S;
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  if (g_getenv ("QUDAO_SYNC_BATCH") != NULL)
    self->batch_size = CLAMP (g_ascii_strtoull (g_getenv ("QUDAO_SYNC_BATCH"), NULL, 10), 1,
                              MAX_BATCH);
  if (g_getenv ("QUDAO_SYNC_PAGE") != NULL)
    self->page_limit = CLAMP (g_ascii_strtoull (g_getenv ("QUDAO_SYNC_PAGE"), NULL, 10), 1,
                              MAX_PAGE);
}

QdSyncEngine *
qd_sync_engine_new (QdStore       *store,
                    const char    *server_url,
                    QdCredentials *credentials)
{
  g_return_val_if_fail (QD_IS_STORE (store), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (QD_IS_CREDENTIALS (credentials), NULL);

  return g_object_new (QD_TYPE_SYNC_ENGINE,
                       "store", store,
                       "server-url", server_url,
                       "credentials", credentials,
                       NULL);
}

QdStore *
qd_sync_engine_get_store (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), NULL);
  return self->store;
}

QdSyncPhase
qd_sync_engine_get_phase (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), QD_SYNC_PHASE_IDLE);
  return self->phase;
}

gint64
qd_sync_engine_get_progress_done (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), 0);
  return self->progress_done;
}

gint64
qd_sync_engine_get_progress_total (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), 0);
  return self->progress_total;
}

double
qd_sync_engine_get_progress (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), 0.0);
  if (self->progress_total <= 0)
    return 0.0;
  return CLAMP ((double) self->progress_done / (double) self->progress_total, 0.0, 1.0);
}

guint
qd_sync_engine_get_pending_count (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), 0);
  return self->pending_count;
}

guint
qd_sync_engine_get_rejected_count (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), 0);
  return self->rejected_count;
}

GDateTime *
qd_sync_engine_get_last_sync (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), NULL);
  return self->last_sync;
}

const char *
qd_sync_engine_get_last_error (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

void
qd_sync_engine_get_stats (QdSyncEngine *self,
                          QdSyncStats  *out_stats)
{
  g_return_if_fail (QD_IS_SYNC_ENGINE (self));
  g_return_if_fail (out_stats != NULL);
  *out_stats = self->stats;
}

gboolean
qd_sync_engine_get_auto_sync (QdSyncEngine *self)
{
  g_return_val_if_fail (QD_IS_SYNC_ENGINE (self), FALSE);
  return self->auto_sync;
}

void
qd_sync_engine_set_auto_sync (QdSyncEngine *self,
                              gboolean      auto_sync)
{
  g_return_if_fail (QD_IS_SYNC_ENGINE (self));

  auto_sync = !!auto_sync;
  if (self->auto_sync == auto_sync)
    return;
  self->auto_sync = auto_sync;
  update_triggers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_SYNC]);
}

void
qd_sync_engine_set_interval (QdSyncEngine *self,
                             guint         seconds)
{
  g_return_if_fail (QD_IS_SYNC_ENGINE (self));

  if (self->interval_s == seconds)
    return;
  self->interval_s = seconds;
  g_clear_handle_id (&self->interval_source, g_source_remove);
  if (self->auto_sync && seconds > 0)
    self->interval_source = g_timeout_add_seconds (seconds, interval_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

void
qd_sync_engine_set_ca_file (QdSyncEngine *self,
                            const char   *ca_file)
{
  g_return_if_fail (QD_IS_SYNC_ENGINE (self));

  if (g_strcmp0 (self->ca_file, ca_file) == 0)
    return;
  g_free (self->ca_file);
  self->ca_file = g_strdup (ca_file);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
}

void
qd_sync_engine_set_timeout (QdSyncEngine *self,
                            guint         seconds)
{
  g_return_if_fail (QD_IS_SYNC_ENGINE (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout_s == seconds)
    return;
  self->timeout_s = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
qd_sync_engine_set_page_limit (QdSyncEngine *self,
                               guint         limit)
{
  g_return_if_fail (QD_IS_SYNC_ENGINE (self));
  self->page_limit = CLAMP (limit, 1, MAX_PAGE);
}

void
qd_sync_engine_set_batch_size (QdSyncEngine *self,
                               guint         size)
{
  g_return_if_fail (QD_IS_SYNC_ENGINE (self));
  self->batch_size = CLAMP (size, 1, MAX_BATCH);
}

void
qd_sync_engine_refresh_counts (QdSyncEngine *self)
{
  guint pending;
  guint rejected;
  gint64 last;

  g_return_if_fail (QD_IS_SYNC_ENGINE (self));

  /* Claimed rows are pending from the user's point of view: not yet on the server. */
  pending = qd_store_outbox_count (self->store, QD_OUTBOX_PENDING)
            + qd_store_outbox_count (self->store, QD_OUTBOX_CLAIMED);
  rejected = qd_store_outbox_count (self->store, QD_OUTBOX_REJECTED);
  last = qd_store_get_last_sync (self->store);

  g_object_freeze_notify (G_OBJECT (self));
  if (pending != self->pending_count)
    {
      self->pending_count = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
    }
  if (rejected != self->rejected_count)
    {
      self->rejected_count = rejected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECTED_COUNT]);
    }
  if (last > 0 && last != self->last_sync_ms)
    {
      g_autoptr(GDateTime) secs = g_date_time_new_from_unix_utc (last / 1000);

      self->last_sync_ms = last;
      g_clear_pointer (&self->last_sync, g_date_time_unref);
      self->last_sync = g_date_time_add (secs, (last % 1000) * 1000);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}


void
qd_sync_engine_sync_async (QdSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QD_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_sync_engine_sync_async);
  /* The caller's cancellable cancels the sync under way; a sync shared with other
   * callers is cancelled too, which they see as a cancelled sync (and it resumes from
   * where it stopped next time). */
  g_ptr_array_add (self->waiters, g_object_ref (task));
  if (self->running == NULL)
    start_sync (self, TRUE);
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                           g_object_ref (self->running_cancellable), g_object_unref);
}

gboolean
qd_sync_engine_sync_finish (QdSyncEngine  *self,
                            GAsyncResult  *result,
                            QdSyncStats   *out_stats,
                            GError       **error)
{
  QdSyncStats *stats;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  stats = g_task_get_task_data (G_TASK (result));
  if (out_stats != NULL)
    {
      if (stats != NULL)
        *out_stats = *stats;
      else
        memset (out_stats, 0, sizeof *out_stats);
    }
  return g_task_propagate_boolean (G_TASK (result), error);
}
