/* qd-orders-page.c — the Orders page (订单): list, filters, detail and actions
 *
 * The list shows the newest orders first, local ones ("not yet sent") and the server's,
 * from the store; it is read again when the page is shown and after every action. A click
 * (or Enter) opens the detail beside the list (in an AdwLeaflet, so a narrow window shows
 * one at a time), with the lines at the prices the server applied and the actions allowed
 * in the order's state. Every action goes through the store and its outbox: it works
 * offline and is sent with the next sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-money.h"
#include "qd-order-item.h"
#include "qd-orders-page.h"

/* The list keeps the newest orders only; older ones are found with the filters. */
#define MAX_ORDERS 2000

struct _QdOrdersPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack *stack;
  AdwLeaflet *leaflet;
  GtkSearchEntry *search_entry;
  GtkDropDown *status_dropdown;
  GtkEntry *from_entry;
  GtkEntry *to_entry;
  GtkColumnView *orders_view;
  GtkStack *list_stack;
  GtkLabel *count_label;
  GtkLabel *filter_error_label;
  GtkStack *detail_stack;
  GtkLabel *detail_title;
  GtkLabel *detail_status;
  GtkLabel *detail_created;
  GtkLabel *detail_notice;
  GtkLabel *detail_reason;
  GtkListBox *detail_lines;
  GtkLabel *detail_total;
  GtkLabel *detail_note;
  GtkLabel *history_heading;
  GtkListBox *detail_history;
  GtkLabel *detail_error;
  GtkButton *cancel_button;
  GtkButton *reorder_button;
  GtkButton *edit_button;

  /* owned */
  QdStore *store;
  GListStore *orders;
  QdOrderInfo *shown;
};

G_DEFINE_FINAL_TYPE (QdOrdersPage, qd_orders_page, ADW_TYPE_BIN)

enum {
  SIGNAL_REORDER,
  SIGNAL_EDIT_ORDER,
  SIGNAL_ORDER_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

/* The status filter, in the order of the drop-down; NULL is every status. */
static const char * const filter_statuses[] = {
  NULL, "queued", "submitted", "held", "approved", "shipped", "completed", "rejected",
  "cancelled",
};

typedef enum
{
  COL_NUMBER,
  COL_DATE,
  COL_LINES,
  COL_TOTAL,
  COL_STATUS,
} Column;

static gboolean
valid_date (const char *text)
{
  int y, m, d;
  g_autoptr(GDate) date = NULL;

  if (!g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text, 0, 0))
    return FALSE;
  if (sscanf (text, "%d-%d-%d", &y, &m, &d) != 3)
    return FALSE;
  return g_date_valid_dmy (d, m, y);
}

static void
set_status_chip (GtkWidget   *label,
                 const char  *status)
{
  static const char * const known[] = {
    "queued", "sending", "submitted", "held", "approved", "shipped", "completed",
    "rejected", "cancelled",
  };
  g_autofree char *css = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_autofree char *name = g_strconcat ("status-", known[i], NULL);

      gtk_widget_remove_css_class (label, name);
    }
  css = g_strconcat ("status-", status != NULL ? status : "unknown", NULL);
  gtk_widget_add_css_class (label, "status-chip");
  gtk_widget_add_css_class (label, css);
  gtk_label_set_text (GTK_LABEL (label), qd_order_status_label (status));
}

/* ---- the list -------------------------------------------------------------------------- */

static const char *
entry_date (GtkEntry *entry,
            gboolean *bad)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (*text == '\0')
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      return NULL;
    }
  if (!valid_date (text))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      *bad = TRUE;
      return NULL;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  return text;
}

/**
 * qd_orders_page_reload:
 * @self: a #QdOrdersPage
 *
 * Reads the orders again with the current filters (after a sync or an action).
 */
