/* project-file.c: reading and writing .neurode project files (project-file.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every section has its reader and its writer side by side below; the readers are strict (json-input.h)
 * and fill a NdProjectFile that is handed over only when the whole file was read. Finding the recording
 * on disk is project-recording.c's.
 */
#include "project-file.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "icg-registry.h"
#include "json-input.h"
#include "json-output.h"
#include "model-file.h"
#include "nd-error.h"

static const char *const net_size_names[] = { "small", "medium", "large" };
static const char *const stimulus_names[] = { [ND_STIMULUS_NONE] = "none", [ND_STIMULUS_PROTOCOL] = "protocol",
                                               [ND_STIMULUS_SIGNAL] = "signal" };

/* ---- lifecycle ---- */

NdProjectFile *
nd_project_file_new (void)
{
  NdProjectFile *pf = g_new0 (NdProjectFile, 1);
  pf->train = g_array_new (FALSE, FALSE, sizeof (guint));
  pf->validate = g_array_new (FALSE, FALSE, sizeof (guint));
  pf->network_size = ND_NET_MEDIUM;
  pf->learned_enabled = TRUE;
  pf->compare_with = g_strdup ("");
  pf->catalogue_off = g_array_new (FALSE, TRUE, sizeof (NdProjectCatalogueOff));
  pf->scores = g_array_new (FALSE, TRUE, sizeof (NdSweepScore));
  pf->loss_train = g_array_new (FALSE, FALSE, sizeof (double));
  pf->loss_val = g_array_new (FALSE, FALSE, sizeof (double));
  pf->loss_free = g_array_new (FALSE, FALSE, sizeof (guint8));
  return pf;
}

void
nd_project_file_free (NdProjectFile *pf)
{
  if (!pf)
    return;
  nd_project_recording_free (pf->recording);
  nd_project_recording_free (pf->fitted_with);
  g_array_unref (pf->train);
  g_array_unref (pf->validate);
  g_clear_pointer (&pf->model, nd_model_free);
  g_free (pf->compare_with);
  g_array_unref (pf->catalogue_off);
  g_array_unref (pf->scores);
  g_array_unref (pf->loss_train);
  g_array_unref (pf->loss_val);
  g_array_unref (pf->loss_free);
  g_free (pf);
}

NdSweepRole
nd_project_file_sweep_role (const NdProjectFile *pf, guint sweep)
{
  for (guint i = 0; i < pf->train->len; i++)
    if (g_array_index (pf->train, guint, i) == sweep)
      return ND_SWEEP_TRAIN;
  for (guint i = 0; i < pf->validate->len; i++)
    if (g_array_index (pf->validate, guint, i) == sweep)
      return ND_SWEEP_VALIDATE;
  return ND_SWEEP_IGNORE;
}

/* ---- strict readers the sections share ---- */

/* A sweep number: a whole number from 0. */
static gboolean
sweep_number (JsonNode *n, guint *out, const char *where, const char *key, GError **error)
{
  double v = nd_json_is_number (n) ? json_node_get_double (n) : NAN;
  if (!(v >= 0.0 && v <= G_MAXINT && v == floor (v)))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” must hold sweep numbers (whole numbers from 0), not %s"),
                   where, key, nd_json_is_number (n) ? _("a fraction or a negative number") : nd_json_kind_of (n));
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

/* A count (sweeps, spikes): absent gives 0. */
static gboolean
get_count (JsonObject *o, const char *key, guint *out, const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  *out = 0;
  return !n || sweep_number (n, out, where, key, error);
}

