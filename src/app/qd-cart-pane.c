/* qd-cart-pane.c — the cart beside the catalog on the Order page
 *
 * The cart lives in the store (cart_lines), not in this widget: every edit is written at
 * once, so the cart survives a crash or a restart, and the Orders page can fill it for a
 * re-order. The note, the requested date and the order being edited for a resubmission
 * are kept in the store's metadata for the same reason.
 *
 * Quantities go by the product's pack size: the spin buttons step by it, and a quantity
 * that is not a multiple is rounded up to the next full pack with a hint saying so, as the
 * server would refuse it (invalid_qty).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-cart-pane.h"
#include "qd-dashboard.h"
#include "qd-money.h"

#define META_NOTE     "cart_note"
#define META_DATE     "cart_requested_date"
#define META_RESUBMIT "cart_resubmit_order"

/* The largest quantity a spin button offers; the store and the server check their own. */
#define MAX_QTY 1000000

typedef struct
{
  char *product_id;
  gint64 qty;
  QdProductInfo *info;  /* NULL when the product is no longer in the catalog */
} CartLine;

struct _QdCartPane
{
  GtkBox parent_instance;

  /* template widgets */
  GtkLabel *title_label;
  GtkLabel *add_product_label;
  GtkSpinButton *add_qty_spin;
  GtkLabel *add_unit_label;
  GtkButton *add_button;
  GtkLabel *hint_label;
  GtkListBox *lines_list;
  GtkLabel *total_label;
  GtkLabel *credit_label;
  GtkLabel *credit_warning_label;
  GtkLabel *rebate_label;
  GtkLabel *rebate_basis_label;
  GtkLabel *resubmit_label;
  GtkEntry *note_entry;
  GtkEntry *date_entry;
  GtkLabel *error_label;
  GtkButton *submit_button;

