/* qd-store-search.c — catalog search
 *
 * A dealer types a SKU, a barcode, a 助记码, pinyin initials or part of the Chinese name into
 * one field. Each kind of match is its own indexed query, run best first, so the common
 * cases stop after a handful of index probes:
 *
 *   rank 0  the SKU (case-insensitive) or barcode equals the text     (indexes)
 *   rank 1  SKU, barcode or abbreviation (助记码, else pinyin initials) starts with the text
 *           — only for ASCII text                                     (index range scans)
 *   rank 2  the name or spec contains the text: FTS5 trigram for 3+ characters, the qd_short
 *           character/pair FTS5 index below that (trigrams cannot match 1–2 characters)
 *
 * A product matched by several queries keeps its best rank. Filters (category, active,
 * ordered before) are bound parameters of every query.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-store-private.h"

#define DEFAULT_LIMIT 50

G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (gint64));

/* ?10 category (NULL: any), ?11 include inactive, ?12 ordered before only. */
#define FILTERS \
  " AND (?10 IS NULL OR p.category = ?10) AND (?11 OR p.active = 1)" \
  " AND (NOT ?12 OR EXISTS (SELECT 1 FROM order_lines AS l WHERE l.product_id = p.id))"

static const char SQL_ALL[] =
  "SELECT p.rowid FROM products AS p WHERE 1" FILTERS " ORDER BY p.sku_key LIMIT ?1";
static const char SQL_EXACT_SKU[] =
  "SELECT p.rowid FROM products AS p WHERE p.sku_key = ?1" FILTERS " LIMIT ?3";
static const char SQL_EXACT_BARCODE[] =
  "SELECT p.rowid FROM products AS p WHERE p.barcode = ?1" FILTERS " LIMIT ?3";
static const char SQL_PREFIX_SKU[] =
  "SELECT p.rowid FROM products AS p WHERE p.sku_key >= ?1 AND p.sku_key < ?2" FILTERS
  " ORDER BY p.sku_key LIMIT ?3";
static const char SQL_PREFIX_BARCODE[] =
  "SELECT p.rowid FROM products AS p WHERE p.barcode >= ?1 AND p.barcode < ?2" FILTERS
  " ORDER BY p.barcode LIMIT ?3";
static const char SQL_PREFIX_ABBR[] =
  "SELECT p.rowid FROM products AS p WHERE p.abbr >= ?1 AND p.abbr < ?2" FILTERS
  " ORDER BY p.abbr, p.sku_key LIMIT ?3";
static const char SQL_NAME_FTS[] =
  "SELECT p.rowid FROM products_fts AS f JOIN products AS p ON p.rowid = f.rowid "
  "WHERE products_fts MATCH ?1" FILTERS " LIMIT ?3";
static const char SQL_NAME_SHORT[] =
  "SELECT p.rowid FROM products_short AS f JOIN products AS p ON p.rowid = f.rowid "
  "WHERE products_short MATCH ?1" FILTERS " LIMIT ?3";

/* Several words ("维生素 泡腾"): the longest goes through its index, the others (?20–?22,
 * "" when absent) must each appear in the name or spec. */
#define OTHER_WORDS \
  " AND instr (lower (p.name || ' ' || p.spec), ?20) > 0" \
  " AND instr (lower (p.name || ' ' || p.spec), ?21) > 0" \
  " AND instr (lower (p.name || ' ' || p.spec), ?22) > 0"
#define MAX_OTHER_WORDS 3

static const char SQL_WORDS_FTS[] =
  "SELECT p.rowid FROM products_fts AS f JOIN products AS p ON p.rowid = f.rowid "
  "WHERE products_fts MATCH ?1" OTHER_WORDS FILTERS " LIMIT ?3";
static const char SQL_WORDS_SHORT[] =
  "SELECT p.rowid FROM products_short AS f JOIN products AS p ON p.rowid = f.rowid "
  "WHERE products_short MATCH ?1" OTHER_WORDS FILTERS " LIMIT ?3";

typedef struct
{
  GArray     *rowids;
  GArray     *ranks;
  GHashTable *seen;
  guint       limit;
} Results;

static void
bind_filters (sqlite3_stmt         *stmt,
              const QdProductQuery *query)
{
  if (query->category != NULL && *query->category != '\0')
    sqlite3_bind_text (stmt, 10, query->category, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 11, query->include_inactive);
  sqlite3_bind_int (stmt, 12, query->ordered_before);
}

