/* cli-fit.c: neurode-cli fit [MODEL.json] REC --out DIR [--template cortical|squid] [--train SWEEPS]
 *            [--validate SWEEPS] [--seed N] [--iterations N] [--restarts N] ...
 *            neurode-cli fit PROJECT.neurode --out DIR [options that override the project's; its
 *            "fitted_with" recording is the --with one]
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With a model file, fits its trainable parameters. Without one, the model
 * is a template (templates.h) sized to the cell: membrane area, leak and
 * resting potential from the recording's cell properties (cell-props.h),
 * and the training sweeps, unless given, are spread over the protocol.
 * Writes model.json (also while the fit runs: the best model so far,
 * atomically, so a stopped fit leaves a usable result), kinetics.csv,
 * loss.csv and report.csv (per sweep: spike counts, first-spike shift,
 * subthreshold RMSE, RMSE), then complete.txt, last: the outputs are one
 * set (cli-output.h), and a folder without complete.txt holds only the
 * best model of a fit that did not finish.
 *
 * A voltage-clamp recording (its command as the stimulus) fits the membrane
 * current: the capacitive transients left out (--skip), the leak fitted
 * (--keep-leak), report.csv with the current's RMSE and peak per sweep.
 *
 * --ensemble N fits N times (cli-fit-ensemble.h); with --propose the kept
 * fits then say which recording to make next, in DIR/next/ (cli-propose.h).
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell-recording.h"
#include "cli-output.h"
#include "cli-recording.h"
#include "cli-report.h"
#include "cli.h"
#include "fit-data.h"
#include "fit-plan.h"
#include "fit.h"
#include "lanes.h"
#include "model-file.h"
#include "recording.h"
#include "templates.h"
#include "cli-fit-project.h"
#include "cli-fit-ensemble.h"
#include "cli-propose.h"

typedef struct {
  char *out_dir, *train, *validate, *template_name, *window;
  char *with;                /* --with: another recording of the cell, fitted together */
  gint64 seed;
  int iterations, restarts, search;
  int ensemble, jobs;        /* --ensemble (-1: a single fit) and its threads */
  double max_dt, area;
  gboolean warm_start, keep_leak, propose;
  double vc_noise;           /* --vc-noise: also propose voltage-clamp recordings, with this noise (pA) */
  double clamp_skip;
  NdCliRecordingOptions rec;
  const nd_model *model;     /* a project's model (cli-fit-project.h), else NULL */
  const char *project;       /* the project's path */
} FitArgs;

/* The progress line, and the best model so far saved now and then. */
typedef struct {
  double i_unit_pA;          /* voltage clamp: pA of one unit of the loss; 0 in current clamp */
  gboolean joint;            /* --with: the loss adds both recordings' units */
  nd_model *snapshot;        /* a copy of the model whose params take the best so far */
  const char *model_path;
  int saved_version;
  gint64 last_save;
} FitProgress;

#define SAVE_EVERY_US (10 * G_USEC_PER_SEC)

static void
on_progress (const nd_fit_progress *p, void *user)
{
  FitProgress *fp = user;
  /* The stages in words: the model led by the recorded potential, then on its own. */
  const char *stage = p->horizon == 0 ? _("running free") : p->horizon == 1 ? _("following the recording")
                                                                             : _("following the recording now and then");
  g_autofree char *line = NULL;
  if (p->searching)
    line = g_strdup_printf (_("start %d/%d: searching conductances and kinetics, simulation %d/%d"), p->restart + 1,
                            p->restarts, p->search_done, p->search_total);
  else if (fp->joint)
    line = g_strdup_printf (_("start %d/%d, step %d/%d (%s): training error %.3g RMSE (mV of the current-clamp sweeps "
                              "and %% of the clamp current together)"), p->restart + 1, p->restarts, p->iteration,
                            p->iterations, stage, sqrt (fmax (p->train_loss, 0.0)));
  else if (fp->i_unit_pA > 0.0)
    line = g_strdup_printf (_("start %d/%d, step %d/%d: training error %.3g pA RMSE"), p->restart + 1, p->restarts,
                            p->iteration, p->iterations, fp->i_unit_pA * sqrt (fmax (p->train_loss, 0.0)));
  else
    line = g_strdup_printf (_("start %d/%d, step %d/%d (%s): training error %.3g mV RMSE"), p->restart + 1,
                            p->restarts, p->iteration, p->iterations, stage, sqrt (fmax (p->train_loss, 0.0)));
  /* The alternative start (fit.h) says what it assumes. */
  if (p->alternative)
    {
      char *with = g_strdup_printf (_("%s (this start assumes sodium inactivation %.0f mV further depolarised)"), line,
                                    ND_FIT_ALT_INACT_MV);
      g_free (line);
      line = with;
    }
  /* The engine's time left (fit-eta.h), once it has timed the work. */
  if (isfinite (p->seconds_left))
    {
      g_autofree char *left = nd_cli_about_left (p->seconds_left);
      fprintf (stderr, _("%s · %s"), line, left);
    }
  else
    fputs (line, stderr);
  fputc ('\n', stderr);
  gint64 now = g_get_monotonic_time ();
  if (p->best_version != fp->saved_version && p->best_params && now - fp->last_save >= SAVE_EVERY_US)
    {
      nd_model *m = fp->snapshot;
      memcpy (m->params, p->best_params, m->n_params * sizeof *m->params);
      nd_model_params_changed (m);
      /* A failure here is not fatal: the final save reports it. */
      if (nd_model_file_save (m, fp->model_path, NULL))
        fp->saved_version = p->best_version;
      fp->last_save = now;
    }
}

