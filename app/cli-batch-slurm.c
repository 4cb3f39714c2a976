/* cli-batch-slurm.c: neurode-cli batch --slurm — the rows as one Slurm job array, and a gather job.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Uses the cluster as it is: sbatch, squeue and the user's partition, time limit, memory and sbatch
 * options; no scheduler of our own, no accounting database (sacct needs slurmdbd, which many clusters
 * do not offer their users). Two scripts are written into DIR and kept for the user to read and submit
 * again: batch.sbatch, a job array with one task per row to run (at most --jobs at once: "%N"), each task
 * running `neurode-cli batch PLAN --out DIR --run-row NAME`; and gather.sbatch, submitted with
 * --dependency=afterany on the array, which writes DIR/summary.csv whatever became of the tasks.
 * DIR/slurm-logs/jobs holds the two job ids, so that a second submission waits for the first and the
 * summary can say what Slurm did with a task that left no result (cancelled, out of time). --wait follows
 * both jobs with squeue until the gather job has ended.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/batch-row.h"
#include "batch/batch-summary.h"
#include "cli-batch.h"
#include "cli.h"

/* ---- running Slurm's commands ---- */

/* Runs a Slurm command; its standard output in *out. FALSE (and *err) when it failed. */
static gboolean
slurm_run (const char *const *argv, char **out, char **err)
{
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *o = NULL, *e = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e, &wait_status, &error))
    {
      if (err)
        *err = g_strdup (error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (wait_status, NULL))
    {
      /* Slurm's commands say the gist last ("squeue: fatal: Could not establish a configuration source"). */
      g_strstrip (e);
      const char *last = strrchr (e, '\n');
      if (err)
        *err = g_strdup (last ? last + 1 : *e ? e : argv[0]);
      return FALSE;
    }
  if (out)
    *out = g_steal_pointer (&o);
  return TRUE;
}

/* The ids of the last submission into DIR (0 when none). */
static void
read_jobs (const char *out_dir, guint64 *array, guint64 *gather)
{
  *array = *gather = 0;
  g_autofree char *path = g_build_filename (out_dir, "slurm-logs", "jobs", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "array "))
        *array = g_ascii_strtoull (lines[i] + 6, NULL, 10);
      else if (g_str_has_prefix (lines[i], "gather "))
        *gather = g_ascii_strtoull (lines[i] + 7, NULL, 10);
    }
}

static gboolean
write_jobs (const char *out_dir, guint64 array, guint64 gather, GError **error)
{
  g_autofree char *path = g_build_filename (out_dir, "slurm-logs", "jobs", NULL);
  g_autofree char *text = gather ? g_strdup_printf ("array %" G_GUINT64_FORMAT "\ngather %" G_GUINT64_FORMAT "\n", array, gather)
                                 : g_strdup_printf ("array %" G_GUINT64_FORMAT "\n", array);
  return g_file_set_contents (path, text, -1, error);
}

/* squeue's lines "ID STATE" for the given jobs (array tasks one per line); `all`: also ended jobs that
 * Slurm still remembers. NULL when squeue could not be asked (*err says why); a job Slurm has forgotten
 * is simply not listed. */
static GPtrArray *
squeue (guint64 a, guint64 b, gboolean all, char **err)
{
  g_autofree char *ids = b ? g_strdup_printf ("%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, a, b)
                           : g_strdup_printf ("%" G_GUINT64_FORMAT, a);
  /* "123_4 RUNNING None", "124 PENDING Dependency" */
  const char *argv[] = { "squeue", "--noheader", "--array", "--format=%i %T %r", "--jobs", ids, all ? "--states=all" : NULL, NULL };
  g_autofree char *out = NULL, *e = NULL;
  if (!slurm_run (argv, &out, &e))
    {
      /* Jobs that ended long ago are "invalid" to squeue: that is an answer, not a failure. */
      if (e && strstr (e, "Invalid job id"))
        return g_ptr_array_new_with_free_func (g_free);
      if (err)
        *err = g_steal_pointer (&e);
      return NULL;
    }
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) split = g_strsplit (out, "\n", -1);
  for (int i = 0; split[i]; i++)
    if (*g_strstrip (split[i]))
      g_ptr_array_add (lines, g_strdup (split[i]));
  return lines;
}

