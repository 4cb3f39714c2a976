#!/usr/bin/env python3
# check-batch-cli.py: `neurode-cli batch` on this computer — plans checked before anything runs, rows run
# --jobs at a time with the same outputs as one at a time, results all or nothing, a second run runs only
# what is not done, Ctrl+C stops cleanly, summary.csv's figures are the rows' report.csv's; --ensemble N makes
# every fit row an ensemble (here and as a Slurm task runs it) with its bands and summary figures.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import csv
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batchtest import (DEMO_FAILED, FIT, SUMMARY_COLUMNS, batch, check, check_demo_summary, check_ensemble_row,
                       check_fit_figures, cli, finish, fix_inputs, make_demo_plan, result_stamp, root, same_outputs,
                       summary)

out = os.path.join(os.environ["ND_TEST_OUTPUT"], "batch-cli")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)

# --help says what a plan is; the command list names batch.
h = batch("--help")
check(h.returncode == 0 and "name,args" in h.stdout and "--slurm" in h.stdout and "--run-row" not in h.stdout,
      "batch --help")
check("batch" in subprocess.run([cli, "--help"], capture_output=True, text=True).stdout, "neurode-cli --help lists batch")

# What batch knows of each command's options agrees with the command's own --help: a flag does not take
# the next word (so the input file after it is still checked), an option with a value does.
flagdir = os.path.join(out, "flags")
os.makedirs(flagdir)
open(os.path.join(flagdir, "in.txt"), "w").close()
lines = ["name,args"]
for command in ("fit", "reduce", "fit-curves", "simulate", "passive"):
    text = subprocess.run([cli, command, "--help"], capture_output=True, text=True).stdout
    options = re.findall(r"^\s+(?:-\w, )?(--[\w-]+)(=\S+)?", text, re.M)
    check(len(options) >= 2, f"{command} --help lists options")
    for k, (opt, value) in enumerate(options):
        if opt in ("--help", "--out"):
            continue
        # A flag followed by the file, or an option with a value that is no file, then the file.
        args = f"{command} {opt} in.txt" if not value else f"{command} {opt} 1 in.txt"
        if (opt in ("--stimulus", "--validate", "--test") and command in ("reduce", "simulate")
                or (opt == "--with" and command == "fit")):
            args = f"{command} {opt} in.txt in.txt"   # options that name an input file
        lines.append(f"{command}{k},\"{args}\"")
lines.append("wrong,fit missing.csv")
with open(os.path.join(flagdir, "plan.csv"), "w") as f:
    f.write("\n".join(lines) + "\n")
r = batch(os.path.join(flagdir, "plan.csv"), "--out", os.path.join(flagdir, "out"))
bad = [l for l in r.stderr.splitlines() if l.startswith("line ")]
check(r.returncode == 1 and len(bad) == 1 and "(wrong)" in bad[0],
      f"only the row with a missing file is bad ({len(lines) - 2} option rows): {r.stderr}")

# Bad rows: all reported at once, by line and name, and nothing runs.
plan_dir = os.path.join(out, "demo")
plan = make_demo_plan(plan_dir)
bad_plan = os.path.join(plan_dir, "bad.csv")
with open(bad_plan, "w") as f:
    f.write("\ufeffname,args\n"
            "ok,fit model.json rec.csv\n"
            "typo,fitt model.json rec.csv\n"
            "gone,fit model.json cell99.abf\n"
            "ok,passive rec.csv\n"
            "out,fit model.json rec.csv --out elsewhere\n"
            "../up,passive rec.csv\n"
            "vc,fit model.json rec.csv --with vc99.csv\n")
r = batch(bad_plan, "--out", os.path.join(out, "bad-out"))
check(r.returncode == 1, f"bad plan exits 1, not {r.returncode}")
for words in ("line 3 (typo): “fitt” is not a command", "line 4 (gone): there is no file “cell99.abf” in " + plan_dir,
              "line 5 (ok): the name is already used on line 2", "line 6 (out): remove --out",
              "line 7 (../up): the name must be usable as a folder name",
              "line 8 (vc): there is no file “vc99.csv”", "has 6 bad rows; nothing was run"):
    check(words in r.stderr, f"bad plan names “{words}”: {r.stderr}")
