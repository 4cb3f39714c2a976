/* nd-fit-runner.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "fit-data.h"
#include "fit-worker.h"
#include "lanes.h"
#include "nd-error.h"
#include "nd-fit-ensemble.h"
#include "nd-fit-runner.h"
#include "nd-task.h"
#include "propose-fit.h"
#include "sweep-score.h"
#include "units.h"

struct _NdFitRunner
{
  GObject parent_instance;

  NdFitState state;
  nd_fit_worker *worker;
  NdFitEnsemble *ensemble;    /* instead of worker, for an ensemble of fits */
  int n_members;              /* asked for before the start: >= 2 runs an ensemble */
  int members, members_done, n_kept;  /* the running (or last) ensemble's; members 0 for a single fit */
  int at_once;                /* how many of its fits run side by side */
  nd_model **kept;            /* the last ensemble's kept members (n_kept), for what to record next */
  nd_propose_options propose; /* what proposing the next recording needs, taken before the sweeps go */
  NdProjectSweeps *sweeps;
  int iterations, restarts, n_stages;
  gboolean spike_aware;
  double area_um2;            /* the model's, for clamp currents in pA */
  double i_unit_pA;           /* voltage clamp: pA of one unit of the loss; 0 in current clamp */

  GMutex lock;
  NdFitSnapshot *pending;     /* written by the worker thread, under lock */
  GArray *pending_hist;       /* every report's (done, train, val, horizon, restart), under lock */
  NdFitSnapshot *current;     /* main thread only */
  guint timer;

  GTimer *clock;              /* running time, stopped while paused */
  double member_s;            /* an ensemble's first fit: its expected duration (running time + time left) */
  double last_emit_s;         /* running time at the last progress signal */
  gboolean fresh;             /* the last progress signal came with a new snapshot (else: time or members) */
  GArray *hist_x, *hist_train, *hist_val;
  GArray *hist_free;          /* guint8 per point: the model ran free (else: pulled towards the recording) */
  int last_done;
  /* Loss of the first report and the latest one of the same stage (losses of stages differ in kind). */
  double stage_first, stage_last;
  int stage_horizon;

  nd_model *model;
  nd_fit_result result;
  gboolean have_result;
  GArray *scores;             /* the project's recording's sweeps, then the fitted-with recording's */
  guint n_own;                /* how many of them are the project's recording's */
  GPtrArray *traces;          /* double arrays, one per score */
  GArray *trace_n;
  GArray *trace_dt;
  char *outcome;
  gboolean failed;
  gboolean joint;             /* fitted together with another recording (NdProjectSweeps.with) */
  GCancellable *cancellable;  /* the scoring's; cancelled when the runner goes */
};

G_DEFINE_FINAL_TYPE (NdFitRunner, nd_fit_runner, G_TYPE_OBJECT)

