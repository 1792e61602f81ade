/* qd-stock-page.c — the Stock page (库存): a stock report grid, CSV import, history
 *
 * The grid starts with the products the dealer carries (ordered before, or in the last
 * report, with that report's lots), and more are added by search. A lot-tracked product
 * takes one row per lot, each with lot number and expiry date; lots expiring within 90 days
 * of the stock date are highlighted and expired ones flagged. Rows whose quantity is left
 * empty are not reported. Submitting checks every row, lists every problem, and saves the
 * report with its outbox row in one transaction: it is sent with the next sync.
 *
 * A CSV import is previewed first (qd-stock-import.c): the good lines, and every bad line
 * with line, column and reason; only when the user accepts do the lines replace the grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-app-error.h"
#include "qd-csv.h"
#include "qd-order-item.h"
#include "qd-stock-page.h"
#include "qd-stock-row.h"

/* More rows than any dealer carries; the search adds the rest. */
#define MAX_CARRIED 5000

struct _QdStockPage
{
  AdwBin parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;  /* the bin's child, not bound */
  GtkStack *stack;
  GtkEntry *as_of_entry;
  GtkSearchEntry *add_entry;
  GtkRevealer *results_revealer;
  GtkListBox *results_list;
  GtkColumnView *grid;
  GtkListBox *history_list;
  GtkLabel *message_label;
  GtkLabel *summary_label;

  /* owned */
  QdStore *store;
  GListStore *rows;
  char *as_of;               /* normalized YYYY-MM-DD, or NULL while the entry is invalid */
};

G_DEFINE_FINAL_TYPE (QdStockPage, qd_stock_page, ADW_TYPE_BIN)

enum {
  SIGNAL_REPORT_QUEUED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

typedef enum
{
  COL_SKU,
  COL_NAME,
  COL_LOT,
  COL_EXPIRY,
  COL_QTY,
  COL_FLAG,
  COL_ACTIONS,
} Column;

static void
add_toast (QdStockPage *self,
           const char  *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
set_message (QdStockPage *self,
             const char  *text)
{
  gtk_label_set_text (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL && *text != '\0');
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/**
 * qd_stock_expiry_days:
 * @as_of: YYYY-MM-DD
 * @expiry: YYYY-MM-DD
 *
 * Returns: days from @as_of to @expiry (negative when expired), or G_MAXINT when either
 *   is not a date
 */
int
qd_stock_expiry_days (const char *as_of,
                      const char *expiry)
{
  int y1, m1, d1, y2, m2, d2;

  if (as_of == NULL || expiry == NULL
      || sscanf (as_of, "%4d-%2d-%2d", &y1, &m1, &d1) != 3
      || sscanf (expiry, "%4d-%2d-%2d", &y2, &m2, &d2) != 3
      || !g_date_valid_dmy (d1, m1, y1) || !g_date_valid_dmy (d2, m2, y2))
    return G_MAXINT;
  {
    GDate a, b;

    g_date_clear (&a, 1);
    g_date_clear (&b, 1);
    g_date_set_dmy (&a, d1, m1, y1);
    g_date_set_dmy (&b, d2, m2, y2);
    return g_date_days_between (&a, &b);
  }
}

static void
update_summary (QdStockPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  guint filled = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdStockRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (*qd_stock_row_get_qty_text (row) != '\0')
        filled++;
    }
  /* Translators: below the stock grid: rows with a quantity, of all rows. */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u row counted",
                                       "%u of %u rows counted", n), filled, n);
  gtk_label_set_text (self->summary_label, text);
}

/* ---- history ----------------------------------------------------------------------------- */

/**
 * qd_stock_page_reload_history:
 *
 * Reads the past reports again (after a sync), leaving the grid being edited alone.
 */
