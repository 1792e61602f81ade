/* qd-json.h — strict reading of JSON with errors that name the field
 *
 * qd_json_parse() accepts RFC 8259 JSON only, which json-glib 1.6 alone does not ensure:
 * it refuses (QD_ERROR_INVALID unless noted) invalid UTF-8, NUL bytes, comments, single
 * quotes, hex, leading zeros, ".5", raw control characters in strings, "\u0000" and
 * unpaired surrogates, trailing data ("{}{}"), duplicate member names (json-glib would
 * keep the last silently), integers beyond gint64 (QD_ERROR_OUT_OF_RANGE; json-glib wraps
 * them: 99999999999999999999 reads as -1), non-finite numbers (1e400, OUT_OF_RANGE) and
 * nesting deeper than QD_JSON_MAX_DEPTH (QD_ERROR_TOO_DEEP). Its messages give the path,
 * line and column: "lines[1].qty: the integer … is too large (line 1, column 40)".
 *
 * After parsing, numbers written without fraction or exponent are G_TYPE_INT64 values and
 * all others G_TYPE_DOUBLE ("1.0", "1e3", "-0.0"); "-0" is the integer 0.
 *
 * Every reader checks presence, type and range, and on failure sets a %QD_ERROR whose
 * message names the member ("qty: expected an integer, got a string"). Callers that read
 * nested members prefix the path with g_prefix_error() ("lines[2]."); the error of
 * qd_json_array_object() starts with "[2]: " so that prefixing the array's name
 * ("lines") gives "lines[2]: expected an object, got an integer".
 *
 * Flags: REQUIRED (0) — absent is QD_ERROR_MISSING_FIELD, null is QD_ERROR_WRONG_TYPE;
 * OPTIONAL — absent or null leave the out value as it was; NULLABLE — null is fine and
 * sets pointer out values to NULL (numbers and booleans are left as they were), absent
 * is still an error unless OPTIONAL is given too. Strings handed out are borrowed from
 * the object and live as long as it does.
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

/* The checks of qd_json_parse() without building a tree. */
gboolean    qd_json_validate       (const char   *data,
                                    gssize        length,
                                    GError      **error);
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
