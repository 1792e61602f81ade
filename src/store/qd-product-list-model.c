/* qd-product-list-model.c — a lazy GListModel over a catalog search
 *
 * Holds only the rowids of the matching products (8 bytes each: 800 KB for the whole
 * 100,000-product catalog). Rows are read when a view asks for an item, a window of
 * QD_PRODUCT_LIST_MODEL_WINDOW around it, and only those become QdProductRow objects; a few
 * recent windows are kept (a view straddling a window boundary must not reread both for
 * every item), older ones are dropped. No GObject per product otherwise.
 *
 * Incremental mode (qd_product_list_model_set_incremental(), what the Order page uses):
 * a query first reads only QD_PRODUCT_LIST_MODEL_FIRST_PAGE rowids, enough for any screen,
 * so a keystroke shows its rows at once even when the text matches most of the catalog
 * (one letter of a SKU matches all 100,000). The full list is then read on a worker thread,
 * on a connection of its own, and appended with one items-changed; a newer query cancels
 * it. Until it arrives, the "complete" property is FALSE.
 *
 * In this model a query limit of 0 means every match (the store's search defaults to 50).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "qd-product-list-model.h"
#include "qd-store-private.h"

/* Windows kept at once: 4 × 64 rows, as many as the single window of 256 of before. */
#define N_WINDOWS 4

/* The worker's connection, shared by the model and its running searches. One search at a
 * time uses it (the lock); the last reference closes it, in whichever thread that is. */
typedef struct
{
  gatomicrefcount ref;
  GMutex          lock;
  QdStore        *store;
} Reader;

static Reader *
reader_ref (Reader *reader)
{
  g_atomic_ref_count_inc (&reader->ref);
  return reader;
}

static void
reader_unref (Reader *reader)
{
  if (!g_atomic_ref_count_dec (&reader->ref))
    return;
  g_clear_object (&reader->store);
  g_mutex_clear (&reader->lock);
  g_free (reader);
}

typedef struct
{
  guint      start;
  guint      stamp;         /* last use, for dropping the oldest */
  GPtrArray *rows;          /* QdProductRow, for positions start… */
} Window;

struct _QdProductListModel
{
  GObject    parent_instance;

  /* owned */
  QdStore   *store;
  GArray    *rowids;        /* gint64, in rank order */
  Window     windows[N_WINDOWS];
  guint      clock;
  char      *dealer_id;     /* read once per query, not once per window */

  /* the last query, for refresh () */
  char      *text;
  char      *category;
  gboolean   ordered_before;
  gboolean   include_inactive;
  guint      limit;

  /* incremental mode */
  gboolean      incremental;
  gboolean      complete;
  Reader       *reader;
  GCancellable *rest_cancellable;   /* the worker's search of the full list, if running */
};

