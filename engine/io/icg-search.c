/* icg-search.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kinds of channel below and their usual names in ModelDB files were read off the catalogue's 2,329
 * suffixes (e.g. A-type: kap, kad, kaprox, kadist, KA, IA, Kv4f; T-type: cat, it, it2, Ca_LVA, CaT;
 * BK: cagk, kc, bk, Golgi_BK; SK: kahp, sk, iahp).
 */
#include "icg-search.h"

#include <glib/gi18n.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A kind of channel: the words for it ("|"-separated, lower case, phrases with single spaces) in English
 * and in the user's language (`local`, translated; the English words work in every language), its ICG
 * classes, and the name parts typical of it ("x*": a part or the whole name starts with x; NULL: every
 * channel of the classes is of this kind). */
typedef struct
{
  const char *words;
  const char *local;
  const char *classes;
  const char *names;
} Kind;


static const Kind kinds[] = {
  { "sodium|na+|nav|ina|sodium channel|sodium channels|sodium current|na channel|na current",
    /* Translators: these "channel search" messages are the words users of your language type into the
     * channel catalogue's search for a kind of ion channel: lower case, separated by "|", phrases with
     * single spaces, hyphens written as spaces ("a type"). The English words always work as well. */
    NC_ ("channel search", "sodium|sodium channel|sodium current"), "Na", NULL },
  { "transient sodium|fast sodium|nat|inat|transient na|fast na", NC_ ("channel search", "transient sodium|fast sodium"),
    "Na", "nat*|na3*|nax*|naf*|na|nav1*|hh*" },
  { "persistent sodium|nap|inap|persistent na", NC_ ("channel search", "persistent sodium"), "Na", "nap*|inap*|naps*" },
  { "resurgent sodium|resurgent|nar", NC_ ("channel search", "resurgent sodium"), "Na", "nar*|resurg*" },
  { "potassium|k+|ik|potassium channel|potassium channels|potassium current|k channel|k current",
    NC_ ("channel search", "potassium|potassium channel|potassium current"), "K|KCa", NULL },
  { "kv", NULL, "K|KCa", "kv*" },
  { "delayed rectifier|kdr|delayed rectifier potassium|dr", NC_ ("channel search", "delayed rectifier"), "K",
    "kdr*|kd|dr*|kv|kv1*|kv2*|kv3*|hh*" },
  /* Kv4 (and Kv4.3) stays a name, found as written: the molecular names are narrower than the kind. */
  { "a type|a current|a type potassium|ka|ia|transient potassium|fast transient potassium",
    NC_ ("channel search", "a type|a current|transient potassium"), "K", "ka|kap*|kad*|kaprox*|kadist*|kamt*|kas*|kadend*|ia|kv4*|a" },
  { "m current|m type|im|km|kcnq|kv7|muscarinic|muscarine sensitive", NC_ ("channel search", "m current|muscarinic"), "K",
    "km*|im*|kcnq*|kv7*|kmb*" },
  { "inward rectifier|kir|irk|inwardly rectifying", NC_ ("channel search", "inward rectifier"), "K", "kir*|ir|irk*" },
  { "calcium|ca2+|ca++|cav|ica|calcium channel|calcium channels|calcium current|ca channel|ca current",
    NC_ ("channel search", "calcium|calcium channel|calcium current"), "Ca", NULL },
  { "t type|t current|cav3|low threshold|low voltage activated|lva|it", NC_ ("channel search", "t type|low threshold"), "Ca",
    "cat*|it*|lva*|calva*|cav3*|cavt*|t|tca*" },
  { "l type|l current|cav1|high threshold|high voltage activated|hva|long lasting", NC_ ("channel search", "l type|high threshold"),
    "Ca", "cal*|l|lca*|hva*|cahva*|cav1*|cavl*|ical*|cah" },
  { "n type|n current|cav2.2|cav22", NC_ ("channel search", "n type"), "Ca", "can*|n|nca*" },
  { "r type|r current|cav2.3|cav23", NC_ ("channel search", "r type"), "Ca", "car*|somacar*|r" },
  { "p type|q type|p/q type|pq type|cav2.1|cav21", NC_ ("channel search", "p type|q type"), "Ca", "cap*|p|q" },
  { "kca|calcium activated|calcium dependent|ca activated|ca dependent|calcium activated potassium|"
    "calcium dependent potassium", NC_ ("channel search", "calcium activated|calcium activated potassium"), "KCa", NULL },
  { "bk|big conductance|maxi k|slo1|kcnma1|bk channel", NC_ ("channel search", "big conductance"), "KCa",
    "bk*|cagk*|slo*|cabk*|kc|kc2|kc3|kct|kcrt*|ic|icnew" },
  { "sk|small conductance|kcnn|ahp|iahp|afterhyperpolarization|afterhyperpolarisation",
    NC_ ("channel search", "small conductance|afterhyperpolarization"), "KCa", "sk*|kahp*|iahp*|ahp*|kmahp*|skkca*|k2|k22|k23" },
  { "ih|hcn|h current|h channel|hyperpolarization activated|hyperpolarisation activated|sag|iq|funny current|if",
    NC_ ("channel search", "h current|hyperpolarization activated"), "IH", NULL },
};

