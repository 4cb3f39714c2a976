/* integrator.c: the fixed-step scheme of integrator.h and its exact reverse.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * step_forward() and step_backward() take the same workspace: the backward
 * pass recomputes the step's intermediates from the stored state and then
 * runs the step's operations in reverse order.
 */
#include "integrator.h"
#include "model-private.h"
#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  double v, vn, D, sum_free;
  /* per state index */
  double *xinf, *tau, *dec, *dxinf, *dtau;
  nd_table_point *tp;
  /* per channel */
  double *open, *cond;
  double **free_cache;
  double **used_cache;          /* the cache step_forward last used, per channel */
  double *i_free;               /* each free current of the last step_forward (uA/cm2) */
  /* When free_out is set, run_samples writes free current free_c at every sample into it. */
  int free_c;
  double *free_out;
  /* Store of the free current's network passes over a segment (one free
   * current only): the forward pass records each step's cache and outputs,
   * the backward pass replays them instead of running the network again. */
  int store_c;                  /* its channel, or -1 */
  int store_mode;               /* 0 off, 1 record, 2 replay */
  size_t store_stride, store_cache_n, store_idx;
  double *store;
  /* The same for the known gates' rates (KSTORE_PER_GATE doubles per known
   * gate and step, or NULL): their exp and expm1 are most of a real cell's
   * step. kslot: each state's place among the known gates, or -1. */
  double *kstore;
  int *kslot, n_known;
  /* When set, run_samples writes the state at every sample j (before its
   * pull) to sample_states + j x n_state. */
  double *sample_states;
} step_ws;

#define KSTORE_PER_GATE 5

static void
ws_init (step_ws *w, const nd_model *m)
{
  memset (w, 0, sizeof *w);
  size_t ns = m->n_state;
  w->xinf = nd_calloc (5 * ns, sizeof (double));
  w->tau = w->xinf + ns;
  w->dec = w->tau + ns;
  w->dxinf = w->dec + ns;
  w->dtau = w->dxinf + ns;
  w->tp = nd_calloc (ns, sizeof *w->tp);
  w->kslot = nd_malloc (ns * sizeof *w->kslot);
  for (size_t i = 0; i < ns; i++)
    w->kslot[i] = -1;
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_KNOWN)
      for (int g = 0; g < m->channels[c].n_gates; g++)
        w->kslot[m->channels[c].state_off + g] = w->n_known++;
  w->open = nd_calloc (2 * (size_t) m->n_channels + 1, sizeof (double));
  w->cond = w->open + m->n_channels;
  w->free_cache = nd_calloc (m->n_channels + 1, sizeof *w->free_cache);
  w->used_cache = nd_calloc (m->n_channels + 1, sizeof *w->used_cache);
  w->i_free = nd_calloc (m->n_channels + 1, sizeof *w->i_free);
  w->store_c = -1;
  w->free_c = -1;
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_FREE)
      w->free_cache[c] = nd_calloc (nd_mlp_cache_size (&m->channels[c].free_shape), sizeof (double));
}

static void
ws_clear (step_ws *w, const nd_model *m)
{
  for (int c = 0; c < m->n_channels; c++)
    free (w->free_cache[c]);
  free (w->free_cache);
  free (w->used_cache);
  free (w->i_free);
  free (w->store);
  free (w->kstore);
  free (w->kslot);
  free (w->xinf);
  free (w->tp);
  free (w->open);
}

static size_t
ws_bytes (const nd_model *m)
{
  size_t b = 5 * m->n_state * sizeof (double) + m->n_state * (sizeof (nd_table_point) + sizeof (int))
             + (3 * m->n_channels + 2) * sizeof (double) + 2 * (m->n_channels + 1) * sizeof (double *);
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_FREE)
      b += nd_mlp_cache_size (&m->channels[c].free_shape) * sizeof (double);
  return b;
}

static inline double
param (const nd_model *m, int block)
{
  return m->params[m->blocks[block].offset];
}

