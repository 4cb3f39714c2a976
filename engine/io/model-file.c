/* model-file.c: models as JSON, through json-glib.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "model-file.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "gate-band.h"
#include "icg-registry.h"
#include "json-input.h"
#include "json-output.h"
#include "nd-error.h"

/* The strict member readers (a member present must have its type; a wrong one is an error naming it,
 * never the default) are json-input.h's, shared with the project and cell files. */

static const char *const act_names[] = { "tanh", "relu", "silu" };

typedef struct {
  nd_mlp_shape shape;
  nd_tau_bound bound;
  JsonArray *weights;
} net_spec;

/* Reads a "network" object; n_in/n_out are set by the caller's slot kind. */
static gboolean
read_network (JsonObject *o, int n_in, int n_out, net_spec *ns, const char *where, GError **error)
{
  double width = 32, depth = 2;
  memset (ns, 0, sizeof *ns);
  ns->shape = (nd_mlp_shape) { .n_in = n_in, .n_out = n_out, .act = ND_ACT_TANH, .layer_norm = TRUE };
  ns->bound = ND_TAU_BOUND_SMOOTH;
  if (!o)
    {
      ns->shape.width = 32;
      ns->shape.depth = 2;
      return TRUE;
    }
  if (!nd_json_get_number (o, "width", 32, FALSE, &width, where, error)
      || !nd_json_get_number (o, "depth", 2, FALSE, &depth, where, error))
    return FALSE;
  if (width < 1 || width > 1024 || depth < 1 || depth > 16 || width != floor (width) || depth != floor (depth))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: the network needs a whole width of 1-1024 units and depth of 1-16 layers"), where);
      return FALSE;
    }
  ns->shape.width = (int) width;
  ns->shape.depth = (int) depth;
  const char *act, *bound;
  gboolean layer_norm;
  if (!nd_json_get_string (o, "activation", &act, where, error) || !nd_json_get_bool (o, "layer_norm", TRUE, &layer_norm, where, error)
      || !nd_json_get_string (o, "tau_bound", &bound, where, error) || !nd_json_get_array (o, "weights", &ns->weights, where, error))
    return FALSE;
  ns->shape.layer_norm = layer_norm;
  if (act)
    {
      gboolean found = FALSE;
      for (int i = 0; i < 3; i++)
        if (!strcmp (act, act_names[i]))
          ns->shape.act = (nd_activation) i, found = TRUE;
      if (!found)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("%s: unknown activation “%s” (use tanh, relu or silu)"), where, act);
          return FALSE;
        }
    }
  if (bound && !strcmp (bound, "hard"))
    ns->bound = ND_TAU_BOUND_HARD;
  else if (bound && strcmp (bound, "smooth"))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “tau_bound” must be “smooth” or “hard”"), where);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_weights (nd_model *m, int block, JsonArray *w, const char *where, GError **error)
{
  nd_param_block *b = &m->blocks[block];
  if (json_array_get_length (w) != b->count)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: the network has %u weights, expected %zu for its shape"), where,
                   json_array_get_length (w), b->count);
      return FALSE;
    }
  for (size_t i = 0; i < b->count; i++)
    {
      JsonNode *n = json_array_get_element (w, i);
      double x = nd_json_is_number (n) ? json_node_get_double (n) : NAN;
      if (!isfinite (x))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: weight %zu must be a finite number, not %s"), where,
                       i + 1, nd_json_is_number (n) ? _("infinite") : nd_json_kind_of (n));
          return FALSE;
        }
      m->params[b->offset + i] = x;
    }
  return TRUE;
}

/* A free current's latents: their leak, their state at t = 0 (z0, or NULL
 * when the file gives none) and the anchor at rest. */
static gboolean
read_latent_state (nd_model *m, JsonObject *o, int c, int nl, const double *z0, const char *where, GError **error)
{
  double leak = 0.0;
  if (!nd_json_get_number (o, "z_leak_ms", 0.0, FALSE, &leak, where, error))
    return FALSE;
  if (!(leak >= 0.0) || !isfinite (leak))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “z_leak_ms” must be 0 (no leak) or a positive time in ms"),
                   where);
      return FALSE;
    }
  m->channels[c].z_leak_ms = leak;
  /* The latents' state at t = 0 (a fitted parameter; z_mean when absent,
   * as files from before it was one). */
  int bz = m->channels[c].block_z0;
  for (int i = 0; bz >= 0 && z0 && i < nl; i++)
    {
      if (fabs (z0[i]) > m->blocks[bz].hi)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “z_init” values must be within ±%g"), where,
                       m->blocks[bz].hi);
          return FALSE;
        }
      m->params[m->blocks[bz].offset + i] = z0[i];
    }
  /* Anchored at rest (model.h): the initial latents are then z_mean. */
  if (json_object_has_member (o, "rest_anchor_mV"))
    {
      double va;
      if (!nd_json_get_number (o, "rest_anchor_mV", 0.0, TRUE, &va, where, error))
        return FALSE;
      nd_model_anchor_free (m, c, va);   /* va is finite here */
    }
  return TRUE;
}

