/* qd-cli-sync.h — qudao-cli's login, logout, sync and status commands
 *
 * Each takes the data folder (NULL: $XDG_DATA_HOME/qudao) and the command's own
 * arguments (argv[0] is the command name) and returns the process exit code. The
 * qd_cli_cmd_* entry points of qd-cli.h call these with the context's data folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of `qudao-cli sync` (and of login/logout/status where they apply). */
typedef enum
{
  QD_CLI_EXIT_OK          = 0,
  QD_CLI_EXIT_USAGE       = 1,  /* bad arguments */
  QD_CLI_EXIT_OFFLINE     = 2,  /* server unreachable or unavailable: work stays queued */
  QD_CLI_EXIT_AUTH        = 3,  /* not logged in, or the session ended: log in again */
  QD_CLI_EXIT_REJECTED    = 4,  /* the sync finished but the server rejected some changes */
  QD_CLI_EXIT_LOCAL_ERROR = 5,  /* the cache, the keyring or the data folder failed */
  QD_CLI_EXIT_SERVER      = 6,  /* the server answered something malformed or refused */
} QdCliExit;

int qd_cli_sync_login  (const char *data_dir, int argc, char **argv);
int qd_cli_sync_logout (const char *data_dir, int argc, char **argv);
int qd_cli_sync_sync   (const char *data_dir, int argc, char **argv);
int qd_cli_sync_status (const char *data_dir, int argc, char **argv);

G_END_DECLS
