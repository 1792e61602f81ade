/* qd-stock-page.h — the Stock page (库存)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-stock-import.h"
#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_STOCK_PAGE (qd_stock_page_get_type ())
G_DECLARE_FINAL_TYPE (QdStockPage, qd_stock_page, QD, STOCK_PAGE, AdwBin)

/* Lots expiring within this many days of the stock date are highlighted. */
#define QD_STOCK_EXPIRY_WARN_DAYS 90

void        qd_stock_page_set_store     (QdStockPage   *self,
                                         QdStore       *store);
void        qd_stock_page_reload        (QdStockPage   *self);
void        qd_stock_page_reload_history (QdStockPage  *self);
GListModel *qd_stock_page_get_rows      (QdStockPage   *self);
void        qd_stock_page_set_as_of     (QdStockPage   *self,
                                         const char    *as_of);
gboolean    qd_stock_page_add_product   (QdStockPage   *self,
                                         const char    *product_id,
                                         GError       **error);
void        qd_stock_page_add_lot       (QdStockPage   *self,
                                         guint          position);
char       *qd_stock_page_submit        (QdStockPage   *self,
                                         GError       **error);
const char *qd_stock_page_get_message   (QdStockPage   *self);
QdStockImport *qd_stock_page_preview_import (QdStockPage *self,
                                         const char    *data,
                                         gsize          length,
                                         GError       **error);
GtkWidget  *qd_stock_page_show_import   (QdStockPage   *self,
                                         QdStockImport *import,
                                         const char    *name);
void        qd_stock_page_import_file   (QdStockPage   *self,
                                         GFile         *file);
void        qd_stock_page_accept_import (QdStockPage   *self,
                                         QdStockImport *import);
gboolean    qd_stock_page_load_report   (QdStockPage   *self,
                                         const char    *report_id,
                                         GError       **error);
GtkListBox *qd_stock_page_get_history   (QdStockPage   *self);

int         qd_stock_expiry_days        (const char    *as_of,
                                         const char    *expiry);

G_END_DECLS
