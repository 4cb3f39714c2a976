/* project-file.h: the .neurode project file as plain data, read strictly and written back.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A project is what one window works on: a recording and the choices about it, a model, fit results.
 * The window (ui/nd-project.c) and `neurode-cli fit PROJECT` read the same file through this module
 * (project-file.c: the format; project-recording.c: the recording it names, found on disk):
 *
 *   {"neurode_project": 1,
 *    "recording": {"path": "/data/cell1.abf", "relative_path": "cell1.abf",
 *                  "stimulus": "protocol" | "signal" | "none", "stimulus_signal": "IN 0",
 *                  "sweeps": 10, "signals": [{"name": "IN 0", "units": "mV"}, ...],
 *                  "ljp_mV": 0, "capacitance_pF": 25},
 *    "fitted_with": { as "recording": another recording of the same cell, in current or voltage clamp, whose
 *                     sweeps all train beside the selection's (neurode-cli fit --with) },
 *    "selection": {"train": [1, 4], "validate": [0, 2], "window_ms": [0, 0]},
 *    "model": { a model file (model-file.h) },
 *    "builder": {"network_size": "small" | "medium" | "large", "learned_enabled": true,
 *                "compare_with": "hh_k",
 *                "catalogue_off": [{"icg_class": "K", "channel": "...", "gbar_mS_per_cm2": 1,
 *                                   "e_rev_mV": -77, "fit_gbar": true, "fit_e_rev": true,
 *                                   "fit_v_shift": true, "v_shift_mV": 2}]},
 *    "fit": {"fitted": true,
 *            "validation": [{"sweep": 0, "role": "train" | "validate", "rmse_mV": 1.2,
 *                            "spikes_recorded": 3, "spikes_model": 3, "first_spike_shift_ms": 0.4,
 *                            "subthreshold_rmse_mV": 0.8, "rmse_pA": ..., "peak_pA": ...,
 *                            "peak_model_pA": ...}],
 *            "loss_train_mV2": [...], "loss_validation_mV2": [..., null],
 *            "loss_running_free": [false, ..., true]}}
 *
 * Only "neurode_project" and "model" are required; members added later are optional, so the format's
 * number grows only when an older Neurode would misread a newer file. Reading is strict: a member that is
 * present must have its type (numbers finite, sweeps whole numbers), and an error names it. JSON has no
 * NaN: "not measured" is null, and in older files an RMSE of -1.
 */
#pragma once

#include <glib.h>

#include "model.h"
#include "recording.h"

G_BEGIN_DECLS

/* The newest format this Neurode reads and the one it writes. */
#define ND_PROJECT_FORMAT 1

typedef enum
{
  ND_SWEEP_IGNORE,
  ND_SWEEP_TRAIN,
  ND_SWEEP_VALIDATE,
} NdSweepRole;

typedef enum
{
  ND_NET_SMALL,   /* 16 wide, 1 hidden layer */
  ND_NET_MEDIUM,  /* 32 wide, 2 hidden layers (the published gate) */
  ND_NET_LARGE,   /* 64 wide, 3 hidden layers */
} NdNetSize;

/* How well the fitted model reproduces one sweep (sweep-score.h). */
typedef struct
{
  guint sweep;
  double rmse_mV;
  int spikes_recorded, spikes_model;
  NdSweepRole role;               /* its role in the fit: training, else validation */
  double first_spike_shift_ms;    /* model minus recording; NaN unless both fire */
  double subthreshold_rmse_mV;    /* spikes of either trace cut out; NaN when nothing is left */
  /* Voltage clamp: the membrane current under the command is compared, no spikes (counts 0, the mV
   * figures NaN); in current clamp voltage_clamp is FALSE and these are not read. */
  gboolean voltage_clamp;
  double rmse_pA;                 /* the membrane current's RMSE */
  double peak_pA, peak_model_pA;  /* the recording's and the model's peak current (nd_clamp_peak), signed */
} NdSweepScore;

typedef struct
{
  char *name, *units;
} NdProjectSignal;

/* What the project says about its recording. */
typedef struct
{
  char *path;               /* where it was, as saved (absolute) */
  char *relative_path;      /* from the project's folder; NULL when not saved */
  NdStimulusSource stimulus;
  char *stimulus_signal;    /* the stimulus signal's name (ND_STIMULUS_SIGNAL), else NULL */
  guint n_sweeps;           /* 0: not recorded (older files) */
  GArray *signals;          /* NdProjectSignal; empty: not recorded */
  double ljp_mV;            /* liquid-junction potential */
  double capacitance_pF;    /* a capacitance the user knows; NAN: measured */
} NdProjectRecording;

