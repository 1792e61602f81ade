/* qd-store-feed.c — applying the change feed
 *
 * The sync engine streams a page of changes through qd_store_apply_change() between
 * qd_store_begin_page() and qd_store_commit_page(): one IMMEDIATE transaction holding the
 * page and its cursor, so a sync can stop anywhere and resume. Each entity is decoded straight
 * from its JsonObject into cached prepared statements — no GObject, no copy per row.
 *
 * Malformed data rolls back the whole page and the error names entity, id and field
 * ("product p_17: “pack_size”: expected an integer"). Entity kinds this client does not know
 * are skipped, as PROTOCOL.md asks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-money.h"
#include "qd-pinyin.h"
#include "qd-store-private.h"

/* Quantities beyond this are surely garbage; it keeps qty × price far from overflow. */
#define MAX_QTY G_GINT64_CONSTANT (1000000000)
#define MAX_VERSION G_GINT64_CONSTANT (1000000000)

typedef struct
{
  const char *entity;
  const char *id;
  const char *prefix;   /* "lines[3]." inside an array, or "" */
  GError    **error;
} Ctx;

static gboolean
field_error (Ctx        *ctx,
             const char *field,
             const char *problem)
{
  g_set_error (ctx->error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
               /* TRANSLATORS: "product p_17: “pack_size”: expected an integer" */
               _("%s %s: “%s%s”: %s"), ctx->entity, ctx->id, ctx->prefix, field, problem);
  return FALSE;
}

static JsonNode *
get_value (Ctx         *ctx,
           JsonObject  *obj,
           const char  *field,
           gboolean     optional,
           gboolean    *ok)
{
  JsonNode *node = json_object_get_member (obj, field);

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!optional)
        *ok = field_error (ctx, field, _("missing"));
      return NULL;
    }
  return node;
}

