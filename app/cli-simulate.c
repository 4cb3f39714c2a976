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

#include "cli-output.h"
#include "cli.h"
#include "drive-check.h"
#include "integrator.h"
#include "model-file.h"
#include "recording.h"
#include "units.h"

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
  if (!(max_dt >= ND_DT_MIN_MS && max_dt <= ND_DT_MAX_MS))
    return nd_cli_fail (2, _("--dt is %g; the largest integration step must be %g to %g ms"), max_dt, ND_DT_MIN_MS,
                        ND_DT_MAX_MS);

  nd_model *m = nd_model_file_load (argv[1], NULL, &error);
  if (!m)
    return nd_cli_fail (1, "%s", error->message);
  NdRecording *stim = nd_recording_load (stim_path, &error);
  if (!stim)
    {
      nd_model_free (m);
      return nd_cli_fail (1, "%s", error->message);
    }
  NdCliOutput out;
  if (!nd_cli_output_open (&out, out_path, &error))
    {
      nd_recording_free (stim);
      nd_model_free (m);
      return nd_cli_fail (1, "%s", error->message);
    }
  const gboolean clamp = nd_recording_is_voltage_clamp (stim);
  fputs (clamp ? "sweep,t_ms,v_cmd_mV,i_pA\n" : "sweep,t_ms,v_mV,i_pA\n", out.file);
  const double dt_ms = 1000.0 / nd_recording_sample_rate_hz (stim);
  gboolean ok = TRUE;
  for (guint k = 0; k < nd_recording_n_sweeps (stim) && ok && clamp; k++)
    {
      NdClampTrace cl;
      if (!nd_recording_get_command_sweep (stim, k, &cl, &error))
        {
          ok = FALSE;
          break;
        }
      int n_sub = nd_drive_substeps (dt_ms, max_dt, cl.n, &error);
      ok = n_sub > 0;
      double *i = ok ? g_new (double, cl.n) : NULL;
      if (ok)
        {
          nd_drive d = { .n = cl.n, .dt_sample = dt_ms, .n_sub = n_sub, .v_clamp = cl.v_cmd_mV };
          nd_simulate (m, &d, i, NULL);
        }
      for (size_t j = 0; ok && j < cl.n; j++)
        fprintf (out.file, "%u,%.9g,%.6g,%.9g\n", k, cl.t_ms[j], cl.v_cmd_mV[j], nd_density_to_pA (i[j], m->area_um2));
      g_free (i);
      nd_clamp_trace_clear (&cl);
    }
  for (guint k = 0; k < nd_recording_n_sweeps (stim) && ok && !clamp; k++)
    {
      NdSweepTrace sw;
      if (!nd_recording_get_stimulus_sweep (stim, k, &sw, &error))
        {
          ok = FALSE;
          break;
        }
      int n_sub = nd_drive_substeps (dt_ms, max_dt, sw.n, &error);
      double *dens = NULL, *v = NULL;
      ok = n_sub > 0 && nd_drive_check_current (sw.i_pA, sw.n, dt_ms, (int) k, &error);
      if (ok)
        {
          dens = g_new (double, sw.n);
          v = g_new (double, sw.n);
          for (size_t j = 0; j < sw.n; j++)
            dens[j] = nd_pA_to_density (sw.i_pA[j], m->area_um2);
          nd_drive d = { .n = sw.n, .dt_sample = dt_ms, .n_sub = n_sub, .i_inj = dens };
          nd_simulate (m, &d, v, NULL);
          /* A voltage no membrane can hold is an error, never a result. */
          ok = nd_trace_check (v, sw.n, dt_ms, (int) k, &error);
        }
      for (size_t j = 0; ok && j < sw.n; j++)
        fprintf (out.file, "%u,%.9g,%.6f,%.9g\n", k, sw.t_ms[j], v[j], sw.i_pA[j]);
      g_free (dens);
      g_free (v);
      nd_sweep_trace_clear (&sw);
    }
  int status = 0;
  if (!ok)
    {
      nd_cli_output_abandon (&out);
      status = nd_cli_fail (1, "%s", error->message);
    }
  else if (!nd_cli_output_commit (&out, &error))
    status = nd_cli_fail (1, "%s", error->message);
  nd_recording_free (stim);
  nd_model_free (m);
  return status;
}
