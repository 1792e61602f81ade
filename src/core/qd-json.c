/* qd-json.c — strict JSON over json-glib
 *
 * json-glib 1.6 is lenient where a wire protocol must not be (checked against 1.6.6, see
 * tests/core/test-json.c): integers beyond gint64 wrap silently (99999999999999999999
 * reads as -1), duplicate members silently keep the last value, "\u0000" cuts a string
 * short, and it accepts single-quoted strings, comments, hex (0x10), leading zeros, ".5",
 * raw control characters in strings and a second value after the first ("{}{}"). Its
 * parser also recurses, so deep nesting overflows the stack. qd_json_parse() therefore
 * first runs its own strict RFC 8259 scan — iterative, one pass, allocating only for
 * escaped or many member names — and hands json-glib only text that is valid JSON,
 * within our limits, with unique member names and integers that fit a gint64.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "qd-core-private.h"
#include "qd-enums.h"
#include "qd-error.h"
#include "qd-json.h"

/* Above this many members an object's names go into a hash table for the duplicate check;
 * below it, comparing with each earlier name is cheaper. */
#define SMALL_OBJECT 16

/* json-glib's scanner takes the text length as a guint. */
#define MAX_TEXT_BYTES ((gsize) G_MAXINT)

typedef struct
{
  const char *name;   /* into the input, or into Scan.decoded when the name had escapes */
  guint32     length;
  guint32     hash;
} Key;

typedef struct
{
  gboolean    is_object;
  guint       count;        /* object: members so far; array: index of the current element */
  guint       keys_start;   /* first Key of this object in Scan.keys */
  GHashTable *big;          /* names of a large object; NULL below SMALL_OBJECT members */
} Level;

typedef struct
{
  const guchar *start;
  const guchar *end;
  Level         stack[QD_JSON_MAX_DEPTH];
  int           depth;
  GArray       *keys;       /* of Key: the names of every open object, innermost last */
  GPtrArray    *decoded;    /* names that contained escapes, decoded */
  GError       *error;
} Scan;

static void
scan_clear (Scan *s)
{
  for (int i = 0; i < s->depth; i++)
    g_clear_pointer (&s->stack[i].big, g_hash_table_unref);
  g_clear_pointer (&s->keys, g_array_unref);
  g_clear_pointer (&s->decoded, g_ptr_array_unref);
}

/* The path of the value being scanned, "lines[2].qty", for error messages. */
static char *
scan_path (Scan *s)
{
  GString *path = g_string_new (NULL);

  for (int i = 0; i < s->depth; i++)
    {
      Level *l = &s->stack[i];

      if (l->is_object)
        {
          if (l->count > 0)
            {
              Key *k = &g_array_index (s->keys, Key, l->keys_start + l->count - 1);
              g_autofree char *name = _qd_excerpt (k->name, k->length, QD_EXCERPT_CHARS);

              if (path->len > 0)
                g_string_append_c (path, '.');
              g_string_append (path, name);
            }
        }
      else
        g_string_append_printf (path, "[%u]", l->count);
    }

  if (path->len == 0)
    g_string_append (path, _("(top level)"));

  return g_string_free (path, FALSE);
}

/* Records the first error with the path and the position; always returns NULL so that
 * callers can write `return scan_fail (…);` from functions returning a pointer. */
static const guchar *
scan_fail (Scan         *s,
           const guchar *at,
           int           code,
           const char   *what)
{
  g_autofree char *path = NULL;
  guint line = 1, column = 1;

  if (s->error != NULL)
    return NULL;

  path = scan_path (s);
  for (const guchar *p = s->start; p < at && p < s->end; p++)
    {
      if (*p == '\n')
        {
          line++;
          column = 1;
        }
      else if ((*p & 0xC0) != 0x80)
        column++;
    }

  g_set_error (&s->error, QD_ERROR, code, _("%s: %s (line %u, column %u)"),
               path, what, line, column);
  return NULL;
}

static const guchar *
scan_fail_unexpected (Scan         *s,
                      const guchar *at)
{
  g_autofree char *c = NULL;
  g_autofree char *what = NULL;

  if (at >= s->end)
    return scan_fail (s, at, QD_ERROR_INVALID, _("unexpected end of input"));

  /* Quote the one character (the input is valid UTF-8 here). */
  c = _qd_excerpt ((const char *) at, g_utf8_next_char (at) - (const char *) at, 1);
  what = g_strdup_printf (_("unexpected “%s”"), c);
  return scan_fail (s, at, QD_ERROR_INVALID, what);
}

static inline const guchar *
skip_ws (const guchar *p,
         const guchar *end)
{
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  return p;
}

static gboolean
read_hex4 (const guchar *p,
           const guchar *end,
           guint        *out)
{
  guint v = 0;

  if (end - p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return FALSE;
      v = v * 16 + (guint) d;
    }
  *out = v;
  return TRUE;
}

/* Scans a string whose opening quote is just before @p. Returns the position after the
 * closing quote, or NULL with the error recorded. */
