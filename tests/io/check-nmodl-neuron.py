#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Neurode authors
"""A model with two learned channels, exported with `neurode-cli nmodl`, run in NEURON: the same spike times.

    /usr/bin/python3 tests/io/check-nmodl-neuron.py   (NEURODE_CLI, ND_TEST_DATA, ND_TEST_OUTPUT set, as by meson)

tests/data/nmodl/two-learned.json: a learned sodium channel (m^3 h) and a learned potassium channel (n^4),
each gate a network over a Boltzmann prior, and a leak. `neurode-cli nmodl` writes nd_Na.mod and nd_K.mod;
Debian's NEURON 8.2 (neuron, neuron-dev, python3-neuron, installed by build-aux/deps) compiles them with
nrnivmodl and builds the compartment: the two mechanisms and NEURON's `pas` for the leak, a cylinder with the
model's area, played the same current steps as `neurode-cli simulate`, both at dt 0.01 ms. Passes when every
sweep has the same number of spikes (upward crossings of 0 mV) and each spike time agrees within 0.2 ms (the two
fixed-step schemes order the gate and voltage updates differently, an O(dt) difference), and the mechanisms'
x_inf and tau agree with Neurode's kinetics table to 1e-6.
"""
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys

from nrntest import compile_mechanisms

DT = 0.01
cli = os.environ["NEURODE_CLI"]
model_path = os.path.join(os.environ["ND_TEST_DATA"], "nmodl", "two-learned.json")
out = os.path.join(os.environ["ND_TEST_OUTPUT"], "nmodl-neuron")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)


def spike_times(t, v):
    """Upward crossings of 0 mV, placed between the samples by linear interpolation."""
    return [t[k - 1] + (t[k] - t[k - 1]) * -v[k - 1] / (v[k] - v[k - 1])
            for k in range(1, len(v)) if v[k - 1] < 0.0 <= v[k]]


def main():
    if not os.path.exists("/usr/bin/nrnivmodl"):
        print("NEURON is not installed (Debian's neuron, neuron-dev, python3-neuron: build-aux/deps installs them)")
        sys.exit(77)
    model = json.load(open(model_path))
    mem = model["membrane"]
    leak = [c for c in model["channels"] if c["type"] == "leak"][0]

    # The stimulus: three current steps, as neurode-cli reads them (held from each sample to the next).
    stim = os.path.join(out, "steps.csv")
    amps = (30.0, 80.0, 200.0)
    with open(stim, "w") as f:
        f.write("sweep,t_ms,i_pA\n")
        for s, amp in enumerate(amps):
            for j in range(2001):
                f.write("%d,%.1f,%g\n" % (s, j * 0.1, amp if 200 <= j < 1700 else 0.0))

    # Neurode: the mechanisms, the traces and the kinetics table.
    mods = subprocess.run([cli, "nmodl", model_path, "--out", out], capture_output=True, text=True, check=True)
    mods = mods.stdout.split()
    names = sorted(os.path.basename(m) for m in mods)
    ok = names == ["nd_K.mod", "nd_Na.mod"]
    print("mechanisms:", ", ".join(names))
    sim = subprocess.run([cli, "simulate", model_path, "--stimulus", stim, "--dt", str(DT)],
                         capture_output=True, text=True, check=True).stdout
    nd = {}
    for row in csv.DictReader(io.StringIO(sim)):
        nd.setdefault(int(row["sweep"]), ([], []))
        nd[int(row["sweep"])][0].append(float(row["t_ms"]))
        nd[int(row["sweep"])][1].append(float(row["v_mV"]))
    kin = subprocess.run([cli, "kinetics", model_path], capture_output=True, text=True, check=True).stdout
    nd_kin = {(r["channel"], r["gate"], int(r["v_mV"])): (float(r["x_inf"]), float(r["tau_ms"]))
              for r in csv.DictReader(io.StringIO(kin))}

    compile_mechanisms(mods, out)
    from neuron import h, load_mechanisms
    load_mechanisms(out)
    h.load_file("stdrun.hoc")
    soma = h.Section(name="soma")
    soma.nseg = 1
    soma.L = 10.0
    soma.diam = mem["area_um2"] / (math.pi * soma.L)   # the side of a cylinder: Neurode's area
    soma.cm = mem["cm_uF_per_cm2"]
    soma.insert("pas")
    soma.insert("nd_Na")
    soma.insert("nd_K")
    seg = soma(0.5)
    seg.pas.g = leak["gbar_mS_per_cm2"] * 1e-3
    seg.pas.e = leak["e_rev_mV"]
    h.celsius = mem["temperature_C"]
    h.dt = DT
    h.steps_per_ms = 1.0 / DT
    h.secondorder = 0
    clamp = h.IClamp(seg)
    clamp.delay = 0.0
    clamp.dur = 1e9
    vrec = h.Vector().record(seg._ref_v, 0.1)
    trec = h.Vector().record(h._ref_t, 0.1)

    worst = 0.0
    for s, amp in enumerate(amps):
        t = h.Vector([j * 0.1 for j in range(2001)])
        a = h.Vector([(amp if 200 <= j < 1700 else 0.0) * 1e-3 for j in range(2001)])   # pA -> nA
        a.play(clamp._ref_amp, t, 0)
        h.finitialize(mem["v_init_mV"])
        h.continuerun(200.0)
        a.play_remove()
        n = len(nd[s][1])
        sn = spike_times(list(trec)[:n], list(vrec)[:n])
        sr = spike_times(nd[s][0], nd[s][1])
        shift = max((abs(x - y) for x, y in zip(sn, sr)), default=0.0)
        worst = max(worst, shift)
        same = len(sn) == len(sr) and len(sr) > 2 and shift <= 0.2
        ok &= same
        print("sweep %d (%g pA): spikes NEURON %d, Neurode %d; largest spike-time difference %.3f ms; %s"
              % (s, amp, len(sn), len(sr), shift, "same" if same else "DIFFERENT"))
        print("  NEURON  ", " ".join("%.3f" % x for x in sn))
        print("  Neurode ", " ".join("%.3f" % x for x in sr))

    # The curves: NEURON evaluates each mechanism's rates procedure at every whole mV.
    curves = 0.0
    for suffix, gates in (("nd_Na", ("m", "h")), ("nd_K", ("n",))):
        mech = getattr(seg, suffix)
        for g in gates:
            for v in range(-100, 61):
                soma.push()
                getattr(h, "rates_" + suffix)(v)
                h.pop_section()
                rx, rt = nd_kin[(suffix[3:], g, v)]
                curves = max(curves, abs(getattr(mech, g + "_inf") - rx), abs(getattr(mech, g + "_tau") - rt) / rt)
    print("learned curves: largest difference between NEURON's mechanisms and Neurode's table %.2e" % curves)
    ok &= curves < 1e-6
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