/* The model: from the file, or the template sized to the recorded cell.
 * For a template, *train gets the automatic split unless sweeps are given,
 * and *repeat_mV the cell's sweep-to-sweep figure from the same measurement
 * (NAN when unknown) with *repeat_known set. */
static nd_model *
make_model (const FitArgs *a, const char *model_path, const NdRecording *rec, GArray *train, GArray *val,
            gboolean *weights_given, double *repeat_mV, gboolean *repeat_known, GError **error)
{
  if (model_path)
    return nd_model_file_load (model_path, weights_given, error);
  if (a->model)
    {
      /* A project's model is saved with its networks' weights. */
      *weights_given = TRUE;
      return nd_model_copy (a->model);
    }
  int kind = nd_template_lookup (a->template_name ? a->template_name : "cortical");
  if (kind < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown template “%s”: use “cortical” (cortical or hippocampal neuron) or “squid” (squid axon)"),
                   a->template_name);
      return NULL;
    }
  nd_template_cell cell;
  nd_template_cell_unknown (&cell);
  /* The cell as the window's templates measure it (fit-plan.h). */
  NdFitPlanCell info;
  nd_fit_plan_template_cell (rec, 1.0, NAN, &cell, &info);
  if (nd_recording_is_voltage_clamp (rec))
    {
      /* Voltage clamp: the area from --area, the amplifier's capacitance, or the capacitive transients. */
      if (info.c_from_transients && !(a->area > 0.0))
        fprintf (stderr, _("cell: capacitance %.1f pF from the capacitive transients (area %.0f µm²)\n"), info.c_pF,
                 cell.area_um2);
      if (a->area > 0.0)
        cell.area_um2 = a->area;
      if (!isfinite (cell.area_um2))
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("the membrane area of this voltage-clamp recording is not known (%s): give it with --area"),
                     info.why ? info.why : "?");
      g_free (info.why);
      *weights_given = FALSE;
      return isfinite (cell.area_um2) ? nd_template_model ((nd_template_kind) kind, &cell, TRUE) : NULL;
    }
  nd_cell_props props = info.props;
  *repeat_mV = props.repeat_rmse_mV;
  *repeat_known = TRUE;
  if (info.measured || isfinite (props.area_um2))
    fprintf (stderr, _("cell: resting potential %.1f mV, input resistance %.0f MΩ, time constant %.1f ms, "
                       "capacitance %.0f pF (area %.0f µm²)\n"),
             props.v_rest_mV, props.r_in_MOhm, props.tau_m_ms, props.c_m_pF, props.area_um2);
  if (info.measured && nd_cell_props_baseline_drifts (&props))
    fprintf (stderr, _("cell: sweeps start from %.1f to %.1f mV: the cell changed between sweeps, and a model "
                       "starts each from the same rest\n"), props.v_base_lo_mV, props.v_base_hi_mV);
  if (info.measured && nd_cell_props_rest_unusual (&props))
    fprintf (stderr, _("cell: living neurons rest between %.0f and %.0f mV, this one at %.1f mV: check the amplifier's "
                       "offset and the junction-potential correction, or whether this is a model cell; a neuron's "
                       "template will not suit it\n"), ND_CELL_REST_MIN_MV, ND_CELL_REST_MAX_MV, props.v_rest_mV);
  if (!info.measured)
    fprintf (stderr, _("cell properties: %s; the template's own values are used where they are missing\n"),
             info.why ? info.why : "?");
  g_free (info.why);
  if (a->area > 0.0)
    cell.area_um2 = a->area;
  if (train->len == 0)
    {
      /* The window's automatic split (fit-plan.h), from the cell as measured above. */
      int split[3];
      g_autofree int *v = g_new (int, val->len + 1);
      for (guint j = 0; j < val->len; j++)
        v[j] = (int) g_array_index (val, guint, j);
      int k = nd_fit_plan_default_train_of (&props, v, (int) val->len, split, 3);
      for (int i = 0; i < k; i++)
        g_array_append_val (train, split[i]);
      if (train->len > 0)
        {
          g_autoptr (GString) list = g_string_new (NULL);
          for (guint i = 0; i < train->len; i++)
            g_string_append_printf (list, "%s%u", i ? ", " : "", g_array_index (train, guint, i));
          fprintf (stderr, _("training on sweeps %s (the others validate); choose others with --train\n"), list->str);
        }
    }
  nd_cell_props_clear (&props);
  if (!isfinite (cell.area_um2))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("the membrane area could not be measured from this recording (it needs a hyperpolarising "
                     "current step): give it with --area"));
      return NULL;
    }
  *weights_given = FALSE;
  return nd_template_model ((nd_template_kind) kind, &cell, TRUE);
}