enum { SIGNAL_PROGRESS, SIGNAL_FINISHED, SIGNAL_STATE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
snapshot_free (NdFitSnapshot *s)
{
  if (!s)
    return;
  g_strfreev (s->gate_labels);
  g_free (s->x_inf);
  g_free (s->tau);
  g_free (s->trace_v);
  g_free (s->trace_obs);
  g_free (s);
}

NdSweepScore
nd_fit_score_sweep (nd_model *model, const nd_fit_sweep *sweep, guint id, NdSweepRole role, double *v)
{
  nd_sweep_score sc;
  nd_sweep_score_model (model, sweep, v, &sc);
  if (sc.voltage_clamp && v)
    /* Voltage clamp: v holds the membrane current, drawn in pA. */
    for (gsize j = 0; j < sweep->drive.n; j++)
      v[j] = nd_density_to_pA (v[j], model->area_um2);
  return (NdSweepScore) {
    .sweep = id,
    .role = role,
    .rmse_mV = sc.rmse_mV,
    .spikes_recorded = sc.spikes_recorded,
    .spikes_model = sc.spikes_model,
    .first_spike_shift_ms = sc.first_spike_shift_ms,
    .subthreshold_rmse_mV = sc.subthreshold_rmse_mV,
    .voltage_clamp = sc.voltage_clamp,
    .rmse_pA = sc.rmse_pA,
    .peak_pA = sc.peak_pA,
    .peak_model_pA = sc.peak_model_pA,
  };
}

/* Worker thread: copy what the views need, keep only the newest. */
static void
on_progress (const nd_fit_progress *p, void *user)
{
  NdFitRunner *self = user;
#ifdef __linux__
  /* The fit is background work: on Linux a thread has its own nice value, so the window's thread
   * stays ahead of it when the machine is busy. */
  static _Thread_local gboolean niced = FALSE;
  if (!niced)
    {
      setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
      niced = TRUE;
    }
#endif
  NdFitSnapshot *s = g_new0 (NdFitSnapshot, 1);
  s->done = p->done;
  s->total = p->total;
  s->iteration = p->iteration;
  s->iterations = p->iterations;
  s->restart = p->restart;
  s->restarts = p->restarts;
  s->stage = p->stage;
  s->n_stages = self->n_stages;
  s->horizon = p->horizon;
  s->searching = p->searching;
  s->search_done = p->search_done;
  s->search_total = p->search_total;
  s->seconds_left = p->seconds_left;
  s->alternative = p->alternative;
  s->train_loss = p->train_loss;
  s->val_loss = p->val_loss;
  s->best_val_loss = p->best_val_loss;
  s->n_gates = p->n_gates;
  s->gate_labels = g_new0 (char *, p->n_gates + 1);
  for (int g = 0; g < p->n_gates; g++)
    s->gate_labels[g] = g_strdup (p->gate_labels[g]);
  s->x_inf = g_memdup2 (p->x_inf, sizeof (double) * p->n_gates * ND_FIT_CURVE_POINTS);
  s->tau = g_memdup2 (p->tau, sizeof (double) * p->n_gates * ND_FIT_CURVE_POINTS);
  s->trace_n = p->trace_n;
  s->trace_v = g_memdup2 (p->trace_v, sizeof (double) * p->trace_n);
  s->trace_obs = g_memdup2 (p->trace_obs, sizeof (double) * p->trace_n);
  s->trace_dt = p->trace_dt;
  s->trace_current = p->trace_current;
  s->i_unit_pA = self->i_unit_pA;
  for (gsize j = 0; s->trace_current && j < s->trace_n; j++)
    {
      s->trace_v[j] = nd_density_to_pA (s->trace_v[j], self->area_um2);
      s->trace_obs[j] = nd_density_to_pA (s->trace_obs[j], self->area_um2);
    }
  /* Snapshots are coalesced (only the newest is drawn), but the loss curve keeps every report. */
  /* The loss plot's x counts gradient steps: a real cell's searches (done counts them too) have no loss. */
  double row[5] = { p->steps_done, s->train_loss, s->val_loss, s->horizon, s->restart };
  g_mutex_lock (&self->lock);
  NdFitSnapshot *old = self->pending;
  self->pending = s;
  /* A search's reports carry no loss (0): left out, they drew a point at step 0 that a log axis cannot show. */
  if (!p->searching)
    g_array_append_vals (self->pending_hist, row, 5);
  g_mutex_unlock (&self->lock);
  snapshot_free (old);
}

static void
set_state (NdFitRunner *self, NdFitState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_signal_emit (self, signals[SIGNAL_STATE], 0);
}

typedef struct
{
  nd_model *model;
  NdProjectSweeps *sweeps;
  GArray *scores;
  guint n_own;
  GPtrArray *traces;
  GArray *trace_n, *trace_dt;
} ScoreJob;

static void
score_job_free (ScoreJob *j)
{
  nd_model_free (j->model);
  nd_project_free_sweeps (j->sweeps);
  g_clear_pointer (&j->scores, g_array_unref);
  g_clear_pointer (&j->traces, g_ptr_array_unref);
  g_clear_pointer (&j->trace_n, g_array_unref);
  g_clear_pointer (&j->trace_dt, g_array_unref);
  g_free (j);
}

/* Every sweep the fit used, training and validation, in the recording's order: the project's recording's
 * first, then those of the recording fitted together with it (all training). The job owns its model and
 * sweeps: the runner may be gone before it ends. */
static void
score_thread (gpointer data, GCancellable *cancellable)
{
  ScoreJob *j = data;
  NdProjectSweeps *sw = j->sweeps;
  guint n = sw->n_train + sw->n_val, first_with = sw->n_train - sw->n_with, n_own = n - sw->n_with;
  /* The project's recording's sweeps (its training ones, then its validation ones after the other's) sorted
   * by sweep, then the other's in their recording's order, as the fit data hold them. */
  g_autofree guint *order = g_new (guint, n);
  for (guint k = 0, i = 0; k < n; k++)
    if (k < first_with || k >= sw->n_train)
      order[i++] = k;
  for (guint k = 0; k < sw->n_with; k++)
    order[n_own + k] = first_with + k;
  for (guint a = 1; a < n_own; a++)
    for (guint b = a; b > 0 && sw->sweep_ids[order[b - 1]] > sw->sweep_ids[order[b]]; b--)
      {
        guint t = order[b];
        order[b] = order[b - 1];
        order[b - 1] = t;
      }
  for (guint i = 0; i < n && !g_cancellable_is_cancelled (cancellable); i++)
    {
      guint k = order[i];
      j->n_own += i < n_own;
      gsize len = sw->sweeps[k].drive.n;
      double *v = g_new (double, len);
      NdSweepScore sc = nd_fit_score_sweep (j->model, &sw->sweeps[k], sw->sweep_ids[k],
                                            k < sw->n_train ? ND_SWEEP_TRAIN : ND_SWEEP_VALIDATE, v);
      g_array_append_val (j->scores, sc);
      g_ptr_array_add (j->traces, v);
      g_array_append_val (j->trace_n, len);
      g_array_append_val (j->trace_dt, sw->sweeps[k].drive.dt_sample);
    }
}

/* Main loop, the runner alive (nd-task.h). */
static gboolean
score_done (gpointer owner, gpointer data, gboolean cancelled)
{
  NdFitRunner *self = ND_FIT_RUNNER (owner);
  ScoreJob *j = data;
  if (cancelled)
    return FALSE;
  g_array_append_vals (self->scores, j->scores->data, j->scores->len);
  self->n_own = j->n_own;
  while (j->traces->len > 0)
    g_ptr_array_add (self->traces, g_ptr_array_steal_index (j->traces, 0));
  g_array_append_vals (self->trace_n, j->trace_n->data, j->trace_n->len);
  g_array_append_vals (self->trace_dt, j->trace_dt->data, j->trace_dt->len);
  set_state (self, ND_FIT_FINISHED);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
  return FALSE;
}

static void
describe_outcome (NdFitRunner *self)
{
  const nd_fit_result *r = &self->result;
  g_free (self->outcome);
  self->failed = FALSE;
  if (!isfinite (r->best_val_loss))
    {
      self->failed = TRUE;
      self->outcome = g_strdup (_("The fit failed: the model’s voltage became infinite or undefined at every step. "
                                  "Check the stimulus, the membrane area and the channels’ conductances."));
    }
  else if (r->iterations_done > 0 && r->rejected_steps > r->iterations_done / 2)
    {
      self->failed = TRUE;
      self->outcome = g_strdup_printf (_("The fit had trouble: %d of %d steps gave an undefined loss and were undone. "
                                         "The best result so far is kept."),
                                       r->rejected_steps, r->iterations_done);
    }
  /* A real cell's fit starts each restart from its search's best model, whose gradient steps may well not
   * lower the error by a tenth: no sign of a stuck fit there. */
  else if (!r->cancelled && !self->spike_aware && self->hist_x->len > 2 && isfinite (self->stage_first)
           && !(self->stage_last < 0.9 * self->stage_first))
    {
      self->failed = TRUE;
      self->outcome = g_strdup (_("The fit made no progress: the error did not fall. The best result so far is kept; "
                                  "try another network size or other channels."));
    }
  else if (self->i_unit_pA > 0.0)
    {
      /* Voltage clamp: the loss is in units of i_unit_pA. */
      double rmse = self->i_unit_pA * sqrt (r->best_val_loss);
      self->outcome = r->cancelled
                        ? g_strdup_printf (_("Stopped after %d iterations; the best result so far is kept "
                                             "(RMSE %.2f pA)."), r->iterations_done, rmse)
                        : g_strdup_printf (_("Finished %d iterations: RMSE %.2f pA on the %s sweeps."),
                                           r->iterations_done, rmse,
                                           self->sweeps->n_val > 0 ? _("validation") : _("training"));
    }
  else if (r->cancelled && self->spike_aware)
    self->outcome = g_strdup_printf (_("Stopped after %d iterations; the best result so far is kept."),
                                     r->iterations_done);
  else if (self->spike_aware)
    /* The kept parameters are those with the best spike-aware score, not an RMSE: the results say how good. */
    self->outcome = g_strdup_printf (_("Finished %d iterations, keeping the model whose spike counts and "
                                       "subthreshold error came closest to the %s sweeps."),
                                     r->iterations_done, self->sweeps->n_val > 0 ? _("validation") : _("training"));
  else if (r->cancelled)
    self->outcome = g_strdup_printf (_("Stopped after %d iterations; the best result so far is kept "
                                       "(RMSE %.2f mV)."), r->iterations_done, sqrt (r->best_val_loss));
  else
    self->outcome = g_strdup_printf (_("Finished %d iterations: RMSE %.2f mV on the %s sweeps."),
                                     r->iterations_done, sqrt (r->best_val_loss),
                                     self->sweeps->n_val > 0 ? _("validation") : _("training"));
}

/* An ensemble's outcome says how many of its fits explain the recording equally well. */
static void
describe_ensemble (NdFitRunner *self)
{
  if (self->members < 2 || self->failed)
    return;
  /* Whole sentences for the translators, one per case. */
  g_autofree char *fits = self->n_kept < 2
    ? g_strdup_printf (self->joint ? _("Only the best of %d fits explains both recordings this well, so there is no "
                                       "range of equally good fits to show. Fit again with more iterations or more "
                                       "fits.")
                                   : _("Only the best of %d fits explains the recording this well, so there is no "
                                       "range of equally good fits to show. Fit again with more iterations or more "
                                       "fits."), self->members)
    : g_strdup_printf (self->joint ? _("%d of %d fits explain both recordings equally well: the kinetics plots shade "
                                       "the range they allow around the best one, whose curve is thick where the data "
                                       "pin it down.")
                                   : _("%d of %d fits explain the recording equally well: the kinetics plots shade "
                                       "the range they allow around the best one, whose curve is thick where the data "
                                       "pin it down."), self->n_kept, self->members);
  char *both = g_strdup_printf ("%s %s", self->outcome, fits);
  g_free (self->outcome);
  self->outcome = both;
}

static void
free_kept (NdFitRunner *self)
{
  for (int k = 0; self->kept && k < self->n_kept; k++)
    nd_model_free (self->kept[k]);
  free (self->kept);
  self->kept = NULL;
}

/* As neurode-cli fit --propose asks (propose-fit.h), from the sweeps before the scoring takes them. */
static void
set_propose_options (NdFitRunner *self)
{
  const NdProjectSweeps *sw = self->sweeps;
  if (sw->with)
    nd_propose_options_for_joint_fit (&self->propose, sw->plan->data, sw->with, self->area_um2);
  else
    nd_propose_options_for_fit (&self->propose, sw->plan->data, self->area_um2, self->result.noise_sd);
}

static void
finish (NdFitRunner *self)
{
  if (self->ensemble)
    {
      int ran = nd_fit_ensemble_members_done (self->ensemble);
      self->model = nd_fit_ensemble_finish (self->ensemble, &self->result, &self->n_kept, &self->kept);
      self->ensemble = NULL;
      /* After a Stop, the fits that never started are not counted ("2 of 2 fits", not "2 of 3"). */
      if (self->result.cancelled && ran > 0 && ran < self->members)
        self->members = ran;
      self->members_done = self->members;
      set_propose_options (self);
    }
  else
    self->model = nd_fit_worker_finish (self->worker, &self->result);
  self->worker = NULL;
  self->have_result = TRUE;
  g_timer_stop (self->clock);
  describe_outcome (self);
  describe_ensemble (self);
  set_state (self, ND_FIT_SCORING);
  ScoreJob *j = g_new0 (ScoreJob, 1);
  j->model = nd_model_copy (self->model);
  /* The sweeps are the job's now: nothing of the runner is read on the thread. */
  j->sweeps = g_steal_pointer (&self->sweeps);
  j->scores = g_array_new (FALSE, TRUE, sizeof (NdSweepScore));
  j->traces = g_ptr_array_new_with_free_func (g_free);
  j->trace_n = g_array_new (FALSE, TRUE, sizeof (gsize));
  j->trace_dt = g_array_new (FALSE, TRUE, sizeof (double));
  nd_task_run (self, self->cancellable, j, (GDestroyNotify) score_job_free, score_thread, score_done);
}

static gboolean
tick (gpointer data)
{
  NdFitRunner *self = data;
  g_mutex_lock (&self->lock);
  NdFitSnapshot *s = g_steal_pointer (&self->pending);
  g_autoptr (GArray) rows = self->pending_hist;
  self->pending_hist = g_array_new (FALSE, FALSE, sizeof (double));
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i + 4 < rows->len; i += 5)
    {
      const double *row = &g_array_index (rows, double, i);
      if ((int) row[0] <= self->last_done && self->hist_x->len > 0)
        continue;
      g_array_append_val (self->hist_x, row[0]);
      g_array_append_val (self->hist_train, row[1]);
      g_array_append_val (self->hist_val, row[2]);
      const guint8 free_run = row[3] == 0.0;
      g_array_append_val (self->hist_free, free_run);
      self->last_done = (int) row[0];
      if (self->hist_x->len == 1)
        {
          self->stage_first = row[1];
          self->stage_horizon = (int) row[3];
        }
      if ((int) row[3] == self->stage_horizon && row[4] == 0)
        self->stage_last = row[1];
    }
  /* An ensemble's member 0 may end long before the others: their ends are progress too. */
  int members_done = self->ensemble ? nd_fit_ensemble_members_done (self->ensemble) : 0;
  gboolean members_changed = members_done != self->members_done;
  self->members_done = members_done;
  if (s)
    {
      snapshot_free (self->current);
      self->current = s;
    }
  /* An ensemble's time left: its first fit's duration (running time and the engine's time left, fit-eta.h)
   * for each wave of fits side by side (one per core); once a second, as the first may end long before. */
  const double now = g_timer_elapsed (self->clock, NULL);
  if (s && self->ensemble && isfinite (s->seconds_left))
    self->member_s = now + s->seconds_left;
  const gboolean tick = self->ensemble && now - self->last_emit_s >= 1.0;
  if (self->current && (s || members_changed || tick))
    {
      self->current->elapsed_s = now;
      self->current->members_left_s = NAN;
      if (self->ensemble && self->member_s > 0.0 && members_done < self->members)
        {
          const int waves = (self->members + self->at_once - 1) / self->at_once;
          self->current->members_left_s = MAX (0.0, waves * self->member_s - now);
        }
      self->last_emit_s = now;
      self->fresh = s != NULL;
      g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
    }
  if ((self->worker && nd_fit_worker_done (self->worker)) || (self->ensemble && nd_fit_ensemble_done (self->ensemble)))
    {
      self->timer = 0;
      finish (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

NdFitRunner *
nd_fit_runner_new (void)
{
  return g_object_new (ND_TYPE_FIT_RUNNER, NULL);
}

static void
clear_run (NdFitRunner *self)
{
  g_clear_pointer (&self->model, nd_model_free);
  if (self->have_result)
    nd_fit_result_clear (&self->result);
  self->have_result = FALSE;
  g_clear_pointer (&self->sweeps, nd_project_free_sweeps);
  g_array_set_size (self->scores, 0);
  self->n_own = 0;
  g_ptr_array_set_size (self->traces, 0);
  g_array_set_size (self->trace_n, 0);
  g_array_set_size (self->trace_dt, 0);
  g_array_set_size (self->hist_x, 0);
  g_array_set_size (self->hist_train, 0);
  g_array_set_size (self->hist_free, 0);
  g_array_set_size (self->hist_val, 0);
  g_clear_pointer (&self->current, snapshot_free);
  g_clear_pointer (&self->outcome, g_free);
  g_mutex_lock (&self->lock);
  g_array_set_size (self->pending_hist, 0);
  g_clear_pointer (&self->pending, snapshot_free);
  g_mutex_unlock (&self->lock);
  self->failed = FALSE;
  free_kept (self);
  self->members = self->members_done = self->n_kept = 0;
  self->member_s = self->last_emit_s = 0.0;
  self->last_done = 0;
  self->stage_first = self->stage_last = NAN;
}

gboolean
nd_fit_runner_start (NdFitRunner *self, NdProjectSweeps *sweeps, GError **error)
{
  const nd_model *model = sweeps->plan->model;
  const nd_fit_options *opt = &sweeps->plan->opt;
  if (self->state != ND_FIT_IDLE && self->state != ND_FIT_FINISHED)
    {
      nd_project_free_sweeps (sweeps);
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("A fit is already running"));
      return FALSE;
    }
  if (nd_model_n_trainable (model) == 0)
    {
      nd_project_free_sweeps (sweeps);
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("The model has nothing to fit: add the learned current or let a conductance be fitted"));
      return FALSE;
    }
  clear_run (self);
  self->sweeps = sweeps;
  self->joint = sweeps->with != NULL;
  self->area_um2 = model->area_um2;
  self->i_unit_pA = sweeps->plan->data->voltage_clamp ? sweeps->plan->data->i_unit_pA : 0.0;
  self->iterations = opt->iterations;
  self->restarts = opt->restarts;
  self->n_stages = CLAMP (opt->n_stages, 1, ND_FIT_MAX_STAGES);
  self->spike_aware = opt->spike_aware == ND_FIT_AUTO ? nd_fit_real_cell (model) : opt->spike_aware != 0;
  const nd_fit_sweep *val = sweeps->n_val ? sweeps->sweeps + sweeps->n_train : NULL;
  /* An ensemble needs fresh starts (ensemble.h): a warm start would give members that agree exactly. */
  if (self->n_members >= 2 && !opt->warm_start)
    {
      self->members = self->n_members;
      self->ensemble = nd_fit_ensemble_start (model, sweeps->sweeps, (int) sweeps->n_train, val, (int) sweeps->n_val,
                                              opt, self->n_members, nd_cpu_count (), on_progress, self);
      self->at_once = self->ensemble ? nd_fit_ensemble_at_once (self->ensemble) : 1;
    }
  else
    self->worker = nd_fit_worker_start (model, sweeps->sweeps, (int) sweeps->n_train, val, (int) sweeps->n_val, opt,
                                        on_progress, self);
  if (!self->worker && !self->ensemble)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("The fit could not start a thread"));
      return FALSE;
    }
  g_timer_start (self->clock);
  self->timer = g_timeout_add (100, tick, self);
  set_state (self, ND_FIT_RUNNING);
  return TRUE;
}

