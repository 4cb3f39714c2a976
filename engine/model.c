/* model.c: building a compartment model and its flat parameter vector.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "model.h"
#include "model-private.h"
#include "alloc.h"
#include "gate-band.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The learned gates' table: -150..+100 mV every 0.25 mV. Beyond it V is
 * clamped (the rates are constant there). */
#define GRID_LO (-150.0)
#define GRID_H 0.25
#define GRID_N 1001

nd_model *
nd_model_new (double cm, double area_um2, double v_init, double celsius)
{
  if (!(cm > 0.0) || !(area_um2 > 0.0) || !isfinite (v_init) || !isfinite (celsius))
    return NULL;
  nd_model *m = nd_calloc (1, sizeof *m);
  m->cm = cm;
  m->area_um2 = area_um2;
  m->v_init = v_init;
  m->celsius = celsius;
  m->n_state = 1;
  m->grid_lo = GRID_LO;
  m->grid_h = GRID_H;
  m->grid_n = GRID_N;
  return m;
}

static void
table_free (nd_gate_table *t)
{
  free (t->a);
  free (t->logtau);
  free (t->ready);
  free (t->ga);
  free (t->glogtau);
  memset (t, 0, sizeof *t);
}

static void
table_alloc (nd_gate_table *t, int n)
{
  t->a = nd_calloc (n, sizeof *t->a);
  t->logtau = nd_calloc (n, sizeof *t->logtau);
  t->ready = nd_calloc (n, 1);
  t->ga = nd_calloc (n, sizeof *t->ga);
  t->glogtau = nd_calloc (n, sizeof *t->glogtau);
}

void
nd_model_free (nd_model *m)
{
  if (!m)
    return;
  for (int c = 0; c < m->n_channels; c++)
    for (int g = 0; g < ND_MAX_LEARNED_GATES; g++)
      {
        table_free (&m->channels[c].learned[g].table);
        free (m->channels[c].learned[g].band);
      }
  free (m->channels);
  free (m->params);
  free (m->blocks);
  free (m->scratch);
  nd_model_settle_memo (m, false);
  free (m);
}

nd_model *
nd_model_copy (const nd_model *m)
{
  nd_model *c = nd_malloc (sizeof *c);
  *c = *m;
  c->channels = nd_malloc (m->n_channels * sizeof *c->channels);
  memcpy (c->channels, m->channels, m->n_channels * sizeof *c->channels);
  c->params = nd_malloc (m->n_params * sizeof *c->params);
  memcpy (c->params, m->params, m->n_params * sizeof *c->params);
  c->blocks = nd_malloc (m->n_blocks * sizeof *c->blocks);
  memcpy (c->blocks, m->blocks, m->n_blocks * sizeof *c->blocks);
  c->scratch = m->cache_doubles ? nd_calloc (m->cache_doubles, sizeof (double)) : NULL;
  c->settle_memo = NULL;
  for (int i = 0; i < c->n_channels; i++)
    for (int g = 0; g < c->channels[i].n_gates && c->channels[i].slot == ND_CHANNEL_LEARNED; g++)
      {
        table_alloc (&c->channels[i].learned[g].table, c->grid_n);
        nd_learned_gate_slot *s = &c->channels[i].learned[g];
        if (s->band)
          {
            nd_gate_band *band = nd_malloc (sizeof *band);
            *band = *s->band;
            s->band = band;
          }
      }
  return c;
}

static int
add_block (nd_model *m, const char *channel_name, const char *what, nd_param_kind kind,
           int channel, int gate, size_t count, double lo, double hi, bool trainable)
{
  m->blocks = nd_realloc (m->blocks, (m->n_blocks + 1) * sizeof *m->blocks);
  nd_param_block *b = &m->blocks[m->n_blocks];
  memset (b, 0, sizeof *b);
  snprintf (b->name, sizeof b->name, "%s.%s", channel_name, what);
  b->kind = kind;
  b->channel = channel;
  b->gate = gate;
  b->offset = m->n_params;
  b->count = count;
  b->lo = lo;
  b->hi = hi;
  b->trainable = trainable;
  m->params = nd_realloc (m->params, (m->n_params + count) * sizeof *m->params);
  memset (m->params + m->n_params, 0, count * sizeof *m->params);
  m->n_params += count;
  return m->n_blocks++;
}

