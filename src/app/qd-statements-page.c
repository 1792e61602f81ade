/* qd-statements-page.c — the Statements page (对账单): list by period, detail, confirm,
 * dispute, export and print
 *
 * The list shows every cached statement, latest period first, with its status, version
 * and closing balance. The detail shows the opening balance, every line with its running
 * balance and the closing balance. Confirm and Dispute go through the store and its outbox
 * (offline first); the brand answers on the next sync. Two answers need words for the
 * user: a `stale_version` rejection (the brand revised the statement after the user read
 * it) and a refusal to confirm while orders of that period have not reached the brand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-keynav.h"
#include "qd-money.h"
#include "qd-statement-document.h"
#include "qd-statement-line-item.h"
#include "qd-statement-line-row.h"
#include "qd-statements-page.h"

struct _QdStatementsPage
{
  AdwBin parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;  /* the bin's child, not bound */
  GtkStack *stack;
  AdwLeaflet *leaflet;
  GtkListBox *list;
  GtkStack *detail_stack;
  GtkLabel *detail_title;
  GtkLabel *detail_status;
  GtkLabel *detail_version;
  GtkLabel *detail_notice;
  GtkLabel *opening_label;
  GtkLabel *closing_label;
  GtkBox *lines_box;
  GtkListView *lines_view;

  /* owned */
  QdStore *store;
  GListStore *lines;
  GtkMultiSelection *selection;  /* the lines picked for a dispute */
  QdStatementInfo *shown;
  guint pending_orders;
};

G_DEFINE_FINAL_TYPE (QdStatementsPage, qd_statements_page, ADW_TYPE_BIN)

enum {
  SIGNAL_STATEMENT_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static const char *
statement_status_label (const char *status)
{
  if (g_strcmp0 (status, "issued") == 0)
    return _("Issued");
  if (g_strcmp0 (status, "confirmed") == 0)
    return _("Confirmed");
  if (g_strcmp0 (status, "disputed") == 0)
    return _("Disputed");
  return status != NULL ? status : "";
}

static void
set_status_chip (GtkWidget  *label,
                 const char *status)
{
  static const char * const known[] = { "issued", "confirmed", "disputed" };
  g_autofree char *css = g_strconcat ("status-", status != NULL ? status : "unknown", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_autofree char *name = g_strconcat ("status-", known[i], NULL);

      gtk_widget_remove_css_class (label, name);
    }
  gtk_widget_add_css_class (label, "status-chip");
  gtk_widget_add_css_class (label, css);
  gtk_label_set_text (GTK_LABEL (label), statement_status_label (status));
}

static void
add_toast (QdStatementsPage *self,
           const char       *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
version_text (gint64 version)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, version);

  /* Translators: the version of a statement; the brand makes a new one when it revises. */
  return g_strdup_printf (_("Version %s"), number);
}

/* ---- the list ---------------------------------------------------------------------------- */

static GtkWidget *
make_row (QdStatementInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *chip = gtk_label_new (NULL);
  g_autofree char *closing = qd_money_format (info->closing_balance_fen, 0);
  g_autofree char *version = version_text (info->version);
  g_autofree char *subtitle = NULL;

  /* Translators: under a statement's period in the list: "Version 2 · closing ¥1,234.50". */
  subtitle = g_strdup_printf (_("%s · closing %s"), version, closing);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->period);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  set_status_chip (chip, info->status);
  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), chip);
  g_object_set_data_full (G_OBJECT (row), "statement-id", g_strdup (info->id), g_free);
  return row;
}

/**
 * qd_statements_page_reload:
 *
 * Reads the statements from the store again (after a sync or an action).
 */
