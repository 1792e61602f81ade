/* qd-error.h — the error domain of libqudao-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QD_ERROR (qd_error_quark ())

/**
 * QdError:
 * @QD_ERROR_INVALID: the input is malformed (not a number, not JSON, bad syntax)
 * @QD_ERROR_MISSING_FIELD: a required field is absent
 * @QD_ERROR_WRONG_TYPE: a field has the wrong JSON type
 * @QD_ERROR_OUT_OF_RANGE: a value lies outside what is allowed (also: integer overflow)
 * @QD_ERROR_UNKNOWN_VALUE: a string is not one of the allowed names (an enum nick)
 * @QD_ERROR_UNKNOWN_FIELD: an object carries a member that is not allowed
 * @QD_ERROR_TOO_DEEP: nesting deeper than the limit
 * @QD_ERROR_TOO_LARGE: input larger than the limit
 *
 * Error codes of %QD_ERROR. The message of every error names the field or the text
 * that was wrong, in words a dealer can act on.
 */
typedef enum
{
  QD_ERROR_INVALID,
  QD_ERROR_MISSING_FIELD,
  QD_ERROR_WRONG_TYPE,
  QD_ERROR_OUT_OF_RANGE,
  QD_ERROR_UNKNOWN_VALUE,
  QD_ERROR_UNKNOWN_FIELD,
  QD_ERROR_TOO_DEEP,
  QD_ERROR_TOO_LARGE,
} QdError;

GQuark qd_error_quark (void);

G_END_DECLS
