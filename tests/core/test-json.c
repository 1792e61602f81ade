/* test-json.c — strict JSON parsing and typed readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "qd-enum-types.h"
#include "qd-enums.h"
#include "qd-error.h"
#include "qd-json.h"

typedef struct
{
  const char *text;
  gssize      length;
  int         code;
  const char *message_part;
} BadJson;

/* Everything json-glib 1.6 lets through, or mishandles, and that we refuse. */
static void
test_parse_bad (void)
{
  static const BadJson cases[] = {
    { "", -1, QD_ERROR_INVALID, "empty" },
    { "  \n ", -1, QD_ERROR_INVALID, "white space" },
    { "{\"a\":99999999999999999999}", -1, QD_ERROR_OUT_OF_RANGE, "a: the integer 99999999999999999999 is too large" },
    { "{\"a\":9223372036854775808}", -1, QD_ERROR_OUT_OF_RANGE, "a: " },
    { "{\"a\":-9223372036854775809}", -1, QD_ERROR_OUT_OF_RANGE, "a: " },
    { "{\"lines\":[{\"qty\":1},{\"qty\":123456789012345678901}]}", -1, QD_ERROR_OUT_OF_RANGE, "lines[1].qty: " },
    { "{\"a\":1e400}", -1, QD_ERROR_OUT_OF_RANGE, "a: the number 1e400 is too large" },
    { "{\"a\":-1e400}", -1, QD_ERROR_OUT_OF_RANGE, "a: " },
    { "{\"a\":1,\"a\":2}", -1, QD_ERROR_INVALID, "a: this member appears twice" },
    { "{\"\\u0061\":1,\"a\":2}", -1, QD_ERROR_INVALID, "a: this member appears twice" },
    { "{\"x\":{\"b\":1,\"c\":{},\"b\":[]}}", -1, QD_ERROR_INVALID, "x.b: this member appears twice" },
    { "{\"a\":\"x\\u0000y\"}", -1, QD_ERROR_INVALID, "a: NUL character" },
    { "{\"a\":1}x", -1, QD_ERROR_INVALID, "unexpected data after the JSON value" },
    { "{\"a\":1}{}", -1, QD_ERROR_INVALID, "unexpected data after the JSON value" },
    { "{\"a\":1} // c", -1, QD_ERROR_INVALID, "unexpected data" },
    { "/* c */{\"a\":1}", -1, QD_ERROR_INVALID, "unexpected “/”" },
    { "{'a':1}", -1, QD_ERROR_INVALID, "member name in double quotes" },
    { "{a:1}", -1, QD_ERROR_INVALID, "member name in double quotes" },
    { "{\"a\":0x10}", -1, QD_ERROR_INVALID, "a: “,” or “}” is expected (line 1, column 7)" },
    { "{\"a\":01}", -1, QD_ERROR_INVALID, "leading zeros" },
    { "{\"a\":.5}", -1, QD_ERROR_INVALID, "unexpected “.”" },
    { "{\"a\":1.}", -1, QD_ERROR_INVALID, "after the decimal point" },
    { "{\"a\":1e}", -1, QD_ERROR_INVALID, "exponent" },
    { "{\"a\":+1}", -1, QD_ERROR_INVALID, "unexpected “+”" },
    { "{\"a\":-}", -1, QD_ERROR_INVALID, "digit is expected" },
    { "{\"a\":NaN}", -1, QD_ERROR_INVALID, "unexpected “N”" },
    { "{\"a\":Infinity}", -1, QD_ERROR_INVALID, "unexpected “I”" },
    { "{\"a\":tru}", -1, QD_ERROR_INVALID, "unexpected “t”" },
    { "{\"a\":\"\t\"}", -1, QD_ERROR_INVALID, "control character" },
    { "{\"a\":\"\\x\"}", -1, QD_ERROR_INVALID, "invalid escape" },
    { "{\"a\":\"\\u12\"}", -1, QD_ERROR_INVALID, "\\u escape" },
    { "{\"a\":\"\\ud800\"}", -1, QD_ERROR_INVALID, "surrogate" },
    { "{\"a\":\"\\udc00\\ud800\"}", -1, QD_ERROR_INVALID, "surrogate" },
    { "{\"a\":1,}", -1, QD_ERROR_INVALID, "member name in double quotes" },
    { "[1,]", -1, QD_ERROR_INVALID, "[1]: unexpected “]”" },
    { "[1 2]", -1, QD_ERROR_INVALID, "“,” or “]” is expected" },
    { "{\"a\" 1}", -1, QD_ERROR_INVALID, "“:” is expected" },
    { "{\"a\":1", -1, QD_ERROR_INVALID, "unexpected end of input" },
    { "{\"a\":\"abc", -1, QD_ERROR_INVALID, "unterminated string" },
    { "\xef\xbb\xbf{}", -1, QD_ERROR_INVALID, "unexpected" },
    { "{\"a\":\"\xff\"}", -1, QD_ERROR_INVALID, "not valid UTF-8 (at byte 6)" },
    { "{\"a\":\"\xc0\xaf\"}", -1, QD_ERROR_INVALID, "not valid UTF-8" },
    { "{\"a\":\"\xed\xa0\x80\"}", -1, QD_ERROR_INVALID, "not valid UTF-8" },
    { "{\"a\":1}\0garbage", 15, QD_ERROR_INVALID, "NUL byte (at byte 7)" },
    { "{\"a\":\"x\0y\"}", 11, QD_ERROR_INVALID, "NUL byte" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = qd_json_parse (cases[i].text, cases[i].length, &error);

      if (node != NULL)
        g_error ("case %" G_GSIZE_FORMAT " “%s” should fail", i, cases[i].text);
      g_assert_error (error, QD_ERROR, cases[i].code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": message “%s” lacks “%s”", i, error->message,
                 cases[i].message_part);

      /* qd_json_validate() is the same check without the tree. */
      {
        g_autoptr(GError) error2 = NULL;

        g_assert_false (qd_json_validate (cases[i].text, cases[i].length, &error2));
        g_assert_cmpstr (error2->message, ==, error->message);
      }
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_true (qd_json_validate ("{\"a\":[1,2,{\"b\":null}]}", -1, &error));
    g_assert_no_error (error);
  }
}

/* What we accept, and what json-glib makes of it. */
static void
test_parse_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = NULL;
  JsonNode *n;

  o = qd_json_parse_object (" {\"i\":9223372036854775807, \"j\":-9223372036854775808, \"z\":-0,"
                            " \"d\":1.0, \"e\":1e3, \"s\":\"\\u00e9\\ud83d\\ude00\\n\\/\","
                            " \"t\":true, \"n\":null, \"a\":[], \"o\":{}, \"c\":\"渠道\"}\r\n",
                            -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (o);

  g_assert_cmpint (json_object_get_int_member (o, "i"), ==, G_MAXINT64);
  g_assert_cmpint (json_object_get_int_member (o, "j"), ==, G_MININT64);
  n = json_object_get_member (o, "z");
  g_assert_cmpint (json_node_get_value_type (n), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (n), ==, 0);
  /* "1.0" and "1e3" are doubles to json-glib: integer readers refuse them. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (o, "d")), ==, G_TYPE_DOUBLE);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (o, "e")), ==, G_TYPE_DOUBLE);
  g_assert_cmpstr (json_object_get_string_member (o, "s"), ==, "é😀\n/");
  g_assert_cmpstr (json_object_get_string_member (o, "c"), ==, "渠道");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, "n")));

  /* Scalars and null are valid roots for qd_json_parse(). */
  {
    g_autoptr(JsonNode) root = qd_json_parse ("null", -1, &error);
    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_NULL (root));
  }
  {
    g_autoptr(JsonNode) root = qd_json_parse ("\"x\"", 3, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_node_get_string (root), ==, "x");
  }
  {
    g_autoptr(JsonNode) root = qd_json_parse ("-12", -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (json_node_get_int (root), ==, -12);
  }
}

static void
test_parse_object_root (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = qd_json_parse_object ("[1,2]", -1, &error);

  g_assert_null (o);
  g_assert_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE);
  g_assert_nonnull (strstr (error->message, "an array"));
}

