/* qd-store.c — opening the cache: path, pragmas, corruption check, migrations, metadata
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "qd-store-private.h"
#include "qd-store-resources.h"

/* How long a connection waits for another process's write transaction before failing. */
#define BUSY_TIMEOUT_MS 5000

G_DEFINE_QUARK (qd-store-error-quark, qd_store_error)

G_DEFINE_FINAL_TYPE (QdStore, qd_store, G_TYPE_OBJECT)

static const char *const migrations[] = {
  "/io/github/qudao/store/migrations/0001-initial.sql",
  "/io/github/qudao/store/migrations/0002-search.sql",
  "/io/github/qudao/store/migrations/0003-short-search.sql",
  "/io/github/qudao/store/migrations/0004-dashboard.sql",
  "/io/github/qudao/store/migrations/0005-order-history.sql",
  "/io/github/qudao/store/migrations/0006-local-audit.sql",
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == QD_STORE_SCHEMA_VERSION);

static const char *const entity_names[] = {
  "region", "dealer", "product", "price", "order", "stock_report", "statement", "payment",
  "target", "rebate_policy", "outbox",
};

QdEntityKinds
qd_entity_kind_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, QD_ENTITY_KIND_NONE);

  /* "outbox" is ours, never a feed entity. */
  for (guint i = 0; i < G_N_ELEMENTS (entity_names) - 1; i++)
    if (strcmp (name, entity_names[i]) == 0)
      return 1 << i;
  return QD_ENTITY_KIND_NONE;
}

const char *
qd_entity_kind_to_name (QdEntityKinds kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (entity_names); i++)
    if (kind == (QdEntityKinds) (1 << i))
      return entity_names[i];
  return NULL;
}

static void
qd_store_finalize (GObject *object)
{
  QdStore *self = QD_STORE (object);

  /* Statements must be finalized before the connection can close. */
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    {
      if (self->in_page)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->bulk_mark, g_free);

  G_OBJECT_CLASS (qd_store_parent_class)->finalize (object);
}

static void
qd_store_class_init (QdStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_store_finalize;
}

static void
qd_store_init (QdStore *self)
{
  self->stmts = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sqlite3_finalize);
}

sqlite3 *
_qd_store_get_db (QdStore *self)
{
  return self->db;
}

/* Maps an SQLite result code to a QD_STORE_ERROR. Returns FALSE so callers can
 * `return _qd_store_db_error (…)`. */
gboolean
_qd_store_db_error (QdStore  *self,
                    int       rc,
                    GError  **error)
{
  const char *detail = self != NULL && self->db != NULL ? sqlite3_errmsg (self->db)
                                                        : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_FULL,
                   _("The disk is full, so nothing was saved. Free some disk space and try again."));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_BUSY,
                   _("The local data is in use by another Qudao program; try again in a moment."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT,
                   _("The local data file is damaged (%s)."), detail);
      break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_IO,
                   _("The local data file cannot be read or written (%s)."), detail);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The data breaks a rule of the local cache (%s)."), detail);
      break;
    default:
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_FAILED,
                   _("Local data error: %s"), detail);
      break;
    }
  return FALSE;
}