/* A fit's outputs: model.json is also saved while the fit runs (the best so far). With --with,
 * with-report.csv reports the second recording's sweeps. */
static const char *const fit_outputs[] = { "model.json", "kinetics.csv", "loss.csv", "report.csv", NULL };
static const char *const fit_outputs_with[] = { "model.json", "kinetics.csv", "loss.csv", "report.csv",
                                                "with-report.csv", NULL };

/* Writes the model, kinetics, loss history and report into out_dir, then the marker. */
static gboolean
write_outputs (nd_model *m, const nd_fit_result *res, const NdFitData *data, const NdFitData *with,
               const char *out_dir, double cell_repeat_mV, GError **error)
{
  g_autoptr (GString) kin = g_string_new (NULL);
  nd_model_kinetics_csv (m, kin);
  /* running_free: 1 where the step ran the model free, 0 where it was pulled towards the recording (the
   * window draws the two as separate lines). */
  g_autoptr (GString) loss = g_string_new ("iteration,train_loss,val_loss,running_free\n");
  for (int i = 0; i < res->n_history; i++)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (a, sizeof a, "%.9g", res->history_train[i]);
      g_ascii_formatd (b, sizeof b, "%.9g", res->history_val[i]);
      g_string_append_printf (loss, "%d,%s,%s,%d\n", i + 1, a, b, res->history_free[i] ? 1 : 0);
    }
  g_autoptr (GString) report = nd_cli_report (m, data, cell_repeat_mV, stderr);
  g_autoptr (GString) with_report = NULL;
  if (with)
    {
      fprintf (stderr, _("the recording fitted together with it (--with):\n"));
      with_report = nd_cli_report (m, with, NAN, stderr);
    }
  if (!nd_model_file_check (m, error))
    return FALSE;
  g_autofree char *model = nd_model_file_to_string (m);
  /* The set is complete when its marker is written, last (cli-output.h). */
  return nd_cli_set_write (out_dir, "kinetics.csv", kin->str, kin->len, error)
         && nd_cli_set_write (out_dir, "loss.csv", loss->str, loss->len, error)
         && nd_cli_set_write (out_dir, "report.csv", report->str, report->len, error)
         && nd_cli_set_write (out_dir, "model.json", model, strlen (model), error)
         && (!with || nd_cli_set_write (out_dir, "with-report.csv", with_report->str, with_report->len, error))
         && nd_cli_set_commit (out_dir, "neurode-cli fit", with ? fit_outputs_with : fit_outputs, error);
}

