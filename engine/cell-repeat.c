/* cell-repeat.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cell-repeat.h"

#include <math.h>
#include <stdlib.h>

#include "stats.h"
#include "sweep-score.h"

/* Two currents agree within 1 pA, or six times the noise of their
 * difference (a recorded current's; a protocol's has none). */
static double
same_tolerance (const double *ia, const double *ib, size_t n, double *scratch)
{
  double noise = nd_diff_noise (ia, ib, n, scratch);
  return isfinite (noise) ? fmax (1.0, 6.0 * noise) : 1.0;
}

/* The subthreshold RMSE of sweep b against sweep a where their currents
 * have agreed for settle_ms; NAN when fewer than ND_CELL_REPEAT_MIN_MS
 * samples count or spikes cover them. */
static double
pair_rmse (const nd_cell_sweep *a, const nd_cell_sweep *b, double settle_ms, double ljp_mV, double *w, double *va,
           double *vb, double *shared_ms)
{
  size_t n = a->n < b->n ? a->n : b->n;
  double dt = a->dt_ms;
  *shared_ms = 0.0;
  if (n < 2 || !(dt > 0.0) || fabs (b->dt_ms - dt) > 1e-9 * dt || !a->i_pA || !b->i_pA)
    return NAN;
  double tol = same_tolerance (a->i_pA, b->i_pA, n, w);
  size_t settle = (size_t) ceil (settle_ms / dt), since = settle, count = 0;
  for (size_t j = 0; j < n; j++)
    {
      bool same = fabs (a->i_pA[j] - b->i_pA[j]) <= tol && isfinite (a->v_mV[j]) && isfinite (b->v_mV[j]);
      since = same ? since + 1 : 0;
      w[j] = same && since > settle ? 1.0 : 0.0;
      count += w[j] > 0.0;
      va[j] = a->v_mV[j] - ljp_mV;
      vb[j] = b->v_mV[j] - ljp_mV;
    }
  *shared_ms = (double) count * dt;
  if (*shared_ms < ND_CELL_REPEAT_MIN_MS)
    return NAN;
  nd_sweep_score sc;
  nd_sweep_score_compute (vb, va, w, n, dt, &sc);
  return sc.subthreshold_rmse_mV;
}

bool
nd_cell_repeat_measure (const nd_cell_sweep *sweeps, int n, double tau_m_ms, double ljp_mV, nd_cell_repeat *out)
{
  *out = (nd_cell_repeat) { .rmse_mV = NAN, .lo_mV = NAN, .hi_mV = NAN };
  if (!sweeps || n < 2)
    return true;
  size_t nmax = 0;
  for (int s = 0; s < n; s++)
    nmax = sweeps[s].n > nmax ? sweeps[s].n : nmax;
  double settle_ms = isfinite (tau_m_ms) && tau_m_ms > 0.0 ? ND_CELL_REPEAT_SETTLE_TAUS * tau_m_ms
                                                           : ND_CELL_REPEAT_SETTLE_MS;
  double *w = malloc ((nmax + 1) * sizeof *w), *va = malloc ((nmax + 1) * sizeof *va);
  double *vb = malloc ((nmax + 1) * sizeof *vb), *pairs = malloc ((size_t) n * sizeof *pairs);
  bool ok = w && va && vb && pairs;
  int m = 0;
  for (int s = 0; ok && s + 1 < n; s++)
    {
      double shared;
      double r = pair_rmse (&sweeps[s], &sweeps[s + 1], settle_ms, ljp_mV, w, va, vb, &shared);
      if (!isfinite (r))
        continue;
      pairs[m++] = r;
      out->shared_ms += shared;
    }
  if (ok && m > 0)
    {
      out->rmse_mV = nd_median_inplace (pairs, (size_t) m);
      out->lo_mV = pairs[0];
      out->hi_mV = pairs[m - 1];
      out->n_pairs = m;
    }
  free (w);
  free (va);
  free (vb);
  free (pairs);
  return ok;
}
