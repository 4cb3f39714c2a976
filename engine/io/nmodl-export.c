/* nmodl-export.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nmodl-export.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nd-error.h"

static int
find_learned (const nd_model *m, int channel)
{
  if (channel >= 0)
    return channel < m->n_channels && m->channels[channel].slot == ND_CHANNEL_LEARNED ? channel : -1;
  return nd_model_learned_channel (m);
}

/* Letters, digits and '_' only, starting with a letter. */
static char *
identifier (const char *name)
{
  GString *s = g_string_new (NULL);
  for (const char *p = name; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) ? *p : '_');
  if (s->len == 0 || !g_ascii_isalpha (s->str[0]))
    g_string_prepend (s, "x");
  return g_string_free (s, FALSE);
}

char *
nd_nmodl_suffix (const nd_model *m, int channel)
{
  int c = find_learned (m, channel);
  g_autofree char *id = identifier (c >= 0 ? m->channels[c].name : "learned");
  return g_strconcat ("nd_", id, NULL);
}

static void
num (GString *out, double v)
{
  char b[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (b, sizeof b, "%.17g", v));
}

/* " * n^4", or " * n^3.7" when the exponent was fitted (NMODL's ^ takes a real power). */
static void
append_gate_power (GString *o, const nd_model *m, int c, int g)
{
  double p = nd_model_gate_power (m, c, g);
  g_string_append_printf (o, " * %s^", m->channels[c].learned[g].name);
  if (p == floor (p))
    g_string_append_printf (o, "%d", (int) p);
  else
    num (o, p);
}