void
nd_fit_runner_pause (NdFitRunner *self, gboolean paused)
{
  if ((!self->worker && !self->ensemble) || (self->state != ND_FIT_RUNNING && self->state != ND_FIT_PAUSED))
    return;
  if (self->ensemble)
    nd_fit_ensemble_pause (self->ensemble, paused);
  else
    nd_fit_worker_pause (self->worker, paused);
  if (paused)
    g_timer_stop (self->clock);
  else
    g_timer_continue (self->clock);
  set_state (self, paused ? ND_FIT_PAUSED : ND_FIT_RUNNING);
}

void
nd_fit_runner_stop (NdFitRunner *self)
{
  if (self->ensemble)
    {
      nd_fit_ensemble_cancel (self->ensemble);
      nd_fit_ensemble_pause (self->ensemble, FALSE);
    }
  else if (self->worker)
    {
      nd_fit_worker_cancel (self->worker);
      nd_fit_worker_pause (self->worker, FALSE);
    }
  else
    return;
  set_state (self, ND_FIT_STOPPING);
}

NdFitState
nd_fit_runner_get_state (NdFitRunner *self)
{
  return self->state;
}

const NdFitSnapshot *
nd_fit_runner_get_snapshot (NdFitRunner *self)
{
  return self->current;
}

