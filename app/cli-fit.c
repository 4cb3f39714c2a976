/* cli-fit.c: neurode-cli fit MODEL.json REC.csv --out DIR [--seed N] [--iterations N] [--validate SWEEPS]
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "fit-data.h"
#include "fit.h"
#include "model-file.h"
#include "cli-recording.h"
#include "recording.h"
#include "units.h"

/* "1,3,5-7" -> membership test on sweep ids. */
static gboolean
parse_sweep_list (const char *text, GArray *ids)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  for (int i = 0; parts[i]; i++)
    {
      char *p = g_strstrip (parts[i]), *end;
      if (!*p)
        return FALSE;
      long a = strtol (p, &end, 10), b = a;
      if (end == p)
        return FALSE;
      if (*end == '-')
        {
          char *q = end + 1;
          b = strtol (q, &end, 10);
          if (end == q)
            return FALSE;
        }
      if (*end || b < a || b - a > 100000)
        return FALSE;
      for (long k = a; k <= b; k++)
        {
          int v = (int) k;
          g_array_append_val (ids, v);
        }
    }
  return ids->len > 0;
}

static void
on_progress (const nd_fit_progress *p, void *user)
{
  const char *stage = p->horizon == 0 ? _("free run") : p->horizon == 1 ? _("voltage-forced") : _("multiple shooting");
  if (isfinite (p->best_val_loss))
    fprintf (stderr, _("restart %d/%d, iteration %d/%d (%s): loss %.5g mV², best validation RMSE %.4g mV\n"),
             p->restart + 1, p->restarts, p->iteration, p->iterations, stage, p->train_loss, sqrt (p->best_val_loss));
  else
    fprintf (stderr, _("restart %d/%d, iteration %d/%d (%s): loss %.5g mV²\n"),
             p->restart + 1, p->restarts, p->iteration, p->iterations, stage, p->train_loss);
}

static int run_fit (int argc, char **argv, const char *out_dir, const char *validate, gint64 seed,
                    int iterations, int restarts, double max_dt, gboolean warm_start,
                    const NdCliRecordingOptions *rec_opts);

