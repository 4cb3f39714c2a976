#!/usr/bin/env python3
# neurode-cli simulate, kinetics and fit: the contract of issue 3, on the K experiment.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import math, os, re

import clitest
from clitest import check, cli, finish, output_dir, rows, run

data = os.path.join(clitest.data, "engine")
out = output_dir("cli-engine")


truth, hybrid, stim = (os.path.join(data, n) for n in ("hh-k-truth.json", "k-hybrid.json", "step-15pA.csv"))
rec = os.path.join(out, "rec.csv")

# simulate: sweep,t_ms,v_mV,i_pA at the stimulus' sample times; HH spikes under 15 pA.
run("simulate", truth, "--stimulus", stim, "--out", rec)
r = rows(rec)
check(list(r[0].keys()) == ["sweep", "t_ms", "v_mV", "i_pA"], f"simulate header {list(r[0].keys())}")
check(len(r) == 501, f"simulate rows {len(r)}")
v = [float(x["v_mV"]) for x in r]
check(abs(v[0] + 70.0) < 1e-9 and max(v) > 30.0, f"trace starts at -70 and spikes (max {max(v)})")
spikes = sum(1 for a, b in zip(v, v[1:]) if a < 0 <= b)
check(spikes >= 3, f"{spikes} spikes")

# Two sweeps with a sweep column: one block each, both simulated from rest.
two = os.path.join(out, "two.csv")
with open(two, "w") as f:
    f.write("i_pA,sweep,t_ms\n")
    for s, amp in ((3, 15.0), (7, 0.0)):
        for j in range(101):
            f.write(f"{amp if 10 <= j else 0},{s},{j * 0.2}\n")
r2 = rows(run("simulate", truth, "--stimulus", two, "--out", os.path.join(out, "two-out.csv")) and os.path.join(out, "two-out.csv"))
# Sweeps are numbered from 0 in file order, as `neurode-cli info/export` number them.
check([x["sweep"] for x in r2].count("0") == 101 and [x["sweep"] for x in r2].count("1") == 101, "two sweeps")
check(float(r2[101]["t_ms"]) == 0.0 and float(r2[100]["t_ms"]) == 20.0, "sweep times")
check(abs(float(r2[-1]["v_mV"]) + 70.0) < 1.5, "the quiet sweep stays near rest")

# kinetics: every gate, -100..+60 mV; HH n_inf(-65) = 0.3177.
k = rows(run("kinetics", truth, "--out", os.path.join(out, "kin.csv")) and os.path.join(out, "kin.csv"))
check(list(k[0].keys()) == ["channel", "gate", "v_mV", "x_inf", "tau_ms"], "kinetics header")
check(len(k) == 3 * 161, f"kinetics rows {len(k)}")
n65 = [x for x in k if x["channel"] == "hh_k" and x["v_mV"] == "-65"]
check(len(n65) == 1 and abs(float(n65[0]["x_inf"]) - 0.3177) < 1e-4, "hh_k n_inf(-65)")

# fit: the example model on the recording; short run, then the fitted model simulates.
fit_dir = os.path.join(out, "fit")
p = run("fit", hybrid, rec, "--out", fit_dir, "--seed", "2", "--iterations", "150")
check("step" in p.stderr and "training error" in p.stderr, "progress on stderr")
# The time left (fit-eta.h) once the first steps are timed, and the last line's near nothing.
lefts = re.findall(r"· about (\d+) (s|min) left", p.stderr)
check(len(lefts) >= 1 and lefts[-1][1] == "s", f"time left on the progress lines: {lefts[-3:]}")
for name in ("model.json", "kinetics.csv", "loss.csv"):
    check(os.path.exists(os.path.join(fit_dir, name)), f"fit wrote {name}")