guint
nd_fit_runner_get_history (NdFitRunner *self, const double **iteration, const double **train, const double **val)
{
  *iteration = (const double *) self->hist_x->data;
  *train = (const double *) self->hist_train->data;
  *val = (const double *) self->hist_val->data;
  return self->hist_x->len;
}

const guint8 *
nd_fit_runner_get_history_free (NdFitRunner *self)
{
  return (const guint8 *) self->hist_free->data;
}

nd_model *
nd_fit_runner_get_model (NdFitRunner *self)
{
  return self->state == ND_FIT_FINISHED ? self->model : NULL;
}

const nd_fit_result *
nd_fit_runner_get_result (NdFitRunner *self)
{
  return self->have_result ? &self->result : NULL;
}

const NdSweepScore *
nd_fit_runner_get_scores (NdFitRunner *self, guint *n)
{
  *n = MIN (self->n_own, self->scores->len);
  return (const NdSweepScore *) self->scores->data;
}

const NdSweepScore *
nd_fit_runner_get_with_scores (NdFitRunner *self, guint *n)
{
  guint own = MIN (self->n_own, self->scores->len);
  *n = self->scores->len - own;
  return (const NdSweepScore *) self->scores->data + own;
}

const double *
nd_fit_runner_get_with_trace (NdFitRunner *self, guint i, gsize *n, double *dt)
{
  return nd_fit_runner_get_model_trace (self, self->n_own + i, n, dt);
}

