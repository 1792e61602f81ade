/* qd-order-page.c — the Order page (订货): catalog and cart
 *
 * The catalog is a GtkColumnView over QdProductListModel, which reads rows lazily from the
 * store, so the whole catalog opens at once. Keyboard flow, the way a clerk with an order
 * sheet works: Ctrl+F, type part of a name, SKU, barcode or 助记码, Enter (the first
 * result gets the focus), arrows, Enter (the quantity field of the cart gets the focus),
 * the quantity, Enter (added; back to the search field). Ctrl+Enter submits the cart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-catalog-model.h"
#include "qd-money.h"
#include "qd-order-page.h"

struct _QdOrderPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack *stack;
  AdwLeaflet *leaflet;
  GtkSearchEntry *search_entry;
  GtkDropDown *category_dropdown;
  GtkCheckButton *ordered_before_check;
  GtkColumnView *catalog_view;
  GtkLabel *count_label;
  GtkLabel *search_error_label;
  QdCartPane *cart_pane;

  /* the query the model has, so that a signal that changed nothing does not search again */
  char *query_text;
  char *query_category;
  gboolean query_ordered_before;

  /* owned */
  QdStore *store;
  QdProductListModel *model;
  GtkStringList *categories;
  gboolean filling_categories;
};

G_DEFINE_FINAL_TYPE (QdOrderPage, qd_order_page, ADW_TYPE_BIN)

typedef enum
{
  COL_NAME,
  COL_SPEC,
  COL_SKU,
  COL_UNIT,
  COL_PACK,
  COL_PRICE,
  COL_LAST_ORDERED,
} Column;

static void
update_count (QdOrderPage *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  g_autofree char *text = NULL;

  /* The model shows the first matches at once and counts the rest on a worker thread. */
  if (self->model != NULL && !qd_product_list_model_is_complete (self->model))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u or more product",
                                         "%u or more products", n), n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u product", "%u products", n), n);
  gtk_label_set_text (self->count_label, text);
}

/* @force: search even if the query is the model's already (the data changed). */
static void
run_query (QdOrderPage *self,
           gboolean     force)
{
  QdProductQuery query = { 0 };
  g_autoptr(GError) error = NULL;
  const char *text;
  const char *category = NULL;
  guint selected;
  gboolean same;
  gboolean ok;

  if (self->model == NULL || self->filling_categories)
    return;

  text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  selected = gtk_drop_down_get_selected (self->category_dropdown);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0)
    category = gtk_string_list_get_string (self->categories, selected);

  query.text = text;
  query.category = category;
  query.ordered_before = gtk_check_button_get_active (self->ordered_before_check);
  same = g_strcmp0 (text, self->query_text) == 0
         && g_strcmp0 (category, self->query_category) == 0
         && query.ordered_before == self->query_ordered_before;
  /* The search entry also says "search-changed" once when first shown. */
  if (!force && same)
    return;
  g_free (self->query_text);
  g_free (self->query_category);
  self->query_text = g_strdup (text);
  self->query_category = g_strdup (category);
  self->query_ordered_before = query.ordered_before;
  /* 0: every match; the model reads the rows lazily. */
  query.limit = 0;
  /* The same query forced: the data changed (a sync, a new order), every row is read
   * again. A new query keeps the rows it shares at the top with the last one. */
  if (same)
    ok = qd_product_list_model_refresh (self->model, &error);
  else
    ok = qd_product_list_model_set_query (self->model, &query, &error);
  if (!ok)
    {
      /* Not the model's query after all: the same one again is tried again. */
      g_clear_pointer (&self->query_text, g_free);
      gtk_label_set_text (self->search_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->search_error_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->search_error_label), FALSE);
  update_count (self);
}

/* A new search or filter shows its best matches: from the top of the list, whatever was
 * scrolled to before (the catalog model also counts on it, qd-catalog-model.c). */
static void
scroll_to_top (QdOrderPage *self)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->catalog_view));

  if (vadjustment != NULL)
    gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_lower (vadjustment));
}