  /* owned */
  QdStore *store;
  QdProductRow *adding;
  GPtrArray *lines;       /* CartLine */
  char *resubmit_id;
  gint64 total_fen;
  gboolean total_known;
  gboolean over_credit;
  gboolean can_submit;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (QdCartPane, qd_cart_pane, GTK_TYPE_BOX)

enum {
  SIGNAL_ORDER_QUEUED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void rebuild (QdCartPane *self);

static void
cart_line_free (CartLine *line)
{
  g_free (line->product_id);
  g_clear_pointer (&line->info, qd_product_info_free);
  g_free (line);
}

static gint64
pack_of (QdProductInfo *info)
{
  return (info != NULL && info->pack_size > 1) ? info->pack_size : 1;
}

/* Rounds @qty up to a whole number of packs. */
static gint64
round_to_pack (gint64 qty,
               gint64 pack)
{
  if (qty < pack)
    return pack;
  if (qty % pack != 0)
    qty += pack - qty % pack;
  return MIN (qty, MAX_QTY - MAX_QTY % pack);
}

static void
show_hint (QdCartPane *self,
           const char *text)
{
  gtk_label_set_text (self->hint_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), text != NULL);
}

static void
show_error (QdCartPane *self,
            const char *text)
{
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
pack_hint (QdCartPane    *self,
           QdProductInfo *info,
           gint64         typed,
           gint64         corrected)
{
  g_autofree char *text = NULL;
  g_autofree char *pack = g_strdup_printf ("%" G_GINT64_FORMAT, info->pack_size);
  g_autofree char *typed_text = g_strdup_printf ("%" G_GINT64_FORMAT, typed);
  g_autofree char *corrected_text = g_strdup_printf ("%" G_GINT64_FORMAT, corrected);

  /* Translators: a quantity was rounded up to whole packs: the product name, the pack
   * size and its unit, the quantity typed, the quantity now in the cart. */
  text = g_strdup_printf (_("%s comes in packs of %s %s: %s was changed to %s."),
                          info->name, pack, info->unit, typed_text, corrected_text);
  show_hint (self, text);
}

static CartLine *
find_line (QdCartPane *self,
           const char *product_id)
{
  for (guint i = 0; i < self->lines->len; i++)
    {
      CartLine *line = g_ptr_array_index (self->lines, i);

      if (g_strcmp0 (line->product_id, product_id) == 0)
        return line;
    }
  return NULL;
}

static char *
dup_meta_nonempty (QdStore    *store,
                   const char *key)
{
  char *value = qd_store_dup_meta (store, key);

  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static void
save_meta (QdCartPane *self,
           const char *key,
           const char *value)
{
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || self->loading)
    return;
  if (!qd_store_set_meta (self->store, key, value != NULL ? value : "", &error))
    show_error (self, error->message);
}

/* The rebate hint (issue 7): this quarter's purchases, the orders that will be invoiced
 * this quarter but are not purchases yet (submitted, held, approved, and local ones waiting
 * to be sent), and the cart's total, against the quarter's policy: "Order ¥12,300.00 more
 * this quarter to reach 3%". A line under it says what was counted. Hidden without a policy
 * or a dealer; the figures come from the store's summaries, a few milliseconds. */
static void
update_rebate_hint (QdCartPane *self,
                    const char *dealer_id,
                    gint64      total)
{
  QdDealerDashboardQuery query = { .dealer_id = dealer_id, .skip_stock = TRUE };
  g_autoptr(QdDealerDashboard) dash = NULL;
  g_autofree char *hint = NULL;
  gint64 amount;

  if (dealer_id != NULL)
    dash = qd_store_dealer_dashboard (self->store, &query, NULL);
  if (dash == NULL || dash->rebate_policy == NULL
      || !qd_money_add (dash->quarter.purchases_fen, dash->quarter_open_fen, &amount, NULL)
      || !qd_money_add (amount, total, &amount, NULL))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->rebate_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->rebate_basis_label), FALSE);
      return;
    }
  hint = qd_rebate_policy_format_hint (dash->rebate_policy, amount);
  gtk_label_set_text (self->rebate_label, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->rebate_label), TRUE);

  {
    g_autofree char *invoiced = qd_money_format (dash->quarter.purchases_fen,
                                                 QD_MONEY_FORMAT_DEFAULT);
    g_autofree char *open = qd_money_format (dash->quarter_open_fen, QD_MONEY_FORMAT_DEFAULT);
    g_autofree char *basis = NULL;

    /* Translators: under the rebate hint in the cart: what it counts. The first %s is the
     * amount invoiced this quarter, the second the orders not invoiced yet. */
    basis = g_strdup_printf (_("Counted: invoiced this quarter %s, orders not invoiced yet %s "
                               "(submitted, held for review, approved or waiting to be sent) "
                               "and this cart."), invoiced, open);
    gtk_label_set_text (self->rebate_basis_label, basis);
    gtk_widget_set_visible (GTK_WIDGET (self->rebate_basis_label), TRUE);
  }
}

