/* qd-sync-centre.c — everything waiting to be sent or rejected
 *
 * One row per outbox row: what it is, when it was made, how often sending was tried, when
 * the next try is due and the last error. Rejected rows carry the server's reason and two
 * ways out: Edit opens the order or report to correct and send again, Discard throws the
 * change away after a confirmation; the store keeps a note of it in its local audit log,
 * listed below as the history of discarded changes. Retry Now makes every waiting row due
 * and asks the window to sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-keynav.h"
#include "qd-order-item.h"
#include "qd-sync-centre.h"

struct _QdSyncCentre
{
  AdwWindow parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkLabel *summary_label;
  GtkListBox *list;
  GtkLabel *history_heading;
  GtkListBox *history_list;

  /* owned */
  QdStore *store;
  guint n_items;
  guint n_notes;
};

/* The history shows the latest discarded changes; older notes stay in the store. */
#define HISTORY_LIMIT 50

G_DEFINE_FINAL_TYPE (QdSyncCentre, qd_sync_centre, ADW_TYPE_WINDOW)

enum {
  SIGNAL_EDIT,
  SIGNAL_RETRY,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

/**
 * qd_sync_type_label:
 * @type: a mutation type ("order.submit", …)
 *
 * Returns: what the change is, in the user's words
 */
const char *
qd_sync_type_label (const char *type)
{
  if (g_strcmp0 (type, "order.submit") == 0)
    return _("Order");
  if (g_strcmp0 (type, "order.cancel") == 0)
    return _("Order cancellation");
  if (g_strcmp0 (type, "order.review") == 0)
    return _("Order review");
  if (g_strcmp0 (type, "stock_report.submit") == 0)
    return _("Stock report");
  if (g_strcmp0 (type, "statement.confirm") == 0)
    return _("Statement confirmation");
  if (g_strcmp0 (type, "statement.dispute") == 0)
    return _("Statement dispute");
  return type != NULL ? type : "";
}

static char *
format_ms (gint64 unix_ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_ms / 1000);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static void
edit_clicked_cb (GtkButton    *button,
                 QdSyncCentre *self)
{
  const char *type = g_object_get_data (G_OBJECT (button), "type");
  const char *entity = g_object_get_data (G_OBJECT (button), "entity");

  g_signal_emit (self, signals[SIGNAL_EDIT], 0, type, entity);
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     QdSyncCentre     *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "mutation-id");

  if (g_strcmp0 (response, "discard") == 0)
    qd_sync_centre_discard (self, id);
}

static void
discard_clicked_cb (GtkButton    *button,
                    QdSyncCentre *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "mutation-id");
  const char *type = g_object_get_data (G_OBJECT (button), "type");
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  /* Translators: the question before discarding a rejected change; %s is its kind. */
  heading = g_strdup_printf (_("Discard This %s?"), qd_sync_type_label (type));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("The change is removed from this computer and will never "
                                     "be sent. A note is kept in the local audit log."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "mutation-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
make_row (QdSyncCentre *self,
          QdOutboxItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *chip = gtk_label_new (NULL);
  g_autofree char *created = qd_order_format_created (item->created_at);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  gboolean rejected = item->state == QD_OUTBOX_REJECTED;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), qd_sync_type_label (item->type));
  /* Translators: when a waiting change was made. */
  g_string_append_printf (subtitle, _("Created %s"), created);
  g_string_append (subtitle, " · ");
  g_string_append_printf (subtitle,
                          g_dngettext (GETTEXT_PACKAGE, "%d attempt", "%d attempts",
                                       item->attempts),
                          item->attempts);
  if (rejected)
    {
      g_string_append_c (subtitle, '\n');
      /* Translators: the server's reason for rejecting a change. */
      g_string_append_printf (subtitle, _("Rejected: %s"),
                              item->reject_message != NULL ? item->reject_message
                                                           : item->reject_code);
    }
  else
    {
      if (item->attempts > 0 && item->next_attempt_at > 0)
        {
          g_autofree char *next = format_ms (item->next_attempt_at);

          g_string_append (subtitle, " · ");
          g_string_append_printf (subtitle, _("next try %s"), next);
        }
      if (item->last_error != NULL)
        {
          g_string_append_c (subtitle, '\n');
          g_string_append_printf (subtitle, _("Last error: %s"), item->last_error);
        }
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);

  gtk_widget_add_css_class (chip, "status-chip");
  gtk_widget_add_css_class (chip, rejected ? "status-rejected" : "status-queued");
  gtk_label_set_text (GTK_LABEL (chip), rejected ? qd_order_status_label ("rejected")
                                                 : _("Waiting"));
  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), chip);

  if (rejected)
    {
      GtkWidget *edit = gtk_button_new_with_mnemonic (_("_Edit"));
      GtkWidget *discard = gtk_button_new_with_mnemonic (_("_Discard…"));
      g_autofree char *edit_name = g_strdup_printf (_("Edit rejected %s"),
                                                    qd_sync_type_label (item->type));
      g_autofree char *discard_name = g_strdup_printf (_("Discard rejected %s"),
                                                       qd_sync_type_label (item->type));

      gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (discard, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (discard, "destructive-action");
      gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      edit_name, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (discard), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      discard_name, -1);
      g_object_set_data_full (G_OBJECT (edit), "type", g_strdup (item->type), g_free);
      g_object_set_data_full (G_OBJECT (edit), "entity", g_strdup (item->entity_id), g_free);
      g_object_set_data_full (G_OBJECT (discard), "mutation-id", g_strdup (item->id), g_free);
      g_object_set_data_full (G_OBJECT (discard), "type", g_strdup (item->type), g_free);
      g_signal_connect (edit, "clicked", G_CALLBACK (edit_clicked_cb), self);
      g_signal_connect (discard, "clicked", G_CALLBACK (discard_clicked_cb), self);
      /* Only what was created here can be edited: an order or a stock report. */
      gtk_widget_set_visible (edit, g_strcmp0 (item->type, "order.submit") == 0
                                    || g_strcmp0 (item->type, "stock_report.submit") == 0
                                    || g_str_has_prefix (item->type, "statement."));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
    }
  g_object_set_data_full (G_OBJECT (row), "mutation-id", g_strdup (item->id), g_free);
  return row;
}

