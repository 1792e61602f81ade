/* qd-stock-row.c — one row of the stock report grid: a product, or one lot of it
 *
 * The editable fields are kept as the text the user typed (quantity, lot, expiry) and
 * are properties, so the grid's entries bind to them and survive row recycling; they are
 * parsed and checked only when the report is submitted, where every problem is listed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-stock-row.h"

struct _QdStockRow
{
  GObject parent_instance;

  char *product_id;
  char *sku;
  char *name;
  char *unit;
  gboolean lot_tracked;
  char *qty_text;
  char *lot;
  char *expiry;
};

G_DEFINE_FINAL_TYPE (QdStockRow, qd_stock_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_QTY_TEXT,
  PROP_LOT,
  PROP_EXPIRY,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
qd_stock_row_finalize (GObject *object)
{
  QdStockRow *self = QD_STOCK_ROW (object);

  g_free (self->product_id);
  g_free (self->sku);
  g_free (self->name);
  g_free (self->unit);
  g_free (self->qty_text);
  g_free (self->lot);
  g_free (self->expiry);

  G_OBJECT_CLASS (qd_stock_row_parent_class)->finalize (object);
}

static void
qd_stock_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  QdStockRow *self = QD_STOCK_ROW (object);

  switch (prop_id)
    {
    case PROP_QTY_TEXT:
      g_value_set_string (value, self->qty_text);
      break;
    case PROP_LOT:
      g_value_set_string (value, self->lot);
      break;
    case PROP_EXPIRY:
      g_value_set_string (value, self->expiry);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_stock_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  QdStockRow *self = QD_STOCK_ROW (object);

  switch (prop_id)
    {
    case PROP_QTY_TEXT:
      qd_stock_row_set_qty_text (self, g_value_get_string (value));
      break;
    case PROP_LOT:
      qd_stock_row_set_lot (self, g_value_get_string (value));
      break;
    case PROP_EXPIRY:
      qd_stock_row_set_expiry (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_stock_row_class_init (QdStockRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qd_stock_row_finalize;
  object_class->get_property = qd_stock_row_get_property;
  object_class->set_property = qd_stock_row_set_property;

  properties[PROP_QTY_TEXT] =
    g_param_spec_string ("qty-text", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOT] =
    g_param_spec_string ("lot", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPIRY] =
    g_param_spec_string ("expiry", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_stock_row_init (QdStockRow *self)
{
  self->qty_text = g_strdup ("");
  self->lot = g_strdup ("");
  self->expiry = g_strdup ("");
}

QdStockRow *
qd_stock_row_new (const char *product_id,
                  const char *sku,
                  const char *name,
                  const char *unit,
                  gboolean    lot_tracked)
{
  QdStockRow *self;

  g_return_val_if_fail (product_id != NULL, NULL);

  self = g_object_new (QD_TYPE_STOCK_ROW, NULL);
  self->product_id = g_strdup (product_id);
  self->sku = g_strdup (sku != NULL ? sku : "");
  self->name = g_strdup (name != NULL ? name : "");
  self->unit = g_strdup (unit != NULL ? unit : "");
  self->lot_tracked = lot_tracked;
  return self;
}

QdStockRow *
qd_stock_row_new_for_product (const QdProductInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return qd_stock_row_new (info->id, info->sku, info->name, info->unit, info->lot_tracked);
}

/* A new, empty row of the same product: another lot of a lot-tracked product. */
QdStockRow *
qd_stock_row_copy_product (QdStockRow *self)
{
  g_return_val_if_fail (QD_IS_STOCK_ROW (self), NULL);

  return qd_stock_row_new (self->product_id, self->sku, self->name, self->unit,
                           self->lot_tracked);
}

#define GETTER(field, type) \
  type qd_stock_row_get_##field (QdStockRow *self) \
  { \
    g_return_val_if_fail (QD_IS_STOCK_ROW (self), (type) 0); \
    return self->field; \
  }

GETTER (product_id, const char *)
GETTER (sku, const char *)
GETTER (name, const char *)
GETTER (unit, const char *)
GETTER (lot_tracked, gboolean)
GETTER (qty_text, const char *)
GETTER (lot, const char *)
GETTER (expiry, const char *)

static void
set_text (QdStockRow *self,
          char      **field,
          const char *text,
          int         prop)
{
  if (text == NULL)
    text = "";
  if (g_strcmp0 (*field, text) == 0)
    return;
  g_free (*field);
  *field = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
qd_stock_row_set_qty_text (QdStockRow *self,
                           const char *text)
{
  g_return_if_fail (QD_IS_STOCK_ROW (self));
  set_text (self, &self->qty_text, text, PROP_QTY_TEXT);
}

void
qd_stock_row_set_lot (QdStockRow *self,
                      const char *lot)
{
  g_return_if_fail (QD_IS_STOCK_ROW (self));
  set_text (self, &self->lot, lot, PROP_LOT);
}

void
qd_stock_row_set_expiry (QdStockRow *self,
                         const char *expiry)
{
  g_return_if_fail (QD_IS_STOCK_ROW (self));
  set_text (self, &self->expiry, expiry, PROP_EXPIRY);
}
