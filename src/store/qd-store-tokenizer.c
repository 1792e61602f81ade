/* qd-store-tokenizer.c — an FTS5 tokenizer of single characters and character pairs
 *
 * The trigram tokenizer finds Chinese substrings of 3+ characters, but dealers often type
 * one or two (泡腾, 罩). Scanning 100,000 names for those takes ~10 ms when little matches;
 * this tokenizer indexes every character and every pair of adjacent characters, so a 1–2
 * character query is an index lookup too.
 *
 * Documents: at each character, the character itself, and (colocated, same position) the
 * pair it starts. Queries: a 1-character string is that character; a longer one is its
 * successive pairs at successive positions, which as a phrase matches the same positions in
 * a document. ASCII is folded to lower case; white space separates (no pair across it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-store-private.h"

#define MAX_CHARS 512

typedef struct
{
  int      start;
  int      end;
  gunichar c;
} Char;

static int
short_create (void           *ctx,
              const char    **args,
              int             n_args,
              Fts5Tokenizer **out)
{
  /* Stateless: any non-NULL pointer will do. */
  *out = (Fts5Tokenizer *) ctx;
  return SQLITE_OK;
}

static void
short_delete (Fts5Tokenizer *tokenizer)
{
}

static int
append_char (char     *buf,
             gunichar  c)
{
  if (c < 0x80)
    {
      buf[0] = g_ascii_tolower ((char) c);
      return 1;
    }
  return g_unichar_to_utf8 (c, buf);
}

/* Splits @text into runs of non-space characters and feeds each run to @emit. */
static int
short_tokenize (Fts5Tokenizer *tokenizer,
                void          *ctx,
                int            flags,
                const char    *text,
                int            n_text,
                int          (*token) (void *, int, const char *, int, int, int))
{
  gboolean query = (flags & FTS5_TOKENIZE_QUERY) != 0;
  Char chars[MAX_CHARS];
  int pos = 0;

  while (pos < n_text)
    {
      int n = 0;

      /* One run of non-space characters (at most MAX_CHARS; longer runs are cut). */
      while (pos < n_text && n < MAX_CHARS)
        {
          const char *p = text + pos;
          gunichar c = g_utf8_get_char_validated (p, n_text - pos);
          int len;

          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              c = (guchar) *p;   /* not UTF-8: the byte stands for itself */
              len = 1;
            }
          else
            len = g_utf8_next_char (p) - p;

          if (g_unichar_isspace (c))
            {
              pos += len;
              if (n > 0)
                break;
              continue;
            }
          chars[n].start = pos;
          chars[n].end = pos + len;
          chars[n].c = c;
          n++;
          pos += len;
        }

      for (int i = 0; i < n; i++)
        {
          char buf[16];
          int len;
          int rc;

          if (!query || n == 1)
            {
              len = append_char (buf, chars[i].c);
              rc = token (ctx, 0, buf, len, chars[i].start, chars[i].end);
              if (rc != SQLITE_OK)
                return rc;
            }
          if (i + 1 < n)
            {
              len = append_char (buf, chars[i].c);
              len += append_char (buf + len, chars[i + 1].c);
              rc = token (ctx, query ? 0 : FTS5_TOKEN_COLOCATED, buf, len, chars[i].start,
                          chars[i + 1].end);
              if (rc != SQLITE_OK)
                return rc;
            }
        }
    }
  return SQLITE_OK;
}

static fts5_tokenizer short_tokenizer = {
  short_create,
  short_delete,
  short_tokenize,
};

/* Registers "qd_short" on @db; it must be there before any products_short access. */
gboolean
_qd_store_register_tokenizer (QdStore  *self,
                              GError  **error)
{
  fts5_api *api = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT fts5(?1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (api == NULL)
    {
      g_set_error (error, QD_STORE_ERROR, QD_STORE_ERROR_FAILED,
                   _("This SQLite has no full-text search (FTS5); Qudao needs it."));
      return FALSE;
    }

  rc = api->xCreateTokenizer (api, "qd_short", (void *) &short_tokenizer, &short_tokenizer,
                              NULL);
  if (rc != SQLITE_OK)
    return _qd_store_db_error (self, rc, error);
  return TRUE;
}