sqlite3_stmt *
_qd_store_stmt (QdStore     *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

static int
cancelled_cb (void *cancellable)
{
  return g_cancellable_is_cancelled (cancellable);
}

/* Until called again with %NULL, a statement of this connection stops with SQLITE_INTERRUPT
 * soon after @cancellable is cancelled (from any thread): a worker's long search that a
 * newer one made useless. The caller keeps @cancellable alive meanwhile. */
void
_qd_store_set_cancellable (QdStore      *self,
                           GCancellable *cancellable)
{
  if (cancellable != NULL)
    sqlite3_progress_handler (self->db, 1000, cancelled_cb, cancellable);
  else
    sqlite3_progress_handler (self->db, 0, NULL, NULL);
}

gboolean
_qd_store_exec (QdStore     *self,
                const char  *sql,
                GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _qd_store_db_error (self, rc, error);
  return TRUE;
}

gboolean
_qd_store_step_done (QdStore       *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _qd_store_db_error (self, rc, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
_qd_store_begin (QdStore  *self,
                 GError  **error)
{
  /* Inside a batch of mutation results, each result is a savepoint of the batch's
   * transaction: one fsync for the batch, and a failed result still rolls back alone. */
  if (self->in_results)
    return _qd_store_exec (self, "SAVEPOINT qd_result", error);
  /* IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a
   * read transaction; the busy timeout makes the second one wait. */
  return _qd_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
_qd_store_commit (QdStore  *self,
                  GError  **error)
{
  int rc = sqlite3_exec (self->db, self->in_results ? "RELEASE qd_result" : "COMMIT",
                         NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _qd_store_db_error (self, rc, error);
      _qd_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
_qd_store_rollback (QdStore *self)
{
  /* After SQLITE_FULL and some I/O errors SQLite has already rolled back. */
  if (sqlite3_get_autocommit (self->db))
    return;
  if (self->in_results)
    sqlite3_exec (self->db, "ROLLBACK TO qd_result; RELEASE qd_result", NULL, NULL, NULL);
  else
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
_qd_store_now_rfc3339 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/**
 * qd_store_path_for_account:
 * @data_dir: (nullable): the directory of caches, or %NULL for `$XDG_DATA_HOME/qudao`
 * @server_url: the server's base URL
 * @username: the user name
 *
 * One cache file per account. The name is a hash of the server URL (without trailing
 * slashes) and the user name, so it is a valid file name whatever they contain and the same
 * account always finds its cache.
 *
 * Returns: (transfer full): the path of the account's cache file
 */
char *
qd_store_path_for_account (const char *data_dir,
                           const char *server_url,
                           const char *username)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *url = NULL;
  g_autofree char *name = NULL;
  gsize len;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);

  url = g_strdup (server_url);
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  g_checksum_update (sum, (const guchar *) url, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) username, -1);
  name = g_strdup_printf ("cache-%.16s.sqlite", g_checksum_get_string (sum));

  if (data_dir != NULL)
    return g_build_filename (data_dir, name, NULL);
  return g_build_filename (g_get_user_data_dir (), "qudao", name, NULL);
}

/* Moves a damaged cache (and its WAL and shared-memory files) aside as
 * NAME.corrupt-YYYYMMDD-HHMMSS, never deleting anything, and sets a CORRUPT error naming the
 * kept file. */
static void
move_aside (const char  *path,
            const char  *why,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.corrupt-%s", path, stamp);
  static const char *const suffixes[] = { "-wal", "-shm", "-journal" };

  for (guint n = 1; g_file_test (target, G_FILE_TEST_EXISTS) && n < 100; n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, n);
    }

  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;

      /* TRANSLATORS: the first %s is a sentence saying what is damaged. */
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_IO,
                   _("%s It could not be moved aside (%s): %s"),
                   why, path, g_strerror (saved_errno));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }

  /* TRANSLATORS: the first %s is a sentence saying what is damaged. */
  g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT,
               _("%s It was kept as %s; the data will be downloaded again from the server."),
               why, target);
}