static nd_channel *
add_channel (nd_model *m, nd_channel_slot slot, const char *name)
{
  m->channels = nd_realloc (m->channels, (m->n_channels + 1) * sizeof *m->channels);
  nd_channel *ch = &m->channels[m->n_channels];
  memset (ch, 0, sizeof *ch);
  ch->slot = slot;
  snprintf (ch->name, sizeof ch->name, "%s", name);
  ch->block_gbar = ch->block_e = ch->block_free = ch->block_z0 = ch->block_vshift = ch->block_hshift = -1;
  ch->state_off = m->n_state;
  return ch;
}

/* Conductances are bounded by physiology (a few S/cm2 at most), reversal
 * potentials by the range any ion can reach. */
#define GBAR_HI ND_GBAR_MAX
#define E_LO (-200.0)
#define E_HI 200.0
#define WEIGHT_BOUND 1e6
#define Z_INIT_BOUND 1e3   /* latent units (z-scored by z_std) */

static void
add_gbar_e (nd_model *m, nd_channel *ch, int c, double gbar, double e, bool trainable)
{
  ch->block_gbar = add_block (m, ch->name, "gbar", ND_PARAM_GBAR, c, -1, 1, 0.0, GBAR_HI, trainable);
  m->params[m->blocks[ch->block_gbar].offset] = gbar;
  ch->block_e = add_block (m, ch->name, "e_rev", ND_PARAM_E, c, -1, 1, E_LO, E_HI, trainable);
  m->params[m->blocks[ch->block_e].offset] = e;
}

int
nd_model_add_known (nd_model *m, const nd_channel_kind *kind, double gbar, double e)
{
  if (!m || !kind || !(gbar >= 0.0) || gbar > GBAR_HI || !(e >= E_LO && e <= E_HI))
    return -1;
  int c = m->n_channels;
  nd_channel *ch = add_channel (m, ND_CHANNEL_KNOWN, kind->type);
  ch->kind = kind;
  ch->n_gates = kind->n_gates;
  for (int g = 0; g < kind->n_gates; g++)
    ch->power[g] = kind->gates[g].power;
  m->n_state += kind->n_gates;
  m->n_channels++;
  /* Known channels' gbar and E are fixed unless the user frees them. */
  add_gbar_e (m, ch, c, gbar, e, false);
  /* So is the offset of its kinetics (a cell's own channels activate a few
   * mV away from the published curves: Pospischil's V_T). */
  if (kind->n_gates > 0)
    ch->block_vshift = add_block (m, ch->name, "v_shift", ND_PARAM_VSHIFT, c, -1, 1, -ND_VSHIFT_MAX_MV,
                                  ND_VSHIFT_MAX_MV, false);
  /* Inactivation may sit elsewhere relative to activation than published
   * (190619B's cell fires small spikes from a plateau near -20 mV, where
   * Pospischil's sodium channels are inactivated): a second offset for it. */
  for (int g = 0; g < kind->n_gates; g++)
    if (kind->gates[g].inactivation && ch->block_hshift < 0)
      ch->block_hshift = add_block (m, ch->name, "v_shift_inact", ND_PARAM_VSHIFT_INACT, c, -1, 1,
                                    -ND_VSHIFT_MAX_MV, ND_VSHIFT_MAX_MV, false);
  return c;
}

static void
grow_scratch (nd_model *m, size_t doubles)
{
  if (doubles > m->cache_doubles)
    {
      m->cache_doubles = doubles;
      free (m->scratch);
      m->scratch = nd_calloc (doubles, sizeof (double));
    }
}