/* --window START-END in ms: a start from 0 and a later, finite end. */
static gboolean
parse_window (const char *window, double *w0, double *w1)
{
  char *end = NULL;
  *w0 = g_ascii_strtod (window, &end);
  if (end && *end == '-')
    *w1 = g_ascii_strtod (end + 1, &end);
  return end && !*end && *w0 >= 0.0 && *w1 > *w0 && isfinite (*w1);
}

/* The options' ranges, and the fit window parsed into w0-w1 ms (0-0: the
 * whole sweep); 0, or the usage error's exit status. */
static int
check_fit_options (const FitArgs *a, int argc, const char *model_path, double *w0, double *w1)
{
  if ((argc != 2 && argc != 3) || !a->out_dir)
    return nd_cli_fail (2, _("usage: neurode-cli fit [MODEL.json] REC --out DIR [--template cortical|squid] "
                             "[--train SWEEPS] [--validate SWEEPS], or neurode-cli fit PROJECT.neurode --out DIR"));
  if (model_path && a->template_name)
    return nd_cli_fail (2, _("give either a model file or --template, not both"));
  if (a->iterations < 0 || a->iterations > 1000000 || a->restarts < 0 || a->restarts > 1000 || a->seed < 0
      || a->search < -1 || a->search > 1000000)
    return nd_cli_fail (2, _("--iterations and --search must be 0 to 1000000, --restarts 0 to 1000 and --seed positive"));
  int status = nd_cli_fit_ensemble_check (a->ensemble, a->jobs, a->warm_start);
  if (status != 0)
    return status;
  if (a->propose && a->ensemble == -1)
    return nd_cli_fail (2, _("--propose asks where the fits of an ensemble disagree: give --ensemble N too"));
  if (a->vc_noise != 0.0 && (!a->propose || !(a->vc_noise > 0.0 && a->vc_noise <= 1e4)))
    return nd_cli_fail (2, _("--vc-noise is the noise of a voltage-clamp recording in pA (above 0, e.g. 5) "
                             "for --propose"));
  if (!(a->max_dt > 0.0) || a->max_dt > 1.0 || a->max_dt < 1e-4)
    return nd_cli_fail (2, _("--dt must be between 0.0001 and 1 ms"));
  if (!(a->area >= 0.0) || a->area > 1e8)
    return nd_cli_fail (2, _("--area must be a membrane area in µm² (up to 10⁸)"));

  *w0 = *w1 = 0.0;
  if (a->window && !parse_window (a->window, w0, w1))
    return nd_cli_fail (2, _("--window takes the start and end of the part to fit in ms, e.g. 100-700, not “%s”"),
                        a->window);
  return 0;
}

/* Sweeps: the given (or automatic) training sweeps; the others validate
 * unless --validate says which. */
static GArray *
validation_sweeps (GArray *train, GArray *val, guint n_sweeps)
{
  GArray *val_all = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint s = 0; s < n_sweeps; s++)
    {
      gboolean in_train = FALSE, in_val = val->len == 0 && train->len > 0;
      for (guint i = 0; i < train->len; i++)
        in_train |= g_array_index (train, guint, i) == s;
      for (guint i = 0; i < val->len; i++)
        in_val |= g_array_index (val, guint, i) == s;
      int v = (int) s;
      if (in_val && !in_train)
        g_array_append_val (val_all, v);
    }
  return val_all;
}

/* The data, the model as fitted and the options, decided as the window decides them (fit-plan.h). */
static NdFitPlan *
make_plan (const FitArgs *a, NdRecording *rec, nd_model *m, GArray *train, GArray *val_all, double w0, double w1,
           GError **error)
{
  NdFitPlanSpec spec;
  nd_fit_plan_spec_init (&spec);
  spec.train = train->len ? (const int *) train->data : NULL;
  spec.n_train = (int) train->len;
  spec.val = (const int *) val_all->data;
  spec.n_val = (int) val_all->len;
  spec.max_dt_ms = a->max_dt;
  spec.window_start_ms = w0;
  spec.window_end_ms = w1;
  spec.clamp_skip_ms = a->clamp_skip;
  spec.keep_leak = a->keep_leak;
  spec.warm_start = a->warm_start;
  spec.seed = a->seed;
  spec.total_iterations = a->iterations;
  spec.restarts = a->restarts;
  spec.search_evals = a->search;
  spec.progress_interval_s = 2.0;
  return nd_fit_plan_new (rec, m, &spec, error);
}

/* The model is checked before the fit: it must have something to fit, and
 * weights to start from for --warm-start. 0, or the exit status. */