int
nd_cli_fit (int argc, char **argv)
{
  g_autofree char *out_dir = NULL, *validate = NULL;
  gint64 seed = 1;
  int iterations = 0, restarts = 0;
  double max_dt = 0.025;
  gboolean warm_start = FALSE;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, N_("Folder for model.json, kinetics.csv and loss.csv"), N_("DIR") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed of the network initialisation (default 1)"), N_("N") },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, N_("Optimiser iterations per restart (default 400)"), N_("N") },
    { "restarts", 0, 0, G_OPTION_ARG_INT, &restarts, N_("Fits from different initialisations; the best on validation is kept"), N_("N") },
    { "validate", 0, 0, G_OPTION_ARG_STRING, &validate, N_("Sweeps held out for validation, numbered from 0, e.g. 2,4-5"), N_("SWEEPS") },
    { "dt", 0, 0, G_OPTION_ARG_DOUBLE, &max_dt, N_("Largest integration step in ms (default 0.025)"), N_("MS") },
    { "warm-start", 0, 0, G_OPTION_ARG_NONE, &warm_start, N_("Refine the model's network weights instead of starting afresh"), NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("MODEL.json REC.csv — fit the learned channels to a recording"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  NdCliRecordingOptions rec_opts;
  nd_cli_recording_add_options (ctx, &rec_opts);
  nd_cli_recording_add_ljp_option (ctx, &rec_opts);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      nd_cli_recording_options_clear (&rec_opts);
      return nd_cli_fail (2, "%s", error->message);
    }
  int status = run_fit (argc, argv, out_dir, validate, seed, iterations, restarts, max_dt, warm_start, &rec_opts);
  nd_cli_recording_options_clear (&rec_opts);
  return status;
}

static int
run_fit (int argc, char **argv, const char *out_dir, const char *validate, gint64 seed, int iterations,
         int restarts, double max_dt, gboolean warm_start, const NdCliRecordingOptions *rec_opts)
{
  g_autoptr (GError) error = NULL;
  if (argc != 3 || !out_dir)
    return nd_cli_fail (2, _("usage: neurode-cli fit MODEL.json REC.csv --out DIR [--seed N] [--iterations N] [--validate SWEEPS]"));
  if (iterations < 0 || iterations > 10000000 || restarts < 0 || restarts > 1000 || seed < 0)
    return nd_cli_fail (2, _("--iterations, --restarts and --seed must be positive"));
  if (!(max_dt > 0.0) || max_dt > 1.0)
    return nd_cli_fail (2, _("--dt must be between 0 and 1 ms"));
  g_autoptr (GArray) val_ids = g_array_new (FALSE, FALSE, sizeof (int));
  if (validate && !parse_sweep_list (validate, val_ids))
    return nd_cli_fail (2, _("--validate takes sweep numbers such as 2 or 2,4-5, not “%s”"), validate);

  gboolean weights_given = FALSE;
  nd_model *m = nd_model_file_load (argv[1], &weights_given, &error);
  if (!m)
    return nd_cli_fail (1, "%s", error->message);
  if (warm_start && !weights_given)
    {
      nd_model_free (m);
      return nd_cli_fail (1, _("--warm-start needs a model whose learned channels have weights, such as a fit’s model.json"));
    }
  if (nd_model_n_trainable (m) == 0)
    {
      nd_model_free (m);
      return nd_cli_fail (1, _("%s has nothing to fit: add a “learned” channel or set “fit_gbar”/“fit_e_rev”"), argv[1]);
    }
  NdRecording *rec = nd_cli_load_recording (argv[2], rec_opts);
  if (!rec)
    {
      nd_model_free (m);
      return 1;
    }
  NdFitData *data = nd_fit_data_from_recording (rec, m, max_dt, (const int *) val_ids->data,
                                                 (int) val_ids->len, &error);
  int status = 0;
  if (!data)
    status = nd_cli_fail (1, "%s", error->message);
  g_autofree char *model_path = NULL, *kin_path = NULL, *loss_path = NULL;
  g_autoptr (GString) kin = NULL;
  g_autoptr (GString) loss = NULL;
  if (status != 0)
    goto out;
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      status = nd_cli_fail (1, _("cannot create the folder “%s”: %s"), out_dir, g_strerror (errno));
      goto out;
    }

  nd_fit_options opt;
  nd_fit_options_default (&opt);
  opt.warm_start = warm_start;
  opt.seed = (uint64_t) seed;
  if (iterations > 0)
    opt.iterations = iterations;
  /* 0 lets the fit choose from the recording's noise and the validation
   * sweeps (fit.h), with extra restarts after a miss. */
  opt.restarts = restarts;
  opt.progress_interval_s = 1.0;
  nd_fit_result res;
  gint64 t0 = g_get_monotonic_time ();
  nd_fit (m, data->train, data->n_train, data->val, data->n_val, &opt, NULL, on_progress, NULL, &res);
  fprintf (stderr, _("fitted in %.1f s: training RMSE %.3f mV, validation RMSE %.3f mV (restart %d)\n"),
           (g_get_monotonic_time () - t0) / 1e6, sqrt (res.train_loss), sqrt (res.best_val_loss),
           res.best_restart + 1);

  model_path = g_build_filename (out_dir, "model.json", NULL);
  kin_path = g_build_filename (out_dir, "kinetics.csv", NULL);
  loss_path = g_build_filename (out_dir, "loss.csv", NULL);
  kin = g_string_new (NULL);
  nd_model_kinetics_csv (m, kin);
  loss = g_string_new ("iteration,train_loss,val_loss\n");
  for (int i = 0; i < res.n_history; i++)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (a, sizeof a, "%.9g", res.history_train[i]);
      g_ascii_formatd (b, sizeof b, "%.9g", res.history_val[i]);
      g_string_append_printf (loss, "%d,%s,%s\n", i + 1, a, b);
    }
  nd_fit_result_clear (&res);
  if (!nd_model_file_save (m, model_path, &error)
      || !g_file_set_contents (kin_path, kin->str, (gssize) kin->len, &error)
      || !g_file_set_contents (loss_path, loss->str, (gssize) loss->len, &error))
    status = nd_cli_fail (1, "%s", error->message);

out:
  nd_fit_data_free (data);
  nd_recording_free (rec);
  nd_model_free (m);
  return status;
}
