/* nd-project.c: the project model and its .neurode files.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cell-recording.h"
#include "fit-data.h"
#include "icg-registry.h"
#include "json-input.h"
#include "learned-gate.h"
#include "model-file.h"
#include "nd-error.h"
#include "nd-project.h"
#include "units.h"

struct _NdProject
{
  GObject parent_instance;

  GFile *file;
  gboolean dirty;
  guint64 generation;

  /* nd_project_start_new() gives every field below its value for a new project. */
  char *recording_path;     /* also while the recording is missing */
  NdRecording *recording;
  NdProjectRecording *missing;  /* what the file said of its recording while it cannot be found */
  char *missing_problem;    /* why it could not be read when it was found; NULL when not found */
  GArray *roles;            /* NdSweepRole per sweep */
  double window_start, window_end;
  double ljp_mV;            /* liquid-junction potential, set on the recording too */
  double c_known_pF;        /* capacitance the user knows, NAN: measured */
  /* Another recording of the cell fitted together with this one; while it cannot be found, what the file
   * said of it. */
  char *with_path;
  NdRecording *with;
  NdProjectRecording *with_missing;

  double cm, area, v_init, celsius;
  double settle_ms;         /* model.h: the settling before sample 0 */
  guint n_known;
  NdKnownSpec *known;
  GArray *catalogue;        /* NdCatalogueSpec */
  NdLearnedSpec learned;
  nd_model *model;
  gboolean model_edited;    /* see nd_project_get_model_edited() */

  gboolean fitted;
  GArray *scores;           /* NdSweepScore */
  GArray *loss_train, *loss_val;
  GArray *loss_free;               /* guint8, empty or as long as loss_train */
};

