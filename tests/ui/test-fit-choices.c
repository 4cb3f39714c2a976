/* test-fit-choices.c: what a fit may change of the known channels, and templates, in the project and in
 * the Model view.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: test-fit-choices [LANGUAGE LOCALEDIR] (the window in that language, screenshots named after it).
 * The project part checks that the Fit choices (conductance within a factor of 10, the leak's reversal
 * potential, a kinetics offset) reach the engine model's trainable flags and bounds, survive saving and
 * opening, and that older files load with nothing fitted; templates replace the model. The window part
 * ticks the boxes in the Model view and starts from a template through its menu's action, with the
 * confirmation a model someone made needs; screenshots at 800x600 and 1400x900.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cell-recording.h"
#include "nd-project.h"
#include "nd-test-ui.h"
#include "nd-window.h"

static NdApplication *app;
static NdWindow *window;
static char *out_dir;
static const char *language;

static char *
out_path (const char *name)
{
  return g_build_filename (out_dir, name, NULL);
}

static char *
demo_csv (void)
{
  return g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "demo", "hh-demo.csv", NULL);
}

static guint
library_index (NdProject *p, const char *type)
{
  for (guint i = 0; i < nd_project_get_n_known (p); i++)
    if (g_str_equal (nd_project_get_known_kind (p, i)->type, type))
      return i;
  g_assert_not_reached ();
}

static int
model_channel (const nd_model *m, const char *type)
{
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_KNOWN && g_str_equal (m->channels[c].kind->type, type))
      return c;
  return -1;
}

static const nd_param_block *
block (const nd_model *m, const char *type, nd_param_kind kind)
{
  int c = model_channel (m, type);
  g_assert_cmpint (c, >=, 0);
  const nd_channel *ch = &m->channels[c];
  int b = kind == ND_PARAM_GBAR ? ch->block_gbar : kind == ND_PARAM_E ? ch->block_e
          : kind == ND_PARAM_VSHIFT_INACT ? ch->block_hshift : ch->block_vshift;
  g_assert_cmpint (b, >=, 0);
  return &m->blocks[b];
}

static NdProject *
save_and_open (NdProject *p, const char *name)
{
  g_autofree char *path = out_path (name);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_save (p, file, &error));
  g_assert_no_error (error);
  NdProject *q = nd_project_new ();
  g_assert_true (nd_project_open (q, file, &error));
  g_assert_no_error (error);
  return q;
}

/* The spec's Fit choices set the model's trainable flags and bounds, and come back from a saved file. */
static void
test_spec_to_model (void)
{
  g_autoptr (NdProject) p = nd_project_new ();
  g_autofree char *csv = demo_csv ();
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_load_recording (p, csv, &error));
  guint na = library_index (p, "hh_na"), leak = library_index (p, "leak");
  /* Nothing known is fitted in a new project. */
  nd_model *m = nd_project_get_model (p);
  g_assert_false (block (m, "hh_na", ND_PARAM_GBAR)->trainable);
  g_assert_false (block (m, "hh_na", ND_PARAM_VSHIFT)->trainable);
  g_assert_false (block (m, "leak", ND_PARAM_E)->trainable);

  NdKnownSpec s = nd_project_get_known (p, na);
  s.fit_gbar = TRUE;
  s.v_shift = 4.5;
  s.fit_v_shift = TRUE;
  nd_project_set_known (p, na, &s);
  NdKnownSpec l = nd_project_get_known (p, leak);
  l.fit_gbar = TRUE;
  l.fit_e = TRUE;
  nd_project_set_known (p, leak, &l);
  g_assert_true (nd_project_get_model_edited (p));

  m = nd_project_get_model (p);
  const nd_param_block *g = block (m, "hh_na", ND_PARAM_GBAR);
  g_assert_true (g->trainable);
  g_assert_cmpfloat_with_epsilon (g->lo, 12.0, 1e-12);    /* 120 mS/cm2 / 10 */
  g_assert_cmpfloat_with_epsilon (g->hi, 1200.0, 1e-9);
  g_assert_true (block (m, "hh_na", ND_PARAM_VSHIFT)->trainable);
  g_assert_cmpfloat (nd_model_v_shift (m, model_channel (m, "hh_na")), ==, 4.5);
  g_assert_false (block (m, "hh_na", ND_PARAM_E)->trainable);
  const nd_param_block *le = block (m, "leak", ND_PARAM_E);
  g_assert_true (le->trainable);
  double e_leak = l.e;
  g_assert_cmpfloat_with_epsilon (le->lo, e_leak - 30.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (le->hi, e_leak + 30.0, 1e-9);
  g_assert_true (block (m, "leak", ND_PARAM_GBAR)->trainable);
  size_t trainable_before = nd_model_n_trainable (m);

  /* Saved and opened: the same choices, the same bounds. */
  g_autoptr (NdProject) q = save_and_open (p, "fit-choices.neurode");
  NdKnownSpec qs = nd_project_get_known (q, na), ql = nd_project_get_known (q, leak);
  g_assert_true (qs.enabled && qs.fit_gbar && qs.fit_v_shift && !qs.fit_e);
  g_assert_cmpfloat (qs.v_shift, ==, 4.5);
  g_assert_true (ql.fit_gbar && ql.fit_e && !ql.fit_v_shift);
  nd_model *mq = nd_project_get_model (q);
  g_assert_cmpuint (nd_model_n_trainable (mq), ==, trainable_before);
  g_assert_cmpfloat_with_epsilon (block (mq, "hh_na", ND_PARAM_GBAR)->hi, 1200.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (block (mq, "leak", ND_PARAM_E)->lo, e_leak - 30.0, 1e-9);
  g_autofree char *a = nd_project_to_json (p, NULL), *b = nd_project_to_json (q, NULL);
  g_assert_cmpstr (a, ==, b);

  /* A conductance set to another value: the bounds follow it. */
  qs.gbar = 60.0;
  nd_project_set_known (q, na, &qs);
  g = block (nd_project_get_model (q), "hh_na", ND_PARAM_GBAR);
  g_assert_cmpfloat_with_epsilon (g->lo, 6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (g->hi, 600.0, 1e-9);
  /* Unticked: fixed again. */
  qs.fit_gbar = FALSE;
  nd_project_set_known (q, na, &qs);
  g_assert_false (block (nd_project_get_model (q), "hh_na", ND_PARAM_GBAR)->trainable);
}

/* A model file's own range of a conductance is kept until the conductance is edited. */
static void
test_file_range (void)
{
  const char *json =
    "{\"neurode_project\": 1, \"model\": {\"membrane\": {\"area_um2\": 100, \"v_init_mV\": -65},"
    " \"channels\": [{\"type\": \"hh_na\", \"gbar_mS_per_cm2\": 100, \"e_rev_mV\": 50, \"fit_gbar\": true,"
    " \"gbar_range_mS_per_cm2\": [50, 150], \"v_shift_mV\": -2.5},"
    " {\"type\": \"leak\", \"gbar_mS_per_cm2\": 0.3, \"e_rev_mV\": -65},"
    " {\"type\": \"hh_k\", \"gbar_mS_per_cm2\": 36, \"e_rev_mV\": -77, \"fit_e_rev\": true,"
    " \"e_rev_range_mV\": [-90, -70]}]}}";
  g_autoptr (NdProject) p = nd_project_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_load_json (p, json, NULL, &error));
  g_assert_no_error (error);
  guint na = library_index (p, "hh_na"), leak = library_index (p, "leak");
  NdKnownSpec s = nd_project_get_known (p, na);
  g_assert_true (s.fit_gbar && !s.fit_v_shift);
  g_assert_cmpfloat (s.gbar_lo, ==, 50.0);
  g_assert_cmpfloat (s.gbar_hi, ==, 150.0);
  g_assert_cmpfloat (s.v_shift, ==, -2.5);
  /* Files without the choices: nothing fitted. */
  NdKnownSpec l = nd_project_get_known (p, leak);
  g_assert_true (l.enabled && !l.fit_gbar && !l.fit_e);
  /* A reversal potential's own range likewise, until the value is edited. */
  guint hh_k = library_index (p, "hh_k");
  NdKnownSpec ks = nd_project_get_known (p, hh_k);
  g_assert_true (ks.fit_e);
  g_assert_cmpfloat (ks.e_lo, ==, -90.0);
  g_assert_cmpfloat (ks.e_hi, ==, -70.0);
  ks.fit_gbar = TRUE;
  nd_project_set_known (p, hh_k, &ks);
  g_assert_cmpfloat (block (nd_project_get_model (p), "hh_k", ND_PARAM_E)->lo, ==, -90.0);
  ks = nd_project_get_known (p, hh_k);
  ks.e = -80.0;
  nd_project_set_known (p, hh_k, &ks);
  const nd_param_block *ke = block (nd_project_get_model (p), "hh_k", ND_PARAM_E);
  g_assert_cmpfloat (ke->lo, ==, -110.0);
  g_assert_cmpfloat (ke->hi, ==, -50.0);
  /* Another edit keeps the range... */
  s.fit_v_shift = TRUE;
  nd_project_set_known (p, na, &s);
  const nd_param_block *g = block (nd_project_get_model (p), "hh_na", ND_PARAM_GBAR);
  g_assert_cmpfloat (g->lo, ==, 50.0);
  g_assert_cmpfloat (g->hi, ==, 150.0);
  /* ...a new conductance gets the factor of 10 around it. */
  s = nd_project_get_known (p, na);
  s.gbar = 80.0;
  nd_project_set_known (p, na, &s);
  g = block (nd_project_get_model (p), "hh_na", ND_PARAM_GBAR);
  g_assert_cmpfloat_with_epsilon (g->lo, 8.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (g->hi, 800.0, 1e-9);

  /* The shipped demo (saved before the choices existed) opens with nothing known fitted. */
  g_autofree char *demo = g_build_filename (g_getenv ("ND_SOURCE_ROOT"), "data", "demo", "hh-demo.neurode", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (demo, &text, NULL, NULL));
  g_autoptr (NdProject) d = nd_project_new ();
  g_autoptr (GFile) base = g_file_new_for_path (demo);
  g_assert_true (nd_project_load_json (d, text, base, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < nd_project_get_n_known (d); i++)
    {
      NdKnownSpec k = nd_project_get_known (d, i);
      g_assert_true (!k.fit_gbar && !k.fit_e && !k.fit_v_shift && k.v_shift == 0.0);
    }
}

/* A fitted model's gate priors and networks stay when a known channel's choice is changed afterwards. */
static void
test_fitted_model_kept (void)
{
  g_autoptr (NdProject) p = nd_project_new ();
  nd_model *fitted = nd_model_copy (nd_project_get_model (p));
  int c = 0;
  while (fitted->channels[c].slot != ND_CHANNEL_LEARNED)
    c++;
  double *prior = nd_model_gate_prior (fitted, c, 0);
  prior[ND_PRIOR_SLOPE] = 0.2;
  prior[ND_PRIOR_V_HALF] = -40.0;
  prior[ND_PRIOR_LOG_TAU] = 1.5;
  fitted->params[fitted->blocks[fitted->channels[c].learned[0].block].offset] = 0.125;
  nd_model_params_changed (fitted);
  nd_project_accept_model (p, fitted, NULL, 0, NULL, NULL, NULL, 0);
  nd_model_free (fitted);
  guint na = library_index (p, "hh_na");
  NdKnownSpec s = nd_project_get_known (p, na);
  s.fit_gbar = TRUE;
  nd_project_set_known (p, na, &s);
  nd_model *m = nd_project_get_model (p);
  g_assert_true (block (m, "hh_na", ND_PARAM_GBAR)->trainable);
  const double *kept = nd_model_gate_prior (m, c, 0);
  g_assert_cmpfloat (kept[ND_PRIOR_SLOPE], ==, 0.2);
  g_assert_cmpfloat (kept[ND_PRIOR_V_HALF], ==, -40.0);
  g_assert_cmpfloat (kept[ND_PRIOR_LOG_TAU], ==, 1.5);
  g_assert_cmpfloat (m->params[m->blocks[m->channels[c].learned[0].block].offset], ==, 0.125);
  g_assert_true (nd_project_get_fitted (p));
}

static void
test_template (void)
{
  g_autoptr (NdProject) p = nd_project_new ();
  g_assert_false (nd_project_get_model_edited (p));
  /* A published channel in the builder stays there, switched off. */
  g_autoptr (GError) error = NULL;
  guint ci;
  g_assert_true (nd_project_add_catalogue (p, "K", "143100_Kv4f.mod", &ci, &error));
  g_assert_no_error (error);
  g_assert_true (nd_project_get_model_edited (p));
  nd_project_apply_template (p, ND_TEMPLATE_CORTICAL);
  g_assert_false (nd_project_get_model_edited (p));
  nd_model *m = nd_project_get_model (p);
  const char *types[] = { "pospischil_na", "pospischil_kd", "pospischil_m", "leak" };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_assert_cmpint (model_channel (m, types[i]), >=, 0);
      g_assert_true (block (m, types[i], ND_PARAM_GBAR)->trainable);
      NdKnownSpec s = nd_project_get_known (p, library_index (p, types[i]));
      g_assert_true (s.enabled && s.fit_gbar);
    }
  g_assert_true (block (m, "pospischil_na", ND_PARAM_VSHIFT)->trainable);
  g_assert_true (nd_project_get_known (p, library_index (p, "pospischil_na")).fit_v_shift);
  /* Sodium inactivation's own offset is not fitted by default (templates.c); ticked, it is. */
  g_assert_false (block (m, "pospischil_na", ND_PARAM_VSHIFT_INACT)->trainable);
  NdKnownSpec na = nd_project_get_known (p, library_index (p, "pospischil_na"));
  g_assert_false (na.fit_v_shift_inact);
  na.fit_v_shift_inact = TRUE;
  na.v_shift_inact = 12.5;
  nd_project_set_known (p, library_index (p, "pospischil_na"), &na);
  m = nd_project_get_model (p);
  g_assert_true (block (m, "pospischil_na", ND_PARAM_VSHIFT_INACT)->trainable);
  g_assert_cmpfloat (nd_model_inact_shift (m, model_channel (m, "pospischil_na")), ==, 12.5);
  {
    /* ... and both come back from a saved project. */
    g_autoptr (NdProject) q = save_and_open (p, "inactivation.neurode");
    NdKnownSpec qa = nd_project_get_known (q, library_index (q, "pospischil_na"));
    g_assert_true (qa.fit_v_shift_inact);
    g_assert_cmpfloat (qa.v_shift_inact, ==, 12.5);
    nd_model *qm = nd_project_get_model (q);
    g_assert_true (block (qm, "pospischil_na", ND_PARAM_VSHIFT_INACT)->trainable);
    g_assert_cmpfloat (nd_model_inact_shift (qm, model_channel (qm, "pospischil_na")), ==, 12.5);
  }
  na.fit_v_shift_inact = FALSE;
  na.v_shift_inact = 0.0;
  nd_project_set_known (p, library_index (p, "pospischil_na"), &na);
  m = nd_project_get_model (p);
  g_assert_true (nd_project_get_known (p, library_index (p, "leak")).fit_e);
  /* Potassium's reversal potential, within -100 to -55 mV; sodium's stays fixed. */
  const char *k_types[] = { "pospischil_kd", "pospischil_m" };
  for (guint i = 0; i < G_N_ELEMENTS (k_types); i++)
    {
      const nd_param_block *be = block (m, k_types[i], ND_PARAM_E);
      g_assert_true (be->trainable);
      g_assert_cmpfloat (be->lo, ==, -100.0);
      g_assert_cmpfloat (be->hi, ==, -55.0);
      g_assert_true (nd_project_get_known (p, library_index (p, k_types[i])).fit_e);
    }
  g_assert_false (block (m, "pospischil_na", ND_PARAM_E)->trainable);
  g_assert_false (nd_project_get_known (p, library_index (p, "hh_na")).enabled);
  g_assert_cmpuint (nd_project_get_n_catalogue (p), ==, 1);
  g_assert_false (nd_project_get_catalogue (p, 0).enabled);
  NdLearnedSpec l = nd_project_get_learned (p);
  g_assert_true (l.enabled);
  double cm, area, v0, celsius;
  nd_project_get_membrane (p, &cm, &area, &v0, &celsius);
  /* A new project's squid-axon area is no size for a cortical cell: the template's own. */
  g_assert_cmpfloat (area, ==, 29000.0);
  g_assert_cmpfloat (celsius, ==, 36.0);

  /* A set membrane is kept; the squid template stands its learned current in for HH potassium. */
  nd_project_set_membrane (p, 1.0, 500.0, -65.0, 20.0);
  nd_project_apply_template (p, ND_TEMPLATE_SQUID);
  m = nd_project_get_model (p);
  g_assert_cmpfloat (m->area_um2, ==, 500.0);
  g_assert_cmpint (model_channel (m, "hh_na"), >=, 0);
  g_assert_cmpint (model_channel (m, "pospischil_na"), <, 0);
  g_assert_cmpstr (nd_project_get_learned (p).replaces, ==, "hh_k");
  /* The set resting potential is the model's: its leak reversal is the balance that rests it there. */
  g_assert_cmpfloat (m->v_init, ==, -65.0);
  double e_leak = nd_project_get_known (p, library_index (p, "leak")).e;
  g_assert_cmpfloat (m->params[block (m, "leak", ND_PARAM_E)->offset], ==, e_leak);
  nd_model *balanced = nd_model_copy (m);
  g_assert_cmpfloat (fabs (nd_model_balance_leak (balanced, model_channel (m, "leak"), -65.0)), <, 1e-9);
  g_assert_cmpfloat (fabs (balanced->params[block (m, "leak", ND_PARAM_E)->offset] - e_leak), <, 1e-6);
  nd_model_free (balanced);
  /* And it saves and opens as any model. */
  g_autoptr (NdProject) q = save_and_open (p, "template.neurode");
  g_assert_cmpuint (nd_model_n_trainable (nd_project_get_model (q)), ==, nd_model_n_trainable (m));
}

/* On a real cell's recording, a template takes the cell's resting potential, input resistance and membrane
 * area as measured from its current steps. */
static void
test_template_from_cell (void)
{
  g_autofree char *abf = g_build_filename (g_getenv ("ND_TEST_DATA"), "abf", "17o05028_ic_steps.abf", NULL);
  g_autoptr (NdProject) p = nd_project_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (nd_project_load_recording (p, abf, &error));
  g_assert_no_error (error);
  nd_cell_props props;
  g_assert_true (nd_cell_props_from_recording (nd_project_get_recording (p), 1.0, NAN, NAN, &props, &error));
  g_assert_no_error (error);
  g_print ("cell: rest %.2f mV, input resistance %.1f MOhm, area %.0f um2\n", props.v_rest_mV, props.r_in_MOhm,
           props.area_um2);
  nd_project_apply_template (p, ND_TEMPLATE_CORTICAL);
  nd_model *m = nd_project_get_model (p);
  g_assert_cmpfloat_with_epsilon (m->area_um2, props.area_um2, 1e-9 * props.area_um2);
  g_assert_cmpfloat_with_epsilon (m->v_init, props.v_rest_mV, 1e-9);
  int leak = model_channel (m, "leak");
  double g_leak = m->params[m->blocks[m->channels[leak].block_gbar].offset];
  double e_leak = m->params[m->blocks[m->channels[leak].block_e].offset];
  /* The leak's reversal is the balance that would rest the model at the cell's resting potential (with
   * the other channels' currents there), within its bounds: this cell's depolarised rest asks for more
   * than they allow, and the template keeps the bound. */
  nd_model *balanced = nd_model_copy (m);
  double off = nd_model_balance_leak (balanced, leak, props.v_rest_mV);
  g_print ("leak reversal %.2f mV, %.2f mV from the balance at rest (its bounds)\n", e_leak, off);
  g_assert_true (isfinite (off));
  g_assert_cmpfloat_with_epsilon (balanced->params[m->blocks[m->channels[leak].block_e].offset], e_leak, 1e-6);
  nd_model_free (balanced);
  /* g = 1 / (R_in area): 1 / (MOhm um2) = 1e5 mS/cm2. */
  g_assert_cmpfloat_with_epsilon (g_leak, 1e5 / (props.r_in_MOhm * props.area_um2), 1e-9 * g_leak);
  /* The leak then accounts for the whole input resistance at rest. */
  g_assert_cmpfloat (g_leak, >, 0.0);
  nd_cell_props_clear (&props);
}

/* ---- the Model view ---- */

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static GtkWidget *
model_view (void)
{
  return nd_window_get_view_widget (window, "model");
}

static gboolean
expander_titled (GtkWidget *w, gconstpointer title)
{
  return ADW_IS_EXPANDER_ROW (w) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0;
}

static gboolean
check_with_tooltip (GtkWidget *w, gconstpointer tooltip)
{
  return GTK_IS_CHECK_BUTTON (w) && g_strcmp0 (gtk_widget_get_tooltip_text (w), tooltip) == 0;
}

static GtkCheckButton *
find_check (GtkWidget *w, const char *tooltip)
{
  return (GtkCheckButton *) nd_test_ui_find (w, check_with_tooltip, tooltip);
}

static AdwExpanderRow *
channel_row (NdProject *p, const char *type)
{
  AdwExpanderRow *row = (AdwExpanderRow *) nd_test_ui_find (model_view (), expander_titled,
                                                          tr (nd_channel_lookup (type)->label));
  g_assert_nonnull (row);
  return row;
}

/* The message dialog on screen, or NULL (answered ones may linger in the list of windows, unmapped). */
static GtkWindow *
message_dialog (void)
{
  GListModel *list = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (list, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_mapped (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return message_dialog () != NULL;
}

/* Answers the dialog as its button would (a button also closes it). */
static void
respond (const char *response)
{
  GtkWindow *d = message_dialog ();
  g_assert_nonnull (d);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (d), response);
  gtk_window_close (d);
  nd_test_ui_spin (200);
}

static void
screenshots (const char *what)
{
  const int sizes[][2] = { { 1400, 900 }, { 800, 600 } };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gtk_window_set_default_size (GTK_WINDOW (window), sizes[i][0], sizes[i][1]);
      nd_test_ui_spin (600);
      g_autofree char *name = g_strdup_printf ("fit-choices-%s-%s-%dx%d", language, what, sizes[i][0], sizes[i][1]);
      g_autofree char *png = nd_test_ui_screenshot (GTK_WIDGET (window), name);
      g_assert_cmpfloat (nd_test_ui_png_ink (png), >, 0.05);
    }
}

static void
test_model_view (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-demo", NULL));
  nd_test_ui_spin (300);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("model")));
  nd_test_ui_spin (300);
  NdProject *p = nd_window_get_project (window);
  guint na = library_index (p, "hh_na"), leak = library_index (p, "leak");

  /* The Fit box beside a channel: the fit may adjust its conductance. */
  AdwExpanderRow *na_row = channel_row (p, "hh_na");
  GtkCheckButton *fit = find_check (GTK_WIDGET (na_row), tr ("Let the fit adjust this conductance (within a factor of 10)"));
  g_assert_nonnull (fit);
  g_assert_false (gtk_check_button_get_active (fit));
  gtk_check_button_set_active (fit, TRUE);
  g_assert_true (nd_project_get_known (p, na).fit_gbar);
  g_assert_true (block (nd_project_get_model (p), "hh_na", ND_PARAM_GBAR)->trainable);
  /* The kinetics offset inside the row, with its own Fit box. */
  GtkCheckButton *fit_shift = find_check (GTK_WIDGET (na_row), tr ("Let the fit adjust the offset (within 30 mV)"));
  g_assert_nonnull (fit_shift);
  gtk_check_button_set_active (fit_shift, TRUE);
  g_assert_true (block (nd_project_get_model (p), "hh_na", ND_PARAM_VSHIFT)->trainable);
  /* A gated channel's reversal potential has a Fit box too (potassium's differs between solutions). */
  GtkCheckButton *fit_na_e = find_check (GTK_WIDGET (na_row), tr ("Let the fit adjust the reversal potential (within 30 mV, "
                                                                  "or the template’s range: −100 to −55 mV for potassium)"));
  g_assert_nonnull (fit_na_e);
  g_assert_false (gtk_check_button_get_active (fit_na_e));
  gtk_check_button_set_active (fit_na_e, TRUE);
  g_assert_true (block (nd_project_get_model (p), "hh_na", ND_PARAM_E)->trainable);
  gtk_check_button_set_active (fit_na_e, FALSE);
  g_assert_false (block (nd_project_get_model (p), "hh_na", ND_PARAM_E)->trainable);
  /* The leak: conductance and reversal potential. */
  AdwExpanderRow *leak_row = channel_row (p, "leak");
  g_assert_null (find_check (GTK_WIDGET (leak_row), tr ("Let the fit adjust the offset (within 30 mV)")));
  GtkCheckButton *fit_e = find_check (GTK_WIDGET (leak_row), tr ("Let the fit adjust the reversal potential (within 30 mV)"));
  g_assert_nonnull (fit_e);
  gtk_check_button_set_active (fit_e, TRUE);
  gtk_check_button_set_active (find_check (GTK_WIDGET (leak_row), tr ("Let the fit adjust this conductance (within a factor of 10)")),
                               TRUE);
  NdKnownSpec l = nd_project_get_known (p, leak);
  g_assert_true (l.fit_e && l.fit_gbar);
  g_assert_true (block (nd_project_get_model (p), "leak", ND_PARAM_E)->trainable);
  adw_expander_row_set_expanded (na_row, TRUE);
  adw_expander_row_set_expanded (leak_row, TRUE);
  screenshots ("model-fit-boxes");

  /* Saved and reopened through the window: the boxes are ticked again. */
  g_autofree char *path = out_path ("window-fit-boxes.neurode");
  g_unlink (path);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.save-as", g_variant_new_string (path)));
  gtk_check_button_set_active (fit, FALSE);
  g_assert_false (nd_project_get_known (p, na).fit_gbar);
  nd_project_set_dirty (p, FALSE);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.open-file", g_variant_new_string (path)));
  nd_test_ui_spin (300);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-view", g_variant_new_string ("model")));
  nd_test_ui_spin (200);
  g_assert_true (nd_project_get_known (p, na).fit_gbar);
  fit = find_check (GTK_WIDGET (channel_row (p, "hh_na")), tr ("Let the fit adjust this conductance (within a factor of 10)"));
  g_assert_true (gtk_check_button_get_active (fit));
  g_assert_true (gtk_check_button_get_active (
    find_check (GTK_WIDGET (channel_row (p, "leak")), tr ("Let the fit adjust the reversal potential (within 30 mV)"))));

  /* A value changed outside the view (as an accepted fit does) shows in it. */
  NdKnownSpec s = nd_project_get_known (p, na);
  s.gbar = 97.5;
  nd_project_set_known (p, na, &s);
  g_autofree char *sub = g_strdup (adw_expander_row_get_subtitle (channel_row (p, "hh_na")));
  g_assert_nonnull (strstr (sub, "97"));
}

