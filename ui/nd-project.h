/* nd-project.h: what one window works on — a recording, a model, the choices about them, fit results.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model is described by a builder spec (membrane, every library channel with an on/off flag, and one
 * learned current), and nd_project_get_model() is the engine model built from it; the learned networks'
 * weights survive spec changes that keep their shape. Selections: which sweeps train and which validate,
 * the time window the loss sees, the stimulus source. Saved as a `.neurode` JSON file (its format is the
 * engine's, project-file.h, which `neurode-cli fit PROJECT` reads too), written atomically;
 * nd_project_autosave() keeps a crash copy in the user cache folder.
 *
 * Signals: "changed" after every edit (the project is then dirty), "recording-changed" when another
 * recording is loaded, "loaded" when a whole project replaced this one's content. Main thread only.
 */
#pragma once

#include <gio/gio.h>

#include "fit-plan.h"
#include "fit.h"
#include "model.h"
#include "project-file.h"
#include "recording.h"
#include "templates.h"

G_BEGIN_DECLS

#define ND_TYPE_PROJECT (nd_project_get_type ())
G_DECLARE_FINAL_TYPE (NdProject, nd_project, ND, PROJECT, GObject)

/* What a fit may change of a known channel (library or catalogue): its conductance within bounds, its
 * reversal potential, and the offset of its kinetics (the gates see V - v_shift). */
#define ND_FIT_GBAR_FACTOR 10.0   /* a fitted conductance stays within this factor of the value set */
#define ND_FIT_E_RANGE_MV 30.0    /* a fitted reversal potential stays within this of the value set */

typedef struct
{
  gboolean enabled;
  double gbar, e;   /* mS/cm2, mV */
  gboolean fit_gbar, fit_e;
  /* Bounds of the conductance (mS/cm2) and the reversal potential (mV). Both 0: ND_FIT_GBAR_FACTOR around
   * gbar, ND_FIT_E_RANGE_MV around e, when fitted. A model file's own range is kept until the value is set
   * to another. */
  double gbar_lo, gbar_hi, e_lo, e_hi;
  double v_shift;   /* mV, within ±ND_VSHIFT_MAX_MV; channels without gates ignore it */
  gboolean fit_v_shift;
  double v_shift_inact;   /* a further offset of the inactivation gates; channels without one ignore it */
  gboolean fit_v_shift_inact;
} NdKnownSpec;

typedef struct
{
  gboolean enabled;
  char name[32];
  double gbar, e;
  gboolean fit_gbar, fit_e;
  int n_gates;      /* 1 or 2 */
  char gate_name[2][16];
  double power[2];       /* exponent in the current (1..8; real once fitted) */
  gboolean fit_power[2];
  NdNetSize size;
  char replaces[32];  /* library type drawn for comparison ("hh_k"), "" for none */
} NdLearnedSpec;

/* A channel from the published catalogue (icg-registry.h) in the model builder. */
typedef struct
{
  gboolean enabled;
  double gbar, e;
  const nd_channel_kind *kind;  /* from nd_icg_kind_lookup(): lives as long as the process */
  gboolean fit_gbar, fit_e;     /* as in NdKnownSpec */
  double gbar_lo, gbar_hi, e_lo, e_hi;
  double v_shift;
  gboolean fit_v_shift;
} NdCatalogueSpec;

NdProject   *nd_project_new (void);

/* The file this project was saved to or opened from (NULL when new). */
GFile       *nd_project_get_file (NdProject *self);
gboolean     nd_project_get_dirty (NdProject *self);
void         nd_project_set_dirty (NdProject *self, gboolean dirty);
/* Counter that grows with every edit (for autosave). */
guint64      nd_project_get_generation (NdProject *self);

/* Recording. Puts another recording into this project, keeping its model (opening a recording in the window
 * starts a new project instead: nd_project_start_new). On failure the project is left as it was. A step
 * protocol's sweeps start with the default split of nd_cell_props_default_split() (the most hyperpolarising,
 * the rheobase and the strongest step train), other recordings train on the second sweep. */
gboolean     nd_project_load_recording (NdProject *self, const char *path, GError **error);
NdRecording *nd_project_get_recording (NdProject *self);
/* Makes this a new, untitled project on `rec` (taken): no file, the model a new recording starts from,
 * the selections a new recording gets, no fit results; unmodified until edited. Emits "recording-changed"
 * and "loaded". */
