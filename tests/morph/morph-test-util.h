/* morph-test-util.h: the CA1 cell of the published reduction and its membrane, for the morph tests.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#include "morph/cable.h"
#include "morph/morph-sim.h"
#include "nd-check.h"

static inline nd_morph *
load_ca1 (void)
{
  char path[4096], err[ND_MORPH_ERROR_LEN];
  snprintf (path, sizeof path, "%s/morphology/morph_ca1_n120_single_point_soma.swc", getenv ("ND_TEST_DATA"));
  nd_swc *swc = nd_swc_read_file (path, err, sizeof err);
  if (!swc)
    {
      fprintf (stderr, "%s\n", err);
      exit (1);
    }
  nd_morph *m = nd_morph_from_swc (swc, err, sizeof err);
  nd_swc_free (swc);
  if (!m)
    {
      fprintf (stderr, "%s\n", err);
      exit (1);
    }
  return m;
}

static inline FILE *
open_data (const char *name)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/morphology/%s", getenv ("ND_TEST_DATA"), name);
  FILE *f = fopen (path, "r");
  if (!f)
    {
      fprintf (stderr, "cannot open %s\n", path);
      exit (1);
    }
  return f;
}

/* The cell with one segment per section and the published axial resistance (100 ohm cm) and cm (1 uF/cm2). */
static inline nd_cable *
ca1_cable (const nd_morph *m)
{
  char err[ND_MORPH_ERROR_LEN];
  nd_segmentation one = { .mode = ND_SEGMENT_FIXED, .nseg = 1 };
  nd_cable *c = nd_cable_new (m, &one, 100.0, 1.0, err, sizeof err);
  if (!c)
    {
      fprintf (stderr, "%s\n", err);
      exit (1);
    }
  return c;
}

/* The published cell's membrane: Pospischil Na, Kd and M channels and a leak in every region, at 36 °C. */
static inline nd_membrane
ca1_membrane (void)
{
  nd_membrane mem = { .cm = 1.0, .celsius = 36.0 };
  for (int r = 0; r < ND_N_REGIONS; r++)
    {
      mem.channels[r][0] = (nd_channel_density) { nd_channel_lookup ("pospischil_na"), 50.0, 50.0 };
      mem.channels[r][1] = (nd_channel_density) { nd_channel_lookup ("pospischil_kd"), 5.0, -90.0 };
      mem.channels[r][2] = (nd_channel_density) { nd_channel_lookup ("pospischil_m"), 0.004, -90.0 };
      mem.channels[r][3] = (nd_channel_density) { nd_channel_lookup ("leak"), 0.1, -70.0 };
      mem.n_channels[r] = 4;
    }
  return mem;
}
