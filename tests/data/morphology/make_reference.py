#!/usr/bin/python3
# make_reference.py: NEURON 8.2 reference for Neurode's multicompartment simulation.
#
# Copyright 2026 The Neurode authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the CA1 cell of the published reduction (Beck et al. 2026) in NEURON:
# morph_ca1_n120_single_point_soma.swc read by Import3d, one segment per
# section, Ra 100 Ohm cm, cm 1 uF/cm2, Pospischil Na/Kd/M (nd_*.mod beside this
# script, the same equations as Neurode's channel library) and a leak (pas)
# everywhere with the published densities, v_init -70 mV, 0.65 nA into
# soma(0.5) from 10 to 50 ms, 70 ms at dt 0.025 ms (fixed step, secondorder 0).
#
# Writes, next to this script:
#   neuron_ca1_step.csv      t_ms,v_mV of soma(0.5) and i_axial_pA, the current
#                            the soma sends into its child sections (2801 samples)
#   neuron_ca1_sections.csv  per section: parent, parent_x, 3-D end points, L,
#                            area and ri of the one-segment discretisation,
#                            nseg of the d_lambda rule (0.1 at 100 Hz), name
#   neuron_ca1_dlambda.csv   a second set-up exercising more of the machinery
#                            (see ca1-dlambda.json): d_lambda segmentation,
#                            per-region channels, Ra 150, cm 1.2, and the step
#                            (1.0 nA, 10-50 ms) injected at apic[1](0.3);
#                            t_ms, soma voltage, voltage at the stimulus site
# and prints the wall time of NEURON's 70 ms run of the published set-up (best of 5).
#
# Run with Debian's NEURON:  /usr/bin/python3 tests/data/morphology/make_reference.py
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SWC = os.path.join(HERE, "morph_ca1_n120_single_point_soma.swc")
MODS = ["nd_na.mod", "nd_kd.mod", "nd_m.mod"]

# Published densities (S/cm2) and reversal potentials (mV): the authors' code
# (berenslab/hybrid_biophysical_models_preprint, Jaxley's Pospischil defaults).
G_NA, E_NA = 0.05, 50.0
G_KD, E_K = 0.005, -90.0
G_M = 4e-6
G_LEAK, E_LEAK = 1e-4, -70.0
RA, CM, V_INIT = 100.0, 1.0, -70.0
DT, T_STOP = 0.025, 70.0
STIM_DEL, STIM_DUR, STIM_AMP = 10.0, 40.0, 0.65


