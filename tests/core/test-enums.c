/* test-enums.c — wire names of the enums round-trip exactly as in PROTOCOL.md
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-enum-types.h"
#include "qd-enums.h"
#include "qd-error.h"

#include <string.h>

typedef struct
{
  GType     (*get_type) (void);
  const char *nicks[8];   /* NULL-terminated, the names of PROTOCOL.md in enum order */
} EnumCase;

static const EnumCase cases[] = {
  { qd_order_status_get_type,
    { "submitted", "held", "approved", "rejected", "shipped", "completed", "cancelled", NULL } },
  { qd_statement_status_get_type, { "issued", "confirmed", "disputed", NULL } },
  { qd_statement_line_kind_get_type, { "invoice", "payment", "rebate", "adjustment", NULL } },
  { qd_user_role_get_type, { "dealer", "manager", "admin", NULL } },
  { qd_dealer_level_get_type, { "general_agent", "provincial", "regional", NULL } },
  { qd_review_decision_get_type, { "approve", "reject", NULL } },
  { qd_mutation_type_get_type,
    { "order.submit", "order.cancel", "order.review", "stock_report.submit",
      "statement.confirm", "statement.dispute", NULL } },
};

static void
test_round_trip (void)
{
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      GType type = cases[c].get_type ();
      g_autoptr(GEnumClass) klass = g_type_class_ref (type);
      guint n = 0;

      for (; cases[c].nicks[n] != NULL; n++)
        {
          g_autoptr(GError) error = NULL;
          int value = -1;

          g_assert_true (qd_enum_from_string (type, cases[c].nicks[n], &value, &error));
          g_assert_no_error (error);
          g_assert_cmpint (value, ==, (int) n);
          g_assert_cmpstr (qd_enum_to_string (type, value), ==, cases[c].nicks[n]);
        }
      /* No member beyond those of the protocol. */
      g_assert_cmpuint (klass->n_values, ==, n);
      g_assert_null (qd_enum_to_string (type, (int) n));
      g_assert_null (qd_enum_to_string (type, -1));
    }
}

static void
test_rejects (void)
{
  static const char *bad[] = { "Submitted", "", "SUBMITTED", " submitted", "submitted ",
                               "submit", "held\n", "QD_ORDER_STATUS_HELD", "0" };
  GType type = qd_order_status_get_type ();

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      int value = 42;

      g_assert_false (qd_enum_from_string (type, bad[i], &value, &error));
      g_assert_error (error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE);
      /* The message lists what is allowed. */
      g_assert_nonnull (strstr (error->message, "submitted, held, approved"));
      g_assert_cmpint (value, ==, 42);
    }

  {
    g_autoptr(GError) error = NULL;
    int value = 42;

    g_assert_false (qd_enum_from_string (type, NULL, &value, &error));
    g_assert_error (error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE);
    g_assert_cmpint (value, ==, 42);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/enums/round-trip", test_round_trip);
  g_test_add_func ("/enums/rejects", test_rejects);

  return g_test_run ();
}