/* A catalogue channel switched off in the model builder (not in the model). */
typedef struct
{
  const nd_channel_kind *kind;  /* nd_icg_kind_lookup(); entries that no longer load are dropped */
  double gbar, e, v_shift;
  gboolean fit_gbar, fit_e, fit_v_shift;
} NdProjectCatalogueOff;

typedef struct
{
  NdProjectRecording *recording;   /* NULL: none (then no selection either) */
  NdProjectRecording *fitted_with; /* NULL: the recording is fitted alone */
  GArray *train, *validate;        /* guint sweep numbers */
  double window_start_ms, window_end_ms;  /* end <= start: the whole sweep */

  nd_model *model;
  NdNetSize network_size;
  gboolean learned_enabled;
  char *compare_with;              /* library channel drawn for comparison, "" none */
  GArray *catalogue_off;           /* NdProjectCatalogueOff */

  gboolean fitted;
  GArray *scores;                  /* NdSweepScore */
  GArray *loss_train, *loss_val;   /* double, as long as each other; NAN: not evaluated */
  GArray *loss_free;               /* guint8 per loss: 1 where the model ran free, 0 pulled to the recording;
                                    * empty when the file has no stages (written before 6 December 2026) */
} NdProjectFile;

/* An empty project (no recording, no model). */
NdProjectFile *nd_project_file_new (void);
void nd_project_file_free (NdProjectFile *pf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdProjectFile, nd_project_file_free)

NdProjectRecording *nd_project_recording_new (void);
NdProjectRecording *nd_project_recording_copy (const NdProjectRecording *r);
void nd_project_recording_free (NdProjectRecording *r);
/* What a project records of `rec` opened from `path`: its stimulus choice, sweeps, signals and
 * liquid-junction potential (capacitance NAN). */
NdProjectRecording *nd_project_recording_describe (const NdRecording *rec, const char *path);

/* Reads project text; errors say what is wrong and name the member ("the project’s “selection”: ..."). */
NdProjectFile *nd_project_file_parse (const char *json, gsize len, GError **error);
/* The file at `path`, refused when it is no regular file or too large (json-input.h). */
NdProjectFile *nd_project_file_load (const char *path, GError **error);
/* The project as JSON text; with `project_path` (where it is saved, may be NULL) the recording's path
 * relative to the project's folder is written too. */
char *nd_project_file_to_string (const NdProjectFile *pf, const char *project_path);

/* Whether the file at `path` is a project: a .neurode name, or JSON text with a "neurode_project" member
 * near its start. */
gboolean nd_project_file_sniff (const char *path);

/* The role of `sweep` in the selection (ND_SWEEP_IGNORE when in neither list). */
NdSweepRole nd_project_file_sweep_role (const NdProjectFile *pf, guint sweep);

/* Where a recording the project names ("recording" or "fitted_with") is looked for, in order: the saved path
 * when absolute, then the relative path from the folder of `project_path` (a folder moved with its project
 * and recordings). NULL-terminated; empty when `r` is NULL. */
GStrv nd_project_recording_candidates (const NdProjectRecording *r, const char *project_path);
/* The first candidate that exists and loads, with the project's stimulus and liquid-junction potential
 * applied. *looked_for (may be NULL) gets the path the recording is known by: the one found, else the first
 * candidate, else the path as saved. Errors: ND_ERROR_NOT_FOUND naming the paths looked at when none
 * exists, else why the one found could not be read. */
NdRecording *nd_project_file_open_recording (const NdProjectFile *pf, const char *project_path, char **looked_for,
                                             GError **error);
/* The same for any recording the project names; the not-found error says “the project’s recording” unless
 * `what` names it otherwise (“the recording fitted together with it”). */
NdRecording *nd_project_recording_open (const NdProjectRecording *r, const char *what, const char *project_path,
                                        char **looked_for, GError **error);
/* Sets the project's stimulus choice and liquid-junction potential on `rec`; FALSE (rec unchanged) when it
 * has no such stimulus. */
gboolean nd_project_recording_apply (const NdProjectRecording *r, NdRecording *rec, GError **error);

/* `path` relative to the folder of `project_path` ("rec.abf", "../data/rec.abf"); NULL when they share no
 * folder but the root. */
char *nd_project_file_relative_path (const char *project_path, const char *path);

G_END_DECLS