check(not os.path.exists(os.path.join(out, "bad-out")), "a bad plan creates nothing")
check(batch(plan, "--jobs", "2").returncode == 2, "no --out is a usage error")
check(batch(plan, "--out", os.path.join(out, "x"), "--wait").returncode == 2, "--wait without --slurm")
r = batch(plan, "--out", os.path.join(out, "x"), "--cpus-per-task", "2")
check(r.returncode == 2 and "--cpus-per-task" in r.stderr, f"--cpus-per-task without --slurm: {r.stderr}")
r = batch(plan, "--out", os.path.join(out, "x"), "--slurm", "--cpus-per-task", "0")
check(r.returncode == 2 and "1 to 4096" in r.stderr, f"--cpus-per-task 0: {r.stderr}")

# The 6-row demo plan, two rows at a time and one at a time: the same outputs byte for byte.
out2, out1 = os.path.join(out, "jobs2"), os.path.join(out, "jobs1")
t = time.monotonic()
r2 = batch(plan, "--out", out2, "--jobs", "2")
t2 = time.monotonic() - t
t = time.monotonic()
r1 = batch(plan, "--out", out1, "--jobs", "1")
t1 = time.monotonic() - t
print(f"6-row demo plan: --jobs 2 {t2:.1f} s, --jobs 1 {t1:.1f} s ({t1 / t2:.2f}x; not a timed test)")
for r, o, what in ((r2, out2, "--jobs 2"), (r1, out1, "--jobs 1")):
    check(r.returncode == 1, f"{what}: a failed row makes the exit status 1, not {r.returncode}: {r.stderr}")
    check("6 rows: 0 complete already, 6 to run" in r.stderr, f"{what}: announces the rows: {r.stderr}")
    check("4 done, 2 failed, 0 incomplete" in r.stderr, f"{what}: counts at the end")
    for name, words in DEMO_FAILED.items():
        check(re.search(rf"^{name}: failed in .*{words}", r.stderr, re.M), f"{what}: progress line for {name}")
    check(re.search(r"^seed3: done in \d", r.stderr, re.M), f"{what}: progress line for seed3")
    check_demo_summary(o, what)
    check(not os.listdir(os.path.join(o, ".running")), f"{what}: no work folder left")
same_outputs(out2, out1, ["seed1", "seed2", "seed3", "seed4", "empty-rec", "other-model"], "--jobs 2 vs --jobs 1")
rec = json.load(open(os.path.join(out2, "seed1", "batch-row.json")))
check(rec["status"] == "done" and rec["exit_code"] == 0 and rec["args"].startswith("fit model.json rec.csv"),
      f"batch-row.json {rec}")

# Fixing the two inputs: the next run runs those two only; the others' results stay untouched.
fix_inputs(plan_dir)
before = {n: result_stamp(out2, n) for n in ("seed1", "seed2", "seed3", "seed4", "empty-rec", "other-model")}
r = batch(plan, "--out", out2, "--jobs", "2")
check(r.returncode == 0 and "6 rows: 4 complete already, 2 to run" in r.stderr and "6 done, 0 failed" in r.stderr,
      f"second run: {r.returncode} {r.stderr}")
after = {n: result_stamp(out2, n) for n in before}
check(all(after[n] == before[n] for n in ("seed1", "seed2", "seed3", "seed4")), "done rows did not run again")
check(all(after[n] != before[n] for n in DEMO_FAILED), "the fixed rows ran")
check(all(r["status"] == "done" for r in summary(out2).values()), "all done after the fix")
r = batch(plan, "--out", out2)
check(r.returncode == 0 and "0 to run" in r.stderr, f"third run has nothing to do: {r.stderr}")

# A row whose arguments changed in the plan runs again.
with open(plan) as f:
    text = f.read()
with open(plan, "w") as f:
    f.write(text.replace("--seed 4", "--seed 5"))
r = batch(plan, "--out", out2)
check(r.returncode == 0 and "5 complete already, 1 to run" in r.stderr and "seed4: done" in r.stderr,
      f"changed row runs again: {r.stderr}")

