/* qd-cli.c — qudao-cli: global options, dispatch, help, and the helpers every command uses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "qd-cli.h"
#include "qd-cli-private.h"
#include "qd-account.h"
#include "qd-cli-sync.h"
#include "qd-csv.h"
#include "qd-error.h"
#include "qd-store.h"

G_DEFINE_QUARK (qd-cli-error-quark, qd_cli_error)


/* Context ------------------------------------------------------------------------------ */

QdCliContext *
qd_cli_context_new (const char *data_dir)
{
  QdCliContext *ctx = g_new0 (QdCliContext, 1);

  if (data_dir != NULL && *data_dir != '\0')
    ctx->data_dir = g_strdup (data_dir);
  else
    ctx->data_dir = qd_account_default_data_dir ();
  ctx->command = "";
  return ctx;
}

void
qd_cli_context_free (QdCliContext *ctx)
{
  if (ctx == NULL)
    return;
  g_clear_object (&ctx->store);
  g_free (ctx->data_dir);
  g_free (ctx);
}

gboolean
qd_cli_context_get_account (QdCliContext  *ctx,
                            char         **out_server_url,
                            char         **out_user,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (ctx != NULL, FALSE);

  /* The same file `login` writes (qd-account.c), read the same way. */
  if (!qd_account_load (ctx->data_dir, &server, &user, &local_error))
    {
      if (g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND))
        g_set_error (error, QD_CLI_ERROR, QD_CLI_EXIT_AUTH,
                     _("Not logged in: run “qudao-cli login --server URL --user NAME” "
                       "first"));
      else
        g_set_error (error, QD_CLI_ERROR, QD_CLI_EXIT_LOCAL, "%s", local_error->message);
      return FALSE;
    }

  if (out_server_url != NULL)
    *out_server_url = g_steal_pointer (&server);
  if (out_user != NULL)
    *out_user = g_steal_pointer (&user);
  return TRUE;
}

gboolean
qd_cli_context_set_account (QdCliContext  *ctx,
                            const char    *server_url,
                            const char    *user,
                            GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (server_url == NULL || user != NULL, FALSE);

  g_clear_object (&ctx->store);
  path = qd_account_file_path (ctx->data_dir);

  if (server_url == NULL)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Cannot remove %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }

  return qd_account_save (ctx->data_dir, server_url, user, error);
}

char *
qd_cli_context_store_path (QdCliContext  *ctx,
                           GError       **error)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (ctx != NULL, NULL);

  if (!qd_cli_context_get_account (ctx, &server, &user, error))
    return NULL;
  return qd_store_path_for_account (ctx->data_dir, server, user);
}

QdStore *
qd_cli_context_get_store (QdCliContext  *ctx,
                          GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (ctx != NULL, NULL);

  if (ctx->store != NULL)
    return ctx->store;

  path = qd_cli_context_store_path (ctx, error);
  if (path == NULL)
    return NULL;
  if (g_mkdir_with_parents (ctx->data_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the data directory %s: %s"), ctx->data_dir,
                   g_strerror (saved));
      return NULL;
    }
  ctx->store = qd_store_open (path, error);
  return ctx->store;
}

/* Output ------------------------------------------------------------------------------- */

int
qd_cli_fail (QdCliContext *ctx,
             int           code,
             const char   *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* One line, whatever the message carries: scripts read stderr line by line. */
  g_strdelimit (message, "\r\n", ' ');
  if (ctx != NULL && ctx->command != NULL && *ctx->command != '\0')
    g_printerr ("qudao-cli %s: %s\n", ctx->command, message);
  else
    g_printerr ("qudao-cli: %s\n", message);
  return code;
}

