/* qd-app-error.c — the error domain of the desktop app, and input checks it needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-app-error.h"

G_DEFINE_QUARK (qd-app-error-quark, qd_app_error)

/**
 * qd_validate_server_url:
 * @text: what the user typed
 * @error: return location for a #GError naming what is wrong
 *
 * Checks that @text is an absolute http or https URL with a host, the only kind of address
 * the sync engine can talk to. User info ("user:password@") is refused because a password
 * in a URL would end up in GSettings, where secrets must never be.
 *
 * Returns: %TRUE when @text is usable as the server address
 */
gboolean
qd_validate_server_url (const char  *text,
                        GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL,
                           _("Enter the address of the Qudao server, for example https://qudao.example.com"));
      return FALSE;
    }

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL,
                           _("The server address contains invalid characters"));
      return FALSE;
    }

  /* GUri accepts a space inside a host name; no server can be reached at one. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL,
                               _("The server address must not contain spaces"));
          return FALSE;
        }
    }

  /* The text is not echoed in the message: it might hold a password typed by mistake. */
  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL,
                           _("This is not a valid address; check the host name and port"));
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL,
                   _("The server address must start with http:// or https://, not “%s:”"),
                   scheme);
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL,
                           _("The server address has no host name"));
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL,
                           _("Do not put a user name or password in the server address; you sign in separately"));
      return FALSE;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_INVALID_URL,
                           _("The server address must not contain “?” or “#”"));
      return FALSE;
    }

  return TRUE;
}
