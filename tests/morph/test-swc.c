/* test-swc.c: SWC import on the real CA1 morphology and on broken files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/morph.h"
#include "nd-check.h"

static char err[ND_MORPH_ERROR_LEN];

/* Parses text that must fail with a message containing `expect`. */
static void
expect_error (const char *what, const char *text, const char *expect)
{
  err[0] = '\0';
  nd_swc *swc = nd_swc_parse (text, strlen (text), err, sizeof err);
  ND_CHECK (swc == NULL, "%s: a broken file was accepted", what);
  ND_CHECK (strstr (err, expect) != NULL, "%s: message “%s” lacks “%s”", what, err, expect);
  nd_swc_free (swc);
}

static nd_swc *
parse_ok (const char *what, const char *text)
{
  err[0] = '\0';
  nd_swc *swc = nd_swc_parse (text, strlen (text), err, sizeof err);
  ND_CHECK (swc != NULL, "%s: refused: %s", what, err);
  return swc;
}

static void
test_real_file (void)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/morphology/morph_ca1_n120_single_point_soma.swc", getenv ("ND_TEST_DATA"));
  nd_swc *swc = nd_swc_read_file (path, err, sizeof err);
  ND_CHECK (swc != NULL, "CA1 file refused: %s", err);
  if (!swc)
    return;
  int count[ND_N_REGIONS] = { 0 };
  for (int i = 0; i < swc->n_points; i++)
    count[nd_region_from_swc_type (swc->points[i].type)]++;
  /* Counted independently with awk on the file. */
  ND_CHECK (swc->n_points == 2619, "%d points", swc->n_points);
  ND_CHECK (count[ND_REGION_SOMA] == 1 && count[ND_REGION_BASAL] == 1776 && count[ND_REGION_APICAL] == 842,
            "soma %d basal %d apical %d", count[ND_REGION_SOMA], count[ND_REGION_BASAL], count[ND_REGION_APICAL]);
  ND_CHECK_CLOSE (swc->points[0].radius, 10.327666283, 1e-9, 0, "soma radius");
  ND_CHECK (swc->points[1].parent == 0 && swc->points[1].type == 4, "point 2 hangs off the soma");
  ND_CHECK_CLOSE (swc->points[5].x, 15.859999657, 1e-9, 0, "x of point 6");
  for (int i = 1; i < swc->n_points; i++)
    ND_CHECK (swc->points[i].parent >= 0 && swc->points[i].parent < i, "parent order at %d", i);

  nd_morph *m = nd_morph_from_swc (swc, err, sizeof err);
  ND_CHECK (m && m->n_sections == 154, "sections: %d (NEURON: 154)", m ? m->n_sections : -1);
  if (m)
    {
      const nd_section *soma = &m->sections[0];
      ND_CHECK (soma->n_points == 3 && soma->region == ND_REGION_SOMA, "one-point soma as a 3-point cylinder");
      ND_CHECK_CLOSE (soma->length, 2 * 10.327666283, 1e-5, 0, "soma L = diam");
    }
  nd_morph_free (m);
  nd_swc_free (swc);
}

