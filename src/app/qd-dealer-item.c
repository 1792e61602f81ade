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
qd_dealer_item_finalize (GObject *object)
{
  QdDealerRow *row = &QD_DEALER_ITEM (object)->row;

  g_free (row->dealer_id);
  g_free (row->name);
  g_free (row->region_id);
  g_free (row->level);
  g_free (row->last_order_at);
  g_free (row->stock_as_of);
  g_free (row->statement_period);
  g_free (row->statement_status);
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
  self->row = *row;
  self->row.dealer_id = g_strdup (row->dealer_id);
  self->row.name = g_strdup (row->name);
  self->row.region_id = g_strdup (row->region_id);
  self->row.level = g_strdup (row->level);
  self->row.last_order_at = g_strdup (row->last_order_at);
  self->row.stock_as_of = g_strdup (row->stock_as_of);
  self->row.statement_period = g_strdup (row->statement_period);
  self->row.statement_status = g_strdup (row->statement_status);
  return self;
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
