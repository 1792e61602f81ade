/* test-translation.c — the window in zh_CN shows the translated page titles
 *
 * Runs with LANGUAGE=zh_CN LANG=C.UTF-8 and QUDAO_LOCALEDIR pointing at the build's .mo
 * files, so it checks the whole chain: the catalog built from po/zh_CN.po, the app's
 * gettext setup, and templates translating through the default domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "qd-application.h"
#include "qd-test-util.h"
#include "qd-window.h"

static QdApplication *app;

static gboolean
contains (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

static void
test_window_in_chinese (void)
{
  static const char *titles[] = { "订货", "订单", "库存", "对账单", "看板" };
  QdWindow *window = g_object_ref (qd_window_new (app));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  qd_test_collect_labels (GTK_WIDGET (window), texts);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      if (!contains (texts, titles[i]))
        {
          for (guint j = 0; j < texts->len; j++)
            g_printerr ("# label: %s\n", (const char *) g_ptr_array_index (texts, j));
          g_error ("“%s” is not in the window’s widget tree", titles[i]);
        }
    }

  /* And a string from C code, through the same catalog. */
  g_assert_cmpstr (_("Preferences"), ==, "首选项");

  gtk_window_destroy (GTK_WINDOW (window));
  qd_test_drain ();
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init() forces en_US; take the locale from the environment again. */
  qd_i18n_init ();
  adw_init ();
  app = qd_test_application_new ();

  g_test_add_func ("/app/translation/window-in-chinese", test_window_in_chinese);

  status = g_test_run ();

  /* The registered application stays referenced by GTK's D-Bus glue until shutdown,
   * which only g_application_run() emits; the windows above are checked for leaks. */
  qd_test_drain ();
  g_object_unref (app);
  return status;
}