static void
search_changed_cb (QdOrderPage *self)
{
  scroll_to_top (self);
  run_query (self, FALSE);
}

static void
filter_changed_cb (QdOrderPage *self)
{
  scroll_to_top (self);
  run_query (self, FALSE);
}

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

/* Enter in the search field: focus the first result, ready for arrows and Enter. */
static void
search_activate_cb (QdOrderPage *self)
{
  GtkSelectionModel *selection = gtk_column_view_get_model (self->catalog_view);
  GtkWidget *list_view;

  if (g_list_model_get_n_items (G_LIST_MODEL (selection)) == 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self->search_entry));
      return;
    }
  gtk_selection_model_select_item (selection, 0, TRUE);
  list_view = find_list_view (GTK_WIDGET (self->catalog_view));
  /* GTK 4.8 has no gtk_column_view_scroll_to(); the list's own action scrolls to the item
   * and moves the keyboard focus onto it. */
  if (list_view != NULL)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", 0);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->catalog_view));
}

static void
stop_search_cb (QdOrderPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
catalog_activate_cb (QdOrderPage *self,
                     guint        position)
{
  /* The product from the page's model, not from the view's slot: a slot far down the
   * list may still show the product of the last search for a moment (qd-catalog-model.c). */
  g_autoptr(QdProductRow) product = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (product == NULL || *qd_product_row_get_id (product) == '\0')
    return;
  /* In a narrow window the cart is a second view: go there for the quantity. */
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->cart_pane));
  qd_cart_pane_begin_add (self->cart_pane, product);
}

static void
selected_item_changed_cb (QdOrderPage *self)
{
  GtkSelectionModel *selection = gtk_column_view_get_model (self->catalog_view);
  g_autoptr(QdProductRow) product = NULL;
  guint position;

  if (selection == NULL || self->model == NULL)
    return;
  /* The selected position may show another product after a search: called on every
   * change of the list too. The product comes from the page's model, as in
   * catalog_activate_cb(). */
  position = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection));
  if (position != GTK_INVALID_LIST_POSITION)
    product = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  qd_cart_pane_set_candidate (self->cart_pane, product);
}

static void
order_queued_cb (QdOrderPage *self,
                 const char  *order_id)
{
  qd_order_page_add_toast (self, _("Order saved — it will be sent when you are online"));
  /* "Last ordered" and the "ordered before" filter include the new order now. */
  qd_product_list_model_refresh (self->model, NULL);
  update_count (self);
}

/* ---- columns --------------------------------------------------------------------------- */

/* The full name of an ellipsized one, computed when asked rather than set for every row a
 * search shows. */
static gboolean
name_query_tooltip_cb (GtkWidget  *label,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip)
{
  const char *text = gtk_label_get_text (GTK_LABEL (label));

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  switch (column)
    {
    case COL_PACK:
    case COL_PRICE:
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
      break;
    case COL_NAME:
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (name_query_tooltip_cb), NULL);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      break;
    default:
      gtk_label_set_xalign (GTK_LABEL (label), 0);
    }
  gtk_list_item_set_child (item, label);
}

static void
cell_show (GtkLabel      *label,
           Column         column,
           QdProductRow  *p)
{
  g_autofree char *owned = NULL;
  const char *text = NULL;

  switch (column)
    {
    case COL_NAME:
      text = qd_product_row_get_name (p);
      break;
    case COL_SPEC:
      text = qd_product_row_get_spec (p);
      break;
    case COL_SKU:
      text = qd_product_row_get_sku (p);
      break;
    case COL_UNIT:
      text = qd_product_row_get_unit (p);
      break;
    case COL_PACK:
      text = owned = g_strdup_printf ("%" G_GINT64_FORMAT, qd_product_row_get_pack_size (p));
      break;
    case COL_PRICE:
      if (qd_product_row_get_price_fen (p) >= 0)
        text = owned = qd_money_format (qd_product_row_get_price_fen (p), QD_MONEY_FORMAT_DEFAULT);
      else
        /* Translators: the price column when this dealer has no price for the product. */
        text = _("no price");
      break;
    case COL_LAST_ORDERED:
      /* The date of an RFC 3339 instant; a dash rather than nothing, so that a screen
       * reader says something. */
      if (qd_product_row_get_last_ordered (p) != NULL)
        text = owned = g_strndup (qd_product_row_get_last_ordered (p), 10);
      else
        text = "—";
      break;
    }
  gtk_label_set_text (label, text != NULL ? text : "");
}