/* A kind's words, English and the user's language's, "|"-separated. */
static GStrv
kind_words (const Kind *k)
{
  if (!k->local)
    return g_strsplit (k->words, "|", -1);
  const char *local = g_dpgettext2 (NULL, "channel search", k->local);
  g_autofree char *lower = g_utf8_strdown (local, -1);
  g_autofree char *all = g_strconcat (k->words, "|", lower, NULL);
  return g_strsplit (all, "|", -1);
}

/* Lower case, letters and digits only ("Kv4_3" -> "kv43"). */
static char *
squash (const char *s)
{
  GString *out = g_string_new (NULL);
  for (; *s; s++)
    if (g_ascii_isalnum (*s))
      g_string_append_c (out, g_ascii_tolower (*s));
  return g_string_free (out, FALSE);
}

/* Parts of a name, lower case: split at other characters, between letters and digits, and where a capital
 * follows a small letter ("kdrJonas" -> kdr, jonas; "Golgi_BK" -> golgi, bk; "na3" -> na, 3). */
static GPtrArray *
name_parts (const char *s, GPtrArray *parts)
{
  GString *cur = g_string_new (NULL);
  char prev = 0;
  for (; ; s++)
    {
      char c = *s;
      gboolean split = !c || !g_ascii_isalnum (c)
                       || (prev && g_ascii_isdigit (c) != g_ascii_isdigit (prev))
                       || (prev && g_ascii_islower (prev) && g_ascii_isupper (c));
      if (split && cur->len)
        {
          g_ptr_array_add (parts, g_strdup (cur->str));
          g_string_truncate (cur, 0);
        }
      if (!c)
        break;
      if (g_ascii_isalnum (c))
        g_string_append_c (cur, g_ascii_tolower (c));
      prev = g_ascii_isalnum (c) ? c : 0;
    }
  g_string_free (cur, TRUE);
  return parts;
}

typedef struct
{
  char *suffix, *stem;   /* squashed */
  char *file, *channel;  /* squashed, "kv4fmod", "143100kv4fmod" */
  GPtrArray *parts;      /* of the suffix and the file's stem */
} Names;

static void
names_init (Names *n, const NdIcgChannel *ch)
{
  g_autofree char *stem = g_strdup (ch->file);
  char *dot = strrchr (stem, '.');
  if (dot)
    *dot = '\0';
  n->suffix = squash (ch->suffix);
  n->stem = squash (stem);
  n->file = squash (ch->file);
  n->channel = squash (ch->channel);
  n->parts = g_ptr_array_new_with_free_func (g_free);
  name_parts (ch->suffix, n->parts);
  name_parts (stem, n->parts);
}

static void
names_clear (Names *n)
{
  g_free (n->suffix);
  g_free (n->stem);
  g_free (n->file);
  g_free (n->channel);
  g_ptr_array_unref (n->parts);
}

/* Whether the names carry one of the "|"-separated patterns ("x*" a prefix of a part or of the name). */
static gboolean
names_match (const Names *n, const char *patterns)
{
  g_auto (GStrv) pats = g_strsplit (patterns, "|", -1);
  for (guint i = 0; pats[i]; i++)
    {
      gsize len = strlen (pats[i]);
      gboolean prefix = len > 0 && pats[i][len - 1] == '*';
      if (prefix)
        pats[i][--len] = '\0';
      if (prefix ? g_str_has_prefix (n->suffix, pats[i]) || g_str_has_prefix (n->stem, pats[i])
                 : g_str_equal (n->suffix, pats[i]) || g_str_equal (n->stem, pats[i]))
        return TRUE;
      for (guint k = 0; k < n->parts->len; k++)
        if (prefix ? g_str_has_prefix (n->parts->pdata[k], pats[i]) : g_str_equal (n->parts->pdata[k], pats[i]))
          return TRUE;
    }
  return FALSE;
}

