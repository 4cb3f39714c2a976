/* fit.c: the optimiser loop of fit.h.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fit.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "clamp.h"
#include "gate-band.h"
#include "lanes.h"
#include "learned-gate.h"
#include "model-private.h"
#include "fit-eta.h"
#include "fit-search.h"
#include "spikes.h"
#include "sweep-score.h"
#include "stats.h"

void
nd_fit_options_default (nd_fit_options *o)
{
  *o = (nd_fit_options) {
    .seed = 1,
    .iterations = 0,
    .n_stages = 3,
    .horizon = { 1, 1, 0 },
    .frac = { 0.4, 0.3, 0.3 },
    .force = { 1.0, 0.3, 0.0 },
    .lbfgs = { true, true, true },
    .lbfgs_memory = 10,
    .restarts = 0,
    .extra_restarts = 4,
    .polish_iterations = 800,
    .lr = 1e-2,
    .lr_bio = 1e-2,
    .weight_decay = 1e-5,
    .clip = 1.0,
    .dvdt_weight = 0.0,
    .smooth_ms = -1.0,
    .smoothness = 10.0,
    .init_scale = 1.0,
    .validate_every = 25,
    .progress_interval_s = 0.05,
    .spike_aware = ND_FIT_AUTO,
    .stats_window_ms = 20.0,
    .stats_weight = 1.0,
    .search_evals = ND_FIT_AUTO,
  };
}

double
nd_fit_auto_smooth_ms (double noise_sd_mV)
{
  /* Measured on the K experiment (8 seeds): 0.75 mV noise fits better
   * unsmoothed (5/8 vs 0/8 converged), 3.75-7.5 mV noise better smoothed
   * by 0.3 ms (4/8 and 3/8 vs about 0/8). */
  return noise_sd_mV < ND_FIT_SMOOTH_ABOVE_MV ? 0.0 : ND_FIT_AUTO_SMOOTH_MS;
}

void
nd_fit_result_clear (nd_fit_result *r)
{
  free (r->history_train);
  free (r->history_val);
  free (r->history_free);
  memset (r, 0, sizeof *r);
}

void
nd_fit_init_networks (nd_model *m, uint64_t seed, double scale)
{
  nd_model_init_networks (m, seed, scale);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, (unsigned long) (seed * 2654435761u + 12345u));
  for (int b = 0; b < m->n_blocks; b++)
    {
      const nd_param_block *blk = &m->blocks[b];
      const nd_channel *ch = &m->channels[blk->channel];
      const nd_mlp_shape *s;
      if (blk->kind == ND_PARAM_GATE_MLP)
        s = &ch->learned[blk->gate].net.shape;
      else if (blk->kind == ND_PARAM_FREE_MLP)
        s = &ch->free_shape;
      else
        continue;
      /* mlp.h layout: first layer W (width x n_in), then its bias. */
      double *bias = m->params + blk->offset + (size_t) s->width * s->n_in;
      for (int i = 0; i < s->width; i++)
        bias[i] = scale * (2.0 * gsl_rng_uniform (rng) - 1.0);
    }
  gsl_rng_free (rng);
  nd_model_params_changed (m);
}

/* A learned current of several gates is, as HH wrote its m^3 h, the product of an activation and
 * inactivations; the product a^p b^q is nearly unchanged when the networks swap their roles (a
 * inactivating as b^(1/p), b activating as a^p), so fits from different seeds named the same kinetics
 * differently (the A current fitted from current and voltage clamp, 4 fits per seed, all explaining the
 * data: on seed 1 every kept fit had the roles swapped, on seed 11 they mixed both namings and the band
 * spanned everything). A fit from scratch therefore starts such a gate without a prior of its own from a
 * gentle Boltzmann prior: the first gate activating, the others inactivating. With it the fits named
 * the gates alike on all three seeds tried; the networks add to the prior, so any shape can be learned. */
