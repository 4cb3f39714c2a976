#!/usr/bin/env python3
# check-morph-cli.py: `neurode-cli morph-simulate` end to end.
#
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The shipped cell file with a two-sweep stimulus CSV (the published 0.65 nA
# step in nA units, and no current); the step sweep must match NEURON's
# reference trace, the silent sweep must stay at rest; broken inputs must
# fail with exit 1 and a message, usage errors with exit 2.
import csv
import math
import os
import subprocess

import clitest
from clitest import check, cli, finish, output_dir

data = clitest.data
root = os.environ["ND_SOURCE_ROOT"]
out_dir = output_dir("morph-cli")
cell = os.path.join(root, "data", "cells", "ca1-pospischil.json")


def run(*args):
    return subprocess.run([cli, "morph-simulate", *args], capture_output=True, text=True)


# Stimulus: sweep 0 = 0.65 nA from 10 to 50 ms, sweep 1 = nothing; 70 ms at 0.025 ms, in nA.
stim = os.path.join(out_dir, "stim.csv")
with open(stim, "w") as f:
    f.write("sweep,t_ms,i_nA\n")
    for s in range(2):
        for k in range(2801):
            t = k * 0.025
            amp = 0.65 if s == 0 and 10.0 <= t + 0.0125 < 50.0 else 0.0
            f.write("%d,%.3f,%g\n" % (s, t, amp))
out = os.path.join(out_dir, "out.csv")
r = run(cell, "--stimulus", stim, "--out", out, "--axial")
check(r.returncode == 0, "morph-simulate failed: %s" % r.stderr)
rows = list(csv.DictReader(open(out))) if r.returncode == 0 else []
check(len(rows) == 2 * 2801, "rows: %d" % len(rows))
ref = [float(x["v_mV"]) for x in csv.DictReader(open(os.path.join(data, "morphology", "neuron_ca1_step.csv")))]
if len(rows) == 2 * 2801:
    v0 = [float(x["v_mV"]) for x in rows if x["sweep"] == "0"]
    v1 = [float(x["v_mV"]) for x in rows if x["sweep"] == "1"]
    rmse = math.sqrt(sum((a - b) ** 2 for a, b in zip(v0, ref)) / len(ref))
    check(rmse < 0.5, "step sweep RMSE against NEURON %.4f mV" % rmse)
    check(abs(float(rows[600]["i_pA"]) - 650.0) < 1e-9, "i_pA column in pA: %s" % rows[600]["i_pA"])
    check(abs(float(rows[600]["t_ms"]) - 15.0) < 1e-9, "t_ms column")
    check(max(abs(v + 70.0) for v in v1) < 0.1, "no current: the cell stays near -70 mV")
    ax = [float(x["i_axial_pA"]) for x in rows if x["sweep"] == "0"]
    check(max(ax) > 100.0, "the soma drives current into the dendrites during the step")
    print("morph-simulate: step sweep RMSE %.5f mV against NEURON" % rmse)

# The cell file's own protocol, written to standard output.
r = run(cell)
check(r.returncode == 0 and r.stdout.startswith("sweep,t_ms,v_mV,i_pA\n") and r.stdout.count("\n") == 2802,
      "protocol run to stdout")

# The second NEURON set-up's cell file, with its stimulus site given on the command line.
dl_cell = os.path.join(data, "morphology", "ca1-dlambda.json")
dl_ref = list(csv.DictReader(open(os.path.join(data, "morphology", "neuron_ca1_dlambda.csv"))))
r = run(dl_cell, "--site", "apic[1](0.3)")
if r.returncode == 0:
    v = [float(x["v_mV"]) for x in csv.DictReader(r.stdout.splitlines())]
    rmse = math.sqrt(sum((a - float(b["v_soma_mV"])) ** 2 for a, b in zip(v, dl_ref)) / len(dl_ref))
    check(len(v) == len(dl_ref) and rmse < 0.5, "d_lambda cell via --site: RMSE %.4f mV" % rmse)
else:
    check(False, "d_lambda cell: %s" % r.stderr)
r = run(dl_cell, "--site", "soma[0]")
if r.returncode == 0:
    v = [float(x["v_mV"]) for x in csv.DictReader(r.stdout.splitlines())]
    check(max(abs(a - float(b["v_soma_mV"])) for a, b in zip(v, dl_ref)) > 5.0, "--site moves the stimulus")
else:
    check(False, "--site soma[0]: %s" % r.stderr)

# Broken inputs.
def write(name, text):
    p = os.path.join(out_dir, name)
    with open(p, "w") as f:
        f.write(text)
    return p


broken_swc = write("broken.swc", "1 1 0 0 0 5 -1\n2 3 0 10 0 1 3\n3 3 0 20 0 1 2\n")
cell_text = open(cell).read()
bad_cell = write("bad-cell.json", cell_text.replace("ca1-pospischil.swc", "broken.swc"))
missing = write("missing.json", cell_text.replace("ca1-pospischil.swc", "nowhere.swc"))
bad_chan = write("bad-chan.json", cell_text.replace("pospischil_kd", "no_such_channel"))
not_json = write("not.json", "{ this is not json")
cases = [
    ((bad_cell,), 1, "loop"),
    ((missing,), 1, "nowhere.swc"),
    ((bad_chan,), 1, "no_such_channel"),
    ((not_json,), 1, "not.json"),
    ((cell, "--stimulus", os.path.join(out_dir, "absent.csv")), 1, "absent.csv"),
    ((), 2, "one cell file"),
    ((cell, "--dt", "-1"), 2, "--dt"),
    ((cell, "--site", "apic[999]"), 2, "no section “apic[999]”"),
    ((cell, "--site", "apic[1](2)"), 2, "X from 0 to 1"),
]
for args, code, text in cases:
    r = run(*args)
    check(r.returncode == code and text in r.stderr,
          "%s: exit %d (want %d), stderr %r" % (args, r.returncode, code, r.stderr.strip()))

finish("morph-simulate cli")