/* A "learned_free" channel: a free current with its latents (model.h). */
static gboolean
read_free_channel (nd_model *m, JsonObject *o, const char *name, const char *where, gboolean *all_weights,
                   GError **error)
{
  double nl = 0, vm = -65, vs = 20, is = 1;
  if (!nd_json_get_number (o, "latents", 0, TRUE, &nl, where, error)
      || !nd_json_get_number (o, "v_mean_mV", -65, FALSE, &vm, where, error)
      || !nd_json_get_number (o, "v_std_mV", 20, FALSE, &vs, where, error)
      || !nd_json_get_number (o, "i_scale_uA_per_cm2", 1, FALSE, &is, where, error))
    return FALSE;
  if (nl < 0 || nl > ND_MAX_LATENTS || nl != floor (nl))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “latents” must be a whole number 0-%d"),
                   where, ND_MAX_LATENTS);
      return FALSE;
    }
  double zm[ND_MAX_LATENTS], zs[ND_MAX_LATENTS], z0[ND_MAX_LATENTS];
  for (int i = 0; i < (int) nl; i++)
    zm[i] = 0.0, zs[i] = 1.0;
  JsonArray *am, *as, *az;
  JsonObject *no;
  if (!nd_json_get_array (o, "z_mean", &am, where, error) || !nd_json_get_array (o, "z_std", &as, where, error)
      || !nd_json_get_array (o, "z_init", &az, where, error) || !nd_json_get_object (o, "network", &no, where, error)
      || (am && !nd_json_get_numbers (am, "z_mean", (int) nl, zm, where, error))
      || (as && !nd_json_get_numbers (as, "z_std", (int) nl, zs, where, error))
      || (az && !nd_json_get_numbers (az, "z_init", (int) nl, z0, where, error)))
    return FALSE;
  net_spec ns;
  if (!read_network (no, 1 + (int) nl, 1 + (int) nl, &ns, where, error))
    return FALSE;
  int c = nd_model_add_free (m, name ? name : "free", (int) nl, &ns.shape, vm, vs, zm, zs, is);
  if (c < 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: invalid free current (standard deviations and scale must be positive)"), where);
      return FALSE;
    }
  if (!read_latent_state (m, o, c, (int) nl, az ? z0 : NULL, where, error))
    return FALSE;
  int b = m->channels[c].block_free;
  nd_mlp_init (&ns.shape, m->params + m->blocks[b].offset, (guint64) b, 1.0);
  if (ns.weights)
    return set_weights (m, b, ns.weights, where, error);
  *all_weights = FALSE;
  return TRUE;
}

/* One gate of a learned channel as its file gives it. */
typedef struct {
  const char *name;
  double power;
  gboolean fit_power, fit_prior;
  double prior[ND_PRIOR_N];
  net_spec ns;
  JsonObject *band;
} gate_spec;

static const char *const band_keys[] = { "x_inf_lo", "x_inf_hi", "tau_lo_ms", "tau_hi_ms" };

/* A gate's "band" (gate-band.h): the members, the grid (which must be the
 * kinetics table's) and the four limits; "constrained" is derived from them.
 * "data_range_mV", the potentials the training data visited, is optional
 * (files written before it was kept have none). */
static gboolean
read_band (JsonObject *bo, nd_gate_band *band, const char *where, GError **error)
{
  double members, v_first, v_step;
  if (!nd_json_get_number (bo, "members", 0, TRUE, &members, where, error)
      || !nd_json_get_number (bo, "v_first_mV", 0, TRUE, &v_first, where, error)
      || !nd_json_get_number (bo, "v_step_mV", 0, TRUE, &v_step, where, error))
    return FALSE;
  if (!(members >= 1 && members <= 1e6 && members == floor (members)) || v_first != ND_BAND_V_FIRST_MV
      || v_step != 1.0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: a gate's band needs a whole number of members and the grid from %d mV in 1 mV steps"),
                   where, ND_BAND_V_FIRST_MV);
      return FALSE;
    }
  memset (band, 0, sizeof *band);
  band->n_members = (int) members;
  double *out[] = { band->x_lo, band->x_hi, band->tau_lo, band->tau_hi };
  for (int k = 0; k < 4; k++)
    {
      JsonArray *a;
      if (!nd_json_get_array (bo, band_keys[k], &a, where, error))
        return FALSE;
      if (!a)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” is missing"), where, band_keys[k]);
          return FALSE;
        }
      if (!nd_json_get_numbers (a, band_keys[k], ND_BAND_N, out[k], where, error))
        return FALSE;
    }
  for (int i = 0; i < ND_BAND_N; i++)
    if (!(0.0 <= band->x_lo[i] && band->x_lo[i] <= band->x_hi[i] && band->x_hi[i] <= 1.0 && band->tau_lo[i] > 0.0
          && band->tau_lo[i] <= band->tau_hi[i]))
      {
        g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                     _("%s: a gate's band at %d mV must have 0 ≤ x_inf_lo ≤ x_inf_hi ≤ 1 and 0 < tau_lo_ms ≤ "
                       "tau_hi_ms"),
                     where, ND_BAND_V_FIRST_MV + i);
        return FALSE;
      }
  band->v_data_lo = band->v_data_hi = NAN;
  JsonArray *range;
  if (!nd_json_get_array (bo, "data_range_mV", &range, where, error))
    return FALSE;
  if (range)
    {
      double r[2];
      if (!nd_json_get_numbers (range, "data_range_mV", 2, r, where, error))
        return FALSE;
      if (!(r[0] < r[1] && r[0] >= -1000.0 && r[1] <= 1000.0))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("%s: a gate's band's “data_range_mV” must be [lowest, highest], within -1000 to 1000 mV"),
                       where);
          return FALSE;
        }
      band->v_data_lo = r[0];
      band->v_data_hi = r[1];
    }
  nd_gate_band_mark (band);
  return TRUE;
}

