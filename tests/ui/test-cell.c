/* test-cell.c: the Recording view's Cell card, sweep labels and sweep roles on a real recording, under Xvfb.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens File_axon_5.abf through the window and checks what the card shows against the hand calculation
 * of tests/tools/passive-by-hand.py (resting potential -72.55 mV, input resistance 155.2 MOhm, 63 % times
 * 48.1 and 65.5 ms, rheobase 200 pA), the fitted charging curve over its sweep, the sweep labels, the
 * default split, roles for several sweeps at once, the liquid-junction potential and a known
 * capacitance (both saved in the project), then a voltage-clamp file. Screenshots at 1280x800 and
 * 800x600 go to ND_TEST_OUTPUT.
 *
 * Usage: test-cell [LANGUAGE LOCALEDIR [LOCPATH LOCALE]]: the same in another language (screenshots
 * named cell-LANGUAGE-*), with its compiled catalogue and optionally its own locale (decimal comma).
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "nd-cell-card.h"
#include "nd-project.h"
#include "nd-recording-view.h"
#include "nd-test-ui.h"
#include "nd-text.h"
#include "nd-window.h"

static NdApplication *app;
static NdWindow *window;
static char *out_dir;
static const char *language = "en";

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static void
activate (const char *action, GVariant *param)
{
  nd_test_ui_activate (GTK_WIDGET (window), action, param);
}

static NdRecordingView *
recording_view (void)
{
  return ND_RECORDING_VIEW (nd_window_get_view_widget (window, "recording"));
}

static NdCellCard *
card (void)
{
  NdCellCard *c = ND_CELL_CARD (nd_test_ui_find_type (GTK_WIDGET (recording_view ()), ND_TYPE_CELL_CARD));
  g_assert_nonnull (c);
  return c;
}

/* "−72,5 mV" or "−72.5 mV" -> -72.5 (the locale may write a decimal comma; a true minus sign). */
static double
shown_number (const char *which)
{
  const char *text = nd_cell_card_get_value_text (card (), which);
  g_assert_nonnull (text);
  g_autofree char *t = g_str_has_prefix (text, "\u2212") ? g_strconcat ("-", text + 3, NULL) : g_strdup (text);
  g_strdelimit (t, ",", '.');
  char *end = NULL;
  double v = g_ascii_strtod (t, &end);
  g_assert_true (end != t);
  return v;
}

static void
collect_rows (GtkWidget *w, GPtrArray *rows)
{
  if (ADW_IS_ACTION_ROW (w))
    g_ptr_array_add (rows, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

/* The row of the sweep list titled "Sweep N …" (1-based). */
static AdwActionRow *
sweep_row (guint n)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  collect_rows (GTK_WIDGET (recording_view ()), rows);
  g_autofree char *prefix = g_strdup_printf (tr ("Sweep %u"), n);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *title = adw_preferences_row_get_title (g_ptr_array_index (rows, i));
      if (g_str_has_prefix (title, prefix) && (title[strlen (prefix)] == '\0' || title[strlen (prefix)] == ' ')
          && nd_test_ui_find_type (g_ptr_array_index (rows, i), GTK_TYPE_CHECK_BUTTON))
        return g_ptr_array_index (rows, i);
    }
  g_error ("no row for sweep %u", n);
  return NULL;
}

static char *
shot (const char *what)
{
  g_autofree char *name = g_str_equal (language, "en") ? g_strdup_printf ("cell-%s", what)
                                                        : g_strdup_printf ("cell-%s-%s", language, what);
  return nd_test_ui_screenshot (GTK_WIDGET (window), name);
}

/* The charging-curve series of the voltage plot (a dashed line labelled with its time constant): its
 * points, or 0 when there is none. */
