/* qd-account.c — which account a data directory's cache belongs to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "qd-account.h"
#include "qd-store-error.h"

#define GROUP "account"

char *
qd_account_default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "qudao", NULL);
}

char *
qd_account_file_path (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);
  return g_build_filename (data_dir, "account.ini", NULL);
}

gboolean
qd_account_save (const char  *data_dir,
                 const char  *server_url,
                 const char  *username,
                 GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;

  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (server_url != NULL, FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_IO,
                   _("Cannot create the data folder %s: %s"), data_dir, g_strerror (saved));
      return FALSE;
    }
  g_key_file_set_string (kf, GROUP, "server", server_url);
  g_key_file_set_string (kf, GROUP, "user", username);
  data = g_key_file_to_data (kf, &len, NULL);
  path = qd_account_file_path (data_dir);
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_IO,
                   _("Cannot save the account file %s: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
qd_account_load (const char  *data_dir,
                 char       **out_server_url,
                 char       **out_username,
                 GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data_dir != NULL, FALSE);

  path = qd_account_file_path (data_dir);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND,
                     _("Nobody has logged in with the data folder %s yet."), data_dir);
      else
        g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                     _("The account file %s cannot be read: %s"), path, local_error->message);
      return FALSE;
    }
  server = g_key_file_get_string (kf, GROUP, "server", NULL);
  user = g_key_file_get_string (kf, GROUP, "user", NULL);
  if (server == NULL || *server == '\0' || user == NULL || *user == '\0')
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID,
                   _("The account file %s names no server or no user."), path);
      return FALSE;
    }
  if (out_server_url != NULL)
    *out_server_url = g_steal_pointer (&server);
  if (out_username != NULL)
    *out_username = g_steal_pointer (&user);
  return TRUE;
}
