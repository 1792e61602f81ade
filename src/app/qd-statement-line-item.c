/* qd-statement-line-item.c — one line of a statement in the detail's list model
 *
 * Holds the store's line (with its running balance) and whether the user picked it for a
 * dispute; "selected" is a property so the check box in the list follows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-statement-line-item.h"

struct _QdStatementLineItem
{
  GObject parent_instance;

  QdStatementLineInfo *info;
  gboolean selected;
};

G_DEFINE_FINAL_TYPE (QdStatementLineItem, qd_statement_line_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
qd_statement_line_item_finalize (GObject *object)
{
  QdStatementLineItem *self = QD_STATEMENT_LINE_ITEM (object);

  g_clear_pointer (&self->info, qd_statement_line_info_free);

  G_OBJECT_CLASS (qd_statement_line_item_parent_class)->finalize (object);
}

static void
qd_statement_line_item_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  QdStatementLineItem *self = QD_STATEMENT_LINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_boolean (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_statement_line_item_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  QdStatementLineItem *self = QD_STATEMENT_LINE_ITEM (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      qd_statement_line_item_set_selected (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_statement_line_item_class_init (QdStatementLineItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qd_statement_line_item_finalize;
  object_class->get_property = qd_statement_line_item_get_property;
  object_class->set_property = qd_statement_line_item_set_property;

  properties[PROP_SELECTED] =
    g_param_spec_boolean ("selected", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_statement_line_item_init (QdStatementLineItem *self)
{
}

/**
 * qd_statement_line_item_new:
 * @info: (transfer full): the line
 */
QdStatementLineItem *
qd_statement_line_item_new (QdStatementLineInfo *info)
{
  QdStatementLineItem *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (QD_TYPE_STATEMENT_LINE_ITEM, NULL);
  self->info = info;
  return self;
}

const QdStatementLineInfo *
qd_statement_line_item_get_info (QdStatementLineItem *self)
{
  g_return_val_if_fail (QD_IS_STATEMENT_LINE_ITEM (self), NULL);
  return self->info;
}

gboolean
qd_statement_line_item_get_selected (QdStatementLineItem *self)
{
  g_return_val_if_fail (QD_IS_STATEMENT_LINE_ITEM (self), FALSE);
  return self->selected;
}

void
qd_statement_line_item_set_selected (QdStatementLineItem *self,
                                     gboolean             selected)
{
  g_return_if_fail (QD_IS_STATEMENT_LINE_ITEM (self));

  selected = !!selected;
  if (self->selected == selected)
    return;
  self->selected = selected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}
