#!/usr/bin/env python3
# neurode-cli simulate and fit in voltage clamp (issue 17): a command table, a synthetic clamp recording
# with capacitive transients, leak and noise, and the real voltage-clamp ABF file.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import math, os, random

import clitest
from clitest import check, cli, finish, output_dir, rows, run

data = clitest.data
out = output_dir("cli-vc")


truth = os.path.join(data, "engine", "hh-k-vc-truth.json")
hybrid = os.path.join(data, "engine", "k-vc-hybrid.json")
abf = os.path.join(data, "abf", "17o05024_vc_steps.abf")
AREA = 62.832

# A command table: from -70 mV to -110, -60, -40, ..., +40 mV for 25 ms, 20 kHz.
levels = [-110, -60, -50, -40, -20, 0, 20, 40]
cmd = os.path.join(out, "cmd.csv")
with open(cmd, "w") as f:
    f.write("sweep,t_ms,v_cmd_mV\n")
    for s, lv in enumerate(levels):
        for j in range(700):
            t = j * 0.05
            f.write(f"{s},{t:.2f},{lv if 2.5 <= t < 27.5 else -70}\n")

# simulate: the clamp's ionic current, sweep,t_ms,v_cmd_mV,i_pA.
sim = os.path.join(out, "sim.csv")
run("simulate", truth, "--stimulus", cmd, "--out", sim)
r = rows(sim)
check(list(r[0].keys()) == ["sweep", "t_ms", "v_cmd_mV", "i_pA"], f"simulate header {list(r[0].keys())}")
check(len(r) == 700 * len(levels), f"simulate rows {len(r)}")


def hh_n_inf(v):
    a = 0.01 * (v + 55) / (1 - math.exp(-(v + 55) / 10)) if abs(v + 55) > 1e-9 else 0.1
    b = 0.125 * math.exp(-(v + 65) / 80)
    return a / (a + b)


# At the end of the 40 mV step the current is HH's steady state: gK n_inf^4 (V - EK) + gL (V - EL).
last = [x for x in r if x["sweep"] == str(levels.index(40)) and abs(float(x["t_ms"]) - 27.45) < 1e-6][0]
want = (36.0 * hh_n_inf(40) ** 4 * (40 + 75) + 0.3 * (40 + 60)) * AREA / 100.0
check(abs(float(last["i_pA"]) - want) < 0.005 * want, f"steady current at +40 mV {last['i_pA']} pA, HH {want:.1f}")
hold = float(r[0]["i_pA"])
want_hold = (36.0 * hh_n_inf(-70) ** 4 * 5 + 0.3 * (-10)) * AREA / 100.0
check(abs(hold - want_hold) < 0.01, f"holding current {hold} pA, HH {want_hold:.4f}")

# A recording: the current with a capacitive transient (0.1 ms) after every jump and 5 pA of noise.
random.seed(5)
rec = os.path.join(out, "rec.csv")
with open(rec, "w") as f:
    f.write("sweep,t_ms,v_cmd_mV,i_pA\n")
    jumps, prev = [], None
    for x in r:
        s, t, v, i = x["sweep"], float(x["t_ms"]), float(x["v_cmd_mV"]), float(x["i_pA"])
        if prev is None or prev[0] != s:
            jumps = []
        elif v != prev[1]:
            jumps.append((t, v - prev[1]))
        cap = sum(AREA / 100.0 * dv / 0.1 * math.exp(-(t - tj) / 0.1) for tj, dv in jumps)
        f.write(f"{s},{t},{v},{i + cap + random.gauss(0, 5):.4f}\n")
        prev = (s, v)

info = run("info", rec).stdout
check("voltage clamp" in info, "a table of v_cmd_mV and i_pA is voltage clamp")

# fit: the leak fitted, the transients left out, the current fitted; validation on -50 and +20 mV.
fit_dir = os.path.join(out, "fit")
p = run("fit", hybrid, rec, "--out", fit_dir, "--validate", "2,6", "--seed", "1")
check("leak’s conductance and reversal potential are fitted" in p.stderr, f"leak note: {p.stderr[-600:]}")
skip = [ln for ln in p.stderr.splitlines() if "are left out" in ln]
check(len(skip) == 1, "the window is reported")
if skip:
    ms = float(skip[0].split("voltage clamp: ")[1].split(" ms")[0])
    check(0.3 <= ms <= 1.0, f"transients of 0.1 ms: {ms} ms left out")
check("pA RMSE" in p.stderr, "progress in pA")
rep = rows(os.path.join(fit_dir, "report.csv"))
check(list(rep[0].keys()) == ["sweep", "role", "rmse_pA", "peak_pA", "peak_model_pA", "peak_error_percent"],
      f"clamp report header {list(rep[0].keys())}")
