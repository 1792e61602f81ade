/* qd-excerpt.c — quoting untrusted text in error messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "qd-core-private.h"

/*
 * _qd_excerpt:
 * @text: (nullable): any bytes, possibly invalid UTF-8 or with NUL bytes
 * @length: length of @text in bytes, or -1 when it is NUL-terminated
 * @max_chars: how many characters to keep at most
 *
 * Error messages quote what the user or a peer sent so they can find it; but that text
 * may be invalid UTF-8, carry control characters that garble a terminal or a log, or be
 * huge. This returns valid UTF-8 of at most @max_chars characters (plus "…"), with
 * control characters and invalid bytes replaced by U+FFFD.
 *
 * Returns: (transfer full): a printable excerpt
 */
char *
_qd_excerpt (const char *text,
             gssize      length,
             gsize       max_chars)
{
  GString *out;
  const char *p, *end;
  gsize n = 0;

  if (text == NULL)
    return g_strdup ("");
  if (length < 0)
    length = strlen (text);

  out = g_string_sized_new (MIN ((gsize) length, max_chars * 4) + 4);
  p = text;
  end = text + length;

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (n == max_chars)
        {
          g_string_append (out, "…");
          break;
        }

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_unichar (out, 0xFFFD);
          p++;
        }
      else
        {
          if (g_unichar_iscntrl (c))
            g_string_append_unichar (out, 0xFFFD);
          else
            g_string_append_unichar (out, c);
          p = g_utf8_next_char (p);
        }
      n++;
    }

  return g_string_free (out, FALSE);
}
