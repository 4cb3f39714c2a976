/* nd-batch-window-plan.c: a batch plan for a folder of recordings, from the main window's project.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plan is what a user would write for `neurode-cli batch`: one `fit` row per recording (and seed), the
 * project's model as a model file beside the plan, its training and validation sweeps, liquid-junction
 * potential and stimulus, the iterations, restarts and step of the Preferences, and the Uncertainty row's
 * --ensemble N (the fits per recording, as in the Fit view). So it runs the same
 * here and on a cluster. The model file is named after its content (model-1a2b3c4d.json): a row's
 * arguments change with the model, so a plan written again after the model changed runs every row again,
 * while one written again unchanged runs only the rows not done.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "model-file.h"
#include "nd-batch-window-private.h"
#include "nd-project.h"

/* "2, 4" (shown from 1, as the Recording view numbers sweeps) or "1,3" (from 0, for neurode-cli). */
static char *
sweep_list (NdProject *p, guint n, NdSweepRole role, gboolean for_cli)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    if (nd_project_get_sweep_role (p, i) == role)
      g_string_append_printf (s, "%s%u", s->len ? (for_cli ? "," : ", ") : "", for_cli ? i : i + 1);
  return g_string_free (s, FALSE);
}

static NdProject *
project (NdBatchWindow *self)
{
  return self->parent ? nd_window_get_project (self->parent) : NULL;
}

void
nd_batch_window_describe_project (NdBatchWindow *self)
{
  NdProject *p = project (self);
  if (!p)
    return;
  guint n_known = 0;
  for (guint i = 0; i < nd_project_get_n_known (p); i++)
    n_known += nd_project_get_known (p, i).enabled;
  for (guint i = 0; i < nd_project_get_n_catalogue (p); i++)
    n_known += nd_project_get_catalogue (p, i).enabled;
  NdLearnedSpec learned = nd_project_get_learned (p);
  g_autofree char *known = g_strdup_printf (ngettext ("%u known channel", "%u known channels", n_known), n_known);
  g_autofree char *model = learned.enabled
                             ? g_strdup_printf (_("%s and the learned current “%s”"), known, learned.name)
                             : g_strdup_printf (_("%s, nothing learned"), known);
  g_autofree char *model_text = g_markup_escape_text (model, -1);
  adw_action_row_set_subtitle (self->model_row, model_text);

  NdRecording *rec = nd_project_get_recording (p);
  guint n = rec ? nd_recording_n_sweeps (rec) : 0;
  g_autofree char *train = sweep_list (p, n, ND_SWEEP_TRAIN, FALSE);
  g_autofree char *val = sweep_list (p, n, ND_SWEEP_VALIDATE, FALSE);
  g_autofree char *sweeps = !rec ? g_strdup (_("The project has no recording whose sweeps could be chosen."))
                            : !*train ? g_strdup (_("No training sweep: choose some in the Recording view."))
                            : g_strdup_printf (_("Training on %s, validating on %s, in every recording."), train,
                                               *val ? val : _("none"));
  adw_action_row_set_subtitle (self->sweeps_row, sweeps);

  int iterations = g_settings_get_int (self->settings, "fit-iterations");
  int restarts = g_settings_get_int (self->settings, "fit-restarts");
  double dt = g_settings_get_double (self->settings, "integration-step-ms");
  g_autofree char *starts = restarts > 0 ? g_strdup_printf (ngettext ("%d start", "%d starts", restarts), restarts)
                                         : g_strdup (_("starts chosen by the fit"));
  double w0, w1;
  nd_project_get_window (p, &w0, &w1);
  g_autofree char *fit = g_strdup_printf (_("%d iterations, %s, step %g ms%s"), iterations, starts, dt,
                                          w1 > w0 ? _("; whole sweeps (the time window is not used here)") : "");
  adw_action_row_set_subtitle (self->fit_row, fit);
}

/* A row name from a file name: its stem, with what cannot name a folder replaced. */
static char *
row_name (const char *file, GHashTable *taken)
{
  g_autofree char *stem = g_strdup (file);
  char *dot = strrchr (stem, '.');
  if (dot && dot != stem)
    *dot = '\0';
  for (char *c = stem; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '.' && *c != '_' && *c != '-')
      *c = '-';
  g_autofree char *base = stem[0] == '.' || stem[0] == '-' || !nd_batch_name_valid (stem)
                            ? g_strdup_printf ("rec-%s", stem) : g_strdup (stem);
  if (strlen (base) > 80)
    base[80] = '\0';
  char *name = g_strdup (base);
  for (int k = 2; g_hash_table_contains (taken, name); k++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%d", base, k);
    }
  g_hash_table_add (taken, g_strdup (name));
  return name;
}

/* The recording as the plan names it: relative to the plan's folder when that is inside the recordings'
 * folder (the default), so the two can move together, e.g. to a cluster. */