G_DEFINE_FINAL_TYPE (NdProject, nd_project, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, SIGNAL_RECORDING_CHANGED, SIGNAL_LOADED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const struct { int width, depth; } net_sizes[] = { { 16, 1 }, { 32, 2 }, { 64, 3 } };

static void
touch (NdProject *self)
{
  self->dirty = TRUE;
  self->generation++;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
learned_spec_default (NdLearnedSpec *l)
{
  memset (l, 0, sizeof *l);
  l->enabled = TRUE;
  g_strlcpy (l->name, "K", sizeof l->name);
  l->gbar = 36.0;
  l->e = -75.0;
  l->n_gates = 1;
  g_strlcpy (l->gate_name[0], "n", sizeof l->gate_name[0]);
  g_strlcpy (l->gate_name[1], "h", sizeof l->gate_name[1]);
  l->power[0] = 4;
  l->power[1] = 1;
  l->size = ND_NET_MEDIUM;
}

/* The squid axon's membrane (2 pi x 1 um x 10 um), a new project's. */
#define DEFAULT_AREA_UM2 (2.0 * G_PI * 1.0 * 10.0)

static NdKnownSpec
known_spec_default (const nd_channel_kind *kind, gboolean enabled)
{
  return (NdKnownSpec) { .enabled = enabled, .gbar = kind->gbar_default, .e = kind->e_default };
}

static void
spec_default (NdProject *self)
{
  const nd_channel_kind *const *lib = nd_channel_library ();
  self->cm = 1.0;
  self->area = DEFAULT_AREA_UM2;
  self->v_init = -70.0;
  self->celsius = 6.3;
  self->settle_ms = 0.0;
  for (guint i = 0; i < self->n_known; i++)
    self->known[i] = known_spec_default (lib[i], g_str_equal (lib[i]->type, "hh_na") || g_str_equal (lib[i]->type, "leak"));
  learned_spec_default (&self->learned);
}

/* ---- what a fit may change of a known channel ---- */

static gboolean
known_spec_equal (const NdKnownSpec *a, const NdKnownSpec *b)
{
  return a->enabled == b->enabled && a->gbar == b->gbar && a->e == b->e && a->fit_gbar == b->fit_gbar
         && a->fit_e == b->fit_e && a->gbar_lo == b->gbar_lo && a->gbar_hi == b->gbar_hi && a->e_lo == b->e_lo
         && a->e_hi == b->e_hi && a->v_shift == b->v_shift && a->fit_v_shift == b->fit_v_shift
         && a->v_shift_inact == b->v_shift_inact && a->fit_v_shift_inact == b->fit_v_shift_inact;
}

/* A new spec replacing `old`: a value set to another forgets a range given around the old one. */
static NdKnownSpec
known_spec_edited (const NdKnownSpec *old, const NdKnownSpec *spec)
{
  NdKnownSpec s = *spec;
  if (s.gbar != old->gbar && s.gbar_lo == old->gbar_lo && s.gbar_hi == old->gbar_hi)
    s.gbar_lo = s.gbar_hi = 0.0;
  if (s.e != old->e && s.e_lo == old->e_lo && s.e_hi == old->e_hi)
    s.e_lo = s.e_hi = 0.0;
  s.v_shift = CLAMP (s.v_shift, -ND_VSHIFT_MAX_MV, ND_VSHIFT_MAX_MV);
  s.v_shift_inact = CLAMP (s.v_shift_inact, -ND_VSHIFT_MAX_MV, ND_VSHIFT_MAX_MV);
  return s;
}

/* Catalogue channels have the same fit choices as library ones; they are handled as NdKnownSpec. */
static NdKnownSpec
catalogue_as_known (const NdCatalogueSpec *cs)
{
  return (NdKnownSpec) { .enabled = cs->enabled, .gbar = cs->gbar, .e = cs->e, .fit_gbar = cs->fit_gbar,
                         .fit_e = cs->fit_e, .gbar_lo = cs->gbar_lo, .gbar_hi = cs->gbar_hi, .e_lo = cs->e_lo,
                         .e_hi = cs->e_hi, .v_shift = cs->v_shift, .fit_v_shift = cs->fit_v_shift };
}

static NdCatalogueSpec
catalogue_from_known (const NdKnownSpec *k, const nd_channel_kind *kind)
{
  return (NdCatalogueSpec) { .enabled = k->enabled, .gbar = k->gbar, .e = k->e, .kind = kind,
                             .fit_gbar = k->fit_gbar, .fit_e = k->fit_e, .gbar_lo = k->gbar_lo,
                             .gbar_hi = k->gbar_hi, .e_lo = k->e_lo, .e_hi = k->e_hi, .v_shift = k->v_shift,
                             .fit_v_shift = k->fit_v_shift };
}

/* The physiological bounds of every reversal potential (model.c); others are a range of the spec's. */
#define E_BOUND_MV 200.0

/* Sets known channel c of m to what the spec lets a fit change. */
static void
apply_fit_choices (nd_model *m, int c, const NdKnownSpec *s)
{
  const nd_channel *ch = &m->channels[c];
  nd_param_block *bg = &m->blocks[ch->block_gbar];
  double g = m->params[bg->offset];
  if (s->gbar_hi > s->gbar_lo && s->gbar_lo >= 0.0 && s->gbar_lo <= g && g <= s->gbar_hi && s->gbar_hi <= ND_GBAR_MAX)
    {
      bg->lo = s->gbar_lo;
      bg->hi = s->gbar_hi;
    }
  else if (s->fit_gbar)
    {
      /* A channel set to 0 may grow up to the factor around its published conductance. */
      double base = g > 0.0 ? g : ch->kind->gbar_default;
      bg->lo = g / ND_FIT_GBAR_FACTOR;
      bg->hi = base > 0.0 ? fmin (base * ND_FIT_GBAR_FACTOR, ND_GBAR_MAX) : ND_GBAR_MAX;
    }
  bg->trainable = s->fit_gbar;
  nd_param_block *be = &m->blocks[ch->block_e];
  double e = m->params[be->offset];
  if (s->e_hi > s->e_lo && s->e_lo >= -E_BOUND_MV && s->e_lo <= e && e <= s->e_hi && s->e_hi <= E_BOUND_MV)
    {
      be->lo = s->e_lo;
      be->hi = s->e_hi;
    }
  else if (s->fit_e)
    {
      be->lo = fmax (e - ND_FIT_E_RANGE_MV, -E_BOUND_MV);
      be->hi = fmin (e + ND_FIT_E_RANGE_MV, E_BOUND_MV);
    }
  be->trainable = s->fit_e;
  if (ch->block_vshift >= 0)
    {
      nd_param_block *bv = &m->blocks[ch->block_vshift];
      m->params[bv->offset] = CLAMP (s->v_shift, bv->lo, bv->hi);
      bv->trainable = s->fit_v_shift;
    }
  if (ch->block_hshift >= 0)
    {
      nd_param_block *bh = &m->blocks[ch->block_hshift];
      m->params[bh->offset] = CLAMP (s->v_shift_inact, bh->lo, bh->hi);
      bh->trainable = s->fit_v_shift_inact;
    }
}

/* The spec of known channel c of m, enabled. */
static NdKnownSpec
known_spec_of (const nd_model *m, int c)
{
  const nd_channel *ch = &m->channels[c];
  const nd_param_block *bg = &m->blocks[ch->block_gbar];
  const nd_param_block *be = &m->blocks[ch->block_e];
  /* Bounds other than the physiological ones are the model's own range. */
  gboolean range = bg->lo > 0.0 || bg->hi < ND_GBAR_MAX, e_range = be->lo > -E_BOUND_MV || be->hi < E_BOUND_MV;
  return (NdKnownSpec) {
    .enabled = TRUE,
    .gbar = m->params[bg->offset],
    .e = m->params[m->blocks[ch->block_e].offset],
    .fit_gbar = bg->trainable,
    .fit_e = m->blocks[ch->block_e].trainable,
    .gbar_lo = range ? bg->lo : 0.0,
    .gbar_hi = range ? bg->hi : 0.0,
    .e_lo = e_range ? be->lo : 0.0,
    .e_hi = e_range ? be->hi : 0.0,
    .v_shift = nd_model_v_shift (m, c),
    .fit_v_shift = ch->block_vshift >= 0 && m->blocks[ch->block_vshift].trainable,
    .v_shift_inact = nd_model_inact_shift (m, c),
    .fit_v_shift_inact = ch->block_hshift >= 0 && m->blocks[ch->block_hshift].trainable,
  };
}

/* The model a new recording starts from. Every way of opening a recording comes here, so what a real
 * recording starts from is decided in this one place. */
static void
spec_for_new_recording (NdProject *self, const NdRecording *rec)
{
  spec_default (self);
  g_array_set_size (self->catalogue, 0);
  /* A voltage-clamp recording's capacitive transients give the cell's capacitance, and so the area
   * that turns its current into a density (clamp.h). */
  double c_pF = rec && nd_recording_is_voltage_clamp (rec) ? nd_cell_capacitance_from_clamp (rec, NULL) : NAN;
  if (isfinite (c_pF) && c_pF > 0.0)
    self->area = 100.0 * c_pF / self->cm;
}

static void rebuild (NdProject *self);

/* A new project's model: a current-clamp recording of a real cell starts from the cortical or
 * hippocampal template sized to it (templates.h); the squid axon is one choice away in the Model view. */
static void
model_for_new_recording (NdProject *self)
{
  if (nd_recording_clamp_mode (self->recording) == ND_CLAMP_VOLTAGE)
    {
      rebuild (self);
      return;
    }
  nd_project_apply_template (self, ND_TEMPLATE_CORTICAL);
}

static nd_model *
build_model (NdProject *self)
{
  nd_model *m = nd_model_new (self->cm, self->area, self->v_init, self->celsius);
  if (!m)
    return NULL;
  m->settle_ms = self->settle_ms;
  for (guint i = 0; i < self->n_known; i++)
    if (self->known[i].enabled)
      {
        int c = nd_model_add_known (m, nd_channel_library ()[i], self->known[i].gbar, self->known[i].e);
        if (c >= 0)
          apply_fit_choices (m, c, &self->known[i]);
      }
  for (guint i = 0; i < self->catalogue->len; i++)
    {
      const NdCatalogueSpec *cs = &g_array_index (self->catalogue, NdCatalogueSpec, i);
      if (!cs->enabled)
        continue;
      int c = nd_model_add_known (m, cs->kind, cs->gbar, cs->e);
      NdKnownSpec k = catalogue_as_known (cs);
      if (c >= 0)
        apply_fit_choices (m, c, &k);
    }
  const NdLearnedSpec *l = &self->learned;
  if (l->enabled)
    {
      nd_learned_gate net;
      int s = CLAMP ((int) l->size, 0, 2);
      nd_learned_gate_make (&net, net_sizes[s].width, net_sizes[s].depth, ND_ACT_TANH, true);
      const char *names[2] = { l->gate_name[0], l->gate_name[1] };
      const int powers[2] = { (int) lround (CLAMP (l->power[0], 1.0, 8.0)), (int) lround (CLAMP (l->power[1], 1.0, 8.0)) };
      int c = nd_model_add_learned (m, l->name[0] ? l->name : "learned", l->gbar, l->e, CLAMP (l->n_gates, 1, 2),
                                    names, powers, &net);
      if (c >= 0)
        {
          nd_channel *ch = &m->channels[c];
          m->blocks[ch->block_gbar].trainable = l->fit_gbar;
          m->blocks[ch->block_e].trainable = l->fit_e;
          for (int g = 0; g < ch->n_gates; g++)
            {
              /* The exponent in use is a parameter: it may be fitted, and keeps a fitted (real) value. */
              nd_param_block *pb = &m->blocks[ch->learned[g].block_power];
              m->params[pb->offset] = CLAMP (l->power[g], pb->lo, pb->hi);
              pb->trainable = l->fit_power[g];
            }
        }
      nd_fit_init_networks (m, 0, 1.0);
    }
  nd_model_params_changed (m);
  return m;
}

/* Keeps the old model's network weights (and the gates' priors) when the new one has networks of the same
 * shape; FALSE when they could not all be kept. */
static gboolean
carry_weights (nd_model *to, const nd_model *from)
{
  int ct = nd_model_learned_channel (to), cf = nd_model_learned_channel (from);
  if (ct < 0 || cf < 0 || to->channels[ct].n_gates != from->channels[cf].n_gates)
    return FALSE;
  gboolean all = TRUE;
  for (int g = 0; g < to->channels[ct].n_gates; g++)
    {
      const nd_param_block *bt = &to->blocks[to->channels[ct].learned[g].block];
      const nd_param_block *bf = &from->blocks[from->channels[cf].learned[g].block];
      if (bt->count == bf->count)
        memcpy (to->params + bt->offset, from->params + bf->offset, bt->count * sizeof (double));
      else
        all = FALSE;
      /* The gate's Boltzmann prior (a fit may have set it; the network learned what differs from it). */
      nd_param_block *pt = &to->blocks[to->channels[ct].learned[g].block_prior];
      const nd_param_block *pf = &from->blocks[from->channels[cf].learned[g].block_prior];
      memcpy (to->params + pt->offset, from->params + pf->offset, MIN (pt->count, pf->count) * sizeof (double));
      pt->trainable = pf->trainable;
    }
  nd_model_params_changed (to);
  return all;
}

static void clear_fit (NdProject *self);

static void
rebuild (NdProject *self)
{
  nd_model *m = build_model (self);
  if (!m)
    return;
  if (self->model)
    {
      /* New networks have not learned anything: the fit results no longer describe the model. */
      if (!carry_weights (m, self->model) && nd_model_learned_channel (m) >= 0)
        clear_fit (self);
      nd_model_free (self->model);
    }
  self->model = m;
}

static double
param_value (const nd_model *m, int block)
{
  return m->params[m->blocks[block].offset];
}

/* The builder spec that describes m (library channels not in m keep their defaults, off). */
static void
spec_from_model (NdProject *self, const nd_model *m)
{
  const nd_channel_kind *const *lib = nd_channel_library ();
  self->cm = m->cm;
  self->area = m->area_um2;
  self->v_init = m->v_init;
  self->celsius = m->celsius;
  self->settle_ms = m->settle_ms;
  for (guint i = 0; i < self->n_known; i++)
    self->known[i] = known_spec_default (lib[i], FALSE);
  char replaces[32];
  g_strlcpy (replaces, self->learned.replaces, sizeof replaces);
  learned_spec_default (&self->learned);
  self->learned.enabled = FALSE;
  g_strlcpy (self->learned.replaces, replaces, sizeof replaces);
  /* Catalogue channels: the model's, then the disabled ones the builder had (not in any model). */
  g_autoptr (GArray) off = self->catalogue;
  self->catalogue = g_array_new (FALSE, TRUE, sizeof (NdCatalogueSpec));
  for (int c = 0; c < m->n_channels; c++)
    if (m->channels[c].slot == ND_CHANNEL_KNOWN && nd_icg_kind_source (m->channels[c].kind, NULL, NULL, NULL))
      {
        NdKnownSpec k = known_spec_of (m, c);
        NdCatalogueSpec cs = catalogue_from_known (&k, m->channels[c].kind);
        g_array_append_val (self->catalogue, cs);
      }
  for (guint i = 0; i < off->len; i++)
    if (!g_array_index (off, NdCatalogueSpec, i).enabled)
      g_array_append_val (self->catalogue, g_array_index (off, NdCatalogueSpec, i));
  for (int c = 0; c < m->n_channels; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->slot == ND_CHANNEL_KNOWN)
        {
          for (guint i = 0; i < self->n_known; i++)
            if (lib[i] == ch->kind)
              self->known[i] = known_spec_of (m, c);
        }
      else if (ch->slot == ND_CHANNEL_LEARNED && !self->learned.enabled)
        {
          NdLearnedSpec *l = &self->learned;
          l->enabled = TRUE;
          g_strlcpy (l->name, ch->name, sizeof l->name);
          l->gbar = param_value (m, ch->block_gbar);
          l->e = param_value (m, ch->block_e);
          l->fit_gbar = m->blocks[ch->block_gbar].trainable;
          l->fit_e = m->blocks[ch->block_e].trainable;
          l->n_gates = MIN (ch->n_gates, 2);
          for (int g = 0; g < l->n_gates; g++)
            {
              g_strlcpy (l->gate_name[g], ch->learned[g].name, sizeof l->gate_name[g]);
              l->power[g] = param_value (m, ch->learned[g].block_power);
              l->fit_power[g] = m->blocks[ch->learned[g].block_power].trainable;
            }
          int width = ch->learned[0].net.shape.width;
          l->size = width <= 16 ? ND_NET_SMALL : width <= 32 ? ND_NET_MEDIUM : ND_NET_LARGE;
        }
    }
}

static void
clear_fit (NdProject *self)
{
  self->fitted = FALSE;
  g_array_set_size (self->scores, 0);
  g_array_set_size (self->loss_train, 0);
  g_array_set_size (self->loss_val, 0);
  g_array_set_size (self->loss_free, 0);
}

NdProject *
nd_project_new (void)
{
  return g_object_new (ND_TYPE_PROJECT, NULL);
}

GFile *
nd_project_get_file (NdProject *self)
{
  return self->file;
}

gboolean
nd_project_get_dirty (NdProject *self)
{
  return self->dirty;
}

void
nd_project_set_dirty (NdProject *self, gboolean dirty)
{
  self->dirty = dirty;
}

guint64
nd_project_get_generation (NdProject *self)
{
  return self->generation;
}

/* ---- recording and selections ---- */

static void
roles_default (NdProject *self)
{
  guint n = self->recording ? nd_recording_n_sweeps (self->recording) : 0;
  g_array_set_size (self->roles, n);
  /* Train on the second sweep (the first is often below threshold), validate on the rest. */
  for (guint s = 0; s < n; s++)
    g_array_index (self->roles, NdSweepRole, s) = n == 1 || s == MIN (1u, n - 1) ? ND_SWEEP_TRAIN : ND_SWEEP_VALIDATE;
}

static void
set_recording (NdProject *self, NdRecording *rec)
{
  g_clear_pointer (&self->recording, nd_recording_free);
  g_clear_pointer (&self->missing, nd_project_recording_free);
  g_clear_pointer (&self->missing_problem, g_free);
  g_free (self->recording_path);
  self->recording = rec;
  /* Absolute, so that the saved path means the same from wherever Neurode is started. */
  self->recording_path = rec ? g_canonicalize_filename (nd_recording_path (rec), NULL) : NULL;
}

static void roles_from_cell (NdProject *self);

static void
clear_with (NdProject *self)
{
  g_clear_pointer (&self->with, nd_recording_free);
  g_clear_pointer (&self->with_missing, nd_project_recording_free);
  g_clear_pointer (&self->with_path, g_free);
}

/* A recording new to the project: its sweeps' roles and fit window from scratch, no junction potential
 * or known capacitance yet. */
static void
adopt_recording (NdProject *self, NdRecording *rec)
{
  set_recording (self, rec);
  /* Another cell, most likely: what was fitted with the last recording is not this one's. */
  clear_with (self);
  roles_default (self);
  self->ljp_mV = 0.0;
  self->c_known_pF = NAN;
  roles_from_cell (self);
  self->window_start = self->window_end = 0.0;
}

void
nd_project_start_new (NdProject *self, NdRecording *rec)
{
  g_return_if_fail (rec != NULL);
  adopt_recording (self, rec);
  spec_for_new_recording (self, rec);
  self->model_edited = FALSE;
  /* Built afresh: nothing of the previous project's networks is carried over. */
  g_clear_pointer (&self->model, nd_model_free);
  model_for_new_recording (self);
  clear_fit (self);
  g_clear_object (&self->file);
  self->generation++;
  /* Nothing is lost by closing a recording just opened: the project is unsaved only once edited. */
  self->dirty = FALSE;
  g_signal_emit (self, signals[SIGNAL_RECORDING_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

/* ---- the recording fitted together with the project's ---- */

const char *
nd_project_get_fitted_with_path (NdProject *self)
{
  return self->with_path;
}

NdRecording *
nd_project_get_fitted_with (NdProject *self)
{
  return self->with;
}

gboolean
nd_project_get_fitted_with_missing (NdProject *self)
{
  return self->with_missing != NULL;
}

/* The with-recording's sweeps as a fit of `model` reads them: all train. */
static NdFitData *
with_data (NdProject *self, NdRecording *with, const nd_model *model, double max_dt_ms, double clamp_skip_ms,
           GError **error)
{
  /* Same cell, same solutions: the project's liquid-junction potential is its too (as neurode-cli fit --with). */
  nd_recording_set_ljp (with, self->ljp_mV);
  NdFitDataSpec spec = { .max_dt_ms = max_dt_ms, .clamp_skip_ms = clamp_skip_ms };
  GError *local = NULL;
  NdFitData *d = nd_fit_data_new (with, model, &spec, &local);
  if (!d)
    g_propagate_prefixed_error (error, local, _("The recording to fit together with this one cannot be used: "));
  return d;
}

gboolean
nd_project_set_fitted_with (NdProject *self, const char *path, GError **error)
{
  if (!path)
    {
      if (!self->with_path)
        return TRUE;
      clear_with (self);
      touch (self);
      return TRUE;
    }
  g_autofree char *canon = g_canonicalize_filename (path, NULL);
  if (self->recording_path && g_str_equal (canon, self->recording_path))
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID,
                           _("This is the project’s own recording: choose another recording of the same cell"));
      return FALSE;
    }
  NdRecording *rec = nd_recording_load (canon, error);
  if (!rec)
    return FALSE;
  /* Refused now, in the user's words, rather than when Start is pressed. */
  NdFitData *d = with_data (self, rec, self->model, 0.025, 0.0, error);
  if (!d)
    {
      nd_recording_free (rec);
      return FALSE;
    }
  nd_fit_data_free (d);
  clear_with (self);
  self->with = rec;
  self->with_path = g_steal_pointer (&canon);
  touch (self);
  return TRUE;
}

const char *
nd_project_get_recording_path (NdProject *self)
{
  return self->recording_path;
}

gboolean
nd_project_get_recording_missing (NdProject *self)
{
  return self->missing != NULL;
}

const char *
nd_project_get_recording_problem (NdProject *self)
{
  return self->missing_problem;
}

/* The most sweeps a project's selections are kept for while its recording is missing. */
#define MAX_FILE_SWEEPS 100000u

/* The sweep count the project's selections were made for: the recording's, the count the file recorded,
 * or (older files) at least one more than the highest sweep chosen. `exact` says whether it is known. */
static guint
expected_sweeps (NdProject *self, gboolean *exact)
{
  *exact = TRUE;
  if (self->recording)
    return nd_recording_n_sweeps (self->recording);
  if (self->missing && self->missing->n_sweeps > 0)
    return MIN (self->missing->n_sweeps, MAX_FILE_SWEEPS);
  *exact = FALSE;
  guint n = 0;
  for (guint s = 0; s < self->roles->len; s++)
    if (g_array_index (self->roles, NdSweepRole, s) != ND_SWEEP_IGNORE)
      n = s + 1;
  return n;
}

/* The signal count of the project's recording, or 0 when the file does not say. */
static guint
expected_signals (NdProject *self)
{
  if (self->recording)
    return nd_recording_n_signals (self->recording);
  return self->missing ? self->missing->signals->len : 0;
}

char *
nd_project_check_recording (NdProject *self, NdRecording *rec)
{
  g_autoptr (GString) why = g_string_new (NULL);
  gboolean exact;
  guint want = expected_sweeps (self, &exact), have = nd_recording_n_sweeps (rec);
  if (exact && want != have)
    g_string_append_printf (why, g_dngettext (GETTEXT_PACKAGE, "It has %u sweep; the project’s recording had %u.",
                                              "It has %u sweeps; the project’s recording had %u.", have),
                            have, want);
  else if (!exact && want > have)
    g_string_append_printf (why, g_dngettext (GETTEXT_PACKAGE, "It has %u sweep; the project uses sweep %u.",
                                              "It has %u sweeps; the project uses sweep %u.", have),
                            have, want);
  guint want_sig = expected_signals (self), have_sig = nd_recording_n_signals (rec);
  if (want_sig > 0 && want_sig != have_sig)
    {
      if (why->len)
        g_string_append_c (why, ' ');
      g_string_append_printf (why, g_dngettext (GETTEXT_PACKAGE, "It has %u signal; the project’s recording had %u.",
                                                "It has %u signals; the project’s recording had %u.", have_sig),
                              have_sig, want_sig);
    }
  return why->len ? g_string_free (g_steal_pointer (&why), FALSE) : NULL;
}

void
nd_project_relocate_recording (NdProject *self, NdRecording *rec)
{
  g_return_if_fail (rec != NULL);
  /* The stimulus the file chose, when the located recording offers it. */
  if (self->missing)
    nd_project_recording_apply (self->missing, rec, NULL);
  /* The project's liquid-junction potential applies to the located file too. */
  nd_recording_set_ljp (rec, self->ljp_mV);
  set_recording (self, rec);
  /* The choices stay; sweeps the project did not know are not used until chosen. */
  guint old = self->roles->len, n = nd_recording_n_sweeps (rec);
  g_array_set_size (self->roles, n);
  for (guint s = old; s < n; s++)
    g_array_index (self->roles, NdSweepRole, s) = ND_SWEEP_IGNORE;
  g_signal_emit (self, signals[SIGNAL_RECORDING_CHANGED], 0);
  touch (self);
}

gboolean
nd_project_load_recording (NdProject *self, const char *path, GError **error)
{
  NdRecording *rec = nd_recording_load (path, error);
  if (!rec)
    return FALSE;
  adopt_recording (self, rec);
  clear_fit (self);
  g_signal_emit (self, signals[SIGNAL_RECORDING_CHANGED], 0);
  touch (self);
  return TRUE;
}

NdRecording *
nd_project_get_recording (NdProject *self)
{
  return self->recording;
}

int
nd_project_get_trace_signal (NdProject *self)
{
  if (!self->recording)
    return -1;
  guint n = nd_recording_n_signals (self->recording);
  /* The recorded response: the membrane potential, in voltage clamp the current. */
  NdQuantity want = nd_recording_is_voltage_clamp (self->recording) ? ND_QUANTITY_CURRENT : ND_QUANTITY_VOLTAGE;
  for (guint i = 0; i < n; i++)
    if (nd_units_parse (nd_recording_signal (self->recording, i)->units, NULL) == want
        && (int) i != nd_recording_stimulus_signal (self->recording))
      return (int) i;
  return n > 0 ? 0 : -1;
}

gboolean
nd_project_set_stimulus (NdProject *self, NdStimulusSource source, int signal, GError **error)
{
  if (!self->recording)
    return FALSE;
  if (nd_recording_stimulus_source (self->recording) == source
      && (source != ND_STIMULUS_SIGNAL || nd_recording_stimulus_signal (self->recording) == signal))
    return TRUE;
  if (!nd_recording_set_stimulus (self->recording, source, signal, error))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_RECORDING_CHANGED], 0);
  touch (self);
  return TRUE;
}

