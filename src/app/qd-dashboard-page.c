/* qd-dashboard-page.c — the Dashboard page: a dealer's 看板 or the manager's region
 *
 * Everything comes from the local cache through the store's dashboard queries
 * (qd_store_dealer_dashboard, qd_store_manager_dashboard), so the page works offline; it is
 * rebuilt by qd_dashboard_page_reload() when the store changes (a sync, a review).
 *
 * A dealer account sees its own dashboard. A manager (or admin) sees the region: KPI cards,
 * three charts each with a table alternative, the sortable dealer table (activating a dealer
 * opens that dealer's dashboard read-only), and the orders held for review. The value labels
 * carry widget names ("dealer-month-purchases", "kpi-held", …) so the tests can read the
 * figures the user sees and compare them with their own SQL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-bar-chart.h"
#include "qd-dashboard-page.h"
#include "qd-dashboard.h"
#include "qd-dealer-item.h"
#include "qd-held-order-item.h"
#include "qd-line-chart.h"
#include "qd-money.h"

/* At most this many stock rows are shown: the most urgent first; the rest are counted. */
#define MAX_STOCK_ROWS 40
/* Held orders whose product history a reload computes with the figures; the others' come
 * from background jobs of this many orders each (a reload waiting behind one is delayed by
 * one job at most). */
#define EAGER_HISTORIES 12
#define HISTORY_CHUNK 8

/* A period's card: the labels and bar a reload updates. */
typedef struct
{
  GtkLabel *purchases;
  GtkLabel *target;
  GtkLabel *attainment;
  GtkLabel *growth;
  GtkWidget *bar;
} PeriodCard;

struct _QdDashboardPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack       *stack;
  AdwStatusPage  *empty_page;
  GtkRevealer    *readonly_bar;
  GtkLabel       *readonly_label;
  GtkBox         *dealer_box;
  GtkBox         *manager_box;

  /* owned */
  QdStore            *store;
  QdStore            *worker_store;   /* the worker threads' own connection to the same file */
  GCancellable       *cancellable;    /* cancelled on dispose */
  char               *today;          /* NULL: today in UTC */
  char               *viewed_dealer;  /* a manager looking at one dealer, read-only */
  GListStore         *dealers;        /* of QdDealerItem, updated in place */
  GtkSortListModel   *sorted_dealers;
  GListStore         *held;           /* of QdHeldOrderItem, updated in place */
  QdDealerDashboard  *dealer_dash;

  /* the background work: one job at a time (they share worker_store) */
  guint               generation;     /* + 1 when the store changes: older results are dropped */
  gboolean            job_running;
  gboolean            reload_pending; /* a reload was asked for while a job ran */
  gboolean            loading;        /* the manager figures are being computed */
  gint64              last_apply_us;  /* main-thread time of the last figures' swap-in */

  /* borrowed: the manager view, built once and updated in place by each reload */
  gboolean            manager_built;
  GtkLabel           *manager_subtitle;
  PeriodCard          region[3];
  GtkLabel           *kpi_behind;
  GtkLabel           *kpi_held;
  GtkLabel           *kpi_disputed;
  GtkLabel           *kpi_overdue;
  GtkWidget          *line_chart;
  GtkWidget          *bar_chart;
  GtkWidget          *mix_chart;
  GtkWidget          *line_table;
  GtkWidget          *bar_table;
  GtkWidget          *mix_table;
  GtkLabel           *line_title;
  GtkColumnView      *dealer_view;
  GtkSingleSelection *dealer_selection;
  GtkLabel           *review_description;
  GtkWidget          *review_scroller;
  GtkListView        *review_view;
  GtkLabel           *feedback;         /* the dealer view's last action's outcome */
  GtkLabel           *manager_feedback; /* the manager view's */
};

G_DEFINE_FINAL_TYPE (QdDashboardPage, qd_dashboard_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* ---- small builders ---------------------------------------------------------------------- */

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* Sets a label's text only when it differs: an unchanged figure then costs no relayout. */
static void
set_text (GtkLabel   *label,
          const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static GtkWidget *
value_label (const char *name,
             const char *text,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

static GtkWidget *
caption (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  return label;
}

static GtkWidget *
heading (GtkBox     *box,
         const char *title,
         const char *subtitle)
{
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-2");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1, -1);
  gtk_box_append (GTK_BOX (vbox), label);
  if (subtitle != NULL)
    gtk_box_append (GTK_BOX (vbox), caption (subtitle));
  gtk_box_append (box, vbox);
  return vbox;
}

static GtkWidget *
card_flow (GtkBox *box,
           guint   per_line)
{
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 1);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), per_line);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_box_append (box, flow);
  return flow;
}

/* A KPI card: a title, a big value and lines under it. Returns the box for those lines. */
static GtkWidget *
add_card (GtkWidget  *flow,
          const char *title,
          const char *value_name,
          const char *value)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "qd-kpi");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (card), label);
  gtk_box_append (GTK_BOX (card), value_label (value_name, value, "title-3"));
  gtk_flow_box_append (GTK_FLOW_BOX (flow), card);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  return card;
}

static char *
money (gint64 fen)
{
  return qd_money_format (fen, QD_MONEY_FORMAT_DEFAULT);
}

/* Purchases of one period against its target and last year: a card, filled by
 * period_card_update(). @prefix names the labels: PREFIX-purchases, -target, -attainment,
 * -growth. */
static void
period_card_new (GtkWidget  *flow,
                 const char *title,
                 const char *prefix,
                 PeriodCard *out)
{
  g_autofree char *name_p = g_strdup_printf ("%s-purchases", prefix);
  g_autofree char *name_t = g_strdup_printf ("%s-target", prefix);
  g_autofree char *name_a = g_strdup_printf ("%s-attainment", prefix);
  g_autofree char *name_g = g_strdup_printf ("%s-growth", prefix);
  GtkWidget *card = add_card (flow, title, name_p, "");
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);

  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  /* The value label add_card() made is the card's second child. */
  out->purchases = GTK_LABEL (gtk_widget_get_next_sibling (gtk_widget_get_first_child (card)));
  out->target = GTK_LABEL (value_label (name_t, "", "dim-label"));
  out->attainment = GTK_LABEL (value_label (name_a, "", NULL));
  out->growth = GTK_LABEL (value_label (name_g, "", NULL));
  out->bar = bar;
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (out->target));
  gtk_box_append (GTK_BOX (card), bar);
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (out->attainment));
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (out->growth));
}

static void
period_card_update (const PeriodCard        *card,
                    const QdPurchaseFigures *f)
{
  g_autofree char *purchases = money (f->purchases_fen);
  g_autofree char *target = NULL;
  g_autofree char *attainment = NULL;
  g_autofree char *growth = NULL;

  if (f->target_fen > 0)
    {
      g_autofree char *t = money (f->target_fen);

      /* Translators: under the purchases of a period: its target. */
      target = g_strdup_printf (_("target %s"), t);
      attainment = qd_format_percent_bp (f->attainment_bp);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (card->bar), MIN (1.0, f->attainment_bp / 10000.0));
    }
  else
    {
      target = g_strdup (_("no target"));
      attainment = g_strdup ("—");
      gtk_level_bar_set_value (GTK_LEVEL_BAR (card->bar), 0);
    }
  gtk_widget_set_sensitive (card->bar, f->target_fen > 0);
  if (f->has_growth)
    {
      g_autofree char *g = qd_format_growth_bp (f->growth_bp);

      /* Translators: growth against the same dates of last year, "+12.5 %". */
      growth = g_strdup_printf (_("%s on last year"), g);
    }
  else
    growth = g_strdup (_("no purchases last year"));

  set_text (card->purchases, purchases);
  set_text (card->target, target);
  set_text (card->attainment, attainment);
  set_text (card->growth, growth);
  if (f->has_growth && f->growth_bp < 0)
    gtk_widget_add_css_class (GTK_WIDGET (card->growth), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (card->growth), "error");
}

static void
add_period_card (GtkWidget               *flow,
                 const char              *title,
                 const char              *prefix,
                 const QdPurchaseFigures *f)
{
  PeriodCard card;

  period_card_new (flow, title, prefix, &card);
  period_card_update (&card, f);
}

static GtkWidget *
add_group (GtkBox     *box,
           const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (box, group);
  return group;
}

