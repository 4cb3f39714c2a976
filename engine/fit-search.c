/* fit-search.c: the CMA-ES search of fit-search.h.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit-search.h"

#include <stdatomic.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lanes.h"

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
  bool wide;      /* a learned current's reversal potential */
} x_slot;

typedef struct {
  int c, g;
  double sign;    /* of the slope: activation +, inactivation - */
  double v_half, slope, tau;
} boltzmann_gate;

/* What scoring one candidate changes, one per lane (lanes.h). */
typedef struct {
  boltzmann_gate *gates;
  double leak_miss;         /* mV the leak's bounds left it from the balance */
  gsl_vector *x;
} search_lane;

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
  double *best_params;      /* with the best gates' priors */
  nd_fit_control *ctl;
  int leak;                 /* leak whose reversal potential keeps the rest at v_init, or -1 */
  nd_lanes *lanes;          /* lane 0's model is m */
  search_lane *lane;
  void (*tick) (int evals, void *user);
  void *user;
} search;

/* The largest population of a CMA-ES run. */
#define CMA_MAX_LAMBDA 128

/* Kinetics the search may give a learned gate. */
#define V_HALF_LO (-100.0)
#define V_HALF_HI 40.0
#define SLOPE_LO 2.0
#define SLOPE_HI 40.0
#define TAU_LO 0.1
#define TAU_HI 3000.0

static void
gate_to_prior (nd_model *m, const boltzmann_gate *b)
{
  double *pr = nd_model_gate_prior (m, b->c, b->g);
  pr[ND_PRIOR_SLOPE] = 1.0 / b->slope;
  pr[ND_PRIOR_V_HALF] = b->v_half;
  pr[ND_PRIOR_LOG_TAU] = log (b->tau);
}

/* Sets lane model m to candidate xv. */
static void
apply (const search *s, search_lane *ln, nd_model *m, const gsl_vector *xv)
{
  for (int k = 0; k < s->n_x; k++)
    {
      const x_slot *x = &s->x[k];
      double v = gsl_vector_get (xv, k);
      switch (x->kind)
        {
        case X_PARAM:
          m->params[x->index] = fmin (fmax (v, x->lo), x->hi);
          break;
        case X_LOG_PARAM:
          m->params[x->index] = fmin (fmax (exp (v), x->lo), x->hi);
          break;
        case X_V_HALF:
          ln->gates[x->index].v_half = fmin (fmax (v, x->lo), x->hi);
          break;
        case X_LOG_SLOPE:
          ln->gates[x->index].slope = ln->gates[x->index].sign * fmin (fmax (exp (v), x->lo), x->hi);
          break;
        case X_LOG_TAU:
          ln->gates[x->index].tau = fmin (fmax (exp (v), x->lo), x->hi);
          break;
        }
    }
  for (int k = 0; k < s->n_gates; k++)
    gate_to_prior (m, &ln->gates[k]);
  nd_model_params_changed (m);
  if (s->leak >= 0)
    {
      double miss = nd_model_balance_leak (m, s->leak, m->v_init);
      ln->leak_miss = isfinite (miss) ? miss : 0.0;
      nd_model_params_changed (m);
    }
}

/* One generation's candidates, x = x0 + step (mean + sigma y_k), scored on the lanes. */
typedef struct {
  search *s;
  const gsl_vector *x0, *step;
  const double *mean, *y;
  double sigma;
  double *f;
  bool *scored;
  atomic_int n_scored;
} generation;

static void
candidate_x (const generation *g, int k, gsl_vector *x)
{
  const int n = g->s->n_x;
  for (int i = 0; i < n; i++)
    gsl_vector_set (x, i, gsl_vector_get (g->x0, i)
                          + gsl_vector_get (g->step, i) * (g->mean[i] + g->sigma * g->y[(size_t) k * n + i]));
}