static void
step_forward (nd_model *m, step_ws *w, const double *y, double dt, double i_inj, double *yn)
{
  const double v = y[0];
  double G = 0.0, GE = 0.0, sum_free = 0.0;
  w->v = v;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      const int off = ch->state_off;
      if (ch->slot == ND_CHANNEL_FREE)
        {
          double dz[ND_MAX_LATENTS], i_free;
          if (c == w->store_c && w->store_mode)
            {
              double *slot = w->store + w->store_idx * w->store_stride, *outv = slot + w->store_cache_n;
              if (w->store_mode == 2)
                {
                  i_free = outv[0];
                  memcpy (dz, outv + 1, ch->n_latent * sizeof *dz);
                }
              else
                {
                  i_free = nd_free_current (m, c, v, y + off, dz, slot);
                  outv[0] = i_free;
                  memcpy (outv + 1, dz, ch->n_latent * sizeof *dz);
                }
              w->used_cache[c] = slot;
            }
          else
            {
              i_free = nd_free_current (m, c, v, y + off, dz, w->free_cache[c]);
              w->used_cache[c] = w->free_cache[c];
            }
          for (int i = 0; i < ch->n_latent; i++)
            yn[off + i] = y[off + i] + dt * dz[i];
          w->i_free[c] = i_free;
          sum_free += i_free;
          continue;
        }
      double open = 1.0;
      const double vg = ch->block_vshift >= 0 ? v - param (m, ch->block_vshift) : v;
      const double vh = ch->block_hshift >= 0 ? vg - param (m, ch->block_hshift) : vg;
      for (int g = 0; g < ch->n_gates; g++)
        {
          const int s = off + g;
          double *ks = w->kstore && w->store_mode && w->kslot[s] >= 0
                         ? w->kstore + (w->store_idx * w->n_known + w->kslot[s]) * KSTORE_PER_GATE : NULL;
          if (ks && w->store_mode == 2)
            {
              w->xinf[s] = ks[0];
              w->tau[s] = ks[1];
              w->dxinf[s] = ks[2];
              w->dtau[s] = ks[3];
              w->dec[s] = ks[4];
            }
          else
            {
              nd_gate_rates r;
              if (ch->slot == ND_CHANNEL_KNOWN)
                ch->kind->gates[g].rates (ch->kind->data, ch->kind->gates[g].inactivation ? vh : vg, m->celsius,
                                          &r);
              else
                {
                  nd_table_lookup (m, c, g, v, &w->tp[s]);
                  r = w->tp[s].r;
                }
              w->xinf[s] = r.x_inf;
              w->tau[s] = r.tau;
              w->dxinf[s] = r.dx_inf;
              w->dtau[s] = r.dtau;
              w->dec[s] = r.tau > 0.0 ? exp (-dt / r.tau) : 0.0;
              if (ks)
                {
                  ks[0] = w->xinf[s];
                  ks[1] = w->tau[s];
                  ks[2] = w->dxinf[s];
                  ks[3] = w->dtau[s];
                  ks[4] = w->dec[s];
                }
            }
          const double xn = w->tau[s] > 0.0 ? w->xinf[s] + (y[s] - w->xinf[s]) * w->dec[s] : w->xinf[s];
          yn[s] = xn;
          open *= nd_gate_pow (xn, nd_gate_power (m, ch, g));
        }
      double gc = param (m, ch->block_gbar) * open;
      w->open[c] = open;
      w->cond[c] = gc;
      G += gc;
      GE += gc * param (m, ch->block_e);
    }
  w->D = m->cm / dt + G;
  w->sum_free = sum_free;
  w->vn = (m->cm / dt * v + i_inj + GE - sum_free) / w->D;
  yn[0] = w->vn;
}

/* lam_n: adjoint of the state after the step; lam: of the state before
 * (written, may not alias lam_n). grad += d/dparams. */
static void
step_backward (nd_model *m, step_ws *w, const double *y, const double *yn, double dt,
               const double *lam_n, double *lam, double *grad)
{
  const double lN = lam_n[0] / w->D;
  const double lD = -lam_n[0] * w->vn / w->D;
  lam[0] = lN * m->cm / dt;
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      const int off = ch->state_off;
      if (ch->slot == ND_CHANNEL_FREE)
        {
          double dout[1 + ND_MAX_LATENTS], din[1 + ND_MAX_LATENTS];
          dout[0] = -lN * ch->i_scale;
          for (int i = 0; i < ch->n_latent; i++)
            dout[1 + i] = lam_n[off + i] * dt * ch->z_std[i];
          const nd_param_block *blk = &m->blocks[ch->block_free];
          nd_mlp_backward (&ch->free_shape, m->params + blk->offset, w->used_cache[c], dout,
                           grad + blk->offset, din);
          if (ch->anchored)
            for (int i = 0; i <= ch->n_latent; i++)
              ch->anchor_gout[i] -= dout[i];
          lam[0] += din[0] / ch->v_std;
          const double keep = ch->z_leak_ms > 0.0 ? 1.0 - dt / ch->z_leak_ms : 1.0;
          for (int i = 0; i < ch->n_latent; i++)
            lam[off + i] = lam_n[off + i] * keep + din[1 + i] / ch->z_std[i];
          continue;
        }
      const double gbar = param (m, ch->block_gbar), e = param (m, ch->block_e);
      const double lg = lN * e + lD;
      grad[m->blocks[ch->block_e].offset] += lN * w->cond[c];
      grad[m->blocks[ch->block_gbar].offset] += lg * w->open[c];
      for (int g = 0; g < ch->n_gates; g++)
        {
          const int s = off + g;
          /* d open / d x'_g = p x'^(p-1) * prod of the other gates;
           * d open / d p = log(x') x'^p * the same product. */
          const double pw = nd_gate_power (m, ch, g);
          double others = 1.0;
          for (int q = 0; q < ch->n_gates; q++)
            if (q != g)
              others *= nd_gate_pow (yn[off + q], nd_gate_power (m, ch, q));
          double dopen = pw * nd_gate_pow (yn[s], pw - 1.0) * others;
          if (ch->slot == ND_CHANNEL_LEARNED && yn[s] > 0.0)
            grad[m->blocks[ch->learned[g].block_power].offset]
              += lg * gbar * log (yn[s]) * nd_gate_pow (yn[s], pw) * others;
          const double lxn = lam_n[s] + lg * gbar * dopen;
          double lxinf, ltau = 0.0;
          if (w->tau[s] > 0.0)
            {
              lam[s] = lxn * w->dec[s];
              lxinf = lxn * (1.0 - w->dec[s]);
              if (w->dec[s] > 0.0)
                ltau = lxn * (y[s] - w->xinf[s]) * w->dec[s] * dt / (w->tau[s] * w->tau[s]);
            }
          else
            {
              lam[s] = 0.0;
              lxinf = lxn;
            }
          const double lv = lxinf * w->dxinf[s] + ltau * w->dtau[s];
          lam[0] += lv;
          /* The gates see V - shift. */
          if (ch->block_vshift >= 0)
            grad[m->blocks[ch->block_vshift].offset] -= lv;
          if (ch->block_hshift >= 0 && ch->kind->gates[g].inactivation)
            grad[m->blocks[ch->block_hshift].offset] -= lv;
          if (ch->slot == ND_CHANNEL_LEARNED)
            nd_table_scatter (m, c, g, &w->tp[s], lxinf, ltau);
        }
    }
}