static gboolean
in_list (const char *list, const char *item)
{
  g_auto (GStrv) items = g_strsplit (list, "|", -1);
  return g_strv_contains ((const char *const *) items, item);
}

/* The kind a word names: one of its words (letters and digits compared: "a-type" = "atype"), or, with
 * `numbered`, a kind's word followed by digits ("nav16" after "nav", "cav12" after "cav1"), the longest. */
static const Kind *
kind_of (const char *word, gboolean numbered)
{
  const Kind *best = NULL;
  gsize best_len = 0;
  g_autofree char *sq = squash (word);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_auto (GStrv) words = kind_words (&kinds[i]);
      for (guint w = 0; words[w]; w++)
        {
          g_autofree char *ksq = squash (words[w]);
          gsize kl = strlen (ksq);
          if (g_str_equal (words[w], word) || (kl > 0 && g_str_equal (ksq, sq)))
            return &kinds[i];
          if (numbered && kl >= 2 && kl > best_len && g_str_has_prefix (sq, ksq) && sq[kl]
              && strspn (sq + kl, "0123456789") == strlen (sq + kl))
            {
              best = &kinds[i];
              best_len = kl;
            }
        }
    }
  return best;
}

/* Whether `phrase` (words separated by single spaces) is one of the kinds' words. */
static gboolean
is_kind_phrase (const char *phrase)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_auto (GStrv) words = kind_words (&kinds[i]);
      if (g_strv_contains ((const char *const *) words, phrase))
        return TRUE;
    }
  return FALSE;
}

/* The query's words, lower case; hyphens separate words ("A-type" = "a type"), and runs of words that
 * name a kind ("delayed rectifier", "h current") stay together. */
static GPtrArray *
query_words (const char *query)
{
  g_autofree char *lower = g_utf8_strdown (query, -1);
  for (char *p = lower; *p; p++)
    if (*p == '-' || *p == ',' || *p == ';' || g_ascii_isspace (*p))
      *p = ' ';
  g_auto (GStrv) raw = g_strsplit (lower, " ", -1);
  GPtrArray *plain = g_ptr_array_new ();
  for (guint i = 0; raw[i]; i++)
    if (raw[i][0])
      g_ptr_array_add (plain, raw[i]);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < plain->len;)
    {
      guint take = 1;
      for (guint n = MIN (4, plain->len - i); n > 1; n--)
        {
          g_autoptr (GString) phrase = g_string_new (plain->pdata[i]);
          for (guint k = 1; k < n; k++)
            g_string_append_printf (phrase, " %s", (char *) plain->pdata[i + k]);
          if (is_kind_phrase (phrase->str))
            {
              take = n;
              break;
            }
        }
      g_autoptr (GString) word = g_string_new (plain->pdata[i]);
      for (guint k = 1; k < take; k++)
        g_string_append_printf (word, " %s", (char *) plain->pdata[i + k]);
      g_ptr_array_add (out, g_string_free (g_steal_pointer (&word), FALSE));
      i += take;
    }
  g_ptr_array_unref (plain);
  return out;
}

/* How well one word matches a channel (0: not at all); see icg-search.h. */
static int
word_score (const char *word, const Kind *kind, const NdIcgChannel *ch, const Names *n)
{
  g_autofree char *sq = squash (word);
  int score = 0;
  gboolean begins = sq[0] && (g_str_has_prefix (n->suffix, sq) || g_str_has_prefix (n->stem, sq));
  if (sq[0] && (g_str_equal (n->suffix, sq) || g_str_equal (n->stem, sq) || g_str_equal (n->file, sq)
                || g_str_equal (n->channel, sq)))
    score = 100;
  if (sq[0] && strspn (sq, "0123456789") == strlen (sq) && atoi (sq) == ch->modeldb_id)
    score = 100;
  if (!g_ascii_strcasecmp (word, ch->icg_class))
    score = MAX (score, 80 + (begins ? 10 : 0));
  if (kind && in_list (kind->classes, ch->icg_class) && (!kind->names || names_match (n, kind->names)))
    score = MAX (score, 75 + (begins ? 10 : 0));
  if (!sq[0])
    return score;
  for (guint k = 0; k < n->parts->len; k++)
    {
      const char *part = n->parts->pdata[k];
      if (g_str_equal (part, sq))
        score = MAX (score, 60);
      else if (g_str_has_prefix (part, sq))
        score = MAX (score, 35);
    }
  if (begins)
    score = MAX (score, 50);
  if (strlen (sq) >= 2 && (strstr (n->suffix, sq) || strstr (n->stem, sq)))
    score = MAX (score, 10);
  return score;
}

