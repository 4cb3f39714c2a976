/* cli-fit-project.h: `neurode-cli fit PROJECT.neurode`: the fit a project describes.
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cli-recording.h"
#include "project-file.h"

/* The choices of `neurode-cli fit` a project can make. A NULL string (NAN for ljp_mv) is one the command
 * line left open; nd_cli_fit_project fills those from the project. */
typedef struct {
  char **train, **validate, **window;
  NdCliRecordingOptions *rec;
} NdCliFitChoices;

/* Reads the project at `path`: its model, the recording it names (where it was, else beside the project:
 * as the window looks for it) into *rec_path, the recording fitted together with it (its "fitted_with", as
 * --with) into *with_path unless that is set already, and the choices left open: the training and validation
 * sweeps, the fit window, the stimulus and the liquid-junction potential. Prints the error and returns NULL
 * (exit status 1) when the project cannot be read or a recording it names is not found. */
NdProjectFile *nd_cli_fit_project (const char *path, char **rec_path, char **with_path, const NdCliFitChoices *c);