void
qd_orders_page_reload (QdOrdersPage *self)
{
  QdOrderQuery query = { 0 };
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  guint selected;
  gboolean bad = FALSE;
  const char *text;
  g_autofree char *label = NULL;

  g_return_if_fail (QD_IS_ORDERS_PAGE (self));

  /* Filter signals fire while the template is being built. */
  if (self->orders == NULL)
    return;
  if (self->store == NULL)
    {
      g_list_store_remove_all (self->orders);
      return;
    }

  selected = gtk_drop_down_get_selected (self->status_dropdown);
  if (selected < G_N_ELEMENTS (filter_statuses))
    query.status = filter_statuses[selected];
  query.from_date = entry_date (self->from_entry, &bad);
  query.to_date = entry_date (self->to_entry, &bad);
  text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  query.text = *text != '\0' ? text : NULL;
  query.limit = MAX_ORDERS;

  if (bad)
    {
      gtk_label_set_text (self->filter_error_label,
                          _("Write dates as year-month-day, for example 2026-11-01."));
      gtk_widget_set_visible (GTK_WIDGET (self->filter_error_label), TRUE);
      return;
    }

  list = qd_store_list_orders (self->store, &query, &error);
  if (list == NULL)
    {
      gtk_label_set_text (self->filter_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->filter_error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->filter_error_label), FALSE);

  items = g_ptr_array_new_with_free_func (g_object_unref);
  /* The store's array owns the infos; the items take them over one by one. */
  g_ptr_array_set_free_func (list, NULL);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (items, qd_order_item_new (g_ptr_array_index (list, i)));
  g_list_store_splice (self->orders, 0, g_list_model_get_n_items (G_LIST_MODEL (self->orders)),
                       items->pdata, items->len);

  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u order", "%u orders", items->len),
                           items->len);
  gtk_label_set_text (self->count_label, label);
  /* An empty list says why: nothing ordered yet, or filters that match nothing (with the
   * way out). */
  if (items->len > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else if (query.status != NULL || query.from_date != NULL || query.to_date != NULL
           || query.text != NULL)
    gtk_stack_set_visible_child_name (self->list_stack, "no-match");
  else
    gtk_stack_set_visible_child_name (self->list_stack, "no-orders");
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), items->len > 0);

  /* Keep the detail in step: the order shown may have changed status. */
  if (self->shown != NULL)
    {
      g_autofree char *id = g_strdup (self->shown->id);

      if (!qd_orders_page_show_order (self, id))
        {
          g_clear_pointer (&self->shown, qd_order_info_free);
          gtk_stack_set_visible_child_name (self->detail_stack, "none");
        }
    }
}

static void
filter_changed_cb (QdOrdersPage *self)
{
  qd_orders_page_reload (self);
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), column == COL_LINES || column == COL_TOTAL ? 1 : 0);
  if (column == COL_LINES || column == COL_TOTAL)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COL_STATUS)
    gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_list_item_get_child (item);
  const QdOrderInfo *info = qd_order_item_get_info (gtk_list_item_get_item (item));
  g_autofree char *owned = NULL;

  switch (column)
    {
    case COL_NUMBER:
      if (info->number != NULL)
        {
          gtk_label_set_text (GTK_LABEL (label), info->number);
          gtk_widget_remove_css_class (label, "dim-label");
        }
      else
        {
          /* Translators: in the order number column, for an order the server has not got yet. */
          gtk_label_set_text (GTK_LABEL (label), _("not yet sent"));
          gtk_widget_add_css_class (label, "dim-label");
        }
      break;
    case COL_DATE:
      owned = qd_order_format_created (info->created_at);
      gtk_label_set_text (GTK_LABEL (label), owned);
      break;
    case COL_LINES:
      owned = g_strdup_printf ("%u", info->n_lines);
      gtk_label_set_text (GTK_LABEL (label), owned);
      break;
    case COL_TOTAL:
      owned = qd_money_format (info->total_fen, QD_MONEY_FORMAT_DEFAULT);
      gtk_label_set_text (GTK_LABEL (label), owned);
      break;
    case COL_STATUS:
      set_status_chip (label, info->status);
      break;
    }
}

static void
add_column (QdOrdersPage *self,
            Column        column,
            const char   *title,
            gboolean      expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (self->orders_view, col);
  g_object_unref (col);
}

/* ---- the detail ------------------------------------------------------------------------ */

/* The server's rejection messages are English sentences for developers; dealers get the
 * reason in their language, by code (PROTOCOL.md), with the server's words kept after it
 * for support. NULL for a code we do not know. */
