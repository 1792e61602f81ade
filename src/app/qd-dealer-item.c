/* qd-dealer-item.c — one dealer of the manager's table, as a GObject for GtkColumnView
 *
 * The row's figures are properties so the table's sorters are plain GtkNumericSorter and
 * GtkStringSorter over property expressions. Missing figures (no target, no last year, no
 * stock reports) get QD_DEALER_ITEM_NO_VALUE and sort last when descending.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-dealer-item.h"

#include <string.h>

struct _QdDealerItem
{
  GObject     parent_instance;
  QdDealerRow row;   /* strings owned */
};

G_DEFINE_FINAL_TYPE (QdDealerItem, qd_dealer_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PURCHASES,
  PROP_ATTAINMENT,
  PROP_GROWTH,
  PROP_LAST_ORDER,
  PROP_COVER,
  PROP_CREDIT_USED,
  PROP_STATEMENT,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

char *
qd_format_percent_bp (gint64 bp)
{
  /* One decimal: 87.5 %. Basis points are rounded down by the store; keep that. */
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT " %%", bp / 100,
                          (ABS (bp) % 100) / 10);
}

char *
qd_format_growth_bp (gint64 bp)
{
  gint64 a = ABS (bp);

  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT " %%",
                          bp < 0 ? "−" : "+", a / 100, (a % 100) / 10);
}

char *
qd_format_cover (const QdCover *cover)
{
  switch (cover->kind)
    {
    case QD_COVER_DAYS:
      {
        g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, cover->days);

        /* Translators: days of stock cover; %s is the number. */
        return g_strdup_printf (g_dngettext (NULL, "%s day", "%s days",
                                             (gulong) MIN (cover->days, G_MAXLONG)), n);
      }
    case QD_COVER_UNLIMITED:
      return g_strdup (_("no sales"));
    case QD_COVER_NONE:
    default:
      return g_strdup ("—");
    }
}

const char *
qd_statement_status_text (const char *status)
{
  if (status == NULL)
    return "—";
  if (g_str_equal (status, "issued"))
    return _("Issued");
  if (g_str_equal (status, "confirmed"))
    return _("Confirmed");
  if (g_str_equal (status, "disputed"))
    return _("Disputed");
  if (g_str_equal (status, "draft"))
    return _("Draft");
  return status;
}

static gint64
cover_key (const QdCover *cover)
{
  switch (cover->kind)
    {
    case QD_COVER_DAYS:
      return cover->days;
    case QD_COVER_UNLIMITED:
      return G_MAXINT64;
    case QD_COVER_NONE:
    default:
      return QD_DEALER_ITEM_NO_VALUE;
    }
}

static void
qd_dealer_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QdDealerItem *self = QD_DEALER_ITEM (object);
  const QdDealerRow *row = &self->row;

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, row->name);
      break;
    case PROP_PURCHASES:
      g_value_set_int64 (value, row->year.purchases_fen);
      break;
    case PROP_ATTAINMENT:
      g_value_set_int64 (value, row->year.attainment_bp >= 0 ? row->year.attainment_bp
                                                             : QD_DEALER_ITEM_NO_VALUE);
      break;
    case PROP_GROWTH:
      g_value_set_int64 (value, row->year.has_growth ? row->year.growth_bp
                                                     : QD_DEALER_ITEM_NO_VALUE);
      break;
    case PROP_LAST_ORDER:
      g_value_set_string (value, row->last_order_at != NULL ? row->last_order_at : "");
      break;
    case PROP_COVER:
      g_value_set_int64 (value, cover_key (&row->stock_cover));
      break;
    case PROP_CREDIT_USED:
      g_value_set_int64 (value, row->credit_used_fen);
      break;
    case PROP_STATEMENT:
      g_value_set_string (value, row->statement_status != NULL ? row->statement_status : "");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
row_clear (QdDealerRow *row)
{
  g_free (row->dealer_id);
  g_free (row->name);
  g_free (row->region_id);
  g_free (row->level);
  g_free (row->last_order_at);
  g_free (row->stock_as_of);
  g_free (row->statement_period);
  g_free (row->statement_status);
}

static void
row_copy (QdDealerRow       *dest,
          const QdDealerRow *row)
{
  *dest = *row;
  dest->dealer_id = g_strdup (row->dealer_id);
  dest->name = g_strdup (row->name);
  dest->region_id = g_strdup (row->region_id);
  dest->level = g_strdup (row->level);
  dest->last_order_at = g_strdup (row->last_order_at);
  dest->stock_as_of = g_strdup (row->stock_as_of);
  dest->statement_period = g_strdup (row->statement_period);
  dest->statement_status = g_strdup (row->statement_status);
}

static void
qd_dealer_item_finalize (GObject *object)
{
  row_clear (&QD_DEALER_ITEM (object)->row);
  G_OBJECT_CLASS (qd_dealer_item_parent_class)->finalize (object);
}

