/* qd-sync-indicator.c — the header-bar sync status
 *
 * A menu button in the header bar says in one or two words where the account stands
 * (synced, offline, syncing, N waiting, sign in again) with a progress bar while a sync
 * runs and a badge when the brand rejected something; its popover says when the last sync
 * was ("3 minutes ago", refreshed every 30 seconds), what went wrong last in words, and
 * has Sync Now (Ctrl+R) and a button leading to the rejected orders.
 *
 * Everything comes from the engine's properties: the indicator follows them with a
 * GSignalGroup, so handing it another engine (after signing in to another account) or
 * none needs no bookkeeping.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-sync-indicator.h"

#define REFRESH_SECONDS 30

struct _QdSyncIndicator
{
  AdwBin parent_instance;

  /* template widgets */
  GtkImage *icon;
  GtkLabel *summary_label;
  GtkLabel *badge_label;
  GtkProgressBar *progress_bar;
  GtkLabel *title_label;
  GtkLabel *last_sync_label;
  GtkLabel *pending_label;
  GtkLabel *error_label;
  GtkButton *rejected_button;

  /* owned */
  GSignalGroup *signals;
  QdSyncEngine *engine;
  char *summary;
  guint refresh_id;
};

G_DEFINE_FINAL_TYPE (QdSyncIndicator, qd_sync_indicator, ADW_TYPE_BIN)

/**
 * qd_sync_format_last_sync:
 * @last_sync: (nullable): when the last sync finished
 * @now: the current time
 *
 * Returns: (transfer full): "Last synced 3 minutes ago", "Never synced", …
 */
char *
qd_sync_format_last_sync (GDateTime *last_sync,
                          GDateTime *now)
{
  GTimeSpan span;
  gint64 minutes;

  g_return_val_if_fail (now != NULL, NULL);

  if (last_sync == NULL)
    return g_strdup (_("Never synced"));
  span = g_date_time_difference (now, last_sync);
  minutes = span / G_TIME_SPAN_MINUTE;
  if (minutes < 1)
    return g_strdup (_("Last synced just now"));
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last synced %d minute ago",
                                         "Last synced %d minutes ago", minutes),
                            (int) minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last synced %d hour ago",
                                         "Last synced %d hours ago", minutes / 60),
                            (int) (minutes / 60));
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (last_sync);
    g_autofree char *date = g_date_time_format (local, "%Y-%m-%d %H:%M");

    /* Translators: %s is a date and time. */
    return g_strdup_printf (_("Last synced on %s"), date);
  }
}

static void
update (QdSyncIndicator *self)
{
  QdSyncEngine *engine = self->engine;
  QdSyncPhase phase;
  guint pending;
  guint rejected;
  const char *icon;
  const char *title;
  g_autofree char *summary = NULL;
  g_autofree char *last = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char *error;

  gtk_widget_set_visible (GTK_WIDGET (self), engine != NULL);
  if (engine == NULL)
    return;

  phase = qd_sync_engine_get_phase (engine);
  pending = qd_sync_engine_get_pending_count (engine);
  rejected = qd_sync_engine_get_rejected_count (engine);
  error = qd_sync_engine_get_last_error (engine);

  switch (phase)
    {
    case QD_SYNC_PHASE_PUSHING:
    case QD_SYNC_PHASE_PULLING:
      icon = "emblem-synchronizing-symbolic";
      title = phase == QD_SYNC_PHASE_PUSHING ? _("Sending your changes…")
                                             : _("Receiving updates…");
      summary = g_strdup (_("Syncing…"));
      break;
    case QD_SYNC_PHASE_OFFLINE:
      icon = "network-offline-symbolic";
      title = _("Offline — your work is saved on this computer");
      summary = g_strdup (_("Offline"));
      break;
    case QD_SYNC_PHASE_AUTH_REQUIRED:
      icon = "dialog-password-symbolic";
      title = _("Sign in again to sync — you can keep working meanwhile");
      summary = g_strdup (_("Sign in again"));
      break;
    case QD_SYNC_PHASE_ERROR:
      icon = "dialog-warning-symbolic";
      title = _("The last sync failed; it will be retried");
      summary = g_strdup (_("Sync failed"));
      break;
    case QD_SYNC_PHASE_IDLE:
    default:
      icon = pending > 0 ? "mail-outbox-symbolic" : "emblem-ok-symbolic";
      title = _("Online");
      if (pending > 0)
        /* Translators: short header-bar text: changes waiting to be sent. */
        summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u waiting", "%u waiting",
                                                pending), pending);
      else
        summary = g_strdup (_("Synced"));
      break;
    }

  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->title_label, title);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar),
                          phase == QD_SYNC_PHASE_PUSHING || phase == QD_SYNC_PHASE_PULLING);
  if (qd_sync_engine_get_progress_total (engine) > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, qd_sync_engine_get_progress (engine));
  else
    gtk_progress_bar_pulse (self->progress_bar);

  last = qd_sync_format_last_sync (qd_sync_engine_get_last_sync (engine), now);
  gtk_label_set_text (self->last_sync_label, last);

  if (pending > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u change waiting to be sent",
                                                            "%u changes waiting to be sent",
                                                            pending), pending);

      gtk_label_set_text (self->pending_label, text);
    }
  else
    gtk_label_set_text (self->pending_label, _("Nothing waiting to be sent"));

  gtk_label_set_text (self->error_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL && *error != '\0');

  gtk_widget_set_visible (GTK_WIDGET (self->badge_label), rejected > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->rejected_button), rejected > 0);
  if (rejected > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", rejected);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u change rejected by the brand — show",
                                                            "%u changes rejected by the brand — show",
                                                            rejected), rejected);

      gtk_label_set_text (self->badge_label, count);
      gtk_button_set_label (self->rejected_button, text);
    }

  {
    /* The button's accessible name and tooltip say it all, for screen readers and tests. */
    g_autofree char *full = NULL;
    /* The menu button is the bin's child (not a bound template child: AdwBin unparents
     * its child itself). */
    GtkWidget *button = adw_bin_get_child (ADW_BIN (self));

    if (rejected > 0)
      full = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sync status: %s, %u rejected",
                                           "Sync status: %s, %u rejected", rejected),
                              summary, rejected);
    else
      full = g_strdup_printf (_("Sync status: %s"), summary);
    gtk_widget_set_tooltip_text (button, full);
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, full, -1);
  }

  g_free (self->summary);
  self->summary = g_steal_pointer (&summary);
}