static const char *
rejection_text (const char *code)
{
  static const struct { const char *code; const char *text; } reasons[] = {
    { "credit_limit_exceeded", N_("Your available credit is not enough for this order. Pay "
                                  "what is due or make the order smaller, then edit and "
                                  "resubmit it.") },
    { "invalid_qty", N_("A quantity is not allowed: it must be a whole number of packs and "
                        "not above the line maximum.") },
    { "unknown_product", N_("A product of this order is not in your price list (any more).") },
    { "product_inactive", N_("A product of this order is no longer sold.") },
    { "empty_order", N_("The order has no lines.") },
    { "invalid_state", N_("The order can no longer be changed in its current state.") },
    { "forbidden", N_("Your account may not do this.") },
    { "not_found", N_("The brand does not know this order.") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (g_strcmp0 (code, reasons[i].code) == 0)
      return _(reasons[i].text);
  return NULL;
}

static GtkWidget *
detail_line_row (QdOrderLineInfo *line,
                 gboolean         priced)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (line->name != NULL ? line->name : line->product_id);
  GtkWidget *sub;
  GtkWidget *amount;
  g_autofree char *sub_text = NULL;
  g_autofree char *price = qd_money_format (line->unit_price_fen, QD_MONEY_FORMAT_DEFAULT);
  g_autofree char *total = qd_money_format (line->total_fen, QD_MONEY_FORMAT_DEFAULT);
  g_autofree char *qty = g_strdup_printf ("%" G_GINT64_FORMAT, line->qty);

  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_box_append (GTK_BOX (text), name);
  /* Translators: under an order line: SKU · spec · quantity unit × unit price. */
  sub_text = g_strdup_printf (_("%s · %s · %s %s × %s"),
                              line->sku != NULL ? line->sku : "—",
                              line->spec != NULL ? line->spec : "",
                              qty, line->unit != NULL ? line->unit : "", price);
  sub = gtk_label_new (sub_text);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_widget_add_css_class (sub, "caption");
  gtk_box_append (GTK_BOX (text), sub);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);
  amount = gtk_label_new (total);
  gtk_widget_add_css_class (amount, "numeric");
  gtk_box_append (GTK_BOX (row), amount);
  (void) priced;
  return row;
}

static void
set_optional_label (GtkLabel   *label,
                    const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

/* One step of the status history: a dot on the timeline (filled for the current step),
 * the step in words and when. */
static GtkWidget *
history_row (const QdOrderEvent *event,
             gboolean            current)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *dot = gtk_image_new_from_icon_name (current ? "media-record-symbolic"
                                                         : "object-select-symbolic");
  g_autofree char *when = qd_order_event_time (event);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), qd_order_event_label (event));
  adw_action_row_set_subtitle (row, when);
  gtk_widget_add_css_class (dot, current ? "accent" : "dim-label");
  adw_action_row_add_prefix (row, dot);
  gtk_widget_add_css_class (GTK_WIDGET (row), "status-step");
  return GTK_WIDGET (row);
}

static void
show_history (QdOrdersPage *self,
              const char   *order_id)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->detail_history))) != NULL)
    gtk_list_box_remove (self->detail_history, child);

  events = qd_store_list_order_history (self->store, order_id, &error);
  if (events == NULL)
    {
      /* The rest of the detail is still worth showing. */
      set_optional_label (self->detail_error, error->message);
      events = g_ptr_array_new ();
    }
  /* Oldest first, read downwards like a timeline; the current step is marked. */
  for (guint i = 0; i < events->len; i++)
    gtk_list_box_append (self->detail_history,
                         history_row (g_ptr_array_index (events, i), i + 1 == events->len));
  gtk_widget_set_visible (GTK_WIDGET (self->history_heading), events->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_history), events->len > 0);
}

/**
 * qd_orders_page_show_order:
 * @self: a #QdOrdersPage
 * @order_id: an order in the cache
 *
 * Shows the detail of @order_id.
 *
 * Returns: %TRUE when the order exists
 */
