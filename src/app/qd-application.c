/* qd-application.c — the desktop application: actions, accelerators, gettext, the main
 * window, and the screenshot and startup-timing hooks used by tools and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "qd-application.h"
#include "qd-account.h"
#include "qd-app-error.h"
#include "qd-preferences-window.h"
#include "qd-screenshot.h"
#include "qd-sign-in-window.h"
#include "qd-window.h"

struct _QdApplication
{
  AdwApplication parent_instance;

  gint64 start_time_us;
  gulong after_paint_id;
  guint frames_seen;
  GdkFrameClock *frame_clock;
  GtkWindow *hooked_window;   /* the window a screenshot or the start-up timing waits for */
  int exit_status;

  /* owned */
  QdStore *store;         /* the signed-in account's cache; NULL when nobody is signed in */
  QdSyncEngine *engine;   /* its sync engine; NULL without an account (or with $QUDAO_STORE) */
  char *data_dir;
  char *store_error;      /* why the cache could not be opened, for the window to show */
  char *damage_notice;    /* a damaged cache was moved aside: what to tell the user */

  /* The whole-file check of the cache, run after the first frame (check_store_later). */
  gboolean check_pending;       /* self->store was opened without the check */
  gboolean auto_sync_pending;   /* the engine starts syncing after the first frame too */
  gboolean check_running;
  gboolean moving_damaged;    /* a damaged file waits for the sync to stop before it moves */
  GdkFrameClock *check_clock;
  gulong check_paint_id;
  guint check_fallback_id;      /* starts the check if no frame was painted by then */
  GCancellable *check_cancellable;
};

/* How long the check and the automatic sync wait at most for the first frame. */
#define CHECK_FALLBACK_SECONDS 5

G_DEFINE_FINAL_TYPE (QdApplication, qd_application, ADW_TYPE_APPLICATION)

/**
 * qd_i18n_init:
 *
 * Sets up gettext for the client: the user's locale, and the catalog directory, which is
 * $QUDAO_LOCALEDIR when set (tests and tools/demo.sh point it at the build tree's .mo
 * files) and the installed locale directory otherwise. Templates translate through the
 * default domain, so it is set with textdomain().
 */
void
qd_i18n_init (void)
{
  const char *localedir = g_getenv ("QUDAO_LOCALEDIR");

  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);
  g_autoptr(GPtrArray) to_close = g_ptr_array_new_with_free_func (g_object_unref);

  /* Close (not destroy) every window so each one goes through close-request and saves
   * its size, as when the user closes it. Copy the list first: closing edits it. */
  for (GList *l = windows; l != NULL; l = l->next)
    g_ptr_array_add (to_close, g_object_ref (l->data));
  for (guint i = 0; i < to_close->len; i++)
    {
      GtkWindow *window = g_ptr_array_index (to_close, i);

      /* gtk_window_close() ignores a window that was never realized; nothing of it was
       * shown, so there is nothing to save either. */
      if (gtk_widget_get_realized (GTK_WIDGET (window)))
        gtk_window_close (window);
      else
        gtk_window_destroy (window);
    }

  g_application_quit (G_APPLICATION (app));
}

static void
preferences_activated_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  QdPreferencesWindow *prefs;

  QdApplication *self = QD_APPLICATION (user_data);

  prefs = qd_preferences_window_new (gtk_application_get_active_window (app));
  gtk_window_set_application (GTK_WINDOW (prefs), app);
  /* Signed in, the server changes only by switching (sign out, then sign in there). */
  if (self->engine != NULL)
    {
      g_autofree char *url = NULL;
      g_autofree char *user = NULL;

      if (qd_account_load (self->data_dir, &url, &user, NULL))
        qd_preferences_window_set_account_url (prefs, url);
    }
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Qudao developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application", app,
                        "modal", TRUE,
                        "application-icon", APP_ID,
                        "application-name", _("Qudao"),
                        "developer-name", _("The Qudao developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Orders, stock reports and statements between a brand and its dealers, offline first."),
                        "copyright", _("© 2026 The Qudao developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_window_add_credit_section (ADW_ABOUT_WINDOW (about), _("Built with"),
                                       (const char *[]) { "GTK", "libadwaita", "libsoup",
                                                          "SQLite", NULL });
  gtk_window_present (GTK_WINDOW (about));
}