static void
update_totals (QdCartPane *self)
{
  g_autofree char *dealer_id = NULL;
  g_autofree char *total_text = NULL;
  gint64 total = 0;
  gboolean known = TRUE;
  gboolean bad_date;
  const char *date;

  for (guint i = 0; i < self->lines->len; i++)
    {
      CartLine *line = g_ptr_array_index (self->lines, i);
      gint64 line_total;

      if (line->info == NULL || line->info->price_fen < 0
          || !qd_money_multiply (line->info->price_fen, line->qty, &line_total, NULL)
          || !qd_money_add (total, line_total, &total, NULL))
        known = FALSE;
    }
  self->total_fen = total;
  self->total_known = known;

  total_text = qd_money_format (total, QD_MONEY_FORMAT_DEFAULT);
  if (known)
    gtk_label_set_text (self->total_label, total_text);
  else
    {
      g_autofree char *text = NULL;

      /* Translators: the cart total when some product has no price in the cache yet. */
      text = g_strdup_printf (_("%s + lines without a price"), total_text);
      gtk_label_set_text (self->total_label, text);
    }

  self->over_credit = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->credit_warning_label), FALSE);
  if (self->store != NULL)
    dealer_id = qd_store_dup_meta (self->store, QD_STORE_META_DEALER_ID);
  if (dealer_id != NULL)
    {
      QdCreditPosition pos = { 0 };
      g_autoptr(GError) error = NULL;

      if (qd_store_get_credit_position (self->store, dealer_id, &pos, &error))
        {
          gint64 after = pos.available_fen - total;
          g_autofree char *after_text = qd_money_format (after, QD_MONEY_FORMAT_DEFAULT);

          gtk_label_set_text (self->credit_label, after_text);
          self->over_credit = after < 0;
          if (self->over_credit)
            {
              g_autofree char *over = qd_money_format (-after, QD_MONEY_FORMAT_DEFAULT);
              g_autofree char *warning = NULL;

              /* Translators: %s is the amount by which the order exceeds the credit. */
              warning = g_strdup_printf (_("This order is %s over your available credit "
                                           "(orders not yet sent included). The brand will "
                                           "refuse it unless you pay or reduce the order."),
                                         over);
              gtk_label_set_text (self->credit_warning_label, warning);
              gtk_widget_set_visible (GTK_WIDGET (self->credit_warning_label), TRUE);
            }
        }
      else
        gtk_label_set_text (self->credit_label, _("Unknown"));
    }
  else
    gtk_label_set_text (self->credit_label, _("Unknown until the first sync"));
  update_rebate_hint (self, dealer_id, total);

  if (self->over_credit)
    gtk_widget_add_css_class (GTK_WIDGET (self->credit_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->credit_label), "error");

  date = gtk_editable_get_text (GTK_EDITABLE (self->date_entry));
  bad_date = *date != '\0' && !g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", date, 0, 0);
  if (bad_date)
    gtk_widget_add_css_class (GTK_WIDGET (self->date_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->date_entry), "error");

  self->can_submit = self->store != NULL && self->lines->len > 0 && !bad_date;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cart.submit", self->can_submit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cart.clear",
                                 self->store != NULL && self->lines->len > 0);
}

static void
line_qty_changed_cb (GtkSpinButton *spin,
                     QdCartPane    *self)
{
  const char *product_id = g_object_get_data (G_OBJECT (spin), "product-id");
  g_autoptr(GError) error = NULL;
  CartLine *line = find_line (self, product_id);
  gint64 qty = (gint64) gtk_spin_button_get_value (spin);
  gint64 pack;

  if (line == NULL || self->loading)
    return;
  pack = pack_of (line->info);
  if (qty % pack != 0)
    {
      gint64 corrected = round_to_pack (qty, pack);

      if (line->info != NULL)
        pack_hint (self, line->info, qty, corrected);
      qty = corrected;
      /* Re-enters this handler once with a multiple of the pack. */
      gtk_spin_button_set_value (spin, (double) qty);
      return;
    }
  if (!qd_store_cart_set (self->store, product_id, qty, &error))
    {
      show_error (self, error->message);
      return;
    }
  line->qty = qty;

  {
    GtkLabel *total_label = g_object_get_data (G_OBJECT (spin), "total-label");
    gint64 line_total = 0;

    if (line->info != NULL && line->info->price_fen >= 0
        && qd_money_multiply (line->info->price_fen, qty, &line_total, NULL))
      {
        g_autofree char *text = qd_money_format (line_total, QD_MONEY_FORMAT_DEFAULT);

        gtk_label_set_text (total_label, text);
      }
  }
  update_totals (self);
}

static void
remove_clicked_cb (GtkButton  *button,
                   QdCartPane *self)
{
  const char *product_id = g_object_get_data (G_OBJECT (button), "product-id");
  g_autoptr(GError) error = NULL;

  if (!qd_store_cart_set (self->store, product_id, 0, &error))
    {
      show_error (self, error->message);
      return;
    }
  qd_cart_pane_reload (self);
}