static void
test_depth (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* The bomb: 100,000 brackets would overflow json-glib's recursive parser. */
  for (int i = 0; i < 100000; i++)
    g_string_append_c (s, '[');
  {
    g_autoptr(JsonNode) node = qd_json_parse (s->str, s->len, &error);
    g_assert_null (node);
    g_assert_error (error, QD_ERROR, QD_ERROR_TOO_DEEP);
    g_assert_nonnull (strstr (error->message, "64"));
    g_clear_error (&error);
  }

  /* Brackets inside strings do not count. */
  g_string_truncate (s, 0);
  g_string_append (s, "{\"a\":\"");
  for (int i = 0; i < 1000; i++)
    g_string_append (s, "[{\\\"");
  g_string_append (s, "\"}");
  {
    g_autoptr(JsonNode) node = qd_json_parse (s->str, s->len, &error);
    g_assert_no_error (error);
    g_assert_nonnull (node);
  }

  /* Exactly the limit passes, one more fails; objects and arrays mixed. */
  for (int depth = QD_JSON_MAX_DEPTH; depth <= QD_JSON_MAX_DEPTH + 1; depth++)
    {
      g_autoptr(JsonNode) node = NULL;

      g_string_truncate (s, 0);
      for (int i = 0; i < depth; i++)
        g_string_append (s, i % 2 ? "[" : "{\"k\":");
      g_string_append (s, "1");
      for (int i = depth - 1; i >= 0; i--)
        g_string_append (s, i % 2 ? "]" : "}");

      node = qd_json_parse (s->str, s->len, &error);
      if (depth <= QD_JSON_MAX_DEPTH)
        {
          g_assert_no_error (error);
          g_assert_nonnull (node);
        }
      else
        {
          g_assert_null (node);
          g_assert_error (error, QD_ERROR, QD_ERROR_TOO_DEEP);
          /* The path tells where: k[0].k[0]… */
          g_assert_true (g_str_has_prefix (error->message, "k[0].k[0]"));
          g_clear_error (&error);
        }
    }
}

