/* qd-store-private.h — internals shared by the files of src/store (and white-box tests)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "qd-store.h"

G_BEGIN_DECLS

struct _QdStore
{
  GObject        parent_instance;

  /* owned */
  sqlite3       *db;
  char          *path;
  GHashTable    *stmts;        /* SQL text (a static constant, by address) → sqlite3_stmt */

  /* the change-feed page under way */
  gboolean       in_page;
  gboolean       page_bulk;    /* the page is part of a bulk fill: see qd-store-feed.c */
  gboolean       sync_relaxed; /* synchronous = NORMAL until the page ends */
  gboolean       defer_indexes; /* outside a page: the FTS triggers do nothing (a reset) */
  /* a batch of mutation results under way: each result is a savepoint inside it */
  gboolean       in_results;
  char          *bulk_mark;    /* the "bulk_fill" mark of this connection's latest bulk page */
  QdEntityKinds  page_changed;
};

sqlite3      *_qd_store_get_db        (QdStore      *self);
sqlite3_stmt *_qd_store_stmt          (QdStore      *self,
                                       const char   *sql,
                                       GError      **error);
gboolean      _qd_store_db_error      (QdStore      *self,
                                       int           rc,
                                       GError      **error);
gboolean      _qd_store_exec          (QdStore      *self,
                                       const char   *sql,
                                       GError      **error);
gboolean      _qd_store_step_done     (QdStore      *self,
                                       sqlite3_stmt *stmt,
                                       GError      **error);
gboolean      _qd_store_begin         (QdStore      *self,
                                       GError      **error);
gboolean      _qd_store_commit        (QdStore      *self,
                                       GError      **error);
void          _qd_store_rollback      (QdStore      *self);
void          _qd_store_set_cancellable (QdStore    *self,
                                       GCancellable *cancellable);
gboolean      _qd_store_set_meta_in_tx (QdStore     *self,
                                       const char   *key,
                                       const char   *value,
                                       GError      **error);

/* qd-store-feed.c: apply one entity (also used for mutation results) inside a transaction. */
gboolean      _qd_store_apply_entity  (QdStore      *self,
                                       QdEntityKinds kind,
                                       const char   *op,
                                       const char   *id,
                                       JsonObject   *data,
                                       GError      **error);
gboolean      _qd_store_ensure_derived (QdStore    *self,
                                       GError    **error);
gboolean      _qd_store_rebuild_summaries (QdStore *self,
                                       GError    **error);
char         *_qd_store_product_abbr  (const char   *mnemonic,
                                       const char   *name);
gboolean      _qd_store_fill_abbr     (QdStore      *self,
                                       GError      **error);

/* qd-store-history.c: the order status history, each inside the caller's transaction. */
gboolean      _qd_store_history_local (QdStore      *self,
                                       const char   *order_id,
                                       const char   *status,
                                       GError      **error);
gboolean      _qd_store_history_server_order (QdStore *self,
                                       const char   *order_id,
                                       GError      **error);
gboolean      _qd_store_history_move  (QdStore      *self,
                                       const char   *from_id,
                                       const char   *to_id,
                                       GError      **error);
gboolean      _qd_store_history_unsent (QdStore     *self,
                                       const char   *order_id,
                                       GError      **error);
gboolean      _qd_store_history_reconcile (QdStore  *self,
                                       GError      **error);

/* Column text that may be NULL, duplicated. */
static inline char *
_qd_col_dup (sqlite3_stmt *stmt,
             int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static inline void
_qd_bind_text (sqlite3_stmt *stmt,
               int           idx,
               const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, idx);
}

char         *_qd_store_now_rfc3339   (void);

/* qd-store-search.c: one product with the price of @dealer_id (nullable). */
QdProductInfo *_qd_store_product_by_rowid (QdStore    *self,
                                           gint64      rowid,
                                           const char *dealer_id,
                                           GError    **error);

/* qd-store-tokenizer.c */
gboolean      _qd_store_register_tokenizer (QdStore *self,
                                            GError **error);

G_END_DECLS