int
nd_model_add_learned (nd_model *m, const char *name, double gbar, double e, int n_gates,
                      const char *const *gate_names, const int *powers,
                      const nd_learned_gate *net)
{
  if (!m || !name || !*name || n_gates < 1 || n_gates > ND_MAX_LEARNED_GATES || !net
      || net->shape.n_in != 1 || net->shape.n_out != 2 || net->shape.depth < 1
      || net->shape.width < 1 || !(gbar >= 0.0) || gbar > GBAR_HI || !(e >= E_LO && e <= E_HI))
    return -1;
  for (int g = 0; g < n_gates; g++)
    if (powers[g] < 1 || powers[g] > 8)
      return -1;
  int c = m->n_channels;
  nd_channel *ch = add_channel (m, ND_CHANNEL_LEARNED, name);
  ch->n_gates = n_gates;
  m->n_state += n_gates;
  m->n_channels++;
  add_gbar_e (m, ch, c, gbar, e, false);
  for (int g = 0; g < n_gates; g++)
    {
      /* add_block may move m->channels: look the channel up again each time. */
      nd_learned_gate_slot *s = &m->channels[c].learned[g];
      snprintf (s->name, sizeof s->name, "%s", gate_names && gate_names[g] ? gate_names[g] : (g ? "h" : "m"));
      s->power = powers[g];
      s->net = *net;
      m->channels[c].power[g] = powers[g];
      char what[ND_NAME_LEN + 16];
      snprintf (what, sizeof what, "%s.weights", s->name);
      int b = add_block (m, name, what, ND_PARAM_GATE_MLP, c, g, nd_learned_gate_n_params (net),
                         -WEIGHT_BOUND, WEIGHT_BOUND, true);
      snprintf (what, sizeof what, "%s.power", gate_names && gate_names[g] ? gate_names[g] : (g ? "h" : "m"));
      int bp = add_block (m, name, what, ND_PARAM_POWER, c, g, 1, 1.0, 8.0, false);
      m->params[m->blocks[bp].offset] = powers[g];
      snprintf (what, sizeof what, "%s.prior", gate_names && gate_names[g] ? gate_names[g] : (g ? "h" : "m"));
      /* Zero (no prior) and fixed unless a fit sets it. The bounds hold any
       * channel's kinetics: slopes 1/(0.5 mV) at most, tau up to e^12 ms. */
      int bq = add_block (m, name, what, ND_PARAM_GATE_PRIOR, c, g, ND_PRIOR_N, -200.0, 200.0, false);
      s = &m->channels[c].learned[g];
      s->block = b;
      s->block_power = bp;
      s->block_prior = bq;
      table_alloc (&s->table, m->grid_n);
      grow_scratch (m, nd_learned_gate_cache_size (net) + nd_mlp_cache_size (&net->shape) + 8);
    }
  return c;
}

int
nd_model_add_free (nd_model *m, const char *name, int n_latent, const nd_mlp_shape *shape,
                   double v_mean, double v_std, const double *z_mean, const double *z_std,
                   double i_scale)
{
  if (!m || !name || !*name || n_latent < 0 || n_latent > ND_MAX_LATENTS || !shape
      || shape->n_in != 1 + n_latent || shape->n_out != 1 + n_latent || shape->depth < 1
      || shape->width < 1 || !(v_std > 0.0) || !(i_scale > 0.0))
    return -1;
  for (int i = 0; i < n_latent; i++)
    if (!(z_std[i] > 0.0))
      return -1;
  int c = m->n_channels;
  nd_channel *ch = add_channel (m, ND_CHANNEL_FREE, name);
  ch->n_latent = n_latent;
  ch->free_shape = *shape;
  ch->v_mean = v_mean;
  ch->v_std = v_std;
  ch->i_scale = i_scale;
  for (int i = 0; i < n_latent; i++)
    {
      ch->z_mean[i] = z_mean ? z_mean[i] : 0.0;
      ch->z_std[i] = z_std[i];
    }
  m->n_state += n_latent;
  m->n_channels++;
  int b = add_block (m, name, "weights", ND_PARAM_FREE_MLP, c, -1, nd_mlp_n_params (shape),
                     -WEIGHT_BOUND, WEIGHT_BOUND, true);
  m->channels[c].block_free = b;
  /* Trainable initial latents: at z = z_mean the network need not be at
   * rest, and every sweep then began with the same transient (1.4 mV RMSE
   * over the CA1 reduction's first 10 ms, where the full cell is at rest). */
  m->channels[c].block_z0 = -1;
  if (n_latent > 0)
    {
      int bz = add_block (m, name, "z_init", ND_PARAM_FREE_INIT, c, -1, (size_t) n_latent, -Z_INIT_BOUND,
                          Z_INIT_BOUND, true);
      m->channels[c].block_z0 = bz;
      for (int i = 0; i < n_latent; i++)
        m->params[m->blocks[bz].offset + i] = m->channels[c].z_mean[i];
    }
  grow_scratch (m, 2 * nd_mlp_cache_size (shape) + 4 * (n_latent + 1) + 8);
  return c;
}