/* Every proper prefix of a document is an error, never a crash or a success. */
static void
test_truncated (void)
{
  const char *doc = "{\"order_id\":\"7f0e1b9c-3c2a-4d5e-8f90-123456789abc\",\"lines\":"
                    "[{\"product_id\":\"p_1\",\"qty\":12},{\"product_id\":\"p_2\",\"qty\":-3}],"
                    "\"note\":\"急\\u9700 \\\"快\\\"\",\"x\":[true,false,null,1.5e-3]}";
  gsize len = strlen (doc);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = qd_json_parse (doc, cut, &error);

      /* A cut inside a UTF-8 sequence is invalid UTF-8; all other cuts invalid JSON. */
      g_assert_null (node);
      g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = qd_json_parse (doc, len, &error);
    g_assert_no_error (error);
    g_assert_nonnull (node);
  }
}

/* Objects with many members use a hash table for the duplicate check. */
static void
test_big_object_duplicates (void)
{
  g_autoptr(GString) s = g_string_new ("{");
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 5000; i++)
    g_string_append_printf (s, "%s\"m%d\":%d", i ? "," : "", i, i);
  g_string_append (s, "}");
  {
    g_autoptr(JsonNode) node = qd_json_parse (s->str, s->len, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (json_object_get_size (json_node_get_object (node)), ==, 5000);
  }

  g_string_truncate (s, s->len - 1);
  g_string_append (s, ",\"m\\u0031234\":0}");
  {
    g_autoptr(JsonNode) node = qd_json_parse (s->str, s->len, &error);
    g_assert_null (node);
    g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
    g_assert_true (g_str_has_prefix (error->message, "m1234: this member appears twice"));
  }
}