/* The gate's Boltzmann prior (model.h); absent, none. */
static gboolean
read_prior (JsonObject *po, gate_spec *gs, const char *where, GError **error)
{
  gs->prior[ND_PRIOR_SLOPE] = gs->prior[ND_PRIOR_V_HALF] = gs->prior[ND_PRIOR_LOG_TAU] = 0.0;
  gs->fit_prior = po && gs->fit_prior;
  if (!po)
    return TRUE;
  double slope, v_half, tau;
  if (!nd_json_get_number (po, "slope_per_mV", 0.0, TRUE, &slope, where, error)
      || !nd_json_get_number (po, "v_half_mV", 0.0, TRUE, &v_half, where, error)
      || !nd_json_get_number (po, "tau_ms", 1.0, TRUE, &tau, where, error))
    return FALSE;
  if (!(fabs (slope) <= 2.0 && fabs (v_half) <= 200.0 && tau > 0.0 && tau < 1e80))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: a gate's prior needs a slope within ±2 per mV, a half-activation within "
                     "±200 mV and a positive time constant"), where);
      return FALSE;
    }
  gs->prior[ND_PRIOR_SLOPE] = slope;
  gs->prior[ND_PRIOR_V_HALF] = v_half;
  gs->prior[ND_PRIOR_LOG_TAU] = log (tau);
  return TRUE;
}

/* Gate g (from 0) of a learned channel. */
static gboolean
read_gate (JsonArray *gates, int g, gate_spec *gs, const char *where, GError **error)
{
  JsonNode *gn = json_array_get_element (gates, g);
  if (!JSON_NODE_HOLDS_OBJECT (gn))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: gate %d is not an object"), where, g + 1);
      return FALSE;
    }
  JsonObject *go = json_node_get_object (gn);
  JsonObject *po, *no;
  gs->power = 1;
  if (!nd_json_get_string (go, "name", &gs->name, where, error) || !nd_json_get_number (go, "power", 1, FALSE, &gs->power, where, error)
      || !nd_json_get_bool (go, "fit_power", FALSE, &gs->fit_power, where, error)
      || !nd_json_get_object (go, "prior", &po, where, error) || !nd_json_get_bool (go, "fit_prior", FALSE, &gs->fit_prior, where, error)
      || !nd_json_get_object (go, "network", &no, where, error)
      || !nd_json_get_object (go, "band", &gs->band, where, error))
    return FALSE;
  if (!(gs->power >= 1 && gs->power <= 8))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: a gate's power must be between 1 and 8"), where);
      return FALSE;
    }
  return read_prior (po, gs, where, error) && read_network (no, 1, 2, &gs->ns, where, error);
}

/* A "learned" channel: known conductance and reversal, one or two learned
 * gates sharing a network shape; *c is its index. */