static int
check_fit_model (const FitArgs *a, const nd_model *m, const char *model_path, gboolean weights_given)
{
  if (a->warm_start && !weights_given)
    return nd_cli_fail (1, _("--warm-start needs a model whose learned channels have weights, such as a fit’s model.json"));
  if (nd_model_n_trainable (m) == 0)
    return nd_cli_fail (1, _("%s has nothing to fit: add a “learned” channel or set “fit_gbar”/“fit_e_rev”"),
                        model_path ? model_path : a->project);
  return 0;
}

/* In voltage clamp the user is told what the plan decided for the leak and
 * the transients, since both change what the errors mean. */
static void
report_clamp_plan (const NdFitPlan *plan)
{
  const NdFitData *data = plan->data;
  if (!data->voltage_clamp)
    return;
  if (plan->leak_freed > 0)
    fprintf (stderr, _("voltage clamp: the leak’s conductance and reversal potential are fitted to the "
                       "recording (--keep-leak keeps the model’s)\n"));
  fprintf (stderr, _("voltage clamp: %.2f ms after every jump of the command are left out (capacitive "
                     "transients); errors in units of %.3g pA\n"),
           data->clamp_skip_ms, data->i_unit_pA);
}

/* The output folder, emptied of a previous fit's kinetics, loss and report
 * so that none is ever left beside this fit's model. 0, or the exit status. */
static int
prepare_out_dir (const char *out_dir)
{
  g_autoptr (GError) error = NULL;
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    return nd_cli_fail (1, _("cannot create the folder “%s”: %s"), out_dir, g_strerror (errno));
  if (!nd_cli_set_begin (out_dir, fit_outputs_with + 1, &error))
    return nd_cli_fail (1, "%s", error->message);
  return 0;
}

/* Voltage clamp fits the leak too: its result is printed. */
static void
report_leak (const nd_model *m)
{
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_KNOWN && m->channels[c].n_gates == 0)
      fprintf (stderr, _("leak: %.4g mS/cm² (%.3g nS), reversal potential %.1f mV\n"),
               m->params[m->blocks[m->channels[c].block_gbar].offset],
               m->params[m->blocks[m->channels[c].block_gbar].offset] * m->area_um2 * 1e-2,
               m->params[m->blocks[m->channels[c].block_e].offset]);
}

/* Runs the plan's fit on *mp (the best so far saved as model_out while it
 * runs; an ensemble replaces *mp by its best member) and writes the outputs
 * unless it broke down. The exit status. */
static int
fit_and_write (const FitArgs *a, nd_model **mp, NdFitPlan *plan, const NdFitData *with, const char *model_out,
               double cell_repeat_mV)
{
  nd_model *m = *mp;
  const NdFitData *data = plan->data;
  /* With --with the fit trains on the sweeps of both recordings; the first one's validate. */
  NdFitData joint = *data;
  g_autofree nd_fit_sweep *train_all = NULL;
  if (with)
    {
      train_all = g_new (nd_fit_sweep, data->n_train + with->n_train);
      memcpy (train_all, data->train, data->n_train * sizeof *train_all);
      memcpy (train_all + data->n_train, with->train, with->n_train * sizeof *train_all);
      joint.train = train_all;
      joint.n_train = data->n_train + with->n_train;
    }
  g_autoptr (GError) error = NULL;
  int status = 0;
  FitProgress fp = { .i_unit_pA = data->voltage_clamp ? data->i_unit_pA : 0.0, .joint = with != NULL,
                     .snapshot = nd_model_copy (m),
                     .model_path = model_out };
  nd_fit_result res;
  nd_model **members = NULL;
  int n_kept = 0;
  gint64 t0 = g_get_monotonic_time ();
  if (a->ensemble > 0)
    m = *mp = nd_cli_fit_ensemble (m, &joint, &plan->opt, a->ensemble, a->jobs, &res, a->propose ? &members : NULL,
                                   &n_kept);
  else
    {
      nd_fit_options o = plan->opt;
      o.threads = a->jobs;
      const int cores = a->jobs > 0 ? a->jobs : nd_cpu_count ();
      fprintf (stderr, ngettext ("fitting on %d core (--jobs sets how many; the result is the same)\n",
                                 "fitting on %d cores (--jobs sets how many; the result is the same)\n",
                                 (unsigned long) cores), cores);
      nd_fit (m, joint.train, joint.n_train, data->val, data->n_val, &o, NULL, on_progress, &fp, &res);
    }
  nd_model_free (fp.snapshot);
  fprintf (stderr, _("fitted in %.0f s (%d gradient steps, %ld gradients evaluated); the model of start %d is kept\n"),
           (g_get_monotonic_time () - t0) / 1e6, res.iterations_done, res.gradients, res.best_restart + 1);
  /* The alternative start (fit.h, ND_FIT_ALT_INACT_MV): say what it assumed, and where the model shows it. */
  if (res.alt_restart >= 0)
    fprintf (stderr, res.best_restart == res.alt_restart
                     ? _("start %d assumed sodium inactivation %.0f mV more depolarised than published, and fitted "
                         "the validation sweeps best (the model's v_shift_inact)\n")
                     : _("start %d assumed sodium inactivation %.0f mV more depolarised than published; the published "
                         "kinetics fitted the validation sweeps better\n"),
             res.alt_restart + 1, ND_FIT_ALT_INACT_MV);
  if (data->voltage_clamp)
    report_leak (m);
  if (!isfinite (res.train_loss))
    status = nd_cli_fail (1, _("the fit broke down (its training error is not a number); no result is written: "
                               "try another --seed or a smaller --dt"));
  else if (!write_outputs (m, &res, data, with, a->out_dir, cell_repeat_mV, &error))
    status = nd_cli_fail (1, "%s", error->message);
  else if (a->propose)
    status = nd_cli_propose (members, n_kept, data, with, res.noise_sd, a->vc_noise, a->out_dir);
  for (int k = 0; k < n_kept; k++)
    nd_model_free (members[k]);
  free (members);
  nd_fit_result_clear (&res);
  return status;
}

