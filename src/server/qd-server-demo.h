/* qd-server-demo.h — the deterministic demo data set
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "qd-server-storage.h"

G_BEGIN_DECLS

#define QD_DEMO_PASSWORD "qudao-demo"

/* Fills an empty database. 0 for the defaults (3,600 products, about 20,000 order lines). */
gboolean qd_server_demo_fill (QdServerStorage  *storage,
                              guint             n_products,
                              guint             n_order_lines,
                              GError          **error);

G_END_DECLS
