/* qd-test-server.c — see qd-test-server.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-test-server.h"
#include "qd-test-files.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <poll.h>
#include <sys/prctl.h>
#include <signal.h>
#include <string.h>

#define START_DEADLINE_SECONDS 120  /* generous: ASan builds and a loaded CI machine */
#define STOP_DEADLINE_SECONDS  30

struct _QdTestServer
{
  char        *data_dir;
  gboolean     own_dir;
  GStrv        args;       /* argv without the binary */
  GSubprocess *process;
  char        *url;
  SoupSession *session;
};

static gboolean
read_listening_line (QdTestServer  *self,
                     GError       **error)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (self->process);
  int fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (out));
  gint64 deadline = g_get_monotonic_time () + START_DEADLINE_SECONDS * G_USEC_PER_SEC;
  g_autoptr(GString) line = g_string_new (NULL);

  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      char c;
      gssize n;

      if (left <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "qudao-server did not print “listening on” within %d s",
                       START_DEADLINE_SECONDS);
          return FALSE;
        }
      if (poll (&pfd, 1, (int) MIN (left, 1000)) <= 0)
        continue;
      /* One byte at a time: nothing after the line must be consumed by us. */
      n = read (fd, &c, 1);
      if (n <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "qudao-server exited before listening (stdout so far: “%s”)", line->str);
          return FALSE;
        }
      if (c != '\n')
        {
          g_string_append_c (line, c);
          continue;
        }
      if (g_str_has_prefix (line->str, "listening on "))
        {
          self->url = g_strdup (line->str + strlen ("listening on "));
          return TRUE;
        }
      g_string_truncate (line, 0);
    }
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
spawn (QdTestServer  *self,
       GError       **error)
{
  const char *bin = g_getenv ("QUDAO_SERVER_BIN");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  if (bin == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "QUDAO_SERVER_BIN is not set (run the tests through meson)");
      return FALSE;
    }
  g_ptr_array_add (argv, (gpointer) bin);
  for (guint i = 0; self->args[i] != NULL; i++)
    g_ptr_array_add (argv, self->args[i]);
  g_ptr_array_add (argv, NULL);

  g_clear_pointer (&self->url, g_free);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* A test that aborts must not leave its server running (and holding the test's
   * stderr open, which would make meson wait for the timeout). */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                error);
  if (self->process == NULL)
    return FALSE;
  if (!read_listening_line (self, error))
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
      return FALSE;
    }
  return TRUE;
}