static GtkWidget *
line_row_new (QdCartPane *self,
              CartLine   *line)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (line->info != NULL ? line->info->name : line->product_id);
  GtkWidget *detail;
  GtkWidget *spin;
  GtkWidget *total = gtk_label_new (NULL);
  GtkWidget *remove;
  g_autofree char *detail_text = NULL;
  g_autofree char *remove_name = NULL;
  g_autofree char *qty_name = NULL;
  gint64 pack = pack_of (line->info);
  gint64 line_total = 0;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Name and details on top, quantity, line total and remove below: the pane is narrow
   * and Chinese names are long. */
  gtk_widget_set_margin_top (text_box, 6);
  gtk_widget_set_margin_bottom (text_box, 6);
  gtk_widget_set_margin_start (text_box, 8);
  gtk_widget_set_margin_end (text_box, 6);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (text_box), name);
  if (line->info != NULL)
    {
      g_autofree char *price = line->info->price_fen >= 0
        ? qd_money_format (line->info->price_fen, QD_MONEY_FORMAT_DEFAULT)
        : g_strdup (_("no price"));

      /* Translators: under a cart line: SKU · spec · unit price per unit. */
      detail_text = g_strdup_printf (_("%s · %s · %s per %s"), line->info->sku,
                                     line->info->spec, price, line->info->unit);
    }
  else
    detail_text = g_strdup (_("No longer in the catalog: remove this line"));
  detail = gtk_label_new (detail_text);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (text_box), detail);
  gtk_box_append (GTK_BOX (text_box), box);

  spin = gtk_spin_button_new_with_range ((double) pack, (double) (MAX_QTY - MAX_QTY % pack),
                                         (double) pack);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), (double) line->qty);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 6);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  /* Translators: accessible name of a cart line's quantity field. */
  qty_name = g_strdup_printf (_("Quantity of %s"),
                              line->info != NULL ? line->info->name : line->product_id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  qty_name, -1);
  g_object_set_data_full (G_OBJECT (spin), "product-id", g_strdup (line->product_id), g_free);
  g_object_set_data (G_OBJECT (spin), "total-label", total);
  g_signal_connect (spin, "value-changed", G_CALLBACK (line_qty_changed_cb), self);
  gtk_box_append (GTK_BOX (box), spin);

  if (line->info != NULL && line->info->price_fen >= 0
      && qd_money_multiply (line->info->price_fen, line->qty, &line_total, NULL))
    {
      g_autofree char *text = qd_money_format (line_total, QD_MONEY_FORMAT_DEFAULT);

      gtk_label_set_text (GTK_LABEL (total), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (total), "—");
  gtk_label_set_xalign (GTK_LABEL (total), 1);
  gtk_widget_set_hexpand (total, TRUE);
  gtk_widget_add_css_class (total, "numeric");
  gtk_box_append (GTK_BOX (box), total);

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  /* Translators: accessible name and tooltip of a cart line's remove button. */
  remove_name = g_strdup_printf (_("Remove %s"),
                                 line->info != NULL ? line->info->name : line->product_id);
  gtk_widget_set_tooltip_text (remove, remove_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_name, -1);
  g_object_set_data_full (G_OBJECT (remove), "product-id", g_strdup (line->product_id), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), remove);

  g_object_set_data (G_OBJECT (row), "qty-spin", spin);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), text_box);
  return row;
}

static void
rebuild (QdCartPane *self)
{
  GtkListBoxRow *row;

  /* Rows only: the empty-cart hint is a child of the list too, and removing it would
   * leave an empty cart without its hint. */
  while ((row = gtk_list_box_get_row_at_index (self->lines_list, 0)) != NULL)
    gtk_list_box_remove (self->lines_list, GTK_WIDGET (row));

  self->loading = TRUE;
  for (guint i = 0; i < self->lines->len; i++)
    gtk_list_box_append (self->lines_list, line_row_new (self, g_ptr_array_index (self->lines, i)));
  self->loading = FALSE;

  update_totals (self);
}

/**
 * qd_cart_pane_reload:
 * @self: a #QdCartPane
 *
 * Reads the cart, the note and the date back from the store: after a re-order filled it,
 * after a sync changed prices, and at start.
 */