typedef struct
{
  const NdIcgChannel *ch;
  int score;
  guint order;
} Hit;

static int
hit_cmp (gconstpointer a, gconstpointer b)
{
  const Hit *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

gboolean
nd_icg_catalogue_has_class (const NdIcgCatalogue *cat, const char *icg_class)
{
  for (guint i = 0; i < nd_icg_catalogue_n_channels (cat); i++)
    if (!g_ascii_strcasecmp (nd_icg_catalogue_get (cat, i)->icg_class, icg_class))
      return TRUE;
  return FALSE;
}

GPtrArray *
nd_icg_search (const NdIcgCatalogue *cat, const char *query, const char *icg_class, const char **absent_class)
{
  if (absent_class)
    *absent_class = NULL;
  g_autoptr (GPtrArray) words = query_words (query ? query : "");
  g_autofree const Kind **word_kinds = g_new0 (const Kind *, words->len + 1);
  for (guint w = 0; w < words->len; w++)
    {
      word_kinds[w] = kind_of (words->pdata[w], FALSE);
      /* A numbered molecular name is taken as written ("Kv4" finds the Kv4 channels); only when no
       * channel carries it does it stand for its kind ("Nav1.6": the sodium channels). */
      const Kind *numbered = word_kinds[w] ? NULL : kind_of (words->pdata[w], TRUE);
      gboolean named = FALSE;
      for (guint i = 0; numbered && !named && i < nd_icg_catalogue_n_channels (cat); i++)
        {
          Names n;
          names_init (&n, nd_icg_catalogue_get (cat, i));
          named = word_score (words->pdata[w], NULL, nd_icg_catalogue_get (cat, i), &n) > 0;
          names_clear (&n);
        }
      if (numbered && !named)
        word_kinds[w] = numbered;
      if (word_kinds[w] && absent_class && !*absent_class)
        {
          g_auto (GStrv) classes = g_strsplit (word_kinds[w]->classes, "|", -1);
          gboolean any = FALSE;
          for (guint c = 0; classes[c]; c++)
            any |= nd_icg_catalogue_has_class (cat, classes[c]);
          if (!any)
            for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
              if (word_kinds[w] == &kinds[k])
                *absent_class = kinds[k].classes;
        }
    }
  g_autoptr (GArray) hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  for (guint i = 0; i < nd_icg_catalogue_n_channels (cat); i++)
    {
      const NdIcgChannel *ch = nd_icg_catalogue_get (cat, i);
      if (icg_class && g_ascii_strcasecmp (icg_class, ch->icg_class) != 0)
        continue;
      Names n;
      names_init (&n, ch);
      int total = 0;
      for (guint w = 0; w < words->len && total >= 0; w++)
        {
          int s = word_score (words->pdata[w], word_kinds[w], ch, &n);
          total = s > 0 ? total + s : -1;
        }
      names_clear (&n);
      if (total >= 0)
        g_array_append_val (hits, ((Hit) { ch, total, i }));
    }
  g_array_sort (hits, hit_cmp);
  GPtrArray *out = g_ptr_array_sized_new (hits->len);
  for (guint i = 0; i < hits->len; i++)
    g_ptr_array_add (out, (gpointer) g_array_index (hits, Hit, i).ch);
  return out;
}

double
nd_icg_gate_vhalf (const NdIcgGate *g)
{
  if (g->n_temps < 1)
    return NAN;
  const double *x = g->x_inf[0];
  for (int i = 1; i < g->n; i++)
    {
      if (!isfinite (x[i - 1]) || !isfinite (x[i]) || x[i] == x[i - 1])
        continue;
      if ((x[i - 1] - 0.5) * (x[i] - 0.5) <= 0)
        return g->v[i - 1] + (0.5 - x[i - 1]) * (g->v[i] - g->v[i - 1]) / (x[i] - x[i - 1]);
    }
  return NAN;
}