static const guchar *
scan_string (Scan         *s,
             const guchar *p,
             gboolean     *has_escape)
{
  const guchar *end = s->end;

  for (;;)
    {
      /* The input is valid UTF-8 already: only quotes, backslashes and control
       * characters need a look. */
      while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
        p++;

      if (p >= end)
        return scan_fail (s, p, QD_ERROR_INVALID, _("unterminated string"));
      if (*p == '"')
        return p + 1;
      if (*p < 0x20)
        return scan_fail (s, p, QD_ERROR_INVALID,
                          _("control character in a string (it must be escaped)"));

      *has_escape = TRUE;
      p++;
      if (p >= end)
        return scan_fail (s, p, QD_ERROR_INVALID, _("unterminated string"));

      switch (*p)
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          p++;
          break;

        case 'u':
          {
            guint cp, low;

            if (!read_hex4 (p + 1, end, &cp))
              return scan_fail (s, p - 1, QD_ERROR_INVALID,
                                _("invalid \\u escape (four hex digits expected)"));
            p += 5;
            /* json-glib would end the string at the NUL, silently. */
            if (cp == 0)
              return scan_fail (s, p - 6, QD_ERROR_INVALID, _("NUL character (\\u0000) in a string"));
            if (cp >= 0xD800 && cp <= 0xDBFF)
              {
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && read_hex4 (p + 2, end, &low)
                    && low >= 0xDC00 && low <= 0xDFFF)
                  p += 6;
                else
                  return scan_fail (s, p - 6, QD_ERROR_INVALID,
                                    _("unpaired UTF-16 surrogate in a \\u escape"));
              }
            else if (cp >= 0xDC00 && cp <= 0xDFFF)
              return scan_fail (s, p - 6, QD_ERROR_INVALID,
                                _("unpaired UTF-16 surrogate in a \\u escape"));
          }
          break;

        default:
          return scan_fail (s, p - 1, QD_ERROR_INVALID, _("invalid escape sequence in a string"));
        }
    }
}

/* Decodes the escapes of a string already checked by scan_string(). */
static char *
decode_string (const guchar *p,
               const guchar *end)
{
  GString *out = g_string_sized_new (end - p);

  while (p < end)
    {
      if (*p != '\\')
        {
          g_string_append_c (out, (char) *p++);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'b': g_string_append_c (out, '\b'); p++; break;
        case 'f': g_string_append_c (out, '\f'); p++; break;
        case 'n': g_string_append_c (out, '\n'); p++; break;
        case 'r': g_string_append_c (out, '\r'); p++; break;
        case 't': g_string_append_c (out, '\t'); p++; break;
        case 'u':
          {
            guint cp = 0, low = 0;

            read_hex4 (p + 1, end, &cp);
            p += 5;
            if (cp >= 0xD800 && cp <= 0xDBFF)
              {
                read_hex4 (p + 2, end, &low);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                p += 6;
              }
            g_string_append_unichar (out, cp);
          }
          break;
        default:
          g_string_append_c (out, (char) *p++);
          break;
        }
    }

  return g_string_free (out, FALSE);
}