# A folder of the user's where a row's result would go is never replaced.
mine = os.path.join(out, "mine")
os.makedirs(os.path.join(mine, "seed1"))
with open(os.path.join(mine, "seed1", "notes.txt"), "w") as f:
    f.write("my notes\n")
r = batch(plan, "--out", mine)
check(r.returncode == 1 and "line 2 (seed1):" in r.stderr and "is not a result of this batch" in r.stderr,
      f"user's folder refused: {r.stderr}")
check(open(os.path.join(mine, "seed1", "notes.txt")).read() == "my notes\n" and len(os.listdir(mine)) == 1,
      "the user's folder is untouched and nothing ran")

# Ctrl+C (SIGINT to the whole process group, as a terminal sends it): the run stops at once, rows that
# were running keep no result, the summary says so, and the next run runs them.
stop_dir = os.path.join(out, "stop")
stop_plan = os.path.join(plan_dir, "stop.csv")
with open(stop_plan, "w") as f:
    f.write("name,args\n"
            "quick,fit model.json rec.csv --train 1,3 --iterations 20 --restarts 1\n"
            "long1,fit model.json rec.csv --train 1,3 --iterations 100000 --restarts 1\n"
            "long2,fit model.json rec.csv --train 1,3 --iterations 100000 --restarts 1 --seed 2\n"
            "later,fit model.json rec.csv --train 1,3 --iterations 20 --restarts 1 --seed 3\n")
p = subprocess.Popen([cli, "batch", stop_plan, "--out", stop_dir, "--jobs", "2"], stderr=subprocess.PIPE, text=True,
                     start_new_session=True)
deadline = time.monotonic() + 120
while time.monotonic() < deadline and not (os.path.isdir(os.path.join(stop_dir, ".running", "long1"))
                                           and os.path.isdir(os.path.join(stop_dir, ".running", "long2"))):
    time.sleep(0.1)
time.sleep(1.0)
os.killpg(p.pid, signal.SIGINT)
t = time.monotonic()
try:
    err = p.communicate(timeout=30)[1]
except subprocess.TimeoutExpired:
    os.killpg(p.pid, signal.SIGKILL)
    err = p.communicate()[1]
check(p.returncode == 130, f"Ctrl+C: exit 130, not {p.returncode}: {err}")
check(time.monotonic() - t < 10, "Ctrl+C stops within seconds")
check("stopped; run the same command again" in err, f"Ctrl+C says how to go on: {err}")
s = summary(stop_dir)
check(s["quick"]["status"] == "done", "the row done before Ctrl+C keeps its result")
for name in ("long1", "long2"):
    check(s[name]["status"] == "incomplete" and "started but did not finish" in s[name]["message"]
          and not os.path.exists(os.path.join(stop_dir, name)), f"{name} was stopped and has no result: {s[name]}")
check(s["later"]["status"] == "incomplete" and s["later"]["message"] == "not run yet", f"later: {s['later']}")
with open(stop_plan) as f:
    text = f.read()
with open(stop_plan, "w") as f:
    f.write(text.replace("100000", "20"))
r = batch(stop_plan, "--out", stop_dir, "--jobs", "2")
check(r.returncode == 0 and "1 complete already, 3 to run" in r.stderr, f"after Ctrl+C the rest runs: {r.stderr}")
check(not os.listdir(os.path.join(stop_dir, ".running")), "the stopped rows' work folders are gone")

# passive, simulate and a short reduce as rows; the reduction's figures in the summary; a quoted args field,
# a semicolon-separated plan and a path with a space.
other = os.path.join(out, "other")
os.makedirs(other)
shutil.copy(os.path.join(os.environ["ND_TEST_DATA"], "abf", "17o05028_ic_steps.abf"), os.path.join(other, "rec one.abf"))
shutil.copy(os.path.join(plan_dir, "rec.csv"), os.path.join(other, "rec.csv"))
shutil.copy(os.path.join(plan_dir, "model.json"), os.path.join(other, "model.json"))
with open(os.path.join(other, "train.csv"), "w") as f:
    f.write("sweep,t_ms,i_pA\n" + "".join(f"0,{k / 10:.1f},{650 if 5 <= k / 10 + 0.05 < 25 else 0}\n" for k in range(301)))
