/* qd-cli-statements.c — statements, statement show/confirm/dispute
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "qd-cli-private.h"
#include "qd-money.h"
#include "qd-mutation.h"
#include "qd-store.h"

static void
add_string_or_null (JsonBuilder *b,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_statement_json (JsonBuilder           *b,
                    const QdStatementInfo *s)
{
  add_string_or_null (b, "id", s->id);
  add_string_or_null (b, "dealer_id", s->dealer_id);
  add_string_or_null (b, "period", s->period);
  add_int (b, "version", s->version);
  add_string_or_null (b, "status", s->status);
  add_int (b, "opening_balance_fen", s->opening_balance_fen);
  add_int (b, "closing_balance_fen", s->closing_balance_fen);
  add_int (b, "lines", s->n_lines);
  add_string_or_null (b, "pending", s->pending_mutation);
}

int
qd_cli_cmd_statements (QdCliContext *ctx,
                       int           argc,
                       char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  QdStore *store;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, NULL, NULL,
                             _("List the statements (对账单) in the cache, newest period "
                               "first."), &code))
    return code;
  if (argc > 1)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Unexpected argument “%s”"), argv[1]);

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);
  list = qd_store_list_statements (store, &error);
  if (list == NULL)
    return qd_cli_fail_error (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "statements");
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          json_builder_begin_object (b);
          add_statement_json (b, g_ptr_array_index (list, i));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
      return QD_CLI_EXIT_OK;
    }

  for (guint i = 0; i < list->len; i++)
    {
      const QdStatementInfo *s = g_ptr_array_index (list, i);
      g_autofree char *opening = qd_money_format (s->opening_balance_fen, 0);
      g_autofree char *closing = qd_money_format (s->closing_balance_fen, 0);

      printf ("%s\t%s\tv%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%u", s->id, s->period, s->version,
              s->status, opening, closing, s->n_lines);
      if (s->pending_mutation != NULL)
        printf ("\t%s", s->pending_mutation);
      printf ("\n");
    }
  if (list->len == 0)
    g_printerr ("%s\n", _("No statements."));
  return QD_CLI_EXIT_OK;
}

/* The statement named by a user: its id, or a period (YYYY-MM) with one statement. */
static QdStatementInfo *
resolve_statement (QdStore     *store,
                   const char  *name,
                   GPtrArray  **out_lines,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *excerpt = _qd_cli_excerpt (name);
  QdStatementInfo *info;
  const char *match = NULL;

  info = qd_store_get_statement (store, name, out_lines, &local_error);
  if (info != NULL || !g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND))
    {
      if (info == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return info;
    }

  list = qd_store_list_statements (store, error);
  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    {
      const QdStatementInfo *s = g_ptr_array_index (list, i);

      if (g_strcmp0 (s->period, name) != 0)
        continue;
      if (match != NULL)
        {
          g_set_error (error, QD_CLI_ERROR, QD_CLI_EXIT_USAGE,
                       _("Several statements cover %s: name one by its id "
                         "(see “qudao-cli statements”)"), excerpt);
          return NULL;
        }
      match = s->id;
    }
  if (match != NULL)
    return qd_store_get_statement (store, match, out_lines, error);

  g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
               _("There is no statement “%s” in the cache (see “qudao-cli statements”)"),
               excerpt);
  return NULL;
}

int
qd_cli_cmd_statement_show (QdCliContext *ctx,
                           int           argc,
                           char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStatementInfo) s = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  QdStore *store;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, NULL, _("ID"),
                             _("Show one statement (by id or period YYYY-MM) with its lines "
                               "and running balance."), &code))
    return code;
  if (argc != 2)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Give exactly one statement id"));

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);
  s = resolve_statement (store, argv[1], &lines, &error);
  if (s == NULL)
    return qd_cli_fail_error (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_statement_json (b, s);
      json_builder_set_member_name (b, "statement_lines");
      json_builder_begin_array (b);
      for (guint i = 0; lines != NULL && i < lines->len; i++)
        {
          const QdStatementLineInfo *l = g_ptr_array_index (lines, i);

          json_builder_begin_object (b);
          add_string_or_null (b, "line_id", l->line_id);
          add_string_or_null (b, "date", l->date);
          add_string_or_null (b, "kind", l->kind);
          add_string_or_null (b, "ref", l->ref);
          add_int (b, "amount_fen", l->amount_fen);
          add_int (b, "running_balance_fen", l->running_balance_fen);
          add_string_or_null (b, "disputed_reason", l->disputed_reason);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
      return QD_CLI_EXIT_OK;
    }

  {
    g_autofree char *opening = qd_money_format (s->opening_balance_fen, 0);
    g_autofree char *closing = qd_money_format (s->closing_balance_fen, 0);
    g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, s->version);

    printf (_("Statement %s, period %s, version %s, %s\n"), s->id, s->period, version,
            s->status);
    printf (_("Opening balance %s\n"), opening);
    for (guint i = 0; lines != NULL && i < lines->len; i++)
      {
        const QdStatementLineInfo *l = g_ptr_array_index (lines, i);
        g_autofree char *amount = qd_money_format (l->amount_fen, 0);
        g_autofree char *running = qd_money_format (l->running_balance_fen, 0);

        printf ("%s\t%s\t%s\t%s\t%s\t%s", l->line_id, l->date, l->kind, l->ref, amount,
                running);
        if (l->disputed_reason != NULL)
          printf ("\t%s", l->disputed_reason);
        printf ("\n");
      }
    printf (_("Closing balance %s\n"), closing);
  }
  return QD_CLI_EXIT_OK;
}

