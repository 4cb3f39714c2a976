/* test-icg-search.c: the shipped channel catalogue searched with the words people use.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the real catalogue (2,329 entries, data/icg/): ion names and their synonyms find every channel of
 * their class ("sodium", "Nav" and "Na" every Na channel, "potassium" K and KCa); kinds of channel find
 * their class with the usual names first (A-type: kap, kad, KA, Kv4; BK: cagk, bk; T-type: cat, it,
 * Ca_LVA); ModelDB numbers and several words together narrow the list; an exact name comes first and a
 * name that merely contains the letters ("na" in kdrJonas) after every real match; the h-current, which
 * ICG did not tabulate, finds nothing and says which class is missing. Also the half-activation voltage
 * the catalogue's rows show.
 *
 * Usage: test-icg-search [de LOCALEDIR]: with a language, the words of that language work too ("Natrium",
 * "verzögerter Gleichrichter", "H-Strom"), from the catalogue compiled into the build tree.
 */
#include "config.h"

#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "icg-registry.h"
#include "icg-search.h"

static const NdIcgCatalogue *cat;

static guint
count_class (const char *cls)
{
  guint n = 0;
  for (guint i = 0; i < nd_icg_catalogue_n_channels (cat); i++)
    n += !strcmp (nd_icg_catalogue_get (cat, i)->icg_class, cls);
  return n;
}

static GPtrArray *
search (const char *q, const char **absent)
{
  GPtrArray *r = nd_icg_search (cat, q, NULL, absent);
  g_print ("# \"%s\": %u channels", q, r->len);
  for (guint i = 0; i < MIN (r->len, 6); i++)
    {
      const NdIcgChannel *ch = r->pdata[i];
      g_print ("%s %s %s", i ? "," : ":", ch->icg_class, ch->suffix);
    }
  g_print ("\n");
  return r;
}

static const NdIcgChannel *
at (GPtrArray *r, guint i)
{
  return r->pdata[i];
}

/* Whether every one of the first n results is of class `cls`, and none after them. */
static gboolean
class_first (GPtrArray *r, const char *cls, guint n)
{
  for (guint i = 0; i < r->len; i++)
    if ((i < n) != !strcmp (at (r, i)->icg_class, cls))
      return FALSE;
  return TRUE;
}

static void
test_ions (void)
{
  guint na = count_class ("Na"), k = count_class ("K"), ca = count_class ("Ca"), kca = count_class ("KCa");
  g_assert_cmpuint (na, >, 500);
  const char *sodium[] = { "sodium", "Sodium", "Nav", "sodium channel" };
  for (guint i = 0; i < G_N_ELEMENTS (sodium); i++)
    {
      g_autoptr (GPtrArray) r = search (sodium[i], NULL);
      g_assert_cmpuint (r->len, ==, na);
      g_assert_true (class_first (r, "Na", na));
    }
  /* "Na+" is also the letters na: every Na channel first, then names containing them. */
  g_autoptr (GPtrArray) na_plus = search ("Na+", NULL);
  g_assert_cmpuint (na_plus->len, >=, na);
  for (guint i = 0; i < na; i++)
    g_assert_cmpstr (at (na_plus, i)->icg_class, ==, "Na");
  const char *potassium[] = { "potassium", "K+" };
  for (guint i = 0; i < G_N_ELEMENTS (potassium); i++)
    {
      g_autoptr (GPtrArray) r = search (potassium[i], NULL);
      g_assert_cmpuint (r->len, ==, k + kca);
    }
  g_autoptr (GPtrArray) calcium = search ("calcium", NULL);
  g_assert_cmpuint (calcium->len, ==, ca);
  g_assert_true (class_first (calcium, "Ca", ca));
  g_autoptr (GPtrArray) cav = search ("Cav", NULL);
  g_assert_cmpuint (cav->len, ==, ca);
  /* Nav1.6 is a sodium channel, Kv4.3 an A-type potassium channel. */
  g_autoptr (GPtrArray) nav16 = search ("Nav1.6", NULL);
  g_assert_cmpuint (nav16->len, >=, na);
  g_assert_true (class_first (nav16, "Na", na));
}

static gboolean
begins_na (const NdIcgChannel *ch)
{
  return !g_ascii_strncasecmp (ch->suffix, "na", 2) || !g_ascii_strncasecmp (ch->file, "na", 2);
}