/* A row with a value label at its end, named for the tests. */
static GtkWidget *
add_value_row (GtkWidget  *group,
               const char *title,
               const char *name,
               const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = value_label (name, value, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  /* A wrapping label asks for the width of its longest word only; let a sentence ("Order
   * ¥12,300.00 more this quarter to reach 3 %") take a line where there is room. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_widget_set_hexpand (label, TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static void
set_feedback (QdDashboardPage *self,
              const char      *text,
              gboolean         is_error)
{
  GtkLabel *label = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "manager") == 0
                    ? self->manager_feedback : self->feedback;

  if (label == NULL)
    return;
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
}

static GtkLabel *
add_feedback (GtkBox *box)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, "dashboard-feedback");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_visible (label, FALSE);
  /* Its text is its accessible name. */
  gtk_box_append (box, label);
  return GTK_LABEL (label);
}

static gboolean
is_manager (QdDashboardPage *self)
{
  g_autofree char *role = qd_store_dup_meta (self->store, "user_role");

  return g_strcmp0 (role, "manager") == 0 || g_strcmp0 (role, "admin") == 0;
}

static void
show_empty (QdDashboardPage *self,
            const char      *description)
{
  adw_status_page_set_description (self->empty_page, description);
  gtk_revealer_set_reveal_child (self->readonly_bar, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/* ---- the dealer dashboard ------------------------------------------------------------------ */

static int
stock_urgency (const QdStockCoverRow *row)
{
  /* Products to reorder first, then those with lots expiring, then the rest by SKU. */
  if (row->reorder.quantity > 0)
    return 0;
  if (row->expiring_90 > 0)
    return 1;
  return 2;
}

static int
compare_stock (gconstpointer a,
               gconstpointer b)
{
  const QdStockCoverRow *ra = *(QdStockCoverRow * const *) a;
  const QdStockCoverRow *rb = *(QdStockCoverRow * const *) b;
  int ua = stock_urgency (ra), ub = stock_urgency (rb);

  if (ua != ub)
    return ua - ub;
  return g_strcmp0 (ra->sku, rb->sku);
}

static void
add_stock_section (QdDashboardPage         *self,
                   GtkBox                  *box,
                   const QdDealerDashboard *dash)
{
  g_autofree char *description = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *group;
  gint64 e30 = 0, e60 = 0, e90 = 0;
  g_autofree char *s30 = NULL, *s60 = NULL, *s90 = NULL;

  if (dash->stock_as_of != NULL)
    /* Translators: %s is the date of the latest stock report. */
    description = g_strdup_printf (_("From the stock report of %s and the orders since."),
                                   dash->stock_as_of);
  group = add_group (box, _("Stock Cover"), description != NULL ? description
                     : _("No stock report yet: report your stock to see its cover."));
  if (dash->stock->len == 0)
    return;

  for (guint i = 0; i < dash->stock->len; i++)
    {
      const QdStockCoverRow *row = g_ptr_array_index (dash->stock, i);

      e30 += row->expiring_30;
      e60 += row->expiring_60;
      e90 += row->expiring_90;
    }
  s30 = g_strdup_printf ("%" G_GINT64_FORMAT, e30);
  s60 = g_strdup_printf ("%" G_GINT64_FORMAT, e60);
  s90 = g_strdup_printf ("%" G_GINT64_FORMAT, e90);
  add_value_row (group, _("Units in lots expiring within 30 days"), "stock-expiring-30", s30);
  add_value_row (group, _("Units in lots expiring within 60 days"), "stock-expiring-60", s60);
  add_value_row (group, _("Units in lots expiring within 90 days"), "stock-expiring-90", s90);

  rows = g_ptr_array_new ();
  for (guint i = 0; i < dash->stock->len; i++)
    g_ptr_array_add (rows, g_ptr_array_index (dash->stock, i));
  g_ptr_array_sort (rows, compare_stock);

  for (guint i = 0; i < rows->len && i < MAX_STOCK_ROWS; i++)
    {
      const QdStockCoverRow *row = g_ptr_array_index (rows, i);
      GtkWidget *arow = adw_action_row_new ();
      g_autofree char *cover = qd_format_cover (&row->cover);
      g_autofree char *subtitle = NULL;
      g_autofree char *title = NULL;
      GtkWidget *label;

      title = g_markup_escape_text (row->name != NULL ? row->name : row->product_id, -1);
      g_autofree char *on_hand = g_strdup_printf ("%" G_GINT64_FORMAT, row->on_hand);
      g_autofree char *monthly = g_strdup_printf ("%" G_GINT64_FORMAT, row->forecast_month);
      g_autofree char *expiring = g_strdup_printf ("%" G_GINT64_FORMAT, row->expiring_90);

      /* Translators: a product's stock line: SKU, units on hand, forecast sales per month
       * and units in lots expiring within 90 days. */
      subtitle = g_strdup_printf (_("%s · on hand %s · about %s a month · expiring in 90 "
                                    "days %s"),
                                  row->sku != NULL ? row->sku : "—", on_hand, monthly,
                                  expiring);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (arow), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (arow), subtitle);
      label = gtk_label_new (cover);
      gtk_widget_add_css_class (label, "numeric");
      if (row->below_target)
        gtk_widget_add_css_class (label, "warning");
      adw_action_row_add_suffix (ADW_ACTION_ROW (arow), label);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), arow);
    }
  if (rows->len > MAX_STOCK_ROWS)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (NULL, "and %u more product",
                                                            "and %u more products",
                                                            rows->len - MAX_STOCK_ROWS),
                                               rows->len - MAX_STOCK_ROWS);
      GtkWidget *arow = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (arow), more);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), arow);
    }
}

static void
add_suggestions_clicked_cb (QdDashboardPage *self)
{
  g_autoptr(GError) error = NULL;
  guint n = qd_dashboard_page_add_suggestions_to_cart (self, &error);
  g_autofree char *text = NULL;

  if (error != NULL)
    {
      set_feedback (self, error->message, TRUE);
      return;
    }
  text = g_strdup_printf (g_dngettext (NULL, "%u suggestion is in the cart",
                                       "%u suggestions are in the cart", n), n);
  set_feedback (self, text, FALSE);
}

static void
add_reorder_section (QdDashboardPage         *self,
                     GtkBox                  *box,
                     const QdDealerDashboard *dash,
                     gboolean                 read_only)
{
  GtkWidget *group = add_group (box, _("Suggested Reorder"),
                                _("For products below their target cover: the forecast "
                                  "demand over the lead time plus safety stock, less stock "
                                  "and open orders, in whole packs."));
  g_autofree char *count = g_strdup_printf ("%u", dash->n_reorder);

  GtkWidget *count_row = add_value_row (group, _("Products to reorder"), "reorder-count", count);

  /* On the count's row rather than as the group's header suffix: libadwaita 1.2 unparents
   * a header suffix twice when the group is destroyed. */
  if (!read_only && dash->n_reorder > 0)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Add Suggestions to Cart"));

      gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_name (button, "add-suggestions");
      g_signal_connect_swapped (button, "clicked", G_CALLBACK (add_suggestions_clicked_cb),
                                self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (count_row), button);
    }

  for (guint i = 0; i < dash->stock->len; i++)
    {
      const QdStockCoverRow *row = g_ptr_array_index (dash->stock, i);
      g_autofree char *title = NULL;
      g_autofree char *qty = NULL;
      GtkWidget *arow, *label;

      if (row->reorder.quantity <= 0)
        continue;
      arow = adw_action_row_new ();
      title = g_markup_escape_text (row->name != NULL ? row->name : row->product_id, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (arow), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (arow), row->sku != NULL ? row->sku : "");
      g_autofree char *units = g_strdup_printf ("%" G_GINT64_FORMAT, row->reorder.quantity);
      g_autofree char *packs = g_strdup_printf ("%" G_GINT64_FORMAT, row->reorder.packs);

      /* Translators: a suggested quantity and the number of packs it makes. */
      qty = g_strdup_printf (g_dngettext (NULL, "%s (%s pack)", "%s (%s packs)",
                                          (gulong) MIN (row->reorder.packs, G_MAXLONG)),
                             units, packs);
      label = gtk_label_new (qty);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (arow), label);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), arow);
    }
}

static gboolean
show_dealer (QdDashboardPage  *self,
             const char       *dealer_id,
             gboolean          read_only,
             GError          **error)
{
  QdDealerDashboardQuery query = { .dealer_id = dealer_id, .today = self->today };
  g_autoptr(QdDealerDashboard) dash = NULL;
  g_autofree char *subtitle = NULL;
  GtkBox *box = self->dealer_box;
  GtkWidget *flow, *group;

  dash = qd_store_dealer_dashboard (self->store, &query, error);
  if (dash == NULL)
    return FALSE;

  clear_box (box);
  self->feedback = NULL;
  /* Translators: under the dealer's name: the date the figures run to. */
  subtitle = g_strdup_printf (_("Figures to %s, from the data on this computer"), dash->today);
  heading (box, dash->dealer_name != NULL ? dash->dealer_name : dash->dealer_id, subtitle);
  self->feedback = add_feedback (box);

  flow = card_flow (box, 3);
  add_period_card (flow, _("This Month"), "dealer-month", &dash->month);
  add_period_card (flow, _("This Quarter"), "dealer-quarter", &dash->quarter);
  add_period_card (flow, _("This Year"), "dealer-year", &dash->year);

  {
    g_autofree char *title = g_strdup_printf (_("Rebate %s"), dash->rebate_period);

    if (dash->rebate_policy_id == NULL)
      group = add_group (box, title, _("No rebate policy applies this quarter."));
    else
      {
        const QdRebateProgress *r = &dash->rebate;
        g_autofree char *earned = money (r->earned_fen);
        g_autofree char *projected = money (r->projected_fen);
        g_autofree char *tier = NULL;
        g_autofree char *next = NULL;

        group = add_group (box, title, NULL);
        if (r->tier >= 0)
          {
            g_autofree char *rate = qd_format_percent_bp (r->rate_bp);

            /* Translators: the rebate tier reached (a rate) and the rebate earned. */
            tier = g_strdup_printf (_("%s, earning %s"), rate, earned);
          }
        else
          tier = g_strdup (_("none yet"));
        /* The same words as the cart's hint (core's), so both read alike. */
        next = qd_rebate_policy_format_hint (dash->rebate_policy, r->amount_fen);
        add_value_row (group, _("Tier reached"), "rebate-tier", tier);
        add_value_row (group, _("Next tier"), "rebate-next", next);
        add_value_row (group, _("Projected rebate"), "rebate-projected", projected);
      }
  }

  {
    g_autofree char *limit = money (dash->credit.credit_limit_fen);
    g_autofree char *used = money (dash->credit.open_balance_fen + dash->credit.uninvoiced_fen);
    g_autofree char *available = money (dash->credit.available_fen);

    group = add_group (box, _("Credit"), _("Orders not yet invoiced, including those still "
                                            "waiting to be sent, count as used."));
    add_value_row (group, _("Credit limit"), "credit-limit", limit);
    add_value_row (group, _("Used"), "credit-used", used);
    add_value_row (group, _("Available"), "credit-available", available);
  }

  add_stock_section (self, box, dash);
  add_reorder_section (self, box, dash, read_only);

  g_clear_pointer (&self->dealer_dash, qd_dealer_dashboard_free);
  self->dealer_dash = g_steal_pointer (&dash);

  if (read_only)
    {
      g_autofree char *text = g_strdup_printf (_("%s — read only"),
                                               self->dealer_dash->dealer_name != NULL
                                               ? self->dealer_dash->dealer_name
                                               : self->dealer_dash->dealer_id);

      gtk_label_set_text (self->readonly_label, text);
    }
  gtk_revealer_set_reveal_child (self->readonly_bar, read_only);
  gtk_stack_set_visible_child_name (self->stack, "dealer");
  return TRUE;
}

