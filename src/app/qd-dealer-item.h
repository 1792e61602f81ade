/* qd-dealer-item.h — one dealer of the manager's table, as a GObject for GtkColumnView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-dashboard.h"

G_BEGIN_DECLS

#define QD_TYPE_DEALER_ITEM (qd_dealer_item_get_type ())
G_DECLARE_FINAL_TYPE (QdDealerItem, qd_dealer_item, QD, DEALER_ITEM, GObject)

/* Sort keys of figures that may be missing: they sort below every real value. */
#define QD_DEALER_ITEM_NO_VALUE G_MININT64

QdDealerItem      *qd_dealer_item_new      (const QdDealerRow *row);
const QdDealerRow *qd_dealer_item_get_row  (QdDealerItem      *self);
gboolean           qd_dealer_item_set_row  (QdDealerItem      *self,
                                            const QdDealerRow *row);

/* The texts the table and the CSV show, so both say the same. */
char *qd_dealer_item_dup_attainment_text (QdDealerItem *self);
char *qd_dealer_item_dup_growth_text     (QdDealerItem *self);
char *qd_dealer_item_dup_cover_text      (QdDealerItem *self);
char *qd_dealer_item_dup_statement_text  (QdDealerItem *self);

char *qd_format_percent_bp  (gint64 bp);
char *qd_format_growth_bp   (gint64 bp);
char *qd_format_cover       (const QdCover *cover);
const char *qd_statement_status_text (const char *status);

G_END_DECLS
