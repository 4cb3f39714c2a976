/* cli-morph-simulate.c: `neurode-cli morph-simulate`, a multicompartment cell's soma voltage.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads a cell file (JSON + SWC) and a stimulus (any recording Neurode reads,
 * e.g. a CSV with t_ms,i_pA[,sweep]); for each sweep simulates the cell from
 * rest with the stimulus injected at the cell's stimulus site and writes the
 * soma voltage at the stimulus' sample times: sweep,t_ms,v_mV,i_pA (and with
 * --axial the current the soma sends into the dendrites, i_axial_pA). Without
 * --stimulus the cell file's own step protocol is run.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cell-file.h"
#include "cli.h"
#include "cli-morph.h"
#include "cli-output.h"
#include "drive-check.h"
#include "integrator.h"
#include "nd-error.h"
#include "units.h"

/* "apic[3](0.25)" or "apic[3]" (x = 0.5): moves the stimulus there. */
static gboolean
parse_site (const char *site, NdCell *cell, GError **error)
{
  g_autofree char *name = g_strdup (site);
  double x = 0.5;
  char *open = strchr (name, '(');
  if (open)
    {
      char *end = NULL;
      *open = '\0';
      x = g_ascii_strtod (open + 1, &end);
      if (end == open + 1 || strcmp (end, ")") != 0 || !(x >= 0.0 && x <= 1.0))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("--site “%s”: write SECTION(X) with X from 0 to 1, e.g. “apic[3](0.5)”"), site);
          return FALSE;
        }
    }
  int sec = nd_morph_find_section (cell->morph, name);
  if (sec < 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("--site: the cell has no section “%s” (names as in NEURON: soma[0], dend[3], apic[12])"), name);
      return FALSE;
    }
  cell->stim_node = nd_cable_node_at (cell->cable, sec, x);
  return TRUE;
}

/* The cell file's step protocol as one sweep. */
static GArray *
protocol_sweeps (const NdCellFile *file)
{
  GArray *sweeps = nd_stimulus_sweeps_new ();
  nd_stimulus_sweep sw = { .dt_ms = file->dt_ms, .t0_ms = 0.0 };
  sw.n = (gsize) llround (file->duration_ms / file->dt_ms) + 1;
  sw.i_pA = g_new0 (double, sw.n);
  for (gsize k = 0; k < sw.n; k++)
    {
      /* Held over [t_k, t_k+1): on where that interval's middle is inside the step. */
      double t_mid = (k + 0.5) * sw.dt_ms;
      sw.i_pA[k] = t_mid >= file->step_start_ms && t_mid < file->step_end_ms ? file->step_amplitude_pA : 0.0;
    }
  g_array_append_val (sweeps, sw);
  return sweeps;
}

/* The sweeps to run: the --stimulus file's, else the cell file's protocol.
 * NULL with *status the exit status when there are none. */
static GArray *
stimulus_sweeps (const char *stim_path, const NdCellFile *file, const char *cell_path, int *status)
{
  g_autoptr (GError) error = NULL;
  if (stim_path)
    {
      GArray *sweeps = nd_stimulus_sweeps_load (stim_path, &error);
      if (!sweeps)
        *status = nd_cli_fail (1, "%s", error->message);
      return sweeps;
    }
  if (file->has_protocol)
    return protocol_sweeps (file);
  *status = nd_cli_fail (2, _("“%s” has no protocol; give a stimulus with --stimulus"), cell_path);
  return NULL;
}

/* Time taken and time simulated, summed over the sweeps for the closing line. */
typedef struct {
  double seconds, cpu_seconds, simulated_ms;
} SimTimes;

/* Simulates one sweep from rest, recording the soma's voltage (and axial
 * current) at every sample; stops where the voltage leaves the physical
 * range. The number of samples recorded. */
static gsize
run_sweep (nd_morph_sim *sim, const NdCell *cell, const NdCellFile *file, const nd_stimulus_sweep *sw, int sub,
           double *v, double *ax)
{
  nd_morph_sim_init (sim, file->v_init_mV);
  gsize done = 0;
  for (gsize k = 0; k < sw->n; k++, done++)
    {
      v[k] = nd_morph_sim_voltages (sim)[cell->soma_node];
      if (ax)
        ax[k] = nd_morph_sim_axial_current (sim, cell->soma_node);
      if (!(fabs (v[k]) <= ND_V_PHYSICAL_MV))
        break;
      if (k + 1 < sw->n)
        for (int j = 0; j < sub; j++)
          nd_morph_sim_step (sim, cell->stim_node, sw->i_pA[k]);
    }
  return done;
}