static gboolean
read_learned_channel (nd_model *m, JsonObject *o, const char *name, const char *where, gboolean *all_weights,
                      int *c, GError **error)
{
  double gbar = 0, e = 0;
  if (!nd_json_get_number (o, "gbar_mS_per_cm2", 0, TRUE, &gbar, where, error)
      || !nd_json_get_number (o, "e_rev_mV", 0, TRUE, &e, where, error))
    return FALSE;
  JsonArray *gates;
  if (!nd_json_get_array (o, "gates", &gates, where, error))
    return FALSE;
  int ng = gates ? (int) json_array_get_length (gates) : 0;
  if (ng < 1 || ng > ND_MAX_LEARNED_GATES)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: a learned channel needs one or two gates"), where);
      return FALSE;
    }
  gate_spec gs[ND_MAX_LEARNED_GATES];
  const char *names[ND_MAX_LEARNED_GATES];
  int powers[ND_MAX_LEARNED_GATES];
  for (int g = 0; g < ng; g++)
    {
      if (!read_gate (gates, g, &gs[g], where, error))
        return FALSE;
      if (g > 0 && memcmp (&gs[g].ns.shape, &gs[0].ns.shape, sizeof gs[0].ns.shape) != 0)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                       _("%s: both gates of a learned channel must use the same network shape"), where);
          return FALSE;
        }
      names[g] = gs[g].name;
      powers[g] = (int) floor (gs[g].power);
    }
  nd_learned_gate net = { .shape = gs[0].ns.shape, .tau_bound = gs[0].ns.bound };
  *c = nd_model_add_learned (m, name ? name : "learned", gbar, e, ng, names, powers, &net);
  if (*c < 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: conductance must be 0-10000 mS/cm² and reversal potential -200 to +200 mV"), where);
      return FALSE;
    }
  for (int g = 0; g < ng; g++)
    {
      nd_learned_gate_slot *slot = &m->channels[*c].learned[g];
      slot->net.tau_bound = gs[g].ns.bound;
      nd_param_block *pb = &m->blocks[slot->block_power];
      m->params[pb->offset] = gs[g].power;
      pb->trainable = gs[g].fit_power;
      nd_param_block *qb = &m->blocks[slot->block_prior];
      memcpy (m->params + qb->offset, gs[g].prior, sizeof gs[g].prior);
      qb->trainable = gs[g].fit_prior;
      if (gs[g].band)
        {
          nd_gate_band band;
          if (!read_band (gs[g].band, &band, where, error))
            return FALSE;
          nd_model_set_gate_band (m, *c, g, &band);
        }
      int b = slot->block;
      nd_learned_gate_init (&slot->net, m->params + m->blocks[b].offset, (guint64) b, 1.0);
      if (gs[g].ns.weights)
        {
          if (!set_weights (m, b, gs[g].ns.weights, where, error))
            return FALSE;
        }
      else
        *all_weights = FALSE;
    }
  return TRUE;
}

/* A channel of the library ("hh_na", "leak", …) or of the ICGenealogy
 * catalogue ("icg"); *c is its index. */
static gboolean
read_known_channel (nd_model *m, JsonObject *o, const char *type, const char *where, int *c, GError **error)
{
  const nd_channel_kind *kind;
  if (!strcmp (type, "icg"))
    {
      g_autoptr (GError) local = NULL;
      const char *icg_class, *icg_channel;
      if (!nd_json_get_string (o, "icg_class", &icg_class, where, error) || !nd_json_get_string (o, "channel", &icg_channel, where, error))
        return FALSE;
      kind = nd_icg_kind_lookup (icg_class, icg_channel, &local);
      if (!kind)
        {
          g_set_error (error, ND_ERROR, local->code, "%s: %s", where, local->message);
          return FALSE;
        }
    }
  else
    kind = nd_channel_lookup (type);
  if (!kind)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: unknown channel type “%s”"), where, type);
      return FALSE;
    }
  double gbar = 0, e = 0;
  if (!nd_json_get_number (o, "gbar_mS_per_cm2", kind->gbar_default, FALSE, &gbar, where, error)
      || !nd_json_get_number (o, "e_rev_mV", kind->e_default, FALSE, &e, where, error))
    return FALSE;
  *c = nd_model_add_known (m, kind, gbar, e);
  if (*c < 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: conductance must be 0-10000 mS/cm² and reversal potential -200 to +200 mV"), where);
      return FALSE;
    }
  return TRUE;
}

/* A channel's voltage shift (block bv; key "v_shift_mV", or "v_shift_inact_mV" for the inactivation
 * gates' further offset) and whether a fit may change it ("fit_" + the key without "_mV"). */
static gboolean
read_v_shift (nd_model *m, JsonObject *o, int block, const char *key, const char *fit_key, const char *where,
              GError **error)
{
  nd_param_block *bv = &m->blocks[block];
  double shift;
  if (!nd_json_get_number (o, key, 0.0, FALSE, &shift, where, error))
    return FALSE;
  if (!(fabs (shift) <= ND_VSHIFT_MAX_MV))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("%s: “%s” must be between -%g and %g mV"), where, key,
                   ND_VSHIFT_MAX_MV, ND_VSHIFT_MAX_MV);
      return FALSE;
    }
  gboolean fit_shift;
  if (!nd_json_get_bool (o, fit_key, FALSE, &fit_shift, where, error))
    return FALSE;
  m->params[bv->offset] = shift;
  bv->trainable = fit_shift;
  return TRUE;
}

/* What a fit may change of channel c: its conductance and reversal
 * potential within their ranges, and its voltage shift. */