static gsize
charge_series (const double **x, const double **y)
{
  const nd_cell_props *p = nd_cell_card_get_props (card ());
  if (!p || p->charge.sweep < 0)
    return 0;
  g_autofree char *want = g_strdup_printf (tr ("Charging curve, τ = %.1f ms"), p->charge.tau_ms);
  NdPlotModel *pm = nd_plot_get_model (nd_recording_view_get_trace_plot (recording_view ()));
  for (guint i = 0; i < nd_plot_model_get_n_series (pm); i++)
    {
      const char *label;
      NdPlotStyle style;
      gsize n = nd_plot_model_get_series (pm, i, x, y, NULL, &style, &label, NULL);
      if (label && g_str_equal (label, want) && n > 0)
        {
          g_assert_cmpint (style, ==, ND_PLOT_DASHED);
          return n;
        }
    }
  return 0;
}

/* The labels' numbers take a true minus sign; hyphens in words and ranges stay. */
static void
test_minus_sign (void)
{
  static const char *const cases[][2] = {
    { "-60 pA", "\u221260 pA" }, { "step to -50 mV", "step to \u221250 mV" }, { "+20 pA", "+20 pA" },
    { "K-type 3-4 a-1", "K-type 3-4 a-1" }, { "(-.5)", "(\u2212.5)" }, { "-", "-" }, { "", "" },
    { "1e-05 mS", "1e\u221205 mS" }, { "V-Nullkline, -2.5e-3", "V-Nullkline, \u22122.5e\u22123" }, { "Kv1-3e", "Kv1-3e" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = nd_text_minus (g_strdup (cases[i][0]));
      g_assert_cmpstr (got, ==, cases[i][1]);
    }
  g_assert_null (nd_text_minus (NULL));
  g_autofree char *printed = nd_text_printf ("%+.0f pA, %.0f mV", -60.0, -72.0);   /* no decimals: the locale's point */
  g_assert_cmpstr (printed, ==, "\u221260 pA, \u221272 mV");
}

static void
test_card_values (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "File_axon_5.abf", NULL);
  activate ("win.open-file", g_variant_new_string (path));
  nd_test_ui_spin (300);
  g_assert_cmpstr (nd_window_get_view (window), ==, "recording");
  NdCellCard *c = card ();
  g_assert_null (nd_cell_card_get_problem (c));
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (c)), ==, tr ("Cell"));
  /* Against the hand calculation (tests/tools/passive-by-hand.py). */
  g_assert_cmpfloat (fabs (shown_number ("rest") - -72.55), <=, 1.0);
  g_assert_cmpfloat (fabs (shown_number ("r_in") - 155.2), <=, 15.52);
  g_assert_cmpfloat (shown_number ("tau"), >=, 48.1 * 0.9);
  g_assert_cmpfloat (shown_number ("tau"), <=, 65.5 * 1.1);
  g_assert_cmpfloat (shown_number ("rheobase"), ==, 200.0);
  g_assert_cmpfloat (shown_number ("sag"), >=, 0.0);
  g_assert_cmpfloat (shown_number ("sag"), <, 0.2);
  /* Capacitance = tau / R, area = C / 1 uF/cm2, as shown (rounded). */
  double tau = shown_number ("tau"), r = shown_number ("r_in"), cap = shown_number ("c_m");
  g_assert_cmpfloat (fabs (cap - tau / r * 1000.0), <=, 0.01 * cap);
  g_assert_cmpfloat (fabs (shown_number ("area") - 100.0 * cap), <=, 0.01 * 100.0 * cap);
  g_assert_true (g_str_has_suffix (nd_cell_card_get_value_text (c, "r_in"), " MΩ"));
  /* Its sweeps start within 2.8 mV of each other: no note that the cell changed between them. */
  g_assert_cmpstr (nd_cell_card_get_note (c, "rest"), ==, "");
  /* A step protocol says nothing of resonance. */
  g_assert_cmpstr (nd_cell_card_get_value_text (c, "resonance"), ==, "–");
  /* Sweep to sweep: the hand's 0.96 mV (8 pairs), and what it is the median of. */
  g_assert_cmpfloat (fabs (shown_number ("repeat") - 0.96), <=, 0.1);
  g_autofree char *pairs = nd_text_printf (g_dngettext (GETTEXT_PACKAGE, "Where the current is the same (%d pair of sweeps)",
                                                        "Where the current is the same (median of %d pairs of sweeps)", 8), 8);
  g_assert_cmpstr (nd_cell_card_get_note (c, "repeat"), ==, pairs);
  g_assert_true (g_str_has_suffix (nd_cell_card_get_value_text (c, "area"), " µm²"));

  /* The fitted charging curve lies over its (hyperpolarising) sweep, inside the step, in mV. */
  const nd_cell_props *p = nd_cell_card_get_props (c);
  g_assert_cmpint (p->charge.sweep, >=, 0);
  g_assert_cmpfloat (p->sweeps[p->charge.sweep].stimulus_pA, <, 0.0);
  const double *x, *y;
  gsize n = charge_series (&x, &y);
  g_assert_cmpuint (n, >, 10);
  g_assert_cmpfloat (x[0], >=, 215.0);
  g_assert_cmpfloat (x[n - 1], <=, 716.0);
  NdRecording *rec = nd_project_get_recording (nd_window_get_project (window));
  NdSweepTrace tr_;
  g_assert_true (nd_recording_get_cc_sweep (rec, (guint) p->charge.sweep, &tr_, NULL));
  /* Within the recording's noise (a few mV) of the sweep's 1 ms mean at the curve's end. */
  gsize j = (gsize) lround (x[n - 1] / 0.05);
  double mean = 0.0;
  for (gsize k = j - 10; k <= j + 10; k++)
    mean += tr_.v_mV[k] / 21.0;
  g_assert_cmpfloat (fabs (y[n - 1] - mean), <, 3.0);
  nd_sweep_trace_clear (&tr_);
  /* Shown alone, its sweep keeps the curve; another sweep has none. */
  nd_recording_view_show_sweep (recording_view (), p->charge.sweep);
  g_assert_cmpuint (charge_series (&x, &y), >, 10);
  nd_recording_view_show_sweep (recording_view (), 5);
  g_assert_cmpuint (charge_series (&x, &y), ==, 0);
  nd_recording_view_show_sweep (recording_view (), -1);

  /* Sweep labels say the step and the spikes. */
  g_autofree char *spikes0 = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u spike", "%u spikes", 0), 0u);
  g_autofree char *spikes2 = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u spike", "%u spikes", 2), 2u);
  g_autofree char *sweep1 = g_strdup_printf (tr ("Sweep %u"), 1), *sweep7 = g_strdup_printf (tr ("Sweep %u"), 7);
  g_autofree char *s1 = g_strdup_printf ("%s · \u2212100 pA · %s", sweep1, spikes0);
  g_autofree char *s7 = g_strdup_printf ("%s · +200 pA · %s", sweep7, spikes2);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (sweep_row (1))), ==, s1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (sweep_row (7))), ==, s7);

  /* The default split of a step protocol: the most hyperpolarising, the rheobase and the strongest step. */
  NdProject *proj = nd_window_get_project (window);
  for (guint s = 0; s < 9; s++)
    g_assert_cmpint (nd_project_get_sweep_role (proj, s), ==,
                     s == 0 || s == 6 || s == 8 ? ND_SWEEP_TRAIN : ND_SWEEP_VALIDATE);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  nd_test_ui_spin (500);
  g_autofree char *big = shot ("recording");
  g_assert_cmpfloat (nd_test_ui_png_ink (big), >, 0.05);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  nd_test_ui_spin (500);
  g_autofree char *small = shot ("recording-800x600");
  g_assert_cmpfloat (nd_test_ui_png_ink (small), >, 0.05);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  nd_test_ui_spin (300);
}

