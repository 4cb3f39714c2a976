/* test-stats.c: the engine's shared order statistics (stats.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nd_diff_noise against Gaussian noise of a known s.d. under what a
 * recording adds to it (a slow drift, steps, NaN samples), and as the
 * noise of a difference of two traces.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "nd-check.h"
#include "stats.h"

static void
test_median (void)
{
  double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 };
  ND_CHECK (nd_median_inplace (odd, 3) == 2.0, "%s", "");
  ND_CHECK (nd_median_inplace (even, 4) == 2.5, "%s", "");
  ND_CHECK (isnan (nd_median_inplace (odd, 0)), "%s", "");
  double sorted[] = { 5, -1, 0 };
  qsort (sorted, 3, sizeof *sorted, nd_cmp_double);
  ND_CHECK (sorted[0] == -1.0, "%s", "");
  ND_CHECK (sorted[2] == 5.0, "%s", "");
}

static void
test_diff_noise (void)
{
  enum { N = 20000 };
  const double sd = 2.0;
  double *x = malloc (N * sizeof (double)), *y = malloc (N * sizeof (double)), *scratch = malloc (N * sizeof (double));
  gsl_rng *r = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (r, 7);

  /* White noise alone, then on a drift of 50 units over the trace and ten steps of 40 (a protocol's
   * levels): each within 3 % of the s.d. (the estimator's own spread at 20,000 samples is ~1 %). */
  for (size_t j = 0; j < N; j++)
    x[j] = gsl_ran_gaussian (r, sd);
  ND_CHECK_CLOSE (nd_diff_noise (x, NULL, N, scratch), sd, 0.0, 0.03, "white noise");
  for (size_t j = 0; j < N; j++)
    x[j] += 50.0 * j / N + 40.0 * (double) ((j * 10) / N);
  double with_steps = nd_diff_noise (x, NULL, N, scratch);
  ND_CHECK_CLOSE (with_steps, sd, 0.0, 0.03, "noise on a drift and steps");
  /* The standard deviation would see the steps. */
  double mean = 0.0, sq = 0.0;
  for (size_t j = 0; j < N; j++)
    mean += x[j] / N;
  for (size_t j = 0; j < N; j++)
    sq += (x[j] - mean) * (x[j] - mean) / N;
  ND_CHECK (sqrt (sq) > 50.0, "s.d. %g", sqrt (sq));

  /* NaN samples are left out with their pairs. */
  for (size_t j = 0; j < N; j += 97)
    x[j] = NAN;
  ND_CHECK_CLOSE (nd_diff_noise (x, NULL, N, scratch), with_steps, 0.0, 0.02, "with NaN samples");

  /* The difference of two traces with the same steps: the noise of the difference, sqrt 2 times each. */
  for (size_t j = 0; j < N; j++)
    {
      double level = 30.0 * (double) ((j * 4) / N);
      x[j] = level + gsl_ran_gaussian (r, sd);
      y[j] = level + gsl_ran_gaussian (r, sd);
    }
  ND_CHECK_CLOSE (nd_diff_noise (x, y, N, scratch), sqrt (2.0) * sd, 0.0, 0.03, "noise of a difference");
  /* Identical traces: no noise. */
  ND_CHECK (nd_diff_noise (x, x, N, scratch) == 0.0, "%s", "");

  /* Nothing to measure. */
  ND_CHECK (isnan (nd_diff_noise (x, NULL, 1, scratch)), "%s", "");
  double nans[] = { NAN, 1.0, NAN };
  ND_CHECK (isnan (nd_diff_noise (nans, NULL, 3, scratch)), "%s", "");

  gsl_rng_free (r);
  free (x);
  free (y);
  free (scratch);
}

int
main (void)
{
  test_median ();
  test_diff_noise ();
  return nd_check_done ("stats");
}