static const guchar *
scan_number (Scan         *s,
             const guchar *p)
{
  const guchar *end = s->end;
  const guchar *begin = p;
  const guchar *digits;
  gboolean negative = FALSE;
  gboolean integer = TRUE;
  gboolean exponent = FALSE;
  gsize n_digits;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  digits = p;
  if (p >= end || !g_ascii_isdigit (*p))
    return scan_fail (s, p, QD_ERROR_INVALID, _("a digit is expected after “-”"));
  if (*p == '0')
    {
      p++;
      if (p < end && g_ascii_isdigit (*p))
        return scan_fail (s, begin, QD_ERROR_INVALID, _("numbers must not have leading zeros"));
    }
  else
    while (p < end && g_ascii_isdigit (*p))
      p++;
  n_digits = p - digits;

  if (p < end && *p == '.')
    {
      integer = FALSE;
      p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return scan_fail (s, p, QD_ERROR_INVALID, _("digits are expected after the decimal point"));
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      integer = FALSE;
      exponent = TRUE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return scan_fail (s, p, QD_ERROR_INVALID, _("digits are expected in the exponent"));
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (integer)
    {
      /* json-glib wraps integers beyond gint64 around without a word. */
      if (n_digits > 19
          || (n_digits == 19
              && memcmp (digits, negative ? "9223372036854775808" : "9223372036854775807", 19) > 0))
        {
          g_autofree char *number = _qd_excerpt ((const char *) begin, p - begin, QD_EXCERPT_CHARS);
          g_autofree char *what = g_strdup_printf (_("the integer %s is too large (beyond 64 bits)"),
                                                   number);
          return scan_fail (s, begin, QD_ERROR_OUT_OF_RANGE, what);
        }
    }
  else if (exponent || n_digits > 300)
    {
      /* Only these can overflow a double to infinity. */
      g_autofree char *copy = g_strndup ((const char *) begin, p - begin);

      if (!isfinite (g_ascii_strtod (copy, NULL)))
        {
          g_autofree char *number = _qd_excerpt (copy, -1, QD_EXCERPT_CHARS);
          g_autofree char *what = g_strdup_printf (_("the number %s is too large"), number);
          return scan_fail (s, begin, QD_ERROR_OUT_OF_RANGE, what);
        }
    }

  return p;
}

static guint32
hash_name (const char *name,
           gsize       length)
{
  guint32 h = 2166136261u;   /* FNV-1a */

  for (gsize i = 0; i < length; i++)
    h = (h ^ (guchar) name[i]) * 16777619u;
  return h;
}

/* Adds the member name between @name and @name_end (the closing quote) to the innermost
 * object; fails if it is there already. */
static gboolean
add_key (Scan         *s,
         const guchar *name,
         const guchar *name_end,
         gboolean      has_escape)
{
  Level *l = &s->stack[s->depth - 1];
  gboolean duplicate = FALSE;
  Key k;

  if (has_escape)
    {
      char *d = decode_string (name, name_end);

      if (s->decoded == NULL)
        s->decoded = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (s->decoded, d);
      k.name = d;
      k.length = (guint32) strlen (d);
    }
  else
    {
      k.name = (const char *) name;
      k.length = (guint32) (name_end - name);
    }
  k.hash = hash_name (k.name, k.length);

  if (l->big != NULL)
    duplicate = !g_hash_table_add (l->big, g_strndup (k.name, k.length));
  else
    {
      for (guint i = l->keys_start; i < s->keys->len; i++)
        {
          Key *o = &g_array_index (s->keys, Key, i);
          if (o->hash == k.hash && o->length == k.length && memcmp (o->name, k.name, k.length) == 0)
            {
              duplicate = TRUE;
              break;
            }
        }
      if (!duplicate && l->count + 1 >= SMALL_OBJECT)
        {
          l->big = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          for (guint i = l->keys_start; i < s->keys->len; i++)
            {
              Key *o = &g_array_index (s->keys, Key, i);
              g_hash_table_add (l->big, g_strndup (o->name, o->length));
            }
          g_hash_table_add (l->big, g_strndup (k.name, k.length));
        }
    }

  g_array_append_val (s->keys, k);
  l->count++;

  if (duplicate)
    {
      scan_fail (s, name - 1, QD_ERROR_INVALID, _("this member appears twice in the same object"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
scan_push (Scan         *s,
           const guchar *at,
           gboolean      is_object)
{
  Level *l;

  if (s->depth == QD_JSON_MAX_DEPTH)
    {
      g_autofree char *what = g_strdup_printf (_("nested deeper than %d levels"), QD_JSON_MAX_DEPTH);
      scan_fail (s, at, QD_ERROR_TOO_DEEP, what);
      return FALSE;
    }

  l = &s->stack[s->depth++];
  l->is_object = is_object;
  l->count = 0;
  l->keys_start = s->keys->len;
  l->big = NULL;
  return TRUE;
}

static void
scan_pop (Scan *s)
{
  Level *l = &s->stack[--s->depth];

  if (l->is_object)
    g_array_set_size (s->keys, l->keys_start);
  g_clear_pointer (&l->big, g_hash_table_unref);
}

/* The whole grammar of RFC 8259 as a loop over an explicit stack. */
static gboolean
scan_text (Scan *s)
{
  const guchar *end = s->end;
  const guchar *p = skip_ws (s->start, end);
  Level *l;

  if (p == end)
    {
      scan_fail (s, p, QD_ERROR_INVALID, _("no JSON value, only white space"));
      return FALSE;
    }

value:
  if (p >= end)
    return scan_fail_unexpected (s, p) != NULL;

  switch (*p)
    {
    case '{':
      if (!scan_push (s, p, TRUE))
        return FALSE;
      p = skip_ws (p + 1, end);
      if (p < end && *p == '}')
        {
          p++;
          scan_pop (s);
          goto after_value;
        }
      goto member;

    case '[':
      if (!scan_push (s, p, FALSE))
        return FALSE;
      p = skip_ws (p + 1, end);
      if (p < end && *p == ']')
        {
          p++;
          scan_pop (s);
          goto after_value;
        }
      goto value;

    case '"':
      {
        gboolean has_escape = FALSE;

        p = scan_string (s, p + 1, &has_escape);
        if (p == NULL)
          return FALSE;
      }
      goto after_value;

    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      p = scan_number (s, p);
      if (p == NULL)
        return FALSE;
      goto after_value;

    case 't':
      if (end - p >= 4 && memcmp (p, "true", 4) == 0)
        {
          p += 4;
          goto after_value;
        }
      return scan_fail_unexpected (s, p) != NULL;

    case 'f':
      if (end - p >= 5 && memcmp (p, "false", 5) == 0)
        {
          p += 5;
          goto after_value;
        }
      return scan_fail_unexpected (s, p) != NULL;

    case 'n':
      if (end - p >= 4 && memcmp (p, "null", 4) == 0)
        {
          p += 4;
          goto after_value;
        }
      return scan_fail_unexpected (s, p) != NULL;

    default:
      return scan_fail_unexpected (s, p) != NULL;
    }

member:
  if (p >= end || *p != '"')
    {
      if (p >= end)
        return scan_fail_unexpected (s, p) != NULL;
      return scan_fail (s, p, QD_ERROR_INVALID, _("a member name in double quotes is expected"))
             != NULL;
    }
  {
    const guchar *name = p + 1;
    gboolean has_escape = FALSE;

    p = scan_string (s, name, &has_escape);
    if (p == NULL)
      return FALSE;
    if (!add_key (s, name, p - 1, has_escape))
      return FALSE;
  }
  p = skip_ws (p, end);
  if (p >= end || *p != ':')
    return scan_fail (s, p, QD_ERROR_INVALID, _("“:” is expected after the member name")) != NULL;
  p = skip_ws (p + 1, end);
  goto value;

after_value:
  p = skip_ws (p, end);
  if (s->depth == 0)
    {
      if (p != end)
        return scan_fail (s, p, QD_ERROR_INVALID, _("unexpected data after the JSON value"))
               != NULL;
      return TRUE;
    }

  l = &s->stack[s->depth - 1];
  if (p >= end)
    return scan_fail_unexpected (s, p) != NULL;
  if (*p == ',')
    {
      p = skip_ws (p + 1, end);
      if (l->is_object)
        goto member;
      l->count++;
      goto value;
    }
  if (l->is_object && *p == '}')
    {
      p++;
      scan_pop (s);
      goto after_value;
    }
  if (!l->is_object && *p == ']')
    {
      p++;
      scan_pop (s);
      goto after_value;
    }
  return scan_fail (s, p, QD_ERROR_INVALID,
                    l->is_object ? _("“,” or “}” is expected") : _("“,” or “]” is expected"))
         != NULL;
}

/**
 * qd_json_validate:
 * @data: JSON text
 * @length: its length in bytes, or -1 when it is NUL-terminated
 * @error: return location for a #GError
 *
 * Checks that @data is strict JSON within our limits, as qd_json_parse() does, without
 * building a tree: one pass, no allocation but for objects with escaped or many member
 * names.
 *
 * Returns: %TRUE when qd_json_parse() would accept @data
 */
gboolean
qd_json_validate (const char  *data,
                  gssize       length,
                  GError     **error)
{
  Scan s = { 0, };
  const char *bad;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length < 0)
    length = strlen (data);

  if (length == 0)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID, _("The JSON text is empty"));
      return FALSE;
    }
  if ((gsize) length > MAX_TEXT_BYTES)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_TOO_LARGE,
                   _("The JSON text is too large (%s bytes)"), "2147483647+");
      return FALSE;
    }
  if ((bad = memchr (data, '\0', length)) != NULL)
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GSIZE_FORMAT, (gsize) (bad - data));
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                   _("The JSON text contains a NUL byte (at byte %s)"), offset);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, &bad))
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GSIZE_FORMAT, (gsize) (bad - data));
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID,
                   _("The JSON text is not valid UTF-8 (at byte %s)"), offset);
      return FALSE;
    }

  s.start = (const guchar *) data;
  s.end = s.start + length;
  s.keys = g_array_sized_new (FALSE, FALSE, sizeof (Key), 64);
  ok = scan_text (&s);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&s.error));
  scan_clear (&s);

  return ok;
}