static void
test_roles (void)
{
  NdProject *proj = nd_window_get_project (window);
  NdRecordingView *rv = recording_view ();
  /* Nothing ticked: the role action is off and does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (rv), "sweeps.set-role", "s", "ignore");
  for (guint s = 0; s < 9; s++)
    g_assert_cmpint (nd_project_get_sweep_role (proj, s), !=, ND_SWEEP_IGNORE);
  for (guint n = 2; n <= 4; n++)
    gtk_check_button_set_active (
        GTK_CHECK_BUTTON (nd_test_ui_find_type (GTK_WIDGET (sweep_row (n)), GTK_TYPE_CHECK_BUTTON)), TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rv), "sweeps.set-role", "s", "ignore"));
  for (guint s = 1; s <= 3; s++)
    g_assert_cmpint (nd_project_get_sweep_role (proj, s), ==, ND_SWEEP_IGNORE);
  g_assert_cmpint (nd_project_get_sweep_role (proj, 0), ==, ND_SWEEP_TRAIN);
  g_assert_cmpint (nd_project_get_sweep_role (proj, 4), ==, ND_SWEEP_VALIDATE);
  /* Each row's own role menu follows. */
  GtkDropDown *drop = GTK_DROP_DOWN (nd_test_ui_find_type (GTK_WIDGET (sweep_row (3)), GTK_TYPE_DROP_DOWN));
  g_assert_cmpuint (gtk_drop_down_get_selected (drop), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rv), "sweeps.set-role", "s", "train"));
  g_assert_cmpint (nd_project_get_sweep_role (proj, 2), ==, ND_SWEEP_TRAIN);
  g_assert_cmpuint (gtk_drop_down_get_selected (drop), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rv), "sweeps.select-all", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rv), "sweeps.set-role", "s", "validate"));
  for (guint s = 0; s < 9; s++)
    g_assert_cmpint (nd_project_get_sweep_role (proj, s), ==, ND_SWEEP_VALIDATE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rv), "sweeps.select-none", NULL));
  gtk_widget_activate_action (GTK_WIDGET (rv), "sweeps.set-role", "s", "ignore");
  g_assert_cmpint (nd_project_get_sweep_role (proj, 0), ==, ND_SWEEP_VALIDATE);
  /* Back to the default split. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (rv), "sweeps.default-split", NULL));
  for (guint s = 0; s < 9; s++)
    g_assert_cmpint (nd_project_get_sweep_role (proj, s), ==,
                     s == 0 || s == 6 || s == 8 ? ND_SWEEP_TRAIN : ND_SWEEP_VALIDATE);
}

static GtkSpinButton *
ljp_spin (void)
{
  /* The card's only spin button. */
  GtkSpinButton *spin = GTK_SPIN_BUTTON (nd_test_ui_find_type (GTK_WIDGET (card ()), GTK_TYPE_SPIN_BUTTON));
  g_assert_nonnull (spin);
  return spin;
}

