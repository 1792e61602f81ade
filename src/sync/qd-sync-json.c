/* qd-sync-json.c — a json-glib tree from checked JSON text, for the feed pages
 *
 * The initial sync of a manager's scope decodes some 140 MiB of JSON. qd_json_parse() checks
 * the text with core's strict scanner and then hands it to JsonParser, whose GScanner-based
 * tokenizer goes over every byte a second time, slowly (it was most of the fetcher's time).
 * Here the text is checked by the same scanner (qd_json_validate(): strict RFC 8259, UTF-8,
 * no duplicate members, integers within 64 bits, bounded depth) and the tree is then built
 * by a plain recursive descent that may trust the text. The tree is the same json-glib tree
 * qd_json_parse() gives: integers as G_TYPE_INT64, other numbers as G_TYPE_DOUBLE.
 *
 * A feed page can also be built a piece at a time: the page object without its "changes",
 * then the changes one by one, so that the sync engine holds the trees of a few hundred
 * changes at once instead of a whole page's (some 20 MiB of json-glib tree for 5,000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "qd-error.h"
#include "qd-json.h"
#include "qd-sync-http-private.h"

typedef struct
{
  const guchar *p;
  GString      *buf;     /* the current string, unescaped and NUL-terminated */
} Build;

static inline const guchar *
skip_ws (const guchar *p)
{
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
    p++;
  return p;
}

static guint
hex4 (const guchar *p)
{
  guint v = 0;

  for (guint i = 0; i < 4; i++)
    v = v * 16 + g_ascii_xdigit_value (p[i]);
  return v;
}

/* @b->p is at the opening quote; leaves it after the closing one, the string in @b->buf. */
static void
read_string (Build *b)
{
  const guchar *p = b->p + 1;
  const guchar *run = p;

  g_string_truncate (b->buf, 0);
  for (;;)
    {
      while (*p != '"' && *p != '\\')
        p++;
      g_string_append_len (b->buf, (const char *) run, p - run);
      if (*p == '"')
        break;
      p++;
      switch (*p)
        {
        case 'b': g_string_append_c (b->buf, '\b'); p++; break;
        case 'f': g_string_append_c (b->buf, '\f'); p++; break;
        case 'n': g_string_append_c (b->buf, '\n'); p++; break;
        case 'r': g_string_append_c (b->buf, '\r'); p++; break;
        case 't': g_string_append_c (b->buf, '\t'); p++; break;
        case 'u':
          {
            guint cp = hex4 (p + 1);

            p += 5;
            if (cp >= 0xD800 && cp <= 0xDBFF)
              {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4 (p + 2) - 0xDC00);
                p += 6;
              }
            g_string_append_unichar (b->buf, cp);
          }
          break;
        default:   /* '"', '\\' and '/' stand for themselves */
          g_string_append_c (b->buf, (char) *p++);
          break;
        }
      run = p;
    }
  b->p = p + 1;
}

static JsonNode *
build_value (Build *b)
{
  const guchar *p = skip_ws (b->p);
  JsonNode *node;

  switch (*p)
    {
    case '{':
      {
        JsonObject *object = json_object_new ();

        b->p = skip_ws (p + 1);
        if (*b->p == '}')
          b->p++;
        else
          for (;;)
            {
              char *name;
              JsonNode *member;

              read_string (b);
              name = g_strndup (b->buf->str, b->buf->len);
              b->p = skip_ws (skip_ws (b->p) + 1);   /* the ':' */
              member = build_value (b);
              json_object_set_member (object, name, member);
              g_free (name);
              b->p = skip_ws (b->p);
              if (*b->p++ == '}')
                break;
              b->p = skip_ws (b->p);   /* after ',' */
            }
        node = json_node_init_object (json_node_alloc (), object);
        json_object_unref (object);
        return node;
      }

    case '[':
      {
        JsonArray *array = json_array_new ();

        b->p = skip_ws (p + 1);
        if (*b->p == ']')
          b->p++;
        else
          for (;;)
            {
              json_array_add_element (array, build_value (b));
              b->p = skip_ws (b->p);
              if (*b->p++ == ']')
                break;
            }
        node = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        return node;
      }

    case '"':
      b->p = p;
      read_string (b);
      return json_node_init_string (json_node_alloc (), b->buf->str);

    case 't':
      b->p = p + 4;
      return json_node_init_boolean (json_node_alloc (), TRUE);

    case 'f':
      b->p = p + 5;
      return json_node_init_boolean (json_node_alloc (), FALSE);

    case 'n':
      b->p = p + 4;
      return json_node_init_null (json_node_alloc ());

    default:
      {
        /* A number: the scanner checked its form and that an integer fits 64 bits. */
        const guchar *q = p;
        gboolean integer = TRUE;

        if (*q == '-')
          q++;
        while (g_ascii_isdigit (*q) || *q == '.' || *q == 'e' || *q == 'E' || *q == '+'
               || *q == '-')
          {
            if (*q == '.' || *q == 'e' || *q == 'E')
              integer = FALSE;
            q++;
          }
        b->p = q;
        if (integer)
          return json_node_init_int (json_node_alloc (),
                                     g_ascii_strtoll ((const char *) p, NULL, 10));
        return json_node_init_double (json_node_alloc (),
                                      g_ascii_strtod ((const char *) p, NULL));
      }
    }
}