void
qd_cart_pane_reload (QdCartPane *self)
{
  g_autoptr(GArray) cart = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  g_autofree char *date = NULL;

  g_return_if_fail (QD_IS_CART_PANE (self));

  g_ptr_array_set_size (self->lines, 0);
  g_clear_pointer (&self->resubmit_id, g_free);
  show_error (self, NULL);

  if (self->store != NULL)
    {
      cart = qd_store_cart_list (self->store, &error);
      if (cart == NULL)
        show_error (self, error->message);
      for (guint i = 0; cart != NULL && i < cart->len; i++)
        {
          QdCartLine *cl = &g_array_index (cart, QdCartLine, i);
          CartLine *line = g_new0 (CartLine, 1);

          line->product_id = g_strdup (cl->product_id);
          line->qty = cl->qty;
          line->info = qd_store_get_product (self->store, cl->product_id, NULL);
          g_ptr_array_add (self->lines, line);
        }
      note = qd_store_dup_meta (self->store, META_NOTE);
      date = qd_store_dup_meta (self->store, META_DATE);
      self->resubmit_id = dup_meta_nonempty (self->store, META_RESUBMIT);
    }

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), note != NULL ? note : "");
  gtk_editable_set_text (GTK_EDITABLE (self->date_entry), date != NULL ? date : "");
  self->loading = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->resubmit_label), self->resubmit_id != NULL);
  gtk_button_set_label (self->submit_button,
                        self->resubmit_id != NULL ? _("Resubmit Order") : _("Submit Order"));
  rebuild (self);
}

void
qd_cart_pane_set_store (QdCartPane *self,
                        QdStore    *store)
{
  g_return_if_fail (QD_IS_CART_PANE (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  g_clear_object (&self->adding);
  qd_cart_pane_reload (self);
}

static void
update_add_box (QdCartPane *self)
{
  QdProductRow *p = self->adding;

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_qty_spin), p != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), p != NULL);
  if (p == NULL)
    {
      gtk_label_set_text (self->add_product_label,
                          _("Choose a product in the catalog and press Enter."));
      gtk_label_set_text (self->add_unit_label, "");
      return;
    }
  {
    g_autofree char *text = g_strdup_printf ("%s  %s", qd_product_row_get_name (p),
                                             qd_product_row_get_spec (p));
    gint64 pack = qd_product_row_get_pack_size (p);

    gtk_label_set_text (self->add_product_label, text);
    gtk_label_set_text (self->add_unit_label, qd_product_row_get_unit (p));
    gtk_spin_button_set_range (self->add_qty_spin, (double) pack,
                               (double) (MAX_QTY - MAX_QTY % pack));
    gtk_spin_button_set_increments (self->add_qty_spin, (double) pack, (double) (pack * 10));
    gtk_spin_button_set_value (self->add_qty_spin, (double) pack);
  }
}

/**
 * qd_cart_pane_begin_add:
 * @self: a #QdCartPane
 * @product: the product chosen in the catalog
 *
 * Puts @product in the quantity field, one pack, and focuses it: the user types a
 * quantity and presses Enter.
 */
void
qd_cart_pane_begin_add (QdCartPane *self,
                        QdProductRow  *product)
{
  g_return_if_fail (QD_IS_CART_PANE (self));
  g_return_if_fail (QD_IS_PRODUCT_ROW (product));

  g_set_object (&self->adding, product);
  show_hint (self, NULL);
  update_add_box (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->add_qty_spin));
}

/**
 * qd_cart_pane_set_candidate:
 * @self: a #QdCartPane
 * @product: (nullable): the product selected in the catalog
 *
 * Shows @product in the quantity box without moving the focus, so that the selected row
 * can be added with the Add button (or a click, or assistive technology).
 */
void
qd_cart_pane_set_candidate (QdCartPane *self,
                            QdProductRow  *product)
{
  g_return_if_fail (QD_IS_CART_PANE (self));
  g_return_if_fail (product == NULL || QD_IS_PRODUCT_ROW (product));

  if (product != NULL && *qd_product_row_get_id (product) == '\0')
    product = NULL;
  if (product == self->adding
      || (product != NULL && self->adding != NULL
          && g_strcmp0 (qd_product_row_get_id (product), qd_product_row_get_id (self->adding)) == 0))
    return;
  g_set_object (&self->adding, product);
  update_add_box (self);
}