void
qd_statements_page_reload (QdStatementsPage *self)
{
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown_id = NULL;
  GtkWidget *child;

  g_return_if_fail (QD_IS_STATEMENTS_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  if (self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  statements = qd_store_list_statements (self->store, &error);
  if (statements == NULL)
    {
      add_toast (self, error->message);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, statements->len > 0 ? "statements" : "empty");
  for (guint i = 0; i < statements->len; i++)
    {
      QdStatementInfo *info = g_ptr_array_index (statements, i);
      GtkWidget *row = make_row (info);

      gtk_list_box_append (self->list, row);
      if (self->shown != NULL && g_strcmp0 (info->id, self->shown->id) == 0)
        gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
    }

  if (self->shown != NULL)
    {
      shown_id = g_strdup (self->shown->id);
      if (!qd_statements_page_show_statement (self, shown_id))
        gtk_stack_set_visible_child_name (self->detail_stack, "none");
    }
}

static void
row_activated_cb (QdStatementsPage *self,
                  GtkListBoxRow    *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "statement-id");

  if (id != NULL && qd_statements_page_show_statement (self, id))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
row_selected_cb (QdStatementsPage *self,
                 GtkListBoxRow    *row)
{
  const char *id = row != NULL ? g_object_get_data (G_OBJECT (row), "statement-id") : NULL;

  /* Selecting a row (a click, the arrow keys, an assistive technology's
   * Selection.SelectChild) shows its statement. */
  if (id == NULL || (self->shown != NULL && g_strcmp0 (id, self->shown->id) == 0))
    return;
  if (!qd_statements_page_show_statement (self, id))
    return;
  /* In a folded leaflet only one side is mapped, and the buttons of an unmapped detail do
   * nothing when activated: go on to the detail, as activating the row does. */
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* ---- the detail -------------------------------------------------------------------------- */

/* The latest rejected confirmation or dispute of @id still in the outbox, if any. */
static QdOutboxItem *
find_rejection (QdStatementsPage *self,
                const char       *id)
{
  g_autoptr(GPtrArray) items = qd_store_outbox_list (self->store, NULL);

  if (items == NULL)
    return NULL;
  /* Steal the match out of the array so it outlives it. */
  for (guint i = items->len; i > 0; i--)
    {
      QdOutboxItem *item = g_ptr_array_index (items, i - 1);

      if (item->state == QD_OUTBOX_REJECTED && g_strcmp0 (item->entity_id, id) == 0
          && g_str_has_prefix (item->type, "statement."))
        return g_ptr_array_steal_index (items, i - 1);
    }
  return NULL;
}

static gint64
payload_version (const char *payload)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  if (payload == NULL || !json_parser_load_from_data (parser, payload, -1, NULL))
    return -1;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return -1;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "version"))
    return -1;
  return json_object_get_int_member (object, "version");
}

static void
set_notice (QdStatementsPage *self,
            const char       *text)
{
  gtk_label_set_text (self->detail_notice, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_notice), text != NULL && *text != '\0');
}

