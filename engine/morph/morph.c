/* morph.c: sections from SWC points, following NEURON's Import3d reader.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bookkeeping mirrors read_swc.hoc (mark_branch, sectionify, mksection)
 * and import3d_gui.hoc (chk_valid, sphere_rep) of NEURON 8.2 so that the
 * comparison with NEURON is like for like; see morph.h for the rules.
 */
#include "morph.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "morph-error.h"

typedef struct {
  int first;         /* first own point */
  int count;         /* own points */
  int parent;        /* section index, -1 for root */
  double parent_x;
  int wire;          /* NEURON's sec.first: 1 skips the parent point */
  int removed;
  int n_raw;         /* raw points: parent point (if any) + own points */
  int *raw;          /* point indices */
  double d0;         /* diameter of raw point 0 (may be replaced) */
} raw_section;

void
nd_morph_free (nd_morph *morph)
{
  if (!morph)
    return;
  for (int s = 0; s < morph->n_sections; s++)
    {
      free (morph->sections[s].x);
      free (morph->sections[s].y);
      free (morph->sections[s].z);
      free (morph->sections[s].diam);
      free (morph->sections[s].arc);
    }
  free (morph->sections);
  free (morph);
}

static double
single (double v)
{
  return (double) (float) v;
}

static void
section_alloc (nd_section *sec, int n)
{
  sec->n_points = n;
  sec->x = nd_malloc ((size_t) n * sizeof (double));
  sec->y = nd_malloc ((size_t) n * sizeof (double));
  sec->z = nd_malloc ((size_t) n * sizeof (double));
  sec->diam = nd_malloc ((size_t) n * sizeof (double));
  sec->arc = nd_malloc ((size_t) n * sizeof (double));
}

static void
section_finish (nd_section *sec)
{
  double arc = 0.0;
  sec->arc[0] = 0.0;
  for (int k = 1; k < sec->n_points; k++)
    {
      double dx = sec->x[k] - sec->x[k - 1], dy = sec->y[k] - sec->y[k - 1], dz = sec->z[k] - sec->z[k - 1];
      arc += sqrt (dx * dx + dy * dy + dz * dz);
      sec->arc[k] = single (arc);
    }
  sec->length = sec->arc[sec->n_points - 1];
}

/* NEURON's marks on the SWC points (read_swc.hoc). */
typedef struct {
  const nd_swc_point *pt;
  int n;
  int *nchild;         /* NEURON's nchild x 100; 100: the point continues its section */
  int *nchild_soma;    /* soma children of each soma point */
  int *connect2prox;   /* the point's section attaches at its parent's start */
  int *point2sec;      /* raw section of each point */
  int soma3geom;       /* NeuroMorpho.org's 3-point soma */
} swc_marks;

/* mark_branch: a contiguous child adds 1, a non-contiguous one 1.01, a type change 0.01. */
static void
mark_branch (swc_marks *mk)
{
  const nd_swc_point *pt = mk->pt;
  for (int i = 0; i < mk->n; i++)
    {
      int p = pt[i].parent;
      if (p < 0)
        continue;
      mk->nchild[p] += 100;
      if (p != i - 1)
        {
          mk->nchild[p] += 1;
          if (p > 1)
            {
              int pp = pt[p].parent;
              if (pt[p].type != 1 && pp >= 0 && pt[pp].type == 1)
                {
                  mk->connect2prox[i] = 1;
                  mk->nchild[p] = 100;
                }
            }
          else if (p == 0 && pt[p].type != 1)
            {
              mk->connect2prox[i] = 1;
              mk->nchild[p] = 100;
            }
        }
      if (pt[p].type != pt[i].type)
        mk->nchild[p] += 1;
    }
}

/* NeuroMorpho.org's 3-point soma (centre as root, two points one radius
 * away on either side, equal diameters, nothing attached to them) is a
 * sphere: NEURON keeps only the centre (neuromorph_3point_soma). */
static int
soma_3point (const swc_marks *mk)
{
  const nd_swc_point *pt = mk->pt;
  int n_soma = 0;
  for (int i = 0; i < mk->n; i++)
    n_soma += pt[i].type == 1;
  if (!(n_soma == 3 && mk->n >= 3 && pt[1].parent == 0 && pt[2].parent == 0 && mk->nchild[1] == 0
        && mk->nchild[2] == 0 && pt[1].radius == pt[0].radius && pt[2].radius == pt[0].radius))
    return 0;
  double len = 0.0;
  for (int i = 1; i <= 2; i++)
    len += sqrt ((pt[i].x - pt[0].x) * (pt[i].x - pt[0].x) + (pt[i].y - pt[0].y) * (pt[i].y - pt[0].y)
                 + (pt[i].z - pt[0].z) * (pt[i].z - pt[0].z));
  return fabs (len / (2.0 * pt[0].radius) - 1.0) < 0.01;
}