/**
 * qd_cart_pane_add:
 * @self: a #QdCartPane
 * @product_id: the product
 * @qty: how many to add to what the cart holds already; rounded up to whole packs
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the cart was saved
 */
gboolean
qd_cart_pane_add (QdCartPane  *self,
                  const char  *product_id,
                  gint64       qty,
                  GError     **error)
{
  g_autoptr(QdProductInfo) info = NULL;
  CartLine *line;
  gint64 total;
  gint64 pack;

  g_return_val_if_fail (QD_IS_CART_PANE (self), FALSE);
  g_return_val_if_fail (product_id != NULL, FALSE);

  if (self->store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("Sign in first: there is no catalog yet."));
      return FALSE;
    }

  info = qd_store_get_product (self->store, product_id, error);
  if (info == NULL)
    return FALSE;
  pack = pack_of (info);
  if (qty <= 0 || qty > MAX_QTY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The quantity must be between 1 and %d."), MAX_QTY);
      return FALSE;
    }
  if (qty % pack != 0)
    {
      gint64 corrected = round_to_pack (qty, pack);

      pack_hint (self, info, qty, corrected);
      qty = corrected;
    }
  else
    show_hint (self, NULL);

  line = find_line (self, product_id);
  total = MIN ((line != NULL ? line->qty : 0) + qty, MAX_QTY - MAX_QTY % pack);
  if (!qd_store_cart_set (self->store, product_id, total, error))
    return FALSE;

  qd_cart_pane_reload (self);
  return TRUE;
}

/**
 * qd_cart_pane_set_qty:
 * @qty: the new quantity of the line; 0 removes it
 */
gboolean
qd_cart_pane_set_qty (QdCartPane  *self,
                      const char  *product_id,
                      gint64       qty,
                      GError     **error)
{
  g_return_val_if_fail (QD_IS_CART_PANE (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  if (!qd_store_cart_set (self->store, product_id, qty, error))
    return FALSE;
  qd_cart_pane_reload (self);
  return TRUE;
}

static void
add_current (QdCartPane *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *product_id = NULL;

  if (self->adding == NULL)
    return;
  gtk_spin_button_update (self->add_qty_spin);
  product_id = g_strdup (qd_product_row_get_id (self->adding));
  if (!qd_cart_pane_add (self, product_id,
                         (gint64) gtk_spin_button_get_value (self->add_qty_spin), &error))
    {
      show_error (self, error->message);
      return;
    }
  g_clear_object (&self->adding);
  update_add_box (self);

  /* Back to the search field for the next product: search, Enter, quantity, Enter. */
  gtk_widget_activate_action (GTK_WIDGET (self), "order.focus-search", NULL);
}

static gboolean
add_qty_key_pressed_cb (GtkEventControllerKey *controller,
                        guint                  keyval,
                        guint                  keycode,
                        GdkModifierType        state,
                        QdCartPane            *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
      && (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) == 0)
    {
      add_current (self);
      return TRUE;
    }
  return FALSE;
}

static void
add_clicked_cb (QdCartPane *self)
{
  add_current (self);
}

static void
note_changed_cb (QdCartPane *self)
{
  save_meta (self, META_NOTE, gtk_editable_get_text (GTK_EDITABLE (self->note_entry)));
}

static void
date_changed_cb (QdCartPane *self)
{
  save_meta (self, META_DATE, gtk_editable_get_text (GTK_EDITABLE (self->date_entry)));
  if (!self->loading)
    update_totals (self);
}

/**
 * qd_cart_pane_load_order:
 * @self: a #QdCartPane
 * @order_id: an order in the cache
 * @resubmit: %TRUE to edit a rejected order and resubmit it (the cart is replaced and
 *   Submit resubmits that order); %FALSE to re-order (the lines are added to the cart)
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qd_cart_pane_load_order (QdCartPane  *self,
                         const char  *order_id,
                         gboolean     resubmit,
                         GError     **error)
{
  g_autoptr(QdOrderInfo) order = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  g_return_val_if_fail (QD_IS_CART_PANE (self), FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  order = qd_store_get_order (self->store, order_id, &lines, error);
  if (order == NULL)
    return FALSE;

  if (resubmit && !qd_store_cart_clear (self->store, error))
    return FALSE;
  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      QdOrderLineInfo *l = g_ptr_array_index (lines, i);
      CartLine *existing = resubmit ? NULL : find_line (self, l->product_id);
      gint64 qty = l->qty + (existing != NULL ? existing->qty : 0);

      if (!qd_store_cart_set (self->store, l->product_id, MIN (qty, MAX_QTY), error))
        return FALSE;
    }
  if (resubmit)
    {
      if (!qd_store_set_meta (self->store, META_RESUBMIT, order_id, error)
          || !qd_store_set_meta (self->store, META_NOTE, order->note != NULL ? order->note : "",
                                 error)
          || !qd_store_set_meta (self->store, META_DATE,
                                 order->requested_date != NULL ? order->requested_date : "",
                                 error))
        return FALSE;
    }
  qd_cart_pane_reload (self);
  return TRUE;
}

/* A quantity typed into a line and not yet confirmed (no Enter, no focus change: the
 * user pressed Ctrl+Enter right away, or assistive technology set the text) counts. */
static void
commit_typed_quantities (QdCartPane *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->lines_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkSpinButton *spin = g_object_get_data (G_OBJECT (row), "qty-spin");

      /* Emits value-changed, which saves the line, when the text differs. */
      if (spin != NULL)
        gtk_spin_button_update (spin);
    }
}

