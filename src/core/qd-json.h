/* qd-json.h — strict reading of JSON with errors that name the field
 *
 * Every reader checks presence, type and range, and on failure sets a %QD_ERROR whose
 * message names the member ("qty: expected an integer, got a string"). Callers that read
 * nested members prefix the path with g_prefix_error() ("lines[2].").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Nesting deeper than this is refused before json-glib sees it (its parser recurses). */
#define QD_JSON_MAX_DEPTH 64

typedef enum
{
  QD_JSON_REQUIRED = 0,
  QD_JSON_OPTIONAL = 1 << 0,   /* absent (or null) is fine: the out value is left as it was */
  QD_JSON_NULLABLE = 1 << 1,   /* present as null is fine (out: NULL / left as it was) */
} QdJsonFlags;

JsonNode   *qd_json_parse          (const char   *data,
                                    gssize        length,
                                    GError      **error);
JsonObject *qd_json_parse_object   (const char   *data,
                                    gssize        length,
                                    GError      **error);

gboolean    qd_json_read_string    (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    const char  **out_value,
                                    GError      **error);
gboolean    qd_json_read_int       (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    gint64        min,
                                    gint64        max,
                                    gint64       *out_value,
                                    GError      **error);
gboolean    qd_json_read_bool      (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    gboolean     *out_value,
                                    GError      **error);
gboolean    qd_json_read_enum      (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    GType         enum_type,
                                    int          *out_value,
                                    GError      **error);
gboolean    qd_json_read_date      (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    const char  **out_value,
                                    GError      **error);
gboolean    qd_json_read_uuid      (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    const char  **out_value,
                                    GError      **error);
/* A free-text string (note, reason) of at most max_chars characters (QD_ERROR_TOO_LARGE). */
gboolean    qd_json_read_text      (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    gsize         max_chars,
                                    const char  **out_value,
                                    GError      **error);
/* An RFC 3339 instant in UTC, "2026-11-24T08:00:00Z" (qd_is_timestamp()). */
gboolean    qd_json_read_timestamp (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    const char  **out_value,
                                    GError      **error);
/* A server or client id: 1–64 printable ASCII characters, no spaces (qd_is_id()). */
gboolean    qd_json_read_id        (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    const char  **out_value,
                                    GError      **error);
gboolean    qd_json_read_object    (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    JsonObject  **out_value,
                                    GError      **error);
gboolean    qd_json_read_array     (JsonObject   *object,
                                    const char   *member,
                                    QdJsonFlags   flags,
                                    JsonArray   **out_value,
                                    GError      **error);
JsonObject *qd_json_array_object   (JsonArray    *array,
                                    guint         index,
                                    GError      **error);
gboolean    qd_json_check_members  (JsonObject   *object,
                                    const char * const *allowed,
                                    GError      **error);

gboolean    qd_is_uuid             (const char   *text);
gboolean    qd_is_date             (const char   *text);
gboolean    qd_is_timestamp        (const char   *text);
gboolean    qd_is_id               (const char   *text);
char       *qd_uuid_new            (void);

G_END_DECLS
