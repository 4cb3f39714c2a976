#!/usr/bin/env python3
# passive-by-hand.py: the hand calculation that `neurode-cli passive` is checked against.
#
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Independent of engine/cell-props.c on purpose: the step epoch and its currents come from the protocol as
# `neurode-cli info` prints it (not from the current trace), the baseline keeps its spikes, the steady state is
# the last 100 ms (not 15 %), spikes are upward crossings of 0 mV (not the slope detector). Python standard
# library only, over the CSV of `neurode-cli export`. The numbers it prints are the references in
# tests/io/test-cell-recording.c and docs/cell-properties.md. A sine-sweep recording (no steps) is checked
# against its impedance, per cycle of the sine (chirp_by_hand).
#
#   python3 tests/tools/passive-by-hand.py _build-test/app/neurode-cli tests/data/abf
import csv
import os
import statistics as st
import subprocess
import sys
import tempfile
from collections import defaultdict

# Step epoch B of each protocol (neurode-cli info): the sweep starts with a holding segment of 1/64 of the
# sweep (whole samples), then epoch A, then B. Currents: first level + sweep x increment.
FILES = {
    # 20000 samples: 312 samples (15.6 ms) holding + A 200 ms; B -100 pA +50 pA per sweep for 500 ms
    "File_axon_5.abf": (15.6 + 200.0, 15.6 + 700.0, -100.0, 50.0),
    # 60000 samples: 937 samples (46.85 ms) + A 100 ms; B -50 pA +10 pA per sweep for 500 ms
    "17o05028_ic_steps.abf": (46.85 + 100.0, 46.85 + 600.0, -50.0, 10.0),
    # 30640 samples at 10 kHz: 478 samples (47.8 ms) + A 1000 ms; B -120 pA +60 pA per sweep for 1000 ms
    "190619B_0003.abf": (47.8 + 1000.0, 47.8 + 2000.0, -120.0, 60.0),
}


def slope(points):
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def read_sweeps(csv_path):
    """{sweep: (t, v, i)} from `neurode-cli export`: time, the first signal (the membrane potential) and the
    stimulus (the last column)."""
    sweeps = defaultdict(lambda: ([], [], []))
    with open(csv_path) as fh:
        rows = csv.reader(fh)
        next(rows)
        for row in rows:
            t, v, i = sweeps[int(row[0])]
            t.append(float(row[1]))
            v.append(float(row[2]))
            i.append(float(row[-1]))
    return sweeps