static void
slot_row_changed_cb (QdCatalogSlot *slot,
                     GParamSpec    *pspec,
                     GtkLabel      *label)
{
  cell_show (label, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "column")),
             qd_catalog_slot_get_row (slot));
}

/* A cell follows its slot: after a search the view keeps its row widgets, and the
 * products shown at their positions change under them (qd-catalog-model.c). */
static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  QdCatalogSlot *slot = gtk_list_item_get_item (item);

  g_object_set_data (G_OBJECT (label), "column", user_data);
  cell_show (label, GPOINTER_TO_INT (user_data), qd_catalog_slot_get_row (slot));
  g_signal_connect_object (slot, "notify::row", G_CALLBACK (slot_row_changed_cb), label, 0);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  QdCatalogSlot *slot = gtk_list_item_get_item (item);

  if (slot != NULL && label != NULL)
    g_signal_handlers_disconnect_by_func (slot, slot_row_changed_cb, label);
}

static void
add_column (QdOrderPage *self,
            Column       column,
            const char  *title,
            gboolean     expand,
            int          fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_append_column (self->catalog_view, col);
  g_object_unref (col);
}

static void
fill_categories (QdOrderPage *self)
{
  g_autoptr(GPtrArray) list = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->categories));
  g_autoptr(GPtrArray) strings = g_ptr_array_new ();

  self->filling_categories = TRUE;
  g_ptr_array_add (strings, (gpointer) _("All categories"));
  if (self->store != NULL)
    list = qd_store_list_categories (self->store, NULL);
  for (guint i = 0; list != NULL && i < list->len; i++)
    g_ptr_array_add (strings, g_ptr_array_index (list, i));
  g_ptr_array_add (strings, NULL);
  gtk_string_list_splice (self->categories, 0, n, (const char * const *) strings->pdata);
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  self->filling_categories = FALSE;
}

/* ---- actions --------------------------------------------------------------------------- */

static void
focus_search_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  QdOrderPage *self = QD_ORDER_PAGE (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
submit_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  qd_cart_pane_confirm_submit (QD_ORDER_PAGE (widget)->cart_pane);
}

static void
page_mapped_cb (QdOrderPage *self)
{
  /* The Orders page may have filled the cart (re-order, edit and resubmit). */
  qd_cart_pane_reload (self->cart_pane);
}

static void
qd_order_page_dispose (GObject *object)
{
  QdOrderPage *self = QD_ORDER_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_ORDER_PAGE);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_object (&self->categories);
  g_clear_pointer (&self->query_text, g_free);
  g_clear_pointer (&self->query_category, g_free);

  G_OBJECT_CLASS (qd_order_page_parent_class)->dispose (object);
}

static void
qd_order_page_class_init (QdOrderPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_order_page_dispose;

  g_type_ensure (QD_TYPE_CART_PANE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-order-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, ordered_before_check);
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, catalog_view);
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, search_error_label);
  gtk_widget_class_bind_template_child (widget_class, QdOrderPage, cart_pane);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, catalog_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, order_queued_cb);

  gtk_widget_class_install_action (widget_class, "order.focus-search", NULL,
                                   focus_search_activated);
  gtk_widget_class_install_action (widget_class, "order.submit", NULL, submit_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "order.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "order.submit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "order.submit", NULL);
}

