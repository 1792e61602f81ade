/* qd-server-admin.c — the brand's API under /api/v1/admin (role admin)
 *
 *   PUT  /admin/{regions|dealers|products|prices|targets|rebate-policies|users}/{id}
 *   POST /admin/payments, POST /admin/adjustments
 *   POST /admin/orders/{id}/status         {"status", "comment"?}
 *   POST /admin/statements                 {"dealer_id", "period"}   issue
 *   POST /admin/statements/{id}/revise                               version + 1
 *   GET  /admin/audit?since=&limit=
 *
 * Bodies are validated here (strict: unknown members refused, types and ranges checked);
 * the rows are written on the writer thread like every other change, logged to the feed
 * and to the audit log with their before/after images.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-private.h"

#include <sodium.h>
#include <string.h>

#include "qd-enum-types.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-server-rules.h"

typedef enum
{
  F_STRING,   /* non-empty text up to 200 characters */
  F_TEXT,     /* text up to 1000 characters, may be empty */
  F_ID,       /* a reference (qd_is_id) */
  F_INT,      /* integer in [min, max] */
  F_BOOL,
  F_LEVEL,    /* a dealer level nick */
  F_ROLE,     /* a user role nick */
  F_DATE,
  F_PERIOD,   /* YYYY-MM */
  F_QUARTER,  /* YYYY-Qn */
  F_TIERS,    /* [{"threshold_fen", "rate_bp"}] */
  F_IDS,      /* array of ids */
} FieldType;

typedef struct
{
  const char *name;
  FieldType   type;
  gboolean    optional;
  gint64      min;
  gint64      max;
} Field;

#define END { NULL, 0, 0, 0, 0 }
#define MONEY 0, QD_MONEY_MAX_FEN

static const Field region_fields[] = {
  { "name", F_STRING, FALSE, 0, 0 }, END
};
static const Field dealer_fields[] = {
  { "name", F_STRING, FALSE, 0, 0 },
  { "level", F_LEVEL, FALSE, 0, 0 },
  { "parent_id", F_ID, TRUE, 0, 0 },
  { "region_id", F_ID, FALSE, 0, 0 },
  { "credit_limit_fen", F_INT, FALSE, MONEY },
  { "hold_threshold_fen", F_INT, TRUE, MONEY },
  { "active", F_BOOL, TRUE, 0, 0 },
  END
};
static const Field product_fields[] = {
  { "sku", F_STRING, FALSE, 0, 0 },
  { "name", F_STRING, FALSE, 0, 0 },
  { "spec", F_TEXT, TRUE, 0, 0 },
  { "category", F_TEXT, TRUE, 0, 0 },
  { "unit", F_TEXT, TRUE, 0, 0 },
  { "pack_size", F_INT, TRUE, 1, 1000000 },
  { "max_line_qty", F_INT, TRUE, 1, 1000000000 },
  { "barcode", F_TEXT, TRUE, 0, 0 },
  { "mnemonic", F_TEXT, TRUE, 0, 0 },
  { "lot_tracked", F_BOOL, TRUE, 0, 0 },
  { "active", F_BOOL, TRUE, 0, 0 },
  END
};
static const Field price_fields[] = {
  { "product_id", F_ID, FALSE, 0, 0 },
  { "level", F_LEVEL, TRUE, 0, 0 },
  { "dealer_id", F_ID, TRUE, 0, 0 },
  { "unit_price_fen", F_INT, FALSE, MONEY },
  END
};
static const Field target_fields[] = {
  { "dealer_id", F_ID, FALSE, 0, 0 },
  { "period", F_PERIOD, FALSE, 0, 0 },
  { "amount_fen", F_INT, FALSE, MONEY },
  END
};
static const Field rebate_policy_fields[] = {
  { "level", F_LEVEL, FALSE, 0, 0 },
  { "period", F_QUARTER, FALSE, 0, 0 },
  { "tiers", F_TIERS, FALSE, 0, 0 },
  END
};
static const Field user_fields[] = {
  { "username", F_STRING, FALSE, 0, 0 },
  { "name", F_STRING, FALSE, 0, 0 },
  { "role", F_ROLE, FALSE, 0, 0 },
  { "dealer_id", F_ID, TRUE, 0, 0 },
  { "region_ids", F_IDS, TRUE, 0, 0 },
  { "password", F_TEXT, TRUE, 0, 0 },
  END
};
static const Field payment_fields[] = {
  { "dealer_id", F_ID, FALSE, 0, 0 },
  { "date", F_DATE, FALSE, 0, 0 },
  { "amount_fen", F_INT, FALSE, 1, QD_MONEY_MAX_FEN },
  { "method", F_STRING, FALSE, 0, 0 },
  { "ref", F_TEXT, TRUE, 0, 0 },
  END
};
static const Field adjustment_fields[] = {
  { "dealer_id", F_ID, FALSE, 0, 0 },
  { "date", F_DATE, FALSE, 0, 0 },
  { "amount_fen", F_INT, FALSE, -QD_MONEY_MAX_FEN, QD_MONEY_MAX_FEN },
  { "ref", F_TEXT, TRUE, 0, 0 },
  END
};