/* Byte flips, insertions and cuts of a valid document: never a crash, always a node or a
 * QD_ERROR. */
static void
test_mutations (void)
{
  const char *doc = "{\"a\":[1,-2,3.5e2,\"s\\u00e9\\n\",{\"b\":null,\"c\":true}],\"d\":\"渠道\","
                    "\"e\":{\"f\":[[],{}]},\"g\":9223372036854775807}";
  static const char bytes[] = "{}[]\":,\\-+.0123456789eEtfnu \n\t\x80\xff\xe6";
  gsize len = strlen (doc);
  GRand *rand = g_rand_new_with_seed (7);

  for (int i = 0; i < 5000; i++)
    {
      g_autofree char *copy = g_malloc (len + 8);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      gsize n = len;
      int edits = g_rand_int_range (rand, 1, 4);

      memcpy (copy, doc, len);
      for (int k = 0; k < edits; k++)
        {
          gsize at;

          if (n == 0)
            break;
          at = g_rand_int_range (rand, 0, n);

          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              copy[at] = bytes[g_rand_int_range (rand, 0, sizeof bytes - 1)];
              break;
            case 1:
              n = at;
              break;
            default:
              if (n < len + 7)
                {
                  memmove (copy + at + 1, copy + at, n - at);
                  copy[at] = bytes[g_rand_int_range (rand, 0, sizeof bytes - 1)];
                  n++;
                }
              break;
            }
        }

      node = qd_json_parse (copy, n, &error);
      g_assert_true ((node == NULL) != (error == NULL));
      if (error != NULL)
        {
          g_assert_true (error->domain == QD_ERROR);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
        }
    }

  g_rand_free (rand);
}

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *o = qd_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  return o;
}

