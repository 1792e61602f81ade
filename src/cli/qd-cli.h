/* qd-cli.h — qudao-cli: the context every command gets, output helpers, the commands
 *
 * Conventions every command follows (also the sync helper's qd-cli-sync.c):
 *
 * - A command is `int qd_cli_cmd_NAME (QdCliContext *ctx, int argc, char **argv)`.
 *   argv[0] is the command's full name ("order add"), argv[1..] its own arguments; the
 *   command parses its options itself with qd_cli_parse_options(), which also accepts
 *   `--json` anywhere and sets ctx->json.
 * - It returns one of #QdCliExit. Errors are one line on stderr via qd_cli_fail() or
 *   qd_cli_fail_error(), in the form qd-cli-sync.c uses too:
 *   "qudao-cli order add: unknown SKU “X-1”". Never a secret.
 * - Results go to stdout: text for people, or with ctx->json one JSON document per run
 *   via qd_cli_print_json().
 * - The store of the current account is opened lazily with qd_cli_context_get_store();
 *   commands that work offline need nothing else. The current account (server URL and
 *   user) lives in DATA_DIR/account.ini, written by `login` with
 *   qd_cli_context_set_account() and removed by `logout`; the cache file is
 *   qd_store_path_for_account (data_dir, server, user). The token itself is never
 *   stored there: it lives in libsecret only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The store's GObject; declared here so that this header does not depend on store headers. */
typedef struct _QdStore QdStore;

/**
 * QdCliExit:
 * @QD_CLI_EXIT_OK: done
 * @QD_CLI_EXIT_LOCAL: a local error: the cache cannot be opened or written, a file cannot
 *   be read, the disk is full
 * @QD_CLI_EXIT_USAGE: the command line is wrong (unknown command or option, missing argument)
 * @QD_CLI_EXIT_INVALID: the input is wrong: unknown SKU, bad quantity, bad CSV line
 * @QD_CLI_EXIT_NOT_FOUND: the order or statement named does not exist in the cache
 * @QD_CLI_EXIT_REFUSED: the action is not allowed in the current state (cancel a shipped
 *   order, confirm a statement already confirmed)
 * @QD_CLI_EXIT_OFFLINE: `sync`: the server cannot be reached; nothing is lost
 * @QD_CLI_EXIT_AUTH: not logged in, or the server wants a new login
 * @QD_CLI_EXIT_REJECTED: `sync`: the server rejected at least one queued change
 * @QD_CLI_EXIT_SERVER: `sync`, `login`: the server answered something malformed, or refused
 *   the request for a reason other than the login
 *
 * Exit codes of qudao-cli, documented in `qudao-cli --help` and the README. Stable: scripts
 * rely on them.
 */
typedef enum
{
  QD_CLI_EXIT_OK        = 0,
  QD_CLI_EXIT_LOCAL     = 1,
  QD_CLI_EXIT_USAGE     = 2,
  QD_CLI_EXIT_INVALID   = 3,
  QD_CLI_EXIT_NOT_FOUND = 4,
  QD_CLI_EXIT_REFUSED   = 5,
  QD_CLI_EXIT_OFFLINE   = 6,
  QD_CLI_EXIT_AUTH      = 7,
  QD_CLI_EXIT_REJECTED  = 8,
  QD_CLI_EXIT_SERVER    = 9,
} QdCliExit;

/* The name qd-cli-sync.c uses. */
#define QD_CLI_EXIT_LOCAL_ERROR QD_CLI_EXIT_LOCAL

/* Errors raised by the CLI itself; their code is the #QdCliExit to return. */
#define QD_CLI_ERROR (qd_cli_error_quark ())
GQuark qd_cli_error_quark (void);

typedef struct _QdCliContext QdCliContext;

struct _QdCliContext
{
  /* The directory that holds account.ini and the account caches: --data-dir, else
   * $XDG_DATA_HOME/qudao (the same place the app uses). */
  char     *data_dir;
  /* --json: machine-readable output on stdout. */
  gboolean  json;
  /* The full name of the running command ("order add"), for error lines. */
  const char *command;

  /*< private >*/
  QdStore  *store;
};

QdCliContext *qd_cli_context_new           (const char    *data_dir);
void          qd_cli_context_free          (QdCliContext  *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdCliContext, qd_cli_context_free)

/* The current account (from DATA_DIR/account.ini); FALSE with an error when nobody is
 * logged in. Either out parameter may be NULL. */
gboolean      qd_cli_context_get_account   (QdCliContext  *ctx,
                                            char         **out_server_url,
                                            char         **out_user,
                                            GError       **error);
/* Records (login) or forgets (server_url == NULL: logout) the current account. */
gboolean      qd_cli_context_set_account   (QdCliContext  *ctx,
                                            const char    *server_url,
                                            const char    *user,
                                            GError       **error);
/* The cache file of the current account (qd_store_path_for_account()). */
char         *qd_cli_context_store_path    (QdCliContext  *ctx,
                                            GError       **error);
/* Opens the current account's store once and keeps it; borrowed reference. */
QdStore      *qd_cli_context_get_store     (QdCliContext  *ctx,
                                            GError       **error);

/* Parses a command's options (GOptionEntry array, may be NULL) and `--json`; leaves the
 * positional arguments in argc/argv (argv[0] stays the command). On a bad command line
 * prints one error line and returns FALSE; *exit_code is then QD_CLI_EXIT_USAGE, or
 * QD_CLI_EXIT_OK after `--help` printed the command's help. */
gboolean      qd_cli_parse_options         (QdCliContext  *ctx,
                                            int           *argc,
                                            char        ***argv,
                                            const GOptionEntry *entries,
                                            const char    *parameter_string,
                                            const char    *summary,
                                            int           *exit_code);

/* One error line on stderr ("qudao-cli: COMMAND: MESSAGE"); returns @code. */
int           qd_cli_fail                  (QdCliContext  *ctx,
                                            int            code,
                                            const char    *format,
                                            ...) G_GNUC_PRINTF (3, 4);
/* The same for a GError; the exit code is chosen from its domain and code. */
int           qd_cli_fail_error            (QdCliContext  *ctx,
                                            const GError  *error);
int           qd_cli_exit_code_for_error   (const GError  *error);
/* Writes @node (consumed) as one JSON document and a newline on stdout. */
void          qd_cli_print_json            (QdCliContext  *ctx,
                                            JsonNode      *node);

/* Dispatch: runs the command named in argv (after the global options). */
int           qd_cli_run                   (int            argc,
                                            char         **argv);

/* The commands. */
int qd_cli_cmd_login             (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_logout            (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_sync              (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_status            (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_catalog_search    (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_order_add         (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_order_import      (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_orders            (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_order_cancel      (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_stock_report      (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_statements        (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_statement_show    (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_statement_confirm (QdCliContext *ctx, int argc, char **argv);
int qd_cli_cmd_statement_dispute (QdCliContext *ctx, int argc, char **argv);

G_END_DECLS