static void
score_candidate (int k, nd_model *m, int lane, void *user)
{
  generation *g = user;
  search *s = g->s;
  search_lane *ln = &s->lane[lane];
  g->scored[k] = false;
  if (s->ctl && atomic_load (&s->ctl->cancel))
    return;
  candidate_x (g, k, ln->x);
  apply (s, ln, m, ln->x);
  double f = nd_fit_spike_score (m, s->sw, s->n, false);
  /* A model the leak cannot hold at the cell's rest (its reversal potential
   * would have to leave its range) pays as for a spike-count error per 5 mV. */
  if (ln->leak_miss > 0.0)
    f += ND_FIT_SPIKE_MV * ND_FIT_SPIKE_MV * (ln->leak_miss / 5.0) * (ln->leak_miss / 5.0);
  g->f[k] = f;
  g->scored[k] = true;
  int done = atomic_fetch_add (&g->n_scored, 1) + 1;
  /* Progress from the fit's own thread only. */
  if (lane == 0 && s->tick)
    s->tick (s->evals + done, s->user);
}

/* Scores the lambda candidates of a generation into f, then counts them in
 * order as one at a time would: the best so far keeps its parameters. A
 * candidate not scored (cancelled) gets a score worse than the best. */
static void
score_generation (search *s, const gsl_vector *x0, const gsl_vector *step, const double *mean, double sigma,
                  const double *y, int lambda, double *f)
{
  /* A pause holds the search between generations (11 to 128
   * simulations: 0.5-8 s of a real cell's search on two cores). */
  nd_fit_hold (s->ctl);
  bool scored[CMA_MAX_LAMBDA];
  generation g = { .s = s, .x0 = x0, .step = step, .mean = mean, .y = y, .sigma = sigma, .f = f,
                   .scored = scored };
  nd_lanes_run (s->lanes, lambda, score_candidate, &g);
  int best_k = -1;
  for (int k = 0; k < lambda; k++)
    {
      if (!scored[k])
        {
          f[k] = s->best + 1.0;
          continue;
        }
      s->evals++;
      if (!isfinite (f[k]))
        f[k] = 1e12;
      else if (f[k] < s->best)
        s->best = f[k], best_k = k;
    }
  if (best_k >= 0)
    {
      candidate_x (&g, best_k, s->lane[0].x);
      apply (s, &s->lane[0], s->m, s->lane[0].x);
      memcpy (s->best_params, s->m->params, s->m->n_params * sizeof *s->best_params);
    }
  if (s->tick)
    s->tick (s->evals, s->user);
}

static void
add_x (search *s, x_kind kind, size_t index, double lo, double hi)
{
  s->x[s->n_x++] = (x_slot) { .kind = kind, .index = index, .lo = lo, .hi = hi };
}

/* One run of CMA-ES (Hansen's (mu/mu_w, lambda) with rank-one and rank-mu
 * updates) in coordinates u = (x - x0) / step, from mean0 with sigma 1,
 * until it converges, stagnates or the budget ends. The best u seen is
 * kept in best_u (its score in *best_f). */