def hand(csv_path, on, off, first, inc):
    sweeps = read_sweeps(csv_path)
    bases, deflections, vi, tau63, spikes = [], [], [], [], []
    for s, (t, v, i) in sorted(sweeps.items()):
        amp = first + inc * s
        step = [k for k in range(len(t)) if on <= t[k] < off]
        assert abs(st.median(i[k] for k in step) - amp) < 0.5, "the protocol and the stimulus disagree"
        base = st.median(v[k] for k in range(len(t)) if t[k] < on)
        steady = st.mean(v[k] for k in step if t[k] >= off - 100.0)
        bases.append(base)
        if amp < 0:
            deflections.append((amp, steady - base))
            # Time for the 1 ms running mean to reach 63.2 % of its largest deflection.
            dt = t[1] - t[0]
            w = int(round(1.0 / dt))
            smooth = [st.mean(v[k - w // 2:k + w // 2 + 1]) for k in step]
            target = base - 0.632 * (base - min(smooth))
            tau63.append(next(j for j, x in enumerate(smooth) if x <= target) * dt)
        if amp <= 0:
            vi.append((amp, steady))
        spikes.append((amp, sum(1 for k in step[1:] if v[k - 1] < 0.0 <= v[k])))
    r_in = 1000.0 * slope(deflections + [(0.0, 0.0)])
    # Sweep to sweep: the RMS difference of neighbouring sweeps where their currents have been equal for
    # 150 ms, with 3 ms before and 10 ms after every 0 mV crossing of either left out; median over the pairs.
    repeat = []
    ordered = [sweeps[s] for s in sorted(sweeps)]
    for (ta, va, ia), (tb, vb, ib) in zip(ordered, ordered[1:]):
        dt = ta[1] - ta[0]
        n = min(len(ta), len(tb))
        keep = [False] * n
        since = 10 ** 9
        for k in range(n):
            since = since + 1 if abs(ia[k] - ib[k]) < 0.5 else 0
            keep[k] = since * dt > 150.0
        for v in (va, vb):
            for k in range(1, n):
                if v[k - 1] < 0.0 <= v[k]:
                    for j in range(max(0, k - int(3.0 / dt)), min(n, k + int(10.0 / dt))):
                        keep[j] = False
        d = [(va[k] - vb[k]) ** 2 for k in range(n) if keep[k]]
        if len(d) * dt >= 100.0:
            repeat.append((sum(d) / len(d)) ** 0.5)
    rheobase = min((a for a, n in spikes if n > 0 and a >= 0), default=float("nan"))
    return {
        "v_rest_mV": st.median(bases),
        "base_lo_mV": min(bases),
        "base_hi_mV": max(bases),
        "r_in_MOhm": r_in,
        "r_in_vi_MOhm": 1000.0 * slope(vi),
        "tau63_ms": tau63,
        "rheobase_pA": rheobase,
        "spikes_in_step": [n for _, n in spikes],
        "repeat_mV": st.median(repeat),
        "repeat_pairs": repeat,
    }


def chirp_by_hand(csv_path):
    """R and tau of a passive membrane from a sine-sweep recording, in the frequency domain: per cycle of the
    current (upward zero crossing to the next) the impedance V/I at that cycle's frequency (one DFT term of
    each), then |Z| = R / sqrt(1 + (2 pi f tau)^2) fitted by least squares (R exactly, tau on a 2 % grid)."""
    import cmath
    import math
    sweeps = read_sweeps(csv_path)
    z = []
    for t, v, i in sweeps.values():
        dt = t[1] - t[0]
        ups = [k for k in range(1, len(i)) if i[k - 1] < 0 <= i[k]]
        for a, b in zip(ups, ups[1:]):
            n = b - a
            w = [cmath.exp(-2j * math.pi * k / n) for k in range(n)]
            zv = sum(v[a + k] * w[k] for k in range(n))
            zi = sum(i[a + k] * w[k] for k in range(n))
            z.append((1000.0 / (n * dt), abs(zv / zi) * 1000.0))   # Hz, MOhm (mV/pA = GOhm)
    best = None
    for k in range(400):
        tau = 0.5 * 1.02 ** k
        g = [1.0 / math.sqrt(1.0 + (2.0 * math.pi * f * tau / 1000.0) ** 2) for f, _ in z]
        r = sum(a * y for a, (_, y) in zip(g, z)) / sum(a * a for a in g)
        rss = sum((r * a - y) ** 2 for a, (_, y) in zip(g, z))
        if best is None or rss < best[0]:
            best = (rss, r, tau)
    return best[1], best[2], len(z)


def test_step_by_hand(csv_path, on, off):
    """A single sweep's test step (protocol epoch from on to off ms): R from the median before it and the mean of
    its last 50 ms, the step's current from the exported stimulus (in nA in this file)."""
    t, v, i = [], [], []
    with open(csv_path) as fh:
        rows = csv.reader(fh)
        head = next(rows)
        for row in rows:
            t.append(float(row[1]))
            v.append(float(row[head.index("10_Vm (mV)")]))
            i.append(float(row[-1]))
    base = st.median(v[k] for k in range(len(t)) if t[k] < on)
    steady = st.mean(v[k] for k in range(len(t)) if off - 50.0 <= t[k] < off)
    amp_nA = st.median(i[k] for k in range(len(t)) if on + 20.0 <= t[k] < off - 20.0)
    return base, (steady - base) / amp_nA, amp_nA * 1000.0


def main():
    cli, folder = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        for name, (on, off, first, inc) in FILES.items():
            out = os.path.join(tmp, name + ".csv")
            subprocess.run([cli, "export", os.path.join(folder, name), "--out", out], check=True)
            r = hand(out, on, off, first, inc)
            print(f"{name}: step {on:.2f}-{off:.2f} ms")
            print(f"  resting potential  {r['v_rest_mV']:.2f} mV (median over sweeps of the median before the step)")
            print(f"  sweeps start from  {r['base_lo_mV']:.2f} to {r['base_hi_mV']:.2f} mV (lowest and highest of those "
                  f"medians)")
            print(f"  input resistance   {r['r_in_MOhm']:.1f} MOhm (line through the origin and the hyperpolarising "
                  f"steps' deflections, last 100 ms)")
            print(f"                     {r['r_in_vi_MOhm']:.1f} MOhm (slope of V_ss against I over the steps <= 0 pA)")
            print(f"  tau (63 %)         {', '.join(f'{x:.1f}' for x in r['tau63_ms'])} ms")
            print(f"  rheobase           {r['rheobase_pA']:.0f} pA; 0 mV crossings in the step: {r['spikes_in_step']}")
            print(f"  sweep to sweep     {r['repeat_mV']:.2f} mV (median of {len(r['repeat_pairs'])} pairs: "
                  f"{', '.join(f'{x:.1f}' for x in r['repeat_pairs'])})")
        # A sine sweep (pyABF's 171116sh_0017, tests/data/abf/more): R and tau from its impedance.
        name = os.path.join("more", "171116sh_0017.abf")
        out = os.path.join(tmp, "chirp.csv")
        subprocess.run([cli, "export", os.path.join(folder, name), "--out", out], check=True)
        # A test step then a pulse train in one sweep (pyABF's 18425108_abf1): holding for 1/64 of the 10 s
        # sweep (156.25 ms), epoch A 93.76 ms, epoch B -0.05 nA for 250 ms.
        name2 = os.path.join("more", "18425108_abf1.abf")
        out2 = os.path.join(tmp, "train.csv")
        subprocess.run([cli, "export", os.path.join(folder, name2), "--out", out2], check=True)
        base, r_in, amp = test_step_by_hand(out2, 156.25 + 93.76, 156.25 + 93.76 + 250.0)
        print(f"{name2}: one sweep, test step {amp:.0f} pA")
        print(f"  resting potential  {base:.2f} mV, input resistance {r_in:.1f} MOhm (last 50 ms of the step)")
        r, tau, cycles = chirp_by_hand(out)
        print(f"{name}: sine sweep, {cycles} cycles")
        print(f"  input resistance   {r:.1f} MOhm, time constant {tau:.1f} ms (|Z| = R / sqrt(1 + (2 pi f tau)^2) "
              f"fitted to the impedance of every cycle)")


if __name__ == "__main__":
    main()
