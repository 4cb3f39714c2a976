/* morph-test-util.h: the CA1 cell of the published reduction, for the morph tests.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#include "morph/cable.h"
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
