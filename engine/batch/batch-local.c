/* batch-local.c: the local runner — a queue of rows, `jobs` processes at a time, on a private main context.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Processes, not threads: a row is exactly the neurode-cli command a user could type (and what a Slurm
 * task runs), the engine keeps no state between rows, and a crash or an out-of-memory kill of one row
 * cannot take the others down. The rows' processes share the runner's process group, so Ctrl+C in a
 * terminal reaches them at once; the runner then stops waiting for results and reports.
 */
#include "batch/batch-local.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <math.h>
#include <signal.h>

#include "nd-error.h"

#define KILL_AFTER_MS 5000

typedef struct
{
  const NdBatchRow *row;
  GSubprocess *proc;
  gint64 start;
} Running;

typedef struct
{
  const NdBatchPlan *plan;
  const char *out_dir;
  const NdBatchLocalOptions *opt;
  NdBatchProgressFunc progress;
  gpointer user;
  GMainContext *context;
  GMainLoop *loop;
  GQueue waiting;             /* const NdBatchRow* */
  GPtrArray *running;         /* Running* */
  guint to_run, skipped, done, failed;
  guint fit_jobs;             /* cores of each fit or reduce row (--jobs) */
  double sum_seconds;         /* of the rows finished in this run */
  gint64 t0;
  gboolean stopping;
  GError *error;
} Run;

static void
report (Run *r, NdBatchEvent event, const NdBatchRow *row, const NdBatchResult *result)
{
  if (!r->progress)
    return;
  gint64 now = g_get_monotonic_time ();
  NdBatchProgress p = { .event = event, .row = row, .result = result, .to_run = r->to_run,
                        .skipped = r->skipped, .done = r->done, .failed = r->failed,
                        .running = r->running->len, .elapsed_s = (now - r->t0) / 1e6, .seconds_left = NAN };
  guint finished = r->done + r->failed;
  if (finished > 0)
    {
      /* The mean row so far, for each waiting row and for what the running ones still need. */
      double mean = r->sum_seconds / finished, work = r->waiting.length * mean;
      for (guint i = 0; i < r->running->len; i++)
        {
          const Running *run = g_ptr_array_index (r->running, i);
          work += fmax (0.0, mean - (now - run->start) / 1e6);
        }
      guint lanes = MIN (r->opt->jobs, r->waiting.length + r->running->len);
      p.seconds_left = lanes ? work / lanes : 0.0;
    }
  r->progress (&p, r->user);
}

static void launch_more (Run *r);
static void stop (Run *r);

static void
maybe_quit (Run *r)
{
  if (r->running->len == 0 && (r->stopping || r->waiting.length == 0))
    g_main_loop_quit (r->loop);
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *r = data;
  GSubprocess *proc = G_SUBPROCESS (source);
  g_subprocess_wait_finish (proc, result, NULL);
  Running *run = NULL;
  for (guint i = 0; i < r->running->len; i++)
    if (((Running *) g_ptr_array_index (r->running, i))->proc == proc)
      run = g_ptr_array_steal_index (r->running, i);
  g_return_if_fail (run);
  double seconds = (g_get_monotonic_time () - run->start) / 1e6;
  /* Ctrl+C, scancel or a shutdown reached the row's command (it shares our process group) maybe before
   * it reached us: a row stopped that way has no result, and the run stops. A row killed otherwise
   * (SIGKILL of the out-of-memory killer, a crash) failed. */
  if (g_subprocess_get_if_signaled (proc))
    {
      int sig = g_subprocess_get_term_sig (proc);
      if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
        stop (r);
    }
  if (!r->stopping)
    {
      NdBatchResult res;
      g_autoptr (GError) error = NULL;
      if (nd_batch_row_finish (r->out_dir, run->row, proc, seconds, &res, &error))
        {
          if (res.status == ND_BATCH_DONE)
            r->done++;
          else
            r->failed++;
          r->sum_seconds += seconds;
          report (r, ND_BATCH_EVENT_FINISHED, run->row, &res);
        }
      else if (!r->error)
        {
          /* The result could not be kept (disk full, folder gone): nothing else will fare better. */
          r->error = g_steal_pointer (&error);
          r->stopping = TRUE;
        }
      nd_batch_result_clear (&res);
    }
  g_object_unref (run->proc);
  g_free (run);
  launch_more (r);
  maybe_quit (r);
}

static void
launch_more (Run *r)
{
  while (!r->stopping && r->running->len < r->opt->jobs && r->waiting.length > 0)
    {
      const NdBatchRow *row = g_queue_pop_head (&r->waiting);
      g_autoptr (GError) error = NULL;
      GSubprocess *proc = nd_batch_row_spawn (r->plan, row, r->out_dir, r->opt->cli_path, r->fit_jobs, &error);
      if (!proc)
        {
          if (!r->error)
            g_propagate_prefixed_error (&r->error, g_steal_pointer (&error), "%s: ", row->name);
          r->stopping = TRUE;
          break;
        }
      Running *run = g_new0 (Running, 1);
      run->row = row;
      run->proc = proc;
      run->start = g_get_monotonic_time ();
      g_ptr_array_add (r->running, run);
      g_subprocess_wait_async (proc, NULL, on_exited, r);
      report (r, ND_BATCH_EVENT_STARTED, row, NULL);
    }
}