QdTestServer *
qd_test_server_start (const char         *data_dir,
                      gboolean            demo,
                      const char * const *extra_args,
                      GError            **error)
{
  g_autoptr(QdTestServer) self = g_new0 (QdTestServer, 1);
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();

  self->data_dir = g_strdup (data_dir);
  g_strv_builder_add_many (args, "--data-dir", data_dir, "--listen", "127.0.0.1:0", NULL);
  if (demo)
    g_strv_builder_add (args, "--demo");
  if (extra_args != NULL)
    g_strv_builder_addv (args, (const char **) extra_args);
  self->args = g_strv_builder_end (args);
  self->session = soup_session_new_with_options ("timeout", 120, NULL);

  if (!spawn (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

QdTestServer *
qd_test_server_new (gboolean            demo,
                    const char * const *extra_args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-test-server-XXXXXX", &error);
  QdTestServer *self;

  g_assert_no_error (error);
  self = qd_test_server_start (dir, demo, extra_args, &error);
  g_assert_no_error (error);
  self->own_dir = TRUE;
  return self;
}

void
qd_test_server_free (QdTestServer *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL)
    qd_test_server_stop (self);
  g_clear_object (&self->session);
  if (self->own_dir)
    qd_test_remove_tree (self->data_dir);
  g_free (self->data_dir);
  g_strfreev (self->args);
  g_free (self->url);
  g_free (self);
}

const char *
qd_test_server_get_url (QdTestServer *self)
{
  return self->url;
}

const char *
qd_test_server_get_data_dir (QdTestServer *self)
{
  return self->data_dir;
}

GPid
qd_test_server_get_pid (QdTestServer *self)
{
  const char *id = self->process ? g_subprocess_get_identifier (self->process) : NULL;

  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  gboolean *done = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits for the process with a deadline, on a private main context. */
static gboolean
wait_with_deadline (GSubprocess *process,
                    guint        seconds)
{
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (seconds);
  gboolean done = FALSE, timed_out = FALSE;

  g_main_context_push_thread_default (ctx);
  g_subprocess_wait_async (process, NULL, waited_cb, &done);
  g_source_set_callback (timeout, timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, ctx);
  while (!done && !timed_out)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timeout);
  /* Let a cancelled wait finish inside this context. */
  while (g_main_context_iteration (ctx, FALSE))
    ;
  g_main_context_pop_thread_default (ctx);
  return done;
}

gboolean
qd_test_server_stop (QdTestServer *self)
{
  gboolean ok;

  g_return_val_if_fail (self->process != NULL, FALSE);

  g_subprocess_send_signal (self->process, SIGTERM);
  if (!wait_with_deadline (self->process, STOP_DEADLINE_SECONDS))
    {
      g_printerr ("# qudao-server did not stop within %d s after SIGTERM; killing it\n",
                  STOP_DEADLINE_SECONDS);
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
      return FALSE;
    }
  ok = g_subprocess_get_if_exited (self->process) && g_subprocess_get_exit_status (self->process) == 0;
  g_clear_object (&self->process);
  return ok;
}

gboolean
qd_test_server_wait (QdTestServer *self)
{
  gboolean ok;

  g_return_val_if_fail (self->process != NULL, FALSE);

  if (!wait_with_deadline (self->process, STOP_DEADLINE_SECONDS))
    {
      g_printerr ("# qudao-server did not exit within %d s; killing it\n",
                  STOP_DEADLINE_SECONDS);
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
      return FALSE;
    }
  ok = g_subprocess_get_if_exited (self->process) && g_subprocess_get_exit_status (self->process) == 0;
  g_clear_object (&self->process);
  return ok;
}

void
qd_test_server_kill (QdTestServer *self)
{
  g_return_if_fail (self->process != NULL);

  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
}

gboolean
qd_test_server_restart (QdTestServer  *self,
                        GError       **error)
{
  g_return_val_if_fail (self->process == NULL, FALSE);

  /* A fresh session: connections to the old process are dead. */
  g_clear_object (&self->session);
  self->session = soup_session_new_with_options ("timeout", 120, NULL);
  return spawn (self, error);
}

/* Test servers on loopback use a self-signed certificate when they use TLS at all. */
static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  return TRUE;
}

GBytes *
qd_test_request_raw (QdTestServer *self,
                     const char   *method,
                     const char   *path,
                     const char   *token,
                     const void   *body,
                     gsize         body_len,
                     guint        *out_status)
{
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  GBytes *answer;

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_len);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (self->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);
  return answer;
}

JsonNode *
qd_test_request (QdTestServer *self,
                 const char   *method,
                 const char   *path,
                 const char   *token,
                 const char   *json_body,
                 guint        *out_status)
{
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data;

  answer = qd_test_request_raw (self, method, path, token, json_body,
                                json_body ? strlen (json_body) : 0, out_status);
  data = g_bytes_get_data (answer, &len);
  if (len == 0 || !json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

char *
qd_test_server_login (QdTestServer *self,
                      const char   *username,
                      const char   *password)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  guint status = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, username);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  text = json_to_string (body, FALSE);

  answer = qd_test_request (self, "POST", "/api/v1/session", NULL, text, &status);
  if (status != 200 || answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    return NULL;
  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "token"));
}

const char *
qd_test_error_code (JsonNode *answer)
{
  JsonObject *o, *e;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    return NULL;
  o = json_node_get_object (answer);
  if (!json_object_has_member (o, "error"))
    return NULL;
  e = json_object_get_object_member (o, "error");
  if (e == NULL || !json_object_has_member (e, "code") || !json_object_has_member (e, "message"))
    return NULL;
  return json_object_get_string_member (e, "code");
}
