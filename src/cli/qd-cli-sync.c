/* qd-cli-sync.c — qudao-cli's login, logout, sync and status commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "qd-account.h"
#include "qd-cli-sync.h"
#include "qd-sync-engine.h"

static void
print_error (const char *command,
             GError     *error)
{
  g_printerr ("qudao-cli %s: %s\n", command, error->message);
}

static int
exit_code_for (GError *error)
{
  if (error->domain == QD_SYNC_ERROR)
    switch (error->code)
      {
      case QD_SYNC_ERROR_OFFLINE:
      case QD_SYNC_ERROR_SERVER:
      case QD_SYNC_ERROR_BUSY:
        return QD_CLI_EXIT_OFFLINE;
      case QD_SYNC_ERROR_AUTH_REQUIRED:
      case QD_SYNC_ERROR_BAD_CREDENTIALS:
      case QD_SYNC_ERROR_NOT_LOGGED_IN:
        return QD_CLI_EXIT_AUTH;
      default:
        return QD_CLI_EXIT_SERVER;
      }
  return QD_CLI_EXIT_LOCAL_ERROR;
}

/* Reads one line without echo when stdin is a terminal. */
static char *
read_password (gboolean from_stdin,
               GError **error)
{
  char buf[1024];
  struct termios old, quiet;
  gboolean tty = !from_stdin && isatty (STDIN_FILENO);
  char *line;
  gsize len;

  if (tty)
    {
      g_printerr ("%s", _("Password: "));
      if (tcgetattr (STDIN_FILENO, &old) != 0)
        tty = FALSE;
      else
        {
          quiet = old;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
    }
  line = fgets (buf, sizeof buf, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      g_printerr ("\n");
    }
  if (line == NULL)
    {
      explicit_bzero (buf, sizeof buf);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("No password was given."));
      return NULL;
    }
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  line = g_strdup (buf);
  explicit_bzero (buf, sizeof buf);
  return line;
}

static gboolean
parse_options (const char    *command,
               const char    *summary,
               GOptionEntry  *entries,
               int           *argc,
               char        ***argv,
               int           *out_exit)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      print_error (command, error);
      *out_exit = QD_CLI_EXIT_USAGE;
      return FALSE;
    }
  if (*argc > 1)
    {
      g_printerr (_("qudao-cli %s: unexpected argument “%s”\n"), command, (*argv)[1]);
      *out_exit = QD_CLI_EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

int
qd_cli_sync_login (const char  *data_dir,
                   int          argc,
                   char       **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *ca_file = NULL;
  gboolean password_stdin = FALSE;
  g_autoptr(GError) error = NULL;
  char *password;
  gboolean ok;
  int code = QD_CLI_EXIT_OK;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Server address, e.g. https://qudao.example.com"), "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("User name"), "NAME" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the password from the standard input"), NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust the certificate authorities in this PEM file"), "FILE" },
    { NULL },
  };

  if (!parse_options ("login", _("Log in to a Qudao server; the session is kept in the keyring."),
                      entries, &argc, &argv, &code))
    return code;
  if (server == NULL || user == NULL)
    {
      g_printerr ("%s\n", _("qudao-cli login: --server and --user are required."));
      return QD_CLI_EXIT_USAGE;
    }
  password = read_password (password_stdin, &error);
  if (password == NULL)
    {
      print_error ("login", error);
      return QD_CLI_EXIT_USAGE;
    }
  ok = qd_sync_login_sync (data_dir, server, user, password, ca_file, NULL, &error);
  explicit_bzero (password, strlen (password));
  g_free (password);
  if (!ok)
    {
      print_error ("login", error);
      return exit_code_for (error);
    }
  g_printerr (_("Logged in to %s as %s.\n"), server, user);
  return QD_CLI_EXIT_OK;
}

int
qd_cli_sync_logout (const char  *data_dir,
                    int          argc,
                    char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) server_error = NULL;
  g_autofree char *ca_file = NULL;
  int code = QD_CLI_EXIT_OK;
  GOptionEntry entries[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust the certificate authorities in this PEM file"), "FILE" },
    { NULL },
  };

  if (!parse_options ("logout", _("End the session and remove its token from the keyring. "
                                  "Waiting changes stay in the cache."),
                      entries, &argc, &argv, &code))
    return code;
  if (!qd_sync_logout_sync (data_dir, ca_file, &server_error, NULL, &error))
    {
      print_error ("logout", error);
      return exit_code_for (error);
    }
  if (server_error != NULL)
    g_printerr (_("qudao-cli logout: the server could not be told (%s); the token was "
                  "removed here anyway.\n"), server_error->message);
  return QD_CLI_EXIT_OK;
}

