#!/usr/bin/env python3
# Bad numbers and bad files given to neurode-cli: every case of issue 15's held-out run gets a clear error
# (exit 1 for bad input, 2 for a bad option; one line that says what, where and what is accepted) or a
# correct result; no NaN, Inf or non-physical trace is ever written as a success; outputs are whole sets.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import csv, hashlib, io, json, os, resource, shutil, signal, subprocess, sys, time

cli = os.environ["NEURODE_CLI"]
data = os.environ["ND_TEST_DATA"]
src = os.environ["ND_SOURCE_ROOT"]
out = os.path.join(os.environ["ND_TEST_OUTPUT"], "cli-reliability")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
failures = 0
# Sanitizer builds run several times slower: the time limits below scale with them.
with open(cli, "rb") as f:
    slow = 8.0 if b"__asan_init" in f.read() else 1.0
# Rows of the large-input case (and the stimulus the kills interrupt): fewer under the sanitizers.
ROWS = 1000000 if slow == 1.0 else 200000


def check(cond, what):
    global failures
    if not cond:
        print("FAIL:", what)
        failures += 1


def run(*args, code=0, timeout=60, **kw):
    try:
        p = subprocess.run([cli, *args], capture_output=True, text=True, timeout=timeout * slow, **kw)
    except subprocess.TimeoutExpired:
        check(False, f"{' '.join(args)}: still running after {timeout * slow:.0f} s")
        return subprocess.CompletedProcess(args, -1, "", "")
    check(p.returncode == code, f"{' '.join(args)}: exit {p.returncode}, expected {code}; stderr: {p.stderr}")
    return p


def error(args, code, *needles, gone=None):
    """The command fails with one clear line containing every needle; `gone` must not exist after it."""
    p = run(*args, code=code)
    lines = p.stderr.strip().splitlines()
    check(len(lines) >= 1 and lines[-1].startswith("neurode-cli: "), f"{args}: one message line, got {p.stderr!r}")
    for n in needles:
        check(n in p.stderr, f"{' '.join(args)}: message {p.stderr.strip()!r} lacks {n!r}")
    check("CRITICAL" not in p.stderr and "WARNING" not in p.stderr, f"{args}: GLib warnings in {p.stderr!r}")
    if gone:
        check(not os.path.exists(gone), f"{' '.join(args)}: left {gone}")
    return p