with open(os.path.join(other, "held.csv"), "w") as f:
    f.write("sweep,t_ms,i_pA\n" + "".join(f"{s},{k / 10:.1f},{a if 5 <= k / 10 + 0.05 < 25 else 0}\n"
                                          for s, a in ((0, 450), (1, 850)) for k in range(301)))
cell = os.path.join(root, "data", "cells", "ca1-pospischil.json")
with open(os.path.join(other, "plan.csv"), "w") as f:
    f.write("name;notes;args\n"
            "cell;text;passive 'rec one.abf'\n"
            "cell-json;;passive --json \"rec one.abf\"\n"
            "sim;;simulate model.json --stimulus rec.csv\n"
            f"red;a reduction;reduce {cell} -s train.csv --validate held.csv --iterations 12 --latents 1 --width 8 "
            "--depth 1 --restarts 1 --stages 1:0.5,1:0.25:0.3,0:0.25\n")
r = batch(os.path.join(other, "plan.csv"), "--out", os.path.join(other, "out"))
check(r.returncode == 0, f"passive/simulate/reduce rows: {r.stderr}")
o = os.path.join(other, "out")
txt = open(os.path.join(o, "cell", "passive.txt")).read() if os.path.exists(os.path.join(o, "cell", "passive.txt")) else ""
check("input resistance" in txt.lower() or "resistance" in txt.lower(), f"passive.txt: {txt[:200]}")
try:
    json.load(open(os.path.join(o, "cell-json", "passive.json")))
except (OSError, ValueError) as e:
    check(False, f"passive --json gives passive.json: {e}")
sim = list(csv.DictReader(open(os.path.join(o, "sim", "simulated.csv")))) if os.path.exists(os.path.join(o, "sim", "simulated.csv")) else []
check(len(sim) > 1000 and "v_mV" in sim[0], "simulate writes simulated.csv")
s = summary(o)
rep = list(csv.DictReader(open(os.path.join(o, "red", "report.csv"))))
held = [float(x["rmse_mV"]) for x in rep if x["set"] == "held_out"]
speed = sum(float(x["t_full_s"]) for x in rep) / sum(float(x["t_reduced_s"]) for x in rep)
check(abs(float(s["red"]["held_out_rmse_mV"]) - math.sqrt(sum(x * x for x in held) / len(held))) < 1e-3,
      f"reduce held-out RMSE {s['red']}")
check(abs(float(s["red"]["speedup"]) - speed) <= 0.05 + 1e-9, f"reduce speed-up {s['red']['speedup']} vs {speed:.2f}")
check(s["red"]["train_rmse_mV"] == "" and s["cell"]["held_out_rmse_mV"] == "", "figures only where they apply")

# --ensemble 2: every fit row fitted twice, with the bands in kinetics.csv and the kept fits and each learned
# gate's band in the summary. Tiny fits (20 iterations), two rows: seconds.
ens_plan = os.path.join(plan_dir, "ens.csv")
with open(ens_plan, "w") as f:
    f.write("name,args\n" + "".join(f"e{k},{FIT.format(rec='rec.csv', it=20, seed=s)}\n" for k, s in ((1, 1), (2, 3))))
check(batch(ens_plan, "--out", os.path.join(out, "x"), "--ensemble", "1").returncode == 2, "--ensemble 1 is a usage error")
check(batch(ens_plan, "--out", os.path.join(out, "x"), "--propose").returncode == 2, "--propose needs --ensemble")
single, ens_a, ens_b = (os.path.join(out, d) for d in ("ens-single", "ens-a", "ens-b"))
t = time.monotonic()
r = batch(ens_plan, "--out", single, "--jobs", "2")
t_single = time.monotonic() - t
check(r.returncode == 0, f"single fits: {r.stderr}")
# Two rows on two cores: each single fit is given one core (--jobs 1 on its command line, not in its args).
for name in ("e1", "e2"):
    log = open(os.path.join(single, name, "log.txt")).read()
    check("fitting on 1 core " in log, f"{name} (single fit) on one core: {log[:300]}")
t = time.monotonic()
r = batch(ens_plan, "--out", ens_a, "--jobs", "2", "--ensemble", "2")
t_ens = time.monotonic() - t
print(f"2-row plan, 20-iteration fits, --jobs 2: single fits {t_single:.1f} s, --ensemble 2 {t_ens:.1f} s "
      f"({t_ens / t_single:.2f}x; not a timed test)")