/* ---- the manager dashboard: charts ------------------------------------------------------ */

static void
toggle_to_stack_cb (GtkToggleButton *toggle,
                    GtkStack        *stack)
{
  gtk_stack_set_visible_child_name (stack, gtk_toggle_button_get_active (toggle)
                                           ? "table" : "chart");
}

/* A chart in a card, with a toggle that shows the same data as a table instead. */
static GtkWidget *
add_chart_card (GtkBox     *box,
                const char *title,
                const char *legend,
                const char *name,
                GtkWidget  *chart,
                GtkWidget  *table)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *toggle = gtk_toggle_button_new_with_mnemonic (_("Show as _Table"));
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  g_autofree char *toggle_name = g_strdup_printf ("%s-table-toggle", name);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "qd-chart-card");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_name (toggle, toggle_name);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (toggle, "flat");
  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (header), toggle);
  gtk_box_append (GTK_BOX (card), header);
  if (legend != NULL)
    gtk_box_append (GTK_BOX (card), caption (legend));

  gtk_widget_set_name (chart, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), table);
  gtk_stack_add_named (GTK_STACK (stack), chart, "chart");
  gtk_stack_add_named (GTK_STACK (stack), scroller, "table");
  gtk_stack_set_vhomogeneous (GTK_STACK (stack), FALSE);
  gtk_stack_set_hhomogeneous (GTK_STACK (stack), FALSE);
  g_signal_connect (toggle, "toggled", G_CALLBACK (toggle_to_stack_cb), stack);
  gtk_box_append (GTK_BOX (card), stack);
  gtk_box_append (box, card);
  return toggle;
}

/* A plain grid of text: the table alternative of a chart. */
static GtkWidget *
text_table_new (const char * const *headers,
                guint               n_columns)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_widget_set_margin_top (grid, 6);
  gtk_widget_set_margin_bottom (grid, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (grid), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  headers[0], -1);
  for (guint c = 0; c < n_columns; c++)
    {
      GtkWidget *label = gtk_label_new (headers[c]);

      gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
      gtk_widget_add_css_class (label, "heading");
      gtk_grid_attach (GTK_GRID (grid), label, c, 0, 1, 1);
    }
  return grid;
}

/* Sets row @row of a text table, reusing its labels when the row exists. */
static void
text_table_set (GtkWidget          *grid,
                guint               row,
                const char * const *cells,
                guint               n_columns)
{
  for (guint c = 0; c < n_columns; c++)
    {
      GtkWidget *label = gtk_grid_get_child_at (GTK_GRID (grid), c, row + 1);

      if (label == NULL)
        {
          label = gtk_label_new (NULL);
          gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
          if (c > 0)
            gtk_widget_add_css_class (label, "numeric");
          gtk_grid_attach (GTK_GRID (grid), label, c, row + 1, 1, 1);
        }
      if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), cells[c]) != 0)
        gtk_label_set_text (GTK_LABEL (label), cells[c]);
    }
}

/* Removes the rows from @n_rows on. */
static void
text_table_truncate (GtkWidget *grid,
                     guint      n_rows)
{
  while (gtk_grid_get_child_at (GTK_GRID (grid), 0, n_rows + 1) != NULL)
    gtk_grid_remove_row (GTK_GRID (grid), n_rows + 1);
}

static void
build_charts (QdDashboardPage *self,
              GtkBox          *box)
{
  const char *line_headers[] = { _("Month"), _("Purchases"), _("Target") };
  const char *bar_headers[] = { _("Dealer"), _("Target reached this year") };
  const char *mix_headers[] = { _("Category"), _("Purchases this year"), _("Share") };
  GtkWidget *toggle;

  self->line_chart = qd_line_chart_new ();
  self->bar_chart = qd_bar_chart_new ();
  self->mix_chart = qd_bar_chart_new ();
  self->line_table = text_table_new (line_headers, 3);
  self->bar_table = text_table_new (bar_headers, 2);
  self->mix_table = text_table_new (mix_headers, 3);
  qd_bar_chart_set_reference (QD_BAR_CHART (self->bar_chart), 10000);

  toggle = add_chart_card (box, "", _("Solid line: purchases; dashed line: target"),
                           "chart-purchases", self->line_chart, self->line_table);
  /* The title says how many months: the card's heading, before the toggle. */
  self->line_title = GTK_LABEL (gtk_widget_get_prev_sibling (toggle));
  add_chart_card (box, _("Dealers by Target Reached This Year"),
                  _("Dashed line: the whole target; red bars: behind the target to date"),
                  "chart-attainment", self->bar_chart, self->bar_table);
  add_chart_card (box, _("Category Mix This Year"), NULL, "chart-categories", self->mix_chart,
                  self->mix_table);
}

static void
update_charts (QdDashboardPage          *self,
               const QdManagerDashboard *dash)
{
  g_autofree const char **labels = g_new0 (const char *, dash->series->len + 1);
  g_autofree gint64 *values = g_new0 (gint64, dash->series->len + 1);
  g_autofree gint64 *targets = g_new0 (gint64, dash->series->len + 1);
  g_autofree char *line_title = NULL;
  gint64 total = 0;

  for (guint i = 0; i < dash->series->len; i++)
    {
      const QdMonthFigures *m = g_ptr_array_index (dash->series, i);
      g_autofree char *p = money (m->purchases_fen);
      g_autofree char *t = money (m->target_fen);
      const char *cells[] = { m->month, p, t };

      labels[i] = m->month;
      values[i] = m->purchases_fen;
      targets[i] = m->target_fen;
      text_table_set (self->line_table, i, cells, 3);
    }
  text_table_truncate (self->line_table, dash->series->len);
  qd_line_chart_set_data (QD_LINE_CHART (self->line_chart), labels, values, targets,
                          dash->series->len);
  line_title = g_strdup_printf (g_dngettext (NULL, "Purchases and Target, %u Month",
                                             "Purchases and Target, %u Months",
                                             dash->series->len), dash->series->len);
  set_text (self->line_title, line_title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->line_chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, line_title, -1);

  qd_bar_chart_clear (QD_BAR_CHART (self->bar_chart));
  for (guint i = 0; i < dash->dealers->len; i++)
    {
      const QdDealerRow *d = g_ptr_array_index (dash->dealers, i);
      g_autofree char *text = d->year.attainment_bp >= 0
                              ? qd_format_percent_bp (d->year.attainment_bp)
                              : g_strdup (_("no target"));
      const char *cells[] = { d->name, text };

      qd_bar_chart_add (QD_BAR_CHART (self->bar_chart), d->name,
                        MAX (d->year.attainment_bp, 0), text, d->behind_target);
      text_table_set (self->bar_table, i, cells, 2);
    }
  text_table_truncate (self->bar_table, dash->dealers->len);

  for (guint i = 0; i < dash->categories->len; i++)
    total += ((QdCategoryFigures *) g_ptr_array_index (dash->categories, i))->purchases_fen;
  qd_bar_chart_clear (QD_BAR_CHART (self->mix_chart));
  for (guint i = 0; i < dash->categories->len; i++)
    {
      const QdCategoryFigures *c = g_ptr_array_index (dash->categories, i);
      const char *name = c->category != NULL && *c->category != '\0' ? c->category
                                                                      : _("Other");
      g_autofree char *share = qd_format_percent_bp (total > 0 ? c->purchases_fen * 10000 / total
                                                               : 0);
      g_autofree char *amount = money (c->purchases_fen);
      const char *cells[] = { name, amount, share };

      qd_bar_chart_add (QD_BAR_CHART (self->mix_chart), name, c->purchases_fen, share, FALSE);
      text_table_set (self->mix_table, i, cells, 3);
    }
  text_table_truncate (self->mix_table, dash->categories->len);
}

/* ---- the manager dashboard: the dealer table ------------------------------------------------ */

typedef enum
{
  COL_NAME,
  COL_PURCHASES,
  COL_ATTAINMENT,
  COL_GROWTH,
  COL_LAST_ORDER,
  COL_COVER,
  COL_CREDIT_USED,
  COL_STATEMENT,
  N_COLUMNS,
} Column;