void
nd_model_init_networks (nd_model *m, uint64_t seed, double scale)
{
  /* Each network's stream is numbered by its block, not counting the inactivation offsets that came
   * later: every model keeps the initial weights (and so the fits) it had before they existed. */
  int later = 0;
  for (int b = 0; b < m->n_blocks; b++)
    {
      nd_param_block *blk = &m->blocks[b];
      nd_channel *ch = &m->channels[blk->channel];
      later += blk->kind == ND_PARAM_VSHIFT_INACT;
      uint64_t s = seed * 1000003u + (uint64_t) (b - later);
      if (blk->kind == ND_PARAM_GATE_MLP)
        nd_learned_gate_init (&ch->learned[blk->gate].net, m->params + blk->offset, s, scale);
      else if (blk->kind == ND_PARAM_FREE_MLP)
        nd_mlp_init (&ch->free_shape, m->params + blk->offset, s, scale);
    }
  nd_model_params_changed (m);
}

bool
nd_model_anchor_free (nd_model *m, int c, double v_mV)
{
  if (c < 0 || c >= m->n_channels || m->channels[c].slot != ND_CHANNEL_FREE || !isfinite (v_mV))
    return false;
  nd_channel *ch = &m->channels[c];
  ch->anchored = true;
  ch->v_anchor = v_mV;
  ch->anchor_ready = false;
  if (ch->block_z0 >= 0)
    {
      m->blocks[ch->block_z0].trainable = false;
      for (int i = 0; i < ch->n_latent; i++)
        m->params[m->blocks[ch->block_z0].offset + i] = ch->z_mean[i];
    }
  return true;
}

void
nd_model_params_changed (nd_model *m)
{
  for (int c = 0; c < m->n_channels; c++)
    m->channels[c].anchor_ready = false;
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_LEARNED)
      for (int g = 0; g < m->channels[c].n_gates; g++)
        memset (m->channels[c].learned[g].table.ready, 0, m->grid_n);
}

void
nd_model_clamp (nd_model *m)
{
  for (int b = 0; b < m->n_blocks; b++)
    {
      const nd_param_block *blk = &m->blocks[b];
      for (size_t i = 0; i < blk->count; i++)
        {
          double *p = &m->params[blk->offset + i];
          if (*p < blk->lo)
            *p = blk->lo;
          else if (*p > blk->hi)
            *p = blk->hi;
        }
    }
}

int
nd_model_find_block (const nd_model *m, int channel, nd_param_kind kind, int gate)
{
  for (int b = 0; b < m->n_blocks; b++)
    if (m->blocks[b].channel == channel && m->blocks[b].kind == kind
        && ((kind != ND_PARAM_GATE_MLP && kind != ND_PARAM_POWER) || m->blocks[b].gate == gate))
      return b;
  return -1;
}

int
nd_model_learned_channel (const nd_model *m)
{
  for (int c = 0; m && c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_LEARNED)
      return c;
  return -1;
}

size_t
nd_model_n_trainable (const nd_model *m)
{
  size_t n = 0;
  for (int b = 0; b < m->n_blocks; b++)
    if (m->blocks[b].trainable)
      n += m->blocks[b].count;
  return n;
}

/* ---- learned gate tables ---- */