/* A number, or NaN when the member is absent or null ("not measured"). */
static gboolean
get_number_or_null (JsonObject *o, const char *key, double *out, const char *where, GError **error)
{
  JsonNode *n = json_object_get_member (o, key);
  *out = NAN;
  if (!n || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  return nd_json_get_number (o, key, NAN, FALSE, out, where, error);
}

/* One of `names` (n of them); absent gives `fallback`. */
static gboolean
get_choice (JsonObject *o, const char *key, const char *const *names, int n, int fallback, int *out,
            const char *where, GError **error)
{
  const char *s;
  *out = fallback;
  if (!nd_json_get_string (o, key, &s, where, error))
    return FALSE;
  if (!s)
    return TRUE;
  for (int i = 0; i < n; i++)
    if (g_str_equal (s, names[i]))
      {
        *out = i;
        return TRUE;
      }
  g_autofree char *accepted = g_strjoinv ("”, “", (char **) names);
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” is “%s”; it must be one of “%s”"), where, key, s,
               accepted);
  return FALSE;
}

/* ---- recording ---- */

static gboolean
read_signals (JsonArray *a, GArray *out, const char *where, GError **error)
{
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonNode *en = json_array_get_element (a, i);
      const char *name, *units;
      if (!JSON_NODE_HOLDS_OBJECT (en))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: signal %u of “signals” must be an object { … }, not %s"),
                       where, i + 1, nd_json_kind_of (en));
          return FALSE;
        }
      if (!nd_json_get_string (json_node_get_object (en), "name", &name, where, error)
          || !nd_json_get_string (json_node_get_object (en), "units", &units, where, error))
        return FALSE;
      NdProjectSignal s = { g_strdup (name ? name : ""), g_strdup (units ? units : "") };
      g_array_append_val (out, s);
    }
  return TRUE;
}

/* "recording" or "fitted_with"; `where` names it in errors. */
static NdProjectRecording *
read_recording (JsonObject *ro, const char *where, GError **error)
{
  NdProjectRecording *r = nd_project_recording_new ();
  const char *path, *rel, *sig;
  JsonArray *signals;
  int stim;
  if (!nd_json_get_string (ro, "path", &path, where, error) || !nd_json_get_string (ro, "relative_path", &rel, where, error)
      || !get_choice (ro, "stimulus", stimulus_names, G_N_ELEMENTS (stimulus_names), ND_STIMULUS_NONE, &stim, where, error)
      || !nd_json_get_string (ro, "stimulus_signal", &sig, where, error)
      || !get_count (ro, "sweeps", &r->n_sweeps, where, error) || !nd_json_get_array (ro, "signals", &signals, where, error)
      || !read_signals (signals, r->signals, where, error)
      || !nd_json_get_number (ro, "ljp_mV", 0.0, FALSE, &r->ljp_mV, where, error)
      || !get_number_or_null (ro, "capacitance_pF", &r->capacitance_pF, where, error))
    {
      nd_project_recording_free (r);
      return NULL;
    }
  if (!path && !rel)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “path” is missing"), where);
      nd_project_recording_free (r);
      return NULL;
    }
  r->path = g_strdup (path);
  r->relative_path = g_strdup (rel);
  r->stimulus = (NdStimulusSource) stim;
  r->stimulus_signal = stim == ND_STIMULUS_SIGNAL ? g_strdup (sig) : NULL;
  if (!(r->capacitance_pF > 0.0))
    r->capacitance_pF = NAN;
  return r;
}

static void
write_recording (JsonBuilder *b, const char *member, const NdProjectRecording *r, const char *project_path)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, r->path ? r->path : r->relative_path);
  g_autofree char *rel = project_path && r->path ? nd_project_file_relative_path (project_path, r->path) : NULL;
  if (rel)
    {
      json_builder_set_member_name (b, "relative_path");
      json_builder_add_string_value (b, rel);
    }
  json_builder_set_member_name (b, "stimulus");
  json_builder_add_string_value (b, stimulus_names[r->stimulus]);
  if (r->stimulus == ND_STIMULUS_SIGNAL && r->stimulus_signal)
    {
      json_builder_set_member_name (b, "stimulus_signal");
      json_builder_add_string_value (b, r->stimulus_signal);
    }
  /* What the recording holds, so that a recording located after a move can be checked. */
  if (r->n_sweeps > 0)
    {
      json_builder_set_member_name (b, "sweeps");
      json_builder_add_int_value (b, r->n_sweeps);
    }
  if (r->signals->len > 0)
    {
      json_builder_set_member_name (b, "signals");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->signals->len; i++)
        {
          const NdProjectSignal *s = &g_array_index (r->signals, NdProjectSignal, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->name);
          json_builder_set_member_name (b, "units");
          json_builder_add_string_value (b, s->units);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "ljp_mV");
  json_builder_add_double_value (b, r->ljp_mV);
  if (isfinite (r->capacitance_pF))
    {
      json_builder_set_member_name (b, "capacitance_pF");
      json_builder_add_double_value (b, r->capacitance_pF);
    }
  json_builder_end_object (b);
}

