/* spike-shape.h: a synthetic spike of fixed shape for the engine tests that count spikes in made-up traces.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>

/* Adds to the n samples of v (dt ms apart) a spike peaking at t_peak, `height` mV above the trace there:
 * a 0.4 ms rise, a 1 ms fall and a 5 ms afterhyperpolarisation, so that peak times are exact. */
static inline void
add_spike (double *v, size_t n, double dt, double t_peak, double height)
{
  for (size_t j = 0; j < n; j++)
    {
      double t = j * dt - t_peak, s = 0.0;
      if (t > -0.4 && t <= 0.0)
        s = height * (1.0 + t / 0.4) * (1.0 + t / 0.4);
      else if (t > 0.0 && t < 1.0)
        s = height * (1.0 - t) - 8.0 * t;
      else if (t >= 1.0 && t < 6.0)
        s = -8.0 * (6.0 - t) / 5.0;
      v[j] += s;
    }
}
