/* qd-server-private.h — what the route files of qudao-server share
 *
 * A request lives on the main thread except while one of its stages runs: a read stage in
 * the reader pool (feed, login), a write stage on the writer thread (every change, inside a
 * savepoint of a batch transaction that commits once for many requests). After a stage the
 * request comes back to the main thread, runs its `then` callback (if any) and answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "qd-server.h"
#include "qd-server-storage.h"

G_BEGIN_DECLS

#define QD_SERVER_MAX_BODY        (8 * 1024 * 1024)
#define QD_SERVER_MAX_MUTATIONS   500
#define QD_SERVER_MAX_PAGE        5000
#define QD_SERVER_DEFAULT_PAGE    1000

typedef struct _QdServerRequest QdServerRequest;
typedef struct _QdThrottle      QdThrottle;
typedef struct _QdSessionCache  QdSessionCache;

typedef void     (*QdServerWork)  (QdServerRequest  *req);
typedef gboolean (*QdServerWrite) (QdServerRequest  *req,
                                   QdServerTxn      *txn,
                                   GError          **error);
typedef void     (*QdServerThen)  (QdServerRequest  *req);

struct _QdServer
{
  GObject           parent_instance;

  /* owned */
  QdServerStorage  *storage;
  SoupServer       *soup;
  GThreadPool      *readers;
  GThread          *writer;
  GAsyncQueue      *write_queue;
  GMainContext     *context;
  QdThrottle       *throttle;
  QdSessionCache   *sessions;
  GBytes           *secret;
  QdServerOptions   options;

  guint             in_flight;
  gboolean          stopping;
  GCallback         stopped_cb;
  gpointer          stopped_data;
};

struct _QdServerRequest
{
  /* borrowed: the server outlives every request in flight */
  QdServer          *server;
  QdServerStorage   *storage;

  /* owned */
  SoupServerMessage *msg;       /* NULL for internal jobs (session touch, audit) */
  QdServerUser      *user;      /* the authenticated caller, if the route needs one */
  char              *address;
  GBytes            *body;
  GStrv              args;      /* the segments matched by * in the route */
  GHashTable        *query;     /* the decoded query string, or NULL */
  gboolean           gzip_ok;
  gboolean           forget_sessions; /* an admin write: drop cached sessions once answered */

  /* the answer */
  guint              status;
  GBytes            *answer;
  gboolean           answer_gzipped;
  char              *retry_after;

  /* stages */
  QdServerWork       work;
  QdServerWrite      write;
  QdServerThen       then;
  GError            *failure;   /* a storage failure in a stage: answered 503 */
  gboolean           undo;      /* a write stage refused its input after writing part of it:
                                 * its savepoint is rolled back, its 4xx answer kept */
  gboolean           shared;    /* its write stage needs no savepoint of its own (it never
                                 * sets undo): a storage failure in it fails the whole
                                 * batch transaction, answered 503 to all of it */

  gpointer           data;
  GDestroyNotify     data_free;
};

/* Answers (main thread, or inside a stage before it returns). */
void      qd_server_reply_json      (QdServerRequest *req,
                                     guint            status,
                                     const char      *json);
void      qd_server_reply_node      (QdServerRequest *req,
                                     guint            status,
                                     JsonNode        *node);
void      qd_server_reply_error     (QdServerRequest *req,
                                     guint            status,
                                     const char      *code,
                                     JsonNode        *details,
                                     const char      *format,
                                     ...) G_GNUC_PRINTF (5, 6);
/* The error object {"code", "message", "details"?}. Takes @details. */
JsonNode *qd_server_error_object    (const char      *code,
                                     const char      *message,
                                     JsonNode        *details);

/* Parses the body as a JSON object; on failure answers 400 and returns NULL. */
JsonObject *qd_server_body_object   (QdServerRequest *req);

/* Stages. */
void      qd_server_run_read        (QdServerRequest *req,
                                     QdServerWork     work,
                                     QdServerThen     then);
void      qd_server_run_write       (QdServerRequest *req,
                                     QdServerWrite    write,
                                     QdServerThen     then);
/* A write with no client waiting (session touch, failed-login audit). */
void      qd_server_post_write      (QdServer        *server,
                                     QdServerWrite    write,
                                     gpointer         data,
                                     GDestroyNotify   data_free);
void      qd_server_set_data        (QdServerRequest *req,
                                     gpointer         data,
                                     GDestroyNotify   data_free);

/* Time. */
char     *qd_server_now_rfc3339     (void);

/* Routes. */
void qd_server_handle_health        (QdServerRequest *req);
void qd_server_handle_login         (QdServerRequest *req);
void qd_server_handle_logout        (QdServerRequest *req);
void qd_server_handle_me            (QdServerRequest *req);
void qd_server_handle_changes       (QdServerRequest *req);
void qd_server_handle_read_order    (QdServerRequest *req);
void qd_server_handle_read_statement (QdServerRequest *req);
void qd_server_handle_read_dealer   (QdServerRequest *req);
void qd_server_handle_read_product  (QdServerRequest *req);
void qd_server_handle_mutations     (QdServerRequest *req);
void qd_server_handle_admin_put     (QdServerRequest *req);
void qd_server_handle_admin_post    (QdServerRequest *req);
void qd_server_handle_admin_delete  (QdServerRequest *req);
void qd_server_handle_admin_order   (QdServerRequest *req);
void qd_server_handle_admin_statement (QdServerRequest *req);
void qd_server_handle_admin_audit   (QdServerRequest *req);

/* Computes and stores the statement of a dealer for a period (qd-server-admin.c): a new
 * one (version 1) or, when it exists, a revision (version + 1); status "issued" or as given.
 * On success *out_id is the statement id. NOT_FOUND when the dealer does not exist. */
gboolean qd_server_issue_statement  (QdServerTxn     *txn,
                                     const char      *dealer_id,
                                     const char      *period,
                                     const char      *issued_at,
                                     gboolean         revise,
                                     char           **out_id,
                                     GError         **error);

/* Session checks (qd-server-session.c). */
QdThrottle *qd_throttle_new         (void);
void        qd_throttle_free        (QdThrottle *throttle);
QdSessionCache *qd_session_cache_new  (void);
void        qd_session_cache_free   (QdSessionCache *cache);
/* Drops every cached session (main thread): after an admin change of users or dealers. */
void        qd_server_forget_sessions (QdServer *server);
/* TRUE when the token authenticates; else answers 401 and returns FALSE. */
gboolean    qd_server_authenticate  (QdServerRequest *req,
                                     const char      *authorization);

G_END_DECLS
