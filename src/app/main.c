/* main.c — the qudao desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-application.h"

int
main (int   argc,
      char *argv[])
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(QdApplication) app = NULL;
  int status;

  qd_i18n_init ();

  app = qd_application_new ();
  qd_application_set_start_time (app, start);
  status = g_application_run (G_APPLICATION (app), argc, argv);

  return status != 0 ? status : qd_application_get_exit_status (app);
}