void
nd_step (nd_model *m, const double *y, double dt, double i_inj, double *y_next)
{
  step_ws w;
  ws_init (&w, m);
  double *tmp = nd_malloc (m->n_state * sizeof *tmp);
  step_forward (m, &w, y, dt, i_inj, tmp);
  memcpy (y_next, tmp, m->n_state * sizeof *tmp);
  free (tmp);
  ws_clear (&w, m);
}

static inline int
pulled (const nd_drive *d, size_t j)
{
  return d->v_force && !d->v_clamp && (d->force_every <= 1 || j % (size_t) d->force_every == 0);
}

/* Voltage clamp: where the trace starts (the first command), else v_init. */
static double
start_v (const nd_model *m, const nd_drive *d)
{
  return d->v_clamp ? d->v_clamp[0] : m->v_init;
}

/* The model's initial state: in voltage clamp the gates are at their
 * steady state at the first command (integrator.h). */
static void
initial_state (nd_model *m, const nd_drive *d, double *y)
{
  nd_model_initial_state (m, y);
  if (!d->v_clamp)
    return;
  y[0] = d->v_clamp[0];
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot != ND_CHANNEL_FREE)
      for (int g = 0; g < m->channels[c].n_gates; g++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, c, g, y[0], &r);
          y[m->channels[c].state_off + g] = r.x_inf;
        }
}

/* Reverse of the clamp current's dependence on the state y (at V = y[0],
 * the command): li = dL/dI is pushed into lam (the state's adjoint, +=)
 * and grad. */
static void
clamp_current_backward (nd_model *m, step_ws *w, const double *y, double li, double *lam, double *grad)
{
  const double v = y[0];
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      const int off = ch->state_off;
      if (ch->slot == ND_CHANNEL_FREE)
        {
          double dz[ND_MAX_LATENTS], dout[1 + ND_MAX_LATENTS] = { 0 }, din[1 + ND_MAX_LATENTS];
          const nd_param_block *blk = &m->blocks[ch->block_free];
          nd_free_current (m, c, v, y + off, dz, w->free_cache[c]);
          dout[0] = li * ch->i_scale;
          nd_mlp_backward (&ch->free_shape, m->params + blk->offset, w->free_cache[c], dout, grad + blk->offset,
                           din);
          if (ch->anchored)
            ch->anchor_gout[0] -= dout[0];
          for (int i = 0; i < ch->n_latent; i++)
            lam[off + i] += din[1 + i] / ch->z_std[i];
          continue;
        }
      const double gbar = param (m, ch->block_gbar), e = param (m, ch->block_e);
      double open = 1.0;
      for (int g = 0; g < ch->n_gates; g++)
        open *= nd_gate_pow (y[off + g], nd_gate_power (m, ch, g));
      grad[m->blocks[ch->block_gbar].offset] += li * open * (v - e);
      grad[m->blocks[ch->block_e].offset] -= li * gbar * open;
      const double lo = li * gbar * (v - e);   /* dL / d open */
      for (int g = 0; g < ch->n_gates; g++)
        {
          const int s = off + g;
          const double pw = nd_gate_power (m, ch, g);
          double others = 1.0;
          for (int q = 0; q < ch->n_gates; q++)
            if (q != g)
              others *= nd_gate_pow (y[off + q], nd_gate_power (m, ch, q));
          lam[s] += lo * pw * nd_gate_pow (y[s], pw - 1.0) * others;
          if (ch->slot == ND_CHANNEL_LEARNED && y[s] > 0.0)
            grad[m->blocks[ch->learned[g].block_power].offset] += lo * log (y[s]) * nd_gate_pow (y[s], pw) * others;
        }
    }
}

static int
aborted (const nd_drive *d)
{
  return d->abort && atomic_load_explicit (d->abort, memory_order_relaxed);
}

/* Integrates samples [j0, j1) from state y (state at sample j0, before the
 * pull), writing outputs and, when states is not NULL, the state before every
 * step. y holds the state at sample j1 on return. */
static void
run_samples (nd_model *m, step_ws *w, const nd_drive *d, size_t j0, size_t j1, double *y,
             double *tmp, double *v_out, double *states)
{
  const int ns = m->n_state;
  const double dt = d->dt_sample / d->n_sub;
  for (size_t j = j0; j < j1; j++)
    {
      if ((j & 63) == 0 && aborted (d))
        {
          for (size_t i = j; v_out && i < j1; i++)
            v_out[i] = NAN;
          for (int i = 0; i < ns; i++)
            y[i] = NAN;
          return;
        }
      if (d->v_clamp)
        {
          y[0] = d->v_clamp[j];
          if (v_out)
            v_out[j] = nd_model_ionic_current (m, y);
        }
      else if (v_out)
        v_out[j] = y[0];
      if (w->sample_states)
        memcpy (w->sample_states + j * ns, y, ns * sizeof *y);
      if (j + 1 == d->n)
        {
          /* The last sample takes no step: in voltage clamp its state is
           * kept in its first step's slot for the output's adjoint. */
          if (states)
            memcpy (states + (j - j0) * d->n_sub * ns, y, ns * sizeof *y);
          if (w->free_out)
            {
              double dz[ND_MAX_LATENTS];
              w->free_out[j] = nd_free_current (m, w->free_c, y[0], y + m->channels[w->free_c].state_off, dz, NULL);
            }
          break;
        }
      if (pulled (d, j))
        y[0] += d->force * (d->v_force[j] - y[0]);
      for (int s = 0; s < d->n_sub; s++)
        {
          if (states)
            memcpy (states + ((j - j0) * d->n_sub + s) * ns, y, ns * sizeof *y);
          w->store_idx = (j - j0) * d->n_sub + s;
          step_forward (m, w, y, dt, d->v_clamp ? 0.0 : d->i_inj[j], tmp);
          /* The sample's current is the one its first step used. */
          if (w->free_out && s == 0)
            w->free_out[j] = w->i_free[w->free_c];
          memcpy (y, tmp, ns * sizeof *y);
          if (d->v_clamp)
            y[0] = d->v_clamp[j];
        }
    }
}