int
qd_cli_exit_code_for_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, QD_CLI_EXIT_LOCAL);

  if (error->domain == QD_CLI_ERROR)
    return error->code;
  if (error->domain == G_OPTION_ERROR)
    return QD_CLI_EXIT_USAGE;
  if (error->domain == QD_CSV_ERROR || error->domain == QD_ERROR)
    return QD_CLI_EXIT_INVALID;
  if (error->domain == QD_STORE_ERROR)
    {
      switch ((QdStoreError) error->code)
        {
        case QD_STORE_ERROR_NOT_FOUND:
          return QD_CLI_EXIT_NOT_FOUND;
        case QD_STORE_ERROR_INVALID:
          return QD_CLI_EXIT_INVALID;
        case QD_STORE_ERROR_STATE:
          return QD_CLI_EXIT_REFUSED;
        case QD_STORE_ERROR_FAILED:
        case QD_STORE_ERROR_CORRUPT:
        case QD_STORE_ERROR_FULL:
        case QD_STORE_ERROR_BUSY:
        case QD_STORE_ERROR_TOO_NEW:
        case QD_STORE_ERROR_IO:
        default:
          return QD_CLI_EXIT_LOCAL;
        }
    }
  return QD_CLI_EXIT_LOCAL;
}

int
qd_cli_fail_error (QdCliContext *ctx,
                   const GError *error)
{
  g_return_val_if_fail (error != NULL, QD_CLI_EXIT_LOCAL);

  return qd_cli_fail (ctx, qd_cli_exit_code_for_error (error), "%s", error->message);
}

void
qd_cli_print_json (QdCliContext *ctx,
                   JsonNode     *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  g_return_if_fail (node != NULL);

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, FALSE);
  text = json_generator_to_data (gen, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  json_node_unref (node);
}

/* Options ------------------------------------------------------------------------------ */

gboolean
qd_cli_parse_options (QdCliContext        *ctx,
                      int                 *argc,
                      char              ***argv,
                      const GOptionEntry  *entries,
                      const char          *parameter_string,
                      const char          *summary,
                      int                 *exit_code)
{
  const GOptionEntry json_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctx->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) oc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;

  g_return_val_if_fail (ctx != NULL && argc != NULL && argv != NULL, FALSE);
  g_return_val_if_fail (exit_code != NULL, FALSE);

  oc = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (oc, GETTEXT_PACKAGE);
  /* GOption's own --help calls exit(); ours prints and returns, so tests and scripts can
   * run it like any command. */
  g_option_context_set_help_enabled (oc, FALSE);
  if (summary != NULL)
    g_option_context_set_summary (oc, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (oc, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (oc, json_entries, GETTEXT_PACKAGE);

  for (int i = 1; i < *argc; i++)
    {
      if (strcmp ((*argv)[i], "--") == 0)
        break;
      if (strcmp ((*argv)[i], "--help") == 0 || strcmp ((*argv)[i], "-h") == 0)
        {
          g_autofree char *help = NULL;
          g_autofree char *old = g_strdup (g_get_prgname ());

          prgname = g_strdup_printf ("qudao-cli %s", ctx->command);
          g_set_prgname (prgname);
          help = g_option_context_get_help (oc, TRUE, NULL);
          g_set_prgname (old);
          fputs (help, stdout);
          *exit_code = QD_CLI_EXIT_OK;
          return FALSE;
        }
    }

  if (!g_option_context_parse (oc, argc, argv, &error))
    {
      *exit_code = qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("%s (see “qudao-cli %s --help”)"),
                                error->message, ctx->command);
      return FALSE;
    }

  /* A leftover "--" separates options from arguments that start with "-". */
  for (int i = 1; i < *argc; i++)
    {
      if (strcmp ((*argv)[i], "--") == 0)
        {
          memmove (&(*argv)[i], &(*argv)[i + 1], (*argc - i) * sizeof (char *));
          (*argc)--;
          break;
        }
    }

  *exit_code = QD_CLI_EXIT_OK;
  return TRUE;
}

/* The sync engine's commands (qd-cli-sync.c) take the data directory only. */
int
qd_cli_cmd_login (QdCliContext *ctx, int argc, char **argv)
{
  return qd_cli_sync_login (ctx->data_dir, argc, argv);
}

int
qd_cli_cmd_logout (QdCliContext *ctx, int argc, char **argv)
{
  return qd_cli_sync_logout (ctx->data_dir, argc, argv);
}

