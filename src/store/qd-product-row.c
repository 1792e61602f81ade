/* qd-product-row.c — one catalog row, the item of QdProductListModel
 *
 * A thin GObject around a QdProductInfo, created only for the rows a view shows. Its
 * properties are read-only (GtkExpression / bindings in .ui files read them); the row is a
 * snapshot, and the model hands out new rows after the catalog changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-product-row.h"

struct _QdProductRow
{
  GObject        parent_instance;

  /* owned */
  QdProductInfo *info;
};

G_DEFINE_FINAL_TYPE (QdProductRow, qd_product_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_SKU,
  PROP_NAME,
  PROP_SPEC,
  PROP_CATEGORY,
  PROP_UNIT,
  PROP_PACK_SIZE,
  PROP_BARCODE,
  PROP_MNEMONIC,
  PROP_LOT_TRACKED,
  PROP_ACTIVE,
  PROP_PRICE_FEN,
  PROP_LAST_ORDERED,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
qd_product_row_finalize (GObject *object)
{
  QdProductRow *self = QD_PRODUCT_ROW (object);

  g_clear_pointer (&self->info, qd_product_info_free);
  G_OBJECT_CLASS (qd_product_row_parent_class)->finalize (object);
}

static void
qd_product_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QdProductRow *self = QD_PRODUCT_ROW (object);
  const QdProductInfo *info = self->info;

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, info->id);
      break;
    case PROP_SKU:
      g_value_set_string (value, info->sku);
      break;
    case PROP_NAME:
      g_value_set_string (value, info->name);
      break;
    case PROP_SPEC:
      g_value_set_string (value, info->spec);
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, info->category);
      break;
    case PROP_UNIT:
      g_value_set_string (value, info->unit);
      break;
    case PROP_PACK_SIZE:
      g_value_set_int64 (value, info->pack_size);
      break;
    case PROP_BARCODE:
      g_value_set_string (value, info->barcode);
      break;
    case PROP_MNEMONIC:
      g_value_set_string (value, info->mnemonic);
      break;
    case PROP_LOT_TRACKED:
      g_value_set_boolean (value, info->lot_tracked);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, info->active);
      break;
    case PROP_PRICE_FEN:
      g_value_set_int64 (value, info->price_fen);
      break;
    case PROP_LAST_ORDERED:
      g_value_set_string (value, info->last_ordered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_product_row_class_init (QdProductRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = qd_product_row_finalize;
  object_class->get_property = qd_product_row_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_SKU] = g_param_spec_string ("sku", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SPEC] = g_param_spec_string ("spec", NULL, NULL, NULL, flags);
  properties[PROP_CATEGORY] = g_param_spec_string ("category", NULL, NULL, NULL, flags);
  properties[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, NULL, flags);
  properties[PROP_PACK_SIZE] = g_param_spec_int64 ("pack-size", NULL, NULL,
                                                   0, G_MAXINT64, 1, flags);
  properties[PROP_BARCODE] = g_param_spec_string ("barcode", NULL, NULL, NULL, flags);
  properties[PROP_MNEMONIC] = g_param_spec_string ("mnemonic", NULL, NULL, NULL, flags);
  properties[PROP_LOT_TRACKED] = g_param_spec_boolean ("lot-tracked", NULL, NULL, FALSE, flags);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, TRUE, flags);
  /* -1 when the dealer has no price for the product. */
  properties[PROP_PRICE_FEN] = g_param_spec_int64 ("price-fen", NULL, NULL,
                                                   -1, G_MAXINT64, -1, flags);
  properties[PROP_LAST_ORDERED] = g_param_spec_string ("last-ordered", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_product_row_init (QdProductRow *self)
{
}

/**
 * qd_product_row_new:
 * @info: (transfer full): the product
 */
QdProductRow *
qd_product_row_new (QdProductInfo *info)
{
  QdProductRow *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (QD_TYPE_PRODUCT_ROW, NULL);
  self->info = info;
  return self;
}

const QdProductInfo *
qd_product_row_get_info (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), NULL);
  return self->info;
}

const char *
qd_product_row_get_id (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), NULL);
  return self->info->id;
}

const char *
qd_product_row_get_sku (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), NULL);
  return self->info->sku;
}

const char *
qd_product_row_get_name (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), NULL);
  return self->info->name;
}

const char *
qd_product_row_get_spec (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), NULL);
  return self->info->spec;
}

const char *
qd_product_row_get_unit (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), NULL);
  return self->info->unit;
}

gint64
qd_product_row_get_pack_size (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), 1);
  return self->info->pack_size;
}

gint64
qd_product_row_get_price_fen (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), -1);
  return self->info->price_fen;
}

const char *
qd_product_row_get_last_ordered (QdProductRow *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT_ROW (self), NULL);
  return self->info->last_ordered;
}