enum {
  PROP_0,
  PROP_COMPLETE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
drop_windows (QdProductListModel *self)
{
  for (guint i = 0; i < N_WINDOWS; i++)
    g_clear_pointer (&self->windows[i].rows, g_ptr_array_unref);
}

static Window *
load_window (QdProductListModel *self,
             guint               position)
{
  guint start = position - position % QD_PRODUCT_LIST_MODEL_WINDOW;
  guint end = MIN (start + QD_PRODUCT_LIST_MODEL_WINDOW, self->rowids->len);
  Window *window = &self->windows[0];

  /* An empty slot, else the one used longest ago. */
  for (guint i = 0; i < N_WINDOWS && window->rows != NULL; i++)
    if (self->windows[i].rows == NULL || self->windows[i].stamp < window->stamp)
      window = &self->windows[i];

  g_clear_pointer (&window->rows, g_ptr_array_unref);
  window->rows = g_ptr_array_new_full (end - start, g_object_unref);
  window->start = start;

  for (guint i = start; i < end; i++)
    {
      gint64 rowid = g_array_index (self->rowids, gint64, i);
      g_autoptr(GError) error = NULL;
      QdProductInfo *info = _qd_store_product_by_rowid (self->store, rowid, self->dealer_id,
                                                        &error);

      if (info == NULL)
        {
          g_debug ("product row %" G_GINT64_FORMAT ": %s", rowid, error->message);
          info = placeholder (rowid);
        }
      g_ptr_array_add (window->rows, qd_product_row_new (info));
    }
  return window;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (model);
  Window *window = NULL;

  if (position >= self->rowids->len)
    return NULL;
  for (guint i = 0; i < N_WINDOWS && window == NULL; i++)
    if (self->windows[i].rows != NULL && position >= self->windows[i].start
        && position < self->windows[i].start + self->windows[i].rows->len)
      window = &self->windows[i];
  if (window == NULL)
    window = load_window (self, position);
  window->stamp = ++self->clock;
  return g_object_ref (g_ptr_array_index (window->rows, position - window->start));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
cancel_rest (QdProductListModel *self)
{
  if (self->rest_cancellable != NULL)
    {
      g_cancellable_cancel (self->rest_cancellable);
      g_clear_object (&self->rest_cancellable);
    }
}

static void
set_complete (QdProductListModel *self,
              gboolean            complete)
{
  if (self->complete == complete)
    return;
  self->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

static void
qd_product_list_model_finalize (GObject *object)
{
  QdProductListModel *self = QD_PRODUCT_LIST_MODEL (object);

  cancel_rest (self);
  drop_windows (self);
  g_clear_pointer (&self->reader, reader_unref);
  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->dealer_id, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->category, g_free);
  G_OBJECT_CLASS (qd_product_list_model_parent_class)->finalize (object);
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
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_product_list_model_class_init (QdProductListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qd_product_list_model_finalize;
  object_class->get_property = qd_product_list_model_get_property;

  /**
   * QdProductListModel:complete:
   *
   * FALSE while an incremental query still reads the rest of its matches.
   */
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_product_list_model_init (QdProductListModel *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->complete = TRUE;
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
 * qd_product_list_model_set_incremental:
 * @incremental: %TRUE to show the first matches at once and read the rest on a worker
 *   thread
 *
 * Takes effect at the next query.
 */
void
qd_product_list_model_set_incremental (QdProductListModel *self,
                                       gboolean            incremental)
{
  g_return_if_fail (QD_IS_PRODUCT_LIST_MODEL (self));
  self->incremental = !!incremental;
}

/**
 * qd_product_list_model_is_complete:
 *
 * Returns: %FALSE while an incremental query still reads the rest of its matches
 */
gboolean
qd_product_list_model_is_complete (QdProductListModel *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), TRUE);
  return self->complete;
}

/* Replaces the rowids and tells the views. With @keep_prefix (a new query on the same
 * data), the items before the first difference stay as they are: a view keeps their
 * widgets (GTK 4.8 builds a new row of widgets for every item it is told changed, which is
 * most of a keystroke's cost on the Order page). Without it (refresh (): the data changed,
 * the same product may have a new price), every item is new. */
static void
replace_rowids (QdProductListModel *self,
                GArray             *rowids,
                gboolean            keep_prefix)
{
  guint old_len = self->rowids->len;
  guint common = 0;

  if (keep_prefix)
    while (common < old_len && common < rowids->len
           && g_array_index (self->rowids, gint64, common) == g_array_index (rowids, gint64, common))
      common++;

  g_array_unref (self->rowids);
  self->rowids = g_array_ref (rowids);
  /* Rows from the first difference on may be other products now. */
  for (guint i = 0; i < N_WINDOWS; i++)
    {
      Window *window = &self->windows[i];

      if (window->rows == NULL || window->start + window->rows->len <= common)
        continue;
      if (window->start < common)
        g_ptr_array_set_size (window->rows, common - window->start);
      else
        g_clear_pointer (&window->rows, g_ptr_array_unref);
    }
  if (common < old_len || common < rowids->len)
    g_list_model_items_changed (G_LIST_MODEL (self), common, old_len - common,
                                rowids->len - common);
}

/* ---- the rest of an incremental query, on a worker thread ------------------------------- */

typedef struct
{
  Reader        *reader;
  QdProductQuery query;      /* strings owned */
  GWeakRef       model;
} RestData;

static void
rest_data_free (RestData *d)
{
  reader_unref (d->reader);
  g_free ((char *) d->query.text);
  g_free ((char *) d->query.category);
  g_weak_ref_clear (&d->model);
  g_free (d);
}

static void
rest_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RestData *d = task_data;
  GError *error = NULL;
  GArray *rowids;

  g_mutex_lock (&d->reader->lock);
  if (g_cancellable_is_cancelled (cancellable))
    rowids = NULL;
  else
    {
      /* A newer query interrupts this one inside SQLite. */
      _qd_store_set_cancellable (d->reader->store, cancellable);
      rowids = qd_store_search_rowids (d->reader->store, &d->query, NULL, &error);
      _qd_store_set_cancellable (d->reader->store, NULL);
    }
  g_mutex_unlock (&d->reader->lock);

  /* Interrupted or not, a superseded search reports only that. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_pointer (&rowids, g_array_unref);
      g_clear_error (&error);
      g_cancellable_set_error_if_cancelled (cancellable, &error);
    }
  if (rowids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rowids, (GDestroyNotify) g_array_unref);
}

static void
rest_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RestData *d = g_task_get_task_data (G_TASK (result));
  g_autoptr(QdProductListModel) self = g_weak_ref_get (&d->model);
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GError) error = NULL;
  guint old_len;

  rowids = g_task_propagate_pointer (G_TASK (result), &error);
  /* Superseded (a newer query, or the model is gone): nothing to do. */
  if (self == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_clear_object (&self->rest_cancellable);
  if (rowids == NULL)
    {
      /* The first page stays; the list is short of the rest, which a view cannot tell. */
      g_debug ("The rest of the search failed: %s", error->message);
      set_complete (self, TRUE);
      return;
    }

  /* The worker saw the same query on a snapshot of its own: normally the first page is
   * its beginning and the rest is appended. A sync in between may have changed it; then
   * the differing part is replaced. */
  old_len = self->rowids->len;
  if (rowids->len >= old_len
      && memcmp (rowids->data, self->rowids->data, old_len * sizeof (gint64)) == 0)
    {
      if (rowids->len > old_len)
        {
          g_array_unref (self->rowids);
          self->rowids = g_steal_pointer (&rowids);
          g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0,
                                      self->rowids->len - old_len);
        }
    }
  else
    replace_rowids (self, rowids, TRUE);
  set_complete (self, TRUE);
}

static gboolean
start_rest (QdProductListModel    *self,
            const QdProductQuery  *query,
            GError               **error)
{
  g_autoptr(GTask) task = NULL;
  RestData *d;

  /* Opened here rather than in the worker: a file deleted meanwhile must not be created
   * again by it. */
  if (self->reader == NULL)
    {
      QdStore *store = qd_store_open_full (qd_store_get_path (self->store),
                                           QD_STORE_OPEN_NO_CHECK, error);

      if (store == NULL)
        return FALSE;
      self->reader = g_new0 (Reader, 1);
      g_atomic_ref_count_init (&self->reader->ref);
      g_mutex_init (&self->reader->lock);
      self->reader->store = store;
    }

  d = g_new0 (RestData, 1);
  d->reader = reader_ref (self->reader);
  d->query = *query;
  d->query.text = g_strdup (query->text);
  d->query.category = g_strdup (query->category);
  g_weak_ref_init (&d->model, self);

  self->rest_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->rest_cancellable, rest_done_cb, NULL);
  g_task_set_source_tag (task, start_rest);
  g_task_set_task_data (task, d, (GDestroyNotify) rest_data_free);
  g_task_run_in_thread (task, rest_thread);
  return TRUE;
}

static gboolean
run_query (QdProductListModel  *self,
           gboolean             keep_prefix,
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
  gboolean partial = FALSE;

  cancel_rest (self);

  /* Incremental: the first page now (one more row than it shows tells whether there is
   * more), the rest from the worker. */
  if (self->incremental && query.limit > QD_PRODUCT_LIST_MODEL_FIRST_PAGE)
    {
      QdProductQuery first = query;

      first.limit = QD_PRODUCT_LIST_MODEL_FIRST_PAGE + 1;
      rowids = qd_store_search_rowids (self->store, &first, NULL, error);
      if (rowids == NULL)
        return FALSE;
      if (rowids->len > QD_PRODUCT_LIST_MODEL_FIRST_PAGE)
        {
          g_array_set_size (rowids, QD_PRODUCT_LIST_MODEL_FIRST_PAGE);
          partial = TRUE;
        }
    }
  else
    {
      rowids = qd_store_search_rowids (self->store, &query, NULL, error);
      if (rowids == NULL)
        return FALSE;
    }

  g_free (self->dealer_id);
  self->dealer_id = qd_store_dup_meta (self->store, QD_STORE_META_DEALER_ID);
  replace_rowids (self, rowids, keep_prefix);

  if (partial)
    {
      g_autoptr(GError) local_error = NULL;

      if (!start_rest (self, &query, &local_error))
        {
          /* The first page is shown; say why the rest is missing. */
          g_propagate_error (error, g_steal_pointer (&local_error));
          set_complete (self, TRUE);
          return FALSE;
        }
    }
  set_complete (self, !partial);
  return TRUE;
}

/**
 * qd_product_list_model_refresh:
 *
 * Runs the last query again (after a sync changed the catalog) and tells the views that
 * every item changed.
 */
gboolean
qd_product_list_model_refresh (QdProductListModel  *self,
                               GError             **error)
{
  g_return_val_if_fail (QD_IS_PRODUCT_LIST_MODEL (self), FALSE);

  return run_query (self, FALSE, error);
}

/**
 * qd_product_list_model_set_query:
 * @query: the search (strings are copied); limit 0 means every match
 *
 * Replaces the model's contents with the products matching @query, best first. On error
 * the model keeps its previous contents. Items at the beginning that are the same products
 * as before stay the same items (the catalog is taken as unchanged since the last query:
 * after a sync, use qd_product_list_model_refresh()).
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
  return run_query (self, TRUE, error);
}