#define ORIENT_SLOPE_PER_MV 0.1
static void
orient_learned_gates (nd_model *m)
{
  for (int c = 0; c < m->n_channels; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->slot != ND_CHANNEL_LEARNED || ch->n_gates < 2)
        continue;
      for (int g = 0; g < ch->n_gates; g++)
        {
          double *pr = nd_model_gate_prior (m, c, g);
          if (pr[ND_PRIOR_SLOPE] != 0.0 || pr[ND_PRIOR_V_HALF] != 0.0 || pr[ND_PRIOR_LOG_TAU] != 0.0)
            continue;
          pr[ND_PRIOR_SLOPE] = g == 0 ? ORIENT_SLOPE_PER_MV : -ORIENT_SLOPE_PER_MV;
          pr[ND_PRIOR_V_HALF] = g == 0 ? -40.0 : -60.0;
          pr[ND_PRIOR_LOG_TAU] = log (g == 0 ? 1.0 : 5.0);
        }
    }
}

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Seconds this thread has been held by a pause (nd_fit_hold): each fit (an
 * ensemble's members too) runs on its own thread, and its search pauses on it. */
static _Thread_local double held_s;

static void
sleep_ms (int ms)
{
  struct timespec ts = { 0, ms * 1000000L };
  nanosleep (&ts, NULL);
}

/* What a free-running stage of a spike-aware fit compares, per training
 * sweep (fit.h, spike_aware): the MSE's weights without the recording's
 * spikes, and the recording's mean and s.d. of V in windows. */
typedef struct {
  double *w_sub;              /* weight with the spikes cut out */
  int n_win;
  size_t *start, *len;        /* samples of each window */
  double *mu, *sd;            /* the recording's statistics */
  double stats_weight;
} spike_view;

#define SD_FLOOR_MV 0.1   /* keeps d sd / dV finite in a flat window */

static void
spike_view_init (spike_view *sv, const nd_fit_sweep *sw, const nd_fit_options *opt)
{
  const size_t n = sw->drive.n;
  const double dt = sw->drive.dt_sample;
  memset (sv, 0, sizeof *sv);
  sv->stats_weight = opt->stats_weight;
  sv->w_sub = nd_malloc (n * sizeof *sv->w_sub);
  for (size_t j = 0; j < n; j++)
    sv->w_sub[j] = sw->weight ? sw->weight[j] : 1.0;
  if (sw->drive.v_clamp)
    return;   /* a clamp current has no spikes: its window as it is */
  size_t n_sp;
  nd_spike *sp = nd_spikes_find_all (sw->v_obs, n, dt, &n_sp);
  if (n_sp && !sp)
    {
      /* As every fit allocation: the spikes, or the end of the program with the size and place. */
      sp = nd_malloc (n_sp * sizeof *sp);
      nd_spikes_find (sw->v_obs, n, dt, NULL, sp, n_sp);
    }
  for (size_t k = 0; k < n_sp; k++)
    {
      double a = (sp[k].onset_ms - ND_SPIKE_CUT_BEFORE_MS) / dt, b = (sp[k].t_ms + ND_SPIKE_CUT_AFTER_MS) / dt;
      for (size_t j = a > 0 ? (size_t) a : 0; j < n && (double) j <= b; j++)
        sv->w_sub[j] = 0.0;
    }
  free (sp);
  /* Windows over the weighted part of the sweep. */
  size_t wl = (size_t) fmax (2.0, round (opt->stats_window_ms / dt));
  sv->start = nd_malloc ((n / wl + 2) * sizeof *sv->start);
  sv->len = nd_malloc ((n / wl + 2) * sizeof *sv->len);
  sv->mu = nd_malloc ((n / wl + 2) * sizeof *sv->mu);
  sv->sd = nd_malloc ((n / wl + 2) * sizeof *sv->sd);
  for (size_t a = 0; a < n; a += wl)
    {
      size_t b = a + wl < n ? a + wl : n, first = b, last = a;
      for (size_t j = a; j < b; j++)
        if (!sw->weight || sw->weight[j] > 0.0)
          {
            first = j < first ? j : first;
            last = j + 1;
          }
      if (last <= first + 1)
        continue;
      double s = 0.0, s2 = 0.0;
      for (size_t j = first; j < last; j++)
        s += sw->v_obs[j];
      double mu = s / (double) (last - first);
      for (size_t j = first; j < last; j++)
        s2 += (sw->v_obs[j] - mu) * (sw->v_obs[j] - mu);
      int k = sv->n_win++;
      sv->start[k] = first;
      sv->len[k] = last - first;
      sv->mu[k] = mu;
      sv->sd[k] = sqrt (s2 / (double) (last - first) + SD_FLOOR_MV * SD_FLOOR_MV);
    }
}

static void
spike_view_clear (spike_view *sv)
{
  free (sv->w_sub);
  free (sv->start);
  free (sv->len);
  free (sv->mu);
  free (sv->sd);
}

/* The window statistics' loss (nd_loss_spec.trace_loss). */
static double
window_stats_loss (const double *v, size_t n, double dt, double *dl, void *user)
{
  (void) n;
  (void) dt;
  const spike_view *sv = user;
  if (sv->n_win == 0)
    return 0.0;
  const double c = sv->stats_weight / sv->n_win;
  double l = 0.0;
  for (int k = 0; k < sv->n_win; k++)
    {
      const double *x = v + sv->start[k];
      const size_t len = sv->len[k];
      double s = 0.0, s2 = 0.0;
      for (size_t j = 0; j < len; j++)
        s += x[j];
      double mu = s / (double) len;
      for (size_t j = 0; j < len; j++)
        s2 += (x[j] - mu) * (x[j] - mu);
      double sd = sqrt (s2 / (double) len + SD_FLOOR_MV * SD_FLOOR_MV);
      double em = mu - sv->mu[k], es = sd - sv->sd[k];
      l += c * (em * em + es * es);
      if (dl)
        {
          double *d = dl + sv->start[k];
          for (size_t j = 0; j < len; j++)
            d[j] += c * (2.0 * em + 2.0 * es * (x[j] - mu) / sd) / (double) len;
        }
    }
  return l;
}

/* One sweep's loss, its gradient into g (zeroed first; NULL for none), the
 * trace pulled to the recording every `horizon` samples (0: free run); view
 * (or NULL) makes a free run spike-aware. */
static double
sweep_loss (nd_model *m, const nd_fit_sweep *sw, int horizon, double dvdt_weight, const spike_view *view, double *g)
{
  nd_drive d = sw->drive;
  if (g)
    memset (g, 0, m->n_params * sizeof *g);
  if (d.v_clamp)
    {
      /* Voltage clamp: the current, in every stage (fit.h). */
      nd_loss_spec spec = { .i_obs = sw->i_obs, .i_unit = sw->i_unit, .weight = sw->weight };
      d.v_force = NULL;
      return nd_loss_gradient (m, &d, &spec, NULL, g);
    }
  /* Forced stages pull towards (and fit) the smoothed recording, which the
   * caller passes in drive.v_force. */
  const double *target = horizon > 0 && sw->drive.v_force ? sw->drive.v_force : sw->v_obs;
  d.v_force = horizon > 0 ? target : NULL;
  d.force = horizon > 0 ? (sw->drive.force > 0.0 ? sw->drive.force : 1.0) : 0.0;
  d.force_every = horizon;
  nd_loss_spec spec = { .v_obs = target, .weight = sw->weight, .dvdt_weight = horizon > 0 ? 0.0 : dvdt_weight };
  if (view)
    {
      /* Forced stages fit the current balance below threshold; free
       * runs add the window statistics where the spikes went. */
      spec.weight = view->w_sub;
      if (horizon == 0)
        {
          spec.trace_loss = window_stats_loss;
          spec.trace_loss_user = (void *) view;
        }
    }
  return nd_loss_gradient (m, &d, &spec, NULL, g);
}

/* The sweeps of one loss on the lanes: each writes its own slots. */
typedef struct {
  const nd_fit_sweep *sw;
  int horizon;
  double dvdt_weight;
  const spike_view *views;
  double *loss;         /* [n] */
  double *grads;        /* [n * n_params], or NULL */
} sweeps_work;

static void
sweep_item (int k, nd_model *m, int lane, void *user)
{
  (void) lane;
  sweeps_work *w = user;
  w->loss[k] = sweep_loss (m, &w->sw[k], w->horizon, w->dvdt_weight, w->views ? &w->views[k] : NULL,
                           w->grads ? w->grads + (size_t) k * m->n_params : NULL);
}

/* Mean loss (and gradient, +=, averaged) over sweeps (sweep_loss); with
 * lanes (or NULL) the sweeps run side by side and are summed in their order,
 * as one after the other would be. tmp: n_params doubles, or NULL without grad. */
static double
sweeps_loss_views (nd_model *m, const nd_fit_sweep *sw, int n, int horizon, double dvdt_weight,
                   const spike_view *views, double *grad, double *tmp, nd_lanes *lanes)
{
  double total = 0.0;
  if (nd_lanes_count (lanes) > 1 && n > 1)
    {
      sweeps_work w = { sw, horizon, dvdt_weight, views, nd_malloc (n * sizeof (double)),
                        grad ? nd_malloc ((size_t) n * m->n_params * sizeof (double)) : NULL };
      nd_lanes_run (lanes, n, sweep_item, &w);
      for (int k = 0; k < n; k++)
        {
          total += w.loss[k] / n;
          for (size_t i = 0; grad && i < m->n_params; i++)
            grad[i] += w.grads[(size_t) k * m->n_params + i] / n;
        }
      free (w.loss);
      free (w.grads);
      return total;
    }
  for (int k = 0; k < n; k++)
    {
      total += sweep_loss (m, &sw[k], horizon, dvdt_weight, views ? &views[k] : NULL, grad ? tmp : NULL) / n;
      for (size_t i = 0; grad && i < m->n_params; i++)
        grad[i] += tmp[i] / n;
    }
  return total;
}

static double
sweeps_loss (nd_model *m, const nd_fit_sweep *sw, int n, int horizon, double dvdt_weight, double *grad,
             double *tmp)
{
  return sweeps_loss_views (m, sw, n, horizon, dvdt_weight, NULL, grad, tmp, NULL);
}

/* One sweep's spike-aware score; *bad when the model's trace is not finite. */
static double
sweep_spike_score (nd_model *m, const nd_fit_sweep *sw, bool *bad)
{
  *bad = false;
  if (sw->drive.v_clamp)
    {
      /* A clamp current has no spikes: its loss, as in the fit. */
      double s = sweep_loss (m, sw, 0, 0.0, NULL, NULL);
      *bad = !isfinite (s);
      return s;
    }
  nd_sweep_score sc;
  nd_sweep_score_model (m, sw, NULL, &sc);
  if (!isfinite (sc.rmse_mV))
    {
      *bad = true;
      return NAN;
    }
  double sub = isfinite (sc.subthreshold_rmse_mV) ? sc.subthreshold_rmse_mV : sc.rmse_mV;
  double e = nd_spike_count_error (sc.spikes_recorded, sc.spikes_model);
  /* A silent model where the cell fires: how far it stays below the
   * cell's threshold, so that among silent models the one nearer to
   * firing ranks better (else a search sees a plateau). */
  if (sc.spikes_model == 0 && sc.spikes_recorded > 0 && isfinite (sc.v_max_model_mV))
    e += fmax (0.0, sc.v_onset_recorded_mV - sc.v_max_model_mV) / ND_FIT_SILENT_MV;
  return sub * sub + ND_FIT_SPIKE_MV * ND_FIT_SPIKE_MV * e * e;
}

typedef struct {
  const nd_fit_sweep *sw;
  double *score;
  bool *bad;
  bool spikes;          /* spike-aware scores, else free-running losses */
} scores_work;

static void
score_item (int k, nd_model *m, int lane, void *user)
{
  (void) lane;
  scores_work *w = user;
  w->bad[k] = false;
  w->score[k] = w->spikes ? sweep_spike_score (m, &w->sw[k], &w->bad[k]) : sweep_loss (m, &w->sw[k], 0, 0.0, NULL, NULL);
}

/* Every sweep's score (spike-aware or the free-running loss), on the lanes (or NULL). */
static void
sweep_scores (nd_model *m, const nd_fit_sweep *sw, int n, bool spikes, nd_lanes *lanes, double *score, bool *bad)
{
  scores_work w = { sw, score, bad, spikes };
  if (nd_lanes_count (lanes) > 1 && n > 1)
    nd_lanes_run (lanes, n, score_item, &w);
  else
    for (int k = 0; k < n; k++)
      score_item (k, m, 0, &w);
}

static double
spike_score_lanes (nd_model *m, const nd_fit_sweep *sw, int n, bool worst, nd_lanes *lanes)
{
  double *score = nd_malloc ((n > 0 ? n : 1) * sizeof *score);
  bool *bad = nd_malloc ((n > 0 ? n : 1) * sizeof *bad);
  sweep_scores (m, sw, n, true, lanes, score, bad);
  double total = 0.0, w = -INFINITY;
  for (int k = 0; k < n; k++)
    {
      if (bad[k])
        {
          total = w = NAN;
          break;
        }
      total += score[k] / n;
      w = fmax (w, score[k]);
    }
  free (score);
  free (bad);
  return worst ? w : total;
}

double
nd_fit_spike_score (nd_model *m, const nd_fit_sweep *sw, int n, bool worst)
{
  return spike_score_lanes (m, sw, n, worst, NULL);
}

/* Free-running validation loss: the mean over the sweeps, or with
 * val_worst the largest. */
static double
validation_loss (nd_model *m, const nd_fit_sweep *sw, int n, bool worst, bool spikes, double *tmp, nd_lanes *lanes)
{
  if (spikes)
    return spike_score_lanes (m, sw, n, worst, lanes);
  if (!worst)
    return sweeps_loss_views (m, sw, n, 0, 0.0, NULL, NULL, tmp, lanes);
  double *score = nd_malloc ((n > 0 ? n : 1) * sizeof *score);
  bool *bad = nd_malloc ((n > 0 ? n : 1) * sizeof *bad);
  sweep_scores (m, sw, n, false, lanes, score, bad);
  double w = n > 0 ? -INFINITY : NAN;
  for (int k = 0; k < n; k++)
    {
      w = isnan (score[k]) ? score[k] : fmax (w, score[k]);
      if (isnan (w))
        break;
    }
  free (score);
  free (bad);
  return w;
}

typedef struct {
  nd_model *m;
  const nd_fit_options *opt;
  nd_fit_progress_fn fn;
  void *user;
  double last_time;
  int n_gates;
  char **labels;
  double *x_inf, *tau;
  double *trace, *trace_free;
  int free_channel;             /* first free learned current, or -1 */
  const nd_fit_sweep *sweep0;
} progress_state;

static void
progress_init (progress_state *ps, nd_model *m, const nd_fit_options *opt, nd_fit_progress_fn fn,
               void *user, const nd_fit_sweep *sweep0)
{
  memset (ps, 0, sizeof *ps);
  ps->m = m;
  ps->opt = opt;
  ps->fn = fn;
  ps->user = user;
  ps->sweep0 = sweep0;
  ps->last_time = -1e9;
  if (!fn)
    return;
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_LEARNED)
      ps->n_gates += m->channels[c].n_gates;
  ps->labels = nd_calloc (ps->n_gates + 1, sizeof *ps->labels);
  ps->x_inf = nd_calloc ((size_t) ps->n_gates * ND_FIT_CURVE_POINTS + 1, sizeof (double));
  ps->tau = nd_calloc ((size_t) ps->n_gates * ND_FIT_CURVE_POINTS + 1, sizeof (double));
  ps->trace = nd_calloc (sweep0->drive.n, sizeof (double));
  ps->free_channel = -1;
  for (int c = m->n_channels; c-- > 0;)
    if (m->channels[c].slot == ND_CHANNEL_FREE)
      ps->free_channel = c;
  if (ps->free_channel >= 0)
    ps->trace_free = nd_calloc (sweep0->drive.n, sizeof (double));
  int k = 0;
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_LEARNED)
      for (int g = 0; g < m->channels[c].n_gates; g++, k++)
        {
          size_t len = strlen (m->channels[c].name) + strlen (m->channels[c].learned[g].name) + 2;
          ps->labels[k] = nd_malloc (len);
          snprintf (ps->labels[k], len, "%s.%s", m->channels[c].name, m->channels[c].learned[g].name);
        }
}

