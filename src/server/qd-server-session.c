/* qd-server-session.c — /health, /session, /me, token checks and login throttling
 *
 * Tokens are 256 random bits handed to the client once; the server keeps only their
 * SHA-256. Sessions checked recently are cached in memory (main thread, a few seconds):
 * a client polling the feed is authenticated without a database read. DELETE /session and
 * admin writes drop cached entries once they committed; a change by another process (the
 * offline `user disable`) is seen within SESSION_CACHE_SECONDS. Passwords are verified with Argon2id (libsodium) in the reader pool, never on
 * the main loop. Failed logins are counted per user name and per address; past a few, the
 * server answers 429 with Retry-After *before* hashing anything, so a storm costs nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-private.h"

#include <sodium.h>
#include <string.h>

#include "qd-json.h"

/* ---------------------------------------------------------------------------------- */
/* Throttling (main thread only)                                                        */

#define THROTTLE_WINDOW_SECONDS   (15 * 60)
#define THROTTLE_USER_FREE        5    /* failures per user name before back-off */
#define THROTTLE_ADDRESS_FREE     20   /* failures per address (offices share one) */
#define THROTTLE_MAX_DELAY        (15 * 60)
#define THROTTLE_MAX_ENTRIES      100000

typedef struct
{
  guint  failures;
  gint64 last_failure;  /* monotonic seconds */
} Strikes;

struct _QdThrottle
{
  GHashTable *strikes;  /* "u:name" / "a:address" → Strikes */
};

QdThrottle *
qd_throttle_new (void)
{
  QdThrottle *t = g_new0 (QdThrottle, 1);

  t->strikes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return t;
}

void
qd_throttle_free (QdThrottle *throttle)
{
  if (throttle == NULL)
    return;
  g_hash_table_unref (throttle->strikes);
  g_free (throttle);
}

static gint64
now_seconds (void)
{
  return g_get_monotonic_time () / G_USEC_PER_SEC;
}

/* Seconds the key must still wait, 0 when it may try. */
static gint64
throttle_wait (QdThrottle *t,
               const char *key,
               guint       free_failures,
               gint64      base)
{
  Strikes *s = g_hash_table_lookup (t->strikes, key);
  gint64 now = now_seconds ();
  gint64 delay;

  if (s == NULL)
    return 0;
  if (now - s->last_failure > THROTTLE_WINDOW_SECONDS)
    {
      g_hash_table_remove (t->strikes, key);
      return 0;
    }
  if (s->failures < free_failures)
    return 0;
  /* Exponential back-off: 1 s, 2 s, 4 s … after the free failures, capped. */
  delay = base << MIN (s->failures - free_failures, 10);
  delay = MIN (delay, THROTTLE_MAX_DELAY);
  return MAX (0, s->last_failure + delay - now);
}

static void
throttle_fail (QdThrottle *t,
               const char *key)
{
  Strikes *s = g_hash_table_lookup (t->strikes, key);

  if (s == NULL)
    {
      if (g_hash_table_size (t->strikes) >= THROTTLE_MAX_ENTRIES)
        g_hash_table_remove_all (t->strikes);
      s = g_new0 (Strikes, 1);
      g_hash_table_insert (t->strikes, g_strdup (key), s);
    }
  s->failures++;
  s->last_failure = now_seconds ();
}

/* ---------------------------------------------------------------------------------- */
/* Session cache (main thread only)                                                     */

#define SESSION_CACHE_SECONDS     5
#define SESSION_CACHE_MAX_ENTRIES 10000

typedef struct
{
  QdServerUser *user;
  gint64        expires_at;  /* Unix seconds, as stored (or as just renewed) */
  gint64        checked_at;  /* monotonic seconds of the database read */
} CachedSession;

struct _QdSessionCache
{
  GHashTable *entries;  /* GBytes (token hash) → CachedSession */
};

static void
cached_session_free (CachedSession *c)
{
  qd_server_user_free (c->user);
  g_free (c);
}

QdSessionCache *
qd_session_cache_new (void)
{
  QdSessionCache *cache = g_new0 (QdSessionCache, 1);

  cache->entries = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                          (GDestroyNotify) g_bytes_unref,
                                          (GDestroyNotify) cached_session_free);
  return cache;
}

