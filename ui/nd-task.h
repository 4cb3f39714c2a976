/* nd-task.h: background work that neither keeps its owner alive nor touches it once it is gone.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As GNOME Text Editor's document statistics do it: the work runs on a GTask thread with a snapshot of
 * what it needs (the job, which it owns), the task's source object is not the owner but a GWeakRef is
 * held to it, and the owner's GCancellable (cancelled in its dispose) ends the work early. `done` runs
 * on the main loop only while the owner is alive, with a strong reference to it for the call.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Worker thread: the job alone, and the cancellable to check between pieces of work. */
typedef void (*NdTaskWork) (gpointer job, GCancellable *cancellable);
/* Main loop, owner alive: TRUE when it keeps the job (then it is the owner's to free), FALSE to leave it to
 * the helper. A job whose owner is gone is freed unseen. */
typedef gboolean (*NdTaskDone) (gpointer owner, gpointer job, gboolean cancelled);

void nd_task_run (gpointer owner, GCancellable *cancellable, gpointer job, GDestroyNotify job_free,
                  NdTaskWork work, NdTaskDone done);
/* Tasks whose work has not returned yet (queued or running), for tests that check that closing ends it. */
int  nd_task_n_running (void);

G_END_DECLS