const double *
nd_fit_runner_get_model_trace (NdFitRunner *self, guint i, gsize *n, double *dt)
{
  if (i >= self->traces->len)
    return NULL;
  *n = g_array_index (self->trace_n, gsize, i);
  *dt = g_array_index (self->trace_dt, double, i);
  return g_ptr_array_index (self->traces, i);
}

void
nd_fit_runner_set_ensemble (NdFitRunner *self, int n_members)
{
  self->n_members = n_members;
}

int
nd_fit_runner_get_members (NdFitRunner *self, int *done, int *kept)
{
  if (done)
    *done = self->members_done;
  if (kept)
    *kept = self->n_kept;
  return self->members;
}

gboolean
nd_fit_runner_snapshot_is_new (NdFitRunner *self)
{
  return self->fresh;
}

int
nd_fit_runner_get_at_once (NdFitRunner *self)
{
  return self->members >= 2 ? MAX (self->at_once, 1) : 1;
}

int
nd_fit_runner_get_kept (NdFitRunner *self, nd_model *const **members, const struct nd_propose_options **options)
{
  *members = self->kept;
  *options = &self->propose;
  return self->kept ? self->n_kept : 0;
}

gboolean
nd_fit_runner_get_spike_aware (NdFitRunner *self)
{
  return self->spike_aware;
}