void
qd_stock_page_reload_history (QdStockPage *self)
{
  g_autoptr(GPtrArray) reports = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  if (self->store == NULL)
    return;
  reports = qd_store_list_stock_reports (self->store, NULL);
  if (reports == NULL)
    return;
  for (guint i = 0; i < reports->len && i < 200; i++)
    {
      QdStockReportInfo *info = g_ptr_array_index (reports, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *chip = gtk_label_new (qd_order_status_label (info->status));
      g_autofree char *css = g_strconcat ("status-", info->status, NULL);
      g_autofree char *subtitle = NULL;
      g_autofree char *qty = g_strdup_printf ("%" G_GINT64_FORMAT, info->total_qty);

      /* Translators: a past stock report: its lines and the units counted. */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u line · %s units",
                                               "%u lines · %s units", info->n_lines),
                                  info->n_lines, qty);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->as_of);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_add_css_class (chip, "status-chip");
      gtk_widget_add_css_class (chip, css);
      gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), chip);
      if (info->reject_message != NULL)
        gtk_widget_set_tooltip_text (row, info->reject_message);
      g_object_set_data_full (G_OBJECT (row), "report-id", g_strdup (info->id), g_free);
      gtk_list_box_append (self->history_list, row);
    }
}

static void
history_activated_cb (QdStockPage   *self,
                      GtkListBoxRow *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "report-id");
  g_autoptr(GError) error = NULL;

  if (id != NULL && !qd_stock_page_load_report (self, id, &error))
    add_toast (self, error->message);
}

/* ---- the grid ------------------------------------------------------------------------------ */

static void
row_changed_cb (QdStockPage *self)
{
  update_summary (self);
}

static void
append_row (QdStockPage *self,
            QdStockRow  *row)
{
  g_signal_connect_object (row, "notify::qty-text", G_CALLBACK (row_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_list_store_append (self->rows, row);
}

static void
set_rows (QdStockPage *self,
          GPtrArray   *rows)
{
  for (guint i = 0; i < rows->len; i++)
    g_signal_connect_object (g_ptr_array_index (rows, i), "notify::qty-text",
                             G_CALLBACK (row_changed_cb), self, G_CONNECT_SWAPPED);
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
  update_summary (self);
}

/**
 * qd_stock_page_reload:
 *
 * Starts a new report: a row for each product the dealer carries (one per lot of the last
 * report for lot-tracked ones), quantities empty; and reads the history again.
 */
void
qd_stock_page_reload (QdStockPage *self)
{
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GPtrArray) last_lines = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (QD_IS_STOCK_PAGE (self));

  set_message (self, NULL);
  qd_stock_page_reload_history (self);
  gtk_stack_set_visible_child_name (self->stack, self->store != NULL ? "report" : "empty");
  if (self->store == NULL)
    {
      g_list_store_remove_all (self->rows);
      update_summary (self);
      return;
    }

  products = qd_store_list_carried_products (self->store, MAX_CARRIED, &error);
  if (products == NULL)
    {
      add_toast (self, error->message);
      return;
    }
  reports = qd_store_list_stock_reports (self->store, NULL);
  if (reports != NULL && reports->len > 0)
    {
      QdStockReportInfo *last = g_ptr_array_index (reports, 0);
      g_autoptr(QdStockReportInfo) info = qd_store_get_stock_report (self->store, last->id,
                                                                     &last_lines, NULL);
    }

  for (guint i = 0; i < products->len; i++)
    {
      QdProductInfo *product = g_ptr_array_index (products, i);
      guint lots = 0;

      if (product->lot_tracked && last_lines != NULL)
        for (guint j = 0; j < last_lines->len; j++)
          {
            QdStockLineInfo *line = g_ptr_array_index (last_lines, j);
            QdStockRow *row;

            if (g_strcmp0 (line->product_id, product->id) != 0 || line->lot == NULL)
              continue;
            row = qd_stock_row_new_for_product (product);
            qd_stock_row_set_lot (row, line->lot);
            qd_stock_row_set_expiry (row, line->expiry);
            g_ptr_array_add (rows, row);
            lots++;
          }
      if (lots == 0)
        g_ptr_array_add (rows, qd_stock_row_new_for_product (product));
    }
  set_rows (self, rows);
}

static void
entry_changed_cb (GtkEditable *editable,
                  QdStockRow  *row)
{
  const char *prop = g_object_get_data (G_OBJECT (editable), "prop");

  g_object_set (row, prop, gtk_editable_get_text (editable), NULL);
}

static void
update_flag (GtkLabel    *label,
             QdStockRow  *row,
             QdStockPage *self)
{
  int days = qd_stock_expiry_days (self->as_of, qd_stock_row_get_expiry (row));

  gtk_widget_remove_css_class (GTK_WIDGET (label), "lot-expiring");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "lot-expired");
  if (days == G_MAXINT)
    gtk_label_set_text (label, "");
  else if (days < 0)
    {
      gtk_label_set_text (label, _("Expired"));
      gtk_widget_add_css_class (GTK_WIDGET (label), "lot-expired");
    }
  else if (days <= QD_STOCK_EXPIRY_WARN_DAYS)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Expires in %d day",
                                                            "Expires in %d days", days),
                                               days);

      gtk_label_set_text (label, text);
      gtk_widget_add_css_class (GTK_WIDGET (label), "lot-expiring");
    }
  else
    gtk_label_set_text (label, "");
}