static void
progress_clear (progress_state *ps)
{
  for (int k = 0; k < ps->n_gates; k++)
    free (ps->labels[k]);
  free (ps->labels);
  free (ps->x_inf);
  free (ps->tau);
  free (ps->trace);
  free (ps->trace_free);
}

static void
progress_emit (progress_state *ps, nd_fit_progress *p, bool force_emit)
{
  if (!ps->fn)
    return;
  double t = now_s ();
  if (!force_emit && t - ps->last_time < ps->opt->progress_interval_s)
    return;
  ps->last_time = t;
  nd_model *m = ps->m;
  int k = 0;
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_LEARNED)
      for (int g = 0; g < m->channels[c].n_gates; g++, k++)
        for (int i = 0; i < ND_FIT_CURVE_POINTS; i++)
          {
            nd_gate_rates r;
            nd_model_gate_rates (m, c, g, -100.0 + i, &r);
            ps->x_inf[k * ND_FIT_CURVE_POINTS + i] = r.x_inf;
            ps->tau[k * ND_FIT_CURVE_POINTS + i] = r.tau;
          }
  if (ps->free_channel >= 0)
    nd_simulate_free (m, &ps->sweep0->drive, ps->free_channel, ps->trace, ps->trace_free);
  else
    nd_simulate (m, &ps->sweep0->drive, ps->trace, NULL);
  p->trace_free = ps->trace_free;
  p->n_gates = ps->n_gates;
  p->gate_labels = (const char *const *) ps->labels;
  p->x_inf = ps->x_inf;
  p->tau = ps->tau;
  p->trace_n = ps->sweep0->drive.n;
  p->trace_v = ps->trace;
  p->trace_current = ps->sweep0->drive.v_clamp != NULL;
  p->trace_obs = p->trace_current ? ps->sweep0->i_obs : ps->sweep0->v_obs;
  p->trace_dt = ps->sweep0->drive.dt_sample;
  ps->fn (p, ps->user);
  /* The interval counts from the end of the last callback, so the
   * receiver sees at most one call per interval however long the
   * snapshot took. */
  ps->last_time = now_s ();
}

/* Progress of the biophysical search: three simulations make one unit of
 * done/total (a count; the time left prices them, fit-eta.h). */
#define SEARCH_EVALS_PER_UNIT 3
struct fit_run;
static void eta_search (struct fit_run *f, int evals);

typedef struct {
  struct fit_run *f;
  progress_state *ps;
  nd_fit_progress *p;
  int done0;
} search_tick_state;

static void
search_tick (int evals, void *user)
{
  search_tick_state *st = user;
  st->p->search_done = evals;
  st->p->done = st->done0 + evals / SEARCH_EVALS_PER_UNIT;
  eta_search (st->f, evals);
  progress_emit (st->ps, st->p, false);
}

/* L-BFGS with Armijo backtracking over the parameters whose lr is non-zero. */
typedef struct {
  size_t n;
  int mem, count, head;
  double *s, *y, *rho, *alpha;
  double *x, *g, *d, *gn;
  double f;
  bool have;
  int fails;                /* iterations in a row without an acceptable step */
  long evals;               /* gradients evaluated since lbfgs_init */
} lbfgs_state;

static void
lbfgs_init (lbfgs_state *l, size_t n, int mem)
{
  memset (l, 0, sizeof *l);
  l->n = n;
  l->mem = mem;
  l->s = nd_calloc ((size_t) mem * n, sizeof (double));
  l->y = nd_calloc ((size_t) mem * n, sizeof (double));
  l->rho = nd_calloc (mem, sizeof (double));
  l->alpha = nd_calloc (mem, sizeof (double));
  l->x = nd_calloc (n, sizeof (double));
  l->g = nd_calloc (n, sizeof (double));
  l->d = nd_calloc (n, sizeof (double));
  l->gn = nd_calloc (n, sizeof (double));
}

static void
lbfgs_clear (lbfgs_state *l)
{
  free (l->s);
  free (l->y);
  free (l->rho);
  free (l->alpha);
  free (l->x);
  free (l->g);
  free (l->d);
  free (l->gn);
}

static void
lbfgs_reset (lbfgs_state *l)
{
  l->count = l->head = 0;
  l->have = false;
  l->fails = 0;
}

static double
dot_masked (const double *a, const double *b, const double *mask, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    if (mask[i] > 0.0)
      s += a[i] * b[i];
  return s;
}

/* What a stage minimises: the loss over its sweeps at its forcing horizon,
 * plus the smoothness prior (objective). */
typedef struct {
  const nd_fit_sweep *sw;
  int n;
  int horizon;
  double dvdt_weight;
  const spike_view *views;     /* or NULL */
  double lambda;
  nd_lanes *lanes;             /* or NULL */
} stage_objective;

