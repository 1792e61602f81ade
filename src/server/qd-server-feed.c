/* qd-server-feed.c — GET /changes and the reads by id
 *
 * A cursor is "SEQ.MAC": the seq to continue after and an HMAC-SHA256 (keyed with the
 * server secret) of the user id and the seq, so that a cursor is useless to another user
 * and cannot be forged. The feed reads run in the reader pool; the page is rendered as
 * text straight from the stored JSON of each change, and gzipped when the client accepts it
 * and it is at least GZIP_MIN_BYTES. An empty poll from the end of the feed is answered on
 * the main thread without a query (see qd_server_storage_get_head_seq).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-private.h"

#include <gio/gio.h>
#include <string.h>

#define GZIP_MIN_BYTES 1024

static char *
cursor_mac (GBytes     *secret,
            const char *user_id,
            gint64      seq)
{
  gsize key_len;
  const guint8 *key = g_bytes_get_data (secret, &key_len);
  g_autofree char *msg = g_strdup_printf ("%s\n%" G_GINT64_FORMAT, user_id, seq);
  g_autofree char *hex = g_compute_hmac_for_string (G_CHECKSUM_SHA256, key, key_len, msg, -1);

  /* 128 bits of the MAC are plenty for a cursor. */
  return g_strndup (hex, 32);
}

static char *
cursor_encode (GBytes     *secret,
               const char *user_id,
               gint64      seq)
{
  g_autofree char *mac = cursor_mac (secret, user_id, seq);

  return g_strdup_printf ("%" G_GINT64_FORMAT ".%s", seq, mac);
}

static gboolean
cursor_decode (GBytes     *secret,
               const char *user_id,
               const char *cursor,
               gint64     *out_seq)
{
  const char *dot = strchr (cursor, '.');
  g_autofree char *seq_text = NULL;
  g_autofree char *mac = NULL;
  guint64 seq;

  if (dot == NULL || dot == cursor || dot - cursor > 19)
    return FALSE;
  seq_text = g_strndup (cursor, dot - cursor);
  if (!g_ascii_string_to_unsigned (seq_text, 10, 0, G_MAXINT64, &seq, NULL))
    return FALSE;
  mac = cursor_mac (secret, user_id, (gint64) seq);
  /* Constant-time comparison: the MAC must not be guessable byte by byte. */
  if (strlen (dot + 1) != strlen (mac))
    return FALSE;
  {
    guint diff = 0;

    for (gsize i = 0; mac[i] != '\0'; i++)
      diff |= (guchar) mac[i] ^ (guchar) dot[1 + i];
    if (diff != 0)
      return FALSE;
  }
  *out_seq = (gint64) seq;
  return TRUE;
}

typedef struct
{
  gint64 since;
  guint  limit;
} Feed;

static GBytes *
gzip_bytes (GBytes *plain)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (z));
  gsize len;
  gconstpointer data = g_bytes_get_data (plain, &len);

  if (!g_output_stream_write_all (out, data, len, NULL, NULL, NULL) ||
      !g_output_stream_close (out, NULL, NULL))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

static void
feed_read (QdServerRequest *req)
{
  Feed *f = req->data;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  GString *out = g_string_sized_new (MIN (f->limit, 1000) * 256);
  guint count = 0;
  gint64 next = 0;
  gboolean has_more = FALSE;
  gint64 head = 0;

  g_string_append (out, "{\"changes\":[");
  if (!qd_server_storage_read_changes (req->storage, req->user, f->since, f->limit, out,
                                       &count, &next, &has_more, &head,
                                       &error))
    {
      g_string_free (out, TRUE);
      req->failure = g_steal_pointer (&error);
      return;
    }
  cursor = cursor_encode (req->server->secret, req->user->id, next);
  g_string_append_printf (out, "],\"cursor\":\"%s\",\"has_more\":%s,\"head_seq\":%"
                          G_GINT64_FORMAT "}", cursor, has_more ? "true" : "false", head);

  req->status = SOUP_STATUS_OK;
  req->answer = g_string_free_to_bytes (out);
  if (req->gzip_ok && g_bytes_get_size (req->answer) >= GZIP_MIN_BYTES)
    {
      GBytes *z = gzip_bytes (req->answer);

      if (z != NULL)
        {
          g_bytes_unref (req->answer);
          req->answer = z;
          req->answer_gzipped = TRUE;
        }
    }
}

