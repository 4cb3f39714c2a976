/* json-input.c: a strict, bounded check of JSON text before json-glib parses it.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scanner keeps its containers on a fixed stack instead of recursing, so
 * no input can exhaust the C stack, and stops at the first thing RFC 8259 does
 * not allow, naming it in the words a person editing the file would use.
 */
#include "json-input.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nd-error.h"

typedef struct {
  const char *start, *p, *end;
  GError **error;
} Scan;

static gboolean fail (Scan *s, const char *at, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* "line L, column C: message" for the character at `at`. */
static gboolean
fail (Scan *s, const char *at, const char *format, ...)
{
  int line = 1;
  const char *line_start = s->start;
  for (const char *q = s->start; q < at; q++)
    if (*q == '\n')
      line++, line_start = q + 1;
  glong column = g_utf8_strlen (line_start, at - line_start) + 1;
  va_list ap;
  va_start (ap, format);
  g_autofree char *what = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (s->error, ND_ERROR, ND_ERROR_FORMAT, _("line %d, column %ld: %s"), line, column, what);
  return FALSE;
}

static void
skip_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '+' || c == '-';
}

/* The word that starts at p (at most 24 bytes, whole UTF-8 characters), for messages. */
static char *
word_at (const Scan *s, const char *p)
{
  const char *q = p;
  if (q < s->end && is_word_char (*q))
    while (q < s->end && is_word_char (*q) && q - p < 24)
      q++;
  else if (q < s->end)
    q = g_utf8_next_char (q);
  return g_strndup (p, MIN (q, s->end) - p);
}

static gboolean
scan_string (Scan *s)
{
  const char *open = s->p++;
  while (s->p < s->end && *s->p != '"')
    {
      unsigned char c = (unsigned char) *s->p;
      if (c < 0x20)
        return fail (s, s->p, _("a line break or control character inside text; write it as \\n or \\t"));
      if (c == '\\')
        {
          s->p++;
          if (s->p >= s->end)
            break;
          if (*s->p == 'u')
            {
              for (int i = 1; i <= 4; i++)
                if (s->p + i >= s->end || !g_ascii_isxdigit (s->p[i]))
                  return fail (s, s->p - 1, _("“\\u” must be followed by four hexadecimal digits"));
              s->p += 4;
            }
          else if (!strchr ("\"\\/bfnrt", *s->p))
            return fail (s, s->p - 1, _("“\\%c” is not an escape JSON knows (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)"),
                         g_ascii_isprint (*s->p) ? *s->p : '?');
        }
      s->p++;
    }
  if (s->p >= s->end)
    return fail (s, open, _("this text has no closing double quote"));
  s->p++;
  return TRUE;
}

static gboolean
scan_number (Scan *s)
{
  const char *first = s->p, *p = s->p;
  if (*p == '-')
    p++;
  if (p < s->end && *p == '0' && p + 1 < s->end && (p[1] == 'x' || p[1] == 'X'))
    {
      g_autofree char *w = word_at (s, first);
      return fail (s, first, _("“%s” is a hexadecimal number, which JSON does not allow: write it in decimal digits"), w);
    }
  if (p < s->end && *p == '0' && p + 1 < s->end && g_ascii_isdigit (p[1]))
    {
      g_autofree char *w = word_at (s, first);
      const char *digits = w[0] == '-' ? w + 1 : w;
      while (digits[0] == '0' && g_ascii_isdigit (digits[1]))
        digits++;
      return fail (s, first, _("“%s”: a number may not start with 0 (write %s%s; JSON has no octal numbers)"), w,
                   w[0] == '-' ? "-" : "", digits);
    }
  gboolean ok = p < s->end && g_ascii_isdigit (*p);
  while (p < s->end && g_ascii_isdigit (*p))
    p++;
  if (ok && p < s->end && *p == '.')
    {
      p++;
      ok = p < s->end && g_ascii_isdigit (*p);
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }
  if (ok && p < s->end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < s->end && (*p == '+' || *p == '-'))
        p++;
      ok = p < s->end && g_ascii_isdigit (*p);
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }
  if (!ok || (p < s->end && is_word_char (*p)))
    {
      g_autofree char *w = word_at (s, first);
      return fail (s, first, _("“%s” is not a number as JSON writes them (such as 12, -0.5 or 1.5e-3)"), w);
    }
  g_autofree char *lexeme = g_strndup (first, p - first);
  if (!isfinite (g_ascii_strtod (lexeme, NULL)))
    return fail (s, first, _("“%s” is too large for a number (at most about 1.8e308)"), lexeme);
  s->p = p;
  return TRUE;
}