void
qd_session_cache_free (QdSessionCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->entries);
  g_free (cache);
}

void
qd_server_forget_sessions (QdServer *server)
{
  g_hash_table_remove_all (server->sessions->entries);
}

static void
forget_session (QdServer     *server,
                const guint8  hash[32])
{
  g_autoptr(GBytes) key = g_bytes_new (hash, 32);

  g_hash_table_remove (server->sessions->entries, key);
}

/* The user of a session (a copy) and its expiry, from the cache or the database. */
static QdServerUser *
find_session (QdServer      *server,
              const guint8   hash[32],
              gint64        *out_expires_at,
              GError       **error)
{
  g_autoptr(GBytes) key = g_bytes_new (hash, 32);
  CachedSession *c = g_hash_table_lookup (server->sessions->entries, key);
  gint64 now = now_seconds ();
  QdServerUser *user;

  if (c != NULL && now - c->checked_at < SESSION_CACHE_SECONDS)
    {
      *out_expires_at = c->expires_at;
      return qd_server_user_copy (c->user);
    }

  user = qd_server_storage_find_session (server->storage, hash, 32, out_expires_at, error);
  if (user == NULL)
    {
      g_hash_table_remove (server->sessions->entries, key);
      return NULL;
    }
  if (g_hash_table_size (server->sessions->entries) >= SESSION_CACHE_MAX_ENTRIES)
    g_hash_table_remove_all (server->sessions->entries);
  c = g_new0 (CachedSession, 1);
  c->user = qd_server_user_copy (user);
  c->expires_at = *out_expires_at;
  c->checked_at = now;
  g_hash_table_replace (server->sessions->entries, g_steal_pointer (&key), c);
  return user;
}

/* A renewal was sent to the writer: no need to send another one for every request until
 * the cached entry is read again. */
static void
renewed_session (QdServer     *server,
                 const guint8  hash[32],
                 gint64        expires_at)
{
  g_autoptr(GBytes) key = g_bytes_new (hash, 32);
  CachedSession *c = g_hash_table_lookup (server->sessions->entries, key);

  if (c != NULL)
    c->expires_at = MAX (c->expires_at, expires_at);
}

/* ---------------------------------------------------------------------------------- */
/* Tokens                                                                               */

static void
token_hash (const char *token,
            guint8      out[32])
{
  gsize len = 32;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) token, strlen (token));
  g_checksum_get_digest (sum, out, &len);
}

static char *
token_new (void)
{
  guint8 raw[32];
  char text[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (raw, sizeof raw);
  sodium_bin2base64 (text, sizeof text, raw, sizeof raw,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (raw, sizeof raw);
  return g_strdup (text);
}

static char *
rfc3339_from_unix (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

typedef struct
{
  guint8 hash[32];
  gint64 expires_at;
} Touch;

static gboolean
touch_write (QdServerRequest  *req,
             QdServerTxn      *txn,
             GError          **error)
{
  Touch *t = req->data;

  return qd_server_txn_touch_session (txn, t->hash, sizeof t->hash, t->expires_at, error);
}

gboolean
qd_server_authenticate (QdServerRequest *req,
                        const char      *authorization)
{
  g_autoptr(GError) error = NULL;
  guint8 hash[32];
  gint64 expires_at = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 ttl = req->server->options.token_ttl_seconds;
  QdServerUser *user;

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") ||
      authorization[7] == '\0')
    {
      qd_server_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized", NULL,
                             "This request needs an “Authorization: Bearer TOKEN” header.");
      return FALSE;
    }

  token_hash (authorization + 7, hash);
  user = find_session (req->server, hash, &expires_at, &error);
  if (user == NULL)
    {
      if (g_error_matches (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND))
        qd_server_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "invalid_token", NULL,
                               "The token is unknown or was revoked; log in again.");
      else
        qd_server_reply_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "storage_unavailable",
                               NULL, "The server cannot read sessions right now.");
      return FALSE;
    }
  if (expires_at <= now)
    {
      qd_server_user_free (user);
      qd_server_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "token_expired", NULL,
                             "The session expired; log in again.");
      return FALSE;
    }

  /* Sliding expiry, written at most about once a minute per session. */
  if (now + ttl - expires_at > MIN (60, ttl / 2))
    {
      Touch *t = g_new0 (Touch, 1);

      memcpy (t->hash, hash, sizeof hash);
      t->expires_at = now + ttl;
      renewed_session (req->server, hash, t->expires_at);
      qd_server_post_write (req->server, touch_write, t, g_free);
    }

  req->user = user;
  return TRUE;
}