static void
qd_dealer_item_class_init (QdDealerItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = qd_dealer_item_get_property;
  object_class->finalize = qd_dealer_item_finalize;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_PURCHASES] =
    g_param_spec_int64 ("purchases", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_ATTAINMENT] =
    g_param_spec_int64 ("attainment", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_GROWTH] =
    g_param_spec_int64 ("growth", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_LAST_ORDER] = g_param_spec_string ("last-order", NULL, NULL, NULL, flags);
  properties[PROP_COVER] =
    g_param_spec_int64 ("cover", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_CREDIT_USED] =
    g_param_spec_int64 ("credit-used", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_STATEMENT] = g_param_spec_string ("statement", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_dealer_item_init (QdDealerItem *self)
{
}

QdDealerItem *
qd_dealer_item_new (const QdDealerRow *row)
{
  QdDealerItem *self;

  g_return_val_if_fail (row != NULL, NULL);

  self = g_object_new (QD_TYPE_DEALER_ITEM, NULL);
  row_copy (&self->row, row);
  return self;
}

static gboolean
row_equal (const QdDealerRow *a,
           const QdDealerRow *b)
{
  /* The figure structs are copied whole from zeroed memory, padding included. */
  return g_strcmp0 (a->dealer_id, b->dealer_id) == 0
         && g_strcmp0 (a->name, b->name) == 0
         && g_strcmp0 (a->region_id, b->region_id) == 0
         && g_strcmp0 (a->level, b->level) == 0
         && memcmp (&a->year, &b->year, sizeof a->year) == 0
         && a->behind_target == b->behind_target
         && g_strcmp0 (a->last_order_at, b->last_order_at) == 0
         && a->held_orders == b->held_orders
         && g_strcmp0 (a->stock_as_of, b->stock_as_of) == 0
         && a->stock_on_hand == b->stock_on_hand
         && memcmp (&a->stock_cover, &b->stock_cover, sizeof a->stock_cover) == 0
         && memcmp (&a->credit, &b->credit, sizeof a->credit) == 0
         && a->credit_used_fen == b->credit_used_fen
         && g_strcmp0 (a->statement_period, b->statement_period) == 0
         && g_strcmp0 (a->statement_status, b->statement_status) == 0
         && a->statements_disputed == b->statements_disputed
         && a->statements_overdue == b->statements_overdue;
}

/**
 * qd_dealer_item_set_row:
 * @row: the same dealer's figures after a reload
 *
 * Replaces the figures in place, so that the table keeps this item (its selection and
 * scroll position follow it), and notifies the sort keys.
 *
 * Returns: %TRUE when anything changed
 */
gboolean
qd_dealer_item_set_row (QdDealerItem      *self,
                        const QdDealerRow *row)
{
  g_return_val_if_fail (QD_IS_DEALER_ITEM (self), FALSE);
  g_return_val_if_fail (row != NULL, FALSE);

  if (row_equal (&self->row, row))
    return FALSE;
  row_clear (&self->row);
  row_copy (&self->row, row);
  /* Every property (the table's bound cells listen to "name" for all of them). */
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

const QdDealerRow *
qd_dealer_item_get_row (QdDealerItem *self)
{
  g_return_val_if_fail (QD_IS_DEALER_ITEM (self), NULL);
  return &self->row;
}

char *
qd_dealer_item_dup_attainment_text (QdDealerItem *self)
{
  g_return_val_if_fail (QD_IS_DEALER_ITEM (self), NULL);
  if (self->row.year.attainment_bp < 0)
    return g_strdup (_("no target"));
  return qd_format_percent_bp (self->row.year.attainment_bp);
}

char *
qd_dealer_item_dup_growth_text (QdDealerItem *self)
{
  g_return_val_if_fail (QD_IS_DEALER_ITEM (self), NULL);
  if (!self->row.year.has_growth)
    return g_strdup ("—");
  return qd_format_growth_bp (self->row.year.growth_bp);
}

char *
qd_dealer_item_dup_cover_text (QdDealerItem *self)
{
  g_return_val_if_fail (QD_IS_DEALER_ITEM (self), NULL);
  return qd_format_cover (&self->row.stock_cover);
}

char *
qd_dealer_item_dup_statement_text (QdDealerItem *self)
{
  const QdDealerRow *row;

  g_return_val_if_fail (QD_IS_DEALER_ITEM (self), NULL);
  row = &self->row;
  if (row->statement_period == NULL)
    return g_strdup ("—");
  if (row->statements_overdue > 0 && g_strcmp0 (row->statement_status, "issued") == 0)
    /* Translators: a statement period and "unconfirmed, overdue". */
    return g_strdup_printf (_("%s unconfirmed (overdue)"), row->statement_period);
  return g_strdup_printf ("%s %s", row->statement_period,
                          qd_statement_status_text (row->statement_status));
}
