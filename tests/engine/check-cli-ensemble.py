#!/usr/bin/env python3
# neurode-cli fit --ensemble: kinetics.csv's band columns, the model file's band round trip through
# `neurode-cli kinetics`, and bad --ensemble/--jobs values (issue 17).
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import json, os, re, shutil

import clitest
from clitest import check, finish, output_dir, rows, run

data = os.path.join(clitest.data, "engine")
out = output_dir("cli-ensemble")
truth, hybrid, stim = (os.path.join(data, n) for n in ("hh-k-truth.json", "k-hybrid.json", "step-15pA.csv"))
rec = os.path.join(out, "rec.csv")
run("simulate", truth, "--stimulus", stim, "--out", rec)

# Three fits of 30 iterations on two threads.
fit_dir = os.path.join(out, "fit")
p = run("fit", hybrid, rec, "--out", fit_dir, "--ensemble", "3", "--jobs", "2", "--iterations", "30")
check("ensemble: 3 fits" in p.stderr and "fits kept" in p.stderr and "× the mean time of one fit" in p.stderr,
      f"the ensemble's summary: {p.stderr}")
kin = rows(os.path.join(fit_dir, "kinetics.csv"))
cols = ["channel", "gate", "v_mV", "x_inf", "tau_ms", "x_inf_lo", "x_inf_hi", "tau_lo_ms", "tau_hi_ms", "constrained",
        "in_data"]
check(list(kin[0].keys()) == cols, f"kinetics.csv header {list(kin[0].keys())}")
learned = [r for r in kin if r["channel"] == "K"]
check(len(learned) == 161, f"{len(learned)} rows of the learned gate")
bad = [r["v_mV"] for r in learned
       if not (float(r["x_inf_lo"]) <= float(r["x_inf"]) <= float(r["x_inf_hi"])
               and float(r["tau_lo_ms"]) <= float(r["tau_ms"]) <= float(r["tau_hi_ms"])
               and r["constrained"] in ("0", "1"))]
check(not bad, f"value outside its band at {bad[:5]}")
# A band is no band without width (the members' shared error alone widens it, gate-band.h), and "constrained"
# is the width and factor limits read off the table (rows at a limit itself left out: the table rounds).
flat = [r["v_mV"] for r in learned
        if not (float(r["x_inf_hi"]) > float(r["x_inf_lo"]) and float(r["tau_hi_ms"]) > float(r["tau_lo_ms"]))]
check(not flat, f"a band of no width at {flat[:5]}")


def constrained_wrong(rows):
    wrong = []
    for r in rows:
        w = float(r["x_inf_hi"]) - float(r["x_inf_lo"])
        f = float(r["tau_hi_ms"]) / float(r["tau_lo_ms"])
        if abs(w - 0.1) < 1e-6 or abs(f - 1.5) < 1e-6:
            continue
        if (r["constrained"] == "1") != (w <= 0.1 and f <= 1.5):
            wrong.append(r["v_mV"])
    return wrong


wrong = constrained_wrong(learned)
check(not wrong, f"“constrained” disagrees with the band's width at {wrong[:5]}")
check(all(r["x_inf_lo"] == "" and r["constrained"] == "" for r in kin if r["channel"] != "K"),
      "known channels' band fields are empty")

# The model file keeps the band; `kinetics` of it writes the same table.
model = json.load(open(os.path.join(fit_dir, "model.json")))
gate = [c for c in model["channels"] if c["type"] == "learned"][0]["gates"][0]
check("band" in gate and len(gate["band"]["x_inf_lo"]) == 161 and gate["band"]["members"] >= 1, "band in model.json")
# The potentials the training data visited (every sweep of the recording trains here): kept in the band, and
# kinetics.csv's in_data is 1 exactly on the grid's voltages within them.
rng = gate["band"].get("data_range_mV")
vs = [float(r["v_mV"]) for r in rows(rec)]
check(rng and abs(rng[0] - min(vs)) < 1e-6 and abs(rng[1] - max(vs)) < 1e-6,
      f"the band's data_range_mV {rng}, the recording's V {min(vs)}..{max(vs)}")