/* ---------------------------------------------------------------------------------- */
/* Routes                                                                               */

void
qd_server_handle_health (QdServerRequest *req)
{
  qd_server_reply_json (req, SOUP_STATUS_OK,
                        "{\"status\":\"ok\",\"version\":\"" PACKAGE_VERSION "\",\"api\":1}");
}

void
qd_server_handle_me (QdServerRequest *req)
{
  g_autoptr(JsonNode) node = qd_server_user_to_json (req->user);

  qd_server_reply_node (req, SOUP_STATUS_OK, node);
}

typedef struct
{
  char         *username;
  char         *password;
  char         *device;
  QdServerUser *user;       /* set when the password matched */
  gboolean      disabled;
  char         *token;
  guint8        hash[32];
  gint64        expires_at;
} Login;

static void
login_free (Login *l)
{
  g_free (l->username);
  if (l->password != NULL)
    {
      sodium_memzero (l->password, strlen (l->password));
      g_free (l->password);
    }
  g_free (l->device);
  g_clear_pointer (&l->user, qd_server_user_free);
  if (l->token != NULL)
    {
      sodium_memzero (l->token, strlen (l->token));
      g_free (l->token);
    }
  g_free (l);
}

/* A hash to verify against when the user does not exist, so that the answer takes as
 * long as for a wrong password and does not tell which user names exist. */
