/* qd-product-list-model.c — the catalog as a lazy GListModel of QdProduct
 *
 * A query (the store's search: text, category, "ordered before") yields only the rowids of
 * the matching products, in display order: 100,000 of them are 800 KB and one indexed
 * scan. Rows are read when a view asks for an item, a window of WINDOW_SIZE rows at a
 * time, and at most MAX_WINDOWS windows stay cached (least recently used goes first), so
 * scrolling the whole catalog keeps memory flat and a screenful costs a few dozen lookups
 * by primary key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-product-list-model.h"
#include "qd-store-private.h"

#define WINDOW_SIZE 64
#define MAX_WINDOWS 16

/* The date of the latest order (local or from the server) with this product. */
static const char SQL_LAST_ORDERED[] =
  "SELECT max(substr(o.created_at, 1, 10)) FROM order_lines AS l "
  "JOIN orders AS o ON o.id = l.order_id WHERE l.product_id = ?1";

struct _QdProductListModel
{
  GObject parent_instance;

  /* owned */
  QdStore *store;
  GArray *rowids;          /* gint64, in display order */
  GHashTable *windows;     /* window index → GPtrArray of QdProduct (NULL entries: gone) */
  GQueue lru;              /* window indices, most recently used first */
  char *text;
  char *category;
  gboolean ordered_before;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QdProductListModel, qd_product_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_ITEMS,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static GType
qd_product_list_model_get_item_type (GListModel *model)
{
  return QD_TYPE_PRODUCT;
}

static guint
qd_product_list_model_get_n_items (GListModel *model)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (model);

  return self->rowids->len;
}

static char *
last_ordered (QdProductListModel *self,
              const char         *product_id)
{
  sqlite3_stmt *stmt = _qd_store_stmt (self->store, SQL_LAST_ORDERED, NULL);
  char *date = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, product_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    date = _qd_col_dup (stmt, 0);
  /* Reset at once: a statement left stepping holds a read snapshot of the WAL. */
  sqlite3_reset (stmt);
  return date;
}

static GPtrArray *
load_window (QdProductListModel *self,
             guint               window)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint start = window * WINDOW_SIZE;
  guint end = MIN (start + WINDOW_SIZE, self->rowids->len);

  for (guint i = start; i < end; i++)
    {
      gint64 rowid = g_array_index (self->rowids, gint64, i);
      g_autoptr(GError) error = NULL;
      QdProductInfo *info = qd_store_get_product_by_rowid (self->store, rowid, &error);

      if (info == NULL)
        {
          /* The product went away since the query (a sync deleted it): the row stays,
           * empty, until the owner reloads; a list must not shift under the user's eyes. */
          g_debug ("product row %" G_GINT64_FORMAT " not readable: %s", rowid,
                   error != NULL ? error->message : "gone");
          info = g_new0 (QdProductInfo, 1);
          info->rowid = rowid;
          info->id = g_strdup ("");
          info->sku = g_strdup ("");
          info->name = g_strdup ("");
          info->spec = g_strdup ("");
          info->category = g_strdup ("");
          info->unit = g_strdup ("");
          info->barcode = g_strdup ("");
          info->mnemonic = g_strdup ("");
          info->pack_size = 1;
          info->price_fen = -1;
          g_ptr_array_add (rows, qd_product_new (info, NULL));
          continue;
        }
      {
        g_autofree char *date = last_ordered (self, info->id);

        g_ptr_array_add (rows, qd_product_new (info, date));
      }
    }
  return rows;
}