static void
update_notice (QdStatementsPage *self)
{
  g_autoptr(QdOutboxItem) rejection = find_rejection (self, self->shown->id);
  g_autoptr(GString) notice = g_string_new (NULL);
  gboolean issued = g_strcmp0 (self->shown->status, "issued") == 0;
  g_autoptr(GError) error = NULL;

  self->pending_orders = 0;
  if (issued && !qd_store_count_pending_for_period (self->store, self->shown->period,
                                                    &self->pending_orders, &error))
    g_string_append (notice, error->message);

  if (rejection != NULL && g_strcmp0 (rejection->reject_code, "stale_version") == 0)
    {
      gint64 old_version = payload_version (rejection->payload);
      g_autofree char *old_text = g_strdup_printf ("%" G_GINT64_FORMAT, old_version);
      g_autofree char *new_text = g_strdup_printf ("%" G_GINT64_FORMAT, self->shown->version);

      /* Translators: a confirmation or dispute the server refused with stale_version. */
      g_string_append_printf (notice,
                              _("The brand revised this statement after you answered "
                                "version %s: your answer was not accepted. This is version "
                                "%s now; read it again, then confirm or dispute it."),
                              old_text, new_text);
    }
  else if (rejection != NULL)
    {
      /* Translators: the brand's reason for refusing a confirmation or a dispute. */
      g_string_append_printf (notice, _("The brand did not accept your answer: %s"),
                              rejection->reject_message != NULL ? rejection->reject_message
                                                                : rejection->reject_code);
    }

  if (self->shown->pending_mutation != NULL)
    {
      if (notice->len > 0)
        g_string_append_c (notice, '\n');
      if (g_strcmp0 (self->shown->pending_mutation, "statement.confirm") == 0)
        g_string_append (notice, _("Your confirmation is saved and will be sent when you are "
                                   "online."));
      else
        g_string_append (notice, _("Your dispute is saved and will be sent when you are "
                                   "online."));
    }
  else if (issued && self->pending_orders > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", self->pending_orders);

      if (notice->len > 0)
        g_string_append_c (notice, '\n');
      g_string_append_printf (notice,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%s order change of %s or earlier is still waiting "
                                           "to be sent, so the brand may not have it on this "
                                           "statement. Sync first, then confirm.",
                                           "%s order changes of %s or earlier are still "
                                           "waiting to be sent, so the brand may not have them "
                                           "on this statement. Sync first, then confirm.",
                                           self->pending_orders),
                              count, self->shown->period);
    }
  set_notice (self, notice->str);
}

static void
update_actions (QdStatementsPage *self)
{
  gboolean have = self->shown != NULL;
  gboolean open = have && g_strcmp0 (self->shown->status, "issued") == 0
                  && self->shown->pending_mutation == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statements.confirm", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statements.dispute", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statements.export-csv", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statements.export-pdf", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statements.print", have);
}

/**
 * qd_statements_page_show_statement:
 * @statement_id: a statement in the store
 *
 * Shows the detail of @statement_id.
 *
 * Returns: %FALSE when it is not in the store (a toast says so)
 */
gboolean
qd_statements_page_show_statement (QdStatementsPage *self,
                                   const char       *statement_id)
{
  g_autoptr(QdStatementInfo) info = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gpointer *items = NULL;
  g_autoptr(GHashTable) ticked = NULL;
  g_autofree char *title = NULL;
  g_autofree char *opening = NULL;
  g_autofree char *closing = NULL;
  g_autofree char *opening_text = NULL;
  g_autofree char *closing_text = NULL;
  g_autofree char *version = NULL;
  gsize n_lines = 0;

  g_return_val_if_fail (QD_IS_STATEMENTS_PAGE (self), FALSE);
  g_return_val_if_fail (statement_id != NULL, FALSE);

  if (self->store == NULL)
    return FALSE;
  info = qd_store_get_statement (self->store, statement_id, &lines, &error);
  if (info == NULL)
    {
      add_toast (self, error->message);
      return FALSE;
    }

  /* The list model owns the lines from here: one item each, added in one splice so a
   * 5,000-line statement costs one items-changed. */
  /* A sync that reloads the shown statement keeps the lines the user ticked. */
  if (self->shown != NULL && g_strcmp0 (self->shown->id, statement_id) == 0)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(QdStatementLineItem) old = g_list_model_get_item (G_LIST_MODEL (self->lines), i);

          if (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), i))
            {
              if (ticked == NULL)
                ticked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
              g_hash_table_add (ticked, g_strdup (qd_statement_line_item_get_info (old)->line_id));
            }
        }
    }
  g_ptr_array_set_free_func (lines, NULL);
  items = g_ptr_array_steal (lines, &n_lines);
  for (gsize i = 0; i < n_lines; i++)
    {
      QdStatementLineInfo *line = items[i];

      items[i] = qd_statement_line_item_new (line);
      if (ticked != NULL && g_hash_table_contains (ticked, line->line_id))
        qd_statement_line_item_set_selected (items[i], TRUE);
    }
  g_list_store_splice (self->lines, 0, g_list_model_get_n_items (G_LIST_MODEL (self->lines)),
                       items, n_lines);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  for (gsize i = 0; i < n_lines; i++)
    {
      if (qd_statement_line_item_get_selected (items[i]))
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, FALSE);
      g_object_unref (items[i]);
    }

  g_clear_pointer (&self->shown, qd_statement_info_free);
  self->shown = g_steal_pointer (&info);

  /* Translators: the heading of a statement's detail; %s is the period, 2026-10. */
  title = g_strdup_printf (_("Statement %s"), self->shown->period);
  gtk_label_set_text (self->detail_title, title);
  set_status_chip (GTK_WIDGET (self->detail_status), self->shown->status);
  version = version_text (self->shown->version);
  gtk_label_set_text (self->detail_version, version);
  opening = qd_money_format (self->shown->opening_balance_fen, 0);
  closing = qd_money_format (self->shown->closing_balance_fen, 0);
  opening_text = g_strdup_printf (_("Opening balance %s"), opening);
  closing_text = g_strdup_printf (_("Closing balance %s"), closing);
  gtk_label_set_text (self->opening_label, opening_text);
  gtk_label_set_text (self->closing_label, closing_text);

  update_notice (self);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  return TRUE;
}