/**
 * qd_json_parse:
 * @data: JSON text
 * @length: its length in bytes, or -1 when it is NUL-terminated
 * @error: return location for a #GError
 *
 * Parses JSON strictly (RFC 8259): valid UTF-8 without NUL bytes, no comments, no single
 * quotes, no trailing data, no duplicate member names, no "\u0000", no unpaired
 * surrogates, integers within gint64 (%QD_ERROR_OUT_OF_RANGE), finite numbers, nesting up
 * to %QD_JSON_MAX_DEPTH (%QD_ERROR_TOO_DEEP). Everything else is %QD_ERROR_INVALID with
 * the path, line and column of the problem. See qd_json_validate().
 *
 * Numbers without a fraction or exponent are %G_TYPE_INT64 values; all others (also
 * "1.0" and "1e3") are %G_TYPE_DOUBLE, which qd_json_read_int() rejects.
 *
 * Returns: (transfer full): the root node (a %JSON_NODE_NULL node for "null")
 */
JsonNode *
qd_json_parse (const char  *data,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (data);

  if (!qd_json_validate (data, length, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* Should not happen after the scan above; report it rather than trust it. */
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID, _("Invalid JSON: %s"), local_error->message);
      return NULL;
    }

  return json_parser_steal_root (parser);
}

