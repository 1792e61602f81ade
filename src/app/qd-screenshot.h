/* qd-screenshot.h — a window rendered into a PNG, for tools/screenshots.sh
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean qd_screenshot_save_window (GtkWindow   *self,
                                    const char  *path,
                                    GError     **error);

G_END_DECLS
