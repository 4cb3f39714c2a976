# nrntest.py: what the NEURON checks of exported NMODL share: building mechanisms with Debian's NEURON 8.2.
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
import os, subprocess, sys


def compile_mechanisms(mods, where):
    """Builds the .mod files `mods` (already in `where`) into where/x86_64; exits with nrnivmodl's output if it
    fails. Debian's nrnivmodl looks for its makefile in /usr/bin, so a copy that names /usr/lib/nrn is run."""
    with open("/usr/bin/nrnivmodl") as f:
        script = f.read().replace('"${bindir}/nrnmech_makefile"', '"/usr/lib/nrn/nrnmech_makefile"')
    fixed = os.path.join(where, "nrnivmodl-debian")
    with open(fixed, "w") as f:
        f.write(script)
    os.chmod(fixed, 0o755)
    r = subprocess.run([fixed, "-loadflags", "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn"] + [os.path.basename(m) for m in mods],
                       cwd=where, capture_output=True, text=True)
    if not os.path.exists(os.path.join(where, "x86_64", ".libs", "libnrnmech.so")):
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit("nrnivmodl failed to build the mechanisms")
