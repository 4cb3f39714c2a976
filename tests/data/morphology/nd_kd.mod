COMMENT
Pospischil et al. (2008) delayed-rectifier potassium current, as in Neurode's
pospischil_kd (VT = -60 mV, no temperature factor).
Copyright 2026 The Neurode authors. SPDX-License-Identifier: GPL-3.0-or-later
ENDCOMMENT
NEURON {
  SUFFIX nd_kd
  NONSPECIFIC_CURRENT i
  RANGE gbar, e
}
UNITS { (mA) = (milliamp) (mV) = (millivolt) (S) = (siemens) }
PARAMETER { gbar = 0.005 (S/cm2)  e = -90 (mV)  vt = -60 (mV) }
ASSIGNED { v (mV) i (mA/cm2) ninf ntau (ms) }
STATE { n }
BREAKPOINT {
  SOLVE states METHOD cnexp
  i = gbar * n * n * n * n * (v - e)
}
INITIAL { rates(v) n = ninf }
DERIVATIVE states {
  rates(v)
  n' = (ninf - n) / ntau
}
UNITSOFF
PROCEDURE rates(v) { LOCAL a, b
  a = 0.032 * vtrap(-(v - vt - 15), 5)
  b = 0.5 * exp(-(v - vt - 10) / 40)
  ninf = a / (a + b)
  ntau = 1 / (a + b)
}
FUNCTION vtrap(x, y) {
  if (fabs(x / y) < 1e-6) { vtrap = y * (1 - x / y / 2) } else { vtrap = x / (exp(x / y) - 1) }
}
UNITSON
