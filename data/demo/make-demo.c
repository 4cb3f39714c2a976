/* make-demo.c: writes the demo recording (data/demo/hh-demo.csv) with Neurode's own engine.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Classic Hodgkin-Huxley (Na 120 mS/cm2 at +50 mV, K 36 mS/cm2 at -75 mV,
 * leak 0.3 mS/cm2 at -70 mV, 1 uF/cm2, 6.3 C) in a 2 pi x 1 um x 10 um
 * compartment, sampled every 0.1 ms and integrated at 0.025 ms. Sweeps 0-4:
 * 100 ms with a current step from 10 to 90 ms of 2, 6, 10, 14 and 18 pA;
 * sweep 5: 100 ms of noisy current (Ornstein-Uhlenbeck, mean 8 pA, SD 6 pA,
 * correlation time 2 ms, GSL mt19937 seeded 2026). Output on stdout in the
 * engine's CSV form t_ms,v_mV,i_pA,sweep.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>

#include "channel.h"
#include "integrator.h"
#include "model.h"
#include "units.h"

#define N 1001
#define DT 0.1

int
main (void)
{
  const double area = 2.0 * M_PI * 1.0 * 10.0;
  nd_model *m = nd_model_new (1.0, area, -70.0, 6.3);
  nd_model_add_known (m, nd_channel_lookup ("hh_na"), 120.0, 50.0);
  nd_model_add_known (m, nd_channel_lookup ("hh_k"), 36.0, -75.0);
  nd_model_add_known (m, nd_channel_lookup ("leak"), 0.3, -70.0);
  const double steps[] = { 2.0, 6.0, 10.0, 14.0, 18.0 };
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 2026);
  double i_pA[N], dens[N], v[N];

  printf ("t_ms,v_mV,i_pA,sweep\n");
  for (int s = 0; s < 6; s++)
    {
      double x = 8.0;
      for (int j = 0; j < N; j++)
        {
          double t = j * DT;
          if (s < 5)
            i_pA[j] = (t >= 10.0 - 1e-9 && t < 90.0 - 1e-9) ? steps[s] : 0.0;
          else
            {
              /* Exact OU update over one sample interval. */
              double a = exp (-DT / 2.0);
              x = 8.0 + (x - 8.0) * a + 6.0 * sqrt (1.0 - a * a) * gsl_ran_gaussian (rng, 1.0);
              i_pA[j] = round (x * 1000.0) / 1000.0;
            }
          dens[j] = nd_pA_to_density (i_pA[j], area);
        }
      nd_drive d = { .n = N, .dt_sample = DT, .n_sub = 4, .i_inj = dens };
      nd_simulate (m, &d, v, NULL);
      for (int j = 0; j < N; j++)
        printf ("%.1f,%.6f,%.3f,%d\n", j * DT, v[j], i_pA[j], s);
    }
  gsl_rng_free (rng);
  nd_model_free (m);
  return 0;
}
