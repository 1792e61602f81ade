/* cli-test-util.h — running qudao-cli from the cli tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What one run of qudao-cli gave. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

void run_clear (Run *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

void        cli_run         (const char         *cli,
                             const char         *data_dir,
                             const char         *language,
                             const char         *input,
                             int                 expect,
                             Run                *run,
                             const char * const *args);
JsonObject *parse_json      (const char         *text);
void        assert_contains (const char         *haystack,
                             const char         *needle);

G_END_DECLS