static void
flag_row_changed_cb (QdStockRow *row,
                     GParamSpec *pspec,
                     GtkLabel   *label)
{
  QdStockPage *self = g_object_get_data (G_OBJECT (label), "page");

  update_flag (label, row, self);
}

static void
add_lot_clicked_cb (GtkButton   *button,
                    GtkListItem *list_item)
{
  QdStockPage *self = g_object_get_data (G_OBJECT (button), "page");

  qd_stock_page_add_lot (self, gtk_list_item_get_position (list_item));
}

static void
remove_clicked_cb (GtkButton   *button,
                   GtkListItem *list_item)
{
  QdStockPage *self = g_object_get_data (G_OBJECT (button), "page");
  guint position = gtk_list_item_get_position (list_item);

  if (position != GTK_INVALID_LIST_POSITION)
    g_list_store_remove (self->rows, position);
  update_summary (self);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          QdStockPage              *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *child;

  switch (column)
    {
    case COL_SKU:
    case COL_NAME:
    case COL_FLAG:
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      if (column != COL_FLAG)
        gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      g_object_set_data (G_OBJECT (child), "page", self);
      break;
    case COL_LOT:
    case COL_EXPIRY:
    case COL_QTY:
      child = gtk_entry_new ();
      gtk_editable_set_width_chars (GTK_EDITABLE (child), column == COL_QTY ? 5 : 8);
      if (column == COL_QTY)
        gtk_entry_set_input_purpose (GTK_ENTRY (child), GTK_INPUT_PURPOSE_DIGITS);
      if (column == COL_EXPIRY)
        gtk_entry_set_placeholder_text (GTK_ENTRY (child), "YYYY-MM-DD");
      g_object_set_data (G_OBJECT (child), "prop",
                         column == COL_LOT ? "lot" : column == COL_EXPIRY ? "expiry" : "qty-text");
      break;
    case COL_ACTIONS:
    default:
      {
        GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
        GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

        child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 3);
        gtk_widget_add_css_class (add, "flat");
        gtk_widget_add_css_class (remove, "flat");
        gtk_widget_set_tooltip_text (add, _("Add another lot"));
        gtk_widget_set_tooltip_text (remove, _("Remove this row"));
        g_object_set_data (G_OBJECT (add), "page", self);
        g_object_set_data (G_OBJECT (remove), "page", self);
        g_signal_connect (add, "clicked", G_CALLBACK (add_lot_clicked_cb), list_item);
        g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), list_item);
        gtk_box_append (GTK_BOX (child), add);
        gtk_box_append (GTK_BOX (child), remove);
      }
      break;
    }
  gtk_list_item_set_child (list_item, child);
}

