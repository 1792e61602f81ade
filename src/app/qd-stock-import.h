/* qd-stock-import.h — a dealer's stock CSV read and checked for the import preview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_STOCK_IMPORT (qd_stock_import_get_type ())
G_DECLARE_FINAL_TYPE (QdStockImport, qd_stock_import, QD, STOCK_IMPORT, GObject)

QdStockImport *qd_stock_import_new          (QdStore       *store,
                                             const char    *data,
                                             gsize          length,
                                             const char    *as_of,
                                             GError       **error);
GListModel    *qd_stock_import_get_rows     (QdStockImport *self);
GListModel    *qd_stock_import_get_issues   (QdStockImport *self);
gboolean       qd_stock_import_get_from_gb18030 (QdStockImport *self);

G_END_DECLS
