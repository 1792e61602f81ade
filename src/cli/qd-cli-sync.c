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

#include "qd-cli.h"
#include "qd-cli-sync.h"
#include "qd-sync-engine.h"

/* Sync errors: everything that comes from the server's side (unreachable, 5xx, a malformed
 * or refused answer) keeps the work queued and is worth retrying later, so it is "offline"
 * for a script; a missing or dead session is "auth". */
static int
exit_code_for (const GError *error)
{
  if (error->domain == QD_SYNC_ERROR)
    switch ((QdSyncError) error->code)
      {
      case QD_SYNC_ERROR_AUTH_REQUIRED:
      case QD_SYNC_ERROR_BAD_CREDENTIALS:
      case QD_SYNC_ERROR_NOT_LOGGED_IN:
        return QD_CLI_EXIT_AUTH;
      case QD_SYNC_ERROR_REFUSED:
        return QD_CLI_EXIT_INVALID;
      case QD_SYNC_ERROR_OFFLINE:
      case QD_SYNC_ERROR_SERVER:
      case QD_SYNC_ERROR_PROTOCOL:
      case QD_SYNC_ERROR_TOO_LARGE:
      case QD_SYNC_ERROR_BUSY:
      case QD_SYNC_ERROR_TLS:
      default:
        return QD_CLI_EXIT_OFFLINE;
      }
  return qd_cli_exit_code_for_error (error);
}

static int
fail (QdCliContext *ctx,
      const GError *error)
{
  return qd_cli_fail (ctx, exit_code_for (error), "%s", error->message);
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

/* The entry points take the data folder only (qd-cli.c passes its context's); the
 * commands still use the CLI's shared helpers for options, errors and the store. */
static QdCliContext *
context_new (const char  *data_dir,
             char       **argv)
{
  QdCliContext *ctx = qd_cli_context_new (data_dir);

  ctx->command = argv[0];
  return ctx;
}

int
qd_cli_sync_login (const char  *data_dir,
                   int          argc,
                   char       **argv)
{
  g_autoptr(QdCliContext) ctx = context_new (data_dir, argv);
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *ca_file = NULL;
  gboolean password_stdin = FALSE;
  g_autoptr(GError) error = NULL;
  char *password;
  gboolean ok;
  int code = QD_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Server address, e.g. https://qudao.example.com"), "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("User name"), "NAME" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the password from the standard input"), NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust the certificate authorities in this PEM file"), "FILE" },
    { NULL },
  };

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, NULL,
                             _("Log in to a Qudao server. The password is read from the "
                               "terminal without echo (or from the standard input with "
                               "--password-stdin); the session token is kept in the keyring."),
                             &code))
    return code;
  if (argc > 1)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("unexpected argument “%s”"), argv[1]);
  if (server == NULL || user == NULL)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, "%s", _("--server and --user are required"));

  password = read_password (password_stdin, &error);
  if (password == NULL)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, "%s", error->message);
  ok = qd_sync_login_sync (ctx->data_dir, server, user, password, ca_file, NULL, &error);
  explicit_bzero (password, strlen (password));
  g_free (password);
  if (!ok)
    return fail (ctx, error);
  if (!ctx->json)
    g_printerr (_("Logged in to %s as %s.\n"), server, user);
  return QD_CLI_EXIT_OK;
}

int
qd_cli_sync_logout (const char  *data_dir,
                    int          argc,
                    char       **argv)
{
  g_autoptr(QdCliContext) ctx = context_new (data_dir, argv);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) server_error = NULL;
  g_autofree char *ca_file = NULL;
  int code = QD_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust the certificate authorities in this PEM file"), "FILE" },
    { NULL },
  };

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, NULL,
                             _("End the session and remove its token from the keyring. "
                               "Waiting changes stay in the cache and go out after the next "
                               "login."),
                             &code))
    return code;
  if (argc > 1)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("unexpected argument “%s”"), argv[1]);
  if (!qd_sync_logout_sync (ctx->data_dir, ca_file, &server_error, NULL, &error))
    return fail (ctx, error);
  if (server_error != NULL)
    g_printerr (_("qudao-cli: logout: the server could not be told (%s); the token was "
                  "removed here anyway.\n"), server_error->message);
  if (!qd_cli_context_set_account (ctx, NULL, NULL, &error))
    return fail (ctx, error);
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
    g_printerr ("\r\033[K%s %u", _("Sending… waiting:"), qd_sync_engine_get_pending_count (engine));
  else if (phase == QD_SYNC_PHASE_PULLING)
    g_printerr ("\r\033[K%s %3.0f%%", _("Receiving…"),
                100.0 * qd_sync_engine_get_progress (engine));
}