static gboolean
read_fit_settings (nd_model *m, JsonObject *o, int c, const char *where, GError **error)
{
  nd_channel *ch = &m->channels[c];
  nd_param_block *bg = &m->blocks[ch->block_gbar];
  JsonArray *range, *erange;
  double r[2], er[2];
  gboolean fit_gbar, fit_e;
  if (!nd_json_get_bool (o, "fit_gbar", FALSE, &fit_gbar, where, error) || !nd_json_get_bool (o, "fit_e_rev", FALSE, &fit_e, where, error)
      || !nd_json_get_array (o, "gbar_range_mS_per_cm2", &range, where, error)
      || !nd_json_get_array (o, "e_rev_range_mV", &erange, where, error)
      || (range && !nd_json_get_numbers (range, "gbar_range_mS_per_cm2", 2, r, where, error))
      || (erange && !nd_json_get_numbers (erange, "e_rev_range_mV", 2, er, where, error)))
    return FALSE;
  bg->trainable = fit_gbar;
  m->blocks[ch->block_e].trainable = fit_e;
  /* Bounds of a fitted conductance, [lo, hi] mS/cm2. */
  if (range)
    {
      double lo = r[0], hi = r[1];
      double g = m->params[bg->offset];
      if (!(lo >= 0.0 && lo <= g && g <= hi && hi <= bg->hi))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("%s: “gbar_range_mS_per_cm2” must be [lowest, highest] around the conductance, within 0-10000"),
                       where);
          return FALSE;
        }
      bg->lo = lo;
      bg->hi = hi;
    }
  if (erange)
    {
      nd_param_block *be = &m->blocks[ch->block_e];
      double lo = er[0], hi = er[1];
      double ev = m->params[be->offset];
      if (!(lo >= be->lo && lo <= ev && ev <= hi && hi <= be->hi))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("%s: “e_rev_range_mV” must be [lowest, highest] around the reversal potential, within ±200 mV"),
                       where);
          return FALSE;
        }
      be->lo = lo;
      be->hi = hi;
    }
  return (ch->block_vshift < 0 || read_v_shift (m, o, ch->block_vshift, "v_shift_mV", "fit_v_shift", where, error))
         && (ch->block_hshift < 0
             || read_v_shift (m, o, ch->block_hshift, "v_shift_inact_mV", "fit_v_shift_inact", where, error));
}

static gboolean
read_channel (nd_model *m, JsonObject *o, int index, gboolean *all_weights, GError **error)
{
  char where[96];
  const char *type = NULL, *name = NULL;
  g_snprintf (where, sizeof where, _("channel %d"), index + 1);
  if (!nd_json_get_string (o, "type", &type, where, error) || !nd_json_get_string (o, "name", &name, where, error))
    return FALSE;
  g_snprintf (where, sizeof where, _("channel %d (%s)"), index + 1, name ? name : type ? type : "?");
  if (!type)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("%s: “type” is missing (such as \"hh_na\", \"leak\", \"learned\" or \"icg\")"), where);
      return FALSE;
    }
  /* A free current has no conductance or reversal potential to fit. */
  if (!strcmp (type, "learned_free"))
    return read_free_channel (m, o, name, where, all_weights, error);
  int c = -1;
  if (!strcmp (type, "learned") ? !read_learned_channel (m, o, name, where, all_weights, &c, error)
                                : !read_known_channel (m, o, type, where, &c, error))
    return FALSE;
  return read_fit_settings (m, o, c, where, error);
}