NdSweepRole
nd_project_get_sweep_role (NdProject *self, guint sweep)
{
  return sweep < self->roles->len ? g_array_index (self->roles, NdSweepRole, sweep) : ND_SWEEP_IGNORE;
}

void
nd_project_set_sweep_role (NdProject *self, guint sweep, NdSweepRole role)
{
  if (sweep >= self->roles->len || g_array_index (self->roles, NdSweepRole, sweep) == role)
    return;
  g_array_index (self->roles, NdSweepRole, sweep) = role;
  touch (self);
}

/* ---- the cell: default training sweeps, liquid-junction potential, known capacitance ---- */

/* A step protocol: train on the most hyperpolarising step, the rheobase sweep and the strongest step; a sine
 * sweep or another waveform whose passive figures were fitted: sweeps spread over the recording
 * (cell-props.h), validate on the rest. Anything else keeps roles_default(). */
static void
roles_from_cell (NdProject *self)
{
  int train[3];
  /* The split neurode-cli fit makes (fit-plan.h). */
  int k = nd_fit_plan_default_train (self->recording, NULL, 0, train, 3);
  if (k == 0)
    return;
  for (guint s = 0; s < self->roles->len; s++)
    g_array_index (self->roles, NdSweepRole, s) = ND_SWEEP_VALIDATE;
  for (int i = 0; i < k; i++)
    nd_project_set_sweep_role_quietly (self, (guint) train[i], ND_SWEEP_TRAIN);
}