/* Steps of the settling phase (model.h, settle_ms) at the drive's step. */
static size_t
settle_steps (const nd_model *m, const nd_drive *d)
{
  if (!(m->settle_ms > 0.0) || d->n < 1)
    return 0;
  double dt = d->dt_sample / d->n_sub, k = ceil (m->settle_ms / dt - 1e-9);
  return k < 1e7 ? (size_t) k : 10000000u;
}

/* The settling phase from the initial state in y; states (when not NULL)
 * receives the state before every step. In voltage clamp V stays at the
 * first command. */
static void
settle (nd_model *m, step_ws *w, const nd_drive *d, double *y, double *tmp, double *states)
{
  const size_t k = settle_steps (m, d);
  const double dt = d->dt_sample / d->n_sub;
  const int store = w->store_mode;
  w->store_mode = 0;
  for (size_t s = 0; s < k; s++)
    {
      if ((s & 4095) == 0 && aborted (d))
        break;
      if (states)
        memcpy (states + s * m->n_state, y, m->n_state * sizeof *y);
      step_forward (m, w, y, dt, d->v_clamp ? 0.0 : d->i_inj[0], tmp);
      memcpy (y, tmp, m->n_state * sizeof *y);
      if (d->v_clamp)
        y[0] = d->v_clamp[0];
    }
  w->store_mode = store;
}

/* The settling memo (model.h): for the parameters it was filled with, up
 * to SETTLE_MEMO_N settling runs, each the states before every step and
 * then the end state. A fit simulates several sweeps per set of parameters,
 * mostly under the same holding current, and its gradient ran the same
 * settling twice (forward, then again for the adjoint): on File_axon_5 the
 * settling was a fifth of the fit's time (perf). */
#define SETTLE_MEMO_N 4
#define SETTLE_MEMO_BUDGET (64u << 20)

typedef struct {
  bool valid;
  double i0, dt;
  size_t k;
  double *states;               /* (k + 1) x n_state */
} settle_entry;

/* One simulated sweep of the present parameters: its currents and the state
 * at every sample. A sweep whose currents begin as this one's did (the
 * holding current before a protocol's step) starts from it where they part. */
typedef struct {
  bool valid;
  double dt_sample;
  int n_sub;
  size_t k_settle, n;
  double *cur, *states;         /* n, n x n_state */
} sweep_entry;

struct nd_settle_memo {
  size_t n_params;
  int n_state;
  double *params;
  double v_init, celsius, cm;
  settle_entry e[SETTLE_MEMO_N];
  int next;
  sweep_entry sweep;
};

void
nd_model_settle_memo (nd_model *m, bool on)
{
  if (on && !m->settle_memo)
    m->settle_memo = nd_calloc (1, sizeof *m->settle_memo);
  else if (!on && m->settle_memo)
    {
      for (int i = 0; i < SETTLE_MEMO_N; i++)
        free (m->settle_memo->e[i].states);
      free (m->settle_memo->sweep.cur);
      free (m->settle_memo->sweep.states);
      free (m->settle_memo->params);
      free (m->settle_memo);
      m->settle_memo = NULL;
    }
}

/* Forgets the runs when anything they depend on, other than the drive,
 * changed: called once at the start of every simulation and gradient. */
static void
memo_check_model (struct nd_settle_memo *s, const nd_model *m)
{
  if (s->n_params == m->n_params && s->n_state == m->n_state && s->v_init == m->v_init
      && s->celsius == m->celsius && s->cm == m->cm
      && memcmp (s->params, m->params, m->n_params * sizeof *m->params) == 0)
    return;
  for (int i = 0; i < SETTLE_MEMO_N; i++)
    s->e[i].valid = false;
  s->sweep.valid = false;
  if (s->n_params != m->n_params)
    {
      free (s->params);
      s->params = nd_malloc (m->n_params * sizeof *s->params);
      s->n_params = m->n_params;
    }
  memcpy (s->params, m->params, m->n_params * sizeof *m->params);
  if (s->n_state != m->n_state)
    {
      for (int i = 0; i < SETTLE_MEMO_N; i++)
        {
          free (s->e[i].states);
          s->e[i].states = NULL;
        }
      free (s->sweep.states);
      s->sweep.states = NULL;
    }
  s->n_state = m->n_state;
  s->v_init = m->v_init;
  s->celsius = m->celsius;
  s->cm = m->cm;
}

/* The settling phase of drive d (k steps of dt) from the initial state in
 * y, leaving its end state in y: from the memo when it holds the run, else
 * run (and kept when there is room). Returns the states before every step,
 * or NULL when they were not kept (no memo, a clamp, or too long). */
