/* qd-enums.h — the enumerations of the wire contract
 *
 * The nicks are the strings of PROTOCOL.md; glib-mkenums registers them as GTypes
 * (qd-enum-types.h) and qd_enum_to_string()/qd_enum_from_string() round-trip them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum /*< prefix=QD_ORDER_STATUS >*/
{
  QD_ORDER_STATUS_SUBMITTED, /*< nick=submitted >*/
  QD_ORDER_STATUS_HELD,      /*< nick=held >*/
  QD_ORDER_STATUS_APPROVED,  /*< nick=approved >*/
  QD_ORDER_STATUS_REJECTED,  /*< nick=rejected >*/
  QD_ORDER_STATUS_SHIPPED,   /*< nick=shipped >*/
  QD_ORDER_STATUS_COMPLETED, /*< nick=completed >*/
  QD_ORDER_STATUS_CANCELLED, /*< nick=cancelled >*/
} QdOrderStatus;

typedef enum /*< prefix=QD_STATEMENT_STATUS >*/
{
  QD_STATEMENT_STATUS_ISSUED,    /*< nick=issued >*/
  QD_STATEMENT_STATUS_CONFIRMED, /*< nick=confirmed >*/
  QD_STATEMENT_STATUS_DISPUTED,  /*< nick=disputed >*/
} QdStatementStatus;

typedef enum /*< prefix=QD_STATEMENT_LINE_KIND >*/
{
  QD_STATEMENT_LINE_KIND_INVOICE,    /*< nick=invoice >*/
  QD_STATEMENT_LINE_KIND_PAYMENT,    /*< nick=payment >*/
  QD_STATEMENT_LINE_KIND_REBATE,     /*< nick=rebate >*/
  QD_STATEMENT_LINE_KIND_ADJUSTMENT, /*< nick=adjustment >*/
} QdStatementLineKind;

typedef enum /*< prefix=QD_USER_ROLE >*/
{
  QD_USER_ROLE_DEALER,  /*< nick=dealer >*/
  QD_USER_ROLE_MANAGER, /*< nick=manager >*/
  QD_USER_ROLE_ADMIN,   /*< nick=admin >*/
} QdUserRole;

typedef enum /*< prefix=QD_DEALER_LEVEL >*/
{
  QD_DEALER_LEVEL_GENERAL_AGENT, /*< nick=general_agent >*/
  QD_DEALER_LEVEL_PROVINCIAL,    /*< nick=provincial >*/
  QD_DEALER_LEVEL_REGIONAL,      /*< nick=regional >*/
} QdDealerLevel;

/* The decision of order.review. */
typedef enum /*< prefix=QD_REVIEW_DECISION >*/
{
  QD_REVIEW_DECISION_APPROVE, /*< nick=approve >*/
  QD_REVIEW_DECISION_REJECT,  /*< nick=reject >*/
} QdReviewDecision;

/* The "type" of a mutation (POST /mutations). */
typedef enum /*< prefix=QD_MUTATION_TYPE >*/
{
  QD_MUTATION_TYPE_ORDER_SUBMIT,        /*< nick=order.submit >*/
  QD_MUTATION_TYPE_ORDER_CANCEL,        /*< nick=order.cancel >*/
  QD_MUTATION_TYPE_ORDER_REVIEW,        /*< nick=order.review >*/
  QD_MUTATION_TYPE_STOCK_REPORT_SUBMIT, /*< nick=stock_report.submit >*/
  QD_MUTATION_TYPE_STATEMENT_CONFIRM,   /*< nick=statement.confirm >*/
  QD_MUTATION_TYPE_STATEMENT_DISPUTE,   /*< nick=statement.dispute >*/
} QdMutationType;

const char *qd_enum_to_string   (GType        enum_type,
                                 int          value);
gboolean    qd_enum_from_string (GType        enum_type,
                                 const char  *text,
                                 int         *out_value,
                                 GError     **error);

G_END_DECLS