/* ---- the lines -------------------------------------------------------------------------- */

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, qd_statement_line_row_new (FALSE));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         gpointer                  user_data)
{
  QdStatementLineItem *item = gtk_list_item_get_item (list_item);
  const QdStatementLineInfo *line = qd_statement_line_item_get_info (item);
  g_autofree char *amount = qd_money_format (line->amount_fen, 0);
  g_autofree char *balance = qd_money_format (line->running_balance_fen, 0);
  const char *texts[QD_STATEMENT_N_COLUMNS] = {
    [QD_STATEMENT_COLUMN_DATE] = line->date,
    [QD_STATEMENT_COLUMN_KIND] = qd_statement_kind_label (line->kind),
    [QD_STATEMENT_COLUMN_REF] = line->ref,
    [QD_STATEMENT_COLUMN_AMOUNT] = amount,
    [QD_STATEMENT_COLUMN_BALANCE] = balance,
    [QD_STATEMENT_COLUMN_REASON] = line->disputed_reason,
  };

  qd_statement_line_row_set_texts (QD_STATEMENT_LINE_ROW (gtk_list_item_get_child (list_item)),
                                   texts);
}

/* ---- actions ----------------------------------------------------------------------------- */

static void
changed (QdStatementsPage *self,
         const char       *toast)
{
  add_toast (self, toast);
  g_signal_emit (self, signals[SIGNAL_STATEMENT_CHANGED], 0);
  qd_statements_page_reload (self);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     QdStatementsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (g_strcmp0 (response, "confirm") != 0 || self->shown == NULL)
    return;
  id = g_strdup (self->shown->id);
  if (!qd_store_confirm_statement (self->store, id, &error))
    {
      add_toast (self, error->message);
      return;
    }
  changed (self, _("Confirmation saved — it will be sent when you are online"));
}

static GtkWindow *
parent_window (QdStatementsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
confirm_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  QdStatementsPage *self = QD_STATEMENTS_PAGE (widget);
  g_autofree char *closing = NULL;
  g_autofree char *version = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->shown == NULL || self->store == NULL)
    return;

  /* Read the outbox again: an order may have been queued since the detail was drawn. */
  update_notice (self);
  if (self->pending_orders > 0)
    {
      add_toast (self, _("Not confirmed: orders of this period are still waiting to be sent"));
      return;
    }

  closing = qd_money_format (self->shown->closing_balance_fen, 0);
  version = version_text (self->shown->version);
  /* Translators: the question before confirming a statement; %s is the period. */
  heading = g_strdup_printf (_("Confirm the Statement for %s?"), self->shown->period);
  /* Translators: %s is the closing balance, then the version ("Version 2"). */
  body = g_strdup_printf (_("You agree that your closing balance is %s (%s). The brand is "
                            "told when you are online; a confirmed statement cannot be "
                            "disputed later."), closing, version);
  dialog = adw_message_dialog_new (parent_window (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "confirm", _("C_onfirm"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reason_changed_cb (GtkEditable      *editable,
                   AdwMessageDialog *dialog)
{
  GPtrArray *entries = g_object_get_data (G_OBJECT (dialog), "entries");
  gboolean all = TRUE;

  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (g_ptr_array_index (entries, i))));

      if (*text == '\0')
        all = FALSE;
    }
  adw_message_dialog_set_response_enabled (dialog, "dispute", all);
}