nd_model *
nd_model_file_parse (const char *json, gssize length, gboolean *weights_given, GError **error)
{
  g_autoptr (JsonNode) root = nd_json_parse (json, length < 0 ? strlen (json) : (gsize) length, error);
  if (!root)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FORMAT, _("the model file must hold a JSON object { … }, not %s"),
                   nd_json_kind_of (root));
      return NULL;
    }
  JsonObject *ro = json_node_get_object (root), *mem;
  JsonArray *chans;
  const char *top = _("the model");
  if (!nd_json_get_object (ro, "membrane", &mem, top, error) || !nd_json_get_array (ro, "channels", &chans, top, error))
    return NULL;
  if (!mem)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the model has no “membrane” section"));
      return NULL;
    }
  double cm, area, vinit, celsius, settle;
  const char *where = _("membrane");
  if (!nd_json_get_number (mem, "cm_uF_per_cm2", 1.0, FALSE, &cm, where, error)
      || !nd_json_get_number (mem, "area_um2", 0, TRUE, &area, where, error)
      || !nd_json_get_number (mem, "v_init_mV", -65.0, FALSE, &vinit, where, error)
      || !nd_json_get_number (mem, "temperature_C", 6.3, FALSE, &celsius, where, error)
      || !nd_json_get_number (mem, "settle_ms", 0.0, FALSE, &settle, where, error))
    return NULL;
  if (!(settle >= 0.0 && settle <= 10000.0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("membrane: “settle_ms” must be 0 to 10000 ms"));
      return NULL;
    }
  if (!(cm >= ND_CM_MIN && cm <= ND_CM_MAX))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("membrane: “cm_uF_per_cm2” is %g; the specific capacitance must be %g to %g µF/cm² (cells have about 1)"),
                   cm, ND_CM_MIN, ND_CM_MAX);
      return NULL;
    }
  if (!(area >= ND_AREA_MIN_UM2 && area <= ND_AREA_MAX_UM2))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("membrane: “area_um2” is %g; the membrane area must be %g to %g µm² (a small soma has about 500)"),
                   area, ND_AREA_MIN_UM2, ND_AREA_MAX_UM2);
      return NULL;
    }
  if (vinit < -200 || vinit > 200 || celsius < -10 || celsius > 60)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                   _("membrane: “v_init_mV” must be within ±200 mV and “temperature_C” -10 to 60 °C"));
      return NULL;
    }
  /* An empty list is a bare membrane (every channel switched off in the model builder); a missing one is a mistake. */
  if (!chans)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("the model has no channels"));
      return NULL;
    }
  nd_model *m = nd_model_new (cm, area, vinit, celsius);
  m->settle_ms = settle;
  gboolean all = TRUE;
  for (guint i = 0; i < json_array_get_length (chans); i++)
    {
      JsonNode *cn = json_array_get_element (chans, i);
      if (!JSON_NODE_HOLDS_OBJECT (cn))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID, _("channel %u must be an object { … }, not %s"), i + 1,
                       nd_json_kind_of (cn));
          nd_model_free (m);
          return NULL;
        }
      if (!read_channel (m, json_node_get_object (cn), (int) i, &all, error))
        {
          nd_model_free (m);
          return NULL;
        }
    }
  nd_model_params_changed (m);
  if (weights_given)
    *weights_given = all;
  return m;
}

nd_model *
nd_model_file_load (const char *path, gboolean *weights_given, GError **error)
{
  gsize len = 0;
  g_autofree char *text = nd_read_file_bounded (path, ND_JSON_MAX_BYTES, _("model file"), &len, error);
  if (!text)
    return NULL;
  g_autoptr (GError) local = NULL;
  nd_model *m = nd_model_file_parse (text, (gssize) len, weights_given, &local);
  if (!m)
    g_set_error (error, ND_ERROR, local->code, _("model file “%s”: %s"), path, local->message);
  return m;
}

static void
write_network (JsonBuilder *b, const nd_mlp_shape *s, int bound, const double *w, size_t n)
{
  json_builder_set_member_name (b, "network");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, s->width);
  json_builder_set_member_name (b, "depth");
  json_builder_add_int_value (b, s->depth);
  json_builder_set_member_name (b, "activation");
  json_builder_add_string_value (b, act_names[s->act]);
  json_builder_set_member_name (b, "layer_norm");
  json_builder_add_boolean_value (b, s->layer_norm);
  if (bound >= 0)
    {
      json_builder_set_member_name (b, "tau_bound");
      json_builder_add_string_value (b, bound == ND_TAU_BOUND_HARD ? "hard" : "smooth");
    }
  json_builder_set_member_name (b, "weights");
  json_builder_begin_array (b);
  for (size_t i = 0; i < n; i++)
    json_builder_add_double_value (b, w[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* member: true (written only when set) */
static void
add_true (JsonBuilder *b, const char *member)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, TRUE);
}

static void
write_membrane (JsonBuilder *b, const nd_model *m)
{
  json_builder_set_member_name (b, "membrane");
  json_builder_begin_object (b);
  nd_json_add_number (b, "cm_uF_per_cm2", m->cm);
  nd_json_add_number (b, "area_um2", m->area_um2);
  nd_json_add_number (b, "v_init_mV", m->v_init);
  nd_json_add_number (b, "temperature_C", m->celsius);
  if (m->settle_ms > 0.0)
    nd_json_add_number (b, "settle_ms", m->settle_ms);
  json_builder_end_object (b);
}

/* The members of a "learned_free" channel after its type (read_free_channel). */
static void
write_free_channel (JsonBuilder *b, const nd_model *m, const nd_channel *ch)
{
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, ch->name);
  json_builder_set_member_name (b, "latents");
  json_builder_add_int_value (b, ch->n_latent);
  nd_json_add_number (b, "v_mean_mV", ch->v_mean);
  nd_json_add_number (b, "v_std_mV", ch->v_std);
  nd_json_add_number (b, "i_scale_uA_per_cm2", ch->i_scale);
  if (ch->z_leak_ms > 0.0)
    nd_json_add_number (b, "z_leak_ms", ch->z_leak_ms);
  if (ch->anchored)
    nd_json_add_number (b, "rest_anchor_mV", ch->v_anchor);
  nd_json_add_numbers (b, "z_mean", ch->z_mean, ch->n_latent);
  nd_json_add_numbers (b, "z_std", ch->z_std, ch->n_latent);
  if (ch->block_z0 >= 0)
    nd_json_add_numbers (b, "z_init", m->params + m->blocks[ch->block_z0].offset, ch->n_latent);
  const nd_param_block *blk = &m->blocks[ch->block_free];
  write_network (b, &ch->free_shape, -1, m->params + blk->offset, blk->count);
}