static void sign_out_activated_cb (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data);
static void sign_in_activated_cb (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data);

static void switch_server_activated_cb (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data);

static const GActionEntry app_entries[] = {
  { "quit", quit_activated_cb },
  { "preferences", preferences_activated_cb },
  { "about", about_activated_cb },
  { "sign-in", sign_in_activated_cb },
  { "sign-out", sign_out_activated_cb },
  { "switch-server", switch_server_activated_cb, "s" },
};

static void
finish_with_status (QdApplication *self,
                    int            status)
{
  self->exit_status = status;
  g_application_quit (G_APPLICATION (self));
}

static void
take_screenshot (QdApplication *self)
{
  const char *path = g_getenv ("QUDAO_SCREENSHOT");
  g_autoptr(GError) error = NULL;

  if (self->hooked_window == NULL)
    return;

  if (!qd_screenshot_save_window (self->hooked_window, path, &error))
    {
      g_printerr ("qudao: %s\n", error->message);
      finish_with_status (self, 1);
      return;
    }

  g_printerr ("qudao: saved screenshot to %s\n", path);
  finish_with_status (self, 0);
}

static void
unhook_frame_clock (QdApplication *self)
{
  if (self->frame_clock != NULL)
    {
      g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
      g_clear_object (&self->frame_clock);
    }
}

static void
frame_clock_painted_cb (GdkFrameClock *clock,
                        QdApplication *self)
{
  /* The first frame has been painted: the earliest moment a user sees the window. */
  if (self->frames_seen++ == 0 && g_strcmp0 (g_getenv ("QUDAO_STARTUP_TIMING"), "1") == 0
      && self->start_time_us > 0)
    g_printerr ("first frame after %" G_GINT64_FORMAT " ms\n",
                (g_get_monotonic_time () - self->start_time_us) / 1000);

  /* A screenshot waits for a frame after which no layout change is pending (at most a
   * few frames: the clock only runs when something was queued). */
  if (g_getenv ("QUDAO_SCREENSHOT") != NULL && self->hooked_window != NULL
      && QD_IS_WINDOW (self->hooked_window)
      && !qd_window_is_settled (QD_WINDOW (self->hooked_window)) && self->frames_seen < 10)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self->hooked_window));
      return;
    }

  unhook_frame_clock (self);

  /* Render right here, just after the paint: layout is valid now, whereas an idle may
   * run after something queued a resize and left widgets without an allocation. */
  if (g_getenv ("QUDAO_SCREENSHOT") != NULL)
    take_screenshot (self);
}

static void
hooked_window_destroyed_cb (QdApplication *self)
{
  unhook_frame_clock (self);
  self->hooked_window = NULL;
}

static void
hook_first_frame (QdApplication *self,
                  GtkWindow     *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  if (clock == NULL)
    return;

  self->hooked_window = window;
  g_signal_connect_object (window, "destroy", G_CALLBACK (hooked_window_destroyed_cb),
                           self, G_CONNECT_SWAPPED);
  self->frame_clock = g_object_ref (clock);
  self->after_paint_id = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (frame_clock_painted_cb), self);
}

/* Opens the cache without the whole-file check, which reads every page (most of a second
 * on a cache with a million order lines): the start-up path must not wait for it.
 * check_store_later() runs it after the first frame. A file that is not a database at all
 * still fails here. */
