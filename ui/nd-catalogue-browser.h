/* nd-catalogue-browser.h: the window that searches the published channel catalogue and adds channels.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A search in the words people use (ions, kinds of channel, names, ModelDB numbers; icg-search.h) and a
 * filter by the classes the catalogue has, over the ~2,300 catalogue entries, a list of the matches best
 * first, each with its ModelDB entry and half-activation voltages, and a preview of the selected channel: its gates' steady states and time constants at
 * the project's temperature, their exponents, its source, and "Add to Model". Calcium-activated
 * channels are listed, marked, and cannot be added. The window action "browser.add" adds the selected
 * channel; "browser.select" (string "<class>/<channel>") selects one.
 */
#pragma once

#include <adwaita.h>

#include "nd-plot-model.h"
#include "nd-project.h"

G_BEGIN_DECLS

#define ND_TYPE_CATALOGUE_BROWSER (nd_catalogue_browser_get_type ())
G_DECLARE_FINAL_TYPE (NdCatalogueBrowser, nd_catalogue_browser, ND, CATALOGUE_BROWSER, AdwWindow)

/* NULL with error set when the catalogue cannot be read. */
NdCatalogueBrowser *nd_catalogue_browser_new (NdProject *project, GtkWindow *parent, GError **error);

/* What the search entry and class filter show ("" or NULL class: all classes). */
void     nd_catalogue_browser_set_query (NdCatalogueBrowser *self, const char *text, const char *icg_class);
guint    nd_catalogue_browser_get_n_results (NdCatalogueBrowser *self);
/* The i-th result's "<class>/<channel>" (best first), or NULL. */
char    *nd_catalogue_browser_dup_result (NdCatalogueBrowser *self, guint i);
/* Whether the class filter offers `icg_class` (only classes with entries are offered). */
gboolean nd_catalogue_browser_has_class (NdCatalogueBrowser *self, const char *icg_class);
/* Selects a channel among the results; FALSE when it is not among them. */
gboolean nd_catalogue_browser_select (NdCatalogueBrowser *self, const char *icg_class, const char *channel);
/* The selected channel's "<class>/<channel>", or NULL. */
char    *nd_catalogue_browser_dup_selected (NdCatalogueBrowser *self);
/* The preview plots' models: 0 steady states, 1 time constants. */
NdPlotModel *nd_catalogue_browser_get_preview (NdCatalogueBrowser *self, guint which);
GtkWidget *nd_catalogue_browser_get_add_button (NdCatalogueBrowser *self);

G_END_DECLS