/* What Slurm's final state of a task means for a row without a result. */
static const char *
state_words (const char *state)
{
  static const struct { const char *state, *words; } table[] = {
    { "CANCELLED", N_("cancelled before it finished") },
    { "TIMEOUT", N_("stopped at its time limit (give more with --time)") },
    { "OUT_OF_MEMORY", N_("ran out of memory (give more with --mem)") },
    { "NODE_FAIL", N_("its node failed") },
    { "BOOT_FAIL", N_("its node failed to start") },
    { "PREEMPTED", N_("preempted by other jobs") },
    { "DEADLINE", N_("stopped at its deadline") },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_has_prefix (state, table[i].state))
      return _(table[i].words);
  return NULL;
}

/* Notes for the summary on rows whose task left no result: Slurm's word on it while Slurm remembers. */
static GHashTable *
slurm_notes (const NdBatchPlan *plan, const char *out_dir)
{
  guint64 array, gather;
  read_jobs (out_dir, &array, &gather);
  GHashTable *notes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  if (!array)
    return notes;
  g_autoptr (GPtrArray) lines = squeue (array, 0, TRUE, NULL);
  for (guint i = 0; lines && i < lines->len; i++)
    {
      g_auto (GStrv) f = g_strsplit (g_ptr_array_index (lines, i), " ", 2);
      const char *us = f[0] ? strchr (f[0], '_') : NULL;
      if (!us || !f[1])
        continue;
      guint64 index = g_ascii_strtoull (us + 1, NULL, 10);
      if (index >= plan->rows->len)
        continue;
      const NdBatchRow *row = g_ptr_array_index (plan->rows, (guint) index);
      const char *words = state_words (f[1]);
      if (words && !nd_batch_row_complete (out_dir, row))
        g_hash_table_insert (notes, row->name,
                             g_strdup_printf (_("Slurm: %s; its log: %s/slurm-logs/%s.out"), words, out_dir, f[0]));
    }
  return notes;
}

/* ---- the scripts ---- */

static gboolean
check_value (const char *value, const char *pattern, const char *option, const char *example)
{
  if (!value || g_regex_match_simple (pattern, value, 0, 0))
    return TRUE;
  nd_cli_fail (2, _("%s “%s” is not what Slurm takes; for example %s"), option, value, example);
  return FALSE;
}

static gboolean
check_options (const NdCliBatchArgs *a)
{
  if (!check_value (a->partition, "^[A-Za-z0-9_.,-]+$", "--partition", "--partition=short")
      || !check_value (a->time, "^(([0-9]+-)?[0-9]+(:[0-9]+){0,2}|UNLIMITED|unlimited|INFINITE|infinite)$", "--time",
                       "--time=01:30:00")
      || !check_value (a->mem, "^[0-9]+[KMGT]?$", "--mem", "--mem=2000"))
    return FALSE;
  for (int i = 0; a->sbatch_args && a->sbatch_args[i]; i++)
    if (a->sbatch_args[i][0] != '-' || strpbrk (a->sbatch_args[i], "\n\r"))
      {
        nd_cli_fail (2, _("--sbatch-arg “%s” is not an sbatch option; write it as --sbatch-arg=--account=lab"),
                     a->sbatch_args[i]);
        return FALSE;
      }
  if (strpbrk (a->out_dir, "\"\n\r$`\\"))
    {
      nd_cli_fail (2, _("the output folder’s name has a character a Slurm script cannot carry (\" $ ` \\ or a line break): %s"),
                   a->out_dir);
      return FALSE;
    }
  return TRUE;
}

/* "0-3,5,7-9" */
static char *
index_ranges (const GArray *indices)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < indices->len;)
    {
      guint first = g_array_index (indices, guint, i), last = first;
      while (i + 1 < indices->len && g_array_index (indices, guint, i + 1) == last + 1)
        last = g_array_index (indices, guint, ++i);
      i++;
      g_string_append_printf (s, "%s%u", s->len ? "," : "", first);
      if (last > first)
        g_string_append_printf (s, "-%u", last);
    }
  return g_string_free (s, FALSE);
}

