/* cli-reduce.c: `neurode-cli reduce`, a multicompartment cell reduced to one compartment.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   neurode-cli reduce CELL.json --stimulus TRAIN.csv [--validate HELDOUT.csv] --out DIR
 *
 * Simulates the full cell under every sweep of the training (and held-out)
 * stimuli, builds the soma compartment plus a free learned current and fits
 * it to the soma voltage of the training sweeps (the held-out sweeps choose
 * the start and the iterate kept). Defaults (nd_reduce_fit_options_default: 4 latents with
 * a 10 ms leak, MLP 32x2, two starts of L-BFGS iterations: voltage-forced,
 * weaker pulls, free run) were chosen by measuring on the shipped CA1 cell and its
 * stimuli (data/cells/README.md). Writes
 *   DIR/reduced.json   the one-compartment model (`neurode-cli simulate` runs it)
 *   DIR/loss.csv       iteration,train_loss,val_loss (mV^2)
 *   DIR/report.csv     per sweep: soma RMSE, spikes, learned vs true axial
 *                      current, integration time of both models
 *   DIR/traces.csv     per sample: full and reduced soma voltage, true axial
 *                      and learned current
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell-file.h"
#include "cli-morph.h"
#include "cli-output.h"
#include "drive-check.h"
#include "integrator.h"
#include "cli.h"
#include "fit.h"
#include "model-file.h"
#include "morph/reduce.h"
#include "nd-error.h"
#include "spikes.h"
#include "units.h"

typedef struct {
  NdCliSweep stim;      /* borrowed from the stimulus array */
  int set;              /* SET_TRAIN, SET_HELD_OUT (chooses among restarts) or SET_TEST (reported only) */
  int index;            /* sweep number within its file */
  int n_sub;
  double *v_full, *i_axial, *v_red, *i_learned, *dens;
  double t_full_s, t_red_s;
} Protocol;

enum { SET_TRAIN, SET_HELD_OUT, SET_TEST, N_SETS };
static const char *const set_names[N_SETS] = { "train", "held_out", "test" };

static void
protocol_clear (gpointer p)
{
  Protocol *pr = p;
  g_free (pr->v_full);
  g_free (pr->i_axial);
  g_free (pr->v_red);
  g_free (pr->i_learned);
  g_free (pr->dens);
}

static void
on_progress (const nd_fit_progress *p, void *user)
{
  fprintf (stderr, _("restart %d/%d, iteration %d/%d (%s): loss %.5g mV², best validation %.5g mV²\n"),
           p->restart + 1, p->restarts, p->iteration, p->iterations,
           p->horizon == 1 ? _("voltage-forced") : p->horizon == 0 ? _("free run") : _("multiple shooting"),
           p->train_loss, p->best_val_loss);
}


static double
rmse (const double *a, const double *b, gsize n)
{
  double se = 0.0;
  for (gsize i = 0; i < n; i++)
    se += (a[i] - b[i]) * (a[i] - b[i]);
  return n ? sqrt (se / n) : 0.0;
}

static double
correlation (const double *a, const double *b, gsize n)
{
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (gsize i = 0; i < n; i++)
    {
      ma += a[i];
      mb += b[i];
    }
  ma /= n;
  mb /= n;
  for (gsize i = 0; i < n; i++)
    {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
  return saa > 0 && sbb > 0 ? sab / sqrt (saa * sbb) : 0.0;
}

/* "1:0.4,10:0.2,0:0.4" -> the fit's stages. */
static gboolean
parse_stages (const char *text, nd_fit_options *opt)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  int n = 0;
  for (int i = 0; parts[i]; i++)
    {
      char *end = NULL;
      long h = strtol (parts[i], &end, 10);
      if (end == parts[i] || *end != ':' || h < 0 || h > 1000000 || n == ND_FIT_MAX_STAGES)
        return FALSE;
      char *f = end + 1;
      double frac = g_ascii_strtod (f, &end);
      if (end == f || (*end && *end != ':') || !(frac > 0.0 && frac <= 1.0))
        return FALSE;
      double force = 1.0;
      if (*end == ':')
        {
          char *q = end + 1;
          force = g_ascii_strtod (q, &end);
          if (end == q || *end || !(force > 0.0 && force <= 1.0) || h == 0)
            return FALSE;
        }
      opt->horizon[n] = (int) h;
      opt->frac[n] = frac;
      opt->force[n] = force;
      opt->lbfgs[n] = true;
      n++;
    }
  if (n == 0)
    return FALSE;
  opt->n_stages = n;
  return TRUE;
}

