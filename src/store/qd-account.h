/* qd-account.h — which account a data directory's cache belongs to
 *
 * A data directory holds the caches of the accounts that used it (one SQLite file each,
 * named by qd_store_path_for_account()) and a small key file naming the current one: the
 * server URL and the user name written at login. No secrets: the token is in the keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The data directory to use when the caller gives none: $XDG_DATA_HOME/qudao. */
char     *qd_account_default_data_dir (void);
/* data_dir/account.ini */
char     *qd_account_file_path        (const char  *data_dir);

/* Writes the current account atomically (creating data_dir with mode 0700). */
gboolean  qd_account_save             (const char  *data_dir,
                                       const char  *server_url,
                                       const char  *username,
                                       GError     **error);
/* Reads the current account. %FALSE with %QD_STORE_ERROR_NOT_FOUND when nobody logged in
 * here yet; %QD_STORE_ERROR_INVALID when the file is damaged. */
gboolean  qd_account_load             (const char  *data_dir,
                                       char       **out_server_url,
                                       char       **out_username,
                                       GError     **error);

G_END_DECLS