/* ---- selection: sweep roles and the fit window ---- */

static gboolean
read_sweeps (JsonObject *so, const char *key, GArray *out, const char *where, GError **error)
{
  JsonArray *a;
  if (!nd_json_get_array (so, key, &a, where, error))
    return FALSE;
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      guint s;
      if (!sweep_number (json_array_get_element (a, i), &s, where, key, error))
        return FALSE;
      g_array_append_val (out, s);
    }
  return TRUE;
}

static gboolean
read_selection (JsonObject *so, NdProjectFile *pf, GError **error)
{
  const char *where = _("the project’s “selection”");
  JsonArray *w;
  double window[2] = { 0.0, 0.0 };
  if (!read_sweeps (so, "train", pf->train, where, error) || !read_sweeps (so, "validate", pf->validate, where, error)
      || !nd_json_get_array (so, "window_ms", &w, where, error) || (w && !nd_json_get_numbers (w, "window_ms", 2, window, where, error)))
    return FALSE;
  pf->window_start_ms = window[0];
  pf->window_end_ms = window[1];
  return TRUE;
}

static void
write_sweeps (JsonBuilder *b, const char *name, GArray *sweeps)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < sweeps->len; i++)
    json_builder_add_int_value (b, g_array_index (sweeps, guint, i));
  json_builder_end_array (b);
}

static void
write_selection (JsonBuilder *b, const NdProjectFile *pf)
{
  json_builder_set_member_name (b, "selection");
  json_builder_begin_object (b);
  write_sweeps (b, "train", pf->train);
  write_sweeps (b, "validate", pf->validate);
  nd_json_add_numbers (b, "window_ms", (const double[]) { pf->window_start_ms, pf->window_end_ms }, 2);
  json_builder_end_object (b);
}

/* ---- model ---- */

static nd_model *
read_model (JsonObject *o, GError **error)
{
  JsonNode *model_node = json_object_get_member (o, "model");
  if (!model_node || !JSON_NODE_HOLDS_OBJECT (model_node))
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_FORMAT, _("The project has no model"));
      return NULL;
    }
  g_autofree char *model_json = json_to_string (model_node, FALSE);
  g_autoptr (GError) local = NULL;
  nd_model *model = nd_model_file_parse (model_json, -1, NULL, &local);
  if (!model)
    g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("The project’s model is not valid: %s"), local->message);
  return model;
}

static void
write_model (JsonBuilder *b, const nd_model *m)
{
  /* The model in the model file's own form, so a project's model is also a valid model file. */
  g_autofree char *model_json = nd_model_file_to_string (m);
  JsonNode *model_node = json_from_string (model_json, NULL);
  json_builder_set_member_name (b, "model");
  json_builder_add_value (b, model_node);
}

/* ---- builder: what the model builder shows beyond the model ---- */

