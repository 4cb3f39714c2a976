# batchtest.py: what the tests of `neurode-cli batch` share — the demo plan, running the command, comparing
# result folders.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import csv
import filecmp
import json
import math
import os
import shutil
import subprocess
import sys

cli = os.environ["NEURODE_CLI"]
root = os.environ["ND_SOURCE_ROOT"]
demo_csv = os.path.join(root, "data", "demo", "hh-demo.csv")
failures = []

# Files a row writes whose content depends on when and how fast it ran: the command's progress log and
# batch's own record (seconds). Everything else a row writes must be byte-identical wherever it ran.
TIMED = {"log.txt", "batch-row.json"}


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr, flush=True)
    return cond


def finish(name):
    print(f"{name}:", "ok" if not failures else f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


def batch(*args, env=None, timeout=240):
    """Runs neurode-cli batch; returns the CompletedProcess (stderr as text)."""
    return subprocess.run([cli, "batch", *args], capture_output=True, text=True, env=env, timeout=timeout)


def demo_model(path):
    """The demo project's model (HH Na, leak, a learned K) as a model file."""
    with open(os.path.join(root, "data", "demo", "hh-demo.neurode")) as f:
        model = json.load(f)["model"]
    with open(path, "w") as f:
        json.dump(model, f)


FIT = "fit model.json {rec} --train 1,3 --iterations {it} --restarts 1 --seed {seed}"


def make_demo_plan(folder, iterations=30):
    """The 6-row plan of issue 16: four demo fits with different seeds, and two rows that fail on purpose
    (a recording with no data, a model with an unknown channel). Returns the plan's path; fix_inputs()
    repairs the two inputs."""
    os.makedirs(folder, exist_ok=True)
    shutil.copy(demo_csv, os.path.join(folder, "rec.csv"))
    demo_model(os.path.join(folder, "model.json"))
    with open(os.path.join(folder, "empty.csv"), "w") as f:
        f.write("t_ms,v_mV,i_pA\n")
    with open(os.path.join(folder, "other-model.json"), "w") as f:
        f.write('{"membrane": {"area_um2": 62.83}, "channels": [{"type": "kv9"}]}\n')
    rows = [(f"seed{s}", FIT.format(rec="rec.csv", it=iterations, seed=s)) for s in (1, 2, 3, 4)]
    rows.append(("empty-rec", FIT.format(rec="empty.csv", it=iterations, seed=1)))
    rows.append(("other-model", FIT.format(rec="rec.csv", it=iterations, seed=1).replace("model.json", "other-model.json")))
    path = os.path.join(folder, "plan.csv")
    with open(path, "w") as f:
        f.write("name,args\n")
        for name, args in rows:
            f.write(f"{name},{args}\n")   # unquoted: the args column is last, so its commas are its own
    return path


DEMO_FAILED = {"empty-rec": "no data rows", "other-model": "unknown channel type"}


def fix_inputs(folder):
    shutil.copy(demo_csv, os.path.join(folder, "empty.csv"))
    demo_model(os.path.join(folder, "other-model.json"))


def summary(out):
    with open(os.path.join(out, "summary.csv")) as f:
        return {r["name"]: r for r in csv.DictReader(f)}


SUMMARY_COLUMNS = ["name", "status", "exit_code", "seconds", "message", "train_rmse_mV", "validation_rmse_mV",
                   "spike_count_agreement", "held_out_rmse_mV", "speedup", "fits", "fits_kept"]
BAND_COLUMNS = ["x_inf_lo", "x_inf_hi", "tau_lo_ms", "tau_hi_ms", "constrained", "in_data"]


def check_ensemble_row(out, name, row, fits, what):
    """An ensemble row: kinetics.csv has the band columns, filled for the learned gate (the demo's K.n); the
    summary's fits, fits_kept and K.n band figures are model.json's and kinetics.csv's, computed here over the
    voltages the training data visited (in_data = 1)."""
    folder = os.path.join(out, name)
    with open(os.path.join(folder, "kinetics.csv")) as f:
        kin = list(csv.DictReader(f))
    check(kin and list(kin[0].keys())[5:] == BAND_COLUMNS, f"{what}: {name}/kinetics.csv has the band columns")
    gate = [r for r in kin if (r["channel"], r["gate"]) == ("K", "n")]
    check(len(gate) == 161 and all(r["x_inf_lo"] != "" and float(r["x_inf_lo"]) <= float(r["x_inf_hi"]) for r in gate),
          f"{what}: {name}: K.n has a band at every voltage")
    check(all(r["x_inf_lo"] == "" for r in kin if r["channel"] != "K"), f"{what}: {name}: known gates have none")
    with open(os.path.join(folder, "model.json")) as f:
        model = json.load(f)
    members = [g["band"]["members"] for c in model["channels"] for g in c.get("gates", []) if "band" in g]
    visited = [r for r in gate if r["in_data"] == "1"]
    check(20 <= len(visited) < len(gate), f"{what}: {name}: K.n visited on {len(visited)} of {len(gate)} voltages")
    widths = sorted(float(r["x_inf_hi"]) - float(r["x_inf_lo"]) for r in visited) or [math.nan]
    median = widths[len(widths) // 2] if len(widths) % 2 else (widths[len(widths) // 2 - 1] + widths[len(widths) // 2]) / 2
    share = sum(r["constrained"] == "1" for r in visited) / max(len(visited), 1)
    check(row.get("fits") == str(fits) and members and row.get("fits_kept") == str(members[0])
          and 1 <= members[0] <= fits, f"{what}: {name} fits {row.get('fits')} kept {row.get('fits_kept')}, "
                                        f"model.json's band has {members}")
    for key, value in (("K.n_x_inf_band", median), ("K.n_constrained", share)):
        got = row.get(key, "")
        check(got != "" and abs(float(got) - value) < 1e-3, f"{what}: {name} {key} {got}, kinetics.csv gives {value}")


def check_demo_summary(out, what):
    """4 done, 2 failed with the commands' own messages; the headline figures are report.csv's."""
    with open(os.path.join(out, "summary.csv")) as f:
        check(f.readline().strip() == ",".join(SUMMARY_COLUMNS), f"{what}: summary.csv header")
    s = summary(out)
    statuses = sorted(r["status"] for r in s.values())
    check(statuses == ["done"] * 4 + ["failed"] * 2, f"{what}: statuses {statuses}")
    for name, words in DEMO_FAILED.items():
        r = s.get(name, {})
        check(r.get("status") == "failed" and r.get("exit_code") == "1" and words in r.get("message", ""),
              f"{what}: {name} failed with its message: {r}")
    for name in ("seed1", "seed2", "seed3", "seed4"):
        check_fit_figures(out, name, s.get(name, {}), what)
        check(s.get(name, {}).get("fits") == "" and s.get(name, {}).get("fits_kept") == "",
              f"{what}: {name} is a single fit: no ensemble figures")
    return s


def check_fit_figures(out, name, row, what):
    """summary.csv's figures of a fit row, computed here from its report.csv independently."""
    with open(os.path.join(out, name, "report.csv")) as f:
        rep = list(csv.DictReader(f))

    def pooled(role):
        xs = [float(r["rmse_mV"]) for r in rep if r["role"] == role]
        return math.sqrt(sum(x * x for x in xs) / len(xs))

    val = [r for r in rep if r["role"] == "validate"]
    agree = sum(abs(int(r["spikes_model"]) - int(r["spikes_recorded"])) <= max(1, 0.2 * int(r["spikes_recorded"]))
                for r in val) / len(val)
    check(row.get("status") == "done" and row.get("exit_code") == "0" and row.get("message") == "",
          f"{what}: {name} done: {row}")
    for key, value in (("train_rmse_mV", pooled("train")), ("validation_rmse_mV", pooled("validate")),
                       ("spike_count_agreement", agree)):
        got = row.get(key, "")
        check(got != "" and abs(float(got) - value) < 1e-3, f"{what}: {name} {key} {got}, report.csv gives {value}")
    check(row.get("held_out_rmse_mV") == "" and row.get("speedup") == "", f"{what}: {name} has no reduce figures")


def row_files(out, name):
    folder = os.path.join(out, name)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def same_outputs(a, b, names, what):
    """Every file of each row, but the timed ones, byte for byte."""
    for name in names:
        fa, fb = row_files(a, name), row_files(b, name)
        check(fa == fb and fa, f"{what}: {name} has the same files ({fa} vs {fb})")
        for f in fa:
            if f not in TIMED:
                check(filecmp.cmp(os.path.join(a, name, f), os.path.join(b, name, f), shallow=False),
                      f"{what}: {name}/{f} differs")


def result_stamp(out, name):
    """When the row's result was written (its record's modification time, ns)."""
    p = os.path.join(out, name, "batch-row.json")
    return os.stat(p).st_mtime_ns if os.path.exists(p) else None
