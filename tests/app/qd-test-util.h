/* qd-test-util.h — helpers shared by the widget tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "qd-application.h"

G_BEGIN_DECLS

QdApplication *qd_test_application_new (void);
GtkWidget     *qd_test_find_widget     (GtkWidget  *root,
                                        GType       type,
                                        const char *css_class);
GtkWindow     *qd_test_find_toplevel   (GType       type);
void           qd_test_collect_labels  (GtkWidget  *root,
                                        GPtrArray  *texts);
void           qd_test_drain           (void);
void           qd_test_show_window     (GtkWindow  *window);

G_END_DECLS