/* What a fit may change of channel c (read_fit_settings), where it differs from the defaults. */
static void
write_fit_settings (JsonBuilder *b, const nd_model *m, int c)
{
  const nd_channel *ch = &m->channels[c];
  const nd_param_block *bg = &m->blocks[ch->block_gbar], *be = &m->blocks[ch->block_e];
  if (bg->trainable)
    add_true (b, "fit_gbar");
  if (be->trainable)
    add_true (b, "fit_e_rev");
  if (bg->lo > 0.0 || bg->hi < ND_GBAR_MAX)
    nd_json_add_numbers (b, "gbar_range_mS_per_cm2", (const double[]) { bg->lo, bg->hi }, 2);
  if (be->lo > -200.0 || be->hi < 200.0)
    nd_json_add_numbers (b, "e_rev_range_mV", (const double[]) { be->lo, be->hi }, 2);
  if (ch->block_vshift >= 0)
    {
      if (nd_model_v_shift (m, c) != 0.0)
        nd_json_add_number (b, "v_shift_mV", nd_model_v_shift (m, c));
      if (m->blocks[ch->block_vshift].trainable)
        add_true (b, "fit_v_shift");
    }
  if (ch->block_hshift >= 0)
    {
      if (nd_model_inact_shift (m, c) != 0.0)
        nd_json_add_number (b, "v_shift_inact_mV", nd_model_inact_shift (m, c));
      if (m->blocks[ch->block_hshift].trainable)
        add_true (b, "fit_v_shift_inact");
    }
}

/* One gate of a learned channel (read_gate). */
static void
write_gate (JsonBuilder *b, const nd_model *m, const nd_learned_gate_slot *s)
{
  const nd_param_block *blk = &m->blocks[s->block];
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, s->name);
  const nd_param_block *pb = &m->blocks[s->block_power];
  double pw = m->params[pb->offset];
  json_builder_set_member_name (b, "power");
  if (pw == floor (pw))
    json_builder_add_int_value (b, (gint64) pw);
  else
    json_builder_add_double_value (b, pw);
  if (pb->trainable)
    add_true (b, "fit_power");
  const nd_param_block *qb = &m->blocks[s->block_prior];
  const double *pr = m->params + qb->offset;
  if (pr[ND_PRIOR_SLOPE] != 0.0 || pr[ND_PRIOR_V_HALF] != 0.0 || pr[ND_PRIOR_LOG_TAU] != 0.0)
    {
      json_builder_set_member_name (b, "prior");
      json_builder_begin_object (b);
      nd_json_add_number (b, "slope_per_mV", pr[ND_PRIOR_SLOPE]);
      nd_json_add_number (b, "v_half_mV", pr[ND_PRIOR_V_HALF]);
      nd_json_add_number (b, "tau_ms", exp (pr[ND_PRIOR_LOG_TAU]));
      json_builder_end_object (b);
      if (qb->trainable)
        add_true (b, "fit_prior");
    }
  write_network (b, &s->net.shape, s->net.tau_bound, m->params + blk->offset, blk->count);
  if (s->band)
    {
      json_builder_set_member_name (b, "band");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "members");
      json_builder_add_int_value (b, s->band->n_members);
      json_builder_set_member_name (b, "v_first_mV");
      json_builder_add_int_value (b, ND_BAND_V_FIRST_MV);
      json_builder_set_member_name (b, "v_step_mV");
      json_builder_add_int_value (b, 1);
      const double *lim[] = { s->band->x_lo, s->band->x_hi, s->band->tau_lo, s->band->tau_hi };
      for (int k = 0; k < 4; k++)
        nd_json_add_numbers (b, band_keys[k], lim[k], ND_BAND_N);
      if (nd_gate_band_has_range (s->band))
        nd_json_add_numbers (b, "data_range_mV", (const double[]) { s->band->v_data_lo, s->band->v_data_hi }, 2);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/* Channel c as read_channel reads it. */