static void
test_ranking (void)
{
  guint na = count_class ("Na");
  /* "na": the channel called na first, every Na channel before anything that merely contains "na". */
  g_autoptr (GPtrArray) r = search ("na", NULL);
  g_assert_cmpstr (at (r, 0)->suffix, ==, "na");
  g_assert_cmpuint (r->len, >, na);
  for (guint i = 0; i < na; i++)
    g_assert_cmpstr (at (r, i)->icg_class, ==, "Na");
  gboolean jonas = FALSE;
  for (guint i = na; i < r->len; i++)
    jonas |= !strcmp (at (r, i)->suffix, "kdrJonas");
  g_assert_true (jonas);
  /* Channels whose name or file starts with "na" (na3, nax, nap...) before the other Na channels (hh2). */
  guint first_other = na;
  for (guint i = 0; i < na; i++)
    if (!begins_na (at (r, i)))
      {
        first_other = i;
        break;
      }
  g_print ("# \"na\": %u channels named na..., then %u other Na channels\n", first_other, na - first_other);
  g_assert_cmpuint (first_other, >, 50);
  for (guint i = first_other; i < na; i++)
    g_assert_false (begins_na (at (r, i)));

  /* An exact name comes first: "kdr" before kdrca1 and the other delayed rectifiers. */
  g_autoptr (GPtrArray) kdr = search ("kdr", NULL);
  g_assert_cmpstr (at (kdr, 0)->suffix, ==, "kdr");
  g_autoptr (GPtrArray) nax = search ("nax", NULL);
  g_print ("# %u entries called nax\n", nax->len);
  g_assert_cmpuint (nax->len, >, 50);
  g_assert_cmpstr (at (nax, 0)->suffix, ==, "nax");
}

static void
test_kinds (void)
{
  guint kca = count_class ("KCa");
  /* A-type: the K channels named kap, kad, KA, IA, Kv4, not every K channel. */
  const char *a_type[] = { "A-type", "a type", "KA", "A current", "transient potassium" };
  for (guint i = 0; i < G_N_ELEMENTS (a_type); i++)
    {
      g_autoptr (GPtrArray) r = search (a_type[i], NULL);
      g_assert_cmpuint (r->len, >=, 20);
      for (guint j = 0; j < 20; j++)
        {
          g_autofree char *s = g_ascii_strdown (at (r, j)->suffix, -1);
          g_assert_cmpstr (at (r, j)->icg_class, ==, "K");
          g_assert_true (g_str_has_prefix (s, "ka") || g_str_has_prefix (s, "kv4") || strstr (s, "ia")
                         || strstr (s, "_a") || g_str_has_suffix (s, "ka"));
        }
    }
  g_autoptr (GPtrArray) a = search ("A-type", NULL);
  g_assert_cmpuint (a->len, >, 100);
  g_assert_cmpuint (a->len, <, count_class ("K") / 2);
  g_autoptr (GPtrArray) kv4 = search ("Kv4", NULL);
  g_assert_cmpuint (kv4->len, >=, 5);
  g_assert_cmpuint (kv4->len, <, 100);
  gboolean kv4f = FALSE;
  for (guint j = 0; j < kv4->len; j++)
    kv4f |= !strcmp (at (kv4, j)->channel, "143100_Kv4f.mod");
  g_assert_true (kv4f);

  /* Calcium-activated potassium: every KCa channel; BK and SK the channels named for them (a few K-class
   * files named for BK, such as K_pyr_bk, among them). */
  const char *kca_words[] = { "KCa", "calcium-activated", "BK", "SK" };
  for (guint i = 0; i < G_N_ELEMENTS (kca_words); i++)
    {
      g_autoptr (GPtrArray) r = search (kca_words[i], NULL);
      guint n = 0;
      for (guint j = 0; j < r->len; j++)
        n += !strcmp (at (r, j)->icg_class, "KCa");
      g_assert_cmpuint (n, ==, i < 2 ? kca : n);
      g_assert_cmpuint (n, >, i < 2 ? kca - 1 : 5);
      if (i < 2)
        for (guint j = 0; j < kca; j++)
          g_assert_cmpstr (at (r, j)->icg_class, ==, "KCa");
    }
  g_autoptr (GPtrArray) kca_all = search ("KCa", NULL);
  g_assert_cmpuint (kca_all->len, >=, kca);
  g_autoptr (GPtrArray) bk = search ("BK", NULL);
  g_assert_cmpuint (bk->len, >=, 5);
  for (guint j = 0; j < 5; j++)
    {
      g_autofree char *s = g_ascii_strdown (at (bk, j)->suffix, -1);
      g_assert_true (strstr (s, "bk") || g_str_has_prefix (s, "cagk") || g_str_has_prefix (s, "kc"));
    }
  g_autoptr (GPtrArray) sk = search ("SK", NULL);
  g_assert_cmpuint (sk->len, >=, 5);
  for (guint j = 0; j < 5; j++)
    {
      g_autofree char *s = g_ascii_strdown (at (sk, j)->suffix, -1);
      /* K2, K22, K23: KCa2.x, the SK family. */
      g_assert_true (strstr (s, "sk") || strstr (s, "ahp") || g_str_has_prefix (s, "k2"));
    }

  /* T-type calcium: cat, it, Ca_LVA first; M-current: km, Im. */
  g_autoptr (GPtrArray) t = search ("T-type", NULL);
  g_assert_cmpuint (t->len, >=, 20);
  for (guint j = 0; j < 20; j++)
    {
      g_autofree char *s = g_ascii_strdown (at (t, j)->suffix, -1);
      g_assert_cmpstr (at (t, j)->icg_class, ==, "Ca");
      g_assert_true (g_str_has_prefix (s, "cat") || g_str_has_prefix (s, "it") || strstr (s, "lva")
                     || strstr (s, "cat") || g_str_has_prefix (s, "t") || strstr (s, "cavt"));
    }
  g_autoptr (GPtrArray) m = search ("M-current", NULL);
  g_assert_cmpuint (m->len, >=, 20);
  for (guint j = 0; j < 20; j++)
    {
      g_autofree char *s = g_ascii_strdown (at (m, j)->suffix, -1);
      g_assert_true (strstr (s, "km") || g_str_has_prefix (s, "im") || strstr (s, "kcnq") || strstr (s, "kv7"));
    }
}