char *
nd_nmodl_export (nd_model *m, int channel, GError **error)
{
  int c = find_learned (m, channel);
  if (c < 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("The model has no learned channel to export"));
      return NULL;
    }
  nd_channel *ch = &m->channels[c];
  g_autofree char *suffix = nd_nmodl_suffix (m, c);
  const int n = m->grid_n;
  GString *o = g_string_new (NULL);

  /* Looking up every node fills the model's own tables (the lookup at a node returns the node's value). */
  for (int g = 0; g < ch->n_gates; g++)
    for (int j = 1; j < n - 1; j++)
      {
        nd_gate_rates r;
        nd_model_gate_rates (m, c, g, m->grid_lo + j * m->grid_h, &r);
      }

  /* nocmodl accepts ASCII only, so the comment names the channel by its identifier. */
  g_string_append_printf (o, ": %s.mod: a learned channel exported by Neurode.\n", suffix);
  g_string_append (o, ": x_inf(v) = 1/(1+exp(-a(v))), tau(v) = exp(lt(v)) ms, where a and lt are Catmull-Rom\n"
                      ": interpolants of the network's outputs on the grid below, exactly as Neurode evaluates them.\n"
                      ": Current: i = gbar");
  for (int g = 0; g < ch->n_gates; g++)
    append_gate_power (o, m, c, g);
  g_string_append (o, " * (v - e).\n\n");
  /* Gate names become NMODL identifiers. */

  g_string_append_printf (o, "NEURON {\n  SUFFIX %s\n  NONSPECIFIC_CURRENT i\n  RANGE gbar, e, g, i", suffix);
  for (int g = 0; g < ch->n_gates; g++)
    g_string_append_printf (o, ", %s_inf, %s_tau", ch->learned[g].name, ch->learned[g].name);
  g_string_append_c (o, '\n');
  g_string_append (o, "  GLOBAL");
  for (int g = 0; g < ch->n_gates; g++)
    g_string_append_printf (o, "%s a%d, lt%d", g ? "," : "", g, g);
  g_string_append (o, ", filled\n}\n\n");
  g_string_append (o, "UNITS {\n  (mA) = (milliamp)\n  (mV) = (millivolt)\n  (S) = (siemens)\n}\n\n");

  g_string_append (o, "PARAMETER {\n  gbar = ");
  num (o, m->params[m->blocks[ch->block_gbar].offset] * 1e-3);
  g_string_append (o, " (S/cm2)\n  e = ");
  num (o, m->params[m->blocks[ch->block_e].offset]);
  g_string_append (o, " (mV)\n}\n\n");

  g_string_append (o, "ASSIGNED {\n  v (mV)\n  i (mA/cm2)\n  g (S/cm2)\n  filled\n");
  for (int g = 0; g < ch->n_gates; g++)
    g_string_append_printf (o, "  a%d[%d]\n  lt%d[%d]\n  %s_inf\n  %s_tau (ms)\n", g, n, g, n,
                            ch->learned[g].name, ch->learned[g].name);
  g_string_append (o, "}\n\nSTATE {");
  for (int g = 0; g < ch->n_gates; g++)
    g_string_append_printf (o, " %s", ch->learned[g].name);
  g_string_append (o, " }\n\n");

  g_string_append (o, "BREAKPOINT {\n  SOLVE states METHOD cnexp\n  g = gbar");
  for (int g = 0; g < ch->n_gates; g++)
    append_gate_power (o, m, c, g);
  g_string_append (o, "\n  i = g * (v - e)\n}\n\n");

  g_string_append (o, "INITIAL {\n  if (filled == 0) {\n    fill()\n    filled = 1\n  }\n  rates(v)\n");
  for (int g = 0; g < ch->n_gates; g++)
    g_string_append_printf (o, "  %s = %s_inf\n", ch->learned[g].name, ch->learned[g].name);
  g_string_append (o, "}\n\nDERIVATIVE states {\n  rates(v)\n");
  for (int g = 0; g < ch->n_gates; g++)
    g_string_append_printf (o, "  %s' = (%s_inf - %s) / %s_tau\n", ch->learned[g].name, ch->learned[g].name,
                            ch->learned[g].name, ch->learned[g].name);
  g_string_append (o, "}\n\n");

  /* The interpolation of model.c's nd_table_lookup. */
  g_string_append (o, "PROCEDURE rates(v (mV)) {\n  LOCAL vc, u, k, t, t2, t3, w0, w1, w2, w3, aa, ll\n");
  /* The grid of model.c, clamped one node inside each end (the rates are constant beyond). */
  char lo[G_ASCII_DTOSTR_BUF_SIZE], h[G_ASCII_DTOSTR_BUF_SIZE], vlo[G_ASCII_DTOSTR_BUF_SIZE],
       vhi[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (lo, sizeof lo, "%.17g", m->grid_lo);
  g_ascii_formatd (h, sizeof h, "%.17g", m->grid_h);
  g_ascii_formatd (vlo, sizeof vlo, "%.17g", m->grid_lo + m->grid_h);
  g_ascii_formatd (vhi, sizeof vhi, "%.17g", m->grid_lo + (n - 2) * m->grid_h);
  g_string_append_printf (o, "  vc = v\n  if (vc < %s) { vc = %s }\n  if (vc > %s) { vc = %s }\n", vlo, vlo, vhi, vhi);
  g_string_append_printf (o, "  u = (vc - (%s)) / %s\n  k = floor(u)\n  if (k > %d) { k = %d }\n", lo, h, n - 3, n - 3);
  g_string_append (o, "  t = u - k\n  t2 = t * t\n  t3 = t2 * t\n"
                      "  w0 = 0.5 * (-t3 + 2 * t2 - t)\n  w1 = 0.5 * (3 * t3 - 5 * t2 + 2)\n"
                      "  w2 = 0.5 * (-3 * t3 + 4 * t2 + t)\n  w3 = 0.5 * (t3 - t2)\n");
  for (int g = 0; g < ch->n_gates; g++)
    {
      const char *gn = ch->learned[g].name;
      g_string_append_printf (o, "  aa = w0 * a%d[k - 1] + w1 * a%d[k] + w2 * a%d[k + 1] + w3 * a%d[k + 2]\n",
                              g, g, g, g);
      g_string_append_printf (o, "  ll = w0 * lt%d[k - 1] + w1 * lt%d[k] + w2 * lt%d[k + 1] + w3 * lt%d[k + 2]\n",
                              g, g, g, g);
      g_string_append_printf (o, "  if (aa >= 0) {\n    %s_inf = 1 / (1 + exp(-aa))\n  } else {\n"
                                 "    %s_inf = exp(aa) / (1 + exp(aa))\n  }\n  %s_tau = exp(ll)\n", gn, gn, gn);
    }
  g_string_append (o, "}\n\n");

  g_string_append (o, "PROCEDURE fill() {\n");
  for (int g = 0; g < ch->n_gates; g++)
    {
      const nd_gate_table *t = &ch->learned[g].table;
      for (int j = 0; j < n; j++)
        {
          g_string_append_printf (o, "  a%d[%d] = ", g, j);
          num (o, t->a[j]);
          g_string_append_printf (o, "\n  lt%d[%d] = ", g, j);
          num (o, t->logtau[j]);
          g_string_append_c (o, '\n');
        }
    }
  g_string_append (o, "}\n");

  return g_string_free (o, FALSE);
}

char **
nd_nmodl_export_all (nd_model *m, const char *dir, const char *first_name, GError **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int c = 0; c < m->n_channels; c++)
    {
      if (m->channels[c].slot != ND_CHANNEL_LEARNED)
        continue;
      g_autofree char *suffix = nd_nmodl_suffix (m, c);
      /* NEURON knows a mechanism by its suffix: two with one name cannot both be loaded. */
      if (!g_hash_table_add (seen, g_strdup (suffix)))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("two learned channels would both be the NEURON mechanism “%s”: give them names that differ "
                         "in letters or digits"), suffix);
          return NULL;
        }
      g_autofree char *text = nd_nmodl_export (m, c, error);
      if (!text)
        return NULL;
      g_autofree char *file = paths->len == 0 && first_name ? g_strdup (first_name) : g_strconcat (suffix, ".mod", NULL);
      char *path = g_build_filename (dir, file, NULL);
      g_ptr_array_add (paths, path);
      if (!g_file_set_contents (path, text, -1, error))
        return NULL;
    }
  if (paths->len == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("The model has no learned channel to export"));
      return NULL;
    }
  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}