off = [r["v_mV"] for r in learned if (r["in_data"] == "1") != (rng[0] <= float(r["v_mV"]) <= rng[1])]
check(not off and sum(r["in_data"] == "1" for r in learned) >= 20, f"in_data disagrees with the range at {off[:5]}")
check(all(r["in_data"] == "" for r in kin if r["channel"] != "K"), "known channels' in_data is empty")
kept = re.search(r"ensemble: (\d+) of 3 fits kept", p.stderr)
check(kept and gate["band"]["members"] == int(kept.group(1)),
      f"the band's members {gate['band']['members']} are not the fits kept ({kept and kept.group(1)})")
again = os.path.join(out, "kin-again.csv")
run("kinetics", os.path.join(fit_dir, "model.json"), "--out", again)
check(open(again).read() == open(os.path.join(fit_dir, "kinetics.csv")).read(), "kinetics of the saved model")

# A single fit writes the old table, and refitting a banded model drops its band.
single = os.path.join(out, "single")
run("fit", os.path.join(fit_dir, "model.json"), rec, "--out", single, "--warm-start", "--iterations", "5")
k1 = rows(os.path.join(single, "kinetics.csv"))
check(list(k1[0].keys()) == cols[:5], f"a single fit's header {list(k1[0].keys())}")
check("band" not in json.dumps(json.load(open(os.path.join(single, "model.json")))), "a refit drops the band")

# The demo project (data/demo): an ensemble of 3 short fits through a project file.
demo = os.path.join(out, "demo")
shutil.rmtree(demo, ignore_errors=True)
os.makedirs(demo)
for name in ("hh-demo.neurode", "hh-demo.csv"):
    shutil.copy(os.path.join(os.environ["ND_SOURCE_ROOT"], "data", "demo", name), demo)
demo_out = os.path.join(out, "demo-fit")
run("fit", os.path.join(demo, "hh-demo.neurode"), "--out", demo_out, "--ensemble", "3", "--iterations", "6",
    "--restarts", "1", "--search", "0")
dk = rows(os.path.join(demo_out, "kinetics.csv"))
check(list(dk[0].keys()) == cols, f"demo kinetics.csv header {list(dk[0].keys())}")
banded = [r for r in dk if r["x_inf_lo"] != ""]
check(banded and all(float(r["x_inf_lo"]) <= float(r["x_inf"]) <= float(r["x_inf_hi"]) for r in banded),
      f"demo: {len(banded)} banded rows, each value inside its band")
check(all(float(r["x_inf_hi"]) > float(r["x_inf_lo"]) and float(r["tau_hi_ms"]) > float(r["tau_lo_ms"])
          for r in banded), "demo: a band of no width")
wrong = constrained_wrong(banded)
check(not wrong, f"demo: “constrained” disagrees with the band's width at {wrong[:5]}")

# Bad values: clear errors, exit 2, nothing fitted.
for n in ("0", "1", "65", "100000"):
    e = run("fit", hybrid, rec, "--out", os.path.join(out, "bad"), "--ensemble", n, code=2).stderr
    check(f"--ensemble is {n}; it must be 2 to 64 fits" in e, f"--ensemble {n}: {e}")
e = run("fit", hybrid, rec, "--out", os.path.join(out, "bad"), "--ensemble", "2", "--jobs", "-1", code=2).stderr
check("--jobs is -1" in e, f"--jobs -1: {e}")
e = run("fit", os.path.join(fit_dir, "model.json"), rec, "--out", os.path.join(out, "bad"), "--ensemble", "2",
        "--warm-start", code=2).stderr
check("cannot be combined with --warm-start" in e, f"--ensemble with --warm-start: {e}")
check(not os.path.exists(os.path.join(out, "bad")), "no output folder for bad options")

finish("cli-ensemble")