static void
cma_run (search *s, const gsl_vector *x0, const gsl_vector *step, const double *mean0, int lambda, gsl_rng *rng,
         double *best_u, double *best_f)
{
  const int n = s->n_x, mu = lambda / 2;
  double w[CMA_MAX_LAMBDA / 2], wsum = 0.0, w2 = 0.0;
  for (int i = 0; i < mu; i++)
    w[i] = log (mu + 0.5) - log (i + 1.0), wsum += w[i];
  for (int i = 0; i < mu; i++)
    w[i] /= wsum, w2 += w[i] * w[i];
  const double mueff = 1.0 / w2;
  const double cs = (mueff + 2.0) / (n + mueff + 5.0);
  const double ds = 1.0 + 2.0 * fmax (0.0, sqrt ((mueff - 1.0) / (n + 1.0)) - 1.0) + cs;
  const double cc = (4.0 + mueff / n) / (n + 4.0 + 2.0 * mueff / n);
  const double c1 = 2.0 / ((n + 1.3) * (n + 1.3) + mueff);
  const double cmu = fmin (1.0 - c1, 2.0 * (mueff - 2.0 + 1.0 / mueff) / ((n + 2.0) * (n + 2.0) + mueff));
  const double chin = sqrt ((double) n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
  double *mean = malloc (n * sizeof *mean), *ps = calloc (n, sizeof *ps), *pc = calloc (n, sizeof *pc);
  memcpy (mean, mean0, n * sizeof *mean);
  double *z = malloc ((size_t) lambda * n * sizeof *z), *y = malloc ((size_t) lambda * n * sizeof *y);
  double *f = malloc (lambda * sizeof *f), *yw = malloc (n * sizeof *yw), *tmp = malloc (n * sizeof *tmp);
  int *order = malloc (lambda * sizeof *order);
  gsl_matrix *C = gsl_matrix_alloc (n, n), *B = gsl_matrix_alloc (n, n), *E = gsl_matrix_alloc (n, n);
  gsl_vector *D = gsl_vector_alloc (n);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc (n);
  gsl_matrix_set_identity (C);
  gsl_matrix_set_identity (B);
  gsl_vector_set_all (D, 1.0);
  double sigma = 1.0, run_best = INFINITY;
  int since_better = 0;
  const int patience = 10 + (int) ceil (30.0 * n / lambda);
  for (int gen = 0; s->evals + lambda <= s->max_evals && !(s->ctl && atomic_load (&s->ctl->cancel)); gen++)
    {
      /* The generation's samples (the random stream drawn as before the
       * lanes), then their scores, then in order the best seen. */
      for (int k = 0; k < lambda; k++)
        {
          double *zk = z + (size_t) k * n, *yk = y + (size_t) k * n;
          for (int i = 0; i < n; i++)
            zk[i] = gsl_ran_gaussian (rng, 1.0);
          for (int i = 0; i < n; i++)
            {
              double acc = 0.0;
              for (int j = 0; j < n; j++)
                acc += gsl_matrix_get (B, i, j) * gsl_vector_get (D, j) * zk[j];
              yk[i] = acc;
            }
        }
      score_generation (s, x0, step, mean, sigma, y, lambda, f);
      for (int k = 0; k < lambda; k++)
        {
          const double *yk = y + (size_t) k * n;
          order[k] = k;
          if (f[k] < *best_f)
            {
              *best_f = f[k];
              for (int i = 0; i < n; i++)
                best_u[i] = mean[i] + sigma * yk[i];
            }
        }
      /* Ranks: an insertion sort of lambda (about 10) values. */
      for (int a = 1; a < lambda; a++)
        for (int b = a; b > 0 && f[order[b]] < f[order[b - 1]]; b--)
          {
            int t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
          }
      for (int i = 0; i < n; i++)
        {
          yw[i] = 0.0;
          for (int k = 0; k < mu; k++)
            yw[i] += w[k] * y[(size_t) order[k] * n + i];
          mean[i] += sigma * yw[i];
        }
      /* C^(-1/2) yw = B D^-1 B' yw. */
      for (int j = 0; j < n; j++)
        {
          double acc = 0.0;
          for (int i = 0; i < n; i++)
            acc += gsl_matrix_get (B, i, j) * yw[i];
          tmp[j] = acc / gsl_vector_get (D, j);
        }
      double psn = 0.0;
      for (int i = 0; i < n; i++)
        {
          double acc = 0.0;
          for (int j = 0; j < n; j++)
            acc += gsl_matrix_get (B, i, j) * tmp[j];
          ps[i] = (1.0 - cs) * ps[i] + sqrt (cs * (2.0 - cs) * mueff) * acc;
          psn += ps[i] * ps[i];
        }
      psn = sqrt (psn);
      const bool hs = psn / sqrt (1.0 - pow (1.0 - cs, 2.0 * (gen + 1))) < (1.4 + 2.0 / (n + 1.0)) * chin;
      for (int i = 0; i < n; i++)
        pc[i] = (1.0 - cc) * pc[i] + (hs ? sqrt (cc * (2.0 - cc) * mueff) * yw[i] : 0.0);
      for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
          {
            double rank_mu = 0.0;
            for (int k = 0; k < mu; k++)
              rank_mu += w[k] * y[(size_t) order[k] * n + i] * y[(size_t) order[k] * n + j];
            double c = (1.0 - c1 - cmu) * gsl_matrix_get (C, i, j)
                       + c1 * (pc[i] * pc[j] + (hs ? 0.0 : cc * (2.0 - cc) * gsl_matrix_get (C, i, j)))
                       + cmu * rank_mu;
            gsl_matrix_set (C, i, j, c);
            gsl_matrix_set (C, j, i, c);
          }
      sigma *= exp ((cs / ds) * (psn / chin - 1.0));
      sigma = fmin (sigma, 10.0);
      gsl_matrix_memcpy (E, C);
      gsl_eigen_symmv (E, D, B, ws);
      for (int i = 0; i < n; i++)
        gsl_vector_set (D, i, sqrt (fmax (gsl_vector_get (D, i), 1e-20)));
      if (sigma * gsl_vector_max (D) < 1e-4)
        break;
      /* Stagnation: no better sample for `patience` generations. */
      if (f[order[0]] < run_best - 1e-9 * fabs (run_best))
        run_best = f[order[0]], since_better = 0;
      else if (++since_better >= patience)
        break;
    }
  gsl_eigen_symmv_free (ws);
  gsl_matrix_free (C);
  gsl_matrix_free (B);
  gsl_matrix_free (E);
  gsl_vector_free (D);
  free (mean);
  free (ps);
  free (pc);
  free (z);
  free (y);
  free (f);
  free (yw);
  free (tmp);
  free (order);
}

/* CMA-ES with restarts: each run that converges or stagnates before the
 * budget ends is followed by one from the best point so far with twice the
 * population (a local IPOP scheme), which leaves local optima that one run
 * settles in. Ranks, not values, drive it, so the spike counts' plateaus and
 * jumps do not mislead it as they do a simplex. */
static void
run_cmaes (search *s, const gsl_vector *x0, const gsl_vector *step, uint64_t seed)
{
  const int n = s->n_x;
  double *mean = calloc (n, sizeof *mean), *best_u = calloc (n, sizeof *best_u), best_f = INFINITY;
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, (unsigned long) (seed * 2654435761u + 977u));
  int lambda = 4 + (int) floor (3.0 * log ((double) n));
  while (s->evals + lambda <= s->max_evals && !(s->ctl && atomic_load (&s->ctl->cancel)))
    {
      cma_run (s, x0, step, mean, lambda, rng, best_u, &best_f);
      memcpy (mean, best_u, n * sizeof *mean);
      lambda = lambda * 2 <= CMA_MAX_LAMBDA ? lambda * 2 : CMA_MAX_LAMBDA;
    }
  gsl_rng_free (rng);
  free (mean);
  free (best_u);
}

