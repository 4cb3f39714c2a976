/* fit-search.c: the simplex search of fit-search.h.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit-search.h"

#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "curve-fit.h"

/* What one searched number is. */
typedef enum {
  X_PARAM,        /* params[index], linear */
  X_LOG_PARAM,    /* params[index], searched as its log (conductances) */
  X_V_HALF,       /* a learned gate's Boltzmann half-activation, mV */
  X_LOG_SLOPE,    /* log |slope| (mV), the gate's sign kept */
  X_LOG_TAU,      /* log tau (ms) */
} x_kind;

typedef struct {
  x_kind kind;
  size_t index;   /* params index, or the learned gate's number */
  double lo, hi;  /* bounds of the searched value */
} x_slot;

typedef struct {
  int c, g;
  double sign;    /* of the slope: activation +, inactivation - */
  double v_half, slope, tau;
} boltzmann_gate;

typedef struct {
  nd_model *m;
  const nd_fit_sweep *sw;
  int n;
  int n_x;
  x_slot *x;
  int n_gates;
  boltzmann_gate *gates;
  int evals, max_evals;
  double best;
  double *best_params;
  boltzmann_gate *best_gates;
  nd_fit_control *ctl;
} search;

/* Kinetics the search may give a learned gate. */
#define V_HALF_LO (-100.0)
#define V_HALF_HI 40.0
#define SLOPE_LO 2.0
#define SLOPE_HI 40.0
#define TAU_LO 0.1
#define TAU_HI 3000.0

static void
apply (search *s, const gsl_vector *xv)
{
  for (int k = 0; k < s->n_x; k++)
    {
      const x_slot *x = &s->x[k];
      double v = gsl_vector_get (xv, k);
      switch (x->kind)
        {
        case X_PARAM:
          s->m->params[x->index] = fmin (fmax (v, x->lo), x->hi);
          break;
        case X_LOG_PARAM:
          s->m->params[x->index] = fmin (fmax (exp (v), x->lo), x->hi);
          break;
        case X_V_HALF:
          s->gates[x->index].v_half = fmin (fmax (v, x->lo), x->hi);
          break;
        case X_LOG_SLOPE:
          s->gates[x->index].slope = s->gates[x->index].sign * fmin (fmax (exp (v), x->lo), x->hi);
          break;
        case X_LOG_TAU:
          s->gates[x->index].tau = fmin (fmax (exp (v), x->lo), x->hi);
          break;
        }
    }
  nd_model_params_changed (s->m);
  for (int k = 0; k < s->n_gates; k++)
    {
      const boltzmann_gate *b = &s->gates[k];
      nd_model_gate_boltzmann (s->m, b->c, b->g, b->v_half, b->slope, b->tau);
    }
}

static double
objective (const gsl_vector *x, void *user)
{
  search *s = user;
  if (s->evals >= s->max_evals || (s->ctl && atomic_load (&s->ctl->cancel)))
    return s->best + 1.0;   /* out of budget: the simplex only shrinks from here */
  apply (s, x);
  s->evals++;
  double f = nd_fit_spike_score (s->m, s->sw, s->n, false);
  if (!isfinite (f))
    return 1e12;
  if (f < s->best)
    {
      s->best = f;
      memcpy (s->best_params, s->m->params, s->m->n_params * sizeof *s->best_params);
      memcpy (s->best_gates, s->gates, s->n_gates * sizeof *s->gates);
    }
  return f;
}

static void
add_x (search *s, x_kind kind, size_t index, double lo, double hi)
{
  s->x[s->n_x++] = (x_slot) { .kind = kind, .index = index, .lo = lo, .hi = hi };
}

/* The learned gates' networks take the Boltzmann curves the search chose:
 * fitted to them from -100 to +60 mV (curve-fit.h). */
static void
networks_from_gates (nd_model *m, const boltzmann_gate *gates, int n_gates)
{
  enum { N = 81 };
  double v[N], xi[N], tau[N];
  for (int k = 0; k < n_gates; k++)
    {
      const boltzmann_gate *b = &gates[k];
      nd_learned_gate_slot *slot = &m->channels[b->c].learned[b->g];
      for (int i = 0; i < N; i++)
        {
          v[i] = -100.0 + 2.0 * i;
          xi[i] = 1.0 / (1.0 + exp (-(v[i] - b->v_half) / b->slope));
          tau[i] = b->tau;
        }
      nd_curve_fit_options o;
      nd_curve_fit_options_default (&o);
      o.n_ladder = 1;
      o.ladder[0] = slot->net;
      o.attempts = 2;
      o.target = 1e-4;
      const nd_param_block *blk = &m->blocks[slot->block];
      double *w = malloc (nd_curve_fit_max_params (&o) * sizeof *w);
      nd_curve_pair cp = { .n = N, .v = v, .x_inf = xi, .tau = tau };
      nd_curve_fit_result r;
      if (w && nd_curve_fit (&o, &cp, w, &r) == 0)
        memcpy (m->params + blk->offset, w, blk->count * sizeof *w);
      free (w);
    }
  nd_model_params_changed (m);
}