/* --with: every sweep of the second recording, read for the model as fitted (its area turns currents into
 * densities), trains. In voltage clamp its transients are left out as --skip says or as measured on it. */
static NdFitData *
load_with (const FitArgs *a, const nd_model *m, NdRecording **rec)
{
  /* --stimulus names a signal of REC; REC2's stimulus is found as for any recording. */
  NdCliRecordingOptions o = a->rec;
  o.stimulus = NULL;
  *rec = nd_cli_load_recording (a->with, &o);
  if (!*rec)
    return NULL;
  NdFitDataSpec spec = { .max_dt_ms = a->max_dt, .clamp_skip_ms = a->clamp_skip };
  g_autoptr (GError) error = NULL;
  NdFitData *d = nd_fit_data_new (*rec, m, &spec, &error);
  if (!d)
    {
      nd_cli_fail (1, _("%s (--with): %s"), a->with, error->message);
      return NULL;
    }
  if (d->voltage_clamp)
    fprintf (stderr, _("fitted together with %s: %d voltage-clamp sweeps (%.2f ms after every jump of the command "
                       "left out; errors in units of %.3g pA)\n"),
             a->with, d->n_train, d->clamp_skip_ms, d->i_unit_pA);
  else
    fprintf (stderr, _("fitted together with %s: %d current-clamp sweeps\n"), a->with, d->n_train);
  return d;
}

/* How far the recorded cell is from itself from sweep to sweep (cell-repeat.h); NAN in voltage clamp. */
static double
cell_repeat (const NdRecording *rec)
{
  if (nd_recording_is_voltage_clamp (rec))
    return NAN;
  nd_cell_props p;
  nd_cell_props_from_recording (rec, 1.0, NAN, NAN, &p, NULL);
  double r = p.repeat_rmse_mV;
  nd_cell_props_clear (&p);
  return r;
}

/* The options checked, the recording and model loaded, the plan made, then
 * the fit run and written. */