const char *
nd_fit_runner_get_outcome (NdFitRunner *self)
{
  return self->outcome;
}

gboolean
nd_fit_runner_get_failed (NdFitRunner *self)
{
  return self->failed;
}

gboolean
nd_fit_runner_get_joint (NdFitRunner *self)
{
  return self->joint;
}

static void
nd_fit_runner_dispose (GObject *object)
{
  NdFitRunner *self = ND_FIT_RUNNER (object);
  if (self->worker)
    {
      /* Closing the window mid-fit: abandon the simulation under way and wait for the thread, which then
       * ends within milliseconds; its result is dropped. */
      nd_fit_worker_abort (self->worker);
      nd_model_free (nd_fit_worker_finish (self->worker, &self->result));
      nd_fit_result_clear (&self->result);
      self->worker = NULL;
    }
  if (self->ensemble)
    {
      int n_kept;
      nd_fit_ensemble_abort (self->ensemble);
      nd_model_free (nd_fit_ensemble_finish (self->ensemble, &self->result, &n_kept, NULL));
      nd_fit_result_clear (&self->result);
      self->ensemble = NULL;
    }
  g_clear_handle_id (&self->timer, g_source_remove);
  /* A scoring under way stops after its sweep and finds the runner gone (nd-task.h). */
  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (nd_fit_runner_parent_class)->dispose (object);
}