def write(name, text):
    path = os.path.join(out, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def table(name, rows, header="t_ms,i_pA"):
    return write(name, header + "\n" + "".join(",".join(str(x) for x in r) + "\n" for r in rows))


truth = os.path.join(data, "engine", "hh-k-truth.json")
hybrid = os.path.join(data, "engine", "k-hybrid.json")
step = os.path.join(data, "engine", "step-15pA.csv")
cell = os.path.join(src, "data", "cells", "ca1-pospischil.json")
swc = os.path.join(src, "data", "cells", "ca1-pospischil.swc")
cell_stim = os.path.join(src, "data", "cells", "ca1-train-stimulus.csv")
rec = os.path.join(out, "rec.csv")
run("simulate", truth, "--stimulus", step, "--out", rec)
o = os.path.join(out, "o.csv")
d = os.path.join(out, "dir")

# --- Steps: the integration step and the stimulus' sample interval are bounded before any step count. ---
for dt in ("1e-300", "1e-7", "inf", "nan"):
    error(("simulate", truth, "--stimulus", step, "--dt", dt, "--out", o), 2, "0.0001 to 1 ms", gone=o)
    error(("fit", hybrid, rec, "--out", d, "--dt", dt), 2, "0.0001 and 1 ms", gone=d)
    error(("morph-simulate", cell, "--dt", dt, "--out", o), 2, "0.0001 to 1 ms", gone=o)
    error(("reduce", cell, "--stimulus", cell_stim, "--out", d, "--dt", dt), 2, "0.0001 to 1 ms", gone=d)
for gap in ("1e12", "1e6"):
    far = table("far.csv", [(0, 0), (gap, 10), (2 * float(gap), 0)])
    error(("simulate", truth, "--stimulus", far, "--out", o), 1, "ms apart", "at most 1000 ms apart", gone=o)
    farv = table("farv.csv", [(0, -70, 0), (gap, -70, 10), (2 * float(gap), -70, 0)], "t_ms,v_mV,i_pA")
    error(("fit", hybrid, farv, "--out", d), 1, "at most 1000 ms apart", gone=d)
    error(("morph-simulate", cell, "--stimulus", far, "--out", o), 1, "at most 1000 ms apart", gone=o)
    error(("reduce", cell, "--stimulus", far, "--out", d), 1, "at most 1000 ms apart", gone=d)

# --- Non-physical membranes and currents: an error naming the field, never 1e28 mV or NaN. ---
for member, value, needle in (("area_um2", "1e-12", "“area_um2” is 1e-12; the membrane area must be 1 to 1e+08 µm²"),
                              ("cm_uF_per_cm2", "1e308", "“cm_uF_per_cm2” is 1e+308")):
    text = open(truth).read().replace('"%s": %s' % (member, {"area_um2": "62.832", "cm_uF_per_cm2": "1.0"}[member]),
                                      '"%s": %s' % (member, value))
    error(("simulate", write("membrane.json", text), "--stimulus", step, "--out", o), 1, needle, gone=o)
for amp in ("1e6", "-1e6"):   # a ±1 µA step: accepted as a current, but the voltage it drives is no result
    s = table("uA.csv", [(round(j * 0.1, 1), amp if 10 <= j < 60 else 0) for j in range(100)])
    error(("simulate", truth, "--stimulus", s, "--out", o), 1, "sweep 0:", "check the membrane area and capacitance",
          gone=o)
huge = table("huge.csv", [(round(j * 0.1, 1), "1e300" if 10 <= j < 60 else 0) for j in range(100)])
error(("simulate", truth, "--stimulus", huge, "--out", o), 1, "sweep 0 at 1 ms: the injected current is 1e+300 pA",
      "-1e+06 to 1e+06 pA", gone=o)
error(("morph-simulate", cell, "--stimulus", huge, "--out", o), 1, "1e+300 pA", gone=o)
error(("reduce", cell, "--stimulus", huge, "--out", d), 1, "1e+300 pA", gone=os.path.join(d, "reduced.json"))
hugev = table("hugev.csv", [(round(j * 0.1, 1), -70, "1e300" if j == 5 else 0) for j in range(100)], "t_ms,v_mV,i_pA")
error(("fit", hybrid, hugev, "--out", d), 1, "1e+300 pA", gone=os.path.join(d, "model.json"))

# --- Options that ran for ever or exhausted memory. ---
error(("fit", hybrid, rec, "--out", d, "--iterations", "10000000"), 2, "--iterations", "0 to 1000000")
error(("fit-curves", os.path.join(data, "icg", "curves-extract.csv.gz"), "--out", d, "--jobs", "100000"), 2,
      "--jobs is 100000; it must be 1 to 256")
error(("fit", hybrid, rec, "--out", d, "--jobs", "100000"), 2, "--jobs is 100000; it must be 1 to 256 cores")
error(("reduce", cell, "--stimulus", cell_stim, "--out", d, "--jobs", "-1"), 2, "--jobs is -1; it must be 1 to 256 cores")
error(("reduce", cell, "--stimulus", cell_stim, "--out", d, "--dvdt-weight", "inf"), 2, "--dvdt-weight is inf")
error(("reduce", cell, "--stimulus", cell_stim, "--out", d, "--iterations", "10000000"), 2, "1 to 1000000")
# Automatic restarts end, with progress, and --iterations bounds the whole fit (restarts, extra restarts, polish).
rec2 = os.path.join(out, "rec2.csv")
with open(rec2, "w") as f:
    f.write("sweep,t_ms,v_mV,i_pA\n")
    rows_ = list(csv.DictReader(open(rec)))
    for sw in (0, 1):
        for r in rows_:
            f.write(f"{sw},{r['t_ms']},{r['v_mV']},{r['i_pA']}\n")
p = run("fit", hybrid, rec2, "--out", d, "--restarts", "0", "--validate", "1", timeout=120)
check("start 1/2" in p.stderr and "start 2/2" in p.stderr, "automatic restarts report their progress")
for limit in (7, 40):
    dl = os.path.join(out, f"limit{limit}")
    p = run("fit", hybrid, rec2, "--out", dl, "--restarts", "0", "--validate", "1", "--iterations", str(limit))
    n = len(open(os.path.join(dl, "loss.csv")).read().splitlines()) - 1
    check(1 <= n <= limit, f"--iterations {limit}: the fit ran {n} iterations")

# --- CSV fields: any channel or gate name keeps the table's columns. ---
for name in ("K,x", "K\nx", 'K"x'):
    model = json.loads(open(hybrid).read())
    for c in model["channels"]:
        if c["type"] == "learned":
            c["name"] = name
            c["gates"][0]["name"] = name.lower()
    mp = write("named.json", json.dumps(model))
    k = run("kinetics", mp).stdout
    r = list(csv.reader(io.StringIO(k, newline="")))
    check(all(len(x) == 5 for x in r), f"kinetics of a channel named {name!r}: rows of 5 fields")
    check(sum(1 for x in r if x[0] == name and x[1] == name.lower()) == 161, f"kinetics names {name!r} kept")
    dn = os.path.join(out, "named")
    run("fit", mp, rec, "--out", dn, "--iterations", "3", "--restarts", "1")
    with open(os.path.join(dn, "kinetics.csv"), newline="") as f:
        r = list(csv.reader(f))
    check(all(len(x) == 5 for x in r) and sum(1 for x in r if x[0] == name) == 161, f"fit kinetics.csv with {name!r}")

# --- Strict JSON: malformed numbers, quotes, trailing data, wrong types name the place. ---
base = '{"membrane": {"area_um2": 62.832, "v_init_mV": -70}, "channels": [%s]}'
learned = ('{"type": "learned", "name": "K", "gbar_mS_per_cm2": 36, "e_rev_mV": -75, "gates": [{"name": "n", '
           '"power": 4, "network": {"width": 1, "depth": 1, %s}}]}')
ones = [1] * 8
cases = [
    (base % '{"type": "hh_na", "gbar_mS_per_cm2": 0120}', "“0120”: a number may not start with 0 (write 120"),
    ("{'membrane': {'area_um2': 62.8}, 'channels': []}", "line 1, column 2: text must be in double quotes"),
    (base % "" + ' {"x": 1}', "comes after the end of the JSON value"),
    (base % '{"type": "leak", "gbar_mS_per_cm2": 0x78}', "“0x78” is a hexadecimal number"),
    (base % '{"type": "leak",\n "e_rev_mV": NaN}', "line 2, column 14: “NaN” is not a number JSON allows"),
    (base % '{"type": 5}', "channel 1: “type” must be text in double quotes, not a number"),
    (base % (learned % '"weights": {}'), "“weights” must be a list [ … ], not an object"),
    (base % learned.replace('"network": {"width": 1, "depth": 1, %s}', '"network": []'),
     "“network” must be an object { … }, not a list"),
    (base % (learned % ('"weights": ' + json.dumps(["NaN"] + ones[1:]))), "weight 1 must be a finite number, not text"),
    (base % (learned % ('"weights": ' + json.dumps(ones[:3] + ["0.25"] + ones[4:]))), "weight 4 must be a finite number"),
    (base % (learned % ('"weights": ' + json.dumps(ones[:7] + [True]))), "weight 8 must be a finite number, not true"),
    ("[" * 100000 + "]" * 100000, "nested more than 64 levels deep"),
]
for text, needle in cases:
    error(("simulate", write("bad.json", text), "--stimulus", step, "--out", o), 1, "bad.json", needle, gone=o)
error(("simulate", "/dev/zero", "--stimulus", step, "--out", o), 1, "“/dev/zero” is not a file but a device", gone=o)
hexcsv = table("hex.csv", [(0, 0), (0.1, "0x10"), (0.2, 0)])
error(("simulate", truth, "--stimulus", hexcsv, "--out", o), 1, "“0x10” is not a number", gone=o)
cell_text = open(cell).read().replace('"ca1-pospischil.swc"', json.dumps(swc))
error(("morph-simulate", write("deep-cell.json", '{"a":' * 100000), "--out", o), 1, "nested more than 64", gone=o)
error(("morph-simulate", "/dev/zero", "--out", o), 1, "not a file but a device", gone=o)
error(("morph-simulate", write("zero-cell.json", cell_text.replace(json.dumps(swc), '"/dev/zero"')), "--out", o), 1,
      "“/dev/zero” is not a file but a device", gone=o)
big = cell_text.replace('"duration_ms": 70.0, "dt_ms": 0.025', '"duration_ms": 1e7, "dt_ms": 1e-5')
error(("morph-simulate", write("big-cell.json", big), "--out", o), 1, "the protocol asks for 1e+12 samples", gone=o)
error(("morph-simulate", write("typed-cell.json", cell_text.replace('"name": "CA1', '"name": 5, "x": "CA1')),
       "--out", o), 1, "“name” must be text", gone=o)

# --- Messages a non-programmer can act on. ---
error(("fit", hybrid, rec, "--out", d, "--validate", "99999999999"), 1, "sweep 99999999999 does not exist",
      "the recording has 1 sweeps")
error(("info", os.path.join(data, "project", "fitted-demo-format1.neurode")), 1, "is a Neurode project, not a recording")
error(("info", "/dev/zero"), 1, "“/dev/zero” is not a file but a device")


def limited(kb):
    def f():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (kb * 1024, kb * 1024))
    return f