/* log tau = bound(b) exactly as learned-gate.c defines it, with its slope. */
double
nd_log_tau_bound (nd_tau_bound kind, double b, double *slope)
{
  if (kind == ND_TAU_BOUND_HARD)
    {
      *slope = b < ND_GATE_LOG_TAU_MAX ? 1.0 : 0.0;
      return b < ND_GATE_LOG_TAU_MAX ? b : ND_GATE_LOG_TAU_MAX;
    }
  double y = ND_GATE_LOG_TAU_MAX - b;
  double sp = (y > 0.0 ? y : 0.0) + log1p (exp (-fabs (y)));
  *slope = y >= 0.0 ? 1.0 / (1.0 + exp (-y)) : exp (y) / (1.0 + exp (y));
  return ND_GATE_LOG_TAU_MAX - sp;
}

static void
table_fill (nd_model *m, nd_learned_gate_slot *s, const double *w, int j)
{
  const double v = m->grid_lo + j * m->grid_h, *pr = m->params + m->blocks[s->block_prior].offset;
  double in = nd_learned_gate_scale_v (v);
  double ab[2], slope;
  nd_mlp_forward (&s->net.shape, w, &in, ab, NULL);
  s->table.a[j] = ab[0] + pr[ND_PRIOR_SLOPE] * (v - pr[ND_PRIOR_V_HALF]);
  s->table.logtau[j] = nd_log_tau_bound (s->net.tau_bound, ab[1] + pr[ND_PRIOR_LOG_TAU], &slope);
  s->table.ready[j] = 1;
}

double *
nd_model_gate_prior (nd_model *m, int c, int g)
{
  return m->params + m->blocks[m->channels[c].learned[g].block_prior].offset;
}

void
nd_model_gate_zero_output (nd_model *m, int c, int g)
{
  const nd_learned_gate_slot *s = &m->channels[c].learned[g];
  const nd_param_block *blk = &m->blocks[s->block];
  /* mlp.h layout: the last layer's weights (n_out x width), then its bias. */
  size_t n_last = (size_t) s->net.shape.n_out * (s->net.shape.width + 1);
  memset (m->params + blk->offset + blk->count - n_last, 0, n_last * sizeof (double));
}

void
nd_table_lookup (nd_model *m, int c, int g, double v, nd_table_point *p)
{
  nd_learned_gate_slot *s = &m->channels[c].learned[g];
  const double *w = m->params + m->blocks[s->block].offset;
  const double lo = m->grid_lo + m->grid_h, hi = m->grid_lo + (m->grid_n - 2) * m->grid_h;
  double vc = v, dvc = 1.0;
  if (!(vc > lo))     /* also catches NaN */
    vc = lo, dvc = 0.0;
  else if (vc >= hi)
    vc = hi, dvc = 0.0;
  double u = (vc - m->grid_lo) / m->grid_h;
  int i = (int) u;
  if (i > m->grid_n - 3)
    i = m->grid_n - 3;
  double t = u - i, t2 = t * t, t3 = t2 * t;
  p->i = i - 1;
  /* Catmull-Rom weights of nodes i-1..i+2 and their t-derivatives. */
  p->w[0] = 0.5 * (-t3 + 2 * t2 - t);
  p->w[1] = 0.5 * (3 * t3 - 5 * t2 + 2);
  p->w[2] = 0.5 * (-3 * t3 + 4 * t2 + t);
  p->w[3] = 0.5 * (t3 - t2);
  double k = dvc / m->grid_h;
  p->dw[0] = k * 0.5 * (-3 * t2 + 4 * t - 1);
  p->dw[1] = k * 0.5 * (9 * t2 - 10 * t);
  p->dw[2] = k * 0.5 * (-9 * t2 + 8 * t + 1);
  p->dw[3] = k * 0.5 * (3 * t2 - 2 * t);
  double a = 0, da = 0, lt = 0, dlt = 0;
  for (int q = 0; q < 4; q++)
    {
      int j = p->i + q;
      if (!s->table.ready[j])
        table_fill (m, s, w, j);
      a += p->w[q] * s->table.a[j];
      da += p->dw[q] * s->table.a[j];
      lt += p->w[q] * s->table.logtau[j];
      dlt += p->dw[q] * s->table.logtau[j];
    }
  double x = a >= 0.0 ? 1.0 / (1.0 + exp (-a)) : exp (a) / (1.0 + exp (a));
  p->sig = x * (1.0 - x);
  p->r.x_inf = x;
  p->r.dx_inf = p->sig * da;
  p->r.tau = exp (lt);
  p->r.dtau = p->r.tau * dlt;
}