static QdStore *
open_store_file (QdApplication  *self,
                 const char     *path,
                 GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  QdStore *store = qd_store_open_full (path, QD_STORE_OPEN_NO_CHECK, &local_error);

  /* A damaged cache has been moved aside: a fresh one resyncs from the server, and local
   * work that was in the old file is still there for support to recover. The user is told
   * once the window is up (show_damage_notice). */
  if (store == NULL && g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT))
    {
      g_free (self->damage_notice);
      self->damage_notice = g_strdup (local_error->message);
      g_clear_error (&local_error);
      store = qd_store_open_full (path, QD_STORE_OPEN_NO_CHECK, &local_error);
    }
  if (store == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  self->check_pending = store != NULL;
  return store;
}

static void
publish_account (QdApplication *self)
{
  GAction *sign_out = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out");

  if (sign_out != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (sign_out), self->engine != NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (QD_IS_WINDOW (l->data))
      {
        qd_window_set_store (QD_WINDOW (l->data), self->store);
        qd_window_set_sync_engine (QD_WINDOW (l->data), self->engine);
      }
}

static void
first_sync_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  /* Errors are on the engine's last-error property, which the indicator shows. */
  qd_sync_engine_sync_finish (QD_SYNC_ENGINE (source), result, NULL, NULL);
}

/* Opens the cache of the account named in the data folder (written at sign-in) and starts
 * its sync engine. $QUDAO_STORE instead opens that cache file alone, without an engine
 * (tests, screenshots, benchmarks). No account is not an error: the sign-in view opens. */
