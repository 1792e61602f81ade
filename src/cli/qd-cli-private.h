/* qd-cli-private.h — helpers shared by the command files of qudao-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "qd-cli.h"

G_BEGIN_DECLS

/* User text quoted in a message: valid UTF-8, no control characters, at most 40 chars. */
char     *_qd_cli_excerpt       (const char  *text);
/* Reads a whole input file, refusing directories and files over QD_CSV_MAX_BYTES. */
gboolean  _qd_cli_read_file     (const char  *path,
                                 char       **out_data,
                                 gsize       *out_length,
                                 GError     **error);
char     *_qd_cli_today         (void);
/* Whether the cache has never been filled by a sync (an unknown SKU is then no surprise). */
gboolean  _qd_cli_catalog_empty (QdStore     *store);

G_END_DECLS
