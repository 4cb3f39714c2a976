#!/usr/bin/env python3
# neurode-cli fit on a real recording from a template: the contract of issue 13 (short fits; the full
# default fits and their figures are in docs/real-recordings.md).
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import json, os, signal, subprocess, time

import clitest
from clitest import check, cli, finish, output_dir, rows, run

abf = os.path.join(clitest.data, "abf", "File_axon_5.abf")
out = output_dir("cli-fit-real")


# A short fit from the cortical template: the model is sized to the cell, the training sweeps spread
# over the protocol, and every output is written.
d = os.path.join(out, "short")
p = run("fit", abf, "--template", "cortical", "--search", "24", "--iterations", "6", "--restarts", "1",
        "--out", d)
check("cell: resting potential -72.5 mV" in p.stderr, f"cell properties reported: {p.stderr[:300]}")
check("training on sweeps 0, 6, 8" in p.stderr, "automatic training sweeps")
check("Spike counts agree" in p.stderr, "summary in words")
# Beside it, how far the cell is from itself from sweep to sweep (docs/cell-properties.md: 0.98 mV).
check("The cell itself differs by 1.0 mV from sweep to sweep below threshold" in p.stderr,
      f"the cell's own figure: {p.stderr[-400:]}")
for name in ("model.json", "kinetics.csv", "loss.csv", "report.csv"):
    check(os.path.exists(os.path.join(d, name)), f"{name} written")
rep = rows(os.path.join(d, "report.csv"))
check(list(rep[0].keys()) == ["sweep", "role", "spikes_recorded", "spikes_model", "first_spike_shift_ms",
                              "subthreshold_rmse_mV", "rmse_mV"], f"report header {list(rep[0].keys())}")
check([r["sweep"] for r in rep] == [str(s) for s in range(9)], "one row per sweep, in order")
check({r["sweep"] for r in rep if r["role"] == "train"} == {"0", "6", "8"}, "training rows")
check([int(r["spikes_recorded"]) for r in rep] == [0, 0, 0, 0, 0, 0, 2, 2, 3], "recorded spikes per sweep")
with open(os.path.join(d, "model.json")) as f:
    model = json.load(f)
types = [c["type"] for c in model["channels"]]
check(types == ["pospischil_na", "pospischil_kd", "pospischil_m", "leak", "learned"], f"template channels {types}")
check(abs(model["membrane"]["area_um2"] - 29594) < 300, f"area from the capacitance {model['membrane']['area_um2']}")
check(all(c.get("fit_gbar") for c in model["channels"]), "conductances fitted")
check("prior" in model["channels"][4]["gates"][0], "the learned gate keeps the search's prior")
run("kinetics", os.path.join(d, "model.json"))

# Automatic restarts: two starts and the alternative one (sodium inactivation further depolarised), which
# says so while it runs and at the end.
d5 = os.path.join(out, "alternative")
p = run("fit", abf, "--template", "cortical", "--search", "24", "--iterations", "6", "--out", d5)
check("start 3/3" in p.stderr and "start 4/" not in p.stderr, "three starts")
check("(this start assumes sodium inactivation 25 mV further depolarised)" in p.stderr, "the third start says so")
check("start 3 assumed sodium inactivation 25 mV more depolarised than published" in p.stderr,
      f"the end names it: {p.stderr[-400:]}")

# The same with the training sweeps given; the squid template.
d2 = os.path.join(out, "train")
p = run("fit", abf, "--template", "squid", "--train", "1,7", "--search", "12", "--iterations", "4", "--restarts", "1",
        "--out", d2)
check({r["sweep"] for r in rows(os.path.join(d2, "report.csv")) if r["role"] == "train"} == {"1", "7"},
      "given training sweeps")

# A window: the fit and its report cover only it (200-600 ms holds the steps' first 385 ms and their spikes).
d4 = os.path.join(out, "window")
run("fit", abf, "--template", "cortical", "--window", "200-600", "--search", "12", "--iterations", "4",
    "--restarts", "1", "--out", d4)
check([int(r["spikes_recorded"]) for r in rows(os.path.join(d4, "report.csv"))] == [0, 0, 0, 0, 0, 0, 2, 2, 3],
      "the window's spikes")
check("--window takes" in run("fit", abf, "--window", "600-200", "--out", d4, code=2).stderr, "bad window")

# Wrong command lines: said in words, exit status 2.
check("unknown template" in run("fit", abf, "--template", "cat", "--out", d, code=2).stderr, "unknown template")
model = os.path.join(d, "model.json")
check("not both" in run("fit", model, abf, "--template", "cortical", "--out", d, code=2).stderr, "model and template")
check("sweep 99 does not exist" in run("fit", abf, "--train", "99", "--out", d, code=1).stderr, "unknown sweep")

# A stopped fit leaves its best model so far, complete and readable: start a long fit, wait for
# model.json, stop the program, read the file.
d3 = os.path.join(out, "stopped")
proc = subprocess.Popen([cli, "fit", abf, "--template", "cortical", "--search", "0", "--iterations", "100000",
                         "--restarts", "1", "--out", d3], stderr=subprocess.DEVNULL)
path = os.path.join(d3, "model.json")
deadline = time.time() + 300
while not os.path.exists(path) and time.time() < deadline and proc.poll() is None:
    time.sleep(0.2)
proc.send_signal(signal.SIGKILL)
proc.wait()
check(os.path.exists(path), "the best model so far is saved while the fit runs")
if os.path.exists(path):
    with open(path) as f:
        check(json.load(f)["channels"][4]["type"] == "learned", "the saved model is complete")
    run("kinetics", path)

finish("cli fit (real recording)")
