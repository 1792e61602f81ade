/* qd-app-error.h — the error domain of the desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QD_APP_ERROR (qd_app_error_quark ())

/**
 * QdAppError:
 * @QD_APP_ERROR_INVALID_URL: a server address the user typed is not an http(s) URL
 * @QD_APP_ERROR_SCREENSHOT: the window could not be rendered or saved as a PNG
 * @QD_APP_ERROR_EXPORT: a statement could not be exported, printed or imported
 * @QD_APP_ERROR_STOCK: a stock report has problems (the message lists every one)
 *
 * Error codes of %QD_APP_ERROR.
 */
typedef enum
{
  QD_APP_ERROR_INVALID_URL,
  QD_APP_ERROR_SCREENSHOT,
  QD_APP_ERROR_EXPORT,
  QD_APP_ERROR_STOCK,
} QdAppError;

GQuark qd_app_error_quark (void);

gboolean qd_validate_server_url (const char  *text,
                                 GError     **error);

G_END_DECLS