void
nd_table_scatter (nd_model *m, int c, int g, const nd_table_point *p, double d_xinf, double d_tau)
{
  nd_gate_table *t = &m->channels[c].learned[g].table;
  double d_a = d_xinf * p->sig, d_lt = d_tau * p->r.tau;
  for (int q = 0; q < 4; q++)
    {
      t->ga[p->i + q] += p->w[q] * d_a;
      t->glogtau[p->i + q] += p->w[q] * d_lt;
    }
}

void
nd_table_backward (nd_model *m, double *grad)
{
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      if (ch->slot != ND_CHANNEL_LEARNED)
        continue;
      for (int g = 0; g < ch->n_gates; g++)
        {
          nd_learned_gate_slot *s = &ch->learned[g];
          const nd_param_block *blk = &m->blocks[s->block];
          const double *w = m->params + blk->offset;
          const size_t po = m->blocks[s->block_prior].offset;
          const double *pr = m->params + po;
          for (int j = 0; j < m->grid_n; j++)
            {
              if (s->table.ga[j] == 0.0 && s->table.glogtau[j] == 0.0)
                continue;
              if (grad)
                {
                  const double v = m->grid_lo + j * m->grid_h;
                  double in = nd_learned_gate_scale_v (v);
                  double ab[2], slope;
                  nd_mlp_forward (&s->net.shape, w, &in, ab, m->scratch);
                  nd_log_tau_bound (s->net.tau_bound, ab[1] + pr[ND_PRIOR_LOG_TAU], &slope);
                  double dout[2] = { s->table.ga[j], s->table.glogtau[j] * slope };
                  nd_mlp_backward (&s->net.shape, w, m->scratch, dout, grad + blk->offset, NULL);
                  grad[po + ND_PRIOR_SLOPE] += dout[0] * (v - pr[ND_PRIOR_V_HALF]);
                  grad[po + ND_PRIOR_V_HALF] -= dout[0] * pr[ND_PRIOR_SLOPE];
                  grad[po + ND_PRIOR_LOG_TAU] += dout[1];
                }
              s->table.ga[j] = s->table.glogtau[j] = 0.0;
            }
        }
    }
}

double
nd_model_v_shift (const nd_model *m, int c)
{
  int b = m->channels[c].block_vshift;
  return b >= 0 ? m->params[m->blocks[b].offset] : 0.0;
}

double
nd_model_inact_shift (const nd_model *m, int c)
{
  int b = m->channels[c].block_hshift;
  return b >= 0 ? m->params[m->blocks[b].offset] : 0.0;
}

double
nd_model_gate_v (const nd_model *m, int c, int g, double v)
{
  const nd_channel *ch = &m->channels[c];
  double vg = v - nd_model_v_shift (m, c);
  return ch->kind && ch->kind->gates[g].inactivation ? vg - nd_model_inact_shift (m, c) : vg;
}

void
nd_model_gate_rates (nd_model *m, int c, int g, double v, nd_gate_rates *out)
{
  nd_channel *ch = &m->channels[c];
  if (ch->slot == ND_CHANNEL_KNOWN)
    ch->kind->gates[g].rates (ch->kind->data, nd_model_gate_v (m, c, g, v), m->celsius, out);
  else
    {
      nd_table_point p;
      nd_table_lookup (m, c, g, v, &p);
      *out = p.r;
    }
}

void
nd_model_initial_state (nd_model *m, double *y)
{
  y[0] = m->v_init;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      if (ch->slot == ND_CHANNEL_FREE)
        {
          for (int i = 0; i < ch->n_latent; i++)
            y[ch->state_off + i] = m->params[m->blocks[ch->block_z0].offset + i];
          continue;
        }
      for (int g = 0; g < ch->n_gates; g++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, c, g, m->v_init, &r);
          y[ch->state_off + g] = r.x_inf;
        }
    }
}