static const char *
describe_node (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          return _("an integer");
        case G_TYPE_DOUBLE:
          return _("a number with a fraction or an exponent");
        case G_TYPE_BOOLEAN:
          return _("true or false");
        case G_TYPE_STRING:
          return _("a string");
        default:
          break;
        }
      break;
    default:
      break;
    }
  return _("a value of unknown type");
}

/**
 * qd_json_parse_object:
 * @data: JSON text
 * @length: its length in bytes, or -1 when it is NUL-terminated
 * @error: return location for a #GError
 *
 * As qd_json_parse(), and the root must be an object (else %QD_ERROR_WRONG_TYPE).
 *
 * Returns: (transfer full): the root object
 */
JsonObject *
qd_json_parse_object (const char  *data,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonNode) root = qd_json_parse (data, length, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE,
                   _("The JSON text must be an object, but it is %s"), describe_node (root));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

typedef enum
{
  LOOKUP_FAILED,
  LOOKUP_FOUND,      /* a non-null value in *out_node */
  LOOKUP_LEAVE,      /* absent or null, and fine: leave the out value alone */
  LOOKUP_SET_NULL,   /* null, and fine: pointer outputs become NULL */
} Lookup;

static Lookup
lookup (JsonObject   *object,
        const char   *member,
        QdJsonFlags   flags,
        const char   *expected,
        JsonNode    **out_node,
        GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      if (flags & QD_JSON_OPTIONAL)
        return LOOKUP_LEAVE;
      g_set_error (error, QD_ERROR, QD_ERROR_MISSING_FIELD, _("%s: required but missing"), member);
      return LOOKUP_FAILED;
    }

  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (flags & QD_JSON_NULLABLE)
        return LOOKUP_SET_NULL;
      if (flags & QD_JSON_OPTIONAL)
        return LOOKUP_LEAVE;
      g_set_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE, _("%s: expected %s, got %s"),
                   member, expected, describe_node (node));
      return LOOKUP_FAILED;
    }

  *out_node = node;
  return LOOKUP_FOUND;
}

static gboolean
wrong_type (const char  *member,
            const char  *expected,
            JsonNode    *node,
            GError     **error)
{
  g_set_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE, _("%s: expected %s, got %s"),
               member, expected, describe_node (node));
  return FALSE;
}

static gboolean
holds (JsonNode *node,
       GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* Reads a string member; @found tells whether there was one. */
static gboolean
read_string (JsonObject   *object,
             const char   *member,
             QdJsonFlags   flags,
             const char   *expected,
             const char  **out_value,
             gboolean     *found,
             GError      **error)
{
  JsonNode *node = NULL;

  *found = FALSE;
  switch (lookup (object, member, flags, expected, &node, error))
    {
    case LOOKUP_FAILED:
      return FALSE;
    case LOOKUP_LEAVE:
      return TRUE;
    case LOOKUP_SET_NULL:
      if (out_value != NULL)
        *out_value = NULL;
      return TRUE;
    case LOOKUP_FOUND:
    default:
      break;
    }

  if (!holds (node, G_TYPE_STRING))
    return wrong_type (member, expected, node, error);

  *found = TRUE;
  if (out_value != NULL)
    *out_value = json_node_get_string (node);
  return TRUE;
}

/**
 * qd_json_read_string:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @out_value: (out) (optional) (transfer none): the string, valid as long as @object
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; %FALSE with %QD_ERROR_MISSING_FIELD or %QD_ERROR_WRONG_TYPE
 */
gboolean
qd_json_read_string (JsonObject   *object,
                     const char   *member,
                     QdJsonFlags   flags,
                     const char  **out_value,
                     GError      **error)
{
  gboolean found;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  return read_string (object, member, flags, _("a string"), out_value, &found, error);
}

/**
 * qd_json_read_text:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @max_chars: the most characters allowed
 * @out_value: (out) (optional) (transfer none): the string, valid as long as @object
 * @error: return location for a #GError
 *
 * Reads a free-text string (a note, a reason) of at most @max_chars characters.
 *
 * Returns: %TRUE on success; %FALSE with %QD_ERROR_MISSING_FIELD, %QD_ERROR_WRONG_TYPE or
 *   %QD_ERROR_TOO_LARGE
 */
gboolean
qd_json_read_text (JsonObject   *object,
                   const char   *member,
                   QdJsonFlags   flags,
                   gsize         max_chars,
                   const char  **out_value,
                   GError      **error)
{
  const char *value = NULL;
  gboolean found;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  if (!read_string (object, member, flags, _("a string"), &value, &found, error))
    return FALSE;

  if (!found)
    {
      /* Absent or null and allowed: only a null that is allowed clears the out value. */
      if (out_value != NULL && (flags & QD_JSON_NULLABLE) && json_object_has_member (object, member))
        *out_value = NULL;
      return TRUE;
    }

  if (g_utf8_strlen (value, -1) > (glong) max_chars)
    {
      g_autofree char *max = g_strdup_printf ("%" G_GSIZE_FORMAT, max_chars);
      g_set_error (error, QD_ERROR, QD_ERROR_TOO_LARGE,
                   _("%s: the text is longer than %s characters"), member, max);
      return FALSE;
    }

  if (out_value != NULL)
    *out_value = value;
  return TRUE;
}

/**
 * qd_json_read_int:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @min: the smallest value allowed
 * @max: the largest value allowed
 * @out_value: (out) (optional): the value
 * @error: return location for a #GError
 *
 * Reads an integer. Numbers with a fraction or an exponent ("1.0", "1e3") are refused
 * with %QD_ERROR_WRONG_TYPE even when their value is whole: the wire carries integers as
 * integers.
 *
 * Returns: %TRUE on success; %FALSE with %QD_ERROR_MISSING_FIELD, %QD_ERROR_WRONG_TYPE or
 *   %QD_ERROR_OUT_OF_RANGE
 */
gboolean
qd_json_read_int (JsonObject   *object,
                  const char   *member,
                  QdJsonFlags   flags,
                  gint64        min,
                  gint64        max,
                  gint64       *out_value,
                  GError      **error)
{
  JsonNode *node = NULL;
  gint64 value;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (min <= max, FALSE);

  switch (lookup (object, member, flags, _("an integer"), &node, error))
    {
    case LOOKUP_FAILED:
      return FALSE;
    case LOOKUP_LEAVE:
    case LOOKUP_SET_NULL:
      return TRUE;
    case LOOKUP_FOUND:
    default:
      break;
    }

  if (!holds (node, G_TYPE_INT64))
    return wrong_type (member, _("an integer"), node, error);

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, value);
      g_autofree char *lo = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *hi = g_strdup_printf ("%" G_GINT64_FORMAT, max);

      if (max == G_MAXINT64)
        g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                     _("%s: %s is too small (the least allowed is %s)"), member, v, lo);
      else if (min == G_MININT64)
        g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                     _("%s: %s is too large (the most allowed is %s)"), member, v, hi);
      else
        g_set_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE,
                     _("%s: %s is out of range (allowed: %s to %s)"), member, v, lo, hi);
      return FALSE;
    }

  if (out_value != NULL)
    *out_value = value;
  return TRUE;
}

