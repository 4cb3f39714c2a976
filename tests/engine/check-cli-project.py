#!/usr/bin/env python3
# neurode-cli fit PROJECT.neurode (issue 15): a project saved by Neurode runs the same fit as its model,
# recording, sweeps, window, stimulus and liquid-junction potential given by hand; options given override the
# project's; a project whose recording is missing, or a damaged one, is a clear error.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import filecmp, json, os, shutil

import clitest
from clitest import check, finish, output_dir, run

data = clitest.data
out = output_dir("cli-project")
demo_csv = os.path.join(os.environ["ND_SOURCE_ROOT"], "data", "demo", "hh-demo.csv")
# Written by the window at 89568ce: train 0,3, validate 1,2,5, window 5-95 ms, stimulus "i", ljp 2.5 mV; its
# recording's absolute path is on no test machine, so it is found beside the project.
saved = os.path.join(data, "project", "edited-demo-89568ce.neurode")

folder = os.path.join(out, "beside")
shutil.rmtree(folder, ignore_errors=True)
os.makedirs(folder)
project = os.path.join(folder, "cell.neurode")
shutil.copy(saved, project)
shutil.copy(demo_csv, os.path.join(folder, "hh-demo.csv"))
model = os.path.join(out, "model-of-project.json")
with open(saved) as f:
    json.dump(json.load(f)["model"], open(model, "w"))

small = ["--iterations", "4", "--restarts", "1", "--search", "0"]


def same_fit(a, b, what):
    for name in ("model.json", "report.csv", "loss.csv"):
        check(filecmp.cmp(os.path.join(a, name), os.path.join(b, name), shallow=False), f"{what}: {name} differs")


def fit(name, *args):
    d = os.path.join(out, name)
    run("fit", *args, "--out", d, *small)
    return d


by_project = fit("by-project", project)
by_hand = fit("by-hand", model, demo_csv, "--train", "0,3", "--validate", "1,2,5", "--window", "5-95",
              "--stimulus", "i", "--ljp", "2.5")
same_fit(by_project, by_hand, "project vs the same choices by hand")
# The project's choices are the fit's: its window leaves the rest of every sweep out (another window, another fit).
other = fit("other-window", model, demo_csv, "--train", "0,3", "--validate", "1,2,5", "--stimulus", "i",
            "--ljp", "2.5")
check(not filecmp.cmp(os.path.join(by_project, "loss.csv"), os.path.join(other, "loss.csv"), shallow=False),
      "the project's fit window makes no difference")

# Options given override the project's.
overridden = fit("overridden", project, "--train", "3", "--window", "10-60", "--ljp", "0")
by_hand2 = fit("overridden-by-hand", model, demo_csv, "--train", "3", "--validate", "1,2,5", "--window", "10-60",
               "--stimulus", "i", "--ljp", "0")
same_fit(overridden, by_hand2, "project with options vs by hand")

# The project's stimulus is the fit's: the recording's "i" column would otherwise be taken as the current, so a
# project that says "none" must be refused as the same choice by hand is.
with open(saved) as f:
    no_stim = json.load(f)
no_stim["recording"]["stimulus"] = "none"
del no_stim["recording"]["stimulus_signal"]
no_stim_path = os.path.join(folder, "no-stimulus.neurode")
json.dump(no_stim, open(no_stim_path, "w"))
p = run("fit", no_stim_path, "--out", os.path.join(out, "no-stim-out"), *small, code=1)
h = run("fit", model, demo_csv, "--stimulus", "none", "--out", os.path.join(out, "no-stim-by-hand"), *small, code=1)
check("injected current is not known" in p.stderr and p.stderr == h.stderr,
      f"a project without a stimulus: {p.stderr!r}, by hand: {h.stderr!r}")

# Found by content as well as by name.
as_json = os.path.join(folder, "cell-project.json")
shutil.copy(project, as_json)
same_fit(fit("as-json", as_json), by_project, "a project named .json")

# The recording missing: where it was looked for, and what to do.
lost_dir = os.path.join(out, "lost")
os.makedirs(lost_dir, exist_ok=True)
lost = os.path.join(lost_dir, "cell.neurode")
shutil.copy(saved, lost)
p = run("fit", lost, "--out", os.path.join(out, "lost-out"), *small, code=1)
check("/home/student/Recordings/hh-demo.csv" in p.stderr and os.path.join(lost_dir, "hh-demo.csv") in p.stderr
      and "was not found" in p.stderr, f"missing recording: {p.stderr!r}")
check(not os.path.exists(os.path.join(out, "lost-out", "model.json")), "missing recording: a model was written")

# A damaged project names the member; a template is no project's model.
with open(saved) as f:
    bad = json.load(f)
bad["selection"]["train"] = [0, 1.5]
bad_path = os.path.join(folder, "bad.neurode")
json.dump(bad, open(bad_path, "w"))
p = run("fit", bad_path, "--out", os.path.join(out, "bad-out"), *small, code=1)
check("“selection”: “train” must hold sweep numbers" in p.stderr and "bad.neurode" in p.stderr,
      f"damaged project: {p.stderr!r}")
p = run("fit", project, "--template", "squid", "--out", os.path.join(out, "tpl-out"), code=2)
check("either a project or --template" in p.stderr, f"project and template: {p.stderr!r}")

# The help says so.
p = run("fit", "--help")
check("PROJECT.neurode" in p.stdout and "override the project" in p.stdout, f"fit --help: {p.stdout!r}")

finish("cli-project")
