/* qd-catalog-slot.c — one row position of the Order page's catalog view
 *
 * The item of QdCatalogModel: it holds the (immutable) QdProductRow shown at its position
 * and is told when another product comes there, so that the view keeps the row's widgets
 * and only the cells' texts change. Anyone who needs the product takes the row, never the
 * slot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-catalog-slot.h"

struct _QdCatalogSlot
{
  GObject       parent_instance;

  /* owned */
  QdProductRow *row;
};

enum {
  PROP_0,
  PROP_ROW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (QdCatalogSlot, qd_catalog_slot, G_TYPE_OBJECT)

static void
qd_catalog_slot_finalize (GObject *object)
{
  g_clear_object (&QD_CATALOG_SLOT (object)->row);
  G_OBJECT_CLASS (qd_catalog_slot_parent_class)->finalize (object);
}

static void
qd_catalog_slot_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QdCatalogSlot *self = QD_CATALOG_SLOT (object);

  switch (prop_id)
    {
    case PROP_ROW:
      g_value_set_object (value, self->row);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_catalog_slot_class_init (QdCatalogSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qd_catalog_slot_finalize;
  object_class->get_property = qd_catalog_slot_get_property;

  properties[PROP_ROW] =
    g_param_spec_object ("row", NULL, NULL, QD_TYPE_PRODUCT_ROW,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_catalog_slot_init (QdCatalogSlot *self)
{
}

QdCatalogSlot *
qd_catalog_slot_new (QdProductRow *row)
{
  QdCatalogSlot *self;

  g_return_val_if_fail (QD_IS_PRODUCT_ROW (row), NULL);

  self = g_object_new (QD_TYPE_CATALOG_SLOT, NULL);
  self->row = g_object_ref (row);
  return self;
}

/**
 * qd_catalog_slot_get_row:
 *
 * Returns: (transfer none): the product shown at this position now
 */
QdProductRow *
qd_catalog_slot_get_row (QdCatalogSlot *self)
{
  g_return_val_if_fail (QD_IS_CATALOG_SLOT (self), NULL);
  return self->row;
}

void
qd_catalog_slot_set_row (QdCatalogSlot *self,
                         QdProductRow  *row)
{
  g_return_if_fail (QD_IS_CATALOG_SLOT (self));
  g_return_if_fail (QD_IS_PRODUCT_ROW (row));

  if (g_set_object (&self->row, row))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW]);
}
