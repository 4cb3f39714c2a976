/* nd-morphology-view.h: a neuron's morphology drawn as a 2-D projection.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each section is drawn as line pieces between its SWC points, as thick as their diameter (at least one
 * pixel), coloured by region (soma, axon, basal, apical dendrites, other, with a legend) or by the
 * voltage of the compartment each piece belongs to (a colour scale in mV and the time shown). The
 * projection drops the axis of smallest extent unless a plane is chosen. A 100 µm scale bar sits in the
 * lower left corner. Drawn with cairo in snapshot; main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "morph/cable.h"

G_BEGIN_DECLS

typedef enum
{
  ND_MORPH_PLANE_AUTO,   /* the two axes of largest extent */
  ND_MORPH_PLANE_XY,
  ND_MORPH_PLANE_XZ,
  ND_MORPH_PLANE_YZ,
} NdMorphPlane;

typedef enum
{
  ND_MORPH_COLOR_REGION,
  ND_MORPH_COLOR_VOLTAGE,
} NdMorphColoring;

/* The range of the voltage colour scale, mV. */
#define ND_MORPH_V_MIN (-90.0)
#define ND_MORPH_V_MAX 40.0

#define ND_TYPE_MORPHOLOGY_VIEW (nd_morphology_view_get_type ())
G_DECLARE_FINAL_TYPE (NdMorphologyView, nd_morphology_view, ND, MORPHOLOGY_VIEW, GtkWidget)

GtkWidget   *nd_morphology_view_new           (void);
/* Borrowed: both must outlive the view or be replaced (NULL, NULL clears it). `cable` may be NULL
 * (region colouring only). Clears the voltages. */
void         nd_morphology_view_set_cell      (NdMorphologyView *self, const nd_morph *morph, const nd_cable *cable);
void         nd_morphology_view_set_plane     (NdMorphologyView *self, NdMorphPlane plane);
/* The plane drawn: never AUTO once a morphology is set. */
NdMorphPlane nd_morphology_view_get_plane     (NdMorphologyView *self);
void         nd_morphology_view_set_coloring  (NdMorphologyView *self, NdMorphColoring coloring);
/* Voltage per cable node (copied; cable->n_nodes values) at time t_ms; NULL clears. */
void         nd_morphology_view_set_voltages  (NdMorphologyView *self, const double *v_mV, double t_ms);
/* The colour of a voltage on the scale (r, g, b in 0..1), for tests and legends. */
void         nd_morphology_voltage_color      (double v_mV, double rgb[3]);
/* Writes the drawing to a PNG file of width x height pixels, in the light colours. */
gboolean     nd_morphology_view_export_png    (NdMorphologyView *self, const char *path, int width, int height,
                                               GError **error);
guint        nd_morphology_view_get_draw_count (NdMorphologyView *self);

G_END_DECLS
