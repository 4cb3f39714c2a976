/* cli-passive.c: `neurode-cli passive REC [--json]`, a cell's properties from its current steps.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON keys are a contract (scripts and other subcommands read them):
 * v_rest_mV, r_in_MOhm, tau_m_ms, c_m_pF, area_um2, sag_ratio, rheobase_pA,
 * baseline_lo_mV, baseline_hi_mV, rest_unusual (outside where living neurons rest),
 * repeat_rmse_mV and repeat_pairs (the cell against its next sweep where both get the same
 * current, engine/cell-repeat.h), passive_fit_r2 (a recording whose current is no step: the fraction of
 * the voltage a passive membrane fitted to it explains, engine/cell-rc.h; null for steps), resonance_Hz and
 * resonance_q (a sine sweep: the resonance frequency, 0 for none, and Q, engine/impedance.h; else null) and
 * sweeps [{sweep, stimulus_pA, baseline_mV, spikes, spike_times_ms}], sweeps numbered from
 * 0 as everywhere on the command line; a value that could not be measured is
 * null. The methods are in engine/cell-props.h.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

#include "cell-recording.h"
#include "cli.h"
#include "cli-recording.h"
#include "json-output.h"

static void
print_json (const nd_cell_props *p)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  nd_json_add_number_or_null (b, "v_rest_mV", p->v_rest_mV);
  nd_json_add_number_or_null (b, "r_in_MOhm", p->r_in_MOhm);
  nd_json_add_number_or_null (b, "tau_m_ms", p->tau_m_ms);
  nd_json_add_number_or_null (b, "c_m_pF", p->c_m_pF);
  nd_json_add_number_or_null (b, "area_um2", p->area_um2);
  nd_json_add_number_or_null (b, "sag_ratio", p->sag_ratio);
  nd_json_add_number_or_null (b, "rheobase_pA", p->rheobase_pA);
  /* The sweeps' lowest and highest baseline (apart when the cell drifts between sweeps). */
  nd_json_add_number_or_null (b, "baseline_lo_mV", p->v_base_lo_mV);
  nd_json_add_number_or_null (b, "baseline_hi_mV", p->v_base_hi_mV);
  json_builder_set_member_name (b, "rest_unusual");
  json_builder_add_boolean_value (b, nd_cell_props_rest_unusual (p));
  nd_json_add_number_or_null (b, "repeat_rmse_mV", p->repeat_rmse_mV);
  /* Not a step protocol: R_in and tau_m from a passive membrane fitted to every sweep, which explains this
   * fraction of the voltage; null for steps. */
  nd_json_add_number_or_null (b, "passive_fit_r2", p->rc_fit ? p->rc_r2 : NAN);
  /* A sine sweep (engine/impedance.h): the resonance frequency (0: none) and Q; null otherwise. */
  nd_json_add_number_or_null (b, "resonance_Hz", p->resonance_Hz);
  nd_json_add_number_or_null (b, "resonance_q", p->resonance_q);
  json_builder_set_member_name (b, "repeat_pairs");
  json_builder_add_int_value (b, p->repeat_pairs);
  json_builder_set_member_name (b, "sweeps");
  json_builder_begin_array (b);
  for (int s = 0; s < p->n_sweeps; s++)
    {
      const nd_cell_sweep_props *sw = &p->sweeps[s];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sweep");
      json_builder_add_int_value (b, s);
      nd_json_add_number_or_null (b, "stimulus_pA", sw->stimulus_pA);
      nd_json_add_number_or_null (b, "baseline_mV", sw->baseline_mV);
      json_builder_set_member_name (b, "spikes");
      json_builder_add_int_value (b, (gint64) sw->n_spikes);
      json_builder_set_member_name (b, "spike_times_ms");
      json_builder_begin_array (b);
      for (size_t k = 0; k < sw->n_spikes; k++)
        json_builder_add_double_value (b, sw->spike_times_ms[k]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  nd_cli_print_json (b);
}

/* "12.3 unit", or "–" when not measured. */
static char *
value (double v, const char *format, const char *unit)
{
  if (!isfinite (v))
    return g_strdup ("–");
  g_autofree char *num = g_strdup_printf (format, v);
  return unit[0] ? g_strdup_printf ("%s %s", num, unit) : g_steal_pointer (&num);
}

static void
print_row (const char *title, char *text, const char *note)
{
  /* Titles are padded by characters, not bytes (translations have accents). */
  glong pad = 26 - g_utf8_strlen (title, -1);
  printf ("  %s%*s %s%s%s\n", title, (int) MAX (pad, 1), "", text, note ? "  " : "", note ? note : "");
  g_free (text);
}

static void
print_text (const NdRecording *rec, const nd_cell_props *p, double cm)
{
  g_autofree char *base = g_path_get_basename (nd_recording_path (rec));
  if (p->rc_fit)
    printf (_("Cell properties of %s (its current is no step: a passive membrane fitted to every sweep "
              "explains %.0f %% of the voltage)\n"), base, 100.0 * p->rc_r2);
  else
    printf (_("Cell properties of %s (current step from %.1f to %.1f ms)\n"), base, p->step_start_ms,
            p->step_end_ms);
  print_row (_("Resting potential"), value (p->v_rest_mV, "%.1f", "mV"),
             nd_recording_get_ljp (rec) != 0.0 ? _("(corrected for the liquid-junction potential)") : NULL);
  if (nd_cell_props_rest_unusual (p))
    printf (_("  (living neurons rest between %.0f and %.0f mV: check the amplifier's offset and the junction-potential "
              "correction, or whether this is a model cell)\n"), ND_CELL_REST_MIN_MV, ND_CELL_REST_MAX_MV);
  if (nd_cell_props_baseline_drifts (p))
    {
      /* Translators: the sweeps' lowest and highest baseline, e.g. "-61.0 to -41.0 mV". */
      g_autofree char *range = g_strdup_printf (_("%.1f to %.1f mV"), p->v_base_lo_mV, p->v_base_hi_mV);
      print_row (_("Sweeps start from"), g_strdup (range),
                 _("(the cell changed between sweeps; a model starts each from the same rest)"));
    }
  g_autofree char *n_steps = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "(from %d hyperpolarising step)",
                                                           "(from %d hyperpolarising steps)", p->n_r_in_steps),
                                              p->n_r_in_steps);
  print_row (_("Input resistance"), value (p->r_in_MOhm, "%.0f", "MΩ"),
             p->rc_fit ? _("(a passive membrane fitted to every sweep)") : n_steps);
  print_row (_("Membrane time constant"), value (p->tau_m_ms, "%.1f", "ms"), NULL);
  print_row (_("Capacitance"), value (p->c_m_pF, "%.0f", "pF"),
             !isfinite (p->c_m_pF) ? NULL : p->c_known ? _("(given, or reported by the amplifier)")
                                                       : _("(time constant / input resistance)"));
  g_autofree char *at = g_strdup_printf (_("(at %g µF/cm²)"), cm);
  print_row (_("Membrane area"), value (p->area_um2, "%.0f", "µm²"), at);
  print_row (_("Sag ratio"), value (p->sag_ratio, "%.2f", ""), p->sag_sweep >= 0 ? _("(most hyperpolarising step)") : NULL);
  g_autofree char *pairs = NULL;
  if (p->repeat_pairs > 0)
    /* Translators: how many pairs of neighbouring sweeps, and the smallest and largest pair's figure. */
    pairs = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "(median of %d pair of sweeps, %.1f to %.1f mV; spikes cut out)",
                                          "(median of %d pairs of sweeps, %.1f to %.1f mV; spikes cut out)",
                                          p->repeat_pairs),
                             p->repeat_pairs, p->repeat_lo_mV, p->repeat_hi_mV);
  print_row (_("Sweep to sweep"), value (p->repeat_rmse_mV, "%.1f", "mV"), pairs);
  if (isfinite (p->resonance_Hz))
    {
      /* Translators: the impedance of a cell at the lowest and highest frequency of a sine sweep. */
      g_autofree char *z = g_strdup_printf (_("(impedance %.0f MΩ at %.1f Hz, %.0f MΩ at %.1f Hz)"), p->z_lo_MOhm,
                                            p->z_lo_Hz, p->z_hi_MOhm, p->z_hi_Hz);
      print_row (_("Resonance"), p->resonance_Hz > 0.0 ? g_strdup_printf (_("%.1f Hz, Q %.2f"), p->resonance_Hz,
                                                                           p->resonance_q)
                                                       : g_strdup (C_("resonance", "none")), z);
    }
  g_autofree char *rh_sweep = p->rheobase_sweep >= 0 ? g_strdup_printf (_("(sweep %d)"), p->rheobase_sweep) : NULL;
  print_row (_("Rheobase"), value (p->rheobase_pA, "%.0f", "pA"), rh_sweep);
  printf ("\n%s\n", _("Sweep   Step (pA)   Spikes   Spike times (ms)"));
  for (int s = 0; s < p->n_sweeps; s++)
    {
      const nd_cell_sweep_props *sw = &p->sweeps[s];
      g_autoptr (GString) times = g_string_new (NULL);
      for (size_t k = 0; k < sw->n_spikes && k < 12; k++)
        g_string_append_printf (times, "%s%.1f", k ? " " : "", sw->spike_times_ms[k]);
      if (sw->n_spikes > 12)
        g_string_append (times, " …");
      g_autofree char *step = isfinite (sw->stimulus_pA) ? g_strdup_printf ("%9.1f", sw->stimulus_pA)
                                                          : g_strdup ("        –");
      printf ("%5d   %s   %6zu   %s\n", s, step, sw->n_spikes, times->str);
    }
}

