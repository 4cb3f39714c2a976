/* batch-row.c: running one row of a plan and keeping its result all or nothing.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "batch/batch-row.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nd-error.h"

#define RESULT_FILE "batch-row.json"
#define LOG_FILE "log.txt"
#define STDOUT_FILE "stdout.txt"

void
nd_batch_result_clear (NdBatchResult *res)
{
  g_clear_pointer (&res->message, g_free);
}

char *
nd_batch_row_dir (const char *out_dir, const NdBatchRow *row)
{
  return g_build_filename (out_dir, row->name, NULL);
}

char *
nd_batch_row_work_dir (const char *out_dir, const NdBatchRow *row)
{
  return g_build_filename (out_dir, ".running", row->name, NULL);
}

gboolean
nd_batch_remove_tree (const char *path)
{
  GStatBuf st;
  if (g_lstat (path, &st) != 0)
    return errno == ENOENT;
  if (!S_ISDIR (st.st_mode))
    return g_unlink (path) == 0;
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          nd_batch_remove_tree (child);
        }
      g_dir_close (dir);
    }
  return g_rmdir (path) == 0;
}

static void
incomplete (NdBatchResult *res, char *message)
{
  res->status = ND_BATCH_INCOMPLETE;
  res->exit_code = -1;
  res->seconds = NAN;
  res->message = message;
}

void
nd_batch_row_result (const char *out_dir, const NdBatchRow *row, NdBatchResult *res)
{
  memset (res, 0, sizeof *res);
  g_autofree char *dir = nd_batch_row_dir (out_dir, row);
  g_autofree char *path = g_build_filename (dir, RESULT_FILE, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = NULL;
  if (json_parser_load_from_file (parser, path, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    o = json_node_get_object (json_parser_get_root (parser));
  if (!o)
    {
      g_autofree char *work = nd_batch_row_work_dir (out_dir, row);
      if (g_file_test (work, G_FILE_TEST_IS_DIR))
        incomplete (res, g_strdup_printf (_("started but did not finish (stopped, cancelled, out of time, or its "
                                            "computer failed); its log so far: %s/.running/%s/log.txt"),
                                          out_dir, row->name));
      else
        incomplete (res, g_strdup (_("not run yet")));
      return;
    }
  const char *args = json_object_get_string_member_with_default (o, "args", "");
  if (!g_str_equal (args, row->args))
    {
      incomplete (res, g_strdup (_("the plan gives this row other arguments than those of its result; it runs again")));
      return;
    }
  const char *status = json_object_get_string_member_with_default (o, "status", "");
  res->status = g_str_equal (status, "done") ? ND_BATCH_DONE : ND_BATCH_FAILED;
  res->exit_code = (int) json_object_get_int_member_with_default (o, "exit_code", -1);
  res->seconds = json_object_get_double_member_with_default (o, "seconds", NAN);
  const char *message = json_object_get_string_member_with_default (o, "message", NULL);
  res->message = res->status == ND_BATCH_DONE ? NULL : g_strdup (message ? message : _("failed"));
}

gboolean
nd_batch_row_complete (const char *out_dir, const NdBatchRow *row)
{
  NdBatchResult res;
  nd_batch_row_result (out_dir, row, &res);
  gboolean done = res.status == ND_BATCH_DONE;
  nd_batch_result_clear (&res);
  return done;
}

/* A row's command must not outlive the runner that waits for it (the window closed, the runner killed):
 * the kernel sends it SIGTERM when the thread that started it ends. */
static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* OUT/NAME may be replaced only when it is a result of this row: never a file or folder of the user's. */
static gboolean
check_target (const char *out_dir, const NdBatchRow *row, GError **error)
{
  g_autofree char *final = nd_batch_row_dir (out_dir, row);
  g_autofree char *marker = g_build_filename (final, RESULT_FILE, NULL);
  if (g_file_test (final, G_FILE_TEST_EXISTS) && !g_file_test (marker, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s is there already and is not a result of this batch; move it away or choose another "
                     "output folder"), final);
      return FALSE;
    }
  return TRUE;
}

gboolean
nd_batch_plan_check_out (const NdBatchPlan *plan, const char *out_dir, GError **error)
{
  g_autoptr (GString) problems = g_string_new (NULL);
  int n = 0;
  for (guint i = 0; i < plan->rows->len; i++)
    {
      const NdBatchRow *row = g_ptr_array_index (plan->rows, i);
      g_autoptr (GError) local = NULL;
      if (!check_target (out_dir, row, &local))
        {
          g_string_append_printf (problems, _("line %d (%s): %s\n"), row->line, row->name, local->message);
          n++;
        }
    }
  if (n == 0)
    return TRUE;
  g_string_truncate (problems, problems->len - 1);
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
               ngettext ("%s has %d bad row; nothing was run:\n%s", "%s has %d bad rows; nothing was run:\n%s",
                         (unsigned long) n),
               plan->path, n, problems->str);
  return FALSE;
}