static void
test_h_current (void)
{
  const char *h[] = { "Ih", "hcn", "HCN", "h-current", "h current", "sag" };
  for (guint i = 0; i < G_N_ELEMENTS (h); i++)
    {
      const char *absent = NULL;
      g_autoptr (GPtrArray) r = search (h[i], &absent);
      g_assert_cmpuint (r->len, ==, 0);
      g_assert_cmpstr (absent, ==, "IH");
    }
  g_assert_false (nd_icg_catalogue_has_class (cat, "IH"));
  g_assert_true (nd_icg_catalogue_has_class (cat, "KCa"));
  const char *absent = "x";
  g_ptr_array_unref (search ("sodium", &absent));
  g_assert_null (absent);
}

static void
test_modeldb_and_words (void)
{
  /* A ModelDB number finds its entry's channels (143100: Kv4f among them). */
  g_autoptr (GPtrArray) r = search ("143100", NULL);
  g_assert_cmpuint (r->len, >, 0);
  gboolean found = FALSE;
  for (guint i = 0; i < r->len; i++)
    {
      g_assert_cmpint (at (r, i)->modeldb_id, ==, 143100);
      found |= !strcmp (at (r, i)->channel, "143100_Kv4f.mod");
    }
  g_assert_true (found);
  /* Two words: both must match. */
  g_autoptr (GPtrArray) both = search ("potassium 143100", NULL);
  g_assert_cmpuint (both->len, >, 0);
  g_assert_cmpuint (both->len, <, r->len);
  for (guint i = 0; i < both->len; i++)
    g_assert_true (at (both, i)->modeldb_id == 143100 && at (both, i)->icg_class[0] == 'K');
  g_autoptr (GPtrArray) golgi = search ("golgi sodium", NULL);
  g_assert_cmpuint (golgi->len, >, 0);
  for (guint i = 0; i < golgi->len; i++)
    g_assert_cmpstr (at (golgi, i)->icg_class, ==, "Na");
  /* A class filter with a query; nothing for a name that is nowhere; everything for no words. */
  g_autoptr (GPtrArray) hh3 = nd_icg_search (cat, "hh3", "Na", NULL);
  g_assert_cmpuint (hh3->len, >, 0);
  for (guint i = 0; i < hh3->len; i++)
    g_assert_cmpstr (at (hh3, i)->icg_class, ==, "Na");
  g_autoptr (GPtrArray) none = search ("no-such-channel-anywhere", NULL);
  g_assert_cmpuint (none->len, ==, 0);
  g_autoptr (GPtrArray) all = nd_icg_search (cat, "  ", NULL, NULL);
  g_assert_cmpuint (all->len, ==, nd_icg_catalogue_n_channels (cat));
  for (guint i = 0; i < all->len; i++)
    g_assert_true (all->pdata[i] == nd_icg_catalogue_get (cat, i));
}