check([x["role"] for x in rep].count("validate") == 2, "two validation sweeps")
for x in rep:
    rec, mod = float(x["peak_pA"]), float(x["peak_model_pA"])
    # model / recorded - 1: negative where the model's peak is smaller, for inward currents too
    check(abs(rec) > 1 and abs(float(x["peak_error_percent"]) - 100 * (mod / rec - 1)) < 0.05,
          f"sweep {x['sweep']}: {x['peak_error_percent']} % for {mod} against {rec} pA")
    if abs(float(x["peak_pA"])) > 200:
        check(abs(float(x["peak_error_percent"])) < 3.0, f"sweep {x['sweep']}: peak off by {x['peak_error_percent']} %")
    # the noise (5 pA) and at most 1 % of the peak
    check(float(x["rmse_pA"]) < 5.5 + 0.01 * abs(float(x["peak_pA"])), f"sweep {x['sweep']}: RMSE {x['rmse_pA']} pA")
kin = [x for x in rows(os.path.join(fit_dir, "kinetics.csv")) if x["channel"] == "K"]
worst = max(abs(float(x["x_inf"]) - hh_n_inf(float(x["v_mV"]))) for x in kin if -60 <= float(x["v_mV"]) <= 40)
print(f"clamp fit: n_inf within {worst:.4f} of HH on -60..+40 mV")
check(worst < 0.03, f"n_inf off by {worst}")

# The fitted model simulates the command again; the report's peaks are its peaks.
again = rows(run("simulate", os.path.join(fit_dir, "model.json"), "--stimulus", cmd, "--out",
                 os.path.join(out, "again.csv")) and os.path.join(out, "again.csv"))
check(len(again) == len(r), "the fitted model simulates the command")

# The real voltage-clamp file: read, measured and fitted without errors (a short fit of its first
# step and return, with a passive model and a learned gate).
real_model = os.path.join(out, "real-model.json")
with open(real_model, "w") as f:
    f.write('{"membrane": {"cm_uF_per_cm2": 1.0, "area_um2": 2000, "v_init_mV": -70.0, "temperature_C": 22},'
            ' "channels": [{"type": "leak", "gbar_mS_per_cm2": 0.05, "e_rev_mV": -60.0},'
            ' {"type": "learned", "name": "H", "gbar_mS_per_cm2": 0.01, "e_rev_mV": -30.0, "fit_gbar": true,'
            '  "gates": [{"name": "m", "power": 1}]}]}')
real_dir = os.path.join(out, "real")
p = run("fit", real_model, abf, "--out", real_dir, "--window", "500-1100", "--train", "0,2", "--validate", "4",
        "--iterations", "4", "--restarts", "1", "--dt", "0.05")
rep = rows(os.path.join(real_dir, "report.csv"))
check(len(rep) == 3 and all(math.isfinite(float(x["rmse_pA"])) for x in rep), f"real clamp report {rep}")
print("real clamp file:", [ln for ln in p.stderr.splitlines() if "left out" in ln or "leak:" in ln])
# Without a model, the template takes its area from the capacitive transients.
check("needs a hyperpolarising" not in run("fit", abf, "--out", os.path.join(out, "tpl"), "--window", "500-700",
                                           "--train", "0", "--iterations", "1", "--restarts", "1").stderr,
      "a template fit of a clamp recording")
sim_abf = rows(run("simulate", real_model, "--stimulus", abf, "--out", os.path.join(out, "abf-sim.csv"))
               and os.path.join(out, "abf-sim.csv"))
check(list(sim_abf[0].keys()) == ["sweep", "t_ms", "v_cmd_mV", "i_pA"] and len(sim_abf) == 7 * 70000,
      "simulate under the ABF's command")
check(float(sim_abf[int(600 / 0.05)]["v_cmd_mV"]) == -110.0, "the ABF's command, rebuilt from its epochs")

# Current and voltage clamp of one cell fitted together (--with): the K experiment's 15 pA step in current
# clamp (0.3 mV noise) beside the clamp steps above (Na's current included, 5 pA noise, no transients).
k_truth = os.path.join(data, "engine", "hh-k-truth.json")
k_hybrid = os.path.join(data, "engine", "k-hybrid.json")
cc_clean = os.path.join(out, "cc-clean.csv")
run("simulate", k_truth, "--stimulus", os.path.join(data, "engine", "step-15pA.csv"), "--out", cc_clean)
random.seed(7)
cc_rec, vc_rec = os.path.join(out, "cc.csv"), os.path.join(out, "vc.csv")
with open(cc_rec, "w") as f:
    f.write("t_ms,v_mV,i_pA\n")
    for x in rows(cc_clean):
        f.write(f"{x['t_ms']},{float(x['v_mV']) + random.gauss(0, 0.3):.4f},{x['i_pA']}\n")
vc_clean = os.path.join(out, "vc-clean.csv")
run("simulate", k_truth, "--stimulus", cmd, "--out", vc_clean)
with open(vc_rec, "w") as f:
    f.write("sweep,t_ms,v_cmd_mV,i_pA\n")
    for x in rows(vc_clean):
        f.write(f"{x['sweep']},{x['t_ms']},{x['v_cmd_mV']},{float(x['i_pA']) + random.gauss(0, 5):.4f}\n")