static gboolean
open_account (QdApplication  *self,
              GError        **error)
{
  const char *path_env = g_getenv ("QUDAO_STORE");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(QdCredentials) credentials = NULL;
  g_autofree char *url = NULL;
  g_autofree char *user = NULL;
  g_autofree char *path = NULL;

  g_clear_object (&self->engine);
  g_clear_object (&self->store);

  if (path_env != NULL && *path_env != '\0')
    {
      self->store = open_store_file (self, path_env, error);
      return self->store != NULL;
    }

  if (!qd_account_load (self->data_dir, &url, &user, &local_error))
    {
      if (g_error_matches (local_error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  path = qd_store_path_for_account (self->data_dir, url, user);
  self->store = open_store_file (self, path, error);
  if (self->store == NULL)
    return FALSE;

  credentials = qd_credentials_new (url, user);
  self->engine = qd_sync_engine_new (self->store, url, credentials);
  qd_sync_engine_set_interval (self->engine,
                               (guint) g_settings_get_int (settings, "sync-interval") * 60);
  /* Automatic syncing starts a sync at once, on a worker thread (the keyring, the network,
   * applying pages): at start-up, not before the window is on screen (start_check). */
  self->auto_sync_pending = TRUE;
  return TRUE;
}

/* ---- the cache's whole-file check, after the first frame ------------------------------ */

static void
show_damage_notice (QdApplication *self)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *notice = g_steal_pointer (&self->damage_notice);
  GtkWidget *dialog;

  if (notice == NULL)
    return;
  /* A dialog rather than a toast: the user must not miss that local data was set aside. */
  dialog = adw_message_dialog_new (parent, _("Local Data Damaged"), notice);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"), NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_auto_sync (QdApplication *self)
{
  if (self->auto_sync_pending && self->engine != NULL)
    qd_sync_engine_set_auto_sync (self->engine, TRUE);
  self->auto_sync_pending = FALSE;
}

typedef struct
{
  QdApplication *app;
  char          *path;
  char          *reason;
} Damage;

static void
damage_free (Damage *damage)
{
  g_object_unref (damage->app);
  g_free (damage->path);
  g_free (damage->reason);
  g_free (damage);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Damage, damage_free)

static void move_damaged_aside (QdApplication *self,
                                const char    *path,
                                const char    *reason);

static gboolean
move_damaged_aside_idle (gpointer user_data)
{
  Damage *damage = user_data;

  move_damaged_aside (damage->app, damage->path, damage->reason);
  return G_SOURCE_REMOVE;
}

static void
engine_stopped_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  qd_sync_engine_sync_finish (QD_SYNC_ENGINE (source), result, NULL, NULL);
  /* The task lets go of the engine, and the engine of its worker's connection, once this
   * returns: the file moves from an idle after that. */
  g_idle_add_full (G_PRIORITY_DEFAULT, move_damaged_aside_idle, user_data,
                   (GDestroyNotify) damage_free);
}

static void
store_damaged (QdApplication *self,
               const char    *reason)
{
  g_autoptr(Damage) damage = g_new0 (Damage, 1);
  g_autoptr(QdSyncEngine) engine = g_steal_pointer (&self->engine);

  damage->app = g_object_ref (self);
  damage->path = g_strdup (qd_store_get_path (self->store));
  damage->reason = g_strdup (reason);

  /* Let go of the file before it moves: the windows' pages (and their models' reader
   * connections), the engine, the store. */
  g_clear_object (&self->store);
  publish_account (self);

  /* A sync under way has the file open on its worker's own connection. Were the file
   * moved first, that connection would write into the moved file and, closing last,
   * delete the -wal by its old name: the fresh cache's. Stop it (a sync joined with a
   * cancelled cancellable) and move the file once it let go. */
  if (engine != NULL)
    {
      g_autoptr(GCancellable) stop = g_cancellable_new ();

      qd_sync_engine_set_auto_sync (engine, FALSE);
      self->moving_damaged = TRUE;
      qd_sync_engine_sync_async (engine, stop, engine_stopped_cb, g_steal_pointer (&damage));
      g_cancellable_cancel (stop);
      return;
    }
  move_damaged_aside (self, damage->path, damage->reason);
}

static void
move_damaged_aside (QdApplication *self,
                    const char    *path,
                    const char    *reason)
{
  g_autoptr(GError) moved = NULL;
  g_autoptr(GError) error = NULL;

  self->moving_damaged = FALSE;
  qd_store_move_aside (path, reason, &moved);
  g_free (self->damage_notice);
  self->damage_notice = g_strdup (moved->message);

  /* The same account on a fresh cache, filled again by the next sync. */
  if (!open_account (self, &error))
    {
      g_free (self->store_error);
      self->store_error = g_strdup (error->message);
    }
  /* A fresh file needs no check; the window is up. */
  self->check_pending = FALSE;
  publish_account (self);
  start_auto_sync (self);
  if (self->engine != NULL)
    qd_sync_engine_sync_async (self->engine, NULL, first_sync_done_cb, NULL);
  show_damage_notice (self);
}

/* In a worker thread, on a connection of its own. */
static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr(QdStore) store = NULL;
  GError *error = NULL;

  store = qd_store_open_full (task_data, QD_STORE_OPEN_NO_CHECK, &error);
  if (store == NULL || !qd_store_check (store, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void start_check (QdApplication *self);

static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  QdApplication *self = QD_APPLICATION (source);
  const char *path = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->check_running = FALSE;
  g_clear_object (&self->check_cancellable);

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("The local data %s passed its check", path);
  /* Only the cache still open counts (nobody signed out or switched meanwhile, and the
   * application is not shutting down). */
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
           && self->store != NULL && g_strcmp0 (qd_store_get_path (self->store), path) == 0
           && g_error_matches (error, QD_STORE_ERROR, QD_STORE_ERROR_CORRUPT))
    store_damaged (self, error->message);
  else
    g_debug ("The local data %s could not be checked: %s", path, error->message);

  /* Another account's cache opened while this one was being checked. */
  if (self->check_pending && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    start_check (self);
}

static void
unhook_check (QdApplication *self)
{
  g_clear_handle_id (&self->check_fallback_id, g_source_remove);
  if (self->check_clock != NULL)
    {
      g_clear_signal_handler (&self->check_paint_id, self->check_clock);
      g_clear_object (&self->check_clock);
    }
}

static void
start_check (QdApplication *self)
{
  g_autoptr(GTask) task = NULL;

  unhook_check (self);
  start_auto_sync (self);
  if (!self->check_pending || self->store == NULL || self->check_running)
    return;
  self->check_pending = FALSE;
  self->check_running = TRUE;
  self->check_cancellable = g_cancellable_new ();
  /* The task holds the application until the check is done. */
  task = g_task_new (self, self->check_cancellable, check_done_cb, NULL);
  g_task_set_source_tag (task, start_check);
  g_task_set_task_data (task, g_strdup (qd_store_get_path (self->store)), g_free);
  g_task_run_in_thread (task, check_thread);
}

static void
check_clock_painted_cb (GdkFrameClock *clock,
                        QdApplication *self)
{
  start_check (self);
}

/* A window that never paints (closed before it was mapped, or never shown) must not leave
 * the check and the automatic sync waiting for ever. */
static gboolean
check_fallback_cb (gpointer user_data)
{
  QdApplication *self = user_data;

  self->check_fallback_id = 0;
  start_check (self);
  return G_SOURCE_REMOVE;
}

/* Runs the cache's whole-file check once the new @window has painted its first frame, so
 * that it never delays what the user sees first. */
static void
check_store_later (QdApplication *self,
                   GtkWindow     *window)
{
  GdkFrameClock *clock;

  if ((!self->check_pending && !self->auto_sync_pending) || self->check_clock != NULL)
    return;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  if (clock == NULL)
    {
      start_check (self);
      return;
    }
  self->check_clock = g_object_ref (clock);
  self->check_paint_id = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (check_clock_painted_cb), self);
  self->check_fallback_id = g_timeout_add_seconds (CHECK_FALLBACK_SECONDS, check_fallback_cb,
                                                   self);
}

/**
 * qd_application_is_checking:
 * @self: a #QdApplication
 *
 * Returns: %TRUE while the cache's whole-file check is waiting for the first frame or
 *   running, or a damaged file waits for a sync to stop before it is moved aside (tests
 *   wait for the outcome)
 */
gboolean
qd_application_is_checking (QdApplication *self)
{
  g_return_val_if_fail (QD_IS_APPLICATION (self), FALSE);

  return self->check_pending || self->check_running || self->moving_damaged;
}

static void
signed_in_cb (QdApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (!open_account (self, &error))
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

      if (QD_IS_WINDOW (window))
        qd_window_add_toast (QD_WINDOW (window), adw_toast_new (error->message));
    }
  publish_account (self);
  if (self->engine != NULL)
    qd_sync_engine_sync_async (self->engine, NULL, first_sync_done_cb, NULL);
  /* The window has long been on screen. */
  start_check (self);
}

/* ---- signing out -------------------------------------------------------------------- */

typedef struct
{
  char *data_dir;
  char *cache_path;   /* set when the user chose to delete the local data */
  char *switch_url;   /* set when signing out to sign in to another server */
} SignOutData;

static void
sign_out_data_free (SignOutData *d)
{
  g_free (d->data_dir);
  g_free (d->cache_path);
  g_free (d->switch_url);
  g_free (d);
}

/* In a worker thread: DELETE /session may wait for the network. */
static void
sign_out_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SignOutData *d = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) server_error = NULL;
  g_autofree char *account = qd_account_file_path (d->data_dir);

  if (!qd_sync_logout_sync (d->data_dir, NULL, &server_error, cancellable, &error)
      && !g_error_matches (error, QD_SYNC_ERROR, QD_SYNC_ERROR_NOT_LOGGED_IN))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (server_error != NULL)
    g_debug ("The server was not told about the sign-out: %s", server_error->message);

  /* The next start opens the sign-in view rather than this account. */
  g_unlink (account);
  if (d->cache_path != NULL)
    {
      const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *path = g_strconcat (d->cache_path, suffixes[i], NULL);

          g_unlink (path);
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
sign_out_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  QdApplication *self = QD_APPLICATION (source);
  g_autoptr(GError) error = NULL;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  SignOutData *d = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (QD_IS_WINDOW (window))
        qd_window_add_toast (QD_WINDOW (window), adw_toast_new (error->message));
      return;
    }
  /* Switching: the sign-in window opens with the new server (it reads the setting). */
  if (d->switch_url != NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);

      g_settings_set_string (settings, "server-url", d->switch_url);
    }
  g_action_group_activate_action (G_ACTION_GROUP (self), "sign-in", NULL);
}

