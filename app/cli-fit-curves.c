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

int
nd_cli_fit_curves (int argc, char **argv)
{
  g_autofree char *out_dir = NULL;
  g_autofree char *method = NULL;
  g_autofree char *widths = NULL;
  g_autofree char *temp_str = NULL;
  double stop = 0.0;
  int jobs_n = 0, depth = 2, attempts = -1, max_iter = -1, limit = 0, every = 1;
  gboolean layer_norm = FALSE;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, N_("Folder for summary.csv and networks.json"), N_("DIR") },
    { "temperature", 't', 0, G_OPTION_ARG_STRING, &temp_str, N_("Fit only the curves at this temperature (°C); default: all"), N_("C") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs_n, N_("Worker threads (default: number of cores)"), N_("N") },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("Optimiser: lm (default), bfgs or adam"), N_("NAME") },
    { "widths", 0, 0, G_OPTION_ARG_STRING, &widths, N_("Hidden widths tried in turn (default 4,6,8,12)"), N_("W,W,…") },
    { "depth", 0, 0, G_OPTION_ARG_INT, &depth, N_("Hidden layers (default 2)"), N_("N") },
    { "layer-norm", 0, 0, G_OPTION_ARG_NONE, &layer_norm, N_("LayerNorm after each hidden layer"), NULL },
    { "attempts", 0, 0, G_OPTION_ARG_INT, &attempts, N_("Seeds per network size (default 3)"), N_("N") },
    { "max-iter", 0, 0, G_OPTION_ARG_INT, &max_iter, N_("Iterations per attempt"), N_("N") },
    { "stop", 0, 0, G_OPTION_ARG_DOUBLE, &stop, N_("An attempt stops when both MSEs are below this (default 1e-6)"), N_("MSE") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed (default 1)"), N_("N") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Fit only the first N curves (after --every)"), N_("N") },
    { "every", 0, 0, G_OPTION_ARG_INT, &every, N_("Fit every k-th curve (a spread sample)"), N_("K") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("CURVES.csv[.gz] — fit a learned gate to each ICGenealogy curve pair"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return nd_cli_fail (2, "%s", error->message);
  if (argc != 2)
    return nd_cli_fail (2, _("fit-curves needs one curve table (CSV or CSV.gz); see “neurode-cli fit-curves --help”"));
  if (!out_dir)
    return nd_cli_fail (2, _("fit-curves needs --out DIR for the results"));

  double temp = NAN;
  if (temp_str)
    {
      char *end;
      temp = g_ascii_strtod (temp_str, &end);
      if (end == temp_str || *end || !isfinite (temp))
        return nd_cli_fail (2, _("--temperature wants a number in °C, not “%s”"), temp_str);
    }
  nd_curve_fit_options opts;
  nd_curve_fit_options_default (&opts);
  if (method)
    {
      if (strcmp (method, "lm") == 0)
        opts.method = ND_FIT_LM;
      else if (strcmp (method, "bfgs") == 0)
        opts.method = ND_FIT_BFGS;
      else if (strcmp (method, "adam") == 0)
        {
          opts.method = ND_FIT_ADAM;
          opts.max_iter = 5000;
        }
      else
        return nd_cli_fail (2, _("unknown optimiser “%s” (use lm, bfgs or adam)"), method);
    }
  if (depth < 1 || depth > 8)
    return nd_cli_fail (2, _("--depth must be between 1 and 8"));
  if (widths || depth != 2 || layer_norm)
    if (!parse_widths (widths ? widths : "4,6,8,12", &opts, depth, layer_norm))
      return nd_cli_fail (2, _("--widths wants up to %d comma-separated sizes from 1 to 1024"), ND_FIT_MAX_LADDER);
  if (attempts == 0 || attempts > 100 || max_iter == 0 || every < 1 || limit < 0)
    return nd_cli_fail (2, _("--attempts, --max-iter and --every must be positive"));
  if (attempts > 0)
    opts.attempts = attempts;
  if (max_iter > 0)
    opts.max_iter = max_iter;
  opts.seed = (uint64_t) seed;
  if (stop > 0.0)
    opts.stop = stop;
  /* Each thread holds a fit's buffers: more threads than cores only cost memory. */
  if (jobs_n < 0 || jobs_n > 256)
    return nd_cli_fail (2, _("--jobs is %d; it must be 1 to 256 worker threads (default: one per core)"), jobs_n);
  if (jobs_n == 0)
    jobs_n = (int) g_get_num_processors ();

  g_autoptr (GPtrArray) curves = nd_icg_curves_load (argv[1], temp, &error);
  if (!curves)
    return nd_cli_fail (1, "%s", error->message);
  GPtrArray *pick = g_ptr_array_new ();
  for (guint i = 0; i < curves->len; i += (guint) every)
    if (limit == 0 || pick->len < (guint) limit)
      g_ptr_array_add (pick, curves->pdata[i]);
  if (pick->len == 0)
    {
      g_ptr_array_unref (pick);
      return nd_cli_fail (1, _("“%s” has no curves at %s °C"), argv[1], temp_str ? temp_str : "any");
    }
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      g_ptr_array_unref (pick);
      return nd_cli_fail (1, _("Cannot create the folder “%s”: %s"), out_dir, g_strerror (errno));
    }

  guint n = pick->len;
  size_t pmax = nd_curve_fit_max_params (&opts);
  Job *jobs = g_new0 (Job, n);
  double *params = g_new0 (double, (size_t) n * pmax);
  Shared sh = { &opts, g_async_queue_new () };
  GThreadPool *pool = g_thread_pool_new (fit_one, &sh, jobs_n, TRUE, NULL);
  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      jobs[i].curve = pick->pdata[i];
      jobs[i].params = params + (size_t) i * pmax;
      g_thread_pool_push (pool, &jobs[i], NULL);
    }
  gboolean tty = isatty (fileno (stderr));
  guint ok = 0, no_tau = 0;
  for (guint k = 0; k < n; k++)
    {
      Job *j = g_async_queue_pop (sh.done);
      ok += j->res.reached_target;
      no_tau += j->status == 0 && j->res.n_tau == 0;
      if (tty || k + 1 == n || (k + 1) % 100 == 0)
        fprintf (stderr, _("%s%u/%u curves fitted (%u reached the target), %.0f s%s"), tty ? "\r" : "",
                 k + 1, n, ok, (double) (g_get_monotonic_time () - t0) * 1e-6, tty ? "" : "\n");
    }
  if (tty)
    fputc ('\n', stderr);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_async_queue_unref (sh.done);
  double wall = (double) (g_get_monotonic_time () - t0) * 1e-6;

  g_autofree char *summary = g_build_filename (out_dir, "summary.csv", NULL);
  g_autofree char *nets = g_build_filename (out_dir, "networks.json", NULL);
  int rc = 0;
  if (!write_summary (summary, jobs, n, &error) || !write_networks (nets, &opts, jobs, n, &error))
    rc = nd_cli_fail (1, "%s", error->message);
  else
    {
      guint empty = 0;
      for (guint i = 0; i < n; i++)
        empty += jobs[i].status != 0;
      fprintf (stderr, _("%u curves in %.1f s on %d threads; %u without usable tau, %u without any usable point\n"),
               n, wall, jobs_n, no_tau, empty);
    }
  g_free (params);
  g_free (jobs);
  g_ptr_array_unref (pick);
  return rc;
}
