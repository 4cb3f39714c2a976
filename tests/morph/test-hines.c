/* test-hines.c: the Hines tree solve against GSL's dense LU solve.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a random 40-node tree and on the CA1 cell's 230-node tree (compartments
 * and junctions, with the implicit-Euler diagonal of a 0.025 ms step), the
 * O(n) elimination must give the solution of the full matrix.
 */
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "morph/hines.h"
#include "morph-test-util.h"

static double
check_tree (int n, const int *parent, const double *g, const double *diag_extra, gsl_rng *rng)
{
  gsl_matrix *a = gsl_matrix_calloc ((size_t) n, (size_t) n);
  gsl_vector *b = gsl_vector_alloc ((size_t) n), *x = gsl_vector_alloc ((size_t) n);
  double *d = malloc ((size_t) n * sizeof *d), *rhs = malloc ((size_t) n * sizeof *rhs);
  double *sol = malloc ((size_t) n * sizeof *sol);
  for (int i = 0; i < n; i++)
    {
      d[i] = diag_extra[i];
      rhs[i] = gsl_rng_uniform (rng) * 200.0 - 100.0;
      gsl_vector_set (b, (size_t) i, rhs[i]);
    }
  for (int i = 1; i < n; i++)
    {
      d[i] += g[i];
      d[parent[i]] += g[i];
      gsl_matrix_set (a, (size_t) i, (size_t) parent[i], -g[i]);
      gsl_matrix_set (a, (size_t) parent[i], (size_t) i, -g[i]);
    }
  for (int i = 0; i < n; i++)
    gsl_matrix_set (a, (size_t) i, (size_t) i, d[i]);
  gsl_permutation *perm = gsl_permutation_alloc ((size_t) n);
  int sign;
  gsl_linalg_LU_decomp (a, perm, &sign);
  gsl_linalg_LU_solve (a, perm, b, x);
  nd_hines_solve (n, parent, g, d, rhs, sol);
  double worst = 0.0, scale = 0.0;
  for (int i = 0; i < n; i++)
    {
      worst = fmax (worst, fabs (sol[i] - gsl_vector_get (x, (size_t) i)));
      scale = fmax (scale, fabs (gsl_vector_get (x, (size_t) i)));
    }
  gsl_permutation_free (perm);
  gsl_matrix_free (a);
  gsl_vector_free (b);
  gsl_vector_free (x);
  free (d);
  free (rhs);
  free (sol);
  return worst / scale;
}

int
main (void)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, 42);

  /* Random tree: each node's parent is any earlier node. */
  enum { N = 40 };
  int parent[N];
  double g[N], extra[N];
  for (int rep = 0; rep < 20; rep++)
    {
      parent[0] = -1;
      g[0] = 0.0;
      for (int i = 0; i < N; i++)
        {
          if (i > 0)
            {
              parent[i] = (int) gsl_rng_uniform_int (rng, (unsigned long) i);
              g[i] = 0.1 + 10.0 * gsl_rng_uniform (rng);
            }
          /* Some nodes without a diagonal term of their own, like junctions. */
          extra[i] = gsl_rng_uniform (rng) < 0.3 ? 0.0 : 0.01 + gsl_rng_uniform (rng);
        }
      extra[0] += 0.5;
      double err = check_tree (N, parent, g, extra, rng);
      ND_CHECK (err < 1e-12, "random tree %d: relative error %g", rep, err);
    }

  /* The CA1 cell. */
  nd_morph *m = load_ca1 ();
  char msg[ND_MORPH_ERROR_LEN];
  nd_segmentation one = { .mode = ND_SEGMENT_FIXED, .nseg = 1 };
  nd_cable *c = nd_cable_new (m, &one, 100.0, 1.0, msg, sizeof msg);
  double *diag = malloc ((size_t) c->n_nodes * sizeof *diag);
  for (int i = 0; i < c->n_nodes; i++)
    diag[i] = 1.0 * c->area_um2[i] * 0.01 / 0.025;   /* C/dt in nS */
  double err = check_tree (c->n_nodes, c->parent, c->g_axial_nS, diag, rng);
  ND_CHECK (err < 1e-10, "CA1 tree: relative error %g", err);
  printf ("CA1 tree: %d nodes (%d compartments), relative error %.3g\n", c->n_nodes, c->n_compartments, err);
  free (diag);
  nd_cable_free (c);
  nd_morph_free (m);
  gsl_rng_free (rng);
  return nd_check_done ("hines");
}