/* One of true, false, null, or a message about the word found instead. */
static gboolean
scan_word (Scan *s)
{
  static const char *const literals[] = { "true", "false", "null" };
  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize n = strlen (literals[i]);
      if ((gsize) (s->end - s->p) >= n && memcmp (s->p, literals[i], n) == 0
          && (s->p + n == s->end || !is_word_char (s->p[n])))
        {
          s->p += n;
          return TRUE;
        }
    }
  if (*s->p == '\'')
    return fail (s, s->p, _("text must be in double quotes (\"…\"), not single quotes"));
  g_autofree char *w = word_at (s, s->p);
  if (!g_ascii_strcasecmp (w, "nan") || !g_ascii_strncasecmp (w, "inf", 3) || !g_ascii_strncasecmp (w, "-inf", 4)
      || !g_ascii_strncasecmp (w, "+inf", 4))
    return fail (s, s->p, _("“%s” is not a number JSON allows: every number must be finite and written in digits"), w);
  if (*s->p == '+')
    return fail (s, s->p, _("“%s”: JSON numbers have no “+” sign (write the number without it)"), w);
  if (*s->p == '.')
    return fail (s, s->p, _("“%s”: a JSON number needs a digit before the decimal point (write 0%s)"), w, w);
  if (g_ascii_isalpha (*s->p))
    return fail (s, s->p, _("“%s” is not a JSON value (text needs double quotes; values are numbers, true, false, "
                            "null, lists [ ] or objects { })"), w);
  return fail (s, s->p, _("“%s” is not allowed here (expected a number, text in double quotes, true, false, null, "
                          "a list [ ] or an object { })"), w);
}

gboolean
nd_json_check (const char *text, gsize len, GError **error)
{
  Scan s = { text, text, text + len, error };
  const char *bad = NULL;
  if (!g_utf8_validate_len (text, len, &bad))
    return fail (&s, bad, _("the file is not UTF-8 text (is it a JSON file?)"));
  char stack[ND_JSON_MAX_DEPTH];
  int depth = 0;
  skip_space (&s);
  if (s.p == s.end)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("the file is empty; it should hold a JSON object { … }"));
      return FALSE;
    }

value:
  skip_space (&s);
  if (s.p == s.end)
    return fail (&s, s.p, _("the file ends where a value was expected (is it cut short?)"));
  switch (*s.p)
    {
    case '{':
    case '[':
      if (depth == ND_JSON_MAX_DEPTH)
        return fail (&s, s.p, _("lists and objects are nested more than %d levels deep"), ND_JSON_MAX_DEPTH);
      stack[depth++] = *s.p++;
      skip_space (&s);
      if (s.p < s.end && *s.p == (stack[depth - 1] == '{' ? '}' : ']'))
        {
          s.p++;
          depth--;
          goto after;
        }
      if (stack[depth - 1] == '{')
        goto key;
      goto value;
    case '"':
      if (!scan_string (&s))
        return FALSE;
      goto after;
    case ']':
    case '}':
      return fail (&s, s.p, _("a value is missing before “%c” (remove the comma before it)"), *s.p);
    default:
      if (*s.p == '-' || g_ascii_isdigit (*s.p))
        {
          if (!scan_number (&s))
            return FALSE;
        }
      else if (!scan_word (&s))
        return FALSE;
      goto after;
    }