int
qd_cli_cmd_sync (QdCliContext *ctx, int argc, char **argv)
{
  return qd_cli_sync_sync (ctx->data_dir, argc, argv);
}

int
qd_cli_cmd_status (QdCliContext *ctx, int argc, char **argv)
{
  /* status parses --json itself; a global --json before the command is passed on. */
  if (ctx->json)
    {
      g_autofree char **with_json = g_new0 (char *, argc + 2);

      memcpy (with_json, argv, argc * sizeof (char *));
      with_json[argc] = (char *) "--json";
      return qd_cli_sync_status (ctx->data_dir, argc + 1, with_json);
    }
  return qd_cli_sync_status (ctx->data_dir, argc, argv);
}

/* Dispatch ----------------------------------------------------------------------------- */

typedef int (*CommandFunc) (QdCliContext *ctx, int argc, char **argv);

static const struct
{
  const char  *name;
  CommandFunc  func;
  const char  *synopsis;
  const char  *summary;
} commands[] = {
  { "login", qd_cli_cmd_login, "--server URL --user NAME [--password-stdin]",
    N_("Log in to a Qudao server; the password is read from the terminal or stdin") },
  { "logout", qd_cli_cmd_logout, "",
    N_("Log out and forget the token; the local cache is kept") },
  { "sync", qd_cli_cmd_sync, "",
    N_("Send queued work to the server, then fetch what changed") },
  { "status", qd_cli_cmd_status, "[--json]",
    N_("Show pending and rejected changes, the last sync and the sync state") },
  { "catalog search", qd_cli_cmd_catalog_search, "TEXT [--category C] [--limit N] [--json]",
    N_("Search the cached catalog by name, SKU, barcode, 助记码 or pinyin initials") },
  { "order add", qd_cli_cmd_order_add, "SKU:QTY… [--note TEXT] [--date YYYY-MM-DD]",
    N_("Queue an order (works offline) and print its local id") },
  { "order import", qd_cli_cmd_order_import, "FILE.csv|- [--note TEXT]",
    N_("Queue one order from a CSV file of sku,qty[,note] and print its local id") },
  { "orders", qd_cli_cmd_orders, "[--status S] [--json]",
    N_("List the orders in the cache, newest first") },
  { "order cancel", qd_cli_cmd_order_cancel, "ID [--reason TEXT]",
    N_("Cancel an order that is queued, submitted or held") },
  { "stock report", qd_cli_cmd_stock_report, "FILE.csv|- [--as-of DATE] [--check]",
    N_("Queue a stock report from a CSV file of sku,qty[,lot,expiry]") },
  { "statements", qd_cli_cmd_statements, "[--json]",
    N_("List the statements (对账单) in the cache") },
  { "statement show", qd_cli_cmd_statement_show, "ID [--json]",
    N_("Show one statement with its lines and running balance") },
  { "statement confirm", qd_cli_cmd_statement_confirm, "ID",
    N_("Confirm a statement as correct") },
  { "statement dispute", qd_cli_cmd_statement_dispute, "ID --line LINE --reason TEXT…",
    N_("Dispute lines of a statement, each with a reason") },
};

