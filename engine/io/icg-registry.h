/* icg-registry.h: the shipped channel catalogue, shared by every model in the process.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model refers to a catalogue channel by class and "<ModelDB id>_<file>.mod"; the
 * channel kind (nd_channel_kind, type "icg:<class>:<channel>") is made once and lives
 * as long as the process, because models, their copies and fits keep pointers to it.
 *
 * The catalogue file is looked for in, first match wins:
 *   $ND_DATA_DIR/icg/icg-catalogue.csv.gz    (tests, relocated installs)
 *   PKGDATADIR/icg/icg-catalogue.csv.gz      (installed, also inside Flatpak)
 *   <source tree>/data/icg/icg-catalogue.csv.gz (uninstalled builds, build-aux/run)
 * Thread-safe.
 */
#pragma once

#include "icg-catalogue.h"

G_BEGIN_DECLS

#define ND_ICG_CITATION "Podlaski et al. 2017 (ICGenealogy)"

/* Path of the catalogue file that would be used, or NULL (error set) when none exists. */
char *nd_icg_catalogue_path (GError **error);
/* The catalogue, loaded on first use (owned by the process, never freed). */
const NdIcgCatalogue *nd_icg_catalogue_shared (GError **error);

/* The kind of a catalogue channel, made on first use; fails in the user's words when the
 * channel is not in the catalogue or cannot be simulated voltage-only (calcium-activated). */
const nd_channel_kind *nd_icg_kind_lookup (const char *icg_class, const char *channel, GError **error);

/* Whether `kind` is a catalogue channel; if so its class and channel (pointers into a static
 * split of kind->type, valid as long as the kind) and its catalogue entry. */
gboolean nd_icg_kind_source (const nd_channel_kind *kind, const char **icg_class, const char **channel,
                             const NdIcgChannel **entry);

G_END_DECLS