void
nd_project_set_sweep_role_quietly (NdProject *self, guint sweep, NdSweepRole role)
{
  if (sweep < self->roles->len)
    g_array_index (self->roles, NdSweepRole, sweep) = role;
}

void
nd_project_set_sweep_roles (NdProject *self, const guint *sweeps, guint n, NdSweepRole role)
{
  gboolean changed = FALSE;
  for (guint i = 0; i < n; i++)
    if (sweeps[i] < self->roles->len && g_array_index (self->roles, NdSweepRole, sweeps[i]) != role)
      {
        g_array_index (self->roles, NdSweepRole, sweeps[i]) = role;
        changed = TRUE;
      }
  if (changed)
    touch (self);
}

double
nd_project_get_ljp (NdProject *self)
{
  return self->ljp_mV;
}

void
nd_project_set_ljp (NdProject *self, double ljp_mV)
{
  if (!isfinite (ljp_mV) || ljp_mV == self->ljp_mV)
    return;
  self->ljp_mV = ljp_mV;
  if (self->recording)
    nd_recording_set_ljp (self->recording, ljp_mV);
  touch (self);
}

double
nd_project_get_known_capacitance (NdProject *self)
{
  return self->c_known_pF;
}

void
nd_project_set_known_capacitance (NdProject *self, double c_pF)
{
  if (!(c_pF > 0.0))
    c_pF = NAN;
  if (c_pF == self->c_known_pF || (isnan (c_pF) && isnan (self->c_known_pF)))
    return;
  self->c_known_pF = c_pF;
  touch (self);
}