static gpointer
qd_product_list_model_get_item (GListModel *model,
                                guint       position)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (model);
  guint window = position / WINDOW_SIZE;
  GPtrArray *rows;
  GList *link;

  if (position >= self->rowids->len)
    return NULL;

  rows = g_hash_table_lookup (self->windows, GUINT_TO_POINTER (window));
  if (rows == NULL)
    {
      rows = load_window (self, window);
      g_hash_table_insert (self->windows, GUINT_TO_POINTER (window), rows);
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (window));
      while (self->lru.length > MAX_WINDOWS)
        {
          gpointer old = g_queue_pop_tail (&self->lru);

          /* The view keeps its own references to the items it shows. */
          g_hash_table_remove (self->windows, old);
        }
    }
  else if ((link = g_queue_find (&self->lru, GUINT_TO_POINTER (window))) != self->lru.head)
    {
      g_queue_unlink (&self->lru, link);
      g_queue_push_head_link (&self->lru, link);
    }

  return g_object_ref (g_ptr_array_index (rows, position % WINDOW_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = qd_product_list_model_get_item_type;
  iface->get_n_items = qd_product_list_model_get_n_items;
  iface->get_item = qd_product_list_model_get_item;
}

static void
drop_cache (QdProductListModel *self)
{
  g_hash_table_remove_all (self->windows);
  g_queue_clear (&self->lru);
}

static void
qd_product_list_model_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rowids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_product_list_model_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_product_list_model_finalize (GObject *object)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (object);

  drop_cache (self);
  g_clear_pointer (&self->windows, g_hash_table_unref);
  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (qd_product_list_model_parent_class)->finalize (object);
}

static void
qd_product_list_model_class_init (QdProductListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = qd_product_list_model_get_property;
  object_class->set_property = qd_product_list_model_set_property;
  object_class->finalize = qd_product_list_model_finalize;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, QD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_product_list_model_init (QdProductListModel *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->windows = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->lru);
}

/**
 * qd_product_list_model_new:
 * @store: the cache to read from
 *
 * Returns: (transfer full): an empty model; call qd_product_list_model_set_query() or
 *   qd_product_list_model_reload() to fill it
 */
QdProductListModel *
qd_product_list_model_new (QdStore *store)
{
  g_return_val_if_fail (QD_IS_STORE (store), NULL);

  return g_object_new (QD_TYPE_PRODUCT_LIST_MODEL, "store", store, NULL);
}

QdStore *
qd_product_list_model_get_store (QdProductListModel *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), NULL);

  return self->store;
}

/**
 * qd_product_list_model_reload:
 * @self: a #QdProductListModel
 * @error: return location for a #GError
 *
 * Runs the current query again, after the catalog or the prices changed. On an error the
 * model keeps its rows.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_product_list_model_reload (QdProductListModel *self,
                              GError            **error)
{
  QdProductQuery query = { 0 };
  g_autoptr(GArray) rowids = NULL;
  guint old_len;

  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), FALSE);

  query.text = self->text;
  query.category = self->category;
  query.ordered_before = self->ordered_before;
  /* Every match: the model only holds rowids, the rows are read lazily. */
  query.limit = G_MAXUINT;

  rowids = qd_store_search_rowids (self->store, &query, NULL, error);
  if (rowids == NULL)
    return FALSE;

  old_len = self->rowids->len;
  drop_cache (self);
  g_array_unref (self->rowids);
  self->rowids = g_steal_pointer (&rowids);

  if (old_len != 0 || self->rowids->len != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->rowids->len);
  if (old_len != self->rowids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  return TRUE;
}

/**
 * qd_product_list_model_set_query:
 * @self: a #QdProductListModel
 * @text: (nullable): what the user typed: part of the Chinese name, SKU, barcode, 助记码
 *   or pinyin initials; %NULL or "" for the whole catalog
 * @category: (nullable): only this category
 * @ordered_before: only products that appear in an order
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qd_product_list_model_set_query (QdProductListModel *self,
                                 const char         *text,
                                 const char         *category,
                                 gboolean            ordered_before,
                                 GError            **error)
{
  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), FALSE);

  g_free (self->text);
  self->text = g_strdup (text);
  g_free (self->category);
  self->category = (category != NULL && *category != '\0') ? g_strdup (category) : NULL;
  self->ordered_before = ordered_before;

  return qd_product_list_model_reload (self, error);
}

/**
 * qd_product_list_model_get_n_cached:
 *
 * Returns: how many product rows are cached now (for tests and benchmarks: it stays
 *   bounded however far the view scrolls)
 */
guint
qd_product_list_model_get_n_cached (QdProductListModel *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), 0);

  g_hash_table_iter_init (&iter, self->windows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((GPtrArray *) value)->len;
  return n;
}
