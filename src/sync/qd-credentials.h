/* qd-credentials.h — the session token of one account, kept in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define QD_TYPE_CREDENTIALS (qd_credentials_get_type ())
G_DECLARE_FINAL_TYPE (QdCredentials, qd_credentials, QD, CREDENTIALS, GObject)

/* Schema "io.github.qudao.Qudao.Token", attributes "server" and "user". */
const SecretSchema *qd_credentials_get_schema (void);

QdCredentials *qd_credentials_new            (const char           *server_url,
                                              const char           *username);
const char    *qd_credentials_get_server_url (QdCredentials        *self);
const char    *qd_credentials_get_username   (QdCredentials        *self);

gboolean       qd_credentials_store_sync     (QdCredentials        *self,
                                              const char           *token,
                                              GCancellable         *cancellable,
                                              GError              **error);
/* Returns the token, or %NULL without an error when none is stored. */
char          *qd_credentials_lookup_sync    (QdCredentials        *self,
                                              GCancellable         *cancellable,
                                              GError              **error);
gboolean       qd_credentials_clear_sync     (QdCredentials        *self,
                                              GCancellable         *cancellable,
                                              GError              **error);

void           qd_credentials_store_async    (QdCredentials        *self,
                                              const char           *token,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       qd_credentials_store_finish   (QdCredentials        *self,
                                              GAsyncResult         *result,
                                              GError              **error);
void           qd_credentials_lookup_async   (QdCredentials        *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
char          *qd_credentials_lookup_finish  (QdCredentials        *self,
                                              GAsyncResult         *result,
                                              GError              **error);
void           qd_credentials_clear_async    (QdCredentials        *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       qd_credentials_clear_finish   (QdCredentials        *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