/**
 * qd_cart_pane_submit:
 * @self: a #QdCartPane
 * @error: return location for a #GError
 *
 * Saves the cart as an order (or resubmits the rejected order being edited) with its
 * outbox row in one transaction, then empties the cart. Never touches the network.
 *
 * Returns: (transfer full): the order id, or %NULL with @error set
 */
char *
qd_cart_pane_submit (QdCartPane  *self,
                     GError     **error)
{
  g_autofree QdOrderLineInput *input = NULL;
  g_autofree char *order_id = NULL;
  const char *note;
  const char *date;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (QD_IS_CART_PANE (self), NULL);

  commit_typed_quantities (self);
  if (self->store == NULL || self->lines->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The cart is empty."));
      return NULL;
    }

  input = g_new0 (QdOrderLineInput, self->lines->len);
  for (guint i = 0; i < self->lines->len; i++)
    {
      CartLine *line = g_ptr_array_index (self->lines, i);

      input[i].product_id = line->product_id;
      input[i].qty = line->qty;
    }
  note = gtk_editable_get_text (GTK_EDITABLE (self->note_entry));
  date = gtk_editable_get_text (GTK_EDITABLE (self->date_entry));
  if (*date == '\0')
    date = NULL;

  if (self->resubmit_id != NULL)
    {
      if (!qd_store_resubmit_order (self->store, self->resubmit_id, input, self->lines->len,
                                    note, date, error))
        return NULL;
      order_id = g_strdup (self->resubmit_id);
    }
  else
    {
      order_id = qd_store_queue_order (self->store, input, self->lines->len, note, date, error);
      if (order_id == NULL)
        return NULL;
    }

  /* The order is safe now; emptying the cart is a separate step, and if it fails the user
   * sees a full cart and a message rather than a lost order. */
  if (!qd_store_cart_clear (self->store, &local_error)
      || !qd_store_set_meta (self->store, META_NOTE, "", &local_error)
      || !qd_store_set_meta (self->store, META_DATE, "", &local_error)
      || !qd_store_set_meta (self->store, META_RESUBMIT, "", &local_error))
    g_warning ("The order was saved but the cart could not be emptied: %s",
               local_error->message);

  qd_cart_pane_reload (self);
  g_signal_emit (self, signals[SIGNAL_ORDER_QUEUED], 0, order_id);
  return g_steal_pointer (&order_id);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     QdCartPane       *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *order_id = NULL;

  if (g_strcmp0 (response, "submit") != 0)
    return;
  order_id = qd_cart_pane_submit (self, &error);
  if (order_id == NULL)
    show_error (self, error->message);
}

/**
 * qd_cart_pane_confirm_submit:
 * @self: a #QdCartPane
 *
 * Asks for confirmation with a summary of the order, then submits it.
 */
