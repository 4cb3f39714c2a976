/* cli-fit-curves.c: `neurode-cli fit-curves`, one learned gate per tabulated curve pair.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fits every (icg_class, channel, gate, temp_C) curve of an ICGenealogy table
 * on a pool of worker threads; the main thread reports progress and writes
 * DIR/summary.csv and DIR/networks.json in the table's order.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli-output.h"
#include "cli.h"
#include "curve-fit.h"
#include "icg-curves.h"
#include "lanes.h"

typedef struct {
  const NdIcgCurve *curve;
  double *params;
  nd_curve_fit_result res;
  double seconds;
  int status;
} Job;

typedef struct {
  const nd_curve_fit_options *opts;
  GAsyncQueue *done;
} Shared;

static void
fit_one (gpointer data, gpointer user)
{
  Job *job = data;
  Shared *sh = user;
  nd_curve_pair pair = { job->curve->n, job->curve->v, job->curve->x_inf, job->curve->tau };
  /* Per-curve cost as this thread's CPU time: on a shared machine wall time
   * per curve measures the neighbours; the total wall time is reported apart. */
  struct timespec a, b;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &a);
  job->status = nd_curve_fit (sh->opts, &pair, job->params, &job->res);
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &b);
  job->seconds = (double) (b.tv_sec - a.tv_sec) + 1e-9 * (double) (b.tv_nsec - a.tv_nsec);
  g_async_queue_push (sh->done, job);
}

static const char *
act_name (nd_activation a)
{
  return a == ND_ACT_TANH ? "tanh" : a == ND_ACT_RELU ? "relu" : "silu";
}

static void
fmt_mse (char *buf, size_t n, double v)
{
  if (isnan (v))
    buf[0] = '\0';
  else
    snprintf (buf, n, "%.6e", v);
}

static gboolean
write_summary (const char *path, Job *jobs, guint n, GError **error)
{
  NdCliOutput out;
  if (!nd_cli_output_open (&out, path, error))
    return FALSE;
  FILE *f = out.file;
  fprintf (f, "icg_class,channel,gate,temp_C,mse_inf,mse_tau,seconds\n");
  for (guint i = 0; i < n; i++)
    {
      char mi[32], mt[32];
      fmt_mse (mi, sizeof mi, jobs[i].res.mse_inf);
      fmt_mse (mt, sizeof mt, jobs[i].res.mse_tau);
      fprintf (f, "%s,%s,%s,%g,%s,%s,%.4f\n", jobs[i].curve->icg_class, jobs[i].curve->channel,
               jobs[i].curve->gate, jobs[i].curve->temp_C, mi, mt, jobs[i].seconds);
    }
  return nd_cli_output_commit (&out, error);
}

static gboolean
write_networks (const char *path, const nd_curve_fit_options *o, Job *jobs, guint n, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "neurode-learned-gates-1");
  json_builder_set_member_name (b, "head");
  json_builder_add_string_value (b, "input (V+80)/140*2-1; x_inf = sigmoid(out0); tau_ms = exp(85 - softplus(85 - out1)); "
                                 "params per layer: W (out x in, row-major), b, [LayerNorm gain, bias]");
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, "ICGenealogy curves, Podlaski et al. 2017, eLife 6:e22152 (GPL-3.0)");
  json_builder_set_member_name (b, "gates");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      const Job *j = &jobs[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "icg_class");
      json_builder_add_string_value (b, j->curve->icg_class);
      json_builder_set_member_name (b, "channel");
      json_builder_add_string_value (b, j->curve->channel);
      json_builder_set_member_name (b, "gate");
      json_builder_add_string_value (b, j->curve->gate);
      json_builder_set_member_name (b, "temp_C");
      json_builder_add_double_value (b, j->curve->temp_C);
      json_builder_set_member_name (b, "n_inf");
      json_builder_add_int_value (b, j->res.n_inf);
      json_builder_set_member_name (b, "n_tau");
      json_builder_add_int_value (b, j->res.n_tau);
      if (j->res.n_tau == 0)
        {
          json_builder_set_member_name (b, "note");
          json_builder_add_string_value (b, "no usable tau in the source: tau output not fitted");
        }
      json_builder_set_member_name (b, "tau_scale");
      json_builder_add_double_value (b, j->res.tau_scale);
      if (j->status == 0)
        {
          const nd_learned_gate *g = &o->ladder[j->res.rung];
          json_builder_set_member_name (b, "mse_inf");
          if (isnan (j->res.mse_inf))
            json_builder_add_null_value (b);
          else
            json_builder_add_double_value (b, j->res.mse_inf);
          json_builder_set_member_name (b, "mse_tau");
          if (isnan (j->res.mse_tau))
            json_builder_add_null_value (b);
          else
            json_builder_add_double_value (b, j->res.mse_tau);
          json_builder_set_member_name (b, "width");
          json_builder_add_int_value (b, g->shape.width);
          json_builder_set_member_name (b, "depth");
          json_builder_add_int_value (b, g->shape.depth);
          json_builder_set_member_name (b, "activation");
          json_builder_add_string_value (b, act_name (g->shape.act));
          json_builder_set_member_name (b, "layer_norm");
          json_builder_add_boolean_value (b, g->shape.layer_norm);
          json_builder_set_member_name (b, "params");
          json_builder_begin_array (b);
          size_t np = nd_learned_gate_n_params (g);
          for (size_t k = 0; k < np; k++)
            json_builder_add_double_value (b, j->params[k]);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_file (gen, path, error);
}

