/* icg-catalogue.c: reads the channel catalogue and turns entries into channel kinds.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "icg-catalogue.h"

#include <glib/gi18n.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "icg-curves.h"   /* nd_open_maybe_gzip */
#include "nd-error.h"

/* Tabulated tau of 0 ms (rounded in the source) would be -inf in log space. */
#define TAU_FLOOR_MS 1e-3

struct _NdIcgCatalogue {
  GPtrArray *channels;   /* NdIcgChannel*, owned */
};

static void
channel_free (gpointer p)
{
  NdIcgChannel *ch = p;
  for (int k = 0; k < ch->n_gates; k++)
    {
      NdIcgGate *g = &ch->gates[k];
      g_free (g->name);
      g_free (g->v);
      for (int t = 0; t < g->n_temps; t++)
        {
          g_free (g->x_inf[t]);
          g_free (g->tau[t]);
        }
    }
  g_free (ch->gates);
  g_free (ch->icg_class);
  g_free (ch->channel);
  g_free (ch->file);
  g_free (ch->suffix);
  g_free (ch);
}

void
nd_icg_catalogue_free (NdIcgCatalogue *cat)
{
  if (!cat)
    return;
  g_ptr_array_unref (cat->channels);
  g_free (cat);
}

guint
nd_icg_catalogue_n_channels (const NdIcgCatalogue *cat)
{
  return cat->channels->len;
}

const NdIcgChannel *
nd_icg_catalogue_get (const NdIcgCatalogue *cat, guint i)
{
  return i < cat->channels->len ? cat->channels->pdata[i] : NULL;
}

/* "1;2;;4" -> doubles (empty = NAN); returns the count or -1 on a bad number. */
static int
parse_list (const char *s, double **out)
{
  g_auto (GStrv) parts = g_strsplit (s, ";", -1);
  int n = (int) g_strv_length (parts);
  double *d = g_new (double, n > 0 ? n : 1);
  for (int i = 0; i < n; i++)
    {
      if (parts[i][0] == '\0')
        {
          d[i] = NAN;
          continue;
        }
      char *end;
      d[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end || !isfinite (d[i]))
        {
          g_free (d);
          return -1;
        }
    }
  *out = d;
  return n;
}

enum { C_CLASS, C_CHANNEL, C_MODELDB, C_SUFFIX, C_GATE, C_EXP, C_Q10, C_TEMP, C_V, C_XINF, C_TAU, N_C };
static const char *const cat_cols[N_C] = {
  "icg_class", "channel", "modeldb_id", "suffix", "gate", "exponent", "q10_tau", "temp_C",
  "V_mV", "x_inf", "tau_ms"
};