static void
test_template_menu (void)
{
  NdProject *p = nd_window_get_project (window);
  GtkWidget *view = model_view ();
  /* The opened project's model is someone's work: replacing it is asked first; Cancel keeps it. */
  g_assert_true (nd_project_get_model_edited (p));
  g_autofree char *before = nd_project_to_json (p, NULL);
  g_assert_true (gtk_widget_activate_action_variant (view, "model.template", g_variant_new_string ("cortical")));
  g_assert_true (nd_test_ui_wait (dialog_shown, NULL, 5000));
  nd_test_ui_spin (300);
  g_autofree char *name = g_strdup_printf ("fit-choices-%s-template-question", language);
  g_free (nd_test_ui_screenshot (GTK_WIDGET (message_dialog ()), name));
  respond ("cancel");
  g_autofree char *after = nd_project_to_json (p, NULL);
  g_assert_cmpstr (before, ==, after);

  /* Replace: the cortical channels, fitted, shown ticked in the view. */
  g_assert_true (gtk_widget_activate_action_variant (view, "model.template", g_variant_new_string ("cortical")));
  g_assert_true (nd_test_ui_wait (dialog_shown, NULL, 5000));
  respond ("replace");
  nd_model *m = nd_project_get_model (p);
  g_assert_cmpint (model_channel (m, "pospischil_kd"), >=, 0);
  g_assert_cmpint (model_channel (m, "hh_na"), <, 0);
  g_assert_false (nd_project_get_fitted (p));
  AdwExpanderRow *kd = channel_row (p, "pospischil_kd");
  g_assert_true (gtk_check_button_get_active (
    find_check (GTK_WIDGET (kd), tr ("Include this channel in the model"))));
  g_assert_true (gtk_check_button_get_active (
    find_check (GTK_WIDGET (kd), tr ("Let the fit adjust this conductance (within a factor of 10)"))));
  g_assert_false (gtk_check_button_get_active (
    find_check (GTK_WIDGET (channel_row (p, "hh_na")), tr ("Include this channel in the model"))));
  adw_expander_row_set_expanded (channel_row (p, "hh_na"), FALSE);
  adw_expander_row_set_expanded (channel_row (p, "pospischil_na"), TRUE);
  screenshots ("model-cortical-template");

  /* Fresh from a template, another one replaces it without asking. */
  g_assert_false (nd_project_get_model_edited (p));
  g_assert_true (gtk_widget_activate_action_variant (view, "model.template", g_variant_new_string ("squid")));
  nd_test_ui_spin (200);
  g_assert_false (dialog_shown (NULL));
  g_assert_cmpint (model_channel (nd_project_get_model (p), "hh_na"), >=, 0);
  nd_project_set_dirty (p, FALSE);
}

int
main (int argc, char **argv)
{
  language = nd_test_ui_take_language (&argc, &argv, "en");
  g_autofree char *leaf = g_strdup_printf ("fit-choices-%s", language);
  out_dir = nd_test_ui_output_dir (leaf);

  nd_test_ui_init (&argc, &argv);
  adw_init ();
  g_test_add_func ("/fit-choices/spec-to-model", test_spec_to_model);
  g_test_add_func ("/fit-choices/file-range", test_file_range);
  g_test_add_func ("/fit-choices/fitted-model-kept", test_fitted_model_kept);
  g_test_add_func ("/fit-choices/template", test_template);
  g_test_add_func ("/fit-choices/template-from-cell", test_template_from_cell);
  app = nd_test_ui_start_app ((GtkWindow **) &window);
  g_test_add_func ("/fit-choices/model-view", test_model_view);
  g_test_add_func ("/fit-choices/template-menu", test_template_menu);
  int status = g_test_run ();
  g_object_unref (app);
  g_free (out_dir);
  return status;
}