loss = rows(os.path.join(fit_dir, "loss.csv"))
check(list(loss[0].keys()) == ["iteration", "train_loss", "val_loss", "running_free"] and len(loss) == 150, "loss.csv")
# Each step's stage, against the stage its progress line names (the window draws the two as separate lines).
free = [x["running_free"] for x in loss]
check(set(free) == {"0", "1"}, f"loss.csv stages {sorted(set(free))}")
named = re.findall(r"step (\d+)/\d+ \((following the recording|running free)\)", p.stderr)
check(len(named) >= 2, f"stages on the progress lines: {named}")
for step, stage in named:
    check(free[int(step) - 1] == ("1" if stage == "running free" else "0"), f"step {step}: {stage} vs {free[int(step) - 1]}")
kin = rows(os.path.join(fit_dir, "kinetics.csv"))
check(sum(1 for x in kin if x["channel"] == "K" and x["gate"] == "n") == 161, "learned gate in kinetics.csv")
fitted = rows(run("simulate", os.path.join(fit_dir, "model.json"), "--stimulus", stim, "--out",
                  os.path.join(out, "fitted.csv")) and os.path.join(out, "fitted.csv"))
rmse = math.sqrt(sum((float(a["v_mV"]) - float(b["v_mV"])) ** 2 for a, b in zip(fitted, r)) / len(r))
print(f"fit of 150 iterations: training-trace RMSE {rmse:.3f} mV")
check(rmse < 2.0, f"fitted model RMSE {rmse} mV")

# --warm-start refines a fitted model's weights (free-running) instead of starting afresh.
warm_dir = os.path.join(out, "warm")
run("fit", os.path.join(fit_dir, "model.json"), rec, "--out", warm_dir, "--warm-start", "--iterations", "20",
    "--restarts", "1")
warmed = rows(run("simulate", os.path.join(warm_dir, "model.json"), "--stimulus", stim, "--out",
                  os.path.join(out, "warmed.csv")) and os.path.join(out, "warmed.csv"))
rmse_w = math.sqrt(sum((float(a["v_mV"]) - float(b["v_mV"])) ** 2 for a, b in zip(warmed, r)) / len(r))
print(f"warm start of 20 iterations: training-trace RMSE {rmse_w:.3f} mV (from {rmse:.3f})")
# (a fresh 20-iteration fit ends ~20 mV off; the prior may trade a little RMSE for smoothness)
check(rmse_w < rmse + 0.1, f"warm start RMSE {rmse_w} mV, start {rmse} mV")
check("--warm-start needs" in run("fit", hybrid, rec, "--out", warm_dir, "--warm-start", code=1).stderr,
      "warm start without weights")

# Bad input: clear messages, exit 1; usage errors exit 2.
bad = os.path.join(out, "bad.csv")
with open(bad, "w") as f:
    f.write("t_ms,v_mV,i_pA\n0,-70,0\n0.1,-70,0\n0.35,-70,0\n")
check("not evenly spaced" in run("simulate", truth, "--stimulus", bad, code=1).stderr, "uneven sampling message")
check("is a JSON file (a model or a cell file?), not a recording" in run("simulate", truth, "--stimulus", hybrid, code=1).stderr, "not a recording message")
check("nothing to fit" in run("fit", truth, rec, "--out", fit_dir, code=1).stderr, "nothing to fit")
check("sweep 9 does not exist" in run("fit", hybrid, rec, "--out", fit_dir, "--validate", "9", code=1).stderr, "unknown sweep")
check("membrane potential" in run("fit", hybrid, stim, "--out", fit_dir, code=1).stderr, "fit needs a recorded V")
check("held out for validation" in run("fit", hybrid, rec, "--out", fit_dir, "--validate", "0", code=1).stderr, "no training sweep")
run("fit", hybrid, rec, code=2)
run("fit", hybrid, rec, "--out", fit_dir, "--validate", "x-", code=2)
run("simulate", truth, code=2)
run("kinetics", code=2)
run("kinetics", os.path.join(out, "two.csv"), code=1)
nochan = os.path.join(out, "nochan.json")
with open(nochan, "w") as f:
    f.write('{"membrane": {"area_um2": 10}, "channels": [{"type": "kv9"}]}')
check("unknown channel type" in run("kinetics", nochan, code=1).stderr, "unknown type message")

finish("cli engine")
