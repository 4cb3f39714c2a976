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
 *   DIR/report.csv     per sweep: soma RMSE, spikes, firing rate of both
 *                      models, learned vs true axial current, integration
 *                      time of both models
 *   DIR/spikes.csv     per spike pair (k-th of the full cell, k-th of the
 *                      reduced model): both times and the shift, so a drift
 *                      in rate shows as a shift growing with the index
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
#include "cli-output.h"
#include "cli.h"
#include "integrator.h"
#include "model-file.h"
#include "nd-error.h"
#include "reduce-workflow.h"

static const char *const set_names[ND_REDUCE_N_SETS] = { "train", "held_out", "test" };

static void
on_progress (const nd_fit_progress *p, void *user)
{
  fprintf (stderr, _("restart %d/%d, iteration %d/%d (%s): loss %.5g mV², best validation %.5g mV²\n"),
           p->restart + 1, p->restarts, p->iteration, p->iterations,
           p->horizon == 1 ? _("voltage-forced") : p->horizon == 0 ? _("free run") : _("multiple shooting"),
           p->train_loss, p->best_val_loss);
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

/* The options, checked; settings->fit.stages are parsed by the caller. */
typedef struct {
  char *stim_path, *val_path, *test_path, *out_dir, *stages;
  gint64 seed;
  int iterations, restarts, latents, width, depth, jobs;
  gboolean free_at_rest;
  double max_dt, dvdt_weight, z_leak;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->stim_path);
  g_free (o->val_path);
  g_free (o->test_path);
  g_free (o->out_dir);
  g_free (o->stages);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static int check_options (const Options *o);

/* 0, or the exit status of a usage error (reported). */
static int
parse_options (int *argc, char ***argv, Options *o)
{
  nd_reduce_settings def;
  nd_reduce_settings_default (&def);
  *o = (Options) { .seed = 1, .iterations = def.fit.iterations, .restarts = def.fit.restarts,
                   .latents = def.shape.n_latent, .width = def.shape.width, .depth = def.shape.depth,
                   .max_dt = def.max_dt_ms, .dvdt_weight = def.fit.dvdt_weight, .z_leak = def.shape.z_leak_ms };
  GOptionEntry entries[] = {
    { "stimulus", 's', 0, G_OPTION_ARG_FILENAME, &o->stim_path, N_("Training stimuli (every sweep is fitted)"), N_("FILE") },
    { "validate", 0, 0, G_OPTION_ARG_FILENAME, &o->val_path, N_("Held-out stimuli, for choosing among restarts and for the report"), N_("FILE") },
    { "test", 0, 0, G_OPTION_ARG_FILENAME, &o->test_path, N_("Test stimuli, only reported: never fitted nor used to choose, so their figures are unbiased"), N_("FILE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out_dir, N_("Folder for reduced.json, loss.csv, report.csv, spikes.csv and traces.csv"), N_("DIR") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, N_("Random seed of the network initialisation (default 1)"), N_("N") },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &o->iterations, N_("Optimiser iterations per restart (default 1800)"), N_("N") },
    { "restarts", 0, 0, G_OPTION_ARG_INT, &o->restarts, N_("Fits from different initialisations; the one whose worst held-out sweep is best is kept (default 2)"), N_("N") },
    { "latents", 0, 0, G_OPTION_ARG_INT, &o->latents, N_("Latent states of the learned current (default 4)"), N_("N") },
    { "width", 0, 0, G_OPTION_ARG_INT, &o->width, N_("Hidden units per layer of its network (default 32)"), N_("N") },
    { "depth", 0, 0, G_OPTION_ARG_INT, &o->depth, N_("Hidden layers of its network (default 2)"), N_("N") },
    { "free-at-rest", 0, 0, G_OPTION_ARG_NONE, &o->free_at_rest, N_("Let the learned current be nonzero when the cell rests (by default it is 0 there, as the axial current is)"), NULL },
    { "latent-leak", 0, 0, G_OPTION_ARG_DOUBLE, &o->z_leak, N_("Time constant in ms with which the latent states decay when the network does not drive them (default 10; 0: no decay)"), N_("MS") },
    { "dt", 0, 0, G_OPTION_ARG_DOUBLE, &o->max_dt, N_("Largest integration step in ms (default 0.025)"), N_("MS") },
    { "stages", 0, 0, G_OPTION_ARG_STRING, &o->stages, N_("Fit schedule: forcing horizon in samples, share of the iterations and optionally the pull strength (0-1) per stage, e.g. 1:0.2,1:0.1:0.3,0:0.7 (horizon 0: free run)"), N_("H:F[:P],…") },
    { "jobs", 0, 0, G_OPTION_ARG_INT, &o->jobs, N_("Cores to use (default: every core): the fit simulates its sweeps side by side, with the same result as on one core"), N_("N") },
    { "dvdt-weight", 0, 0, G_OPTION_ARG_DOUBLE, &o->dvdt_weight, N_("Weight of the dV/dt error in the free-run loss (default 0.01, as published)"), N_("W") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("CELL.json — reduce a multicompartment cell to one compartment"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, argc, argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (*argc != 2 || !o->stim_path || !o->out_dir)
    return nd_cli_fail (2, _("usage: neurode-cli reduce CELL.json --stimulus TRAIN.csv [--validate HELDOUT.csv] [--test TEST.csv] --out DIR"));
  return check_options (o);
}

/* 0, or 2 with a message naming the option out of range. */
static int
check_options (const Options *o)
{
  if (o->iterations < 1 || o->iterations > 1000000 || o->restarts < 1 || o->restarts > 1000 || o->seed < 0)
    return nd_cli_fail (2, _("--iterations must be 1 to 1000000, --restarts 1 to 1000 and --seed 0 or more"));
  if (o->latents < 0 || o->latents > ND_MAX_LATENTS || o->width < 1 || o->width > 1024 || o->depth < 1 || o->depth > 8)
    return nd_cli_fail (2, _("--latents must be 0 to %d, --width 1 to 1024 and --depth 1 to 8"), ND_MAX_LATENTS);
  if (o->jobs < 0 || o->jobs > 256)
    return nd_cli_fail (2, _("--jobs is %d; it must be 1 to 256 cores (default: every core)"), o->jobs);
  if (!(o->z_leak >= 0.0) || o->z_leak > 1e6)
    return nd_cli_fail (2, _("--latent-leak must be 0 or a positive time in ms"));
  if (!(o->max_dt >= ND_DT_MIN_MS && o->max_dt <= ND_DT_MAX_MS))
    return nd_cli_fail (2, _("--dt is %g; the largest integration step must be %g to %g ms"), o->max_dt, ND_DT_MIN_MS,
                        ND_DT_MAX_MS);
  /* Negative: the default; otherwise a finite weight. */
  if (!(o->dvdt_weight < 0.0 || o->dvdt_weight <= 1e6))
    return nd_cli_fail (2, _("--dvdt-weight is %g; it must be a number from 0 to 1000000 (default 0.01)"), o->dvdt_weight);
  return 0;
}

/* The workflow's settings from the options (0), or a usage error's exit status. */
static int
settings_from_options (const Options *o, nd_reduce_settings *s)
{
  nd_reduce_settings_default (s);
  s->shape = (nd_reduce_shape) { .n_latent = o->latents, .width = o->width, .depth = o->depth, .z_leak_ms = o->z_leak,
                                 .free_at_rest = o->free_at_rest };
  s->max_dt_ms = o->max_dt;
  s->fit.seed = (uint64_t) o->seed;
  s->fit.iterations = o->iterations;
  s->fit.restarts = o->restarts;
  s->fit.threads = o->jobs;
  s->fit.progress_interval_s = 2.0;
  if (o->dvdt_weight >= 0.0)
    s->fit.dvdt_weight = o->dvdt_weight;
  if (o->stages && !parse_stages (o->stages, &s->fit))
    return nd_cli_fail (2, _("--stages takes horizon:share[:pull] such as 1:0.5,1:0.2:0.3,0:0.3, not “%s”"), o->stages);
  return 0;
}

static void
append_row (GString *s, const char *set, int sweep, const double *cols, int n_cols)
{
  g_string_append_printf (s, "%s,%d", set, sweep);
  for (int c = 0; c < n_cols; c++)
    {
      g_string_append_c (s, ',');
      append_double (s, cols[c]);
    }
  g_string_append_c (s, '\n');
}

static char *
report_csv (GPtrArray *prots)
{
  GString *report = g_string_new ("set,sweep,rmse_mV,spikes_full,spikes_reduced,spike_shift_ms,axial_rmse_pA,"
                                  "axial_correlation,t_full_s,t_reduced_s,speedup,rate_full_Hz,rate_reduced_Hz,"
                                  "rate_error_pct,last_spike_shift_ms,sensitivity_rmse_mV,"
                                  "sensitivity_spike_shift_ms,sensitivity_rate_pct,coincidence,sensitivity_coincidence\n");
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      nd_reduce_score sc;
      nd_reduce_protocol_score (p, &sc);
      g_string_append_printf (report, "%s,%d,", set_names[p->set], p->index);
      append_double (report, sc.rmse_mV);
      g_string_append_printf (report, ",%d,%d", sc.spikes_full, sc.spikes_reduced);
      double cols[] = { sc.spike_shift_ms, sc.axial_rmse_pA, sc.axial_correlation, p->t_full_s, p->t_red_s,
                        p->t_red_s > 0 ? p->t_full_s / p->t_red_s : 0.0, sc.rate_full_hz, sc.rate_reduced_hz,
                        sc.rate_error_pct, sc.last_shift_ms, sc.sens_rmse_mV, sc.sens_shift_ms,
                        sc.sens_rate_pct, sc.coincidence, sc.sens_coincidence };
      for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
        {
          g_string_append_c (report, ',');
          append_double (report, cols[c]);
        }
      g_string_append_c (report, '\n');
    }
  return g_string_free (report, FALSE);
}

static char *
spikes_csv (GPtrArray *prots)
{
  GString *out = g_string_new ("set,sweep,spike,t_full_ms,t_reduced_ms,shift_ms\n");
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      gsize n = nd_reduce_protocol_spike_pairs (p, NULL, NULL, 0);
      if (n == 0)
        continue;
      g_autofree double *t = g_new (double, 2 * n);
      nd_reduce_protocol_spike_pairs (p, t, t + n, n);
      for (gsize j = 0; j < n; j++)
        {
          double cols[3] = { t[j], t[n + j], t[n + j] - t[j] };
          g_string_append_printf (out, "%s,%d,%u", set_names[p->set], p->index, (guint) j + 1);
          for (int c = 0; c < 3; c++)
            {
              g_string_append_c (out, ',');
              append_double (out, cols[c]);
            }
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}

static char *
traces_csv (GPtrArray *prots)
{
  GString *traces = g_string_new ("set,sweep,t_ms,i_pA,v_full_mV,v_reduced_mV,i_axial_pA,i_learned_pA\n");
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      for (gsize j = 0; j < p->n; j++)
        {
          double cols[6] = { p->t0_ms + j * p->dt_ms, p->i_pA[j], p->v_full[j], p->v_red[j], p->i_axial[j],
                             p->i_learned[j] };
          append_row (traces, set_names[p->set], p->index, cols, 6);
        }
    }
  return g_string_free (traces, FALSE);
}

static char *
loss_csv (const nd_fit_result *res)
{
  GString *loss = g_string_new ("iteration,train_loss,val_loss\n");
  for (int i = 0; i < res->n_history; i++)
    {
      g_string_append_printf (loss, "%d,", i + 1);
      append_double (loss, res->history_train[i]);
      g_string_append_c (loss, ',');
      append_double (loss, res->history_val[i]);
      g_string_append_c (loss, '\n');
    }
  return g_string_free (loss, FALSE);
}

/* One set (cli-output.h): the previous set's files go first, complete.txt is written last. */
static gboolean
write_outputs (const char *out_dir, GPtrArray *prots, const nd_reduce_result *res, GError **error)
{
  static const char *const outputs[] = { "reduced.json", "loss.csv", "report.csv", "spikes.csv", "traces.csv",
                                         NULL };
  g_autofree char *model = nd_model_file_to_string (res->model);
  g_autofree char *loss = loss_csv (&res->fit), *report = report_csv (prots), *traces = traces_csv (prots);
  g_autofree char *spikes = spikes_csv (prots);
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), _("cannot create the folder “%s”: %s"), out_dir,
                   g_strerror (e));
      return FALSE;
    }
  return nd_model_file_check (res->model, error) && nd_cli_set_begin (out_dir, outputs, error)
         && nd_cli_set_write (out_dir, "loss.csv", loss, strlen (loss), error)
         && nd_cli_set_write (out_dir, "report.csv", report, strlen (report), error)
         && nd_cli_set_write (out_dir, "spikes.csv", spikes, strlen (spikes), error)
         && nd_cli_set_write (out_dir, "traces.csv", traces, strlen (traces), error)
         && nd_cli_set_write (out_dir, "reduced.json", model, strlen (model), error)
         && nd_cli_set_commit (out_dir, "neurode-cli reduce", outputs, error);
}

static void
print_summary (GPtrArray *prots, const nd_reduce_result *res, const NdCell *cell, const gboolean has_set[])
{
  double worst[ND_REDUCE_N_SETS] = { 0 }, se[ND_REDUCE_N_SETS] = { 0 }, ns[ND_REDUCE_N_SETS] = { 0 };
  double t_full = 0.0, t_red = 0.0, worst_rate[ND_REDUCE_N_SETS] = { NAN, NAN, NAN };
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      nd_reduce_score sc;
      nd_reduce_protocol_score (p, &sc);
      if (isfinite (sc.rate_error_pct) && !(fabs (sc.rate_error_pct) <= fabs (worst_rate[p->set])))
        worst_rate[p->set] = sc.rate_error_pct;
      se[p->set] += sc.rmse_mV * sc.rmse_mV * (double) p->n;
      ns[p->set] += (double) p->n;
      worst[p->set] = fmax (worst[p->set], sc.rmse_mV);
      t_full += p->t_full_s;
      t_red += p->t_red_s;
    }
  fprintf (stderr, _("fitted in %.1f s; soma RMSE %.3f mV over the training sweeps (worst sweep %.3f mV)"), res->fit_s,
           sqrt (se[ND_REDUCE_SET_TRAIN] / ns[ND_REDUCE_SET_TRAIN]), worst[ND_REDUCE_SET_TRAIN]);
  if (has_set[ND_REDUCE_SET_HELD_OUT])
    fprintf (stderr, _(", %.3f mV over the held-out sweeps (worst %.3f mV)"),
             sqrt (se[ND_REDUCE_SET_HELD_OUT] / fmax (ns[ND_REDUCE_SET_HELD_OUT], 1.0)), worst[ND_REDUCE_SET_HELD_OUT]);
  if (has_set[ND_REDUCE_SET_TEST])
    fprintf (stderr, _(", %.3f mV over the test sweeps (worst %.3f mV)"),
             sqrt (se[ND_REDUCE_SET_TEST] / fmax (ns[ND_REDUCE_SET_TEST], 1.0)), worst[ND_REDUCE_SET_TEST]);
  fprintf (stderr, _("\nintegration (CPU): full cell (%d compartments) %.4f s, reduced %.4f s: %.1fx faster\n"),
           cell->cable->n_compartments, t_full, t_red, t_red > 0 ? t_full / t_red : 0.0);
  /* The drift a soma RMSE hides: a rate a few per cent off moves every later spike. */
  for (int set = 0; set < ND_REDUCE_N_SETS; set++)
    if (has_set[set] && isfinite (worst_rate[set]))
      fprintf (stderr, _("firing rate of the reduced model against the full cell over the %s sweeps: worst %+.2f %%\n"),
               nd_reduce_set_label (set), worst_rate[set]);
  /* The yardstick of those RMSEs: a spike train's RMSE grows with every tenth of a millisecond. */
  double sse[ND_REDUCE_N_SETS] = { 0 }, sworst[ND_REDUCE_N_SETS] = { 0 };
  int sweep_worst[ND_REDUCE_N_SETS] = { -1, -1, -1 };
  for (guint k = 0; k < prots->len; k++)
    {
      const nd_reduce_protocol *p = g_ptr_array_index (prots, k);
      sse[p->set] += p->sens_rmse_mV * p->sens_rmse_mV * (double) p->n;
      if (p->sens_rmse_mV > sworst[p->set] || sweep_worst[p->set] < 0)
        {
          sworst[p->set] = p->sens_rmse_mV;
          sweep_worst[p->set] = p->index;
        }
    }
  for (int set = 0; set < ND_REDUCE_N_SETS; set++)
    if (has_set[set] && sweep_worst[set] >= 0)
      fprintf (stderr,
               _("the full cell itself with its input %.1f %% weaker or stronger: soma RMSE %.3f mV over the %s sweeps "
                 "(worst %.3f mV, sweep %d)\n"),
               100.0 * ND_REDUCE_SENSITIVITY, sqrt (sse[set] / fmax (ns[set], 1.0)), nd_reduce_set_label (set),
               sworst[set], sweep_worst[set]);
}

/* The stimulus files as protocols: training, then held-out, then test. */
static gboolean
load_protocols (const Options *o, double max_dt, GPtrArray *prots, GError **error)
{
  const char *const paths[ND_REDUCE_N_SETS] = { o->stim_path, o->val_path, o->test_path };
  for (int set = 0; set < ND_REDUCE_N_SETS; set++)
    {
      if (paths[set] && !nd_reduce_protocols_load (prots, paths[set], set, max_dt, 0, error))
        return FALSE;
      if (set == ND_REDUCE_SET_TRAIN && prots->len == 0)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("“%s” has no sweeps"), o->stim_path);
          return FALSE;
        }
    }
  return TRUE;
}

