/* qd-test-statements.h — generated statements in a real store file, for the statement
 * tests, screenshots and the benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "qd-store.h"

G_BEGIN_DECLS

gboolean qd_test_statement_add (QdStore     *store,
                                const char  *id,
                                const char  *period,
                                gint64       version,
                                const char  *status,
                                guint        n_lines,
                                gint64      *out_closing_fen,
                                GError     **error);

G_END_DECLS