void
nd_project_get_window (NdProject *self, double *start_ms, double *end_ms)
{
  *start_ms = self->window_start;
  *end_ms = self->window_end;
}

void
nd_project_set_window (NdProject *self, double start_ms, double end_ms)
{
  if (!(end_ms > start_ms))
    start_ms = end_ms = 0.0;
  if (start_ms == self->window_start && end_ms == self->window_end)
    return;
  self->window_start = MAX (start_ms, 0.0);
  self->window_end = end_ms;
  touch (self);
}

/* ---- model spec ---- */

guint
nd_project_get_n_known (NdProject *self)
{
  return self->n_known;
}

const nd_channel_kind *
nd_project_get_known_kind (NdProject *self, guint i)
{
  return i < self->n_known ? nd_channel_library ()[i] : NULL;
}

NdKnownSpec
nd_project_get_known (NdProject *self, guint i)
{
  g_return_val_if_fail (i < self->n_known, (NdKnownSpec) { 0 });
  return self->known[i];
}

void
nd_project_set_known (NdProject *self, guint i, const NdKnownSpec *spec)
{
  g_return_if_fail (i < self->n_known);
  NdKnownSpec s = known_spec_edited (&self->known[i], spec);
  if (known_spec_equal (&self->known[i], &s))
    return;
  self->known[i] = s;
  self->model_edited = TRUE;
  rebuild (self);
  touch (self);
}

guint
nd_project_get_n_catalogue (NdProject *self)
{
  return self->catalogue->len;
}

NdCatalogueSpec
nd_project_get_catalogue (NdProject *self, guint i)
{
  g_return_val_if_fail (i < self->catalogue->len, (NdCatalogueSpec) { 0 });
  return g_array_index (self->catalogue, NdCatalogueSpec, i);
}

void
nd_project_set_catalogue (NdProject *self, guint i, const NdCatalogueSpec *spec)
{
  g_return_if_fail (i < self->catalogue->len);
  NdCatalogueSpec *cs = &g_array_index (self->catalogue, NdCatalogueSpec, i);
  NdKnownSpec old = catalogue_as_known (cs), given = catalogue_as_known (spec);
  NdKnownSpec s = known_spec_edited (&old, &given);
  if (known_spec_equal (&old, &s))
    return;
  *cs = catalogue_from_known (&s, cs->kind);
  self->model_edited = TRUE;
  rebuild (self);
  touch (self);
}

static guint
catalogue_append (NdProject *self, const nd_channel_kind *kind, gboolean enabled, double gbar, double e)
{
  for (guint i = 0; i < self->catalogue->len; i++)
    if (g_array_index (self->catalogue, NdCatalogueSpec, i).kind == kind)
      return i;
  NdCatalogueSpec cs = { .enabled = enabled, .gbar = gbar, .e = e, .kind = kind };
  g_array_append_val (self->catalogue, cs);
  return self->catalogue->len - 1;
}