static const double *
settle_memo (nd_model *m, step_ws *w, const nd_drive *d, double *y, double *tmp)
{
  struct nd_settle_memo *s = m->settle_memo;
  const size_t k = settle_steps (m, d);
  const double dt = d->dt_sample / d->n_sub;
  /* In voltage clamp the start depends on the command: not kept. */
  if (!s || d->v_clamp || k == 0 || (double) (k + 1) * m->n_state * sizeof (double) > SETTLE_MEMO_BUDGET)
    {
      settle (m, w, d, y, tmp, NULL);
      return NULL;
    }
  const double i0 = d->i_inj[0];
  for (int i = 0; i < SETTLE_MEMO_N; i++)
    {
      settle_entry *e = &s->e[i];
      if (e->valid && e->k == k && e->dt == dt && e->i0 == i0)
        {
          memcpy (y, e->states + k * m->n_state, m->n_state * sizeof *y);
          return e->states;
        }
    }
  settle_entry *e = &s->e[s->next];
  s->next = (s->next + 1) % SETTLE_MEMO_N;
  e->valid = false;
  /* The same length as before (a fit's next parameters): the same buffer. */
  if (!e->states || e->k != k)
    {
      free (e->states);
      e->states = malloc ((k + 1) * m->n_state * sizeof *e->states);
      e->k = k;
    }
  settle (m, w, d, y, tmp, e->states);
  /* A run cut short by a cancel is not the settling. */
  if (!e->states || aborted (d))
    return NULL;
  memcpy (e->states + k * m->n_state, y, m->n_state * sizeof *y);
  e->dt = dt;
  e->i0 = i0;
  e->valid = true;
  return e->states;
}

/* Where a free run of drive d may start from the memo's sweep: the first
 * sample whose current differs from the stored sweep's (the states up to it
 * are the same), at most the last sample; 0 when there is nothing to share.
 * Pulled or clamped runs, and runs that report a free current, are not shared. */
static size_t
sweep_shared (const nd_model *m, const nd_drive *d, int free_c)
{
  const struct nd_settle_memo *s = m->settle_memo;
  if (!s || !s->sweep.valid || d->v_clamp || d->v_force || free_c >= 0 || d->n < 2
      || s->sweep.dt_sample != d->dt_sample || s->sweep.n_sub != d->n_sub
      || s->sweep.k_settle != settle_steps (m, d))
    return 0;
  const size_t n = d->n < s->sweep.n ? d->n : s->sweep.n;
  size_t j = 0;
  while (j + 1 < n && memcmp (&d->i_inj[j], &s->sweep.cur[j], sizeof (double)) == 0)
    j++;
  return j;
}

/* Keeps the currents and states of the run about to be made (its states are
 * written by run_samples through w->sample_states). */
static void
sweep_keep (nd_model *m, step_ws *w, const nd_drive *d)
{
  struct nd_settle_memo *s = m->settle_memo;
  if ((double) d->n * (m->n_state + 1) * sizeof (double) > SETTLE_MEMO_BUDGET)
    return;
  sweep_entry *e = &s->sweep;
  e->valid = false;
  if (!e->cur || !e->states || e->n != d->n)
    {
      free (e->cur);
      free (e->states);
      e->cur = malloc (d->n * sizeof *e->cur);
      e->states = malloc (d->n * m->n_state * sizeof *e->states);
      e->n = d->n;
    }
  if (!e->cur || !e->states)
    return;
  memcpy (e->cur, d->i_inj, d->n * sizeof *e->cur);
  e->dt_sample = d->dt_sample;
  e->n_sub = d->n_sub;
  e->k_settle = settle_steps (m, d);
  w->sample_states = e->states;
}

static void
simulate (nd_model *m, const nd_drive *d, double *v_out, double *y_end, int free_c, double *i_free)
{
  step_ws w;
  ws_init (&w, m);
  w.free_c = free_c;
  w.free_out = i_free;
  double *y = nd_malloc (2 * m->n_state * sizeof *y);
  const int ns = m->n_state;
  if (m->settle_memo)
    memo_check_model (m->settle_memo, m);
  initial_state (m, d, y);
  settle_memo (m, &w, d, y, y + ns);
  /* Sweeps under the same holding current are the same until their
   * stimuli part: a memo's sweep gives that stretch (the same bits). */
  size_t j0 = 0;
  if (m->settle_memo)
    {
      j0 = sweep_shared (m, d, free_c);
      if (j0 > 0)
        {
          const sweep_entry *e = &m->settle_memo->sweep;
          memcpy (y, e->states + j0 * ns, ns * sizeof *y);
          for (size_t j = 0; v_out && j < j0; j++)
            v_out[j] = e->states[j * ns];
        }
      else if (!d->v_clamp && !d->v_force && free_c < 0 && !aborted (d))
        sweep_keep (m, &w, d);
    }
  run_samples (m, &w, d, j0, d->n, y, y + ns, v_out, NULL);
  /* A run cut short by a cancel is no sweep to share. */
  if (w.sample_states && !aborted (d))
    m->settle_memo->sweep.valid = true;
  if (y_end)
    memcpy (y_end, y, m->n_state * sizeof *y);
  free (y);
  ws_clear (&w, m);
}

void
nd_simulate (nd_model *m, const nd_drive *d, double *v_out, double *y_end)
{
  simulate (m, d, v_out, y_end, -1, NULL);
}

void
nd_simulate_free (nd_model *m, const nd_drive *d, int c, double *v_out, double *i_free)
{
  simulate (m, d, v_out, NULL, c, i_free);
}