/* "8,12,20" -> ladder widths. */
static gboolean
parse_widths (const char *s, nd_curve_fit_options *o, int depth, gboolean ln)
{
  g_auto (GStrv) parts = g_strsplit (s, ",", -1);
  int n = 0;
  for (int i = 0; parts[i]; i++)
    {
      char *end;
      long w = strtol (parts[i], &end, 10);
      if (end == parts[i] || *end || w < 1 || w > 1024 || n == ND_FIT_MAX_LADDER)
        return FALSE;
      nd_learned_gate_make (&o->ladder[n++], (int) w, depth, ND_ACT_TANH, ln);
    }
  o->n_ladder = n;
  return n > 0;
}

/* The command line as given: the strings are owned, the numbers are the
 * options' own defaults (-1, 0: "not given"). */
typedef struct {
  char *out_dir, *method, *widths, *temp_str;
  double stop;
  int jobs_n, depth, attempts, max_iter, limit, every;
  gboolean layer_norm;
  gint64 seed;
} CurvesArgs;

static void
curves_args_clear (CurvesArgs *a)
{
  g_free (a->out_dir);
  g_free (a->method);
  g_free (a->widths);
  g_free (a->temp_str);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CurvesArgs, curves_args_clear)

/* --temperature: a finite number in °C, else NAN (all temperatures). 0, or the exit status. */
static int
parse_temperature (const char *temp_str, double *temp)
{
  *temp = NAN;
  if (!temp_str)
    return 0;
  char *end;
  *temp = g_ascii_strtod (temp_str, &end);
  if (end == temp_str || *end || !isfinite (*temp))
    return nd_cli_fail (2, _("--temperature wants a number in °C, not “%s”"), temp_str);
  return 0;
}

/* --method; Adam takes many more, cheaper, iterations than the others. 0, or the exit status. */
static int
choose_optimiser (const char *method, nd_curve_fit_options *opts)
{
  if (!method)
    return 0;
  if (strcmp (method, "lm") == 0)
    opts->method = ND_FIT_LM;
  else if (strcmp (method, "bfgs") == 0)
    opts->method = ND_FIT_BFGS;
  else if (strcmp (method, "adam") == 0)
    {
      opts->method = ND_FIT_ADAM;
      opts->max_iter = 5000;
    }
  else
    return nd_cli_fail (2, _("unknown optimiser “%s” (use lm, bfgs or adam)"), method);
  return 0;
}

/* --depth, --widths and --layer-norm: the networks tried in turn; the
 * default ladder unless one of them is given. 0, or the exit status. */
