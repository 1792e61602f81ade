/* qd-sync-http-private.h — one blocking HTTP client for one worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* An answer larger than this is refused before it is read: a feed page of 5,000 changes is
 * a few MiB; nothing the client asks for comes near 64 MiB. */
#define QD_SYNC_MAX_ANSWER (64 * 1024 * 1024)

typedef struct
{
  SoupSession *session;
  char        *base_url;      /* without the trailing slash, e.g. http://host:port */
  char        *token;         /* NULL before login */
  guint        timeout_s;     /* I/O inactivity and whole-answer deadline */
  gsize        max_answer;
  /* When set, a timer on this context cancels a request that outlives its deadline, also
   * one whose headers trickle in (the I/O timeout only sees silence, not slowness). */
  GMainContext *timer_context;
  /* Counters for progress and benchmarks: bytes on the wire (compressed) and decoded. */
  guint64      wire_bytes_in;
  guint64      wire_bytes_out;
  guint64      body_bytes_in;
  guint64      requests;
} QdSyncHttp;

/* Creates the session; call it in the thread that will use it. */
QdSyncHttp *_qd_sync_http_new   (const char   *base_url,
                                 const char   *ca_file,
                                 guint         timeout_s,
                                 GError      **error);
void        _qd_sync_http_free  (QdSyncHttp   *http);
void        _qd_sync_http_set_token (QdSyncHttp *http,
                                     const char *token);

/* Sends one request and returns the parsed JSON object of a 2xx answer (or an empty
 * object for 204). Non-2xx answers become QD_SYNC_ERROR errors built from the server's
 * error body; *out_status and *out_code (optional) tell the caller which. */
JsonObject *_qd_sync_http_call  (QdSyncHttp   *http,
                                 const char   *method,
                                 const char   *path_and_query,
                                 const char   *body,
                                 gsize         body_len,
                                 guint        *out_status,
                                 char        **out_code,
                                 GCancellable *cancellable,
                                 GError      **error);

/* The same, returning the body of a 2xx answer as it came (followed by a NUL byte outside
 * of it; empty for 204) instead of parsing it. */
GBytes     *_qd_sync_http_call_raw (QdSyncHttp   *http,
                                    const char   *method,
                                    const char   *path_and_query,
                                    const char   *body,
                                    gsize         body_len,
                                    guint        *out_status,
                                    char        **out_code,
                                    GCancellable *cancellable,
                                    GError      **error);

/* qd_json_parse_object() for an answer body followed by a NUL byte, about twice as fast
 * (qd-sync-json.c). */
JsonObject *_qd_sync_json_parse_object (const char  *data,
                                        gsize        length,
                                        GError     **error);

/* A feed page a piece at a time (qd-sync-json.c): the page object with an empty array in
 * place of member @skip, *out_skipped pointing at the real array in @data; then its
 * elements one by one. @data must outlive the iteration. */
JsonObject *_qd_sync_json_parse_page (const char   *data,
                                      gsize         length,
                                      const char   *skip,
                                      const char  **out_skipped,
                                      GError      **error);

typedef struct
{
  const guchar *p;
  gboolean      done;
  GString      *buf;
} QdSyncJsonIter;

void        _qd_sync_json_iter_init  (QdSyncJsonIter *iter,
                                      const char     *array);
JsonNode   *_qd_sync_json_iter_next  (QdSyncJsonIter *iter);
void        _qd_sync_json_iter_clear (QdSyncJsonIter *iter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdSyncHttp, _qd_sync_http_free)

G_END_DECLS