void
qd_cart_pane_confirm_submit (QdCartPane *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *total = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  g_return_if_fail (QD_IS_CART_PANE (self));

  commit_typed_quantities (self);
  if (!self->can_submit)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  total = qd_money_format (self->total_fen, QD_MONEY_FORMAT_DEFAULT);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u line, total %s.",
                                       "%u lines, total %s.", self->lines->len),
                          self->lines->len, total);
  if (self->over_credit)
    {
      g_autofree char *tmp = body;

      body = g_strdup_printf ("%s\n%s", tmp, gtk_label_get_text (self->credit_warning_label));
    }
  {
    g_autofree char *tmp = body;

    body = g_strdup_printf ("%s\n%s", tmp,
                            _("It is saved on this computer now and sent to the brand when "
                              "you are online."));
  }

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   self->resubmit_id != NULL ? _("Resubmit This Order?")
                                                             : _("Submit This Order?"),
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "submit", self->resubmit_id != NULL
                                              ? _("_Resubmit") : _("_Submit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "submit",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "submit");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
submit_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  qd_cart_pane_confirm_submit (QD_CART_PANE (widget));
}

static void
clear_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  QdCartPane *self = QD_CART_PANE (widget);
  g_autoptr(GError) error = NULL;

  if (!qd_store_cart_clear (self->store, &error)
      || !qd_store_set_meta (self->store, META_RESUBMIT, "", &error))
    show_error (self, error->message);
  qd_cart_pane_reload (self);
}

guint
qd_cart_pane_get_n_lines (QdCartPane *self)
{
  g_return_val_if_fail (QD_IS_CART_PANE (self), 0);
  return self->lines->len;
}

gint64
qd_cart_pane_get_total_fen (QdCartPane *self)
{
  g_return_val_if_fail (QD_IS_CART_PANE (self), 0);
  return self->total_fen;
}

gboolean
qd_cart_pane_get_over_credit (QdCartPane *self)
{
  g_return_val_if_fail (QD_IS_CART_PANE (self), FALSE);
  return self->over_credit;
}

const char *
qd_cart_pane_get_resubmit_id (QdCartPane *self)
{
  g_return_val_if_fail (QD_IS_CART_PANE (self), NULL);
  return self->resubmit_id;
}

static void
qd_cart_pane_dispose (GObject *object)
{
  QdCartPane *self = QD_CART_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_CART_PANE);
  g_clear_object (&self->adding);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (qd_cart_pane_parent_class)->dispose (object);
}

static void
qd_cart_pane_finalize (GObject *object)
{
  QdCartPane *self = QD_CART_PANE (object);

  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_clear_pointer (&self->resubmit_id, g_free);

  G_OBJECT_CLASS (qd_cart_pane_parent_class)->finalize (object);
}

static void
qd_cart_pane_class_init (QdCartPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_cart_pane_dispose;
  object_class->finalize = qd_cart_pane_finalize;

  /**
   * QdCartPane::order-queued:
   * @order_id: the order saved (or resubmitted)
   *
   * The order is in the store with its outbox row; it has not been sent yet.
   */
  signals[SIGNAL_ORDER_QUEUED] =
    g_signal_new ("order-queued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-cart-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, add_product_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, add_qty_spin);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, add_unit_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, add_button);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, hint_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, lines_list);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, total_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, credit_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, credit_warning_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, rebate_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, rebate_basis_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, resubmit_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, note_entry);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, date_entry);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, error_label);
  gtk_widget_class_bind_template_child (widget_class, QdCartPane, submit_button);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, note_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, date_changed_cb);

  gtk_widget_class_install_action (widget_class, "cart.submit", NULL, submit_activated);
  gtk_widget_class_install_action (widget_class, "cart.clear", NULL, clear_activated);
}

static void
qd_cart_pane_init (QdCartPane *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) cart_line_free);

  /* Enter in the quantity field adds the line; GtkSpinButton in GTK 4.8 has no activate
   * signal of its own, so catch the key before its text field does. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (add_qty_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->add_qty_spin), keys);

  update_add_box (self);
  update_totals (self);
}
