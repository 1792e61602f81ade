/* qd-server.h — the qudao-server HTTP API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "qd-server-storage.h"

G_BEGIN_DECLS

#define QD_TYPE_SERVER (qd_server_get_type ())
G_DECLARE_FINAL_TYPE (QdServer, qd_server, QD, SERVER, GObject)

typedef struct
{
  gint64  token_ttl_seconds;  /* sliding session lifetime (default 30 days) */
  guint   reader_threads;     /* feed and login workers (default 2) */
  gint64  login_backoff_seconds; /* first delay after the free failed logins (default 1) */
} QdServerOptions;

QdServer *qd_server_new    (QdServerStorage        *storage,
                            const QdServerOptions  *options);
/* Listens on host:port (port 0 picks one); TLS when cert and key files are given.
 * Returns the URL it listens on. */
char     *qd_server_listen (QdServer               *self,
                            const char             *host,
                            guint                   port,
                            const char             *tls_cert_file,
                            const char             *tls_key_file,
                            GError                **error);
/* Stops accepting, lets the requests in flight finish, stops the worker threads. Calls
 * @done on the main context when everything has been answered. */
void      qd_server_shutdown (QdServer             *self,
                              GCallback             done,
                              gpointer              user_data);

/* Closes every connection (after qd_server_shutdown() has completed). */
void      qd_server_close    (QdServer             *self);

G_END_DECLS