static double objective (nd_model *m, const stage_objective *o, double *grad, double *tmp);

/* The search direction d = -H g by the two-loop recursion (steepest descent
 * when that is not downhill); returns the slope g.d. */
static double
lbfgs_direction (lbfgs_state *l, const double *mask)
{
  const size_t n = l->n;
  for (size_t i = 0; i < n; i++)
    l->d[i] = -l->g[i];
  for (int k = 0; k < l->count; k++)
    {
      int j = (l->head - 1 - k + l->mem) % l->mem;
      l->alpha[j] = l->rho[j] * dot_masked (l->s + j * n, l->d, mask, n);
      for (size_t i = 0; i < n; i++)
        l->d[i] -= l->alpha[j] * l->y[j * n + i];
    }
  if (l->count > 0)
    {
      int j = (l->head - 1 + l->mem) % l->mem;
      double gamma = 1.0 / (l->rho[j] * dot_masked (l->y + j * n, l->y + j * n, mask, n));
      for (size_t i = 0; i < n; i++)
        l->d[i] *= gamma;
    }
  for (int k = l->count - 1; k >= 0; k--)
    {
      int j = (l->head - 1 - k + l->mem) % l->mem;
      double beta = l->rho[j] * dot_masked (l->y + j * n, l->d, mask, n);
      for (size_t i = 0; i < n; i++)
        l->d[i] += (l->alpha[j] - beta) * l->s[j * n + i];
    }
  double gd = dot_masked (l->g, l->d, mask, n);
  if (!(gd < 0.0))
    {
      for (size_t i = 0; i < n; i++)
        l->d[i] = -l->g[i];
      gd = -dot_masked (l->g, l->g, mask, n);
      l->count = l->head = 0;
    }
  return gd;
}

/* Keeps the step s = x_new - x and the gradient change y of an accepted
 * step when their curvature is positive. */
static void
lbfgs_remember (lbfgs_state *l, const nd_model *m, const double *mask)
{
  const size_t n = l->n;
  double *sj = l->s + (size_t) l->head * n, *yj = l->y + (size_t) l->head * n;
  for (size_t i = 0; i < n; i++)
    {
      sj[i] = m->params[i] - l->x[i];
      yj[i] = l->gn[i] - l->g[i];
    }
  double sy = dot_masked (sj, yj, mask, n);
  if (sy > 1e-12 * sqrt (dot_masked (sj, sj, mask, n) * dot_masked (yj, yj, mask, n)))
    {
      l->rho[l->head] = 1.0 / sy;
      l->head = (l->head + 1) % l->mem;
      if (l->count < l->mem)
        l->count++;
    }
}

/* One L-BFGS iteration; returns the loss at the (possibly unchanged) point. */
static double
lbfgs_iterate (lbfgs_state *l, nd_model *m, const double *mask, const stage_objective *o, double *tmp,
               int *rejected)
{
  const size_t n = l->n;
  if (!l->have)
    {
      memset (l->g, 0, n * sizeof (double));
      l->f = objective (m, o, l->g, tmp);
      l->evals++;
      for (size_t i = 0; i < n; i++)
        if (!(mask[i] > 0.0))
          l->g[i] = 0.0;
      if (!isfinite (l->f))
        return l->f;
      l->have = true;
    }
  const double gd = lbfgs_direction (l, mask);
  double a = 1.0;
  if (l->count == 0)
    {
      /* First step: move the largest parameter by at most 0.01. */
      double dmax = 0.0;
      for (size_t i = 0; i < n; i++)
        dmax = fmax (dmax, fabs (l->d[i]));
      a = dmax > 0.0 ? fmin (1.0, 0.01 / dmax) : 0.0;
    }
  memcpy (l->x, m->params, n * sizeof (double));
  /* Each try costs a gradient: after 12 (a step 5e-7 of the first) the
   * direction is useless. */
  for (int tries = 0; tries < 12 && a > 0.0; tries++, a *= 0.3)
    {
      for (size_t i = 0; i < n; i++)
        m->params[i] = l->x[i] + (mask[i] > 0.0 ? a * l->d[i] : 0.0);
      nd_model_clamp (m);
      nd_model_params_changed (m);
      memset (l->gn, 0, n * sizeof (double));
      double fn = objective (m, o, l->gn, tmp);
      l->evals++;
      for (size_t i = 0; i < n; i++)
        if (!(mask[i] > 0.0))
          l->gn[i] = 0.0;
      double gn2 = dot_masked (l->gn, l->gn, mask, n);
      if (!isfinite (fn) || !isfinite (gn2))
        {
          (*rejected)++;
          continue;
        }
      if (fn <= l->f + 1e-4 * a * gd)
        {
          lbfgs_remember (l, m, mask);
          memcpy (l->g, l->gn, n * sizeof (double));
          l->f = fn;
          l->fails = 0;
          return fn;
        }
    }
  /* No acceptable step: stay, forget the curvature pairs. */
  memcpy (m->params, l->x, n * sizeof (double));
  nd_model_params_changed (m);
  l->count = l->head = 0;
  l->fails++;
  return l->f;
}

/* AdamW with global-norm clipping over the parameters whose lr is non-zero. */
typedef struct {
  size_t n;
  double *m, *v;            /* first and second moments */
  double *grad;
  double *good;             /* the last parameters with a finite loss */
  long t;                   /* steps since the phase began */
  double lr_scale;          /* halved by each rejected step of a round */
  long evals;               /* gradients evaluated since adam_init */
} adam_state;

static void
adam_init (adam_state *a, size_t n)
{
  memset (a, 0, sizeof *a);
  a->n = n;
  a->m = nd_calloc (n, sizeof (double));
  a->v = nd_calloc (n, sizeof (double));
  a->grad = nd_calloc (n, sizeof (double));
  a->good = nd_malloc (n * sizeof (double));
}

static void
adam_clear (adam_state *a)
{
  free (a->m);
  free (a->v);
  free (a->grad);
  free (a->good);
}

/* A round starts from the model's parameters at the full rate. */
static void
adam_begin_round (adam_state *a, const nd_model *m)
{
  memcpy (a->good, m->params, a->n * sizeof (double));
  a->lr_scale = 1.0;
  a->t = 0;
}

/* A new phase starts with fresh moments. */
static void
adam_reset (adam_state *a)
{
  memset (a->m, 0, a->n * sizeof (double));
  memset (a->v, 0, a->n * sizeof (double));
  a->t = 0;
}

/* One AdamW iteration at the schedule's learning-rate factor; *loss is the
 * loss before it. A non-finite loss or gradient takes no step: the last
 * good parameters come back at half the rate (false). */
static bool
adam_iterate (adam_state *a, nd_model *m, const double *lr, const double *wd, const stage_objective *o,
              double clip_norm, double schedule_factor, double *tmp, int *rejected, double *loss)
{
  const size_t n = a->n;
  memset (a->grad, 0, n * sizeof (double));
  *loss = objective (m, o, a->grad, tmp);
  a->evals++;
  double norm2 = 0.0;
  for (size_t i = 0; i < n; i++)
    if (lr[i] > 0.0)
      norm2 += a->grad[i] * a->grad[i];
  if (!isfinite (*loss) || !isfinite (norm2))
    {
      memcpy (m->params, a->good, n * sizeof (double));
      nd_model_params_changed (m);
      a->lr_scale *= 0.5;
      (*rejected)++;
      return false;
    }
  memcpy (a->good, m->params, n * sizeof (double));
  double norm = sqrt (norm2), clip = norm > clip_norm ? clip_norm / norm : 1.0;
  double s = schedule_factor * a->lr_scale;
  a->t++;
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const double c1 = 1.0 - pow (b1, (double) a->t), c2 = 1.0 - pow (b2, (double) a->t);
  for (size_t i = 0; i < n; i++)
    {
      if (lr[i] == 0.0)
        continue;
      double g = a->grad[i] * clip;
      a->m[i] = b1 * a->m[i] + (1 - b1) * g;
      a->v[i] = b2 * a->v[i] + (1 - b2) * g * g;
      double step = (a->m[i] / c1) / (sqrt (a->v[i] / c2) + eps);
      m->params[i] -= lr[i] * s * (step + wd[i] * m->params[i]);
    }
  nd_model_clamp (m);
  nd_model_params_changed (m);
  return true;
}

#define PRIOR_LO (-100.0)
#define PRIOR_STEP 2.0
#define PRIOR_N 81

