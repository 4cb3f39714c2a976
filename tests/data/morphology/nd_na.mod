COMMENT
Pospischil et al. (2008) sodium current, as in Neurode's pospischil_na
(VT = -60 mV, no temperature factor). Written for Neurode's NEURON reference.
Copyright 2026 The Neurode authors. SPDX-License-Identifier: GPL-3.0-or-later
ENDCOMMENT
NEURON {
  SUFFIX nd_na
  NONSPECIFIC_CURRENT i
  RANGE gbar, e
}
UNITS { (mA) = (milliamp) (mV) = (millivolt) (S) = (siemens) }
PARAMETER { gbar = 0.05 (S/cm2)  e = 50 (mV)  vt = -60 (mV) }
ASSIGNED { v (mV) i (mA/cm2) minf hinf mtau (ms) htau (ms) }
STATE { m h }
BREAKPOINT {
  SOLVE states METHOD cnexp
  i = gbar * m * m * m * h * (v - e)
}
INITIAL { rates(v) m = minf h = hinf }
DERIVATIVE states {
  rates(v)
  m' = (minf - m) / mtau
  h' = (hinf - h) / htau
}
UNITSOFF
PROCEDURE rates(v) { LOCAL a, b
  a = 0.32 * vtrap(-(v - vt - 13), 4)
  b = 0.28 * vtrap(v - vt - 40, 5)
  minf = a / (a + b)
  mtau = 1 / (a + b)
  a = 0.128 * exp(-(v - vt - 17) / 18)
  b = 4 / (1 + exp(-(v - vt - 40) / 5))
  hinf = a / (a + b)
  htau = 1 / (a + b)
}
FUNCTION vtrap(x, y) {
  if (fabs(x / y) < 1e-6) { vtrap = y * (1 - x / y / 2) } else { vtrap = x / (exp(x / y) - 1) }
}
UNITSON