typedef struct
{
  GMainLoop    *loop;
  gboolean      ok;
  GError       *error;
  QdSyncStats   stats;
} SyncWait;

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SyncWait *w = user_data;

  w->ok = qd_sync_engine_sync_finish (QD_SYNC_ENGINE (source), result, &w->stats, &w->error);
  g_main_loop_quit (w->loop);
}

static void
progress_cb (QdSyncEngine *engine,
             GParamSpec   *pspec,
             gpointer      user_data)
{
  QdSyncPhase phase = qd_sync_engine_get_phase (engine);

  if (phase == QD_SYNC_PHASE_PUSHING)
    g_printerr ("\r\033[K%s %u", _("Sending…"), qd_sync_engine_get_pending_count (engine));
  else if (phase == QD_SYNC_PHASE_PULLING)
    g_printerr ("\r\033[K%s %3.0f%%", _("Receiving…"),
                100.0 * qd_sync_engine_get_progress (engine));
}

static QdStore *
open_account_store (const char     *data_dir,
                    char          **out_server,
                    char          **out_user,
                    GError        **error)
{
  g_autofree char *dir = data_dir != NULL ? g_strdup (data_dir) : qd_account_default_data_dir ();
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  QdStore *store;

  if (!qd_account_load (dir, &server, &user, &local_error))
    {
      if (g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND))
        g_set_error (error, QD_SYNC_ERROR, QD_SYNC_ERROR_NOT_LOGGED_IN, "%s %s",
                     local_error->message, _("Run “qudao-cli login” first."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  path = qd_store_path_for_account (dir, server, user);
  store = qd_store_open (path, error);
  if (store == NULL)
    return NULL;
  if (out_server != NULL)
    *out_server = g_steal_pointer (&server);
  if (out_user != NULL)
    *out_user = g_steal_pointer (&user);
  return store;
}

int
qd_cli_sync_sync (const char  *data_dir,
                  int          argc,
                  char       **argv)
{
  g_autoptr(QdStore) store = NULL;
  g_autoptr(QdCredentials) creds = NULL;
  g_autoptr(QdSyncEngine) engine = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *ca_file = NULL;
  gboolean quiet = FALSE;
  int timeout_s = 30;
  int code = QD_CLI_EXIT_OK;
  SyncWait w = { 0, };
  GOptionEntry entries[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust the certificate authorities in this PEM file"), "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Give up on a silent server after this many seconds (default 30)"), "SECONDS" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print no progress"), NULL },
    { NULL },
  };

  if (!parse_options ("sync",
                      _("Send the waiting changes, then receive what changed on the server.\n\n"
                        "Exit status: 0 done; 1 bad arguments; 2 server unreachable or "
                        "unavailable (changes stay queued); 3 not logged in or session "
                        "ended; 4 done, but the server rejected some changes; 5 local error "
                        "(cache, keyring, data folder); 6 the server's answer was malformed "
                        "or refused."),
                      entries, &argc, &argv, &code))
    return code;
  if (timeout_s <= 0 || timeout_s > 3600)
    {
      g_printerr ("%s\n", _("qudao-cli sync: --timeout must be between 1 and 3600."));
      return QD_CLI_EXIT_USAGE;
    }

  store = open_account_store (data_dir, &server, &user, &error);
  if (store == NULL)
    {
      print_error ("sync", error);
      return exit_code_for (error);
    }
  creds = qd_credentials_new (server, user);
  engine = qd_sync_engine_new (store, server, creds);
  qd_sync_engine_set_timeout (engine, (guint) timeout_s);
  if (ca_file != NULL)
    qd_sync_engine_set_ca_file (engine, ca_file);
  if (!quiet && isatty (STDERR_FILENO))
    {
      g_signal_connect (engine, "notify::progress", G_CALLBACK (progress_cb), NULL);
      g_signal_connect (engine, "notify::phase", G_CALLBACK (progress_cb), NULL);
      g_signal_connect (engine, "notify::pending-count", G_CALLBACK (progress_cb), NULL);
    }

  loop = g_main_loop_new (NULL, FALSE);
  w.loop = loop;
  qd_sync_engine_sync_async (engine, NULL, sync_done_cb, &w);
  g_main_loop_run (loop);
  if (!quiet && isatty (STDERR_FILENO))
    g_printerr ("\r\033[K");

  /* Remembered for `status`, which runs without an engine. */
  qd_store_set_meta (store, "sync_phase", qd_sync_phase_to_string (qd_sync_engine_get_phase (engine)), NULL);
  qd_store_set_meta (store, "sync_error", w.ok ? NULL : w.error->message, NULL);

  if (!w.ok)
    {
      print_error ("sync", w.error);
      code = exit_code_for (w.error);
      g_clear_error (&w.error);
      return code;
    }
  if (!quiet)
    g_printerr (_("Sent %u changes (%u rejected), received %" G_GUINT64_FORMAT " changes.\n"),
                w.stats.pushed, w.stats.rejected, w.stats.changes);
  if (w.stats.rejected > 0)
    return QD_CLI_EXIT_REJECTED;
  return QD_CLI_EXIT_OK;
}