static char *
cell_text (QdDealerItem *item,
           Column        column)
{
  const QdDealerRow *row = qd_dealer_item_get_row (item);

  switch (column)
    {
    case COL_NAME:
      return g_strdup (row->name != NULL ? row->name : row->dealer_id);
    case COL_PURCHASES:
      return money (row->year.purchases_fen);
    case COL_ATTAINMENT:
      return qd_dealer_item_dup_attainment_text (item);
    case COL_GROWTH:
      return qd_dealer_item_dup_growth_text (item);
    case COL_LAST_ORDER:
      /* The date is enough in a table; the time of day is in the dealer's orders. */
      return row->last_order_at != NULL ? g_strndup (row->last_order_at, 10) : g_strdup ("—");
    case COL_COVER:
      return qd_dealer_item_dup_cover_text (item);
    case COL_CREDIT_USED:
      return money (row->credit_used_fen);
    case COL_STATEMENT:
      return qd_dealer_item_dup_statement_text (item);
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COL_NAME || column == COL_STATEMENT
                                           ? 0 : 1);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column != COL_NAME)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
cell_fill (GtkListItem *list_item,
           Column       column)
{
  QdDealerItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = cell_text (item, column);
  const QdDealerRow *row = qd_dealer_item_get_row (item);

  gtk_label_set_text (GTK_LABEL (label), text);
  if ((column == COL_ATTAINMENT && row->behind_target)
      || (column == COL_STATEMENT && (row->statements_disputed > 0
                                      || row->statements_overdue > 0)))
    gtk_widget_add_css_class (label, "warning");
  else
    gtk_widget_remove_css_class (label, "warning");
}

static void
dealer_item_notify_cb (QdDealerItem *item,
                       GParamSpec   *pspec,
                       GtkListItem  *list_item)
{
  cell_fill (list_item, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (list_item), "column")));
}

/* A cell follows its dealer while bound: a reload updates the items in place. */
static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  QdDealerItem *item = gtk_list_item_get_item (list_item);
  gulong handler = g_signal_connect (item, "notify::name", G_CALLBACK (dealer_item_notify_cb),
                                     list_item);

  g_object_set_data (G_OBJECT (list_item), "column", user_data);
  g_object_set_data (G_OBJECT (list_item), "notify-handler", GSIZE_TO_POINTER (handler));
  cell_fill (list_item, GPOINTER_TO_UINT (user_data));
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  QdDealerItem *item = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item),
                                                        "notify-handler"));

  if (item != NULL && handler != 0)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (list_item), "notify-handler", NULL);
}

static const char *
column_title (Column column)
{
  switch (column)
    {
    case COL_NAME: return _("Dealer");
    case COL_PURCHASES: return _("Purchases this year");
    case COL_ATTAINMENT: return _("Target reached");
    case COL_GROWTH: return _("Growth");
    case COL_LAST_ORDER: return _("Last order");
    case COL_COVER: return _("Stock cover");
    case COL_CREDIT_USED: return _("Credit used");
    case COL_STATEMENT: return _("Statement");
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static GtkSorter *
column_sorter (Column column)
{
  static const char * const props[N_COLUMNS] = {
    "name", "purchases", "attainment", "growth", "last-order", "cover", "credit-used",
    "statement",
  };
  GtkExpression *expr = gtk_property_expression_new (QD_TYPE_DEALER_ITEM, NULL, props[column]);

  if (column == COL_NAME || column == COL_LAST_ORDER || column == COL_STATEMENT)
    return GTK_SORTER (gtk_string_sorter_new (expr));
  return GTK_SORTER (gtk_numeric_sorter_new (expr));
}

static void
dealer_activated_cb (GtkColumnView   *view,
                     guint            position,
                     QdDashboardPage *self)
{
  g_autoptr(QdDealerItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted_dealers),
                                                        position);

  if (item != NULL)
    qd_dashboard_page_show_dealer (self, qd_dealer_item_get_row (item)->dealer_id);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    QdDashboardPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = NULL;
      g_autoptr(GError) error = NULL;

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      G_GNUC_END_IGNORE_DEPRECATIONS
      if (file != NULL && !qd_dashboard_page_export_csv (self, file, &error))
        set_feedback (self, error->message, TRUE);
      else if (file != NULL)
        {
          g_autofree char *name = g_file_get_parse_name (file);
          g_autofree char *text = g_strdup_printf (_("Dealer table saved as %s"), name);

          set_feedback (self, text, FALSE);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
export_clicked_cb (QdDashboardPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;
  GtkFileChooserNative *dialog;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_file_chooser_native_new (_("Export Dealer Table"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  /* Translators: the suggested file name of the dealer table export; keep ".csv". */
  name = g_strdup_printf (_("dealers-%s.csv"), self->today != NULL ? self->today : "");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
build_dealer_table (QdDashboardPage *self,
                    GtkBox          *box)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (_("Dealers"));
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Export CSV…"));
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view;

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_name (button, "export-csv");
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (export_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), caption (_("Open a dealer to see its dashboard")));
  gtk_box_append (GTK_BOX (header), button);
  gtk_box_append (box, header);

  self->dealer_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->dealer_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->dealer_selection, TRUE);
  view = gtk_column_view_new (GTK_SELECTION_MODEL (self->dealer_selection));
  self->dealer_view = GTK_COLUMN_VIEW (view);
  gtk_widget_set_name (view, "dealer-table");
  gtk_column_view_set_show_row_separators (GTK_COLUMN_VIEW (view), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Dealers"), -1);
  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autoptr(GtkSorter) sorter = column_sorter (c);

      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GUINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (c));
      g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (column_title (c), factory);
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (c == COL_NAME)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
    }
  g_clear_object (&self->sorted_dealers);
  self->sorted_dealers = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->dealers)),
                                                  g_object_ref (gtk_column_view_get_sorter (
                                                    GTK_COLUMN_VIEW (view))));
  gtk_single_selection_set_model (self->dealer_selection, G_LIST_MODEL (self->sorted_dealers));
  g_signal_connect (view, "activate", G_CALLBACK (dealer_activated_cb), self);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 240);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 480);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_widget_add_css_class (scroller, "card");
  gtk_box_append (box, scroller);
}

static const char *
dealer_item_key (gpointer item)
{
  return qd_dealer_item_get_row (item)->dealer_id;
}

/* Brings @store to the items of @wanted (the same objects for the same keys), touching as
 * little as it can: when the items stay in the same order only the @changed positions are
 * spliced (for a sort model above to re-sort them; NULL: none — bound rows follow their
 * items' signals, and a splice would recycle a row with the focus in it), else the whole list
 * is swapped for the same objects in their new order — a selection and the list views'
 * scroll anchors follow the objects. */
static void
list_store_sync (GListStore   *store,
                 GPtrArray    *wanted,
                 const guint8 *changed)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  gboolean same_keys = n == wanted->len;

  for (guint i = 0; same_keys && i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      same_keys = item == g_ptr_array_index (wanted, i);
    }
  if (same_keys)
    {
      for (guint i = 0; changed != NULL && i < n; i++)
        if (changed[i])
          g_list_store_splice (store, i, 1, &wanted->pdata[i], 1);
      return;
    }
  g_list_store_splice (store, 0, n, wanted->pdata, wanted->len);
}

/* The new figures into the same dealer items; the selected dealer stays selected. */
static void
update_dealers (QdDashboardPage          *self,
                const QdManagerDashboard *dash)
{
  g_autoptr(GHashTable) old = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree guint8 *changed = g_new0 (guint8, dash->dealers->len + 1);
  g_autoptr(QdDealerItem) selected = gtk_single_selection_get_selected_item (
                                       self->dealer_selection) != NULL
                                     ? g_object_ref (gtk_single_selection_get_selected_item (
                                                       self->dealer_selection))
                                     : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->dealers));

  for (guint i = 0; i < n; i++)
    {
      QdDealerItem *item = g_list_model_get_item (G_LIST_MODEL (self->dealers), i);

      g_hash_table_insert (old, (gpointer) dealer_item_key (item), item);
      g_object_unref (item);  /* the store keeps it */
    }
  for (guint i = 0; i < dash->dealers->len; i++)
    {
      const QdDealerRow *row = g_ptr_array_index (dash->dealers, i);
      QdDealerItem *item = g_hash_table_lookup (old, row->dealer_id);

      if (item != NULL)
        {
          changed[i] = qd_dealer_item_set_row (item, row);
          g_ptr_array_add (wanted, g_object_ref (item));
        }
      else
        {
          changed[i] = TRUE;
          g_ptr_array_add (wanted, qd_dealer_item_new (row));
        }
    }
  list_store_sync (self->dealers, wanted, changed);

  /* The selection follows its object through splices; put it back if a re-sort lost it. */
  if (selected != NULL
      && gtk_single_selection_get_selected_item (self->dealer_selection) != (gpointer) selected)
    {
      GListModel *sorted = G_LIST_MODEL (self->sorted_dealers);
      guint m = g_list_model_get_n_items (sorted);

      for (guint i = 0; i < m; i++)
        {
          g_autoptr(QdDealerItem) item = g_list_model_get_item (sorted, i);

          if (item == selected)
            {
              gtk_single_selection_set_selected (self->dealer_selection, i);
              break;
            }
        }
    }
}