static GtkEditable *
capacitance_entry (void)
{
  GtkWidget *e = nd_test_ui_find_type (GTK_WIDGET (card ()), GTK_TYPE_ENTRY);
  g_assert_nonnull (e);
  return GTK_EDITABLE (e);
}

static void
test_ljp_and_capacitance (void)
{
  NdProject *proj = nd_window_get_project (window);
  const nd_cell_props *p = nd_cell_card_get_props (card ());
  double rest = p->v_rest_mV, r_in = p->r_in_MOhm;
  const double *x, *y;
  gsize n = charge_series (&x, &y);
  g_assert_cmpuint (n, >, 0);   /* a step recording's charging curve */
  double y_end = y[n - 1];

  /* A liquid-junction potential of +10 mV: the cell (and the fit) see the potential 10 mV lower. */
  gtk_spin_button_set_value (ljp_spin (), 10.0);
  g_assert_cmpfloat (nd_project_get_ljp (proj), ==, 10.0);
  g_assert_cmpfloat (nd_recording_get_ljp (nd_project_get_recording (proj)), ==, 10.0);
  p = nd_cell_card_get_props (card ());
  g_assert_cmpfloat (fabs (p->v_rest_mV - (rest - 10.0)), <, 1e-9);
  g_assert_cmpfloat (fabs (p->r_in_MOhm - r_in), <, 1e-9 * r_in);
  g_assert_cmpfloat (fabs (shown_number ("rest") - (rest - 10.0)), <=, 0.051);
  /* The plot shows the recording as recorded, the curve with it. */
  n = charge_series (&x, &y);
  g_assert_cmpfloat (fabs (y[n - 1] - y_end), <, 1e-6);

  /* A known capacitance replaces the measured one; the implied area becomes the model's on request. */
  gtk_editable_set_text (capacitance_entry (), "50");
  g_assert_cmpfloat (nd_project_get_known_capacitance (proj), ==, 50.0);
  g_assert_cmpfloat (shown_number ("c_m"), ==, 50.0);
  g_assert_cmpfloat (shown_number ("area"), ==, 5000.0);
  gtk_editable_set_text (capacitance_entry (), "62,5");
  g_assert_cmpfloat (nd_project_get_known_capacitance (proj), ==, 62.5);
  /* Not a number: marked, and (the old text cleared first) the measured capacitance is used. */
  gtk_editable_set_text (capacitance_entry (), "lots");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (capacitance_entry ()), "error"));
  g_assert_true (isnan (nd_project_get_known_capacitance (proj)));
  g_assert_false (nd_cell_card_get_props (card ())->c_known);
  gtk_editable_set_text (capacitance_entry (), "50");
  GtkWidget *use = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  collect_rows (GTK_WIDGET (card ()), rows);
  for (guint i = 0; i < rows->len && !use; i++)
    if (g_str_equal (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), tr ("Membrane area")))
      use = nd_test_ui_find_type (g_ptr_array_index (rows, i), GTK_TYPE_BUTTON);
  g_assert_nonnull (use);
  g_signal_emit_by_name (use, "clicked");
  double cm, area, v0, temp;
  nd_project_get_membrane (proj, &cm, &area, &v0, &temp);
  g_assert_cmpfloat (fabs (area - 5000.0), <, 1e-9);
  g_assert_cmpfloat (fabs (nd_project_get_model (proj)->area_um2 - 5000.0), <, 1e-9);

  /* Both are saved with the project and come back with it. */
  g_autofree char *file = g_build_filename (out_dir, "cell.neurode", NULL);
  g_autoptr (GFile) gf = g_file_new_for_path (file);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_save (proj, gf, &error));
  g_assert_no_error (error);
  g_autoptr (NdProject) again = nd_project_new ();
  g_assert_true (nd_project_open (again, gf, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nd_project_get_ljp (again), ==, 10.0);
  g_assert_cmpfloat (nd_recording_get_ljp (nd_project_get_recording (again)), ==, 10.0);
  g_assert_cmpfloat (nd_project_get_known_capacitance (again), ==, 50.0);
  /* ... and the fit's sweeps carry the correction. */
  NdProjectSweeps *sw = nd_project_make_sweeps (again, nd_project_get_model (again), 0.025, &error);
  g_assert_no_error (error);
  NdRecording *raw = nd_recording_load (nd_recording_path (nd_project_get_recording (again)), &error);
  g_autofree double *v = nd_recording_get_sweep (raw, sw->sweep_ids[0], 0, NULL, &error);
  g_assert_cmpfloat (fabs (sw->sweeps[0].v_obs[100] - (v[100] - 10.0)), <, 1e-9);
  nd_recording_free (raw);
  nd_project_free_sweeps (sw);

  /* Empty: measured again. */
  gtk_editable_set_text (capacitance_entry (), "");
  g_assert_true (isnan (nd_project_get_known_capacitance (proj)));
  g_assert_false (nd_cell_card_get_props (card ())->c_known);
  g_free (shot ("known-capacitance"));
  /* The sweep list at the bottom of the side panel. */
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (card ()), ADW_TYPE_PREFERENCES_PAGE);
  GtkScrolledWindow *scroll = GTK_SCROLLED_WINDOW (nd_test_ui_find_type (page, GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroll);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  nd_test_ui_spin (300);
  g_free (shot ("sweeps"));
  gtk_adjustment_set_value (adj, 0.0);
  nd_project_set_dirty (proj, FALSE);
}