static void
write_channel (JsonBuilder *b, const nd_model *m, int c)
{
  const nd_channel *ch = &m->channels[c];
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  if (ch->slot == ND_CHANNEL_FREE)
    {
      json_builder_add_string_value (b, "learned_free");
      write_free_channel (b, m, ch);
      json_builder_end_object (b);
      return;
    }
  const char *icg_class, *icg_channel;
  if (ch->slot == ND_CHANNEL_KNOWN && nd_icg_kind_source (ch->kind, &icg_class, &icg_channel, NULL))
    {
      json_builder_add_string_value (b, "icg");
      json_builder_set_member_name (b, "icg_class");
      json_builder_add_string_value (b, icg_class);
      json_builder_set_member_name (b, "channel");
      json_builder_add_string_value (b, icg_channel);
    }
  else
    json_builder_add_string_value (b, ch->slot == ND_CHANNEL_KNOWN ? ch->kind->type : "learned");
  if (ch->slot == ND_CHANNEL_LEARNED)
    {
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, ch->name);
    }
  nd_json_add_number (b, "gbar_mS_per_cm2", m->params[m->blocks[ch->block_gbar].offset]);
  nd_json_add_number (b, "e_rev_mV", m->params[m->blocks[ch->block_e].offset]);
  write_fit_settings (b, m, c);
  if (ch->slot == ND_CHANNEL_LEARNED)
    {
      json_builder_set_member_name (b, "gates");
      json_builder_begin_array (b);
      for (int g = 0; g < ch->n_gates; g++)
        write_gate (b, m, &ch->learned[g]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

char *
nd_model_file_to_string (const nd_model *m)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  write_membrane (b, m);
  json_builder_set_member_name (b, "channels");
  json_builder_begin_array (b);
  for (int c = 0; c < m->n_channels; c++)
    write_channel (b, m, c);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return nd_json_builder_to_text (b);
}

gboolean
nd_model_file_check (const nd_model *m, GError **error)
{
  for (int b = 0; b < m->n_blocks; b++)
    for (size_t i = 0; i < m->blocks[b].count; i++)
      if (!isfinite (m->params[m->blocks[b].offset + i]))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID,
                       _("the model’s parameter “%s” is not a finite number; no model file is written"),
                       m->blocks[b].name);
          return FALSE;
        }
  return TRUE;
}

gboolean
nd_model_file_save (const nd_model *m, const char *path, GError **error)
{
  if (!nd_model_file_check (m, error))
    return FALSE;
  g_autofree char *text = nd_model_file_to_string (m);
  return g_file_set_contents (path, text, -1, error);
}

/* A CSV field as RFC 4180 quotes it: in double quotes (doubled inside) when
 * it holds a comma, a quote or a line break, so any channel name keeps the
 * table's columns. */
static void
append_csv_field (GString *out, const char *s)
{
  if (!strpbrk (s, ",\"\r\n"))
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* ",lo,hi,lo,hi,constrained,in_data" of a banded gate at grid index i; empty fields for a gate without a
 * band, and an empty in_data where the data's range is not known. */
static void
append_band (GString *out, const nd_gate_band *band, int i)
{
  if (!band)
    {
      g_string_append (out, ",,,,,,");
      return;
    }
  const double x[] = { band->x_lo[i], band->x_hi[i], band->tau_lo[i], band->tau_hi[i] };
  for (int k = 0; k < 4; k++)
    {
      char b[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_c (out, ',');
      g_string_append (out, g_ascii_formatd (b, sizeof b, "%.9g", x[k]));
    }
  g_string_append (out, band->constrained[i] ? ",1" : ",0");
  g_string_append (out, !nd_gate_band_has_range (band) ? "," : nd_gate_band_in_data (band, i) ? ",1" : ",0");
}

void
nd_model_kinetics_csv (nd_model *m, GString *out)
{
  /* The band's columns follow the old ones, and only when some gate has a band, so tables of a single
   * fit read as before. */
  const gboolean banded = nd_model_has_bands (m);
  g_string_append (out, banded ? "channel,gate,v_mV,x_inf,tau_ms,x_inf_lo,x_inf_hi,tau_lo_ms,tau_hi_ms,constrained,"
                                 "in_data\n"
                               : "channel,gate,v_mV,x_inf,tau_ms\n");
  for (int c = 0; c < m->n_channels; c++)
    {
      const nd_channel *ch = &m->channels[c];
      if (ch->slot == ND_CHANNEL_FREE)
        continue;
      for (int g = 0; g < ch->n_gates; g++)
        {
          const char *gname = ch->slot == ND_CHANNEL_KNOWN ? ch->kind->gates[g].name : ch->learned[g].name;
          for (int v = -100; v <= 60; v++)
            {
              nd_gate_rates r;
              nd_model_gate_rates (m, c, g, v, &r);
              char xb[G_ASCII_DTOSTR_BUF_SIZE], tb[G_ASCII_DTOSTR_BUF_SIZE];
              g_ascii_formatd (xb, sizeof xb, "%.9g", r.x_inf);
              g_ascii_formatd (tb, sizeof tb, "%.9g", r.tau);
              append_csv_field (out, ch->name);
              g_string_append_c (out, ',');
              append_csv_field (out, gname);
              g_string_append_printf (out, ",%d,%s,%s", v, xb, tb);
              if (banded)
                append_band (out, nd_model_gate_band (m, c, g), v - ND_BAND_V_FIRST_MV);
              g_string_append_c (out, '\n');
            }
        }
    }
}