static void
csv_field (GString    *out,
           const char *text)
{
  if (text == NULL)
    text = "";
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * qd_dashboard_page_dealers_csv:
 *
 * The dealer table as CSV (RFC 4180, CRLF, UTF-8 with a BOM so spreadsheet programs on
 * Chinese Windows read it as UTF-8), in the table's current sort order. Amounts are plain
 * yuan with two decimals, percentages and days plain numbers, so a spreadsheet can compute
 * with them.
 *
 * Returns: (transfer full): the CSV text
 */
char *
qd_dashboard_page_dealers_csv (QdDashboardPage *self)
{
  g_autoptr(GString) out = g_string_new ("\xEF\xBB\xBF");
  const char *headers[] = {
    _("Dealer"), _("Dealer ID"), _("Purchases this year (CNY)"), _("Target this year (CNY)"),
    _("Target reached (%)"), _("Growth (%)"), _("Last order"), _("Stock cover (days)"),
    _("Credit used (CNY)"), _("Statement period"), _("Statement status"),
  };
  GListModel *model;
  guint n;

  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), NULL);

  model = self->sorted_dealers != NULL ? G_LIST_MODEL (self->sorted_dealers)
                                       : G_LIST_MODEL (self->dealers);
  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      csv_field (out, headers[i]);
    }
  g_string_append (out, "\r\n");

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdDealerItem) item = g_list_model_get_item (model, i);
      const QdDealerRow *row = qd_dealer_item_get_row (item);
      g_autofree char *purchases = qd_money_format (row->year.purchases_fen,
                                                    QD_MONEY_FORMAT_NO_SYMBOL
                                                    | QD_MONEY_FORMAT_NO_GROUPING);
      g_autofree char *target = qd_money_format (row->year.target_fen,
                                                 QD_MONEY_FORMAT_NO_SYMBOL
                                                 | QD_MONEY_FORMAT_NO_GROUPING);
      g_autofree char *used = qd_money_format (row->credit_used_fen,
                                               QD_MONEY_FORMAT_NO_SYMBOL
                                               | QD_MONEY_FORMAT_NO_GROUPING);
      g_autofree char *attainment = NULL;
      g_autofree char *growth = NULL;
      g_autofree char *cover = NULL;

      if (row->year.attainment_bp >= 0)
        attainment = g_strdup_printf ("%d.%02d", row->year.attainment_bp / 100,
                                      row->year.attainment_bp % 100);
      if (row->year.has_growth)
        growth = g_strdup_printf ("%s%" G_GINT64_FORMAT ".%02" G_GINT64_FORMAT,
                                  row->year.growth_bp < 0 ? "-" : "",
                                  ABS (row->year.growth_bp) / 100,
                                  ABS (row->year.growth_bp) % 100);
      if (row->stock_cover.kind == QD_COVER_DAYS)
        cover = g_strdup_printf ("%" G_GINT64_FORMAT, row->stock_cover.days);

      csv_field (out, row->name);
      g_string_append_c (out, ',');
      csv_field (out, row->dealer_id);
      g_string_append_c (out, ',');
      csv_field (out, purchases);
      g_string_append_c (out, ',');
      csv_field (out, row->year.target_fen > 0 ? target : "");
      g_string_append_c (out, ',');
      csv_field (out, attainment);
      g_string_append_c (out, ',');
      csv_field (out, growth);
      g_string_append_c (out, ',');
      csv_field (out, row->last_order_at);
      g_string_append_c (out, ',');
      csv_field (out, cover);
      g_string_append_c (out, ',');
      csv_field (out, used);
      g_string_append_c (out, ',');
      csv_field (out, row->statement_period);
      g_string_append_c (out, ',');
      csv_field (out, row->statement_status != NULL
                      ? qd_statement_status_text (row->statement_status) : NULL);
      g_string_append (out, "\r\n");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * qd_dashboard_page_export_csv:
 * @file: where to write; replaced atomically
 *
 * Returns: %FALSE with @error set (naming the file) when it could not be written
 */
gboolean
qd_dashboard_page_export_csv (QdDashboardPage  *self,
                              GFile            *file,
                              GError          **error)
{
  g_autofree char *csv = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  csv = qd_dashboard_page_dealers_csv (self);
  if (!g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not save the dealer table as %s: %s"), name, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- the manager dashboard: order review --------------------------------------------------- */

static void
review_clicked_cb (GtkButton       *button,
                   QdDashboardPage *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "list-item");
  GtkWidget *comment = g_object_get_data (G_OBJECT (button), "comment");
  gboolean approve = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "approve"));
  QdHeldOrderItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = NULL;
  g_autofree char *order_id = NULL;
  g_autoptr(GError) error = NULL;

  if (item == NULL)
    return;
  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (comment))));
  if (!approve && *text == '\0')
    {
      gtk_widget_add_css_class (comment, "error");
      gtk_widget_grab_focus (comment);
      set_feedback (self, _("Say in the comment why the order is rejected."), TRUE);
      return;
    }
  order_id = g_strdup (qd_held_order_item_get_id (item));
  if (!qd_dashboard_page_review (self, order_id, approve, text, &error))
    {
      set_feedback (self, error->message, TRUE);
      return;
    }
  set_feedback (self, approve ? _("Approval saved — it will be sent when you are online.")
                              : _("Rejection saved — it will be sent when you are online."),
                FALSE);
}

static void
comment_changed_cb (GtkEditable *editable,
                    GtkListItem *list_item)
{
  QdHeldOrderItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    qd_held_order_item_set_comment (item, gtk_editable_get_text (editable));
}

/* A held order's row: its number and dealer, total and reason, the dealer's history of its
 * products, a comment and the two decisions. Built once per recycled row widget. */
static void
held_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               QdDashboardPage          *self)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = caption (NULL);
  GtkWidget *history = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *comment = gtk_entry_new ();
  GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *approve = gtk_button_new_with_mnemonic (_("_Approve"));
  GtkWidget *reject = gtk_button_new_with_mnemonic (_("_Reject"));

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "qd-held-order");
  gtk_widget_set_margin_bottom (card, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_margin_start (history, 6);
  gtk_entry_set_placeholder_text (GTK_ENTRY (comment), _("Comment"));
  gtk_entry_set_max_length (GTK_ENTRY (comment), 500);
  g_signal_connect (comment, "changed", G_CALLBACK (comment_changed_cb), list_item);

  gtk_widget_add_css_class (approve, "suggested-action");
  gtk_widget_add_css_class (reject, "destructive-action");
  gtk_widget_set_name (approve, "approve");
  gtk_widget_set_name (reject, "reject");
  for (int k = 0; k < 2; k++)
    {
      GtkWidget *button = k == 0 ? approve : reject;

      g_object_set_data (G_OBJECT (button), "list-item", list_item);
      g_object_set_data (G_OBJECT (button), "comment", comment);
      g_object_set_data (G_OBJECT (button), "approve", GINT_TO_POINTER (k == 0));
      g_signal_connect (button, "clicked", G_CALLBACK (review_clicked_cb), self);
    }
  gtk_widget_set_halign (actions, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (actions), reject);
  gtk_box_append (GTK_BOX (actions), approve);

  gtk_box_append (GTK_BOX (card), title);
  gtk_box_append (GTK_BOX (card), subtitle);
  gtk_box_append (GTK_BOX (card), history);
  gtk_box_append (GTK_BOX (card), comment);
  gtk_box_append (GTK_BOX (card), actions);
  g_object_set_data (G_OBJECT (card), "title", title);
  g_object_set_data (G_OBJECT (card), "subtitle", subtitle);
  g_object_set_data (G_OBJECT (card), "history", history);
  g_object_set_data (G_OBJECT (card), "comment", comment);
  g_object_set_data (G_OBJECT (card), "approve", approve);
  g_object_set_data (G_OBJECT (card), "reject", reject);
  gtk_list_item_set_child (list_item, card);
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
}

static char *
history_text (const QdProductHistory *h)
{
  g_autofree char *qty = g_strdup_printf ("%" G_GINT64_FORMAT, h->qty);
  g_autofree char *sub = NULL;

  if (h->orders_12m == 0 && h->last_order_at == NULL)
    /* Translators: a product of a held order that the dealer never bought before; %s is its
     * quantity in the order. */
    sub = g_strdup_printf (_("this order %s · never bought before"), qty);
  else
    {
      g_autofree char *last = g_strndup (h->last_order_at != NULL ? h->last_order_at : "—", 10);
      g_autofree char *n_orders = g_strdup_printf ("%u", h->orders_12m);
      g_autofree char *units = g_strdup_printf ("%" G_GINT64_FORMAT, h->qty_12m);

      /* Translators: a product of a held order: its quantity there, the dealer's orders and
       * units of it in the 12 months before, and the date last bought. */
      sub = g_strdup_printf (_("this order %s · 12 months before: %s orders, %s units · last %s"),
                             qty, n_orders, units, last);
    }
  return g_strdup_printf ("%s (%s): %s", h->name != NULL ? h->name : h->product_id,
                          h->sku != NULL ? h->sku : "—", sub);
}