/**
 * qd_json_read_bool:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @out_value: (out) (optional): the value
 * @error: return location for a #GError
 *
 * Reads true or false; 0, 1, "true" are %QD_ERROR_WRONG_TYPE.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_json_read_bool (JsonObject   *object,
                   const char   *member,
                   QdJsonFlags   flags,
                   gboolean     *out_value,
                   GError      **error)
{
  JsonNode *node = NULL;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  switch (lookup (object, member, flags, _("true or false"), &node, error))
    {
    case LOOKUP_FAILED:
      return FALSE;
    case LOOKUP_LEAVE:
    case LOOKUP_SET_NULL:
      return TRUE;
    case LOOKUP_FOUND:
    default:
      break;
    }

  if (!holds (node, G_TYPE_BOOLEAN))
    return wrong_type (member, _("true or false"), node, error);

  if (out_value != NULL)
    *out_value = json_node_get_boolean (node);
  return TRUE;
}

/**
 * qd_json_read_enum:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @enum_type: an enum #GType of qd-enums.h
 * @out_value: (out) (optional): the value
 * @error: return location for a #GError
 *
 * Reads the wire name of an enum member (exact match).
 *
 * Returns: %TRUE on success; %FALSE with %QD_ERROR_MISSING_FIELD, %QD_ERROR_WRONG_TYPE or
 *   %QD_ERROR_UNKNOWN_VALUE
 */
gboolean
qd_json_read_enum (JsonObject   *object,
                   const char   *member,
                   QdJsonFlags   flags,
                   GType         enum_type,
                   int          *out_value,
                   GError      **error)
{
  const char *text = NULL;
  gboolean found;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), FALSE);

  if (!read_string (object, member, flags, _("a string"), &text, &found, error))
    return FALSE;
  if (!found)
    return TRUE;

  if (!qd_enum_from_string (enum_type, text, out_value, error))
    {
      g_prefix_error (error, "%s: ", member);
      return FALSE;
    }
  return TRUE;
}

typedef gboolean (*Checker) (const char *text);

static gboolean
read_checked_string (JsonObject   *object,
                     const char   *member,
                     QdJsonFlags   flags,
                     Checker       check,
                     const char   *expected,
                     const char  **out_value,
                     GError      **error)
{
  const char *text = NULL;
  gboolean found;

  if (!read_string (object, member, flags, _("a string"), &text, &found, error))
    return FALSE;
  if (!found)
    {
      /* Absent or null and allowed: only a null that is allowed clears the out value. */
      if (out_value != NULL && (flags & QD_JSON_NULLABLE) && json_object_has_member (object, member))
        *out_value = NULL;
      return TRUE;
    }

  if (!check (text))
    {
      g_autofree char *quoted = _qd_excerpt (text, -1, QD_EXCERPT_CHARS);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID, expected, member, quoted);
#pragma GCC diagnostic pop
      return FALSE;
    }

  if (out_value != NULL)
    *out_value = text;
  return TRUE;
}

