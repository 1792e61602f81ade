/* qd-preferences-window.h — the Preferences window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_PREFERENCES_WINDOW (qd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (QdPreferencesWindow, qd_preferences_window, QD, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

QdPreferencesWindow *qd_preferences_window_new (GtkWindow *parent);
void                 qd_preferences_window_set_account_url (QdPreferencesWindow *self,
                                                            const char          *url);

G_END_DECLS
