/* nd-model-view.h: the model builder — membrane, library channels, the learned current.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-project.h"

G_BEGIN_DECLS

#define ND_TYPE_MODEL_VIEW (nd_model_view_get_type ())
G_DECLARE_FINAL_TYPE (NdModelView, nd_model_view, ND, MODEL_VIEW, GtkBox)

void nd_model_view_set_project (NdModelView *self, NdProject *project);

G_END_DECLS