/* Like qd_json_parse_object(), for text the fetcher received: @data must be followed by a
 * NUL byte (the body buffers are), so the builder never reads past the end. */
JsonObject *
_qd_sync_json_parse_object (const char  *data,
                            gsize        length,
                            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  Build b;

  g_return_val_if_fail (data != NULL && data[length] == '\0', NULL);

  if (!qd_json_validate (data, length, error))
    return NULL;
  b.p = (const guchar *) data;
  b.buf = g_string_sized_new (256);
  root = build_value (&b);
  g_string_free (b.buf, TRUE);
  /* Not an object: core's parser says what it is instead, in its own words. */
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return qd_json_parse_object (data, length, error);
  return json_object_ref (json_node_get_object (root));
}

/* Past an array or object of checked text, @p at its opening bracket. */
static const guchar *
skip_value (const guchar *p)
{
  int depth = 0;

  for (;;)
    switch (*p)
      {
      case '"':
        for (p++; *p != '"'; p++)
          if (*p == '\\')
            p++;
        p++;
        break;
      case '[': case '{':
        depth++;
        p++;
        break;
      case ']': case '}':
        p++;
        if (--depth == 0)
          return p;
        break;
      default:
        p++;
        break;
      }
}

/* Checks the page text like _qd_sync_json_parse_object() and builds its object, except for
 * the value of member @skip when it is an array: that member holds an empty array and
 * *out_skipped points at the real one's '[' (NULL when there is none). */
JsonObject *
_qd_sync_json_parse_page (const char   *data,
                          gsize         length,
                          const char   *skip,
                          const char  **out_skipped,
                          GError      **error)
{
  JsonObject *object;
  Build b;

  g_return_val_if_fail (data != NULL && data[length] == '\0', NULL);

  *out_skipped = NULL;
  if (!qd_json_validate (data, length, error))
    return NULL;
  b.p = skip_ws ((const guchar *) data);
  if (*b.p != '{')
    return qd_json_parse_object (data, length, error);   /* says what it is instead */

  object = json_object_new ();
  b.buf = g_string_sized_new (256);
  b.p = skip_ws (b.p + 1);
  if (*b.p == '}')
    b.p++;
  else
    for (;;)
      {
        g_autofree char *name = NULL;
        JsonNode *member;

        read_string (&b);
        name = g_strndup (b.buf->str, b.buf->len);
        b.p = skip_ws (skip_ws (b.p) + 1);
        if (strcmp (name, skip) == 0 && *b.p == '[')
          {
            *out_skipped = (const char *) b.p;
            b.p = skip_value (b.p);
            member = json_node_init_array (json_node_alloc (), NULL);
            json_node_take_array (member, json_array_new ());
          }
        else
          member = build_value (&b);
        json_object_set_member (object, name, member);
        b.p = skip_ws (b.p);
        if (*b.p++ == '}')
          break;
        b.p = skip_ws (b.p);
      }
  g_string_free (b.buf, TRUE);
  return object;
}

void
_qd_sync_json_iter_init (QdSyncJsonIter *iter,
                         const char     *array)
{
  iter->p = skip_ws ((const guchar *) array + 1);
  iter->done = *iter->p == ']';
  iter->buf = g_string_sized_new (256);
}

/* The next element of the array, or NULL after the last. */
JsonNode *
_qd_sync_json_iter_next (QdSyncJsonIter *iter)
{
  Build b = { iter->p, iter->buf };
  JsonNode *node;

  if (iter->done)
    return NULL;
  node = build_value (&b);
  b.p = skip_ws (b.p);
  iter->done = *b.p == ']';
  iter->p = b.p + 1;
  return node;
}

void
_qd_sync_json_iter_clear (QdSyncJsonIter *iter)
{
  if (iter->buf != NULL)
    g_string_free (iter->buf, TRUE);
  iter->buf = NULL;
}