static gboolean
read_catalogue_off (JsonObject *eo, GArray *out, const char *where, GError **error)
{
  const char *cls, *chan;
  NdProjectCatalogueOff c = { 0 };
  double gbar, e;
  if (!nd_json_get_string (eo, "icg_class", &cls, where, error) || !nd_json_get_string (eo, "channel", &chan, where, error)
      || !nd_json_get_number (eo, "gbar_mS_per_cm2", NAN, FALSE, &gbar, where, error)
      || !nd_json_get_number (eo, "e_rev_mV", NAN, FALSE, &e, where, error)
      || !nd_json_get_bool (eo, "fit_gbar", FALSE, &c.fit_gbar, where, error)
      || !nd_json_get_bool (eo, "fit_e_rev", FALSE, &c.fit_e, where, error)
      || !nd_json_get_bool (eo, "fit_v_shift", FALSE, &c.fit_v_shift, where, error)
      || !nd_json_get_number (eo, "v_shift_mV", 0.0, FALSE, &c.v_shift, where, error))
    return FALSE;
  /* A switched-off channel that no longer loads is dropped rather than failing the project. */
  c.kind = cls && chan ? nd_icg_kind_lookup (cls, chan, NULL) : NULL;
  if (!c.kind)
    return TRUE;
  c.gbar = isnan (gbar) ? c.kind->gbar_default : gbar;
  c.e = isnan (e) ? c.kind->e_default : e;
  c.v_shift = CLAMP (c.v_shift, -ND_VSHIFT_MAX_MV, ND_VSHIFT_MAX_MV);
  g_array_append_val (out, c);
  return TRUE;
}

static gboolean
read_builder (JsonObject *bo, NdProjectFile *pf, GError **error)
{
  const char *where = _("the project’s “builder”");
  const char *compare;
  JsonArray *off;
  int size;
  if (!get_choice (bo, "network_size", net_size_names, G_N_ELEMENTS (net_size_names), ND_NET_MEDIUM, &size, where, error)
      || !nd_json_get_bool (bo, "learned_enabled", TRUE, &pf->learned_enabled, where, error)
      || !nd_json_get_string (bo, "compare_with", &compare, where, error)
      || !nd_json_get_array (bo, "catalogue_off", &off, where, error))
    return FALSE;
  pf->network_size = (NdNetSize) size;
  g_free (pf->compare_with);
  pf->compare_with = g_strdup (compare ? compare : "");
  for (guint i = 0; off && i < json_array_get_length (off); i++)
    {
      JsonNode *en = json_array_get_element (off, i);
      if (!JSON_NODE_HOLDS_OBJECT (en))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: entry %u of “catalogue_off” must be an object { … }, not %s"),
                       where, i + 1, nd_json_kind_of (en));
          return FALSE;
        }
      if (!read_catalogue_off (json_node_get_object (en), pf->catalogue_off, where, error))
        return FALSE;
    }
  return TRUE;
}

static void
write_catalogue_off (JsonBuilder *b, const NdProjectCatalogueOff *c)
{
  const char *cls, *chan;
  if (!nd_icg_kind_source (c->kind, &cls, &chan, NULL))
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "icg_class");
  json_builder_add_string_value (b, cls);
  json_builder_set_member_name (b, "channel");
  json_builder_add_string_value (b, chan);
  json_builder_set_member_name (b, "gbar_mS_per_cm2");
  json_builder_add_double_value (b, c->gbar);
  json_builder_set_member_name (b, "e_rev_mV");
  json_builder_add_double_value (b, c->e);
  /* What a fit may change, as the model file names it (absent: fixed). */
  const struct { const char *name; gboolean on; } flags[] = {
    { "fit_gbar", c->fit_gbar }, { "fit_e_rev", c->fit_e }, { "fit_v_shift", c->fit_v_shift } };
  for (guint f = 0; f < G_N_ELEMENTS (flags); f++)
    if (flags[f].on)
      {
        json_builder_set_member_name (b, flags[f].name);
        json_builder_add_boolean_value (b, TRUE);
      }
  if (c->v_shift != 0.0)
    {
      json_builder_set_member_name (b, "v_shift_mV");
      json_builder_add_double_value (b, c->v_shift);
    }
  json_builder_end_object (b);
}