static void
dispute_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     QdStatementsPage *self)
{
  GPtrArray *entries = g_object_get_data (G_OBJECT (dialog), "entries");
  g_autoptr(GArray) inputs = NULL;
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (g_strcmp0 (response, "dispute") != 0 || self->shown == NULL)
    return;

  inputs = g_array_new (FALSE, TRUE, sizeof (QdDisputeLineInput));
  for (guint i = 0; i < entries->len; i++)
    {
      GtkEditable *entry = g_ptr_array_index (entries, i);
      char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
      QdDisputeLineInput input = {
        .line_id = g_object_get_data (G_OBJECT (entry), "line-id"),
        .reason = reason,
      };

      g_ptr_array_add (reasons, reason);
      if (*reason == '\0')
        {
          add_toast (self, _("Every disputed line needs a reason"));
          return;
        }
      g_array_append_val (inputs, input);
    }

  id = g_strdup (self->shown->id);
  if (!qd_store_dispute_statement (self->store, id, (QdDisputeLineInput *) inputs->data,
                                   inputs->len, &error))
    {
      add_toast (self, error->message);
      return;
    }
  changed (self, _("Dispute saved — it will be sent when you are online"));
}

static void
dispute_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  QdStatementsPage *self = QD_STATEMENTS_PAGE (widget);
  GPtrArray *entries = g_ptr_array_new ();
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  GtkWidget *box;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));

  if (self->shown == NULL)
    {
      g_ptr_array_unref (entries);
      return;
    }

  box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (box, "boxed-list");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdStatementLineItem) item = g_list_model_get_item (G_LIST_MODEL (self->lines), i);
      const QdStatementLineInfo *line = qd_statement_line_item_get_info (item);
      g_autofree char *amount = NULL;
      g_autofree char *title = NULL;
      GtkWidget *row;

      if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), i))
        continue;
      amount = qd_money_format (line->amount_fen, 0);
      /* Translators: a disputed line in the dispute dialog: date, reference, amount. */
      title = g_strdup_printf (_("Reason for %s %s %s"), line->date,
                               line->ref != NULL ? line->ref : "", amount);
      row = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      g_object_set_data_full (G_OBJECT (row), "line-id", g_strdup (line->line_id), g_free);
      gtk_list_box_append (GTK_LIST_BOX (box), row);
      g_ptr_array_add (entries, row);
    }

  if (entries->len == 0)
    {
      g_ptr_array_unref (entries);
      g_object_ref_sink (box);
      g_object_unref (box);
      add_toast (self, _("Select the lines you disagree with first (Ctrl+click)"));
      return;
    }

  /* Translators: the heading of the dispute dialog; %s is the period. */
  heading = g_strdup_printf (_("Dispute the Statement for %s"), self->shown->period);
  dialog = adw_message_dialog_new (parent_window (self), heading,
                                   _("Say for each line what is wrong. The brand answers "
                                     "with a revised statement."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "dispute", _("_Dispute"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "dispute",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "dispute", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "entries", entries,
                          (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < entries->len; i++)
    g_signal_connect (g_ptr_array_index (entries, i), "changed",
                      G_CALLBACK (reason_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (dispute_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * qd_statements_page_export_csv:
 * @path: the file to write
 *
 * Exports the shown statement as CSV (UTF-8 with a BOM).
 */
gboolean
qd_statements_page_export_csv (QdStatementsPage  *self,
                               const char        *path,
                               GError           **error)
{
  g_autoptr(QdStatementDocument) document = NULL;

  g_return_val_if_fail (QD_IS_STATEMENTS_PAGE (self), FALSE);
  g_return_val_if_fail (self->shown != NULL, FALSE);

  document = qd_statement_document_new (self->store, self->shown->id, error);
  return document != NULL && qd_statement_document_write_csv (document, path, error);
}

/**
 * qd_statements_page_export_pdf:
 * @path: the file to write
 *
 * Exports the shown statement's printed layout as PDF.
 */
gboolean
qd_statements_page_export_pdf (QdStatementsPage  *self,
                               const char        *path,
                               GError           **error)
{
  g_autoptr(QdStatementDocument) document = NULL;

  g_return_val_if_fail (QD_IS_STATEMENTS_PAGE (self), FALSE);
  g_return_val_if_fail (self->shown != NULL, FALSE);

  document = qd_statement_document_new (self->store, self->shown->id, error);
  return document != NULL && qd_statement_document_export_pdf (document, path, error);
}

static void
save_response_cb (GtkNativeDialog  *chooser,
                  int               response,
                  QdStatementsPage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean pdf = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "pdf"));
  gboolean ok;

  if (response != GTK_RESPONSE_ACCEPT || self->shown == NULL)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL)
    goto out;
  ok = pdf ? qd_statements_page_export_pdf (self, path, &error)
           : qd_statements_page_export_csv (self, path, &error);
  if (ok)
    {
      g_autofree char *text = g_strdup_printf (_("Saved “%s”"), path);

      add_toast (self, text);
    }
  else
    add_toast (self, error->message);
out:
  g_object_unref (chooser);
}

static void
export_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QdStatementsPage *self = QD_STATEMENTS_PAGE (widget);
  gboolean pdf = g_str_equal (action_name, "statements.export-pdf");
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->shown == NULL)
    return;
  chooser = gtk_file_chooser_native_new (pdf ? _("Export Statement as PDF")
                                             : _("Export Statement as CSV"),
                                         parent_window (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  /* Translators: the suggested file name of an exported statement (no extension). */
  name = g_strdup_printf ("%s-%s.%s", _("statement"), self->shown->period, pdf ? "pdf" : "csv");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  {
    g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());

    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), home, NULL);
  }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "pdf", GINT_TO_POINTER (pdf));
  g_signal_connect_object (chooser, "response", G_CALLBACK (save_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
print_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  QdStatementsPage *self = QD_STATEMENTS_PAGE (widget);
  g_autoptr(QdStatementDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  if (self->shown == NULL)
    return;
  document = qd_statement_document_new (self->store, self->shown->id, &error);
  if (document == NULL || !qd_statement_document_print (document, parent_window (self), &error))
    add_toast (self, error->message);
}

/* ---- object ------------------------------------------------------------------------------ */

static void
qd_statements_page_dispose (GObject *object)
{
  QdStatementsPage *self = QD_STATEMENTS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_STATEMENTS_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->selection);
  g_clear_object (&self->lines);
  g_clear_pointer (&self->shown, qd_statement_info_free);

  G_OBJECT_CLASS (qd_statements_page_parent_class)->dispose (object);
}

static void
qd_statements_page_class_init (QdStatementsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_statements_page_dispose;

  /**
   * QdStatementsPage::statement-changed:
   *
   * A confirmation or dispute was queued: the window starts a sync when online.
   */
  signals[SIGNAL_STATEMENT_CHANGED] =
    g_signal_new ("statement-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-statements-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, list);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, detail_status);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, detail_version);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, detail_notice);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, opening_label);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, closing_label);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, lines_box);
  gtk_widget_class_bind_template_child (widget_class, QdStatementsPage, lines_view);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);

  gtk_widget_class_install_action (widget_class, "statements.confirm", NULL,
                                   confirm_activated_cb);
  gtk_widget_class_install_action (widget_class, "statements.dispute", NULL,
                                   dispute_activated_cb);
  gtk_widget_class_install_action (widget_class, "statements.export-csv", NULL,
                                   export_activated_cb);
  gtk_widget_class_install_action (widget_class, "statements.export-pdf", NULL,
                                   export_activated_cb);
  gtk_widget_class_install_action (widget_class, "statements.print", NULL,
                                   print_activated_cb);
  /* Keyboard: Ctrl+Return confirms (the question still comes first), as it submits on
   * the Order and Stock pages; Ctrl+P prints. Alt+D disputes, by the button's mnemonic. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "statements.confirm", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "statements.confirm", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "statements.print", NULL);
}

static void
qd_statements_page_init (QdStatementsPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The bin's own child is not bound as a template child: disposing the template would
   * unparent it behind AdwBin's back. */
  self->toast_overlay = ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self)));

  self->lines = g_list_store_new (QD_TYPE_STATEMENT_LINE_ITEM);
  /* Lines are picked for a dispute by selecting them (Ctrl+click, Shift+click, Ctrl+A):
   * a multi-selection, which keyboard and assistive technologies can drive. */
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->lines)));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  gtk_list_view_set_factory (self->lines_view, factory);
  gtk_list_view_set_model (self->lines_view, GTK_SELECTION_MODEL (self->selection));
  g_object_unref (factory);
  gtk_box_prepend (self->lines_box, qd_statement_line_row_new (TRUE));
  /* Tab leaves the lists: the list of periods selects every row the focus passes, and
   * every instantiated line is a Tab stop (see qd-keynav.c). */
  qd_keynav_tab_leaves_list (GTK_WIDGET (self->lines_view));
  qd_keynav_tab_leaves_list (GTK_WIDGET (self->list));

  update_actions (self);
}