/* Budget of the network-pass store of one segment (step_ws). */
#define STORE_BUDGET (32u << 20)

/* Doubles per step of the store for free channel c. */
static size_t
store_stride (const nd_model *m, int c)
{
  return nd_mlp_cache_size (&m->channels[c].free_shape) + 1 + (size_t) m->channels[c].n_latent;
}

/* The free channel whose passes a gradient over segments of k samples can
 * store within the budget, or -1 (none, several, or too long a segment). */
static int
store_channel (const nd_model *m, size_t k, int n_sub)
{
  int c_free = -1;
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_FREE)
      {
        if (c_free >= 0)
          return -1;
        c_free = c;
      }
  if (c_free < 0 || (double) k * n_sub * store_stride (m, c_free) * sizeof (double) > STORE_BUDGET)
    return -1;
  return c_free;
}

/* Bytes of the known gates' rate store for segments of k samples (0: none). */
static size_t
known_store_bytes (const nd_model *m, size_t k, int nsub)
{
  int known = 0;
  for (int c = 0; c < m->n_channels; c++)
    known += m->channels[c].slot == ND_CHANNEL_KNOWN ? m->channels[c].n_gates : 0;
  double bytes = (double) k * nsub * known * KSTORE_PER_GATE * sizeof (double);
  return bytes <= STORE_BUDGET ? (size_t) bytes : 0;
}

/* Samples per checkpoint segment: the whole trace when its states fit in
 * 64 MB, else about sqrt(n) (memory ~ 2 sqrt(n) states). */
static size_t
segment_len (const nd_model *m, size_t n, int n_sub)
{
  const size_t budget = 64u << 20;
  if ((double) n * n_sub * m->n_state * sizeof (double) <= budget)
    return n;
  size_t k = (size_t) ceil (sqrt ((double) n));
  return k < 1 ? 1 : k;
}

size_t
nd_loss_gradient_memory (const nd_model *m, size_t n, int n_sub)
{
  size_t k = segment_len (m, n, n_sub);
  size_t n_ck = (n + k - 1) / k;
  const int c_store = store_channel (m, k, n_sub);
  return sizeof (double) * (2 * n                               /* trace, dL/dV */
                            + n_ck * m->n_state                 /* checkpoints */
                            + k * n_sub * m->n_state            /* one segment's states */
                            + 4 * m->n_state)                   /* y, tmp, adjoints */
         + ws_bytes (m) + (c_store >= 0 ? k * n_sub * store_stride (m, c_store) * sizeof (double) : 0)
         + known_store_bytes (m, k, n_sub);
}

/* dL/dV_j of the loss at every sample into dl (n doubles); returns L. */
static double
loss_and_seed (const nd_loss_spec *spec, size_t n, double dt_sample, const double *v, double *dl)
{
  double wsum = 0.0, l = 0.0;
  for (size_t j = 0; j < n; j++)
    wsum += spec->weight ? spec->weight[j] : 1.0;
  if (dl)
    memset (dl, 0, n * sizeof *dl);
  if (!(wsum > 0.0))
    return 0.0;
  /* Voltage clamp: the current's error in units of i_unit. */
  const double *obs = spec->i_obs ? spec->i_obs : spec->v_obs;
  const double scale = spec->i_obs && spec->i_unit > 0.0 ? 1.0 / spec->i_unit : 1.0;
  for (size_t j = 0; j < n; j++)
    {
      double wj = spec->weight ? spec->weight[j] : 1.0, e = (v[j] - obs[j]) * scale;
      l += wj * e * e / wsum;
      if (dl)
        dl[j] += 2.0 * wj * e * scale / wsum;
    }
  if (spec->i_obs)
    return l;
  if (spec->dvdt_weight > 0.0 && n > 1)
    {
      double dsum = 0.0;
      for (size_t j = 0; j + 1 < n; j++)
        dsum += spec->weight ? spec->weight[j] * spec->weight[j + 1] : 1.0;
      if (dsum > 0.0)
        for (size_t j = 0; j + 1 < n; j++)
          {
            double wj = spec->weight ? spec->weight[j] * spec->weight[j + 1] : 1.0;
            double e = ((v[j + 1] - v[j]) - (spec->v_obs[j + 1] - spec->v_obs[j])) / dt_sample;
            double k = spec->dvdt_weight * wj / dsum;
            l += k * e * e;
            if (dl)
              {
                dl[j + 1] += 2.0 * k * e / dt_sample;
                dl[j] -= 2.0 * k * e / dt_sample;
              }
          }
    }
  if (spec->trace_loss)
    l += spec->trace_loss (v, n, dt_sample, dl, spec->trace_loss_user);
  return l;
}

double
nd_loss_value (const nd_loss_spec *spec, size_t n, double dt_sample, const double *v)
{
  return loss_and_seed (spec, n, dt_sample, v, NULL);
}

/* Anchored free currents subtract the network's output at the anchor: its
 * adjoint, summed over every step, goes through one pass there. */
static void
anchor_backward (nd_model *m, double *grad)
{
  for (int c = 0; c < m->n_channels; c++)
    {
      nd_channel *ch = &m->channels[c];
      if (ch->slot != ND_CHANNEL_FREE || !ch->anchored)
        continue;
      const nd_param_block *blk = &m->blocks[ch->block_free];
      double in[1 + ND_MAX_LATENTS], out[1 + ND_MAX_LATENTS];
      double *cache = nd_malloc (nd_mlp_cache_size (&ch->free_shape) * sizeof *cache);
      nd_free_anchor_input (ch, in);
      nd_mlp_forward (&ch->free_shape, m->params + blk->offset, in, out, cache);
      nd_mlp_backward (&ch->free_shape, m->params + blk->offset, cache, ch->anchor_gout, grad + blk->offset, NULL);
      free (cache);
    }
}