static gboolean
kill_remaining (gpointer data)
{
  Run *r = data;
  for (guint i = 0; i < r->running->len; i++)
    g_subprocess_force_exit (((Running *) g_ptr_array_index (r->running, i))->proc);
  return G_SOURCE_REMOVE;
}

static void
stop (Run *r)
{
  if (r->stopping)
    return;
  r->stopping = TRUE;
  report (r, ND_BATCH_EVENT_STOPPING, NULL, NULL);
  for (guint i = 0; i < r->running->len; i++)
    g_subprocess_send_signal (((Running *) g_ptr_array_index (r->running, i))->proc, SIGTERM);
  GSource *timer = g_timeout_source_new (KILL_AFTER_MS);
  g_source_set_callback (timer, kill_remaining, r, NULL);
  g_source_attach (timer, r->context);
  g_source_unref (timer);
  maybe_quit (r);
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer data)
{
  stop (data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer data)
{
  stop (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer data)
{
  report (data, ND_BATCH_EVENT_TICK, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

static GSource *
attach (GSource *source, GSourceFunc fn, Run *r)
{
  g_source_set_callback (source, fn, r, NULL);
  g_source_attach (source, r->context);
  return source;
}

gboolean
nd_batch_run_local (const NdBatchPlan *plan, const char *out_dir, const NdBatchLocalOptions *opt,
                    NdBatchProgressFunc progress, gpointer user, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (opt->jobs >= 1 && opt->cli_path, FALSE);
  Run r = { .plan = plan, .out_dir = out_dir, .opt = opt, .progress = progress, .user = user };
  g_queue_init (&r.waiting);
  for (guint i = 0; i < plan->rows->len; i++)
    {
      const NdBatchRow *row = g_ptr_array_index (plan->rows, i);
      if (opt->only && !g_str_equal (row->name, opt->only))
        continue;
      if (nd_batch_row_complete (out_dir, row))
        r.skipped++;
      else
        g_queue_push_tail (&r.waiting, (gpointer) row);
    }
  r.to_run = r.waiting.length;
  /* --jobs is the cores the run may use: a fit or reduce row gets its share of them, a core when there are
   * more rows than cores, more when fewer rows are left to run (one recording's ensemble on four cores). */
  r.fit_jobs = MAX (1u, opt->jobs / MAX (1u, MIN (opt->jobs, r.to_run)));
  r.running = g_ptr_array_new ();
  r.context = g_main_context_new ();
  r.loop = g_main_loop_new (r.context, FALSE);
  r.t0 = g_get_monotonic_time ();
  g_main_context_push_thread_default (r.context);

  GSource *sources[6] = { NULL };
  int n_sources = 0;
  sources[n_sources++] = attach (g_timeout_source_new_seconds (1), on_tick, &r);
  if (cancellable)
    sources[n_sources++] = attach (g_cancellable_source_new (cancellable), G_SOURCE_FUNC (on_cancelled), &r);
  if (opt->stop_on_signals)
    {
      const int signals[] = { SIGINT, SIGTERM, SIGHUP };
      for (int i = 0; i < 3; i++)
        sources[n_sources++] = attach (g_unix_signal_source_new (signals[i]), on_signal, &r);
    }
  if (g_cancellable_is_cancelled (cancellable))
    r.stopping = TRUE;
  launch_more (&r);
  if (r.running->len > 0)
    g_main_loop_run (r.loop);

  for (int i = 0; i < n_sources; i++)
    {
      g_source_destroy (sources[i]);
      g_source_unref (sources[i]);
    }
  /* Dispatch what is left (finished waits) before the context goes. */
  while (g_main_context_iteration (r.context, FALSE))
    ;
  g_main_context_pop_thread_default (r.context);
  g_main_loop_unref (r.loop);
  g_main_context_unref (r.context);
  g_ptr_array_unref (r.running);
  g_queue_clear (&r.waiting);

  if (r.error)
    {
      g_propagate_error (error, r.error);
      return FALSE;
    }
  if (r.stopping)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("stopped"));
      return FALSE;
    }
  return TRUE;
}

char *
nd_batch_find_cli (void)
{
  const char *env = g_getenv ("NEURODE_CLI");
  if (env && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  if (self)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      char *beside = g_build_filename (dir, "neurode-cli", NULL);
      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return beside;
      g_free (beside);
    }
  return g_find_program_in_path ("neurode-cli");
}