static gboolean
collect_words (QdStore              *self,
               const char           *sql,
               const QdProductQuery *query,
               const char           *arg1,
               const char           *arg2,
               const char * const   *others,
               QdMatchRank           rank,
               Results              *res,
               GError              **error)
{
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  if (res->rowids->len >= res->limit)
    return TRUE;

  stmt = _qd_store_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  if (arg1 != NULL)
    sqlite3_bind_text (stmt, 1, arg1, -1, SQLITE_STATIC);
  if (arg2 != NULL)
    sqlite3_bind_text (stmt, 2, arg2, -1, SQLITE_STATIC);
  if (others != NULL)
    for (int i = 0; i < MAX_OTHER_WORDS; i++)
      sqlite3_bind_text (stmt, 20 + i, others[i] != NULL ? others[i] : "", -1, SQLITE_STATIC);
  /* Ask for as many as could still be new. */
  sqlite3_bind_int64 (stmt, sql == SQL_ALL ? 1 : 3, res->limit);
  bind_filters (stmt, query);

  while (res->rowids->len < res->limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      /* The listing without text is one query: nothing to merge, nothing to deduplicate
       * (that matters for the 100,000 rows of a whole catalog). rowids are positive 64-bit
       * integers: they fit a pointer on the platforms we build. */
      if (sql != SQL_ALL)
        {
          if (g_hash_table_contains (res->seen, GSIZE_TO_POINTER ((gsize) rowid)))
            continue;
          g_hash_table_add (res->seen, GSIZE_TO_POINTER ((gsize) rowid));
        }
      g_array_append_val (res->rowids, rowid);
      g_array_append_val (res->ranks, rank);
    }
  if (res->rowids->len < res->limit && rc != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return _qd_store_db_error (self, rc, error);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
collect (QdStore              *self,
         const char           *sql,
         const QdProductQuery *query,
         const char           *arg1,
         const char           *arg2,
         QdMatchRank           rank,
         Results              *res,
         GError              **error)
{
  return collect_words (self, sql, query, arg1, arg2, NULL, rank, res, error);
}

static char *fts_phrase (const char *text);

/* Name search with several words: the longest through its index, the rest as filters. */
static gboolean
collect_name_words (QdStore              *self,
                    const QdProductQuery *query,
                    char                **words,
                    Results              *res,
                    GError              **error)
{
  g_autofree char *phrase = NULL;
  const char *others[MAX_OTHER_WORDS] = { NULL, };
  guint longest = 0, n_others = 0;

  for (guint i = 1; words[i] != NULL; i++)
    if (g_utf8_strlen (words[i], -1) > g_utf8_strlen (words[longest], -1))
      longest = i;
  for (guint i = 0; words[i] != NULL && n_others < MAX_OTHER_WORDS; i++)
    if (i != longest)
      others[n_others++] = words[i];

  phrase = fts_phrase (words[longest]);
  return collect_words (self, g_utf8_strlen (words[longest], -1) >= 3 ? SQL_WORDS_FTS
                                                                       : SQL_WORDS_SHORT,
                        query, phrase, NULL, others, QD_MATCH_NAME, res, error);
}

static gboolean
is_printable_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x21 || (guchar) *p > 0x7e)
      return FALSE;
  return TRUE;
}

/* Words separated by blanks, ideographic space (U+3000, what Chinese input methods type)
 * included. */
static char **
split_words (const char *text)
{
  g_autoptr(GString) spaced = g_string_new (text);
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_auto(GStrv) parts = NULL;

  g_string_replace (spaced, "\u3000", " ", 0);
  parts = g_strsplit_set (spaced->str, " \t\n\r", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (words, g_strdup (parts[i]));
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&words), FALSE);
}

