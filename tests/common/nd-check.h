/* nd-check.h: minimal assertion helpers for the C tests of the engine and morphology code (no GLib in nd-core).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int nd_check_failures = 0;

#define ND_CHECK(cond, ...)                                             \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf (stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf (stderr, __VA_ARGS__);                                    \
      fputc ('\n', stderr);                                             \
      nd_check_failures++;                                              \
    }                                                                   \
  } while (0)

/* |a - b| <= tol_abs + tol_rel |b| */
#define ND_CHECK_CLOSE(a, b, tol_abs, tol_rel, what)                    \
  do {                                                                  \
    double a_ = (a), b_ = (b);                                          \
    ND_CHECK (fabs (a_ - b_) <= (tol_abs) + (tol_rel) * fabs (b_),      \
              "%s: got %.12g, expected %.12g", what, a_, b_);           \
  } while (0)

static inline int
nd_check_done (const char *name)
{
  if (nd_check_failures)
    {
      fprintf (stderr, "%s: %d check(s) failed\n", name, nd_check_failures);
      return 1;
    }
  printf ("%s: ok\n", name);
  return 0;
}