/* The smoothness prior of fit.h; adds its gradient into grad when not NULL. */
static double
smoothness_penalty (nd_model *m, double lambda, double *grad)
{
  if (!(lambda > 0.0))
    return 0.0;
  double p = 0.0;
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
          size_t cs = nd_mlp_cache_size (&s->net.shape);
          double *cache = nd_malloc (PRIOR_N * cs * sizeof *cache);
          double a[PRIOR_N], lt[PRIOR_N], slope[PRIOR_N], da[PRIOR_N] = { 0 }, dlt[PRIOR_N] = { 0 };
          for (int i = 0; i < PRIOR_N; i++)
            {
              double in = nd_learned_gate_scale_v (PRIOR_LO + i * PRIOR_STEP), ab[2];
              nd_mlp_forward (&s->net.shape, w, &in, ab, cache + i * cs);
              a[i] = ab[0];
              lt[i] = nd_log_tau_bound (s->net.tau_bound, ab[1], &slope[i]);
            }
          for (int i = 1; i + 1 < PRIOR_N; i++)
            {
              double ea = a[i + 1] - 2 * a[i] + a[i - 1], et = lt[i + 1] - 2 * lt[i] + lt[i - 1];
              p += lambda * (ea * ea + et * et);
              da[i + 1] += 2 * lambda * ea, da[i] -= 4 * lambda * ea, da[i - 1] += 2 * lambda * ea;
              dlt[i + 1] += 2 * lambda * et, dlt[i] -= 4 * lambda * et, dlt[i - 1] += 2 * lambda * et;
            }
          if (grad)
            for (int i = 0; i < PRIOR_N; i++)
              {
                double dout[2] = { da[i], dlt[i] * slope[i] };
                nd_mlp_backward (&s->net.shape, w, cache + i * cs, dout, grad + blk->offset, NULL);
              }
          free (cache);
        }
    }
  return p;
}

/* What the optimiser minimises: the stage's loss plus the prior. */
static double
objective (nd_model *m, const stage_objective *o, double *grad, double *tmp)
{
  /* A clamp fit's leak is solved, not searched (clamp.h): the loss no
   * longer depends on it. */
  const int leak = nd_clamp_fit_leak (m, o->sw, o->n);
  double l = sweeps_loss_views (m, o->sw, o->n, o->horizon, o->dvdt_weight, o->views, grad, tmp, o->lanes);
  if (leak >= 0 && grad)
    grad[m->blocks[m->channels[leak].block_gbar].offset] = grad[m->blocks[m->channels[leak].block_e].offset] = 0.0;
  return l + smoothness_penalty (m, o->lambda, grad);
}

/* Noise s.d. of a recording from the median absolute second difference
 * (white noise of s.d. s gives second differences of s.d. s sqrt 6; the
 * signal's own curvature is small in most samples). */
void
nd_fit_v_range (const nd_fit_sweep *sw, int n, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int k = 0; k < n; k++)
    {
      const double *v = sw[k].drive.v_clamp ? sw[k].drive.v_clamp : sw[k].v_obs;
      for (size_t j = 0; v && j < sw[k].drive.n; j++)
        if (isfinite (v[j]))
          {
            *lo = fmin (*lo, v[j]);
            *hi = fmax (*hi, v[j]);
          }
    }
}

double
nd_fit_noise_estimate (const nd_fit_sweep *sw, int n)
{
  size_t total = 0;
  for (int k = 0; k < n; k++)
    total += sw[k].drive.n > 2 ? sw[k].drive.n - 2 : 0;
  if (total == 0)
    return 0.0;
  double *d2 = nd_malloc (total * sizeof *d2);
  size_t c = 0;
  for (int k = 0; k < n; k++)
    {
      /* A clamp current's noise in units of the loss (i_unit). */
      const double *x = sw[k].drive.v_clamp ? sw[k].i_obs : sw[k].v_obs;
      const double u = sw[k].drive.v_clamp && sw[k].i_unit > 0.0 ? 1.0 / sw[k].i_unit : 1.0;
      for (size_t j = 1; j + 1 < sw[k].drive.n; j++)
        d2[c++] = u * fabs (x[j + 1] - 2 * x[j] + x[j - 1]);
    }
  qsort (d2, c, sizeof *d2, nd_cmp_double);
  double med = d2[c / 2];
  free (d2);
  return 1.4826 * med / sqrt (6.0);
}

static void
gaussian_smooth (const double *x, size_t n, double sd_samples, double *y)
{
  int half = (int) ceil (3.0 * sd_samples);
  double *w = nd_malloc ((2 * half + 1) * sizeof *w);
  for (int k = -half; k <= half; k++)
    w[k + half] = exp (-0.5 * k * k / (sd_samples * sd_samples));
  for (size_t j = 0; j < n; j++)
    {
      double s = 0.0, ws = 0.0;
      for (int k = -half; k <= half; k++)
        {
          long i = (long) j + k;
          if (i < 0 || i >= (long) n)
            continue;
          s += w[k + half] * x[i];
          ws += w[k + half];
        }
      y[j] = s / ws;
    }
  free (w);
}

/* Learning-rate factor: linear warm-up over the first 5% of a phase, then
 * cosine decay to 5% of the peak. */
static double
schedule (int i, int n)
{
  if (n <= 1)
    return 1.0;
  int warm = n / 20 > 1 ? n / 20 : 1;
  if (i < warm)
    return (i + 1.0) / warm;
  double x = (double) (i - warm) / (n - warm);
  return 0.05 + 0.95 * 0.5 * (1.0 + cos (M_PI * x));
}

bool
nd_fit_real_cell (const nd_model *m)
{
  for (int b = 0; b < m->n_blocks; b++)
    {
      const nd_param_block *blk = &m->blocks[b];
      if (blk->trainable && m->channels[blk->channel].slot == ND_CHANNEL_KNOWN
          && (blk->kind == ND_PARAM_GBAR || blk->kind == ND_PARAM_E || blk->kind == ND_PARAM_VSHIFT
              || blk->kind == ND_PARAM_VSHIFT_INACT))
        return true;
    }
  return false;
}

/* The options with their automatic choices made for this model and its
 * training sweeps: the spike-aware fit and the search of a real cell
 * serve its current-clamp sweeps; voltage clamp alone fits the current by
 * gradient (no spikes, no bifurcations). */
static void
resolve_auto (nd_fit_options *o, const nd_model *m, const nd_fit_sweep *train, int n_train)
{
  bool cc = false;
  for (int k = 0; k < n_train; k++)
    cc |= !train[k].drive.v_clamp;
  const bool real_cell = nd_fit_real_cell (m), real = real_cell && cc;
  if (o->spike_aware == ND_FIT_AUTO)
    o->spike_aware = real;
  if (o->search_evals == ND_FIT_AUTO)
    o->search_evals = real ? ND_FIT_SEARCH_EVALS : 0;
  if (o->iterations == 0)
    o->iterations = real ? ND_FIT_REAL_ITERATIONS : ND_FIT_ITERATIONS;
  if (real_cell)
    {
      /* Extra restarts and the polish chase a fit at the noise level, which
       * no model of a real cell reaches; the search and the spike-aware
       * choice of checkpoints are what make its restarts differ. */
      o->extra_restarts = 0;
      o->polish_iterations = 0;
    }
}

/* Stage boundaries in iterations of a fresh restart (stage_end[k] ends
 * stage k); returns the number of stages. */
static int
plan_stages (const nd_fit_options *opt, int *stage_end)
{
  int n_stages = opt->n_stages < 1 ? 1 : opt->n_stages > ND_FIT_MAX_STAGES ? ND_FIT_MAX_STAGES : opt->n_stages;
  double fsum = 0.0, acc = 0.0;
  for (int k = 0; k < n_stages; k++)
    fsum += opt->n_stages < 1 ? 1.0 : fmax (opt->frac[k], 0.0);
  for (int k = 0; k < n_stages; k++)
    {
      acc += opt->n_stages < 1 ? 1.0 : fmax (opt->frac[k], 0.0);
      stage_end[k] = fsum > 0 ? (int) lround (acc / fsum * opt->iterations) : opt->iterations;
    }
  stage_end[n_stages - 1] = opt->iterations;
  return n_stages;
}