/**
 * qd_json_read_date:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @out_value: (out) (optional) (transfer none): the date text, "YYYY-MM-DD"
 * @error: return location for a #GError
 *
 * Reads a calendar date that exists ("2026-02-30" does not: %QD_ERROR_INVALID).
 *
 * Returns: %TRUE on success
 */
gboolean
qd_json_read_date (JsonObject   *object,
                   const char   *member,
                   QdJsonFlags   flags,
                   const char  **out_value,
                   GError      **error)
{
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  return read_checked_string (object, member, flags, qd_is_date,
                              _("%s: expected a date such as 2026-11-24, got “%s”"),
                              out_value, error);
}

/**
 * qd_json_read_timestamp:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @out_value: (out) (optional) (transfer none): the instant, RFC 3339 in UTC
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qd_json_read_timestamp (JsonObject   *object,
                        const char   *member,
                        QdJsonFlags   flags,
                        const char  **out_value,
                        GError      **error)
{
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  return read_checked_string (object, member, flags, qd_is_timestamp,
                              _("%s: expected a UTC time such as 2026-11-24T08:00:00Z, got “%s”"),
                              out_value, error);
}

/**
 * qd_json_read_uuid:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @out_value: (out) (optional) (transfer none): the UUID
 * @error: return location for a #GError
 *
 * Reads a UUID in canonical lower-case form (qd_is_uuid()).
 *
 * Returns: %TRUE on success
 */
gboolean
qd_json_read_uuid (JsonObject   *object,
                   const char   *member,
                   QdJsonFlags   flags,
                   const char  **out_value,
                   GError      **error)
{
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  return read_checked_string (object, member, flags, qd_is_uuid,
                              _("%s: expected a lower-case UUID, got “%s”"), out_value, error);
}

/**
 * qd_json_read_id:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @out_value: (out) (optional) (transfer none): the id
 * @error: return location for a #GError
 *
 * Reads a server or client id (qd_is_id()).
 *
 * Returns: %TRUE on success
 */
gboolean
qd_json_read_id (JsonObject   *object,
                 const char   *member,
                 QdJsonFlags   flags,
                 const char  **out_value,
                 GError      **error)
{
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  return read_checked_string (object, member, flags, qd_is_id,
                              _("%s: expected an id (1 to 64 printable ASCII characters, no spaces), got “%s”"),
                              out_value, error);
}

static gboolean
read_container (JsonObject   *object,
                const char   *member,
                QdJsonFlags   flags,
                JsonNodeType  type,
                gpointer     *out_value,
                GError      **error)
{
  const char *expected = type == JSON_NODE_OBJECT ? _("an object") : _("an array");
  JsonNode *node = NULL;

  switch (lookup (object, member, flags, expected, &node, error))
    {
    case LOOKUP_FAILED:
      return FALSE;
    case LOOKUP_LEAVE:
      return TRUE;
    case LOOKUP_SET_NULL:
      if (out_value != NULL)
        *out_value = NULL;
      return TRUE;
    case LOOKUP_FOUND:
    default:
      break;
    }

  if (JSON_NODE_TYPE (node) != type)
    return wrong_type (member, expected, node, error);

  if (out_value != NULL)
    *out_value = type == JSON_NODE_OBJECT ? (gpointer) json_node_get_object (node)
                                          : (gpointer) json_node_get_array (node);
  return TRUE;
}

/**
 * qd_json_read_object:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @out_value: (out) (optional) (transfer none): the member object
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qd_json_read_object (JsonObject   *object,
                     const char   *member,
                     QdJsonFlags   flags,
                     JsonObject  **out_value,
                     GError      **error)
{
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  return read_container (object, member, flags, JSON_NODE_OBJECT, (gpointer *) out_value, error);
}

/**
 * qd_json_read_array:
 * @object: a JSON object
 * @member: the member name
 * @flags: #QdJsonFlags
 * @out_value: (out) (optional) (transfer none): the member array
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qd_json_read_array (JsonObject   *object,
                    const char   *member,
                    QdJsonFlags   flags,
                    JsonArray   **out_value,
                    GError      **error)
{
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  return read_container (object, member, flags, JSON_NODE_ARRAY, (gpointer *) out_value, error);
}

/**
 * qd_json_array_object:
 * @array: a JSON array
 * @index: an index below its length
 * @error: return location for a #GError
 *
 * Returns the element at @index, which must be an object. The message of the error reads
 * "[2]: expected an object, got a string"; prefix it with the array's path
 * (g_prefix_error (error, "lines")).
 *
 * Returns: (transfer none) (nullable): the object, or %NULL with %QD_ERROR_WRONG_TYPE
 */
