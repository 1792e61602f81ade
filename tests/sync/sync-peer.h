/* sync-peer.h — a scriptable HTTP peer for the sync tests
 *
 * A real TCP server on 127.0.0.1 that speaks just enough HTTP/1.1 (one request per
 * connection) to play a good qudao-server — session, change feed, mutations with
 * at-most-once answers — and, on demand, a hostile or broken one. Each connection is
 * served in a thread of its own, so the test's main loop stays free for the engine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  FAULT_NONE,
  FAULT_TRUNCATED,      /* the answer's JSON cut in half (Content-Length says so) */
  FAULT_WRONG_TYPES,    /* a well-formed answer with a wrong type inside */
  FAULT_HUGE_LENGTH,    /* Content-Length: 2 GiB, then a few bytes and close */
  FAULT_STATUS_500,
  FAULT_STATUS_401,
  FAULT_STATUS_410,
  FAULT_SEQ_BACKWARDS,  /* a feed page whose seq goes down */
  FAULT_DRIP,           /* the right answer, one byte every 50 ms */
  FAULT_CUT_AFTER,      /* handle the request (mutations get applied), then close unanswered */
  FAULT_COUNT_MISMATCH, /* one result fewer than mutations */
  FAULT_NO_CONTENT_LENGTH_HUGE, /* an endless body without Content-Length */
} PeerFault;

typedef struct _Peer Peer;

Peer       *peer_new               (void);
void        peer_free              (Peer        *peer);
const char *peer_get_url           (Peer        *peer);
const char *peer_get_token         (Peer        *peer);

/* The feed: changes get seq 1, 2, …; "data" is the entity object as JSON text. */
void        peer_add_change        (Peer        *peer,
                                    const char  *entity,
                                    const char  *op,
                                    const char  *id,
                                    const char  *data_json);
/* Forgets the feed and starts the seq numbers over above @min_seq (after a 410). */
void        peer_reset_feed        (Peer        *peer,
                                    gint64       min_seq);
/* The next @times requests to a path starting with @path_prefix get @fault, after @skip
 * such requests have been answered normally. times < 0: for ever. */
void        peer_set_fault         (Peer        *peer,
                                    const char  *path_prefix,
                                    PeerFault    fault,
                                    guint        skip,
                                    int          times);
void        peer_clear_faults      (Peer        *peer);
/* Mutations whose first line has this qty are rejected (credit_limit_exceeded). */
void        peer_set_reject_qty    (Peer        *peer,
                                    gint64       qty);
/* Replaces the token the peer accepts (a new login); old tokens get 401. */
void        peer_rotate_token      (Peer        *peer);

/* What the peer saw. */
guint       peer_count_requests    (Peer        *peer,
                                    const char  *method_and_path_prefix);
guint       peer_count_applied     (Peer        *peer);       /* distinct mutations applied */
guint       peer_max_times_seen    (Peer        *peer);       /* the most one id was sent */
guint       peer_times_seen        (Peer        *peer,
                                    const char  *mutation_id);
char       *peer_dup_last_since    (Peer        *peer);
char       *peer_dup_last_header   (Peer        *peer,
                                    const char  *name);
guint64     peer_feed_bytes_sent   (Peer        *peer);       /* body bytes of /changes */

G_END_DECLS