gboolean
qd_orders_page_show_order (QdOrdersPage *self,
                           const char   *order_id)
{
  g_autoptr(QdOrderInfo) info = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;
  g_autofree char *created_text = NULL;
  g_autofree char *total = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *reason = NULL;
  gboolean local;
  gboolean can_cancel;
  GtkWidget *child;

  g_return_val_if_fail (QD_IS_ORDERS_PAGE (self), FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);

  if (self->store == NULL)
    return FALSE;
  info = qd_store_get_order (self->store, order_id, &lines, &error);
  if (info == NULL)
    return FALSE;

  local = info->number == NULL;
  gtk_label_set_text (self->detail_title,
                      info->number != NULL ? info->number : _("Order not yet sent"));
  set_status_chip (GTK_WIDGET (self->detail_status), info->status);
  created = qd_order_format_created (info->created_at);
  /* Translators: %s is a date and time. */
  created_text = g_strdup_printf (_("Created %s"), created);
  if (info->requested_date != NULL && *info->requested_date != '\0')
    {
      g_autofree char *tmp = created_text;

      /* Translators: appended to "Created …"; %s is the requested delivery date. */
      created_text = g_strdup_printf (_("%s · delivery requested for %s"), tmp,
                                      info->requested_date);
    }
  gtk_label_set_text (self->detail_created, created_text);

  /* What the dealer has to know first: not sent, re-priced, held, a pending cancel. */
  if (g_strcmp0 (info->status, "queued") == 0 || g_strcmp0 (info->status, "sending") == 0)
    notice = g_strdup (_("Saved on this computer. It will be sent to the brand with the next "
                         "sync; the brand’s prices and order number come back then."));
  else if (g_strcmp0 (info->pending_mutation, "order.cancel") == 0)
    notice = g_strdup (_("Cancellation saved on this computer; it will be sent with the next "
                         "sync."));
  else if (g_strcmp0 (info->pending_mutation, "order.submit") == 0)
    notice = g_strdup (_("Changes saved on this computer; the order will be sent again with "
                         "the next sync."));
  else if (info->repriced)
    notice = g_strdup (_("The brand re-priced this order: the prices below are the ones it "
                         "applied, and the total differs from what the cart showed."));
  set_optional_label (self->detail_notice, notice);

  if (g_strcmp0 (info->status, "rejected") == 0)
    {
      const char *known = rejection_text (info->reject_code);
      const char *server = info->reject_message != NULL ? info->reject_message
                                                        : info->reject_code;

      if (known != NULL && server != NULL)
        /* Translators: the reason in words, then the server's own message. */
        reason = g_strdup_printf (_("Rejected by the brand: %s\n(%s)"), known, server);
      else
        /* Translators: %s is the reason. */
        reason = g_strdup_printf (_("Rejected by the brand: %s"),
                                  known != NULL ? known
                                  : server != NULL ? server : _("no reason given"));
    }
  else if (g_strcmp0 (info->status, "held") == 0 && info->held_reason != NULL)
    /* Translators: %s is the brand's reason for holding an order for review. */
    reason = g_strdup_printf (_("Held for review by your sales manager: %s"), info->held_reason);
  set_optional_label (self->detail_reason, reason);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->detail_lines))) != NULL)
    gtk_list_box_remove (self->detail_lines, child);
  for (guint i = 0; lines != NULL && i < lines->len; i++)
    gtk_list_box_append (self->detail_lines,
                         detail_line_row (g_ptr_array_index (lines, i), !local));

  total = qd_money_format (info->total_fen, QD_MONEY_FORMAT_DEFAULT);
  gtk_label_set_text (self->detail_total, total);
  if (info->note != NULL && *info->note != '\0')
    {
      g_autofree char *note = g_strdup_printf (_("Note: %s"), info->note);

      set_optional_label (self->detail_note, note);
    }
  else
    set_optional_label (self->detail_note, NULL);
  set_optional_label (self->detail_error, NULL);
  show_history (self, info->id);

  can_cancel = info->pending_mutation == NULL
               && (g_strcmp0 (info->status, "queued") == 0
                   || g_strcmp0 (info->status, "submitted") == 0
                   || g_strcmp0 (info->status, "held") == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), can_cancel);
  gtk_widget_set_visible (GTK_WIDGET (self->edit_button),
                          g_strcmp0 (info->status, "rejected") == 0 && info->is_local);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reorder_button), lines != NULL && lines->len > 0);

  g_clear_pointer (&self->shown, qd_order_info_free);
  self->shown = g_steal_pointer (&info);
  gtk_stack_set_visible_child_name (self->detail_stack, "order");
  return TRUE;
}

static void
orders_activate_cb (QdOrdersPage *self,
                    guint         position)
{
  g_autoptr(QdOrderItem) item = g_list_model_get_item (G_LIST_MODEL (self->orders), position);

  if (item == NULL)
    return;
  qd_orders_page_show_order (self, qd_order_item_get_id (item));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
selection_changed_cb (GtkSelectionModel *selection,
                      guint              position,
                      guint              n_items,
                      QdOrdersPage      *self)
{
  QdOrderItem *item = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));

  if (item != NULL && (self->shown == NULL
                       || g_strcmp0 (self->shown->id, qd_order_item_get_id (item)) != 0))
    qd_orders_page_show_order (self, qd_order_item_get_id (item));
}

/* ---- actions --------------------------------------------------------------------------- */