int
qd_cli_sync_sync (const char  *data_dir,
                  int          argc,
                  char       **argv)
{
  g_autoptr(QdCliContext) ctx = context_new (data_dir, argv);
  g_autoptr(QdCredentials) creds = NULL;
  g_autoptr(QdSyncEngine) engine = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *ca_file = NULL;
  QdStore *store;
  gboolean quiet = FALSE;
  gboolean show_progress;
  int timeout_s = 30;
  int code = QD_CLI_EXIT_OK;
  SyncWait w = { 0, };
  const GOptionEntry entries[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, N_("Trust the certificate authorities in this PEM file"), "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Give up on a silent server after this many seconds (default 30)"), "SECONDS" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print no progress or summary"), NULL },
    { NULL },
  };

  if (!qd_cli_parse_options (ctx, &argc, &argv, entries, NULL,
                             _("Send the waiting changes, then receive what changed on the "
                               "server. Progress goes to stderr when it is a terminal.\n\n"
                               "Exit status: 0 done; 6 the server cannot be reached, is "
                               "unavailable or answered something malformed (waiting changes "
                               "are kept and sent again); 7 not logged in, or the session "
                               "ended; 8 done, but the server rejected some changes (see "
                               "“qudao-cli status”); 1 local error (cache, keyring, data "
                               "folder); 2 bad arguments."),
                             &code))
    return code;
  if (argc > 1)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("unexpected argument “%s”"), argv[1]);
  if (timeout_s <= 0 || timeout_s > 3600)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, "%s",
                        _("--timeout must be between 1 and 3600"));

  if (!qd_cli_context_get_account (ctx, &server, &user, &error))
    return qd_cli_fail (ctx, QD_CLI_EXIT_AUTH, "%s", error->message);
  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return fail (ctx, error);

  creds = qd_credentials_new (server, user);
  engine = qd_sync_engine_new (store, server, creds);
  qd_sync_engine_set_timeout (engine, (guint) timeout_s);
  if (ca_file != NULL)
    qd_sync_engine_set_ca_file (engine, ca_file);
  show_progress = !quiet && !ctx->json && isatty (STDERR_FILENO);
  if (show_progress)
    {
      g_signal_connect (engine, "notify::progress", G_CALLBACK (progress_cb), NULL);
      g_signal_connect (engine, "notify::phase", G_CALLBACK (progress_cb), NULL);
      g_signal_connect (engine, "notify::pending-count", G_CALLBACK (progress_cb), NULL);
    }

  loop = g_main_loop_new (NULL, FALSE);
  w.loop = loop;
  qd_sync_engine_sync_async (engine, NULL, sync_done_cb, &w);
  g_main_loop_run (loop);
  if (show_progress)
    g_printerr ("\r\033[K");

  /* Remembered for `status`, which runs without an engine. */
  if (!qd_store_set_meta (store, "sync_phase",
                          qd_sync_phase_to_string (qd_sync_engine_get_phase (engine)), &error)
      || !qd_store_set_meta (store, "sync_error", w.ok ? NULL : w.error->message, &error))
    {
      g_clear_error (&w.error);
      return fail (ctx, error);
    }

  if (!w.ok)
    {
      code = fail (ctx, w.error);
      g_clear_error (&w.error);
      return code;
    }
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sent");
      json_builder_add_int_value (b, w.stats.pushed);
      json_builder_set_member_name (b, "rejected");
      json_builder_add_int_value (b, w.stats.rejected);
      json_builder_set_member_name (b, "received");
      json_builder_add_int_value (b, (gint64) w.stats.changes);
      json_builder_set_member_name (b, "bytes_received");
      json_builder_add_int_value (b, (gint64) w.stats.wire_bytes_in);
      json_builder_end_object (b);
      qd_cli_print_json (ctx, json_builder_get_root (b));
    }
  else if (!quiet)
    {
      g_autofree char *received = g_strdup_printf ("%" G_GUINT64_FORMAT, w.stats.changes);

      g_printerr (_("Sent %u changes (%u rejected), received %s changes.\n"),
                  w.stats.pushed, w.stats.rejected, received);
    }
  if (w.stats.rejected > 0)
    return qd_cli_fail (ctx, QD_CLI_EXIT_REJECTED,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "the server rejected %u change (see “qudao-cli status”)",
                                     "the server rejected %u changes (see “qudao-cli status”)",
                                     w.stats.rejected),
                        w.stats.rejected);
  return QD_CLI_EXIT_OK;
}

int
qd_cli_sync_status (const char  *data_dir,
                    int          argc,
                    char       **argv)
{
  g_autoptr(QdCliContext) ctx = context_new (data_dir, argv);
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
  QdStore *store;
  guint pending, rejected;
  gint64 last;
  int code = QD_CLI_EXIT_OK;

  if (!qd_cli_parse_options (ctx, &argc, &argv, NULL, NULL,
                             _("Show the account, the waiting and rejected changes, the last "
                               "sync, the feed cursor and the sync state."),
                             &code))
    return code;
  if (argc > 1)
    return qd_cli_fail (ctx, QD_CLI_EXIT_USAGE, _("unexpected argument “%s”"), argv[1]);
  if (!qd_cli_context_get_account (ctx, &server, &user, &error))
    return qd_cli_fail (ctx, QD_CLI_EXIT_AUTH, "%s", error->message);
  store = qd_cli_context_get_store (ctx, &error);
  if (store == NULL)
    return fail (ctx, error);

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

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

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
      qd_cli_print_json (ctx, json_builder_get_root (b));
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