double
nd_fit_search_biophysics (nd_model *m, const nd_fit_sweep *sw, int n, int max_evals, uint64_t seed,
                          nd_lanes *lanes, nd_fit_control *ctl, void (*tick) (int evals, void *user), void *user)
{
  search s = { .m = m, .sw = sw, .n = n, .max_evals = max_evals, .ctl = ctl, .tick = tick, .user = user,
               .leak = -1, .lanes = lanes };
  int max_x = m->n_blocks + 3 * ND_MAX_LEARNED_GATES * m->n_channels;
  s.x = malloc (max_x * sizeof *s.x);
  s.gates = malloc ((ND_MAX_LEARNED_GATES * m->n_channels + 1) * sizeof *s.gates);
  s.best_params = malloc (m->n_params * sizeof *s.best_params);
  /* The model as given is the first candidate: the search never returns
   * anything worse. */
  memcpy (s.best_params, m->params, m->n_params * sizeof *s.best_params);
  s.best = nd_fit_spike_score (m, sw, n, false);
  if (!isfinite (s.best))
    s.best = 1e12;
  s.evals = 1;
  for (int b = 0; b < m->n_blocks; b++)
    {
      const nd_param_block *blk = &m->blocks[b];
      if (!blk->trainable || blk->count != 1)
        continue;
      if (blk->kind == ND_PARAM_GBAR)
        add_x (&s, X_LOG_PARAM, blk->offset, blk->lo, blk->hi);
      else if (blk->kind == ND_PARAM_E && s.leak < 0 && m->channels[blk->channel].slot == ND_CHANNEL_KNOWN
               && m->channels[blk->channel].n_gates == 0)
        /* A fitted leak's reversal potential is not searched: it keeps the
         * model at rest at v_init, the cell's resting potential (a search
         * left free to move it raised a cell's rest by 10 mV to make its
         * plateau fire, and missed every baseline). */
        s.leak = blk->channel;
      else if (blk->kind == ND_PARAM_E || blk->kind == ND_PARAM_VSHIFT || blk->kind == ND_PARAM_VSHIFT_INACT)
        {
          add_x (&s, X_PARAM, blk->offset, blk->lo, blk->hi);
          /* Wide: a learned current's reversal potential (K's or a cation's) and an inactivation offset
           * (190619B's plateau needed +25 mV, beyond a 5 mV step's reach). */
          s.x[s.n_x - 1].wide = (blk->kind == ND_PARAM_E && m->channels[blk->channel].slot == ND_CHANNEL_LEARNED)
                                || blk->kind == ND_PARAM_VSHIFT_INACT;
        }
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
          /* The gate is its prior alone while the search tries priors. */
          nd_model_gate_zero_output (m, c, g);
          int k = s.n_gates++;
          s.gates[k] = g == 0 ? (boltzmann_gate) { .c = c, .g = g, .sign = 1.0, .v_half = -40.0, .slope = 8.0, .tau = 50.0 }
                              : (boltzmann_gate) { .c = c, .g = g, .sign = -1.0, .v_half = -60.0, .slope = -6.0, .tau = 20.0 };
          add_x (&s, X_V_HALF, k, V_HALF_LO, V_HALF_HI);
          add_x (&s, X_LOG_SLOPE, k, SLOPE_LO, SLOPE_HI);
          add_x (&s, X_LOG_TAU, k, TAU_LO, TAU_HI);
        }
    }
  gsl_vector *x = gsl_vector_alloc (s.n_x > 0 ? s.n_x : 1), *step = gsl_vector_alloc (s.n_x > 0 ? s.n_x : 1);
  for (int k = 0; k < s.n_x; k++)
    {
      const x_slot *xs = &s.x[k];
      double v = 0.0, st = 5.0;   /* potentials: 5 mV */
      switch (xs->kind)
        {
        case X_PARAM:
          v = m->params[xs->index];
          /* A learned current's reversal potential may move from K's to a
           * cation's: its range in a few steps. */
          st = !xs->wide ? 5.0 : xs->hi - xs->lo > 100.0 ? 30.0 : 15.0;
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
  /* Each lane scores candidates with its own copy of the gates. */
  nd_lanes *own = lanes ? NULL : nd_lanes_new (m, 1);
  s.lanes = lanes ? lanes : own;
  const int n_lanes = nd_lanes_count (s.lanes);
  s.lane = malloc (n_lanes * sizeof *s.lane);
  for (int k = 0; k < n_lanes; k++)
    {
      s.lane[k].gates = malloc ((s.n_gates + 1) * sizeof *s.lane[k].gates);
      memcpy (s.lane[k].gates, s.gates, s.n_gates * sizeof *s.gates);
      s.lane[k].leak_miss = 0.0;
      s.lane[k].x = gsl_vector_alloc (s.n_x > 0 ? s.n_x : 1);
    }
  if (s.n_x > 0 && max_evals > 1)
    run_cmaes (&s, x, step, seed);
  for (int k = 0; k < n_lanes; k++)
    {
      free (s.lane[k].gates);
      gsl_vector_free (s.lane[k].x);
    }
  free (s.lane);
  nd_lanes_free (own);
  gsl_vector_free (x);
  gsl_vector_free (step);
  /* The best parameters hold the best gates' priors; from here on the
   * fit refines the priors with everything else. */
  memcpy (m->params, s.best_params, m->n_params * sizeof *m->params);
  for (int k = 0; k < s.n_gates; k++)
    m->blocks[m->channels[s.gates[k].c].learned[s.gates[k].g].block_prior].trainable = true;
  nd_model_params_changed (m);
  double best = s.best;
  free (s.x);
  free (s.gates);
  free (s.best_params);
  return best;
}