static gboolean
add_row (NdIcgCatalogue *cat, GHashTable *index, char **f, const char *path, guint64 lineno, GError **error)
{
#define BAD(...) do { g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, __VA_ARGS__); return FALSE; } while (0)
  double temp, *v = NULL, *x = NULL, *t = NULL;
  char *end;
  temp = g_ascii_strtod (f[C_TEMP], &end);
  if (end == f[C_TEMP] || *end || !isfinite (temp))
    BAD (_("“%s”, line %llu: the temperature is not a number"), path, (unsigned long long) lineno);
  int nv = parse_list (f[C_V], &v);
  int nx = parse_list (f[C_XINF], &x);
  int nt = parse_list (f[C_TAU], &t);
  if (nv < 1 || nx != nv || nt != nv)
    {
      if (nv > 0) g_free (v);
      if (nx > 0) g_free (x);
      if (nt > 0) g_free (t);
      BAD (_("“%s”, line %llu: the voltage, x_inf and tau lists must be numbers of equal length"),
           path, (unsigned long long) lineno);
    }
  for (int i = 1; i < nv; i++)
    if (!(v[i] > v[i - 1]))
      {
        g_free (v); g_free (x); g_free (t);
        BAD (_("“%s”, line %llu: voltages must increase"), path, (unsigned long long) lineno);
      }

  g_autofree char *key = g_strdup_printf ("%s\t%s", f[C_CLASS], f[C_CHANNEL]);
  NdIcgChannel *ch = g_hash_table_lookup (index, key);
  if (!ch)
    {
      ch = g_new0 (NdIcgChannel, 1);
      ch->icg_class = g_strdup (f[C_CLASS]);
      ch->channel = g_strdup (f[C_CHANNEL]);
      const char *us = strchr (f[C_CHANNEL], '_');
      ch->file = g_strdup (us ? us + 1 : f[C_CHANNEL]);
      ch->suffix = g_strdup (f[C_SUFFIX]);
      ch->modeldb_id = (int) g_ascii_strtoll (f[C_MODELDB], NULL, 10);
      ch->needs_calcium = g_ascii_strcasecmp (f[C_CLASS], "KCa") == 0;
      g_ptr_array_add (cat->channels, ch);
      g_hash_table_insert (index, g_steal_pointer (&key), ch);
    }
  NdIcgGate *g = NULL;
  for (int k = 0; k < ch->n_gates; k++)
    if (strcmp (ch->gates[k].name, f[C_GATE]) == 0)
      g = &ch->gates[k];
  if (!g)
    {
      ch->gates = g_renew (NdIcgGate, ch->gates, ch->n_gates + 1);
      g = &ch->gates[ch->n_gates++];
      memset (g, 0, sizeof *g);
      g->name = g_strdup (f[C_GATE]);
      g->exponent = f[C_EXP][0] ? (int) g_ascii_strtoll (f[C_EXP], NULL, 10) : 1;
      g->q10_tau = f[C_Q10][0] ? g_ascii_strtod (f[C_Q10], NULL) : NAN;
      g->n = nv;
      g->v = v;
      v = NULL;
    }
  else if (g->n != nv || memcmp (g->v, v, (size_t) nv * sizeof *v) != 0 || g->n_temps == ND_ICG_MAX_TEMPS)
    {
      g_free (v); g_free (x); g_free (t);
      BAD (_("“%s”, line %llu: gate %s of %s has tables on different voltages or too many temperatures"),
           path, (unsigned long long) lineno, f[C_GATE], f[C_CHANNEL]);
    }
  g_free (v);
  /* Insert by temperature, keeping them ascending. */
  int pos = g->n_temps;
  while (pos > 0 && g->temps[pos - 1] > temp)
    {
      g->temps[pos] = g->temps[pos - 1];
      g->x_inf[pos] = g->x_inf[pos - 1];
      g->tau[pos] = g->tau[pos - 1];
      pos--;
    }
  g->temps[pos] = temp;
  g->x_inf[pos] = x;
  g->tau[pos] = t;
  g->n_temps++;
  return TRUE;
#undef BAD
}

NdIcgCatalogue *
nd_icg_catalogue_load (const char *path, GError **error)
{
  g_autoptr (GInputStream) in = nd_open_maybe_gzip (path, error);
  if (!in)
    return NULL;
  g_autoptr (GDataInputStream) data = g_data_input_stream_new (in);
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  NdIcgCatalogue *cat = g_new0 (NdIcgCatalogue, 1);
  cat->channels = g_ptr_array_new_with_free_func (channel_free);
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) local = NULL;
  int col[N_C];
  gboolean have_header = FALSE;
  guint64 lineno = 0;
  gsize len;
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (data, &len, NULL, &local);
      if (!line)
        break;
      lineno++;
      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (len == 0)
        continue;
      g_auto (GStrv) f = g_strsplit (line, ",", -1);
      int nf = (int) g_strv_length (f);
      if (!have_header)
        {
          for (int k = 0; k < N_C; k++)
            {
              col[k] = -1;
              for (int i = 0; i < nf; i++)
                if (strcmp (f[i], cat_cols[k]) == 0)
                  col[k] = i;
              if (col[k] < 0)
                {
                  g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                               _("“%s” is not a Neurode channel catalogue: no “%s” column"), path, cat_cols[k]);
                  nd_icg_catalogue_free (cat);
                  return NULL;
                }
            }
          have_header = TRUE;
          continue;
        }
      char *row[N_C];
      gboolean short_row = FALSE;
      for (int k = 0; k < N_C; k++)
        {
          if (col[k] >= nf)
            short_row = TRUE;
          row[k] = short_row ? NULL : f[col[k]];
        }
      if (short_row)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, _("“%s”, line %llu: too few fields"),
                       path, (unsigned long long) lineno);
          nd_icg_catalogue_free (cat);
          return NULL;
        }
      if (!add_row (cat, index, row, path, lineno, error))
        {
          nd_icg_catalogue_free (cat);
          return NULL;
        }
    }
  if (local || !have_header)
    {
      if (local)
        g_set_error (error, ND_ERROR, ND_ERROR_CORRUPT, _("Cannot read “%s”: %s"), path, local->message);
      else
        g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("“%s” is empty"), path);
      nd_icg_catalogue_free (cat);
      return NULL;
    }
  return cat;
}