static void
held_fill (GtkListItem *list_item)
{
  QdHeldOrderItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *card = gtk_list_item_get_child (list_item);
  GtkWidget *history = g_object_get_data (G_OBJECT (card), "history");
  GtkWidget *comment = g_object_get_data (G_OBJECT (card), "comment");
  GtkWidget *approve = g_object_get_data (G_OBJECT (card), "approve");
  GtkWidget *reject = g_object_get_data (G_OBJECT (card), "reject");
  GPtrArray *rows = qd_held_order_item_get_history (item);
  const char *number = qd_held_order_item_get_number (item);
  gboolean pending = qd_held_order_item_get_pending (item);
  g_autofree char *total = money (qd_held_order_item_get_total (item));
  g_autofree char *title = g_strdup_printf ("%s · %s", number != NULL ? number : "—",
                                            qd_held_order_item_get_dealer (item));
  g_autofree char *subtitle = NULL;
  g_autofree char *a_comment = NULL;
  g_autofree char *a_approve = NULL;
  g_autofree char *a_reject = NULL;
  GtkWidget *child;

  if (pending)
    /* Translators: a held order: its total, then that the decision is not yet sent. */
    subtitle = g_strdup_printf (_("%s · decision waiting to be sent"), total);
  else
    subtitle = g_strdup_printf ("%s · %s", total,
                                qd_held_order_item_get_reason (item) != NULL
                                ? qd_held_order_item_get_reason (item) : _("held for review"));
  gtk_widget_set_name (card, qd_held_order_item_get_id (item));
  set_text (g_object_get_data (G_OBJECT (card), "title"), title);
  set_text (g_object_get_data (G_OBJECT (card), "subtitle"), subtitle);

  /* The history's labels are rebuilt only when the row shows another history (the row keeps
   * a reference to the one it shows, so its address cannot come back for another). */
  if (rows == NULL || g_object_get_data (G_OBJECT (history), "shown") != (gpointer) rows)
    {
      g_object_set_data_full (G_OBJECT (history), "shown",
                              rows != NULL ? g_ptr_array_ref (rows) : NULL,
                              (GDestroyNotify) g_ptr_array_unref);
      while ((child = gtk_widget_get_first_child (history)) != NULL)
        gtk_box_remove (GTK_BOX (history), child);
      if (rows == NULL)
        gtk_box_append (GTK_BOX (history), caption (_("The dealer’s history of these products "
                                                     "is being computed…")));
      for (guint j = 0; rows != NULL && j < rows->len; j++)
        {
          g_autofree char *text = history_text (g_ptr_array_index (rows, j));
          GtkWidget *label = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_box_append (GTK_BOX (history), label);
        }
    }

  /* The comment typed so far belongs to the order, not to the recycled row. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (comment)),
                 qd_held_order_item_get_comment (item)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (comment), qd_held_order_item_get_comment (item));
  gtk_widget_remove_css_class (comment, "error");

  {
    const char *which = number != NULL ? number : qd_held_order_item_get_id (item);

    /* Every held order has the same three controls: their accessible names say which order
     * they act on (GTK 4.8 would otherwise name a mnemonic button "_Approve Approve"). */
    /* Translators: accessible names of the review controls; %s is an order number. */
    a_comment = g_strdup_printf (_("Comment on order %s"), which);
    a_approve = g_strdup_printf (_("Approve order %s"), which);
    a_reject = g_strdup_printf (_("Reject order %s"), which);
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (comment), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  a_comment, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (approve), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  a_approve, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (reject), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  a_reject, -1);
  if (pending)
    {
      /* GTK 4.8 keeps a focused text blinking when it turns insensitive (and warns): move
       * the focus out of the comment first. */
      GtkRoot *root = gtk_widget_get_root (card);
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      if (focus != NULL && (focus == comment || gtk_widget_is_ancestor (focus, comment)))
        gtk_root_set_focus (root, NULL);
    }
  gtk_widget_set_sensitive (comment, !pending);
  gtk_widget_set_sensitive (approve, !pending);
  gtk_widget_set_sensitive (reject, !pending);
}

static void
held_item_changed_cb (QdHeldOrderItem *item,
                      GtkListItem     *list_item)
{
  held_fill (list_item);
}

/* A row follows its item while bound: a reload updates items, not rows. */
static void
held_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              QdDashboardPage          *self)
{
  QdHeldOrderItem *item = gtk_list_item_get_item (list_item);
  gulong handler = g_signal_connect (item, "changed", G_CALLBACK (held_item_changed_cb),
                                     list_item);

  g_object_set_data (G_OBJECT (list_item), "changed-handler", GSIZE_TO_POINTER (handler));
  held_fill (list_item);
}

static void
held_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                QdDashboardPage          *self)
{
  QdHeldOrderItem *item = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item),
                                                        "changed-handler"));

  if (item != NULL && handler != 0)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (list_item), "changed-handler", NULL);
}

/* The held orders: a GtkListView over self->held in a scroller of its own, so that any
 * number of them costs only the rows in view. */
static void
build_review_section (QdDashboardPage *self,
                      GtkBox          *box)
{
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (_("Orders Held for Review"));
  GtkWidget *description = caption (NULL);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->held)));
  GtkWidget *view;
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (vbox), title);
  gtk_box_append (GTK_BOX (vbox), description);
  self->review_description = GTK_LABEL (description);

  g_signal_connect (factory, "setup", G_CALLBACK (held_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (held_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (held_unbind_cb), self);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);
  self->review_view = GTK_LIST_VIEW (view);
  gtk_widget_set_name (view, "review-list");
  gtk_widget_add_css_class (view, "background");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Orders Held for Review"), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 640);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  self->review_scroller = scroller;
  gtk_box_append (GTK_BOX (vbox), scroller);
  gtk_box_append (box, vbox);
}

/* The held orders of a reload into the same items (a comment being typed stays); the
 * histories it computed replace theirs, the others are refreshed in the background. */
static void
update_held (QdDashboardPage          *self,
             const QdManagerDashboard *dash,
             GPtrArray                *orders,
             GHashTable               *histories)
{
  g_autoptr(GHashTable) old = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->held));

  for (guint i = 0; i < dash->dealers->len; i++)
    {
      const QdDealerRow *d = g_ptr_array_index (dash->dealers, i);

      g_hash_table_insert (names, d->dealer_id, d->name);
    }
  for (guint i = 0; i < n; i++)
    {
      QdHeldOrderItem *item = g_list_model_get_item (G_LIST_MODEL (self->held), i);

      g_hash_table_insert (old, (gpointer) qd_held_order_item_get_id (item), item);
      g_object_unref (item);  /* the store keeps it */
    }
  for (guint i = 0; i < orders->len; i++)
    {
      const QdOrderInfo *order = g_ptr_array_index (orders, i);
      const char *dealer = g_hash_table_lookup (names, order->dealer_id);
      QdHeldOrderItem *item = g_hash_table_lookup (old, order->id);
      GPtrArray *history = histories != NULL ? g_hash_table_lookup (histories, order->id) : NULL;

      /* An item in view redraws its row on its own "changed". */
      if (item != NULL)
        {
          qd_held_order_item_update (item, order, dealer);
          g_ptr_array_add (wanted, g_object_ref (item));
        }
      else
        {
          item = qd_held_order_item_new (order, dealer);
          g_ptr_array_add (wanted, item);
        }
      if (history != NULL)
        qd_held_order_item_set_history (item, g_ptr_array_ref (history));
      else
        qd_held_order_item_mark_history_stale (item);
    }
  list_store_sync (self->held, wanted, NULL);

  set_text (self->review_description,
                      orders->len == 0 ? _("No order is waiting for your review.")
                                       : _("Orders far above the dealer’s usual quantities "
                                           "wait for your decision. It is sent with the next "
                                           "sync."));
  gtk_widget_set_visible (self->review_scroller, orders->len > 0);
  /* A GtkListView asked for its natural height knows only the rows it made: with more than
   * a few orders the scroller gets a height of its own, and only the rows in view exist. */
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (self->review_scroller),
                                              orders->len > 2 ? 560 : -1);
}

/* ---- the manager dashboard: built once, updated by each reload ------------------------------ */

static GtkLabel *
kpi_card (GtkWidget  *flow,
          const char *title,
          const char *name,
          const char *note)
{
  GtkWidget *card = add_card (flow, title, name, "");

  gtk_box_append (GTK_BOX (card), caption (note));
  return GTK_LABEL (gtk_widget_get_next_sibling (gtk_widget_get_first_child (card)));
}

static void
build_manager_view (QdDashboardPage *self)
{
  GtkBox *box = self->manager_box;
  GtkWidget *vbox, *flow;

  clear_box (box);
  vbox = heading (box, _("Your Region"), "");
  self->manager_subtitle = GTK_LABEL (gtk_widget_get_last_child (vbox));
  self->manager_feedback = add_feedback (box);

  flow = card_flow (box, 3);
  period_card_new (flow, _("This Month"), "region-month", &self->region[0]);
  period_card_new (flow, _("This Quarter"), "region-quarter", &self->region[1]);
  period_card_new (flow, _("This Year"), "region-year", &self->region[2]);
  /* The counts in a flow of their own: homogeneous with the period cards they would be as
   * tall as those. */
  flow = card_flow (box, 4);
  self->kpi_behind = kpi_card (flow, _("Dealers Behind Target"), "kpi-behind",
                               _("Year to date against the target to date"));
  self->kpi_held = kpi_card (flow, _("Orders Held"), "kpi-held",
                             _("Waiting for your review below"));
  self->kpi_disputed = kpi_card (flow, _("Statements Disputed"), "kpi-disputed",
                                 _("Lines a dealer does not accept"));
  self->kpi_overdue = kpi_card (flow, _("Statements Unconfirmed"), "kpi-overdue",
                                _("Issued and not confirmed 10 days after the period"));

  build_charts (self, box);
  build_dealer_table (self, box);
  build_review_section (self, box);
  self->manager_built = TRUE;
}

