/* nd-task.c
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-task.h"

typedef struct
{
  GWeakRef owner;
  gpointer job;
  GDestroyNotify job_free;
  NdTaskWork work;
  NdTaskDone done;
} Task;

static int n_running;   /* atomic: from nd_task_run until its work has returned */

int
nd_task_n_running (void)
{
  return g_atomic_int_get (&n_running);
}

static void
task_free (Task *t)
{
  g_weak_ref_clear (&t->owner);
  if (t->job && t->job_free)
    t->job_free (t->job);
  g_free (t);
}

static void
task_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Task *t = data;
  t->work (t->job, cancellable);
  g_atomic_int_dec_and_test (&n_running);
  g_task_return_boolean (task, TRUE);
}

static void
task_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Task *t = g_task_get_task_data (G_TASK (res));
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (res));
  /* The owner may have been finalized while the thread ran: then nothing of it is touched. */
  g_autoptr (GObject) owner = g_weak_ref_get (&t->owner);
  if (owner && t->done && t->done (owner, t->job, cancellable && g_cancellable_is_cancelled (cancellable)))
    t->job = NULL;
}

void
nd_task_run (gpointer owner, GCancellable *cancellable, gpointer job, GDestroyNotify job_free,
             NdTaskWork work, NdTaskDone done)
{
  Task *t = g_new0 (Task, 1);
  g_weak_ref_init (&t->owner, owner);
  t->job = job;
  t->job_free = job_free;
  t->work = work;
  t->done = done;
  /* No source object: the task must not hold the owner. */
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, task_done, NULL);
  g_task_set_task_data (task, t, (GDestroyNotify) task_free);
  /* Finish even when cancelled: the thread still owns the job until it returns. */
  g_task_set_return_on_cancel (task, FALSE);
  g_atomic_int_inc (&n_running);
  g_task_run_in_thread (task, task_thread);
}
