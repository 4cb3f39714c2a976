/* test-adjoint.c: exact gradients of the discrete scheme against central differences.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every parameter kind (gbar, E, a known channel's kinetics offset, learned-gate weights and exponents, free-current weights and initial latents,
 * with and without the free current's rest anchor)
 * is checked, with and without voltage forcing, with the dV/dt loss term and
 * a sample window, in voltage clamp (the clamp current's loss), and with
 * checkpointed recomputation. The memory bound for
 * a 60 s sweep at 20 kHz is checked from the buffer sizes. The settling memo
 * gives the same results bit for bit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrator.h"
#include "learned-gate.h"
#include "model-private.h"
#include "nd-check.h"

static nd_model *
hybrid_model (void)
{
  nd_model *m = nd_model_new (1.0, 62.832, -70.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), 120.0, 50.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -70.0);
  nd_learned_gate net;
  nd_learned_gate_make (&net, 8, 2, ND_ACT_TANH, true);
  const char *names[] = { "n", "h" };
  const int powers[] = { 4, 1 };
  nd_model_add_learned (m, "K", 36.0, -75.0, 2, names, powers, &net);
  nd_mlp_shape fs = { .n_in = 3, .width = 6, .depth = 1, .n_out = 3, .act = ND_ACT_TANH, .layer_norm = false };
  const double zm[2] = { 0.1, -0.2 }, zs[2] = { 1.0, 0.5 };
  nd_model_add_free (m, "axial", 2, &fs, -60.0, 20.0, zm, zs, 0.5);
  m->channels[m->n_channels - 1].z_leak_ms = 3.0;   /* the latents' leak enters the adjoint */
  nd_model_init_networks (m, 7, 1.0);
  /* Zero biases make a LayerNorm of a scalar input a step function of V at
   * the input's zero (-10 mV); spread every weight a little so the test
   * network is smooth and generic. */
  for (int b = 0, later = 0; b < m->n_blocks; b++)
    {
      /* Numbered as before Na had an inactivation offset (model.c numbers the streams so too). */
      later += m->blocks[b].kind == ND_PARAM_VSHIFT_INACT;
      if (m->blocks[b].kind == ND_PARAM_GATE_MLP || m->blocks[b].kind == ND_PARAM_FREE_MLP)
        for (size_t k = 0; k < m->blocks[b].count; k++)
          m->params[m->blocks[b].offset + k] += 0.3 * sin (1.7 * k + (b - later));
    }
  /* The h gate's exponent is a real number (3.5): the non-integer power path. */
  m->params[m->blocks[m->channels[2].learned[1].block_power].offset] = 3.5;
  /* The n gate's Boltzmann prior (slope 1/12 mV, half-activation -30 mV,
   * tau e^1.5 ms) under its network. */
  double *prior = nd_model_gate_prior (m, 2, 0);
  prior[ND_PRIOR_SLOPE] = 1.0 / 12.0;
  prior[ND_PRIOR_V_HALF] = -30.0;
  prior[ND_PRIOR_LOG_TAU] = 1.5;
  /* 1.5 ms of settling before the trace: its steps are in the adjoint. */
  m->settle_ms = 1.5;
  /* Na's kinetics 3 mV off the published curves: the offset's gradient. */
  m->params[m->blocks[m->channels[0].block_vshift].offset] = 3.0;
  /* and its inactivation (h) a further +2.5 mV: that offset's gradient, h's alone. */
  ND_CHECK (m->channels[0].block_hshift >= 0, "Na has an inactivation offset");
  m->params[m->blocks[m->channels[0].block_hshift].offset] = 2.5;
  nd_model_params_changed (m);
  return m;
}

typedef struct {
  nd_drive d;
  nd_loss_spec spec;
  double *i_inj, *obs, *w;
} problem;