def compile_mechanisms(tmp):
    """nrnivmodl of Debian's neuron-dev 8.2.2 looks for its makefile in
    /usr/bin and links against a libnrniv it cannot find; run a copy that
    names /usr/lib/nrn instead. Only the shared library is needed (building
    the `special` executable fails on Debian and is not used)."""
    for m in MODS:
        shutil.copy(os.path.join(HERE, m), tmp)
    with open("/usr/bin/nrnivmodl") as f:
        script = f.read().replace('"${bindir}/nrnmech_makefile"', '"/usr/lib/nrn/nrnmech_makefile"')
    fixed = os.path.join(tmp, "nrnivmodl-debian")
    with open(fixed, "w") as f:
        f.write(script)
    os.chmod(fixed, 0o755)
    subprocess.run([fixed, "-loadflags", "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn"] + MODS, cwd=tmp,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.path.exists(os.path.join(tmp, "x86_64", ".libs", "libnrnmech.so")):
        raise SystemExit("nrnivmodl failed to build the mechanisms")


def main():
    tmp = tempfile.mkdtemp(prefix="neurode-nrn-")
    try:
        compile_mechanisms(tmp)
        from neuron import h, load_mechanisms
        load_mechanisms(tmp)
        h.load_file("stdlib.hoc")
        h.load_file("import3d.hoc")

        reader = h.Import3d_SWC_read()
        reader.input(SWC)
        gui = h.Import3d_GUI(reader, False)
        gui.instantiate(None)
        secs = list(h.allsec())
        index = {s.name(): i for i, s in enumerate(secs)}
        soma = secs[0]
        assert soma.name().startswith("soma")

        for s in secs:
            s.nseg = 1
            s.Ra = RA
            s.cm = CM
            for mech in ("nd_na", "nd_kd", "nd_m", "pas"):
                s.insert(mech)
            for seg in s:
                seg.nd_na.gbar, seg.nd_na.e = G_NA, E_NA
                seg.nd_kd.gbar, seg.nd_kd.e = G_KD, E_K
                seg.nd_m.gbar, seg.nd_m.e = G_M, E_K
                seg.pas.g, seg.pas.e = G_LEAK, E_LEAK

        with open(os.path.join(HERE, "neuron_ca1_sections.csv"), "w") as f:
            f.write("section,parent,parent_x,n3d,x_first,y_first,z_first,x_last,y_last,z_last,"
                    "L_um,area_um2,ri_mid_MOhm,ri_end_MOhm,nseg_d_lambda,name\n")
            for i, s in enumerate(secs):
                ps = s.parentseg()
                parent = index[ps.sec.name()] if ps is not None else -1
                px = ps.x if ps is not None else -1
                n = int(s.n3d())
                nseg_dl = int((s.L / (0.1 * h.lambda_f(100, sec=s)) + 0.9) / 2) * 2 + 1
                f.write("%d,%d,%g,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.12g,%.12g,%.12g,%.12g,%d,%s\n" % (
                    i, parent, px, n, s.x3d(0), s.y3d(0), s.z3d(0),
                    s.x3d(n - 1), s.y3d(n - 1), s.z3d(n - 1), s.L,
                    s(0.5).area(), s(0.5).ri(), s(1).ri(), nseg_dl, s.name()))

        stim = h.IClamp(soma(0.5))
        stim.delay, stim.dur, stim.amp = STIM_DEL, STIM_DUR, STIM_AMP
        h.dt = DT
        h.secondorder = 0
        h.CVode().active(0)
        n_steps = int(round(T_STOP / DT))

        # Sections hanging off soma(0.5); with one segment each, child(0.5) is
        # joined to the soma node through child(0.5).ri() (the wire has none).
        kids = [c for c in secs if c.parentseg() is not None and c.parentseg().sec == soma]

        def run(record):
            h.finitialize(V_INIT)
            v, ax = ([soma(0.5).v], [0.0]) if record else (None, None)
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(n_steps):
                h.fadvance()
                if record:
                    vs = soma(0.5).v
                    v.append(vs)
                    ax.append(1000.0 * sum((vs - c(0.5).v) / c(0.5).ri() for c in kids))
            return (time.perf_counter() - t0, time.process_time() - c0), v, ax

        _, v, ax = run(True)
        times = [run(False)[0] for _ in range(5)]
        with open(os.path.join(HERE, "neuron_ca1_step.csv"), "w") as f:
            f.write("t_ms,v_mV,i_axial_pA\n")
            for k, vk in enumerate(v):
                f.write("%.3f,%.10g,%.10g\n" % (k * DT, vk, ax[k]))
        print("sections %d, total area %.3f um2, soma area %.3f um2" % (
            len(secs), sum(seg.area() for s in secs for seg in s), soma(0.5).area()))
        print("NEURON %s" % h.nrnversion())
        wall, cpu = [t[0] for t in times], [t[1] for t in times]
        print("NEURON 70 ms run: wall best %.4f s, mean %.4f s; CPU best %.4f s, mean %.4f s (5 runs)" % (
            min(wall), sum(wall) / 5, min(cpu), sum(cpu) / 5))

        # Second set-up: d_lambda, channels per region, stimulus in the apical tree.
        stim.amp = 0.0
        for s in secs:
            s.Ra = 150.0
            s.cm = 1.2
            s.nseg = int((s.L / (0.1 * h.lambda_f(100, sec=s)) + 0.9) / 2) * 2 + 1
            name = s.name().split("[")[0]
            for seg in s:
                seg.pas.g, seg.pas.e = G_LEAK, E_LEAK
                seg.nd_m.gbar = G_M if name == "soma" else 0.0
                seg.nd_kd.gbar = 0.0 if name == "dend" else G_KD
                seg.nd_na.gbar = {"soma": G_NA, "apic": 0.02, "dend": 0.0}[name]
        site = h.apic[1]
        dstim = h.IClamp(site(0.3))
        dstim.delay, dstim.dur, dstim.amp = STIM_DEL, STIM_DUR, 1.0
        h.finitialize(V_INIT)
        rows = [(0.0, soma(0.5).v, site(0.3).v)]
        for k in range(n_steps):
            h.fadvance()
            rows.append(((k + 1) * DT, soma(0.5).v, site(0.3).v))
        with open(os.path.join(HERE, "neuron_ca1_dlambda.csv"), "w") as f:
            f.write("t_ms,v_soma_mV,v_site_mV\n")
            for r in rows:
                f.write("%.3f,%.10g,%.10g\n" % r)
        print("d_lambda set-up: %d segments, apic[1] nseg %d" % (sum(s.nseg for s in secs), site.nseg))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