/* sectionify: soma points chained one after another stay one section. */
static void
sectionify_soma (swc_marks *mk)
{
  const nd_swc_point *pt = mk->pt;
  for (int i = 1; i < mk->n; i++)
    if (pt[i].type == 1 && pt[i].parent >= 0 && pt[pt[i].parent].type == 1)
      mk->nchild_soma[pt[i].parent]++;
  mk->soma3geom = soma_3point (mk);
  for (int i = 0; i < mk->n - 1; i++)
    {
      int parent_next = mk->soma3geom && i + 1 == 2 ? 1 : pt[i + 1].parent;
      if (pt[i].type == 1 && pt[i + 1].type == 1 && parent_next == i)
        if (!(i != 0 && mk->nchild_soma[i] > 1))
          mk->nchild[i] = 100;
    }
}

/* The raw sections: a point whose nchild is not 100 ends one. */
static raw_section *
split_sections (swc_marks *mk, int *n_raw)
{
  *n_raw = 0;
  for (int i = 0; i < mk->n; i++)
    *n_raw += mk->nchild[i] != 100;
  raw_section *rs = nd_calloc ((size_t) *n_raw, sizeof *rs);
  int si = 0, first = 0;
  for (int i = 0; i < mk->n; i++)
    {
      mk->point2sec[i] = si;
      if (mk->nchild[i] != 100)
        {
          rs[si].first = first;
          rs[si].count = i - first + 1;
          si++;
          first = i + 1;
        }
    }
  return rs;
}

/* mksection's choice of where section r attaches to its parent section psec
 * at point pix (parent_x), and whether it skips the parent point (wire). */
static void
attach (raw_section *r, const raw_section *psec, int ps, int pix, const swc_marks *mk)
{
  const nd_swc_point *pt = mk->pt;
  const int first = r->first;
  const int next = first + r->count;   /* NEURON's i */
  const int psec_type = pt[psec->first].type;
  const int psec_npts = psec->n_raw;   /* NEURON's psec.d.size */
  const int den_con_soma = psec_type == 1 && pt[first].type != 1;
  if (ps == 0)
    {
      if (den_con_soma && psec_npts == 1)
        {
          r->parent_x = 0.5;
          if (next - first > 1)
            r->wire = 1;
          return;
        }
      if (pix == psec->first)
        {
          r->parent_x = 0.0;
          if (pt[first].type != 1 && mk->nchild_soma[pix] > 1)
            r->wire = 1;
          return;
        }
    }
  if (psec_type != 1)
    return;
  int offset = psec->first == 0 ? -1 : -2;
  if (pix < psec->first + psec_npts + offset)
    {
      r->parent_x = 0.5;
      if (den_con_soma && next - first > 1)
        r->wire = 1;
    }
  else if (next - first > 1 && mk->nchild_soma[pix] > 1)
    {
      if (pt[first].type != 1)
        r->wire = 1;
    }
}

/* mksection: section s's parent, attachment and raw points. */
static void
mksection (raw_section *rs, int s, const swc_marks *mk)
{
  const nd_swc_point *pt = mk->pt;
  raw_section *r = &rs[s];
  int first = r->first;
  r->parent_x = 1.0;
  if (s == 0)
    {
      r->parent = -1;
      r->n_raw = mk->soma3geom ? 1 : r->count;
      r->raw = nd_malloc ((size_t) r->n_raw * sizeof (int));
      for (int k = 0; k < r->n_raw; k++)
        r->raw[k] = first + k;
      r->d0 = 2.0 * pt[first].radius;
      return;
    }
  int pix = pt[first].parent;
  int ps = mk->point2sec[pix];
  const raw_section *psec = &rs[ps];
  r->parent = ps;
  attach (r, psec, ps, pix, mk);
  r->n_raw = r->count + 1;
  r->raw = nd_malloc ((size_t) r->n_raw * sizeof (int));
  r->raw[0] = pix;
  for (int k = 0; k < r->count; k++)
    r->raw[k + 1] = first + k;
  r->d0 = 2.0 * pt[pix].radius;
  if (pt[psec->first].type == 1 && pt[first].type != 1)
    r->d0 = 2.0 * pt[first].radius;
  if (mk->connect2prox[first])
    r->parent_x = 0.0;
}