/* The FTS5 query for a literal substring: one quoted phrase, quotes doubled. */
static char *
fts_phrase (const char *text)
{
  GString *out = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/**
 * qd_store_search_rowids:
 * @query: the search; `limit` 0 means 50, %G_MAXUINT means no limit
 * @out_ranks: (out) (optional) (element-type QdMatchRank): the rank of each row
 *
 * The products matching @query, best first, as rowids (stable while the product exists) —
 * what a lazy list model needs.
 *
 * Returns: (transfer full) (element-type gint64): the rowids, or %NULL with @error set
 */
GArray *
qd_store_search_rowids (QdStore               *self,
                        const QdProductQuery  *query,
                        GArray               **out_ranks,
                        GError               **error)
{
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GArray) ranks = NULL;
  g_autofree char *text = NULL;
  Results res;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  /* After an initial sync the search indexes may still wait for their rebuild. */
  if (!_qd_store_ensure_derived (self, error))
    return NULL;

  text = g_strstrip (g_strdup (query->text != NULL ? query->text : ""));
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The search text is not valid text."));
      return NULL;
    }

  rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  ranks = g_array_new (FALSE, FALSE, sizeof (QdMatchRank));
  seen = g_hash_table_new (NULL, NULL);
  res.rowids = rowids;
  res.ranks = ranks;
  res.seen = seen;
  res.limit = query->limit == 0 ? DEFAULT_LIMIT : query->limit;

  if (*text == '\0')
    {
      if (!collect (self, SQL_ALL, query, NULL, NULL, QD_MATCH_ALL, &res, error))
        return NULL;
    }
  else
    {
      g_autofree char *lower = g_utf8_strdown (text, -1);
      glong n_chars = g_utf8_strlen (text, -1);
      g_auto(GStrv) words = split_words (lower);

      if (!collect (self, SQL_EXACT_SKU, query, lower, NULL, QD_MATCH_EXACT, &res, error)
          || !collect (self, SQL_EXACT_BARCODE, query, text, NULL, QD_MATCH_EXACT, &res, error))
        return NULL;

      if (is_printable_ascii (lower))
        {
          g_autofree char *upper = g_strdup (lower);
          g_autofree char *upper_raw = g_strdup (text);

          /* [prefix, prefix with its last byte + 1) is every string starting with it. */
          upper[strlen (upper) - 1]++;
          upper_raw[strlen (upper_raw) - 1]++;
          if (!collect (self, SQL_PREFIX_SKU, query, lower, upper, QD_MATCH_PREFIX, &res, error)
              || !collect (self, SQL_PREFIX_BARCODE, query, text, upper_raw, QD_MATCH_PREFIX,
                           &res, error)
              || !collect (self, SQL_PREFIX_ABBR, query, lower, upper, QD_MATCH_PREFIX, &res,
                           error))
            return NULL;
        }

      /* Trigrams for 3+ characters, the character/pair index below that. */
      if (words[1] == NULL)
        {
          g_autofree char *phrase = fts_phrase (text);

          if (!collect (self, n_chars >= 3 ? SQL_NAME_FTS : SQL_NAME_SHORT, query, phrase, NULL,
                        QD_MATCH_NAME, &res, error))
            return NULL;
        }
      else if (!collect_name_words (self, query, words, &res, error))
        return NULL;
    }

  if (out_ranks != NULL)
    *out_ranks = g_steal_pointer (&ranks);
  return g_steal_pointer (&rowids);
}

void
qd_product_info_free (QdProductInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->sku);
  g_free (info->name);
  g_free (info->spec);
  g_free (info->category);
  g_free (info->unit);
  g_free (info->barcode);
  g_free (info->mnemonic);
  g_free (info->abbr);
  g_free (info->last_ordered);
  g_free (info);
}

static const char SQL_PRODUCT_BY_ROWID[] =
  "SELECT p.rowid, p.id, p.sku, p.name, p.spec, p.category, p.unit, p.pack_size, p.barcode, "
  "p.mnemonic, p.abbr, p.lot_tracked, p.active, "
  "(SELECT pr.unit_price_fen FROM prices AS pr WHERE pr.product_id = p.id "
  "  AND (pr.dealer_id = ?2 OR (pr.dealer_id IS NULL AND pr.level = "
  "  (SELECT level FROM dealers WHERE id = ?2))) ORDER BY pr.dealer_id IS NULL LIMIT 1), "
  "(SELECT max (o.created_at) FROM order_lines AS l JOIN orders AS o ON o.id = l.order_id "
  "  WHERE l.product_id = p.id) "
  "FROM products AS p WHERE p.rowid = ?1";
static const char SQL_ROWID_BY_ID[] = "SELECT rowid FROM products WHERE id = ?1";

QdProductInfo *
_qd_store_product_by_rowid (QdStore     *self,
                            gint64       rowid,
                            const char  *dealer_id,
                            GError     **error)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self, SQL_PRODUCT_BY_ROWID, error);
  QdProductInfo *info;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, rowid);
  _qd_bind_text (stmt, 2, dealer_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                     _("The product is no longer in the catalog."));
      else
        _qd_store_db_error (self, rc, error);
      return NULL;
    }

  info = g_new0 (QdProductInfo, 1);
  info->rowid = sqlite3_column_int64 (stmt, 0);
  info->id = _qd_col_dup (stmt, 1);
  info->sku = _qd_col_dup (stmt, 2);
  info->name = _qd_col_dup (stmt, 3);
  info->spec = _qd_col_dup (stmt, 4);
  info->category = _qd_col_dup (stmt, 5);
  info->unit = _qd_col_dup (stmt, 6);
  info->pack_size = sqlite3_column_int64 (stmt, 7);
  info->barcode = _qd_col_dup (stmt, 8);
  info->mnemonic = _qd_col_dup (stmt, 9);
  info->abbr = _qd_col_dup (stmt, 10);
  info->lot_tracked = sqlite3_column_int (stmt, 11);
  info->active = sqlite3_column_int (stmt, 12);
  info->price_fen = sqlite3_column_type (stmt, 13) == SQLITE_NULL
                    ? -1 : sqlite3_column_int64 (stmt, 13);
  info->last_ordered = _qd_col_dup (stmt, 14);
  info->rank = QD_MATCH_ALL;
  sqlite3_reset (stmt);
  return info;
}