static void
test_vhalf (void)
{
  /* The 65 nax entries come in a few kinetic variants, told apart by their half-activation voltages. */
  g_autoptr (GPtrArray) nax = nd_icg_search (cat, "nax", NULL, NULL);
  g_autoptr (GHashTable) variants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < nax->len; i++)
    {
      const NdIcgChannel *ch = nax->pdata[i];
      if (strcmp (ch->suffix, "nax"))
        continue;
      GString *key = g_string_new (NULL);
      for (int g = 0; g < ch->n_gates; g++)
        {
          double vh = nd_icg_gate_vhalf (&ch->gates[g]);
          g_assert_true (isfinite (vh) && vh > -100 && vh < 100);
          g_string_append_printf (key, "%s %.0f ", ch->gates[g].name, vh);
        }
      g_hash_table_add (variants, g_string_free (key, FALSE));
    }
  g_print ("# %u kinetic variants among the channels called nax\n", g_hash_table_size (variants));
  g_assert_cmpuint (g_hash_table_size (variants), >=, 5);

  /* Checked against the table itself: x_inf at the voltage found is one half. */
  const NdIcgChannel *kv4f = nd_icg_catalogue_find (cat, "K", "143100_Kv4f.mod");
  g_assert_nonnull (kv4f);
  for (int g = 0; g < kv4f->n_gates; g++)
    {
      const NdIcgGate *gate = &kv4f->gates[g];
      double vh = nd_icg_gate_vhalf (gate);
      g_assert_true (isfinite (vh));
      for (int j = 1; j < gate->n; j++)
        if (gate->v[j - 1] <= vh && vh <= gate->v[j])
          {
            double w = (vh - gate->v[j - 1]) / (gate->v[j] - gate->v[j - 1]);
            double x = gate->x_inf[0][j - 1] + w * (gate->x_inf[0][j] - gate->x_inf[0][j - 1]);
            g_assert_cmpfloat (fabs (x - 0.5), <, 1e-9);
            g_print ("# Kv4f gate %s: V½ %.1f mV\n", gate->name, vh);
            break;
          }
    }
}

static void
test_german (void)
{
  guint na = count_class ("Na"), k = count_class ("K"), kca = count_class ("KCa");
  g_autoptr (GPtrArray) natrium = search ("Natrium", NULL);
  g_assert_cmpuint (natrium->len, ==, na);
  g_autoptr (GPtrArray) kalium = search ("Kalium", NULL);
  g_assert_cmpuint (kalium->len, ==, k + kca);
  g_autoptr (GPtrArray) kdr = search ("verzögerter Gleichrichter", NULL);
  g_assert_cmpuint (kdr->len, >, 100);
  g_assert_cmpstr (at (kdr, 0)->icg_class, ==, "K");
  g_autoptr (GPtrArray) a = search ("A-Typ", NULL);
  g_assert_cmpuint (a->len, >, 100);
  const char *absent = NULL;
  g_autoptr (GPtrArray) h = search ("H-Strom", &absent);
  g_assert_cmpuint (h->len, ==, 0);
  g_assert_cmpstr (absent, ==, "IH");
  /* The English words still work. */
  g_autoptr (GPtrArray) sodium = search ("sodium", NULL);
  g_assert_cmpuint (sodium->len, ==, na);
}

int
main (int argc, char *argv[])
{
  gboolean german = argc > 2 && g_str_equal (argv[1], "de");
  if (german)
    {
      g_setenv ("LANGUAGE", "de", TRUE);
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, argv[2]);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      argv[2] = argv[0];
      argc -= 2;
      argv += 2;
    }
  g_test_init (&argc, &argv, NULL);
  if (german)
    {
      g_autoptr (GError) error = NULL;
      cat = nd_icg_catalogue_shared (&error);
      g_assert_no_error (error);
      g_test_add_func ("/icg-search/german", test_german);
      return g_test_run ();
    }
  g_autoptr (GError) error = NULL;
  cat = nd_icg_catalogue_shared (&error);
  g_assert_no_error (error);
  g_test_add_func ("/icg-search/ions", test_ions);
  g_test_add_func ("/icg-search/ranking", test_ranking);
  g_test_add_func ("/icg-search/kinds", test_kinds);
  g_test_add_func ("/icg-search/h-current", test_h_current);
  g_test_add_func ("/icg-search/modeldb-and-words", test_modeldb_and_words);
  g_test_add_func ("/icg-search/vhalf", test_vhalf);
  return g_test_run ();
}