static problem
make_problem (nd_model *m, size_t n, double dts, int n_sub)
{
  problem p = { 0 };
  p.i_inj = calloc (n, sizeof (double));
  p.obs = malloc (n * sizeof (double));
  p.w = malloc (n * sizeof (double));
  for (size_t j = 0; j < n; j++)
    {
      p.i_inj[j] = (j * dts >= 2.0 && j * dts < 12.0) ? 15.0 : 0.0;
      p.obs[j] = -70.0 + 20.0 * sin (j * dts / 3.0);
      p.w[j] = j * dts >= 1.0 ? 1.0 : 0.0;  /* a window */
    }
  p.d = (nd_drive) { .n = n, .dt_sample = dts, .n_sub = n_sub, .i_inj = p.i_inj };
  p.spec = (nd_loss_spec) { .v_obs = p.obs, .weight = p.w, .dvdt_weight = 1e-2 };
  return p;
}

static double
loss_at (nd_model *m, problem *p, size_t idx, double value)
{
  double keep = m->params[idx];
  m->params[idx] = value;
  nd_model_params_changed (m);
  double l = nd_loss_gradient (m, &p->d, &p->spec, NULL, NULL);
  m->params[idx] = keep;
  nd_model_params_changed (m);
  return l;
}

/* Compares the adjoint gradient with central differences for a selection of
 * parameters of every block; returns the worst relative error. */
static double
check_gradient (nd_model *m, problem *p, const char *label)
{
  double *g = calloc (m->n_params, sizeof *g);
  double l0 = nd_loss_gradient (m, &p->d, &p->spec, NULL, g);
  ND_CHECK (isfinite (l0), "%s: finite loss", label);
  double worst = 0.0;
  for (int b = 0; b < m->n_blocks; b++)
    {
      const nd_param_block *blk = &m->blocks[b];
      size_t stride = blk->count > 12 ? blk->count / 12 : 1;
      for (size_t k = 0; k < blk->count; k += stride)
        {
          size_t idx = blk->offset + k;
          double x = m->params[idx];
          /* 3e-5: the Richardson difference's truncation (1e-4: up to 3e-5 relative with a
           * settling phase) and roundoff (1e-5: up to 4e-5 on the forced cases) balance. */
          double h = 3e-5 * fmax (1.0, fabs (x));
          /* Richardson-extrapolated central difference: O(h^4) truncation. */
          double d1 = (loss_at (m, p, idx, x + h) - loss_at (m, p, idx, x - h)) / (2 * h);
          double d2 = (loss_at (m, p, idx, x + 2 * h) - loss_at (m, p, idx, x - 2 * h)) / (4 * h);
          double fd = (4 * d1 - d2) / 3;
          double rel = fabs (g[idx] - fd) / fmax (fabs (fd), 1e-6 * fabs (l0));
          worst = fmax (worst, rel);
          if (rel > 1e-5)
            fprintf (stderr, "%s: %s[%zu]: adjoint %.10g, fd %.10g, rel %.2e\n", label, blk->name, k,
                     g[idx], fd, rel);
          ND_CHECK (rel < 1e-5, "%s: %s[%zu] relative error %.2e", label, blk->name, k, rel);
        }
    }
  printf ("%s: loss %.6g, worst relative error %.2e\n", label, l0, worst);
  free (g);
  return worst;
}