static char *
dummy_hash (void)
{
  static gsize hash;

  if (g_once_init_enter (&hash))
    {
      char *h = g_malloc (crypto_pwhash_STRBYTES);

      if (crypto_pwhash_str (h, "qudao-no-such-user", strlen ("qudao-no-such-user"),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        h[0] = '\0';
      g_once_init_leave (&hash, (gsize) h);
    }
  return (char *) hash;
}

static void
login_verify (QdServerRequest *req)
{
  Login *l = req->data;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(QdServerUser) user = NULL;
  gboolean disabled = FALSE;
  gboolean ok;

  user = qd_server_storage_find_user (req->storage, l->username, &stored, &disabled, &error);
  if (user == NULL && !g_error_matches (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND))
    {
      req->failure = g_steal_pointer (&error);
      return;
    }
  ok = crypto_pwhash_str_verify (stored != NULL ? stored : dummy_hash (),
                                 l->password, strlen (l->password)) == 0;
  if (ok && user != NULL && !disabled)
    l->user = g_steal_pointer (&user);
}

static gboolean
login_audit_write (QdServerRequest  *req,
                   QdServerTxn      *txn,
                   GError          **error)
{
  Login *l = req->data;

  return qd_server_txn_audit (txn, NULL, l->username, req->address, "login_failed", NULL,
                              NULL, NULL, NULL, error);
}

static gboolean
login_write (QdServerRequest  *req,
             QdServerTxn      *txn,
             GError          **error)
{
  Login *l = req->data;

  return qd_server_txn_create_session (txn, l->hash, sizeof l->hash, l->user->id, l->device,
                                       l->expires_at, error) &&
         qd_server_txn_audit (txn, l->user->id, l->user->username, req->address, "login",
                              NULL, NULL, NULL, l->device, error);
}

static void
login_written (QdServerRequest *req)
{
  Login *l = req->data;
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *expires = rfc3339_from_unix (l->expires_at);

  json_object_set_string_member (o, "token", l->token);
  json_object_set_string_member (o, "expires_at", expires);
  json_object_set_member (o, "user", qd_server_user_to_json (l->user));
  json_node_set_object (root, o);
  qd_server_reply_node (req, SOUP_STATUS_OK, root);
}

static void
login_verified (QdServerRequest *req)
{
  Login *l = req->data;
  QdThrottle *t = req->server->throttle;
  g_autofree char *ukey = g_strconcat ("u:", l->username, NULL);

  if (l->user == NULL)
    {
      Login *audit = g_new0 (Login, 1);

      throttle_fail (t, ukey);
      {
        g_autofree char *akey = g_strconcat ("a:", req->address ? req->address : "", NULL);

        throttle_fail (t, akey);
      }
      audit->username = g_strdup (l->username);
      qd_server_post_write (req->server, login_audit_write, audit, (GDestroyNotify) login_free);
      qd_server_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "bad_credentials", NULL,
                             "The user name or the password is wrong.");
      return;
    }

  g_hash_table_remove (t->strikes, ukey);
  l->token = token_new ();
  token_hash (l->token, l->hash);
  l->expires_at = g_get_real_time () / G_USEC_PER_SEC + req->server->options.token_ttl_seconds;
  qd_server_run_write (req, login_write, login_written);
}

void
qd_server_handle_login (QdServerRequest *req)
{
  g_autoptr(JsonObject) body = qd_server_body_object (req);
  g_autoptr(GError) error = NULL;
  static const char * const allowed[] = { "username", "password", "device", NULL };
  const char *username = NULL, *password = NULL, *device = NULL;
  g_autofree char *ukey = NULL;
  g_autofree char *akey = NULL;
  gint64 wait;
  Login *l;

  if (body == NULL)
    return;
  if (!qd_json_check_members (body, allowed, &error) ||
      !qd_json_read_string (body, "username", QD_JSON_REQUIRED, &username, &error) ||
      !qd_json_read_string (body, "password", QD_JSON_REQUIRED, &password, &error) ||
      !qd_json_read_string (body, "device", QD_JSON_OPTIONAL, &device, &error))
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL, "%s",
                             error->message);
      return;
    }
  if (username[0] == '\0' || strlen (username) > 200 || strlen (password) > 1024)
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                             "username must be 1–200 bytes and password at most 1024.");
      return;
    }

  ukey = g_strconcat ("u:", username, NULL);
  akey = g_strconcat ("a:", req->address ? req->address : "", NULL);
  wait = MAX (throttle_wait (req->server->throttle, ukey, THROTTLE_USER_FREE,
                             req->server->options.login_backoff_seconds),
              throttle_wait (req->server->throttle, akey, THROTTLE_ADDRESS_FREE,
                             req->server->options.login_backoff_seconds));
  if (wait > 0)
    {
      req->retry_after = g_strdup_printf ("%" G_GINT64_FORMAT, wait);
      qd_server_reply_error (req, 429, "too_many_attempts", NULL,
                             "Too many failed logins; retry in %" G_GINT64_FORMAT " s.", wait);
      return;
    }

  l = g_new0 (Login, 1);
  l->username = g_strdup (username);
  l->password = g_strdup (password);
  l->device = g_strdup (device);
  qd_server_set_data (req, l, (GDestroyNotify) login_free);
  qd_server_run_read (req, login_verify, login_verified);
}

static gboolean
logout_write (QdServerRequest  *req,
              QdServerTxn      *txn,
              GError          **error)
{
  guint8 *hash = req->data;

  return qd_server_txn_delete_session (txn, hash, 32, error) &&
         qd_server_txn_audit (txn, req->user->id, req->user->username, req->address,
                              "logout", NULL, NULL, NULL, NULL, error);
}

static void
logout_written (QdServerRequest *req)
{
  /* Now that the session is gone from the database, no lookup can cache it again. */
  forget_session (req->server, req->data);
  qd_server_reply_json (req, SOUP_STATUS_NO_CONTENT, NULL);
}

void
qd_server_handle_logout (QdServerRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  guint8 *hash = g_malloc (32);

  /* authenticate() accepted it, so it is "Bearer TOKEN". */
  token_hash (authorization + 7, hash);
  forget_session (req->server, hash);
  qd_server_set_data (req, hash, g_free);
  qd_server_run_write (req, logout_write, logout_written);
}
