#!/usr/bin/env python3
# check-batch-slurm.py: `neurode-cli batch --slurm` against a real one-node Slurm cluster (munged, slurmctld,
# slurmd from Debian) that build-aux/slurm-test-cluster starts in the build tree and stops again, whatever
# happens here. Skipped (exit 77) with the reason when the cluster cannot run (not root, packages missing).
#
# - the 6-row demo plan through --slurm --wait: the same outputs as --jobs 1 here, byte for byte; 4 done
#   and 2 failed with their messages; after fixing the two inputs, a second submission runs only those two;
# - --ensemble 2 through --slurm --wait: the scripts give it to the tasks and the gather job, each task asks
#   for a core per fit (as far as the node has them) and runs its fits side by side, and the rows' bands and
#   summary figures are those of a local run;
# - a task cancelled with scancel while it runs leaves no result, the summary says Slurm cancelled it, and
#   the next submission runs it.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batchtest import (DEMO_FAILED, FIT, batch, check, check_demo_summary, check_ensemble_row, finish, fix_inputs,
                       make_demo_plan, result_stamp, root, same_outputs, summary)

out = os.path.join(os.environ["ND_TEST_OUTPUT"], "batch-slurm")
cluster = os.path.join(out, "cluster")
script = os.path.join(root, "build-aux", "slurm-test-cluster")


def on_term(signum, frame):
    # meson's timeout: leave through `finally`, which stops the daemons.
    raise SystemExit(1)


signal.signal(signal.SIGTERM, on_term)
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
start = subprocess.run([script, "start", cluster], capture_output=True, text=True)
if start.returncode != 0:
    said = (start.stderr.strip() or start.stdout.strip()).splitlines() or ["(no message)"]
    # The reason, not the last of Slurm's "Info:" lines after it.
    print("SKIP: no Slurm cluster on this machine:", next((l for l in reversed(said) if "rror" in l), said[-1]))
    subprocess.run([script, "stop", cluster])
    sys.exit(77)
env = dict(os.environ)
env["SLURM_CONF"] = os.path.join(cluster, "slurm.conf")
env["PATH"] = env.get("PATH", "/usr/bin") + ":/usr/sbin"
pids = [int(line.split()[0]) for line in open(os.path.join(cluster, "pids"))]


def squeue(*args):
    return subprocess.run(["squeue", "--noheader", *args], capture_output=True, text=True, env=env).stdout