static gboolean
check_text (const char  *name,
            const char  *value,
            glong        max_chars,
            gboolean     non_empty,
            GError     **error)
{
  glong n = g_utf8_strlen (value, -1);

  if ((non_empty && n == 0) || n > max_chars)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
                   "%s: expected %s text of at most %ld characters", name,
                   non_empty ? "non-empty" : "a", max_chars);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate (JsonObject   *body,
          const Field  *fields,
          GError      **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (const Field *f = fields; f->name != NULL; f++)
    g_ptr_array_add (names, (gpointer) f->name);
  g_ptr_array_add (names, NULL);
  if (!qd_json_check_members (body, (const char * const *) names->pdata, error))
    return FALSE;

  for (const Field *f = fields; f->name != NULL; f++)
    {
      QdJsonFlags flags = f->optional ? QD_JSON_OPTIONAL : QD_JSON_REQUIRED;
      const char *s = NULL;
      gint64 i = 0;
      gboolean b = FALSE;
      int e = 0;
      JsonArray *array = NULL;
      int y, m;

      switch (f->type)
        {
        case F_STRING:
          if (!qd_json_read_string (body, f->name, flags, &s, error) ||
              (s != NULL && !check_text (f->name, s, 200, TRUE, error)))
            return FALSE;
          break;
        case F_TEXT:
          if (!qd_json_read_string (body, f->name, flags, &s, error) ||
              (s != NULL && !check_text (f->name, s, 1000, FALSE, error)))
            return FALSE;
          break;
        case F_ID:
          if (!qd_json_read_id (body, f->name, flags, &s, error))
            return FALSE;
          break;
        case F_INT:
          if (!qd_json_read_int (body, f->name, flags, f->min, f->max, &i, error))
            return FALSE;
          break;
        case F_BOOL:
          if (!qd_json_read_bool (body, f->name, flags, &b, error))
            return FALSE;
          break;
        case F_LEVEL:
          if (!qd_json_read_enum (body, f->name, flags, QD_TYPE_DEALER_LEVEL, &e, error))
            return FALSE;
          break;
        case F_ROLE:
          if (!qd_json_read_enum (body, f->name, flags, QD_TYPE_USER_ROLE, &e, error))
            return FALSE;
          break;
        case F_DATE:
          if (!qd_json_read_date (body, f->name, flags, &s, error))
            return FALSE;
          break;
        case F_PERIOD:
          if (!qd_json_read_string (body, f->name, flags, &s, error))
            return FALSE;
          if (s != NULL && !qd_server_rules_period_parse (s, &y, &m))
            {
              g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
                           "%s: expected a month YYYY-MM, got “%s”", f->name, s);
              return FALSE;
            }
          break;
        case F_QUARTER:
          if (!qd_json_read_string (body, f->name, flags, &s, error))
            return FALSE;
          if (s != NULL && (strlen (s) != 7 || s[4] != '-' || s[5] != 'Q' ||
                            s[6] < '1' || s[6] > '4' ||
                            !g_ascii_isdigit (s[0]) || !g_ascii_isdigit (s[1]) ||
                            !g_ascii_isdigit (s[2]) || !g_ascii_isdigit (s[3])))
            {
              g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
                           "%s: expected a quarter YYYY-Qn, got “%s”", f->name, s);
              return FALSE;
            }
          break;
        case F_TIERS:
        case F_IDS:
          if (!qd_json_read_array (body, f->name, flags, &array, error))
            return FALSE;
          for (guint k = 0; array != NULL && k < json_array_get_length (array); k++)
            {
              JsonNode *n = json_array_get_element (array, k);

              if (f->type == F_IDS)
                {
                  if (!JSON_NODE_HOLDS_VALUE (n) ||
                      json_node_get_value_type (n) != G_TYPE_STRING ||
                      !qd_is_id (json_node_get_string (n)))
                    {
                      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_INVALID,
                                   "%s[%u]: expected an id", f->name, k);
                      return FALSE;
                    }
                }
              else
                {
                  static const char * const tier_members[] = { "threshold_fen", "rate_bp", NULL };
                  JsonObject *t = qd_json_array_object (array, k, error);

                  if (t == NULL ||
                      !qd_json_check_members (t, tier_members, error) ||
                      !qd_json_read_int (t, "threshold_fen", QD_JSON_REQUIRED, MONEY, &i, error) ||
                      !qd_json_read_int (t, "rate_bp", QD_JSON_REQUIRED, 0, 10000, &i, error))
                    {
                      g_prefix_error (error, "%s[%u].", f->name, k);
                      return FALSE;
                    }
                }
            }
          if (f->type == F_TIERS && array != NULL)
            {
              g_autofree char *text = json_to_string (json_object_get_member (body, f->name),
                                                      FALSE);
              gint64 ignored;

              /* Ascending thresholds, at least one tier: libqudao-core's rule. */
              if (!qd_server_rules_rebate (text, 0, &ignored, error))
                {
                  g_prefix_error (error, "%s: ", f->name);
                  return FALSE;
                }
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------------- */
/* Writes                                                                               */

typedef struct
{
  QdServerEntity  entity;
  char           *id;
  JsonObject     *row;
  char           *action;
  /* users */
  char           *password_hash;
  /* orders and statements */
  char           *status;
  char           *comment;
  char           *dealer_id;
  char           *period;
  gboolean        revise;
  /* the answer */
  guint           status_code;
  char           *after;
} AdminJob;

static void
admin_job_free (AdminJob *job)
{
  g_free (job->id);
  g_clear_pointer (&job->row, json_object_unref);
  g_free (job->action);
  if (job->password_hash != NULL)
    {
      sodium_memzero (job->password_hash, strlen (job->password_hash));
      g_free (job->password_hash);
    }
  g_free (job->status);
  g_free (job->comment);
  g_free (job->dealer_id);
  g_free (job->period);
  g_free (job->after);
  g_free (job);
}

static gboolean
audit (QdServerRequest  *req,
       QdServerTxn      *txn,
       const char       *action,
       QdServerEntity    entity,
       const char       *id,
       const char       *before,
       const char       *after,
       const char       *detail,
       GError          **error)
{
  g_autofree char *target = g_strdup_printf ("%s:%s", qd_server_entity_name (entity), id);

  return qd_server_txn_audit (txn, req->user->id, req->user->username, req->address, action,
                              target, before, after, detail, error);
}

/* Storage refusals of the admin's input (unknown reference, taken key, missing value)
 * answer 4xx. The storage words them after the member and value (e.g. "sku already
 * exists: QD-1"), never with the database's own text. */
static gboolean
refusal (QdServerRequest  *req,
         GError          **error)
{
  GError *e = *error;

  if (e->domain != QD_SERVER_ERROR)
    return FALSE;
  switch (e->code)
    {
    case QD_SERVER_ERROR_CONFLICT:
      qd_server_reply_error (req, SOUP_STATUS_CONFLICT, "conflict", NULL, "%s", e->message);
      break;
    case QD_SERVER_ERROR_INVALID:
      qd_server_reply_error (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid_reference", NULL,
                             "%s", e->message);
      break;
    case QD_SERVER_ERROR_REQUIRED:
      qd_server_reply_error (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "missing_value", NULL,
                             "%s", e->message);
      break;
    case QD_SERVER_ERROR_NOT_FOUND:
      qd_server_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", NULL, "%s", e->message);
      break;
    default:
      return FALSE;
    }
  /* Whatever the request wrote before the refusal is undone with it. */
  req->undo = TRUE;
  g_clear_error (error);
  return TRUE;
}

static gboolean
put_write (QdServerRequest  *req,
           QdServerTxn      *txn,
           GError          **error)
{
  AdminJob *job = req->data;
  g_autofree char *before = qd_server_txn_render (txn, job->entity, job->id, NULL);

  if (!qd_server_txn_put_row (txn, job->entity, job->row, error))
    return refusal (req, error);
  if (job->entity == QD_SERVER_ENTITY_PAYMENT || job->entity == QD_SERVER_ENTITY_ADJUSTMENT)
    {
      const char *dealer = json_object_get_string_member (job->row, "dealer_id");

      if (!qd_server_txn_recompute_dealer (txn, dealer, error) ||
          !qd_server_txn_log (txn, QD_SERVER_ENTITY_DEALER, dealer, error))
        return FALSE;
    }
  if (!qd_server_txn_log (txn, job->entity, job->id, error))
    return FALSE;
  job->after = qd_server_txn_render (txn, job->entity, job->id, NULL);
  if (job->after == NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), job->row);

      job->after = json_to_string (node, FALSE);
    }
  return audit (req, txn, job->action, job->entity, job->id, before, job->after, NULL, error);
}

