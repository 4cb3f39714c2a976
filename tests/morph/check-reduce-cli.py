#!/usr/bin/env python3
# check-reduce-cli.py: the contract of `neurode-cli reduce` (not the quality of the fit).
#
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A short, cheap reduction of the shipped CA1 cell (tiny network, a few
# iterations): every output file is written and consistent with the rest of
# Neurode: reduced.json run by `neurode-cli simulate` reproduces the reduced
# traces, the full traces are those of `morph-simulate`, the reduced model
# integrates faster than the full cell. Bad input fails with exit 1 or 2.
# The quality of a real reduction (minutes of fitting) is measured outside the
# test suite; see the morph branch report.
import csv
import math
import os
import subprocess

import clitest
from clitest import check, cli, finish, output_dir

root = os.environ["ND_SOURCE_ROOT"]
data = clitest.data
out = output_dir("reduce-cli")
cell = os.path.join(root, "data", "cells", "ca1-pospischil.json")


def write_stim(name, amps):
    p = os.path.join(out, name)
    with open(p, "w") as f:
        f.write("sweep,t_ms,i_pA\n")
        for s, amp in enumerate(amps):
            for k in range(301):
                t = k * 0.1
                f.write("%d,%.1f,%g\n" % (s, t, amp if 5.0 <= t + 0.05 < 25.0 else 0.0))
    return p


train = write_stim("train.csv", [650.0])
held = write_stim("held.csv", [450.0, 850.0])
dest = os.path.join(out, "result")
r = subprocess.run([cli, "reduce", cell, "--stimulus", train, "--validate", held, "--out", dest,
                    "--iterations", "12", "--latents", "1", "--width", "8", "--depth", "1",
                    "--restarts", "1", "--stages", "1:0.5,1:0.25:0.3,0:0.25"],
                   capture_output=True, text=True)
check(r.returncode == 0, "reduce failed: %s" % r.stderr[-2000:])
if r.returncode == 0:
    report = list(csv.DictReader(open(os.path.join(dest, "report.csv"))))
    check([(x["set"], x["sweep"]) for x in report] == [("train", "0"), ("held_out", "0"), ("held_out", "1")],
          "report rows %s" % [(x["set"], x["sweep"]) for x in report])
    for x in report:
        vals = [float(x[k]) for k in ("rmse_mV", "axial_rmse_pA", "t_full_s", "t_reduced_s", "speedup")]
        check(all(math.isfinite(v) for v in vals), "finite report values: %s" % x)
    t_full = sum(float(x["t_full_s"]) for x in report)
    t_red = sum(float(x["t_reduced_s"]) for x in report)
    check(t_red < t_full, "the reduced model integrates faster (%.4f s vs %.4f s)" % (t_red, t_full))
    loss = list(csv.DictReader(open(os.path.join(dest, "loss.csv"))))
    check(len(loss) == 12, "loss.csv rows: %d" % len(loss))
    traces = list(csv.DictReader(open(os.path.join(dest, "traces.csv"))))
    check(len(traces) == 3 * 301, "traces rows: %d" % len(traces))

    # reduced.json runs in `simulate` and reproduces the reduced training trace.
    sim = subprocess.run([cli, "simulate", os.path.join(dest, "reduced.json"), "--stimulus", train],
                         capture_output=True, text=True)
    check(sim.returncode == 0, "simulate reduced.json: %s" % sim.stderr)
    if sim.returncode == 0:
        v_sim = [float(x["v_mV"]) for x in csv.DictReader(sim.stdout.splitlines())]
        v_red = [float(x["v_reduced_mV"]) for x in traces if x["set"] == "train"]
        worst = max(abs(a - b) for a, b in zip(v_sim, v_red)) if len(v_sim) == len(v_red) else float("inf")
        check(worst < 1e-4, "simulate vs reduce's own trace: %g mV" % worst)

    # The full traces are morph-simulate's.
    ms = subprocess.run([cli, "morph-simulate", cell, "--stimulus", held, "--axial"], capture_output=True, text=True)
    check(ms.returncode == 0, "morph-simulate: %s" % ms.stderr)
    if ms.returncode == 0:
        full = list(csv.DictReader(ms.stdout.splitlines()))
        ho = [x for x in traces if x["set"] == "held_out"]
        worst_v = max(abs(float(a["v_mV"]) - float(b["v_full_mV"])) for a, b in zip(full, ho))
        worst_i = max(abs(float(a["i_axial_pA"]) - float(b["i_axial_pA"])) for a, b in zip(full, ho))
        check(len(full) == len(ho) and worst_v < 1e-6 and worst_i < 1e-4,
              "full traces vs morph-simulate: %g mV, %g pA" % (worst_v, worst_i))
    # spikes.csv pairs the k-th spikes of both models; report.csv's drift columns agree with it.
    spikes = list(csv.DictReader(open(os.path.join(dest, "spikes.csv"))))
    checked_coincidence = 0
    for x in report:
        rows = [y for y in spikes if (y["set"], y["sweep"]) == (x["set"], x["sweep"])]
        nf, nr = int(x["spikes_full"]), int(x["spikes_reduced"])
        check([int(y["spike"]) for y in rows] == list(range(1, min(nf, nr) + 1)), "spike pairs of %s" % x)
        check(all(abs(float(y["t_reduced_ms"]) - float(y["t_full_ms"]) - float(y["shift_ms"])) < 1e-6 for y in rows),
              "shift is reduced minus full: %s" % rows)
        # The coincidence factor within 2 ms, recomputed here where spikes.csv holds every spike of both
        # (as many of each); a silent model scores 0.
        gamma = float(x["coincidence"])
        if nf == nr and nf > 0:
            ta = [float(y["t_full_ms"]) for y in rows]
            tb = [float(y["t_reduced_ms"]) for y in rows]
            duration = 0.1 * sum(1 for y in traces if (y["set"], y["sweep"]) == (x["set"], x["sweep"]))
            coinc, j = 0, 0
            for t in ta:
                while j < nr and tb[j] < t - 2.0:
                    j += 1
                if j < nr and tb[j] <= t + 2.0:
                    coinc, j = coinc + 1, j + 1
            chance = 2.0 * nr / duration * 2.0
            want = (coinc - chance * nf) / (0.5 * (nf + nr)) / (1.0 - chance)
            check(abs(gamma - want) < 1e-6, "coincidence %g against %g recomputed: %s" % (gamma, want, x))
            checked_coincidence += 1
        elif nf > 0 and nr == 0:
            check(gamma == 0.0, "a silent reduced model's coincidence: %s" % x)
        last = float(x["last_spike_shift_ms"])
        check(abs(last - float(rows[-1]["shift_ms"])) < 1e-6 if rows else math.isnan(last),
              "last_spike_shift_ms %s against %s" % (last, rows[-1:]))
        rf, rr, err = (float(x[k]) for k in ("rate_full_Hz", "rate_reduced_Hz", "rate_error_pct"))
        check(math.isnan(rf) == (nf < 2) and math.isnan(rr) == (nr < 2), "rates with %d/%d spikes: %s" % (nf, nr, x))
        if nf >= 2 and nr >= 2:
            check(abs(err - 100.0 * (rr - rf) / rf) < 1e-6, "rate_error_pct: %s" % x)
    # The sensitivity columns: the full cell (morph-simulate) with each sweep's stimulus 0.5 % weaker and
    # stronger, against its own trace; the mean of the two RMSEs.
    scaled = {}
    for k in (0.995, 1.005):
        path = os.path.join(out, "held-%g.csv" % k)
        with open(path, "w") as f:
            f.write("sweep,t_ms,i_pA\n")
            for row in csv.DictReader(open(held)):
                f.write("%s,%s,%.17g\n" % (row["sweep"], row["t_ms"], float(row["i_pA"]) * k))
        ms_k = subprocess.run([cli, "morph-simulate", cell, "--stimulus", path], capture_output=True, text=True)
        check(ms_k.returncode == 0, "morph-simulate scaled: %s" % ms_k.stderr)
        scaled[k] = list(csv.DictReader(ms_k.stdout.splitlines()))
    for x in report:
        if x["set"] != "held_out":
            continue
        nominal = [float(y["v_full_mV"]) for y in traces if (y["set"], y["sweep"]) == ("held_out", x["sweep"])]
        rms = []
        for k in (0.995, 1.005):
            v = [float(y["v_mV"]) for y in scaled[k] if y["sweep"] == x["sweep"]]
            rms.append(math.sqrt(sum((a - b) ** 2 for a, b in zip(v, nominal)) / len(nominal)))
        sens = float(x["sensitivity_rmse_mV"])
        check(abs(sens - sum(rms) / 2) < 1e-4 * max(1.0, sens) and sens > 0,
              "sensitivity_rmse_mV %g against %g by morph-simulate (sweep %s)" % (sens, sum(rms) / 2, x["sweep"]))
        check(math.isfinite(float(x["sensitivity_rate_pct"])) == (int(x["spikes_full"]) >= 2),
              "sensitivity_rate_pct with %s spikes: %s" % (x["spikes_full"], x))
        check(-1.0 <= float(x["sensitivity_coincidence"]) <= 1.0 + 1e-12, "sensitivity_coincidence: %s" % x)
    check("the full cell itself with its input 0.5 % weaker or stronger" in r.stderr,
          "summary gives the cell's own sensitivity: %r" % r.stderr[-400:])
    check(checked_coincidence > 0, "no sweep with as many spikes in both models to recompute the coincidence on")
    train_row = report[0]
    check(int(train_row["spikes_full"]) >= 2 and 50.0 < float(train_row["rate_full_Hz"]) < 300.0,
          "the full cell fires tonically under 650 pA: %s" % train_row)
    print("reduce: %s" % r.stderr.strip().splitlines()[-1])

    # Test sweeps are reported but never fitted nor used to choose: the same
    # model comes out with them, and their full traces are morph-simulate's.
    test = write_stim("test.csv", [550.0])
    dest_t = os.path.join(out, "result-test")
    rt = subprocess.run([cli, "reduce", cell, "--stimulus", train, "--validate", held, "--test", test,
                         "--out", dest_t, "--iterations", "12", "--latents", "1", "--width", "8", "--depth", "1",
                         "--restarts", "1", "--stages", "1:0.5,1:0.25:0.3,0:0.25"], capture_output=True, text=True)
    check(rt.returncode == 0, "reduce --test failed: %s" % rt.stderr[-2000:])
    if rt.returncode == 0:
        rep_t = list(csv.DictReader(open(os.path.join(dest_t, "report.csv"))))
        check([(x["set"], x["sweep"]) for x in rep_t] == [("train", "0"), ("held_out", "0"), ("held_out", "1"),
                                                          ("test", "0")],
              "report rows with --test %s" % [(x["set"], x["sweep"]) for x in rep_t])
        check(open(os.path.join(dest_t, "reduced.json")).read() == open(os.path.join(dest, "reduced.json")).read(),
              "--test changed the fitted model")
        check("over the test sweeps" in rt.stderr, "summary names the test sweeps: %r" % rt.stderr[-300:])
        tt = [x for x in csv.DictReader(open(os.path.join(dest_t, "traces.csv"))) if x["set"] == "test"]
        mt = subprocess.run([cli, "morph-simulate", cell, "--stimulus", test], capture_output=True, text=True)
        full_t = list(csv.DictReader(mt.stdout.splitlines()))
        check(len(tt) == 301 and len(full_t) == 301
              and max(abs(float(a["v_mV"]) - float(b["v_full_mV"])) for a, b in zip(full_t, tt)) < 1e-6,
              "test traces vs morph-simulate")

# Bad input.
dl_cell = os.path.join(data, "morphology", "ca1-dlambda.json")
cases = [
    ([dl_cell, "--stimulus", train, "--out", dest], 1, "not at the soma"),
    ([cell, "--stimulus", train], 2, "usage"),
    ([cell, "--stimulus", train, "--out", dest, "--latents", "99"], 2, "--latents"),
    ([cell, "--stimulus", train, "--out", dest, "--stages", "1:2"], 2, "--stages"),
    ([cell, "--stimulus", train, "--out", dest, "--stages", "1:0.5:1.5,0:0.5"], 2, "--stages"),
    ([cell, "--stimulus", train, "--out", dest, "--stages", "0:0.5:0.3"], 2, "--stages"),
    ([cell, "--stimulus", train, "--out", dest, "--latent-leak", "-1"], 2, "--latent-leak"),
    ([cell, "--stimulus", os.path.join(out, "none.csv"), "--out", dest], 1, "none.csv"),
    ([cell, "--stimulus", train, "--test", os.path.join(out, "missing-test.csv"), "--out", dest], 1,
     "missing-test.csv"),
]
for args, code, text in cases:
    r = subprocess.run([cli, "reduce", *args], capture_output=True, text=True)
    check(r.returncode == code and text in r.stderr, "%s: exit %d, %r" % (args, r.returncode, r.stderr.strip()[-300:]))

finish("reduce cli")