static void
write_builder (JsonBuilder *b, const NdProjectFile *pf)
{
  json_builder_set_member_name (b, "builder");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "network_size");
  json_builder_add_string_value (b, net_size_names[CLAMP ((int) pf->network_size, 0, 2)]);
  json_builder_set_member_name (b, "learned_enabled");
  json_builder_add_boolean_value (b, pf->learned_enabled);
  json_builder_set_member_name (b, "compare_with");
  json_builder_add_string_value (b, pf->compare_with ? pf->compare_with : "");
  /* Catalogue channels switched off are not in the model but stay in the builder. */
  json_builder_set_member_name (b, "catalogue_off");
  json_builder_begin_array (b);
  for (guint i = 0; i < pf->catalogue_off->len; i++)
    write_catalogue_off (b, &g_array_index (pf->catalogue_off, NdProjectCatalogueOff, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* ---- fit results ---- */

static gboolean
read_score (JsonObject *e, const NdProjectFile *pf, NdSweepScore *sc, const char *where, GError **error)
{
  static const char *const role_names[] = { "train", "validate" };
  guint rec, model;
  int role;
  JsonNode *rn = json_object_get_member (e, "role");
  if (!get_count (e, "sweep", &sc->sweep, where, error) || !get_count (e, "spikes_recorded", &rec, where, error)
      || !get_count (e, "spikes_model", &model, where, error)
      || !get_number_or_null (e, "rmse_mV", &sc->rmse_mV, where, error)
      || !get_number_or_null (e, "first_spike_shift_ms", &sc->first_spike_shift_ms, where, error)
      || !get_number_or_null (e, "subthreshold_rmse_mV", &sc->subthreshold_rmse_mV, where, error)
      || !get_number_or_null (e, "rmse_pA", &sc->rmse_pA, where, error)
      || !get_number_or_null (e, "peak_pA", &sc->peak_pA, where, error)
      || !get_number_or_null (e, "peak_model_pA", &sc->peak_model_pA, where, error)
      || !get_choice (e, "role", role_names, 2, 1, &role, where, error))
    return FALSE;
  sc->spikes_recorded = (int) rec;
  sc->spikes_model = (int) model;
  /* The clamp figures' presence marks a voltage-clamp sweep's score. */
  sc->voltage_clamp = json_object_has_member (e, "rmse_pA");
  /* Files before the role was stored scored the validation sweeps, or the training ones when none
   * validated: the sweep's role in the selection says which. */
  sc->role = rn ? (role == 0 ? ND_SWEEP_TRAIN : ND_SWEEP_VALIDATE)
                : nd_project_file_sweep_role (pf, sc->sweep) == ND_SWEEP_TRAIN ? ND_SWEEP_TRAIN : ND_SWEEP_VALIDATE;
  /* A negative RMSE stood for "not finite". */
  if (!(sc->rmse_mV >= 0.0))
    sc->rmse_mV = NAN;
  return TRUE;
}

/* A list of numbers where null is "not evaluated" (NaN). */
static gboolean
read_loss (JsonObject *fo, const char *key, GArray *out, const char *where, GError **error)
{
  JsonArray *a;
  if (!nd_json_get_array (fo, key, &a, where, error))
    return FALSE;
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_NULL (n) && !nd_json_is_number (n))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s”: value %u must be a number or null, not %s"),
                       where, key, i + 1, nd_json_kind_of (n));
          return FALSE;
        }
      double v = JSON_NODE_HOLDS_NULL (n) ? NAN : json_node_get_double (n);
      g_array_append_val (out, v);
    }
  return TRUE;
}