static void
engine_notify_cb (QdSyncIndicator *self)
{
  update (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  update (QD_SYNC_INDICATOR (user_data));
  return G_SOURCE_CONTINUE;
}

void
qd_sync_indicator_set_engine (QdSyncIndicator *self,
                              QdSyncEngine    *engine)
{
  g_return_if_fail (QD_IS_SYNC_INDICATOR (self));
  g_return_if_fail (engine == NULL || QD_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  g_signal_group_set_target (self->signals, engine);
  if (engine != NULL && self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
  else if (engine == NULL)
    g_clear_handle_id (&self->refresh_id, g_source_remove);
  update (self);
}

QdSyncEngine *
qd_sync_indicator_get_engine (QdSyncIndicator *self)
{
  g_return_val_if_fail (QD_IS_SYNC_INDICATOR (self), NULL);
  return self->engine;
}

/**
 * qd_sync_indicator_get_summary:
 *
 * Returns: (nullable): the short status shown in the header bar
 */
const char *
qd_sync_indicator_get_summary (QdSyncIndicator *self)
{
  g_return_val_if_fail (QD_IS_SYNC_INDICATOR (self), NULL);
  return self->summary;
}

static void
qd_sync_indicator_dispose (GObject *object)
{
  QdSyncIndicator *self = QD_SYNC_INDICATOR (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->signals);
  g_clear_object (&self->engine);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_SYNC_INDICATOR);

  G_OBJECT_CLASS (qd_sync_indicator_parent_class)->dispose (object);
}

static void
qd_sync_indicator_finalize (GObject *object)
{
  QdSyncIndicator *self = QD_SYNC_INDICATOR (object);

  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (qd_sync_indicator_parent_class)->finalize (object);
}

static void
qd_sync_indicator_class_init (QdSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_sync_indicator_dispose;
  object_class->finalize = qd_sync_indicator_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, summary_label);
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, badge_label);
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, pending_label);
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, error_label);
  gtk_widget_class_bind_template_child (widget_class, QdSyncIndicator, rejected_button);
}

static void
qd_sync_indicator_init (QdSyncIndicator *self)
{
  static const char * const props[] = {
    "notify::phase", "notify::progress", "notify::pending-count", "notify::rejected-count",
    "notify::last-sync", "notify::last-error",
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->signals = g_signal_group_new (QD_TYPE_SYNC_ENGINE);
  for (guint i = 0; i < G_N_ELEMENTS (props); i++)
    g_signal_group_connect_swapped (self->signals, props[i], G_CALLBACK (engine_notify_cb),
                                    self);
  update (self);
}
