/* nd-catalogue-group.h: the model builder's published channels (from the catalogue).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A preferences group with one expander row per catalogue channel of the project (tick box, kinetics,
 * remove; maximal conductance, reversal potential and the source inside) and an "Add Channel from
 * Catalogue…" button that opens the browser. It installs the action group "catalogue" on `host`:
 * "catalogue.browse" opens the browser, "catalogue.add" (string "<class>/<channel>") adds a channel.
 */
#pragma once

#include <adwaita.h>

#include "nd-project.h"

G_BEGIN_DECLS

GtkWidget *nd_catalogue_group_new (NdProject *project, GtkWidget *host);

G_END_DECLS