static void
name_widget (GtkWidget *widget,
             char      *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  g_free (name);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         QdStockPage              *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  QdStockRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  gboolean lot = qd_stock_row_get_lot_tracked (row);

  switch (column)
    {
    case COL_SKU:
      gtk_label_set_text (GTK_LABEL (child), qd_stock_row_get_sku (row));
      break;
    case COL_NAME:
      gtk_label_set_text (GTK_LABEL (child), qd_stock_row_get_name (row));
      break;
    case COL_FLAG:
      update_flag (GTK_LABEL (child), row, self);
      g_signal_connect (row, "notify::expiry", G_CALLBACK (flag_row_changed_cb), child);
      break;
    case COL_LOT:
    case COL_EXPIRY:
    case COL_QTY:
      {
        const char *prop = g_object_get_data (G_OBJECT (child), "prop");
        g_autofree char *text = NULL;

        g_object_get (row, prop, &text, NULL);
        gtk_editable_set_text (GTK_EDITABLE (child), text);
        g_signal_connect (child, "changed", G_CALLBACK (entry_changed_cb), row);
        if (column != COL_QTY)
          {
            gtk_widget_set_visible (child, lot);
            /* Translators: accessible names of the grid's entries; %s: product, lot. */
            if (column == COL_LOT)
              name_widget (child, g_strdup_printf (_("Lot of %s %s"), qd_stock_row_get_name (row),
                                                   qd_stock_row_get_lot (row)));
            else
              name_widget (child, g_strdup_printf (_("Expiry of %s %s"),
                                                   qd_stock_row_get_name (row),
                                                   qd_stock_row_get_lot (row)));
          }
        else
          name_widget (child, g_strdup_printf (_("Quantity of %s %s"),
                                               qd_stock_row_get_name (row),
                                               qd_stock_row_get_lot (row)));
      }
      break;
    case COL_ACTIONS:
      {
        GtkWidget *add = gtk_widget_get_first_child (child);
        GtkWidget *remove = gtk_widget_get_next_sibling (add);

        gtk_widget_set_visible (add, lot);
        name_widget (add, g_strdup_printf (_("Add another lot of %s"),
                                           qd_stock_row_get_name (row)));
        name_widget (remove, g_strdup_printf (_("Remove the row of %s %s"),
                                              qd_stock_row_get_name (row),
                                              qd_stock_row_get_lot (row)));
      }
      break;
    }
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           QdStockPage              *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  QdStockRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (column == COL_FLAG)
    g_signal_handlers_disconnect_by_func (row, flag_row_changed_cb, child);
  else if (column == COL_LOT || column == COL_EXPIRY || column == COL_QTY)
    g_signal_handlers_disconnect_by_func (child, entry_changed_cb, row);
}

static void
add_column (QdStockPage *self,
            Column       column,
            const char  *title,
            int          fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  col = gtk_column_view_column_new (title, factory);
  /* Fixed widths for the codes, dates and numbers; the product name takes the rest. */
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  else
    gtk_column_view_column_set_expand (col, TRUE);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (self->grid, col);
  g_object_unref (col);
}

/**
 * qd_stock_page_add_lot:
 * @position: a row of a lot-tracked product
 *
 * Inserts an empty row for another lot of the same product below @position.
 */
void
qd_stock_page_add_lot (QdStockPage *self,
                       guint        position)
{
  g_autoptr(QdStockRow) row = NULL;
  g_autoptr(QdStockRow) copy = NULL;

  g_return_if_fail (QD_IS_STOCK_PAGE (self));

  row = g_list_model_get_item (G_LIST_MODEL (self->rows), position);
  if (row == NULL || !qd_stock_row_get_lot_tracked (row))
    return;
  copy = qd_stock_row_copy_product (row);
  g_signal_connect_object (copy, "notify::qty-text", G_CALLBACK (row_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_list_store_insert (self->rows, position + 1, copy);
  update_summary (self);
}

/**
 * qd_stock_page_add_product:
 *
 * Adds a row for @product_id (found by search); a product already in the grid gets no
 * second row unless it is lot-tracked.
 */
gboolean
qd_stock_page_add_product (QdStockPage  *self,
                           const char   *product_id,
                           GError      **error)
{
  g_autoptr(QdProductInfo) info = NULL;
  g_autoptr(QdStockRow) row = NULL;
  guint n;

  g_return_val_if_fail (QD_IS_STOCK_PAGE (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  info = qd_store_get_product (self->store, product_id, error);
  if (info == NULL)
    return FALSE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  if (!info->lot_tracked)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(QdStockRow) other = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

        if (g_strcmp0 (qd_stock_row_get_product_id (other), product_id) == 0)
          return TRUE;
      }
  row = qd_stock_row_new_for_product (info);
  append_row (self, row);
  update_summary (self);
  return TRUE;
}

/* ---- adding by search ---------------------------------------------------------------------- */

static void add_result (QdStockPage *self,
                        GtkWidget   *row);

static void
result_add_clicked_cb (QdStockPage *self,
                       GtkButton   *button)
{
  add_result (self, g_object_get_data (G_OBJECT (button), "row"));
}

static void
add_search_changed_cb (QdStockPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->add_entry));
  QdProductQuery query = { .text = text, .limit = 8 };
  g_autoptr(GPtrArray) products = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, child);
  if (self->store == NULL || *text == '\0')
    {
      gtk_revealer_set_reveal_child (self->results_revealer, FALSE);
      return;
    }
  products = qd_store_search_products (self->store, &query, NULL);
  for (guint i = 0; products != NULL && i < products->len; i++)
    {
      QdProductInfo *info = g_ptr_array_index (products, i);
      GtkWidget *row = adw_action_row_new ();

      GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add"));
      g_autofree char *add_name = g_strdup_printf (_("Add %s to the report"), info->name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), info->sku);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "product-id", g_strdup (info->id), g_free);
      /* A button too, so the row is reachable with Tab and by assistive technologies. */
      gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (add, "flat");
      gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      add_name, -1);
      g_object_set_data (G_OBJECT (add), "row", row);
      g_signal_connect_swapped (add, "clicked", G_CALLBACK (result_add_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), add);
      gtk_list_box_append (self->results_list, row);
    }
  gtk_revealer_set_reveal_child (self->results_revealer, products != NULL && products->len > 0);
}