/**
 * qd_orders_page_cancel_now:
 * @self: a #QdOrdersPage
 * @reason: why, for the brand
 * @error: return location for a #GError
 *
 * Cancels the order shown, without asking (the Cancel button asks first).
 *
 * Returns: %TRUE when the cancellation was saved
 */
gboolean
qd_orders_page_cancel_now (QdOrdersPage *self,
                           const char   *reason,
                           GError      **error)
{
  g_autofree char *id = NULL;
  gboolean was_local;

  g_return_val_if_fail (QD_IS_ORDERS_PAGE (self), FALSE);

  if (self->shown == NULL || self->store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No order is selected."));
      return FALSE;
    }
  id = g_strdup (self->shown->id);
  was_local = g_strcmp0 (self->shown->status, "queued") == 0;
  if (!qd_store_cancel_order (self->store, id, reason, error))
    return FALSE;

  qd_orders_page_add_toast (self, was_local
                            ? _("Order removed — it had not been sent yet")
                            : _("Cancellation saved — it will be sent when you are online"));
  qd_orders_page_reload (self);
  g_signal_emit (self, signals[SIGNAL_ORDER_CHANGED], 0, id);
  return TRUE;
}

static void
cancel_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    QdOrdersPage     *self)
{
  GtkEditable *reason_entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autoptr(GError) error = NULL;
  const char *reason;

  if (g_strcmp0 (response, "cancel-order") != 0)
    return;
  reason = gtk_editable_get_text (reason_entry);
  if (!qd_orders_page_cancel_now (self, *reason != '\0' ? reason : NULL, &error))
    set_optional_label (self->detail_error, error->message);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  QdOrdersPage *self = QD_ORDERS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;
  GtkWidget *entry;
  g_autofree char *body = NULL;
  g_autofree char *total = NULL;

  if (self->shown == NULL)
    return;

  total = qd_money_format (self->shown->total_fen, QD_MONEY_FORMAT_DEFAULT);
  /* Translators: %s is the order number (or "not yet sent"), then its total. */
  body = g_strdup_printf (_("Order %s, total %s. The brand is told with the next sync; an "
                            "order it has already approved can no longer be cancelled."),
                          self->shown->number != NULL ? self->shown->number : _("not yet sent"),
                          total);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Cancel This Order?"), body);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason for cancelling"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Order"),
                                    "cancel-order", _("C_ancel Order"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-order",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reorder_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  QdOrdersPage *self = QD_ORDERS_PAGE (widget);

  if (self->shown != NULL)
    g_signal_emit (self, signals[SIGNAL_REORDER], 0, self->shown->id);
}

static void
edit_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  QdOrdersPage *self = QD_ORDERS_PAGE (widget);

  if (self->shown != NULL)
    g_signal_emit (self, signals[SIGNAL_EDIT_ORDER], 0, self->shown->id);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  adw_leaflet_navigate (QD_ORDERS_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
focus_search_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (QD_ORDERS_PAGE (widget)->search_entry));
}

static void
clear_filters_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  qd_orders_page_set_filter (QD_ORDERS_PAGE (widget), NULL, NULL, NULL, NULL);
}

static void
page_mapped_cb (QdOrdersPage *self)
{
  qd_orders_page_reload (self);
}

static void
qd_orders_page_dispose (GObject *object)
{
  QdOrdersPage *self = QD_ORDERS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_ORDERS_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->orders);
  g_clear_pointer (&self->shown, qd_order_info_free);

  G_OBJECT_CLASS (qd_orders_page_parent_class)->dispose (object);
}

