/* qd-catalog-slot.h — one row position of the Order page's catalog view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-product-row.h"

G_BEGIN_DECLS

#define QD_TYPE_CATALOG_SLOT (qd_catalog_slot_get_type ())
G_DECLARE_FINAL_TYPE (QdCatalogSlot, qd_catalog_slot, QD, CATALOG_SLOT, GObject)

QdCatalogSlot *qd_catalog_slot_new     (QdProductRow  *row);
QdProductRow  *qd_catalog_slot_get_row (QdCatalogSlot *self);
void           qd_catalog_slot_set_row (QdCatalogSlot *self,
                                        QdProductRow  *row);

G_END_DECLS
