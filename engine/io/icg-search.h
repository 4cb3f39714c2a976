/* icg-search.h: the channel catalogue searched with the words people use.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalogue knows a channel by its ICG class (K, Na, Ca, KCa), its .mod file, NEURON suffix and
 * ModelDB entry: "sodium", "Nav", "Ih" or "A-type" matched none of these. A query is split into words
 * (phrases such as "delayed rectifier" or "h current" count as one); every word must match, each the best
 * way it can, scored so that the closest matches come first:
 *   100  the suffix or file is the word ("na"), or the ModelDB number is
 *    80  the class is the word ("Na", "K", "KCa")
 *    75  a name for a kind of channel: of an ion ("sodium", "Nav", "potassium"), every channel of its class;
 *        of a narrower kind ("A-type", "Kv4", "BK", "T-type", "M-current"), the channels of its class that
 *        carry its usual names ("kap", "kad", "KA", "Kv4f" for A-type)
 *    60  the word is a part of the name ("golgi" in Golgi_KA)
 *    50  the name starts with the word
 *    35  a part of the name starts with the word
 *    10  the word occurs anywhere in the name (at least two letters)
 * plus 10 when a word that matched by class or kind also begins the name, so that for "na" the channel
 * called na comes first, then na3, nax, nap, and Kdr of Jonas, which merely contains the letters, last.
 * Ties keep the catalogue's order (by ModelDB number). The ICG metadata has no authors, years, cell types
 * or species, so they cannot be searched.
 */
#pragma once

#include "icg-catalogue.h"

G_BEGIN_DECLS

/* Channels matching every word of `query` (NULL or blank: all), best first, as const NdIcgChannel *
 * owned by the catalogue. `icg_class` keeps one class (NULL: all). When a word names a kind of channel
 * of a class the catalogue has no entries in (the h-current, class IH), `absent_class` (may be NULL)
 * receives that class; else NULL. */
GPtrArray *nd_icg_search (const NdIcgCatalogue *cat, const char *query, const char *icg_class,
                          const char **absent_class);

/* Whether the catalogue has channels of `icg_class`. */
gboolean   nd_icg_catalogue_has_class (const NdIcgCatalogue *cat, const char *icg_class);

/* The membrane potential (mV) at which a gate's steady state x_inf crosses one half, in its lowest
 * temperature's table (linear between the tabulated voltages); NAN when it never does. */
double     nd_icg_gate_vhalf (const NdIcgGate *gate);

G_END_DECLS