static int
choose_ladder (const CurvesArgs *a, nd_curve_fit_options *opts)
{
  if (a->depth < 1 || a->depth > 8)
    return nd_cli_fail (2, _("--depth must be between 1 and 8"));
  if (a->widths || a->depth != 2 || a->layer_norm)
    if (!parse_widths (a->widths ? a->widths : "4,6,8,12", opts, a->depth, a->layer_norm))
      return nd_cli_fail (2, _("--widths wants up to %d comma-separated sizes from 1 to 1024"), ND_FIT_MAX_LADDER);
  return 0;
}

/* The fit's options from the command line, checked in the order the
 * messages have always come in. 0, or the exit status. */
static int
fit_options_from_args (CurvesArgs *a, nd_curve_fit_options *opts, double *temp)
{
  int status = parse_temperature (a->temp_str, temp);
  if (status != 0)
    return status;
  nd_curve_fit_options_default (opts);
  status = choose_optimiser (a->method, opts);
  if (status != 0)
    return status;
  status = choose_ladder (a, opts);
  if (status != 0)
    return status;
  if (a->attempts == 0 || a->attempts > 100 || a->max_iter == 0 || a->every < 1 || a->limit < 0)
    return nd_cli_fail (2, _("--attempts, --max-iter and --every must be positive"));
  if (a->attempts > 0)
    opts->attempts = a->attempts;
  if (a->max_iter > 0)
    opts->max_iter = a->max_iter;
  opts->seed = (uint64_t) a->seed;
  if (a->stop > 0.0)
    opts->stop = a->stop;
  /* Each thread holds a fit's buffers: more threads than cores only cost memory. */
  if (a->jobs_n < 0 || a->jobs_n > 256)
    return nd_cli_fail (2, _("--jobs is %d; it must be 1 to 256 worker threads (default: one per core)"), a->jobs_n);
  if (a->jobs_n == 0)
    a->jobs_n = nd_cpu_count ();
  return 0;
}

/* Every k-th curve, up to the limit (0: none). */
static GPtrArray *
pick_curves (GPtrArray *curves, int every, int limit)
{
  GPtrArray *pick = g_ptr_array_new ();
  for (guint i = 0; i < curves->len; i += (guint) every)
    if (limit == 0 || pick->len < (guint) limit)
      g_ptr_array_add (pick, curves->pdata[i]);
  return pick;
}

/* Fits the n jobs on a pool of threads, telling the progress as they end
 * (on one updated line on a terminal, every 100 curves in a log); the
 * number without usable tau in *no_tau. The wall time in s. */
static double
fit_all (Job *jobs, guint n, const nd_curve_fit_options *opts, int jobs_n, guint *no_tau)
{
  Shared sh = { opts, g_async_queue_new () };
  GThreadPool *pool = g_thread_pool_new (fit_one, &sh, jobs_n, TRUE, NULL);
  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    g_thread_pool_push (pool, &jobs[i], NULL);
  gboolean tty = isatty (fileno (stderr));
  guint ok = 0;
  *no_tau = 0;
  for (guint k = 0; k < n; k++)
    {
      Job *j = g_async_queue_pop (sh.done);
      ok += j->res.reached_target;
      *no_tau += j->status == 0 && j->res.n_tau == 0;
      if (tty || k + 1 == n || (k + 1) % 100 == 0)
        fprintf (stderr, _("%s%u/%u curves fitted (%u reached the target), %.0f s%s"), tty ? "\r" : "",
                 k + 1, n, ok, (double) (g_get_monotonic_time () - t0) * 1e-6, tty ? "" : "\n");
    }
  if (tty)
    fputc ('\n', stderr);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_async_queue_unref (sh.done);
  return (double) (g_get_monotonic_time () - t0) * 1e-6;
}

/* summary.csv and networks.json, then the closing line. The exit status. */
static int
write_results (const char *out_dir, const nd_curve_fit_options *opts, Job *jobs, guint n, double wall, int jobs_n,
               guint no_tau)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = g_build_filename (out_dir, "summary.csv", NULL);
  g_autofree char *nets = g_build_filename (out_dir, "networks.json", NULL);
  if (!write_summary (summary, jobs, n, &error) || !write_networks (nets, opts, jobs, n, &error))
    return nd_cli_fail (1, "%s", error->message);
  guint empty = 0;
  for (guint i = 0; i < n; i++)
    empty += jobs[i].status != 0;
  fprintf (stderr, _("%u curves in %.1f s on %d threads; %u without usable tau, %u without any usable point\n"),
           n, wall, jobs_n, no_tau, empty);
  return 0;
}

