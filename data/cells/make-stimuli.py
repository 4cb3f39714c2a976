#!/usr/bin/env python3
# make-stimuli.py: stimulus files for reducing data/cells/ca1-pospischil.json.
#
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes, next to this script, CSV stimuli (sweep,t_ms,i_pA; 0.1 ms samples,
# held over each sample interval; `neurode-cli morph-simulate` integrates
# them at dt 0.025 ms):
#   ca1-train-stimulus.csv    the published protocol (650 pA from 10 to 50 ms, 70 ms), steps
#                             of 200 (below threshold), 350, 500, 800 and 950 pA, and six
#                             noisy inputs (Ornstein-Uhlenbeck current, tau 5 ms, from 10 to
#                             100 ms of 110 ms: mean 400 pA, s.d. 250 pA, seeds 1, 2, 5, near
#                             threshold; mean 650 pA, s.d. 150 pA, seed 4, mean 500 pA, s.d.
#                             200 pA, seed 6, and mean 800 pA, s.d. 150 pA, seed 7: sustained
#                             firing longer than any training step).
#                             No step sits within a few per cent of the full cell's threshold
#                             (290-300 pA for 40 ms), where a 1 % current error decides
#                             whether a spike happens at all.
#   ca1-heldout-stimulus.csv  other amplitudes (450 and 850 pA, 10-50 ms of 70 ms),
#                             a longer step (650 pA, 10-90 ms of 110 ms, as in the paper's
#                             generalisation figure) and another noisy input (seed 3); they
#                             choose among the fit's starts and checkpoints
#   ca1-test-stimulus.csv     never used by the fit, for unbiased figures: 550 pA (10-50 ms
#                             of 70 ms), long steps of 400 and 750 pA (10-90 ms of 110 ms)
#                             and a noisy input (mean 550 pA, s.d. 200 pA, seed 8, 10-100 ms)
#   ca1-long-stimulus.csv     never used by the fit either: steps of 400, 550, 700 and 850 pA
#                             from 10 to 230 ms of 240 ms, more than twice the longest training
#                             sweep, for the firing rate on inputs longer than any trained on
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
DT = 0.1


def step(amp, start, end, total):
    n = int(round(total / DT)) + 1
    return [amp if start <= (k + 0.5) * DT < end else 0.0 for k in range(n)]


def noisy(mean, sd, tau, start, end, total, seed):
    rng = random.Random(seed)
    n = int(round(total / DT)) + 1
    a = math.exp(-DT / tau)
    x = 0.0
    out = []
    for k in range(n):
        x = a * x + sd * math.sqrt(1.0 - a * a) * rng.gauss(0.0, 1.0)
        out.append(mean + x if start <= (k + 0.5) * DT < end else 0.0)
    return out


def write(name, sweeps):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("sweep,t_ms,i_pA\n")
        for s, sweep in enumerate(sweeps):
            for k, i in enumerate(sweep):
                f.write("%d,%.1f,%.4f\n" % (s, k * DT, i))


write("ca1-train-stimulus.csv", [step(650.0, 10.0, 50.0, 70.0),
                                 step(200.0, 10.0, 50.0, 70.0),
                                 step(350.0, 10.0, 50.0, 70.0),
                                 step(500.0, 10.0, 50.0, 70.0),
                                 step(800.0, 10.0, 50.0, 70.0),
                                 step(950.0, 10.0, 50.0, 70.0),
                                 noisy(400.0, 250.0, 5.0, 10.0, 100.0, 110.0, 1),
                                 noisy(400.0, 250.0, 5.0, 10.0, 100.0, 110.0, 2),
                                 noisy(400.0, 250.0, 5.0, 10.0, 100.0, 110.0, 5),
                                 noisy(650.0, 150.0, 5.0, 10.0, 100.0, 110.0, 4),
                                 noisy(500.0, 200.0, 5.0, 10.0, 100.0, 110.0, 6),
                                 noisy(800.0, 150.0, 5.0, 10.0, 100.0, 110.0, 7)])
write("ca1-heldout-stimulus.csv", [step(450.0, 10.0, 50.0, 70.0),
                                   step(850.0, 10.0, 50.0, 70.0),
                                   step(650.0, 10.0, 90.0, 110.0),
                                   noisy(400.0, 250.0, 5.0, 10.0, 60.0, 70.0, 3)])
write("ca1-test-stimulus.csv", [step(550.0, 10.0, 50.0, 70.0),
                                step(400.0, 10.0, 90.0, 110.0),
                                step(750.0, 10.0, 90.0, 110.0),
                                noisy(550.0, 200.0, 5.0, 10.0, 100.0, 110.0, 8)])
write("ca1-long-stimulus.csv", [step(400.0, 10.0, 230.0, 240.0),
                                step(550.0, 10.0, 230.0, 240.0),
                                step(700.0, 10.0, 230.0, 240.0),
                                step(850.0, 10.0, 230.0, 240.0)])