gboolean
nd_project_add_catalogue (NdProject *self, const char *icg_class, const char *channel, guint *index,
                          GError **error)
{
  const nd_channel_kind *kind = nd_icg_kind_lookup (icg_class, channel, error);
  if (!kind)
    return FALSE;
  guint n = self->catalogue->len;
  guint i = catalogue_append (self, kind, TRUE, kind->gbar_default, kind->e_default);
  if (index)
    *index = i;
  if (self->catalogue->len != n)
    {
      self->model_edited = TRUE;
      rebuild (self);
      touch (self);
    }
  return TRUE;
}

void
nd_project_remove_catalogue (NdProject *self, guint i)
{
  g_return_if_fail (i < self->catalogue->len);
  g_array_remove_index (self->catalogue, i);
  self->model_edited = TRUE;
  rebuild (self);
  touch (self);
}

NdLearnedSpec
nd_project_get_learned (NdProject *self)
{
  return self->learned;
}

void
nd_project_set_learned (NdProject *self, const NdLearnedSpec *spec)
{
  if (memcmp (&self->learned, spec, sizeof *spec) == 0)
    return;
  self->learned = *spec;
  self->model_edited = TRUE;
  rebuild (self);
  touch (self);
}

void
nd_project_get_membrane (NdProject *self, double *cm, double *area_um2, double *v_init, double *celsius)
{
  *cm = self->cm;
  *area_um2 = self->area;
  *v_init = self->v_init;
  *celsius = self->celsius;
}

void
nd_project_set_membrane (NdProject *self, double cm, double area_um2, double v_init, double celsius)
{
  if (!(cm > 0.0) || !(area_um2 > 0.0))
    return;
  if (cm == self->cm && area_um2 == self->area && v_init == self->v_init && celsius == self->celsius)
    return;
  self->cm = cm;
  self->area = area_um2;
  self->v_init = v_init;
  self->celsius = celsius;
  rebuild (self);
  touch (self);
}

/* The recorded cell's values for a template where the recording measures them (fit-plan.h): resting
 * potential, input resistance, and the membrane area its capacitance implies at the model's specific
 * capacitance (in voltage clamp the area alone). Others stay NAN. */
static void
cell_from_recording (NdProject *self, nd_template_cell *cell)
{
  /* As neurode-cli fit measures it (fit-plan.h); the recording already has the project's liquid-junction
   * potential. */
  if (self->recording)
    nd_fit_plan_template_cell (self->recording, self->cm, self->c_known_pF, cell, NULL);
}

void
nd_project_apply_template (NdProject *self, nd_template_kind kind)
{
  nd_template_cell cell;
  nd_template_cell_unknown (&cell);
  cell.cm_uF_per_cm2 = self->cm;
  cell_from_recording (self, &cell);
  /* What the recording does not measure: the project's membrane; but the squid axon's area, a new
   * project's, is no size for a cortical cell: the template's own area then. */
  if (!isfinite (cell.v_rest_mV))
    cell.v_rest_mV = self->v_init;
  if (!isfinite (cell.area_um2) && (kind != ND_TEMPLATE_CORTICAL || fabs (self->area - DEFAULT_AREA_UM2) > 1e-9))
    cell.area_um2 = self->area;
  nd_model *m = nd_template_model (kind, &cell, true);
  g_return_if_fail (m != NULL);
  /* Catalogue channels stay in the builder, switched off. */
  for (guint i = 0; i < self->catalogue->len; i++)
    g_array_index (self->catalogue, NdCatalogueSpec, i).enabled = FALSE;
  /* The squid template's learned current stands in for Hodgkin and Huxley's potassium channel. */
  g_strlcpy (self->learned.replaces, kind == ND_TEMPLATE_SQUID ? "hh_k" : "", sizeof self->learned.replaces);
  g_clear_pointer (&self->model, nd_model_free);
  self->model = m;
  spec_from_model (self, m);
  clear_fit (self);
  self->model_edited = FALSE;
  touch (self);
}

gboolean
nd_project_get_model_edited (NdProject *self)
{
  return self->model_edited || self->fitted;
}

nd_model *
nd_project_get_model (NdProject *self)
{
  return self->model;
}

void
nd_project_accept_model (NdProject *self, nd_model *fitted, const NdSweepScore *scores, guint n_scores,
                         const double *loss_train, const double *loss_val, const guint8 *loss_free,
                         guint n_loss)
{
  nd_model *copy = nd_model_copy (fitted);
  g_clear_pointer (&self->model, nd_model_free);
  self->model = copy;
  spec_from_model (self, copy);
  clear_fit (self);
  self->fitted = TRUE;
  self->model_edited = TRUE;
  g_array_append_vals (self->scores, scores, n_scores);
  g_array_append_vals (self->loss_train, loss_train, n_loss);
  g_array_append_vals (self->loss_val, loss_val, n_loss);
  if (loss_free)
    g_array_append_vals (self->loss_free, loss_free, n_loss);
  touch (self);
}

gboolean
nd_project_get_fitted (NdProject *self)
{
  return self->fitted;
}

const NdSweepScore *
nd_project_get_scores (NdProject *self, guint *n)
{
  *n = self->scores->len;
  return (const NdSweepScore *) self->scores->data;
}

/* ---- fit data ---- */

NdProjectSweeps *
nd_project_make_fit (NdProject *self, const nd_model *model, const NdFitPlanSpec *choices, GError **error)
{
  if (!self->recording)
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_FORMAT,
                           self->missing ? _("The project’s recording was not found: locate it first")
                                         : _("Open a recording first"));
      return NULL;
    }
  g_autofree int *train = g_new0 (int, self->roles->len + 1), *val = g_new0 (int, self->roles->len + 1);
  int nt = 0, nv = 0;
  for (guint s = 0; s < self->roles->len; s++)
    {
      NdSweepRole r = g_array_index (self->roles, NdSweepRole, s);
      if (r == ND_SWEEP_TRAIN)
        train[nt++] = (int) s;
      else if (r == ND_SWEEP_VALIDATE)
        val[nv++] = (int) s;
    }
  if (nt == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("Choose at least one sweep to train on in the Recording view"));
      return NULL;
    }
  if (self->with_missing)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("The recording fitted together with this one was not found (%s): choose it again or remove it "
                     "in the Fit view"), self->with_path);
      return NULL;
    }
  /* The window's plots start where the recording's traces do: whole sweeps, the window as weights. */
  NdFitPlanSpec spec = *choices;
  spec.train = train;
  spec.n_train = nt;
  spec.val = val;
  spec.n_val = nv;
  spec.window_start_ms = self->window_start;
  spec.window_end_ms = self->window_end;
  spec.whole_sweeps = TRUE;
  NdFitPlan *plan = nd_fit_plan_new (self->recording, model, &spec, error);
  if (!plan)
    return NULL;
  /* As neurode-cli fit --with: the other recording's sweeps train after the project's own. */
  NdFitData *wd = NULL;
  if (self->with && !(wd = with_data (self, self->with, plan->model, spec.max_dt_ms, spec.clamp_skip_ms, error)))
    {
      nd_fit_plan_free (plan);
      return NULL;
    }
  const NdFitData *d = plan->data;
  NdProjectSweeps *out = g_new0 (NdProjectSweeps, 1);
  out->plan = plan;
  out->with = wd;
  out->n_with = wd ? (guint) wd->n_train : 0;
  out->n_train = (guint) d->n_train + out->n_with;
  out->n_val = (guint) d->n_val;
  guint n = out->n_train + out->n_val;
  out->sweep_ids = g_new0 (guint, n);
  out->sweeps = g_new0 (nd_fit_sweep, n);
  for (int k = 0; k < d->n_train; k++)
    {
      out->sweeps[k] = d->train[k];
      out->sweep_ids[k] = (guint) d->train_sweeps[k];
    }
  for (guint k = 0; k < out->n_with; k++)
    {
      out->sweeps[d->n_train + k] = wd->train[k];
      out->sweep_ids[d->n_train + k] = (guint) wd->train_sweeps[k];
    }
  for (int k = 0; k < d->n_val; k++)
    {
      out->sweeps[out->n_train + k] = d->val[k];
      out->sweep_ids[out->n_train + k] = (guint) d->val_sweeps[k];
    }
  return out;
}

