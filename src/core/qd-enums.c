/* qd-enums.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-enums.h"
#include "qd-enum-types.h"
#include "qd-error.h"

#include <glib-object.h>

/**
 * qd_enum_to_string:
 * @enum_type: a #GType registered by glib-mkenums from qd-enums.h
 * @value: a value of that enum
 *
 * Returns: (transfer none) (nullable): the wire name (PROTOCOL.md) of @value, or %NULL
 *   when @value is not a member of @enum_type
 */
/* Enum classes of static types live until exit once created; peeking (no lock) instead of
 * ref/unref per call matters when decoding a change feed of 100,000 rows. */
static GEnumClass *
enum_class (GType enum_type)
{
  GEnumClass *klass = g_type_class_peek (enum_type);

  if (klass == NULL)
    klass = g_type_class_ref (enum_type);   /* kept: a static type's class is never freed */
  return klass;
}

const char *
qd_enum_to_string (GType enum_type,
                   int   value)
{
  GEnumClass *klass;
  GEnumValue *ev;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), NULL);

  klass = enum_class (enum_type);
  ev = g_enum_get_value (klass, value);

  return ev != NULL ? ev->value_nick : NULL;
}

/**
 * qd_enum_from_string:
 * @enum_type: a #GType registered by glib-mkenums from qd-enums.h
 * @text: (nullable): a wire name
 * @out_value: (out) (optional): the value
 * @error: return location for a #GError
 *
 * Parses the wire name of an enum member. Matching is exact: "Submitted" is not
 * "submitted".
 *
 * Returns: %TRUE on success; %FALSE with %QD_ERROR_UNKNOWN_VALUE otherwise
 */
gboolean
qd_enum_from_string (GType        enum_type,
                     const char  *text,
                     int         *out_value,
                     GError     **error)
{
  GEnumClass *klass;
  GEnumValue *ev = NULL;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), FALSE);

  klass = enum_class (enum_type);
  if (text != NULL)
    ev = g_enum_get_value_by_nick (klass, text);

  if (ev == NULL)
    {
      g_autoptr(GString) allowed = g_string_new (NULL);

      for (guint i = 0; i < klass->n_values; i++)
        g_string_append_printf (allowed, "%s%s", i ? ", " : "", klass->values[i].value_nick);

      g_set_error (error, QD_ERROR, QD_ERROR_UNKNOWN_VALUE,
                   _("“%s” is not one of: %s"), text ? text : "(null)", allowed->str);
      return FALSE;
    }

  if (out_value != NULL)
    *out_value = ev->value;

  return TRUE;
}