int
qd_cli_sync_status (const char  *data_dir,
                    int          argc,
                    char       **argv)
{
  g_autoptr(QdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) key_error = NULL;
  g_autoptr(QdCredentials) creds = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *phase = NULL;
  g_autofree char *last_error = NULL;
  g_autofree char *last_text = NULL;
  g_autofree char *token = NULL;
  gboolean json = FALSE;
  guint pending, rejected;
  gint64 last;
  int code = QD_CLI_EXIT_OK;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL },
  };

  if (!parse_options ("status", _("Show the account, the waiting changes and the last sync."),
                      entries, &argc, &argv, &code))
    return code;
  store = open_account_store (data_dir, &server, &user, &error);
  if (store == NULL)
    {
      print_error ("status", error);
      return exit_code_for (error);
    }

  pending = qd_store_outbox_count (store, QD_OUTBOX_PENDING)
            + qd_store_outbox_count (store, QD_OUTBOX_CLAIMED);
  rejected = qd_store_outbox_count (store, QD_OUTBOX_REJECTED);
  last = qd_store_get_last_sync (store);
  cursor = qd_store_dup_cursor (store);
  phase = qd_store_dup_meta (store, "sync_phase");
  last_error = qd_store_dup_meta (store, "sync_error");
  creds = qd_credentials_new (server, user);
  token = qd_credentials_lookup_sync (creds, NULL, &key_error);
  if (token == NULL && key_error == NULL)
    {
      g_free (phase);
      phase = g_strdup ("auth-required");
    }
  else if (phase == NULL)
    phase = g_strdup ("idle");
  if (token != NULL)
    explicit_bzero (token, strlen (token));
  if (last > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (last / 1000);

      last_text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "server");
      json_builder_add_string_value (b, server);
      json_builder_set_member_name (b, "user");
      json_builder_add_string_value (b, user);
      json_builder_set_member_name (b, "phase");
      json_builder_add_string_value (b, phase);
      json_builder_set_member_name (b, "pending");
      json_builder_add_int_value (b, pending);
      json_builder_set_member_name (b, "rejected");
      json_builder_add_int_value (b, rejected);
      json_builder_set_member_name (b, "last_sync");
      if (last_text != NULL)
        json_builder_add_string_value (b, last_text);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "cursor");
      if (cursor != NULL)
        json_builder_add_string_value (b, cursor);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "last_error");
      if (last_error != NULL)
        json_builder_add_string_value (b, last_error);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else
    {
      printf (_("Account:    %s on %s\n"), user, server);
      printf (_("State:      %s\n"), phase);
      printf (_("Waiting:    %u\n"), pending);
      printf (_("Rejected:   %u\n"), rejected);
      printf (_("Last sync:  %s\n"), last_text != NULL ? last_text : _("never"));
      printf (_("Cursor:     %s\n"), cursor != NULL ? cursor : _("none (full sync next)"));
      if (last_error != NULL)
        printf (_("Last error: %s\n"), last_error);
    }
  return QD_CLI_EXIT_OK;
}
