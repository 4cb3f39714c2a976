#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Neurode authors
"""Checks that a learned channel exported as NMODL behaves in NEURON as it does in Neurode.

    /usr/bin/python3 tests/tools/check-nmodl-neuron.py NEURODE_CLI MODEL.json CHANNEL.mod REC.csv [OUT.txt]

MODEL.json is a fitted single-compartment model with HH sodium, leak and one learned channel (what the
window exports for the demo); CHANNEL.mod the same channel exported as NMODL; REC.csv a recording in the
engine's CSV form whose i_pA column drives both simulators. NEURON (Debian's neuron 8.2, python3-neuron)
builds the compartment with its own `hh` mechanism for sodium and leak (gkbar_hh = 0) and the exported
mechanism in place of potassium; Neurode's trace comes from `neurode-cli simulate` at the same dt.

Also compares the learned curves themselves: x_inf and tau of the mechanism (evaluated by NEURON through
its rates procedure) against Neurode's kinetics table. Prints per-sweep RMSE and spike counts and exits 1
if the curves differ by more than 1e-6, or a sweep's spike count differs, or its RMSE is more than a quarter
(+0.25 mV) above the RMSE NEURON's own classic HH shows against Neurode's classic HH (the two integration
schemes differ: NEURON updates V before the gates, Neurode the gates before V).
Run by hand for the window's demo export; its recorded output is tests/data/nmodl/neuron-check.txt. The test
suite runs tests/io/check-nmodl-neuron.py (a model with two learned channels) in NEURON on every run.
"""
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Run by hand: the shared helpers are in tests/common.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from nrntest import compile_mechanisms  # noqa: E402

DT = 0.025


def read_sweeps(path, column):
    sweeps = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            sweeps.setdefault(int(row.get("sweep", 0)), []).append((float(row["t_ms"]), float(row[column])))
    return sweeps


def spikes(v):
    n, armed = 0, True
    for x in v:
        if armed and x > -10.0:
            n, armed = n + 1, False
        elif not armed and x < -30.0:
            armed = True
    return n


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    cli, model_path, mod, rec = sys.argv[1:5]
    out = sys.argv[5] if len(sys.argv) > 5 else None
    import json
    model = json.load(open(model_path))
    mem = model["membrane"]
    chans = {c["type"]: c for c in model["channels"]}
    na, leak = chans["hh_na"], chans["leak"]
    suffix = re.search(r"SUFFIX (\w+)", open(mod).read()).group(1)

    # Neurode's traces and kinetics.
    sim = subprocess.run([cli, "simulate", model_path, "--stimulus", rec, "--dt", str(DT)],
                         capture_output=True, text=True, check=True).stdout
    nd = {}
    for row in csv.DictReader(sim.splitlines()):
        nd.setdefault(int(row["sweep"]), []).append(float(row["v_mV"]))
    kin = subprocess.run([cli, "kinetics", model_path], capture_output=True, text=True, check=True).stdout
    nd_kin = {}
    for row in csv.DictReader(kin.splitlines()):
        if row["channel"] == suffix[3:]:
            nd_kin[(row["gate"], int(row["v_mV"]))] = (float(row["x_inf"]), float(row["tau_ms"]))

    stim = read_sweeps(rec, "i_pA")
    tmp = tempfile.mkdtemp(prefix="neurode-nmodl-")
    lines = []
    ok = True
    try:
        shutil.copy(mod, tmp)
        compile_mechanisms([mod], tmp)
        from neuron import h, load_mechanisms
        load_mechanisms(tmp)
        h.load_file("stdrun.hoc")
        # A cylinder whose side has the model's area (no end caps, as Neurode's compartment).
        soma = h.Section(name="soma")
        soma.nseg = 1
        soma.L = 10.0
        soma.diam = mem["area_um2"] / (math.pi * soma.L)
        soma.cm = mem["cm_uF_per_cm2"]
        soma.insert("hh")
        soma.insert(suffix)
        seg = soma(0.5)
        seg.hh.gnabar = na["gbar_mS_per_cm2"] * 1e-3
        seg.hh.gkbar = 0.0
        seg.hh.gl = leak["gbar_mS_per_cm2"] * 1e-3
        seg.hh.el = leak["e_rev_mV"]
        soma.ena = na["e_rev_mV"]
        h.celsius = mem["temperature_C"]
        h.dt = DT
        h.steps_per_ms = 1.0 / DT
        h.secondorder = 0

        clamp = h.IClamp(seg)
        clamp.delay = 0.0
        clamp.dur = 1e9
        vrec = h.Vector().record(seg._ref_v, 0.1)
        recorded = read_sweeps(rec, "v_mV")
        mech = getattr(seg, suffix)

        def run(s):
            t = h.Vector([p[0] for p in stim[s]])
            amp = h.Vector([p[1] * 1e-3 for p in stim[s]])   # pA -> nA
            amp.play(clamp._ref_amp, t, 0)                    # held from each sample to the next
            h.v_init = mem["v_init_mV"]
            h.finitialize(mem["v_init_mV"])
            h.continuerun(t[len(t) - 1])
            amp.play_remove()
            return list(vrec)

        # Baseline: NEURON's own classic HH (potassium included, the learned channel off) against the
        # recording, which Neurode made from classic HH: the difference of the two integration schemes.
        gbar = mech.gbar
        mech.gbar = 0.0
        seg.hh.gkbar = 0.036
        soma.ek = -75.0
        base = {}
        for s in sorted(stim):
            v = run(s)[: len(recorded[s])]
            base[s] = math.sqrt(sum((a - b[1]) ** 2 for a, b in zip(v, recorded[s])) / len(v))
        mech.gbar = gbar
        seg.hh.gkbar = 0.0

        for s in sorted(stim):
            v = run(s)[: len(nd[s])]
            ref = nd[s][: len(v)]
            rmse = math.sqrt(sum((a - b) ** 2 for a, b in zip(v, ref)) / len(v))
            sn, sr = spikes(v), spikes(ref)
            lines.append("sweep %d: learned channel, RMSE NEURON vs Neurode %.3f mV (classic HH in both: %.3f mV); "
                         "spikes NEURON %d, Neurode %d" % (s, rmse, base[s], sn, sr))
            # The exported channel may differ no more than the two simulators already do on classic HH.
            ok &= rmse <= 1.25 * base[s] + 0.25 and sn == sr

        # The curves: NEURON evaluates the mechanism's rates at each whole mV (after INITIAL filled its tables).
        gates = sorted({g for (g, _) in nd_kin})
        worst = 0.0
        for g in gates:
            for v in range(-100, 61):
                soma.push()
                getattr(h, "rates_" + suffix)(v)
                h.pop_section()
                x, t = getattr(mech, g + "_inf"), getattr(mech, g + "_tau")
                rx, rt = nd_kin[(g, v)]
                worst = max(worst, abs(x - rx), abs(t - rt) / max(rt, 1e-12))
        lines.insert(0, "learned curves: largest difference between NEURON's mechanism and Neurode's table: "
                        "%.2e (x_inf absolute, tau relative) over -100..60 mV" % worst)
        ok &= worst < 1e-6
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines.append("PASS" if ok else "FAIL")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if out:
        with open(out, "w") as f:
            f.write(text)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