static void
qd_orders_page_class_init (QdOrdersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_orders_page_dispose;

  /**
   * QdOrdersPage::reorder:
   * @order_id: the order whose lines go into the cart
   */
  signals[SIGNAL_REORDER] =
    g_signal_new ("reorder", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * QdOrdersPage::edit-order:
   * @order_id: a rejected order to edit in the cart and resubmit
   */
  signals[SIGNAL_EDIT_ORDER] =
    g_signal_new ("edit-order", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * QdOrdersPage::order-changed:
   * @order_id: an order the user changed here (cancelled): the outbox has a new row
   */
  signals[SIGNAL_ORDER_CHANGED] =
    g_signal_new ("order-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-orders-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, orders_view);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, filter_error_label);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_status);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_created);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_notice);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_reason);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_lines);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_total);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_note);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, history_heading);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_history);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, detail_error);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, reorder_button);
  gtk_widget_class_bind_template_child (widget_class, QdOrdersPage, edit_button);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, orders_activate_cb);

  gtk_widget_class_install_action (widget_class, "orders.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "orders.reorder", NULL, reorder_activated);
  gtk_widget_class_install_action (widget_class, "orders.edit", NULL, edit_activated);
  gtk_widget_class_install_action (widget_class, "orders.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "orders.clear-filters", NULL,
                                   clear_filters_activated);
  gtk_widget_class_install_action (widget_class, "orders.focus-search", NULL,
                                   focus_search_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "orders.focus-search", NULL);
}

static void
qd_orders_page_init (QdOrdersPage *self)
{
  g_autoptr(GtkSingleSelection) selection = NULL;
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (statuses, _("All statuses"));
  for (guint i = 1; i < G_N_ELEMENTS (filter_statuses); i++)
    gtk_string_list_append (statuses, qd_order_status_label (filter_statuses[i]));
  gtk_drop_down_set_model (self->status_dropdown, G_LIST_MODEL (statuses));
  gtk_drop_down_set_selected (self->status_dropdown, 0);

  self->orders = g_list_store_new (QD_TYPE_ORDER_ITEM);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->orders)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  g_signal_connect (selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->orders_view, GTK_SELECTION_MODEL (selection));

  add_column (self, COL_NUMBER, _("Number"), TRUE);
  add_column (self, COL_DATE, _("Date"), FALSE);
  add_column (self, COL_LINES, _("Lines"), FALSE);
  add_column (self, COL_TOTAL, _("Total"), FALSE);
  add_column (self, COL_STATUS, _("Status"), FALSE);

  g_signal_connect_swapped (self, "map", G_CALLBACK (page_mapped_cb), self);
}

/**
 * qd_orders_page_set_store:
 * @self: a #QdOrdersPage
 * @store: (nullable): the account's cache, or %NULL when nobody is signed in
 */
void
qd_orders_page_set_store (QdOrdersPage *self,
                          QdStore      *store)
{
  g_return_if_fail (QD_IS_ORDERS_PAGE (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  g_clear_pointer (&self->shown, qd_order_info_free);
  gtk_stack_set_visible_child_name (self->detail_stack, "none");
  gtk_stack_set_visible_child_name (self->stack, store != NULL ? "orders" : "empty");
  /* Read when shown (page_mapped_cb), not at start-up: the Order page comes first. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || store == NULL)
    qd_orders_page_reload (self);
}

GListModel *
qd_orders_page_get_model (QdOrdersPage *self)
{
  g_return_val_if_fail (QD_IS_ORDERS_PAGE (self), NULL);
  return G_LIST_MODEL (self->orders);
}

/* Which the list shows: "list", "no-orders" or "no-match". */
const char *
qd_orders_page_get_list_state (QdOrdersPage *self)
{
  g_return_val_if_fail (QD_IS_ORDERS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->list_stack);
}

const char *
qd_orders_page_get_shown_id (QdOrdersPage *self)
{
  g_return_val_if_fail (QD_IS_ORDERS_PAGE (self), NULL);
  return self->shown != NULL ? self->shown->id : NULL;
}

/**
 * qd_orders_page_set_filter:
 * @status: (nullable): a status of the filter list, or %NULL for all
 * @from_date: (nullable): YYYY-MM-DD
 * @to_date: (nullable): YYYY-MM-DD
 * @text: (nullable): an order number or a product's SKU or name
 */
void
qd_orders_page_set_filter (QdOrdersPage *self,
                           const char   *status,
                           const char   *from_date,
                           const char   *to_date,
                           const char   *text)
{
  guint selected = 0;

  g_return_if_fail (QD_IS_ORDERS_PAGE (self));

  for (guint i = 1; i < G_N_ELEMENTS (filter_statuses); i++)
    if (g_strcmp0 (status, filter_statuses[i]) == 0)
      selected = i;
  gtk_drop_down_set_selected (self->status_dropdown, selected);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from_date != NULL ? from_date : "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to_date != NULL ? to_date : "");
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  qd_orders_page_reload (self);
}

void
qd_orders_page_add_toast (QdOrdersPage *self,
                          const char   *title)
{
  g_return_if_fail (QD_IS_ORDERS_PAGE (self));

  /* The toast overlay is the page's child; it is not bound as a template child because
   * AdwBin unparents its child itself in dispose. */
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))),
                               adw_toast_new (title));
}