static char *
recording_arg (const char *folder, const char *results, const char *file)
{
  g_autofree char *path = g_build_filename (folder, file, NULL);
  g_autofree char *prefix = g_strconcat (folder, G_DIR_SEPARATOR_S, NULL);
  if (g_str_has_prefix (results, prefix))
    {
      GString *rel = g_string_new (NULL);
      for (const char *c = results + strlen (prefix); *c; c++)
        if (*c == G_DIR_SEPARATOR && c[1] && c[1] != G_DIR_SEPARATOR)
          g_string_append (rel, "../");
      g_string_append (rel, "../");
      g_string_append (rel, file);
      g_autofree char *r = g_string_free (rel, FALSE);
      return nd_batch_shell_word (r);
    }
  return nd_batch_shell_word (path);
}

char *
nd_batch_window_make_plan (NdBatchWindow *self, char **source_json, GError **error)
{
  NdProject *p = project (self);
  NdRecording *rec = p ? nd_project_get_recording (p) : NULL;
  if (!self->folder)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Choose a folder of recordings first."));
      return NULL;
    }
  if (self->recordings->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There are no recordings in %s (ABF, ATF, CSV, TSV, TXT, WAV, FLAC or AIFF files)."), self->folder);
      return NULL;
    }
  if (!p || !rec)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The project needs its recording: its sweeps say which sweeps of each recording to fit."));
      return NULL;
    }
  guint n = nd_recording_n_sweeps (rec);
  g_autofree char *train = sweep_list (p, n, ND_SWEEP_TRAIN, TRUE);
  g_autofree char *val = sweep_list (p, n, ND_SWEEP_VALIDATE, TRUE);
  if (!*train)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No training sweep is chosen: choose some in the Recording view."));
      return NULL;
    }
  nd_model *m = nd_project_get_model (p);
  if (nd_model_n_trainable (m) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The model has nothing to fit: add a learned current in the Model view."));
      return NULL;
    }
  if (g_mkdir_with_parents (self->results, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Cannot create the folder %s: %s"),
                   self->results, g_strerror (errno));
      return NULL;
    }

  g_autofree char *model_text = nd_model_file_to_string (m);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, model_text, -1);
  hash[8] = '\0';
  g_autofree char *model_file = g_strdup_printf ("model-%s.json", hash);
  g_autofree char *model_path = g_build_filename (self->results, model_file, NULL);
  if (!g_file_set_contents (model_path, model_text, -1, error))
    return NULL;

  char dt[G_ASCII_DTOSTR_BUF_SIZE], ljp[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (dt, sizeof dt, "%g", g_settings_get_double (self->settings, "integration-step-ms"));
  g_ascii_formatd (ljp, sizeof ljp, "%g", nd_project_get_ljp (p));
  g_autoptr (GString) common = g_string_new (NULL);
  g_string_append_printf (common, " --train %s", train);
  if (*val)
    g_string_append_printf (common, " --validate %s", val);
  g_string_append_printf (common, " --iterations %d --restarts %d --dt %s",
                          g_settings_get_int (self->settings, "fit-iterations"),
                          g_settings_get_int (self->settings, "fit-restarts"), dt);
  if (nd_project_get_ljp (p) != 0.0)
    g_string_append_printf (common, " --ljp %s", ljp);
  NdStimulusSource src = nd_recording_stimulus_source (rec);
  if (src == ND_STIMULUS_PROTOCOL)
    g_string_append (common, " --stimulus protocol");
  else if (src == ND_STIMULUS_SIGNAL)
    {
      g_autofree char *q = nd_batch_shell_word (nd_recording_signal (rec, nd_recording_stimulus_signal (rec))->name);
      g_string_append_printf (common, " --stimulus %s", q);
    }

  int fits = gtk_spin_button_get_value_as_int (self->fits);
  if (fits >= 2)
    g_string_append_printf (common, " --ensemble %d", fits);
  int seeds = MAX (1, gtk_spin_button_get_value_as_int (self->seeds));
  g_autoptr (GString) plan = g_string_new ("name,args\n");
  g_autoptr (GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < self->recordings->len; i++)
    {
      const char *file = g_ptr_array_index (self->recordings, i);
      g_autofree char *name = row_name (file, taken);
      g_autofree char *arg = recording_arg (self->folder, self->results, file);
      for (int seed = 1; seed <= seeds; seed++)
        {
          g_autofree char *row = seeds > 1 ? g_strdup_printf ("%s-seed%d", name, seed) : g_strdup (name);
          /* An ensemble from seed s fits from seeds s … s + fits - 1: the rows of one recording take seeds
           * that many apart, so that no two rows repeat a fit. */
          g_autofree char *args = g_strdup_printf ("fit %s %s%s --seed %d", model_file, arg, common->str,
                                                   1 + (seed - 1) * MAX (fits, 1));
          nd_batch_csv_append (plan, row);
          g_string_append_c (plan, ',');
          nd_batch_csv_append (plan, args);
          g_string_append_c (plan, '\n');
        }
    }
  char *plan_path = g_build_filename (self->results, "plan.csv", NULL);
  if (!g_file_set_contents (plan_path, plan->str, (gssize) plan->len, error))
    {
      g_free (plan_path);
      return NULL;
    }
  if (source_json)
    *source_json = nd_project_to_json (p, NULL);
  return plan_path;
}
