/* main.c — qudao-server
 *
 *   qudao-server --data-dir DIR --listen HOST:PORT [--demo] [--demo-products N
 *                --demo-order-lines N] [--tls-cert FILE --tls-key FILE]
 *   qudao-server user add|passwd|disable …   (offline account management)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "qd-enum-types.h"
#include "qd-server.h"
#include "qd-server-demo.h"
#include "qd-server-storage.h"

static void
die (const char *format,
     ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
die (const char *format,
     ...)
{
  va_list args;

  fputs ("qudao-server: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (1);
}

static gboolean
parse_listen (const char *text,
              char      **out_host,
              guint      *out_port)
{
  const char *colon = strrchr (text, ':');
  guint64 port;

  if (colon == NULL || colon == text)
    return FALSE;
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    return FALSE;
  if (text[0] == '[' && colon[-1] == ']')
    *out_host = g_strndup (text + 1, colon - text - 2);
  else
    *out_host = g_strndup (text, colon - text);
  *out_port = port;
  return TRUE;
}

/* Reads a password from stdin (one line), never from the command line. */
static char *
read_password (void)
{
  char buf[1025];
  size_t len;

  if (fgets (buf, sizeof buf, stdin) == NULL)
    die ("expected the password on standard input");
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  if (len < 8)
    die ("the password must have at least 8 characters");
  return g_strdup (buf);
}