GPtrArray *
nd_icg_catalogue_search (const NdIcgCatalogue *cat, const char *text,
                         const char *icg_class, int modeldb_id)
{
  GPtrArray *out = g_ptr_array_new ();
  g_autofree char *needle = text && *text ? g_utf8_casefold (text, -1) : NULL;
  for (guint i = 0; i < cat->channels->len; i++)
    {
      const NdIcgChannel *ch = cat->channels->pdata[i];
      if (icg_class && g_ascii_strcasecmp (icg_class, ch->icg_class) != 0)
        continue;
      if (modeldb_id && modeldb_id != ch->modeldb_id)
        continue;
      if (needle)
        {
          g_autofree char *a = g_utf8_casefold (ch->channel, -1);
          g_autofree char *b = g_utf8_casefold (ch->suffix, -1);
          if (!strstr (a, needle) && !strstr (b, needle))
            continue;
        }
      g_ptr_array_add (out, (gpointer) ch);
    }
  return out;
}

const NdIcgChannel *
nd_icg_catalogue_find (const NdIcgCatalogue *cat, const char *icg_class, const char *channel)
{
  for (guint i = 0; i < cat->channels->len; i++)
    {
      const NdIcgChannel *ch = cat->channels->pdata[i];
      if (strcmp (ch->channel, channel) == 0 && (!icg_class || strcmp (ch->icg_class, icg_class) == 0))
        return ch;
    }
  return NULL;
}

/* ---- channel kinds ---- */

typedef struct {
  int n;
  double *xs, *ys;
  gsl_interp *interp;   /* NULL when n < 3 (linear or constant) */
} Table;

typedef struct {
  int n_temps;
  double temps[ND_ICG_MAX_TEMPS];
  double log_q10;       /* per 10 °C, for tau beyond the tabulated temperatures */
  gboolean has_tau;
  Table x_inf[ND_ICG_MAX_TEMPS];
  Table log_tau[ND_ICG_MAX_TEMPS];
} GateModel;

typedef struct {
  nd_channel_kind kind;   /* first: the kind's address is this struct's */
  GateModel gates[ND_MAX_GATES];
  char *type, *label, *citation;
  char *names[ND_MAX_GATES];
} IcgKind;

/* Usable points of (v, y) into a table; `log_y` takes log(max(y, floor)). */
static gboolean
table_init (Table *t, const double *v, const double *y, int n, gboolean log_y)
{
  t->xs = g_new (double, n);
  t->ys = g_new (double, n);
  t->n = 0;
  for (int i = 0; i < n; i++)
    if (isfinite (y[i]))
      {
        t->xs[t->n] = v[i];
        t->ys[t->n] = log_y ? log (fmax (y[i], TAU_FLOOR_MS)) : y[i];
        t->n++;
      }
  t->interp = NULL;
  if (t->n >= 3)
    {
      t->interp = gsl_interp_alloc (gsl_interp_steffen, (size_t) t->n);
      gsl_interp_init (t->interp, t->xs, t->ys, (size_t) t->n);
    }
  return t->n > 0;
}

