/* main.c — qudao-cli, the headless Qudao client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "qd-cli.h"

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("QUDAO_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* QUDAO_LOCALEDIR lets tests use the .mo files of the build tree. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("qudao-cli");

  return qd_cli_run (argc, argv);
}