int
main (void)
{
  nd_model *m = hybrid_model ();
  problem p = make_problem (m, 151, 0.1, 2);

  double *v = malloc (p.d.n * sizeof *v);
  nd_simulate (m, &p.d, v, NULL);
  double vmax = -1e9, vmin = 1e9;
  for (size_t j = 0; j < p.d.n; j++)
    vmax = fmax (vmax, v[j]), vmin = fmin (vmin, v[j]);
  printf ("trace range %.2f..%.2f mV\n", vmin, vmax);
  ND_CHECK (vmax - vmin > 5.0, "the test trace moves (%.2f..%.2f)", vmin, vmax);

  check_gradient (m, &p, "free run");

  /* nd_simulate_free gives nd_simulate's trace and, at every sample, the
   * free current of the state there (stepped independently by nd_step). */
  {
    const int cf = m->n_channels - 1;
    double *vf = malloc (p.d.n * sizeof *vf), *fi = malloc (p.d.n * sizeof *fi);
    double y[16], dz[ND_MAX_LATENTS];
    ND_CHECK (m->n_state <= 16, "state fits the test buffer");
    nd_simulate_free (m, &p.d, cf, vf, fi);
    nd_model_initial_state (m, y);
    /* The settling phase: steps of the trace's size under the first current. */
    const double dts = p.d.dt_sample / p.d.n_sub;
    for (int s = 0; s < (int) ceil (m->settle_ms / dts - 1e-9); s++)
      nd_step (m, y, dts, p.i_inj[0], y);
    double worst = 0.0;
    for (size_t j = 0; j < p.d.n; j++)
      {
        ND_CHECK (vf[j] == v[j], "nd_simulate_free V differs at %zu", j);
        double want = nd_free_current (m, cf, y[0], y + m->channels[cf].state_off, dz, NULL);
        worst = fmax (worst, fabs (fi[j] - want));
        for (int s = 0; j + 1 < p.d.n && s < p.d.n_sub; s++)
          nd_step (m, y, p.d.dt_sample / p.d.n_sub, p.i_inj[j], y);
      }
    ND_CHECK (worst == 0.0, "free current along the trace off by %g", worst);
    free (vf);
    free (fi);
  }

  /* The loss-only and gradient paths give the same trace and loss. */
  double *v2 = malloc (p.d.n * sizeof *v2);
  double l1 = nd_loss_gradient (m, &p.d, &p.spec, v2, NULL);
  ND_CHECK_CLOSE (l1, nd_loss_value (&p.spec, p.d.n, p.d.dt_sample, v), 0, 1e-12, "loss paths");
  for (size_t j = 0; j < p.d.n; j++)
    ND_CHECK (v2[j] == v[j], "trace paths differ at %zu", j);

  p.d.v_force = p.obs;
  p.d.force = 0.5;
  check_gradient (m, &p, "forced 0.5");
  p.d.force = 1.0;
  check_gradient (m, &p, "forced 1");
  p.d.force_every = 7;
  check_gradient (m, &p, "forced 1 every 7 samples");
  p.d.force_every = 0;
  p.d.v_force = NULL;

  /* Checkpointed recomputation gives the same gradient bit for bit. */
  double *ga = calloc (m->n_params, sizeof *ga), *gb = calloc (m->n_params, sizeof *gb);
  nd_loss_gradient (m, &p.d, &p.spec, NULL, ga);
  p.d.checkpoint_every = 13;
  nd_loss_gradient (m, &p.d, &p.spec, NULL, gb);
  for (size_t i = 0; i < m->n_params; i++)
    ND_CHECK (ga[i] == gb[i], "checkpointed gradient differs at %zu: %g vs %g", i, ga[i], gb[i]);
  p.d.checkpoint_every = 0;

  /* Voltage clamp: the ionic current under a command of steps, against a
   * recorded current in units of 20 uA/cm2; the window skips the first
   * millisecond. Gates only (no V equation), the settling phase held at the
   * first command, checkpointed or not. */
  {
    problem q = p;
    double *cmd = malloc (p.d.n * sizeof *cmd), *iobs = malloc (p.d.n * sizeof *iobs);
    for (size_t j = 0; j < p.d.n; j++)
      {
        double t = j * p.d.dt_sample;
        cmd[j] = t < 2.0 ? -80.0 : t < 8.0 ? -20.0 : t < 12.0 ? 10.0 : -95.0;
        iobs[j] = 30.0 * sin (t / 2.0);
      }
    q.d.v_clamp = cmd;
    q.spec = (nd_loss_spec) { .i_obs = iobs, .i_unit = 20.0, .weight = p.w };
    double *ic = malloc (p.d.n * sizeof *ic);
    nd_simulate (m, &q.d, ic, NULL);
    double imin = 1e9, imax = -1e9;
    for (size_t j = 0; j < p.d.n; j++)
      imin = fmin (imin, ic[j]), imax = fmax (imax, ic[j]);
    printf ("clamp current range %.2f..%.2f uA/cm2\n", imin, imax);
    ND_CHECK (imax - imin > 10.0, "the clamp current moves (%.2f..%.2f)", imin, imax);
    /* The current at a sample is the ionic current of the model's state there. */
    double y[16];
    nd_model_initial_state (m, y);
    y[0] = cmd[0];
    for (int c = 0; c < m->n_channels; c++)
      for (int g = 0; m->channels[c].slot != ND_CHANNEL_FREE && g < m->channels[c].n_gates; g++)
        {
          nd_gate_rates r;
          nd_model_gate_rates (m, c, g, cmd[0], &r);
          y[m->channels[c].state_off + g] = r.x_inf;
        }
    const double dts = q.d.dt_sample / q.d.n_sub;
    for (int s = 0; s < (int) ceil (m->settle_ms / dts - 1e-9); s++)
      {
        nd_step (m, y, dts, 0.0, y);
        y[0] = cmd[0];
      }
    double worst = 0.0;
    for (size_t j = 0; j < q.d.n; j++)
      {
        y[0] = cmd[j];
        worst = fmax (worst, fabs (ic[j] - nd_model_ionic_current (m, y)));
        for (int s = 0; j + 1 < q.d.n && s < q.d.n_sub; s++)
          {
            nd_step (m, y, dts, 0.0, y);
            y[0] = cmd[j];
          }
      }
    ND_CHECK (worst == 0.0, "clamp current off by %g", worst);
    double lc = nd_loss_gradient (m, &q.d, &q.spec, NULL, NULL);
    ND_CHECK_CLOSE (lc, nd_loss_value (&q.spec, q.d.n, q.d.dt_sample, ic), 0, 1e-12, "clamp loss paths");
    check_gradient (m, &q, "voltage clamp");
    /* A pull has no meaning under a clamp: it is ignored. */
    q.d.v_force = p.obs;
    q.d.force = 0.5;
    ND_CHECK (nd_loss_gradient (m, &q.d, &q.spec, NULL, NULL) == lc, "the clamp ignores the pull");
    q.d.v_force = NULL;
    double *gc = calloc (m->n_params, sizeof *gc), *gd = calloc (m->n_params, sizeof *gd);
    nd_loss_gradient (m, &q.d, &q.spec, NULL, gc);
    q.d.checkpoint_every = 13;
    nd_loss_gradient (m, &q.d, &q.spec, NULL, gd);
    for (size_t i = 0; i < m->n_params; i++)
      ND_CHECK (gc[i] == gd[i], "checkpointed clamp gradient differs at %zu: %g vs %g", i, gc[i], gd[i]);
    free (gc);
    free (gd);
    free (ic);
    free (cmd);
    free (iobs);
  }

  /* The settling memo a fit turns on (model.h) changes nothing, bit for bit:
   * two sweeps under the same first current and one under another, each
   * twice (the second time from the memo), and one whose stimulus parts from
   * the first's at sample 60 (a free run shares the first's samples before
   * it): the loss, gradient and trace; then a changed parameter, which must
   * not be served the old settling or sweep. */
  {
    double *i2 = malloc (p.d.n * sizeof *i2), *i3 = malloc (p.d.n * sizeof *i3);
    for (size_t j = 0; j < p.d.n; j++)
      {
        i2[j] = p.i_inj[j] + 4.0;
        i3[j] = p.i_inj[j] + (j >= 60 ? 3.0 : 0.0);
      }
    nd_drive drives[4] = { p.d, p.d, p.d, p.d };
    drives[2].i_inj = i2;
    drives[3].i_inj = i3;
    const size_t np = m->n_params, n = p.d.n;
    double *ref = calloc (4 * (np + n), sizeof *ref), *got = calloc (np + n, sizeof *got), lref[4];
    for (int changed = 0; changed < 2; changed++)
      {
        const size_t gi = m->blocks[m->channels[0].block_gbar].offset;
        if (changed)
          {
            m->params[gi] += 7.0;
            nd_model_params_changed (m);
          }
        ND_CHECK (!m->settle_memo, "no memo unless asked for");
        memset (ref, 0, 4 * (np + n) * sizeof *ref);   /* gradients add to what is there */
        for (int k = 0; k < 4; k++)
          {
            lref[k] = nd_loss_gradient (m, &drives[k], &p.spec, NULL, ref + k * (np + n));
            nd_simulate (m, &drives[k], ref + k * (np + n) + np, NULL);
          }
        nd_model_settle_memo (m, true);
        for (int rep = 0; rep < 2; rep++)
          for (int k = 0; k < 4; k++)
            {
              memset (got, 0, np * sizeof *got);
              double l = nd_loss_gradient (m, &drives[k], &p.spec, NULL, got);
              nd_simulate (m, &drives[k], got + np, NULL);
              ND_CHECK (memcmp (&l, &lref[k], sizeof l) == 0, "memo: loss of sweep %d (pass %d, change %d)", k, rep,
                        changed);
              ND_CHECK (memcmp (got, ref + k * (np + n), (np + n) * sizeof *got) == 0,
                        "memo: gradient and trace of sweep %d (pass %d, change %d)", k, rep, changed);
            }
        nd_model *copy = nd_model_copy (m);
        ND_CHECK (copy->settle_memo == NULL, "a copy starts without the memo");
        nd_model_free (copy);
        if (changed)
          {
            m->params[gi] -= 7.0;
            nd_model_params_changed (m);
          }
        else
          {
            /* Left on across the change: the memo must notice it. */
            m->params[gi] += 7.0;
            nd_model_params_changed (m);
            double l = nd_loss_gradient (m, &drives[0], &p.spec, NULL, NULL);
            nd_model_settle_memo (m, false);
            ND_CHECK (memcmp (&l, &(double) { nd_loss_gradient (m, &drives[0], &p.spec, NULL, NULL) }, sizeof l) == 0,
                      "memo: a changed parameter settles anew");
            m->params[gi] -= 7.0;
            nd_model_params_changed (m);
          }
        nd_model_settle_memo (m, false);
      }
    free (ref);
    free (got);
    free (i2);
    free (i3);
  }

  /* Parameters of a block make it into the gradient (gbar of the learned K). */
  int kb = nd_model_find_block (m, 2, ND_PARAM_GBAR, -1);
  ND_CHECK (kb >= 0 && ga[m->blocks[kb].offset] != 0.0, "K gbar gradient");

  /* Anchored at rest, the free current subtracts its network's output at the
   * anchor: that pass's weights enter the gradient too. */
  int cf = m->n_channels - 1;
  ND_CHECK (nd_model_anchor_free (m, cf, -65.0), "anchor the free current");
  ND_CHECK (!nd_model_anchor_free (m, 0, -65.0) && !nd_model_anchor_free (m, cf, NAN), "bad anchors refused");
  nd_model_params_changed (m);
  check_gradient (m, &p, "anchored free run");
  p.d.v_force = p.obs;
  p.d.force = 0.5;
  check_gradient (m, &p, "anchored, forced 0.5");
  p.d.v_force = NULL;
  {
    problem q = p;
    double *cmd = malloc (p.d.n * sizeof *cmd);
    for (size_t j = 0; j < p.d.n; j++)
      cmd[j] = j * p.d.dt_sample < 5.0 ? -75.0 : -10.0;
    q.d.v_clamp = cmd;
    q.spec = (nd_loss_spec) { .i_obs = p.obs, .i_unit = 7.0 };
    check_gradient (m, &q, "anchored, voltage clamp");
    free (cmd);
  }

  /* 60 s at 20 kHz, dt 0.025 ms: the adjoint's buffers stay well under 1 GB. */
  size_t bytes = nd_loss_gradient_memory (m, 1200000, 2);
  printf ("60 s sweep at 20 kHz: %.1f MB for the gradient\n", bytes / 1e6);
  ND_CHECK (bytes < 100u * 1000 * 1000, "memory %zu bytes", bytes);

  free (ga);
  free (gb);
  free (v);
  free (v2);
  free (p.i_inj);
  free (p.obs);
  free (p.w);
  nd_model_free (m);
  return nd_check_done ("adjoint");
}
