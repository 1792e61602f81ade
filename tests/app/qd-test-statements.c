/* qd-test-statements.c — generated statements in a real store file
 *
 * A statement arrives the way the sync engine delivers it: as a change-feed page applied
 * with qd_store_apply_change, so the tests read exactly what a sync would have stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-test-catalog.h"
#include "qd-test-statements.h"

static const char * const kinds[] = { "invoice", "payment", "invoice", "rebate", "adjustment" };

/**
 * qd_test_statement_add:
 * @n_lines: lines to generate; line i has kind kinds[i % 5], reference "REF-<i>", and an
 *   amount of (i + 1) × ¥10.00 (negative for payments and rebates)
 * @out_closing_fen: (out) (optional): the closing balance
 *
 * Adds (or replaces, for a revision) statement @id of the test dealer, opening balance
 * ¥1,000.00, its lines dated in @period.
 */
gboolean
qd_test_statement_add (QdStore     *store,
                       const char  *id,
                       const char  *period,
                       gint64       version,
                       const char  *status,
                       guint        n_lines,
                       gint64      *out_closing_fen,
                       GError     **error)
{
  g_autoptr(JsonObject) o = json_object_new ();
  JsonArray *lines = json_array_new ();
  gint64 opening = 100000;
  gint64 balance = opening;
  g_autofree char *cursor = g_strdup_printf ("st-%s-%" G_GINT64_FORMAT, id, version);

  for (guint i = 0; i < n_lines; i++)
    {
      JsonObject *line = json_object_new ();
      const char *kind = kinds[i % G_N_ELEMENTS (kinds)];
      gint64 amount = (gint64) (i + 1) * 1000;
      g_autofree char *line_id = g_strdup_printf ("%s-l%u", id, i + 1);
      g_autofree char *date = g_strdup_printf ("%s-%02u", period, i % 28 + 1);
      g_autofree char *ref = g_strdup_printf ("REF-%u", i + 1);

      if (g_str_equal (kind, "payment") || g_str_equal (kind, "rebate"))
        amount = -amount;
      balance += amount;
      json_object_set_string_member (line, "line_id", line_id);
      json_object_set_string_member (line, "date", date);
      json_object_set_string_member (line, "kind", kind);
      json_object_set_string_member (line, "ref", ref);
      json_object_set_int_member (line, "amount_fen", amount);
      json_array_add_object_element (lines, line);
    }

  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "dealer_id", QD_TEST_DEALER_ID);
  json_object_set_string_member (o, "period", period);
  json_object_set_int_member (o, "version", version);
  json_object_set_string_member (o, "status", status);
  json_object_set_int_member (o, "opening_balance_fen", opening);
  json_object_set_int_member (o, "closing_balance_fen", balance);
  json_object_set_array_member (o, "lines", lines);

  if (out_closing_fen != NULL)
    *out_closing_fen = balance;
  if (!qd_store_begin_page (store, error))
    return FALSE;
  if (!qd_store_apply_change (store, "statement", "upsert", id, o, error))
    {
      qd_store_rollback_page (store);
      return FALSE;
    }
  return qd_store_commit_page (store, cursor, NULL, error);
}
