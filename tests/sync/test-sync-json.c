/* test-sync-json.c — the sync engine's JSON tree builder gives core's tree
 *
 * The fetcher builds feed pages with its own builder after core's strict check
 * (qd-sync-json.c); every text here must come out as the same tree qd_json_parse_object()
 * makes (compared as generated text), whole and a change at a time, and every text core
 * refuses is refused with core's error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "qd-error.h"
#include "qd-json.h"
#include "qd-sync-http-private.h"

static char *
to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

static const char *const good[] = {
  "{}",
  " { } ",
  "{\"a\":1}",
  "{\"changes\":[],\"cursor\":\"c1\",\"has_more\":false}",
  "{\"int\":-9223372036854775808,\"max\":9223372036854775807,\"zero\":0,\"neg\":-12}",
  "{\"d\":1.5,\"e\":1e3,\"E\":-2.5E-3,\"f\":0.0,\"g\":1.0}",
  "{\"t\":true,\"f\":false,\"n\":null}",
  "{\"s\":\"维生素C泡腾片 1g×20片\",\"esc\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}",
  "{\"u\":\"\\u00e9\\u4e2d\\ud83d\\ude00 end\",\"k\\u0065y\":\"escaped name\"}",
  "{\"nested\":{\"a\":[1,[2,[3,{}]],{\"b\":[]}],\"c\":{\"d\":{\"e\":\"f\"}}}}",
  "\n\t{ \"ws\" : [ 1 , 2 ,\r\n 3 ] , \"x\" : { \"y\" : null } }\n",
  "{\"changes\":[{\"seq\":1,\"entity\":\"product\",\"op\":\"upsert\",\"id\":\"p1\","
  "\"data\":{\"id\":\"p1\",\"name\":\"板蓝根颗粒\",\"price\":1500,\"tags\":[\"a\",\"b\"]}},"
  "{\"seq\":2,\"entity\":\"product\",\"op\":\"delete\",\"id\":\"p2\"}],"
  "\"cursor\":\"c2\",\"has_more\":true,\"head_seq\":9}",
  /* "changes" after the other members, and a member of that name that is no array. */
  "{\"cursor\":\"c3\",\"changes\":[{\"seq\":3}, {\"seq\":4} ],\"has_more\":false}",
  "{\"changes\":{\"not\":\"an array\"},\"cursor\":\"c\"}",
  "{\"changes\":\"[\\\"]\\\"\",\"after\":1}",
};

static const char *const bad[] = {
  "",
  "   ",
  "[1,2]",
  "\"string\"",
  "{\"a\":1,}",
  "{\"a\":1",
  "{\"a\":01}",
  "{\"a\":1,\"a\":2}",
  "{\"a\":99999999999999999999}",
  "{\"a\":\"\\u0000\"}",
  "{\"a\":\"\\ud800\"}",
  "{\"a\":\"\xff\"}",
  "{\"a\":tru}",
  "{\"changes\":[1,2,]}",
  "{\"changes\":[{\"seq\":1}]} x",
};

static void
test_same_tree (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) expected = qd_json_parse_object (good[i], -1, &error);
      g_autoptr(JsonObject) built = NULL;
      g_autofree char *want = NULL;
      g_autofree char *got = NULL;

      g_assert_no_error (error);
      built = _qd_sync_json_parse_object (good[i], strlen (good[i]), &error);
      g_assert_no_error (error);
      want = to_text (expected);
      got = to_text (built);
      g_assert_cmpstr (got, ==, want);

      /* Integers stay integers, the rest doubles (qd_json_read_int refuses "1.0"). */
      if (json_object_has_member (expected, "g"))
        g_assert_cmpuint (json_node_get_value_type (json_object_get_member (built, "g")), ==,
                          G_TYPE_DOUBLE);
      if (json_object_has_member (expected, "int"))
        g_assert_cmpint (json_object_get_int_member (built, "int"), ==, G_MININT64);
    }
}

/* The page without its changes, then the changes one at a time: together the same tree. */
static void
test_page_in_pieces (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) expected = qd_json_parse_object (good[i], -1, &error);
      g_autoptr(JsonObject) page = NULL;
      g_autofree char *want = NULL;
      g_autofree char *got = NULL;
      const char *changes = NULL;

      g_assert_no_error (error);
      page = _qd_sync_json_parse_page (good[i], strlen (good[i]), "changes", &changes, &error);
      g_assert_no_error (error);
      g_assert_nonnull (page);
      if (changes != NULL)
        {
          JsonArray *placeholder = json_object_get_array_member (page, "changes");
          QdSyncJsonIter iter;
          JsonNode *node;

          g_assert_cmpint (*changes, ==, '[');
          g_assert_cmpuint (json_array_get_length (placeholder), ==, 0);
          _qd_sync_json_iter_init (&iter, changes);
          while ((node = _qd_sync_json_iter_next (&iter)) != NULL)
            json_array_add_element (placeholder, node);
          _qd_sync_json_iter_clear (&iter);
        }
      else if (json_object_has_member (expected, "changes"))
        g_assert_false (JSON_NODE_HOLDS_ARRAY (json_object_get_member (expected, "changes")));
      want = to_text (expected);
      got = to_text (page);
      g_assert_cmpstr (got, ==, want);
    }
}

static void
test_refused (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) core_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) page_error = NULL;
      g_autoptr(JsonObject) core = qd_json_parse_object (bad[i], -1, &core_error);
      g_autoptr(JsonObject) built = _qd_sync_json_parse_object (bad[i], strlen (bad[i]), &error);
      g_autoptr(JsonObject) page = NULL;
      const char *changes = NULL;

      g_assert_null (core);
      g_assert_null (built);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, core_error->message);
      g_printerr ("# %s\n", error->message);

      page = _qd_sync_json_parse_page (bad[i], strlen (bad[i]), "changes", &changes,
                                       &page_error);
      g_assert_null (page);
      g_assert_cmpstr (page_error->message, ==, core_error->message);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/json/same-tree", test_same_tree);
  g_test_add_func ("/sync/json/page-in-pieces", test_page_in_pieces);
  g_test_add_func ("/sync/json/refused", test_refused);
  return g_test_run ();
}