try:
    # The 6-row demo plan as a job array, at most two tasks at a time, with a time limit and an extra option.
    plan_dir = os.path.join(out, "demo")
    plan = make_demo_plan(plan_dir)
    local, onslurm = os.path.join(out, "local"), os.path.join(out, "slurm")
    r = batch(plan, "--out", local, "--jobs", "1")
    check(r.returncode == 1, f"local run: {r.stderr}")
    t = time.monotonic()
    r = batch(plan, "--out", onslurm, "--slurm", "--wait", "--jobs", "2", "--time", "00:10:00", "--mem", "500",
              "--sbatch-arg=--comment=neurode-test", env=env)
    print(f"6-row demo plan on Slurm with --wait: {time.monotonic() - t:.1f} s")
    check(r.returncode == 1, f"--slurm --wait exits 1 when a row failed, not {r.returncode}: {r.stderr}")
    check(re.search(r"submitted 6 rows as job array \d+, at most 2 at a time", r.stderr), f"submission: {r.stderr}")
    check("4 done, 2 failed, 0 incomplete" in r.stderr, f"--wait reports the outcome: {r.stderr}")
    for name, words in DEMO_FAILED.items():
        check(re.search(rf"^{name}: failed in .*{words}", r.stderr, re.M), f"--wait: progress line for {name}")
    check_demo_summary(onslurm, "--slurm")
    same_outputs(onslurm, local, ["seed1", "seed2", "seed3", "seed4", "empty-rec", "other-model"], "Slurm vs local")

    # The scripts are kept, readable and complete.
    sb = open(os.path.join(onslurm, "batch.sbatch")).read()
    for line in ("#SBATCH --array=0-5%2", "#SBATCH --time=00:10:00", "#SBATCH --mem=500",
                 "#SBATCH --comment=neurode-test", "rows=(seed1 seed2 seed3 seed4 empty-rec other-model)",
                 "--run-row \"${rows[$SLURM_ARRAY_TASK_ID]}\""):
        check(line in sb, f"batch.sbatch has {line}")
    gs = open(os.path.join(onslurm, "gather.sbatch")).read()
    check("--gather" in gs and "#SBATCH --time=00:10:00" in gs, "gather.sbatch")
    logs = os.listdir(os.path.join(onslurm, "slurm-logs"))
    jobs = dict(line.split() for line in open(os.path.join(onslurm, "slurm-logs", "jobs")))
    check(len([f for f in logs if f.startswith(jobs["array"] + "_")]) == 6, f"a log per task: {logs}")
    glog = os.path.join(onslurm, "slurm-logs", f"gather-{jobs['gather']}.out")
    check(os.path.exists(glog) and "4 done, 2 failed" in open(glog).read(), "the gather job wrote the summary")
    # The gather job waited for the whole array (afterany): it was submitted with that dependency.
    check(not squeue("--jobs", jobs["array"] + "," + jobs["gather"]).strip(), "no job left in the queue")

    # Fixing the two inputs: the second submission runs those two rows only.
    fix_inputs(plan_dir)
    before = {n: result_stamp(onslurm, n) for n in ("seed1", "seed2", "seed3", "seed4")}
    r = batch(plan, "--out", onslurm, "--slurm", "--wait", env=env)
    check(r.returncode == 0 and "submitted 2 rows" in r.stderr and "(4 complete already)" in r.stderr
          and "6 done, 0 failed, 0 incomplete" in r.stderr, f"second submission: {r.returncode} {r.stderr}")
    check("#SBATCH --array=4-5\n" in open(os.path.join(onslurm, "batch.sbatch")).read(), "only rows 4 and 5 submitted")
    check(all(result_stamp(onslurm, n) == before[n] for n in before), "the done rows did not run again")
    jobs2 = dict(line.split() for line in open(os.path.join(onslurm, "slurm-logs", "jobs")))
    ran = sorted(f for f in os.listdir(os.path.join(onslurm, "slurm-logs")) if f.startswith(jobs2["array"] + "_"))
    check(ran == [jobs2["array"] + "_4.out", jobs2["array"] + "_5.out"], f"two tasks ran: {ran}")
    same_outputs(onslurm, local, ["seed1", "seed2", "seed3", "seed4"], "Slurm vs local after the fix")
    r = batch(plan, "--out", onslurm, "--slurm", env=env)
    check(r.returncode == 0 and "nothing to submit" in r.stderr, f"nothing left to submit: {r.stderr}")

    # --ensemble 2 on Slurm: the tasks and the gather job are given it, and the rows' results are the local
    # run's (bands and all).
    ens_plan = os.path.join(plan_dir, "ens.csv")
    with open(ens_plan, "w") as f:
        f.write("name,args\n" + "".join(f"e{k},{FIT.format(rec='rec.csv', it=20, seed=s)}\n" for k, s in ((1, 1), (2, 3))))
    ens_local, ens_slurm = os.path.join(out, "ens-local"), os.path.join(out, "ens-slurm")
    r = batch(ens_plan, "--out", ens_local, "--jobs", "2", "--ensemble", "2")
    check(r.returncode == 0, f"local ensemble run: {r.stderr}")
    r = batch(ens_plan, "--out", ens_slurm, "--slurm", "--wait", "--ensemble", "2", env=env)
    check(r.returncode == 0 and "2 done, 0 failed, 0 incomplete" in r.stderr, f"--slurm --ensemble 2: {r.stderr}")
    sb = open(os.path.join(ens_slurm, "batch.sbatch")).read()
    gs = open(os.path.join(ens_slurm, "gather.sbatch")).read()
    check(" --ensemble 2 --run-row " in sb and " --ensemble 2 --slurm" in sb and " --ensemble 2 --gather" in gs,
          f"the scripts give the tasks and the gather job --ensemble 2: {sb} {gs}")
    # Each task asks for a core per fit of its ensemble (no more than the node has) and its fits run side by
    # side on them; the gather job keeps one.
    node = max(int(l.rstrip("+") or 0) for l in subprocess.run(["sinfo", "--noheader", "--format=%c"],
               capture_output=True, text=True, env=env).stdout.split())
    cores = min(2, node)
    check(f"#SBATCH --cpus-per-task={cores}\n" in sb and "#SBATCH --cpus-per-task=1\n" in gs,
          f"{cores} cores per task, 1 for the summary: {sb} {gs}")
    check((cores > 1) == ("each row has 2 cores" in r.stderr), f"the cores are said: {r.stderr}")
    for name in ("e1", "e2"):
        log = open(os.path.join(ens_slurm, name, "log.txt")).read()
        check(f"on {cores} threads" in log, f"{name}'s fits ran on {cores} threads: {log}")
    s = summary(ens_slurm)
    for name in ("e1", "e2"):
        check_ensemble_row(ens_slurm, name, s.get(name, {}), 2, "--slurm --ensemble 2")
    same_outputs(ens_slurm, ens_local, ["e1", "e2"], "Slurm vs local, --ensemble 2")

    # A task cancelled while it runs: no result, "cancelled" in the summary, run by the next submission.
    # Its recording is 40 times the demo (slow) until it is "fixed" after the cancel.
    slow = os.path.join(plan_dir, "slow.csv")
    with open(os.path.join(plan_dir, "rec.csv")) as f:
        header, *body = f.read().splitlines()
    sweeps = {}
    for line in body:
        sweeps.setdefault(line.rsplit(",", 1)[1], []).append(line.split(",", 1))
    with open(slow, "w") as f:
        f.write(header + "\n")
        for rows in sweeps.values():
            span = float(rows[-1][0]) + 0.1
            for copy in range(40):
                for t_ms, rest in rows:
                    f.write(f"{float(t_ms) + copy * span:.1f},{rest}\n")
    cancel_plan = os.path.join(plan_dir, "cancel.csv")
    with open(cancel_plan, "w") as f:
        f.write("name,args\n"
                "quick,fit model.json rec.csv --train 1,3 --iterations 20 --restarts 1\n"
                "slow,fit model.json slow.csv --train 1,3 --iterations 400 --restarts 1\n")
    cancel_out = os.path.join(out, "cancel")
    p = subprocess.Popen([os.environ["NEURODE_CLI"], "batch", cancel_plan, "--out", cancel_out, "--slurm", "--wait"],
                         stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not os.path.isdir(os.path.join(cancel_out, ".running", "slow")):
        time.sleep(0.2)
    time.sleep(1.0)
    cjobs = dict(line.split() for line in open(os.path.join(cancel_out, "slurm-logs", "jobs")))
    check("RUNNING" in squeue("--array", "--jobs", cjobs["array"] + "_1", "--format=%T"), "the slow task is running")
    subprocess.run(["scancel", cjobs["array"] + "_1"], env=env, check=False)
    err = p.communicate(timeout=180)[1]
    check(p.returncode == 1, f"--wait after a cancelled task exits 1, not {p.returncode}: {err}")
    s = summary(cancel_out)
    check(s["quick"]["status"] == "done", f"quick: {s['quick']}")
    check(s["slow"]["status"] == "incomplete" and "cancelled" in s["slow"]["message"]
          and not os.path.exists(os.path.join(cancel_out, "slow")), f"cancelled task: {s['slow']}")
    check("1 done, 0 failed, 1 incomplete" in err, f"--wait names the incomplete row: {err}")
    shutil.copy(os.path.join(plan_dir, "rec.csv"), slow)
    r = batch(cancel_plan, "--out", cancel_out, "--slurm", "--wait", env=env)
    check(r.returncode == 0 and "submitted 1 row" in r.stderr and "slow: done" in r.stderr,
          f"the cancelled row runs again: {r.stderr}")
    check("#SBATCH --array=1\n" in open(os.path.join(cancel_out, "batch.sbatch")).read(), "only the cancelled row")
    check(summary(cancel_out)["slow"]["status"] == "done", "slow is done")

    # A second submission while the first is queued is refused.
    hold_plan = os.path.join(plan_dir, "hold.csv")
    with open(hold_plan, "w") as f:
        f.write("name,args\nheld,fit model.json rec.csv --train 1,3 --iterations 20 --restarts 1\n")
    hold_out = os.path.join(out, "hold")
    r = batch(hold_plan, "--out", hold_out, "--slurm", "--sbatch-arg=--hold", env=env)
    check(r.returncode == 0, f"held submission: {r.stderr}")
    r2 = batch(hold_plan, "--out", hold_out, "--slurm", env=env)
    check(r2.returncode == 1 and "still queued or running" in r2.stderr and "--wait" in r2.stderr,
          f"second submission refused: {r2.stderr}")
    # With --wait, the same command follows the jobs already submitted (after Ctrl+C, say) instead.
    hjobs = dict(line.split() for line in open(os.path.join(hold_out, "slurm-logs", "jobs")))
    subprocess.run(["scontrol", "release", hjobs["array"], hjobs["gather"]], env=env, check=False)
    r3 = batch(hold_plan, "--out", hold_out, "--slurm", "--wait", env=env)
    check(r3.returncode == 0 and "following them" in r3.stderr and "1 done, 0 failed" in r3.stderr,
          f"--wait follows the jobs already submitted: {r3.stderr}")
    check(dict(line.split() for line in open(os.path.join(hold_out, "slurm-logs", "jobs"))) == hjobs,
          "nothing was submitted again")
finally:
    stop = subprocess.run([script, "stop", cluster], capture_output=True, text=True)
    check(stop.returncode == 0, f"the cluster stopped: {stop.stderr}")


def alive(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return "\nState:\tZ" not in f.read()
    except OSError:
        return False


check(not any(alive(pid) for pid in pids), f"the daemons {pids} are gone")
finish("batch on slurm")
