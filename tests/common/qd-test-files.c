/* qd-test-files.c — temporary files of the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "qd-test-files.h"

/**
 * qd_test_remove_tree:
 * @path: a directory a test made
 *
 * Removes @path and everything below it, without following symbolic links.
 */
void
qd_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        qd_test_remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}