static void
append_double (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.9g", v));
}

int
nd_cli_reduce (int argc, char **argv)
{
  g_autofree char *stim_path = NULL, *val_path = NULL, *test_path = NULL, *out_dir = NULL;
  gint64 seed = 1;
  nd_fit_options opt;
  nd_reduce_fit_options_default (&opt);
  int iterations = opt.iterations, restarts = opt.restarts, latents = ND_REDUCE_LATENTS, width = 32, depth = 2;
  gboolean free_at_rest = FALSE;
  double max_dt = 0.025, dvdt_weight = opt.dvdt_weight, z_leak = ND_REDUCE_Z_LEAK_MS;
  g_autofree char *stages = NULL;
  GOptionEntry entries[] = {
    { "stimulus", 's', 0, G_OPTION_ARG_FILENAME, &stim_path, N_("Training stimuli (every sweep is fitted)"), N_("FILE") },
    { "validate", 0, 0, G_OPTION_ARG_FILENAME, &val_path, N_("Held-out stimuli, for choosing among restarts and for the report"), N_("FILE") },
    { "test", 0, 0, G_OPTION_ARG_FILENAME, &test_path, N_("Test stimuli, only reported: never fitted nor used to choose, so their figures are unbiased"), N_("FILE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, N_("Folder for reduced.json, loss.csv, report.csv and traces.csv"), N_("DIR") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed of the network initialisation (default 1)"), N_("N") },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, N_("Optimiser iterations per restart (default 1800)"), N_("N") },
    { "restarts", 0, 0, G_OPTION_ARG_INT, &restarts, N_("Fits from different initialisations; the one whose worst held-out sweep is best is kept (default 2)"), N_("N") },
    { "latents", 0, 0, G_OPTION_ARG_INT, &latents, N_("Latent states of the learned current (default 4)"), N_("N") },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, N_("Hidden units per layer of its network (default 32)"), N_("N") },
    { "depth", 0, 0, G_OPTION_ARG_INT, &depth, N_("Hidden layers of its network (default 2)"), N_("N") },
    { "free-at-rest", 0, 0, G_OPTION_ARG_NONE, &free_at_rest, N_("Let the learned current be nonzero when the cell rests (by default it is 0 there, as the axial current is)"), NULL },
    { "latent-leak", 0, 0, G_OPTION_ARG_DOUBLE, &z_leak, N_("Time constant in ms with which the latent states decay when the network does not drive them (default 10; 0: no decay)"), N_("MS") },
    { "dt", 0, 0, G_OPTION_ARG_DOUBLE, &max_dt, N_("Largest integration step in ms (default 0.025)"), N_("MS") },
    { "stages", 0, 0, G_OPTION_ARG_STRING, &stages, N_("Fit schedule: forcing horizon in samples, share of the iterations and optionally the pull strength (0-1) per stage, e.g. 1:0.2,1:0.1:0.3,0:0.7 (horizon 0: free run)"), N_("H:F[:P],…") },
    { "dvdt-weight", 0, 0, G_OPTION_ARG_DOUBLE, &dvdt_weight, N_("Weight of the dV/dt error in the free-run loss (default 0.01, as published)"), N_("W") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("CELL.json — reduce a multicompartment cell to one compartment"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 2 || !stim_path || !out_dir)
    return nd_cli_fail (2, _("usage: neurode-cli reduce CELL.json --stimulus TRAIN.csv [--validate HELDOUT.csv] [--test TEST.csv] --out DIR"));
  if (iterations < 1 || iterations > 1000000 || restarts < 1 || restarts > 1000 || seed < 0)
    return nd_cli_fail (2, _("--iterations must be 1 to 1000000, --restarts 1 to 1000 and --seed 0 or more"));
  if (latents < 0 || latents > ND_MAX_LATENTS || width < 1 || width > 1024 || depth < 1 || depth > 8)
    return nd_cli_fail (2, _("--latents must be 0 to %d, --width 1 to 1024 and --depth 1 to 8"), ND_MAX_LATENTS);
  if (!(z_leak >= 0.0) || z_leak > 1e6)
    return nd_cli_fail (2, _("--latent-leak must be 0 or a positive time in ms"));
  if (!(max_dt >= ND_DT_MIN_MS && max_dt <= ND_DT_MAX_MS))
    return nd_cli_fail (2, _("--dt is %g; the largest integration step must be %g to %g ms"), max_dt, ND_DT_MIN_MS,
                        ND_DT_MAX_MS);
  /* Negative: the default (below); otherwise a finite weight. */
  if (!(dvdt_weight < 0.0 || dvdt_weight <= 1e6))
    return nd_cli_fail (2, _("--dvdt-weight is %g; it must be a number from 0 to 1000000 (default 0.01)"), dvdt_weight);

  g_autoptr (NdCellFile) file = nd_cell_file_load (argv[1], &error);
  if (!file)
    return nd_cli_fail (1, "%s", error->message);
  g_autoptr (NdCell) cell = nd_cell_build (file, &error);
  if (!cell)
    return nd_cli_fail (1, "%s", error->message);
  if (cell->stim_node != cell->soma_node)
    return nd_cli_fail (1, _("the cell file's stimulus is not at the soma; the reduced model has only the soma, "
                             "so reduce a cell stimulated at soma[0]"));
  g_autoptr (GArray) train_stim = nd_cli_load_current_stimulus (stim_path, &error);
  if (!train_stim)
    return nd_cli_fail (1, "%s", error->message);
  g_autoptr (GArray) val_stim = NULL, test_stim = NULL;
  if (val_path && !(val_stim = nd_cli_load_current_stimulus (val_path, &error)))
    return nd_cli_fail (1, "%s", error->message);
  if (test_path && !(test_stim = nd_cli_load_current_stimulus (test_path, &error)))
    return nd_cli_fail (1, "%s", error->message);
  if (train_stim->len == 0)
    return nd_cli_fail (1, _("“%s” has no sweeps"), stim_path);

  /* 1. The full cell under every sweep. */
  g_autoptr (GArray) prot = g_array_new (FALSE, TRUE, sizeof (Protocol));
  g_array_set_clear_func (prot, protocol_clear);
  GArray *const srcs[N_SETS] = { train_stim, val_stim, test_stim };
  const char *const paths[N_SETS] = { stim_path, val_path, test_path };
  for (int set = 0; set < N_SETS; set++)
    {
      GArray *src = srcs[set];
      for (guint s = 0; src && s < src->len; s++)
        {
          Protocol p = { .stim = g_array_index (src, NdCliSweep, s), .set = set, .index = (int) s };
          gsize n = p.stim.n;
          if (n < 2)
            return nd_cli_fail (1, _("sweep %u of “%s” has fewer than two samples"), s, paths[set]);
          p.n_sub = nd_drive_substeps (p.stim.dt_ms, max_dt, n, &error);
          if (p.n_sub == 0)
            return nd_cli_fail (1, _("sweep %u of “%s”: %s"), s, paths[set], error->message);
          p.v_full = g_new (double, n);
          p.i_axial = g_new (double, n);
          p.v_red = g_new (double, n);
          p.i_learned = g_new (double, n);
          p.dens = g_new (double, n);
          g_array_append_val (prot, p);
        }
    }
  double t_full = 0.0;
  for (guint k = 0; k < prot->len; k++)
    {
      Protocol *p = &g_array_index (prot, Protocol, k);
      nd_morph_trace tr = { .n = p->stim.n, .dt_ms = p->stim.dt_ms, .i_pA = p->stim.i_pA,
                            .v_mV = p->v_full, .i_axial_pA = p->i_axial };
      double t0 = nd_cli_now_s (CLOCK_PROCESS_CPUTIME_ID);
      if (nd_morph_record (cell->cable, &file->membrane, file->v_init_mV, cell->stim_node, max_dt, &tr) < 0
          || nd_trace_unphysical (p->v_full, p->stim.n) < p->stim.n)
        return nd_cli_fail (1, _("the full cell diverged under %s sweep %d (its voltage left ±%g mV); try a smaller "
                                 "--dt, or check the cell file's membrane and the current"),
                            p->set == SET_TRAIN ? _("training") : p->set == SET_HELD_OUT ? _("held-out") : _("test"),
                            p->index, ND_V_PHYSICAL_MV);
      p->t_full_s = nd_cli_now_s (CLOCK_PROCESS_CPUTIME_ID) - t0;
      t_full += p->t_full_s;
    }

  /* 2. The reduced model, scaled to the training data. */
  nd_reduce_scales scales = { 0 };
  for (guint k = 0; k < prot->len; k++)
    {
      Protocol *p = &g_array_index (prot, Protocol, k);
      if (p->set == SET_TRAIN)
        nd_reduce_scales_add (&scales, p->v_full, p->i_axial, p->stim.n, cell->cable->area_um2[cell->soma_node]);
    }
  double v_mean, v_std, i_scale;
  nd_reduce_scales_get (&scales, &v_mean, &v_std, &i_scale);
  nd_reduce_shape shape = { .n_latent = latents, .width = width, .depth = depth, .z_leak_ms = z_leak,
                           .free_at_rest = free_at_rest };
  nd_model *m = nd_reduced_model_new (cell->cable, &file->membrane, file->v_init_mV, &shape, v_mean, v_std, i_scale);
  if (!m)
    return nd_cli_fail (1, _("cannot build the reduced model from the soma's channels"));

  /* 3. Fit to the soma voltage. */
  int n_train = 0, n_val = 0;
  nd_fit_sweep *train = g_new0 (nd_fit_sweep, prot->len), *val = g_new0 (nd_fit_sweep, prot->len);
  for (guint k = 0; k < prot->len; k++)
    {
      Protocol *p = &g_array_index (prot, Protocol, k);
      for (gsize j = 0; j < p->stim.n; j++)
        p->dens[j] = nd_pA_to_density (p->stim.i_pA[j], m->area_um2);
      nd_fit_sweep f = { .drive = { .n = p->stim.n, .dt_sample = p->stim.dt_ms, .n_sub = p->n_sub, .i_inj = p->dens },
                         .v_obs = p->v_full };
      if (p->set == SET_HELD_OUT)
        val[n_val++] = f;
      else if (p->set == SET_TRAIN)
        train[n_train++] = f;
    }
  opt.seed = (uint64_t) seed;
  opt.iterations = iterations;
  opt.restarts = restarts;
  opt.progress_interval_s = 2.0;
  if (dvdt_weight >= 0.0)
    opt.dvdt_weight = dvdt_weight;
  if (stages && !parse_stages (stages, &opt))
    {
      nd_model_free (m);
      g_free (train);
      g_free (val);
      return nd_cli_fail (2, _("--stages takes horizon:share[:pull] such as 1:0.5,1:0.2:0.3,0:0.3, not “%s”"), stages);
    }
  nd_fit_result res;
  double t_fit0 = nd_cli_now_s (CLOCK_MONOTONIC);
  int fit_status = nd_fit (m, train, n_train, val, n_val, &opt, NULL, on_progress, NULL, &res);
  double t_fit = nd_cli_now_s (CLOCK_MONOTONIC) - t_fit0;
  g_free (train);
  g_free (val);
  if (fit_status < 0)
    {
      nd_model_free (m);
      return nd_cli_fail (1, _("nothing to fit"));
    }

  /* 4. Free runs of the reduced model (timed like the full cell), the report. */
  double t_red = 0.0;
  for (guint k = 0; k < prot->len; k++)
    {
      Protocol *p = &g_array_index (prot, Protocol, k);
      /* Timed with its current output, as the full cell is timed with its axial current. */
      double t0 = nd_cli_now_s (CLOCK_PROCESS_CPUTIME_ID);
      nd_reduced_run (m, p->stim.n, p->stim.dt_ms, p->n_sub, p->stim.i_pA, p->v_red, p->i_learned);
      p->t_red_s = nd_cli_now_s (CLOCK_PROCESS_CPUTIME_ID) - t0;
      t_red += p->t_red_s;
      /* A reduced model that diverges is no result (issue 15: never NaN or a non-physical trace). */
      if (!nd_trace_check (p->v_red, p->stim.n, p->stim.dt_ms, p->index, &error))
        {
          nd_fit_result_clear (&res);
          nd_model_free (m);
          return nd_cli_fail (1, _("the reduced model diverges under %s %s; no result is written: try more "
                                   "--iterations or another --seed"),
                              p->set == SET_TRAIN ? _("training") : p->set == SET_HELD_OUT ? _("held-out") : _("test"),
                              error->message);
        }
    }

  g_autoptr (GString) report = g_string_new ("set,sweep,rmse_mV,spikes_full,spikes_reduced,spike_shift_ms,axial_rmse_pA,"
                                             "axial_correlation,t_full_s,t_reduced_s,speedup\n");
  g_autoptr (GString) traces = g_string_new ("set,sweep,t_ms,i_pA,v_full_mV,v_reduced_mV,i_axial_pA,i_learned_pA\n");
  double worst[N_SETS] = { 0 }, se[N_SETS] = { 0 }, ns[N_SETS] = { 0 };
  for (guint k = 0; k < prot->len; k++)
    {
      Protocol *p = &g_array_index (prot, Protocol, k);
      gsize n = p->stim.n;
      const char *set = set_names[p->set];
      double r = rmse (p->v_red, p->v_full, n);
      se[p->set] += r * r * (double) n;
      ns[p->set] += (double) n;
      worst[p->set] = fmax (worst[p->set], r);
      g_string_append_printf (report, "%s,%d,", set, p->index);
      append_double (report, r);
      g_string_append_printf (report, ",%d,%d,", (int) nd_spikes_count (p->v_full, n, p->stim.dt_ms), (int) nd_spikes_count (p->v_red, n, p->stim.dt_ms));
      append_double (report, nd_spikes_mean_shift (p->v_full, p->v_red, n, p->stim.dt_ms));
      g_string_append_c (report, ',');
      append_double (report, rmse (p->i_learned, p->i_axial, n));
      g_string_append_c (report, ',');
      append_double (report, correlation (p->i_learned, p->i_axial, n));
      g_string_append_c (report, ',');
      append_double (report, p->t_full_s);
      g_string_append_c (report, ',');
      append_double (report, p->t_red_s);
      g_string_append_c (report, ',');
      append_double (report, p->t_red_s > 0 ? p->t_full_s / p->t_red_s : 0.0);
      g_string_append_c (report, '\n');
      for (gsize j = 0; j < n; j++)
        {
          g_string_append_printf (traces, "%s,%d,", set, p->index);
          append_double (traces, p->stim.t0_ms + j * p->stim.dt_ms);
          double cols[5] = { p->stim.i_pA[j], p->v_full[j], p->v_red[j], p->i_axial[j], p->i_learned[j] };
          for (int c = 0; c < 5; c++)
            {
              g_string_append_c (traces, ',');
              append_double (traces, cols[c]);
            }
          g_string_append_c (traces, '\n');
        }
    }
  g_autoptr (GString) loss = g_string_new ("iteration,train_loss,val_loss\n");
  for (int i = 0; i < res.n_history; i++)
    {
      g_string_append_printf (loss, "%d,", i + 1);
      append_double (loss, res.history_train[i]);
      g_string_append_c (loss, ',');
      append_double (loss, res.history_val[i]);
      g_string_append_c (loss, '\n');
    }
  nd_fit_result_clear (&res);

  int status = 0;
  /* One set (cli-output.h): the previous set's files go first, complete.txt is written last. */
  static const char *const outputs[] = { "reduced.json", "loss.csv", "report.csv", "traces.csv", NULL };
  g_autofree char *model = nd_model_file_to_string (m);
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    status = nd_cli_fail (1, _("cannot create the folder “%s”: %s"), out_dir, g_strerror (errno));
  else if (!nd_model_file_check (m, &error) || !nd_cli_set_begin (out_dir, outputs, &error)
           || !nd_cli_set_write (out_dir, "loss.csv", loss->str, loss->len, &error)
           || !nd_cli_set_write (out_dir, "report.csv", report->str, report->len, &error)
           || !nd_cli_set_write (out_dir, "traces.csv", traces->str, traces->len, &error)
           || !nd_cli_set_write (out_dir, "reduced.json", model, strlen (model), &error)
           || !nd_cli_set_commit (out_dir, "neurode-cli reduce", outputs, &error))
    status = nd_cli_fail (1, "%s", error->message);
  if (status == 0)
    {
      fprintf (stderr, _("fitted in %.1f s; soma RMSE %.3f mV over the training sweeps (worst sweep %.3f mV)"), t_fit,
               sqrt (se[SET_TRAIN] / ns[SET_TRAIN]), worst[SET_TRAIN]);
      if (val_stim)
        fprintf (stderr, _(", %.3f mV over the held-out sweeps (worst %.3f mV)"),
                 sqrt (se[SET_HELD_OUT] / fmax (ns[SET_HELD_OUT], 1.0)), worst[SET_HELD_OUT]);
      if (test_stim)
        fprintf (stderr, _(", %.3f mV over the test sweeps (worst %.3f mV)"),
                 sqrt (se[SET_TEST] / fmax (ns[SET_TEST], 1.0)), worst[SET_TEST]);
      fprintf (stderr, _("\nintegration (CPU): full cell (%d compartments) %.4f s, reduced %.4f s: %.1fx faster\n"),
               cell->cable->n_compartments, t_full, t_red, t_red > 0 ? t_full / t_red : 0.0);
    }
  nd_model_free (m);
  return status;
}