static gboolean
get_user_version (QdStore  *self,
                  int      *out_version,
                  GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _qd_store_db_error (self, rc, error);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *out_version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Returns FALSE with a CORRUPT error (message = SQLite's finding) when the file fails the
 * check; other errors keep their own code. */
static gboolean
check_integrity (QdStore  *self,
                 GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
  gboolean ok = FALSE;

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (stmt, 0);

      ok = g_strcmp0 (result, "ok") == 0;
      if (!ok)
        {
          /* SQLite's finding spans lines ("*** in database main ***\nPage 56: …"). */
          g_autofree char *finding = g_strdup (result != NULL ? result : "quick_check");

          g_strdelimit (finding, "\n", ' ');
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT,
                       _("The local data file is damaged (%s)."), finding);
        }
    }
  else
    _qd_store_db_error (self, rc, error);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
apply_migration (QdStore  *self,
                 int       version,
                 GError  **error)
{
  g_autoptr(GBytes) sql = NULL;
  g_autofree char *set_version = NULL;
  int current = 0;

  sql = g_resources_lookup_data (migrations[version - 1], G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (sql == NULL)
    return FALSE;

  if (!_qd_store_begin (self, error))
    return FALSE;

  /* Another process may have migrated while we waited for the write lock. */
  if (!get_user_version (self, &current, error))
    goto fail;
  if (current >= version)
    return _qd_store_commit (self, error);

  if (!_qd_store_exec (self, g_bytes_get_data (sql, NULL), error))
    {
      g_prefix_error (error, _("Cannot upgrade the local data to version %d: "), version);
      goto fail;
    }
  set_version = g_strdup_printf ("PRAGMA user_version = %d", version);
  if (!_qd_store_exec (self, set_version, error))
    goto fail;

  /* Version 2 adds the abbreviation column, which only C (ICU) can fill. */
  if (version == 2 && !_qd_store_fill_abbr (self, error))
    goto fail;
  /* Version 4 adds the dashboards' summaries of the orders already cached. */
  if (version == 4 && !_qd_store_rebuild_summaries (self, error))
    goto fail;
  /* Version 5 adds the status history: the server's orders get theirs from what they say. */
  if (version == 5 && !_qd_store_history_reconcile (self, error))
    goto fail;

  return _qd_store_commit (self, error);

fail:
  _qd_store_rollback (self);
  return FALSE;
}

/* qd_feed_bulk(): true while this connection applies a change-feed page in bulk mode, so
 * that the search index triggers (schema version 4) leave the FTS5 indexes to the rebuild
 * at the end of the bulk fill. Per connection: another process's writes keep their
 * triggers. */
static void
feed_bulk_func (sqlite3_context  *context,
                int               argc,
                sqlite3_value   **argv)
{
  QdStore *self = sqlite3_user_data (context);

  sqlite3_result_int (context, self->in_page ? self->page_bulk : self->defer_indexes);
}

static gboolean
register_functions (QdStore  *self,
                    GError  **error)
{
  int rc = sqlite3_create_function_v2 (self->db, "qd_feed_bulk", 0, SQLITE_UTF8, self,
                                       feed_bulk_func, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _qd_store_db_error (self, rc, error);
  return TRUE;
}

static gboolean
open_db (QdStore           *self,
         QdStoreOpenFlags   flags,
         GError           **error)
{
  int rc;
  int version = 0;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    return _qd_store_db_error (self, rc, error);

  sqlite3_extended_result_codes (self->db, FALSE);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* journal_mode is the first statement that reads the file: a file that is not a database
   * fails here with SQLITE_NOTADB. synchronous=FULL: a saved order must survive a power cut,
   * and a sync commits one transaction per page, so the fsyncs cost little. */
  if (!_qd_store_exec (self, "PRAGMA journal_mode = WAL", error)
      || !_qd_store_exec (self, "PRAGMA synchronous = FULL", error)
      || !_qd_store_exec (self, "PRAGMA foreign_keys = ON", error)
      || !_qd_store_exec (self, "PRAGMA temp_store = MEMORY", error)
      /* 16 MiB of page cache (the default is 2): a sync page touches index pages all over
       * a cache of tens of MB. */
      || !_qd_store_exec (self, "PRAGMA cache_size = -16384", error)
      || !_qd_store_register_tokenizer (self, error)
      || !register_functions (self, error)
      || ((flags & QD_STORE_OPEN_NO_CHECK) == 0 && !check_integrity (self, error))
      || !get_user_version (self, &version, error))
    return FALSE;

  if (version > QD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_TOO_NEW,
                   _("The local data was written by a newer version of Qudao (format %d; "
                     "this version reads up to %d). Update Qudao."),
                   version, QD_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  for (int v = version + 1; v <= QD_STORE_SCHEMA_VERSION; v++)
    if (!apply_migration (self, v, error))
      return FALSE;

  return TRUE;
}

/* The migrations are compiled in with --manual-register: a constructor in a static library
 * would be dropped by the linker. */
static void
ensure_resources (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      _qd_store_register_resource ();
      g_once_init_leave (&done, 1);
    }
}

/**
 * qd_store_open:
 * @path: the cache file (created with its directory when missing)
 * @error: return location for a #GError
 *
 * Opens (creating or upgrading) a cache. A damaged file is moved aside and
 * %QD_STORE_ERROR_CORRUPT is returned: opening the same path again then gives an empty cache
 * to fill from the server.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
QdStore *
qd_store_open (const char  *path,
               GError     **error)
{
  return qd_store_open_full (path, QD_STORE_OPEN_DEFAULT, error);
}

/**
 * qd_store_open_full:
 * @flags: %QD_STORE_OPEN_NO_CHECK to skip the whole-file check
 *
 * Like qd_store_open(), with flags.
 */
QdStore *
qd_store_open_full (const char        *path,
                    QdStoreOpenFlags   flags,
                    GError           **error)
{
  g_autoptr(QdStore) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_IO,
                   _("Cannot create the folder %s for local data: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  ensure_resources ();

  self = g_object_new (QD_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (open_db (self, flags, &local_error))
    return g_steal_pointer (&self);

  if (g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT))
    {
      g_autofree char *why = g_strdup (local_error->message);

      /* Close before renaming so no handle keeps writing into the moved file. */
      g_clear_pointer (&self->stmts, g_hash_table_unref);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
      move_aside (path, why, error);
      return NULL;
    }

  g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                              _("Cannot open the local data %s: "), path);
  return NULL;
}

/**
 * qd_store_check:
 *
 * Checks the whole file (`PRAGMA quick_check`), e.g. from a worker thread with its own
 * QdStore after opening with %QD_STORE_OPEN_NO_CHECK. On %QD_STORE_ERROR_CORRUPT, close
 * every QdStore of the file and call qd_store_move_aside().
 */
gboolean
qd_store_check (QdStore  *self,
                GError  **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  return check_integrity (self, error);
}

/**
 * qd_store_move_aside:
 * @path: a cache file no QdStore has open any more
 * @reason: a sentence saying what is damaged (an error message)
 *
 * Keeps a damaged cache as NAME.corrupt-YYYYMMDD-HHMMSS (with its WAL), never deleting it.
 *
 * Returns: %FALSE always, with %QD_STORE_ERROR_CORRUPT naming the kept file when the move
 *   worked (%QD_STORE_ERROR_IO when it did not), for the caller to show
 */
gboolean
qd_store_move_aside (const char  *path,
                     const char  *reason,
                     GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (reason != NULL, FALSE);

  move_aside (path, reason, error);
  return FALSE;
}

const char *
qd_store_get_path (QdStore *self)
{
  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  return self->path;
}

int
qd_store_get_schema_version (QdStore *self)
{
  int version = -1;

  g_return_val_if_fail (QD_IS_STORE (self), -1);
  if (!get_user_version (self, &version, NULL))
    return -1;
  return version;
}

static const char SQL_META_GET[] = "SELECT value FROM sync_meta WHERE key = ?1";
static const char SQL_META_SET[] =
  "INSERT INTO sync_meta (key, value) VALUES (?1, ?2) "
  "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char SQL_META_DEL[] = "DELETE FROM sync_meta WHERE key = ?1";

/**
 * qd_store_dup_meta:
 *
 * Returns: (transfer full) (nullable): the value stored under @key
 */
char *
qd_store_dup_meta (QdStore    *self,
                   const char *key)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _qd_store_stmt (self, SQL_META_GET, NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = _qd_col_dup (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

gboolean
_qd_store_set_meta_in_tx (QdStore     *self,
                          const char  *key,
                          const char  *value,
                          GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, value != NULL ? SQL_META_SET : SQL_META_DEL,
                                       error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return _qd_store_step_done (self, stmt, error);
}

/**
 * qd_store_set_meta:
 * @value: (nullable): the value, or %NULL to remove @key
 *
 * Stores a piece of account metadata (never a secret: tokens belong in the keyring).
 */
gboolean
qd_store_set_meta (QdStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  /* Inside a page the write joins the page's transaction. */
  if (self->in_page)
    return _qd_store_set_meta_in_tx (self, key, value, error);
  if (!_qd_store_begin (self, error))
    return FALSE;
  if (!_qd_store_set_meta_in_tx (self, key, value, error))
    {
      _qd_store_rollback (self);
      return FALSE;
    }
  return _qd_store_commit (self, error);
}

/**
 * qd_store_dup_cursor:
 *
 * Returns: (transfer full) (nullable): the change-feed cursor of the last committed page,
 *   or %NULL to start from the beginning
 */
char *
qd_store_dup_cursor (QdStore *self)
{
  return qd_store_dup_meta (self, "cursor");
}

gint64
qd_store_get_last_sync (QdStore *self)
{
  g_autofree char *text = qd_store_dup_meta (self, "last_sync_ms");

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

gboolean
qd_store_set_last_sync (QdStore  *self,
                        gint64    unix_ms,
                        GError  **error)
{
  char buf[32];

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);

  /* The sync engine calls this when the feed has no more pages: a bulk fill ends here. */
  if (!self->in_page && !qd_store_end_bulk (self, error))
    return FALSE;
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, unix_ms);
  return qd_store_set_meta (self, "last_sync_ms", buf, error);
}

/**
 * qd_store_begin_read:
 * @self: a #QdStore
 * @error: return location for a #GError
 *
 * Opens a read transaction, so that many reads in a row (the 20,000 SKU lookups of a CSV
 * import) see one snapshot and take SQLite's file lock once instead of once per read.
 * End it with qd_store_end_read() before any write.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_store_begin_read (QdStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  return _qd_store_exec (self, "BEGIN DEFERRED", error);
}

/**
 * qd_store_end_read:
 * @self: a #QdStore
 *
 * Ends the read transaction of qd_store_begin_read().
 */
void
qd_store_end_read (QdStore *self)
{
  g_return_if_fail (QD_IS_STORE (self));

  /* Nothing was written: ending it cannot lose anything, and cannot fail but on a closed
   * database, which the next statement reports. */
  _qd_store_exec (self, "COMMIT", NULL);
}