/* One gradient's shape and buffers: n samples of nsub steps each, the
 * forward states checkpointed every k samples (n_ck checkpoints), the
 * states of one segment in seg, and the adjoint lam (lam2 its next value). */
typedef struct {
  size_t n, k, n_ck;
  int ns, nsub;
  double dt;
  double *v, *dl, *ck, *seg, *y, *tmp, *lam, *lam2;
} grad_run;

static void
grad_run_init (grad_run *r, const nd_model *m, const nd_drive *d)
{
  r->n = d->n;
  r->ns = m->n_state;
  r->nsub = d->n_sub;
  r->dt = d->dt_sample / r->nsub;
  r->k = d->checkpoint_every ? d->checkpoint_every : segment_len (m, r->n, r->nsub);
  r->n_ck = (r->n + r->k - 1) / r->k;
  r->v = nd_malloc (2 * r->n * sizeof *r->v);
  r->dl = r->v + r->n;
  r->ck = nd_malloc (r->n_ck * r->ns * sizeof *r->ck);
  r->seg = nd_malloc (r->k * r->nsub * r->ns * sizeof *r->seg);
  r->y = nd_malloc (4 * r->ns * sizeof *r->y);
  r->tmp = r->y + r->ns;
  r->lam = r->tmp + r->ns;
  r->lam2 = r->lam + r->ns;
}

static void
grad_run_clear (grad_run *r)
{
  free (r->v);
  free (r->ck);
  free (r->seg);
  free (r->y);
}

/* With a gradient to take, the free current's passes are stored as they
 * run and replayed backwards (a third less network work per gradient);
 * without the memory for them they are simply run again. */
static void
store_free_passes (nd_model *m, step_ws *w, size_t k, int nsub)
{
  if ((w->store_c = store_channel (m, k, nsub)) < 0)
    return;
  w->store_stride = store_stride (m, w->store_c);
  w->store_cache_n = nd_mlp_cache_size (&m->channels[w->store_c].free_shape);
  w->store = malloc (k * nsub * w->store_stride * sizeof *w->store);
  if (!w->store)
    w->store_c = -1;
}

/* The known gates' rates of a segment, stored as the free passes are, when
 * the model has known gates and they fit in the budget. */
static void
store_known_rates (nd_model *m, step_ws *w, size_t k, int nsub)
{
  size_t bytes = known_store_bytes (m, k, nsub);
  if (bytes)
    w->kstore = malloc (bytes);
}

/* Forward: keep a checkpoint at the start of every segment (and, when the
 * whole trace is one segment, every state). */
static void
forward_checkpointed (nd_model *m, step_ws *w, const nd_drive *d, grad_run *r)
{
  initial_state (m, d, r->y);
  settle_memo (m, w, d, r->y, r->tmp);
  for (size_t c = 0; c < r->n_ck; c++)
    {
      size_t j0 = c * r->k, j1 = j0 + r->k < r->n ? j0 + r->k : r->n;
      memcpy (r->ck + c * r->ns, r->y, r->ns * sizeof *r->y);
      w->store_mode = r->n_ck == 1 && (w->store || w->kstore) ? 1 : 0;
      run_samples (m, w, d, j0, j1, r->y, r->tmp, r->v, r->n_ck == 1 ? r->seg : NULL);
    }
  w->store_mode = 0;
}

/* Back through the sub-steps from sample j to j + 1 (states of the
 * segment starting at sample j0), then the seed of sample j's own loss. */
static void
backward_sample (nd_model *m, step_ws *w, const nd_drive *d, grad_run *r, size_t j0, size_t j, double *grad)
{
  const int ns = r->ns, nsub = r->nsub;
  if (j + 1 < r->n)
    {
      for (int s = nsub; s-- > 0;)
        {
          const double *ys = r->seg + ((j - j0) * nsub + s) * ns;
          w->store_idx = (j - j0) * nsub + s;
          step_forward (m, w, ys, r->dt, d->v_clamp ? 0.0 : d->i_inj[j], r->tmp);
          step_backward (m, w, ys, r->tmp, r->dt, r->lam, r->lam2, grad);
          memcpy (r->lam, r->lam2, ns * sizeof *r->lam);
          /* In voltage clamp V before the step is the command. */
          if (d->v_clamp)
            r->lam[0] = 0.0;
        }
      if (pulled (d, j))
        r->lam[0] *= 1.0 - d->force;
    }
  if (d->v_clamp)
    clamp_current_backward (m, w, r->seg + (j - j0) * nsub * ns, r->dl[j], r->lam, grad);
  else
    r->lam[0] += r->dl[j];
}

/* Backward over the segments, last first; each segment's states are
 * recomputed from its checkpoint unless the trace was a single segment. */
static void
backward_segments (nd_model *m, step_ws *w, const nd_drive *d, grad_run *r, double *grad)
{
  memset (r->lam, 0, r->ns * sizeof *r->lam);
  for (int c = 0; c < m->n_channels; c++)
    memset (m->channels[c].anchor_gout, 0, sizeof m->channels[c].anchor_gout);
  for (size_t c = r->n_ck; c-- > 0;)
    {
      size_t j0 = c * r->k, j1 = j0 + r->k < r->n ? j0 + r->k : r->n;
      if (r->n_ck > 1)
        {
          memcpy (r->y, r->ck + c * r->ns, r->ns * sizeof *r->y);
          w->store_mode = w->store || w->kstore ? 1 : 0;
          run_samples (m, w, d, j0, j1, r->y, r->tmp, NULL, r->seg);
        }
      w->store_mode = w->store || w->kstore ? 2 : 0;
      for (size_t j = j1; j-- > j0;)
        backward_sample (m, w, d, r, j0, j, grad);
    }
}