static gboolean
user_write (QdServerRequest  *req,
            QdServerTxn      *txn,
            GError          **error)
{
  AdminJob *job = req->data;
  JsonObject *row = job->row;
  g_autoptr(GStrvBuilder) regions = g_strv_builder_new ();
  g_auto(GStrv) region_ids = NULL;
  g_autofree char *after = NULL;
  int role = 0;

  qd_enum_from_string (QD_TYPE_USER_ROLE, json_object_get_string_member (row, "role"), &role,
                       NULL);
  if (json_object_has_member (row, "region_ids") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (row, "region_ids")))
    {
      JsonArray *a = json_object_get_array_member (row, "region_ids");

      for (guint i = 0; i < json_array_get_length (a); i++)
        g_strv_builder_add (regions, json_array_get_string_element (a, i));
    }
  region_ids = g_strv_builder_end (regions);

  if (!qd_server_txn_put_user (txn, job->id, json_object_get_string_member (row, "username"),
                               json_object_get_string_member (row, "name"), role,
                               json_object_get_string_member_with_default (row, "dealer_id", NULL),
                               (const char * const *) region_ids, job->password_hash, error))
    return refusal (req, error);

  /* The audit keeps the user without the password. */
  json_object_remove_member (row, "password");
  json_object_set_string_member (row, "id", job->id);
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), row);

    after = json_to_string (node, FALSE);
  }
  job->after = g_strdup (after);
  return qd_server_txn_audit (txn, req->user->id, req->user->username, req->address,
                              "admin.user.put", job->id, NULL, after, NULL, error);
}