key:
  skip_space (&s);
  if (s.p == s.end)
    return fail (&s, s.p, _("the file ends inside an object (is it cut short?)"));
  if (*s.p == '}')
    return fail (&s, s.p, _("a member is missing before “}” (remove the comma before it)"));
  if (*s.p == '\'')
    return fail (&s, s.p, _("text must be in double quotes (\"…\"), not single quotes"));
  if (*s.p != '"')
    {
      g_autofree char *w = word_at (&s, s.p);
      return fail (&s, s.p, _("“%s”: member names must be text in double quotes, as in \"name\": value"), w);
    }
  if (!scan_string (&s))
    return FALSE;
  skip_space (&s);
  if (s.p == s.end || *s.p != ':')
    return fail (&s, s.p, _("a “:” must follow the member name"));
  s.p++;
  goto value;

after:
  skip_space (&s);
  if (depth == 0)
    {
      if (s.p != s.end)
        {
          g_autofree char *w = word_at (&s, s.p);
          return fail (&s, s.p, _("“%s” comes after the end of the JSON value; a file holds one value only"), w);
        }
      return TRUE;
    }
  if (s.p == s.end)
    return fail (&s, s.p, _("the file ends inside %s (is it cut short?)"),
                 stack[depth - 1] == '{' ? _("an object") : _("a list"));
  if (*s.p == ',')
    {
      s.p++;
      if (stack[depth - 1] == '{')
        goto key;
      goto value;
    }
  if (*s.p == (stack[depth - 1] == '{' ? '}' : ']'))
    {
      s.p++;
      depth--;
      goto after;
    }
  g_autofree char *w = word_at (&s, s.p);
  return fail (&s, s.p, stack[depth - 1] == '{' ? _("“%s”: expected “,” before the next member or “}” to end the object")
                                                 : _("“%s”: expected “,” before the next value or “]” to end the list"),
               w);
}

JsonNode *
nd_json_parse (const char *text, gsize len, GError **error)
{
  if (!nd_json_check (text, len, error))
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_data (parser, text, (gssize) len, &local))
    {
      /* Not expected after the check; kept in the engine's domain all the same. */
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, "%s", local->message);
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}

char *
nd_read_file_bounded (const char *path, gsize max_bytes, const char *what, gsize *len, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, ND_ERROR, e == ENOENT ? ND_ERROR_NOT_FOUND : ND_ERROR_FAILED,
                   e == ENOENT ? _("the %s “%s” does not exist") : _("cannot read the %s “%s”: %s"), what, path,
                   g_strerror (e));
      return NULL;
    }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      gboolean dir = S_ISDIR (st.st_mode);
      close (fd);
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   dir ? _("“%s” is a folder; give the %s itself") : _("“%s” is not a file but a device or a pipe; "
                                                                      "give a %s saved on disk"),
                   path, what);
      return NULL;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      close (fd);
      g_autofree char *size = g_format_size ((guint64) st.st_size), *limit = g_format_size (max_bytes);
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the %s “%s” is %s; a %s can be at most %s"), what, path, size,
                   what, limit);
      return NULL;
    }
  /* The size read may differ from the size stat() gave (a file being written): never past max_bytes. */
  gsize cap = (gsize) st.st_size + 1, n = 0;
  char *buf = g_malloc (cap + 1);
  for (;;)
    {
      if (n == cap)
        {
          if (cap > max_bytes)
            {
              g_free (buf);
              close (fd);
              g_autofree char *limit = g_format_size (max_bytes);
              g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the %s “%s” is larger than %s, the most a %s can be"),
                           what, path, limit, what);
              return NULL;
            }
          cap = MIN (cap * 2, max_bytes + 1);
          buf = g_realloc (buf, cap + 1);
        }
      gssize got = read (fd, buf + n, cap - n);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          int e = errno;
          g_free (buf);
          close (fd);
          g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("cannot read the %s “%s”: %s"), what, path, g_strerror (e));
          return NULL;
        }
      if (got == 0)
        break;
      n += (gsize) got;
    }
  close (fd);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* ---- reading members strictly ---- */

