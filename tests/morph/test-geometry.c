/* test-geometry.c: sections, areas, axial resistances and d_lambda against NEURON 8.2.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * neuron_ca1_sections.csv was written by NEURON itself (make_reference.py):
 * Import3d's sections of the CA1 cell with seg.area() and seg.ri() of the
 * one-segment discretisation at Ra 100 Ohm cm and nseg of the d_lambda rule.
 * Sections are matched by their first and last 3-D points; their names
 * (dend[12], apic[3]) must be NEURON's.
 */
#include <math.h>
#include <string.h>

#include "morph-test-util.h"

typedef struct {
  int parent, n3d, nseg_dl;
  double parent_x, first[3], last[3], L, area, ri_mid, ri_end;
  char name[64];
} nrn_section;

static int
same_point (const nd_section *s, int k, const double *p)
{
  return fabs (s->x[k] - p[0]) < 1e-4 && fabs (s->y[k] - p[1]) < 1e-4 && fabs (s->z[k] - p[2]) < 1e-4;
}

int
main (void)
{
  nd_morph *m = load_ca1 ();
  FILE *f = open_data ("neuron_ca1_sections.csv");
  char line[1024];
  nrn_section ref[512];
  int n = 0;
  if (!fgets (line, sizeof line, f))
    return 1;
  while (n < 512 && fgets (line, sizeof line, f))
    {
      nrn_section *r = &ref[n];
      int idx;
      if (sscanf (line, "%d,%d,%lf,%d,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%d,%63s", &idx, &r->parent, &r->parent_x,
                  &r->n3d, &r->first[0], &r->first[1], &r->first[2], &r->last[0], &r->last[1], &r->last[2],
                  &r->L, &r->area, &r->ri_mid, &r->ri_end, &r->nseg_dl, r->name) == 16)
        n++;
    }
  fclose (f);
  ND_CHECK (n == m->n_sections, "NEURON has %d sections, Neurode %d", n, m->n_sections);

  /* Map NEURON's sections to ours. */
  int map[512];
  for (int i = 0; i < n; i++)
    {
      map[i] = -1;
      for (int s = 0; s < m->n_sections; s++)
        {
          const nd_section *sec = &m->sections[s];
          if (sec->n_points == ref[i].n3d && same_point (sec, 0, ref[i].first)
              && same_point (sec, sec->n_points - 1, ref[i].last))
            map[i] = s;
        }
      ND_CHECK (map[i] >= 0, "NEURON section %d has no match", i);
    }

  const double ra = 100.0, cm = 1.0;
  nd_segmentation one = { .mode = ND_SEGMENT_FIXED, .nseg = 1 };
  char err[ND_MORPH_ERROR_LEN];
  nd_cable *c = nd_cable_new (m, &one, ra, cm, err, sizeof err);
  ND_CHECK (c != NULL, "cable: %s", err);
  if (!c)
    return 1;
  ND_CHECK (c->n_compartments == 154, "compartments: %d", c->n_compartments);
  double total = 0.0;
  int n_dl = 0, n_dl_ref = 0;
  for (int i = 0; i < n; i++)
    {
      int s = map[i];
      if (s < 0)
        continue;
      const nd_section *sec = &m->sections[s];
      const nrn_section *r = &ref[i];
      ND_CHECK (r->parent < 0 ? sec->parent < 0 : sec->parent == map[r->parent], "parent of section %d", i);
      ND_CHECK (r->parent < 0 || fabs (sec->parent_x - r->parent_x) < 1e-12, "parent_x of section %d", i);
      ND_CHECK_CLOSE (sec->length, r->L, 0, 1e-6, "L");
      char name[64];
      nd_section_name (sec, name, sizeof name);
      ND_CHECK (strcmp (name, r->name) == 0, "section %d: name %s, NEURON %s", i, name, r->name);
      ND_CHECK (nd_morph_find_section (m, r->name) == s, "find %s", r->name);
      int node = c->section_first[s];
      ND_CHECK_CLOSE (c->area_um2[node], r->area, 0, 1e-6, "area");
      total += r->area;
      if (sec->parent >= 0)
        ND_CHECK_CLOSE (1000.0 / c->g_axial_nS[node], r->ri_mid, 0, 1e-6, "ri(0.5)");
      else
        ND_CHECK_CLOSE (nd_section_resistance (sec, 0, sec->length / 2, ra), r->ri_mid, 0, 1e-6, "soma ri(0.5)");
      ND_CHECK_CLOSE (nd_section_resistance (sec, sec->length / 2, sec->length, ra), r->ri_end, 0, 1e-6, "ri(1)");
      int nseg = nd_section_nseg_d_lambda (sec, 0.1, 100.0, ra, cm);
      ND_CHECK (nseg == r->nseg_dl, "d_lambda nseg of section %d: %d, NEURON %d", i, nseg, r->nseg_dl);
      n_dl += nseg;
      n_dl_ref += r->nseg_dl;
    }
  ND_CHECK_CLOSE (nd_cable_total_area (c), total, 0, 1e-7, "total area");  /* per-section values are float-rounded */
  nd_cable_free (c);

  /* d_lambda cable: as many compartments as NEURON, same total area. */
  nd_segmentation dl = { .mode = ND_SEGMENT_D_LAMBDA, .d_lambda = 0.1, .freq_hz = 100.0 };
  c = nd_cable_new (m, &dl, ra, cm, err, sizeof err);
  ND_CHECK (c && c->n_compartments == n_dl_ref, "d_lambda compartments %d, NEURON %d", c ? c->n_compartments : -1, n_dl_ref);
  if (c)
    ND_CHECK_CLOSE (nd_cable_total_area (c), total, 0, 1e-7, "d_lambda total area");
  printf ("d_lambda 0.1 at 100 Hz: %d compartments (NEURON %d)\n", n_dl, n_dl_ref);
  nd_cable_free (c);
  nd_morph_free (m);
  return nd_check_done ("geometry");
}