static void
expect_error (GError     *error,
              int         code,
              const char *message)
{
  g_assert_error (error, QD_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_read_int (void)
{
  g_autoptr(JsonObject) o = parse ("{\"qty\":12,\"d\":1.0,\"e\":1e3,\"s\":\"12\",\"b\":true,"
                                   "\"n\":null,\"a\":[1],\"o\":{},\"neg\":-5}");
  g_autoptr(GError) error = NULL;
  gint64 v = 0;

  g_assert_true (qd_json_read_int (o, "qty", 0, 1, 100, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpint (v, ==, 12);

  g_assert_false (qd_json_read_int (o, "d", 0, G_MININT64, G_MAXINT64, &v, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE,
                "d: expected an integer, got a number with a fraction or an exponent");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "e", 0, G_MININT64, G_MAXINT64, &v, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "s", 0, G_MININT64, G_MAXINT64, &v, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "s: expected an integer, got a string");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "b", 0, G_MININT64, G_MAXINT64, &v, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "b: expected an integer, got true or false");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "a", 0, G_MININT64, G_MAXINT64, &v, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "a: expected an integer, got an array");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "o", 0, G_MININT64, G_MAXINT64, &v, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "o: expected an integer, got an object");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "n", 0, G_MININT64, G_MAXINT64, &v, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "n: expected an integer, got null");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "missing", 0, G_MININT64, G_MAXINT64, &v, &error));
  expect_error (error, QD_ERROR_MISSING_FIELD, "missing: required but missing");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "qty", 0, 1, 10, &v, &error));
  expect_error (error, QD_ERROR_OUT_OF_RANGE, "qty: 12 is out of range (allowed: 1 to 10)");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "neg", 0, 0, G_MAXINT64, &v, &error));
  expect_error (error, QD_ERROR_OUT_OF_RANGE, "neg: -5 is too small (the least allowed is 0)");
  g_clear_error (&error);

  g_assert_false (qd_json_read_int (o, "qty", 0, G_MININT64, 5, &v, &error));
  expect_error (error, QD_ERROR_OUT_OF_RANGE, "qty: 12 is too large (the most allowed is 5)");
  g_clear_error (&error);

  /* Optional: absent or null leave the value alone; a wrong type is still wrong. */
  v = 77;
  g_assert_true (qd_json_read_int (o, "missing", QD_JSON_OPTIONAL, 0, 1, &v, &error));
  g_assert_true (qd_json_read_int (o, "n", QD_JSON_OPTIONAL, 0, 1, &v, &error));
  g_assert_true (qd_json_read_int (o, "n", QD_JSON_NULLABLE, 0, 1, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpint (v, ==, 77);
  g_assert_false (qd_json_read_int (o, "s", QD_JSON_OPTIONAL, G_MININT64, G_MAXINT64, &v, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  /* Nullable alone still requires presence. */
  g_assert_false (qd_json_read_int (o, "missing", QD_JSON_NULLABLE, 0, 1, &v, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_MISSING_FIELD);
}

static void
test_read_string_like (void)
{
  g_autoptr(JsonObject) o = parse (
    "{\"s\":\"渠道\",\"n\":null,\"i\":1,\"date\":\"2024-02-29\",\"bad_date\":\"2023-02-29\","
    "\"uuid\":\"1b4e28ba-2fa1-11d2-883f-0016d3cca427\",\"UUID\":\"1B4E28BA-2FA1-11D2-883F-0016D3CCA427\","
    "\"ts\":\"2026-11-24T08:00:00Z\",\"bad_ts\":\"2026-11-24 08:00:00\",\"id\":\"p_17\","
    "\"bad_id\":\"p 17\",\"status\":\"held\",\"bad_status\":\"Held\",\"flag\":false,"
    "\"long\":\"一二三四五\"}");
  g_autoptr(GError) error = NULL;
  const char *s = "untouched";
  int e = -1;
  gboolean b = TRUE;

  g_assert_true (qd_json_read_string (o, "s", 0, &s, &error));
  g_assert_cmpstr (s, ==, "渠道");

  g_assert_false (qd_json_read_string (o, "i", 0, &s, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "i: expected a string, got an integer");
  g_clear_error (&error);

  s = "untouched";
  g_assert_true (qd_json_read_string (o, "n", QD_JSON_OPTIONAL, &s, &error));
  g_assert_cmpstr (s, ==, "untouched");
  g_assert_true (qd_json_read_string (o, "n", QD_JSON_NULLABLE, &s, &error));
  g_assert_null (s);
  s = "untouched";
  g_assert_true (qd_json_read_string (o, "absent", QD_JSON_OPTIONAL, &s, &error));
  g_assert_cmpstr (s, ==, "untouched");
  g_assert_no_error (error);

  g_assert_true (qd_json_read_date (o, "date", 0, &s, &error));
  g_assert_cmpstr (s, ==, "2024-02-29");
  g_assert_false (qd_json_read_date (o, "bad_date", 0, &s, &error));
  expect_error (error, QD_ERROR_INVALID,
                "bad_date: expected a date such as 2026-11-24, got “2023-02-29”");
  g_clear_error (&error);
  g_assert_true (qd_json_read_date (o, "n", QD_JSON_NULLABLE, &s, &error));
  g_assert_null (s);

  g_assert_true (qd_json_read_uuid (o, "uuid", 0, &s, &error));
  g_assert_false (qd_json_read_uuid (o, "UUID", 0, &s, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "UUID: expected a lower-case UUID"));
  g_clear_error (&error);

  g_assert_true (qd_json_read_timestamp (o, "ts", 0, &s, &error));
  g_assert_false (qd_json_read_timestamp (o, "bad_ts", 0, &s, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (qd_json_read_id (o, "id", 0, &s, &error));
  g_assert_cmpstr (s, ==, "p_17");
  g_assert_false (qd_json_read_id (o, "bad_id", 0, &s, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (qd_json_read_enum (o, "status", 0, QD_TYPE_ORDER_STATUS, &e, &error));
  g_assert_cmpint (e, ==, QD_ORDER_STATUS_HELD);
  g_assert_false (qd_json_read_enum (o, "bad_status", 0, QD_TYPE_ORDER_STATUS, &e, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE);
  g_assert_true (g_str_has_prefix (error->message, "bad_status: “Held” is not one of"));
  g_clear_error (&error);
  g_assert_false (qd_json_read_enum (o, "i", 0, QD_TYPE_ORDER_STATUS, &e, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  g_assert_true (qd_json_read_bool (o, "flag", 0, &b, &error));
  g_assert_false (b);
  g_assert_false (qd_json_read_bool (o, "i", 0, &b, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "i: expected true or false, got an integer");
  g_clear_error (&error);

  g_assert_true (qd_json_read_text (o, "long", 0, 5, &s, &error));
  g_assert_false (qd_json_read_text (o, "long", 0, 4, &s, &error));
  expect_error (error, QD_ERROR_TOO_LARGE, "long: the text is longer than 4 characters");
  g_clear_error (&error);
}

static void
test_containers (void)
{
  g_autoptr(JsonObject) o = parse ("{\"lines\":[{\"qty\":1},{\"qty\":\"x\"},3],\"o\":{\"k\":1}}");
  g_autoptr(GError) error = NULL;
  JsonArray *lines = NULL;
  JsonObject *inner = NULL;
  JsonObject *line;
  gint64 qty;

  g_assert_true (qd_json_read_array (o, "lines", 0, &lines, &error));
  g_assert_cmpuint (json_array_get_length (lines), ==, 3);
  g_assert_true (qd_json_read_object (o, "o", 0, &inner, &error));
  g_assert_true (json_object_has_member (inner, "k"));
  g_assert_false (qd_json_read_object (o, "lines", 0, &inner, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "lines: expected an object, got an array");
  g_clear_error (&error);
  g_assert_false (qd_json_read_array (o, "o", 0, &lines, &error));
  expect_error (error, QD_ERROR_WRONG_TYPE, "o: expected an array, got an object");
  g_clear_error (&error);

  /* The path convention: callers prefix what they know. */
  line = qd_json_array_object (lines, 1, &error);
  g_assert_no_error (error);
  g_assert_false (qd_json_read_int (line, "qty", 0, 1, 10, &qty, &error));
  g_prefix_error (&error, "lines[%u].", 1);
  expect_error (error, QD_ERROR_WRONG_TYPE, "lines[1].qty: expected an integer, got a string");
  g_clear_error (&error);

  g_assert_null (qd_json_array_object (lines, 2, &error));
  g_prefix_error (&error, "lines");
  expect_error (error, QD_ERROR_WRONG_TYPE, "lines[2]: expected an object, got an integer");
}

static void
test_check_members (void)
{
  static const char * const allowed[] = { "order_id", "lines", "note", NULL };
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(JsonObject) o = parse ("{\"order_id\":1,\"note\":2}");
    g_assert_true (qd_json_check_members (o, allowed, &error));
    g_assert_no_error (error);
  }
  {
    /* The first unknown member in document order is named. */
    g_autoptr(JsonObject) o = parse ("{\"order_id\":1,\"zeta\":2,\"alpha\":3}");
    g_assert_false (qd_json_check_members (o, allowed, &error));
    expect_error (error, QD_ERROR_UNKNOWN_FIELD,
                  "zeta: unknown member (allowed: order_id, lines, note)");
    g_clear_error (&error);
  }
  {
    /* Names are quoted safely. */
    g_autoptr(JsonObject) o = parse ("{\"\\u001b[31mred\":1}");
    g_assert_false (qd_json_check_members (o, allowed, &error));
    g_assert_error (error, QD_ERROR, QD_ERROR_UNKNOWN_FIELD);
    g_assert_null (strchr (error->message, '\x1b'));
  }
}

static void
test_validators (void)
{
  g_autofree char *uuid = qd_uuid_new ();
  g_autofree char *uuid2 = qd_uuid_new ();

  g_assert_true (qd_is_uuid (uuid));
  g_assert_cmpstr (uuid, !=, uuid2);
  g_assert_true (qd_is_uuid ("00000000-0000-0000-0000-000000000000"));
  g_assert_false (qd_is_uuid (NULL));
  g_assert_false (qd_is_uuid (""));
  g_assert_false (qd_is_uuid ("1b4e28ba-2fa1-11d2-883f-0016d3cca42"));
  g_assert_false (qd_is_uuid ("1b4e28ba-2fa1-11d2-883f-0016d3cca4277"));
  g_assert_false (qd_is_uuid ("1b4e28ba2fa1-11d2-883f-0016d3cca4277"));
  g_assert_false (qd_is_uuid ("1B4E28BA-2FA1-11D2-883F-0016D3CCA427"));
  g_assert_false (qd_is_uuid ("{1b4e28ba-2fa1-11d2-883f-0016d3cca427}"));
  g_assert_false (qd_is_uuid ("1b4e28ba-2fa1-11d2-883f-0016d3cca42g"));

  g_assert_true (qd_is_date ("2026-11-24"));
  g_assert_true (qd_is_date ("2024-02-29"));
  g_assert_true (qd_is_date ("2000-02-29"));
  g_assert_true (qd_is_date ("0001-01-01"));
  g_assert_true (qd_is_date ("9999-12-31"));
  g_assert_false (qd_is_date ("1900-02-29"));
  g_assert_false (qd_is_date ("2023-02-29"));
  g_assert_false (qd_is_date ("2026-04-31"));
  g_assert_false (qd_is_date ("2026-13-01"));
  g_assert_false (qd_is_date ("2026-00-10"));
  g_assert_false (qd_is_date ("2026-01-00"));
  g_assert_false (qd_is_date ("0000-01-01"));
  g_assert_false (qd_is_date ("2026-1-1"));
  g_assert_false (qd_is_date ("2026/11/24"));
  g_assert_false (qd_is_date ("2026-11-24T00:00:00Z"));
  g_assert_false (qd_is_date ("２０２６-11-24"));
  g_assert_false (qd_is_date (""));
  g_assert_false (qd_is_date (NULL));

  g_assert_true (qd_is_timestamp ("2026-11-24T08:00:00Z"));
  g_assert_true (qd_is_timestamp ("2026-11-24T23:59:60.123456Z"));
  g_assert_false (qd_is_timestamp ("2026-11-24T24:00:00Z"));
  g_assert_false (qd_is_timestamp ("2026-11-24T08:00:00+08:00"));
  g_assert_false (qd_is_timestamp ("2026-11-24T08:00:00.Z"));
  g_assert_false (qd_is_timestamp ("2026-11-24T08:00:00.1234567890Z"));
  g_assert_false (qd_is_timestamp ("2026-02-30T08:00:00Z"));
  g_assert_false (qd_is_timestamp ("2026-11-24T08:00:00Zx"));

  g_assert_true (qd_is_id ("p_17"));
  g_assert_true (qd_is_id (uuid));
  g_assert_false (qd_is_id (""));
  g_assert_false (qd_is_id ("p 17"));
  g_assert_false (qd_is_id ("产品"));
  g_assert_false (qd_is_id ("p\n"));
  g_assert_true (qd_is_id ("0123456789012345678901234567890123456789012345678901234567890123"));
  g_assert_false (qd_is_id ("01234567890123456789012345678901234567890123456789012345678901234"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/parse-bad", test_parse_bad);
  g_test_add_func ("/json/parse-good", test_parse_good);
  g_test_add_func ("/json/parse-object-root", test_parse_object_root);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/truncated", test_truncated);
  g_test_add_func ("/json/big-object-duplicates", test_big_object_duplicates);
  g_test_add_func ("/json/mutations", test_mutations);
  g_test_add_func ("/json/read-int", test_read_int);
  g_test_add_func ("/json/read-string-like", test_read_string_like);
  g_test_add_func ("/json/containers", test_containers);
  g_test_add_func ("/json/check-members", test_check_members);
  g_test_add_func ("/json/validators", test_validators);

  return g_test_run ();
}
