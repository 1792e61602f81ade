/* qd-order-item.c — one order as a GObject, a row of the Orders page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-order-item.h"

struct _QdOrderItem
{
  GObject parent_instance;

  /* owned */
  QdOrderInfo *info;
};

G_DEFINE_FINAL_TYPE (QdOrderItem, qd_order_item, G_TYPE_OBJECT)

static void
qd_order_item_finalize (GObject *object)
{
  QdOrderItem *self = QD_ORDER_ITEM (object);

  g_clear_pointer (&self->info, qd_order_info_free);

  G_OBJECT_CLASS (qd_order_item_parent_class)->finalize (object);
}

static void
qd_order_item_class_init (QdOrderItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_order_item_finalize;
}

static void
qd_order_item_init (QdOrderItem *self)
{
}

/**
 * qd_order_item_new:
 * @info: (transfer full): the order as the store read it
 */
QdOrderItem *
qd_order_item_new (QdOrderInfo *info)
{
  QdOrderItem *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (QD_TYPE_ORDER_ITEM, NULL);
  self->info = info;
  return self;
}

const QdOrderInfo *
qd_order_item_get_info (QdOrderItem *self)
{
  g_return_val_if_fail (QD_IS_ORDER_ITEM (self), NULL);
  return self->info;
}

const char *
qd_order_item_get_id (QdOrderItem *self)
{
  g_return_val_if_fail (QD_IS_ORDER_ITEM (self), NULL);
  return self->info->id;
}

/**
 * qd_order_status_label:
 * @status: a status as the store has it: "queued", "sending", "rejected" or the server's
 *
 * Returns: the status in words for the status chip; an unknown status as it is
 */
const char *
qd_order_status_label (const char *status)
{
  static const struct { const char *status; const char *label; } labels[] = {
    /* Translators: order status of an order saved on this computer, not yet sent. */
    { "queued", N_("Not yet sent") },
    { "sending", N_("Sending") },
    { "submitted", N_("Submitted") },
    { "held", N_("Held for review") },
    { "approved", N_("Approved") },
    { "shipped", N_("Shipped") },
    { "completed", N_("Completed") },
    { "rejected", N_("Rejected") },
    { "cancelled", N_("Cancelled") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (status, labels[i].status) == 0)
      return _(labels[i].label);
  return status != NULL ? status : "";
}

/**
 * qd_order_format_created:
 * @created_at: an RFC 3339 instant
 *
 * Returns: (transfer full): the instant in local time, "2026-11-24 16:05", or the text as
 *   it is when it does not parse
 */
char *
qd_order_format_created (const char *created_at)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (created_at == NULL)
    return g_strdup ("");
  utc = g_date_time_new_from_iso8601 (created_at, NULL);
  if (utc == NULL)
    return g_strdup (created_at);
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/**
 * qd_order_event_label:
 * @event: a step of an order's status history
 *
 * Returns: the step in words: the local steps say what happened on this computer, the
 *   others are the status names of the status chip
 */
const char *
qd_order_event_label (const QdOrderEvent *event)
{
  g_return_val_if_fail (event != NULL, "");

  if (event->source == QD_ORDER_EVENT_LOCAL)
    {
      /* Translators: a step of an order's history: the order was saved on this computer. */
      if (g_strcmp0 (event->status, "queued") == 0)
        return _("Saved on this computer");
      /* Translators: a step of an order's history: this computer sent it to the brand. */
      if (g_strcmp0 (event->status, "sent") == 0)
        return _("Sent to the brand");
      if (g_strcmp0 (event->status, "rejected") == 0)
        return _("Rejected by the brand");
    }
  return qd_order_status_label (event->status);
}

/**
 * qd_order_event_time:
 * @event: a step of an order's status history
 *
 * Returns: (transfer full): when, in local time, and how sure: a change only seen at a
 *   sync says so, and a step without a known time says that
 */
char *
qd_order_event_time (const QdOrderEvent *event)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (event != NULL, NULL);

  if (event->at == NULL)
    /* Translators: in an order's status history, for a step whose time is unknown (it
     * happened before this computer first synced the order). */
    return g_strdup (_("Time not known"));
  when = qd_order_format_created (event->at);
  if (event->source == QD_ORDER_EVENT_OBSERVED)
    /* Translators: in an order's status history; %s is a date and time. The change
     * happened at the brand at or before this time: it is when a sync brought it. */
    return g_strdup_printf (_("Learnt at the sync of %s"), when);
  return g_steal_pointer (&when);
}
