#!/usr/bin/env python3
# neurode-cli fit --ensemble N --propose: DIR/next/ holds the proposed recording as files Neurode reads back
# (the ATF and the CSV drive `simulate` alike), the members' predictions, and the ranked candidates (issue 17).
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import os, re

import clitest
from clitest import check, finish, output_dir, rows, run

data = os.path.join(clitest.data, "engine")
out = output_dir("cli-propose")
truth, hybrid, stim = (os.path.join(data, n) for n in ("hh-k-truth.json", "k-hybrid.json", "step-15pA.csv"))
rec = os.path.join(out, "rec.csv")
run("simulate", truth, "--stimulus", stim, "--out", rec)

# --propose asks an ensemble where its fits disagree: alone it is a usage error.
p = run("fit", hybrid, rec, "--out", os.path.join(out, "alone"), "--propose", code=2)
check("--ensemble" in p.stderr, f"--propose without --ensemble: {p.stderr}")

# Three short fits on two threads: whatever they keep, the proposal is written and printed.
fit_dir = os.path.join(out, "fit")
p = run("fit", hybrid, rec, "--out", fit_dir, "--ensemble", "3", "--jobs", "2", "--iterations", "30", "--propose")
kept = re.search(r"ensemble: (\d+) of 3 fits kept", p.stderr)
# (These seeds keep two or three: fewer than two would be exit 1, "--propose needs at least two fits".)
check(kept is not None and int(kept.group(1)) >= 2, f"the ensemble's summary: {p.stderr}")
nxt = os.path.join(fit_dir, "next")
if kept and int(kept.group(1)) >= 2:
    n_kept = int(kept.group(1))
    for name in ("proposal.txt", "stimulus.atf", "stimulus.csv", "predicted.csv", "complete.txt"):
        check(os.path.exists(os.path.join(nxt, name)), f"next/{name} written")
    text = open(os.path.join(nxt, "proposal.txt")).read().splitlines()
    m = re.match(r"record next: (current clamp: .*)$", p.stdout.strip())
    check(m is not None and text[0] == f"Record next: {m.group(1)}.", f"printed {p.stdout!r}, file {text[0]!r}")
    ranked = [l for l in text if re.match(r"\d\. ", l)]
    scores = [float(re.search(r"\(([0-9.e+-]+)\)$", l).group(1)) for l in ranked]
    check(len(ranked) == 5 and scores == sorted(scores, reverse=True) and ranked[0][3:].startswith(m.group(1) if m else "?"),
          f"five ranked candidates, best first: {ranked}")
    # The stimulus in both formats drives the model the same way.
    s_csv, s_atf = os.path.join(out, "sim-csv.csv"), os.path.join(out, "sim-atf.csv")
    run("simulate", truth, "--stimulus", os.path.join(nxt, "stimulus.csv"), "--out", s_csv)
    run("simulate", truth, "--stimulus", os.path.join(nxt, "stimulus.atf"), "--out", s_atf)
    a, b = rows(s_csv), rows(s_atf)
    check(len(a) == 4001 and len(a) == len(b), f"{len(a)} and {len(b)} samples of 400 ms at 0.1 ms")
    check(all(abs(float(x["v_mV"]) - float(y["v_mV"])) < 1e-6 and x["i_pA"] == y["i_pA"] for x, y in zip(a, b)),
          "the ATF and the CSV stimulus give the same trace")
    stim_rows = rows(os.path.join(nxt, "stimulus.csv"))
    check(list(stim_rows[0].keys()) == ["t_ms", "i_pA"], f"stimulus.csv header {list(stim_rows[0].keys())}")
    # The predictions: one column per kept fit, starting where the model rests.
    pred = rows(os.path.join(nxt, "predicted.csv"))
    cols = list(pred[0].keys())
    check(cols == ["t_ms", "i_pA"] + [f"member{k + 1}_v_mV" for k in range(n_kept)], f"predicted.csv header {cols}")
    check(len(pred) == 4001 and all(-100 < float(r["member1_v_mV"]) < 60 for r in pred), "predicted V in range")
finish("cli-propose")
