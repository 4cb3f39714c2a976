/* cable.c: compartments, areas and axial conductances of a morphology.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cable.h"

#include <math.h>
#include <stdlib.h>

#include "alloc.h"
#include "morph-error.h"

void
nd_cable_free (nd_cable *c)
{
  if (!c)
    return;
  free (c->parent);
  free (c->area_um2);
  free (c->g_axial_nS);
  free (c->section);
  free (c->x);
  free (c->region);
  free (c->section_first);
  free (c->section_nseg);
  free (c);
}

typedef struct {
  nd_cable *c;
  int cap;
} builder;

static int
add_node (builder *b, int parent, double area, double g, int section, double x, nd_region region)
{
  nd_cable *c = b->c;
  if (c->n_nodes == b->cap)
    {
      b->cap = b->cap ? 2 * b->cap : 64;
      c->parent = nd_realloc (c->parent, (size_t) b->cap * sizeof *c->parent);
      c->area_um2 = nd_realloc (c->area_um2, (size_t) b->cap * sizeof *c->area_um2);
      c->g_axial_nS = nd_realloc (c->g_axial_nS, (size_t) b->cap * sizeof *c->g_axial_nS);
      c->section = nd_realloc (c->section, (size_t) b->cap * sizeof *c->section);
      c->x = nd_realloc (c->x, (size_t) b->cap * sizeof *c->x);
      c->region = nd_realloc (c->region, (size_t) b->cap * sizeof *c->region);
    }
  int i = c->n_nodes++;
  c->parent[i] = parent;
  c->area_um2[i] = area;
  c->g_axial_nS[i] = g;
  c->section[i] = section;
  c->x[i] = x;
  c->region[i] = region;
  if (area > 0.0)
    c->n_compartments++;
  return i;
}

/* 1/MOhm = 1 uS = 1000 nS */
static double
conductance_nS (double r_mohm)
{
  return 1000.0 / r_mohm;
}

nd_cable *
nd_cable_new (const nd_morph *morph, const nd_segmentation *seg, double ra, double cm,
              char *err, size_t err_len)
{
  if (!(ra > 0.0) || !isfinite (ra))
    {
      nd_morph_set_error (err, err_len, "the axial resistivity must be positive (found %g Ω·cm)", ra);
      return NULL;
    }
  if (!(cm > 0.0) || !isfinite (cm))
    {
      nd_morph_set_error (err, err_len, "the membrane capacitance must be positive (found %g µF/cm²)", cm);
      return NULL;
    }
  if (seg->mode == ND_SEGMENT_FIXED && (seg->nseg < 1 || seg->nseg > 10000))
    {
      nd_morph_set_error (err, err_len, "compartments per branch must be between 1 and 10000 (found %d)", seg->nseg);
      return NULL;
    }
  if (seg->mode == ND_SEGMENT_D_LAMBDA && (!(seg->d_lambda > 0.0) || !(seg->freq_hz > 0.0)))
    {
      nd_morph_set_error (err, err_len, "d_lambda and its frequency must be positive");
      return NULL;
    }
  int ns = morph->n_sections;
  double total = 0.0;
  for (int s = 0; s < ns; s++)
    total += seg->mode == ND_SEGMENT_FIXED ? seg->nseg
             : nd_section_nseg_d_lambda (&morph->sections[s], seg->d_lambda, seg->freq_hz, ra, cm);
  if (total > ND_CABLE_MAX_COMPARTMENTS)
    {
      nd_morph_set_error (err, err_len, "this segmentation gives %.0f compartments; Neurode simulates at most %d",
                 total, ND_CABLE_MAX_COMPARTMENTS);
      return NULL;
    }
  nd_cable *c = nd_calloc (1, sizeof *c);
  builder b = { c, 0 };
  c->n_sections = ns;
  c->ra_ohm_cm = ra;
  c->section_first = nd_malloc ((size_t) ns * sizeof (int));
  c->section_nseg = nd_malloc ((size_t) ns * sizeof (int));
  int *end_node = nd_malloc ((size_t) ns * sizeof (int));     /* x = 1 junction, -1 until needed */
  int *attach_node = nd_malloc ((size_t) ns * sizeof (int));  /* node that x = 0 joins */
  int root_start = -1;                                       /* the root's x = 0 junction */

  for (int s = 0; s < ns; s++)
    {
      const nd_section *sec = &morph->sections[s];
      int nseg = seg->mode == ND_SEGMENT_FIXED ? seg->nseg
                 : nd_section_nseg_d_lambda (sec, seg->d_lambda, seg->freq_hz, ra, cm);
      double L = sec->length;
      if (!(L > 0.0))
        {
          nd_morph_set_error (err, err_len, "section %d has zero length", s);
          goto fail;
        }
      c->section_nseg[s] = nseg;
      end_node[s] = -1;

      int attach = -1;
      if (sec->parent >= 0)
        {
          int p = sec->parent;
          const nd_section *psec = &morph->sections[p];
          if (sec->parent_x >= 1.0)
            {
              if (end_node[p] < 0)
                {
                  int last = c->section_first[p] + c->section_nseg[p] - 1;
                  int pn = c->section_nseg[p];
                  double r = nd_section_resistance (psec, (pn - 0.5) / pn * psec->length, psec->length, ra);
                  end_node[p] = add_node (&b, last, 0.0, conductance_nS (r), p, 1.0, psec->region);
                }
              attach = end_node[p];
            }
          else if (sec->parent_x <= 0.0)
            {
              if (psec->parent >= 0)
                attach = attach_node[p];
              else
                {
                  if (root_start < 0)
                    {
                      int pn = c->section_nseg[p];
                      double r = nd_section_resistance (psec, 0.0, 0.5 / pn * psec->length, ra);
                      root_start = add_node (&b, c->section_first[p], 0.0, conductance_nS (r), p, 0.0, psec->region);
                    }
                  attach = root_start;
                }
            }
          else
            attach = nd_cable_node_at (c, p, sec->parent_x);
        }
      attach_node[s] = attach;

      for (int k = 0; k < nseg; k++)
        {
          double a = (double) k / nseg * L, bnd = (double) (k + 1) / nseg * L;
          double area = nd_section_area (sec, a, bnd);
          double r = nd_section_resistance (sec, (k == 0 ? 0.0 : (k - 0.5) / nseg * L), (k + 0.5) / nseg * L, ra);
          int parent = k == 0 ? attach : c->n_nodes - 1;
          double g = parent < 0 ? 0.0 : conductance_nS (r);
          if (!(area > 0.0))
            {
              nd_morph_set_error (err, err_len, "section %d has a compartment without membrane area", s);
              goto fail;
            }
          int node = add_node (&b, parent, area, g, s, (k + 0.5) / nseg, sec->region);
          if (k == 0)
            c->section_first[s] = node;
        }
    }
  free (end_node);
  free (attach_node);
  return c;

fail:
  free (end_node);
  free (attach_node);
  nd_cable_free (c);
  return NULL;
}

int
nd_cable_node_at (const nd_cable *c, int section, double x)
{
  if (section < 0 || section >= c->n_sections)
    return -1;
  int nseg = c->section_nseg[section];
  int k = (int) floor (x * nseg);
  if (k >= nseg)
    k = nseg - 1;
  if (k < 0)
    k = 0;
  return c->section_first[section] + k;
}

double
nd_cable_total_area (const nd_cable *c)
{
  double a = 0.0;
  for (int i = 0; i < c->n_nodes; i++)
    a += c->area_um2[i];
  return a;
}
