/* cli-simulate.c: neurode-cli simulate MODEL.json --stimulus REC.csv [--out OUT.csv]
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A current stimulus (i_pA) gives the membrane potential: sweep,t_ms,v_mV,i_pA.
 * A voltage-clamp one (a command v_cmd_mV, or a voltage-clamp recording)
 * gives the clamp's ionic current: sweep,t_ms,v_cmd_mV,i_pA, the capacitive
 * transient left out as after P/N subtraction (integrator.h).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "integrator.h"
#include "model-file.h"
#include "recording.h"
#include "units.h"

/* Integration steps per sample: the sample interval split into steps of at most max_dt. */
static int
sub_steps (double dt_sample, double max_dt)
{
  int n = (int) ceil (dt_sample / max_dt - 1e-9);
  return n < 1 ? 1 : n;
}

int
nd_cli_simulate (int argc, char **argv)
{
  g_autofree char *stim_path = NULL, *out_path = NULL;
  double max_dt = 0.025;
  GOptionEntry entries[] = {
    { "stimulus", 's', 0, G_OPTION_ARG_FILENAME, &stim_path, N_("Recording or stimulus table whose injected current (i_pA, per sweep) drives the model, or whose command potential (v_cmd_mV, voltage clamp) clamps it"), N_("REC.csv") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Write the trace here instead of standard output"), N_("OUT.csv") },
    { "dt", 0, 0, G_OPTION_ARG_DOUBLE, &max_dt, N_("Largest integration step in ms (default 0.025)"), N_("MS") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("MODEL.json — simulate a model under a recorded stimulus"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 2 || !stim_path)
    return nd_cli_fail (2, _("usage: neurode-cli simulate MODEL.json --stimulus REC.csv [--out OUT.csv]"));
  if (!(max_dt > 0.0) || max_dt > 1.0)
    return nd_cli_fail (2, _("--dt must be between 0 and 1 ms"));

  nd_model *m = nd_model_file_load (argv[1], NULL, &error);
  if (!m)
    return nd_cli_fail (1, "%s", error->message);
  NdRecording *stim = nd_recording_load (stim_path, &error);
  if (!stim)
    {
      nd_model_free (m);
      return nd_cli_fail (1, "%s", error->message);
    }
  FILE *out = out_path ? fopen (out_path, "w") : stdout;
  if (!out)
    {
      nd_recording_free (stim);
      nd_model_free (m);
      return nd_cli_fail (1, _("cannot write “%s”"), out_path);
    }
  const gboolean clamp = nd_recording_is_voltage_clamp (stim);
  fputs (clamp ? "sweep,t_ms,v_cmd_mV,i_pA\n" : "sweep,t_ms,v_mV,i_pA\n", out);
  int status = 0;
  const double dt_ms = 1000.0 / nd_recording_sample_rate_hz (stim);
  for (guint k = 0; k < nd_recording_n_sweeps (stim) && status == 0 && clamp; k++)
    {
      NdClampTrace cl;
      if (!nd_recording_get_command_sweep (stim, k, &cl, &error))
        {
          status = nd_cli_fail (1, "%s", error->message);
          break;
        }
      double *i = malloc (cl.n * sizeof *i);
      nd_drive d = { .n = cl.n, .dt_sample = dt_ms, .n_sub = sub_steps (dt_ms, max_dt), .v_clamp = cl.v_cmd_mV };
      nd_simulate (m, &d, i, NULL);
      for (size_t j = 0; j < cl.n; j++)
        fprintf (out, "%u,%.9g,%.6g,%.9g\n", k, cl.t_ms[j], cl.v_cmd_mV[j], nd_density_to_pA (i[j], m->area_um2));
      free (i);
      nd_clamp_trace_clear (&cl);
    }
  for (guint k = 0; k < nd_recording_n_sweeps (stim) && status == 0 && !clamp; k++)
    {
      NdSweepTrace sw;
      if (!nd_recording_get_stimulus_sweep (stim, k, &sw, &error))
        {
          status = nd_cli_fail (1, "%s", error->message);
          break;
        }
      double *dens = malloc (sw.n * sizeof *dens), *v = malloc (sw.n * sizeof *v);
      for (size_t j = 0; j < sw.n; j++)
        dens[j] = nd_pA_to_density (sw.i_pA[j], m->area_um2);
      nd_drive d = { .n = sw.n, .dt_sample = dt_ms, .n_sub = sub_steps (dt_ms, max_dt), .i_inj = dens };
      nd_simulate (m, &d, v, NULL);
      for (size_t j = 0; j < sw.n; j++)
        fprintf (out, "%u,%.9g,%.6f,%.9g\n", k, sw.t_ms[j], v[j], sw.i_pA[j]);
      free (dens);
      free (v);
      nd_sweep_trace_clear (&sw);
    }
  if (out != stdout && fclose (out) != 0 && status == 0)
    status = nd_cli_fail (1, _("cannot write “%s”"), out_path);
  nd_recording_free (stim);
  nd_model_free (m);
  return status;
}