static void
qd_order_page_init (QdOrderPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->categories = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (self->categories));
  fill_categories (self);

  /* Fixed widths: a column view over a lazy model must not measure every row. The name
   * gets the room left over; narrow windows scroll sideways, so what a dealer decides
   * with (name, spec, price, pack) comes first. */
  add_column (self, COL_NAME, _("Name"), TRUE, 140);
  add_column (self, COL_SPEC, _("Spec"), FALSE, 96);
  add_column (self, COL_PRICE, _("Your Price"), FALSE, 84);
  add_column (self, COL_PACK, _("Pack"), FALSE, 48);
  add_column (self, COL_UNIT, _("Unit"), FALSE, 44);
  add_column (self, COL_SKU, _("SKU"), FALSE, 112);
  add_column (self, COL_LAST_ORDERED, _("Last Ordered"), FALSE, 96);

  g_signal_connect_swapped (self, "map", G_CALLBACK (page_mapped_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "order.submit", FALSE);
}

/**
 * qd_order_page_set_store:
 * @self: a #QdOrderPage
 * @store: (nullable): the account's cache, or %NULL when nobody is signed in
 */
void
qd_order_page_set_store (QdOrderPage *self,
                         QdStore     *store)
{
  g_return_if_fail (QD_IS_ORDER_PAGE (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_clear_object (&self->model);
  /* A new model has no query yet. */
  g_clear_pointer (&self->query_text, g_free);
  g_clear_pointer (&self->query_category, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "order.submit", store != NULL);
  if (store != NULL)
    {
      g_autoptr(GtkSingleSelection) selection = NULL;

      self->model = qd_product_list_model_new (store);
      /* A keystroke reads the first screenful of matches, not all 100,000 of a one-letter
       * search; the count follows when the rest arrives. */
      qd_product_list_model_set_incremental (self->model, TRUE);
      g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_count), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::complete", G_CALLBACK (update_count), self,
                               G_CONNECT_SWAPPED);
      /* The view sees slots, so that a search keeps its row widgets. */
      selection = gtk_single_selection_new (G_LIST_MODEL (qd_catalog_model_new (G_LIST_MODEL (self->model))));
      g_signal_connect_object (selection, "notify::selected-item",
                               G_CALLBACK (selected_item_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (selection, "items-changed",
                               G_CALLBACK (selected_item_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_column_view_set_model (self->catalog_view, GTK_SELECTION_MODEL (selection));
      gtk_stack_set_visible_child_name (self->stack, "catalog");
    }
  else
    {
      gtk_column_view_set_model (self->catalog_view, NULL);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  fill_categories (self);
  qd_cart_pane_set_store (self->cart_pane, store);
  run_query (self, TRUE);
}

/**
 * qd_order_page_reload:
 * @self: a #QdOrderPage
 *
 * Reads the catalog, the categories and the cart again, after a sync changed them.
 */
void
qd_order_page_reload (QdOrderPage *self)
{
  g_return_if_fail (QD_IS_ORDER_PAGE (self));

  if (self->store == NULL)
    return;
  fill_categories (self);
  run_query (self, TRUE);
  qd_cart_pane_reload (self->cart_pane);
}

QdProductListModel *
qd_order_page_get_model (QdOrderPage *self)
{
  g_return_val_if_fail (QD_IS_ORDER_PAGE (self), NULL);
  return self->model;
}

QdCartPane *
qd_order_page_get_cart_pane (QdOrderPage *self)
{
  g_return_val_if_fail (QD_IS_ORDER_PAGE (self), NULL);
  return self->cart_pane;
}

void
qd_order_page_set_search_text (QdOrderPage *self,
                               const char  *text)
{
  g_return_if_fail (QD_IS_ORDER_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Search now rather than after the search entry's typing delay. */
  run_query (self, TRUE);
}

void
qd_order_page_add_toast (QdOrderPage *self,
                         const char  *title)
{
  g_return_if_fail (QD_IS_ORDER_PAGE (self));

  /* The toast overlay is the page's child; it is not bound as a template child because
   * AdwBin unparents its child itself in dispose. */
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))),
                               adw_toast_new (title));
}
