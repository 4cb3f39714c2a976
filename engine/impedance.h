/* impedance.h: a cell's impedance from a sine sweep (chirp), and its resonance.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Experimenters inject a sine sweep (a "ZAP" or chirp current) to find whether
 * a cell resonates: whether its voltage answers some frequency more than the
 * slowest (h- and M-currents make theta resonance in many neurons; a passive
 * membrane answers slow currents most). Each cycle of the current, from one
 * upward crossing of its mean to the next, gives the impedance at that
 * cycle's frequency: Z = V(f) / I(f), one term of the discrete Fourier
 * transform of each over the cycle. Cycles with a spike (from 2 ms before its
 * onset to 30 ms after its peak) are left out. The cycles' |Z| are summed up
 * in ND_IMPEDANCE_BANDS bands of equal width in log frequency (the median
 * frequency and |Z| of each); the resonance frequency is the largest band's, and Q the
 * largest over the lowest band's (Hutcheon and Yarom 2000: Q > 1 resonates).
 * A resonance at the lowest band means none.
 *
 * A sweep's current counts as a sine sweep when it crosses its mean at least
 * ND_IMPEDANCE_MIN_CYCLES times and its cycles' lengths change smoothly: each
 * within 25 % of the one before for nine in ten cycles (a noise current's do
 * not), and the cycles span an octave at least (a train of equal pulses does
 * not).
 */
#pragma once

#include <stdbool.h>

#include "cell-props.h"

#define ND_IMPEDANCE_BANDS 12
#define ND_IMPEDANCE_MIN_CYCLES 10

typedef struct {
  int n_bands;                          /* bands with cycles, in order of frequency */
  double f_Hz[ND_IMPEDANCE_BANDS];      /* the median frequency of its cycles */
  double z_MOhm[ND_IMPEDANCE_BANDS];    /* the median |Z| of its cycles */
  int n_cycles;                         /* cycles used, over all sweeps */
  double f_lo_Hz, f_hi_Hz;              /* the lowest and highest cycle's frequency */
  double resonance_Hz;                  /* 0: no resonance (the lowest band is the largest); NAN: not measured */
  double q;                             /* largest |Z| over the lowest band's */
} nd_impedance;

/* Measures the sweeps whose current is a sine sweep (ljp_mV subtracted from
 * V, as cell-props does; it does not change Z). Returns false when none is
 * (out->resonance_Hz NAN) or out of memory. */
bool nd_impedance_measure (const nd_cell_sweep *sweeps, int n, double ljp_mV, nd_impedance *out);