NdProjectSweeps *
nd_project_make_sweeps (NdProject *self, const nd_model *model, double max_dt_ms, GError **error)
{
  NdFitPlanSpec choices;
  nd_fit_plan_spec_init (&choices);
  choices.max_dt_ms = max_dt_ms;
  return nd_project_make_fit (self, model, &choices, error);
}

void
nd_project_free_sweeps (NdProjectSweeps *s)
{
  if (!s)
    return;
  nd_fit_plan_free (s->plan);
  nd_fit_data_free (s->with);
  g_free (s->sweeps);
  g_free (s->sweep_ids);
  g_free (s);
}

/* ---- files (the format is engine/io/project-file.c's) ---- */

/* The selections and what the project knows of its recording, as the file holds them. */
static void
recording_to_file (NdProject *self, NdProjectFile *pf)
{
  pf->recording = self->recording ? nd_project_recording_describe (self->recording, self->recording_path)
                                  : nd_project_recording_copy (self->missing);
  g_free (pf->recording->path);
  pf->recording->path = g_strdup (self->recording_path);
  pf->recording->ljp_mV = self->ljp_mV;
  pf->recording->capacitance_pF = self->c_known_pF;
  for (guint s = 0; s < self->roles->len; s++)
    {
      NdSweepRole r = g_array_index (self->roles, NdSweepRole, s);
      if (r != ND_SWEEP_IGNORE)
        g_array_append_val (r == ND_SWEEP_TRAIN ? pf->train : pf->validate, s);
    }
  pf->window_start_ms = self->window_start;
  pf->window_end_ms = self->window_end;
  if (self->with || self->with_missing)
    {
      pf->fitted_with = self->with ? nd_project_recording_describe (self->with, self->with_path)
                                   : nd_project_recording_copy (self->with_missing);
      g_free (pf->fitted_with->path);
      pf->fitted_with->path = g_strdup (self->with_path);
      pf->fitted_with->ljp_mV = self->ljp_mV;
    }
}

/* The project as file data. Its model is the project's own, lent: take it back before freeing. */
static NdProjectFile *
to_file (NdProject *self)
{
  NdProjectFile *pf = nd_project_file_new ();
  if (self->recording_path)
    recording_to_file (self, pf);
  pf->model = self->model;
  pf->network_size = self->learned.size;
  pf->learned_enabled = self->learned.enabled;
  g_free (pf->compare_with);
  pf->compare_with = g_strdup (self->learned.replaces);
  for (guint i = 0; i < self->catalogue->len; i++)
    {
      const NdCatalogueSpec *cs = &g_array_index (self->catalogue, NdCatalogueSpec, i);
      NdProjectCatalogueOff c = { .kind = cs->kind, .gbar = cs->gbar, .e = cs->e, .v_shift = cs->v_shift,
                                  .fit_gbar = cs->fit_gbar, .fit_e = cs->fit_e, .fit_v_shift = cs->fit_v_shift };
      if (!cs->enabled)
        g_array_append_val (pf->catalogue_off, c);
    }
  pf->fitted = self->fitted;
  g_array_append_vals (pf->scores, self->scores->data, self->scores->len);
  g_array_append_vals (pf->loss_train, self->loss_train->data, self->loss_train->len);
  g_array_append_vals (pf->loss_val, self->loss_val->data, self->loss_val->len);
  g_array_append_vals (pf->loss_free, self->loss_free->data, self->loss_free->len);
  return pf;
}

char *
nd_project_to_json (NdProject *self, GFile *relative_to)
{
  g_autofree char *project_path = relative_to ? g_file_get_path (relative_to) : NULL;
  NdProjectFile *pf = to_file (self);
  char *json = nd_project_file_to_string (pf, project_path);
  pf->model = NULL;
  nd_project_file_free (pf);
  return json;
}

gboolean
nd_project_save (NdProject *self, GFile *file, GError **error)
{
  g_autofree char *json = nd_project_to_json (self, file);
  /* g_file_replace_contents writes a temporary file and renames it over the old one. */
  if (!g_file_replace_contents (file, json, strlen (json), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, NULL, error))
    return FALSE;
  if (file != self->file)
    g_set_object (&self->file, file);
  self->dirty = FALSE;
  return TRUE;
}

/* The recording: where it was, then where it is relative to the project (a folder moved with its project
 * and recordings). One that cannot be found is asked for later: the project opens without it, keeping what
 * the file says about it (nd_project_relocate_recording). */
static void
take_recording (NdProject *self, NdProjectFile *pf, const char *project_path)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) rec_error = NULL;
  NdRecording *rec = pf->recording ? nd_project_file_open_recording (pf, project_path, &path, &rec_error) : NULL;
  /* The file is the caller's to set (nd_project_open): text from elsewhere (the demo, a crash copy) is
   * saved nowhere yet, and never into the last project's file. */
  g_clear_object (&self->file);
  set_recording (self, rec);
  self->ljp_mV = pf->recording ? pf->recording->ljp_mV : 0.0;
  self->c_known_pF = pf->recording ? pf->recording->capacitance_pF : NAN;
  if (pf->recording && !rec && path)
    {
      self->missing = g_steal_pointer (&pf->recording);
      self->recording_path = g_steal_pointer (&path);
      /* Why it could not be read when it was found. */
      if (!g_error_matches (rec_error, ND_ERROR, ND_ERROR_NOT_FOUND))
        self->missing_problem = g_strdup (rec_error->message);
    }
}

/* The recording fitted together with it, looked for as the project's own is; one not found is kept as the
 * file describes it, for the Fit view to ask for. */