static void
admin_written (QdServerRequest *req)
{
  AdminJob *job = req->data;

  if (req->status != 0)
    return;  /* refused inside the write */
  qd_server_reply_json (req, job->status_code ? job->status_code : SOUP_STATUS_OK,
                        job->after ? job->after : "{}");
}

static void
hash_password (QdServerRequest *req)
{
  AdminJob *job = req->data;
  const char *password = json_object_get_string_member (job->row, "password");
  char hash[crypto_pwhash_STRBYTES];

  if (crypto_pwhash_str (hash, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error (&req->failure, QD_SERVER_ERROR, QD_SERVER_ERROR_FAILED,
                   "out of memory while hashing a password");
      return;
    }
  job->password_hash = g_strdup (hash);
  sodium_memzero (hash, sizeof hash);
}

static void
password_hashed (QdServerRequest *req)
{
  qd_server_run_write (req, user_write, admin_written);
}

static const struct
{
  const char     *kind;
  QdServerEntity  entity;
  const Field    *fields;
} put_kinds[] = {
  { "regions", QD_SERVER_ENTITY_REGION, region_fields },
  { "dealers", QD_SERVER_ENTITY_DEALER, dealer_fields },
  { "products", QD_SERVER_ENTITY_PRODUCT, product_fields },
  { "prices", QD_SERVER_ENTITY_PRICE, price_fields },
  { "targets", QD_SERVER_ENTITY_TARGET, target_fields },
  { "rebate-policies", QD_SERVER_ENTITY_REBATE_POLICY, rebate_policy_fields },
  { "users", QD_SERVER_N_ENTITIES, user_fields },
};

/* Fills the defaults of optional members so that a PUT is a full replacement. */
static void
fill_defaults (JsonObject   *row,
               const Field  *fields)
{
  for (const Field *f = fields; f->name != NULL; f++)
    {
      JsonNode *n = json_object_get_member (row, f->name);

      if (n != NULL && !JSON_NODE_HOLDS_NULL (n))
        continue;
      switch (f->type)
        {
        case F_TEXT:
          if (!g_str_equal (f->name, "password"))
            json_object_set_string_member (row, f->name, "");
          break;
        case F_BOOL:
          json_object_set_boolean_member (row, f->name, g_str_equal (f->name, "active"));
          break;
        case F_INT:
          json_object_set_int_member (row, f->name,
                                      g_str_equal (f->name, "max_line_qty") ? 100000 :
                                      f->min > 0 ? f->min : 0);
          break;
        default:
          break;
        }
    }
}

void
qd_server_handle_admin_put (QdServerRequest *req)
{
  const char *kind = req->args[0];
  const char *id = req->args[1];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  AdminJob *job;
  guint k;

  for (k = 0; k < G_N_ELEMENTS (put_kinds); k++)
    if (g_str_equal (put_kinds[k].kind, kind))
      break;
  if (k == G_N_ELEMENTS (put_kinds))
    {
      qd_server_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", NULL,
                             "There is no admin collection “%s”.", kind);
      return;
    }
  if (!qd_is_id (id))
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                             "The id in the path must be 1–64 printable ASCII characters.");
      return;
    }
  body = qd_server_body_object (req);
  if (body == NULL)
    return;
  if (!validate (body, put_kinds[k].fields, &error))
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL, "%s",
                             error->message);
      return;
    }
  if (put_kinds[k].entity == QD_SERVER_ENTITY_PRICE &&
      json_object_has_member (body, "level") == json_object_has_member (body, "dealer_id"))
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                             "A price has either a level or a dealer_id, not both or neither.");
      return;
    }

  job = g_new0 (AdminJob, 1);
  job->entity = put_kinds[k].entity;
  job->id = g_strdup (id);
  job->row = json_object_ref (body);
  job->action = g_strdup_printf ("admin.%s.put", kind);
  qd_server_set_data (req, job, (GDestroyNotify) admin_job_free);
  fill_defaults (body, put_kinds[k].fields);
  json_object_set_string_member (body, "id", id);

  if (put_kinds[k].entity == QD_SERVER_N_ENTITIES)
    {
      const char *role = json_object_get_string_member (body, "role");

      if (g_str_equal (role, "dealer") != json_object_has_member (body, "dealer_id"))
        {
          qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                                 "dealer_id is required for dealers and only for them.");
          return;
        }
      if (json_object_has_member (body, "password") &&
          !JSON_NODE_HOLDS_NULL (json_object_get_member (body, "password")))
        {
          if (strlen (json_object_get_string_member (body, "password")) < 8)
            {
              qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL,
                                     "password: at least 8 characters.");
              return;
            }
          qd_server_run_read (req, hash_password, password_hashed);
          return;
        }
      qd_server_run_write (req, user_write, admin_written);
      return;
    }

  qd_server_run_write (req, put_write, admin_written);
}