void
qd_server_handle_changes (QdServerRequest *req)
{
  const char *since = req->query ? g_hash_table_lookup (req->query, "since") : NULL;
  const char *limit = req->query ? g_hash_table_lookup (req->query, "limit") : NULL;
  Feed *f = g_new0 (Feed, 1);
  guint64 n;

  qd_server_set_data (req, f, g_free);
  f->limit = QD_SERVER_DEFAULT_PAGE;
  if (limit != NULL)
    {
      if (!g_ascii_string_to_unsigned (limit, 10, 1, G_MAXUINT32, &n, NULL))
        {
          qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_parameter", NULL,
                                 "limit must be a positive integer.");
          return;
        }
      f->limit = MIN (n, QD_SERVER_MAX_PAGE);
    }
  if (since != NULL && since[0] != '\0')
    {
      if (!cursor_decode (req->server->secret, req->user->id, since, &f->since))
        {
          qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_cursor", NULL,
                                 "The cursor is not one this server gave to this user.");
          return;
        }
      if (f->since < qd_server_storage_get_horizon (req->storage))
        {
          qd_server_reply_error (req, SOUP_STATUS_GONE, "cursor_expired", NULL,
                                 "The cursor is older than the server keeps changes; "
                                 "sync again from the beginning.");
          return;
        }
      /* An empty incremental poll, the common case of a client that is up to date: the
       * answer the reader pool would give (nothing, the same cursor, head_seq = since),
       * without the hop to the pool and back or a query. Everything up to the published
       * head has committed, and the cursor does not move past it, so nothing is skipped. */
      if (f->since >= qd_server_storage_get_head_seq (req->storage))
        {
          g_autofree char *cursor = cursor_encode (req->server->secret, req->user->id, f->since);
          g_autofree char *answer = g_strdup_printf (
            "{\"changes\":[],\"cursor\":\"%s\",\"has_more\":false,\"head_seq\":%"
            G_GINT64_FORMAT "}", cursor, f->since);

          qd_server_reply_json (req, SOUP_STATUS_OK, answer);
          return;
        }
    }
  qd_server_run_read (req, feed_read, NULL);
}

typedef struct
{
  QdServerEntity entity;
  char          *id;
} ById;

static void
by_id_free (ById *b)
{
  g_free (b->id);
  g_free (b);
}

static void
by_id_read (QdServerRequest *req)
{
  ById *b = req->data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  json = qd_server_storage_read_entity (req->storage, req->user, b->entity, b->id, &error);
  if (json != NULL)
    qd_server_reply_json (req, SOUP_STATUS_OK, json);
  else if (g_error_matches (error, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND))
    qd_server_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", NULL,
                           "There is no %s with this id.", qd_server_entity_name (b->entity));
  else
    req->failure = g_steal_pointer (&error);
}

static void
read_by_id (QdServerRequest *req,
            QdServerEntity   entity)
{
  ById *b = g_new0 (ById, 1);

  b->entity = entity;
  b->id = g_strdup (req->args[0]);
  qd_server_set_data (req, b, (GDestroyNotify) by_id_free);
  /* A primary-key lookup: cheap enough for the main thread, no hop to the pool. */
  by_id_read (req);
}

void
qd_server_handle_read_order (QdServerRequest *req)
{
  read_by_id (req, QD_SERVER_ENTITY_ORDER);
}

void
qd_server_handle_read_statement (QdServerRequest *req)
{
  read_by_id (req, QD_SERVER_ENTITY_STATEMENT);
}

void
qd_server_handle_read_dealer (QdServerRequest *req)
{
  read_by_id (req, QD_SERVER_ENTITY_DEALER);
}

void
qd_server_handle_read_product (QdServerRequest *req)
{
  read_by_id (req, QD_SERVER_ENTITY_PRODUCT);
}