/* The options checked, the curves read and picked, fitted, and written. */
int
nd_cli_fit_curves (int argc, char **argv)
{
  g_auto (CurvesArgs) a = { .depth = 2, .attempts = -1, .max_iter = -1, .every = 1, .seed = 1 };
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out_dir, N_("Folder for summary.csv and networks.json"), N_("DIR") },
    { "temperature", 't', 0, G_OPTION_ARG_STRING, &a.temp_str, N_("Fit only the curves at this temperature (°C); default: all"), N_("C") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &a.jobs_n, N_("Worker threads (default: number of cores)"), N_("N") },
    { "method", 0, 0, G_OPTION_ARG_STRING, &a.method, N_("Optimiser: lm (default), bfgs or adam"), N_("NAME") },
    { "widths", 0, 0, G_OPTION_ARG_STRING, &a.widths, N_("Hidden widths tried in turn (default 4,6,8,12)"), N_("W,W,…") },
    { "depth", 0, 0, G_OPTION_ARG_INT, &a.depth, N_("Hidden layers (default 2)"), N_("N") },
    { "layer-norm", 0, 0, G_OPTION_ARG_NONE, &a.layer_norm, N_("LayerNorm after each hidden layer"), NULL },
    { "attempts", 0, 0, G_OPTION_ARG_INT, &a.attempts, N_("Seeds per network size (default 3)"), N_("N") },
    { "max-iter", 0, 0, G_OPTION_ARG_INT, &a.max_iter, N_("Iterations per attempt"), N_("N") },
    { "stop", 0, 0, G_OPTION_ARG_DOUBLE, &a.stop, N_("An attempt stops when both MSEs are below this (default 1e-6)"), N_("MSE") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &a.seed, N_("Random seed (default 1)"), N_("N") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &a.limit, N_("Fit only the first N curves (after --every)"), N_("N") },
    { "every", 0, 0, G_OPTION_ARG_INT, &a.every, N_("Fit every k-th curve (a spread sample)"), N_("K") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("CURVES.csv[.gz] — fit a learned gate to each ICGenealogy curve pair"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 2)
    return nd_cli_fail (2, _("fit-curves needs one curve table (CSV or CSV.gz); see “neurode-cli fit-curves --help”"));
  if (!a.out_dir)
    return nd_cli_fail (2, _("fit-curves needs --out DIR for the results"));

  double temp;
  nd_curve_fit_options opts;
  int rc = fit_options_from_args (&a, &opts, &temp);
  if (rc != 0)
    return rc;

  g_autoptr (GPtrArray) curves = nd_icg_curves_load (argv[1], temp, &error);
  if (!curves)
    return nd_cli_fail (1, "%s", error->message);
  g_autoptr (GPtrArray) pick = pick_curves (curves, a.every, a.limit);
  if (pick->len == 0)
    return nd_cli_fail (1, _("“%s” has no curves at %s °C"), argv[1], a.temp_str ? a.temp_str : "any");
  if (g_mkdir_with_parents (a.out_dir, 0755) != 0)
    return nd_cli_fail (1, _("Cannot create the folder “%s”: %s"), a.out_dir, g_strerror (errno));

  guint n = pick->len;
  size_t pmax = nd_curve_fit_max_params (&opts);
  Job *jobs = g_new0 (Job, n);
  double *params = g_new0 (double, (size_t) n * pmax);
  for (guint i = 0; i < n; i++)
    {
      jobs[i].curve = pick->pdata[i];
      jobs[i].params = params + (size_t) i * pmax;
    }
  guint no_tau;
  double wall = fit_all (jobs, n, &opts, a.jobs_n, &no_tau);
  rc = write_results (a.out_dir, &opts, jobs, n, wall, a.jobs_n, no_tau);
  g_free (params);
  g_free (jobs);
  return rc;
}