/* Signs out in a worker thread: stops syncing, lets go of the cache, tells the server,
 * forgets the account, and deletes the cache when @remove_data; then opens the sign-in
 * window (for @switch_url, when given). */
static void
start_sign_out (QdApplication *self,
                gboolean       remove_data,
                const char    *switch_url)
{
  g_autoptr(GTask) task = NULL;
  SignOutData *d;

  d = g_new0 (SignOutData, 1);
  d->data_dir = g_strdup (self->data_dir);
  d->switch_url = g_strdup (switch_url);
  if (remove_data && self->store != NULL)
    d->cache_path = g_strdup (qd_store_get_path (self->store));

  /* Stop syncing and let go of the cache before the files go. */
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  publish_account (self);

  task = g_task_new (self, NULL, sign_out_done_cb, NULL);
  g_task_set_source_tag (task, start_sign_out);
  g_task_set_task_data (task, d, (GDestroyNotify) sign_out_data_free);
  g_task_run_in_thread (task, sign_out_thread);
}

static void
sign_out_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      QdApplication    *self)
{
  if (g_strcmp0 (response, "keep") != 0 && g_strcmp0 (response, "remove") != 0)
    return;
  start_sign_out (self, g_strcmp0 (response, "remove") == 0, NULL);
}

/* What signing out does to the local data, in words, for the two confirmations. */
static char *
sign_out_body (QdApplication *self)
{
  guint waiting = self->store != NULL ? qd_store_outbox_count (self->store, QD_OUTBOX_PENDING)
                                        + qd_store_outbox_count (self->store, QD_OUTBOX_CLAIMED)
                                      : 0;
  char *body;

  if (waiting > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u change has not been sent yet. Keep the data on "
                                         "this computer to send it after signing in again; "
                                         "deleting the data loses it.",
                                         "%u changes have not been sent yet. Keep the data on "
                                         "this computer to send them after signing in again; "
                                         "deleting the data loses them.", waiting), waiting);
  else
    body = g_strdup (_("Keep the data on this computer to open it faster after signing in "
                       "again, or delete it (it is downloaded again at the next sign-in)."));
  return body;
}