static int
run_fit (const FitArgs *a, int argc, char **argv)
{
  const char *model_path = argc == 3 ? argv[1] : NULL, *rec_path = argv[argc - 1];
  double w0 = 0.0, w1 = 0.0;
  int status = check_fit_options (a, argc, model_path, &w0, &w1);
  if (status != 0)
    return status;
  NdRecording *rec = nd_cli_load_recording (rec_path, &a->rec);
  if (!rec)
    return 1;
  const guint n_sweeps = nd_recording_n_sweeps (rec);
  g_autoptr (GArray) train = a->train ? nd_cli_parse_sweeps (a->train, n_sweeps, &status)
                                      : g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) val = status == 0 && a->validate ? nd_cli_parse_sweeps (a->validate, n_sweeps, &status)
                                                      : g_array_new (FALSE, FALSE, sizeof (guint));
  if (status != 0)
    {
      nd_recording_free (rec);
      return status;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) val_all = NULL;
  g_autofree char *model_out = g_build_filename (a->out_dir, "model.json", NULL);
  gboolean weights_given = FALSE;
  double repeat_mV = NAN;
  gboolean repeat_known = FALSE;
  nd_model *m = make_model (a, model_path, rec, train, val, &weights_given, &repeat_mV, &repeat_known, &error);
  NdFitPlan *plan = NULL;
  NdRecording *with_rec = NULL;
  NdFitData *with = NULL;
  if (!m)
    {
      status = nd_cli_fail (error->domain == G_OPTION_ERROR ? 2 : 1, "%s", error->message);
      goto out;
    }
  status = check_fit_model (a, m, model_path, weights_given);
  if (status != 0)
    goto out;
  val_all = validation_sweeps (train, val, n_sweeps);
  plan = make_plan (a, rec, m, train, val_all, w0, w1, &error);
  if (!plan)
    {
      status = nd_cli_fail (1, "%s", error->message);
      goto out;
    }
  /* From here the plan's copy is the model fitted and written. */
  nd_model_free (m);
  m = plan->model;
  plan->model = NULL;
  report_clamp_plan (plan);
  if (a->with && !(with = load_with (a, m, &with_rec)))
    {
      status = 1;
      goto out;
    }
  if (a->vc_noise > 0.0 && (plan->data->voltage_clamp || (with && with->voltage_clamp)))
    {
      status = nd_cli_fail (2, _("--vc-noise is for fits without a voltage-clamp recording: the noise of the one "
                                 "given is measured on it"));
      goto out;
    }
  status = prepare_out_dir (a->out_dir);
  if (status == 0)
    status = fit_and_write (a, &m, plan, with, model_out, repeat_known ? repeat_mV : cell_repeat (rec));

out:
  nd_fit_data_free (with);
  nd_recording_free (with_rec);
  nd_fit_plan_free (plan);
  nd_recording_free (rec);
  nd_model_free (m);
  return status;
}

/* A project gives the model, the recording and the choices the command line leaves open. */
static int
run_project_or_fit (FitArgs *a, int argc, char **argv)
{
  if (argc == 2 && a->out_dir && nd_project_file_sniff (argv[1]))
    {
      if (a->template_name)
        return nd_cli_fail (2, _("give either a project or --template, not both"));
      NdCliFitChoices choices = { &a->train, &a->validate, &a->window, &a->rec };
      g_autofree char *rec_path = NULL;
      g_autoptr (NdProjectFile) project = nd_cli_fit_project (argv[1], &rec_path, &a->with, &choices);
      if (!project)
        return 1;
      char *args[] = { argv[0], rec_path, NULL };
      a->model = project->model;
      a->project = argv[1];
      return run_fit (a, 2, args);
    }
  if (isnan (a->rec.ljp_mv))
    a->rec.ljp_mv = 0.0;
  return run_fit (a, argc, argv);
}

