/* hines.h: the tree-structured linear solve of a compartmental cell.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hines (1984): with nodes numbered so that every parent comes before its
 * children, the symmetric system
 *   d[i] x[i] - g[i] x[parent[i]] - sum_{children c} g[c] x[c] = rhs[i]
 * is solved in O(n) by eliminating from the leaves to the root and
 * substituting back. g[i] is the coupling of node i to its parent.
 * d and rhs are overwritten; x receives the solution.
 */
#pragma once

void nd_hines_solve (int n, const int *parent, const double *g, double *d, double *rhs, double *x);