/* Per-parameter learning rate (0: frozen) and weight decay. */
static void
init_rates (const nd_model *m, const nd_fit_options *opt, double *lr, double *wd)
{
  for (int b = 0; b < m->n_blocks; b++)
    {
      const nd_param_block *blk = &m->blocks[b];
      if (!blk->trainable)
        continue;
      bool net = blk->kind == ND_PARAM_GATE_MLP || blk->kind == ND_PARAM_FREE_MLP;
      for (size_t k = 0; k < blk->count; k++)
        {
          size_t i = blk->offset + k;
          lr[i] = net ? opt->lr : opt->lr_bio * fmax (1.0, fabs (m->params[i]));
          wd[i] = net ? opt->weight_decay : 0.0;
        }
    }
}

/* What one fit keeps across its rounds (fresh restarts, then the polish). */
typedef struct fit_run {
  nd_model *m;
  const nd_fit_options *opt;
  const nd_fit_sweep *train;
  int n_train;
  const nd_fit_sweep *vs;       /* validation sweeps, else the training sweeps */
  int nvs;
  nd_fit_control *ctl;
  nd_fit_result *result;
  nd_lanes *lanes;              /* the fit's cores (lanes.h) */
  nd_fit_sweep *tr;             /* training sweeps as the stages see them */
  double **smoothed;            /* their smoothed recordings, or NULL */
  spike_view *views;            /* spike-aware fits, else NULL */
  double lambda;                /* weight of the smoothness prior */
  double *lr, *wd;              /* init_rates */
  double *tmp, *best, *start;
  int n_stages;
  int stage_end[ND_FIT_MAX_STAGES + 1];
  int restarts;                 /* fresh restarts planned */
  int alt_round;                /* the alternative start's (fit.h, ND_FIT_ALT_INACT_MV), -1 for none */
  int max_restarts;             /* with the extra ones of a miss */
  int polish_n;                 /* iterations of the polish, 0 for none */
  int rounds;
  double miss_loss;
  double polish_loss;           /* an explained fit above it is polished too */
  bool noisy;
  int search_units;             /* the searches' simulations, 3 to a unit of progress */
  /* The time left (fit-eta.h): the finished phases' times and counts, and
   * the phase running now (a search or a round's steps) since its start. */
  nd_fit_eta eta;
  double phase_t0, phase_held0;
  long round_grads0;            /* gradients evaluated before this round's steps */
  int round_steps;              /* steps this round has taken */
  int search_done_now;          /* simulations of the search running now */
  lbfgs_state lb;
  adam_state adam;
  progress_state ps;
  nd_fit_progress p;
} fit_run;

/* The time left (fit-eta.h). A phase is a search or a round's steps; its
 * running time leaves out the pauses. */
static void
phase_begin (fit_run *f)
{
  f->phase_t0 = now_s ();
  f->phase_held0 = held_s;
}

static double
phase_seconds (const fit_run *f)
{
  return now_s () - f->phase_t0 - (held_s - f->phase_held0);
}

/* What round `round` (of n_it steps, with or without its search) and the
 * fresh restarts planned after it still have to do. */
static void
eta_plan (fit_run *f, int round, int n_it, bool search)
{
  const nd_fit_options *opt = f->opt;
  const long per_search = opt->search_evals > 0 ? opt->search_evals : 0;
  f->eta.rounds_left = round + 1 < f->restarts ? f->restarts - round - 1 : 0;
  f->eta.steps_per_round = opt->iterations;
  f->eta.grads_per_round = opt->spike_aware ? ND_FIT_REAL_GRADIENTS_PER_STEP * (long) opt->iterations : -1;
  f->eta.steps_left_now = n_it;
  f->eta.grads_left_now = opt->spike_aware ? ND_FIT_REAL_GRADIENTS_PER_STEP * (long) n_it : -1;
  f->eta.search_evals_left = (search ? per_search : 0) + f->eta.rounds_left * per_search;
}

/* After a generation of the search: evals of its simulations are done.
 * f->eta holds the searches before this one; the estimate adds it. */
static void
eta_search (fit_run *f, int evals)
{
  nd_fit_eta e = f->eta;
  e.search_s += phase_seconds (f);
  e.search_evals += evals;
  e.search_evals_left -= evals;
  e.grads = f->result->gradients;
  f->p.seconds_left = nd_fit_eta_seconds (&e);
  f->search_done_now = evals;
}

/* After step `it` of a round of n_it; f->eta holds the rounds before this one. */
static void
eta_step (fit_run *f, int it, int n_it)
{
  const long round_grads = f->lb.evals + f->adam.evals - f->round_grads0;
  nd_fit_eta e = f->eta;
  e.step_s += phase_seconds (f);
  e.steps += f->round_steps++ + 1;
  if (e.steps == 1)
    f->eta.first_step_s = e.first_step_s = e.step_s;
  e.grads = f->result->gradients + round_grads;
  e.steps_left_now = n_it - it - 1;
  if (e.grads_left_now >= 0)
    e.grads_left_now = e.grads_left_now > round_grads ? e.grads_left_now - round_grads : 0;
  f->p.seconds_left = nd_fit_eta_seconds (&e);
}

/* The alternative start's hypothesis (fit.h): the inactivation offset of
 * every known sodium channel that is not fitted, set when asked; returns
 * how many there are. */
static int
alt_inactivation (nd_model *m, bool set)
{
  int n = 0;
  for (int c = 0; c < m->n_channels; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->slot != ND_CHANNEL_KNOWN || ch->block_hshift < 0 || !ch->kind || strcmp (ch->kind->ion, "na") != 0
          || m->blocks[ch->block_hshift].trainable)
        continue;
      if (set)
        m->params[m->blocks[ch->block_hshift].offset] = ND_FIT_ALT_INACT_MV;
      n++;
    }
  return n;
}

/* Training sweeps as the stages see them: forced stages pull towards a
 * smoothed copy of a noisy recording. */
static void
fit_run_sweeps (fit_run *f, double smooth_ms)
{
  f->tr = nd_malloc (f->n_train * sizeof *f->tr);
  f->smoothed = nd_calloc (f->n_train, sizeof *f->smoothed);
  for (int k = 0; k < f->n_train; k++)
    {
      const nd_fit_sweep *sw = &f->train[k];
      f->tr[k] = *sw;
      f->tr[k].drive.v_force = NULL;
      if (smooth_ms > 0.0 && !sw->drive.v_clamp)
        {
          f->smoothed[k] = nd_malloc (sw->drive.n * sizeof (double));
          gaussian_smooth (sw->v_obs, sw->drive.n, smooth_ms / sw->drive.dt_sample, f->smoothed[k]);
          f->tr[k].drive.v_force = f->smoothed[k];
        }
    }
  if (f->opt->spike_aware)
    {
      f->views = nd_calloc (f->n_train, sizeof *f->views);
      for (int k = 0; k < f->n_train; k++)
        spike_view_init (&f->views[k], &f->train[k], f->opt);
    }
}

static void
fit_run_clear (fit_run *f)
{
  progress_clear (&f->ps);
  lbfgs_clear (&f->lb);
  adam_clear (&f->adam);
  for (int k = 0; f->views && k < f->n_train; k++)
    spike_view_clear (&f->views[k]);
  free (f->views);
  for (int k = 0; k < f->n_train; k++)
    free (f->smoothed[k]);
  free (f->smoothed);
  free (f->tr);
  free (f->lr);
  free (f->wd);
  free (f->tmp);
  free (f->best);
  free (f->start);
}

/* Keeps the model's parameters when their validation loss vl is the best yet. */
static void
keep_if_best (fit_run *f, double vl, int round)
{
  const size_t np = f->m->n_params;
  if (isfinite (vl) && vl < f->result->best_val_loss)
    {
      f->result->best_val_loss = vl;
      f->result->best_restart = round;
      memcpy (f->best, f->m->params, np * sizeof *f->best);
      f->p.best_version++;
    }
}

/* Sets round r's starting parameters: the kept ones for the polish, else the
 * model's own with fresh networks (a warm start keeps them), then runs the
 * search of a fresh restart. */
