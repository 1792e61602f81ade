/* qd-product.c — one catalog row as a GObject
 *
 * GtkColumnView needs a GObject per visible row. The list model makes these only for the
 * rows it is asked for, so a 100,000-product catalog costs objects for a screenful of
 * rows, not for the whole catalog. The object is immutable: a change in the catalog makes
 * the model drop its cached rows and hand out new objects.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-product.h"

struct _QdProduct
{
  GObject parent_instance;

  /* owned */
  QdProductInfo *info;
  char *last_ordered;
};

G_DEFINE_FINAL_TYPE (QdProduct, qd_product, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_SKU,
  PROP_NAME,
  PROP_SPEC,
  PROP_UNIT,
  PROP_PACK_SIZE,
  PROP_PRICE_FEN,
  PROP_LAST_ORDERED,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
qd_product_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  QdProduct *self = QD_PRODUCT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->info->id);
      break;
    case PROP_SKU:
      g_value_set_string (value, self->info->sku);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->info->name);
      break;
    case PROP_SPEC:
      g_value_set_string (value, self->info->spec);
      break;
    case PROP_UNIT:
      g_value_set_string (value, self->info->unit);
      break;
    case PROP_PACK_SIZE:
      g_value_set_int64 (value, self->info->pack_size);
      break;
    case PROP_PRICE_FEN:
      g_value_set_int64 (value, self->info->price_fen);
      break;
    case PROP_LAST_ORDERED:
      g_value_set_string (value, self->last_ordered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_product_finalize (GObject *object)
{
  QdProduct *self = QD_PRODUCT (object);

  g_clear_pointer (&self->info, qd_product_info_free);
  g_clear_pointer (&self->last_ordered, g_free);

  G_OBJECT_CLASS (qd_product_parent_class)->finalize (object);
}

static void
qd_product_class_init (QdProductClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = qd_product_get_property;
  object_class->finalize = qd_product_finalize;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_SKU] = g_param_spec_string ("sku", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SPEC] = g_param_spec_string ("spec", NULL, NULL, NULL, flags);
  properties[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, NULL, flags);
  properties[PROP_PACK_SIZE] = g_param_spec_int64 ("pack-size", NULL, NULL,
                                                   1, G_MAXINT64, 1, flags);
  /* -1: the account's dealer has no price for this product. */
  properties[PROP_PRICE_FEN] = g_param_spec_int64 ("price-fen", NULL, NULL,
                                                   -1, G_MAXINT64, -1, flags);
  properties[PROP_LAST_ORDERED] = g_param_spec_string ("last-ordered", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_product_init (QdProduct *self)
{
}

/**
 * qd_product_new:
 * @info: (transfer full): the product as the store read it
 * @last_ordered: (nullable): the date (YYYY-MM-DD) of the latest order with this product
 *
 * Returns: (transfer full): a new product row
 */
QdProduct *
qd_product_new (QdProductInfo *info,
                const char    *last_ordered)
{
  QdProduct *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (QD_TYPE_PRODUCT, NULL);
  self->info = info;
  if (self->info->pack_size < 1)
    self->info->pack_size = 1;
  self->last_ordered = g_strdup (last_ordered);
  return self;
}

gint64
qd_product_get_rowid (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), 0);
  return self->info->rowid;
}

const char *
qd_product_get_id (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), NULL);
  return self->info->id;
}

const char *
qd_product_get_sku (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), NULL);
  return self->info->sku;
}

const char *
qd_product_get_name (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), NULL);
  return self->info->name;
}

const char *
qd_product_get_spec (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), NULL);
  return self->info->spec;
}

const char *
qd_product_get_category (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), NULL);
  return self->info->category;
}

const char *
qd_product_get_unit (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), NULL);
  return self->info->unit;
}

const char *
qd_product_get_mnemonic (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), NULL);
  return self->info->mnemonic;
}

gint64
qd_product_get_pack_size (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), 1);
  return self->info->pack_size;
}

/**
 * qd_product_get_price_fen:
 *
 * Returns: the account dealer's unit price in fen, or -1 when it has none
 */
gint64
qd_product_get_price_fen (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), -1);
  return self->info->price_fen;
}

/**
 * qd_product_get_last_ordered:
 *
 * Returns: (nullable): the date of the latest order with this product, YYYY-MM-DD
 */
const char *
qd_product_get_last_ordered (QdProduct *self)
{
  g_return_val_if_fail (QD_IS_PRODUCT (self), NULL);
  return self->last_ordered;
}