void         nd_project_start_new (NdProject *self, NdRecording *rec);

/* A project opened while its recording could not be found (moved, deleted or unreadable) keeps its model,
 * selections and fit results and remembers where the recording was; nd_project_relocate_recording() gives
 * it back. The path is the recording's also while it is missing (NULL without a recording). */
const char  *nd_project_get_recording_path (NdProject *self);
gboolean     nd_project_get_recording_missing (NdProject *self);
/* Why the missing recording could not be read when a file was there; NULL when none was found. */
const char  *nd_project_get_recording_problem (NdProject *self);
/* NULL when `rec` fits the project (as many sweeps and signals as the recording it was saved with, or
 * every chosen sweep for files that did not record that), else sentences saying how it differs. */
char        *nd_project_check_recording (NdProject *self, NdRecording *rec);
/* Takes `rec` as the project's recording in place of a missing one (or another copy of the present one):
 * the model, selections, stimulus choice and fit results stay; the project is modified. */
void         nd_project_relocate_recording (NdProject *self, NdRecording *rec);
/* Another recording of the same cell (current or voltage clamp) fitted together with the project's own, as
 * `neurode-cli fit --with` does: all its sweeps train, after the selection's; results and plots stay with
 * the project's recording. NULL path: none. Setting one loads it and checks that a fit can read it (refused,
 * the project unchanged, otherwise or when it is the project's own recording); opening another recording
 * in the project forgets it. A project opened while it cannot be found keeps its path and says it is missing
 * until it is set again or removed (a fit refuses until then). */
const char  *nd_project_get_fitted_with_path (NdProject *self);
NdRecording *nd_project_get_fitted_with (NdProject *self);
gboolean     nd_project_get_fitted_with_missing (NdProject *self);
gboolean     nd_project_set_fitted_with (NdProject *self, const char *path, GError **error);
/* The signal plotted as "the recorded trace" (first voltage signal, else the first). */
int          nd_project_get_trace_signal (NdProject *self);
gboolean     nd_project_set_stimulus (NdProject *self, NdStimulusSource source, int signal, GError **error);

NdSweepRole  nd_project_get_sweep_role (NdProject *self, guint sweep);
void         nd_project_set_sweep_role (NdProject *self, guint sweep, NdSweepRole role);
/* Many sweeps at once (one "changed"). */
void         nd_project_set_sweep_roles (NdProject *self, const guint *sweeps, guint n, NdSweepRole role);
/* Without "changed" or the dirty flag (choices made while a recording is opened). */
void         nd_project_set_sweep_role_quietly (NdProject *self, guint sweep, NdSweepRole role);

/* The recording's liquid-junction potential in mV (0 for a new recording): subtracted from the membrane
 * potential of the cell properties and of every fit (it is set on the recording, nd_recording_set_ljp). */
double       nd_project_get_ljp (NdProject *self);
void         nd_project_set_ljp (NdProject *self, double ljp_mV);
/* A membrane capacitance the user knows (pF), used instead of the measured one; NAN (or <= 0): none. */
double       nd_project_get_known_capacitance (NdProject *self);
void         nd_project_set_known_capacitance (NdProject *self, double c_pF);

/* Fit window in ms from the sweep start; end <= start means the whole sweep. */
void         nd_project_get_window (NdProject *self, double *start_ms, double *end_ms);
void         nd_project_set_window (NdProject *self, double start_ms, double end_ms);

/* Model builder spec. Index i runs over nd_channel_library(). */
guint        nd_project_get_n_known (NdProject *self);
const nd_channel_kind *nd_project_get_known_kind (NdProject *self, guint i);
NdKnownSpec  nd_project_get_known (NdProject *self, guint i);
void         nd_project_set_known (NdProject *self, guint i, const NdKnownSpec *spec);
NdLearnedSpec nd_project_get_learned (NdProject *self);
void         nd_project_set_learned (NdProject *self, const NdLearnedSpec *spec);
void         nd_project_get_membrane (NdProject *self, double *cm, double *area_um2, double *v_init, double *celsius);
void         nd_project_set_membrane (NdProject *self, double cm, double area_um2, double v_init, double celsius);
/* Replaces the model by a template's (templates.h) sized to the cell: its channels, conductances, learned
 * current and temperature; known conductances, the leak and the sodium kinetics' offset are fitted within
 * bounds. The recording's cell properties (cell-recording.h) give the resting potential (initial
 * potential, leak reversal), the input resistance (leak conductance) and the membrane area where they are
 * measured; otherwise the project's membrane is kept (the template's own area instead of a new project's
 * squid-axon area). Catalogue channels stay in the builder, switched off; fit results are cleared. */