/* The #SBATCH lines both scripts share: the user's limits and options, and the cores of each task. */
static void
append_limits (GString *s, const NdCliBatchArgs *a, int cpus)
{
  g_string_append_printf (s, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=%d\n", cpus);
  if (a->partition)
    g_string_append_printf (s, "#SBATCH --partition=%s\n", a->partition);
  if (a->time)
    g_string_append_printf (s, "#SBATCH --time=%s\n", a->time);
  if (a->mem)
    g_string_append_printf (s, "#SBATCH --mem=%s\n", a->mem);
  for (int i = 0; a->sbatch_args && a->sbatch_args[i]; i++)
    g_string_append_printf (s, "#SBATCH %s\n", a->sbatch_args[i]);
  g_string_append_printf (s, "#SBATCH --chdir=\"%s\"\n", a->out_dir);
}

/* How the user typed it, for the scripts' comments. */
static char *
command_line (const NdBatchPlan *plan, const NdCliBatchArgs *a)
{
  g_autofree char *p = g_shell_quote (plan->path), *o = g_shell_quote (a->out_dir);
  GString *s = g_string_new (NULL);
  g_autofree char *fit = nd_cli_batch_fit_options (a);
  g_string_printf (s, "neurode-cli batch %s --out %s%s --slurm", p, o, fit);
  if (a->jobs > 0)
    g_string_append_printf (s, " --jobs %d", a->jobs);
  if (a->partition)
    g_string_append_printf (s, " --partition %s", a->partition);
  if (a->time)
    g_string_append_printf (s, " --time %s", a->time);
  if (a->mem)
    g_string_append_printf (s, " --mem %s", a->mem);
  if (a->cpus_per_task > 0)
    g_string_append_printf (s, " --cpus-per-task %d", a->cpus_per_task);
  for (int i = 0; a->sbatch_args && a->sbatch_args[i]; i++)
    {
      g_autofree char *q = g_shell_quote (a->sbatch_args[i]);
      g_string_append_printf (s, " --sbatch-arg=%s", q);
    }
  return g_string_free (s, FALSE);
}

/* The most cores a node of the partition (or of the cluster) has, from sinfo; 0 when Slurm does not say. */
static int
largest_node (const char *partition)
{
  const char *argv[] = { "sinfo", "--noheader", "--format=%c", partition ? "--partition" : NULL, partition, NULL };
  g_autofree char *out = NULL;
  if (!slurm_run (argv, &out, NULL))
    return 0;
  int most = 0;
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  for (int i = 0; lines[i]; i++)
    most = MAX (most, atoi (lines[i]));   /* "16", or "16+" for a group of unlike nodes */
  return most;
}

/* The cores each array task asks for. An ensemble's fits run side by side on them, so that a row of N fits
 * takes about the time of one; more than the largest node has would leave sbatch refusing the array. */
static int
task_cpus (const NdBatchPlan *plan, const NdCliBatchArgs *a, const GArray *indices, NdCliBatchOutput *o)
{
  if (a->cpus_per_task > 0)
    return a->cpus_per_task;
  int widest = 1;
  for (guint i = 0; i < indices->len; i++)
    widest = MAX (widest, nd_batch_row_ensemble (g_ptr_array_index (plan->rows, g_array_index (indices, guint, i))));
  if (widest < 2)
    return 1;
  int node = largest_node (a->partition);
  if (node < 1)
    {
      nd_cli_batch_line (o, _("sinfo did not say how many cores the nodes have: each row’s %d fits run one after "
                              "the other on one core (--cpus-per-task N gives each row N cores)"), widest);
      return 1;
    }
  return MIN (widest, node);
}

static char *
array_script (const NdBatchPlan *plan, const NdCliBatchArgs *a, const GArray *indices, int cpus)
{
  g_autofree char *ranges = index_ranges (indices);
  g_autofree char *cli = g_shell_quote (a->cli_path), *p = g_shell_quote (plan->path), *o = g_shell_quote (a->out_dir);
  g_autofree char *typed = command_line (plan, a);
  GString *s = g_string_new ("#!/bin/bash\n");
  g_string_append_printf (s,
    "# Neurode batch: an array task per row still to run of\n"
    "#   %s\n"
    "# each writing into %s/NAME/.\n"
    "# Written by:\n"
    "#   %s\n"
    "# Submitted with:   sbatch %s/batch.sbatch\n"
    "# then the summary: sbatch --dependency=afterany:<array job id> %s/gather.sbatch\n"
    "# Submitting this script again runs its rows that are not complete (the others end at once);\n"
    "# running the neurode-cli command again writes and submits both scripts for the rows not complete.\n",
    plan->path, a->out_dir, typed, a->out_dir, a->out_dir);
  g_string_append (s, "#SBATCH --job-name=neurode-batch\n");
  g_string_append_printf (s, "#SBATCH --array=%s", ranges);
  if (a->jobs > 0)
    g_string_append_printf (s, "%%%d", a->jobs);
  g_string_append_printf (s, "\n#SBATCH --output=\"%s/slurm-logs/%%A_%%a.out\"\n", a->out_dir);
  append_limits (s, a, cpus);
  g_string_append (s, "\n# The plan's rows in order: array task i runs row i.\nrows=(");
  for (guint i = 0; i < plan->rows->len; i++)
    g_string_append_printf (s, "%s%s", i ? " " : "", ((const NdBatchRow *) g_ptr_array_index (plan->rows, i))->name);
  /* The tasks give the rows the same fit options: a row's args are what its result is checked against. */
  g_autofree char *fit = nd_cli_batch_fit_options (a);
  g_string_append_printf (s, ")\nexec %s batch %s --out %s%s --run-row \"${rows[$SLURM_ARRAY_TASK_ID]}\"\n", cli, p, o,
                          fit);
  return g_string_free (s, FALSE);
}

static char *
gather_script (const NdBatchPlan *plan, const NdCliBatchArgs *a)
{
  g_autofree char *cli = g_shell_quote (a->cli_path), *p = g_shell_quote (plan->path), *o = g_shell_quote (a->out_dir);
  GString *s = g_string_new ("#!/bin/bash\n");
  g_string_append_printf (s,
    "# Neurode batch: writes %s/summary.csv\n"
    "# once the array tasks of batch.sbatch have ended, however they ended. Submitted with:\n"
    "#   sbatch --dependency=afterany:<array job id> %s/gather.sbatch\n",
    a->out_dir, a->out_dir);
  g_string_append (s, "#SBATCH --job-name=neurode-gather\n");
  g_string_append_printf (s, "#SBATCH --output=\"%s/slurm-logs/gather-%%j.out\"\n", a->out_dir);
  append_limits (s, a, 1);
  g_autofree char *fit = nd_cli_batch_fit_options (a);
  g_string_append_printf (s, "\nexec %s batch %s --out %s%s --gather\n", cli, p, o, fit);
  return g_string_free (s, FALSE);
}

static gboolean
write_script (const char *path, const char *text, GError **error)
{
  if (!g_file_set_contents (path, text, -1, error))
    return FALSE;
  g_chmod (path, 0755);
  return TRUE;
}

/* sbatch --parsable [extra] SCRIPT: the job id, or 0 after printing sbatch's error. */
static guint64
submit (const char *script, const char *dependency)
{
  const char *argv[] = { "sbatch", "--parsable", dependency ? dependency : script, dependency ? script : NULL, NULL };
  g_autofree char *out = NULL, *err = NULL;
  if (!slurm_run (argv, &out, &err))
    {
      nd_cli_fail (1, _("sbatch did not take %s: %s"), script, err ? err : "?");
      return 0;
    }
  guint64 id = g_ascii_strtoull (out, NULL, 10);   /* "123" or "123;cluster" */
  if (!id)
    nd_cli_fail (1, _("sbatch gave no job id for %s: %s"), script, out);
  return id;
}

/* ---- following the jobs ---- */

static int
follow (const NdBatchPlan *plan, const NdCliBatchArgs *a, const GArray *indices, guint64 array, guint64 gather)
{
  NdCliBatchOutput o;
  nd_cli_batch_output_init (&o);
  gint64 t0 = g_get_monotonic_time ();
  g_autofree gboolean *seen = g_new0 (gboolean, indices->len);
  guint finished = 0, failed = 0;
  double sum_seconds = 0.0;
  gboolean complained = FALSE, told_gather = FALSE;
  for (;;)
    {
      g_autofree char *err = NULL;
      g_autoptr (GPtrArray) lines = squeue (array, gather, FALSE, &err);
      if (!lines && !complained)
        {
          nd_cli_batch_line (&o, _("cannot ask Slurm about the jobs (%s); trying again"), err ? err : "?");
          complained = TRUE;
        }
      guint running = 0;
      gboolean gather_queued = FALSE;
      const char *gather_reason = NULL;
      g_autofree char *gather_id = g_strdup_printf ("%" G_GUINT64_FORMAT, gather);
      for (guint i = 0; lines && i < lines->len; i++)
        {
          const char *l = g_ptr_array_index (lines, i);
          if (g_str_has_prefix (l, gather_id) && l[strlen (gather_id)] == ' ')
            {
              gather_queued = TRUE;
              gather_reason = strrchr (l, ' ') + 1;
            }
          else if (strstr (l, " RUNNING"))
            running++;
        }
      for (guint i = 0; i < indices->len; i++)
        {
          if (seen[i])
            continue;
          const NdBatchRow *row = g_ptr_array_index (plan->rows, g_array_index (indices, guint, i));
          NdBatchResult res;
          nd_batch_row_result (a->out_dir, row, &res);
          if (res.status != ND_BATCH_INCOMPLETE)
            {
              seen[i] = TRUE;
              finished++;
              sum_seconds += isfinite (res.seconds) ? res.seconds : 0.0;
              g_autofree char *d = nd_cli_batch_duration (res.seconds);
              if (res.status == ND_BATCH_DONE)
                nd_cli_batch_line (&o, _("%s: done in %s"), row->name, d);
              else
                {
                  failed++;
                  nd_cli_batch_line (&o, _("%s: failed in %s: %s (its log: %s/%s/log.txt)"), row->name, d,
                                     res.message, a->out_dir, row->name);
                }
            }
          nd_batch_result_clear (&res);
        }
      if (lines && !gather_queued)
        break;
      /* Every task has ended but the summary job waits for something else than them (held, no nodes):
       * say so once, or --wait would seem to hang. */
      if (finished == indices->len && running == 0 && gather_reason && !g_str_equal (gather_reason, "Dependency")
          && !g_str_equal (gather_reason, "None") && !told_gather)
        {
          nd_cli_batch_line (&o, _("every row has ended, but the summary job %llu waits (Slurm says: %s); "
                                   "see squeue --jobs %llu"),
                             (unsigned long long) gather, gather_reason, (unsigned long long) gather);
          told_gather = TRUE;
        }
      double left = NAN;
      if (finished > 0)
        left = (indices->len - finished) * (sum_seconds / finished) / MAX (running, 1u);
      nd_cli_batch_status (&o, finished, indices->len, failed, running, left);
      /* Often at first (short rows, a test), then gently: squeue asks the cluster's controller. */
      double since = (g_get_monotonic_time () - t0) / 1e6;
      g_usleep ((gulong) ((since < 120 ? 1.0 : since < 600 ? 10.0 : 30.0) * G_USEC_PER_SEC));
    }
  g_autoptr (GHashTable) notes = slurm_notes (plan, a->out_dir);
  return nd_cli_batch_finish (plan, a->out_dir, notes, &o);
}

/* ---- submission ---- */

int
nd_cli_batch_slurm (const NdBatchPlan *plan, const NdCliBatchArgs *a)
{
  if (!check_options (a))
    return 2;
  g_autofree char *sbatch = g_find_program_in_path ("sbatch");
  if (!sbatch)
    return nd_cli_fail (1, _("sbatch was not found: --slurm submits the rows to a Slurm cluster from a computer "
                             "where sbatch runs (the cluster’s login node); without --slurm they run here"));
  g_autofree char *logs = g_build_filename (a->out_dir, "slurm-logs", NULL);
  if (g_mkdir_with_parents (logs, 0755) != 0)
    return nd_cli_fail (1, _("cannot create the folder “%s”: %s"), logs, g_strerror (errno));

  guint64 old_array, old_gather;
  read_jobs (a->out_dir, &old_array, &old_gather);
  g_autoptr (GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < plan->rows->len; i++)
    if (!nd_batch_row_complete (a->out_dir, g_ptr_array_index (plan->rows, i)))
      g_array_append_val (indices, i);
  if (old_array)
    {
      g_autofree char *err = NULL;
      g_autoptr (GPtrArray) queued = squeue (old_array, old_gather, FALSE, &err);
      if (!queued)
        return nd_cli_fail (1, _("cannot ask Slurm whether the last jobs in %s have ended: %s"), a->out_dir, err);
      if (queued->len > 0 && a->wait)
        {
          /* Following again (after Ctrl+C, or from another terminal) what is already submitted. */
          fprintf (stderr, _("the jobs submitted into %s before (%llu and %llu) are still queued or running; "
                             "following them\n"), a->out_dir, (unsigned long long) old_array,
                   (unsigned long long) old_gather);
          return follow (plan, a, indices, old_array, old_gather);
        }
      if (queued->len > 0)
        return nd_cli_fail (1, _("the jobs submitted into %s before (%llu and %llu) are still queued or running; "
                                 "follow them with --wait, or cancel them with scancel %llu %llu, then run this again"),
                            a->out_dir, (unsigned long long) old_array, (unsigned long long) old_gather,
                            (unsigned long long) old_array, (unsigned long long) old_gather);
    }

  NdCliBatchOutput o;
  nd_cli_batch_output_init (&o);
  if (indices->len == 0)
    {
      nd_cli_batch_line (&o, _("every row is complete already; nothing to submit"));
      return nd_cli_batch_finish (plan, a->out_dir, NULL, &o);
    }

  g_autoptr (GError) error = NULL;
  /* A failed (or outdated) result of a row submitted again goes now, so that what appears in its place
   * is this submission's. */
  for (guint i = 0; i < indices->len; i++)
    {
      g_autofree char *dir = nd_batch_row_dir (a->out_dir, g_ptr_array_index (plan->rows, g_array_index (indices, guint, i)));
      nd_batch_remove_tree (dir);
    }
  g_autofree char *array_path = g_build_filename (a->out_dir, "batch.sbatch", NULL);
  g_autofree char *gather_path = g_build_filename (a->out_dir, "gather.sbatch", NULL);
  int cpus = task_cpus (plan, a, indices, &o);
  g_autofree char *array_text = array_script (plan, a, indices, cpus);
  g_autofree char *gather_text = gather_script (plan, a);
  if (!write_script (array_path, array_text, &error) || !write_script (gather_path, gather_text, &error))
    return nd_cli_fail (1, "%s", error->message);

  guint64 array = submit (array_path, NULL);
  if (!array)
    return 1;
  /* Recorded at once: the gather job reads it, and a second submission must see this one. */
  if (!write_jobs (a->out_dir, array, 0, &error))
    return nd_cli_fail (1, "%s", error->message);
  g_autofree char *dependency = g_strdup_printf ("--dependency=afterany:%" G_GUINT64_FORMAT, array);
  guint64 gather = submit (gather_path, dependency);
  if (!gather)
    {
      fprintf (stderr, _("the rows run as job array %llu; when it has ended, run the same command again to write "
                         "the summary\n"), (unsigned long long) array);
      return 1;
    }
  if (!write_jobs (a->out_dir, array, gather, &error))
    return nd_cli_fail (1, "%s", error->message);

  g_autofree char *throttle = a->jobs > 0 ? g_strdup_printf (_(", at most %d at a time"), a->jobs) : g_strdup ("");
  nd_cli_batch_line (&o,
                     ngettext ("submitted %u row as job array %llu%s (%u complete already) and the summary as job %llu",
                               "submitted %u rows as job array %llu%s (%u complete already) and the summary as job %llu",
                               indices->len),
                     indices->len, (unsigned long long) array, throttle, plan->rows->len - indices->len,
                     (unsigned long long) gather);
  if (cpus > 1)
    nd_cli_batch_line (&o, _("each row has %d cores, on which its ensemble’s fits run side by side"), cpus);
  nd_cli_batch_line (&o, _("scripts: %s and %s; Slurm’s logs: %s/"), array_path, gather_path, logs);
  if (!a->wait)
    {
      nd_cli_batch_line (&o, _("follow them with: squeue --jobs %llu,%llu; the summary will be %s/summary.csv"),
                         (unsigned long long) array, (unsigned long long) gather, a->out_dir);
      return 0;
    }
  nd_cli_batch_line (&o, _("following them until the summary is written (Ctrl+C stops following; the jobs go on)"));
  return follow (plan, a, indices, array, gather);
}

int
nd_cli_batch_gather (const NdBatchPlan *plan, const NdCliBatchArgs *a)
{
  NdCliBatchOutput o;
  nd_cli_batch_output_init (&o);
  o.tty = FALSE;
  g_autoptr (GHashTable) notes = slurm_notes (plan, a->out_dir);
  nd_cli_batch_finish (plan, a->out_dir, notes, &o);
  /* The job itself succeeded: the rows' outcome is in the summary. */
  return 0;
}
