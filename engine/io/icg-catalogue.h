/* icg-catalogue.h: published channel models (ICGenealogy) as Neurode channel kinds.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalogue file (data/icg/icg-catalogue.csv.gz, built by
 * build-aux/icg-make-catalogue) holds each gate's tabulated x_inf(V) and
 * tau(V) at 6.3 °C (K and Na also at 23 and 37 °C) and its exponent in the
 * conductance. A channel kind made from it evaluates the gates at any V and
 * temperature:
 *   - in V: Steffen's monotone cubic through the table (no overshoot, so x_inf
 *     stays in the range of the data and monotone stretches stay monotone),
 *     tau interpolated in log space (tau spans five decades); V outside the
 *     table is clamped to its ends;
 *   - in temperature: between tabulated temperatures x_inf and log tau are
 *     linear in T (piecewise Q10); beyond them tau follows the ICG Q10 of tau
 *     from the nearest table (1 when ICG has none) and x_inf stays.
 * Calcium-activated (KCa) channels depend on [Ca]i, which the tables do not
 * cover: they are listed, flagged, and refused as voltage-only kinds.
 *
 * Source: Podlaski et al. 2017, eLife 6:e22152 (GPL-3.0); models from ModelDB.
 */
#pragma once

#include <gio/gio.h>

#include "channel.h"

G_BEGIN_DECLS

#define ND_ICG_MAX_TEMPS 3

typedef struct {
  char *name;
  int exponent;            /* power in the conductance (0: not in it) */
  double q10_tau;          /* ICG estimate; NAN when unknown */
  int n_temps;
  double temps[ND_ICG_MAX_TEMPS];    /* ascending, °C */
  int n;                             /* voltages per table */
  double *v;                         /* mV, shared by the temperatures */
  double *x_inf[ND_ICG_MAX_TEMPS];   /* NAN where missing */
  double *tau[ND_ICG_MAX_TEMPS];     /* ms, NAN where missing */
} NdIcgGate;

typedef struct {
  char *icg_class;         /* K, Na, Ca, KCa (IH is a valid class name; this release of the data has none) */
  char *channel;           /* "<ModelDB id>_<file>.mod" */
  char *file;              /* "<file>.mod" */
  char *suffix;            /* NEURON SUFFIX */
  int modeldb_id;
  gboolean needs_calcium;  /* KCa: gating depends on intracellular calcium */
  int n_gates;
  NdIcgGate *gates;
} NdIcgChannel;

typedef struct _NdIcgCatalogue NdIcgCatalogue;

NdIcgCatalogue *nd_icg_catalogue_load (const char *path, GError **error);
void nd_icg_catalogue_free (NdIcgCatalogue *cat);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdIcgCatalogue, nd_icg_catalogue_free)

guint nd_icg_catalogue_n_channels (const NdIcgCatalogue *cat);
const NdIcgChannel *nd_icg_catalogue_get (const NdIcgCatalogue *cat, guint i);

/* Channels matching all given criteria, in catalogue order (a GPtrArray of
 * const NdIcgChannel *, owned by the catalogue): `text` is a case-insensitive
 * substring of the file name or suffix (NULL or "" = any), `icg_class` an
 * exact class, case-insensitive (NULL = any), `modeldb_id` (0 = any). */
GPtrArray *nd_icg_catalogue_search (const NdIcgCatalogue *cat, const char *text,
                                    const char *icg_class, int modeldb_id);
const NdIcgChannel *nd_icg_catalogue_find (const NdIcgCatalogue *cat, const char *icg_class,
                                           const char *channel);

/* A channel kind with the gates that enter the conductance (exponent > 0).
 * Rates are evaluated at the `celsius` the simulator passes. Fails (ND_ERROR)
 * for calcium-dependent channels, channels with more than ND_MAX_GATES gates
 * and gates without usable x_inf. Free with nd_icg_kind_free. */
nd_channel_kind *nd_icg_channel_make_kind (const NdIcgChannel *ch, GError **error);
void nd_icg_kind_free (nd_channel_kind *kind);


G_END_DECLS