static gboolean
read_str (Ctx         *ctx,
          JsonObject  *obj,
          const char  *field,
          gboolean     optional,
          const char **out)
{
  gboolean ok;
  JsonNode *node = get_value (ctx, obj, field, optional, &ok);

  *out = NULL;
  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return field_error (ctx, field, _("expected a string"));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_int (Ctx         *ctx,
          JsonObject  *obj,
          const char  *field,
          gboolean     optional,
          gint64       min,
          gint64       max,
          gint64      *out)
{
  gboolean ok;
  JsonNode *node = get_value (ctx, obj, field, optional, &ok);
  gint64 value;

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return field_error (ctx, field, _("expected an integer"));
  value = json_node_get_int (node);
  if (value < min || value > max)
    return field_error (ctx, field, _("out of range"));
  *out = value;
  return TRUE;
}

static gboolean
read_bool (Ctx         *ctx,
           JsonObject  *obj,
           const char  *field,
           gboolean     optional,
           gboolean    *out)
{
  gboolean ok;
  JsonNode *node = get_value (ctx, obj, field, optional, &ok);

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return field_error (ctx, field, _("expected true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_array (Ctx         *ctx,
            JsonObject  *obj,
            const char  *field,
            JsonArray  **out)
{
  gboolean ok;
  JsonNode *node = get_value (ctx, obj, field, FALSE, &ok);

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return field_error (ctx, field, _("expected an array"));
  *out = json_node_get_array (node);
  return TRUE;
}

static JsonObject *
array_object (Ctx        *ctx,
              JsonArray  *array,
              const char *field,
              guint       i,
              char       *prefix_buf,
              gsize       prefix_len)
{
  JsonNode *node = json_array_get_element (array, i);

  g_snprintf (prefix_buf, prefix_len, "%s[%u].", field, i);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (ctx->error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("%s %s: “%s[%u]”: expected an object"), ctx->entity, ctx->id, field, i);
      return NULL;
    }
  ctx->prefix = prefix_buf;
  return json_node_get_object (node);
}

static inline void
bind_str (sqlite3_stmt *stmt,
          int           idx,
          const char   *text)
{
  /* The strings live in the JsonObject, which outlives the step. */
  if (text != NULL)
    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, idx);
}

static gboolean
run (QdStore       *self,
     sqlite3_stmt  *stmt,
     GError       **error)
{
  return _qd_store_step_done (self, stmt, error);
}

#define PREPARE(var, sql) \
  sqlite3_stmt *var = _qd_store_stmt (self, sql, error); \
  if (var == NULL) return FALSE

static gboolean
delete_by_id (QdStore     *self,
              const char  *sql,
              const char  *id,
              GError     **error)
{
  PREPARE (stmt, sql);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  return run (self, stmt, error);
}

/* Summaries are maintained change by change, except in a bulk page: the end of the bulk
 * fill rebuilds them in one pass (_qd_store_rebuild_summaries). */
static inline gboolean
maintaining (QdStore *self)
{
  return !(self->in_page && self->page_bulk);
}

/* ---- region ---------------------------------------------------------------------------- */

static const char SQL_REGION_UPSERT[] =
  "INSERT INTO regions (id, name) VALUES (?1, ?2) "
  "ON CONFLICT (id) DO UPDATE SET name = excluded.name";
static const char SQL_REGION_DELETE[] = "DELETE FROM regions WHERE id = ?1";

static gboolean
upsert_region (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *name;

  if (!read_str (ctx, d, "name", FALSE, &name))
    return FALSE;
  PREPARE (stmt, SQL_REGION_UPSERT);
  bind_str (stmt, 1, ctx->id);
  bind_str (stmt, 2, name);
  return run (self, stmt, error);
}

/* ---- dealer ---------------------------------------------------------------------------- */

static const char SQL_DEALER_UPSERT[] =
  "INSERT INTO dealers (id, name, level, parent_id, region_id, credit_limit_fen, active) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
  "ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, "
  "parent_id = excluded.parent_id, region_id = excluded.region_id, "
  "credit_limit_fen = excluded.credit_limit_fen, active = excluded.active";
static const char SQL_DEALER_DELETE[] = "DELETE FROM dealers WHERE id = ?1";

static gboolean
upsert_dealer (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *name, *level, *parent_id, *region_id;
  gint64 limit = 0;
  gboolean active = TRUE;

  if (!read_str (ctx, d, "name", FALSE, &name)
      || !read_str (ctx, d, "level", FALSE, &level)
      || !read_str (ctx, d, "parent_id", TRUE, &parent_id)
      || !read_str (ctx, d, "region_id", TRUE, &region_id)
      || !read_int (ctx, d, "credit_limit_fen", FALSE, 0, QD_MONEY_MAX_FEN, &limit)
      || !read_bool (ctx, d, "active", TRUE, &active))
    return FALSE;
  PREPARE (stmt, SQL_DEALER_UPSERT);
  bind_str (stmt, 1, ctx->id);
  bind_str (stmt, 2, name);
  bind_str (stmt, 3, level);
  bind_str (stmt, 4, parent_id);
  bind_str (stmt, 5, region_id);
  sqlite3_bind_int64 (stmt, 6, limit);
  sqlite3_bind_int (stmt, 7, active);
  return run (self, stmt, error);
}

/* ---- product --------------------------------------------------------------------------- */

static const char SQL_PRODUCT_UPSERT[] =
  "INSERT INTO products (id, sku, name, spec, category, unit, pack_size, barcode, mnemonic, "
  "lot_tracked, active, sku_key, abbr) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, lower(?2), ?12) "
  "ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, name = excluded.name, "
  "spec = excluded.spec, category = excluded.category, unit = excluded.unit, "
  "pack_size = excluded.pack_size, barcode = excluded.barcode, mnemonic = excluded.mnemonic, "
  "lot_tracked = excluded.lot_tracked, active = excluded.active, sku_key = excluded.sku_key, "
  "abbr = excluded.abbr";
static const char SQL_PRODUCT_DELETE[] = "DELETE FROM products WHERE id = ?1";

char *
_qd_store_product_abbr (const char *mnemonic,
                        const char *name)
{
  if (mnemonic != NULL && *mnemonic != '\0')
    return g_ascii_strdown (mnemonic, -1);
  return qd_pinyin_initials (name);
}

/* A product's purchases move from its old category to its new one (?2 → ?3; '' stands for
 * "not in the cache", under which orders applied before their product were counted). The
 * order_lines product index finds its lines; a new product usually has none. */
static const char SQL_PRODUCT_CATEGORY[] = "SELECT category FROM products WHERE id = ?1";
static const char SQL_SUM_CATEGORY_MOVE[] =
  "INSERT INTO purchases_category_monthly (dealer_id, month, category, amount_fen, lines) "
  "SELECT o.dealer_id, substr (o.created_at, 1, 7), c.category, c.sign * sum (l.total_fen), "
  "c.sign * count (*) "
  "FROM order_lines l JOIN orders o ON o.id = l.order_id, "
  "(SELECT ?2 AS category, -1 AS sign UNION ALL SELECT ?3, 1) c "
  "WHERE l.product_id = ?1 AND o.status IN ('shipped', 'completed') "
  "AND o.dealer_id IS NOT NULL "
  "GROUP BY 1, 2, 3 "
  "ON CONFLICT (dealer_id, month, category) DO UPDATE SET "
  "amount_fen = amount_fen + excluded.amount_fen, lines = lines + excluded.lines";

/* Reads the product's category before a change: *out_category is NULL when the product is
 * not in the cache (owned by the caller). */
static gboolean
product_category (QdStore     *self,
                  const char  *id,
                  char       **out_category,
                  GError     **error)
{
  int rc;

  *out_category = NULL;
  if (!maintaining (self))
    return TRUE;
  PREPARE (stmt, SQL_PRODUCT_CATEGORY);
  bind_str (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_category = _qd_col_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _qd_store_db_error (self, rc, error);
  return TRUE;
}

static gboolean
move_category (QdStore     *self,
               const char  *id,
               const char  *from,
               const char  *to,
               GError     **error)
{
  if (!maintaining (self) || g_strcmp0 (from, to) == 0)
    return TRUE;
  PREPARE (stmt, SQL_SUM_CATEGORY_MOVE);
  bind_str (stmt, 1, id);
  bind_str (stmt, 2, from);
  bind_str (stmt, 3, to);
  return run (self, stmt, error);
}

static gboolean
delete_product (QdStore     *self,
                const char  *id,
                GError     **error)
{
  g_autofree char *old_category = NULL;

  if (!product_category (self, id, &old_category, error)
      || !delete_by_id (self, SQL_PRODUCT_DELETE, id, error))
    return FALSE;
  return old_category == NULL || move_category (self, id, old_category, "", error);
}

static gboolean
upsert_product (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *sku, *name, *spec, *category, *unit, *barcode, *mnemonic;
  gint64 pack_size = 1;
  gboolean lot_tracked = FALSE, active = TRUE;
  g_autofree char *abbr = NULL;
  g_autofree char *old_category = NULL;

  if (!read_str (ctx, d, "sku", FALSE, &sku)
      || !read_str (ctx, d, "name", FALSE, &name)
      || !read_str (ctx, d, "spec", TRUE, &spec)
      || !read_str (ctx, d, "category", TRUE, &category)
      || !read_str (ctx, d, "unit", TRUE, &unit)
      || !read_int (ctx, d, "pack_size", TRUE, 1, MAX_QTY, &pack_size)
      || !read_str (ctx, d, "barcode", TRUE, &barcode)
      || !read_str (ctx, d, "mnemonic", TRUE, &mnemonic)
      || !read_bool (ctx, d, "lot_tracked", TRUE, &lot_tracked)
      || !read_bool (ctx, d, "active", TRUE, &active))
    return FALSE;

  abbr = _qd_store_product_abbr (mnemonic, name);
  if (!product_category (self, ctx->id, &old_category, error))
    return FALSE;

  PREPARE (stmt, SQL_PRODUCT_UPSERT);
  bind_str (stmt, 1, ctx->id);
  bind_str (stmt, 2, sku);
  bind_str (stmt, 3, name);
  bind_str (stmt, 4, spec != NULL ? spec : "");
  bind_str (stmt, 5, category != NULL ? category : "");
  bind_str (stmt, 6, unit != NULL ? unit : "");
  sqlite3_bind_int64 (stmt, 7, pack_size);
  bind_str (stmt, 8, barcode != NULL ? barcode : "");
  bind_str (stmt, 9, mnemonic != NULL ? mnemonic : "");
  sqlite3_bind_int (stmt, 10, lot_tracked);
  sqlite3_bind_int (stmt, 11, active);
  bind_str (stmt, 12, abbr);
  if (!run (self, stmt, error))
    return FALSE;
  return move_category (self, ctx->id, old_category != NULL ? old_category : "",
                        category != NULL ? category : "", error);
}

static const char SQL_ABBR_MISSING[] = "SELECT rowid, mnemonic, name FROM products WHERE abbr IS NULL";
static const char SQL_ABBR_SET[] = "UPDATE products SET abbr = ?2 WHERE rowid = ?1";

/* Fills the abbreviation of products cached before schema version 2. */
gboolean
_qd_store_fill_abbr (QdStore  *self,
                     GError  **error)
{
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) abbrs = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _qd_store_stmt (self, SQL_ABBR_MISSING, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rowids, rowid);
      g_ptr_array_add (abbrs,
                       _qd_store_product_abbr ((const char *) sqlite3_column_text (stmt, 1),
                                               (const char *) sqlite3_column_text (stmt, 2)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _qd_store_db_error (self, rc, error);

  for (guint i = 0; i < rowids->len; i++)
    {
      stmt = _qd_store_stmt (self, SQL_ABBR_SET, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (rowids, gint64, i));
      sqlite3_bind_text (stmt, 2, g_ptr_array_index (abbrs, i), -1, SQLITE_STATIC);
      if (!_qd_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- price ----------------------------------------------------------------------------- */

static const char SQL_PRICE_UPSERT[] =
  "INSERT INTO prices (id, product_id, level, dealer_id, unit_price_fen) "
  "VALUES (?1, ?2, ?3, ?4, ?5) "
  "ON CONFLICT (id) DO UPDATE SET product_id = excluded.product_id, level = excluded.level, "
  "dealer_id = excluded.dealer_id, unit_price_fen = excluded.unit_price_fen";
static const char SQL_PRICE_DELETE[] = "DELETE FROM prices WHERE id = ?1";

static gboolean
upsert_price (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *product_id, *level, *dealer_id;
  gint64 price = 0;

  if (!read_str (ctx, d, "product_id", FALSE, &product_id)
      || !read_str (ctx, d, "level", TRUE, &level)
      || !read_str (ctx, d, "dealer_id", TRUE, &dealer_id)
      || !read_int (ctx, d, "unit_price_fen", FALSE, 0, QD_MONEY_MAX_FEN, &price))
    return FALSE;
  if (level == NULL && dealer_id == NULL)
    return field_error (ctx, "level", _("either “level” or “dealer_id” is required"));
  PREPARE (stmt, SQL_PRICE_UPSERT);
  bind_str (stmt, 1, ctx->id);
  bind_str (stmt, 2, product_id);
  bind_str (stmt, 3, level);
  bind_str (stmt, 4, dealer_id);
  sqlite3_bind_int64 (stmt, 5, price);
  return run (self, stmt, error);
}

/* ---- order ----------------------------------------------------------------------------- */

/* A server order replaces the local order it came from (client_order_id), whether it arrives
 * as the result of our order.submit or, after a crash between the two, through the feed. */
static const char SQL_ORDER_DROP_LOCAL[] =
  "DELETE FROM orders WHERE id = ?1 AND id <> ?2 AND is_local = 1";
static const char SQL_ORDER_UPSERT[] =
  "INSERT INTO orders (id, number, dealer_id, status, created_at, client_order_id, note, "
  "requested_date, total_fen, expected_total_fen, repriced, held_reason, is_local, "
  "reject_code, reject_message, shipped_at) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, NULL, NULL, ?13) "
  "ON CONFLICT (id) DO UPDATE SET number = excluded.number, dealer_id = excluded.dealer_id, "
  "status = excluded.status, created_at = excluded.created_at, "
  "client_order_id = excluded.client_order_id, note = excluded.note, "
  "requested_date = coalesce (excluded.requested_date, orders.requested_date), "
  "total_fen = excluded.total_fen, "
  "expected_total_fen = coalesce (excluded.expected_total_fen, orders.expected_total_fen), "
  "repriced = excluded.repriced, held_reason = excluded.held_reason, is_local = 0, "
  "reject_code = NULL, reject_message = NULL, shipped_at = excluded.shipped_at";
static const char SQL_ORDER_DELETE[] = "DELETE FROM orders WHERE id = ?1";
static const char SQL_ORDER_LINES_DELETE[] = "DELETE FROM order_lines WHERE order_id = ?1";
static const char SQL_ORDER_LINE_INSERT[] =
  "INSERT INTO order_lines (order_id, position, product_id, qty, unit_price_fen, total_fen) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* The dashboards' summary tables (migration 0004): an order's contribution is taken out
 * (sign −1) before the order or its lines change and put back (+1) after, each a no-op
 * unless the order is a purchase (shipped or completed). */
static const char SQL_SUM_DAILY_ORDER[] =
  "INSERT INTO purchases_daily (dealer_id, day, amount_fen, orders) "
  "SELECT dealer_id, substr (created_at, 1, 10), ?2 * total_fen, ?2 FROM orders "
  "WHERE id = ?1 AND status IN ('shipped', 'completed') AND dealer_id IS NOT NULL "
  "ON CONFLICT (dealer_id, day) DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen, "
  "orders = orders + excluded.orders";
static const char SQL_SUM_CATEGORY_ORDER[] =
  "INSERT INTO purchases_category_monthly (dealer_id, month, category, amount_fen, lines) "
  "SELECT o.dealer_id, substr (o.created_at, 1, 7), coalesce (p.category, ''), "
  "?2 * sum (l.total_fen), ?2 * count (*) "
  "FROM orders o JOIN order_lines l ON l.order_id = o.id "
  "LEFT JOIN products p ON p.id = l.product_id "
  "WHERE o.id = ?1 AND o.status IN ('shipped', 'completed') AND o.dealer_id IS NOT NULL "
  "GROUP BY 1, 2, 3 "
  "ON CONFLICT (dealer_id, month, category) DO UPDATE SET "
  "amount_fen = amount_fen + excluded.amount_fen, lines = lines + excluded.lines";

static gboolean
order_summaries (QdStore     *self,
                 const char  *order_id,
                 int          sign,
                 GError     **error)
{
  if (!maintaining (self))
    return TRUE;
  {
    PREPARE (daily, SQL_SUM_DAILY_ORDER);
    bind_str (daily, 1, order_id);
    sqlite3_bind_int (daily, 2, sign);
    if (!run (self, daily, error))
      return FALSE;
  }
  {
    PREPARE (category, SQL_SUM_CATEGORY_ORDER);
    bind_str (category, 1, order_id);
    sqlite3_bind_int (category, 2, sign);
    return run (self, category, error);
  }
}

static gboolean
delete_order (QdStore     *self,
              const char  *id,
              GError     **error)
{
  return order_summaries (self, id, -1, error)
         && delete_by_id (self, SQL_ORDER_DELETE, id, error);
}

static gboolean
upsert_order (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *number, *dealer_id, *status, *created_at, *client_order_id, *note, *held_reason;
  const char *requested_date, *shipped_at;
  gint64 total = 0, expected = -1;
  gboolean repriced = FALSE;
  JsonArray *lines = NULL;
  char prefix[48];

  if (!read_str (ctx, d, "number", TRUE, &number)
      || !read_str (ctx, d, "dealer_id", FALSE, &dealer_id)
      || !read_str (ctx, d, "status", FALSE, &status)
      || !read_str (ctx, d, "created_at", FALSE, &created_at)
      || !read_str (ctx, d, "client_order_id", TRUE, &client_order_id)
      || !read_str (ctx, d, "note", TRUE, &note)
      || !read_str (ctx, d, "requested_date", TRUE, &requested_date)
      || !read_int (ctx, d, "total_fen", FALSE, -QD_MONEY_MAX_FEN, QD_MONEY_MAX_FEN, &total)
      || !read_int (ctx, d, "expected_total_fen", TRUE, 0, QD_MONEY_MAX_FEN, &expected)
      || !read_bool (ctx, d, "repriced", TRUE, &repriced)
      || !read_str (ctx, d, "held_reason", TRUE, &held_reason)
      || !read_str (ctx, d, "shipped_at", TRUE, &shipped_at)
      || !read_array (ctx, d, "lines", &lines))
    return FALSE;

  if (client_order_id != NULL)
    {
      /* Its status history stays with the order. */
      if (strcmp (client_order_id, ctx->id) != 0
          && !_qd_store_history_move (self, client_order_id, ctx->id, error))
        return FALSE;

      PREPARE (drop, SQL_ORDER_DROP_LOCAL);
      bind_str (drop, 1, client_order_id);
      bind_str (drop, 2, ctx->id);
      if (!run (self, drop, error))
        return FALSE;
    }

  if (!order_summaries (self, ctx->id, -1, error))
    return FALSE;

  {
    PREPARE (stmt, SQL_ORDER_UPSERT);
    bind_str (stmt, 1, ctx->id);
    bind_str (stmt, 2, number);
    bind_str (stmt, 3, dealer_id);
    bind_str (stmt, 4, status);
    bind_str (stmt, 5, created_at);
    bind_str (stmt, 6, client_order_id);
    bind_str (stmt, 7, note != NULL ? note : "");
    bind_str (stmt, 8, requested_date);
    sqlite3_bind_int64 (stmt, 9, total);
    if (expected >= 0)
      sqlite3_bind_int64 (stmt, 10, expected);
    sqlite3_bind_int (stmt, 11, repriced);
    bind_str (stmt, 12, held_reason);
    bind_str (stmt, 13, shipped_at);
    if (!run (self, stmt, error))
      return FALSE;
  }

  if (!delete_by_id (self, SQL_ORDER_LINES_DELETE, ctx->id, error))
    return FALSE;

  for (guint i = 0, n = json_array_get_length (lines); i < n; i++)
    {
      JsonObject *line = array_object (ctx, lines, "lines", i, prefix, sizeof prefix);
      const char *product_id;
      gint64 qty = 0, unit_price = 0, line_total = 0;

      if (line == NULL
          || !read_str (ctx, line, "product_id", FALSE, &product_id)
          || !read_int (ctx, line, "qty", FALSE, -MAX_QTY, MAX_QTY, &qty)
          || !read_int (ctx, line, "unit_price_fen", FALSE, 0, QD_MONEY_MAX_FEN, &unit_price)
          || !read_int (ctx, line, "total_fen", FALSE, -QD_MONEY_MAX_FEN, QD_MONEY_MAX_FEN,
                        &line_total))
        return FALSE;

      PREPARE (stmt, SQL_ORDER_LINE_INSERT);
      bind_str (stmt, 1, ctx->id);
      sqlite3_bind_int (stmt, 2, i);
      bind_str (stmt, 3, product_id);
      sqlite3_bind_int64 (stmt, 4, qty);
      sqlite3_bind_int64 (stmt, 5, unit_price);
      sqlite3_bind_int64 (stmt, 6, line_total);
      if (!run (self, stmt, error))
        return FALSE;
    }
  ctx->prefix = "";
  /* The status history, like the summaries, waits for the end of a bulk fill. */
  if (maintaining (self) && !_qd_store_history_server_order (self, ctx->id, error))
    return FALSE;
  return order_summaries (self, ctx->id, +1, error);
}

/* ---- stock report ---------------------------------------------------------------------- */

static const char SQL_STOCK_UPSERT[] =
  "INSERT INTO stock_reports (id, dealer_id, as_of, status, is_local) "
  "VALUES (?1, ?2, ?3, 'submitted', 0) "
  "ON CONFLICT (id) DO UPDATE SET dealer_id = excluded.dealer_id, as_of = excluded.as_of, "
  "status = 'submitted', is_local = 0, reject_code = NULL, reject_message = NULL";
static const char SQL_STOCK_DELETE[] = "DELETE FROM stock_reports WHERE id = ?1";
static const char SQL_STOCK_LINES_DELETE[] = "DELETE FROM stock_report_lines WHERE report_id = ?1";
static const char SQL_STOCK_LINE_INSERT[] =
  "INSERT INTO stock_report_lines (report_id, position, product_id, qty, lot, expiry) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static gboolean
upsert_stock_report (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *dealer_id, *as_of;
  JsonArray *lines = NULL;
  char prefix[48];

  if (!read_str (ctx, d, "dealer_id", FALSE, &dealer_id)
      || !read_str (ctx, d, "as_of", FALSE, &as_of)
      || !read_array (ctx, d, "lines", &lines))
    return FALSE;

  {
    PREPARE (stmt, SQL_STOCK_UPSERT);
    bind_str (stmt, 1, ctx->id);
    bind_str (stmt, 2, dealer_id);
    bind_str (stmt, 3, as_of);
    if (!run (self, stmt, error))
      return FALSE;
  }
  if (!delete_by_id (self, SQL_STOCK_LINES_DELETE, ctx->id, error))
    return FALSE;

  for (guint i = 0, n = json_array_get_length (lines); i < n; i++)
    {
      JsonObject *line = array_object (ctx, lines, "lines", i, prefix, sizeof prefix);
      const char *product_id, *lot, *expiry;
      gint64 qty = 0;

      if (line == NULL
          || !read_str (ctx, line, "product_id", FALSE, &product_id)
          || !read_int (ctx, line, "qty", FALSE, 0, MAX_QTY, &qty)
          || !read_str (ctx, line, "lot", TRUE, &lot)
          || !read_str (ctx, line, "expiry", TRUE, &expiry))
        return FALSE;

      PREPARE (stmt, SQL_STOCK_LINE_INSERT);
      bind_str (stmt, 1, ctx->id);
      sqlite3_bind_int (stmt, 2, i);
      bind_str (stmt, 3, product_id);
      sqlite3_bind_int64 (stmt, 4, qty);
      bind_str (stmt, 5, lot);
      bind_str (stmt, 6, expiry);
      if (!run (self, stmt, error))
        return FALSE;
    }
  ctx->prefix = "";
  return TRUE;
}

/* ---- statement ------------------------------------------------------------------------- */

static const char SQL_STATEMENT_UPSERT[] =
  "INSERT INTO statements (id, dealer_id, period, version, status, opening_balance_fen, "
  "closing_balance_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
  "ON CONFLICT (id) DO UPDATE SET dealer_id = excluded.dealer_id, period = excluded.period, "
  "version = excluded.version, status = excluded.status, "
  "opening_balance_fen = excluded.opening_balance_fen, "
  "closing_balance_fen = excluded.closing_balance_fen";
static const char SQL_STATEMENT_DELETE[] = "DELETE FROM statements WHERE id = ?1";
static const char SQL_STATEMENT_LINES_DELETE[] =
  "DELETE FROM statement_lines WHERE statement_id = ?1";
static const char SQL_STATEMENT_LINE_INSERT[] =
  "INSERT INTO statement_lines (statement_id, position, line_id, date, kind, ref, amount_fen, "
  "disputed_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static gboolean
upsert_statement (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *dealer_id, *period, *status;
  gint64 version = 0, opening = 0, closing = 0;
  JsonArray *lines = NULL;
  char prefix[48];

  if (!read_str (ctx, d, "dealer_id", FALSE, &dealer_id)
      || !read_str (ctx, d, "period", FALSE, &period)
      || !read_int (ctx, d, "version", FALSE, 0, MAX_VERSION, &version)
      || !read_str (ctx, d, "status", FALSE, &status)
      || !read_int (ctx, d, "opening_balance_fen", FALSE, -QD_MONEY_MAX_FEN, QD_MONEY_MAX_FEN,
                    &opening)
      || !read_int (ctx, d, "closing_balance_fen", FALSE, -QD_MONEY_MAX_FEN, QD_MONEY_MAX_FEN,
                    &closing)
      || !read_array (ctx, d, "lines", &lines))
    return FALSE;

  {
    PREPARE (stmt, SQL_STATEMENT_UPSERT);
    bind_str (stmt, 1, ctx->id);
    bind_str (stmt, 2, dealer_id);
    bind_str (stmt, 3, period);
    sqlite3_bind_int64 (stmt, 4, version);
    bind_str (stmt, 5, status);
    sqlite3_bind_int64 (stmt, 6, opening);
    sqlite3_bind_int64 (stmt, 7, closing);
    if (!run (self, stmt, error))
      return FALSE;
  }
  if (!delete_by_id (self, SQL_STATEMENT_LINES_DELETE, ctx->id, error))
    return FALSE;

  for (guint i = 0, n = json_array_get_length (lines); i < n; i++)
    {
      JsonObject *line = array_object (ctx, lines, "lines", i, prefix, sizeof prefix);
      const char *line_id, *date, *kind, *ref, *reason;
      gint64 amount = 0;

      if (line == NULL
          || !read_str (ctx, line, "line_id", FALSE, &line_id)
          || !read_str (ctx, line, "date", FALSE, &date)
          || !read_str (ctx, line, "kind", FALSE, &kind)
          || !read_str (ctx, line, "ref", TRUE, &ref)
          || !read_int (ctx, line, "amount_fen", FALSE, -QD_MONEY_MAX_FEN, QD_MONEY_MAX_FEN,
                        &amount)
          || !read_str (ctx, line, "disputed_reason", TRUE, &reason))
        return FALSE;

      PREPARE (stmt, SQL_STATEMENT_LINE_INSERT);
      bind_str (stmt, 1, ctx->id);
      sqlite3_bind_int (stmt, 2, i);
      bind_str (stmt, 3, line_id);
      bind_str (stmt, 4, date);
      bind_str (stmt, 5, kind);
      bind_str (stmt, 6, ref != NULL ? ref : "");
      sqlite3_bind_int64 (stmt, 7, amount);
      bind_str (stmt, 8, reason);
      if (!run (self, stmt, error))
        return FALSE;
    }
  ctx->prefix = "";
  return TRUE;
}

/* ---- payment, target ------------------------------------------------------------------- */

static const char SQL_PAYMENT_UPSERT[] =
  "INSERT INTO payments (id, dealer_id, date, amount_fen, method, ref) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
  "ON CONFLICT (id) DO UPDATE SET dealer_id = excluded.dealer_id, date = excluded.date, "
  "amount_fen = excluded.amount_fen, method = excluded.method, ref = excluded.ref";
static const char SQL_PAYMENT_DELETE[] = "DELETE FROM payments WHERE id = ?1";

static gboolean
upsert_payment (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *dealer_id, *date, *method, *ref;
  gint64 amount = 0;

  if (!read_str (ctx, d, "dealer_id", FALSE, &dealer_id)
      || !read_str (ctx, d, "date", FALSE, &date)
      || !read_int (ctx, d, "amount_fen", FALSE, -QD_MONEY_MAX_FEN, QD_MONEY_MAX_FEN, &amount)
      || !read_str (ctx, d, "method", TRUE, &method)
      || !read_str (ctx, d, "ref", TRUE, &ref))
    return FALSE;
  PREPARE (stmt, SQL_PAYMENT_UPSERT);
  bind_str (stmt, 1, ctx->id);
  bind_str (stmt, 2, dealer_id);
  bind_str (stmt, 3, date);
  sqlite3_bind_int64 (stmt, 4, amount);
  bind_str (stmt, 5, method != NULL ? method : "");
  bind_str (stmt, 6, ref != NULL ? ref : "");
  return run (self, stmt, error);
}

static const char SQL_TARGET_UPSERT[] =
  "INSERT INTO targets (id, dealer_id, period, amount_fen) VALUES (?1, ?2, ?3, ?4) "
  "ON CONFLICT (id) DO UPDATE SET dealer_id = excluded.dealer_id, period = excluded.period, "
  "amount_fen = excluded.amount_fen";
static const char SQL_TARGET_DELETE[] = "DELETE FROM targets WHERE id = ?1";

static gboolean
upsert_target (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *dealer_id, *period;
  gint64 amount = 0;

  if (!read_str (ctx, d, "dealer_id", FALSE, &dealer_id)
      || !read_str (ctx, d, "period", FALSE, &period)
      || !read_int (ctx, d, "amount_fen", FALSE, 0, QD_MONEY_MAX_FEN, &amount))
    return FALSE;
  PREPARE (stmt, SQL_TARGET_UPSERT);
  bind_str (stmt, 1, ctx->id);
  bind_str (stmt, 2, dealer_id);
  bind_str (stmt, 3, period);
  sqlite3_bind_int64 (stmt, 4, amount);
  return run (self, stmt, error);
}

/* ---- rebate policy --------------------------------------------------------------------- */

static const char SQL_POLICY_UPSERT[] =
  "INSERT INTO rebate_policies (id, level, period) VALUES (?1, ?2, ?3) "
  "ON CONFLICT (id) DO UPDATE SET level = excluded.level, period = excluded.period";
static const char SQL_POLICY_DELETE[] = "DELETE FROM rebate_policies WHERE id = ?1";
static const char SQL_TIERS_DELETE[] = "DELETE FROM rebate_tiers WHERE policy_id = ?1";
static const char SQL_TIER_INSERT[] =
  "INSERT INTO rebate_tiers (policy_id, position, threshold_fen, rate_bp) "
  "VALUES (?1, ?2, ?3, ?4)";

static gboolean
upsert_rebate_policy (QdStore *self, Ctx *ctx, JsonObject *d, GError **error)
{
  const char *level, *period;
  JsonArray *tiers = NULL;
  char prefix[48];

  if (!read_str (ctx, d, "level", TRUE, &level)
      || !read_str (ctx, d, "period", FALSE, &period)
      || !read_array (ctx, d, "tiers", &tiers))
    return FALSE;

  {
    PREPARE (stmt, SQL_POLICY_UPSERT);
    bind_str (stmt, 1, ctx->id);
    bind_str (stmt, 2, level);
    bind_str (stmt, 3, period);
    if (!run (self, stmt, error))
      return FALSE;
  }
  if (!delete_by_id (self, SQL_TIERS_DELETE, ctx->id, error))
    return FALSE;

  for (guint i = 0, n = json_array_get_length (tiers); i < n; i++)
    {
      JsonObject *tier = array_object (ctx, tiers, "tiers", i, prefix, sizeof prefix);
      gint64 threshold = 0, rate = 0;

      if (tier == NULL
          || !read_int (ctx, tier, "threshold_fen", FALSE, 0, QD_MONEY_MAX_FEN, &threshold)
          || !read_int (ctx, tier, "rate_bp", FALSE, 0, 10000, &rate))
        return FALSE;

      PREPARE (stmt, SQL_TIER_INSERT);
      bind_str (stmt, 1, ctx->id);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_int64 (stmt, 3, threshold);
      sqlite3_bind_int64 (stmt, 4, rate);
      if (!run (self, stmt, error))
        return FALSE;
    }
  ctx->prefix = "";
  return TRUE;
}

/* ---- dispatch -------------------------------------------------------------------------- */

typedef gboolean (*UpsertFunc) (QdStore *self, Ctx *ctx, JsonObject *d, GError **error);
typedef gboolean (*DeleteFunc) (QdStore *self, const char *id, GError **error);

static const struct
{
  QdEntityKinds kind;
  UpsertFunc    upsert;
  const char   *delete_sql;
  DeleteFunc    delete_func;   /* instead of delete_sql when a delete does more */
} handlers[] = {
  { QD_ENTITY_KIND_REGION, upsert_region, SQL_REGION_DELETE },
  { QD_ENTITY_KIND_DEALER, upsert_dealer, SQL_DEALER_DELETE },
  { QD_ENTITY_KIND_PRODUCT, upsert_product, NULL, delete_product },
  { QD_ENTITY_KIND_PRICE, upsert_price, SQL_PRICE_DELETE },
  { QD_ENTITY_KIND_ORDER, upsert_order, NULL, delete_order },
  { QD_ENTITY_KIND_STOCK_REPORT, upsert_stock_report, SQL_STOCK_DELETE },
  { QD_ENTITY_KIND_STATEMENT, upsert_statement, SQL_STATEMENT_DELETE },
  { QD_ENTITY_KIND_PAYMENT, upsert_payment, SQL_PAYMENT_DELETE },
  { QD_ENTITY_KIND_TARGET, upsert_target, SQL_TARGET_DELETE },
  { QD_ENTITY_KIND_REBATE_POLICY, upsert_rebate_policy, SQL_POLICY_DELETE },
};

gboolean
_qd_store_apply_entity (QdStore        *self,
                        QdEntityKinds   kind,
                        const char     *op,
                        const char     *id,
                        JsonObject     *data,
                        GError        **error)
{
  const char *entity = qd_entity_kind_to_name (kind);
  Ctx ctx = { entity, id, "", error };

  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    {
      if (handlers[i].kind != kind)
        continue;

      if (strcmp (op, "delete") == 0)
        return handlers[i].delete_func != NULL
               ? handlers[i].delete_func (self, id, error)
               : delete_by_id (self, handlers[i].delete_sql, id, error);

      if (strcmp (op, "upsert") != 0)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("%s %s: unknown operation “%s”"), entity, id, op);
          return FALSE;
        }
      if (data == NULL)
        {
          g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                       _("%s %s: an upsert without data"), entity, id);
          return FALSE;
        }
      /* The entity's own id, when it repeats it, must agree with the change's. */
      if (json_object_has_member (data, "id"))
        {
          const char *own_id;

          if (!read_str (&ctx, data, "id", FALSE, &own_id))
            return FALSE;
          if (strcmp (own_id, id) != 0)
            return field_error (&ctx, "id", _("differs from the id of the change"));
        }
      return handlers[i].upsert (self, &ctx, data, error);
    }

  g_assert_not_reached ();
  return FALSE;
}

/* ---- bulk fill ------------------------------------------------------------------------ *
 *
 * The initial fill of a cache (no cursor yet, or after qd_store_reset_feed()) brings the
 * whole scope at once: 100,000 products and a million order lines for a manager. Updating
 * both FTS5 indexes per product and the dashboards' summaries per order would cost most of
 * the sync. So the store decides by itself: a page that begins while there is no cursor
 * starts a *bulk fill*, recorded as sync_meta "bulk_fill" in the page's own transaction;
 * every following page is part of it until the fill ends. In a bulk page
 *
 *  - the search index triggers do nothing (qd_feed_bulk() in migration 0004) and the
 *    summary tables are not touched;
 *  - the commit does not wait for the disk (synchronous = NORMAL for the page's transaction
 *    only). In WAL mode that keeps the file consistent whatever happens; a power cut may
 *    lose the last pages, and the cursor goes back with them, so they are simply fetched
 *    again. Only data the server can always send again is written this way: user actions
 *    (orders, stock reports, statement decisions, the outbox) are never in a page, and stay
 *    synchronous = FULL.
 *
 * The fill ends (qd_store_end_bulk()) by rebuilding the two FTS5 indexes and the summary
 * tables in one transaction, with a full sync of the disk. qd_store_set_last_sync(), which
 * the sync engine calls when the feed has no more pages, ends it; so does any reader of
 * what the fill leaves stale (catalog search, the order list, the dashboards, the credit
 * position), which keeps queries right even when a sync stopped half-way (crash, cancel):
 * the next sync goes on in bulk mode from its cursor, since "bulk_fill" is still set. The
 * exception: while another connection is filling (its last bulk page less than a minute
 * old), a reader does not end the fill under it and sees the partial cache. */

static const char SQL_BULK_STATE[] =
  "SELECT (SELECT count (*) FROM sync_meta WHERE key = 'cursor'), "
  "(SELECT count (*) FROM sync_meta WHERE key = 'bulk_fill')";

static gboolean
bulk_state (QdStore   *self,
            gboolean  *out_has_cursor,
            gboolean  *out_bulk_pending,
            GError   **error)
{
  int rc;

  PREPARE (stmt, SQL_BULK_STATE);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_has_cursor = sqlite3_column_int (stmt, 0) > 0;
      *out_bulk_pending = sqlite3_column_int (stmt, 1) > 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return _qd_store_db_error (self, rc, error);
  return TRUE;
}

/**
 * qd_store_is_bulk_pending:
 *
 * Whether a bulk fill (the initial fill of the cache, see qd-store-feed.c) has begun and not
 * ended yet: its search indexes and dashboard summaries are rebuilt when it ends.
 */
gboolean
qd_store_is_bulk_pending (QdStore *self)
{
  gboolean has_cursor = FALSE, pending = FALSE;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  if (!bulk_state (self, &has_cursor, &pending, NULL))
    return FALSE;
  return pending;
}

/* The summaries are rebuilt in one pass over the counted orders and their lines, in the
 * orders' order: the lines of an order sit together in their primary key, so the pass reads
 * both tables front to back. SQLite itself, asked for the same GROUP BY with the category
 * join, went from the lines to the orders and products at random (19 s instead of well under
 * one for a million lines); categories come from a hash table of the catalog instead. */
static const char SQL_REBUILD_PRODUCTS[] = "SELECT id, category FROM products";
static const char SQL_REBUILD_SCAN[] =
  "SELECT o.rowid, o.dealer_id, substr (o.created_at, 1, 10), o.total_fen, l.product_id, "
  "l.total_fen FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id "
  "WHERE o.status IN ('shipped', 'completed') AND o.dealer_id IS NOT NULL";
static const char SQL_REBUILD_DAILY_INSERT[] =
  "INSERT INTO purchases_daily (dealer_id, day, amount_fen, orders) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_REBUILD_CATEGORY_INSERT[] =
  "INSERT INTO purchases_category_monthly (dealer_id, month, category, amount_fen, lines) "
  "VALUES (?1, ?2, ?3, ?4, ?5)";

typedef struct
{
  gint64 amount;
  gint64 count;
} Sum;

static void
add_sum (GHashTable *sums,
         GString    *key,
         gint64      amount)
{
  Sum *sum = g_hash_table_lookup (sums, key->str);

  if (sum == NULL)
    {
      sum = g_new0 (Sum, 1);
      g_hash_table_insert (sums, g_strdup (key->str), sum);
    }
  sum->amount += amount;
  sum->count++;
}

/* Writes the sums, keys "a\x1fb[\x1fc]", with @sql taking the key's parts then amount and
 * count. */
static gboolean
write_sums (QdStore     *self,
            GHashTable  *sums,
            const char  *sql,
            guint        n_parts,
            GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, sums);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (key, "\x1f", n_parts);
      Sum *sum = value;
      sqlite3_stmt *stmt;

      if (g_strv_length (parts) != n_parts)
        continue;
      stmt = _qd_store_stmt (self, sql, error);
      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < n_parts; i++)
        sqlite3_bind_text (stmt, i + 1, parts[i], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, n_parts + 1, sum->amount);
      sqlite3_bind_int64 (stmt, n_parts + 2, sum->count);
      if (!_qd_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Recomputes the dashboards' summary tables from the orders, inside a transaction. */
gboolean
_qd_store_rebuild_summaries (QdStore  *self,
                             GError  **error)
{
  g_autoptr(GHashTable) category_of = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                             g_free, NULL);
  g_autoptr(GStringChunk) categories = g_string_chunk_new (256);
  g_autoptr(GHashTable) daily = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) monthly = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_free);
  g_autoptr(GString) key = g_string_new (NULL);
  g_autofree char *dealer = NULL;
  char day[11] = "";
  gint64 last_rowid = G_MININT64;
  sqlite3_stmt *stmt;
  int rc;

  if (!_qd_store_exec (self, "DELETE FROM purchases_daily", error)
      || !_qd_store_exec (self, "DELETE FROM purchases_category_monthly", error))
    return FALSE;

  stmt = _qd_store_stmt (self, SQL_REBUILD_PRODUCTS, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (category_of, _qd_col_dup (stmt, 0),
                         g_string_chunk_insert_const (categories,
                                                      (const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _qd_store_db_error (self, rc, error);

  stmt = _qd_store_stmt (self, SQL_REBUILD_SCAN, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      const char *product_id = (const char *) sqlite3_column_text (stmt, 4);
      const char *category;

      if (rowid != last_rowid)
        {
          /* The first row of an order: the order itself counts once a day. */
          last_rowid = rowid;
          g_free (dealer);
          dealer = _qd_col_dup (stmt, 1);
          g_strlcpy (day, (const char *) sqlite3_column_text (stmt, 2), sizeof day);
          g_string_printf (key, "%s\x1f%s", dealer, day);
          add_sum (daily, key, sqlite3_column_int64 (stmt, 3));
        }
      if (product_id == NULL)
        continue;   /* an order without lines */
      category = g_hash_table_lookup (category_of, product_id);
      g_string_printf (key, "%s\x1f%.7s\x1f%s", dealer, day, category != NULL ? category : "");
      add_sum (monthly, key, sqlite3_column_int64 (stmt, 5));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _qd_store_db_error (self, rc, error);

  return write_sums (self, daily, SQL_REBUILD_DAILY_INSERT, 2, error)
         && write_sums (self, monthly, SQL_REBUILD_CATEGORY_INSERT, 3, error);
}

/* Secondary indexes a bulk fill drops at its first page and builds at its end: building an
 * index from a full table sorts once, where a million inserts in feed order land all over
 * the index (order lines by product above all). The definitions must stay those of the
 * migrations; a later migration must not assume these exist while "bulk_fill" is set.
 * orders_number stays: the order list names it (INDEXED BY), and a reader of another
 * connection may list orders while a fill is under way. */
static const char *const deferred_indexes[][2] = {
  { "order_lines_product", "CREATE INDEX IF NOT EXISTS order_lines_product ON order_lines (product_id)" },
  { "orders_created", "CREATE INDEX IF NOT EXISTS orders_created ON orders (created_at)" },
  { "orders_dealer",
    "CREATE INDEX IF NOT EXISTS orders_dealer ON orders (dealer_id, created_at, status, id)" },
  { "products_category", "CREATE INDEX IF NOT EXISTS products_category ON products (category)" },
  { "products_sku_key",
    "CREATE INDEX IF NOT EXISTS products_sku_key ON products (sku_key, active, category)" },
  { "products_barcode", "CREATE INDEX IF NOT EXISTS products_barcode ON products (barcode)" },
  { "products_abbr", "CREATE INDEX IF NOT EXISTS products_abbr ON products (abbr)" },
};

static gboolean
drop_deferred_indexes (QdStore  *self,
                       GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (deferred_indexes); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DROP INDEX IF EXISTS %s", deferred_indexes[i][0]);

      if (!_qd_store_exec (self, sql, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
create_deferred_indexes (QdStore  *self,
                         GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (deferred_indexes); i++)
    if (!_qd_store_exec (self, deferred_indexes[i][1], error))
      return FALSE;
  return TRUE;
}

static const char *const end_bulk_sql[] = {
  "INSERT INTO products_fts (products_fts) VALUES ('rebuild')",
  "INSERT INTO products_short (products_short) VALUES ('rebuild')",
};

/**
 * qd_store_end_bulk:
 *
 * Ends a bulk fill: rebuilds the catalog search indexes and the dashboard summaries in one
 * durable transaction (~3 s of CPU for 100,000 products and a million order lines).
 * Does nothing when no bulk fill is pending. Called by qd_store_set_last_sync() and, when
 * needed, by the queries that read what a bulk fill defers, so callers rarely need it; a
 * sync engine may call it as soon as the feed has no more pages.
 */
gboolean
qd_store_end_bulk (QdStore  *self,
                   GError  **error)
{
  gboolean has_cursor = FALSE, pending = FALSE;
  gboolean spill;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  /* A cheap look first: readers call this before every query. */
  if (!bulk_state (self, &has_cursor, &pending, error))
    return FALSE;
  if (!pending)
    return TRUE;

  /* The index builds sort a million rows: with temp_store = MEMORY their sorter's overflow
   * would be heap too (some 25 MiB on top of the sync's peak); in a temporary file it is
   * the kernel's page cache. Set outside the transaction, back to MEMORY afterwards. */
  spill = sqlite3_get_autocommit (self->db) != 0;   /* not settable inside a transaction */
  if (spill && !_qd_store_exec (self, "PRAGMA temp_store = FILE", error))
    return FALSE;
  if (!_qd_store_begin (self, error))
    goto fail_begin;
  /* Another connection may have ended it while we waited for the lock. */
  if (!bulk_state (self, &has_cursor, &pending, error))
    goto fail;
  if (pending)
    {
      if (!create_deferred_indexes (self, error))
        goto fail;
      for (guint i = 0; i < G_N_ELEMENTS (end_bulk_sql); i++)
        if (!_qd_store_exec (self, end_bulk_sql[i], error))
          goto fail;
      if (!_qd_store_rebuild_summaries (self, error)
          || !_qd_store_history_reconcile (self, error)
          || !_qd_store_set_meta_in_tx (self, "bulk_fill", NULL, error))
        goto fail;
    }
  if (!_qd_store_commit (self, error))
    goto fail_begin;
  return !spill || _qd_store_exec (self, "PRAGMA temp_store = MEMORY", error);

fail:
  _qd_store_rollback (self);
fail_begin:
  if (spill)
    sqlite3_exec (self->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
  return FALSE;
}

/* A fill whose last page is younger than this, applied by another connection, is taken to
 * be under way (the sync engine applies pages every few hundred milliseconds): readers leave
 * it alone rather than rebuild in the middle of it — seconds of work holding the write lock
 * the filler waits for. An older one was stopped, and the reader ends it. */
#define BULK_ACTIVE_MS 60000

/* For readers of search indexes and summaries: ends a pending bulk fill first, unless
 * another connection is filling right now (the reader then sees what is there, like a
 * reader inside a page). */
gboolean
_qd_store_ensure_derived (QdStore  *self,
                          GError  **error)
{
  g_autofree char *mark = NULL;

  if (self->in_page)
    return TRUE;
  mark = qd_store_dup_meta (self, "bulk_fill");
  if (mark == NULL)
    return TRUE;
  if (g_strcmp0 (mark, self->bulk_mark) != 0)
    {
      gint64 last = g_ascii_strtoll (mark, NULL, 10);
      gint64 now = g_get_real_time () / 1000;

      if (last > 0 && now - last < BULK_ACTIVE_MS && now >= last)
        return TRUE;
    }
  return qd_store_end_bulk (self, error);
}

static void
end_page (QdStore *self)
{
  if (self->sync_relaxed)
    sqlite3_exec (self->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
  self->sync_relaxed = FALSE;
  self->in_page = FALSE;
  self->page_bulk = FALSE;
}

/**
 * qd_store_begin_page:
 *
 * Starts the transaction of one change-feed page. When the cache has no cursor yet (or a
 * bulk fill is under way) the page is applied in bulk mode: see qd_store_end_bulk().
 */
gboolean
qd_store_begin_page (QdStore  *self,
                     GError  **error)
{
  gboolean has_cursor = FALSE, pending = FALSE;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  /* The safety level cannot change inside a transaction: decide from the committed state
   * first. Should another process change that state meanwhile, the check inside the
   * transaction decides the mode; the level only ever concerns feed data here. */
  if (!bulk_state (self, &has_cursor, &pending, error))
    return FALSE;
  self->page_bulk = !has_cursor || pending;
  if (self->page_bulk)
    {
      if (!_qd_store_exec (self, "PRAGMA synchronous = NORMAL", error))
        return FALSE;
      self->sync_relaxed = TRUE;
    }

  if (!_qd_store_begin (self, error)
      || !bulk_state (self, &has_cursor, &pending, error))
    {
      _qd_store_rollback (self);
      end_page (self);
      return FALSE;
    }
  self->in_page = TRUE;
  self->page_changed = QD_ENTITY_KIND_NONE;
  if (!has_cursor || pending)
    {
      char mark[32];

      /* The mark is the time of the fill's latest page, and tells this connection's fill
       * from another's (see _qd_store_ensure_derived). */
      g_snprintf (mark, sizeof mark, "%" G_GINT64_FORMAT, g_get_real_time () / 1000);
      self->page_bulk = TRUE;
      if (!_qd_store_set_meta_in_tx (self, "bulk_fill", mark, error)
          || (!pending && !drop_deferred_indexes (self, error)))
        {
          qd_store_rollback_page (self);
          return FALSE;
        }
      g_free (self->bulk_mark);
      self->bulk_mark = g_strdup (mark);
    }
  else
    self->page_bulk = FALSE;   /* synchronous = FULL comes back in end_page() */
  return TRUE;
}

/**
 * qd_store_apply_change:
 * @entity: the entity kind ("product", …); unknown kinds are skipped
 * @op: "upsert" or "delete"
 * @id: the entity id
 * @data: (nullable): the whole entity for an upsert
 *
 * Applies one change inside the page. On error the page has been rolled back and must not
 * be committed; the error names entity, id and field.
 */
gboolean
qd_store_apply_change (QdStore     *self,
                       const char  *entity,
                       const char  *op,
                       const char  *id,
                       JsonObject  *data,
                       GError     **error)
{
  QdEntityKinds kind;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_page, FALSE);
  g_return_val_if_fail (entity != NULL && op != NULL && id != NULL, FALSE);

  kind = qd_entity_kind_from_name (entity);
  if (kind == QD_ENTITY_KIND_NONE)
    {
      g_debug ("skipping a change of unknown entity kind “%s”", entity);
      return TRUE;
    }

  if (!_qd_store_apply_entity (self, kind, op, id, data, error))
    {
      qd_store_rollback_page (self);
      return FALSE;
    }
  self->page_changed |= kind;
  return TRUE;
}

/**
 * qd_store_commit_page:
 * @cursor: the page's cursor, stored in the same transaction
 * @out_changed: (out) (optional): the kinds of entity the page changed
 */
gboolean
qd_store_commit_page (QdStore        *self,
                      const char     *cursor,
                      QdEntityKinds  *out_changed,
                      GError        **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_page, FALSE);
  g_return_val_if_fail (cursor != NULL, FALSE);

  if (!_qd_store_set_meta_in_tx (self, "cursor", cursor, error))
    {
      qd_store_rollback_page (self);
      return FALSE;
    }
  {
    gboolean ok = _qd_store_commit (self, error);

    end_page (self);
    if (!ok)
      return FALSE;
  }
  if (out_changed != NULL)
    *out_changed = self->page_changed;
  return TRUE;
}

/**
 * qd_store_rollback_page:
 *
 * Abandons the page under way (a cancelled or failed download). Does nothing when no page
 * is under way.
 */
void
qd_store_rollback_page (QdStore *self)
{
  g_return_if_fail (QD_IS_STORE (self));

  if (!self->in_page)
    return;
  _qd_store_rollback (self);
  end_page (self);
  self->page_changed = QD_ENTITY_KIND_NONE;
}

static const char *const reset_sql[] = {
  "DELETE FROM regions",
  "DELETE FROM dealers",
  "DELETE FROM products",
  "DELETE FROM prices",
  "DELETE FROM orders WHERE is_local = 0",
  "DELETE FROM stock_reports WHERE is_local = 0",
  "DELETE FROM statements",
  "DELETE FROM payments",
  "DELETE FROM targets",
  "DELETE FROM rebate_policies",
  "DELETE FROM purchases_daily",
  "DELETE FROM purchases_category_monthly",
  /* The products went without their triggers (a bulk fill may have left the indexes behind
   * them, and deleting an entry an index does not hold would damage it): empty the
   * indexes as a whole. */
  "INSERT INTO products_fts (products_fts) VALUES ('delete-all')",
  "INSERT INTO products_short (products_short) VALUES ('delete-all')",
  "DELETE FROM sync_meta WHERE key IN ('cursor', 'bulk_fill')",
};

/**
 * qd_store_reset_feed:
 *
 * Drops everything the change feed delivered, and the cursor, for a full resync (after
 * `410 cursor_expired`). Local work stays: orders and stock reports not yet accepted by the
 * server, the outbox and the cart.
 */
gboolean
qd_store_reset_feed (QdStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_page, FALSE);

  if (!_qd_store_begin (self, error))
    return FALSE;
  self->defer_indexes = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (reset_sql); i++)
    if (!_qd_store_exec (self, reset_sql[i], error))
      {
        self->defer_indexes = FALSE;
        _qd_store_rollback (self);
        return FALSE;
      }
  self->defer_indexes = FALSE;
  /* A fill that was under way had dropped them. */
  if (!create_deferred_indexes (self, error))
    {
      _qd_store_rollback (self);
      return FALSE;
    }
  return _qd_store_commit (self, error);
}
