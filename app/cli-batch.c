/* cli-batch.c: neurode-cli batch PLAN.csv --out DIR [--jobs N] [--ensemble N [--propose]]
 *              [--slurm [--partition P] [--time T] [--mem MB] [--cpus-per-task N] [--sbatch-arg ARG]... [--wait]]
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Many runs of the other commands, one per row of a plan (engine/batch/batch-plan.h), each into DIR/NAME/,
 * here (--jobs at a time) or on a Slurm cluster (cli-batch-slurm.c). Whichever way, a row runs through
 * the same code (engine/batch/batch-row.c), its result is all or nothing, and running the command again
 * runs only the rows without a complete result. DIR/summary.csv lists every row (batch-summary.h).
 * Hidden options used by the Slurm jobs: --run-row NAME (an array task) and --gather (the summary job).
 * --ensemble and --propose go to every fit row (batch-plan.h), so the Slurm jobs are given them too.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "batch/batch-local.h"
#include "batch/batch-summary.h"
#include "cli-batch.h"
#include "cli-output.h"
#include "cli.h"
#include "ensemble.h"
#include "lanes.h"

#define LOG_STATUS_EVERY_US (60 * G_USEC_PER_SEC)

/* ---- progress output ---- */

void
nd_cli_batch_output_init (NdCliBatchOutput *o)
{
  o->tty = isatty (fileno (stderr));
  o->status_shown = FALSE;
  o->last_line = g_get_monotonic_time ();
}

static void
clear_status (NdCliBatchOutput *o)
{
  if (o->tty && o->status_shown)
    fputs ("\r\033[K", stderr);
  o->status_shown = FALSE;
}

void
nd_cli_batch_line (NdCliBatchOutput *o, const char *format, ...)
{
  clear_status (o);
  va_list ap;
  va_start (ap, format);
  vfprintf (stderr, format, ap);
  va_end (ap);
  fputc ('\n', stderr);
  fflush (stderr);
  o->last_line = g_get_monotonic_time ();
}

void
nd_cli_batch_output_end (NdCliBatchOutput *o)
{
  clear_status (o);
  fflush (stderr);
}

char *
nd_cli_batch_duration (double s)
{
  if (!isfinite (s))
    return g_strdup ("?");
  if (s < 60.0)
    return g_strdup_printf (_("%.1f s"), s);
  long t = lround (s);
  if (t < 3600)
    return g_strdup_printf (_("%ld min %02ld s"), t / 60, t % 60);
  return g_strdup_printf (_("%ld h %02ld min"), t / 3600, (t % 3600) / 60);
}

static char *
time_left (double s)
{
  if (!isfinite (s))
    return g_strdup (_("time left not known until a row has finished"));
  return nd_cli_about_left (s);
}

void
nd_cli_batch_status (NdCliBatchOutput *o, guint finished, guint total, guint failed, guint running,
                     double seconds_left)
{
  gint64 now = g_get_monotonic_time ();
  if (!o->tty && now - o->last_line < LOG_STATUS_EVERY_US)
    return;
  g_autofree char *left = time_left (seconds_left);
  g_autofree char *line = g_strdup_printf (_("%u of %u rows finished (%u failed), %u running, %s"), finished,
                                           total, failed, running, left);
  if (o->tty)
    {
      fprintf (stderr, "\r\033[K%s", line);
      o->status_shown = TRUE;
      fflush (stderr);
    }
  else
    nd_cli_batch_line (o, "%s", line);
}

/* ---- summary ---- */

int
nd_cli_batch_finish (const NdBatchPlan *plan, const char *out_dir, GHashTable *notes, NdCliBatchOutput *o)
{
  guint done = 0, failed = 0, incomplete = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (out_dir, "summary.csv", NULL);
  if (!nd_batch_summary_write (plan, out_dir, notes, &done, &failed, &incomplete, &error))
    {
      nd_cli_batch_output_end (o);
      return nd_cli_fail (1, _("cannot write %s: %s"), path, error->message);
    }
  g_autoptr (GArray) rows = nd_batch_summary_collect (plan, out_dir, notes);
  /* The rows that need a look, but not hundreds of lines after an early Ctrl+C. */
  guint shown = 0, not_shown = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      const NdBatchSummaryRow *r = &g_array_index (rows, NdBatchSummaryRow, i);
      if (r->result.status == ND_BATCH_DONE)
        continue;
      if (shown++ >= 20)
        not_shown++;
      else if (r->result.status == ND_BATCH_FAILED)
        nd_cli_batch_line (o, _("  %s failed: %s"), r->name, r->result.message);
      else
        nd_cli_batch_line (o, _("  %s incomplete: %s"), r->name, r->result.message);
    }
  if (not_shown)
    nd_cli_batch_line (o, ngettext ("  … and %u more row not done (see summary.csv)",
                                    "  … and %u more rows not done (see summary.csv)", not_shown), not_shown);
  nd_cli_batch_line (o, _("%u done, %u failed, %u incomplete; summary: %s"), done, failed, incomplete, path);
  nd_cli_batch_output_end (o);
  return failed + incomplete > 0 ? 1 : 0;
}

