/* cli-fit-ensemble.c: neurode-cli fit --ensemble N (cli-fit-ensemble.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli-fit-ensemble.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ensemble.h"
#include "lanes.h"

int
nd_cli_fit_ensemble_check (int n_members, int jobs, gboolean warm_start)
{
  /* A warm start refines the same weights with the same steps whatever the seed: its members would agree
   * exactly, a band of width 0 that the data did not earn. */
  if (n_members != -1 && warm_start)
    return nd_cli_fail (2, _("--ensemble starts every fit afresh from its own seed; it cannot be combined with "
                             "--warm-start"));
  if (n_members != -1 && (n_members < 2 || n_members > ND_ENSEMBLE_MAX))
    return nd_cli_fail (2, _("--ensemble is %d; it must be 2 to %d fits"), n_members, ND_ENSEMBLE_MAX);
  if (jobs < 0 || jobs > 256)
    return nd_cli_fail (2, _("--jobs is %d; it must be 1 to 256 cores (default: every core)"), jobs);
  return 0;
}

typedef struct {
  int n;
  double i_unit_pA;
} Report;

static void
member_done (int k, const nd_fit_result *r, double seconds, void *user)
{
  const Report *rep = user;
  if (rep->i_unit_pA > 0.0)
    fprintf (stderr, _("ensemble: fit %d/%d done in %.0f s, validation error %.3g pA RMSE\n"), k + 1, rep->n,
             seconds, rep->i_unit_pA * sqrt (fmax (r->best_val_loss, 0.0)));
  else
    fprintf (stderr, _("ensemble: fit %d/%d done in %.0f s, validation error %.3g mV RMSE\n"), k + 1, rep->n,
             seconds, sqrt (fmax (r->best_val_loss, 0.0)));
}

nd_model *
nd_cli_fit_ensemble (nd_model *m, const NdFitData *data, const nd_fit_options *opt, int n_members, int jobs,
                     nd_fit_result *res, nd_model ***members, int *n_kept)
{
  if (members)
    *members = NULL, *n_kept = 0;
  /* --jobs is the cores to use: as many fits at once as fit in them, each fit's sweeps on its share. */
  const int cores = jobs > 0 ? jobs : nd_cpu_count ();
  const int at_once = MIN (cores, n_members);
  nd_fit_options member = *opt;
  member.threads = MAX (1, cores / at_once);
  Report rep = { n_members, data->voltage_clamp ? data->i_unit_pA : 0.0 };
  nd_ensemble_options eo = { .n_members = n_members, .jobs = at_once, .tol = -1.0, .member_done = member_done,
                             .user = &rep, .keep_members = members != NULL };
  fprintf (stderr, _("ensemble: %d fits from seeds %llu to %llu on %d threads\n"), n_members,
           (unsigned long long) opt->seed, (unsigned long long) (opt->seed + (uint64_t) n_members - 1),
           at_once * member.threads);
  nd_ensemble_result er;
  nd_model *best = nd_ensemble_fit (m, data->train, data->n_train, data->val, data->n_val, &member, &eo, &er);
  if (!best)
    {
      memset (res, 0, sizeof *res);
      res->train_loss = NAN;
      nd_ensemble_result_clear (&er);
      return m;
    }
  /* The members ran side by side, each as long as alone on a free core: the ensemble's cost is its wall
   * time over one member's. */
  double mean = 0.0;
  for (int k = 0; k < n_members; k++)
    mean += er.seconds[k] / n_members;
  fprintf (stderr, _("ensemble: %d of %d fits kept (validation loss within %.3g of the best, %.3g); fit %d is "
                     "the model; %.0f s in all, %.1f× the mean time of one fit (%.0f s)\n"),
           er.n_kept, n_members, er.threshold - er.loss[er.best], er.loss[er.best], er.best + 1, er.wall_s,
           er.wall_s / fmax (mean, 1e-9), mean);
  *res = er.best_result;
  memset (&er.best_result, 0, sizeof er.best_result);
  if (members)
    {
      *members = er.members, *n_kept = er.n_kept;
      er.members = NULL;
    }
  nd_ensemble_result_clear (&er);
  nd_model_free (m);
  return best;
}