static void
add_result (QdStockPage *self,
            GtkWidget   *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "product-id");
  g_autoptr(GError) error = NULL;

  if (id == NULL)
    return;
  if (!qd_stock_page_add_product (self, id, &error))
    {
      add_toast (self, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->add_entry), "");
  gtk_revealer_set_reveal_child (self->results_revealer, FALSE);
}

static void
result_activated_cb (QdStockPage   *self,
                     GtkListBoxRow *row)
{
  add_result (self, GTK_WIDGET (row));
}

static void
add_activated_cb (QdStockPage *self)
{
  /* Enter adds the best match, as on the Order page. */
  GtkWidget *first = gtk_widget_get_first_child (GTK_WIDGET (self->results_list));

  if (first != NULL)
    add_result (self, first);
}

/* ---- the date ------------------------------------------------------------------------------ */

static void
as_of_changed_cb (QdStockPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->as_of_entry));
  g_autofree char *date = NULL;
  g_autofree char *now = today ();

  g_clear_pointer (&self->as_of, g_free);
  if (qd_csv_parse_date (text, &date, NULL) && strcmp (date, now) <= 0)
    {
      self->as_of = g_steal_pointer (&date);
      gtk_widget_remove_css_class (GTK_WIDGET (self->as_of_entry), "error");
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->as_of_entry), "error");

  /* The expiry flags are relative to the stock date: rebind the rows to redraw them. */
  if (self->rows != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

      g_list_model_items_changed (G_LIST_MODEL (self->rows), 0, n, n);
    }
}

void
qd_stock_page_set_as_of (QdStockPage *self,
                         const char  *as_of)
{
  g_return_if_fail (QD_IS_STOCK_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->as_of_entry), as_of);
}

/* ---- submit --------------------------------------------------------------------------------- */

/**
 * qd_stock_page_submit:
 * @error: every problem of the grid, one per line, or the store's error
 *
 * Checks every row and saves the report with its outbox row; the grid starts over.
 *
 * Returns: (transfer full) (nullable): the new report's id
 */
char *
qd_stock_page_submit (QdStockPage  *self,
                      GError      **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (QdStockLineInput));
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *now = today ();
  char *id;

  g_return_val_if_fail (QD_IS_STOCK_PAGE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->store == NULL)
    return NULL;

  if (self->as_of == NULL)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->as_of_entry));
      g_autofree char *date = NULL;

      if (qd_csv_parse_date (text, &date, NULL))
        g_string_append_printf (problems, _("The stock date %s is in the future."), date);
      else
        g_string_append_printf (problems, _("The stock date “%s” is not a date (YYYY-MM-DD)."),
                                text);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdStockRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      const char *qty_text = qd_stock_row_get_qty_text (row);
      const char *lot = qd_stock_row_get_lot (row);
      const char *expiry_text = qd_stock_row_get_expiry (row);
      gboolean lot_tracked = qd_stock_row_get_lot_tracked (row);
      g_autofree char *expiry = NULL;
      g_autofree char *label = NULL;
      QdStockLineInput input = { 0 };
      gint64 qty = 0;
      gsize mark = problems->len;

      /* Translators: names a row in the list of problems: SKU and product name. */
      label = g_strdup_printf (_("%s %s"), qd_stock_row_get_sku (row), qd_stock_row_get_name (row));
      /* A row without a quantity is not counted and not part of the report, even with the
       * lot and expiry the last report left in it. */
      if (is_blank (qty_text))
        continue;