/* ---- local runs ---- */

typedef struct
{
  NdCliBatchOutput out;
  const char *out_dir;
  int row_status;      /* --run-row: the row's exit status */
} LocalRun;

static void
on_progress (const NdBatchProgress *p, gpointer user)
{
  LocalRun *lr = user;
  if (p->event == ND_BATCH_EVENT_FINISHED)
    {
      g_autofree char *d = nd_cli_batch_duration (p->result->seconds);
      if (p->result->status == ND_BATCH_DONE)
        nd_cli_batch_line (&lr->out, _("%s: done in %s"), p->row->name, d);
      else
        nd_cli_batch_line (&lr->out, _("%s: failed in %s: %s (its log: %s/%s/log.txt)"), p->row->name, d,
                           p->result->message, lr->out_dir, p->row->name);
      lr->row_status = p->result->status == ND_BATCH_DONE ? 0 : CLAMP (p->result->exit_code, 1, 255);
    }
  else if (p->event == ND_BATCH_EVENT_STOPPING)
    nd_cli_batch_line (&lr->out, _("stopping: the rows running now keep no result and run again next time"));
  if (p->event != ND_BATCH_EVENT_STOPPING)
    nd_cli_batch_status (&lr->out, p->done + p->failed, p->to_run, p->failed, p->running, p->seconds_left);
}

/* One batch at a time in a folder: a second one would start the same rows. Held until the program ends. */
static gboolean
lock_out_dir (const char *out_dir)
{
  g_autofree char *path = g_build_filename (out_dir, ".lock", NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      nd_cli_fail (1, _("cannot write in %s: %s"), out_dir, g_strerror (errno));
      return FALSE;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      nd_cli_fail (1, _("another neurode-cli batch is working in %s; wait until it ends or stop it"), out_dir);
      return FALSE;
    }
  return TRUE;
}

static int
run_local (const NdBatchPlan *plan, const NdCliBatchArgs *a)
{
  if (!lock_out_dir (a->out_dir))
    return 1;
  guint jobs = a->jobs > 0 ? (guint) a->jobs : (guint) nd_cpu_count ();
  guint complete = 0;
  for (guint i = 0; i < plan->rows->len; i++)
    complete += nd_batch_row_complete (a->out_dir, g_ptr_array_index (plan->rows, i));
  LocalRun lr = { .out_dir = a->out_dir };
  nd_cli_batch_output_init (&lr.out);
  guint to_run = plan->rows->len - complete;
  nd_cli_batch_line (&lr.out,
                     ngettext ("%u row: %u complete already, %u to run, %u at a time; results in %s",
                               "%u rows: %u complete already, %u to run, %u at a time; results in %s",
                               plan->rows->len),
                     plan->rows->len, complete, to_run, MIN (jobs, MAX (to_run, 1)), a->out_dir);
  NdBatchLocalOptions opt = { .jobs = jobs, .cli_path = a->cli_path, .stop_on_signals = TRUE };
  g_autoptr (GError) error = NULL;
  gboolean ok = nd_batch_run_local (plan, a->out_dir, &opt, on_progress, &lr, NULL, &error);
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      nd_cli_batch_output_end (&lr.out);
      return nd_cli_fail (1, "%s", error->message);
    }
  int status = nd_cli_batch_finish (plan, a->out_dir, NULL, &lr.out);
  if (!ok)
    {
      fprintf (stderr, _("stopped; run the same command again to run the rows that are not complete\n"));
      return 130;
    }
  return status;
}