joint = os.path.join(out, "joint")
p = run("fit", k_hybrid, cc_rec, "--with", vc_rec, "--out", joint, "--seed", "1", "--iterations", "300")
check(f"fitted together with {vc_rec}: {len(levels)} voltage-clamp sweeps" in p.stderr, f"--with said: {p.stderr[-800:]}")
cc_rep, vc_rep = rows(os.path.join(joint, "report.csv")), rows(os.path.join(joint, "with-report.csv"))
check(len(cc_rep) == 1 and float(cc_rep[0]["subthreshold_rmse_mV"]) < 1.0
      and cc_rep[0]["spikes_model"] == cc_rep[0]["spikes_recorded"], f"current clamp reproduced: {cc_rep}")
check(len(vc_rep) == len(levels) and all(x["role"] == "train" for x in vc_rep), f"clamp sweeps reported: {vc_rep}")
for x in vc_rep:
    if abs(float(x["peak_pA"])) > 200:
        check(abs(float(x["peak_error_percent"])) < 3.0, f"--with sweep {x['sweep']}: peak off by {x['peak_error_percent']} %")
check("with-report.csv" in open(os.path.join(joint, "complete.txt")).read(), "with-report.csv belongs to the set")
kin = [x for x in rows(os.path.join(joint, "kinetics.csv")) if x["channel"] == "K"]
worst = max(abs(float(x["x_inf"]) - hh_n_inf(float(x["v_mV"]))) for x in kin if -60 <= float(x["v_mV"]) <= 40)
print(f"current and voltage clamp together: n_inf within {worst:.4f} of HH on -60..+40 mV")
check(worst < 0.03, f"joint fit: n_inf off by {worst}")
# A later fit into the same folder without --with leaves no with-report.csv of the earlier one.
run("fit", k_hybrid, cc_rec, "--out", joint, "--seed", "1", "--iterations", "10", "--restarts", "1")
check(not os.path.exists(os.path.join(joint, "with-report.csv")), "a stale with-report.csv is removed")
# The proposal of an ensemble fitted to both: candidates in both clamp modes, each against its own noise.
p = run("fit", k_hybrid, cc_rec, "--with", vc_rec, "--out", os.path.join(out, "joint-next"), "--seed", "1",
        "--iterations", "40", "--ensemble", "2", "--propose")
ranked = open(os.path.join(out, "joint-next", "next", "proposal.txt")).read()
check("record next:" in p.stdout + p.stderr and "Ranked candidates" in ranked, f"a proposal after a joint fit: {p.stderr[-600:]}")
check("explain both recordings equally well" in ranked, f"the joint fit's proposal speaks of both recordings: {ranked[:400]}")
print("joint fit's proposal:", ranked.splitlines()[0])
# --vc-noise: a current-clamp fit's proposals include voltage-clamp ones, scored against the noise given.
# With a clamp current this quiet (0.01 pA, scored at the 1 pA floor of nd_propose_noise) the fits' disagreement in voltage clamp outweighs any in current
# clamp (0.3 mV of noise): a voltage-clamp step is proposed, as a command table.
vcn = os.path.join(out, "vc-noise")
p = run("fit", k_hybrid, cc_rec, "--out", vcn, "--seed", "1", "--iterations", "40", "--ensemble", "2",
        "--propose", "--vc-noise", "0.01")
first, second = open(os.path.join(vcn, "next", "proposal.txt")).read().splitlines()[:2]
check("explain the recording equally well" in second, f"one recording, in the singular: {second}")
print("with --vc-noise 0.01:", first)
check("voltage clamp" in first, f"a voltage-clamp proposal: {first}")
check(open(os.path.join(vcn, "next", "stimulus.csv")).readline().strip() == "t_ms,v_cmd_mV", "its command table")
check(run("fit", k_hybrid, cc_rec, "--out", vcn, "--vc-noise", "5", code=2).returncode == 2, "--vc-noise needs --propose")
p = run("fit", k_hybrid, cc_rec, "--with", vc_rec, "--out", vcn, "--ensemble", "2", "--propose", "--vc-noise", "5",
        code=2)
check("measured on it" in p.stderr, f"--vc-noise beside a clamp recording: {p.stderr}")
check(os.path.exists(os.path.join(vcn, "next", "complete.txt")), "a refused command leaves the last results")

# A --with that cannot be read names the file and changes nothing.
p = run("fit", k_hybrid, cc_rec, "--with", os.path.join(out, "missing.csv"), "--out", joint, code=1)
check("missing.csv" in p.stderr and os.path.exists(os.path.join(joint, "complete.txt")), f"missing --with: {p.stderr}")
p = run("fit", k_hybrid, cc_rec, "--with", cmd, "--out", joint, code=1)
check("(--with)" in p.stderr and "No membrane current" in p.stderr, f"--with without a current: {p.stderr}")

# Bad input: a command without a current cannot be fitted; a current-clamp model file is not needed.
check("No membrane current" in run("fit", hybrid, cmd, "--out", fit_dir, code=1).stderr, "fit needs a current")

finish("cli vc")
