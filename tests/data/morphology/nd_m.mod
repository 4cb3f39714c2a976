COMMENT
Pospischil et al. (2008) slow M-type potassium current, as in Neurode's
pospischil_m (tau_max = 4000 ms, no temperature factor).
Copyright 2026 The Neurode authors. SPDX-License-Identifier: GPL-3.0-or-later
ENDCOMMENT
NEURON {
  SUFFIX nd_m
  NONSPECIFIC_CURRENT i
  RANGE gbar, e
}
UNITS { (mA) = (milliamp) (mV) = (millivolt) (S) = (siemens) }
PARAMETER { gbar = 4e-6 (S/cm2)  e = -90 (mV)  taumax = 4000 (ms) }
ASSIGNED { v (mV) i (mA/cm2) pinf ptau (ms) }
STATE { p }
BREAKPOINT {
  SOLVE states METHOD cnexp
  i = gbar * p * (v - e)
}
INITIAL { rates(v) p = pinf }
DERIVATIVE states {
  rates(v)
  p' = (pinf - p) / ptau
}
UNITSOFF
PROCEDURE rates(v) {
  pinf = 1 / (1 + exp(-(v + 35) / 10))
  ptau = taumax / (3.3 * exp((v + 35) / 20) + exp(-(v + 35) / 20))
}
UNITSON