static void
sign_out_activated_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  QdApplication *self = QD_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *body = sign_out_body (self);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (parent, _("Sign Out?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("Sign Out and _Delete Data"),
                                    "keep", _("Sign _Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The Preferences window goes once the switch is decided: the sign-in window comes next. */
static void
close_preferences (QdApplication *self)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    if (QD_IS_PREFERENCES_WINDOW (l->data))
      gtk_window_destroy (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static void
switch_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    QdApplication    *self)
{
  const char *url = g_object_get_data (G_OBJECT (dialog), "qd-switch-url");

  if (g_strcmp0 (response, "keep") != 0 && g_strcmp0 (response, "remove") != 0)
    return;
  /* The dialog may belong to the Preferences window: let go of it before it goes (GTK
   * 4.8 would otherwise reach into the destroyed window when the dialog closes). */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  close_preferences (self);
  start_sign_out (self, g_strcmp0 (response, "remove") == 0, url);
}

/* app.switch-server(url): signed in, confirms, signs out (keeping or deleting the local
 * data) and opens the sign-in window for @url; nobody signed in, only the latter. */
static void
switch_server_activated_cb (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  QdApplication *self = QD_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *url = g_variant_get_string (parameter, NULL);
  g_autofree char *current = NULL;
  g_autofree char *user = NULL;
  g_autofree char *data = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (!qd_validate_server_url (url, NULL))
    return;
  if (self->engine == NULL || !qd_account_load (self->data_dir, &current, &user, NULL))
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);

      g_settings_set_string (settings, "server-url", url);
      close_preferences (self);
      g_action_group_activate_action (G_ACTION_GROUP (self), "sign-in", NULL);
      return;
    }
  if (g_strcmp0 (url, current) == 0)
    return;

  data = sign_out_body (self);
  /* Translators: %s are the current server's address, then the new one's; a paragraph
   * on what happens to the local data follows. */
  body = g_strdup_printf (_("You will be signed out of %s and asked to sign in to %s.\n\n%s"),
                          current, url, data);
  dialog = adw_message_dialog_new (parent, _("Switch Server?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("Switch and _Delete Data"),
                                    "keep", _("_Switch Server"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "keep",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "qd-switch-url", g_strdup (url), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (switch_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static QdSignInWindow *
present_sign_in (QdApplication *self)
{
  QdSignInWindow *sign_in;

  sign_in = qd_sign_in_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                   self->data_dir);
  gtk_window_set_application (GTK_WINDOW (sign_in), GTK_APPLICATION (self));
  /* Signing in again (an expired session): the same account, only the password. */
  if (self->engine != NULL)
    {
      g_autofree char *url = NULL;
      g_autofree char *user = NULL;

      if (qd_account_load (self->data_dir, &url, &user, NULL))
        qd_sign_in_window_set_account (sign_in, url, user);
    }
  g_signal_connect_object (sign_in, "signed-in", G_CALLBACK (signed_in_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (sign_in));
  return sign_in;
}

static void
sign_in_activated_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  present_sign_in (QD_APPLICATION (user_data));
}

static void
qd_application_activate (GApplication *app)
{
  QdApplication *self = QD_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gboolean first = FALSE;
  const char *page = g_getenv ("QUDAO_SCREENSHOT_PAGE");
  /* tools/screenshots.sh: the sign-in window, as a first start shows it. */
  gboolean shoot_sign_in = g_getenv ("QUDAO_SCREENSHOT") != NULL
                           && g_strcmp0 (page, "sign-in") == 0;

  /* A screenshot shows the first settled frame: without animations, revealers and
   * transitions (the narrow view switcher bar) are already where they end up. */
  if (g_getenv ("QUDAO_SCREENSHOT") != NULL)
    g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  if (window == NULL)
    {
      window = GTK_WINDOW (qd_window_new (self));
      first = TRUE;
    }

  if (first)
    publish_account (self);

  if (first && page != NULL && *page != '\0' && !shoot_sign_in)
    qd_window_set_page (QD_WINDOW (window), page);
  /* The screenshot script shows an order's detail. */
  if (first && g_getenv ("QUDAO_SCREENSHOT_ORDER") != NULL)
    qd_window_show_order (QD_WINDOW (window), g_getenv ("QUDAO_SCREENSHOT_ORDER"));
  /* … and a statement's detail. */
  if (first && g_getenv ("QUDAO_SCREENSHOT_STATEMENT") != NULL)
    qd_window_show_statement (QD_WINDOW (window), g_getenv ("QUDAO_SCREENSHOT_STATEMENT"));

  gtk_window_present (window);

  /* First start: nobody signed in yet. Not for screenshots, which show the window. */
  if (first && self->store == NULL && self->store_error == NULL
      && g_getenv ("QUDAO_SCREENSHOT") == NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self), "sign-in", NULL);

  if (first && shoot_sign_in)
    hook_first_frame (self, GTK_WINDOW (present_sign_in (self)));
  else if (first && (g_getenv ("QUDAO_SCREENSHOT") != NULL
                     || g_strcmp0 (g_getenv ("QUDAO_STARTUP_TIMING"), "1") == 0))
    hook_first_frame (self, window);

  if (first)
    {
      show_damage_notice (self);
      check_store_later (self, window);
    }
}

static void
qd_application_startup (GApplication *app)
{
  GtkApplication *gtk_app = GTK_APPLICATION (app);
  static const struct { const char *action; const char *accels[2]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.page::order", { "<Alt>1", NULL } },
    { "win.page::orders", { "<Alt>2", NULL } },
    { "win.page::stock", { "<Alt>3", NULL } },
    { "win.page::statements", { "<Alt>4", NULL } },
    { "win.page::dashboard", { "<Alt>5", NULL } },
    { "win.sync-now", { "<Control>r", NULL } },
  };

  G_APPLICATION_CLASS (qd_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries,
                                   G_N_ELEMENTS (app_entries), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (gtk_app, accels[i].action, accels[i].accels);

  gtk_window_set_default_icon_name (APP_ID);

  {
    QdApplication *self = QD_APPLICATION (app);
    g_autoptr(GError) error = NULL;

    const char *data_dir = g_getenv ("QUDAO_DATA_DIR");

    self->data_dir = data_dir != NULL && *data_dir != '\0' ? g_strdup (data_dir)
                                                            : qd_account_default_data_dir ();
    if (!open_account (self, &error))
      {
        /* Not fatal: the app opens without data and says why. */
        g_message ("Could not open the local cache: %s", error->message);
        self->store_error = g_strdup (error->message);
      }
  }
}

static void
qd_application_shutdown (GApplication *app)
{
  QdApplication *self = QD_APPLICATION (app);

  unhook_frame_clock (self);
  unhook_check (self);
  /* A check still running finishes on its own connection; its result is dropped. */
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  self->hooked_window = NULL;
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_pointer (&self->store_error, g_free);
  g_clear_pointer (&self->damage_notice, g_free);
  g_clear_pointer (&self->data_dir, g_free);

  G_APPLICATION_CLASS (qd_application_parent_class)->shutdown (app);
}

static void
qd_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  GtkWindow *window;

  /* "qudao stock.csv" (or a second start with a file) opens the stock import preview. */
  qd_application_activate (app);
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (n_files > 0 && QD_IS_WINDOW (window))
    qd_window_import_stock_file (QD_WINDOW (window), files[0]);
}

static void
qd_application_class_init (QdApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = qd_application_activate;
  app_class->open = qd_application_open;
  app_class->startup = qd_application_startup;
  app_class->shutdown = qd_application_shutdown;
}

static void
qd_application_init (QdApplication *self)
{
}

/**
 * qd_application_new:
 *
 * Returns: (transfer full): the application, single instance on the session bus
 */
QdApplication *
qd_application_new (void)
{
  return g_object_new (QD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/qudao/Qudao",
                       NULL);
}

/**
 * qd_application_set_start_time:
 * @self: a #QdApplication
 * @monotonic_us: g_get_monotonic_time() taken first thing in main()
 *
 * The origin of the "first frame after N ms" figure printed with QUDAO_STARTUP_TIMING=1.
 */
void
qd_application_set_start_time (QdApplication *self,
                               gint64         monotonic_us)
{
  g_return_if_fail (QD_IS_APPLICATION (self));

  self->start_time_us = monotonic_us;
}

/**
 * qd_application_get_exit_status:
 * @self: a #QdApplication
 *
 * Returns: nonzero when a hook (the screenshot) failed
 */
int
qd_application_get_exit_status (QdApplication *self)
{
  g_return_val_if_fail (QD_IS_APPLICATION (self), 1);

  return self->exit_status;
}

/**
 * qd_application_get_store:
 * @self: a #QdApplication
 *
 * Returns: (transfer none) (nullable): the signed-in account's cache
 */
QdStore *
qd_application_get_store (QdApplication *self)
{
  g_return_val_if_fail (QD_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * qd_application_set_store:
 * @self: a #QdApplication
 * @store: (nullable): a cache to show without a sync engine, or %NULL
 *
 * Hands @store to every main window (tests and tools; signing in opens the account's
 * cache and engine itself).
 */
void
qd_application_set_store (QdApplication *self,
                          QdStore       *store)
{
  g_return_if_fail (QD_IS_APPLICATION (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  g_clear_object (&self->engine);
  /* The caller's store: checking it is the caller's business. */
  self->check_pending = FALSE;
  self->auto_sync_pending = FALSE;
  publish_account (self);
}