static gboolean
is_group_with (GtkWidget *w, gconstpointer text)
{
  const char *d = ADW_IS_PREFERENCES_GROUP (w) ? adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (w)) : NULL;
  return d && strstr (d, text);
}

static void
test_voltage_clamp (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "17o05024_vc_steps.abf", NULL);
  activate ("win.open-file", g_variant_new_string (path));
  nd_test_ui_spin (300);
  NdCellCard *c = card ();
  g_assert_nonnull (nd_cell_card_get_problem (c));
  g_assert_null (nd_cell_card_get_props (c));
  g_assert_cmpstr (nd_cell_card_get_value_text (c, "r_in"), ==, "–");
  /* A new recording starts without a liquid-junction potential or a known capacitance. */
  NdProject *proj = nd_window_get_project (window);
  g_assert_cmpfloat (nd_project_get_ljp (proj), ==, 0.0);
  g_assert_true (isnan (nd_project_get_known_capacitance (proj)));
  g_assert_cmpfloat (gtk_spin_button_get_value (ljp_spin ()), ==, 0.0);
  /* The stimulus group names the protocol with the language's quotation marks (German „…“, not the
   * English ones the engine once added around every name) and its levels with true minus signs. */
  g_autofree char *named = g_strdup_printf (tr ("protocol “%s”"), "0202 IV dual");
  GtkWidget *g = nd_test_ui_find (GTK_WIDGET (window), is_group_with, named);
  g_assert_nonnull (g);
  const char *d = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (g));
  g_test_message ("stimulus: %s", d);
  g_assert_nonnull (strstr (d, "−70 mV"));
  g_assert_null (strstr (d, "-70"));
  g_free (shot ("voltage-clamp"));
  nd_project_set_dirty (proj, FALSE);
}

