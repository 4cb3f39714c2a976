/* test-cell-file.c: reading cell description files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shipped CA1 file must give the published set-up (154 compartments,
 * the four channels everywhere, Ra 100, the 0.65 nA soma step); region lists
 * override "all"; missing values take the defaults; broken files are refused
 * with a message that names the problem.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cell-file.h"
#include "nd-check.h"

static char *dir;

static char *
write_cell (const char *name, const char *json)
{
  char *path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, json, -1, NULL);
  return path;
}

static void
expect_error (const char *what, const char *json, const char *expect)
{
  g_autofree char *path = write_cell ("broken.json", json);
  g_autoptr (GError) error = NULL;
  g_autoptr (NdCellFile) file = nd_cell_file_load (path, &error);
  g_autoptr (NdCell) cell = NULL;
  if (file)
    cell = nd_cell_build (file, &error);
  ND_CHECK (cell == NULL && error != NULL, "%s: accepted", what);
  ND_CHECK (error && strstr (error->message, expect), "%s: message “%s” lacks “%s”", what,
            error ? error->message : "", expect);
}

#define HEAD "{ \"format\": \"neurode-cell\", \"version\": 1, \"morphology\": \"cell.swc\", "

int
main (void)
{
  /* The shipped cell. */
  g_autofree char *shipped = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "cells", "ca1-pospischil.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (NdCellFile) ca1 = nd_cell_file_load (shipped, &error);
  ND_CHECK (ca1 != NULL, "shipped cell: %s", error ? error->message : "");
  if (ca1)
    {
      g_autoptr (NdCell) cell = nd_cell_build (ca1, &error);
      ND_CHECK (cell && cell->cable->n_compartments == 154, "154 compartments");
      ND_CHECK (ca1->ra_ohm_cm == 100.0 && ca1->membrane.cm == 1.0 && ca1->v_init_mV == -70.0, "passive");
      ND_CHECK (ca1->has_protocol && ca1->step_amplitude_pA == 650.0 && ca1->step_start_ms == 10.0
                && ca1->step_end_ms == 50.0 && ca1->duration_ms == 70.0 && ca1->dt_ms == 0.025, "protocol");
      for (int r = 0; r < ND_N_REGIONS; r++)
        ND_CHECK (ca1->membrane.n_channels[r] == 4 && ca1->membrane.channels[r][0].gbar == 50.0
                  && ca1->membrane.channels[r][2].gbar == 0.004 && ca1->membrane.channels[r][3].e_rev == -70.0,
                  "channels of region %d", r);
      ND_CHECK (cell && cell->stim_node == cell->soma_node && cell->soma_node == 0, "stimulus at the soma");
    }

  /* A small cell beside its file: relative morphology path, defaults, region override. */
  dir = g_dir_make_tmp ("neurode-cell-XXXXXX", NULL);
  g_autofree char *swc = write_cell ("cell.swc", "1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 200 0 1 2\n4 4 0 -10 0 2 1\n5 4 0 -300 0 1 4\n");
  g_autofree char *path = write_cell ("small.json", HEAD
      "\"segmentation\": { \"d_lambda\": 0.1 },"
      "\"channels\": { \"all\": [ { \"type\": \"leak\" } ],"
      "  \"apical\": [ { \"type\": \"hh_na\", \"gbar_mS_cm2\": 10 }, { \"type\": \"leak\", \"e_mV\": -65 } ] },"
      "\"stimulus\": { \"section\": \"apic[0]\", \"x\": 1 } }");
  g_autoptr (NdCellFile) small = nd_cell_file_load (path, &error);
  ND_CHECK (small != NULL, "small cell: %s", error ? error->message : "");
  if (small)
    {
      ND_CHECK (strcmp (small->morphology_path, swc) == 0, "morphology beside the file: %s", small->morphology_path);
      ND_CHECK (small->segmentation.mode == ND_SEGMENT_D_LAMBDA && small->segmentation.freq_hz == 100.0, "d_lambda");
      ND_CHECK (small->ra_ohm_cm == 100.0 && small->membrane.cm == 1.0 && !small->has_protocol, "defaults");
      const nd_channel_kind *leak = nd_channel_lookup ("leak");
      ND_CHECK (small->membrane.n_channels[ND_REGION_BASAL] == 1
                && small->membrane.channels[ND_REGION_BASAL][0].gbar == leak->gbar_default
                && small->membrane.channels[ND_REGION_BASAL][0].e_rev == leak->e_default, "all + defaults");
      ND_CHECK (small->membrane.n_channels[ND_REGION_APICAL] == 2
                && small->membrane.channels[ND_REGION_APICAL][0].gbar == 10.0
                && small->membrane.channels[ND_REGION_APICAL][1].e_rev == -65.0, "apical override");
      g_autoptr (NdCell) cell = nd_cell_build (small, &error);
      ND_CHECK (cell != NULL, "small cell build: %s", error ? error->message : "");
      if (cell)
        {
          int apic = nd_morph_find_section (cell->morph, "apic[0]");
          ND_CHECK (apic >= 0 && cell->cable->section[cell->stim_node] == apic
                    && cell->stim_node == cell->cable->section_first[apic] + cell->cable->section_nseg[apic] - 1,
                    "stimulus in apic[0]'s last compartment");
        }
    }

  expect_error ("not json", "{ nope", "line 1, column 3: “nope”: member names must be text in double quotes");
  expect_error ("single quotes", "{ 'format': 1 }", "line 1, column 3: text must be in double quotes");
  expect_error ("data after the end", HEAD "\"channels\": {} } x", "comes after the end");
  expect_error ("text name", HEAD "\"name\": 3, \"channels\": {} }", "“name” must be text");
  expect_error ("8 TB protocol", HEAD "\"channels\": { \"all\": [] }, \"protocol\": { \"duration_ms\": 1e7, \"dt_ms\": 1e-5 } }",
                "the protocol asks for 1e+12 samples");
  {
    GString *deep = g_string_new (HEAD "\"channels\": { \"all\": ");
    for (int i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    expect_error ("deep nesting", deep->str, "nested more than 64 levels deep");
    g_string_free (deep, TRUE);
  }
  {
    g_autoptr (GError) dev_error = NULL;
    ND_CHECK (nd_cell_file_load ("/dev/zero", &dev_error) == NULL && dev_error
              && strstr (dev_error->message, "not a file but a device"), "/dev/zero as a cell file");
  }
  expect_error ("not a cell", "{ \"format\": \"something\" }", "not a Neurode cell file");
  expect_error ("newer version", "{ \"format\": \"neurode-cell\", \"version\": 7 }", "version 7");
  expect_error ("no morphology", "{ \"format\": \"neurode-cell\", \"channels\": {} }", "no “morphology”");
  expect_error ("no channels", HEAD "\"passive\": {} }", "no “channels”");
  expect_error ("both segmentations", HEAD "\"segmentation\": { \"per_branch\": 2, \"d_lambda\": 0.1 }, \"channels\": {} }", "choose one");
  expect_error ("fractional per_branch", HEAD "\"segmentation\": { \"per_branch\": 1.5 }, \"channels\": {} }", "whole number");
  expect_error ("text Ra", HEAD "\"passive\": { \"ra_ohm_cm\": \"high\" }, \"channels\": {} }", "“passive.ra_ohm_cm” must be a number");
  expect_error ("negative cm", HEAD "\"passive\": { \"cm_uF_cm2\": -1 }, \"channels\": {} }", "“passive.cm_uF_cm2” is -1");
  expect_error ("unknown region", HEAD "\"channels\": { \"dendrites\": [] } }", "unknown region “dendrites”");
  expect_error ("unknown channel", HEAD "\"channels\": { \"all\": [ { \"type\": \"kv_magic\" } ] } }", "unknown type “kv_magic”");
  expect_error ("channel not a list", HEAD "\"channels\": { \"soma\": 3 } }", "must be a list");
  expect_error ("negative gbar", HEAD "\"channels\": { \"all\": [ { \"type\": \"leak\", \"gbar_mS_cm2\": -2 } ] } }", "gbar_mS_cm2");
  expect_error ("no such section", HEAD "\"channels\": { \"all\": [] }, \"stimulus\": { \"section\": \"apic[9]\" } }", "apic[9]");
  expect_error ("section number too large", HEAD "\"channels\": { \"all\": [] }, \"stimulus\": { \"section\": 99 } }", "sections 0 to");
  expect_error ("x outside", HEAD "\"channels\": { \"all\": [] }, \"stimulus\": { \"x\": 2 } }", "“stimulus.x” is 2");
  expect_error ("step backwards", HEAD "\"channels\": { \"all\": [] }, \"protocol\": { \"start_ms\": 50, \"end_ms\": 10 } }", "ends");
  expect_error ("missing swc", "{ \"format\": \"neurode-cell\", \"morphology\": \"none.swc\", \"channels\": { \"all\": [] } }", "none.swc");
  g_free (write_cell ("bad.swc", "1 1 0 0 0 5 -1\n2 3 0 10 0 0 1\n"));
  expect_error ("broken swc", "{ \"format\": \"neurode-cell\", \"morphology\": \"bad.swc\", \"channels\": { \"all\": [] } }", "radius 0");

  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
  g_free (dir);
  return nd_check_done ("cell-file");
}