static gboolean
counter_id (QdServerTxn  *txn,
            const char   *prefix,
            char        **out_id,
            GError      **error)
{
  gint64 n = 0;

  if (!qd_server_txn_next_counter (txn, prefix, &n, error))
    return FALSE;
  *out_id = g_strdup_printf ("%s-%" G_GINT64_FORMAT, prefix, n);
  return TRUE;
}

static gboolean
post_write (QdServerRequest  *req,
            QdServerTxn      *txn,
            GError          **error)
{
  AdminJob *job = req->data;

  if (!counter_id (txn, job->entity == QD_SERVER_ENTITY_PAYMENT ? "pay" : "adj", &job->id,
                   error))
    return FALSE;
  json_object_set_string_member (job->row, "id", job->id);
  job->status_code = SOUP_STATUS_CREATED;
  return put_write (req, txn, error);
}

void
qd_server_handle_admin_post (QdServerRequest *req)
{
  const char *kind = req->args[0];
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const Field *fields;
  AdminJob *job;

  if (g_str_equal (kind, "payments"))
    fields = payment_fields;
  else if (g_str_equal (kind, "adjustments"))
    fields = adjustment_fields;
  else
    {
      qd_server_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", NULL,
                             "There is no admin collection “%s” to post to.", kind);
      return;
    }
  body = qd_server_body_object (req);
  if (body == NULL)
    return;
  if (!validate (body, fields, &error))
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL, "%s",
                             error->message);
      return;
    }
  fill_defaults (body, fields);

  job = g_new0 (AdminJob, 1);
  job->entity = fields == payment_fields ? QD_SERVER_ENTITY_PAYMENT : QD_SERVER_ENTITY_ADJUSTMENT;
  job->row = json_object_ref (body);
  job->action = g_strdup_printf ("admin.%s.post", kind);
  qd_server_set_data (req, job, (GDestroyNotify) admin_job_free);
  qd_server_run_write (req, post_write, admin_written);
}