double
nd_fit_search_biophysics (nd_model *m, const nd_fit_sweep *sw, int n, int max_evals, nd_fit_control *ctl)
{
  search s = { .m = m, .sw = sw, .n = n, .max_evals = max_evals, .ctl = ctl };
  int max_x = m->n_blocks + 3 * ND_MAX_LEARNED_GATES * m->n_channels;
  s.x = malloc (max_x * sizeof *s.x);
  s.gates = malloc ((ND_MAX_LEARNED_GATES * m->n_channels + 1) * sizeof *s.gates);
  s.best_gates = malloc ((ND_MAX_LEARNED_GATES * m->n_channels + 1) * sizeof *s.gates);
  s.best_params = malloc (m->n_params * sizeof *s.best_params);
  memcpy (s.best_params, m->params, m->n_params * sizeof *s.best_params);
  for (int b = 0; b < m->n_blocks; b++)
    {
      const nd_param_block *blk = &m->blocks[b];
      if (!blk->trainable || blk->count != 1)
        continue;
      if (blk->kind == ND_PARAM_GBAR)
        add_x (&s, X_LOG_PARAM, blk->offset, blk->lo, blk->hi);
      else if (blk->kind == ND_PARAM_E || blk->kind == ND_PARAM_VSHIFT)
        add_x (&s, X_PARAM, blk->offset, blk->lo, blk->hi);
    }
  /* Learned gates with trainable networks: searched as Boltzmann gates (the
   * first activates, a second inactivates), a slow activation to start. */
  for (int c = 0; c < m->n_channels; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->slot != ND_CHANNEL_LEARNED)
        continue;
      for (int g = 0; g < ch->n_gates; g++)
        {
          if (!m->blocks[ch->learned[g].block].trainable)
            continue;
          int k = s.n_gates++;
          s.gates[k] = g == 0 ? (boltzmann_gate) { .c = c, .g = g, .sign = 1.0, .v_half = -40.0, .slope = 8.0, .tau = 50.0 }
                              : (boltzmann_gate) { .c = c, .g = g, .sign = -1.0, .v_half = -60.0, .slope = -6.0, .tau = 20.0 };
          add_x (&s, X_V_HALF, k, V_HALF_LO, V_HALF_HI);
          add_x (&s, X_LOG_SLOPE, k, SLOPE_LO, SLOPE_HI);
          add_x (&s, X_LOG_TAU, k, TAU_LO, TAU_HI);
        }
    }
  memcpy (s.best_gates, s.gates, s.n_gates * sizeof *s.gates);
  gsl_vector *x = gsl_vector_alloc (s.n_x > 0 ? s.n_x : 1), *step = gsl_vector_alloc (s.n_x > 0 ? s.n_x : 1);
  for (int k = 0; k < s.n_x; k++)
    {
      const x_slot *xs = &s.x[k];
      double v = 0.0, st = 5.0;   /* potentials: 5 mV */
      switch (xs->kind)
        {
        case X_PARAM:
          v = m->params[xs->index];
          break;
        case X_LOG_PARAM:
          /* A conductance at 0 starts at a thousandth of its upper bound. */
          v = log (fmax (m->params[xs->index], fmax (xs->lo, 1e-3 * xs->hi)));
          st = 0.7;   /* a factor 2 */
          break;
        case X_V_HALF:
          v = s.gates[xs->index].v_half;
          st = 10.0;
          break;
        case X_LOG_SLOPE:
          v = log (fabs (s.gates[xs->index].slope));
          st = 0.5;
          break;
        case X_LOG_TAU:
          v = log (s.gates[xs->index].tau);
          st = 1.0;
          break;
        }
      gsl_vector_set (x, k, v);
      gsl_vector_set (step, k, st);
    }
  if (s.n_x > 0)
    apply (&s, x);
  s.best = nd_fit_spike_score (m, sw, n, false);
  s.evals = 1;
  memcpy (s.best_params, m->params, m->n_params * sizeof *s.best_params);
  if (!isfinite (s.best))
    s.best = 1e12;
  if (s.n_x > 0 && max_evals > 1)
    {
      gsl_multimin_function f = { .f = objective, .n = (size_t) s.n_x, .params = &s };
      gsl_multimin_fminimizer *mz = gsl_multimin_fminimizer_alloc (gsl_multimin_fminimizer_nmsimplex2, s.n_x);
      gsl_multimin_fminimizer_set (mz, &f, x, step);
      while (s.evals < s.max_evals && !(ctl && atomic_load (&ctl->cancel)))
        {
          if (gsl_multimin_fminimizer_iterate (mz) != GSL_SUCCESS)
            break;
          if (gsl_multimin_fminimizer_size (mz) < 1e-3)
            break;
        }
      gsl_multimin_fminimizer_free (mz);
    }
  gsl_vector_free (x);
  gsl_vector_free (step);
  memcpy (m->params, s.best_params, m->n_params * sizeof *m->params);
  nd_model_params_changed (m);
  if (s.n_gates > 0)
    networks_from_gates (m, s.best_gates, s.n_gates);
  double best = s.best;
  free (s.x);
  free (s.gates);
  free (s.best_gates);
  free (s.best_params);
  return best;
}
