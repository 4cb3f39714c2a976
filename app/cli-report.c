/* cli-report.c: report.csv of neurode-cli fit and score.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli-report.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cli-recording.h"
#include "sweep-score.h"

static void
append_number (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (isfinite (v))
    {
      g_ascii_formatd (buf, sizeof buf, "%.4f", v);
      g_string_append (s, buf);
    }
}

static nd_sweep_score
report_sweep (nd_model *m, const nd_fit_sweep *sw, int id, const char *role, GString *csv, FILE *table)
{
  nd_sweep_score sc;
  nd_sweep_score_model (m, sw, NULL, &sc);
  g_string_append_printf (csv, "%d,%s,%d,%d,", id, role, sc.spikes_recorded, sc.spikes_model);
  append_number (csv, sc.first_spike_shift_ms);
  g_string_append_c (csv, ',');
  append_number (csv, sc.subthreshold_rmse_mV);
  g_string_append_c (csv, ',');
  append_number (csv, sc.rmse_mV);
  g_string_append_c (csv, '\n');
  if (!table)
    return sc;
  char shift[32] = "–";
  if (isfinite (sc.first_spike_shift_ms))
    g_snprintf (shift, sizeof shift, "%+.1f", sc.first_spike_shift_ms);
  /* Padded by characters: the dash of a missing shift is two bytes. */
  int pad = 22 - (int) g_utf8_strlen (shift, -1);
  fprintf (table, "%-5d  %-9s  %-16d  %-13d  %s%*s  %-22.2f  %-9.2f\n", id, role, sc.spikes_recorded,
           sc.spikes_model, shift, pad > 0 ? pad : 0, "", sc.subthreshold_rmse_mV, sc.rmse_mV);
  return sc;
}

/* The report in words: spike counts, subthreshold error and the first
 * sweep with a spike, on the validation sweeps (the training sweeps when
 * there are none). */
static void
print_summary (const nd_sweep_score *sc, const int *ids, int n, gboolean validation, double cell_repeat_mV, FILE *out)
{
  nd_sweep_summary s;
  nd_sweep_summary_compute (sc, ids, n, &s);
  fprintf (out,
           validation ? _("Spike counts agree (within one spike or 20 %%) on %d of %d validation sweeps; median "
                          "subthreshold RMSE %.1f mV.\n")
                      : _("Spike counts agree (within one spike or 20 %%) on %d of %d training sweeps; median "
                          "subthreshold RMSE %.1f mV.\n"),
           s.n_agree, s.n, s.median_sub_mV);
  if (isfinite (cell_repeat_mV))
    fprintf (out, _("The cell itself differs by %.1f mV from sweep to sweep below threshold where the current is the "
                    "same: a model that behaved exactly as the cell would be as far off.\n"), cell_repeat_mV);
  if (s.worst >= 0)
    fprintf (out, _("Sweep %d: the model fires %d spikes where the recording has %d.\n"), ids[s.worst],
             sc[s.worst].spikes_model, sc[s.worst].spikes_recorded);
  if (s.first_spiking_recorded != s.first_spiking_model)
    {
      if (s.first_spiking_model < 0)
        fprintf (out, _("The model fires on none of these sweeps; the recording from sweep %d on.\n"),
                 s.first_spiking_recorded);
      else if (s.first_spiking_recorded < 0)
        fprintf (out, _("The model fires from sweep %d on; the recording on none of these sweeps.\n"),
                 s.first_spiking_model);
      else
        fprintf (out, _("The model fires from sweep %d on, the recording from sweep %d on.\n"),
                 s.first_spiking_model, s.first_spiking_recorded);
    }
}

/* Voltage clamp: the current's figures per sweep (sweep-score.h). */
static nd_sweep_score
report_clamp_sweep (nd_model *m, const nd_fit_sweep *sw, int id, const char *role, GString *csv, FILE *table)
{
  nd_sweep_score sc;
  nd_sweep_score_model (m, sw, NULL, &sc);
  g_string_append_printf (csv, "%d,%s,", id, role);
  append_number (csv, sc.rmse_pA);
  g_string_append_c (csv, ',');
  append_number (csv, sc.peak_pA);
  g_string_append_c (csv, ',');
  append_number (csv, sc.peak_model_pA);
  g_string_append_c (csv, ',');
  append_number (csv, 100.0 * sc.peak_error);
  g_string_append_c (csv, '\n');
  if (table)
    fprintf (table, "%-5d  %-9s  %-10.1f  %-12.1f  %-17.1f  %+.1f\n", id, role, sc.rmse_pA, sc.peak_pA,
             sc.peak_model_pA, 100.0 * sc.peak_error);
  return sc;
}