/* What a member holds, for messages ("must be a number, not text"). */
const char *
nd_json_kind_of (JsonNode *n)
{
  if (JSON_NODE_HOLDS_OBJECT (n))
    return _("an object { … }");
  if (JSON_NODE_HOLDS_ARRAY (n))
    return _("a list [ … ]");
  if (JSON_NODE_HOLDS_NULL (n))
    return "null";
  switch (json_node_get_value_type (n))
    {
    case G_TYPE_STRING:
      return _("text");
    case G_TYPE_BOOLEAN:
      return _("true or false");
    default:
      return _("a number");
    }
}

gboolean
nd_json_is_number (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n)
         && (json_node_get_value_type (n) == G_TYPE_DOUBLE || json_node_get_value_type (n) == G_TYPE_INT64);
}

/* Every reader below is strict: a member that is present must have the
 * right type (a wrong one is an error naming it, never the default). */
gboolean
nd_json_get_number (JsonObject *o, const char *key, double fallback, gboolean required, double *out,
            const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  if (!n)
    {
      if (required)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” is missing"), where, key);
          return FALSE;
        }
      *out = fallback;
      return TRUE;
    }
  if (!nd_json_is_number (n))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” must be a number, not %s"), where, key,
                   nd_json_kind_of (n));
      return FALSE;
    }
  *out = json_node_get_double (n);
  if (!isfinite (*out))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” is not a finite number"), where, key);
      return FALSE;
    }
  return TRUE;
}

gboolean
nd_json_get_bool (JsonObject *o, const char *key, gboolean fallback, gboolean *out, const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  *out = fallback;
  if (!n)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” must be true or false, not %s"), where, key,
                   nd_json_kind_of (n));
      return FALSE;
    }
  *out = json_node_get_boolean (n);
  return TRUE;
}

/* *out is NULL when the member is absent. */
gboolean
nd_json_get_string (JsonObject *o, const char *key, const char **out, const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  *out = NULL;
  if (!n)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” must be text in double quotes, not %s"), where, key,
                   nd_json_kind_of (n));
      return FALSE;
    }
  *out = json_node_get_string (n);
  return TRUE;
}

gboolean
nd_json_get_object (JsonObject *o, const char *key, JsonObject **out, const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  *out = NULL;
  if (!n)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” must be an object { … }, not %s"), where, key,
                   nd_json_kind_of (n));
      return FALSE;
    }
  *out = json_node_get_object (n);
  return TRUE;
}

gboolean
nd_json_get_array (JsonObject *o, const char *key, JsonArray **out, const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  *out = NULL;
  if (!n)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” must be a list [ … ], not %s"), where, key,
                   nd_json_kind_of (n));
      return FALSE;
    }
  *out = json_node_get_array (n);
  return TRUE;
}

/* The numbers of list `key` (a), exactly n of them when n >= 0, each finite. */
gboolean
nd_json_get_numbers (JsonArray *a, const char *key, int n, double *out, const char *where, GError **error)
{
  if (n >= 0 && json_array_get_length (a) != (guint) n)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” must list %d numbers, not %u"), where, key, n,
                   json_array_get_length (a));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!nd_json_is_number (e) || !isfinite (json_node_get_double (e)))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s”: value %u must be a finite number, not %s"), where,
                       key, i + 1, nd_json_is_number (e) ? _("infinite") : nd_json_kind_of (e));
          return FALSE;
        }
      out[i] = json_node_get_double (e);
    }
  return TRUE;
}
