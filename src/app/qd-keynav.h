/* qd-keynav.h — keyboard navigation helpers shared by the pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void qd_keynav_tab_leaves_list (GtkWidget *list);

G_END_DECLS