JsonObject *
qd_json_array_object (JsonArray  *array,
                      guint       index,
                      GError    **error)
{
  JsonNode *node;

  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (index < json_array_get_length (array), NULL);

  node = json_array_get_element (array, index);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE, _("[%u]: expected %s, got %s"),
                   index, _("an object"), describe_node (node));
      return NULL;
    }

  return json_node_get_object (node);
}

/**
 * qd_json_check_members:
 * @object: a JSON object
 * @allowed: (array zero-terminated=1): the member names allowed
 * @error: return location for a #GError
 *
 * Refuses members that are not in @allowed, naming the first one (in document order):
 * "colour: unknown member". Use it on what clients send; what the server sends may grow
 * new members (PROTOCOL.md), so readers of entities skip this check.
 *
 * Returns: %TRUE when every member is allowed; %FALSE with %QD_ERROR_UNKNOWN_FIELD
 */
gboolean
qd_json_check_members (JsonObject          *object,
                       const char * const  *allowed,
                       GError             **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (allowed != NULL, FALSE);

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      gboolean ok = FALSE;

      for (guint i = 0; allowed[i] != NULL; i++)
        if (strcmp (allowed[i], name) == 0)
          {
            ok = TRUE;
            break;
          }

      if (!ok)
        {
          g_autofree char *quoted = _qd_excerpt (name, -1, QD_EXCERPT_CHARS);
          g_autofree char *list = g_strjoinv (", ", (char **) allowed);

          g_set_error (error, QD_ERROR, QD_ERROR_UNKNOWN_FIELD,
                       _("%s: unknown member (allowed: %s)"), quoted, list);
          return FALSE;
        }
    }

  return TRUE;
}

static inline gboolean
is_lower_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/**
 * qd_is_uuid:
 * @text: (nullable): a string
 *
 * Returns: whether @text is a UUID in canonical lower-case form, 36 characters
 *   ("1b4e28ba-2fa1-11d2-883f-0016d3cca427"); any version
 */
gboolean
qd_is_uuid (const char *text)
{
  if (text == NULL)
    return FALSE;

  for (int i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!is_lower_hex (text[i]))
        return FALSE;
    }

  return text[36] == '\0';
}

static gboolean
read_digits (const char *p,
             int         n,
             guint      *out)
{
  guint v = 0;

  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      v = v * 10 + (guint) (p[i] - '0');
    }
  *out = v;
  return TRUE;
}

static gboolean
is_date_prefix (const char *text)
{
  guint y, m, d;

  if (!read_digits (text, 4, &y) || text[4] != '-' || !read_digits (text + 5, 2, &m)
      || text[7] != '-' || !read_digits (text + 8, 2, &d))
    return FALSE;

  return y >= 1 && g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/**
 * qd_is_date:
 * @text: (nullable): a string
 *
 * Returns: whether @text is a real calendar date written "YYYY-MM-DD" (years 0001–9999)
 */
gboolean
qd_is_date (const char *text)
{
  if (text == NULL || strlen (text) != 10)
    return FALSE;

  return is_date_prefix (text);
}

/**
 * qd_is_timestamp:
 * @text: (nullable): a string
 *
 * Returns: whether @text is an RFC 3339 instant in UTC, "2026-11-24T08:00:00Z", with
 *   optional fractional seconds (up to 9 digits)
 */
gboolean
qd_is_timestamp (const char *text)
{
  gsize len;
  guint h, m, s;
  const char *p;

  if (text == NULL)
    return FALSE;
  len = strlen (text);
  if (len < 20 || !is_date_prefix (text) || text[10] != 'T')
    return FALSE;
  if (!read_digits (text + 11, 2, &h) || text[13] != ':' || !read_digits (text + 14, 2, &m)
      || text[16] != ':' || !read_digits (text + 17, 2, &s))
    return FALSE;
  /* 60 allows a leap second. */
  if (h > 23 || m > 59 || s > 60)
    return FALSE;

  p = text + 19;
  if (*p == '.')
    {
      int n = 0;

      p++;
      while (g_ascii_isdigit (*p) && n < 10)
        {
          p++;
          n++;
        }
      if (n == 0 || n > 9)
        return FALSE;
    }

  return p[0] == 'Z' && p[1] == '\0';
}

/**
 * qd_is_id:
 * @text: (nullable): a string
 *
 * Ids of server entities ("p_17") and of client-created ones (UUIDs) share one shape:
 * 1 to 64 printable ASCII characters without spaces. That keeps them safe in URLs, logs
 * and file names.
 *
 * Returns: whether @text has the shape of an id
 */
gboolean
qd_is_id (const char *text)
{
  gsize i;

  if (text == NULL || text[0] == '\0')
    return FALSE;

  for (i = 0; text[i] != '\0'; i++)
    {
      if (i >= 64 || (guchar) text[i] <= 0x20 || (guchar) text[i] >= 0x7F)
        return FALSE;
    }

  return TRUE;
}

/**
 * qd_uuid_new:
 *
 * Returns: (transfer full): a new random (version 4) UUID, lower case
 */
char *
qd_uuid_new (void)
{
  return g_uuid_string_random ();
}
