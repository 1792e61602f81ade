/* qd-test-files.h — temporary files of the tests (every suite)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void qd_test_remove_tree (const char *path);

G_END_DECLS