int
nd_cli_fit (int argc, char **argv)
{
  FitArgs a = { .seed = 1, .max_dt = 0.025, .search = -1, .ensemble = -1 };
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out_dir, N_("Folder for model.json, kinetics.csv, loss.csv and report.csv"), N_("DIR") },
    { "template", 0, 0, G_OPTION_ARG_STRING, &a.template_name, N_("Without a model file: start from “cortical” (a cortical or hippocampal neuron, the default) or “squid” (squid axon), sized to the recorded cell"), N_("NAME") },
    { "train", 0, 0, G_OPTION_ARG_STRING, &a.train, N_("Sweeps to fit, numbered from 0, e.g. 0,4,8 (default: all but the validation sweeps; with a template, three spread over the protocol)"), N_("SWEEPS") },
    { "validate", 0, 0, G_OPTION_ARG_STRING, &a.validate, N_("Sweeps held out for validation, e.g. 2,4-5 (default: the sweeps not trained on)"), N_("SWEEPS") },
    { "area", 0, 0, G_OPTION_ARG_DOUBLE, &a.area, N_("With a template: the membrane area in µm² instead of the one measured from the recording"), N_("UM2") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &a.seed, N_("Random seed of the network initialisation (default 1)"), N_("N") },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &a.iterations, N_("The most optimiser iterations of the whole fit, shared equally by its restarts; automatic extra restarts and the polish run only within it (default: no limit, 400 per restart, 150 for a real cell after its search)"), N_("N") },
    { "restarts", 0, 0, G_OPTION_ARG_INT, &a.restarts, N_("Fits from different initialisations; the best on validation is kept"), N_("N") },
    { "ensemble", 0, 0, G_OPTION_ARG_INT, &a.ensemble, N_("Fit this many times from seeds SEED, SEED+1, … (2 to 64), keep the fits that explain the data as well as the best, and write the range of their kinetics (kinetics.csv’s x_inf_lo … tau_hi_ms and the model’s “band”)"), N_("N") },
    { "propose", 0, 0, G_OPTION_ARG_NONE, &a.propose, N_("With --ensemble: find the recording (steps, step pairs, ramps, noise, prepulses, in the recording’s clamp mode) on which the kept fits disagree most, print it and write it to DIR/next/ (proposal.txt, stimulus.atf, stimulus.csv, predicted.csv)"), NULL },
    { "vc-noise", 0, 0, G_OPTION_ARG_DOUBLE, &a.vc_noise, N_("With --propose after a current-clamp fit: also propose voltage-clamp recordings of the cell, whose clamp current has this noise (s.d. in pA at the recording’s bandwidth, e.g. 5)"), N_("PA") },
    { "jobs", 0, 0, G_OPTION_ARG_INT, &a.jobs, N_("Cores to use (default: every core): the sweeps and the search’s candidates are simulated side by side, with the same result as on one core; with --ensemble, its fits share them"), N_("N") },
    { "with", 0, 0, G_OPTION_ARG_FILENAME, &a.with, N_("Another recording of the same cell, in current or voltage clamp, fitted together with REC: all its sweeps train (report in with-report.csv); --propose then proposes in both clamp modes"), N_("REC2") },
    { "window", 0, 0, G_OPTION_ARG_STRING, &a.window, N_("Fit only this part of every sweep, in ms from its start, e.g. 100-700 (faster; default: the whole sweep)"), N_("START-END") },
    { "search", 0, 0, G_OPTION_ARG_INT, &a.search, N_("Simulations of the search of conductances and kinetics that starts each restart (default 600 for a real cell, 0 otherwise; 0: no search)"), N_("N") },
    { "dt", 0, 0, G_OPTION_ARG_DOUBLE, &a.max_dt, N_("Largest integration step in ms (default 0.025)"), N_("MS") },
    { "warm-start", 0, 0, G_OPTION_ARG_NONE, &a.warm_start, N_("Refine the model's network weights instead of starting afresh"), NULL },
    { "keep-leak", 0, 0, G_OPTION_ARG_NONE, &a.keep_leak, N_("Voltage clamp: keep the model's leak instead of fitting its conductance and reversal potential to the recording"), NULL },
    { "skip", 0, 0, G_OPTION_ARG_DOUBLE, &a.clamp_skip, N_("Voltage clamp: milliseconds left out after every jump of the command (default: measured on the capacitive transients; a negative value: none)"), N_("MS") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("[MODEL.json] REC | PROJECT.neurode — fit a model to a recording"));
  g_option_context_set_description (ctx, _("A project saved by Neurode gives the model, the recording (where it was, "
                                           "else beside the project), the training and validation sweeps, the fit "
                                           "window, the stimulus and the liquid-junction potential; options given "
                                           "here override the project’s."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  nd_cli_recording_add_options (ctx, &a.rec);
  nd_cli_recording_add_ljp_option (ctx, &a.rec);
  /* Not given: a project's, else 0 (run_project_or_fit). */
  a.rec.ljp_mv = NAN;
  g_autoptr (GError) error = NULL;
  int status = g_option_context_parse (ctx, &argc, &argv, &error) ? run_project_or_fit (&a, argc, argv)
                                                                    : nd_cli_fail (2, "%s", error->message);
  nd_cli_recording_options_clear (&a.rec);
  g_free (a.out_dir);
  g_free (a.train);
  g_free (a.validate);
  g_free (a.template_name);
  g_free (a.window);
  g_free (a.with);
  return status;
}