/* The stage of every loss: true where the model ran free. Optional; when present, one per training loss. */
static gboolean
read_stages (JsonObject *fo, NdProjectFile *pf, const char *where, GError **error)
{
  const char *key = "loss_running_free";
  JsonArray *a;
  if (!nd_json_get_array (fo, key, &a, where, error))
    return FALSE;
  guint n = a ? json_array_get_length (a) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_BOOLEAN)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s”: value %u must be true or false, not %s"),
                       where, key, i + 1, nd_json_kind_of (e));
          return FALSE;
        }
      guint8 f = json_node_get_boolean (e) ? 1 : 0;
      g_array_append_val (pf->loss_free, f);
    }
  if (n > 0 && n != pf->loss_train->len)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: “%s” has %u values for %u training losses; it must have one for each"), where, key, n,
                   pf->loss_train->len);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_fit (JsonObject *fo, NdProjectFile *pf, GError **error)
{
  const char *where = _("the project’s “fit”");
  JsonArray *va;
  if (!nd_json_get_bool (fo, "fitted", FALSE, &pf->fitted, where, error)
      || !nd_json_get_array (fo, "validation", &va, where, error))
    return FALSE;
  for (guint i = 0; va && i < json_array_get_length (va); i++)
    {
      JsonNode *en = json_array_get_element (va, i);
      NdSweepScore sc = { 0 };
      if (!JSON_NODE_HOLDS_OBJECT (en))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: score %u of “validation” must be an object { … }, not %s"),
                       where, i + 1, nd_json_kind_of (en));
          return FALSE;
        }
      if (!read_score (json_node_get_object (en), pf, &sc, where, error))
        return FALSE;
      g_array_append_val (pf->scores, sc);
    }
  if (!read_loss (fo, "loss_train_mV2", pf->loss_train, where, error)
      || !read_loss (fo, "loss_validation_mV2", pf->loss_val, where, error))
    return FALSE;
  /* Validation not evaluated for every training step: NaN where missing. */
  guint n = pf->loss_val->len;
  g_array_set_size (pf->loss_val, pf->loss_train->len);
  for (guint i = n; i < pf->loss_val->len; i++)
    g_array_index (pf->loss_val, double, i) = NAN;
  return read_stages (fo, pf, where, error);
}

static void
add_double_array (JsonBuilder *b, const char *name, const GArray *v)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < v->len; i++)
    {
      /* JSON has no NaN: "not evaluated" is null. */
      double x = g_array_index (v, double, i);
      if (isfinite (x))
        json_builder_add_double_value (b, x);
      else
        json_builder_add_null_value (b);
    }
  json_builder_end_array (b);
}

static void
write_score (JsonBuilder *b, const NdSweepScore *sc)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sweep");
  json_builder_add_int_value (b, sc->sweep);
  json_builder_set_member_name (b, "rmse_mV");
  json_builder_add_double_value (b, isfinite (sc->rmse_mV) ? sc->rmse_mV : -1.0);
  json_builder_set_member_name (b, "spikes_recorded");
  json_builder_add_int_value (b, sc->spikes_recorded);
  json_builder_set_member_name (b, "spikes_model");
  json_builder_add_int_value (b, sc->spikes_model);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, sc->role == ND_SWEEP_TRAIN ? "train" : "validate");
  /* "Not measured" is null (no first spike in one of the traces, or spikes all along). */
  nd_json_add_number_or_null (b, "first_spike_shift_ms", sc->first_spike_shift_ms);
  nd_json_add_number_or_null (b, "subthreshold_rmse_mV", sc->subthreshold_rmse_mV);
  if (sc->voltage_clamp)
    {
      nd_json_add_number_or_null (b, "rmse_pA", sc->rmse_pA);
      nd_json_add_number_or_null (b, "peak_pA", sc->peak_pA);
      nd_json_add_number_or_null (b, "peak_model_pA", sc->peak_model_pA);
    }
  json_builder_end_object (b);
}