static gboolean
delete_write (QdServerRequest  *req,
              QdServerTxn      *txn,
              GError          **error)
{
  AdminJob *job = req->data;
  g_autofree char *before = qd_server_txn_render (txn, job->entity, job->id, NULL);

  if (!qd_server_txn_delete_row (txn, job->entity, job->id, error))
    return refusal (req, error);
  if (!audit (req, txn, job->action, job->entity, job->id, before, NULL, NULL, error))
    return FALSE;
  qd_server_reply_json (req, SOUP_STATUS_NO_CONTENT, NULL);
  return TRUE;
}

/* DELETE /admin/{prices|targets}/{id}: the feed carries a tombstone. */
void
qd_server_handle_admin_delete (QdServerRequest *req)
{
  const char *kind = req->args[0];
  AdminJob *job;

  if (!g_str_equal (kind, "prices") && !g_str_equal (kind, "targets"))
    {
      qd_server_reply_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
                             "Only prices and targets can be deleted; deactivate the others.");
      return;
    }
  job = g_new0 (AdminJob, 1);
  job->entity = g_str_equal (kind, "prices") ? QD_SERVER_ENTITY_PRICE : QD_SERVER_ENTITY_TARGET;
  job->id = g_strdup (req->args[1]);
  job->action = g_strdup_printf ("admin.%s.delete", kind);
  qd_server_set_data (req, job, (GDestroyNotify) admin_job_free);
  qd_server_run_write (req, delete_write, admin_written);
}

/* ---------------------------------------------------------------------------------- */
/* Orders                                                                               */

static gboolean
transition_allowed (const char *from,
                    const char *to)
{
  if (g_str_equal (to, "approved") || g_str_equal (to, "rejected"))
    return g_str_equal (from, "submitted") || g_str_equal (from, "held");
  if (g_str_equal (to, "shipped"))
    return g_str_equal (from, "approved");
  if (g_str_equal (to, "completed"))
    return g_str_equal (from, "shipped");
  return FALSE;
}

static gboolean
order_write (QdServerRequest  *req,
             QdServerTxn      *txn,
             GError          **error)
{
  AdminJob *job = req->data;
  g_auto(QdServerOrder) order = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *now = qd_server_now_rfc3339 ();

  if (!qd_server_txn_get_order (txn, job->id, &order, error))
    return refusal (req, error);
  if (!transition_allowed (order.status, job->status))
    {
      qd_server_reply_error (req, SOUP_STATUS_CONFLICT, "invalid_state",
                             NULL,
                             "Order %s is %s; it cannot become %s.", order.number,
                             order.status, job->status);
      return TRUE;
    }
  before = qd_server_txn_render (txn, QD_SERVER_ENTITY_ORDER, job->id, NULL);
  if (!qd_server_txn_set_order_status (txn, job->id, job->status,
                                       g_str_equal (job->status, "shipped") ? now : NULL,
                                       error) ||
      !qd_server_txn_recompute_dealer (txn, order.dealer_id, error) ||
      !qd_server_txn_log (txn, QD_SERVER_ENTITY_ORDER, job->id, error) ||
      !qd_server_txn_log (txn, QD_SERVER_ENTITY_DEALER, order.dealer_id, error))
    return FALSE;
  job->after = qd_server_txn_render (txn, QD_SERVER_ENTITY_ORDER, job->id, NULL);
  return audit (req, txn, "admin.order.status", QD_SERVER_ENTITY_ORDER, job->id, before,
                job->after, job->comment, error);
}

