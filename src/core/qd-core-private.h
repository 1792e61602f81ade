/* qd-core-private.h — helpers shared by the files of libqudao-core, not installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How many characters of a user's text an error message quotes: enough to recognise it,
 * short enough that a pasted megabyte does not become a megabyte-long message. */
#define QD_EXCERPT_CHARS 40

char *_qd_excerpt (const char *text,
                   gssize      length,
                   gsize       max_chars);

G_END_DECLS