/* 17o05028's sweeps start from -42.8 mV before its strong steps and sink to -60.9 mV after them (the median
 * before the step, spikes left out; by hand, the mean of each sweep's first 140 ms: -41.0 ... -61.0 mV): the
 * card says so under the resting potential, since no model started from one rest follows it. */
static void
test_baseline_drift (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "17o05028_ic_steps.abf", NULL);
  nd_project_set_dirty (nd_window_get_project (window), FALSE);   /* the roles test's changes: no question */
  activate ("win.open-file", g_variant_new_string (path));
  nd_test_ui_spin (300);
  const nd_cell_props *p = nd_cell_card_get_props (card ());
  g_assert_nonnull (p);
  g_assert_cmpfloat (fabs (p->v_base_lo_mV - -61.0), <=, 1.0);
  g_assert_cmpfloat (fabs (p->v_base_hi_mV - -42.5), <=, 1.5);
  g_assert_true (nd_cell_props_baseline_drifts (p));
  /* The lowest and highest baseline are those of sweeps 16 and 7 (1-based), each within its own sweep's. */
  g_assert_cmpfloat (p->v_base_lo_mV, ==, p->sweeps[15].baseline_mV);
  g_assert_cmpfloat (p->v_base_hi_mV, ==, p->sweeps[6].baseline_mV);
  const char *note = nd_cell_card_get_note (card (), "rest");
  g_test_message ("note: %s", note);
  g_autofree char *want = nd_text_printf (tr ("Sweeps start from %.1f to %.1f mV: the cell changed between sweeps, "
                                              "and a model starts each from the same rest"),
                                          p->v_base_lo_mV, p->v_base_hi_mV);
  g_assert_cmpstr (note, ==, want);
  /* A cell that fires at random between the steps: 4.39 mV from sweep to sweep by hand. */
  g_assert_cmpfloat (fabs (shown_number ("repeat") - 4.39), <=, 0.44);
  g_autofree char *s = shot ("baseline-drift");
  g_test_message ("screenshot: %s", s);
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
}

/* pyABF's 2020_03_02_0000, a model cell at -3.4 mV: the card measures it as any cell and says under the
 * resting potential that no living neuron rests there. */
static void
test_model_cell (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "2020_03_02_0000.abf", NULL);
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
  activate ("win.open-file", g_variant_new_string (path));
  nd_test_ui_spin (300);
  const nd_cell_props *p = nd_cell_card_get_props (card ());
  g_assert_nonnull (p);
  g_assert_true (nd_cell_props_rest_unusual (p));
  const char *note = nd_cell_card_get_note (card (), "rest");
  g_test_message ("note: %s", note);
  g_autofree char *want = nd_text_printf (tr ("Living neurons rest between %.0f and %.0f mV: check the amplifier’s "
                                              "offset and the junction-potential correction, or whether this is a "
                                              "model cell"), ND_CELL_REST_MIN_MV, ND_CELL_REST_MAX_MV);
  g_assert_cmpstr (note, ==, want);
  g_free (shot ("model-cell"));
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
}

