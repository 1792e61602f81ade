/* qd-test-server.h — a real qudao-server process for tests, and a tiny JSON client
 *
 * Every suite that needs a server uses this: start `qudao-server` (the binary named by the
 * QUDAO_SERVER_BIN environment variable, set in test_env) on a temporary data directory
 * with `--listen 127.0.0.1:0`, read its "listening on URL" line (with a deadline), then
 * talk to it with synchronous requests from the test's own thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _QdTestServer QdTestServer;

/* Starts a server on a new temporary data directory (removed by _free). @demo adds
 * --demo; @extra_args (NULL-terminated, nullable) are appended, e.g. "--token-ttl", "1".
 * Aborts the test on failure. */
QdTestServer *qd_test_server_new         (gboolean            demo,
                                          const char * const *extra_args);
/* The same on a given data directory, which is kept. NULL + error on failure. */
QdTestServer *qd_test_server_start       (const char         *data_dir,
                                          gboolean            demo,
                                          const char * const *extra_args,
                                          GError            **error);
void          qd_test_server_free        (QdTestServer       *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdTestServer, qd_test_server_free)

const char   *qd_test_server_get_url      (QdTestServer      *server);  /* "http://127.0.0.1:PORT" */
const char   *qd_test_server_get_data_dir (QdTestServer      *server);
GPid          qd_test_server_get_pid      (QdTestServer      *server);

/* SIGTERM, then wait (30 s deadline, then SIGKILL). TRUE when it exited with status 0. */
gboolean      qd_test_server_stop        (QdTestServer       *server);
/* Waits for an exit the test caused otherwise (30 s deadline, then SIGKILL). TRUE when it
 * exited with status 0. */
gboolean      qd_test_server_wait        (QdTestServer       *server);
/* SIGKILL and wait: a crash at an arbitrary instant. */
void          qd_test_server_kill        (QdTestServer       *server);
/* Starts it again on the same data directory with the same arguments (after stop/kill).
 * The URL changes (new port). */
gboolean      qd_test_server_restart     (QdTestServer       *server,
                                          GError            **error);

/* A synchronous request (over https too: any certificate is accepted, the server is a
 * test server on loopback). @path is relative to the URL ("/api/v1/me"); @token and
 * @json_body may be NULL. Returns the parsed JSON answer (NULL when the body is empty or
 * not JSON) and the HTTP status in *out_status. */
JsonNode     *qd_test_request            (QdTestServer       *server,
                                          const char         *method,
                                          const char         *path,
                                          const char         *token,
                                          const char         *json_body,
                                          guint              *out_status);
/* The same with a raw body of any bytes and the raw answer. */
GBytes       *qd_test_request_raw        (QdTestServer       *server,
                                          const char         *method,
                                          const char         *path,
                                          const char         *token,
                                          const void         *body,
                                          gsize               body_len,
                                          guint              *out_status);
/* POST /api/v1/session; the token, or NULL when the login failed. */
char         *qd_test_server_login       (QdTestServer       *server,
                                          const char         *username,
                                          const char         *password);

/* Helpers for assertions on answers. */
const char   *qd_test_error_code         (JsonNode           *answer);  /* error.code or NULL */

G_END_DECLS