static void
table_clear (Table *t)
{
  if (t->interp)
    gsl_interp_free (t->interp);
  g_free (t->xs);
  g_free (t->ys);
  memset (t, 0, sizeof *t);
}

/* Value and slope; constant beyond the ends of the table. */
static double
table_eval (const Table *t, double v, double *slope)
{
  if (t->n == 1 || v <= t->xs[0])
    {
      *slope = 0.0;
      return t->ys[0];
    }
  if (v >= t->xs[t->n - 1])
    {
      *slope = 0.0;
      return t->ys[t->n - 1];
    }
  if (!t->interp)   /* two points: the line through them */
    {
      *slope = (t->ys[1] - t->ys[0]) / (t->xs[1] - t->xs[0]);
      return t->ys[0] + *slope * (v - t->xs[0]);
    }
  double y, d;
  /* NULL accelerator: the kind is shared between threads. */
  gsl_interp_eval_e (t->interp, t->xs, t->ys, v, NULL, &y);
  gsl_interp_eval_deriv_e (t->interp, t->xs, t->ys, v, NULL, &d);
  *slope = d;
  return y;
}

static void
model_rates (const GateModel *m, double v, double celsius, nd_gate_rates *out)
{
  int lo = 0, hi = 0;
  double w = 0.0, dt_q10 = 0.0;   /* weight of `hi`; temperature distance for Q10 */
  if (m->n_temps == 1 || celsius <= m->temps[0])
    dt_q10 = celsius - m->temps[0];
  else if (celsius >= m->temps[m->n_temps - 1])
    {
      lo = hi = m->n_temps - 1;
      dt_q10 = celsius - m->temps[lo];
    }
  else
    {
      while (celsius > m->temps[lo + 1])
        lo++;
      hi = lo + 1;
      w = (celsius - m->temps[lo]) / (m->temps[hi] - m->temps[lo]);
    }
  double s0, s1;
  double x0 = table_eval (&m->x_inf[lo], v, &s0), x1 = table_eval (&m->x_inf[hi], v, &s1);
  out->x_inf = (1 - w) * x0 + w * x1;
  out->dx_inf = (1 - w) * s0 + w * s1;
  if (!m->has_tau)
    {
      out->tau = 0.0;
      out->dtau = 0.0;
      return;
    }
  double l0 = table_eval (&m->log_tau[lo], v, &s0), l1 = table_eval (&m->log_tau[hi], v, &s1);
  /* tau(T) = tau(T_table) * Q10^(-(T - T_table)/10) beyond the tables. */
  double lt = (1 - w) * l0 + w * l1 - dt_q10 / 10.0 * m->log_q10;
  out->tau = exp (lt);
  out->dtau = out->tau * ((1 - w) * s0 + w * s1);
}

static void rates0 (const void *d, double v, double c, nd_gate_rates *o) { model_rates (&((const IcgKind *) d)->gates[0], v, c, o); }
static void rates1 (const void *d, double v, double c, nd_gate_rates *o) { model_rates (&((const IcgKind *) d)->gates[1], v, c, o); }
static void rates2 (const void *d, double v, double c, nd_gate_rates *o) { model_rates (&((const IcgKind *) d)->gates[2], v, c, o); }
static const nd_gate_rates_fn rates_fns[ND_MAX_GATES] = { rates0, rates1, rates2 };

void
nd_icg_kind_free (nd_channel_kind *kind)
{
  if (!kind)
    return;
  IcgKind *k = (IcgKind *) kind;
  for (int i = 0; i < kind->n_gates; i++)
    {
      for (int t = 0; t < k->gates[i].n_temps; t++)
        {
          table_clear (&k->gates[i].x_inf[t]);
          table_clear (&k->gates[i].log_tau[t]);
        }
      g_free (k->names[i]);
    }
  g_free (k->type);
  g_free (k->label);
  g_free (k->citation);
  g_free (k);
}

