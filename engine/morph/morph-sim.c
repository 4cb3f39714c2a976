/* morph-sim.c: implicit Euler on the tree, exponential Euler for the gates.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "morph-sim.h"

#include <math.h>
#include <stdlib.h>

#include "alloc.h"
#include "hines.h"

/* 1 uF/cm2 over 1 um2 = 0.01 pF; 1 mS/cm2 over 1 um2 = 0.01 nS. */
#define PER_UM2 0.01

typedef struct {
  int node;
  const nd_channel_kind *kind;
  double g_nS;      /* gbar * area */
  double e_rev;
  int gate0;        /* first gate in the gate array */
} instance;

struct nd_morph_sim {
  const nd_cable *cable;
  double dt, t, celsius;
  int n;
  double *v, *c_pF, *d, *rhs, *dv;
  instance *inst;
  int n_inst;
  double *gates;
  int n_gates;
  /* neighbours of each node (parent and children) for the axial current */
  int *child_first, *children;
};

nd_morph_sim *
nd_morph_sim_new (const nd_cable *cable, const nd_membrane *m, double dt)
{
  nd_morph_sim *s = nd_calloc (1, sizeof *s);
  int n = cable->n_nodes;
  s->cable = cable;
  s->dt = dt;
  s->celsius = m->celsius;
  s->n = n;
  s->v = nd_calloc ((size_t) n, sizeof (double));
  s->c_pF = nd_calloc ((size_t) n, sizeof (double));
  s->d = nd_calloc ((size_t) n, sizeof (double));
  s->rhs = nd_calloc ((size_t) n, sizeof (double));
  s->dv = nd_calloc ((size_t) n, sizeof (double));

  int n_inst = 0, n_gates = 0;
  for (int i = 0; i < n; i++)
    if (cable->area_um2[i] > 0.0)
      {
        nd_region r = cable->region[i];
        n_inst += m->n_channels[r];
        for (int k = 0; k < m->n_channels[r]; k++)
          n_gates += m->channels[r][k].kind->n_gates;
      }
  s->inst = nd_calloc ((size_t) (n_inst ? n_inst : 1), sizeof (instance));
  s->gates = nd_calloc ((size_t) (n_gates ? n_gates : 1), sizeof (double));
  s->n_inst = n_inst;
  s->n_gates = n_gates;
  int ii = 0, gi = 0;
  for (int i = 0; i < n; i++)
    {
      double area = cable->area_um2[i];
      s->c_pF[i] = m->cm * area * PER_UM2;
      if (!(area > 0.0))
        continue;
      nd_region r = cable->region[i];
      for (int k = 0; k < m->n_channels[r]; k++)
        {
          const nd_channel_density *cd = &m->channels[r][k];
          s->inst[ii++] = (instance) {
            .node = i, .kind = cd->kind, .g_nS = cd->gbar * area * PER_UM2, .e_rev = cd->e_rev, .gate0 = gi,
          };
          gi += cd->kind->n_gates;
        }
    }

  s->child_first = nd_calloc ((size_t) n + 1, sizeof (int));
  s->children = nd_calloc ((size_t) (n ? n : 1), sizeof (int));
  for (int i = 1; i < n; i++)
    s->child_first[cable->parent[i] + 1]++;
  for (int i = 0; i < n; i++)
    s->child_first[i + 1] += s->child_first[i];
  int *fill = nd_calloc ((size_t) n, sizeof (int));
  for (int i = 1; i < n; i++)
    {
      int p = cable->parent[i];
      s->children[s->child_first[p] + fill[p]++] = i;
    }
  free (fill);
  return s;
}

void
nd_morph_sim_free (nd_morph_sim *s)
{
  if (!s)
    return;
  free (s->v);
  free (s->c_pF);
  free (s->d);
  free (s->rhs);
  free (s->dv);
  free (s->inst);
  free (s->gates);
  free (s->child_first);
  free (s->children);
  free (s);
}

void
nd_morph_sim_init (nd_morph_sim *s, double v0)
{
  for (int i = 0; i < s->n; i++)
    s->v[i] = v0;
  for (int k = 0; k < s->n_inst; k++)
    {
      const instance *in = &s->inst[k];
      for (int g = 0; g < in->kind->n_gates; g++)
        {
          nd_gate_rates r;
          in->kind->gates[g].rates (in->kind->data, v0, s->celsius, &r);
          s->gates[in->gate0 + g] = r.x_inf;
        }
    }
  s->t = 0.0;
}

static double
open_fraction (const instance *in, const double *gates)
{
  double open = 1.0;
  for (int g = 0; g < in->kind->n_gates; g++)
    {
      double x = gates[in->gate0 + g];
      for (int p = 0; p < in->kind->gates[g].power; p++)
        open *= x;
    }
  return open;
}

void
nd_morph_sim_step (nd_morph_sim *s, int stim_node, double i_pA)
{
  const nd_cable *c = s->cable;
  const double dt = s->dt;
  int n = s->n;
  double *v = s->v, *d = s->d, *rhs = s->rhs;

  for (int i = 0; i < n; i++)
    {
      d[i] = s->c_pF[i] / dt;
      rhs[i] = 0.0;
    }
  for (int k = 0; k < s->n_inst; k++)
    {
      const instance *in = &s->inst[k];
      double g = in->g_nS * open_fraction (in, s->gates);
      d[in->node] += g;
      rhs[in->node] -= g * (v[in->node] - in->e_rev);
    }
  if (stim_node >= 0 && stim_node < n)
    rhs[stim_node] += i_pA;
  for (int i = 1; i < n; i++)
    {
      int p = c->parent[i];
      double g = c->g_axial_nS[i];
      double flow = g * (v[p] - v[i]);
      d[i] += g;
      d[p] += g;
      rhs[i] += flow;
      rhs[p] -= flow;
    }
  nd_hines_solve (n, c->parent, c->g_axial_nS, d, rhs, s->dv);
  for (int i = 0; i < n; i++)
    v[i] += s->dv[i];

  for (int k = 0; k < s->n_inst; k++)
    {
      const instance *in = &s->inst[k];
      double vn = v[in->node];
      for (int g = 0; g < in->kind->n_gates; g++)
        {
          nd_gate_rates r;
          in->kind->gates[g].rates (in->kind->data, vn, s->celsius, &r);
          double *x = &s->gates[in->gate0 + g];
          if (r.tau > 0.0)
            *x += -expm1 (-dt / r.tau) * (r.x_inf - *x);
          else
            *x = r.x_inf;
        }
    }
  s->t += dt;
}

const double *
nd_morph_sim_voltages (const nd_morph_sim *s)
{
  return s->v;
}

double
nd_morph_sim_time (const nd_morph_sim *s)
{
  return s->t;
}

double
nd_morph_sim_axial_current (const nd_morph_sim *s, int node)
{
  const nd_cable *c = s->cable;
  if (node < 0 || node >= s->n)
    return 0.0;
  double i = 0.0;
  if (node > 0)
    i += c->g_axial_nS[node] * (s->v[node] - s->v[c->parent[node]]);
  for (int k = s->child_first[node]; k < s->child_first[node + 1]; k++)
    {
      int ch = s->children[k];
      i += c->g_axial_nS[ch] * (s->v[node] - s->v[ch]);
    }
  return i;
}
