/* cli-propose.h: neurode-cli fit --ensemble N --propose, the recording to make next (propose.h).
 *
 * Copyright 2026 The Neurode authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fit-data.h"
#include "model.h"

#define ND_CLI_PROPOSE_DIR "next"
#define ND_CLI_PROPOSE_SHOWN 5

/* Ranks the candidate recordings, in the recording's own clamp mode (so the
 * proposal can be added to it and fitted together), by the kept members'
 * disagreement, writes out_dir/next/ (proposal.txt, stimulus.atf,
 * stimulus.csv, predicted.csv; a set with its complete.txt) and prints the
 * best one. noise_sd: the fit's estimate (mV; in voltage clamp in units of
 * data->i_unit_pA). `with`: a second recording fitted together (fit --with),
 * or NULL; the candidates are then in both recordings' modes, each scored
 * against its own recording's noise. vc_noise_pA > 0 (fit --vc-noise): a
 * current-clamp fit's candidates include voltage-clamp ones, scored against
 * that noise of the clamp current. 0, or the exit status. */
int nd_cli_propose (nd_model *const *members, int n_members, const NdFitData *data, const NdFitData *with,
                    double noise_sd, double vc_noise_pA, const char *out_dir);