static void
take_with (NdProject *self, NdProjectFile *pf, const char *project_path)
{
  clear_with (self);
  if (!pf->fitted_with)
    return;
  g_autofree char *path = NULL;
  self->with = nd_project_recording_open (pf->fitted_with, _("the recording fitted together with it"), project_path,
                                          &path, NULL);
  self->with_path = self->with ? g_canonicalize_filename (path, NULL) : g_strdup (path);
  if (!self->with)
    self->with_missing = g_steal_pointer (&pf->fitted_with);
}

static void
take_selection (NdProject *self, const NdProjectFile *pf)
{
  roles_default (self);
  if (self->missing)
    {
      /* The selections are kept for the recording's sweeps, as many as the file says it had. */
      guint n = MIN (self->missing->n_sweeps, MAX_FILE_SWEEPS);
      for (guint i = 0; i < pf->train->len; i++)
        n = MAX (n, MIN (g_array_index (pf->train, guint, i), MAX_FILE_SWEEPS - 1) + 1);
      for (guint i = 0; i < pf->validate->len; i++)
        n = MAX (n, MIN (g_array_index (pf->validate, guint, i), MAX_FILE_SWEEPS - 1) + 1);
      g_array_set_size (self->roles, n);
    }
  for (guint s = 0; s < self->roles->len; s++)
    g_array_index (self->roles, NdSweepRole, s) = nd_project_file_sweep_role (pf, s);
  self->window_start = pf->window_start_ms;
  self->window_end = pf->window_end_ms;
}

static void
take_model (NdProject *self, NdProjectFile *pf)
{
  g_strlcpy (self->learned.replaces, pf->compare_with, sizeof self->learned.replaces);
  g_clear_pointer (&self->model, nd_model_free);
  self->model = g_steal_pointer (&pf->model);
  g_array_set_size (self->catalogue, 0);
  spec_from_model (self, self->model);
  /* A saved model is someone's work. */
  self->model_edited = TRUE;
  for (guint i = 0; i < pf->catalogue_off->len; i++)
    {
      const NdProjectCatalogueOff *c = &g_array_index (pf->catalogue_off, NdProjectCatalogueOff, i);
      guint k = catalogue_append (self, c->kind, FALSE, c->gbar, c->e);
      NdCatalogueSpec *cs = &g_array_index (self->catalogue, NdCatalogueSpec, k);
      cs->fit_gbar = c->fit_gbar;
      cs->fit_e = c->fit_e;
      cs->fit_v_shift = c->fit_v_shift;
      cs->v_shift = c->v_shift;
    }
  if (!pf->learned_enabled)
    self->learned.enabled = FALSE;
}

static void
take_fit (NdProject *self, const NdProjectFile *pf)
{
  clear_fit (self);
  self->fitted = pf->fitted;
  g_array_append_vals (self->scores, pf->scores->data, pf->scores->len);
  g_array_append_vals (self->loss_train, pf->loss_train->data, pf->loss_train->len);
  g_array_append_vals (self->loss_val, pf->loss_val->data, pf->loss_val->len);
  g_array_append_vals (self->loss_free, pf->loss_free->data, pf->loss_free->len);
}

gboolean
nd_project_load_json (NdProject *self, const char *json, GFile *base, GError **error)
{
  g_autoptr (NdProjectFile) pf = nd_project_file_parse (json, strlen (json), error);
  if (!pf)
    return FALSE;
  /* Everything is read: replace the content. */
  g_autofree char *project_path = base ? g_file_get_path (base) : NULL;
  take_recording (self, pf, project_path);
  take_with (self, pf, project_path);
  take_selection (self, pf);
  take_model (self, pf);
  take_fit (self, pf);
  self->generation++;
  self->dirty = FALSE;
  g_signal_emit (self, signals[SIGNAL_RECORDING_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
  return TRUE;
}

gboolean
nd_project_open (NdProject *self, GFile *file, GError **error)
{
  g_autofree char *data = NULL, *path = g_file_get_path (file);
  gsize len;
  /* A device or a huge file is refused before it is read (json-input.h). */
  if (path ? !(data = nd_read_file_bounded (path, ND_JSON_MAX_BYTES, _("project"), &len, error))
           : !g_file_load_contents (file, NULL, &data, &len, NULL, error))
    return FALSE;
  if (!g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_FORMAT, _("This is not a Neurode project (it is not text)"));
      return FALSE;
    }
  if (!nd_project_load_json (self, data, file, error))
    return FALSE;
  g_set_object (&self->file, file);
  return TRUE;
}

const double *
nd_project_get_loss (NdProject *self, const double **val, const guint8 **running_free, guint *n)
{
  *n = self->loss_train->len;
  if (running_free)
    *running_free = self->loss_free->len == self->loss_train->len && self->loss_free->len > 0
              ? (const guint8 *) self->loss_free->data : NULL;
  *val = (const double *) self->loss_val->data;
  return (const double *) self->loss_train->data;
}

char *
nd_project_autosave_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "neurode", "autosave.neurode", NULL);
}

gboolean
nd_project_autosave (NdProject *self, GError **error)
{
  g_autofree char *path = nd_project_autosave_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *json = nd_project_to_json (self, NULL);
  g_mkdir_with_parents (dir, 0700);
  return g_file_set_contents (path, json, -1, error);
}

void
nd_project_remove_autosave (void)
{
  g_autofree char *path = nd_project_autosave_path ();
  g_unlink (path);
}

/* ---- GObject ---- */

static void
nd_project_finalize (GObject *object)
{
  NdProject *self = ND_PROJECT (object);
  g_clear_object (&self->file);
  set_recording (self, NULL);
  clear_with (self);
  g_array_unref (self->roles);
  g_free (self->known);
  g_array_unref (self->catalogue);
  g_clear_pointer (&self->model, nd_model_free);
  g_array_unref (self->scores);
  g_array_unref (self->loss_train);
  g_array_unref (self->loss_val);
  g_array_unref (self->loss_free);
  G_OBJECT_CLASS (nd_project_parent_class)->finalize (object);
}

static void
nd_project_class_init (NdProjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_project_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_RECORDING_CHANGED] = g_signal_new ("recording-changed", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
nd_project_init (NdProject *self)
{
  const nd_channel_kind *const *lib = nd_channel_library ();
  while (lib[self->n_known])
    self->n_known++;
  self->known = g_new0 (NdKnownSpec, self->n_known);
  self->catalogue = g_array_new (FALSE, TRUE, sizeof (NdCatalogueSpec));
  self->roles = g_array_new (FALSE, TRUE, sizeof (NdSweepRole));
  self->scores = g_array_new (FALSE, TRUE, sizeof (NdSweepScore));
  self->loss_train = g_array_new (FALSE, TRUE, sizeof (double));
  self->loss_val = g_array_new (FALSE, TRUE, sizeof (double));
  self->loss_free = g_array_new (FALSE, TRUE, sizeof (guint8));
  self->c_known_pF = NAN;
  spec_default (self);
  rebuild (self);
}