void
qd_server_handle_admin_order (QdServerRequest *req)
{
  static const char * const allowed[] = { "status", "comment", NULL };
  g_autoptr(JsonObject) body = qd_server_body_object (req);
  g_autoptr(GError) error = NULL;
  const char *comment = NULL;
  int status = 0;
  AdminJob *job;

  if (body == NULL)
    return;
  if (!qd_json_check_members (body, allowed, &error) ||
      !qd_json_read_enum (body, "status", QD_JSON_REQUIRED, QD_TYPE_ORDER_STATUS, &status,
                          &error) ||
      !qd_json_read_string (body, "comment", QD_JSON_OPTIONAL, &comment, &error))
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL, "%s",
                             error->message);
      return;
    }

  job = g_new0 (AdminJob, 1);
  job->id = g_strdup (req->args[0]);
  job->status = g_strdup (qd_enum_to_string (QD_TYPE_ORDER_STATUS, status));
  job->comment = g_strdup (comment);
  qd_server_set_data (req, job, (GDestroyNotify) admin_job_free);
  qd_server_run_write (req, order_write, admin_written);
}

/* ---------------------------------------------------------------------------------- */
/* Statements                                                                           */

gboolean
qd_server_issue_statement (QdServerTxn  *txn,
                           const char   *dealer_id,
                           const char   *period,
                           const char   *issued_at,
                           gboolean      revise,
                           char        **out_id,
                           GError      **error)
{
  g_auto(QdServerDealer) dealer = { 0 };
  g_auto(QdServerStatement) existing = { 0 };
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *first = qd_server_rules_period_first_day (period);
  g_autofree char *next = qd_server_rules_period_next_day (period);
  g_autofree char *previous = qd_server_rules_period_previous (period);
  QdServerStatement st = { 0 };
  gboolean found = FALSE, exists;
  gint64 opening = 0, closing;
  g_autofree char *id = NULL;

  if (!qd_server_txn_get_dealer (txn, dealer_id, &dealer, error))
    return FALSE;

  exists = qd_server_txn_find_statement (txn, dealer_id, period, &existing, &local);
  if (!exists && !g_error_matches (local, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND))
    return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
  if (exists != revise)
    {
      g_set_error (error, QD_SERVER_ERROR,
                   exists ? QD_SERVER_ERROR_CONFLICT : QD_SERVER_ERROR_NOT_FOUND,
                   exists ? "the statement of %s for %s exists already; revise it"
                          : "there is no statement of %s for %s to revise", dealer_id, period);
      return FALSE;
    }

  /* Balances chain: the opening is the previous statement's closing, or the ledger. */
  if (!qd_server_txn_closing_balance (txn, dealer_id, previous, &found, &opening, error))
    return FALSE;
  if (!found && !qd_server_txn_ledger_before (txn, dealer_id, first, &opening, error))
    return FALSE;

  lines = qd_server_txn_period_lines (txn, dealer_id, first, next, error);
  if (lines == NULL)
    return FALSE;

  if (qd_server_rules_period_ends_quarter (period))
    {
      g_autofree char *quarter = qd_server_rules_period_quarter (period);
      g_autofree char *qfirst = qd_server_rules_quarter_first_day (period);
      g_autofree char *tiers = qd_server_txn_rebate_tiers (txn, dealer.level, quarter, &local);
      gint64 invoiced = 0, rebate = 0;

      if (tiers == NULL && !g_error_matches (local, QD_SERVER_ERROR, QD_SERVER_ERROR_NOT_FOUND))
        return g_propagate_error (error, g_steal_pointer (&local)), FALSE;
      g_clear_error (&local);
      if (tiers != NULL)
        {
          if (!qd_server_txn_invoiced_between (txn, dealer_id, qfirst, next, &invoiced, error) ||
              !qd_server_rules_rebate (tiers, invoiced, &rebate, error))
            return FALSE;
          if (rebate > 0)
            {
              QdServerStatementLine *l = g_new0 (QdServerStatementLine, 1);

              l->kind = g_strdup ("rebate");
              l->date = qd_server_rules_period_last_day (period);
              l->ref = g_strdup_printf ("rebate %s", quarter);
              l->amount_fen = -rebate;
              g_ptr_array_add (lines, l);
            }
        }
    }

  closing = opening;
  for (guint i = 0; i < lines->len; i++)
    {
      QdServerStatementLine *l = g_ptr_array_index (lines, i);

      l->line_id = g_strdup_printf ("L%u", i + 1);
      closing += l->amount_fen;
    }

  id = exists ? g_strdup (existing.id) : g_strdup_printf ("st-%s-%s", dealer_id, period);
  st.id = id;
  st.dealer_id = (char *) dealer_id;
  st.period = (char *) period;
  st.version = exists ? existing.version + 1 : 1;
  st.status = (char *) "issued";
  st.opening_balance_fen = opening;
  st.closing_balance_fen = closing;

  if (!qd_server_txn_put_statement (txn, &st, issued_at, lines, error) ||
      !qd_server_txn_recompute_dealer (txn, dealer_id, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = g_steal_pointer (&id);
  return TRUE;
}

static gboolean
statement_write (QdServerRequest  *req,
                 QdServerTxn      *txn,
                 GError          **error)
{
  AdminJob *job = req->data;
  g_autofree char *now = qd_server_now_rfc3339 ();
  g_autofree char *before = NULL;
  g_autofree char *id = NULL;

  if (job->revise)
    {
      g_auto(QdServerStatement) st = { 0 };

      if (!qd_server_txn_get_statement (txn, job->id, &st, error))
        return refusal (req, error);
      job->dealer_id = g_strdup (st.dealer_id);
      job->period = g_strdup (st.period);
      before = qd_server_txn_render (txn, QD_SERVER_ENTITY_STATEMENT, job->id, NULL);
    }

  if (!qd_server_issue_statement (txn, job->dealer_id, job->period, now, job->revise, &id,
                                  error))
    return refusal (req, error);
  if (!qd_server_txn_log (txn, QD_SERVER_ENTITY_STATEMENT, id, error) ||
      !qd_server_txn_log (txn, QD_SERVER_ENTITY_DEALER, job->dealer_id, error))
    return FALSE;
  job->after = qd_server_txn_render (txn, QD_SERVER_ENTITY_STATEMENT, id, NULL);
  job->status_code = job->revise ? SOUP_STATUS_OK : SOUP_STATUS_CREATED;
  return audit (req, txn, job->revise ? "admin.statement.revise" : "admin.statement.issue",
                QD_SERVER_ENTITY_STATEMENT, id, before, job->after, NULL, error);
}

void
qd_server_handle_admin_statement (QdServerRequest *req)
{
  AdminJob *job = g_new0 (AdminJob, 1);

  qd_server_set_data (req, job, (GDestroyNotify) admin_job_free);
  if (req->args[0] != NULL)
    {
      job->revise = TRUE;
      job->id = g_strdup (req->args[0]);
    }
  else
    {
      static const Field fields[] = {
        { "dealer_id", F_ID, FALSE, 0, 0 },
        { "period", F_PERIOD, FALSE, 0, 0 },
        END
      };
      g_autoptr(JsonObject) body = qd_server_body_object (req);
      g_autoptr(GError) error = NULL;

      if (body == NULL)
        return;
      if (!validate (body, fields, &error))
        {
          qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", NULL, "%s",
                                 error->message);
          return;
        }
      job->dealer_id = g_strdup (json_object_get_string_member (body, "dealer_id"));
      job->period = g_strdup (json_object_get_string_member (body, "period"));
    }
  qd_server_run_write (req, statement_write, admin_written);
}

/* ---------------------------------------------------------------------------------- */
/* Audit                                                                                */

void
qd_server_handle_admin_audit (QdServerRequest *req)
{
  const char *since = req->query ? g_hash_table_lookup (req->query, "since") : NULL;
  const char *limit = req->query ? g_hash_table_lookup (req->query, "limit") : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  guint64 s = 0, n = 100;

  if ((since != NULL && !g_ascii_string_to_unsigned (since, 10, 0, G_MAXINT64, &s, NULL)) ||
      (limit != NULL && !g_ascii_string_to_unsigned (limit, 10, 1, 1000, &n, NULL)))
    {
      qd_server_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_parameter", NULL,
                             "since must be an audit id ≥ 0 and limit 1–1000.");
      return;
    }
  rows = qd_server_storage_read_audit (req->storage, (gint64) s, (guint) n, &error);
  if (rows == NULL)
    {
      req->failure = g_steal_pointer (&error);
      return;
    }
  json_object_set_member (o, "entries", g_steal_pointer (&rows));
  json_node_set_object (root, o);
  qd_server_reply_node (req, SOUP_STATUS_OK, root);
}