static void
nd_fit_runner_finalize (GObject *object)
{
  NdFitRunner *self = ND_FIT_RUNNER (object);
  clear_run (self);
  snapshot_free (self->pending);
  g_array_unref (self->pending_hist);
  g_mutex_clear (&self->lock);
  g_object_unref (self->cancellable);
  g_timer_destroy (self->clock);
  g_array_unref (self->hist_x);
  g_array_unref (self->hist_train);
  g_array_unref (self->hist_free);
  g_array_unref (self->hist_val);
  g_array_unref (self->scores);
  g_ptr_array_unref (self->traces);
  g_array_unref (self->trace_n);
  g_array_unref (self->trace_dt);
  G_OBJECT_CLASS (nd_fit_runner_parent_class)->finalize (object);
}

static void
nd_fit_runner_class_init (NdFitRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = nd_fit_runner_dispose;
  object_class->finalize = nd_fit_runner_finalize;
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_STATE] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
nd_fit_runner_init (NdFitRunner *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
  self->pending_hist = g_array_new (FALSE, FALSE, sizeof (double));
  self->clock = g_timer_new ();
  g_timer_stop (self->clock);
  self->hist_x = g_array_new (FALSE, TRUE, sizeof (double));
  self->hist_train = g_array_new (FALSE, TRUE, sizeof (double));
  self->hist_free = g_array_new (FALSE, TRUE, sizeof (guint8));
  self->hist_val = g_array_new (FALSE, TRUE, sizeof (double));
  self->scores = g_array_new (FALSE, TRUE, sizeof (NdSweepScore));
  self->traces = g_ptr_array_new_with_free_func (g_free);
  self->trace_n = g_array_new (FALSE, TRUE, sizeof (gsize));
  self->trace_dt = g_array_new (FALSE, TRUE, sizeof (double));
}