typedef nd_sweep_score (*ReportSweep) (nd_model *m, const nd_fit_sweep *sw, int id, const char *role, GString *csv,
                                       FILE *table);

/* Column titles, each padded to its column (their widths in characters, not bytes). */
static void
print_titles (FILE *table, const char *const *titles, const int *widths, int n)
{
  for (int i = 0; i < n; i++)
    {
      long pad = widths[i] - g_utf8_strlen (titles[i], -1);
      fprintf (table, "%s%s%*s", i ? "  " : "", titles[i], (int) (pad > 0 ? pad : 0), "");
    }
  fputc ('\n', table);
}

/* Every sweep in the recording's order, whatever its role; tr and va get the scores in the data's order. */
static void
report_sweeps (nd_model *m, const NdFitData *d, ReportSweep report, nd_sweep_score *tr, nd_sweep_score *va,
               GString *csv, FILE *table)
{
  for (int id = 0; id < d->n_sweeps; id++)
    {
      for (int k = 0; k < d->n_train; k++)
        if (d->train_sweeps[k] == id)
          tr[k] = report (m, &d->train[k], id, "train", csv, table);
      for (int k = 0; k < d->n_val; k++)
        if (d->val_sweeps[k] == id)
          va[k] = report (m, &d->val[k], id, "validate", csv, table);
    }
}

static GString *
clamp_report (nd_model *m, const NdFitData *d, FILE *table)
{
  GString *csv = g_string_new ("sweep,role,rmse_pA,peak_pA,peak_model_pA,peak_error_percent\n");
  if (table)
    {
      const char *titles[] = { _("sweep"), _("role"), _("RMSE, pA"), _("peak, pA"), _("model’s peak, pA"),
                               _("peak error, %") };
      const int widths[] = { 5, 9, 10, 12, 17, 0 };
      print_titles (table, titles, widths, G_N_ELEMENTS (titles));
    }
  g_autofree nd_sweep_score *tr = g_new0 (nd_sweep_score, d->n_train + 1);
  g_autofree nd_sweep_score *va = g_new0 (nd_sweep_score, d->n_val + 1);
  report_sweeps (m, d, report_clamp_sweep, tr, va, csv, table);
  /* In words, on the validation sweeps (else the training sweeps) whose
   * peak is at least a tenth of the largest: the peak of a smaller current
   * is mostly the recording's noise. */
  const gboolean any_val = d->n_val > 0;
  const nd_sweep_score *sc = any_val ? va : tr;
  const int n = any_val ? d->n_val : d->n_train;
  double largest = 0.0, worst = 0.0;
  int counted = 0;
  for (int k = 0; k < n; k++)
    largest = fmax (largest, isfinite (sc[k].peak_pA) ? fabs (sc[k].peak_pA) : 0.0);
  for (int k = 0; k < n; k++)
    if (isfinite (sc[k].peak_error) && fabs (sc[k].peak_pA) >= 0.1 * largest)
      worst = fmax (worst, fabs (sc[k].peak_error)), counted++;
  if (table && counted > 0)
    fprintf (table, any_val ? _("The model’s peak current is within %.1f %% of the recording’s on every validation "
                                "sweep whose peak is at least a tenth of the largest.\n")
                            : _("The model’s peak current is within %.1f %% of the recording’s on every training "
                                "sweep whose peak is at least a tenth of the largest.\n"),
             100.0 * worst);
  return csv;
}

GString *
nd_cli_report (nd_model *m, const NdFitData *d, double cell_repeat_mV, FILE *table)
{
  if (d->voltage_clamp)
    return clamp_report (m, d, table);
  GString *csv = g_string_new ("sweep,role,spikes_recorded,spikes_model,first_spike_shift_ms,"
                               "subthreshold_rmse_mV,rmse_mV\n");
  if (table)
    {
      const char *titles[] = { _("sweep"), _("role"), _("spikes recorded"), _("spikes model"),
                               _("first spike shift, ms"), _("subthreshold RMSE, mV"), _("RMSE, mV") };
      const int widths[] = { 5, 9, 16, 13, 22, 22, 9 };
      print_titles (table, titles, widths, G_N_ELEMENTS (titles));
    }
  g_autofree nd_sweep_score *tr = g_new0 (nd_sweep_score, d->n_train + 1);
  g_autofree nd_sweep_score *va = g_new0 (nd_sweep_score, d->n_val + 1);
  report_sweeps (m, d, report_sweep, tr, va, csv, table);
  if (table)
    {
      if (d->n_val > 0)
        print_summary (va, d->val_sweeps, d->n_val, TRUE, cell_repeat_mV, table);
      else
        print_summary (tr, d->train_sweeps, d->n_train, FALSE, cell_repeat_mV, table);
    }
  return csv;
}