/* chk_valid: drop one-point and zero-length two-point sections. */
static void
chk_valid (raw_section *rs, int n_raw, const nd_swc_point *pt)
{
  for (int s = n_raw - 1; s >= 1; s--)
    {
      raw_section *r = &rs[s];
      int left = r->n_raw - r->wire;
      int drop = left <= 1;
      if (!drop && left <= 2)
        {
          const nd_swc_point *a = &pt[r->raw[r->wire]], *b = &pt[r->raw[r->wire + 1]];
          drop = a->x == b->x && a->y == b->y && a->z == b->z;
        }
      if (!drop)
        continue;
      r->removed = 1;
      for (int c = s + 1; c < n_raw; c++)
        if (!rs[c].removed && rs[c].parent == s)
          {
            rs[c].parent = r->parent;
            rs[c].parent_x = r->parent_x;
          }
    }
}

/* The 3-D points of raw section r (the root's s == 0). */
static void
section_points (nd_section *sec, const raw_section *r, int root, const nd_swc_point *pt)
{
  int n_pts = r->n_raw - r->wire;
  if (root && n_pts == 1)
    {
      /* sphere_rep: a 3-point cylinder along x with length = diameter. */
      const nd_swc_point *p = &pt[r->raw[0]];
      double d = 2.0 * p->radius;
      section_alloc (sec, 3);
      for (int k = 0; k < 3; k++)
        {
          sec->x[k] = single (p->x + (k - 1) * d / 2.0);
          sec->y[k] = single (p->y);
          sec->z[k] = single (p->z);
          sec->diam[k] = single (d);
        }
    }
  else
    {
      section_alloc (sec, n_pts);
      for (int k = 0; k < n_pts; k++)
        {
          int j = k + r->wire;
          const nd_swc_point *p = &pt[r->raw[j]];
          sec->x[k] = single (p->x);
          sec->y[k] = single (p->y);
          sec->z[k] = single (p->z);
          sec->diam[k] = single (j == 0 ? r->d0 : 2.0 * p->radius);
        }
    }
  section_finish (sec);
}

/* The sections left after chk_valid, renumbered. */
static nd_morph *
morph_from_raw (const raw_section *rs, int n_raw, const nd_swc_point *pt)
{
  int *new_index = nd_malloc ((size_t) n_raw * sizeof *new_index);
  int n_sec = 0;
  for (int s = 0; s < n_raw; s++)
    new_index[s] = rs[s].removed ? -1 : n_sec++;
  nd_morph *morph = nd_calloc (1, sizeof *morph);
  morph->sections = nd_calloc ((size_t) n_sec, sizeof *morph->sections);
  morph->n_sections = n_sec;
  for (int s = 0; s < n_raw; s++)
    {
      const raw_section *r = &rs[s];
      if (r->removed)
        continue;
      nd_section *sec = &morph->sections[new_index[s]];
      sec->type = pt[r->first].type;
      sec->region = nd_region_from_swc_type (sec->type);
      sec->parent = r->parent >= 0 ? new_index[r->parent] : -1;
      sec->parent_x = r->parent_x;
      section_points (sec, r, s == 0, pt);
    }
  free (new_index);
  return morph;
}

/* NEURON numbers sections per type in creation order. */
static void
number_by_type (nd_morph *morph)
{
  int n_sec = morph->n_sections;
  int n_types = 0, *types = nd_malloc ((size_t) n_sec * sizeof (int)), *counts = nd_calloc ((size_t) n_sec, sizeof (int));
  for (int s = 0; s < n_sec; s++)
    {
      int t = 0;
      while (t < n_types && types[t] != morph->sections[s].type)
        t++;
      if (t == n_types)
        types[n_types++] = morph->sections[s].type;
      morph->sections[s].type_index = counts[t]++;
    }
  free (types);
  free (counts);
}

nd_morph *
nd_morph_from_swc (const nd_swc *swc, char *err, size_t err_len)
{
  if (!swc || swc->n_points < 1)
    {
      nd_morph_set_error (err, err_len, "the morphology has no points");
      return NULL;
    }
  const nd_swc_point *pt = swc->points;
  int n = swc->n_points;
  if (pt[0].parent != -1 || pt[0].type != 1)
    {
      nd_morph_set_error (err, err_len, "the morphology does not start at a soma point");
      return NULL;
    }
  swc_marks mk = { .pt = pt, .n = n };
  mk.nchild = nd_calloc ((size_t) n, sizeof *mk.nchild);
  mk.nchild_soma = nd_calloc ((size_t) n, sizeof *mk.nchild_soma);
  mk.connect2prox = nd_calloc ((size_t) n, sizeof *mk.connect2prox);
  mk.point2sec = nd_calloc ((size_t) n, sizeof *mk.point2sec);
  mark_branch (&mk);
  sectionify_soma (&mk);
  int n_raw;
  raw_section *rs = split_sections (&mk, &n_raw);
  for (int s = 0; s < n_raw; s++)
    mksection (rs, s, &mk);
  chk_valid (rs, n_raw, pt);
  nd_morph *morph = morph_from_raw (rs, n_raw, pt);
  number_by_type (morph);
  for (int s = 0; s < n_raw; s++)
    free (rs[s].raw);
  free (rs);
  free (mk.nchild);
  free (mk.nchild_soma);
  free (mk.connect2prox);
  free (mk.point2sec);
  return morph;
}

