/* qd-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "qd-error.h"

G_DEFINE_QUARK (qd-error-quark, qd_error)