/**
 * qd_store_get_product_by_rowid:
 *
 * Returns: (transfer full): the product, or %NULL with %QD_STORE_ERROR_NOT_FOUND
 */
QdProductInfo *
qd_store_get_product_by_rowid (QdStore  *self,
                               gint64    rowid,
                               GError  **error)
{
  g_autofree char *dealer_id = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  dealer_id = qd_store_dup_meta (self, QD_STORE_META_DEALER_ID);
  return _qd_store_product_by_rowid (self, rowid, dealer_id, error);
}

/**
 * qd_store_get_product:
 *
 * Returns: (transfer full): the product with id @id, or %NULL with
 *   %QD_STORE_ERROR_NOT_FOUND
 */
QdProductInfo *
qd_store_get_product (QdStore     *self,
                      const char  *id,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 rowid = -1;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = _qd_store_stmt (self, SQL_ROWID_BY_ID, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    rowid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rowid < 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                   _("There is no product %s in the catalog."), id);
      return NULL;
    }
  return qd_store_get_product_by_rowid (self, rowid, error);
}

static const char SQL_ROWID_BY_SKU[] =
  "SELECT rowid FROM products WHERE sku_key = ?1 ORDER BY (sku = ?2) DESC, active DESC LIMIT 1";

/**
 * qd_store_get_product_by_sku:
 * @sku: a SKU as a person or a CSV file writes it
 *
 * Finds a product by its SKU, ignoring case (dealers type "yl-001" for "YL-001"); an exact
 * match wins over a case-insensitive one, an active product over an inactive one. For
 * qudao-cli and CSV imports, which name products by SKU.
 *
 * Returns: (transfer full): the product, or %NULL with %QD_STORE_ERROR_NOT_FOUND
 */
QdProductInfo *
qd_store_get_product_by_sku (QdStore     *self,
                             const char  *sku,
                             GError     **error)
{
  g_autofree char *lower = NULL;
  sqlite3_stmt *stmt;
  gint64 rowid = -1;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (sku != NULL, NULL);

  if (!_qd_store_ensure_derived (self, error))
    return NULL;
  if (!g_utf8_validate (sku, -1, NULL))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                   _("There is no product with that SKU in the catalog."));
      return NULL;
    }
  lower = g_utf8_strdown (sku, -1);
  stmt = _qd_store_stmt (self, SQL_ROWID_BY_SKU, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, lower, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sku, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    rowid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rowid < 0)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                   _("There is no product with SKU %s in the catalog."), sku);
      return NULL;
    }
  return qd_store_get_product_by_rowid (self, rowid, error);
}

/**
 * qd_store_search_products:
 * @query: the search; `limit` 0 means 50
 *
 * Returns: (transfer full) (element-type QdProductInfo): the matching products, best first
 */
GPtrArray *
qd_store_search_products (QdStore               *self,
                          const QdProductQuery  *query,
                          GError               **error)
{
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GArray) ranks = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autofree char *dealer_id = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  rowids = qd_store_search_rowids (self, query, &ranks, error);
  if (rowids == NULL)
    return NULL;

  dealer_id = qd_store_dup_meta (self, QD_STORE_META_DEALER_ID);
  infos = g_ptr_array_new_full (rowids->len, (GDestroyNotify) qd_product_info_free);
  for (guint i = 0; i < rowids->len; i++)
    {
      QdProductInfo *info = _qd_store_product_by_rowid (self,
                                                        g_array_index (rowids, gint64, i),
                                                        dealer_id, error);

      if (info == NULL)
        return NULL;
      info->rank = g_array_index (ranks, QdMatchRank, i);
      g_ptr_array_add (infos, info);
    }
  return g_steal_pointer (&infos);
}

static const char SQL_CATEGORIES[] =
  "SELECT DISTINCT category FROM products WHERE category <> '' ORDER BY category";

/**
 * qd_store_list_categories:
 *
 * Returns: (transfer full) (element-type utf8): the categories of the catalog, sorted
 */
GPtrArray *
qd_store_list_categories (QdStore  *self,
                          GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  if (!_qd_store_ensure_derived (self, error))
    return NULL;
  stmt = _qd_store_stmt (self, SQL_CATEGORIES, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, _qd_col_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _qd_store_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}