/* --run-row NAME: one row, as a Slurm array task runs it. */
static int
run_row (const NdBatchPlan *plan, const NdCliBatchArgs *a, const char *name)
{
  const NdBatchRow *row = nd_batch_plan_find (plan, name);
  if (!row)
    return nd_cli_fail (1, _("%s has no row “%s” (was the plan changed after the jobs were submitted?)"),
                        plan->path, name);
  if (nd_batch_row_complete (a->out_dir, row))
    {
      fprintf (stderr, _("%s: complete already\n"), name);
      return 0;
    }
  fprintf (stderr, _("%s on %s: neurode-cli %s\n"), name, g_get_host_name (), row->args);
  LocalRun lr = { .out_dir = a->out_dir };
  nd_cli_batch_output_init (&lr.out);
  lr.out.tty = FALSE;   /* a Slurm log, or a caller's pipe */
  lr.out.last_line = g_get_monotonic_time ();
  /* The task's cores, as the script asked Slurm for them (cli-batch-slurm.c): an ensemble's fits share them. */
  const char *cpus = g_getenv ("SLURM_CPUS_PER_TASK");
  guint64 task_cpus = 1;
  if (cpus && (!g_ascii_string_to_unsigned (cpus, 10, 1, 4096, &task_cpus, NULL)))
    task_cpus = 1;
  NdBatchLocalOptions opt = { .jobs = (guint) task_cpus, .cli_path = a->cli_path, .only = name, .stop_on_signals = TRUE };
  g_autoptr (GError) error = NULL;
  if (!nd_batch_run_local (plan, a->out_dir, &opt, on_progress, &lr, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fprintf (stderr, _("%s: stopped; it keeps no result and runs again next time\n"), name);
          return 143;
        }
      return nd_cli_fail (1, "%s", error->message);
    }
  return lr.row_status;
}

/* ---- the command ---- */

char *
nd_cli_batch_fit_options (const NdCliBatchArgs *a)
{
  GString *s = g_string_new (NULL);
  if (a->ensemble > 0)
    g_string_append_printf (s, " --ensemble %d", a->ensemble);
  if (a->propose)
    g_string_append (s, " --propose");
  return g_string_free (s, FALSE);
}