/**
 * qd_statements_page_set_store:
 * @store: (nullable): the account's cache
 */
void
qd_statements_page_set_store (QdStatementsPage *self,
                              QdStore          *store)
{
  g_return_if_fail (QD_IS_STATEMENTS_PAGE (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  g_clear_pointer (&self->shown, qd_statement_info_free);
  g_list_store_remove_all (self->lines);
  gtk_stack_set_visible_child_name (self->detail_stack, "none");
  update_actions (self);
  qd_statements_page_reload (self);
}

const char *
qd_statements_page_get_shown_id (QdStatementsPage *self)
{
  g_return_val_if_fail (QD_IS_STATEMENTS_PAGE (self), NULL);
  return self->shown != NULL ? self->shown->id : NULL;
}

/**
 * qd_statements_page_get_lines:
 *
 * Returns: (transfer none): the shown statement's lines (#QdStatementLineItem)
 */
GListModel *
qd_statements_page_get_lines (QdStatementsPage *self)
{
  g_return_val_if_fail (QD_IS_STATEMENTS_PAGE (self), NULL);
  return G_LIST_MODEL (self->lines);
}

/**
 * qd_statements_page_get_notice:
 *
 * Returns: the notice above the shown statement ("" when there is none)
 */
const char *
qd_statements_page_get_notice (QdStatementsPage *self)
{
  g_return_val_if_fail (QD_IS_STATEMENTS_PAGE (self), NULL);
  return gtk_label_get_text (self->detail_notice);
}

/**
 * qd_statements_page_select_line:
 * @position: a line of the shown statement
 * @selected: whether it is picked for a dispute
 *
 * As Ctrl+click on the line does.
 */
void
qd_statements_page_select_line (QdStatementsPage *self,
                                guint             position,
                                gboolean          selected)
{
  g_return_if_fail (QD_IS_STATEMENTS_PAGE (self));

  if (selected)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, FALSE);
  else
    gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (self->selection), position);
}
