/* qd-catalog-model.h — the Order page's catalog as the view sees it: one slot per position
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "qd-catalog-slot.h"

G_BEGIN_DECLS

#define QD_TYPE_CATALOG_MODEL (qd_catalog_model_get_type ())
G_DECLARE_FINAL_TYPE (QdCatalogModel, qd_catalog_model, QD, CATALOG_MODEL, GObject)

QdCatalogModel *qd_catalog_model_new (GListModel *rows);

G_END_DECLS