/* Calls fn on each piece of the section within [a, b]: length l, end diameters. */
typedef void (*piece_fn) (double l, double da, double db, void *acc);

static void
for_pieces (const nd_section *sec, double a, double b, piece_fn fn, void *acc)
{
  for (int k = 0; k + 1 < sec->n_points; k++)
    {
      double s0 = sec->arc[k], s1 = sec->arc[k + 1];
      double d0 = sec->diam[k], d1 = sec->diam[k + 1];
      if (s1 <= s0)
        {
          /* A zero-length step in diameter counts once, in the piece holding it. */
          if ((s0 >= a && s0 < b) || (s0 == b && b == sec->length))
            fn (0.0, d0, d1, acc);
          continue;
        }
      double lo = fmax (a, s0), hi = fmin (b, s1);
      if (hi <= lo)
        continue;
      double da = d0 + (d1 - d0) * (lo - s0) / (s1 - s0);
      double db = d0 + (d1 - d0) * (hi - s0) / (s1 - s0);
      fn (hi - lo, da, db, acc);
    }
}

static void
area_piece (double l, double da, double db, void *acc)
{
  double dr = (db - da) / 2.0;
  *(double *) acc += M_PI * (da + db) / 2.0 * sqrt (l * l + dr * dr);
}

static void
resistance_piece (double l, double da, double db, void *acc)
{
  if (l > 0.0)
    *(double *) acc += 4.0 * l / (M_PI * da * db);
}

double
nd_section_area (const nd_section *sec, double a, double b)
{
  double area = 0.0;
  for_pieces (sec, a, b, area_piece, &area);
  return area;
}

double
nd_section_resistance (const nd_section *sec, double a, double b, double ra_ohm_cm)
{
  double r = 0.0;   /* 1/um */
  for_pieces (sec, a, b, resistance_piece, &r);
  /* Ohm cm / um = 1e4 Ohm = 1e-2 MOhm */
  return r * ra_ohm_cm * 1e-2;
}

double
nd_section_lambda_f (const nd_section *sec, double freq_hz, double ra_ohm_cm, double cm_uF_cm2)
{
  double lam = 0.0;
  for (int k = 1; k < sec->n_points; k++)
    lam += (sec->arc[k] - sec->arc[k - 1]) / sqrt (sec->diam[k] + sec->diam[k - 1]);
  lam *= sqrt (2.0) * 1e-5 * sqrt (4.0 * M_PI * freq_hz * ra_ohm_cm * cm_uF_cm2);
  if (!(lam > 0.0))
    return INFINITY;
  return sec->length / lam;
}

int
nd_section_nseg_d_lambda (const nd_section *sec, double d_lambda, double freq_hz,
                          double ra_ohm_cm, double cm_uF_cm2)
{
  double lf = nd_section_lambda_f (sec, freq_hz, ra_ohm_cm, cm_uF_cm2);
  double half = floor ((sec->length / (d_lambda * lf) + 0.9) / 2.0);
  if (!(half >= 0.0))
    return 1;
  if (half > ND_MAX_NSEG / 2)
    return ND_MAX_NSEG;
  return (int) half * 2 + 1;
}

static void
type_name (int type, char *buf, size_t len)
{
  switch (type)
    {
    case 1: snprintf (buf, len, "soma"); break;
    case 2: snprintf (buf, len, "axon"); break;
    case 3: snprintf (buf, len, "dend"); break;
    case 4: snprintf (buf, len, "apic"); break;
    default:
      if (type < 0)
        snprintf (buf, len, "minus_%d", -type);
      else
        snprintf (buf, len, "dend_%d", type);
    }
}

void
nd_section_name (const nd_section *sec, char *buf, size_t len)
{
  char t[32];
  type_name (sec->type, t, sizeof t);
  snprintf (buf, len, "%s[%d]", t, sec->type_index);
}

int
nd_morph_find_section (const nd_morph *morph, const char *name)
{
  if (!name)
    return -1;
  char buf[64];
  for (int s = 0; s < morph->n_sections; s++)
    {
      nd_section_name (&morph->sections[s], buf, sizeof buf);
      if (strcmp (buf, name) == 0)
        return s;
    }
  if (strcmp (name, "soma") == 0)
    return 0;
  return -1;
}