static void
print_global_help (FILE *out)
{
  gsize width = 0;

  fprintf (out, "%s\n  qudao-cli [--data-dir DIR] COMMAND [ARGUMENTS…]\n\n", _("Usage:"));
  fprintf (out, "%s\n\n",
           _("The headless Qudao client: the same offline cache and sync as the desktop "
             "app, for scripts and ERP imports."));
  fprintf (out, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, strlen (commands[i].name));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-*s  %s\n", (int) width, commands[i].name, _(commands[i].summary));

  fprintf (out, "\n%s\n", _("Global options:"));
  fprintf (out, "  --data-dir DIR  %s\n",
           _("Where the account and its cache live (default: $XDG_DATA_HOME/qudao)"));
  fprintf (out, "  --json          %s\n", _("Print results as JSON (also after the command)"));
  fprintf (out, "  --help          %s\n", _("Show this help; “COMMAND --help” shows a command's"));
  fprintf (out, "  --version       %s\n", _("Show the version"));

  fprintf (out, "\n%s\n", _("Exit codes:"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_OK, _("done"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_LOCAL,
           _("local error: the cache or a file cannot be read or written, disk full"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_USAGE,
           _("wrong command line: unknown command or option, missing argument"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_INVALID,
           _("invalid input: unknown SKU, bad quantity, bad CSV line (each named on stderr)"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_NOT_FOUND,
           _("the order or statement named is not in the cache"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_REFUSED,
           _("not allowed in its current state (e.g. cancelling a shipped order)"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_OFFLINE,
           _("sync: the server cannot be reached; queued work is kept"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_AUTH,
           _("not logged in, or the server wants a new login"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_REJECTED,
           _("sync: the server rejected queued work (see “qudao-cli status”)"));
  fprintf (out, "  %d  %s\n", QD_CLI_EXIT_SERVER,
           _("sync, login: the server answered something malformed or refused the request"));
}

static void
print_group_help (FILE       *out,
                  const char *group)
{
  gsize len = strlen (group);

  fprintf (out, "%s\n", _("Usage:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strncmp (commands[i].name, group, len) == 0 && commands[i].name[len] == ' ')
      fprintf (out, "  qudao-cli %s %s\n      %s\n", commands[i].name, commands[i].synopsis,
               _(commands[i].summary));
}

/* Whether @word starts a group of commands ("order", "statement", "catalog", "stock"). */
static gboolean
is_group (const char *word)
{
  gsize len = strlen (word);

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strncmp (commands[i].name, word, len) == 0 && commands[i].name[len] == ' ')
      return TRUE;
  return FALSE;
}

int
qd_cli_run (int    argc,
            char **argv)
{
  g_autoptr(QdCliContext) ctx = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *name2 = NULL;
  g_autofree char *full = NULL;
  g_autofree char **sub_argv = NULL;
  gboolean json = FALSE;
  int i = 1;

  /* Global options come before the command. */
  while (i < argc && argv[i][0] == '-')
    {
      const char *arg = argv[i];

      if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0)
        {
          print_global_help (stdout);
          return QD_CLI_EXIT_OK;
        }
      else if (strcmp (arg, "--version") == 0)
        {
          printf ("qudao-cli %s\n", PACKAGE_VERSION);
          return QD_CLI_EXIT_OK;
        }
      else if (strcmp (arg, "--json") == 0)
        json = TRUE;
      else if (strcmp (arg, "--data-dir") == 0)
        {
          if (i + 1 >= argc)
            return qd_cli_fail (NULL, QD_CLI_EXIT_USAGE, _("--data-dir needs a directory"));
          g_free (data_dir);
          data_dir = g_strdup (argv[++i]);
        }
      else if (g_str_has_prefix (arg, "--data-dir="))
        {
          g_free (data_dir);
          data_dir = g_strdup (arg + strlen ("--data-dir="));
        }
      else
        return qd_cli_fail (NULL, QD_CLI_EXIT_USAGE,
                            _("Unknown option %s (see “qudao-cli --help”)"), arg);
      i++;
    }

  if (i >= argc)
    {
      print_global_help (stderr);
      return QD_CLI_EXIT_USAGE;
    }

  if (strcmp (argv[i], "help") == 0)
    {
      if (i + 1 < argc && is_group (argv[i + 1]))
        {
          print_group_help (stdout, argv[i + 1]);
          return QD_CLI_EXIT_OK;
        }
      print_global_help (stdout);
      return QD_CLI_EXIT_OK;
    }

  ctx = qd_cli_context_new (data_dir);
  ctx->json = json;

  if (i + 1 < argc)
    name2 = g_strdup_printf ("%s %s", argv[i], argv[i + 1]);

  for (gsize c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      int used;
      int sub_argc;

      if (name2 != NULL && strcmp (commands[c].name, name2) == 0)
        used = 2;
      else if (strcmp (commands[c].name, argv[i]) == 0)
        used = 1;
      else
        continue;

      ctx->command = commands[c].name;
      /* argv[0] of the command is its name; the rest are its arguments. The array is
       * ours, the strings stay argv's (GOption reorders the array, never the strings). */
      sub_argc = argc - i - used + 1;
      sub_argv = g_new0 (char *, sub_argc + 1);
      sub_argv[0] = (char *) commands[c].name;
      for (int k = 1; k < sub_argc; k++)
        sub_argv[k] = argv[i + used + k - 1];
      return commands[c].func (ctx, sub_argc, sub_argv);
    }

  if (is_group (argv[i]))
    {
      if (i + 1 < argc && (strcmp (argv[i + 1], "--help") == 0
                           || strcmp (argv[i + 1], "-h") == 0))
        {
          print_group_help (stdout, argv[i]);
          return QD_CLI_EXIT_OK;
        }
      print_group_help (stderr, argv[i]);
      if (i + 1 < argc)
        return qd_cli_fail (NULL, QD_CLI_EXIT_USAGE, _("Unknown command “%s %s”"),
                            argv[i], argv[i + 1]);
      return qd_cli_fail (NULL, QD_CLI_EXIT_USAGE, _("“%s” needs a subcommand"), argv[i]);
    }

  return qd_cli_fail (NULL, QD_CLI_EXIT_USAGE,
                      _("Unknown command “%s” (see “qudao-cli --help”)"), argv[i]);
}

/* Helpers for the commands ------------------------------------------------------------- */

char *
_qd_cli_excerpt (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  const char *end = text + strlen (text);
  guint n = 0;

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (n++ == 40)
        {
          g_string_append (out, "…");
          break;
        }
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_unichar (out, 0xFFFD);
          p++;
          continue;
        }
      g_string_append_unichar (out, g_unichar_iscntrl (c) ? 0xFFFD : c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

gboolean
_qd_cli_read_file (const char  *path,
                   char       **out_data,
                   gsize       *out_length,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  /* "-": the standard input, so that an ERP export can be piped in. */
  if (strcmp (path, "-") == 0)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      guint8 buf[65536];

      for (;;)
        {
          gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, &local_error);

          if (n < 0)
            {
              g_set_error (error, QD_CLI_ERROR, QD_CLI_EXIT_LOCAL,
                           _("Cannot read the standard input: %s"), local_error->message);
              return FALSE;
            }
          if (n == 0)
            break;
          if (bytes->len + (gsize) n > QD_CSV_MAX_BYTES)
            {
              g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_TOO_LARGE,
                           _("The standard input is larger than %u MiB"),
                           (guint) (QD_CSV_MAX_BYTES / (1024 * 1024)));
              return FALSE;
            }
          g_byte_array_append (bytes, buf, n);
        }
      *out_length = bytes->len;
      g_byte_array_append (bytes, (const guint8 *) "", 1);
      *out_data = (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
      return TRUE;
    }

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, QD_CLI_ERROR, QD_CLI_EXIT_LOCAL, _("Cannot read %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, QD_CLI_ERROR, QD_CLI_EXIT_LOCAL, _("%s is a directory, not a file"),
                   path);
      return FALSE;
    }
  /* Refuse before reading: a wrong path to a disk image must not fill memory. */
  if (S_ISREG (st.st_mode) && (guint64) st.st_size > QD_CSV_MAX_BYTES)
    {
      g_set_error (error, QD_CSV_ERROR, QD_CSV_ERROR_TOO_LARGE,
                   _("%s is larger than %u MiB"), path,
                   (guint) (QD_CSV_MAX_BYTES / (1024 * 1024)));
      return FALSE;
    }
  if (!g_file_get_contents (path, out_data, out_length, &local_error))
    {
      g_set_error (error, QD_CLI_ERROR, QD_CLI_EXIT_LOCAL, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Today's date where the user is, YYYY-MM-DD. */
char *
_qd_cli_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

gboolean
_qd_cli_catalog_empty (QdStore *store)
{
  return qd_store_get_last_sync (store) <= 0;
}
