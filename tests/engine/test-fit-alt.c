/* test-fit-alt.c: a real cell's fit ends its automatic restarts with the alternative start.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fit.h, ND_FIT_ALT_INACT_MV: with automatic restarts, validation sweeps and
 * the search, a third start runs with sodium inactivation that much further
 * depolarised (the model's v_shift_inact, not fitted), drawn as the first
 * start is; the better on the validation sweeps is kept. Seen from the
 * progress callback: the offset is 0 in the first two starts and the
 * alternative's in the third. A cell built with that offset keeps the third
 * start. No alternative start where the caller fixed the restarts, where the
 * offset is fitted or where nothing is searched.
 */
#include <math.h>
#include <stdio.h>

#include "cortical-cell.h"
#include "fit.h"
#include "nd-check.h"

#define DT 0.05
#define N 6000   /* 300 ms */
#define N_SWEEPS 5

typedef struct {
  nd_model *m;
  int offset;        /* the sodium inactivation offset's parameter */
  int wrong;         /* callbacks whose offset is not the start's */
  int rounds;        /* the most starts reported */
} watch;

static void
on_progress (const nd_fit_progress *p, void *user)
{
  watch *w = user;
  const double want = p->restart == 2 ? ND_FIT_ALT_INACT_MV : 0.0;
  if (p->restart <= 2 && w->m->params[w->offset] != want)
    w->wrong++;
  w->rounds = p->restarts > w->rounds ? p->restarts : w->rounds;
}

static int
na_offset (const nd_model *m)
{
  return m->blocks[m->channels[0].block_hshift].offset;
}

/* Fits a fresh cell to sw; returns the result's alternative start and the kept model's offset. */
static int
fit (const nd_fit_sweep *sw, nd_fit_options o, bool fit_offset, double *kept_offset, watch *w)
{
  nd_model *m = cortical_cell (20.0);
  m->blocks[m->channels[0].block_hshift].trainable = fit_offset;
  *w = (watch) { .m = m, .offset = na_offset (m) };
  nd_fit_result r;
  ND_CHECK (nd_fit (m, sw, 3, sw + 3, 2, &o, NULL, on_progress, w, &r) == 0, "the cell fits");
  *kept_offset = m->params[na_offset (m)];
  const int alt = r.alt_restart;
  printf ("alternative start %d, start %d kept, offset %.1f mV\n", alt + 1, r.best_restart + 1, *kept_offset);
  nd_fit_result_clear (&r);
  nd_model_free (m);
  return alt;
}

int
main (void)
{
  /* The cell with its sodium inactivation at the alternative's offset. */
  static double iin[N_SWEEPS][N], obs[N_SWEEPS][N];
  const double amp[N_SWEEPS] = { -50.0, 120.0, 220.0, 60.0, 170.0 };
  nd_fit_sweep sw[N_SWEEPS];
  nd_model *truth = cortical_cell (50.0);
  truth->params[na_offset (truth)] = ND_FIT_ALT_INACT_MV;
  nd_model_params_changed (truth);
  cortical_steps (truth, amp, N_SWEEPS, N, DT, 250.0, &iin[0][0], &obs[0][0], sw);
  nd_model_free (truth);

  nd_fit_options o;
  cortical_short_fit (&o);
  double kept;
  watch w;
  ND_CHECK (fit (sw, o, false, &kept, &w) == 2, "automatic restarts: the third start is the alternative");
  ND_CHECK (w.rounds == 3 && w.wrong == 0, "three starts, offset 0, 0 and the alternative's (%d starts, %d wrong)",
            w.rounds, w.wrong);
  ND_CHECK (kept == ND_FIT_ALT_INACT_MV, "the cell's own offset fits it best: the alternative start is kept");

  nd_fit_options fixed = o;
  fixed.restarts = 2;
  ND_CHECK (fit (sw, fixed, false, &kept, &w) == -1 && w.rounds == 2, "restarts given: exactly those");
  ND_CHECK (fit (sw, o, true, &kept, &w) == -1 && w.rounds == 2, "the offset fitted: no alternative start");
  nd_fit_options none = o;
  none.search_evals = 0;
  ND_CHECK (fit (sw, none, false, &kept, &w) == -1, "no search: no alternative start");
  return nd_check_done ("test-fit-alt");
}
