/* qd-catalog-model.c — the Order page's catalog as the view sees it: one slot per position
 *
 * GTK 4.8's list views keep a row's widgets across items-changed only for an item that is
 * the same object before and after; for any other item they destroy the row's widgets and
 * build new ones (a column view: a row of seven cells). A search replaces most products on
 * screen, so a keystroke rebuilt every row: 80–450 ms on a loaded machine, against ~1 ms
 * for the search itself (docs/performance.md, "Order page").
 *
 * This model wraps the product list (QdProductListModel, immutable QdProductRow items):
 * its items are QdCatalogSlots, the same slot object for a position as long as a view
 * holds it, and when the products change the slots get their new rows before the change
 * is passed on. The view then finds its items again, keeps the widgets, and the cells,
 * which follow their slot's "row", update their texts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-catalog-model.h"

/* Slots kept beyond those a view holds, at most; a view holds a few dozen. */
#define MAX_IDLE_SLOTS 256
/* Slots from the start of a change that get their new product at once: more than a tall
 * window shows (the page scrolls to the top on a new search). GTK 4.8 keeps up to 200
 * rows built; the texts of those further down are changed from an idle, after the
 * keystroke's frame is done, instead of all in the keystroke. */
#define EAGER_SLOTS 80

struct _QdCatalogModel
{
  GObject     parent_instance;

  /* owned */
  GListModel *rows;
  GHashTable *slots;        /* position (GUINT_TO_POINTER) → QdCatalogSlot */
  guint       stale_from;   /* slots at and after it show an old product, G_MAXUINT: none */
  guint       refresh_id;   /* idle giving those slots their products */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QdCatalogModel, qd_catalog_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return QD_TYPE_CATALOG_SLOT;
}

static guint
get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (QD_CATALOG_MODEL (model)->rows);
}

/* Slots only this model holds (no view shows them): dropped when there are too many. */
static void
prune (QdCatalogModel *self)
{
  GHashTableIter iter;
  gpointer slot;

  if (g_hash_table_size (self->slots) <= MAX_IDLE_SLOTS)
    return;
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, &slot))
    if (G_OBJECT (slot)->ref_count == 1)
      g_hash_table_iter_remove (&iter);
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  QdCatalogModel *self = QD_CATALOG_MODEL (model);
  QdCatalogSlot *slot = g_hash_table_lookup (self->slots, GUINT_TO_POINTER (position));
  g_autoptr(QdProductRow) row = NULL;

  if (slot != NULL)
    return g_object_ref (slot);
  row = g_list_model_get_item (self->rows, position);
  if (row == NULL)
    return NULL;
  prune (self);
  slot = qd_catalog_slot_new (row);
  g_hash_table_insert (self->slots, GUINT_TO_POINTER (position), slot);
  return g_object_ref (slot);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gboolean
refresh_stale_cb (gpointer user_data)
{
  QdCatalogModel *self = user_data;
  guint n = g_list_model_get_n_items (self->rows);
  GHashTableIter iter;
  gpointer key, slot;

  self->refresh_id = 0;
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, &key, &slot))
    {
      guint i = GPOINTER_TO_UINT (key);
      g_autoptr(QdProductRow) row = NULL;

      if (i < self->stale_from || i >= n)
        continue;
      row = g_list_model_get_item (self->rows, i);
      qd_catalog_slot_set_row (slot, row);
    }
  self->stale_from = G_MAXUINT;
  return G_SOURCE_REMOVE;
}

static void
rows_changed_cb (GListModel     *rows,
                 guint           position,
                 guint           removed,
                 guint           added,
                 QdCatalogModel *self)
{
  guint n = g_list_model_get_n_items (rows);
  guint old_n = n - added + removed;
  GHashTableIter iter;
  gpointer key, slot;

  /* Slots from @position on show other products now, or none. Those no view holds go;
   * the others get their new row first, so that a view finding its items again after
   * the change shows the new products without new widgets. */
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, &key, &slot))
    {
      guint i = GPOINTER_TO_UINT (key);
      g_autoptr(QdProductRow) row = NULL;

      if (i < position)
        continue;
      if (i >= n || G_OBJECT (slot)->ref_count == 1)
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      if (i - position >= EAGER_SLOTS)
        {
          self->stale_from = MIN (self->stale_from, position + EAGER_SLOTS);
          continue;
        }
      row = g_list_model_get_item (rows, i);
      qd_catalog_slot_set_row (slot, row);
    }
  /* Slots belong to positions, not to products: everything from @position on changed
   * (items after the change do not move to other slots). */
  if (self->stale_from != G_MAXUINT && self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_LOW, refresh_stale_cb, self, NULL);
  g_list_model_items_changed (G_LIST_MODEL (self), position, old_n - position, n - position);
}

static void
qd_catalog_model_dispose (GObject *object)
{
  QdCatalogModel *self = QD_CATALOG_MODEL (object);

  if (self->rows != NULL)
    g_signal_handlers_disconnect_by_func (self->rows, rows_changed_cb, self);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->slots, g_hash_table_unref);
  G_OBJECT_CLASS (qd_catalog_model_parent_class)->dispose (object);
}

static void
qd_catalog_model_class_init (QdCatalogModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = qd_catalog_model_dispose;
}

static void
qd_catalog_model_init (QdCatalogModel *self)
{
  self->slots = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->stale_from = G_MAXUINT;
}

/**
 * qd_catalog_model_new:
 * @rows: a list of #QdProductRow
 *
 * Returns: (transfer full): a model of #QdCatalogSlot over @rows
 */
QdCatalogModel *
qd_catalog_model_new (GListModel *rows)
{
  QdCatalogModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (rows), NULL);

  self = g_object_new (QD_TYPE_CATALOG_MODEL, NULL);
  self->rows = g_object_ref (rows);
  g_signal_connect (rows, "items-changed", G_CALLBACK (rows_changed_cb), self);
  return self;
}