#define PROBLEM(...) \
      G_STMT_START { \
        if (problems->len > 0) \
          g_string_append_c (problems, '\n'); \
        g_string_append_printf (problems, __VA_ARGS__); \
      } G_STMT_END

      if (!qd_csv_parse_qty (qty_text, &qty, &local_error))
        {
          PROBLEM (_("%s: the quantity “%s” is not a number."), label, qty_text);
          g_clear_error (&local_error);
        }
      else if (qty < 0)
        PROBLEM (_("%s: the quantity must not be negative."), label);
      if (lot_tracked)
        {
          if (is_blank (lot))
            PROBLEM (_("%s: enter the lot number."), label);
          if (is_blank (expiry_text))
            PROBLEM (_("%s: enter the expiry date."), label);
          else if (!qd_csv_parse_date (expiry_text, &expiry, NULL))
            PROBLEM (_("%s: the expiry date “%s” is not a date (YYYY-MM-DD)."), label,
                     expiry_text);
        }
#undef PROBLEM
      if (problems->len != mark)
        continue;

      input.product_id = qd_stock_row_get_product_id (row);
      input.qty = qty;
      if (lot_tracked)
        {
          input.lot = lot;
          input.expiry = expiry;
          g_ptr_array_add (keep, g_steal_pointer (&expiry));
        }
      g_array_append_val (lines, input);
    }

  if (problems->len == 0 && lines->len == 0)
    g_string_append (problems, _("Enter the quantity on hand of at least one product."));
  if (problems->len > 0)
    {
      set_message (self, problems->str);
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_STOCK, problems->str);
      return NULL;
    }

  id = qd_store_report_stock (self->store, self->as_of, (QdStockLineInput *) lines->data,
                              lines->len, &local_error);
  if (id == NULL)
    {
      set_message (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  add_toast (self, _("Stock report saved — it will be sent when you are online"));
  g_signal_emit (self, signals[SIGNAL_REPORT_QUEUED], 0);
  qd_stock_page_reload (self);
  return id;
}

static void
submit_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autofree char *id = qd_stock_page_submit (QD_STOCK_PAGE (widget), NULL);
}

static void
clear_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  QdStockPage *self = QD_STOCK_PAGE (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdStockRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      qd_stock_row_set_qty_text (row, "");
    }
  /* Rebind the visible rows so their entries show the cleared text. */
  g_list_model_items_changed (G_LIST_MODEL (self->rows), 0, n, n);
  set_message (self, NULL);
}

/* ---- CSV import ----------------------------------------------------------------------------- */

/**
 * qd_stock_page_preview_import:
 * @data: the file's bytes (UTF-8 or GB18030)
 *
 * Reads and checks a stock CSV against the cache and the page's stock date, without
 * changing the grid.
 *
 * Returns: (transfer full) (nullable): the preview
 */
QdStockImport *
qd_stock_page_preview_import (QdStockPage  *self,
                              const char   *data,
                              gsize         length,
                              GError      **error)
{
  g_autofree char *now = today ();

  g_return_val_if_fail (QD_IS_STOCK_PAGE (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);

  return qd_stock_import_new (self->store, data, length,
                              self->as_of != NULL ? self->as_of : now, error);
}

/**
 * qd_stock_page_accept_import:
 *
 * The imported lines replace the grid's rows.
 */
void
qd_stock_page_accept_import (QdStockPage   *self,
                             QdStockImport *import)
{
  GListModel *model;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_if_fail (QD_IS_STOCK_PAGE (self));
  g_return_if_fail (QD_IS_STOCK_IMPORT (import));

  model = qd_stock_import_get_rows (import);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rows, g_list_model_get_item (model, i));
  set_rows (self, rows);
  set_message (self, NULL);
}

static void
issue_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (list_item, label);
}

static void
issue_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item)
{
  GtkStringObject *item = gtk_list_item_get_item (list_item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)),
                      gtk_string_object_get_string (item));
}

