/* qd-stock-import.c — a dealer's stock CSV read and checked for the import preview
 *
 * Core's qd_stock_csv_validate does the reading (UTF-8 or GB18030, header detection) and
 * the checks, collecting every bad line; this object looks the SKUs up in the cache and
 * turns the result into two list models for the preview: the good lines as grid rows, and
 * one sentence per problem naming the line, the column and the reason. Nothing is written
 * until the user accepts the preview.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-csv.h"
#include "qd-stock-import.h"
#include "qd-stock-row.h"

struct _QdStockImport
{
  GObject parent_instance;

  GListStore *rows;          /* of QdStockRow */
  GtkStringList *issues;
  gboolean from_gb18030;
};

G_DEFINE_FINAL_TYPE (QdStockImport, qd_stock_import, G_TYPE_OBJECT)

typedef struct
{
  QdStore *store;
  GHashTable *by_sku;        /* sku → QdProductInfo, or a NULL value for unknown */
  GHashTable *by_id;         /* product id → QdProductInfo (borrowed from by_sku) */
} Lookup;

static void
product_info_free0 (gpointer info)
{
  if (info != NULL)
    qd_product_info_free (info);
}

static gboolean
lookup_cb (const char   *sku,
           QdCsvProduct *out,
           gpointer      user_data)
{
  Lookup *lookup = user_data;
  QdProductInfo *info;
  gpointer value;

  /* One file repeats a SKU once per lot: ask the cache once per SKU. */
  if (g_hash_table_lookup_extended (lookup->by_sku, sku, NULL, &value))
    info = value;
  else
    {
      info = qd_store_get_product_by_sku (lookup->store, sku, NULL);
      g_hash_table_insert (lookup->by_sku, g_strdup (sku), info);
      if (info != NULL)
        g_hash_table_insert (lookup->by_id, info->id, info);
    }
  if (info == NULL)
    return FALSE;
  out->product_id = g_strdup (info->id);
  out->lot_tracked = info->lot_tracked;
  out->active = info->active;
  return TRUE;
}

static void
qd_stock_import_finalize (GObject *object)
{
  QdStockImport *self = QD_STOCK_IMPORT (object);

  g_clear_object (&self->rows);
  g_clear_object (&self->issues);

  G_OBJECT_CLASS (qd_stock_import_parent_class)->finalize (object);
}

static void
qd_stock_import_class_init (QdStockImportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_stock_import_finalize;
}

static void
qd_stock_import_init (QdStockImport *self)
{
  self->rows = g_list_store_new (QD_TYPE_STOCK_ROW);
  self->issues = gtk_string_list_new (NULL);
}

/**
 * qd_stock_import_new:
 * @data: the file's bytes, UTF-8 or GB18030
 * @as_of: the report's date; expiry dates before it are flagged
 * @error: a file-level problem (not text, no SKU column, no data)
 *
 * Returns: (transfer full) (nullable): the preview
 */
QdStockImport *
qd_stock_import_new (QdStore     *store,
                     const char  *data,
                     gsize        length,
                     const char  *as_of,
                     GError     **error)
{
  g_autoptr(QdStockImport) self = NULL;
  g_autoptr(QdStockCsv) csv = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  Lookup lookup = { store, NULL, NULL };

  g_return_val_if_fail (QD_IS_STORE (store), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (as_of != NULL, NULL);

  lookup.by_sku = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         product_info_free0);
  lookup.by_id = g_hash_table_new (g_str_hash, g_str_equal);
  /* One read transaction around the lookups: one snapshot, one file lock. */
  if (!qd_store_begin_read (store, error))
    {
      g_hash_table_unref (lookup.by_id);
      g_hash_table_unref (lookup.by_sku);
      return NULL;
    }
  csv = qd_stock_csv_validate (data, length, as_of, lookup_cb, &lookup, error);
  qd_store_end_read (store);
  if (csv == NULL)
    {
      g_hash_table_unref (lookup.by_id);
      g_hash_table_unref (lookup.by_sku);
      return NULL;
    }

  self = g_object_new (QD_TYPE_STOCK_IMPORT, NULL);
  self->from_gb18030 = csv->from_gb18030;

  rows = g_ptr_array_new_full (csv->lines->len, g_object_unref);
  for (guint i = 0; i < csv->lines->len; i++)
    {
      QdStockCsvLine *line = &g_array_index (csv->lines, QdStockCsvLine, i);
      QdProductInfo *info = g_hash_table_lookup (lookup.by_id, line->product_id);
      QdStockRow *row = qd_stock_row_new (line->product_id, line->sku,
                                          info != NULL ? info->name : NULL,
                                          info != NULL ? info->unit : NULL,
                                          info != NULL && info->lot_tracked);
      char qty[32];

      g_snprintf (qty, sizeof qty, "%" G_GINT64_FORMAT, line->qty);
      qd_stock_row_set_qty_text (row, qty);
      qd_stock_row_set_lot (row, line->lot);
      qd_stock_row_set_expiry (row, line->expiry);
      g_ptr_array_add (rows, row);
    }
  g_list_store_splice (self->rows, 0, 0, rows->pdata, rows->len);

  issues = g_ptr_array_new_full (csv->issues->len + 1, g_free);
  for (guint i = 0; i < csv->issues->len; i++)
    {
      QdCsvIssue *issue = &g_array_index (csv->issues, QdCsvIssue, i);

      /* Translators: one bad line of an imported stock CSV: line, column, reason. */
      g_ptr_array_add (issues, g_strdup_printf (_("Line %u, column %u: %s"), issue->line,
                                                issue->column, issue->message));
    }
  g_ptr_array_add (issues, NULL);
  gtk_string_list_splice (self->issues, 0, 0, (const char * const *) issues->pdata);

  g_hash_table_unref (lookup.by_id);
  g_hash_table_unref (lookup.by_sku);
  return g_steal_pointer (&self);
}

/**
 * qd_stock_import_get_rows:
 *
 * Returns: (transfer none): the good lines as #QdStockRow, in file order
 */
GListModel *
qd_stock_import_get_rows (QdStockImport *self)
{
  g_return_val_if_fail (QD_IS_STOCK_IMPORT (self), NULL);
  return G_LIST_MODEL (self->rows);
}

/**
 * qd_stock_import_get_issues:
 *
 * Returns: (transfer none): one #GtkStringObject per problem, in file order
 */
GListModel *
qd_stock_import_get_issues (QdStockImport *self)
{
  g_return_val_if_fail (QD_IS_STOCK_IMPORT (self), NULL);
  return G_LIST_MODEL (self->issues);
}

gboolean
qd_stock_import_get_from_gb18030 (QdStockImport *self)
{
  g_return_val_if_fail (QD_IS_STOCK_IMPORT (self), FALSE);
  return self->from_gb18030;
}