for x in os.listdir(out):
    if x == "o.csv" or x.startswith(".o.csv"):
        os.unlink(os.path.join(out, x))
# A full disk (a file-size limit stands in for it): the message names the user's file, nothing is left under it.
p = run("simulate", truth, "--stimulus", step, "--out", o, code=1, preexec_fn=limited(4))
check("cannot write “%s”" % o in p.stderr and ".o.csv" not in p.stderr, f"full disk message: {p.stderr!r}")
check(not os.path.exists(o) and not [x for x in os.listdir(out) if x.startswith(".o.csv")], "no file after a full disk")
p = run("fit", hybrid, rec, "--out", d, "--iterations", "3", "--restarts", "1", code=1, preexec_fn=limited(20))
check("cannot write" in p.stderr and ".XXXXXX" not in p.stderr, f"fit full disk message: {p.stderr!r}")
check(not os.path.exists(os.path.join(d, "complete.txt")), "a fit cut by a full disk leaves no complete set")

# --- Outputs as one set. ---
dset = os.path.join(out, "set")
run("fit", hybrid, rec, "--out", dset, "--iterations", "5", "--restarts", "1")
names = sorted(os.listdir(dset))
check(names == ["complete.txt", "kinetics.csv", "loss.csv", "model.json", "report.csv"], f"fit outputs {names}")
listed = [l.split(",") for l in open(os.path.join(dset, "complete.txt")).read().splitlines() if not l.startswith("#")]
for name, size, sha in listed:
    blob = open(os.path.join(dset, name), "rb").read()
    check(len(blob) == int(size) and hashlib.sha256(blob).hexdigest() == sha, f"complete.txt matches {name}")