static void
import_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    QdStockPage      *self)
{
  QdStockImport *import = g_object_get_data (G_OBJECT (dialog), "import");

  if (g_strcmp0 (response, "import") == 0 && import != NULL)
    {
      qd_stock_page_accept_import (self, import);
      add_toast (self, _("Imported — check the rows, then submit the report"));
    }
}

/**
 * qd_stock_page_show_import:
 *
 * Shows the preview of @import: how many lines are good, every bad line with its line,
 * column and reason; "Import" puts the good lines in the grid.
 *
 * Returns: (transfer none): the preview dialog
 */
GtkWidget *
qd_stock_page_show_import (QdStockPage   *self,
                           QdStockImport *import,
                           const char    *name)
{
  GListModel *issues = qd_stock_import_get_issues (import);
  guint n_good = g_list_model_get_n_items (qd_stock_import_get_rows (import));
  guint n_bad = g_list_model_get_n_items (issues);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *button = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  /* Translators: the heading of the stock CSV import preview; %s is the file name. */
  heading = g_strdup_printf (_("Import “%s”"), name);
  if (n_bad == 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "All %u line can be imported.",
                                         "All %u lines can be imported.", n_good), n_good);
  else
    {
      g_autofree char *good = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u line can be imported.",
                                                            "%u lines can be imported.",
                                                            n_good), n_good);
      g_autofree char *bad = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "%u line has a problem and is left out:",
                                                           "%u lines have problems and are left out:",
                                                           n_bad), n_bad);

      body = g_strdup_printf ("%s %s", good, bad);
    }
  if (qd_stock_import_get_from_gb18030 (import))
    {
      g_autofree char *tmp = g_steal_pointer (&body);

      body = g_strdup_printf ("%s\n%s", _("The file was read as GB18030 (Chinese Windows)."), tmp);
    }

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  if (n_bad > 0)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkWidget *scrolled = gtk_scrolled_window_new ();
      GtkWidget *view;

      g_signal_connect (factory, "setup", G_CALLBACK (issue_setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (issue_bind_cb), NULL);
      view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (issues))),
                                factory);
      gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Problems"), -1);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
      gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), MIN (n_bad, 8) * 24);
      gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
      gtk_widget_add_css_class (scrolled, "card");
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
    }
  button = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Import %u Line", "_Import %u Lines",
                                         n_good), n_good);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "import", button,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "import",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "import", n_good > 0);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "import", g_object_ref (import), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (import_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/**
 * qd_stock_page_import_file:
 * @file: a dealer's stock CSV
 *
 * Reads @file and shows its import preview (or says why it cannot be imported). This is
 * what "Import CSV…" does after the file chooser, and what opening a CSV with Qudao does.
 */
void
qd_stock_page_import_file (QdStockPage *self,
                           GFile       *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStockImport) import = NULL;
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  gsize length = 0;

  g_return_if_fail (QD_IS_STOCK_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->store == NULL)
    return;
  name = g_file_get_basename (file);
  if (!g_file_load_contents (file, NULL, &data, &length, NULL, &error))
    {
      set_message (self, error->message);
      return;
    }
  import = qd_stock_page_preview_import (self, data, length, &error);
  if (import == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” cannot be imported: %s"), name,
                                               error->message);

      set_message (self, text);
      return;
    }
  qd_stock_page_show_import (self, import, name);
}

static void
open_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  QdStockPage     *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    qd_stock_page_import_file (self, file);
  g_object_unref (chooser);
}

static void
import_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QdStockPage *self = QD_STOCK_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->store == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Import Stock from CSV"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.CSV");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  {
    /* Dealers' systems export into their home or Documents folder, not "Recent". */
    g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());

    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), home, NULL);
  }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/**
 * qd_stock_page_load_report:
 * @report_id: a report in the store
 *
 * Puts the lines of @report_id in the grid, with its date, to correct and submit again
 * (as Edit does for a rejected report in the sync centre).
 */