double
nd_ipow (double x, int p)
{
  switch (p)
    {
    case 1: return x;
    case 2: return x * x;
    case 3: return x * x * x;
    case 4: { double x2 = x * x; return x2 * x2; }
    default:
      {
        double r = 1.0;
        for (int i = 0; i < p; i++)
          r *= x;
        return r;
      }
    }
}

void
nd_free_anchor_input (const nd_channel *ch, double *in)
{
  in[0] = (ch->v_anchor - ch->v_mean) / ch->v_std;
  for (int i = 0; i < ch->n_latent; i++)
    in[1 + i] = 0.0;
}

double
nd_free_current (nd_model *m, int c, double v, const double *z, double *dz, double *cache)
{
  nd_channel *ch = &m->channels[c];
  const double *w = m->params + m->blocks[ch->block_free].offset;
  double in[1 + ND_MAX_LATENTS], out[1 + ND_MAX_LATENTS];
  if (ch->anchored && !ch->anchor_ready)
    {
      nd_free_anchor_input (ch, in);
      nd_mlp_forward (&ch->free_shape, w, in, ch->anchor_out, NULL);
      ch->anchor_ready = true;
    }
  in[0] = (v - ch->v_mean) / ch->v_std;
  for (int i = 0; i < ch->n_latent; i++)
    in[1 + i] = (z[i] - ch->z_mean[i]) / ch->z_std[i];
  nd_mlp_forward (&ch->free_shape, w, in, out, cache);
  if (ch->anchored)
    for (int i = 0; i <= ch->n_latent; i++)
      out[i] -= ch->anchor_out[i];
  for (int i = 0; i < ch->n_latent; i++)
    dz[i] = out[1 + i] * ch->z_std[i] - (ch->z_leak_ms > 0.0 ? (z[i] - ch->z_mean[i]) / ch->z_leak_ms : 0.0);
  return out[0] * ch->i_scale;
}

double
nd_model_ionic_current (nd_model *m, const double *y)
{
  double v = y[0], total = 0.0;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      if (ch->slot == ND_CHANNEL_FREE)
        {
          double dz[ND_MAX_LATENTS];
          total += nd_free_current (m, c, v, y + ch->state_off, dz, NULL);
          continue;
        }
      double open = 1.0;
      for (int g = 0; g < ch->n_gates; g++)
        open *= nd_gate_pow (y[ch->state_off + g], nd_gate_power (m, ch, g));
      total += m->params[m->blocks[ch->block_gbar].offset] * open
               * (v - m->params[m->blocks[ch->block_e].offset]);
    }
  return total;
}

double
nd_model_balance_leak (nd_model *m, int c, double v_rest)
{
  if (c < 0 || c >= m->n_channels || m->channels[c].slot != ND_CHANNEL_KNOWN || m->channels[c].n_gates != 0)
    return NAN;
  const double g_leak = m->params[m->blocks[m->channels[c].block_gbar].offset];
  if (!(g_leak > 0.0) || !isfinite (v_rest))
    return NAN;
  /* Every other conductance's current at v_rest with its gates at steady state. */
  double others = 0.0;
  for (int k = 0; k < m->n_channels; k++)
    {
      nd_channel *ch = &m->channels[k];
      if (k == c || ch->slot == ND_CHANNEL_FREE)
        continue;
      double open = 1.0;
      for (int g = 0; g < ch->n_gates; g++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, k, g, v_rest, &r);
          open *= nd_gate_pow (r.x_inf, nd_gate_power (m, ch, g));
        }
      others += m->params[m->blocks[ch->block_gbar].offset] * open * (v_rest - m->params[m->blocks[ch->block_e].offset]);
    }
  nd_param_block *be = &m->blocks[m->channels[c].block_e];
  const double want = v_rest + others / g_leak;
  m->params[be->offset] = fmin (fmax (want, be->lo), be->hi);
  return fabs (want - m->params[be->offset]);
}

double
nd_model_gate_power (const nd_model *m, int c, int g)
{
  return nd_gate_power (m, &m->channels[c], g);
}