static void
write_fit (JsonBuilder *b, const NdProjectFile *pf)
{
  json_builder_set_member_name (b, "fit");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "fitted");
  json_builder_add_boolean_value (b, pf->fitted);
  json_builder_set_member_name (b, "validation");
  json_builder_begin_array (b);
  for (guint i = 0; i < pf->scores->len; i++)
    write_score (b, &g_array_index (pf->scores, NdSweepScore, i));
  json_builder_end_array (b);
  add_double_array (b, "loss_train_mV2", pf->loss_train);
  add_double_array (b, "loss_validation_mV2", pf->loss_val);
  /* Only with a stage for every loss (a file of before the stages is written back as it was). */
  if (pf->loss_free->len > 0 && pf->loss_free->len == pf->loss_train->len)
    {
      json_builder_set_member_name (b, "loss_running_free");
      json_builder_begin_array (b);
      for (guint i = 0; i < pf->loss_free->len; i++)
        json_builder_add_boolean_value (b, g_array_index (pf->loss_free, guint8, i) != 0);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

/* ---- the file ---- */

/* The top level: a JSON object of a format this Neurode reads. */
static JsonObject *
read_top (JsonNode *root, GError **error)
{
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *v = o ? json_object_get_member (o, "neurode_project") : NULL;
  if (!v)
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_FORMAT,
                           _("This is not a Neurode project (it has no “neurode_project” entry)"));
      return NULL;
    }
  double format = nd_json_is_number (v) ? json_node_get_double (v) : NAN;
  if (!(format >= 1.0 && format == floor (format)))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT,
                   _("This is not a Neurode project: “neurode_project” must be the format’s number (1), not %s"),
                   nd_json_is_number (v) ? _("a fraction or a number below 1") : nd_json_kind_of (v));
      return NULL;
    }
  if (format > ND_PROJECT_FORMAT)
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_FORMAT, _("This project was saved by a newer version of Neurode"));
      return NULL;
    }
  return o;
}

/* The optional section `key` through its reader. */
static gboolean
read_section (JsonObject *o, const char *key, gboolean (*read) (JsonObject *, NdProjectFile *, GError **),
              NdProjectFile *pf, GError **error)
{
  JsonObject *so;
  if (!nd_json_get_object (o, key, &so, _("the project"), error))
    return FALSE;
  return !so || read (so, pf, error);
}

NdProjectFile *
nd_project_file_parse (const char *json, gsize len, GError **error)
{
  g_autoptr (GError) local = NULL;
  /* Strict JSON of bounded depth first: json-glib recurses once per level (json-input.h). */
  g_autoptr (JsonNode) root = nd_json_parse (json, len, &local);
  if (!root)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("This is not a Neurode project: %s"), local->message);
      return NULL;
    }
  JsonObject *o = read_top (root, error), *ro, *wo;
  if (!o)
    return NULL;
  g_autoptr (NdProjectFile) pf = nd_project_file_new ();
  if (!(pf->model = read_model (o, error)) || !nd_json_get_object (o, "recording", &ro, _("the project"), error)
      || !nd_json_get_object (o, "fitted_with", &wo, _("the project"), error))
    return NULL;
  if (ro && !(pf->recording = read_recording (ro, _("the project’s “recording”"), error)))
    return NULL;
  /* Fitted together with the recording: meaningless without one. */
  if (ro && wo && !(pf->fitted_with = read_recording (wo, _("the project’s “fitted_with”"), error)))
    return NULL;
  /* The selection before the fit: scores of older files take their role from it. */
  if (!read_section (o, "selection", read_selection, pf, error) || !read_section (o, "builder", read_builder, pf, error)
      || !read_section (o, "fit", read_fit, pf, error))
    return NULL;
  return g_steal_pointer (&pf);
}

NdProjectFile *
nd_project_file_load (const char *path, GError **error)
{
  gsize len;
  /* A device or a huge file is refused before it is read (json-input.h). */
  g_autofree char *data = nd_read_file_bounded (path, ND_JSON_MAX_BYTES, _("project"), &len, error);
  return data ? nd_project_file_parse (data, len, error) : NULL;
}

char *
nd_project_file_to_string (const NdProjectFile *pf, const char *project_path)
{
  g_return_val_if_fail (pf->model != NULL, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "neurode_project");
  json_builder_add_int_value (b, ND_PROJECT_FORMAT);
  if (pf->recording)
    {
      write_recording (b, "recording", pf->recording, project_path);
      if (pf->fitted_with)
        write_recording (b, "fitted_with", pf->fitted_with, project_path);
      write_selection (b, pf);
    }
  write_model (b, pf->model);
  write_builder (b, pf);
  write_fit (b, pf);
  json_builder_end_object (b);
  return nd_json_builder_to_text (b);
}