static void
test_broken (void)
{
  expect_error ("cycle", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 3\n3 3 0 2 0 1 2\n", "loop");
  expect_error ("all in a loop", "1 1 0 0 0 5 2\n2 3 0 1 0 1 1\n", "loop");
  expect_error ("self parent", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 2\n", "own parent");
  expect_error ("missing parent", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 7\n", "parent 7");
  expect_error ("zero radius", "1 1 0 0 0 5 -1\n2 3 0 1 0 0 1\n", "radius 0");
  expect_error ("negative radius", "1 1 0 0 0 5 -1\n2 3 0 1 0 -0.5 1\n", "radii must be positive");
  /* Found by fuzz-swc (tests/data/morphology/fuzz-swc-huge-type.swc): a whole type beyond an int (UBSan). */
  expect_error ("huge type", "1 666666666666 0 0 0 5 -1\n", "too large");
  expect_error ("duplicate id", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 1\n2 3 0 2 0 1 1\n", "id 2 is used twice");
  expect_error ("no soma", "1 3 0 0 0 5 -1\n2 3 0 1 0 1 1\n", "no soma");
  expect_error ("root not soma", "1 3 0 0 0 5 -1\n2 1 0 1 0 1 1\n", "not a soma");
  expect_error ("text in a number", "1 1 0 0 0 5 -1\n2 3 0 abc 0 1 1\n", "line 2: the y “abc” is not a number");
  expect_error ("fractional id", "1 1 0 0 0 5 -1\n2.5 3 0 1 0 1 1\n", "whole number");
  expect_error ("too few fields", "1 1 0 0 0 5 -1\n2 3 0 1 0 1\n", "6 fields");
  expect_error ("too many fields", "1 1 0 0 0 5 -1 9\n", "more than 7");
  expect_error ("two roots", "1 1 0 0 0 5 -1\n2 1 0 1 0 1 -1\n", "two points without a parent");
  expect_error ("empty", "# only a comment\n\n", "no sample points");
  expect_error ("nan", "1 1 0 0 nan 5 -1\n", "not a number");
}

static void
test_orders_and_somas (void)
{
  /* Children listed before parents, comments and blank lines: parents first after reading. */
  nd_swc *swc = parse_ok ("unordered", "# header\n\n3 3 0 20 0 1 2\n2 3 0 10 0 1 1\n1 1 0 0 0 5 -1  # soma\n");
  if (swc)
    {
      ND_CHECK (swc->n_points == 3 && swc->points[0].id == 1 && swc->points[2].parent == 1, "order by id");
      nd_morph *m = nd_morph_from_swc (swc, err, sizeof err);
      /* One-point soma and one dendrite of two points attached by wire at 0.5. */
      ND_CHECK (m && m->n_sections == 2, "two sections");
      if (m)
        {
          ND_CHECK (m->sections[1].parent == 0 && m->sections[1].parent_x == 0.5, "dendrite at soma(0.5)");
          ND_CHECK (m->sections[1].n_points == 2 && m->sections[1].y[0] == 10.0, "wire: starts at its own first point");
          ND_CHECK_CLOSE (m->sections[1].length, 10.0, 1e-12, 0, "dendrite length");
        }
      nd_morph_free (m);
      nd_swc_free (swc);
    }
  /* NeuroMorpho's 3-point soma: a sphere, as in NEURON (values printed by NEURON 8.2 for this file:
   * soma[0] x -5..5 diam 10; dend[0] 2 points L 22 at soma(0.5); apic[0] 2 points L 42, diam 3 -> 2). */
  swc = parse_ok ("3-point soma", "1 1 0 0 0 5 -1\n2 1 0 -5 0 5 1\n3 1 0 5 0 5 1\n"
                  "4 3 8 0 0 1 1\n5 3 30 0 0 1 4\n6 4 -8 0 0 1.5 1\n7 4 -50 0 0 1 6\n");
  if (swc)
    {
      nd_morph *m = nd_morph_from_swc (swc, err, sizeof err);
      ND_CHECK (m && m->n_sections == 3, "3-point soma: %d sections (NEURON 3)", m ? m->n_sections : -1);
      if (m && m->n_sections == 3)
        {
          const nd_section *so = &m->sections[0], *de = &m->sections[1], *ap = &m->sections[2];
          ND_CHECK (so->n_points == 3 && so->x[0] == -5.0 && so->x[2] == 5.0 && so->y[0] == 0.0
                    && so->diam[1] == 10.0 && so->length == 10.0, "soma as NEURON's sphere_rep");
          ND_CHECK (de->parent == 0 && de->parent_x == 0.5 && de->n_points == 2 && de->length == 22.0, "dend[0]");
          ND_CHECK (ap->parent == 0 && ap->parent_x == 0.5 && ap->length == 42.0 && ap->diam[0] == 3.0
                    && ap->diam[1] == 2.0, "apic[0]");
          ND_CHECK_CLOSE (nd_section_area (so, 0, so->length), 314.1592653589793, 0, 1e-12, "soma area");
          ND_CHECK_CLOSE (nd_section_area (ap, 0, ap->length), 329.89060274413225, 0, 1e-12, "apic area");
        }
      nd_morph_free (m);
      nd_swc_free (swc);
    }
  /* Windows line ends, a byte-order mark, tabs. */
  swc = parse_ok ("CRLF and BOM", "\xEF\xBB\xBF# saved on Windows\r\n1\t1 0 0 0 5 -1\r\n2 3 0 10 0 1 1\r\n");
  ND_CHECK (swc && swc->n_points == 2 && swc->points[1].parent_id == 1, "CRLF file");
  nd_swc_free (swc);
  /* Parent with a larger id than its child: depth-first order. */
  swc = parse_ok ("parent after child", "1 1 0 0 0 5 -1\n2 3 0 20 0 1 5\n5 3 0 10 0 1 1\n");
  if (swc)
    {
      ND_CHECK (swc->points[1].id == 5 && swc->points[2].id == 2 && swc->points[2].parent == 1, "depth-first order");
      nd_swc_free (swc);
    }
  /* Three-point soma chain along y, a basal branch splitting in two, an axon. */
  swc = parse_ok ("multi-point soma",
                  "1 1 0 0 0 5 -1\n2 1 0 5 0 5 1\n3 1 0 10 0 4 2\n"
                  "4 3 0 20 0 1 3\n5 3 0 30 0 1 4\n6 3 5 40 0 0.5 5\n7 3 -5 40 0 0.5 5\n"
                  "8 2 0 -10 0 0.5 1\n9 2 0 -30 0 0.5 8\n");
  if (swc)
    {
      nd_morph *m = nd_morph_from_swc (swc, err, sizeof err);
      ND_CHECK (m && m->n_sections == 5, "soma, basal trunk, two basal children, axon: %d", m ? m->n_sections : -1);
      if (m && m->n_sections == 5)
        {
          const nd_section *soma = &m->sections[0], *trunk = &m->sections[1], *axon = &m->sections[4];
          ND_CHECK (soma->n_points == 3 && soma->length == 10.0, "soma of 3 points, 10 um");
          ND_CHECK (trunk->parent == 0 && trunk->parent_x == 1.0 && trunk->region == ND_REGION_BASAL, "trunk at soma(1)");
          /* NEURON: the first diameter of a dendrite on the soma is its own. */
          ND_CHECK (trunk->n_points == 3 && trunk->diam[0] == 2.0 && trunk->y[0] == 10.0, "trunk starts at the soma end");
          ND_CHECK (m->sections[2].parent == 1 && m->sections[3].parent == 1 && m->sections[2].parent_x == 1.0, "branches");
          ND_CHECK (m->sections[2].diam[0] == 2.0, "a branch starts with its parent's point and diameter");
          ND_CHECK (axon->parent == 0 && axon->parent_x == 0.0 && axon->region == ND_REGION_AXON, "axon at soma(0)");
        }
      nd_morph_free (m);
      nd_swc_free (swc);
    }
}

int
main (void)
{
  test_real_file ();
  test_broken ();
  test_orders_and_somas ();
  nd_swc *swc = nd_swc_read_file ("/nonexistent/cell.swc", err, sizeof err);
  ND_CHECK (swc == NULL && strstr (err, "cannot open"), "missing file: %s", err);
  return nd_check_done ("swc");
}