/* Swaps a reload's figures into the manager view: labels set, charts given their new data,
 * the dealer and held-order models updated item by item. Nothing is rebuilt, so the scroll
 * position, the dealer selection and a comment being typed stay. */
static void
apply_manager (QdDashboardPage          *self,
               const QdManagerDashboard *dash,
               GPtrArray                *held,
               GHashTable               *histories)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *behind = NULL;
  g_autofree char *count = NULL;

  if (!self->manager_built)
    build_manager_view (self);

  subtitle = g_strdup_printf (g_dngettext (NULL, "%u dealer · figures to %s",
                                           "%u dealers · figures to %s", dash->n_dealers),
                              dash->n_dealers, dash->today);
  set_text (self->manager_subtitle, subtitle);
  period_card_update (&self->region[0], &dash->month);
  period_card_update (&self->region[1], &dash->quarter);
  period_card_update (&self->region[2], &dash->year);
  /* Translators: dealers behind target, "3 of 12". */
  behind = g_strdup_printf (_("%u of %u"), dash->dealers_behind_target, dash->n_dealers);
  set_text (self->kpi_behind, behind);
  count = g_strdup_printf ("%u", dash->held_orders);
  set_text (self->kpi_held, count);
  g_free (count);
  count = g_strdup_printf ("%u", dash->statements_disputed);
  set_text (self->kpi_disputed, count);
  g_free (count);
  count = g_strdup_printf ("%u", dash->statements_overdue);
  set_text (self->kpi_overdue, count);

  update_charts (self, dash);
  update_dealers (self, dash);
  update_held (self, dash, held, histories);
}

/* ---- the manager dashboard: computed on a worker thread ------------------------------------- */

typedef struct
{
  char               *path;
  char               *today;
  QdStore            *store;         /* the worker's connection; opened there when NULL */
  guint               generation;
  GPtrArray          *history_ids;   /* NULL: a reload; else only these orders' histories */
  /* results */
  QdManagerDashboard *dash;
  GPtrArray          *held;          /* of QdOrderInfo */
  GHashTable         *histories;     /* order id → GPtrArray of QdProductHistory */
} Job;

static void
job_free (Job *job)
{
  g_free (job->path);
  g_free (job->today);
  g_clear_object (&job->store);
  g_clear_pointer (&job->history_ids, g_ptr_array_unref);
  g_clear_pointer (&job->dash, qd_manager_dashboard_free);
  g_clear_pointer (&job->held, g_ptr_array_unref);
  g_clear_pointer (&job->histories, g_hash_table_unref);
  g_free (job);
}

static gboolean
job_history (Job         *job,
             const char  *order_id,
             GError     **error)
{
  GPtrArray *history = qd_store_order_product_history (job->store, order_id, error);

  if (history == NULL)
    return FALSE;
  g_hash_table_insert (job->histories, g_strdup (order_id), history);
  return TRUE;
}

/* In a worker thread, on the job's own connection: nothing here touches a widget. */
static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;

  if (job->store == NULL)
    {
      /* The app's connection already checked the file. */
      job->store = qd_store_open_full (job->path, QD_STORE_OPEN_NO_CHECK, &error);
      if (job->store == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  job->histories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  if (job->history_ids != NULL)
    {
      for (guint i = 0; i < job->history_ids->len; i++)
        if (!g_cancellable_is_cancelled (cancellable)
            && !job_history (job, job->history_ids->pdata[i], &error))
          {
            g_task_return_error (task, g_steal_pointer (&error));
            return;
          }
      g_task_return_boolean (task, TRUE);
      return;
    }

  {
    QdManagerDashboardQuery query = { .today = job->today };
    QdOrderQuery held = { .status = "held" };

    job->dash = qd_store_manager_dashboard (job->store, &query, &error);
    if (job->dash != NULL)
      job->held = qd_store_list_orders (job->store, &held, &error);
    for (guint i = 0; job->held != NULL && i < job->held->len && i < EAGER_HISTORIES; i++)
      if (!job_history (job, ((QdOrderInfo *) job->held->pdata[i])->id, &error))
        break;
  }
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void start_job (QdDashboardPage *self, GPtrArray *history_ids);

static void
set_loading (QdDashboardPage *self,
             gboolean         loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* The held orders whose history is older than the last reload, at most HISTORY_CHUNK. */
static GPtrArray *
stale_histories (QdDashboardPage *self)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->held));

  for (guint i = 0; i < n && ids->len < HISTORY_CHUNK; i++)
    {
      g_autoptr(QdHeldOrderItem) item = g_list_model_get_item (G_LIST_MODEL (self->held), i);

      if (!qd_held_order_item_get_history_current (item)
          && !qd_held_order_item_get_pending (item))
        g_ptr_array_add (ids, g_strdup (qd_held_order_item_get_id (item)));
    }
  if (ids->len == 0)
    g_clear_pointer (&ids, g_ptr_array_unref);
  return ids;
}

static void
apply_histories (QdDashboardPage *self,
                 GHashTable      *histories)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->held));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdHeldOrderItem) item = g_list_model_get_item (G_LIST_MODEL (self->held), i);
      GPtrArray *history = g_hash_table_lookup (histories, qd_held_order_item_get_id (item));

      if (history == NULL)
        continue;
      /* A row in view follows with the item's "changed". */
      qd_held_order_item_set_history (item, g_ptr_array_ref (history));
    }
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  QdDashboardPage *self = QD_DASHBOARD_PAGE (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) next = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean current;
  gint64 t0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_cancellable_is_cancelled (self->cancellable))
    return;   /* disposed */
  self->job_running = FALSE;
  current = job->generation == self->generation;
  /* The connection goes back to the page for the next job (same file only). */
  if (current && self->worker_store == NULL && job->store != NULL)
    self->worker_store = g_steal_pointer (&job->store);

  t0 = g_get_monotonic_time ();
  if (current && job->history_ids != NULL && ok)
    apply_histories (self, job->histories);
  else if (current && job->history_ids == NULL)
    {
      if (!ok)
        {
          if (self->viewed_dealer == NULL && is_manager (self))
            show_empty (self, error->message);
        }
      else if (self->viewed_dealer == NULL)
        {
          apply_manager (self, job->dash, job->held, job->histories);
          gtk_revealer_set_reveal_child (self->readonly_bar, FALSE);
          gtk_stack_set_visible_child_name (self->stack, "manager");
        }
    }
  g_debug ("dashboard: %s swapped in on the main thread in %.1f ms",
           job->history_ids != NULL ? "histories" : "figures",
           (g_get_monotonic_time () - t0) / 1e3);
  if (job->history_ids == NULL)
    self->last_apply_us = g_get_monotonic_time () - t0;

  if (self->reload_pending || !current)
    {
      /* The view may be another by now (a dealer opened, signed out): the reload says
       * whether the region is loading again. */
      self->reload_pending = FALSE;
      set_loading (self, FALSE);
      qd_dashboard_page_reload (self);
      return;
    }
  if (!ok && job->history_ids != NULL)
    g_debug ("dashboard: histories of held orders: %s", error->message);
  if (job->history_ids == NULL)
    set_loading (self, FALSE);
  /* Then the histories the reload left stale, a chunk at a time. */
  if (ok && self->store != NULL && (next = stale_histories (self)) != NULL)
    start_job (self, g_steal_pointer (&next));
}

/* Starts a reload (@history_ids NULL) or a history refresh on the worker. */
static void
start_job (QdDashboardPage *self,
           GPtrArray       *history_ids)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_assert (!self->job_running);
  job = g_new0 (Job, 1);
  job->path = g_strdup (qd_store_get_path (self->store));
  job->today = g_strdup (self->today);
  job->store = g_steal_pointer (&self->worker_store);
  job->generation = self->generation;
  job->history_ids = history_ids;
  task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->job_running = TRUE;
  g_task_run_in_thread (task, job_thread);
}

static void
reload_manager (QdDashboardPage *self)
{
  set_loading (self, TRUE);
  if (self->job_running)
    {
      /* One job at a time: this reload follows the running one. */
      self->reload_pending = TRUE;
      return;
    }
  /* The last figures stay in view meanwhile; the first time, a word that they are coming. */
  if (self->manager_built)
    {
      gtk_revealer_set_reveal_child (self->readonly_bar, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "manager");
    }
  else
    show_empty (self, _("Computing the figures from the data on this computer…"));
  start_job (self, NULL);
}

/* ---- the page ------------------------------------------------------------------------------- */

/**
 * qd_dashboard_page_reload:
 *
 * Recomputes the figures from the store and shows the view the account calls for. A
 * dealer's view is rebuilt at once; the manager's region is computed on a worker thread
 * with its own connection and swapped into the same widgets when ready (#QdDashboardPage:loading
 * is %TRUE until then), keeping the scroll position and the dealer selection. An error (a
 * cache that cannot be read, a dealer account whose dealer is not synced yet) shows in the
 * page's status view, in words.
 */
