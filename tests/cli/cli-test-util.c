/* cli-test-util.c — running qudao-cli from the cli tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cli-test-util.h"
#include "qd-json.h"

void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

/**
 * cli_run:
 * @cli: the qudao-cli binary
 * @data_dir: passed as --data-dir
 * @language: (nullable): LANGUAGE for its messages, or %NULL for the untranslated ones
 * @input: (nullable): its standard input
 * @expect: the exit status the test expects; anything else ends the test with the output
 * @run: filled with the exit status and the output
 * @args: the command and its arguments, %NULL-terminated
 */
void
cli_run (const char         *cli,
         const char         *data_dir,
         const char         *language,
         const char         *input,
         int                 expect,
         Run                *run,
         const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *localedir = g_build_filename (g_getenv ("QUDAO_BUILD_ROOT"), "po", NULL);
  g_autofree char *joined = NULL;

  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, (char *) data_dir);
  for (const char * const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LANG", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LC_ALL");
  g_subprocess_launcher_unsetenv (launcher, "LC_MESSAGES");
  g_subprocess_launcher_setenv (launcher, "QUDAO_LOCALEDIR", localedir, TRUE);
  if (language != NULL)
    g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);

  joined = g_strjoinv (" ", (char **) argv->pdata + 3);
  g_printerr ("# qudao-cli %s → %d\n", joined, run->status);
  if (run->status != expect)
    g_error ("qudao-cli %s: exit %d, expected %d\nstdout: %s\nstderr: %s", joined,
             run->status, expect, run->out, run->err);
}

JsonObject *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *o = qd_json_parse_object (text, -1, &error);

  if (o == NULL)
    g_error ("not JSON: %s (%s)", text, error->message);
  return o;
}

void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” lacks “%s”", haystack, needle);
}