static void
begin_round (fit_run *f, int r, int round, bool polish, bool warm, int n_it)
{
  nd_model *m = f->m;
  const nd_fit_options *opt = f->opt;
  const size_t np = m->n_params;
  nd_fit_result *result = f->result;
  f->p.restarts = round + 1 > f->restarts ? round + 1 : f->restarts;
  f->p.alternative = r == f->alt_round;
  f->p.iterations = n_it;
  /* A fresh restart's search, then its iterations, then the fresh
   * restarts still planned. */
  const int search_u = opt->search_evals > 0 ? opt->search_evals / SEARCH_EVALS_PER_UNIT : 0;
  const int left = f->restarts - round - 1;
  f->p.total = f->search_units + result->iterations_done + (warm ? 0 : search_u) + n_it
               + (left > 0 ? left * (opt->iterations + search_u) : 0);
  memcpy (m->params, polish ? f->best : f->start, np * sizeof *f->start);
  bool has_net = false;
  for (int b = 0; b < m->n_blocks; b++)
    has_net |= m->blocks[b].trainable && (m->blocks[b].kind == ND_PARAM_GATE_MLP
                                           || m->blocks[b].kind == ND_PARAM_FREE_MLP);
  /* The alternative start draws as the first does: the two differ only in
   * its hypothesis (the draws alone moved 190619B's result from 8.2 to 12.8 mV). */
  const uint64_t draw = opt->seed * 7919u + (uint64_t) (r == f->alt_round ? 0 : r);
  /* Refining rounds (a warm start, the polish) keep the weights and run
   * only the last, free-running stage. */
  if (has_net && !warm)
    nd_fit_init_networks (m, draw, opt->init_scale);
  /* Networks without the trainable flag keep their given weights. */
  for (int b = 0; b < m->n_blocks; b++)
    if (!m->blocks[b].trainable)
      memcpy (m->params + m->blocks[b].offset, f->start + m->blocks[b].offset, m->blocks[b].count * sizeof (double));
  if (r == f->alt_round)
    alt_inactivation (m, true);
  if (has_net && !warm)
    orient_learned_gates (m);
  nd_model_params_changed (m);
  /* A real recording's fit first searches the biophysics for a model
   * that fires as the cell does (fit-search.h); that model is itself a
   * candidate for the kept parameters. */
  const bool search = opt->search_evals > 0 && !warm;
  eta_plan (f, round, n_it, search);
  if (search)
    {
      phase_begin (f);
      f->search_done_now = 0;
      search_tick_state st = { .f = f, .ps = &f->ps, .p = &f->p, .done0 = f->search_units + result->iterations_done };
      f->p.restart = round;
      f->p.searching = true;
      f->p.search_total = opt->search_evals;
      nd_fit_search_biophysics (m, f->train, f->n_train, opt->search_evals, draw,
                                f->lanes, f->ctl, search_tick, &st);
      f->p.searching = false;
      f->search_units += opt->search_evals / SEARCH_EVALS_PER_UNIT;
      keep_if_best (f, validation_loss (m, f->vs, f->nvs, opt->val_worst, opt->spike_aware, f->tmp, f->lanes), round);
      f->eta.search_s += phase_seconds (f);
      f->eta.search_evals += f->search_done_now;
      f->eta.search_evals_left -= opt->search_evals;
    }
}

/* Waits while the fit is paused; false once it is cancelled. */
bool
nd_fit_hold (nd_fit_control *ctl)
{
  if (!ctl)
    return true;
  if (atomic_load (&ctl->pause) && !atomic_load (&ctl->cancel))
    {
      const double t0 = now_s ();
      while (atomic_load (&ctl->pause) && !atomic_load (&ctl->cancel))
        sleep_ms (10);
      held_s += now_s () - t0;
    }
  return !atomic_load (&ctl->cancel);
}

/* The stage iteration `it` of a round belongs to, and that stage's span
 * [start, end) of iterations; refining rounds run only the last stage. */
typedef struct {
  int index, start, end;
} stage_span;

static stage_span
stage_at (const fit_run *f, int it, bool warm, int n_it)
{
  stage_span s = { 0, 0, 0 };
  while (s.index < f->n_stages - 1 && it >= f->stage_end[s.index])
    s.index++;
  if (warm)
    s.index = f->n_stages - 1;
  s.start = s.index && !warm ? f->stage_end[s.index - 1] : 0;
  s.end = warm ? n_it : f->stage_end[s.index];
  return s;
}

/* A stage begins with fresh optimiser state and its pull strength. */
static void
begin_stage (fit_run *f, int stage)
{
  const nd_fit_options *opt = f->opt;
  adam_reset (&f->adam);
  lbfgs_reset (&f->lb);
  for (int k = 0; k < f->n_train; k++)
    f->tr[k].drive.force = opt->n_stages >= 1 && opt->force[stage] > 0.0 ? opt->force[stage] : 1.0;
}

/* After a step: the validation loss where due or at the stage's last step,
 * then progress. */
static void
finish_step (fit_run *f, int round, int it, int n_it, int stage, int horizon, bool last, bool spent)
{
  const nd_fit_options *opt = f->opt;
  nd_fit_result *result = f->result;
  f->p.iteration = it + 1;
  f->p.stage = stage;
  f->p.horizon = horizon;
  if ((it + 1) % opt->validate_every == 0 || last)
    {
      double vl = validation_loss (f->m, f->vs, f->nvs, opt->val_worst, opt->spike_aware, f->tmp, f->lanes);
      f->p.val_loss = vl;
      result->history_val[result->iterations_done] = vl;
      keep_if_best (f, vl, round);
      f->p.best_val_loss = result->best_val_loss;
    }
  result->iterations_done++;
  f->p.done = f->search_units + result->iterations_done;
  f->p.steps_done = result->iterations_done;
  eta_step (f, it, n_it);
  /* Reports are at most every progress_interval_s, but every stage's last step is reported: the window's
   * error plot is drawn from the reports, and a short fit's stages must all reach it (a 10-step fit once
   * reported only its first free-running step and its last). */
  progress_emit (&f->ps, &f->p, it + 1 == n_it || spent || last);
}

/* The n_it iterations of a round; false when the user's limit on the whole
 * fit (fit.h, total_iterations) ends the fit here. */
static bool
run_steps (fit_run *f, int round, bool warm, int n_it)
{
  nd_model *m = f->m;
  const nd_fit_options *opt = f->opt;
  nd_fit_result *result = f->result;
  adam_begin_round (&f->adam, m);
  lbfgs_reset (&f->lb);
  f->p.restart = round;
  const long evals0 = f->lb.evals + f->adam.evals;
  for (int it = 0; it < n_it; it++)
    {
      if (opt->total_iterations > 0 && result->iterations_done >= opt->total_iterations)
        {
          result->gradients += f->lb.evals + f->adam.evals - evals0;
          return false;
        }
      if (!nd_fit_hold (f->ctl))
        {
          result->cancelled = true;
          break;
        }
      const stage_span st = stage_at (f, it, warm, n_it);
      const int horizon = opt->n_stages < 1 ? 0 : opt->horizon[st.index];
      if (it == st.start)
        begin_stage (f, st.index);
      const stage_objective obj = { f->tr, f->n_train, horizon, opt->dvdt_weight, f->views, f->lambda, f->lanes };
      double loss;
      bool stepped = true;
      if (opt->n_stages >= 1 && opt->lbfgs[st.index])
        {
          loss = lbfgs_iterate (&f->lb, m, f->lr, &obj, f->tmp, &result->rejected_steps);
          /* Two iterations in a row without a step (steepest descent
           * included): the stage has converged as far as it can; the
           * iterations left to it are skipped. */
          if (f->lb.fails >= 2 && it + 1 < st.end)
            it = st.end - 1;
        }
      else
        stepped = adam_iterate (&f->adam, m, f->lr, f->wd, &obj, opt->clip,
                                schedule (it - st.start, st.end - st.start), f->tmp, &result->rejected_steps, &loss);
      result->history_train[result->iterations_done] = loss;
      result->history_val[result->iterations_done] = NAN;
      result->history_free[result->iterations_done] = horizon == 0;
      if (!stepped)
        {
          result->iterations_done++;
          continue;
        }
      f->p.train_loss = loss;
      /* A real cell's gradient budget (fit.h): spent, this step is the restart's last. */
      const bool spent = opt->spike_aware
                         && f->lb.evals + f->adam.evals - evals0 >= ND_FIT_REAL_GRADIENTS_PER_STEP * (long) n_it;
      finish_step (f, round, it, n_it, st.index, horizon, it + 1 == st.end || spent, spent);
      if (spent)
        break;
    }
  result->gradients += f->lb.evals + f->adam.evals - evals0;
  return true;
}

