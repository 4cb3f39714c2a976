# clitest.py: what the neurode-cli check scripts share: the program and data from the test environment, an
# output folder per script, check() that counts failures, run() and rows(), and finish(). meson puts this
# folder on PYTHONPATH for every test.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import csv, os, subprocess, sys

cli = os.environ["NEURODE_CLI"]
data = os.environ["ND_TEST_DATA"]
failures = 0


def output_dir(name):
    out = os.path.join(os.environ["ND_TEST_OUTPUT"], name)
    os.makedirs(out, exist_ok=True)
    return out


def check(cond, what):
    global failures
    if not cond:
        print("FAIL:", what)
        failures += 1


def run(*args, code=0):
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    check(p.returncode == code, f"{' '.join(args)}: exit {p.returncode}, expected {code}; stderr: {p.stderr}")
    return p


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def finish(label):
    print(f"{label}:", "ok" if not failures else f"{failures} failure(s)")
    sys.exit(1 if failures else 0)
