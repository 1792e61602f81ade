/* qd-sign-in-window.h — the sign-in view: server address, user name, password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_SIGN_IN_WINDOW (qd_sign_in_window_get_type ())
G_DECLARE_FINAL_TYPE (QdSignInWindow, qd_sign_in_window, QD, SIGN_IN_WINDOW, AdwWindow)

QdSignInWindow *qd_sign_in_window_new        (GtkWindow      *parent,
                                              const char     *data_dir);
char           *qd_sign_in_describe_error    (const GError   *error,
                                              const char     *server_url);
const char     *qd_sign_in_window_get_error  (QdSignInWindow *self);
void            qd_sign_in_window_set_account (QdSignInWindow *self,
                                              const char     *server_url,
                                              const char     *username);

G_END_DECLS