/* Back through the settling phase, from its states recomputed. 0 when
 * there is no memory for them. */
static int
backward_settle (nd_model *m, step_ws *w, const nd_drive *d, grad_run *r, double *grad)
{
  const size_t n_settle = settle_steps (m, d);
  if (n_settle == 0)
    return 1;
  const int ns = r->ns;
  /* The forward run's states when the memo kept them, else run again. */
  initial_state (m, d, r->y);
  const double *kept = m->settle_memo ? settle_memo (m, w, d, r->y, r->tmp) : NULL;
  double *st = NULL;
  if (!kept)
    {
      st = nd_malloc (n_settle * ns * sizeof *st);
      if (!st)
        return 0;
      initial_state (m, d, r->y);
      settle (m, w, d, r->y, r->tmp, st);
      kept = st;
    }
  w->store_mode = 0;
  for (size_t s = n_settle; s-- > 0;)
    {
      step_forward (m, w, kept + s * ns, r->dt, d->v_clamp ? 0.0 : d->i_inj[0], r->tmp);
      step_backward (m, w, kept + s * ns, r->tmp, r->dt, r->lam, r->lam2, grad);
      memcpy (r->lam, r->lam2, ns * sizeof *r->lam);
      if (d->v_clamp)
        r->lam[0] = 0.0;
    }
  free (st);
  return 1;
}

/* The initial gates are x_inf(v_init) (in voltage clamp at the first
 * command): learned ones depend on the weights; free currents'
 * initial latents are parameters. lam is the adjoint of the initial state. */
static void
initial_state_backward (nd_model *m, const nd_drive *d, const double *lam, double *grad)
{
  const double v0 = start_v (m, d);
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_FREE && m->channels[c].block_z0 >= 0)
      for (int i = 0; i < m->channels[c].n_latent; i++)
        grad[m->blocks[m->channels[c].block_z0].offset + i] += lam[m->channels[c].state_off + i];
  /* Known gates start at x_inf(v_init - shift). */
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].block_vshift >= 0)
      for (int g = 0; g < m->channels[c].n_gates; g++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, c, g, v0, &r);
          grad[m->blocks[m->channels[c].block_vshift].offset] -= lam[m->channels[c].state_off + g] * r.dx_inf;
          if (m->channels[c].block_hshift >= 0 && m->channels[c].kind->gates[g].inactivation)
            grad[m->blocks[m->channels[c].block_hshift].offset] -= lam[m->channels[c].state_off + g] * r.dx_inf;
        }
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_LEARNED)
      for (int g = 0; g < m->channels[c].n_gates; g++)
        {
          nd_table_point p;
          nd_table_lookup (m, c, g, v0, &p);
          nd_table_scatter (m, c, g, &p, lam[m->channels[c].state_off + g], 0.0);
        }
}

/* The loss by a checkpointed forward run, then its gradient by the adjoint
 * run backwards: the samples, the settling phase, the initial state. */
double
nd_loss_gradient (nd_model *m, const nd_drive *d, const nd_loss_spec *spec,
                  double *v_out, double *grad)
{
  grad_run r;
  grad_run_init (&r, m, d);
  step_ws w;
  ws_init (&w, m);
  if (m->settle_memo)
    memo_check_model (m->settle_memo, m);
  if (grad)
    {
      store_free_passes (m, &w, r.k, r.nsub);
      store_known_rates (m, &w, r.k, r.nsub);
    }

  forward_checkpointed (m, &w, d, &r);
  double loss = loss_and_seed (spec, r.n, d->dt_sample, r.v, r.dl);
  if (v_out)
    memcpy (v_out, r.v, r.n * sizeof *r.v);
  int finite = isfinite (loss);
  for (size_t j = 0; j < r.n && finite; j++)
    finite = isfinite (r.v[j]);
  if (!finite)
    loss = NAN;

  if (grad && finite)
    {
      backward_segments (m, &w, d, &r, grad);
      if (!backward_settle (m, &w, d, &r, grad))
        loss = NAN;
      initial_state_backward (m, d, r.lam, grad);
      anchor_backward (m, grad);
      nd_table_backward (m, grad);
    }
  else
    nd_table_backward (m, NULL);
  grad_run_clear (&r);
  ws_clear (&w, m);
  return loss;
}

int
nd_substeps (double dt_sample, double max_dt, size_t n)
{
  if (!(max_dt >= ND_DT_MIN_MS && max_dt <= ND_DT_MAX_MS) || !(dt_sample > 0.0 && dt_sample <= ND_SAMPLE_DT_MAX_MS))
    return 0;
  /* Both are bounded now: the quotient is at most 1e7 and cannot overflow an int. */
  double sub = ceil (dt_sample / max_dt - 1e-9);
  if (sub < 1.0)
    sub = 1.0;
  if (sub * (double) (n > 1 ? n - 1 : 1) > ND_MAX_STEPS)
    return 0;
  return (int) sub;
}

size_t
nd_trace_unphysical (const double *v, size_t n)
{
  for (size_t j = 0; j < n; j++)
    if (!(fabs (v[j]) <= ND_V_PHYSICAL_MV))
      return j;
  return n;
}
