/* test-mutation.c — codecs of the mutation payloads and of the order entity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "qd-enum-types.h"
#include "qd-error.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-mutation.h"
#include "qd-order.h"

#define UUID1 "7f0e1b9c-3c2a-4d5e-8f90-123456789abc"
#define UUID2 "0b9d4c1e-8a7f-4e2d-9c3b-a1b2c3d4e5f6"

typedef struct
{
  QdMutationType type;
  const char    *payload;
} ValidCase;

static const ValidCase valid[] = {
  { QD_MUTATION_TYPE_ORDER_SUBMIT,
    "{\"order_id\":\"" UUID1 "\",\"lines\":[{\"product_id\":\"p_1\",\"qty\":12},"
    "{\"product_id\":\"p_2\",\"qty\":1}],\"note\":\"请尽快发货，谢谢！\",\"requested_date\":\"2026-12-01\","
    "\"expected_total_fen\":123450}" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT,
    "{\"order_id\":\"" UUID1 "\",\"lines\":[{\"product_id\":\"p_1\",\"qty\":3}],\"note\":null}" },
  { QD_MUTATION_TYPE_ORDER_CANCEL, "{\"order_id\":\"o_9\",\"reason\":\"下错了\"}" },
  { QD_MUTATION_TYPE_ORDER_CANCEL, "{\"order_id\":\"" UUID1 "\",\"reason\":\"\"}" },
  { QD_MUTATION_TYPE_ORDER_REVIEW, "{\"order_id\":\"o_9\",\"decision\":\"approve\",\"comment\":\"\"}" },
  { QD_MUTATION_TYPE_ORDER_REVIEW, "{\"order_id\":\"o_9\",\"decision\":\"reject\",\"comment\":\"数量异常\"}" },
  { QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT,
    "{\"report_id\":\"" UUID2 "\",\"as_of\":\"2026-11-30\",\"lines\":[{\"product_id\":\"p_1\",\"qty\":0},"
    "{\"product_id\":\"p_7\",\"qty\":40,\"lot\":\"L2026-11A\",\"expiry\":\"2027-06-30\"}]}" },
  { QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT, "{\"report_id\":\"" UUID2 "\",\"as_of\":\"2026-11-30\",\"lines\":[]}" },
  { QD_MUTATION_TYPE_STATEMENT_CONFIRM, "{\"statement_id\":\"s_3\",\"version\":2}" },
  { QD_MUTATION_TYPE_STATEMENT_DISPUTE,
    "{\"statement_id\":\"s_3\",\"version\":1,\"lines\":[{\"line_id\":\"l_1\",\"reason\":\"未收到该批货\"},"
    "{\"line_id\":\"l_2\",\"reason\":\"返利比例不对\"}]}" },
};

static char *
to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  return json_to_string (node, FALSE);
}

static JsonObject *
build (QdMutationType type,
       JsonObject    *payload)
{
  switch (type)
    {
    case QD_MUTATION_TYPE_ORDER_SUBMIT:
      {
        g_autoptr(QdOrderSubmit) p = NULL;
        g_assert_true (qd_order_submit_parse (payload, &p, NULL));
        return qd_order_submit_to_json (p);
      }
    case QD_MUTATION_TYPE_ORDER_CANCEL:
      {
        g_autoptr(QdOrderCancel) p = NULL;
        g_assert_true (qd_order_cancel_parse (payload, &p, NULL));
        return qd_order_cancel_to_json (p);
      }
    case QD_MUTATION_TYPE_ORDER_REVIEW:
      {
        g_autoptr(QdOrderReview) p = NULL;
        g_assert_true (qd_order_review_parse (payload, &p, NULL));
        return qd_order_review_to_json (p);
      }
    case QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT:
      {
        g_autoptr(QdStockReportSubmit) p = NULL;
        g_assert_true (qd_stock_report_submit_parse (payload, &p, NULL));
        return qd_stock_report_submit_to_json (p);
      }
    case QD_MUTATION_TYPE_STATEMENT_CONFIRM:
      {
        g_autoptr(QdStatementConfirm) p = NULL;
        g_assert_true (qd_statement_confirm_parse (payload, &p, NULL));
        return qd_statement_confirm_to_json (p);
      }
    case QD_MUTATION_TYPE_STATEMENT_DISPUTE:
      {
        g_autoptr(QdStatementDispute) p = NULL;
        g_assert_true (qd_statement_dispute_parse (payload, &p, NULL));
        return qd_statement_dispute_to_json (p);
      }
    default:
      g_assert_not_reached ();
    }
}

/* Every valid payload parses, and parse → build → text gives the same JSON (minus nulls of
 * optional members, which the builders omit). */
