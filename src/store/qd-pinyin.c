/* qd-pinyin.c — pinyin initials of Chinese product names, via ICU Han-Latin
 *
 * "维生素C泡腾片" → "wsscptp": each Han character gives the first letter of its (most common)
 * reading, ASCII letters and digits are kept in lower case, everything else is dropped. The
 * result is what dealers type to find a product without a 助记码.
 *
 * Compiling the Han-Latin transliterator takes tens of milliseconds, and transliterating is
 * slow next to an SQLite insert, so the transliterator is opened once per process and every
 * code point's initial is cached: a catalog uses a few thousand distinct characters, so after
 * the first pages of a sync nearly every character is a hash lookup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-pinyin.h"

#include <unicode/utrans.h>
#include <unicode/ustring.h>

static GMutex lock;
static UTransliterator *translit;
static gboolean translit_failed;
static GHashTable *initials;   /* code point → initial (char, 0 for "none") + 1 */

static char
initial_of (gunichar c)
{
  gpointer cached;
  UChar buf[32];
  int32_t len = 0;
  int32_t limit;
  UErrorCode status = U_ZERO_ERROR;
  char result = 0;

  if (c < 0x80)
    return g_ascii_isalnum (c) ? g_ascii_tolower (c) : 0;

  g_mutex_lock (&lock);

  if (initials == NULL)
    initials = g_hash_table_new (NULL, NULL);

  cached = g_hash_table_lookup (initials, GUINT_TO_POINTER (c));
  if (cached != NULL)
    {
      g_mutex_unlock (&lock);
      return (char) (GPOINTER_TO_UINT (cached) - 1);
    }

  if (translit == NULL && !translit_failed)
    {
      static const char rules[] = "Han-Latin; Latin-ASCII";
      UChar id[64];

      u_uastrcpy (id, rules);
      translit = utrans_openU (id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
      if (U_FAILURE (status))
        {
          /* Without ICU data there are simply no initials; search by name still works. */
          g_debug ("cannot open the Han-Latin transliterator: %s", u_errorName (status));
          translit = NULL;
          translit_failed = TRUE;
        }
      status = U_ZERO_ERROR;
    }

  if (translit != NULL)
    {
      U16_APPEND_UNSAFE (buf, len, c);
      limit = len;
      utrans_transUChars (translit, buf, &len, G_N_ELEMENTS (buf), 0, &limit, &status);
      if (U_SUCCESS (status) && len > 0 && buf[0] < 0x80 && g_ascii_isalnum ((char) buf[0]))
        result = g_ascii_tolower ((char) buf[0]);
    }

  g_hash_table_insert (initials, GUINT_TO_POINTER (c), GUINT_TO_POINTER ((guint) result + 1));
  g_mutex_unlock (&lock);

  return result;
}

/**
 * qd_pinyin_initials:
 * @text: UTF-8 text (invalid UTF-8 yields an empty string)
 *
 * Returns: (transfer full): the lower-case pinyin initials of @text
 */
char *
qd_pinyin_initials (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup ("");

  out = g_string_sized_new (16);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      char initial = initial_of (g_utf8_get_char (p));

      if (initial != 0)
        g_string_append_c (out, initial);
    }

  return g_string_free (out, FALSE);
}