int
nd_cli_passive (int argc, char **argv)
{
  gboolean json = FALSE;
  double cm = 1.0, capacitance = 0.0;
  NdCliRecordingOptions ro;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { "cm", 0, 0, G_OPTION_ARG_DOUBLE, &cm,
      N_("Specific membrane capacitance in µF/cm² for the membrane area (default 1.0)"), N_("UF") },
    { "capacitance", 0, 0, G_OPTION_ARG_DOUBLE, &capacitance,
      N_("A membrane capacitance you know, in pF (default: the amplifier’s, else time constant / input resistance)"),
      N_("PF") },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("REC — resting potential, input resistance, time "
                                                           "constant, capacitance, sag, rheobase and spikes"));
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  nd_cli_recording_add_options (ctx, &ro);
  nd_cli_recording_add_ljp_option (ctx, &ro);
  g_option_context_set_summary (ctx, _("Measured from a current-clamp step protocol: the input resistance from "
                                       "the hyperpolarising steps, the time constant from their charging curves."));
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      nd_cli_recording_options_clear (&ro);
      return nd_cli_fail (2, "%s", error->message);
    }
  if (argc != 2)
    {
      nd_cli_recording_options_clear (&ro);
      return nd_cli_fail (2, _("passive needs exactly one recording file; see “neurode-cli passive --help”"));
    }
  if (!(cm > 0.0) || cm > 100.0 || !(capacitance >= 0.0) || capacitance > 1e6)
    {
      nd_cli_recording_options_clear (&ro);
      return nd_cli_fail (2, _("--cm must be a positive µF/cm² and --capacitance a positive pF"));
    }
  NdRecording *rec = nd_cli_load_recording (argv[1], &ro);
  nd_cli_recording_options_clear (&ro);
  if (!rec)
    return 1;
  nd_cell_props p;
  int status = 0;
  if (!nd_cell_props_from_recording (rec, cm, capacitance > 0.0 ? capacitance : NAN, NAN, &p, &error))
    status = nd_cli_fail (1, "%s", error->message);
  else if (json)
    print_json (&p);
  else
    print_text (rec, &p, cm);
  nd_cell_props_clear (&p);
  nd_recording_free (rec);
  return status;
}
