/* model-file.h: reading and writing models as JSON.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   {"membrane": {"cm_uF_per_cm2": 1.0, "area_um2": 62.832, "v_init_mV": -70.0,
 *                 "temperature_C": 6.3},
 *    "channels": [
 *      {"type": "hh_na", "gbar_mS_per_cm2": 120.0, "e_rev_mV": 50.0},
 *      {"type": "icg", "icg_class": "K", "channel": "143100_Kv4f.mod",
 *       "gbar_mS_per_cm2": 10.0, "e_rev_mV": -77.0},
 *      {"type": "learned", "name": "K", "gbar_mS_per_cm2": 36.0, "e_rev_mV": -75.0,
 *       "gates": [{"name": "n", "power": 4,
 *                  "network": {"width": 32, "depth": 2, "activation": "tanh",
 *                              "layer_norm": true, "tau_bound": "smooth",
 *                              "weights": [...]}}]},
 *      {"type": "learned_free", "name": "axial", "latents": 2,
 *       "v_mean_mV": -60, "v_std_mV": 20, "z_mean": [0, 0], "z_std": [1, 1],
 *       "i_scale_uA_per_cm2": 1.0, "network": {...}}]}
 *
 * "icg" channels come from the published channel catalogue (icg-registry.h), by class
 * and "<ModelDB id>_<file>.mod"; calcium-activated ones are refused.
 * Optional per channel: "fit_gbar", "fit_e_rev" (booleans; default false).
 * Missing membrane values take NEURON's defaults (1 uF/cm2, v_init -65 mV,
 * 6.3 C; area must be given when currents are in pA). A network without
 * "weights" gets the small deterministic initialisation of seed 0; gates
 * start at steady state at v_init_mV.
 * Optional per learned gate: "band" (an ensemble fit's range of the curves,
 * gate-band.h): {"members": N, "v_first_mV": -100, "v_step_mV": 1,
 * "x_inf_lo": [161 numbers], "x_inf_hi": [...], "tau_lo_ms": [...],
 * "tau_hi_ms": [...]}; files without it load as before.
 */
#pragma once

#include <glib.h>

#include "model.h"

G_BEGIN_DECLS

/* *weights_given (may be NULL) tells whether every network had weights. */
nd_model *nd_model_file_parse (const char *json, gssize length, gboolean *weights_given, GError **error);
nd_model *nd_model_file_load (const char *path, gboolean *weights_given, GError **error);
char *nd_model_file_to_string (const nd_model *m);
/* TRUE when every number of m is finite, so its file is valid JSON (JSON has
 * no NaN or infinity); else an error naming the first parameter that is not. */
gboolean nd_model_file_check (const nd_model *m, GError **error);
gboolean nd_model_file_save (const nd_model *m, const char *path, GError **error);

G_END_DECLS

G_BEGIN_DECLS
/* The kinetics table "channel,gate,v_mV,x_inf,tau_ms" for -100..+60 mV in
 * 1 mV steps, every gate of every channel, appended to out. When a learned
 * gate has a band (an ensemble fit, gate-band.h), the columns
 * "x_inf_lo,x_inf_hi,tau_lo_ms,tau_hi_ms,constrained" (1 where the data
 * constrain the gate, else 0) follow, empty for gates without a band. */
void nd_model_kinetics_csv (nd_model *m, GString *out);
G_END_DECLS
