/* qd-pinyin.h — pinyin initials of Chinese product names, via ICU Han-Latin (private)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *qd_pinyin_initials (const char *text);

G_END_DECLS