int
nd_cli_reduce (int argc, char **argv)
{
  g_auto (Options) o;
  nd_reduce_settings s;
  int status = parse_options (&argc, &argv, &o);
  if (status != 0 || (status = settings_from_options (&o, &s)) != 0)
    return status;
  g_autoptr (GError) error = NULL;
  g_autoptr (NdCellFile) file = nd_cell_file_load (argv[1], &error);
  g_autoptr (NdCell) cell = file ? nd_cell_build (file, &error) : NULL;
  g_autoptr (GPtrArray) prots = nd_reduce_protocols_new ();
  if (!cell || !nd_reduce_check_cell (cell, &error) || !load_protocols (&o, s.max_dt_ms, prots, &error))
    return nd_cli_fail (1, "%s", error->message);

  nd_reduce_control ctl;
  nd_reduce_control_init (&ctl);
  g_auto (nd_reduce_result) res = { 0 };
  if (!nd_reduce_workflow_run (file, cell, prots, &s, &ctl, on_progress, NULL, &res, &error))
    {
      /* What to try, in the command's own options. */
      int step = atomic_load (&ctl.step);
      return nd_cli_fail (1, "%s%s", error->message,
                          step == 1 ? _("; try a smaller --dt, or check the cell file's membrane and the current")
                          : step == 4 ? _("; no result is written: try more --iterations or another --seed") : "");
    }
  if (!write_outputs (o.out_dir, prots, &res, &error))
    return nd_cli_fail (1, "%s", error->message);
  const gboolean has_set[ND_REDUCE_N_SETS] = { TRUE, o.val_path != NULL, o.test_path != NULL };
  print_summary (prots, &res, cell, has_set);
  return 0;
}