static char *
hash_password (const char *password)
{
  char hash[crypto_pwhash_STRBYTES];

  if (crypto_pwhash_str (hash, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    die ("out of memory while hashing the password");
  return g_strdup (hash);
}

static int
user_command (int    argc,
              char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *role = NULL;
  g_autofree char *name = NULL;
  g_autofree char *dealer = NULL;
  g_auto(GStrv) regions = NULL;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("add|passwd|disable USERNAME");
  g_autoptr(GError) error = NULL;
  g_autoptr(QdServerStorage) storage = NULL;
  QdServerTxn *txn;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "dealer, manager or admin (add)", "ROLE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Display name (add)", "NAME" },
    { "dealer", 0, 0, G_OPTION_ARG_STRING, &dealer, "Dealer id (add, role dealer)", "ID" },
    { "region", 0, 0, G_OPTION_ARG_STRING_ARRAY, &regions, "Region id (add, manager)", "ID" },
    { NULL }
  };
  const char *verb, *username;
  gboolean ok = FALSE;

  g_option_context_set_summary (ctx, "Manage accounts offline. The password is read from "
                                     "standard input.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    die ("%s", error->message);
  if (argc != 4 || data_dir == NULL)
    die ("usage: qudao-server user add|passwd|disable --data-dir DIR USERNAME");
  verb = argv[2];
  username = argv[3];

  storage = qd_server_storage_open (data_dir, &error);
  if (storage == NULL)
    die ("%s", error->message);
  txn = qd_server_storage_begin (storage, &error);
  if (txn == NULL)
    die ("%s", error->message);

  if (g_str_equal (verb, "add"))
    {
      g_autofree char *password = read_password ();
      g_autofree char *hash = hash_password (password);
      g_autofree char *id = g_strdup_printf ("u-%s", username);
      int r = 0;

      if (role == NULL || !qd_enum_from_string (QD_TYPE_USER_ROLE, role, &r, &error))
        die ("--role: %s", error ? error->message : "dealer, manager or admin is required");
      if ((r == 0) != (dealer != NULL))
        die ("--dealer is required for role dealer and only for it");
      ok = qd_server_txn_put_user (txn, id, username, name ? name : username, r, dealer,
                                   (const char * const *) regions, hash, &error);
    }
  else if (g_str_equal (verb, "passwd"))
    {
      g_autofree char *password = read_password ();
      g_autofree char *hash = hash_password (password);

      ok = qd_server_txn_set_password (txn, username, hash, &error);
    }
  else if (g_str_equal (verb, "disable"))
    ok = qd_server_txn_set_disabled (txn, username, TRUE, &error);
  else
    die ("unknown user command “%s” (add, passwd, disable)", verb);

  if (ok)
    {
      g_autofree char *action = g_strconcat ("user.", verb, NULL);

      ok = qd_server_txn_audit (txn, NULL, "(offline)", NULL, action, username, NULL, NULL,
                                NULL, &error);
    }
  if (!ok)
    {
      qd_server_txn_rollback (txn);
      die ("user %s %s: %s", verb, username, error->message);
    }
  if (!qd_server_txn_commit (txn, &error))
    die ("%s", error->message);
  return 0;
}

static gboolean
quit_cb (gpointer data)
{
  gboolean *stop = data;

  *stop = TRUE;
  return G_SOURCE_CONTINUE;
}

static void
stopped_cb (gpointer data)
{
  gboolean *done = data;

  *done = TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *host = NULL;
  g_autofree char *url = NULL;
  gboolean demo = FALSE;
  gint demo_products = 0, demo_lines = 0;
  gint64 token_ttl = 0;
  gint64 retention = 90 * 24 * 3600;
  gint64 backoff = 1;
  gint readers = 0;
  guint port = 0;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QdServerStorage) storage = NULL;
  g_autoptr(QdServer) server = NULL;
  QdServerOptions options = { 0 };
  gboolean stop = FALSE, stopped = FALSE;
  guint sigterm, sigint;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on", "HOST:PORT" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Fill an empty database with demo data", NULL },
    { "demo-products", 0, 0, G_OPTION_ARG_INT, &demo_products, "Demo products", "N" },
    { "demo-order-lines", 0, 0, G_OPTION_ARG_INT, &demo_lines, "Demo order lines", "N" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "TLS certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "TLS private key (PEM)", "FILE" },
    { "token-ttl", 0, 0, G_OPTION_ARG_INT64, &token_ttl,
      "Session lifetime in seconds (default 30 days)", "SECONDS" },
    { "readers", 0, 0, G_OPTION_ARG_INT, &readers, "Reader threads (default 2)", "N" },
    { "login-backoff", 0, 0, G_OPTION_ARG_INT64, &backoff,
      "First delay after repeated failed logins, in seconds (default 1, doubling)", "SECONDS" },
    { "tombstone-retention", 0, 0, G_OPTION_ARG_INT64, &retention,
      "Keep delete tombstones this long, in seconds (default 90 days)", "SECONDS" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  if (sodium_init () < 0)
    die ("libsodium failed to initialise");

  if (argc > 1 && g_str_equal (argv[1], "user"))
    return user_command (argc, argv);

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, "The Qudao central API.\n\n"
                                     "Also: qudao-server user add|passwd|disable --help");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    die ("%s", error->message);
  if (argc > 1)
    die ("unexpected argument “%s”", argv[1]);
  if (data_dir == NULL)
    die ("--data-dir DIR is required");
  if (listen == NULL)
    die ("--listen HOST:PORT is required");
  if (!parse_listen (listen, &host, &port))
    die ("--listen: expected HOST:PORT, got “%s”", listen);
  if (demo_products < 0 || demo_lines < 0)
    die ("--demo-products and --demo-order-lines must not be negative");
  if ((demo_products > 0 || demo_lines > 0) && !demo)
    demo = TRUE;
  if (token_ttl < 0 || readers < 0 || readers > 64 || retention < 0 || backoff < 1 ||
      backoff > 3600)
    die ("--token-ttl and --tombstone-retention must be positive, --readers 1–64 and "
         "--login-backoff 1–3600");

  storage = qd_server_storage_open (data_dir, &error);
  if (storage == NULL || !qd_server_storage_prune (storage, retention, &error))
    die ("%s", error->message);

  if (demo && qd_server_storage_is_empty (storage))
    {
      gint64 start = g_get_monotonic_time ();

      if (!qd_server_demo_fill (storage, demo_products, demo_lines, &error))
        die ("cannot create the demo data: %s", error->message);
      if (!qd_server_storage_checkpoint (storage, &error))
        die ("%s", error->message);
      g_printerr ("qudao-server: demo data created in %.1f s\n",
                  (g_get_monotonic_time () - start) / 1e6);
    }

  options.token_ttl_seconds = token_ttl;
  options.reader_threads = readers;
  options.login_backoff_seconds = backoff;
  server = qd_server_new (storage, &options);
  url = qd_server_listen (server, host, port, tls_cert, tls_key, &error);
  if (url == NULL)
    {
      g_autofree char *message = g_strdup (error->message);

      /* Stop the worker threads before exiting: exit() beside running threads races. */
      g_clear_object (&server);
      g_clear_pointer (&storage, qd_server_storage_free);
      die ("%s", message);
    }

  sigterm = g_unix_signal_add (SIGTERM, quit_cb, &stop);
  sigint = g_unix_signal_add (SIGINT, quit_cb, &stop);

  printf ("listening on %s\n", url);
  fflush (stdout);

  while (!stop)
    g_main_context_iteration (NULL, TRUE);

  /* Stop accepting, answer what is in flight (at most 30 s), then close the database. */
  qd_server_shutdown (server, G_CALLBACK (stopped_cb), &stopped);
  {
    guint timeout = g_timeout_add_seconds (30, quit_cb, &stopped);

    while (!stopped)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (timeout);
  }
  /* Let libsoup write the last answers out, then close the connections. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  qd_server_close (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_source_remove (sigterm);
  g_source_remove (sigint);
  g_clear_object (&server);
  g_clear_pointer (&storage, qd_server_storage_free);
  return 0;
}
