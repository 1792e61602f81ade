/* qd-held-order-item.c — one order held for review, as a GObject for the review GtkListView
 *
 * The review list is a GtkListView, which recycles its row widgets: what a row must keep
 * while it scrolls out of view and back lives here — the order's figures, the dealer's
 * history of its products (computed off the main thread, NULL until then) and the comment
 * typed so far. The page updates an item in place when a reload brings new figures for the
 * same order, so a half-typed comment survives a sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-held-order-item.h"

struct _QdHeldOrderItem
{
  GObject    parent_instance;

  char      *id;
  char      *number;          /* NULL until the server numbered it */
  char      *dealer_id;
  char      *dealer_name;     /* NULL when the dealer is not in the table */
  gint64     total_fen;
  char      *held_reason;
  gboolean   pending;         /* a decision waits to be sent */
  GPtrArray *history;         /* of QdProductHistory; NULL until computed */
  gboolean   history_current; /* computed since the last reload */
  char      *comment;
};

G_DEFINE_FINAL_TYPE (QdHeldOrderItem, qd_held_order_item, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

/* A recycled row shows whatever item it is bound to: it listens to this to redraw. */
static void
emit_changed (QdHeldOrderItem *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
qd_held_order_item_finalize (GObject *object)
{
  QdHeldOrderItem *self = QD_HELD_ORDER_ITEM (object);

  g_free (self->id);
  g_free (self->number);
  g_free (self->dealer_id);
  g_free (self->dealer_name);
  g_free (self->held_reason);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_free (self->comment);
  G_OBJECT_CLASS (qd_held_order_item_parent_class)->finalize (object);
}

static void
qd_held_order_item_class_init (QdHeldOrderItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_held_order_item_finalize;

  /* Something the row shows changed (figures, history, a decision waiting to be sent). */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
qd_held_order_item_init (QdHeldOrderItem *self)
{
}

static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

QdHeldOrderItem *
qd_held_order_item_new (const QdOrderInfo *order,
                        const char        *dealer_name)
{
  QdHeldOrderItem *self;

  g_return_val_if_fail (order != NULL && order->id != NULL, NULL);

  self = g_object_new (QD_TYPE_HELD_ORDER_ITEM, NULL);
  self->id = g_strdup (order->id);
  qd_held_order_item_update (self, order, dealer_name);  /* nobody listens yet */
  return self;
}

/**
 * qd_held_order_item_update:
 * @order: the same order (same id) as the store lists it now
 *
 * Returns: %TRUE when anything the row shows changed
 */
gboolean
qd_held_order_item_update (QdHeldOrderItem   *self,
                           const QdOrderInfo *order,
                           const char        *dealer_name)
{
  gboolean changed = FALSE;
  gboolean pending;

  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), FALSE);
  g_return_val_if_fail (order != NULL && g_strcmp0 (order->id, self->id) == 0, FALSE);

  changed |= replace_string (&self->number, order->number);
  changed |= replace_string (&self->dealer_id, order->dealer_id);
  changed |= replace_string (&self->dealer_name, dealer_name);
  changed |= replace_string (&self->held_reason, order->held_reason);
  if (self->total_fen != order->total_fen)
    {
      self->total_fen = order->total_fen;
      changed = TRUE;
    }
  pending = order->pending_mutation != NULL;
  if (self->pending != pending)
    {
      self->pending = pending;
      changed = TRUE;
    }
  if (changed)
    emit_changed (self);
  return changed;
}

const char *
qd_held_order_item_get_id (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), NULL);
  return self->id;
}

const char *
qd_held_order_item_get_number (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), NULL);
  return self->number;
}

/* The dealer's name, or its id when the dealer table does not know it. */
const char *
qd_held_order_item_get_dealer (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), NULL);
  return self->dealer_name != NULL ? self->dealer_name : self->dealer_id;
}

gint64
qd_held_order_item_get_total (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), 0);
  return self->total_fen;
}

const char *
qd_held_order_item_get_reason (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), NULL);
  return self->held_reason;
}

gboolean
qd_held_order_item_get_pending (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), FALSE);
  return self->pending;
}

/* A decision was queued here: the row shows it before the reload confirms it. */
void
qd_held_order_item_set_pending (QdHeldOrderItem *self,
                                gboolean         pending)
{
  g_return_if_fail (QD_IS_HELD_ORDER_ITEM (self));
  if (self->pending == pending)
    return;
  self->pending = pending;
  emit_changed (self);
}

/* Returns: (transfer none) (nullable): the history, or %NULL while it is being computed */
GPtrArray *
qd_held_order_item_get_history (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), NULL);
  return self->history;
}

static gboolean
history_equal (GPtrArray *a,
               GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return a == b;
  for (guint i = 0; i < a->len; i++)
    {
      const QdProductHistory *x = a->pdata[i], *y = b->pdata[i];

      if (g_strcmp0 (x->product_id, y->product_id) != 0 || g_strcmp0 (x->sku, y->sku) != 0
          || g_strcmp0 (x->name, y->name) != 0 || x->qty != y->qty
          || x->orders_12m != y->orders_12m || x->qty_12m != y->qty_12m
          || g_strcmp0 (x->last_order_at, y->last_order_at) != 0)
        return FALSE;
    }
  return TRUE;
}

/* @history: (transfer full); the same figures as before change nothing (no redraw). */
void
qd_held_order_item_set_history (QdHeldOrderItem *self,
                                GPtrArray       *history)
{
  g_return_if_fail (QD_IS_HELD_ORDER_ITEM (self));
  if (history != NULL && history_equal (self->history, history))
    {
      g_ptr_array_unref (history);
      self->history_current = TRUE;
      return;
    }
  g_clear_pointer (&self->history, g_ptr_array_unref);
  self->history = history;
  self->history_current = history != NULL;
  emit_changed (self);
}

/* Whether the history was computed after the last reload; a stale one is still shown until
 * the background refresh replaces it. */
gboolean
qd_held_order_item_get_history_current (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), FALSE);
  return self->history_current;
}

void
qd_held_order_item_mark_history_stale (QdHeldOrderItem *self)
{
  g_return_if_fail (QD_IS_HELD_ORDER_ITEM (self));
  self->history_current = FALSE;
}

const char *
qd_held_order_item_get_comment (QdHeldOrderItem *self)
{
  g_return_val_if_fail (QD_IS_HELD_ORDER_ITEM (self), NULL);
  return self->comment != NULL ? self->comment : "";
}

void
qd_held_order_item_set_comment (QdHeldOrderItem *self,
                                const char      *comment)
{
  g_return_if_fail (QD_IS_HELD_ORDER_ITEM (self));
  replace_string (&self->comment, comment);
}
