/* qd-cart-pane.h — the cart beside the catalog on the Order page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-product-row.h"
#include "qd-store.h"

G_BEGIN_DECLS

#define QD_TYPE_CART_PANE (qd_cart_pane_get_type ())
G_DECLARE_FINAL_TYPE (QdCartPane, qd_cart_pane, QD, CART_PANE, GtkBox)

void        qd_cart_pane_set_store        (QdCartPane  *self,
                                           QdStore     *store);
void        qd_cart_pane_reload           (QdCartPane  *self);
void        qd_cart_pane_begin_add        (QdCartPane  *self,
                                           QdProductRow   *product);
void        qd_cart_pane_set_candidate    (QdCartPane  *self,
                                           QdProductRow   *product);
gboolean    qd_cart_pane_add              (QdCartPane  *self,
                                           const char  *product_id,
                                           gint64       qty,
                                           GError     **error);
gboolean    qd_cart_pane_set_qty          (QdCartPane  *self,
                                           const char  *product_id,
                                           gint64       qty,
                                           GError     **error);
guint       qd_cart_pane_get_n_lines      (QdCartPane  *self);
gint64      qd_cart_pane_get_total_fen    (QdCartPane  *self);
gboolean    qd_cart_pane_get_over_credit  (QdCartPane  *self);
gboolean    qd_cart_pane_load_order       (QdCartPane  *self,
                                           const char  *order_id,
                                           gboolean     resubmit,
                                           GError     **error);
const char *qd_cart_pane_get_resubmit_id  (QdCartPane  *self);
void        qd_cart_pane_confirm_submit   (QdCartPane  *self);
char       *qd_cart_pane_submit           (QdCartPane  *self,
                                           GError     **error);

G_END_DECLS