void         nd_project_apply_template (NdProject *self, nd_template_kind kind);
/* Whether the model is someone's work: edited, fitted or opened from a file (not new, not just made from
 * a template), so replacing it should be confirmed. */
gboolean     nd_project_get_model_edited (NdProject *self);

/* Catalogue channels, in the order they were added (after the library channels in the model). Adding one
 * already in the project returns its index; fails in the user's words (not in the catalogue, needs
 * calcium). Disabled ones are kept in the project file beside the model. */
guint        nd_project_get_n_catalogue (NdProject *self);
NdCatalogueSpec nd_project_get_catalogue (NdProject *self, guint i);
void         nd_project_set_catalogue (NdProject *self, guint i, const NdCatalogueSpec *spec);
gboolean     nd_project_add_catalogue (NdProject *self, const char *icg_class, const char *channel,
                                       guint *index, GError **error);
void         nd_project_remove_catalogue (NdProject *self, guint i);

/* The engine model built from the spec (owned by the project; replaced on every spec change). */
nd_model    *nd_project_get_model (NdProject *self);
/* Takes a fitted model (same structure as nd_project_get_model) as the project's model. */
void         nd_project_accept_model (NdProject *self, nd_model *fitted, const NdSweepScore *scores,
                                      guint n_scores, const double *loss_train, const double *loss_val,
                                      const guint8 *loss_free, guint n_loss);
gboolean     nd_project_get_fitted (NdProject *self);
const NdSweepScore *nd_project_get_scores (NdProject *self, guint *n);
/* Loss history of the accepted fit (mV², validation NaN where not evaluated); `running_free` (may be NULL)
 * gets its stages, 1 where the model ran free, or NULL when they are not known (a fit of a file written
 * before the stages were kept, a batch row without them). */
const double *nd_project_get_loss (NdProject *self, const double **val, const guint8 **running_free, guint *n);

/* The fit of the recording with the sweeps' roles and the window, planned as `neurode-cli fit` plans it
 * (fit-plan.h: the data, the model as fitted, the options from `choices`, whose sweeps and window are
 * replaced by the project's): whole sweeps, weights 1 inside the window; current-clamp sweeps with the
 * stimulus as a current density for `model`'s membrane area, voltage-clamp sweeps with the command and
 * the current (the capacitive transients left out). Free with nd_project_free_sweeps(). Fails in the
 * user's words (no recording, no training sweep, no current). */
typedef struct
{
  guint n_train, n_val;
  guint *sweep_ids;      /* n_train + n_val: which sweep of its recording each is */
  nd_fit_sweep *sweeps;  /* training sweeps, then validation sweeps (the plan's arrays) */
  NdFitPlan *plan;       /* owns the arrays; the model as fitted and the options */
  guint n_with;          /* the last n_with training sweeps are the fitted-with recording's */
  NdFitData *with;       /* owns their arrays; NULL without one */
} NdProjectSweeps;
NdProjectSweeps *nd_project_make_fit (NdProject *self, const nd_model *model, const NdFitPlanSpec *choices,
                                      GError **error);
/* nd_project_make_fit with every choice automatic and this step. */
NdProjectSweeps *nd_project_make_sweeps (NdProject *self, const nd_model *model, double max_dt_ms, GError **error);
void         nd_project_free_sweeps (NdProjectSweeps *s);

/* Files. */
char        *nd_project_to_json (NdProject *self, GFile *relative_to);
gboolean     nd_project_save (NdProject *self, GFile *file, GError **error);
/* Replaces this project's content with the file's; on failure the project is unchanged. */
gboolean     nd_project_open (NdProject *self, GFile *file, GError **error);
/* Same from JSON text (recording paths relative to `base`, may be NULL). A recording that cannot be
 * found or read does not fail it: see nd_project_get_recording_missing(). */
gboolean     nd_project_load_json (NdProject *self, const char *json, GFile *base, GError **error);

/* Crash copy in $XDG_CACHE_HOME/neurode/autosave.neurode. */
char        *nd_project_autosave_path (void);
gboolean     nd_project_autosave (NdProject *self, GError **error);
void         nd_project_remove_autosave (void);

G_END_DECLS