check(r.returncode == 0 and "2 done, 0 failed" in r.stderr, f"--ensemble 2: {r.stderr}")
s = summary(ens_a)
with open(os.path.join(ens_a, "summary.csv")) as f:
    header = f.readline().strip()
check(header == ",".join(SUMMARY_COLUMNS + ["K.n_x_inf_band", "K.n_constrained"]), f"ensemble summary header: {header}")
for name in ("e1", "e2"):
    check_fit_figures(ens_a, name, s.get(name, {}), "--ensemble 2")
    check_ensemble_row(ens_a, name, s.get(name, {}), 2, "--ensemble 2")
    rec = json.load(open(os.path.join(ens_a, name, "batch-row.json")))
    check(rec["args"].endswith(" --seed " + ("1" if name == "e1" else "3") + " --ensemble 2"), f"{name}'s args: {rec['args']}")
    # Two rows on two cores: a core each, the fits of a row one after the other.
    log = open(os.path.join(ens_a, name, "log.txt")).read()
    check("ensemble: 2 fits from seeds" in log and "on 1 threads" in log, f"{name}'s log: {log[:300]}")
# One row per core when fewer rows than cores: the same results, however many threads a row's fits ran on.
r = batch(ens_plan, "--out", ens_b, "--jobs", "4", "--ensemble", "2")
check(r.returncode == 0 and "on 2 threads" in open(os.path.join(ens_b, "e1", "log.txt")).read(),
      f"--jobs 4: an ensemble row's fits on 2 threads: {r.stderr}")
same_outputs(ens_a, ens_b, ["e1", "e2"], "--ensemble 2 with --jobs 2 vs 4")
# The ensemble is part of each row's arguments: done with it, not without it (the summary alone, as the Slurm
# gather job writes it).
r = batch(ens_plan, "--out", ens_a, "--ensemble", "2")
check(r.returncode == 0 and "2 complete already, 0 to run" in r.stderr, f"again with --ensemble 2: {r.stderr}")
r = batch(ens_plan, "--out", ens_a, "--gather")
check(r.returncode == 0 and all(x["status"] == "incomplete" and "other arguments" in x["message"]
                                for x in summary(ens_a).values()), f"without --ensemble the rows are not done: {r.stderr}")
r = batch(ens_plan, "--out", ens_a, "--gather", "--ensemble", "2")
check(r.returncode == 0 and all(x["status"] == "done" for x in summary(ens_a).values()), f"--gather --ensemble 2: {r.stderr}")
# What a Slurm array task runs, with --propose: the same row, and the recording to make next.
ens_c = os.path.join(out, "ens-c")
r = batch(ens_plan, "--out", ens_c, "--run-row", "e1", "--ensemble", "2", "--propose")
rec = json.load(open(os.path.join(ens_c, "e1", "batch-row.json"))) if os.path.exists(os.path.join(ens_c, "e1")) else {}
check(r.returncode == 0 and rec.get("args", "").endswith(" --ensemble 2 --propose")
      and os.path.exists(os.path.join(ens_c, "e1", "next", "proposal.txt")), f"--run-row e1 --propose: {r.stderr}")
for f in ("kinetics.csv", "model.json", "report.csv"):
    check(open(os.path.join(ens_c, "e1", f)).read() == open(os.path.join(ens_a, "e1", f)).read(),
          f"--run-row e1: {f} as in the local run")
# A row's own --ensemble stays.
own_plan = os.path.join(plan_dir, "own.csv")
with open(own_plan, "w") as f:
    f.write("name,args\nown," + FIT.format(rec="rec.csv", it=10, seed=1) + " --ensemble 3\n")
r = batch(own_plan, "--out", os.path.join(out, "own"), "--ensemble", "2")
s = summary(os.path.join(out, "own"))
check(r.returncode == 0 and s["own"]["fits"] == "3", f"a row's own --ensemble 3 stays: {s.get('own')} {r.stderr}")
if r.returncode == 0:
    check_ensemble_row(os.path.join(out, "own"), "own", s["own"], 3, "own --ensemble")

finish("batch cli")