# A second fit into the same folder, killed: no marker, none of the first fit's kinetics, loss or report beside
# whatever model.json holds (the first fit's or the best so far), and that model is whole.
proc = subprocess.Popen([cli, "fit", hybrid, rec, "--out", dset, "--iterations", "100000", "--restarts", "1"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.5 * min(slow, 3))
proc.send_signal(signal.SIGKILL)
proc.wait()
left = sorted(x for x in os.listdir(dset) if not x.startswith("."))
check(left == ["model.json"], f"a killed fit leaves only its model: {left}")
json.load(open(os.path.join(dset, "model.json")))
# simulate killed while it writes: nothing under the user's name (a long stimulus keeps it busy).
longstim = os.path.join(out, "long.csv")
with open(longstim, "w") as f:
    f.write("t_ms,i_pA\n")
    f.writelines(f"{j * 0.025:.3f},{10 if (j // 40000) % 2 else 0}\n" for j in range(ROWS))
check(not os.path.exists(o), "no o.csv before the kills")
for cmd in (["simulate", truth, "--stimulus", longstim, "--out", o],
            ["morph-simulate", cell, "--stimulus", longstim, "--out", o]):
    proc = subprocess.Popen([cli, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Killed while its hidden temporary file (".o.csv.XXXXXX") is being written, not after a fixed time: a
    # fast machine finished the million rows within 2 s.
    deadline = time.time() + 30 * slow
    while proc.poll() is None and time.time() < deadline and \
            not any(x.startswith("." + os.path.basename(o) + ".") for x in os.listdir(os.path.dirname(o))):
        time.sleep(0.002)
    running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    check(running, f"{cmd[0]} was still running when killed")
    check(not os.path.exists(o), f"{cmd[0]} killed while writing left {o}")
    for x in os.listdir(out):
        if x.startswith(".o.csv"):
            os.unlink(os.path.join(out, x))

# --- Large inputs: linear and fast. 1,000,000 rows here; 10,000,000 by hand (docs). ---
t0 = time.monotonic()
run("simulate", truth, "--stimulus", longstim, "--out", o, timeout=60)
t_sim = time.monotonic() - t0
check(sum(1 for _ in open(o)) == ROWS + 1, f"a {ROWS}-row stimulus simulated whole")
longrec = os.path.join(out, "longrec.csv")
os.replace(o, longrec)
t0 = time.monotonic()
run("fit", hybrid, longrec, "--out", os.path.join(out, "longfit"), "--iterations", "1", "--restarts", "1", timeout=60)
t_fit = time.monotonic() - t0
print(f"{ROWS} rows: simulate {t_sim:.1f} s, one-iteration fit {t_fit:.1f} s")

if failures:
    print(f"cli reliability: {failures} failure(s)")
    sys.exit(1)
print("cli reliability: every case refused clearly or done right")