/* pyABF's 171116sh_0017, a sine sweep without steps: the card gives R_in and tau from a passive membrane fitted
 * to every sweep (the hand's impedance fit: 158.6 MOhm, 34.6 ms), says so, and has no rheobase or sag. */
static void
test_sine_sweep (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "more", "171116sh_0017.abf", NULL);
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
  activate ("win.open-file", g_variant_new_string (path));
  nd_test_ui_spin (300);
  NdCellCard *c = card ();
  const nd_cell_props *p = nd_cell_card_get_props (c);
  g_assert_nonnull (p);
  g_assert_true (p->rc_fit);
  g_assert_null (nd_cell_card_get_problem (c));
  g_assert_cmpfloat (fabs (shown_number ("r_in") - 158.6), <=, 0.05 * 158.6);
  g_assert_cmpfloat (fabs (shown_number ("tau") - 34.6), <=, 0.05 * 34.6);
  g_assert_cmpstr (nd_cell_card_get_value_text (c, "rheobase"), ==, "–");
  g_assert_cmpstr (nd_cell_card_get_value_text (c, "sag"), ==, "–");
  g_assert_cmpstr (nd_cell_card_get_note (c, "r_in"), ==, tr ("A passive membrane fitted to every sweep"));
  /* Its impedance falls from the slowest cycles on: no resonance, and the impedance at both ends. */
  g_assert_cmpstr (nd_cell_card_get_value_text (c, "resonance"), ==, g_dpgettext2 (GETTEXT_PACKAGE, "resonance", "none"));
  g_autofree char *z = nd_text_printf (tr ("Impedance %.0f MΩ at %.1f Hz, %.0f MΩ at %.1f Hz"), p->z_lo_MOhm,
                                       p->z_lo_Hz, p->z_hi_MOhm, p->z_hi_Hz);
  g_assert_cmpstr (nd_cell_card_get_note (c, "resonance"), ==, z);
  const char *desc = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (c));
  g_test_message ("description: %s", desc);
  g_autofree char *want = g_strdup_printf (tr ("The current is no step: a passive membrane fitted to every sweep gives "
                                               "the input resistance and time constant (it explains %.0f %% of the "
                                               "voltage)."), 100.0 * p->rc_r2);
  g_assert_cmpstr (desc, ==, want);
  g_free (shot ("sine-sweep"));
  nd_project_set_dirty (nd_window_get_project (window), FALSE);
}

int
main (int argc, char **argv)
{
  if (argc >= 3 && argv[1][0] != '-')
    {
      language = argv[1];
      gboolean own_locale = argc >= 5 && argv[3][0] != '-';
      if (own_locale)
        {
          g_setenv ("LOCPATH", argv[3], TRUE);
          g_setenv ("LC_ALL", argv[4], TRUE);
        }
      nd_test_ui_use_language (language, argv[2]);
      int ours = own_locale ? 4 : 2;
      argv[ours] = argv[0];
      argc -= ours;
      argv += ours;
    }
  /* Keep autosave and recent files inside the test's output. */
  g_autofree char *sub = g_strconcat ("cell-", language, NULL);
  out_dir = nd_test_ui_output_dir (sub);

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  if (!g_str_equal (language, "en"))
    setlocale (LC_ALL, "");
  app = nd_test_ui_start_app ((GtkWindow **) &window);
  g_test_add_func ("/cell/minus-sign", test_minus_sign);
  g_test_add_func ("/cell/card-values", test_card_values);
  g_test_add_func ("/cell/roles", test_roles);
  g_test_add_func ("/cell/baseline-drift", test_baseline_drift);   /* its note alone: a neuron's rest */
  g_test_add_func ("/cell/model-cell", test_model_cell);
  g_test_add_func ("/cell/ljp-capacitance", test_ljp_and_capacitance);   /* on the model cell's steps */
  g_test_add_func ("/cell/voltage-clamp", test_voltage_clamp);
  g_test_add_func ("/cell/sine-sweep", test_sine_sweep);
  int status = g_test_run ();
  g_object_unref (app);
  g_free (out_dir);
  return status;
}