static GtkWidget *
make_history_row (QdAuditNote *note)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = format_ms (note->at);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 qd_sync_type_label (note->mutation_type));
  /* Translators: when the user threw a rejected change away. */
  g_string_append_printf (subtitle, _("Discarded %s"), when);
  if (note->reject_code != NULL || note->reject_message != NULL)
    {
      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, _("Rejected: %s"),
                              note->reject_message != NULL ? note->reject_message
                                                           : note->reject_code);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  gtk_widget_set_tooltip_text (row, note->mutation_id);
  return row;
}

static void
reload_history (QdSyncCentre *self)
{
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  self->n_notes = 0;
  if (self->store != NULL)
    notes = qd_store_list_audit_notes (self->store, HISTORY_LIMIT, &error);
  if (error != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    gtk_list_box_append (self->history_list, make_history_row (g_ptr_array_index (notes, i)));
  self->n_notes = notes != NULL ? notes->len : 0;
  gtk_widget_set_visible (GTK_WIDGET (self->history_heading), self->n_notes > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->history_list), self->n_notes > 0);
}

/**
 * qd_sync_centre_reload:
 *
 * Reads the outbox again.
 */
void
qd_sync_centre_reload (QdSyncCentre *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  GtkWidget *child;
  guint waiting = 0;
  guint rejected = 0;

  g_return_if_fail (QD_IS_SYNC_CENTRE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  self->n_items = 0;
  reload_history (self);
  if (self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  items = qd_store_outbox_list (self->store, &error);
  if (items == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  /* Rejected ones first: they need the user. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < items->len; i++)
      {
        QdOutboxItem *item = g_ptr_array_index (items, i);
        gboolean is_rejected = item->state == QD_OUTBOX_REJECTED;

        if (is_rejected != (pass == 0))
          continue;
        gtk_list_box_append (self->list, make_row (self, item));
        if (is_rejected)
          rejected++;
        else
          waiting++;
      }
  self->n_items = waiting + rejected;
  {
    g_autofree char *w = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "%u change is waiting to be sent.",
                                                       "%u changes are waiting to be sent.",
                                                       waiting), waiting);
    g_autofree char *r = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "%u was rejected by the brand.",
                                                       "%u were rejected by the brand.",
                                                       rejected), rejected);

    summary = g_strdup_printf ("%s %s", w, r);
  }
  gtk_label_set_text (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), self->n_items > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), self->n_items > 0);
  gtk_stack_set_visible_child_name (self->stack, self->n_items + self->n_notes > 0 ? "items"
                                                                                  : "empty");
}

/**
 * qd_sync_centre_discard:
 * @mutation_id: a rejected outbox row
 *
 * Discards it (after the user confirmed); the store notes it in the local audit log.
 */
void
qd_sync_centre_discard (QdSyncCentre *self,
                        const char   *mutation_id)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  QdOutboxItem *found = NULL;

  g_return_if_fail (QD_IS_SYNC_CENTRE (self));
  g_return_if_fail (mutation_id != NULL);

  items = qd_store_outbox_list (self->store, &error);
  for (guint i = 0; items != NULL && i < items->len; i++)
    if (g_strcmp0 (((QdOutboxItem *) items->pdata[i])->id, mutation_id) == 0)
      found = items->pdata[i];
  /* The store writes the audit note in the transaction of the discard. */
  if (found == NULL || !qd_store_outbox_discard (self->store, mutation_id, &error))
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (error != NULL ? error->message
                                                                : _("This change is gone already")));
      qd_sync_centre_reload (self);
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Discarded")));
  qd_sync_centre_reload (self);
  g_signal_emit (self, signals[SIGNAL_RETRY], 0);
}

static void
retry_now_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  QdSyncCentre *self = QD_SYNC_CENTRE (widget);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!qd_store_outbox_retry_now (self->store, &error))
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_RETRY], 0);
  qd_sync_centre_reload (self);
}