GSubprocess *
nd_batch_row_spawn (const NdBatchPlan *plan, const NdBatchRow *row, const char *out_dir, const char *cli_path,
                    guint fit_jobs, GError **error)
{
  g_autofree char *work = nd_batch_row_work_dir (out_dir, row);
  if (!check_target (out_dir, row, error))
    return NULL;
  if (!nd_batch_remove_tree (work) || g_mkdir_with_parents (work, 0755) != 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("cannot make the folder %s: %s"), work, g_strerror (errno));
      return NULL;
    }
  const char *out_file = NULL;
  NdBatchOut out = nd_batch_row_out (row, &out_file);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (cli_path));
  for (int i = 0; row->argv[i]; i++)
    g_ptr_array_add (argv, g_strdup (row->argv[i]));
  gboolean own_jobs = FALSE;
  for (int i = 1; row->argv[i] && !g_str_equal (row->argv[i], "--"); i++)
    own_jobs |= g_str_equal (row->argv[i], "--jobs") || g_str_has_prefix (row->argv[i], "--jobs=");
  /* A fit's or a reduction's sweeps run on the row's share of the cores. */
  const gboolean uses_cores = g_str_equal (row->argv[0], "fit") || g_str_equal (row->argv[0], "reduce");
  if (fit_jobs > 0 && uses_cores && !own_jobs)
    {
      g_ptr_array_add (argv, g_strdup ("--jobs"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", fit_jobs));
    }
  if (out != ND_BATCH_OUT_STDOUT)
    {
      g_ptr_array_add (argv, g_strdup ("--out"));
      g_ptr_array_add (argv, out == ND_BATCH_OUT_DIR ? g_strdup (work) : g_build_filename (work, out_file, NULL));
    }
  g_ptr_array_add (argv, NULL);

  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_cwd (launcher, plan->base_dir);
  g_autofree char *out_path = g_build_filename (work, out == ND_BATCH_OUT_STDOUT ? out_file : STDOUT_FILE, NULL);
  g_autofree char *log_path = g_build_filename (work, LOG_FILE, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
}

/* The command's own error line ("neurode-cli: there is no sweep 9"), else its last line. */
static char *
message_from_log (const char *log_path)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (log_path, &text, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  const char *last = NULL, *error_line = NULL;
  for (int i = 0; lines[i]; i++)
    {
      char *l = g_strstrip (lines[i]);
      if (!*l)
        continue;
      last = l;
      if (g_str_has_prefix (l, "neurode-cli: "))
        error_line = l + strlen ("neurode-cli: ");
    }
  const char *m = error_line ? error_line : last;
  return m && g_utf8_validate (m, -1, NULL) ? g_strdup (m) : NULL;
}

static void
append_json_string (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (s, "\\%c", *p);
      else if ((unsigned char) *p < 0x20)
        g_string_append_printf (s, "\\u%04x", (unsigned) *p);
      else
        g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

/* Written by hand rather than by json-glib, which prints 0.92 as 0.92000000000000004. */
static gboolean
write_result (const char *path, const NdBatchRow *row, const NdBatchResult *res, GError **error)
{
  g_autoptr (GString) s = g_string_new ("{\n  \"name\": ");
  append_json_string (s, row->name);
  g_string_append (s, ",\n  \"args\": ");
  append_json_string (s, row->args);
  g_string_append_printf (s, ",\n  \"status\": \"%s\",\n  \"exit_code\": %d,\n  \"seconds\": ",
                          res->status == ND_BATCH_DONE ? "done" : "failed", res->exit_code);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.3f", res->seconds));
  g_string_append (s, ",\n  \"message\": ");
  if (res->message)
    append_json_string (s, res->message);
  else
    g_string_append (s, "null");
  g_string_append (s, "\n}\n");
  return g_file_set_contents (path, s->str, (gssize) s->len, error);
}

gboolean
nd_batch_row_finish (const char *out_dir, const NdBatchRow *row, GSubprocess *proc, double seconds,
                     NdBatchResult *res, GError **error)
{
  memset (res, 0, sizeof *res);
  g_autofree char *work = nd_batch_row_work_dir (out_dir, row);
  g_autofree char *final = nd_batch_row_dir (out_dir, row);
  g_autofree char *log_path = g_build_filename (work, LOG_FILE, NULL);
  g_autofree char *stdout_path = g_build_filename (work, STDOUT_FILE, NULL);
  GStatBuf st;
  if (g_stat (stdout_path, &st) == 0 && st.st_size == 0)
    g_unlink (stdout_path);

  res->seconds = seconds;
  if (g_subprocess_get_if_exited (proc))
    {
      res->exit_code = g_subprocess_get_exit_status (proc);
      res->status = res->exit_code == 0 ? ND_BATCH_DONE : ND_BATCH_FAILED;
      if (res->exit_code != 0)
        {
          res->message = message_from_log (log_path);
          if (!res->message)
            res->message = g_strdup_printf (_("ended with exit status %d"), res->exit_code);
        }
    }
  else
    {
      int sig = g_subprocess_get_term_sig (proc);
      res->status = ND_BATCH_FAILED;
      res->exit_code = 128 + sig;
      res->message = g_strdup_printf (sig == SIGKILL ? _("killed (signal %d), perhaps for lack of memory")
                                                     : _("ended by signal %d"), sig);
    }

  g_autofree char *result_path = g_build_filename (work, RESULT_FILE, NULL);
  if (!write_result (result_path, row, res, error))
    return FALSE;
  /* The old result (failed, or from other arguments) goes first; then the new one appears whole. */
  if (!check_target (out_dir, row, error))
    return FALSE;
  if (g_file_test (final, G_FILE_TEST_EXISTS))
    {
      g_autofree char *old = g_strdup_printf ("%s.old-%d", work, (int) getpid ());
      if (g_rename (final, old) != 0)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("cannot replace the old result %s: %s"), final,
                       g_strerror (errno));
          return FALSE;
        }
      nd_batch_remove_tree (old);
    }
  if (g_rename (work, final) != 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, _("cannot move the result to %s: %s"), final,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}