static int
print_statement_result (QdCliContext *ctx,
                        QdStore      *store,
                        const char   *id,
                        gboolean      dispute)
{
  g_autoptr(QdStatementInfo) after = qd_store_get_statement (store, id, NULL, NULL);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      if (after != NULL)
        add_statement_json (b, after);
      else
        add_string_or_null (b, "id", id);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
    }
  else if (dispute)
    printf (_("Statement %s: dispute queued; it is sent at the next sync.\n"), id);
  else
    printf (_("Statement %s: confirmation queued; it is sent at the next sync.\n"), id);
  return QD_CLI_EXIT_OK;
}

int
qd_cli_cmd_statement_confirm (QdCliContext *ctx,
                              int           argc,
                              char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStatementInfo) s = NULL;
  QdStore *store;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, NULL, _("ID"),
                             _("Confirm a statement (by id or period YYYY-MM) as correct; "
                               "sent at the next sync."), &code))
    return code;
  if (argc != 2)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Give exactly one statement id"));

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);
  s = resolve_statement (store, argv[1], NULL, &error);
  if (s == NULL)
    return qd_cli_fail_error (ctx, error);
  if (!qd_store_confirm_statement (store, s->id, &error))
    return qd_cli_fail_error (ctx, error);

  return print_statement_result (ctx, store, s->id, FALSE);
}

int
qd_cli_cmd_statement_dispute (QdCliContext *ctx,
                              int           argc,
                              char        **argv)
{
  g_auto(GStrv) line_ids = NULL;
  g_auto(GStrv) reasons = NULL;
  const GOptionEntry entries[] = {
    { "line", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &line_ids,
      N_("A line to dispute (repeat for several)"), N_("LINE") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &reasons,
      N_("Why, for each --line in turn (or one reason for all)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStatementInfo) s = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree QdDisputeLineInput *input = NULL;
  guint n_lines, n_reasons;
  QdStore *store;
  int code;

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, _("ID"),
                             _("Dispute lines of a statement (by id or period YYYY-MM), each "
                               "with a reason: --line L1 --reason R1 --line L2 --reason R2. "
                               "Line ids are shown by “qudao-cli statement show ID”."), &code))
    return code;
  if (argc != 2)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Give exactly one statement id"));

  n_lines = line_ids != NULL ? g_strv_length (line_ids) : 0;
  n_reasons = reasons != NULL ? g_strv_length (reasons) : 0;
  if (n_lines == 0)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Name at least one --line to dispute"));
  if (n_reasons == 0)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("Give a --reason for the dispute"));
  if (n_reasons != 1 && n_reasons != n_lines)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE,
                        _("Give one --reason for each --line (%u lines, %u reasons), or one "
                          "reason for all"), n_lines, n_reasons);
  if (n_lines > QD_LINES_MAX)
    return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("A dispute can name at most %d lines"),
                        QD_LINES_MAX);

  for (guint i = 0; i < n_reasons; i++)
    {
      g_strstrip (reasons[i]);
      if (!g_utf8_validate (reasons[i], -1, NULL))
        return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("The reason is not valid UTF-8"));
      if (*reasons[i] == '\0')
        return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("A reason must not be empty"));
      if (g_utf8_strlen (reasons[i], -1) > QD_TEXT_MAX_CHARS)
        return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                            _("The reason is longer than %d characters"), QD_TEXT_MAX_CHARS);
    }

  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return qd_cli_fail_error (ctx, error);
  s = resolve_statement (store, argv[1], &lines, &error);
  if (s == NULL)
    return qd_cli_fail_error (ctx, error);

  input = g_new0 (QdDisputeLineInput, n_lines);
  for (guint i = 0; i < n_lines; i++)
    {
      gboolean known = FALSE;

      for (guint k = 0; lines != NULL && k < lines->len && !known; k++)
        known = g_strcmp0 (((QdStatementLineInfo *) g_ptr_array_index (lines, k))->line_id,
                           line_ids[i]) == 0;
      if (!known)
        {
          g_autofree char *excerpt = _qd_cli_excerpt (line_ids[i]);

          return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID,
                              _("Statement %s has no line “%s” (see “qudao-cli statement show "
                                "%s”)"), s->id, excerpt, s->id);
        }
      for (guint k = 0; k < i; k++)
        if (strcmp (line_ids[k], line_ids[i]) == 0)
          {
            g_autofree char *excerpt = _qd_cli_excerpt (line_ids[i]);

            return qd_cli_fail (ctx, QD_CLI_EXIT_INVALID, _("Line “%s” is named twice"),
                                excerpt);
          }
      input[i].line_id = line_ids[i];
      input[i].reason = reasons[n_reasons == 1 ? 0 : i];
    }

  if (!qd_store_dispute_statement (store, s->id, input, n_lines, &error))
    return qd_cli_fail_error (ctx, error);

  return print_statement_result (ctx, store, s->id, TRUE);
}