static int
run_batch (NdCliBatchArgs *a, const char *run_row_name, gboolean gather, int argc, char **argv)
{
  if (argc != 2 || !a->out_dir)
    return nd_cli_fail (2, _("usage: neurode-cli batch PLAN.csv --out DIR [--jobs N] [--ensemble N [--propose]] "
                             "[--slurm [--partition P] [--time HH:MM:SS] [--mem MB] [--cpus-per-task N] [--sbatch-arg ARG]… [--wait]]"));
  if (a->jobs < 0 || a->jobs > 10000)
    return nd_cli_fail (2, _("--jobs must be between 1 and 10000"));
  if (a->ensemble != -1 && (a->ensemble < 2 || a->ensemble > ND_ENSEMBLE_MAX))
    return nd_cli_fail (2, _("--ensemble is %d; it must be 2 to %d fits"), a->ensemble, ND_ENSEMBLE_MAX);
  if (a->propose && a->ensemble == -1)
    return nd_cli_fail (2, _("--propose asks where the fits of an ensemble disagree: give --ensemble N too"));
  a->ensemble = MAX (a->ensemble, 0);
  if (!a->slurm && (a->partition || a->time || a->mem || a->cpus_per_task != -1 || a->sbatch_args || a->wait))
    return nd_cli_fail (2, _("--partition, --time, --mem, --cpus-per-task, --sbatch-arg and --wait are for --slurm"));
  if (a->cpus_per_task != -1 && (a->cpus_per_task < 1 || a->cpus_per_task > 4096))
    return nd_cli_fail (2, _("--cpus-per-task is %d; it must be 1 to 4096 cores"), a->cpus_per_task);
  a->cpus_per_task = MAX (a->cpus_per_task, 0);
  g_autofree char *given_out = a->out_dir;
  a->out_dir = g_canonicalize_filename (given_out, NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  a->cli_path = self ? g_strdup (self) : nd_batch_find_cli ();
  if (!a->cli_path)
    return nd_cli_fail (1, _("cannot find the neurode-cli program to run the rows with"));

  g_autoptr (GError) error = NULL;
  g_autoptr (NdBatchPlan) plan = nd_batch_plan_load (argv[1], &error);
  if (!plan)
    return nd_cli_fail (1, "%s", error->message);
  nd_batch_plan_set_ensemble (plan, a->ensemble, a->propose);
  if (g_mkdir_with_parents (a->out_dir, 0755) != 0)
    return nd_cli_fail (1, _("cannot create the folder “%s”: %s"), a->out_dir, g_strerror (errno));
  if (run_row_name)
    return run_row (plan, a, run_row_name);
  if (gather)
    return nd_cli_batch_gather (plan, a);
  if (!nd_batch_plan_check_out (plan, a->out_dir, &error))
    return nd_cli_fail (1, "%s", error->message);
  return a->slurm ? nd_cli_batch_slurm (plan, a) : run_local (plan, a);
}

int
nd_cli_batch (int argc, char **argv)
{
  NdCliBatchArgs a = { .ensemble = -1, .cpus_per_task = -1 };
  g_autofree char *run_row_name = NULL;
  gboolean gather = FALSE;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out_dir, N_("Folder for the results: a folder per row and summary.csv"), N_("DIR") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &a.jobs, N_("Rows at a time (default: here, the number of cores; with --slurm, as many as the cluster gives)"), N_("N") },
    { "ensemble", 0, 0, G_OPTION_ARG_INT, &a.ensemble, N_("Give every fit row --ensemble N (2 to 64): each recording fitted N times, with the range of its learned kinetics (a row’s own --ensemble stays)"), N_("N") },
    { "propose", 0, 0, G_OPTION_ARG_NONE, &a.propose, N_("With --ensemble: give every fit row --propose (the recording to make next, in the row’s next/ folder)"), NULL },
    { "slurm", 0, 0, G_OPTION_ARG_NONE, &a.slurm, N_("Submit the rows to Slurm as one job array, and a job that writes the summary when they have ended"), NULL },
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &a.partition, N_("With --slurm: the partition (default: the cluster’s)"), N_("P") },
    { "time", 't', 0, G_OPTION_ARG_STRING, &a.time, N_("With --slurm: time limit of each row, e.g. 00:20:00 (default: the partition’s)"), N_("HH:MM:SS") },
    { "cpus-per-task", 'c', 0, G_OPTION_ARG_INT, &a.cpus_per_task, N_("With --slurm: cores of each row, on which an ensemble’s fits run side by side (default: the largest --ensemble of the rows, as far as the cluster’s nodes have them; 1 without ensembles)"), N_("N") },
    { "mem", 0, 0, G_OPTION_ARG_STRING, &a.mem, N_("With --slurm: memory of each row in MB (default: the partition’s)"), N_("MB") },
    { "sbatch-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a.sbatch_args, N_("With --slurm: another sbatch option for both jobs, e.g. --sbatch-arg=--account=lab (may be repeated)"), N_("ARG") },
    { "wait", 0, 0, G_OPTION_ARG_NONE, &a.wait, N_("With --slurm: follow the jobs until the summary is written; exit with 1 if a row failed"), NULL },
    { "run-row", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &run_row_name, "Run one row (what a Slurm array task does)", "NAME" },
    { "gather", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &gather, "Write the summary (what the Slurm gather job does)", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("PLAN.csv — run many fits, reductions or simulations"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, _(
    "PLAN.csv has a “name” and an “args” column: the row’s folder name, and a command (fit, reduce, fit-curves,\n"
    "simulate, passive) with its arguments as you would type them after “neurode-cli”, without --out:\n\n"
    "  name,args\n"
    "  cell07,fit --template cortical cell07.abf --train 0,8,20\n"
    "  cell07-seed2,fit --template cortical cell07.abf --train 0,8,20 --seed 2\n\n"
    "Relative paths are read from the plan’s folder. Every row is checked before anything runs. Each row\n"
    "writes into DIR/NAME/ (its command’s outputs, log.txt and batch-row.json); a row’s folder appears only\n"
    "when the row has ended. DIR/summary.csv lists every row: status, exit code, seconds, message, and the\n"
    "headline figures (training and validation RMSE and spike-count agreement of fits, held-out RMSE and\n"
    "speed-up of reductions). Run the same command again to run only the rows that are not done.\n\n"
    "With --slurm, the scripts submitted are kept as DIR/batch.sbatch and DIR/gather.sbatch, and Slurm’s logs\n"
    "go to DIR/slurm-logs/. Press Ctrl+C to stop a local run; the rows that were running keep no result."));
  g_autoptr (GError) error = NULL;
  int status = g_option_context_parse (ctx, &argc, &argv, &error) ? run_batch (&a, run_row_name, gather, argc, argv)
                                                                    : nd_cli_fail (2, "%s", error->message);
  g_free (a.out_dir);
  g_free (a.partition);
  g_free (a.time);
  g_free (a.mem);
  g_strfreev (a.sbatch_args);
  g_free (a.cli_path);
  return status;
}