/* Sweep s simulated and its rows written to out, unless it diverged. The exit status. */
static int
simulate_sweep (const NdCell *cell, const NdCellFile *file, const nd_stimulus_sweep *sw, guint s, double dt_max,
                gboolean axial, FILE *out, SimTimes *times)
{
  g_autoptr (GError) error = NULL;
  int status = 0;
  int sub = nd_drive_substeps (sw->dt_ms, dt_max, sw->n, &error);
  if (sub == 0)
    return nd_cli_fail (1, _("sweep %u: %s"), s, error->message);
  nd_morph_sim *sim = nd_morph_sim_new (cell->cable, &file->membrane, sw->dt_ms / sub);
  g_autofree double *v = g_new (double, MAX (sw->n, 1));
  g_autofree double *ax = axial ? g_new (double, MAX (sw->n, 1)) : NULL;
  double t_start = nd_cli_now_s (CLOCK_MONOTONIC), cpu_start = nd_cli_now_s (CLOCK_PROCESS_CPUTIME_ID);
  gsize done = run_sweep (sim, cell, file, sw, sub, v, ax);
  times->seconds += nd_cli_now_s (CLOCK_MONOTONIC) - t_start;
  times->cpu_seconds += nd_cli_now_s (CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  if (done < sw->n)
    status = nd_cli_fail (1, _("sweep %u: the simulated voltage left ±%g mV at %g ms (the simulation diverged): "
                               "try a smaller --dt, or check the cell file's membrane and the current"),
                          s, ND_V_PHYSICAL_MV, sw->t0_ms + done * sw->dt_ms);
  for (gsize k = 0; k < done && status == 0; k++)
    {
      fprintf (out, "%u,%.6g,%.10g,%.10g", s, sw->t0_ms + k * sw->dt_ms, v[k], sw->i_pA[k]);
      if (ax)
        fprintf (out, ",%.10g", ax[k]);
      fputc ('\n', out);
    }
  times->simulated_ms += (sw->n > 0 ? sw->n - 1 : 0) * sw->dt_ms;
  nd_morph_sim_free (sim);
  return status;
}

/* The cell built, the stimulus chosen, then every sweep simulated into the
 * output, which is kept only when all of them are. */
int
nd_cli_morph_simulate (int argc, char **argv)
{
  g_autofree char *stim_path = NULL, *out_path = NULL;
  double dt_max = 0.025;
  gboolean axial = FALSE;
  g_autofree char *site = NULL;
  GOptionEntry entries[] = {
    { "stimulus", 's', 0, G_OPTION_ARG_FILENAME, &stim_path, N_("Stimulus recording (CSV t_ms,i_pA[,sweep], ABF, …); default: the cell file's protocol"), N_("FILE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Output CSV (sweep,t_ms,v_mV,i_pA); default: standard output"), N_("FILE") },
    { "dt", 0, 0, G_OPTION_ARG_DOUBLE, &dt_max, N_("Largest integration step in ms (default 0.025)"), N_("MS") },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("Inject the stimulus at this section instead of the cell file's site, e.g. “apic[3](0.5)”"), N_("SECTION(X)") },
    { "axial", 0, 0, G_OPTION_ARG_NONE, &axial, N_("Also write the axial current from the soma into the dendrites (i_axial_pA)"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("CELL.json — simulate a multicompartment cell"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 2)
    return nd_cli_fail (2, _("morph-simulate needs one cell file; see “neurode-cli morph-simulate --help”"));
  if (!(dt_max >= ND_DT_MIN_MS && dt_max <= ND_DT_MAX_MS))
    return nd_cli_fail (2, _("--dt is %g; the largest integration step must be %g to %g ms"), dt_max, ND_DT_MIN_MS,
                        ND_DT_MAX_MS);

  g_autoptr (NdCellFile) file = nd_cell_file_load (argv[1], &error);
  if (!file)
    return nd_cli_fail (1, "%s", error->message);
  g_autoptr (NdCell) cell = nd_cell_build (file, &error);
  if (!cell)
    return nd_cli_fail (1, "%s", error->message);

  if (site && !parse_site (site, cell, &error))
    return nd_cli_fail (2, "%s", error->message);

  int status = 0;
  GArray *sweeps = stimulus_sweeps (stim_path, file, argv[1], &status);
  if (!sweeps)
    return status;

  /* Written through a hidden file renamed into place when complete (cli-output.h). */
  NdCliOutput output;
  if (!nd_cli_output_open (&output, out_path, &error))
    {
      g_array_unref (sweeps);
      return nd_cli_fail (1, "%s", error->message);
    }
  FILE *out = output.file;
  fprintf (out, axial ? "sweep,t_ms,v_mV,i_pA,i_axial_pA\n" : "sweep,t_ms,v_mV,i_pA\n");

  SimTimes times = { 0 };
  for (guint s = 0; s < sweeps->len && status == 0; s++)
    status = simulate_sweep (cell, file, &g_array_index (sweeps, nd_stimulus_sweep, s), s, dt_max, axial, out,
                             &times);
  if (status != 0)
    nd_cli_output_abandon (&output);
  else if (!nd_cli_output_commit (&output, &error))
    status = nd_cli_fail (1, "%s", error->message);
  if (status == 0)
    fprintf (stderr, _("%u sweep(s), %d compartments, %.1f ms simulated in %.4f s (CPU %.4f s)\n"), sweeps->len,
             cell->cable->n_compartments, times.simulated_ms, times.seconds, times.cpu_seconds);
  g_array_unref (sweeps);
  return status;
}