nd_channel_kind *
nd_icg_channel_make_kind (const NdIcgChannel *ch, GError **error)
{
  if (ch->needs_calcium)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("%s (ModelDB %d) is calcium-activated: it needs intracellular calcium dynamics, "
                     "which this compartment does not have, so it cannot be simulated as a voltage-only channel"),
                   ch->file, ch->modeldb_id);
      return NULL;
    }
  int n = 0;
  for (int k = 0; k < ch->n_gates; k++)
    n += ch->gates[k].exponent > 0;
  if (n == 0 || n > ND_MAX_GATES)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("%s (ModelDB %d) has %d gates in its conductance; Neurode channels have 1 to %d"),
                   ch->file, ch->modeldb_id, n, ND_MAX_GATES);
      return NULL;
    }
  IcgKind *k = g_new0 (IcgKind, 1);
  nd_channel_kind *kind = &k->kind;
  for (int i = 0; i < ch->n_gates; i++)
    {
      const NdIcgGate *g = &ch->gates[i];
      if (g->exponent <= 0)
        continue;
      int gi = kind->n_gates++;
      GateModel *m = &k->gates[gi];
      m->n_temps = g->n_temps;
      memcpy (m->temps, g->temps, sizeof m->temps);
      m->log_q10 = isfinite (g->q10_tau) && g->q10_tau > 0 ? log (g->q10_tau) : 0.0;
      m->has_tau = TRUE;
      /* No usable tau at some temperature: the source gate is instantaneous there. */
      for (int t = 0; t < g->n_temps; t++)
        {
          int usable = 0;
          for (int j = 0; j < g->n; j++)
            usable += isfinite (g->tau[t][j]);
          if (usable == 0)
            m->has_tau = FALSE;
        }
      gboolean ok = TRUE;
      for (int t = 0; t < g->n_temps; t++)
        {
          ok &= table_init (&m->x_inf[t], g->v, g->x_inf[t], g->n, FALSE);
          if (m->has_tau)
            table_init (&m->log_tau[t], g->v, g->tau[t], g->n, TRUE);
        }
      k->names[gi] = g_strdup (g->name);
      kind->gates[gi] = (nd_gate_kind) { .name = k->names[gi], .power = g->exponent, .rates = rates_fns[gi] };
      if (!ok)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                       _("Gate %s of %s (ModelDB %d) has no steady-state values in the catalogue"),
                       g->name, ch->file, ch->modeldb_id);
          nd_icg_kind_free (kind);
          return NULL;
        }
    }
  const char *cls = ch->icg_class;
  gboolean is_na = strcmp (cls, "Na") == 0, is_ca = strcmp (cls, "Ca") == 0, is_h = strcmp (cls, "IH") == 0;
  kind->ion = is_na ? "na" : is_ca ? "ca" : is_h ? "h" : "k";
  kind->e_default = is_na ? 50.0 : is_ca ? 120.0 : is_h ? -30.0 : -77.0;
  kind->gbar_default = is_na ? 50.0 : is_ca ? 1.0 : is_h ? 0.1 : 10.0;
  kind->blocker = is_na ? "TTX" : is_h ? "ZD7288" : NULL;
  k->type = g_strdup_printf ("icg:%s:%s", cls, ch->channel);
  k->label = g_strdup_printf ("%s %s (ModelDB %d)", cls, ch->suffix[0] ? ch->suffix : ch->file, ch->modeldb_id);
  k->citation = g_strdup_printf ("ModelDB %d, %s (SUFFIX %s); kinetics tabulated by ICGenealogy: "
                                 "Podlaski et al. 2017, eLife 6:e22152 (GPL-3.0)",
                                 ch->modeldb_id, ch->file, ch->suffix);
  kind->type = k->type;
  kind->label = k->label;
  kind->citation = k->citation;
  kind->data = k;
  return kind;
}