void
qd_dashboard_page_reload (QdDashboardPage *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_return_if_fail (QD_IS_DASHBOARD_PAGE (self));

  if (self->store == NULL)
    {
      show_empty (self, _("Sign in and sync to see purchases against targets, rebate "
                          "progress and stock cover."));
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.back",
                                 self->viewed_dealer != NULL);
  if (self->viewed_dealer == NULL && is_manager (self))
    {
      /* The region takes a few hundred milliseconds at a manager's scale: computed on a
       * worker thread, swapped in when ready ("loading" tells when). */
      reload_manager (self);
      return;
    }
  /* One dealer's figures take milliseconds. */
  if (self->viewed_dealer != NULL)
    ok = show_dealer (self, self->viewed_dealer, TRUE, &error);
  else
    ok = show_dealer (self, NULL, FALSE, &error);
  if (!ok)
    show_empty (self, error != NULL ? error->message : NULL);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  qd_dashboard_page_show_dealer (QD_DASHBOARD_PAGE (widget), NULL);
}

static void
qd_dashboard_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  QdDashboardPage *self = QD_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_dashboard_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  QdDashboardPage *self = QD_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      qd_dashboard_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_dashboard_page_dispose (GObject *object)
{
  QdDashboardPage *self = QD_DASHBOARD_PAGE (object);

  self->feedback = NULL;
  self->manager_feedback = NULL;
  g_cancellable_cancel (self->cancellable);
  /* AdwBin unparents its child (the template's stack) itself. */
  g_clear_object (&self->sorted_dealers);
  g_clear_object (&self->dealers);
  g_clear_object (&self->held);
  g_clear_object (&self->store);
  g_clear_object (&self->worker_store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->dealer_dash, qd_dealer_dashboard_free);
  G_OBJECT_CLASS (qd_dashboard_page_parent_class)->dispose (object);
}

static void
qd_dashboard_page_finalize (GObject *object)
{
  QdDashboardPage *self = QD_DASHBOARD_PAGE (object);

  g_free (self->today);
  g_free (self->viewed_dealer);
  G_OBJECT_CLASS (qd_dashboard_page_parent_class)->finalize (object);
}

static void
qd_dashboard_page_class_init (QdDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = qd_dashboard_page_get_property;
  object_class->set_property = qd_dashboard_page_set_property;
  object_class->dispose = qd_dashboard_page_dispose;
  object_class->finalize = qd_dashboard_page_finalize;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, QD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* TRUE while the manager's figures are computed in the background. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QdDashboardPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QdDashboardPage, readonly_bar);
  gtk_widget_class_bind_template_child (widget_class, QdDashboardPage, readonly_label);
  gtk_widget_class_bind_template_child (widget_class, QdDashboardPage, dealer_box);
  gtk_widget_class_bind_template_child (widget_class, QdDashboardPage, manager_box);
  gtk_widget_class_install_action (widget_class, "dashboard.back", NULL, back_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "dashboard.back", NULL);
}

static void
qd_dashboard_page_init (QdDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->dealers = g_list_store_new (QD_TYPE_DEALER_ITEM);
  self->held = g_list_store_new (QD_TYPE_HELD_ORDER_ITEM);
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.back", FALSE);
}

/**
 * qd_dashboard_page_set_store:
 * @store: (nullable): the signed-in account's cache
 *
 * Shows the dashboard of @store's account (a manager's region or a dealer's own).
 */
void
qd_dashboard_page_set_store (QdDashboardPage *self,
                             QdStore         *store)
{
  g_return_if_fail (QD_IS_DASHBOARD_PAGE (self));
  g_return_if_fail (store == NULL || QD_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  /* Another account's file: its figures start from nothing, and a running job's results
   * (of the old file) are dropped when they come. */
  self->generation++;
  g_clear_object (&self->worker_store);
  g_list_store_remove_all (self->dealers);
  g_list_store_remove_all (self->held);
  g_clear_pointer (&self->viewed_dealer, g_free);
  if (store == NULL)
    set_loading (self, FALSE);
  qd_dashboard_page_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

QdStore *
qd_dashboard_page_get_store (QdDashboardPage *self)
{
  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), NULL);
  return self->store;
}

/**
 * qd_dashboard_page_set_today:
 * @today: (nullable): "YYYY-MM-DD" the figures run to; %NULL for today (UTC)
 *
 * For tests and screenshots of fixed data. Does not reload by itself.
 */
void
qd_dashboard_page_set_today (QdDashboardPage *self,
                             const char      *today)
{
  g_return_if_fail (QD_IS_DASHBOARD_PAGE (self));

  g_free (self->today);
  self->today = g_strdup (today);
}

/**
 * qd_dashboard_page_get_view:
 *
 * Returns: "empty", "dealer" or "manager": what the page shows
 */
const char *
qd_dashboard_page_get_view (QdDashboardPage *self)
{
  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * qd_dashboard_page_show_dealer:
 * @dealer_id: (nullable): a dealer of the region, or %NULL to go back to the region
 *
 * A manager's look at one dealer's dashboard, read-only (no cart actions).
 */
void
qd_dashboard_page_show_dealer (QdDashboardPage *self,
                               const char      *dealer_id)
{
  g_return_if_fail (QD_IS_DASHBOARD_PAGE (self));

  g_free (self->viewed_dealer);
  self->viewed_dealer = g_strdup (dealer_id);
  qd_dashboard_page_reload (self);
}

/**
 * qd_dashboard_page_get_dealers:
 *
 * Returns: (transfer none): the dealer table's rows (of #QdDealerItem), in its sort order
 */
GListModel *
qd_dashboard_page_get_dealers (QdDashboardPage *self)
{
  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), NULL);
  return self->sorted_dealers != NULL ? G_LIST_MODEL (self->sorted_dealers)
                                      : G_LIST_MODEL (self->dealers);
}

/**
 * qd_dashboard_page_review:
 *
 * Queues the decision on a held order (offline like every action) and shows the region
 * again with the order marked as waiting to be sent.
 */
gboolean
qd_dashboard_page_review (QdDashboardPage  *self,
                          const char       *order_id,
                          gboolean          approve,
                          const char       *comment,
                          GError          **error)
{
  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);

  if (self->store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("Nobody is signed in."));
      return FALSE;
    }
  if (!qd_store_review_order (self->store, order_id, approve, comment, error))
    return FALSE;
  /* The row says "waiting to be sent" at once; the reload brings the new counts. */
  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (self->held));

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(QdHeldOrderItem) item = g_list_model_get_item (G_LIST_MODEL (self->held), i);

        if (g_strcmp0 (qd_held_order_item_get_id (item), order_id) == 0)
          {
            qd_held_order_item_set_pending (item, TRUE);
            break;
          }
      }
  }
  qd_dashboard_page_reload (self);
  return TRUE;
}

/**
 * qd_dashboard_page_get_held_orders:
 *
 * Returns: (transfer none): the review list's orders (of #QdHeldOrderItem), newest first
 */
GListModel *
qd_dashboard_page_get_held_orders (QdDashboardPage *self)
{
  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), NULL);
  return G_LIST_MODEL (self->held);
}

/**
 * qd_dashboard_page_get_swap_in_time:
 *
 * For benchmarks: what the last reload's figures cost the main thread when they came.
 *
 * Returns: the time of the last swap-in of the manager's figures, in microseconds
 */
gint64
qd_dashboard_page_get_swap_in_time (QdDashboardPage *self)
{
  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), 0);
  return self->last_apply_us;
}

/**
 * qd_dashboard_page_is_busy:
 *
 * Returns: %TRUE while a background job runs (the figures, or the histories of held orders
 *   that come after them); the page and its store stay alive until it is done
 */
gboolean
qd_dashboard_page_is_busy (QdDashboardPage *self)
{
  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), FALSE);
  return self->job_running;
}

/**
 * qd_dashboard_page_get_loading:
 *
 * Returns: %TRUE while the manager's figures are computed in the background
 */
gboolean
qd_dashboard_page_get_loading (QdDashboardPage *self)
{
  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), FALSE);
  return self->loading;
}

/**
 * qd_dashboard_page_add_suggestions_to_cart:
 *
 * Puts every suggested reorder of the dealer's dashboard in the cart: a product already in
 * the cart keeps the larger of its quantity and the suggestion, so pressing twice does not
 * order twice.
 *
 * Returns: how many suggestions are in the cart now; 0 with @error set on failure
 */
guint
qd_dashboard_page_add_suggestions_to_cart (QdDashboardPage  *self,
                                           GError          **error)
{
  g_autoptr(GArray) cart = NULL;
  guint n = 0;

  g_return_val_if_fail (QD_IS_DASHBOARD_PAGE (self), 0);

  if (self->store == NULL || self->dealer_dash == NULL || self->viewed_dealer != NULL)
    return 0;
  cart = qd_store_cart_list (self->store, error);
  if (cart == NULL)
    return 0;
  for (guint i = 0; i < self->dealer_dash->stock->len; i++)
    {
      const QdStockCoverRow *row = g_ptr_array_index (self->dealer_dash->stock, i);
      gint64 qty = row->reorder.quantity;

      if (qty <= 0)
        continue;
      for (guint j = 0; j < cart->len; j++)
        {
          const QdCartLine *line = &g_array_index (cart, QdCartLine, j);

          if (g_strcmp0 (line->product_id, row->product_id) == 0)
            qty = MAX (qty, line->qty);
        }
      if (!qd_store_cart_set (self->store, row->product_id, qty, error))
        return 0;
      n++;
    }
  return n;
}