static void
test_valid_round_trip (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) payload = qd_json_parse_object (valid[i].payload, -1, &error);
      g_autoptr(JsonObject) built = NULL;
      g_autoptr(JsonObject) reparsed = NULL;
      g_autoptr(JsonObject) rebuilt = NULL;
      g_autofree char *text = NULL;
      g_autofree char *text2 = NULL;

      g_assert_no_error (error);
      if (!qd_mutation_validate (valid[i].type, payload, &error))
        g_error ("valid case %" G_GSIZE_FORMAT ": %s", i, error->message);

      built = build (valid[i].type, payload);
      text = to_text (built);
      reparsed = qd_json_parse_object (text, -1, &error);
      g_assert_no_error (error);
      g_assert_true (qd_mutation_validate (valid[i].type, reparsed, &error));
      rebuilt = build (valid[i].type, reparsed);
      text2 = to_text (rebuilt);
      g_assert_cmpstr (text, ==, text2);

      if (strstr (valid[i].payload, "null") == NULL)
        g_assert_cmpstr (text, ==, valid[i].payload);
    }
}

static void
test_order_submit_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = qd_json_parse_object (valid[0].payload, -1, &error);
  g_autoptr(QdOrderSubmit) p = NULL;
  const char *code = NULL;

  g_assert_true (qd_order_submit_parse (payload, &p, &error));
  g_assert_cmpstr (p->order_id, ==, UUID1);
  g_assert_cmpuint (p->lines->len, ==, 2);
  g_assert_cmpstr (g_array_index (p->lines, QdOrderSubmitLine, 0).product_id, ==, "p_1");
  g_assert_cmpint (g_array_index (p->lines, QdOrderSubmitLine, 0).qty, ==, 12);
  g_assert_cmpstr (p->note, ==, "请尽快发货，谢谢！");
  g_assert_cmpstr (p->requested_date, ==, "2026-12-01");
  g_assert_true (p->has_expected_total);
  g_assert_cmpint (p->expected_total_fen, ==, 123450);
  g_assert_true (qd_order_submit_check (p, &code, &error));
  g_assert_no_error (error);

  /* The rules with their own rejection codes. */
  {
    g_autoptr(QdOrderSubmit) empty = qd_order_submit_new ();

    empty->order_id = qd_uuid_new ();
    g_assert_false (qd_order_submit_check (empty, &code, &error));
    g_assert_cmpstr (code, ==, "empty_order");
    g_assert_error (error, QD_ERROR, QD_ERROR_OUT_OF_RANGE);
    g_clear_error (&error);

    qd_order_submit_add_line (empty, "p_1", 2);
    qd_order_submit_add_line (empty, "p_2", 0);
    g_assert_false (qd_order_submit_check (empty, &code, &error));
    g_assert_cmpstr (code, ==, "invalid_qty");
    g_assert_true (g_str_has_prefix (error->message, "lines[1].qty: "));
    g_clear_error (&error);

    /* Builders write what parsers read. */
    {
      g_autoptr(JsonObject) o = qd_order_submit_to_json (empty);
      g_autoptr(QdOrderSubmit) back = NULL;

      g_assert_true (qd_order_submit_parse (o, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (back->lines->len, ==, 2);
      g_assert_false (back->has_expected_total);
      g_assert_null (back->note);
    }
  }
}

typedef struct
{
  QdMutationType type;
  const char    *payload;
  int            code;
  const char    *message_prefix;
} InvalidCase;

static const InvalidCase invalid[] = {
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"lines\":[]}", QD_ERROR_MISSING_FIELD, "order_id: required but missing" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"abc\",\"lines\":[]}", QD_ERROR_INVALID, "order_id: expected a lower-case UUID" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\"}", QD_ERROR_MISSING_FIELD, "lines: required" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":{}}", QD_ERROR_WRONG_TYPE, "lines: expected an array, got an object" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[],\"colour\":1}", QD_ERROR_UNKNOWN_FIELD, "colour: unknown member" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[{\"product_id\":\"p\",\"qty\":1},{\"product_id\":\"p\",\"qty\":1},{\"product_id\":\"p\",\"qty\":\"2\"}]}", QD_ERROR_WRONG_TYPE, "lines[2].qty: expected an integer, got a string" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[{\"product_id\":\"p\",\"qty\":1.0}]}", QD_ERROR_WRONG_TYPE, "lines[0].qty: expected an integer, got a number" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[{\"product_id\":\"p\",\"qty\":1000000001}]}", QD_ERROR_OUT_OF_RANGE, "lines[0].qty: 1000000001 is out of range" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[{\"qty\":1}]}", QD_ERROR_MISSING_FIELD, "lines[0].product_id: required but missing" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[{\"product_id\":\"p\",\"qty\":1,\"price\":5}]}", QD_ERROR_UNKNOWN_FIELD, "lines[0].price: unknown member" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[7]}", QD_ERROR_WRONG_TYPE, "lines[0]: expected an object, got an integer" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[],\"requested_date\":\"2026-02-30\"}", QD_ERROR_INVALID, "requested_date: expected a date" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[],\"expected_total_fen\":1000000000000001}", QD_ERROR_OUT_OF_RANGE, "expected_total_fen: " },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[],\"expected_total_fen\":\"12.50\"}", QD_ERROR_WRONG_TYPE, "expected_total_fen: expected an integer, got a string" },
  { QD_MUTATION_TYPE_ORDER_SUBMIT, "{\"order_id\":\"" UUID1 "\",\"lines\":[],\"note\":5}", QD_ERROR_WRONG_TYPE, "note: expected a string" },
  { QD_MUTATION_TYPE_ORDER_CANCEL, "{\"order_id\":\"o 9\",\"reason\":\"\"}", QD_ERROR_INVALID, "order_id: expected an id" },
  { QD_MUTATION_TYPE_ORDER_CANCEL, "{\"order_id\":\"o_9\"}", QD_ERROR_MISSING_FIELD, "reason: required but missing" },
  { QD_MUTATION_TYPE_ORDER_CANCEL, "{\"order_id\":\"o_9\",\"reason\":null}", QD_ERROR_WRONG_TYPE, "reason: expected a string, got null" },
  { QD_MUTATION_TYPE_ORDER_REVIEW, "{\"order_id\":\"o_9\",\"decision\":\"Approve\",\"comment\":\"\"}", QD_ERROR_UNKNOWN_VALUE, "decision: “Approve” is not one of: approve, reject" },
  { QD_MUTATION_TYPE_ORDER_REVIEW, "{\"order_id\":\"o_9\",\"decision\":true,\"comment\":\"\"}", QD_ERROR_WRONG_TYPE, "decision: expected a string" },
  { QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT, "{\"report_id\":\"" UUID2 "\",\"as_of\":\"2026-11-31\",\"lines\":[]}", QD_ERROR_INVALID, "as_of: expected a date" },
  { QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT, "{\"report_id\":\"" UUID2 "\",\"as_of\":\"2026-11-30\",\"lines\":[{\"product_id\":\"p\",\"qty\":-1}]}", QD_ERROR_OUT_OF_RANGE, "lines[0].qty: -1 is out of range" },
  { QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT, "{\"report_id\":\"" UUID2 "\",\"as_of\":\"2026-11-30\",\"lines\":[{\"product_id\":\"p\",\"qty\":1,\"expiry\":\"27-06-30\"}]}", QD_ERROR_INVALID, "lines[0].expiry: expected a date" },
  { QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT, "{\"report_id\":\"" UUID2 "\",\"as_of\":\"2026-11-30\",\"lines\":[{\"product_id\":\"p\",\"qty\":1,\"lot\":\"  \"}]}", QD_ERROR_INVALID, "lines[0].lot: must not be empty" },
  { QD_MUTATION_TYPE_STATEMENT_CONFIRM, "{\"statement_id\":\"s_3\",\"version\":0}", QD_ERROR_OUT_OF_RANGE, "version: 0 is out of range" },
  { QD_MUTATION_TYPE_STATEMENT_CONFIRM, "{\"statement_id\":\"s_3\"}", QD_ERROR_MISSING_FIELD, "version: required but missing" },
  { QD_MUTATION_TYPE_STATEMENT_DISPUTE, "{\"statement_id\":\"s_3\",\"version\":1,\"lines\":[]}", QD_ERROR_OUT_OF_RANGE, "lines: at least one line is required" },
  { QD_MUTATION_TYPE_STATEMENT_DISPUTE, "{\"statement_id\":\"s_3\",\"version\":1,\"lines\":[{\"line_id\":\"l_1\",\"reason\":\"　\"}]}", QD_ERROR_INVALID, "lines[0].reason: must not be empty" },
  { QD_MUTATION_TYPE_STATEMENT_DISPUTE, "{\"statement_id\":\"s_3\",\"version\":1,\"lines\":[{\"line_id\":\"l_1\"}]}", QD_ERROR_MISSING_FIELD, "lines[0].reason: required but missing" },
  { QD_MUTATION_TYPE_STATEMENT_DISPUTE, "{\"statement_id\":\"s_3\",\"version\":1,\"lines\":[{\"line_id\":\"l_1\",\"reason\":\"a\"},{\"line_id\":\"l_1\",\"reason\":\"b\"}]}", QD_ERROR_INVALID, "lines[1].line_id: “l_1” is disputed twice" },
};

static void
test_invalid (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) payload = qd_json_parse_object (invalid[i].payload, -1, &error);

      g_assert_no_error (error);
      if (qd_mutation_validate (invalid[i].type, payload, &error))
        g_error ("invalid case %" G_GSIZE_FORMAT " passed: %s", i, invalid[i].payload);
      g_assert_error (error, QD_ERROR, invalid[i].code);
      if (!g_str_has_prefix (error->message, invalid[i].message_prefix))
        g_error ("invalid case %" G_GSIZE_FORMAT ": “%s” does not start with “%s”", i,
                 error->message, invalid[i].message_prefix);
    }
}

static void
test_too_many_lines (void)
{
  g_autoptr(GString) s = g_string_new ("{\"statement_id\":\"s\",\"version\":1,\"lines\":[");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;

  for (int i = 0; i <= QD_LINES_MAX; i++)
    g_string_append_printf (s, "%s{\"line_id\":\"l%d\",\"reason\":\"x\"}", i ? "," : "", i);
  g_string_append (s, "]}");
  payload = qd_json_parse_object (s->str, s->len, &error);
  g_assert_no_error (error);
  g_assert_false (qd_mutation_validate (QD_MUTATION_TYPE_STATEMENT_DISPUTE, payload, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_prefix (error->message, "lines: "));
}

static void
test_envelope (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = qd_json_parse_object (
    "{\"id\":\"" UUID2 "\",\"type\":\"statement.confirm\",\"created_at\":\"2026-11-24T08:00:00Z\","
    "\"payload\":{\"statement_id\":\"s_3\",\"version\":2}}", -1, &error);
  g_autoptr(QdMutation) m = NULL;

  g_assert_no_error (error);
  g_assert_true (qd_mutation_parse (o, &m, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (m->id, ==, UUID2);
  g_assert_cmpint (m->type, ==, QD_MUTATION_TYPE_STATEMENT_CONFIRM);
  g_assert_cmpstr (m->created_at, ==, "2026-11-24T08:00:00Z");
  g_assert_true (qd_mutation_validate (m->type, m->payload, &error));

  {
    g_autoptr(JsonObject) back = qd_mutation_to_json (m);
    g_autofree char *a = to_text (o);
    g_autofree char *b = to_text (back);
    g_assert_cmpstr (a, ==, b);
  }

  {
    g_autoptr(JsonObject) bad = qd_json_parse_object (
      "{\"id\":\"" UUID2 "\",\"type\":\"order.delete\",\"payload\":{}}", -1, &error);
    g_autoptr(QdMutation) m2 = NULL;

    g_assert_false (qd_mutation_parse (bad, &m2, &error));
    g_assert_error (error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE);
    g_assert_true (g_str_has_prefix (error->message, "type: “order.delete” is not one of"));
    g_assert_null (m2);
  }
}

static const char *order_entity =
  "{\"id\":\"o_9\",\"number\":\"SO-2026-000123\",\"dealer_id\":\"d_1\",\"status\":\"held\","
  "\"created_at\":\"2026-11-24T08:00:00Z\",\"client_order_id\":\"" UUID1 "\",\"note\":\"加急\","
  "\"lines\":[{\"product_id\":\"p_1\",\"qty\":12,\"unit_price_fen\":1250,\"total_fen\":15000}],"
  "\"total_fen\":15000,\"held_reason\":\"数量远高于平常\",\"repriced\":true}";

static void
test_order_entity (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = qd_json_parse_object (order_entity, -1, &error);
  g_autoptr(QdOrder) order = NULL;

  g_assert_true (qd_order_entity_parse (o, &order, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (order->number, ==, "SO-2026-000123");
  g_assert_cmpint (order->status, ==, QD_ORDER_STATUS_HELD);
  g_assert_cmpstr (order->client_order_id, ==, UUID1);
  g_assert_cmpuint (order->lines->len, ==, 1);
  g_assert_cmpint (g_array_index (order->lines, QdOrderLine, 0).unit_price_fen, ==, 1250);
  g_assert_cmpint (order->total_fen, ==, 15000);
  g_assert_true (order->repriced);

  {
    g_autoptr(JsonObject) back = qd_order_entity_to_json (order);
    g_autofree char *text = to_text (back);
    g_assert_cmpstr (text, ==, order_entity);
  }

  /* Unknown members are skipped (entities grow); nulls of nullable members are fine. */
  {
    g_autoptr(JsonObject) o2 = qd_json_parse_object (
      "{\"id\":\"o_1\",\"number\":\"SO-1\",\"dealer_id\":\"d_1\",\"status\":\"submitted\","
      "\"created_at\":\"2026-11-24T08:00:00Z\",\"client_order_id\":null,\"note\":null,"
      "\"lines\":[],\"total_fen\":0,\"held_reason\":null,\"warehouse\":\"华东仓\"}", -1, &error);
    g_autoptr(QdOrder) order2 = NULL;

    g_assert_true (qd_order_entity_parse (o2, &order2, &error));
    g_assert_no_error (error);
    g_assert_null (order2->client_order_id);
    g_assert_null (order2->note);
    g_assert_false (order2->repriced);

    /* Written back, absent values are nulls and the unknown member is gone. */
    {
      g_autoptr(JsonObject) back = qd_order_entity_to_json (order2);
      g_autofree char *text = to_text (back);

      g_assert_cmpstr (text, ==,
                       "{\"id\":\"o_1\",\"number\":\"SO-1\",\"dealer_id\":\"d_1\","
                       "\"status\":\"submitted\",\"created_at\":\"2026-11-24T08:00:00Z\","
                       "\"client_order_id\":null,\"note\":null,\"lines\":[],\"total_fen\":0,"
                       "\"held_reason\":null}");
    }
  }

  /* Known members are strict. */
  {
    g_autoptr(JsonObject) o3 = qd_json_parse_object (
      "{\"id\":\"o_1\",\"number\":\"SO-1\",\"dealer_id\":\"d_1\",\"status\":\"submitted\","
      "\"created_at\":\"2026-11-24T08:00:00Z\",\"lines\":[{\"product_id\":\"p\",\"qty\":1,"
      "\"unit_price_fen\":100,\"total_fen\":1.5}],\"total_fen\":0}", -1, &error);
    g_autoptr(QdOrder) order3 = NULL;

    g_assert_false (qd_order_entity_parse (o3, &order3, &error));
    g_assert_error (error, QD_ERROR, QD_ERROR_WRONG_TYPE);
    g_assert_true (g_str_has_prefix (error->message, "lines[0].total_fen: expected an integer"));
    g_clear_error (&error);
  }
  {
    g_autoptr(JsonObject) o4 = qd_json_parse_object (
      "{\"id\":\"o_1\",\"number\":\"SO-1\",\"dealer_id\":\"d_1\",\"status\":\"Submitted\","
      "\"created_at\":\"2026-11-24T08:00:00Z\",\"lines\":[],\"total_fen\":0}", -1, &error);
    g_autoptr(QdOrder) order4 = NULL;

    g_assert_false (qd_order_entity_parse (o4, &order4, &error));
    g_assert_error (error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE);
    g_assert_true (g_str_has_prefix (error->message, "status: "));
  }
}

/* Thousands of damaged payloads — bytes flipped, inserted, cut — through the whole path a
 * server takes (parse, validate): never a crash, always TRUE or a QD_ERROR. */
static void
test_fuzz (void)
{
  static const char bytes[] = "{}[]\":,\\-0123456789.eEtrufalsn \x80\xff\xe4\xb8\xad_";
  GRand *rand = g_rand_new_with_seed (20261124);
  guint ok = 0, failed = 0;

  for (int i = 0; i < 6000; i++)
    {
      const ValidCase *c = &valid[g_rand_int_range (rand, 0, G_N_ELEMENTS (valid))];
      gsize len = strlen (c->payload);
      g_autofree char *copy = g_malloc (len + 8);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) payload = NULL;
      gsize n = len;
      int edits = g_rand_int_range (rand, 1, 4);

      memcpy (copy, c->payload, len);
      for (int k = 0; k < edits && n > 0; k++)
        {
          gsize at = g_rand_int_range (rand, 0, n);

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
            case 1:
              copy[at] = bytes[g_rand_int_range (rand, 0, sizeof bytes - 1)];
              break;
            case 2:
              n = at + (n - at) / 2;
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

      payload = qd_json_parse_object (copy, n, &error);
      if (payload != NULL)
        {
          gboolean valid_payload = qd_mutation_validate (c->type, payload, &error);
          g_assert_true (valid_payload == (error == NULL));
        }
      if (error != NULL)
        {
          g_assert_true (error->domain == QD_ERROR);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          failed++;
        }
      else
        ok++;
    }

  /* The damage must be real most of the time, and some survivors prove the oracle. */
  g_assert_cmpuint (failed, >, 3000);
  g_assert_cmpuint (ok, >, 0);
  g_test_message ("fuzz: %u accepted, %u refused", ok, failed);
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mutation/valid-round-trip", test_valid_round_trip);
  g_test_add_func ("/mutation/order-submit-fields", test_order_submit_fields);
  g_test_add_func ("/mutation/invalid", test_invalid);
  g_test_add_func ("/mutation/too-many-lines", test_too_many_lines);
  g_test_add_func ("/mutation/envelope", test_envelope);
  g_test_add_func ("/mutation/order-entity", test_order_entity);
  g_test_add_func ("/mutation/fuzz", test_fuzz);

  return g_test_run ();
}