static void
qd_sync_centre_dispose (GObject *object)
{
  QdSyncCentre *self = QD_SYNC_CENTRE (object);

  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_SYNC_CENTRE);

  G_OBJECT_CLASS (qd_sync_centre_parent_class)->dispose (object);
}

static void
qd_sync_centre_class_init (QdSyncCentreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_sync_centre_dispose;

  /**
   * QdSyncCentre::edit:
   * @type: the mutation type
   * @entity_id: the order, report or statement
   *
   * The user wants to correct a rejected change.
   */
  signals[SIGNAL_EDIT] =
    g_signal_new ("edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * QdSyncCentre::retry:
   *
   * The outbox changed or is due now: the window syncs when online.
   */
  signals[SIGNAL_RETRY] =
    g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-sync-centre.ui");
  gtk_widget_class_bind_template_child (widget_class, QdSyncCentre, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QdSyncCentre, stack);
  gtk_widget_class_bind_template_child (widget_class, QdSyncCentre, summary_label);
  gtk_widget_class_bind_template_child (widget_class, QdSyncCentre, list);
  gtk_widget_class_bind_template_child (widget_class, QdSyncCentre, history_heading);
  gtk_widget_class_bind_template_child (widget_class, QdSyncCentre, history_list);
  gtk_widget_class_install_action (widget_class, "centre.retry-now", NULL,
                                   retry_now_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  /* Ctrl+R: as Sync Now in the main window. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "centre.retry-now", NULL);
}

static void
qd_sync_centre_init (QdSyncCentre *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Up to 50 notes: one Tab stop, not 50 (the arrows read them one by one). The list of
   * waiting changes keeps Tab: it moves into each row's Edit and Discard. */
  qd_keynav_tab_leaves_list (GTK_WIDGET (self->history_list));
}

/**
 * qd_sync_centre_new:
 * @parent: (nullable): the main window
 * @store: (nullable): the account's cache
 */
QdSyncCentre *
qd_sync_centre_new (GtkWindow *parent,
                    QdStore   *store)
{
  QdSyncCentre *self;

  g_return_val_if_fail (store == NULL || QD_IS_STORE (store), NULL);

  self = g_object_new (QD_TYPE_SYNC_CENTRE, "transient-for", parent, NULL);
  g_set_object (&self->store, store);
  qd_sync_centre_reload (self);
  return self;
}

guint
qd_sync_centre_get_n_items (QdSyncCentre *self)
{
  g_return_val_if_fail (QD_IS_SYNC_CENTRE (self), 0);
  return self->n_items;
}

/**
 * qd_sync_centre_get_list:
 *
 * Returns: (transfer none): the list of changes, rejected first
 */
GtkListBox *
qd_sync_centre_get_list (QdSyncCentre *self)
{
  g_return_val_if_fail (QD_IS_SYNC_CENTRE (self), NULL);
  return self->list;
}

/**
 * qd_sync_centre_get_history:
 *
 * Returns: (transfer none): the list of discarded changes (the local audit log), newest
 *   first
 */
GtkListBox *
qd_sync_centre_get_history (QdSyncCentre *self)
{
  g_return_val_if_fail (QD_IS_SYNC_CENTRE (self), NULL);
  return self->history_list;
}
