/* qd-application.c — the desktop application: actions, accelerators, gettext, the main
 * window, and the screenshot and startup-timing hooks used by tools and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>

#include "qd-application.h"
#include "qd-preferences-window.h"
#include "qd-window.h"

struct _QdApplication
{
  AdwApplication parent_instance;

  gint64 start_time_us;
  gulong after_paint_id;
  guint frames_seen;
  GdkFrameClock *frame_clock;
  QdWindow *hooked_window;
  int exit_status;
  QdStore *store;         /* $QUDAO_STORE opened alone (screenshots, tests); NULL otherwise */
};

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

  prefs = qd_preferences_window_new (gtk_application_get_active_window (app));
  gtk_window_set_application (GTK_WINDOW (prefs), app);
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

static const GActionEntry app_entries[] = {
  { "quit", quit_activated_cb },
  { "preferences", preferences_activated_cb },
  { "about", about_activated_cb },
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

  if (!qd_window_save_screenshot (self->hooked_window, path, &error))
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
      && !qd_window_is_settled (self->hooked_window) && self->frames_seen < 10)
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
                  QdWindow      *window)
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

static void
qd_application_activate (GApplication *app)
{
  QdApplication *self = QD_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gboolean first = FALSE;
  const char *page = g_getenv ("QUDAO_SCREENSHOT_PAGE");

  /* A screenshot shows the first settled frame: without animations, revealers and
   * transitions (the narrow view switcher bar) are already where they end up. */
  if (g_getenv ("QUDAO_SCREENSHOT") != NULL)
    g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  if (window == NULL)
    {
      window = GTK_WINDOW (qd_window_new (self));
      first = TRUE;
    }

  /* $QUDAO_STORE shows that cache file without an account or a sync engine: screenshots
   * and tools of a prepared cache. Signing in hands the account's cache instead. */
  if (first && self->store == NULL && g_getenv ("QUDAO_STORE") != NULL)
    {
      g_autoptr(GError) error = NULL;

      self->store = qd_store_open (g_getenv ("QUDAO_STORE"), &error);
      if (self->store == NULL)
        g_printerr ("qudao: %s\n", error->message);
    }
  if (first && self->store != NULL)
    qd_window_set_store (QD_WINDOW (window), self->store);

  if (first && page != NULL && *page != '\0')
    qd_window_set_page (QD_WINDOW (window), page);

  gtk_window_present (window);

  if (first && (g_getenv ("QUDAO_SCREENSHOT") != NULL
                || g_strcmp0 (g_getenv ("QUDAO_STARTUP_TIMING"), "1") == 0))
    hook_first_frame (self, QD_WINDOW (window));
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
  };

  G_APPLICATION_CLASS (qd_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries,
                                   G_N_ELEMENTS (app_entries), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (gtk_app, accels[i].action, accels[i].accels);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
qd_application_shutdown (GApplication *app)
{
  QdApplication *self = QD_APPLICATION (app);

  unhook_frame_clock (self);
  self->hooked_window = NULL;

  G_APPLICATION_CLASS (qd_application_parent_class)->shutdown (app);
  g_clear_object (&self->store);
}

static void
qd_application_class_init (QdApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = qd_application_activate;
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
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
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
