/* qd-product-list-model.c — a lazy GListModel over a catalog search
 *
 * Holds only the rowids of the matching products (8 bytes each: 800 KB for the whole
 * 100,000-product catalog). Rows are read when a view asks for an item, a window of
 * QD_PRODUCT_LIST_MODEL_WINDOW at a time around it, and only those become QdProductRow
 * objects; scrolling elsewhere replaces the window. No GObject per product otherwise.
 *
 * In this model a query limit of 0 means every match (the store's search defaults to 50).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-product-list-model.h"
#include "qd-store-private.h"

struct _QdProductListModel
{
  GObject    parent_instance;

  /* owned */
  QdStore   *store;
  GArray    *rowids;        /* gint64, in rank order */
  GPtrArray *window;        /* QdProductRow, for positions window_start… */
  guint      window_start;

  /* the last query, for refresh () */
  char      *text;
  char      *category;
  gboolean   ordered_before;
  gboolean   include_inactive;
  guint      limit;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QdProductListModel, qd_product_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return QD_TYPE_PRODUCT_ROW;
}

static guint
get_n_items (GListModel *model)
{
  return QD_PRODUCT_LIST_MODEL (model)->rowids->len;
}

/* A product deleted since the search still needs an item: an empty row. */
static QdProductInfo *
placeholder (gint64 rowid)
{
  QdProductInfo *info = g_new0 (QdProductInfo, 1);

  info->rowid = rowid;
  info->id = g_strdup ("");
  info->sku = g_strdup ("");
  info->name = g_strdup ("");
  info->spec = g_strdup ("");
  info->category = g_strdup ("");
  info->unit = g_strdup ("");
  info->barcode = g_strdup ("");
  info->mnemonic = g_strdup ("");
  info->abbr = g_strdup ("");
  info->pack_size = 1;
  info->price_fen = -1;
  info->rank = QD_MATCH_ALL;
  return info;
}

static void
load_window (QdProductListModel *self,
             guint               position)
{
  g_autofree char *dealer_id = qd_store_dup_meta (self->store, QD_STORE_META_DEALER_ID);
  guint start = position - position % QD_PRODUCT_LIST_MODEL_WINDOW;
  guint end = MIN (start + QD_PRODUCT_LIST_MODEL_WINDOW, self->rowids->len);

  g_clear_pointer (&self->window, g_ptr_array_unref);
  self->window = g_ptr_array_new_full (end - start, g_object_unref);
  self->window_start = start;

  for (guint i = start; i < end; i++)
    {
      gint64 rowid = g_array_index (self->rowids, gint64, i);
      g_autoptr(GError) error = NULL;
      QdProductInfo *info = _qd_store_product_by_rowid (self->store, rowid, dealer_id, &error);

      if (info == NULL)
        {
          g_debug ("product row %" G_GINT64_FORMAT ": %s", rowid, error->message);
          info = placeholder (rowid);
        }
      g_ptr_array_add (self->window, qd_product_row_new (info));
    }
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (model);

  if (position >= self->rowids->len)
    return NULL;
  if (self->window == NULL || position < self->window_start
      || position >= self->window_start + self->window->len)
    load_window (self, position);
  return g_object_ref (g_ptr_array_index (self->window, position - self->window_start));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
qd_product_list_model_finalize (GObject *object)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (object);

  g_clear_pointer (&self->window, g_ptr_array_unref);
  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->category, g_free);
  G_OBJECT_CLASS (qd_product_list_model_parent_class)->finalize (object);
}

static void
qd_product_list_model_class_init (QdProductListModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_product_list_model_finalize;
}

static void
qd_product_list_model_init (QdProductListModel *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/**
 * qd_product_list_model_new:
 *
 * Returns: (transfer full): an empty model; set a query to fill it
 */
QdProductListModel *
qd_product_list_model_new (QdStore *store)
{
  QdProductListModel *self;

  g_return_val_if_fail (QD_IS_STORE (store), NULL);

  self = g_object_new (QD_TYPE_PRODUCT_LIST_MODEL, NULL);
  self->store = g_object_ref (store);
  return self;
}

QdStore *
qd_product_list_model_get_store (QdProductListModel *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), NULL);
  return self->store;
}

/**
 * qd_product_list_model_refresh:
 *
 * Runs the last query again (after a sync changed the catalog) and tells the views.
 */
gboolean
qd_product_list_model_refresh (QdProductListModel  *self,
                               GError             **error)
{
  QdProductQuery query = {
    .text = self->text,
    .category = self->category,
    .ordered_before = self->ordered_before,
    .include_inactive = self->include_inactive,
    .limit = self->limit == 0 ? G_MAXUINT : self->limit,
  };
  g_autoptr(GArray) rowids = NULL;
  guint old_len;

  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), FALSE);

  rowids = qd_store_search_rowids (self->store, &query, NULL, error);
  if (rowids == NULL)
    return FALSE;

  old_len = self->rowids->len;
  g_array_unref (self->rowids);
  self->rowids = g_steal_pointer (&rowids);
  g_clear_pointer (&self->window, g_ptr_array_unref);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->rowids->len);
  return TRUE;
}

/**
 * qd_product_list_model_set_query:
 * @query: the search (strings are copied); limit 0 means every match
 *
 * Replaces the model's contents with the products matching @query, best first. On error
 * the model keeps its previous contents.
 */
gboolean
qd_product_list_model_set_query (QdProductListModel    *self,
                                 const QdProductQuery  *query,
                                 GError               **error)
{
  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);

  g_free (self->text);
  g_free (self->category);
  self->text = g_strdup (query->text);
  self->category = g_strdup (query->category);
  self->ordered_before = query->ordered_before;
  self->include_inactive = query->include_inactive;
  self->limit = query->limit;
  return qd_product_list_model_refresh (self, error);
}