/* A round's steps, timed for the time left. */
static bool
run_round (fit_run *f, int round, bool warm, int n_it)
{
  phase_begin (f);
  f->round_grads0 = f->lb.evals + f->adam.evals;
  f->round_steps = 0;
  const bool go_on = run_steps (f, round, warm, n_it);
  f->eta.step_s += phase_seconds (f);
  f->eta.steps += f->round_steps;
  return go_on;
}

/* The rounds of a fit: its fresh restarts, the extra ones of a miss and the
 * polish; a user's limit on the whole fit is shared by the restarts. */
static void
plan_rounds (fit_run *f, nd_fit_options *resolved, double noise, int n_val)
{
  const nd_fit_options *opt = f->opt;
  /* Automatic restarts: one, two with validation sweeps to choose by. Noisy
   * recordings used to get three; the polish of the kept fit (below) makes
   * the extra two redundant (K experiment, sigma_V 0.1, 20 seeds: training
   * reading 19/20 either way, held-out 4/20 vs 5/20, 5-6 s vs 9 s per fit). */
  f->restarts = opt->restarts > 0 ? opt->restarts : n_val > 0 ? 2 : 1;
  /* A real cell's automatic restarts end with the alternative start (fit.h);
   * a caller who asked for a number of restarts gets exactly that. */
  f->alt_round = -1;
  if (opt->restarts == 0 && opt->spike_aware && opt->search_evals > 0 && alt_inactivation (f->m, false) > 0)
    f->alt_round = f->restarts++;
  f->result->alt_restart = f->alt_round;
  if (opt->total_iterations > 0)
    resolved->iterations = opt->total_iterations / f->restarts > 0 ? opt->total_iterations / f->restarts : 1;
  /* Extra restarts belong to the automatic choice: a caller who asked for a
   * number of restarts (or fits a model that cannot reach the noise level,
   * such as a reduction) gets exactly that. */
  f->max_restarts = f->restarts + (opt->restarts == 0 && opt->extra_restarts > 0 ? opt->extra_restarts : 0);
  /* The noise variance estimated from ~500 samples is uncertain by ~15 %:
   * allow half of it again before calling a fit a miss. */
  f->miss_loss = 1.5 * noise * noise + ND_FIT_MISS_MV * ND_FIT_MISS_MV;
  /* After them, a fit that still misses, or any fit of a noisy recording,
   * is refined free-running from the kept parameters (fit.h, polish_iterations). */
  f->polish_n = opt->restarts == 0 && opt->polish_iterations > 0 ? opt->polish_iterations : 0;
  f->rounds = f->max_restarts + (f->polish_n > 0 ? 1 : 0);
  f->noisy = noise > ND_FIT_SMOOTH_ABOVE_MV;
  /* A fit within the miss allowance can still be short of the noise because
   * its optimiser stopped early, not because nothing fits better: the slow M
   * current's fits ended at 1.22-1.37 times the estimated noise variance with
   * tau off by up to a factor 2 alike in every seed (five times the
   * iterations: 0.91 times, tau within 2 %), where those of HH's K, Ih and the
   * A current end at 0.75-1.04 (docs/uncertainty.md). Such a fit is polished
   * too. A recording nearly free of noise (the K experiment's) gives no
   * noise to judge by. */
  f->polish_loss = noise >= ND_FIT_POLISH_NOISE_MV ? ND_FIT_POLISH_ABOVE * noise * noise : INFINITY;
}

/* Whether round *r runs: after the planned restarts an explained fit runs
 * no further fresh restarts, but a noisy recording's fit is still polished
 * (fit.h; *r skips to the polish). */
static bool
round_wanted (const fit_run *f, int *r)
{
  const nd_fit_options *opt = f->opt;
  if (opt->total_iterations > 0 && f->result->iterations_done >= opt->total_iterations)
    return false;
  if (*r >= f->restarts && !(f->result->best_val_loss > f->miss_loss))
    {
      if (!(f->polish_n > 0 && (f->noisy || f->result->best_val_loss > f->polish_loss)))
        return false;
      *r = f->max_restarts;
    }
  return true;
}

/* The optimisers' and the kept parameters' memory, and the loss history. */
static void
fit_run_alloc (fit_run *f)
{
  const nd_fit_options *opt = f->opt;
  const size_t np = f->m->n_params;
  f->lr = nd_calloc (np, sizeof *f->lr);
  f->wd = nd_calloc (np, sizeof *f->wd);
  init_rates (f->m, opt, f->lr, f->wd);
  f->tmp = nd_calloc (np, sizeof *f->tmp);
  f->best = nd_malloc (np * sizeof *f->best);
  f->start = nd_malloc (np * sizeof *f->start);
  memcpy (f->start, f->m->params, np * sizeof *f->start);
  memcpy (f->best, f->m->params, np * sizeof *f->best);
  const int total = opt->total_iterations > 0 ? opt->total_iterations : opt->iterations * f->max_restarts + f->polish_n;
  f->result->history_train = nd_malloc (total * sizeof (double));
  f->result->history_val = nd_malloc (total * sizeof (double));
  f->result->history_free = nd_malloc (total * sizeof (unsigned char));
  lbfgs_init (&f->lb, np, opt->lbfgs_memory > 0 ? opt->lbfgs_memory : 10);
  adam_init (&f->adam, np);
}

int
nd_fit (nd_model *m, const nd_fit_sweep *train, int n_train, const nd_fit_sweep *val, int n_val,
        const nd_fit_options *options, nd_fit_control *ctl, nd_fit_progress_fn progress, void *user,
        nd_fit_result *result)
{
  nd_fit_options resolved = *options;
  resolve_auto (&resolved, m, train, n_train);
  const nd_fit_options *opt = &resolved;
  memset (result, 0, sizeof *result);
  result->best_val_loss = INFINITY;
  result->alt_restart = -1;
  /* The curves change: a band of the model's earlier fits no longer describes them. */
  nd_model_clear_bands (m);
  if (n_train < 1 || nd_model_n_trainable (m) == 0 || opt->iterations < 1 || opt->restarts < 0)
    return -1;
  /* Sweeps under the same holding current settle once per set of parameters. */
  const bool memo_before = m->settle_memo != NULL;
  nd_model_settle_memo (m, true);
  fit_run f = { .m = m, .opt = opt, .train = train, .n_train = n_train, .ctl = ctl, .result = result,
                .vs = n_val > 0 ? val : train, .nvs = n_val > 0 ? n_val : n_train,
                .lanes = nd_lanes_new (m, opt->threads > 0 ? opt->threads : nd_cpu_count ()) };
  const double noise = nd_fit_noise_estimate (train, n_train);
  result->noise_sd = noise;
  result->smooth_ms = opt->smooth_ms >= 0.0 ? opt->smooth_ms : nd_fit_auto_smooth_ms (noise);
  f.lambda = opt->smoothness * fmax (noise, ND_FIT_NOISE_FLOOR_MV) * fmax (noise, ND_FIT_NOISE_FLOOR_MV);
  plan_rounds (&f, &resolved, noise, n_val);
  fit_run_sweeps (&f, result->smooth_ms);
  fit_run_alloc (&f);
  progress_init (&f.ps, m, opt, progress, user, &train[0]);
  f.p = (nd_fit_progress) { .restarts = f.restarts, .iterations = opt->iterations, .val_loss = NAN,
                            .best_val_loss = INFINITY, .best_params = f.best, .seconds_left = NAN };
  f.n_stages = plan_stages (opt, f.stage_end);
  /* round counts the rounds run: r may skip to the polish. */
  for (int r = 0, round = 0; r < f.rounds && !result->cancelled && round_wanted (&f, &r); r++, round++)
    {
      const bool polish = r == f.max_restarts;
      const bool warm = (opt->warm_start && r == 0) || polish;
      const int n_it = polish ? f.polish_n : opt->iterations;
      begin_round (&f, r, round, polish, warm, n_it);
      if (!run_round (&f, round, warm, n_it))
        break;
    }
  result->n_history = result->iterations_done;
  memcpy (m->params, f.best, m->n_params * sizeof *f.best);
  nd_model_params_changed (m);
  result->train_loss = sweeps_loss (m, train, n_train, 0, 0.0, NULL, f.tmp);
  if (!isfinite (result->best_val_loss))
    result->best_val_loss = validation_loss (m, f.vs, f.nvs, opt->val_worst, opt->spike_aware, f.tmp, f.lanes);
  fit_run_clear (&f);
  nd_lanes_free (f.lanes);
  if (!memo_before)
    nd_model_settle_memo (m, false);
  return 0;
}
