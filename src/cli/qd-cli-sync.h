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

#include "qd-cli.h"

G_BEGIN_DECLS

/* Exit codes: #QdCliExit of qd-cli.h, the one list `qudao-cli --help` documents. */

int qd_cli_sync_login  (const char *data_dir, int argc, char **argv);
int qd_cli_sync_logout (const char *data_dir, int argc, char **argv);
int qd_cli_sync_sync   (const char *data_dir, int argc, char **argv);
int qd_cli_sync_status (const char *data_dir, int argc, char **argv);

G_END_DECLS