gboolean
qd_stock_page_load_report (QdStockPage  *self,
                           const char   *report_id,
                           GError      **error)
{
  g_autoptr(QdStockReportInfo) info = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (QD_IS_STOCK_PAGE (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  info = qd_store_get_stock_report (self->store, report_id, &lines, error);
  if (info == NULL)
    return FALSE;
  for (guint i = 0; i < lines->len; i++)
    {
      QdStockLineInfo *line = g_ptr_array_index (lines, i);
      g_autoptr(QdProductInfo) product = qd_store_get_product (self->store, line->product_id,
                                                               NULL);
      QdStockRow *row = qd_stock_row_new (line->product_id, line->sku, line->name,
                                          product != NULL ? product->unit : NULL,
                                          product != NULL ? product->lot_tracked
                                                          : line->lot != NULL);
      char qty[32];

      g_snprintf (qty, sizeof qty, "%" G_GINT64_FORMAT, line->qty);
      qd_stock_row_set_qty_text (row, qty);
      qd_stock_row_set_lot (row, line->lot);
      qd_stock_row_set_expiry (row, line->expiry);
      g_ptr_array_add (rows, row);
    }
  qd_stock_page_set_as_of (self, info->as_of);
  set_rows (self, rows);
  if (info->reject_message != NULL)
    {
      /* Translators: above a rejected stock report loaded for correction. */
      g_autofree char *text = g_strdup_printf (_("The brand rejected this report: %s"),
                                               info->reject_message);

      set_message (self, text);
    }
  else
    set_message (self, NULL);
  return TRUE;
}

/* ---- object --------------------------------------------------------------------------------- */

static void
qd_stock_page_dispose (GObject *object)
{
  QdStockPage *self = QD_STOCK_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_STOCK_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->as_of, g_free);

  G_OBJECT_CLASS (qd_stock_page_parent_class)->dispose (object);
}

static void
qd_stock_page_class_init (QdStockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_stock_page_dispose;

  /**
   * QdStockPage::report-queued:
   *
   * A stock report was saved with its outbox row: the window starts a sync when online.
   */
  signals[SIGNAL_REPORT_QUEUED] =
    g_signal_new ("report-queued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-stock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, as_of_entry);
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, add_entry);
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, results_revealer);
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, results_list);
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, grid);
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, QdStockPage, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, as_of_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, result_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, history_activated_cb);

  gtk_widget_class_install_action (widget_class, "stock.submit", NULL, submit_activated_cb);
  gtk_widget_class_install_action (widget_class, "stock.clear", NULL, clear_activated_cb);
  gtk_widget_class_install_action (widget_class, "stock.import", NULL, import_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "stock.submit", NULL);
}

static void
qd_stock_page_init (QdStockPage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  g_autofree char *now = today ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->toast_overlay = ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self)));

  self->rows = g_list_store_new (QD_TYPE_STOCK_ROW);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  gtk_column_view_set_model (self->grid, GTK_SELECTION_MODEL (selection));

  add_column (self, COL_SKU, _("SKU"), 110);
  add_column (self, COL_NAME, _("Product"), 0);
  add_column (self, COL_LOT, _("Lot"), 120);
  add_column (self, COL_EXPIRY, _("Expiry"), 120);
  add_column (self, COL_QTY, _("Quantity"), 90);
  add_column (self, COL_FLAG, "", 170);
  add_column (self, COL_ACTIONS, "", 90);

  qd_stock_page_set_as_of (self, now);
  update_summary (self);
}

/**
 * qd_stock_page_set_store:
 * @store: (nullable): the account's cache
 */
void
qd_stock_page_set_store (QdStockPage *self,
                         QdStore     *store)
{
  g_return_if_fail (QD_IS_STOCK_PAGE (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  qd_stock_page_reload (self);
}

/**
 * qd_stock_page_get_rows:
 *
 * Returns: (transfer none): the grid's rows (#QdStockRow)
 */
GListModel *
qd_stock_page_get_rows (QdStockPage *self)
{
  g_return_val_if_fail (QD_IS_STOCK_PAGE (self), NULL);
  return G_LIST_MODEL (self->rows);
}

const char *
qd_stock_page_get_message (QdStockPage *self)
{
  g_return_val_if_fail (QD_IS_STOCK_PAGE (self), NULL);
  return gtk_label_get_text (self->message_label);
}

/**
 * qd_stock_page_get_history:
 *
 * Returns: (transfer none): the list of past reports
 */
GtkListBox *
qd_stock_page_get_history (QdStockPage *self)
{
  g_return_val_if_fail (QD_IS_STOCK_PAGE (self), NULL);
  return self->history_list;
}
